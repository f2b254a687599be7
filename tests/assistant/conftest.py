"""Fixtures of the assistant suites: the trained model (shared, fingerprinted: bot/train.py) and one
running stack (scheduler + action server + Rasa) for the end-to-end conversations."""
from __future__ import annotations

import pytest

from tests.support.stack import assistant_stack, ensure_model

# Every bot message seen by the end-to-end tests, checked for style at the end of the session.
BOT_MESSAGES: list[str] = []


@pytest.fixture(scope="session")
def model():
    return ensure_model()


@pytest.fixture(scope="session")
def turn_timings(tmp_path_factory):
    """Where Rasa writes each turn's timings (bot/turn_timing.py), as `bench.turns --breakdown` does."""
    return tmp_path_factory.mktemp("timings") / "turns.jsonl"


@pytest.fixture(scope="session")
def stack(model, turn_timings):
    with assistant_stack(model=model, env={"SCHEDBOT_TURN_TIMINGS": str(turn_timings)}) as st:
        yield st


@pytest.fixture(scope="session")
def bot_messages():
    return BOT_MESSAGES
