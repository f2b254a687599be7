"""What $hold and $book act on: a proposed appointment (id from $find or a client-built
`appt-resource`: the slots it covers), or a stored (held / booked) appointment."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..seed import slot_id
from ..storage import store as st
from .appointments import SLOT_SECONDS, parse_proposed, proposed_id
from .common import FhirError, ref_id, split_list


@dataclass
class Target:
    row: dict | None = None              # a stored appointment
    schedule: dict | None = None         # for a proposal
    slots: list = field(default_factory=list)
    proposed_id: str | None = None
    visit_type: str | None = None
    patient_id: str | None = None        # named by the appt-resource
    comment: str | None = None
    reason: list = field(default_factory=list)


def _proposal(ctx, conn, schedule_id: str, slots: list, visit_type: str | None) -> Target:
    sched = ctx.schedule(schedule_id)
    if sched is None:
        raise FhirError(404, "not-found", "unknown appointment")
    return Target(schedule=sched, slots=slots, visit_type=visit_type,
                  proposed_id=proposed_id(schedule_id, slots[0]["start"], len(slots), visit_type))


def _contiguous(slots: list) -> bool:
    return all(a["schedule_id"] == b["schedule_id"] and a["end"] == b["start"] for a, b in zip(slots, slots[1:]))


def resolve(ctx, conn, params: dict, instance_id: str | None) -> Target:
    appt_ids = split_list(params.get("appt-id", []))
    resources = params.get("appt-resource", [])
    if instance_id is not None:
        appt_ids = [instance_id] + [a for a in appt_ids if ref_id(a, "Appointment") != instance_id]
    if len(appt_ids) + len(resources) != 1:
        raise FhirError(400, "invalid", "give exactly one of appt-id or appt-resource")
    if appt_ids:
        aid = ref_id(appt_ids[0], "Appointment")
        parsed = parse_proposed(aid)
        if parsed:
            sched_id, start, n, vt = parsed
            ids = [slot_id(sched_id, start + k * SLOT_SECONDS) for k in range(n)]
            slots = [dict(r) for r in st.slots_by_ids(conn, ids)]
            if len(slots) != n or not _contiguous(slots):
                raise FhirError(404, "not-found", f"Appointment/{aid} is not known")
            return _proposal(ctx, conn, sched_id, slots, vt)
        row = st.get_row(conn, "Appointment", aid)
        if row is None:
            raise FhirError(404, "not-found", f"Appointment/{aid} is not known")
        return Target(row=dict(row))
    res = resources[0]
    if not isinstance(res, dict) or res.get("resourceType") != "Appointment":
        raise FhirError(400, "invalid", "appt-resource must be an Appointment")
    patient_id = None
    practitioner_id = None
    for p in res.get("participant") or []:
        ref = ((p or {}).get("actor") or {}).get("reference") or ""
        if ref.split("/")[-2:-1] == ["Patient"]:
            patient_id = ref.split("/")[-1]
        if ref.split("/")[-2:-1] == ["Practitioner"]:
            practitioner_id = ref.split("/")[-1]
    vt = None
    for st_ in res.get("serviceType") or []:
        for c in (st_ or {}).get("coding") or []:
            vt = vt or c.get("code")
    slot_refs = [((s or {}).get("reference") or "").split("/")[-1] for s in res.get("slot") or []]
    if slot_refs:
        slots = [dict(r) for r in st.slots_by_ids(conn, slot_refs)]
        if len(slots) != len(set(slot_refs)):
            raise FhirError(422, "business-rule", "appt-resource names a slot that does not exist")
    else:
        from .common import parse_when
        if not (practitioner_id and res.get("start") and res.get("end")):
            raise FhirError(422, "business-rule", "appt-resource needs slot references, or a practitioner with start and end")
        s0 = int(parse_when(res["start"], ctx.zone).timestamp())
        e0 = int(parse_when(res["end"], ctx.zone).timestamp())
        scheds = [s for s in ctx.schedules() if s["practitioner_id"] == practitioner_id]
        slots = []
        for s in scheds:
            slots = [dict(r) for r in st.slots_of_schedule(conn, s["id"], s0, e0)]
            if slots:
                break
        if not slots or slots[0]["start"] != s0 or slots[-1]["end"] != e0:
            raise FhirError(422, "business-rule", "the practitioner has no slots covering that time")
    if not _contiguous(slots):
        raise FhirError(422, "business-rule", "the slots of appt-resource must be consecutive slots of one schedule")
    if not 1 <= len(slots) <= 16:
        raise FhirError(422, "business-rule", "too many slots for one appointment")
    t = _proposal(ctx, conn, slots[0]["schedule_id"], slots, vt if vt and vt.replace("-", "").isalpha() else None)
    t.patient_id = patient_id
    t.comment = res.get("comment") if isinstance(res.get("comment"), str) else None
    return t


def patient_param(conn, params: dict, fallback: str | None) -> str | None:
    vals = split_list(params.get("patient-id", []))
    pid = ref_id(vals[0], "Patient") if vals else fallback
    if pid and st.get_row(conn, "Patient", pid) is None:
        raise FhirError(422, "business-rule", f"Patient/{pid} is not known")
    return pid


def slot_rows_of(conn, row: dict) -> list:
    ids = [s["reference"].split("/")[-1] for s in json.loads(row["json"]).get("slot", [])]
    return [dict(r) for r in st.slots_by_ids(conn, ids)]


__all__ = ["Target", "resolve", "patient_param", "slot_rows_of"]
