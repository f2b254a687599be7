"""The Argonaut client against the REAL scheduler over HTTP (one subprocess for the session,
SQLite, demo clinic, SCHEDBOT_NOW = TEST_NOW): find -> hold -> book -> list -> reschedule ->
cancel, a slot taken by a second client, patient dedupe, coverage, display reads."""
import re
import uuid
from datetime import datetime, timezone

import aiohttp
import pytest

from actions.fhir import (
    ArgonautClient,
    InvalidRequest,
    NotFound,
    SlotTaken,
    build_coverage,
)
from actions.formatting import SMS_LIMIT, describe_appointment, display_names, option_lines
from tests.support.clock import TEST_NOW, TEST_TZ

NOW = datetime.fromisoformat(TEST_NOW)
DERM = "394582007"
FAMILY = "419772000"


@pytest.fixture
async def fhir(scheduler):
    async with ArgonautClient(scheduler, timeout=60.0) as c:
        yield c


async def new_patient(c, family=None):
    family = family or f"Client{uuid.uuid4().hex[:8]}"
    return await c.create_patient({
        "resourceType": "Patient", "name": [{"family": family, "given": ["Ann"]}], "gender": "female",
        "birthDate": "1980-04-12", "telecom": [{"system": "phone", "value": "4085550" + uuid.uuid4().hex[:3].translate(
            str.maketrans("abcdef", "123456"))}],
    })


async def test_find_hold_book_list_reschedule_cancel(fhir):
    patient = await new_patient(fhir)
    options = await fhir.find(specialty=DERM, start="2026-12-01T08:00:00-08:00", end="2026-12-04T17:00:00-08:00",
                              visit_type="office-visit", count=3)
    assert 1 <= len(options) <= 3
    assert all(a.status == "proposed" for a in options)
    assert all(datetime(2026, 12, 1, 16, tzinfo=timezone.utc) <= a.start for a in options)

    names = await display_names(fhir, options)
    text = option_lines(options, names, TEST_TZ, now=NOW, header="Open times:")
    assert len(text) <= SMS_LIMIT
    assert "Dr. " in text and " at " in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}|None|prop\.|arg-s-", text), text

    held, expires = await fhir.hold(options[0].id, patient_id=patient.id)
    assert held.status == "pending"
    assert expires is not None and expires.tzinfo is not None

    booked = await fhir.book(held.id, patient.id, comment="itchy rash")
    assert booked.status == "booked" and booked.id == held.id
    assert booked.start == options[0].start

    mine = await fhir.appointments(patient.id, status=["booked"], start=NOW)
    assert [a.id for a in mine] == [booked.id]
    sentence = describe_appointment(mine[0], await display_names(fhir, mine), TEST_TZ)
    assert sentence.startswith(("Tue Dec 1", "Wed Dec 2", "Thu Dec 3", "Fri Dec 4")) and " with Dr. " in sentence

    # reschedule: one step, the old booking is cancelled
    later = await fhir.find(specialty=DERM, start="2026-12-08T08:00:00-08:00", count=2)
    held2, _ = await fhir.hold(later[0].id)
    moved = await fhir.book(held2.id, patient.id, cancelled_appt_id=booked.id)
    assert moved.status == "booked" and moved.id != booked.id
    old = await fhir.read("Appointment", booked.id)
    assert old.status == "cancelled"
    mine = await fhir.appointments(patient.id, status=["booked"])
    assert [a.id for a in mine] == [moved.id]
    everything = await fhir.appointments(patient.id)
    assert {a.id for a in everything} == {booked.id, moved.id}
    assert everything[0].start <= everything[1].start

    cancelled = await fhir.cancel(moved.id, reason="weather")
    assert cancelled.status == "cancelled"
    assert cancelled.cancelationReason.coding[0].code == "weather"
    assert await fhir.appointments(patient.id, status=["booked"]) == []
    # the time is free again
    again = await fhir.find(specialty=DERM, start=later[0].start, end=later[0].end, practitioner=later[0].participant[0].actor.reference)
    assert again and again[0].start == later[0].start


async def test_reschedule_is_all_or_nothing(fhir):
    patient = await new_patient(fhir)
    first = (await fhir.find(specialty=FAMILY, start="2026-12-02T08:00:00-08:00", count=1))[0]
    booked = await fhir.book(first.id, patient.id)
    other = await new_patient(fhir)
    target = (await fhir.find(specialty=FAMILY, start="2026-12-09T08:00:00-08:00", count=1))[0]
    await fhir.book(target.id, other.id)  # someone else takes the new time first
    with pytest.raises(SlotTaken):
        await fhir.book(target.id, patient.id, cancelled_appt_id=booked.id)
    assert (await fhir.read("Appointment", booked.id)).status == "booked"


async def test_slot_taken_by_a_second_client(scheduler):
    async with ArgonautClient(scheduler, timeout=60.0) as alice_c, ArgonautClient(scheduler, timeout=60.0) as bob_c:
        alice = await new_patient(alice_c)
        bob = await new_patient(bob_c)
        option = (await alice_c.find(specialty=DERM, start="2026-12-03T08:00:00-08:00", count=1))[0]
        same = (await bob_c.find(specialty=DERM, start="2026-12-03T08:00:00-08:00", count=1))[0]
        assert same.id == option.id

        held, _ = await alice_c.hold(option.id, patient_id=alice.id)
        with pytest.raises(SlotTaken):
            await bob_c.hold(same.id)
        with pytest.raises(SlotTaken):
            await bob_c.book(same.id, bob.id)  # held for Alice
        await alice_c.book(held.id, alice.id)
        with pytest.raises(SlotTaken):
            await bob_c.hold(same.id)
        with pytest.raises(SlotTaken):
            await bob_c.book(held.id, bob.id)
        # Bob's next $find no longer offers that time
        fresh = await bob_c.find(specialty=DERM, start="2026-12-03T08:00:00-08:00", count=3)
        assert option.start not in [a.start for a in fresh if a.participant[0].actor.reference ==
                                    option.participant[0].actor.reference]


async def test_repeated_book_is_safe(fhir):
    patient = await new_patient(fhir)
    option = (await fhir.find(specialty=DERM, start="2026-12-10T08:00:00-08:00", count=1))[0]
    first = await fhir.book(option.id, patient.id)
    second = await fhir.book(option.id, patient.id)
    assert first.id == second.id and second.status == "booked"


async def test_release_a_hold(fhir):
    option = (await fhir.find(specialty=FAMILY, start="2026-12-04T08:00:00-08:00", count=1))[0]
    held, _ = await fhir.hold(option.id)
    released = await fhir.release(held.id)
    assert released.status == "cancelled"
    assert await fhir.release(held.id) is None  # already released: ignored
    assert await fhir.release("no-such-appointment") is None
    held_again, _ = await fhir.hold(option.id)  # the time is free again
    assert held_again.status == "pending"
    await fhir.release(held_again.id)


async def test_release_never_cancels_a_booking(fhir):
    patient = await new_patient(fhir)
    option = (await fhir.find(specialty=FAMILY, start="2026-12-11T08:00:00-08:00", count=1))[0]
    held, _ = await fhir.hold(option.id)
    booked = await fhir.book(held.id, patient.id)
    kept = await fhir.release(held.id)
    assert kept.status == "booked"
    assert (await fhir.read("Appointment", booked.id)).status == "booked"


async def test_patient_create_dedupes_and_search(fhir):
    family = f"Dedupe{uuid.uuid4().hex[:8]}"
    first = await new_patient(fhir, family)
    again = await fhir.create_patient({"resourceType": "Patient", "name": [{"family": family, "given": ["Ann"]}],
                                       "gender": "female", "birthDate": "1980-04-12"})
    assert again.id == first.id
    known, existed = await fhir.register_patient({"resourceType": "Patient", "name": [{"family": family, "given": ["Ann"]}],
                                                  "gender": "female", "birthDate": "1980-04-12"})
    assert known.id == first.id and existed
    stranger, existed = await fhir.register_patient({"resourceType": "Patient", "name": [{"family": family, "given": ["Zed"]}],
                                                     "birthDate": "1999-09-09"})
    assert stranger.id != first.id and not existed
    found = await fhir.search_patients(family=family, birthdate="1980-04-12")
    assert [p.id for p in found] == [first.id]
    assert await fhir.search_patients(family=family, birthdate="1999-01-01") == []
    phone = first.telecom[0].value
    assert first.id in [p.id for p in await fhir.search_patients(phone=phone)]


async def test_coverage_create_update_list(fhir):
    patient = await new_patient(fhir)
    cov = await fhir.create_coverage(build_coverage(patient.id, payer_name="Anthem Blue Cross", payer_id="47198",
                                                    member_id="DZW9200000000", plan="1FZQ", plan_name="Bronze"))
    assert cov.id and cov.subscriberId == "DZW9200000000"
    assert cov.beneficiary.reference.endswith(patient.id)
    assert cov.payor[0].display == "Anthem Blue Cross"
    assert cov.relationship.coding[0].code == "self"
    listed = await fhir.coverages(patient.id)
    assert [c.id for c in listed] == [cov.id]
    changed = build_coverage(patient.id, payer_name="Aetna", payer_id="60054", member_id="W123",
                             coverage_id=cov.id)
    updated = await fhir.update_coverage(changed)
    assert updated.id == cov.id and updated.subscriberId == "W123" and updated.payor[0].display == "Aetna"
    assert (await fhir.coverages(patient.id))[0].subscriberId == "W123"
    with pytest.raises(InvalidRequest):
        await fhir.create_coverage(build_coverage("no-such-patient", payer_name="Aetna", member_id="Z1"))


async def test_display_reads_and_not_found(fhir):
    doc = await fhir.practitioner("Practitioner/arg-s-1")
    assert doc.name[0].family == "Boyce"
    assert await fhir.practitioner("arg-s-1") is doc  # cached
    loc = await fhir.location("arg-s-1")
    assert loc.name
    org = await fhir.organization(loc.managingOrganization.reference)
    assert org.name == "San Jose Dermatology Clinic"
    with pytest.raises(NotFound):
        await fhir.practitioner("no-such-doctor")
    with pytest.raises(NotFound):
        await fhir.cancel("no-such-appointment")
    with pytest.raises(NotFound):
        await fhir.book("prop.no-such.202612011800.1", "no-such-patient")


async def test_find_preference_order_and_visit_type(fhir):
    appts = await fhir.find(specialty=[FAMILY, DERM], start="2026-12-14T08:00:00-08:00", count=5)
    assert appts and all(a.specialty[0].coding[0].code == FAMILY for a in appts)
    by_doc = await fhir.find(practitioner="arg-s-2", start="2026-12-14T08:00:00-08:00", count=2)
    assert by_doc and all(a.participant[0].actor.reference == "Practitioner/arg-s-2" for a in by_doc)
    assert await fhir.find(specialty="dermatology", location_string="Nowhereville", count=2) == []


async def test_generic_create(fhir):
    patient = await new_patient(fhir)
    task = await fhir.create({"resourceType": "Task", "status": "requested", "intent": "order",
                              "for": {"reference": f"Patient/{patient.id}"}, "description": "call back"})
    assert task.id and task.resource_type == "Task"


class _Recording:
    """Notes each request the client sends (aiohttp's request tracing); for ``plain``, the client reads a
    CapabilityStatement without `searchRevInclude` (a server that does not offer it)."""

    def __init__(self, plain: bool = False):
        self.sent, self.plain = [], plain
        self.trace = aiohttp.TraceConfig()
        self.trace.on_request_start.append(self._noted)

    async def _noted(self, session, context, params):
        url = params.url
        self.sent.append((params.method, url.path.rsplit("/fhir/", 1)[-1], url.query.get("_revinclude")))

    def attach(self, client: ArgonautClient) -> None:
        if not self.plain:
            return
        send = client._send

        async def without_revinclude(method, url, **kwargs):
            resp, data = await send(method, url, **kwargs)
            if url == "metadata":
                for r in data["rest"][0]["resource"]:
                    r.pop("searchRevInclude", None)
            return resp, data

        client._send = without_revinclude


@pytest.mark.parametrize("offered", [True, False])
async def test_a_patient_search_brings_their_coverage_when_the_server_offers_it(scheduler, offered):
    """verify, then action_next: the patient search and the coverage on file in one round trip when the
    CapabilityStatement lists `_revinclude=Coverage:beneficiary`; else (or the second time) a search of its own."""
    transport = _Recording(plain=not offered)
    async with ArgonautClient(scheduler, timeout=60.0, trace_configs=[transport.trace]) as c:
        transport.attach(c)
        family = f"Revinc{uuid.uuid4().hex[:8]}"
        insured, uninsured = await new_patient(c, family), await new_patient(c, f"Other{uuid.uuid4().hex[:8]}")
        cov = await c.create_coverage(build_coverage(insured.id, payer_name="Aetna", payer_id="60054", member_id="W1"))
        transport.sent.clear()
        for patient, coverage in ((insured, [cov.id]), (uninsured, [])):
            found = await c.search_patients(family=patient.name[0].family, given="Ann", birthdate="1980-04-12",
                                            with_coverage=True)
            assert [p.id for p in found] == [patient.id]
            assert [x.id for x in await c.coverages(patient.id)] == coverage
        searches = [s for s in transport.sent if s[1] != "metadata"]
        if offered:
            assert searches == [("GET", "Patient", "Coverage:beneficiary")] * 2  # no Coverage search
        else:
            assert searches == [("GET", "Patient", None), ("GET", "Coverage", None)] * 2
        assert [s for s in transport.sent if s[1] == "metadata"] == [("GET", "metadata", None)]  # asked once
        transport.sent.clear()
        assert [x.id for x in await c.coverages(insured.id)] == [cov.id]  # used once: asked again
        assert transport.sent == [("GET", "Coverage", None)]
