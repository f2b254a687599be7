import httpx
import pytest

from tests.scheduler_guide.guide_helpers import GUIDE_ENV, database
from tests.scheduler_guide.guide_receiver import Receiver
from tests.support.net import free_port
from tests.support.servers import run_scheduler


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db_kind(request):
    return request.param


@pytest.fixture(scope="module")
def fhir(db_kind):
    """A demo scheduler on this module's database kind: yields an httpx.Client on its FHIR base."""
    with database(db_kind) as url, run_scheduler(database=url, env=GUIDE_ENV) as base:
        with httpx.Client(base_url=base, timeout=60) as client:
            yield client


@pytest.fixture(scope="module")
def receiver(db_kind):
    """A fresh rest-hook receiver per database kind (notifications of one run never leak into the other)."""
    r = Receiver(free_port()).start()
    yield r
    r.stop()
