"""Appointment/$hold: the slots become busy-tentative until the hold expires (Expires header).
An expired hold never blocks anyone: every query treats it as free at once.

Besides `appt-id` / `appt-resource` the server accepts `patient-id` (or a Patient participant in
appt-resource): then only that patient may $book the held time."""
from __future__ import annotations

import json
import uuid

from ..storage import store as st
from .appointments import build, effective_status, render
from .common import FhirError, bundle, http_date, iso
from .target import patient_param, resolve


def new_id() -> str:
    return uuid.uuid4().hex[:20]


def hold(ctx, params: dict, base: str, instance_id: str | None = None):
    now = ctx.now_ts()
    with ctx.store.write() as conn:
        t = resolve(ctx, conn, params, instance_id)
        if t.row is not None:
            status = effective_status(t.row, now)
            if status == "pending":
                return bundle([render(t.row, now)], base), t.row["expires"], 200
            raise FhirError(409, "conflict", f"Appointment/{t.row['id']} is {status}; it cannot be held")
        patient_id = patient_param(conn, params, t.patient_id)
        if t.slots[0]["start"] < now:
            raise FhirError(409, "conflict", "that time has already passed")
        appt_id = new_id()
        until = now + ctx.settings.hold_seconds
        if not st.take_slots(conn, t.slots, status=st.LIVE_HOLD, until=until, appointment_id=appt_id, now=now):
            raise FhirError(409, "conflict", "the time is no longer available")
        appt = build(t.schedule, t.slots, appt_id=appt_id, status="pending", zone=ctx.zone, patient_id=patient_id,
                     visit_type=t.visit_type, comment=t.comment)
        row = {"id": appt_id, "status": "pending", "start": t.slots[0]["start"], "end": t.slots[-1]["end"],
               "patient_id": patient_id, "practitioner_id": t.schedule["practitioner_id"],
               "schedule_id": t.schedule["id"], "proposed_id": t.proposed_id, "expires": until, "version": 1,
               "updated": now, "json": json.dumps(appt)}
        st.insert_appointment(conn, row)
    return bundle([render(row, now)], base), until, 200


def expires_headers(until: int, zone) -> dict:
    return {"Expires": http_date(until), "X-Hold-Expires": iso(until, zone)}
