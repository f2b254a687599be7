"""Access control over real HTTP: SMART Backend Services with real signed JWT assertions (RS384 and
ES384), static development tokens, per-interaction scopes, 401/403 OperationOutcomes, the audit log."""
from __future__ import annotations

import json
import time
import uuid

import httpx
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.scheduler_guide.guide_helpers import FHIR_JSON, database, params
from tests.support.servers import run_scheduler

STATIC = "dev-static-token-for-tests"
READER = "dev-static-reader"


def _jwk(private, kid: str, alg: str) -> dict:
    algo = jwt.algorithms.RSAAlgorithm if alg == "RS384" else jwt.algorithms.ECAlgorithm
    key = json.loads(algo.to_jwk(private.public_key()))
    key.update(kid=kid, alg=alg, use="sig")
    return key


@pytest.fixture(scope="module")
def keys():
    return {"rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec": ec.generate_private_key(ec.SECP384R1()),
            "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048)}


@pytest.fixture(scope="module")
def secured(db_kind, keys, tmp_path_factory):
    cfg = {
        "token_lifetime": 300,
        "clients": [
            {"client_id": "booking-app", "scope": "system/Appointment.* system/Slot.read system/Patient.* system/Schedule.read",
             "jwks": {"keys": [_jwk(keys["rsa"], "rsa-1", "RS384")]}},
            {"client_id": "reader-app", "scope": "system/*.read",
             "jwks": {"keys": [_jwk(keys["ec"], "ec-1", "ES384")]}},
        ],
        "static_tokens": [{"token": STATIC, "client_id": "developer", "scope": "system/*.*"},
                          {"token": READER, "client_id": "dev-reader", "scope": "system/*.read"}],
    }
    path = tmp_path_factory.mktemp("auth") / "auth.json"
    path.write_text(json.dumps(cfg))
    with database(db_kind) as url, run_scheduler(database=url, extra_args=("--auth-config", str(path))) as base:
        yield base, url


def _assertion(key, client_id: str, aud: str, kid: str, alg: str, exp_in: int = 240) -> str:
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": aud, "exp": now + exp_in, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _token_request(base: str, assertion: str, scope: str) -> httpx.Response:
    root = base.rsplit("/fhir", 1)[0]
    return httpx.post(f"{root}/auth/token", data={
        "grant_type": "client_credentials", "scope": scope,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion}, timeout=60)


def _token_url(base: str) -> str:
    conf = httpx.get(f"{base}/.well-known/smart-configuration", timeout=60)
    assert conf.status_code == 200
    return conf.json()["token_endpoint"]


def test_discovery_and_open_metadata(secured):
    base, _ = secured
    root = base.rsplit("/fhir", 1)[0]
    conf = httpx.get(f"{root}/.well-known/smart-configuration", timeout=60).json()
    assert conf["token_endpoint"] == f"{root}/auth/token"
    assert "private_key_jwt" in conf["token_endpoint_auth_methods_supported"]
    assert set(conf["token_endpoint_auth_signing_alg_values_supported"]) == {"RS384", "ES384"}
    meta = httpx.get(f"{base}/metadata", timeout=60)
    assert meta.status_code == 200
    sec = meta.json()["rest"][0]["security"]
    assert sec["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"


def test_no_or_bad_token_is_401_with_an_outcome(secured):
    base, _ = secured
    r = httpx.get(f"{base}/Practitioner", timeout=60)
    assert r.status_code == 401
    assert r.json()["resourceType"] == "OperationOutcome"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = httpx.get(f"{base}/Practitioner", headers={"Authorization": "Bearer not-a-token"}, timeout=60)
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["www-authenticate"]


def test_static_tokens_and_scopes(secured):
    base, _ = secured
    reader = {"Authorization": f"Bearer {READER}"}
    assert httpx.get(f"{base}/Practitioner", headers=reader, timeout=60).status_code == 200
    assert httpx.get(f"{base}/Appointment/$find", params={"_count": 1}, headers=reader, timeout=60).status_code == 200
    r = httpx.post(f"{base}/Patient", headers={**reader, **FHIR_JSON}, timeout=60,
                   json={"resourceType": "Patient", "name": [{"family": "Nope", "given": ["No"]}]})
    assert r.status_code == 403 and r.json()["resourceType"] == "OperationOutcome"
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]
    writer = {"Authorization": f"Bearer {STATIC}", **FHIR_JSON}
    r = httpx.post(f"{base}/Patient", headers=writer, timeout=60,
                   json={"resourceType": "Patient", "name": [{"family": "Staticwriter", "given": ["Sam"]}],
                         "birthDate": "1977-07-07"})
    assert r.status_code in (200, 201), r.text


def test_backend_services_rs384_token_books_and_is_audited(secured, keys):
    base, url = secured
    aud = _token_url(base)
    r = _token_request(base, _assertion(keys["rsa"], "booking-app", aud, "rsa-1", "RS384"),
                       "system/Appointment.write system/Appointment.read system/Patient.write")
    assert r.status_code == 200, r.text
    tok = r.json()
    assert tok["token_type"] == "bearer" and tok["expires_in"] > 0
    h = {"Authorization": f"Bearer {tok['access_token']}", **FHIR_JSON}
    pr = httpx.post(f"{base}/Patient", headers=h, timeout=60,
                    json={"resourceType": "Patient", "name": [{"family": "Auditedperson", "given": ["Abe"]}],
                          "birthDate": "1960-06-06"})
    assert pr.status_code in (200, 201), pr.text
    pid = pr.json()["id"]
    found = httpx.get(f"{base}/Appointment/$find", params={"practitioner": "Practitioner/arg-s-1", "_count": 1},
                      headers=h, timeout=60)
    assert found.status_code == 200, found.text
    appt = found.json()["entry"][0]["resource"]["id"]
    booked = httpx.post(f"{base}/Appointment/{appt}/$book", json=params(patient_id=pid), headers=h, timeout=60)
    assert booked.status_code in (200, 201), booked.text
    booked_id = booked.json()["entry"][0]["resource"]["id"]
    # Practitioner.read was not granted
    assert httpx.get(f"{base}/Practitioner", headers=h, timeout=60).status_code == 403
    # nor Patient.read: _include leaves the patient out; a token that may read patients gets it
    q = {"patient": f"Patient/{pid}", "_include": "Appointment:patient"}
    own = httpx.get(f"{base}/Appointment", params=q, headers=h, timeout=60).json()
    assert [e["search"]["mode"] for e in own["entry"]] == ["match"]
    full = httpx.get(f"{base}/Appointment", params=q, headers={"Authorization": f"Bearer {STATIC}"}, timeout=60).json()
    assert ("Patient", pid) in {(e["resource"]["resourceType"], e["resource"]["id"]) for e in full["entry"]
                                if e["search"]["mode"] == "include"}
    # the audit log names the client, the interaction and the ids, never the patient's details
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))
    try:
        deadline = time.monotonic() + 60
        while True:
            with engine.connect() as conn:
                rows = [dict(r) for r in conn.execute(sa.text(
                    "SELECT client_id, interaction, resource_ids, status FROM audit_log ORDER BY id")).mappings()]
            if any(r["interaction"].endswith("$book") for r in rows) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        engine.dispose()
    book_rows = [r for r in rows if r["interaction"].endswith("$book") and r["client_id"] == "booking-app"]
    assert book_rows and f"Appointment/{booked_id}" in book_rows[0]["resource_ids"]
    assert any(r["interaction"] == "Patient" and f"Patient/{pid}" in r["resource_ids"] for r in rows)
    text = json.dumps(rows)
    assert "Auditedperson" not in text and "1960-06-06" not in text


def test_es384_client_gets_read_only(secured, keys):
    base, _ = secured
    aud = _token_url(base)
    r = _token_request(base, _assertion(keys["ec"], "reader-app", aud, "ec-1", "ES384"), "system/*.read")
    assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {r.json()['access_token']}", **FHIR_JSON}
    assert httpx.get(f"{base}/Schedule", headers=h, timeout=60).status_code == 200
    assert httpx.get(f"{base}/Slot/$prefetch", params={"practitioner": "Practitioner/arg-s-1", "start": "2026-12-01",
                                                        "end": "2026-12-02"}, headers=h, timeout=60).status_code == 200
    assert httpx.post(f"{base}/Appointment/$hold", json=params(appt_id="x"), headers=h, timeout=60).status_code == 403
    # asking for more than the client is registered for
    r = _token_request(base, _assertion(keys["ec"], "reader-app", aud, "ec-1", "ES384"), "system/Appointment.write")
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"


def test_expired_wrong_key_replayed_and_wrong_audience_assertions_are_refused(secured, keys):
    base, _ = secured
    aud = _token_url(base)
    expired = _assertion(keys["rsa"], "booking-app", aud, "rsa-1", "RS384", exp_in=-120)
    r = _token_request(base, expired, "system/Appointment.read")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    forged = _assertion(keys["stranger"], "booking-app", aud, "rsa-1", "RS384")
    r = _token_request(base, forged, "system/Appointment.read")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    wrong_aud = _assertion(keys["rsa"], "booking-app", "https://elsewhere.example/token", "rsa-1", "RS384")
    assert _token_request(base, wrong_aud, "system/Appointment.read").status_code == 401
    unknown = _assertion(keys["rsa"], "nobody", aud, "rsa-1", "RS384")
    assert _token_request(base, unknown, "system/Appointment.read").status_code == 401
    good = _assertion(keys["rsa"], "booking-app", aud, "rsa-1", "RS384")
    assert _token_request(base, good, "system/Appointment.read").status_code == 200
    replay = _token_request(base, good, "system/Appointment.read")
    assert replay.status_code == 401 and "jti" in replay.json()["error_description"]
    hs = jwt.encode({"iss": "booking-app", "sub": "booking-app", "aud": aud, "exp": int(time.time()) + 60,
                     "jti": uuid.uuid4().hex}, "a-shared-secret-that-is-long-enough-for-hs256", algorithm="HS256")
    assert _token_request(base, hs, "system/Appointment.read").status_code == 401


def test_coverage_comes_with_a_patient_search_only_for_a_client_that_may_read_it(secured, keys):
    """`_revinclude=Coverage:beneficiary` with no Coverage scope is refused (403), not answered without
    the coverage: a client would read that as "no coverage on file"."""
    base, _ = secured
    r = _token_request(base, _assertion(keys["rsa"], "booking-app", _token_url(base), "rsa-1", "RS384"), "system/Patient.read")
    assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    q = {"family": "Nobody", "_revinclude": "Coverage:beneficiary"}
    body = assert_outcome_status(httpx.get(f"{base}/Patient", params=q, headers=h, timeout=60), 403)
    assert "Coverage" in body["issue"][0]["diagnostics"]
    assert httpx.get(f"{base}/Patient", params={"family": "Nobody"}, headers=h, timeout=60).status_code == 200
    reader = {"Authorization": f"Bearer {READER}"}  # reads everything
    assert httpx.get(f"{base}/Patient", params=q, headers=reader, timeout=60).status_code == 200


def assert_outcome_status(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.json()["resourceType"] == "OperationOutcome"
    return r.json()
