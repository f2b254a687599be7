"""The project's own assistant on the test stack (tests/support/stack.py), with every channel of
bot/credentials.yml loaded: the configuration `schedbot run` and `make demo` use."""
from pathlib import Path

import httpx
import pytest

from tests.support.stack import assistant_stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(1500)
def test_rt_project_stack_answers_through_rest_and_serves_every_channel():
    with assistant_stack(credentials=ROOT / "bot" / "credentials.yml") as stack:
        replies = stack.say("rt-stack-1", "hi")
        assert replies, "the assistant said nothing to a greeting"
        for m in replies:
            assert m["recipient_id"] == "rt-stack-1"
            assert len(m.get("text") or "") <= 320
        status = httpx.get(f"{stack.rasa_url}/status", timeout=60).json()
        assert Path(status["model_file"]).name == stack.model.name
        assert httpx.get(f"{stack.rasa_url}/webhooks/webchat/", timeout=60).status_code == 200
        unsigned = httpx.post(f"{stack.rasa_url}/webhooks/sms/webhook", data={"From": "+15550100", "Body": "hi"},
                              timeout=60)
        assert unsigned.status_code == 403  # channels listed in credentials.yml are live and fail closed
        assert httpx.get(stack.actions_url.replace("/webhook", "/health"), timeout=60).status_code == 200
        assert httpx.get(f"{stack.fhir_base}/metadata", timeout=60).status_code == 200
