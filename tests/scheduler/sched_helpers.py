"""Helpers for the scheduler suites (plain functions, imported by the test modules)."""
import itertools
import uuid

from fhir.resources.R4B import get_fhir_model_class

_n = itertools.count(1)


def check_fhir(resource: dict) -> dict:
    """The resource parses with the fhir.resources R4B model of its type (and so do bundle entries)."""
    get_fhir_model_class(resource["resourceType"]).parse_obj(resource)
    return resource


def entries(bundle: dict, mode: str = "match") -> list[dict]:
    check_fhir(bundle)
    return [e["resource"] for e in bundle.get("entry", []) if e.get("search", {}).get("mode", "match") == mode]


def new_patient(client, **over) -> dict:
    """Create a distinct patient; returns the stored resource."""
    n = next(_n)
    tag = uuid.uuid4().hex[:8]
    res = {"resourceType": "Patient",
           "identifier": [{"system": "urn:test:mrn", "value": f"mrn-{tag}"}],
           "name": [{"family": f"Tester{tag}", "given": [f"Pat{n}"]}],
           "gender": "female", "birthDate": "1980-01-0%d" % (n % 9 + 1),
           "telecom": [{"system": "phone", "value": f"(408) 555-{n % 10000:04d}"}]}
    res.update(over)
    r = client.post("/Patient", json=res)
    assert r.status_code == 201, r.text
    return check_fhir(r.json())


def find(client, **params) -> list[dict]:
    r = client.get("/Appointment/$find", params=params)
    assert r.status_code == 200, r.text
    return entries(r.json())


def params(**kw) -> dict:
    """A FHIR Parameters resource from keyword arguments (lists repeat the parameter)."""
    out = []
    for name, value in kw.items():
        name = name if name.startswith("_") else name.replace("_", "-")
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict):
                out.append({"name": name, "resource": v})
            else:
                out.append({"name": name, "valueString": v})
    return {"resourceType": "Parameters", "parameter": out}


def assert_outcome(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body["resourceType"] == "OperationOutcome"
    check_fhir(body)
    return body
