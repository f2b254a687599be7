"""bot/turn_timing.py in the running Rasa: one line per message with where its time went, and no
message text (the file must be as safe as a log)."""
from __future__ import annotations

import json


def test_each_turn_is_timed_without_its_text(stack, turn_timings):
    sender = "timing-check-1"
    stack.say(sender, "hi")
    stack.say(sender, "I need a checkup, my name is Zebulon Quartermaine")
    turns = [json.loads(line) for line in turn_timings.read_text().splitlines()]
    mine = [t for t in turns if t["sender"] == sender]
    assert len(mine) == 2
    for turn in mine:
        assert turn["nlu_n"] == 1 and turn["save_n"] == 1 and turn["predict_n"] >= 2
        assert turn["total"] >= turn["nlu"] + turn["save"] > 0
    assert mine[1].get("action_server_n", 0) >= 1  # the request went to the action server
    assert mine[0].get("action_server_n", 0) == 0  # a greeting did not
    assert "Zebulon" not in turn_timings.read_text() and "checkup" not in turn_timings.read_text()
