"""bot/rasa_server.py: Rasa's CLI with our fixes. The fast check of action-server replies must
accept and reject exactly what Rasa's own check does, with Rasa's own error."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_server

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "dob", "value": "1985-03-14", "timestamp": None}],
     "responses": [{"text": "Thanks."}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_next"}]},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
    {"responses": "hello"},
]


@pytest.fixture(scope="module")
def action():
    rasa_server.apply()
    rasa_server.apply()  # idempotent
    return RemoteAction("validate_verify_form", None)


@pytest.mark.parametrize("reply", GOOD)
def test_valid_replies_pass(action, reply):
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", BAD)
def test_invalid_replies_raise_rasas_error(action, reply):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(reply)


def test_the_rasa_command_runs_through_the_fixes():
    from bot.run import rasa_cmd
    from pathlib import Path

    cmd = rasa_cmd("127.0.0.1", 5005, Path("m.tar.gz"), Path("e.yml"), Path("c.yml"))
    assert cmd[1:4] == ["-m", "bot.rasa_server", "run"]


def test_events_are_read_back_as_the_same_classes():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    rasa_server.apply()
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is next(c for c in all_subclasses(Event) if c.type_name == cls.type_name)
    events = [UserUttered("hi", {"name": "greet", "confidence": 1.0}), ActionExecuted("utter_greet"), SlotSet("dob", "x")]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
