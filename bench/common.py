"""Shared by the scheduler benchmarks: synthetic databases (cached between runs), a scheduler
subprocess on a free port, percentiles."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH_NOW = "2026-11-30T07:00:00-08:00"
CACHE = Path(os.environ.get("SCHEDBOT_BENCH_CACHE", "/tmp/schedbot-bench"))
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def pct(values, p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_slots(n: int, days: int) -> int:
    first = datetime.fromisoformat(BENCH_NOW).date()
    return n * 32 * sum(1 for d in range(days) if (first + timedelta(days=d)).weekday() < 5)


def _count(url: str) -> int:
    from sqlalchemy import create_engine, text
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM slot")).scalar()
    except Exception:
        return -1
    finally:
        engine.dispose()


def _pg_admin(sql: str) -> None:
    import psycopg2
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


def synthetic_database(kind: str, n: int, days: int, fresh: bool = False) -> str:
    """A database URL holding n practitioners x days of slots; reused across runs unless fresh."""
    from scheduler.seed import seed_synthetic
    from scheduler.settings import Settings
    from scheduler.storage import Store
    if kind == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / (f"syn-{n}x{days}.db" if not fresh else f"syn-{n}x{days}-{os.getpid()}-{time.time_ns()}.db")
        url = f"sqlite:///{path}"
        if path.exists() and _count(url) == expected_slots(n, days):
            return url
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    else:
        name = f"schedbot_bench_{n}x{days}" if not fresh else f"schedbot_bench_{os.getpid()}_{time.time_ns() % 10**8}"
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        if not fresh and _count(url) == expected_slots(n, days):
            return url
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}"')
    print(f"seeding {kind}: {n} practitioners x {days} days ...", flush=True)
    started = time.perf_counter()
    store = Store(url)
    store.create_schema()
    settings = Settings(now_override=BENCH_NOW)
    seed_synthetic(store, n, days, settings.now(), progress=sys.stderr.isatty())
    store.dispose()
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def drop_pg(url: str) -> None:
    _pg_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@contextlib.contextmanager
def scheduler(database: str, *extra: str):
    port = free_port()
    env = dict(os.environ, SCHEDBOT_NOW=BENCH_NOW, PYTHONPATH=str(ROOT))
    CACHE.mkdir(parents=True, exist_ok=True)
    log = open(CACHE / f"scheduler-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "serve", "--port", str(port), "--database",
                             database, "--seed", "none", "--log-level", "warning", *extra],
                            cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/fhir"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"scheduler exited ({proc.returncode}); see {log.name}")
            try:
                if httpx.get(f"{base}/metadata", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("scheduler did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class RawHttp:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: almost no client-side CPU, so a load
    test on a small machine measures the server rather than the client library."""

    def __init__(self, base: str):
        from urllib.parse import urlsplit
        u = urlsplit(base)
        self.host, self.port, self.prefix = u.hostname, u.port, u.path.rstrip("/")
        self.reader = self.writer = None

    async def __aenter__(self):
        import asyncio
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc):
        self.writer.close()

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        head = [f"{method} {self.prefix}{path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                "Accept: application/fhir+json"]
        if body is not None:
            head += ["Content-Type: application/fhir+json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        await self.writer.drain()
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        data = await self.reader.readexactly(length) if length else b""
        return status, data
