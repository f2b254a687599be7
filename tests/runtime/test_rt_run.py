"""`schedbot run`: starts scheduler + action server + Rasa, prints how to talk to them, stops them all
on SIGTERM, and stops the rest (exit 1, one plain message) when one of them dies."""
from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.run import child_env
from tests.support.clock import TEST_NOW
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 420


def start_run(tiny: dict, tmp: Path, *extra: str, ports: tuple[int, int, int] | None = None,
              models: Path | None = None):
    s, a, r = ports or (free_port(), free_port(), free_port())
    cmd = [sys.executable, "-m", "bot.cli", "run",
           "--config", str(tiny["config"]), "--domain", str(tiny["domain"]), "--data", str(tiny["data"]),
           "--models", str(models or Path(tiny["model"]).parent), "--credentials", str(tiny["credentials"]),
           "--actions-module", tiny["actions_module"],
           "--scheduler-port", str(s), "--actions-port", str(a), "--rasa-port", str(r),
           "--database", f"sqlite:///{tmp}/scheduler.db", "--tracker-db", str(tmp / "tracker.db"),
           "--logs", str(tmp / "logs"), *extra]
    env = child_env({"PYTHONPATH": str(tiny["root"]), "SCHEDBOT_NOW": TEST_NOW})
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    return proc, lines


def read_until(proc, lines: queue.Queue, marker: str, timeout: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"no {marker!r}; exit={proc.poll()} output:\n{''.join(seen)}\n{proc.stderr.read() if proc.poll() is not None else ''}")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/status").exists() and "zombie" in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.timeout(1200)
def test_rt_run_trains_serves_the_stack_and_stops_cleanly(tiny, tmp_path):
    # no model yet: run trains it; with a token on Rasa's HTTP API (the REST channel needs none)
    proc, lines = start_run(tiny, tmp_path, "--auth-token", "rt-secret", models=tmp_path / "models")
    try:
        out = "".join(read_until(proc, lines, "Press Ctrl-C to stop.", READY_TIMEOUT))
        assert re.search(r"trained schedbot-[0-9a-f]{12}\.tar\.gz", out), out
        pids = [int(p) for p in re.findall(r"\(pid (\d+),", out)]
        assert len(pids) == 3
        rasa = re.search(r"terminal chat:\s+schedbot chat --url (\S+)", out).group(1)
        assert f"web chat:        {rasa}/webhooks/webchat/" in out
        assert f"curl -s -X POST {rasa}/webhooks/rest/webhook" in out
        metadata = re.search(r"FHIR metadata:\s+curl -s (\S+)", out).group(1)
        find = re.search(r"dermatologist next week:\s+curl -s '(\S+)'", out).group(1)
        assert "start=2026-12-07" in find and "end=2026-12-13" in find  # next week from TEST_NOW

        with httpx.Client(timeout=120) as http:
            hello = http.post(f"{rasa}/webhooks/rest/webhook", json={"sender": "rt-run", "message": "hi"}).json()
            assert hello[0]["text"] == "Hello from the tiny bot"
            pong = http.post(f"{rasa}/webhooks/rest/webhook", json={"sender": "rt-run", "message": "ping"}).json()
            assert [m.get("text") for m in pong] == ["pong from the action server"]
            meta = http.get(metadata)
            assert meta.status_code == 200 and meta.json()["resourceType"] == "CapabilityStatement"
            bundle = http.get(find)
            assert bundle.status_code == 200 and bundle.json()["resourceType"] == "Bundle"
            tracker = f"{rasa}/conversations/rt-run/tracker"
            assert http.get(tracker).status_code == 401
            assert http.get(tracker, params={"token": "rt-secret"}).status_code == 200

        chat = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--url", rasa], input="hi\n1\n",
                              cwd=str(ROOT), env=child_env(), capture_output=True, text=True, timeout=300)
        assert chat.returncode == 0, chat.stderr
        assert "bot: Hello from the tiny bot" in chat.stdout
        assert "1. Ping it" in chat.stdout
        assert "bot: pong from the action server" in chat.stdout  # "1" sent the button's payload

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
        stderr = proc.stderr.read()
        assert "Traceback" not in stderr
        assert all(gone(pid) for pid in pids)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.mark.timeout(900)
def test_rt_run_stops_everything_when_a_child_dies(tiny, tmp_path):
    busy = socket.socket()
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    proc, lines = start_run(tiny, tmp_path, "--model", str(tiny["model"]),
                            ports=(port, free_port(), free_port()))
    try:
        assert proc.wait(timeout=READY_TIMEOUT) == 1
        out = "".join(iter(lambda: lines.get(timeout=5) if not lines.empty() else "", ""))
        stderr = proc.stderr.read()
        assert "the scheduler stopped unexpectedly" in stderr
        assert "Traceback (most recent call last)" not in stderr.split("ends with:")[0]
        pids = [int(p) for p in re.findall(r"\(pid (\d+),", out)]
        assert len(pids) == 3 and all(gone(pid) for pid in pids)
    finally:
        busy.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
