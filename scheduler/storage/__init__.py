"""Storage: the only place that speaks SQL (see store.py for the no-double-booking invariant)."""
from .store import Store  # noqa: F401
