"""Tables. Times are UTC epoch seconds (integers) everywhere: identical on SQLite and PostgreSQL,
indexable, and free of time-zone arithmetic in SQL. FHIR resources are kept as JSON text beside the
columns the searches need."""
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

practitioner = Table(
    "practitioner", metadata,
    Column("id", String(64), primary_key=True),
    Column("family", String(200)), Column("given", String(200)), Column("identifiers", Text),
    Column("json", Text, nullable=False),
)
organization = Table(
    "organization", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300)),
    Column("json", Text, nullable=False),
)
location = Table(
    "location", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300)),
    Column("address", Text),          # lower-cased "line city state postalCode" for location-string / address searches
    Column("city", String(200)), Column("state", String(50)), Column("postal", String(20)),
    Column("organization_id", String(64)),
    Column("json", Text, nullable=False),
)
practitioner_role = Table(
    "practitioner_role", metadata,
    Column("id", String(64), primary_key=True),
    Column("practitioner_id", String(64), index=True),
    Column("organization_id", String(64)), Column("location_id", String(64)),
    Column("specialties", Text),      # " code1 code2 "
    Column("json", Text, nullable=False),
)
schedule = Table(
    "schedule", metadata,
    Column("id", String(64), primary_key=True),   # no dots: proposed appointment ids embed it
    Column("practitioner_id", String(64), index=True),
    Column("role_id", String(64)), Column("location_id", String(64)), Column("organization_id", String(64)),
    Column("specialties", Text),      # " code1 code2 "
    Column("visit_types", Text),      # " office-visit new-patient "
    Column("json", Text, nullable=False),
)
slot = Table(
    "slot", metadata,
    Column("id", String(100), primary_key=True),
    Column("schedule_id", String(64), nullable=False),
    Column("start", BigInteger, nullable=False),
    Column("end", BigInteger, nullable=False),
    # free | busy-tentative (held until taken_until) | busy (booked) | busy-unavailable
    Column("status", String(20), nullable=False),
    Column("taken_until", BigInteger),           # hold expiry; an expired hold counts as free in every query
    Column("appointment_id", String(64)),
    Index("ix_slot_schedule_start", "schedule_id", "start"),
    Index("ix_slot_start", "start"),
    Index("ix_slot_appointment", "appointment_id"),
)
appointment = Table(
    "appointment", metadata,
    Column("id", String(64), primary_key=True),
    Column("status", String(20), nullable=False),   # pending | booked | cancelled (stored; see effective_status)
    Column("start", BigInteger), Column("end", BigInteger),
    Column("patient_id", String(64), index=True),
    Column("practitioner_id", String(64), index=True),
    Column("schedule_id", String(64)),
    Column("proposed_id", String(100), index=True),
    Column("expires", BigInteger),                   # hold expiry (pending only)
    Column("version", Integer, nullable=False, default=1),
    Column("updated", BigInteger),
    Column("json", Text, nullable=False),
)
patient = Table(
    "patient", metadata,
    Column("id", String(64), primary_key=True),
    Column("family", String(200), index=True),       # lower-cased
    Column("given", String(200)),                    # lower-cased, space separated
    Column("birthdate", String(10)),
    Column("gender", String(20)),
    Column("phones", Text),                          # " 4085550101 " (last 10 digits)
    Column("identifiers", Text),                     # " system|value "
    Column("version", Integer, nullable=False, default=1),
    Column("updated", BigInteger),
    Column("json", Text, nullable=False),
)
coverage = Table(
    "coverage", metadata,
    Column("id", String(64), primary_key=True),
    Column("beneficiary_id", String(64), index=True),
    Column("version", Integer, nullable=False, default=1),
    Column("updated", BigInteger),
    Column("json", Text, nullable=False),
)
resource = Table(  # other resource types a client may create (Task for a call-back request, ...)
    "resource", metadata,
    Column("type", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False, default=1),
    Column("updated", BigInteger),
    Column("json", Text, nullable=False),
)
request_key = Table(  # idempotent repeats of $book: hash of the request -> the appointment it booked
    "request_key", metadata,
    Column("key", String(64), primary_key=True),
    Column("appointment_id", String(64), nullable=False),
    Column("created", BigInteger),
)
slot_change = Table(  # journal of slot status changes, written in the same transaction as the change
    "slot_change", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("schedule_id", String(64), nullable=False),
    Column("start", BigInteger, nullable=False),
    Column("end", BigInteger, nullable=False),
    Column("changed_at", BigInteger, nullable=False),
    Index("ix_slot_change_schedule", "schedule_id", "id"),
)
