"""Who are you: name + date of birth checked against Patient search (an SMS sender's phone may
narrow the matches, never replace the birth date). Two failed attempts: nothing is disclosed."""
from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker

from actions.common import (SPELLING_HINT, bare_name, clean_name, client, date_in_text, dob_in_text, last_bot_texts, latest_intent, latest_text, name_in_text, now,
                            parse_dob, patient_phones, say, sender_phone, split_name, trailing_name, without_pleasantry)
from actions.digressions import answered_inline
from actions.forms.base import FlowForm

log = logging.getLogger("schedbot.actions.verify")

REGISTER_WORDS = re.compile(r"\b(new|register|sign ?up|first time|never been|create|nuev[oa]|registrar|2)\b", re.I)
RETRY_WORDS = re.compile(r"\b(again|retry|try|yes|yeah|yep|ok|sure|1|otra vez|s[ií])\b", re.I)


# answers that are not a name, though two plain words ("self pay", "no idea")
NOT_A_NAME = re.compile(r"\b(self|pay|cash|insurance|insured|idea|clue|thanks|thank|agent|help|cancel|book|appointment|forget|skip)\b", re.I)

SAYS_NEW = re.compile(r"\b(new patient|i'?m new|im new|i am new|first time|never been|not a patient|register|sign ?up|nuev[oa])\b", re.I)


# a birth date the writer doesn't have ("i don't know his birthday", "no idea", "not sure")
DOB_UNKNOWN = re.compile(r"\b(do ?n'?t|do not|does ?n'?t|does not) (know|remember|have)\b|\b(no idea|not sure|dunno|idk|no clue|"
                         r"can'?t remember|(i )?forg[eo]t|unknown|no s[eé])\b", re.I)


def says_new(tracker: Tracker, text: str) -> bool:
    """ "I'm new" where a name or birth date was expected: register instead of searching."""
    return latest_intent(tracker) == "new_patient" and bool(SAYS_NEW.search(text)) or bool(
        re.fullmatch(r"\W*(i'?m |im |i am )?(a )?(new|new patient|new here|first time( here)?|never been( here| there)?( before)?)\W*", text, re.I))


def _norm(text: str) -> str:
    """Letters only, lower case, accents dropped: "Tomas" typed on a phone is the record's "Tomás"."""
    from actions.who import folded

    return re.sub(r"[^a-z]", "", folded(text))


async def find_patient(tracker: Tracker, name: str, dob: str) -> str | None:
    """The id of the one patient with this name and birth date, or None."""
    parts = split_name(name)
    if not parts:
        return None
    given, family = parts
    # (with their coverage on file: what action_next asks next, once this patient is verified)
    found = await client().search_patients(family=family, given=given, birthdate=dob, with_coverage=True)
    # The server's name search may match prefixes ("Smi" finds "Smith"): insist on the whole name.
    matches = [p for p in found if str(getattr(p, "birthDate", "") or "") == dob
               and any(_norm(n.family or "") == _norm(family) and _norm((n.given or [""])[0]) == _norm(given)
                       for n in (p.name or []))]
    if not matches:  # e.g. two-word family names: search by birth date, then compare whole names
        wanted = _norm(name)
        found = await client().search_patients(birthdate=dob)
        matches = [p for p in found if str(getattr(p, "birthDate", "") or "") == dob
                   and any(_norm(" ".join(list(n.given or []) + [n.family or ""])) == wanted
                           or _norm(f"{(n.given or [''])[0]} {n.family or ''}") == wanted for n in (p.name or []))]
    if not matches and len(name.split()) == 2:  # "Smith, Jane": last name first
        found = await client().search_patients(family=given, given=family, birthdate=dob)
        matches = [p for p in found if str(getattr(p, "birthDate", "") or "") == dob
                   and any(_norm(n.family or "") == _norm(given) and _norm((n.given or [""])[0]) == _norm(family)
                           for n in (p.name or []))]
    phone = sender_phone(tracker)
    if phone and len(matches) > 1:
        narrowed = [p for p in matches if phone in patient_phones(p)]
        matches = narrowed or matches
    return matches[0].id if matches else None


# "no, that is her", "those were hers": the details given before were the other person's
THEY_WERE_THEIRS = re.compile(r"^\W*(?:(?:no|nope|nah)\b\W*)?(?:(?:that|it|those|they)(?:'?s| is| was| are| were)\s+(?:her|him|them|hers|his|theirs|"
                              r"her details|his details|my (?:wife|husband|partner|mother|mom|father|dad)\w*)\b|(?:no|nope|nah)\W*$)", re.I)
NOT_THEIR_NAME = "doesn't look like"
NO_DOB = "date of birth I can't look up the record"  # (said when the patient doesn't know it: action_next resumes)
_THEIRS = {"his": "his", "her": "hers", "their": "theirs"}


def adult_for_a_child(dispatcher, tracker: Tracker, dob: str | None) -> Dict[Text, Any] | None:
    """ "my daughter needs a checkup" - "Rosalind Achterberg 8/19/1985" (her name and birth date asked
    for, both given in one message): the parent's own details, most likely. Asked once (a grown-up son or
    daughter is sent again), and nothing is looked up. (A birth date asked for on its own, after the
    child's name, is taken as given.)"""
    from actions.who import is_child, pronoun, whose

    who = tracker.get_slot("for_whom")
    if not dob or not is_child(who) or who.get("adult_ok"):
        return None
    born, today = date.fromisoformat(dob), now().date()
    if today.year - born.year - ((today.month, today.day) < (born.month, born.day)) < 18:
        return None
    log.info("event=adult_for_child")
    say(dispatcher, f"That date of birth is an adult's. If those were your own details, please send {whose(who)} name "
                    f"and date of birth. If they are {_THEIRS[pronoun(who)]}, just send them again.")
    return {"person_name": None, "dob": None, "for_whom": {**who, "adult_ok": True}}


class ValidateVerifyForm(FlowForm):
    def name(self) -> Text:
        return "validate_verify_form"

    def needed(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("verified") or tracker.get_slot("outcome"):
            return []
        if (tracker.get_slot("verify_failures") or 0) >= 2 or tracker.get_slot("verify_choice") == "register":
            return []
        slots = ["person_name", "dob"]
        if (tracker.get_slot("verify_failures") or 0) >= 1:
            slots.append("verify_choice")
        return slots

    async def validate_person_name(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        checked = (tracker.get_slot("for_whom") or {}).get("checked")
        if isinstance(checked, dict) and THEY_WERE_THEIRS.search(str(value or "")):
            # "no, that is her" when asked again (action_next found no appointments for the details given):
            # they were hers after all, and action_next says she has none
            log.info("event=other_confirmed")
            return {**checked, "verified": True}
        dropped = self.other_person_dropped(dispatcher, tracker, "person_name")
        if dropped:  # "actually just me for now": no visit for them
            return dropped
        if await answered_inline(dispatcher, tracker):
            return {"person_name": None}
        queued = self.another_booking(dispatcher, tracker, "person_name")
        if queued:  # "can you book my son too": after this one, asked again
            return queued
        if says_new(tracker, str(value or "")):
            return {"person_name": None, "verify_choice": "register"}
        from actions.who import one_word_name, same_person, someone_else

        other = someone_else(str(value or ""))
        if other and not same_person(tracker.get_slot("for_whom"), other, tracker.get_slot("person_name")):  # "it's for my son, Leo Lindgren": his record
            who = {"rel": other["rel"], "given": other.get("given")}
            tracker.slots["for_whom"] = who
            if other.get("name"):
                out = {"person_name": other["name"], "for_whom": who, "form_misses": 0}
                born = date_in_text(str(value or ""))  # "now my wife, Lucia Ortiz, born 6/6/1982"
                if born and parse_dob(born):
                    out["dob"] = parse_dob(born).isoformat()
                return out
            return {"person_name": None, "dob": None, "for_whom": who}
        said = str(value or "")
        value = one_word_name(said, tracker.get_slot("for_whom")) or value
        parts = split_name(str(value or ""))
        if not parts and name_in_text(str(value or "")):
            value = name_in_text(str(value))
            parts = split_name(value)
        if not parts and (dob_in_text(str(value or "")) or parse_dob(str(value or ""))):
            # the birth date first: keep it, then ask for the name
            dob = dob_in_text(str(value)) or parse_dob(str(value))
            say(dispatcher, "Got the date of birth." if tracker.get_slot("for_whom") else "Got your date of birth.")  # (Milo's, not yours)
            return {"person_name": None, "dob": dob.isoformat()}
        if not parts and tracker.get_slot("goal") == "book" and not tracker.get_slot("specialty"):
            from actions.care import care_from_text, specialty_name

            spec, visit = care_from_text(said)
            if spec:  # "derm" when asked for the name: what the visit is for, kept; the name asked again
                say(dispatcher, f"Noted: {specialty_name(spec)}.")
                return {"person_name": None, "care": specialty_name(spec), "specialty": spec, "visit_type": visit}
        if not parts and tracker.get_slot("goal") in ("book", "reschedule") and not tracker.get_slot("practitioner"):
            from actions.clinicians import clinician_slots, named_clinician

            wanted = await clinician_slots(said) if named_clinician(said) else {}
            if wanted.get("practitioner"):  # "ok book with Dr. Boyce" when asked for the name: kept, the name asked again
                say(dispatcher, f"Noted: Dr. {named_clinician(said)[:1].upper()}{named_clinician(said)[1:]}.")
                return {"person_name": None, **wanted}
        if tracker.get_slot("goal") == "book" and not name_in_text(said) and not bare_name(said.split()):
            from actions.forms.offer_times import parse_windows

            windows = parse_windows(said)
            if windows:  # "dec 15 afternoon" when asked for the name: the time, kept; the name asked again
                say(dispatcher, "Noted the time.")
                return {"person_name": None, **({} if tracker.get_slot("when_text") else {"when_text": said, "windows": windows})}
        if not parts or (NOT_A_NAME.search(without_pleasantry(str(value))) and not re.search(r"\bname\b", str(value), re.I)):  # "self pay"
            who = tracker.get_slot("for_whom")
            self.miss(dispatcher, tracker, "Sorry, I need the first and last name, like 'Jane Smith'." if who else
                      "Sorry, I need your first and last name, like 'Jane Smith'.")
            return {"person_name": None}
        out: Dict[Text, Any] = {"person_name": clean_name(str(value)), "form_misses": 0}
        from actions.who import same_first_name

        given = (tracker.get_slot("for_whom") or {}).get("given")
        if given and not same_first_name(out["person_name"].split()[0], given) and \
                not any(NOT_THEIR_NAME in t for t in last_bot_texts(tracker)):
            # "book my daughter emma" - "corinne lachapelle": the writer's own name, most likely; asked once
            say(dispatcher, f"That {NOT_THEIR_NAME} {given}'s name. If {given} goes by another name, just send it again.")
            return {"person_name": None}
        maybe_date = date_in_text(said)  # (the whole message: "jo park 8/19/2001, yes that's him")
        if maybe_date and parse_dob(maybe_date):
            out["dob"] = parse_dob(maybe_date).isoformat()
        if tracker.get_slot("goal") == "book" and not tracker.get_slot("when_text"):  # (moving: "the tuesday one" is which)
            from actions.forms.register import answers_ahead
            from actions.next_step import without_name

            # "ok can I book one for next monday? Cuthbert Alder 10/10/1966": the time (or the payment) kept too
            rest = without_name(said.replace(maybe_date, " ") if maybe_date else said)
            out.update({k: v for k, v in answers_ahead(tracker, rest).items() if not tracker.get_slot(k)})
        if tracker.get_slot("goal") == "book" and not tracker.get_slot("specialty"):
            from actions.care import care_from_text, specialty_name
            from actions.next_step import without_name

            spec, visit = care_from_text(without_name(said))
            if spec:  # "ok, i'd like to book a dermatology appointment then. Leontyne Fairclough 9/27/1993"
                log.info("event=care_with_name")
                out.update({"care": specialty_name(spec), "specialty": spec, "visit_type": visit})
        return adult_for_a_child(dispatcher, tracker, out.get("dob")) or out

    async def validate_dob(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        dropped = self.other_person_dropped(dispatcher, tracker, "dob")
        if dropped:  # "actually just me for now": no visit for them
            return dropped
        if await answered_inline(dispatcher, tracker):
            return {"dob": None}
        queued = self.another_booking(dispatcher, tracker, "dob")
        if queued:  # "and my wife needs one too": after this one, asked again
            return queued
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value or "")) and parse_dob(str(value)):
            return {"dob": str(value)}
        if says_new(tracker, str(value or "")):
            return {"dob": None, "verify_choice": "register"}
        dob = parse_dob(str(value or "")) or dob_in_text(str(value or ""))
        if not dob and DOB_UNKNOWN.search(str(value or "")):
            # "i don't know his birthday": asking again cannot help, and no record is looked up without it
            return {**self._no_dob(dispatcher, tracker, "dob_unknown"), "dob": None}
        if not dob:
            self.miss(dispatcher, tracker, "Hmm, I couldn't read that date. Please use month/day/year, like 03/14/1985.")
            return {"dob": None}
        return {"dob": dob.isoformat(), "form_misses": 0}

    async def validate_verify_choice(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        text = str(value or "")
        if DOB_UNKNOWN.search(text) and not (dob_in_text(text) or parse_dob(text) or REGISTER_WORDS.search(text)
                                             or RETRY_WORDS.search(text)):
            return {**self._no_dob(dispatcher, tracker, "dob_unknown_after_failure"), "verify_choice": None}
        # "sorry, typo: 4/5/1977" / "it's Jon Smith": another try with what they just sent
        dob = dob_in_text(text) or parse_dob(text)
        if SPELLING_HINT.search(text):  # "sorry, it's Katherine with a K, McAllister with two Ls": "Katherine McAllister"
            text = _SORRY_ITS.sub("", re.sub(r",\s*", " ", SPELLING_HINT.sub("", text)))
        name = name_in_text(text, loose=False) or (bare_name(text.split()) if not (REGISTER_WORDS.search(text) or RETRY_WORDS.search(text)
                                                                                  or NOT_A_NAME.search(text)) else None)
        name = name or trailing_name(text) or name_part_fixed(text, tracker.get_slot("person_name")) \
            or respelled(text, tracker.get_slot("person_name"))
        year = _YEAR_SAID.search(text)
        if year and not dob and not name and tracker.get_slot("dob"):  # "sorry I meant 1946": that year, the same day
            try:
                dob = date.fromisoformat(tracker.get_slot("dob")).replace(year=int(year.group(1)))
            except ValueError:  # (february 29)
                dob = None
        if name and not dob and _same_name(name, tracker.get_slot("person_name")):
            # the same name typed again: the birth date is what to check, so it is asked (not a second failure)
            return {"verify_choice": None, "person_name": name, "dob": None, "form_misses": 0}
        if dob or name:  # checked again with the other detail as given before
            out: Dict[Text, Any] = {"verify_choice": None, "form_misses": 0}
            if dob:
                out["dob"] = dob.isoformat()
            if name:
                out["person_name"] = name
            return out
        if REGISTER_WORDS.search(text) or tracker.get_intent_of_latest_message() == "new_patient":
            if tracker.get_slot("goal") in ("cancel", "reschedule", "list"):
                # an appointment to change is on a record already: a new one would hold none of it
                say(dispatcher, "To see or change an appointment I need the record it's under. Let's try the name and "
                                "date of birth again, or reply 'agent' and someone will call you.")
                return {"verify_choice": None, "person_name": None, "dob": None}
            return {"verify_choice": "register"}
        if RETRY_WORDS.search(text) or tracker.get_intent_of_latest_message() == "affirm":
            say(dispatcher, "OK, let's try again.")
            return {"verify_choice": None, "person_name": None, "dob": None}
        self.miss(dispatcher, tracker, "Please reply 'try again' or 'new patient'.")
        return {"verify_choice": None}

    @staticmethod
    def _no_dob(dispatcher, tracker: Tracker, event: str) -> Dict[Text, Any]:
        """ "I don't know his birthday" (asked for it, or after a failed try): no try can match, and no record
        is looked up without it. The request ends (a booking queued after it goes on)."""
        from actions.who import whose

        who = tracker.get_slot("for_whom")
        queued = (tracker.get_slot("paused") or {}).get("then")
        log.info("event=%s other=%s", event, bool(who))
        say(dispatcher, f"Without {whose(who)} {NO_DOB}. Reply 'agent' and someone "
                        f"from the clinic will call you back.{'' if queued else ' Anything else I can help with?'}")
        return {"outcome": "dropped"}

    async def after_validation(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        from actions.fhir import SchedulerError, SchedulerUnavailable

        name, dob = tracker.get_slot("person_name"), tracker.get_slot("dob")
        changed = set(tracker.slots_to_validate()) | set(getattr(tracker, "validated_now", set()))
        if tracker.get_slot("verified") or not (name and dob) or not ({"person_name", "dob"} & set(changed)):
            return {}
        if tracker.get_slot("verify_choice"):
            return {}
        said = latest_text(tracker)
        if (tracker.get_slot("verify_failures") or 0) >= 1 and not (dob_in_text(said) or parse_dob(said) or split_name(said)
                                                                    or trailing_name(said) or _NAME_PART.search(said)
                                                                    or _YEAR_SAID.search(said) or _names_part(said, name)):
            # the details that failed, carried into another request ("could you move it to friday?" when asked
            # to try again): not a second attempt; "try again, or register?" is asked again
            log.info("event=verify_not_retried")
            if DOB_UNKNOWN.search(said):  # "ugh I don't remember. just cancel it": no other try will match
                return self._no_dob(dispatcher, tracker, "dob_unknown_after_failure")
            return {}
        try:
            patient_id = await find_patient(tracker, name, dob)
        except SchedulerUnavailable:
            log.warning("event=verify_unavailable")
            say(dispatcher, "Sorry, our scheduling system isn't answering right now. Please try again in a few minutes, or reply 'agent' and someone from the clinic will call you.")
            return {"outcome": "unavailable"}
        except SchedulerError:
            patient_id = None
        if patient_id:
            log.info("event=verified patient=%s", patient_id)
            return {"patient_id": patient_id, "verified": True, "verify_failures": 0, "form_misses": 0}
        failures = (tracker.get_slot("verify_failures") or 0) + 1
        log.info("event=verify_failed attempt=%d", int(failures))
        if failures >= 2:
            say(dispatcher, "Sorry, I still couldn't match those details, so I can't look up or change any appointments. Reply 'agent' and someone from the clinic will call you to help.")
        return {"verify_failures": failures}


# "sorry I meant 1946" after a failed try: the birth date tried, with that year
_YEAR_SAID = re.compile(r"\b(19\d\d|20[0-2]\d)\b")
# "my last name is Albrecht-Moss", "surname's actually Nguyen-Tran", "first name is Jo"
_NAME_PART = re.compile(r"\b(?P<part>last|sur|family|first|given)\s*name(?:\s+is|'s|:)\s+(?:actually\s+|spelled\s+)?(?P<word>[A-Za-zÀ-ÿ'\-]{2,})\s*[.!]?\s*$", re.I)


def name_part_fixed(text: str, name: str | None) -> str | None:
    """The name tried before with the part the patient corrected ("my last name is Albrecht-Moss"), else None."""
    m = _NAME_PART.search(text or "")
    words = (name or "").split()
    if not m or len(words) < 2:
        return None
    word = m.group("word")[:1].upper() + m.group("word")[1:]
    return f"{words[0]} {word}" if m.group("part").lower() in ("last", "sur", "family") else f"{word} {' '.join(words[1:])}"


# "sorry, it's ...", "oops its ...": the lead-in before a corrected name
_SORRY_ITS = re.compile(r"^\W*((sorry|oops|my bad|actually|no|wait)\W+)*((it'?s|its|it is|i'?m|this is|spelled)\s+)?", re.I)


def respelled(text: str, name: str | None) -> str | None:
    """ "Katharine" (after "sorry its Katharine with an a") for "Katherine Szczepanski" tried before: that name
    with the part it respells, else None. One word, close to one part and not the same."""
    import difflib

    word = _SORRY_ITS.sub("", text or "").strip(" .,!")
    words = (name or "").split()
    if len(words) < 2 or not re.fullmatch(r"[A-Za-zÀ-ÿ'\-]{2,}", word):
        return None
    close = [i for i, w in enumerate(words) if w.lower() != word.lower()
             and difflib.SequenceMatcher(None, w.lower(), word.lower()).ratio() >= 0.75]
    if len(close) != 1:
        return None
    words[close[0]] = word[:1].upper() + word[1:]
    return " ".join(words)


def _names_part(text: str, name: str | None) -> bool:
    """Whether the message says a part of the name now tried ("sorry its Katharine with an a"): another try."""
    return any(re.search(rf"\b{re.escape(w)}\b", text or "", re.I) for w in (name or "").split())


def _same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _norm(a) == _norm(b)
