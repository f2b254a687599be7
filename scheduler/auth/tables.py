"""Auth tables (in the scheduler's MetaData, created with the rest of the schema)."""
from sqlalchemy import BigInteger, Column, Integer, String, Table, Text

from scheduler.storage.schema import metadata

audit_log = Table(  # one row per write: who, what interaction, which resource ids (never patient details)
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", BigInteger, nullable=False),          # real clock, epoch seconds
    Column("client_id", String(200), nullable=False),
    Column("method", String(10), nullable=False),
    Column("interaction", String(300), nullable=False),  # e.g. "Appointment/$book", "Patient"
    Column("status", Integer, nullable=False),
    Column("resource_ids", Text, nullable=False),       # space separated "Appointment/abc Slot/..." references
)
auth_jti = Table(  # client assertion ids already used (replay check across processes)
    "auth_jti", metadata,
    Column("client_id", String(200), primary_key=True),
    Column("jti", String(300), primary_key=True),
    Column("exp", BigInteger, nullable=False),
)
