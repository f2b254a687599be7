"""How a patient's words at the options or the yes are read (actions/forms/booking.py): NONE_OF ("none of
those work": other times), DROP_IT (words that may end the request) and drops_it() (no booking at all,
rather than another time). Phrasings as patients text them: terse, typos, no apostrophes."""
from __future__ import annotations

import pytest

from actions.forms.booking import DROP_IT, NONE_OF, drops_it

NONE_OF_YES = [
    "none of those work", "none of them", "neither of those", "Neither works", "nothing works for me", "other times?",
    "any other days", "are there other dates", "do you have other options", "something else please", "anything else?",
    "different day please", "show me more", "more options", "those don't work for me", "that doesnt work",
    "won't work sorry", "those times wont work", "too early for me", "too late", "not those", "none of these",
    "othr times pls", "none of those, anything friday?", "I can't do any of those", "cant make any of those",
    "can't do those", "otra hora por favor", "otros días?", "ninguno",
]
NONE_OF_NO = [
    "1", "2 pls", "the second one", "yes please", "the 10:15 one works", "friday works", "that works great",
    "that works for me", "I'll take the first", "tuesday afternoon", "ok book it", "the one with dr boyce",
    "sounds good", "something later", "the earliest one", "perfect thanks", "I can do the first one",
]
DROP_IT_YES = [
    "no longer need it", "actually I don't need it anymore", "i dont need an appointment anymore",
    "don't need an appt anymore thx", "never mind", "nevermind", "nvm", "forget it", "forget about it",
    "I changed my mind", "I'll call back", "i'll book later", "I'll call back later", "I'll call you back later",
    "maybe another time", "maybe some other time", "don't want it anymore", "I dont want one anymore",
    "its not needed anymore", "not anymore", "actually I'll pass",
]
DROP_IT_NO = [
    "I need it asap", "I need one for my son", "I want to book", "forget the afternoon, mornings are better",
    "do I need to bring anything", "mind if I bring my kid", "I changed my number", "I want it monday",
    "no I need one sooner", "I don't need a referral, just book it", "I'd rather not wait",
    "I'll pass on those", "I don't need it to be early", "I dont want it that late",
]
DROPS = [
    "no longer need it", "actually I don't need it anymore", "i dont need an appointment anymore",
    "don't need an appt anymore thx", "never mind", "nevermind", "nvm im good", "forget it", "actually forget it, thanks",
    "I changed my mind", "I'll call back", "i'll book later", "I'll call back later", "I'll call you back later",
    "maybe another time", "maybe some other time", "don't want it anymore", "its not needed anymore",
    "never mind, I'm feeling better", "I don't need to come in after all", "I don't need it after all", "actually I'll pass",
]
NOT_DROPS = [
    "none of those, anything friday?", "I don't need it to be early", "I don't need it that early",
    "never mind, anything friday?", "nevermind, something later?", "forget it, what about next week",
    "never mind the 10:15, the 2pm one", "changed my mind, the second one", "never mind, the first one",
    "no longer need the 9am, anything later?", "nvm, other times pls", "not anymore, show me different ones",
    "forget it, do you have mornings?", "changed my mind, tuesday instead", "I don't need it before noon",
    "yes please", "I don't need a referral, just book it",
    "I'll pass on that one", "I dont want it that late",
]


@pytest.fixture(autouse=True)
def _clinic_now(monkeypatch):
    monkeypatch.setenv("SCHEDBOT_NOW", "2026-11-30T07:00:00-08:00")  # a Monday morning: "friday" is this week's


@pytest.mark.parametrize("text", NONE_OF_YES)
def test_none_of_reads_a_refusal_of_the_options(text):
    assert NONE_OF.search(text), text


@pytest.mark.parametrize("text", NONE_OF_NO)
def test_none_of_leaves_a_choice_alone(text):
    assert not NONE_OF.search(text), text


@pytest.mark.parametrize("text", DROP_IT_YES)
def test_drop_it_finds_the_words_of_giving_up(text):
    assert DROP_IT.search(text), text


@pytest.mark.parametrize("text", DROP_IT_NO)
def test_drop_it_ignores_other_needs_and_minds(text):
    assert not DROP_IT.search(text), text


@pytest.mark.parametrize("text", DROPS)
def test_drops_it_ends_the_request(text):
    assert drops_it(text), text


@pytest.mark.parametrize("text", NOT_DROPS)
def test_drops_it_keeps_a_request_for_another_time_or_option(text):
    assert not drops_it(text), text


def test_none_of_with_a_day_is_other_times_not_a_drop():
    text = "none of those, anything friday?"
    assert NONE_OF.search(text) and not drops_it(text)
