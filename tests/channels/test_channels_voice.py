"""Twilio Voice webhook: signed form posts in, TwiML <Gather>/<Say> out."""
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

from tests.channels.chan_support import post_twilio, sign, tracker, user_events, voice_params


def twiml(resp) -> ET.Element:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(resp.text)
    assert root.tag == "Response"
    return root


def gather(resp) -> tuple[ET.Element, str]:
    root = twiml(resp)
    [g] = root.findall("Gather")
    assert g.get("input") == "speech dtmf"
    assert g.get("action").startswith("/webhooks/voice/webhook?turn=") and g.get("method") == "POST"
    assert g.get("speechTimeout") == "auto" and g.get("actionOnEmptyResult") == "true"
    said = " ".join(s.text for s in g.findall("Say"))
    for screen_only in ("http", "www.", "*", "\U0001F642", "<", "Tue Dec"):
        assert screen_only not in said
    return g, said


class Call:
    """One phone call as Twilio makes it: each request goes to the previous <Gather action>."""

    def __init__(self, http, phone: str = "+14085550199"):
        self.http, self.sid, self.phone, self.query = http, "CA" + uuid.uuid4().hex, phone, ""

    def post(self, server, path: str = "webhook", **extra):
        resp = post_twilio(self.http, server, "voice", voice_params(self.sid, phone=self.phone, **extra),
                           path=path, query=self.query)
        if resp.status_code == 200 and "<Gather" in resp.text:
            action = ET.fromstring(resp.text).find("Gather").get("action")
            self.query = urllib.parse.urlsplit(action).query
        return resp


def test_voice_call_reads_buttons_and_takes_keys_and_speech(pair, http):
    call = Call(http)
    g, said = gather(call.post(pair.a))
    assert said.startswith("Hi! I'm the clinic's scheduling assistant. What can I do for you?")
    assert "Press 1 for Book a visit. Press 2 for Something else." in said
    assert g.get("numDigits") == "1"

    _, said = gather(call.post(pair.a, Digits="1"))
    assert "Press 1 for Tuesday, December 1st at 9:15 AM. Press 2 for Wednesday, December 2nd at 2 PM." in said

    # "repeat" repeats the prompt without reaching the dialog; the next turn goes to server B
    _, again = gather(call.post(pair.b, SpeechResult="Repeat that."))
    assert again == said
    _, booked = gather(call.post(pair.b, SpeechResult="option two", Confidence="0.9"))
    assert "booked for Wednesday, December 2nd at 2 PM with Dr. Boyce" in booked

    events = user_events(tracker(pair.a, call.sid))
    assert [e["parse_data"]["intent"]["name"] for e in events] == ["greet", "book", "choose_wed"]
    assert {k: events[0]["metadata"][k] for k in ("phone", "channel", "call_sid")} == {
        "phone": "+14085550199", "channel": "voice", "call_sid": call.sid}


def test_voice_reads_options_listed_by_the_assistant_as_a_menu(pair, http):
    call = Call(http)
    gather(call.post(pair.a))
    g, said = gather(call.post(pair.a, SpeechResult="Options."))
    assert said == ("Here's what I have: Press 1 for Tuesday, December 1st at 9:15 AM with Dr. Boyce. "
                    "Press 2 for Wednesday, December 2nd at 2 PM with Dr. Boyce. "
                    "Say 1 or 2, or 'none' for other times.")
    assert g.get("numDigits") == "1"
    _, booked = gather(call.post(pair.a, Digits="1"))
    assert "booked for Tuesday, December 1st at 9:15 AM" in booked


def test_voice_replayed_request_does_not_run_a_turn_again(pair, http):
    call = Call(http)
    gather(call.post(pair.a))
    gather(call.post(pair.a, Digits="1"))
    replay_query = call.query
    _, booked = gather(call.post(pair.a, Digits="2"))
    call.query = replay_query  # the same signed request again (a replay or a late duplicate)
    _, again = gather(call.post(pair.b, Digits="2"))
    assert again == booked
    call.query = ""  # the call's first request replayed
    _, first = gather(call.post(pair.a))
    assert first == booked
    assert [e["text"] for e in user_events(tracker(pair.a, call.sid))] == ["/greet", "/book", "/choose_wed"]


def test_voice_silence_reprompts_then_says_goodbye(pair, http):
    call = Call(http)
    _, first = gather(call.post(pair.a))
    _, reprompt = gather(call.post(pair.a, SpeechResult="", Digits=""))
    assert reprompt == "Sorry, I didn't hear anything. " + first
    root = twiml(call.post(pair.a))
    assert [n.tag for n in root] == ["Say", "Hangup"]
    assert "Goodbye" in root.find("Say").text
    assert len(user_events(tracker(pair.a, call.sid))) == 1


def test_voice_hangup_clears_the_call(pair, http):
    call = Call(http)
    gather(call.post(pair.a))
    gather(call.post(pair.a, Digits="1"))
    root = twiml(call.post(pair.a, path="status", CallStatus="completed", CallDuration="12"))
    assert list(root) == []
    # the call state is gone: a (late) request starts over instead of choosing a stale option
    call.query = ""
    _, said = gather(call.post(pair.a))
    assert said.startswith("Hi!")


def test_voice_forged_and_unsigned_requests_are_refused(pair, http):
    sid = "CA" + uuid.uuid4().hex
    params = voice_params(sid)
    assert post_twilio(http, pair.a, "voice", params, signature=None).status_code == 403
    forged = sign(pair.a.webhook_url("voice"), params, token="not-the-token")
    assert post_twilio(http, pair.a, "voice", params, signature=forged).status_code == 403
    assert post_twilio(http, pair.a, "voice", params, signature=None, path="status").status_code == 403
    # a valid signature for turn 1 does not cover turn 2: the query string is signed too
    turn1 = sign(pair.a.webhook_url("voice") + "?turn=1", params)
    assert post_twilio(http, pair.a, "voice", params, signature=turn1, query="turn=2").status_code == 403
    assert user_events(tracker(pair.a, sid)) == []
