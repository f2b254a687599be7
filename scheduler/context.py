"""What every request handler gets: settings, the store, and a small cache of the (static) directory."""
from __future__ import annotations

import threading
import time

from .settings import Settings
from .storage import Store
from .storage import store as st


class Context:
    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self.store = store or Store(settings.database_url)
        self._lock = threading.Lock()
        self._schedules: list | None = None
        self._loaded = 0.0
        self.capability: dict | None = None  # GET /metadata, built once

    @property
    def zone(self):
        return self.settings.zone

    def now_ts(self) -> int:
        return self.settings.now_ts()

    def schedules(self) -> list:
        """Every Schedule row (id, practitioner, location, organization, specialties, visit types, json), cached 30 s."""
        with self._lock:
            if self._schedules is None or time.monotonic() - self._loaded > 30:
                with self.store.side_read() as conn:  # never waits for the pool (callers may hold a connection)
                    self._schedules = [dict(r) for r in st.schedules(conn)]
                self._build_index()
                self._loaded = time.monotonic()
            return self._schedules

    def schedule(self, schedule_id: str) -> dict | None:
        self.schedules()
        return self._by_id.get(schedule_id)

    def schedule_index(self) -> dict:
        """{"specialty"|"visit_type"|"practitioner"|"organization"|"location": {value: [schedule ids]}}"""
        self.schedules()
        return self._index

    def _build_index(self) -> None:
        index: dict = {k: {} for k in ("specialty", "visit_type", "practitioner", "organization", "location")}
        for s in self._schedules:
            for key, values in (("specialty", (s["specialties"] or "").split()),
                                ("visit_type", (s["visit_types"] or "").split()),
                                ("practitioner", [s["practitioner_id"]]), ("organization", [s["organization_id"]]),
                                ("location", [s["location_id"]])):
                for v in values:
                    if v:
                        index[key].setdefault(v, []).append(s["id"])
        self._index = index
        self._by_id = {s["id"]: s for s in self._schedules}
