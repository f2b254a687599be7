"""Start over and goodbye: release any hold, end the current form, clear the request."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.common import NO, YES, latest_text, say
from actions.next_step import GOODBYE, HELP, NOT_NOW, release_hold, reset_flow

log = logging.getLogger("schedbot.actions.restart")

# Words without which a message is not a goodbye, whatever the classifier says.
BYE_WORDS = re.compile(
    r"\b(bye|goodbye|good ?bye|bye-bye|byee+|cya|see (you|ya)|later|thanks|thank|thx|ty|tysm|that'?s (all|it|everything)|thats (all|it|everything)|"
    r"that is (all|it|everything)|done|nothing else|no more|i'?m good|im good|all set|all good|take care|have a (good|nice|great)|"
    r"gotta go|got to go|have to go|adios|ciao|chao|hasta|nvm|never ?mind|forget (it|about it)|stop|quit|exit|leave|gracias|"
    r"no|nope|nah|not now|maybe later)\b", re.I)

# Words without which a message is not "start over", whatever the classifier says.
STARTS_OVER = re.compile(r"\b(start|begin|restart|reset|redo|over|again|scratch|beginning|top|clear|fresh|forget|new conversation|"
                         r"empezar|de nuevo|otra vez)\w*", re.I)
# A goodbye even after a yes ("ok thanks, bye").
STRONG_BYE = re.compile(r"\b(bye|goodbye|good ?bye|cya|see (you|ya)|that'?s (all|it|everything)|thats (all|it|everything)|nothing else|gotta go|"
                        r"never ?mind|nvm|forget (it|about it)|stop|quit|exit)\b", re.I)
# A yes that stays a yes with a goodbye after it ("perfect, see you then!"); not "ok bye"
SURE_YES = re.compile(r"^\W*(yes|yep|yeah|yup|sure|perfect|great|sounds (good|great|perfect)|that works|works for me|book it|"
                      r"please do|go ahead|absolutely|definitely|excellent|wonderful|awesome)\b", re.I)
# A goodbye even when the message also names a request ("no thanks, bye").
SAYS_BYE = re.compile(r"\b(bye|goodbye|good ?bye|cya|see (you|ya)|that'?s (all|it|everything)|thats (all|it|everything)|that is (all|it|everything)|nothing else|"
                      r"all set|take care|have a (good|nice|great)|gotta go|thanks|thank you|thx)\b", re.I)


class ActionStartOver(Action):
    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        text = latest_text(tracker)
        if text and not STARTS_OVER.search(text):
            from actions.forms.base import answer_form

            # "my back hurts" read as "start over": it is the answer the form asked for
            events = await answer_form(dispatcher, tracker, domain, text)
            if events is not None:
                log.info("event=start_over_not_said form=%s", tracker.active_loop_name)
                return events
        await release_hold(tracker)
        from actions.next_step import guess_goal

        again = bool(text) and bool(guess_goal(text))  # "let's start over, I meant to book a skin check"
        log.info("event=start_over with_request=%s", again)
        say(dispatcher, "OK, let's start over." + ("" if again else " " + HELP))
        events = [ActiveLoop(None), SlotSet("requested_slot", None), *reset_flow(tracker.slots), SlotSet("goal", None)]
        if not tracker.get_slot("verified"):
            events += [SlotSet("person_name", None), SlotSet("dob", None), SlotSet("verify_choice", None),
                       SlotSet("phone", None), SlotSet("email", None)]
        return events + ([FollowupAction("action_next")] if again else [])


class ActionGoodbye(Action):
    def name(self) -> Text:
        return "action_goodbye"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        text = latest_text(tracker)
        if not tracker.active_loop_name and text and not SAYS_BYE.search(text) and not NOT_NOW.search(text):
            from actions.next_step import UNDO, guess_goal

            if UNDO.search(text) or guess_goal(text):  # "no, i didn't mean to cancel that!": a request
                log.info("event=goodbye_not_said form=none")
                return [FollowupAction("action_next")]
            from actions.handoff import GO_ON, just_handed_off

            if tracker.get_slot("handed_off_request") and GO_ON.search(text) and just_handed_off(tracker):
                log.info("event=goodbye_not_said form=none")  # "no never mind, let's carry on" right after a hand-off
                return [FollowupAction("action_next")]
        from actions.forms.booking import KEEP_IT
        from actions.forms.coverage import NO_CARD

        card_later = tracker.get_slot("requested_slot") == "member_id" and NO_CARD.search(text or "")
        # "never mind, keep it as it is" while moving: the move is given up, and the patient told so
        keeps_it = bool(tracker.get_slot("old_appt")) and KEEP_IT.search(text or "")
        # "perfect, see you then!" when asked to book (or cancel) it: a yes that also says goodbye
        asked_yes = tracker.get_slot("requested_slot") in ("confirm", "manage_confirm")
        if text and (not BYE_WORDS.search(text) or (YES.search(text) and not STRONG_BYE.search(text))
                     or (asked_yes and SURE_YES.search(text))
                     or (card_later and not STRONG_BYE.search(text))  # "can i give it later?": the id comes later
                     or (keeps_it and not SAYS_BYE.search(text))):
            from actions.forms.base import answer_form

            # "all of them" read as a goodbye: it is the answer the form asked for, so the form gets it
            events = await answer_form(dispatcher, tracker, domain, text)
            if events is not None:
                log.info("event=goodbye_not_said form=%s", tracker.active_loop_name)
                return events
        await release_hold(tracker)
        called_off = []
        if tracker.get_slot("callback_number_asked") and tracker.get_slot("handoff_task"):
            from actions.handoff import CALL_OFF, withdraw_callback

            if CALL_OFF.search(text or "") or NO.search(text or ""):  # asked for a number: "never mind" / "no thanks"
                await withdraw_callback(dispatcher, tracker.get_slot("handoff_task"))
            called_off = [SlotSet("callback_number_asked", False)]
        log.info("event=goodbye")
        say(dispatcher, GOODBYE)
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_flow(tracker.slots), SlotSet("goal", None), *called_off]
