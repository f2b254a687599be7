"""The trained model, tested by Rasa itself: every flow and digression as test stories
(tests/assistant/stories/, --fail-on-prediction-errors) and intent F1 on held-out examples."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RASA = str(Path(sys.executable).with_name("rasa"))
LOG_DIR = ROOT / "tests" / "artifacts" / "logs"


@pytest.fixture(scope="module")
def rasa_test(model, tmp_path_factory):
    """One `rasa test` run (stories + held-out NLU), so the model is loaded once."""
    out = tmp_path_factory.mktemp("rasa-test")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    cmd = [RASA, "test", "--model", str(model), "--stories", str(HERE / "stories"), "--nlu", str(HERE / "nlu_heldout.yml"),
           "--out", str(out), "--fail-on-prediction-errors", "--no-plot"]
    with open(LOG_DIR / "assistant-rasa-test.log", "wb") as log:
        proc = subprocess.run(cmd, cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT, timeout=900)
    return proc.returncode, out


def test_every_flow_and_digression_story_passes(rasa_test):
    rc, out = rasa_test
    report = json.loads((out / "story_report.json").read_text()) if (out / "story_report.json").exists() else {}
    failed = (out / "failed_test_stories.yml").read_text() if (out / "failed_test_stories.yml").exists() else ""
    assert rc == 0, f"rasa test failed (see tests/artifacts/logs/assistant-rasa-test.log):\n{failed[:3000]}"
    assert "story:" not in failed.replace("# None of the test stories failed", ""), failed[:3000]
    assert report.get("weighted avg", {}).get("f1-score", 1.0) == 1.0


def test_heldout_intent_f1_floor(rasa_test):
    _, out = rasa_test
    report = json.loads((out / "intent_report.json").read_text())
    f1 = report["weighted avg"]["f1-score"]
    print(f"held-out intent F1 (weighted): {f1:.3f}")
    assert f1 >= 0.85
