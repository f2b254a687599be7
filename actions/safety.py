"""A safety net under every action: a bug in one of them must not leave the patient with silence.

rasa_sdk answers an exception in an action with HTTP 500; Rasa then logs it and the patient's
message gets no reply at all. Instead the patient hears an apology and the way to a person, and the
action's events are dropped (nothing half-done is recorded: a form asks its question again). The
log keeps the action's name, the exception's type and where it was raised, never its message
(which could quote what the patient wrote).

Installed when rasa_sdk imports this package (actions/__init__.py), whatever command started it.
"""
from __future__ import annotations

import logging
import time
import traceback

log = logging.getLogger("schedbot.actions.safety")

APOLOGY = ("Sorry, something went wrong on my side. Please try that again, or reply 'agent' and someone "
           "from the clinic will call you.")


def install() -> None:
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    original = ActionExecutor.run
    if getattr(original, "schedbot_guarded", False):
        return

    async def run(self, action_call):
        started = time.perf_counter()
        try:
            reply = await original(self, action_call)
            log.debug("event=action_done action=%s ms=%.1f", action_call.get("next_action"), (time.perf_counter() - started) * 1000)
            return reply
        except (ActionExecutionRejection, ActionNotFoundException):
            raise  # Rasa's own protocol: a form rejecting its activation, an unknown action name
        except Exception as exc:  # noqa: BLE001 - the point of a safety net
            where = "; ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)[-3:])
            log.error("event=action_failed action=%s error=%s at=%s", action_call.get("next_action"), type(exc).__name__, where)
            return {"events": [], "responses": [{"text": APOLOGY}]}

    run.schedbot_guarded = True
    ActionExecutor.run = run
