"""Checks every conversation suite makes at its end: what patients heard, and what the logs kept."""
from __future__ import annotations

import re

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def assert_clean_messages(texts: list[str]) -> None:
    """Every bot message fits an SMS pair and shows no ISO timestamp, "None" or traceback."""
    assert texts, "the conversations ran"
    for text in texts:
        assert len(text) <= 320, text
        assert not ISO.search(text), text
        assert "None" not in text and "Traceback" not in text, text


def assert_logs_hold_none_of(stack, details: list[str]) -> None:
    """The action server's and Rasa's logs hold none of these patient details, as whole words in any
    case ("Ava" must not match "available"). The scheduler's own logging is tested with the scheduler."""
    logs = ""
    for name, child in stack.children.items():
        if name != "scheduler":
            try:
                logs += open(child.log_path, encoding="utf-8", errors="replace").read()
            except OSError:
                pass
    assert logs
    leaked = sorted({x for x in details if x and re.search(rf"(?<!\w){re.escape(x)}(?!\w)", logs, re.I)})
    assert not leaked, f"patient details in logs: {leaked}"
