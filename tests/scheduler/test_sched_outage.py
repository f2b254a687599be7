"""A database outage answers 503 with an OperationOutcome (PostgreSQL dropped under the server)."""
import httpx

from tests.support.postgres import _admin, temp_database
from tests.support.servers import run_scheduler


def test_database_gone_gives_503():
    with temp_database("schedbot_outage") as url, run_scheduler(database=url) as base:
        assert httpx.get(f"{base}/Practitioner/arg-s-1", timeout=30).status_code == 200
        _admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        for path in ("/Practitioner/arg-s-1", "/Appointment/$find?specialty=394582007"):
            r = httpx.get(base + path, timeout=60)
            assert r.status_code == 503, r.text
            assert r.json()["resourceType"] == "OperationOutcome"
        r = httpx.get(f"{base}/metadata", timeout=30)
        assert r.status_code == 200
