"""Probe patients that stop 24's QA found failing, each fixed and checked IN FHIR: "Oh wait, it's actually
the Thursday one I need to cancel, not Tuesday" at the cancel's yes-or-no (asked again about Tuesday; "yes"
then cancelled the wrong one); "I just remembered I have a meeting Friday. What about Monday the 11th
instead?" while choosing (more Friday times offered, and booked); "do you know if parking is available?"
when asked when ("didn't catch a day or time"); "a question about a referral and my insurance. Is there
someone I could speak with?" (the insurance list, no hand-off; then a second call-back request, and the
name given with the number lost); "keep the Friday one, just cancel the Tuesday one" when asked about both
("nothing cancelled yet" and the list again); "let's start over, I meant to book a skin check" (the menu, and
the request lost); "the first week of January, mornings" while choosing (option 1 held); a Medicare number read out
letter by letter ("one e g four t e five m k seven three": asked again, forever); "could you push my
dermatology appointment back by two weeks?" ("when works for you?", then today's times); "she pays
herself" for a wife's visit (not understood); "I changed my mind, I don't want to book anything right now"
at the yes (today's times offered); "I need to see a family doctor. Crispin Delacourt, ..." ("I couldn't find
Dr. Crispin Delacourt at our clinic"); "could I do Friday that week instead, same time?" at the yes (this
week's Friday); "i'd like to book a dermatology appointment then. <name> <birth date>" when asked for the
name after a price question (the visit asked for again). Each runs through the REST channel against the shared stack. (January
2027 and the week of December 28: the earlier weeks are for the other files' patients.)
"""
from __future__ import annotations

from tests.assistant.test_assistant_e2e import booked, local, seed_booking
from tests.assistant.test_probe_patients import probe_file_tests, task_of
from tests.assistant.test_probe_patients_stop23 import notes
from tests.assistant.test_simulated_patients import DERM, FAMILY, PHI, coverages, new_patient, specialty_codes, status_of


def the_thursday_one_not_tuesday_at_the_yes(stack, p):
    PHI.extend(["Genevieve", "Lindqvist", "1958-11-03", "408-555-0902"])
    pid = new_patient(stack, "Genevieve", "Lindqvist", "1958-11-03", "408-555-0902")
    tuesday = seed_booking(stack, pid, "2026-12-29", FAMILY, after="09:00")
    thursday = seed_booking(stack, pid, "2026-12-31", FAMILY, after="09:00")
    p("Good afternoon. I need to cancel one of my upcoming appointments.")
    p("Genevieve Lindqvist, November 3rd 1958.")
    assert "Tue Dec 29" in p("The one on Tuesday."), p
    said = p("Oh wait, I'm sorry, it's actually the Thursday one I need to cancel, not Tuesday.")
    assert "Thu Dec 31" in said and "Tue Dec 29" not in said, p  # asked about the right one
    p("Yes, that's right.")
    assert status_of(stack, thursday["id"]) == "cancelled" and status_of(stack, tuesday["id"]) == "booked", p


def a_meeting_that_friday_then_another_day(stack, p):
    PHI.extend(["Thaddeus", "Okonkwo-Reyes", "1993-02-02", "415-555-0173"])
    pid = new_patient(stack, "Thaddeus", "Okonkwo-Reyes", "1993-02-02", "415-555-0173")
    p("Hi there, I'd like to set up a physical exam. I'm Thaddeus Okonkwo-Reyes, born February 2, 1993.")
    p("I'll be paying out of pocket.")
    assert "Fri Jan 8" in p("Do you have anything on Friday January 8th in the morning?"), p
    said = p("Hmm, actually, I just remembered I have a meeting Friday. What about Monday the 11th instead, any time?")
    assert "Mon Jan 11" in said and "Fri" not in said, p
    p("Let's do the first one.")
    p("Perfect, confirm please.")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-11", p  # IN FHIR: not the Friday


def parking_asked_when_asked_when(stack, p):
    PHI.extend(["Rosalind", "Featherstonehaugh", "1971-05-19", "408-555-0901"])
    pid = new_patient(stack, "Rosalind", "Featherstonehaugh", "1971-05-19", "408-555-0901")
    p("Hello! I'd like to schedule an appointment with a dermatologist, please. A mole on my back seems to be changing.")
    p("Sure, it's Rosalind Featherstonehaugh, May 19, 1971.")
    p("I'll pay myself.")
    said = p("Before we go further, do you know if parking is available at the clinic?")
    assert "parking" in said and "(408) 555-0100" in said and "didn't catch" not in said, p
    assert "When works for you?" in said, p  # the question again
    assert "1)" in p("Could I come in sometime on Wednesday January 13 in the afternoon?"), p
    p("The second option works best for me.")
    p("Yes, please book it. Thank you so much!")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p
    assert local(mine[0]).strftime("%Y-%m-%d") == "2027-01-13" and local(mine[0]).hour >= 12, p


def someone_to_speak_with_about_a_referral(stack, p):
    PHI.extend(["Marguerite", "Delacroix-Hill", "650-555-0144"])
    said = p("Hello. I have a rather complicated question about a referral from my cardiologist and whether my "
             "insurance will cover a visit. Is there someone I could speak with?")
    assert "call you back" in said and "We take" not in said, p
    first = p.slots().get("handoff_task")
    assert first, p
    assert "already" in p("Yes please, have someone call me."), p
    p("My number is (650) 555-0144, and my name is Marguerite Delacroix-Hill.")
    assert p.slots().get("handoff_task") == first, p  # one request, not two
    task = task_of(p)
    said_notes = notes(task)
    assert any(n.startswith("Request: ") and "referral" in n for n in said_notes), p
    assert "Callback number: 650-555-0144" in said_notes and "Caller's name: Marguerite Delacroix-Hill" in said_notes, p


def keep_one_cancel_the_other_when_asked_about_both(stack, p):
    PHI.extend(["Leopold", "Fairweather", "1955-01-25", "408-555-0916"])
    pid = new_patient(stack, "Leopold", "Fairweather", "1955-01-25", "408-555-0916")
    tuesday = seed_booking(stack, pid, "2027-01-05", FAMILY, after="09:00")
    friday = seed_booking(stack, pid, "2027-01-08", FAMILY, after="09:00")
    assert "both" in p("I need to cancel all my appointments please. Leopold Fairweather, 1/25/1955"), p
    said = p("Actually wait, keep the Friday one. Just cancel the Tuesday one.")
    assert "Tue Jan 5" in said and "Fri" not in said, p  # asked about that one
    p("yes")
    assert status_of(stack, tuesday["id"]) == "cancelled" and status_of(stack, friday["id"]) == "booked", p


def start_over_with_the_request_in_it(stack, p):
    PHI.extend(["Winifred", "Ashcombe", "1969-03-03", "408-555-0915"])
    pid = new_patient(stack, "Winifred", "Ashcombe", "1969-03-03", "408-555-0915")
    p("Hi I want to book with a GI doctor")
    p("Winifred Ashcombe 3/3/1969")
    p("self pay")
    said = p("Actually let's start over, I meant to book a skin check, not GI.")
    assert "start over" in said and "When works for you?" in said, p  # the new request goes on
    assert "1)" in p("friday january 15 in the afternoon"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


def the_first_week_of_a_month_while_choosing(stack, p):
    PHI.extend(["Clementine", "Harrowgate", "1972-10-17", "408-555-0926"])
    pid = new_patient(stack, "Clementine", "Harrowgate", "1972-10-17", "408-555-0926")
    old = seed_booking(stack, pid, "2026-12-30", FAMILY, after="09:00")
    p("Hi, I need to cancel my appointment on December 30 and book a new one for sometime in January instead. "
      "Clementine Harrowgate, 10/17/1972.")
    said = p("The second week of January, mornings")
    assert "holding" not in said and "1)" in said, p  # new times, nothing held
    assert all("2027-01-08" <= o["start"][:10] <= "2027-01-14" for o in p.options()), p  # days 8 to 14
    p("1")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and "2027-01-08" <= local(mine[0]).strftime("%Y-%m-%d") <= "2027-01-14", p
    assert local(mine[0]).hour < 12, p


def a_member_id_read_out(stack, p):
    PHI.extend(["Augustina", "Delgado", "1964-07-04", "408-555-0934"])
    pid = new_patient(stack, "Augustina", "Delgado", "1964-07-04", "408-555-0934")
    p("yeah hi um i'm calling to make an appointment for a checkup")
    p("augustina delgado")
    p("july fourth nineteen sixty four")
    assert "member ID" in p("medicare"), p
    said = p("um my medicare number is one e g four t e five m k seven three")
    assert "When works for you?" in said, p
    plans = coverages(stack, pid)
    assert [c["subscriberId"] for c in plans if c.get("status") == "active"] == ["1EG4TE5MK73"], p


def push_my_appointment_back_by_two_weeks(stack, p):
    PHI.extend(["Octavia", "Brightwater", "1985-06-21", "408-555-0941"])
    pid = new_patient(stack, "Octavia", "Brightwater", "1985-06-21", "408-555-0941")
    old = seed_booking(stack, pid, "2027-01-05", DERM, after="10:00")
    said = p("Hello, could you push my dermatology appointment back by two weeks? Octavia Brightwater, June 21 1985.")
    assert "1)" in said and all(o["start"][:10] == "2027-01-19" for o in p.options()), p  # two weeks later
    p("1")
    p("yes")
    assert status_of(stack, old["id"]) == "cancelled", p
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-19", p


def she_pays_herself(stack, p):
    PHI.extend(["Reginald", "Ashworth", "Millicent", "1960-08-08", "408-555-0946"])
    wife = new_patient(stack, "Millicent", "Ashworth", "1960-08-08", "408-555-0946")
    p("Hello, I'm calling to book an appointment for my wife, Millicent Ashworth. She needs to see a dermatologist.")
    p("Her birthday is August 8, 1960")
    assert "When works" in p("She pays herself"), p
    assert "1)" in p("wednesday january 20 in the morning"), p
    p("1")
    p("yes")
    mine = booked(stack, wife)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-20", p
    assert [c["type"]["coding"][0]["code"] for c in coverages(stack, wife)] == ["pay"], p  # IN FHIR: self-pay


def no_booking_right_now_at_the_yes(stack, p):
    PHI.extend(["Philippa", "Youngblood", "1999-01-01", "408-555-0954"])
    pid = new_patient(stack, "Philippa", "Youngblood", "1999-01-01", "408-555-0954")
    p("book me a checkup, philippa youngblood 1/1/1999, selfpay")
    assert "1)" in p("thursday january 21 in the morning"), p
    p("2")
    held = p.held_id()
    assert held, p
    said = p("no actually i changed my mind, i don't want to book anything right now")
    assert "1)" not in said and not p.held_id(), p  # no new times offered
    assert status_of(stack, held) != "booked" and booked(stack, pid) == [], p  # IN FHIR: nothing booked, hold let go


def a_family_doctor_then_my_name(stack, p):
    PHI.extend(["Crispin", "Delacourt", "1968-08-15", "408-555-0955"])
    pid = new_patient(stack, "Crispin", "Delacourt", "1968-08-15", "408-555-0955")
    said = p("I need to see a family doctor. Crispin Delacourt, August 15 1968. Self pay.")
    assert "couldn't find" not in said and "When works" in said, p  # the patient's name is no clinician's
    assert "1)" in p("friday january 22 in the afternoon"), p
    p("1")
    p("yes")
    assert len(booked(stack, pid)) == 1, p


def friday_that_week_same_time_at_the_yes(stack, p):
    PHI.extend(["Marguerite", "Olanrewaju", "1976-05-12", "408-555-0952"])
    pid = new_patient(stack, "Marguerite", "Olanrewaju", "1976-05-12", "408-555-0952")
    p("Hello, I'd like to see a dermatologist. Marguerite Olanrewaju, born May 12, 1976. I'll pay out of pocket.")
    assert "1)" in p("tuesday january 19 in the afternoon"), p
    p("2")
    held = [o for o in p.options() if o["id"] == p.held_id() or o["text"] == (p.slots().get("held") or {}).get("text")]
    assert held, p
    said = p("Hmm wait, could I do Friday that week instead, same time?")
    assert "Fri Jan 22" in said, p  # the held time's week, not this one
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and local(mine[0]).strftime("%Y-%m-%d") == "2027-01-22", p


def the_visit_said_with_the_name(stack, p):
    PHI.extend(["Leontyne", "Fairclough", "1993-09-27", "408-555-0974"])
    pid = new_patient(stack, "Leontyne", "Fairclough", "1993-09-27", "408-555-0974")
    p("how much does a visit cost without insurance?")
    p("ok. i'd like to book a dermatology appointment then. Leontyne Fairclough 9/27/1993")
    assert "When works" in p("I'll pay myself"), p  # the visit is not asked for again
    assert "1)" in p("monday january 18, as early as possible"), p
    p("1")
    p("yes")
    mine = booked(stack, pid)
    assert len(mine) == 1 and DERM in specialty_codes(mine[0]), p


PATIENTS = [the_thursday_one_not_tuesday_at_the_yes, a_meeting_that_friday_then_another_day, parking_asked_when_asked_when,
            someone_to_speak_with_about_a_referral, keep_one_cancel_the_other_when_asked_about_both,
            start_over_with_the_request_in_it, the_first_week_of_a_month_while_choosing, a_member_id_read_out,
            push_my_appointment_back_by_two_weeks, she_pays_herself, no_booking_right_now_at_the_yes,
            a_family_doctor_then_my_name, friday_that_week_same_time_at_the_yes, the_visit_said_with_the_name]

test_probe_patient_stop24, test_probe_patients_stop24_heard_only_clean_short_messages, \
    test_probe_patients_stop24_left_no_details_in_logs = probe_file_tests("probe24", PATIENTS)
