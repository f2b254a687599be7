"""No double booking with real concurrent clients, also with two scheduler processes on one database;
hold expiry; proposed ids survive a restart. Runs on SQLite and PostgreSQL."""
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import create_engine, text

from tests.scheduler.sched_helpers import assert_outcome, entries, find, new_patient, params
from tests.support.servers import run_scheduler


def _race(jobs):
    """Run (base, body) $book calls at once, each from its own client; -> list of (status, json)."""
    barrier = threading.Barrier(len(jobs))

    def one(job):
        url, body = job
        with httpx.Client(timeout=120) as c:
            barrier.wait(timeout=120)
            r = c.post(f"{url}/Appointment/$book", json=body)
            return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(one, jobs))


def _patients(client, n):
    return [new_patient(client)["id"] for _ in range(n)]


def _booked_slots(client, practitioner):
    booked = entries(client.get("/Appointment", params={"practitioner": practitioner, "status": "booked",
                                                         "_count": 1000}).json())
    return [s["reference"] for a in booked for s in a["slot"]]


def test_fifty_clients_one_appointment_exactly_one_wins(client, base):
    appt = find(client, practitioner="Practitioner/arg-s-1", start="2027-01-04", end="2027-01-05", _count=1)[0]
    pats = _patients(client, 50)
    results = _race([(base, params(appt_id=appt["id"], patient_id=f"Patient/{p}")) for p in pats])
    codes = Counter(code for code, _ in results)
    assert codes[200] == 1 and codes[409] == 49, codes
    slots = _booked_slots(client, "Practitioner/arg-s-1")
    assert len(slots) == len(set(slots))
    assert appt["slot"][0]["reference"] in slots


def test_two_hundred_clients_forty_times_two_processes(client, base, database):
    proposals = find(client, practitioner="Practitioner/arg-s-2", start="2027-01-11", end="2027-01-16", _count=40)
    assert len(proposals) == 40
    pats = _patients(client, 200)
    with run_scheduler(database=database, seed="none") as second:
        jobs = [((base, second)[i % 2], params(appt_id=proposals[i % 40]["id"], patient_id=f"Patient/{p}"))
                for i, p in enumerate(pats)]
        results = _race(jobs)
    codes = Counter(code for code, _ in results)
    assert codes[200] == 40 and codes[409] == 160, codes
    winners = Counter(body["entry"][0]["resource"]["slot"][0]["reference"] for code, body in results if code == 200)
    assert set(winners.values()) == {1}
    slots = _booked_slots(client, "Practitioner/arg-s-2")
    assert len(slots) == len(set(slots))
    # the journal saw every booking, in the same transactions
    engine = create_engine(database)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM slot_change WHERE schedule_id = 'arg-s-2'")).scalar()
        double = conn.execute(text(
            "SELECT count(*) FROM (SELECT appointment_id FROM slot WHERE status = 'busy' AND appointment_id IS NOT NULL"
            " GROUP BY id, appointment_id HAVING count(*) > 1) x")).scalar()
    engine.dispose()
    assert n >= 40 and double == 0


def test_expired_hold_never_blocks(fresh_database):
    """Answers are the same whether or not the sweeper has tidied the expired holds up yet."""
    args = ["--hold-minutes", "0.02", "--sweep-seconds", "0.5"]
    with fresh_database() as db, run_scheduler(database=db, extra_args=args) as b, \
            httpx.Client(base_url=b, timeout=60) as c:
        alice, bob = new_patient(c)["id"], new_patient(c)["id"]
        a1, a2 = find(c, practitioner="Practitioner/arg-s-3", start="2026-12-02", end="2026-12-03", _count=2)
        h1 = entries(c.post("/Appointment/$hold", json=params(appt_id=a1["id"], patient_id=f"Patient/{alice}")).json())[0]
        h2 = entries(c.post("/Appointment/$hold", json=params(appt_id=a2["id"], patient_id=f"Patient/{alice}")).json())[0]
        time.sleep(2.5)  # the hold lasts 1.2 s
        assert c.get(f"/Appointment/{h1['id']}").json()["status"] == "cancelled"
        assert a1["id"] in [x["id"] for x in find(c, practitioner="Practitioner/arg-s-3", start="2026-12-02",
                                                  end="2026-12-03", _count=200)]
        r = c.post("/Appointment/$book", json=params(appt_id=a1["id"], patient_id=f"Patient/{bob}"))
        assert r.status_code == 200, r.text
        # alice's expired hold: the time went to bob -> 410; her other expired hold is still free -> booked
        assert_outcome(c.post("/Appointment/$book", json=params(appt_id=h1["id"], patient_id=f"Patient/{alice}")), 410)
        r = c.post(f"/Appointment/{h2['id']}/$book", json=params(patient_id=f"Patient/{alice}"))
        assert r.status_code == 200, r.text
        assert entries(r.json())[0]["status"] == "booked"
        # a released (cancelled) hold is not an expired one: booking it again is a conflict
        a3 = find(c, practitioner="Practitioner/arg-s-3", start="2026-12-04", end="2026-12-05", _count=1)[0]
        h3 = entries(c.post("/Appointment/$hold", json=params(appt_id=a3["id"])).json())[0]
        c.patch(f"/Appointment/{h3['id']}", json=[{"op": "replace", "path": "/status", "value": "cancelled"}])
        assert_outcome(c.post("/Appointment/$book", json=params(appt_id=h3["id"], patient_id=f"Patient/{bob}")), 409)



def test_proposed_ids_survive_a_restart(fresh_database):
    with fresh_database() as db:
        with run_scheduler(database=db) as b, httpx.Client(base_url=b, timeout=60) as c:
            appt = find(c, specialty="394582007", start="2026-12-09", end="2026-12-10", _count=1)[0]
            patient = new_patient(c)["id"]
        with run_scheduler(database=db) as b, httpx.Client(base_url=b, timeout=60) as c:
            r = c.post(f"/Appointment/{appt['id']}/$hold", json=params())
            assert r.status_code == 200, r.text
            r = c.post("/Appointment/$book", json=params(appt_id=entries(r.json())[0]["id"],
                                                          patient_id=f"Patient/{patient}"))
            assert r.status_code == 200, r.text
            assert_outcome(c.post(f"/Appointment/{appt['id']}/$hold", json=params()), 409)


def test_crossed_reschedules_stay_consistent(client, base):
    """Pairs of patients each try to move onto the other's time at once (crossed locks): whatever wins,
    no 5xx, nobody ends up with zero or two bookings, no slot is double-booked."""
    props = find(client, practitioner="Practitioner/arg-s-4", start="2027-01-13", end="2027-01-16", _count=10)
    pats = _patients(client, 10)
    booked = []
    for p, a in zip(pats, props):
        r = client.post("/Appointment/$book", json=params(appt_id=a["id"], patient_id=f"Patient/{p}"))
        assert r.status_code == 200, r.text
        booked.append(entries(r.json())[0])
    jobs = []
    for i in range(0, 10, 2):
        for me, other in ((i, i + 1), (i + 1, i)):
            jobs.append((base, params(appt_id=props[other]["id"], patient_id=f"Patient/{pats[me]}",
                                      cancelled_appt_id=booked[me]["id"])))
    results = _race(jobs)
    assert all(code in (200, 409) for code, _ in results), [code for code, _ in results]
    for p in pats:
        mine = entries(client.get("/Appointment", params={"patient": p, "status": "booked"}).json())
        assert len(mine) == 1
    slots = _booked_slots(client, "Practitioner/arg-s-4")
    assert len(slots) == len(set(slots))
