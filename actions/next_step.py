"""action_next: the dispatcher. Runs after a request ("book", "cancel", ...) and after every form,
and decides the next step from the slots: verify -> (register) -> coverage -> booking, or
verify -> manage / list. It sets ``next_form``; rules in data/rules/ activate that form, and
start_form_here (forms/base.py) does Rasa's start of it in the same call. After a form, the form's
own validation call runs it (FlowForm.then_next), as Rasa would have next."""
from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.care import care_from_text, for_a_child, specialty_from_text, specialty_name, two_kinds
from actions.common import (NO, bare_name, client, clinic, describe, dob_in_text, last_bot_texts, latest_intent, latest_text, name_in_text, now, number_given,
                            parse_email, phone_in_text, say, trailing_name, user_texts)
from actions.urgent import warn_if_urgent
from actions.who import is_child, name_key, whose
from actions.forms.manage import EXCEPT, by_kind

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
    "care", "specialty", "visit_type", "practitioner", "clinician_gender", "place", "when_text", "windows", "options", "option",
    "held", "confirm",
    "seen", "appts", "manage_pick", "manage_confirm", "old_appt", "outcome", "form_misses", "paused",
]
# What a booking put aside for another request keeps ("oh and cancel my other one"): resumed after it.
PAUSED_SLOTS = ["care", "specialty", "visit_type", "practitioner", "clinician_gender", "place", "when_text", "windows"]

NEW_PATIENT = re.compile(r"\b(new (patient|pt)|i'?m new|im new|i am new|first (time|visit)|never been( there| here)?( before)?|not a patient|register me|sign me up|nuev[oa] paciente|"
                         r"(haven'?t|have not|havent|not) (been|seen anyone) (there|here|before|to (you|your))|(she'?s|he'?s|they'?re|she is|he is|they are) new)\b", re.I)
WANTS_PERSON = re.compile(r"^\W*(?:(?:ok(?:ay)?|k|alright|sure)\W+)?(yes|yeah|yea|yep|yup|ya|sure|please|ok(ay)? please|that would be (great|good)|do that|call me|s[ií])\b", re.I)
CHANGE_EXISTING = re.compile(r"\b(cancel\w*|cancle|cxl|canx|cncl|resched\w*|move|change|switch|push|postpone|bump)\b.{0,20}\b(my|the|our|an|a|one|this|that|both|all|these|those)\b"
                             r".{0,15}\b(appo\w*|appt\w*|visit|booking)|\b(cancel\w*|cancle|cxl|canx|cncl|resched\w*)\s+(appo\w*|appt\w*|it|that|them)\b", re.I)
# "oh and cancel my other one" / "move my tues one too" in the middle of booking: another appointment
OTHER_APPT = re.compile(r"\b(cancel\w*|cancle|cxl|move|resched\w*|push|postpone|bump|change)\s+(?:my|the)\s+(?:other|mon\w*|tue\w*|wed\w*|"
                        r"thu\w*|fri\w*|\w+day'?s?|(?:dec|jan|nov)\w* \d+\w*)\s*(one|appo\w*|appt\w*|visit)?\b", re.I)
# "sooner than my current appointment": a move; "can you confirm my appointment?": the list
# ("anything sooner than my friday appointment?": the day it is on, said between)
_SOONER_THAN_MINE = (r"(sooner|earlier) than (my|the|our|his|her) (current |existing |scheduled |upcoming |next )?"
                     r"((mon|tue|wed|thu|fri|sat|sun)\w*('s)? |\d{1,2}(st|nd|rd|th)?('s)? |[a-z]{3,9} \d{1,2}(st|nd|rd|th)?('s)? )?(appo\w*|appts?|one|visit)")
_CONFIRM_MINE = r"(confirm|check on|double[- ]check|verify) (my|his|her|their|our) (next |upcoming )?(appo\w*|appts?)"
# "can't make my thursday one, same time next week?": only ever about an existing appointment
# a request that replaces the booking under way, not one beside it
INSTEAD_OF_BOOKING = re.compile(r"\binstead\b(?!\s+of\s+\w+day)|\brather\b|\b(forget|never ?mind|scratch) (the|that|this) (booking|appo\w*|appt)\b", re.I)
# "can I come in earlier on wednesday?": the appointment that day, at another time
_COME_IN_OTHER_TIME = r"(?:come|get) in (?:a (?:bit|little) )?(?:earlier|later|sooner) (?:on|that|than|instead)"
MOVE_ONLY = re.compile(rf"\b(same time next|(can'?t|cannot|cant) (make|do) (it|my|the|that|mon|tue|wed|thu|fri)|{_SOONER_THAN_MINE}|{_COME_IN_OTHER_TIME}|"
                       # "I have an appointment on the 14th but my ride can't take me that day. Another day that week?"
                       r"(i have|i've got|i got) an? (appo\w*|appt)\b.{0,80}\b(another|a different) (day|time|date)\b)", re.I)
# a member id said with its label, in a message that says much else ("aetna id W123456789")
MEMBER_ID = re.compile(r"\b(?:member\s*(?:id|#|number|no\.?)?|id|#)\s*[:#]?\s*([A-Za-z]{0,4}\d[A-Za-z0-9\-]{4,22})\b|"
                       # "medicare, my number is 1EG4TE5MK73": with a letter in it (a phone number is not an id)
                       r"\b(?:my|the|policy|card)\s+number\s+(?:is\s+)?(?=[A-Za-z0-9\-]*[A-Za-z])([A-Za-z0-9]{0,4}\d[A-Za-z0-9\-]{4,22})\b", re.I)
PAYING_MYSELF = re.compile(r"\b(self[- ]?pay\w*|selfpay|cash|out of pocket|no insurance|uninsured|"
                           r"pay\w* (it |for it )?(my ?self|our ?selves|ourself|her ?self|him ?self|them ?sel(f|ves))|"
                           r"(we|i|she|he|they)'?ll pay|(she|he|they) (will )?pays?( for it)? (her|him|them)sel(f|ves))\b", re.I)
RUNNING_LATE = re.compile(r"\b(running|going to be|gonna be|will be|i'?ll be|i'?m|be a (bit|little))\s+(a (bit|little|few minutes) |about \S+ (minutes?|mins?) |\S+ (minutes?|mins?) )?late\b", re.I)
# Something for later, not now: "i'll call back to rebook", "i'll book when i'm back", "maybe another time"
NOT_NOW = re.compile(r"\b((i|we)'?ll|(i|we) will) ((call|phone|ring|text|message|reach out)( (you|u))?( back| again| later)|get back to (you|u))\b|"
                     r"\b((i|we)'?ll|(i|we) will) (re-?)?book( it| one| that| another)? (later|another time|some other time|when|once|after)\b|"
                     r"\bmaybe (later|another time|some other time)\b", re.I)
HAS_PLAN = re.compile(r"\b(i have|i've got|ive got|i got|my insurance is|insured (with|through|by)|covered by|my plan is|"
                      r"(insurance|plan) (changed|is now)|it'?s now|switched to|changed to|my new (insurance|plan))\b", re.I)
# "did my appointment get cancelled?", "was my appt moved?": a question about it, answered by the list
STATUS_QUESTION = re.compile(r"^\W*(?:(?:hi|hey|hello|um|so|quick question)\W+)?(?:did|was|were|has|have|is)\s+(?:my|the|our|it|that|you)\b"
                             r"(?!.*\b(?:can|could|would|wondering|please|pls|want|like|need|possible|able|late|allowed|(?:ok|okay|fine) to)\b).{0,40}?"
                             r"\b(?:cancel\w*|moved|rescheduled|changed|still (?:on|happening|booked|scheduled|good|there|ok))\b", re.I)
# "can we make that thursday instead?", "actually do it at 3": right after a booking, a move of that appointment
MAKE_IT = re.compile(r"\b(make|do|have|put)\s+(it|that|this|that one|this one|that appt|that appointment)\s+(on\s+|for\s+|at\s+|to\s+)?"
                     r"(mon|tue|wed|thu|fri|sat|sun|tomorrow|tmrw|today|next|this|the\s+\d|\d|later|earlier|in the|morning|afternoon|"
                     r"evening|same time)", re.I)
# words for a kind of visit that any clinician gives: with a clinician named, theirs is the specialty
GENERIC_VISIT = re.compile(r"\b(follow.?up|check.?up|physical|routine|annual|wellness|regular (visit|appointment|appt)|appo\w*|appt\w*|visit)\b", re.I)
STRONG_INTRO = re.compile(r"\b(my name is|my name's|name is|name's|this is|me llamo)\b", re.I)

# "no sorry", "i mean": what follows replaces what came before in the same message
CORRECTION = re.compile(r"\b(?:no,? sorry|no,? wait|wait,? no|sorry,? i mean|i mean|i meant|actually no|no,? actually|scratch that|"
                        r"let me rephrase|correction)\b[,.!:\s]*", re.I)

GOODBYE = "Thanks for reaching out. Take care!"  # (actions/restart.py says it; AFTER_ALL looks for it)
HELP = "I can book, reschedule or cancel an appointment, or list the ones you have. What would you like?"
STILL_UNCLEAR = ("Sorry, I'm still not getting it. Reply 'agent' and someone from the clinic will call you, or say 'book', "
                 "'cancel' or 'my appointments'.")


# "the same thing again", "another one just like it": a booking like the one just made
SAME_KIND = re.compile(r"\b(same (thing|kind|type|visit|appointment|appt)|just like (it|that|this|the last( one)?)|"
                       r"like (that|the last) one|another one like)\b", re.I)
# "book me a new one instead", "rebook it": a visit in place of the one just cancelled
REPLACE_IT = re.compile(r"\b(a new one|another one|one instead|new (appointment|appt) instead|re-?book|"
                        r"(something|anything|a (time|day|slot)) (\w+ ){0,5}instead)\b", re.I)  # ("book me something the week after instead")
# after two failed verifications, whatever is asked about appointments
LOCKED_OUT = ("I can't look up or change appointments without a match on name and birth date. Reply 'agent' and someone "
              "from the clinic will call you.")
# "when is her appointment?", "can you tell me when my appt is": a question about one booked already
WHEN_IS_IT = re.compile(r"\bwhen(?: is|'?s)? (my|his|her|their|our) (next )?(appo\w*|appts?)\b|"
                        rf"\bwhen (my|his|her|their|our) (next )?(appo\w*|appts?) is\b|\b{_CONFIRM_MINE}\b", re.I)
# "what time is the skin one again?", "when's the GI one?" right after a list: a question about one listed
ONE_LISTED = re.compile(r"\b(what time|when|what day|which day|who)\b.{0,30}\bthe\s+(?:[\w-]+\s+){1,2}?one\b", re.I)
_GOAL_WORDS = [
    ("cancel", re.compile(r"\b(cancel\w*|cancle|cxl|canx|cncl|cansel\w*|delete|remove)\b", re.I)),
    # "can we continue with booking my appointment now?": before "my appointment" (a list)
    ("book", re.compile(r"\b(continue|go on|carry on|proceed|resume|finish|get back to)\s+(with\s+)?(the\s+|my\s+)?(booking|scheduling)\b|"
                        r"\b(book|booking|schedule|scheduling)\s+(my|an|a new)\s+(appo\w*|appts?)\b", re.I)),
    ("reschedule", re.compile(r"\b(resched\w*|re-?s(?:ch|c|h|k)e?d\w*|move|change|switch|rebook|push|postpone|bump|delay|same time next|"
                              rf"(can'?t|cannot|cant) (make|do) (it|my|the|that|mon|tue|wed|thu|fri)|{_SOONER_THAN_MINE}|{_COME_IN_OTHER_TIME}|"
                              r"(i have|i've got|i got) an? (appo\w*|appt)\b.{0,80}\b(another|a different) (day|time|date))\b", re.I)),
    ("list", re.compile(r"\b(my appo\w*|my appts?|when is (my|his|her|their|our)|whens my|what appo\w*|list|coming up|upcoming|"
                        r"when (my|his|her|their|our) (next )?(appo\w*|appts?) is|what time (was|is) (that|it|my)|"
                        r"when (was|is) (that|it) again|remind me (when|what time)|"
                        rf"do i have (an|any|some)\w*|{_CONFIRM_MINE})\b", re.I)),
    ("book", re.compile(r"\b(book\w*|appo\w*|appt\w*|apo[ion]\w*|schedul\w*|see a|see the|cita|visit|checkup|opening|get in|come in|"
                        r"be seen|get seen|see (dr|doctor|doc|someone|somebody)|(in|seen) with|availab\w*)\b", re.I)),
]


def without_name(text: str) -> str:
    """The message without the name it gives ("hi this is Chidi Achebe, ..."): a name is no reason
    for a visit, even one that holds a complaint ("Achebe" holds "ache")."""
    name = name_in_text(text) or trailing_name(text)
    for word in (name or "").split():
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text, flags=re.I)
    return text


def last_value(tracker: Tracker, slot: str) -> Any:
    """The latest value other than None a slot was set to in this conversation."""
    return next((e.get("value") for e in reversed(tracker.events)
                 if e.get("event") == "slot" and e.get("name") == slot and e.get("value") is not None), None)


def resumed_without_dob(tracker: Tracker, set_, text: str) -> str | None:
    """The request that ended for want of a birth date ("I'm not sure of her birthday"), taken up again
    when the next message brings one: its goal, with the person and name it was for; else None."""
    from actions.forms.verify import NO_DOB

    if not any(NO_DOB in t for t in last_bot_texts(tracker)):
        return None
    goal = last_value(tracker, "goal")
    if goal not in ("book", "list", "cancel", "reschedule"):
        return None
    for slot in ("for_whom", "person_name"):
        if last_value(tracker, slot) is not None:
            set_(slot, last_value(tracker, slot))
    set_("dob", dob_in_text(text).isoformat())
    log.info("event=resumed_with_dob goal=%s", goal)
    return goal


# "what about my husband's?", "and for my son?", "now my daughter": the request just served, for someone else
WHAT_ABOUT_THEM = re.compile(r"^\W*(?:(?:ok|okay|and|so|great|thanks|thank you)\W+)*(?:what about|how about|and|now|same for|also for|"
                             r"and for|what does|what do)\b.{0,12}\b(?:my|our)\b", re.I)
_JUST_DONE = [("list", re.compile(r"upcoming appointments?:|You have nothing|don't have any upcoming", re.I)),
              ("book", re.compile(r"\b(You're|is) booked:", re.I)), ("cancel", re.compile(r"\bis cancelled\b|I cancelled", re.I))]
# "ok, book one then", "can I book that?": the kind of visit the message before named
ONE_OF_THOSE = re.compile(r"\b(book|schedule|make|get|set up)( me)? (one|it|that|that one)\b", re.I)
# "oh wait that's my cousin. mine is 5/5/1985" after a match: the birth date given was someone else's
DOB_FIXED = re.compile(r"\b(that'?s (my|not)|that was (my|not)|not me|not mine|wrong (person|record|birthday|date)|mine is|"
                       r"my (real |actual |correct )?(birthday|dob|date of birth|birth date) is|i meant)\b", re.I)
# "actually yes I do want to book it" right after "never mind" ended a booking: that booking's kind of visit
AFTER_ALL = re.compile(r"\b(after all|changed my mind|on second thought|actually,? (yes|i do)|i do want)\b", re.I)
_SAME_DAY_AS_THAT = re.compile(r"\b(the )?same day\b|\bthat (same )?day\b", re.I)
_DAY_SHOWN = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b")


def day_just_said(tracker, text: str) -> list | None:
    """ "the same day (in the afternoon)" right after one appointment was listed: that day's windows."""
    if not _SAME_DAY_AS_THAT.search(text or ""):
        return None
    from actions.forms.offer_times import parse_windows

    lines = [line for t in last_bot_texts(tracker) for line in t.splitlines()]
    listed = [line for line in lines if line.startswith("- ")] or lines  # (the list's lines, not its heading's days)
    days = sorted(set(_DAY_SHOWN.findall(" ".join(listed))))
    if len(days) != 1:
        return None
    return parse_windows(f"{days[0]} {_SAME_DAY_AS_THAT.sub(' ', text)}") or parse_windows(days[0]) or None


_THERE = re.compile(r"\b(there|that (clinic|office|location|one)|at (that|this) (clinic|office|location))\b", re.I)


def city_said_before(tracker, text: str) -> str | None:
    """ "ok book me a checkup there" after the addresses of one city's clinics: that city."""
    if not _THERE.search(text or ""):
        return None
    from actions.digressions import our_cities

    said = " ".join(last_bot_texts(tracker))
    cities = [c for c in our_cities() if re.search(rf",\s*{re.escape(c)}\b", said)]  # (as addresses write them)
    return cities[0] if len(cities) == 1 else None


def guess_goal(text: str) -> str | None:
    """A request from keywords, for messages the classifier was unsure about."""
    for goal, pattern in _GOAL_WORDS:
        if pattern.search(text or ""):
            return goal
    return "book" if care_from_text(without_name(text))[0] else None


def writers_details_out(theirs: str, mine: str) -> str:
    """The other person's request without the writer's own name and the birth date given with it, as found
    in the writer's request ``mine`` ("for me and my daughter. babatunde oyelaran 8/8/80": those are his, not
    hers; "my daughter Oriana Whitlock 8/8/2016 and one for me too, Desmond Whitlock 1/1/1982": hers stay)."""
    from actions.common import date_in_text

    name = name_in_text(mine)
    if not name:
        return theirs
    theirs = re.sub(r"\s+".join(rf"\b{re.escape(w)}\b" for w in name.split()), " ", theirs, flags=re.I)
    found = date_in_text(mine)
    return theirs.replace(found, " ") if found and dob_in_text(mine) else theirs


def queue_other_person(dispatcher, text: str, first: dict | None) -> dict:
    """ "a checkup for me and my son Leo": the writer's booking (or ``first``'s) is served first; the
    son's, asked in ``text`` ("a checkup for my son Leo"), is queued as ``paused["then"]`` (forms/booking.py's queue)."""
    from actions.who import someone_else, whose

    other = someone_else(text) or {}
    log.info("event=another_booking_queued other=True")
    now_for = whose({"rel": first["rel"], "given": first.get("given")}) if first else "yours"
    say(dispatcher, f"Sure, I'll book {now_for} first, then {whose({'rel': other.get('rel'), 'given': other.get('given')})}.")
    spec, visit = care_from_text(without_name(text))  # (their own visit: "a checkup for my son" is a well-child visit)
    return {"then": [{"text": text, "care": specialty_name(spec) if spec else None, "specialty": spec, "visit_type": visit}]}


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


ON_THEIR_PHONE = re.compile(r"\b(this is|it'?s|its|i'?m|im)\s+(actually\s+)?(his|her|their)\s+(wife|husband|partner|mom|mother|dad|"
                            r"father|son|daughter|sister|brother|friend|caregiver)\b|\bon (his|her|their) phone\b", re.I)


def someone_new_writes(text: str, verified_name: str | None) -> bool:
    """The message says its writer is not the person this conversation verified: another name with
    "my name is" or a birth date ("hi its Jordan Hale dob 2/28/95"), or "this is his wife"."""
    if ON_THEIR_PHONE.search(text or ""):
        return True
    if not (STRONG_INTRO.search(text or "") or re.search(r"\b(it'?s|its|im|i'?m)\s+[A-Z]", text or "") or dob_in_text(text or "")):
        return False
    said = name_in_text(text or "", loose=False)
    return bool(said and verified_name) and name_key(said) != name_key(verified_name)


def split_move(text: str) -> tuple[str, str | None]:
    """ "move my tuesday appt to friday" -> ("move my tuesday appt", "friday"); the new time is None
    when the message names only one time (which is then the appointment to move, if anything)."""
    from actions.forms.offer_times import parse_windows

    m = re.match(r"^(.*?)\b(?:instead of|rather than)\b(.*)$", text or "", re.I | re.S)
    if m and parse_windows(m.group(1)):  # "can we do thursday instead of tuesday"
        return m.group(2), m.group(1).strip()
    m = _MOVE_TO.match(text or "")
    if m and parse_windows(m.group(2)):
        return m.group(1), m.group(2).strip()
    # ("my tuesday appointment", "i got an appointment on friday the eleventh and i need to change it": the one to move)
    describes = re.search(r"\b(my|the)\s+\w+\s+(appo\w*|appt\w*|visit)\b|\b(an?|my|the)\s+(appo\w*|appt\w*|visit)\s+(on|for|this|next)\b",
                          text or "", re.I)
    return text or "", (None if describes else text)


def request_text(tracker: Tracker, intent: str) -> str:
    """The text of the patient's latest message with this intent (the request being served)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == intent:
            return event.get("text") or ""
    return ""


def reset_flow(current: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The request's slots back to empty, given their ``current`` values: only those not empty yet
    (every event is sent to the action server on every call after this one, and saved)."""
    events = [SlotSet(s, None) for s in FLOW_SLOTS if current.get(s) is not None]
    return events + ([SlotSet("form_misses", 0)] if current.get("form_misses") != 0 else [])


def now_set(tracker: Tracker, events: List[Dict[Text, Any]]) -> Dict[Text, Any]:
    """The slots as they will be once ``events`` (an action's reply so far) are applied."""
    return {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}


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


def appt_practitioner(appt: Any) -> str | None:
    for part in getattr(appt, "participant", None) or []:
        ref = getattr(getattr(part, "actor", None), "reference", None) or ""
        if ref.startswith("Practitioner/"):
            return ref.split("/", 1)[1]
    return None


# "cancel both", "all my appointments", "cancel them all", "everything"
ALL_OF_THEM = re.compile(r"\b(both|everything|all of (them|my|those|these|the)|(them|those|these) all|all (my|the|those|these|\d|two|three)?\s*"
                         r"(appo\w*|appt\w*|visits?|bookings?)|every (appo\w*|appt\w*|one)|each of them|(cancel|drop|clear)\s+all)\b", re.I)
# "can I get it back", "I didn't mean to cancel": the appointment cancelled, at the same time if still free
UNDO = re.compile(r"\b(undo|un-?cancel\w*|(get|have|want|need|put|give)( me)? (it|that|them|my appo\w*|the appo\w*|my appt|that appo\w*|that one|"
                  r"(the|my) \w+ (one|appo\w*|appt))( one)? back|"
                  r"didn'?t (mean|want) (to )?cancel|did not (mean|want) (to )?cancel|cancel+ed (it |that )?(by|on) (mistake|accident)|"
                  r"re-?book (it|that|the same)|book (it|that) again|restore (it|that|my)|reinstate|changed my mind about cancel\w*|"
                  r"shouldn'?t have cancel+ed|by mistake|by accident)\b", re.I)
SAME_TIME = "the same time"


# "cancel my friday appointment and book me something next week instead": a reschedule
_CANCEL_AND_BOOK = re.compile(r"^(.*?\b(?:cancel\w*|cancle|drop)\b.*?)(?:,|\band\b|\bthen\b|&|\+)\s*(?:then\s+)?(?:(?:please|pls|plz|can you|could you|"
                              r"would you|just|also)\s+)*((?:re-?book|book|schedule|make|get|find|give|set)\b.*)$", re.I)


def split_cancel_book(text: str) -> tuple[str, str] | None:
    """(what to cancel, what to book instead) when one message asks for both, else None."""
    m = _CANCEL_AND_BOOK.match(text or "")
    return (m.group(1), m.group(2)) if m else None


def moved_by(tracker: Tracker) -> str | None:
    """The latest message of this request that moves the appointment relative to its time ("push it
    back a week"), looking back no further than the message that asked for the move."""
    from actions.forms.offer_times import says_relative

    request = said_for(tracker, "reschedule")
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        if says_relative(text):
            return text
        if text == request:
            break
    return None


def said_for(tracker: Tracker, goal: str) -> str:
    """The text of the latest message that asked for ``goal`` (by intent, or by its words)."""
    intent = {"cancel": "cancel_appointment", "reschedule": "reschedule_appointment", "list": "list_appointments"}.get(goal)
    words = dict(_GOAL_WORDS).get(goal)
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name == intent or (words and words.search(event.get("text") or "")) or \
                (goal == "list" and STATUS_QUESTION.search(event.get("text") or "")):
            return event.get("text") or ""
    return ""


def undo_text(tracker: Tracker) -> str:
    """The latest message that asked to have a cancelled appointment back."""
    return next((e.get("text") or "" for e in reversed(tracker.events)
                 if e.get("event") == "user" and UNDO.search(e.get("text") or "")), "")


_JUST_ALL = re.compile(r"\W*(all|both|both of them|all of them|every ?one|everything)( please| pls| plz)?\W*", re.I)


def asked_to_move_all(tracker: Tracker) -> bool:
    """ "reschedule both" / "move both of them to next week": the request, or an answer since it, asks
    to move every appointment listed."""
    request = said_for(tracker, "reschedule")
    if not request:  # (a move asked without moving words, "cancel friday's and book me next week": that message only)
        return bool(ALL_OF_THEM.search(latest_text(tracker)))
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        if ALL_OF_THEM.search(text) or _JUST_ALL.fullmatch(text):
            return True
        if text == request:
            return False
    return False


def queue_other_moves(dispatcher, tracker: Tracker, appts: list, picked: dict) -> dict | None:
    """ "reschedule both", once the first one is picked: the others queued as ``paused["then"]`` moves
    (action_next starts each after the one before), said plainly; None when one move was asked for."""
    from actions.forms.manage import short

    others = [a for a in appts or [] if a.get("id") != picked.get("id")]
    if picked.get("in_turn") or not others or not asked_to_move_all(tracker):
        return None
    request = said_for(tracker, "reschedule")
    log.info("event=moves_queued count=%d", len(others))
    rest = " and ".join(short(a["text"]) for a in others)
    say(dispatcher, f"OK, {short(picked['text'])} first, then {rest}.")
    return {"then": [{"goal": "reschedule", "text": request, "appt": {**a, "in_turn": True}} for a in others]}


def next_in_queue(slots: dict) -> list:
    """The requests queued behind the one that just ended ("book my son too", "reschedule both"), or []."""
    then = (slots.get("paused") or {}).get("then") or []
    outcome = slots.get("outcome")
    if outcome in ("booked", "dropped") or (outcome == "rescheduled" and then and then[0].get("goal") == "reschedule"):
        return then
    return []


async def cancelled_to_restore(patient_id: str, last: dict | None, text: str = "") -> dict | None:
    """The appointment to give back: the one cancelled in this conversation, else the patient's
    upcoming appointment cancelled most recently (FHIR); of those on the day ``text`` names, if it names
    one ("can i get the friday one back?" after "cancel both"). As {"id", "start", "specialty", "practitioner"}."""
    days = day_asked(text)
    if last and last.get("start") and (not days or within(datetime.fromisoformat(last["start"]), days)):
        return last
    cancelled = await client().appointments(patient_id, status=["cancelled"], start=now())
    if days:
        cancelled = [a for a in cancelled if a.start and within(a.start, days)]
    if not cancelled:
        return None

    def updated(a):
        meta = getattr(a, "meta", None)
        return str(getattr(meta, "lastUpdated", "") or "")
    a = max(cancelled, key=updated)
    return {"id": a.id, "start": a.start.isoformat() if a.start else None, "specialty": appt_specialty(a),
            "practitioner": appt_practitioner(a)} if a.start else None


def day_asked(text: str, name: str | None = None) -> list:
    """The day(s) a question about appointments names ("what time is my appt tomorrow?", "do i have
    anything on friday"), as windows; [] when it names none (then every upcoming one is listed)."""
    from actions.common import date_in_text
    from actions.forms.offer_times import _DAY_WORDS, parse_windows

    for word in (name or "").split():  # "whens my appt, may smith": a name names no day
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text or "", flags=re.I)
    if dob_in_text(text):  # "whens my appt, jane doe 3/4/85": a birth date names no day
        text = text.replace(date_in_text(text), " ")
    text = re.sub(r"\b(next|upcoming)\s+(appo\w*|appts?|one|visit|booking)", " ", text or "", flags=re.I)  # "my next appt": no day
    return parse_windows(text) if _DAY_WORDS.search(text) else []


def within(start: datetime, windows: list) -> bool:
    """On one of the days the windows touch: questions about appointments name days ("I'm running late
    for my appointment today" is about today, not about late in the day)."""
    from zoneinfo import ZoneInfo

    from actions.common import tz_name
    from actions.forms.offer_times import days_in

    return start.astimezone(ZoneInfo(tz_name())).date() in days_in(windows, limit=62)


def days_label(windows: list) -> str:
    """ "today", "tomorrow", "on Fri Dec 4" or "between Mon Dec 7 and Sun Dec 13": the days asked about."""
    from datetime import timedelta

    from actions.formatting import day_text
    from actions.forms.offer_times import days_in

    days = days_in(windows, limit=62)
    today = now().date()
    if len(days) == 1:
        return {today: "today", today + timedelta(days=1): "tomorrow"}.get(days[0]) or f"on {day_text(days[0])}"
    return f"between {day_text(days[0])} and {day_text(days[-1])}"


# "the second one", "the last appointment", "#2": one of the appointments just listed, by its place
_BY_ORDER = re.compile(r"\b(first|second|third|1st|2nd|3rd|last)\s+(?:one|appo\w*|appt\w*)\b|#\s*(\d)\b|\bnumber\s+(\d)\b", re.I)


def listed_by_order(text: str, bot_said: list[str], listed: list[dict]) -> int | None:
    """Which of ``listed`` (1-based) "the second one" means, when the bot's last message listed them
    ("- Tue Dec 8, 10:00 AM with ..."), else None."""
    shown = [line[2:] for said in bot_said for line in said.splitlines() if line.startswith("- ")]
    m = _BY_ORDER.search(text or "")
    if not shown or not m:
        return None
    word = (m.group(1) or "").lower()
    n = len(shown) if word == "last" else {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(word) \
        or int(m.group(2) or m.group(3))
    if not 1 <= n <= len(shown):
        return None
    return next((i for i, a in enumerate(listed, 1) if a["text"] == shown[n - 1]), None)


async def list_appointments(dispatcher, patient_id: str, asked: str = "", name: str | None = None,
                            for_whom: dict | None = None) -> int:
    """Say the patient's upcoming appointments (at most 3 and how many more), only those of the day
    ``asked`` names if it names one; the number of all upcoming ones."""
    appts = await client().appointments(patient_id, status=["booked"], start=now())
    status_asked = bool(STATUS_QUESTION.search(asked or ""))
    windows = day_asked(asked, name) if appts or status_asked else []
    shown, label = appts, "upcoming"  # (the head's word when no day is named)
    owner = whose(for_whom)  # "Your", or "Mateo's" when a parent asks for their son
    owner = owner[:1].upper() + owner[1:]
    if windows and status_asked and not [a for a in appts if a.start and within(a.start, windows)]:
        # "did my Dec 10 appointment get cancelled?": yes, if one that day was
        gone = [a for a in await client().appointments(patient_id, status=["cancelled"], start=now())
                if a.start and within(a.start, windows)]
        if gone:
            say(dispatcher, f"{owner} appointment on {(await describe(gone[:1]))[0]} was cancelled.")
            log.info("event=listed_cancelled patient=%s", patient_id)
            windows = []  # (then what is still booked)
    if windows and not appts:
        return 0
    if windows:
        shown, label = [a for a in appts if a.start and within(a.start, windows)], days_label(windows)
        if not shown:  # "do i have anything on friday": no, and when the next one is
            first = (await describe(appts[:1]))[0]
            more = f" You have {len(appts) - 1} more after that." if len(appts) > 1 else ""
            say(dispatcher, f"You have nothing {label}. Your next one is {first}.{more}")
            log.info("event=listed patient=%s count=0 others=%d", patient_id, len(appts))
            return len(appts)
    spec = specialty_from_text(asked, strict=True) if asked else None
    if spec and 0 < len([a for a in shown if appt_specialty(a) == spec]) < len(shown):
        shown = [a for a in shown if appt_specialty(a) == spec]  # "when is my skin appointment?": that one
    if shown:
        texts = await describe(shown[:3])
        more = f"\n…and {len(shown) - 3} more." if len(shown) > 3 else ""
        noun = "appointment" if len(shown) == 1 else "appointments"
        head = f"{owner} {label} {noun}:" if not windows else f"{owner} {noun} {label}:"
        say(dispatcher, "\n".join([head, *[f"- {t}" for t in texts]]) + more)
        if RUNNING_LATE.search(asked or ""):  # the clinic is told by phone: nobody reads this chat
            phone = clinic().get("phone")
            say(dispatcher, f"If you're running late, please call the front desk{' at ' + phone if phone else ''} so they can let your clinician know.")
    log.info("event=listed patient=%s count=%d", patient_id, len(shown))
    return len(appts)


async def list_then_resume(dispatcher, tracker: Tracker, slots: dict) -> List[Dict[Text, Any]]:
    from rasa_sdk.events import FollowupAction

    from actions.fhir import SchedulerError

    try:
        if not await list_appointments(dispatcher, slots.get("patient_id"), latest_text(tracker), slots.get("person_name"),
                                     slots.get("for_whom")):
            say(dispatcher, "You don't have any other upcoming appointments.")
    except SchedulerError:
        log.warning("event=list_failed")
        say(dispatcher, "Sorry, I couldn't look up your appointments just now.")
    return [SlotSet("misses", 0), FollowupAction(tracker.active_loop_name)]


class ActionNext(Action):
    def name(self) -> Text:
        return "action_next"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        from actions.forms.base import start_form_here

        return await start_form_here(dispatcher, tracker, domain, await self.decide(dispatcher, tracker, domain))

    async def decide(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        """The next step's events: done (listen), or FollowupAction("<form>") to start that form."""
        from actions.fhir import SchedulerError, SchedulerUnavailable

        # A form that rejected the message (the patient switched requests) ends here; the rules
        # then activate whatever form comes next.
        events: List[Dict[Text, Any]] = [ActiveLoop(None), SlotSet("misses", 0)]
        was_in_form = bool(tracker.active_loop_name)
        slots: Dict[Text, Any] = dict(tracker.slots)

        def set_(name, value):
            events.append(SlotSet(name, value))
            slots[name] = value

        # The rules run `<form>_form` next (or listen, when done: data/rules/forms.yml); saying so here
        # spares Rasa a policy prediction on a long tracker.
        def done():
            events.extend([SlotSet("next_form", "done"), FollowupAction("action_listen")])
            return events

        def go(form):
            events.extend([SlotSet("next_form", form), FollowupAction(f"{form}_form")])
            log.info("event=next form=%s", form)
            return events

        # "fresh": run right after a patient's message (directly, or via the fallback's keyword guess)
        # the booking form stepped aside for another request about an existing appointment (forms/booking.py)
        switching = slots.get("outcome") == "switch"
        if switching:
            set_("outcome", None)
            was_in_form = True
        # "book my son too" said while booking: once that booking ends, the next one starts as if just asked
        queue = next_in_queue(slots)
        queued = queue[0] if queue else None
        fresh = bool(queued) or switching or tracker.latest_action_name in ("action_listen", "action_default_fallback", "action_handoff",
                                                                            "action_goodbye", "action_answer_question", "action_start_over")
        intent = ("reschedule_appointment" if queued.get("goal") == "reschedule" else "book_appointment") if queued else latest_intent(tracker)
        from actions.handoff import ASKS_TO_SPEAK, hand_off

        if fresh and not queued:
            warn_if_urgent(dispatcher, tracker, latest_text(tracker))  # "chest pain": 911 first, then as asked
        if fresh and not queued and offered_a_person(tracker) and WANTS_PERSON.search(latest_text(tracker)) \
                and not NO.search(latest_text(tracker)):
            # "...reply 'agent' and someone will call you" - "yes please": that is the hand-off
            log.info("event=handoff_by_yes")
            events.extend(await hand_off(dispatcher, tracker))
            return done()
        if fresh and not queued and intent != "handoff" and ASKS_TO_SPEAK.search(latest_text(tracker)):
            # "can i speak with a nurse please" read as a booking: the words win
            log.info("event=handoff_by_words intent=%s", intent)
            events.extend(await hand_off(dispatcher, tracker))
            return done()
        called_off = False
        if slots.get("callback_number_asked"):  # asked once: whatever comes next is answered as usual
            from actions.handoff import (CALL_OFF, SELF_SERVICE, add_callback_note, add_callback_number, add_caller_name,
                                         callback_for_patient, withdraw_callback)

            set_("callback_number_asked", False)
            said = latest_text(tracker)
            number = number_given(said) if fresh and not queued else None
            if number and slots.get("handoff_task"):  # the number the hand-off asked for
                await add_callback_number(dispatcher, slots["handoff_task"], number,
                                          None if slots.get("verified") else name_in_text(said))
                return done()
            if fresh and not queued and slots.get("handoff_task") and CALL_OFF.search(said):
                await withdraw_callback(dispatcher, slots["handoff_task"])  # (a request in the same message goes on)
                called_off = True
                if not guess_goal(CALL_OFF.split(said)[-1]) and not UNDO.search(said):
                    say(dispatcher, "Anything else I can help with?")
                    return done()
            elif fresh and not queued and slots.get("handoff_task") and not slots.get("verified") \
                    and (given_name := name_in_text(said)) and (given_dob := dob_in_text(said)) and not SELF_SERVICE.search(said):
                # "Winifred Crabtree, 1/20/1945" when asked for the number: the number on her record
                found = await callback_for_patient(dispatcher, tracker, slots["handoff_task"], given_name, given_dob.isoformat())
                for slot, value in (found or {}).items():
                    set_(slot, value)
                set_("callback_number_asked", not found)
                return done()
            elif fresh and not queued and slots.get("handoff_task") and not slots.get("verified") and not dob_in_text(said) \
                    and (caller := bare_name(said.split()) or name_in_text(said)) \
                    and await add_caller_name(dispatcher, slots["handoff_task"], caller):
                set_("person_name", caller)  # "Horatio Pembroke": who to ask for (and kept, as any name given first)
                set_("callback_number_asked", True)
                return done()
            elif fresh and not queued and slots.get("handoff_task") and not SELF_SERVICE.search(said) \
                    and not bare_name(said.split()) and not dob_in_text(said) \
                    and await add_callback_note(dispatcher, slots["handoff_task"], said):
                set_("callback_number_asked", True)  # what the call is about; the number asked once more
                return done()
        resumed = None  # the booking a hand-off ended, when the patient calls the call-back off to go on with it
        if fresh and not queued and slots.get("handoff_task") and not slots.get("callback_number_asked") and not called_off:
            from actions.handoff import CALL_OFF, GO_ON, just_handed_off, withdraw_callback

            said = latest_text(tracker)
            if CALL_OFF.search(said) and just_handed_off(tracker):
                # "actually never mind, I'll just book myself" right after the hand-off: nobody calls; a request goes on
                await withdraw_callback(dispatcher, slots["handoff_task"])
                ended = slots.get("handed_off_request") or {}
                set_("handed_off_request", None)
                rest = CALL_OFF.split(said)[-1]
                wanted = guess_goal(rest) or (ended.get("goal") if GO_ON.search(rest) else None)
                if not wanted:
                    say(dispatcher, "Anything else I can help with?")
                    return done()
                resumed = ended if wanted == ended.get("goal") and not care_from_text(without_name(rest))[0] else None
                intent = next(name for name, goal in GOAL_INTENTS.items() if goal == wanted)  # (the classifier read a "never mind")
        if fresh and not queued and not was_in_form and NOT_NOW.search(latest_text(tracker)):
            # "no, i'll call back to rebook when i'm back. thanks!": a goodbye, whatever it names for later
            from actions.restart import ActionGoodbye

            log.info("event=not_now intent=%s", intent)
            return [*events, *await ActionGoodbye().run(dispatcher, tracker, domain)]
        undo = fresh and not queued and bool(UNDO.search(latest_text(tracker))) and bool(re.search(
            r"\b(cancel\w*|back|undo|restore|reinstate|re-?book|again)\b", latest_text(tracker), re.I))
        if fresh and not queued and slots.get("verified") and not was_in_form:
            said = latest_text(tracker)
            fixed_dob = dob_in_text(said) if DOB_FIXED.search(said) else None
            if fixed_dob and fixed_dob.isoformat() != slots.get("dob"):
                # "oh wait that's my cousin. mine is 5/5/1985": the record matched was someone else's (same name);
                # looked up again with the birth date given, and the request before it done again
                from actions.who import IDENTITY_SLOTS

                asked = next((g for t in reversed(user_texts(tracker)[:-1]) if (g := guess_goal(t))), "book")
                name = name_in_text(said) or slots.get("person_name")
                for slot, value in IDENTITY_SLOTS.items():
                    set_(slot, value)
                set_("person_name", name)
                set_("dob", fixed_dob.isoformat())
                set_("goal", asked)
                log.info("event=dob_corrected_after_match goal=%s", asked)
                say(dispatcher, "OK, let me look again with that date of birth.")
                return go("verify")
        if fresh:
            text = queued["text"] if queued else latest_text(tracker)
            goal = GOAL_INTENTS.get(intent)
            words = dict(_GOAL_WORDS)
            if goal == "reschedule" and words["cancel"].search(text) and not words["reschedule"].search(text):
                goal = "cancel"  # "need to cxl my appt on monday" read as a move: the words win
            if goal in ("book", "list") and (CHANGE_EXISTING.search(text) or MOVE_ONLY.search(text) or (switching and OTHER_APPT.search(text))):
                goal = guess_goal(text)  # "i wanna change my appt" read as booking: the words win
            if goal == "book" and WHEN_IS_IT.search(text):
                goal = "list"  # "can you tell me when her appointment is?" read as booking: the words win
            if not was_in_form and ONE_LISTED.search(text) and any("\n- " in t for t in last_bot_texts(tracker)):
                goal = "list"  # "what time is the skin one again?" after the list: that one
            if slots.get("last_booked") and not was_in_form and not queued and MAKE_IT.search(text):
                goal = "reschedule"  # "can we make that thursday instead?" right after booking it
            if goal == "reschedule" and slots.get("last_cancelled") and REPLACE_IT.search(text) and not undo:
                goal = "book"  # "can i rebook for the week of the 14th?" right after a cancel: a new one like it
            fixed = CORRECTION.split(text)
            if len(fixed) > 1 and guess_goal(fixed[-1]):
                goal = guess_goal(fixed[-1])  # "i need to reschedule... no sorry, BOOK one": what they meant
            if goal is None and (intent in ("nlu_fallback", "inform", "affirm", "greet") or switching):
                goal = guess_goal(text)  # the classifier's catch-all: the words still say what they want
            if goal is None and NEW_PATIENT.search(text):
                goal = "book"
            if goal is None and not was_in_form and WHAT_ABOUT_THEM.search(text):
                from actions.who import someone_else

                if someone_else(text):  # "what about my husband Bernard's?" after a list: the same request, for him
                    goal = next((g for g, said in _JUST_DONE if any(said.search(t) for t in last_bot_texts(tracker))), None)
            spec, visit = care_from_text(without_name(text))
            if not spec and not queued and goal in (None, "book") and ONE_OF_THOSE.search(text):
                # "ok, book one then" after "does my insurance cover a dermatology visit?": that kind of visit
                said = user_texts(tracker)
                spec, visit = care_from_text(without_name(said[-2])) if len(said) > 1 else (None, None)
            if not spec and not queued and goal == "book" and AFTER_ALL.search(text) and \
                    any(GOODBYE in t for t in last_bot_texts(tracker)):
                spec, visit = last_value(tracker, "specialty"), last_value(tracker, "visit_type")
            if queued and not spec:  # "book my son too": the same kind of visit
                spec, visit = queued.get("specialty"), queued.get("visit_type")
            if goal is None and spec and intent in ("inform", "affirm", "nlu_fallback"):
                goal = "book"
            if goal is None and intent not in ("deny", "thank", "goodbye"):
                from actions.clinicians import name_candidates

                if name_candidates(text) and re.search(r"\b(free|open|see|in with|available|availability|time|slot)", text, re.I):
                    goal = "book"  # "is julian free on friday?"
            if goal in ("cancel", "reschedule") and STATUS_QUESTION.search(text):
                goal = "list"  # "did my appointment get cancelled?": the list says what is still booked
            if goal in ("cancel", "book") and split_cancel_book(text):
                goal = "reschedule"  # cancel one and book another: a move (the old one goes only if the new one is booked)
            if undo:  # "oh no, can I get it back?": the same time again, if it is still free
                goal = "restore"
            if goal is None and not slots.get("verified") and dob_in_text(text) and not name_in_text(text):
                goal = resumed_without_dob(tracker, set_, text)  # "ok, it's May 15 1961" after "I don't know her birthday"
            if goal is None:
                if slots.get("goal") and intent == "affirm":
                    goal = slots.get("goal")
                else:
                    if not slots.get("verified") and not slots.get("for_whom"):
                        # "hi its marcus oneil", "Marcus O'Neil", "7/4/1975" before saying what for: kept for
                        # when they do (checked then, like any name and birth date), and asked what they need
                        name, dob = name_in_text(text), dob_in_text(text)
                        words = text.split()
                        if not name and 2 <= len(words) <= 3 and (all(w[:1].isupper() for w in words) or intent in ("inform", "nlu_fallback")):
                            name = bare_name(words)  # ("jordan halewood" typed in lower case, as texts are)
                        if name:
                            set_("person_name", name)
                        if dob:  # (a birth date alone, first: kept for the name that follows)
                            set_("dob", dob.isoformat())
                        if name or dob:
                            first = name.split()[0] if name else None
                            say(dispatcher, f"Thanks{', ' + first if first else ''}. {HELP}")
                            set_("misses", 0)
                            log.info("event=details_before_request")
                            return done()
                    from actions.digressions import answered_aside, clinician_in_play

                    if await answered_aside(dispatcher, text):  # "how much is a checkup?", "are you a bot?"
                        return done()
                    if who := clinician_in_play(tracker, text):  # "and who is it with?" after a list or a booking
                        say(dispatcher, who)
                        return done()
                    # a second message in a row that asks for nothing we do: offer a person (as the fallback does)
                    misses = (tracker.get_slot("misses") or 0) + 1 if intent not in ("greet", "thank", "goodbye", "affirm", "deny") else 0
                    say(dispatcher, STILL_UNCLEAR if misses >= 2 else HELP)
                    set_("misses", misses)
                    log.info("event=no_request misses=%d", misses)
                    return done()
            if was_in_form and goal in ("list", "cancel", "reschedule") and intent in GOAL_INTENTS and not undo \
                    and not dict(_GOAL_WORDS)[goal].search(text) and not (goal == "reschedule" and CHANGE_EXISTING.search(text)):
                # "do you have anything around 2pm" read as "list my appointments": the words don't say
                # so, it is the answer to the form's question
                from actions.forms.base import answer_form

                answered = await answer_form(dispatcher, tracker, domain, text)
                if answered is not None:
                    log.info("event=request_not_said intent=%s", intent)
                    return answered
            if goal == "list" and was_in_form and slots.get("verified") and slots.get("goal") in ("book", "reschedule", "cancel") \
                    and tracker.active_loop_name in ("booking_form", "manage_form", "coverage_form"):
                # "wait, when is my other appointment?" while booking: answered, then back to the question
                return await list_then_resume(dispatcher, tracker, slots)
            if was_in_form and goal == "cancel" == slots.get("goal") and slots.get("requested_slot") == "manage_confirm":
                from actions.forms.base import answer_form

                answered = await answer_form(dispatcher, tracker, domain, text)  # "ok cancel it then": the yes asked for
                if answered is not None:
                    log.info("event=request_is_answer intent=%s", intent)
                    return answered
            if was_in_form and goal == slots.get("goal"):
                goal = None  # the same request again: carry on where it was
            else:
                await release_hold(tracker)
                if was_in_form:
                    events.append(SlotSet("requested_slot", None))
        if fresh and goal and not queued and tracker.latest_action_name != "action_answer_question":
            from actions.digressions import embedded_question

            asked = embedded_question(text)
            if asked:  # "what are your hours friday? and can I book ...": both
                say(dispatcher, asked)
            else:  # "will i be charged a cancellation fee?" asked with the request: answered once, here
                from actions.digressions import answered_aside

                await answered_aside(dispatcher, text, "answered_with_request")
        if fresh and goal:
            # ("actually I want to cancel my GI appointment instead": no booking to come back to)
            booking = {k: slots.get(k) for k in PAUSED_SLOTS} if (
                was_in_form and goal in ("cancel", "reschedule") and slots.get("goal") == "book" and slots.get("verified")
                and not (goal == "cancel" and INSTEAD_OF_BOOKING.search(text))) else None
            for e in reset_flow({**slots, **now_set(tracker, events)}):
                events.append(e)
                slots[e["name"]] = e["value"]
            set_("goal", goal)
            if resumed and goal == resumed.get("goal"):
                for name in PAUSED_SLOTS:  # what the booking knew before the hand-off
                    set_(name, resumed.get(name))
                log.info("event=request_resumed")
            if booking and any(booking.values()):  # "oh and cancel (or move) my other one": the booking waits
                then = (slots.get("paused") or {}).get("then")
                set_("paused", {**booking, "then": then} if then else booking)  # (and a booking queued after it)
                log.info("event=booking_paused")
            # "book my son Leo in": the person verified and booked is the son (actions/who.py)
            from actions.who import (IDENTITY_SLOTS, acting_for, for_self, named_other, same_person, someone_else, two_others,
                                     writer_and_other)

            # "for me and my son" (the writer first) / "for my son and daughter" (the son first): the second queued
            mine = writer_and_other(text) if goal == "book" and not queued else None
            both = mine or (two_others(text) if goal == "book" and not queued else None)
            # (the name and birth date in "for me and my son" are the writer's; in "my kids, Noor Rahman 3/3/2016 and
            # Zain Rahman 8/8/2018" each child's own)
            theirs = (writers_details_out(both[1], both[0]) if mine else both[1]) if both else None
            if both:  # the visit asked for is the first person's ("a checkup for me and my son": not pediatrics)
                spec, visit = care_from_text(without_name(both[0]))
            on_behalf = acting_for(text) if (slots.get("person_name") or slots.get("verified")) and not slots.get("for_whom") else None
            if on_behalf:  # "this is his wife, what appointments does he have?" after his name and birth date: his, as hers to ask
                set_("for_whom", on_behalf)
                log.info("event=writer_acts_for")
            other = someone_else(both[0] if both else text) or named_other(text, slots.get("person_name"))
            switched = (other and not same_person(slots.get("for_whom"), other, slots.get("person_name"))) or \
                (not other and slots.get("for_whom") and (for_self(text) or theirs))
            # "my name is Lucia Ortega, cancel my appointment" in a conversation verified as someone else:
            # nothing of the first person's is said or changed; the writer is verified first
            new_writer = not switched and not on_behalf and slots.get("verified") and not other and \
                someone_new_writes(text, slots.get("person_name"))
            if switched or new_writer:
                for name, value in IDENTITY_SLOTS.items():
                    if slots.get(name) != value:
                        set_(name, value)
                set_("for_whom", {"rel": other["rel"], "given": other.get("given")} if switched and other else None)
                if switched:
                    log.info("event=patient_switched other=%s", bool(other))
                else:
                    log.info("event=writer_changed")
            if queued:  # (the booking before it is done): "Now your son's appointment." / "Now your other appointment."

                if queue[1:]:
                    set_("paused", {"then": queue[1:]})  # (and the ones queued after it)

                log.info("event=queued_booking_started")
                same = slots.get("verified")  # (still the person just booked)
                if queued.get("appt"):  # "reschedule both": the next one to move
                    set_("old_appt", queued["appt"])
                    set_("manage_pick", "1")
                    say(dispatcher, f"Now your appointment on {queued['appt']['text']}.")
                else:
                    say(dispatcher, f"Now {whose(slots.get('for_whom'))}{' other' if same else ''} appointment.")
            if theirs:  # (the other person's booking waits in the queue action_next starts after this one)
                set_("paused", queue_other_person(dispatcher, theirs, other))
            like = relative = None
            if goal == "book" and not (spec or queued or other):
                # "can you book another one just like it?" after a booking; "book me a new one instead" after a cancel
                like = slots.get("last_booked") if SAME_KIND.search(text) else None
                if not like and (SAME_KIND.search(text) or REPLACE_IT.search(text)) and slots.get("last_cancelled"):
                    like = {**slots["last_cancelled"], "practitioner": None}
            if like and like.get("specialty"):
                from actions.forms.offer_times import relative_move

                spec, visit = like["specialty"], None
                if like.get("practitioner"):
                    set_("practitioner", like["practitioner"])
                relative = relative_move(text, like.get("start"))  # ("the week after": after that one)
                if relative:
                    set_("when_text", text)
                    set_("windows", relative)
                log.info("event=same_kind_as_booked")
            kinds = two_kinds(text) if goal == "book" and not (queued or both or other) else None
            if kinds:  # "a skin check and a physical": the first now, the second queued after it
                spec, visit = care_from_text(without_name(kinds[0]))
                later, later_visit = care_from_text(kinds[1])
                from actions.forms.offer_times import _NEXT_TO_BOOKED

                # ("two appointments back to back, a skin check and a physical": the second right after the first)
                then = kinds[1] + (" right after" if _NEXT_TO_BOOKED.search(text) and not _NEXT_TO_BOOKED.search(kinds[1]) else "")
                set_("paused", {"then": [{"text": then, "care": specialty_name(later), "specialty": later, "visit_type": later_visit}]})
                say(dispatcher, f"Sure, one at a time: {specialty_name(spec)} first, then {specialty_name(later)}.")
                log.info("event=another_booking_queued other=False")
            if goal == "book" and spec:
                set_("care", specialty_name(spec))
                set_("specialty", spec)
                set_("visit_type", visit)
            if goal == "book":
                from actions.clinicians import clinician_slots, gender_wanted

                if gender := gender_wanted(text):  # "a checkup with a female doctor"
                    set_("clinician_gender", gender)
                from actions.forms.booking import city_in_request

                if city := city_in_request(text) or city_said_before(tracker, text):  # "a physical at your San Francisco location"
                    set_("place", city)
                named = await clinician_slots(text)
                if named.get("unknown"):  # "Dr. Everyman": not ours; say so rather than book someone else
                    say(dispatcher, f"I couldn't find {named.pop('unknown')} at our clinic, so I'll look at all our clinicians.")
                # "a follow-up with Dr. Boyce": a kind of visit only (family medicine by default), the clinician's specialty
                by_visit_only = spec is not None and specialty_from_text(GENERIC_VISIT.sub(" ", without_name(text))) is None
                for key, value in named.items():  # "I want to see Dr. Boyce"
                    if key == "practitioner" or not spec or by_visit_only:
                        set_(key, value)
                if spec and is_child(slots.get("for_whom")) and not named.get("practitioner"):
                    spec, visit = for_a_child(spec, visit)  # "my 6 year old has a rash": pediatrics
                    set_("care", specialty_name(spec))
                    set_("specialty", spec)
                    set_("visit_type", visit)
            if goal == "book" and not slots.get("coverage_done") and not slots.get("coverage_kind") and PAYING_MYSELF.search(text):
                set_("coverage_kind", "self-pay")  # "checkup next wk, self pay"
            if goal == "book" and not slots.get("coverage_done") and HAS_PLAN.search(text):
                from actions.forms.coverage import match_payer, member_id_in

                payer = match_payer(text)  # "i have cigna, can i book a skin check"
                if payer:
                    set_("coverage_kind", "insured")
                    set_("payer", payer["name"])
                    member = MEMBER_ID.search(text)
                    # "i have aetna id W123456789", "my insurance changed, it's now Aetna W998877665"
                    member_id = (member.group(1) or member.group(2)).upper() if member else member_id_in(text)
                    if member_id:
                        set_("member_id", member_id)
            if goal in ("book", "reschedule") and not relative:  # (not "the week after" that one, read above)
                from actions.forms.offer_times import parse_windows

                when = text
                both = split_cancel_book(text) if goal == "reschedule" else None
                if both:  # "cancel friday's and book me next week": the new visit is what follows
                    when = both[1]
                    new_spec, new_visit = care_from_text(both[1])
                    if new_spec:
                        set_("care", specialty_name(new_spec))
                        set_("specialty", new_spec)
                        set_("visit_type", new_visit)
                elif goal == "reschedule":  # "move my tuesday appointment to friday": the new time is after "to"
                    _, when = split_move(text)
                if when and dob_in_text(when):  # "... to 4pm? Percy Holbrook 11/11/71": a birth date names no day
                    from actions.common import date_in_text

                    when = when.replace(date_in_text(when), " ")
                from actions.forms.offer_times import next_to_booked

                # "a dermatologist tomorrow morning": don't ask again; "right after mine" (a second visit): next to it
                windows = (next_to_booked(when, slots.get("booked_here")) if goal == "book" else None) or (parse_windows(when) if when else [])
                if not windows and goal == "book" and when and (day := day_just_said(tracker, when)):
                    windows = day  # "can you book me a GI appointment the same day?" after one was listed
                if windows:
                    set_("when_text", when)
                    set_("windows", windows)
            if not slots.get("verified"):
                if NEW_PATIENT.search(text) or (intent == "new_patient" and re.search(r"\b(new|first|never|register|sign|nuev)", text, re.I)):
                    set_("verify_choice", "register")
                # "hi im jane smith born 3/4/85 need a checkup": don't ask again what was said (the writer's own
                # part when the message also asks for someone else's visit: "my daughter Oriana Whitlock 8/8/2016 and
                # one for me too, Desmond Whitlock 1/1/1982" is Desmond's)
                own = mine[0] if mine else text
                name, dob = name_in_text(own), dob_in_text(own)
                if slots.get("for_whom"):  # the writer's own name and birth date are not the patient's
                    from actions.who import dob_for_other, name_for_other

                    name, dob = name_for_other(text, other), dob_for_other(text)
                    if name:
                        set_("person_name", name)
                signed = None if name or slots.get("for_whom") else trailing_name(text)
                if name and (dob or STRONG_INTRO.search(text)) or signed:
                    set_("person_name", name or signed)
                if dob:
                    set_("dob", dob.isoformat())
                # "new pt ... cell 916 555 0190, dana@example.com": registration won't ask for them again
                phone, email = phone_in_text(text), parse_email(text)
                if phone:
                    set_("phone", phone)
                if email:
                    set_("email", email)

        goal = slots.get("goal")
        outcome = slots.get("outcome")
        if outcome:
            log.info("event=flow_end outcome=%s", outcome)
            paused = slots.get("paused")
            for e in reset_flow({**slots, **now_set(tracker, events)}):
                events.append(e)
                slots[e["name"]] = e["value"]
            if not (paused and outcome in ("cancelled", "kept", "rescheduled") and slots.get("verified")):
                events.append(SlotSet("goal", None))
                return done()
            for name in PAUSED_SLOTS:  # back to the booking put aside, where it was
                set_(name, paused.get(name))
            set_("paused", {"then": paused["then"]} if paused.get("then") else None)
            set_("goal", "book")
            goal = "book"
            log.info("event=booking_resumed")
            say(dispatcher, "Now, back to your booking.")
        if not goal:
            say(dispatcher, HELP)
            return done()

        if not slots.get("verified"):
            if (slots.get("verify_failures") or 0) >= 2:
                if fresh:
                    say(dispatcher, LOCKED_OUT)
                set_("goal", None)
                return done()
            if slots.get("verify_choice") == "register":
                return go("register")
            return go("verify")

        patient_id = slots.get("patient_id")
        try:
            if goal == "restore":
                target = await cancelled_to_restore(patient_id, slots.get("last_cancelled"), undo_text(tracker))
                set_("last_cancelled", None)
                set_("goal", "book")
                if not target:
                    say(dispatcher, "I don't see a cancelled upcoming appointment I could put back. Want to book a new one?")
                    return done()
                from datetime import timedelta

                start = datetime.fromisoformat(target["start"])
                set_("care", specialty_name(target.get("specialty")))
                set_("specialty", target.get("specialty"))
                set_("practitioner", target.get("practitioner"))
                set_("when_text", SAME_TIME)
                set_("windows", [[start.isoformat(), (start + timedelta(minutes=1)).isoformat()]])
                log.info("event=restore appt=%s", target.get("id"))
                return go("booking")  # it was booked before: coverage is not asked again
            if goal == "book":
                if not slots.get("coverage_done"):
                    if await client().coverages(patient_id):
                        set_("coverage_done", True)
                    else:
                        return go("coverage")
                return go("booking")

            if goal == "list":
                asked = latest_text(tracker) if ONE_LISTED.search(latest_text(tracker)) else said_for(tracker, "list")
                if not await list_appointments(dispatcher, patient_id, asked, slots.get("person_name"),
                                           slots.get("for_whom")):
                    say(dispatcher, "You don't have any upcoming appointments. Want to book one?")
                    set_("goal", "book")
                    return done()
                set_("goal", None)
                return done()

            # cancel / reschedule
            def same_day_as(old: dict) -> None:
                """ "move it to the afternoon": on the old appointment's day (a new day named stays);
                "push it back a week" / "same time next week": from the old appointment's time."""
                from actions.forms.offer_times import _DAY_WORDS, in_its_week, on_days_of, relative_move, shift_windows

                said = moved_by(tracker)
                relative = relative_move(said, old.get("start")) if said else None
                if relative:
                    set_("when_text", said)
                    set_("windows", relative)
                    log.info("event=relative_move")
                    return
                request = said_for(tracker, "reschedule")
                shifted = shift_windows(request, [old], None) if request and old.get("start") and not slots.get("windows") else None
                if shifted:  # "can i get my appointment moved sooner?": before it (any day), or after it for "later"
                    set_("when_text", request)
                    set_("windows", shifted)
                    return
                when, windows = slots.get("when_text"), slots.get("windows")
                its_week = in_its_week(when, windows, old["start"]) if when and windows and old.get("start") else windows
                if its_week != windows:
                    set_("windows", its_week)  # "to thursday": that week's Thursday
                    return
                if not (when and windows and old.get("start")) or _DAY_WORDS.search(when):
                    return
                day = datetime.fromisoformat(old["start"]).replace(hour=0, minute=0, second=0, microsecond=0)
                moved = on_days_of(windows, [[day.isoformat(), day.replace(hour=23, minute=59).isoformat()]])
                if moved:
                    set_("windows", moved)

            if goal == "reschedule" and slots.get("old_appt"):
                old = slots["old_appt"]
                others = queue_other_moves(dispatcher, tracker, slots.get("appts"), old)
                if others:  # "reschedule both": this one now, the others after it
                    set_("paused", others)
                    set_("old_appt", {**old, "in_turn": True})
                if old.get("specialty") and not slots.get("care"):
                    set_("care", specialty_name(old["specialty"]))
                    set_("specialty", old["specialty"])
                same_day_as(old)
                return go("booking")
            appts = await client().appointments(patient_id, status=["booked"], start=now())
            if not appts and slots.get("paused"):  # "cancel the other one" with no other: back to the booking
                say(dispatcher, "You don't have any other upcoming appointments, so back to your booking.")
                paused = slots["paused"]
                for name in PAUSED_SLOTS:
                    set_(name, paused.get(name))
                set_("paused", {"then": paused["then"]} if paused.get("then") else None)
                set_("goal", "book")
                log.info("event=booking_resumed")
                return go("booking") if slots.get("coverage_done") else go("coverage")
            who = slots.get("for_whom")
            if not appts and who and not is_child(who) and not who.get("checked") and slots.get("person_name"):
                # "cancel my wife's appointment" - "Rupert Ashby 9/9/1991": most likely the writer's own details
                # (a child's are caught by the birth date); asked once for hers, as for a child
                from actions.who import IDENTITY_SLOTS

                log.info("event=other_without_appointments")
                say(dispatcher, f"I don't see any upcoming appointments for {slots['person_name'].split()[0]}. If those "
                                f"were your own details, please send {whose(who)} name and date of birth.")
                checked = {k: slots.get(k) for k in ("person_name", "dob", "patient_id")}  # (back if they were hers)
                for name, value in IDENTITY_SLOTS.items():
                    set_(name, value)
                set_("for_whom", {**who, "checked": checked})
                return go("verify")
            if not appts:
                say(dispatcher, "You don't have any upcoming appointments to change. Want to book one?" if not who else
                                f"I don't see any upcoming appointments for {slots.get('person_name') or 'them'}. Want to book one?")
                set_("goal", "book")
                return done()
            every = appts
            appts = appts[:6]  # (more than 3 are listed shorter: action_ask_manage_pick)
            texts = await describe(appts)
            listed = [{"id": a.id, "text": t, "specialty": appt_specialty(a), "practitioner": appt_practitioner(a),
                       "start": a.start.isoformat() if a.start else None} for a, t in zip(appts, texts)]
            set_("appts", listed)
            if goal == "cancel" and len(every) > 1 and ALL_OF_THEM.search(said_for(tracker, "cancel")) \
                    and not EXCEPT.search(said_for(tracker, "cancel")):  # ("all except friday's": asked which)
                from actions.forms.manage import all_of

                set_("manage_pick", "all")  # "cancel both": every upcoming one, after one yes
                set_("old_appt", all_of(every, listed))
                return go("manage")
            if len(listed) == 1:
                set_("manage_pick", "1")
                set_("old_appt", listed[0])
                if goal == "reschedule":
                    say(dispatcher, f"Let's move {whose(slots.get('for_whom'))} appointment on {listed[0]['text']}.")
                    same_day_as(listed[0])
                    if listed[0].get("specialty") and not slots.get("care"):
                        set_("care", specialty_name(listed[0]["specialty"]))
                        set_("specialty", listed[0]["specialty"])
                    return go("booking")
            else:
                from actions.common import match_option

                said = request_text(tracker, "cancel_appointment" if goal == "cancel" else "reschedule_appointment") or said_for(tracker, goal)
                if goal == "reschedule":
                    both = split_cancel_book(said) or split_cancel_book(said_for(tracker, "cancel"))
                    said = both[0] if both else split_move(said)[0]  # which one: what comes before "to friday"
                from actions.common import date_in_text

                if dob_in_text(said):  # "jane doe 1/31/71 - move my fri appt": the birth date describes no appointment
                    said = said.replace(date_in_text(said), " ")
                hint = match_option(said, [a["text"] for a in listed]) or by_kind(said, listed)  # ("cancel my skin appt")
                if not hint:  # "cancel the second one" right after the list: the second listed
                    hint = listed_by_order(said, last_bot_texts(tracker), listed)
                last = slots.get("last_booked") or {}
                if not hint and goal == "reschedule" and MAKE_IT.search(said):  # "make that thursday": the one just booked
                    hint = next((i for i, a in enumerate(listed, 1) if a["id"] == last.get("id")), None)
                if EXCEPT.search(said):
                    hint = None  # "all except the tuesday one": the one named is the one to keep; ask which
                if goal == "reschedule" and asked_to_move_all(tracker):
                    hint = None  # "reschedule both": which one first is asked (manage_form), the others queued after it
                    say(dispatcher, "Sure, I'll move them one at a time.")
                if hint:  # "cancel my thursday appointment": that one (a cancel is still confirmed)
                    set_("manage_pick", str(hint))
                    set_("old_appt", listed[hint - 1])
                    if goal == "reschedule":
                        picked = listed[hint - 1]
                        say(dispatcher, f"Let's move {whose(slots.get('for_whom'))} appointment on {picked['text']}.")
                        same_day_as(picked)
                        if picked.get("specialty") and not slots.get("care"):
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
        events.extend(reset_flow({**slots, **now_set(tracker, events)}))
        events.append(SlotSet("goal", None))
        return done()
