"""Probe patients from the QA list of stop 17 that stop 21 fixed: each failed before its fix. A wife who
gave her husband's name and birth date heard his appointments as "your" appointments; a name and birth
date typed in lower case before any request were not kept ("still not getting it"); "self pay then"
while choosing kept the plan named before; "can i get the friday one back?" after "cancel both" was not
understood; a hand-off from the web chat promised a call back without a number to call. And four that
stop 21's own QA found: "can we make that thursday instead?" right after booking, "what time was that
again?", a price question, a parent's own name given for the child, a hand-off called off, "is the
9am with dr boyce still open?" while choosing, "cancel the second one" after a list, a follow-up
with a named dermatologist, "one sec" at a question, a question about option 1 while option 2 is held,
"i dont need it" at "what for?", and "how about the week after". Each runs through the REST
channel against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

from datetime import date, datetime

from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import old_start, probe_file_tests, task_of
from tests.assistant.test_simulated_patients import DERM, PEDS, PHI, new_patient


def a_wife_asks_about_his_appointments(stack, p):
    pid = new_patient(stack, "Jordan", "Halewood", "1972-04-09", "408-555-0501")
    appt = seed_booking(stack, pid, "2026-12-10")  # (next week: this week's times are for later files' patients)
    said = p("jordan halewood 4/9/1972")
    assert "Thanks, Jordan" in said, p
    said = p("this is his wife, what appointments does he have?")
    assert "Your husband's upcoming appointment" in said and "Your upcoming" not in said, p
    assert old_start(appt).strftime("%a %b %-d, %-I:%M %p") in said, p  # his one booked appointment, as FHIR has it
    assert [a["id"] for a in booked(stack, pid)] == [appt["id"]], p  # nothing changed


def lower_case_name_and_birth_date_before_a_request(stack, p):
    pid = new_patient(stack, "Jordyn", "Halewoods", "1972-04-07", "408-555-0502")
    appt = seed_booking(stack, pid, "2026-12-11")
    assert "Thanks, Jordyn" in p("jordyn halewoods"), p
    said = p("4/7/1972")
    assert "still not getting it" not in said and "date of birth" not in said, p
    said = p("what appointments do i have")
    assert "name" not in said.lower() and old_start(appt).strftime("%a %b %-d, %-I:%M %p") in said, p  # kept, and checked


def self_pay_then_while_choosing(stack, p):
    pid = new_patient(stack, "Leontine", "Vasquero", "1988-06-06", "408-555-0503")
    p("i need a checkup")
    p("leontine vasquero")
    p("6/6/1988")
    p("aetna, member id W123456789")
    p("next week")
    said = p("self pay then")
    assert "pay for the visit yourself" in said and "1)" in said, p  # noted, and the options stand
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p
    coverages = [e["resource"] for e in fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}").get("entry", [])]
    by_kind = {c["type"]["coding"][0]["code"]: c["status"] for c in coverages}
    assert by_kind == {"HIP": "cancelled", "pay": "active"}, p  # the plan withdrawn, self-pay on file


def one_back_after_cancel_both(stack, p):
    pid = new_patient(stack, "Ferdinand", "Aukstakalnis", "1966-10-10", "408-555-0504")
    # (late afternoons: the mornings of this week are for later files' patients)
    thursday, friday = seed_booking(stack, pid, "2026-12-03", after="15:30"), seed_booking(stack, pid, "2026-12-04", after="15:30")
    p("cancel both my appointments")
    p("ferdinand aukstakalnis")
    p("10/10/1966")
    p("yes")
    assert booked(stack, pid) == [], p
    said = p("actually can i get the friday one back?")
    assert "Fri Dec 4" in said and "Book it?" in said, p
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]) == old_start(friday) and local(mine[0]).date() == date(2026, 12, 4), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[thursday["id"]] == "cancelled", p


def web_chat_hand_off_asks_for_a_number(stack, p):
    PHI.extend(["4085550505", "408-555-0505"])
    p("book a checkup")
    said = p("agent")
    assert "call you back" in said and "number" in said, p  # no number known: asked for
    assert task_of(p)["status"] == "requested", p  # recorded meanwhile
    said = p("4085550505")
    assert "408-555-0505" in said, p
    notes = [n["text"] for n in task_of(p).get("note", [])]
    assert "Callback number: 408-555-0505" in notes, p


def hand_off_of_a_verified_patient_uses_the_number_on_file(stack, p):
    pid = new_patient(stack, "Hortensia", "Villalobar", "1979-12-12", "408-555-0506")
    p("i need to move my appointment")
    p("hortensia villalobar")
    p("12/12/1979")
    said = p("can i talk to a person")
    assert "call you back" in said and "number" not in said, p  # the record has one
    task = task_of(p)
    assert task["for"]["reference"] == f"Patient/{pid}" and "Callback number: 408-555-0506" in [n["text"] for n in task["note"]], p


def another_day_right_after_booking(stack, p):
    """(found in stop 21's QA) "actually can we make that thursday instead?" right after booking: that one moves."""
    pid = new_patient(stack, "Oswin", "Featherstone", "1981-12-01", "408-555-0507")
    p("i need to see a gastroenterologist")  # (GI: this week's dermatology mornings are for later files' patients)
    p("oswin featherstone")
    p("12/1/81")
    p("self pay")
    p("tuesday")
    p("1")
    p("yes")
    first = booked(stack, pid)
    said = p("actually can we make that thursday instead?")
    assert "Let's move" in said and "Thu Dec 3" in said, p
    p("1")
    p("yes")
    now = booked(stack, pid)
    assert len(first) == 1 and len(now) == 1 and now[0]["id"] != first[0]["id"], p
    assert local(now[0]).date() == date(2026, 12, 3), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[first[0]["id"]] == "cancelled", p


def what_time_was_that_again(stack, p):
    """(stop 21's QA) asked right after booking: the list, not "I can book, reschedule or cancel"."""
    pid = new_patient(stack, "Emeka", "Obiora", "1984-03-30", "408-555-0508")
    p("need a skin check")
    p("emeka obiora")
    p("3/30/84")
    p("cash")
    p("next wed afternoon")
    p("1")
    p("yes")
    said = p("what time was that again?")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%a %b %-d, %-I:%M %p") in said, p


def a_price_question_at_the_name_and_the_payment(stack, p):
    """(stop 21's QA) "how much does a visit cost?" where a name, then a payment was asked: answered with
    the front desk's number, and the question asked again."""
    pid = new_patient(stack, "Bartholomew", "Ishikawa", "1968-11-03", "408-555-0509")
    p("book a physical")
    said = p("how much does a visit cost?")
    assert "front desk" in said and "(408) 555-0100" in said and "first and last name" in said and "Sorry" not in said, p
    p("bartholomew ishikawa")
    p("11/3/68")
    said = p("how much is it if i pay myself?")
    assert "front desk" in said and "insurance, or pay" in said, p
    p("self pay")
    p("next monday")
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def a_parent_gives_their_own_name_for_the_child(stack, p):
    """(stop 21's QA) "book my daughter emma" - "corinne lachapelle" (the mother's own record exists): not
    taken as Emma's; Emma's name and birth date then book Emma, in pediatrics, and nothing for the mother."""
    mother = new_patient(stack, "Corinne", "Lachapelle", "1985-05-15", "408-555-0510")
    emma = new_patient(stack, "Emma", "Lachapelle", "2019-05-05", "408-555-0510")
    p("book my daughter emma for a checkup, she's 7")
    said = p("corinne lachapelle")
    assert "doesn't look like Emma's name" in said and "date of birth" not in said, p
    p("emma lachapelle")
    p("5/5/2019")
    p("self pay")
    p("next friday")
    p("1")
    p("yes")
    assert appointments(stack, mother) == [], p
    mine = booked(stack, emma)
    assert len(mine) == 1 and mine[0]["specialty"][0]["coding"][0]["code"] == PEDS, p


def a_hand_off_called_off_then_a_booking(stack, p):
    """(stop 21's QA) asked for the number to call, "never mind i figured it out, can i book a physical for
    next thursday": the call-back request is cancelled, and next Thursday booked ("never mind" is no "never")."""
    pid = new_patient(stack, "Cornelius", "Vandenberg", "1955-01-31", "408-555-0511")
    p("agent")
    said = p("never mind i figured it out, can i book a physical for next thursday")
    assert "called off" in said, p
    assert task_of(p)["status"] == "cancelled", p
    p("cornelius vandenberg")
    p("1/31/1955")
    p("self pay")
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 10), p


def never_mind_when_asked_for_the_number(stack, p):
    p("talk to a human")
    p("never mind")
    assert task_of(p)["status"] == "cancelled", p  # nobody calls


def is_the_9am_with_dr_boyce_still_open(stack, p):
    """(stop 21's QA) asked while choosing: Dr. Boyce's nearest times, not the clinic's opening hours."""
    pid = new_patient(stack, "Priscilla", "Okonkwo", "1989-06-18", "408-555-0512")
    p("dermatology please")
    p("priscilla okonkwo")
    p("6/18/1989")
    p("self pay")
    p("next friday morning")
    said = p("is the 9am with dr boyce still open?")
    assert "Mon–Fri" not in said and "1)" in said and said.count("Dr. Boyce") >= 3, p
    p("1")
    p("yes")
    boyce = fhir_get(stack, "Practitioner", name="boyce")["entry"][0]["resource"]["id"]
    mine = booked(stack, pid)
    assert len(mine) == 1 and f"Practitioner/{boyce}" in [x["actor"]["reference"] for x in mine[0]["participant"]], p


def cancel_the_second_one_after_the_list(stack, p):
    """(stop 21's QA) "cancel the second one" right after the list: the second listed, not "which one?"."""
    pid = new_patient(stack, "Wren", "Castellano", "1990-12-25", "408-555-0513")
    first, second = seed_booking(stack, pid, "2026-12-08"), seed_booking(stack, pid, "2026-12-11")
    p("what appointments do i have")
    p("wren castellano")
    p("25/12/1990")
    said = p("cancel the second one")
    assert "Fri Dec 11" in said and "Which appointment" not in said, p
    p("yes")
    assert [a["id"] for a in booked(stack, pid)] == [first["id"]], p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[second["id"]] == "cancelled", p


def a_follow_up_with_a_named_dermatologist(stack, p):
    """(stop 21's QA) "I need a follow-up with Dr. Boyce": his specialty, not family medicine by default."""
    pid = new_patient(stack, "Lorcan", "Fitzgerald", "1971-07-17", "408-555-0514")
    p("I need a follow-up with Dr. Boyce")
    p("lorcan fitzgerald")
    p("7/17/71")
    p("self pay")
    said = p("next week")
    assert said.count("Dr. Boyce") == 3 and "no family medicine" not in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and mine[0]["specialty"][0]["coding"][0]["code"] == DERM, p


def a_patient_who_needs_a_moment(stack, p):
    """(stop 21's QA) "one sec", "hold on let me check", "brb" at a question: no miss, the question stands."""
    pid = new_patient(stack, "Ambrose", "Thistlewood", "1969-05-09", "408-555-0515")
    p("need a checkup")
    p("ambrose thistlewood")
    for wait in ["one sec", "hold on let me check", "brb"]:
        said = p(wait)
        assert "take your time" in said and "Sorry" not in said and "couldn't" not in said and "agent" not in said, p
        p({"one sec": "5/9/1969", "hold on let me check": "self pay", "brb": "next tuesday"}[wait])
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 8), p


def what_time_is_the_first_one_while_another_is_held(stack, p):
    """(stop 21's QA) a question about option 1 while option 2 is held: answered; the held one is booked."""
    pid = new_patient(stack, "Leopold", "Marchand", "1978-08-30", "408-555-0516")
    p("book derm")
    p("leopold marchand")
    p("8/30/78")
    p("self pay")
    p("next friday afternoon")
    options = p.slots()["options"]
    p("2")
    said = p("hmm actually what time is the first one again?")
    assert options[0]["text"] in said and "Book it?" in said, p
    held = [a for a in appointments(stack, pid) if a["status"] == "pending"]
    assert len(held) == 1 and clinician(held[0]) in options[1]["text"], p  # still option 2's
    p("ok keep the one you're holding")
    mine = booked(stack, pid)
    assert len(mine) == 1 and clinician(mine[0]) in options[1]["text"], p
    assert datetime.fromisoformat(mine[0]["start"]) == datetime.fromisoformat(options[1]["start"]), p


def changed_my_mind_at_what_for(stack, p):
    """(stop 21's QA) "actually i changed my mind, i dont need it" at "what's the visit for?": the request ends."""
    pid = new_patient(stack, "Ezekiel", "Harrow", "1966-06-16", "408-555-0517")
    p("can i see a doctor tomorrow")
    p("ezekiel harrow")
    p("6/16/1966")
    p("self pay")
    said = p("actually i changed my mind, i dont need it")
    assert "haven't booked anything" in said and "What's the visit for" not in said, p
    assert appointments(stack, pid) == [], p


def the_week_after_when_none_fit(stack, p):
    """(stop 21's QA) "none of those work" then "how about the week after": the week after the one asked for."""
    pid = new_patient(stack, "Agatha", "Penhallow", "1950-02-28", "408-555-0518")
    p("hi I need to book my annual physical")
    p("agatha penhallow")
    p("2/28/1950")
    p("self pay")
    p("next week sometime")
    p("none of those work")
    assert "1)" in p("how about the week after"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and date(2026, 12, 14) <= local(mine[0]).date() <= date(2026, 12, 18), p


def clinician(appt: dict) -> str:
    """ "Dr. Billingsley" from the appointment's practitioner ("Dr. Phlox Billingsley")."""
    name = next(x["actor"]["display"] for x in appt["participant"] if x["actor"].get("reference", "").startswith("Practitioner/"))
    return f"Dr. {name.split()[-1]}"

PATIENTS = [a_wife_asks_about_his_appointments, lower_case_name_and_birth_date_before_a_request, self_pay_then_while_choosing,
            one_back_after_cancel_both, web_chat_hand_off_asks_for_a_number, hand_off_of_a_verified_patient_uses_the_number_on_file,
            another_day_right_after_booking, what_time_was_that_again, a_price_question_at_the_name_and_the_payment,
            a_parent_gives_their_own_name_for_the_child, a_hand_off_called_off_then_a_booking, never_mind_when_asked_for_the_number,
            is_the_9am_with_dr_boyce_still_open, cancel_the_second_one_after_the_list, a_follow_up_with_a_named_dermatologist,
            a_patient_who_needs_a_moment, what_time_is_the_first_one_while_another_is_held,
            changed_my_mind_at_what_for, the_week_after_when_none_fit]


test_probe_patient_9, test_probe_patients_9_heard_only_clean_short_messages, \
    test_probe_patients_9_left_no_details_in_logs = probe_file_tests("probe9", PATIENTS)
