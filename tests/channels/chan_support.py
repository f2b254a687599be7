"""Helpers for the channel tests and bench/channels.py: the minibot model, Rasa servers running it,
a stand-in for Twilio's REST API, and signed Twilio form posts."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List, Optional
from urllib.parse import parse_qs, quote

import httpx
from twilio.request_validator import RequestValidator

from tests.support.net import free_port, wait_http

ROOT = Path(__file__).resolve().parents[2]
MINIBOT = Path(__file__).resolve().parent / "minibot"
LOG_DIR = ROOT / "tests" / "artifacts" / "logs"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "0" * 32
TWILIO_NUMBER = "+15005550006"
RASA = [sys.executable, "-m", "bot.rasa_server"]  # rasa, with our fixes (bot/rasa_server.py)


def _fingerprint() -> str:
    h = hashlib.sha256()
    for p in sorted(MINIBOT.rglob("*.yml")):
        h.update(str(p.relative_to(MINIBOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def minibot_model() -> Path:
    """Train the minibot once per content fingerprint (cached in the temp dir)."""
    cache = Path(tempfile.gettempdir()) / f"schedbot-minibot-{_fingerprint()}"
    model = cache / "minibot.tar.gz"
    if model.exists():
        return model
    work = Path(tempfile.mkdtemp(prefix="schedbot-minibot-train-"))
    try:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
        subprocess.run(
            RASA + ["train", "--config", str(MINIBOT / "config.yml"), "--domain", str(MINIBOT / "domain.yml"),
                    "--data", str(MINIBOT / "data"), "--out", str(work), "--fixed-model-name", "minibot"],
            cwd=str(work), env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=600,
        )
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"minibot.{uuid.uuid4().hex}.tmp"
        shutil.copy(work / "minibot.tar.gz", tmp)
        os.replace(tmp, model)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return model


# --- Twilio REST stand-in -------------------------------------------------------------------
@dataclass
class TwilioStandin:
    url: str
    calls: List[Dict] = field(default_factory=list)

    def messages(self) -> List[Dict[str, str]]:
        return [c["form"] for c in self.calls if c["path"].endswith("/Messages.json")]


@contextlib.contextmanager
def twilio_standin() -> Iterator[TwilioStandin]:
    """A local HTTP server answering Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json`."""
    calls: List[Dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            calls.append({"path": self.path, "form": form, "auth": self.headers.get("Authorization")})
            sid = "SM" + uuid.uuid4().hex
            payload = {"sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"), "from": form.get("From"),
                       "body": form.get("Body"), "status": "queued", "num_segments": "1",
                       "direction": "outbound-api", "api_version": "2010-04-01",
                       "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"}
            data = json.dumps(payload).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TwilioStandin(f"http://127.0.0.1:{server.server_address[1]}", calls)
    finally:
        server.shutdown()
        server.server_close()


# --- Rasa servers ---------------------------------------------------------------------------
CREDENTIALS = f"""
rest:
channels.sms.SmsInput:
  account_sid: "{ACCOUNT_SID}"
  twilio_number: "{TWILIO_NUMBER}"
channels.voice.VoiceInput:
  initial_message: "/greet"
channels.webchat.WebChatInput:
  session_persistence: true
  init_payload: "/greet"
"""


LOCK_STORE = "channels.lockstore.AtomicRedisLockStore"


def endpoints_yaml(database: Optional[str], redis_prefix: Optional[str], lock_store: str = LOCK_STORE) -> str:
    out = ""
    if database:
        name = database.rsplit("/", 1)[1]
        out += ("tracker_store:\n  type: bot.tracker_store.CachedSQLTrackerStore\n  dialect: postgresql\n  url: 127.0.0.1\n  port: 5432\n"
                f"  db: {name}\n  username: postgres\n  password: \"\"\n")
    if redis_prefix:
        out += f"lock_store:\n  type: {lock_store}\n  url: 127.0.0.1\n  port: 6379\n  db: 0\n  key_prefix: {redis_prefix}\n"
    return out or "{}\n"


@dataclass
class RasaServer:
    url: str
    proc: subprocess.Popen
    log_path: Path
    public_url: Optional[str] = None

    def webhook_url(self, channel: str, path: str = "webhook") -> str:
        """The URL Twilio signs for this server (public URL when one is configured)."""
        return f"{self.public_url or self.url}/webhooks/{channel}/{path}"


@contextlib.contextmanager
def rasa_server(model: Path, workdir: Path, *, database: Optional[str] = None, redis_prefix: Optional[str] = None,
                env: Optional[Dict[str, str]] = None, public_url: Optional[str] = None,
                name: str = "rasa") -> Iterator[RasaServer]:
    """`rasa run --enable-api` on a free port with the schedbot channels registered."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "credentials.yml").write_text(CREDENTIALS)
    (workdir / "endpoints.yml").write_text(endpoints_yaml(database, redis_prefix))
    full_env = dict(os.environ)
    full_env.pop("SCHEDBOT_PUBLIC_URL", None)
    full_env.update({
        "PYTHONPATH": str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", ""),
        "RASA_TELEMETRY_ENABLED": "false",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SANIC_WORKERS": "1",
    })
    if redis_prefix:
        full_env["SCHEDBOT_REDIS_URL"] = "redis://127.0.0.1:6379/0"
        full_env["SCHEDBOT_REDIS_PREFIX"] = redis_prefix
    if public_url:
        full_env["SCHEDBOT_PUBLIC_URL"] = public_url
    full_env.update(env or {})
    log_path = LOG_DIR / f"channels-{name}-{port}-{int(time.time() * 1000)}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            RASA + ["run", "--enable-api", "-m", str(model), "--credentials", "credentials.yml",
                    "--endpoints", "endpoints.yml", "-i", "127.0.0.1", "-p", str(port)],
            cwd=str(workdir), env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )
    server = RasaServer(f"http://127.0.0.1:{port}", proc, log_path, public_url)
    try:
        try:
            wait_http(f"{server.url}/status", timeout=180, proc=proc)
        except Exception as exc:
            raise RuntimeError(f"rasa did not start; see {log_path}") from exc
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- Twilio webhook requests -----------------------------------------------------------------
def sign(url: str, params: Dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def post_twilio(client: httpx.Client, server: RasaServer, channel: str, params: Dict[str, str], *,
                signature: Optional[str] = "auto", path: str = "webhook", query: str = "") -> httpx.Response:
    """POST a form to `/webhooks/<channel>/<path>` signed like Twilio does (or with `signature`)."""
    target = f"{server.url}/webhooks/{channel}/{path}" + (f"?{query}" if query else "")
    signed_url = server.webhook_url(channel, path) + (f"?{query}" if query else "")
    headers = {}
    if signature == "auto":
        headers["X-Twilio-Signature"] = sign(signed_url, params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return client.post(target, data=params, headers=headers, timeout=120)


def sms_params(body: str, phone: str = "+14085550123", sid: Optional[str] = None, **extra: str) -> Dict[str, str]:
    params = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "SmsSid": "", "AccountSid": ACCOUNT_SID,
              "From": phone, "To": TWILIO_NUMBER, "Body": body, "NumMedia": "0"}
    params["SmsSid"] = params["MessageSid"]
    params.update(extra)
    return params


def voice_params(call_sid: str, phone: str = "+14085550199", **extra: str) -> Dict[str, str]:
    params = {"CallSid": call_sid, "AccountSid": ACCOUNT_SID, "From": phone, "To": TWILIO_NUMBER,
              "CallStatus": "in-progress", "Direction": "inbound"}
    params.update(extra)
    return params


def tracker(server: RasaServer, sender: str) -> Dict:
    r = httpx.get(f"{server.url}/conversations/{quote(sender, safe='+')}/tracker", timeout=60)
    r.raise_for_status()
    return r.json()


def user_events(t: Dict) -> List[Dict]:
    return [e for e in t["events"] if e["event"] == "user"]
