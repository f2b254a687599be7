"""Probe patients that stop 25's QA found failing, each fixed and checked IN FHIR: "No, I'll call back to
rebook when I'm back. Thanks!" after a cancel (asked about insurance for a new booking); "actually wait, can
we make it for my daughter instead?" when asked about insurance (not understood, then the mother booked and
"no" kept as her plan's name: "your No coverage is on file"); "no" for the plan's name; "could we move it to
sometime the following week, preferably in the morning?" (that weekday's afternoon offered); "I'm running
about 15 minutes late for my appointment today" ("you have nothing today", and the next one was today);
"no wait, I need to check my calendar first. I'll get back to you." at the yes (the same times offered again);
"is the first one with a female doctor?" while choosing (the first one held); "derm" when asked for the name
(asked again, the visit lost); "do you take Aetna? and what are your hours on saturday?" (only the hours);
"now my wife, Lucia Ortiz, born 6/6/1982" (her birth date asked for again); "where exactly is the GI clinic
located?" (a list of cities); "can I talk to someone about a billing issue?" while booking (the booking
ended); "are there any earlier appointments? like the week of january 4?" (the hours before the options');
"perfect, see you then!" at the yes (a goodbye: nothing booked); "anything in the afternoon that week?" when
moving (this week's); "sorry I meant 1946" after a failed try (not understood); "I have insurance but I
want to pay cash" (asked for the plan); "the last appointment of the day on Tuesday" (none found: the clinic's
evening was searched); "I don't have a phone right now" when registering (asked again, forever); "my name's uh
Dorothea Galeano" and "birthday's uh june tenth nineteen forty five" (not found); "ok in person is fine then"
(a hand-off); "do I need to fast?", "how long is the appointment?" and "will the doctor do a colonoscopy at the
first visit?" (not understood, or option 1 held); "will you text me a reminder?"; "el doctor de familia" ("I
couldn't find Dr. De Familia"); "who is this?"; "yes" to times that were all at the 3 o'clock asked for
(asked for a number, twice); "can I book that too, same day in the afternoon?" (that morning offered); "any
time in the afternoon" while moving to December 23 (today's afternoon offered); "Sorry, it's Katherine with a
K, McAllister with two Ls" after a failed try (not understood); "my grandson usually helps me ... I have an
appointment on the 4th ... another day that week?" (the grandson, "Usually", asked for); "tuesday again if
possible, same time" among the week after's times (asked which); "do you have anything on the 2nd?" while
choosing (option 2 held); "earlier in the day? like around
noon?" when moving (an hour earlier offered); "thanks! <name> <birth date>" (not a name). Each runs through the REST channel against the shared stack. (Dates in the
weeks of December 21 and January 4: the other weeks are for the other files' patients.)
"""
from __future__ import annotations

import asyncio

from actions.fhir import ArgonautClient

from tests.assistant.test_assistant_e2e import appointments, booked, local, seed_booking
from tests.assistant.test_probe_patients import probe_file_tests, task_of
from tests.assistant.test_simulated_patients import (DERM, FAMILY, GI, PHI, coverages, new_patient, patients_named, specialty_codes,
                                                     status_of)


def call_back_to_rebook_after_a_cancel(stack, p):
    pid = new_patient(stack, "Ingeborg", "Solvang", "1977-03-05", "408-555-0981")
    appt = seed_booking(stack, pid, "2026-12-23", DERM, after="09:00")
    p("I need to cancel my appointment on December 23rd because I'll be traveling for work.")
    p("Ingeborg Solvang, 03/05/1977")
    p("Yes, cancel it please.")
    said = p("No, I'll call back to rebook when I'm back. Thanks!")
    assert "Take care" in said and "insurance" not in said, p
    assert status_of(stack, appt["id"]) == "cancelled", p
    assert not [a for a in appointments(stack, pid) if a["status"] != "cancelled"], p  # nothing held, nothing booked


def for_my_daughter_instead_at_the_insurance_question(stack, p):
    PHI.extend(["Emmeline", "2017-03-03", "415-555-0988"])
    mother = new_patient(stack, "Natasha", "Brookfield", "1984-08-08", "408-555-0982")
    p("I'd like to book a checkup")
    p("Natasha Brookfield, 08/08/1984")
    said = p("Actually wait, can we make it for my daughter instead? She's 9.")
    assert "daughter" in said and "name" in said, p
    p("Emmeline Brookfield")
    p("March 3, 2017")
    p("register her please")
    p("415-555-0988")
    p("skip")
    p("we have Cigna, member id 555123")
    assert "1)" in p("monday january 4 in the morning"), p
    p("1")
    p("yes")
    daughter = patients_named(stack, "Brookfield", "2017-03-03")
    assert len(daughter) == 1, p
    mine = booked(stack, daughter[0]["id"])
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-04", p
    assert not booked(stack, mother) and not coverages(stack, mother), p  # nothing of the mother's changed
    assert [c.get("subscriberId") for c in coverages(stack, daughter[0]["id"])] == ["555123"], p


def no_for_the_plans_name(stack, p):
    pid = new_patient(stack, "Osvald", "Lindqvist-Berg", "1979-10-10", "408-555-0983")
    p("book a skin check please, Osvald Lindqvist-Berg 10/10/1979")
    p("yes")
    said = p("no")
    assert "No coverage" not in said and "noted that plan" not in said and "When works" in said, p
    assert "1)" in p("tuesday january 5 in the afternoon"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p
    assert not [c for c in coverages(stack, pid) if c.get("payor") and "No" in str(c["payor"])], p


def the_following_week_in_the_morning_when_moving(stack, p):
    pid = new_patient(stack, "Casimir", "Mendoza-Reyes", "1983-07-22", "408-555-0984")
    old = seed_booking(stack, pid, "2026-12-31", FAMILY, after="13:00")
    p("Hi, my name is Casimir Mendoza-Reyes and my date of birth is 07/22/1983. I'd like to reschedule my appointment "
      "that's currently on December 31st. Could we move it to sometime the following week, preferably in the morning?")
    for o in p.options():
        start = local({"start": o["start"]})
        assert "2027-01-04" <= start.strftime("%Y-%m-%d") <= "2027-01-08" and start.hour < 12, p
    assert p.options(), p
    p("The first one works.")
    p("Yes, please go ahead.")
    mine = booked(stack, pid)
    assert status_of(stack, old["id"]) == "cancelled" and len(mine) == 1, p
    assert "2027-01-04" <= local(mine[0]).strftime("%Y-%m-%d") <= "2027-01-08" and local(mine[0]).hour < 12, p


def running_late_for_todays_appointment(stack, p):
    pid = new_patient(stack, "Grazia", "Lucchesi", "1993-03-03", "408-555-0985")
    appt = seed_booking(stack, pid, "2026-11-30", DERM, after="11:00")
    p("Hi, I'm running about 15 minutes late for my appointment today, is that ok?")
    said = p("Grazia Lucchesi 3/3/1993")
    assert "nothing today" not in said and "Mon Nov 30" in said and "(408) 555-0100" in said, p
    assert status_of(stack, appt["id"]) == "booked", p  # told, nothing changed


def check_my_calendar_first_at_the_yes(stack, p):
    pid = new_patient(stack, "Irmgard", "Vasquez-Holt", "1969-09-09", "408-555-0986")
    p("I want to see a dermatologist on December 22")
    p("Irmgard Vasquez-Holt 09/09/1969")
    p("self pay")
    p("1")
    held = p.held_id()
    assert held, p
    said = p("no wait, I need to check my calendar first. I'll get back to you.")
    assert "1)" not in said, p  # no times offered again
    assert not booked(stack, pid) and status_of(stack, held) != "pending", p  # the hold let go


def female_doctor_asked_while_choosing(stack, p):
    PHI.extend(["Rosalba", "Delgadillo", "1948-10-05", "916-555-0987"])
    p("Hello, I'm calling to book an appointment for my mother, Rosalba Delgadillo. She needs to see a dermatologist "
      "about a spot on her arm. Her birthday is October 5, 1948.")
    p("Yes, she's new, please register her.")
    p("You can reach me at 916-555-0987")
    p("skip")
    p("She has Medicare")
    assert "When works" in p("I don't have her card with me right now"), p
    assert "1)" in p("Tuesday December 22, any time in the afternoon"), p
    said = p("Is the first one with a female doctor?")
    assert not p.held_id() and "women" in said, p  # nothing held on a question
    p("OK the first one is fine then.")
    p("Yes please.")
    mother = patients_named(stack, "Delgadillo", "1948-10-05")
    assert len(mother) == 1 and len(booked(stack, mother[0]["id"])) == 1, p


def derm_when_asked_for_the_name(stack, p):
    pid = new_patient(stack, "Jasper", "Morrissey", "1999-09-29", "408-555-0989")
    p("appt pls")
    assert "dermatology" in p("derm"), p
    p("jasper morrissey")
    p("9/29/99")
    assert "When works" in p("cash"), p  # the visit is not asked for again
    assert "1)" in p("wed dec 23"), p
    p("2")
    p("y")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


def two_questions_in_one_message(stack, p):
    pid = new_patient(stack, "Ottilie", "Chenoweth", "1987-02-14", "408-555-0990")
    said = p("Hi! Do you take Aetna? And what are your hours on Saturday?")
    assert "Aetna" in said and "Closed Sat" in said, p
    p("Great, then I'd like to book a checkup for myself. Ottilie Chenoweth, Feb 14 1987")
    p("Aetna, W556677889")
    assert "1)" in p("monday january 4 after 3"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1 and [c.get("subscriberId") for c in coverages(stack, pid)] == ["W556677889"], p


def wifes_name_and_birth_date_together(stack, p):
    husband = new_patient(stack, "Dariusz", "Ortega-Wolf", "1980-05-05", "408-555-0991")
    wife = new_patient(stack, "Luciana", "Ortega-Wolf", "1982-06-06", "408-555-0992")
    p("Hi, my wife and I both need checkups. I'm Dariusz Ortega-Wolf, 5/5/1980.")
    p("self pay")
    assert "1)" in p("tuesday december 22 in the morning"), p
    p("1")
    p("yes")
    said = p("Now my wife, Luciana Ortega-Wolf, born 6/6/1982")
    assert "date of birth" not in said, p
    p("self pay")
    assert "1)" in p("tuesday december 22 in the afternoon"), p
    p("1")
    p("yes")
    assert len(booked(stack, husband)) == 1 and len(booked(stack, wife)) == 1, p


def where_is_the_gi_clinic(stack, p):
    pid = new_patient(stack, "Hanae", "Suzuki-Grant", "1991-01-31", "408-555-0993")
    p("I need a GI appointment")
    p("Hanae Suzuki-Grant, January 31 1991")
    p("I'm self-pay")
    said = p("Where exactly is the GI clinic located?")
    assert "1600 Divisadero Street" in said and "When works" in said, p
    assert "1)" in p("ok, thursday january 7 then"), p
    p("2")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and GI in specialty_codes(mine[0]), p


def someone_about_a_bill_while_booking(stack, p):
    pid = new_patient(stack, "Tobiah", "Grantham", "1981-08-01", "408-555-0994")
    p("I want to book a family medicine visit")
    p("Tobiah Grantham, 8/1/1981")
    said = p("Can I talk to someone about a billing issue?")
    assert "call you back" in said and "insurance" in said, p  # the call-back, and the question again
    task = task_of(p)
    assert task["status"] == "requested" and any("billing" in (n.get("text") or "") for n in task.get("note", [])), p
    p("self pay")
    assert "1)" in p("monday january 4 in the afternoon"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p  # the booking went on


def anything_earlier_like_this_week(stack, p):
    pid = new_patient(stack, "Ravindra", "Shankar-Iyer", "1984-09-04", "408-555-0995")
    p("I need a GI appointment the week of January 11")
    p("Ravindra Shankar-Iyer, 9/4/1984")
    assert "Jan 11" in p("self pay") or p.options(), p
    p("are there any earlier appointments? like the week of january 4?")
    days = {local({"start": o["start"]}).strftime("%Y-%m-%d") for o in p.options()}
    assert days and all("2027-01-04" <= d <= "2027-01-10" for d in days), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and "2027-01-04" <= local(mine[0]).strftime("%Y-%m-%d") <= "2027-01-10", p


def perfect_see_you_then_at_the_yes(stack, p):
    pid = new_patient(stack, "Emilian", "Strandberg", "1977-07-07", "408-555-0996")
    p("I need a checkup on December 21")
    p("Emilian Strandberg 7/7/1977")
    p("self pay")
    p("1")
    said = p("Perfect, see you then!")
    assert "booked" in said, p
    assert len(booked(stack, pid)) == 1, p


def that_week_in_the_afternoon_when_moving(stack, p):
    pid = new_patient(stack, "Leopoldine", "Fischer-Kahn", "1958-12-05", "408-555-0997")
    old = seed_booking(stack, pid, "2027-01-07", GI, after="09:00")
    p("I need to reschedule my GI appointment. What do you have available?")
    p("Leopoldine Fischer-Kahn, 12/5/1958")
    p("anything in the afternoon that week?")
    for o in p.options():
        start = local({"start": o["start"]})
        assert "2027-01-04" <= start.strftime("%Y-%m-%d") <= "2027-01-08" and start.hour >= 12, p
    assert p.options(), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert status_of(stack, old["id"]) == "cancelled" and len(mine) == 1 and local(mine[0]).hour >= 12, p


def the_year_corrected_after_a_failed_try(stack, p):
    pid = new_patient(stack, "Arthurine", "Pendlebury", "1946-02-02", "408-555-0998")
    p("I need to see a dermatologist")
    p("Arthurine Pendlebury")
    assert "couldn't find" in p("2/2/1945"), p
    assert "insurance" in p("sorry I meant 1946"), p  # found with that year
    p("self pay")
    assert "1)" in p("wednesday january 6"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def insurance_but_paying_cash(stack, p):
    pid = new_patient(stack, "Noorjahan", "Rahimi-Cole", "1997-01-07", "408-555-0999")
    p("I want to book a skin check")
    p("Noorjahan Rahimi-Cole 1/7/1997")
    assert "Self-pay" in p("I have insurance but I want to pay cash for this one"), p
    assert "1)" in p("wednesday january 6 in the afternoon"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1 and not [c for c in coverages(stack, pid) if c.get("payor") and c.get("subscriberId")], p


def the_last_appointment_of_the_day(stack, p):
    pid = new_patient(stack, "Felicity", "Navarro-Lind", "1983-03-13", "408-555-0961")
    p("I'd like the last appointment of the day on Tuesday January 5 with a family doctor")
    p("Felicity Navarro-Lind 3/13/1983")
    assert "Tue Jan 5" in p("self pay"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-05" and local(mine[0]).hour >= 15, p


def registered_without_a_phone(stack, p):
    PHI.extend(["Zoraida", "Whitacre", "2000-03-08", "zora.w@example.com"])
    p("new patient here, need a checkup. Zoraida Whitacre, born 3/8/2000")
    assert "none" in p("yes"), p
    p("I don't have a phone right now")
    p("zora.w@example.com")
    p("self pay")
    assert "1)" in p("wednesday january 6 in the morning"), p
    p("1")
    p("yes")
    found = patients_named(stack, "Whitacre", "2000-03-08")
    assert len(found) == 1 and len(booked(stack, found[0]["id"])) == 1, p
    assert [t["system"] for t in found[0].get("telecom", [])] == ["email"], p


def a_spoken_birth_date_with_fillers(stack, p):
    pid = new_patient(stack, "Dorothea", "Galeano", "1945-06-10", "408-555-0962")
    p("uh yeah hi I need to um book a checkup")
    p("yeah my name's uh Dorothea Galeano")
    assert "insurance" in p("birthday's uh june tenth nineteen forty five"), p
    p("uh I'll just pay myself")
    assert "1)" in p("uh maybe wednesday january 6 in the morning?"), p
    p("the uh the first one")
    p("yeah that's fine")
    assert len(booked(stack, pid)) == 1, p


def in_person_is_fine_after_a_video_visit_question(stack, p):
    pid = new_patient(stack, "Devika", "Malhotra-Shaw", "1986-01-16", "408-555-0963")
    p("Do you offer video visits? I'd like one for a skin rash")
    said = p("ok in person is fine then")
    assert "call you back" not in said and "name" in said, p  # no hand-off: "in person" is the visit, not a person
    p("Devika Malhotra-Shaw 1/16/1986")
    p("self pay")
    assert "1)" in p("thursday january 7 in the afternoon"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]) and not p.slots().get("handoff_task"), p


def medical_questions_while_booking(stack, p):
    pid = new_patient(stack, "Miriam", "Katzenberg", "1971-10-21", "408-555-0964")
    assert "front desk" in p("Hi, I need a GI appointment but I'm nervous. Do I need to fast before it?"), p
    p("Miriam Katzenberg, 10/21/1971")
    said = p("How long is the appointment usually?")
    assert "didn't catch" not in said and "insurance" in said, p
    p("ok. Medicare, 1AB2CD3EF45")
    assert "1)" in p("thursday january 7"), p
    said = p("Will the doctor do a colonoscopy at the first visit?")
    assert not p.held_id() and "medical questions" in said, p  # answered; "the first visit" holds nothing
    p("ok the first one")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def a_reminder_asked_after_booking(stack, p):
    pid = new_patient(stack, "Paolina", "Riccardi", "1977-05-25", "408-555-0965")
    p("book me a family doctor on wednesday january 6 in the morning, Paolina Riccardi 5/25/1977, self pay")
    p("1")
    p("yes")
    said = p("will you text me a reminder?")
    assert "remind" in said and "didn't get that" not in said, p
    assert len(booked(stack, pid)) == 1, p


def the_family_doctor_in_spanish(stack, p):
    pid = new_patient(stack, "Rosaura", "Jimenez-Vega", "1975-03-19", "408-555-0966")
    said = p("Hola, necesito una cita con el doctor de familia")
    assert "couldn't find" not in said, p
    p("Rosaura Jimenez-Vega")
    p("19/03/1975")
    p("pagar yo")
    assert "1)" in p("el lunes 4 de enero en la mañana") or p.options(), p
    p("1")
    p("sí")
    mine = booked(stack, pid)
    assert len(mine) == 1 and FAMILY in specialty_codes(mine[0]), p


def who_is_this_then_a_time_said_and_yes(stack, p):
    PHI.extend(["Tamsin", "Redgrave", "1988-02-29", "408-555-0967"])
    said = p("who is this?")
    assert "scheduling assistant" in said and "Clinics's" not in said, p
    p("oh ok. can I book a physical then")
    p("Tamsin Redgrave 2/29/1988")
    p("yes register me")
    p("408-555-0967")
    p("no email")
    p("self pay")
    assert "1)" in p("thursday january 7 at 3"), p
    p("yes")
    assert p.held_id(), p  # the first of those at 3 (every one offered was at 3)
    p("yes")
    found = patients_named(stack, "Redgrave", "1988-02-29")
    mine = booked(stack, found[0]["id"]) if found else []
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d %H:%M") == "2027-01-07 15:00", p


def the_same_day_in_the_afternoon_for_a_second_visit(stack, p):
    pid = new_patient(stack, "Leilani", "Farouk-Hale", "1985-05-05", "408-555-0968")
    p("book me a dermatology appointment for wednesday january 6 in the morning. Leilani Farouk-Hale 5/5/1985. self pay")
    p("1")
    p("yes")
    p("oh wait, I actually also need to see a family doctor. can I book that too, same day in the afternoon?")
    for o in p.options():
        start = local({"start": o["start"]})
        assert start.strftime("%Y-%m-%d") == "2027-01-06" and start.hour >= 12, p
    p("1")
    p("yes")
    family = [a for a in booked(stack, pid) if FAMILY in specialty_codes(a)]
    assert len(family) == 1 and local(family[0]).hour >= 12 and local(family[0]).strftime("%Y-%m-%d") == "2027-01-06", p


def the_afternoon_of_the_day_asked_for_when_moving(stack, p):
    pid = new_patient(stack, "Gregor", "Alston-Reid", "1973-02-27", "408-555-0969")
    old = seed_booking(stack, pid, "2026-12-22", DERM, after="09:00")
    p("Hello, I have a dermatology appointment on December 22nd that I need to move to December 23rd if possible.")
    p("Gregor Alston-Reid")
    p("February 27, 1973")
    p("Any time in the afternoon would be great.")
    for o in p.options():
        start = local({"start": o["start"]})
        assert start.strftime("%Y-%m-%d") == "2026-12-23" and start.hour >= 12, p
    assert p.options(), p
    p("1")
    p("Yes, please confirm.")
    mine = booked(stack, pid)
    assert status_of(stack, old["id"]) == "cancelled" and len(mine) == 1, p
    assert local(mine[0]).strftime("%Y-%m-%d") == "2026-12-23" and local(mine[0]).hour >= 12, p


def the_name_spelled_after_a_failed_try(stack, p):
    pid = new_patient(stack, "Katherine", "McAllistair", "1979-03-21", "408-555-0970")
    appt = seed_booking(stack, pid, "2026-12-21", DERM, after="09:00")
    p("what time is my appointment?")
    p("Catherine Mcalistair")
    assert "couldn't find" in p("3/21/1979"), p
    said = p("Sorry, it's Katherine with a K, McAllistair with two Ls")
    assert "Mon Dec 21" in said, p
    assert status_of(stack, appt["id"]) == "booked", p


def another_day_that_week_with_a_grandson_mentioned(stack, p):
    pid = new_patient(stack, "Winifreda", "Ashcombe-Lyle", "1941-03-17", "408-555-0971")
    old = seed_booking(stack, pid, "2027-01-04", FAMILY, after="09:00")
    said = p("Hello dear, this is Winifreda Ashcombe-Lyle. I'm 85 and my birthday is March 17th, 1941. My grandson usually "
             "helps me but he's away. I have an appointment on the 4th of January but my ride can't take me that day. Could you "
             "find me another day that week, in the morning? Not too early please, after 10 would be best.")
    assert "grandson" not in said and "Mon Jan 4" in said, p  # her own appointment, not her grandson's
    for o in p.options():
        start = local({"start": o["start"]})
        assert "2027-01-05" <= start.strftime("%Y-%m-%d") <= "2027-01-08" and start.hour >= 10, p
    assert p.options(), p
    p("The first one sounds lovely.")
    p("Yes please, thank you dear.")
    mine = booked(stack, pid)
    assert status_of(stack, old["id"]) == "cancelled" and len(mine) == 1, p
    assert "2027-01-05" <= local(mine[0]).strftime("%Y-%m-%d") <= "2027-01-08", p


def _free_both_weeks(stack, pid: str, day: str, week_after: str) -> dict:
    """Book, for ``pid``, a time on ``day`` that the same clinician also has free a week later."""
    async def run():
        async with ArgonautClient(stack.fhir_base) as client:
            first = await client.find(specialty=DERM, start=f"{day}T08:00:00-08:00", end=f"{day}T17:00:00-08:00", count=40)
            later = await client.find(specialty=DERM, start=f"{week_after}T08:00:00-08:00", end=f"{week_after}T17:00:00-08:00", count=40)
            free = {(a.start.timetz(), a.participant[0].actor.reference) for a in later}
            pick = next(a for a in first if (a.start.timetz(), a.participant[0].actor.reference) in free)
            appt = await client.book(pick.id, pid)
            return {"id": appt.id, "start": appt.start.isoformat()}
    return asyncio.run(run())


def the_same_time_picked_among_the_week_afters(stack, p):
    pid = new_patient(stack, "Dmitra", "Volkova", "1969-11-29", "408-555-0972")
    old = _free_both_weeks(stack, pid, "2026-12-08", "2026-12-15")
    p("I need to cancel my derm appointment next Tuesday and book a new one for the week after instead")
    p("Dmitra Volkova 11/29/1969")
    said = p("tuesday again if possible, same time")
    assert "holding" in said and "Tue Dec 15" in said, p
    p("yes")
    mine = booked(stack, pid)
    assert status_of(stack, old["id"]) == "cancelled" and len(mine) == 1, p
    assert local(mine[0]).strftime("%Y-%m-%d") == "2026-12-15" and local(mine[0]).strftime("%H:%M") == local(old).strftime("%H:%M"), p


def anything_on_a_day_of_the_month_while_choosing(stack, p):
    pid = new_patient(stack, "Bjornar", "Halvorsen-Dahl", "1971-12-02", "408-555-0973")
    p("I need a family medicine appointment")
    p("Bjornar Halvorsen-Dahl 12/2/1971")
    p("self pay")
    assert "1)" in p("next week"), p
    p("do you have anything on the 2nd?")
    assert not p.held_id(), p  # a day of the month, not option 2
    days = {local({"start": o["start"]}).strftime("%Y-%m-%d") for o in p.options()}
    assert days == {"2026-12-02"}, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2026-12-02", p


def earlier_that_day_around_noon_when_moving(stack, p):
    pid = new_patient(stack, "Gretchen", "Sorensen-Ahl", "1975-05-19", "408-555-0974")
    old = seed_booking(stack, pid, "2026-12-23", FAMILY, after="15:00")
    p("Can I move my appointment on the 23rd earlier in the day? Like around noon?")
    p("Gretchen Sorensen-Ahl 5/19/1975")
    for o in p.options()[:1]:
        start = local({"start": o["start"]})
        assert start.strftime("%Y-%m-%d") == "2026-12-23" and 11 <= start.hour <= 12, p
    assert p.options(), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert status_of(stack, old["id"]) == "cancelled" and len(mine) == 1 and 11 <= local(mine[0]).hour <= 12, p


def thanks_before_every_answer(stack, p):
    pid = new_patient(stack, "Lilias", "Moreno-Vidal", "1985-08-08", "408-555-0975")
    p("book dermatology")
    assert "insurance" in p("thanks! Lilias Moreno-Vidal 8/8/1985"), p
    p("thank you, self pay")
    assert "1)" in p("thanks, thursday january 7 is good"), p
    p("thank you, the first")
    p("thanks yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


PATIENTS = [call_back_to_rebook_after_a_cancel, for_my_daughter_instead_at_the_insurance_question, no_for_the_plans_name,
            the_following_week_in_the_morning_when_moving, running_late_for_todays_appointment, check_my_calendar_first_at_the_yes,
            female_doctor_asked_while_choosing, derm_when_asked_for_the_name, two_questions_in_one_message,
            wifes_name_and_birth_date_together, where_is_the_gi_clinic, someone_about_a_bill_while_booking,
            anything_earlier_like_this_week, perfect_see_you_then_at_the_yes, that_week_in_the_afternoon_when_moving,
            the_year_corrected_after_a_failed_try, insurance_but_paying_cash, the_last_appointment_of_the_day,
            registered_without_a_phone, a_spoken_birth_date_with_fillers, in_person_is_fine_after_a_video_visit_question,
            medical_questions_while_booking, a_reminder_asked_after_booking, the_family_doctor_in_spanish,
            who_is_this_then_a_time_said_and_yes, the_same_day_in_the_afternoon_for_a_second_visit,
            the_afternoon_of_the_day_asked_for_when_moving, the_name_spelled_after_a_failed_try,
            another_day_that_week_with_a_grandson_mentioned, the_same_time_picked_among_the_week_afters,
            anything_on_a_day_of_the_month_while_choosing, earlier_that_day_around_noon_when_moving,
            thanks_before_every_answer]

test_probe_patient_stop25, test_probe_patients_stop25_heard_only_clean_short_messages, \
    test_probe_patients_stop25_left_no_details_in_logs = probe_file_tests("probe25", PATIENTS)
