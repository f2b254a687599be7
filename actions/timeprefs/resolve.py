"""Groups of items -> windows in the clinic's zone (see the package docstring for the readings)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from actions.timeprefs.rules import (
    DAY, HORIZON_DAYS, Group, Item, Scanner, combine_day_ranges, intersect, make_groups, resolve_weekday, tokenize,
)

CLINIC_DAY_END = 20 * 60  # "tuesday" said on a Tuesday after 20:00 means next week's
MAX_CHARS, MAX_TOKENS = 1000, 120  # a time preference is said early; bound the work on long pastes
DATEISH = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\b\d{1,2}\.\d{1,2}\.(\d{2,4})?(?!\d)|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\.?\s*\d", re.I)


def local(d: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Wall-clock `minutes` after midnight of `d` in `zone` (24:00 = next midnight), normalised over DST gaps."""
    d2 = d + timedelta(days=minutes // (24 * 60))
    m = minutes % (24 * 60)
    dt = datetime.combine(d2, time(m // 60, m % 60), tzinfo=zone)
    return dt.astimezone(timezone.utc).astimezone(zone)


def days_between(start: date, end: date):
    d = start
    while d < end:
        yield d
        d += timedelta(days=1)


def clip(spans, now):
    out = []
    for s, e in spans:
        if e <= now or e <= s:
            continue
        out.append((max(s, now), e))
    return out


def merge(spans):
    spans = sorted(spans)
    out = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def subtract(spans, cut):
    cs, ce = cut
    out = []
    for s, e in spans:
        if ce <= s or cs >= e:
            out.append((s, e))
            continue
        if s < cs:
            out.append((s, cs))
        if ce < e:
            out.append((ce, e))
    return out


def day_part(g: Group) -> bool:
    return bool(g.days or g.rng or g.wdset or g.any)


def inherit(groups: list[Group]) -> list[Group]:
    """Distribute times forward->back and days back->forward; a lone date range scopes weekdays."""
    timed = [g for g in groups if g.times]  # ("any weekday after 3" asks for times; "weekdays only" filters)
    for i, g in enumerate(groups):
        if not g.times:
            for h in groups[i + 1:]:
                if h.times:
                    g.times = list(h.times)
                    g.every_time = h.every_time
                    break
            else:  # "not before 10am, any weekday next week": a time said first, alone, bounds the days that follow
                lead = groups[i - 1] if i and g.after in (",", ";", ".") else None  # (not "after 5 or weekends")
                if lead is not None and lead.times and not day_part(lead) and not lead.neg and not g.neg:
                    g.times, g.every_time = list(lead.times), lead.every_time
    for i, g in enumerate(groups):
        if not day_part(g):
            src = next((h for h in reversed(groups[:i]) if day_part(h)), None) \
                or next((h for h in groups[i + 1:] if h.days or h.rng), None)
            if src is not None:
                g.days, g.rng, g.wdset, g.any = list(src.days), src.rng, src.wdset, src.any
    # "next tuesday or thursday": a weekday modifier carries over to the bare weekdays that follow
    mode = None
    for g in groups:
        for n, it in enumerate(g.days):
            if it.kind != "wd":
                mode = None
                continue
            wd, m = it.data
            if m in ("next", "this", "every") and not g.rng:
                mode = m
            elif m == "plain" and mode:
                g.days[n] = Item("wd", (wd, mode), every=mode == "every")
    # "next week tues or wed" / "tues or thurs next week": the week scopes every bare weekday
    ranged = [g for g in groups if g.rng and any(it.kind == "wd" for it in g.days)]
    if ranged:
        for g in groups:
            if g.days and not g.rng and all(it.kind == "wd" and it.data[1] in ("plain", "every") for it in g.days):
                g.rng = ranged[0].rng
    # a range said alone ("next week, tuesday or wednesday") scopes the weekdays of the other groups
    scopes = [g for g in groups if g.rng and not g.days]
    if scopes:
        used = False
        for g in groups:
            # ("this saturday or next week after 3": "this saturday" is its own day, not next week's)
            if g.days and not g.rng and any(it.kind == "wd" and it.data[1] in ("plain", "every") for it in g.days):
                g.rng = scopes[0].rng
                used = True
            elif g.days and any(it.kind == "date" and scopes[0].rng[0] <= it.data < scopes[0].rng[1] for it in g.days):
                used = True
        if used:
            groups = [g for g in groups if not (g in scopes and not g.days)]
    # a lone "weekdays only" filters the others
    filters = [g for g in groups if g.wdset == frozenset(range(5)) and not g.days and not g.rng and not g.any
               and not g.every_time and not any(g is t for t in timed)]
    others = [g for g in groups if g not in filters]
    if filters and others:
        allowed = frozenset().union(*[f.wdset for f in filters])
        for g in others:
            g.wdset = allowed if g.wdset is None else (g.wdset & allowed)
        groups = others
    return groups


def group_days(g: Group, today: date) -> list[tuple[list[date], bool]]:
    """Lists of candidate days; the bool says 'roll forward a week if this day is already over'."""
    horizon = (today, today + timedelta(days=HORIZON_DAYS))
    out = []
    if g.days:
        for it in g.days:
            if it.kind == "date":
                out.append(([it.data], False))
                continue
            wd, mode = it.data
            if mode == "every" or g.rng:
                s, e = g.rng or horizon
                out.append(([d for d in days_between(max(s, today), e) if d.weekday() == wd], False))
            else:
                out.append(([resolve_weekday(it.data, today, None)], mode in ("plain", "this", "coming")))
    elif g.rng:
        s, e = g.rng
        out.append((list(days_between(max(s, today), e)), False))
    elif g.wdset or g.every_time or g.any:
        out.append((list(days_between(*horizon)), False))
    elif g.times:
        out.append(([today, today + timedelta(days=1)], "first"))
    if g.wdset is not None:
        out = [([d for d in ds if d.weekday() in g.wdset], roll) for ds, roll in out]
    return out


def group_windows(g: Group, now: datetime, zone: ZoneInfo) -> list:
    today = now.date()
    spans = intersect(g.times)
    # a clock point already passed ("at 9" said at 9:30) is not "still today": it rolls forward
    point = any(sp.point for sp in g.times) and all(e - s <= 90 for s, e in spans)

    def started(d: date) -> bool:
        return point and local(d, spans[0][0], zone) < now

    result = []
    for days, roll in group_days(g, today):
        if roll == "first":
            for d in days:
                ws = clip([(local(d, s, zone), local(d, e, zone)) for s, e in spans], now)
                if ws and not started(d):
                    result += ws
                    break
            continue
        ws = clip([(local(d, s, zone), local(d, e, zone)) for d in days for s, e in spans], now)
        after_hours = roll and days and days[0] == today and not g.times and now.hour * 60 + now.minute >= CLINIC_DAY_END
        if (not ws or after_hours or (roll and days and started(days[0]))) and roll and days:
            d = days[0] + timedelta(days=7)
            ws = clip([(local(d, s, zone), local(d, e, zone)) for s, e in spans], now)
        result += ws
    return result


def negative_cuts(g: Group, spans, zone: ZoneInfo, today: date):
    """Exclusion intervals of a negated group over the days the positive windows cover."""
    times = intersect(g.times) if g.times else [DAY]
    dates, wds = set(), set()
    for it in g.days:
        if it.kind == "date":
            dates.add(it.data)
        else:
            wd, mode = it.data
            if mode in ("next", "after_next"):
                dates.add(resolve_weekday(it.data, today, None))
            else:
                wds.add(wd)

    def hit(d: date) -> bool:
        in_rng = not g.rng or g.rng[0] <= d < g.rng[1]
        if g.days:
            return (d in dates or d.weekday() in wds) and in_rng
        if g.wdset:
            return d.weekday() in g.wdset and in_rng
        return in_rng

    if not spans:
        return []
    first = min(s for s, _ in spans).astimezone(zone).date()
    last = max(e for _, e in spans).astimezone(zone).date()
    cuts = []
    for d in days_between(first, last + timedelta(days=1)):
        if hit(d):
            cuts += [(local(d, s, zone), local(d, e, zone)) for s, e in times]
    return cuts


def resolve(text: str, now: datetime, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    toks = tokenize(text[:MAX_CHARS])[:MAX_TOKENS]
    if not toks:
        return []
    today = now.date()
    sc = Scanner(toks, today, now.hour * 60 + now.minute)
    items = combine_day_ranges(sc.scan(), today)
    groups = make_groups(items)
    if not groups:
        if sc.birth:
            return []
        return fallback(text, now, zone)
    pos = [g for g in groups if not g.neg]
    neg = [g for g in groups if g.neg]
    # "any day except tuesday next week": the week said inside the exclusion scopes the whole request
    if not any(g.rng or g.days for g in pos):
        for g in neg:
            if g.rng and g.days:
                pos = [Group(rng=g.rng, times=list(p.times), every_time=p.every_time, wdset=p.wdset) for p in pos] or [Group(rng=g.rng)]
                break
    # "asap, today or tomorrow" / "next week, any day but monday": "any" is only filler next to real days
    if any(day_part(g) and not (g.any and not (g.days or g.rng or g.wdset)) for g in pos):
        pos = [g for g in pos if not (g.any and not (g.days or g.rng or g.wdset) and not g.times)] or pos
    pos = inherit(pos)
    if not pos:
        pos = [Group(any=True)]
    spans = []
    for g in pos:
        spans += group_windows(g, now, zone)
    spans = merge(spans)
    for g in neg:
        for cut in negative_cuts(g, spans, zone, today):
            spans = subtract(spans, cut)
    return merge(clip(spans, now))


_dateparser_settings = None


def fallback(text: str, now: datetime, zone: ZoneInfo):
    """Single absolute dates our rules did not read (e.g. '2026-12-03', '3.12.'): ask dateparser."""
    if not DATEISH.search(text) or len(text) > 80:
        return []
    import dateparser  # slow import; only on the fallback path

    naive_now = now.replace(tzinfo=None)
    try:
        got = dateparser.parse(text, languages=["en", "es"], settings={
            "PREFER_DATES_FROM": "future", "RELATIVE_BASE": naive_now, "REQUIRE_PARTS": ["day", "month"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        })
    except Exception:  # noqa: BLE001 - dateparser raises on odd input; that is "not understood"
        return []
    if got is None:
        return []
    d = got.date()
    if d < now.date() or d > now.date() + timedelta(days=400):
        return []
    return clip([(local(d, 0, zone), local(d, 24 * 60, zone))], now)
