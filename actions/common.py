"""Shared helpers for the dialogue actions: the FHIR client, the clinic's facts, "now",
parsing of names / birth dates / phones, and a safe way to speak (<= 320 chars, no ids).

Imported by every action module; no side effects at import time.
"""
from __future__ import annotations

import json
import logging
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("schedbot.actions")

MAX_CHARS = 320
CLINIC_FILE = Path(__file__).resolve().parent.parent / "data" / "clinic" / "clinic.json"
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

DEFAULT_CLINIC = {
    "name": "the clinic",
    "phone": "",
    "timezone": "America/Los_Angeles",
    "hours": {},
    "locations": [],
    "payers": [],
}

_client = None
_clinic: dict | None = None


def tz_name() -> str:
    return os.environ.get("SCHEDBOT_TZ") or clinic().get("timezone") or "America/Los_Angeles"


def now() -> datetime:
    """The clinic's "now" (SCHEDBOT_NOW when set, for tests and demos)."""
    raw = os.environ.get("SCHEDBOT_NOW")
    if raw:
        try:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=ZoneInfo(tz_name()))
            return dt
        except ValueError:
            log.warning("event=bad_now_env")
    return datetime.now(ZoneInfo(tz_name()))


def clinic() -> dict:
    global _clinic
    if _clinic is None:
        try:
            _clinic = {**DEFAULT_CLINIC, **json.loads(CLINIC_FILE.read_text())}
        except (OSError, ValueError):
            log.warning("event=clinic_file_missing")
            _clinic = dict(DEFAULT_CLINIC)
    return _clinic


def client():
    """One pooled Argonaut client for the action server's event loop."""
    global _client
    from actions.fhir import ArgonautClient

    if _client is None or getattr(_client, "closed", False):
        _client = ArgonautClient()
    return _client


def clip(text: str) -> str:
    """Patient-facing text: never an ISO timestamp or "None", never longer than an SMS-pair."""
    text = _ISO_RE.sub("that time", text or "")
    text = re.sub(r"\bNone\b", "", text).strip()
    if len(text) > MAX_CHARS:
        cut = text[: MAX_CHARS - 1]
        cut = cut[: cut.rfind("\n")] if "\n" in cut[200:] else cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;") + "…"
    return text


def say(dispatcher, text: str, buttons: list[dict] | None = None) -> None:
    if buttons:
        dispatcher.utter_message(text=clip(text), buttons=buttons)
    else:
        dispatcher.utter_message(text=clip(text))


def latest_intent(tracker) -> str | None:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def latest_text(tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


# -- names, birth dates, phones, emails ------------------------------------------------------

_NAME_PREFIX = re.compile(
    r"^(hi|hello|hey)?[,.!\s]*(my name is|my name's|name is|name's|i am|i'm|im|it's|its|this is|me llamo|soy)\s+",
    re.I,
)
_DATE_IN_TEXT = re.compile(
    r"(\d{1,4}[/\-.]\d{1,2}[/\-.]\d{2,4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{2,4}|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?\s+\d{2,4})",
    re.I,
)


def split_name(text: str) -> tuple[str, str] | None:
    """ "my name is Jane Q. Smith" -> ("Jane", "Smith"); None when it doesn't look like a name."""
    t = _NAME_PREFIX.sub("", (text or "").strip())
    t = _DATE_IN_TEXT.sub(" ", t)
    t = re.sub(r"\b(born|dob|birthday|and|my|is)\b", " ", t, flags=re.I)
    t = re.sub(r"(first name|last name)", " ", t, flags=re.I)
    words = [w.strip(".,;:!") for w in t.split()]
    words = [w for w in words if w and re.fullmatch(r"[A-Za-zÀ-ÿ'\-]+", w)]
    if len(words) < 2 or len(words) > 5:
        return None
    if re.search(r"\b(appointments?|appts?|book|cancel|reschedule|doctor|agent|person|human|insurance|hours|open|address)\b", t, re.I):
        return None
    given, family = words[0], words[-1]
    return given[:1].upper() + given[1:], family[:1].upper() + family[1:]


def clean_name(text: str) -> str | None:
    """The whole name as given ("Mohammed Al Sayed"), or None when it doesn't look like one."""
    if not split_name(text):
        return None
    t = _NAME_PREFIX.sub("", (text or "").strip())
    t = _DATE_IN_TEXT.sub(" ", t)
    t = re.sub(r"\b(born|dob|birthday|and|my|is)\b", " ", t, flags=re.I)
    t = re.sub(r"(first name|last name)", " ", t, flags=re.I)
    words = [w.strip(".,;:!") for w in t.split()]
    words = [w[:1].upper() + w[1:] for w in words if w and re.fullmatch(r"[A-Za-zÀ-ÿ'\-]+", w)]
    return " ".join(words)


def date_in_text(text: str) -> str | None:
    m = _DATE_IN_TEXT.search(text or "")
    return m.group(0) if m else None


def parse_dob(text: str) -> date | None:
    """A birth date in the past, from 03/14/1985, 3-14-85, 1985-03-14, March 14 1985 ..."""
    t = (text or "").strip().lower()
    t = re.sub(r"^(my )?(dob|date of birth|birthday|born)( is)?[:\s]*", "", t)
    t = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", t)
    today = now().date()
    m = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", t)
    candidates = []
    if m:
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    m = re.search(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", t)
    if m and not candidates:
        y = int(m.group(3))
        if y < 100:
            y += 1900 if y > today.year % 100 else 2000
        candidates.append((y, int(m.group(1)), int(m.group(2))))
    if not candidates:
        try:
            import dateparser

            dt = dateparser.parse(
                t, languages=["en", "es"],
                settings={"DATE_ORDER": "MDY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]},
            )
        except Exception:  # noqa: BLE001 - unparsable is just "not a date"
            dt = None
        if dt:
            candidates.append((dt.year, dt.month, dt.day))
    for y, mo, d in candidates:
        try:
            value = date(y, mo, d)
        except ValueError:
            continue
        if date(1900, 1, 1) <= value < today:
            return value
    return None


def parse_phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def parse_email(text: str) -> str | None:
    m = re.search(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+", text or "")
    return m.group(0) if m else None


def sender_phone(tracker) -> str | None:
    """The phone number of an SMS sender (metadata or sender id), used only to narrow a search."""
    meta = (tracker.latest_message or {}).get("metadata") or {}
    for key in ("phone", "from", "From", "sender_phone"):
        if isinstance(meta, dict) and meta.get(key):
            p = parse_phone(str(meta[key]))
            if p:
                return p
    sid = tracker.sender_id or ""
    if re.fullmatch(r"\+?1?\d{10}", sid):
        return parse_phone(sid)
    return None


def patient_phones(patient: Any) -> set[str]:
    out = set()
    for t in getattr(patient, "telecom", None) or []:
        if getattr(t, "system", None) == "phone" and getattr(t, "value", None):
            p = parse_phone(t.value)
            if p:
                out.add(p)
    return out


# -- talking about appointments ----------------------------------------------------------------

async def describe(appts: list, relative: bool = False) -> list[str]:
    """Patient-facing descriptions ("Tue Dec 1, 9:15 AM with Dr. Boyce at ...") for appointments."""
    from actions import formatting

    try:
        names = await formatting.display_names(client(), appts)
    except Exception:  # noqa: BLE001 - names are a nicety
        names = {}
    out = []
    for a in appts:
        try:
            out.append(formatting.describe_appointment(a, names, tz_name(), now()))
        except Exception:  # noqa: BLE001
            out.append(formatting.when_text(a.start, tz_name()) if getattr(a, "start", None) else "an appointment")
    return out


def option_buttons(n: int) -> list[dict]:
    return [{"title": str(i), "payload": f'/choose_option{{"option":"{i}"}}'} for i in range(1, n + 1)]


_ORDINALS = {
    "first": 1, "1st": 1, "primero": 1, "primera": 1,
    "second": 2, "2nd": 2, "segundo": 2, "segunda": 2,
    "third": 3, "3rd": 3, "tercero": 3, "tercera": 3,
}
_NUMBER_WORDS = {"one": 1, "uno": 1, "two": 2, "dos": 2, "three": 3, "tres": 3}


def parse_choice(text: str, n: int) -> int | None:
    """1-based choice from "2", "#2", "option 2", "the second one", "last"."""
    t = (text or "").lower()
    m = re.fullmatch(r"\D{0,20}?(\d)\D{0,20}", t)
    if m and 1 <= int(m.group(1)) <= n:
        return int(m.group(1))
    for word, i in _ORDINALS.items():
        if re.search(rf"\b{word}\b", t) and i <= n:
            return i
    words = re.findall(r"[a-z0-9]+", t)
    if len(words) <= 3:
        for w in words:
            if w in _NUMBER_WORDS and _NUMBER_WORDS[w] <= n:
                return _NUMBER_WORDS[w]
    if re.search(r"\blast\b", t) and n:
        return n
    return None


YES = re.compile(r"^\s*(y|ya|yes+|yep|yup|yeah|yea|sure|ok|okay|k|correct|confirm|book it|do it|go ahead|sounds good|perfect|please do|s[ií]|claro|absolutely|right)\b", re.I)
NO = re.compile(r"^\s*(n|no+|nope|nah|don'?t|do not|negative|not)\b", re.I)


def yes_no(tracker) -> bool | None:
    intent = latest_intent(tracker)
    text = latest_text(tracker)
    if NO.search(text) or intent == "deny":
        return False
    if YES.search(text) or intent == "affirm":
        return True
    return None
