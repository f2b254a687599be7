"""A clinician the patient asks for by name, looked up in the scheduler's directory: "I want to see
Dr. Boyce", "Dr. Beverly Crusher", "doctor leonard mccoy", "can I see Beverly" (a first name alone,
when one clinician has it), "with julian please". The Practitioner, and their PractitionerRole for
the specialty, so "what's the visit for" need not be asked. Anything else that follows "doctor"
("a skin doctor tomorrow") finds no one and changes nothing; a "Dr. Someone" who isn't in the
directory is reported back (``unknown``) so the patient is not booked with another clinician silently."""
from __future__ import annotations

import logging
import re

from actions.care import care_from_text, specialty_name
from actions.common import _NOT_NAME_WORDS, client

log = logging.getLogger("schedbot.actions.clinicians")

_WORD = r"[A-Za-z][A-Za-z'\-]{1,40}"
# (lookaheads, so that "like to see beverly" is tried at "like", "to" and "see")
# ("dr." is a title; "a family doctor. Crispin Delacourt, ..." is the end of a sentence, then the patient's name)
_NAMED = re.compile(rf"\b(?:dr\.?|doctor|doc)(?=\s+({_WORD})(?:\s+({_WORD}))?)", re.I)
# without a title: "see beverly", "with julian crusher", "book me in with pulaski", "prefer mccoy"
_SEE = re.compile(rf"\b(?:see|seeing|with|prefer|preferably|by|want|wants|like)(?=\s+({_WORD})(?:\s+({_WORD}))?)", re.I)
_NOT_A_NAME = {"about", "and", "appointment", "appt", "asap", "at", "for", "in", "next", "on", "please", "pls",
               "that", "this", "today", "tomorrow", "tmrw", "who", "visit", "office", "soon", "asap", "near"}
_STOP = _NOT_A_NAME | _NOT_NAME_WORDS | {
    "someone", "anyone", "anybody", "whoever", "a", "an", "the", "my", "your", "our", "his", "her", "their", "them", "him",
    "insurance", "cash", "pay", "self", "morning", "afternoon", "evening", "night", "noon", "earliest", "soonest",
    "available", "openings", "opening", "time", "times", "slot", "slots", "day", "days", "doc", "doctor", "dr", "md",
    "specialist", "pediatrician", "dermatologist", "gastroenterologist", "family", "female", "male", "woman", "man",
    "lady", "guy", "same", "different", "other", "another", "regular", "usual", "new", "it", "us", "u", "ya", "there",
    "be", "go", "come", "come in", "book", "schedule", "make", "cancel", "change", "move", "know", "check", "more",
    "said", "says", "told", "tells", "recommended", "recommends", "referred", "refer", "wants", "gave", "prescribed",
    "thinks", "note", "visit", "visits", "office", "orders", "ordered", "asked", "suggested", "appt", "appointment",
    # "a regular doctor instead", "the doctor then": words that end a request, not names
    "instead", "then", "now", "later", "earlier", "again", "too", "also", "thanks", "thank", "anytime", "sometime",
    # Spanish: "el doctor de familia", "la doctora para mi hijo"
    "de", "del", "la", "el", "para", "familia", "general", "por", "con",
}


_NOT_THIS_ONE = re.compile(r"\b(not|instead of|rather than|other than|except|anyone but|anybody but)(\s+with)?\s*$", re.I)


def named_clinician(text: str) -> str | None:
    """The name after "Dr."/"doctor" (the family name, or the first of "Dr. Beverly Crusher"), or None."""
    m = _NAMED.search(text or "")
    if m and m.group(1).lower() not in _NOT_A_NAME and _usable(m.group(1)):
        return m.group(1)
    return None


def _usable(word: str | None) -> bool:
    return bool(word) and word.lower() not in _STOP and not care_from_text(word)[0]


def name_candidates(text: str, bare: bool = False) -> list[tuple[str, str | None, bool]]:
    """(first word, second word or None, titled) for each place a clinician may be named."""
    out: list[tuple[str, str | None, bool]] = []
    for pattern, titled in ((_NAMED, True), (_SEE, False)):
        for m in pattern.finditer(text or ""):
            a, b = m.group(1), m.group(2)
            if not _usable(a) or _NOT_THIS_ONE.search((text or "")[:m.start()]):
                continue  # ("not Dr. Billingsley": anyone but)
            cand = (a, b if _usable(b) else None, titled)
            if cand[:2] not in [c[:2] for c in out]:
                out.append(cand)
    if bare and not out:  # the whole answer is a name: "beverly crusher", "mccoy"
        words = (text or "").strip(" .!?").split()
        if 1 <= len(words) <= 2 and all(_usable(w) and re.fullmatch(_WORD, w) for w in words):
            out.append((words[0], words[1] if len(words) == 2 else None, False))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower())


def _givens(p) -> list[str]:
    return [_norm(g) for n in (p.name or []) for g in (n.given or [])]


def _families(p) -> list[str]:
    return [_norm(n.family) for n in (p.name or []) if n.family]


async def _resolve(a: str, b: str | None) -> list:
    """The practitioners that "a b" (or "a" alone) names: family name, first + family, or a first name."""
    fhir = client()
    if b:  # "Beverly Crusher" (or "Crusher Beverly")
        for given, family in ((a, b), (b, a)):
            found = [p for p in await fhir.search_practitioners(family=family) if _norm(family) in _families(p)]
            both = [p for p in found if any(g == _norm(given) or (len(_norm(given)) >= 3 and g.startswith(_norm(given)))
                                          for g in _givens(p))]
            if both:
                return both
    found = [p for p in await fhir.search_practitioners(family=a) if _norm(a) in _families(p)]
    if found:
        return found
    by_given = await fhir.search_practitioners(given=a)
    exact = [p for p in by_given if _norm(a) in _givens(p)]
    if exact:
        return exact
    return [p for p in by_given if len(_norm(a)) >= 3 and any(g.startswith(_norm(a)) for g in _givens(p))]


async def clinician_slots(text: str, bare: bool = False) -> dict:
    """Slots for the clinician named in ``text`` when exactly one practitioner fits: practitioner, and
    care/specialty from their role. ``{"unknown": "Dr. X"}`` when someone was named with a title and
    no one fits; empty otherwise. ``bare``: the whole text may be just the name."""
    from actions.fhir import SchedulerError

    try:
        unknown = None
        for a, b, titled in name_candidates(text, bare):
            found = await _resolve(a, b)
            if len(found) == 1:
                return await _slots_for(found[0])
            if len(found) > 1:
                log.info("event=clinician_ambiguous matches=%d", len(found))
                return {}
            if titled and unknown is None:  # ("I'm Dr. Smith's patient": Dr. Smith)
                unknown = " ".join(w[:1].upper() + re.sub(r"'s$", "", w[1:]) for w in (a, b) if w)
        if unknown:
            log.info("event=clinician_not_found")
            return {"unknown": f"Dr. {unknown}"}
        return {}
    except SchedulerError:  # the booking's own $find meets the outage and says so
        log.warning("event=clinician_lookup_failed")
        return {}


async def _slots_for(practitioner) -> dict:
    roles = await client().practitioner_roles(practitioner.id)
    out = {"practitioner": practitioner.id}
    spec = next((c.code for r in roles for s in (r.specialty or []) for c in (s.coding or []) if c.code), None)
    if spec:
        out.update({"care": specialty_name(spec), "specialty": spec})
    log.info("event=clinician_named practitioner=%s", practitioner.id)
    return out


# "a female doctor", "can i see a woman", "preferably a male physician": who the patient would rather see
_GENDER = re.compile(r"\b(?:(?P<f>female|woman|women|lady)|(?P<m>male|man|men|gentleman|guy))\s+(?:doctor|dr|doc|physician|provider|"
                     r"clinician|dermatologist|pediatrician|gastroenterologist|gp|one)s?\b|"
                     r"\b(?:see|with|prefer|rather have|want)\s+(?:a\s+)?(?:(?P<f2>woman|female|lady)|(?P<m2>man|male))\b(?!\s+(?:who|that))", re.I)


def gender_wanted(text: str) -> str | None:
    """ "female" / "male" when the patient asks for a woman or a man as their clinician, else None."""
    m = _GENDER.search(text or "")
    if not m:
        return None
    return "female" if m.group("f") or m.group("f2") else "male"


async def any_of_gender(specialty: str | None, gender: str) -> bool | None:
    """Whether any of the clinic's clinicians of that specialty has that gender on their record (None
    when the directory can't be read: then nothing is said about who works here)."""
    from actions.fhir import SchedulerError

    try:
        refs = {r.practitioner.reference for r in await client().roles(specialty) if r.practitioner and r.practitioner.reference}
        return any([getattr(await client().practitioner(ref), "gender", None) == gender for ref in sorted(refs)])
    except SchedulerError:
        log.warning("event=directory_unreadable")
        return None


async def of_gender(appts: list, gender: str) -> list:
    """The appointments whose clinician has that gender on their Practitioner record."""
    out = []
    for appt in appts:
        refs = [p.actor.reference for p in (appt.participant or []) if p.actor and (p.actor.reference or "").startswith("Practitioner/")]
        try:
            if refs and getattr(await client().practitioner(refs[0]), "gender", None) == gender:
                out.append(appt)
        except Exception:  # noqa: BLE001 - an unreadable record: not offered as what was asked for
            log.warning("event=practitioner_unreadable")
    return out



# "which dermatologists do you have?", "who are your doctors?": the clinic's directory (not "which doctor is free monday")
DIRECTORY_QUESTION = re.compile(r"\b(which|what|who)\s+(?:\w+\s+){0,2}(doctors|dermatologists|pediatricians|gastroenterologists|"
                                r"physicians|providers|clinicians|specialists|gps)\b(?!\s+(?:is|are)\s+(?:free|available|open))|"
                                r"\bwho\s+(?:are|r)\s+(?:your|the|ur)\s+(?:\w+\s+)?(doctors?|dermatologists?|pediatricians?|"
                                r"gastroenterologists?|physicians?|providers?|clinicians?)\b", re.I)


async def directory_text(question: str) -> str:
    """Who the clinic's clinicians are, of the specialty the question names or all, from the scheduler."""
    spec = care_from_text(question)[0]
    by_specialty: dict[str, list[str]] = {}
    places: set[str] = set()
    for role in await client().roles(spec):
        name = role.practitioner.display if role.practitioner else None
        codes = [c.code for s in (role.specialty or []) for c in (s.coding or []) if c.code]
        if not name or not codes or (spec and spec not in codes):
            continue
        names = by_specialty.setdefault(spec or codes[0], [])
        if name not in names:
            names.append(name)
        places.update(loc.display for loc in (role.location or []) if loc.display)
    if not by_specialty:
        return "I couldn't find our clinicians for that just now. The front desk can tell you."
    if spec:
        names = by_specialty[spec]
        where = f", at {' and '.join(sorted(places))}" if 0 < len(places) <= 2 else ""
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
        return f"Our {specialty_name(spec)} clinicians: {who}{where}. You can ask for one by name."
    parts = [f"{specialty_name(code).capitalize()}: {', '.join(n.split()[0] + ' ' + n.split()[-1] for n in names)}"
             for code, names in by_specialty.items()]
    return "; ".join(parts) + ". You can ask for one by name."
