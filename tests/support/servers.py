"""Running the FHIR Scheduler for tests: a real subprocess on a free port."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.clock import TEST_NOW
from tests.support.net import free_port, wait_http

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "tests" / "artifacts" / "logs"


@contextlib.contextmanager
def run_scheduler(database: str | None = None, seed: str = "demo", now: str | None = TEST_NOW,
                  env: dict | None = None, extra_args=(), port: int | None = None):
    """Start `python -m scheduler.cli serve` and yield its FHIR base `http://127.0.0.1:<port>/fhir`.

    database: a URL; default a fresh SQLite file in a temp dir (removed afterwards).
    now: SCHEDBOT_NOW for the server (None = the real clock). Output goes to tests/artifacts/logs/.
    """
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if database is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="schedbot-"))
            database = f"sqlite:///{tmp}/scheduler.db"
        port = port or free_port()
        full_env = dict(os.environ)
        full_env.pop("SCHEDBOT_NOW", None)
        if now:
            full_env["SCHEDBOT_NOW"] = now
        full_env.update(env or {})
        full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
        log_path = LOG_DIR / f"scheduler-{port}-{int(time.time() * 1000)}.log"
        log = stack.enter_context(open(log_path, "wb"))
        cmd = [sys.executable, "-m", "scheduler.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--database", database, "--seed", seed, *extra_args]
        proc = subprocess.Popen(cmd, cwd=str(ROOT), env=full_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}/fhir"
            try:
                wait_http(f"{base}/metadata", timeout=120, proc=proc)
            except Exception as exc:
                raise RuntimeError(f"scheduler did not start; see {log_path}") from exc
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
