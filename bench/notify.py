"""From a $book to the Schedule notification's arrival at a local rest-hook receiver, with 100
subscribers on one practitioner: p50/p95 per notification and until all 100 arrived, next to the
$book round trip itself (the baseline: the commit happens inside it). SQLite and PostgreSQL.
`python -m bench.notify`"""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from bench.common import drop_pg, free_port, pct, scheduler, _pg_admin

SUBSCRIBERS = 100
BOOKINGS = 25
FHIR_JSON = {"Content-Type": "application/fhir+json"}


class Sink:
    def __init__(self):
        self.arrivals: dict[str, list[float]] = {}
        self.cond = threading.Condition()
        sink = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                t = time.perf_counter()
                if body:
                    start = json.loads(body)["planningHorizon"]["start"]
                    with sink.cond:
                        sink.arrivals.setdefault(start, []).append(t)
                        sink.cond.notify_all()
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), H)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, key: str, n: int, timeout: float = 60) -> list[float]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.arrivals.get(key, [])) < n:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"only {len(self.arrivals.get(key, []))} of {n} notifications arrived")
                self.cond.wait(0.5)
            return list(self.arrivals[key])


def run(label: str, base: str, sink: Sink) -> None:
    with httpx.Client(base_url=base, timeout=60) as c:
        for i in range(SUBSCRIBERS):
            r = c.post("/Subscription", headers=FHIR_JSON, json={
                "resourceType": "Subscription", "status": "requested", "criteria": "Schedule?actor=Practitioner/arg-s-1",
                "channel": {"type": "rest-hook", "endpoint": f"http://127.0.0.1:{sink.port}/n/{i}",
                            "payload": "application/fhir+json"}})
            assert r.status_code == 201, r.text
        pid = c.post("/Patient", headers=FHIR_JSON, json={"resourceType": "Patient", "birthDate": "1970-01-01",
                                                          "name": [{"family": "Benchmark", "given": ["Notify"]}]}).json()["id"]
        found = c.get("/Appointment/$find", params={"practitioner": "Practitioner/arg-s-1", "_count": BOOKINGS,
                                                    "visit-type": "office-visit"}).json()
        appts = [e["resource"] for e in found["entry"] if e["resource"]["resourceType"] == "Appointment"]
        each, last, book_ms = [], [], []
        for a in appts:
            t0 = time.perf_counter()
            r = c.post(f"/Appointment/{a['id']}/$book", headers=FHIR_JSON,
                       json={"resourceType": "Parameters", "parameter": [{"name": "patient-id", "valueId": pid}]})
            t1 = time.perf_counter()
            assert r.status_code in (200, 201), r.text
            book_ms.append((t1 - t0) * 1000)
            booked = r.json()["entry"][0]["resource"]
            key = booked["start"]
            arrivals = sink.wait(key, SUBSCRIBERS)
            each += [(t - t0) * 1000 for t in arrivals]
            last.append((max(arrivals) - t0) * 1000)
    print(f"{label}: {len(appts)} bookings x {SUBSCRIBERS} subscribers | $book round trip p50 {pct(book_ms, 50):.1f} ms "
          f"p95 {pct(book_ms, 95):.1f} ms | notification arrival (from $book sent) p50 {pct(each, 50):.1f} ms "
          f"p95 {pct(each, 95):.1f} ms | all {SUBSCRIBERS} arrived p50 {pct(last, 50):.1f} ms p95 {pct(last, 95):.1f} ms "
          f"| ratio p50 notification / $book {pct(each, 50) / max(pct(book_ms, 50), 1e-6):.1f}x", flush=True)


def main() -> None:
    os.environ["SCHEDBOT_HEARTBEAT_SECONDS"] = "3600"
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory(prefix="schedbot-bench-notify-") as tmp:
            with scheduler(f"sqlite:///{tmp}/demo.db", "--seed", "demo") as base:
                run("sqlite", base, sink)
        sink.arrivals.clear()
        name = f"schedbot_bench_notify_{os.getpid()}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        try:
            with scheduler(url, "--seed", "demo") as base:
                run("postgres", base, sink)
        finally:
            drop_pg(url)
    finally:
        sink.server.shutdown()


if __name__ == "__main__":
    main()
