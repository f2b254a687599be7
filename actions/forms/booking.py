"""Booking: what for (specialty / visit type), when (time-preference parser), which option
($find, at most 3), hold ($hold) while the patient confirms, then $book (with cancelled-appt-id
when rescheduling, so the old appointment stays if the new booking fails)."""
from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import datetime, timedelta
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.care import care_from_text, specialty_name
from actions.common import (NO, YES, client, clinic, describe, last_bot_texts, latest_intent, latest_text, match_option, now,
                            option_buttons, parse_choice, say, slot_before_message, tz_name, yes_no)
from actions.formatting import clock_text
from actions.forms.base import TAKE_YOUR_TIME, FlowForm, take_your_time, waits
from actions.forms.coverage import payment_instead
from actions.forms.offer_times import (EARLIER, LATER, LATEST, _DAY_WORDS, closed_on_all, held_index, hours_note, in_its_week, next_to_booked, offered_days,
                                       late_in_the_day, on_days_of, parse_windows, relative_move, says_relative, shift_windows, windows_near)

log = logging.getLogger("schedbot.actions.booking")
SAME_TIME_SAID = re.compile(r"\bsame(?:[- ]?ish)?\s+time\b", re.I)
NOT_DAY = re.compile(r"\b(?:not|no|except|but not|anything but|other than)\s+(?:on\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.I)

ANY_TIME = re.compile(r"\b(asap|soon|soonest|next available|earliest|first available|any ?time|whenever|any day|anything|as soon as|lo antes|cualquier|"
                      r"what (do|d'?) ?(you|u) (have|got)|what'?s (available|open)|what (times|days) (do you have|are (available|open))|"
                      r"i'?m (flexible|easy)|doesn'?t matter|up to you|you (pick|choose))\b", re.I)
# "actually I don't need it anymore": the patient no longer wants a booking at all
# ("I don't need it to be early", "don't want it that late": how it should be, not whether)
DROP_IT = re.compile(r"\b(don'?t need (it|one|an? appo\w*|an? appts?|to book|to come in)(?!\s+(to be|that|so|too)\b)|no longer need|not needed|"
                     r"don'?t want (it|one|to book|an? appo\w*|an? appts?)(?!\s+(to be|that|so|too)\b)|forget (it|about it)|never ?mind|nvm|not anymore|changed my mind|"
                     r"i'?ll call (you )?(back|later)( later)?|i'?ll book later|call (you )?back later|i'?ll pass(?! on)|(i'?ll|i will) get back to (you|u)|"
                     r"maybe (another|some other) time)\b", re.I)
# words that ask for another time or option: "never mind, anything friday?", "changed my mind, the second one"
OTHER_CHOICE = re.compile(r"\d|\b(others?|another|different|instead|else|more|options?|times?|slots?|first|second|third|last|"
                          r"earliest|latest)\b", re.I)


def asks_another_time(text: str) -> bool:
    """Whether the words ask for other times, another option or a time of their own."""
    return bool(NONE_OF.search(text) or LATER.search(text) or EARLIER.search(text) or OTHER_CHOICE.search(text)
                or parse_windows(text))


# "how about the week after", "the day after that": the days asked for before, a week (or a day) later
THE_ONE_AFTER = re.compile(r"^\W*(?:(?:ok|okay|hmm+|um+|so|then|what|how)\W+)*(?:about\W+)?(?:the\s+)?(week|day)\s+after(?:\s+that)?(?:\s+(?:then|instead|please|pls))?\W*$", re.I)


def one_later(windows: list, unit: str) -> list:
    step = timedelta(days=7 if unit.lower() == "week" else 1)
    return [[(datetime.fromisoformat(s) + step).isoformat(), (datetime.fromisoformat(e) + step).isoformat()] for s, e in windows]


def drops_it(text: str) -> bool:
    """No booking at all, rather than another time ("never mind, anything friday?" is another time).
    Only the words besides the giving up are read for that: "maybe another time" and "I'll call back
    later" name a time only as a way of saying no."""
    text = text or ""
    return bool(DROP_IT.search(text)) and not asks_another_time(_FOR_NOW.sub(" ", DROP_IT.sub(" ", text)))


# "i don't want to book anything right now", "i need to check my calendar first": no time of its own
_FOR_NOW = re.compile(r"\b(right now|for now|just now|at the moment|at this time|"
                      r"(check|look at|consult) (my|the|our) (calendar|schedule|diary|planner)( first)?)\b", re.I)


# keeping the appointment being moved: "keep the friday one as is", "leave it", "i'll keep it"
KEEP_IT = re.compile(r"\b(keep (it|that|this|them|the \w+ one|my (appo\w*|appt|time))(?!\s+(in|on|at|early|earlier|late|later|for|to|around|"
                     r"before|after|the same|same)\b)|keep (the|my) (original|old|current|existing|first|usual)( one| time| appo\w*| appt| slot)?|"
                     r"leave it|as it is|as is)\b", re.I)  # ("keep it in the morning": a time)
# "actually can you book my son too", "book another one for next week as well": a second booking, not this one changed
ANOTHER_BOOKING = re.compile(r"\b(book\w*|schedul\w*|make an?|set up|one for|appo\w*|appts?|get\b.{0,25}\bin)\b", re.I)
TOO = re.compile(r"\b(too|also|as well|another|one more|a second|second one)\b", re.I)


def wants_another_booking(text: str) -> bool:
    """Whether a message in the middle of a booking asks for one more booking besides it: a booking, a
    person or a reason, with "too" / "also" / "as well" ("my husband needs one too", "a skin check too")."""
    from actions.care import specialty_from_text
    from actions.who import someone_else

    asks = ANOTHER_BOOKING.search(text or "") or someone_else(text) or specialty_from_text(text, strict=True)
    return bool(asks and TOO.search(text or "")) and not re.search(
        r"\b(another|different|other) (time|day|slot|option|one instead)\b|\binstead\b|\bbook (it|that|this)\b|"
        r"\b(cancel\w*|resched\w*|move|push|postpone|change)\b|"  # ("also cancel my wednesday appointment": not a booking)
        r"\b(through|under|via|on) (my|our)\b", text or "", re.I)  # ("insured through my husband too": a plan)


# "none of those", "other days?", "too early", "otra hora": read from the words (there is no none_of_these intent:
# like a choice of option, it is an answer to the options question, labelled inform)
NONE_OF = re.compile(r"\b(none|neither|nothing|ningun[oa]?|(other|otehr|othr) (times|options|otpions|days|dates|slots|hours)|(s\w*|any\w*) else|"
                     r"what else (do|have|is there|are there|(you|u) got|can)|"
                     r"different|more (options|times)|show me more|(don'?t|dont|doesn'?t|won'?t) work|not those|too (early|late)|"
                     r"(can'?t|cannot) (do|make) (any( of)? )?(those|these|them|either)|"
                     r"otr[oa]s? (hora|horario|d[ií]a|opci[oó]n)\w*)\b", re.I)
# "what else do you have that day?", "show me more": more times like those offered (not "none of those")
MORE_OF_THEM = re.compile(r"\b(what else (do|have|is there|are there|(you|u) got|can)|(any|some)(thing|one)? else|more (options|times|slots)|"
                          r"show me more|other (times|options|slots)|any others?)\b", re.I)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


async def find_options(specialty: str | None, visit_type: str | None, windows: list | None, exclude: list | None = None,
                       patient_id: str | None = None, practitioner: str | None = None, place: str | None = None,
                       gender: str | None = None, avoid: list | None = None) -> list:
    """Up to 3 proposed appointments, across the patient's windows (or from now on), in ``place`` (a city)
    when given, with a clinician of that ``gender`` when given, none overlapping the ``avoid`` spans (times
    booked in this conversation: a parent can't be at two visits at once)."""
    from actions.clinicians import of_gender

    busy = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in (avoid or []) if a and b]

    fhir = client()
    spans = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in (windows or [])][:4]
    if not spans:
        spans = [(now(), None)]
    exclude = set(exclude or [])
    # 3 to offer and one spare (a clinician of two specialties may come back under the other); more when
    # times offered before, other visits or a clinician's gender will set some aside. Each one returned
    # costs about half a millisecond to read into a model, and a booking step waits for it
    count = 6 if exclude or busy or gender else 4

    async def run(vt):
        found = []
        for start, end in spans:
            kwargs = {"start": max(start, now())}
            if end is not None:
                kwargs["end"] = end
            batch = await fhir.find(specialty=specialty, visit_type=vt, count=count, patient_id=patient_id,
                                    practitioner=practitioner, location_string=place, **kwargs)
            # a clinician with two specialties may come back under the other one (a pediatrician's
            # appointment for an adult's knee): keep those that say the specialty asked for
            batch = [a for a in batch if not specialty or specialty in _codes(a)] or \
                ([] if practitioner is None and any(_codes(a) for a in batch) else batch)
            batch = [a for a in batch if not any(a.start < end and (a.end or a.start) > start for start, end in busy)]
            found += await of_gender(batch, gender) if gender else batch
            if len([a for a in found if a.id not in exclude]) >= 3:
                break
        return found

    found = await run(visit_type) if visit_type else []
    if not found:
        found = await run(None)
    seen, out = set(), []
    for a in sorted(found, key=lambda a: a.start):
        key = a.id
        if key in seen:
            continue
        seen.add(key)
        out.append(a)
    fresh = [a for a in out if a.id not in exclude]
    return (fresh or out)[:3]


async def still_booked(appt_id: str) -> bool:
    """Whether an appointment is still booked (True when that cannot be told: nothing is assumed gone)."""
    try:
        return getattr(await client().read("Appointment", appt_id), "status", "booked") in ("booked", "arrived", "checked-in")
    except Exception:  # noqa: BLE001 - unknown: keep Rasa's answer (the time was taken)
        return True


def _codes(appt) -> set:
    return {c.code for concept in (getattr(appt, "specialty", None) or []) for c in (getattr(concept, "coding", None) or [])}


# Times asked for that were full when last asked, by this action server: a popular morning stays full, so
# the next patient asking for it gets the nearest openings asked for at the same time (one round trip
# instead of two). Only then: an extra $find for every request would double a real EHR's busiest call.
FULL_FOR = 300.0  # seconds
_full_since: dict[tuple, float] = {}


def was_full_lately(asked: tuple) -> bool:
    since = _full_since.get(asked)
    return since is not None and time.monotonic() - since < FULL_FOR


def note_full(asked: tuple, full: bool) -> None:
    if not full:
        _full_since.pop(asked, None)
        return
    cutoff = time.monotonic() - FULL_FOR
    for k in [k for k, t in _full_since.items() if t < cutoff]:
        del _full_since[k]
    _full_since[asked] = time.monotonic()


def _retrieved(task: asyncio.Future) -> None:
    """A look-ahead not needed after all: its answer (or failure) is dropped without a warning."""
    if not task.cancelled():
        task.exception()


def nearest_after(windows: list | None) -> list | None:
    """Where the nearest openings after the windows asked for are looked for: three weeks from the first."""
    if not windows:
        return None
    first = max(min(datetime.fromisoformat(w[0]) for w in windows), now())
    return [[first.isoformat(), (first + timedelta(days=21)).isoformat()]]


CLOCK = re.compile(r"\d\s*(:\d\d|am\b|pm\b|a\.m|p\.m)", re.I)
CLOCK_SAID = re.compile(CLOCK.pattern + r"|\b(at|around|about|by|after|before|near)\s+\d{1,2}\b(?!\s*(st|nd|rd|th|/|-))", re.I)


# "any of those is fine", "whichever", "doesn't matter", "either one works"
ANY_WILL_DO = re.compile(r"^\W*(?:(?:ok(?:ay)?|oh|um+|hmm+|sure|yes|yeah|honestly|really)\W+)*(?:(?:any|either|whichever|whatever)(?: one| of (?:them|those|these|the \w+))?"
                         r"(?:\s+(?:is|are|works?|would (?:be|work)))?(?:\s+(?:fine|good|ok(?:ay)?|great|perfect|for me))?|"
                         r"(?:it )?doesn'?t matter|i don'?t (?:care|mind)|dealer'?s choice|you (?:pick|choose))\W*(?:(?:to me|really|honestly|"
                         r"thanks|thank you|please)\W*)*$", re.I)


def pick_option(text: str, options: list, ambiguous: list | None = None) -> int | None:
    """Which offered option the patient means: by its time/day/clinician ("the 10:15 one"),
    then by number or order ("2", "the second one", "last"). ``ambiguous`` collects the numbers
    when the description fits more than one."""
    texts = [o.get("text") or "" for o in options]
    by_content = match_option(text, texts, ambiguous)
    if by_content or (ambiguous):
        return by_content
    if re.search(r"\b(earliest|soonest|first available|(the )?next (one|available|opening|time))\b", text or "", re.I) and options:
        return 1  # options are offered in time order ("ok, the next one then" after a time was taken)
    if re.search(r"\b(latest)\b", text or "", re.I) and options and not _DAY_WORDS.search(text or ""):
        return len(options)  # ("the latest you have on friday": another day's, not option 3)
    if ANY_WILL_DO.search(text or "") and not NO.search(text or "") and options:
        return 1  # "any of those is fine": the first (the soonest)
    if len(options) == 1 and YES.search(text or "") and not NO.search(text or ""):
        return 1  # "I have one opening: ..." - "ok"
    if CLOCK.search(text or ""):
        return None  # a clock time that is none of the options: not "option 2"
    return parse_choice(text, len(options))


# a question about where an offered time is ("is the first one downtown?", "where is that clinic?",
# "is the 2nd one in sf?"; not "is the 2nd one in the morning?")
PLACE_QUESTION = re.compile(r"^(?=.*\?)(?=.*\b(where|downtown|address|located|location|how far|far from|close to|near|parking|"
                            r"which (clinic|office|place)|what (clinic|office|place)|"
                            r"(is|are) (it|that|this|they|those|these|both|the \w+( one)?|#?\d|option #?\d|number \d) in "
                            r"(?!(the )?(morning|afternoon|evening|week|month)\b|(a|an|person|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)\b|\d)\w+)\b)", re.I | re.S)


# "anything in san francisco?", "do you have something closer to sf": times in one of our cities instead
ASKS_PLACE = re.compile(r"^(?=.*\b(?:any|anything|something|openings?|times?|slots?|appts?|appointments?|what about|how about|"
                        r"^(?:\W*\w+)?\W*the ones?\s+(?:in|at|near)|"  # ("the one in sacramento", not "is the 2nd one in sf?")
                        r"do you have|got)\b).*?\b(?:in|at|near|around|closer to|close to)\s+(?:the\s+)?(?P<place>[a-z][a-z .'-]{1,30}?)"
                        r"(?:\s+(?:clinic|office|location|area))?\s*[?.!]*$", re.I)
# what follows "in" but is no place: "anything in the afternoon?", "something in december", "in person"
_NOT_PLACE = re.compile(r"^(?:morning|afternoon|evening|night|noon|week|weekend|month|day|person|a|an|all|that|it|\w+days?|"
                        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\w*|(?:next|this|the|a|an|your|my)\b.*|city|town|area|downtown|"
                        r"there|here)$", re.I)
_TIME_WORDS = re.compile(r"\b(?:weeks?|days?|hours?|hrs?|mins?|minutes?|months?|morning|afternoon|evening|time|times|bit|while|"
                         r"lunch\w*|then|now|once|all|soon|later|earlier|early|late|one|two|three|four|five|six|few|couple)\b", re.I)
CITY_ALIASES = {"sf": "San Francisco", "san fran": "San Francisco", "frisco": "San Francisco", "sj": "San Jose",
                "sac": "Sacramento", "sacto": "Sacramento"}


def city_in_request(text: str) -> str | None:
    """One of our cities a request names as where ("a physical at your San Francisco location"), else None."""
    from actions.digressions import our_cities
    from actions.who import folded

    said = folded(text or "")
    names = {**{folded(c): c for c in our_cities()}, **{a: c for a, c in CITY_ALIASES.items() if c in our_cities()}}
    for name, city in names.items():
        if re.search(rf"\b(?:at|in|near|around)\s+(?:(?:your|the|our)\s+)?{re.escape(name)}\b", said):
            return city
    return None


def place_asked(text: str) -> tuple[str | None, str | None]:
    """A message asking for times in a city: (the city, when it is one of ours, else None; the place as said)."""
    from actions.digressions import our_cities
    from actions.who import folded

    m = ASKS_PLACE.search((text or "").strip())
    place = m.group("place").strip(" .'-") if m else ""
    if not place or _NOT_PLACE.match(place) or NO.search(place) or _TIME_WORDS.search(place):
        return None, None
    said = folded(place)
    for city in our_cities():
        if folded(city) in said or CITY_ALIASES.get(said) == city:
            return city, place
    return None, place


THE_ONE = re.compile(r"^\W*(?:\w+\W+)?the\b.{0,20}\bones?\b", re.I)


def city_named(text: str) -> str | None:
    """The one city of ours a short message names ("the sacramento one"), or None."""
    from actions.digressions import cities_in
    from actions.who import folded

    said = folded(text or "")
    named = cities_in(text)
    named += [c for alias, c in CITY_ALIASES.items() if re.search(rf"\b{re.escape(alias)}\b", said) and c not in named]
    return named[0] if len(named) == 1 and len(said.split()) <= 6 else None


def not_a_place_of_ours(dispatcher, place: str) -> None:
    from actions.digressions import our_cities

    cities = our_cities()
    where = f"{', '.join(cities[:-1])} and {cities[-1]}" if len(cities) > 1 else "".join(cities)
    say(dispatcher, f"Sorry, we don't have a clinic in {place.title()}. Our clinics are in {where}.")


def say_where(dispatcher, texts: list[str]) -> None:
    """The address of each of our places the offered times in ``texts`` name (a PLACE_QUESTION's answer)."""
    from actions.digressions import addresses_in

    say(dispatcher, addresses_in(texts) or "All our addresses are on our website.")


# a part of the day or an open range: "monday after 2" asks for times, it doesn't point at one offered
_RANGE = re.compile(r"\b(after|before|between|from|morning|afternoon|evening|later than|earlier than|no earlier|no later)\b", re.I)


def fits_range(text: str, picked: list, tracker: Tracker) -> bool:
    """Whether the options a message points at ("monday", "the 3:00 one") lie in the range of time it
    also states ("after 2"); True when it states none."""
    if not _RANGE.search(text or ""):
        return True
    windows = windows_near(text, tracker)
    if not windows:
        return True
    spans = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in windows]
    return any(a <= datetime.fromisoformat(o["start"]) < b for o in picked if o.get("start") for a, b in spans)


AMBIGUOUS = "More than one fits that:"


def last_ambiguity(tracker: Tracker) -> list[int]:
    """The option numbers of the bot's "More than one fits that: 2) ... or 3) ..." in its last turn (else [])."""
    said = next((t for t in last_bot_texts(tracker) if t.startswith(AMBIGUOUS)), None)
    return [int(n) for n in re.findall(r"(?:: |, |or )(\d)\)", said)] if said else []


def queue_another_booking(dispatcher, tracker: Tracker) -> dict | None:
    """ "actually can you book my son too" / "book another one for next week as well" in the middle of
    a booking: added to ``paused["then"]`` (with this visit's care, for "too"); this booking is finished
    first, then action_next starts those in turn as if just asked. The new ``paused``, or None."""
    text = latest_text(tracker)
    # (the message that asked for this booking is no second one: "... a physical, and also my cholesterol")
    if tracker.get_slot("goal") != "book" or slot_before_message(tracker, "goal") != "book" or not wants_another_booking(text) or \
            latest_intent(tracker) in ("ask_hours", "ask_location", "ask_insurance", "handoff", "start_over", "goodbye"):
        return None
    from actions.who import someone_else, whose

    other = someone_else(text)
    then = {"text": text, **{k: tracker.get_slot(k) for k in ("care", "specialty", "visit_type")}}
    log.info("event=another_booking_queued other=%s", bool(other))
    whom = f"{whose({'rel': other['rel'], 'given': other.get('given')})} appointment" if other else "the other one"
    say(dispatcher, f"Sure, I'll book {whom} right after. First, let's finish this one.")
    paused = tracker.get_slot("paused") or {}
    return {**paused, "then": [*(paused.get("then") or []), then]}


# "any doctor is fine", "whoever is free", "doesn't matter who": no clinician in particular
ANY_CLINICIAN = re.compile(r"\b(any|whoever|whichever|anyone|anybody)\s*(?:one\s+)?(?:doctor|dr|doc|clinician|provider|physician|"
                           r"dermatologist|pediatrician|one is fine|is (?:fine|free|available))\b|\bdoesn'?t matter who\b|"
                           r"\bdon'?t care (?:who|which)\b", re.I)


# in a move, a cancel asked for instead: "no i want to cancel it, not move it", "just cancel it"
CANCEL_NOT_MOVE = re.compile(r"\b(cancel\w*|cxl|canx)\b.{0,25}\b(not|don'?t|instead|rather)\b.{0,15}\b(mov\w*|resched\w*|chang\w*)\b|"
                             r"\b(not|don'?t)\b.{0,10}\b(mov\w*|resched\w*|chang\w*)\b.{0,25}\b(cancel\w*|cxl|canx)\b|"
                             r"^\W*(no,?\s+)?((just|actually|rather)\s+)+(cancel|cxl|canx)\b", re.I)


class ValidateBookingForm(FlowForm):
    def name(self) -> Text:
        return "validate_booking_form"

    def needed(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("outcome") or not tracker.get_slot("verified"):
            return []  # (not verified: the visit turned out to be for someone else; action_next verifies them)
        return ["care", "when_text", "option", "confirm"]

    async def _someone_else_now(self, dispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """ "actually it's for my daughter" (or "for me, not my son") in the middle of booking: the
        hold goes, and the person to book is verified first; what the visit is for and when stay."""
        from actions.who import for_self, person_switched, switched_slots

        text = latest_text(tracker)
        if latest_intent(tracker) in ("ask_hours", "ask_location", "ask_insurance", "handoff", "start_over", "goodbye"):
            return {}
        at_care = tracker.get_slot("requested_slot") == "care" and not for_self(text)
        switched = person_switched(text, tracker.get_slot("for_whom"), tracker.get_slot("person_name"), at_care)
        if switched is None:
            return {}
        who, label, other = switched
        spec, visit = tracker.get_slot("specialty"), tracker.get_slot("visit_type")
        if not spec and at_care:  # "my kid needs a checkup": what it is for is kept for when they are found
            spec, visit = care_from_text(text)
        out = {**switched_slots(who, other, spec, visit, tracker.get_slot("specialty")), **(await self._drop_hold(tracker)),
               "options": None, "option": None, "confirm": None, "seen": None, "form_misses": 0}
        log.info("event=patient_switched_mid_booking")
        say(dispatcher, f"OK, this visit is for {label}." if at_care else f"OK, I'll book for {label} instead.")
        tracker.slots.update(out)
        tracker.switched_to = out  # (set by after_validation: extraction results of other slots are not kept)
        return out

    def _another_appointment(self, tracker: Tracker) -> Dict[Text, Any]:
        """ "oh and move my tues one too" while booking, read by the classifier as an answer: the form
        ends with outcome "switch"; action_next puts the booking aside and serves that request first."""
        from actions.next_step import OTHER_APPT

        text = latest_text(tracker)
        if tracker.get_slot("goal") == "reschedule" and CANCEL_NOT_MOVE.search(text):
            log.info("event=cancel_instead_of_move")  # "no i want to CANCEL it not move it": a cancel now
            tracker.switched_to = {"outcome": "switch"}
            return {"outcome": "switch"}
        if tracker.get_slot("goal") != "book" or not OTHER_APPT.search(text):
            return {}
        log.info("event=other_request_mid_booking")
        tracker.switched_to = {"outcome": "switch"}  # (returned by after_validation)
        return {"outcome": "switch"}

    def _another_booking(self, dispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """ "actually can you book my son too" while booking: queued (queue_another_booking); nothing
        else changes this turn, and the question is asked again."""
        if tracker.get_slot("old_appt"):
            return {}  # (a move: not a booking to add to)
        paused = queue_another_booking(dispatcher, tracker)
        if not paused:
            return {}
        tracker.switched_to = {"paused": paused}  # (returned by after_validation)
        tracker.queued_now = True
        return {"paused": paused}

    def _stepping_aside(self, tracker: Tracker) -> bool:
        return tracker.get_slot("outcome") == "switch" or getattr(tracker, "queued_now", False)

    async def extract_care(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        """Change of mind at any step: "actually a family doctor" (or "actually it's for my son")."""
        if tracker.get_slot("verified") and tracker.get_slot("requested_slot") not in (None,):
            if self._another_booking(dispatcher, tracker):
                return {}  # (the question being asked: nothing answered; asked again)
            switched = await self._someone_else_now(dispatcher, tracker)
            if switched:
                return switched
            aside = self._another_appointment(tracker)
            if aside:
                return aside
        if tracker.get_slot("requested_slot") in (None, "care"):
            return {}
        if latest_intent(tracker) in ("ask_hours", "ask_location", "ask_insurance", "handoff", "start_over", "goodbye"):
            return {}
        from actions.care import specialty_from_text

        from actions.care import PEDIATRICS
        from actions.who import someone_else

        text = latest_text(tracker)
        spec = specialty_from_text(text, strict=True)
        if spec == PEDIATRICS and someone_else(text) and not re.search(r"pediatric|paediatric|peds\b|well.?child", text, re.I):
            return {}  # "can my son come in with me": a word for a child, not this visit changed to pediatrics
        if spec and spec != tracker.get_slot("specialty"):
            return {"care": text}
        return {}

    async def validate_care(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if self._stepping_aside(tracker):
            return {"care": None}  # (the question being asked: nothing answered)
        if not tracker.get_slot("verified"):
            return {"care": None}  # the visit is for someone else now: they are verified first
        if drops_it(str(value or "")):  # "actually i changed my mind, i dont need it": nothing booked, the request ends
            return {**(await self._give_up(dispatcher, tracker)), "care": None}
        entity = next(tracker.get_latest_entity_values("specialty"), None)
        spec, visit = care_from_text(str(entity or value or ""))
        if not spec and re.fullmatch(r"\d{9}", str(value or "")):
            spec = str(value)
        if not spec:
            from actions.clinicians import clinician_slots

            named = await clinician_slots(str(value or ""), bare=True)  # "dr boyce": the clinician's specialty
            if named.get("specialty"):
                return {**named, "visit_type": None, "form_misses": 0}
            if named.get("unknown"):
                self.miss(dispatcher, tracker, f"I couldn't find {named['unknown']} at our clinic. What's the visit for?")
                return {"care": None}
            windows = parse_windows(str(value or "")) if tracker.get_slot("requested_slot") == "care" else []
            if windows and not tracker.get_slot("when_text"):  # "tomorrow" before saying what for: keep it
                say(dispatcher, "Noted the time.")
                return {"care": None, "when_text": str(value), "windows": windows}
            self.miss(dispatcher, tracker, "Sorry, I didn't catch what the visit is for.")
            return {"care": None}
        from actions.who import is_child

        if is_child(tracker.get_slot("for_whom")):  # "a rash" for a child: pediatrics
            from actions.care import for_a_child

            spec, visit = for_a_child(spec, visit)
        out: Dict[Text, Any] = {"care": specialty_name(spec), "specialty": spec, "visit_type": visit, "form_misses": 0}
        if re.search(r"\b(dr|doctor|with)\b", str(value or ""), re.I):  # "a skin check with dr boyce": them too
            who = await self._clinician_change(str(value), dispatcher, tracker)
            if who.get("practitioner"):
                out["practitioner"] = who["practitioner"]
                if who.get("specialty") and who["specialty"] != spec:  # a dermatologist named for a checkup: theirs
                    out.update({"care": who["care"], "specialty": who["specialty"], "visit_type": None})
                    spec = who["specialty"]
        previous = tracker.get_slot("specialty")
        if previous and previous != spec:
            say(dispatcher, f"OK, {specialty_name(spec)} instead.")
            out["practitioner"] = None  # (one named before was for the other kind of visit)
            out.update(await self._drop_hold(tracker))
            out.update({"options": None, "option": None, "confirm": None})
        return out

    async def _clinician_change(self, text: str, dispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """ "with dr mccoy" / "can I see Beverly instead" while choosing: that clinician from now on."""
        from actions.clinicians import clinician_slots, gender_wanted

        if (tracker.get_slot("practitioner") or tracker.get_slot("clinician_gender")) and ANY_CLINICIAN.search(text):
            return {"practitioner": None, "clinician_gender": None}  # "any doctor is fine": no one in particular
        gender = gender_wanted(text)
        if gender and gender != tracker.get_slot("clinician_gender"):
            return {"clinician_gender": gender, "practitioner": None}  # "can i see a woman instead?"
        named = await clinician_slots(text)
        if named.get("unknown"):
            if text == latest_text(tracker):  # (a request's own words were answered when it was made)
                say(dispatcher, f"I couldn't find {named['unknown']} at our clinic.")
            return {}
        if not named.get("practitioner") or named["practitioner"] == tracker.get_slot("practitioner"):
            return {}
        out: Dict[Text, Any] = {"practitioner": named["practitioner"]}
        if named.get("specialty") and named["specialty"] != tracker.get_slot("specialty"):
            out.update({"care": named["care"], "specialty": named["specialty"], "visit_type": None})
        return out

    @staticmethod
    def _read_against_the_last(tracker: Tracker, text: str) -> bool:
        """action_next read the time against the visit just booked or cancelled ("book me something the week
        after instead, mornings": the week after that one), so the windows it set stand."""
        for slot in ("last_cancelled", "last_booked"):
            start = (tracker.get_slot(slot) or {}).get("start")
            if start and relative_move(text, start) == tracker.get_slot("windows"):
                return True
        return False

    async def validate_when_text(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if self._stepping_aside(tracker):
            return {"when_text": None}  # (the question being asked: nothing answered)
        if not tracker.get_slot("verified"):
            return {"when_text": None}  # the visit is for someone else now: they are verified first
        text = str(value or "")
        from actions.next_step import SAME_TIME

        if text == SAME_TIME and tracker.get_slot("windows"):  # giving back a cancelled appointment
            return {"when_text": text}
        if tracker.get_slot("requested_slot") != "when_text" and tracker.get_slot("windows") and (
                not parse_windows(text) or self._read_against_the_last(tracker, text)):
            return {"when_text": text}  # read by action_next with what it knew ("one just like it for the week after")
        moving = tracker.get_slot("old_appt") or {}
        if (moving and KEEP_IT.search(text)) or drops_it(text):  # "actually nvm, keep the friday one as is" / "i dont need it"
            return {**(await self._give_up(dispatcher, tracker)), "when_text": None}
        paying = await payment_instead(dispatcher, tracker, text) or {}  # "self pay actually": noted (and a time with it taken)
        windows = relative_move(text, moving.get("start"))  # "an hour later": from the appointment being moved
        if not windows and not moving:
            windows = next_to_booked(text, tracker.get_slot("booked_here"))  # "right after mine" (a second visit)
        if not windows and moving.get("start") and not parse_windows(text):
            windows = shift_windows(text, [moving], None)  # "sooner if possible": before it, any day; "later": after it
        if not windows:
            windows = in_its_week(text, parse_windows(text), moving.get("start"))  # "to thursday": that week's
            if windows and tracker.get_slot("windows") and not _DAY_WORDS.search(text):
                windows = on_days_of(windows, tracker.get_slot("windows")) or windows
        if not windows and tracker.get_slot("windows") and THE_ONE_AFTER.search(text):
            windows = one_later(tracker.get_slot("windows"), THE_ONE_AFTER.search(text).group(1))  # "how about the week after"
        who = await self._clinician_change(text, dispatcher, tracker)
        if windows:
            return {**paying, **who, "when_text": text, "windows": windows, "options": None, "option": None, "form_misses": 0}
        if ANY_TIME.search(text):
            return {**paying, **who, "when_text": "any", "windows": None, "options": None, "option": None, "form_misses": 0}
        if who or paying:
            return {**paying, **who, "when_text": None}  # the clinician or the payment noted; "when" is asked again
        if "care" in tracker.slots_to_validate() and tracker.get_slot("requested_slot") != "care":
            return {"when_text": None}  # it was a change of mind about the care, not a time
        from actions.digressions import answered_inline

        if await answered_inline(dispatcher, tracker):  # "do you know if parking is available?": answered, asked again
            return {"when_text": None}
        self.miss(dispatcher, tracker, "Sorry, I didn't catch a day or time. Try something like 'tomorrow morning' or 'next Tuesday after 2'.")
        return {"when_text": None}

    async def validate_option(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if self._stepping_aside(tracker):
            return {"option": None}  # (the question being asked: nothing answered)
        if not tracker.get_slot("verified"):
            return {"option": None}  # the visit is for someone else now: they are verified first
        options = tracker.get_slot("options") or []
        text = str(value or "")
        if not options:
            return {"option": None}
        if drops_it(text):
            return {**(await self._give_up(dispatcher, tracker)), "option": None}
        seen = (tracker.get_slot("seen") or []) + [o["id"] for o in options]
        not_day = NOT_DAY.search(text)
        if not_day:  # "none of those, not mondays": the same preference without that day, not a Monday option
            from actions.next_step import SAME_TIME

            when = tracker.get_slot("when_text")
            combined = f"{when} but not {not_day.group(1)}" if when and when not in ("any", SAME_TIME) else text
            windows = parse_windows(combined) or parse_windows(text)
            if windows:
                return {"option": None, "options": None, "when_text": combined, "windows": windows, "seen": seen,
                        "form_misses": 0}
        paying = await payment_instead(dispatcher, tracker, text)
        if paying is not None:  # "self pay then": noted, and the options stand
            return {**paying, "option": None}
        city, place = place_asked(text)
        named = None if (city or place or "?" in text) else city_named(text)  # "the sacramento one"
        there = [o for o in options if (city or named or "").lower() in o["text"].partition(" at ")[2].lower()] if city or named else []
        if named and not there:
            city = named  # (none of those offered is there: that city's times)
        if city and there and THE_ONE.search(text):
            city = place = None  # "the one in sacramento" with one of them there: that one (picked below)
        if city:  # "anything in san francisco?": the same times asked for, there
            return {"option": None, "options": None, "place": city, "form_misses": 0}  # (those offered may come again)
        if place:  # a city without a clinic of ours: said so, and the options stand
            not_a_place_of_ours(dispatcher, place)
            return {"option": None}
        if HOW_LONG.search(text):  # "how long is the appointment?": told, nothing picked yet
            say_how_long(dispatcher, options)
            return {"option": None}
        if ONCE_MORE.search(text):  # "sorry what were the options again?": listed again, no miss
            return {"option": None}
        asked = asks_about_option(text, options)
        if asked:  # "which doctor is the 2nd one?": told, nothing held yet
            say(dispatcher, f"Option {asked} is {options[asked - 1]['text']}.")
            return {"option": None}
        moving = tracker.get_slot("old_appt") or {}
        if moving.get("start") and SAME_TIME_SAID.search(text):
            # "tuesday again if possible, same time": the one option at the moved appointment's time of day
            old = datetime.fromisoformat(moving["start"]).astimezone(ZoneInfo(tz_name())).time()
            same = [i for i, o in enumerate(options, 1) if o.get("start") and
                    datetime.fromisoformat(o["start"]).astimezone(ZoneInfo(tz_name())).time() == old]
            if len(same) == 1:
                return {"option": str(same[0]), "form_misses": 0}
        several: list = []
        choice = pick_option(text, options, several)
        from actions.clinicians import gender_wanted

        if gender_wanted(text) and gender_wanted(text) != tracker.get_slot("clinician_gender"):
            choice, several = None, []  # "is the first one with a female doctor?": a woman's times, nothing held
        if PLACE_QUESTION.search(text):  # "is the first one downtown?": answered, nothing picked yet
            picked = [options[i - 1] for i in ([choice] if choice else several)] or options
            say_where(dispatcher, [o.get("text") or "" for o in picked])
            return {"option": None}
        if (choice or several) and not fits_range(text, [options[i - 1] for i in ([choice] if choice else several)], tracker):
            choice, several = None, []  # "monday after 2" while Monday mornings are offered: a new preference
        narrowed = last_ambiguity(tracker) if not choice else []
        if narrowed and all(1 <= i <= len(options) for i in narrowed):
            # after "More than one fits that: 2) ... or 3) ...", "the one with dr billingsley" is one of those
            hit = match_option(text, [options[i - 1]["text"] for i in narrowed])
            if hit:
                choice, several = narrowed[hit - 1], []
        asked_for = tracker.get_slot("when_text") or ""
        if not (choice or several) and YES.search(text) and not NO.search(text) and (says_relative(asked_for) or CLOCK_SAID.search(asked_for)):
            # "same day and time the following week" / "thursday at 3" - (the options) - "yes please": the one at that time
            target = (tracker.get_slot("windows") or [[None]])[0][0]
            exact = [i for i, o in enumerate(options, 1) if target and o.get("start") and
                     datetime.fromisoformat(o["start"]) == datetime.fromisoformat(target)]
            # (every time offered is the one asked for, with different clinicians: "yes" takes the first)
            choice = exact[0] if len(exact) == 1 or (exact and len(exact) == len(options)) else None
            if not choice and len(exact) > 1 and not CLOCK_SAID.search(asked_for):
                several = exact
        if not (choice or several) and YES.search(text) and not NO.search(text) and CLOCK_SAID.search(asked_for):
            # "friday at 2pm with dr boyce?" - (the options) - "yes": the one option that is the time asked for
            choice = match_option(asked_for, [o.get("text") or "" for o in options], several)  # (two at 3:30: which?)
        if choice:
            return {"option": str(choice), "form_misses": 0}
        if several:  # "the 10:15 one" when two clinicians are free at 10:15
            places = {options[i - 1]["text"].partition(" at ")[2] for i in several}
            # (the places too when they differ: "2:15 with Dr. McCoy at San Francisco Family Care or ... at Sacramento ...")
            short = [f"{i}) {options[i - 1]['text'] if len(places) > 1 else options[i - 1]['text'].split(' at ')[0]}" for i in several]
            say(dispatcher, f"{AMBIGUOUS} {', '.join(short[:-1])} or {short[-1]}. Which number?")
            _answered_without_a_choice(tracker)
            return {"option": None}
        from actions.digressions import answered_aside

        if await answered_aside(dispatcher, text, "answered_inline"):  # "will the doctor do a colonoscopy at the first visit?"
            return {"option": None}
        who = await self._clinician_change(text, dispatcher, tracker)
        if who:  # "anything with dr mccoy?": that clinician's times, on the days asked for
            windows = windows_near(text, tracker) or tracker.get_slot("windows")
            return {**who, "option": None, "options": None, "when_text": tracker.get_slot("when_text") or "any",
                    "windows": windows, "form_misses": 0}
        # ("anything later that day, maybe around 3?": the time said wins over "later")
        shifted = None if CLOCK_SAID.search(text) else shift_windows(text, options, tracker.get_slot("windows"))
        if shifted:  # "something later" / "anything earlier?" (the day asked for stays the reference)
            return {"option": None, "options": None, "when_text": tracker.get_slot("when_text") or "any", "windows": shifted,
                    "seen": seen, "form_misses": 0}
        windows = windows_near(text, tracker)
        if windows:  # "none of those, friday?" / "what about thursday"
            return {"option": None, "options": None, "when_text": text, "windows": windows, "seen": seen, "form_misses": 0}
        if waits(text):  # "hold on let me check my calendar": no answer yet, and no miss
            say(dispatcher, take_your_time(tracker, "option"))
            _answered_without_a_choice(tracker)
            return {"option": None}
        if MORE_OF_THEM.search(text) and tracker.get_slot("windows"):
            # "what else do you have that day?", "show me more": the next times of what was asked for
            return {"option": None, "options": None, "when_text": tracker.get_slot("when_text") or "any",
                    "windows": tracker.get_slot("windows"), "seen": seen, "form_misses": 0}
        if NONE_OF.search(text) or NO.search(text):
            say(dispatcher, "No problem.")
            # the windows stay as context: "in the afternoon" next means afternoons of those days
            return {"option": None, "options": None, "when_text": None, "windows": tracker.get_slot("windows"), "seen": seen}
        if "care" in tracker.slots_to_validate():
            return {"option": None}
        self.miss(dispatcher, tracker, f"Please reply with a number from 1 to {len(options)}, or 'none' for other times.")
        return {"option": None}

    async def validate_confirm(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if self._stepping_aside(tracker):
            return {"confirm": None}  # (the question being asked: nothing answered)
        if not tracker.get_slot("verified"):
            return {"confirm": None}  # the visit is for someone else now: they are verified first
        if not tracker.get_slot("held"):
            return {"confirm": None}
        text = str(value or "")
        if (PLACE_QUESTION.search(text) or HOW_LONG.search(text)) and not (tracker.get_slot("old_appt") and KEEP_IT.search(text)):
            # "is that in san jose?" / "how long will it take?" (or both): told, and the held time asked about again
            # (not "leave it where it is" when moving)
            if PLACE_QUESTION.search(text):
                say_where(dispatcher, [tracker.get_slot("held").get("text") or ""])
            if HOW_LONG.search(text):
                say_how_long(dispatcher, [tracker.get_slot("held")])
            return {"confirm": None}
        from actions.digressions import answered_aside

        if not YES.search(text) and await answered_aside(dispatcher, text, "answered_inline"):
            return {"confirm": None}  # "do I need to fast before it?": answered, the held time asked about again
        asked = asks_about_option(text, tracker.get_slot("options") or [])
        if asked:  # "what time is the first one again?": told, and the held time asked about again (not swapped)
            say(dispatcher, f"Option {asked} is {(tracker.get_slot('options') or [])[asked - 1]['text']}.")
            return {"confirm": None}
        paying = None if YES.search(text) else await payment_instead(dispatcher, tracker, text)
        if paying is not None:  # "self pay then": noted, and the held time asked about again
            return {**paying, "confirm": None}
        if drops_it(text) or (tracker.get_slot("old_appt") and KEEP_IT.search(text)):
            # "actually i don't need it anymore" / "keep it as it is": nothing booked, the request ends
            return {**(await self._give_up(dispatcher, tracker)), "confirm": None}
        if waits(text):  # "one sec, let me ask my wife": the time stays held
            say(dispatcher, take_your_time(tracker, "confirm"))
            return {"confirm": None}
        answer = yes_no(tracker)
        if answer is None and NONE_OF.search(text):
            answer = False
        options = tracker.get_slot("options") or []
        if answer is not True:
            # "no, the 10:15 one" / "actually the second one" / "no, something later"
            choice = pick_option(text, options) if re.search(r"\d|option|first|second|third|last|one\b|mon|tue|wed|thu|fri|dr", text, re.I) else None
            held_at = held_index(options, tracker.get_slot("held"))
            if re.search(r"\b(the )?(other|another|different) (one|time|slot|option)\b", text, re.I) and len(options) == 2 and held_at:
                choice = 3 - held_at  # "wait no the other one"
            if choice and choice != held_at:  # another of the options instead
                out = await self._drop_hold(tracker)
                return {**out, "confirm": None, "option": str(choice), "form_misses": 0}
            if choice and answer is None:
                return {"confirm": "yes", "form_misses": 0}  # "yes the 10:15 one" said another way
            seen = (tracker.get_slot("seen") or []) + [o["id"] for o in options]
            city, place = place_asked(text)
            if city:  # "anything in sf instead?": the held time let go, times there
                out = await self._drop_hold(tracker)
                return {**out, "confirm": None, "option": None, "options": None, "place": city, "form_misses": 0}
            if place:
                not_a_place_of_ours(dispatcher, place)
                return {"confirm": None}
            who = await self._clinician_change(text, dispatcher, tracker)
            if who:  # "can I have it with dr boyce instead"
                out = await self._drop_hold(tracker)
                return {**out, **who, "confirm": None, "option": None, "options": None,
                        "when_text": tracker.get_slot("when_text") or "any",
                        "windows": windows_near(text, tracker) or tracker.get_slot("windows"), "form_misses": 0}
            shifted = shift_windows(text, options, tracker.get_slot("windows"))
            windows = shifted or windows_near(text, tracker)
            if windows:  # a new time preference instead
                out = await self._drop_hold(tracker)
                when = (tracker.get_slot("when_text") or "any") if shifted else text
                return {**out, "confirm": None, "option": None, "options": None, "when_text": when, "windows": windows,
                        "seen": seen, "form_misses": 0}
        if answer is None:
            if "care" in tracker.slots_to_validate():
                return {"confirm": None}
            self.miss(dispatcher, tracker, "Please reply yes to book it, or no to pick another time.")
            return {"confirm": None}
        return {"confirm": "yes" if answer else "no", "form_misses": 0}

    async def _give_up(self, dispatcher, tracker: Tracker) -> Dict[Text, Any]:
        out = await self._drop_hold(tracker)
        log.info("event=booking_dropped")
        queued = (tracker.get_slot("paused") or {}).get("then")  # (another booking comes next: action_next)
        moving = tracker.get_slot("old_appt") or {}
        from actions.who import owner

        done = f"OK, I kept {owner(tracker)} appointment on {moving['text']}." if moving.get("text") else "OK, I haven't booked anything."
        say(dispatcher, f"{done}{'' if queued else ' Anything else I can help with?'}")
        return {**out, "outcome": "dropped"}

    async def _drop_hold(self, tracker: Tracker) -> Dict[Text, Any]:
        held = tracker.get_slot("held")
        if held:
            try:
                await client().release(held["id"])
                log.info("event=hold_released appt=%s", held["id"])
            except Exception:  # noqa: BLE001 - it expires on its own anyway
                log.warning("event=hold_release_failed appt=%s", held["id"])
        return {"held": None}

    def _unavailable(self, dispatcher) -> Dict[Text, Any]:
        log.warning("event=booking_unavailable")
        say(dispatcher, "Sorry, our scheduling system isn't answering right now, so nothing was booked. Please try again soon, or reply 'agent' and someone from the clinic will call you.")
        return {"outcome": "unavailable"}

    async def after_validation(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        from actions.fhir import HoldExpired, SchedulerError, SchedulerUnavailable, SlotTaken

        out: Dict[Text, Any] = {}
        if getattr(tracker, "switched_to", None):
            return dict(tracker.switched_to)
        if tracker.get_slot("outcome") or not tracker.get_slot("verified"):
            return out  # decided already (validated twice in one turn: forms/base.py answer_form), or someone else to verify

        def slot(name):
            return out[name] if name in out else tracker.get_slot(name)

        try:
            # 1. a decision on the held time
            held = slot("held")
            if held and slot("confirm") == "no":
                out.update(await self._drop_hold(tracker))
                out.update({"confirm": None, "option": None})
                say(dispatcher, "OK, I let that time go.")
            elif held and slot("confirm") == "yes":
                old = slot("old_appt")
                try:
                    try:
                        booked = await client().book(held["id"], slot("patient_id"), cancelled_appt_id=old["id"] if old else None)
                    except SlotTaken:
                        if not old or await still_booked(old["id"]):
                            raise
                        # the appointment being moved was cancelled meanwhile (by the clinic, or in another
                        # chat): nothing to move, so the time chosen is booked as a new appointment
                        log.info("event=moved_appt_gone appt=%s", old["id"])
                        booked = await client().book(held["id"], slot("patient_id"))
                        old = None
                        say(dispatcher, f"Your appointment on {slot('old_appt').get('text') or 'that day'} had already been cancelled.")
                except (SlotTaken, HoldExpired) as exc:
                    log.info("event=book_conflict appt=%s expired=%s", held["id"], isinstance(exc, HoldExpired))
                    try:  # a hold that could not be booked is let go at once, not left to expire
                        await client().release(held["id"])
                    except Exception:  # noqa: BLE001 - it expires on its own
                        pass
                    if isinstance(exc, HoldExpired):
                        say(dispatcher, "Sorry, I could only hold that time for a few minutes and someone else has taken it since, so I couldn't confirm it. Here are other times.")
                    else:
                        say(dispatcher, "Sorry, that time was just taken, so I couldn't confirm it. Here are other times.")
                    out.update({"held": None, "confirm": None, "option": None, "options": None,
                                "seen": (slot("seen") or []) + [held["id"]]})
                else:
                    text = (await describe([booked]))[0]
                    log.info("event=%s appt=%s", "rescheduled" if old else "booked", booked.id)
                    first = (slot("person_name") or "").split()[0] if slot("for_whom") and slot("person_name") else None
                    queued = (slot("paused") or {}).get("then")  # (another booking comes next: action_next)
                    if old:
                        more = "" if slot("paused") else " Anything else?"  # (a booking put aside resumes next)
                        say(dispatcher, f"Done! {first + chr(39) + 's' if first else 'Your'} appointment is now {text}. The old time is cancelled.{more}")
                    elif first:
                        say(dispatcher, f"{first} is booked: {text}. See you then!{'' if queued else ' Anything else I can help with?'}")
                    else:
                        say(dispatcher, f"You're booked: {text}. See you then!{'' if queued else ' Anything else I can help with?'}")
                    from actions.next_step import appt_practitioner, appt_specialty

                    last = {"id": booked.id, "text": text, "start": _iso(booked.start), "specialty": appt_specialty(booked),
                            "practitioner": appt_practitioner(booked)}
                    here = [s for s in (slot("booked_here") or []) if not (old and s[0] == old.get("start"))]  # (moved away)
                    here.append([_iso(booked.start), _iso(booked.end)])
                    return {"outcome": "rescheduled" if old else "booked", "held": None, "last_booked": last,
                            "booked_here": here if booked.start and booked.end else slot("booked_here")}
            # 2. a chosen option -> hold it
            async def hold_chosen():
                idx = int(slot("option")) - 1
                options = slot("options")
                chosen = options[min(max(idx, 0), len(options) - 1)]
                try:
                    appt, expires = await client().hold(chosen["id"], slot("patient_id"))  # only this patient may book it
                except (SlotTaken, HoldExpired, SchedulerError) as exc:
                    if isinstance(exc, SchedulerUnavailable):
                        raise
                    log.info("event=hold_conflict appt=%s", chosen["id"])
                    say(dispatcher, "Sorry, that time was just taken. Let me look again.")
                    out.update({"option": None, "options": None, "seen": (slot("seen") or []) + [chosen["id"]]})
                else:
                    out.update({"held": {"id": appt.id, "text": chosen["text"], "minutes": chosen.get("minutes"),
                                         "until": _iso(expires) if expires else None}, "confirm": None})

            if slot("option") and not slot("held") and slot("options"):
                await hold_chosen()
            # 3. care and time known but nothing offered yet -> $find
            if slot("care") and slot("when_text") and not slot("options") and not slot("held"):
                async def look() -> list:
                    moving = slot("old_appt") or {}
                    seen = [] if TAKES_TIME.search(slot("when_text") or "") else slot("seen")  # ("the 1:15 please": offered before or not)
                    if moving.get("practitioner") and not slot("practitioner") and moving.get("specialty") in (None, slot("specialty")):
                        # a move: the same clinician's times first, when they have any in the first window asked
                        # for (the later windows are wider fallbacks: "an hour later" is first 10-11, then the day)
                        found = await find_options(slot("specialty"), slot("visit_type"), (slot("windows") or [])[:1], seen,
                                                   slot("patient_id"), moving["practitioner"], slot("place"))
                        if found:
                            return found
                        theirs = re.search(r"\bwith (Dr\. [\w'-]+)", moving.get("text") or "")
                        if theirs and not slot("seen"):  # (said once, with the first times offered)
                            busy.append(theirs.group(1))
                    care = (slot("specialty"), slot("visit_type"))
                    rest = (seen, slot("patient_id"), slot("practitioner"), slot("place"), slot("clinician_gender"),
                            slot("booked_here"))
                    windows = slot("windows")
                    # ("the last appointment of the day on friday": the last times before closing, whatever the clock said)
                    late = late_in_the_day(windows, always=bool(LATEST.search(slot("when_text") or ""))) if not moving else None
                    nearby = nearest_after(windows)
                    asked = (care, tuple(tuple(w) for w in windows or []), rest[2:5])
                    ahead = None
                    if nearby and not late and was_full_lately(asked):
                        # full when last asked: the nearest openings asked for at the same time, not after
                        log.info("event=find_ahead")
                        ahead = asyncio.ensure_future(find_options(*care, nearby, *rest))
                        ahead.add_done_callback(_retrieved)
                    found = await find_options(*care, windows, *rest)
                    note_full(asked, not found)
                    if not found and late:  # "evening appointments?": the last times before closing on those days
                        found = await find_options(*care, late, *rest)
                    if not found and nearby:
                        # nothing then: offer the nearest openings after that instead of a dead end
                        found = await (ahead or find_options(*care, nearby, *rest))
                        if found:
                            log.info("event=find_nearest")  # action_ask_option says so (offered_days)
                    return found

                busy: list = []  # the clinician of the appointment being moved, when they have no times then
                found = await look()
                if found and busy:  # "move my appointment to friday afternoon": someone else's times, said so
                    say(dispatcher, f"{busy[0]} has no openings then, so these are with other clinicians.")
                if not found and slot("place"):  # none in the city asked for: say so, and the times elsewhere
                    log.info("event=find_empty_in_place")
                    say(dispatcher, f"Sorry, I have no {slot('care')} openings in {slot('place')} for that time.")
                    out["place"] = None
                    found = await look()
                if not found and slot("clinician_gender"):  # no woman (man) among them: said so, and the others' times
                    log.info("event=find_empty_for_gender")
                    from actions.clinicians import any_of_gender

                    who = "women" if slot("clinician_gender") == "female" else "men"
                    if await any_of_gender(slot("specialty"), slot("clinician_gender")) is False:
                        say(dispatcher, f"Sorry, none of our {slot('care')} clinicians are {who}. Here are the others' times.")
                    else:
                        say(dispatcher, f"Sorry, none of our {slot('care')} clinicians who are {who} have openings then.")
                    out["clinician_gender"] = None
                    found = await look()
                if not found:
                    log.info("event=find_empty")
                    say(dispatcher, f"Sorry, I found no {slot('care')} openings for that time.")
                    out.update({"when_text": None, "windows": None, "options": None, "option": None})
                else:
                    texts = await describe(found)
                    out.update({"options": [{"id": a.id, "text": t, "start": _iso(a.start), "minutes": minutes_of(a)}
                                            for a, t in zip(found, texts)],
                                "option": None})
                    from actions.next_step import SAME_TIME

                    wanted = (slot("windows") or [[None]])[0][0]
                    at_wanted = [i for i, a in enumerate(found) if wanted and _iso(a.start) and
                                 datetime.fromisoformat(_iso(a.start)) == datetime.fromisoformat(wanted)]
                    takes_time = bool(TAKES_TIME.search(slot("when_text") or "")) and bool(slot("seen"))
                    offered = [i for i in at_wanted if found[i].id in set(slot("seen") or [])]
                    if takes_time and len(offered) == 1:
                        at_wanted = offered  # two free at 10:15, one of them offered before: the one they saw
                    if slot("when_text") == SAME_TIME and at_wanted[:1] == [0]:
                        out.update({"options": out["options"][:1], "option": "1"})  # the same time is free: hold it
                        await hold_chosen()
                    elif takes_time and len(at_wanted) == 1:
                        # "the 1:15 please" (none of the options): that time, when one is free then, held
                        log.info("event=time_taken_as_said")
                        out.update({"options": [out["options"][at_wanted[0]]], "option": "1"})
                        await hold_chosen()
                    elif wanted and (takes_time or exact_clock(slot("when_text"))) and \
                            not any(clock_text(a.start, tz_name()) == clock_text(wanted, tz_name()) for a in found):
                        # "dec 9 at 11am" / "the 1:15 please" and nothing then: said, before the closest times
                        say(dispatcher, f"Sorry, {clock_text(wanted, tz_name())} isn't free. These are the closest.")
        except SchedulerUnavailable:
            held = slot("held")
            if held:
                try:
                    await client().release(held["id"])
                except Exception:  # noqa: BLE001 - the hold expires on its own
                    pass
            out.update(self._unavailable(dispatcher))
            out["held"] = None
        except SchedulerError as exc:
            log.warning("event=booking_failed error=%s", type(exc).__name__)
            say(dispatcher, "Sorry, something went wrong on our side and nothing was booked. Reply 'agent' and someone from the clinic will call you.")
            out.update({"outcome": "failed"})
        return out


# "the 1:15 please", "i'll take 2:30", "3pm works": a time taken, not asked about
TAKES_TIME = re.compile(r"^\W*(?:(?:ok(?:ay)?|great|perfect|then|yes|yeah|actually|oh|um+|hmm+|sorry|wait|so|i'?ll take|i want|give me|"
                        r"let'?s do|let'?s go with|(?:can|could|may) i (?:have|get|do)|i'?d like|i would like|i'?ll do|i'?ll go with|"
                        r"put me (?:in|down) for|book(?: me)?(?: for| in at| at)?)\W+)*(?:the\s+)?(?:one\s+at\s+)?\d{1,2}(?::\d\d\s*"
                        r"(?:am|pm|a\.m\.|p\.m\.)?|\s*(?:am|pm|a\.m\.|p\.m\.))(?:\s+(?:one|slot|time|appointment|please|pls|works|is (?:good|fine|great|perfect)|"
                        r"would be (?:good|great|perfect)|then|thanks|thank you))*\W*$", re.I)


_APPROX = re.compile(r"\b(after|before|between|from|by|until|till|around|about|approx\w*|or so|earliest|latest|no later|no earlier|"
                     r"later than|earlier than|any ?time|or)\b|ish\b", re.I)


def exact_clock(text: str | None) -> bool:
    """Whether a time preference names one clock time ("dec 9 at 11am"), not a range ("after 2pm", "around 3")."""
    return bool(CLOCK.search(text or "")) and not _APPROX.search(text or "")


# "what time is the first one again?", "who is the 2nd one with?": a question about an option, not a choice of it
_ABOUT_OPTION = re.compile(r"^\W*(?:(?:hmm+|um+|uh+|oh|ok(?:ay)?|so|actually|wait|sorry)\W+)*(?:what|which|who|when)\b(?!\s+about\b).*\?", re.I)


# "what were the options again?", "can you list them again": the same times, once more
ONCE_MORE = re.compile(r"\bwhat (were|are) (the|my|those|these) (options|choices|times)\b|\b(say|list|show|send|repeat) "
                       r"(that|them|those|these|the (options|times|choices))( again)?\b|\brepeat (that|please)\b", re.I)
HOW_LONG = re.compile(r"\bhow long\b|\bhow many (minutes|mins)\b|\b(duration|length) of\b", re.I)


def minutes_of(appt) -> int | None:
    """The appointment's length in minutes, as the scheduler has it (minutesDuration, else end - start)."""
    if getattr(appt, "minutesDuration", None):
        return int(appt.minutesDuration)
    if appt.start and appt.end:
        return int((appt.end - appt.start).total_seconds() // 60)
    return None


def say_how_long(dispatcher, offered: list) -> None:
    """ "Each of these is a 15-minute visit." from the times offered (or held); the front desk otherwise."""
    lengths = {o.get("minutes") for o in offered if o}
    if len(lengths) == 1 and None not in lengths:
        n = lengths.pop()
        which = "It's" if len(offered) == 1 else "Each of these is"
        say(dispatcher, f"{which} a {n}-minute visit.")
    else:
        line = clinic().get("phone")
        say(dispatcher, "The front desk can tell you how long the visit takes" + (f": {line}." if line else "."))


def asks_about_option(text: str, options: list) -> int | None:
    """The option (1-based) a wh-question asks about, else None."""
    if not options or not _ABOUT_OPTION.search(text or "") or PLACE_QUESTION.search(text or ""):
        return None
    choice = parse_choice(text, len(options))
    return choice if choice and re.search(r"\b(one|option|#|number|first|second|third|last)\b", text, re.I) else None


def reply_hint(n: int) -> str:
    """ "Reply 1 or 2, ..." for the options actually listed."""
    if n == 1:
        return "Reply 1 to pick it, or 'none' for other times."
    return f"Reply {', '.join(str(i) for i in range(1, n))} or {n}, or 'none' for other times."


# sender -> their message that was answered without a choice ("More than one fits that: ...", "Sure, take your
# time."): the form may be run again for it in another call (a message another action handed to the form), which
# asks for the option without those words in its dispatcher
_ANSWERED: dict[str, str] = {}


def _answered_without_a_choice(tracker: Tracker) -> None:
    if len(_ANSWERED) > 1000:
        _ANSWERED.clear()
    message = (tracker.latest_message or {}).get("message_id")
    if message:
        _ANSWERED[tracker.sender_id] = message


class ActionAskOption(Action):
    """Offer at most 3 numbered options, with buttons."""

    def name(self) -> Text:
        return "action_ask_option"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        options = tracker.get_slot("options") or []
        if not options:
            say(dispatcher, "When works for you? For example 'next Tuesday afternoon'.")
            return [SlotSet("requested_slot", "when_text")]
        message = (tracker.latest_message or {}).get("message_id")
        if any((m.get("text") or "").startswith((AMBIGUOUS, TAKE_YOUR_TIME)) for m in dispatcher.messages) \
                or (message and _ANSWERED.pop(tracker.sender_id, None) == message):
            # asked right after the ones that fit were listed ("ok monday then", all on monday), or after "hold on":
            # which one, not the whole list again
            say(dispatcher, reply_hint(len(options)), buttons=option_buttons(len(options)))
            return []
        doctor = re.search(r"\bwith (Dr\. [\w'-]+)", options[0].get("text") or "") if tracker.get_slot("practitioner") else None
        nearest = offered_days(tracker)  # the days asked for had nothing: these are the nearest
        if nearest and doctor:
            header = f"{doctor.group(1)} has no openings then. The nearest:"
        elif nearest and closed_on_all(tracker.get_slot("windows")):
            header = "We're closed then. The nearest:"
        elif hours_note(tracker.get_slot("windows")):  # "an hour earlier" than an 8 AM appointment: before we open
            header = hours_note(tracker.get_slot("windows"))
        elif nearest:
            header = f"I have no {tracker.get_slot('care') or ''} openings then. The nearest:".replace("no  ", "no ")
        else:
            header = "Here's what I have:" if len(options) > 1 else "I have one opening:"
        budget = 320 - len(header) - len(reply_hint(len(options))) - 2
        lines = [f"{i}) {o['text']}" for i, o in enumerate(options, 1)]
        while len("\n".join(lines)) > budget:
            lines = [re.sub(r" at [^\n]*$", "", l) for l in lines] if any(" at " in l for l in lines) else lines[:-1]
        say(dispatcher, "\n".join([header, *lines, reply_hint(len(lines))]), buttons=option_buttons(len(lines)))
        return []


class ActionAskConfirm(Action):
    """The chosen time is held; ask the patient to confirm it."""

    def name(self) -> Text:
        return "action_ask_confirm"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        held = tracker.get_slot("held") or {}
        text = held.get("text") or "that time"
        verb = "Move the appointment to" if tracker.get_slot("old_appt") else "Book"
        name = tracker.get_slot("person_name") if tracker.get_slot("for_whom") else None
        say(dispatcher, f"I'm holding {text} for {name.split()[0] if name else 'you'}. {verb} it?",
            buttons=[{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}])
        return []
