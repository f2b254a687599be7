"""Fast checks of the dialogue helpers: plain words -> specialty codes, birth dates, choices,
clinic answers, the action server's registry, and the length of every canned response."""
from __future__ import annotations

from pathlib import Path

import yaml

from actions.care import DERMATOLOGY, FAMILY, GASTRO, PEDIATRICS, care_from_text
from actions.common import MAX_CHARS, clip, parse_choice, parse_dob, parse_phone, split_name
from rasa_sdk import Tracker

from actions.digressions import address_in_play, hours_text, insurance_text, location_text

ROOT = Path(__file__).resolve().parents[2]


def test_plain_words_map_to_the_guides_codes():
    assert care_from_text("my skin rash") == (DERMATOLOGY, None)
    assert care_from_text("checkup for my kid") == (PEDIATRICS, "well-child")
    assert care_from_text("actually a family doctor")[0] == FAMILY
    assert care_from_text("a physical") == (FAMILY, "physical")
    assert care_from_text("heartburn again")[0] == GASTRO
    assert care_from_text("the reason is personal") == (None, None)


def test_birth_dates_names_phones_and_choices():
    for text in ("03/14/1985", "3/14/85", "1985-03-14", "march 14 1985", "born March 14th, 1985",
                 "03141985", "19850314", "031485", "140385"):
        assert str(parse_dob(text)) == "1985-03-14", text
    assert str(parse_dob("122595")) == "1995-12-25" and str(parse_dob("20010203")) == "2001-02-03"
    for not_a_birth_date in ("tomorrow", "123456", "99999999", "20991231", "4085550199"):
        assert parse_dob(not_a_birth_date) is None, not_a_birth_date
    assert split_name("my name is jane smith") == ("Jane", "Smith")
    assert split_name("hi") is None
    for early_answer in ("blue shield", "self pay", "Aetna PPO", "medi-cal"):  # a payer is not a name
        assert split_name(early_answer) is None, early_answer
    for said in ("her name is Sofia Kowalczyk", "her name's Sofia Kowalczyk", "she is Sofia Kowalczyk",
                 "my daughter's name is Sofia Kowalczyk", "the patient is Sofia Kowalczyk", "Name: Sofia Kowalczyk"):
        assert split_name(said) == ("Sofia", "Kowalczyk"), said
    assert split_name("Henry Kaiser") == ("Henry", "Kaiser") and split_name("Johnny Cash") == ("Johnny", "Cash")
    assert parse_phone("(408) 555 0199") == "408-555-0199"
    assert [parse_choice(t, 3) for t in ("2", "option 3", "the second one", "last", "nothing")] == [2, 3, 2, 3, None]


def test_clinic_answers_come_from_clinic_json_and_fit_an_sms_pair():
    for text in (hours_text(), location_text("where are you"), location_text("address in san jose"),
                 insurance_text("do you take aetna")[0], insurance_text("what do you take")[0]):
        assert 0 < len(text) <= MAX_CHARS
    assert insurance_text("do you take aetna")[1]["name"] == "Aetna"


def test_clip_removes_iso_timestamps_and_none():
    text = clip("At 2026-12-01T09:15:00-08:00 with None " + "x" * 400)
    assert "2026-12-01T" not in text and "None" not in text and len(text) <= MAX_CHARS


def test_every_action_registers_with_the_action_server():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain_actions = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        domain_actions |= set((yaml.safe_load(path.read_text()) or {}).get("actions", []))
    assert domain_actions <= set(executor.actions)


def test_every_canned_response_is_short_and_clean():
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        for name, variants in ((yaml.safe_load(path.read_text()) or {}).get("responses") or {}).items():
            for v in variants:
                assert len(v["text"]) <= MAX_CHARS, name
                assert "None" not in v["text"], name


def test_a_name_classified_as_handoff_goes_to_the_form_not_to_a_person():
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.handoff import ASKS_FOR_PERSON, ActionHandoff

    tracker = Tracker("t", {"requested_slot": "person_name"},
                      {"text": "Gustavo Pereira", "intent": {"name": "handoff", "confidence": 0.6}},
                      [], False, None, {"name": "verify_form"}, "action_listen")
    domain = {"forms": {"verify_form": {"required_slots": ["person_name", "dob", "verify_choice"]}}}
    events = asyncio.run(ActionHandoff().run(CollectingDispatcher(), tracker, domain))
    # the form's own validator took the name (and asks for the birth date next); no callback Task
    assert {"event": "slot", "timestamp": None, "name": "person_name", "value": "Gustavo Pereira"} in events
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "dob"} in events
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "verify_form"}
    assert not any(e.get("name") == "handoff_task" for e in events)
    for asks in ["agent", "can I talk to someone", "a real person please", "call me", "0", "hablar con una persona"]:
        assert ASKS_FOR_PERSON.search(asks), asks
    for name in ["Gustavo Pereira", "Rita Movewell", "Hank Hallworth", "Persephone Jones"]:
        assert not ASKS_FOR_PERSON.search(name), name


def test_a_clinician_is_named_only_after_dr_or_doctor():
    from actions.clinicians import named_clinician

    for text, name in [("I want to see Dr. Boyce next week", "Boyce"), ("doctor boyce pls", "boyce"),
                       ("dr crusher on friday", "crusher"), ("need a skin doctor tomorrow", None),
                       ("a family doctor please", None), ("doctor for my kid", None), ("Rita Movewell", None)]:
        assert named_clinician(text) == name, text
    from actions.clinicians import name_candidates

    for text in ("hmm actually make it a regular doctor instead", "the doctor then", "a doctor too"):
        assert not name_candidates(text), text


def test_an_option_is_picked_by_its_time_weekday_date_or_day_of_month(monkeypatch):
    from actions.common import match_option

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-12-04T09:00:00-08:00")
    appts = ["Fri Dec 4, 12:00 PM with Dr. Boyce at San Jose Dermatology Clinic",
             "Thu Dec 10, 2:00 PM with Dr. Billingsley at San Jose Dermatology Clinic"]
    assert match_option("the 2pm one", appts) == 2
    assert match_option("the friday one", appts) == 1
    assert match_option("dec 10", appts) == 2
    assert match_option("the 10th one", appts) == 2
    assert match_option("the one on the 4th", appts) == 1
    assert match_option("the 2nd one", appts) is None  # an option number, not December 2nd
    assert match_option("the 11th", appts) is None


def test_a_part_of_day_goes_on_the_days_offered_when_the_days_asked_for_had_nothing(monkeypatch):
    from rasa_sdk import Tracker

    from actions.forms.offer_times import offered_days, windows_near

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-12-04T09:00:00-08:00")
    saturday = [["2026-12-05T00:00:00-08:00", "2026-12-06T00:00:00-08:00"]]
    monday = [{"id": "a", "text": "Mon Dec 7, 10:15 AM", "start": "2026-12-07T18:15:00+00:00"}]

    def tracker(options):
        return Tracker("s", {"windows": saturday, "options": options}, {}, [], False, None, {}, "action_listen")

    assert offered_days(tracker(monday)) == [["2026-12-07T00:00:00-08:00", "2026-12-08T00:00:00-08:00"]]
    (start, end), = windows_near("the afternoon instead", tracker(monday))
    assert start.startswith("2026-12-07T12") and end.startswith("2026-12-07"), (start, end)
    on_saturday = [{"id": "b", "text": "Sat Dec 5, 10:15 AM", "start": "2026-12-05T18:15:00+00:00"}]
    assert offered_days(tracker(on_saturday)) == []  # offered on the day asked for: that day stays
    (start, _), = windows_near("the afternoon instead", tracker(on_saturday))
    assert start.startswith("2026-12-05T12"), start


def test_a_time_asked_for_only_on_closed_days_is_said_to_be_closed():
    from actions.forms.offer_times import closed_on_all

    assert closed_on_all([["2026-12-05T00:00:00-08:00", "2026-12-06T00:00:00-08:00"]])  # Saturday
    assert closed_on_all([["2026-12-05T09:00:00-08:00", "2026-12-07T00:00:00-08:00"]])  # the weekend
    assert not closed_on_all([["2026-12-05T09:00:00-08:00", "2026-12-07T12:00:00-08:00"]])  # ... and Monday
    assert not closed_on_all([["2026-12-07T12:00:00-08:00", "2026-12-07T17:00:00-08:00"]])
    assert not closed_on_all([])


def test_the_reply_hint_names_only_the_options_listed():
    from actions.forms.booking import reply_hint

    assert reply_hint(3) == "Reply 1, 2 or 3, or 'none' for other times."
    assert reply_hint(2) == "Reply 1 or 2, or 'none' for other times."
    assert reply_hint(1) == "Reply 1 to pick it, or 'none' for other times."


def test_moves_relative_to_the_appointment_being_moved(monkeypatch):
    from actions.forms.offer_times import relative_move, says_relative

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    old = "2026-12-02T10:00:00-08:00"  # a Wednesday
    first = lambda text: relative_move(text, old)[0][0][:16]  # noqa: E731 - where the nearest window starts
    assert first("can u push my appt back a week?") == "2026-12-09T10:00"
    assert first("same time next week instead?") == "2026-12-09T10:00"
    assert first("could it be an hour later") == "2026-12-02T11:00"
    assert first("move it up a day") == "2026-12-01T10:00"
    assert first("same time on friday") == "2026-12-04T10:00"
    assert first("half an hour earlier pls") == "2026-12-02T09:30"
    for text in ("friday, same time-ish", "same-ish time friday", "friday around the same time", "same time ish on friday"):
        assert first(text) == "2026-12-04T10:00", text  # "-ish", a comma, "around": the same time that day
    assert relative_move("same time-ish", old) is None  # no day said: asked, not guessed
    assert first("cant do wed, same time next week?") == "2026-12-09T10:00"  # the day after "same time" wins
    for text in ("can i come tuesday afternoon", "something later", "push it to friday"):
        assert not says_relative(text) and relative_move(text, old) is None, text


def test_a_name_signed_at_the_end_and_a_childs_visit():
    from actions.care import for_a_child
    from actions.common import trailing_name
    from actions.who import dob_question

    assert trailing_name("whens my appt, jonah whitcombe") == "Jonah Whitcombe"
    assert trailing_name("cancel my appt, thanks so much") is None
    assert trailing_name("book a derm appt, anything works") is None
    assert trailing_name("is my thursday appt still on? - dana reyes") == "Dana Reyes"  # signed after a dash
    assert trailing_name("is it on — Mary-Jane Okoro") == "Mary-Jane Okoro" and trailing_name("mary-jane okoro") is None
    assert for_a_child(DERMATOLOGY, None) == (PEDIATRICS, None)
    assert for_a_child(FAMILY, "physical") == (PEDIATRICS, "well-child")
    assert dob_question(None) == "What's your date of birth? (for example 03/14/1985)"
    assert dob_question({"rel": "son", "given": "Leo"}) == "What's Leo's date of birth? (for example 03/14/2018)"


def test_a_question_about_appointments_on_a_day_reads_that_day(monkeypatch):
    from actions.next_step import day_asked, days_label, within

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")  # a Monday
    label = lambda text, name=None: days_label(day_asked(text, name))  # noqa: E731
    assert label("what time is my appointment tomorrow?") == "tomorrow"
    assert label("do i have anything on friday") == "on Fri Dec 4"
    assert label("what do i have today") == "today"
    assert label("any appts next week?") == "between Mon Dec 7 and Sun Dec 13"
    for text in ("whens my appt, jonah whitcombe", "when is my next appointment", "what appointments do i have already?",
                 "whens my appt? jane doe 3/4/85"):
        assert day_asked(text) == [], text  # no day named: every upcoming one
    assert day_asked("whens my appt, may smith", "May Smith") == []  # a name is no month
    from datetime import datetime

    friday = day_asked("do i have anything on friday")
    assert within(datetime.fromisoformat("2026-12-04T10:00:00-08:00"), friday)
    assert not within(datetime.fromisoformat("2026-12-03T10:00:00-08:00"), friday)


def test_a_move_before_opening_or_after_closing_says_why(monkeypatch):
    from actions.forms.offer_times import hours_note, relative_move

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    assert hours_note(relative_move("an hour earlier", "2026-12-02T08:00:00-08:00")).startswith("We open at 8 AM, so that's as early")
    assert hours_note(relative_move("an hour later", "2026-12-02T16:30:00-08:00")).startswith("We close at 5 PM")
    assert hours_note(relative_move("an hour later", "2026-12-02T10:00:00-08:00")) is None
    assert hours_note(relative_move("half an hour earlier", "2026-12-02T08:30:00-08:00")) is None  # 8:00 is open
    assert hours_note([["2026-12-01T00:00:00-08:00", "2026-12-02T00:00:00-08:00"]]) is None  # a whole day
    assert hours_note([["2026-12-05T07:00:00-08:00", "2026-12-05T08:00:00-08:00"]]) is None  # Saturday: "closed" says it
    assert hours_note(None) is None


def test_one_more_booking_is_told_from_a_change_of_this_one():
    from actions.forms.booking import wants_another_booking
    from actions.who import someone_else

    for text in ("actually can you book my son too", "book another one for next week as well", "can i also book one for my wife",
                 "and one for me too", "can you get my daughter in as well", "my husband needs one too",
                 "and i need a skin check next week too"):
        assert wants_another_booking(text), text
    for text in ("actually it's for my daughter", "another time please", "something else on friday", "do you take aetna",
                 "can i book for thursday instead", "i'll take another one", "yes book it, also where are you",
                 "i'm insured through my husband too", "2", "yes"):
        assert not wants_another_booking(text), text
    assert someone_else("actually can you book my son too") == {"rel": "son", "given": None, "name": None}  # "too" is no name


def test_a_name_that_holds_a_complaint_is_a_name():
    from actions.care import says_reason
    from actions.common import bare_name, name_in_text
    from actions.next_step import without_name

    assert name_in_text("hi this is Chidi Achebe, dob 3/4/1980, need a checkup") == "Chidi Achebe"
    assert bare_name(["chidi", "achebe"]) == "Chidi Achebe"
    assert care_from_text(without_name("hi this is Chidi Achebe, dob 3/4/1980, can i book an appt")) == (None, None)
    assert care_from_text(without_name("hi this is Chidi Achebe, dob 3/4/1980, my skin is itchy"))[0] == DERMATOLOGY
    for text in ("skin rash", "my back aches", "allergies", "dermatologist", "sore throat", "check up", "headaches"):
        assert says_reason(text) and bare_name(text.split()) is None, text
    for text in ("Chidi Achebe", "Philip Hipps", "Jane Smith"):
        assert not says_reason(text), text


def test_where_is_that_clinic_after_a_list_names_the_place_just_mentioned():
    said = "Your upcoming appointment:\n- Wed Dec 9, 1:30 PM with Dr. Lense at Sacramento Family Clinic"
    events = [{"event": "user", "text": "whens my next appt"}, {"event": "bot", "text": said},
              {"event": "user", "text": "where is that clinic"}]
    tracker = Tracker("t", {}, {}, events, False, None, {}, "action_listen")
    assert address_in_play(tracker, "where is that clinic") == "Sacramento Family Clinic: 2801 K Street, Sacramento, CA 95815"
    # a place the patient names wins; what was said two messages ago is not "that clinic"
    assert address_in_play(tracker, "address in san jose") is None
    older = [*events[:2], {"event": "user", "text": "thanks"}, {"event": "bot", "text": "Anything else?"}, events[2]]
    assert address_in_play(Tracker("t", {}, {}, older, False, None, {}, "action_listen"), "where is that clinic") is None


def test_a_second_booking_is_not_a_cancel_or_a_move_said_with_also():
    from actions.forms.booking import wants_another_booking

    for said in ("can you book my son too", "a skin check next week too", "book another one for next week as well"):
        assert wants_another_booking(said), said
    for said in ("great. can you also cancel my wednesday appointment", "also move my other appt to friday",
                 "can you reschedule my other appointment too"):
        assert not wants_another_booking(said), said


def test_anything_sooner_looks_at_earlier_days_and_anything_earlier_at_that_day():
    from datetime import datetime

    from actions.forms.offer_times import shift_windows

    options = [{"start": "2027-01-13T10:00:00-08:00"}, {"start": "2027-01-13T10:45:00-08:00"}]
    earlier = shift_windows("anything earlier?", options, None)
    assert earlier == [["2027-01-13T00:00:00-08:00", "2027-01-13T10:00:00-08:00"]]
    for said in ("do you have anything sooner", "an earlier day?"):
        (start, end), = shift_windows(said, options, None)
        assert datetime.fromisoformat(start) < datetime.fromisoformat("2027-01-12T00:00:00-08:00"), said
        assert end == "2027-01-13T10:00:00-08:00", said


def test_an_appointment_picked_by_its_kind():
    from actions.forms.manage import by_kind

    appts = [{"id": "a", "specialty": DERMATOLOGY}, {"id": "b", "specialty": FAMILY}]
    assert [by_kind(t, appts) for t in ("the skin one", "my dermatology appt", "the physical", "the stomach one", "the monday one")] \
        == [1, 1, 2, None, None]
    assert by_kind("the skin one", [*appts, {"id": "c", "specialty": DERMATOLOGY}]) is None  # two of that kind: ask


def test_a_phone_number_inside_a_longer_message():
    from actions.common import phone_in_text

    said = "new pt, dob 11-02-1990, cell 916 555 0190, zip 95014, member id W123456789"
    assert phone_in_text(said) == "916-555-0190"
    assert phone_in_text("call me at (408) 555-0123") == phone_in_text("+1 408.555.0123") == "408-555-0123"
    assert phone_in_text("dob 03/14/1985, zip 95014") is None


def test_a_thumbs_up_is_a_yes_and_a_thumbs_down_a_no():
    from actions.common import yes_no

    def answer(text, intent="inform"):
        return yes_no(Tracker("t", {}, {"text": text, "intent": {"name": intent, "confidence": 0.5}}, [], False, None, {},
                              "action_listen"))

    assert [answer(t) for t in ("👍", " 👍🏽 ", "✅", "👌")] == [True] * 4
    assert [answer(t) for t in ("👎", "❌")] == [False] * 2
    assert answer("👍 but not that one") is None and answer("sounds good") is True


def test_six_appointments_to_pick_from_fit_one_text_message():
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.forms.manage import ActionAskManagePick

    appts = [{"id": str(i), "text": f"Wed Dec 3{i % 2}, 12:45 PM with Dr. Billingsley at San Francisco Gastroenterology"}
             for i in range(6)]
    dispatcher = CollectingDispatcher()
    tracker = Tracker("t", {"appts": appts, "goal": "cancel"}, {}, [], False, None, {}, "action_listen")
    asyncio.run(ActionAskManagePick().run(dispatcher, tracker, {}))
    text = dispatcher.messages[0]["text"]
    assert len(text) <= MAX_CHARS and "6) Wed Dec 31, 12:45 PM" in text and text.endswith("(or reply 'all')"), text


def test_a_question_about_where_an_offered_time_is_picks_nothing():
    from actions.digressions import addresses_in
    from actions.forms.booking import PLACE_QUESTION

    for said in ("Is the first one downtown?", "where is that?", "which clinic is 2?", "is #3 near downtown?"):
        assert PLACE_QUESTION.search(said), said
    for said in ("what about thursday?", "the first one", "2", "the one near noon"):
        assert not PLACE_QUESTION.search(said), said
    assert addresses_in(["Fri Dec 11, 10:00 AM with Dr. Boyce at San Jose Dermatology Clinic"]) == \
        "San Jose Dermatology Clinic: 1010 Race Street, San Jose, CA 94121"


def test_two_people_in_one_message_split_into_the_writers_request_and_theirs():
    from actions.next_step import writers_details_out
    from actions.who import drops_other, two_others, writer_and_other

    assert writer_and_other("hi can i book a checkup for me and my son Leo") == (
        "hi can i book a checkup for me", "hi can i book a checkup for my son Leo")
    assert writer_and_other("can my son and i get checkups next week")[1] == "can my son get checkups next week"
    assert care_from_text(writer_and_other("checkups for me and my daughter")[0])[0] == FAMILY  # the writer's: not pediatrics
    assert writer_and_other("book my son Leo in") is None and writer_and_other("a checkup for me please") is None
    assert two_others("need checkups for my son and daughter") == ("need checkups for my son", "need checkups for my daughter")
    assert two_others("book my son and his friend") is None and two_others("after i drop off my son and daughter") is None
    text = "need appts for me and my daughter. babatunde oyelaran 8/8/80"
    assert "8/8/80" not in writers_details_out(writer_and_other(text)[1], text)  # his birth date is not hers
    assert drops_other("actually just me for now, thanks", {"rel": "daughter"}) and drops_other("ok bye", {"rel": "son"})
    assert not drops_other("leo lindgren", {"rel": "son"}) and not drops_other("just me", None)


def test_keeping_the_appointment_being_moved_is_not_a_time():
    from actions.forms.booking import KEEP_IT

    for said in ("actually nvm, keep the friday one as is", "leave it", "i'll keep my appointment", "keep it"):
        assert KEEP_IT.search(said), said
    for said in ("keep it in the morning", "keep it early", "tuesday", "keep it at the same time next week"):
        assert not KEEP_IT.search(said), said


def test_a_clinician_named_without_dr_must_fit_the_option_too():
    from actions.common import match_option

    appts = ["Mon Dec 7, 10:00 AM with Dr. Billingsley at San Jose", "Mon Dec 7, 10:15 AM with Dr. Billingsley at San Jose",
             "Mon Dec 7, 10:30 AM with Dr. Boyce at San Jose"]
    assert match_option("is 10:30 with billingsley possible?", appts) is None  # not Dr. Boyce's 10:30
    assert match_option("10:15 with billingsley", appts) == 2
    assert match_option("boyce", appts) == 3
    assert match_option("the 10:30 one", appts) == 3


def test_member_ids_typed_in_groups_dates_and_no_card():
    from actions.forms.coverage import DATE_LIKE, NO_CARD, PAYING_MYSELF, typed_member_id

    assert typed_member_id("XEB 445 88120") == "XEB44588120"
    assert typed_member_id("W 2234 5567 89") == "W2234556789"
    assert typed_member_id("my id is A-12345") == "A-12345"
    assert typed_member_id("member id: 91234455601") == "91234455601"
    assert typed_member_id("i dont know") is None
    assert all(DATE_LIKE.search(t) for t in ["3/2/1990", "1990-03-02", "march 2, 1990", "03-02-1990"])
    assert not DATE_LIKE.search("XEB 445 88120")
    assert all(NO_CARD.search(t) for t in ["i dont have my card with me right now", "can i give it later?", "skip"])
    assert all(PAYING_MYSELF.search(t) for t in ["ok then self pay", "Self-pay", "I'll pay myself", "i dont have insurance"])
    assert not NO_CARD.search("W123456789") and not PAYING_MYSELF.search("W123456789")


def test_a_payer_misspelled_in_the_answer_to_which_insurance():
    from actions.forms.coverage import match_payer

    assert match_payer("aetan", loose=True)["name"] == "Aetna"
    assert match_payer("blue sheild", loose=True)["name"] == "Blue Shield of California"
    assert match_payer("I have cigan", loose=True)["name"] == "Cigna"
    assert match_payer("aetan") is None  # (only where a plan's name is the answer)
    assert all(match_payer(t, loose=True) is None for t in ["no insurance", "hello there", "yes", "i dont know"])


def test_not_a_day_while_choosing_is_a_preference_and_instead_is_not_a_name():
    from actions.forms.booking import NOT_DAY
    from actions.who import someone_else

    assert NOT_DAY.search("none of those, not mondays").group(1).lower() == "mon"
    assert NOT_DAY.search("anything but tuesday")
    assert not NOT_DAY.search("monday is fine") and not NOT_DAY.search("no, monday works")
    assert someone_else("wait actually can you do this for my daughter instead") == {"rel": "daughter", "given": None, "name": None}
    assert someone_else("for my daughter Zoe instead")["given"] == "Zoe"


def test_hesitations_and_questions_are_never_a_yes():
    from actions.common import yes_no

    def answer(text, intent="affirm"):
        return yes_no(Tracker("t", {}, {"text": text, "intent": {"name": intent}}, [], False, None, {}, "action_listen"))

    assert [answer(t) for t in ["hmm", "hm", "hmmm", "umm", "ok?", "uh"]] == [None] * 6  # (the classifier said affirm)
    assert answer("yes but can it be with dr pulaski instead") is None  # a change, not a yes
    assert answer("yes") is True and answer("ok") is True and answer("yup", "inform") is True
    assert answer("no", "deny") is False


def test_a_new_writer_in_a_verified_conversation_and_never_mind():
    from actions.forms.base import NEVER_MIND
    from actions.next_step import someone_new_writes

    assert someone_new_writes("my name is Lucia Ortega, cancel my appointment", "Chidi Okafor")
    assert someone_new_writes("hi its Jordan Hale dob 2/28/95, what appts do i have", "Marco Reyes")
    assert someone_new_writes("this is actually his wife on his phone, whats on my schedule?", "Chidi Okafor")
    assert not someone_new_writes("my name is Chidi Okafor, cancel my appt", "chidi okafor")
    assert not someone_new_writes("its Lucía Ortega", "Lucia Ortega")  # (accents aside, the same person)
    assert not someone_new_writes("cancel my tuesday appt", "Chidi Okafor")
    assert all(NEVER_MIND.search(t) for t in ["never mind", "nevermind forget it", "no thanks"])
    assert not any(NEVER_MIND.search(t) for t in ["Nicole Mind", "Neville Mindy"])


def test_the_writer_on_behalf_of_the_person_named():
    from actions.who import acting_for, whose

    assert whose(acting_for("this is his wife, what appointments does he have?")) == "your husband's"
    assert whose(acting_for("hi this is her husband, does she have anything next week")) == "your wife's"
    assert whose(acting_for("its her son, when is her next appt")) == "your mother's"
    assert whose(acting_for("i'm their caregiver, can you cancel their appointment")) == "your family member's"
    assert acting_for("this is actually his wife on his phone, whats on my schedule?") is None  # her own
    assert acting_for("this is his wife") is None  # (nothing asked about him)
    assert acting_for("what appointments does he have?") is None


def test_one_appointment_back_by_its_day():
    from actions.next_step import UNDO, day_asked

    assert all(UNDO.search(t) for t in ["can i get the friday one back?", "can i have my thursday appt back", "get it back"])
    assert not UNDO.search("i want the friday one")
    assert day_asked("actually can i get the friday one back?")  # the day picks which of those cancelled


def test_a_move_of_what_was_just_booked_a_price_question_and_what_time_again():
    from actions.digressions import PRICE_QUESTION
    from actions.next_step import MAKE_IT, guess_goal

    assert all(MAKE_IT.search(t) for t in ["actually can we make that thursday instead?", "can you make it 3pm", "do it next week"])
    assert not any(MAKE_IT.search(t) for t in ["make it a dermatologist instead", "make it quick", "i can make it"])
    assert all(PRICE_QUESTION.search(t) for t in ["how much does a visit cost?", "whats the copay", "what is the price of a checkup"])
    assert not any(PRICE_QUESTION.search(t) for t in ["im feeling better", "a skin check", "after my coffee"])
    assert guess_goal("what time was that again?") == "list" and guess_goal("when is it again?") == "list"


def test_a_moment_asked_for_and_a_question_about_an_option():
    from actions.forms.base import HOLD_ON
    from actions.forms.booking import asks_about_option

    assert all(HOLD_ON.search(t) for t in ["one sec", "hold on let me check", "brb", "ok one sec", "let me grab my card"])
    assert not any(HOLD_ON.search(t) for t in ["second one", "let me think about it", "hold on, make it friday", "one sec, actually 3/4/85"])
    from actions.forms.booking import THE_ONE_AFTER, one_later

    assert all(THE_ONE_AFTER.search(t) for t in ["how about the week after", "the day after that", "ok the week after then"])
    assert not THE_ONE_AFTER.search("the week after next")  # (the parser's: a date of its own)
    assert one_later([["2026-12-07T00:00:00-08:00", "2026-12-12T00:00:00-08:00"]], "week") == \
        [["2026-12-14T00:00:00-08:00", "2026-12-19T00:00:00-08:00"]]
    options = [{"text": "a"}, {"text": "b"}, {"text": "c"}]
    assert asks_about_option("hmm actually what time is the first one again?", options) == 1
    assert asks_about_option("who is option 3 with?", options) == 3
    assert not any(asks_about_option(t, options) for t in ["what about the first one?", "can i have the first one instead?",
                                                          "the first one", "what time is it?"])


def test_a_name_given_later_in_the_message_is_the_other_persons():
    from actions.who import someone_else

    assert someone_else("my kid needs a checkup, his name is Finn") == {"rel": "kid", "given": "Finn", "name": None}
    assert someone_else("my daughter has a rash her name is emma lopez")["name"] == "Emma Lopez"
    assert someone_else("my son needs a checkup and his name is the same as mine")["given"] is None


def test_another_person_named_as_whose_visit_it_is():
    from actions.common import split_name
    from actions.who import named_other

    for text in ("what appointments does Jordan Hale have", "cancel the appointment for jordan hale", "jordan hale's appointment"):
        assert named_other(text, "Avery Stone") == {"rel": "person", "given": "Jordan", "name": "Jordan Hale"}, text
    for text in ("book for next tuesday", "is mccoy available", "for dr crusher", "book for Avery Stone", "any appts for family medicine?"):
        assert named_other(text, "Avery Stone") is None, text
    assert split_name("does my wife have anything booked") is None  # everyday words, not a name
    assert split_name("John Will") == ("John", "Will")


def test_a_question_about_an_appointment_is_not_a_request_to_change_it():
    from actions.next_step import STATUS_QUESTION

    for text in ("did my Dec 10 appointment get cancelled?", "has my appointment been cancelled", "was my appt moved",
                 "is my appt still on?", "did you cancel my appointment?"):
        assert STATUS_QUESTION.search(text), text
    for text in ("cancel my appointment", "i was going to cancel my appointment", "is it possible to cancel my appt",
                 "is it too late to cancel my appointment", "did my appt get cancelled? if not please cancel it"):
        assert not STATUS_QUESTION.search(text), text


def test_spans_member_ids_any_doctor_and_paying_ourselves():
    from actions.common import parse_choice
    from actions.forms.booking import ANY_CLINICIAN
    from actions.forms.coverage import typed_member_id
    from actions.forms.offer_times import parse_windows
    from actions.next_step import PAYING_MYSELF
    from actions.who import someone_else

    for text in ("in two weeks", "in 3 weeks", "what about 2 weeks from now", "3pm", "a week later"):
        assert parse_choice(text, 3) is None, text  # a time, not an option's number
    assert parse_choice("option 2", 3) == 2 and parse_choice("two", 3) == 2
    assert typed_member_id("what about 2 weeks from now") is None and typed_member_id("in 2 wks") is None
    assert typed_member_id("XEB 445 88120") == "XEB44588120"
    assert all(ANY_CLINICIAN.search(t) for t in ("any doctor is fine", "ok any doctor then", "whoever is free"))
    assert not ANY_CLINICIAN.search("any time tuesday")
    assert PAYING_MYSELF.search("we pay ourselves") and not PAYING_MYSELF.search("aetna")
    assert someone_else("hi i need to book for my son, hes 6")["given"] is None  # "hes" is no name
    assert parse_windows("what about 2 weeks from now") == parse_windows("2 weeks from now")  # not 2 o'clock


def test_qa_stop_17_rules():
    from actions.common import name_in_text, parse_email
    from actions.forms.offer_times import parse_windows
    from actions.forms.verify import _norm
    from actions.who import same_person, someone_else

    assert parse_email("nora.quinn@example.com.") == "nora.quinn@example.com"  # the sentence's full stop is no part
    assert parse_email("it's a.b+c@mail.co.uk, thanks") == "a.b+c@mail.co.uk"
    said = "Hi! Priya Natarajan here, DOB 21 July 1990. Need a GI appt early next week, mornings best."
    assert name_in_text(said) == "Priya Natarajan"  # not "Mornings Best"
    assert _norm("Tomás") == _norm("tomas") and _norm("Núñez") == "nunez"
    assert parse_windows("can i book w/ dr boyce?") == []  # "w/" is "with", not Wednesday
    assert len(parse_windows("m/w/f mornings")) == 3 and len(parse_windows("t/th afternoon")) == 2
    noah = someone_else("great now my other son Noah Schultz, dob 3/3/2019, same day")
    assert noah["rel"] == "son" and noah["name"] == "Noah Schultz"
    # a son asked for by name after another son (named at the name question) is someone else
    assert not same_person({"rel": "son", "given": None}, noah, "Leo Okafor")
    assert same_person({"rel": "son", "given": None}, noah, "Noah Schultz")
    assert same_person({"rel": "son", "given": None}, {"rel": "son", "given": None}, "Leo Okafor")


def test_a_cancel_asked_for_in_a_move():
    from actions.forms.booking import CANCEL_NOT_MOVE

    for text in ("no i want to CANCEL it not move it", "just cancel it", "cancel it instead of moving it",
                 "i dont want to move it, cancel it", "actually just cancel"):
        assert CANCEL_NOT_MOVE.search(text), text
    for text in ("monday", "no", "not monday, cancel that time", "cancel please? not tuesday", "none of those"):
        assert not CANCEL_NOT_MOVE.search(text), text


def test_where_questions_while_choosing_and_unknown_birth_dates():
    from actions.forms.booking import PLACE_QUESTION
    from actions.forms.verify import DOB_UNKNOWN
    from actions.handoff import ASKS_FOR_PERSON

    for where in ("is the 2nd one in sf?", "is that in san jose?", "are they in palo alto?", "is the first one downtown?"):
        assert PLACE_QUESTION.search(where), where
    for when in ("is the 2nd one in the morning?", "is it in december?", "is it in 2 weeks?", "is it in person?",
                 "is the 2nd one in sf", "2"):  # (no question mark: not a question)
        assert not PLACE_QUESTION.search(when), when
    for unknown in ("i don't know his birthday", "no idea", "not sure", "idk", "I dont have it", "forgot"):
        assert DOB_UNKNOWN.search(unknown), unknown
    assert not DOB_UNKNOWN.search("3/14/1985") and not DOB_UNKNOWN.search("march 14")
    assert ASKS_FOR_PERSON.search("can i tlk to sum1")


def test_a_city_asked_for_while_choosing():
    from actions.forms.booking import place_asked

    for text, city in (("anything in san francisco?", "San Francisco"), ("do you have something closer to sf", "San Francisco"),
                       ("none of those, any openings in sacramento", "Sacramento"), ("anything at the san jose clinic?", "San Jose")):
        assert place_asked(text)[0] == city, text
    assert place_asked("anything in palo alto?") == (None, "palo alto")  # no clinic of ours there: said so
    for text in ("anything in the afternoon?", "something in december", "anything in two weeks?", "anything in person?",
                 "is the 2nd one in sf?", "any times in the city?", "anything around then", "anything on monday?"):
        assert place_asked(text) == (None, None), text


def test_qa_stop_22_rules(monkeypatch):
    from actions.common import name_in_text
    from actions.forms.offer_times import relative_move, says_relative
    from actions.handoff import ASKS_TO_SPEAK
    from actions.urgent import URGENT

    # the name after a second intro ("I'm new here. My name is ...")
    assert name_in_text("Hi, I'm new here. My name is Priya Raman, born 3/14/1991") == "Priya Raman"
    assert name_in_text("im new, im jane smith") == "Jane Smith" and name_in_text("i'm new here, need a checkup") is None
    # "later that week": the days after the appointment's, to the end of its week, in the part of day said
    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    old = "2026-12-09T10:00:00-08:00"  # a Wednesday
    week = relative_move("can i change it to an afternoon later that week", old)
    assert [w[0][:16] for w in week][:2] == ["2026-12-10T12:00", "2026-12-11T12:00"] and all(w[1][11:16] == "17:00" for w in week)
    assert [w[0][:10] for w in relative_move("earlier in the week", old)] == ["2026-12-07", "2026-12-08"]
    assert says_relative("later in the week") and not says_relative("later this week")  # (this week: the parser's)
    assert relative_move("earlier that week", "2026-11-30T10:00:00-08:00") is None  # a Monday: no day before it
    # a person by their words; an emergency by its symptoms
    assert all(ASKS_TO_SPEAK.search(t) for t in ["can i speak with a nurse please", "actually can i talk to a nurse first",
                                                  "I need to talk to someone about my bill", "can a nurse call me"])
    assert not any(ASKS_TO_SPEAK.search(t) for t in ["i want to see a nurse practitioner", "book a checkup", "call me maybe tuesday"])
    assert all(URGENT.search(t) for t in ["I have chest pain and trouble breathing", "i can't breathe", "my dad is having a stroke"])
    assert not any(URGENT.search(t) for t in ["a rash on my chest", "back pain", "a checkup", "painful breathing exercises"])


def test_qa_stop_22_who_and_which_week(monkeypatch):
    from actions.common import name_in_text
    from actions.forms.offer_times import in_its_week, parse_windows
    from actions.next_step import WHEN_IS_IT
    from actions.who import same_first_name, someone_else

    assert name_in_text("Hi Clementine Abernathy here dob 06/30/1969, I need to move my appt") == "Clementine Abernathy"
    assert someone_else("hi this is bernadette's daughter, when is her appointment?") == \
        {"rel": "mother", "given": "Bernadette", "name": None}
    assert someone_else("i'm Tom's wife, he needs a checkup")["rel"] == "husband" and someone_else("this is his wife") is None
    assert all(same_first_name(a, b) for a, b in [("Tom", "Thomas"), ("Liz", "Elizabeth"), ("alex", "Alexander"), ("Zoë", "zoe")])
    assert not any(same_first_name(a, b) for a, b in [("Emma", "Corinne"), ("Al", "Alan"), ("Mike", "Mitchell")])
    assert WHEN_IS_IT.search("can you tell me when her appointment is?") and not WHEN_IS_IT.search("book her appointment")
    # a weekday said alone, in a move of next week's Tuesday: that week's, not this week's
    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    tuesday_next_week, tuesday = "2026-12-08T10:00:00-08:00", "2026-12-01T10:00:00-08:00"
    assert in_its_week("thursday at 11", parse_windows("thursday at 11"), tuesday_next_week)[0][0][:16] == "2026-12-10T11:00"
    assert in_its_week("thursday", parse_windows("thursday"), tuesday)[0][0][:10] == "2026-12-03"  # this week's own
    same = "move it to friday of the same week"
    assert in_its_week(same, parse_windows(same), tuesday_next_week)[0][0][:10] == "2026-12-11"
    assert split_name("Sure, it's Marcus Whitfield, born July 22, 1972.") == ("Marcus", "Whitfield")
    for said in ("this thursday", "thursday the 3rd", "next thursday", "tomorrow"):
        assert in_its_week(said, parse_windows(said), tuesday_next_week) == parse_windows(said), said


def test_qa_stop_22_asides_and_two_kinds():
    from actions.care import DERMATOLOGY, two_kinds
    from actions.digressions import ARE_YOU_A_BOT, VIDEO_VISIT

    assert care_from_text("can i bring my daughter along? i need a skin check") == (DERMATOLOGY, None)
    assert two_kinds("a skin check and a physical") == ("a skin check", "a physical")
    assert two_kinds("a checkup and a flu shot") is None and two_kinds("rash and itching") is None
    assert all(ARE_YOU_A_BOT.search(t) for t in ["are you a real person?", "is this a bot", "r u a robot", "am i talking to a human?"])
    assert not any(ARE_YOU_A_BOT.search(t) for t in ["i want a real person", "talk to a human", "is this the clinic"])
    assert all(VIDEO_VISIT.search(t) for t in ["do you do video visits?", "telehealth?", "can i have a virtual appointment"])
    assert not VIDEO_VISIT.search("i need a visit")


def test_qa_stop_22_a_woman_or_a_man_as_the_clinician():
    from actions.clinicians import gender_wanted
    from actions.forms.booking import pick_option

    assert gender_wanted("I'd like a checkup with a female doctor if possible") == "female"
    assert gender_wanted("can i see a woman instead?") == "female" and gender_wanted("preferably a male physician") == "male"
    assert not any(gender_wanted(t) for t in ["my son is a man now", "female", "any doctor is fine", "with dr boyce"])
    assert pick_option("Okay, the next one then.", [{"text": "a"}, {"text": "b"}]) == 1


def test_qa_stop_22_a_long_message_about_the_writer():
    from actions.next_step import MEMBER_ID
    from actions.who import someone_else

    assert someone_else("my wife told me I should finally get my annual physical") is None
    assert someone_else("my son wants a checkup") == {"rel": "son", "given": None, "name": None}  # ("Wants" is no name)
    m = MEMBER_ID.search("I'm covered by Medicare, my number is 1EG4TE5MK73. I'm retired")
    assert m and (m.group(1) or m.group(2)) == "1EG4TE5MK73"
    assert not MEMBER_ID.search("my number is 408-555-0123")  # a phone number


def test_qa_stop_22_the_options_again_and_one_like_it():
    from actions.forms.booking import ONCE_MORE
    from actions.next_step import SAME_KIND

    assert all(ONCE_MORE.search(t) for t in ["sorry what were the options again?", "can you list them again", "repeat that"])
    assert not any(ONCE_MORE.search(t) for t in ["the 2nd", "none of those", "what about friday"])
    assert all(SAME_KIND.search(t) for t in ["book another one just like it", "the same thing again for january"])
    assert not SAME_KIND.search("book a checkup")


def test_qa_stop_22_the_week_after_with_days_said(monkeypatch):
    from actions.forms.offer_times import relative_move

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    said = "reschedule it to sometime the following week, ideally on a Tuesday or Wednesday morning"
    assert [w[0][:13] for w in relative_move(said, "2026-12-10T10:00:00-08:00")] == ["2026-12-15T08", "2026-12-16T08"]
    assert relative_move("the week after", "2026-12-10T10:00:00-08:00")[0][0][:16] == "2026-12-17T10:00"  # the same time


def test_qa_stop_22_a_city_a_clock_time_and_maybe():
    from actions.forms.booking import CLOCK_SAID, city_in_request
    from actions.forms.offer_times import _DAY_WORDS

    assert city_in_request("a physical at your San Francisco location") == "San Francisco"
    assert city_in_request("checkup in sf please") == "San Francisco" and city_in_request("book a physical") is None
    assert CLOCK_SAID.search("anything later that same day, maybe around 3?") and not CLOCK_SAID.search("later on the 3rd")
    assert not _DAY_WORDS.search("maybe around 3") and _DAY_WORDS.search("may 3rd")


def test_qa_stop_22_a_second_visit_next_to_the_first():
    from actions.forms.offer_times import next_to_booked

    booked_here = [["2026-12-07T12:00:00-08:00", "2026-12-07T12:15:00-08:00"]]
    assert next_to_booked("right after mine if possible", booked_here)[0] == ["2026-12-07T12:15:00-08:00", "2026-12-07T14:15:00-08:00"]
    assert next_to_booked("the same day as mine", booked_here) == [["2026-12-07T00:00:00-08:00", "2026-12-08T00:00:00-08:00"]]
    assert next_to_booked("right after mine", []) is None and next_to_booked("next tuesday", booked_here) is None


def test_qa_stop_23_names_and_choices():
    from actions.common import name_in_text
    from actions.forms.booking import ANY_WILL_DO, TAKES_TIME
    from actions.forms.verify import name_part_fixed
    from actions.who import writer_and_other

    # the birth date said after the name is not part of it
    assert split_name("My name is Oluwaseun Adeyemi and my date of birth is April 3rd, 1988.") == ("Oluwaseun", "Adeyemi")
    assert name_in_text("Jane Smith and I was born on 3/4/1985") == "Jane Smith"
    assert name_in_text("hi Jane Smith my date of birth is 3/4/1985") == "Jane Smith"
    # a corrected part of the name, with the rest as tried
    assert name_part_fixed("oh sorry my last name is Albrecht-Moss", "Josephine Albrecht") == "Josephine Albrecht-Moss"
    assert name_part_fixed("My first name is actually Jo.", "Josephine Albrecht") == "Jo Albrecht"
    assert name_part_fixed("my last name is long", None) is None
    # an ordinal as an adverb points at no option; "the first" does
    assert parse_choice("hmm let me check with my wife first, I'll get back to you", 3) is None
    assert parse_choice("let me ask my husband first", 3) is None and parse_choice("first, is it downtown?", 3) is None
    assert [parse_choice(t, 3) for t in ["first", "the first one", "i'll take the first", "the second", "lets go with the first"]] == [1, 1, 1, 2, 1]
    # a clock time taken, not asked about; any of them
    assert all(TAKES_TIME.search(t) for t in ["The 1:15 please", "actually the 10:15 please", "I'll take 2:30", "3pm works"])
    assert not any(TAKES_TIME.search(t) for t in ["anything at 1:15?", "tuesday at 3", "2", "the 2nd one"])
    assert all(ANY_WILL_DO.search(t) for t in ["any of those is fine", "whichever", "either one works", "doesn't matter"])
    assert not any(ANY_WILL_DO.search(t) for t in ["any time next week", "anything later?", "any in the afternoon?"])
    # the writer's visit and another's, with the other visit's words between
    assert writer_and_other("a physical for me and a checkup for my daughter Saoirse") == \
        ("a physical for me", "a physical for my daughter Saoirse")


def test_qa_stop_23_waiting_plans_and_moves(monkeypatch):
    from actions.digressions import MEMBER_ID_QUESTION
    from actions.forms.base import waits
    from actions.forms.coverage import _HAVE_PLAN
    from actions.forms.offer_times import relative_move, says_relative
    from actions.handoff import SELF_SERVICE

    assert waits("hmm let me check with my wife first, I'll get back to you") and waits("let me think about it")
    assert not waits("yes, let me check with my wife later") and not waits("no thanks")
    assert _HAVE_PLAN.match("I have Humana") and _HAVE_PLAN.match("its tricare 12345678")
    assert not any(_HAVE_PLAN.match(t) for t in ["i have no insurance", "i have a question", "it's my card"])
    assert MEMBER_ID_QUESTION.search("where do I find the member id?") and not MEMBER_ID_QUESTION.search("where is your clinic?")
    assert SELF_SERVICE.search("actually can you just book me a physical") and not SELF_SERVICE.search("it's about a bill")
    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    old = "2026-12-09T09:00:00-08:00"  # a Wednesday
    assert says_relative("the following friday")
    assert relative_move("the following friday", old) == [["2026-12-11T00:00:00-08:00", "2026-12-12T00:00:00-08:00"]]
    assert relative_move("the following friday afternoon", old) == [["2026-12-11T12:00:00-08:00", "2026-12-11T17:00:00-08:00"]]
    assert relative_move("the following wednesday", old)[0][0][:10] == "2026-12-16"  # the same weekday: a week on


def test_qa_stop_23_the_week_after_the_latest_and_keeping_it(monkeypatch):
    from datetime import datetime

    from actions.forms.booking import KEEP_IT
    from actions.forms.offer_times import LATEST, _the_week_after, late_in_the_day
    from actions.next_step import MOVE_ONLY, guess_goal

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    asked = datetime.fromisoformat("2026-12-08T08:00:00-08:00")  # a Tuesday
    assert _the_week_after("What about the following week?", asked) == [["2026-12-14T00:00:00-08:00", "2026-12-19T00:00:00-08:00"]]
    assert _the_week_after("the following week on tuesday", asked) == [["2026-12-15T00:00:00-08:00", "2026-12-16T00:00:00-08:00"]]
    mornings = _the_week_after("the week after, mornings", asked)
    assert len(mornings) == 5 and all(a[11:16] == "08:00" and b[11:16] == "12:00" for a, b in mornings)
    # after closing: the last 90 minutes of those days; "the latest": of every day said
    evening = [["2026-12-21T17:00:00-08:00", "2026-12-21T21:00:00-08:00"]]
    assert late_in_the_day(evening) == [["2026-12-21T15:30:00-08:00", "2026-12-21T17:00:00-08:00"]]
    assert late_in_the_day([["2026-12-21T08:00:00-08:00", "2026-12-21T12:00:00-08:00"]]) is None
    assert late_in_the_day([["2026-12-22T00:00:00-08:00", "2026-12-23T00:00:00-08:00"]], always=True) == \
        [["2026-12-22T15:30:00-08:00", "2026-12-22T17:00:00-08:00"]]
    assert LATEST.search("what's the latest you have on friday") and not LATEST.search("later that day")
    # "sooner than my current appointment" is a move; "keep the original time" keeps it
    assert MOVE_ONLY.search("can I get in sooner than my current appointment?")
    assert guess_goal("Is there any way to get in earlier than my scheduled appointment?") == "reschedule"
    assert KEEP_IT.search("never mind, I'll keep the original time") and KEEP_IT.search("keep my old one")
    assert not KEEP_IT.search("keep it in the morning")


def test_qa_stop_23_spoken_email_several_questions_and_one_clock_time():
    from actions.common import parse_email
    from actions.digressions import embedded_question
    from actions.forms.booking import exact_clock

    assert parse_email("fenella at gmail dot com") == "fenella@gmail.com"
    assert parse_email("jo dot smith at yahoo dot co dot uk") == "jo.smith@yahoo.co.uk"
    assert parse_email("i'll be there at noon") is None and parse_email("me@Example.com.") == "me@Example.com"
    both = embedded_question("what are your hours, do you take Aetna, and can I book a physical for next week?")
    assert "open" in both and "we take Aetna" in both
    assert exact_clock("Please move my Dec 2 appointment to Dec 9 at 11am") and exact_clock("next thursday at 2:30")
    assert not any(exact_clock(t) for t in ["after 2pm", "around 3pm", "tuesday or wednesday at 3pm", "next week"])


def test_qa_stop_23_a_name_spelled_out():
    from actions.common import name_in_text

    assert split_name("Certainly, my name is Evangelos Papadakis. That's spelled P-A-P-A-D-A-K-I-S.") == ("Evangelos", "Papadakis")
    assert name_in_text("my name is Jane Smyth, spelled with a y") == "Jane Smyth"


def test_qa_stop_23_two_kids_by_name_and_names_after_a_comma():
    from actions.common import name_in_text
    from actions.who import two_others

    assert two_others("I need checkups for my two kids, Pip and Wren Hollingworth") == \
        ("I need checkups for my kid Pip Hollingworth", "I need checkups for my kid Wren Hollingworth")
    assert two_others("my kids pip and wren need flu shots") == ("my kid Pip need flu shots", "my kid Wren need flu shots")
    assert two_others("my kids and i need checkups") is None
    assert name_in_text("New patient. DOB 02/14/1990, name Valentina Russo-Keller, phone 415 555 0111.") == "Valentina Russo-Keller"
    assert split_name("no email") is None and split_name("my cell number") is None


def test_qa_stop_23_what_do_you_have_is_any_time():
    from actions.forms.booking import ANY_TIME

    assert all(ANY_TIME.search(t) for t in ["hmm I'm not sure, what do you have?", "what's available?", "I'm flexible"])
    assert not ANY_TIME.search("what do you think?")


def test_qa_stop_23_a_year_said_aloud_and_the_same_time_on_a_date(monkeypatch):
    from actions.forms.offer_times import relative_move

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    assert [str(parse_dob(t)) for t in ["march third nineteen eighty five", "june first two thousand five",
                                        "october 2 twenty ten", "march 3 nineteen oh five"]] == \
        ["1985-03-03", "2005-06-01", "2010-10-02", "1905-03-03"]
    assert relative_move("can it be the 11th instead, same time?", "2026-12-10T09:00:00-08:00")[0] == \
        ["2026-12-11T09:00:00-08:00", "2026-12-11T10:00:00-08:00"]


def test_qa_stop_24_ruled_out_days_speaking_and_parking(monkeypatch):
    from actions.common import match_option
    from actions.digressions import PARKING, QUESTION
    from actions.handoff import ASKS_TO_SPEAK

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    listed = ["Tue Dec 15, 9:00 AM with Dr. McCoy at San Francisco Family Care",
              "Thu Dec 17, 10:30 AM with Dr. McCoy at San Francisco Family Care"]
    # what is ruled out describes no option
    for said in ["it's actually the Thursday one I need to cancel, not Tuesday.", "thursday instead of tuesday",
                 "not the 9:00 one, the 10:30", "dec 17 not dec 15", "the thursday one"]:
        assert match_option(said, listed) == 2, said
    assert match_option("tuesday", listed) == 1 and match_option("not tuesday", listed) is None
    # a person asked for, in either order
    assert all(ASKS_TO_SPEAK.search(t) for t in ["Is there someone I could speak with?", "anyone I can talk to?",
                                                  "I need someone to talk to about my bill", "can I speak with a nurse"])
    assert not any(ASKS_TO_SPEAK.search(t) for t in ["someone told me to book a checkup", "can I talk about my rash"])
    # an ordinal of a week, a day or a month is a time, not an option
    assert [parse_choice(t, 3) for t in ["The first week of January, mornings", "first thing in the morning",
                                         "the 2nd of january", "the first monday of january"]] == [None] * 4
    assert [parse_choice(t, 3) for t in ["the first one", "second", "the third, please", "I'll take the first"]] == [1, 2, 3, 1]
    # a member id read out, letter by letter and digit by digit
    from actions.forms.coverage import typed_member_id

    assert typed_member_id("um my medicare number is one e g four t e five m k seven three") == "1EG4TE5MK73"
    assert [typed_member_id(t) for t in ["next tuesday in the afternoon if possible", "the first one", "a b c"]] == [None] * 3
    assert all(PARKING.search(t) and QUESTION.search(t) for t in ["is there parking?", "where do I park",
                                                                   "do you know if parking is available at the clinic?"])


def test_qa_stop_25_later_not_now_no_plan_running_late_and_the_week_after(monkeypatch):
    from datetime import datetime

    from actions.digressions import location_text
    from actions.forms.booking import drops_it
    from actions.forms.coverage import NO_CARD, NO_PLAN
    from actions.forms.offer_times import relative_move
    from actions.next_step import NOT_NOW, RUNNING_LATE, day_asked, within

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    # something for later is a goodbye, whatever it names
    assert all(NOT_NOW.search(t) for t in ["No, I'll call back to rebook when I'm back. Thanks!", "i'll get back to you",
                                           "no thanks, i'll book later", "maybe another time", "I will call you again tomorrow"])
    assert not any(NOT_NOW.search(t) for t in ["can you call me back", "i need to book", "will you call me?"])
    assert drops_it("no wait, I need to check my calendar first. I'll get back to you.")
    assert not drops_it("changed my mind, the first one") and not drops_it("never mind, anything friday?")
    # "no" for the plan's name: no plan; a card left at home is the card, whoever's it is
    assert all(NO_PLAN.match(t) for t in ["no", "None.", "nope, sorry", "i don't have one"])
    assert not any(NO_PLAN.match(t) for t in ["no idea what it's called", "Noridian", "not sure"])
    assert NO_CARD.search("I don't have her card with me right now") and NO_CARD.search("dont have his insurance card")
    # running late for today's appointment: today, the whole day
    asked = "Hi, I'm running about 15 minutes late for my appointment today, is that ok?"
    assert RUNNING_LATE.search(asked) and not RUNNING_LATE.search("anything late in the day?")
    assert within(datetime.fromisoformat("2026-11-30T11:00:00-08:00"), day_asked(asked))
    assert not within(datetime.fromisoformat("2026-12-01T11:00:00-08:00"), day_asked(asked))
    # the week after the appointment's, in the part of day said, or whole
    old = "2026-12-11T13:00:00-08:00"
    mornings = relative_move("Could we move it to sometime the following week, preferably in the morning?", old)
    assert [w[0][:16] for w in mornings] == [f"2026-12-{d}T08:00" for d in (14, 15, 16, 17, 18)]
    assert [w[0][:10] for w in relative_move("sometime the following week", old)] == [f"2026-12-{d}" for d in (14, 15, 16, 17, 18)]
    assert relative_move("the following week", old)[0][0].startswith("2026-12-18T13:00")  # the same time a week on
    # where a kind of care is
    assert "Divisadero" in location_text("Where exactly is the GI clinic located?")
    assert "California Street" in location_text("where's the pediatric clinic?")
    assert "Tell me a city" in location_text("where are you located?")


def test_qa_stop_25_a_yes_with_a_goodbye_a_person_about_a_bill_and_which_week(monkeypatch):
    from actions.forms.offer_times import relative_move, shift_windows
    from actions.handoff import ABOUT_SOMETHING_ELSE
    from actions.next_step import guess_goal
    from actions.restart import SURE_YES

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    assert all(SURE_YES.search(t) for t in ["Perfect, see you then!", "yes please, thanks, bye", "sounds good, bye"])
    assert not any(SURE_YES.search(t) for t in ["ok bye", "bye", "no thanks, see you"])
    assert ABOUT_SOMETHING_ELSE.search("Can I talk to someone about a billing issue?")
    assert not ABOUT_SOMETHING_ELSE.search("I want to talk to a person") and not ABOUT_SOMETHING_ELSE.search("talk to someone about my appointment")
    assert guess_goal("ok, can we continue with booking my appointment now?") == "book"
    assert guess_goal("i want to cancel booking my appointment") == "cancel" and guess_goal("when is my appointment") == "list"
    offered = [{"start": "2026-12-07T10:00:00-08:00"}, {"start": "2026-12-07T10:15:00-08:00"}]
    assert shift_windows("are there any earlier appointments? like this week?", offered, None) is None  # the days said
    assert shift_windows("anything earlier?", offered, None) == [["2026-12-07T00:00:00-08:00", "2026-12-07T10:00:00-08:00"]]
    assert shift_windows("anything later on monday?", offered, None)[0][0] == "2026-12-07T10:16:00-08:00"  # the options' monday
    week = relative_move("anything in the afternoon that week?", "2026-12-14T10:00:00-08:00")
    assert [w[0] for w in week] == [f"2026-12-{d}T12:00:00-08:00" for d in (14, 15, 16, 17, 18)]


def test_qa_stop_25_fillers_a_year_said_again_and_no_phone(monkeypatch):
    from actions.common import name_in_text
    from actions.forms.register import NO_PHONE, NO_PHONE_SAID, build_patient
    from actions.forms.verify import _YEAR_SAID

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    assert str(parse_dob("birthday's uh june tenth nineteen forty five")) == "1945-06-10"
    assert str(parse_dob("it's june tenth, nineteen forty-five")) == "1945-06-10"
    assert name_in_text("yeah my name's uh Dorothy Gale") == "Dorothy Gale"
    assert split_name("Jane Um") == ("Jane", "Um")  # a last word is a name, not a filler
    assert _YEAR_SAID.search("sorry I meant 1946") and not _YEAR_SAID.search("sorry I meant the 2nd")
    assert all(NO_PHONE_SAID.search(t) for t in ["I don't have a phone right now", "no cell", "none"])
    assert not NO_PHONE_SAID.search("408-555-0123") and not NO_PHONE_SAID.search("no, it's 408-555-0123")
    assert build_patient("Zora Whit", "2000-03-08", NO_PHONE, "z@example.com")["telecom"] == [{"system": "email", "value": "z@example.com"}]


def test_qa_stop_25_in_person_a_first_visit_and_questions_beside_booking():
    from actions.clinicians import named_clinician
    from actions.digressions import HOW_LONG_VISIT, PREPARING, REMINDER, WHO_IS_THIS
    from actions.handoff import ASKS_FOR_PERSON

    assert not ASKS_FOR_PERSON.search("ok in person is fine then") and ASKS_FOR_PERSON.search("a person please")
    assert parse_choice("Will the doctor do a colonoscopy at the first visit?", 3) is None
    assert parse_choice("first time I'm seeing a dermatologist, the second please", 3) == 2
    assert parse_choice("the first time works", 3) == 1
    assert HOW_LONG_VISIT.search("How long is the appointment usually?") and not HOW_LONG_VISIT.search("how long is the wait")
    assert not HOW_LONG_VISIT.search("how long will it take to get an appointment?")
    assert PREPARING.search("Do I need to fast before it?") and not PREPARING.search("can I book a colonoscopy?")
    assert REMINDER.search("will you text me a reminder?")
    assert WHO_IS_THIS.search("who is this?") and not WHO_IS_THIS.search("who is this doctor?")
    assert named_clinician("Hola, necesito una cita con el doctor de familia") is None and named_clinician("with dr mccoy") == "mccoy"


def test_qa_stop_25_a_part_of_day_on_the_days_asked_and_a_name_spelled(monkeypatch):
    from actions.common import SPELLING_HINT
    from actions.forms.offer_times import next_to_booked, on_days_of, parse_windows

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    afternoons = parse_windows("Any time in the afternoon would be great.")  # every day's afternoon
    assert on_days_of(afternoons, [["2026-12-10T00:00:00-08:00", "2026-12-11T00:00:00-08:00"]]) == \
        [["2026-12-10T12:00:00-08:00", "2026-12-10T17:00:00-08:00"]]
    mine = [["2026-12-04T10:00:00-08:00", "2026-12-04T10:15:00-08:00"]]
    assert next_to_booked("can I book that too, same day in the afternoon?", mine) == [["2026-12-04T12:00:00-08:00",
                                                                                        "2026-12-04T17:00:00-08:00"]]
    assert next_to_booked("the same day as mine", mine) == [["2026-12-04T00:00:00-08:00", "2026-12-05T00:00:00-08:00"]]
    assert SPELLING_HINT.sub("", "Katherine with a K, McAllister with two Ls") == "Katherine, McAllister"
    from actions.forms.coverage import SELF_PAY

    assert all(SELF_PAY.search(t) for t in ["slef pay", "sefl-pay", "self py"]) and not SELF_PAY.search("shelf")
    assert split_name("Certainly, my name is Evangelos Papadakis. That's spelled P-A-P-A-D-A-K-I-S.") == ("Evangelos", "Papadakis")


def test_qa_stop_25_a_helper_mentioned_and_another_day_that_week(monkeypatch):
    from actions.forms.offer_times import relative_move
    from actions.next_step import guess_goal
    from actions.who import someone_else

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    said = ("My grandson usually helps me but he's away. I have an appointment on the 14th but my ride can't take me that "
            "day. Could you find me another day that week, in the morning? Not too early please, after 10 would be best.")
    assert someone_else(said) is None and someone_else("my daughter drives me to appointments") is None
    assert someone_else("my son Leo needs a checkup") == {"rel": "son", "given": "Leo", "name": None}
    assert guess_goal(said) == "reschedule"
    assert guess_goal("I have an appointment next week, can I book another one for my son?") == "book"
    days = [w[0][:10] for w in relative_move(said, "2026-12-14T09:00:00-08:00")]
    assert days == ["2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18"]  # not the appointment's own day


def test_qa_stop_25_a_day_of_the_month_and_a_time_that_day(monkeypatch):
    from actions.forms.offer_times import relative_move

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    assert parse_choice("do you have anything on the 2nd?", 3) is None and parse_choice("by the 3rd", 3) is None
    assert parse_choice("the 2nd", 3) == 2 and parse_choice("the 3rd, please", 3) == 3
    noon = relative_move("Can I move my Wednesday appointment earlier in the day? Like around noon?", "2026-12-09T15:00:00-08:00")
    assert noon[0] == ["2026-12-09T11:30:00-08:00", "2026-12-09T13:00:00-08:00"]
    assert relative_move("earlier in the day", "2026-12-09T15:00:00-08:00")[0][0] == "2026-12-09T14:00:00-08:00"


def test_qa_stop_25_thanks_before_a_name():
    from actions.common import without_pleasantry

    assert split_name("thanks! Lila Moreno 8/8/1985") == ("Lila", "Moreno") and split_name("sure, Lila Moreno") == ("Lila", "Moreno")
    assert without_pleasantry("thank you, self pay") == "self pay" and without_pleasantry("thanks") == "thanks"


def test_qa_stop_25_a_clinician_ruled_out():
    from actions.clinicians import name_candidates
    from actions.common import match_option

    offered = ["Mon Dec 7, 10:00 AM with Dr. Billingsley at San Jose Dermatology Clinic",
               "Mon Dec 7, 10:15 AM with Dr. Billingsley at San Jose Dermatology Clinic",
               "Mon Dec 7, 10:30 AM with Dr. Boyce at San Jose Dermatology Clinic"]
    several: list = []
    assert match_option("can I see a different doctor? not Dr. Billingsley", offered, several) is None and not several
    assert match_option("the one with dr boyce", offered) == 3
    assert name_candidates("can I see a different doctor? not Dr. Billingsley") == [] and name_candidates("not with dr mccoy") == []
    assert name_candidates("with dr boyce please, not dr mccoy") == [("boyce", None, True)]


def test_qa_stop_26_names_birth_dates_and_what_is_no_name(monkeypatch):
    from actions.common import bare_name, clean_name, dob_in_text, name_in_text

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    # "Last, First" as forms write it (not a spelling hint's comma, not a courtesy)
    assert split_name("Okonkwo, Chidi") == ("Chidi", "Okonkwo") and clean_name("Van Der Berg, Anna") == "Anna Van Der Berg"
    assert split_name("Katherine with a K, McAllister with two Ls") == ("Katherine", "McAllister")
    assert split_name("Sure, Jane Smith") == ("Jane", "Smith")
    # what the visit is for is no name; a name holding such a word still is
    assert split_name("family medicine") is None and split_name("skin rash") is None
    assert split_name("Chidi Achebe") == ("Chidi", "Achebe") and split_name("Rose Skinner") == ("Rose", "Skinner")
    assert bare_name("blorp zzz".split()) is None and bare_name("jordan halewood".split()) == "Jordan Halewood"
    # a birth date typed as on a form, inside the message; a number that is no date stays a number
    assert str(dob_in_text("dmitri volkonsky 011998")) == "1998-01-19" and str(dob_in_text("Jane Doe 03141985")) == "1985-03-14"
    assert dob_in_text("Aetna 12345678") is None
    # the name after the visit's words, or with a middle initial
    assert name_in_text("schedule dermatology Florentina Ibsen 9/9/89") == "Florentina Ibsen"
    assert name_in_text("need to book for Mary Ann Smith 1/1/1990") == "Mary Ann Smith"
    assert name_in_text("appointment for a mole check, Jonathan Q. Whitfield, dob 12/24/1955") == "Jonathan Whitfield"


def test_qa_stop_26_plans_member_ids_and_the_card():
    from actions.digressions import MEMBER_ID_QUESTION
    from actions.forms.coverage import NO_CARD, member_id_in
    from actions.next_step import HAS_PLAN

    assert member_id_in("UnitedHealthcare 9182736450") == "9182736450"  # ten digits after the payer: an id
    assert member_id_in("aetna, call me at 408-555-1234") is None  # a phone number typed as one
    # "no" is no label inside "now": the id, not "WAETNAW998877665"
    assert member_id_in("my insurance changed, it's now Aetna W998877665") == "W998877665"
    assert member_id_in("no 12345678") == "12345678" and member_id_in("member number 123 456 789") == "123456789"
    assert HAS_PLAN.search("my insurance changed, it's now Aetna") and HAS_PLAN.search("I switched to Cigna")
    assert not HAS_PLAN.search("do you take aetna?")
    assert NO_CARD.search("idk where the card is") and NO_CARD.search("I lost my card")
    assert not MEMBER_ID_QUESTION.search("idk where the card is") and MEMBER_ID_QUESTION.search("where do i find the member id?")


def test_qa_stop_26_kinds_of_visit_said_not_to_be_it_and_the_directory_question():
    from actions.care import specialty_from_text
    from actions.clinicians import DIRECTORY_QUESTION

    assert specialty_from_text("oh wait, I actually need a GI doctor, not dermatology", strict=True) == GASTRO
    assert specialty_from_text("I need GI not derm") == GASTRO and specialty_from_text("not dermatology") is None
    assert specialty_from_text("a skin check, not for my son") == DERMATOLOGY
    assert care_from_text("it is not urgent, just a checkup")[0] == FAMILY
    assert all(DIRECTORY_QUESTION.search(t) for t in ["which dermatologists do you have?", "who are your doctors?",
                                                      "what doctors do you have", "who are the pediatricians"])
    assert not any(DIRECTORY_QUESTION.search(t) for t in ["which doctor is free monday", "which doctors are available tuesday?",
                                                          "I want to see Dr. Boyce"])


def test_qa_stop_26_moves_said_from_the_appointment_and_times_later_in_the_day(monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from actions.forms.offer_times import relative_move, shift_windows
    from actions.next_step import MOVE_ONLY, guess_goal

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    old = datetime(2026, 12, 9, 14, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Wednesday, 2 PM
    assert relative_move("can I come in earlier on wednesday?", old) == [["2026-12-09T00:00:00-08:00", "2026-12-09T14:00:00-08:00"]]
    assert relative_move("could I come in later that day", old)[0][0] == "2026-12-09T14:01:00-08:00"
    assert relative_move("can I come in earlier on friday", old) is None  # another day: not this rule
    assert guess_goal("can I come in earlier on wednesday?") == "reschedule" and MOVE_ONLY.search("can I get in sooner than my appointment")
    # "the monday after" is the following monday; "monday after 3pm" is a time
    monday = datetime(2026, 12, 14, 10, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert [[a[:10], b[:10]] for a, b in relative_move("ok what about the monday after", monday)] == [["2026-12-21", "2026-12-22"]]
    assert relative_move("the friday after that, morning", monday)[0][0] == "2026-12-18T08:00:00-08:00"
    assert relative_move("monday after 3pm", monday) is None
    # "anything later in the day?" after a morning's times: the afternoon, not the next quarter hour
    options = [{"start": f"2026-12-07T08:{m}:00-08:00"} for m in ("00", "15", "30")]
    assert shift_windows("anything later in the day?", options, None)[0][0] == "2026-12-07T12:00:00-08:00"
    assert shift_windows("anything later?", options, None)[0][0] == "2026-12-07T08:31:00-08:00"


def test_qa_stop_26_two_children_in_full_and_a_name_after_the_question():
    from actions.who import name_for_other, someone_else, two_others

    assert two_others("I need checkups for both my kids, Noor Rahman 3/3/2016 and Zain Rahman 8/8/2018") == (
        "I need checkups for my kid Noor Rahman 3/3/2016", "I need checkups for my kid Zain Rahman 8/8/2018")
    assert two_others("checkups for my two kids, Pip and Wren Hollingsworth") == (
        "checkups for my kid Pip Hollingsworth", "checkups for my kid Wren Hollingsworth")
    asked = "when is my daughter's appointment? Pippa Longbottom 10/10/2015"
    assert name_for_other(asked, someone_else(asked)) == "Pippa Longbottom"
    assert name_for_other("book my son, I'm Maria Lopez 4/11/82", someone_else("book my son")) is None  # the writer's


def test_qa_stop_26_answers_said_in_other_words():
    from actions.common import YES
    from actions.forms.booking import NONE_OF
    from actions.handoff import CALL_OFF, GO_ON
    from actions.next_step import guess_goal

    assert all(YES.search(t) for t in ["yse", "ys", "yeh"]) and not YES.search("yesterday works")
    assert NONE_OF.search("what else do you have that day?") and not NONE_OF.search("what else should I bring?")
    said = "actually nevermind, I'll just book myself"
    assert CALL_OFF.search(said) and guess_goal(CALL_OFF.split(said)[-1]) == "book"
    assert GO_ON.search("no never mind, let's carry on") and not GO_ON.search("no never mind, bye")


def test_qa_stop_26_questions_a_plan_after_all_and_what_a_message_refers_to():
    from actions.care import says_reason
    from actions.common import bare_name
    from actions.digressions import LANGUAGE, WHO_WITH, embedded_question
    from actions.forms.base import waits
    from actions.forms.booking import KEEP_IT, MORE_OF_THEM
    from actions.forms.coverage import NEW_PLAN
    from actions.next_step import INSTEAD_OF_BOOKING, ONE_OF_THOSE, _SAME_DAY_AS_THAT

    asked = embedded_question("hi what are your hours and do you take medicare and where are you located?")
    assert "Mon–Fri" in asked and "Medicare" in asked and "San Jose" in asked
    assert NEW_PLAN.search("actually wait, I do have insurance, it's Health Net HN5544332")
    assert NEW_PLAN.search("I have a plan after all: Aetna") and not NEW_PLAN.search("do you take health net?")
    assert KEEP_IT.search("actually no, leave it where it is")
    assert INSTEAD_OF_BOOKING.search("actually I want to cancel my GI appointment instead")
    assert not INSTEAD_OF_BOOKING.search("can you move it to monday instead of tuesday")
    assert ONE_OF_THOSE.search("ok, book one then") and not ONE_OF_THOSE.search("book a checkup")
    assert _SAME_DAY_AS_THAT.search("can you book me a GI appointment the same day?")
    assert all(WHO_WITH.search(t) for t in ["and who is it with?", "sorry which doctor am I seeing?", "who am i seeing"])
    assert not WHO_WITH.search("can I come with my husband?")
    assert LANGUAGE.search("do you speak spanish?") and LANGUAGE.search("¿habla español?") and not LANGUAGE.search("I speak english")
    assert all(waits(t) for t in ["hold on let me check my calendar", "one sec", "ok give me a minute", "one sec, let me ask my wife"])
    assert not waits("the second one") and not waits("a second appointment for my son")
    assert MORE_OF_THEM.search("what else do you have that day?") and MORE_OF_THEM.search("any other times?")
    # a surname that holds a word for a reason is still a name ("Fairchild", "Achebe"); gibberish is none
    assert not says_reason("Augusta Fairchild") and says_reason("my kids need checkups")
    assert bare_name("zxcv bnm".split()) is None and bare_name("Ng Wei".split()) == "Ng Wei"


def test_qa_stop_26_a_move_described_urgent_words_and_spanish():
    from actions.common import name_in_text
    from actions.forms.coverage import SELF_PAY
    from actions.next_step import split_move
    from actions.urgent import URGENT

    # the day said with "an appointment on ..." is the one to move, not the new one
    assert split_move("i got an appointment on friday the eleventh and i need to change it")[1] is None
    assert split_move("move my tuesday appt to friday") == ("move my tuesday appt ", "friday")
    assert URGENT.search("my son has a fever of 104 and is very lethargic") and URGENT.search("she won't wake up")
    assert not URGENT.search("a fever and a sore throat")
    assert care_from_text("I need a covid test")[0] == FAMILY and care_from_text("necesito un médico familiar")[0] == FAMILY
    assert care_from_text("Ursula Utley")[0] is None
    assert name_in_text("Hola, soy nuevo paciente. José Núñez, 3/19/1979, necesito un médico familiar") == "José Núñez"
    assert SELF_PAY.search("pago yo mismo") and SELF_PAY.search("en efectivo")


def test_qa_stop_26_an_option_by_its_city():
    from actions.common import match_option
    from actions.forms.booking import place_asked

    opts = ["Thu Dec 10, 2:15 PM with Dr. McCoy at San Francisco Family Care",
            "Thu Dec 10, 2:15 PM with Dr. Lense at Sacramento Family Clinic",
            "Thu Dec 10, 2:30 PM with Dr. McCoy at San Francisco Family Care"]
    assert match_option("the sacramento one", opts) == 2 and match_option("the one in sacramento", opts) == 2
    assert match_option("the san francisco one at 2:15", opts) == 1
    assert place_asked("the one in sacramento") == ("Sacramento", "sacramento")  # (when no option is there: its times)
    assert place_asked("the one in the morning") == (None, None) and place_asked("the one at 2:15") == (None, None)


def test_qa_stop_26_the_same_request_for_someone_else_and_cancel_it():
    from actions.next_step import WHAT_ABOUT_THEM
    from actions.who import drops_other

    assert all(WHAT_ABOUT_THEM.search(t) for t in ["what about my husband Bernard's?", "and my son?", "and what does my wife have?"])
    assert not WHAT_ABOUT_THEM.search("what about tuesday?")
    her = {"rel": "daughter", "given": "Zelda"}
    assert drops_other("no thanks, cancel that", her, "book") and not drops_other("I'm her mother, just cancel it", her, "cancel")
    assert drops_other("never mind", her, "cancel")


def test_qa_stop_27_numbers_said_aloud_names_and_respellings(monkeypatch):
    from actions.common import name_in_text, spoken_digits
    from actions.forms.verify import THEY_WERE_THEIRS, respelled

    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")
    # a phone number said aloud (the voice channel, or typed so); too few digits is no number
    assert parse_phone("four oh eight five five five one two three four") == "408-555-1234"
    assert parse_phone("my number is nine one six, double five five, zero one nine oh") == "916-555-0190"
    assert parse_phone("408 five five five 1234") == "408-555-1234"
    assert parse_phone("one two three") is None and spoken_digits("triple seven") == "777"
    # what the visit is for, before the name: not part of it
    assert name_in_text("book family medicine Tobias Wrenfield 11/11/1979 self pay thursday morning") == "Tobias Wrenfield"
    assert name_in_text("gi consult Maya Lin 1/2/1990") == "Maya Lin"
    # one word respelling one part of the name tried; not a word like no part of it
    assert respelled("sorry its Katharine", "Katherine Szczepanski") == "Katharine Szczepanski"
    assert respelled("Szczepansky", "Katherine Szczepanski") == "Katherine Szczepansky"
    assert respelled("hello", "Katherine Szczepanski") is None and respelled("Katharine", "Katharine Szczepanski") is None
    # the details given were the other person's after all
    assert THEY_WERE_THEIRS.search("no that is her") and THEY_WERE_THEIRS.search("those were hers")
    assert THEY_WERE_THEIRS.search("nope") and not THEY_WERE_THEIRS.search("her name is Clementine Ashby")


def test_qa_stop_27_requests_and_questions_in_other_words():
    from actions.digressions import QUESTION
    from actions.forms.coverage import match_payer
    from actions.next_step import MOVE_ONLY, ONE_LISTED, REPLACE_IT

    assert match_payer("bcbs 88776655")["name"] == "Anthem Blue Cross"
    # a move said as "sooner than my <day> appointment"
    assert MOVE_ONLY.search("Is there anything sooner than my Friday appointment? Like Wednesday?")
    assert MOVE_ONLY.search("anything earlier than my dec 11 appt") and not MOVE_ONLY.search("anything sooner?")
    # one of the appointments just listed
    assert ONE_LISTED.search("what time is the skin one again?") and ONE_LISTED.search("when's the GI one")
    assert not ONE_LISTED.search("when can I get one")
    # a visit in place of the one just cancelled
    assert REPLACE_IT.search("can you book me something the week after instead, mornings")
    assert not REPLACE_IT.search("something came up")
    # a question after a filler word
    assert QUESTION.search("ok and do you have parking") and not QUESTION.search("ok thanks")


def test_qa_stop_27_the_writer_and_another_person_in_one_message():
    from actions.digressions import _ASKS
    from actions.next_step import writers_details_out
    from actions.who import writer_and_other

    # her whole name and birth date before "and one for me too", the writer's after it: each request its own
    mine, hers = writer_and_other("need a checkup for my daughter Oriana Whitlock 8/8/2016 and one for me too, "
                                  "Desmond Whitlock 1/1/1982")
    assert mine == "need a checkup for me, Desmond Whitlock 1/1/1982"
    assert writers_details_out(hers, mine) == "need a checkup for my daughter Oriana Whitlock 8/8/2016"
    mine, his = writer_and_other("a checkup for me and my daughter. babatunde oyelaran 8/8/80")
    assert "babatunde" not in writers_details_out(his, mine) and "8/8/80" not in writers_details_out(his, mine)
    # "a couple hours" is a span of time, not a question about opening hours
    hours = dict((a[0], a[1]) for a in _ASKS)["ask_hours"]
    assert not hours.search("can i push my derm appt back a couple hours?") and not hours.search("two hours later")
    assert hours.search("what are your hours?") and hours.search("what are the hours on friday")


def test_qa_stop_27_a_booking_wanted_after_all():
    from actions.next_step import AFTER_ALL

    assert AFTER_ALL.search("actually yes I do want to book it, friday morning") and AFTER_ALL.search("changed my mind, book it")
    assert not AFTER_ALL.search("book a checkup friday")


def test_qa_stop_27_a_birth_date_corrected_after_a_match():
    from actions.next_step import DOB_FIXED

    assert DOB_FIXED.search("oh wait that's my cousin. mine is 5/5/1985")
    assert DOB_FIXED.search("sorry wrong birthday, my dob is 7/7/1972")
    assert not DOB_FIXED.search("book me in for 5/5") and not DOB_FIXED.search("thanks, see you then")
