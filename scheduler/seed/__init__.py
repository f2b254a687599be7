"""Loading data: the demo clinic (data/clinic/, converted once from the Argonaut connectathon set)
and synthetic clinics for benchmarks."""
from __future__ import annotations

import json
import sys
import zlib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..storage import store as st

CLINIC_DIR = Path(__file__).resolve().parents[2] / "data" / "clinic"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SLOT_MINUTES = 15


def slot_id(schedule_id: str, start_ts: int) -> str:
    return f"{schedule_id}.{datetime.utcfromtimestamp(start_ts):%Y%m%d%H%M}"


def weekly_slots(schedule_id: str, hours: dict, first: date, days: int, zone: ZoneInfo, busy_share: int = 3):
    """(id, schedule_id, start, end, status) for the weekly pattern; about 1/busy_share busy, deterministically."""
    h1, h2 = (time.fromisoformat(hours["start"]), time.fromisoformat(hours["end"]))
    for d in range(days):
        day = first + timedelta(days=d)
        if DAYS[day.weekday()] not in hours["days"]:
            continue
        t = datetime.combine(day, h1, tzinfo=zone)
        stop = datetime.combine(day, h2, tzinfo=zone)
        while t < stop:
            start = int(t.timestamp())
            end = start + SLOT_MINUTES * 60
            sid = slot_id(schedule_id, start)
            busy = busy_share and zlib.crc32(sid.encode()) % busy_share == 0
            yield (sid, schedule_id, start, end, "busy" if busy else "free")
            t += timedelta(minutes=SLOT_MINUTES)


def load_clinic(directory: Path = CLINIC_DIR) -> dict:
    return {name: json.loads((directory / f"{name}.json").read_text())
            for name in ("practitioners", "organizations", "locations", "practitioner_roles", "schedules")}


def seed_demo(store: st.Store, now: datetime, weeks: int = 8) -> int:
    data = load_clinic()
    zone = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else ZoneInfo("America/Los_Angeles")
    roles = {r["id"]: r for r in data["practitioner_roles"]}
    with store.write() as conn:
        for kind, key in [("Practitioner", "practitioners"), ("Organization", "organizations"),
                          ("Location", "locations"), ("PractitionerRole", "practitioner_roles")]:
            st.insert_rows(conn, kind, [st.directory_row(kind, r) for r in data[key]])
        rows = []
        for s in data["schedules"]:
            role = roles.get(s["id"])
            s = dict(s, _organization=st._ref_id(role["organization"]["reference"]) if role else None)
            rows.append(st.directory_row("Schedule", s))
        st.insert_rows(conn, "Schedule", rows)
    first = now.astimezone(zone).date()
    slots = (row for s in data["schedules"] for row in weekly_slots(s["id"], s["_hours"], first, weeks * 7, zone))
    return st.bulk_insert_slots(store, slots)


def extend_demo(store: st.Store, now: datetime, weeks: int = 8) -> int:
    """Roll the demo clinic's weekly pattern forward so it always has slots `weeks` ahead of now."""
    data = load_clinic()
    zone = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else ZoneInfo("America/Los_Angeles")
    today = now.astimezone(zone).date()
    horizon = today + timedelta(days=weeks * 7)
    rows = []
    with store.read() as conn:
        for s in data["schedules"]:
            last = st.last_slot_start(conn, s["id"])
            if last is None:
                continue
            first = max(today, datetime.fromtimestamp(last, zone).date() + timedelta(days=1))
            if first < horizon:
                rows += list(weekly_slots(s["id"], s["_hours"], first, (horizon - first).days, zone))
    return st.bulk_insert_slots(store, rows) if rows else 0


SPECIALTIES = [("394582007", "Dermatology"), ("419772000", "Family practice"), ("394584008", "Gastroenterology"),
               ("394537008", "Pediatric specialty"), ("394579002", "Cardiology"), ("394585009", "Obstetrics and gynecology"),
               ("394611003", "Plastic surgery"), ("394589003", "Nephrology"), ("394591006", "Neurology"),
               ("394594003", "Ophthalmology"), ("394609007", "General surgery"), ("394601004", "Clinical oncology")]
CITIES = [("San Jose", "CA", "951"), ("San Francisco", "CA", "941"), ("Sacramento", "CA", "958"), ("Oakland", "CA", "946"),
          ("Fresno", "CA", "937"), ("Los Angeles", "CA", "900"), ("San Diego", "CA", "921"), ("Portland", "OR", "972"),
          ("Seattle", "WA", "981"), ("Reno", "NV", "895")]
VT = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/visit-type"


def seed_synthetic(store: st.Store, n: int, days: int, now: datetime, progress: bool = True) -> int:
    """n practitioners spread over 12 specialties, 50 locations, 20 organizations; M-F 8:00-16:00."""
    zone = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else ZoneInfo("America/Los_Angeles")
    orgs, locs, practs, roles, scheds = [], [], [], [], []
    for o in range(20):
        city, state, zip3 = CITIES[o % len(CITIES)]
        orgs.append({"resourceType": "Organization", "id": f"so{o}", "name": f"{city} Medical Group {o}", "active": True})
    for i in range(50):
        city, state, zip3 = CITIES[i % len(CITIES)]
        locs.append({"resourceType": "Location", "id": f"sl{i}", "status": "active", "name": f"{city} Clinic {i}",
                     "address": {"line": [f"{100 + i} Main Street"], "city": city, "state": state,
                                 "postalCode": f"{zip3}{i % 100:02d}"},
                     "managingOrganization": {"reference": f"Organization/so{i % 20}"}})
    hours = {"days": DAYS[:5], "start": "08:00", "end": "16:00"}
    for p in range(n):
        code, disp = SPECIALTIES[p % len(SPECIALTIES)]
        pid = f"sp{p}"
        practs.append({"resourceType": "Practitioner", "id": pid, "active": True,
                       "name": [{"family": f"Doctor{p}", "given": ["Sam"], "prefix": ["Dr."]}]})
        roles.append({"resourceType": "PractitionerRole", "id": pid, "practitioner": {"reference": f"Practitioner/{pid}"},
                      "organization": {"reference": f"Organization/so{p % 20}"},
                      "location": [{"reference": f"Location/sl{p % 50}"}],
                      "specialty": [{"coding": [{"system": "http://snomed.info/sct", "code": code, "display": disp}]}]})
        scheds.append({"resourceType": "Schedule", "id": pid, "active": True, "_organization": f"so{p % 20}",
                       "serviceType": [{"coding": [{"system": VT, "code": c}]} for c in ("office-visit", "new-patient", "follow-up")],
                       "specialty": roles[-1]["specialty"],
                       "actor": [{"reference": f"Practitioner/{pid}"}, {"reference": f"PractitionerRole/{pid}"},
                                 {"reference": f"Location/sl{p % 50}"}]})
    with store.write() as conn:
        for kind, items in [("Organization", orgs), ("Location", locs), ("Practitioner", practs),
                            ("PractitionerRole", roles), ("Schedule", scheds)]:
            st.insert_rows(conn, kind, [st.directory_row(kind, r) for r in items])
    first = now.astimezone(zone).date()
    total = n * sum(1 for d in range(days) if (first + timedelta(days=d)).weekday() < 5) * 32
    done = [0]

    def bar(k):
        done[0] += k
        if progress:
            width = 40
            filled = int(width * done[0] / max(total, 1))
            sys.stderr.write(f"\rslots [{'#' * filled}{'.' * (width - filled)}] {done[0]:,}/{total:,}")
            sys.stderr.flush()

    slots = (row for s in scheds for row in weekly_slots(s["id"], hours, first, days, zone))
    n_slots = st.bulk_insert_slots(store, slots, progress=bar)
    if progress:
        sys.stderr.write("\n")
    return n_slots
