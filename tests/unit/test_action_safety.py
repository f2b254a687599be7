"""actions/safety.py: a bug in an action gives the patient an apology and a way to a person, not
silence; the log names the action and the error's type, never its message."""
from __future__ import annotations

import asyncio
import logging

import pytest
from rasa_sdk import Action
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection

import actions  # noqa: F401 - importing the package installs the net, as rasa_sdk does
from actions.safety import APOLOGY


class Broken(Action):
    def name(self):
        return "action_broken_for_test"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="half a reply")
        raise KeyError("Jane Smith 03/14/1985")  # what a bug's message could quote


class Rejecting(Broken):
    def name(self):
        return "action_rejecting_for_test"

    async def run(self, dispatcher, tracker, domain):
        raise ActionExecutionRejection(self.name())


class Fine(Broken):
    def name(self):
        return "action_fine_for_test"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="done")
        return [SlotSet("outcome", "booked")]


def call(name: str) -> dict:
    executor = ActionExecutor()
    for cls in (Broken, Rejecting, Fine):
        executor.register_action(cls())
    tracker = {"sender_id": "s", "slots": {}, "latest_message": {}, "events": [], "paused": False,
               "followup_action": None, "active_loop": {}, "latest_action_name": None}
    return asyncio.run(executor.run({"next_action": name, "tracker": tracker, "domain": {}}))


def test_a_failing_action_apologises_and_records_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="schedbot.actions.safety"):
        result = call("action_broken_for_test")
    assert result == {"events": [], "responses": [{"text": APOLOGY}]}
    assert "action=action_broken_for_test error=KeyError" in caplog.text
    assert "Jane" not in caplog.text and "1985" not in caplog.text


def test_rasas_own_protocol_and_working_actions_pass_through():
    with pytest.raises(ActionExecutionRejection):
        call("action_rejecting_for_test")
    assert call("action_fine_for_test")["events"][0]["value"] == "booked"
