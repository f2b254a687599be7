"""A real local HTTP receiver for rest-hook notifications (a thread running http.server)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/notify"
        self.received: list[dict] = []
        self.failed: list[dict] = []   # requests answered with fail_status
        self.fail_status: int | None = None
        self.cond = threading.Condition()
        self._server = None
        self._thread = None

    def start(self) -> "Receiver":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                item = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(body) if body else None, "at": time.monotonic()}
                with owner.cond:
                    status = owner.fail_status or 200
                    (owner.failed if owner.fail_status else owner.received).append(item)
                    owner.cond.notify_all()
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        for _ in range(100):  # the port may linger briefly after a stop
            try:
                self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"cannot bind receiver port {self.port}")
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def notifications(self, actor: str | None = None) -> list[dict]:
        with self.cond:
            out = [r for r in self.received if r["body"] is not None]
        if actor:
            out = [r for r in out if any(a.get("reference") == actor for a in r["body"].get("actor", []))]
        return out

    def heartbeats(self) -> list[dict]:
        with self.cond:
            return [r for r in self.received if r["body"] is None]

    def wait_for(self, pred, timeout: float = 90.0):
        """Wait until pred(self) is truthy; return its value (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                value = pred(self)
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver: condition not met in {timeout}s; got {len(self.received)} requests")
                self.cond.wait(min(left, 0.5))
