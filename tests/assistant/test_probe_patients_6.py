"""Probe patients from the QA session of stop 16 and the README's list of what was still open: each
failed before its fix. A child named at the "what for?" question, ... Each runs through the REST
channel against the shared stack and is checked IN FHIR.
"""
from __future__ import annotations

import pytest

from tests.assistant.test_assistant_e2e import booked
from tests.assistant.test_probe_patients import Probe
from tests.assistant.test_simulated_patients import PEDS, PHI, patients_named, play, specialty_codes
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of

BOT_TEXTS: list[str] = []


class Heard(Probe):
    def __call__(self, text: str) -> str:
        said = super().__call__(text)
        BOT_TEXTS.extend(said.splitlines())
        return said


def child_named_at_what_for(stack, p):
    PHI.extend(["Dana", "Whitfeld", "1984-04-12", "4085550161", "Finn", "2019-03-03"])
    p("i need to book an appointment")
    p("Dana Whitfeld")
    p("4/12/1984")
    p("im new")
    p("4085550161")
    p("skip")
    p("self pay")
    said = p("my kid needs a checkup, his name is Finn")
    assert "Finn's" in said and "name" in said, p  # the child is found or registered first
    p("Finn Whitfeld")
    assert "couldn't find" in p("3/3/2019"), p
    p("im new")
    p("self pay")
    assert "1)" in p("monday morning"), p
    p("1")
    assert "booked" in p("yes"), p
    parent = patients_named(stack, "Whitfeld", "1984-04-12")[0]["id"]
    child = patients_named(stack, "Whitfeld", "2019-03-03")[0]["id"]
    assert booked(stack, parent) == [], p
    mine = booked(stack, child)
    assert len(mine) == 1 and PEDS in specialty_codes(mine[0]), p


PATIENTS = [child_named_at_what_for]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_probe_patient_6(stack, script):
    play(script, Heard(stack, f"probe6-{script.__name__}"))


def test_probe_patients_6_heard_only_clean_short_messages():
    assert_clean_messages(BOT_TEXTS)


def test_probe_patients_6_left_no_details_in_logs(stack):
    assert_logs_hold_none_of(stack, PHI)
