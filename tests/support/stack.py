"""The whole assistant stack for tests: scheduler + action server + Rasa, on free ports.

    from tests.support.stack import assistant_stack

    with assistant_stack() as stack:          # trains the model once, then reuses it (models/)
        replies = stack.say("p1", "hi")       # Rasa REST channel -> list of {"recipient_id","text",...}
        stack.fhir_base, stack.actions_url, stack.rasa_url
        with stack.scheduler_down():          # "scheduler unavailable" tests
            stack.say("p1", "book me in")
        stack.restart("rasa")                 # conversations survive (SQLite tracker store)

The model is `models/schedbot-<fingerprint>.tar.gz` (bot/train.py): trained once per change of
config/domain/data, shared by every test session. The scheduler runs on a fresh SQLite file with
the demo clinic and SCHEDBOT_NOW=TEST_NOW; action server and Rasa see the same "now". Logs of all
three go to tests/artifacts/logs/. Typical use is one stack per test session (a session fixture in
your own conftest.py); starting one takes about a minute (Rasa loads TensorFlow).
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bot import run as runmod
from bot import train as trainmod
from tests.support.clock import TEST_NOW
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "tests" / "artifacts" / "logs"
STARTUP_TIMEOUT = 300.0
TRAIN_TIMEOUT = 1200.0


def ensure_model(config: Path = trainmod.DEFAULT_CONFIG, domain: Path = trainmod.DEFAULT_DOMAIN,
                 data=None, out: Path = trainmod.DEFAULT_OUT, timeout: float = TRAIN_TIMEOUT) -> Path:
    """The fingerprinted model for this config/domain/data, trained in a subprocess if missing."""
    data = trainmod.DEFAULT_DATA if data is None else [Path(d) for d in data]
    target = trainmod.model_path(trainmod.fingerprint(config, domain, data), out)
    if target.exists():
        return target
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"train-{target.name.split('.')[0]}-{int(time.time() * 1000)}.log"
    cmd = [sys.executable, "-m", "bot.train", "--config", str(config), "--domain", str(domain), "--out", str(out)]
    for d in data:
        cmd += ["--data", str(d)]
    with open(log_path, "wb") as log:
        proc = subprocess.run(cmd, cwd=str(ROOT), env=runmod.child_env(), stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    if proc.returncode != 0 or not target.exists():
        raise RuntimeError(f"training failed (exit {proc.returncode}); see {log_path}")
    return target


class Stack:
    """A running scheduler + action server + Rasa; see the module docstring."""

    def __init__(self, tmp: Path, model: Path, now: str | None, env: dict, credentials: Path,
                 actions_module: str, endpoints: Path):
        self.tmp = tmp
        self.model = model
        stamp = int(time.time() * 1000)
        self.scheduler_port, self.actions_port, self.rasa_port = free_port(), free_port(), free_port()
        self.database = f"sqlite:///{tmp}/scheduler.db"
        self.tracker_db = tmp / "tracker.db"
        self.fhir_base = f"http://127.0.0.1:{self.scheduler_port}/fhir"
        self.actions_url = f"http://127.0.0.1:{self.actions_port}/webhook"
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        base_env = runmod.child_env()
        base_env.pop("SCHEDBOT_NOW", None)
        if now is not None:
            base_env["SCHEDBOT_NOW"] = now
        base_env.update(env)

        def log(name: str) -> Path:
            return LOG_DIR / f"stack-{stamp}-{name}.log"

        self.children = {
            "scheduler": runmod.Child(
                "scheduler", runmod.scheduler_cmd("127.0.0.1", self.scheduler_port, self.database, "demo"),
                {**base_env, "SCHEDBOT_DATABASE": self.database}, log("scheduler"), f"{self.fhir_base}/metadata"),
            "actions": runmod.Child(
                "action server", runmod.actions_cmd(self.actions_port, actions_module),
                {**base_env, "SCHEDBOT_FHIR_BASE": self.fhir_base}, log("actions"),
                f"http://127.0.0.1:{self.actions_port}/health"),
            "rasa": runmod.Child(
                "Rasa server", runmod.rasa_cmd("127.0.0.1", self.rasa_port, model, endpoints, credentials),
                {**base_env, "SCHEDBOT_ACTIONS_URL": self.actions_url, "SCHEDBOT_TRACKER_DB": str(self.tracker_db),
                 "SCHEDBOT_FHIR_BASE": self.fhir_base}, log("rasa"), f"{self.rasa_url}/status",
                ready=runmod.rasa_ready),
        }
        self.http = httpx.Client(timeout=120)

    # -- processes ---------------------------------------------------------------------------
    def start(self, *names: str, timeout: float = STARTUP_TIMEOUT) -> None:
        children = [self.children[n] for n in (names or self.children)]
        for c in children:
            c.start()
        try:
            runmod.wait_healthy(children, timeout)
        except runmod.ChildDied as exc:
            raise RuntimeError(f"{exc.child.name} exited with {exc.child.proc.returncode}; "
                               f"see {exc.child.log_path}") from None
        except TimeoutError as exc:
            raise RuntimeError(f"not ready after {timeout:.0f} s: {exc}; see {LOG_DIR}") from None

    def stop(self, *names: str) -> None:
        for n in (names or reversed(list(self.children))):
            self.children[n].stop()

    def restart(self, name: str, timeout: float = STARTUP_TIMEOUT) -> None:
        """Stop and start one of "scheduler", "actions", "rasa" (same port, same database)."""
        self.stop(name)
        self.start(name, timeout=timeout)

    def stop_scheduler(self) -> None:
        self.stop("scheduler")

    def start_scheduler(self) -> None:
        self.start("scheduler")

    @contextlib.contextmanager
    def scheduler_down(self):
        """The scheduler is stopped inside the block and running again (same data) after it."""
        self.stop_scheduler()
        try:
            yield self
        finally:
            self.start_scheduler()

    def pids(self) -> dict:
        return {n: c.pid for n, c in self.children.items() if c.alive()}

    # -- talking -----------------------------------------------------------------------------
    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        """One user message through Rasa's REST channel; the bot's replies."""
        body = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        r = self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body)
        r.raise_for_status()
        return r.json() or []

    def texts(self, sender: str, text: str, metadata: dict | None = None) -> list[str]:
        return [m["text"] for m in self.say(sender, text, metadata) if m.get("text")]

    def tracker(self, sender: str) -> dict:
        r = self.http.get(f"{self.rasa_url}/conversations/{sender}/tracker")
        r.raise_for_status()
        return r.json()

    def close(self) -> None:
        self.http.close()


def _rest_only_credentials(tmp: Path) -> Path:
    path = tmp / "credentials.yml"
    path.write_text("rest:\n")
    return path


@contextlib.contextmanager
def assistant_stack(model: Path | None = None, now: str | None = TEST_NOW, env: dict | None = None,
                    credentials: Path | None = None, actions_module: str = "actions",
                    endpoints: Path = ROOT / "bot" / "endpoints.yml", start: bool = True):
    """Yield a started `Stack`; everything is stopped (and the temp dir removed) afterwards.

    model: a model file (default: the project's, trained/reused via bot/train.py).
    now: SCHEDBOT_NOW for all three processes (None = the real clock).
    env: extra environment for all three (e.g. PYTHONPATH for another actions package).
    credentials: a credentials.yml (default: REST only; pass ROOT/'bot/credentials.yml' for every channel).
    """
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    model = Path(model) if model else ensure_model()
    with tempfile.TemporaryDirectory(prefix="schedbot-stack-") as tmp_name:
        tmp = Path(tmp_name)
        extra = dict(env or {})
        if "PYTHONPATH" in extra:
            extra["PYTHONPATH"] = os.pathsep.join([str(ROOT), extra["PYTHONPATH"]])
        stack = Stack(tmp, model, now, extra, Path(credentials) if credentials else _rest_only_credentials(tmp),
                      actions_module, Path(endpoints))
        try:
            if start:
                stack.start()
            yield stack
        finally:
            stack.stop()
            stack.close()
