"""The decision table status + OperationOutcome -> typed error (actions.argonaut.errors.classify)."""
import pytest

from actions.fhir import (
    AuthError,
    HoldExpired,
    InvalidRequest,
    NotFound,
    SchedulerError,
    SchedulerUnavailable,
    SlotTaken,
    classify,
)
from actions.fhir import error_for


def oo(code, text=None, severity="error", details_code=None, diagnostics=None):
    issue = {"severity": severity, "code": code}
    details = {}
    if text:
        details["text"] = text
    if details_code:
        details["coding"] = [{"system": "http://example.org/codes", "code": details_code}]
    if details:
        issue["details"] = details
    if diagnostics:
        issue["diagnostics"] = diagnostics
    return {"resourceType": "OperationOutcome", "issue": [issue]}


CASES = [
    # transport failures and server errors
    (None, None, SchedulerUnavailable),
    (500, None, SchedulerUnavailable),
    (502, None, SchedulerUnavailable),
    (503, oo("transient", "down for maintenance"), SchedulerUnavailable),
    (504, None, SchedulerUnavailable),
    (408, None, SchedulerUnavailable),
    (429, oo("throttled"), SchedulerUnavailable),
    (500, oo("exception", "boom"), SchedulerUnavailable),
    (200, oo("timeout", "upstream EHR timed out"), SchedulerUnavailable),
    (400, oo("lock-error"), SchedulerUnavailable),
    # slot taken
    (409, None, SlotTaken),
    (409, oo("conflict", "slot is busy"), SlotTaken),
    (409, oo("processing"), SlotTaken),
    (412, None, SlotTaken),
    (422, oo("conflict"), SlotTaken),
    (400, oo("duplicate", "already booked"), SlotTaken),
    (422, oo("business-rule", "The slot is no longer free"), SlotTaken),
    (400, oo("processing", "Requested time is already booked"), SlotTaken),
    (200, oo("conflict", "slot taken"), SlotTaken),
    # hold expired
    (409, oo("expired", "hold expired"), HoldExpired),
    (410, oo("expired"), HoldExpired),
    (422, oo("business-rule", "The hold on this appointment has expired"), HoldExpired),
    (409, oo("processing", details_code="hold-expired"), HoldExpired),
    (400, oo("processing", diagnostics="hold expired at 10:15"), HoldExpired),
    # not found
    (404, None, NotFound),
    (404, oo("not-found"), NotFound),
    (410, oo("deleted"), NotFound),
    (400, oo("not-found", "unknown appointment"), NotFound),
    (404, oo("processing", "no such appointment"), NotFound),
    # auth
    (401, None, AuthError),
    (403, oo("forbidden"), AuthError),
    (400, oo("security"), AuthError),
    # invalid
    (400, None, InvalidRequest),
    (422, None, InvalidRequest),
    (415, None, InvalidRequest),
    (405, oo("not-supported"), InvalidRequest),
    (400, oo("invalid", "bad date"), InvalidRequest),
    (422, oo("business-rule", "start must be in the future"), InvalidRequest),
    (400, oo("required", "patient-id is required"), InvalidRequest),
    (400, oo("value"), InvalidRequest),
    (400, oo("code-invalid", "unknown specialty"), InvalidRequest),
    (200, oo("processing", "could not process"), InvalidRequest),
    # fallback
    (418, None, SchedulerError),
    (200, oo("informational", "fine", severity="information"), SchedulerError),
]


@pytest.mark.parametrize("status,outcome,expected", CASES)
def test_classify(status, outcome, expected):
    assert classify(status, outcome) is expected


def test_hierarchy():
    for cls in (SlotTaken, HoldExpired, NotFound, SchedulerUnavailable, InvalidRequest, AuthError):
        assert issubclass(cls, SchedulerError)
    assert SchedulerUnavailable.retryable and not SlotTaken.retryable


def test_error_carries_status_codes_and_outcome():
    outcome = oo("conflict", "slot is busy")
    err = error_for(409, outcome, operation="book")
    assert isinstance(err, SlotTaken)
    assert err.status == 409 and err.codes == ("conflict",) and err.operation == "book"
    assert err.outcome == outcome
    assert "slot is busy" in str(err)


def test_error_issues_prefer_errors_over_information():
    outcome = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "information", "code": "informational", "details": {"text": "fyi"}},
        {"severity": "error", "code": "conflict"},
    ]}
    assert classify(200, outcome) is SlotTaken


def test_outcome_model_is_accepted():
    from fhir.resources.R4B.operationoutcome import OperationOutcome

    model = OperationOutcome.parse_obj(oo("not-found"))
    assert classify(400, model) is NotFound


def test_non_outcome_body_is_ignored():
    assert classify(404, {"resourceType": "Bundle"}) is NotFound
    assert classify(409, "not json") is SlotTaken
