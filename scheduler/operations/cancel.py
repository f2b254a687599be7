"""PATCH Appointment/[id]: cancel a booking or release a hold (JSON Patch or FHIRPath Patch).

Only `status` -> `cancelled` is accepted, with an optional `cancelationReason` (status-reason value
set) and `comment`; the slots become free in the same transaction. `If-Match: W/"n"` is checked
(412 on a mismatch). Cancelling a cancelled appointment returns it unchanged."""
from __future__ import annotations

import json

from ..storage import store as st
from .appointments import PARTICIPANT_STATUS, etag, render
from .common import STATUS_REASON_SYSTEM, FhirError


def _changes_json_patch(ops: list) -> dict:
    out = {}
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in ("replace", "add", "test"):
            raise FhirError(422, "business-rule", "only replace/add of status, cancelationReason and comment are supported")
        if op["op"] == "test":
            continue
        path = op.get("path")
        if path not in ("/status", "/cancelationReason", "/comment"):
            raise FhirError(422, "business-rule", f"patching {str(path)[:40]} is not supported")
        out[path[1:]] = op.get("value")
    return out


def _changes_fhirpath(params: dict) -> dict:
    out = {}
    for p in params.get("parameter") or []:
        if not isinstance(p, dict) or p.get("name") != "operation":
            raise FhirError(400, "invalid", "FHIRPath Patch expects 'operation' parameters")
        parts = {q.get("name"): q for q in p.get("part") or [] if isinstance(q, dict)}
        kind = (parts.get("type") or {}).get("valueCode")
        path = (parts.get("path") or {}).get("valueString")
        name = (parts.get("name") or {}).get("valueString")
        value_part = parts.get("value") or {}
        value = next((v for k, v in value_part.items() if k.startswith("value")), None)
        if kind == "replace" and path in ("Appointment.status", "Appointment.comment"):
            out[path.split(".")[1]] = value
        elif kind == "add" and path == "Appointment" and name in ("cancelationReason", "comment"):
            out[name] = value
        elif kind == "replace" and path == "Appointment.cancelationReason":
            out["cancelationReason"] = value
        else:
            raise FhirError(422, "business-rule", "only the status, cancelationReason and comment may be patched")
    return out


STATUS_REASONS = set("""
    abnormal-results cms-auth deceased discharged disgruntled equip-unavail financial hospitalized
    improper-iv improved interpreter-unavail meeting moved needs-tests new-provider no-show other
    patient-cancel personal plan-changes pregnant prep-incomplete prep-unavail refused room-unavial
    scheduling-error staff-cancel terminated transportation wait-list walk-in-error weather
""".split())  # the guide's status-reason code system


def _reason(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = {"coding": [{"system": STATUS_REASON_SYSTEM, "code": value}]}
    elif isinstance(value, dict) and "code" in value and "coding" not in value:
        value = {"coding": [value]}
    if not isinstance(value, dict) or not ("coding" in value or "text" in value):
        raise FhirError(422, "business-rule", "cancelationReason must be a CodeableConcept or a code")
    for c in value.get("coding") or []:
        if not isinstance(c, dict):
            raise FhirError(422, "business-rule", "cancelationReason.coding must hold Codings")
        if c.get("system") in (None, STATUS_REASON_SYSTEM) and c.get("code") not in STATUS_REASONS:
            raise FhirError(422, "code-invalid", "cancelationReason is not in the status-reason value set")
    return value


def patch(ctx, appt_id: str, body, if_match: str | None):
    if isinstance(body, list):
        changes = _changes_json_patch(body)
    elif isinstance(body, dict) and body.get("resourceType") == "Parameters":
        changes = _changes_fhirpath(body)
    else:
        raise FhirError(400, "invalid", "expected a JSON Patch array or a FHIRPath Patch Parameters resource")
    if changes.get("status", "cancelled") != "cancelled":
        raise FhirError(422, "business-rule", "an appointment's status may only be patched to cancelled")
    if "status" not in changes:
        raise FhirError(422, "business-rule", "the patch must set status to cancelled")
    reason = _reason(changes.get("cancelationReason"))
    comment = changes.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise FhirError(400, "invalid", "comment must be a string")
    now = ctx.now_ts()
    with ctx.store.write() as conn:
        row = st.get_row(conn, "Appointment", appt_id)
        if row is None:
            raise FhirError(404, "not-found", f"Appointment/{appt_id} is not known")
        if if_match:
            want = if_match.strip().removeprefix("W/").strip('"')
            if want != str(row["version"]):
                raise FhirError(412, "conflict", "version mismatch (If-Match)")
        if row["status"] == "cancelled":
            return render(row, now), etag(row)
        appt = json.loads(row["json"])
        appt["status"] = "cancelled"
        for p in appt.get("participant", []):
            p["status"] = PARTICIPANT_STATUS["cancelled"]
        if reason:
            appt["cancelationReason"] = reason
        if comment:
            appt["comment"] = comment
        st.free_appointment_slots(conn, appt_id, now)
        if not st.update_appointment(conn, appt_id, {"status": "cancelled", "expires": None, "updated": now,
                                                     "json": json.dumps(appt)}, version=row["version"]):
            raise FhirError(409, "conflict", "the appointment changed meanwhile; retry")
        row = st.get_row(conn, "Appointment", appt_id)
        return render(row, now), etag(row)
