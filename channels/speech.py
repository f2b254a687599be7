"""Turn the assistant's screen text into something a phone voice can read aloud.

URLs, emoji and markdown are dropped; "Tue Dec 1, 9:15 AM" becomes "Tuesday, December 1st at
9:15 AM"; ISO timestamps (which should never reach a patient) are read as dates; buttons become
"Press 1 for …".
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Dict, List

DAYS = {"mon": "Monday", "tue": "Tuesday", "tues": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
        "thur": "Thursday", "thurs": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
MONTHS = {"jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
          "jun": "June", "jul": "July", "aug": "August", "sep": "September", "sept": "September",
          "oct": "October", "nov": "November", "dec": "December"}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
                "to": 2, "too": 2, "for": 4, "won": 1}

_DAY = r"(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)"
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_TIME = r"\d{1,2}(?::\d{2})?\s*[AaPp]\.?[Mm]\.?"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u20E3]")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_ISO_DT = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_ISO_D = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_DATE = re.compile(rf"\b({_DAY})\.?,?\s+({_MON})\.?\s+(\d{{1,2}})\b(?:,?\s+(?:at\s+)?({_TIME}))?")
_MON_DATE = re.compile(rf"\b({_MON})\.?\s+(\d{{1,2}})\b(?!:)(?:,?\s+(?:at\s+)?({_TIME}))?")


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _time(t: str | None) -> str:
    if not t:
        return ""
    m = re.match(r"(\d{1,2})(?::(\d{2}))?\s*([AaPp])", t)
    hour, minute, ampm = m.group(1), m.group(2), m.group(3).upper() + "M"
    return f"{hour} {ampm}" if not minute or minute == "00" else f"{hour}:{minute} {ampm}"


def _spoken_datetime(dt: datetime) -> str:
    text = f"{dt.strftime('%A')}, {dt.strftime('%B')} {ordinal(dt.day)}"
    if (dt.hour, dt.minute) != (0, 0) or "T" in dt.isoformat():
        hour = dt.hour % 12 or 12
        text += " at " + _time(f"{hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}")
    return text


def speakable(text: str) -> str:
    """Screen text -> text for `<Say>`."""
    t = _MD_LINK.sub(r"\1", text or "")
    t = _URL.sub("", t)
    t = _EMOJI.sub("", t)
    t = re.sub(r"`+", "", t)
    t = re.sub(r"(?m)^\s*#+\s*", "", t)
    t = re.sub(r"(?m)^\s*[-*\u2022]\s+", "", t)
    t = re.sub(r"(\*\*|__|\*|(?<!\w)_|_(?!\w))", "", t)

    def iso_dt(m: re.Match) -> str:
        raw = m.group(0).replace("Z", "+00:00")
        try:
            return _spoken_datetime(datetime.fromisoformat(raw))
        except ValueError:
            return ""

    t = _ISO_DT.sub(iso_dt, t)

    def iso_d(m: re.Match) -> str:
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        return f"{d.strftime('%A')}, {d.strftime('%B')} {ordinal(d.day)}, {d.year}"

    t = _ISO_D.sub(iso_d, t)

    def day_date(m: re.Match) -> str:
        out = f"{DAYS[m.group(1).lower()]}, {MONTHS[m.group(2).lower()]} {ordinal(int(m.group(3)))}"
        return out + (f" at {_time(m.group(4))}" if m.group(4) else "")

    t = _DAY_DATE.sub(day_date, t)

    def mon_date(m: re.Match) -> str:
        out = f"{MONTHS[m.group(1).lower()]} {ordinal(int(m.group(2)))}"
        return out + (f" at {_time(m.group(3))}" if m.group(3) else "")

    t = _MON_DATE.sub(mon_date, t)
    t = re.sub(rf"\b({_TIME})", lambda m: _time(m.group(1)), t)
    t = t.replace("&", " and ")
    # one sentence per line
    lines = [ln.strip() for ln in t.splitlines() if ln.strip()]
    lines = [ln if ln[-1] in ".!?:;," else ln + "." for ln in lines]
    t = " ".join(lines)
    t = re.sub(r"\s+([.,!?])", r"\1", t)
    return re.sub(r"\s{2,}", " ", t).strip()


def spoken_menu(text: str) -> str:
    """A text that lists its own options ("1) Tue Dec 1 …", "Reply 1 or 2") made for a phone call:
    "Press 1 for Tue Dec 1 …", "Say 1 or 2"."""
    t = re.sub(r"(?m)^\s*(\d)[.)]\s+", r"Press \1 for ", text or "")
    t = re.sub(r"\bReply\b", "Say", t)
    return re.sub(r"\breply\b", "say", t)


def button_prompt(buttons: List[Dict[str, Any]]) -> str:
    return " ".join(f"Press {i} for {speakable(b.get('title', '')).rstrip('.')}." for i, b in enumerate(buttons, 1))


def spoken_choice(speech: str, buttons: List[Dict[str, Any]]) -> int | None:
    """"two", "option 2", "number two", "the second one" or a button's title -> 1-based index."""
    s = re.sub(r"[^\w ]", "", (speech or "").lower()).strip()
    for i, b in enumerate(buttons, 1):
        if s and s == re.sub(r"[^\w ]", "", str(b.get("title", "")).lower()).strip():
            return i
    fillers = {"option", "number", "press", "the", "please", "choice", "i", "want", "pick", "take", "um", "uh"}
    core = [w for w in s.split() if w not in fillers]
    if len(core) == 2 and core[1] == "one":  # "first one", "second one"
        core = core[:1]
    if len(core) == 1:
        w = core[0]
        n = int(w) if w.isdigit() else NUMBER_WORDS.get(w)
        if n and 1 <= n <= len(buttons):
            return n
    return None
