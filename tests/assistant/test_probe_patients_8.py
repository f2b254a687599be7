"""Probe patients from the QA list of stop 17 that stop 19 fixed: each failed before its fix. A question
about an appointment with the name signed after a dash started a booking, "can i tlk to sum1" at a
question was taken for an answer, "is the 2nd one in sf?" held option 2 (and "is that in san jose?"
was not answered while a time was held), a friend's unknown birth date was asked for again and
again, and a clinician named with the reason ("a skin check with dr boyce") was dropped; and (stop 20) "friday, same time-ish" while moving a time, and a city asked for while choosing. Each runs through the REST channel against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

from datetime import date, timedelta

from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import answer_until_booked, moved, old_start, probe_file_tests, task_of
from tests.assistant.test_simulated_patients import PHI, new_patient


def still_on_signed_after_a_dash(stack, p):
    pid = new_patient(stack, "Daniela", "Reyesworth", "1985-03-14", "408-555-0401")
    appt = seed_booking(stack, pid, "2026-12-03")
    said = p("is my thursday appt with dr boyce still on? - daniela reyesworth")
    assert "date of birth" in said and "name" not in said.lower(), p  # the signed name was kept
    said = p("3/14/1985")
    assert "Thu Dec 3" in said and "insurance" not in said.lower(), p  # listed, not a new booking
    assert [a["id"] for a in booked(stack, pid)] == [appt["id"]], p


def sms_spelling_of_talk_to_someone(stack, p):
    p("i need a checkup")
    said = p("can i tlk to sum1")
    assert "call you back" in said, p
    assert task_of(p)["status"] == "requested", p  # the call-back request the clinic sees


def is_the_second_one_in_a_city(stack, p):
    pid = new_patient(stack, "Mirela", "Kovacsik", "1983-01-05", "408-555-0402")
    p("book a derm appt")
    p("mirela kovacsik")
    p("1/5/1983")
    p("self pay")
    offered = p("next week")
    second = next(line for line in offered.splitlines() if line.startswith("2)"))
    said = p("is the 2nd one in sf?")
    assert "Race Street" in said and "holding" not in said, p  # answered: its address, nothing held
    assert [a for a in appointments(stack, pid) if a["status"] == "pending"] == [], p
    assert "holding" in p("2"), p
    said = p("is that in san jose?")
    assert "Race Street" in said and "Book it?" in said, p  # answered, and the held time is asked about again
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%-I:%M %p") in second, p


def a_friends_birth_date_not_known(stack, p):
    PHI.extend(["Jonah", "Snowdrift"])
    p("i need to book an appt for my friend")
    p("jonah snowdrift")
    said = p("i don't know his birthday")
    assert "date of birth" in said and "agent" in said and "03/14" not in said, p  # not asked again
    assert "call you back" in p("agent"), p
    assert task_of(p)["status"] == "requested", p
    assert fhir_get(stack, "Patient", family="Snowdrift").get("entry", []) == [], p  # no record made up for him


def a_clinician_named_with_the_reason(stack, p):
    pid = new_patient(stack, "Hanne", "Sorensgaard", "1975-05-05", "408-555-0403")
    p("i need an appointment")
    p("hanne sorensgaard")
    p("5/5/1975")
    p("self pay")
    p("a skin check with dr boyce")
    offered = p("next week")
    assert offered.count("Dr. Boyce") == 3, p  # only her times
    p("1")
    p("yes")
    boyce = fhir_get(stack, "Practitioner", name="boyce")["entry"][0]["resource"]["id"]
    mine = booked(stack, pid)
    assert len(mine) == 1 and f"Practitioner/{boyce}" in [x["actor"]["reference"] for x in mine[0]["participant"]], p


def same_time_ish_another_day(stack, p):
    """(stop 20) "friday, same time-ish" while moving a Thursday afternoon: Friday about then, not Friday's first."""
    pid = new_patient(stack, "Ottavio", "Brambillasca", "1971-08-21", "408-555-0404")
    old = seed_booking(stack, pid, "2026-12-03", after="14:00")
    p("need to move my thursday appt")
    p("ottavio brambillasca")
    p("8/21/1971")  # (other Thursday times are offered)
    first = p("friday, same time-ish")
    assert "Fri Dec 4" in first, p
    answer_until_booked(p, {}, first)
    new = moved(stack, pid, old)
    assert local(new).date() == date(2026, 12, 4), p
    assert abs((local(new) - old_start(old) - timedelta(days=1)).total_seconds()) <= 3600, p


def a_city_asked_for_while_choosing(stack, p):
    """(stop 20) "anything in palo alto?" (no clinic there) and "anything in sacramento?" while choosing: said
    so, nothing held; then that city's times, and the booking is there."""
    pid = new_patient(stack, "Cosima", "Vanterpool", "1979-09-09", "408-555-0405")
    p("i need a checkup")
    p("cosima vanterpool")
    p("9/9/1979")
    p("self pay")
    p("next week")
    said = p("anything in palo alto?")
    assert "don't have a clinic in Palo Alto" in said and "Sacramento" in said and "1)" in said, p
    assert appointments(stack, pid) == [], p  # nothing held
    offered = p("anything in sacramento?")
    lines = [line for line in offered.splitlines() if line[:2] in ("1)", "2)", "3)")]
    assert lines and all("Sacramento Family Clinic" in line for line in lines), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1, p
    where = [x["actor"]["reference"] for x in mine[0]["participant"] if x["actor"].get("reference", "").startswith("Location/")]
    assert where and "Sacramento" in fhir_get(stack, where[0])["name"], p


PATIENTS = [still_on_signed_after_a_dash, sms_spelling_of_talk_to_someone, is_the_second_one_in_a_city,
            a_friends_birth_date_not_known, a_clinician_named_with_the_reason, same_time_ish_another_day,
            a_city_asked_for_while_choosing]


test_probe_patient_8, test_probe_patients_8_heard_only_clean_short_messages, \
    test_probe_patients_8_left_no_details_in_logs = probe_file_tests("probe8", PATIENTS)
