"""Symptoms that need emergency care, not an appointment: the patient is told to call 911 first
(once per conversation), and the conversation goes on as asked: booking is still their choice."""
from __future__ import annotations

import logging
import re

from actions.common import say

log = logging.getLogger("schedbot.actions.urgent")

URGENT = re.compile(
    r"\b(chest (pain|pains|pressure|tightness)|(trouble|difficulty|hard time|problems?) breathing|can'?t breathe|cannot breathe|"
    r"short(ness)? of breath|heart attack|stroke|face (is )?droop\w*|slurr\w+ speech|unconscious|passed out|not breathing|"
    r"overdos\w*|seizure|bleeding (a lot|heavily|won'?t stop)|severe bleeding|suicid\w*|kill (myself|himself|herself)|"
    r"end my life|dolor de pecho|no puedo respirar|lethargic|unresponsive|(won'?t|can'?t|cannot|will not) wake( up)?|"
    r"fever of 10[4-9]|10[4-9] (degree )?fever|(lips|face) (are |is |turning )?blue|turning blue)\b", re.I)
WARNING = ("If this is an emergency, please call 911 now or go to the nearest emergency room. "
           "I can only book appointments.")


def warn_if_urgent(dispatcher, tracker, text: str) -> bool:
    """Say WARNING when ``text`` names an emergency and it wasn't said before in this conversation."""
    if not URGENT.search(text or ""):
        return False
    if any(e.get("event") == "bot" and WARNING in (e.get("text") or "") for e in tracker.events):
        return False
    log.info("event=urgent_warning")
    say(dispatcher, WARNING)
    return True
