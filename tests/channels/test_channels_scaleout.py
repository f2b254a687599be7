"""Two Rasa servers on one PostgreSQL tracker store and one Redis lock store: one conversation's
messages alternate between them and nothing is lost or reordered."""
import concurrent.futures
import uuid

import httpx

from tests.channels.chan_support import tracker


def say(server, sender: str, text: str) -> list:
    r = httpx.post(f"{server.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
    r.raise_for_status()
    return r.json()


def turns(events: list) -> list:
    """[(user text, [bot texts...]), ...] in tracker order."""
    out = []
    for e in events:
        if e["event"] == "user":
            out.append((e["text"], []))
        elif e["event"] == "bot" and out:
            out[-1][1].append(e["text"])
    return out


def test_scaleout_alternating_servers_keep_one_ordered_conversation(pair):
    sender = "web-" + uuid.uuid4().hex
    servers = [pair.a, pair.b]
    for i in range(12):
        assert say(servers[i % 2], sender, f"count {i}") == [{"recipient_id": sender, "text": "Noted."}]
    for server in servers:
        assert turns(tracker(server, sender)["events"]) == [(f"count {i}", ["Noted."]) for i in range(12)]


def test_scaleout_concurrent_messages_are_serialised_by_the_lock_store(pair):
    """Messages of one conversation arriving at the same time on both servers: each runs exactly
    once, one turn at a time (channels.lockstore.AtomicRedisLockStore; Rasa's stock RedisLockStore
    loses tickets here and answers some with LockError)."""
    servers = [pair.a, pair.b]
    for _ in range(3):
        sender = "web-" + uuid.uuid4().hex
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            replies = list(pool.map(lambda i: say(servers[i % 2], sender, f"count {i}"), range(8)))
        assert all(r == [{"recipient_id": sender, "text": "Noted."}] for r in replies), replies
        got = turns(tracker(pair.b, sender)["events"])
        assert sorted(t for t, _ in got) == sorted(f"count {i}" for i in range(8))
        assert all(bots == ["Noted."] for _, bots in got)
