"""Small key/value store the Twilio channels keep their per-sender state in.

What goes here: replies already given for a Twilio `MessageSid` (so a retried webhook does not run
the turn twice), the last buttons offered to a phone number (so "2" maps back to a payload), the
state of a phone call, and the SMS opt-out list.

`MemoryStore` (an LRU in the process) is the default; with several Rasa processes behind a load
balancer configure Redis (`SCHEDBOT_REDIS_URL` or `redis_url` in credentials.yml) so every process
sees the same state.
"""
from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from typing import Any, Dict, Optional

PENDING = "\x00pending"


class Store:
    """Async string key/value store with TTLs and an atomic claim."""

    async def get(self, key: str) -> Optional[str]:
        raise NotImplementedError

    async def set(self, key: str, value: str, ttl: Optional[float] = None) -> None:
        raise NotImplementedError

    async def claim(self, key: str, ttl: float) -> bool:
        """Set `key` to a pending marker if absent; True if this caller got it."""
        raise NotImplementedError

    async def delete(self, key: str) -> None:
        raise NotImplementedError

    async def wait_value(self, key: str, timeout: float = 30.0) -> Optional[str]:
        """Wait until a claimed key holds a real value (another request is computing it)."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.get(key)
            if value is None or value != PENDING:
                return value
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.05)


class MemoryStore(Store):
    """In-process LRU with expiry (one Rasa process only)."""

    def __init__(self, max_items: int = 10_000) -> None:
        self.max_items = max_items
        self._data: "OrderedDict[str, tuple[str, Optional[float]]]" = OrderedDict()

    def _live(self, key: str) -> Optional[str]:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires < time.monotonic():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    async def get(self, key: str) -> Optional[str]:
        return self._live(key)

    async def set(self, key: str, value: str, ttl: Optional[float] = None) -> None:
        expires = time.monotonic() + ttl if ttl else None
        self._data[key] = (value, expires)
        self._data.move_to_end(key)
        while len(self._data) > self.max_items:
            self._data.popitem(last=False)

    async def claim(self, key: str, ttl: float) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, PENDING, ttl)
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)


class RedisStore(Store):
    """Redis-backed store shared by every Rasa process; keys live under `prefix:`."""

    def __init__(self, url: str, prefix: str = "schedbot") -> None:
        import redis.asyncio as aioredis  # imported lazily: only when configured

        self.prefix = prefix
        self._redis = aioredis.from_url(url, decode_responses=True)

    def _k(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    async def get(self, key: str) -> Optional[str]:
        return await self._redis.get(self._k(key))

    async def set(self, key: str, value: str, ttl: Optional[float] = None) -> None:
        if ttl:
            await self._redis.set(self._k(key), value, px=int(ttl * 1000))
        else:
            await self._redis.set(self._k(key), value)

    async def claim(self, key: str, ttl: float) -> bool:
        return bool(await self._redis.set(self._k(key), PENDING, nx=True, px=int(ttl * 1000)))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._k(key))


def store_from_credentials(credentials: Optional[Dict[str, Any]]) -> Store:
    """`SCHEDBOT_REDIS_URL` (env) wins over `redis_url` (credentials.yml); neither = memory."""
    credentials = credentials or {}
    url = os.environ.get("SCHEDBOT_REDIS_URL") or credentials.get("redis_url")
    if url:
        prefix = os.environ.get("SCHEDBOT_REDIS_PREFIX") or credentials.get("redis_prefix") or "schedbot"
        return RedisStore(url, prefix)
    return MemoryStore()
