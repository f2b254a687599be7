"""`schedbot when` as a user runs it: one JSON object per input, --jsonl over stdin."""
import json
import os
import subprocess
import sys
from pathlib import Path

from actions.timeprefs import cli
from tests.support.clock import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]


def run(args, stdin=None, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEDBOT_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "actions.timeprefs.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=full_env)


def test_jsonl_reads_one_text_a_line_and_writes_one_object_a_line():
    lines = ["next tuesday afternoon", "3", "mañana por la tarde", "", "any morning nxt wk except wed"]
    out = run(["--now", TEST_NOW, "--jsonl"], stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    objs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [o["text"] for o in objs] == lines
    assert objs[0]["windows"] == [{"start": "2026-12-08T12:00:00-08:00", "end": "2026-12-08T17:00:00-08:00"}]
    assert objs[1]["windows"] == [] and objs[3]["windows"] == []
    assert objs[2]["windows"] == [{"start": "2026-12-01T12:00:00-08:00", "end": "2026-12-01T17:00:00-08:00"}]
    assert len(objs[4]["windows"]) == 6  # Mon-Sun mornings of Dec 7-13 without Wednesday


def test_env_defaults_now_and_zone():
    out = run(["tomorrow", "at", "9"], env={"SCHEDBOT_NOW": "2026-11-30T07:00:00-05:00", "SCHEDBOT_TZ": "America/New_York"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"text": "tomorrow at 9", "windows": [
        {"start": "2026-12-01T09:00:00-05:00", "end": "2026-12-01T10:00:00-05:00"}]}


def test_flags_override_env(capsys, monkeypatch):
    monkeypatch.setenv("SCHEDBOT_NOW", "2030-01-01T00:00:00+00:00")
    monkeypatch.setenv("SCHEDBOT_TZ", "Europe/Paris")
    assert cli.main(["--now", TEST_NOW, "--tz", "America/Los_Angeles", "tomorrow"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["windows"] == [{"start": "2026-12-01T00:00:00-08:00", "end": "2026-12-02T00:00:00-08:00"}]


def test_bad_zone_is_a_usage_error(capsys):
    assert cli.main(["--tz", "Mars/Olympus", "--now", TEST_NOW, "tomorrow"]) == 2
    assert "schedbot when" in capsys.readouterr().err


def test_schedbot_front_door_dispatches_when(capsys):
    from bot import cli as front

    assert front.main(["when", "--now", TEST_NOW, "asap"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["windows"] == [{"start": "2026-11-30T07:00:00-08:00", "end": "2026-12-28T00:00:00-08:00"}]


def test_jsonl_unwraps_json_lines_with_their_own_now():
    lines = ['{"text": "tomorrow", "now": "2026-12-30T10:00:00-08:00"}', '"asap"', '{not json']
    out = run(["--now", TEST_NOW, "--jsonl"], stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    objs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [o["text"] for o in objs] == ["tomorrow", "asap", "{not json"]
    assert objs[0]["windows"] == [{"start": "2026-12-31T00:00:00-08:00", "end": "2027-01-01T00:00:00-08:00"}]
    assert objs[1]["windows"][0]["start"] == "2026-11-30T07:00:00-08:00"
    assert objs[2]["windows"] == []
