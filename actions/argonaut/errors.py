"""Typed errors of the Argonaut client, decided from the HTTP status and the OperationOutcome.

The dialog catches these by meaning (`SlotTaken`, `HoldExpired`, ...), never by status code.
`classify()` is the single decision table; it is pure so it can be unit-tested without a server.

Decision order (first match wins):

1. hold expired  -> HoldExpired   issue code ``expired``, or a details code / text naming an expired hold
2. unavailable   -> SchedulerUnavailable   status 408 / 429 / 5xx, or issue code timeout / transient /
                                           throttled / lock-error / too-costly
3. slot taken    -> SlotTaken     status 409 / 412, or issue code conflict / duplicate, or a
                                  business-rule / processing issue whose text says the slot is busy
4. not found     -> NotFound      status 404 / 410, or issue code not-found / deleted
5. auth          -> AuthError     status 401 / 403, or issue code security / login / forbidden
6. invalid       -> InvalidRequest  status 400 / 405 / 415 / 422, or issue code invalid / structure /
                                    required / value / invariant / business-rule / code-invalid /
                                    not-supported / processing / too-long / extension
7. issue code ``exception`` -> SchedulerUnavailable; otherwise -> SchedulerError
"""
from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = [
    "SchedulerError",
    "SlotTaken",
    "HoldExpired",
    "NotFound",
    "SchedulerUnavailable",
    "InvalidRequest",
    "AuthError",
    "classify",
    "error_for",
    "outcome_issues",
]


class SchedulerError(Exception):
    """Base of everything the Argonaut client raises.

    Attributes: ``status`` (HTTP status or None for transport errors), ``codes`` (OperationOutcome
    issue codes), ``operation`` (event name such as ``"book"``), ``outcome`` (the raw
    OperationOutcome dict when the server sent one). ``str(err)`` is for logs and developers, never
    for patients (it may contain server diagnostics).
    """

    retryable = False

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        codes: Iterable[str] = (),
        operation: str | None = None,
        outcome: dict | None = None,
    ) -> None:
        super().__init__(message or self.__class__.__name__)
        self.status = status
        self.codes = tuple(codes)
        self.operation = operation
        self.outcome = outcome


class SlotTaken(SchedulerError):
    """The time is no longer free (someone else held or booked it, or the server rejected the hold)."""


class HoldExpired(SchedulerError):
    """The hold on the proposed appointment ran out before it was booked."""


class NotFound(SchedulerError):
    """The appointment, patient or other resource does not exist (any more)."""


class SchedulerUnavailable(SchedulerError):
    """The server could not be reached, timed out, or answered 5xx: try again later / hand off."""

    retryable = True


class InvalidRequest(SchedulerError):
    """The server refused the request as invalid (400/422): a bug or unsupported input, not retryable."""


class AuthError(SchedulerError):
    """The server refused our credentials (401/403): check SCHEDBOT_FHIR_TOKEN."""


_EXPIRED_TEXT = re.compile(r"hold[^.]{0,40}expir|expir[^.]{0,40}hold|hold[- ]expired", re.I)
_BUSY_TEXT = re.compile(
    r"(slot|time|appointment)[^.]{0,60}(busy|taken|not (?:be )?(?:free|available)|no longer|unavailable|already (?:booked|held))"
    r"|(busy|taken|already booked|already held|double[- ]book)",
    re.I,
)

_UNAVAILABLE_CODES = {"timeout", "transient", "throttled", "lock-error", "too-costly"}
_TAKEN_CODES = {"conflict", "duplicate"}
_NOTFOUND_CODES = {"not-found", "deleted"}
_AUTH_CODES = {"security", "login", "forbidden"}
_INVALID_CODES = {
    "invalid", "structure", "required", "value", "invariant", "business-rule", "code-invalid",
    "not-supported", "processing", "too-long", "extension", "incomplete", "multiple-matches",
}


def outcome_issues(outcome: Any) -> list[dict]:
    """The issue dicts of an OperationOutcome (dict or model); [] for anything else."""
    if outcome is None:
        return []
    if hasattr(outcome, "dict") and not isinstance(outcome, dict):
        outcome = outcome.dict()
    if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
        return []
    return [i for i in outcome.get("issue") or [] if isinstance(i, dict)]


def _issue_text(issue: dict) -> str:
    parts = []
    details = issue.get("details") or {}
    if isinstance(details, dict):
        parts.append(str(details.get("text") or ""))
        for coding in details.get("coding") or []:
            if isinstance(coding, dict):
                parts.append(str(coding.get("code") or ""))
                parts.append(str(coding.get("display") or ""))
    parts.append(str(issue.get("diagnostics") or ""))
    return " ".join(p for p in parts if p)


def error_issues(outcome: Any) -> list[dict]:
    """Issues of severity error/fatal (all issues when none states a severity)."""
    issues = outcome_issues(outcome)
    bad = [i for i in issues if i.get("severity") in ("error", "fatal")]
    if bad:
        return bad
    return [i for i in issues if not i.get("severity")]


def classify(status: int | None, outcome: Any = None) -> type[SchedulerError]:
    """The error class for an HTTP status (None = no HTTP answer) and an optional OperationOutcome."""
    issues = error_issues(outcome) or outcome_issues(outcome)
    codes = {str(i.get("code") or "").lower() for i in issues}
    text = " ".join(_issue_text(i) for i in issues)

    if "expired" in codes or _EXPIRED_TEXT.search(text):
        return HoldExpired
    if status is None or status in (408, 429) or status >= 500 or codes & _UNAVAILABLE_CODES:
        return SchedulerUnavailable
    if status in (409, 412) or codes & _TAKEN_CODES:
        return SlotTaken
    if codes & {"business-rule", "processing"} and _BUSY_TEXT.search(text):
        return SlotTaken
    if status in (404, 410) or codes & _NOTFOUND_CODES:
        return NotFound
    if status in (401, 403) or codes & _AUTH_CODES:
        return AuthError
    if status in (400, 405, 415, 422) or codes & _INVALID_CODES:
        return InvalidRequest
    if "exception" in codes:
        return SchedulerUnavailable
    return SchedulerError


def error_for(status: int | None, outcome: Any = None, *, operation: str | None = None, message: str = "") -> SchedulerError:
    """Build the typed error for a failed response."""
    cls = classify(status, outcome)
    issues = error_issues(outcome) or outcome_issues(outcome)
    codes = [str(i.get("code") or "") for i in issues]
    detail = "; ".join(t for t in (_issue_text(i) for i in issues) if t)
    msg = message or f"{operation or 'request'} failed" + (f" (HTTP {status})" if status else "")
    if detail:
        msg = f"{msg}: {detail[:300]}"
    out = outcome.dict() if hasattr(outcome, "dict") and not isinstance(outcome, dict) else outcome
    return cls(msg, status=status, codes=codes, operation=operation, outcome=out if isinstance(out, dict) else None)
