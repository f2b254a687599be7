"""Shared by every operation: errors as OperationOutcome, FHIR JSON responses, parameter parsing
(query string or a Parameters body), time formatting in the clinic's zone."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

FHIR_JSON = "application/fhir+json"
VISIT_TYPE_SYSTEM = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/visit-type"
SNOMED = "http://snomed.info/sct"
STATUS_REASON_SYSTEM = "http://fhir.org/guides/argonaut-scheduling/CodeSystem/status-reason"
APPT_PROFILE = "http://fhir.org/guides/argonaut-scheduling/StructureDefinition/argo-appt"


class FhirError(Exception):
    """An error the client gets as an OperationOutcome with this HTTP status."""

    def __init__(self, status: int, code: str, diagnostics: str, headers: dict | None = None):
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics, self.headers = status, code, diagnostics, headers or {}


def outcome(code: str, diagnostics: str, severity: str = "error") -> dict:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


def respond(resource: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(resource, separators=(",", ":")), status_code=status, headers=headers,
                    media_type=FHIR_JSON)


def error_response(err: FhirError) -> Response:
    return respond(outcome(err.code, err.diagnostics), err.status, err.headers)


def bundle(resources: list[dict], base: str, outcomes: list[dict] = (), total: int | None = None) -> dict:
    entries = [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
               for r in resources]
    entries += [{"resource": o, "search": {"mode": "outcome"}} for o in outcomes]
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources) if total is None else total,
            "entry": entries}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


# --- reading input ------------------------------------------------------------------------------------

def _check_text(value: str, what: str) -> str:
    if "\x00" in value:
        raise FhirError(400, "invalid", f"{what} contains a NUL character")
    return value


def query(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        _check_text(k, "a parameter name")
        out.setdefault(k, []).append(_check_text(v, f"parameter {k}"))
    return out


async def json_body(request: Request, required: bool = True) -> dict | list | None:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise FhirError(400, "invalid", "request body is empty")
        return None
    if b"\x00" in raw:
        raise FhirError(400, "invalid", "request body contains a NUL byte")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FhirError(400, "invalid", "request body is not valid JSON")
    if _has_nul(data):
        raise FhirError(400, "invalid", "request body contains a NUL character")
    return data


def _has_nul(obj) -> bool:
    if isinstance(obj, str):
        return "\x00" in obj
    if isinstance(obj, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_has_nul(x) for x in obj)
    return False


VALUE_KEYS = ("valueString", "valueUri", "valueDateTime", "valueCode", "valueReference", "valueInteger",
              "valueDate", "valueBoolean", "valueCanonical", "valueId", "valueInstant", "valueCoding")


def parameters(body) -> dict[str, list]:
    """A FHIR Parameters resource -> name -> list of values (strings, or resources for resource params)."""
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise FhirError(400, "invalid", "expected a Parameters resource")
    out: dict[str, list] = {}
    for p in body.get("parameter") or []:
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise FhirError(400, "invalid", "every parameter needs a name")
        if "resource" in p:
            val = p["resource"]
            if not isinstance(val, dict):
                raise FhirError(400, "invalid", f"parameter {p['name']}: resource must be an object")
        else:
            keys = [k for k in p if k.startswith("value")]
            if len(keys) != 1:
                raise FhirError(400, "invalid", f"parameter {p['name']} needs exactly one value")
            val = p[keys[0]]
            if keys[0] == "valueReference":
                val = (val or {}).get("reference") if isinstance(val, dict) else None
            elif keys[0] == "valueCoding":
                val = (val or {}).get("code") if isinstance(val, dict) else None
            if isinstance(val, (int, float, bool)) and not isinstance(val, str):
                val = str(val).lower() if isinstance(val, bool) else str(val)
            if not isinstance(val, str):
                raise FhirError(400, "invalid", f"parameter {p['name']} has an unusable value")
        out.setdefault(p["name"], []).append(val)
    return out


async def operation_params(request: Request) -> dict[str, list]:
    """GET: the query string; POST: a Parameters body (query parameters are merged in)."""
    params = query(request)
    if request.method == "POST":
        body = await json_body(request, required=False)  # no body = no parameters (e.g. instance-level $hold)
        if body is not None:
            for k, v in parameters(body).items():
                params.setdefault(k, []).extend(v)
    return params


def one(params: dict, name: str, required: bool = False):
    vals = params.get(name) or []
    if len(vals) > 1:
        raise FhirError(400, "invalid", f"parameter {name} may appear only once")
    if not vals:
        if required:
            raise FhirError(400, "required", f"parameter {name} is required")
        return None
    return vals[0]


def split_list(values: list[str]) -> list[str]:
    """Repeated parameters and comma lists, in order, blanks dropped."""
    return [x.strip() for v in values for x in (v.split(",") if isinstance(v, str) else [v]) if str(x).strip()]


def ref_id(value: str, kind: str) -> str:
    """'Patient/123', 'http://x/fhir/Patient/123' or '123' -> '123'."""
    if not isinstance(value, str) or not value.strip():
        raise FhirError(400, "invalid", f"empty {kind} reference")
    v = value.strip().rstrip("/")
    parts = v.split("/")
    if len(parts) >= 2 and parts[-2] != kind:
        raise FhirError(400, "invalid", f"expected a {kind} reference, got {parts[-2]}")
    return parts[-1]


def count_param(params: dict, default: int, maximum: int) -> int:
    raw = one(params, "_count")
    if raw is None:
        return default
    try:
        n = int(raw)
    except ValueError:
        raise FhirError(400, "invalid", "_count must be an integer")
    if n < 0:
        raise FhirError(400, "invalid", "_count must not be negative")
    return min(n, maximum)


# --- time ---------------------------------------------------------------------------------------------

def parse_when(value: str, zone: ZoneInfo, end: bool = False) -> datetime:
    """FHIR date or dateTime -> aware datetime (a date means its local midnight; as an end, the next one)."""
    v = value.strip()
    try:
        if len(v) == 10:
            d = date.fromisoformat(v)
            dt = datetime(d.year, d.month, d.day, tzinfo=zone)
            return dt + timedelta(days=1) if end else dt
        if len(v) == 7:
            y, m = (int(x) for x in v.split("-"))
            return datetime(y, m, 1, tzinfo=zone)
        if len(v) == 4:
            return datetime(int(v), 1, 1, tzinfo=zone)
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise FhirError(400, "invalid", f"not a FHIR date/dateTime: {value[:40]!r}")
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)


def iso(ts: int, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, zone).isoformat()


def http_date(ts: int) -> str:
    from datetime import timezone
    return format_datetime(datetime.fromtimestamp(ts, timezone.utc), usegmt=True)


PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")


def date_ranges(values: list[str], zone: ZoneInfo) -> list[tuple[str, int]]:
    """FHIR date search values (with prefixes) -> (op, epoch) conditions on a start time."""
    out = []
    for v in values:
        op, raw = ("eq", v)
        if v[:2] in PREFIXES and not v[:2].isdigit():
            op, raw = v[:2], v[2:]
        op = {"sa": "gt", "eb": "lt"}.get(op, op)
        lo = int(parse_when(raw, zone).timestamp())
        hi = int(parse_when(raw, zone, end=True).timestamp()) if len(raw.strip()) == 10 else lo
        if op == "eq" and hi > lo:
            out += [("ge", lo), ("lt", hi)]
        elif op == "le" and hi > lo:
            out.append(("lt", hi))
        elif op == "gt" and hi > lo:
            out.append(("ge", hi))
        else:
            out.append((op, lo))
    return out
