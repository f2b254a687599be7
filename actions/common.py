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

# the phone slot of a patient registered without one ("I don't have a phone right now")
NO_PHONE = "none"

_client = None
_clinic: dict | None = None


def tz_name() -> str:
    return os.environ.get("SCHEDBOT_TZ") or clinic().get("timezone") or "America/Los_Angeles"


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone: a time's day and clock are the clinic's, whatever offset it was given in."""
    return ZoneInfo(tz_name())


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


def user_texts(tracker) -> list[str]:
    """What the patient has said in this conversation, message by message, the latest last."""
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]


def last_bot_texts(tracker) -> list[str]:
    """What the bot said in reply to the patient's previous message."""
    said: list[str] = []
    users = 0
    for e in reversed(tracker.events):
        if e.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif e.get("event") == "bot" and users == 1:
            said.append(e.get("text") or "")
    return said


def slot_before_message(tracker, name: str):
    """A slot's value as it was when the patient's latest message came in (later events not counted)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    value = None
    for e in events[:last_user]:
        if e.get("event") == "slot" and e.get("name") == name:
            value = e.get("value")
        elif e.get("event") in ("restart", "session_started"):
            value = None
    return value


def latest_text(tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


# -- names, birth dates, phones, emails ------------------------------------------------------

_NAME_PREFIX = re.compile(
    r"^(hi|hello|hey|sure|ok|okay|yes|yeah|yep|of course|certainly|absolutely)?[,.!\s]*((?:(?:my|his|her|their|the (?:child|kid|baby|patient)'?s|(?:my|our) [a-z]+'?s)\s+)?(?:full\s+)?"
    r"name(?:\s+is|'s|:)|i am|i'm|im|it's|its|this is|she is|she's|he is|he's|the patient is|patient:|me llamo|soy|se llama)\s+",
    re.I,
)
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_ORDINAL_RE = (r"(?:(?:twenty|thirty)[\s\-]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|"
               r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth")
_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_RE})"
# a year: 4 digits, or 2 ("'85") that are not a clock time ("march 3 10am")
_YEAR = r"(?:\d{4}|'?\d{2}(?![\d:])(?!\s*(?:am|pm|a\.m|p\.m|a\b|p\b|o'?clock)))"
_DATE_IN_TEXT = re.compile(
    r"(\d{1,4}[/\-.]\d{1,2}[/\-.]\d{2,4}"
    rf"|\b{_MON}\s+(?:the\s+)?{_DAY},?\s+(?:of\s+|in\s+)?{_YEAR}"
    rf"|\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR}"
    rf"|\b\d{{1,2}}-{_MON}-{_YEAR}"
    rf"|\b\d{{4}},?\s+{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?\b)",
    re.I,
)


_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNIT_RE, _TEEN_RE, _TENS_RE = "|".join(_UNITS), "|".join(_TEENS), "|".join(_TENS)
# "nineteen eighty five", "nineteen oh five", "two thousand and three", "twenty ten": a year said aloud
_YEAR_WORDS = re.compile(rf"\b(?:(?P<century>nineteen|twenty)[\s\-]+(?:(?P<tens>{_TENS_RE})(?:[\s\-]+(?P<unit>{_UNIT_RE}))?|"
                         rf"(?P<teen>{_TEEN_RE})|(?:oh|o)[\s\-]+(?P<ounit>{_UNIT_RE}))|two thousand(?:\s+and)?(?:[\s\-]+"
                         rf"(?:(?P<mteen>{_TEEN_RE})|(?P<munit>{_UNIT_RE})|(?P<mtens>{_TENS_RE})(?:[\s\-]+(?P<mtunit>{_UNIT_RE}))?))?)\b", re.I)


def _year_words_to_digits(text: str) -> str:
    """ "march third nineteen eighty five" -> "march third 1985" (a birth date said aloud)."""
    def repl(m):
        g = {k: (v or "").lower() for k, v in m.groupdict().items()}
        if g["century"]:
            rest = (_TENS.get(g["tens"], 0) + _UNITS.get(g["unit"], 0) if g["tens"] else
                    _TEENS[g["teen"]] if g["teen"] else _UNITS[g["ounit"]])
            return str((19 if g["century"] == "nineteen" else 20) * 100 + rest)
        rest = (_TEENS[g["mteen"]] if g["mteen"] else _UNITS[g["munit"]] if g["munit"] else
                _TENS.get(g["mtens"], 0) + _UNITS.get(g["mtunit"], 0))
        return str(2000 + rest)
    return _YEAR_WORDS.sub(repl, text)


def _ordinals_to_digits(text: str) -> str:
    """ "march third" -> "march 3", "twenty-first" -> "21" (birth dates in words)."""
    def repl(m):
        words = re.split(r"[\s\-]+", m.group(0).lower())
        tens = {"twenty": 20, "thirty": 30}.get(words[0], 0) if len(words) > 1 else 0
        return str(tens + _ORDINAL_WORDS[words[-1]])
    return re.sub(rf"\b(?:{_ORDINAL_RE})\b", repl, text, flags=re.I)


_CLAUSE_AFTER_NAME = re.compile(
    r"[,;]?\s+(?:and\s+)?(?:(?:he|she|they)\s*(?:'s|'re|is|are|was|were|has|turned|will)\b|(?:his|her|their)\s+(?:birthday|dob|date|bday|birth)\b"
    r"|(?:my\s+)?(?:date\s+of\s+birth|birth\s*date)\b|i\s+was\s+born\b).*$",
    re.I)


# "That's spelled P-A-P-A-D-A-K-I-S", "(spelled with a ph)": how to write it, not more of the name
_SPELLED = re.compile(r"[,.;:(]?\s*(?:(?:that'?s|that is|it'?s|it is|its|last name|first name|surname)\s+)?(?:spelled|spelt|spelling)\b.*$", re.I)


# what a speaker (or a patient typing as they speak) says while thinking: "my name's uh Dorothy Gale"
# how a name is spelled, said with it: "Katherine with a K, McAllister with two Ls"
# ("that's spelled P-A-P-A-D-A-K-I-S" is _SPELLED's)
SPELLING_HINT = re.compile(r"\s+(with|w/|without)\s+(a|an|one|two|double|2|1)\s+[a-z]{1,2}(?:'?s)?\b|\s*\((?:with|w/)[^)]*\)", re.I)
# (not the last word: "Jane Um" is a name)
FILLERS = re.compile(r"(?<![\w'-])(uh+|um+|er+|erm|ah+|hmm+|uhm+)(?![\w'-])(?!\s*[.!?]?\s*$)[,.]?", re.I)


def _unspelled(text: str | None) -> str:
    """The message without spelling hints, and a name's two halves joined ("Katherine, McAllister")."""
    t = SPELLING_HINT.sub("", text or "")
    return re.sub(r"\b([A-Z][a-z'-]+),\s+(?=[A-Z][a-z'-]+\s*[.!]?\s*$)", r"\1 ", t) if t != (text or "") else t


# "thanks! Lila Moreno 8/8/1985", "ok, sure. Lila Moreno": the courtesy before an answer
_PLEASANTRY = re.compile(r"^(?:(?:hi|hello|hey|thanks|thank you|thank u|thx|ty|ok|okay|sure|yes|yeah|yep|great|perfect|of course|"
                         r"certainly|absolutely|no problem|alright|all right)(?:\s+(?:so much|very much|again))?[,.!:;\s]+)+", re.I)


def without_pleasantry(text: str) -> str:
    """The message without the courtesy it starts with ("thanks! Lila Moreno" -> "Lila Moreno")."""
    bare = _PLEASANTRY.sub("", text or "")
    return bare if len(bare.split()) >= 2 else (text or "")


# "Okonkwo, Chidi": the way forms write a name, last name first (not "Katherine with a K, McAllister": _unspelled)
_LAST_FIRST = re.compile(r"^\s*([A-Za-zÀ-ÿ'\-]{2,}(?:\s+[A-Za-zÀ-ÿ'\-]{2,}){0,2})\s*,\s*([A-Za-zÀ-ÿ'\-]{2,})\s*[.!]?\s*$")


def last_name_first(text: str) -> str:
    """ "Okonkwo, Chidi" -> "Chidi Okonkwo"; any other message as it is."""
    m = _LAST_FIRST.match(text or "")
    if not m or any(w.lower() in _NOT_NAME_WORDS for w in f"{m.group(1)} {m.group(2)}".split()):
        return text
    return f"{m.group(2)} {m.group(1)}"


def _name_words(text: str) -> tuple[str, list[str]]:
    """The message without greeting, intro, birth date and what follows the name; and its name-like words."""
    unspelled = _unspelled(text)
    t = last_name_first(unspelled) if unspelled == text else unspelled
    t = _NAME_PREFIX.sub("", without_pleasantry(_SPELLED.sub("", FILLERS.sub(" ", t).strip())))
    t = _CLAUSE_AFTER_NAME.sub("", t)  # "Leo Park, he was born ...": the name only
    t = _DATE_IN_TEXT.sub(" ", t)
    t = re.sub(r"\b(born|dob|birthday|and|my|is)\b", " ", t, flags=re.I)
    t = re.sub(r"(first name|last name)", " ", t, flags=re.I)
    words = [w.strip(".,;:!") for w in t.split()]
    return t, [w for w in words if w and re.fullmatch(r"[A-Za-zÀ-ÿ'\-]+", w)]


# Payers and ways to pay: never a person's name (Kaiser and United are surnames too, so not here).
_NOT_A_NAME = re.compile(r"\b(self[- ]?pay(ing)?|pay (myself|cash)|cash pay|blue (cross|shield)|aetna|cigna|medi-?cal|medicare|medicaid|"
                         r"anthem|health ?net|member id|no insurance)\b", re.I)


def split_name(text: str) -> tuple[str, str] | None:
    """ "my name is Jane Q. Smith" -> ("Jane", "Smith"); None when it doesn't look like a name."""
    t, words = _name_words(text)
    if len(words) < 2 or len(words) > 5:
        return None
    if re.search(r"\b(appointments?|appts?|book|cancel|reschedule|doctor|agent|person|human|insurance|hours|open|address)\b", t, re.I):
        return None
    if _NOT_A_NAME.search(t):  # an answer to a later question given early ("blue shield", "self pay")
        return None
    if sum(w.lower() in _NOT_NAME_WORDS for w in words) >= 2:  # "does wife have anything booked"
        return None
    from actions.care import says_reason

    if says_reason(" ".join(words)):  # "family medicine" when asked for the name: what the visit is for
        return None
    given, family = words[0], words[-1]
    return given[:1].upper() + given[1:], family[:1].upper() + family[1:]


def clean_name(text: str) -> str | None:
    """The whole name as given ("Mohammed Al Sayed"), or None when it doesn't look like one."""
    if not split_name(text):
        return None
    return " ".join(w[:1].upper() + w[1:] for w in _name_words(text)[1])


_NOT_NAME_WORDS = set("""
a an the and or but for to of in on at with by from about as is are was be been am i im i'm me my mine we our you your
he she his her they their it its this that these those here there new patient patients looking trying calling texting
need needs want wanna would like just also still already again hi hello hey yes no not ok okay sure please thanks thank
appointment appointments appt appts book booking schedule scheduling cancel reschedule visit checkup check up doctor dr
born dob birthday birth date today tomorrow tmrw next week morning afternoon evening monday tuesday wednesday thursday
friday saturday sunday asap soon some someone somebody person agent human help going gonna got have has had do does did
can could will should may might must get see call back first last name names because so if then than when where what
who how why which all any one two three sorry oops typo wrong meant mistake actually correction bad oh um uh hmm
wait lol haha yeah yep nope sure thats that's right correct again try retry real
am pm mon tue tues wed weds thu thur thurs fri sat wk wks derm gi peds pt selfpay self pay anything works fine whenever thx pls plz
now feeling better good great later mornings afternoons evenings night nights best prefer preferably ideally early
earlier only around maybe probably
email e-mail mail phone cell mobile number insurance none
medicine dermatology dermatologist gastroenterology gastroenterologist pediatrics pediatric pediatrician physical consult
hola buenos buenas dias tardes nuevo nueva nuevos paciente pacientes cita citas necesito quiero para mi hijo hija esposo esposa
medico médico doctora familiar seguro gracias por favor
""".split())
_INTRO = re.compile(r"(?:\b(?:my name is|my name's|name is|name's|name:|i am|i'm|im|this is|it's|its|me llamo|soy)|"
                    r"(?:^|(?<=[,.;] ))name)\s+(.+)", re.I)  # ("DOB 02/14/1990, name Valentina Russo-Keller")


_NO_VOWEL = re.compile(r"[^aeiouyàáâãäåèéêëìíîïòóôõöùúûüýÿAEIOUYÀ-ÖØ-Ý'\-]{3,}")  # ("zxcv bnm"; "Ng" is a name)


def bare_name(words: list[str]) -> str | None:
    """ "Jane Smith" from 2-3 words that are not everyday words or reasons for a visit, else None."""
    clean = [w.strip(".,;:!?()\"") for w in words]
    if not 2 <= len(clean) <= 3 or any(len(w) < 2 or not re.fullmatch(r"[A-Za-zÀ-ÿ'\-]+", w) or w.lower() in _NOT_NAME_WORDS
                                       or re.search(r"(.)\1\1", w.lower()) or _NO_VOWEL.fullmatch(w) for w in clean):  # ("blorp zzz": no name)
        return None
    from actions.care import says_reason

    if says_reason(" ".join(clean)):
        return None  # "skin rash", "family medicine" (not "Chidi Achebe", though it holds "ache")
    return " ".join(w[:1].upper() + w[1:] for w in clean)


def _is_name_word(w: str) -> bool:
    w = w.strip(".,;:!?()\"")
    return bool(w) and bool(re.fullmatch(r"[A-Za-zÀ-ÿ'\-]+", w)) and w.lower() not in _NOT_NAME_WORDS


_GREETING = re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening))\b[\s,!]*", re.I)
_SIGNED_OFF = re.compile(r"\s+(here|speaking|calling|texting)\s*$", re.I)


_MIDDLE_INITIAL = re.compile(r"\b([A-Z][A-Za-z'\-]+)\s+[A-Z]\.?\s+(?=[A-Z][a-z])")


def name_in_text(text: str, loose: bool = True) -> str | None:
    """A first + last name inside a longer message ("hi im jane smith born 3/4/85 need a checkup"),
    or None. Strict on purpose: 2-3 words that are not everyday words, either after "I'm / my name
    is", or (when the message also gives a birth date) a part of the message of its own, or the
    words right before the birth date."""
    t = _SPELLED.sub("", FILLERS.sub(" ", _unspelled(text)))
    t = _MIDDLE_INITIAL.sub(r"\1 ", t)  # "Jonathan Q. Whitfield": the first and last name
    start = 0
    while m := _INTRO.search(t, start):  # each intro in turn: "I'm new here. My name is Priya Raman"
        words = []
        for w in m.group(1).split():
            if not _is_name_word(w) or (words and re.search(r"[,.;:!?]$", words[-1])):
                break
            words.append(w)
        found = bare_name(words) if len(words) <= 3 else None
        if found:
            return found
        start = m.start(1)
    found_date = date_in_text(t)
    if not found_date:
        return None
    for part in (re.split(r"[,.;:!?\n]", t.replace(found_date, ",")) if loose else []):
        part = re.sub(r"\b(born|dob|birthday|name)\b.*$", "", part, flags=re.I)
        part = _SIGNED_OFF.sub("", _GREETING.sub("", part))  # "hi Priya Natarajan here"
        words = part.split()
        if words and all(_is_name_word(w) for w in words):
            found = bare_name(words)
            if found:
                return found
    before = re.split(r"[,.;:!?\n]", t[: t.find(found_date)])[-1]
    before = _SIGNED_OFF.sub("", re.sub(r"\b(?:(?:and\s+)?(?:i\s+was\s+|my\s+)?)?(born( on)?|dob( is)?|birthday( is)?|date of birth( is)?)\s*$", "", before.strip(), flags=re.I))
    words = before.split()
    run = []
    for w in reversed(words):
        if not _is_name_word(w):
            break
        run.insert(0, w)
    run = run[-3:]  # ("schedule dermatology Florentina Ibsen 9/9/89": what the visit is for, then the name)
    return bare_name(run) or (bare_name(run[-2:]) if len(run) == 3 else None)


def trailing_name(text: str) -> str | None:
    """A name signed at the end of a request, after a comma, a question mark or a dash ("whens my appt,
    jonah whitcombe" / "cancel my appt? cressida vantongeren" / "still on? - dana reyes"), else None.
    (A dash with spaces around it: "Mary-Jane" is one name.)"""
    parts = [x for x in re.split(r"[,;:!?\n]|\.\s|\s[-\u2013\u2014]+\s", text or "") if x.strip()]
    if len(parts) < 2:
        return None
    return bare_name(parts[-1].split())


def dob_in_text(text: str) -> date | None:
    """A birth date inside a longer message, or None."""
    found = date_in_text(text)
    return parse_dob(found) if found else None


def date_in_text(text: str) -> str | None:
    m = _DATE_IN_TEXT.search(text or "")
    if m:
        return m.group(0)
    # "dmitri volkonsky 011998": a birth date typed as on a form, when it reads as one
    compact = [c for c in re.findall(r"(?<![\w/\-])(\d{6}|\d{8})(?![\w/\-])", text or "") if parse_dob(c)]
    return compact[0] if len(compact) == 1 else None


def parse_dob(text: str) -> date | None:
    """A birth date in the past, from 03/14/1985, 3-14-85, 1985-03-14, March 14 1985, 19850314, 031485 ..."""
    t = (text or "").strip().lower()
    t = FILLERS.sub(" ", t)  # read out: "birthday's uh june tenth ..."
    t = re.sub(r"\b([a-z]+ty)-([a-z]+)\b", r"\1 \2", t)  # "forty-five"
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"^(it'?s |its |that'?s |yeah,? |ok,? )?(my )?(dob|date of birth|birthday'?s?|birth date|born( on)?)( is| was)?[:,\s]*", "", t)
    t = re.sub(r"^(it'?s|its)\s+", "", t)
    t = _ordinals_to_digits(_year_words_to_digits(t))
    t = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", t)
    t = re.sub(r"\b(the|of)\s+", " ", t)  # "the 3rd of march" -> "3 march"
    t = re.sub(r"'(\d{2})\b", r"\1", t)  # '85
    t = re.sub(r"^\s*(\d{2})(\d{2})(\d{2})\s*$", r"\1/\2/\3", t)  # 031485 is 03/14/85 (read below)
    today = now().date()
    m = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", t)
    candidates = []
    m8 = re.fullmatch(r"\s*(\d{2})(\d{2})(\d{2})(\d{2})\s*", t)  # 03141985, else 19850314 (the first valid wins)
    if m8:
        mm, dd, cc, yy = m8.groups()
        candidates += [(int(cc + yy), int(mm), int(dd)), (int(mm + dd), int(cc), int(yy))]
    if m:
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    m = re.search(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", t)
    if m and not candidates:
        y = int(m.group(3))
        if y < 100:
            y += 1900 if y > today.year % 100 else 2000
        candidates.append((y, int(m.group(1)), int(m.group(2))))
        if int(m.group(1)) > 12:  # 14/07/1990: day first
            candidates.append((y, int(m.group(2)), int(m.group(1))))
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


_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def spoken_digits(text: str) -> str:
    """ "four oh eight, five five five, one two three four" -> "4085551234" (a number said aloud, or typed so);
    "double five" is 55. Digits typed among the words count too; other words end nothing, they are skipped."""
    out, times = [], 1
    for w in re.findall(r"[a-z]+|\d+", (text or "").lower()):
        if w in ("double", "triple"):
            times = 2 if w == "double" else 3
            continue
        if w.isdigit() or w in _DIGIT_WORDS:
            out.append((w if w.isdigit() else _DIGIT_WORDS[w]) * (times if not w.isdigit() or len(w) == 1 else 1))
        times = 1
    return "".join(out)


def parse_phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", text or "")
    if len(digits) < 10 and re.search(r"\b(oh|zero|one|two|three|four|five|six|seven|eight|nine)\b", text or "", re.I):
        digits = spoken_digits(text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


_PHONE_IN_TEXT = re.compile(r"(?<![\d/.\-])(?:\+?1[\s.\-]?)?\(?(\d{3})\)?[\s.\-]?(\d{3})[\s.\-]?(\d{4})(?![\d/\-])")


def phone_in_text(text: str) -> str | None:
    """A 10-digit phone number inside a longer message ("cell 916 555 0190, dob 11-02-1990")."""
    m = _PHONE_IN_TEXT.search(text or "")
    return "-".join(m.groups()) if m else None


def number_given(text: str) -> str | None:
    """The phone number a message answering "what number?" gives: inside it, or said aloud ("nine one six ...")."""
    return phone_in_text(text) or parse_phone(text)


_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def parse_email(text: str) -> str | None:
    # the domain's last label ends the address: "me@example.com." drops the sentence's full stop
    m = _EMAIL.search(text or "")
    if m or "@" in (text or ""):
        return m.group(0) if m else None
    # "fenella at gmail dot com", as said aloud
    spoken = re.sub(r"\s+dot\s+", ".", re.sub(r"\s+at\s+(?=[\w\-]+\s+dot\s+)", "@", text or "", flags=re.I), flags=re.I)
    m = _EMAIL.search(spoken)
    return m.group(0).lower() if m else None


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
    return [{"title": str(i), "payload": f'/inform{{"option":"{i}"}}'} for i in range(1, n + 1)]


_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAY_RE = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.I)
_CLOCK_RE = re.compile(r"\b(\d{1,2})(?::(\d{2}))?(?![\d/])\s*(?:(am|pm|a\.m\.|p\.m\.|a|p)(?![a-z]))?", re.I)
_OPTION_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2}) (AM|PM)\b")
_OPTION_DAY = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2})\b")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# "the thursday one, not tuesday", "thursday instead of tuesday": what is ruled out describes no option
_RULED_OUT = re.compile(r"\b(?:not|instead of|rather than)\s+(?:the\s+|on\s+|at\s+)?(?:"
                        r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|"
                        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?|"
                        r"\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)?|"
                        r"(?:dr\.?|doctor)\s+[a-z'-]+)(?:'s)?(?:\s+one)?(?!\w)", re.I)  # ("not Dr. Billingsley")


def _clocks_in(text: str) -> list[tuple[int, int, str | None]]:
    """Clock times a patient wrote: "10:15", "the 9am one", "2 pm" (a bare "2" is not a time)."""
    out = []
    for m in _CLOCK_RE.finditer(text or ""):
        h, mi, ap = int(m.group(1)), m.group(2), m.group(3)
        if mi is None and ap is None:
            continue
        if not (1 <= h <= 23) or (mi is not None and int(mi) > 59):
            continue
        out.append((h, int(mi or 0), (ap or "")[:1].lower() or None))
    return out


def match_option(text: str, texts: list[str], ambiguous: list | None = None) -> int | None:
    """1-based index of the one option the patient described by its clock time, weekday, date,
    "today"/"tomorrow" or clinician ("the 10:15 one", "thursday's", "the one with dr boyce"), or None
    when nothing or more than one option fits."""
    t = _RULED_OUT.sub(" ", (text or "").lower())
    if not texts:
        return None
    today = now().date()
    tests = []
    clocks = _clocks_in(t)
    if clocks:
        def clock_ok(o, clocks=clocks):
            m = _OPTION_CLOCK.search(o)
            if not m:
                return False
            h12, mi, ap = int(m.group(1)), int(m.group(2)), m.group(3)[0].lower()
            h24 = h12 % 12 + (12 if ap == "p" else 0)
            for h, m2, a in clocks:
                if m2 != mi:
                    continue
                if a is None and h % 12 == h12 % 12:
                    return True
                if a is not None and (h % 12 + (12 if a == "p" else 0)) == h24 and h <= 12:
                    return True
                if a is None and h == h24:
                    return True
            return False
        tests.append(clock_ok)
    days = {_WEEKDAYS[d.lower()[:3]] for d in _WEEKDAY_RE.findall(t)}
    if re.search(r"\b(today|this morning|this afternoon)\b", t):
        days_exact = {today}
    elif re.search(r"\b(tomorrow|tmrw|tmr|tomorow|tomorro)\b", t):
        days_exact = {today.toordinal() + 1}
    else:
        days_exact = None
    month_day = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(st|nd|rd|th)?\b", t)
    numeric_day = re.search(r"\b(\d{1,2})/(\d{1,2})\b(?!/)", t)

    def day_of(o):
        m = _OPTION_DAY.search(o)
        if not m:
            return None
        mon, d = _MONTHS.index(m.group(2).lower()) + 1, int(m.group(3))
        year = today.year if (mon, d) >= (today.month, today.day) else today.year + 1
        try:
            return date(year, mon, d)
        except ValueError:
            return None
    if days:
        tests.append(lambda o: (day_of(o) is not None and day_of(o).weekday() in days))
    if days_exact is not None:
        wanted = {d if isinstance(d, date) else date.fromordinal(d) for d in days_exact}
        tests.append(lambda o: day_of(o) in wanted)
    if month_day:
        mon, d = _MONTHS.index(month_day.group(1)) + 1, int(month_day.group(2))
        tests.append(lambda o: day_of(o) is not None and (day_of(o).month, day_of(o).day) == (mon, d))
    elif numeric_day and not clocks:
        mon, d = int(numeric_day.group(1)), int(numeric_day.group(2))
        tests.append(lambda o: day_of(o) is not None and (day_of(o).month, day_of(o).day) == (mon, d))
    else:
        # "the 10th one": a day of the month (a small ordinal may be an option number: "the 2nd one")
        nth = re.search(r"\b(\d{1,2})(st|nd|rd|th)\b", t)
        if nth and len(texts) < int(nth.group(1)) <= 31:
            tests.append(lambda o, d=int(nth.group(1)): day_of(o) is not None and day_of(o).day == d)
    dr = re.findall(r"\b(?:dr\.?|doctor)\s+([a-z][a-z'\-]+)", t)
    # "10:30 with billingsley": a clinician of the options named without "Dr." also has to fit
    dr += [n for n in {n.lower() for o in texts for n in re.findall(r"\bDr\. ([A-Za-z][\w'\-]+)", o)}
           if n not in dr and re.search(rf"\b{re.escape(n)}\b", t)]
    if dr:
        tests.append(lambda o: any(re.search(rf"\bDr\. {re.escape(n)}\b", o, re.I) for n in dr))
    from actions.digressions import cities_in

    cities = cities_in(t)
    if cities:  # "the sacramento one": the option whose place names that city
        tests.append(lambda o: any(c.lower() in o.partition(" at ")[2].lower() for c in cities))
    if not tests:
        return None
    hits = [i for i, o in enumerate(texts, 1) if all(test(o) for test in tests)]
    if ambiguous is not None:
        ambiguous.extend(hits if len(hits) > 1 else [])
    return hits[0] if len(hits) == 1 else None


_ORDINALS = {
    "first": 1, "1st": 1, "primero": 1, "primera": 1,
    "second": 2, "2nd": 2, "segundo": 2, "segunda": 2,
    "third": 3, "3rd": 3, "tercero": 3, "tercera": 3,
}
_NUMBER_WORDS = {"one": 1, "uno": 1, "two": 2, "dos": 2, "three": 3, "tres": 3}


# "let me check with my wife first", "first, is it downtown?": an ordinal that points at no option
_ADVERB_ORDINAL = re.compile(r"(?<!the )(?<!take )(?<!want )(?<!pick )(?<!choose )(?<!option )\b(first|second)\b(?!\s+(one|option|time|slot|choice|appointment|opening|of))"
                             r"(?=\s*([,.;!?]|$|\s+(i|i'?ll|let|and|then|before|please)\b))", re.I)
# "the first week of January", "first thing in the morning", "the 2nd of January": a time, not an option
# (and "at the first visit": which visit, not which option)
_ORDINAL_OF_TIME = re.compile(r"\b(first|second|third|1st|2nd|3rd)\s+(week|weekend|half|thing|days?|(mon|tues|wednes|thurs|fri|satur|sun)days?|"
                              r"visit|consult\w*|exam|checkup|check-up|time (i|i'?m|i'?ve|we|she|he|they|seeing|here|at|with|there)\b|"
                              r"of\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|the month|next month|this month))", re.I)
# "anything on the 2nd?", "by the 3rd": a day of the month, not an option
_ON_THE_DATE = re.compile(r"\b(on|for|by|before|after|until|till|from|around)\s+the\s+(\d{1,2}(st|nd|rd|th)|first|second|third)\b", re.I)
_SPAN = re.compile(r"\b(\d|one|two|three|a|couple( of)?|few)\s*(days?|weeks?|wks?|months?|hours?|hrs?|mins?|minutes?|am|pm|a\.m|p\.m|o'?clock)\b", re.I)


def parse_choice(text: str, n: int) -> int | None:
    """1-based choice from "2", "#2", "option 2", "the second one", "last"."""
    t = (text or "").lower()
    if _SPAN.search(t):  # "in two weeks", "at 2pm": a time, not an option
        return None
    t = _ON_THE_DATE.sub(" ", _ORDINAL_OF_TIME.sub(" ", t))  # "the 2nd of january", "anything on the 2nd?", "at the first visit"
    m = re.fullmatch(r"\D{0,20}?(\d)\D{0,20}", t)
    if m and 1 <= int(m.group(1)) <= n:
        return int(m.group(1))
    long = len(re.findall(r"[a-z0-9]+", t)) > 3
    for word, i in _ORDINALS.items():
        m = re.search(rf"\b{word}\b", t)
        if m and i <= n and not (long and _ADVERB_ORDINAL.search(t[max(0, m.start() - 12):m.end() + 12])):
            return i
    words = re.findall(r"[a-z0-9]+", t)
    if re.search(r"\b(the|that|this)\s+\w+\s+one\b", t):
        words = [w for w in words if w != "one"]  # "the thursday one" is not option 1
    if len(words) <= 3:
        for w in words:
            if w in _NUMBER_WORDS and _NUMBER_WORDS[w] <= n:
                return _NUMBER_WORDS[w]
    if re.search(r"\blast\b", t) and n:
        return n
    return None


YES = re.compile(r"^\s*(y|ya|yas|yes+|yse|ys|yeh|yah|yep|yup|yeah|yea|sure|ok|okay|k|kk|correct|confirm|book it|do it|go ahead|sounds good|perfect|please do|please|s[ií]|claro|absolutely|right|that works|works( for me)?|fine|great|good|definitely|of course|alright|all right|let'?s do it|lets do that|yes please|that'?s (fine|good|great|perfect|right)|i'?ll take it|take it)\b", re.I)
NO = re.compile(r"^\W*(?:(?:hmm+|um+|uh+|oh|well|actually|wait|sorry|ah|ok|okay)\W+)*(n|no+|nope|nah|don'?t|do not|negative|not|nvm|nevermind|never mind|forget it|changed my mind|cancel that|wait,? no)\b", re.I)


# "hmm", "umm", "uh huh?": thinking aloud, never a yes (a yes books, cancels or moves)
HESITATION = re.compile(r"^\W*((h+m+|u+m+|u+h+|e+r+m*|m+|a+h+|o+h+|well|so|idk|hmm+ ?ok)\W*)+$", re.I)
_NOT_A_YES = re.compile(r"^\W*(good|great|fine|right|perfect)\s+(question|morning|afternoon|evening|night|day|grief|point|lord|god)\b", re.I)


def said_yes(text: str) -> bool:
    """A yes at the start of the message or of one of its clauses ("sorry got distracted, yes book it"),
    not in a question ("ok, where is it?") nor a greeting ("good morning")."""
    clauses = [c for c in re.split(r"(?<=[,.;!?])\s*", text or "") if c.strip()]
    return any(YES.search(c) and not _NOT_A_YES.search(c) and "?" not in c for c in clauses)


# a thumbs-up (or down) alone, as phones offer it for a quick answer
_EMOJI_YES = re.compile(r"^\s*(?:👍|👌|✅|✔️?|🙌|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿)+\s*$")
_EMOJI_NO = re.compile(r"^\s*(?:👎|❌|🚫|👎🏻|👎🏼|👎🏽|👎🏾|👎🏿)+\s*$")


def yes_no(tracker) -> bool | None:
    intent = latest_intent(tracker)
    text = latest_text(tracker)
    if _EMOJI_NO.search(text):
        return False
    if _EMOJI_YES.search(text):
        return True
    if NO.search(text) or intent == "deny":
        return False
    if said_yes(text) and re.search(r"\b(don'?t|dont|do not|not|never)\b", text, re.I):
        return None  # "please don't" / "ok but not that one": ask again rather than guess
    if said_yes(text) and re.search(r"\b(but|instead|another|different|other)\b", text, re.I):
        return None  # "yes but can it be with dr pulaski instead": a change, not a yes
    if said_yes(text):
        return True
    if intent == "affirm" and len(text.split()) <= 3 and not re.search(r"\b(keep|wait|hold|think|later|maybe)\b", text, re.I) \
            and "?" not in text and not HESITATION.search(text):
        return True  # the classifier's yes, for short answers only: a "yes" books or cancels
    return None
