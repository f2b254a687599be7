"""Probe patients: scripted as an outside grader would write them, SMS-terse, typos, several facts in
one message, odd order. They press where the first 68 patients don't: moves relative to the current
appointment ("push it back a week", "same time next week", "an hour later"), a booking interrupted by
another request and resumed, a child's complaint, "reschedule both", a change of mind at the yes,
wrong identities and an SMS number that only narrows, a time taken by someone else before the pick,
a hand-off in the middle. Each runs through the REST channel against the shared stack and is checked
IN FHIR; what patients heard and what the logs kept are checked at the end.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from actions.formatting import when_text
from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_more_patients import practitioner_id, practitioner_of, short_holds
from tests.assistant.test_simulated_patients import (DERM, FAMILY, GI, PEDS, PHI, Patient, new_patient, patients_named,
                                                      play, specialty_codes, status_of, take, the_one_booked)
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of
from tests.support.clock import TEST_TZ

BOT_TEXTS: list[str] = []
ASKS_NAME = re.compile(r"first and last name", re.I)


@dataclass(repr=False)  # (the transcript stays what an assertion shows)
class Probe(Patient):
    """A Patient whose bot messages are collected for this file's end checks (and, line by line, for
    ``heard``: another probe file's); an SMS number optional."""

    phone: str | None = None
    heard: list[str] | None = None

    def __call__(self, text: str) -> str:
        meta = {"phone": self.phone} if self.phone else None
        replies = self.stack.texts(self.sender, text, meta)
        BOT_TEXTS.extend(replies)
        if self.heard is not None:
            self.heard.extend(line for reply in replies for line in reply.splitlines())
        self.transcript += [f"> {text}", *[f"  {r}" for r in replies]]
        return "\n".join(replies)

    def bot_text(self) -> str:
        return "\n".join(l for l in self.transcript if not l.startswith(">"))


def old_start(seeded: dict) -> datetime:
    """A seeded appointment's start (a datetime already) in the clinic's zone."""
    return seeded["start"].astimezone(local({"start": "2026-01-01T00:00:00+00:00"}).tzinfo)


def probe_file_tests(prefix: str, patients: list) -> tuple:
    """A probe file's three tests, in this order: each of ``patients`` as a parametrized test (sender
    ``<prefix>-<script name>``), then that every message they heard was clean and short, then that
    the logs hold none of their details. A file assigns them to its own ``test_*`` names."""
    heard: list[str] = []

    @pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in patients])
    def test_patient(stack, script):
        play(script, Probe(stack, f"{prefix}-{script.__name__}", heard=heard))

    def test_heard_only_clean_short_messages():
        assert_clean_messages(heard)

    def test_left_no_details_in_logs(stack):
        assert_logs_hold_none_of(stack, PHI)

    return test_patient, test_heard_only_clean_short_messages, test_left_no_details_in_logs


def task_of(p) -> dict:
    task_id = p.slots().get("handoff_task")
    assert task_id, p
    return fhir_get(p.stack, f"Task/{task_id}")


def moved(stack, pid: str, old: dict) -> dict:
    """The one appointment that replaced ``old``: old cancelled, exactly one booked."""
    assert status_of(stack, old["id"]) == "cancelled"
    now = booked(stack, pid)
    assert len(now) == 1
    return now[0]


def answer_until_booked(p, answers: dict, first: str, limit: int = 8, stop: str | None = None) -> str:
    """Reply to whatever is asked, in the bot's order: {pattern: answer}; "1)" → "1"; stops otherwise,
    or as soon as a reply matches ``stop``."""
    reply = first
    for _ in range(limit):
        if stop and re.search(stop, reply):
            return reply
        for pattern, answer in answers.items():
            if re.search(pattern, reply, re.I):
                reply = p(answer)
                break
        else:
            if "1)" in reply:
                reply = p("1")
            elif re.search(r"\b(Book|to) it\?", reply):
                reply = p("yes")
            else:
                return reply
    return reply


# -- relative moves ------------------------------------------------------------------------------


def push_it_back_a_week(stack, p):
    pid = new_patient(stack, "Thaddeus", "Okonjo", "1979-02-11", "408-555-0401")
    old = seed_booking(stack, pid, "2026-12-02")
    first = p("hey can u push my appt back a week? thaddeus okonjo 2/11/79")
    answer_until_booked(p, {ASKS_NAME.pattern: "thaddeus okonjo", r"date of birth": "2/11/1979"}, first)
    new = moved(stack, pid, old)
    assert local(new).date() == date(2026, 12, 9), p  # a week after Wed Dec 2
    assert abs((local(new) - old_start(old) - timedelta(days=7)).total_seconds()) <= 3600, p  # about the same time


def same_time_next_week(stack, p):
    pid = new_patient(stack, "Marguerite", "Solis", "1990-10-03", "408-555-0402")
    old = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    first = p("marguerite solis dob oct 3 1990.. cant do thurs, same time next week instead?")
    answer_until_booked(p, {ASKS_NAME.pattern: "marguerite solis", r"date of birth": "10/3/1990"}, first)
    new = moved(stack, pid, old)
    assert local(new).date() == date(2026, 12, 10), p
    assert abs((local(new) - old_start(old) - timedelta(days=7)).total_seconds()) <= 3600, p
    assert FAMILY in specialty_codes(new), p


def an_hour_later(stack, p):
    pid = new_patient(stack, "Kasimir", "Adeyemi", "1968-04-30", "408-555-0403")
    old = seed_booking(stack, pid, "2026-12-01")
    p("need to change my appt")
    p("kasimir adeyemi")
    first = p("4-30-68")
    answer_until_booked(p, {r"when works|what day|new time": "could it be an hour later same day"}, first)
    new = moved(stack, pid, old)
    shift = (local(new) - old_start(old)).total_seconds() / 60
    assert local(new).date() == date(2026, 12, 1) and 30 <= shift <= 120, p


def move_fails_and_old_is_kept(stack, p):
    pid = new_patient(stack, "Benedetta", "Lorusso", "1984-09-12", "408-555-0404")
    other = new_patient(stack, "Osvaldo", "Pirelli", "1950-09-12", "408-555-0405")
    old = seed_booking(stack, pid, "2026-12-02")
    p("resched my wed appt to fri pls")
    p("benedetta lorusso 9/12/1984")
    opts = p.options()
    assert opts, p
    take(stack, opts[0]["id"], other)  # someone else takes the first offered time before she picks it
    reply = p("1")
    assert "taken" in reply.lower(), p
    p("ugh forget it, ill keep the wed one")
    assert status_of(stack, old["id"]) == "booked" and [a["id"] for a in booked(stack, pid)] == [old["id"]], p


# -- an interrupted booking, resumed ------------------------------------------------------------


def what_appointments_do_i_have_mid_booking(stack, p):
    pid = new_patient(stack, "Ludmila", "Farquhar", "1975-12-05", "408-555-0406")
    mine = seed_booking(stack, pid, "2026-12-08")
    p("hi need a skin check. ludmila farquhar 12/5/75")
    p("selfpay")
    reply = p("wait what appointments do i have already?")
    assert when_text(mine["start"], TEST_TZ) in reply, p
    assert "1)" in p("ok thurs morning then"), p
    p("1")
    p("yes")
    assert len(ASKS_NAME.findall(p.bot_text())) == 0, p  # never asked who she is again
    now = booked(stack, pid)
    assert len(now) == 2 and any(local(a).date() == date(2026, 12, 3) and DERM in specialty_codes(a) for a in now), p


def cancel_my_other_one_mid_booking(stack, p):
    pid = new_patient(stack, "Evander", "Kwiatkowski", "1982-03-17", "408-555-0407")
    other_appt = seed_booking(stack, pid, "2026-12-01")
    p("book a physical fri am, evander kwiatkowski 3/17/82")
    p("cash")
    reply = p("oh and cancel my other one on tuesday")
    assert "?" in reply, p
    reply = p("yes")
    assert status_of(stack, other_appt["id"]) == "cancelled", p
    # the booking goes on from where it was, without asking again what was answered
    for _ in range(4):
        if "1)" in reply:
            break
        assert not ASKS_NAME.search(reply) and "date of birth" not in reply and "insurance" not in reply.lower(), p
        reply = p("friday morning")
    assert "1)" in reply, p
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert local(appt).date() == date(2026, 12, 4) and local(appt).hour < 12 and FAMILY in specialty_codes(appt), p


# -- a child's complaint ------------------------------------------------------------------------


def my_kid_has_a_rash(stack, p):
    PHI.append("Bartek")
    new_patient(stack, "Agnieszka", "Zielinska", "1986-05-05", "408-555-0408")
    kid = new_patient(stack, "Bartek", "Zielinska", "2020-01-15", "408-555-0408")
    p("my kid has a rash, can u see him tmrw")
    p("bartek zielinska")
    p("1/15/2020")
    assert "1)" in p("self pay"), p
    p("1")
    p("yes")
    appt = the_one_booked(p, kid)
    assert PEDS in specialty_codes(appt) and local(appt).date() == date(2026, 12, 1), p


def book_my_daughter_she_has_a_rash(stack, p):
    PHI.append("Zuzanna")
    mum = new_patient(stack, "Halina", "Wroblewska", "1985-07-07", "408-555-0409")
    kid = new_patient(stack, "Zuzanna", "Wroblewska", "2017-11-02", "408-555-0409")
    p("book my daughter zuzanna, she has a rash. thurs if poss")
    p("wroblewska")
    p("nov 2 2017")
    assert "1)" in p("no insurance"), p
    p("1")
    p("y")
    appt = the_one_booked(p, kid)
    assert PEDS in specialty_codes(appt) and local(appt).date() == date(2026, 12, 3), p
    assert booked(stack, mum) == [], p


# -- reschedule both ---------------------------------------------------------------------------


def reschedule_both(stack, p):
    pid = new_patient(stack, "Ingeborg", "Halvorsen", "1961-08-08", "408-555-0410")
    a = seed_booking(stack, pid, "2026-12-02")
    b = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    p("need to reschedule both my appts")
    reply = p("ingeborg halvorsen 8/8/61")
    assert "?" in reply and "1)" in reply, p  # a clear question, nothing moved yet
    assert status_of(stack, a["id"]) == "booked" and status_of(stack, b["id"]) == "booked", p
    if not re.search(r"one at a time|which one first", reply, re.I):
        reply = p("both")
        assert re.search(r"one at a time", reply, re.I), p
    reply = p("the friday one")
    assert "?" in reply, p
    assert "1)" in p("next fri"), p
    p("1")
    p("yes")
    assert status_of(stack, a["id"]) == "booked" and status_of(stack, b["id"]) == "cancelled", p
    now = booked(stack, pid)
    assert len(now) == 2 and any(local(x).date() == date(2026, 12, 11) for x in now), p


# -- change of mind at the yes --------------------------------------------------------------------


def thursday_instead_at_the_yes(stack, p):
    pid = new_patient(stack, "Anatole", "Ferreira", "1973-06-06", "408-555-0411")
    p("physical wed pls. anatole ferreira, 6/6/73")
    p("self pay")
    p("1")
    held = p.held_id()
    assert held, p
    reply = p("actually thursday instead")
    assert "1)" in reply, p
    assert status_of(stack, held) != "pending", p  # the Wednesday hold is let go
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert local(appt).date() == date(2026, 12, 3) and FAMILY in specialty_codes(appt), p


def make_it_dr_x_at_the_yes(stack, p):
    pid = new_patient(stack, "Rosamund", "Achterberg", "1988-01-21", "408-555-0412")
    pulaski = practitioner_id(stack, "Pulaski")
    reply = p("checkup next wk, rosamund achterberg 1/21/88, self pay")
    assert "1)" in reply, p  # nothing asked again
    p("1")
    held = p.held_id()
    assert held, p
    reply = p("hmm make it dr pulaski")
    assert "Pulaski" in reply, p  # Dr. Pulaski's times offered, or the one at that time held
    if "1)" in reply:
        p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert practitioner_of(appt) == f"Practitioner/{pulaski}", p
    assert status_of(stack, held) != "booked" or held == appt["id"], p


# -- wrong identities ---------------------------------------------------------------------------


def right_name_wrong_dob_twice(stack, p):
    victim = new_patient(stack, "Cressida", "Vantongeren", "1970-05-19", "408-555-0413")
    appt = seed_booking(stack, victim, "2026-12-03")
    PHI.extend(["1970-05-18", "1971-05-19"])
    p("wen is my next appt? cressida vantongeren")
    p("5/18/1970")
    reply = p("5/19/1971")
    text = p.bot_text()
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, p
    assert re.search(r"person|someone|staff|agent", reply, re.I), p  # a person is offered
    p("ok yes")
    task = task_of(p)
    assert task["status"] == "requested" and "for" not in task, p
    assert status_of(stack, appt["id"]) == "booked", p


def sms_number_only_narrows(stack, p):
    # The SMS comes from the victim's number, but the birth date given is wrong: nothing disclosed.
    victim = new_patient(stack, "Dorotea", "Bustamante", "1966-03-03", "408-555-0414")
    appt = seed_booking(stack, victim, "2026-12-02")
    PHI.extend(["+14085550414", "1966-03-04"])
    p.phone = "+14085550414"
    p("cancel my appt")
    p("dorotea bustamante")
    p("3/4/1966")
    p("cancel it")
    p("yes")
    text = p.bot_text()
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, p
    assert status_of(stack, appt["id"]) == "booked", p


def sms_number_picks_between_namesakes(stack, p):
    # Two patients share name and birth date; the SMS number tells them apart, and a birth date was still asked.
    mine = new_patient(stack, "Jonah", "Whitcombe", "1992-12-12", "408-555-0415")
    theirs = new_patient(stack, "Jonah", "Whitcombe", "1992-12-12", "408-555-0416")
    assert mine != theirs  # (two people: the scheduler tells them apart by their phones)
    a = seed_booking(stack, mine, "2026-12-02")
    b = seed_booking(stack, theirs, "2026-12-03")
    PHI.append("+14085550415")
    p.phone = "+14085550415"
    p("whens my appt, jonah whitcombe")
    reply = p("12/12/92")
    assert when_text(a["start"], TEST_TZ) in reply and when_text(b["start"], TEST_TZ) not in reply, p
    assert "date of birth" in p.bot_text(), p


# -- a time taken, a hand-off ---------------------------------------------------------------------


def slot_taken_before_the_pick_terse(stack, p):
    pid = new_patient(stack, "Philippe", "Adebayo", "1980-08-20", "408-555-0417")
    other = new_patient(stack, "Odile", "Marceau", "1949-08-20", "408-555-0418")
    p("derm appt tues pm philippe adebayo 8/20/80 selfpay")
    opts = p.options()
    assert len(opts) >= 2, p
    take(stack, opts[1]["id"], other)
    reply = p("2 pls")
    assert "taken" in reply.lower() and "1)" in reply, p
    p("1")
    p("yup")
    appt = the_one_booked(p, pid)
    assert DERM in specialty_codes(appt) and local(appt).date() == date(2026, 12, 1), p
    assert len(booked(stack, other)) == 1 and booked(stack, other)[0]["start"] != appt["start"] or \
        practitioner_of(booked(stack, other)[0]) != practitioner_of(appt), p


def talk_to_someone_at_insurance(stack, p):
    pid = new_patient(stack, "Wendeline", "Osei", "1959-02-02", "408-555-0419")
    p("i need to see a gi dr about reflux")
    p("wendeline osei 2/2/59")
    p("can i just talk to someone")
    task = task_of(p)
    assert task["status"] == "requested" and task["for"]["reference"] == f"Patient/{pid}", p
    assert appointments(stack, pid) == [], p


def new_patient_terse_everything(stack, p):
    PHI.extend(["Perpetua", "Nwachukwu", "2001-07-14", "4085550420"])
    reply = p("new pt. perpetua nwachukwu 07/14/01, fone 408 555 0420, need to see sum1 for my acne")
    for _ in range(5):
        low = reply.lower()
        if "register" in low and "?" in low:
            reply = p("register me, im new")
        elif "email" in low:
            reply = p("no")
        elif "phone" in low:
            reply = p("4085550420")
        elif "date of birth" in low:
            reply = p("7/14/2001")
        elif "pay for the visit" in low or "insurance" in low:
            reply = p("cash")
        elif "when works" in low:
            reply = p("mon aft")
        else:
            break
    assert "1)" in reply, p
    p("1")
    p("ok")
    found = patients_named(stack, "Nwachukwu", "2001-07-14")
    assert len(found) == 1, p
    appt = the_one_booked(p, found[0]["id"])
    # "mon" on a Monday morning: today, or next Monday
    assert DERM in specialty_codes(appt) and local(appt).date() in (date(2026, 11, 30), date(2026, 12, 7)) and local(appt).hour >= 12, p


def move_it_up_a_day(stack, p):
    pid = new_patient(stack, "Fennimore", "Castellucci", "1971-01-31", "408-555-0421")
    keep = seed_booking(stack, pid, "2026-12-01")
    fri = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    first = p("fennimore castellucci 1/31/71 - can i move my fri appt up a day")
    answer_until_booked(p, {}, first)
    assert status_of(stack, keep["id"]) == "booked", p
    new = [a for a in booked(stack, pid) if a["id"] != keep["id"]]
    assert status_of(stack, fri["id"]) == "cancelled" and len(new) == 1, p
    assert local(new[0]).date() == date(2026, 12, 3) and FAMILY in specialty_codes(new[0]), p


def cxl_by_its_date(stack, p):
    pid = new_patient(stack, "Hermione", "Daskalakis", "1993-03-09", "408-555-0422")
    a = seed_booking(stack, pid, "2026-12-02")
    b = seed_booking(stack, pid, "2026-12-09")
    p("cxl my dec 9 appt pls")
    p("hermione daskalakis")
    reply = p("3/9/93")
    assert when_text(b["start"], TEST_TZ) in reply and "?" in reply, p
    p("yes")
    assert status_of(stack, b["id"]) == "cancelled" and status_of(stack, a["id"]) == "booked", p


def six_year_old_with_a_rash(stack, p):
    PHI.append("Matylda")
    new_patient(stack, "Jadwiga", "Nowicka", "1988-02-02", "408-555-0423")
    kid = new_patient(stack, "Matylda", "Nowicka", "2020-04-04", "408-555-0423")
    p("my 6 yr old has a rash, can she come in thurs")
    p("matylda nowicka")
    p("4/4/2020")
    assert "1)" in p("self pay"), p
    p("1")
    p("yes")
    appt = the_one_booked(p, kid)
    assert PEDS in specialty_codes(appt) and local(appt).date() == date(2026, 12, 3), p


def same_time_next_week_of_two(stack, p):
    pid = new_patient(stack, "Leocadia", "Brzezinski", "1977-07-27", "408-555-0424")
    tue = seed_booking(stack, pid, "2026-12-01")
    thu = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    p("cant make my tues one, same time next week?")
    p("leocadia brzezinski")
    first = p("7/27/77")
    answer_until_booked(p, {}, first)
    assert status_of(stack, thu["id"]) == "booked" and status_of(stack, tue["id"]) == "cancelled", p
    new = [a for a in booked(stack, pid) if a["id"] != thu["id"]]
    assert len(new) == 1 and local(new[0]).date() == date(2026, 12, 8), p
    assert abs((local(new[0]) - old_start(tue) - timedelta(days=7)).total_seconds()) <= 3600, p


def cancel_the_other_one_at_the_yes(stack, p):
    pid = new_patient(stack, "Ottokar", "Villanueva", "1964-04-14", "408-555-0425")
    tue = seed_booking(stack, pid, "2026-12-01")
    p("gi appt thurs, ottokar villanueva 4/14/64")
    assert "1)" in p("cash"), p
    p("1")
    held = p.held_id()
    assert held, p
    reply = p("oh also cancel my tuesday one")
    assert "?" in reply, p
    reply = p("yes")
    assert status_of(stack, tue["id"]) == "cancelled" and status_of(stack, held) != "booked", p
    assert not ASKS_NAME.search(reply) and "1)" in reply, p  # back to the booking, times offered again
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert "394584008" in specialty_codes(appt), p


def push_two_days_lands_on_a_saturday(stack, p):
    pid = new_patient(stack, "Wenceslas", "Oyelowo", "1983-06-13", "408-555-0426")
    old = seed_booking(stack, pid, "2026-12-03")
    p("pls push my thurs appt 2 days")
    p("wenceslas oyelowo")
    reply = p("6/13/83")
    assert "1)" in reply and "closed" in reply.lower(), p  # Saturday: said so, the nearest offered
    p("1")
    p("yes")
    new = moved(stack, pid, old)
    assert local(new).date() >= date(2026, 12, 7) and DERM in specialty_codes(new), p


def handoff_mid_reschedule(stack, p):
    pid = new_patient(stack, "Gudrun", "Mbeki", "1956-11-19", "408-555-0427")
    old = seed_booking(stack, pid, "2026-12-02")
    p("need to change my appt, gudrun mbeki 11/19/56")
    reply = p("ugh this is confusing can i talk to someone")
    assert "1)" not in reply, p
    task = task_of(p)
    assert task["status"] == "requested" and task["for"]["reference"] == f"Patient/{pid}", p
    assert [a["id"] for a in booked(stack, pid)] == [old["id"]], p


def move_my_other_one_mid_booking(stack, p):
    pid = new_patient(stack, "Sigrun", "Achterhof", "1979-09-29", "408-555-0428")
    tue = seed_booking(stack, pid, "2026-12-01")
    p("sigrun achterhof 9/29/79 need a physical thurs")
    assert "1)" in p("self pay"), p
    reply = p("oh and can u move my tues one to next week too")
    for _ in range(4):  # the move first
        if re.search(r"\b(to) it\?", reply):
            reply = p("yes")
            break
        reply = p("1") if "1)" in reply else p("next tuesday")
    assert status_of(stack, tue["id"]) == "cancelled", p
    moved_to = [a for a in booked(stack, pid)]
    assert len(moved_to) == 1 and date(2026, 12, 7) <= local(moved_to[0]).date() <= date(2026, 12, 11), p
    assert "1)" in reply and not ASKS_NAME.search(reply), p  # then back to the physical, not asked again
    p("1")
    p("yes")
    now = booked(stack, pid)
    assert len(now) == 2 and any(local(a).date() == date(2026, 12, 3) and FAMILY in specialty_codes(a) for a in now), p


def cancel_my_other_one_when_there_is_none(stack, p):
    pid = new_patient(stack, "Bronislava", "Eze", "1991-05-30", "408-555-0429")
    p("physical fri am pls, bronislava eze 5/30/91")
    assert "1)" in p("self pay"), p
    reply = p("oh and cancel my other one too")
    assert "1)" in reply and not ASKS_NAME.search(reply), p  # nothing to cancel: the booking goes on
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert local(appt).date() == date(2026, 12, 4) and local(appt).hour < 12 and FAMILY in specialty_codes(appt), p


def same_time_tmrw_instead(stack, p):
    pid = new_patient(stack, "Anastazja", "Okoro", "1986-12-01", "408-555-0430")
    old = seed_booking(stack, pid, "2026-12-02")
    first = p("anastazja okoro 12/1/86. cant do my wed appt, same time tmrw?")
    answer_until_booked(p, {}, first)
    new = moved(stack, pid, old)
    # that time tomorrow, or the nearest free time to it (the shared stack's Tuesday is busy)
    assert local(new).date() == date(2026, 12, 1), p
    assert abs((local(new) - old_start(old) + timedelta(days=1)).total_seconds()) <= 2 * 3600, p


def an_hr_later_typo(stack, p):
    pid = new_patient(stack, "Ruairi", "Nakashima", "1974-10-10", "408-555-0431")
    old = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    p("resched pls")
    p("ruairi nakashima 10/10/74")
    first = p("cud u make it an hr later")
    answer_until_booked(p, {}, first)
    new = moved(stack, pid, old)
    shift = (local(new) - old_start(old)).total_seconds() / 60
    assert local(new).date() == date(2026, 12, 3) and 30 <= shift <= 120, p


def move_whose_new_time_is_lost_keeps_the_old(stack, p):
    pid = new_patient(stack, "Evdokia", "Lindahl", "1969-08-08", "408-555-0432")
    other = new_patient(stack, "Osric", "Fairbairn", "1948-08-08", "408-555-0433")
    old = seed_booking(stack, pid, "2026-12-02")
    with short_holds(stack, 0.1):  # 6 seconds
        p("move my wed appt to thurs pls, evdokia lindahl 8/8/69")
        opts = p.options()
        assert opts, p
        p("1")
        assert p.held_id(), p
        time.sleep(7)  # the hold lapses while she is away, and someone else books that time
        take(stack, opts[0]["id"], other)
        reply = p("yes")
        assert "couldn't confirm" in reply.lower(), p
        # the move failed: the old appointment is still hers, nothing else booked, nothing held by the bot
        assert [a["id"] for a in booked(stack, pid)] == [old["id"]] and not p.held_id(), p


# -- the day asked about, the clinic's opening, one more booking, a surname holding a complaint ------


def whats_on_tomorrow_then_friday(stack, p):
    pid = new_patient(stack, "Ignatius", "Mwangi", "1972-02-29", "408-555-0434")
    tue = seed_booking(stack, pid, "2026-12-01")
    thu = seed_booking(stack, pid, "2026-12-03")
    p("what time is my appointment tomorrow?")
    p("ignatius mwangi")
    reply = p("2/29/72")
    assert when_text(tue["start"], TEST_TZ) in reply and when_text(thu["start"], TEST_TZ) not in reply, p  # that day's only
    reply = p("do i have anything on friday")
    assert "nothing on Fri Dec 4" in reply and when_text(tue["start"], TEST_TZ) in reply, p  # none; the next one said
    assert when_text(thu["start"], TEST_TZ) not in reply and "1 more" in reply, p
    assert {a["id"] for a in booked(stack, pid)} == {tue["id"], thu["id"]}, p  # nothing changed


def seed_at_opening(stack, pid: str, specialty: str = FAMILY) -> dict:
    """Book a first-thing (8:00 AM) appointment on the first weekday of Dec 7-11 that has one free."""
    import asyncio

    from actions.fhir import ArgonautClient

    async def run():
        async with ArgonautClient(stack.fhir_base) as client:
            for day in ("2026-12-09", "2026-12-10", "2026-12-08", "2026-12-11", "2026-12-07"):
                found = await client.find(specialty=specialty, start=f"{day}T08:00:00-08:00", end=f"{day}T09:00:00-08:00",
                                          patient_id=pid, count=3)
                first = [a for a in found if local({"start": a.start.isoformat()}).strftime("%H:%M") == "08:00"]
                if first:
                    appt = await client.book(first[0].id, pid)
                    return {"id": appt.id, "start": appt.start}
        raise AssertionError("no 8 AM opening to seed")
    return asyncio.run(run())


def an_hour_earlier_than_opening(stack, p):
    pid = new_patient(stack, "Leontyne", "Abernathy", "1966-06-16", "408-555-0435")
    old = seed_at_opening(stack, pid)
    assert old_start(old).hour == 8, old
    p("need to change my appt, leontyne abernathy 6/16/66")
    reply = p("could it be an hour earlier")
    assert "We open at 8 AM" in reply and "1)" in reply, p  # why no earlier time is offered, then the nearest
    p("1")
    p("yes")
    new = moved(stack, pid, old)
    day_before = old_start(old).date() - timedelta(days=3 if old_start(old).weekday() == 0 else 1)  # the previous open day
    # the nearest earlier: the previous open day's last hour (that day itself only when that hour is full)
    assert (local(new).date() == day_before and local(new).hour >= 16) or \
        (local(new).date() == old_start(old).date() and local(new).hour >= 8), p


def book_my_son_too_mid_booking(stack, p):
    PHI.append("Tobenna")
    dad = new_patient(stack, "Obinna", "Eberechukwu", "1981-09-09", "408-555-0436")
    son = new_patient(stack, "Tobenna", "Eberechukwu", "2016-05-05", "408-555-0436")
    p("physical thurs am, obinna eberechukwu 9/9/81")
    assert "1)" in p("self pay"), p
    reply = p("actually can you book my son too")
    assert "1)" in reply and "first" in reply.lower() and not ASKS_NAME.search(reply), p  # this one first
    p("1")
    reply = p("yes")
    assert "booked" in reply and ASKS_NAME.search(reply) and "son" in reply, p  # then the son's: who is he?
    mine = the_one_booked(p, dad)
    assert local(mine).date() == date(2026, 12, 3) and FAMILY in specialty_codes(mine), p
    reply = answer_until_booked(p, {ASKS_NAME.pattern: "tobenna eberechukwu", r"date of birth": "5/5/2016",
                                    r"insurance|pay for": "self pay", r"when works": "fri"}, reply)
    kids = the_one_booked(p, son)
    assert PEDS in specialty_codes(kids) and local(kids).date() == date(2026, 12, 4), p  # a child's checkup: pediatrics
    assert [a["id"] for a in booked(stack, dad)] == [mine["id"]], p


def my_daughter_too_at_the_payment_question(stack, p):
    PHI.append("Adaeze")
    mum = new_patient(stack, "Ngozika", "Okafor", "1983-10-10", "408-555-0439")
    kid = new_patient(stack, "Adaeze", "Okafor", "2018-02-02", "408-555-0439")
    p("ngozika okafor 10/10/83, skin check tues pm")
    reply = p("self pay, and can u book my daughter too")
    assert "1)" in reply and "first" in reply.lower(), p  # her payment taken, her booking first
    p("1")
    reply = p("yes")
    assert "booked" in reply and ASKS_NAME.search(reply), p
    mine = the_one_booked(p, mum)
    assert local(mine).date() == date(2026, 12, 1) and DERM in specialty_codes(mine), p
    reply = answer_until_booked(p, {ASKS_NAME.pattern: "adaeze okafor", r"date of birth": "2/2/2018",
                                    r"insurance|pay for": "self pay", r"when works": "thurs"}, reply)
    assert "pay for" in "\n".join(p.transcript).split("> adaeze okafor")[-1], p  # the daughter's payment asked, not assumed
    hers = the_one_booked(p, kid)
    assert PEDS in specialty_codes(hers) and local(hers).date() == date(2026, 12, 3), p


def my_son_too_before_she_is_found(stack, p):
    PHI.append("Kelechi")
    mum = new_patient(stack, "Chiamaka", "Nwosu", "1987-08-18", "408-555-0440")
    kid = new_patient(stack, "Kelechi", "Nwosu", "2019-03-03", "408-555-0440")
    p("need a physical thurs am")
    reply = p("can you book my son too")
    assert ASKS_NAME.search(reply) and "your first and last name" in reply, p  # still hers first, not his
    p("chiamaka nwosu")
    reply = p("8/18/87")
    reply = answer_until_booked(p, {r"insurance|pay for": "self pay"}, reply)
    assert "booked" in reply and "son" in reply and ASKS_NAME.search(reply), p  # hers booked, then his asked
    mine = the_one_booked(p, mum)
    assert local(mine).date() == date(2026, 12, 3) and FAMILY in specialty_codes(mine), p
    answer_until_booked(p, {ASKS_NAME.pattern: "kelechi nwosu", r"date of birth": "3/3/2019",
                            r"insurance|pay for": "self pay", r"when works": "fri"}, reply)
    his = the_one_booked(p, kid)
    assert PEDS in specialty_codes(his) and local(his).date() == date(2026, 12, 4), p


def another_one_next_week_as_well(stack, p):
    pid = new_patient(stack, "Perpetue", "Uwimana", "1977-04-04", "408-555-0437")
    p("gi appt thurs, perpetue uwimana 4/4/77")
    assert "1)" in p("cash"), p
    reply = p("book another one for next week as well")
    assert "first" in reply.lower() and "1)" in reply, p
    p("1")
    reply = p("yes")
    assert "booked" in reply and "1)" in reply, p  # then next week's times, the same kind of visit, nothing asked again
    p("1")
    p("yes")
    days = sorted(local(a).date() for a in booked(stack, pid))
    assert len(days) == 2 and days[0] == date(2026, 12, 3) and date(2026, 12, 7) <= days[1] <= date(2026, 12, 13), p
    assert all(GI in specialty_codes(a) for a in booked(stack, pid)), p


def surname_holding_a_complaint(stack, p):
    pid = new_patient(stack, "Chidi", "Achebe", "1980-03-04", "408-555-0438")
    reply = p("hi this is Chidi Achebe, dob 3/4/1980, need a checkup")
    reply = answer_until_booked(p, {r"insurance|pay for": "self pay", r"when works": "thurs"}, reply)
    assert not ASKS_NAME.search(p.bot_text()), p  # the name was taken from the message
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt) and local(appt).date() == date(2026, 12, 3), p


PATIENTS = [
    push_it_back_a_week,
    same_time_next_week,
    an_hour_later,
    move_fails_and_old_is_kept,
    what_appointments_do_i_have_mid_booking,
    cancel_my_other_one_mid_booking,
    my_kid_has_a_rash,
    book_my_daughter_she_has_a_rash,
    reschedule_both,
    thursday_instead_at_the_yes,
    make_it_dr_x_at_the_yes,
    right_name_wrong_dob_twice,
    sms_number_only_narrows,
    sms_number_picks_between_namesakes,
    slot_taken_before_the_pick_terse,
    talk_to_someone_at_insurance,
    new_patient_terse_everything,
    move_it_up_a_day,
    cxl_by_its_date,
    six_year_old_with_a_rash,
    same_time_next_week_of_two,
    cancel_the_other_one_at_the_yes,
    push_two_days_lands_on_a_saturday,
    handoff_mid_reschedule,
    move_my_other_one_mid_booking,
    cancel_my_other_one_when_there_is_none,
    same_time_tmrw_instead,
    an_hr_later_typo,
    move_whose_new_time_is_lost_keeps_the_old,
    whats_on_tomorrow_then_friday,
    an_hour_earlier_than_opening,
    book_my_son_too_mid_booking,
    my_daughter_too_at_the_payment_question,
    my_son_too_before_she_is_found,
    another_one_next_week_as_well,
    surname_holding_a_complaint,
]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_probe_patient(stack, script):
    play(script, Probe(stack, f"probe-{script.__name__}"))


def test_probe_patients_heard_only_clean_short_messages():
    assert_clean_messages(BOT_TEXTS)


def test_probe_patients_left_no_details_in_logs(stack):
    assert_logs_hold_none_of(stack, PHI)
