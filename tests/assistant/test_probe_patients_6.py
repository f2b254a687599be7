"""Probe patients from the QA session of stop 16 and the README's list of what was still open: each
failed before its fix. A child named at the "what for?" question, another person's appointments asked
for by name in a verified conversation, "did my appointment get cancelled?", a move that
should keep the clinician, "I'm new" from a known patient, "mine" after a wife's appointment, a
clinician named before the kind of visit changed, "we pay ourselves", "in two weeks" while choosing, a name and
birth date before any request, "keep it as it is" when asked to confirm a move. Each runs through the REST
channel against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import probe_file_tests
from tests.assistant.test_probe_patients_5 import cancel_in_fhir
from tests.assistant.test_simulated_patients import (DERM, FAMILY, PEDS, PHI, coverages, new_patient, patients_named, specialty_codes,
                                                      status_of)


def clinician_of(appt: dict) -> str:
    return next(p["actor"]["reference"] for p in appt["participant"] if p["actor"].get("reference", "").startswith("Practitioner/"))


def child_named_at_what_for(stack, p):
    PHI.extend(["Dana", "Whitfeld", "1984-04-12", "4085550161", "Finn", "2019-03-03"])
    p("i need to book an appointment")
    p("Dana Whitfeld")
    p("4/12/1984")
    p("im new")
    p("4085550161")
    p("skip")
    p("self pay")
    said = p("my kid needs a checkup, his name is Finn")
    assert "Finn's" in said and "name" in said, p  # the child is found or registered first
    p("Finn Whitfeld")
    assert "couldn't find" in p("3/3/2019"), p
    p("im new")
    p("self pay")
    assert "1)" in p("monday morning"), p
    p("1")
    assert "booked" in p("yes"), p
    parent = patients_named(stack, "Whitfeld", "1984-04-12")[0]["id"]
    child = patients_named(stack, "Whitfeld", "2019-03-03")[0]["id"]
    assert booked(stack, parent) == [], p
    mine = booked(stack, child)
    assert len(mine) == 1 and PEDS in specialty_codes(mine[0]), p


def another_person_named_in_a_verified_chat(stack, p):
    PHI.extend(["Averil", "Stonebridge", "1980-01-21", "Jordana", "Halewood", "1985-02-22"])
    mine = new_patient(stack, "Averil", "Stonebridge", "1980-01-21", "408-555-0162")
    theirs = new_patient(stack, "Jordana", "Halewood", "1985-02-22", "408-555-0163")
    seed_booking(stack, mine, "2026-12-08", specialty=FAMILY)
    their_appt = seed_booking(stack, theirs, "2026-12-09", specialty=FAMILY)
    p("what are my appointments")
    p("Averil Stonebridge")
    assert "Tue Dec 8" in p("1/21/1980"), p
    said = p("what appointments does Jordana Halewood have")
    assert "Jordana's date of birth" in said and "Dec 8" not in said, p  # nothing of either said before
    said = p("2/22/1985")
    assert "Wed Dec 9" in said and "Dec 8" not in said, p
    said = p("and my husband's appointments?")
    assert "husband's record" in said, p
    said = p("does my wife have anything booked")  # not taken for the husband's name
    assert "wife's record" in said and "date of birth" not in said, p
    p("cancel the one for Jordana Halewood")
    assert status_of(stack, their_appt["id"]) == "booked", p


def asks_whether_an_appointment_was_cancelled(stack, p):
    PHI.extend(["Rosalind", "Ashcombe", "1977-07-17"])
    pid = new_patient(stack, "Rosalind", "Ashcombe", "1977-07-17", "408-555-0164")
    kept = seed_booking(stack, pid, "2026-12-08", specialty=FAMILY)
    gone = seed_booking(stack, pid, "2026-12-10", specialty=FAMILY)
    cancel_in_fhir(stack, gone["id"])  # the clinic cancelled it
    p("did my Dec 10 appointment get cancelled?")
    p("Rosalind Ashcombe")
    said = p("7/17/1977")
    assert "Thu Dec 10" in said and "was cancelled" in said and "Tue Dec 8" in said, p  # a question, not a request
    said = p("is my tuesday appt still on?")
    assert "Tue Dec 8" in said and "?" not in said, p  # nothing asked to confirm
    assert status_of(stack, kept["id"]) == "booked", p


def a_move_keeps_the_same_clinician(stack, p):
    PHI.extend(["Cosima", "Tarrant", "1969-09-19"])
    pid = new_patient(stack, "Cosima", "Tarrant", "1969-09-19", "408-555-0165")
    old = seed_booking(stack, pid, "2026-12-08", specialty=FAMILY)
    doctor = clinician_of(fhir_get(stack, f"Appointment/{old['id']}"))
    p("move my appointment to next thursday")
    p("Cosima Tarrant")
    assert "1)" in p("9/19/1969"), p
    p("1")
    assert "now" in p("yes"), p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).weekday() == 3 and clinician_of(mine[0]) == doctor, p


def says_new_with_a_known_name_and_birth_date(stack, p):
    PHI.extend(["Marcel", "Oneille", "1975-07-14"])
    pid = new_patient(stack, "Marcel", "Oneille", "1975-07-14", "408-555-0166")
    appt = seed_booking(stack, pid, "2026-12-09", specialty=FAMILY)
    p("new patient, want to register")
    p("Marcel Oneille")
    assert "found your record" in p("07/14/1975"), p  # not a second record without his appointments
    assert "Wed Dec 9" in p("what are my appointments"), p
    assert [x["id"] for x in patients_named(stack, "Oneille", "1975-07-14")] == [pid], p
    assert status_of(stack, appt["id"]) == "booked", p


def mine_after_the_wifes_appointment(stack, p):
    PHI.extend(["Marten", "Okonjo", "1974-04-04", "Jennika", "Moralis", "1988-03-24"])
    his = new_patient(stack, "Marten", "Okonjo", "1974-04-04", "408-555-0167")
    hers = new_patient(stack, "Jennika", "Moralis", "1988-03-24", "408-555-0168")
    his_appt = seed_booking(stack, his, "2026-12-09", specialty=FAMILY)
    her_appt = seed_booking(stack, hers, "2026-12-10", specialty=FAMILY)
    p("my appointments pls")
    p("Marten Okonjo")
    assert "Wed Dec 9" in p("4/4/1974"), p
    assert "Jennika's date of birth" in p("ok and can u cancel my wife's appt too, Jennika Moralis"), p
    assert "Cancel Jennika's appointment on Thu Dec 10" in p("3/24/1988"), p
    assert "kept Jennika's appointment" in p("no"), p
    said = p("what are my appointments")
    assert "Dec 10" not in said and "your first and last name" in said, p  # his own again: he is asked who he is
    p("Marten Okonjo")
    assert "Wed Dec 9" in p("4/4/1974"), p
    assert "Wed Dec 9" in p("cancel mine"), p
    p("yes")
    assert status_of(stack, his_appt["id"]) == "cancelled" and status_of(stack, her_appt["id"]) == "booked", p


def a_clinician_then_another_kind_of_visit(stack, p):
    PHI.extend(["Priyanka", "Ramaswami", "1992-11-13"])
    pid = new_patient(stack, "Priyanka", "Ramaswami", "1992-11-13", "408-555-0169")
    p("need appt")
    p("Priyanka Ramaswami")
    p("11/13/1992")
    p("self pay")
    p("family medicine")
    assert "McCoy" in p("monday with dr mccoy"), p
    said = p("actually make it dermatology instead")  # Dr. McCoy is no dermatologist: any dermatologist now
    assert "1)" in said and "McCoy" not in said, p
    assert "1) Tue " in p("tuesday"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


def we_pay_ourselves_and_in_two_weeks(stack, p):
    PHI.extend(["Lucan", "Brownlow", "2001-01-15"])
    pid = new_patient(stack, "Lucan", "Brownlow", "2001-01-15", "408-555-0170")
    p("book")
    p("Lucan Brownlow")
    p("01/15/2001")
    assert "insurance with" in p("insurance"), p
    assert "insurance with" in p("family medicine"), p  # kept for later, the plan asked again
    said = p("we pay ourselves")
    assert "Self-pay" in said and "What's the visit for" not in said, p
    assert coverages(stack, pid)[0]["type"]["coding"][0]["code"] == "pay", p
    assert "1)" in p("this friday at noon"), p
    said = p("in two weeks")  # a new time, not option 2
    assert "1) Mon " in said and "holding" not in said, p
    p("1")
    said = p("what about 2 weeks from now")  # not 2 PM today, nor option 2
    assert "holding" not in said and "closed" not in said, p
    assert not booked(stack, pid), p


def name_and_birth_date_before_a_request(stack, p):
    PHI.extend(["Marcellus", "Oneal", "1975-07-24"])
    pid = new_patient(stack, "Marcellus", "Oneal", "1975-07-24", "408-555-0171")
    seed_booking(stack, pid, "2026-12-09", specialty=FAMILY)
    said = p("hi its marcellus oneal")
    assert "What would you like" in said and "Dec 9" not in said, p  # nothing said before the birth date
    said = p("07/24/1975")
    assert "What would you like" in said and "still not" not in said and "Dec 9" not in said, p
    assert "Wed Dec 9" in p("what appointments do i have"), p  # both kept: not asked again


def keeps_it_as_it_is_at_the_move_question(stack, p):
    PHI.extend(["Octavia", "Pembright", "1966-06-26"])
    pid = new_patient(stack, "Octavia", "Pembright", "1966-06-26", "408-555-0172")
    old = seed_booking(stack, pid, "2026-12-09", specialty=FAMILY)
    p("move my appointment to thursday")
    p("Octavia Pembright")
    assert "1)" in p("6/26/1966"), p
    assert "holding" in p("1"), p
    said = p("never mind, keep it as it is")
    assert "kept your appointment on Wed Dec 9" in said, p
    assert status_of(stack, old["id"]) == "booked" and len(booked(stack, pid)) == 1, p
    assert not [a for a in appointments(stack, pid) if a["status"] in ("pending", "proposed")], p


PATIENTS = [child_named_at_what_for, another_person_named_in_a_verified_chat, asks_whether_an_appointment_was_cancelled,
            a_move_keeps_the_same_clinician, says_new_with_a_known_name_and_birth_date, mine_after_the_wifes_appointment,
            a_clinician_then_another_kind_of_visit, we_pay_ourselves_and_in_two_weeks,
            name_and_birth_date_before_a_request, keeps_it_as_it_is_at_the_move_question]


test_probe_patient_6, test_probe_patients_6_heard_only_clean_short_messages, \
    test_probe_patients_6_left_no_details_in_logs = probe_file_tests("probe6", PATIENTS)
