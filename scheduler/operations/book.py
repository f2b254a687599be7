"""Appointment/$book: booked, participants accepted, slots busy.

- a held time may be booked by the patient the hold names (any patient if the hold named none);
- `cancelled-appt-id` reschedules: the old booking is cancelled and the new one booked in one
  transaction, or nothing changes;
- repeating the same request returns the same booking (request key = hash of the parameters)."""
from __future__ import annotations

import hashlib
import json

from ..storage import store as st
from .appointments import PARTICIPANT_STATUS, build, effective_status, render
from .common import FhirError, bundle, one, ref_id, split_list
from .hold import new_id
from .target import patient_param, resolve, slot_rows_of


def request_key(params: dict, instance_id: str | None) -> str:
    canon = {k: params.get(k) for k in ("appt-id", "appt-resource", "patient-id", "comment", "cancelled-appt-id")}
    canon["instance"] = instance_id
    return hashlib.sha256(json.dumps(canon, sort_keys=True, default=str).encode()).hexdigest()


def book(ctx, params: dict, base: str, instance_id: str | None = None):
    key = request_key(params, instance_id)
    try:
        return _book(ctx, params, base, instance_id, key)
    except FhirError as err:
        if err.status != 409:
            raise
        # the same request may have just won in another connection (a client retry racing itself)
        with ctx.store.read() as conn:
            done = st.get_request_key(conn, key)
            row = st.get_row(conn, "Appointment", done) if done else None
            if row is not None and row["status"] == "booked":
                return bundle([render(row, ctx.now_ts())], base)
        raise


def _cancel_row(conn, row: dict, now: int, reason: dict | None = None) -> None:
    appt = json.loads(row["json"])
    appt["status"] = "cancelled"
    for p in appt.get("participant", []):
        p["status"] = PARTICIPANT_STATUS["cancelled"]
    if reason:
        appt["cancelationReason"] = reason
    st.free_appointment_slots(conn, row["id"], now)
    st.update_appointment(conn, row["id"], {"status": "cancelled", "expires": None, "updated": now,
                                            "json": json.dumps(appt)})


def _book(ctx, params: dict, base: str, instance_id: str | None, key: str):
    now = ctx.now_ts()
    comment = one(params, "comment")
    if comment is not None and not isinstance(comment, str):
        raise FhirError(400, "invalid", "comment must be a string")
    cancelled_ids = split_list(params.get("cancelled-appt-id", []))
    if len(cancelled_ids) > 1:
        raise FhirError(400, "invalid", "cancelled-appt-id may appear only once")
    with ctx.store.write() as conn:
        done = st.get_request_key(conn, key)
        if done:
            row = st.get_row(conn, "Appointment", done)
            if row is not None and row["status"] == "booked":
                return bundle([render(row, now)], base)
        t = resolve(ctx, conn, params, instance_id)
        hold_row = None
        if t.row is not None:
            hold_row = t.row
        else:
            for live in st.live_by_proposed(conn, t.proposed_id, now):
                hold_row = dict(live)
        patient_id = patient_param(conn, params, t.patient_id or (hold_row or {}).get("patient_id"))
        if not patient_id:
            raise FhirError(400, "required", "patient-id is required")
        if cancelled_ids:
            old = st.get_row(conn, "Appointment", ref_id(cancelled_ids[0], "Appointment"))
            if old is None:
                raise FhirError(404, "not-found", f"Appointment/{cancelled_ids[0]} (cancelled-appt-id) is not known")
            if hold_row is not None and old["id"] == hold_row["id"]:
                raise FhirError(422, "business-rule", "cannot reschedule an appointment onto itself")
            if old["patient_id"] != patient_id:
                raise FhirError(422, "business-rule", "cancelled-appt-id belongs to another patient")
            if effective_status(old, now) != "booked":
                raise FhirError(409, "conflict", "cancelled-appt-id is not a booked appointment")
            _cancel_row(conn, dict(old), now, {"coding": [{
                "system": "http://fhir.org/guides/argonaut-scheduling/CodeSystem/status-reason",
                "code": "patient-cancel"}], "text": "Rescheduled"})
        if hold_row is not None:
            status = effective_status(hold_row, now)
            if status == "booked":
                if hold_row["patient_id"] == patient_id and not cancelled_ids:
                    return bundle([render(hold_row, now)], base)
                raise FhirError(409, "conflict", "the time is already booked")
            # an expired hold (tidied up by the sweeper or not) keeps its expiry; a cancelled one has none
            expired = status == "cancelled" and hold_row["expires"] is not None
            if status == "cancelled" and not expired:
                raise FhirError(409, "conflict", f"Appointment/{hold_row['id']} was cancelled")
            if hold_row["patient_id"] and hold_row["patient_id"] != patient_id:
                raise FhirError(409, "conflict", "the time is held for another patient")
            slots = slot_rows_of(conn, hold_row)
            appt_id = hold_row["id"]
        else:
            slots, appt_id, expired = t.slots, new_id(), False
        if slots[0]["start"] < now:
            raise FhirError(409, "conflict", "that time has already passed")
        s0, e0 = slots[0]["start"], slots[-1]["end"]
        if st.patient_overlaps(conn, patient_id, s0, e0, now, appt_id):
            raise FhirError(409, "conflict", "the patient already has an appointment at that time")
        if not st.take_slots(conn, slots, status="busy", until=None, appointment_id=appt_id, now=now):
            if expired:
                raise FhirError(410, "expired", "the hold has expired and the time is no longer available")
            raise FhirError(409, "conflict", "the time is no longer available")
        if hold_row is not None:
            appt = json.loads(hold_row["json"])
            sched = ctx.schedule(hold_row["schedule_id"])
            appt = build(sched, slots, appt_id=appt_id, status="booked", zone=ctx.zone, patient_id=patient_id,
                         visit_type=((appt.get("serviceType") or [{}])[0].get("coding") or [{}])[0].get("code"),
                         comment=comment or appt.get("comment"))
            st.update_appointment(conn, appt_id, {"status": "booked", "patient_id": patient_id, "expires": None,
                                                  "updated": now, "json": json.dumps(appt)})
        else:
            appt = build(t.schedule, slots, appt_id=appt_id, status="booked", zone=ctx.zone, patient_id=patient_id,
                         visit_type=t.visit_type, comment=comment or t.comment)
            st.insert_appointment(conn, {"id": appt_id, "status": "booked", "start": s0, "end": e0,
                                         "patient_id": patient_id, "practitioner_id": t.schedule["practitioner_id"],
                                         "schedule_id": t.schedule["id"], "proposed_id": t.proposed_id,
                                         "expires": None, "version": 1, "updated": now, "json": json.dumps(appt)})
        st.set_request_key(conn, key, appt_id, now, exists=done is not None)
        version = hold_row["version"] + 1 if hold_row is not None else 1
        row = {"json": json.dumps(appt), "status": "booked", "expires": None, "version": version, "updated": now}
        return bundle([render(row, now)], base)
