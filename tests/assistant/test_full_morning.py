"""A morning that is full: every patient who asks for it is offered the nearest openings after it, and
the ones after the first get them one round trip sooner (the action server asks for the morning and
the openings after it at the same time once it has seen that morning full: `event=find_ahead`).
Through the REST channel against the shared stack; checked IN FHIR."""
from __future__ import annotations

import asyncio
from datetime import datetime

from actions.fhir import ArgonautClient
from tests.assistant.test_assistant_e2e import local
from tests.assistant.test_probe_patients import BOT_TEXTS, Probe
from tests.assistant.test_simulated_patients import GI, PHI, new_patient, play, the_one_booked
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of

DAY = "2027-01-14"  # a Thursday no other script books
MORNING = (f"{DAY}T08:00:00-08:00", f"{DAY}T12:00:00-08:00")
PATIENTS = [("Ignatius", "Vanterpool", "1966-03-09", "408-555-0731"),
            ("Philippa", "Achterberg", "1979-10-23", "408-555-0732"),
            ("Leocadia", "Strzelecki", "1990-06-30", "408-555-0733")]


def fill_the_morning(stack) -> int:
    """Book every GI time on DAY between 8 and 12 for one filler patient; how many there were."""
    filler = new_patient(stack, "Morwenna", "Fillingham", "1950-01-01", "408-555-0730")

    async def run() -> int:
        n = 0
        async with ArgonautClient(stack.fhir_base) as client:
            while found := await client.find(specialty=GI, start=MORNING[0], end=MORNING[1], count=6):
                for appt in found:
                    await client.book(appt.id, filler)
                    n += 1
        return n
    return asyncio.run(run())


def action_log(stack) -> str:
    return open(stack.children["actions"].log_path, encoding="utf-8", errors="replace").read()


def test_a_full_morning_offers_the_nearest_openings_and_the_next_asker_gets_them_sooner(stack):
    assert fill_the_morning(stack) > 0
    heard_from = len(BOT_TEXTS)
    for i, (given, family, dob, phone) in enumerate(PATIENTS):
        pid = new_patient(stack, given, family, dob, phone)
        p = Probe(stack, f"full-morning-{i}")
        y, m, d = dob.split("-")

        def script(stack, p):
            p("hi, I need to see a GI doctor")
            p(f"{given} {family}")
            p(f"{int(m)}/{int(d)}/{y}")
            p("self pay")
            reply = p("thursday january 14 in the morning")
            assert "1)" in reply, p
            p("1")
            p("yes")
            appt = the_one_booked(p, pid)
            start = local(appt)
            # IN FHIR: not that morning (full), and not before it: the nearest opening after it
            assert start >= datetime.fromisoformat(MORNING[1]).astimezone(start.tzinfo), p
        before = action_log(stack).count("event=find_ahead")
        play(script, p)
        ahead = action_log(stack).count("event=find_ahead") - before
        assert ahead == (0 if i == 0 else 1), p  # the first learns the morning is full; the others ask ahead
    assert_clean_messages(BOT_TEXTS[heard_from:])
    assert_logs_hold_none_of(stack, PHI)
