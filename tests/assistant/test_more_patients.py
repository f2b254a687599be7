"""More scripted patients, phrased unlike the first 43 (test_simulated_patients.py) and unlike the
training data: chit-chat around the request, everything out of order, birth dates in words, typos,
several requests in one message, "wait no the other one", "cancel both", booking for a child,
a clinician by full or first name, an answer that is no answer, a hold that really expires,
someone giving another person's name with a wrong birth date, an appointment cancelled and then
wanted back. Each runs through the REST channel against the shared running stack (conftest.py) and
is checked IN FHIR; what patients heard and what the logs kept are checked at the end.
"""
from __future__ import annotations

import contextlib
import re
import time
from datetime import date

import pytest

from actions.fhir import SlotTaken
from actions.formatting import when_text
from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_simulated_patients import (DERM, FAMILY, PEDS, PHI, Patient, clock_of, new_patient,
                                                      patients_named, play, same_time, specialty_codes, status_of, take,
                                                      the_one_booked)
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of
from tests.support.clock import TEST_TZ

BOT_TEXTS: list[str] = []
CLOCK = re.compile(r"\d{1,2}:\d{2} ?(AM|PM)", re.I)


class Talk(Patient):
    """A Patient whose bot messages are collected for this file's end checks."""

    def __call__(self, text: str) -> str:
        replies = self.stack.texts(self.sender, text)
        BOT_TEXTS.extend(replies)
        self.transcript += [f"> {text}", *[f"  {r}" for r in replies]]
        return "\n".join(replies)


def practitioner_of(appt: dict) -> str:
    return next(x["actor"]["reference"] for x in appt["participant"] if x["actor"]["reference"].startswith("Practitioner/"))


def practitioner_id(stack, family: str) -> str:
    return fhir_get(stack, "Practitioner", family=family)["entry"][0]["resource"]["id"]


def patient_ref(appt: dict) -> str:
    return next(x["actor"]["reference"] for x in appt["participant"] if x["actor"]["reference"].startswith("Patient/"))


@contextlib.contextmanager
def short_holds(stack, minutes: float):
    """The scheduler restarted (same database) with holds of ``minutes``; restored afterwards."""
    child = stack.children["scheduler"]
    before = dict(child.env)
    child.env = {**before, "SCHEDBOT_HOLD_MINUTES": str(minutes), "SCHEDBOT_SWEEP_SECONDS": "1"}
    stack.restart("scheduler")
    try:
        yield
    finally:
        child.env = before
        stack.restart("scheduler")


# -- the patients ---------------------------------------------------------------------------------


def cancel_both_in_the_first_message(stack, p):
    pid = new_patient(stack, "Ottilie", "Brandvold", "1985-03-03", "408-555-0301")
    a = seed_booking(stack, pid, "2026-12-02")
    b = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    p("hey there. we're moving out of state so pls cancel both my appts")
    p("Ottilie Brandvold")
    reply = p("march 3rd 1985")  # a birth date in words
    assert "both" in reply and "?" in reply, p  # asked once, about both
    p("yes please")
    assert status_of(stack, a["id"]) == "cancelled" and status_of(stack, b["id"]) == "cancelled", p
    assert booked(stack, pid) == [], p


def cancel_all_of_them_at_the_list(stack, p):
    pid = new_patient(stack, "Severin", "Abernethy", "1985-03-04", "408-555-0302")
    days = ["2026-12-01", "2026-12-03", "2026-12-08"]
    appts = [seed_booking(stack, pid, d) for d in days]
    p("i need to cancel an appointment")
    p("severin abernethy, 4 march 85")  # day before month, two-digit year
    reply = p("actually all of them")
    assert "all 3" in reply and "?" in reply, p
    p("yes cancel them")
    assert all(status_of(stack, a["id"]) == "cancelled" for a in appts), p


def book_my_son_leo_in(stack, p):
    mum = new_patient(stack, "Marisol", "Lindqvist", "1982-04-11", "408-555-0303")
    leo = new_patient(stack, "Leo", "Lindqvist", "2018-06-20", "408-555-0303")
    reply = p("Hi! this is Marisol Lindqvist. Could I book my son Leo in for a checkup next week?")
    assert "Leo" in reply and "your first and last name" not in reply, p  # asks about the child, not the parent
    reply = p("Lindqvist")  # his last name, the first was given already
    assert "date of birth" in reply, p
    p("june 20th 2018")
    assert "1)" in p("self pay"), p
    p("the first one")
    reply = p("yes")
    assert "Leo" in reply, p
    appt = the_one_booked(p, leo)
    assert patient_ref(appt) == f"Patient/{leo}" and PEDS in specialty_codes(appt), p
    assert booked(stack, mum) == [], p
    assert date(2026, 12, 7) <= local(appt).date() <= date(2026, 12, 11), p


def daughter_is_new_to_the_clinic(stack, p):
    PHI.extend(["Amaranta", "2016-06-05", "4085550304"])
    parent = new_patient(stack, "Chidi", "Okafor", "1980-01-15", "408-555-0305")
    reply = p("my daughter needs to see someone about a rash on her arm, she has never been to your clinic")
    assert "her" in reply and "your first and last name" not in reply, p
    reply = p("Amaranta Okafor")
    assert "date of birth" in reply and "your date" not in reply, p
    p("5 june 2016")
    p("4085550304")
    p("no email")
    p("cash")
    assert "1)" in p("friday morning pls"), p
    p("1")
    p("yes")
    found = patients_named(stack, "Okafor", "2016-06-05")
    assert len(found) == 1 and found[0]["name"][0]["given"] == ["Amaranta"], p
    appt = the_one_booked(p, found[0]["id"])  # a child's rash: pediatrics (or dermatology)
    assert {PEDS, DERM} & set(specialty_codes(appt)) and local(appt).date() == date(2026, 12, 4), p
    assert booked(stack, parent) == [] and patients_named(stack, "Okafor", "1980-01-15")[0]["id"] == parent, p


def doctor_by_first_and_last_name(stack, p):
    pid = new_patient(stack, "Bartholomew", "Quist", "1968-10-21", "408-555-0306")
    mccoy = practitioner_id(stack, "McCoy")
    p("Good morning, I'm hoping to get in with Dr. Leonard McCoy sometime next week")
    p("Bartholomew Quist")
    p("10/21/1968")
    offer = p("i'll pay myself")
    lines = [l for l in offer.splitlines() if l[:2] in ("1)", "2)", "3)")]
    assert lines and all("McCoy" in l for l in lines), p
    p("2")
    p("sounds good")
    appt = the_one_booked(p, pid)
    assert practitioner_of(appt) == f"Practitioner/{mccoy}" and FAMILY in specialty_codes(appt), p
    assert date(2026, 12, 7) <= local(appt).date() <= date(2026, 12, 13), p


def doctor_by_first_name_for_a_child(stack, p):
    PHI.append("Wilhelmina")
    new_patient(stack, "Gerda", "Thorvaldsen", "1987-02-02", "408-555-0307")
    kid = new_patient(stack, "Wilhelmina", "Thorvaldsen", "2019-09-09", "408-555-0307")
    bashir = practitioner_id(stack, "Bashir")
    p("hi, can my daughter see julian again? wednesday would be best")
    p("wilhelmina thorvaldsen")
    p("09/09/2019")
    offer = p("self pay")
    assert "1)" in offer and "Bashir" in offer, p
    p("1")
    p("yes")
    appt = the_one_booked(p, kid)
    assert practitioner_of(appt) == f"Practitioner/{bashir}" and local(appt).date() == date(2026, 12, 2), p


def a_doctor_we_dont_have(stack, p):
    pid = new_patient(stack, "Cosima", "Vandermeer", "1990-12-12", "408-555-0308")
    reply = p("can i get in with dr everyman tomorrow for a rash")
    assert "Everyman" in reply, p  # told, not silently booked with someone else
    p("cosima vandermeer")
    p("12/12/1990")
    assert "1)" in p("self pay"), p
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert DERM in specialty_codes(appt) and local(appt).date() == date(2026, 12, 1), p


def answers_the_yes_no_with_something_else(stack, p):
    pid = new_patient(stack, "Lazlo", "Ferencz", "1977-07-17", "408-555-0309")
    p("book a checkup")
    p("lazlo ferencz 7/17/1977")
    p("self pay")
    assert "1)" in p("thursday morning"), p
    p("2")
    held = p.held_id()
    assert held, p
    reply = p("my cat knocked my coffee over lol")
    assert booked(stack, pid) == [] and status_of(stack, held) == "pending", p
    assert "yes" in reply.lower(), p  # asked again
    reply = p("good question, is parking free there?")
    assert booked(stack, pid) == [], p
    p("ok yes book it")
    appt = the_one_booked(p, pid)
    assert local(appt).date() == date(2026, 12, 3) and local(appt).hour < 12, p


def keeps_it_when_the_cancel_question_gets_a_question(stack, p):
    pid = new_patient(stack, "Henrietta", "Sobczak", "1959-05-01", "408-555-0310")
    appt = seed_booking(stack, pid, "2026-12-03")
    p("cancel my appt")
    p("henrietta sobczak")
    p("may 1st, 1959")
    p("hmm which doctor was that with again")
    assert status_of(stack, appt["id"]) == "booked", p
    p("ok yes go ahead and cancel")
    assert status_of(stack, appt["id"]) == "cancelled", p


def wait_no_the_other_one(stack, p):
    pid = new_patient(stack, "Ignatius", "Pemberton", "1972-08-08", "408-555-0311")
    tue = seed_booking(stack, pid, "2026-12-01")
    fri = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    p("need to cancel my tuesday appointment")
    reply = p("ignatius pemberton 8/8/72")
    assert when_text(tue["start"], TEST_TZ) in reply, p
    reply = p("wait no the other one")
    assert when_text(fri["start"], TEST_TZ) in reply, p
    p("yes")
    assert status_of(stack, fri["id"]) == "cancelled" and status_of(stack, tue["id"]) == "booked", p


def cancels_then_wants_it_back(stack, p):
    pid = new_patient(stack, "Philippa", "Drummond", "1983-11-11", "408-555-0312")
    appt = seed_booking(stack, pid, "2026-12-02")
    p("plz cancel my appointment")
    p("philippa drummond")
    p("11/11/1983")
    p("yes")
    assert status_of(stack, appt["id"]) == "cancelled", p
    reply = p("oh no wait, i didnt mean to cancel that! can i get it back?")
    assert "?" in reply, p
    p("yes please")
    again = the_one_booked(p, pid)
    assert again["start"] == appt["start"] or local(again) == local(fhir_get(stack, f"Appointment/{appt['id']}")), p
    assert practitioner_of(again) == practitioner_of(fhir_get(stack, f"Appointment/{appt['id']}")), p


def corrects_the_birth_date_while_registering(stack, p):
    PHI.extend(["Evangeline", "Marchbanks", "1991-04-06", "1991-04-05", "4085550313"])
    p("hello! first time here, i would like a physical")
    p("Evangeline Marchbanks")
    p("4/5/1991")
    p("oops my birthday is actually 4/6/1991 sorry")
    p("408 555 0313")
    p("skip")
    p("self pay")
    assert "1)" in p("monday afternoon"), p
    p("1")
    p("y")
    found = patients_named(stack, "Marchbanks", "1991-04-06")
    assert len(found) == 1 and not patients_named(stack, "Marchbanks", "1991-04-05"), p
    assert the_one_booked(p, found[0]["id"]), p


def chit_chat_and_everything_backwards(stack, p):
    pid = new_patient(stack, "Radomir", "Havelka", "1969-11-11", "408-555-0314")
    p("good morning!! hope ur having a nice day. so my knee has been bugging me for weeks, could i come in "
      "wednesday afternoon? oh and i'm Radomir Havelka, dob 11 nov 1969")
    assert "1)" in p("self pay"), p
    opts = p.options()
    p("the last one")
    p("perfect thx")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[-1]) and FAMILY in specialty_codes(appt), p
    assert local(appt).date() == date(2026, 12, 2) and local(appt).hour >= 12, p


def cancel_and_book_in_one_message(stack, p):
    pid = new_patient(stack, "Wilfred", "Ostrowski", "1961-03-21", "408-555-0315")
    old = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    reply = p("can you cancel my friday appointment and book me something next week instead")
    for _ in range(8):  # whatever the bot asks, in its order
        low = reply.lower()
        if "first and last name" in low:
            reply = p("wilfred ostrowski")
        elif "date of birth" in low:
            reply = p("3/21/1961")
        elif "cancel your appointment" in low or re.search(r"\b(book|move) (it|the appointment)", low):
            reply = p("yes")
        elif "1)" in reply:
            reply = p("1")
        elif "what's the visit for" in low:
            reply = p("same as before, a regular checkup")
        elif "when works" in low:
            reply = p("next week")
        else:
            break
    assert status_of(stack, old["id"]) == "cancelled", p
    new = the_one_booked(p, pid)
    assert date(2026, 12, 7) <= local(new).date() <= date(2026, 12, 13), p


def impostor_with_a_wrong_birth_date_hears_nothing(stack, p):
    victim = new_patient(stack, "Rosalia", "Albescu", "1971-02-14", "408-555-0316")
    appt = seed_booking(stack, victim, "2026-12-03")
    p("what time is my appointment? this is rosalia albescu")
    p("02/14/1972")
    p("try again")
    p("Rosalia Albescu")
    p("feb 15 1971")
    p("ok then just cancel my appointment on thursday")
    p("what about my appointments with the doctor")
    text = "\n".join(l for l in p.transcript if not l.startswith(">"))
    assert when_text(appt["start"], TEST_TZ) not in text and not CLOCK.search(text) and "Dr." not in text, p
    assert not re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Nov|Dec|Jan)", text), p
    assert status_of(stack, appt["id"]) == "booked", p


def impostor_registers_instead(stack, p):
    victim = new_patient(stack, "Gunnhild", "Eskeland", "1966-06-16", "408-555-0317")
    appt = seed_booking(stack, victim, "2026-12-02")
    PHI.extend(["1967-06-16", "4085550399"])
    p("hi i want to reschedule my appointment")
    p("gunnhild eskeland")
    p("6/16/1967")
    p("i'm new then")
    reply = p("4085550399")
    reply += p("skip")
    text = "\n".join(l for l in p.transcript if not l.startswith(">"))
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, p
    assert status_of(stack, appt["id"]) == "booked", p
    assert [a["id"] for a in booked(stack, victim)] == [appt["id"]], p


def daughters_appointment_listed_not_mine(stack, p):
    PHI.append("Philomena")
    mum = new_patient(stack, "Ragnhild", "Sturlusson", "1984-01-01", "408-555-0318")
    kid = new_patient(stack, "Philomena", "Sturlusson", "2017-03-03", "408-555-0318")
    mine = seed_booking(stack, mum, "2026-12-01")
    hers = seed_booking(stack, kid, "2026-12-04", specialty=PEDS)
    p("when is my daughter's next appointment?")
    p("philomena sturlusson")
    reply = p("3/3/2017")
    assert when_text(hers["start"], TEST_TZ) in reply and when_text(mine["start"], TEST_TZ) not in reply, p


def slot_gone_when_picked_by_its_time(stack, p):
    pid = new_patient(stack, "Anselm", "Kowalczyk", "1979-05-05", "408-555-0319")
    other = new_patient(stack, "Oona", "Brightwater", "1955-05-05", "408-555-0320")
    p("i need to reshedule... no sorry, BOOK an apointment for my eczema")
    p("anselm kowalczyk")
    p("the 5th of may 1979")
    assert "1)" in p("self pay, tuesday"), p
    opts = p.options()
    clocks = [clock_of(o) for o in opts]
    gone = next(o for o, c in zip(opts, clocks) if clocks.count(c) == 1)  # one the patient can name by its time
    take(stack, gone["id"], other)  # someone else books it meanwhile
    reply = p(f"the {clock_of(gone).lower().replace(' ', '')} one please")
    assert "taken" in reply.lower() and "1)" in reply, p
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    theirs = booked(stack, other)
    assert DERM in specialty_codes(appt) and len(theirs) == 1, p
    assert (appt["start"], practitioner_of(appt)) != (theirs[0]["start"], practitioner_of(theirs[0])), p


def asks_about_the_other_appointment_while_booking(stack, p):
    pid = new_patient(stack, "Leopold", "Varga", "1970-01-20", "408-555-0323")
    mine = seed_booking(stack, pid, "2026-12-07")
    p("hiya, need a physical sometime thursday, i'm leopold varga 1/20/1970")
    p("self pay")
    p("1")
    held = p.held_id()
    assert held, p
    reply = p("oh wait when is my other appointment again?")
    assert when_text(mine["start"], TEST_TZ) in reply and "?" in reply.splitlines()[-1], p  # answered, then asked again
    assert status_of(stack, held) == "pending", p
    p("ok great, yes book it")
    now = booked(stack, pid)
    assert len(now) == 2 and any(local(a).date() == date(2026, 12, 3) for a in now), p


def switches_to_the_daughter_mid_booking(stack, p):
    PHI.append("Ivette")
    mum = new_patient(stack, "Noor", "Quellhorst", "1984-04-04", "408-555-0324")
    kid = new_patient(stack, "Ivette", "Quellhorst", "2019-09-19", "408-555-0324")
    p("i need a checkup, noor quellhorst 4/4/1984")
    p("self pay")
    assert "1)" in p("thursday morning"), p
    p("1")
    held = p.held_id()
    reply = p("wait actually it's for my daughter ivette, not me")
    assert "Ivette" in reply and status_of(stack, held) != "pending", p  # her record is asked for; the hold is gone
    p("ivette quellhorst")
    p("9/19/2019")
    p("self pay")
    p("1")
    p("yes")
    appt = the_one_booked(p, kid)
    assert PEDS in specialty_codes(appt) and local(appt).date() == date(2026, 12, 3), p
    assert booked(stack, mum) == [], p


def cancel_my_appointments_then_all(stack, p):
    pid = new_patient(stack, "Casimir", "Lindholm", "1958-12-24", "408-555-0325")
    appts = [seed_booking(stack, pid, d) for d in ("2026-12-02", "2026-12-09")]
    p("hi, pls cancel my appointments. dob 24 december 1958, casimir lindholm")
    reply = p("all")
    assert "both" in reply, p
    p("yep")
    assert all(status_of(stack, a["id"]) == "cancelled" for a in appts), p


def held_time_is_kept_for_the_patient_while_confirming(stack, p):
    pid = new_patient(stack, "Theodora", "Marchetti-Ruiz", "1981-01-01", "408-555-0326")
    other = new_patient(stack, "Ugolino", "Marchetti-Ruiz", "1950-01-01", "408-555-0327")
    p("book a dermatology visit for tuesday, theodora marchetti-ruiz, 1/1/1981")
    p("self pay")
    opts = p.options()
    assert len(opts) >= 2, p
    p("2")
    # someone else tries to book that very time while it is on hold for her: the scheduler refuses
    with pytest.raises(SlotTaken):
        take(stack, opts[1]["id"], other)
    reply = p("yes, book it")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[1]) and booked(stack, other) == [], p
    assert "taken" not in reply, p


def question_and_request_in_one_message(stack, p):
    pid = new_patient(stack, "Octavia", "Brennan", "1976-06-30", "408-555-0328")
    reply = p("what are ur hours on friday? and can i book a physical for friday morning")
    assert "Fri" in reply and "name" in reply, p  # the question answered, and the request started
    p("octavia brennan, june 30 1976")
    assert "1)" in p("self pay"), p
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt) and local(appt).date() == date(2026, 12, 4) and local(appt).hour < 12, p


def no_longer_needs_it(stack, p):
    pid = new_patient(stack, "Aurelio", "Bettencourt", "1966-02-22", "408-555-0329")
    p("hey can u get me in for a physical wednesday? aurelio bettencourt, 2/22/66")
    p("self pay")
    p("1")
    held = p.held_id()
    assert held, p
    reply = p("hmm actually i dont need it anymore, feeling better")
    assert "1)" not in reply and "?" in reply, p  # nothing offered again; asked if anything else
    assert status_of(stack, held) == "cancelled" and booked(stack, pid) == [], p


def hold_expires_while_away(stack, p):
    pid = new_patient(stack, "Cornelius", "Waterhouse", "1974-09-30", "408-555-0321")
    other = new_patient(stack, "Perpetua", "Blackwood", "1950-09-30", "408-555-0322")
    with short_holds(stack, 0.1):  # 6 seconds
        p("book a physical")
        p("cornelius waterhouse 9/30/1974")
        p("self pay")
        assert "1)" in p("next friday"), p
        opts = p.options()
        p("1")
        held = p.held_id()
        assert held and status_of(stack, held) == "pending", p
        time.sleep(7)  # walks away; the hold expires ...
        take(stack, opts[0]["id"], other)  # ... and someone else books that time
        reply = p("sorry got distracted, yes book it")
        assert "booked" not in reply.lower() and "couldn't confirm" in reply.lower() and "1)" in reply, p
        assert booked(stack, pid) == [] and status_of(stack, held) != "booked", p
        p("1")
        p("yes")
        # checked before the scheduler restarts: its test clock (SCHEDBOT_NOW) starts again at each start
        appt = the_one_booked(p, pid)
        theirs = booked(stack, other)
        assert len(theirs) == 1 and (appt["start"], practitioner_of(appt)) != (theirs[0]["start"], practitioner_of(theirs[0])), p
        assert [a for a in appointments(stack, pid) if a["status"] == "pending"] == [], p  # nothing half-booked


PATIENTS = [
    cancel_both_in_the_first_message,
    cancel_all_of_them_at_the_list,
    book_my_son_leo_in,
    daughter_is_new_to_the_clinic,
    doctor_by_first_and_last_name,
    doctor_by_first_name_for_a_child,
    a_doctor_we_dont_have,
    answers_the_yes_no_with_something_else,
    keeps_it_when_the_cancel_question_gets_a_question,
    wait_no_the_other_one,
    cancels_then_wants_it_back,
    corrects_the_birth_date_while_registering,
    chit_chat_and_everything_backwards,
    cancel_and_book_in_one_message,
    impostor_with_a_wrong_birth_date_hears_nothing,
    impostor_registers_instead,
    daughters_appointment_listed_not_mine,
    slot_gone_when_picked_by_its_time,
    asks_about_the_other_appointment_while_booking,
    switches_to_the_daughter_mid_booking,
    cancel_my_appointments_then_all,
    held_time_is_kept_for_the_patient_while_confirming,
    question_and_request_in_one_message,
    no_longer_needs_it,
    hold_expires_while_away,
]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_more_patients(stack, script):
    play(script, Talk(stack, f"more-{script.__name__}"))


def test_more_patients_heard_only_clean_short_messages():
    assert_clean_messages(BOT_TEXTS)


def test_more_patients_left_no_details_in_logs(stack):
    assert_logs_hold_none_of(stack, PHI)
