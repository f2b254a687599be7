"""The embedded deployment keeps conversations across a Rasa restart (SQLite tracker store), and the
test stack can take the scheduler away and bring it back with its data."""
import httpx
import pytest

from tests.support.stack import assistant_stack


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


@pytest.mark.timeout(900)
def test_rt_rasa_restart_keeps_the_conversation(tiny):
    with assistant_stack(model=tiny["model"], actions_module=tiny["actions_module"],
                         env={"PYTHONPATH": str(tiny["root"])}) as stack:
        assert stack.texts("rt-restart", "hi") == ["Hello from the tiny bot"]
        assert stack.texts("rt-restart", "ping") == ["pong from the action server"]
        before = stack.tracker("rt-restart")
        assert user_texts(before) == ["hi", "ping"]
        old_pid = stack.children["rasa"].pid

        stack.restart("rasa")

        assert stack.children["rasa"].pid != old_pid
        after = stack.tracker("rt-restart")
        assert user_texts(after) == ["hi", "ping"]
        assert len(after["events"]) >= len(before["events"])
        assert stack.texts("rt-restart", "ping") == ["pong from the action server"]
        assert user_texts(stack.tracker("rt-restart")) == ["hi", "ping", "ping"]
        assert stack.tracker_db.exists()


@pytest.mark.timeout(900)
def test_rt_stack_scheduler_down_and_back(tiny):
    with assistant_stack(model=tiny["model"], actions_module=tiny["actions_module"],
                         env={"PYTHONPATH": str(tiny["root"])}) as stack:
        patient = {"resourceType": "Patient", "name": [{"family": "Restart", "given": ["Rita"]}],
                   "birthDate": "1980-01-02"}
        created = httpx.post(f"{stack.fhir_base}/Patient", json=patient,
                             headers={"Content-Type": "application/fhir+json"}, timeout=60)
        assert created.status_code in (200, 201)
        pid = created.json()["id"]
        with stack.scheduler_down():
            try:
                httpx.get(f"{stack.fhir_base}/metadata", timeout=10)
                reachable = True
            except httpx.ConnectError:
                reachable = False
            assert not reachable
            assert stack.texts("rt-down", "hi") == ["Hello from the tiny bot"]  # the bot itself stays up
        back = httpx.get(f"{stack.fhir_base}/Patient/{pid}", timeout=60)
        assert back.status_code == 200 and back.json()["birthDate"] == "1980-01-02"
