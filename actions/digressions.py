"""Questions in the middle of anything (hours, address, insurance taken), answered from
data/clinic/clinic.json; the form that was active resumes afterwards (see data/rules/digressions.yml).
Also the two-strikes fallback: rephrase first, then offer a person."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.common import clinic, last_bot_texts, latest_intent, latest_text, say
from actions.forms.coverage import match_payer

log = logging.getLogger("schedbot.actions.digressions")

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}


def _clock(hhmm: str) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    suffix = "AM" if h < 12 else "PM"
    h12 = h % 12 or 12
    return f"{h12}:{m:02d} {suffix}" if m else f"{h12} {suffix}"


def hours_text() -> str:
    hours = clinic().get("hours") or {}
    if not hours:
        return "Please call the clinic for our hours."
    groups: list[tuple[list[str], Any]] = []
    for d in DAYS:
        span = hours.get(d)
        key = tuple(span) if span else None
        if groups and groups[-1][1] == key:
            groups[-1][0].append(d)
        else:
            groups.append(([d], key))
    parts = []
    closed = []
    for days, span in groups:
        label = DAY_NAMES[days[0]] if len(days) == 1 else f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
        if span:
            parts.append(f"{label} {_clock(span[0])}–{_clock(span[1])}")
        else:
            closed.append(label)
    text = "We're open " + ", ".join(parts) + "."
    if closed:
        text += " Closed " + " and ".join(closed) + "."
    return text


def our_cities() -> list[str]:
    """The cities of the clinic's locations (their addresses: "street, city, state zip")."""
    cities: list[str] = []
    for loc in clinic().get("locations") or []:
        parts = [p.strip() for p in (loc.get("address") or "").split(",")]
        if len(parts) >= 3 and parts[-2] not in cities:
            cities.append(parts[-2])
    return cities


def cities_in(text: str) -> list[str]:
    """Our cities that ``text`` names, as whole words ("the sacramento one")."""
    from actions.who import folded

    said = folded(text or "")
    return [c for c in our_cities() if re.search(rf"\b{re.escape(folded(c))}\b", said)]


_CARE_IN_NAMES = {"394537008": ("pediatric", "children")}  # pediatrics: "Children's Clinic"


def _locations_for_care(question: str, locs: list) -> list:
    from actions.care import specialty_from_text, specialty_name

    spec = specialty_from_text(question)
    if not spec:
        return []
    words = _CARE_IN_NAMES.get(spec) or tuple(w for w in specialty_name(spec).lower().split() if w != "medicine")
    return [l for l in locs if any(w in (l.get("name") or "").lower() for w in words)]


def location_text(question: str) -> str:
    locs = clinic().get("locations") or []
    if not locs:
        return "Please call the clinic for our address."
    q = question.lower()
    hits = [l for l in locs if any(w in q for w in re.findall(r"[a-z]{4,}", (l.get("name", "") + " " + l.get("address", "")).lower())
                                    if w not in ("clinic", "street", "avenue", "boulevard", "family", "care"))]
    if not hits:  # "where is the GI clinic?": the places named for that kind of care
        hits = _locations_for_care(question, locs)
    if hits:
        lines = [f"{l['name']}: {l['address']}" for l in hits[:3]]
        return "\n".join(lines)
    return f"We have clinics in {', '.join(our_cities())}. Tell me a city (like 'address in San Jose') and I'll send the address."


def insurance_text(question: str) -> tuple[str, dict | None]:
    payer = match_payer(question)
    names = [p["name"] for p in clinic().get("payers") or []]
    if payer and payer["name"] in names:
        return f"Yes, we take {payer['name']}.", payer
    if payer:
        return f"I'm not sure we're in network with {payer['name']}; the front desk can check. We take {', '.join(names)}, or self-pay.", None
    if names:
        return f"We take {', '.join(names)}. Self-pay is fine too.", None
    return "Please call the clinic to check your insurance.", None


def addresses_in(texts: list[str]) -> str | None:
    """ "San Jose Dermatology Clinic: 1010 Race Street, ..." for each of our places the texts name."""
    hits = []
    for t in texts:
        for loc in clinic().get("locations") or []:
            if loc.get("name") and loc["name"] in t and loc not in hits:
                hits.append(loc)
    return "\n".join(f"{loc['name']}: {loc['address']}" for loc in hits[:3]) or None


def address_in_play(tracker: Tracker, question: str) -> str | None:
    """ "What's the address?" while a time is held or offered, or right after one was booked or
    listed: the address of that place (unless the question names another city or clinic)."""
    held = tracker.get_slot("held") or {}
    texts = [held["text"]] if held.get("text") else [o.get("text") or "" for o in (tracker.get_slot("options") or [])]
    texts = texts or last_bot_texts(tracker)  # "where is that clinic?" after a booking or a list
    locs = clinic().get("locations") or []
    named = location_text(question)
    if any(l.get("address", "") in named for l in locs):
        return None  # the question named a place: answer that
    return addresses_in(texts)


# "who is it with?", "which doctor is that with?" right after a list or a booking
WHO_WITH = re.compile(r"\bwho('?s| is| am i| will i be)\b.{0,25}\bwith\b|\b(which|what) (doctor|dr|clinician|provider)\b.{0,25}"
                      r"\b(it|that|my appo\w*|my appt|seeing|see)\b|\bwho am i (seeing|going to see)\b", re.I)


def clinician_in_play(tracker: Tracker, question: str) -> str | None:
    """ "And who is it with?" after one appointment was booked or listed: that clinician, else None."""
    if not WHO_WITH.search(question or ""):
        return None
    held = tracker.get_slot("held") or {}
    texts = [held["text"]] if held.get("text") else last_bot_texts(tracker)
    names = sorted(set(re.findall(r"\bwith (Dr\. [\w'-]+)", " ".join(texts))))
    return f"It's with {names[0]}." if len(names) == 1 else None


QUESTION = re.compile(  # ("ok and do you have parking": a question after the filler)
    r"\?|^\s*(?:(?:ok|okay|and|so|also|oh|alright|great|thanks|um|uh)\W+)*(what|where|when|which|how|do|does|are|is|can)\b|"
    r"\b(hours|address|located|location|insurance|accept|directions)\b", re.I)
QUESTION_INTENTS = ("ask_hours", "ask_location", "ask_insurance")
# A request in the same message as a question (a verb, not just "appointment": "where do I park for my appointment")
ALSO_A_REQUEST = re.compile(r"\b(book\w*|schedul\w*|make (me )?an? (appo\w*|appt)|cancel\w*|resched\w*|move my|get me in|"
                            r"set (me )?up an? (appo\w*|appt))\b", re.I)


def answer(intent: str | None, text: str) -> tuple[str, dict | None]:
    """The clinic's answer to a question, and the payer it named (if any)."""
    if intent == "ask_hours":
        return hours_text(), None
    if intent == "ask_location":
        return location_text(text), None
    return insurance_text(text)


_ASKS = [
    # ("push it back a couple hours", "two hours later": a span of time, not a question about opening hours)
    ("ask_hours", re.compile(r"\b((?<!couple )(?<!few )(?<!two )(?<!three )(?<!several )(?<!\d )hours(?!\s+(later|earlier|after|before|from))|"
                             r"what time do (you|u) (open|close)|when do (you|u) (open|close)|are (you|u) open|(you|u) open on|closing time)\b", re.I)),
    ("ask_location", re.compile(r"\b(address|where are (you|u)|where('?s| is) (the|your) (clinic|office)|located|directions)\b", re.I)),
    ("ask_insurance", re.compile(r"\b(do (you|u) (take|accept)\b.*\b(insurance|plan|medi-?cal|medicare|medicaid|aetna|cigna|kaiser|"
                                 r"blue (cross|shield)|anthem|united|uhc|health ?net)|in.?network|accept my insurance)\b", re.I)),
]


def embedded_question(text: str) -> str | None:
    """The clinic's answer to a question asked alongside a request ("what are your hours friday? and
    can I book a physical then"; each one asked: "what are your hours, do you take Aetna, and ..."), or None."""
    answers = [answer(intent, text)[0] for intent, pattern in _ASKS if pattern.search(text or "")]
    return " ".join(answers) or None


# "how much does a visit cost?", "what's the copay": prices are not the assistant's to quote
PRICE_QUESTION = re.compile(r"\b(how much|what('?s| is| does) (the|a|it) (cost|price|fee|charge)|cost(s)?\b.*\?|price|pricing|fees?\b|copay|co-pay|"
                            r"self[- ]?pay rate|cash price)", re.I)


def answered_price(dispatcher, text: str, event: str = "answered") -> bool:
    """A question about the cost: the front desk's number said (logged as ``event``); whether it was one."""
    if not (PRICE_QUESTION.search(text or "") and QUESTION.search(text or "")):
        return False
    phone = clinic().get("phone")
    say(dispatcher, "The cost depends on the visit and your insurance, so I can't quote it here" +
        (f"; our front desk can, at {phone}." if phone else "; our front desk can tell you."))
    log.info("event=%s intent=price", event)
    return True


# "are you a bot?", "is this a real person?": who is answering (a question, not a request for a person)
ARE_YOU_A_BOT = re.compile(r"\b(are|r) (you|u) (a |an )?(real |actual |live )?(person|human|bot|robot|computer|machine|ai|automated|real)\b|"
                           r"\bis (this|it) (a |an )?(real |actual |live )?(person|human|bot|robot|computer|machine|automated)\b|"
                           r"\bam i (talking|chatting|texting) (to|with) (a |an )?(real |actual )?(person|human|bot|robot|computer|machine)\b", re.I)
# "do you do video visits?", "telehealth?": not a kind of visit the assistant books
PARKING = re.compile(r"\b(park(ing)?|garage|valet)\b", re.I)
VIDEO_VISIT = re.compile(r"\b(video|virtual|online|zoom|phone) (visit|appointment|appt|consult\w*)s?\b|\btele ?(health|medicine|visit)\b|"
                         r"\btelemedicine\b", re.I)


# "where do i find the member id?", "what's a member number?": the card, not one of our addresses
MEMBER_ID_QUESTION = re.compile(r"\b(where|how|what)\b.{0,40}\b(member ?(id|number|#)|id number|subscriber id|policy number|"
                                r"on (my|the) card)\b", re.I)


HOW_LONG_VISIT = re.compile(r"\bhow long(?!.*\b(wait|to get|until|before)\b) (is|are|will|does|do|would)\b.{0,25}"
                            r"\b(appointment|appt|visit|it|consult\w*|checkup|exam)s?\b", re.I)
# how to prepare, what the clinician will do: for the clinician or the front desk, not for scheduling
PREPARING = re.compile(r"\b(fast(ing)?|prepare|preparation|bring anything|what (should|do) i bring|will (the|my) (doctor|dr|clinician) "
                       r"(do|perform|order|prescribe|give)|do i need (a|an) (referral|colonoscopy|test|blood)|"
                       r"will it hurt|is it painful)\b", re.I)
REMINDER = re.compile(r"\b(remind(er|ers)?|text me (before|the day)|send me a (text|message|confirmation|email)|"
                      r"(email|text|send) me (the |a |those )?(details|info|information|confirmation|summary))\b", re.I)
# "can I get a confirmation number?": none is needed, and no id is ever said
CONFIRMATION_NUMBER = re.compile(r"\b(confirmation|reference|booking|appointment|appt) (number|code|#|no\.?)\b", re.I)
WHO_IS_THIS = re.compile(r"^\W*(who (is|'?s) (this|that)(?!\s+[a-z])|who are (you|u)|is this (the|a) (clinic|doctor'?s office|office)|"
                         r"what is this( number)?|i (got|had|missed) a (missed )?call from this number)\b", re.I)


# "do you speak spanish?", "¿habla español?": the assistant's language, not a kind of visit
LANGUAGE = re.compile(r"\b(do|can) (you|u|someone|anyone) (speak|talk|chat|text) (in )?(spanish|chinese|mandarin|cantonese|vietnamese|"
                      r"tagalog|korean|russian|french|arabic|punjabi|hindi|farsi|portuguese)\b|\bhabla\w*\s+(en\s+)?espa[ñn]ol\b|"
                      r"\ben espa[ñn]ol\b|\b(spanish|español) (please|por favor)\b", re.I)


def _front_desk(lead: str, joiner: str = ": ") -> str:
    """ "<lead>: (408) 555-0100." with the clinic's number, or "<lead>." without one."""
    phone = clinic().get("phone")
    return f"{lead}{joiner}{phone}." if phone else f"{lead}."


def _who_we_are() -> str:
    name = clinic().get("name") or "the clinic"
    owner = f"{name}'" if name.endswith("s") else f"{name}'s"  # ("Bay Area Argonaut Clinics'")
    return f"This is {owner} scheduling assistant. I can book, reschedule or cancel an appointment, or list the ones you have."


# Questions beside scheduling, in the order they are tried: (intent logged, words, asked as a question?, answer)
_ASIDES = [
    ("member_id_where", MEMBER_ID_QUESTION, True,
     lambda: "It's on the front of your insurance card, usually labeled Member ID or ID#. No card at hand? "
             "Say 'later' and the front desk will take it at your visit."),
    ("are_you_a_bot", ARE_YOU_A_BOT, True,
     lambda: "I'm the clinic's automated scheduling assistant. Reply 'agent' anytime and someone from the clinic will call you."),
    ("parking", PARKING, True, lambda: _front_desk("I don't have parking details for our clinics, sorry. The front desk can tell you")),
    ("medical_question", PREPARING, True,
     lambda: _front_desk("I can't answer medical questions here. Your clinician will go over it at the visit; before then, "
                         "the front desk can help")),
    ("reminder", REMINDER, True, lambda: "I can't set up reminders here, but you can text me 'my appointments' anytime to see them."),
    ("confirmation_number", CONFIRMATION_NUMBER, True,
     lambda: "You don't need a number: your appointments are on file under your name and date of birth. "
             "Text me 'my appointments' anytime to see them."),
    ("who_is_this", WHO_IS_THIS, False, _who_we_are),
    ("language", LANGUAGE, False,
     lambda: _front_desk("I can only chat in English, sorry. For help in another language, please call the front desk", " at ")),
    ("video_visit", VIDEO_VISIT, True,
     lambda: _front_desk("I can book visits at our clinics only. For a video visit, please call the front desk", " at ")),
]


async def answered_aside(dispatcher, text: str, event: str = "answered") -> bool:
    """A question beside the clinic's data (the cost of a visit, whether this is a bot, video visits,
    where the member id is, ...): answered, logged as ``event``; whether it was one."""
    if answered_price(dispatcher, text, event):
        return True
    from actions.clinicians import DIRECTORY_QUESTION, directory_text

    if DIRECTORY_QUESTION.search(text or ""):
        from actions.fhir import SchedulerError

        try:
            say(dispatcher, await directory_text(text))
        except SchedulerError:
            say(dispatcher, _front_desk("I can't look up our clinicians right now. The front desk can tell you"))
        log.info("event=%s intent=clinicians", event)
        return True
    for intent, words, as_question, reply in _ASIDES:
        if words.search(text or "") and (not as_question or QUESTION.search(text or "")):
            say(dispatcher, reply())
            log.info("event=%s intent=%s", event, intent)
            return True
    return False


async def answered_inline(dispatcher, tracker: Tracker) -> bool:
    """A question given where a name, date or payment was expected: answer it (the form then asks again).
    Not when the form starts on this very message: it was the request, and action_next answered it."""
    from actions.forms.base import started_in_this_call

    if started_in_this_call():
        return False
    intent, text = latest_intent(tracker), latest_text(tracker)
    if HOW_LONG_VISIT.search(text) and not (tracker.get_slot("options") or tracker.get_slot("held")):
        # before any time is offered (after, each time's own length is said: forms/booking.py)
        say(dispatcher, _front_desk("It depends on the visit: I'll tell you the length with the times I offer. The front desk can say more"))
        log.info("event=answered_inline intent=how_long")
        return True
    if await answered_aside(dispatcher, text, "answered_inline"):
        return True
    if intent in QUESTION_INTENTS and QUESTION.search(text):
        say(dispatcher, answer(intent, text)[0])
        log.info("event=answered_inline intent=%s", intent)
        return True
    return False


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        text = latest_text(tracker)
        events: List[Dict[Text, Any]] = []
        asks = dict(_ASKS).get(intent)
        if not tracker.active_loop_name:
            from actions.handoff import ASKS_TO_SPEAK, hand_off

            if ASKS_TO_SPEAK.search(text):
                # "a question about a referral and my insurance. Is there someone I could speak with?": the person
                log.info("event=handoff_by_words intent=%s", intent)
                return await hand_off(dispatcher, tracker)
        if tracker.get_slot("requested_slot") == "member_id" and tracker.active_loop_name and not MEMBER_ID_QUESTION.search(text):
            from actions.forms.coverage import NO_CARD

            if NO_CARD.search(text):  # "idk where the card is": no question about where we are; the id later
                from actions.forms.base import answer_form

                answered = await answer_form(dispatcher, tracker, domain, text)
                if answered is not None:
                    log.info("event=question_not_said intent=%s", intent)
                    return answered
        if not (asks and asks.search(text) and not MEMBER_ID_QUESTION.search(text)) and await answered_aside(dispatcher, text):
            return []  # "do you do video visits?", "where do i find the member id?"
        if tracker.active_loop_name and asks and not asks.search(text):
            from actions.forms.base import answer_form
            from actions.forms.booking import HOW_LONG, KEEP_IT
            from actions.forms.offer_times import says_relative

            if says_relative(text) or (tracker.active_loop_name == "booking_form" and (intent == "ask_hours" or HOW_LONG.search(text))) \
                    or (tracker.get_slot("old_appt") and KEEP_IT.search(text)):  # ("actually no, leave it where it is")
                # "an hour later?" / "is the 9am with dr boyce still open?" / "how long will it take?" read as a
                # question about our hours or insurance: the answer to the form's question (or one about it)
                answered = await answer_form(dispatcher, tracker, domain, text)
                if answered is not None:
                    log.info("event=question_not_said intent=%s", intent)
                    return answered
        reply, payer = answer(intent, text)
        if intent == "ask_location":
            reply = address_in_play(tracker, text) or reply
        say(dispatcher, reply)
        for other, words in _ASKS:  # "do you take aetna? and what are your hours on saturday?": both answered
            if other != intent and words.search(text) and not (other == "ask_location" and MEMBER_ID_QUESTION.search(text)):
                say(dispatcher, answer(other, text)[0])
                log.info("event=answered_also intent=%s", other)
        if not tracker.active_loop_name and ALSO_A_REQUEST.search(text):
            # "what are your hours saturday, and can I book a checkup then?": the request too
            log.info("event=answered_then_request intent=%s", intent)
            events.append(FollowupAction("action_next"))
        if intent == "ask_insurance":
            # Answered mid-coverage: don't ask again what the patient already told us.
            if payer and tracker.active_loop_name == "coverage_form" and not tracker.get_slot("payer"):
                events += [SlotSet("coverage_kind", "insured"), SlotSet("payer", payer["name"])]
            elif payer and not tracker.active_loop_name and not tracker.get_slot("payer") and not tracker.get_slot("coverage_done"):
                from actions.next_step import HAS_PLAN

                if HAS_PLAN.search(text):  # "does my insurance cover a dermatology visit? I have Cigna": kept for the booking
                    events += [SlotSet("coverage_kind", "insured"), SlotSet("payer", payer["name"])]
        log.info("event=answered intent=%s", intent)
        return events


class ActionDefaultFallback(Action):
    """Two misunderstandings in a row: first rephrase, then offer a person."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        from actions.common import dob_in_text, number_given
        from actions.next_step import DOB_FIXED, MAKE_IT, UNDO, guess_goal

        text = latest_text(tracker)
        if await answered_aside(dispatcher, text):
            return [SlotSet("misses", 0)]
        who = None if tracker.active_loop_name else clinician_in_play(tracker, text)
        if who:  # "and who is it with?" after a list
            say(dispatcher, who)
            return [SlotSet("misses", 0)]
        asked = embedded_question(text) if QUESTION.search(text) else None
        if asked:  # "what are your hours and do you take medicare and where are you located?": each answered
            say(dispatcher, asked)
            log.info("event=fallback_questions_answered")
            return [SlotSet("misses", 0)]
        from actions.restart import SAYS_BYE

        if not tracker.active_loop_name and SAYS_BYE.search(text) and not guess_goal(text):
            log.info("event=fallback_goodbye")  # "No, that's everything. Thank you."
            return [FollowupAction("action_goodbye")]
        if not tracker.active_loop_name and (guess_goal(text) or UNDO.search(text) or
                                             (tracker.get_slot("last_booked") and MAKE_IT.search(text)) or
                                             (tracker.get_slot("callback_number_asked") and number_given(text)) or
                                             (tracker.get_slot("verified") and DOB_FIXED.search(text) and dob_in_text(text))):
            # a request said in words the classifier missed ("can i get the friday one back?"), the number asked for,
            # or the birth date corrected after a match ("sorry wrong birthday, my dob is 7/7/1972")
            log.info("event=fallback_keyword_request")
            return [FollowupAction("action_next")]
        if (tracker.get_slot("verify_failures") or 0) >= 2 and not tracker.get_slot("verified"):
            from actions.next_step import LOCKED_OUT

            say(dispatcher, LOCKED_OUT)  # "can't you just tell me? I'm her sister": still no
            log.info("event=fallback_locked_out")
            return []
        misses = (tracker.get_slot("misses") or 0) + 1
        if misses >= 2:
            from actions.next_step import STILL_UNCLEAR

            say(dispatcher, STILL_UNCLEAR)
        else:
            say(dispatcher, "Sorry, I didn't get that. You can say things like 'book an appointment', 'reschedule', 'cancel' or 'my appointments'.")
        log.info("event=fallback misses=%d", int(misses))
        return [SlotSet("misses", misses)]
