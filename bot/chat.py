"""`schedbot chat`: talk to the running assistant in this terminal, through Rasa's REST webhook.

Bot messages are printed as they come; buttons are shown as numbered options and typing the number
sends that button's payload. Ctrl-D (or Ctrl-C) ends the chat.
"""
from __future__ import annotations

import argparse
import os
import sys
import uuid

import httpx


def render(messages: list[dict]) -> tuple[list[str], list[dict]]:
    """Lines to print for the bot's messages, and the buttons a number may pick."""
    lines: list[str] = []
    buttons: list[dict] = []
    for m in messages:
        if m.get("text"):
            lines.append(f"bot: {m['text']}")
        if m.get("image"):
            lines.append(f"bot: [image] {m['image']}")
        if m.get("buttons"):
            buttons = list(m["buttons"])
            for i, b in enumerate(buttons, 1):
                lines.append(f"  {i}. {b.get('title') or b.get('payload')}")
    return lines, buttons


def choose(text: str, buttons: list[dict]) -> str:
    """A number answering the last buttons becomes that button's payload (else the text itself)."""
    choice = text.strip().rstrip(".)")
    if buttons and choice.isdigit() and 1 <= int(choice) <= len(buttons):
        b = buttons[int(choice) - 1]
        return b.get("payload") or b.get("title") or text
    return text


def send(client: httpx.Client, url: str, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
    body = {"sender": sender, "message": message}
    if metadata:
        body["metadata"] = metadata
    r = client.post(f"{url.rstrip('/')}/webhooks/rest/webhook", json=body)
    r.raise_for_status()
    return r.json() or []


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="schedbot chat", description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("SCHEDBOT_RASA_URL", "http://127.0.0.1:5005"),
                   help="the Rasa server (default http://127.0.0.1:5005, env SCHEDBOT_RASA_URL)")
    p.add_argument("--sender", default=None, help="conversation id (default: a new one)")
    p.add_argument("--timeout", type=float, default=60.0)
    args = p.parse_args(argv)
    sender = args.sender or f"chat-{uuid.uuid4().hex[:12]}"
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"Chatting with {args.url} (Ctrl-D to quit). Say hi!")
    buttons: list[dict] = []
    with httpx.Client(timeout=args.timeout) as client:
        while True:
            try:
                text = input("you: " if interactive else "")
            except (EOFError, KeyboardInterrupt):
                if interactive:
                    print()
                return 0
            if not text.strip():
                continue
            message = choose(text, buttons)
            try:
                replies = send(client, args.url, sender, message)
            except httpx.ConnectError:
                print(f"schedbot chat: cannot reach the assistant at {args.url} (is `schedbot run` running?)",
                      file=sys.stderr)
                return 1
            except httpx.HTTPError as exc:
                print(f"schedbot chat: the assistant did not answer ({exc.__class__.__name__})", file=sys.stderr)
                return 1
            lines, new_buttons = render(replies)
            buttons = new_buttons
            for line in lines or ["bot: (no reply)"]:
                print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
