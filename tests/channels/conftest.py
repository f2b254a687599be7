"""Fixtures for the channel tests: the minibot model, a Twilio REST stand-in and TWO Rasa servers
sharing a PostgreSQL tracker store and a Redis lock/channel store (the production layout of
docs/deploy.md). Server B sits "behind a proxy": it checks signatures against SCHEDBOT_PUBLIC_URL.

The servers start on first use and stop after the last test of this folder (not at the end of the
whole session: each Rasa process holds ~700 MB)."""
import contextlib
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.channels.chan_support import minibot_model, rasa_server, twilio_standin
from tests.support.postgres import temp_database

PUBLIC_URL = "https://clinic.example.org"
HERE = Path(__file__).resolve().parent
_running = {"stack": None, "pair": None, "standin": None}


def _start() -> None:
    stack = contextlib.ExitStack()
    try:
        standin = stack.enter_context(twilio_standin())
        model = minibot_model()
        prefix = "chantest" + uuid.uuid4().hex[:10]
        stack.callback(_drop_redis_keys, prefix)
        env = {"SCHEDBOT_TWILIO_API_BASE": standin.url}
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="schedbot-chan-"))
        db = stack.enter_context(temp_database("schedbot_chan"))
        # one after the other: both create the tracker tables on start-up
        a = stack.enter_context(rasa_server(model, Path(tmp) / "a", database=db, redis_prefix=prefix, env=env,
                                            name="a"))
        b = stack.enter_context(rasa_server(model, Path(tmp) / "b", database=db, redis_prefix=prefix, env=env,
                                            public_url=PUBLIC_URL, name="b"))
    except BaseException:
        stack.close()
        raise
    _running.update(stack=stack, standin=standin, pair=SimpleNamespace(a=a, b=b, database=db, prefix=prefix))


def _stop() -> None:
    stack = _running["stack"]
    _running.update(stack=None, pair=None, standin=None)
    if stack is not None:
        stack.close()


def _drop_redis_keys(prefix: str) -> None:
    import redis

    r = redis.Redis(host="127.0.0.1", port=6379, db=0)
    keys = list(r.scan_iter(match=f"{prefix}:*"))
    if keys:
        r.delete(*keys)


@pytest.fixture()
def pair():
    if _running["pair"] is None:
        _start()
    return _running["pair"]


@pytest.fixture()
def standin(pair):
    return _running["standin"]


@pytest.fixture()
def http():
    with httpx.Client() as c:
        yield c


def pytest_runtest_teardown(item, nextitem):
    if nextitem is None or HERE not in Path(str(nextitem.path)).resolve().parents:
        _stop()


def pytest_sessionfinish(session, exitstatus):
    _stop()
