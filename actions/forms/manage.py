"""Managing an appointment: pick one of the patient's upcoming appointments, then cancel it
(after a yes) or hand it to the booking form as the one to reschedule."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker

from actions.common import client, option_buttons, parse_choice, say, yes_no
from actions.forms.base import FlowForm

log = logging.getLogger("schedbot.actions.manage")


class ValidateManageForm(FlowForm):
    def name(self) -> Text:
        return "validate_manage_form"

    def needed(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("outcome") or not tracker.get_slot("appts"):
            return []
        if tracker.get_slot("goal") == "cancel":
            return ["manage_pick", "manage_confirm"]
        return ["manage_pick"]

    async def validate_manage_pick(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        appts = tracker.get_slot("appts") or []
        from actions.forms.booking import pick_option

        choice = pick_option(str(value or ""), appts)
        if not choice:
            self.miss(dispatcher, tracker, f"Please reply with a number from 1 to {len(appts)}.")
            return {"manage_pick": None}
        picked = appts[choice - 1]
        return {"manage_pick": str(choice), "old_appt": picked, "form_misses": 0}

    async def validate_manage_confirm(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        text = str(value or "")
        if re.search(r"\b(keep|leave it|don'?t cancel|do not cancel|never ?mind|nvm|not cancel)\b", text, re.I):
            answer = False  # "hmm actually keep it": before anything that sounds like yes
        else:
            answer = yes_no(tracker)
        if answer is None and re.search(r"\bcancel\b", text, re.I):
            answer = True  # "cancel it" / "yes cancel"
        if answer is None:
            self.miss(dispatcher, tracker, "Please reply yes to cancel it, or no to keep it.")
            return {"manage_confirm": None}
        return {"manage_confirm": "yes" if answer else "no", "form_misses": 0}

    async def after_validation(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        from actions.fhir import SchedulerError, SchedulerUnavailable

        if tracker.get_slot("goal") != "cancel" or not tracker.get_slot("old_appt"):
            return {}
        decision = tracker.get_slot("manage_confirm")
        old = tracker.get_slot("old_appt")
        if decision == "no":
            say(dispatcher, f"OK, I kept your appointment on {old['text']}. Anything else?")
            return {"outcome": "kept"}
        if decision != "yes":
            return {}
        try:
            await client().cancel(old["id"], reason="patient-cancel")
        except SchedulerUnavailable:
            log.warning("event=cancel_unavailable")
            say(dispatcher, "Sorry, our scheduling system isn't answering right now, so your appointment is still booked. Please try again soon, or reply 'agent' for a person.")
            return {"outcome": "unavailable"}
        except SchedulerError:
            log.warning("event=cancel_failed appt=%s", old["id"])
            say(dispatcher, "Sorry, I couldn't cancel that appointment. Reply 'agent' and someone from the clinic will help.")
            return {"outcome": "failed"}
        log.info("event=cancelled appt=%s", old["id"])
        say(dispatcher, f"Done, your appointment on {old['text']} is cancelled. Anything else?")
        return {"outcome": "cancelled"}


class ActionAskManagePick(Action):
    def name(self) -> Text:
        return "action_ask_manage_pick"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        appts = tracker.get_slot("appts") or []
        verb = "cancel" if tracker.get_slot("goal") == "cancel" else "change"
        lines = [f"{i}) {a['text']}" for i, a in enumerate(appts, 1)]
        say(dispatcher, "\n".join([f"Which appointment do you want to {verb}?", *lines]), buttons=option_buttons(len(appts)))
        return []


class ActionAskManageConfirm(Action):
    def name(self) -> Text:
        return "action_ask_manage_confirm"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        old = tracker.get_slot("old_appt") or {}
        say(dispatcher, f"Cancel your appointment on {old.get('text', 'that day')}?",
            buttons=[{"title": "Yes, cancel", "payload": "yes"}, {"title": "No, keep it", "payload": "no"}])
        return []
