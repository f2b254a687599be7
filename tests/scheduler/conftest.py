"""Scheduler API suites run twice: on SQLite and on PostgreSQL (a throwaway database)."""
import contextlib
import itertools

import httpx
import pytest

from tests.support.postgres import temp_database
from tests.support.servers import run_scheduler

_counter = itertools.count(1)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_kind(request):
    return request.param


@pytest.fixture(scope="session")
def database(db_kind, tmp_path_factory):
    """A database URL (session-wide) for the given kind."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sched')}/main.db"
    else:
        with temp_database("schedbot_sched") as url:
            yield url


@pytest.fixture(scope="session")
def base(database):
    with run_scheduler(database=database) as fhir_base:
        yield fhir_base


@pytest.fixture
def client(base):
    with httpx.Client(base_url=base, timeout=60, headers={"Accept": "application/fhir+json"}) as c:
        yield c


@pytest.fixture
def fresh_database(db_kind, tmp_path):
    """A database only this test uses (for servers with special flags, restarts, two processes)."""
    @contextlib.contextmanager
    def make():
        if db_kind == "sqlite":
            yield f"sqlite:///{tmp_path}/db{next(_counter)}.db"
        else:
            with temp_database("schedbot_sched") as url:
                yield url
    return make
