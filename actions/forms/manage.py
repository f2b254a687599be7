"""Managing an appointment: pick one of the patient's upcoming appointments, then cancel it
(after a yes) or hand it to the booking form as the one to reschedule."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker

from actions.common import NO, client, now, option_buttons, say, yes_no
from actions.forms.base import FlowForm
from actions.who import owner

log = logging.getLogger("schedbot.actions.manage")


def short(text: str) -> str:
    """ "Wed Dec 2, 10:00 AM" from "Wed Dec 2, 10:00 AM with Dr. Boyce at ..."."""
    return (text or "").split(" with ")[0].split(" at ")[0]


def short_place(text: str) -> str:
    """ "Wed Dec 2, 10:00 AM with Dr. Boyce" from "Wed Dec 2, 10:00 AM with Dr. Boyce at ..."."""
    return (text or "").split(" at ")[0]


def all_of(every: list, listed: list) -> dict:
    """The "appointment" that stands for all of them ("cancel both"): their ids and a short text."""
    ids = [a.id if hasattr(a, "id") else a["id"] for a in every]
    listed = listed[:3]
    days = [short(x["text"]) for x in listed]
    if len(every) > len(listed):
        days.append(f"{len(every) - len(listed)} more")
    what = " and ".join([", ".join(days[:-1]), days[-1]]) if len(days) > 1 else days[0]
    return {"id": None, "ids": ids, "text": f"{'both' if len(ids) == 2 else 'all ' + str(len(ids))} of your appointments ({what})",
            "all": True}


def _other_one(text: str, appts: list, current: dict | None) -> int | None:
    """ "no the other one" with two appointments: the one not picked."""
    if len(appts) == 2 and current and re.search(r"\b(other|another|different|wrong) (one|appo\w*|appt\w*)\b", text or "", re.I):
        return next((i for i, a in enumerate(appts, 1) if a["id"] != current.get("id")), None)
    return None


def by_kind(text: str, appts: list) -> int | None:
    """ "the skin one", "my physical", "the stomach appointment": the one appointment of that kind."""
    from actions.care import specialty_from_text

    spec = specialty_from_text(text)
    hits = [i for i, a in enumerate(appts, 1) if spec and a.get("specialty") == spec]
    return hits[0] if len(hits) == 1 else None


KEEP_ONE = re.compile(r"\b(keep|leave|not)\s+(the|my)\s+[\w:]+(\s+(one|appointment|appt|visit))?\b", re.I)
EXCEPT = re.compile(r"\b(except|but not|apart from|other than|besides|excluding|not the)\b", re.I)


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
        from actions.next_step import ALL_OF_THEM

        text = str(value or "")
        if text == "all" and (tracker.get_slot("old_appt") or {}).get("all"):
            return {"manage_pick": "all"}  # "cancel both" in the request: set by action_next
        everything = ALL_OF_THEM.search(text) or re.fullmatch(r"\W*(all|both|every ?one|everything)( please| pls)?\W*", text, re.I) \
            or (len(appts) > 1 and re.fullmatch(
            r"\W*(" + r"\W*(,|and|&|\+)?\W*".join(str(i) for i in range(1, len(appts) + 1)) + r")\W*", text))
        if everything and EXCEPT.search(text):  # "all of them except the tuesday one": the one named is kept
            say(dispatcher, "Let's do them one at a time.")  # (then the list again: action_ask_manage_pick)
            return {"manage_pick": None}
        if everything and len(appts) > 1:
            if tracker.get_slot("goal") != "cancel":  # (action_next queues the others once one is picked)
                say(dispatcher, "Let's move them one at a time.")  # (then "Which one first?": action_ask_manage_pick)
                return {"manage_pick": None}
            every = await client().appointments(tracker.get_slot("patient_id"), status=["booked"], start=now())
            listed_ids = {a["id"] for a in appts}
            every = [a for a in every if a.id in listed_ids] + [a for a in every if a.id not in listed_ids]
            return {"manage_pick": "all", "old_appt": all_of(every or appts, appts), "form_misses": 0}
        choice = pick_option(text, appts) or by_kind(text, appts)
        if not choice and (re.search(r"^\W*(none|neither|keep (them|it|both|all)|no+|nope|nah|never ?mind|nvm)\b", text, re.I)
                           or NO.search(text) or re.search(r"\bkeep (them|it|both|all|my)\b", text, re.I)):  # "actually no keep it"
            say(dispatcher, "OK, I kept your appointments as they are. Anything else?")
            return {"manage_pick": None, "outcome": "kept"}
        if not choice:
            self.miss(dispatcher, tracker, f"Please reply with a number from 1 to {len(appts)}.")
            return {"manage_pick": None}
        picked = appts[choice - 1]
        return {"manage_pick": str(choice), "old_appt": picked, "form_misses": 0}

    async def validate_manage_confirm(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        text = str(value or "")
        appts = tracker.get_slot("appts") or []
        current = tracker.get_slot("old_appt") or {}
        other = _other_one(text, appts, current)
        if other is None and len(appts) > 1:
            from actions.common import match_option

            # "no, the friday one"; asked about all of them, "keep the Friday one, just cancel the Tuesday one"
            said = KEEP_ONE.sub(" ", text) if current.get("all") else text
            hit = None if current.get("all") and re.search(r"\b(both|all|every\w*)\b", said, re.I) else \
                match_option(said, [a["text"] for a in appts]) or by_kind(said, appts)
            other = hit if hit and appts[hit - 1]["id"] != current.get("id") else None
        if other:  # that one instead: asked again, about the right one
            return {"manage_confirm": None, "manage_pick": str(other), "old_appt": appts[other - 1], "form_misses": 0}
        from actions.next_step import ALL_OF_THEM

        if ALL_OF_THEM.search(text) and len(appts) > 1 and not current.get("all"):  # "cancel both actually"
            every = await client().appointments(tracker.get_slot("patient_id"), status=["booked"], start=now())
            return {"manage_confirm": None, "manage_pick": "all", "old_appt": all_of(every or appts, appts), "form_misses": 0}
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

        if tracker.get_slot("goal") != "cancel" or not tracker.get_slot("old_appt") or tracker.get_slot("outcome"):
            return {}
        decision = tracker.get_slot("manage_confirm")
        old = tracker.get_slot("old_appt")
        if decision == "no":
            if old.get("all"):  # not all of them: which one, then?
                say(dispatcher, "OK, nothing cancelled yet.")
                return {"manage_confirm": None, "manage_pick": None, "old_appt": None}
            else:
                say(dispatcher, f"OK, I kept {owner(tracker)} appointment on {old['text']}.{'' if tracker.get_slot('paused') else ' Anything else?'}")
            return {"outcome": "kept"}
        if decision != "yes":
            return {}
        more = "" if tracker.get_slot("paused") else " Anything else?"  # (a booking put aside resumes next)
        if old.get("all"):
            return await self._cancel_all(dispatcher, old, more)
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
        say(dispatcher, f"Done, {owner(tracker)} appointment on {old['text']} is cancelled.{more}")
        return {"outcome": "cancelled", "last_cancelled": old if old.get("start") else None}

    async def _cancel_all(self, dispatcher, old: dict, more: str = " Anything else?") -> Dict[Text, Any]:
        from actions.fhir import SchedulerError, SchedulerUnavailable

        done, failed = [], []
        for appt_id in old["ids"]:
            try:
                await client().cancel(appt_id, reason="patient-cancel")
                log.info("event=cancelled appt=%s", appt_id)
                done.append(appt_id)
            except SchedulerUnavailable:
                log.warning("event=cancel_unavailable")
                failed.append(appt_id)
                break
            except SchedulerError:
                log.warning("event=cancel_failed appt=%s", appt_id)
                failed.append(appt_id)
        left = len(old["ids"]) - len(done)
        if not done:
            say(dispatcher, "Sorry, I couldn't cancel your appointments right now, so they are all still booked. Please try again soon, or reply 'agent' for a person.")
            return {"outcome": "failed"}
        if left:
            say(dispatcher, f"I cancelled {len(done)} of your appointments, but {left} {'is' if left == 1 else 'are'} still booked. Reply 'agent' and someone from the clinic will help.")
            return {"outcome": "failed"}
        say(dispatcher, f"Done, I cancelled {'both' if len(done) == 2 else 'all ' + str(len(done))} of your appointments.{more}")
        return {"outcome": "cancelled", "last_cancelled": None}


class ActionAskManagePick(Action):
    def name(self) -> Text:
        return "action_ask_manage_pick"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        appts = tracker.get_slot("appts") or []
        verb = "cancel" if tracker.get_slot("goal") == "cancel" else "change"
        # up to 3 in full; 4 to 6 without the place (or also without the clinician), to fit one text message
        lines = [f"{i}) {a['text'] if len(appts) <= 3 else short_place(a['text'])}" for i, a in enumerate(appts, 1)]
        if sum(len(line) + 1 for line in lines) > 250:
            lines = [f"{i}) {short(a['text'])}" for i, a in enumerate(appts, 1)]
        from actions.next_step import asked_to_move_all

        if verb == "change" and len(appts) > 1 and asked_to_move_all(tracker):  # "reschedule both": one at a time
            say(dispatcher, "\n".join(["Which one first?", *lines]), buttons=option_buttons(len(appts)))
            return []
        if verb == "cancel" and len(appts) > 1:
            lines.append("(or reply 'all')")
        say(dispatcher, "\n".join([f"Which appointment do you want to {verb}?", *lines]), buttons=option_buttons(len(appts)))
        return []


class ActionAskManageConfirm(Action):
    def name(self) -> Text:
        return "action_ask_manage_confirm"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        old = tracker.get_slot("old_appt") or {}
        if old.get("all"):
            question = f"Cancel {old['text']}?"
        else:
            question = f"Cancel {owner(tracker)} appointment on {old.get('text', 'that day')}?"
        say(dispatcher, question,
            buttons=[{"title": "Yes, cancel", "payload": "yes"}, {"title": "No, keep it", "payload": "no"}])
        return []
