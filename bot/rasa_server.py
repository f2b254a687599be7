"""Rasa's own command line with our fixes to Rasa 3.6 applied first:

    python -m bot.rasa_server run --enable-api --model models/... --endpoints ... --credentials ...

Every option of `rasa run` (and every other `rasa` subcommand) works unchanged; `schedbot run`, the
test stack and docs/deploy.md start Rasa this way.

The fixes, each found by profiling a booking conversation with py-spy (bench/turns.py):

- Rasa checks every reply of the action server with `jsonschema.validate()`, which re-checks the
  schema itself against its metaschema on every call: 59% of Rasa's CPU in a booking turn. We build
  the validators once and ask them `is_valid`; a reply that is not valid still goes through Rasa's
  own check, so the error raised (and its message) is exactly Rasa's.
  Each event is checked against the one schema its `event` names, not against all 23 of Rasa's
  `oneOf` (every branch pins a different `event`, so at most one can match: the same answer). The
  `oneOf` cost ~0.9 ms per event, 27 ms on a turn that clears the booking's 22 slots.
- Rasa opens a new HTTP session, and so a new TCP connection, for every call to the action server
  (a third of Rasa's side of a call, py-spy). Each endpoint keeps one session per event loop
  instead, with the same headers, auth and timeout; idle connections are dropped after 2 s, before
  the action server (Sanic: 5 s) would close them under a request. The session writes the tracker
  it sends with ujson (a Rasa dependency; half the time of json.dumps, which was a quarter of Rasa's
  own side of a call), and with json.dumps whenever ujson refuses a value.
- Reading a tracker turns every stored event back into an object, and Rasa finds each event's class
  by listing every subclass of Event, recursively, for every event: 8% of Rasa's CPU once the first
  fix was in. We keep a table of type name to class, filled from the same list on a miss.

- A form's validator may end its form and start the next in the same call (actions/forms/base.py:
  FlowForm.then_next, start_form_here), one call to the action server per step instead of two. Rasa
  3.6 would take the next form's events for the ending form's own; the form now sees only its own
  events and ends before the rest. Rasa says it has this fix in the domain it sends to the action
  server, which chains a form's start only then.

- Once the model is loaded, everything alive is frozen out of garbage collection (gc.freeze): a full
  collection of the model's millions of objects stalled one turn for 340 ms.

With SCHEDBOT_TURN_TIMINGS=<file> it also writes where each turn's time went (bot/turn_timing.py).
"""
from __future__ import annotations

import functools
import json
import os
import sys


class _ReplyCheck:
    """Rasa's schema for action-server replies, with its `oneOf` over event types resolved by the
    `event` field. `is_valid` answers as `jsonschema` does with the whole schema."""

    def __init__(self, schema: dict) -> None:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)
        event = schema["properties"]["events"]["items"]
        branches = event["oneOf"]
        kinds = [b.get("properties", {}).get("event", {}).get("const") for b in branches]
        if None in kinds or len(set(kinds)) != len(kinds):  # not one distinct `event` per branch
            raise ValueError("Rasa's event schema changed: its oneOf is no longer keyed by `event`")
        common = {k: v for k, v in event.items() if k != "oneOf"}
        self.by_kind = {kind: cls({"allOf": [common, branch]}) for kind, branch in zip(kinds, branches)}
        self.reply = cls({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})

    def is_valid(self, reply) -> bool:
        if not self.reply.is_valid(reply):
            return False
        for event in reply.get("events", []) if isinstance(reply, dict) else []:
            kind = event.get("event") if isinstance(event, dict) else None
            check = self.by_kind.get(kind) if isinstance(kind, str) else None
            if check is None or not check.is_valid(event):
                return False
        return True


@functools.lru_cache(maxsize=1)
def _action_reply_validator():
    from rasa.core.actions.action import RemoteAction

    return _ReplyCheck(RemoteAction.action_response_format_spec())


def _patch_event_lookup() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.resolve_by_type
    if getattr(original, "schedbot_fixed", False):
        return
    classes: dict = {}

    def resolve_by_type(type_name, default=None):
        if type_name not in classes:
            for cls in all_subclasses(Event):  # same order as Rasa's loop: the first match wins
                classes.setdefault(cls.type_name, cls)
        return classes.get(type_name) or original(type_name, default)

    resolve_by_type.schedbot_fixed = True
    Event.resolve_by_type = staticmethod(resolve_by_type)


def _dumps(value) -> str:
    """What aiohttp sends as a request's JSON body: ujson's text, or json's for what ujson refuses."""
    import ujson

    try:
        return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    except (TypeError, OverflowError, ValueError):
        return json.dumps(value)


class _KeptSession:
    """What `EndpointConfig.session()` returns for `async with`: the endpoint's open session, left open."""

    def __init__(self, session) -> None:
        self.session = session

    async def __aenter__(self):
        return self.session

    async def __aexit__(self, *exc) -> None:
        return None


def _patch_endpoint_sessions() -> None:
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    original = EndpointConfig.session
    if getattr(original, "schedbot_fixed", False):
        return

    def session(self):
        loop = asyncio.get_running_loop()
        kept = self.__dict__.setdefault("_schedbot_sessions", {})
        current = kept.get(loop)
        if current is None or current.closed:
            # as Rasa's session(): the endpoint's headers and basic auth, Rasa's timeout
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            current = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                            connector=aiohttp.TCPConnector(keepalive_timeout=2),
                                            json_serialize=_dumps)
            kept.clear()  # (a session of an event loop that is gone)
            kept[loop] = current
        return _KeptSession(current)

    session.schedbot_fixed = True
    EndpointConfig.session = session


# What this Rasa tells the action server in the domain it sends (actions/forms/base.py reads it)
DOMAIN_FLAG = "x-schedbot-rasa"


def _patch_forms_chaining() -> None:
    """A form's validator may end the form and run what comes next in the same call (FlowForm.then_next:
    action_next, and the next form's start). Its events then hold, after the form's own, those of the
    actions it ran, each after its ActionExecuted. Rasa 3.6 would take them all as the form's: it would
    find the form not done (the next form's ActiveLoop and requested_slot come last) and ask its own
    question. Here the form sees only its own events, up to the first ActionExecuted; the rest follow
    the form's end, as Rasa would have recorded those actions had it run them itself. The action server
    chains a form's start only when the domain it gets carries DOMAIN_FLAG, which this patch adds."""
    import contextvars

    from rasa.core.actions.action import RemoteAction
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.events import ActionExecuted

    original_run, original_validate, original_call = FormAction.run, FormAction.validate_slots, RemoteAction._action_call_format
    if getattr(original_run, "schedbot_fixed", False):
        return
    after_form = contextvars.ContextVar("schedbot_after_form", default=None)

    async def validate_slots(self, slot_candidates, tracker, domain, output_channel, nlg):
        events = await original_validate(self, slot_candidates, tracker, domain, output_channel, nlg)
        chained = after_form.get()
        cut = next((i for i, e in enumerate(events) if isinstance(e, ActionExecuted)), None)
        if cut is None or chained is None:
            return events
        chained.extend(events[cut:])
        return events[:cut]

    async def run(self, output_channel, nlg, tracker, domain):
        token = after_form.set([])
        try:
            events = await original_run(self, output_channel, nlg, tracker, domain)
            return events + after_form.get()
        finally:
            after_form.reset(token)

    def _action_call_format(self, tracker, domain):
        call = original_call(self, tracker, domain)
        if "domain" in call:
            call["domain"] = {**call["domain"], DOMAIN_FLAG: {"chained_forms": True}}
        return call

    run.schedbot_fixed = True
    FormAction.run, FormAction.validate_slots = run, validate_slots
    RemoteAction._action_call_format = _action_call_format


def _patch_freeze_after_loading() -> None:
    """Once the model is loaded, its objects (TensorFlow's, the pipeline's: several million) are left out
    of garbage collection: a full collection traversed them all, a 300+ ms stall of whatever turn it fell
    in (bench/turns.py --breakdown, stop 22); they live as long as the process anyway."""
    import rasa.core.run as run

    original = run.load_agent_on_start
    if getattr(original, "schedbot_freezes", False):
        return

    async def load_agent_on_start(*args, **kwargs):
        agent = await original(*args, **kwargs)
        freeze_heap()
        return agent

    load_agent_on_start.schedbot_freezes = True
    run.load_agent_on_start = load_agent_on_start


def freeze_heap() -> None:
    """Collect once, then move every object alive to the permanent generation (gc.freeze)."""
    import gc
    import logging
    import time

    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    logging.getLogger("schedbot.rasa").info("event=heap_frozen objects=%d ms=%.0f", gc.get_freeze_count(),
                                            (time.perf_counter() - started) * 1000)


def apply() -> None:
    """Patch Rasa in this process (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    _patch_event_lookup()
    _patch_endpoint_sessions()
    _patch_forms_chaining()
    _patch_freeze_after_loading()

    original = RemoteAction._validate_action_result
    if getattr(original, "schedbot_fixed", False):
        return

    def _validate_action_result(self, result):
        if _action_reply_validator().is_valid(result):
            return True
        return original(self, result)  # invalid: Rasa's own check raises its own error

    _validate_action_result.schedbot_fixed = True
    RemoteAction._validate_action_result = _validate_action_result


def main() -> None:
    apply()
    if os.environ.get("SCHEDBOT_TURN_TIMINGS"):  # bench/turns.py --breakdown
        from bot import turn_timing

        turn_timing.install(os.environ["SCHEDBOT_TURN_TIMINGS"])
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.exit(main())
