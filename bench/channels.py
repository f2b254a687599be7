"""Webhook latency of the Twilio SMS and voice channels next to Rasa's REST channel (baseline),
in the same run, on the same Rasa server running the channel tests' minibot (keyword NLU + rules,
in-memory tracker store), so the figures show what the channels add, not the assistant's NLU.

    .venv/bin/python -m bench.channels [N]

Every channel plays the same conversation, a new one every two requests: a greeting (two replies,
two buttons), then the second button (REST: its payload; SMS: "2"; voice: key 2). Each SMS request
is a new signed Twilio form post (unique MessageSid); "sms replay" re-sends an already answered
MessageSid (the retry path: no turn runs). Voice alternates a new call (greeting) and a key
press on it (posted to the greeting's `<Gather action>`, as Twilio does). Latency = client-side wall time of the whole HTTP request on loopback.
"""
from __future__ import annotations

import sys
import tempfile
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx

from bench.common import pct
from tests.channels.chan_support import (
    minibot_model, post_twilio, rasa_server, sms_params, twilio_standin, voice_params,
)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main(argv=None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    n = int(args[0]) if args else 200
    model = minibot_model()
    with twilio_standin() as standin, tempfile.TemporaryDirectory(prefix="schedbot-bench-chan-") as tmp:
        with rasa_server(model, Path(tmp) / "rasa", env={"SCHEDBOT_TWILIO_API_BASE": standin.url},
                         name="bench") as server, httpx.Client() as client:
            # every channel plays the same two-turn conversation, a new one every two requests:
            # a greeting (two replies with buttons) and then the choice of the second button
            def rest(i: int) -> None:
                message = "hello" if i % 2 == 0 else "/choose_other"
                r = client.post(f"{server.url}/webhooks/rest/webhook",
                                json={"sender": f"bench-rest-{i // 2}", "message": message}, timeout=60)
                assert r.status_code == 200 and r.json()

            def sms(i: int) -> None:
                phone = f"+1408{i // 2:07d}"
                r = post_twilio(client, server, "sms", sms_params("hello" if i % 2 == 0 else "2", phone))
                assert r.status_code == 200 and "<Message>" in r.text

            replay = sms_params("hello", "+14085559999")
            post_twilio(client, server, "sms", replay)

            def sms_replay(i: int) -> None:
                r = post_twilio(client, server, "sms", replay)
                assert r.status_code == 200 and "<Message>" in r.text

            calls = {}

            def voice(i: int) -> None:
                key = i // 2
                if i % 2 == 0:  # a new call: the greeting
                    calls[key] = ("CA" + uuid.uuid4().hex, "")
                    sid, query = calls[key]
                    params = voice_params(sid)
                else:  # a key press, sent to the <Gather action> of the greeting like Twilio does
                    sid, query = calls[key]
                    params = voice_params(sid, Digits="2")
                r = post_twilio(client, server, "voice", params, query=query)
                assert r.status_code == 200 and "<Gather" in r.text
                action = ET.fromstring(r.text).find("Gather").get("action")
                calls[key] = (sid, urllib.parse.urlsplit(action).query)

            cases = {"rest (baseline)": rest, "sms": sms, "sms replay": sms_replay, "voice": voice}
            for fn in cases.values():  # warm-up
                for i in range(10):
                    fn(i)
            results = {name: [] for name in cases}
            for i in range(n):  # interleaved so load and noise hit every channel alike
                for name, fn in cases.items():
                    results[name].append(_timed(lambda: fn(1000 + i)))

    base50 = pct(results["rest (baseline)"], 50)
    base95 = pct(results["rest (baseline)"], 95)
    print(f"channel webhook latency, minibot, {n} requests each, loopback (ms)")
    print(f"{'channel':<18}{'p50':>8}{'p95':>8}{'p50/rest':>10}{'p95/rest':>10}")
    for name, values in results.items():
        p50, p95 = pct(values, 50), pct(values, 95)
        print(f"{name:<18}{p50:>8.1f}{p95:>8.1f}{p50 / base50:>10.2f}{p95 / base95:>10.2f}")


if __name__ == "__main__":
    main()
