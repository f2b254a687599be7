"""Rasa's SQL tracker store (SQLite or PostgreSQL), keeping recent conversations in memory.

Rasa's SQLTrackerStore reads back and re-parses every event of a conversation on every message,
so a turn costs more the longer the conversation is (18% of Rasa's CPU in a booking conversation,
py-spy, bench/turns.py). This store keeps the tracker it has just saved; the next message of that
conversation takes it instead of re-reading, but only if the database still ends with the event
this process wrote last (one indexed query). Another Rasa server that wrote in between, a
restart, or a turn that failed before saving all fall back to Rasa's own read, so with several
servers (PostgreSQL + a Redis lock store) every server still sees every event.

On SQLite it also uses the write-ahead log with synchronous=NORMAL (as the scheduler does): a turn's
commit appends to the log instead of syncing the file twice (13% of Rasa's CPU time went to
commits). A crash of the process loses nothing; a power cut may lose the last turns.

    tracker_store:
      type: bot.tracker_store.CachedSQLTrackerStore
      dialect: sqlite            # every option of Rasa's `type: SQL` store
      db: /path/tracker.db
      cached_conversations: 1000 # optional; least recently used are dropped first
"""
from __future__ import annotations

import collections
import logging
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cached_conversations: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        self.capacity = int(cached_conversations)
        # sender id -> (tracker as saved, its number of events, id of the last stored event)
        self._saved: "collections.OrderedDict[Text, tuple]" = collections.OrderedDict()

    def _last_event_id(self, sender_id: Text) -> Optional[int]:
        with self.session_scope() as session:
            return session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        # Handed out once: the caller changes the tracker, and only a save puts it back.
        entry = self._saved.pop(sender_id, None)
        if entry is not None:
            tracker, length, last_id = entry
            if len(tracker.events) == length and self._last_event_id(sender_id) == last_id:
                return tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._saved.pop(tracker.sender_id, None)
        await super().save(tracker)
        if self._reads_back_the_same(tracker):
            self._saved[tracker.sender_id] = (tracker, len(tracker.events), self._last_event_id(tracker.sender_id))
            while len(self._saved) > self.capacity:
                self._saved.popitem(last=False)

    @staticmethod
    def _reads_back_the_same(tracker: DialogueStateTracker) -> bool:
        """Rasa reads back the events stamped at or after the latest SessionStarted (its SQL, done
        here in memory). A tracker holding anything older would differ from what `retrieve` returns
        and from what `save` counts as already stored, so it is not kept."""
        events = list(tracker.events)
        starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
        return not starts or all(e.timestamp >= max(starts) for e in events)
