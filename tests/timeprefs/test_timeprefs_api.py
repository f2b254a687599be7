"""The parse() contract: aware, sorted, merged, clipped windows in the clinic's zone; DST edges."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from actions.timeprefs import Window, parse
from tests.support.clock import TEST_NOW, TEST_TZ
from tests.timeprefs.test_timeprefs_tables import BASE, MIDWEEK, MIDWEEK_NOW, YEAR_END, YEAR_END_NOW

LA = ZoneInfo(TEST_TZ)
NOW = datetime.fromisoformat(TEST_NOW)


def iso(windows):
    return [(w.start.isoformat(), w.end.isoformat()) for w in windows]


@pytest.mark.parametrize("table,now_iso", [(BASE, TEST_NOW), (MIDWEEK, MIDWEEK_NOW), (YEAR_END, YEAR_END_NOW)])
def test_windows_are_aware_sorted_merged_and_never_before_now(table, now_iso):
    now = datetime.fromisoformat(now_iso)
    for text, _ in table:
        windows = parse(text, now, TEST_TZ)
        for w in windows:
            assert isinstance(w, Window)
            assert w.start.tzinfo is not None and w.end.tzinfo is not None, text
            assert w.start.utcoffset() == w.start.astimezone(LA).utcoffset(), text
            assert now <= w.start < w.end, text
        for a, b in zip(windows, windows[1:]):
            assert a.end < b.start, text  # sorted and merged (touching windows are one)


def test_offsets_are_the_clinic_zone():
    assert iso(parse("tomorrow afternoon", NOW)) == [("2026-12-01T12:00:00-08:00", "2026-12-01T17:00:00-08:00")]
    ny = parse("tomorrow afternoon", datetime.fromisoformat("2026-11-30T07:00:00-05:00"), "America/New_York")
    assert iso(ny) == [("2026-12-01T12:00:00-05:00", "2026-12-01T17:00:00-05:00")]


def test_now_in_another_offset_is_converted_first():
    # 23:30 UTC on Nov 30 is 15:30 in Los Angeles: "today" is still Nov 30 there
    now = datetime.fromisoformat("2026-11-30T23:30:00+00:00")
    assert iso(parse("today", now)) == [("2026-11-30T15:30:00-08:00", "2026-12-01T00:00:00-08:00")]


def test_naive_now_is_read_in_the_clinic_zone():
    assert parse("tomorrow", NOW.replace(tzinfo=None)) == parse("tomorrow", NOW)


def test_spring_forward_day_is_23_hours():
    now = datetime.fromisoformat("2027-03-12T09:00:00-08:00")
    (w,) = parse("sunday", now)
    assert (w.start.isoformat(), w.end.isoformat()) == ("2027-03-14T00:00:00-08:00", "2027-03-15T00:00:00-07:00")
    assert w.end.astimezone(timezone.utc) - w.start.astimezone(timezone.utc) == timedelta(hours=23)
    assert iso(parse("sunday at 9", now)) == [("2027-03-14T09:00:00-07:00", "2027-03-14T10:00:00-07:00")]
    assert iso(parse("next week mornings", now))[0] == ("2027-03-15T08:00:00-07:00", "2027-03-15T12:00:00-07:00")


def test_fall_back_day_is_25_hours():
    now = datetime.fromisoformat("2026-10-30T09:00:00-07:00")
    (w,) = parse("sunday", now)
    assert (w.start.isoformat(), w.end.isoformat()) == ("2026-11-01T00:00:00-07:00", "2026-11-02T00:00:00-08:00")
    assert w.end.astimezone(timezone.utc) - w.start.astimezone(timezone.utc) == timedelta(hours=25)
    assert iso(parse("sunday 9am", now)) == [("2026-11-01T09:00:00-08:00", "2026-11-01T10:00:00-08:00")]


def test_a_time_in_the_spring_forward_gap_is_not_an_empty_window():
    now = datetime.fromisoformat("2027-03-12T09:00:00-08:00")
    for w in parse("sunday at 2:30am", now):
        assert w.start < w.end


@pytest.mark.parametrize("text", ["", "   ", "3", "yes", "born 4/12/1980", "\u2603", "12/31/1999", "99/99", "31/31/2031", "25:99"])
def test_nothing_said_gives_no_window(text):
    assert parse(text, NOW) == []


def test_past_times_roll_forward():
    late = datetime.fromisoformat("2026-11-30T18:00:00-08:00")
    assert iso(parse("at 3pm", late)) == [("2026-12-01T15:00:00-08:00", "2026-12-01T16:00:00-08:00")]
    assert iso(parse("monday", late))[0][0] == "2026-11-30T18:00:00-08:00"
    very_late = datetime.fromisoformat("2026-11-30T23:59:00-08:00")
    assert iso(parse("monday afternoon", very_late)) == [("2026-12-07T12:00:00-08:00", "2026-12-07T17:00:00-08:00")]
    assert iso(parse("nov 29", NOW))[0][0].startswith("2027-11-29")


def test_next_tuesday_is_the_tuesday_of_next_calendar_week_all_week_long():
    # from every day of the week of Nov 30, "next tuesday" is Dec 8; plain "tuesday" is the coming one
    for offset, plain in enumerate(["12-01", "12-01", "12-08", "12-08", "12-08", "12-08", "12-08"]):
        now = NOW + timedelta(days=offset)
        assert parse("next tuesday", now)[0].start.strftime("%m-%d") == "12-08"
        assert parse("tuesday", now)[0].start.strftime("%m-%d") == plain


def test_long_and_odd_inputs_do_not_break():
    text = "tuesday or wednesday afternoon " * 200
    assert parse(text, NOW)
    assert parse("!!!???,,,---///", NOW) == []
    assert parse("between and", NOW) == []
    assert parse("after", NOW) == []
    assert parse("the week of", NOW) == []


WORDS = ("today tomorrow tonight next this week weekend after before between and or to from at 3 10 3pm 10:30 noon "
         "morning mornings monday tue fri sun dec 3rd 12/3 early late end of the month in 2 days not except but "
         "asap mañana por la tarde el lunes próximo semana que viene de las despues - / , born last until every").split()


@pytest.mark.parametrize("now_iso", [TEST_NOW, "2026-12-31T23:30:00-08:00", "2027-03-14T01:30:00-08:00"])
def test_every_pair_of_words_parses_to_valid_windows(now_iso):
    now = datetime.fromisoformat(now_iso)
    for a in WORDS:
        for b in WORDS:
            windows = parse(f"{a} {b}", now)
            for w in windows:
                assert now <= w.start < w.end, (a, b)
            for x, y in zip(windows, windows[1:]):
                assert x.end < y.start, (a, b)


def test_a_weekday_said_on_that_day_after_clinic_hours_is_next_weeks():
    evening = datetime.fromisoformat("2026-11-30T20:30:00-08:00")  # a Monday
    assert iso(parse("monday", evening)) == [("2026-12-07T00:00:00-08:00", "2026-12-08T00:00:00-08:00")]
    assert iso(parse("this monday", evening))[0][0] == "2026-12-07T00:00:00-08:00"
    assert iso(parse("today", evening)) == [("2026-11-30T20:30:00-08:00", "2026-12-01T00:00:00-08:00")]
    afternoon = datetime.fromisoformat("2026-11-30T15:00:00-08:00")
    assert iso(parse("monday", afternoon)) == [("2026-11-30T15:00:00-08:00", "2026-12-01T00:00:00-08:00")]


@pytest.mark.parametrize("text,expected", [
    ("at 9", "12-01 9-10"), ("monday at 9", "12-07 9-10"), ("3pm", "11-30 15-16"), ("at noon", "11-30 12-13"),
    ("today at 9", "11-30 9:30-10"), ("morning", "11-30 9:30-12"),
])
def test_a_clock_time_already_passed_rolls_forward(text, expected):
    from tests.timeprefs.timeprefs_render import check

    got, want = check(text, expected, "2026-11-30T09:30:00-08:00", TEST_TZ)
    assert got == want


@pytest.mark.parametrize("now_iso,text,expected", [
    ("2026-12-04T10:00:00-08:00", "the week after thanksgiving", "12-04 10..12-07 0"),
    ("2026-12-04T10:00:00-08:00", "the week of thanksgiving", "2027-11-22..2027-11-28"),
    ("2026-12-07T10:00:00-08:00", "the week after thanksgiving", "2027-11-29..2027-12-05"),
    ("2026-11-20T10:00:00-08:00", "the week after thanksgiving", "11-30..12-06"),
    ("2026-11-20T10:00:00-08:00", "thanksgiving", "11-26"),
])
def test_holiday_weeks_use_this_years_holiday_until_the_week_is_over(now_iso, text, expected):
    from tests.timeprefs.timeprefs_render import check

    got, want = check(text, expected, now_iso, TEST_TZ)
    assert got == want
