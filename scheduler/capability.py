"""GET /fhir/metadata: the CapabilityStatement, derived from the Argonaut Scheduling server
statement, listing exactly what this server implements (add a line to RESOURCES or OPERATIONS
when you add an interaction)."""
from __future__ import annotations

from .auth.config import security_section
from .operations.match import INCLUDES
from .resources import REVINCLUDES, SEARCH_PARAMS

GUIDE = "http://fhir.org/guides/argonaut-scheduling"
OPDEF = {
    "find": f"{GUIDE}/OperationDefinition/appointment-find",
    "hold": f"{GUIDE}/OperationDefinition/appointment-hold",
    "book": f"{GUIDE}/OperationDefinition/appointment-book",
}
PARAM_TYPES = {"_id": "token", "identifier": "token", "specialty": "token", "status": "token", "gender": "token",
               "telecom": "token", "phone": "token", "start": "date", "date": "date", "birthdate": "date",
               "practitioner": "reference", "organization": "reference", "location": "reference",
               "actor": "reference", "schedule": "reference", "patient": "reference", "beneficiary": "reference"}

# type -> (interactions, profile)
RESOURCES = [
    ("Appointment", ["read", "search-type", "patch"], f"{GUIDE}/StructureDefinition/argo-appt"),
    ("Slot", ["read", "search-type"], None),
    ("Schedule", ["read", "search-type"], None),
    ("Patient", ["read", "search-type", "create"], "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"),
    ("Coverage", ["read", "search-type", "create", "update"], f"{GUIDE}/StructureDefinition/argo-coverage"),
    ("Practitioner", ["read", "search-type"], None),
    ("PractitionerRole", ["read", "search-type"], None),
    ("Organization", ["read", "search-type"], None),
    ("Location", ["read", "search-type"], None),
    ("Task", ["read", "create", "update"], None),
    ("Communication", ["read", "create", "update"], None),
    ("CommunicationRequest", ["read", "create", "update"], None),
    ("ServiceRequest", ["read", "create", "update"], None),
    ("Subscription", ["read", "search-type", "create", "update", "delete"], f"{GUIDE}/StructureDefinition/argo-sub-notif"),
]
# (resource type, operation name, canonical)
OPERATIONS = [
    ("Appointment", "find", OPDEF["find"]),
    ("Appointment", "hold", OPDEF["hold"]),
    ("Appointment", "book", OPDEF["book"]),
    ("Slot", "prefetch", f"{GUIDE}/OperationDefinition/slot-prefetch"),
    ("Patient", "match", "http://hl7.org/fhir/OperationDefinition/Patient-match"),
]


def capability_statement(settings) -> dict:
    hold = f"{settings.hold_minutes:g} minutes"
    docs = (
        "schedbot FHIR Scheduler (Argonaut Scheduling, FHIR R4). "
        f"$hold keeps slots for {hold} (Expires header). $find looks {settings.horizon_days} days ahead; "
        "a window beyond that is clipped with an informational OperationOutcome entry. Proposed appointment ids "
        "name the slots they cover and stay valid while those slots are free (also across restarts). "
        "Repeated $find parameters are preferences in order. A repeated identical $book returns the same booking. "
        "Booking a time whose hold expired and was taken by someone else answers 410 Gone; a taken time 409. "
        "Cancel or release with PATCH Appointment/[id] (JSON Patch or FHIRPath Patch) setting status to cancelled. "
        f"Times are given in the clinic's zone ({settings.tz})."
    )
    ops_by_type: dict[str, list] = {}
    for kind, name, canonical in OPERATIONS:
        ops_by_type.setdefault(kind, []).append({"name": name, "definition": canonical})
    resources = []
    for kind, interactions, profile in RESOURCES:
        entry = {"type": kind, "interaction": [{"code": i} for i in interactions]}
        if profile:
            entry["supportedProfile"] = [profile]
        if "update" in interactions or kind == "Appointment":
            entry["versioning"] = "versioned"
            entry["conditionalUpdate"] = False
        params = sorted(SEARCH_PARAMS.get(kind, set())) if "search-type" in interactions else []
        if params:
            entry["searchParam"] = [{"name": p, "type": PARAM_TYPES.get(p, "string")} for p in params]
        if kind in INCLUDES:
            entry["searchInclude"] = [f"{kind}:{param}" for param in INCLUDES[kind]]
        if kind in REVINCLUDES:
            entry["searchRevInclude"] = sorted(REVINCLUDES[kind])
        if kind in ops_by_type:
            entry["operation"] = ops_by_type[kind]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "id": "schedbot-scheduler",
        "url": "urn:schedbot:scheduler:capability",
        "name": "SchedbotScheduler",
        "title": "schedbot FHIR Scheduler",
        "status": "active",
        "date": "2026-12-01",
        "publisher": "schedbot",
        "kind": "instance",
        "instantiates": [f"{GUIDE}/CapabilityStatement/server"],
        "software": {"name": "schedbot scheduler", "version": "0.1.0"},
        "implementation": {"description": "schedbot FHIR Scheduler"},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "patchFormat": ["application/json-patch+json", "application/fhir+json"],
        "rest": [{"mode": "server", "documentation": docs, "resource": resources,
                  "security": security_section()}],  # scheduler/auth
    }
