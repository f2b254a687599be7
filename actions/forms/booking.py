"""Booking: what for (specialty / visit type), when (time-preference parser), which option
($find, at most 3), hold ($hold) while the patient confirms, then $book (with cancelled-appt-id
when rescheduling, so the old appointment stays if the new booking fails)."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.care import care_from_text, specialty_name
from actions.common import client, describe, latest_intent, latest_text, now, option_buttons, parse_choice, say, tz_name, yes_no
from actions.forms.base import FlowForm

log = logging.getLogger("schedbot.actions.booking")

ANY_TIME = re.compile(r"\b(asap|soon|soonest|next available|earliest|first available|any ?time|whenever|any day|anything|as soon as|lo antes|cualquier)\b", re.I)
NONE_OF = re.compile(r"\b(none|neither|nothing|other (times|options)|something else|different|more options|show me more|ninguna)\b", re.I)


def parse_windows(text: str) -> list[list[str]]:
    from actions.timeprefs import parse

    try:
        windows = parse(text, now(), tz_name())
    except Exception:  # noqa: BLE001 - an unparsable preference is "nothing understood"
        log.warning("event=timeprefs_error")
        windows = []
    return [[w.start.isoformat(), w.end.isoformat()] for w in windows]


async def find_options(specialty: str | None, visit_type: str | None, windows: list | None, exclude: list | None = None,
                       patient_id: str | None = None) -> list:
    """Up to 3 proposed appointments, across the patient's windows (or from now on)."""
    fhir = client()
    spans = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in (windows or [])][:4]
    if not spans:
        spans = [(now(), None)]
    exclude = set(exclude or [])

    async def run(vt):
        found = []
        for start, end in spans:
            kwargs = {"start": max(start, now())}
            if end is not None:
                kwargs["end"] = end
            found += await fhir.find(specialty=specialty, visit_type=vt, count=6, patient_id=patient_id, **kwargs)
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


class ValidateBookingForm(FlowForm):
    def name(self) -> Text:
        return "validate_booking_form"

    def needed(self, tracker: Tracker) -> List[Text]:
        if tracker.get_slot("outcome"):
            return []
        return ["care", "when_text", "option", "confirm"]

    async def extract_care(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        """Change of mind at any step: "actually a family doctor"."""
        if tracker.get_slot("requested_slot") in (None, "care"):
            return {}
        if latest_intent(tracker) in ("ask_hours", "ask_location", "ask_insurance", "handoff", "start_over", "goodbye"):
            return {}
        spec, _ = care_from_text(latest_text(tracker))
        if spec and spec != tracker.get_slot("specialty"):
            return {"care": latest_text(tracker)}
        return {}

    async def validate_care(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        entity = next(tracker.get_latest_entity_values("specialty"), None)
        spec, visit = care_from_text(str(entity or value or ""))
        if not spec and re.fullmatch(r"\d{9}", str(value or "")):
            spec = str(value)
        if not spec:
            self.miss(dispatcher, tracker, "Sorry, I didn't catch what the visit is for.")
            return {"care": None}
        out: Dict[Text, Any] = {"care": specialty_name(spec), "specialty": spec, "visit_type": visit, "form_misses": 0}
        previous = tracker.get_slot("specialty")
        if previous and previous != spec:
            say(dispatcher, f"OK, {specialty_name(spec)} instead.")
            out.update(await self._drop_hold(tracker))
            out.update({"options": None, "option": None, "confirm": None})
        return out

    async def validate_when_text(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        text = str(value or "")
        windows = parse_windows(text)
        if windows:
            return {"when_text": text, "windows": windows, "options": None, "option": None, "form_misses": 0}
        if ANY_TIME.search(text):
            return {"when_text": "any", "windows": None, "options": None, "option": None, "form_misses": 0}
        if "care" in tracker.slots_to_validate() and tracker.get_slot("requested_slot") != "care":
            return {"when_text": None}  # it was a change of mind about the care, not a time
        self.miss(dispatcher, tracker, "Sorry, I didn't catch a day or time. Try something like 'tomorrow morning' or 'next Tuesday after 2'.")
        return {"when_text": None}

    async def validate_option(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        options = tracker.get_slot("options") or []
        text = str(value or "")
        if not options:
            return {"option": None}
        choice = parse_choice(text, len(options))
        if choice:
            return {"option": str(choice), "form_misses": 0}
        if latest_intent(tracker) == "none_of_these" or NONE_OF.search(text):
            say(dispatcher, "No problem.")
            return {"option": None, "options": None, "when_text": None, "windows": None,
                    "seen": (tracker.get_slot("seen") or []) + [o["id"] for o in options]}
        windows = parse_windows(text)
        if windows:
            return {"option": None, "options": None, "when_text": text, "windows": windows}
        if "care" in tracker.slots_to_validate():
            return {"option": None}
        self.miss(dispatcher, tracker, f"Please reply with a number from 1 to {len(options)}, or 'none' for other times.")
        return {"option": None}

    async def validate_confirm(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if not tracker.get_slot("held"):
            return {"confirm": None}
        answer = yes_no(tracker)
        text = str(value or "")
        if answer is None and (latest_intent(tracker) == "none_of_these" or NONE_OF.search(text)):
            answer = False
        if answer is None:
            options = tracker.get_slot("options") or []
            choice = parse_choice(text, len(options)) if re.search(r"\d|option|first|second|third|last", text, re.I) else None
            if choice:  # another of the options instead
                out = await self._drop_hold(tracker)
                return {**out, "confirm": None, "option": str(choice)}
            windows = parse_windows(text)
            if windows:  # a new time preference instead
                out = await self._drop_hold(tracker)
                return {**out, "confirm": None, "option": None, "options": None, "when_text": text, "windows": windows}
            if "care" in tracker.slots_to_validate():
                return {"confirm": None}
            self.miss(dispatcher, tracker, "Please reply yes to book it, or no to pick another time.")
            return {"confirm": None}
        return {"confirm": "yes" if answer else "no", "form_misses": 0}

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
                    booked = await client().book(held["id"], slot("patient_id"), cancelled_appt_id=old["id"] if old else None)
                except (SlotTaken, HoldExpired):
                    log.info("event=book_conflict appt=%s", held["id"])
                    say(dispatcher, "Sorry, that time was just taken. Here are other times.")
                    out.update({"held": None, "confirm": None, "option": None, "options": None,
                                "seen": (slot("seen") or []) + [held["id"]]})
                else:
                    text = (await describe([booked]))[0]
                    log.info("event=%s appt=%s", "rescheduled" if old else "booked", booked.id)
                    if old:
                        say(dispatcher, f"Done! Your appointment is now {text}. Your old time is cancelled. Anything else?")
                    else:
                        say(dispatcher, f"You're booked: {text}. See you then! Anything else I can help with?")
                    return {"outcome": "rescheduled" if old else "booked", "held": None}
            # 2. a chosen option -> hold it
            if slot("option") and not slot("held") and slot("options"):
                idx = int(slot("option")) - 1
                options = slot("options")
                chosen = options[min(max(idx, 0), len(options) - 1)]
                try:
                    appt, _expires = await client().hold(chosen["id"])
                except (SlotTaken, HoldExpired, SchedulerError) as exc:
                    if isinstance(exc, SchedulerUnavailable):
                        raise
                    log.info("event=hold_conflict appt=%s", chosen["id"])
                    say(dispatcher, "Sorry, that time was just taken. Let me look again.")
                    out.update({"option": None, "options": None, "seen": (slot("seen") or []) + [chosen["id"]]})
                else:
                    out.update({"held": {"id": appt.id, "text": chosen["text"]}, "confirm": None})
            # 3. care and time known but nothing offered yet -> $find
            if slot("care") and slot("when_text") and not slot("options") and not slot("held"):
                found = await find_options(slot("specialty"), slot("visit_type"), slot("windows"), slot("seen"), slot("patient_id"))
                if not found:
                    log.info("event=find_empty")
                    say(dispatcher, f"Sorry, I found no {slot('care')} openings for that time.")
                    out.update({"when_text": None, "windows": None, "options": None, "option": None})
                else:
                    texts = await describe(found)
                    out.update({"options": [{"id": a.id, "text": t} for a, t in zip(found, texts)], "option": None})
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


class ActionAskOption(Action):
    """Offer at most 3 numbered options, with buttons."""

    def name(self) -> Text:
        return "action_ask_option"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        options = tracker.get_slot("options") or []
        if not options:
            say(dispatcher, "When works for you? For example 'next Tuesday afternoon'.")
            return [SlotSet("requested_slot", "when_text")]
        header = "Here's what I have:" if len(options) > 1 else "I have one opening:"
        footer = "Reply 1, 2 or 3, or 'none' for other times." if len(options) > 1 else "Reply 1 to pick it, or 'none' for other times."
        budget = 320 - len(header) - len(footer) - 2
        lines = [f"{i}) {o['text']}" for i, o in enumerate(options, 1)]
        while len("\n".join(lines)) > budget:
            lines = [re.sub(r" at [^\n]*$", "", l) for l in lines] if any(" at " in l for l in lines) else lines[:-1]
        say(dispatcher, "\n".join([header, *lines, footer]), buttons=option_buttons(len(lines)))
        return []


class ActionAskConfirm(Action):
    """The chosen time is held; ask the patient to confirm it."""

    def name(self) -> Text:
        return "action_ask_confirm"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        held = tracker.get_slot("held") or {}
        text = held.get("text") or "that time"
        verb = "Move your appointment to" if tracker.get_slot("old_appt") else "Book"
        say(dispatcher, f"I'm holding {text} for you. {verb} it?",
            buttons=[{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}])
        return []
