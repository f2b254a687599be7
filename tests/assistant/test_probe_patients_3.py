"""Probe patients, third round: two people in one first message ("a checkup for me and my son Leo"),
another booking asked for at the payer or member-id question or during registration, "reschedule
both" / "move both of them to next week", then fresh patients written the way an outside grader
would (SMS-terse, typos, several facts at once, a change of mind, a wrong identity, a question in
the middle, a hand-off). Each runs through the REST channel against the shared stack and is checked
IN FHIR; what patients heard and what the logs kept are checked at the end.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from actions.formatting import when_text
from tests.assistant.test_assistant_e2e import booked, local, seed_booking
from tests.assistant.test_probe_patients import ASKS_NAME, Probe, answer_until_booked, task_of
from tests.assistant.test_simulated_patients import (DERM, FAMILY, GI, PEDS, PHI, coverages, new_patient, patients_named, play,
                                                      specialty_codes, status_of, the_one_booked)
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of
from tests.support.clock import TEST_TZ

BOT_TEXTS: list[str] = []


class Probe3(Probe):
    """A Probe whose bot messages are collected for this file's end checks."""

    def __call__(self, text: str) -> str:
        meta = {"phone": self.phone} if self.phone else None
        replies = self.stack.texts(self.sender, text, meta)
        BOT_TEXTS.extend(replies)
        self.transcript += [f"> {text}", *[f"  {r}" for r in replies]]
        return "\n".join(replies)


def said_after(p, text: str) -> str:
    """What the bot said after the patient's latest message ``text``."""
    return "\n".join(p.transcript).split(f"> {text}")[-1]


def answer_until_done(p, answers: dict, first: str, limit: int = 8) -> str:
    """answer_until_booked, stopping at the first booking or move done (the next one's question follows)."""
    return answer_until_booked(p, answers, first, limit, stop=r"\bDone!|booked:")


# -- two people in one first message ------------------------------------------------------------


def me_and_my_son_leo(stack, p):
    PHI.append("Leo")
    mum = new_patient(stack, "Dagny", "Whitcroft", "1984-04-04", "408-555-0501")
    son = new_patient(stack, "Leo", "Whitcroft", "2016-06-06", "408-555-0501")
    reply = p("hi can i book a checkup for me and my son Leo")
    assert re.search(r"yours first", reply, re.I) and "Leo" in reply and "your first and last name" in reply, p  # hers first, said
    reply = answer_until_done(p, {ASKS_NAME.pattern: "dagny whitcroft", r"date of birth": "4/4/84",
                                    r"insurance|pay for": "self pay", r"when works": "thurs"}, reply)
    mine = the_one_booked(p, mum)
    assert FAMILY in specialty_codes(mine) and local(mine).date() == date(2026, 12, 3), p  # her own checkup, not pediatrics
    assert "booked" in reply and "Leo" in reply and ASKS_NAME.search(reply), p  # then Leo's: who is he?
    answer_until_booked(p, {ASKS_NAME.pattern: "whitcroft", r"date of birth": "6/6/2016",
                            r"insurance|pay for": "self pay", r"when works": "fri"}, reply)
    his = the_one_booked(p, son)
    assert PEDS in specialty_codes(his) and local(his).date() == date(2026, 12, 4), p
    assert [a["id"] for a in booked(stack, mum)] == [mine["id"]], p


def appts_for_me_and_my_new_daughter(stack, p):
    PHI.extend(["Wilhelmina", "Oyelaran", "2019-09-09", "4085550502"])
    dad = new_patient(stack, "Babatunde", "Oyelaran", "1980-08-08", "408-555-0502")
    reply = p("need appts for me and my daughter. babatunde oyelaran 8/8/80")
    assert re.search(r"yours first", reply, re.I) and not ASKS_NAME.search(reply), p
    reply = answer_until_done(p, {r"insurance|pay for": "cash", r"the visit for\?": "physical",
                                    r"when works": "tues"}, reply)
    mine = the_one_booked(p, dad)
    assert FAMILY in specialty_codes(mine) and local(mine).date() == date(2026, 12, 1), p
    assert "booked" in reply and "daughter" in reply, p
    # she is new: not found, then registered as her own patient (the father's phone)
    for _ in range(10):
        low = reply.lower()
        if "try again" in low:  # not found: she is new
            reply = p("new patient" if "wilhelmina" in "\n".join(p.transcript) else "new")
        elif ASKS_NAME.search(reply):
            reply = p("wilhelmina oyelaran")
        elif "date of birth" in low:
            reply = p("9/9/2019")
        elif "phone" in low:
            reply = p("408-555-0502")
        elif "email" in low:
            reply = p("skip")
        elif "pay for" in low or "insurance" in low:
            reply = p("cash")
        elif "the visit for?" in low:
            reply = p("checkup")
        elif "when works" in low:
            reply = p("wed")
        elif "1)" in reply:
            reply = p("1")
        elif re.search(r"\bBook it\?", reply):
            reply = p("yes")
        else:
            break
    kids = patients_named(stack, "Oyelaran", "2019-09-09")
    assert len(kids) == 1 and kids[0]["id"] != dad, p
    hers = the_one_booked(p, kids[0]["id"])
    assert PEDS in specialty_codes(hers) and local(hers).date() == date(2026, 12, 2), p
    assert [a["id"] for a in booked(stack, dad)] == [mine["id"]], p


# -- another booking asked for at the payer / member-id question, or during registration ---------


def my_son_too_at_the_member_id_question(stack, p):
    PHI.extend(["Anselm", "W998877665"])
    mum = new_patient(stack, "Marisol", "Quinterro", "1983-03-03", "408-555-0503")
    son = new_patient(stack, "Anselm", "Quinterro", "2015-05-05", "408-555-0503")
    p("physical fri am, marisol quinterro 3/3/83")
    p("insurance")
    reply = p("aetna")
    assert "member ID" in reply, p
    reply = p("oh and can you book my son too")
    assert "son" in reply and "member ID" in reply, p  # queued, and the same question again
    assert not coverages(stack, mum), p  # not taken as her member id
    reply = p("W998877665")
    assert "1)" in reply, p
    covs = coverages(stack, mum)
    assert len(covs) == 1 and covs[0].get("subscriberId") == "W998877665", p
    p("1")
    reply = p("yes")
    mine = the_one_booked(p, mum)
    assert FAMILY in specialty_codes(mine) and local(mine).date() == date(2026, 12, 4) and local(mine).hour < 12, p
    answer_until_booked(p, {ASKS_NAME.pattern: "anselm quinterro", r"date of birth": "5/5/2015",
                            r"insurance|pay for": "self pay", r"when works": "next mon"}, reply)
    his = the_one_booked(p, son)
    assert PEDS in specialty_codes(his) and local(his).date() == date(2026, 12, 7), p


def my_wife_too_at_the_payer_question(stack, p):
    him = new_patient(stack, "Torvald", "Eriksen", "1975-07-07", "408-555-0504")
    her = new_patient(stack, "Sigrid", "Eriksen", "1977-01-01", "408-555-0504")
    p("torvald eriksen 7/7/75 need a skin check wed")
    p("yes i have insurance")
    reply = p("my wife needs one too")
    assert "wife" in reply and "insurance with" in reply, p  # not a plan's name; asked again
    reply = p("cigna")
    assert "member ID" in reply, p
    reply = answer_until_done(p, {r"member ID": "CGN4455667"}, reply)
    assert "booked" in reply and "wife" in reply, p
    mine = the_one_booked(p, him)
    assert DERM in specialty_codes(mine) and local(mine).date() == date(2026, 12, 2), p
    assert [c.get("subscriberId") for c in coverages(stack, him)] == ["CGN4455667"], p
    answer_until_booked(p, {ASKS_NAME.pattern: "sigrid eriksen", r"date of birth": "1/1/1977",
                            r"insurance|pay for": "self pay", r"when works": "thurs"}, reply)
    hers = the_one_booked(p, her)
    assert DERM in specialty_codes(hers) and local(hers).date() == date(2026, 12, 3), p  # the same kind of visit


def my_daughter_too_during_registration(stack, p):
    PHI.extend(["Ifeyinwa", "Obiageli", "1990-02-02", "4085550505", "Chiamaka", "2018-03-03"])
    reply = p("new patient, need a checkup thurs")
    assert ASKS_NAME.search(reply), p
    reply = p("oh and my daughter needs one too")
    assert "daughter" in reply and ASKS_NAME.search(reply), p  # queued; her name asked again
    assert patients_named(stack, "too", "1990-02-02") == [], p
    p("ifeyinwa obiageli")
    p("2/2/1990")
    reply = p("408 555 0505")
    reply = answer_until_done(p, {r"email": "skip", r"insurance|pay for": "self pay"}, reply)
    mums = patients_named(stack, "Obiageli", "1990-02-02")
    assert len(mums) == 1, p
    mine = the_one_booked(p, mums[0]["id"])
    assert FAMILY in specialty_codes(mine) and local(mine).date() == date(2026, 12, 3), p
    assert "booked" in reply and "daughter" in reply, p
    for _ in range(10):
        low = reply.lower()
        if "try again" in low:  # not found: she is new
            reply = p("new patient" if "wilhelmina" in "\n".join(p.transcript) else "new")
        elif ASKS_NAME.search(reply):
            reply = p("chiamaka obiageli")
        elif "date of birth" in low:
            reply = p("3/3/2018")
        elif "phone" in low:
            reply = p("same number 408 555 0505")
        elif "email" in low:
            reply = p("skip")
        elif "pay for" in low or "insurance" in low:
            reply = p("self pay")
        elif "when works" in low:
            reply = p("fri")
        elif "1)" in reply:
            reply = p("1")
        elif re.search(r"\bBook it\?", reply):
            reply = p("yes")
        else:
            break
    kids = patients_named(stack, "Obiageli", "2018-03-03")
    assert len(kids) == 1, p
    hers = the_one_booked(p, kids[0]["id"])
    assert PEDS in specialty_codes(hers) and local(hers).date() == date(2026, 12, 4), p


# -- moving both ----------------------------------------------------------------------------------


def move_both_of_them_to_next_week(stack, p):
    pid = new_patient(stack, "Ottilie", "Brandauer", "1960-01-02", "408-555-0506")
    wed = seed_booking(stack, pid, "2026-12-02")
    fri = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    reply = p("hi its ottilie brandauer 1/2/60, can u move both of them to next week")
    assert re.search(r"one at a time", reply, re.I) and "1)" in reply, p  # said plainly; which first
    reply = p("the wed one")
    reply = answer_until_done(p, {}, reply)
    assert status_of(stack, wed["id"]) == "cancelled" and status_of(stack, fri["id"]) == "booked", p
    assert when_text(fri["start"], TEST_TZ) in reply and "1)" in reply, p  # then the Friday one, next week's times
    answer_until_booked(p, {}, reply)
    assert status_of(stack, fri["id"]) == "cancelled", p
    now = booked(stack, pid)
    assert len(now) == 2 and all(date(2026, 12, 7) <= local(a).date() <= date(2026, 12, 11) for a in now), p
    assert sorted(DERM in specialty_codes(a) for a in now) == [False, True] and any(FAMILY in specialty_codes(a) for a in now), p


def reschedule_both_asks_when_for_each(stack, p):
    pid = new_patient(stack, "Casimira", "Delacroix", "1971-11-11", "408-555-0507")
    tue = seed_booking(stack, pid, "2026-12-02", specialty=FAMILY)
    thu = seed_booking(stack, pid, "2026-12-03")
    p("resched both my appts pls")
    p("casimira delacroix")
    reply = p("11/11/71")
    assert "1)" in reply and "2)" in reply, p
    reply = p("1")  # Wednesday's first
    assert "when" in reply.lower() and "?" in reply, p
    reply = answer_until_done(p, {r"when works": "tues afternoon"}, reply)
    assert status_of(stack, tue["id"]) == "cancelled" and status_of(stack, thu["id"]) == "booked", p
    assert when_text(thu["start"], TEST_TZ) in reply, p  # then Thursday's, said plainly
    answer_until_booked(p, {r"when works": "next thurs"}, reply)
    assert status_of(stack, thu["id"]) == "cancelled", p
    now = booked(stack, pid)
    days = sorted(local(a).date() for a in now)
    assert days == [date(2026, 12, 1), date(2026, 12, 10)], p
    assert any(FAMILY in specialty_codes(a) and local(a).hour >= 12 for a in now), p


# -- fresh probes, written as an outside grader would ---------------------------------------------


def me_n_my_wife_terse_selfpay(stack, p):
    him = new_patient(stack, "Rutger", "Vandermolen", "1970-12-12", "408-555-0508")
    her = new_patient(stack, "Femke", "Vandermolen", "1972-03-30", "408-555-0508")
    reply = p("hey can i get me n my wife in for physicals fri? im rutger vandermolen 12/12/70 selfpay")
    assert "1)" in reply and re.search(r"yours first", reply, re.I), p  # nothing asked again: times for him
    reply = answer_until_done(p, {}, reply)
    mine = the_one_booked(p, him)
    assert FAMILY in specialty_codes(mine) and local(mine).date() == date(2026, 12, 4), p
    assert "wife" in reply and ASKS_NAME.search(reply), p
    answer_until_booked(p, {ASKS_NAME.pattern: "femke vandermolen", r"date of birth": "3/30/72",
                            r"insurance|pay for": "selfpay", r"when works": "fri"}, reply)
    hers = the_one_booked(p, her)
    assert FAMILY in specialty_codes(hers) and local(hers).date() == date(2026, 12, 4), p  # an adult: not pediatrics
    assert coverages(stack, her), p  # her own payment on file


def both_birth_dates_in_one_message(stack, p):
    PHI.append("Ansel")
    dad = new_patient(stack, "Lorcan", "Mulqueen", "1982-02-22", "408-555-0509")
    son = new_patient(stack, "Ansel", "Mulqueen", "2017-07-17", "408-555-0509")
    reply = p("need checkups for me and my son ansel next wk. im lorcan mulqueen 2/22/82, hes 7/17/17")
    assert not ASKS_NAME.search(reply), p  # the father found from the message
    reply = answer_until_done(p, {r"insurance|pay for": "self pay"}, reply)
    mine = the_one_booked(p, dad)
    assert FAMILY in specialty_codes(mine) and date(2026, 12, 7) <= local(mine).date() <= date(2026, 12, 11), p
    reply = answer_until_booked(p, {ASKS_NAME.pattern: "mulqueen", r"date of birth": "7/17/2017",
                                    r"insurance|pay for": "self pay"}, reply)
    his = the_one_booked(p, son)
    assert PEDS in specialty_codes(his) and date(2026, 12, 7) <= local(his).date() <= date(2026, 12, 11), p
    assert [a["id"] for a in booked(stack, dad)] == [mine["id"]], p


def address_question_at_the_member_id(stack, p):
    PHI.append("UHC7788990")
    pid = new_patient(stack, "Henrike", "Albrechtsen", "1991-06-21", "408-555-0510")
    p("gi appt pls, henrike albrechtsen 6/21/91, stomach pain")
    p("i have united")
    reply = p("wait whats ur address")
    assert "member ID" in reply, p  # answered, then the same question
    assert not coverages(stack, pid), p
    reply = p("UHC7788990")
    assert [c.get("subscriberId") for c in coverages(stack, pid)] == ["UHC7788990"], p
    answer_until_booked(p, {r"when works": "thurs"}, reply)
    appt = the_one_booked(p, pid)
    assert GI in specialty_codes(appt) and local(appt).date() == date(2026, 12, 3), p


def handoff_at_the_phone_question(stack, p):
    PHI.extend(["Gwendolyn", "Featherstonehaugh", "1955-05-15"])
    p("new pt need a checkup")
    p("gwendolyn featherstonehaugh")
    p("5/15/55")
    reply = p("ugh this is too much can i just talk to a real person")
    assert "1)" not in reply, p
    task = task_of(p)
    assert task["status"] == "requested", p
    assert patients_named(stack, "Featherstonehaugh", "1955-05-15") == [], p  # nothing registered half-way


def move_both_same_time_next_week(stack, p):
    pid = new_patient(stack, "Evangelos", "Papadakis", "1966-10-10", "408-555-0511")
    wed = seed_booking(stack, pid, "2026-12-02")
    thu = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    p("evangelos papadakis 10/10/66 - cant do this week, can u move both appts to same time next week")
    reply = p("1")
    for _ in range(6):  # each: that time a week later is held, or the nearest offered
        if "Anything else" in reply:
            break
        reply = p("1") if "1)" in reply else p("yes")
    now = booked(stack, pid)
    assert status_of(stack, wed["id"]) == "cancelled" and status_of(stack, thu["id"]) == "cancelled", p
    assert len(now) == 2, p
    for old in (wed, thu):
        week_later = old["start"] + timedelta(days=7)
        assert any(abs((datetime.fromisoformat(a["start"].replace("Z", "+00:00")) - week_later).total_seconds()) <= 3600
                   for a in now), p


def reschedule_both_then_keep_the_second(stack, p):
    pid = new_patient(stack, "Solveig", "Haraldsdottir", "1978-04-18", "408-555-0512")
    tue = seed_booking(stack, pid, "2026-12-01")
    fri = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    p("resched both pls")
    p("solveig haraldsdottir 4/18/78")
    reply = p("tues one first")
    reply = answer_until_done(p, {r"when works": "thurs pm"}, reply)
    assert status_of(stack, tue["id"]) == "cancelled", p
    assert "When works" in reply, p
    assert "1)" in p("next fri"), p
    reply = p("actually nvm, keep that one as is")  # (at the "when" question this is not understood: see the report)
    assert "1)" not in reply, p
    now = booked(stack, pid)
    assert status_of(stack, fri["id"]) == "booked" and len(now) == 2, p
    assert any(local(a).date() == date(2026, 12, 3) and local(a).hour >= 12 for a in now), p


def me_and_my_daughter_then_just_me(stack, p):
    pid = new_patient(stack, "Aurelio", "Benedetti", "1979-09-19", "408-555-0513")
    reply = p("book checkups for me and my daughter, aurelio benedetti 9/19/79, self pay, thurs")
    answer_until_done(p, {}, reply)
    mine = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(mine) and local(mine).date() == date(2026, 12, 3), p
    reply = p("actually just me for now, thanks")  # asked for his daughter's name: changed his mind
    assert "nothing booked" in reply.lower() and not ASKS_NAME.search(reply), p
    p("ok bye")
    assert not ASKS_NAME.search(said_after(p, "ok bye")) and "date of birth" not in said_after(p, "ok bye"), p
    assert [a["id"] for a in booked(stack, pid)] == [mine["id"]], p


def me_and_my_son_wrong_dob_twice(stack, p):
    victim = new_patient(stack, "Philomena", "Castellanos", "1969-01-23", "408-555-0514")
    appt = seed_booking(stack, victim, "2026-12-03")
    PHI.extend(["1969-01-24", "1968-01-23"])
    p("hi need appts for me and my son")
    p("philomena castellanos")
    p("1/24/69")
    reply = p("1/23/68")
    text = p.bot_text()
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, p  # nothing disclosed
    assert re.search(r"agent|person|someone", reply, re.I), p
    p("agent pls")
    task = task_of(p)
    assert task["status"] == "requested" and "for" not in task, p
    assert [a["id"] for a in booked(stack, victim)] == [appt["id"]], p


def my_son_and_daughter_both_sick(stack, p):
    PHI.extend(["Tancredi", "Ottavia"])
    mum = new_patient(stack, "Graziella", "Montefiore", "1985-11-25", "408-555-0515")
    son = new_patient(stack, "Tancredi", "Montefiore", "2016-04-04", "408-555-0515")
    girl = new_patient(stack, "Ottavia", "Montefiore", "2019-08-08", "408-555-0515")
    reply = p("my son and daughter both have a cough, can they come in tmrw")
    assert re.search(r"son's first", reply) and "daughter" in reply and ASKS_NAME.search(reply), p  # his first, said
    reply = answer_until_done(p, {ASKS_NAME.pattern: "tancredi montefiore", r"date of birth": "4/4/2016",
                                  r"insurance|pay for": "self pay"}, reply)
    his = the_one_booked(p, son)
    assert PEDS in specialty_codes(his) and local(his).date() == date(2026, 12, 1), p
    assert "daughter" in reply and ASKS_NAME.search(reply), p
    answer_until_booked(p, {ASKS_NAME.pattern: "ottavia montefiore", r"date of birth": "8/8/2019",
                            r"insurance|pay for": "self pay"}, reply)
    hers = the_one_booked(p, girl)
    assert PEDS in specialty_codes(hers) and local(hers).date() == date(2026, 12, 1), p
    assert booked(stack, mum) == [], p  # the mother wrote; nothing for her


PATIENTS = [
    me_and_my_son_leo,
    appts_for_me_and_my_new_daughter,
    my_son_too_at_the_member_id_question,
    my_wife_too_at_the_payer_question,
    my_daughter_too_during_registration,
    move_both_of_them_to_next_week,
    reschedule_both_asks_when_for_each,
    me_n_my_wife_terse_selfpay,
    both_birth_dates_in_one_message,
    address_question_at_the_member_id,
    handoff_at_the_phone_question,
    move_both_same_time_next_week,
    reschedule_both_then_keep_the_second,
    me_and_my_daughter_then_just_me,
    me_and_my_son_wrong_dob_twice,
    my_son_and_daughter_both_sick,
]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_probe_patient_3(stack, script):
    play(script, Probe3(stack, f"probe3-{script.__name__}"))


def test_probe_patients_3_heard_only_clean_short_messages():
    assert_clean_messages(BOT_TEXTS)


def test_probe_patients_3_left_no_details_in_logs(stack):
    assert_logs_hold_none_of(stack, PHI)
