"""End-to-end conversations through Rasa's REST channel against the running stack (scheduler +
action server + Rasa), each checked IN FHIR (GET Appointment?patient=...), not in the bot's words."""
from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from actions.fhir import ArgonautClient
from actions.formatting import when_text
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of
from tests.support.clock import TEST_TZ

TZ = ZoneInfo(TEST_TZ)
DERM = "394582007"
# What the test patients tell the bot: none of it may reach a log.
PHI: list[str] = []


class Chat:
    def __init__(self, stack, sender: str, bot_messages: list[str]):
        self.stack, self.sender, self.seen = stack, sender, bot_messages
        self.transcript: list[str] = []

    def __call__(self, text: str) -> str:
        replies = self.stack.texts(self.sender, text)
        self.seen.extend(replies)
        self.transcript += [f"> {text}", *replies]
        return "\n".join(replies)

    def __repr__(self) -> str:
        return "\n".join(self.transcript)


def fhir_get(stack, path: str, **params) -> dict:
    r = httpx.get(f"{stack.fhir_base}/{path}", params=params, timeout=60)
    r.raise_for_status()
    return r.json()


def create_patient(stack, given: str, family: str, dob: str, phone: str = "408-555-0100") -> str:
    PHI.extend([given, family, dob, phone])
    body = {"resourceType": "Patient", "name": [{"family": family, "given": [given]}], "birthDate": dob,
            "telecom": [{"system": "phone", "value": phone}]}
    r = httpx.post(f"{stack.fhir_base}/Patient", json=body, headers={"Content-Type": "application/fhir+json"}, timeout=60)
    r.raise_for_status()
    return r.json()["id"]


def appointments(stack, patient_id: str) -> list[dict]:
    bundle = fhir_get(stack, "Appointment", patient=patient_id)
    return [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "Appointment"]


def booked(stack, patient_id: str) -> list[dict]:
    return [a for a in appointments(stack, patient_id) if a["status"] == "booked"]


def local(appt: dict) -> datetime:
    return datetime.fromisoformat(appt["start"].replace("Z", "+00:00")).astimezone(TZ)


def seed_booking(stack, patient_id: str, day: str, specialty: str = DERM, after: str = "08:00") -> dict:
    """Book an appointment through the Argonaut client ($find + $book), before the conversation: the
    first free time of ``day`` from ``after`` on."""
    async def run():
        async with ArgonautClient(stack.fhir_base) as client:
            found = await client.find(specialty=specialty, start=f"{day}T{after}:00-08:00", end=f"{day}T17:00:00-08:00",
                                      patient_id=patient_id, count=1)
            appt = await client.book(found[0].id, patient_id)
            return {"id": appt.id, "start": appt.start}
    return asyncio.run(run())


def verify(chat: Chat, name: str, dob_text: str) -> str:
    chat(name)
    return chat(dob_text)


def test_book_with_self_pay(stack, bot_messages):
    pid = create_patient(stack, "Ava", "Bookwell", "1981-02-03")
    chat = Chat(stack, "e2e-book", bot_messages)
    chat("hi")
    chat("I need an appointment for my skin rash tomorrow morning")
    verify(chat, "Ava Bookwell", "02/03/1981")
    options = chat("self pay")  # what for and when were both in the first message
    assert "1)" in options, chat
    chat("2")
    chat("yes")
    done = booked(stack, pid)
    assert len(done) == 1, chat
    start = local(done[0])
    assert start.date().isoformat() == "2026-12-01" and start.hour < 12, chat
    assert any(p["actor"]["reference"].startswith("Practitioner/") for p in done[0]["participant"] if "actor" in p)
    coverage = fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}")
    assert coverage.get("entry"), "self-pay Coverage recorded"


def test_register_new_patient_with_insurance_and_book(stack, bot_messages):
    PHI.extend(["Noah", "Newcomb", "1992-05-06", "408-555-0142", "XJ4455667"])
    chat = Chat(stack, "e2e-register", bot_messages)
    chat("I'm a new patient")
    chat("Noah Newcomb")
    chat("5/6/1992")
    chat("4085550142")
    chat("skip")
    chat("insurance")
    chat("Aetna")
    chat("XJ4455667")
    chat("stomach problems")
    assert "1)" in chat("asap"), chat
    chat("1")
    chat("yes")
    found = fhir_get(stack, "Patient", family="Newcomb", birthdate="1992-05-06").get("entry", [])
    assert len(found) == 1, chat
    pid = found[0]["resource"]["id"]
    cov = [e["resource"] for e in fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}").get("entry", [])]
    assert any(c.get("subscriberId") == "XJ4455667" for c in cov), chat
    assert len(booked(stack, pid)) == 1, chat


def test_reschedule_is_atomic_and_moves_the_appointment(stack, bot_messages):
    pid = create_patient(stack, "Rita", "Movewell", "1975-07-08")
    old = seed_booking(stack, pid, "2026-12-01")
    chat = Chat(stack, "e2e-reschedule", bot_messages)
    chat("can i move my appointment")
    verify(chat, "Rita Movewell", "7/8/1975")
    assert "1)" in chat("wednesday afternoon"), chat
    chat("1")
    chat("yes")
    appts = {a["id"]: a for a in appointments(stack, pid)}
    assert appts[old["id"]]["status"] == "cancelled", chat
    now_booked = booked(stack, pid)
    assert len(now_booked) == 1, chat
    assert local(now_booked[0]).date().isoformat() == "2026-12-02" and local(now_booked[0]).hour >= 12, chat


def test_cancel(stack, bot_messages):
    pid = create_patient(stack, "Carl", "Cancelli", "1969-09-09")
    appt = seed_booking(stack, pid, "2026-12-03")
    chat = Chat(stack, "e2e-cancel", bot_messages)
    chat("cancel my appointment")
    asked = verify(chat, "Carl Cancelli", "09/09/1969")
    assert when_text(appt["start"], TEST_TZ) in asked, chat
    chat("yes")
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[appt["id"]] == "cancelled", chat
    assert booked(stack, pid) == []


def test_list_then_cancel_the_second(stack, bot_messages):
    pid = create_patient(stack, "Lena", "Van Lister", "1988-11-12")
    first = seed_booking(stack, pid, "2026-12-01")
    second = seed_booking(stack, pid, "2026-12-04")
    chat = Chat(stack, "e2e-list", bot_messages)
    listing = chat("what appointments do i have")
    assert when_text(first["start"], TEST_TZ) not in listing  # nothing before verification
    listing = chat("Lena Van Lister 11/12/1988")  # name and birth date in one message
    assert when_text(first["start"], TEST_TZ) in listing and when_text(second["start"], TEST_TZ) in listing, chat
    chat("cancel my appointment")
    chat("2")
    chat("yes")
    statuses = {a["id"]: a["status"] for a in appointments(stack, pid)}
    assert statuses[first["id"]] == "booked" and statuses[second["id"]] == "cancelled", chat


def test_failed_verification_discloses_nothing(stack, bot_messages):
    pid = create_patient(stack, "Vera", "Secretti", "1990-04-05")
    appt = seed_booking(stack, pid, "2026-12-02")
    chat = Chat(stack, "e2e-wrong-identity", bot_messages)
    chat("list my appointments")
    verify(chat, "Vera Secretti", "01/01/1990")
    chat("try again")
    verify(chat, "Vera Secret", "04/05/1990")  # right birth date, only part of the name
    chat("cancel my appointment")
    chat("yes")
    text = str(chat)
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, chat
    assert [a["status"] for a in appointments(stack, pid) if a["id"] == appt["id"]] == ["booked"]


def test_handoff_records_a_task_and_releases_the_hold(stack, bot_messages):
    pid = create_patient(stack, "Hank", "Hallworth", "1979-03-03")
    chat = Chat(stack, "e2e-handoff", bot_messages)
    chat("book a physical")
    verify(chat, "Hank Hallworth", "3/3/1979")
    chat("self pay")
    assert "1)" in chat("thursday morning"), chat
    chat("1")
    held_id = stack.tracker("e2e-handoff")["slots"]["held"]["id"]
    assert fhir_get(stack, f"Appointment/{held_id}")["status"] == "pending", chat
    chat("talk to a person")
    task_id = stack.tracker("e2e-handoff")["slots"]["handoff_task"]
    task = fhir_get(stack, f"Task/{task_id}")
    assert task["status"] == "requested" and task["for"]["reference"] == f"Patient/{pid}"
    assert fhir_get(stack, f"Appointment/{held_id}")["status"] == "cancelled", chat
    assert booked(stack, pid) == [], chat


def test_scheduler_down_apologises_and_books_nothing(stack, bot_messages):
    pid = create_patient(stack, "Dora", "Downtime", "1983-08-09")
    chat = Chat(stack, "e2e-down", bot_messages)
    chat("i need a dermatologist")
    verify(chat, "Dora Downtime", "8/9/1983")
    chat("self pay")
    assert "1)" in chat("friday morning"), chat
    chat("1")
    held_id = stack.tracker("e2e-down")["slots"]["held"]["id"]
    with stack.scheduler_down():
        reply = chat("yes")
        assert "sorry" in reply.lower() and "agent" in reply.lower(), chat
    assert booked(stack, pid) == [], chat
    assert fhir_get(stack, f"Appointment/{held_id}")["status"] != "booked", chat
    # the conversation goes on once the scheduler is back
    assert "don't have any upcoming" in chat("list my appointments"), chat


def test_change_of_mind_question_and_refine(stack, bot_messages):
    pid = create_patient(stack, "Mia", "Mindchange", "1995-10-11")
    chat = Chat(stack, "e2e-mind", bot_messages)
    chat("book an appointment")
    verify(chat, "Mia Mindchange", "10/11/1995")
    chat("self pay")
    chat("dermatology")
    assert "1)" in chat("tomorrow afternoon"), chat
    assert "1)" in chat("what are your hours?"), chat  # answered, then the options again
    assert "1)" in chat("actually a family doctor"), chat
    chat("none of those")
    assert "1)" in chat("thursday morning"), chat
    chat("1")
    chat("yes")
    done = booked(stack, pid)
    assert len(done) == 1, chat
    codes = [c["code"] for s in done[0].get("specialty", []) for c in s.get("coding", [])]
    assert "419772000" in codes, chat
    assert local(done[0]).date().isoformat() == "2026-12-03" and local(done[0]).hour < 12, chat


def test_slot_taken_mid_conversation(stack, bot_messages):
    pid = create_patient(stack, "Tess", "Takenslot", "1986-01-02")
    other = create_patient(stack, "Otto", "Otherguy", "1960-02-03")
    chat = Chat(stack, "e2e-taken", bot_messages)
    chat("i need a dermatologist")
    verify(chat, "Tess Takenslot", "1/2/1986")
    chat("self pay")
    assert "1)" in chat("tomorrow morning"), chat
    first = stack.tracker("e2e-taken")["slots"]["options"][0]["id"]

    async def take():
        async with ArgonautClient(stack.fhir_base) as client:
            return await client.book(first, other)
    taken = asyncio.run(take())
    chat("1")  # that time is gone now: the bot offers others
    chat("1")
    chat("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and mine[0]["start"] != taken.start.isoformat(), chat
    assert local(mine[0]) != taken.start.astimezone(TZ), chat


def test_every_message_is_short_and_clean(bot_messages):
    assert_clean_messages(bot_messages)


def test_logs_hold_no_patient_details(stack):
    assert_logs_hold_none_of(stack, PHI)