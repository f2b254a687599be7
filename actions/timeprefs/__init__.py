"""Time preferences: "next tuesday afternoon", "any morning nxt wk except wed", "mañana por la tarde"
-> the windows a patient means, in the clinic's time zone.

`parse(text, now, tz)` returns half-open `Window(start, end)`s (aware, in `tz`), sorted, merged,
clipped so nothing starts before `now`. An empty list means no time preference was said (a bare
option number "3", a birth date "born 4/12/1980", a name, a symptom, "yes").

Our own tokenizer and rules (rules.py, resolve.py) read everything; `dateparser` is only a fallback
for single absolute dates the rules did not read (it costs ~10 ms a call, the rules ~0.1 ms).

Readings (chosen, documented, tested in tests/timeprefs/):
- A day with no time is the whole day, 00:00-24:00 (the caller intersects with clinic slots).
- "today", "tomorrow", "day after tomorrow", "in 3 days"; "tonight" = today 17:00-20:00.
- Weekdays: "tuesday" = the next tuesday on or after today (today only while part of it remains,
  and not after 20:00, the end of the clinic day);
  "this friday" = the friday of this week (Mon-Sun), next week's if this one is over;
  "next tuesday" / "el próximo martes" = the tuesday of NEXT calendar week (Mon-Sun weeks);
  "tuesdays" / "any tuesday" / "los martes" = every tuesday over the next 4 weeks (or in the week/month said).
- Parts of day: morning 08:00-12:00, afternoon 12:00-17:00, evening/night 17:00-20:00,
  lunch 11:30-13:30; early/late morning 8-10/10-12, early/late afternoon 12-15/15-17.
- Clock times: an hour without am/pm is read in clinic hours (1-7 -> pm, 8-11 -> am, 12 -> noon)
  unless a part of day says otherwise ("tonight at 8" -> 20:00). A clock time alone ("3pm",
  "at 9", "at noon") is [t, t+1h); "around 3" is [t-30min, t+1h); "after 3:30" is 15:30-24:00;
  "before 10am" is 00:00-10:00; "between 2 and 4" is 14:00-16:00.
- A time with no day is its next occurrence (today if any of it remains, else tomorrow); plural
  ("mornings", "any afternoon") means every day over the next 4 weeks.
- Weeks are Monday-Sunday: "this week" (rest of it), "next week", "in two weeks" (the calendar week
  containing today + 14 days), "week after next", "the week of the 7th", "the week after
  Thanksgiving"; early/mid/late week = Mon-Wed / Tue-Thu / Thu-Sun.
- Month parts: early 1-10, mid 11-20, late/end 21-last; "end of the month" = late this month (next
  month's once over); a month name alone is the whole (next) month.
- Holidays (US): Thanksgiving, Christmas (Eve), New Year (Eve), July 4th, Labor/Memorial/MLK/Presidents day.
- "asap", "earliest", "soonest", "anytime", "whenever", "first available", "lo antes posible" and a
  lone exclusion ("not friday") mean from now over the next 4 weeks (HORIZON_DAYS = 28).
- Unions distribute: "tuesday or wednesday afternoon" = both afternoons; "next tues or thurs" = both
  next week; a week or month said once scopes every weekday ("tues or thurs next week").
- Exclusions ("but monday", "except wed", "not mornings", "fridays don't work", "I work mornings",
  "no puedo los lunes") are subtracted; "can't come until friday" = from friday on.
- Dates: "Dec 3rd", "12/3" (US month/day), "the 3rd", "3 de diciembre", "el 10" (Spanish, 4-31; 1-3 are
  option numbers), ranges "dec 7-11", "monday through wednesday", "between the 7th and the 11th".
  A date without a year that is past rolls to next year, unless the sentence is in the past tense
  ("my last visit was 11/2"). Dates with a past year, or after "born"/"dob"/"birthday", are ignored.
- Past references ("last tuesday", "since monday", "yesterday", "2 weeks ago") give no window.
- On a Sunday, "the weekend" is the coming one ("this weekend" is what is left of today).
- SMS and typos: lexicon.py maps spellings ("tmrw", "2morrow", "nxt wk", "thurs", "b4", "m/w/f") and
  matches other words to weekdays/months/keywords within one edit (two for 8+ letters: "wensday").
- Spanish: "mañana" alone is tomorrow, "la/por la/en la mañana" is morning; "pasado mañana",
  "la semana que viene", "el próximo martes", "después de las 3", "a las 4 de la tarde", "y media".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

DEFAULT_TZ = "America/Los_Angeles"

__all__ = ["Window", "parse", "DEFAULT_TZ"]


@dataclass(frozen=True, order=True)
class Window:
    """A half-open [start, end) interval; both aware datetimes in the clinic's zone."""

    start: datetime
    end: datetime

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def parse(text: str, now: datetime, tz: str = DEFAULT_TZ) -> list[Window]:
    """The windows `text` asks for, relative to `now`, in zone `tz` (see the module docstring)."""
    from actions.timeprefs.resolve import resolve

    if not text or not text.strip():
        return []
    zone = ZoneInfo(tz or DEFAULT_TZ)
    now = (now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)).replace(microsecond=0)
    return [Window(s, e) for s, e in resolve(text, now, zone)]
