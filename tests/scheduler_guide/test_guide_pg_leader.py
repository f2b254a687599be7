"""Two scheduler processes on one PostgreSQL database: exactly one holds the deliverer's advisory
lock, and every notification arrives once, in commit order, whichever process took the booking."""
from __future__ import annotations

import time

import httpx
import psycopg2

from scheduler.subscriptions.deliverer import LOCK_KEY
from tests.scheduler_guide.guide_helpers import GUIDE_ENV, book, create_patient, find, subscribe
from tests.scheduler_guide.guide_receiver import Receiver
from tests.support.net import free_port
from tests.support.postgres import temp_database
from tests.support.servers import run_scheduler


def _lock_holders(url: str) -> int:
    conn = psycopg2.connect(url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                    (LOCK_KEY & 0xFFFFFFFF,))
        return cur.fetchone()[0]
    finally:
        conn.close()


def test_two_processes_one_deliverer():
    rcv = Receiver(free_port()).start()
    try:
        with temp_database("schedbot_guide") as url:
            with run_scheduler(database=url, env=GUIDE_ENV) as a, run_scheduler(database=url, env=GUIDE_ENV) as b, \
                    httpx.Client(base_url=a, timeout=60) as ca, httpx.Client(base_url=b, timeout=60) as cb:
                deadline = time.monotonic() + 60
                while _lock_holders(url) != 1 and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert _lock_holders(url) == 1
                subscribe(ca, rcv.url, "Schedule?actor=Practitioner/arg-s-1")
                pid = create_patient(ca, "Twoprocs", "Hal", "1959-05-05")
                first = find(ca, "arg-s-1", start="2026-12-01")[0]
                assert book(ca, first["id"], pid).status_code in (200, 201)
                second = find(cb, "arg-s-1", start="2026-12-02")[0]
                assert book(cb, second["id"], pid).status_code in (200, 201)
                got = rcv.wait_for(lambda r: len(r.notifications("Practitioner/arg-s-1")) >= 2
                                   and r.notifications("Practitioner/arg-s-1"))
                starts = [n["body"]["planningHorizon"]["start"] for n in got]
                assert len(starts) == 2 and starts[0][:16] == first["start"][:16] and starts[1][:16] == second["start"][:16]
                assert _lock_holders(url) == 1
    finally:
        rcv.stop()
