"""Compact rendering of windows for the table-driven tests.

A window is written in local time:
  "12-01"               the whole day (00:00-24:00)
  "12-07..12-13"        whole days, end inclusive
  "12-01 12-17"         12:00-17:00 that day ("24" = next midnight, minutes as 15:30)
  "11-30 7..12-03 0"    anything else
Windows are joined with ", ". A year different from now's is prefixed ("2027-01-04").
A "#N " prefix means: N windows, only the first rendered.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from actions.timeprefs import parse


def _hm(t) -> str:
    return f"{t.hour}" if t.minute == 0 else f"{t.hour}:{t.minute:02d}"


def _d(d, year) -> str:
    return f"{d:%m-%d}" if d.year == year else f"{d:%Y-%m-%d}"


def render_one(s: datetime, e: datetime, year: int) -> str:
    if s.hour == s.minute == 0 and e.hour == e.minute == 0:
        last = (e - timedelta(days=1)).date()
        return _d(s.date(), year) if last == s.date() else f"{_d(s.date(), year)}..{_d(last, year)}"
    if e.date() == s.date() or (e.date() == s.date() + timedelta(days=1) and e.hour == e.minute == 0):
        end = "24" if e.date() != s.date() else _hm(e)
        return f"{_d(s.date(), year)} {_hm(s)}-{end}"
    return f"{_d(s.date(), year)} {_hm(s)}..{_d(e.date(), year)} {_hm(e)}"


def render(windows, now: datetime, tz: str, first_only: bool = False) -> str:
    zone = ZoneInfo(tz)
    parts = [render_one(w.start.astimezone(zone), w.end.astimezone(zone), now.year) for w in windows]
    if first_only:
        return f"#{len(parts)} {parts[0]}" if parts else "#0"
    return ", ".join(parts)


def check(text: str, expected: str, now_iso: str, tz: str) -> tuple[str, str]:
    now = datetime.fromisoformat(now_iso)
    windows = parse(text, now, tz)
    got = render(windows, now, tz, first_only=expected.startswith("#"))
    return got, expected
