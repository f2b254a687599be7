"""`schedbot run`: the whole assistant stack on one machine (what `make demo` ends with).

1. trains the model if it is missing or stale (`schedbot train`, in a subprocess);
2. starts the FHIR Scheduler (seeding the demo clinic into an empty database), the action server
   and the Rasa server as child processes, each in its own process group, logs in `logs/`;
3. waits until each answers its health check, then prints how to talk to the assistant;
4. Ctrl-C / SIGTERM stops every child; if a child dies, the others are stopped and the command
   exits non-zero with a one-line reason.

Ports: --scheduler-port/SCHEDBOT_SCHEDULER_PORT (8080), --actions-port/SCHEDBOT_ACTIONS_PORT (5055),
--rasa-port/SCHEDBOT_RASA_PORT (5005). Database: --database/SCHEDBOT_DATABASE
(default sqlite:///schedbot.db). Tracker store: --tracker-db/SCHEDBOT_TRACKER_DB (default tracker.db).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
SPECIALTY_DERMATOLOGY = "394582007"  # SNOMED CT, as in the Argonaut guide's examples


class Stop(Exception):
    """Raised by the SIGTERM handler to unwind like Ctrl-C."""


class ChildDied(Exception):
    def __init__(self, child: "Child"):
        super().__init__(child.name)
        self.child = child


def child_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra or {})
    return env


def scheduler_cmd(host: str, port: int, database: str, seed: str = "demo") -> list[str]:
    return [sys.executable, "-m", "scheduler.cli", "serve", "--host", host, "--port", str(port),
            "--database", database, "--seed", seed]


def actions_cmd(port: int, module: str = "actions") -> list[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", module, "--port", str(port)]


def rasa_cmd(host: str, port: int, model: Path, endpoints: Path, credentials: Path,
             auth_token: str | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "bot.rasa_server", "run", "--enable-api", "--model", str(model),
           "--endpoints", str(endpoints), "--credentials", str(credentials),
           "--interface", host, "--port", str(port), "--cors", "*"]
    return cmd + (["--auth-token", auth_token] if auth_token else [])


class Child:
    """One child process in its own process group, its output in a log file."""

    def __init__(self, name: str, cmd: list[str], env: dict, log_path: Path, health_url: str,
                 ready=None, cwd: Path = ROOT):
        self.name, self.cmd, self.env, self.log_path = name, cmd, env, Path(log_path)
        self.health_url, self.ready, self.cwd = health_url, ready, cwd
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Child":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.cmd, cwd=str(self.cwd), env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self) -> bool:
        import httpx
        try:
            r = httpx.get(self.health_url, timeout=5)
        except httpx.HTTPError:
            return False
        if r.status_code >= 400:
            return False
        return self.ready(r) if self.ready else True

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the child's process group, then SIGKILL what is left after `timeout`."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        _signal_group(self.proc.pid, signal.SIGKILL)  # stray grandchildren of this group, if any

    def tail(self, n: int = 8) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        # a one-glance reason, not a stack trace: drop traceback frames, keep the log's last words
        plain = [line for line in lines if line.strip() and not line.startswith(("Traceback", " ", "\t"))]
        return "\n".join("    " + line for line in plain[-n:])


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the child's own group (start_new_session), nothing else
    except (ProcessLookupError, PermissionError):
        pass


def wait_healthy(children: list[Child], timeout: float, poll: float = 0.5) -> None:
    """Wait until every child answers its health check; raise ChildDied/TimeoutError."""
    pending = list(children)
    deadline = time.monotonic() + timeout
    while pending:
        for c in list(children):
            if not c.alive():
                raise ChildDied(c)
        for c in list(pending):
            if c.healthy():
                pending.remove(c)
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(", ".join(c.name for c in pending))
        time.sleep(poll)


def rasa_ready(response) -> bool:
    """Rasa's GET /status names the loaded model once it can answer."""
    try:
        return bool(response.json().get("model_file"))
    except ValueError:
        return False


def _now(tz: str) -> datetime:
    raw = os.environ.get("SCHEDBOT_NOW")
    if raw:
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))
        except ValueError:
            pass
    return datetime.now(ZoneInfo(tz))


def next_week(tz: str) -> tuple[str, str]:
    """Monday..Sunday of next week as FHIR dates (start inclusive, end inclusive)."""
    today = _now(tz).date()
    monday = today + timedelta(days=7 - today.weekday())
    return monday.isoformat(), (monday + timedelta(days=6)).isoformat()


def banner(host: str, rasa_port: int, fhir_base: str, logs: Path, tz: str) -> str:
    rasa = f"http://{local_host(host)}:{rasa_port}"
    start, end = next_week(tz)
    find = f"{fhir_base}/Appointment/$find?start={start}&end={end}&specialty={SPECIALTY_DERMATOLOGY}&_count=3"
    return "\n".join([
        "",
        "schedbot is running.",
        f"  web chat:        {rasa}/webhooks/webchat/",
        f"  terminal chat:   schedbot chat --url {rasa}",
        f"  REST webhook:    curl -s -X POST {rasa}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' -d '{\"sender\": \"demo\", \"message\": \"hi\"}'",
        f"  FHIR metadata:   curl -s {fhir_base}/metadata",
        f"  dermatologist next week:  curl -s '{find}'",
        f"  logs:            {logs}/",
        "Press Ctrl-C to stop.",
        "",
    ])


def local_host(host: str) -> str:
    """Where this machine reaches a server bound to `host` (a wildcard bind: on loopback)."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host


def _port(value: str | None, default: int) -> int:
    return int(value) if value else default


def _abs_sqlite(url: str) -> str:
    """`sqlite:///rel.db` relative to the caller's directory (children run in the project root)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(Path(url[len(prefix):]).resolve())
    return url


def build_parser() -> argparse.ArgumentParser:
    e = os.environ.get
    p = argparse.ArgumentParser(prog="schedbot run", description=__doc__.splitlines()[0])
    p.add_argument("--host", default=e("SCHEDBOT_HOST", "127.0.0.1"), help="interface for scheduler and Rasa")
    p.add_argument("--scheduler-port", type=int, default=_port(e("SCHEDBOT_SCHEDULER_PORT"), 8080))
    p.add_argument("--actions-port", type=int, default=_port(e("SCHEDBOT_ACTIONS_PORT"), 5055))
    p.add_argument("--rasa-port", type=int, default=_port(e("SCHEDBOT_RASA_PORT"), 5005))
    p.add_argument("--database", default=e("SCHEDBOT_DATABASE") or "sqlite:///schedbot.db",
                   help="scheduler database URL (env SCHEDBOT_DATABASE)")
    p.add_argument("--seed", choices=["demo", "none"], default="demo")
    p.add_argument("--fhir-base", default=None,
                   help="use this FHIR server instead of starting the scheduler (e.g. an EHR)")
    p.add_argument("--tracker-db", type=Path, default=Path(e("SCHEDBOT_TRACKER_DB") or "tracker.db"),
                   help="SQLite tracker store file (env SCHEDBOT_TRACKER_DB)")
    p.add_argument("--model", type=Path, default=None, help="a trained model (default: train/reuse)")
    p.add_argument("--config", type=Path, default=BOT / "config.yml")
    p.add_argument("--domain", type=Path, default=BOT / "domain")
    p.add_argument("--data", type=Path, action="append", default=None)
    p.add_argument("--models", type=Path, default=ROOT / "models", help="models directory")
    p.add_argument("--endpoints", type=Path, default=BOT / "endpoints.yml")
    p.add_argument("--credentials", type=Path, default=BOT / "credentials.yml")
    p.add_argument("--actions-module", default="actions", help="python package of the custom actions")
    p.add_argument("--logs", type=Path, default=Path(e("SCHEDBOT_LOG_DIR") or "logs"))
    p.add_argument("--startup-timeout", type=float, default=300.0)
    p.add_argument("--auth-token", default=e("SCHEDBOT_RASA_TOKEN"),
                   help="token for Rasa's HTTP API (conversation trackers); env SCHEDBOT_RASA_TOKEN. "
                        "Set it whenever --host is not loopback")
    return p


def _train(args) -> Path | None:
    """Train in a subprocess (Rasa and TensorFlow stay out of this supervisor) unless up to date."""
    from bot import train

    data = args.data or train.DEFAULT_DATA
    target = train.model_path(train.fingerprint(args.config, args.domain, data), args.models)
    if target.exists():
        print(f"model up to date: {target}", flush=True)
        return target
    cmd = [sys.executable, "-m", "bot.train", "--config", str(args.config), "--domain", str(args.domain),
           "--out", str(args.models)]
    for d in data:
        cmd += ["--data", str(d)]
    log_path = args.logs / "train.log"
    print(f"training the model (a few minutes; log {log_path}) ...", flush=True)
    started = time.perf_counter()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, cwd=str(ROOT), env=child_env(), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait()
        except BaseException:
            _signal_group(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
    if proc.returncode != 0 or not target.exists():
        print(f"schedbot run: training failed (exit {proc.returncode}); see {log_path}", file=sys.stderr)
        return None
    print(f"trained {target.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return target


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.logs = args.logs.resolve()
    args.logs.mkdir(parents=True, exist_ok=True)
    for name in ("config", "domain", "models", "endpoints", "credentials", "tracker_db"):
        setattr(args, name, getattr(args, name).resolve())
    args.data = [d.resolve() for d in args.data] if args.data else None
    tz = os.environ.get("SCHEDBOT_TZ", "America/Los_Angeles")

    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.auth_token:
        print("schedbot run: warning: Rasa's HTTP API (conversation histories) is reachable on "
              f"{args.host} without a token; set SCHEDBOT_RASA_TOKEN or --auth-token", file=sys.stderr)
    def on_term(signum, frame):
        raise Stop()

    previous = signal.signal(signal.SIGTERM, on_term)
    children: list[Child] = []
    code = 0
    try:
        model = args.model.resolve() if args.model else _train(args)
        if model is None:
            return 1
        if not model.exists():
            print(f"schedbot run: model not found: {model}", file=sys.stderr)
            return 2

        if args.fhir_base:
            fhir_base = args.fhir_base.rstrip("/")
        else:
            fhir_base = f"http://{local_host(args.host)}:{args.scheduler_port}/fhir"
            database = _abs_sqlite(args.database)
            children.append(Child("scheduler", scheduler_cmd(args.host, args.scheduler_port, database, args.seed),
                                  child_env({"SCHEDBOT_DATABASE": database}), args.logs / "scheduler.log",
                                  f"{fhir_base}/metadata"))
        actions_url = f"http://127.0.0.1:{args.actions_port}/webhook"
        children.append(Child("action server", actions_cmd(args.actions_port, args.actions_module),
                              child_env({"SCHEDBOT_FHIR_BASE": fhir_base}), args.logs / "actions.log",
                              f"http://127.0.0.1:{args.actions_port}/health"))
        args.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        children.append(Child("Rasa server",
                              rasa_cmd(args.host, args.rasa_port, model, args.endpoints, args.credentials,
                                       args.auth_token),
                              child_env({"SCHEDBOT_ACTIONS_URL": actions_url,
                                         "SCHEDBOT_TRACKER_DB": str(args.tracker_db),
                                         "SCHEDBOT_FHIR_BASE": fhir_base}),
                              args.logs / "rasa.log", f"http://{local_host(args.host)}:{args.rasa_port}/status"
                              + (f"?token={args.auth_token}" if args.auth_token else ""),
                              ready=rasa_ready))
        for c in children:
            c.start()
            print(f"started {c.name} (pid {c.pid}, log {c.log_path})", flush=True)
        print("waiting for the servers to be ready (Rasa takes a minute to load) ...", flush=True)
        wait_healthy(children, args.startup_timeout)
        print(banner(args.host, args.rasa_port, fhir_base, args.logs, tz), flush=True)
        while True:
            for c in children:
                if not c.alive():
                    raise ChildDied(c)
            time.sleep(0.5)
    except ChildDied as exc:
        c = exc.child
        print(f"schedbot run: the {c.name} stopped unexpectedly (exit code {c.proc.returncode}); "
              f"stopping the others. Its log ({c.log_path}) ends with:\n{c.tail()}", file=sys.stderr)
        code = 1
    except TimeoutError as exc:
        print(f"schedbot run: not ready after {args.startup_timeout:.0f} s: {exc}; see the logs in {args.logs}",
              file=sys.stderr)
        code = 1
    except (KeyboardInterrupt, Stop):
        print("\nstopping ...", flush=True)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
        for c in reversed(children):
            c.stop()
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    if children and code == 0:
        print("stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
