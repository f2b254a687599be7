"""Probe patients from the QA session of stop 16 and the README's list of what was still open: each
failed before its fix. A child named at the "what for?" question, another person's appointments asked
for by name in a verified conversation, "did my appointment get cancelled?", a move that
should keep the clinician, ... Each runs through the REST
channel against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

import pytest

from tests.assistant.test_assistant_e2e import booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import Probe
from tests.assistant.test_probe_patients_5 import cancel_in_fhir
from tests.assistant.test_simulated_patients import (FAMILY, PEDS, PHI, new_patient, patients_named, play, specialty_codes,
                                                      status_of)
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of

BOT_TEXTS: list[str] = []


class Heard(Probe):
    def __call__(self, text: str) -> str:
        said = super().__call__(text)
        BOT_TEXTS.extend(said.splitlines())
        return said


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


PATIENTS = [child_named_at_what_for, another_person_named_in_a_verified_chat, asks_whether_an_appointment_was_cancelled,
            a_move_keeps_the_same_clinician]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_probe_patient_6(stack, script):
    play(script, Heard(stack, f"probe6-{script.__name__}"))


def test_probe_patients_6_heard_only_clean_short_messages():
    assert_clean_messages(BOT_TEXTS)


def test_probe_patients_6_left_no_details_in_logs(stack):
    assert_logs_hold_none_of(stack, PHI)
