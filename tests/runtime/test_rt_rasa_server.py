"""bot/rasa_server.py: Rasa's CLI with our fixes. The fast check of action-server replies must
accept and reject exactly what Rasa's own check does, with Rasa's own error."""
from __future__ import annotations

import contextlib

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


@contextlib.asynccontextmanager
async def action_server_standin(handler):
    """An aiohttp server answering POST /webhook with ``handler``; yields its URL."""
    from aiohttp import web

    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        await runner.cleanup()


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


def _replies():
    """Replies of every event kind, each also broken in the ways a schema can notice."""
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    kinds = [b["properties"]["event"]["const"] for b in EVENT_SCHEMA["oneOf"]]
    events = []
    for kind in kinds:
        good = {"event": kind, "timestamp": 1.5, "name": "x", "value": 1, "entities": []}
        events += [good, {**good, "timestamp": "noon"}, {**good, "metadata": []}, {"event": kind},
                   {**good, "name": 3}, {**good, "entities": "none"}]
    events += [{"event": "no_such_event"}, {"event": 7}, {"event": ["slot"]}, {"name": "x"}, "slot", None,
               {"event": "user", "parse_data": {"intent": {"name": 1}}},
               {"event": "user", "parse_data": {"entities": [{"entity": "x"}]}},
               {"event": "slot", "name": "dob"}]
    replies = [{"events": [e]} for e in events]
    replies += [{"events": [events[0], e]} for e in events[1:12]]
    replies += [{}, [], None, {"events": None}, {"responses": [{"text": 3}]}, {"responses": ["hi"]},
                {"events": [], "responses": [{"text": "Hi.", "buttons": []}]}]
    return replies


def test_the_fast_check_answers_as_the_whole_schema_does():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    whole = validator_for(schema)(schema)
    fast = rasa_server._action_reply_validator()
    replies = _replies()
    verdicts = [(fast.is_valid(r), whole.is_valid(r)) for r in replies]
    assert [f for f, _ in verdicts] == [w for _, w in verdicts]
    assert 0 < sum(w for _, w in verdicts) < len(verdicts)  # both kinds are in the sample


def test_calls_to_an_endpoint_reuse_one_connection_with_rasas_headers_and_auth():
    """Rasa opened a new session (a new TCP connection) per call; the fix keeps one per endpoint."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    rasa_server.apply()
    seen = []

    async def echo(request):
        seen.append((request.transport.get_extra_info("peername")[1], request.headers.get("X-Clinic"),
                     request.headers.get("Authorization")))
        return web.json_response({"events": [], "n": len(seen)})

    async def main():
        async with action_server_standin(echo) as url:
            endpoint = EndpointConfig(url, headers={"X-Clinic": "demo"}, basic_auth={"username": "rasa", "password": "secret"})
            replies = [await endpoint.request(json={"i": i}) for i in range(3)]
            assert [r["n"] for r in replies] == [1, 2, 3]

    asyncio.run(main())
    assert len({port for port, _, _ in seen}) == 1  # one connection for the three calls
    assert all(h == "demo" and auth.startswith("Basic ") for _, h, auth in seen)


def test_request_bodies_read_back_as_json_dumps_would_have_written_them():
    """The kept session writes bodies with ujson; the action server must read the same values."""
    import json

    import numpy as np

    tracker = {"events": [{"event": "user", "text": "résumé at 3/4 \u2013 \"ok\"", "timestamp": 1796492292.2251,
                           "parse_data": {"intent": {"name": "greet", "confidence": 0.9734}}},
                          {"event": "slot", "name": "options", "value": [{"id": "a/1", "start": None, "n": 10 ** 20}]}],
               "slots": {"misses": 0, "verified": True, "dob": None}}
    assert json.loads(rasa_server._dumps(tracker)) == tracker
    odd = {"confidence": np.float32(0.5), "huge": 10 ** 30}  # ujson refuses both; json.dumps is Rasa's own
    with pytest.raises(TypeError):
        rasa_server._dumps(odd)
    assert json.loads(rasa_server._dumps({"huge": 10 ** 30})) == {"huge": 10 ** 30}


def test_a_form_that_starts_the_next_in_its_validation_ends_before_it():
    """FlowForm.then_next: the validator ends its form, then runs action_next, which starts the next
    form and asks its first question, all in one call. Rasa must end the first form before those
    events (not take the next form's requested_slot as its own), and the action server must see the
    flag that says this Rasa can."""
    import asyncio

    from aiohttp import web
    from rasa.core.actions.forms import FormAction
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    rasa_server.apply()
    domain = Domain.load("bot/domain")
    own = [{"event": "slot", "name": "dob", "value": "1970-01-10"}, {"event": "slot", "name": "requested_slot", "value": None},
           {"event": "active_loop", "name": None}]
    chained = [{"event": "action", "name": "action_next"}, {"event": "slot", "name": "next_form", "value": "coverage"},
               {"event": "action", "name": "coverage_form"}, {"event": "active_loop", "name": "coverage_form"},
               {"event": "slot", "name": "requested_slot", "value": "coverage_kind"}, {"event": "followup", "name": "action_listen"}]
    flags = []

    async def validator(request):
        flags.append((await request.json())["domain"].get(rasa_server.DOMAIN_FLAG))
        return web.json_response({"events": own + chained, "responses": []})

    async def main():
        tracker = DialogueStateTracker.from_events("chain", [
            ActionExecuted("action_listen"), ActionExecuted("verify_form"), ActiveLoop("verify_form"),
            SlotSet("requested_slot", "dob"), ActionExecuted("action_listen"),
            UserUttered("01/10/1970", {"name": "inform", "confidence": 1.0})], slots=domain.slots)
        channel = CollectingOutputChannel()
        async with action_server_standin(validator) as url:
            form = FormAction("verify_form", EndpointConfig(url))
            events = await form.run(channel, TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)
        tracker.update(ActionExecuted("verify_form"))  # as Rasa's processor logs it
        tracker.update_with_events(events, domain)
        return events, tracker, channel

    events, tracker, channel = asyncio.run(main())
    ended = events.index(ActiveLoop(None), len(own) - 1)
    assert ended < events.index(ActionExecuted("action_next"))  # the form ended before what followed it
    assert tracker.active_loop_name == "coverage_form" and tracker.get_slot("requested_slot") == "coverage_kind"
    assert tracker.followup_action == "action_listen"
    assert channel.messages == []  # Rasa asked nothing of its own
    assert flags == [{"chained_forms": True}]
