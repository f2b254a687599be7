"""$find latency at 1,000 practitioners x 90 days (about 2 M slots) on SQLite and PostgreSQL, next to
the raw indexed SQL query that computes the same answer, in the same run.

    .venv/bin/python -m bench.find [--practitioners N] [--days D] [--queries Q]

The synthetic databases are cached under /tmp/schedbot-bench (first run seeds them, ~20 s each)."""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

from bench.common import BENCH_NOW, RawHttp, pct, scheduler, synthetic_database
from scheduler.seed import SPECIALTIES

RAW = ("SELECT s.id FROM slot s WHERE s.schedule_id IN (SELECT id FROM schedule WHERE specialties LIKE {p}) "
       "AND s.start >= {p} AND s.start < {p} AND (s.status = 'free' OR (s.status = 'busy-tentative' "
       "AND s.taken_until < {p})) ORDER BY s.start, s.schedule_id LIMIT 3")


def queries(n: int, days: int):
    rnd = random.Random(7)
    now = datetime.fromisoformat(BENCH_NOW)
    out = []
    for _ in range(n):
        code = rnd.choice(SPECIALTIES)[0]
        day = now.date() + timedelta(days=rnd.randrange(1, max(2, days - 8)))
        start = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
        out.append((code, start, start + timedelta(days=7)))
    return out


def run(kind: str, n: int, days: int, count: int) -> dict:
    url = synthetic_database(kind, n, days)
    qs = queries(count, days)
    now_ts = int(datetime.fromisoformat(BENCH_NOW).timestamp())
    # the raw query, through the plain DB-API driver
    if kind == "sqlite":
        conn = sqlite3.connect(url[len("sqlite:///"):])
        sql = RAW.format(p="?")
    else:
        import psycopg2
        conn = psycopg2.connect(url)
        sql = RAW.format(p="%s")
    cur = conn.cursor()
    raw_ms, raw_answers = [], []
    for i, (code, a, b) in enumerate(qs + qs[:20]):
        t = time.perf_counter()
        cur.execute(sql, (f"% {code} %", int(a.timestamp()), int(b.timestamp()), now_ts))
        rows = cur.fetchall()
        if i >= 20:
            raw_ms.append((time.perf_counter() - t) * 1000)
        if i < len(qs):
            raw_answers.append([r[0] for r in rows])
    conn.close()
    # the same operation in-process (no HTTP): what the server adds on top of SQL
    from scheduler.context import Context
    from scheduler.operations import find as find_op
    from scheduler.settings import Settings
    ctx = Context(Settings(database_url=url, now_override=BENCH_NOW, horizon_days=days + 7))
    inproc_ms = []
    for i, (code, a, b) in enumerate(qs[:20] + qs):
        t = time.perf_counter()
        find_op.find(ctx, {"specialty": [code], "start": [a.isoformat()], "end": [b.isoformat()], "_count": ["3"]}, "")
        if i >= 20:
            inproc_ms.append((time.perf_counter() - t) * 1000)
    ctx.store.dispose()
    find_ms, same = [], 0
    def path(code, a, b):
        return "/Appointment/$find?" + urlencode({"specialty": code, "start": a.isoformat(), "end": b.isoformat(),
                                                  "_count": 3})

    async def over_http(base):
        nonlocal same
        async with RawHttp(base) as c:
            for code, a, b in qs[:20]:  # warm-up
                await c.request("GET", path(code, a, b))
            for (code, a, b), expect in zip(qs, raw_answers):
                t = time.perf_counter()
                _, body = await c.request("GET", path(code, a, b))
                find_ms.append((time.perf_counter() - t) * 1000)
                got = [s["reference"].split("/")[1] for e in json.loads(body).get("entry", [])
                       if e["search"]["mode"] == "match" for s in e["resource"]["slot"]]
                same += got == expect

    with scheduler(url, "--horizon-days", str(days + 7)) as base:
        asyncio.run(over_http(base))
    return {"kind": kind, "find_p50": pct(find_ms, 50), "find_p95": pct(find_ms, 95),
            "raw_p50": pct(raw_ms, 50), "raw_p95": pct(raw_ms, 95), "same": same, "n": len(qs),
            "in_p50": pct(inproc_ms, 50), "in_p95": pct(inproc_ms, 95)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="bench.find")
    ap.add_argument("--practitioners", type=int, default=1000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--queries", type=int, default=300)
    # run by bench/__main__ (no argv): defaults; run as `python -m bench.x`: the command line
    args = ap.parse_args(argv if argv is not None or __name__ == "__main__" else [])
    print(f"$find latency, {args.practitioners} practitioners x {args.days} days, {args.queries} queries "
          f"(specialty + 7-day window, _count=3), over HTTP on one keep-alive connection")
    for kind in ("sqlite", "postgresql"):
        r = run(kind, args.practitioners, args.days, args.queries)
        print(f"  {kind:<10} $find p50 {r['find_p50']:6.2f} ms  p95 {r['find_p95']:6.2f} ms | raw SQL p50 "
              f"{r['raw_p50']:6.2f} ms  p95 {r['raw_p95']:6.2f} ms | ratio p50 {r['find_p50'] / r['raw_p50']:4.1f}x p95 {r['find_p95'] / r['raw_p95']:4.1f}x"
              f" | same answer {r['same']}/{r['n']}", flush=True)
        print(f"  {'':<10} in-process (no HTTP) p50 {r['in_p50']:6.2f} ms  p95 {r['in_p95']:6.2f} ms "
              f"| ratio p50 {r['in_p50'] / r['raw_p50']:4.1f}x p95 {r['in_p95'] / r['raw_p95']:4.1f}x", flush=True)


if __name__ == "__main__":
    main()
