"""Twilio Messaging webhook, spoken in Twilio's wire format: signed form posts in, TwiML out."""
import uuid
import xml.etree.ElementTree as ET

import httpx

from tests.channels.chan_support import (
    ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, post_twilio, sign, sms_params, tracker, user_events,
)


def phone() -> str:
    """A new conversation's number: 408 + one of 8 million (4 digits, as before, could repeat in a run)."""
    return f"+1408{2_000_000 + uuid.uuid4().int % 8_000_000}"


def messages(resp: httpx.Response) -> list:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(resp.text)
    assert root.tag == "Response"
    return [m for m in root if m.tag == "Message"]


def body(resp: httpx.Response) -> str:
    msgs = messages(resp)
    assert len(msgs) == 1, resp.text
    node = msgs[0].find("Body")
    return node.text if node is not None else msgs[0].text


def test_sms_reply_is_twiml_in_order_with_numbered_buttons(pair, http):
    p = phone()
    params = sms_params("hello", p)
    text = body(post_twilio(http, pair.a, "sms", params))
    greet = text.index("Hi! I'm the clinic's scheduling assistant.")
    ask = text.index("What can I do for you?")
    assert greet < ask < text.index("1. Book a visit") < text.index("2. Something else") < text.index("Reply 1 or 2.")
    t = tracker(pair.a, p)
    [event] = user_events(t)
    assert {k: event["metadata"][k] for k in ("phone", "channel")} == {"phone": p, "channel": "sms"}
    assert event["input_channel"] == "sms"
    assert event["message_id"] == params["MessageSid"]


def test_sms_number_maps_to_button_and_cancel_is_never_asked_for(pair, http):
    p = phone()
    body(post_twilio(http, pair.a, "sms", sms_params("hello", p)))
    times = body(post_twilio(http, pair.a, "sms", sms_params("1", p)))  # "Book a visit"
    assert "1. Tue Dec 1, 9:15 AM" in times and "3. None of these" in times and "Reply 1, 2 or 3." in times
    # the next message goes to the other server: the last buttons live in the shared store
    booked = body(post_twilio(http, pair.b, "sms", sms_params("1", p)))
    assert "booked for Tue Dec 1, 9:15 AM" in booked
    assert "CANCEL" not in booked and '"cancel my appointment"' in booked
    intents = [e["parse_data"]["intent"]["name"] for e in user_events(tracker(pair.a, p))]
    assert intents == ["greet", "book", "choose_tue"]


def test_sms_options_listed_by_the_assistant_are_not_listed_twice(pair, http):
    p = phone()
    text = body(post_twilio(http, pair.a, "sms", sms_params("options", p)))
    assert text == ("Here's what I have:\n1) Tue Dec 1, 9:15 AM with Dr. Boyce\n2) Wed Dec 2, 2:00 PM with Dr. Boyce\n"
                    "Reply 1 or 2, or 'none' for other times.")
    assert "booked for Wed Dec 2" in body(post_twilio(http, pair.b, "sms", sms_params("2", p)))


def test_sms_forged_unsigned_and_tampered_requests_are_refused(pair, http):
    p = phone()
    params = sms_params("hello", p)
    assert post_twilio(http, pair.a, "sms", params, signature=None).status_code == 403
    assert post_twilio(http, pair.a, "sms", params, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    wrong_token = sign(pair.a.webhook_url("sms"), params, token="another-token")
    assert post_twilio(http, pair.a, "sms", params, signature=wrong_token).status_code == 403
    # signed for another body: the signature covers every parameter
    tampered = dict(params, Body="book")
    good_for_original = sign(pair.a.webhook_url("sms"), params)
    assert post_twilio(http, pair.a, "sms", tampered, signature=good_for_original).status_code == 403
    assert user_events(tracker(pair.a, p)) == []


def test_sms_behind_proxy_checks_the_public_url(pair, http):
    p = phone()
    params = sms_params("hello", p)
    local = sign(f"{pair.b.url}/webhooks/sms/webhook", params)
    assert post_twilio(http, pair.b, "sms", params, signature=local).status_code == 403
    assert "What can I do for you?" in body(post_twilio(http, pair.b, "sms", params))  # signed for the public URL


def test_sms_retried_message_sid_does_not_run_the_turn_twice(pair, http):
    p = phone()
    params = sms_params("hello", p)
    first = post_twilio(http, pair.a, "sms", params)
    again = post_twilio(http, pair.a, "sms", params)
    on_b = post_twilio(http, pair.b, "sms", params)  # a retry may land on another server
    assert body(first) == body(again) == body(on_b)
    assert len(user_events(tracker(pair.a, p))) == 1


def test_sms_retry_arriving_while_the_first_is_running_waits_for_its_answer(pair):
    import concurrent.futures

    p = phone()
    params = sms_params("book", p)

    def send(server):
        with httpx.Client() as c:
            return body(post_twilio(c, server, "sms", params))

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, [pair.a, pair.b, pair.a, pair.b]))
    assert len(set(answers)) == 1 and "I have these times" in answers[0]
    assert len(user_events(tracker(pair.a, p))) == 1


def test_sms_media_help_and_empty_messages(pair, http):
    p = phone()
    media = sms_params("", p, NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1",
                       MediaContentType0="image/jpeg")
    assert "can't open pictures" in body(post_twilio(http, pair.a, "sms", media))
    help_text = body(post_twilio(http, pair.a, "sms", sms_params("HELP", p)))
    assert "appointment assistant" in help_text and "STOP" in help_text
    with_text = sms_params("hello", p, NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME2")
    combined = body(post_twilio(http, pair.a, "sms", with_text))
    assert combined.index("can't open pictures") < combined.index("What can I do for you?")
    assert [e["text"] for e in user_events(tracker(pair.a, p))] == ["hello"]


def test_sms_stop_start_and_outbound_through_rest_api(pair, http, standin):
    p = phone()
    trigger = f"{pair.a.url}/conversations/{p}/trigger_intent?output_channel=sms"

    before = len(standin.messages())
    r = httpx.post(trigger, json={"name": "remind"}, timeout=60)
    assert r.status_code == 200, r.text
    sent = standin.messages()[before:]
    assert len(sent) == 1
    assert sent[0]["To"] == p and sent[0]["From"] == TWILIO_NUMBER
    assert "Reminder: your visit is Tue Dec 1, 9:15 AM." in sent[0]["Body"]
    assert "CANCEL" not in sent[0]["Body"]
    call = standin.calls[-1]
    assert call["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert call["auth"].startswith("Basic ")

    assert messages(post_twilio(http, pair.a, "sms", sms_params("Stop", p))) == []
    # opted out: no proactive message, and the dialog is not run for other texts
    httpx.post(trigger, json={"name": "remind"}, timeout=60).raise_for_status()
    assert messages(post_twilio(http, pair.b, "sms", sms_params("hello", p))) == []
    assert len(standin.messages()) == before + 1

    assert messages(post_twilio(http, pair.b, "sms", sms_params("START", p))) == []
    httpx.post(trigger, json={"name": "remind"}, timeout=60).raise_for_status()
    assert len(standin.messages()) == before + 2
    assert "What can I do for you?" in body(post_twilio(http, pair.a, "sms", sms_params("hello", p)))
    assert AUTH_TOKEN  # the REST client authenticates with the account sid + token
