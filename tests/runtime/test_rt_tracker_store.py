"""bot/tracker_store.py: the cached SQL tracker store must behave exactly like Rasa's SQL store
(same tracker read back, same rows written), on SQLite and PostgreSQL, including when another
server writes to the same conversation, a turn fails before saving, or a new session starts."""
from __future__ import annotations

import asyncio
import time
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.tracker_store import CachedSQLTrackerStore
from tests.support.postgres import temp_database

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, inform]
slots:
  dob: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: hi}]
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_kwargs(request, tmp_path):
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    else:
        with temp_database("schedbot_tracker") as url:
            u = urlparse(url)
            yield {"dialect": "postgresql", "host": u.hostname, "port": u.port, "username": u.username,
                   "db": u.path.lstrip("/")}


def run(coro):
    return asyncio.run(coro)


def turn(text: str, slot: str | None = None):
    events = [UserUttered(text, {"name": "inform", "confidence": 1.0}, timestamp=time.time())]
    if slot:
        events.append(SlotSet("dob", slot, timestamp=time.time()))
    return events + [ActionExecuted("action_listen", timestamp=time.time())]


def first_turn():
    t = time.time()
    return [ActionExecuted("action_session_start", timestamp=t - 0.01), SessionStarted(timestamp=t),
            ActionExecuted("action_listen", timestamp=t)] + turn("hi")


async def converse(store, sender: str, turns: list[list]) -> None:
    for events in turns:
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        for e in events:
            tracker.update(e)
        await store.save(tracker)


def rows(kwargs, sender):
    plain = SQLTrackerStore(DOMAIN, **kwargs)
    with plain.session_scope() as s:
        return [(r.type_name, r.intent_name, r.action_name, r.timestamp, r.data)
                for r in s.query(plain.SQLEvent).filter_by(sender_id=sender).order_by(plain.SQLEvent.id)]


async def read_plain(kwargs, sender):
    return await SQLTrackerStore(DOMAIN, **kwargs).retrieve(sender)


def test_same_rows_and_same_tracker_as_rasas_store(store_kwargs):
    turns = [first_turn(), turn("a", "1985-03-14"), turn("b"), turn("c", "1990-01-01"), turn("d")]
    cached, plain = CachedSQLTrackerStore(DOMAIN, **store_kwargs), SQLTrackerStore(DOMAIN, **store_kwargs)
    run(converse(cached, "cached", turns))
    run(converse(plain, "plain", turns))
    assert rows(store_kwargs, "cached") == rows(store_kwargs, "plain")  # type, intent, action, time, data
    assert len(rows(store_kwargs, "cached")) == sum(len(t) for t in turns)  # nothing written twice
    assert "cached" in cached._saved  # the next turn will not re-read
    hit = run(cached.retrieve("cached"))
    fresh = run(read_plain(store_kwargs, "cached"))
    assert list(hit.events) == list(fresh.events) and hit.get_slot("dob") == "1990-01-01"
    assert "cached" not in cached._saved  # handed out once


@pytest.fixture()
def rasas_saves(monkeypatch):
    """The conversations Rasa's own save (SQLTrackerStore.save) was called for, in order."""
    calls = []
    original = SQLTrackerStore.save

    async def counted(self, tracker):
        calls.append(tracker.sender_id)
        return await original(self, tracker)
    monkeypatch.setattr(SQLTrackerStore, "save", counted)
    return calls


def test_a_cached_conversation_is_saved_without_rasas_save(store_kwargs, rasas_saves):
    """Once a conversation is cached, its saves no longer go through Rasa's own save: the new events
    are appended as one INSERT (the same rows: the test above)."""
    store = CachedSQLTrackerStore(DOMAIN, **store_kwargs)
    run(converse(store, "fast", [first_turn(), turn("a")]))
    before = len(rasas_saves)
    run(converse(store, "fast", [turn("b", "1985-03-14"), turn("c"), turn("d")]))
    assert len(rasas_saves) == before
    assert len(rows(store_kwargs, "fast")) == len(first_turn()) + 3 * len(turn("x")) + len(turn("x", "slot"))
    tracker = run(read_plain(store_kwargs, "fast"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hi", "a", "b", "c", "d"]


def test_a_conversation_read_by_rasa_is_saved_without_rasas_save(store_kwargs, rasas_saves):
    """After a restart (nothing in memory), Rasa's read tells how many events are stored: the save
    appends the rest, as Rasa's would."""
    run(converse(CachedSQLTrackerStore(DOMAIN, **store_kwargs), "restarted", [first_turn(), turn("a")]))
    before = len(rasas_saves)
    run(converse(CachedSQLTrackerStore(DOMAIN, **store_kwargs), "restarted", [turn("b", "1985-03-14")]))
    assert len(rasas_saves) == before
    tracker = run(read_plain(store_kwargs, "restarted"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hi", "a", "b"]
    assert tracker.get_slot("dob") == "1985-03-14"
    assert len(rows(store_kwargs, "restarted")) == len(first_turn()) + len(turn("x")) + len(turn("x", "slot"))


def test_another_server_writing_in_between_is_seen(store_kwargs):
    one, two = CachedSQLTrackerStore(DOMAIN, **store_kwargs), CachedSQLTrackerStore(DOMAIN, **store_kwargs)
    run(converse(one, "c1", [first_turn(), turn("a")]))
    run(converse(two, "c1", [turn("from the other server", "2000-02-02")]))
    run(converse(one, "c1", [turn("back on the first")]))
    tracker = run(read_plain(store_kwargs, "c1"))
    assert tracker.get_slot("dob") == "2000-02-02"
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == ["hi", "a", "from the other server", "back on the first"]
    assert len(rows(store_kwargs, "c1")) == len(first_turn()) + 2 * len(turn("x")) + len(turn("x", "slot"))


def test_a_turn_that_failed_before_saving_leaves_no_trace(store_kwargs):
    store = CachedSQLTrackerStore(DOMAIN, **store_kwargs)
    run(converse(store, "c2", [first_turn(), turn("a")]))

    async def failed_turn():
        tracker = await store.retrieve("c2")
        tracker.update(SlotSet("dob", "never saved"))  # then the turn dies: no save
    run(failed_turn())
    tracker = run(store.retrieve("c2"))
    assert tracker.get_slot("dob") is None
    assert list(tracker.events) == list(run(read_plain(store_kwargs, "c2")).events)


def test_a_new_session_is_stored_once(store_kwargs):
    store = CachedSQLTrackerStore(DOMAIN, **store_kwargs)
    run(converse(store, "c3", [first_turn(), turn("a", "1985-03-14"), first_turn(), turn("b"), turn("c")]))
    assert len(rows(store_kwargs, "c3")) == 2 * len(first_turn()) + 2 * len(turn("x")) + len(turn("x", "slot"))
    tracker = run(store.retrieve("c3"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hi", "b", "c"]


def test_sqlite_uses_the_write_ahead_log(tmp_path):
    store = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_sqlite_connections_are_kept_open(tmp_path):
    """SQLAlchemy 1.4 would open a new SQLite connection per session (4-6 per turn)."""
    store = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    opened = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    run(converse(store, "pooled", [first_turn(), turn("a"), turn("b", "1985-03-14"), turn("c")]))
    assert len(opened) <= 1
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL on pooled connections too


def test_what_is_kept_in_memory_is_bounded(store_kwargs):
    store = CachedSQLTrackerStore(DOMAIN, cached_conversations=2, **store_kwargs)
    for i in range(5):
        run(converse(store, f"many-{i}", [first_turn(), turn("a"), turn("b")]))
    run(store.retrieve("many-0"))  # read (as the HTTP API does) and never saved
    assert len(store._saved) <= 2 and len(store._handed_out) <= 2
    tracker = run(store.retrieve("many-4"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hi", "a", "b"]
