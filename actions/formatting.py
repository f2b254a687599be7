"""Patient-facing wording of times and appointments, in one place.

Everything here is in the clinic's time zone (``SCHEDBOT_TZ``, default America/Los_Angeles) and
never shows an id, an ISO timestamp or "None":

    when_text(dt)                      -> "Tue Dec 1, 9:15 AM"
    describe_appointment(appt, names)  -> "Tue Dec 1, 9:15 AM with Dr. Boyce at San Jose Dermatology Clinic"
    option_lines(appts, names)         -> "1) Tue Dec 1, 9:15 AM with Dr. Boyce at ...\n2) ..."  (<= 320 chars)

``names`` maps participant references ("Practitioner/arg-s-1", "Location/arg-s-1") to display
names; build it with ``await display_names(client, appts)``, which uses the client's cached reads.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

log = logging.getLogger("actions.formatting")

SMS_LIMIT = 320
CLINICIAN_TYPES = ("Practitioner", "PractitionerRole")
PLACE_TYPES = ("Location", "HealthcareService")

__all__ = [
    "SMS_LIMIT",
    "clinic_tz",
    "when_text",
    "day_text",
    "clock_text",
    "clinician_name",
    "place_name",
    "describe_appointment",
    "option_list",
    "option_lines",
    "practitioner_display",
    "location_display",
    "display_names",
    "safe_text",
]


# -- time -----------------------------------------------------------------------------------------


def clinic_tz(tz: str | tzinfo | None = None) -> tzinfo:
    """A tzinfo for ``tz`` (name or tzinfo), defaulting to SCHEDBOT_TZ / America/Los_Angeles."""
    if isinstance(tz, tzinfo):
        return tz
    name = tz or os.environ.get("SCHEDBOT_TZ") or "America/Los_Angeles"
    try:
        return ZoneInfo(name)
    except Exception:  # unknown zone name: fall back to the clinic default rather than crash a turn
        log.warning("formatting.bad_tz")
        return ZoneInfo("America/Los_Angeles")


def _local(dt: datetime | str, tz: str | tzinfo | None) -> datetime:
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(clinic_tz(tz))


def clock_text(dt: datetime | str, tz: str | tzinfo | None = None) -> str:
    """ "9:15 AM", "12 PM" is written "12:00 PM" (unambiguous on a phone screen)."""
    d = _local(dt, tz)
    hour = d.hour % 12 or 12
    return f"{hour}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"


def day_text(dt: datetime | date | str, tz: str | tzinfo | None = None, now: datetime | None = None) -> str:
    """ "Tue Dec 1" (plus the year when it is not within the coming ~11 months of ``now``)."""
    if isinstance(dt, date) and not isinstance(dt, datetime):
        d: date = dt
    else:
        d = _local(dt, tz).date()
    text = f"{d.strftime('%a')} {d.strftime('%b')} {d.day}"
    if now is not None:
        today = _local(now, tz).date()
        if d < today - timedelta(days=60) or d > today + timedelta(days=330):
            text += f", {d.year}"
    return text


def when_text(
    dt: datetime | str,
    tz: str | tzinfo | None = None,
    now: datetime | None = None,
    relative: bool = False,
) -> str:
    """ "Tue Dec 1, 9:15 AM" in the clinic's zone; with ``relative`` and ``now``:
    "today, 9:15 AM" / "tomorrow, 9:15 AM" when natural."""
    if dt is None:
        return "a time to be confirmed"
    zone = clinic_tz(tz)
    local = _local(dt, zone)
    if relative and now is not None:
        today = _local(now, zone).date()
        if local.date() == today:
            return f"today, {clock_text(local, zone)}"
        if local.date() == today + timedelta(days=1):
            return f"tomorrow, {clock_text(local, zone)}"
    return f"{day_text(local, zone, now)}, {clock_text(local, zone)}"


# -- names ----------------------------------------------------------------------------------------

_ID_LIKE = re.compile(r"^[A-Za-z0-9\-\.]{1,64}$")


def safe_text(value: Any) -> str | None:
    """A display string fit for a patient, or None (empty, "None", a reference or an id-like token)."""
    if value is None:
        return None
    s = " ".join(str(value).split())
    if not s or s.lower() in ("none", "null", "unknown") or "/" in s or "://" in s:
        return None
    if _ID_LIKE.match(s) and any(ch.isdigit() for ch in s):
        return None
    return s


def _ref(actor: Any) -> str | None:
    ref = getattr(actor, "reference", None) if actor is not None else None
    if not ref:
        return None
    parts = str(ref).split("/_history/")[0].rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


def _participants(appt: Any) -> list:
    return list(getattr(appt, "participant", None) or [])


def _actor_name(appt: Any, names: Mapping[str, str] | None, types: Sequence[str]) -> str | None:
    names = names or {}
    for p in _participants(appt):
        actor = getattr(p, "actor", None)
        ref = _ref(actor)
        rtype = ref.split("/")[0] if ref else None
        if rtype is not None and rtype not in types:
            continue
        if ref and safe_text(names.get(ref)):
            return safe_text(names.get(ref))
        display = safe_text(getattr(actor, "display", None)) if actor is not None else None
        if display and (rtype in types or (rtype is None and _looks_like(display, types))):
            return display
    return None


def _looks_like(display: str, types: Sequence[str]) -> bool:
    clinician = display.lower().startswith(("dr", "doctor", "nurse", "np ", "pa "))
    return clinician if "Practitioner" in types else not clinician


def clinician_name(appt: Any, names: Mapping[str, str] | None = None) -> str | None:
    """ "Dr. Boyce" for the appointment's practitioner, or None."""
    return _actor_name(appt, names, CLINICIAN_TYPES)


def place_name(appt: Any, names: Mapping[str, str] | None = None) -> str | None:
    """ "San Jose Dermatology Clinic" for the appointment's location, or None."""
    return _actor_name(appt, names, PLACE_TYPES)


def describe_appointment(
    appt: Any,
    names: Mapping[str, str] | None = None,
    tz: str | tzinfo | None = None,
    now: datetime | None = None,
    relative: bool = False,
    with_place: bool = True,
    with_clinician: bool = True,
) -> str:
    """ "Tue Dec 1, 9:15 AM with Dr. Boyce at San Jose Dermatology Clinic"."""
    start = getattr(appt, "start", None)
    text = when_text(start, tz, now, relative) if start else "a time to be confirmed"
    who = clinician_name(appt, names) if with_clinician else None
    where = place_name(appt, names) if with_place else None
    if who:
        text += f" with {who}"
    if where:
        text += f" at {where}"
    return text


def option_list(
    appts: Iterable[Any],
    names: Mapping[str, str] | None = None,
    tz: str | tzinfo | None = None,
    now: datetime | None = None,
    max_chars: int = SMS_LIMIT,
    start_index: int = 1,
    header: str | None = None,
) -> list[str]:
    """Numbered option lines ("1) Tue Dec 1, 9:15 AM with Dr. Boyce at ..."), shortened so that
    header + lines joined by newlines fit in ``max_chars``: first the place is dropped, then the
    clinician, then trailing options."""
    appts = list(appts)
    budget = max_chars - (len(header) + 1 if header else 0)
    lines: list[str] = []
    for with_place, with_clinician in ((True, True), (False, True), (False, False)):
        lines = [
            f"{i}) " + describe_appointment(a, names, tz, now, with_place=with_place, with_clinician=with_clinician)
            for i, a in enumerate(appts, start_index)
        ]
        if len("\n".join(lines)) <= budget:
            return lines
    while lines and len("\n".join(lines)) > budget:
        lines.pop()
    return lines


def option_lines(
    appts: Iterable[Any],
    names: Mapping[str, str] | None = None,
    tz: str | tzinfo | None = None,
    now: datetime | None = None,
    max_chars: int = SMS_LIMIT,
    start_index: int = 1,
    header: str | None = None,
) -> str:
    """``option_list`` as one message (header first when given), at most ``max_chars`` long."""
    lines = option_list(appts, names, tz, now, max_chars, start_index, header)
    return "\n".join(([header] if header else []) + lines)


# -- reading display names through the client ----------------------------------------------------


def practitioner_display(practitioner: Any) -> str | None:
    """ "Dr. Boyce" from a Practitioner (prefix + family), else "Given Family", else name.text."""
    for name in getattr(practitioner, "name", None) or []:
        family = safe_text(getattr(name, "family", None))
        prefix = [p for p in (getattr(name, "prefix", None) or []) if safe_text(p)]
        given = [g for g in (getattr(name, "given", None) or []) if safe_text(g)]
        if family and prefix:
            pre = prefix[0].strip()
            if pre.lower() in ("dr", "mr", "mrs", "ms", "prof"):
                pre += "."
            return f"{pre} {family}"
        if family and given:
            return f"{given[0]} {family}"
        if family:
            return family
        if safe_text(getattr(name, "text", None)):
            return safe_text(name.text)
    return None


def location_display(location: Any, organization: Any = None) -> str | None:
    """The place to tell a patient: the organization's name when the location's name is only a
    part of it ("San Jose" of "San Jose Dermatology Clinic"), else the location's own name."""
    loc = safe_text(getattr(location, "name", None)) if location is not None else None
    org = safe_text(getattr(organization, "name", None)) if organization is not None else None
    if org and (not loc or loc.lower() in org.lower()):
        return org
    return loc or org


async def display_names(client: Any, appts: Iterable[Any]) -> dict[str, str]:
    """``{"Practitioner/x": "Dr. Boyce", "Location/y": "San Jose Dermatology Clinic", ...}`` for the
    participants of ``appts``, read through the client's cached reads. Failures (not found, server
    down) just leave a name out: describe_appointment then falls back to the actor's display."""
    refs: list[str] = []
    for appt in appts:
        for p in _participants(appt):
            ref = _ref(getattr(p, "actor", None))
            if ref and ref.split("/")[0] in CLINICIAN_TYPES + PLACE_TYPES and ref not in refs:
                refs.append(ref)

    async def one(ref: str) -> tuple[str, str | None]:
        rtype, rid = ref.split("/", 1)
        try:
            if rtype == "Practitioner":
                return ref, practitioner_display(await client.practitioner(rid))
            if rtype == "PractitionerRole":
                role = await client.practitioner_role(rid)
                if getattr(role, "practitioner", None) is not None and role.practitioner.reference:
                    return ref, practitioner_display(await client.practitioner(role.practitioner.reference))
                return ref, safe_text(getattr(role.practitioner, "display", None)) if role.practitioner else None
            if rtype == "Location":
                loc = await client.location(rid)
                org = None
                mo = getattr(loc, "managingOrganization", None)
                if mo is not None and getattr(mo, "reference", None):
                    try:
                        org = await client.organization(mo.reference)
                    except Exception:  # noqa: BLE001 - the location name alone is still fine
                        org = None
                return ref, location_display(loc, org)
            if rtype == "HealthcareService":
                hs = await client.read("HealthcareService", rid)
                return ref, safe_text(getattr(hs, "name", None))
        except Exception as exc:  # noqa: BLE001 - a missing name must never break a turn
            log.info("formatting.name_unavailable type=%s error=%s", rtype, type(exc).__name__)
        return ref, None

    results = await asyncio.gather(*(one(r) for r in refs))
    return {ref: name for ref, name in results if name}
