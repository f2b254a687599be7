"""Subscription tables (in the scheduler's MetaData, created with the rest of the schema).

The outbox is fed from the core's `slot_change` journal (written in the same transaction as every
slot change); `sub_cursor` remembers how far the journal has been fanned out, and is advanced in the
same transaction that writes the outbox rows, so nothing is lost or doubled across a restart."""
from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from scheduler.storage.schema import metadata

subscription = Table(
    "subscription", metadata,
    Column("id", String(64), primary_key=True),
    Column("status", String(20), nullable=False),     # requested | active | error | off
    Column("actor", String(200)),                     # "Practitioner/x"; NULL = every Schedule
    Column("endpoint", Text, nullable=False),
    Column("headers", Text, nullable=False),          # JSON list of "Name: value"
    Column("error", Text),
    Column("fail_count", Integer, nullable=False, default=0),
    Column("next_try", Float, nullable=False, default=0.0),  # epoch seconds, real clock (back-off)
    Column("last_sent", Float, nullable=False, default=0.0),  # last successful POST (heartbeat clock)
    Column("heartbeat", Float),                       # seconds (backport heartbeat-period extension); NULL = default
    Column("version", Integer, nullable=False, default=1),
    Column("json", Text, nullable=False),
)
sub_outbox = Table(
    "sub_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),          # the Schedule notification (JSON)
    Column("created", Float, nullable=False),
    Column("delivered", Float),                       # NULL = still to deliver
    Index("ix_sub_outbox_pending", "subscription_id", "delivered", "id"),
)
sub_cursor = Table(
    "sub_cursor", metadata,
    Column("name", String(32), primary_key=True),
    Column("last_id", BigInteger, nullable=False),
)
prefetch_closed = Table(  # Schedules closed to prefetching: the journal id of the change that closed them
    "prefetch_closed", metadata,
    Column("schedule_id", String(64), primary_key=True),
    Column("journal_id", BigInteger, nullable=False),
)
