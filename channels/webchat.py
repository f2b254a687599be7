"""Web chat: the clinic page at `GET /webhooks/webchat/` and its socket.io channel.

The page (`channels/static/index.html`) loads the vendored rasa-webchat 1.0.1 widget
(`channels/static/rasa-webchat-1.0.1.js`, Apache-2.0, see `channels/static/README.md`) from this
same server; the widget talks socket.io (Engine.IO v4, which python-socketio 5 accepts) to the
socket.io server this channel attaches at `/socket.io/`. Nothing is fetched from another site.

Why not Rasa's `SocketIOInput` as is: with python-socketio 5.18 its `session_request` handler
calls the coroutine `sio.enter_room()` without awaiting it, so with `session_persistence` the
socket never joins its session room and the bot's replies are lost. This channel is the same
protocol with that fixed, plus the page.

Conversation id = the widget's session id (kept in the browser's localStorage), so a reload
continues the same conversation. Metadata: the widget's `customData` plus `channel: "webchat"`.

credentials.yml (`channels.webchat.WebChatInput`), all optional:
  socketio_path (default /socket.io), session_persistence (default true), title, subtitle,
  init_payload (default /greet), user_message_evt, bot_message_evt.
With several Rasa servers behind a load balancer, socket.io needs sticky sessions (or a
websocket-only transport): see docs/deploy.md.
"""
from __future__ import annotations

import html
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncServer

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
CLINIC_JSON = Path(__file__).resolve().parent.parent / "data" / "clinic" / "clinic.json"
DAY_NAMES = [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"),
             ("sat", "Sat"), ("sun", "Sun")]


def _clinic() -> Dict[str, Any]:
    try:
        return json.loads(CLINIC_JSON.read_text())
    except (OSError, ValueError):
        return {}


def _hours_html(clinic: Dict[str, Any]) -> str:
    hours = clinic.get("hours") or {}
    rows = []
    for key, label in DAY_NAMES:
        span = hours.get(key)
        text = f"{span[0]}&ndash;{span[1]}" if span else "closed"
        rows.append(f"<tr><th>{label}</th><td>{text}</td></tr>")
    return "".join(rows) if hours else ""


class WebChatInput(InputChannel):
    """socket.io channel for the rasa-webchat widget, serving the clinic page."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        c = credentials or {}
        return cls(
            user_message_evt=c.get("user_message_evt", "user_uttered"),
            bot_message_evt=c.get("bot_message_evt", "bot_uttered"),
            session_persistence=c.get("session_persistence", True),
            socketio_path=c.get("socketio_path", "/socket.io"),
            title=c.get("title"),
            subtitle=c.get("subtitle"),
            init_payload=c.get("init_payload", "/greet"),
        )

    def __init__(self, user_message_evt: str = "user_uttered", bot_message_evt: str = "bot_uttered",
                 session_persistence: bool = True, socketio_path: str = "/socket.io",
                 title: Optional[str] = None, subtitle: Optional[str] = None,
                 init_payload: Optional[str] = "/greet") -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.session_persistence = session_persistence
        self.socketio_path = "/" + socketio_path.strip("/")
        self.title = title
        self.subtitle = subtitle
        self.init_payload = init_payload
        self.sio: Optional[AsyncServer] = None

    def get_output_channel(self) -> Optional[OutputChannel]:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def page(self) -> str:
        clinic = _clinic()
        name = self.title or clinic.get("name") or "Our clinic"
        template = (STATIC_DIR / "index.html").read_text()
        config = {
            "initPayload": self.init_payload,
            "socketPath": self.socketio_path + "/",
            "title": name,
            "subtitle": self.subtitle or "Book, change or cancel an appointment",
            "sessionPersistence": bool(self.session_persistence),
        }
        locations = "".join(
            f"<li><strong>{html.escape(loc.get('name', ''))}</strong><br>{html.escape(loc.get('address', ''))}</li>"
            for loc in (clinic.get("locations") or [])[:4]
        )
        return (template.replace("{{CLINIC_NAME}}", html.escape(name))
                .replace("{{CLINIC_PHONE}}", html.escape(clinic.get("phone") or ""))
                .replace("{{HOURS_ROWS}}", _hours_html(clinic))
                .replace("{{LOCATIONS}}", locations)
                .replace("{{WIDGET_CONFIG}}", html.escape(json.dumps(config), quote=True)))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        bp = SocketBlueprint(sio, self.socketio_path, "schedbot_webchat", __name__)
        self.sio = sio

        @bp.route("/", methods=["GET"])
        async def index(_: Request) -> response.HTTPResponse:
            return response.html(self.page(), headers={"Cache-Control": "no-store"})

        bp.static("/static", str(STATIC_DIR), name="webchat_static")

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            logger.debug("webchat.connect")
            return True

        @sio.on("session_request")
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"])
            await sio.emit("session_confirm", data["session_id"], room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Dict) -> None:
            output = SocketIOOutput(sio, self.bot_message_evt)
            if self.session_persistence:
                if not data.get("session_id"):
                    logger.warning("webchat.message_without_session")
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata = data.get("customData") or data.get("metadata") or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            metadata = {**metadata, "channel": "webchat"}
            await on_new_message(UserMessage(
                data.get("message", ""), output, sender_id, input_channel=self.name(), metadata=metadata,
            ))

        return bp
