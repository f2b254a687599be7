"""The async Argonaut Scheduling client the assistant's actions book through.

One pooled ``aiohttp.ClientSession`` per ``ArgonautClient`` (created on first use, inside the event
loop); R4 JSON in and out, parsed into ``fhir.resources.R4B`` models; failures raised as the typed
errors of ``actions.argonaut.errors``. aiohttp rather than httpx because every booking step makes a
FHIR call: on these 2-core VMs an httpx request costs 2.6–2.8 ms of CPU against aiohttp's 1.0 ms
(httpcore on anyio, and the cookie jar), and Rasa already runs on aiohttp (README, stop 24).

Retries: only reads (GET, and ``$find``, which the guide defines as side-effect free) and
``$book`` (the server makes a repeated identical ``$book`` safe) are retried, on transport errors,
timeouts, 408/429/502/503/504. ``$hold``, creates, updates and PATCH are sent once.

Leniency towards other servers of the same contract: a missing or non-standard ``Expires`` header,
a bare resource instead of a Bundle, OperationOutcome entries (``search.mode = outcome`` or not)
inside result Bundles, unknown elements in resources (dropped with a log line), an empty body
after create/PATCH (the resource is read back).

Logs carry event names, ids, HTTP status and timings only: never names, birth dates, phone
numbers, query strings or bodies (aiohttp's client logs no request lines).
"""
from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import time
import urllib.request
from datetime import date, datetime, timezone
from typing import Any, Iterable, Mapping, NamedTuple, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp
from fhir.resources.R4B import construct_fhir_element
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from pydantic import ValidationError

from . import codes
from .errors import (
    HoldExpired,
    InvalidRequest,
    NotFound,
    SchedulerError,
    SchedulerUnavailable,
    SlotTaken,
    error_for,
    error_issues,
    outcome_issues,
)

log = logging.getLogger("actions.fhir")

DEFAULT_BASE = "http://127.0.0.1:8080/fhir"
FHIR_JSON = "application/fhir+json"
RETRY_STATUSES = {408, 429, 502, 503, 504}
BOOKED_STATES = {"booked", "arrived", "fulfilled", "checked-in", "pending"}
DISPLAY_TTL = 300.0
COVERAGE_SEEN_TTL = 30.0  # how long a patient search's included coverage answers coverages() (once)
KEEPALIVE = 4.0  # seconds an idle connection is kept: under the 5 s after which uvicorn (and many servers) close theirs


# ---------------------------------------------------------------------------------------------
# small helpers


class Reply(NamedTuple):
    """An answer as ``_send`` returns it: the status, the headers (case-insensitive) and the body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


def _query(params: Any) -> list[tuple[str, str]] | None:
    """Query parameters (a dict or (name, value) pairs) as strings, as a FHIR server reads them."""
    if not params:
        return None
    pairs = params.items() if isinstance(params, Mapping) else params
    return [(str(k), "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in pairs]


def _env_proxy(base_url: str) -> str | None:
    """The proxy the environment names for the FHIR server (HTTP_PROXY / HTTPS_PROXY, NO_PROXY), read once:
    aiohttp's ``trust_env`` would read them, and ~/.netrc, on every request."""
    parts = urlsplit(base_url)
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def _clinic_tz() -> ZoneInfo:
    return ZoneInfo(os.environ.get("SCHEDBOT_TZ") or "America/Los_Angeles")


def _iso(value: datetime | date | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_clinic_tz())
        return value.isoformat()
    return value.isoformat()


def ref_id(value: Any) -> str:
    """The logical id in ``"Type/id"``, an absolute URL, a Reference model or a bare id."""
    if value is None:
        raise ValueError("missing reference")
    if hasattr(value, "reference"):
        value = value.reference
    s = str(value).strip()
    if "/_history/" in s:
        s = s.split("/_history/")[0]
    return s.rstrip("/").rsplit("/", 1)[-1]


def ref_type(value: Any) -> str | None:
    if hasattr(value, "reference"):
        value = value.reference
    if not value:
        return None
    parts = str(value).split("/_history/")[0].rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 else None


def reference(resource_type: str, value: Any) -> str:
    """``"Type/id"`` for an id, a ``Type/id`` string, an absolute URL or a Reference model."""
    return f"{resource_type}/{ref_id(value)}"


def _param(name: str, kind: str, value: Any) -> dict:
    return {"name": name, f"value{kind}": value}


def _parameters(params: list[dict]) -> dict:
    """A Parameters body. Not checked through the R4B model here (half a millisecond on every booking step):
    the server checks what it is sent, and the client tests' stand-in checks every body against the model."""
    return {"resourceType": "Parameters", "parameter": params}


def _parse_expires(value: str | None) -> datetime | None:
    """Parse an ``Expires`` header: HTTP-date (RFC 9110) or, leniently, ISO 8601. None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is None:
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def parse_resource(data: dict, expected: str | None = None):
    """A ``fhir.resources.R4B`` model for ``data``; unknown/invalid optional elements are dropped.

    Raises ``SchedulerError`` when the data cannot be made into the resource at all.
    """
    if not isinstance(data, dict) or "resourceType" not in data:
        raise SchedulerError("response is not a FHIR resource")
    rtype = data["resourceType"]
    if expected and rtype != expected:
        raise SchedulerError(f"expected {expected}, got {rtype}")
    body = dict(data)
    for _ in range(6):
        try:
            return construct_fhir_element(rtype, body)
        except (ValidationError, ValueError, TypeError, LookupError) as exc:
            bad = set()
            if isinstance(exc, ValidationError):
                for err in exc.errors():
                    loc = err.get("loc") or ()
                    if loc and loc[0] in body and loc[0] not in ("resourceType", "id", "status"):
                        bad.add(loc[0])
            if not bad:
                raise SchedulerError(f"could not read {rtype}") from exc
            log.warning("fhir.lenient_parse type=%s dropped=%s", rtype, ",".join(sorted(map(str, bad))))
            for k in bad:
                body.pop(k, None)
    raise SchedulerError(f"could not read {rtype}")


class _Result:
    """Resources and OperationOutcome issues found in a response body."""

    def __init__(self) -> None:
        self.resources: list = []
        self.issues: list[dict] = []
        self.outcome: dict | None = None
        self.next_url: str | None = None
        self.total: int | None = None

    def of_type(self, rtype: str) -> list:
        return [r for r in self.resources if r.resource_type == rtype]


def _read_body(data: Any, keep: int | None = None) -> _Result:
    """The resources of an answer (a Bundle's first ``keep``, when given: a server may send more than the
    ``_count`` asked for, and each costs a model) and the OperationOutcome issues it carries."""
    res = _Result()
    if not isinstance(data, dict):
        return res
    rtype = data.get("resourceType")
    if rtype == "OperationOutcome":
        res.outcome = data
        res.issues.extend(outcome_issues(data))
        return res
    if rtype != "Bundle":
        res.resources.append(parse_resource(data))
        return res
    res.total = data.get("total")
    for link in data.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            res.next_url = link["url"]
    for entry in data.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            continue
        mode = (entry.get("search") or {}).get("mode") if isinstance(entry.get("search"), dict) else None
        if resource.get("resourceType") == "OperationOutcome" or mode == "outcome":
            if resource.get("resourceType") == "OperationOutcome":
                res.outcome = res.outcome or resource
                res.issues.extend(outcome_issues(resource))
            continue
        if keep is not None and len(res.resources) >= keep:
            continue
        try:
            res.resources.append(parse_resource(resource))
        except SchedulerError:
            log.warning("fhir.skip_entry type=%s", resource.get("resourceType"))
    return res


def _outcome_of(issues: list[dict], outcome: dict | None) -> dict | None:
    if outcome is not None and outcome_issues(outcome) == issues:
        return outcome
    if issues:
        return {"resourceType": "OperationOutcome", "issue": issues}
    return outcome


# ---------------------------------------------------------------------------------------------


class ArgonautClient:
    """Async client of an Argonaut Scheduling (FHIR R4) server. Use ``async with`` or ``aclose()``."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float = 10.0,
        *,
        retries: int = 2,
        backoff: float = 0.2,
        display_ttl: float = DISPLAY_TTL,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        base = base_url or os.environ.get("SCHEDBOT_FHIR_BASE") or DEFAULT_BASE
        self.base_url = base.rstrip("/")
        token = token if token is not None else os.environ.get("SCHEDBOT_FHIR_TOKEN")
        self._headers = {"Accept": FHIR_JSON, "User-Agent": "schedbot-argonaut-client/1"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.display_ttl = display_ttl
        self._cache: dict[str, tuple[float, Any]] = {}
        self._revincludes: dict[tuple[str, str], bool] = {}
        self._coverages_seen: dict[str, tuple[float, list]] = {}  # patient id -> (until, Coverages included)
        self._host = urlsplit(self.base_url).netloc
        self._trace_configs = trace_configs
        self._proxy = _env_proxy(self.base_url)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    # -- lifecycle ------------------------------------------------------------------------------

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                connector=aiohttp.TCPConnector(limit=20, keepalive_timeout=KEEPALIVE),
                # read: between bytes of the answer; connect: to get a pooled or new connection
                timeout=aiohttp.ClientTimeout(connect=self.timeout, sock_connect=min(self.timeout, 5.0),
                                              sock_read=self.timeout),
                cookie_jar=aiohttp.DummyCookieJar(),  # FHIR REST is stateless: no cookies kept or sent
                trace_configs=self._trace_configs,
            )
        return self._session

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> "ArgonautClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    @property
    def closed(self) -> bool:
        return self._closed

    # -- transport ------------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        url: str,
        *,
        op: str,
        params: Any = None,
        body: Any = None,
        content_type: str = FHIR_JSON,
        headers: dict | None = None,
        retry: bool = False,
        ok_missing: bool = False,
    ) -> tuple[Reply, Any]:
        """Send one request (with retries if ``retry``); return (reply, parsed JSON or None).

        Raises the typed error for transport failures and non-2xx answers.
        """
        if self._closed:
            raise RuntimeError("ArgonautClient is closed")
        hdrs = dict(headers or {})
        content = None
        if body is not None:
            content = json.dumps(body, default=str).encode()
            hdrs["Content-Type"] = content_type
        target = url if "://" in url else f"{self.base_url}/{url}"
        query = _query(params)
        attempts = 1 + (self.retries if retry else 0)
        started = time.monotonic()
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                async with self._http().request(method, target, params=query, data=content, headers=hdrs,
                                                proxy=self._proxy, allow_redirects=False) as answer:
                    resp = Reply(answer.status, answer.headers, await answer.read())
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                kind = "timeout" if isinstance(exc, asyncio.TimeoutError) else "transport"
                log.warning("fhir.%s %s attempt=%d", op, kind, attempt + 1)
                if last:
                    raise SchedulerUnavailable(
                        f"{op}: scheduler unreachable ({type(exc).__name__})", status=None, operation=op
                    ) from exc
                await asyncio.sleep(self.backoff * (2**attempt))
                continue
            if resp.status_code in RETRY_STATUSES and not last:
                log.warning("fhir.%s status=%d attempt=%d", op, resp.status_code, attempt + 1)
                await asyncio.sleep(self._retry_after(resp, attempt))
                continue
            data = self._json(resp)
            ms = int((time.monotonic() - started) * 1000)
            if resp.is_success:
                log.info("fhir.%s status=%d ms=%d", op, resp.status_code, ms)
                return resp, data
            if ok_missing and resp.status_code in (404, 410):
                log.info("fhir.%s status=%d ms=%d", op, resp.status_code, ms)
                return resp, None
            outcome = self._outcome_in(data)
            err = error_for(resp.status_code, outcome, operation=op)
            log.info("fhir.%s status=%d error=%s ms=%d", op, resp.status_code, type(err).__name__, ms)
            raise err
        raise SchedulerUnavailable(f"{op}: no answer", operation=op)  # pragma: no cover

    def _retry_after(self, resp: Reply, attempt: int) -> float:
        ra = resp.headers.get("Retry-After")
        if ra:
            try:
                return min(max(float(ra), 0.0), 2.0)
            except ValueError:
                pass
        return self.backoff * (2**attempt)

    @staticmethod
    def _json(resp: Reply) -> Any:
        if not resp.content:
            return None
        try:
            return json.loads(resp.content)
        except ValueError:
            return None

    @staticmethod
    def _outcome_in(data: Any) -> dict | None:
        if not isinstance(data, dict):
            return None
        if data.get("resourceType") == "OperationOutcome":
            return data
        if data.get("resourceType") == "Bundle":
            issues: list[dict] = []
            for entry in data.get("entry") or []:
                r = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(r, dict) and r.get("resourceType") == "OperationOutcome":
                    issues.extend(outcome_issues(r))
            if issues:
                return {"resourceType": "OperationOutcome", "issue": issues}
        return None

    def _same_server(self, url: str) -> bool:
        parts = urlsplit(url)
        return not parts.netloc or parts.netloc == self._host

    async def _search(self, rtype: str, params: list[tuple[str, str]], *, op: str, max_pages: int = 10,
                      included: list | None = None) -> list:
        """The ``rtype`` resources a search finds; the other resources of its answer (``_include``,
        ``_revinclude``) are added to ``included`` when given."""
        resp, data = await self._send("GET", rtype, params=params, op=op, retry=True)
        found = _read_body(data)
        items = found.of_type(rtype)
        pages = 1
        while True:
            if included is not None:
                included.extend(r for r in found.resources if r.resource_type != rtype)
            if not (found.next_url and pages < max_pages and self._same_server(found.next_url)):
                break
            resp, data = await self._send("GET", found.next_url, op=op, retry=True)
            found = _read_body(data)
            items.extend(found.of_type(rtype))
            pages += 1
        err = error_issues({"resourceType": "OperationOutcome", "issue": found.issues})
        if not items and err and not any(i.get("code") in ("not-found", "informational") for i in err):
            raise error_for(resp.status_code, {"resourceType": "OperationOutcome", "issue": err}, operation=op)
        return items

    async def _resource_from(self, resp: Reply, data: Any, rtype: str, *, op: str):
        """The resource of ``rtype`` in a create/update/patch answer, reading it back if absent."""
        found = _read_body(data) if data is not None else _Result()
        items = found.of_type(rtype)
        if items:
            return items[0]
        location = resp.headers.get("Location") or resp.headers.get("Content-Location")
        if location and rtype in location:
            loc = location.split("/_history/")[0]
            return await self.read(rtype, ref_id(loc))
        raise error_for(resp.status_code, _outcome_of(found.issues, found.outcome), operation=op,
                        message=f"{op}: no {rtype} in the answer")

    # -- generic --------------------------------------------------------------------------------

    async def read(self, resource_type: str, ref: Any):
        """GET ``[base]/Type/id``; raises NotFound."""
        rid = ref_id(ref)
        resp, data = await self._send("GET", f"{resource_type}/{rid}", op=f"read_{resource_type.lower()}", retry=True)
        return parse_resource(data, resource_type)

    async def create(self, resource):
        """POST a resource (model or dict) to ``[base]/Type``; returns the stored resource."""
        out, _status = await self._create(resource)
        return out

    async def _create(self, resource):
        body = self._dump(resource)
        rtype = body["resourceType"]
        body.pop("id", None)
        op = f"create_{rtype.lower()}"
        resp, data = await self._send(
            "POST", rtype, body=body, op=op, headers={"Prefer": "return=representation"}
        )
        out = await self._resource_from(resp, data, rtype, op=op)
        log.info("fhir.%s id=%s status=%s", op, out.id, resp.status_code)
        return out, resp.status_code

    async def update(self, resource):
        """PUT ``[base]/Type/id``; returns the stored resource."""
        body = self._dump(resource)
        rtype = body["resourceType"]
        if not body.get("id"):
            raise ValueError(f"update needs {rtype}.id")
        op = f"update_{rtype.lower()}"
        resp, data = await self._send(
            "PUT", f"{rtype}/{body['id']}", body=body, op=op, headers={"Prefer": "return=representation"}
        )
        return await self._resource_from(resp, data, rtype, op=op)

    @staticmethod
    def _dump(resource) -> dict:
        if isinstance(resource, dict):
            return dict(resource)
        return json.loads(resource.json(exclude_none=True))

    async def capabilities(self):
        """The server's CapabilityStatement (GET metadata)."""
        resp, data = await self._send("GET", "metadata", op="metadata", retry=True)
        return parse_resource(data, "CapabilityStatement")

    # -- scheduling -----------------------------------------------------------------------------

    async def find_with_outcome(
        self,
        *,
        start: datetime | date | str | None = None,
        end: datetime | date | str | None = None,
        specialty: str | Sequence[str] | None = None,
        visit_type: str | Sequence[str] | None = None,
        practitioner: str | Sequence[str] | None = None,
        organization: str | Sequence[str] | None = None,
        location_string: str | Sequence[str] | None = None,
        location: str | Sequence[str] | None = None,
        patient_id: str | None = None,
        reason: str | Sequence[str] | None = None,
        count: int | None = 3,
    ) -> tuple[list[Appointment], list[dict]]:
        """``$find`` returning the proposed Appointments and the OperationOutcome issues it carried."""
        params: list[dict] = []
        if start is not None:
            params.append(_param("start", "DateTime", _iso(start)))
        if end is not None:
            params.append(_param("end", "DateTime", _iso(end)))
        for v in _many(specialty):
            params.append(_param("specialty", "String", codes.specialty_token(v)))
        for v in _many(visit_type):
            params.append(_param("visit-type", "String", codes.visit_type_token(v)))
        for v in _many(practitioner):
            params.append(_param("practitioner", "Uri", reference("Practitioner", v)))
        for v in _many(organization):
            params.append(_param("organization", "Uri", reference("Organization", v)))
        for v in _many(location_string):
            params.append(_param("location-string", "String", str(v)))
        for v in _many(location):
            params.append(_param("location-reference", "Uri", reference("Location", v)))
        if patient_id:
            params.append(_param("patient-reference", "Uri", reference("Patient", patient_id)))
        for v in _many(reason):
            params.append(_param("reason", "String", str(v)))
        query = {"_count": str(count)} if count else None
        try:
            resp, data = await self._send(
                "POST", "Appointment/$find", params=query, body=_parameters(params),
                op="find", retry=True,
            )
        except InvalidRequest as exc:
            if exc.status != 405:
                raise
            # a server that only offers GET $find: the same parameters in the query string
            qs = [(p["name"], next(v for k, v in p.items() if k.startswith("value"))) for p in params]
            qs += list((query or {}).items())
            resp, data = await self._send("GET", "Appointment/$find", params=qs, op="find", retry=True)
        found = _read_body(data, keep=count or None)
        appts = found.of_type("Appointment")
        err = error_issues({"resourceType": "OperationOutcome", "issue": found.issues})
        if not appts and err and not any(i.get("code") in ("not-found", "informational") for i in err):
            raise error_for(resp.status_code, {"resourceType": "OperationOutcome", "issue": err}, operation="find")
        if count:
            appts = appts[:count]
        log.info("fhir.find results=%d issues=%d", len(appts), len(found.issues))
        return appts, found.issues

    async def find(self, **criteria) -> list[Appointment]:
        """``$find``: proposed Appointments (at most ``count``), in the server's order of preference.

        Takes the criteria of ``find_with_outcome``: specialty / visit_type / practitioner /
        organization / location_string / location may be a value or a list (list = preference
        order); codes are plain codes (SNOMED specialty, the guide's visit-type codes), the client
        adds the systems. An empty list = nothing free.
        """
        appts, _ = await self.find_with_outcome(**criteria)
        return appts

    async def hold(self, appt_id: str, patient_id: str | None = None) -> tuple[Appointment, datetime | None]:
        """``$hold`` a proposed appointment; returns the pending Appointment and when the hold expires
        (``None`` when the server sent no usable ``Expires`` header).

        Book the returned Appointment's id: a server may give the hold a new id (ours does).
        ``patient_id`` (optional, a server extension ours honours) reserves the hold for that patient.
        Raises SlotTaken when the server rejects the hold (HTTP error or a cancelled Appointment).
        """
        params = [_param("appt-id", "Uri", reference("Appointment", appt_id))]
        try:
            resp, data = await self._operation("hold", appt_id, _parameters(
                params + ([_param("patient-id", "Uri", reference("Patient", patient_id))] if patient_id else [])), retry=False)
        except InvalidRequest as exc:
            if not patient_id or exc.status != 400:
                raise
            # patient-id is our extension, not the guide's: a strict server may refuse it; hold for anyone
            log.info("fhir.hold patient_param=refused")
            resp, data = await self._operation("hold", appt_id, _parameters(params), retry=False)
        appt = self._single_appointment(resp, data, op="hold", ok_states={"pending", "booked", "proposed"})
        expires = _parse_expires(resp.headers.get("Expires")) or _parse_expires(resp.headers.get("X-Hold-Expires"))
        log.info("fhir.hold appt=%s status=%s expires=%s", appt.id, appt.status, "yes" if expires else "no")
        return appt, expires

    async def book(
        self,
        appt_id: str,
        patient_id: str,
        comment: str | None = None,
        cancelled_appt_id: str | None = None,
    ) -> Appointment:
        """``$book`` (retried on outages: a repeated identical $book is safe); ``cancelled_appt_id``
        makes it an all-or-nothing reschedule. Returns the booked Appointment."""
        params = [
            _param("appt-id", "Uri", reference("Appointment", appt_id)),
            _param("patient-id", "Uri", reference("Patient", patient_id)),
        ]
        if comment:
            params.append(_param("comment", "String", comment))
        if cancelled_appt_id:
            params.append(_param("cancelled-appt-id", "Uri", reference("Appointment", cancelled_appt_id)))
        body = _parameters(params)
        op = "reschedule" if cancelled_appt_id else "book"
        resp, data = await self._operation("book", appt_id, body, retry=True, op=op)
        appt = self._single_appointment(resp, data, op=op, ok_states=BOOKED_STATES)
        log.info("fhir.%s appt=%s status=%s", op, appt.id, appt.status)
        return appt

    async def _operation(self, name: str, appt_id: str, body: dict, *, retry: bool, op: str | None = None):
        """POST ``Appointment/$name``; on 405 fall back to the instance form ``Appointment/[id]/$name``."""
        try:
            return await self._send("POST", f"Appointment/${name}", body=body, op=op or name, retry=retry)
        except InvalidRequest as exc:
            if exc.status != 405:
                raise
        return await self._send("POST", f"Appointment/{ref_id(appt_id)}/${name}", body=body, op=op or name, retry=retry)

    def _single_appointment(self, resp: Reply, data: Any, *, op: str, ok_states: set[str]) -> Appointment:
        found = _read_body(data)
        appts = found.of_type("Appointment")
        outcome = _outcome_of(found.issues, found.outcome)
        err = error_issues(outcome)
        if not appts:
            if err:
                raise error_for(resp.status_code, outcome, operation=op)
            raise SchedulerError(f"{op}: no Appointment in the answer", status=resp.status_code, operation=op)
        appt = appts[0]
        if appt.status not in ok_states:
            if err:
                e = error_for(409, outcome, operation=op)
                if isinstance(e, (SlotTaken, HoldExpired, NotFound)):
                    raise e
            raise SlotTaken(f"{op}: appointment came back {appt.status}", status=resp.status_code,
                            operation=op, outcome=outcome)
        return appt

    async def cancel(self, appt_id: str, reason: str | None = None) -> Appointment:
        """Cancel (PATCH status=cancelled, JSON Patch); ``reason`` is a status-reason code or free text."""
        aid = ref_id(appt_id)
        patch: list[dict] = [{"op": "replace", "path": "/status", "value": "cancelled"}]
        if reason:
            patch.append({"op": "add", "path": "/cancelationReason", "value": _reason_concept(reason)})
        try:
            resp, data = await self._send(
                "PATCH", f"Appointment/{aid}", body=patch, content_type="application/json-patch+json", op="cancel",
                headers={"Prefer": "return=representation"},
            )
        except InvalidRequest as exc:
            if exc.status != 415 and "not-supported" not in exc.codes:
                raise
            # a server without JSON Patch: the same change as FHIRPath Patch
            resp, data = await self._send(
                "PATCH", f"Appointment/{aid}", body=_fhirpath_cancel(reason), op="cancel",
                headers={"Prefer": "return=representation"},
            )
        found = _read_body(data) if data is not None else _Result()
        appts = found.of_type("Appointment")
        appt = appts[0] if appts else await self.read("Appointment", aid)
        log.info("fhir.cancel appt=%s status=%s", appt.id, appt.status)
        return appt

    async def release(self, appt_id: str) -> Appointment | None:
        """Release a hold: cancel it if it is still proposed/pending. Never cancels a booked
        appointment; ignores one that is gone, expired or already cancelled (returns None then)."""
        aid = ref_id(appt_id)
        try:
            current = await self.read("Appointment", aid)
        except (NotFound, HoldExpired):
            log.info("fhir.release appt=%s gone", aid)
            return None
        if current.status not in ("proposed", "pending"):
            log.info("fhir.release appt=%s skipped status=%s", aid, current.status)
            return current if current.status != "cancelled" else None
        try:
            return await self.cancel(aid)
        except SchedulerUnavailable:
            raise
        except SchedulerError as exc:
            log.info("fhir.release appt=%s ignored=%s", aid, type(exc).__name__)
            return None

    async def appointments(
        self,
        patient_id: str,
        status: Iterable[str] | None = None,
        start: datetime | date | str | None = None,
        end: datetime | date | str | None = None,
    ) -> list[Appointment]:
        """The patient's appointments (optionally by status and from ``start``), sorted by start."""
        params: list[tuple[str, str]] = [("patient", ref_id(patient_id))]
        if status:
            params.append(("status", ",".join(status)))
        if start is not None:
            params.append(("date", "ge" + _iso(start)))
        if end is not None:
            params.append(("date", "lt" + _iso(end)))
        params.append(("_count", "100"))
        appts = await self._search("Appointment", params, op="appointments")
        wanted = set(status) if status else None
        if wanted:
            appts = [a for a in appts if a.status in wanted]
        far = datetime.max.replace(tzinfo=timezone.utc)
        appts.sort(key=lambda a: a.start or far)
        log.info("fhir.appointments patient=%s results=%d", ref_id(patient_id), len(appts))
        return appts

    # -- patients and coverage -------------------------------------------------------------------

    async def search_patients(
        self,
        *,
        family: str | None = None,
        given: str | None = None,
        birthdate: date | str | None = None,
        phone: str | None = None,
        identifier: str | None = None,
        gender: str | None = None,
        with_coverage: bool = False,
    ) -> list[Patient]:
        """US Core Patient search. ``identifier`` is ``system|value`` or a bare value. ``with_coverage``:
        the found patients' coverage comes in the same answer (``_revinclude=Coverage:beneficiary``) when
        the server offers that, and ``coverages()`` of one of them then needs no call of its own."""
        params: list[tuple[str, str]] = []
        if identifier:
            params.append(("identifier", identifier))
        if family:
            params.append(("family", family))
        if given:
            params.append(("given", given))
        if birthdate:
            params.append(("birthdate", _iso(birthdate)))
        if phone:
            params.append(("telecom", phone))
        if gender:
            params.append(("gender", gender))
        if not params:
            raise ValueError("search_patients needs at least one criterion")
        revinclude = with_coverage and await self._offers_revinclude("Patient", "Coverage:beneficiary")
        if revinclude:
            params.append(("_revinclude", "Coverage:beneficiary"))
        included: list = []
        patients = await self._search("Patient", params, op="search_patients", included=included)
        if revinclude:
            self._keep_coverages(patients, included)
        log.info("fhir.search_patients results=%d", len(patients))
        return patients

    async def _offers_revinclude(self, resource_type: str, revinclude: str) -> bool:
        """Whether the server's CapabilityStatement lists ``revinclude`` for searches of ``resource_type``
        (read once; a server that cannot say is asked again next time)."""
        key = (resource_type, revinclude)
        if key not in self._revincludes:
            try:
                _resp, data = await self._send("GET", "metadata", op="metadata", retry=False)
            except SchedulerError:
                return False
            entries = [r for rest in (data or {}).get("rest") or [] for r in rest.get("resource") or []
                       if isinstance(r, dict) and r.get("type") == resource_type]
            self._revincludes[key] = any(revinclude in (r.get("searchRevInclude") or []) for r in entries)
        return self._revincludes[key]

    def _keep_coverages(self, patients: list, included: list) -> None:
        now = time.monotonic()
        self._coverages_seen = {k: v for k, v in self._coverages_seen.items() if v[0] > now}
        for p in patients:
            mine = [c for c in included if c.resource_type == "Coverage"
                    and ref_id(getattr(getattr(c, "beneficiary", None), "reference", None) or "") == p.id]
            self._coverages_seen[p.id] = (now + COVERAGE_SEEN_TTL, mine)

    async def create_patient(self, patient: Patient | dict) -> Patient:
        """Register a patient (no If-None-Exist: the server returns the existing record for a duplicate)."""
        return await self.create(patient)

    async def register_patient(self, patient: Patient | dict) -> tuple[Patient, bool]:
        """``create_patient``, and whether the server answered with a record it already had (200, not 201)."""
        out, status = await self._create(patient)
        return out, status == 200

    async def create_coverage(self, coverage: Coverage | dict) -> Coverage:
        return await self.create(coverage)

    async def update_coverage(self, coverage: Coverage | dict) -> Coverage:
        return await self.update(coverage)

    async def coverages(self, patient_id: str) -> list[Coverage]:
        """The patient's Coverage resources (search by beneficiary). Right after a patient search with
        ``with_coverage`` that found this patient, the coverage it included (once, within seconds)."""
        seen = self._coverages_seen.pop(ref_id(patient_id), None)
        if seen and seen[0] > time.monotonic():
            return seen[1]
        return await self._search("Coverage", [("beneficiary", reference("Patient", patient_id))], op="coverages")

    # -- display reads (cached) -------------------------------------------------------------------

    async def _cached(self, resource_type: str, ref: Any):
        key = reference(resource_type, ref)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit and hit[0] > now:
            return hit[1]
        resource = await self.read(resource_type, ref)
        if len(self._cache) > 512:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[key] = (now + self.display_ttl, resource)
        return resource

    async def search_practitioners(self, *, family: str | None = None, given: str | None = None) -> list[Practitioner]:
        """Practitioners by family and/or given name (FHIR string search: the server may match a prefix)."""
        params = [(k, v) for k, v in (("family", family), ("given", given)) if v]
        if not params:
            raise ValueError("search_practitioners needs a family or given name")
        return await self._search("Practitioner", params, op="search_practitioners")

    async def practitioner_roles(self, practitioner_id: str) -> list[PractitionerRole]:
        """The roles (specialties, places) of one practitioner."""
        ref = reference("Practitioner", practitioner_id)
        return await self._search("PractitionerRole", [("practitioner", ref)], op="practitioner_roles")

    async def roles(self, specialty: str | None = None) -> list[PractitionerRole]:
        """The clinic's practitioner roles, of one specialty (a SNOMED code) or all: who works where."""
        params = [("specialty", codes.specialty_token(specialty))] if specialty else [("_count", "100")]
        return await self._search("PractitionerRole", params, op="roles")

    async def practitioner(self, ref: Any) -> Practitioner:
        return await self._cached("Practitioner", ref)

    async def practitioner_role(self, ref: Any) -> PractitionerRole:
        return await self._cached("PractitionerRole", ref)

    async def location(self, ref: Any) -> Location:
        return await self._cached("Location", ref)

    async def organization(self, ref: Any) -> Organization:
        return await self._cached("Organization", ref)

    def clear_cache(self) -> None:
        self._cache.clear()


def _many(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return [v for v in value if v is not None]


def _fhirpath_cancel(reason: str | None) -> dict:
    ops = [{"name": "operation", "part": [
        {"name": "type", "valueCode": "replace"},
        {"name": "path", "valueString": "Appointment.status"},
        {"name": "value", "valueCode": "cancelled"},
    ]}]
    if reason:
        ops.append({"name": "operation", "part": [
            {"name": "type", "valueCode": "add"},
            {"name": "path", "valueString": "Appointment"},
            {"name": "name", "valueString": "cancelationReason"},
            {"name": "value", "valueCodeableConcept": _reason_concept(reason)},
        ]})
    return _parameters(ops)


def _reason_concept(reason: str) -> dict:
    code = reason.strip().lower().replace(" ", "-")
    if code in codes.STATUS_REASONS:
        return {
            "coding": [{"system": codes.STATUS_REASON_SYSTEM, "code": code, "display": codes.STATUS_REASONS[code]}],
            "text": codes.STATUS_REASONS[code],
        }
    return {"text": reason}


def build_coverage(
    patient_id: str,
    *,
    payer_name: str,
    member_id: str | None,
    payer_id: str | None = None,
    relationship: str = "self",
    subscriber_id: str | None = None,
    plan: str | None = None,
    plan_name: str | None = None,
    coverage_id: str | None = None,
) -> Coverage:
    """An Argonaut Coverage (subscriberId, payor, relationship, beneficiary) for the patient; without
    ``member_id`` it has no identifier nor subscriberId (the card is brought to the visit)."""
    patient_ref = reference("Patient", patient_id)
    payor: dict = {"display": payer_name}
    if payer_id:
        payor["identifier"] = {"value": payer_id}
    data: dict = {
        "resourceType": "Coverage",
        "meta": {"profile": ["http://fhir.org/guides/argonaut-scheduling/StructureDefinition/argo-coverage"]},
        "status": "active",
        "type": {"coding": [{"system": codes.COVERAGE_TYPE_SYSTEM, "code": "HIP",
                             "display": "health insurance plan policy"}]},
        "beneficiary": {"reference": patient_ref},
        "relationship": {"coding": [{"system": codes.POLICYHOLDER_RELATIONSHIP_SYSTEM, "code": relationship}]},
        "payor": [payor],
    }
    if member_id:  # (None: the patient will bring the card; the front desk adds it)
        data["identifier"] = [{"value": member_id}]
    if subscriber_id or member_id:
        data["subscriberId"] = subscriber_id or member_id
    if relationship == "self":
        data["subscriber"] = {"reference": patient_ref}
    if plan or plan_name:
        data["class"] = [{
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]},
            "value": plan or plan_name,
            **({"name": plan_name} if plan_name else {}),
        }]
    if coverage_id:
        data["id"] = coverage_id
    return Coverage.parse_obj(data)


_SHARED: dict[int, ArgonautClient] = {}


def shared_client() -> ArgonautClient:
    """One pooled client per running event loop, configured from the environment (for actions that
    do not want to manage a client's lifetime). Must be called from inside a coroutine."""
    loop = asyncio.get_running_loop()
    key = id(loop)
    client = _SHARED.get(key)
    if client is None or client.closed or getattr(client, "_loop", None) is not loop:
        client = ArgonautClient()
        client._loop = loop  # type: ignore[attr-defined]
        _SHARED[key] = client
    return client


async def aclose_shared() -> None:
    """Close the shared client of the running loop (e.g. at action-server shutdown)."""
    client = _SHARED.pop(id(asyncio.get_running_loop()), None)
    if client is not None:
        await client.aclose()
