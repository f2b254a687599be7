"""Checking a Subscription resource and reading its criteria."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from scheduler.operations.common import FhirError

PAYLOAD_PROFILE_URL = "http://fhir.org/guides/argonaut-scheduling/StructureDefinition/extension-subscription-payloadprofile"
SCHED_NOTIF_PROFILE = "http://fhir.org/guides/argonaut-scheduling/StructureDefinition/argo-sched-notif"
SUB_PROFILE = "http://fhir.org/guides/argonaut-scheduling/StructureDefinition/argo-sub-notif"


def criteria_actor(criteria: str | None) -> str | None:
    """'Schedule?actor=Practitioner/x' -> 'Practitioner/x'; 'Schedule' or None -> None (all)."""
    if criteria is None or not str(criteria).strip():
        return None
    c = str(criteria).strip()
    rtype, _, q = c.partition("?")
    if rtype not in ("Schedule", "Slot"):
        raise FhirError(400, "not-supported", "criteria must be on Schedule (e.g. Schedule?actor=Practitioner/123)")
    params = parse_qs(q, keep_blank_values=True)
    unknown = set(params) - {"actor", "schedule.actor", "practitioner"}
    if unknown:
        raise FhirError(400, "not-supported", f"criteria parameter {sorted(unknown)[0]} is not supported")
    vals = [v for k in ("actor", "schedule.actor", "practitioner") for v in params.get(k, [])]
    if len(vals) > 1:
        raise FhirError(400, "not-supported", "criteria may name one actor")
    if not vals:
        return None
    v = vals[0].strip().rstrip("/")
    parts = v.split("/")
    if len(parts) == 1:
        if not parts[0]:
            raise FhirError(400, "invalid", "criteria actor is empty")
        return "Practitioner/" + parts[0]
    if parts[-2] not in ("Practitioner", "Location", "PractitionerRole", "HealthcareService", "Device"):
        raise FhirError(400, "invalid", f"criteria actor type {parts[-2]} is not a Schedule actor type")
    return f"{parts[-2]}/{parts[-1]}"


HEARTBEAT_EXTENSION = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period"


def heartbeat_period(res: dict) -> float | None:
    """channel.extension backport-heartbeat-period (valueUnsignedInt seconds), if given."""
    ch = res.get("channel") if isinstance(res.get("channel"), dict) else {}
    exts = ch.get("extension") if isinstance(ch.get("extension"), list) else []
    for ext in exts:
        if isinstance(ext, dict) and ext.get("url") == HEARTBEAT_EXTENSION:
            v = ext.get("valueUnsignedInt", ext.get("valueInteger"))
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise FhirError(400, "invalid", "heartbeat-period must be a positive number of seconds")
            return float(v)
    return None


def check(res) -> tuple[str | None, str, list[str]]:
    """Validate a Subscription; (actor, endpoint, headers)."""
    if not isinstance(res, dict) or res.get("resourceType") != "Subscription":
        raise FhirError(400, "invalid", "expected a Subscription resource")
    ch = res.get("channel")
    if not isinstance(ch, dict):
        raise FhirError(400, "required", "Subscription.channel is required")
    if ch.get("type") != "rest-hook":
        raise FhirError(422, "not-supported", "only rest-hook channels are supported")
    endpoint = ch.get("endpoint")
    if not isinstance(endpoint, str) or urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc:
        raise FhirError(400, "invalid", "channel.endpoint must be an http(s) URL")
    payload = ch.get("payload")
    if payload is not None and (not isinstance(payload, str) or "json" not in payload):
        raise FhirError(422, "not-supported", "channel.payload must be application/fhir+json")
    headers = ch.get("header") or []
    if not isinstance(headers, list) or not all(isinstance(h, str) and ":" in h for h in headers):
        raise FhirError(400, "invalid", "channel.header must be a list of 'Name: value' strings")
    criteria = res.get("criteria")
    if criteria is not None and not isinstance(criteria, str):
        raise FhirError(400, "invalid", "criteria must be a string")
    heartbeat_period(res)
    return criteria_actor(criteria), endpoint, headers
