"""The `seed` command, and what the server writes to its log (ids and event names, no PHI)."""
import subprocess
import sys
from urllib.parse import urlsplit

import httpx

from tests.scheduler.sched_helpers import entries, find, params
from tests.support.clock import TEST_NOW
from tests.support.servers import LOG_DIR, ROOT, run_scheduler


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "scheduler.cli", *args], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=300, env={"SCHEDBOT_NOW": TEST_NOW, "PATH": "/usr/bin:/bin"})


def test_seed_synthetic_then_serve(tmp_path):
    db = f"sqlite:///{tmp_path}/syn.db"
    r = _cli("seed", "--database", db, "--synthetic", "5", "--days", "7")
    assert r.returncode == 0, r.stderr
    assert "loaded 800 slots" in r.stdout  # 5 practitioners x 5 weekdays x 32 slots
    assert _cli("seed", "--database", db, "--demo").returncode == 1  # not into a non-empty database
    with run_scheduler(database=db, seed="none") as base, httpx.Client(base_url=base, timeout=60) as c:
        assert len(entries(c.get("/Practitioner").json())) == 5
        assert find(c, specialty="394582007", _count=2)
    assert _cli("serve", "--now", "not a time").returncode == 2


def test_logs_hold_no_patient_data():
    with run_scheduler() as base, httpx.Client(base_url=base, timeout=60) as c:
        patient = {"resourceType": "Patient", "name": [{"family": "Zyxwvutsrq", "given": ["Qwertyuiop"]}],
                   "birthDate": "1971-07-17", "telecom": [{"system": "phone", "value": "(555) 867-5309"}]}
        pid = c.post("/Patient", json=patient).json()["id"]
        c.get("/Patient", params={"family": "Zyxwvutsrq", "birthdate": "1971-07-17", "telecom": "5558675309"})
        appt = find(c, specialty="394582007", _count=1)[0]
        c.post("/Appointment/$book", json=params(appt_id=appt["id"], patient_id=f"Patient/{pid}",
                                                 comment="my rash is itchy"))
        port = urlsplit(base).port
    text = "".join(p.read_text() for p in LOG_DIR.glob(f"scheduler-{port}-*.log"))
    assert pid in text  # ids are logged ...
    for secret in ("Zyxwvutsrq", "Qwertyuiop", "1971-07-17", "867-5309", "5558675309", "itchy"):
        assert secret not in text  # ... patient data is not
