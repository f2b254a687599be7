"""Twilio Messaging (SMS) connector: `POST /webhooks/sms/webhook`.

- Every request's `X-Twilio-Signature` is checked (see `channels.twilio_common`); a bad or missing
  signature gets 403 and nothing reaches the dialog.
- The turn's replies go back in the webhook response as TwiML, in order, joined into one
  `<Message>` (several `<Message>`s may reach a handset out of order); only a reply longer than
  Twilio's 1600-character limit is split, in order.
- A retried webhook (same `MessageSid`) does not run the turn again: the first answer is replayed.
- Buttons become numbered options ("Reply 1, 2 or 3"); a number (or a button's title) maps back to
  the button's payload.
- STOP/START words are recorded (Twilio answers them on the carrier side); an opted-out number is
  never sent a proactive message. HELP/INFO answers with what the service is and how to stop.
- Text that would ask someone to "reply CANCEL" (a carrier opt-out word) is rewritten.
- Outbound messages (confirmations, reminders) go through `twilio.rest.Client`
  (`SmsSender`, and `SmsOutput` for Rasa's `output_channel=sms`).

credentials.yml (`channels.sms.SmsInput`), all optional; the environment wins:
  auth_token (TWILIO_AUTH_TOKEN), account_sid (TWILIO_ACCOUNT_SID), twilio_number (TWILIO_NUMBER),
  public_url (SCHEDBOT_PUBLIC_URL), redis_url (SCHEDBOT_REDIS_URL), redis_prefix
  (SCHEDBOT_REDIS_PREFIX), api_base (SCHEDBOT_TWILIO_API_BASE: the REST base URL, tests only),
  help_text, media_text.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from twilio.twiml.messaging_response import MessagingResponse

from channels.store import Store
from channels.twilio_common import (TwilioSignature, buttons_are_numbers, forbidden, form_value, setting, twiml,
                                     webhook_settings)

logger = logging.getLogger(__name__)
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)  # no request dumps in the logs

STOP_WORDS = {"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "opt out", "revoke"}
START_WORDS = {"start", "unstop", "yes"}
HELP_WORDS = {"help", "info"}

DEFAULT_HELP = (
    "This is the clinic's appointment assistant: text to book, change or cancel a visit. "
    "For urgent help call the clinic. Msg&data rates may apply. Reply STOP to stop messages."
)
DEFAULT_MEDIA = "Thanks! I can't open pictures or files here, so please type your message."
TWIML_MAX = 1600
REPLAY_TTL = 24 * 3600.0
PENDING_TTL = 120.0  # a turn still running (or its process died) after this may run again
BUTTONS_TTL = 7 * 24 * 3600.0

# Carrier opt-out words the assistant must never ask a patient to send; what to say instead.
_RISKY = {
    "cancel": '"cancel my appointment"',
    "end": '"goodbye"',
    "quit": '"goodbye"',
    "unsubscribe": "STOP",
    "stopall": "STOP",
    "optout": "STOP",
    "revoke": "STOP",
}
_RISKY_RE = re.compile(
    r"\b(reply|text|send|type|respond|answer|write|say)(\s+(?:with|back))?\s+"
    r"([\"'\u201c\u2018]?)(cancel|end|quit|unsubscribe|stopall|optout|revoke)\3([\"'\u201d\u2019]?)(?![\w-])",
    re.IGNORECASE,
)


_QUOTED_RE = re.compile(
    r"([\"'\u201c\u2018])(cancel|end|quit|unsubscribe|stopall|optout|revoke)([\"'\u201d\u2019])", re.IGNORECASE)


def safe_text(text: str) -> str:
    """Never ask a patient to text a carrier opt-out word ("reply CANCEL", "say 'cancel'"): texting
    it alone would unsubscribe them from the clinic's number. Rewrites it into a safe phrase."""

    def instruction(m: re.Match) -> str:
        return f"{m.group(1)}{m.group(2) or ''} {_RISKY[m.group(4).lower()]}"

    def quoted(m: re.Match) -> str:
        return f"{m.group(1)}{_RISKY[m.group(2).lower()].strip(chr(34))}{m.group(3)}"

    return _QUOTED_RE.sub(quoted, _RISKY_RE.sub(instruction, text or ""))


def keyword(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w ]", "", (body or "").strip().lower())).strip()


def reply_hint(n: int) -> str:
    if n <= 1:
        return "Reply 1."
    nums = [str(i) for i in range(1, n + 1)]
    return f"Reply {', '.join(nums[:-1])} or {nums[-1]}."


def numbered(text: str, buttons: List[Dict[str, Any]]) -> str:
    lines = [text.strip()] if text and text.strip() else []
    lines += [f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, 1)]
    lines.append(reply_hint(len(buttons)))
    return "\n".join(lines)


def render(messages: List[Dict[str, Any]]) -> tuple[List[str], List[str], Optional[List[Dict[str, str]]]]:
    """Bot messages -> (texts in order, media urls, last buttons offered or None)."""
    texts: List[str] = []
    media: List[str] = []
    buttons = None
    for m in messages:
        text = safe_text(m.get("text") or "")
        if m.get("buttons"):
            buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in m["buttons"]]
            if not buttons_are_numbers(buttons):  # else the text already lists the options
                text = numbered(text, buttons)
        elif not text and isinstance(m.get("custom"), dict) and m["custom"].get("text"):
            text = safe_text(str(m["custom"]["text"]))
        if text.strip():
            texts.append(text.strip())
        if m.get("image"):
            media.append(m["image"])
    return texts, media, buttons


def to_bodies(texts: List[str]) -> List[str]:
    """Join texts in one body; split only above Twilio's limit, never reordering."""
    bodies: List[str] = []
    current = ""
    for t in texts:
        candidate = f"{current}\n\n{t}" if current else t
        if len(candidate) <= TWIML_MAX:
            current = candidate
            continue
        if current:
            bodies.append(current)
        while len(t) > TWIML_MAX:
            bodies.append(t[:TWIML_MAX])
            t = t[TWIML_MAX:]
        current = t
    if current:
        bodies.append(current)
    return bodies


def messaging_twiml(bodies: List[str], media: List[str] = ()) -> str:
    resp = MessagingResponse()
    for i, body in enumerate(bodies):
        msg = resp.message(body)
        if i == len(bodies) - 1:
            for url in media:
                msg.media(url)
    if not bodies and media:
        msg = resp.message("")
        for url in media:
            msg.media(url)
    return str(resp)


class SmsSender:
    """Outbound SMS through Twilio's REST API; never to an opted-out number."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, store: Store,
                 api_base: Optional[str] = None) -> None:
        from twilio.rest import Client

        self.from_number = from_number
        self.store = store
        self.client = Client(account_sid, auth_token)
        if api_base:
            # the REST stand-in in tests (or a proxy); the default is https://api.twilio.com
            self.client.api.base_url = api_base.rstrip("/")

    async def send(self, to: str, body: str) -> Optional[str]:
        """Send `body` to `to`; returns the message sid, or None when `to` has opted out."""
        if await opted_out(self.store, to):
            logger.info("sms.outbound.skipped_opted_out")
            return None
        text = safe_text(body)
        msg = await asyncio.to_thread(
            self.client.messages.create, to=to, from_=self.from_number, body=text
        )
        logger.info("sms.outbound.sent sid=%s", msg.sid)
        return msg.sid


async def opted_out(store: Store, phone: str) -> bool:
    return (await store.get(f"sms:optout:{phone}")) is not None


class SmsOutput(OutputChannel):
    """Proactive messages (Rasa's `output_channel=sms`, reminders) sent through `SmsSender`."""

    @classmethod
    def name(cls) -> Text:
        return "sms"

    def __init__(self, sender: SmsSender) -> None:
        self.sender = sender

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.sender.send(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        if await opted_out(self.sender.store, recipient_id):
            logger.info("sms.outbound.skipped_opted_out")
            return
        await save_buttons(self.sender.store, recipient_id, buttons)
        await self.sender.send(recipient_id, text if buttons_are_numbers(buttons) else numbered(text, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        return None  # images are not sent proactively


async def save_buttons(store: Store, phone: str, buttons: Optional[List[Dict[str, Any]]]) -> None:
    key = f"sms:buttons:{phone}"
    if buttons:
        slim = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons]
        await store.set(key, json.dumps(slim), BUTTONS_TTL)
    else:
        await store.delete(key)


async def map_choice(store: Store, phone: str, body: str) -> str:
    """A number (or a button title) answering the last buttons becomes that button's payload."""
    raw = await store.get(f"sms:buttons:{phone}")
    if not raw:
        return body
    buttons = json.loads(raw)
    choice = body.strip().rstrip(".)").strip()
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        return buttons[int(choice) - 1]["payload"] or buttons[int(choice) - 1]["title"]
    for b in buttons:
        if b["title"] and b["title"].strip().lower() == body.strip().lower():
            return b["payload"] or b["title"]
    return body


class SmsInput(InputChannel):
    """Twilio Messaging webhook with signature check, retry de-duplication and TwiML replies."""

    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        c = credentials or {}
        return cls(
            **webhook_settings(c),
            account_sid=setting(c, "TWILIO_ACCOUNT_SID", "account_sid"),
            twilio_number=setting(c, "TWILIO_NUMBER", "twilio_number"),
            api_base=setting(c, "SCHEDBOT_TWILIO_API_BASE", "api_base"),
            help_text=c.get("help_text") or DEFAULT_HELP,
            media_text=c.get("media_text") or DEFAULT_MEDIA,
        )

    def __init__(self, auth_token: Optional[str] = None, account_sid: Optional[str] = None,
                 twilio_number: Optional[str] = None, public_url: Optional[str] = None,
                 api_base: Optional[str] = None, store: Optional[Store] = None,
                 help_text: str = DEFAULT_HELP, media_text: str = DEFAULT_MEDIA) -> None:
        from channels.store import MemoryStore

        self.signature = TwilioSignature(auth_token, public_url)
        self.store = store or MemoryStore()
        self.help_text = help_text
        self.media_text = media_text
        self.sender: Optional[SmsSender] = None
        if account_sid and auth_token and twilio_number:
            self.sender = SmsSender(account_sid, auth_token, twilio_number, self.store, api_base)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return SmsOutput(self.sender) if self.sender else None

    async def _turn(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], request: Request,
                    sid: str) -> Dict[str, Any]:
        phone = form_value(request, "From")
        body = form_value(request, "Body")
        num_media = int(form_value(request, "NumMedia", "0") or 0)
        word = keyword(body)

        if word in STOP_WORDS:
            await self.store.set(f"sms:optout:{phone}", "1")
            logger.info("sms.optout sid=%s", sid)
            return {"texts": [], "media": []}
        if await opted_out(self.store, phone):
            if word in START_WORDS:
                await self.store.delete(f"sms:optout:{phone}")
                logger.info("sms.optin sid=%s", sid)
            # Twilio confirms START itself and blocks replies to an opted-out number.
            return {"texts": [], "media": []}
        if word in HELP_WORDS:
            return {"texts": [self.help_text], "media": []}

        prefix: List[str] = []
        if num_media > 0:
            prefix.append(self.media_text)
        if not body.strip():
            return {"texts": prefix, "media": []}

        text = await map_choice(self.store, phone, body)
        collector = CollectingOutputChannel()
        await on_new_message(
            UserMessage(
                text,
                collector,
                phone,
                input_channel=self.name(),
                message_id=sid or None,
                metadata={"phone": phone, "channel": "sms"},
            )
        )
        texts, media, buttons = render(collector.messages)
        await save_buttons(self.store, phone, buttons)
        return {"texts": prefix + texts, "media": media}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("schedbot_sms_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not self.signature.valid(request):
                return forbidden()
            sid = form_value(request, "MessageSid") or form_value(request, "SmsSid")
            key = f"sms:sid:{sid}"
            result: Dict[str, Any] = {"texts": [], "media": []}
            for _ in range(2):  # a retry waits for the first request; runs the turn if that failed
                if not sid or await self.store.claim(key, PENDING_TTL):
                    try:
                        result = await self._turn(on_new_message, request, sid)
                    except Exception:
                        if sid:
                            await self.store.delete(key)  # let Twilio's next retry run the turn
                        logger.exception("sms.turn_failed sid=%s", sid)
                        raise
                    if sid:
                        await self.store.set(key, json.dumps(result), REPLAY_TTL)
                    break
                logger.info("sms.retry sid=%s", sid)
                stored = await self.store.wait_value(key)
                if stored:
                    result = json.loads(stored)
                    break
            return twiml(messaging_twiml(to_bodies(result["texts"]), result["media"]))

        return bp
