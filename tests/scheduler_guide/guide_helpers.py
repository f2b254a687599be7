"""Small HTTP helpers shared by the scheduler-guide tests."""
from __future__ import annotations

import contextlib
import tempfile

import httpx

from tests.support.postgres import temp_database

FHIR_JSON = {"Content-Type": "application/fhir+json"}
# fast retries and heartbeats so the tests see them quickly (never asserted as speed)
GUIDE_ENV = {"SCHEDBOT_HEARTBEAT_SECONDS": "2", "SCHEDBOT_NOTIFY_BACKOFF_CAP": "0.5",
             "SCHEDBOT_NOTIFY_MAX_FAILURES": "12"}


@contextlib.contextmanager
def database(kind: str):
    if kind == "postgres":
        with temp_database("schedbot_guide") as url:
            yield url
    else:
        with tempfile.TemporaryDirectory(prefix="schedbot-guide-") as tmp:
            yield f"sqlite:///{tmp}/guide.db"


def params(**kw) -> dict:
    out = []
    for k, v in kw.items():
        name = k.replace("_", "-")
        if isinstance(v, dict):
            out.append({"name": name, "resource": v})
        else:
            out.append({"name": name, "valueString": str(v)})
    return {"resourceType": "Parameters", "parameter": out}


def create_patient(c: httpx.Client, family: str, given: str, birth: str, phone: str | None = None,
                   identifier: tuple | None = None, postal: str | None = None, line: str | None = None) -> str:
    res = {"resourceType": "Patient", "name": [{"family": family, "given": [given]}], "birthDate": birth,
           "gender": "female"}
    if phone:
        res["telecom"] = [{"system": "phone", "value": phone}]
    if identifier:
        res["identifier"] = [{"system": identifier[0], "value": identifier[1]}]
    if postal:
        res["address"] = [{"line": [line] if line else [], "postalCode": postal}]
    r = c.post("/Patient", json=res, headers=FHIR_JSON)
    assert r.status_code in (200, 201), r.text
    return r.json()["id"]


def find(c: httpx.Client, practitioner: str, visit_type: str | None = None, count: int = 5, **kw) -> list[dict]:
    q = {"practitioner": f"Practitioner/{practitioner}", "_count": count, **kw}
    if visit_type:
        q["visit-type"] = visit_type
    r = c.get("/Appointment/$find", params=q)
    assert r.status_code == 200, r.text
    return [e["resource"] for e in r.json().get("entry", []) if e["resource"]["resourceType"] == "Appointment"]


def book(c: httpx.Client, appt_id: str, patient_id: str) -> httpx.Response:
    return c.post(f"/Appointment/{appt_id}/$book", json=params(patient_id=patient_id), headers=FHIR_JSON)


def subscribe(c: httpx.Client, endpoint: str, criteria: str | None) -> dict:
    res = {"resourceType": "Subscription", "status": "requested", "reason": "prefetch updates",
           "channel": {"type": "rest-hook", "endpoint": endpoint, "payload": "application/fhir+json",
                       "header": ["X-Feed: guide-test"]}}
    if criteria:
        res["criteria"] = criteria
    r = c.post("/Subscription", json=res, headers=FHIR_JSON)
    assert r.status_code == 201, r.text
    return r.json()
