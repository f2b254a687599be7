"""A Redis lock store that stays correct with several Rasa servers.

Rasa 3.6's `RedisLockStore` keeps each conversation's ticket lock as one JSON value and updates it
read-modify-write without any atomicity. When two Rasa processes take a ticket for the same
conversation at the same moment, one ticket overwrites the other and that message fails with
`LockError: Could not acquire lock` (seen in tests/channels/test_channels_scaleout.py with the
stock store). This subclass wraps every read-modify-write of the ticket lock in a short Redis mutex
(redis-py's Lua-released `Lock`), so tickets are never lost; queueing and expiry are Rasa's own.

endpoints.yml:
    lock_store:
      type: channels.lockstore.AtomicRedisLockStore
      url: 127.0.0.1        # plus port, db, password, key_prefix, use_ssl ... as for `type: redis`
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_TIMEOUT = 10.0


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @contextlib.contextmanager
    def _mutex(self, conversation_id: Text) -> Iterator[None]:
        mutex = self.red.lock(f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_TIMEOUT,
                              sleep=0.002, blocking_timeout=MUTEX_TIMEOUT)
        if not mutex.acquire():
            raise LockError(f"Could not update the lock of conversation '{conversation_id}'.")
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                mutex.release()

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            lock: Optional[TicketLock] = self.get_lock(conversation_id)
            if lock:
                lock.remove_ticket_for(ticket_number)
                if lock.is_someone_waiting():
                    self.save_lock(lock)
                else:
                    self.delete_lock(conversation_id)
