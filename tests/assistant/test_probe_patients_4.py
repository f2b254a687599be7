"""Probe patients from talking to `schedbot run` by hand: each failed before its fix. A parent who
says "her name is …", a payer given where a name was asked, "where is that clinic?" right after a
booking. Each runs through the REST channel against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

from datetime import datetime

from tests.assistant.test_assistant_e2e import booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import ASKS_NAME, probe_file_tests
from tests.assistant.test_simulated_patients import (DERM, FAMILY, PHI, coverages, new_patient, patients_named,
                                                      specialty_codes, status_of)


def parent_says_her_name_is(stack, p):
    PHI.extend(["Zofia", "Wisniewska", "2019-06-02", "4085550133"])
    p("my kid has an earache, can we get in next tuesday morning")
    p("her name is Zofia Wisniewska")
    p("she was born 6/2/2019")
    p("register her")
    p("4085550133")
    p("no")
    said = p("self pay")
    assert "1)" in said, p
    p("1")
    said = p("yes")
    assert "Her " not in p.bot_text() and "Zofia is booked" in said, p
    found = patients_named(stack, "Wisniewska", "2019-06-02")
    assert len(found) == 1 and found[0]["name"][0]["given"] == ["Zofia"], found
    assert len(booked(stack, found[0]["id"])) == 1, p
    # "where is that clinic?" right after: the booked appointment's place, as FHIR has it
    appt = booked(stack, found[0]["id"])[0]
    loc = next(x["actor"]["reference"] for x in appt["participant"] if x["actor"]["reference"].startswith("Location/"))
    address = fhir_get(stack, loc)["address"]
    assert address["line"][0] in p("where is that clinic"), p


def payer_given_for_the_name(stack, p):
    pid = new_patient(stack, "Odile", "Marchetti", "1988-11-23", "408-555-0241")
    assert ASKS_NAME.search(p("need a checkup next week")), p
    assert ASKS_NAME.search(p("blue shield")), p  # not a person called Blue Shield
    p("Odile Marchetti")
    p("11/23/1988")
    p("blue shield")
    p("BSC99812")
    assert "1)" in p("next wednesday afternoon"), p
    p("2")
    p("yes")
    assert len(booked(stack, pid)) == 1, p
    assert [c["payor"][0].get("display") for c in coverages(stack, pid)] == ["Blue Shield of California"], coverages(stack, pid)


def after_2_then_also_cancel_the_other(stack, p):
    pid = new_patient(stack, "Renske", "Vandermeer", "1977-05-19", "408-555-0242")
    old = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    p("hi im renske vandermeer 5/19/77, i need a dermatologist for a mole")
    p("self pay")
    assert "1)" in p("wednesday"), p
    # all the options are on Wednesday: "wednesday after 2" asks for other times, it picks none of them
    assert "1)" in p("what about wednesday after 2"), p
    assert p.options() and all(datetime.fromisoformat(o["start"]).hour >= 14 for o in p.options()), p
    p("1")
    # "also ... appointment" here is a cancel, not a second booking
    assert "Cancel" in p("great. can you also cancel my thursday appointment"), p
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    assert "1)" in p.bot_text().split("back to your booking")[-1], p
    p("1")
    p("yes")
    done = booked(stack, pid)
    assert len(done) == 1 and DERM in specialty_codes(done[0]), p
    assert local(done[0]).date().isoformat() == "2026-12-02" and local(done[0]).hour >= 14, p


def move_the_skin_one_sooner(stack, p):
    pid = new_patient(stack, "Ilse", "Brandauer", "1969-09-30", "408-555-0243")
    skin = seed_booking(stack, pid, "2026-12-04")
    other = seed_booking(stack, pid, "2026-12-03", specialty=FAMILY)
    p("I need to reschedule")
    p("Ilse Brandauer")
    assert "2)" in p("9/30/1969"), p  # which one?
    p("the skin one")  # picked by its kind
    assert "1)" in p("sooner if possible"), p  # before it, any day
    p("1")
    p("yes")
    assert status_of(stack, skin["id"]) == "cancelled" and status_of(stack, other["id"]) == "booked", p
    moved = [a for a in booked(stack, pid) if a["id"] != other["id"]]
    assert len(moved) == 1 and DERM in specialty_codes(moved[0]), p
    assert local(moved[0]) < local({"start": skin["start"].isoformat()}) and local(moved[0]).date().isoformat() < "2026-12-04", p


def new_patient_says_everything_at_once(stack, p):
    PHI.extend(["Dariela", "O'Connor", "1990-11-02", "9165550190", "916-555-0190", "dariela.oc@example.com", "W123456789"])
    said = p("new pt here. Dariela O'Connor dob 11-02-1990, need to see a doc for a sore throat asap, cell 916 555 0190, "
             "dariela.oc@example.com, i have aetna id W123456789")
    assert "1)" in said and "phone" not in said, p  # nothing asked again
    p("1")
    p("yes")
    found = patients_named(stack, "O'Connor", "1990-11-02")
    assert len(found) == 1, p
    telecom = {t["system"]: t["value"] for t in found[0]["telecom"]}
    assert telecom == {"phone": "916-555-0190", "email": "dariela.oc@example.com"}, telecom
    cov = coverages(stack, found[0]["id"])
    assert [(c["payor"][0].get("display"), c.get("subscriberId")) for c in cov] == [("Aetna", "W123456789")], cov
    assert len(booked(stack, found[0]["id"])) == 1, p


def four_appointments_all_but_one(stack, p):
    pid = new_patient(stack, "Torvald", "Engstrom", "1958-02-14", "408-555-0244")
    seeded = [seed_booking(stack, pid, day, specialty=FAMILY) for day in ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04")]
    p("hi its torvald engstrom 2/14/58")
    said = p("cancel all my appointments except the tuesday one")
    assert "4)" in said, p  # not all of them: which one? (the fourth is listed too)
    assert all(status_of(stack, a["id"]) == "booked" for a in seeded), p
    assert "Cancel" in p("the friday one"), p  # the fourth: picked by its day
    p("yes")
    assert [status_of(stack, a["id"]) for a in seeded] == ["booked", "booked", "booked", "cancelled"], p


def two_messages_that_ask_for_nothing(stack, p):
    assert "agent" not in p("asdfgh"), p  # first: what we can do
    assert "agent" in p("blorp"), p  # second in a row: and a person
    assert "name" in p("book a checkup"), p  # and a request still works


def keeps_it_at_the_when_question_of_a_move(stack, p):
    pid = new_patient(stack, "Soren", "Kierkegaard-Lund", "1966-03-21", "408-555-0245")
    fri = seed_booking(stack, pid, "2026-12-04", specialty=FAMILY)
    p("can i move my friday appt")
    p("Soren Kierkegaard-Lund")
    assert "When works" in p("3/21/1966"), p
    said = p("actually nvm, keep the friday one as is")
    assert "kept your appointment" in said and "1)" not in said, p
    assert [a["id"] for a in booked(stack, pid)] == [fri["id"]], p


PATIENTS = [keeps_it_at_the_when_question_of_a_move, two_messages_that_ask_for_nothing, four_appointments_all_but_one, new_patient_says_everything_at_once, parent_says_her_name_is, payer_given_for_the_name, after_2_then_also_cancel_the_other, move_the_skin_one_sooner]


test_probe_patient, test_probe_patients_heard_only_clean_short_messages, \
    test_probe_patients_left_no_details_in_logs = probe_file_tests("probe4", PATIENTS)
