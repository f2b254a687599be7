"""`schedbot train`: train the assistant's model into `models/`, skipped when nothing changed.

The model is named after a fingerprint of everything that shapes it (Rasa version, `config.yml`
and the source of our own components it names, every domain file and every training file): `models/schedbot-<fp12>.tar.gz`. When that file exists
the command prints "model up to date" and returns without importing Rasa. Training data is
`data/nlu`, `data/rules` and `data/stories` (never `data/clinic`, the demo clinic).

Also runnable as `python -m bot.train`. Concurrent runs for the same fingerprint wait for each
other (a lock file in the output directory) and the model file appears atomically.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "bot" / "config.yml"
DEFAULT_DOMAIN = ROOT / "bot" / "domain"
DEFAULT_DATA = [ROOT / "data" / "nlu", ROOT / "data" / "rules", ROOT / "data" / "stories"]
DEFAULT_OUT = ROOT / "models"
PREFIX = "schedbot-"
EXCLUDED_DIRS = {"clinic"}
TRAINING_SUFFIXES = {".yml", ".yaml"}


def _yaml_files(path: Path) -> list[Path]:
    """The YAML files under `path` (a file or a directory), sorted, skipping `clinic/` and dot dirs."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    found = []
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).parts
        if any(part in EXCLUDED_DIRS or part.startswith(".") for part in rel[:-1]):
            continue
        if p.is_file() and p.suffix in TRAINING_SUFFIXES and not p.name.startswith("."):
            found.append(p)
    return found


def training_files(data: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in data:
        files.extend(f for f in _yaml_files(Path(d)) if f not in files)
    return files


def _rasa_version() -> str:
    try:
        return metadata.version("rasa")
    except metadata.PackageNotFoundError:
        return "unknown"


def component_files(config: Path) -> list[Path]:
    """Source files of this project's own components named in the config ("bot.sms_normalizer.SmsNormalizer"):
    they shape the model as much as the config does."""
    import yaml

    try:
        parsed = yaml.safe_load(Path(config).read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []
    files: list[Path] = []
    for item in (parsed.get("pipeline") or []) + (parsed.get("policies") or []):
        name = item.get("name", "") if isinstance(item, dict) else ""
        if "." in name:
            source = ROOT / (name.rsplit(".", 1)[0].replace(".", "/") + ".py")
            if source.is_file() and source not in files:
                files.append(source)
    return files


def fingerprint(config: Path = DEFAULT_CONFIG, domain: Path = DEFAULT_DOMAIN,
                data: list[Path] | None = None) -> str:
    """sha256 over the Rasa version, the config and our components it names, the domain files and the
    training files."""
    data = DEFAULT_DATA if data is None else data
    h = hashlib.sha256()
    h.update(f"rasa {_rasa_version()}\n".encode())
    groups = [("config", [Path(config)]), ("components", component_files(Path(config))),
              ("domain", _yaml_files(Path(domain))), ("data", training_files(data))]
    for label, files in groups:
        h.update(f"[{label}]\n".encode())
        for f in files:
            h.update(f.name.encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def model_path(fp: str, out: Path = DEFAULT_OUT) -> Path:
    return Path(out) / f"{PREFIX}{fp[:12]}.tar.gz"


@contextlib.contextmanager
def _lock(out: Path, fp: str):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f".train-{fp[:12]}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _train(config: Path, domain: Path, files: list[Path], out: Path, target: Path, force: bool) -> None:
    """Run Rasa's training into a temp dir inside `out`, then move the model into place."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no calls home from a clinic's machine
    from rasa.model_training import train  # heavy import, only when training is needed

    tmp = Path(tempfile.mkdtemp(prefix=".training-", dir=out))
    try:
        result = train(domain=str(domain), config=str(config), training_files=[str(f) for f in files],
                       output=str(tmp), force_training=force, fixed_model_name="model")
        produced = Path(result.model) if result.model else None
        if result.code != 0 or produced is None or not produced.exists():
            raise RuntimeError(f"Rasa training failed (code {result.code})")
        os.replace(produced, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def record_path(model: Path) -> Path:
    """`schedbot-<fp12>.json` next to the model: how long its training took (read by bench.turns)."""
    return Path(str(model)[: -len(".tar.gz")] + ".json")


def _write_record(model: Path, seconds: float, n_files: int) -> None:
    import json
    from datetime import datetime, timezone

    record = {"model": model.name, "train_seconds": round(seconds, 1), "training_files": n_files,
              "rasa": _rasa_version(), "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    record_path(model).write_text(json.dumps(record, indent=1) + "\n")


KEEP_MODELS = 5
PRUNE_AGE_S = 3600


def _prune(out: Path, keep: Path) -> None:
    """Remove old fingerprinted models: all but the newest KEEP_MODELS, and only those unused for an hour."""
    models = sorted(out.glob(f"{PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    now = time.time()
    for old in models[KEEP_MODELS:]:
        if old == keep or now - old.stat().st_mtime < PRUNE_AGE_S:
            continue
        for path in (old, record_path(old), out / f".train-{old.name[len(PREFIX):len(PREFIX) + 12]}.lock"):
            with contextlib.suppress(OSError):
                path.unlink()


def ensure_model(config: Path = DEFAULT_CONFIG, domain: Path = DEFAULT_DOMAIN, data: list[Path] | None = None,
                 out: Path = DEFAULT_OUT, force: bool = False, echo=print) -> tuple[Path, bool, float]:
    """Return (model path, trained?, seconds); train only when the fingerprinted model is missing."""
    data = DEFAULT_DATA if data is None else [Path(d) for d in data]
    out = Path(out)
    files = training_files(data)
    if not files:
        raise FileNotFoundError(f"no training files under {', '.join(map(str, data))}")
    for p, what in ((Path(config), "config"), (Path(domain), "domain")):
        if not p.exists():
            raise FileNotFoundError(f"{what} not found: {p}")
    fp = fingerprint(config, domain, data)
    target = model_path(fp, out)
    if target.exists() and not force:
        echo(f"model up to date: {target}")
        return target, False, 0.0
    with _lock(out, fp):
        if target.exists() and not force:  # someone else trained it while we waited
            echo(f"model up to date: {target}")
            return target, False, 0.0
        echo(f"training {target.name} ({len(files)} training files) ...")
        started = time.perf_counter()
        _train(Path(config), Path(domain), files, out, target, force)
        took = time.perf_counter() - started
        _write_record(target, took, len(files))
        _prune(out, keep=target)
    echo(f"trained {target} in {took:.1f} s")
    return target, True, took


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="schedbot train", description=__doc__.splitlines()[0])
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="Rasa config (default bot/config.yml)")
    p.add_argument("--domain", type=Path, default=DEFAULT_DOMAIN, help="domain file or dir (default bot/domain)")
    p.add_argument("--data", type=Path, action="append", default=None,
                   help="training data file or dir, repeatable (default data/nlu, data/rules, data/stories)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="models directory (default models/)")
    p.add_argument("--force", action="store_true", help="train even if the model is up to date")
    p.add_argument("--print-path", action="store_true",
                   help="print only the model path this data would produce, and whether it exists")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    data = args.data or DEFAULT_DATA
    if args.print_path:
        target = model_path(fingerprint(args.config, args.domain, data), args.out)
        print(f"{target} {'present' if target.exists() else 'missing'}")
        return 0
    try:
        ensure_model(args.config, args.domain, data, args.out, args.force)
    except FileNotFoundError as exc:
        print(f"schedbot train: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # Rasa reports the details above; keep the last line plain
        print(f"schedbot train: training failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
