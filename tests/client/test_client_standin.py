"""Client behaviour the real scheduler cannot show: outages, timeouts, retries, a foreign server's
OperationOutcomes and headers. Runs against a scripted stand-in FHIR server over real HTTP."""
import logging
from datetime import datetime, timezone
from urllib.parse import parse_qs

import pytest

from actions.fhir import (
    ArgonautClient,
    AuthError,
    HoldExpired,
    InvalidRequest,
    NotFound,
    SchedulerError,
    SchedulerUnavailable,
    SlotTaken,
)
from actions.formatting import describe_appointment, display_names
from tests.support.net import free_port

from tests.client.client_standin import Reply

SNOMED = "http://snomed.info/sct"
VT = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/visit-type"


def appt(id, start="2026-12-01T17:15:00Z", status="proposed", **extra):
    return {"resourceType": "Appointment", "id": id, "status": status, "start": start,
            "end": start.replace(":15:", ":30:"),
            "participant": [{"actor": {"reference": "Practitioner/pr1"}, "status": "needs-action"},
                            {"actor": {"reference": "Location/lo1"}, "status": "needs-action"}], **extra}


def oo(code, text="x", severity="error"):
    return {"resourceType": "OperationOutcome", "issue": [{"severity": severity, "code": code, "details": {"text": text}}]}


def bundle(*resources, outcome_mode=False, next_url=None):
    entries = []
    for r in resources:
        e = {"resource": r}
        if r["resourceType"] == "OperationOutcome" and outcome_mode:
            e["search"] = {"mode": "outcome"}
        elif r["resourceType"] != "OperationOutcome":
            e["search"] = {"mode": "match"}
        entries.append(e)
    b = {"resourceType": "Bundle", "type": "searchset", "entry": entries}
    if next_url:
        b["link"] = [{"relation": "next", "url": next_url}]
    return b


@pytest.fixture
async def client(standin):
    c = ArgonautClient(standin.base, token="t0ken", timeout=60.0, retries=2, backoff=0.01)
    yield c
    await c.aclose()


def params_of(body):
    return [(p["name"], next(v for k, v in p.items() if k.startswith("value"))) for p in body["parameter"]]


async def test_find_request_shape_and_lenient_bundle(standin, client):
    odd = appt("a2", start="2026-12-01T18:15:00Z")
    odd["someVendorElement"] = {"x": 1}  # unknown element: dropped, appointment kept
    standin.on("POST", "Appointment/$find", bundle(
        appt("a1"), oo("informational", "horizon clipped", "information"), odd,
        oo("informational", "outcome entry", "warning"), appt("a3"), appt("a4"), outcome_mode=True))
    got = await client.find(start=datetime(2026, 12, 1, 8, 0), end="2026-12-05T17:00:00-08:00",
                            specialty=["dermatology", "419772000"], visit_type="consult",
                            practitioner=["Practitioner/pr1", "pr2"], organization="o1",
                            location_string="94121", patient_id="p9", count=3)
    assert [a.id for a in got] == ["a1", "a2", "a3"]
    call = standin.calls("POST", "Appointment/$find")[0]
    assert call.query == "_count=3"
    assert call.headers["authorization"] == "Bearer t0ken"
    assert call.headers["content-type"] == "application/fhir+json"
    assert call.body["resourceType"] == "Parameters"
    assert params_of(call.body) == [
        ("start", "2026-12-01T08:00:00-08:00"),  # naive = clinic time
        ("end", "2026-12-05T17:00:00-08:00"),
        ("specialty", f"{SNOMED}|394582007"),
        ("specialty", f"{SNOMED}|419772000"),
        ("visit-type", f"{VT}|consult"),
        ("practitioner", "Practitioner/pr1"),
        ("practitioner", "Practitioner/pr2"),
        ("organization", "Organization/o1"),
        ("location-string", "94121"),
        ("patient-reference", "Patient/p9"),
    ]


async def test_find_with_outcome_returns_issues_and_empty_is_fine(standin, client):
    standin.on("POST", "Appointment/$find", bundle(oo("not-found", "nothing free", "warning")))
    appts, issues = await client.find_with_outcome(specialty="394582007")
    assert appts == [] and issues[0]["code"] == "not-found"
    standin.on("POST", "Appointment/$find", {"resourceType": "Bundle", "type": "searchset"})
    assert await client.find() == []


async def test_find_error_outcome_in_bundle_raises(standin, client):
    standin.on("POST", "Appointment/$find", bundle(oo("code-invalid", "unknown specialty")))
    with pytest.raises(InvalidRequest):
        await client.find(specialty="999")


async def test_find_retries_on_503_then_succeeds(standin, client):
    standin.on("POST", "Appointment/$find", Reply(503, oo("transient")), Reply(503), bundle(appt("a1")))
    got = await client.find()
    assert [a.id for a in got] == ["a1"]
    assert len(standin.calls("POST", "Appointment/$find")) == 3


async def test_outage_gives_up_with_unavailable(standin, client):
    standin.on("GET", "Appointment", Reply(503, oo("transient", "maintenance"), headers={"Retry-After": "0"}))
    with pytest.raises(SchedulerUnavailable) as err:
        await client.appointments("p1")
    assert err.value.status == 503
    assert len(standin.calls("GET", "Appointment")) == 3


async def test_html_502_is_unavailable(standin, client):
    standin.on("GET", "Practitioner/pr1", Reply(502, "<html>bad gateway</html>"))
    with pytest.raises(SchedulerUnavailable):
        await client.practitioner("pr1")


async def test_hold_is_never_retried(standin, client):
    standin.on("POST", "Appointment/$hold", Reply(503))
    with pytest.raises(SchedulerUnavailable):
        await client.hold("a1")
    assert len(standin.calls("POST", "Appointment/$hold")) == 1


@pytest.mark.parametrize("header,expected", [
    ({"Expires": "Tue, 01 Dec 2026 17:20:00 GMT"}, datetime(2026, 12, 1, 17, 20, tzinfo=timezone.utc)),
    ({"Expires": "2026-12-01T09:20:00-08:00"}, datetime(2026, 12, 1, 17, 20, tzinfo=timezone.utc)),
    ({"Expires": "soon"}, None),
    ({"X-Hold-Expires": "2026-12-01T09:20:00-08:00"}, datetime(2026, 12, 1, 17, 20, tzinfo=timezone.utc)),
    ({}, None),
])
async def test_hold_expires_header(standin, client, header, expected):
    standin.on("POST", "Appointment/$hold", Reply(200, bundle(appt("a1", status="pending")), headers=header))
    held, expires = await client.hold("Appointment/a1")
    assert held.status == "pending" and expires == expected
    body = standin.calls("POST", "Appointment/$hold")[0].body
    assert params_of(body) == [("appt-id", "Appointment/a1")]


async def test_hold_bare_appointment_answer(standin, client):
    standin.on("POST", "Appointment/$hold", appt("a1", status="pending"))
    held, expires = await client.hold("a1")
    assert held.id == "a1" and expires is None


async def test_hold_rejected_as_cancelled_appointment(standin, client):
    standin.on("POST", "Appointment/$hold", bundle(appt("a1", status="cancelled"), oo("processing", "slot is busy")))
    with pytest.raises(SlotTaken):
        await client.hold("a1")


async def test_hold_conflict_and_expired(standin, client):
    standin.on("POST", "Appointment/$hold", Reply(409, oo("conflict", "slot busy")))
    with pytest.raises(SlotTaken):
        await client.hold("a1")
    standin.on("POST", "Appointment/$book", Reply(409, oo("expired", "hold expired")))
    with pytest.raises(HoldExpired):
        await client.book("a1", "p1")


async def test_book_retried_after_timeout(standin):
    standin.on("POST", "Appointment/$book", Reply(200, bundle(appt("a1", status="booked")), delay=20.0),
               bundle(appt("a1", status="booked")))
    async with ArgonautClient(standin.base, timeout=4.0, retries=3, backoff=0.01) as c:
        booked = await c.book("a1", "p1", comment="rash", cancelled_appt_id="Appointment/old1")
    assert booked.status == "booked"
    calls = standin.calls("POST", "Appointment/$book")
    assert len(calls) == 2 and calls[0].body == calls[1].body
    assert params_of(calls[0].body) == [("appt-id", "Appointment/a1"), ("patient-id", "Patient/p1"),
                                        ("comment", "rash"), ("cancelled-appt-id", "Appointment/old1")]


async def test_timeout_gives_unavailable_for_hold(standin):
    standin.on("POST", "Appointment/$hold", Reply(200, bundle(appt("a1", status="pending")), delay=20.0))
    async with ArgonautClient(standin.base, timeout=1.0, retries=2, backoff=0.01) as c:
        with pytest.raises(SchedulerUnavailable):
            await c.hold("a1")
    assert len(standin.calls("POST", "Appointment/$hold")) == 1


async def test_book_outcome_only_bundle(standin, client):
    standin.on("POST", "Appointment/$book", bundle(oo("conflict", "slot taken")))
    with pytest.raises(SlotTaken):
        await client.book("a1", "p1")
    standin.on("POST", "Appointment/$book", Reply(400, oo("not-found", "no such patient")))
    with pytest.raises(NotFound):
        await client.book("a1", "p404")
    standin.on("POST", "Appointment/$book", Reply(200, {"resourceType": "Bundle", "type": "searchset"}))
    with pytest.raises(SchedulerError):
        await client.book("a1", "p1")


async def test_book_rejected_without_outcome(standin, client):
    standin.on("POST", "Appointment/$book", bundle(appt("a1", status="cancelled")))
    with pytest.raises(SlotTaken):
        await client.book("a1", "p1")


async def test_connection_refused_is_unavailable():
    async with ArgonautClient(f"http://127.0.0.1:{free_port()}/fhir", retries=1, backoff=0.01) as c:
        with pytest.raises(SchedulerUnavailable) as err:
            await c.appointments("p1")
    assert err.value.status is None


async def test_auth_error(standin, client):
    standin.on("GET", "Patient", Reply(401, oo("login")))
    with pytest.raises(AuthError):
        await client.search_patients(family="Roe")


async def test_cancel_sends_json_patch_and_reads_back_empty_answer(standin, client):
    standin.on("PATCH", "Appointment/a1", Reply(204))
    standin.on("GET", "Appointment/a1", appt("a1", status="cancelled"))
    out = await client.cancel("a1", reason="weather")
    assert out.status == "cancelled"
    call = standin.calls("PATCH", "Appointment/a1")[0]
    assert call.headers["content-type"] == "application/json-patch+json"
    assert call.body[0] == {"op": "replace", "path": "/status", "value": "cancelled"}
    assert call.body[1]["path"] == "/cancelationReason"
    assert call.body[1]["value"]["coding"][0]["code"] == "weather"
    standin.on("PATCH", "Appointment/a1", appt("a1", status="cancelled"))
    await client.cancel("a1", reason="my car broke down")
    assert standin.calls("PATCH", "Appointment/a1")[-1].body[1]["value"] == {"text": "my car broke down"}


async def test_cancel_not_retried_and_maps_errors(standin, client):
    standin.on("PATCH", "Appointment/a1", Reply(503))
    with pytest.raises(SchedulerUnavailable):
        await client.cancel("a1")
    assert len(standin.calls("PATCH", "Appointment/a1")) == 1
    standin.on("PATCH", "Appointment/a2", Reply(404, oo("not-found")))
    with pytest.raises(NotFound):
        await client.cancel("a2")


async def test_release_never_cancels_a_booking(standin, client):
    standin.on("GET", "Appointment/a1", appt("a1", status="booked"))
    out = await client.release("a1")
    assert out.status == "booked" and standin.calls("PATCH", "Appointment/a1") == []
    assert await client.release("gone") is None  # unscripted = 404
    standin.on("GET", "Appointment/a3", appt("a3", status="pending"))
    standin.on("PATCH", "Appointment/a3", Reply(422, oo("business-rule", "already cancelled")))
    assert await client.release("a3") is None
    standin.on("GET", "Appointment/a4", appt("a4", status="pending"))
    standin.on("PATCH", "Appointment/a4", appt("a4", status="cancelled"))
    assert (await client.release("a4")).status == "cancelled"


async def test_appointments_query_paging_and_order(standin, client):
    page2 = f"{standin.base}/Appointment?page=2"
    standin.on("GET", "Appointment", Reply(200, bundle(appt("late", start="2026-12-03T17:15:00Z", status="booked"),
                                                       next_url=page2)),
               bundle(appt("early", start="2026-12-01T17:15:00Z", status="booked"),
                      appt("gone", start="2026-12-02T17:15:00Z", status="cancelled")))
    got = await client.appointments("Patient/p1", status=["booked"], start=datetime(2026, 11, 30, 7, 0))
    assert [a.id for a in got] == ["early", "late"]
    first = standin.calls("GET", "Appointment")[0]
    assert "patient=p1" in first.query and "status=booked" in first.query
    assert parse_qs(first.query)["date"] == ["ge2026-11-30T07:00:00-08:00"]  # however the client quotes it


async def test_paging_never_leaves_the_server(standin, client):
    standin.on("GET", "Appointment", bundle(appt("a1", status="booked"), next_url="http://evil.example/fhir/Appointment?p=2"))
    got = await client.appointments("p1")
    assert [a.id for a in got] == ["a1"] and len(standin.calls("GET", "Appointment")) == 1


async def test_create_patient_reads_back_and_never_sends_if_none_exist(standin, client):
    standin.on("POST", "Patient", Reply(201, None, headers={"Location": f"{standin.base}/Patient/p7/_history/1"}))
    standin.on("GET", "Patient/p7", {"resourceType": "Patient", "id": "p7", "name": [{"family": "Roe"}]})
    out = await client.create_patient({"resourceType": "Patient", "name": [{"family": "Roe"}]})
    assert out.id == "p7"
    post = standin.calls("POST", "Patient")[0]
    assert "if-none-exist" not in post.headers
    assert post.body["resourceType"] == "Patient"


async def test_create_validation_error_is_invalid_request(standin, client):
    standin.on("POST", "Coverage", Reply(422, oo("required", "payor is required")))
    with pytest.raises(InvalidRequest):
        await client.create_coverage({"resourceType": "Coverage", "status": "active",
                                      "beneficiary": {"reference": "Patient/p1"}, "payor": [{"display": "X"}]})


async def test_display_reads_are_cached(standin, client):
    standin.on("GET", "Practitioner/pr1", {"resourceType": "Practitioner", "id": "pr1",
                                           "name": [{"family": "Boyce", "given": ["Philip"], "prefix": ["Dr"]}]})
    standin.on("GET", "Location/lo1", {"resourceType": "Location", "id": "lo1", "name": "San Jose",
                                       "managingOrganization": {"reference": "Organization/or1"}})
    standin.on("GET", "Organization/or1", {"resourceType": "Organization", "id": "or1", "name": "San Jose Dermatology Clinic"})
    a = await client.practitioner("Practitioner/pr1")
    b = await client.practitioner("pr1")
    assert a is b and len(standin.calls("GET", "Practitioner/pr1")) == 1
    from fhir.resources.R4B.appointment import Appointment

    proposed = Appointment.parse_obj(appt("a1"))
    names = await display_names(client, [proposed, proposed])
    assert names == {"Practitioner/pr1": "Dr. Boyce", "Location/lo1": "San Jose Dermatology Clinic"}
    assert describe_appointment(proposed, names, "America/Los_Angeles") == \
        "Tue Dec 1, 9:15 AM with Dr. Boyce at San Jose Dermatology Clinic"
    assert len(standin.calls("GET", "Practitioner/pr1")) == 1
    async with ArgonautClient(standin.base, display_ttl=0) as nocache:
        await nocache.practitioner("pr1")
        await nocache.practitioner("pr1")
    assert len(standin.calls("GET", "Practitioner/pr1")) == 3


async def test_display_names_survive_missing_resources(standin, client):
    from fhir.resources.R4B.appointment import Appointment

    proposed = Appointment.parse_obj(appt("a1"))  # nothing scripted: every read is 404
    names = await display_names(client, [proposed])
    assert names == {}
    assert describe_appointment(proposed, names, "America/Los_Angeles") == "Tue Dec 1, 9:15 AM"


async def test_env_defaults(standin, monkeypatch):
    monkeypatch.setenv("SCHEDBOT_FHIR_BASE", standin.base + "/")
    monkeypatch.setenv("SCHEDBOT_FHIR_TOKEN", "envtoken")
    standin.on("GET", "Organization/or1", {"resourceType": "Organization", "id": "or1", "name": "Clinic"})
    async with ArgonautClient() as c:
        assert c.base_url == standin.base
        await c.organization("or1")
    assert standin.calls("GET", "Organization/or1")[0].headers["authorization"] == "Bearer envtoken"


async def test_logs_carry_no_phi(standin, client, caplog):
    standin.on("GET", "Patient", bundle({"resourceType": "Patient", "id": "p1", "name": [{"family": "Zebulon"}],
                                          "birthDate": "1980-04-12"}))
    with caplog.at_level(logging.DEBUG):
        found = await client.search_patients(family="Zebulon", given="Quincy", birthdate="1980-04-12", phone="4085550199")
    assert [p.id for p in found] == ["p1"]
    call = standin.calls("GET", "Patient")[0]
    assert "family=Zebulon" in call.query and "telecom=4085550199" in call.query
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "fhir.search_patients" in text
    for secret in ("Zebulon", "Quincy", "1980", "4085550199"):
        assert secret not in text


async def test_shared_client_is_one_per_loop(standin, monkeypatch):
    from actions.fhir import aclose_shared, shared_client

    monkeypatch.setenv("SCHEDBOT_FHIR_BASE", standin.base)
    first = shared_client()
    assert shared_client() is first and first.base_url == standin.base
    await aclose_shared()
    assert first.closed
    second = shared_client()
    assert second is not first
    await aclose_shared()


async def test_a_server_refusing_our_patient_id_on_hold_still_gets_the_hold(standin, client):
    # patient-id on $hold is our server's extension (the guide has appt-id / appt-resource only)
    standin.on("POST", "Appointment/$hold", Reply(400, oo("invalid", "unknown parameter patient-id")),
               bundle(appt("a1", status="pending")))
    held, _ = await client.hold("a1", patient_id="p1")
    assert held.status == "pending"
    first, second = standin.calls("POST", "Appointment/$hold")
    assert [p["name"] for p in first.body["parameter"]] == ["appt-id", "patient-id"]
    assert [p["name"] for p in second.body["parameter"]] == ["appt-id"]


async def test_a_hold_refused_for_another_reason_is_not_retried(standin, client):
    standin.on("POST", "Appointment/$hold", Reply(409, oo("conflict", "the time is no longer available")))
    with pytest.raises(SlotTaken):
        await client.hold("a1", patient_id="p1")
    assert len(standin.calls("POST", "Appointment/$hold")) == 1


async def test_fallbacks_for_servers_without_post_find_type_level_ops_or_json_patch(standin, client):
    standin.on("POST", "Appointment/$find", Reply(405, oo("not-supported", "use GET")))
    standin.on("GET", "Appointment/$find", bundle(appt("a1")))
    got = await client.find(specialty="394582007", count=2)
    assert [a.id for a in got] == ["a1"]
    q = standin.calls("GET", "Appointment/$find")[0].query
    assert parse_qs(q) == {"specialty": ["http://snomed.info/sct|394582007"], "_count": ["2"]}

    standin.on("POST", "Appointment/$hold", Reply(405))
    standin.on("POST", "Appointment/a1/$hold", bundle(appt("a1", status="pending")))
    held, _ = await client.hold("a1")
    assert held.status == "pending"
    standin.on("POST", "Appointment/$book", Reply(405))
    standin.on("POST", "Appointment/a1/$book", bundle(appt("a1", status="booked")))
    assert (await client.book("a1", "p1")).status == "booked"

    standin.on("PATCH", "Appointment/a1", Reply(415, oo("not-supported", "JSON Patch not supported")),
               appt("a1", status="cancelled"))
    out = await client.cancel("a1", reason="weather")
    assert out.status == "cancelled"
    second = standin.calls("PATCH", "Appointment/a1")[1]
    assert second.headers["content-type"] == "application/fhir+json"
    assert second.body["resourceType"] == "Parameters"
    assert second.body["parameter"][0]["part"][2] == {"name": "value", "valueCode": "cancelled"}


async def test_find_reads_no_more_than_the_count_asked_for(standin, client, monkeypatch):
    """A server may send more than `_count`: the rest are not read into models (each costs ~0.5 ms)."""
    import actions.argonaut.client as mod

    read = []
    parse = mod.parse_resource
    monkeypatch.setattr(mod, "parse_resource", lambda data, *a: read.append(data["id"]) or parse(data, *a))
    standin.on("POST", "Appointment/$find", bundle(*(appt(f"a{i}") for i in range(1, 9))))
    got = await client.find(specialty="dermatology", count=3)
    assert [a.id for a in got] == ["a1", "a2", "a3"] and read == ["a1", "a2", "a3"]
    assert parse_qs(standin.calls("POST", "Appointment/$find")[0].query) == {"_count": ["3"]}


def test_the_proxy_is_the_environments_unless_the_server_is_exempt(monkeypatch):
    from actions.argonaut.client import _env_proxy

    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    assert _env_proxy("https://ehr.example.org/fhir") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.clinic.lan:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,.internal")
    assert _env_proxy("https://ehr.example.org/fhir") == "http://proxy.clinic.lan:3128"
    assert _env_proxy("http://ehr.example.org/fhir") is None  # no HTTP_PROXY
    assert _env_proxy("https://fhir.internal/r4") is None and _env_proxy("https://127.0.0.1:8443/fhir") is None


async def test_requests_go_through_the_proxy_the_environment_names(monkeypatch):
    """A one-request HTTP proxy on this machine: it gets the absolute-form request for the FHIR server."""
    import asyncio
    import json

    lines = []

    async def proxy(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        lines.append(head.split(b"\r\n", 1)[0].decode())
        body = json.dumps({"resourceType": "Patient", "id": "p1"}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    async with server, ArgonautClient("http://ehr.invalid/fhir", timeout=10.0, retries=0) as c:
        patient = await c.read("Patient", "p1")
    assert patient.id == "p1" and lines == ["GET http://ehr.invalid/fhir/Patient/p1 HTTP/1.1"]
