"""`schedbot when [--now ISO] [--tz ZONE] [--jsonl] [TEXT]`: what the assistant understands of a
time preference, one JSON object {"text", "windows": [{"start", "end"}]} per input.

--jsonl reads one text a line from stdin (a line that is a JSON object {"text", "now"?, "tz"?} or a
JSON string is unwrapped) and writes one object a line, in input order."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from actions.timeprefs import DEFAULT_TZ, parse


def _now(value: str | None, tz: str) -> datetime:
    value = value or os.environ.get("SCHEDBOT_NOW")
    if value:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=ZoneInfo(tz))
    return datetime.now(ZoneInfo(tz))


def _line(line: str, now: datetime, tz: str) -> tuple[str, datetime, str]:
    """A --jsonl line is the text itself; a JSON object {"text", "now"?, "tz"?} or a JSON string is read too."""
    if line[:1] in ('{', '"'):
        try:
            obj = json.loads(line)
        except ValueError:
            return line, now, tz
        if isinstance(obj, str):
            return obj, now, tz
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            try:
                line_tz = obj.get("tz") or tz
                ZoneInfo(line_tz)
                line_now = _now(obj["now"], line_tz) if obj.get("now") else now
            except Exception:  # noqa: BLE001 - a bad per-line override falls back to the run's values
                line_tz, line_now = tz, now
            return obj["text"], line_now, line_tz
    return line, now, tz


def result(text: str, now: datetime, tz: str) -> dict:
    try:
        windows = [w.as_json() for w in parse(text, now, tz)]
    except Exception:  # noqa: BLE001 - one odd line must not end a batch; nothing understood
        windows = []
    return {"text": text, "windows": windows}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="schedbot when", description=__doc__.split("\n")[0])
    ap.add_argument("--now", help="ISO date-time treated as now (default: SCHEDBOT_NOW or the clock)")
    ap.add_argument("--tz", help="clinic time zone (default: SCHEDBOT_TZ or America/Los_Angeles)")
    ap.add_argument("--jsonl", action="store_true", help="read one text a line on stdin, write one JSON object a line")
    ap.add_argument("text", nargs="*", help="the time preference (default: read stdin)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    tz = args.tz or os.environ.get("SCHEDBOT_TZ") or DEFAULT_TZ
    try:
        ZoneInfo(tz)
        now = _now(args.now, tz)
    except Exception as exc:  # noqa: BLE001
        print(f"schedbot when: {exc}", file=sys.stderr)
        return 2
    if args.jsonl:
        for line in sys.stdin:
            text, line_now, line_tz = _line(line.rstrip("\r\n"), now, tz)
            print(json.dumps(result(text, line_now, line_tz), ensure_ascii=False))
        sys.stdout.flush()
        return 0
    text = " ".join(args.text) if args.text else sys.stdin.read().strip()
    print(json.dumps(result(text, now, tz), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
