"""Slot/$prefetch of one practitioner's whole horizon (8 weeks) vs GET metadata (baseline), p50/p95,
on the demo clinic (SQLite and PostgreSQL) and, when the find benchmark's cached 1,000 x 90 SQLite
database exists, on that too. `python -m bench.prefetch`"""
from __future__ import annotations

import os
import tempfile
import time

import httpx

from bench.common import CACHE, drop_pg, expected_slots, pct, scheduler, _count, _pg_admin

RUNS = 60


def _time(client: httpx.Client, path: str, params=None) -> tuple[list[float], httpx.Response]:
    out, r = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        r = client.get(path, params=params)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text[:300]
    return out, r


def measure(label: str, base: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as c:
        practitioner = c.get("/Practitioner", params={"_count": 1}).json()["entry"][0]["resource"]["id"]
        for _ in range(5):  # warm-up
            c.get("/metadata")
            c.get("/Slot/$prefetch", params={"practitioner": f"Practitioner/{practitioner}"})
        meta, _ = _time(c, "/metadata")
        pre, r = _time(c, "/Slot/$prefetch", {"practitioner": f"Practitioner/{practitioner}"})
    n = len([e for e in r.json().get("entry", []) if e["resource"]["resourceType"] == "Slot"])
    print(f"{label}: $prefetch one practitioner x 8 weeks ({n} free slots, {len(r.content) // 1024} KiB): "
          f"p50 {pct(pre, 50):.1f} ms  p95 {pct(pre, 95):.1f} ms | metadata p50 {pct(meta, 50):.1f} ms "
          f"p95 {pct(meta, 95):.1f} ms | ratio p50 {pct(pre, 50) / max(pct(meta, 50), 1e-6):.1f}x", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="schedbot-bench-prefetch-") as tmp:
        with scheduler(f"sqlite:///{tmp}/demo.db", "--seed", "demo") as base:
            measure("sqlite demo", base)
    name = f"schedbot_bench_prefetch_{os.getpid()}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        with scheduler(url, "--seed", "demo") as base:
            measure("postgres demo", base)
    finally:
        drop_pg(url)
    big = CACHE / "syn-1000x90.db"
    if big.exists() and _count(f"sqlite:///{big}") == expected_slots(1000, 90):
        with scheduler(f"sqlite:///{big}") as base:
            measure("sqlite 1000 practitioners x 90 days", base)
    else:
        print("(the 1,000 x 90 database is not cached: run bench.find first for the large figure)")


if __name__ == "__main__":
    main()
