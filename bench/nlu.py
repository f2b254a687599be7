"""NLU quality: 3-fold cross-validation of the intent classifier on data/nlu/ (same pipeline as
bot/config.yml), printing intent F1 (goal >= 0.95), next to the share of the majority intent as
a baseline measured in the same run. Runs `rasa test nlu --cross-validation` in a subprocess.

    .venv/bin/python -m bench.nlu [--folds 3]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).with_name("rasa"))


def intent_counts() -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] += sum(1 for line in block["examples"].splitlines() if line.strip().startswith("- "))
    return counts


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="bench.nlu")
    ap.add_argument("--folds", type=int, default=3)
    args = ap.parse_args(argv if argv is not None else [])
    counts = intent_counts()
    total = sum(counts.values())
    with tempfile.TemporaryDirectory(prefix="schedbot-nlu-") as out:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
        started = time.perf_counter()
        proc = subprocess.run(
            [RASA, "test", "nlu", "--nlu", str(ROOT / "data" / "nlu"), "--config", str(ROOT / "bot" / "config.yml"),
             "--cross-validation", "--folds", str(args.folds), "--out", out, "--no-plot", "--no-errors"],
            cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        elapsed = time.perf_counter() - started
        report_path = Path(out) / "intent_report.json"
        if proc.returncode != 0 or not report_path.exists():
            print(proc.stdout[-3000:])
            raise RuntimeError(f"rasa test nlu failed ({proc.returncode})")
        report = json.loads(report_path.read_text())
    weighted = report["weighted avg"]["f1-score"]
    macro = report["macro avg"]["f1-score"]
    majority = max(counts.values()) / total
    print(f"NLU examples: {total} in {len(counts)} intents; {args.folds}-fold cross-validation in {elapsed:.0f} s")
    print(f"intent F1 weighted: {weighted:.3f}   macro: {macro:.3f}   (goal >= 0.95)")
    print(f"baseline (always the majority intent) accuracy: {majority:.3f}; ratio F1/baseline: {weighted / majority:.1f}x")
    worst = sorted(((v["f1-score"], k) for k, v in report.items() if isinstance(v, dict) and "support" in v
                    and k not in ("weighted avg", "macro avg", "micro avg")))[:5]
    print("weakest intents: " + ", ".join(f"{k} {f:.2f}" for f, k in worst))


if __name__ == "__main__":
    main(sys.argv[1:])
