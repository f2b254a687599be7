"""Hand-off to a person: records a callback request the clinic can see (a FHIR Task), releases
any hold, ends the current form and tells the patient."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.common import (NO_PHONE, clinic, client, last_bot_texts, latest_text, name_in_text, now, patient_phones, phone_in_text, say,
                            sender_phone, user_texts)
from actions.next_step import PAUSED_SLOTS, release_hold, reset_flow

log = logging.getLogger("schedbot.actions.handoff")


def known_phone(tracker: Tracker) -> str | None:
    """The number to call back: given in this conversation, the SMS sender's, or written in a message
    ("Hi I'm Rosa Delgado, 408 555 0142, I need to talk to someone"), the latest first."""
    said = user_texts(tracker)
    given = tracker.get_slot("phone")
    return (given if given != NO_PHONE else None) or sender_phone(tracker) or next(filter(None, map(phone_in_text, reversed(said))), None)


def callback_task(tracker: Tracker, phone: str | None) -> dict:
    patient_id = tracker.get_slot("patient_id") if tracker.get_slot("verified") else None
    said = user_texts(tracker)
    name = tracker.get_slot("person_name") or next(filter(None, map(name_in_text, reversed(said))), None)
    notes = ["Patient asked the scheduling assistant to talk to a person."]
    asked = (said or [""])[-1].strip()
    if len(asked.split()) > 3:  # "could someone call me? I have questions about a bill": what it is about
        notes.append(f"Request: {asked[:300]}")
    if phone:
        notes.append(f"Callback number: {phone}")
    if not patient_id and name:
        notes.append(f"Name given (not verified): {name}")
    task = {
        "resourceType": "Task",
        "status": "requested",
        "intent": "order",
        "priority": "routine",
        "code": {"text": "Callback request"},
        "description": "Call the patient back about scheduling",
        "authoredOn": now().isoformat(),
        "note": [{"text": n} for n in notes],
        "identifier": [{"system": "urn:schedbot:conversation", "value": tracker.sender_id}],
    }
    if patient_id:
        task["for"] = {"reference": f"Patient/{patient_id}"}
    return task


# Words without which a message is not a request for a person, whatever the classifier says.
ASKS_FOR_PERSON = re.compile(
    r"\b(agent|(?<!in )(?<!in-)person|human|some(one|body)|representative|rep|operator|staff|receptionist|front desk|nurse|"
    r"real|live|call|talk|tlk|sum1|some1|sumone|speak|help|manager|reception|office|transfer|0|zero|persona|humano|agente|hablar)\b", re.I)

# "can i speak with a nurse", "let me talk to someone", "can a nurse call me": a person, whatever the
# classifier made of it (a booking, or the answer to a form's question)
ASKS_TO_SPEAK = re.compile(
    r"\b(speak|talk|tlk|chat)\s+(to|with)\s+(a|an|the|some|your|a real|a live)?\s*(nurse|person|human|some(one|body)|receptionist|"
    r"staff|agent|representative|operator|front desk)\b|\b(a nurse|some(one|body)|a person|staff|the office)\s+(to\s+)?call\s+me\b|"
    r"\b(some(one|body)|any(one|body)|a (real |live )?(person|human)|a nurse)\s+(i|we)\s+(can|could|may|might)\s+(speak|talk|chat)\s+(to|with)\b|"
    r"\b(some(one|body)|any(one|body)|a (real |live )?(person|human))\s+to\s+(speak|talk|chat)\s+(to|with)\b", re.I)


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        form, asked = (tracker.active_loop or {}).get("name"), tracker.get_slot("requested_slot")
        from actions.digressions import ARE_YOU_A_BOT, answered_aside

        if ARE_YOU_A_BOT.search(latest_text(tracker)) and not ASKS_TO_SPEAK.search(latest_text(tracker)) \
                and await answered_aside(dispatcher, latest_text(tracker)):
            return [FollowupAction(form)] if form else []  # "are you a real person?": a question, not a request
        if not form and not ASKS_FOR_PERSON.search(latest_text(tracker)):
            # "can i get it back?", "ok in person is fine then": no person asked for; what it says is answered
            log.info("event=handoff_not_asked form=none")
            return [FollowupAction("action_next")]
        if form and asked and not ASKS_FOR_PERSON.search(latest_text(tracker)):
            # A name like "Gustavo Pereira" classified as a hand-off: it is the answer the form
            # asked for, so the form gets it (and validates it) instead of ending the request.
            log.info("event=handoff_not_asked form=%s", form)
            from actions.forms.base import answer_form

            events = await answer_form(dispatcher, tracker, domain, latest_text(tracker))
            return events if events is not None else [SlotSet(asked, latest_text(tracker)), FollowupAction(form)]
        if form and asked and ABOUT_SOMETHING_ELSE.search(latest_text(tracker)):
            # "can I talk to someone about a billing issue?" mid-booking: the call-back, and the booking goes on
            events = await hand_off(dispatcher, tracker, keep_request=True)
            if not any(e.get("event") == "active_loop" for e in events):
                return [*events, FollowupAction(form)]  # (the form asks its question again)
            return events
        return await hand_off(dispatcher, tracker)


# A person asked for about something besides this request ("can I talk to someone about a billing issue?")
ABOUT_SOMETHING_ELSE = re.compile(r"\babout\s+(?:(?:a|an|my|the|some|our|her|his|their)\s+)?(?:\w+\s+)?(bill\w*|payments?|invoices?|charges?|"
                                  r"referrals?|prescriptions?|refills?|medications?|meds|results?|labs?|records?|claims?|forms?|"
                                  r"letters?|notes?|questions?)\b", re.I)


HANDED_OFF = "asked our front desk to call you back"  # (what the patient is told: a call-off answers it)


def just_handed_off(tracker: Tracker) -> bool:
    """Whether the bot's reply to the patient's previous message was the hand-off."""
    return any(HANDED_OFF in t for t in last_bot_texts(tracker))


async def hand_off(dispatcher, tracker: Tracker, keep_request: bool = False) -> List[Dict[Text, Any]]:
    """Record the callback request, tell the patient; the events that end the current request. With
    ``keep_request`` (a person asked for about something else, mid-way) and a number to call known, the
    request goes on: only the call-back's events (the caller asks its question again)."""
    from actions.fhir import SchedulerError

    phone_line = clinic().get("phone")
    if tracker.get_slot("handoff_task") and tracker.get_slot("callback_number_asked"):
        # "yes please, have someone call me" right after the hand-off asked for a number: one request, not two
        log.info("event=handoff_already task=%s", tracker.get_slot("handoff_task"))
        say(dispatcher, "I've already asked our front desk to call you back. What's the best number to reach you?")
        return [SlotSet("callback_number_asked", True), SlotSet("misses", 0)]
    try:
        phone = known_phone(tracker) or await phone_on_record(tracker)
    except SchedulerError:
        phone = None
    keep_request = keep_request and bool(phone)
    if not keep_request:
        await release_hold(tracker)
    task_id, ask_number = None, False
    try:
        task = await client().create(callback_task(tracker, phone))
        task_id = task.id
        log.info("event=handoff task=%s number=%s kept_request=%s", task.id, bool(phone), keep_request)
        if phone:
            text = f"I've {HANDED_OFF}. They usually reply within one business day."
        else:  # (the web chat: no number anywhere) a call back needs one; the request is recorded meanwhile
            ask_number = True
            text = f"I've {HANDED_OFF}. What's the best number to reach you?"
        if phone_line:
            text += f" You can also call us at {phone_line}."
    except SchedulerError:
        log.warning("event=handoff_failed")
        text = "Sorry, I couldn't pass your request on right now."
        text += f" Please call us at {phone_line}." if phone_line else " Please call the clinic."
    if keep_request:
        say(dispatcher, text + " Meanwhile, let's go on.")
        return [SlotSet("handoff_task", task_id), SlotSet("callback_number_asked", False), SlotSet("misses", 0)]
    say(dispatcher, text)
    booking = {k: tracker.get_slot(k) for k in PAUSED_SLOTS} if tracker.get_slot("goal") == "book" else None
    return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_flow(tracker.slots), SlotSet("goal", None),
            SlotSet("handed_off_request", {**booking, "goal": "book"} if booking and any(booking.values()) else None),
            SlotSet("handoff_task", task_id), SlotSet("callback_number_asked", ask_number), SlotSet("misses", 0)]


async def phone_on_record(tracker: Tracker) -> str | None:
    """The phone number on the verified patient's record, if any."""
    from actions.fhir import SchedulerError

    if not (tracker.get_slot("verified") and tracker.get_slot("patient_id")):
        return None
    try:
        return await phone_of(tracker.get_slot("patient_id"))
    except SchedulerError:
        return None


async def phone_of(patient_id: str) -> str | None:
    """The first phone number on a patient's record (SchedulerError when it cannot be read)."""
    return next(iter(sorted(patient_phones(await client().read("Patient", patient_id)))), None)


async def add_callback_number(dispatcher, task_id: str, phone: str, name: str | None = None) -> None:
    """The number the patient gave after the hand-off asked for it, added to their call-back request, with
    the name they gave with it, if any ("… and my name is Marguerite Delacroix-Hill": who to ask for)."""
    from actions.fhir import SchedulerError

    try:
        await add_notes(task_id, f"Callback number: {phone}", *([f"Caller's name: {name}"] if name else []))
        log.info("event=callback_number_added task=%s", task_id)
        say(dispatcher, f"Thanks, they'll call you at {phone}. Anything else I can help with?")
    except SchedulerError:
        log.warning("event=callback_number_failed task=%s", task_id)
        line = clinic().get("phone")
        say(dispatcher, "Sorry, I couldn't add your number right now." + (f" Please call us at {line}." if line else " Please call the clinic."))


# Asked for the number to call, a message that does something itself ("can you just book it") goes on as
# usual; anything else ("it's for my mother, she needs a follow up") is what the call is about.
SELF_SERVICE = re.compile(r"\b(book|schedule|cancel|reschedule|move|change|list|when is|what time|instead|myself|"
                          r"(can|could) you (just )?(do|help)|hours|address|insurance)\b", re.I)
ADDED = "Patient added: "


async def add_notes(task_id: str, *texts: str, unless: str | None = None) -> bool:
    """``texts`` added to the call-back request's notes (read, then written back); False, and nothing written,
    when a note starting with ``unless`` is there already. Raises SchedulerError when it can't be read or written."""
    task = await client().read("Task", task_id)
    if unless and any((n.text or "").startswith(unless) for n in task.note or []):
        return False
    task.note = [*(task.note or []), *({"text": t} for t in texts)]
    await client().update(task)
    return True


async def add_caller_name(dispatcher, task_id: str, name: str) -> bool:
    """A name sent when asked for the number to call ("Horatio Pembroke"): on the request as not verified (who
    to ask for), and the number asked for once more. False when the request could not be read or written."""
    from actions.fhir import SchedulerError

    try:
        await add_notes(task_id, f"Name given (not verified): {name}")
    except SchedulerError:
        log.warning("event=callback_name_failed task=%s", task_id)
        return False
    log.info("event=callback_name_added task=%s", task_id)
    say(dispatcher, f"Thanks, {name.split()[0]}. What's the best number for them to call you at?")
    return True


async def add_callback_note(dispatcher, task_id: str, text: str) -> bool:
    """What the patient said about the call when asked for the number, added to their call-back request,
    and the number asked for once more. False (nothing said) when they were asked twice already."""
    from actions.fhir import SchedulerError

    try:
        if not await add_notes(task_id, ADDED + text.strip()[:300], unless=ADDED):
            return False
    except SchedulerError:
        log.warning("event=callback_note_failed task=%s", task_id)
        return False
    log.info("event=callback_note_added task=%s", task_id)
    say(dispatcher, "Thanks, I've added that to your request. What's the best number for them to call you at?")
    return True


async def callback_for_patient(dispatcher, tracker: Tracker, task_id: str, name: str, dob: str) -> Dict[Text, Any] | None:
    """Name and birth date sent when asked for the number to call: the patient verified as always, their
    call-back request put on their record with the number on file. The slots that verify them, or None
    (no match, or no number on file: the number is asked for again)."""
    from actions.fhir import SchedulerError
    from actions.forms.verify import find_patient

    try:
        patient_id = await find_patient(tracker, name, dob)
        phone = await phone_of(patient_id) if patient_id else None
        if not (patient_id and phone):
            say(dispatcher, "Thanks. What's the best number for them to call you at?")
            return None
        task = await client().read("Task", task_id)
        task.for_fhir = {"reference": f"Patient/{patient_id}"}
        task.note = [*(task.note or []), {"text": f"Callback number: {phone}"}]
        await client().update(task)
    except SchedulerError:
        log.warning("event=callback_patient_failed task=%s", task_id)
        return None
    log.info("event=callback_patient_added task=%s patient=%s", task_id, patient_id)
    say(dispatcher, f"Thanks, {name.split()[0]}. They'll call you at the number on your record. Anything else I can help with?")
    return {"patient_id": patient_id, "verified": True, "person_name": name, "dob": dob, "verify_failures": 0}


# "never mind, i figured it out", "no need", "don't call": said when asked for the number to call
CALL_OFF = re.compile(r"\b(never ?mind|nvm|no need|figured it out|don'?t (call|need)|do not call|no thanks|no thank you|"
                      r"cancel (the|that|my) call\w*)\b", re.I)


# "never mind, let's just carry on": the request the hand-off ended, back
GO_ON = re.compile(r"\b(carry on|go on|keep going|continue|let'?s (just )?(do|finish) it|(i'?ll|i will|let me) (just )?(do|finish) it)\b", re.I)


async def withdraw_callback(dispatcher, task_id: str) -> None:
    """The call-back request the patient called off, marked cancelled so that nobody calls."""
    from actions.fhir import SchedulerError

    try:
        task = await client().read("Task", task_id)
        task.status = "cancelled"
        await client().update(task)
        log.info("event=callback_withdrawn task=%s", task_id)
        say(dispatcher, "OK, I've called off the call-back request.")
    except SchedulerError:
        log.warning("event=callback_withdraw_failed task=%s", task_id)
