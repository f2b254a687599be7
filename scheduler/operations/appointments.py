"""Appointment resources as the operations emit them, and proposed-appointment ids.

A proposed appointment ($find) is not stored: its id names the slots it covers,
`prop.<schedule id>.<UTC start YYYYMMDDHHMM>.<number of 15-minute slots>[.<visit type>]`, so it stays
usable by $hold/$book across restarts for as long as those slots are free, and fails cleanly (409)
once they are taken. Held and booked appointments are stored with their own ids.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from .common import APPT_PROFILE, VISIT_TYPE_SYSTEM, iso

PREFIX = "prop."
SLOT_SECONDS = 15 * 60
VISIT_MINUTES = {"new-patient": 30, "consult": 30, "physical": 30, "well-child": 30, "procedure": 30,
                 "minor-surgery": 30, "egd": 45}
VISIT_DISPLAY = {"office-visit": "OFFICE VISIT", "new-patient": "NEW PATIENT", "follow-up": "FOLLOW UP",
                 "consult": "CONSULTATION", "physical": "PHYSICAL", "well-child": "WELL CHILD",
                 "vaccine": "VACCINATION", "flu-shot-clinic": "INFLUENZA VACCINATION CLINIC", "urgent": "URGENT",
                 "same-day": "SAME DAY", "procedure": "PROCEDURE", "minor-surgery": "MINOR SURGERY",
                 "egd": "ESOPHAGOGASTRODUODENOSCOPY(EGD)"}
_PROPOSED = re.compile(r"^prop\.([A-Za-z0-9\-]{1,40})\.(\d{12})\.(\d{1,2})(?:\.([a-z\-]{1,30}))?$")
PARTICIPANT_STATUS = {"proposed": "needs-action", "pending": "tentative", "booked": "accepted",
                      "cancelled": "declined"}


def slots_needed(visit_type: str | None) -> int:
    return max(1, VISIT_MINUTES.get(visit_type or "", 15) // 15)


def proposed_id(schedule_id: str, start: int, n: int, visit_type: str | None = None) -> str:
    pid = f"{PREFIX}{schedule_id}.{datetime.fromtimestamp(start, timezone.utc):%Y%m%d%H%M}.{n}"
    return f"{pid}.{visit_type}" if visit_type else pid


def parse_proposed(pid: str):
    """-> (schedule_id, start epoch, n slots, visit type or None), or None when not a proposed id."""
    m = _PROPOSED.match(pid or "")
    if not m:
        return None
    sched, stamp, n, vt = m.groups()
    try:
        start = int(datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=timezone.utc).timestamp())
    except ValueError:
        return None
    if not 1 <= int(n) <= 16:
        return None
    return sched, start, int(n), vt


def build(schedule: dict, slots: list, *, appt_id: str, status: str, zone, patient_id: str | None = None,
          visit_type: str | None = None, comment: str | None = None, reason: list[str] | None = None,
          requested: tuple[int, int] | None = None) -> dict:
    sched = json.loads(schedule["json"])
    start, end = slots[0]["start"], slots[-1]["end"]
    pstatus = PARTICIPANT_STATUS[status]
    actors = {a["reference"].split("/")[0]: a for a in sched.get("actor", [])}
    participants = []
    for kind in ("Practitioner", "Location"):
        if kind in actors:
            participants.append({"actor": {k: v for k, v in actors[kind].items() if k in ("reference", "display")},
                                 "required": "required", "status": pstatus})
    if patient_id:
        participants.append({"actor": {"reference": f"Patient/{patient_id}"}, "required": "required",
                             "status": pstatus})
    appt = {"resourceType": "Appointment", "id": appt_id, "meta": {"profile": [APPT_PROFILE]}, "status": status}
    if visit_type:
        appt["serviceType"] = [{"coding": [{"system": VISIT_TYPE_SYSTEM, "code": visit_type,
                                            **({"display": VISIT_DISPLAY[visit_type]} if visit_type in VISIT_DISPLAY else {})}]}]
    if sched.get("specialty"):
        appt["specialty"] = sched["specialty"][:1]
    appt["appointmentType"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276",
                                           "code": "ROUTINE"}], "text": "Routine"}
    if reason:
        appt["reasonCode"] = [{"text": r} for r in reason]
    appt.update({"start": iso(start, zone), "end": iso(end, zone), "minutesDuration": (end - start) // 60,
                 "slot": [{"reference": f"Slot/{s['id']}"} for s in slots]})
    if comment:
        appt["comment"] = comment
    appt["participant"] = participants
    if requested:
        appt["requestedPeriod"] = [{"start": iso(requested[0], zone), "end": iso(requested[1], zone)}]
    return appt


def effective_status(row, now: int) -> str:
    if row["status"] == "pending" and (row["expires"] or 0) < now:
        return "cancelled"
    return row["status"]


def render(row, now: int) -> dict:
    """A stored appointment row as the client sees it (an expired hold reads as cancelled)."""
    appt = json.loads(row["json"])
    status = effective_status(row, now)
    if status != appt.get("status"):
        appt["status"] = status
        for p in appt.get("participant", []):
            p["status"] = PARTICIPANT_STATUS[status]
    appt.setdefault("meta", {})["versionId"] = str(row["version"])
    if row["updated"]:
        appt["meta"]["lastUpdated"] = datetime.fromtimestamp(row["updated"], timezone.utc).isoformat().replace("+00:00", "Z")
    return appt


def etag(row) -> str:
    return f'W/"{row["version"]}"'


__all__ = ["build", "render", "parse_proposed", "proposed_id", "slots_needed", "effective_status", "etag"]
