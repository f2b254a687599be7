"""The rules: text -> tokens -> items -> groups -> windows.

1. `tokenize` lower-cases, strips accents, splits clock times ("3:30pm"), numeric dates ("12/3"),
   ordinals ("3rd") and words, and maps SMS spellings / typos to canonical words (lexicon.py).
2. `scan` reads items left to right: days (a date, a weekday with this/next, a date range such as
   a week or part of a month), times of day (parts of day, clock points and ranges), "any time"
   markers, negations and separators.
3. `group` cuts the items into groups ("tuesday" | "or" | "wednesday afternoon"); groups without a
   time borrow the time of the next group, groups without a day borrow the days of the previous
   one, a date range (a week, a month) scopes every group. Negated groups are subtracted.
4. `windows` turns each group into [start, end) windows in the clinic's zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from actions.timeprefs.lexicon import ACCENTS, ALIASES, MONTHS, WEAK_MONTHS, WEEKDAY_PLURALS, WEEKDAYS, fuzzy

HORIZON_DAYS = 28  # "asap" / "anytime" / "mornings": from now over the next 4 weeks

MORNING = (8 * 60, 12 * 60)
AFTERNOON = (12 * 60, 17 * 60)
EVENING = (17 * 60, 20 * 60)
LUNCH = (11 * 60 + 30, 13 * 60 + 30)
# after a number, a length of time, not a clock ("about 2 weeks", "around 3 days")
_SPAN_UNITS = {"day", "days", "week", "weeks", "wk", "wks", "month", "months", "hour", "hours", "hr", "hrs", "semanas",
               "semana", "dias", "meses"}
DAY = (0, 24 * 60)
PARTS = {
    "morning": MORNING, "mornings": MORNING, "afternoon": AFTERNOON, "afternoons": AFTERNOON,
    "evening": EVENING, "evenings": EVENING, "night": EVENING, "nights": EVENING, "tonight": EVENING,
    "lunch": LUNCH, "lunchtime": LUNCH, "tarde": AFTERNOON, "tardes": AFTERNOON, "noche": EVENING, "noches": EVENING,
}
PART_PLURALS = {"mornings", "afternoons", "evenings", "nights", "tardes", "noches", "mananas"}

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3, "several": 3,
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15, "fifteen": 15, "thirty": 30,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    "primero": 1,
}

ANY_WORDS = {"asap", "earliest", "soonest", "anytime", "whenever", "flexible", "cuando", "cualquier"}
BIRTH_WORDS = {"born", "dob", "birthday", "birth", "bday", "nacimiento", "naci", "nacido", "nacida", "cumpleanos", "d.o.b"}
NEG_PRE = {"not", "nothing", "except", "excluding", "exclude", "without", "cant", "can't", "cannot", "never", "menos", "excepto",
           "salvo", "unavailable", "busy", "besides", "away", "vacation", "traveling", "travelling", "vacaciones"}
# "I have a meeting Friday", "Friday I have a shift": a day taken by something else is a day ruled out
CONFLICTS = {"meeting", "meetings", "conflict", "commitment", "shift", "shifts", "class", "classes", "interview",
             "exam", "flight", "trip", "wedding", "funeral", "reunion", "recital", "game", "practice"}
NEG_POST_VERBS = {"don't", "doesn't", "won't", "isn't", "aren't", "can't", "wouldn't"}
NEG_POST_ADJ = {"bad", "out", "impossible", "terrible", "booked", "busy", "full", "hard", "tough", "difficult", "tricky"}
SEPARATORS = {",", ".", ";", "!", "?", "or", "and", "/", "&", "+", "o", "y", "also", "then", "plus", "maybe", "either"}
PAST_CUES = {"was", "were", "got", "had", "did", "went", "came", "started", "ago", "called", "seen", "visited",
             "happened", "began", "fue", "tuve", "empezo", "vine", "fui"}
POSITIVE_AFTER_BUT = {"works", "work", "too", "also", "fine", "ok", "okay", "good", "possible", "better", "best", "available", "free"}
ORDINAL_UNITS = {"day", "days", "week", "weeks", "month", "months", "people", "kids", "times", "hours", "hrs", "min", "mins", "minutes", "dias", "semanas"}
STRONG_SEPS = {".", ";", "!", "?", "so", "though", "although", "entonces", "asi"}

TOKEN_RE = re.compile(
    r"\$\s?\d+(?:[.,]\d+)*|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-(?:\d{4}|\d{2})(?!\d)|\d{1,2}-0\d(?![\d:])"
    r"|\d{1,2}[.h][0-5]\d(?![\d.])(?:\s*(?:am|pm|a|p)(?![a-z]))?"
    r"|\d{3,4}\s*(?:am|pm)(?![a-z])"
    r"|\d{1,2}:\d{2}(?:\s*(?:a\.m\.?|p\.m\.?|am|pm|a|p)(?![a-z]))?"
    r"|\d{1,2}\s*(?:a\.m\.?|p\.m\.?|am|pm)(?![a-z])"
    r"|\d{1,4}(?:/\d{1,4}){1,2}"
    r"|\d+[a-z]+"
    r"|\d+"
    r"|b4(?![a-z0-9])|[a-z]+(?:'[a-z]+)?"
    r"|[,.;!?&/+@-]"
)
CLOCK_RE = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.m\.?|p\.m\.?|am|pm|a|p)?$")
HHMM_RE = re.compile(r"(\d{1,2})(\d{2})\s*(am|pm)$")


@dataclass(frozen=True)
class Tok:
    k: str  # w word, n number, c clock, o ordinal, d numeric date, p punctuation
    v: object
    raw: str = ""


@dataclass
class Clock:
    minutes: int
    explicit: bool  # am/pm said, or a 24-hour time, or noon


def _clock_from(hour: int, minute: int, mer: str | None) -> Clock | None:
    if minute > 59:
        return None
    if mer:
        mer = mer[0]
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if mer == "p" else 0)
        return Clock(hour * 60 + minute, True)
    if hour > 23:
        return None
    if hour == 0 or hour >= 13:
        return Clock(hour * 60 + minute, True)
    return Clock(hour * 60 + minute, False)


def normalize(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").translate(ACCENTS)
    text = text.replace("a.m.", "am").replace("p.m.", "pm").replace("o'clock", "oclock").replace("o clock", "oclock")
    # "not before 10am" is "no earlier than 10am" (a bound, not a time to leave out)
    return re.sub(r"\bnot (before|after)\b", lambda m: "no earlier than" if m.group(1) == "before" else "no later than", text)


@lru_cache(maxsize=8192)
def word(w: str) -> str:
    if w in ALIASES:
        return ALIASES[w]
    if w in KNOWN:
        return w
    if w.endswith("'s") and w[:-2] in KNOWN:
        return w[:-2]
    return fuzzy(w) or w


def tokenize(text: str) -> list[Tok]:
    out: list[Tok] = []
    for m in TOKEN_RE.finditer(normalize(text)):
        s = m.group(0)
        if s[0] == "$":
            out.append(Tok("p", "$", s))  # money, not a time
            continue
        if s[0].isdigit():
            if "/" in s or "-" in s:
                parts = [int(p) for p in re.split("[/-]", s)]
                out.append(Tok("d", tuple(parts), s))
                continue
            hm = HHMM_RE.match(s)
            if hm:
                c = _clock_from(int(hm.group(1)), int(hm.group(2)), hm.group(3))
                if c:
                    out.append(Tok("c", c, s))
                continue
            cm = CLOCK_RE.match(s)
            if cm and (cm.group(2) or cm.group(3)):
                c = _clock_from(int(cm.group(1)), int(cm.group(2) or 0), cm.group(3))
                if c:
                    out.append(Tok("c", c, s))
                    continue
            om = re.match(r"(\d{1,2})(st|nd|rd|th|ro|do|to|vo|no|er)$", s)
            if om:
                out.append(Tok("o", int(om.group(1)), s))
                continue
            if s.isdigit():
                out.append(Tok("n", int(s), s))
                continue
            if s in ALIASES:
                out.append(Tok("w", ALIASES[s], s))
                continue
            nm = re.match(r"(\d+)([a-z]+)$", s)
            if nm:
                out.append(Tok("n", int(nm.group(1)), nm.group(1)))
                out.append(Tok("w", word(nm.group(2)), nm.group(2)))
            continue
        if s[0].isalpha():
            for part in word(s).split(" "):
                out.append(Tok("w", part, s))
        else:
            out.append(Tok("p", s, s))
    # "m/w/f", "t/th", "tu-th": one- or two-letter weekday codes only count next to a slash or dash;
    # "tom" is tomorrow only before a time of day ("tom morning", "tom at 3"), else a name
    for n, tk in enumerate(out):
        if tk.k == "w" and tk.raw == "tom" and n + 1 < len(out) and (out[n + 1].k == "c" or out[n + 1].v in TOM_NEXT):
            out[n] = Tok("w", "tomorrow", "tom")
            continue
        if tk.k == "w" and tk.raw in LETTER_DAYS:
            # a day across the slash or dash ("m/w/f", "tu-th"); "w/ dr boyce" is "with"
            across = [out[m + m - n] for m in (n - 1, n + 1)
                      if 0 <= m + m - n < len(out) and out[m].k == "p" and out[m].v in ("/", "-")]
            if any(x.k == "w" and (x.raw in LETTER_DAYS or x.v in WEEKDAYS) for x in across):
                out[n] = Tok("w", LETTER_DAYS[tk.raw], tk.raw)
    return out


TOM_NEXT = {"morning", "afternoon", "evening", "night", "am", "pm", "at", "after", "before", "between", "around", "@"}
LETTER_DAYS = {"m": "monday", "t": "tuesday", "tu": "tuesday", "w": "wednesday", "th": "thursday", "r": "thursday",
               "f": "friday", "sa": "saturday", "su": "sunday"}


KNOWN = set(WEEKDAYS) | set(MONTHS) | set(PARTS) | set(NUMBER_WORDS) | set(ORDINAL_WORDS) | ANY_WORDS | BIRTH_WORDS | NEG_PRE | CONFLICTS | {
    "today", "tomorrow", "tonight", "yesterday", "noon", "midnight", "next", "this", "coming", "week", "weeks", "weekend",
    "weekends", "weekday", "weekdays", "month", "months", "day", "days", "in", "after", "before", "between", "and",
    "or", "from", "to", "until", "through", "by", "at", "around", "about", "early", "mid", "late", "middle",
    "beginning", "start", "end", "of", "the", "any", "every", "but", "no", "other", "than", "following",
    "later", "earlier", "rest", "now", "possible", "soon", "as", "ish", "oclock", "on", "work", "school",
    "hoy", "manana", "mananas", "pasado", "por", "la", "el", "los", "las", "de", "en", "semana", "semanas",
    "que", "viene", "proximo", "esta", "este", "mes", "despues", "antes", "entre", "partir", "desde", "hasta",
    "fin", "principios", "mediados", "finales", "dia", "dias", "otro", "dentro", "tarde", "noche", "pronto",
    "twenty", "thirty", "thanksgiving", "christmas", "eve", "new", "year", "years", "ano", "nuevo", "good", "only", "except", "lunch",
    "available", "free", "open", "works", "first", "last", "thing", "afternoon", "morning", "evening",
}


# ---------------------------------------------------------------- calendar helpers

def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def month_end(y: int, m: int) -> date:  # exclusive
    return date(y + (m == 12), m % 12 + 1, 1)


def thanksgiving(y: int) -> date:
    d = date(y, 11, 1)
    first_thu = d + timedelta(days=(3 - d.weekday()) % 7)
    return first_thu + timedelta(days=21)


def nth_weekday(y: int, m: int, wd: int, n: int) -> date:
    d = date(y, m, 1)
    return d + timedelta(days=(wd - d.weekday()) % 7 + 7 * (n - 1))


def last_weekday(y: int, m: int, wd: int) -> date:
    d = month_end(y, m) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() - wd) % 7)


HOLIDAYS = {
    "thanksgiving": thanksgiving,
    "christmas": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24),
    "new year": lambda y: date(y, 1, 1),
    "new year eve": lambda y: date(y, 12, 31),
    "independence day": lambda y: date(y, 7, 4),
    "labor day": lambda y: nth_weekday(y, 9, 0, 1),
    "memorial day": lambda y: last_weekday(y, 5, 0),
    "mlk day": lambda y: nth_weekday(y, 1, 0, 3),
    "presidents day": lambda y: nth_weekday(y, 2, 0, 3),
    "halloween": lambda y: date(y, 10, 31),
    "valentine": lambda y: date(y, 2, 14),
}


# ---------------------------------------------------------------- items

@dataclass
class Item:
    kind: str  # date, wd, range, wdset, time, any, neg, negpost, sep, thru, until, after_day, before_day
    data: object = None
    every: bool = False  # plural: "mornings", "mondays", "any morning"
    holiday: str = ""  # the holiday's name when the date is one


@dataclass
class TimeSpec:
    alts: list  # candidate (start_min, end_min) intervals, preferred first
    point: bool = False  # a clock point ("at 3"), intersected by containment not overlap


def _pt(c: Clock, around: bool = False) -> TimeSpec:
    def win(m):
        return (m - 30, m + 60) if around else (m, m + 60)

    if c.explicit:
        return TimeSpec([win(c.minutes)], point=True)
    return TimeSpec([win(m) for m in _alts(c)], point=True)


def _alts(c: Clock) -> list[int]:
    """Clinic-hours reading of an hour without am/pm: 1-7 -> pm, 8-11 -> am, 12 -> noon."""
    if c.explicit:
        return [c.minutes]
    h = c.minutes // 60
    if h == 12:
        return [c.minutes]
    am, pm = c.minutes, c.minutes + 12 * 60
    return [pm, am] if 1 <= h <= 7 else [am, pm]


class Scanner:
    def __init__(self, toks: list[Tok], today: date, now_min: int, depth: int = 0):
        self.depth = depth  # sub-scanners read one phrase ahead ("the week of <date>"); never nested deeper
        self.t = toks[:12] if depth else toks
        self.today = today
        self.now_min = now_min
        self.items: list[Item] = []
        self.birth = False
        self.recent_ok = False  # "the week after thanksgiving" may anchor on a holiday just past
        self.i = 0

    # token access
    def w(self, j: int) -> str | None:
        if 0 <= j < len(self.t) and self.t[j].k == "w":
            return self.t[j].v
        return None

    def tok(self, j: int) -> Tok | None:
        return self.t[j] if 0 <= j < len(self.t) else None

    def words(self, j: int, *seq: str) -> bool:
        for n, s in enumerate(seq):
            opts = s.split("|")
            w = self.w(j + n)
            if w is None:
                tk = self.tok(j + n)
                if tk is None or tk.k != "p" or tk.v not in opts:
                    return False
            elif w not in opts:
                return False
        return True

    def skip(self, j: int, *fillers: str) -> int:
        while self.w(j) in fillers:
            j += 1
        return j

    def add(self, kind, data=None, every=False):
        self.items.append(Item(kind, data, every))

    # ------------------------------------------------------------ clock parsing
    def clock_at(self, j: int, allow_bare: bool) -> tuple[Clock, int] | None:
        """A clock time at j: '3pm', '3:30', 'noon', '3' (if allow_bare), '3 oclock', Spanish 'las 3'."""
        j0 = j
        j = self.skip(j, "las", "la", "the")
        tk = self.tok(j)
        if tk is None:
            return None
        # "half past 2", "quarter past 3", "quarter to 4"
        if self.w(j) in ("half", "quarter") and self.w(j + 1) in ("past", "after", "to", "til", "till", "of", "before"):
            base = self.tok(j + 2)
            if base is not None and base.k == "n" and 1 <= base.v <= 12:
                h = base.v
                minute = 30 if self.w(j) == "half" else 15
                if self.w(j + 1) in ("to", "til", "till", "of", "before"):
                    h, minute = (h - 1) or 12, 45
                c = _clock_from(h, minute, self.w(j + 3) if self.w(j + 3) in ("am", "pm") else None)
                return (c, j + 3 + (self.w(j + 3) in ("am", "pm"))) if c else None
            return None
        c = None
        if tk.k == "c":
            c, j = tk.v, j + 1
        elif tk.k == "w" and tk.v == "noon":
            c, j = Clock(12 * 60, True), j + 1
        elif tk.k == "w" and tk.v == "midnight":
            return None
        elif tk.k == "w" and tk.v in NUMBER_WORDS and 1 <= NUMBER_WORDS[tk.v] <= 12 and tk.v not in ("a", "an", "un", "few", "couple", "several") and (tk.v != "once" or j > j0) \
                and (j > j0 or allow_bare and self.w(j - 1) in ("at", "around", "about", "after", "before", "by", "until", "between", "and", "to", "from")):
            c, j = _clock_from(NUMBER_WORDS[tk.v], 0, None), j + 1
            if self.w(j) in ("oclock",):
                j += 1
            if self.words(j, "y", "media|cuarto"):
                c = Clock(c.minutes + (30 if self.w(j + 1) == "media" else 15), False)
                j += 2
            elif self.w(j) in ("thirty", "fifteen", "fortyfive"):
                c = Clock(c.minutes + {"thirty": 30, "fifteen": 15, "fortyfive": 45}[self.w(j)], False)
                j += 1
            if self.w(j) in ("am", "pm"):
                c = _clock_from(NUMBER_WORDS[tk.v], c.minutes % 60, self.w(j))
                j += 1
        elif tk.k == "n" and allow_bare and 100 <= tk.v <= 2359 and tk.v % 100 in (0, 15, 30, 45) and len(tk.raw) in (3, 4) \
                and not (self.tok(j + 1) and self.tok(j + 1).v == "-"):
            c, j = _clock_from(tk.v // 100, tk.v % 100, None), j + 1
            if c is None:
                return None
        elif tk.k == "n" and 0 <= tk.v <= 23:
            nxt = self.w(j + 1)
            if nxt == "oclock" or allow_bare or (j > j0 and self.w(j0) in ("las", "la")):
                c = _clock_from(tk.v, 0, None)
                j += 1
                if nxt == "oclock":
                    j += 1
                # "3 30"
                tk2 = self.tok(j)
                if c and tk2 and tk2.k == "n" and tk2.v in (15, 30, 45) and tk2.raw.startswith(("1", "3", "4")) and len(tk2.raw) == 2:
                    c = Clock(c.minutes + tk2.v, c.explicit)
                    j += 1
                if c and self.words(j, "y", "media|cuarto"):
                    c = Clock(c.minutes + (30 if self.w(j + 1) == "media" else 15), c.explicit)
                    j += 2
                if c and self.w(j) in ("am", "pm"):
                    c = _clock_from(tk.v, c.minutes % 60, self.w(j))
                    j += 1
            elif self.w(j + 1) in ("am", "pm", "a", "p") and self.w(j + 1) in ("am", "pm"):
                c = _clock_from(tk.v, 0, self.w(j + 1))
                j += 2
        if c is None:
            return None
        # Spanish/English meridiem phrases right after the time
        if not c.explicit:
            if self.words(j, "de", "la", "tarde|noche") or self.words(j, "in", "the", "afternoon|evening") \
                    or self.words(j, "at", "night") or self.words(j, "por", "la", "tarde|noche"):
                c = Clock(c.minutes + (12 * 60 if c.minutes < 12 * 60 else 0), True)
                j += 3 if self.w(j) != "at" else 2
            elif self.words(j, "de", "la", "manana") or self.words(j, "in", "the", "morning") or self.words(j, "por", "la", "manana"):
                c = Clock(c.minutes % (12 * 60), True)
                j += 3
        if self.w(j) == "ish" or (self.tok(j) and self.tok(j).v == "-" and self.w(j + 1) == "ish"):
            j += 1 if self.w(j) == "ish" else 2
        return c, j

    def range_end(self, start: Clock, end: Clock) -> tuple[int, int]:
        """Resolve the meridiem of a clock range like 'between 2 and 4', '10-2', '9 to 11:30'."""
        ends = _alts(end)
        e = ends[0]
        if start.explicit:
            s = start.minutes
            if not end.explicit:
                for cand in ends:
                    if cand > s:
                        e = cand
                        break
            return s, e
        cands = sorted(m for m in (start.minutes, start.minutes + 12 * 60) if m < 24 * 60)
        if start.minutes >= 12 * 60:
            cands = [start.minutes]
        below = [m for m in cands if m < e]
        s = max(below) if below else cands[0]
        # prefer a start within clinic hours (>= 7:00)
        if s < 7 * 60 and s + 12 * 60 < e:
            s += 12 * 60
        return s, e

    # ------------------------------------------------------------ main loop
    def scan(self) -> list[Item]:
        n = len(self.t)
        while self.i < n:
            j = self.i
            nxt = self.match(j)
            self.i = nxt if nxt is not None and nxt > j else j + 1
        return self.items

    def match(self, j: int) -> int | None:  # noqa: C901 - one flat table of rules reads best
        if self.depth > 1:
            return None
        t = self.tok(j)
        w = self.w(j)
        today = self.today
        if t is None:
            return None
        if t.k == "p" and t.v == "@":
            r = self.clock_phrase(j)
            return r if r is not None else j + 1
        if t.k == "p":
            if t.v in (",", ".", ";", "!", "?", "/", "&", "+"):
                self.add("sep", t.v)
            elif t.v == "-" and self.items and self.items[-1].kind in ("wd", "date"):
                self.add("thru")
            return j + 1

        # ---- birth dates: drop explicit dates in the text
        if w in BIRTH_WORDS or self.words(j, "date", "of", "birth") or self.words(j, "fecha", "de", "nacimiento"):
            self.birth = True
            return j + 1

        # ---- the past is not a preference: "last tuesday", "since monday", "yesterday", "earlier today"
        if w in ("yesterday", "ayer") or self.words(j, "earlier", "today|this") or self.words(j, "this", "past"):
            return j + (1 if w in ("yesterday", "ayer") else 3 if self.w(j + 1) == "this" and self.w(j + 2) in ("morning", "week") else 2)
        if (w in ("last", "since", "past") and not self.words(j + 1, "week", "of") and not self.words(j + 1, "appointment|slot|one|possible|available|thing")) \
                or self.words(j, "el", "pasado") or (w == "ago"):
            sub = Scanner(self.t[j + 1:], today, self.now_min, self.depth + 1)
            end = sub.match(0) if j + 1 < len(self.t) else None
            if end is not None and sub.items and sub.items[-1].kind in ("date", "wd", "range"):
                return j + 1 + end
            if self.w(j + 1) in ("night", "week", "month", "year", "weekend"):
                return j + 2
        if (w == "now" and (len([t for t in self.t if t.k != "p"]) == 1 or self.w(j - 1) in ("right", "in", "come", "today"))) or self.words(j, "right", "away") \
                or w in ("immediately", "ahorita", "ya"):
            self.add("any")
            return j + 1
        if w in ("in", "en") and self.tok(j + 1) is not None:
            k = j + 1
            n = None
            if self.w(k) in ("an", "a", "una", "un") and self.w(k + 1) in ("hour", "hora"):
                n, k = 1, k + 1
            elif self.w(k) in ("a", "an") and self.w(k + 1) in ("couple", "few"):
                n, k = (2 if self.w(k + 1) == "couple" else 3), k + 2
                if self.w(k) == "of":
                    k += 1
            elif self.tok(k).k == "n" and 0 < self.tok(k).v < 12 or self.w(k) in NUMBER_WORDS:
                n, k = (self.tok(k).v if self.tok(k).k == "n" else NUMBER_WORDS[self.w(k)]), k + 1
            if n is not None and self.w(k) in ("hour", "hours", "hr", "hrs", "horas", "hora"):
                start = self.now_min + 60 * n
                if start < 24 * 60:
                    self.add("date", today)
                    self.add("time", TimeSpec([(start, 24 * 60)]))
                else:
                    self.add("date", today + timedelta(days=1))
                return k + 1
        # ---- "the earlier the better", "as late as possible"
        if self.words(j, "earlier|sooner", "the", "better") or self.words(j, "as", "early|soon", "as", "possible|you|we|i") \
                or self.words(j, "early|soon", "as", "possible"):
            self.add("any")
            return j + (3 if w != "as" else 4)
        if self.words(j, "as", "late", "as", "possible|you|we|i") or self.words(j, "late", "as", "possible") \
                or self.words(j, "last|latest", "appointment|slot|one", "of|available|possible", "the", "day") \
                or self.words(j, "last|latest", "appointment|slot|one", "available|possible") or self.words(j, "latest", "possible|available") \
                or (self.words(j, "latest|last", "appointment|slot") and self.w(j + 2) not in ("was", "is", "i")):
            self.add("time", TimeSpec([(16 * 60, 20 * 60)]))
            k = j + (4 if w == "as" else 3 if w == "late" else 2)
            while self.w(k) in ("of", "the", "day", "available", "possible"):
                k += 1
            return k
        # ---- next year, the holidays
        if self.words(j, "next", "year") or self.words(j, "el", "ano", "que", "viene") or self.words(j, "el", "proximo", "ano"):
            y = today.year + 1
            self.add("range", (date(y, 1, 1), date(y + 1, 1, 1)))
            return j + (2 if w == "next" else 3 if self.w(j + 1) == "proximo" else 4)
        if w == "fortnight" and self.w(j - 1) in ("a", "one"):
            ws = week_start(today + timedelta(days=14))
            self.add("range", (ws, ws + timedelta(days=7)))
            return j + 1
        if self.words(j, "in|after", "the", "new", "year") or self.words(j, "after", "the", "holidays") \
                or self.words(j, "after", "new", "year|years") or self.words(j, "despues", "de", "las", "fiestas"):
            y = today.year + (1 if today.month > 1 or today.day > 1 else 0)
            start = date(y, 1, 2)
            self.add("range", (start, start + timedelta(days=HORIZON_DAYS)))
            return j + (4 if w in ("in", "despues") or self.w(j + 2) == "new" else 3)
        if self.words(j, "the|over|during", "holidays") or self.words(j, "holiday", "season") or self.words(j, "las", "fiestas"):
            y = today.year if today < date(today.year, 12, 24) or today.month == 12 else today.year - 1
            if today.month == 1 and today.day > 1:
                y = today.year
            self.add("range", (date(y, 12, 24), date(y + 1, 1, 2)))
            return j + 2
        if self.words(j, "end", "of", "the", "year") or self.words(j, "end", "of", "year") or self.words(j, "fin", "de", "ano") \
                or self.words(j, "finales", "de", "ano"):
            k = j + (4 if self.w(j + 2) == "the" else 3)
            prev = self.w(j - 1) if self.w(j - 1) != "the" else self.w(j - 2)
            if prev in ("by", "before", "until", "antes", "hasta"):
                self.add("range", (today, date(today.year + 1, 1, 1)))
            else:
                s0 = max(date(today.year, 12, 21), today)
                self.add("range", (s0, date(today.year + 1, 1, 1)))
            return k
        if self.words(j, "before", "the", "holidays") or self.words(j, "antes", "de", "las", "fiestas"):
            self.add("range", (today, date(today.year, 12, 24) if today < date(today.year, 12, 24) else date(today.year + 1, 12, 24)))
            return j + 4 if w == "antes" else j + 3
        if self.words(j, "the", "week", "between"):
            return j + 2
        if w in ("between", "entre") and self.next_is_day(self.skip(j + 1, "the", "el")) and not self.clock_at(j + 1, allow_bare=True) \
                and not self.words(j + 1, "semana"):
            self.add("between_day")
            return j + 1
        if (self.words(j, "no", "earlier", "than") or self.words(j, "not", "before")) and self.next_is_day(self.skip(j + (3 if w == "no" else 2), "the", "on")):
            self.add("after_day", "inclusive")
            return j + (3 if w == "no" else 2)

        # ---- clock ranges and bounds
        r = self.clock_phrase(j)
        if r is not None:
            return r

        # ---- any time
        if w in ANY_WORDS and not (w == "cuando" and not self.words(j + 1, "sea|quiera|pueda|puedas|quieras|usted|ustedes")):
            if w == "cualquier":
                # "cualquier dia", "cualquier manana"
                nw = self.w(j + 1)
                if nw in ("manana", "tarde", "noche", "mananas", "tardes"):
                    self.add("time", TimeSpec([MORNING if nw.startswith("manana") else PARTS.get(nw, AFTERNOON)]), every=True)
                    return j + 2
                self.add("any")
                return j + 2 if nw in ("dia", "momento", "hora", "cosa") else j + 1
            self.add("any")
            return j + 1
        if self.words(j, "most|every|all|any", "days|day|weekday|weekdays") or w in ("everyday", "daily") or self.words(j, "todos", "los", "dias"):
            if self.w(j + 1) in ("weekday", "weekdays"):
                self.add("wdset", frozenset(range(5)))
                return j + 2
            if not self.words(j + 2, "next|this|in|of") and not self.words(j + 2, "la", "semana"):
                self.add("any")
            return j + (3 if w == "todos" else 1 if w in ("everyday", "daily") else 2)
        if self.words(j, "i", "work") or self.words(j, "i'm|im", "at", "work") or self.words(j, "trabajo"):
            self.add("neg")
            return j + (1 if w == "trabajo" else 2)
        if self.words(j, "primera|primer", "cita|dia|hora|espacio|disponible|turno|fecha") or self.words(j, "en", "cuanto", "se|pueda|puedan|haya") \
                or self.words(j, "cuando", "haya|tengan|tenga") or self.words(j, "lo", "mas", "rapido"):
            self.add("any")
            return j + 2
        if self.words(j, "de", "hoy", "en", "ocho") or self.words(j, "de", "hoy", "en", "una", "semana"):
            self.add("date", today + timedelta(days=7))
            return j + (4 if self.w(j + 3) == "ocho" else 5)
        if self.words(j, "la", "otra", "semana"):
            ws = week_start(today) + timedelta(days=7)
            self.add("range", (ws, ws + timedelta(days=7)))
            return j + 3
        if self.words(j, "as", "soon", "as") or (self.words(j, "first|next", "available|opening|open|appointment|slot") and not self.words(j + 2, "of|in", "the", "day")) \
                or self.words(j, "any", "time") or self.words(j, "any", "day|days|date|weekday") \
                or self.words(j, "lo", "antes") or self.words(j, "lo", "mas", "pronto") or self.words(j, "cuanto", "antes") \
                or self.words(j, "no", "preference") or self.words(j, "whatever", "works|is") \
                or self.words(j, "doesn't|don't", "matter") or self.words(j, "sooner", "the", "better") \
                or self.words(j, "lo", "mas", "temprano") or self.words(j, "next", "opening|openings"):
            if self.words(j, "any", "day", "next|this|in") or self.words(j, "any", "weekday"):
                if self.w(j + 1) == "weekday":
                    self.add("wdset", frozenset(range(5)))
                return j + 2
            self.add("any")
            if w == "as":
                k = j + 3
                if self.w(k) in ("possible", "you", "can", "i"):
                    k += 1
                return k
            return j + 2

        # ---- negations
        if w in ("not", "no") and self.w(j + 1) in ("good", "bueno", "buena", "possible", "ideal", "great", "ok", "okay"):
            self.add("negpost")
            return j + 2
        if w in ("away", "vacation", "traveling", "travelling", "vacaciones", "busy", "unavailable") and self.items \
                and self.items[-1].kind not in ("sep", "neg") and not self.next_is_day_or_part(self.skip(j + 1, "on", "until", "till", "for", "from")):
            self.add("negpost")
            return j + 1
        if w in CONFLICTS and self.w(j - 1) in ("a", "an", "my", "our", "his", "her", "have", "got"):
            if self.next_is_day_or_part(self.skip(j + 1, "on", "all", "day", "that")):
                self.add("neg")
                return j + 1
            if self.items and self.items[-1].kind not in ("sep", "neg"):
                self.add("negpost")
                return j + 1
        if self.words(j, "the", "week", "after") and not self.next_is_day(self.skip(j + 3, "the", "next")) and self.w(j + 3) != "next":
            prev = [it for it in self.items if it.kind == "range"]
            if prev:
                s0, e0 = prev[-1].data
                self.add("range", (s0 + timedelta(days=7), e0 + timedelta(days=7)))
                return j + 3
        # ---- negations
        if w == "never" and self.w(j + 1) in ("mind", "mnd"):
            return j + 2  # "never mind, can i book for next thursday": no negation
        if w in NEG_PRE or (w == "other" and self.w(j + 1) == "than") or (w == "no" and self.next_is_time(j + 1)) \
                or (w == "but" and self.next_is_day_or_part(j + 1) and not any(it.kind in ("neg", "negpost") for it in self.items)
                    and not any(self.w(x) in POSITIVE_AFTER_BUT for x in range(j + 1, j + 6))) or (w == "pero" and self.w(j + 1) == "no"):
            if w == "not" and self.w(j + 1) == "until":
                self.add("after_day", "inclusive")
                return j + 2
            if w in ("cant", "can't", "never") and self.until_ahead(j):
                return j + 1
            self.add("neg")
            return j + (2 if w in ("other", "pero") else 1)
        if w == "no" and self.w(j + 1) in ("puedo", "me", "sirve", "funciona"):
            pre = not self.items or self.items[-1].kind in ("sep", "neg")
            self.add("neg" if pre else "negpost")
            return j + 2
        if self.words(j, "out", "of", "town|state|the country") or self.words(j, "fuera", "de", "la", "ciudad"):
            self.add("neg")
            return j + 3
        if w in NEG_POST_VERBS or (w in ("no", "not") and self.w(j + 1) in ("good", "bueno", "buena", "possible", "ideal", "great")) \
                or (w in ("is", "are", "es", "son") and self.w(j + 1) in NEG_POST_ADJ) or (w == "no" and self.w(j + 1) in ("me", "puedo", "sirve", "funciona")):
            self.add("negpost")
            return j + 2

        # ---- relative days
        if self.words(j, "the", "day", "after", "tomorrow") or self.words(j, "day", "after", "tomorrow"):
            self.add("date", today + timedelta(days=2))
            return j + (4 if w == "the" else 3)
        if w == "pasado" and self.w(j - 1) in ("o", "or", "y") and self.w(j + 1) != "manana":
            self.add("date", today + timedelta(days=2))
            return j + 1
        if self.words(j, "a", "primera", "hora") or self.words(j, "primera", "hora"):
            self.add("time", TimeSpec([(8 * 60, 9 * 60)]))
            return j + (3 if w == "a" else 2)
        if w == "no" and self.items and (self.tok(j + 1) is None or self.tok(j + 1).k == "p"):
            self.add("negpost")
            return j + 1
        k = j + (1 if w == "the" else 0)
        if self.words(k, "day", "after|before") and self.w(k + 2) != "tomorrow" and self.next_is_day(self.skip(k + 2, "the")):
            sub = Scanner(self.t[k + 2:], today, self.now_min, self.depth + 1)
            end = sub.match(0)
            if end is not None and sub.items and sub.items[-1].kind == "date":
                d = sub.items[-1].data + timedelta(days=1 if self.w(k + 1) == "after" else -1)
                if d >= today:
                    self.add("date", d)
                return k + 2 + end
        if self.words(j, "this|the", "coming|upcoming") and self.w(j + 2) == "week" or self.words(j, "upcoming", "week"):
            ws = week_start(today) + timedelta(days=7)
            self.add("range", (ws, ws + timedelta(days=7)))
            return j + (3 if w != "upcoming" else 2)
        if self.words(j, "the", "weekend", "after", "next") or self.words(j, "weekend", "after", "next"):
            ws = week_start(today) + timedelta(days=14)
            self.add("range", (ws + timedelta(days=5), ws + timedelta(days=7)))
            return j + (4 if w == "the" else 3)
        if self.words(j, "the", "day", "after") and self.w(j + 3) != "tomorrow":
            prev = [it for it in self.items if it.kind != "sep"]
            if prev and prev[-1].kind == "date":
                self.add("date", prev[-1].data + timedelta(days=1))
                return j + 3
        if self.words(j, "pasado", "manana"):
            self.add("date", today + timedelta(days=2))
            return j + 2
        if w == "manana":
            prev = self.w(j - 1)
            if prev in ("la", "las", "the") or self.w(j - 1) == "cualquier":
                self.add("time", TimeSpec([MORNING]))
                return j + 1
            self.add("date", today + timedelta(days=1))
            return j + 1
        if w == "mananas":
            self.add("time", TimeSpec([MORNING]), every=True)
            return j + 1
        if w in ("today", "hoy"):
            self.add("date", today)
            if self.words(j + 1, "or", "tomorrow"):
                pass
            return j + 1
        if w == "tomorrow":
            self.add("date", today + timedelta(days=1))
            return j + 1
        if w == "tonight":
            self.add("date", today)
            self.add("time", TimeSpec([EVENING]))
            return j + 1
        if w in ("this", "esta", "este") and self.w(j + 1) in ("morning", "afternoon", "evening", "manana", "tarde", "noche"):
            self.add("date", today)
            self.add("time", TimeSpec([PARTS.get(self.w(j + 1), MORNING)]))
            return j + 2
        if self.words(j, "later", "today") or self.words(j, "later", "on", "today"):
            self.add("date", today)
            return j + 2
        if w in ("within", "in", "over", "during", "next", "en", "durante") or self.words(j, "the", "next"):
            k = j + 1 if w != "the" else j + 1
            k = self.skip(k, "the", "next", "los", "las", "proximos", "proximas", "coming")
            if k > j + 1 or w in ("within", "next"):
                n, unit, k2 = self.count_unit(k)
                if n is None and self.w(k) in ("days", "weeks", "week", "dias", "semanas") and w in ("within", "next", "the", "over", "in"):
                    n, unit, k2 = (1 if self.w(k) == "week" else 2 if "week" in self.w(k) or "semana" in self.w(k) else 3), ("week" if "week" in self.w(k) or "semana" in self.w(k) else "day"), k + 1
                if n is not None and (w != "in" or k > j + 1) and not (w == "next" and unit == "week" and n == 1 and self.w(j + 1) == "week"):
                    days = n * {"day": 1, "week": 7, "month": 30}[unit]
                    self.add("range", (today, today + timedelta(days=days + (1 if unit == "day" else 0))))
                    return k2
        # in N days / weeks / months, N days from now, dentro de N dias
        r = self.in_n(j)
        if r is not None:
            return r

        # ---- weeks
        r = self.week_phrase(j)
        if r is not None:
            return r

        # ---- months and month parts
        r = self.month_phrase(j)
        if r is not None:
            return r

        # ---- explicit dates
        r = self.date_phrase(j)
        if r is not None:
            return r

        # ---- holidays
        r = self.holiday_phrase(j)
        if r is not None:
            return r

        # ---- "the first monday of january", "the last friday of the month"
        r = self.nth_weekday_phrase(j)
        if r is not None:
            return r

        # ---- weekdays
        r = self.weekday_phrase(j)
        if r is not None:
            return r

        # ---- parts of day
        r = self.part_phrase(j)
        if r is not None:
            return r

        if w in ("early", "temprano") and not (self.w(j + 1) in ("as", "in") or self.w(j - 1) in ("as", "mas")):
            self.add("time", TimeSpec([(8 * 60, 10 * 60)]))
            return j + 1
        # ---- day bounds and separators
        if w in ("until", "hasta") or (w == "by" and self.next_is_day(j + 1)) or self.words(j, "no", "later", "than"):
            if self.next_is_day(self.skip(j + 1, "the", "on", "el", "later", "than")):
                if self.items and self.items[-1].kind in ("wd", "date") and w in ("until", "hasta"):
                    self.add("thru")
                else:
                    self.add("until")
            return j + 1
        if w in ("through", "thru", "to", "a") and self.items and self.items[-1].kind in ("wd", "date") and self.next_is_day(j + 1):
            self.add("thru")
            return j + 1
        if w in ("after", "despues", "starting", "from", "desde") and self.next_is_day(self.skip(j + 1, "de", "the", "on", "el", "del")):
            if w in ("after", "despues"):
                self.add("after_day")
            elif w in ("starting", "from", "desde") and not self.through_ahead(j + 1):
                self.add("after_day", "inclusive")
            return j + 1
        if w in ("before", "antes") and self.next_is_day(self.skip(j + 1, "de", "the", "on", "el", "del")):
            self.add("before_day")
            return j + 1
        if w in SEPARATORS or w in STRONG_SEPS or w == "but" or w == "pero" or w == "however" or w == "instead":
            self.add("sep", w)
            return j + 1
        if w in ("every", "any", "all", "los", "las") and self.w(j + 1) in ("week",):
            return j + 1
        return None

    def through_ahead(self, j: int) -> bool:
        for k in range(j, min(j + 6, len(self.t))):
            if self.w(k) in ("to", "through", "thru", "until", "hasta", "a") or (self.tok(k).k == "p" and self.tok(k).v == "-"):
                return True
        return False

    def until_ahead(self, j: int) -> bool:
        """"can't come until friday" = from friday on; "can't until after 2" = after 2."""
        for k in range(j, min(j + 8, len(self.t))):
            if self.w(k) in ("until", "before", "hasta"):
                after = self.w(k + 1) == "after"
                if not after and not self.next_is_day(self.skip(k + 1, "the", "on", "el")):
                    return False
                if not after:
                    self.items.append(Item("after_day", "inclusive"))
                self.t = self.t[:k] + [Tok("w", "_", "")] + self.t[k + 1:]  # the 'until' is read now
                return True
        return False

    # ------------------------------------------------------------ look-ahead tests
    def next_is_day(self, j: int) -> bool:
        j = self.skip(j, "the", "on", "el", "this", "next", "este", "esta", "la")
        w = self.w(j)
        tk = self.tok(j)
        if tk is None:
            return False
        if w in WEEKDAYS or w in ("today", "tomorrow", "manana", "hoy", "thanksgiving", "christmas", "new", "week", "weekend", "semana", "month", "mes"):
            return True
        if w in MONTHS and (w not in WEAK_MONTHS or (self.tok(j + 1) and self.tok(j + 1).k in ("n", "o"))):
            return True
        return tk.k in ("o", "d")

    def next_is_time(self, j: int) -> bool:
        j = self.skip(j, "the", "on", "in")
        w = self.w(j)
        return bool(w in WEEKDAYS or w in PARTS or w in ("mornings", "weekends", "weekend", "mananas", "noon", "early", "late")
                    or w in ("today", "tomorrow"))

    def next_is_day_or_part(self, j: int) -> bool:
        j = self.skip(j, "the", "on", "in", "not")
        if self.w(j) == "not":
            return True
        return self.next_is_time(j) or self.next_is_day(j)

    # ------------------------------------------------------------ sub-rules
    def clock_phrase(self, j: int) -> int | None:
        w = self.w(j)
        tk = self.tok(j)
        # between A and B / from A to B / entre las A y las B / de A a B
        if w in ("between", "btw", "entre", "from", "de", "desde"):
            a = self.clock_at(j + 1, allow_bare=True)
            if a:
                c1, k = a
                if self.w(k) in ("and", "to", "until", "through", "y", "a", "hasta", "till") or (self.tok(k) and self.tok(k).v == "-"):
                    b = self.clock_at(k + 1, allow_bare=True)
                    if b:
                        c2, k2 = b
                        s, e = self.range_end(c1, c2)
                        if e > s:
                            self.add("time", TimeSpec([(s, e)]))
                            return k2
                if w in ("from", "desde"):
                    self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c1)]))
                    if self.w(k) in ("on", "onwards", "onward"):
                        k += 1
                    return k
        # A-B, A to B (only when A is clearly a time or B carries am/pm)
        if tk and (tk.k in ("c", "n") or w == "noon") and not (tk.k == "n" and self.tok(j - 1) and self.tok(j - 1).k == "p" and self.tok(j - 1).v == "/"):
            a = self.clock_at(j, allow_bare=True)
            if a and a[1] < len(self.t):
                c1, k = a
                sep = self.tok(k)
                if sep and ((sep.k == "p" and sep.v == "-") or (sep.k == "w" and sep.v in ("to", "till", "until"))):
                    b = self.clock_at(k + 1, allow_bare=True)
                    if b:
                        c2, k2 = b
                        clear = tk.k == "c" or w == "noon" or self.tok(k + 1).k == "c" or c2.explicit or self.w(j - 1) in ("at", "@")
                        unit = self.w(k2) in ("day", "days", "week", "weeks", "month", "months", "dias", "semanas", "of", "de", "people", "kids", "times", "hours", "hrs", "min", "mins", "minutes")
                        if clear or (tk.k == "n" and 1 <= tk.v <= 12 and self.tok(k + 1).k == "n" and self.tok(k + 1).v <= 12 and not unit):
                            s, e = self.range_end(c1, c2)
                            if e > s:
                                self.add("time", TimeSpec([(s, e)]))
                                return k2
        # after / before / at / around
        bound = None
        k = j + 1
        jj = j + 1 if self.w(j + 1) in ("work", "del", "de") else j
        if self.w(jj + 1) == "trabajo":
            jj += 1
        if w in ("off", "ends", "end", "finish", "finishes", "done", "salgo", "termino", "out") and self.w(jj + 1) in ("at", "by", "a", "around") \
                and self.clock_at(jj + 2, allow_bare=True):
            c, k2 = self.clock_at(jj + 2, allow_bare=True)
            self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c)]))
            return k2
        if w in ("after", "aftr", "past", "despues") or self.words(j, "a", "partir") or self.words(j, "no", "earlier", "than") \
                or self.words(j, "not", "before") or self.words(j, "starting", "at|from") or self.words(j, "anytime", "after") \
                or self.words(j, "no|not", "sooner|earlier", "than"):
            bound = "after"
            if w in ("no", "not", "starting", "anytime"):
                k = j + (3 if self.w(j + 2) == "than" else 2)
            elif w == "a":
                k = j + 2
            if self.w(k) in ("de", "del", "al"):
                k += 1
        elif w in ("before", "antes", "by", "until", "hasta") or self.words(j, "no", "later", "than") or self.words(j, "not", "after") \
                or self.words(j, "up", "to|until"):
            bound = "before"
            if w in ("no",):
                k = j + 3
            elif w in ("not", "up"):
                k = j + 2
            if self.w(k) in ("de", "del", "al"):
                k += 1
        elif w in ("at", "around", "about", "aroun", "approximately", "approx", "roughly", "like", "a", "as", "@") or (tk and tk.k == "p" and tk.v == "@"):
            if w == "as" and not self.words(j, "as", "early|late", "as"):
                return None
            bound = "around" if w in ("around", "about", "aroun", "approximately", "approx", "roughly", "like") else "at"
            if w in ("about", "like") and self.w(j - 1) in ("how", "what", "would", "is", "does"):
                bound = "at"
            if w == "as":
                bound = "after" if self.w(j + 1) == "late" else "before"
                k = j + 3
            if self.w(k) in ("around", "about"):
                bound, k = "around", k + 1
        if bound:
            if bound in ("after", "before") and self.w(k) == "lunch":
                s = LUNCH[1] if bound == "after" else 0
                e = 24 * 60 if bound == "after" else LUNCH[0]
                self.add("time", TimeSpec([(s, e)]))
                return k + 1
            if bound in ("after", "before") and self.w(k) in ("work", "school"):
                m = 17 * 60 if self.w(k) == "work" else 15 * 60
                if bound == "before":
                    m = 9 * 60 if self.w(k) == "work" else 8 * 60
                self.add("time", TimeSpec([(m, 24 * 60)] if bound == "after" else [(0, m)]))
                return k + 1
            a = self.clock_at(k, allow_bare=(w != "a" or self.w(k) in ("las", "la")) and w not in ("like",))
            if a and self.w(a[1]) in _SPAN_UNITS:
                a = None  # "about 2 weeks from now": a span, not 2 o'clock
            if a:
                c, k2 = a
                later = self.words(k2, "or|and", "later|after") or self.w(k2) in ("onwards", "onward") \
                    or (self.w(k2) == "on" and (self.tok(k2 + 1) is None or self.tok(k2 + 1).k == "p"))
                if bound != "before" and later:
                    bound = "after"
                    k2 += 2 if self.w(k2) in ("or", "and") else 1
                if bound == "after":
                    self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c)]))
                elif bound == "before":
                    self.add("time", TimeSpec([(0, m) for m in _alts(c)]))
                else:
                    self.add("time", _pt(c, around=(bound == "around")))
                if bound == "before" and self.words(k2, "or", "earlier|before"):
                    k2 += 2
                elif bound in ("at", "around") and self.w(k2) in ("or", "o") and self.tok(k2 + 1) and self.tok(k2 + 1).k in ("n", "c"):
                    b = self.clock_at(k2 + 1, allow_bare=True)
                    if b:
                        self.add("sep", "or")
                        self.add("time", _pt(b[0], around=(bound == "around")))
                        k2 = b[1]
                return k2
            return None
        prev_w = self.w(j - 1)
        if tk and tk.k == "n" and 1 <= tk.v <= 12 and self.items and self.items[-1].kind in ("date", "wd") \
                and (prev_w in WEEKDAYS or prev_w in ("tomorrow", "today", "manana", "hoy")) and self.w(j + 1) not in ORDINAL_UNITS:
            a = self.clock_at(j, allow_bare=True)
            if a:
                c, k2 = a
                if self.words(k2, "or|and", "later|after") or self.w(k2) in ("onwards", "onward"):
                    self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c)]))
                    return k2 + (2 if self.w(k2) in ("or", "and") else 1)
                self.add("time", _pt(c))
                while self.w(k2) in ("or", "o") and self.tok(k2 + 1) and self.tok(k2 + 1).k in ("n", "c"):
                    b = self.clock_at(k2 + 1, allow_bare=True)
                    if not b:
                        break
                    self.add("sep", "or")
                    self.add("time", _pt(b[0]))
                    k2 = b[1]
                return k2
        if tk and tk.k in ("n", "c") and (self.words(j + 1, "or|and", "later|after") or self.w(j + 1) in ("onwards", "onward")):
            c = tk.v if tk.k == "c" else _clock_from(tk.v, 0, None)
            if c:
                self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c)]))
                return j + (2 if self.w(j + 1) in ("onwards", "onward") else 3)
        if tk and tk.k == "n" and 1 <= tk.v <= 12 and self.w(j + 1) == "ish":
            self.add("time", _pt(_clock_from(tk.v, 0, None), around=True))
            return j + 2
        # a bare explicit clock: "3pm", "10:30", "3 oclock"
        if tk and (tk.k == "c" or (tk.k == "n" and self.w(j + 1) in ("oclock", "am", "pm")) or w in ("half", "quarter")):
            a = self.clock_at(j, allow_bare=False)
            if a:
                c, k2 = a
                if self.w(k2) in ("or", "and") and self.w(k2 + 1) in ("later", "after"):
                    self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c)]))
                    return k2 + 2
                if self.w(k2) in ("onwards", "onward", "on") and self.w(k2 + 1) is None or self.w(k2) in ("onwards", "onward"):
                    self.add("time", TimeSpec([(m, 24 * 60) for m in _alts(c)]))
                    return k2 + 1
                self.add("time", _pt(c))
                return k2
        return None

    def in_n(self, j: int) -> int | None:
        w = self.w(j)
        k = None
        if w in ("in", "en") or self.words(j, "dentro", "de"):
            k = j + (2 if w == "dentro" else 1)
            if self.w(k) == "about":
                k += 1
        n, unit, k2 = self.count_unit(k if k is not None else j)
        if n is None:
            return None
        if k is None and unit in ("week", "day") and self.w(k2) == "from" and self.w(self.skip(k2 + 1, "next", "this")) in WEEKDAYS:
            sub = Scanner(self.t[k2 + 1:], self.today, self.now_min, self.depth + 1)
            end = sub.match(0)
            if end is not None and sub.items and sub.items[-1].kind == "wd":
                base = resolve_weekday(sub.items[-1].data, self.today, None)
                self.add("date", base + timedelta(days=(7 if unit == "week" else 1) * n))
                return k2 + 1 + end
        if k is None and unit == "week" and self.words(k2, "from", "today|tomorrow"):
            base = self.today + timedelta(days=1 if self.w(k2 + 1) == "tomorrow" else 0)
            self.add("date", base + timedelta(days=7 * n))
            return k2 + 2
        if k is None:
            # "N days from now", "N weeks out"
            if not (self.words(k2, "from", "now|today") or self.words(k2, "out") or self.words(k2, "later")):
                return None
            k2 += 1 if self.w(k2) in ("out", "later") else 2
        elif self.words(k2, "time"):
            k2 += 1
        today = self.today
        if unit == "week" and self.words(k2, "from", "today|tomorrow|now"):
            if self.w(k2 + 1) != "now" or n == 1:
                base = today + timedelta(days=1 if self.w(k2 + 1) == "tomorrow" else 0)
                self.add("date", base + timedelta(days=7 * n))
                return k2 + 2
        if unit == "day":
            self.add("date", today + timedelta(days=n))
        elif unit == "week":
            if self.words(k2, "or", "two|three") or self.words(k2, "or", "2|3") or (self.w(k2) == "or" and self.tok(k2 + 1) and self.tok(k2 + 1).v in (2, 3)):
                n2 = NUMBER_WORDS.get(self.w(k2 + 1)) or self.tok(k2 + 1).v
                ws = week_start(today + timedelta(days=7 * n))
                self.add("range", (ws, week_start(today + timedelta(days=7 * n2)) + timedelta(days=7)))
                return k2 + (3 if self.w(k2 + 2) in ("week", "weeks") else 2)
            ws = week_start(today + timedelta(days=7 * n))
            self.add("range", (ws, ws + timedelta(days=7)))
        elif unit == "month":
            d = today + timedelta(days=30 * n)
            ws = week_start(d)
            self.add("range", (ws, ws + timedelta(days=7)))
        return k2

    def count_unit(self, j: int):
        tk = self.tok(j)
        if tk is None:
            return None, None, j
        n = None
        if tk.k == "n" and 0 < tk.v < 60:
            n, j = tk.v, j + 1
        elif tk.k == "w" and tk.v in NUMBER_WORDS:
            n, j = NUMBER_WORDS[tk.v], j + 1
            if self.w(j) in ("couple", "few") and tk.v in ("a",):
                n, j = NUMBER_WORDS[self.w(j)], j + 1
            if self.w(j) == "of":
                j += 1
        else:
            return None, None, j
        u = self.w(j)
        if u in ("day", "days", "dia", "dias"):
            return n, "day", j + 1
        if u in ("week", "weeks", "semana", "semanas"):
            return n, "week", j + 1
        if u in ("month", "months", "mes", "meses"):
            return n, "month", j + 1
        return None, None, j

    def week_phrase(self, j: int) -> int | None:
        w = self.w(j)
        today = self.today
        this_ws = week_start(today)
        next_ws = this_ws + timedelta(days=7)

        def which(k):
            """'next week' / 'this week' / 'week after next' at k -> (week start, index after)."""
            k = self.skip(k, "the", "la", "of", "de")
            if self.words(k, "week", "after", "next"):
                return next_ws + timedelta(days=7), k + 3
            if self.words(k, "next|following", "week") or self.words(k, "proximo", "semana"):
                return next_ws, k + 2
            if self.words(k, "semana", "siguiente") or self.words(k, "siguiente", "semana"):
                return next_ws, k + 2
            if self.words(k, "semana", "que", "viene") or self.words(k, "semana", "proximo"):
                return next_ws, k + (3 if self.w(k + 1) == "que" else 2)
            if self.words(k, "this|esta", "week|semana") or self.words(k, "the", "week"):
                return this_ws, k + 2
            if self.w(k) == "semana" and self.w(k - 1) == "la":
                return this_ws, k + 1
            if self.words(k, "week", "of"):
                return None, k
            return None, k

        # early/mid/late next week, beginning/end of the week
        part = None
        k = j
        if w in ("early", "beginning", "start", "principios", "inicio", "comienzo"):
            part = (0, 3)
        elif w in ("mid", "middle", "mediados"):
            part = (1, 4)
        elif w in ("late", "end", "finales", "fin", "later"):
            part = (3, 7)
            if w == "later" and self.words(j + 1, "this", "week"):
                part = (max(1, (today - this_ws).days + 1), 7)
            if w == "fin" and self.words(j + 1, "de", "semana"):
                part = None
        elif w == "rest" and self.words(j + 1, "of", "the|this", "week"):
            part = (0, 7)
        if part is not None:
            k2 = self.skip(j + 1, "of", "the", "de", "la", "in")
            ws, k3 = which(k2)
            if ws is None and self.words(k2, "week"):
                ws, k3 = this_ws, k2 + 1
            if ws is not None:
                self.add("range", (ws + timedelta(days=part[0]), ws + timedelta(days=part[1])))
                return k3
        # weekend(s)
        if self.words(j, "fin|fines", "de", "semana") or w in ("weekend", "weekends", "finde", "findes"):
            k2 = j + (3 if w in ("fin", "fines") else 1)
            plural = w in ("weekends", "fines", "findes") or (self.items and self.items[-1].kind == "neg") or self.w(j - 1) in ("los", "every", "any") or self.words(j - 2, "los", "fines")
            if plural and self.w(j - 1) != "this":
                self.add("wdset", frozenset({5, 6}))
                return k2
            prev = self.w(j - 1)
            prev2 = self.w(j - 2)
            if prev in ("next", "proximo") or self.words(k2, "que", "viene") or self.words(k2, "proximo"):
                ws = next_ws
                if self.words(k2, "que", "viene"):
                    k2 += 2
            elif today.weekday() == 6 and prev not in ("this", "este", "esta"):
                ws = next_ws  # on a Sunday, "the weekend" is the coming one; "this weekend" is what is left of today
            else:
                ws = this_ws
            if prev2 == "week" and prev == "after":
                return None
            self.add("range", (ws + timedelta(days=5), ws + timedelta(days=7)))
            return k2
        if w in ("weekdays", "weekday") or self.words(j, "week", "days") or self.words(j, "entre", "semana") \
                or self.words(j, "during", "the", "week") or self.words(j, "dias", "de", "semana"):
            self.add("wdset", frozenset(range(5)))
            return j + (1 if w in ("weekdays", "weekday") else 2 if w in ("week", "entre") else 3)
        # the week of X / the week after X / the week before X
        k = self.skip(j, "the", "la")
        if self.words(k, "week", "starting|beginning|commencing") or self.words(k, "week", "that", "starts"):
            k2 = self.skip(k + 2, "on", "the", "starts", "monday")
            sub = Scanner(self.t[k2:], today, self.now_min, self.depth + 1)
            end = sub.match(0) if k2 < len(self.t) else None
            if end is not None and sub.items and sub.items[-1].kind == "date":
                d = sub.items[-1].data
                self.add("range", (d, d + timedelta(days=7)))
                return k2 + end
        if self.words(k, "week", "of|after|before") or self.words(k, "semana", "del|de|despues|antes"):
            rel = self.w(k + 1)
            k2 = self.skip(k + 2, "the", "el", "de", "del")
            if self.words(k2, "next"):
                if rel == "after":
                    self.add("range", (next_ws + timedelta(days=7), next_ws + timedelta(days=14)))
                    return k2 + 1
                return None
            if self.tok(k2) and self.tok(k2).k == "n" and 1 <= self.tok(k2).v <= 31 and self.w(k2 + 1) not in ("de", "of") and rel in ("of", "del", "de"):
                before = len(self.items)
                self.add_dom(self.tok(k2).v)
                if len(self.items) > before:
                    ws = week_start(self.items.pop().data)
                    self.add("range", (ws, ws + timedelta(days=7)))
                    return k2 + 1
            sub = Scanner(self.t[k2:], today, self.now_min, self.depth + 1)
            sub.recent_ok = True
            end = sub.match(0)
            if end is not None and sub.items and sub.items[-1].kind in ("date", "wd"):
                anchor = sub.items[-1]
                d = anchor.data if anchor.kind == "date" else resolve_weekday(anchor.data, today, None)
                shift = 7 if rel in ("after", "despues") else -7 if rel in ("before", "antes") else 0
                ws = week_start(d) + timedelta(days=shift)
                if ws + timedelta(days=7) <= today and anchor.holiday:
                    ws = week_start(HOLIDAYS[anchor.holiday](d.year + 1)) + timedelta(days=shift)
                self.add("range", (ws, ws + timedelta(days=7)))
                return k2 + end
        ws, k2 = which(j)
        if ws is not None:
            self.add("range", (ws, ws + timedelta(days=7)))
            if self.words(k2, "o", "la", "que", "viene") or self.words(k2, "o", "la", "proxima|siguiente"):
                self.add("sep", "or")
                self.add("range", (ws + timedelta(days=7), ws + timedelta(days=14)))
                return k2 + (5 if self.w(k2 + 2) == "que" else 3)
            if self.words(k2, "or|and", "next|the") and self.w(k2 + 2) in (None, "one", "week", "following") and not self.words(k2 + 1, "next", "week"):
                self.add("sep", "or")
                self.add("range", (ws + timedelta(days=7), ws + timedelta(days=14)))
                return k2 + 2 + (1 if self.w(k2 + 2) in ("one", "following") else 0) + (1 if self.w(k2 + 3) == "week" else 0)
            return k2
        if self.words(j, "the|this", "following", "week"):
            self.add("range", (next_ws, next_ws + timedelta(days=7)))
            return j + 3
        # first / second / last week of <month>
        return None

    def month_ref(self, j: int, weak_ok: bool):
        """(year, month, index after) for 'december', 'the month', 'next month', 'este mes' at j."""
        today = self.today
        j = self.skip(j, "the", "of", "de", "el", "in")
        w = self.w(j)
        if w in ("month", "mes") or self.words(j, "this|este", "month|mes"):
            k = j + (1 if w in ("month", "mes") else 2)
            if self.words(k, "que", "viene") or self.words(k, "proximo"):
                y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
                return y, m, k + (2 if self.w(k) == "que" else 1)
            return today.year, today.month, k
        if self.words(j, "next|proximo", "month|mes") or self.words(j, "the", "following", "month"):
            y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            return y, m, j + 2
        if w in MONTHS and (weak_ok or w not in WEAK_MONTHS):
            m = MONTHS[w]
            y = today.year if m >= today.month else today.year + 1
            k = j + 1
            tk = self.tok(k)
            if tk and tk.k == "n" and today.year <= tk.v <= today.year + 3:
                y, k = tk.v, k + 1
            return y, m, k
        return None

    def month_phrase(self, j: int) -> int | None:
        w = self.w(j)
        today = self.today
        part = None
        k = j + 1
        if w in ("early", "beginning", "start", "principios", "inicio", "comienzos", "comienzo"):
            part = "early"
        elif w in ("mid", "middle", "mediados", "midmonth"):
            part = "mid"
        elif w in ("late", "end", "finales", "fines", "fin", "final"):
            part = "late"
        elif self.words(j, "first|second|1st|2nd", "half", "of") or self.words(j, "primera|segunda", "mitad", "de"):
            r = self.month_ref(j + 3, weak_ok=True)
            if r:
                y, m, k2 = r
                first = w in ("first", "1st", "primera")
                s, e = (date(y, m, 1), date(y, m, 16)) if first else (date(y, m, 16), month_end(y, m))
                self.add_month_range(s, e, y, m)
                return k2
            return None
        elif self.words(j, "first|1st|second|2nd|third|3rd|last|final|primera|ultima", "week") or (self.tok(j) and self.tok(j).k == "o" and self.w(j + 1) == "week"):
            tk = self.tok(j)
            idx = {"first": 1, "second": 2, "third": 3, "last": -1, "final": -1, "primera": 1, "ultima": -1}.get(w)
            if tk.k == "o":
                idx = tk.v
            r = self.month_ref(j + 2, weak_ok=True)
            if r and idx:
                y, m, k2 = r
                if idx > 0:
                    s = date(y, m, 1) + timedelta(days=7 * (idx - 1))
                    e = s + timedelta(days=7)
                else:
                    e = month_end(y, m)
                    s = e - timedelta(days=7)
                self.add_month_range(s, e, y, m)
                return k2
            return None
        if part:
            if w == "mid" and self.tok(j + 1) and self.tok(j + 1).v == "-":
                k += 1
            kk = self.skip(k, "of", "the")
            if part == "early" and (self.words(kk, "year") or self.words(kk, "next", "year") or self.words(kk, "new", "year")):
                y = today.year + 1
                self.add("range", (date(y, 1, 1), date(y, 1, 11)))
                return kk + (1 if self.w(kk) == "year" else 2)
            r = self.month_ref(k, weak_ok=True)
            if r is None:
                return None
            y, m, k2 = r
            if part == "early":
                s, e = date(y, m, 1), date(y, m, 11)
            elif part == "mid":
                s, e = date(y, m, 11), date(y, m, 21)
            else:
                s, e = date(y, m, 21), month_end(y, m)
            if e <= today and not self.words(k, "next|proximo", "month|mes"):
                # the part is over this year: next year's (named month) or next month's ("end of the month")
                if self.w(self.skip(k, "the", "of", "de", "el")) in MONTHS:
                    s, e = s.replace(year=s.year + 1), e.replace(year=e.year + 1) if e.month != 1 else e.replace(year=e.year + 1)
                else:
                    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
                    s = date(ny, nm, s.day)
                    e = date(ny, nm, e.day) if part != "late" else month_end(ny, nm)
            self.add("range", (s, e))
            return k2
        # next month / this month / in december
        if self.words(j, "next|proximo", "month|mes") or self.words(j, "the", "following", "month") \
                or self.words(j, "el", "mes", "que", "viene") or self.words(j, "el", "proximo", "mes") or self.words(j, "this|este", "month|mes"):
            r = self.month_ref(j, weak_ok=True)
            y, m, k2 = r
            self.add("range", (date(y, m, 1), month_end(y, m)))
            return k2
        if w in MONTHS:
            weak = w in WEAK_MONTHS
            prev = self.w(j - 1)
            nxt = self.tok(j + 1)
            if nxt is not None and (nxt.k in ("n", "o") and not (nxt.k == "n" and nxt.v > 31) or nxt.k == "w" and (nxt.v in ORDINAL_WORDS or nxt.v in ("twenty", "thirty"))
                                    or nxt.k == "w" and nxt.v == "the" and self.tok(j + 2) and self.tok(j + 2).k in ("n", "o")):
                return None  # a date: handled by date_phrase
            listed = (self.w(j + 1) in ("or", "and", "o", "y") and self.w(j + 2) in MONTHS) or \
                (prev in ("or", "and", "o", "y") and self.w(j - 2) in MONTHS)
            if weak and prev not in ("in", "en", "of", "de", "during", "for", "until", "el", "mes") and len(self.t) > 1 and not listed:
                return None
            r = self.month_ref(j, weak_ok=True)
            y, m, k2 = r
            self.add("range", (date(y, m, 1), month_end(y, m)))
            return k2
        return None

    def add_month_range(self, s, e, y, m):
        if e <= self.today:
            s, e = s.replace(year=s.year + 1), e.replace(year=e.year + 1)
        self.add("range", (s, e))

    def date_phrase(self, j: int) -> int | None:
        tk = self.tok(j)
        w = self.w(j)
        today = self.today
        # numeric 12/3, 12/3/2026
        if tk.k == "d":
            parts = tk.v
            if len(parts) == 2:
                m, d = parts
                y = None
                if m > 12 and d <= 12:
                    return j + 1  # 2026/12 or 31/12: not a US date; ignore
            else:
                if parts[0] > 31:  # 2026/12/03
                    y, m, d = parts
                else:
                    m, d, y = parts
                    if m > 12 and d <= 12:
                        m, d = d, m
                    if y < 100:
                        y += 2000 if y + 2000 <= today.year + 5 else 1900
            self.add_date(y, m, d)
            return j + 1
        # month day: "dec 3", "december 3rd", "december the 3rd", "diciembre 3"
        if w in MONTHS:
            k = self.skip(j + 1, "the", ".")
            if self.tok(k) and self.tok(k).k == "p" and self.tok(k).v == ".":
                k += 1
            d = self.day_num(k)
            if d:
                day, k2 = d
                y, k2 = self.year_at(k2)
                self.add_date(y, MONTHS[w], day)
                sep, nxt = self.tok(k2), self.tok(k2 + 1)
                if sep and nxt and ((sep.k == "p" and sep.v == "-") or (sep.k == "w" and sep.v in ("through", "thru", "to", "until", "till", "and", "al", "a"))) \
                        and nxt.k in ("n", "o") and day < nxt.v <= 31 and self.w(k2 + 2) not in ("am", "pm", "oclock"):
                    if self.items and self.items[-1].kind == "date":
                        self.add("thru")
                        self.add_date(y, MONTHS[w], nxt.v)
                    return k2 + 2
                return k2
            return None
        # day month: "3 dec", "3rd of december", "3 de diciembre", "el 3 de diciembre"
        d = self.day_num(j)
        if d:
            day, k = d
            k2 = self.skip(k, "of", "de", "del")
            mw = self.w(k2)
            if k2 > k and day <= 31 and (self.words(k2, "the|next", "year") or self.words(k2, "the", "new", "year")):
                try:
                    self.add("date", date(today.year + 1, 1, day))
                except ValueError:
                    pass
                return k2 + (3 if self.w(k2 + 1) == "new" else 2)
            if k2 > k and (self.words(k2, "the|this|next|el|este", "month|mes") or self.words(k2, "month|mes") or self.words(k2, "the", "following", "month")
                           or self.words(k2, "next|proximo", "month|mes")):
                r = self.month_ref(k2, weak_ok=True)
                if r:
                    y, m, k3 = r
                    try:
                        dt = date(y, m, day)
                    except ValueError:
                        return k3
                    if dt < today and not self.words(k2, "next|proximo"):
                        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
                        dt = date(y, m, min(day, 28))
                    self.add("date", dt)
                    return k3
            if mw in MONTHS:
                y, k3 = self.year_at(k2 + 1)
                self.add_date(y, MONTHS[mw], day)
                return k3
            # "the 3rd", "on the 3rd", "el dia 3", "3rd" alone
            prev = self.w(j - 1)
            # "monday the fourteenth", "on the twenty-first" (not "the second" alone, an option's number, nor "the
            # first one", "the second week", "the first available")
            said_ordinal = tk.k == "w" and (tk.v in ORDINAL_WORDS or tk.v in ("twenty", "thirty")) \
                and (prev in WEEKDAYS or prev == "the" and self.w(j - 2) in set(WEEKDAYS) | {"on", "for", "until", "by"}) \
                and self.w(k) not in ORDINAL_UNITS | {"one", "ones", "option", "slot", "appointment", "appt", "choice", "available",
                                                      "time", "thing", "opening", "half", "visit"}
            if tk.k == "o" or said_ordinal \
                    or (tk.k == "n" and prev in ("dia",)) or (tk.k == "n" and prev == "el" and 4 <= tk.v <= 31 and self.w(k) not in ORDINAL_UNITS):
                if tk.k == "o" and self.w(k) in ("week", "option", "one", "slot", "appointment", "choice"):
                    return None
                if tk.k == "w" and self.w(k) in ("week",):
                    return None
                self.add_dom(day)
                return k
        return None

    def day_num(self, j: int):
        tk = self.tok(j)
        if tk is None:
            return None
        if tk.k in ("n", "o") and 1 <= tk.v <= 31:
            return tk.v, j + 1
        if tk.k == "w" and tk.v in ("twenty", "thirty"):
            k = j + 1 + (1 if self.tok(j + 1) and self.tok(j + 1).v == "-" else 0)
            if self.w(k) in ORDINAL_WORDS and ORDINAL_WORDS[self.w(k)] <= 9:
                n = (20 if tk.v == "twenty" else 30) + ORDINAL_WORDS[self.w(k)]
                return (n, k + 1) if n <= 31 else None
            return None
        if tk.k == "w" and tk.v in ORDINAL_WORDS:
            return ORDINAL_WORDS[tk.v], j + 1
        return None

    def year_at(self, j: int):
        k = j
        if self.tok(k) and self.tok(k).k == "p" and self.tok(k).v == ",":
            k += 1
        k = self.skip(k, "de", "del")
        tk = self.tok(k)
        if tk and tk.k == "n" and 1900 <= tk.v <= 2100:
            return tk.v, k + 1
        return None, j

    def add_date(self, y, m, d):
        today = self.today
        try:
            if y is None:
                dt = date(today.year, m, d)
                if dt < today:
                    if self.past_tense():
                        return  # "my last visit was 11/2": a past date, not a wish
                    dt = date(today.year + 1, m, d)
            else:
                dt = date(y, m, d)
        except ValueError:
            return
        if self.birth:
            return
        if dt < today or dt > today + timedelta(days=800):
            return  # a past date (a birth date), or far away: not a preference
        self.add("date", dt)

    def past_tense(self) -> bool:
        return any(t.k == "w" and t.v in PAST_CUES for t in self.t)

    def add_dom(self, day: int, weekday: int | None = None):
        """The next ``day`` of a month (of the next three); with ``weekday``, the next one that falls on it
        (of the next twelve months)."""
        today = self.today
        y, m = today.year, today.month
        for _ in range(3 if weekday is None else 12):
            try:
                dt = date(y, m, day)
                if dt >= today and (weekday is None or dt.weekday() == weekday):
                    self.add("date", dt)
                    return
            except ValueError:
                pass
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def holiday_phrase(self, j: int) -> int | None:
        w = self.w(j)
        name, k = None, j + 1
        if w == "thanksgiving":
            name = "thanksgiving"
        elif w == "christmas" or w == "nochebuena":
            name = "christmas"
            if self.words(j + 1, "eve"):
                name, k = "christmas eve", j + 2
            elif self.words(j + 1, "day"):
                k = j + 2
            if w == "nochebuena":
                name = "christmas eve"
        elif self.words(j, "new", "year|years") or self.words(j, "ano", "nuevo"):
            name, k = "new year", j + 2
            if self.words(k, "eve"):
                name, k = "new year eve", k + 1
            elif self.words(k, "day"):
                k += 1
        elif self.words(j, "labor|memorial|independence|presidents|mlk", "day"):
            name, k = f"{w} day", j + 2
        elif w in ("halloween",):
            name = w
        if name is None:
            return None
        today = self.today
        d = HOLIDAYS[name](today.year)
        if d < today - timedelta(days=14 if self.recent_ok else 0):
            d = HOLIDAYS[name](today.year + 1)
        self.add("date", d)
        self.items[-1].holiday = name
        if self.w(k) in ("week", "semana") and not self.recent_ok:
            ws = week_start(d)
            if ws + timedelta(days=7) <= today:
                ws = week_start(HOLIDAYS[name](today.year + 1))
            self.items[-1] = Item("range", (ws, ws + timedelta(days=7)))
            return k + 1
        return k

    def nth_weekday_phrase(self, j: int) -> int | None:
        k = self.skip(j, "the", "el")
        tk = self.tok(k)
        if tk is None:
            return None
        n = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1, "primer": 1, "primero": 1,
             "segundo": 2, "tercer": 3, "ultimo": -1}.get(self.w(k))
        if tk.k == "o" and 1 <= tk.v <= 4:
            n = tk.v
        if n is None or self.w(k + 1) not in WEEKDAYS or self.w(k + 2) not in ("of", "in", "de", "del"):
            return None
        r = self.month_ref(k + 3, weak_ok=True)
        if r is None:
            return None
        y, m, k2 = r
        wd = WEEKDAYS[self.w(k + 1)]
        for _ in range(2):
            d = nth_weekday(y, m, wd, n) if n > 0 else last_weekday(y, m, wd)
            if d.month == m and d >= self.today:
                self.add("date", d)
                return k2
            if self.w(self.skip(k + 3, "the", "el")) in MONTHS:
                y += 1
            else:
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return k2

    def weekday_phrase(self, j: int) -> int | None:
        w = self.w(j)
        # modifiers before: next / this / coming / el proximo / este / every / any / los
        mode = "plain"
        k = j
        if w in ("next", "proximo") and self.w(j + 1) in WEEKDAYS:
            mode, k = "next", j + 1
        elif w in ("this", "este", "esta") and self.w(j + 1) in WEEKDAYS:
            mode, k = "this", j + 1
        elif self.words(j, "this|the", "coming|following") and self.w(j + 2) in WEEKDAYS:
            mode, k = "coming", j + 2
        elif w in ("coming", "upcoming", "following") and self.w(j + 1) in WEEKDAYS:
            mode, k = "coming", j + 1
        elif w in ("every", "any", "all", "los", "todos") and self.w(j + 1) in WEEKDAYS:
            mode, k = "every", j + 1
        elif self.words(j, "todos", "los") and self.w(j + 2) in WEEKDAYS:
            mode, k = "every", j + 2
        elif self.words(j, "a", "week", "from") and self.w(j + 3) in WEEKDAYS:
            mode, k = "week_from", j + 3
        wd_word = self.w(k)
        if wd_word not in WEEKDAYS:
            return None
        if wd_word in ("sun", "sat") and mode == "plain" and k > 0 and self.tok(k - 1).k != "p" \
                and self.w(k - 1) not in ("on", "or", "and", "til", "until", "by", "from", "to", "thru", "through"):
            return None  # "I saw the sun", "I sat down": ordinary words unless something makes them days
        wd = WEEKDAYS[wd_word]
        k += 1
        if wd_word in WEEKDAY_PLURALS and mode == "plain":
            mode = "every"
        if mode == "plain" and self.w(j - 1) in ("los",):
            mode = "every"
        # modifiers after: "que viene", "proximo", "after next", "next week" (handled by week range)
        if self.words(k, "que", "viene") or self.words(k, "proximo"):
            mode = "next"
            k += 2 if self.w(k) == "que" else 1
        elif self.words(k, "after", "next"):
            mode = "after_next"
            k += 2
        elif self.words(k, "of", "next", "week") or self.words(k, "de", "la", "semana", "que", "viene"):
            mode = "next"
            k += 3 if self.w(k) == "of" else 5
        elif self.words(k, "of", "this", "week") or self.words(k, "de", "esta", "semana"):
            mode = "this"
            k += 3
        said_the = mode == "plain" and self.w(k) == "the"  # "monday the 11th"
        k2 = k + 1 if said_the else k
        nt = self.tok(k2)
        if mode == "plain" and nt is not None and nt.k in ("n", "o") and 1 <= nt.v <= 31 and self.w(k2 + 1) not in ("am", "pm", "oclock", "y", "to", "till", "until", "and", "or", "a") \
                and not (self.tok(k2 + 1) and self.tok(k2 + 1).k == "p" and self.tok(k2 + 1).v == "-"):
            before = len(self.items)
            # "monday the 11th" / "monday 11th": the next 11th that is a Monday; "monday 11" may be a clock time
            self.add_dom(nt.v, weekday=wd if said_the or nt.k == "o" else None)
            if len(self.items) > before and self.items[-1].data.weekday() == wd:
                return k2 + 1
            del self.items[before:]
        said = self.day_num(k2) if mode == "plain" and nt is not None and nt.k == "w" else None  # "monday (the) eighteenth"
        if said and (nt.v in ORDINAL_WORDS or nt.v in ("twenty", "thirty")) and self.w(said[1]) not in ORDINAL_UNITS | {"one", "option"}:
            before = len(self.items)
            self.add_dom(said[0], weekday=wd)
            if len(self.items) > before and self.items[-1].data.weekday() == wd:
                return said[1]
            del self.items[before:]
        self.add("wd", (wd, mode), every=(mode == "every"))
        return k

    def part_phrase(self, j: int) -> int | None:
        w = self.w(j)
        # early/late morning etc.
        if w in ("early", "late") and self.w(j + 1) in PARTS:
            p = self.w(j + 1)
            s, e = PARTS[p]
            if p.startswith("morning"):
                s, e = ((8 * 60, 10 * 60) if w == "early" else (10 * 60, 12 * 60))
            elif p.startswith("afternoon"):
                s, e = ((12 * 60, 15 * 60) if w == "early" else (15 * 60, 17 * 60))
            elif p.startswith("evening") or p.startswith("night"):
                s, e = ((17 * 60, 18 * 60 + 30) if w == "early" else (18 * 60 + 30, 20 * 60))
            self.add("time", TimeSpec([(s, e)]), every=p in PART_PLURALS)
            return j + 2
        if self.words(j, "first|earliest", "appointment|slot", "of|in", "the", "day") or self.words(j, "first", "thing"):
            if w == "earliest" or self.w(j + 1) != "thing":
                self.add("time", TimeSpec([(8 * 60, 9 * 60)]))
                return j + 5
            self.add("time", TimeSpec([(8 * 60, 9 * 60)]))
            k = j + 2
            if self.words(k, "in", "the", "morning"):
                k += 3
            return k
        if w in ("midmorning", "midafternoon") or (w == "mid" and self.w(j + 1 + (self.tok(j + 1) is not None and self.tok(j + 1).v == "-")) in ("morning", "afternoon")):
            part = w[3:] if w != "mid" else self.w(j + 1 + (self.tok(j + 1).v == "-"))
            self.add("time", TimeSpec([(9 * 60 + 30, 11 * 60 + 30) if part == "morning" else (13 * 60 + 30, 15 * 60 + 30)]))
            return j + 1 if w != "mid" else j + 2 + (self.tok(j + 1).v == "-")
        if self.words(j, "business|office|working|work|clinic", "hours") or self.words(j, "normal|regular", "hours"):
            self.add("time", TimeSpec([(8 * 60, 17 * 60)]))
            return j + 2
        if self.words(j, "after", "hours") or self.words(j, "after", "work", "hours"):
            self.add("time", TimeSpec([(17 * 60, 24 * 60)]))
            return j + 2
        if self.words(j, "end", "of", "the", "day") or self.words(j, "end", "of", "day") or self.words(j, "late", "in", "the", "day"):
            self.add("time", TimeSpec([(16 * 60, 20 * 60)]))
            return j + (4 if self.w(j + 2) == "the" else 3)
        if self.words(j, "early", "in", "the", "day"):
            self.add("time", TimeSpec([(8 * 60, 10 * 60)]))
            return j + 4
        if w in ("am", "pm") and not (self.tok(j - 1) and self.tok(j - 1).k == "n"):
            self.add("time", TimeSpec([MORNING if w == "am" else (12 * 60, 20 * 60)]), every=self.w(j + 1) in ("only",))
            return j + 1
        if w == "eve" and self.w(j - 1) not in ("christmas", "year", "years") and (len(self.t) == 1 or (self.items and self.items[-1].kind in ("date", "wd"))):
            self.add("time", TimeSpec([EVENING]))
            return j + 1
        if w in ("noon",):
            self.add("time", TimeSpec([(12 * 60, 13 * 60)], point=True))
            return j + 1
        if w in PARTS:
            every = w in PART_PLURALS or self.w(j - 1) in ("any", "every", "all", "las", "most")
            if w == "tarde" and self.w(j - 1) in ("mas", "llego", "llegar"):
                return None  # "mas tarde" = later, not "afternoon"
            self.add("time", TimeSpec([PARTS[w]]), every=every)
            return j + 1
        return None


def resolve_weekday(spec, today: date, scope) -> date:
    wd, mode = spec
    if mode == "next":
        return week_start(today) + timedelta(days=7 + wd)
    if mode == "this":
        d = week_start(today) + timedelta(days=wd)
        return d if d >= today else d + timedelta(days=7)
    d = today + timedelta(days=(wd - today.weekday()) % 7)
    if mode in ("coming", "after_next") and d == today:
        d += timedelta(days=7)
    if mode in ("after_next", "week_from"):
        d += timedelta(days=7)
    return d


# ---------------------------------------------------------------- grouping

@dataclass
class Group:
    neg: bool = False
    days: list = field(default_factory=list)  # Items of kind date / wd
    rng: tuple | None = None
    times: list = field(default_factory=list)  # TimeSpec
    every_time: bool = False
    wdset: frozenset | None = None
    after: str | None = None  # the separator said before it ("," / "or" / ...)
    any: bool = False

    def empty(self) -> bool:
        return not (self.days or self.rng or self.times or self.wdset or self.any)


def combine_day_ranges(items: list[Item], today: date) -> list[Item]:
    """'monday through wednesday', 'until friday', 'after tuesday' -> date ranges."""
    out: list[Item] = []
    items = [it for n, it in enumerate(items)
             if not (it.kind == "wd" and n + 2 < len(items) and items[n + 1].kind == "sep" and items[n + 1].data == ","
                     and items[n + 2].kind == "date" and items[n + 2].data.weekday() == it.data[0])]
    i = 0
    while i < len(items):
        it = items[i]
        if it.kind == "thru" and out and out[-1].kind in ("wd", "date") and i + 1 < len(items) and items[i + 1].kind in ("wd", "date"):
            a = out.pop()
            b = items[i + 1]
            da = a.data if a.kind == "date" else resolve_weekday(a.data, today, None)
            db = b.data if b.kind == "date" else resolve_weekday(b.data, today, None)
            scope = items[i + 2] if i + 2 < len(items) and items[i + 2].kind == "range" and a.kind == b.kind == "wd" else None
            if scope is not None:
                ws = week_start(scope.data[0])
                da, db = ws + timedelta(days=a.data[0]), ws + timedelta(days=b.data[0])
                i += 1
            if b.kind == "wd" and db < da:
                db += timedelta(days=7)
            out.append(Item("range", (da, db + timedelta(days=1))))
            i += 2
            continue
        if it.kind == "between_day" and i + 3 < len(items) and items[i + 1].kind in ("wd", "date") \
                and items[i + 2].kind == "sep" and items[i + 2].data in ("and", "y", "&") and items[i + 3].kind in ("wd", "date"):
            a, b = items[i + 1], items[i + 3]
            da = a.data if a.kind == "date" else resolve_weekday(a.data, today, None)
            db = b.data if b.kind == "date" else resolve_weekday(b.data, today, None)
            if db < da:
                db += timedelta(days=7)
            if a.holiday and b.holiday:
                out.append(Item("range", (da + timedelta(days=1), db)))
            else:
                out.append(Item("range", (da, db + timedelta(days=1))))
            i += 4
            continue
        if it.kind in ("until", "after_day", "before_day") and i + 1 < len(items) and items[i + 1].kind in ("wd", "date", "range"):
            b = items[i + 1]
            if b.kind == "range":
                ds, de = b.data
            else:
                ds = b.data if b.kind == "date" else resolve_weekday(b.data, today, None)
                de = ds + timedelta(days=1)
            if it.kind == "until":
                out.append(Item("range", (today, de)))
            elif it.kind == "before_day":
                out.append(Item("range", (today, ds)))
            else:
                start = ds if it.data == "inclusive" else de
                out.append(Item("range", (start, max(start, today) + timedelta(days=HORIZON_DAYS))))
            i += 2
            continue
        if it.kind in ("thru", "until", "after_day", "before_day", "between_day"):
            i += 1
            continue
        out.append(it)
        i += 1
    return out


def make_groups(items: list[Item]) -> list[Group]:
    groups: list[Group] = []
    cur = Group()
    neg = False

    def flush():
        nonlocal cur
        if not cur.empty():
            groups.append(cur)
        cur = Group(neg=neg)

    seg_start = 0
    for idx, it in enumerate(items):
        k = it.kind
        if k == "sep":
            if it.data in STRONG_SEPS or it.data in ("but", "pero", "however", "instead") or (it.data == "," and neg and not _list_continues(items, idx)):
                neg = False
            flush()
            cur.neg = neg
            cur.after = it.data
            seg_start = len(groups)
            continue
        if k == "neg":
            flush()
            neg = True
            cur.neg = True
            continue
        if k == "negpost":
            flush()
            for g in groups[seg_start:]:
                g.neg = True
            continue
        if k in ("date", "wd"):
            # "wednesday the 9th", "the afternoon of tuesday january 5": a weekday and the date right after it are one day
            dated_weekday = k == "date" and cur.days and cur.days[-1].kind == "wd" and items[idx - 1] is cur.days[-1]
            if (cur.days and not (it.kind == "wd" and cur.days[-1].kind == "date") and not dated_weekday) \
                    or (cur.times and cur.days and k == "date" and not dated_weekday):
                flush()
            if k == "wd" and cur.days and cur.days[-1].kind == "date":
                # "tomorrow tuesday": redundant; keep the date
                continue
            if k == "date" and cur.days and cur.days[-1].kind == "wd" and items[idx - 1] is cur.days[-1]:
                cur.days[-1] = it  # "wednesday the 9th": the date says it
                continue
            cur.days.append(it)
        elif k == "range":
            if cur.rng is not None:
                flush()
            cur.rng = it.data
        elif k == "wdset":
            cur.wdset = it.data
        elif k == "time":
            cur.times.append(it.data)
            cur.every_time = cur.every_time or it.every
        elif k == "any":
            cur.any = True
    flush()
    return groups


def _list_continues(items, idx) -> bool:
    """After 'except monday,': does a bare weekday follow (a list of exclusions)?"""
    nxt = items[idx + 1] if idx + 1 < len(items) else None
    after = items[idx + 2] if idx + 2 < len(items) else None
    return bool(nxt and nxt.kind == "wd" and (after is None or after.kind in ("sep",) and after.data in ("or", "and", ",")))


def intersect(specs: list[TimeSpec]) -> list[tuple[int, int]]:
    """Intersect the time specs of one group; ambiguous clock hours pick the reading that fits."""
    if not specs:
        return [DAY]
    cur = list(specs[0].alts)
    cur_point = specs[0].point
    for sp in specs[1:]:
        best = None
        for a in cur:
            for b in sp.alts:
                if cur_point and not sp.point:
                    if b[0] <= a[0] <= b[1]:
                        best = a
                elif sp.point and not cur_point:
                    if a[0] <= b[0] <= a[1]:
                        best = b
                else:
                    s, e = max(a[0], b[0]), min(a[1], b[1])
                    if s < e:
                        best = (s, e)
                if best:
                    break
            if best:
                break
        if best is None:
            # incompatible (e.g. "morning at 3"): trust the more specific clock reading
            best = sp.alts[0] if sp.point else cur[0]
        cur = [best]
        cur_point = cur_point or sp.point
    return cur[:1]
