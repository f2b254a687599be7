"""A clinician the patient asks for by name ("I want to see Dr. Boyce", "doctor boyce"), looked up in
the scheduler's directory: the Practitioner by family name, and their PractitionerRole for the
specialty, so "what's the visit for" need not be asked. Anything else that follows "doctor"
("a skin doctor tomorrow") finds no one and changes nothing."""
from __future__ import annotations

import logging
import re

from actions.care import specialty_name
from actions.common import client

log = logging.getLogger("schedbot.actions.clinicians")

_NAMED = re.compile(r"\b(?:dr|doctor|doc)\.?\s+([A-Za-z][A-Za-z'\-]{1,40})", re.I)
_NOT_A_NAME = {"about", "and", "appointment", "appt", "asap", "at", "for", "in", "next", "on", "please", "pls",
               "that", "this", "today", "tomorrow", "tmrw", "who", "visit", "office", "soon", "asap", "near"}


def named_clinician(text: str) -> str | None:
    """The family name after "Dr."/"doctor", or None."""
    m = _NAMED.search(text or "")
    if m and m.group(1).lower() not in _NOT_A_NAME:
        return m.group(1)
    return None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower())


async def clinician_slots(text: str) -> dict:
    """Slots for the clinician named in ``text`` when exactly one practitioner has that family name:
    practitioner, and care/specialty from their role. Empty when no one (or several) match."""
    from actions.fhir import SchedulerError

    family = named_clinician(text)
    if not family:
        return {}
    try:
        found = [p for p in await client().search_practitioners(family=family)
                 if any(_norm(n.family) == _norm(family) for n in (p.name or []))]
        if len(found) != 1:
            log.info("event=clinician_not_found matches=%d", len(found))
            return {}
        roles = await client().practitioner_roles(found[0].id)
    except SchedulerError:  # the booking's own $find meets the outage and says so
        log.warning("event=clinician_lookup_failed")
        return {}
    out = {"practitioner": found[0].id}
    spec = next((c.code for r in roles for s in (r.specialty or []) for c in (s.coding or []) if c.code), None)
    if spec:
        out.update({"care": specialty_name(spec), "specialty": spec})
    log.info("event=clinician_named practitioner=%s", found[0].id)
    return out
