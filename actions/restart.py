"""Start over and goodbye: release any hold, end the current form, clear the request."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.common import say
from actions.next_step import HELP, release_hold, reset_flow

log = logging.getLogger("schedbot.actions.restart")


class ActionStartOver(Action):
    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        await release_hold(tracker)
        log.info("event=start_over")
        say(dispatcher, "OK, let's start over. " + HELP)
        events = [ActiveLoop(None), SlotSet("requested_slot", None), *reset_flow(), SlotSet("goal", None)]
        if not tracker.get_slot("verified"):
            events += [SlotSet("person_name", None), SlotSet("dob", None), SlotSet("verify_choice", None),
                       SlotSet("phone", None), SlotSet("email", None)]
        return events


class ActionGoodbye(Action):
    def name(self) -> Text:
        return "action_goodbye"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        await release_hold(tracker)
        log.info("event=goodbye")
        say(dispatcher, "Thanks for reaching out. Take care!")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_flow(), SlotSet("goal", None)]
