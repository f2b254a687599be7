"""Words the time-preference rules know, SMS spellings, and a small typo matcher.

Every word is lower-cased and stripped of accents before lookup ("mañana" -> "manana",
"miércoles" -> "miercoles"), so English and Spanish share one table.
"""
from __future__ import annotations

from functools import lru_cache

WEEKDAYS = {
    "monday": 0, "mon": 0, "mondays": 0, "lunes": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "tuesdays": 1, "martes": 1,
    "wednesday": 2, "wed": 2, "weds": 2, "wednesdays": 2, "miercoles": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "thursdays": 3, "jueves": 3,
    "friday": 4, "fri": 4, "fridays": 4, "viernes": 4,
    "saturday": 5, "sat": 5, "saturdays": 5, "sabado": 5, "sabados": 5,
    "sunday": 6, "sun": 6, "sundays": 6, "domingo": 6, "domingos": 6,
}
WEEKDAY_PLURALS = {"mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "sabados", "domingos"}

MONTHS = {
    "january": 1, "jan": 1, "enero": 1,
    "february": 2, "feb": 2, "febrero": 2,
    "march": 3, "mar": 3, "marzo": 3,
    "april": 4, "apr": 4, "abril": 4,
    "may": 5, "mayo": 5,
    "june": 6, "jun": 6, "junio": 6,
    "july": 7, "jul": 7, "julio": 7,
    "august": 8, "aug": 8, "agosto": 8,
    "september": 9, "sep": 9, "sept": 9, "septiembre": 9, "setiembre": 9,
    "october": 10, "oct": 10, "octubre": 10,
    "november": 11, "nov": 11, "noviembre": 11,
    "december": 12, "dec": 12, "diciembre": 12,
}
# month words that are also ordinary words: a month only next to a number or a month-part word
WEAK_MONTHS = {"may", "mar", "march", "april", "june", "august", "jun", "sep", "dec", "jan", "oct", "aug", "apr", "jul", "feb", "nov"}

# SMS spellings, abbreviations and common misspellings -> canonical word(s)
ALIASES = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tmrow": "tomorrow", "tmro": "tomorrow",
    "tomoz": "tomorrow", "2morrow": "tomorrow", "2moro": "tomorrow", "2morow": "tomorrow", "2mrw": "tomorrow",
    "2mrow": "tomorrow", "2mro": "tomorrow", "tmorrow": "tomorrow", "tomoro": "tomorrow", "tomorow": "tomorrow",
    "tommorow": "tomorrow", "tommorrow": "tomorrow", "tommorw": "tomorrow", "tomm": "tomorrow",
    "tmrrw": "tomorrow", "morrow": "tomorrow",
    "2day": "today", "tdy": "today", "tody": "today", "toady": "today", "tday": "today",
    "2nite": "tonight", "2night": "tonight", "tonite": "tonight", "tnite": "tonight", "tonigt": "tonight",
    "nxt": "next", "nex": "next", "next": "next",
    "wk": "week", "wks": "weeks", "wek": "week", "weeek": "week",
    "wknd": "weekend", "wkend": "weekend", "wkd": "weekend", "weeknd": "weekend", "wkends": "weekends",
    "wkdays": "weekdays", "wkday": "weekday",
    "aft": "afternoon", "aftn": "afternoon", "aftnoon": "afternoon", "arvo": "afternoon", "afternon": "afternoon",
    "afternoons": "afternoons", "afty": "afternoon", "afternnon": "afternoon",
    "mornin": "morning", "morn": "morning", "mornings": "mornings", "mrng": "morning", "mrning": "morning",
    "mornign": "morning", "morng": "morning",
    "evenin": "evening", "evng": "evening", "evnin": "evening",
    "b4": "before", "bfr": "before", "befor": "before", "btwn": "between", "btw": "between", "betwen": "between",
    "aftr": "after", "afer": "after", "til": "until", "till": "until", "untill": "until",
    "thru": "through", "tho": "though",
    "wensday": "wednesday", "wendsday": "wednesday", "wednsday": "wednesday", "wedsday": "wednesday",
    "wedensday": "wednesday", "wednessday": "wednesday",
    "thrusday": "thursday", "thursdy": "thursday", "thurday": "thursday", "thrs": "thursday", "thr": "thursday",
    "tuesay": "tuesday", "teusday": "tuesday", "tusday": "tuesday", "tuseday": "tuesday",
    "frdy": "friday", "frday": "friday", "fridy": "friday",
    "satday": "saturday", "saterday": "saturday", "sunday": "sunday",
    "mondy": "monday", "monady": "monday",
    "asap": "asap", "asp": "asap", "a.s.a.p": "asap",
    "noon": "noon", "midday": "noon", "mediodia": "noon", "12noon": "noon",
    "appt": "appointment", "midmorning": "midmorning", "midafternoon": "midafternoon", "appts": "appointments", "lunchtime": "lunch", "noonish": "noon", "latest": "latest",
    "oclock": "oclock", "o'clock": "oclock",
    "nye": "new year eve", "xmas": "christmas", "x-mas": "christmas", "navidad": "christmas",
    "thanksgivin": "thanksgiving", "thanksgving": "thanksgiving", "tgiving": "thanksgiving",
    "cant": "can't", "cannot": "can't", "dont": "don't", "doesnt": "doesn't", "wont": "won't", "isnt": "isn't",
    "arent": "aren't",
    "mnn": "manana", "mnna": "manana", "mana": "manana", "sig": "siguiente", "sigte": "siguiente", "q": "que",
    "d": "de", "dsps": "despues", "dps": "despues", "desp": "despues", "alas": "a las", "xq": "porque",
    "prox": "proximo", "proxima": "proximo", "sem": "semana", "mnana": "manana", "mñn": "manana",
    "mna": "manana",
}

# targets of the typo matcher (tokens of >= 5 letters, edit distance 1; >= 8 letters, distance 2)
FUZZY_TARGETS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "april", "august", "september", "october", "november", "december",
    "tomorrow", "today", "tonight", "morning", "mornings", "afternoon", "afternoons", "evening", "evenings",
    "weekend", "weekends", "weekdays", "thanksgiving", "christmas", "between", "earliest", "soonest",
    "anytime", "whenever", "except", "manana", "miercoles", "viernes", "sabado", "domingo", "semana",
    "proximo", "despues", "tarde",
)
# words that look like a typo of a target but are ordinary words
NOT_TYPOS = {
    "christian", "christina", "christine", "christos", "domino", "excerpt", "meanings", "morphing", "mounting",
    "trade", "targe", "wherever", "mornington", "moaning", "mooring", "sunray", "sundae", "mondo", "frieda", "freda",
    "money", "sunny", "monkey", "frida", "fried", "friend", "fries", "weakend", "evenly", "events", "every",
    "later", "tardy", "toddy", "tidy", "daddy", "mommy", "sorry", "worry", "today's", "mourn",
    "ever", "even", "event", "eventually", "except", "expect", "accept", "where", "where's", "whenever",
    "monthly", "mostly", "moody", "modern", "bender", "sender", "center", "thursty", "manage", "mango",
    "seman", "remain", "domain", "tasted", "tested", "taste", "tarte",
}

ACCENTS = str.maketrans("áéíóúüñàèìòùâêîôûç", "aeiouunaeiouaeiouc")


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@lru_cache(maxsize=4096)
def fuzzy(word: str) -> str | None:
    """The target a misspelt word most likely means, or None."""
    if len(word) < 5 or word in NOT_TYPOS or not word.isalpha():
        return None
    limit = 2 if len(word) >= 8 else 1
    best, best_d = None, limit + 1
    for target in FUZZY_TARGETS:
        if abs(len(target) - len(word)) > limit or target[0] != word[0]:
            continue
        d = damerau(word, target, limit)
        if d < best_d:
            best, best_d = target, d
    return best if best_d <= limit else None
