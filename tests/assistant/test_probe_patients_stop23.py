"""Probe patients that stop 23's QA found failing, each fixed and checked IN FHIR: "My name is … and my date
of birth is …" at the new patient's name question (the name asked again, forever); "It's for my elderly
mother" when the hand-off asked for a number (a booking started, the number lost) and a name and birth date
there (no number reached the call-back request); "let me check with my wife first" while a time was held
(released and held again: "first" was read as option 1); phone and email in one answer, and the email
question answered with the payment and a time; "can I rebook for the week of December 14?" right after a
cancel ("you don't have any upcoming appointments"); "the following friday" when moving (this week's);
"yes please" to a move's same day and time; "actually the 10:15 please" after "anything later?" (another
day's 10:15 offered); a corrected, hyphenated last name after a failed try (the old name tried again: the
conversation locked); a birth date after "I'm not sure of her birthday"; "I have Humana" at the payment
question; "any of those is fine"; "where do I find the member id?" (our addresses); "a physical for me and a
checkup for my daughter Saoirse" (only the daughter's, with the parent's birth date); "ok now the GI
appointment" at the payment question (a miss). Each runs through the REST channel against the shared
stack. (The weeks of December 14 and 21: the earlier weeks are for the other files' patients.)
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.assistant.test_assistant_e2e import appointments, booked, fhir_get, local, seed_booking
from tests.assistant.test_probe_patients import probe_file_tests, task_of
from tests.assistant.test_probe_patients_stop22 import registered
from tests.assistant.test_simulated_patients import DERM, FAMILY, PEDS, PHI, coverages, new_patient, specialty_codes


def notes(task: dict) -> list[str]:
    return [n["text"] for n in task.get("note", [])]


def my_date_of_birth_is_with_the_name(stack, p):
    PHI.extend(["Oluwaseun", "Adeyemi", "1988-04-03", "415-555-0134"])
    p("Hello! I've never been to your clinic before and I'd like to schedule a new patient visit with a family doctor.")
    said = p("My name is Oluwaseun Adeyemi and my date of birth is April 3rd, 1988.")
    assert "phone" in said and "name" not in said, p  # neither asked again
    p("You can reach me at (415) 555-0134.")
    p("I don't have an email address, sorry.")
    patient = registered(stack, "Adeyemi", "1988-04-03")
    assert patient["name"][0]["given"] == ["Oluwaseun"] and patient["telecom"][0]["value"] == "415-555-0134", p


def phone_and_email_in_one_answer(stack, p):
    PHI.extend(["Ngozi", "Okonkwo-Baptiste", "1979-11-05", "510-555-0123", "ngozi.ob@example.org"])
    p("Hi! I'm a new patient. I'd like to see a dermatologist about a mole that's been changing.")
    p("Sure! My name is Ngozi Okonkwo-Baptiste and I was born on the 5th of November, 1979.")
    said = p("My cell is 510.555.0123 and email ngozi.ob@example.org")
    assert "email" not in said and "insurance" in said, p
    patient = registered(stack, "Okonkwo-Baptiste", "1979-11-05")
    assert {t["value"] for t in patient["telecom"]} == {"510-555-0123", "ngozi.ob@example.org"}, p


def payment_and_time_at_the_email_question(stack, p):
    PHI.extend(["Theodora", "Brankovic", "1992-06-14", "650-555-0177"])
    p("new patient here, need a physical, I'm Theodora Brankovic, dob 6/14/1992")
    p("650 555 0177")
    said = p("no insurance, I'll pay myself. Is December 21 in the afternoon possible?")
    assert "Self-pay" in said and "1)" in said and "Mon Dec 21" in said, p  # neither asked
    p("1")
    p("yes")
    patient = registered(stack, "Brankovic", "1992-06-14")
    mine = booked(stack, patient["id"])
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 21) and local(mine[0]).hour >= 12, p
    assert [c["type"]["coding"][0]["code"] for c in coverages(stack, patient["id"])] == ["pay"], p


def what_the_call_is_about_then_the_number(stack, p):
    said = p("I'd prefer to talk to a human, please.")
    assert "number" in said, p
    said = p("It's for my elderly mother, she needs a follow up")
    assert "number" in said and "record" not in said, p  # not a booking: the number asked once more
    said = p("408-555-0177")
    assert "408-555-0177" in said, p
    written = notes(task_of(p))
    assert "Patient added: It's for my elderly mother, she needs a follow up" in written, p
    assert "Callback number: 408-555-0177" in written, p


def a_bill_question_kept_with_the_request(stack, p):
    p("I have a question about my bill, can someone call me?")
    assert "Request: I have a question about my bill, can someone call me?" in notes(task_of(p)), p


def name_and_birth_date_when_asked_for_the_number(stack, p):
    pid = new_patient(stack, "Winifred", "Crabtree", "1945-01-20", "408-555-0733")
    p("This is ridiculous, I've been trying to reach someone all day. I need to speak with a real person NOW.")
    said = p("Winifred Crabtree, 1/20/1945")
    assert "number on your record" in said, p
    task = task_of(p)
    assert task["for"]["reference"] == f"Patient/{pid}" and "Callback number: 408-555-0733" in notes(task), p


def let_me_check_with_my_wife_first(stack, p):
    pid = new_patient(stack, "Augustina", "Delacroixe", "1977-01-29", "408-555-0734")
    p("book me a checkup on december 15 in the afternoon, augustina delacroixe 1/29/1977")
    p("self pay")
    p("1")
    held = p.held_id()
    said = p("hmm let me check with my wife first, I'll get back to you")
    assert "take your time" in said and "holding it for you until" in said, p
    assert p.held_id() == held, p  # the same hold: not released and held again
    p("ok she said yes, book it")
    assert [a["status"] for a in appointments(stack, pid)] == ["booked"], p  # no released copy left behind


def rebook_after_a_cancel(stack, p):
    pid = new_patient(stack, "Rosamunda", "Thistlewoode", "1986-08-12", "408-555-0735")
    old = seed_booking(stack, pid, "2026-12-04", after="15:00")
    p("I need to cancel my appointment, Rosamunda Thistlewoode, 8/12/1986")
    p("yes cancel")
    p("Actually can I rebook for sometime in the week of December 14?")
    said = p("self pay")
    assert "Dermatology" in said, p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and specialty_codes(mine[0]) == [DERM], p
    assert date(2026, 12, 14) <= local(mine[0]).date() <= date(2026, 12, 18), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def the_following_friday_when_moving(stack, p):
    pid = new_patient(stack, "Ambrose", "Kittredge", "1955-02-22", "408-555-0736")
    seed_booking(stack, pid, "2026-12-02", after="15:00")
    old = seed_booking(stack, pid, "2026-12-16", after="13:00", specialty=FAMILY)
    p("I need to reschedule, Ambrose Kittredge 2/22/1955")
    p("the family medicine one")
    said = p("the following friday")
    assert "Fri Dec 18" in said, p  # the Friday after that appointment, not this week's
    p("1")
    p("yes")
    moved = [a for a in booked(stack, pid) if FAMILY in specialty_codes(a)]
    assert len(moved) == 1 and local(moved[0]).date() == date(2026, 12, 18), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def yes_to_the_same_day_and_time(stack, p):
    pid = new_patient(stack, "Fitzgerald", "Okoro", "1966-01-06", "408-555-0737")
    old = seed_booking(stack, pid, "2026-12-17", after="15:00")
    p("Hi, could you remind me when my next appointment is? Fitzgerald Okoro, 1/6/1966")
    p("Thanks. Could I move it to the following week, same day and time?")
    target = local({"start": old["start"].isoformat()}) + timedelta(weeks=1)
    first = datetime.fromisoformat(p.options()[0]["start"])
    assert first == target, p  # the same time a week later is free: it comes first
    said = p("Yes please")
    assert "holding" in said, p
    p("Yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]) == target, p


def the_time_said_from_the_first_list(stack, p):
    pid = new_patient(stack, "Leontyne", "Abernethy", "1976-04-09", "408-555-0738")
    p("I need a skin check on december 16, Leontyne Abernethy 4/9/1976")
    p("self pay")
    first = p.options()
    clocks = [datetime.fromisoformat(o["start"]).strftime("%-I:%M") for o in first]
    wanted = next(o for o, c in zip(first, clocks) if clocks.count(c) == 1)  # (a time one clinician was offered at)
    p("anything later?")
    clock = datetime.fromisoformat(wanted["start"]).strftime("%-I:%M")
    said = p(f"actually the {clock} please")
    assert "holding" in said and wanted["text"] in said, p  # that one, that day: not another day's
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and datetime.fromisoformat(mine[0]["start"]) == datetime.fromisoformat(wanted["start"]), p


def a_corrected_last_name(stack, p):
    pid = new_patient(stack, "Josephine", "Albrecht-Moss", "1990-02-28", "408-555-0739")
    seed_booking(stack, pid, "2026-12-15", after="13:00")
    p("Can you tell me what appointments I have?")
    p("Josephine Albrecht")
    p("02/28/1990")
    said = p("Oh sorry, my last name is hyphenated: Josephine Albrecht-Moss")
    assert "Tue Dec 15" in said, p  # tried with the new name, and found
    assert p.slots()["patient_id"] == pid, p


def a_last_name_alone_corrected(stack, p):
    pid = new_patient(stack, "Wendeline", "Ostrowski-Park", "1983-03-13", "408-555-0740")
    seed_booking(stack, pid, "2026-12-15", after="14:00")
    p("I'd like to cancel my appointment")
    p("Wendeline Ostrowski")
    p("3/13/1983")
    said = p("sorry, my last name is Ostrowski-Park")
    assert "Cancel your appointment on Tue Dec 15" in said, p
    p("yes")
    assert booked(stack, pid) == [], p


def the_birth_date_after_not_knowing_it(stack, p):
    pid = new_patient(stack, "Ingrida", "Solbakken", "1961-05-15", "408-555-0741")
    seed_booking(stack, pid, "2026-12-17", after="13:00")
    p("Hi, I'm calling to check on my mother's appointment. Her name is Ingrida Solbakken.")
    p("I'm not sure of her birthday, can you just tell me the time?")
    said = p("ok, it's May 15 1961")
    assert "Ingrida's upcoming appointment" in said and "Thu Dec 17" in said, p


def a_plan_not_on_our_list(stack, p):
    pid = new_patient(stack, "Evander", "Holloway", "1980-12-12", "408-555-0742")
    p("book a checkup. evander holloway 12/12/1980")
    said = p("I have Humana")
    assert "noted that plan" in said and "member ID" in said, p
    p("HUM12345678")
    p("december 22 afternoon")
    p("1")
    p("yes")
    plans = coverages(stack, pid)
    assert [c["subscriberId"] for c in plans] == ["HUM12345678"], p
    assert [py.get("display") for py in plans[0]["payor"]] == ["Humana"], p
    assert len(booked(stack, pid)) == 1, p


def any_of_those_is_fine(stack, p):
    pid = new_patient(stack, "Alphonse", "Durand", "1968-04-04", "408-555-0743")
    p("do you have anything on december 22 for a rash? Alphonse Durand 04/04/1968")
    p("Health Net, member ID R1234567")
    first = p.options()[0]
    said = p("any of those is fine")
    assert "holding" in said and first["text"] in said, p
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and datetime.fromisoformat(mine[0]["start"]) == datetime.fromisoformat(first["start"]), p


def where_to_find_the_member_id(stack, p):
    pid = new_patient(stack, "Cyrus", "Pendergast", "1959-05-25", "408-555-0744")
    p("I need a checkup, Cyrus Pendergast 5/25/1959")
    p("blue cross")
    said = p("where do I find the member id?")
    assert "front of your insurance card" in said and "clinics in" not in said, p
    p("ok it's ABC123456789")
    assert [c["subscriberId"] for c in coverages(stack, pid)] == ["ABC123456789"], p


def two_visits_for_me_and_my_daughter(stack, p):
    me = new_patient(stack, "Lorcana", "Fitzwilliams", "1985-05-05", "408-555-0745")
    kid = new_patient(stack, "Saoirse", "Fitzwilliams", "2017-02-02", "408-555-0745")
    said = p("Hi, I need a physical for me and a checkup for my daughter Saoirse. I'm Lorcana Fitzwilliams, 5/5/1985")
    assert "yours first" in said, p
    p("self pay")
    p("december 22 in the afternoon")
    p("1")
    said = p("yes")
    assert "Saoirse" in said, p
    p("Saoirse Fitzwilliams")
    p("2/2/2017")
    p("self pay")
    p("same day please")
    p("1")
    p("yes")
    mine, hers = booked(stack, me), booked(stack, kid)
    assert len(mine) == 1 and specialty_codes(mine[0]) == [FAMILY], p
    assert len(hers) == 1 and specialty_codes(hers[0]) == [PEDS] and local(hers[0]).date() == date(2026, 12, 22), p


def the_booking_restated_at_the_payment_question(stack, p):
    new_patient(stack, "Horatio", "Bellweather", "1962-02-12", "408-555-0746")
    p("I want to book a GI appointment. Horatio Bellweather 2/12/1962")
    said = p("ok so the GI appointment")
    assert "Sorry" not in said and "insurance" in said, p


def the_following_week_while_choosing(stack, p):
    pid = new_patient(stack, "Ottilie", "Brennan", "1997-07-07", "408-555-0747")
    p("Hi there! I was hoping to get a dermatology appointment on December 15. I'm Ottilie Brennan, born July 7, 1997.")
    p("I'll be using my Kaiser insurance, ID number 11223344.")
    said = p("Hmm, none of those work for me. What about the following week?")
    assert any(f"Dec {d}," in said for d in range(21, 26)) and "Dec 15" not in said, p  # the week of the 21st
    p("The second option works.")
    p("Yes please!")
    mine = booked(stack, pid)
    assert len(mine) == 1 and date(2026, 12, 21) <= local(mine[0]).date() <= date(2026, 12, 25), p


def sooner_than_my_current_appointment(stack, p):
    pid = new_patient(stack, "Imogen", "Castellanos-Ruiz", "1985-02-17", "408-555-0748")
    old = seed_booking(stack, pid, "2026-12-23", after="15:00")
    said = p("Hi, I'm Imogen Castellanos-Ruiz, DOB 2/17/1985. Is there any way to get in sooner than my current appointment? "
             "Whatever the earliest is.")
    assert "move your appointment" in said and "insurance" not in said, p  # a move, not a second booking
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]) < local({"start": old["start"].isoformat()}), p
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def keep_the_original_time(stack, p):
    pid = new_patient(stack, "Benedetta", "Lombardi", "1970-10-30", "408-555-0749")
    old = seed_booking(stack, pid, "2026-12-17", after="13:00")
    p("I need to move my appointment on the 17th. Benedetta Lombardi 10/30/1970")
    p("friday the 18th in the afternoon")
    p("1")
    said = p("actually never mind, I'll keep the original time")
    assert "kept your appointment on Thu Dec 17" in said, p
    assert [a["id"] for a in booked(stack, pid)] == [old["id"]], p


def evening_then_the_latest_on_a_day(stack, p):
    pid = new_patient(stack, "Nathaniel", "Oyelaran", "1986-01-19", "408-555-0750")
    p("do you have evening appointments on december 21? I work until 6. Nathaniel Oyelaran 1/19/1986, checkup")
    said = p("self pay")
    assert "We close at 5 PM" in said and "Mon Dec 21, 3:" in said, p  # the end of that day, not the next morning
    said = p("ok what's the latest you have on december 22 then")
    assert "holding" not in said and "Tue Dec 22, 3:" in said, p  # another day's end, not option 3 held
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 22) and local(mine[0]).hour >= 15, p


def a_name_spelled_out(stack, p):
    pid = new_patient(stack, "Evangelia", "Papadopoulou", "1976-03-25", "408-555-0751")
    p("Good afternoon! I'm hoping to book an appointment with a dermatologist because I've had a persistent rash.")
    p("Certainly, my name is Evangelia Papadopoulou. That's spelled P-A-P-A-D-O-P-O-U-L-O-U.")
    said = p("My date of birth is the 25th of March, 1976.")
    assert "insurance" in said and p.slots()["patient_id"] == pid, p  # found: the spelling is no part of the name


def cannot_remember_after_a_failed_try(stack, p):
    pid = new_patient(stack, "Rosalind", "Featherby", "1969-06-06", "408-555-0752")
    old = seed_booking(stack, pid, "2026-12-17", after="14:00")
    p("Hi, I want to cancel my appointment.")
    p("Rosalind Featherby")
    p("I think it's 6/6/1970?")
    said = p("ugh I don't remember. just cancel it please")
    assert "Without your date of birth I can't look up the record" in said and "agent" in said, p
    assert [a["id"] for a in booked(stack, pid)] == [old["id"]], p  # nothing cancelled, nothing said about it


def a_fee_question_with_the_cancel(stack, p):
    pid = new_patient(stack, "Marguerite", "Delaunay", "1973-09-19", "408-555-0753")
    old = seed_booking(stack, pid, "2026-12-21", after="09:00")
    said = p("Hi, I need to cancel my appointment on the 21st. Will I be charged a cancellation fee? Marguerite Delaunay, 9/19/1973")
    assert said.count("front desk can") == 1 and "Cancel your appointment on Mon Dec 21" in said, p  # once; no name asked
    p("OK. Yes please cancel it.")
    assert {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def confirm_my_appointment_is_a_list(stack, p):
    pid = new_patient(stack, "Augustus", "Whitmore", "1949-04-30", "408-555-0754")
    seed_booking(stack, pid, "2026-12-22", after="09:00")
    p("Hi, can you confirm my appointment? You can look me up by my phone number, 408-555-0754.")
    p("Augustus Whitmore")
    said = p("April 30 1949")
    assert "Your upcoming appointment" in said and "Tue Dec 22" in said and "insurance" not in said, p


def the_same_time_on_a_weekday_of_its_week(stack, p):
    kid = new_patient(stack, "Matteo", "Santangelo", "2016-04-04", "408-555-0755")
    old = seed_booking(stack, kid, "2026-12-22", after="13:00", specialty=PEDS)
    p("Can you tell me when my son's next appointment is? His name is Matteo Santangelo, born April 4, 2016.")
    said = p("Great, can we move it to the same time on Thursday?")
    assert "Thu Dec 24" in said and "Thu Dec 3" not in said and "Thu Dec 17" not in said, p  # the Thursday of its week
    p("1")
    p("yes")
    mine = booked(stack, kid)
    assert len(mine) == 1 and local(mine[0]).date() == date(2026, 12, 24), p
    assert {a["id"]: a["status"] for a in appointments(stack, kid)}[old["id"]] == "cancelled", p


def two_kids_by_name(stack, p):
    pip = new_patient(stack, "Pip", "Hollingworth", "2016-06-06", "408-555-0756")
    wren = new_patient(stack, "Wren", "Hollingworth", "2019-09-09", "408-555-0756")
    said = p("I need checkups for my two kids, Pip and Wren Hollingworth")
    assert "Pip's first, then Wren's" in said, p
    for text in ["6/6/2016", "self pay", "december 23 in the afternoon", "1", "yes", "9/9/2019", "self pay",
                 "same day right after Pip's", "1", "yes"]:
        p(text)
    first, second = booked(stack, pip), booked(stack, wren)
    assert len(first) == 1 and len(second) == 1 and specialty_codes(second[0]) == [PEDS], p
    assert local(first[0]).date() == local(second[0]).date() == date(2026, 12, 23), p


def name_after_a_comma_and_no_email_as_a_name(stack, p):
    PHI.extend(["Valentina", "Russo-Keller", "1990-02-14", "415-555-0111", "Hortensia", "Blackwood-Ames"])
    said = p("Hi. New patient. DOB 02/14/1990, name Valentina Russo-Keller, phone 415 555 0111. Need a derm appt for acne.")
    assert "email" in said and "name" not in said, p
    p("no email")
    assert registered(stack, "Russo-Keller", "1990-02-14")["name"][0]["given"] == ["Valentina"], p


def no_email_is_no_name(stack, p):
    p("I'm a new patient and need a physical")
    said = p("no email")
    assert "first and last name" in said, p  # not a patient called "No Email"
    assert fhir_get(stack, "Patient", family="Email").get("entry", []) == [], p


def what_do_you_have_when_moving(stack, p):
    pid = new_patient(stack, "Genoveva", "Salcedo", "1984-12-05", "408-555-0757")
    old = seed_booking(stack, pid, "2026-12-23", after="13:00")
    p("I need to change my appointment, something came up")
    p("Genoveva Salcedo")
    p("12/5/84")
    said = p("hmm I'm not sure, what do you have?")
    assert "1)" in said and "didn't catch" not in said, p
    p("the second one")
    p("yes")
    assert len(booked(stack, pid)) == 1 and {a["id"]: a["status"] for a in appointments(stack, pid)}[old["id"]] == "cancelled", p


def a_birth_year_said_aloud(stack, p):
    pid = new_patient(stack, "Harriet", "Oduya", "1985-03-03", "408-555-0758")
    p("yes hi i need to make an appointment with a skin doctor")
    p("harriet oduya")
    said = p("march third nineteen eighty five")
    assert "insurance" in said and p.slots()["patient_id"] == pid, p


def another_date_at_the_same_time(stack, p):
    pid = new_patient(stack, "Ottoline", "Verhagen", "1966-09-09", "408-555-0759")
    seed_booking(stack, pid, "2026-12-03", after="16:00")
    old = seed_booking(stack, pid, "2026-12-28", after="08:00", specialty=FAMILY)
    p("I'd like to reschedule one of my appointments. Ottoline Verhagen 9/9/1966")
    p("the one on the 28th")
    target = local({"start": old["start"].isoformat()}) + timedelta(days=1)
    said = p("can it be the 29th instead, same time?")
    assert datetime.fromisoformat(p.options()[0]["start"]) == target, p  # that time on the 29th first
    said = p("yes")
    assert "holding" in said, p
    p("yes")
    moved = [a for a in booked(stack, pid) if FAMILY in specialty_codes(a)]
    assert len(moved) == 1 and local(moved[0]) == target, p


PATIENTS = [my_date_of_birth_is_with_the_name, phone_and_email_in_one_answer, payment_and_time_at_the_email_question,
            what_the_call_is_about_then_the_number, a_bill_question_kept_with_the_request,
            name_and_birth_date_when_asked_for_the_number, let_me_check_with_my_wife_first, rebook_after_a_cancel,
            the_following_friday_when_moving, yes_to_the_same_day_and_time, the_time_said_from_the_first_list,
            a_corrected_last_name, a_last_name_alone_corrected, the_birth_date_after_not_knowing_it, a_plan_not_on_our_list,
            any_of_those_is_fine, where_to_find_the_member_id, two_visits_for_me_and_my_daughter,
            the_booking_restated_at_the_payment_question, the_following_week_while_choosing, sooner_than_my_current_appointment,
            keep_the_original_time, evening_then_the_latest_on_a_day, a_name_spelled_out, cannot_remember_after_a_failed_try,
            a_fee_question_with_the_cancel, confirm_my_appointment_is_a_list, the_same_time_on_a_weekday_of_its_week,
            two_kids_by_name, name_after_a_comma_and_no_email_as_a_name, no_email_is_no_name, what_do_you_have_when_moving,
            a_birth_year_said_aloud, another_date_at_the_same_time]

test_probe_patient_stop23, test_probe_patients_stop23_heard_only_clean_short_messages, \
    test_probe_patients_stop23_left_no_details_in_logs = probe_file_tests("probe23", PATIENTS)
