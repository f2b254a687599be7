"""Slot/$prefetch (GET and POST): the free Slots open to prefetching, for the guide's use case 3
(a third-party app keeps its own copy of open slots).

Which Schedules are open to prefetching is the clinic's choice, per Schedule: the extension
`PREFETCH_EXTENSION` (valueBoolean) on the Schedule; absent means open (the demo's default).
Inputs: `start`, `end` (a missing one: now / the scheduling horizon; clipped to the horizon with an
OperationOutcome entry), `practitioner`*, `organization`*, `location-string`*,
`location-reference`*, `_count` (default and maximum below; an OperationOutcome entry says when
the result was cut). Out: a searchset Bundle of Slots (Argonaut prefetch-slot profile).
"""
from __future__ import annotations

from scheduler.operations.common import FhirError, bundle, count_param, iso, outcome

PREFETCH_EXTENSION = "http://schedbot.local/fhir/StructureDefinition/prefetch-open"
SLOT_PROFILE = "http://fhir.org/guides/argonaut-scheduling/StructureDefinition/prefetch-slot"
BUNDLE_PROFILE = "http://fhir.org/guides/argonaut-scheduling/StructureDefinition/slot-bundle"
VISIT_TYPE_SYSTEM = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/visit-type"
ALLOWED = {"start", "end", "practitioner", "organization", "location-string", "location-reference", "_count",
           "_format"}
DEFAULT_COUNT = 20000
MAX_COUNT = 20000


def prefetch_open(schedule_json: dict) -> bool:
    exts = schedule_json.get("extension") if isinstance(schedule_json, dict) else None
    for ext in exts if isinstance(exts, list) else ():
        if isinstance(ext, dict) and ext.get("url") == PREFETCH_EXTENSION:
            return ext.get("valueBoolean") is not False
    return True


def slot_resource(row, sched: dict, zone) -> dict:
    res = {"resourceType": "Slot", "id": row["id"], "meta": {"profile": [SLOT_PROFILE]},
           "schedule": {"reference": f"Schedule/{row['schedule_id']}"}, "status": "free",
           "start": iso(row["start"], zone), "end": iso(row["end"], zone)}
    codes = (sched.get("visit_types") or "").split()
    if codes:
        res["serviceType"] = [{"coding": [{"system": VISIT_TYPE_SYSTEM, "code": c}]} for c in codes]
    return res


def matching_schedules(ctx, params: dict) -> list[dict]:
    """Schedules open to prefetching whose actors fit every given filter (repeats of one filter: any)."""
    import json as _json

    from scheduler.operations.common import ref_id, split_list
    from scheduler.storage import store as st

    practitioners = {ref_id(v, "Practitioner") for v in split_list(params.get("practitioner", []))}
    organizations = {ref_id(v, "Organization") for v in split_list(params.get("organization", []))}
    locations = {ref_id(v, "Location") for v in split_list(params.get("location-reference", []))}
    loc_strings = [v.strip() for v in params.get("location-string", []) if isinstance(v, str) and v.strip()]
    by_string = None
    if loc_strings:
        with ctx.store.read() as conn:
            by_string = {lid for s in loc_strings for lid in st.locations_matching(conn, s)}
    out = []
    for s in ctx.schedules():
        if practitioners and s["practitioner_id"] not in practitioners:
            continue
        if organizations and s["organization_id"] not in organizations:
            continue
        if locations and s["location_id"] not in locations:
            continue
        if by_string is not None and s["location_id"] not in by_string:
            continue
        sj = _json.loads(s["json"]) if isinstance(s.get("json"), str) else (s.get("json") or {})
        if prefetch_open(sj):
            out.append(s)
    return out


def prefetch(ctx, params: dict, base: str) -> dict:
    from scheduler.operations.find import window
    from scheduler.storage import store as st

    for name in params:
        if name not in ALLOWED:
            raise FhirError(400, "not-supported", f"parameter {name[:40]} is not supported by Slot/$prefetch")
    count = count_param(params, DEFAULT_COUNT, MAX_COUNT)
    start, end, notes = window(ctx, params)
    scheds = {s["id"]: s for s in matching_schedules(ctx, params)}
    rows = []
    if scheds:
        ids = None if len(scheds) == len(ctx.schedules()) else list(scheds)
        with ctx.store.read() as conn:
            rows = st.free_slots(conn, ids, start, end, ctx.now_ts(), count + 1)
    if len(rows) > count:
        rows = rows[:count]
        notes.append(outcome("too-costly", f"only the first {count} slots are returned: narrow the period or "
                             "the actors", "warning"))
    zone = ctx.zone
    out = bundle([slot_resource(r, scheds[r["schedule_id"]], zone) for r in rows], base, notes)
    out["meta"] = {"profile": [BUNDLE_PROFILE]}
    return out


# --- HTTP ---------------------------------------------------------------------------------------------

async def endpoint(request):
    from starlette.concurrency import run_in_threadpool

    from scheduler.operations.common import base_url, error_response, operation_params, respond
    try:
        params = await operation_params(request)
        return respond(await run_in_threadpool(prefetch, request.app.state.ctx, params, base_url(request)))
    except FhirError as err:
        return error_response(err)
    except Exception as exc:  # noqa: BLE001 - last resort, logged by type only
        return _internal(exc)


def routes(prefix: str = "/fhir") -> list:
    from starlette.routing import Route
    return [Route(prefix + "/Slot/$prefetch", endpoint, methods=["GET", "POST"]),
            Route(prefix + "/Schedule/{id}", put_schedule, methods=["PUT"])]


# --- the per-Schedule setting: PUT Schedule/[id] ------------------------------------------------------

def _comparable(res: dict) -> dict:
    out = {k: v for k, v in res.items() if k not in ("id", "meta", "text", "extension")}
    exts = res.get("extension") if isinstance(res.get("extension"), list) else []
    ext = [e for e in exts if not (isinstance(e, dict) and e.get("url") == PREFETCH_EXTENSION)]
    if ext:
        out["extension"] = ext
    return out


def set_prefetch(ctx, sid: str, res) -> dict:
    """Open or close a Schedule to prefetching (the only change PUT Schedule accepts). A change is
    journalled for the Schedule's whole horizon, so subscribers hear that its slots appeared or went."""
    import json as _json

    from sqlalchemy import func, select

    from scheduler.storage.schema import schedule, slot, slot_change
    from scheduler.storage.store import mark_journaled
    from scheduler.subscriptions.tables import prefetch_closed

    if not isinstance(res, dict) or res.get("resourceType") != "Schedule":
        raise FhirError(400, "invalid", "expected a Schedule resource")
    if res.get("id") not in (None, sid):
        raise FhirError(400, "invalid", "the resource id does not match the URL")
    for ext in res.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == PREFETCH_EXTENSION and not isinstance(ext.get("valueBoolean"), bool):
            raise FhirError(400, "invalid", "the prefetch-open extension needs a valueBoolean")
    from scheduler.resources import validate
    validate("Schedule", res)
    want_open = prefetch_open(res)
    now = ctx.now_ts()
    with ctx.store.write() as conn:
        row = conn.execute(select(schedule.c.json).where(schedule.c.id == sid)).first()
        if row is None:
            raise FhirError(404, "not-found", f"Schedule/{sid} is not known")
        stored = _json.loads(row[0])
        if _comparable(stored) != _comparable({**res, "id": sid}):
            raise FhirError(422, "business-rule", "only the prefetch-open extension of a Schedule can be changed")
        was_open = prefetch_open(stored)
        ext = [e for e in stored.get("extension") or () if isinstance(e, dict) and e.get("url") != PREFETCH_EXTENSION]
        ext.append({"url": PREFETCH_EXTENSION, "valueBoolean": want_open})
        stored["extension"] = ext
        conn.execute(schedule.update().where(schedule.c.id == sid).values(json=_json.dumps(stored)))
        if was_open != want_open:
            last = conn.execute(select(func.max(slot.c.end)).where(slot.c.schedule_id == sid)).scalar()
            end = max(int(last or now), now + 900)
            jid = conn.execute(slot_change.insert().values(schedule_id=sid, start=now, end=end, changed_at=now)
                               ).inserted_primary_key[0]
            mark_journaled(conn)
            conn.execute(prefetch_closed.delete().where(prefetch_closed.c.schedule_id == sid))
            if not want_open:
                conn.execute(prefetch_closed.insert().values(schedule_id=sid, journal_id=int(jid)))
    lock = getattr(ctx, "_lock", None)
    if lock is not None:  # drop the core's 30-second Schedule cache in this process
        with lock:
            ctx._schedules = None
    return stored


async def put_schedule(request):
    import re

    from starlette.concurrency import run_in_threadpool

    from scheduler.operations.common import error_response, json_body, respond
    try:
        sid = request.path_params["id"]
        if not re.match(r"^[A-Za-z0-9\-\.]{1,64}$", sid):
            raise FhirError(404, "not-found", "no resource has that id")
        body = await json_body(request)
        return respond(await run_in_threadpool(set_prefetch, request.app.state.ctx, sid, body))
    except FhirError as err:
        return error_response(err)
    except Exception as exc:  # noqa: BLE001 - last resort, logged by type only
        return _internal(exc)


def _internal(exc):
    import logging

    from scheduler.operations.common import error_response
    logging.getLogger("scheduler.prefetch").error("internal_error error=%s", type(exc).__name__)
    return error_response(FhirError(500, "exception", "internal error"))
