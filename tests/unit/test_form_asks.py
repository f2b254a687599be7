"""Who asks a form's questions: a form's validation asks the ones our actions word (action_ask_*),
then names what Rasa runs next (or, once done, runs action_next itself), so that a form turn is one
call to the action server; Rasa asks
only the plain utter_ask_* ones. Each question must have exactly one asker."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions  # noqa: F401 - as rasa_sdk loads the package
from actions.forms.base import FlowForm, ask_action

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))
FORM_SLOTS = [(form, slot) for form, spec in DOMAIN.forms.items() for slot in spec.get("required_slots", [])]


def rasa_asker(form: str, slot: str) -> str | None:
    """What Rasa's FormAction would ask with (its search order), from the domain."""
    names = [f"action_ask_{form}_{slot}", f"utter_ask_{form}_{slot}", f"action_ask_{slot}", f"utter_ask_{slot}"]
    return next((n for n in names if n in DOMAIN.action_names_or_texts), None)


def test_the_domain_lists_no_ask_action():
    assert not [n for n in DOMAIN.action_names_or_texts if n.startswith("action_ask_")]


@pytest.mark.parametrize("form,slot", FORM_SLOTS)
def test_every_question_has_one_asker(form, slot):
    ours, rasas = ask_action(form, slot), rasa_asker(form, slot)
    assert (ours is None) != (rasas is None), f"{form}.{slot}: ours={ours} rasa={rasas}"


class TinyBooking(FlowForm):
    """The booking form's asking, without its validation."""

    def name(self):
        return "validate_booking_form"

    def needed(self, tracker):
        return ["when_text", "option"]


def run_form(slots: dict) -> tuple[list, list]:
    tracker = Tracker("t", {"requested_slot": None, **slots}, {"intent": {"name": "inform"}, "text": "x"}, [], False,
                      None, {"name": "booking_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(TinyBooking().run(dispatcher, tracker, {"forms": {}}))
    return events, [m.get("text") for m in dispatcher.messages]


def test_a_form_asks_our_question_once_and_then_listens():
    options = [{"text": f"Mon Dec 7, {h}:00 AM with Dr. Boyce", "start": f"2026-12-07T{h:02d}:00:00-08:00"} for h in (9, 10)]
    events, said = run_form({"when_text": "monday", "options": options, "option": None})
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "option"} in events
    assert len(said) == 1 and said[0].startswith("Here's what I have:") and "2) Mon Dec 7, 10:00 AM" in said[0]
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_listen"


def test_a_plain_question_is_left_to_rasa():
    events, said = run_form({"when_text": None})
    assert said == []  # utter_ask_when_text: Rasa's
    assert events[-1]["name"] == "action_listen"


def test_a_finished_form_runs_action_next_in_the_same_call():
    """Recorded as Rasa would have: the form ends, action_next runs, and what it says comes next."""
    from actions.next_step import ActionNext

    slots = {"when_text": "monday", "option": "1"}
    events, said = run_form(slots)
    kinds = [(e["event"], e.get("name"), e.get("value")) for e in events]
    ended, ran = kinds.index(("active_loop", None, None)), kinds.index(("action", "action_next", None))
    assert kinds.index(("slot", "requested_slot", None)) < ended < ran
    assert events[-1]["event"] == "followup" and events[-1]["name"] in ("action_listen", *DOMAIN.forms)

    # the same as action_next's own call on the tracker Rasa would send it
    finished = Tracker("t", {"requested_slot": None, **slots}, {"intent": {"name": "inform"}, "text": "x"},
                       [], False, None, {}, "booking_form")
    dispatcher = CollectingDispatcher()
    alone = asyncio.run(ActionNext().run(dispatcher, finished, {"forms": {}}))
    assert events[ran + 1:] == alone
    assert said == [m.get("text") for m in dispatcher.messages]


def kinds_of(events: list) -> list:
    return [(e["event"], e.get("name")) for e in events if e["event"] in ("action", "active_loop", "followup")]


def test_action_next_starts_the_next_form_in_its_own_call():
    """As Rasa starts a form: ActionExecuted and ActiveLoop of the form, its validator on what is already
    filled, its first question, then listen; not a FollowupAction that costs Rasa one more call."""
    from actions.next_step import ActionNext

    tracker = Tracker("t", {"requested_slot": None}, {"intent": {"name": "book_appointment"}, "text": "I need an appointment"},
                      [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionNext().run(dispatcher, tracker, DOMAIN.as_dict()))
    assert kinds_of(events) == [("active_loop", None), ("action", "verify_form"), ("active_loop", "verify_form"),
                                ("followup", "action_listen")]
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "person_name"} in events
    assert [m.get("text") for m in dispatcher.messages][-1].endswith("What's your first and last name?")


@pytest.mark.parametrize("flagged", [True, False])
def test_a_finished_form_starts_the_next_only_for_a_rasa_that_takes_it(flagged):
    """A Rasa without bot/rasa_server.py's fix would take the next form's events for the ending form's
    own; without the flag in its domain, the next form is left for Rasa to start."""
    domain = {**DOMAIN.as_dict(), **({"x-schedbot-rasa": {"chained_forms": True}} if flagged else {})}
    tracker = Tracker("t", {"requested_slot": None, "when_text": "monday", "option": "1", "goal": "book", "verified": False},
                      {"intent": {"name": "inform"}, "text": "x"}, [], False, None, {"name": "booking_form"}, "action_listen")
    events = asyncio.run(TinyBooking().run(CollectingDispatcher(), tracker, domain))
    after = kinds_of(events)[kinds_of(events).index(("action", "action_next")):]
    if flagged:
        assert after[-3:] == [("action", "verify_form"), ("active_loop", "verify_form"), ("followup", "action_listen")]
    else:
        assert after[-1] == ("followup", "verify_form") and ("active_loop", "verify_form") not in after
