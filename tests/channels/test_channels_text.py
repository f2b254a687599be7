"""The channels' pure text rules: carrier-safe SMS text, numbered options, speakable voice text."""
from channels.sms import keyword, numbered, safe_text, to_bodies, TWIML_MAX
from channels.speech import button_prompt, speakable, spoken_choice


def test_sms_never_asks_for_a_carrier_opt_out_word():
    assert safe_text("Reply CANCEL to cancel.") == 'Reply "cancel my appointment" to cancel.'
    assert safe_text("text 'cancel' to cancel it") == 'text "cancel my appointment" to cancel it'
    assert safe_text("Send QUIT to end") == 'Send "goodbye" to end'
    assert safe_text("Reply STOP to stop messages.") == "Reply STOP to stop messages."
    assert safe_text("You can cancel your visit online.") == "You can cancel your visit online."
    assert safe_text("Or say 'book', 'cancel' or 'my appointments'.") == (
        "Or say 'book', 'cancel my appointment' or 'my appointments'.")
    assert safe_text('Type "quit" to leave') == 'Type "goodbye" to leave'
    assert safe_text("We open at the END of the week") == "We open at the END of the week"


def test_sms_keywords_and_numbered_options():
    assert keyword(" Stop. ") == "stop" and keyword("STOP ALL") == "stop all"
    text = numbered("Pick one:", [{"title": "A"}, {"title": "B"}, {"title": "C"}])
    assert text == "Pick one:\n1. A\n2. B\n3. C\nReply 1, 2 or 3."
    assert numbered("", [{"title": "Yes"}]).endswith("Reply 1.")


def test_sms_long_replies_split_in_order():
    parts = ["a" * 900, "b" * 900, "c" * 10]
    bodies = to_bodies(parts)
    assert bodies == ["a" * 900, "b" * 900 + "\n\n" + "c" * 10]
    assert all(len(b) <= TWIML_MAX for b in to_bodies(["x" * 4000]))
    assert "".join(to_bodies(["x" * 4000])) == "x" * 4000


def test_voice_text_is_speakable():
    said = speakable("**Tue Dec 1, 9:00 AM** with Dr. Boyce \U0001F642\nDetails: https://clinic.example/x")
    assert said == "Tuesday, December 1st at 9 AM with Dr. Boyce. Details:"
    assert speakable("Your visit: 2026-12-01T09:15:00-08:00") == "Your visit: Tuesday, December 1st at 9:15 AM."
    assert speakable("[our map](https://m.example) & parking") == "our map and parking."
    assert button_prompt([{"title": "Yes"}, {"title": "Sat Dec 5, 2:30 PM"}]) == (
        "Press 1 for Yes. Press 2 for Saturday, December 5th at 2:30 PM.")


def test_voice_spoken_choices():
    buttons = [{"title": "Tue Dec 1, 9:15 AM"}, {"title": "Something else"}]
    assert [spoken_choice(s, buttons) for s in ("two", "Option one.", "the second one", "something else",
                                                "2", "three", "tuesday please")] == [2, 1, 2, 2, 2, None, None]
