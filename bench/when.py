"""Time-preference parse latency: our rules (actions.timeprefs.parse) next to raw dateparser.parse
on the same few hundred utterances in the same run (warm: one untimed pass first).

`.venv/bin/python -m bench.when` prints p50/p95 per utterance for both, the ratio, and how many
utterances each understood (time expressions: a window / a date; non-time texts: false readings).
"""
from __future__ import annotations

import itertools
import statistics
import time
from datetime import datetime

NOW = datetime.fromisoformat("2026-11-30T07:00:00-08:00")  # tests/support/clock.py TEST_NOW
TZ = "America/Los_Angeles"

DAYS = ["tomorrow", "tmrw", "next tuesday", "this friday", "thurs", "wed", "monday", "the 3rd", "dec 10",
        "12/14", "next week", "mañana", "el próximo martes", "la semana que viene", "in 3 days", "saturday"]
TIMES = ["", " morning", " afternoon", " after 3", " at 10am", " between 2 and 4", " before noon", " evening",
         " por la tarde", " at 9"]
EXTRA = [
    "asap", "earliest", "anytime", "whenever works", "first available", "any morning next wk except wed",
    "after 3 on fri", "tuesday or wednesday afternoon", "any day next week but monday", "not friday",
    "early december", "mid december", "late december", "end of the month", "the week after thanksgiving",
    "the week of the 7th", "in two weeks", "weekdays only", "weekends", "mornings", "2morrow aft",
    "nxt wk", "frday", "tues/thurs after 5", "can I come in next tuesday afternoon for my rash",
    "I'm free monday after 2 or tuesday morning", "lo antes posible", "después de las 3",
    "el lunes por la mañana", "pasado mañana", "hoy", "mañana por la mañana", "christmas eve",
    "first week of january", "10-2", "9 to 11", "at noon", "lunch", "tonight", "this afternoon",
]
NOT_TIME = ["3", "2", "yes", "no", "John Smith", "born 4/12/1980", "my dob is 04/12/1980", "I have a rash",
            "my knee hurts", "dermatology", "do you take aetna", "cancel my appointment", "thanks", "option 2",
            "415-555-1234", "what are your hours", "Maria Garcia", "ok", "itchy skin", "where are you"]


def corpus() -> tuple[list[str], list[str]]:
    timed = [d + t for d, t in itertools.product(DAYS, TIMES)] + EXTRA
    return timed, NOT_TIME


def _time(fn, texts, repeat=3):
    for t in texts:  # warm-up
        fn(t)
    per = []
    for t in texts:
        best = None
        for _ in range(repeat):
            s = time.perf_counter()
            fn(t)
            d = time.perf_counter() - s
            best = d if best is None else min(best, d)
        per.append(best * 1000)
    per.sort()
    return statistics.median(per), per[int(0.95 * (len(per) - 1))]


def main() -> None:
    import dateparser

    from actions.timeprefs import parse

    timed, not_time = corpus()
    texts = timed + not_time
    naive = NOW.replace(tzinfo=None)
    settings = {"RELATIVE_BASE": naive, "PREFER_DATES_FROM": "future"}

    def ours(t):
        return parse(t, NOW, TZ)

    def raw(t):
        return dateparser.parse(t, settings=settings)

    ours_p50, ours_p95 = _time(ours, texts)
    raw_p50, raw_p95 = _time(raw, texts, repeat=1)
    ours_hit = sum(1 for t in timed if ours(t))
    raw_hit = sum(1 for t in timed if raw(t) is not None)
    ours_fp = sum(1 for t in not_time if ours(t))
    raw_fp = sum(1 for t in not_time if raw(t) is not None)
    print(f"utterances: {len(texts)} ({len(timed)} time expressions, {len(not_time)} not a time)")
    print(f"timeprefs.parse   p50 {ours_p50:7.3f} ms   p95 {ours_p95:7.3f} ms   understood {ours_hit}/{len(timed)}   false readings {ours_fp}/{len(not_time)}")
    print(f"dateparser.parse  p50 {raw_p50:7.3f} ms   p95 {raw_p95:7.3f} ms   understood {raw_hit}/{len(timed)}   false readings {raw_fp}/{len(not_time)}")
    print(f"ratio dateparser/ours: p50 x{raw_p50 / ours_p50:.1f}, p95 x{raw_p95 / ours_p95:.1f}")
    print("(dateparser 'understood' = returned any datetime, right or wrong; it cannot return ranges, parts of day or exclusions)")


if __name__ == "__main__":
    main()
