"""A FormValidationAction with a hook that runs after the slots of a turn were validated
(where the FHIR calls of a form happen: search, create, hold, book), and dynamic required slots."""
from __future__ import annotations

import contextvars
import functools
import logging
import re
from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

log = logging.getLogger("schedbot.actions.forms")
RASA_FLAG = "x-schedbot-rasa"  # in the domain a Rasa patched by bot/rasa_server.py sends
NEVER_MIND = re.compile(r"^\W*(oh\W+|ok\W+|um+\W+)?(never ?mind|nvm|forget (it|about it)|no thanks|no thank you|not now|"
                        r"i'?ll (call|do it) later)\b[\w\s,.!']{0,30}$", re.I)


# "one sec", "hold on let me check", "brb": no answer yet, and no miss either
HOLD_ON = re.compile(r"^\W*(?:(?:ok(?:ay)?|um+|uh+|oh|sure|yes|yeah)\W+)?(?:one sec(?:ond)?|1 sec|a sec(?:ond)?|sec|just a (?:sec(?:ond)?|moment|min(?:ute)?)|"
                     r"hold on|hang on|brb|be right back|give me a (?:sec(?:ond)?|moment|min(?:ute)?)|wait a (?:sec(?:ond)?|moment|min(?:ute)?)|"
                     r"one moment|one min(?:ute)?|let me (?:check|look|find|see|get|grab))"
                     r"(?:\W+(?:a|sec|second|moment|min|minute|please|pls|plz|let|me|check|look|find|get|grab|it|that|my|card|"
                     r"insurance|calendar|schedule|for|i'?ll|im|i'?m|looking|getting|be|right|back|ok|okay|thanks|lol|one|just|up))*\W*$", re.I)


# "let me check with my wife first, I'll get back to you", "let me think about it": no answer yet either
WAIT_TO_ASK = re.compile(r"\b(?:let me|i(?:'ll| will| need to| have to| gotta| got to| want to| wanna)) (?:check|ask|talk|speak|confirm|double[- ]check)"
                         r"(?: (?:with|to) (?:my|the|our) \w+| (?:my|our) \w+)\b|\b(?:i'?ll|i will) (?:get back to you|let you know)\b|"
                         r"\blet me (?:think|sleep) (?:about it|on it)\b|\bthink about it\b", re.I)


def waits(text: str) -> bool:
    """ "one sec", or "let me check with my husband first": no answer yet (a yes or no in it is one)."""
    from actions.common import NO, said_yes

    return bool(HOLD_ON.search(text)) or (bool(WAIT_TO_ASK.search(text)) and not said_yes(text) and not NO.search(text))


TAKE_YOUR_TIME = "Sure, take your time."


def take_your_time(tracker: Tracker, waiting: str) -> str:
    """ "Sure, take your time." and, when a time is held for them, until when it stays held."""
    held = tracker.get_slot("held") or {}
    if waiting != "confirm" or not held.get("until"):
        return TAKE_YOUR_TIME
    from actions.common import tz_name
    from actions.formatting import clock_text

    return f"{TAKE_YOUR_TIME} I'm holding it for you until {clock_text(held['until'], tz_name())}."


class FlowForm(FormValidationAction):
    """Subclasses implement ``needed(tracker)`` (the slots still relevant, in order) and
    optionally ``after_validation`` returning extra slot values."""

    @abstractmethod
    def needed(self, tracker: Tracker) -> List[Text]:
        """The form's slots still relevant in this state, in the order to ask them."""

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        # Every slot of the form is validated when it changes; which one to ask next is
        # decided by ``needed`` in next_requested_slot.
        return list(domain_slots)

    async def after_validation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return {}

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[EventType]:
        misses_before = tracker.slots.get("form_misses")
        events = await super().get_validation_events(dispatcher, tracker, domain)
        # which slots this turn's validation set (also ones a validate_* method filled on the side)
        tracker.validated_now = {e["name"] for e in events if e.get("event") == "slot"}
        extra = await self.after_validation(dispatcher, tracker, domain) or {}
        if tracker.slots.get("form_misses") != misses_before and "form_misses" not in extra:
            extra["form_misses"] = tracker.slots.get("form_misses")
        tracker.slots.update(extra)
        merged: Dict[Text, Any] = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        merged.update(extra)
        return [SlotSet(k, v) for k, v in merged.items()]

    async def validated_events(self, dispatcher, tracker, domain) -> List[EventType]:
        """Rasa's validate_<form>: the slots this message filled, and the slot to ask next."""
        return await super().run(dispatcher, tracker, domain)

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        from actions.common import latest_text, say
        from actions.handoff import ASKS_TO_SPEAK
        from actions.urgent import URGENT, warn_if_urgent

        waiting = tracker.get_slot("requested_slot")
        answering = bool(waiting) and waiting in tracker.slots_to_validate()
        # "i've had chest pain since yesterday": 911 first (once); no answer (and no miss) unless asked what for
        urgent = answering and bool(URGENT.search(latest_text(tracker)))
        if urgent:
            warn_if_urgent(dispatcher, tracker, latest_text(tracker))
            urgent = waiting != "care"
        if answering and (urgent or waits(latest_text(tracker))):
            if not urgent:
                say(dispatcher, take_your_time(tracker, waiting))
            log.info("event=patient_waits slot=%s", waiting)
            events: List[EventType] = [SlotSet(waiting, None), SlotSet("requested_slot", waiting)]
        elif answering and ASKS_TO_SPEAK.search(latest_text(tracker)):
            from actions.handoff import ABOUT_SOMETHING_ELSE, hand_off  # "can i speak with a nurse?": no answer to the question

            log.info("event=handoff_asked slot=%s", waiting)
            if not ABOUT_SOMETHING_ELSE.search(latest_text(tracker)):
                return await hand_off(dispatcher, tracker)
            # "can I talk to someone about a billing issue?": the call-back, and (a number to call known) this goes on
            events = await hand_off(dispatcher, tracker, keep_request=True)
            if any(e.get("event") == "active_loop" for e in events):
                return events
            events += [SlotSet(waiting, None), SlotSet("requested_slot", waiting)]
        else:
            events = await self.validated_events(dispatcher, tracker, domain)
        # What follows is decided here, so that Rasa needs no other call to the action server and no
        # policy prediction on a long tracker. Done (Rasa's test: a requested_slot set to None): what
        # the rule "<form> done" would run next, action_next (data/rules/forms.yml), runs here. Not
        # done: the question is asked here when it is worded by an action of ours (the domain lists no
        # action_ask_*: Rasa asks only the utter_ask_* questions), then the loop listens (RulePolicy's
        # happy path).
        asked = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "requested_slot"]
        if None in asked:
            events = await self.then_next(dispatcher, tracker, domain, events)
        elif asked:
            ask = ask_action(self.form_name(), asked[0])  # (Rasa asks for the first one set)
            if ask is not None:
                events.extend(await ask.run(dispatcher, tracker, domain))
            if not any(e.get("event") == "active_loop" for e in events):
                events.append(FollowupAction("action_listen"))
        return events

    async def then_next(self, dispatcher, tracker, domain, events: List[EventType]) -> List[EventType]:
        """The form is done: its events, then action_next's, as Rasa would record them had it called
        action_next itself (the form ends, action_next runs and says what comes next: another form
        or listening), in this call instead of one more call to the action server and one more
        prediction. The stories keep action_next in the same place, so the policies see the same history."""
        from actions.next_step import ActionNext

        ended = [*events, ActiveLoop(None)]  # (Rasa adds its own, the same, after these)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in ended if e.get("event") == "slot"}}
        after = Tracker(tracker.sender_id, slots, tracker.latest_message, [*tracker.events, *ended], False, None, {},
                        self.form_name())
        # action_next also starts the next form here when Rasa can take that (bot/rasa_server.py's flag) or
        # when this form was itself started here, inside action_next (no form of Rasa's around it)
        chains = _STARTED_HERE.get() > 0 or (domain.get(RASA_FLAG) or {}).get("chained_forms")
        step = ActionNext().run if chains else ActionNext().decide
        return [*ended, ActionExecuted("action_next"), *await step(dispatcher, after, domain)]

    async def next_requested_slot(self, dispatcher, tracker, domain):
        needed = self.needed(tracker)
        missing = next((s for s in needed if tracker.slots.get(s) is None), None)
        return SlotSet("requested_slot", missing)

    def another_booking(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, keep: Any = None) -> Dict[Text, Any]:
        """ "oh and can you book my son too" as the answer to this question: not the answer, a booking
        queued for after this one (forms/booking.py, queue_another_booking) and the question asked
        again (``keep``: what the message did answer, e.g. a payer named with it); {} otherwise."""
        from actions.forms.booking import queue_another_booking

        paused = queue_another_booking(dispatcher, tracker)
        return {slot: keep, "paused": paused} if paused else {}

    def other_person_dropped(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[Text, Any]:
        """ "actually just me for now" (or "ok bye") when asked about the other person: their visit is
        not booked and the request ends (action_next starts anything queued after it); {} otherwise."""
        from actions.common import latest_text, say
        from actions.who import drops_other

        who = tracker.get_slot("for_whom")
        queued = (tracker.get_slot("paused") or {}).get("then")  # (another booking comes next: action_next)
        if NEVER_MIND.search(latest_text(tracker)):  # "never mind" for a name or a birth date: the request ends
            log.info("event=request_dropped slot=%s", slot)
            say(dispatcher, f"OK, no problem.{'' if queued else ' Anything else I can help with?'}")
            return {slot: None, "outcome": "dropped"}
        if not drops_other(latest_text(tracker), who, tracker.get_slot("goal")):
            return {}
        log.info("event=other_person_dropped")
        done = "nothing booked" if tracker.get_slot("goal") in (None, "book") else "nothing changed"
        said = f"OK, {done} for {who.get('given') or 'your ' + who.get('rel', 'family member')}."
        if not any((m.get("text") or "").startswith(said) for m in dispatcher.messages):  # (once, when two answers drop it)
            say(dispatcher, f"{said}{'' if queued else ' Anything else I can help with?'}")
        return {slot: None, "outcome": "dropped"}

    def miss(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
        """Say why an answer didn't work; on the second miss in a row also offer a person."""
        from actions.common import say

        misses = (tracker.get_slot("form_misses") or 0) + 1
        tracker.slots["form_misses"] = misses
        if misses >= 2:
            text = text.rstrip() + " Or reply 'agent' to talk to a person."
        say(dispatcher, text)


async def answer_form(dispatcher: CollectingDispatcher, tracker: Tracker, domain, text: str) -> List[EventType] | None:
    """A message the classifier took for something else ("all of them" read as a goodbye, a name read
    as a hand-off) given as the answer to the active form's question: the form's own validator runs
    on it here (Rasa validates only right after the patient's message), then the form carries on.
    None when no form is asking anything."""
    from rasa_sdk.events import FollowupAction

    form, asked = (tracker.active_loop or {}).get("name"), tracker.get_slot("requested_slot")
    validator = validator_for(form)
    if not (form and asked and validator):
        return None
    events = list(tracker.events) + [{"event": "slot", "timestamp": None, "name": asked, "value": text}]
    copy = Tracker(tracker.sender_id, {**tracker.slots, asked: text}, tracker.latest_message, events, False, None,
                   tracker.active_loop, tracker.latest_action_name)
    validated = await validator().validated_events(dispatcher, copy, domain)
    return [*validated, FollowupAction(form)]  # (the form then asks its next question)


# how many forms this call has started already (a form done at once starts the next: a bound, like Rasa's
# max_number_of_predictions)
_STARTED_HERE = contextvars.ContextVar("schedbot_forms_started_here", default=0)


def started_in_this_call() -> bool:
    """Whether the form being validated was started in this call, on the message that asked for it."""
    return _STARTED_HERE.get() > 0


async def start_form_here(dispatcher: CollectingDispatcher, tracker: Tracker, domain,
                          events: List[EventType]) -> List[EventType]:
    """action_next's events, ending in FollowupAction("<form>") for Rasa to start that form next, with
    Rasa's start of the form done in this call instead, recorded as Rasa records it: the form runs
    (ActionExecuted, ActiveLoop), its validator checks the slots already filled, and it asks its first
    question; then the loop listens. That spares one more call to the action server and one policy
    prediction per step. The events are left as they are (Rasa starts the form) when Rasa would also
    fill a slot from the message as the form starts: a mapping whose conditions match at that moment."""
    last = events[-1] if events else {}
    form = last.get("name") if last.get("event") == "followup" else None
    validator = validator_for(form)
    if validator is None or _STARTED_HERE.get() >= 2 or any(e.get("event") in ("restart", "reset_slots") for e in events):
        return events
    slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    requested = slots.get("requested_slot")
    if _fills_at_start(domain, form, requested):
        return events
    # Rasa's own: what it sends the validator as the form starts (FormAction.activate, _temporary_tracker)
    prefilled = [SlotSet(s, slots[s]) for s in domain.get("forms", {}).get(form, {}).get("required_slots", [])
                 if slots.get(s) is not None]
    started = [ActionExecuted(form), ActiveLoop(form)]
    history = [*tracker.events, ActionExecuted("action_next"), *events[:-1], ActiveLoop(form),
               SlotSet("requested_slot", requested), ActionExecuted(form), *prefilled]
    loop = {"name": form, "validate": True, "rejected": False, "trigger_message": tracker.latest_message}
    starting = Tracker(tracker.sender_id, {**slots, **{e["name"]: e["value"] for e in prefilled}}, tracker.latest_message,
                       history, False, None, loop, form)
    token = _STARTED_HERE.set(_STARTED_HERE.get() + 1)
    try:
        validated = await validator().run(dispatcher, starting, domain)
    finally:
        _STARTED_HERE.reset(token)
    own = _own_events(validated)
    asked = next((e.get("value") for e in own if e.get("event") == "slot" and e.get("name") == "requested_slot"), None)
    done = _last(own, "slot", "requested_slot") is None or _last(own, "active_loop") is None
    if not done and asked and ask_action(form, asked) is None:  # Rasa asks with the domain's response
        response = next((r for r in (f"utter_ask_{form}_{asked}", f"utter_ask_{asked}") if r in domain.get("responses", {})), None)
        if response:
            dispatcher.utter_message(response=response)
    log.info("event=form_started_here form=%s", form)
    return [*events[:-1], *started, *validated]


def _fills_at_start(domain, form: str, requested) -> bool:
    """Would Rasa's action_extract_slots fill a slot as ``form`` starts? Only through a mapping of the
    message (not custom) whose conditions hold then (active loop ``form``, the requested slot as it is)."""
    for slot in (domain.get("slots") or {}).values():
        for mapping in slot.get("mappings") or []:
            if mapping.get("type") == "custom":
                continue
            conditions = mapping.get("conditions")
            if not conditions or any(c.get("active_loop") in (None, form) and c.get("requested_slot") in (None, requested)
                                     for c in conditions):
                return True
    return False


def _own_events(validated: List[EventType]) -> List[EventType]:
    """A validator's events up to those of the actions it ran after the form (then_next)."""
    end = next((i for i, e in enumerate(validated) if e.get("event") == "action"), len(validated))
    return validated[:end]


def _last(events: List[EventType], kind: str, name: str | None = None) -> Any:
    """The value (for slot events) or name (for active_loop events) the last such event set; "unset"
    when there is none (None is a value: a form ended)."""
    for e in reversed(events):
        if e.get("event") == kind and (name is None or e.get("name") == name):
            return e.get("value") if kind == "slot" else e.get("name")
    return "unset"


def validator_for(form: str | None):
    """The FlowForm that validates ``form``, or None."""
    return _validators().get(form) if form else None


@functools.lru_cache(maxsize=1)
def _validators() -> Dict[Text, Any]:
    from actions.forms import booking, coverage, manage, register, verify  # noqa: F401 - (their FlowForms)

    found: Dict[Text, Any] = {}
    for cls in _all_subclasses(FlowForm):
        found.setdefault(cls().form_name(), cls)
    return found


def ask_action(form: str, slot: str):
    """Our action that asks for ``slot`` in ``form`` (action_ask_<form>_<slot>, else action_ask_<slot>,
    Rasa's order), or None when the domain's utter_ask_* response does."""
    asks = _ask_actions()
    return asks.get(f"action_ask_{form}_{slot}") or asks.get(f"action_ask_{slot}")


@functools.lru_cache(maxsize=1)
def _ask_actions() -> Dict[Text, Any]:
    from actions.forms.booking import ActionAskConfirm, ActionAskOption
    from actions.forms.manage import ActionAskManageConfirm, ActionAskManagePick
    from actions.who import AskRegisterDob, AskRegisterName, AskVerifyDob, AskVerifyName

    asks = [AskVerifyName, AskVerifyDob, AskRegisterName, AskRegisterDob, ActionAskOption, ActionAskConfirm,
            ActionAskManagePick, ActionAskManageConfirm]
    return {a.name(): a for a in (cls() for cls in asks)}


def _all_subclasses(cls) -> list:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_all_subclasses(sub))
    return out
