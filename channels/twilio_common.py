"""What the Twilio SMS and voice connectors share: credentials, the signature check, TwiML replies.

Credentials: the environment wins over credentials.yml (secrets stay out of files):
`TWILIO_AUTH_TOKEN` > `auth_token`, `TWILIO_ACCOUNT_SID` > `account_sid`,
`TWILIO_NUMBER` > `twilio_number`, `SCHEDBOT_PUBLIC_URL` > `public_url`.
Without an auth token every webhook request is refused (fail closed).
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs

from sanic import response
from sanic.request import Request
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)


def setting(credentials: Optional[Dict[str, Any]], env: str, key: str, default: Any = None) -> Any:
    credentials = credentials or {}
    value = os.environ.get(env)
    if value:
        return value
    value = credentials.get(key)
    return value if value not in (None, "") else default


def webhook_settings(credentials: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """What both Twilio webhooks (SMS, voice) take from credentials.yml or the environment."""
    from channels.store import store_from_credentials

    c = credentials or {}
    return {
        "auth_token": setting(c, "TWILIO_AUTH_TOKEN", "auth_token"),
        "public_url": setting(c, "SCHEDBOT_PUBLIC_URL", "public_url"),
        "store": store_from_credentials(c),
    }


class TwilioSignature:
    """Checks `X-Twilio-Signature` against the URL Twilio called and the form parameters."""

    def __init__(self, auth_token: Optional[str], public_url: Optional[str]) -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.public_url = public_url.rstrip("/") if public_url else None

    def url_of(self, request: Request) -> str:
        """The URL Twilio signed: `SCHEDBOT_PUBLIC_URL` + path (+ query) behind a proxy."""
        if self.public_url:
            url = self.public_url + request.path
            if request.query_string:
                url += "?" + request.query_string
            return url
        return request.url

    def valid(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if self.validator is None:
            logger.warning("twilio.signature.no_token")
            return False
        if not signature:
            logger.info("twilio.signature.missing path=%s", request.path)
            return False
        ok = self.validator.validate(self.url_of(request), form(request), signature)
        if not ok:
            logger.info("twilio.signature.invalid path=%s", request.path)
        return ok


def forbidden() -> response.HTTPResponse:
    return response.text("Forbidden: bad or missing X-Twilio-Signature", status=403)


def twiml(xml: Any) -> response.HTTPResponse:
    return response.text(str(xml), content_type="application/xml; charset=utf-8")


class FormParams(dict):
    """Form parameters as lists, blank values kept (Twilio signs `Body=` of a media-only MMS too)."""

    def getlist(self, name: str) -> List[str]:
        return self[name]


def form(request: Request) -> FormParams:
    cached = getattr(request.ctx, "twilio_form", None)
    if cached is None:
        body = request.body.decode("utf-8", errors="replace") if request.body else ""
        cached = FormParams(parse_qs(body, keep_blank_values=True))
        request.ctx.twilio_form = cached
    return cached


def form_value(request: Request, name: str, default: str = "") -> str:
    values = form(request).get(name)
    return values[0] if values else default


def buttons_are_numbers(buttons: List[Dict[str, Any]]) -> bool:
    """True when the buttons are just "1", "2", … : the text itself already lists the options."""
    return bool(buttons) and all(str(b.get("title", "")).strip() == str(i) for i, b in enumerate(buttons, 1))
