"""$book throughput with 32 concurrent clients on PostgreSQL, next to GET /fhir/metadata (the
HTTP stack's own ceiling) measured with the same clients in the same run.

    .venv/bin/python -m bench.book [--clients 32] [--bookings 3000]

Each booking is a distinct proposed appointment for a distinct patient (set up before timing). The load
comes from a minimal keep-alive HTTP/1.1 client (bench.common.RawHttp) so that on a small machine the
figure measures the server, not the client library."""
from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx

from bench.common import RawHttp, drop_pg, pct, scheduler, synthetic_database


async def _drive(base: str, clients: int, jobs: list, make_request) -> tuple[float, list[float], dict]:
    """`clients` keep-alive connections working through `jobs` together; -> (req/s, latencies ms, statuses)."""
    queue = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)
    lat, codes = [], {}

    async def worker():
        async with RawHttp(base) as c:
            while not queue.empty():
                job = queue.get_nowait()
                t = time.perf_counter()
                status, _ = await make_request(c, job)
                lat.append((time.perf_counter() - t) * 1000)
                codes[status] = codes.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return len(jobs) / (time.perf_counter() - started), lat, codes


async def _setup(base: str, bookings: int):
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        proposals = []
        p = 0
        while len(proposals) < bookings:
            r = await c.get("/Appointment/$find", params={"practitioner": f"Practitioner/sp{p}", "_count": 100})
            proposals += [e["resource"]["id"] for e in r.json().get("entry", []) if e["search"]["mode"] == "match"]
            p += 1
        sem = asyncio.Semaphore(16)

        async def patient(i):
            async with sem:
                r = await c.post("/Patient", json={"resourceType": "Patient", "identifier": [
                    {"system": "urn:bench", "value": f"b{i}"}], "name": [{"family": f"Bench{i}", "given": ["B"]}]})
                return r.json()["id"]

        patients = await asyncio.gather(*(patient(i) for i in range(bookings)))
    return proposals[:bookings], patients


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="bench.book")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--bookings", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2, help="scheduler worker processes")
    # run by bench/__main__ (no argv): defaults; run as `python -m bench.x`: the command line
    args = ap.parse_args(argv if argv is not None or __name__ == "__main__" else [])
    url = synthetic_database("postgresql", 100, 30, fresh=True)
    try:
        with scheduler(url, "--horizon-days", "40", "--workers", str(args.workers)) as base:
            proposals, patients = asyncio.run(_setup(base, args.bookings))
            def body(a, p):
                return json.dumps({"resourceType": "Parameters", "parameter": [
                    {"name": "appt-id", "valueString": f"Appointment/{a}"},
                    {"name": "patient-id", "valueString": f"Patient/{p}"}]}).encode()

            meta_rate, meta_lat, _ = asyncio.run(_drive(base, args.clients, list(range(args.bookings)),
                                                        lambda c, j: c.request("GET", "/metadata")))
            book_rate, book_lat, codes = asyncio.run(_drive(
                base, args.clients, list(zip(proposals, patients)),
                lambda c, j: c.request("POST", "/Appointment/$book", body(*j))))
    finally:
        drop_pg(url)
    print(f"$book throughput on PostgreSQL, {args.clients} concurrent clients, {args.bookings} bookings, "
          f"{args.workers} scheduler worker process(es)")
    print(f"  GET /metadata  {meta_rate:7.0f} req/s  p50 {pct(meta_lat, 50):6.1f} ms  p95 {pct(meta_lat, 95):6.1f} ms")
    print(f"  $book          {book_rate:7.0f} req/s  p50 {pct(book_lat, 50):6.1f} ms  p95 {pct(book_lat, 95):6.1f} ms"
          f"  ({book_rate / meta_rate:.2f}x of the metadata baseline; statuses {codes})")


if __name__ == "__main__":
    main()
