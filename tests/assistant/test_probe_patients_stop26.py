"""Probe patients that stop 26's QA found failing, each fixed and checked IN FHIR: "Okonkwo, Chidi" when
registering (registered as Okonkwo Chidi); "family medicine" when asked for the name (taken for a name);
"UnitedHealthcare 9182736450" (the id asked again, as if a phone number); "dmitri volkonsky 011998" (the
birth date asked again); "schedule dermatology Florentina Ibsen 9/9/89" (the name asked again); "which
dermatologists do you have?" (not answered) then "ok book with Dr. Boyce" at the name question (lost); "agent"
then "actually nevermind, I'll just book myself" (a menu, the call-back left open, then nothing understood)
and "no never mind, let's carry on" (a goodbye); "anything later in the day?" after 8 AM times (8:45 offered);
"oops wrong number, it's ..." when asked for the email (not an email); "my insurance changed, it's now Aetna
W998877665" in the first message (asked again, and "yes" kept as the plan's name); "Jonathan Q. Whitfield"
(the name asked again); "idk where the card is" (our addresses); "I actually need a GI doctor, not
dermatology" at the yes (asked yes or no; "1" then booked the dermatology time); "ok cancel it then" at the
cancel's yes (asked again); "the monday after" when moving; "checkups for both my kids, Noor Rahman
3/3/2016 and Zain Rahman 8/8/2018" (the second child's name asked, then lost); "when is my daughter's
appointment? Pippa Longbottom 10/10/2015" (her name asked); "can I come in earlier on wednesday?" (booked a
new visit, then moved to this week's Wednesday); "ok monday then" when all the times are on Monday (the list
twice); "what else do you have that day?" (asked for a number); "yse" at the yes; "blorp zzz" ("Thanks,
Blorp"); "ok I want to book a checkup there" after the San Jose addresses (San Francisco offered); a move
whose clinician has no times then (other clinicians' times, unsaid). Each runs through the REST channel
against the shared stack. (Dates in the weeks of December 28 and January 18: the other weeks are for the
other files' patients.)
"""
from __future__ import annotations

import asyncio

from actions.fhir import ArgonautClient

from tests.assistant.test_assistant_e2e import booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import probe_file_tests, task_of
from tests.assistant.test_simulated_patients import (DERM, FAMILY, GI, PEDS, PHI, coverages, new_patient, patients_named,
                                                     specialty_codes, status_of)


def _clinician(appt: dict) -> str:
    return next(p["actor"].get("display", "") for p in appt["participant"] if "Practitioner/" in p["actor"].get("reference", ""))


def last_name_first_when_registering(stack, p):
    PHI.extend(["Chidi", "Okonkwo", "1991-02-14", "650-555-2633"])
    p("Hello, I'm new here and want to see a family doctor")
    p("Okonkwo, Chidi")
    p("Feb 14 1991")
    p("(650) 555-2633")
    assert "Chidi" in p("skip"), p
    found = patients_named(stack, "Okonkwo", "1991-02-14")
    assert len(found) == 1 and found[0]["name"][0]["given"] == ["Chidi"], p


def the_kind_of_visit_at_the_name_question(stack, p):
    pid = new_patient(stack, "Anselm", "Kowalczyk-Baran", "1958-12-01", "408-555-2601")
    p("appointment")
    said = p("family medicine")
    assert "date of birth" not in said and "name" in said, p
    p("Anselm Kowalczyk-Baran")
    p("12-01-1958")
    p("self pay")
    assert "1)" in p("tuesday december 29"), p
    p("1")
    p("ok")
    mine = booked(stack, pid)
    assert len(mine) == 1 and FAMILY in specialty_codes(mine[0]), p


def a_ten_digit_member_id_after_the_payer(stack, p):
    pid = new_patient(stack, "Imogen", "Thistlewood-Ray", "1987-05-17", "408-555-2602")
    p("I'd like a GI appointment. Imogen Thistlewood-Ray 5/17/1987")
    said = p("UnitedHealthcare 9182736450")
    assert "member ID" not in said, p
    assert [c.get("subscriberId") for c in coverages(stack, pid)] == ["9182736450"], p


def a_birth_date_typed_as_six_digits(stack, p):
    pid = new_patient(stack, "Dmitri", "Volkonsky-Lind", "1998-01-19", "408-555-2603")
    p("appt")
    p("skin")
    assert "insurance" in p("dmitri volkonsky-lind 011998"), p
    p("cash")
    assert "1)" in p("wednesday dec 30 pm"), p
    p("2")
    p("y")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


def the_name_after_what_the_visit_is_for(stack, p):
    pid = new_patient(stack, "Florentina", "Ibsen-Holt", "1989-09-09", "408-555-2604")
    assert "insurance" in p("schedule dermatology Florentina Ibsen-Holt 9/9/89"), p
    p("self pay")
    assert "1)" in p("monday january 18"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def which_dermatologists_then_one_of_them_at_the_name_question(stack, p):
    pid = new_patient(stack, "Lysander", "Crowe-Baptiste", "1990-12-25", "408-555-2605")
    said = p("which dermatologists do you have?")
    assert "Dr. Philip Boyce" in said and "Dr. Phlox Billingsley" in said, p
    assert "Boyce" in p("ok book with Dr. Boyce"), p
    p("Lysander Crowe-Baptiste 12/25/1990")
    p("self pay")
    assert "1)" in p("tuesday january 19"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and _clinician(mine[0]) == "Dr. Philip Boyce", p


def who_are_your_doctors_while_booking(stack, p):
    new_patient(stack, "Araminta", "Vale-Osei", "1985-05-15", "408-555-2606")
    p("I need a family doctor appointment")
    p("Araminta Vale-Osei 5/15/1985")
    p("self pay")
    said = p("who are your doctors?")
    assert "Family medicine: Dr. McCoy, Dr. Pulaski, Dr. Zimmerman, Dr. Lense" in said and "When works" in said, p


def agent_then_never_mind_ill_book_myself(stack, p):
    pid = new_patient(stack, "Millicent", "Harrow-Quinn", "1960-10-20", "408-555-2607")
    p("book derm Millicent Harrow-Quinn 10/20/1960")
    p("agent")
    task = p.slots().get("handoff_task")
    said = p("actually nevermind, I'll just book myself")
    assert "called off" in said and "insurance" in said, p
    p("self pay")
    assert "1)" in p("thursday december 31 morning"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p  # the visit asked for before the hand-off
    assert fhir_get(stack, f"Task/{task}")["status"] == "cancelled", p


def agent_then_lets_carry_on(stack, p):
    pid = new_patient(stack, "Octavius", "Bellweather-Nash", "1966-06-01", "408-555-2608")
    p("GI appointment wednesday january 20 please. Octavius Bellweather-Nash 6/1/1966")
    assert "1)" in p("self pay"), p
    p("can I talk to a person")
    said = p("no never mind, let's carry on")
    assert "called off" in said and "1)" in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and GI in specialty_codes(mine[0]), p
    assert task_of(p)["status"] == "cancelled", p


def anything_later_in_the_day_after_morning_times(stack, p):
    pid = new_patient(stack, "Rosamund", "Pike-Hale", "1986-06-26", "408-555-2609")
    p("I want to see Dr. Pulaski. Rosamund Pike-Hale 06/26/1986")
    p("self pay")
    assert "AM" in p("monday december 28"), p
    said = p("anything later in the day?")
    assert "1)" in said and "AM" not in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).hour >= 12, p


def the_phone_corrected_when_asked_for_the_email(stack, p):
    PHI.extend(["Annika", "Lindenbaum-Fry", "1992-04-04", "408-555-2610", "408-555-2611"])
    p("hi, first time patient. I need a dermatologist")
    p("Annika Lindenbaum-Fry")
    p("04/04/1992")
    p("408-555-2610")
    assert "corrected" in p("oops wrong number, it's 408-555-2611"), p
    p("skip")
    found = patients_named(stack, "Lindenbaum-Fry", "1992-04-04")
    assert len(found) == 1, p
    phones = [t["value"] for t in found[0].get("telecom", []) if t.get("system") == "phone"]
    assert phones and all("2611" in ph for ph in phones), p


def a_new_plan_said_in_the_first_message(stack, p):
    pid = new_patient(stack, "Priscilla", "Whitlock-Ames", "1976-06-06", "408-555-2612")
    said = p("book a physical, Priscilla Whitlock-Ames 6/6/1976. my insurance changed, it's now Aetna W998877665")
    assert "Aetna" in said and "insurance, or pay" not in said, p
    assert [(c["payor"][0].get("display"), c.get("subscriberId")) for c in coverages(stack, pid)] == [("Aetna", "W998877665")], p


def yes_is_no_plans_name(stack, p):
    pid = new_patient(stack, "Quentin", "Ashdown-Pell", "1979-09-29", "408-555-2613")
    p("book family medicine, Quentin Ashdown-Pell 9/29/1979")
    p("yes")
    assert "didn't catch" in p("yes"), p
    p("Cigna")
    p("C12345678")
    assert [c["payor"][0].get("display") for c in coverages(stack, pid)] == ["Cigna"], p


def a_middle_initial_in_the_name(stack, p):
    pid = new_patient(stack, "Jonathan", "Whitfield-Cray", "1955-12-24", "408-555-2614")
    assert "insurance" in p("appointment for a mole check, Jonathan Q. Whitfield-Cray, dob 12/24/1955"), p
    p("medicare 5TY6UI7OP89")
    assert "1)" in p("thursday january 21, mornings"), p
    p("2")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


def idk_where_the_card_is(stack, p):
    pid = new_patient(stack, "Seraphina", "Goldwyn-Reyes", "1996-06-16", "408-555-2615")
    p("hey sorry for texting so late lol. need to see someone about my acne")
    p("seraphina goldwyn-reyes")
    p("june 16 96")
    p("blue shield")
    said = p("idk where the card is")
    assert "bring your insurance card" in said and "Race Street" not in said and "clinics in" not in said, p
    assert [(c["payor"][0].get("display"), c.get("subscriberId")) for c in coverages(stack, pid)] == [("Blue Shield of California", None)], p


def another_kind_of_visit_at_the_yes(stack, p):
    pid = new_patient(stack, "Eudora", "Penhallow-Vance", "1984-04-24", "408-555-2616")
    p("I need a dermatology appointment. Eudora Penhallow-Vance 4/24/1984")
    p("self pay")
    assert "1)" in p("tuesday december 29"), p
    p("1")
    held = p.held_id()
    said = p("oh wait, I actually need a GI doctor, not dermatology")
    assert "gastroenterology instead" in said and "1)" in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and GI in specialty_codes(mine[0]), p
    assert status_of(stack, held) != "booked" and held != mine[0]["id"], p


def cancel_it_then_at_the_cancels_yes(stack, p):
    pid = new_patient(stack, "Philippa", "Ormsby-Clay", "1987-08-17", "408-555-2617")
    appt = seed_booking(stack, pid, "2026-12-31", FAMILY, after="11:00")
    p("is there a fee if I cancel my appointment on the 31st? Philippa Ormsby-Clay 8/17/1987")
    p("ok cancel it then")
    assert status_of(stack, appt["id"]) == "cancelled", p


def the_monday_after_when_moving(stack, p):
    pid = new_patient(stack, "Ignatia", "Valverde-Roos", "1980-10-30", "408-555-2618")
    old = seed_booking(stack, pid, "2026-12-31", GI, after="10:00")
    p("I need to move my GI appointment. Ignatia Valverde-Roos 10/30/1980")
    said = p("the monday after")
    assert "1)" in said and "Mon Jan 4" in said, p
    p("1")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-04", p


def both_kids_named_in_full(stack, p):
    noor = new_patient(stack, "Noor", "Rahman-Aziz", "2016-03-03", "408-555-2619")
    zain = new_patient(stack, "Zain", "Rahman-Aziz", "2018-08-08", "408-555-2619")
    p("I need checkups for both my kids, Noor Rahman-Aziz 3/3/2016 and Zain Rahman-Aziz 8/8/2018")
    p("self pay")
    assert "1)" in p("wednesday december 30 afternoon"), p
    p("1")
    said = p("yes")
    assert "Zain" in said and "name" not in said, p
    p("self pay")
    p("same day right after")
    p("1")
    p("yes")
    assert len(booked(stack, noor)) == 1 and len(booked(stack, zain)) == 1, p
    assert all(PEDS in specialty_codes(a) for a in booked(stack, noor) + booked(stack, zain)), p


def her_name_after_the_question_about_her_appointment(stack, p):
    kid = new_patient(stack, "Pippa", "Longbottom-Shaw", "2015-10-10", "408-555-2620")
    old = seed_booking(stack, kid, "2026-12-31", PEDS, after="10:00")
    said = p("when is my daughter's appointment? Pippa Longbottom-Shaw 10/10/2015")
    assert "Thu Dec 31" in said, p
    assert "1)" in p("can we move it to the following monday?"), p
    p("1")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, kid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-04", p


def come_in_earlier_on_its_day(stack, p):
    pid = new_patient(stack, "Lucius", "Varga-Moss", "1985-05-25", "408-555-2621")
    old = seed_booking(stack, pid, "2027-01-20", DERM, after="14:00")
    said = p("can I come in earlier on wednesday the 20th? Lucius Varga-Moss 5/25/85")
    assert "move" in said and "1)" in said, p
    p("1")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-20" and local(mine[0]).hour < 14, p


def that_day_named_when_every_time_is_on_it(stack, p):
    pid = new_patient(stack, "Torsten", "Ekberg-Lund", "1977-07-27", "408-555-2622")
    p("do you have anything saturday january 16 for a skin check? Torsten Ekberg-Lund 7/27/1977")
    assert "Mon Jan 18" in p("self pay"), p
    said = p("ok monday then")
    assert said.count("Mon Jan 18") == 3 and "Which number" in said and "closed" not in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-18", p


def what_else_that_day_after_a_no(stack, p):
    pid = new_patient(stack, "Winslow", "Hargreaves-Tate", "1972-02-29", "408-555-2623")
    p("I need a dermatologist appointment, Winslow Hargreaves-Tate, born feb 29 1972")
    p("self pay")
    assert "1)" in p("friday january 22 afternoon"), p
    first = [o["id"] for o in p.options()]
    p("2")
    p("no")
    said = p("what else do you have that day?")
    assert "1)" in said and "Fri Jan 22" in said, p
    assert not set(o["id"] for o in p.options()) & set(first), p
    p("1")
    p("yse")
    mine = booked(stack, pid)
    assert len(mine) == 1 and mine[0]["id"] not in first, p


def gibberish_is_no_name(stack, p):
    p("hello")
    p("asdfgh")
    said = p("blorp zzz")
    assert "Blorp" not in said and "agent" in said, p


def a_visit_there_after_the_addresses(stack, p):
    pid = new_patient(stack, "Cressida", "Langford-Ng", "1991-01-21", "408-555-2624")
    p("where is your san jose clinic?")
    p("ok I want to book a checkup there")
    p("Cressida Langford-Ng 1/21/1991")
    p("self pay")
    assert "1)" in p("tuesday january 19"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and _clinician(mine[0]) == "Dr. Lewis Zimmerman", p  # the one family doctor in San Jose


def a_surname_holding_a_word_for_a_child(stack, p):
    pid = new_patient(stack, "Augusta", "Fairchild-Oyelowo", "1961-01-31", "408-555-2627")
    seed_booking(stack, pid, "2027-01-19", FAMILY, after="09:00")
    derm = seed_booking(stack, pid, "2027-01-21", DERM, after="10:00")
    said = p("cancel my appointment with Dr. Boyce please. Augusta Fairchild-Oyelowo 1/31/1961")
    assert "name" not in said and "Thu Jan 21" in said, p
    p("yes")
    assert status_of(stack, derm["id"]) == "cancelled" and len(booked(stack, pid)) == 1, p


def a_clock_time_alone_is_on_the_appointments_day(stack, p):
    pid = new_patient(stack, "Percy", "Holbrook-Sims", "1971-11-11", "408-555-2628")
    old = seed_booking(stack, pid, "2027-01-20", DERM, after="14:00")
    said = p("can you move my 2pm on wednesday the 20th to 4pm? Percy Holbrook-Sims 11/11/71")
    assert "Wed Jan 20, 4:00 PM" in said, p
    p("yes")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d %H:%M") == "2027-01-20 16:00", p


def hold_on_while_choosing_and_at_the_yes(stack, p):
    pid = new_patient(stack, "Verity", "Ashcroft-Blum", "1993-03-13", "408-555-2629")
    p("derm appt. Verity Ashcroft-Blum 3/13/93")
    p("self pay")
    assert "1)" in p("tuesday december 29"), p
    said = p("hold on let me check my calendar")
    assert "take your time" in said and "1)" not in said and "Please reply" not in said, p
    p("ok I'm back, the 3rd one works")
    said = p("one sec, let me ask my wife")
    assert "take your time" in said and "Book it?" in said, p
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def three_questions_in_one_message(stack, p):
    said = p("hi what are your hours and do you take medicare and where are you located?")
    assert "Mon–Fri" in said and "Medicare" in said and "San Jose" in said and "didn't get that" not in said, p


def leave_it_where_it_is_at_the_moves_yes(stack, p):
    pid = new_patient(stack, "Barnaby", "Wexford-Hale", "1963-03-03", "408-555-2630")
    old = seed_booking(stack, pid, "2027-01-19", FAMILY, after="09:00")
    p("reschedule my appointment please, Barnaby Wexford-Hale 3/3/1963")
    assert "1)" in p("friday the 22nd"), p
    p("1")
    held = p.held_id()
    said = p("actually no, leave it where it is")
    assert "kept" in said and "Street" not in said, p
    assert status_of(stack, old["id"]) == "booked" and status_of(stack, held) != "booked" and len(booked(stack, pid)) == 1, p


def cancel_instead_of_the_booking(stack, p):
    pid = new_patient(stack, "Lionel", "Ashby-Crane", "1968-08-08", "408-555-2631")
    gi = seed_booking(stack, pid, "2026-12-31", GI, after="10:00")
    p("I need a family doctor appointment. Lionel Ashby-Crane 8/8/1968")
    p("actually I want to cancel my GI appointment instead")
    said = p("yes")
    assert "back to your booking" not in said and "insurance" not in said, p
    p("no thanks")
    assert status_of(stack, gi["id"]) == "cancelled" and not booked(stack, pid), p


def insurance_after_all_while_asked_when(stack, p):
    pid = new_patient(stack, "Rosalind", "Achebe-Ward", "1972-12-12", "408-555-2632")
    p("book a GI consult, Rosalind Achebe-Ward 12/12/1972")
    p("self pay")
    assert "Health Net" in p("actually wait, I do have insurance, it's Health Net HN5544332"), p
    assert "1)" in p("thursday december 31"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p
    live = [c for c in coverages(stack, pid) if c.get("status") == "active"]
    assert [(c["payor"][0].get("display"), c.get("subscriberId")) for c in live] == [("Health Net", "HN5544332")], p


def a_plan_said_in_a_question_then_book_one(stack, p):
    pid = new_patient(stack, "Barthold", "Nyquist-Fell", "1977-03-31", "408-555-2633")
    assert "Cigna" in p("does my insurance cover a dermatology visit? I have Cigna"), p
    assert "member ID" in p("ok, book one then. Barthold Nyquist-Fell 3/31/1977"), p
    assert "When works" in p("C998877"), p
    assert "1)" in p("tuesday january 19 afternoon"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p
    assert [(c["payor"][0].get("display"), c.get("subscriberId")) for c in coverages(stack, pid)] == [("Cigna", "C998877")], p


def the_member_id_before_the_plan(stack, p):
    pid = new_patient(stack, "Ysolde", "Marchbanks-Lee", "1991-11-01", "408-555-2634")
    p("book family medicine, Ysolde Marchbanks-Lee 11/1/1991")
    assert "Who is your insurance with" in p("XQZ778899001"), p
    p("Anthem")
    assert [(c["payor"][0].get("display"), c.get("subscriberId")) for c in coverages(stack, pid)] == [
        ("Anthem Blue Cross", "XQZ778899001")], p


def who_is_it_with_after_the_list(stack, p):
    pid = new_patient(stack, "Clotilde", "Marchetti-Roy", "1990-01-10", "408-555-2635")
    appt = seed_booking(stack, pid, "2027-01-21", FAMILY, after="13:00")
    p("what time is my appointment on january 21")
    p("Clotilde Marchetti-Roy")
    p("jan 10 1990")
    said = p("and who is it with?")
    doctor = _clinician(next(a for a in booked(stack, pid) if a["id"] == appt["id"]))
    assert said == f"It's with Dr. {doctor.split()[-1]}.", p


def a_visit_the_same_day_as_the_one_listed(stack, p):
    pid = new_patient(stack, "Ambrosia", "Tate-Munro", "1987-07-17", "408-555-2636")
    seed_booking(stack, pid, "2027-01-21", DERM, after="10:00")
    p("do i have anything on january 21? Ambrosia Tate-Munro 7/17/1987")
    p("can you book me a GI appointment the same day?")
    assert "Thu Jan 21" in p("self pay"), p
    p("1")
    p("yes")
    gi = [a for a in booked(stack, pid) if GI in specialty_codes(a)]
    assert len(gi) == 1 and local(gi[0]).strftime("%Y-%m-%d") == "2027-01-21", p


def a_time_said_with_the_name(stack, p):
    pid = new_patient(stack, "Cuthbert", "Alder-Shaw", "1966-10-10", "408-555-2637")
    p("how much is a physical?")
    p("ok can I book one for monday january 18? Cuthbert Alder-Shaw 10/10/1966")
    assert "Mon Jan 18" in p("self pay"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-18", p


def gibberish_twice_then_a_person(stack, p):
    p("qwerty uiop")
    said = p("zxcv bnm")
    assert "Zxcv" not in said and "agent" in said, p
    p("yes")
    assert task_of(p)["status"] == "requested", p


def another_language_asked_for(stack, p):
    said = p("do you speak spanish?")
    assert "English" in said and "Aetna" not in said, p


def a_woman_asked_for_where_none_works(stack, p):
    pid = new_patient(stack, "Philomena", "Ward-Iles", "1988-02-12", "408-555-2638")
    p("I'd like a female dermatologist please. Philomena Ward-Iles 2/12/1988")
    p("self pay")
    said = p("tuesday january 19")
    assert "none of our dermatology clinicians are women" in said and "1)" in said, p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def a_confirmation_number_and_the_details_by_email(stack, p):
    pid = new_patient(stack, "Quincy", "Adair-Moss", "1975-09-15", "408-555-2639")
    p("book derm for Quincy Adair-Moss 9/15/1975 self pay thursday december 31 morning")
    p("1")
    p("yes")
    said = p("can I get a confirmation number?")
    assert "don't need a number" in said and booked(stack, pid)[0]["id"] not in said, p
    assert "my appointments" in p("can you email me the details?"), p


def two_kinds_of_visit_back_to_back(stack, p):
    pid = new_patient(stack, "Rowena", "Blythe-Carr", "1981-01-01", "408-555-2640")
    p("can I book two appointments back to back, a skin check and a physical, on january 20? Rowena Blythe-Carr 1/1/1981")
    p("self pay")
    p("1")
    p("yes")
    p("1")
    p("yes")
    mine = sorted(booked(stack, pid), key=lambda a: a["start"])
    assert len(mine) == 2 and DERM in specialty_codes(mine[0]) and FAMILY in specialty_codes(mine[1]), p
    assert mine[1]["start"] == mine[0]["end"], p  # the second right after the first


def a_move_said_aloud(stack, p):
    pid = new_patient(stack, "Augustin", "Lamarck-Dye", "1952-02-20", "408-555-2641")
    old = seed_booking(stack, pid, "2027-01-22", FAMILY, after="14:00")
    p("yeah hi um i got an appointment on friday the twenty second and i need to change it")
    p("augustin lamarck-dye")
    said = p("february twentieth nineteen fifty two")
    assert "move" in said and "1)" not in said, p  # the day said was the appointment's, not the new one
    assert "Mon Jan 18" in p("uh monday the eighteenth maybe in the morning"), p
    p("the second one")
    p("yeah that's fine")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-18" and local(mine[0]).hour < 12, p


def a_child_with_a_high_fever_and_lethargic(stack, p):
    said = p("my son has a fever of 104 and is very lethargic, can he be seen today")
    assert "911" in said, p


def a_covid_test(stack, p):
    pid = new_patient(stack, "Ingrid", "Solberg-Aas", "1987-07-07", "408-555-2642")
    assert "insurance" in p("I need a covid test. Ingrid Solberg-Aas 7/7/1987"), p
    p("self pay")
    assert "1)" in p("thursday december 31"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and FAMILY in specialty_codes(mine[0]), p


def not_before_ten_said_first(stack, p):
    pid = new_patient(stack, "Harmony", "Blake-Otis", "1990-03-13", "408-555-2643")
    p("book a checkup. Harmony Blake-Otis 3/13/1990")
    p("self pay")
    said = p("not before 10am, any weekday the week of january 18")
    assert "1)" in said and "8:" not in said and "9:" not in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).hour >= 10, p


def a_new_patient_in_spanish(stack, p):
    PHI.extend(["José", "Núñez-Paz", "1979-03-19", "408-555-2644"])
    p("Hola, soy nuevo paciente. José Núñez-Paz, 3/19/1979, necesito un médico familiar")
    p("408-555-2644")
    assert "José" in p("no"), p
    assert "Self-pay" in p("pago yo mismo"), p
    assert "1)" in p("el martes 29 de diciembre por la mañana"), p
    p("1")
    p("sí")
    found = patients_named(stack, "Núñez-Paz", "1979-03-19")
    assert len(found) == 1 and found[0]["name"][0]["given"] == ["José"], p
    mine = booked(stack, found[0]["id"])
    assert len(mine) == 1 and FAMILY in specialty_codes(mine[0]), p


def what_for_said_with_the_payment(stack, p):
    pid = new_patient(stack, "Florian", "Achterberg-Ives", "1990-02-02", "408-555-2645")
    p("can I book for my friend? he doesn't text")
    p("Florian Achterberg-Ives")
    p("2/2/1990")
    assert "When works" in p("he needs a skin check, self pay"), p
    assert "1)" in p("wednesday december 30 afternoon"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


def the_city_of_one_of_the_times(stack, p):
    pid = new_patient(stack, "Delilah", "Forsythe-Wong", "1989-09-29", "408-555-2646")
    p("family med on 1/21 at 2:15 please. Delilah Forsythe-Wong 9/29/89")
    p("self pay")
    if "holding" not in p("the sacramento one"):  # (none of those offered in Sacramento: its times)
        p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and _clinician(mine[0]) == "Dr. Elizabeth Lense", p  # (Sacramento's family doctor)


def a_city_none_of_the_times_is_in(stack, p):
    pid = new_patient(stack, "Ivo", "Marsh-Tull", "1975-05-15", "408-555-2647")
    assert "San Francisco" in p("checkup tuesday january 19 morning, Ivo Marsh-Tull 5/15/1975, self pay"), p
    said = p("the one in sacramento")
    if "holding" not in said:  # (none of those offered in Sacramento: its times)
        assert "Sacramento" in said and "1)" in said and "San Francisco" not in said, p
        p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and _clinician(mine[0]) == "Dr. Elizabeth Lense", p


def an_unknown_doctors_patient(stack, p):
    new_patient(stack, "Cassius", "Ramsey-Ode", "1971-07-21", "408-555-2648")
    said = p("I'm Dr. Smith's patient and need a follow up. Cassius Ramsey-Ode 7/21/1971")
    assert "couldn't find Dr. Smith at our clinic" in said, p


def what_about_my_husbands_after_a_list(stack, p):
    new_patient(stack, "Wilma", "Stroud-Kay", "1970-07-07", "408-555-2649")
    him = new_patient(stack, "Bernard", "Stroud-Kay", "1968-08-08", "408-555-2650")
    appt = seed_booking(stack, him, "2027-01-21", GI, after="10:00")
    assert "don't have any upcoming" in p("my appointments please, Wilma Stroud-Kay 7/7/1970"), p
    said = p("what about my husband Bernard's?")
    assert "Bernard's record" in said and "Jan 21" not in said, p  # his, once he is verified
    p("Bernard Stroud-Kay")
    said = p("8/8/1968")
    assert "Thu Jan 21" in said and status_of(stack, appt["id"]) == "booked", p


def just_cancel_it_after_her_birth_date_failed(stack, p):
    her = new_patient(stack, "Zelda", "Harrowgate", "1990-01-01", "408-555-2651")
    appt = seed_booking(stack, her, "2027-01-20", DERM, after="10:00")
    p("cancel Zelda Harrowgate's appointment")
    p("1/1/1991")
    said = p("I'm her mother, just cancel it")
    assert "nothing booked" not in said and "Jan 20" not in said, p
    assert status_of(stack, appt["id"]) == "booked", p


def a_childs_birth_date_before_his_name(stack, p):
    new_patient(stack, "Agatha", "Rivers-Nye", "1982-02-02", "408-555-2652")
    milo = new_patient(stack, "Milo", "Rivers-Nye", "2016-06-06", "408-555-2652")
    p("book me a checkup thursday december 31 morning. Agatha Rivers-Nye 2/2/1982, self pay")
    p("1")
    p("yes")
    p("and my son Milo too")
    said = p("6/6/2016")
    assert "Got the date of birth" in said and "your date" not in said, p
    p("Milo Rivers-Nye")
    p("self pay")
    p("same day right after")
    p("1")
    p("yes")
    assert len(booked(stack, milo)) == 1, p


def _book_all_of(stack, practitioner: str, start: str, end: str, pid: str, count: int = 40) -> list[dict]:
    """Book, for ``pid``, every free family-medicine time of ``practitioner`` from ``start`` to ``end``."""
    async def run():
        async with ArgonautClient(stack.fhir_base) as client:
            found = await client.find(specialty=FAMILY, practitioner=practitioner, start=start, end=end, count=count)
            return [{"id": (await client.book(a.id, pid)).id, "start": a.start.isoformat()} for a in found]
    return asyncio.run(run())


def a_move_when_the_clinician_has_no_times_then(stack, p):
    pid = new_patient(stack, "Evangeline", "Ashworth-Poe", "1965-05-05", "408-555-2625")
    filler = new_patient(stack, "Filler", "Zimmerman-Day", "1970-01-01", "408-555-2626")
    old = _book_all_of(stack, "arg-s-5", "2026-12-28T09:00:00-08:00", "2026-12-28T17:00:00-08:00", pid, count=1)[0]
    _book_all_of(stack, "arg-s-5", "2027-01-22T12:00:00-08:00", "2027-01-22T17:00:00-08:00", filler)  # Dr. Zimmerman: full
    p("I need to reschedule my appointment. Evangeline Ashworth-Poe 5/5/1965")
    said = p("friday january 22 afternoon")
    assert "Dr. Zimmerman has no openings then" in said and "1)" in said, p
    p("1")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and _clinician(mine[0]) != "Dr. Lewis Zimmerman", p
    assert local(mine[0]).strftime("%Y-%m-%d %p") == "2027-01-22 PM", p


PATIENTS = [last_name_first_when_registering, the_kind_of_visit_at_the_name_question, a_ten_digit_member_id_after_the_payer,
            a_birth_date_typed_as_six_digits, the_name_after_what_the_visit_is_for,
            which_dermatologists_then_one_of_them_at_the_name_question, who_are_your_doctors_while_booking,
            agent_then_never_mind_ill_book_myself, agent_then_lets_carry_on, anything_later_in_the_day_after_morning_times,
            the_phone_corrected_when_asked_for_the_email, a_new_plan_said_in_the_first_message, yes_is_no_plans_name,
            a_middle_initial_in_the_name, idk_where_the_card_is, another_kind_of_visit_at_the_yes,
            cancel_it_then_at_the_cancels_yes, the_monday_after_when_moving, both_kids_named_in_full,
            her_name_after_the_question_about_her_appointment, come_in_earlier_on_its_day,
            that_day_named_when_every_time_is_on_it, what_else_that_day_after_a_no, gibberish_is_no_name,
            a_visit_there_after_the_addresses, a_move_when_the_clinician_has_no_times_then,
            a_surname_holding_a_word_for_a_child, a_clock_time_alone_is_on_the_appointments_day,
            hold_on_while_choosing_and_at_the_yes, three_questions_in_one_message, leave_it_where_it_is_at_the_moves_yes,
            cancel_instead_of_the_booking, insurance_after_all_while_asked_when, a_plan_said_in_a_question_then_book_one,
            the_member_id_before_the_plan, who_is_it_with_after_the_list, a_visit_the_same_day_as_the_one_listed,
            a_time_said_with_the_name, gibberish_twice_then_a_person, another_language_asked_for,
            a_woman_asked_for_where_none_works, a_confirmation_number_and_the_details_by_email, two_kinds_of_visit_back_to_back,
            a_move_said_aloud, a_child_with_a_high_fever_and_lethargic, a_covid_test, not_before_ten_said_first,
            a_new_patient_in_spanish, what_for_said_with_the_payment, the_city_of_one_of_the_times,
            a_city_none_of_the_times_is_in, an_unknown_doctors_patient, what_about_my_husbands_after_a_list,
            just_cancel_it_after_her_birth_date_failed, a_childs_birth_date_before_his_name]

test_probe_patient_stop26, test_probe_patients_stop26_heard_only_clean_short_messages, \
    test_probe_patients_stop26_left_no_details_in_logs = probe_file_tests("probe26", PATIENTS)
