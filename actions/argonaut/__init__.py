"""Argonaut Scheduling client: the one way the actions talk to a FHIR scheduler (ours or an EHR's).

Import it as ``actions.fhir`` (the public name; ``actions/fhir.py`` re-exports this package). The
implementation lives here, in a package NOT called ``fhir``: rasa_sdk discovers actions with
``pkgutil.walk_packages``, which imports every sub-package *by its bare name*; a package
``actions/fhir/`` makes it import the top-level ``fhir`` namespace of fhir.resources and then fail
on ``actions.fhir.resources`` (the action server exits at start-up).

    from actions.fhir import ArgonautClient, SlotTaken
    async with ArgonautClient() as fhir:          # SCHEDBOT_FHIR_BASE / SCHEDBOT_FHIR_TOKEN
        options = await fhir.find(specialty="394582007", start=..., end=...)
        appt, expires = await fhir.hold(options[0].id)
        booked = await fhir.book(appt.id, patient_id)
"""
from .client import (
    ArgonautClient,
    aclose_shared,
    build_coverage,
    parse_resource,
    ref_id,
    ref_type,
    reference,
    shared_client,
)
from .errors import (
    AuthError,
    HoldExpired,
    InvalidRequest,
    NotFound,
    SchedulerError,
    SchedulerUnavailable,
    SlotTaken,
    classify,
    error_for,
)

__all__ = [
    "ArgonautClient",
    "SchedulerError",
    "SlotTaken",
    "HoldExpired",
    "NotFound",
    "SchedulerUnavailable",
    "InvalidRequest",
    "AuthError",
    "classify",
    "error_for",
    "build_coverage",
    "shared_client",
    "aclose_shared",
    "parse_resource",
    "reference",
    "ref_id",
    "ref_type",
]
