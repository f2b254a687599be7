"""action_next: the dispatcher. Runs after a request ("book", "cancel", ...) and after every form,
and decides the next step from the slots: verify -> (register) -> coverage -> booking, or
verify -> manage / list. It sets ``next_form``; rules in data/rules/ activate that form."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.care import care_from_text, specialty_name
from actions.common import NO, client, describe, dob_in_text, latest_intent, latest_text, name_in_text, now, say

log = logging.getLogger("schedbot.actions.next")

GOAL_INTENTS = {
    "book_appointment": "book",
    "cancel_appointment": "cancel",
    "reschedule_appointment": "reschedule",
    "list_appointments": "list",
    "new_patient": "book",
}

# Slots of one request; cleared when a request ends or a new one starts.
FLOW_SLOTS = [
    "care", "specialty", "visit_type", "practitioner", "when_text", "windows", "options", "option", "held", "confirm",
    "seen", "appts", "manage_pick", "manage_confirm", "old_appt", "outcome", "form_misses",
]

NEW_PATIENT = re.compile(r"\b(new patient|i'?m new|im new|i am new|first (time|visit)|never been( there| here)?( before)?|not a patient|register me|sign me up|nuev[oa] paciente)\b", re.I)
WANTS_PERSON = re.compile(r"^\W*(yes|yeah|yea|yep|yup|ya|sure|please|ok(ay)? please|that would be (great|good)|do that|call me|s[ií])\b", re.I)
CHANGE_EXISTING = re.compile(r"\b(cancel\w*|cancle|resched\w*|move|change|switch|push)\b.{0,20}\b(my|the|our)\b.{0,15}\b(appo\w*|appt\w*|visit|booking)", re.I)
HAS_PLAN = re.compile(r"\b(i have|i've got|ive got|i got|my insurance is|insured (with|through|by)|covered by|my plan is)\b", re.I)
STRONG_INTRO = re.compile(r"\b(my name is|my name's|name is|name's|this is|me llamo)\b", re.I)

HELP = "I can book, reschedule or cancel an appointment, or list the ones you have. What would you like?"


_GOAL_WORDS = [
    ("cancel", re.compile(r"\b(cancel\w*|cancle|delete|remove)\b", re.I)),
    ("reschedule", re.compile(r"\b(resched\w*|move|change|switch|rebook)\b", re.I)),
    ("list", re.compile(r"\b(my appo\w*|my appts?|when is my|whens my|what appo\w*|list|coming up|upcoming|do i have (an|any)\w*)\b", re.I)),
    ("book", re.compile(r"\b(book\w*|appo\w*|appt\w*|schedul\w*|see a|see the|cita|visit|checkup|opening)\b", re.I)),
]


def guess_goal(text: str) -> str | None:
    """A request from keywords, for messages the classifier was unsure about."""
    for goal, pattern in _GOAL_WORDS:
        if pattern.search(text or ""):
            return goal
    return "book" if care_from_text(text)[0] else None


def offered_a_person(tracker: Tracker) -> bool:
    """Whether the bot's last message offered a person ("reply 'agent' ...")."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return False
            seen_user = True
        elif event.get("event") == "bot" and seen_user:
            return "'agent'" in (event.get("text") or "")
    return False


_MOVE_TO = re.compile(r"^(.*)\b(?:to|until|till|til|for)\b(.+)$", re.I)


def split_move(text: str) -> tuple[str, str | None]:
    """ "move my tuesday appt to friday" -> ("move my tuesday appt", "friday"); the new time is None
    when the message names only one time (which is then the appointment to move, if anything)."""
    from actions.forms.booking import parse_windows

    m = _MOVE_TO.match(text or "")
    if m and parse_windows(m.group(2)):
        return m.group(1), m.group(2).strip()
    return text or "", (text if not re.search(r"\b(my|the)\s+\w+\s+(appo\w*|appt\w*|visit)\b", text or "", re.I) else None)


def request_text(tracker: Tracker, intent: str) -> str:
    """The text of the patient's latest message with this intent (the request being served)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == intent:
            return event.get("text") or ""
    return ""


def reset_flow() -> List[Dict[Text, Any]]:
    return [SlotSet(s, None) for s in FLOW_SLOTS] + [SlotSet("form_misses", 0)]


async def release_hold(tracker: Tracker) -> None:
    held = tracker.get_slot("held")
    if held:
        try:
            await client().release(held["id"])
            log.info("event=hold_released appt=%s", held["id"])
        except Exception:  # noqa: BLE001 - an unreleased hold expires on its own
            log.warning("event=hold_release_failed appt=%s", held["id"])


def appt_specialty(appt: Any) -> str | None:
    for field in ("specialty", "serviceType"):
        for concept in getattr(appt, field, None) or []:
            for coding in getattr(concept, "coding", None) or []:
                if coding.code in ("394582007", "419772000", "394584008", "394537008"):
                    return coding.code
    return None


class ActionNext(Action):
    def name(self) -> Text:
        return "action_next"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        from actions.fhir import SchedulerError, SchedulerUnavailable

        # A form that rejected the message (the patient switched requests) ends here; the rules
        # then activate whatever form comes next.
        events: List[Dict[Text, Any]] = [ActiveLoop(None), SlotSet("misses", 0)]
        was_in_form = bool(tracker.active_loop_name)
        slots: Dict[Text, Any] = dict(tracker.slots)

        def set_(name, value):
            events.append(SlotSet(name, value))
            slots[name] = value

        def done():
            events.append(SlotSet("next_form", "done"))
            return events

        def go(form):
            events.append(SlotSet("next_form", form))
            log.info("event=next form=%s", form)
            return events

        # "fresh": run right after a patient's message (directly, or via the fallback's keyword guess)
        fresh = tracker.latest_action_name in ("action_listen", "action_default_fallback")
        intent = latest_intent(tracker)
        if fresh and offered_a_person(tracker) and WANTS_PERSON.search(latest_text(tracker)) \
                and not NO.search(latest_text(tracker)):
            # "...reply 'agent' and someone will call you" - "yes please": that is the hand-off
            from actions.handoff import hand_off

            log.info("event=handoff_by_yes")
            events.extend(await hand_off(dispatcher, tracker))
            return done()
        if fresh:
            text = latest_text(tracker)
            goal = GOAL_INTENTS.get(intent)
            if goal == "book" and CHANGE_EXISTING.search(text):
                goal = guess_goal(text)  # "i wanna change my appt" read as booking: the words win
            if goal is None and intent in ("nlu_fallback", "inform", "affirm", "choose_option", "none_of_these", "greet"):
                goal = guess_goal(text)  # the classifier's catch-all: the words still say what they want
            if goal is None and NEW_PATIENT.search(text):
                goal = "book"
            spec, visit = care_from_text(text)
            if goal is None and spec and intent in ("inform", "affirm", "nlu_fallback", "choose_option"):
                goal = "book"
            if goal is None:
                if slots.get("goal") and intent == "affirm":
                    goal = slots.get("goal")
                else:
                    if not slots.get("verified"):
                        name, dob = name_in_text(text), dob_in_text(text)
                        if name and dob:  # "jane smith 3/4/85" before saying what for: keep it
                            set_("person_name", name)
                            set_("dob", dob.isoformat())
                    say(dispatcher, HELP)
                    return done()
            if was_in_form and goal == slots.get("goal"):
                goal = None  # the same request again: carry on where it was
            else:
                await release_hold(tracker)
                if was_in_form:
                    events.append(SlotSet("requested_slot", None))
        if fresh and goal:
            for e in reset_flow():
                events.append(e)
                slots[e["name"]] = e["value"]
            set_("goal", goal)
            if goal == "book" and spec:
                set_("care", specialty_name(spec))
                set_("specialty", spec)
                set_("visit_type", visit)
            if goal == "book":
                from actions.clinicians import clinician_slots

                for key, value in (await clinician_slots(text)).items():  # "I want to see Dr. Boyce"
                    if key == "practitioner" or not spec:
                        set_(key, value)
            if goal == "book" and not slots.get("coverage_done") and HAS_PLAN.search(text):
                from actions.forms.coverage import match_payer

                payer = match_payer(text)  # "i have cigna, can i book a skin check"
                if payer:
                    set_("coverage_kind", "insured")
                    set_("payer", payer["name"])
            if goal in ("book", "reschedule"):
                from actions.forms.booking import parse_windows

                when = text
                if goal == "reschedule":  # "move my tuesday appointment to friday": the new time is after "to"
                    _, when = split_move(text)
                windows = parse_windows(when) if when else []  # "a dermatologist tomorrow morning": don't ask again
                if windows:
                    set_("when_text", when)
                    set_("windows", windows)
            if not slots.get("verified"):
                if intent == "new_patient" or NEW_PATIENT.search(text):
                    set_("verify_choice", "register")
                # "hi im jane smith born 3/4/85 need a checkup": don't ask again what was said
                name, dob = name_in_text(text), dob_in_text(text)
                if name and (dob or STRONG_INTRO.search(text)):
                    set_("person_name", name)
                if dob:
                    set_("dob", dob.isoformat())

        goal = slots.get("goal")
        outcome = slots.get("outcome")
        if outcome:
            log.info("event=flow_end outcome=%s", outcome)
            events.extend(reset_flow())
            events.append(SlotSet("goal", None))
            return done()
        if not goal:
            say(dispatcher, HELP)
            return done()

        if not slots.get("verified"):
            if (slots.get("verify_failures") or 0) >= 2:
                if fresh:
                    say(dispatcher, "I can't look up or change appointments without a match on name and birth date. Reply 'agent' and someone from the clinic will call you.")
                set_("goal", None)
                return done()
            if slots.get("verify_choice") == "register":
                return go("register")
            return go("verify")

        patient_id = slots.get("patient_id")
        try:
            if goal == "book":
                if not slots.get("coverage_done"):
                    if await client().coverages(patient_id):
                        set_("coverage_done", True)
                    else:
                        return go("coverage")
                return go("booking")

            if goal == "list":
                appts = await client().appointments(patient_id, status=["booked"], start=now())
                if not appts:
                    say(dispatcher, "You don't have any upcoming appointments. Want to book one?")
                    set_("goal", "book")
                    log.info("event=listed patient=%s count=0", patient_id)
                    return done()
                else:
                    texts = await describe(appts[:3])
                    more = f"\n…and {len(appts) - 3} more." if len(appts) > 3 else ""
                    head = "Your upcoming appointment:" if len(appts) == 1 else "Your upcoming appointments:"
                    say(dispatcher, "\n".join([head, *[f"- {t}" for t in texts]]) + more)
                log.info("event=listed patient=%s count=%d", patient_id, len(appts))
                set_("goal", None)
                return done()

            # cancel / reschedule
            if goal == "reschedule" and slots.get("old_appt"):
                old = slots["old_appt"]
                if old.get("specialty") and not slots.get("care"):
                    set_("care", specialty_name(old["specialty"]))
                    set_("specialty", old["specialty"])
                return go("booking")
            appts = await client().appointments(patient_id, status=["booked"], start=now())
            if not appts:
                say(dispatcher, "You don't have any upcoming appointments to change. Want to book one?")
                set_("goal", "book")
                return done()
            appts = appts[:3]
            texts = await describe(appts)
            listed = [{"id": a.id, "text": t, "specialty": appt_specialty(a)} for a, t in zip(appts, texts)]
            set_("appts", listed)
            if len(listed) == 1:
                set_("manage_pick", "1")
                set_("old_appt", listed[0])
                if goal == "reschedule":
                    say(dispatcher, f"Let's move your appointment on {listed[0]['text']}.")
                    if listed[0].get("specialty"):
                        set_("care", specialty_name(listed[0]["specialty"]))
                        set_("specialty", listed[0]["specialty"])
                    return go("booking")
            else:
                from actions.common import match_option

                said = request_text(tracker, "cancel_appointment" if goal == "cancel" else "reschedule_appointment")
                if goal == "reschedule":
                    said, _ = split_move(said)  # which one: what comes before "to friday"
                hint = match_option(said, [a["text"] for a in listed])
                if hint:  # "cancel my thursday appointment": that one (a cancel is still confirmed)
                    set_("manage_pick", str(hint))
                    set_("old_appt", listed[hint - 1])
                    if goal == "reschedule":
                        picked = listed[hint - 1]
                        say(dispatcher, f"Let's move your appointment on {picked['text']}.")
                        if picked.get("specialty"):
                            set_("care", specialty_name(picked["specialty"]))
                            set_("specialty", picked["specialty"])
                        return go("booking")
            return go("manage")
        except SchedulerUnavailable:
            log.warning("event=next_unavailable")
            say(dispatcher, "Sorry, our scheduling system isn't answering right now. Please try again in a few minutes, or reply 'agent' and someone from the clinic will call you.")
        except SchedulerError:
            log.warning("event=next_failed")
            say(dispatcher, "Sorry, something went wrong on our side. Reply 'agent' and someone from the clinic will call you.")
        events.extend(reset_flow())
        events.append(SlotSet("goal", None))
        return done()
