"""Time preferences while booking: what the patient's words mean as windows of time, relative to what
is on offer. Parses a preference into [start, end] ISO windows (parse_windows), keeps a bare clock time
or part of day on the days asked or offered before (windows_near, offered_days, on_days_of), reads
"something later" / "anything earlier" against the options offered (shift_windows) and moves said
relative to the appointment being moved ("push it back a week", "an hour later": says_relative,
relative_move; past closing, the next open day: past_the_day), and tells why the times offered are
not those asked for (closed_on_all, hours_note).
Pure functions of the text, the tracker's slots, "now" and clinic.json: no FHIR calls, no messages."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from rasa_sdk import Tracker

from actions.common import clinic, clinic_zone, now, tz_name

log = logging.getLogger("schedbot.actions.offer_times")

# "something later" / "anything earlier" than the options offered
LATER = re.compile(r"\b(later|after that|after those|afterwards|later on|anything after|something after|más tarde|mas tarde)\b", re.I)
EARLIER = re.compile(r"\b(earlier|sooner|before that|before those|anything before|something before|más temprano|mas temprano)\b", re.I)
SOONER = re.compile(r"\b(sooner|earlier (day|date)s?|an? earlier (day|date)|before (then|that day))\b", re.I)
# "good morning!": a greeting, not a time
GREETING = re.compile(r"\b(good|gud|g'?)\s*(morning|mornin|afternoon|evening|day|night)\b|\bhave a (nice|good|great) (day|one|morning|afternoon|evening)\b", re.I)


def parse_windows(text: str) -> list[list[str]]:
    """The patient's time preference as [start, end] ISO windows in the clinic's zone ([] when none)."""
    from actions.timeprefs import parse

    text = GREETING.sub(" ", text or "")  # "good morning! could I come wednesday afternoon": not a morning
    try:
        windows = parse(text, now(), tz_name())
    except Exception:  # noqa: BLE001 - an unparsable preference is "nothing understood"
        log.warning("event=timeprefs_error")
        windows = []
    return [[w.start.isoformat(), w.end.isoformat()] for w in windows]


# a message that names a day: a clock time or part of day without one stays on the days asked for before
_DAY_WORDS = re.compile(r"\b(today|tonight|tomorrow|tmrw|tmr|mon|tue|wed|thu|fri|sat|sun|week|month|weekend|next|this|"
                        r"jan|feb|mar|apr|may\b|jun|jul|aug|sep|oct|nov|dec|\d{1,2}/\d{1,2}|\d+(st|nd|rd|th))", re.I)  # ("maybe": no)


# a weekday said alone ("thursday", "on fri"), not "this thursday", "next fri" or a date
_BARE_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.I)
_WEEK_SAID = re.compile(r"\b(this|next|coming|following|week|wk|today|tomorrow|tmrw)\b|\d{1,2}/\d{1,2}|\b\d{1,2}(st|nd|rd|th)\b|"
                        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d", re.I)


def in_its_week(text: str, windows: list, start: str | None) -> list:
    """A move of a later appointment to a weekday said alone ("move my tuesday appt to thursday", with
    Tuesday next week; "friday of the same week"): that weekday in the appointment's own week, not the
    nearest one. ``windows`` (the parser's reading of ``text``) as they are otherwise."""
    same_week = re.search(r"\b(same|that) week\b", text or "", re.I)  # "friday of the same week"
    if not start or (_WEEK_SAID.search(text or "") and not same_week):
        return windows
    return in_week_of(text, windows, datetime.fromisoformat(start))


def in_week_of(text: str, windows: list, day: datetime) -> list:
    """The weekdays ``text`` names alone (``windows``, the parser's reading: the nearest ones) moved into
    the week of ``day`` when that week is later; ``windows`` as they are otherwise."""
    if not (windows and _BARE_WEEKDAY.search(text or "")):
        return windows
    old = day.astimezone(clinic_zone())
    its_monday = (old - timedelta(days=old.weekday())).date()
    shifted = []
    for a, b in windows:
        a, b = datetime.fromisoformat(a), datetime.fromisoformat(b)
        weeks = (its_monday - (a.date() - timedelta(days=a.weekday()))).days // 7
        if weeks <= 0:
            return windows  # already in (or after) the appointment's week
        shifted.append([(a + timedelta(weeks=weeks)).isoformat(), (b + timedelta(weeks=weeks)).isoformat()])
    return shifted


# "right after mine", "back to back", "the same afternoon as mine": next to the time booked just before
_NEXT_TO_BOOKED = re.compile(r"\b(right after|back[- ]to[- ]back|straight after|just after|after (mine|me|hers|his|theirs|that one|"
                             r"(my|her|his|their|the other) (appointment|appt|visit|one)))\b", re.I)
_SAME_DAY_AS = re.compile(r"\bsame (day|afternoon|morning)( as (mine|me|hers|his|theirs|that one|the other( one)?))?\b", re.I)


def next_to_booked(text: str, booked_here: list | None) -> list | None:
    """A second visit asked for next to the one booked just before in this conversation ("right after
    mine": from its end, that day; "the same day as mine": that day), else None."""
    if not booked_here or not (_NEXT_TO_BOOKED.search(text or "") or _SAME_DAY_AS.search(text or "")):
        return None
    start, end = (datetime.fromisoformat(x).astimezone(clinic_zone()) for x in booked_here[-1])
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if _NEXT_TO_BOOKED.search(text):
        return [[end.isoformat(), (end + timedelta(hours=2)).isoformat()], [end.isoformat(), (day + timedelta(days=1)).isoformat()]]
    same = _SAME_DAY_AS.search(text)
    part = same.group(1).lower() if same.group(1).lower() in ("morning", "afternoon") else None
    hours = parse_windows(part or _SAME_DAY_AS.sub(" ", text))  # "same day, in the afternoon": that part of it
    a, b = (datetime.fromisoformat(x) for x in hours[0]) if len(hours) == 1 else (None, None)
    if a and b - a < timedelta(days=1) and a.date() == b.date():
        return [[day.replace(hour=a.hour, minute=a.minute).isoformat(), day.replace(hour=b.hour, minute=b.minute).isoformat()]]
    return [[day.isoformat(), (day + timedelta(days=1)).isoformat()]]


def held_index(options: list, held: dict | None) -> int | None:
    """1-based place of the held time among the options (a server may hold a proposal under a new id:
    its text tells), or None."""
    return next((i for i, o in enumerate(options or [], 1)
                 if held and (o.get("id") == held.get("id") or o.get("text") == held.get("text"))), None)


def held_start(tracker: Tracker) -> str | None:
    """When the time being held starts (from the option it was), or None."""
    options = tracker.get_slot("options") or []
    i = held_index(options, tracker.get_slot("held"))
    return options[i - 1].get("start") if i else None


def windows_near(text: str, tracker: Tracker) -> list:
    """A new time preference given while choosing. A clock time or part of day alone ("anything at
    2?", "afternoon instead") stays on the days the patient asked for before. During a move, a time said
    relative to the appointment being moved ("friday, same time-ish") is taken from it."""
    moving = tracker.get_slot("old_appt") or {}
    relative = relative_move(text, moving.get("start")) if moving.get("start") else next_to_booked(text, tracker.get_slot("booked_here"))
    if not relative and not moving.get("start"):
        # at the yes: "could I do Friday that week instead, same time?" is said from the time held
        relative = relative_move(text, held_start(tracker))
    if relative:
        return relative
    parsed = parse_windows(text)
    asked = tracker.get_slot("windows") or []
    if asked and _WEEK_AFTER.search(text or ""):  # "what about the following week?": after the week asked for
        return _the_week_after(text, datetime.fromisoformat(asked[0][0]))
    # "the tuesday at 10:15" after "the following week": that week's Tuesday (else the moved appointment's week's)
    windows = in_week_of(text, parsed, datetime.fromisoformat(asked[0][0])) if asked and not _WEEK_SAID.search(text or "") else parsed
    if windows == parsed:
        windows = in_its_week(text, parsed, moving.get("start"))
    if windows and LATEST.search(text or ""):  # "what's the latest you have on friday?"
        return late_in_the_day(windows, always=True) or windows
    if windows and not _DAY_WORDS.search(text or ""):
        before = offered_days(tracker) or tracker.get_slot("windows")
        if before:  # on the days asked for before (or offered instead, when those had nothing)
            return on_days_of(windows, before) or windows
        when = tracker.get_slot("when_text")
        if when and when != "any":
            return parse_windows(f"{when} {text}") or windows
    return windows


def _the_week_after(text: str, day: datetime) -> list:
    """ "the following week (on a tuesday, mornings)": the week after ``day``'s, its weekdays and part of
    day as said."""
    day = day.astimezone(clinic_zone())
    monday = (day - timedelta(days=day.weekday())).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(weeks=1)
    rest = parse_windows(_WEEK_AFTER.sub(" ", text))
    week = [[monday.isoformat(), (monday + timedelta(days=5)).isoformat()]]
    if rest and _BARE_WEEKDAY.search(text):
        return in_week_of(text, rest, monday)
    part = rest[:1] if rest and datetime.fromisoformat(rest[0][1]) - datetime.fromisoformat(rest[0][0]) < timedelta(days=1) else []
    return (on_days_of(part, week) if part else []) or week  # ("mornings": each morning of that week)


def offered_days(tracker: Tracker) -> list:
    """The whole days of the options on offer, when none of them is on the days asked for (the
    nearest openings were offered instead): "the morning instead" then means those days."""
    starts = [datetime.fromisoformat(o["start"]) for o in tracker.get_slot("options") or [] if o.get("start")]
    asked = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in tracker.get_slot("windows") or []]
    if not starts or not asked or any(a <= s < b for s in starts for a, b in asked):
        return []
    zone = clinic_zone()  # an offered time's day is the clinic's day
    days = sorted({s.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0) for s in starts})
    return [[d.isoformat(), (d + timedelta(days=1)).isoformat()] for d in days]


def days_in(windows: list | None, limit: int = 14) -> list:
    """The calendar days the windows touch, in order (at most ``limit``)."""
    days = []
    for a, b in ((datetime.fromisoformat(x), datetime.fromisoformat(y)) for x, y in windows or []):
        d = a
        while d < b and len(days) < limit:
            if d.date() not in days:
                days.append(d.date())
            d = (d + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return days


def closed_on_all(windows: list | None) -> bool:
    """Whether every day of the time asked for is a day the clinic is closed (clinic.json hours)."""
    hours = clinic().get("hours") or {}
    days = days_in(windows)
    return bool(hours and days) and all(not hours.get(d.strftime("%a").lower()) for d in days)


def open_hours(day: datetime) -> tuple[datetime, datetime] | None:
    """When the clinic opens and closes on ``day`` (clinic.json hours, the clinic's zone); None when closed."""
    day = day.astimezone(clinic_zone())
    hours = (clinic().get("hours") or {}).get(day.strftime("%a").lower())
    if not hours:
        return None

    def at(hhmm: str) -> datetime:
        h, m = (int(x) for x in hhmm.split(":"))
        return day.replace(hour=h, minute=m, second=0, microsecond=0)

    return at(hours[0]), at(hours[1])


def outside_hours(start: datetime, end: datetime) -> str | None:
    """ "before" / "after" when [start, end] lies wholly before opening / after closing on an open day."""
    hours = open_hours(start)
    if not hours or end - start > timedelta(hours=12):
        return None  # (a closed day, or a whole day: not a time of day)
    opens, closes = hours
    if end <= opens:
        return "before"
    if start.astimezone(clinic_zone()) >= closes:
        return "after"
    return None


def next_open_day(day: datetime, step: int) -> tuple[datetime, datetime] | None:
    """The opening hours of the nearest open day after (step 1) or before (step -1) ``day``, within a week."""
    for n in range(1, 8):
        hours = open_hours(day + timedelta(days=step * n))
        if hours:
            return hours
    return None


# "what's the latest you have on friday", "as late as possible": the end of that day
LATEST = re.compile(r"\b(latest|last (appointment|appt|slot|time|opening)|as late as (possible|you can|you have|you go))\b", re.I)


def late_in_the_day(windows: list | None, always: bool = False) -> list | None:
    """The last 90 minutes before closing on the days of ``windows`` that lie wholly after closing ("an
    evening appointment", "after 6"), or on every day of them when ``always`` ("the latest on friday");
    None when there are none (a booking then offers the nearest openings, as before)."""
    out = []
    for a, b in ((datetime.fromisoformat(x), datetime.fromisoformat(y)) for x, y in windows or []):
        for day in days_in([[a.isoformat(), b.isoformat()]], 7):
            hours = open_hours(datetime.combine(day, datetime.min.time(), a.tzinfo))
            if hours and (always or outside_hours(a, b) == "after") and hours[1] > now():
                out.append([max(hours[1] - timedelta(minutes=90), now()).isoformat(), hours[1].isoformat()])
    return out or None


def past_the_day(target: datetime, near: datetime) -> list[list[str]] | None:
    """Where to look when the time moved, [target, near], falls wholly outside the clinic's day ("an hour
    later" than a 4:30 PM appointment): after closing, the next open day (earliest first); before opening,
    the last hour of the previous open day, then that day itself, unless that hour is past. None otherwise
    (the same test as hours_note's, so what is said and what is offered agree)."""
    side = outside_hours(target, near)
    if side == "after":
        hours = next_open_day(target, 1)
        if hours:
            start = hours[0].replace(hour=0, minute=0)
            return [[start.isoformat(), (start + timedelta(days=1)).isoformat()]]
    if side == "before":
        hours = next_open_day(target, -1)
        if hours and hours[1] > now():
            day = target.astimezone(clinic_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
            return [[(hours[1] - timedelta(hours=1)).isoformat(), hours[1].isoformat()],
                    [day.isoformat(), (day + timedelta(days=1)).isoformat()]]
    return None


def spoken_clock(t: datetime) -> str:
    """ "8 AM", "5:30 PM"."""
    return f"{t.hour % 12 or 12}{t.strftime(':%M') if t.minute else ''} {'AM' if t.hour < 12 else 'PM'}"


def hours_note(windows: list | None) -> str | None:
    """Why the times offered are not the time asked for, when that time (the first window: for a move,
    the old time moved) lies wholly before opening or after closing on an open day ("an hour earlier"
    than an 8 AM appointment); None otherwise (closed days are said by closed_on_all)."""
    if not windows:
        return None
    start, end = (datetime.fromisoformat(x).astimezone(clinic_zone()) for x in windows[0])
    side = outside_hours(start, end)
    if side == "before":
        return f"We open at {spoken_clock(open_hours(start)[0])}, so that's as early as it goes that day. The nearest:"
    if side == "after":
        return f"We close at {spoken_clock(open_hours(start)[1])}, so that's as late as it goes that day. Here's what I have:"
    return None


def on_days_of(new: list, previous: list) -> list:
    """A time of day alone ("in the afternoon"), put on the days asked for before."""
    spans = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in new]
    if any((b - a) > timedelta(days=1) for a, b in spans):
        return []
    if len({a.date() for a, _ in spans}) != 1:
        if len({(a.time(), b.time()) for a, b in spans}) != 1:
            return []
        spans = spans[:1]  # "any time in the afternoon": the same hours every day, so those hours
    out = []
    for day in days_in(previous):
        for a, b in spans:
            shift = timedelta(days=(day - a.date()).days)
            out.append([(a + shift).isoformat(), (b + shift).isoformat()])
    return out


# "anything later in the day?" (asked of a morning's times: not the next quarter hour)
_LATER_IN_THE_DAY = re.compile(r"\blater\s+(?:in|on)\s+(?:the|that)\s+day\b", re.I)
_WEEKDAY_SAID = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)", re.I)


def shift_windows(text: str, options: list, windows: list | None) -> list | None:
    """ "something later" / "anything earlier": times after the last (or before the first) option
    offered, on that day first; None when the message asks for neither."""
    later, earlier = LATER.search(text or ""), EARLIER.search(text or "")
    starts = sorted(datetime.fromisoformat(o["start"]) for o in options if o.get("start"))
    if not (later or earlier) or not starts or (later and earlier):
        return None
    # (a weekday said with it is the options' one, most likely: "anything later on monday?")
    said = parse_windows(text) if _DAY_WORDS.search(text or "") and not _WEEKDAY_SAID.search(text or "") else []
    if said and not any(datetime.fromisoformat(a).date() <= starts[0].date() < datetime.fromisoformat(b).date() or
                        datetime.fromisoformat(a).date() == starts[0].date() for a, b in said):
        return None  # "anything earlier? like this week?": the days said, not the hours before the options'
    if later:
        after = starts[-1] + timedelta(minutes=1)
        if _LATER_IN_THE_DAY.search(text or "") and after.hour < 12:  # after a morning's times: the afternoon
            after = after.replace(hour=12, minute=0)
        end_of_day = after.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        out = [(after, end_of_day), (end_of_day, after + timedelta(days=14))]
    else:
        before = starts[0]
        start_of_day = before.replace(hour=0, minute=0, second=0, microsecond=0)
        out = [(max(start_of_day, now()), before)]
        if out[0][1] <= out[0][0] or before.hour < 9 or SOONER.search(text or ""):  # ("anything sooner": an earlier day)
            out = [(now(), before)]
        if out[0][1] <= out[0][0]:
            return None
    return [[s.isoformat(), e.isoformat()] for s, e in out]



_AMOUNT = r"(?P<n>an?|one|1|two|2|three|3|four|4|a couple of|couple|half an?|15|30|45)\s*(?P<unit>min(?:ute)?s?|hours?|hrs?|days?|weeks?|wks?)"
_LATER_WORDS = r"later|after|back|out"
_EARLIER_WORDS = r"earlier|sooner|before|up|forward|ahead"
# "push it back a week", "bump it 2 days", "move it up a day", "bring it forward an hour"
_RELATIVE_VERB = re.compile(rf"\b(?P<verb>push|bump|move|shift|set|put|bring|postpone|delay)\b[\w\s']{{0,40}}?\b(?P<dir1>back|out|forward|up|ahead)?\s*"
                            rf"(?:by\s+)?{_AMOUNT}\b(?:\s+(?P<dir2>{_LATER_WORDS}|{_EARLIER_WORDS})\b)?", re.I)
# "a week later", "an hour earlier", "2 days after"
_RELATIVE_BARE = re.compile(rf"\b{_AMOUNT}\s+(?P<dir2>{_LATER_WORDS}|{_EARLIER_WORDS})\b", re.I)
# "same time next week", "same time on friday", "next week same time", "friday, around the same time",
# "same time-ish", "same-ish time"
_SAME = r"(?:(?:at|around|about|roughly|near)\s+)?(?:the\s+)?(?:same[- ]?ish\s+time|same\s+time(?:[- ]?ish)?)"
_SAME_THEN_DAY = re.compile(rf"\b{_SAME}\b(?P<rest>.{{0,30}})", re.I)
_DAY_THEN_SAME = re.compile(rf"\b(?P<rest>(?:next|the following|following) week|tomorrow|tmrw|"
                            rf"(?:next |this |on )?(?:mon|tue|wed|thu|fri)\w*)[,\s]+{_SAME}", re.I)
_WEEK_AFTER = re.compile(r"\b(?:the )?(?:following week|week after)\b", re.I)
# "a bit later", "a little earlier": half an hour; "later that day", "earlier in the day": an hour
_A_BIT = re.compile(r"\b(?:a (?:little )?bit|a little|slightly)\s+(?P<dir>later|earlier)\b", re.I)
_SAME_DAY = re.compile(r"\b(?P<dir>later|earlier)\s+(?:that|the same|in the|on the same)\s+day\b", re.I)
# "later that week", "earlier in the week": the other days of the appointment's own week
_SAME_WEEK = re.compile(r"\b(?:that|the same) week\b", re.I)
_THAT_WEEK = re.compile(r"\b(?P<dir>later|earlier)\s+(?:that|in the|in that|the same)\s+week\b", re.I)
_COUNTS = {"a": 1, "an": 1, "one": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "a couple of": 2, "couple": 2,
           "half a": 0.5, "half an": 0.5, "15": 15, "30": 30, "45": 45}


# "the following friday" (when moving): the first friday after the appointment
# ("the monday after", "the friday after that": not "monday after 3")
_FOLLOWING_DAY = re.compile(r"\b(?:the\s+)?(?:following\s+(?P<day>mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|"
                            r"(?P<day2>mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+after(?:\s+(?:that|it|this|mine|my appointment))?(?=\s*(?:[,.?!]|$)))", re.I)
# "come in earlier on wednesday", "later on that day" (moving): the appointment's own day
_EARLIER_ON_ITS_DAY = re.compile(r"\b(?:come|get) in (?:a (?:bit|little) )?(?P<dir>earlier|later|sooner)\s+(?:on\s+)?"
                                 r"(?:that day|the same day|(?P<day>mon|tue|wed|thu|fri)[a-z]*)\b", re.I)
_WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAY_NUMBERS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _following_day(text: str, old: datetime) -> list[list[str]] | None:
    """ "the following friday (afternoon)": that weekday after the appointment, in the part of day said
    with it; None without those words."""
    m = _FOLLOWING_DAY.search(text)
    if not m:
        return None
    weekday = (m.group("day") or m.group("day2")).lower()
    day = old.replace(hour=0, minute=0, second=0, microsecond=0)
    day += timedelta(days=(_WEEKDAY_NUMBERS[weekday] - old.weekday()) % 7 or 7)
    out = []
    for a, b in parse_windows(text[:m.start()] + " " + weekday + " " + text[m.end():]):
        a, b = datetime.fromisoformat(a), datetime.fromisoformat(b)
        if a.date() != b.date() and b - a > timedelta(days=1) or a.weekday() != day.weekday():
            continue
        shift = timedelta(days=(day.date() - a.date()).days)
        out.append([max(a + shift, now()).isoformat(), (b + shift).isoformat()])
    return out or [[max(day, now()).isoformat(), (day + timedelta(days=1)).isoformat()]]


def says_relative(text: str) -> bool:
    """Whether the message moves a time relative to the current one ("push it back a week")."""
    return any(p.search(text or "") for p in (_RELATIVE_VERB, _RELATIVE_BARE, _SAME_THEN_DAY, _DAY_THEN_SAME, _WEEK_AFTER,
                                              _A_BIT, _SAME_DAY, _THAT_WEEK, _SAME_WEEK, _FOLLOWING_DAY))


def small_move(text: str) -> timedelta | None:
    """ "a bit later" (+30 min), "earlier that day" (-1 h): a move said without an amount; None otherwise."""
    m = _A_BIT.search(text or "") or _SAME_DAY.search(text or "")
    if not m:
        return None
    delta = timedelta(minutes=30) if m.re is _A_BIT else timedelta(hours=1)
    return -delta if m.group("dir").lower() == "earlier" else delta


def _same_time_as(text: str, old: datetime) -> datetime | None:
    """ "same time next week" / "friday, same time-ish": the old time on the day said (the words after
    "same time" first: "cant do thurs, same time next week" means next week); None without a day."""
    for m in (_SAME_THEN_DAY.search(text), _DAY_THEN_SAME.search(text)):
        rest = m.group("rest") if m else ""
        if re.search(r"\b(next|following)\s+(week|wk)\b|\bweek after\b", rest or "", re.I):
            return old + timedelta(weeks=1)
        days = parse_windows(rest) if rest and rest.strip(" ,.?!") else []
        days = in_its_week(rest, days, old.isoformat()) if days else days  # ("same time on thursday": its week's)
        if days:
            day = datetime.fromisoformat(days[0][0]).astimezone(old.tzinfo)
            return day.replace(hour=old.hour, minute=old.minute, second=0, microsecond=0)
    same = re.search(rf"\b{_SAME}\b", text)
    said = text[:same.start()] + " " + text[same.end():] if same else ""
    days = in_its_week(said, parse_windows(said), old.isoformat()) if same else []  # ("friday that week": its week's)
    if len(days) == 1 and len(days_in(days)) == 1:  # "can it be the 11th instead, same time?": the old time that day
        day = datetime.fromisoformat(days[0][0]).astimezone(old.tzinfo)
        return day.replace(hour=old.hour, minute=old.minute, second=0, microsecond=0)
    return None


def _rest_of_week(text: str, old: datetime) -> list[list[str]] | None:
    """ "an afternoon later that week": the days after the appointment's (before it, for "earlier"), up
    to the end of its week and from now on, in the part of day said with it; None without those words."""
    # ("friday of the same week": that friday, read elsewhere)
    m = _THAT_WEEK.search(text) or (_SAME_WEEK.search(text) if not _WEEKDAY_SAID.search(text) else None)
    if not m:
        return None
    day = old.replace(hour=0, minute=0, second=0, microsecond=0)
    if m.re is _SAME_WEEK:  # "anything in the afternoon that week?": any day of its week ("another day": not its own)
        other = re.search(r"\b(another|a different|other)\s+day\b", text, re.I)
        days = [day + timedelta(days=d - old.weekday()) for d in range(5) if not (other and d == old.weekday())]
    elif m.group("dir").lower() == "later":
        days = [day + timedelta(days=d) for d in range(1, 7 - old.weekday())]
    else:
        days = [day - timedelta(days=d) for d in range(old.weekday(), 0, -1)]
    hours = parse_windows(text[:m.start()] + " " + text[m.end():])
    start, end = (datetime.fromisoformat(hours[0][0]), datetime.fromisoformat(hours[0][1])) if hours else (None, None)
    if not (start and end - start < timedelta(days=1)):
        start = end = None  # no part of day said: the whole days
    out = []
    for d in days:
        lo = d.replace(hour=start.hour, minute=start.minute) if start else d
        hi = d.replace(hour=end.hour, minute=end.minute) if end and end.date() == start.date() else d + timedelta(days=1)
        if hi > now():
            out.append([max(lo, now()).isoformat(), hi.isoformat()])
    return out


_ANY_DAY = re.compile(r"\b(some ?time|any ?time|any ?day|whenever|any of the days|sometime during)\b", re.I)


def _week_after(old: datetime, asked: list, text: str) -> list[list[str]] | None:
    """The weekdays of the week after the appointment's, in the part of day said ("the following week,
    preferably in the morning"), or whole ("sometime the following week"); None when neither is said."""
    spans = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in asked]
    hours = spans[0] if spans and spans[0][1] - spans[0][0] < timedelta(days=1) else None
    if not hours and not _ANY_DAY.search(text):
        return None
    monday = (old - timedelta(days=old.weekday())).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(weeks=1)
    out = []
    for d in (monday + timedelta(days=n) for n in range(5)):
        lo = d.replace(hour=hours[0].hour, minute=hours[0].minute) if hours else d
        hi = d.replace(hour=hours[1].hour, minute=hours[1].minute) if hours and hours[1].date() == hours[0].date() else d + timedelta(days=1)
        if hi > now():
            out.append([max(lo, now()).isoformat(), hi.isoformat()])
    return out or None


def relative_move(text: str, start: datetime | str | None) -> list[list[str]] | None:
    """A new time said relative to the appointment being moved ("push it back a week", "same time
    next week", "an hour later", "move it up a day", "a bit later"): the old time moved (and a little
    after it), then that whole day, or the next open day when it falls after closing (past_the_day);
    None when the message says no such thing."""
    if not text or not start:
        return None
    old = datetime.fromisoformat(start) if isinstance(start, str) else start
    old = old.astimezone(clinic_zone())  # the clinic's wall clock: "same time next week" keeps 10 AM across DST
    week = _rest_of_week(text, old)
    if week is not None:
        return week or None
    following = _following_day(text, old)
    if following is not None:
        return following
    same_day = _EARLIER_ON_ITS_DAY.search(text)
    if same_day and (same_day.group("day") or "").lower()[:3] in ("", _WEEKDAY_NAMES[old.weekday()]):
        # "can I come in earlier on wednesday?" (the appointment is that wednesday): before it (after it), that day
        day = old.replace(hour=0, minute=0, second=0, microsecond=0)
        span = (max(day, now()), old) if same_day.group("dir").lower() in ("earlier", "sooner") else \
            (old + timedelta(minutes=1), day + timedelta(days=1))
        if span[1] > span[0]:
            return [[span[0].isoformat(), span[1].isoformat()]]
    said_day = _SAME_DAY.search(text)
    if said_day:  # "earlier in the day? like around noon?": the time said, on the appointment's day
        said = parse_windows(text[:said_day.start()] + " " + text[said_day.end():])
        if len(said) == 1:
            a, b = (datetime.fromisoformat(x) for x in said[0])
            if b - a <= timedelta(hours=3) and a.date() == b.date():
                day = old.replace(hour=0, minute=0, second=0, microsecond=0)
                at = [day.replace(hour=a.hour, minute=a.minute), day.replace(hour=b.hour, minute=b.minute)]
                if at[1] > now():
                    return [[max(at[0], now()).isoformat(), at[1].isoformat()], [day.isoformat(), (day + timedelta(days=1)).isoformat()]]
    m = _RELATIVE_VERB.search(text) or _RELATIVE_BARE.search(text)
    same = _same_time_as(text, old)
    if m:
        groups = m.groupdict()
        count, unit = _COUNTS.get(groups["n"].lower(), 1), groups["unit"].lower()
        if unit.startswith("min"):
            delta = timedelta(minutes=count if count >= 15 else 30)
        elif unit.startswith("h"):
            delta = timedelta(minutes=60 * count)
        elif unit.startswith("d"):
            delta = timedelta(days=count)
        else:
            delta = timedelta(weeks=count)
        direction = " ".join(x for x in (groups.get("dir1"), groups.get("dir2")) if x).lower()
        earlier = bool(re.search(rf"\b({_EARLIER_WORDS})\b", direction)) or (
            (groups.get("verb") or "").lower() == "bring" and not re.search(rf"\b({_LATER_WORDS})\b", direction))
        target = old - delta if earlier else old + delta
    elif same:
        target = same
    elif _WEEK_AFTER.search(text):
        asked = parse_windows(_WEEK_AFTER.sub(" ", text))
        days = in_week_of(text, asked, old + timedelta(weeks=1))
        if days and days != asked:
            return days  # "the following week, ideally a tuesday or wednesday morning": those, that week
        week = _week_after(old, asked, text)
        if week:
            return week  # "sometime the following week, preferably in the morning": that week's mornings
        target = old + timedelta(weeks=1)
    elif small_move(text):
        target = old + small_move(text)
    else:
        return None
    if target <= now():
        return None
    day_start = target.replace(hour=0, minute=0, second=0, microsecond=0)
    within_day = abs(target - old) < timedelta(days=1)
    near = target + (timedelta(minutes=46) if within_day else timedelta(hours=1))
    # past closing (or before opening): the next (previous) open day rather than that day's other end
    days = (past_the_day(target, near) if within_day else None) or [[day_start.isoformat(), (day_start + timedelta(days=1)).isoformat()]]
    return [[target.isoformat(), near.isoformat()], *days]
