"""Fixtures of the Argonaut client tests.

- ``scheduler``: ONE real scheduler subprocess for the whole session (tests/support/servers.py),
  yielding its FHIR base URL.
- ``standin``: a tiny scripted FHIR stand-in (Starlette + uvicorn in a thread, free port) for the
  error cases the real scheduler cannot produce (503, timeouts, a foreign server's
  OperationOutcomes, odd headers). Each test scripts answers with ``standin.on(method, path, ...)``.
"""
from __future__ import annotations

import threading
import time

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from tests.client.client_standin import StandIn
from tests.support.net import wait_http


@pytest.fixture(scope="session")
def standin_server():
    stand = StandIn()
    app = Starlette(routes=[Route("/fhir/{path:path}", stand.handle,
                                  methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=stand.port, log_level="warning",
                                           lifespan="off", ws="none", http="h11",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started or not thread.is_alive(), timeout=120)
    assert thread.is_alive(), "stand-in server did not start"
    wait_http(stand.base + "/metadata", timeout=120)
    yield stand
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def standin(standin_server):
    standin_server.reset()
    yield standin_server
    standin_server.reset()


@pytest.fixture(scope="session")
def scheduler():
    """The FHIR base URL of one real scheduler (SQLite, demo seed, TEST_NOW) for the session."""
    from tests.support.servers import run_scheduler

    with run_scheduler() as base:
        yield base


def wait_until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError("condition not met")
