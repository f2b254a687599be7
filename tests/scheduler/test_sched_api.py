"""The Argonaut server contract over real HTTP: find, hold, book, cancel, reschedule, patients,
coverage, searches. Runs on SQLite and on PostgreSQL (see conftest.py)."""
from datetime import datetime

import httpx

from tests.scheduler.sched_helpers import assert_outcome, check_fhir, entries, find, new_patient, params

DERM = "394582007"
FAMILY = "419772000"


def test_metadata(client):
    r = client.get("/metadata")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/fhir+json")
    cs = check_fhir(r.json())
    assert cs["fhirVersion"] == "4.0.1"
    appt = next(x for x in cs["rest"][0]["resource"] if x["type"] == "Appointment")
    assert {o["name"] for o in appt["operation"]} >= {"find", "hold", "book"}
    assert "10 minutes" in cs["rest"][0]["documentation"]


def test_find_dermatology_next_week_in_local_time(client):
    found = find(client, specialty=DERM, start="2026-12-07", end="2026-12-11", _count=3)
    assert len(found) == 3
    for a in found:
        assert a["status"] == "proposed"
        assert a["start"].endswith("-08:00")
        assert "2026-12-07" <= a["start"][:10] <= "2026-12-11"
        pract = next(p for p in a["participant"] if p["actor"].get("reference", "").startswith("Practitioner/"))
        assert pract["actor"]["reference"] in ("Practitioner/arg-s-1", "Practitioner/arg-s-2")
        assert all(p["status"] == "needs-action" for p in a["participant"])
    starts = [a["start"] for a in found]
    assert starts == sorted(starts)


def test_find_post_parameters_matches_get(client):
    got = find(client, specialty=DERM, start="2026-12-14", end="2026-12-18", _count=2)
    r = client.post("/Appointment/$find", json=params(specialty=DERM, start="2026-12-14", end="2026-12-18",
                                                      _count="2"))
    assert r.status_code == 200
    assert [a["id"] for a in entries(r.json())] == [a["id"] for a in got]


def test_find_preference_order(client):
    found = find(client, practitioner=["Practitioner/arg-s-5", "Practitioner/arg-s-3"], start="2026-12-08",
                 end="2026-12-20", _count=4)
    assert [a["participant"][0]["actor"]["reference"] for a in found] == ["Practitioner/arg-s-5"] * 4
    both = find(client, specialty=[FAMILY, DERM], start="2026-12-08T09:00:00-08:00",
                end="2026-12-08T11:00:00-08:00", _count=100)
    kinds = [a["specialty"][0]["coding"][0]["code"] for a in both]
    assert DERM in kinds and FAMILY in kinds
    assert kinds.index(DERM) > max(i for i, k in enumerate(kinds) if k == FAMILY)


def test_find_by_location_string_and_visit_type(client):
    found = find(client, **{"location-string": "Sacramento", "_count": 3})
    assert found and {a["participant"][0]["actor"]["reference"] for a in found} == {"Practitioner/arg-s-6"}
    by_zip = find(client, **{"location-string": "95815", "_count": 1})
    assert by_zip[0]["participant"][0]["actor"]["reference"] == "Practitioner/arg-s-6"
    np = find(client, **{"visit-type": "new-patient", "specialty": DERM, "_count": 2})
    assert np and all(a["minutesDuration"] == 30 and len(a["slot"]) == 2 for a in np)
    assert np[0]["serviceType"][0]["coding"][0]["code"] == "new-patient"


def test_find_outcomes_nothing_found_and_horizon(client):
    r = client.get("/Appointment/$find", params={"specialty": "999999999"})
    assert r.status_code == 200
    assert entries(r.json()) == []
    assert entries(r.json(), "outcome")
    r = client.get("/Appointment/$find", params={"specialty": DERM, "start": "2026-12-01", "end": "2027-12-01",
                                                 "_count": 1})
    assert len(entries(r.json())) == 1
    notes = entries(r.json(), "outcome")
    assert any("horizon" in i["diagnostics"] for o in notes for i in o["issue"])


def test_lifecycle_find_hold_book_cancel(client):
    patient = new_patient(client)
    appt = find(client, practitioner="Practitioner/arg-s-3", start="2026-12-15", end="2026-12-16", _count=1)[0]
    slot_id = appt["slot"][0]["reference"].split("/")[1]

    r = client.post(f"/Appointment/{appt['id']}/$hold", json=params())
    assert r.status_code == 200, r.text
    assert "Expires" in r.headers
    held = entries(r.json())[0]
    assert held["status"] == "pending" and all(p["status"] == "tentative" for p in held["participant"])
    assert client.get(f"/Slot/{slot_id}").json()["status"] == "busy-tentative"
    assert appt["id"] not in [a["id"] for a in find(client, practitioner="Practitioner/arg-s-3",
                                                        start="2026-12-15", end="2026-12-16", _count=100)]

    r = client.post("/Appointment/$book", json=params(appt_id=f"Appointment/{held['id']}",
                                                       patient_id=f"Patient/{patient['id']}", comment="first visit"))
    assert r.status_code == 200, r.text
    booked = entries(r.json())[0]
    assert booked["status"] == "booked" and all(p["status"] == "accepted" for p in booked["participant"])
    assert booked["start"] == appt["start"]
    assert client.get(f"/Slot/{slot_id}").json()["status"] == "busy"

    mine = entries(client.get("/Appointment", params={"patient": patient["id"], "status": "booked"}).json())
    assert [a["id"] for a in mine] == [booked["id"]]
    by_date = entries(client.get("/Appointment", params={"patient": patient["id"], "date": ["ge2026-12-15",
                                                                                            "le2026-12-15"]}).json())
    assert [a["id"] for a in by_date] == [booked["id"]]
    assert entries(client.get("/Appointment", params={"patient": patient["id"], "date": "ge2026-12-16"}).json()) == []

    r = client.patch(f"/Appointment/{booked['id']}", headers={"Content-Type": "application/json-patch+json"},
                     json=[{"op": "replace", "path": "/status", "value": "cancelled"},
                           {"op": "add", "path": "/cancelationReason", "value": {"coding": [{
                               "system": "http://fhir.org/guides/argonaut-scheduling/CodeSystem/status-reason",
                               "code": "patient-cancel"}]}}])
    assert r.status_code == 200, r.text
    cancelled = check_fhir(r.json())
    assert cancelled["status"] == "cancelled" and cancelled["cancelationReason"]
    assert client.get(f"/Slot/{slot_id}").json()["status"] == "free"
    again = find(client, practitioner="Practitioner/arg-s-3", start="2026-12-15", end="2026-12-16", _count=1)
    assert again[0]["id"] == appt["id"]
    # a second cancel is harmless
    r = client.patch(f"/Appointment/{booked['id']}", headers={"Content-Type": "application/json-patch+json"},
                     json=[{"op": "replace", "path": "/status", "value": "cancelled"}])
    assert r.status_code == 200


def test_book_directly_and_release_hold_with_fhirpath_patch(client):
    patient = new_patient(client)
    a, b = find(client, practitioner="Practitioner/arg-s-4", start="2026-12-16", end="2026-12-17", _count=2)
    r = client.post(f"/Appointment/{a['id']}/$book", json=params(patient_id=f"Patient/{patient['id']}"))
    assert r.status_code == 200, r.text
    r = client.post("/Appointment/$hold", json=params(appt_id=f"Appointment/{b['id']}"))
    held = entries(r.json())[0]
    fp = {"resourceType": "Parameters", "parameter": [{"name": "operation", "part": [
        {"name": "type", "valueCode": "replace"}, {"name": "path", "valueString": "Appointment.status"},
        {"name": "value", "valueCode": "cancelled"}]}]}
    r = client.patch(f"/Appointment/{held['id']}", json=fp, headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert b["id"] in [x["id"] for x in find(client, practitioner="Practitioner/arg-s-4", start="2026-12-16",
                                              end="2026-12-17", _count=100)]


def test_only_the_holding_patient_may_book(client):
    alice, bob = new_patient(client), new_patient(client)
    appt = find(client, practitioner="Practitioner/arg-s-5", start="2026-12-17", end="2026-12-18", _count=1)[0]
    r = client.post("/Appointment/$hold", json=params(appt_id=appt["id"], patient_id=f"Patient/{alice['id']}"))
    assert r.status_code == 200, r.text
    held = entries(r.json())[0]
    for target in (appt["id"], held["id"]):
        r = client.post("/Appointment/$book", json=params(appt_id=target, patient_id=f"Patient/{bob['id']}"))
        assert_outcome(r, 409)
    r = client.post("/Appointment/$book", json=params(appt_id=appt["id"], patient_id=f"Patient/{alice['id']}"))
    assert r.status_code == 200, r.text
    assert entries(r.json())[0]["id"] == held["id"]


def test_repeated_book_returns_the_same_booking(client):
    patient = new_patient(client)
    appt = find(client, practitioner="Practitioner/arg-s-9", start="2026-12-15", end="2026-12-16", _count=1)[0]
    body = params(appt_id=appt["id"], patient_id=f"Patient/{patient['id']}", comment="retry me")
    first = client.post("/Appointment/$book", json=body)
    second = client.post("/Appointment/$book", json=body)
    assert first.status_code == second.status_code == 200
    assert entries(first.json())[0]["id"] == entries(second.json())[0]["id"]
    mine = entries(client.get("/Appointment", params={"patient": patient["id"]}).json())
    assert len(mine) == 1


def test_reschedule_is_all_or_nothing(client):
    patient, other = new_patient(client), new_patient(client)
    a, b, c = find(client, practitioner="Practitioner/arg-s-8", start="2026-12-21", end="2026-12-22", _count=3)
    first = entries(client.post("/Appointment/$book", json=params(appt_id=a["id"],
                                                                  patient_id=f"Patient/{patient['id']}")).json())[0]
    # the new time is taken by someone else: the old booking must stay
    client.post("/Appointment/$book", json=params(appt_id=c["id"], patient_id=f"Patient/{other['id']}"))
    r = client.post("/Appointment/$book", json=params(appt_id=c["id"], patient_id=f"Patient/{patient['id']}",
                                                      cancelled_appt_id=f"Appointment/{first['id']}"))
    assert_outcome(r, 409)
    assert client.get(f"/Appointment/{first['id']}").json()["status"] == "booked"
    assert client.get(f"/Slot/{a['slot'][0]['reference'].split('/')[1]}").json()["status"] == "busy"
    # a free new time: old cancelled, new booked
    r = client.post("/Appointment/$book", json=params(appt_id=b["id"], patient_id=f"Patient/{patient['id']}",
                                                      cancelled_appt_id=f"Appointment/{first['id']}"))
    assert r.status_code == 200, r.text
    new = entries(r.json())[0]
    assert new["status"] == "booked" and new["start"] == b["start"]
    assert client.get(f"/Appointment/{first['id']}").json()["status"] == "cancelled"
    assert client.get(f"/Slot/{a['slot'][0]['reference'].split('/')[1]}").json()["status"] == "free"


def test_patient_create_returns_existing_person(client):
    p = new_patient(client)
    same_identifier = {"resourceType": "Patient", "identifier": p["identifier"], "name": [{"family": "Other"}]}
    r = client.post("/Patient", json=same_identifier)
    assert r.status_code == 200 and r.json()["id"] == p["id"]
    same_person = {"resourceType": "Patient", "name": [{"family": p["name"][0]["family"].upper(),
                                                        "given": p["name"][0]["given"]}],
                   "birthDate": p["birthDate"], "telecom": [{"system": "phone",
                                                             "value": "+1 " + p["telecom"][0]["value"]}]}
    r = client.post("/Patient", json=same_person)
    assert r.status_code == 200 and r.json()["id"] == p["id"]
    other_birthday = dict(same_person, birthDate="1999-09-09")
    r = client.post("/Patient", json=other_birthday)
    assert r.status_code == 201 and r.json()["id"] != p["id"]
    fam = p["name"][0]["family"]
    for q in ({"family": fam, "birthdate": p["birthDate"]}, {"identifier": f"urn:test:mrn|{p['identifier'][0]['value']}"},
              {"telecom": p["telecom"][0]["value"], "family": fam}, {"family": fam.lower(), "gender": "female",
                                                                    "given": p["name"][0]["given"][0]}):
        found = entries(client.get("/Patient", params=q).json())
        assert p["id"] in [x["id"] for x in found], q


def test_patient_name_search_ignores_accents_and_case(client):
    body = {"resourceType": "Patient", "name": [{"family": "Álvarez-Núñez", "given": ["Tomás"]}], "birthDate": "1982-01-15",
            "telecom": [{"system": "phone", "value": "408-555-0901"}]}
    r = client.post("/Patient", json=body)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for q in ({"family": "alvarez-nunez", "given": "tomas"}, {"family": "ÁLVAREZ", "given": "Tomás"},
              {"name": "tomas", "birthdate": "1982-01-15"}, {"name": "alvarez"}):
        assert pid in [x["id"] for x in entries(client.get("/Patient", params=q).json())], q
    assert pid not in [x["id"] for x in entries(client.get("/Patient", params={"given": "tomasz"}).json())]
    again = client.post("/Patient", json=dict(body, name=[{"family": "Alvarez-Nunez", "given": ["Tomas"]}]))
    assert again.status_code == 200 and again.json()["id"] == pid  # the same person, typed without accents


def test_coverage_create_search_update(client):
    p = new_patient(client)
    cov = {"resourceType": "Coverage", "status": "active", "subscriberId": "DZW9200000000",
           "beneficiary": {"reference": f"Patient/{p['id']}"},
           "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                                        "code": "self"}]},
           "payor": [{"display": "Anthem Blue Cross"}]}
    r = client.post("/Coverage", json=cov)
    assert r.status_code == 201, r.text
    created = check_fhir(r.json())
    found = entries(client.get("/Coverage", params={"beneficiary": f"Patient/{p['id']}"}).json())
    assert [c["id"] for c in found] == [created["id"]]
    r = client.put(f"/Coverage/{created['id']}", json=dict(created, subscriberId="NEW1"), headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["versionId"] == "2"
    assert client.get(f"/Coverage/{created['id']}").json()["subscriberId"] == "NEW1"
    r = client.put(f"/Coverage/{created['id']}", json=dict(created, subscriberId="NEW2"), headers={"If-Match": 'W/"1"'})
    assert_outcome(r, 412)
    r = client.post("/Coverage", json=dict(cov, beneficiary={"reference": "Patient/nobody"}))
    assert_outcome(r, 422)


def test_directory_searches(client):
    roles = entries(client.get("/PractitionerRole", params={"specialty": DERM}).json())
    assert {r["id"] for r in roles} == {"arg-s-1", "arg-s-2"}
    locs = entries(client.get("/Location", params={"address-city": "Sacramento"}).json())
    assert [l["id"] for l in locs] == ["arg-s-6"]
    assert entries(client.get("/Location", params={"address": "95014"}).json())
    scheds = entries(client.get("/Schedule", params={"actor": "Practitioner/arg-s-7"}).json())
    assert [s["id"] for s in scheds] == ["arg-s-7"]
    slots = entries(client.get("/Slot", params={"schedule": "Schedule/arg-s-7", "status": "free",
                                                "start": ["ge2026-12-03", "lt2026-12-04"]}).json())
    assert slots and all(s["status"] == "free" and s["start"].startswith("2026-12-03") for s in slots)
    for kind, rid in (("Practitioner", "arg-s-1"), ("Organization", "arg-s-1"), ("Location", "arg-s-1"),
                      ("Schedule", "arg-s-1"), ("PractitionerRole", "arg-s-1")):
        r = client.get(f"/{kind}/{rid}")
        assert r.status_code == 200
        check_fhir(r.json())
    assert entries(client.get("/Practitioner", params={"family": "boyce"}).json())[0]["id"] == "arg-s-1"


def test_errors_are_operation_outcomes(client):
    assert_outcome(client.get("/Appointment/nope"), 404)
    assert_outcome(client.get("/Appointment/prop.arg-s-1.209901011800.1"), 404)
    assert_outcome(client.get("/Nonsense/1"), 404)
    assert_outcome(client.get("/Nonsense"), 404)
    assert_outcome(client.post("/Patient", content=b"{not json", headers={"Content-Type": "application/fhir+json"}), 400)
    assert_outcome(client.post("/Patient", content=b'{"resourceType":"Patient","name":[{"family":"a\\u0000"}]}'), 400)
    assert_outcome(client.get("/Patient", params={"family": "a\x00b"}), 400)
    assert_outcome(client.post("/Patient", json={"resourceType": "Patient", "gender": "sometimes"}), 422)
    assert_outcome(client.post("/Appointment/$book", json=params(appt_id="Appointment/unknown", patient_id="Patient/x")), 404)
    appt = find(client, practitioner="Practitioner/arg-s-7", _count=1)[0]
    assert_outcome(client.post("/Appointment/$book", json=params(appt_id=appt["id"])), 400)
    assert_outcome(client.post("/Appointment/$book", json=params(appt_id=appt["id"], patient_id="Patient/ghost")), 422)
    assert_outcome(client.post("/Appointment/$hold", json=params()), 400)
    assert_outcome(client.post("/Appointment/$hold", json={"resourceType": "Patient"}), 400)
    assert_outcome(client.get("/Appointment/$find", params={"start": "next tuesday"}), 400)
    assert_outcome(client.get("/Appointment/$find", params={"patient-reference": "Patient/ghost"}), 422)
    assert_outcome(client.get("/Appointment/$find", params={"start": "2026-12-10", "end": "2026-12-09"}), 400)
    assert_outcome(client.get("/Appointment/$find", params={"_count": "many"}), 400)
    assert_outcome(client.get("/Slot", params={"bogus": "1"}), 400)
    assert_outcome(client.delete("/Patient/x"), 405)
    p = new_patient(client)
    booked = entries(client.post("/Appointment/$book", json=params(appt_id=appt["id"],
                                                                   patient_id=f"Patient/{p['id']}")).json())[0]
    patch = [{"op": "replace", "path": "/status", "value": "booked"}]
    assert_outcome(client.patch(f"/Appointment/{booked['id']}", json=patch), 422)
    cancel = [{"op": "replace", "path": "/status", "value": "cancelled"}]
    bad_reason = cancel + [{"op": "add", "path": "/cancelationReason", "value": "because"}]
    assert_outcome(client.patch(f"/Appointment/{booked['id']}", json=bad_reason), 422)
    assert_outcome(client.patch(f"/Appointment/{booked['id']}", json=cancel, headers={"If-Match": 'W/"7"'}), 412)
    r = client.patch(f"/Appointment/{booked['id']}", json=cancel, headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == 'W/"2"'
    assert_outcome(client.patch("/Appointment/nope", json=cancel), 404)


def test_malformed_inputs_never_give_5xx(client):
    """A fixed table of odd inputs over the whole surface: every answer is < 500 and FHIR JSON."""
    odd_values = ["", " ", "%", "\u00e9\u00e8", "'; DROP TABLE slot; --", "Patient/", "/", "9" * 300, "ge", "le2026",
                  "2026-13-45", "Appointment/prop.x.1.1", "prop.arg-s-1.202612011800.99", "null", "[]", "{}"]
    bodies = [b"", b"[]", b"{}", b"null", b"42", b'"x"', b'{"resourceType":"Parameters","parameter":[{}]}',
              b'{"resourceType":"Parameters","parameter":[{"name":"appt-id"}]}',
              b'{"resourceType":"Parameters","parameter":[{"name":"appt-id","valueString":["a"]}]}',
              b'{"resourceType":"Parameters","parameter":"x"}', b"\xff\xfe", b'{"resourceType":"Appointment"}']
    for v in odd_values:
        for path, name in (("/Appointment/$find", "start"), ("/Appointment/$find", "specialty"),
                           ("/Appointment/$find", "practitioner"), ("/Appointment/$find", "_count"),
                           ("/Appointment", "date"), ("/Appointment", "patient"), ("/Slot", "start"),
                           ("/Patient", "birthdate"), ("/Patient", "telecom"), ("/Location", "address")):
            r = client.get(path, params={name: v})
            assert r.status_code < 500, (path, name, v, r.text)
            assert r.json()["resourceType"] in ("Bundle", "OperationOutcome")
        r = client.get(f"/Appointment/{v}") if v.strip() and "/" not in v and "%" not in v else None
        assert r is None or r.status_code < 500
    for body in bodies:
        for path in ("/Appointment/$hold", "/Appointment/$book", "/Appointment/$find", "/Patient", "/Coverage",
                     "/Task"):
            r = client.post(path, content=body, headers={"Content-Type": "application/fhir+json"})
            assert r.status_code < 500, (path, body, r.text)
        r = client.patch("/Appointment/x", content=body)
        assert r.status_code < 500
        r = client.put("/Coverage/x", content=body)
        assert r.status_code < 500


def test_every_emitted_resource_parses(client):
    bundle = client.get("/Appointment/$find", params={"_count": 5}).json()
    for e in bundle["entry"]:
        check_fhir(e["resource"])
    for kind in ("Practitioner", "PractitionerRole", "Organization", "Location", "Schedule"):
        for res in entries(client.get(f"/{kind}").json()):
            check_fhir(res)
    for s in entries(client.get("/Slot", params={"_count": 20}).json()):
        check_fhir(s)


def test_times_carry_the_clinic_offset(client):
    a = find(client, specialty=DERM, start="2027-01-05T09:00:00-08:00", _count=1)[0]
    assert datetime.fromisoformat(a["start"]).utcoffset().total_seconds() == -8 * 3600
    assert isinstance(httpx.__version__, str)


def test_hold_and_book_with_appt_resource(client):
    """The prefetch case: the client builds the Appointment from slots it knows."""
    patient = new_patient(client)
    slots = entries(client.get("/Slot", params={"schedule": "arg-s-9", "status": "free",
                                                "start": ["ge2026-12-22", "lt2026-12-23"], "_count": 2}).json())
    assert len(slots) == 2 and slots[0]["end"] == slots[1]["start"] or len(slots) == 2
    first = slots[0]
    appt = {"resourceType": "Appointment", "status": "proposed", "start": first["start"], "end": first["end"],
            "slot": [{"reference": f"Slot/{first['id']}"}],
            "participant": [{"actor": {"reference": "Practitioner/arg-s-9"}, "status": "needs-action"},
                            {"actor": {"reference": f"Patient/{patient['id']}"}, "status": "needs-action"}]}
    r = client.post("/Appointment/$hold", json=params(appt_resource=appt))
    assert r.status_code == 200, r.text
    held = entries(r.json())[0]
    assert held["status"] == "pending"
    r = client.post("/Appointment/$book", json=params(appt_resource=appt))
    assert r.status_code == 200, r.text
    booked = entries(r.json())[0]
    assert booked["id"] == held["id"] and booked["status"] == "booked"
    # by practitioner + start/end, without slot references
    second = slots[1]
    appt2 = {"resourceType": "Appointment", "status": "proposed", "start": second["start"], "end": second["end"],
             "participant": [{"actor": {"reference": "Practitioner/arg-s-9"}, "status": "needs-action"}]}
    other = new_patient(client)
    r = client.post("/Appointment/$book", json=params(appt_resource=appt2, patient_id=f"Patient/{other['id']}"))
    assert r.status_code == 200, r.text
    assert entries(r.json())[0]["slot"][0]["reference"] == f"Slot/{second['id']}"
    bad = dict(appt2, slot=[{"reference": "Slot/does-not-exist"}])
    assert_outcome(client.post("/Appointment/$hold", json=params(appt_resource=bad)), 422)


def test_find_skips_times_the_patient_is_busy(client):
    patient = new_patient(client)
    window = {"start": "2026-12-23T08:00:00-08:00", "end": "2026-12-23T12:00:00-08:00"}
    a = find(client, practitioner="Practitioner/arg-s-3", _count=1, **window)[0]
    client.post("/Appointment/$book", json=params(appt_id=a["id"], patient_id=f"Patient/{patient['id']}"))
    others = find(client, **{"patient-reference": f"Patient/{patient['id']}", "_count": 100}, **window)
    assert others and all(x["start"] != a["start"] for x in others)
    assert all(any(p["actor"].get("reference") == f"Patient/{patient['id']}" for p in x["participant"]) for x in others)
    # and $book refuses a second appointment at the same time for the same patient
    same_time = find(client, practitioner="Practitioner/arg-s-6", start=a["start"], end=a["end"], _count=1)
    if same_time:
        r = client.post("/Appointment/$book", json=params(appt_id=same_time[0]["id"],
                                                          patient_id=f"Patient/{patient['id']}"))
        assert_outcome(r, 409)


def test_create_task_for_a_callback(client):
    p = new_patient(client)
    task = {"resourceType": "Task", "status": "requested", "intent": "order",
            "for": {"reference": f"Patient/{p['id']}"}, "description": "call back"}
    r = client.post("/Task", json=task)
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert client.get(f"/Task/{tid}").json()["description"] == "call back"
    assert_outcome(client.post("/Task", json=dict(task, status="whenever")), 422)
    assert_outcome(client.post("/Basic", json={"resourceType": "Basic"}), 405)


def test_update_task_adds_a_callback_number(client):
    """A call-back request gains the number asked for afterwards: PUT, the next version, If-Match checked."""
    task = {"resourceType": "Task", "status": "requested", "intent": "order", "description": "call back"}
    created = client.post("/Task", json=task).json()
    noted = dict(created, note=[{"text": "Callback number: 408-555-0100"}])
    r = client.put(f"/Task/{created['id']}", json=noted, headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == 'W/"2"', r.text
    stored = client.get(f"/Task/{created['id']}").json()
    assert stored["note"] == [{"text": "Callback number: 408-555-0100"}] and stored["meta"]["versionId"] == "2"
    assert_outcome(client.put(f"/Task/{created['id']}", json=noted, headers={"If-Match": 'W/"1"'}), 412)  # stale
    assert_outcome(client.put(f"/Task/{created['id']}", json=dict(noted, status="whenever")), 422)
    assert_outcome(client.put("/Task/other-id", json=noted), 400)  # the id in the body is not the URL's
    assert_outcome(client.put("/Basic/x", json={"resourceType": "Basic", "id": "x"}), 405)
    task_entry = next(r for r in client.get("/metadata").json()["rest"][0]["resource"] if r["type"] == "Task")
    assert {"code": "update"} in task_entry["interaction"]


def test_schema_driven_no_5xx(client):
    """Every search parameter the CapabilityStatement lists, and every $find input of the guide's
    OperationDefinition, with a fixed set of odd values: never a 5xx, always FHIR JSON."""
    cs = client.get("/metadata").json()
    odd = ["", "x", "0", "-1", "ge", "eq2026-12-01", "2026-02-30", "Patient/", "a|b|c", "\u2603", "%00", "1e309",
           "9" * 200, "Practitioner/arg-s-1", "ge2026-12-01T10:00:00+14:00"]
    for res in cs["rest"][0]["resource"]:
        for sp in res.get("searchParam", []):
            for v in odd:
                r = client.get(f"/{res['type']}", params={sp["name"]: v})
                assert r.status_code < 500, (res["type"], sp["name"], v, r.text)
                assert r.json()["resourceType"] in ("Bundle", "OperationOutcome")
    find_inputs = ["start", "end", "specialty", "visit-type", "practitioner", "organization", "location-string",
                   "location-reference", "patient-reference", "reason", "_count"]
    for name in find_inputs:
        for v in odd:
            r = client.get("/Appointment/$find", params={name: v})
            assert r.status_code < 500, (name, v, r.text)
            r = client.post("/Appointment/$find", json=params(**{name.replace("-", "_"): v}))
            assert r.status_code < 500, (name, v, r.text)
    for name in ("patient-resource", "coverage"):
        for v in ({}, {"resourceType": "Patient"}, {"resourceType": "Coverage", "status": "x"}):
            r = client.post("/Appointment/$find", json={"resourceType": "Parameters",
                                                        "parameter": [{"name": name, "resource": v}]})
            assert r.status_code < 500, (name, v, r.text)


def test_every_slot_change_is_journaled(client, database):
    """hold, book (of a hold), cancel, direct book, reschedule: one slot_change row per slot changed."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database)

    def journal():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM slot_change WHERE schedule_id = 'arg-s-7'")).scalar()

    try:
        p = new_patient(client)
        a, b = find(client, practitioner="Practitioner/arg-s-7", start="2027-01-07", end="2027-01-08", _count=2)
        n0 = journal()
        held = entries(client.post("/Appointment/$hold", json=params(appt_id=a["id"])).json())[0]
        assert journal() == n0 + 1
        booked = entries(client.post("/Appointment/$book", json=params(appt_id=held["id"],
                                                                       patient_id=f"Patient/{p['id']}")).json())[0]
        assert journal() == n0 + 2
        moved = client.post("/Appointment/$book", json=params(appt_id=b["id"], patient_id=f"Patient/{p['id']}",
                                                              cancelled_appt_id=booked["id"]))
        assert moved.status_code == 200
        assert journal() == n0 + 4  # old slot freed, new slot taken
        client.patch(f"/Appointment/{entries(moved.json())[0]['id']}",
                     json=[{"op": "replace", "path": "/status", "value": "cancelled"}])
        assert journal() == n0 + 5
    finally:
        engine.dispose()


def test_patient_search_with_their_coverage(client):
    """`_revinclude=Coverage:beneficiary`: the patients found (match) and each one's coverage (include),
    no one else's; listed in the CapabilityStatement; anything else asked of _revinclude is a 400."""
    mine, other = new_patient(client), new_patient(client)
    covs = {}
    for p in (mine, other):
        r = client.post("/Coverage", json={"resourceType": "Coverage", "status": "active", "subscriberId": f"M{p['id'][:8]}",
                                           "beneficiary": {"reference": f"Patient/{p['id']}"}, "payor": [{"display": "Aetna"}]})
        assert r.status_code == 201, r.text
        covs[p["id"]] = r.json()["id"]
    q = {"family": mine["name"][0]["family"], "birthdate": mine["birthDate"], "_revinclude": "Coverage:beneficiary"}
    found = client.get("/Patient", params=q).json()
    assert [p["id"] for p in entries(found)] == [mine["id"]] and found["total"] == 1
    assert [c["id"] for c in entries(found, "include")] == [covs[mine["id"]]]
    plain = client.get("/Patient", params={k: v for k, v in q.items() if k != "_revinclude"}).json()
    assert entries(plain, "include") == []
    assert_outcome(client.get("/Patient", params={**q, "_revinclude": "Appointment:patient"}), 400)
    cs = client.get("/metadata").json()
    kinds = {x["type"]: x for x in cs["rest"][0]["resource"]}
    assert "Coverage:beneficiary" in kinds["Patient"]["searchRevInclude"]
    assert "Appointment:patient" in kinds["Appointment"]["searchInclude"]
