"""NLU quality: 3-fold cross-validation of the intent classifier on data/nlu/ (same pipeline as
bot/config.yml), printing intent F1 (goal >= 0.95), next to the share of the majority intent as
a baseline measured in the same run.

Runs Rasa's own cross-validation (`rasa test nlu --cross-validation`) in a subprocess per seed,
with one change: Rasa 3.6 splits the folds with an unseeded `StratifiedKFold(shuffle=True)`, so
two runs on the same data used to differ by about +-0.01. Here the split is seeded (default seed
0), so a change to the data or the pipeline is measured on the same folds; the classifier's own seed is the
`random_seed` in the config. `--seeds 0,1,2` runs several splits and prints their mean, so that
a change is not judged on one lucky split.

    .venv/bin/python -m bench.nlu [--folds 3] [--seeds 0] [--config bot/config.yml]
                                  [--show-errors] [--keep DIR]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
AVERAGES = ("weighted avg", "macro avg", "micro avg", "accuracy")


def intent_counts(nlu_dir: Path = ROOT / "data" / "nlu") -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for path in sorted(Path(nlu_dir).glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] += sum(1 for line in block["examples"].splitlines() if line.strip().startswith("- "))
    return counts


def _seeded_generate_folds(seed: int):
    """Rasa 3.6's `rasa.nlu.test.generate_folds`, with `random_state=seed` given to StratifiedKFold."""
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    def generate_folds(n, training_data):
        skf = StratifiedKFold(n_splits=n, shuffle=True, random_state=seed)
        x = training_data.intent_examples
        y = [example.get_full_intent() for example in x]
        for train_index, test_index in skf.split(x, y):
            def subset(indices):
                return TrainingData(
                    training_examples=[x[i] for i in indices],
                    entity_synonyms=training_data.entity_synonyms,
                    regex_features=training_data.regex_features,
                    lookup_tables=training_data.lookup_tables,
                    responses=training_data.responses,
                )
            yield subset(train_index), subset(test_index)

    return generate_folds


def _worker(seed: int, rasa_args: list[str]) -> None:
    """Run `rasa <rasa_args>` in this process with the fold split seeded (called in a subprocess)."""
    import rasa.nlu.test
    from rasa.__main__ import main as rasa_main

    rasa.nlu.test.generate_folds = _seeded_generate_folds(seed)
    sys.argv = ["rasa", *rasa_args]
    rasa_main()


def run_cv(seed: int, folds: int, config: Path, nlu: Path, out: Path) -> tuple[dict, list[dict], float]:
    """One seeded cross-validation; returns Rasa's intent report, its list of errors, and seconds."""
    rasa_args = ["test", "nlu", "--nlu", str(nlu), "--config", str(config), "--cross-validation",
                 "--folds", str(folds), "--out", str(out), "--no-plot"]
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    code = f"from bench.nlu import _worker; _worker({seed!r}, {rasa_args!r})"
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - started
    report_path = out / "intent_report.json"
    if proc.returncode != 0 or not report_path.exists():
        print(proc.stdout[-3000:])
        raise RuntimeError(f"rasa test nlu failed ({proc.returncode})")
    errors_path = out / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    return json.loads(report_path.read_text()), errors, elapsed


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="bench.nlu")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seeds", default="0", help="comma-separated fold-split seeds (default 0)")
    ap.add_argument("--config", type=Path, default=ROOT / "bot" / "config.yml")
    ap.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu")
    ap.add_argument("--show-errors", action="store_true", help="print every misclassified example")
    ap.add_argument("--keep", type=Path, help="keep Rasa's reports here (one folder per seed)")
    args = ap.parse_args(argv if argv is not None else [])
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    counts = intent_counts(args.nlu)
    total = sum(counts.values())
    majority = max(counts.values()) / total
    print(f"NLU examples: {total} in {len(counts)} intents; {args.folds}-fold cross-validation, "
          f"fold seed(s) {','.join(map(str, seeds))}, config {args.config.relative_to(ROOT) if args.config.is_relative_to(ROOT) else args.config}")

    weighted, macro, n_errors = [], [], []
    per_intent: dict[str, list[float]] = collections.defaultdict(list)
    confusions: collections.Counter = collections.Counter()
    all_errors: list[tuple[int, dict]] = []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="schedbot-nlu-") as tmp:
            out = (args.keep / f"seed{seed}") if args.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            report, errors, elapsed = run_cv(seed, args.folds, args.config, args.nlu, out)
        w, m = report["weighted avg"]["f1-score"], report["macro avg"]["f1-score"]
        weighted.append(w)
        macro.append(m)
        n_errors.append(len(errors))
        for k, v in report.items():
            if isinstance(v, dict) and "support" in v and k not in AVERAGES:
                per_intent[k].append(v["f1-score"])
        for e in errors:
            confusions[(e["intent"], e["intent_prediction"]["name"])] += 1
            all_errors.append((seed, e))
        print(f"seed {seed}: intent F1 weighted {w:.4f}  macro {m:.4f}  errors {len(errors)}/{total}  ({elapsed:.0f} s)",
              flush=True)

    def mean_sd(xs):
        return f"{statistics.mean(xs):.4f}" + (f" ± {statistics.stdev(xs):.4f}" if len(xs) > 1 else "")

    print(f"intent F1 weighted: {mean_sd(weighted)}   macro: {mean_sd(macro)}   errors: "
          f"{statistics.mean(n_errors):.1f}/{total}   (goal >= 0.95)")
    print(f"baseline (always the majority intent) accuracy: {majority:.3f}; "
          f"ratio F1/baseline: {statistics.mean(weighted) / majority:.1f}x")
    worst = sorted((statistics.mean(v), k) for k, v in per_intent.items())[:6]
    print("weakest intents: " + ", ".join(f"{k} {f:.2f}" for f, k in worst))
    top = confusions.most_common(10)
    print("top confusions (true -> predicted, summed over seeds): "
          + ", ".join(f"{t}->{p} {n}" for (t, p), n in top))
    if args.show_errors:
        for seed, e in sorted(all_errors, key=lambda se: (se[1]["intent"], se[1]["intent_prediction"]["name"], se[1]["text"])):
            p = e["intent_prediction"]
            print(f"  [{seed}] {e['intent']:>22} -> {p['name']:<22} {p['confidence'] or 0:.2f}  {e['text']}")


if __name__ == "__main__":
    main(sys.argv[1:])
