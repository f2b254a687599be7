"""Registering a new patient: name, birth date, phone, optional email -> POST Patient
(the server returns the existing record when there is one)."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker

from actions.common import (NO_PHONE, clean_name, client, date_in_text, dob_in_text, parse_dob, parse_email, parse_phone, phone_in_text, say,
                            sender_phone, split_name, without_pleasantry)
from actions.digressions import answered_inline
from actions.forms.base import FlowForm

log = logging.getLogger("schedbot.actions.register")

SKIP = re.compile(r"\b(skip|no|none|nope|don'?t have|no tengo|n/a|na)\b", re.I)
SAME_PHONE = re.compile(r"\b(this|same|this one|that one|this number|my cell|the one i'?m texting from)\b", re.I)


# "I don't have a phone right now": registered without one (the phone slot holds common.NO_PHONE)
NO_PHONE_SAID = re.compile(r"\b(don'?t|do not|dont) (have|own) (a |any )?(phone|cell|cellphone|mobile|number)|\bno (phone|cell|mobile)\b|"
                           r"^\W*(none|no|nope|nah)\W*$", re.I)


def build_patient(name: str, dob: str, phone: str, email: str | None) -> dict:
    words = name.split()
    given, family = (words[0], " ".join(words[1:])) if len(words) > 1 else (name, name)
    telecom = [{"system": "phone", "value": phone, "use": "mobile"}] if phone and phone != NO_PHONE else []
    if email:
        telecom.append({"system": "email", "value": email})
    return {
        "resourceType": "Patient",
        "active": True,
        "name": [{"use": "official", "family": family, "given": [given]}],
        "birthDate": dob,
        "telecom": telecom,
    }


def answers_ahead(tracker: Tracker, text: str) -> Dict[Text, Any]:
    """The answers to the booking's later questions in a message that is no email (the optional one):
    the plan and member id, or self-pay, and a time; {} when it holds none of them."""
    from actions.forms.coverage import PAYING_MYSELF, match_payer, member_id_in
    from actions.forms.offer_times import parse_windows

    if "@" in text:
        return {}
    out: Dict[Text, Any] = {}
    payer = match_payer(text)
    if payer:
        out.update({"coverage_kind": "insured", "payer": payer["name"]})
        member = member_id_in(text)
        if member:
            out["member_id"] = member
    elif PAYING_MYSELF.search(text):
        out["coverage_kind"] = "self-pay"
    if not tracker.get_slot("when_text") and tracker.get_slot("goal") in ("book", "reschedule"):
        windows = parse_windows(text)
        if windows:
            out.update({"when_text": text, "windows": windows})
    return out


class ValidateRegisterForm(FlowForm):
    def name(self) -> Text:
        return "validate_register_form"

    def needed(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("verified") or tracker.get_slot("outcome"):
            return []
        return ["person_name", "dob", "phone", "email"]

    async def validate_person_name(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        # "actually just me for now" (no visit for them) / "oh and my son needs one too" (after this one)
        aside = self.other_person_dropped(dispatcher, tracker, "person_name") or self.another_booking(dispatcher, tracker, "person_name")
        if aside:
            return aside
        if await answered_inline(dispatcher, tracker):
            return {"person_name": None}
        from actions.who import one_word_name

        value = one_word_name(str(value or ""), tracker.get_slot("for_whom")) or value
        parts = split_name(str(value or ""))
        from actions.forms.verify import NOT_A_NAME

        if not parts or (NOT_A_NAME.search(without_pleasantry(str(value))) and not re.search(r"\bname\b", str(value), re.I)):
            self.miss(dispatcher, tracker, "Sorry, I need the first and last name, like 'Jane Smith'.")
            return {"person_name": None}
        return {"person_name": clean_name(str(value)), "form_misses": 0, **self._also_said(tracker, str(value))}

    @staticmethod
    def _also_said(tracker: Tracker, text: str) -> Dict[Text, Any]:
        """ "my name is Priya Raman, born 3/14/1991, cell 650-555-0142": the rest isn't asked again."""
        dob, phone, email = dob_in_text(text), phone_in_text(text), parse_email(text)
        found = {"dob": dob.isoformat() if dob else None, "phone": phone, "email": email}
        return {slot: value for slot, value in found.items() if value and not tracker.get_slot(slot)}

    async def validate_dob(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        # "actually just me for now" (no visit for them) / "oh and my son needs one too" (after this one)
        aside = self.other_person_dropped(dispatcher, tracker, "dob") or self.another_booking(dispatcher, tracker, "dob")
        if aside:
            return aside
        if await answered_inline(dispatcher, tracker):
            return {"dob": None}
        dob = parse_dob(str(value or "")) or dob_in_text(str(value or ""))
        if not dob:
            self.miss(dispatcher, tracker, "Hmm, I couldn't read that date. Please use month/day/year, like 03/14/1985.")
            return {"dob": None}
        return {"dob": dob.isoformat(), "form_misses": 0}

    async def validate_phone(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        queued = self.another_booking(dispatcher, tracker, "phone")
        if queued:  # "oh and my son needs one too": not an answer; his booking after this one, the question again
            return queued
        dob = dob_in_text(str(value or ""))
        if dob and not parse_phone(re.sub(r"\D", "", date_in_text(str(value)) or "")):
            # "oops, my birthday is 3/5/1990": a correction of what was said before
            say(dispatcher, "Thanks, I corrected the date of birth.")
            return {"phone": None, "dob": dob.isoformat()}
        phone = parse_phone(str(value or ""))
        if not phone and SAME_PHONE.search(str(value or "")):
            phone = sender_phone(tracker)
            if not phone:  # "same number as mine" in the web chat: no number comes with its messages
                self.miss(dispatcher, tracker, "I can't see your number in this chat. Please type it, like 408-555-0123.")
                return {"phone": None}
        if not phone and NO_PHONE_SAID.search(str(value or "")):
            log.info("event=registered_without_phone")
            return {"phone": NO_PHONE, "form_misses": 0}
        if not phone and parse_email(str(value or "")):  # the email first: kept, and a number asked for once more
            say(dispatcher, "Got your email.")
            return {"phone": None, "email": parse_email(str(value)), "form_misses": 0}
        if not phone:
            self.miss(dispatcher, tracker, "That doesn't look like a phone number. Please send 10 digits, like 408-555-0123, "
                                           "or say 'none'.")
            return {"phone": None}
        email = parse_email(str(value or ""))  # "my cell is 510.555.0123 and email ngozi@example.org"
        return {"phone": phone, "form_misses": 0, **({"email": email} if email and not tracker.get_slot("email") else {})}

    async def validate_email(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        queued = self.another_booking(dispatcher, tracker, "email")
        if queued:  # "oh and my son needs one too": not an answer; his booking after this one, the question again
            return queued
        text = str(value or "")
        email = parse_email(text)
        if email:
            return {"email": email, "form_misses": 0}
        phone = phone_in_text(text)
        if phone and tracker.get_slot("phone") and phone != tracker.get_slot("phone"):
            # "oops wrong number, it's 408-555-4321": the number corrected, the email asked again
            say(dispatcher, "Thanks, I corrected the phone number.")
            return {"phone": phone, "email": None}
        ahead = answers_ahead(tracker, text)
        if SKIP.search(text) or tracker.get_intent_of_latest_message() == "deny":
            return {"email": "skip", "form_misses": 0, **ahead}  # ("no email. self pay, next monday?": those kept)
        if ahead:  # "I have UnitedHealthcare, member number …": no email, and the next answers given
            log.info("event=email_skipped_for_answers slots=%s", ",".join(sorted(ahead)))
            return {"email": "skip", "form_misses": 0, **ahead}
        self.miss(dispatcher, tracker, "That doesn't look like an email address. Send it like name@example.com, or say 'skip'.")
        return {"email": None}

    async def after_validation(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        from actions.fhir import SchedulerError, SchedulerUnavailable

        name, dob, phone, email = (tracker.get_slot(s) for s in ("person_name", "dob", "phone", "email"))
        if tracker.get_slot("verified"):
            return {}
        if name and dob and {"person_name", "dob"} & tracker.validated_now:
            # "I'm new" from someone we know (the same name and birth date, what verifying asks): their
            # record, not a second one that would hold none of their appointments
            found = await self._known(dispatcher, tracker, name, dob)
            if found:
                return found
        if not (name and dob and phone and email):
            return {}
        try:
            patient, known = await client().register_patient(build_patient(name, dob, phone, None if email == "skip" else email))
        except SchedulerUnavailable:
            log.warning("event=register_unavailable")
            say(dispatcher, "Sorry, our scheduling system isn't answering right now, so I couldn't register you. Please try again soon, or reply 'agent' and someone will call you.")
            return {"outcome": "unavailable"}
        except SchedulerError:
            log.warning("event=register_failed")
            say(dispatcher, "Sorry, I couldn't save your details. Reply 'agent' and someone from the clinic will call you.")
            return {"outcome": "failed"}
        log.info("event=registered patient=%s known=%s", patient.id, known)
        return self._signed_in(dispatcher, tracker, patient.id, known)

    async def _known(self, dispatcher, tracker: Tracker, name: str, dob: str) -> Dict[Text, Any]:
        from actions.fhir import SchedulerError
        from actions.forms.verify import find_patient

        try:
            pid = await find_patient(tracker, name, dob)
        except SchedulerError:  # (registering goes on; the server still returns a record it matches)
            return {}
        if not pid:
            return {}
        log.info("event=register_found_existing patient=%s", pid)
        return self._signed_in(dispatcher, tracker, pid, True)

    def _signed_in(self, dispatcher, tracker: Tracker, patient_id: str, known: bool) -> Dict[Text, Any]:
        first = tracker.get_slot("person_name").split()[0]
        if tracker.get_slot("for_whom"):  # the parent is writing, not the patient
            say(dispatcher, f"Thanks, I found {first}'s record." if known else f"Thanks, {first} is all set up as a patient.")
        else:
            say(dispatcher, f"Thanks, {first}, I found your record." if known else f"Thanks, {first}, you're all set up as a patient.")
        return {"patient_id": patient_id, "verified": True, "verify_failures": 0, "form_misses": 0}
