"""Garbage collection in the action server: what is loaded when the first action runs (rasa_sdk, Sanic,
our modules, fhir.resources' models) lives as long as the process, so it is frozen out of collection
then, as Rasa (bot/rasa_server.py) and the scheduler (scheduler/cli.py) do once loaded. A full
collection of it took 30-50 ms inside whichever turn it fell in (bench.turns, stop 27).

Installed when rasa_sdk imports this package (actions/__init__.py), whatever command started it.
"""
from __future__ import annotations

import gc


def install() -> None:
    from rasa_sdk.executor import ActionExecutor

    original = ActionExecutor.run
    if getattr(original, "schedbot_freezes", False):
        return
    frozen: list[bool] = []

    async def run(self, action_call):
        if not frozen:
            gc.collect()
            gc.freeze()
            frozen.append(True)
        return await original(self, action_call)

    run.schedbot_freezes = True
    ActionExecutor.run = run
