"""Where a turn's time goes inside Rasa: one JSON line per message, for bench/turns.py --breakdown.

    SCHEDBOT_TURN_TIMINGS=/tmp/turns.jsonl python -m bot.rasa_server run ...

Each line holds the sender id and milliseconds spent reading the tracker, in NLU, in policy
predictions, in running actions (with the action server's share: calls and their HTTP time), saving
the tracker, and in garbage collection ("gc", "gc_full" for a full one); counts where it helps. No message text: the file is as safe as our logs.
"""
from __future__ import annotations

import contextvars
import functools
import gc
import inspect
import json
import time

_turn: contextvars.ContextVar = contextvars.ContextVar("schedbot_turn", default=None)


def _add(label: str, started: float) -> None:
    turn = _turn.get()
    if turn is not None:
        turn[label] = round(turn.get(label, 0.0) + (time.perf_counter() - started) * 1000, 3)
        turn[label + "_n"] = turn.get(label + "_n", 0) + 1


def _timed(cls, name: str, label: str) -> None:
    original = getattr(cls, name)
    if getattr(original, "schedbot_timed", False):
        return
    if inspect.iscoroutinefunction(original):
        async def timed(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return await original(self, *args, **kwargs)
            finally:
                _add(label, started)
    else:
        def timed(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                _add(label, started)
    functools.update_wrapper(timed, original)
    timed.schedbot_timed = True
    setattr(cls, name, timed)


_collecting: list[float] = []


def _time_collections(phase: str, info: dict) -> None:
    """Garbage collection inside a turn: "gc" (ms, every generation) and "gc_full" (ms, generation 2)."""
    if phase == "start":
        _collecting[:] = [time.perf_counter()]
        return
    turn = _turn.get()
    if turn is None or not _collecting:
        return
    took = round((time.perf_counter() - _collecting[0]) * 1000, 3)
    for label in ("gc", "gc_full") if info.get("generation") == 2 else ("gc",):
        turn[label] = round(turn.get(label, 0.0) + took, 3)


def install(path: str) -> None:
    """Time every message this process handles, appending one line per message to `path`."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.utils.endpoints import EndpointConfig

    handle = MessageProcessor.handle_message
    if getattr(handle, "schedbot_timed", False):
        return

    async def handle_message(self, message):
        turn = {"sender": message.sender_id}
        token = _turn.set(turn)
        started = time.perf_counter()
        try:
            return await handle(self, message)
        finally:
            turn["total"] = round((time.perf_counter() - started) * 1000, 3)
            _turn.reset(token)
            with open(path, "a") as out:
                out.write(json.dumps(turn) + "\n")

    gc.callbacks.append(_time_collections)
    handle_message.schedbot_timed = True
    MessageProcessor.handle_message = handle_message
    _timed(MessageProcessor, "fetch_tracker_and_update_session", "fetch")
    _timed(MessageProcessor, "parse_message", "nlu")
    _timed(MessageProcessor, "_predict_next_with_tracker", "predict")
    _timed(MessageProcessor, "_run_action", "actions")
    _timed(RemoteAction, "run", "action_server")
    _timed(EndpointConfig, "request", "http")
    _timed(MessageProcessor, "save_tracker", "save")
