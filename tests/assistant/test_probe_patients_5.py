"""Probe patients from two QA sessions against `schedbot run` (stop 16): each failed before its fix.
A member id typed in groups or replaced by a birth date, a card to bring later, "not mondays" while
choosing, "hmm" at a confirmation, a second person writing in a verified conversation, a move whose
old appointment was cancelled meanwhile, "never mind" for a name, a name typed again or "I'm new" after
a wrong birth date while cancelling. Each runs through the REST channel
against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

import httpx

from tests.assistant.test_assistant_e2e import appointments, booked, local, seed_booking
from tests.assistant.test_probe_patients import probe_file_tests
from tests.assistant.test_simulated_patients import (FAMILY, PHI, coverages, new_patient, patients_named,
                                                      status_of)


def cancel_in_fhir(stack, appt_id: str) -> None:
    """The clinic cancels an appointment (as its own EHR screen would), outside the conversation."""
    r = httpx.patch(f"{stack.fhir_base}/Appointment/{appt_id}", json=[{"op": "replace", "path": "/status", "value": "cancelled"}],
                    headers={"Content-Type": "application/json-patch+json"}, timeout=60)
    r.raise_for_status()


def member_id_in_groups_not_mondays_and_hmm(stack, p):
    PHI.extend(["Nadia", "Petrovna", "1981-04-05", "4085550144", "XEB44588120"])
    p("hi I need a checkup next week")
    p("Nadia Petrovna")
    p("4/5/1981")
    p("im new")
    p("4085550144")
    p("skip")
    p("insurance")
    assert "member ID" in p("aetan"), p  # the plan, misspelled
    offered = p("XEB 445 88120")
    pid = patients_named(stack, "Petrovna", "1981-04-05")[0]["id"]
    covs = coverages(stack, pid)
    assert [(c.get("subscriberId"), c["payor"][0].get("display")) for c in covs] == [("XEB44588120", "Aetna")], p
    assert "Mon Dec 7" in offered, p
    again = p("none of those, not mondays")
    assert "1)" in again and "Mon " not in again, p
    p("1")
    assert "yes" in p("hmm").lower() and not booked(stack, pid), p  # asked again, nothing booked
    assert "booked" in p("yes"), p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).weekday() != 0, p


def card_brought_later_after_a_date(stack, p):
    PHI.extend(["Omar", "Haddadin", "1979-02-02", "4085550145"])
    p("book a physical")
    p("Omar Haddadin")
    p("2/2/1979")
    p("im new")
    p("4085550145")
    p("skip")
    assert "member ID" in p("kaiser"), p
    said = p("3/2/1990")
    pid = patients_named(stack, "Haddadin", "1979-02-02")[0]["id"]
    assert "looks like a date" in said and not coverages(stack, pid), p
    said = p("can i give it later?")
    assert "bring your insurance card" in said and "When works" in said, p  # and the booking goes on
    covs = coverages(stack, pid)
    assert len(covs) == 1 and covs[0]["payor"][0].get("display") == "Kaiser Permanente" and "subscriberId" not in covs[0], p


def another_writer_in_a_verified_chat(stack, p):
    PHI.extend(["Chidike", "Okafora", "1975-05-05", "Luciana", "Ortegas", "1984-03-09"])
    his = new_patient(stack, "Chidike", "Okafora", "1975-05-05", "408-555-0146")
    hers = new_patient(stack, "Luciana", "Ortegas", "1984-03-09", "408-555-0147")
    his_appt = seed_booking(stack, his, "2026-12-02", specialty=FAMILY)
    her_appt = seed_booking(stack, hers, "2026-12-03", specialty=FAMILY)
    p("what are my appointments")
    p("Chidike Okafora")
    assert "Wed Dec 2" in p("5/5/1975"), p
    said = p("my name is Luciana Ortegas, cancel my appointment")
    assert "date of birth" in said and "Dec 2" not in said, p  # she is verified first
    said = p("3/9/1984")
    assert "Thu Dec 3" in said and "Dec 2" not in said, p
    p("hmm")
    assert status_of(stack, her_appt["id"]) == "booked", p
    p("yes")
    assert status_of(stack, her_appt["id"]) == "cancelled" and status_of(stack, his_appt["id"]) == "booked", p


def move_after_the_old_one_was_cancelled(stack, p):
    PHI.extend(["Tobiah", "Wrenfield", "1970-10-10"])
    pid = new_patient(stack, "Tobiah", "Wrenfield", "1970-10-10", "408-555-0148")
    old = seed_booking(stack, pid, "2026-12-02", specialty=FAMILY)
    p("move my appointment to friday morning")
    p("Tobiah Wrenfield")
    assert "1)" in p("10/10/1970"), p
    assert "holding" in p("1"), p
    cancel_in_fhir(stack, old["id"])  # the front desk cancels it meanwhile
    said = p("yes")
    assert "already been cancelled" in said and "booked" in said, p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).weekday() == 4, p
    assert not [a for a in appointments(stack, pid) if a["status"] in ("pending", "proposed")], p


def never_mind_for_the_name(stack, p):
    said = p("reschedule")
    assert "name" in said, p
    said = p("never mind")
    assert "no problem" in said.lower() and "date of birth" not in said, p
    assert not patients_named(stack, "Mind", "1980-01-01"), p


def says_new_after_a_wrong_birth_date_when_cancelling(stack, p):
    PHI.extend(["Marguerite", "Oyelowo", "1988-12-12"])
    pid = new_patient(stack, "Marguerite", "Oyelowo", "1988-12-12", "408-555-0149")
    appt = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    p("cancel my appointment")
    p("Marguerite Oyelowo")
    assert "couldn't find" in p("12/12/1989"), p
    said = p("im new")
    assert "record it's under" in said, p  # no second record for someone whose appointment is on the first
    assert patients_named(stack, "Oyelowo", "1989-12-12") == [], p
    p("Marguerite Oyelowo")
    assert "Thu Dec 3" in p("12/12/1988"), p
    p("yes")
    assert status_of(stack, appt["id"]) == "cancelled", p


def types_the_name_again_after_a_wrong_birth_date(stack, p):
    PHI.extend(["Ignatius", "Brevoort", "1961-06-16"])
    pid = new_patient(stack, "Ignatius", "Brevoort", "1961-06-16", "408-555-0150")
    seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    p("what appointments do i have")
    p("Ignatius Brevoort")
    assert "couldn't find" in p("6/16/1962"), p
    assert "date of birth" in p("Ignatius Brevoort"), p  # the name again: the birth date is asked, not a 2nd failure
    assert "Fri Dec 4" in p("6/16/1961"), p


PATIENTS = [says_new_after_a_wrong_birth_date_when_cancelling, types_the_name_again_after_a_wrong_birth_date,
            member_id_in_groups_not_mondays_and_hmm, card_brought_later_after_a_date, another_writer_in_a_verified_chat,
            move_after_the_old_one_was_cancelled, never_mind_for_the_name]


test_probe_patient_5, test_probe_patients_5_heard_only_clean_short_messages, \
    test_probe_patients_5_left_no_details_in_logs = probe_file_tests("probe5", PATIENTS)
