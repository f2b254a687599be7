"""bot/endpoints.yml (embedded: SQLite tracker store) and bot/endpoints.production.yml (PostgreSQL
tracker store + Redis lock store) load as Rasa reads them, against the real local servers."""
import uuid
from pathlib import Path

import pytest

from bot.tracker_store import CachedSQLTrackerStore
from tests.support.postgres import temp_database

ROOT = Path(__file__).resolve().parents[2]


def test_rt_endpoints_need_their_environment(monkeypatch, tmp_path):
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain
    from rasa.shared.exceptions import RasaException

    monkeypatch.delenv("SCHEDBOT_ACTIONS_URL", raising=False)
    monkeypatch.delenv("SCHEDBOT_TRACKER_DB", raising=False)
    with pytest.raises(RasaException, match="SCHEDBOT_ACTIONS_URL"):
        read_endpoints_from_path(str(ROOT / "bot" / "endpoints.yml"))

    monkeypatch.setenv("SCHEDBOT_ACTIONS_URL", "http://127.0.0.1:5999/webhook")
    monkeypatch.setenv("SCHEDBOT_TRACKER_DB", str(tmp_path / "tracker.db"))
    endpoints = read_endpoints_from_path(str(ROOT / "bot" / "endpoints.yml"))
    assert endpoints.action.url == "http://127.0.0.1:5999/webhook"
    assert endpoints.lock_store is None  # in-memory locks: one Rasa process
    store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
    # (Rasa falls back to an in-memory store, with only a warning, when the class can't be loaded)
    assert isinstance(store, CachedSQLTrackerStore)
    assert store.engine.url.database == str(tmp_path / "tracker.db")
    store.engine.dispose()


async def test_rt_production_endpoints_on_postgres_and_redis(monkeypatch):
    from rasa.core.lock_store import LockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    with temp_database("schedbot_rt_tracker") as url:
        monkeypatch.setenv("SCHEDBOT_ACTIONS_URL", "http://127.0.0.1:5999/webhook")
        monkeypatch.setenv("SCHEDBOT_TRACKER_HOST", "127.0.0.1:5432")
        monkeypatch.setenv("SCHEDBOT_TRACKER_DBNAME", url.rsplit("/", 1)[1])
        monkeypatch.setenv("SCHEDBOT_TRACKER_USER", "postgres")
        monkeypatch.setenv("SCHEDBOT_TRACKER_PASSWORD", "unused-trust-auth")
        monkeypatch.setenv("SCHEDBOT_REDIS_HOST", "127.0.0.1")
        endpoints = read_endpoints_from_path(str(ROOT / "bot" / "endpoints.production.yml"))
        domain = Domain.empty()
        store = TrackerStore.create(endpoints.tracker_store, domain)
        try:
            assert isinstance(store, CachedSQLTrackerStore) and store.engine.dialect.name == "postgresql"
            sender = f"rt-prod-{uuid.uuid4().hex}"
            tracker = DialogueStateTracker(sender, domain.slots)
            tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
            again = await store.retrieve(sender)
            assert [e.as_dict()["event"] for e in again.events][-2:] == ["user", "action"]
        finally:
            store.engine.dispose()

        locks = LockStore.create(endpoints.lock_store)
        from channels.lockstore import AtomicRedisLockStore

        assert isinstance(locks, AtomicRedisLockStore)
        async with locks.lock(sender):
            assert locks.get_lock(sender) is not None
        locks.red.close()
