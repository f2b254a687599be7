"""Appointment/$find: proposed appointments where every required participant is free.

Repeated parameters are preferences in order: results for the first-listed specialty (practitioner,
location, ...) come before those for the next, then earliest first. A missing start means now, a
missing end means the horizon; a window reaching past the horizon (or into the past) is clipped and
an OperationOutcome entry says so, as does an empty result."""
from __future__ import annotations

from itertools import groupby

from ..storage import store as st
from .appointments import SLOT_SECONDS, build, proposed_id, slots_needed
from .common import FhirError, bundle, count_param, outcome, parse_when, ref_id, split_list

DEFAULT_COUNT = 10
MAX_COUNT = 100
SPECIALTY_NAMES = {"dermatology": "394582007", "family practice": "419772000", "family medicine": "419772000",
                   "gastroenterology": "394584008", "pediatrics": "394537008", "pediatric specialty": "394537008",
                   "cardiology": "394579002"}


def _specialty_code(value: str) -> str:
    code = value.split("|")[-1].strip()
    return SPECIALTY_NAMES.get(code.lower(), code)


def window(ctx, params: dict):
    now = ctx.now_ts()
    zone = ctx.zone
    horizon_end = now + ctx.settings.horizon_days * 86400
    notes = []
    start_raw, end_raw = (split_list(params.get("start", [])), split_list(params.get("end", [])))
    if len(start_raw) > 1 or len(end_raw) > 1:
        raise FhirError(400, "invalid", "start and end may appear only once")
    start = int(parse_when(start_raw[0], zone).timestamp()) if start_raw else now
    end = int(parse_when(end_raw[0], zone, end=True).timestamp()) if end_raw else None
    if end is not None and end <= start:
        raise FhirError(400, "invalid", "end must be after start")
    if start < now:
        if start_raw:
            notes.append(outcome("informational", "start is in the past: searched from now", "information"))
        start = now
    if end is None:
        end = min(horizon_end, start + ctx.settings.horizon_days * 86400)
    if end > horizon_end:
        end = horizon_end
        notes.append(outcome("informational",
                             f"search window clipped to the scheduling horizon of {ctx.settings.horizon_days} days",
                             "information"))
    return start, end, notes


def candidate_groups(ctx, params: dict) -> list[tuple[tuple, list[dict], int]]:
    """Schedules that fit the filters, grouped by preference rank (best first), each group with the
    index of the visit type it matched (0 when no visit type was asked for)."""
    specialties = [_specialty_code(v) for v in split_list(params.get("specialty", []))]
    visit_types = [v.split("|")[-1] for v in split_list(params.get("visit-type", []))]
    practitioners = [ref_id(v, "Practitioner") for v in split_list(params.get("practitioner", []))]
    organizations = [ref_id(v, "Organization") for v in split_list(params.get("organization", []))]
    locations = [ref_id(v, "Location") for v in split_list(params.get("location-reference", []))]
    loc_strings = [v for v in params.get("location-string", []) if v.strip()]
    index = ctx.schedule_index()
    prefs = [("specialty", specialties), ("visit_type", visit_types), ("practitioner", practitioners),
             ("organization", organizations), ("location", locations)]
    if loc_strings:
        with ctx.store.read() as conn:
            prefs.append(("location", [st.locations_matching(conn, s.strip()) for s in loc_strings]))
    rank_maps: list[tuple[str, dict]] = []
    for key, wanted in prefs:
        if not wanted:
            continue
        ranks: dict[str, int] = {}
        for i, want in enumerate(wanted):
            for value in (want if isinstance(want, list) else [want]):
                for sid in index[key].get(value, ()):
                    ranks.setdefault(sid, i)
        rank_maps.append((key, ranks))
    schedules = ctx.schedules()
    if not rank_maps:
        return [((), schedules, 0)]
    keys = set(rank_maps[0][1])
    for _, ranks in rank_maps[1:]:
        keys &= set(ranks)
    by_id = {s["id"]: s for s in schedules}
    vt_pos = next((i for i, (k, _) in enumerate(rank_maps) if k == "visit_type"), None)
    ranked = sorted(((tuple(r[sid] for _, r in rank_maps), sid) for sid in keys))
    return [(k, [by_id[sid] for _, sid in g], k[vt_pos] if vt_pos is not None else 0)
            for k, g in groupby(ranked, key=lambda x: x[0])]


def find(ctx, params: dict, base: str) -> dict:
    count = count_param(params, DEFAULT_COUNT, MAX_COUNT)
    start, end, notes = window(ctx, params)
    visit_types = [v.split("|")[-1] for v in split_list(params.get("visit-type", []))]
    patient_refs = split_list(params.get("patient-reference", []))
    patient_id = ref_id(patient_refs[0], "Patient") if patient_refs else None
    for res in params.get("patient-resource", []):
        if isinstance(res, dict) and res.get("id") and not patient_id:
            patient_id = res["id"]
    for name in ("coverage", "patient-resource"):
        for res in params.get(name, []):
            if not isinstance(res, dict):
                raise FhirError(400, "invalid", f"{name} must be a resource")
    reasons = [r for r in params.get("reason", []) if isinstance(r, str) and r.strip()]
    groups = candidate_groups(ctx, params)
    now = ctx.now_ts()
    results: list[dict] = []
    with ctx.store.read() as conn:
        busy = st.patient_busy(conn, patient_id, start, end, now) if patient_id else []
        if busy is None:
            raise FhirError(422, "business-rule", f"Patient/{patient_id} is not known")
        for _rank, scheds, vt_index in groups:
            if len(results) >= count:
                break
            by_vt = visit_types[vt_index] if visit_types else None
            n = slots_needed(by_vt)
            sched_map = {s["id"]: s for s in scheds}
            ids = None if len(sched_map) == len(ctx.schedules()) else list(sched_map)
            results += _proposals(conn, ctx, sched_map, ids, start, end, now, n, count - len(results), busy,
                                  by_vt, patient_id, reasons)
    if not results and count > 0:
        notes.append(outcome("not-found", "No appointments are available for this request", "information"))
    return bundle(results[:count], base, notes)


def _proposals(conn, ctx, sched_map, ids, start, end, now, n, want, busy, visit_type, patient_id, reasons):
    out = []
    seen = set()
    cursor = start
    batch = max(12, want * n * 4)
    for _ in range(50):
        rows = st.free_slots(conn, ids, cursor, end, now, batch)
        if not rows:
            break
        free = {(r["schedule_id"], r["start"]): r for r in rows}
        last = rows[-1]["start"]
        for r in rows:
            if r["id"] in seen:
                continue
            seen.add(r["id"])
            chain = [r]
            for k in range(1, n):
                nxt = free.get((r["schedule_id"], r["start"] + k * SLOT_SECONDS))
                if nxt is None and r["start"] + k * SLOT_SECONDS > last:
                    more = [x for x in st.free_slots(conn, [r["schedule_id"]], r["start"] + k * SLOT_SECONDS,
                                                     r["start"] + k * SLOT_SECONDS + 1, now, 1)]
                    nxt = more[0] if more else None
                if nxt is None or nxt["end"] > end:
                    chain = None
                    break
                chain.append(nxt)
            if not chain or chain[-1]["end"] > end:
                continue
            s0, e0 = chain[0]["start"], chain[-1]["end"]
            if any(b0 < e0 and b1 > s0 for b0, b1 in busy):
                continue
            sched = sched_map[r["schedule_id"]]
            out.append(build(sched, chain, appt_id=proposed_id(sched["id"], s0, n, visit_type), status="proposed",
                             zone=ctx.zone, patient_id=patient_id, visit_type=visit_type, reason=reasons,
                             requested=(start, end)))
            if len(out) >= want:
                return out
        if len(rows) < batch:
            break
        cursor = last if rows[0]["start"] < last else last + 1  # a batch of one start time: move on
        batch = min(batch * 2, 1000)
    return out
