"""The background deliverer: journal -> outbox -> rest-hook POSTs (see the package docstring).

Order and durability: journal rows are read in id order; on PostgreSQL a gap in the ids (a
transaction that took an id but has not committed yet) is waited for up to `gap_wait` seconds
before it is taken for a rollback, so a later commit never overtakes an earlier one. The outbox
rows and the cursor move in one transaction. Each subscriber gets its oldest undelivered
notification first and the next only after that one succeeded (at-least-once, in commit order).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from anyio import to_thread
from sqlalchemy import String, event, func, literal, literal_column, select, text

from scheduler.operations.prefetch import prefetch_open
from scheduler.storage.schema import schedule, slot_change
from scheduler.storage.store import took_journaled
from scheduler.subscriptions.resource import SCHED_NOTIF_PROFILE
from scheduler.subscriptions.tables import prefetch_closed, sub_cursor, sub_outbox, subscription

log = logging.getLogger("scheduler.subscriptions")
LOCK_KEY = 0x5C4EDB07  # pg advisory lock: one deliverer per database
CURSOR = "slot_change"


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


@dataclass
class DelivererSettings:
    heartbeat: float = 60.0        # SCHEDBOT_HEARTBEAT_SECONDS: heartbeat (no body) after this long without a POST
    max_failures: int = 10         # SCHEDBOT_NOTIFY_MAX_FAILURES: consecutive failures before status=error
    backoff_base: float = 0.5      # first retry after this, doubling ...
    backoff_cap: float = 30.0      # SCHEDBOT_NOTIFY_BACKOFF_CAP: ... up to this
    poll: float = 0.25             # journal poll when nothing wakes us (commits in this process do) ...
    idle_poll: float = 2.0         # ... and when no subscription is active (one made here wakes us at once)
    settle: float = 0.02           # after a commit wakes us, before we look (see _run)
    timeout: float = 10.0          # per POST
    gap_wait: float = 5.0          # PostgreSQL only, see the module docstring
    concurrency: int = 100

    @classmethod
    def from_env(cls) -> "DelivererSettings":
        return cls(heartbeat=_env_float("SCHEDBOT_HEARTBEAT_SECONDS", 60.0),
                   max_failures=int(_env_float("SCHEDBOT_NOTIFY_MAX_FAILURES", 10)),
                   backoff_cap=_env_float("SCHEDBOT_NOTIFY_BACKOFF_CAP", 30.0))


def _quiet_commit(conn) -> None:
    conn.info["sub_quiet"] = True
    try:
        conn.commit()
    finally:
        conn.info.pop("sub_quiet", None)


def _actor_refs(sched_json: dict) -> set[str]:
    return {a.get("reference") for a in sched_json.get("actor") or () if isinstance(a, dict) and a.get("reference")}


class Deliverer:
    def __init__(self, ctx, settings: DelivererSettings | None = None):
        self.ctx = ctx
        self.store = ctx.store
        self.cfg = settings or DelivererSettings.from_env()
        self._task: asyncio.Task | None = None
        self._event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock_conn = None
        self._lock_checked = 0.0
        self._gaps: dict[int, float] = {}
        self._client: httpx.AsyncClient | None = None
        self._inflight: set[str] = set()      # subscriptions with a POST under way (or not yet recorded)
        self._done: list = []                 # finished POSTs waiting to be recorded
        self._done_since = 0.0
        self._posts: set[asyncio.Task] = set()
        self._sem: asyncio.Semaphore | None = None
        self.leader = False
        self._subscribed = True  # any active subscription (until _due has looked)
        self._stopping = False

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._sem = asyncio.Semaphore(self.cfg.concurrency)
        self._client = httpx.AsyncClient(timeout=self.cfg.timeout, limits=httpx.Limits(
            max_connections=self.cfg.concurrency, max_keepalive_connections=self.cfg.concurrency))
        event.listen(self.store.engine, "commit", self._on_commit)
        event.listen(self.store.engine, "rollback", self._on_rollback)
        event.listen(self.store.engine.pool, "checkin", self._on_checkin)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per POST is our own log
        await to_thread.run_sync(self._upgrade_schema)
        self._task = asyncio.create_task(self._run(), name="subscription-deliverer")

    def _upgrade_schema(self) -> None:
        """Databases created before a column was added get it (create_all only makes missing tables)."""
        from sqlalchemy import inspect
        try:
            cols = {c["name"] for c in inspect(self.store.engine).get_columns("subscription")}
            if cols and "heartbeat" not in cols:
                with self.store.write() as conn:
                    conn.execute(text("ALTER TABLE subscription ADD COLUMN heartbeat FLOAT"))
        except Exception:
            log.exception("subscription_schema_upgrade_failed")

    async def stop(self) -> None:
        event.remove(self.store.engine, "commit", self._on_commit)
        event.remove(self.store.engine, "rollback", self._on_rollback)
        event.remove(self.store.engine.pool, "checkin", self._on_checkin)
        self._stopping = True  # the loop also ends by itself (a cancellation can be lost in wait_for)
        self.wake()
        for t in list(self._posts):
            t.cancel()
        if self._task:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=10)
        if self._client:
            await self._client.aclose()
        if self._lock_conn is not None:
            try:
                self._lock_conn.close()
            except Exception:
                pass
            self._lock_conn = None

    def _on_commit(self, conn) -> None:
        # only a transaction that wrote the journal has news for us (subscription routes wake us themselves)
        if took_journaled(conn) and not conn.info.get("sub_quiet"):
            conn.info["sub_wake"] = True  # wake once the connection is back in the pool: the commit is done

    def _on_rollback(self, conn) -> None:
        took_journaled(conn)

    def _on_checkin(self, _dbapi_conn, record) -> None:
        if record is not None and record.info.pop("sub_wake", False):
            self.wake()

    def wake(self) -> None:
        loop, ev = self._loop, self._event
        if loop is not None and ev is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(ev.set)
            except RuntimeError:
                pass

    async def _run(self) -> None:
        while not self._stopping:
            busy = False
            self._event.clear()  # wakes from here on are seen by the wait below
            try:
                if self._lead() if self.store.is_sqlite else await to_thread.run_sync(self._lead):
                    busy = await to_thread.run_sync(self._fanout)
                    busy = await self._deliver() or busy
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("deliverer_error")
                await asyncio.sleep(1.0)
            if not busy:
                try:
                    await asyncio.wait_for(self._event.wait(), self._wait())
                except asyncio.TimeoutError:
                    pass
                else:
                    # Woken by a commit whose request is still answering on this loop: our work runs in
                    # threads that hold the GIL (switched every 5 ms), so it would delay that answer.
                    await asyncio.sleep(self.cfg.settle)

    def _wait(self) -> float:
        if not self.leader:
            return 2.0
        if self._done:
            return 0.05
        return self.cfg.poll if self._subscribed else self.cfg.idle_poll

    # --- leadership (PostgreSQL advisory lock) -----------------------------------------------------
    def _lead(self) -> bool:
        if self.store.is_sqlite:
            self.leader = True
            return True
        now = time.monotonic()
        if self._lock_conn is not None and now - self._lock_checked < 2.0:
            return True
        try:
            if self._lock_conn is not None:
                self._lock_conn.execute(text("SELECT 1"))
                _quiet_commit(self._lock_conn)
            else:
                conn = self.store.engine.connect()
                got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
                _quiet_commit(conn)
                if got:
                    self._lock_conn = conn
                    log.info("deliverer_leader pid=%s", os.getpid())
                else:
                    conn.close()
        except Exception:
            log.warning("deliverer_lock_lost")
            try:
                if self._lock_conn is not None:
                    self._lock_conn.invalidate()
            except Exception:
                pass
            self._lock_conn = None
        self._lock_checked = now
        self.leader = self._lock_conn is not None
        return self.leader

    # --- journal -> outbox -------------------------------------------------------------------------
    def _cursor(self, conn) -> int:
        row = conn.execute(select(sub_cursor.c.last_id).where(sub_cursor.c.name == CURSOR)).first()
        if row is not None:
            return int(row[0])
        start = conn.execute(select(func.coalesce(func.max(slot_change.c.id), 0))).scalar() or 0
        conn.execute(sub_cursor.insert().values(name=CURSOR, last_id=int(start)))
        return int(start)

    def _skip_journal(self) -> bool:
        """No subscription, no one to notify: the cursor jumps to the journal's end (two statements,
        not the changes read). False, and nothing done, when there is a subscription after all."""
        with self.store.write() as conn:
            if conn.execute(select(subscription.c.id).where(subscription.c.status.in_(["active", "error"]))
                            .limit(1)).first() is not None:
                return False
            top = conn.execute(select(func.max(slot_change.c.id))).scalar()
            if top is not None:
                conn.execute(sub_cursor.update().where(sub_cursor.c.name == CURSOR, sub_cursor.c.last_id < top)
                             .values(last_id=int(top)))
            return True

    def _fanout(self) -> bool:
        if not self._subscribed and self._skip_journal():
            return False
        with self.store.read() as conn:
            row = conn.execute(select(sub_cursor.c.last_id).where(sub_cursor.c.name == CURSOR)).first()
        if row is None:
            with self.store.write() as conn:
                self._cursor(conn)
            return True
        cursor = int(row[0])
        with self.store.read() as conn:
            # the writing transaction: PostgreSQL's xmin; SQLite has none (commit second only)
            tx = literal_column("slot_change.xmin::text", String) if not self.store.is_sqlite else literal(None)
            rows = list(conn.execute(select(slot_change, tx.label("tx")).where(slot_change.c.id > cursor)
                                     .order_by(slot_change.c.id).limit(5000)).mappings())
        if not rows:
            return False
        take, expected, now = [], cursor + 1, time.monotonic()
        for r in rows:
            if r["id"] != expected and not self.store.is_sqlite:
                first = self._gaps.setdefault(expected, now)
                if now - first < self.cfg.gap_wait:
                    break
                self._gaps.pop(expected, None)
            take.append(r)
            expected = r["id"] + 1
        if not take:
            return False
        for k in [k for k in self._gaps if k <= take[-1]["id"]]:
            del self._gaps[k]
        # change sets: contiguous runs of one schedule, one commit second and (PostgreSQL) one transaction
        groups: list[dict] = []
        for r in take:
            g = groups[-1] if groups else None
            if g and g["schedule_id"] == r["schedule_id"] and g["changed_at"] == r["changed_at"] \
                    and g["tx"] == r["tx"]:
                g["start"], g["end"] = min(g["start"], r["start"]), max(g["end"], r["end"])
                g["last_id"] = r["id"]
            else:
                groups.append({"schedule_id": r["schedule_id"], "changed_at": r["changed_at"], "tx": r["tx"],
                               "start": r["start"], "end": r["end"], "last_id": r["id"]})
        with self.store.write() as conn:
            subs = list(conn.execute(select(subscription.c.id, subscription.c.actor)
                                     .where(subscription.c.status.in_(["active", "error"]))).mappings())
            out = []
            if subs:
                ids = list({g["schedule_id"] for g in groups})
                scheds = {r["id"]: json.loads(r["json"]) for r in conn.execute(
                    select(schedule.c.id, schedule.c.json).where(schedule.c.id.in_(ids))).mappings()}
                closed = dict(conn.execute(select(prefetch_closed.c.schedule_id, prefetch_closed.c.journal_id)
                                           .where(prefetch_closed.c.schedule_id.in_(ids))).all())
                t = time.time()
                for g in groups:
                    sj = scheds.get(g["schedule_id"])
                    if sj is None:
                        continue
                    # closed to prefetching: changes up to (and including) the closing one still notify
                    if not prefetch_open(sj) and g["last_id"] > closed.get(g["schedule_id"], -1):
                        continue
                    refs = _actor_refs(sj)
                    payload = None
                    for s in subs:
                        if s["actor"] is None or s["actor"] in refs:
                            payload = payload or json.dumps(self._notification(sj, g), separators=(",", ":"))
                            out.append({"subscription_id": s["id"], "payload": payload, "created": t})
            if out:
                conn.execute(sub_outbox.insert(), out)
            res = conn.execute(sub_cursor.update().where(sub_cursor.c.name == CURSOR, sub_cursor.c.last_id == cursor)
                               .values(last_id=take[-1]["id"]))
            if res.rowcount != 1:
                raise RuntimeError("journal cursor moved under us (two deliverers?)")
        if out:
            log.info("fanout changes=%d notifications=%d", len(groups), len(out))
        return True

    def _notification(self, sj: dict, g: dict) -> dict:
        zone = self.ctx.zone
        res = {k: v for k, v in sj.items() if k not in ("text", "meta", "planningHorizon")}
        res["meta"] = {"profile": [SCHED_NOTIF_PROFILE]}
        res["planningHorizon"] = {"start": datetime.fromtimestamp(g["start"], zone).isoformat(),
                                  "end": datetime.fromtimestamp(g["end"], zone).isoformat()}
        return res

    # --- outbox -> subscribers ---------------------------------------------------------------------
    def _due(self, busy: frozenset = frozenset()) -> list[tuple[dict, dict | None]]:
        t = time.time()
        with self.store.read() as conn:
            active = list(conn.execute(select(subscription).where(subscription.c.status == "active")).mappings())
            self._subscribed = bool(active)
            subs = {r["id"]: dict(r) for r in active if r["next_try"] <= t and r["id"] not in busy}
            if not subs:
                return []
            heads = dict(conn.execute(select(sub_outbox.c.subscription_id, func.min(sub_outbox.c.id))
                                      .where(sub_outbox.c.subscription_id.in_(list(subs)))
                                      .group_by(sub_outbox.c.subscription_id)).all())
            items = {r["id"]: dict(r) for r in conn.execute(
                select(sub_outbox).where(sub_outbox.c.id.in_(list(heads.values())))).mappings()} if heads else {}
        work = []
        for sid, s in subs.items():
            if sid in heads:
                work.append((s, items.get(heads[sid])))
            elif (s["heartbeat"] or self.cfg.heartbeat) > 0 and \
                    t - (s["last_sent"] or 0) >= (s["heartbeat"] or self.cfg.heartbeat):
                work.append((s, None))
        return work

    async def _post(self, sub: dict, item: dict | None, sem: asyncio.Semaphore):
        headers = {}
        for h in json.loads(sub["headers"] or "[]"):
            k, _, v = h.partition(":")
            headers[k.strip()] = v.strip()
        body = b""
        if item is not None:
            body = item["payload"].encode()
            headers["Content-Type"] = "application/fhir+json"
        async with sem:
            try:
                r = await self._client.post(sub["endpoint"], content=body, headers=headers)
                if 200 <= r.status_code < 300:
                    return sub, item, None
                return sub, item, f"endpoint answered HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                return sub, item, f"delivery failed: {type(exc).__name__}"

    async def _deliver(self) -> bool:
        """Record finished POSTs (one transaction), then start the next ones. Each subscriber has at
        most one POST under way, so a slow endpoint delays only its own notifications."""
        progressed = False
        # batch the records: wait (up to 50 ms) for the POSTs started together to finish together
        if self._done and (len(self._done) >= len(self._inflight)
                           or time.monotonic() - self._done_since > 0.05):
            done, self._done = self._done, []
            try:
                await to_thread.run_sync(self._record, done)
            finally:
                for sub, _, _ in done:
                    self._inflight.discard(sub["id"])
            progressed = any(err is None and item is not None for _, item, err in done)
        work = await to_thread.run_sync(self._due, frozenset(self._inflight))
        for sub, item in work:
            self._inflight.add(sub["id"])
            task = asyncio.create_task(self._post_one(sub, item))
            self._posts.add(task)
            task.add_done_callback(self._posts.discard)
        return progressed

    async def _post_one(self, sub: dict, item: dict | None) -> None:
        try:
            result = await self._post(sub, item, self._sem)
        except Exception as exc:  # never lose track of a subscriber
            result = (sub, item, f"delivery failed: {type(exc).__name__}")
        if not self._done:
            self._done_since = time.monotonic()
        self._done.append(result)
        if len(self._done) >= len(self._inflight):
            self._event.set()

    def _record(self, results) -> None:
        t = time.time()
        ok_items = [item["id"] for _, item, err in results if err is None and item is not None]
        ok_subs = [sub["id"] for sub, _, err in results if err is None]
        with self.store.write() as conn:
            if ok_items:
                conn.execute(sub_outbox.delete().where(sub_outbox.c.id.in_(ok_items)))
            if ok_subs:
                conn.execute(subscription.update().where(subscription.c.id.in_(ok_subs))
                             .values(fail_count=0, next_try=0.0, last_sent=t, error=None))
            for sub, item, err in results:
                if err is None:
                    continue
                n = (sub["fail_count"] or 0) + 1
                values = {"fail_count": n,
                          "next_try": t + min(self.cfg.backoff_cap, self.cfg.backoff_base * 2 ** (n - 1))}
                if n >= self.cfg.max_failures:
                    values.update(status="error", error=f"{err} ({n} attempts in a row)")
                    log.warning("subscription_error id=%s", sub["id"])
                conn.execute(subscription.update().where(subscription.c.id == sub["id"]).values(**values))
        for sub, item, err in results:
            log.info("notify sub=%s kind=%s ok=%s", sub["id"], "heartbeat" if item is None else "schedule", err is None)
