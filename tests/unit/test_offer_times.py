"""actions/forms/offer_times.py: a move by hours that falls outside the clinic's day (clinic.json: Mon-Fri
8 AM-5 PM, America/Los_Angeles) looks on the next (or previous) open day instead of that day's other end."""
from __future__ import annotations

import pytest

from actions.forms.offer_times import hours_note, past_the_day, relative_move, says_relative, small_move

TUESDAY_4_30_PM = "2026-12-01T16:30:00-08:00"
FRIDAY_4_30_PM = "2026-12-04T16:30:00-08:00"
WEDNESDAY_8_AM = "2026-12-02T08:00:00-08:00"
MONDAY_8_AM = "2026-12-07T08:00:00-08:00"


@pytest.fixture(autouse=True)
def _monday_morning(monkeypatch):
    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")


def days(windows):
    return [(a[:16], b[:16]) for a, b in windows]


@pytest.mark.parametrize("text", ["an hour later", "could it be later that day", "a bit later?", "2 hours later"])
def test_later_than_closing_looks_on_the_next_open_day(text):
    windows = relative_move(text, TUESDAY_4_30_PM)
    assert days(windows)[1:] == [("2026-12-02T00:00", "2026-12-03T00:00")], windows  # Wednesday, earliest first
    assert hours_note(windows).startswith("We close at 5 PM")  # and why


def test_later_than_closing_on_a_friday_is_monday():
    assert days(relative_move("an hour later", FRIDAY_4_30_PM))[1:] == [("2026-12-07T00:00", "2026-12-08T00:00")]


def test_earlier_than_opening_looks_at_the_previous_open_days_last_hour_then_that_day():
    assert days(relative_move("an hour earlier", WEDNESDAY_8_AM)) == [
        ("2026-12-02T07:00", "2026-12-02T07:46"), ("2026-12-01T16:00", "2026-12-01T17:00"), ("2026-12-02T00:00", "2026-12-03T00:00")]
    assert days(relative_move("an hour earlier", MONDAY_8_AM))[1] == ("2026-12-04T16:00", "2026-12-04T17:00")  # Friday


def test_earlier_than_opening_keeps_the_day_when_the_previous_one_is_past(monkeypatch):
    monkeypatch.setenv("SCHEDBOT_NOW", "2026-12-01T06:00:00-08:00")  # Tuesday early: Monday is gone
    assert days(relative_move("an hour earlier", "2026-12-01T08:00:00-08:00"))[1:] == [("2026-12-01T00:00", "2026-12-02T00:00")]


@pytest.mark.parametrize("old, text", [("2026-12-02T10:00:00-08:00", "an hour later"), ("2026-12-01T16:15:00-08:00", "a bit later"),
                                        ("2026-12-02T08:00:00-08:00", "a bit earlier"), (TUESDAY_4_30_PM, "an hour earlier")])
def test_a_move_within_opening_hours_stays_on_its_day(old, text):
    assert days(relative_move(text, old))[1:] == [(old[:10] + "T00:00", f"{old[:8]}{int(old[8:10]) + 1:02d}T00:00")]


def test_past_the_day_needs_the_whole_moved_time_outside_hours():
    from datetime import datetime

    at = datetime.fromisoformat
    assert past_the_day(at("2026-12-01T16:45:00-08:00"), at("2026-12-01T17:31:00-08:00")) is None  # 4:45 is open
    assert past_the_day(at("2026-12-01T17:00:00-08:00"), at("2026-12-01T17:46:00-08:00"))
    assert past_the_day(at("2026-12-05T17:30:00-08:00"), at("2026-12-05T18:16:00-08:00")) is None  # Saturday: closed_on_all says it


@pytest.mark.parametrize("text, minutes", [("a bit later", 30), ("a little later pls", 30), ("slightly earlier", -30),
                                           ("later that day", 60), ("earlier in the day", -60), ("later the same day", 60)])
def test_a_move_without_an_amount(text, minutes):
    assert small_move(text).total_seconds() / 60 == minutes and says_relative(text)


@pytest.mark.parametrize("text", ["something later", "anything later?", "later", "a bit of a rash", "earlier appointments"])
def test_later_alone_is_not_a_move_of_the_appointment(text):
    assert small_move(text) is None and not says_relative(text)
