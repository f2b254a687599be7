"""A move by hours past the clinic's closing ("an hour later", "a bit later" than a 4:30 PM appointment):
the bot says why ("We close at 5 PM ...") and offers the next open day's times, not that day's
earliest. Scripted as in test_probe_patients.py, through the REST channel against the shared stack,
and checked IN FHIR: the appointment booked is on the next day, the old one cancelled."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from actions.fhir import ArgonautClient
from tests.assistant.test_assistant_e2e import local
from tests.assistant.test_probe_patients import BOT_TEXTS, Probe, moved, old_start
from tests.assistant.test_simulated_patients import FAMILY, new_patient, play
from tests.support.checks import assert_clean_messages

# Tuesdays to Thursdays: the next day is open too (and away from the days the other scripts book)
DAYS = ("2026-12-15", "2026-12-16", "2026-12-17", "2026-12-22", "2026-12-23")


def seed_at_closing(stack, pid: str, days: tuple[str, ...], specialty: str = FAMILY) -> dict:
    """Book the last free time from 4:30 PM on the first of ``days`` that has one (the clinic closes at 5)."""
    async def run():
        async with ArgonautClient(stack.fhir_base) as client:
            for day in days:
                found = await client.find(specialty=specialty, start=f"{day}T16:30:00-08:00", end=f"{day}T17:00:00-08:00",
                                          patient_id=pid, count=6)
                late = [a for a in found if local({"start": a.start.isoformat()}).strftime("%H:%M") >= "16:30"]
                if late:
                    appt = await client.book(late[-1].id, pid)
                    return {"id": appt.id, "start": appt.start}
        raise AssertionError("no 4:30 PM opening to seed")
    return asyncio.run(run())


def move_past_closing(stack, p, name: str, dob: str, phone: str, ask: str, days: tuple[str, ...]) -> None:
    given, family = name.split()
    pid = new_patient(stack, given, family, dob, phone)
    old = seed_at_closing(stack, pid, days)
    assert old_start(old).hour == 16 and old_start(old).minute >= 30, old
    y, m, d = dob.split("-")
    p(f"need to change my appt, {name.lower()} {int(m)}/{int(d)}/{y[2:]}")
    reply = p(ask)
    assert "We close at 5 PM" in reply and "1)" in reply, p  # why not that day, then the next day's times
    next_day = old_start(old).date() + timedelta(days=1)
    assert all(local(o).date() == next_day for o in p.options()), p  # none of that day's morning times
    p("1")
    p("yes")
    new = moved(stack, pid, old)
    assert local(new).date() == next_day, p  # IN FHIR: booked on the next open day


def an_hour_later_than_a_4_30_pm_appointment(stack, p):
    move_past_closing(stack, p, "Wilhelmina Oyelaran", "1971-02-14", "408-555-0471", "could it be an hour later", DAYS)


def a_bit_later_than_a_4_30_pm_appointment(stack, p):
    move_past_closing(stack, p, "Bartholomew Kealoha", "1983-07-21", "408-555-0472", "a bit later pls", DAYS[1:])


PATIENTS = [an_hour_later_than_a_4_30_pm_appointment, a_bit_later_than_a_4_30_pm_appointment]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_later_past_closing(stack, script):
    start = len(BOT_TEXTS)
    play(script, Probe(stack, f"later-{script.__name__}"))
    assert_clean_messages(BOT_TEXTS[start:])
