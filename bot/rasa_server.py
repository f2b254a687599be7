"""Rasa's own command line with our fixes to Rasa 3.6 applied first:

    python -m bot.rasa_server run --enable-api --model models/... --endpoints ... --credentials ...

Every option of `rasa run` (and every other `rasa` subcommand) works unchanged; `schedbot run`, the
test stack and docs/deploy.md start Rasa this way.

The fixes, each found by profiling a booking conversation with py-spy (bench/turns.py):

- Rasa checks every reply of the action server with `jsonschema.validate()`, which re-checks the
  schema itself against its metaschema on every call: 59% of Rasa's CPU in a booking turn. We build
  the validator once and ask it `is_valid`; a reply that is not valid still goes through Rasa's own
  check, so the error raised (and its message) is exactly Rasa's.
- Reading a tracker turns every stored event back into an object, and Rasa finds each event's class
  by listing every subclass of Event, recursively, for every event: 8% of Rasa's CPU once the first
  fix was in. We keep a table of type name to class, filled from the same list on a miss.

With SCHEDBOT_TURN_TIMINGS=<file> it also writes where each turn's time went (bot/turn_timing.py).
"""
from __future__ import annotations

import functools
import os
import sys


@functools.lru_cache(maxsize=1)
def _action_reply_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


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


def apply() -> None:
    """Patch Rasa in this process (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    _patch_event_lookup()

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
