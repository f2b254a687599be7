"""Scripted "simulated patients" through Rasa's REST channel against the running stack, each
checked IN FHIR (Appointment / Patient / Coverage / Task), not in the bot's words.

They write the way real patients text: lowercase, typos ("apointment", "tmrw"), everything in one
message, name and birth date together, "nvm", "actually", questions in the middle, choosing a time
by its clock time or "the second one", "yep"/"sure", wrong birth dates, people who say they're new
when they're not, payer and member id in one message, slots taken by someone else, "agent" in the
middle, "start over", walking away. One pytest param per patient; one shared stack (conftest.py).
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx
import pytest

from actions.fhir import ArgonautClient
from actions.formatting import when_text
from tests.assistant.test_assistant_e2e import TZ, appointments, booked, fhir_get, local, seed_booking
from tests.support.checks import assert_clean_messages, assert_logs_hold_none_of
from tests.support.clock import TEST_TZ

DERM, FAMILY, GI, PEDS = "394582007", "419772000", "394584008", "394537008"
# Everything the simulated patients tell the bot that identifies them: none of it may reach a log.
PHI: list[str] = []
BOT_TEXTS: list[str] = []
TIME_RE = re.compile(r"(\d{1,2}):(\d{2}) (AM|PM)")


def new_patient(stack, given: str, family: str, dob: str, phone: str) -> str:
    PHI.extend([given, family, dob, phone])
    body = {"resourceType": "Patient", "name": [{"family": family, "given": [given]}], "birthDate": dob,
            "telecom": [{"system": "phone", "value": phone}]}
    r = httpx.post(f"{stack.fhir_base}/Patient", json=body, headers={"Content-Type": "application/fhir+json"}, timeout=60)
    r.raise_for_status()
    return r.json()["id"]


@dataclass
class Patient:
    """One simulated patient: their own sender id, a transcript, and helpers to look in FHIR."""
    stack: object
    sender: str
    transcript: list[str] = field(default_factory=list)

    def __call__(self, text: str) -> str:
        replies = self.stack.texts(self.sender, text)
        BOT_TEXTS.extend(replies)
        self.transcript += [f"> {text}", *[f"  {r}" for r in replies]]
        return "\n".join(replies)

    def __repr__(self) -> str:
        return "\n" + "\n".join(self.transcript)

    def slots(self) -> dict:
        return self.stack.tracker(self.sender)["slots"]

    def options(self) -> list[dict]:
        return self.slots().get("options") or []

    def held_id(self) -> str | None:
        held = self.slots().get("held")
        return held["id"] if held else None


def specialty_codes(appt: dict) -> list[str]:
    return [c["code"] for s in appt.get("specialty", []) for c in s.get("coding", [])]


def status_of(stack, appt_id: str) -> str:
    return fhir_get(stack, f"Appointment/{appt_id}")["status"]


def coverages(stack, pid: str) -> list[dict]:
    return [e["resource"] for e in fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}").get("entry", [])]


def patients_named(stack, family: str, dob: str) -> list[dict]:
    return [e["resource"] for e in fhir_get(stack, "Patient", family=family, birthdate=dob).get("entry", [])]


def clock_of(option: dict) -> str:
    """ "10:15 AM" from an option's text, as the patient saw it."""
    m = TIME_RE.search(option["text"])
    assert m, option
    return m.group(0)


def the_one_booked(p: Patient, pid: str) -> dict:
    done = booked(p.stack, pid)
    assert len(done) == 1, p
    return done[0]


def same_time(appt: dict, option: dict) -> bool:
    return when_text(appt["start"], TEST_TZ) in option["text"]


def play(script, patient: Patient) -> None:
    """One patient's script; a failure prints the whole conversation (pytest shows it)."""
    try:
        script(patient.stack, patient)
    except AssertionError:
        print("TRANSCRIPT", script.__name__, repr(patient))
        raise


def take(stack, appt_id: str, other_pid: str) -> None:
    async def run():
        async with ArgonautClient(stack.fhir_base) as client:
            return await client.book(appt_id, other_pid)
    asyncio.run(run())


# -- the patients ---------------------------------------------------------------------------------


def everything_in_one_message(stack, p):
    pid = new_patient(stack, "Janelle", "Smithfield", "1985-03-04", "408-555-0201")
    p("hi im janelle smithfield born 3/4/85 need a checkup next week")
    reply = p("self pay")
    assert "1)" in reply, p
    opts = p.options()
    p("the second one")
    p("yep")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[1]), p
    assert FAMILY in specialty_codes(appt), p
    assert date(2026, 12, 7) <= local(appt).date() <= date(2026, 12, 11), p


def lowercase_typos_tmrw(stack, p):
    pid = new_patient(stack, "Rosalind", "Delgadillo", "1990-06-07", "408-555-0202")
    p("i need an apointment tmrw for a rash")
    p("rosalind delgadillo")
    p("6/7/1990")
    assert "1)" in p("cash"), p
    opts = p.options()
    p("1")
    p("yes please")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[0]) and local(appt).date() == date(2026, 12, 1), p
    assert DERM in specialty_codes(appt), p
    assert coverages(stack, pid), p


def name_and_dob_together(stack, p):
    pid = new_patient(stack, "Marco", "Polanski", "1970-12-25", "408-555-0203")
    p("can i book an appt")
    p("Marco Polanski 12/25/1970")
    p("self-pay")
    p("stomach pain")
    assert "1)" in p("thurs am"), p
    opts = p.options()
    p("first")
    p("sure")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[0]) and GI in specialty_codes(appt), p
    assert local(appt).date() == date(2026, 12, 3) and local(appt).hour < 12, p


def insurance_payer_and_member_id_in_one(stack, p):
    PHI.append("BSX5512345")
    pid = new_patient(stack, "Priya", "Venkataraman", "1988-08-18", "408-555-0204")
    p("hello, i'd like to schedule a visit with a dermatologist")
    p("priya venkataraman")
    p("08/18/1988")
    p("i have blue shield, member id BSX5512345")
    assert "1)" in p("friday afternoon"), p
    p("2")
    p("yes")
    assert the_one_booked(p, pid), p
    covs = coverages(stack, pid)
    assert any(c.get("subscriberId") == "BSX5512345" for c in covs), (covs, p)


def insurance_answered_with_payer_and_id(stack, p):
    PHI.append("W77123456")
    pid = new_patient(stack, "Oscar", "Lindqvist", "1979-01-30", "408-555-0205")
    p("book appointment for a physical")
    p("oscar lindqvist, 1/30/1979")
    p("aetna W77123456")
    assert "1)" in p("wednesday morning"), p
    p("1")
    p("ok")
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt), p
    assert any(c.get("subscriberId") == "W77123456" for c in coverages(stack, pid)), p


def asks_for_a_doctor_by_name(stack, p):
    pid = new_patient(stack, "Nina", "Shah", "1991-09-09", "408-555-0231")
    boyce = fhir_get(stack, "Practitioner", family="Boyce")["entry"][0]["resource"]["id"]
    p("I want to see Dr. Boyce next week")
    p("Nina Shah")
    p("9/9/1991")
    offer = p("self-pay")  # the doctor's specialty answers "what for", "next week" answers "when"
    assert "1)" in offer and "visit for" not in offer, p
    assert all("Dr. Boyce" in line for line in offer.splitlines() if line[:2] in ("1)", "2)", "3)")), p
    p("2")
    p("yes")
    appt = the_one_booked(p, pid)
    actors = [x["actor"]["reference"] for x in appt["participant"] if "actor" in x]
    assert f"Practitioner/{boyce}" in actors, p
    assert local(appt).date().isoformat() >= "2026-12-07", p


def choose_by_clock_time(stack, p):
    pid = new_patient(stack, "Greta", "Holmberg", "1966-05-05", "408-555-0206")
    p("need to see a skin doctor tomorrow")
    p("greta holmberg")
    p("5-5-1966")
    assert "1)" in p("self pay"), p
    opts = p.options()
    assert len(opts) >= 2, p
    clocks = [clock_of(o) for o in opts]
    # the patient names the last offered time by its clock ("the 10:30 one"); when two clinicians
    # share that time, they are asked which, and answer with the clinician's name
    pick = len(opts) - 1
    hm = clocks[pick].lower().split()[0]
    p(f"the {hm} one")
    if clocks.count(clocks[pick]) > 1:
        doctor = re.search(r"Dr\. ([A-Za-z'-]+)", opts[pick]["text"]).group(1)
        p(f"the one with dr {doctor.lower()}")
    p("yes")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[pick]), p


def none_of_those_then_later(stack, p):
    pid = new_patient(stack, "Lukas", "Brandauer", "1984-02-14", "408-555-0207")
    p("i want to book a family doctor appointment")
    p("lukas brandauer")
    p("02/14/84")
    p("no insurance")
    assert "1)" in p("tomorrow"), p
    first = p.options()
    reply = p("none of those, something later")
    assert "1)" in reply, p
    later = p.options()
    assert later and not ({o["id"] for o in later} & {o["id"] for o in first}), p
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    last_first = max(datetime.fromisoformat(a["start"]) for a in [fhir_get(stack, f"Appointment/{o['id']}") for o in first])
    assert datetime.fromisoformat(appt["start"].replace("Z", "+00:00")) > last_first, p


def decline_then_choose_another(stack, p):
    pid = new_patient(stack, "Hedda", "Gabrielsen", "1992-09-09", "408-555-0208")
    p("book me in for acne")
    p("hedda gabrielsen")
    p("sept 9 1992")
    p("self pay")
    assert "1)" in p("thursday"), p
    opts = p.options()
    p("1")
    first_hold = p.held_id()
    assert first_hold, p
    p("no")
    assert status_of(stack, first_hold) != "booked", p
    p("what about 2")
    p("yes")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[1]), p


def wrong_dob_then_right(stack, p):
    pid = new_patient(stack, "Tomasz", "Wojcik", "1977-04-05", "408-555-0209")
    appt = seed_booking(stack, pid, "2026-12-02")
    p("when is my appointment")
    p("tomasz wojcik")
    reply = p("4/5/1978")
    assert when_text(appt["start"], TEST_TZ) not in reply, p
    reply = p("sorry typo, it's 4/5/1977")
    assert when_text(appt["start"], TEST_TZ) in reply, p
    assert status_of(stack, appt["id"]) == "booked"


def two_wrong_identities_then_agent(stack, p):
    pid = new_patient(stack, "Irene", "Castellanos", "1960-10-10", "408-555-0210")
    appt = seed_booking(stack, pid, "2026-12-03")
    p("cancel my appt")
    p("irene castellano")
    p("10/10/1960")
    p("try again")
    p("irene castellanos")
    p("10/11/1960")
    p("cancel it")
    p("yes")
    text = repr(p)
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, p
    assert status_of(stack, appt["id"]) == "booked", p
    p("agent")
    task_id = p.slots().get("handoff_task")
    assert task_id, p
    task = fhir_get(stack, f"Task/{task_id}")
    assert task["status"] == "requested" and "for" not in task, p


def new_patient_tries_verify_first(stack, p):
    PHI.extend(["Ninette", "Abernathy", "2000-02-02", "408-555-0211", "4085550211"])
    p("book a checkup")
    p("ninette abernathy")
    p("2/2/2000")
    p("im new")
    p("4085550211")
    p("no email")
    p("self pay")
    assert "1)" in p("next monday morning"), p
    p("1")
    p("sure")
    found = patients_named(stack, "Abernathy", "2000-02-02")
    assert len(found) == 1, p
    appt = the_one_booked(p, found[0]["id"])
    assert local(appt).date() == date(2026, 12, 7) and local(appt).hour < 12, p


def existing_patient_says_new(stack, p):
    pid = new_patient(stack, "Viktor", "Szabolcs", "1958-07-21", "408-555-0212")
    p("hi, new patient here, i'd like to book with a dermatologist")
    p("viktor szabolcs")
    p("7/21/1958")
    p("408-555-0212")
    p("skip")
    p("self pay")
    assert "1)" in p("next week"), p
    p("1")
    p("yes")
    assert len(patients_named(stack, "Szabolcs", "1958-07-21")) == 1, p
    appt = the_one_booked(p, pid)
    assert DERM in specialty_codes(appt), p


def reschedule_one_of_two(stack, p):
    pid = new_patient(stack, "Amara", "Okonkwo", "1983-03-13", "408-555-0213")
    keep = seed_booking(stack, pid, "2026-12-01")
    move = seed_booking(stack, pid, "2026-12-03")
    p("i need to reschedule")
    p("amara okonkwo 3/13/1983")
    p("the thursday one")
    assert "1)" in p("next tuesday morning"), p
    p("1")
    p("yes")
    statuses = {a["id"]: a["status"] for a in appointments(stack, pid)}
    assert statuses[keep["id"]] == "booked" and statuses[move["id"]] == "cancelled", p
    now = booked(stack, pid)
    assert len(now) == 2, p
    new = [a for a in now if a["id"] != keep["id"]][0]
    assert local(new).date() == date(2026, 12, 8) and local(new).hour < 12, p


def cancel_second_of_two(stack, p):
    pid = new_patient(stack, "Bruno", "Fairweather", "1971-11-01", "408-555-0214")
    a = seed_booking(stack, pid, "2026-12-02")
    b = seed_booking(stack, pid, "2026-12-04")
    p("cancle appointment")
    p("bruno fairweather")
    p("11/1/71")
    p("2nd")
    p("yep")
    statuses = {x["id"]: x["status"] for x in appointments(stack, pid)}
    assert statuses[a["id"]] == "booked" and statuses[b["id"]] == "cancelled", p


def list_then_cancel_it(stack, p):
    pid = new_patient(stack, "Colette", "Dubois", "1994-12-12", "408-555-0215")
    appt = seed_booking(stack, pid, "2026-12-04")
    p("whens my appt")
    reply = p("colette dubois 12/12/1994")
    assert when_text(appt["start"], TEST_TZ) in reply, p
    p("ok cancel it")
    p("yes")
    assert status_of(stack, appt["id"]) == "cancelled", p
    assert booked(stack, pid) == [], p


def cancel_with_nothing_to_cancel(stack, p):
    pid = new_patient(stack, "Dmitri", "Volkonsky", "1965-06-16", "408-555-0216")
    p("i need to cancel my appointment")
    p("dmitri volkonsky")
    p("june 16 1965")
    p("no thanks")
    assert appointments(stack, pid) == [], p
    assert not p.slots().get("handoff_task"), p


def slot_taken_before_choice(stack, p):
    pid = new_patient(stack, "Esther", "Blumenthal", "1987-07-07", "408-555-0217")
    other = new_patient(stack, "Otis", "Whitacre", "1950-01-01", "408-555-0218")
    p("dermatology appointment please")
    p("esther blumenthal")
    p("7/7/87")
    assert "1)" in p("self pay, wednesday"), p
    opts = p.options()
    take(stack, opts[1]["id"], other)
    p("the second one")  # gone now: the bot says so and offers others
    p("first")
    p("yes")
    appt = the_one_booked(p, pid)
    theirs = booked(stack, other)
    assert len(theirs) == 1 and same_time(theirs[0], opts[1]), p
    mine = (appt["start"], sorted(x["actor"]["reference"] for x in appt["participant"] if "Practitioner/" in x["actor"]["reference"]))
    them = (theirs[0]["start"], sorted(x["actor"]["reference"] for x in theirs[0]["participant"] if "Practitioner/" in x["actor"]["reference"]))
    assert mine != them, p


def slot_taken_then_another_picked(stack, p):
    pid = new_patient(stack, "Ingrid", "Solberg", "1991-04-04", "408-555-0219")
    other = new_patient(stack, "Orson", "Pettibone", "1952-02-02", "408-555-0220")
    p("need a gi doctor")
    p("ingrid solberg 4/4/1991")
    p("self pay")
    assert "1)" in p("any time next week"), p
    opts = p.options()
    take(stack, opts[2]["id"], other)  # someone else takes another option meanwhile
    p("3")
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    theirs = booked(stack, other)
    assert len(theirs) == 1 and same_time(theirs[0], opts[2]) and GI in specialty_codes(appt), p
    actors = lambda a: sorted(x["actor"]["reference"] for x in a["participant"] if "Practitioner/" in x["actor"]["reference"])  # noqa: E731
    assert (appt["start"], actors(appt)) != (theirs[0]["start"], actors(theirs[0])), p


def agent_mid_booking(stack, p):
    pid = new_patient(stack, "Yusuf", "Haddad", "1968-08-08", "408-555-0221")
    p("i want to see someone about my eczema")
    p("yusuf haddad")
    p("08/08/1968")
    p("self pay")
    assert "1)" in p("friday"), p
    p("1")
    held = p.held_id()
    assert held and status_of(stack, held) == "pending", p
    p("actually can i just talk to a real person")
    task_id = p.slots().get("handoff_task")
    assert task_id, p
    task = fhir_get(stack, f"Task/{task_id}")
    assert task["status"] == "requested" and task["for"]["reference"] == f"Patient/{pid}", p
    assert status_of(stack, held) == "cancelled", p
    assert booked(stack, pid) == [], p


def start_over_then_cancel(stack, p):
    pid = new_patient(stack, "Fiona", "McAllister", "1982-05-25", "408-555-0222")
    appt = seed_booking(stack, pid, "2026-12-03")
    p("book a dermatology appt")
    p("fiona mcallister")
    p("5/25/1982")
    p("self pay")
    assert "1)" in p("tomorrow"), p
    p("start over")
    p("i want to cancel my appointment")
    p("yes")
    assert status_of(stack, appt["id"]) == "cancelled", p
    assert booked(stack, pid) == [], p


def nvm_after_hold(stack, p):
    pid = new_patient(stack, "Gideon", "Marchetti", "1975-03-30", "408-555-0223")
    p("book a physical")
    p("gideon marchetti 3/30/1975")
    p("self pay")
    assert "1)" in p("next week"), p
    p("2")
    held = p.held_id()
    assert held, p
    p("nvm")
    assert status_of(stack, held) == "cancelled", p
    assert booked(stack, pid) == [], p


def walk_away_after_hold(stack, p):
    pid = new_patient(stack, "Hollis", "Redmayne", "1989-10-02", "408-555-0224")
    p("i need a pediatrician for my son")
    p("hollis redmayne")
    p("10/2/1989")
    p("self pay")
    assert "1)" in p("tomorrow afternoon"), p
    p("1")
    held = p.held_id()
    assert held, p
    # ...and never answers again: the hold is only a hold, nothing is booked
    assert status_of(stack, held) == "pending", p
    assert booked(stack, pid) == [], p


def hours_question_mid_verification(stack, p):
    pid = new_patient(stack, "Keiko", "Tanabe", "1993-01-17", "408-555-0225")
    p("i want to make an appointment")
    p("keiko tanabe")
    reply = p("wait what are your hours")
    assert "8" in reply, p
    p("1/17/1993")
    p("self pay")
    p("dermatology")
    reply = p("where are you located?")
    assert "Street" in reply or "San Jose" in reply or "clinic" in reply.lower(), p
    assert "1)" in p("thursday afternoon"), p
    reply = p("do you take cigna?")
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert local(appt).date() == date(2026, 12, 3) and local(appt).hour >= 12, p


def insurance_question_during_coverage(stack, p):
    PHI.append("KP9988776")
    pid = new_patient(stack, "Lorenzo", "Bianchi", "1986-06-06", "408-555-0226")
    p("appointment for heartburn")
    p("lorenzo bianchi")
    p("6/6/1986")
    p("do you accept kaiser?")
    p("KP9988776")
    assert "1)" in p("asap"), p
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert GI in specialty_codes(appt), p
    assert any(c.get("subscriberId") == "KP9988776" for c in coverages(stack, pid)), p


def change_of_mind_family_doctor(stack, p):
    pid = new_patient(stack, "Magnus", "Eriksen", "1972-02-29", "408-555-0227")
    p("i need a dermatologist")
    p("magnus eriksen")
    p("2/29/1972")
    p("self pay")
    assert "1)" in p("wed"), p
    assert "1)" in p("actually a family doctor would be better"), p
    p("2")
    p("yes")
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt), p
    assert local(appt).date() == date(2026, 12, 2), p


def thanks_and_goodbye_after_booking(stack, p):
    pid = new_patient(stack, "Nadia", "Petrova", "1997-09-19", "408-555-0228")
    p("hey")
    p("book appt for my kid's checkup")
    p("nadia petrova")
    p("9/19/1997")
    p("self pay")
    assert "1)" in p("next thursday"), p
    p("1")
    p("yes!")
    p("thanks!")
    p("bye")
    appt = the_one_booked(p, pid)
    assert PEDS in specialty_codes(appt) and local(appt).date() == date(2026, 12, 10), p


def new_patient_all_in_one(stack, p):
    PHI.extend(["Quentin", "Albrecht", "1999-07-08", "4085550229", "quentin.albrecht@example.com"])
    p("new patient. quentin albrecht, born 7/8/1999")
    p("4085550229")
    p("quentin.albrecht@example.com")
    p("self pay")
    p("family medicine")
    assert "1)" in p("monday"), p
    p("1")
    p("yes")
    found = patients_named(stack, "Albrecht", "1999-07-08")
    assert len(found) == 1, p
    assert the_one_booked(p, found[0]["id"]), p


def reschedule_single_with_time_in_request(stack, p):
    pid = new_patient(stack, "Ophelia", "Grantham", "1980-08-28", "408-555-0230")
    old = seed_booking(stack, pid, "2026-12-01")
    p("can u move my appt to friday")
    p("ophelia grantham")
    assert "1)" in p("8/28/1980"), p
    p("1")
    p("yes")
    statuses = {a["id"]: a["status"] for a in appointments(stack, pid)}
    assert statuses[old["id"]] == "cancelled", p
    new = the_one_booked(p, pid)
    assert local(new).date() == date(2026, 12, 4), p


def scheduler_down_then_back(stack, p):
    pid = new_patient(stack, "Petra", "Novakova", "1984-04-24", "408-555-0231")
    p("book a dermatology appointment")
    p("petra novakova")
    with stack.scheduler_down():
        reply = p("4/24/1984")
        assert "sorry" in reply.lower(), p
    assert appointments(stack, pid) == [] and coverages(stack, pid) == [], p
    reply = p("is it working now? i still need a dermatology appointment")
    assert not p.slots().get("handoff_task"), p
    if "name" in reply:  # the bot may or may not remember who they said they were
        p("petra novakova 4/24/1984")
    p("self pay")
    assert "1)" in p("tmrw"), p
    p("1")
    p("yes")
    assert the_one_booked(p, pid), p


def dob_first_last_name_first(stack, p):
    pid = new_patient(stack, "Wendell", "Ashcroft", "1974-03-14", "408-555-0232")
    p("hi can i get an appointment for a bad cough")
    p("03141974")  # the birth date before the name, with no slashes
    p("Ashcroft, Wendell")  # last name first
    p("i have medicare, member number 123 456 789")
    assert "1)" in p("tues afternoon"), p
    p("1")
    p("yes please")
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt) and local(appt).date() == date(2026, 12, 1) and local(appt).hour >= 12, p
    assert any(c.get("subscriberId") == "123456789" for c in coverages(stack, pid)), p


def cancel_then_keep_it(stack, p):
    pid = new_patient(stack, "Xenia", "Papadakis", "1996-05-15", "408-555-0233")
    appt = seed_booking(stack, pid, "2026-12-02")
    p("pls cancel my appointment")
    p("xenia papadakis 5/15/96")
    p("hmm actually keep it")
    assert status_of(stack, appt["id"]) == "booked", p
    p("thanks bye")
    assert [a["id"] for a in booked(stack, pid)] == [appt["id"]], p


def earlier_and_a_clock_time_while_choosing(stack, p):
    pid = new_patient(stack, "Yolanda", "Beaumont", "1963-11-23", "408-555-0234")
    p("need a dermatology appointment")
    p("yolanda beaumont")
    p("11/23/63")
    p("self pay")
    assert "1)" in p("thursday afternoon"), p
    first = p.options()
    assert "1)" in p("anything earlier?"), p
    earlier = p.options()
    assert all(datetime.fromisoformat(o["start"]) < min(datetime.fromisoformat(f["start"]) for f in first) for o in earlier), p
    assert all(datetime.fromisoformat(o["start"]).astimezone(TZ).date() == date(2026, 12, 3) for o in earlier), p
    assert "1)" in p("hmm do you have anything around 2pm"), p  # still Thursday, now about 2 PM
    around_two = p.options()
    p("1")
    p("yes")
    appt = the_one_booked(p, pid)
    assert same_time(appt, around_two[0]), p
    assert local(appt).date() == date(2026, 12, 3) and 13 <= local(appt).hour <= 14, p


def no_then_another_option_while_confirming(stack, p):
    pid = new_patient(stack, "Zoltan", "Kertesz", "1981-08-01", "408-555-0235")
    p("i want to book an appt")
    p("zoltan kertesz")
    p("8/1/1981")
    p("self pay")
    p("gastro")
    assert "1)" in p("next wednesday"), p
    opts = p.options()
    p("1")
    first_hold = p.held_id()
    p("no, the 3rd one instead")
    p("yes")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[2]) and GI in specialty_codes(appt), p
    assert status_of(stack, first_hold) != "booked", p


def agent_before_anything(stack, p):
    p("can i talk to a human")
    task_id = p.slots().get("handoff_task")
    assert task_id, p
    task = fhir_get(stack, f"Task/{task_id}")
    assert task["status"] == "requested" and "for" not in task, p


def question_first_then_book(stack, p):
    pid = new_patient(stack, "Anneliese", "Fontaine", "1990-02-28", "408-555-0236")
    reply = p("what time do u open tmrw")
    assert "8" in reply, p
    p("ok can i book a physical for then")
    p("anneliese fontaine, dob 2/28/1990")
    p("cash")
    reply = p("tomorrow morning")
    if "1)" not in reply:  # the time may already have been taken from "for then"
        assert "1)" in p("tomorrow morning"), p
    p("the first one")
    p("yup")
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt) and local(appt).date() == date(2026, 12, 1), p


def two_failures_then_yes_to_a_person(stack, p):
    pid = new_patient(stack, "Bertrand", "Oyelaran", "1957-12-01", "408-555-0237")
    appt = seed_booking(stack, pid, "2026-12-04")
    p("reschedule my appointment pls")
    p("bertrand oyelaran 12/1/1956")
    p("oops, 12/2/1957")
    reply = p("yes please")
    text = repr(p)
    assert when_text(appt["start"], TEST_TZ) not in text and "Dr." not in text, p
    task_id = p.slots().get("handoff_task")
    assert task_id, p
    task = fhir_get(stack, f"Task/{task_id}")
    assert task["status"] == "requested" and "for" not in task, (reply, p)
    assert status_of(stack, appt["id"]) == "booked", p


def time_before_reason_then_earliest(stack, p):
    pid = new_patient(stack, "Cordelia", "Huxtable", "1969-07-29", "408-555-0238")
    p("i need to come in")
    p("can i make an appointment")
    p("cordelia huxtable")
    p("7-29-1969")
    p("self pay")
    p("friday morning")  # when, before saying what for
    assert "1)" in p("my back hurts"), p
    opts = p.options()
    p("the earliest one")
    p("yes")
    appt = the_one_booked(p, pid)
    assert same_time(appt, opts[0]) and FAMILY in specialty_codes(appt), p
    assert local(appt).date() == date(2026, 12, 4) and local(appt).hour < 12, p


def none_of_those_then_just_a_part_of_day(stack, p):
    pid = new_patient(stack, "Delphine", "Marchand", "1993-06-21", "408-555-0239")
    p("hi, i need to see a dermatologist the week of dec 14")
    p("delphine marchand")
    p("6/21/1993")
    p("self pay")
    first = p.options()
    assert first, p
    p("none of those")
    assert "1)" in p("something in the afternoon"), p  # afternoons of that same week
    p("2")
    p("yes")
    appt = the_one_booked(p, pid)
    assert date(2026, 12, 14) <= local(appt).date() <= date(2026, 12, 20) and local(appt).hour >= 12, p


def identity_and_question_first_then_book_and_address(stack, p):
    pid = new_patient(stack, "Evander", "Nakamura", "1979-09-09", "408-555-0240")
    p("hi im evander nakamura, dob 9/9/79. do i have anything coming up?")
    p("ok can u book me a physical for tmrw then")
    p("cash")
    p("1")
    reply = p("wait where is that")
    assert re.search(r"\d+ [A-Z][a-z]* (Street|Boulevard|Avenue)", reply), p
    p("ok yes")
    appt = the_one_booked(p, pid)
    assert FAMILY in specialty_codes(appt) and local(appt).date() == date(2026, 12, 1), p


def cancel_the_named_day_of_two(stack, p):
    pid = new_patient(stack, "Fabian", "Oduya", "1962-10-30", "408-555-0241")
    tue = seed_booking(stack, pid, "2026-12-01")
    thu = seed_booking(stack, pid, "2026-12-03")
    p("i cant make my thursday appt, pls cancel it")
    p("fabian oduya")
    reply = p("10/30/62")
    assert when_text(thu["start"], TEST_TZ) in reply, p
    p("yes")
    statuses = {a["id"]: a["status"] for a in appointments(stack, pid)}
    assert statuses[thu["id"]] == "cancelled" and statuses[tue["id"]] == "booked", p


def move_the_named_one_to_a_new_day(stack, p):
    pid = new_patient(stack, "Gustavo", "Pereira", "1976-04-19", "408-555-0242")
    tue = seed_booking(stack, pid, "2026-12-01")
    thu = seed_booking(stack, pid, "2026-12-03")
    p("can you move my tuesday appointment to friday")
    p("gustavo pereira")
    assert "1)" in p("4/19/1976"), p
    p("1")
    p("yes")
    statuses = {a["id"]: a["status"] for a in appointments(stack, pid)}
    assert statuses[tue["id"]] == "cancelled" and statuses[thu["id"]] == "booked", p
    new = [a for a in booked(stack, pid) if a["id"] != thu["id"]]
    assert len(new) == 1 and local(new[0]).date() == date(2026, 12, 4), p


def change_my_appt_then_another_clock_time(stack, p):
    pid = new_patient(stack, "Henrike", "Quandt", "1987-01-09", "408-555-0243")
    old = seed_booking(stack, pid, "2026-12-02")
    p("i wanna change my appt")
    p("henrike quandt")
    p("1/9/1987")
    assert "1)" in p("next monday at 3?"), p
    assert "1)" in p("hmm how about 4pm"), p  # still next Monday, now 4 PM
    p("first one")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    new = the_one_booked(p, pid)
    assert local(new).date() == date(2026, 12, 7) and local(new).hour == 16, p


PATIENTS = [
    everything_in_one_message,
    lowercase_typos_tmrw,
    name_and_dob_together,
    insurance_payer_and_member_id_in_one,
    insurance_answered_with_payer_and_id,
    choose_by_clock_time,
    asks_for_a_doctor_by_name,
    none_of_those_then_later,
    decline_then_choose_another,
    wrong_dob_then_right,
    two_wrong_identities_then_agent,
    new_patient_tries_verify_first,
    existing_patient_says_new,
    reschedule_one_of_two,
    cancel_second_of_two,
    list_then_cancel_it,
    cancel_with_nothing_to_cancel,
    slot_taken_before_choice,
    slot_taken_then_another_picked,
    agent_mid_booking,
    start_over_then_cancel,
    nvm_after_hold,
    walk_away_after_hold,
    hours_question_mid_verification,
    insurance_question_during_coverage,
    change_of_mind_family_doctor,
    thanks_and_goodbye_after_booking,
    new_patient_all_in_one,
    reschedule_single_with_time_in_request,
    dob_first_last_name_first,
    cancel_then_keep_it,
    earlier_and_a_clock_time_while_choosing,
    no_then_another_option_while_confirming,
    agent_before_anything,
    question_first_then_book,
    two_failures_then_yes_to_a_person,
    time_before_reason_then_earliest,
    none_of_those_then_just_a_part_of_day,
    identity_and_question_first_then_book_and_address,
    cancel_the_named_day_of_two,
    move_the_named_one_to_a_new_day,
    change_my_appt_then_another_clock_time,
    scheduler_down_then_back,
]


@pytest.mark.parametrize("script", [pytest.param(f, id=f.__name__) for f in PATIENTS])
def test_simulated_patient(stack, script):
    play(script, Patient(stack, f"sim-{script.__name__}"))


def test_simulated_patients_heard_only_clean_short_messages():
    assert_clean_messages(BOT_TEXTS)


def test_simulated_patients_left_no_details_in_logs(stack):
    assert_logs_hold_none_of(stack, PHI)