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


def test_a_step_that_ends_one_form_and_starts_the_next_is_one_call(stack, turn_timings):
    """action_next starts the next form in its own call, and a form that is done runs action_next in
    its validator's call (actions/forms/base.py): each of these booking steps is one call to the
    action server, and the tracker keeps the history Rasa would have written (the same policies' view)."""
    import httpx

    sender = "timing-check-chain"
    patient = {"resourceType": "Patient", "name": [{"family": "Quillfeather", "given": ["Ottoline"]}], "birthDate": "1966-04-09"}
    pid = httpx.post(f"{stack.fhir_base}/Patient", json=patient, headers={"Content-Type": "application/fhir+json"},
                     timeout=30).json()["id"]
    said = ["I need an appointment for my skin rash", "Ottoline Quillfeather", "04/09/1966", "self pay"]
    for text in said:
        stack.say(sender, text)
    mine = [json.loads(line) for line in turn_timings.read_text().splitlines() if json.loads(line)["sender"] == sender]
    assert [t.get("action_server_n", 0) for t in mine] == [1, 1, 1, 1]
    names = [e["name"] for e in stack.tracker(sender)["events"] if e["event"] in ("action", "active_loop") and e.get("name")]
    for form in ("verify_form", "coverage_form", "booking_form"):  # each started right after action_next, as Rasa does
        at = names.index(form)
        assert names[at - 1] == "action_next" and names[at + 1] == form  # ActionExecuted, then ActiveLoop
    coverage = httpx.get(f"{stack.fhir_base}/Coverage", params={"beneficiary": f"Patient/{pid}"}, timeout=30).json()
    assert [e["resource"]["resourceType"] for e in coverage.get("entry", [])] == ["Coverage"]  # self-pay, recorded
    assert stack.tracker(sender)["active_loop"]["name"] == "booking_form"


def test_the_loaded_model_is_left_out_of_garbage_collection(stack):
    """bot/rasa_server.py freezes what is alive once the model is loaded: a full collection of the model's
    objects stalled a turn for 340 ms (stop 22)."""
    import re

    log = open(stack.children["rasa"].log_path, encoding="utf-8", errors="replace").read()
    frozen = re.search(r"event=heap_frozen objects=(\d+)", log)
    assert frozen and int(frozen.group(1)) > 100_000, "the model's objects were not frozen"
