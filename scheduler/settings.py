"""Every knob of the scheduler in one object (flags and SCHEDBOT_* environment variables)."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

DEFAULT_DATABASE = "sqlite:///schedbot.db"


@dataclass
class Settings:
    database_url: str = DEFAULT_DATABASE
    tz: str = "America/Los_Angeles"
    now_override: str | None = None      # SCHEDBOT_NOW: "now" at start-up; the clock then runs on from it
    hold_minutes: float = 10.0           # how long a $hold keeps its slots
    horizon_days: int = 56               # how far ahead $find looks (8 weeks, what the demo seed generates)
    seed: str = "none"                   # "demo" loads the demo clinic when the database is empty
    sweep_seconds: float = 15.0          # how often expired holds are released (journal for subscriptions)
    _started: float = field(default_factory=time.monotonic, repr=False)
    _base: datetime | None = field(default=None, repr=False)

    def __post_init__(self):
        ZoneInfo(self.tz)  # an unknown zone fails here, at start-up
        if self.now_override:
            try:
                base = datetime.fromisoformat(self.now_override.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"SCHEDBOT_NOW / --now is not an ISO date-time: {self.now_override!r}")
            self._base = base if base.tzinfo else base.replace(tzinfo=ZoneInfo(self.tz))

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {
            "database_url": os.environ.get("SCHEDBOT_DATABASE") or DEFAULT_DATABASE,
            "tz": os.environ.get("SCHEDBOT_TZ") or "America/Los_Angeles",
            "now_override": os.environ.get("SCHEDBOT_NOW") or None,
        }
        if os.environ.get("SCHEDBOT_HOLD_MINUTES"):
            values["hold_minutes"] = float(os.environ["SCHEDBOT_HOLD_MINUTES"])
        if os.environ.get("SCHEDBOT_SWEEP_SECONDS"):
            values["sweep_seconds"] = float(os.environ["SCHEDBOT_SWEEP_SECONDS"])
        if os.environ.get("SCHEDBOT_HORIZON_DAYS"):
            values["horizon_days"] = int(os.environ["SCHEDBOT_HORIZON_DAYS"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def to_env(self) -> dict:
        """The environment that makes `from_env()` rebuild these settings (for worker processes)."""
        env = {"SCHEDBOT_DATABASE": self.database_url, "SCHEDBOT_TZ": self.tz,
               "SCHEDBOT_HOLD_MINUTES": repr(self.hold_minutes), "SCHEDBOT_HORIZON_DAYS": str(self.horizon_days),
               "SCHEDBOT_SWEEP_SECONDS": repr(self.sweep_seconds)}
        if self.now_override:
            env["SCHEDBOT_NOW"] = self.now_override
        return env

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def now(self) -> datetime:
        """Aware "now" in the clinic zone. With SCHEDBOT_NOW set, time starts there and runs on."""
        if self._base is not None:
            return (self._base + timedelta(seconds=time.monotonic() - self._started)).astimezone(self.zone)
        return datetime.now(timezone.utc).astimezone(self.zone)

    def now_ts(self) -> int:
        return int(self.now().timestamp())

    @property
    def hold_seconds(self) -> int:
        return max(1, int(round(self.hold_minutes * 60)))
