"""A tiny Rasa project (keyword NLU, rules, one custom action) for the runtime tests: it trains in
seconds, so `schedbot train/run` and the tracker store are tested without the real assistant."""
from __future__ import annotations

from pathlib import Path

CONFIG = """\
recipe: default.v1
assistant_id: tinybot
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: KeywordIntentClassifier
policies:
  - name: RulePolicy
"""

DOMAIN = """\
version: "3.1"
intents:
  - greet
  - ping
responses:
  utter_greet:
    - text: "Hello from the tiny bot"
      buttons:
        - title: "Ping it"
          payload: "/ping"
actions:
  - action_ping
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""

NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hi
      - hello
  - intent: ping
    examples: |
      - ping
"""

RULES = """\
version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: ping
    steps:
      - intent: ping
      - action: action_ping
"""

ACTIONS = '''\
from rasa_sdk import Action


class ActionPing(Action):
    def name(self):
        return "action_ping"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="pong from the action server")
        return []
'''

CREDENTIALS = "rest:\n"


def write_tinybot(root: Path) -> dict:
    """Write the project under `root`; return its paths (config, domain, data, actions dir, credentials)."""
    root = Path(root)
    (root / "data" / "nlu").mkdir(parents=True, exist_ok=True)
    (root / "data" / "rules").mkdir(parents=True, exist_ok=True)
    (root / "data" / "clinic").mkdir(parents=True, exist_ok=True)
    (root / "config.yml").write_text(CONFIG)
    (root / "domain.yml").write_text(DOMAIN)
    (root / "data" / "nlu" / "nlu.yml").write_text(NLU)
    (root / "data" / "rules" / "rules.yml").write_text(RULES)
    (root / "data" / "clinic" / "clinic.yml").write_text("not: training data\n")
    (root / "tinyactions").mkdir(exist_ok=True)
    (root / "tinyactions" / "__init__.py").write_text(ACTIONS)
    (root / "credentials.yml").write_text(CREDENTIALS)
    return {"root": root, "config": root / "config.yml", "domain": root / "domain.yml",
            "data": root / "data", "nlu": root / "data" / "nlu" / "nlu.yml",
            "credentials": root / "credentials.yml", "actions_module": "tinyactions"}
