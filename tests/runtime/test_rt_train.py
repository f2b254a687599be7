"""`schedbot train`: fingerprinted models, a no-op when nothing changed, a retrain when data changed."""
import subprocess
import sys
from pathlib import Path

import pytest

from bot import train
from bot.run import child_env
from tests.runtime.rt_tinybot import write_tinybot

ROOT = Path(__file__).resolve().parents[2]


def run_train(project: dict, out: Path, via_cli: bool = False, *extra: str) -> subprocess.CompletedProcess:
    entry = ["bot.cli", "train"] if via_cli else ["bot.train"]
    cmd = [sys.executable, "-m", *entry, "--config", str(project["config"]), "--domain", str(project["domain"]),
           "--data", str(project["data"]), "--out", str(out), *extra]
    return subprocess.run(cmd, cwd=str(ROOT), env=child_env(), capture_output=True, text=True, timeout=900)


def models(out: Path) -> list[Path]:
    return sorted(out.glob("schedbot-*.tar.gz"))


def test_rt_fingerprint_covers_config_domain_and_training_data_only(tmp_path):
    p = write_tinybot(tmp_path / "proj")
    fp = lambda: train.fingerprint(p["config"], p["domain"], [p["data"]])  # noqa: E731
    first = fp()
    assert fp() == first
    files = train.training_files([p["data"]])
    assert [f.name for f in files] == ["nlu.yml", "rules.yml"]  # data/clinic is not training data
    (p["data"] / "clinic" / "clinic.yml").write_text("changed: true\n")
    assert fp() == first
    p["config"].write_text(p["config"].read_text() + "# tuned\n")
    second = fp()
    assert second != first
    p["domain"].write_text(p["domain"].read_text() + "\n")
    assert fp() != second
    assert train.model_path(first, tmp_path).name == f"schedbot-{first[:12]}.tar.gz"


def test_rt_default_training_data_is_nlu_rules_stories():
    names = {d.name for d in train.DEFAULT_DATA}
    assert names == {"nlu", "rules", "stories"}


@pytest.mark.timeout(1200)
def test_rt_train_skips_when_unchanged_and_retrains_when_data_changes(tmp_path):
    p = write_tinybot(tmp_path / "proj")
    out = tmp_path / "models"

    first = run_train(p, out)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "trained" in first.stdout
    [model] = models(out)
    stamp = model.stat().st_mtime_ns

    again = run_train(p, out, True)  # through the `schedbot` dispatcher
    assert again.returncode == 0, again.stderr[-2000:]
    assert "model up to date" in again.stdout
    assert models(out) == [model] and model.stat().st_mtime_ns == stamp

    p["nlu"].write_text(p["nlu"].read_text() + "      - ping please\n")
    third = run_train(p, out)
    assert third.returncode == 0, third.stdout[-2000:] + third.stderr[-2000:]
    assert "trained" in third.stdout
    assert len(models(out)) == 2 and model in models(out)
    assert not list(out.glob(".training-*"))  # the temp training dirs are gone


def test_rt_train_reports_missing_data_plainly(tmp_path):
    p = write_tinybot(tmp_path / "proj")
    cmd = [sys.executable, "-m", "bot.train", "--config", str(p["config"]), "--domain", str(p["domain"]),
           "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "models")]
    r = subprocess.run(cmd, cwd=str(ROOT), env=child_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert "no training files" in r.stderr and "Traceback" not in r.stderr
