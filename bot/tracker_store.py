"""Rasa's SQL tracker store (SQLite or PostgreSQL), keeping recent conversations in memory.

Rasa's SQLTrackerStore reads back and re-parses every event of a conversation on every message,
so a turn costs more the longer the conversation is (18% of Rasa's CPU in a booking conversation,
py-spy, bench/turns.py). This store keeps the tracker it has just saved; the next message of that
conversation takes it instead of re-reading, but only if the database still ends with the event
this process wrote last (one indexed query). Another Rasa server that wrote in between, a
restart, or a turn that failed before saving all fall back to Rasa's own read, so with several
servers (PostgreSQL + a Redis lock store) every server still sees every event.

Saving a tracker it handed out (from memory or read by Rasa) appends the new events in one INSERT,
without Rasa's query that counts the stored events to find out which are new (a third of a save)
and without building an ORM object per event (half of it): the store knows how many events it
handed out, and checks first that the conversation still ends with the event it knew last; if not,
Rasa's own save runs.

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
import itertools
import json
import logging
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cached_conversations: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every session of a file database
            # (NullPool): 4-6 per turn, a quarter of a turn's tracker-store time. Keep them open.
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, poolclass=sa.pool.QueuePool,
                                           connect_args={"check_same_thread": False})
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        self.capacity = int(cached_conversations)
        # sender id -> (tracker as saved, its number of events, id of the last stored event)
        self._saved: "collections.OrderedDict[Text, tuple]" = collections.OrderedDict()
        # sender id -> the same, for a tracker object in use whose stored events are known
        self._handed_out: "collections.OrderedDict[Text, tuple]" = collections.OrderedDict()

    def _last_event_id(self, sender_id: Text, session=None) -> Optional[int]:
        if session is None:
            with self.session_scope() as session:
                return self._last_event_id(sender_id, session)
        return session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        # Handed out once: the caller changes the tracker, and only a save puts it back.
        entry = self._saved.pop(sender_id, None)
        if entry is not None:
            tracker, length, last_id = entry
            if len(tracker.events) == length and self._last_event_id(sender_id) == last_id:
                self._handed_out[sender_id] = entry
                return tracker
        # Rasa's read: its events are exactly the rows Rasa's save would count as stored. The last id is
        # taken first, so that a row written meanwhile makes the save fall back to Rasa's.
        last_id = self._last_event_id(sender_id)
        tracker = await super().retrieve(sender_id)
        if tracker is None:
            self._handed_out.pop(sender_id, None)
        else:
            self._handed_out[sender_id] = (tracker, len(tracker.events), last_id)
            while len(self._handed_out) > self.capacity:  # (read, e.g. by the HTTP API, and never saved)
                self._handed_out.popitem(last=False)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        self._saved.pop(sender_id, None)
        handed_out = self._handed_out.pop(sender_id, None)
        last_id = None
        if handed_out is not None and handed_out[0] is tracker and len(tracker.events) >= handed_out[1]:
            await self.stream_events(tracker)
            last_id = self._append(tracker, stored=handed_out[1], last_id=handed_out[2])
        if last_id is None:
            await super().save(tracker)
            last_id = self._last_event_id(sender_id)
        if self._reads_back_the_same(tracker):
            self._saved[sender_id] = (tracker, len(tracker.events), last_id)
            # (the caller may go on with this object: Rasa saves a new conversation, then its turn)
            self._handed_out[sender_id] = self._saved[sender_id]
            while len(self._saved) > self.capacity:
                dropped, _ = self._saved.popitem(last=False)
                self._handed_out.pop(dropped, None)

    def _append(self, tracker: DialogueStateTracker, stored: int, last_id: Optional[int]) -> Optional[int]:
        """Rasa's save of the events after the first `stored`, as one INSERT: the rows Rasa writes.
        Returns the id of the last event stored, or None (nothing written) when the conversation no
        longer ends with `last_id`, i.e. someone else wrote to it."""
        with self.session_scope() as session:
            if self._last_event_id(tracker.sender_id, session) != last_id:
                return None
            rows = []
            for event in itertools.islice(tracker.events, stored, None):
                data = event.as_dict()
                rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            last_id = self._last_event_id(tracker.sender_id, session)
            session.commit()
        return last_id

    @staticmethod
    def _reads_back_the_same(tracker: DialogueStateTracker) -> bool:
        """Rasa reads back the events stamped at or after the latest SessionStarted (its SQL, done
        here in memory). A tracker holding anything older would differ from what `retrieve` returns
        and from what `save` counts as already stored, so it is not kept."""
        events = list(tracker.events)
        starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
        return not starts or all(e.timestamp >= max(starts) for e in events)
