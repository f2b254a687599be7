"""Patient-facing formatting (actions.formatting): clinic zone, no ids / ISO / None, SMS-sized lists."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner

from actions.formatting import (
    SMS_LIMIT,
    clinician_name,
    clock_text,
    day_text,
    describe_appointment,
    location_display,
    option_lines,
    option_list,
    place_name,
    practitioner_display,
    safe_text,
    when_text,
)
from tests.support.clock import TEST_NOW, TEST_TZ

NOW = datetime.fromisoformat(TEST_NOW)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|\+\d{2}:\d{2}|Z\b")


def appt(start="2026-12-01T17:15:00Z", participants=None, id="appt-123", status="proposed"):
    if participants is None:
        participants = [
            {"actor": {"reference": "Practitioner/arg-s-1", "display": "Dr Y"}, "status": "needs-action"},
            {"actor": {"reference": "Location/arg-s-1"}, "status": "needs-action"},
        ]
    data = {"resourceType": "Appointment", "id": id, "status": status, "participant": participants}
    if start:
        data["start"] = start
        data["end"] = (datetime.fromisoformat(start.replace("Z", "+00:00")) + timedelta(minutes=15)).isoformat()
    return Appointment.parse_obj(data)


NAMES = {"Practitioner/arg-s-1": "Dr. Boyce", "Location/arg-s-1": "San Jose Dermatology Clinic"}


def assert_patient_safe(text):
    assert "None" not in text and "null" not in text
    assert not ISO.search(text), text
    assert "arg-s-" not in text and "appt-" not in text and "/" not in text, text


@pytest.mark.parametrize("value,tz,expected", [
    ("2026-12-01T17:15:00Z", TEST_TZ, "Tue Dec 1, 9:15 AM"),
    ("2026-12-01T09:15:00-08:00", TEST_TZ, "Tue Dec 1, 9:15 AM"),
    ("2026-12-01T20:00:00Z", TEST_TZ, "Tue Dec 1, 12:00 PM"),
    ("2026-12-02T07:30:00Z", TEST_TZ, "Tue Dec 1, 11:30 PM"),
    ("2026-12-01T08:05:00Z", TEST_TZ, "Tue Dec 1, 12:05 AM"),
    ("2026-12-01T17:15:00Z", "America/New_York", "Tue Dec 1, 12:15 PM"),
    ("2026-12-01T17:15:00Z", "Europe/Berlin", "Tue Dec 1, 6:15 PM"),
    ("2027-07-06T16:00:00Z", TEST_TZ, "Tue Jul 6, 9:00 AM"),  # daylight saving time
    ("2027-03-14T17:00:00Z", TEST_TZ, "Sun Mar 14, 10:00 AM"),  # the DST switch day
])
def test_when_text(value, tz, expected):
    assert when_text(datetime.fromisoformat(value.replace("Z", "+00:00")), tz) == expected


def test_when_text_accepts_strings_tzinfo_and_naive_utc():
    from zoneinfo import ZoneInfo

    assert when_text("2026-12-01T17:15:00Z", ZoneInfo(TEST_TZ)) == "Tue Dec 1, 9:15 AM"
    assert when_text(datetime(2026, 12, 1, 17, 15), TEST_TZ) == "Tue Dec 1, 9:15 AM"


def test_default_zone_from_env(monkeypatch):
    monkeypatch.setenv("SCHEDBOT_TZ", "America/Chicago")
    assert when_text(datetime(2026, 12, 1, 17, 15, tzinfo=timezone.utc)) == "Tue Dec 1, 11:15 AM"
    monkeypatch.delenv("SCHEDBOT_TZ")
    assert when_text(datetime(2026, 12, 1, 17, 15, tzinfo=timezone.utc)) == "Tue Dec 1, 9:15 AM"


def test_relative_words():
    assert when_text(datetime.fromisoformat("2026-11-30T15:00:00-08:00"), TEST_TZ, NOW, relative=True) == "today, 3:00 PM"
    assert when_text(datetime.fromisoformat("2026-12-01T09:15:00-08:00"), TEST_TZ, NOW, relative=True) == "tomorrow, 9:15 AM"
    assert when_text(datetime.fromisoformat("2026-12-02T09:15:00-08:00"), TEST_TZ, NOW, relative=True) == "Wed Dec 2, 9:15 AM"
    # late evening UTC is still "today" in the clinic
    assert when_text(datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc), TEST_TZ, NOW, relative=True) == "today, 10:00 PM"
    # without relative=True the absolute form is used
    assert when_text(datetime.fromisoformat("2026-12-01T09:15:00-08:00"), TEST_TZ, NOW) == "Tue Dec 1, 9:15 AM"


def test_year_only_when_far_away():
    assert day_text(date(2027, 1, 5), now=NOW) == "Tue Jan 5"
    assert day_text(date(2027, 11, 30), now=NOW) == "Tue Nov 30, 2027"
    assert day_text(date(2026, 12, 1)) == "Tue Dec 1"


def test_clock_text():
    assert clock_text("2026-12-01T20:00:00Z", TEST_TZ) == "12:00 PM"
    assert clock_text("2026-12-01T08:00:00Z", TEST_TZ) == "12:00 AM"


def test_describe_appointment_full():
    text = describe_appointment(appt(), NAMES, TEST_TZ)
    assert text == "Tue Dec 1, 9:15 AM with Dr. Boyce at San Jose Dermatology Clinic"
    assert_patient_safe(text)


def test_describe_appointment_falls_back_to_display_and_never_shows_ids():
    text = describe_appointment(appt(), {}, TEST_TZ)
    assert text == "Tue Dec 1, 9:15 AM with Dr Y"
    a = appt(participants=[
        {"actor": {"reference": "Practitioner/arg-s-1"}, "status": "needs-action"},
        {"actor": {"reference": "Location/arg-s-1", "display": "Location/arg-s-1"}, "status": "needs-action"},
        {"actor": {"reference": "Patient/p-77", "display": "Jane Roe"}, "status": "accepted"},
    ])
    text = describe_appointment(a, {}, TEST_TZ)
    assert text == "Tue Dec 1, 9:15 AM"
    assert "Jane" not in text


def test_describe_without_start_or_names():
    a = appt(start=None, participants=[{"actor": {"display": "Napa Office"}, "status": "needs-action"}])
    text = describe_appointment(a, None, TEST_TZ)
    assert text == "a time to be confirmed at Napa Office"
    assert_patient_safe(text)


def test_clinician_and_place_helpers():
    a = appt()
    assert clinician_name(a, NAMES) == "Dr. Boyce"
    assert place_name(a, NAMES) == "San Jose Dermatology Clinic"
    role = appt(participants=[{"actor": {"reference": "PractitionerRole/r1"}, "status": "needs-action"},
                              {"actor": {"reference": "HealthcareService/h1"}, "status": "needs-action"}])
    assert clinician_name(role, {"PractitionerRole/r1": "Dr. McCoy"}) == "Dr. McCoy"
    assert place_name(role, {"HealthcareService/h1": "Derm Walk-in"}) == "Derm Walk-in"


def test_option_lines_three_fit_one_sms():
    appts = [appt("2026-12-01T17:15:00Z"), appt("2026-12-01T18:30:00Z"), appt("2026-12-02T22:45:00Z")]
    text = option_lines(appts, NAMES, TEST_TZ, header="Here are the next openings:")
    assert text.splitlines() == [
        "Here are the next openings:",
        "1) Tue Dec 1, 9:15 AM with Dr. Boyce at San Jose Dermatology Clinic",
        "2) Tue Dec 1, 10:30 AM with Dr. Boyce at San Jose Dermatology Clinic",
        "3) Wed Dec 2, 2:45 PM with Dr. Boyce at San Jose Dermatology Clinic",
    ]
    assert len(text) <= SMS_LIMIT
    assert_patient_safe(text)


def test_option_lines_shorten_long_names():
    long_names = {"Practitioner/arg-s-1": "Dr. Bartholomew Featherstonehaugh-Cholmondeley",
                  "Location/arg-s-1": "San Francisco Children's Clinic and Pediatric Gastroenterology Center, Building C"}
    appts = [appt("2026-12-01T17:15:00Z"), appt("2026-12-01T18:30:00Z"), appt("2026-12-02T22:45:00Z")]
    lines = option_list(appts, long_names, TEST_TZ)
    assert len(lines) == 3
    assert len("\n".join(lines)) <= SMS_LIMIT
    assert all("Featherstonehaugh" in line for line in lines)  # the place went first
    huge = {"Practitioner/arg-s-1": "Dr. " + "X" * 200, "Location/arg-s-1": "Y" * 200}
    lines = option_list(appts, huge, TEST_TZ)
    assert lines == ["1) Tue Dec 1, 9:15 AM", "2) Tue Dec 1, 10:30 AM", "3) Wed Dec 2, 2:45 PM"]


def test_option_lines_drop_options_past_the_limit():
    appts = [appt(f"2026-12-0{d}T17:15:00Z") for d in range(1, 10)] * 3
    text = option_lines(appts, NAMES, TEST_TZ, max_chars=160, header="Pick one:")
    assert len(text) <= 160
    assert text.startswith("Pick one:\n1) ")
    assert text.splitlines()[-1].startswith(f"{len(text.splitlines()) - 1}) ")


def test_option_numbering_can_continue():
    lines = option_list([appt(), appt()], NAMES, TEST_TZ, start_index=4)
    assert lines[0].startswith("4) ") and lines[1].startswith("5) ")


def test_practitioner_display():
    p = Practitioner.parse_obj({"resourceType": "Practitioner", "name": [{"family": "Boyce", "given": ["Philip"], "prefix": ["Dr"]}]})
    assert practitioner_display(p) == "Dr. Boyce"
    p = Practitioner.parse_obj({"resourceType": "Practitioner", "name": [{"family": "Nguyen", "given": ["Anh"]}]})
    assert practitioner_display(p) == "Anh Nguyen"
    p = Practitioner.parse_obj({"resourceType": "Practitioner", "name": [{"text": "Nurse Joy"}]})
    assert practitioner_display(p) == "Nurse Joy"
    assert practitioner_display(Practitioner.parse_obj({"resourceType": "Practitioner"})) is None


def test_location_display():
    loc = Location.parse_obj({"resourceType": "Location", "name": "San Jose"})
    org = Organization.parse_obj({"resourceType": "Organization", "name": "San Jose Dermatology Clinic"})
    assert location_display(loc, org) == "San Jose Dermatology Clinic"
    assert location_display(Location.parse_obj({"resourceType": "Location", "name": "Napa Office"}),
                            Organization.parse_obj({"resourceType": "Organization", "name": "Acme Health"})) == "Napa Office"
    assert location_display(loc) == "San Jose"
    assert location_display(Location.parse_obj({"resourceType": "Location"}), org) == "San Jose Dermatology Clinic"


@pytest.mark.parametrize("value,expected", [
    (None, None), ("None", None), ("", None), ("  ", None), ("Practitioner/123", None),
    ("a1b2c3", None), ("12345", None), ("http://x/y", None),
    ("Dr. Boyce", "Dr. Boyce"), ("San  Jose", "San Jose"), ("Napa", "Napa"),
])
def test_safe_text(value, expected):
    assert safe_text(value) == expected
