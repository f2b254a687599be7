"""Plain REST interactions: read and search of the directory, Slot, Patient, Coverage, Appointment;
Patient create (returns the existing record for the same person), Coverage create/update, and
create/read of a few other types a client may post (Task for a call-back request, ...)."""
from __future__ import annotations

import importlib
import json
import uuid
from datetime import date

from .operations.appointments import etag, render
from .operations.common import FhirError, bundle, count_param, date_ranges, ref_id, split_list
from .storage import store as st

DIRECTORY = {
    "Practitioner": {"_id", "identifier", "family", "given", "name"},
    "PractitionerRole": {"_id", "specialty", "practitioner", "organization", "location"},
    "Organization": {"_id", "name"},
    "Location": {"_id", "name", "address", "address-city", "address-state", "address-postalcode"},
    "Schedule": {"_id", "actor", "specialty"},
}
SEARCH_PARAMS = dict(DIRECTORY, **{
    "Slot": {"_id", "schedule", "status", "start"},
    "Patient": {"_id", "identifier", "family", "given", "name", "birthdate", "gender", "telecom", "phone"},
    "Coverage": {"_id", "beneficiary", "patient"},
    "Appointment": {"_id", "patient", "practitioner", "status", "date", "actor"},
})
OTHER_TYPES = {"Task": "task", "Communication": "communication", "CommunicationRequest": "communicationrequest",
               "ServiceRequest": "servicerequest"}
DEFAULT_COUNT, MAX_COUNT = 50, 1000


def _filters(kind: str, params: dict) -> dict:
    out = {}
    for name, values in params.items():
        if name.startswith("_") and name != "_id":
            continue  # _count is read separately; other result parameters are ignored
        base = name.split(":")[0]
        if base not in SEARCH_PARAMS.get(kind, set()):
            raise FhirError(400, "not-supported", f"search parameter {name[:40]} is not supported for {kind}")
        vals = split_list(values)
        if not vals:
            raise FhirError(400, "invalid", f"search parameter {name[:40]} has no value")
        out.setdefault(base, []).extend(vals if base not in ("date", "start") else values)
    return out


def validate(kind: str, res) -> dict:
    if not isinstance(res, dict) or res.get("resourceType") != kind:
        raise FhirError(400, "invalid", f"expected a {kind} resource")
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    try:
        getattr(module, kind).parse_obj(res)
    except Exception as exc:  # pydantic ValidationError: tell which fields, not a trace
        fields = sorted({".".join(str(x) for x in e["loc"]) for e in getattr(exc, "errors", lambda: [])()})[:5]
        raise FhirError(422, "processing", f"invalid {kind}: " + (", ".join(fields) or "does not validate"))
    for field_, allowed in CODES.get(kind, {}).items():
        if field_ in res and res[field_] not in allowed:
            raise FhirError(422, "code-invalid", f"invalid {kind}.{field_}")
    if kind == "Patient" and "birthDate" in res:
        try:
            date.fromisoformat(res["birthDate"]) if len(res["birthDate"]) == 10 else None
        except (TypeError, ValueError):
            raise FhirError(422, "processing", "invalid Patient.birthDate")
    return res


CODES = {"Patient": {"gender": {"male", "female", "other", "unknown"}},
         "Coverage": {"status": {"active", "cancelled", "draft", "entered-in-error"}},
         "Task": {"status": {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
                             "in-progress", "on-hold", "failed", "completed", "entered-in-error"}}}


# --- read ---------------------------------------------------------------------------------------------

def read(ctx, kind: str, rid: str):
    now = ctx.now_ts()
    with ctx.store.read() as conn:
        if kind == "Appointment":
            row = st.get_row(conn, "Appointment", rid)
            if row is None:
                return _read_proposed(ctx, conn, rid)
            return render(row, now), etag(row)
        if kind == "Slot":
            rows = st.slots_by_ids(conn, [rid])
            if not rows:
                raise FhirError(404, "not-found", f"Slot/{rid} is not known")
            return slot_json(ctx, rows[0], now), None
        if kind in st.TABLES:
            row = st.get_row(conn, kind, rid)
            if row is None:
                raise FhirError(404, "not-found", f"{kind}/{rid} is not known")
            res = json.loads(row["json"])
            if "version" in row.keys():
                res.setdefault("meta", {})["versionId"] = str(row["version"])
                return res, f'W/"{row["version"]}"'
            return res, None
        if kind in OTHER_TYPES:
            row = st.get_resource(conn, kind, rid)
            if row is None:
                raise FhirError(404, "not-found", f"{kind}/{rid} is not known")
            res = json.loads(row["json"])
            res.setdefault("meta", {})["versionId"] = str(row["version"])
            return res, f'W/"{row["version"]}"'
    raise FhirError(404, "not-supported", f"resource type {kind[:40]} is not supported")


def _read_proposed(ctx, conn, rid):
    from .operations.target import resolve
    from .operations.appointments import build, parse_proposed
    if parse_proposed(rid) is None:
        raise FhirError(404, "not-found", f"Appointment/{rid} is not known")
    t = resolve(ctx, conn, {"appt-id": [rid]}, None)
    now = ctx.now_ts()
    if t.row is not None or any(st.effective_slot_status(s, now) != "free" for s in t.slots) or t.slots[0]["start"] < now:
        raise FhirError(404, "not-found", f"Appointment/{rid} is no longer available")
    return build(t.schedule, t.slots, appt_id=rid, status="proposed", zone=ctx.zone, visit_type=t.visit_type), None


def slot_json(ctx, row, now: int) -> dict:
    from .operations.common import iso
    sched = ctx.schedule(row["schedule_id"]) or {}
    sj = json.loads(sched["json"]) if sched else {}
    res = {"resourceType": "Slot", "id": row["id"], "schedule": {"reference": f"Schedule/{row['schedule_id']}"},
           "status": st.effective_slot_status(row, now), "start": iso(row["start"], ctx.zone),
           "end": iso(row["end"], ctx.zone)}
    if sj.get("serviceType"):
        res["serviceType"] = sj["serviceType"]
    if sj.get("specialty"):
        res["specialty"] = sj["specialty"]
    return res


# --- search -------------------------------------------------------------------------------------------

# `_revinclude` a search takes: each patient's coverage, with the patient search that verifies them
# (`GET Patient?family=..&birthdate=..&_revinclude=Coverage:beneficiary`), one round trip instead of two
REVINCLUDES = {"Patient": {"Coverage:beneficiary", "Coverage:patient"}}


def search(ctx, kind: str, params: dict, base: str, scopes=None) -> dict:
    """A type search. ``scopes`` (access control on): a `_revinclude` of a type they may not read is refused."""
    count = count_param(params, DEFAULT_COUNT, MAX_COUNT)
    revincludes = _revincludes(kind, params, scopes)
    if kind not in SEARCH_PARAMS and kind not in OTHER_TYPES:
        raise FhirError(404, "not-supported", f"resource type {kind[:40]} is not supported")
    if kind in OTHER_TYPES:
        raise FhirError(400, "not-supported", f"search is not supported for {kind}")
    f = _filters(kind, params)
    now = ctx.now_ts()
    with ctx.store.read() as conn:
        if kind in DIRECTORY:
            return bundle(st.search_directory(conn, kind, f, count), base)
        if kind == "Patient":
            patients = st.search_patients(conn, f, count)
            found = bundle(patients, base)
            if revincludes and patients:  # Coverage:beneficiary and Coverage:patient name the same element
                rows = st.search_coverage(conn, [p["id"] for p in patients], MAX_COUNT)
                found["entry"] += [{"fullUrl": f"{base}/Coverage/{r['id']}", "resource": _versioned(r),
                                    "search": {"mode": "include"}} for r in rows]
            return found
        if kind == "Coverage":
            ids = [ref_id(v, "Patient") for v in f.get("beneficiary", []) + f.get("patient", [])]
            rows = st.search_coverage(conn, ids, count)
            if "_id" in f:
                rows = [r for r in rows if r["id"] in f["_id"]]
            return bundle([_versioned(r) for r in rows], base)
        if kind == "Slot":
            if "_id" in f:
                rows = st.slots_by_ids(conn, f["_id"])[:count]
            else:
                sched_ids = [ref_id(v, "Schedule") for v in f.get("schedule", [])]
                statuses = f.get("status")
                bad = set(statuses or []) - {"free", "busy", "busy-tentative", "busy-unavailable", "entered-in-error"}
                if bad:
                    raise FhirError(400, "invalid", "unknown slot status")
                rows = st.search_slots(conn, schedule_ids=sched_ids, statuses=statuses,
                                       ranges=date_ranges(f.get("start", []), ctx.zone), now=now, count=count)
            return bundle([slot_json(ctx, r, now) for r in rows], base)
        if kind == "Appointment":
            if "_id" in f:
                rows = [r for r in (st.get_row(conn, "Appointment", i) for i in f["_id"]) if r]
                return bundle([render(r, now) for r in rows], base)
            patients = [ref_id(v, "Patient") for v in f.get("patient", [])]
            practs = [ref_id(v, "Practitioner") for v in f.get("practitioner", [])]
            for a in f.get("actor", []):
                (patients if "Patient/" in a else practs).append(a.split("/")[-1])
            statuses = f.get("status")
            bad = set(statuses or []) - {"proposed", "pending", "booked", "arrived", "fulfilled", "cancelled",
                                          "noshow", "entered-in-error", "checked-in", "waitlist"}
            if bad:
                raise FhirError(400, "invalid", "unknown appointment status")
            rows = st.search_appointments(conn, patient_ids=patients, practitioner_ids=practs, statuses=statuses,
                                          ranges=date_ranges(f.get("date", []), ctx.zone), now=now, count=count)
            return bundle([render(r, now) for r in rows], base)
    raise FhirError(404, "not-supported", kind)


def _revincludes(kind: str, params: dict, scopes) -> set[str]:
    from .auth.scopes import Need, allowed

    asked = set(split_list(params.get("_revinclude", [])))
    unknown = asked - REVINCLUDES.get(kind, set())
    if unknown:
        raise FhirError(400, "not-supported", f"_revinclude={sorted(unknown)[0][:60]} is not supported for {kind}")
    if asked and scopes is not None and not allowed(scopes, Need("Coverage", "read")):
        # not left out silently (as _include does): a client would take "no coverage on file" from it
        raise FhirError(403, "forbidden", "_revinclude=Coverage needs access to read Coverage")
    return asked


def _versioned(row) -> dict:
    res = json.loads(row["json"])
    res.setdefault("meta", {})["versionId"] = str(row["version"])
    return res


# --- create / update ----------------------------------------------------------------------------------

def create_patient(ctx, res) -> tuple[dict, int]:
    validate("Patient", res)
    res = dict(res)
    now = ctx.now_ts()
    with ctx.store.write() as conn:
        existing = st.find_duplicate_patient(conn, res)
        if existing is not None:
            return existing, 200
        res["id"] = uuid.uuid4().hex[:20]
        res["meta"] = {"versionId": "1"}
        st.insert_patient(conn, res, now)
    return res, 201


def _check_beneficiary(conn, res: dict) -> None:
    ref = (res.get("beneficiary") or {}).get("reference")
    if not ref:
        raise FhirError(422, "required", "Coverage.beneficiary must reference a Patient")
    pid = ref_id(ref, "Patient")
    if st.get_row(conn, "Patient", pid) is None:
        raise FhirError(422, "business-rule", f"Coverage.beneficiary Patient/{pid} is not known")


def create_coverage(ctx, res) -> tuple[dict, int]:
    validate("Coverage", res)
    res = dict(res, id=uuid.uuid4().hex[:20], meta={"versionId": "1"})
    with ctx.store.write() as conn:
        _check_beneficiary(conn, res)
        st.insert_coverage(conn, res, ctx.now_ts())
    return res, 201


def update_coverage(ctx, cid: str, res, if_match: str | None) -> tuple[dict, int]:
    validate("Coverage", res)
    if res.get("id") != cid:
        raise FhirError(400, "invalid", "the resource id must match the URL")
    res = dict(res)
    with ctx.store.write() as conn:
        _check_beneficiary(conn, res)
        row = st.get_row(conn, "Coverage", cid)
        now = ctx.now_ts()
        if row is None:
            res["meta"] = {"versionId": "1"}
            st.insert_coverage(conn, res, now)
            return res, 201
        if if_match and if_match.strip().removeprefix("W/").strip('"') != str(row["version"]):
            raise FhirError(412, "conflict", "version mismatch (If-Match)")
        if ref_id(res["beneficiary"]["reference"], "Patient") != row["beneficiary_id"]:
            raise FhirError(422, "business-rule", "a coverage cannot move to another beneficiary")
        res["meta"] = {"versionId": str(row["version"] + 1)}
        if not st.update_coverage(conn, res, now, row["version"]):
            raise FhirError(409, "conflict", "the coverage changed meanwhile; retry")
    return res, 200


def update_other(ctx, kind: str, rid: str, res, if_match: str | None) -> tuple[dict, int]:
    """PUT of a Task (a call-back request that gains a number, ...): the next version; 201 for a new id."""
    validate(kind, res)
    if res.get("id") != rid:
        raise FhirError(400, "invalid", "the resource id must match the URL")
    res = dict(res)
    with ctx.store.write() as conn:
        row = st.get_resource(conn, kind, rid)
        now = ctx.now_ts()
        if row is None:
            res["meta"] = {"versionId": "1"}
            st.insert_resource(conn, kind, res, now)
            return res, 201
        if if_match and if_match.strip().removeprefix("W/").strip('"') != str(row["version"]):
            raise FhirError(412, "conflict", "version mismatch (If-Match)")
        res["meta"] = {"versionId": str(row["version"] + 1)}
        if not st.update_resource(conn, kind, res, now, row["version"]):
            raise FhirError(409, "conflict", f"the {kind} changed meanwhile; retry")
    return res, 200


def create_other(ctx, kind: str, res) -> tuple[dict, int]:
    if kind not in OTHER_TYPES:
        raise FhirError(405, "not-supported", f"create is not supported for {kind[:40]}")
    validate(kind, res)
    res = dict(res, id=uuid.uuid4().hex[:20], meta={"versionId": "1"})
    with ctx.store.write() as conn:
        st.insert_resource(conn, kind, res, ctx.now_ts())
    return res, 201
