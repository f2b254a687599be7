"""Probe patients that stop 22's QA found failing, each fixed and checked IN FHIR: "I'm new here. My name
is …" (the name after a second intro) and a name question answered with birth date and cell too; a
parent who answered their daughter's name question with their own name and birth date (a pediatrics
visit was booked on the parent's adult record); "an afternoon later that week" when moving (today's
afternoon was offered); "can i speak with a nurse?" (read as a booking); chest pain (no word about
911); "i have new insurance now, it's aetna …" with a plan on file, and "how long is the appointment?"
while choosing (neither understood); "yes" to options when the first is the time asked for; "Hi Clementine
Abernathy here dob …, move my Tuesday appointment to Thursday at 11" (the name missed, and this week's
Thursday taken for next week's Tuesday's); "this is bernadette's daughter, when is her appointment?"
(the writer's own record asked for, then a booking); "i'm Tom's wife" and Thomas's record ("doesn't
look like Tom's name"); "can i bring my daughter along? i need a skin check" (pediatrics for the
mother); "are you a real person?" (a hand-off) and "do you do video visits?" (the plans we take); "a
skin check and a physical" (the physical forgotten); "Sure, it's Marcus Whitfield, born …" (no record
found for "Sure Whitfield") and "Friday of the same week" (this week's); another request where "try
again, or register?" was asked (counted as a second failed attempt: nothing more could be done); "No,
that's everything. Thank you." (not understood); "yes" to two options at the time asked for (asked for
a number, not which); "Blue Shield but I don't have my card with me right now" (the id asked, and "right
now" taken as the time wanted); "what appointments Vivienne Ashford has" and "can't you just tell me?"
after two failed birth dates (not understood); "a checkup with a female doctor" (not understood); "the
next one then" after a time was taken; a birth date sent first, alone (lost); "is there parking there? and
how long is the visit?" (the second question not answered); one long polite message with "my wife told
me I should …" (booked as the wife's, "Told"), "and also …" (a second booking queued) and "my number is
1EG4TE5MK73" (the member id asked again); "can i get my appointment moved sooner?" (asked when, again); "same number as mine" in the web chat
("That doesn't look like a phone number", over and over); "can you book another one just like it for the
week after?" (what for, and when, asked again); "sorry what were the options again?" (a miss); "reschedule it to sometime the following week, ideally on a
Tuesday or Wednesday morning" (a Thursday offered), then "the Tuesday at 10:15" (this week's Tuesday held);
"a physical at your San Francisco location" (every city offered); "anything later that same day, maybe
around 3?" (11 AM offered, and once "maybe" was read as May, today); "can you book my son Felix too? right
after mine" (his visit offered at the same time as hers, in another city); "could you book me a new one
for the week of the 14th instead?" right after a cancel ("what's the visit for?").
And one that already worked (the README listed it as not): "can you also book my daughter in?" right after
a list. Each runs through the REST channel against the shared stack. (Next week's afternoons: this week's
mornings are for later files' patients.)
"""
from __future__ import annotations

from datetime import date, datetime

import httpx

from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import old_start, probe_file_tests, task_of
from tests.assistant.test_probe_patients_9 import clinician
from tests.assistant.test_simulated_patients import DERM, FAMILY, PEDS, PHI, new_patient, patients_named, specialty_codes
from actions.urgent import WARNING


def registered(stack, family: str, dob: str) -> dict:
    found = patients_named(stack, family, dob)
    assert len(found) == 1, found
    return found[0]


def new_here_then_my_name_is(stack, p):
    PHI.extend(["Priyanka", "Raghunathan", "1991-03-14", "650-555-0142"])
    said = p("Hi, I'm new here. My name is Priyanka Raghunathan, born 3/14/1991, cell 650-555-0142. "
             "I'd like to see a dermatologist next thursday afternoon")
    assert "email" in said and "name" not in said, p  # nothing asked again
    p("skip")
    p("no insurance")
    p("2")
    p("yes please")
    patient = registered(stack, "Raghunathan", "1991-03-14")
    assert patient["telecom"][0]["value"] == "650-555-0142", p
    mine = booked(stack, patient["id"])
    assert len(mine) == 1 and specialty_codes(mine[0]) == [DERM] and local(mine[0]).date() == date(2026, 12, 10), p


def name_birth_date_and_cell_at_the_name_question(stack, p):
    PHI.extend(["Tamsin", "Oyelowo", "1993-07-22", "650-555-0143", "tamsin@example.com"])
    p("hi i'm new here, i need a physical")
    said = p("My name is Tamsin Oyelowo, born 7/22/1993, cell 650-555-0143")
    assert "email" in said and "birth" not in said and "phone" not in said, p
    p("tamsin@example.com")
    patient = registered(stack, "Oyelowo", "1993-07-22")
    assert {t["value"] for t in patient["telecom"]} == {"650-555-0143", "tamsin@example.com"}, p


def a_parent_answers_for_the_daughter_with_their_own_details(stack, p):
    parent = new_patient(stack, "Rosalind", "Achterberg", "1985-08-19", "408-555-0601")
    PHI.extend(["Wilhelmina", "2019-06-02"])
    p("my daughter needs a checkup, she's 7")
    said = p("Rosalind Achterberg 8/19/1985")
    assert "adult" in said and "daughter's name" in said, p  # not looked up as hers
    p("Her name is Wilhelmina Achterberg")
    p("June 2 2019")
    p("new patient")
    p("408-555-0601")
    p("skip")
    p("we're self pay")
    p("next monday after 3pm")
    p("1")
    p("yep")
    child = registered(stack, "Achterberg", "2019-06-02")
    mine = booked(stack, child["id"])
    assert len(mine) == 1 and specialty_codes(mine[0]) == [PEDS], p
    assert appointments(stack, parent) == [], p  # nothing on the parent's record


def a_grown_son_sent_again(stack, p):
    son = new_patient(stack, "Bartholomew", "Achterberg", "2001-08-19", "408-555-0602")
    p("book a physical for my son")
    assert "adult" in p("Bartholomew Achterberg 8/19/2001"), p
    assert "insurance" in p("Bartholomew Achterberg 8/19/2001, yes that's him"), p  # asked once: now his
    p("self pay")
    p("next tuesday afternoon")
    p("1")
    p("yes")
    assert len(booked(stack, son)) == 1, p


def later_that_week_when_moving(stack, p):
    pid = new_patient(stack, "Marisol", "Quintanar", "1979-09-30", "408-555-0603")
    old = seed_booking(stack, pid, "2026-12-09", after="15:00")
    said = p("need to change my appt to an afternoon later that week")
    said = p("marisol quintanar 09/30/1979")
    assert "Thu Dec 10" in said or "Fri Dec 11" in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() in (date(2026, 12, 10), date(2026, 12, 11)) and local(mine[0]).hour >= 12, p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def a_nurse_asked_for_while_booking(stack, p):
    pid = new_patient(stack, "Octavius", "Brennan", "1955-05-26", "408-555-0604")
    p("book a checkup")
    p("Octavius Brennan 5/26/1955")
    p("self pay")
    said = p("actually can i talk to a nurse first")
    assert "call you back" in said, p
    task = task_of(p)
    assert task["status"] == "requested" and task["for"]["reference"] == f"Patient/{pid}", p
    assert [a for a in appointments(stack, pid) if a["status"] in ("booked", "pending")] == [], p  # nothing held


def a_nurse_asked_for_after_the_greeting(stack, p):
    p("hello")
    assert "call you back" in p("can i speak with a nurse please"), p
    assert task_of(p)["status"] == "requested", p


def chest_pain_first_and_at_the_payment_question(stack, p):
    pid = new_patient(stack, "Ottilie", "Brandauer", "1950-05-05", "408-555-0605")
    said = p("I have chest pain and trouble breathing, can I get an appointment?")
    assert WARNING in said and "name" in said, p  # 911 first, then the request goes on as asked
    p("Ottilie Brandauer 5/5/1950")
    said = p("i've had some chest pain since yesterday")
    assert "Sorry" not in said and "insurance" in said and WARNING not in said, p  # said once; no miss
    p("self pay")
    p("next wednesday afternoon")
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p
    assert fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}")["total"] == 1, p


def a_new_plan_and_how_long_while_booking(stack, p):
    pid = new_patient(stack, "Valentina", "Okafor", "1982-04-12", "408-555-0606")
    PHI.append("W987654321")
    cigna = {"resourceType": "Coverage", "status": "active", "beneficiary": {"reference": f"Patient/{pid}"},
             "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HIP"}]},
             "subscriberId": "CG123", "payor": [{"display": "Cigna"}]}
    httpx.post(f"{stack.fhir_base}/Coverage", json=cigna, headers={"Content-Type": "application/fhir+json"}).raise_for_status()
    p("I need a checkup")
    p("Valentina Okafor 4/12/1982")  # (a plan on file: not asked)
    said = p("i have new insurance now, it's aetna W987654321")
    assert "Aetna coverage is on file" in said and "When works" in said, p
    p("next tuesday afternoon")
    said = p("how long is the appointment?")
    assert "15-minute visit" in said and "1)" in said, p  # told, and the options stand
    p("1")
    assert "15-minute visit" in p("how long will it take"), p
    assert "Blue Shield" in p("my insurance changed to blue shield actually"), p
    p("yes")
    assert len(booked(stack, pid)) == 1, p
    plans = {c["payor"][0]["display"]: (c["status"], bool(c.get("identifier")))
             for c in fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}")["entry"] for c in [c["resource"]]}
    assert plans == {"Cigna": ("active", False), "Aetna": ("cancelled", True), "Blue Shield of California": ("active", False)}, p


def yes_to_the_time_asked_for(stack, p):
    pid = new_patient(stack, "Theodora", "Papadakis", "1991-01-15", "408-555-0607")
    said = p("Can I book with Dr. Boyce on Friday Dec 11 at 2pm? I'm Theodora Papadakis, 1/15/1991, self pay")
    assert "1) Fri Dec 11, 2:00 PM with Dr. Boyce" in said, p
    assert "holding Fri Dec 11, 2:00 PM" in p("yes"), p  # the one that is what was asked for
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%a %d %H:%M") == "Fri 11 14:00", p


def name_here_dob_then_a_move_to_a_weekday(stack, p):
    pid = new_patient(stack, "Clementine", "Abernathy", "1969-06-30", "408-555-0608")
    old = seed_booking(stack, pid, "2026-12-08", after="14:00")  # next week's Tuesday
    said = p("Hi Clementine Abernathy here dob 06/30/1969, I need to move my Tuesday appointment to Thursday at 11")
    assert "Let's move" in said and "Thu Dec 10, 11:00 AM" in said, p  # that week's Thursday, not this week's
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%a %d %H:%M") == "Thu 10 11:00", p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def a_daughter_asks_when_her_mothers_appointment_is(stack, p):
    pid = new_patient(stack, "Bernadette", "Quayle", "1962-09-09", "408-555-0609")
    appt = seed_booking(stack, pid, "2026-12-10", after="14:00")
    said = p("hi this is bernadette's daughter, can you tell me when her appointment is?")
    assert "Bernadette's first and last name" in said, p
    p("Bernadette Quayle")
    said = p("9/9/1962")
    assert "Bernadette's upcoming appointment" in said and old_start(appt).strftime("%a %b %-d, %-I:%M %p") in said, p
    assert [a["id"] for a in booked(stack, pid)] == [appt["id"]], p  # nothing else done


def a_wife_books_for_tom(stack, p):
    pid = new_patient(stack, "Thomas", "Eberhardt", "1960-10-10", "408-555-0610")
    p("i'm Tom's wife, he needs a checkup next week")
    assert "date of birth" in p("Thomas Eberhardt"), p  # Tom is Thomas: no "doesn't look like Tom's name"
    p("10/10/1960")
    p("self pay")
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def a_daughter_brought_along(stack, p):
    pid = new_patient(stack, "Philomena", "Castellano", "1983-03-23", "408-555-0611")
    p("can i bring my daughter along to my appointment next friday afternoon? i need a skin check")
    p("Philomena Castellano 3/23/1983")
    p("self pay")
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and specialty_codes(mine[0]) == [DERM], p  # hers, not a pediatrics visit


def is_this_a_bot_and_video_visits(stack, p):
    said = p("hi are you a real person?")
    assert "automated" in said and "call you back" not in said, p  # a question, not a hand-off
    assert "video visit" in p("do you do video visits?") and "We take" not in p.transcript[-1], p
    p("book a checkup")
    assert "automated" in p("is this a bot?"), p
    assert p.slots().get("handoff_task") is None, p


def two_kinds_of_visit_in_one_message(stack, p):
    pid = new_patient(stack, "Lavinia", "Ostrowski", "1975-05-05", "408-555-0612")
    said = p("I need to book 2 appointments, a skin check and a physical")
    assert "dermatology first, then family medicine" in said, p
    p("Lavinia Ostrowski 5/5/1975")
    p("self pay")
    p("next tuesday afternoon")
    p("1")
    said = p("yes")
    assert "other appointment" in said, p
    p("next wednesday afternoon")
    p("1")
    p("yes")
    assert sorted(specialty_codes(a)[0] for a in booked(stack, pid)) == sorted([DERM, FAMILY]), p


def sure_its_name_then_friday_of_the_same_week(stack, p):
    pid = new_patient(stack, "Marcus", "Whitfield", "1972-07-22", "408-555-0613")
    old = seed_booking(stack, pid, "2026-12-09", after="14:00")
    p("Hi there, I need to reschedule my upcoming appointment because something came up at work.")
    said = p("Sure, it's Marcus Whitfield, born July 22, 1972.")
    assert "Let's move" in said, p  # (was: "Sure It's Marcus Whitfield", no such record)
    said = p("Would it be possible to move it to Friday of the same week, preferably in the afternoon?")
    assert "Fri Dec 11" in said and "Fri Dec 4" not in said, p
    p("Option 2 please.")
    p("Yes, that works. Please go ahead.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 11) and local(mine[0]).hour >= 12, p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def another_request_when_asked_to_try_again(stack, p):
    pid = new_patient(stack, "Marcus", "Whitfeld", "1972-07-23", "408-555-0614")
    appt = seed_booking(stack, pid, "2026-12-09", after="14:00")
    p("Hi there, I need to reschedule my upcoming appointment.")
    assert "couldn't find" in p("Marcus Whitfeld, born July 24, 1972."), p
    said = p("Would it be possible to move it to Friday, preferably in the afternoon?")
    assert "still couldn't" not in said and "try again" in said, p  # no second attempt counted
    p("try again")
    p("Marcus Whitfeld")
    assert "Let's move" in p("July 23, 1972"), p
    assert [a["id"] for a in booked(stack, pid)] == [appt["id"]], p


def no_thats_everything(stack, p):
    p("what are your hours?")
    assert "Take care" in p("No, that's everything. Thank you."), p


def yes_when_two_are_free_at_the_time_asked_for(stack, p):
    kid = new_patient(stack, "Luca", "Esposito", "2017-09-15", "408-555-0615")
    p("Hi, I'd like to make an appointment for my son Luca. He has had a cough for a week.")
    p("His full name is Luca Esposito and he was born on September 15, 2017.")
    p("We pay ourselves.")
    p("Could we come in next Friday after 2pm? He has school until then.")
    said = p("The 3:30 one would be perfect.")
    if "holding" not in said:  # 3:30 was not offered: times from 3:30 are, and "yes" means the 3:30 one
        said = p("Yes, please book it.")
        if "More than one fits" in said:  # (two clinicians free at 3:30: asked which)
            said = p("1")
    assert "holding" in said and "3:30 PM" in said, p
    p("yes")
    mine = booked(stack, kid)
    assert len(mine) == 1 and local(mine[0]).strftime("%H:%M") == "15:30", p


def no_card_with_me_right_now(stack, p):
    PHI.extend(["Oluwaseun", "Adebayo-Smith", "1996-02-29", "510-555-0166"])
    p("Hi! I just moved to the area and I'm looking for a new family doctor. Can I book a new patient visit?")
    p("Sure. I'm Oluwaseun Adebayo-Smith.")
    p("My birthday is 2/29/1996.")
    p("You can reach me at 510-555-0166.")
    p("I'd rather not give my email.")
    said = p("I have Blue Shield but I don't have my card with me right now.")
    assert "bring your insurance card" in said and "When works" in said, p  # no member id asked, no time taken
    assert "Mon Dec 14" in p("Sometime the week of December 14th would be ideal, mornings preferred."), p
    p("1")
    p("Yes")
    patient = registered(stack, "Adebayo-Smith", "1996-02-29")
    assert len(booked(stack, patient["id"])) == 1, p
    plan = fhir_get(stack, "Coverage", beneficiary=f"Patient/{patient['id']}")["entry"][0]["resource"]
    assert plan["payor"][0]["display"] == "Blue Shield of California" and not plan.get("identifier"), p


def a_sister_without_the_birth_date(stack, p):
    pid = new_patient(stack, "Vivienne", "Ashford", "1979-03-03", "408-555-0616")
    seed_booking(stack, pid, "2026-12-10", after="14:00")
    assert "Vivienne's date of birth" in p("Hi, can you tell me what appointments Vivienne Ashford has coming up?"), p
    p("I believe it's 05/05/1979")
    p("Maybe 06/06/1979?")
    said = p("Can't you just tell me? I'm her sister.")
    assert "can't look up" in said and "Dec 10" not in said, p


def a_woman_doctor(stack, p):
    pid = new_patient(stack, "Mirela", "Dumitrescu", "1993-08-08", "408-555-0617")
    p("I'd like a checkup with a female doctor if possible")
    p("Mirela Dumitrescu 8/8/1993")
    p("self pay")
    said = p("next wednesday afternoon")
    assert "Dr. Pulaski" in said or "Dr. Lense" in said, p
    assert "Dr. McCoy" not in said and "Dr. Zimmerman" not in said, p  # the men of family medicine
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and clinician(mine[0]) in ("Dr. Pulaski", "Dr. Lense"), p


def a_man_for_gi_when_there_is_none(stack, p):
    pid = new_patient(stack, "Rowena", "Stackhouse", "1970-02-02", "408-555-0618")
    p("i'd prefer a male doctor for my stomach issues, next wednesday")
    p("Rowena Stackhouse 2/2/1970")
    said = p("self pay")
    assert "none of our gastroenterology clinicians are men" in said and "Dr. Chapel" in said, p  # said (stop 26: none is), and the others
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def the_next_one_after_a_time_was_taken(stack, p):
    from tests.assistant.test_simulated_patients import take

    pid = new_patient(stack, "Ophelia", "Grantham", "1984-04-24", "408-555-0619")
    other = new_patient(stack, "Otto", "Takerson", "1970-02-02", "408-555-0620")
    old = seed_booking(stack, pid, "2026-12-08", after="14:00")
    p("Hello, I need to move my appointment to a different day please.")
    p("Ophelia Grantham, April 24, 1984")
    p("Do you have anything on Wednesday the 9th in the afternoon?")
    take(stack, p.options()[0]["id"], other)
    assert "just taken" in p("The first one please."), p
    first_now = p.options()[0]["text"]
    said = p("Okay, the next one then.")
    assert "holding" in said and first_now in said, p
    p("Yes, move it.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 9), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def a_birth_date_before_anything(stack, p):
    pid = new_patient(stack, "Fitzgerald", "Oyelaran", "1989-09-19", "408-555-0621")
    p("9/19/1989")
    p("fitzgerald oyelaran")
    said = p("book me a physical")
    assert "date of birth" not in said and "insurance" in said, p  # kept, then checked with the name
    p("self pay")
    p("next thursday afternoon")
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def two_questions_about_the_held_time(stack, p):
    pid = new_patient(stack, "Solange", "Baptiste", "1977-12-24", "408-555-0622")
    p("i need to see someone for my eczema next thursday afternoon")
    p("Solange Baptiste 12/24/1977")
    p("self pay")
    p("3")
    said = p("is there parking there? and how long is the visit?")
    assert "Race Street" in said and "15-minute visit" in said and "Book it?" in said, p
    p("ok yes book it")
    assert len(booked(stack, pid)) == 1, p


def everything_in_one_long_polite_message(stack, p):
    pid = new_patient(stack, "Bartholomew", "Kingsley", "1950-05-05", "408-555-0623")
    PHI.append("1EG4TE5MK73")
    said = p("Hello there, I hope you are having a wonderful day. I'm writing because my wife told me I should finally "
             "get my annual physical done since it has been more than two years, and also I wanted to ask about my "
             "cholesterol. My name is Bartholomew Kingsley and I was born on May 5th, 1950. I'm covered by Medicare, my "
             "number is 1EG4TE5MK73. I'm retired so pretty much any weekday morning next week works.")
    assert "1)" in said and "other one" not in said and "wife" not in said.lower(), p  # his own visit, one of them
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and specialty_codes(mine[0]) == [FAMILY], p
    plan = fhir_get(stack, "Coverage", beneficiary=f"Patient/{pid}")["entry"][0]["resource"]
    assert plan["payor"][0]["display"] == "Medicare" and plan["identifier"][0]["value"] == "1EG4TE5MK73", p


def moved_sooner_said_with_the_request(stack, p):
    pid = new_patient(stack, "Mortimer", "Ashdown", "1964-04-04", "408-555-0624")
    old = seed_booking(stack, pid, "2026-12-11", after="14:00")
    p("Is there any way to get my appointment moved sooner? I'm having a flare-up.")
    said = p("Mortimer Ashdown 4/4/1964")
    assert "Let's move" in said and "1)" in said, p  # not "When works for you?"
    starts = [datetime.fromisoformat(o["start"]) for o in p.options()]
    assert starts and all(s < old_start(old) for s in starts), p  # all before the appointment being moved
    p("actually keep it as it is")  # (this week's mornings are for later files' patients)
    assert [a["id"] for a in booked(stack, pid)] == [old["id"]], p


def a_list_then_my_daughter_too(stack, p):
    pid = new_patient(stack, "Cordelia", "Fairbanks", "1982-02-12", "408-555-0625")
    kid = new_patient(stack, "Imogen", "Fairbanks", "2016-06-16", "408-555-0625")
    seed_booking(stack, pid, "2026-12-10", after="14:00")
    p("what appointments do i have?")
    p("Cordelia Fairbanks 2/12/1982")
    assert "daughter's record" in p("can you also book my daughter in?"), p
    p("Imogen Fairbanks")
    p("6/16/2016")
    p("self pay")
    p("next friday afternoon")
    p("1")
    p("yes")
    mine = booked(stack, kid)
    assert len(mine) == 1 and specialty_codes(mine[0]) == [PEDS] and len(booked(stack, pid)) == 1, p


def same_number_as_mine_in_the_web_chat(stack, p):
    PHI.extend(["Luz", "Villalobos", "2026-11-20", "408-555-0626"])
    p("Hi, I need to book a checkup for my newborn, she doesn't have a record yet.")
    p("Her name is Luz Villalobos, born November 20, 2026")
    p("yes register her")
    said = p("same number as mine")
    assert "can't see your number" in said, p  # (no sender's number in the web chat)
    p("408-555-0626")
    p("skip")
    patient = registered(stack, "Villalobos", "2026-11-20")
    assert patient["telecom"][0]["value"] == "408-555-0626", p


def another_one_just_like_it_the_week_after(stack, p):
    pid = new_patient(stack, "Aurelio", "Benedettini", "1979-09-19", "408-555-0627")
    p("i need a gi appointment next thursday")
    p("Aurelio Benedettini 9/19/1979")
    p("self pay")
    p("1")
    p("yes")
    first = booked(stack, pid)[0]
    said = p("can you book another one just like it for the week after?")
    assert "Thu Dec 17" in said and "Dr. Chapel" in said, p  # GI, with her, a week after that one
    p("2")
    p("yes")
    mine = sorted(booked(stack, pid), key=local)
    assert len(mine) == 2 and mine[0]["id"] == first["id"] and local(mine[1]).date() == date(2026, 12, 17), p
    assert specialty_codes(mine[1]) == specialty_codes(first), p


def what_were_the_options_again(stack, p):
    pid = new_patient(stack, "Wilhelmina", "Drummond", "1975-05-25", "408-555-0628")
    p("physical next friday afternoon")
    p("Wilhelmina Drummond 5/25/1975")
    p("self pay")
    said = p("sorry what were the options again?")
    assert "Please reply" not in said and "1)" in said and "3)" in said, p  # listed again, no miss
    p("the 2nd")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def the_following_week_on_a_tuesday_or_wednesday(stack, p):
    pid = new_patient(stack, "Cassandra", "Whitmore", "1987-04-17", "408-555-0629")
    old = seed_booking(stack, pid, "2026-12-10", after="14:00")
    p("Good evening! I have an appointment coming up on December 10th, but unfortunately I have a work conflict. Would "
      "it be possible to reschedule it to sometime the following week, ideally on a Tuesday or Wednesday morning?")
    said = p("Of course. My name is Cassandra Whitmore and my date of birth is April 17, 1987.")
    assert "Tue Dec 15" in said or "Wed Dec 16" in said, p  # that week's Tuesday or Wednesday, mornings
    said = p("Hmm, what about the Wednesday?")
    assert "Wed Dec 16" in said and "Wed Dec 9" not in said, p  # the Wednesday of the week asked for
    p("1")
    p("Yes, please go ahead and make the change.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 16), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def a_physical_at_the_san_francisco_location(stack, p):
    pid = new_patient(stack, "Benedikta", "Sorensen", "1990-09-09", "408-555-0630")
    p("Hi! I'd like to book a physical at your San Francisco location, preferably on a Monday or Friday afternoon "
      "next week.")
    p("Benedikta Sorensen, 9/9/1990")
    said = p("I'll pay out of pocket.")
    assert "San Francisco Family Care" in said and "Sacramento" not in said and "San Jose" not in said, p
    p("The second option, please.")
    p("Yes.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and "San Francisco" in p.transcript[-1], p


def later_that_same_day_maybe_around_3(stack, p):
    pid = new_patient(stack, "Thelonius", "Marchbank", "1972-12-12", "408-555-0631")
    p("I need a dermatology appointment next Wednesday morning.")
    p("Thelonius Marchbank, December 12, 1972.")
    p("Self-pay.")
    said = p("None of those times work for me, unfortunately. Do you have anything later that same day, maybe around 3?")
    assert "Wed Dec 9, 2:" in said or "Wed Dec 9, 3:" in said, p  # around 3 that Wednesday (not 11 AM, not today)
    p("Perfect, the first one.")
    p("Yes please.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 9) and 14 <= local(mine[0]).hour <= 15, p


def my_son_too_right_after_mine(stack, p):
    me = new_patient(stack, "Rosalind", "Tremblayne", "1983-05-06", "408-555-0632")
    son = new_patient(stack, "Felix", "Tremblayne", "2015-02-03", "408-555-0632")
    p("I need a checkup next monday afternoon")
    p("Rosalind Tremblayne 5/6/1983")
    p("self pay")
    p("1")
    p("yes")
    p("can you book my son Felix too? right after mine if possible")
    p("Felix Tremblayne 2/3/2015")
    p("self pay")
    p("1")
    p("yes")
    mine, his = booked(stack, me), booked(stack, son)
    assert len(mine) == 1 and len(his) == 1, p
    end = datetime.fromisoformat(mine[0]["end"].replace("Z", "+00:00"))
    his_start = datetime.fromisoformat(his[0]["start"].replace("Z", "+00:00"))
    assert end <= his_start and local(his[0]).date() == local(mine[0]).date(), p  # after hers, the same day: no overlap


def a_new_one_instead_after_a_cancel(stack, p):
    pid = new_patient(stack, "Anastasia", "Volkova", "1979-11-02", "408-555-0633")
    old = seed_booking(stack, pid, "2026-12-09", after="14:00")
    p("Hello, I need to cancel my appointment on Wednesday, December 9th. I'm going to be out of town.")
    p("Anastasia Volkova, November 2nd, 1979")
    p("Yes, please cancel it.")
    p("Actually, could you book me a new one for the week of the 14th instead? Any morning works.")
    said = p("self pay")
    assert "Dermatology" in said and "Dec 14" in said, p  # the kind of visit just cancelled, not "what for?"
    p("The first one works.")
    p("Yes, confirm please.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and specialty_codes(mine[0]) == [DERM] and local(mine[0]).date() == date(2026, 12, 14), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


PATIENTS = [new_here_then_my_name_is, name_birth_date_and_cell_at_the_name_question,
            a_parent_answers_for_the_daughter_with_their_own_details, a_grown_son_sent_again, later_that_week_when_moving,
            a_nurse_asked_for_while_booking, a_nurse_asked_for_after_the_greeting, chest_pain_first_and_at_the_payment_question,
            a_new_plan_and_how_long_while_booking, yes_to_the_time_asked_for, name_here_dob_then_a_move_to_a_weekday,
            a_daughter_asks_when_her_mothers_appointment_is, a_wife_books_for_tom, a_daughter_brought_along,
            is_this_a_bot_and_video_visits, two_kinds_of_visit_in_one_message, sure_its_name_then_friday_of_the_same_week,
            another_request_when_asked_to_try_again, no_thats_everything, yes_when_two_are_free_at_the_time_asked_for,
            no_card_with_me_right_now, a_sister_without_the_birth_date, a_woman_doctor, a_man_for_gi_when_there_is_none,
            the_next_one_after_a_time_was_taken, a_birth_date_before_anything, two_questions_about_the_held_time,
            everything_in_one_long_polite_message, moved_sooner_said_with_the_request, a_list_then_my_daughter_too,
            same_number_as_mine_in_the_web_chat, another_one_just_like_it_the_week_after,
            what_were_the_options_again, the_following_week_on_a_tuesday_or_wednesday,
            a_physical_at_the_san_francisco_location, later_that_same_day_maybe_around_3, my_son_too_right_after_mine,
            a_new_one_instead_after_a_cancel]

test_probe_patient_stop22, test_probe_patients_stop22_heard_only_clean_short_messages, \
    test_probe_patients_stop22_left_no_details_in_logs = probe_file_tests("probe22", PATIENTS)
