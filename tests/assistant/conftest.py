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
def stack(model):
    with assistant_stack(model=model) as st:
        yield st


@pytest.fixture(scope="session")
def bot_messages():
    return BOT_MESSAGES
