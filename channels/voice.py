"""Twilio Voice (IVR) connector: `POST /webhooks/voice/webhook` (and `/webhooks/voice/status`).

Each answer is TwiML: `<Gather input="speech dtmf" speechTimeout="auto" actionOnEmptyResult="true">`
around a `<Say>` of the assistant's text made speakable (`channels.speech`). Buttons are read as
"Press 1 for …"; a key press, "two", "option two" or a button's title maps back to the payload.
Silence gets one reprompt, then a goodbye and `<Hangup/>`. Each `<Gather action>` carries a turn
number (`?turn=N`, covered by Twilio's signature): a replayed or stale request is answered with the
current prompt and never runs a turn again. "Repeat" (or `*`) repeats the last
prompt without touching the dialog. A hang-up (`CallStatus` completed/busy/failed/no-answer/
canceled, on the webhook or the status callback) drops the call state; appointment holds expire
on the scheduler, so nothing stays half-booked (set `hangup_message`, e.g. "/call_ended", to also
tell the dialog).

The conversation id is the call's `CallSid` (one call = one conversation); the caller's number goes
to the dialog as `metadata={"phone": From, "channel": "voice", "call_sid": CallSid}`.

credentials.yml (`channels.voice.VoiceInput`), all optional; the environment wins:
  auth_token (TWILIO_AUTH_TOKEN), public_url (SCHEDBOT_PUBLIC_URL), redis_url
  (SCHEDBOT_REDIS_URL), redis_prefix, initial_message (default "/greet"), hangup_message,
  language (default en-US), voice (a Twilio/Polly voice name), reprompt_text, goodbye_text.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from twilio.twiml.voice_response import Gather, VoiceResponse

from channels.speech import button_prompt, speakable, spoken_choice, spoken_menu
from channels.store import MemoryStore, Store
from channels.twilio_common import TwilioSignature, buttons_are_numbers, forbidden, form_value, twiml, webhook_settings

logger = logging.getLogger(__name__)

ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}
REPEAT_WORDS = {"repeat", "repeat that", "say that again", "say again", "again", "come again",
                "pardon", "what", "sorry", "repeat please", "please repeat", "can you repeat that"}
CALL_TTL = 4 * 3600.0
DEFAULT_REPROMPT = "Sorry, I didn't hear anything."
DEFAULT_GOODBYE = "I still can't hear you, so I'll hang up now. Please call back any time. Goodbye."
DEFAULT_NOTHING = "Sorry, could you say that again?"


class VoiceInput(InputChannel):
    """Twilio Voice webhook speaking TwiML `<Gather>`/`<Say>`, with signature check."""

    @classmethod
    def name(cls) -> Text:
        return "voice"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        c = credentials or {}
        return cls(
            **webhook_settings(c),
            initial_message=c.get("initial_message") or "/greet",
            hangup_message=c.get("hangup_message"),
            language=c.get("language") or "en-US",
            voice=c.get("voice"),
            reprompt_text=c.get("reprompt_text") or DEFAULT_REPROMPT,
            goodbye_text=c.get("goodbye_text") or DEFAULT_GOODBYE,
        )

    def __init__(self, auth_token: Optional[str] = None, public_url: Optional[str] = None,
                 store: Optional[Store] = None, initial_message: str = "/greet",
                 hangup_message: Optional[str] = None, language: str = "en-US",
                 voice: Optional[str] = None, reprompt_text: str = DEFAULT_REPROMPT,
                 goodbye_text: str = DEFAULT_GOODBYE) -> None:
        self.signature = TwilioSignature(auth_token, public_url)
        self.store = store or MemoryStore()
        self.initial_message = initial_message
        self.hangup_message = hangup_message
        self.language = language
        self.voice = voice
        self.reprompt_text = reprompt_text
        self.goodbye_text = goodbye_text

    # --- TwiML -----------------------------------------------------------------------------
    def _say(self, node: Any, text: str) -> None:
        kwargs = {"language": self.language}
        if self.voice:
            kwargs["voice"] = self.voice
        node.say(text, **kwargs)

    def _gather(self, action: str, prompt: str, buttons: List[Dict[str, Any]]) -> str:
        resp = VoiceResponse()
        kwargs: Dict[str, Any] = dict(
            input="speech dtmf", action=action, method="POST", speech_timeout="auto",
            action_on_empty_result=True, language=self.language, timeout=6,
        )
        if buttons and len(buttons) <= 9:
            kwargs["num_digits"] = 1
            kwargs["hints"] = ", ".join(speakable(b.get("title", "")).rstrip(".") for b in buttons)[:500]
        gather = Gather(**kwargs)
        self._say(gather, prompt)
        resp.append(gather)
        return str(resp)

    def _goodbye(self, text: str) -> str:
        resp = VoiceResponse()
        self._say(resp, text)
        resp.hangup()
        return str(resp)

    # --- state -----------------------------------------------------------------------------
    async def _state(self, call_sid: str) -> Optional[Dict[str, Any]]:
        raw = await self.store.get(f"voice:call:{call_sid}")
        return json.loads(raw) if raw else None

    async def _save(self, call_sid: str, state: Dict[str, Any]) -> None:
        await self.store.set(f"voice:call:{call_sid}", json.dumps(state), CALL_TTL)

    async def _hangup(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], call_sid: str,
                      phone: str) -> None:
        existed = await self._state(call_sid) is not None
        await self.store.delete(f"voice:call:{call_sid}")
        logger.info("voice.hangup call=%s", call_sid)
        if existed and self.hangup_message:
            await on_new_message(UserMessage(
                self.hangup_message, CollectingOutputChannel(), call_sid, input_channel=self.name(),
                metadata={"phone": phone, "channel": "voice", "call_sid": call_sid, "hangup": True},
            ))

    async def handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], request: Request) -> str:
        call_sid = form_value(request, "CallSid")
        phone = form_value(request, "From")
        status = form_value(request, "CallStatus").lower()
        if status in ENDED:
            await self._hangup(on_new_message, call_sid, phone)
            return str(VoiceResponse())

        path = request.path
        speech = form_value(request, "SpeechResult").strip()
        digits = form_value(request, "Digits").strip()
        state = await self._state(call_sid)

        async def answer(prompt: str, new_state: Dict[str, Any]) -> str:
            # every answer's <Gather action> carries a fresh turn number (signed by Twilio with the
            # URL): a replayed or stale request is recognised and cannot run a turn again
            new_state["turn"] = int(new_state.get("turn", 0)) + 1
            await self._save(call_sid, new_state)
            return self._gather(f"{path}?turn={new_state['turn']}", prompt, new_state["buttons"])

        if state is None:
            text = self.initial_message
            state = {"prompt": "", "buttons": [], "silence": 0, "turn": 0}
            logger.info("voice.call_start call=%s", call_sid)
        elif request.args.get("turn") != str(state.get("turn")):
            logger.info("voice.replayed_or_stale call=%s", call_sid)
            return self._gather(f"{path}?turn={state.get('turn')}", state["prompt"] or DEFAULT_NOTHING,
                                state["buttons"])
        elif not speech and not digits:
            state["silence"] = state.get("silence", 0) + 1
            if state["silence"] >= 2:
                await self.store.delete(f"voice:call:{call_sid}")
                logger.info("voice.silence_hangup call=%s", call_sid)
                return self._goodbye(self.goodbye_text)
            return await answer(f"{self.reprompt_text} {state['prompt']}".strip(), state)
        elif digits == "*" or re.sub(r"[^\w ]", "", speech.lower()).strip() in REPEAT_WORDS:
            state["silence"] = 0
            return await answer(state["prompt"] or DEFAULT_NOTHING, state)
        else:
            buttons = state.get("buttons") or []
            text = digits or speech
            if buttons:
                if digits.isdigit() and 1 <= int(digits) <= len(buttons):
                    index = int(digits)
                else:
                    index = spoken_choice(speech, buttons) if speech else None
                if index:
                    b = buttons[index - 1]
                    text = b.get("payload") or b.get("title")

        collector = CollectingOutputChannel()
        await on_new_message(UserMessage(
            text, collector, call_sid, input_channel=self.name(),
            metadata={"phone": phone, "channel": "voice", "call_sid": call_sid},
        ))
        parts: List[str] = []
        buttons: List[Dict[str, Any]] = []
        listed = False
        for m in collector.messages:
            if m.get("buttons"):
                buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in m["buttons"]]
                listed = buttons_are_numbers(buttons)  # the text already lists the options
            if m.get("text"):
                parts.append(speakable(spoken_menu(m["text"])))
        if buttons and not listed:
            parts.append(button_prompt(buttons))
        prompt = " ".join(p for p in parts if p) or DEFAULT_NOTHING
        return await answer(prompt, {"prompt": prompt, "buttons": buttons, "silence": 0, "turn": state["turn"]})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("schedbot_voice_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if not self.signature.valid(request):
                return forbidden()
            return twiml(await self.handle(on_new_message, request))

        @bp.route("/status", methods=["POST"])
        async def status(request: Request) -> response.HTTPResponse:
            if not self.signature.valid(request):
                return forbidden()
            if form_value(request, "CallStatus").lower() in ENDED:
                await self._hangup(on_new_message, form_value(request, "CallSid"), form_value(request, "From"))
            return twiml(str(VoiceResponse()))

        return bp
