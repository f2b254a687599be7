"""Turn latency of the assistant through Rasa's REST channel, over whole booking conversations.

Starts the test stack (scheduler on SQLite with the demo clinic, action server, Rasa with the
project's model; tests/support/stack.py), then drives a scripted booking conversation
(greeting, reason, identification, coverage, time preference, pick an option, confirm) with a new
patient and sender each time, interleaved with plain greeting turns on fresh senders: the baseline
measured in the same run, after one unmeasured warm-up conversation (a server that has been up for
a while has its caches warm). Prints p50/p95 of both and the ratio (goal: booking p95 <= 1.3x greeting
p95), a turn that runs one custom action without FHIR ("what are your hours?": the floor of
any turn that goes to the action server), the booking outcome checked in FHIR, the model's training time and the resident memory (VmRSS)
of the three processes.

    .venv/bin/python -m bench.turns [--conversations 40] [--train] [--breakdown]

--train measures a fresh training (into a temp dir) instead of reporting the time recorded when the
current model was trained (models/schedbot-<fp>.json).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH_NOW = "2026-11-30T07:00:00-08:00"
GOAL_RATIO = 1.3
WARM_UP = 997  # the warm-up conversation's patient (booking_script index), distinct from measured ones
GIVEN = ["Ava", "Noah", "Mia", "Liam", "Zoe", "Ethan", "Lily", "Owen", "Emma", "Jack", "Nora", "Leo"]
STEPS = ["greeting", "reason", "name", "birth date", "coverage", "time preference", "pick option", "confirm"]
FAMILY = ["Harper", "Bennett", "Collins", "Foster", "Hayes", "Jensen", "Keller", "Lawson", "Morgan", "Porter",
          "Quinn", "Reyes", "Sutton"]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def vm_rss_mb(pid: int | None) -> float | None:
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def booking_script(i: int) -> tuple[dict, list[str]]:
    """A patient record to create first, and what that patient says, turn by turn."""
    given = GIVEN[i % len(GIVEN)]
    family = FAMILY[i % len(FAMILY)] + ("" if i < len(FAMILY) else f"-{FAMILY[(i // len(FAMILY)) % len(FAMILY)]}")
    dob = f"19{70 + i % 30:02d}-0{1 + i % 9}-1{i % 10}"
    patient = {"resourceType": "Patient", "name": [{"family": family, "given": [given]}], "birthDate": dob}
    y, m, d = dob.split("-")
    turns = ["hi", "I need an appointment for my skin rash", f"{given} {family}", f"{m}/{d}/{y}",
             "self pay", "tomorrow morning", "1", "yes"]
    return patient, turns


def timed_turn(stack, sender: str, text: str) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    replies = stack.say(sender, text)
    return (time.perf_counter() - started) * 1000, replies


def training_seconds(model: Path, fresh: bool) -> tuple[float | None, str]:
    from bot import train

    if fresh:
        with tempfile.TemporaryDirectory(prefix="schedbot-bench-train-") as out:
            started = time.perf_counter()
            from bot.run import child_env
            r = subprocess.run([sys.executable, "-m", "bot.train", "--out", out, "--force"], cwd=str(ROOT),
                               capture_output=True, text=True, env=child_env())
            took = time.perf_counter() - started
            return (took if r.returncode == 0 else None), "measured now (incl. Rasa import)"
    record = train.record_path(model)
    if record.exists():
        data = json.loads(record.read_text())
        return data.get("train_seconds"), f"recorded when {model.name} was trained ({data.get('trained_at')})"
    return None, "no record (model trained elsewhere); use --train"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench.turns")
    # 40 conversations: 320 booking turns, so a p95 is the 16th slowest and one stall of the machine moves it
    # little (with 8, the 4th slowest of 64; runs of 20 spread 1.19-1.33x at stop 27)
    ap.add_argument("--conversations", type=int, default=int(os.environ.get("SCHEDBOT_BENCH_CONVERSATIONS", 40)))
    ap.add_argument("--train", action="store_true", help="measure a fresh training too (~2 min more)")
    ap.add_argument("--endpoints", type=Path, default=ROOT / "bot" / "endpoints.yml",
                    help="Rasa endpoints (e.g. one without tracker_store, to see the SQLite tracker store's share)")
    ap.add_argument("--show", action="store_true", help="print the first conversation (synthetic patients)")
    ap.add_argument("--model", type=Path, help="a trained model to measure instead of the project's current one")
    ap.add_argument("--breakdown", action="store_true",
                    help="also print where each step's time goes inside Rasa (bot/turn_timing.py)")
    args = ap.parse_args(argv if argv is not None else [])

    sys.path.insert(0, str(ROOT))
    from tests.support.stack import assistant_stack, ensure_model

    t0 = time.perf_counter()
    model = args.model or ensure_model()
    print(f"model: {model.name} (ready in {time.perf_counter() - t0:.1f} s)", flush=True)
    t0 = time.perf_counter()
    timings = Path(tempfile.mkdtemp(prefix="schedbot-bench-")) / "turns.jsonl"
    env = {"SCHEDBOT_TURN_TIMINGS": str(timings)} if args.breakdown else {}
    with assistant_stack(model=model, now=BENCH_NOW, endpoints=args.endpoints, env=env) as stack:
        startup = time.perf_counter() - t0
        print(f"stack up in {startup:.1f} s", flush=True)
        # warm-up, not measured: first turns load lazily (TF graphs, HTTP pools, the action server's
        # directory cache of Locations and Practitioners), so one whole booking conversation first
        for w in range(2):
            stack.say(f"bench-warm-{w}", "hi")
        stack.say("bench-warm-hours", "what are your hours?")
        patient, turns = booking_script(WARM_UP)
        httpx.post(f"{stack.fhir_base}/Patient", json=patient, headers={"Content-Type": "application/fhir+json"},
                   timeout=60).raise_for_status()
        for text in turns:
            stack.say("bench-warm-booking", text)
        booking_ms: list[float] = []
        greeting_ms: list[float] = []
        one_call_ms: list[float] = []
        per_conversation: list[float] = []
        per_step: dict[int, list[float]] = {}
        booked = 0
        with httpx.Client(timeout=60) as http:
            for i in range(args.conversations):
                patient, turns = booking_script(i)
                r = http.post(f"{stack.fhir_base}/Patient", json=patient,
                              headers={"Content-Type": "application/fhir+json"})
                r.raise_for_status()
                pid = r.json()["id"]
                sender = f"bench-book-{i}"
                conv_started = time.perf_counter()
                for j, text in enumerate(turns):
                    ms, replies = timed_turn(stack, sender, text)
                    booking_ms.append(ms)
                    per_step.setdefault(j, []).append(ms)
                    if args.show and i == 0:
                        print(f"> {text}\n" + "\n".join(f"  {m.get('text')} {[b.get('title') for b in m.get('buttons') or []] or ''}"
                                                        for m in replies), flush=True)
                    # the baseline, interleaved so both see the same load
                    gms, _ = timed_turn(stack, f"bench-greet-{i}-{j}", "hi")
                    greeting_ms.append(gms)
                    # the floor of any turn that runs a custom action: one action-server call, no FHIR
                    qms, _ = timed_turn(stack, f"bench-hours-{i}-{j}", "what are your hours?")
                    one_call_ms.append(qms)
                per_conversation.append(time.perf_counter() - conv_started)
                appts = http.get(f"{stack.fhir_base}/Appointment", params={"patient": pid}).json()
                if any(e["resource"].get("status") == "booked" for e in appts.get("entry", [])
                       if e["resource"].get("resourceType") == "Appointment"):
                    booked += 1
        rss = {name: vm_rss_mb(pid) for name, pid in stack.pids().items()}

    train_s, train_note = training_seconds(model, args.train)
    b50, b95 = pct(booking_ms, 50), pct(booking_ms, 95)
    g50, g95 = pct(greeting_ms, 50), pct(greeting_ms, 95)
    ratio = b95 / g95 if g95 else float("nan")
    print(f"booking conversations: {args.conversations} x {len(booking_ms) // max(1, args.conversations)} turns, "
          f"booked (checked in FHIR): {booked}/{args.conversations}")
    print(f"booking turn latency : p50 {b50:7.1f} ms   p95 {b95:7.1f} ms   mean {statistics.mean(booking_ms):7.1f} ms")
    print(f"greeting turn (base) : p50 {g50:7.1f} ms   p95 {g95:7.1f} ms   mean {statistics.mean(greeting_ms):7.1f} ms")
    print(f"ratio p95 booking/greeting: {ratio:.2f}x (goal <= {GOAL_RATIO}x: {'met' if ratio <= GOAL_RATIO else 'NOT met'});"
          f" p50 ratio {b50 / g50 if g50 else float('nan'):.2f}x")
    q50, q95 = pct(one_call_ms, 50), pct(one_call_ms, 95)
    print(f"one action-server call, no FHIR ('what are your hours?'): p50 {q50:7.1f} ms   p95 {q95:7.1f} ms"
          f"   ({q95 / g95 if g95 else float('nan'):.2f}x the greeting at p95)")
    for p in (50, 95):
        print(f"booking turn p{p} by step: " + ", ".join(f"{STEPS[j] if j < len(STEPS) else j} {pct(v, p):.0f}"
                                                       for j, v in sorted(per_step.items())) + " ms")
    print(f"whole booking conversation: p50 {pct(per_conversation, 50):.2f} s (with interleaved greetings)")
    print(f"stack start-up (scheduler + actions + Rasa): {startup:.1f} s")
    print(f"training time: {train_s if train_s is not None else 'n/a'} s ({train_note})")
    print("memory (VmRSS): " + ", ".join(f"{n} {v:.0f} MB" if v else f"{n} n/a" for n, v in rss.items())
          + f", total {sum(v for v in rss.values() if v):.0f} MB")
    if args.breakdown:
        print_breakdown(timings)
    return 0


def print_breakdown(path: Path) -> None:
    """Median milliseconds per step inside Rasa; n = calls (predictions, action-server calls)."""
    turns: dict[str, list[dict]] = {}
    for line in path.read_text().splitlines():
        turn = json.loads(line)
        turns.setdefault(turn["sender"], []).append(turn)
    rows = {"greeting (base)": [t[0] for s, t in turns.items() if s.startswith("bench-greet-")],
            "hours question": [t[0] for s, t in turns.items() if s.startswith("bench-hours-")]}
    for j, step in enumerate(STEPS):
        rows[step] = [t[j] for s, t in turns.items() if s.startswith("bench-book-") and len(t) > j]
    cols = ["total", "fetch", "nlu", "predict", "predict_n", "actions", "action_server", "action_server_n", "save", "gc"]
    print("inside Rasa, median ms per turn (action_server = calls to the action server, incl. its FHIR calls):")
    print(f"  {'step':18s}" + "".join(f"{c:>16s}" for c in cols))
    for step, rs in rows.items():
        print(f"  {step:18s}" + "".join(f"{statistics.median([r.get(c, 0) for r in rs]):16.1f}" for c in cols))
    full = [t["gc_full"] for ts in turns.values() for t in ts if t.get("gc_full")]
    print(f"full garbage collections inside a turn: {len(full)}" + (f", longest {max(full):.0f} ms" if full else "")
          + " (the model is frozen out of them once loaded: bot/rasa_server.py)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
