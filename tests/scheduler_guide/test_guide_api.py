"""Slot/$prefetch, Subscriptions (rest-hook, with a real local receiver), Patient/$match and the
provider-side searches, over real HTTP against a demo scheduler on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import httpx

from tests.scheduler_guide.guide_helpers import (FHIR_JSON, book, create_patient, database, find, params,
                                                 subscribe, GUIDE_ENV)
from tests.scheduler_guide.guide_receiver import Receiver
from tests.support.net import free_port
from tests.support.servers import run_scheduler

MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade"
GUIDE_EXAMPLES = Path(__file__).resolve().parent / "data"


def _when(s: str) -> datetime:
    return datetime.fromisoformat(s)


def _slots(bundle: dict) -> list[dict]:
    return [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "Slot"]


# --- $prefetch -----------------------------------------------------------------------------------------

def test_prefetch_returns_the_free_slots_of_the_actor(fhir):
    q = {"practitioner": "Practitioner/arg-s-1", "start": "2026-12-01", "end": "2026-12-08"}
    r = fhir.get("/Slot/$prefetch", params=q)
    assert r.status_code == 200, r.text
    slots = _slots(r.json())
    assert slots and r.json()["type"] == "searchset"
    assert all(s["status"] == "free" and s["schedule"]["reference"] == "Schedule/arg-s-1" for s in slots)
    lo, hi = _when("2026-12-01T00:00:00-08:00"), _when("2026-12-09T00:00:00-08:00")
    assert all(lo <= _when(s["start"]) < hi for s in slots)
    # the same answer as a plain Slot search for the free slots of that schedule and week
    plain = fhir.get("/Slot", params=[("schedule", "Schedule/arg-s-1"), ("status", "free"),
                                      ("start", "ge2026-12-01"), ("start", "lt2026-12-09"), ("_count", "1000")])
    assert plain.status_code == 200, plain.text
    assert {s["id"] for s in slots} == {s["id"] for s in _slots(plain.json())}
    # POST with Parameters gives the same
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "practitioner", "valueUri": "Practitioner/arg-s-1"},
        {"name": "start", "valueDateTime": "2026-12-01T00:00:00-08:00"},
        {"name": "end", "valueDateTime": "2026-12-09T00:00:00-08:00"}]}
    r2 = fhir.post("/Slot/$prefetch", json=body, headers=FHIR_JSON)
    assert r2.status_code == 200, r2.text
    assert [s["id"] for s in _slots(r2.json())] == [s["id"] for s in slots]


def test_prefetch_filters_by_location_and_rejects_unknown_parameters(fhir):
    loc = fhir.get("/Location/arg-s-1").json()
    postal = loc["address"]["postalCode"]
    r = fhir.get("/Slot/$prefetch", params={"location-string": postal, "start": "2026-12-01", "end": "2026-12-02"})
    assert r.status_code == 200, r.text
    scheds = {s["schedule"]["reference"] for s in _slots(r.json())}
    assert "Schedule/arg-s-1" in scheds
    everyone = fhir.get("/Slot/$prefetch", params={"start": "2026-12-01", "end": "2026-12-02"}).json()
    assert len({s["schedule"]["reference"] for s in _slots(everyone)}) > len(scheds)
    assert fhir.get("/Slot/$prefetch", params={"bogus": "1"}).status_code == 400
    assert fhir.get("/Slot/$prefetch", params={"start": "yesterday"}).status_code == 400


def test_book_from_prefetched_slots_rechecks_every_slot(fhir):
    pid = create_patient(fhir, "Prefetcher", "Ada", "1971-04-05")
    other = create_patient(fhir, "Latecomer", "Bea", "1972-05-06")
    slots = _slots(fhir.get("/Slot/$prefetch", params={"practitioner": "Practitioner/arg-s-3",
                                                       "start": "2026-12-02", "end": "2026-12-03"}).json())
    assert len(slots) >= 2
    chosen = slots[0]

    def appt(patient):
        return {"resourceType": "Appointment", "status": "proposed", "start": chosen["start"], "end": chosen["end"],
                "slot": [{"reference": f"Slot/{chosen['id']}"}],
                "participant": [{"actor": {"reference": "Practitioner/arg-s-3"}, "status": "needs-action"},
                                {"actor": {"reference": f"Patient/{patient}"}, "status": "needs-action"}]}

    r = fhir.post("/Appointment/$book", json=params(appt_resource=appt(pid), patient_id=pid), headers=FHIR_JSON)
    assert r.status_code in (200, 201), r.text
    booked = [e["resource"] for e in r.json()["entry"] if e["resource"]["resourceType"] == "Appointment"][0]
    assert booked["status"] == "booked"
    again = _slots(fhir.get("/Slot/$prefetch", params={"practitioner": "Practitioner/arg-s-3",
                                                       "start": "2026-12-02", "end": "2026-12-03"}).json())
    assert chosen["id"] not in {s["id"] for s in again}
    # another app with a stale copy of the same slot is refused
    stale = fhir.post("/Appointment/$book", json=params(appt_resource=appt(other), patient_id=other), headers=FHIR_JSON)
    assert stale.status_code == 409, stale.text
    assert stale.json()["resourceType"] == "OperationOutcome"
    held = fhir.post("/Appointment/$hold", json=params(appt_resource=appt(other)), headers=FHIR_JSON)
    assert held.status_code == 409, held.text


# --- Subscriptions -------------------------------------------------------------------------------------

def test_subscription_is_validated_and_can_be_read_and_deleted(fhir, receiver):
    sub = subscribe(fhir, receiver.url + "?del", "Schedule?actor=Practitioner/arg-s-9")
    assert sub["status"] == "active"
    got = fhir.get(f"/Subscription/{sub['id']}")
    assert got.status_code == 200 and got.json()["channel"]["endpoint"].endswith("?del")
    listed = fhir.get("/Subscription").json()
    assert sub["id"] in {e["resource"]["id"] for e in listed["entry"]}
    assert fhir.delete(f"/Subscription/{sub['id']}").status_code == 200
    assert fhir.get(f"/Subscription/{sub['id']}").status_code == 404
    assert fhir.delete(f"/Subscription/{sub['id']}").status_code == 404
    bad = {"resourceType": "Subscription", "status": "requested", "criteria": "Schedule",
           "channel": {"type": "email", "endpoint": "mailto:x@example.org"}}
    assert fhir.post("/Subscription", json=bad, headers=FHIR_JSON).status_code == 422
    bad["channel"] = {"type": "rest-hook", "endpoint": receiver.url}
    bad["criteria"] = "Patient?name=x"
    assert fhir.post("/Subscription", json=bad, headers=FHIR_JSON).status_code == 400
    bad["criteria"] = "Schedule"
    bad["channel"] = {"type": "rest-hook"}
    assert fhir.post("/Subscription", json=bad, headers=FHIR_JSON).status_code == 400


def test_one_notification_per_change_set_in_commit_order(fhir, receiver):
    subscribe(fhir, receiver.url + "?one", "Schedule?actor=Practitioner/arg-s-4")
    subscribe(fhir, receiver.url + "?all", None)
    pid = create_patient(fhir, "Notified", "Cleo", "1985-07-08")
    first = find(fhir, "arg-s-4", "new-patient", start="2026-12-03")[0]   # two 15-minute slots
    r1 = book(fhir, first["id"], pid)
    assert r1.status_code in (200, 201), r1.text
    appt1 = r1.json()["entry"][0]["resource"]

    def mine(rcv):
        return [n for n in rcv.notifications("Practitioner/arg-s-4") if n["path"].endswith("?one")]

    # SQLite cannot tell two commits of one second apart: a change set there is a second's changes of one
    # Schedule, so this waits for the first before the second (PostgreSQL tells them apart by transaction)
    receiver.wait_for(mine)
    second = find(fhir, "arg-s-4", "office-visit", start="2026-12-04")[0]
    r2 = book(fhir, second["id"], pid)
    assert r2.status_code in (200, 201), r2.text
    appt2 = r2.json()["entry"][0]["resource"]
    got = receiver.wait_for(lambda rcv: len(mine(rcv)) >= 2 and mine(rcv))
    assert len(got) == 2, [n["body"]["planningHorizon"] for n in got]  # the second arrived after the first
    for n, appt in zip(got, (appt1, appt2)):
        body = n["body"]
        assert body["resourceType"] == "Schedule"
        assert body["meta"]["profile"] == ["http://fhir.org/guides/argonaut-scheduling/StructureDefinition/argo-sched-notif"]
        assert _when(body["planningHorizon"]["start"]) == _when(appt["start"])
        assert _when(body["planningHorizon"]["end"]) == _when(appt["end"])
        assert n["headers"]["x-feed"] == "guide-test"
        assert n["headers"]["content-type"].startswith("application/fhir+json")
    # the every-Schedule subscriber got them too
    receiver.wait_for(lambda rcv: len([n for n in rcv.notifications("Practitioner/arg-s-4")
                                       if n["path"].endswith("?all")]) >= 2)
    # cancelling frees the slots: one more notification with that horizon
    patch = [{"op": "replace", "path": "/status", "value": "cancelled"}]
    rc = fhir.patch(f"/Appointment/{appt1['id']}", json=patch, headers={"Content-Type": "application/json-patch+json"})
    assert rc.status_code == 200, rc.text
    third = receiver.wait_for(lambda rcv: len(mine(rcv)) >= 3 and mine(rcv))[2]["body"]
    assert _when(third["planningHorizon"]["start"]) == _when(appt1["start"])


def test_a_new_subscription_hears_the_changes_after_it_not_before(db_kind, receiver):
    """With no subscription the deliverer only moves its cursor to the journal's end (nothing is queued
    for anyone); the first subscription then hears the next change, not the earlier one."""
    with database(db_kind) as url, run_scheduler(database=url, env=GUIDE_ENV) as base, \
            httpx.Client(base_url=base, timeout=60) as c:
        pid = create_patient(c, "Early", "Ada", "1980-02-03")
        before = find(c, "arg-s-4", "office-visit", start="2026-12-03")[0]
        assert book(c, before["id"], pid).status_code in (200, 201)
        time.sleep(0.5)  # the deliverer has seen the booking (woken 20 ms after its commit)
        subscribe(c, receiver.url + "?late", "Schedule?actor=Practitioner/arg-s-4")
        after = find(c, "arg-s-4", "office-visit", start="2026-12-07")[0]
        assert book(c, after["id"], pid).status_code in (200, 201)

        def late(rcv):
            return [n for n in rcv.notifications("Practitioner/arg-s-4") if n["path"].endswith("?late")]
        receiver.wait_for(late)
        time.sleep(1.0)  # anything else queued for it would have come by now
        got = late(receiver)
        assert len(got) == 1, [n["body"]["planningHorizon"] for n in got]
        assert _when(got[0]["body"]["planningHorizon"]["start"]) == _when(after["start"])


def test_heartbeats_have_no_body(fhir, receiver):
    subscribe(fhir, receiver.url + "?hb", "Schedule?actor=Practitioner/arg-s-8")  # server default period
    beats = receiver.wait_for(lambda rcv: [h for h in rcv.heartbeats() if h["path"].endswith("?hb")])
    assert beats[0]["body"] is None and beats[0]["headers"]["x-feed"] == "guide-test"
    # a period of its own (the subscriptions backport's heartbeat-period extension)
    res = {"resourceType": "Subscription", "status": "requested", "criteria": "Schedule?actor=Practitioner/arg-s-8",
           "channel": {"type": "rest-hook", "endpoint": receiver.url + "?hb1", "payload": "application/fhir+json",
                       "extension": [{"url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/"
                                             "backport-heartbeat-period", "valueUnsignedInt": 1}]}}
    assert fhir.post("/Subscription", json=res, headers=FHIR_JSON).status_code == 201
    receiver.wait_for(lambda rcv: len([h for h in rcv.heartbeats() if h["path"].endswith("?hb1")]) >= 2)


def test_delivery_is_retried_until_the_receiver_recovers(fhir):
    flaky = Receiver(free_port()).start()
    try:
        flaky.fail_status = 503
        sub = subscribe(fhir, flaky.url, "Schedule?actor=Practitioner/arg-s-5")
        pid = create_patient(fhir, "Retried", "Dora", "1990-09-10")
        appt = find(fhir, "arg-s-5", start="2026-12-07")[0]
        assert book(fhir, appt["id"], pid).status_code in (200, 201)
        flaky.wait_for(lambda rcv: len([f for f in rcv.failed if f["body"]]) >= 2)
        flaky.fail_status = None
        got = flaky.wait_for(lambda rcv: rcv.notifications("Practitioner/arg-s-5"))
        assert _when(got[0]["body"]["planningHorizon"]["start"]) == _when(appt["start"])
        assert fhir.get(f"/Subscription/{sub['id']}").json()["status"] == "active"
    finally:
        flaky.stop()


def test_subscription_errors_after_repeated_failures(fhir):
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    sub = subscribe(fhir, dead, "Schedule?actor=Practitioner/arg-s-6")
    pid = create_patient(fhir, "Unheard", "Eve", "1991-10-11")
    appt = find(fhir, "arg-s-6", start="2026-12-08")[0]
    assert book(fhir, appt["id"], pid).status_code in (200, 201)
    import time
    deadline = time.monotonic() + 120
    while True:
        res = fhir.get(f"/Subscription/{sub['id']}").json()
        if res["status"] == "error" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert res["status"] == "error"
    assert "attempts" in res["error"]
    # the client fixes its endpoint: delivery resumes with what was queued meanwhile
    live = Receiver(free_port()).start()
    try:
        res = {**res, "status": "requested", "channel": {**res["channel"], "endpoint": live.url}}
        res.pop("error")
        r = fhir.put(f"/Subscription/{sub['id']}", json=res, headers=FHIR_JSON)
        assert r.status_code == 200 and r.json()["status"] == "active", r.text
        got = live.wait_for(lambda rcv: rcv.notifications("Practitioner/arg-s-6"))
        assert _when(got[0]["body"]["planningHorizon"]["start"]) == _when(appt["start"])
    finally:
        live.stop()


def test_nothing_is_lost_across_a_restart(db_kind):
    rcv = Receiver(free_port())  # not listening yet
    with database(db_kind) as url:
        with run_scheduler(database=url, env=GUIDE_ENV) as base, httpx.Client(base_url=base, timeout=60) as c:
            subscribe(c, rcv.url, "Schedule?actor=Practitioner/arg-s-7")
            pid = create_patient(c, "Restarted", "Fay", "1970-01-12")
            appt = find(c, "arg-s-7", start="2026-12-09")[0]
            assert book(c, appt["id"], pid).status_code in (200, 201)
        # the scheduler went down before it could deliver (nobody listened); the receiver is back, and so
        # is the scheduler: the queued notification arrives
        rcv.start()
        try:
            with run_scheduler(database=url, env=GUIDE_ENV):
                got = rcv.wait_for(lambda r: r.notifications("Practitioner/arg-s-7"))
                assert _when(got[0]["body"]["planningHorizon"]["start"]) == _when(appt["start"])
        finally:
            rcv.stop()


# --- Patient/$match ------------------------------------------------------------------------------------

def _match(fhir, patient: dict, **kw) -> list[tuple[str, float, str]]:
    r = fhir.post("/Patient/$match", json=params(resource={"resourceType": "Patient", **patient}, **kw),
                  headers=FHIR_JSON)
    assert r.status_code == 200, r.text
    out = []
    for e in r.json().get("entry", []):
        if e["resource"]["resourceType"] != "Patient":
            continue
        grade = [x["valueCode"] for x in e["search"]["extension"] if x["url"] == MATCH_GRADE][0]
        out.append((e["resource"]["id"], e["search"]["score"], grade))
    return out


def test_patient_match_grades_nicknames_typos_and_identifiers(fhir):
    robert = create_patient(fhir, "Quarrington", "Robert", "1980-01-02", phone="(408) 555-0101",
                            identifier=("urn:oid:1.2.36.146.595.217.0.1", "MRN-7781"))
    roberta = create_patient(fhir, "Quarrington", "Roberta", "1980-01-02")
    liz = create_patient(fhir, "Trelawney", "Elizabeth", "1990-03-04", postal="95112", line="1 Main St")
    bill = create_patient(fhir, "Ollerenshaw", "William", "1975-06-07", phone="650-555-0199")

    got = _match(fhir, {"name": [{"family": "Quarrington", "given": ["Bob"]}], "birthDate": "1980-01-02",
                        "telecom": [{"system": "phone", "value": "408 555 0101"}]})
    assert got[0][0] == robert and got[0][2] == "certain" and got[0][1] >= 0.9
    assert all(s <= got[0][1] for _, s, _ in got)

    typo = _match(fhir, {"name": [{"family": "Quarington", "given": ["Robert"]}], "birthDate": "1980-01-02"})
    assert typo[0][0] == robert and typo[0][2] == "probable"
    assert roberta in {i for i, _, _ in typo}

    by_id = _match(fhir, {"identifier": [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "MRN-7781"}],
                          "birthDate": "1980-01-02"})
    assert by_id[0][:1] == (robert,) and by_id[0][2] == "certain"

    liz_m = _match(fhir, {"name": [{"family": "Trelawney", "given": ["Liz"]}], "birthDate": "1990-03-04",
                          "address": [{"line": ["1 Main St"], "postalCode": "95112"}]})
    assert liz_m[0][0] == liz and liz_m[0][2] == "certain"

    bill_m = _match(fhir, {"name": [{"family": "Ollerenshaw", "given": ["Bill"]}], "birthDate": "1975-06-07"},
                    onlyCertainMatches="true")
    assert bill_m == []  # probable only (no phone or address): nothing is certain
    bill_m = _match(fhir, {"name": [{"family": "Ollerenshaw", "given": ["Bill"]}], "birthDate": "1975-06-07",
                           "telecom": [{"system": "phone", "value": "6505550199"}]}, onlyCertainMatches="true")
    assert [i for i, _, _ in bill_m] == [bill]

    assert len(_match(fhir, {"name": [{"family": "Quarrington", "given": ["Robert"]}],
                             "birthDate": "1980-01-02"}, count=1)) == 1
    assert _match(fhir, {"name": [{"family": "Nobodyknows", "given": ["Zed"]}], "birthDate": "2001-01-01"}) == []
    # deterministic: the same question, the same answer
    assert _match(fhir, {"name": [{"family": "Quarington", "given": ["Robert"]}], "birthDate": "1980-01-02"}) == typo


def test_patient_match_rejects_bad_input(fhir):
    assert fhir.post("/Patient/$match", json={"resourceType": "Parameters", "parameter": []},
                     headers=FHIR_JSON).status_code == 400
    r = fhir.post("/Patient/$match", json=params(resource={"resourceType": "Practitioner"}), headers=FHIR_JSON)
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"
    r = fhir.post("/Patient/$match", json=params(resource={"resourceType": "Patient", "birthDate": "1980-01-02"},
                                                 count="many"), headers=FHIR_JSON)
    assert r.status_code == 400


# --- provider-side searches ----------------------------------------------------------------------------

def test_provider_day_schedule_by_actor_and_slots_by_schedule(fhir):
    pid = create_patient(fhir, "Providerday", "Gus", "1966-02-03")
    appt = find(fhir, "arg-s-2", start="2026-12-10")[0]
    booked = book(fhir, appt["id"], pid).json()["entry"][0]["resource"]
    day = fhir.get("/Appointment", params=[("practitioner", "Practitioner/arg-s-2"), ("date", "ge2026-12-10"),
                                           ("date", "lt2026-12-11")])
    assert day.status_code == 200, day.text
    assert booked["id"] in {e["resource"]["id"] for e in day.json()["entry"]}
    sched = fhir.get("/Schedule", params={"actor": "Practitioner/arg-s-2"}).json()
    assert [e["resource"]["id"] for e in sched["entry"]] == ["arg-s-2"]
    slots = fhir.get("/Slot", params=[("schedule", "Schedule/arg-s-2"), ("start", "ge2026-12-10"),
                                      ("start", "lt2026-12-11")]).json()
    assert slots["entry"] and all(e["resource"]["schedule"]["reference"] == "Schedule/arg-s-2" for e in slots["entry"])


def test_closing_a_schedule_to_prefetching_hides_its_slots_and_notifies(fhir, receiver):
    ext_url = "http://schedbot.local/fhir/StructureDefinition/prefetch-open"
    subscribe(fhir, receiver.url + "?close", "Schedule?actor=Practitioner/arg-s-9")
    q = {"practitioner": "Practitioner/arg-s-9", "start": "2026-12-01", "end": "2026-12-05"}
    assert _slots(fhir.get("/Slot/$prefetch", params=q).json())
    sched = fhir.get("/Schedule/arg-s-9").json()
    closed = {**sched, "extension": [{"url": ext_url, "valueBoolean": False}]}
    r = fhir.put("/Schedule/arg-s-9", json=closed, headers=FHIR_JSON)
    assert r.status_code == 200, r.text
    assert _slots(fhir.get("/Slot/$prefetch", params=q).json()) == []

    def mine(rcv):
        return [n for n in rcv.notifications("Practitioner/arg-s-9") if n["path"].endswith("?close")]

    note = receiver.wait_for(lambda rcv: mine(rcv))[0]["body"]
    assert {"url": ext_url, "valueBoolean": False} in note["extension"]
    # only the setting may change
    assert fhir.put("/Schedule/arg-s-9", json={**closed, "comment": "changed"}, headers=FHIR_JSON).status_code == 422
    opened = {**sched, "extension": [{"url": ext_url, "valueBoolean": True}]}
    assert fhir.put("/Schedule/arg-s-9", json=opened, headers=FHIR_JSON).status_code == 200
    assert _slots(fhir.get("/Slot/$prefetch", params=q).json())
    receiver.wait_for(lambda rcv: len(mine(rcv)) >= 2)


def test_include_of_participants(fhir):
    pid = create_patient(fhir, "Includee", "Ivy", "1969-09-09")
    appt = find(fhir, "arg-s-2", start="2026-12-11")[0]
    booked = book(fhir, appt["id"], pid).json()["entry"][0]["resource"]
    r = fhir.get("/Appointment", params=[("practitioner", "Practitioner/arg-s-2"), ("date", "ge2026-12-11"),
                                         ("date", "lt2026-12-12"), ("_include", "Appointment:patient"),
                                         ("_include", "Appointment:practitioner")])
    assert r.status_code == 200, r.text
    entries = r.json()["entry"]
    assert booked["id"] in {e["resource"]["id"] for e in entries if e["search"]["mode"] == "match"}
    included = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in entries if e["search"]["mode"] == "include"}
    assert ("Patient", pid) in included and ("Practitioner", "arg-s-2") in included
    s = fhir.get("/Schedule", params={"actor": "Practitioner/arg-s-2", "_include": "Schedule:actor"}).json()
    assert ("Practitioner", "arg-s-2") in {(e["resource"]["resourceType"], e["resource"]["id"]) for e in s["entry"]
                                           if e["search"]["mode"] == "include"}
    sl = fhir.get("/Slot", params={"schedule": "Schedule/arg-s-2", "_count": 3, "_include": "Slot:schedule"}).json()
    assert [e["resource"]["id"] for e in sl["entry"] if e["search"]["mode"] == "include"] == ["arg-s-2"]
    assert fhir.get("/Slot", params={"schedule": "Schedule/arg-s-2", "_include": "Slot:nonsense"}).status_code == 400


def test_everything_emitted_parses_as_r4(fhir, receiver):
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.schedule import Schedule
    from fhir.resources.R4B.subscription import Subscription

    example = json.loads((GUIDE_EXAMPLES / "Subscription-example.json").read_text())
    example.pop("id")
    example["channel"]["endpoint"] = receiver.url + "?example"
    r = fhir.post("/Subscription", json=example, headers=FHIR_JSON)  # the guide's own example, no criteria
    assert r.status_code == 201, r.text
    Subscription.parse_obj(r.json())
    Bundle.parse_obj(fhir.get("/Subscription").json())
    Bundle.parse_obj(fhir.get("/Slot/$prefetch", params={"practitioner": "Practitioner/arg-s-1",
                                                         "start": "2026-12-01", "end": "2026-12-03"}).json())
    pid = create_patient(fhir, "Parseable", "Pat", "1988-08-08", phone="4155550123")
    assert book(fhir, find(fhir, "arg-s-1", start="2026-12-14")[0]["id"], pid).status_code in (200, 201)
    Bundle.parse_obj(fhir.post("/Patient/$match", json=params(resource={
        "resourceType": "Patient", "name": [{"family": "Parseable", "given": ["Pat"]}], "birthDate": "1988-08-08"}),
        headers=FHIR_JSON).json())
    Bundle.parse_obj(fhir.get("/Schedule", params={"actor": "Practitioner/arg-s-1", "_include": "Schedule:actor"}).json())
    notes = receiver.wait_for(lambda rcv: [n for n in rcv.notifications() if n["path"].endswith("?example")])
    for n in notes:
        Schedule.parse_obj(n["body"])


JUNK = [b"", b"{", b"null", b"[]", b'"x"', b'{"resourceType":"Parameters","parameter":null}',
        b'{"resourceType":"Parameters","parameter":[{"name":"resource","resource":{"resourceType":"Patient","name":[null],'
        b'"telecom":[1],"identifier":[{"value":5}],"birthDate":12}}]}',
        b'{"resourceType":"Parameters","parameter":[{"name":"start","valueString":"2026-13-45"}]}',
        b'{"resourceType":"Parameters","parameter":[{"name":"practitioner","valueString":"Organization/1"}]}',
        b'{"resourceType":"Subscription","channel":{"type":"rest-hook","endpoint":"http://x/y","header":"a"}}',
        b'{"resourceType":"Subscription","criteria":"Schedule?actor=","channel":{"type":"rest-hook","endpoint":"http://x/y"}}',
        b'{"resourceType":"Subscription","channel":{"type":"rest-hook","endpoint":"http://x/y","extension":5}}',
        b'{"resourceType":"Schedule","extension":[5]}',
        b'{"resourceType":"Schedule","extension":[{"url":"http://schedbot.local/fhir/StructureDefinition/prefetch-open",'
        b'"valueBoolean":"no"}]}']


def test_malformed_input_gets_an_outcome_never_a_5xx(fhir):
    targets = [("POST", "/Patient/$match"), ("POST", "/Slot/$prefetch"), ("POST", "/Subscription"),
               ("PUT", "/Subscription/abc"), ("PUT", "/Schedule/arg-s-1"), ("PUT", "/Schedule/nope")]
    for method, path in targets:
        for body in JUNK:
            r = fhir.request(method, path, content=body, headers=FHIR_JSON)
            assert r.status_code < 500, (method, path, body, r.status_code, r.text[:200])
            if path != "/Slot/$prefetch":  # there, no body or no parameters means "everything" (200)
                assert r.status_code >= 400 and r.json()["resourceType"] == "OperationOutcome", (method, path, body)
    for q in ["start=x", "_count=-1", "end=2026-01-01", "bogus=1"]:
        assert 400 <= fhir.get(f"/Slot/$prefetch?{q}").status_code < 500, q
    assert fhir.get("/Slot/$prefetch?practitioner=&location-string=").status_code < 500
    assert fhir.get("/Slot", params={"_include": "Slot:schedule:Practitioner"}).status_code == 400
