"""The database: engine, transactions, and every SQL statement the scheduler runs.

Invariant: one slot carries at most one live hold or booking. It is enforced by the database, not
by a lock in this process: a slot is taken only by a conditional UPDATE
(`... WHERE id = :id AND (status = 'free' OR (status = 'busy-tentative' AND taken_until < :now))`)
whose row count is checked, inside one transaction, so two scheduler processes on one PostgreSQL
database cannot double-book either. An expired hold (taken_until < now) counts as free in every
query at once; `release_expired` only tidies up (and journals) later.
Every slot status change writes a `slot_change` row in the same transaction.
"""
from __future__ import annotations

import contextlib
import json
import unicodedata
from typing import Iterable, Sequence

from sqlalchemy import and_, bindparam, create_engine, event, func, or_, select, text
from sqlalchemy.pool import NullPool, QueuePool

from .schema import (appointment, coverage, location, metadata, organization, patient, practitioner,
                     practitioner_role, resource, schedule, slot)

LIVE_HOLD = "busy-tentative"

# The booking hot path uses plain SQL (no expression building per call): the same text on both databases.
_SQL = {
    "slots_by_ids": text('SELECT id, schedule_id, start, "end", status, taken_until, appointment_id FROM slot '
                         'WHERE id IN :ids ORDER BY start').bindparams(bindparam("ids", expanding=True)),
    "take": text('UPDATE slot SET status = :status, taken_until = :until, appointment_id = :appt WHERE id = :id '
                 "AND (status = 'free' OR (status = 'busy-tentative' AND (taken_until < :now OR appointment_id = :appt)))"),
    "journal": text('INSERT INTO slot_change (schedule_id, start, "end", changed_at) '
                    'VALUES (:schedule_id, :start, :end, :changed_at)'),
    "appointment": text("SELECT * FROM appointment WHERE id = :id"),
    "patient": text("SELECT * FROM patient WHERE id = :id"),
    "live_by_proposed": text("SELECT * FROM appointment WHERE proposed_id = :pid AND (status = 'booked' OR "
                             "(status = 'pending' AND expires >= :now))"),
    "overlap": text("SELECT id FROM appointment WHERE patient_id = :patient AND start < :end AND \"end\" > :start "
                    "AND id <> :own AND (status = 'booked' OR (status = 'pending' AND expires >= :now))"),
    "insert_appointment": text('INSERT INTO appointment (id, status, start, "end", patient_id, practitioner_id, '
                               'schedule_id, proposed_id, expires, version, updated, json) VALUES (:id, :status, '
                               ':start, :end, :patient_id, :practitioner_id, :schedule_id, :proposed_id, :expires, '
                               ':version, :updated, :json)'),
    # one row per live appointment overlapping the window, or one row of NULLs: the patient exists, none
    "patient_busy": text('SELECT a.start, a."end" FROM patient p LEFT JOIN appointment a ON a.patient_id = p.id '
                         'AND a.start < :end AND a."end" > :start AND (a.status = \'booked\' OR '
                         "(a.status = 'pending' AND a.expires >= :now)) WHERE p.id = :patient"),
    "get_key": text("SELECT appointment_id FROM request_key WHERE key = :key"),
    "insert_key": text("INSERT INTO request_key (key, appointment_id, created) VALUES (:key, :appt, :now)"),
    "update_key": text("UPDATE request_key SET appointment_id = :appt, created = :now WHERE key = :key"),
}


def normalize_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://"):]
    return url


class Store:
    def __init__(self, url: str, pool_size: int = 8, max_overflow: int = 12):
        self.url = normalize_url(url)
        self._side = None
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                self.url, future=True, poolclass=QueuePool, pool_size=pool_size, max_overflow=max_overflow,
                pool_timeout=60, connect_args={"timeout": 60, "check_same_thread": False})

            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_conn, _record):
                dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=60000")
                cur.close()

            @event.listens_for(self.engine, "begin")
            def _on_begin(conn):
                # writers take the write lock up front: no lock upgrade deadlocks under concurrency
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("write", False) else "BEGIN")
        else:
            self.engine = create_engine(self.url, future=True, pool_size=pool_size, max_overflow=max_overflow,
                                        pool_timeout=60, pool_pre_ping=True)

    def create_schema(self) -> None:
        with self.engine.begin() as conn:
            metadata.create_all(conn)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._side is not None:
            self._side.dispose()

    @contextlib.contextmanager
    def side_read(self):
        """A read on its own connection outside the pool: safe while a pooled connection is held
        (refreshing a cache inside a transaction must never wait for the pool)."""
        if self._side is None:
            self._side = create_engine(self.url, future=True, poolclass=NullPool)
        with self._side.connect() as conn:
            yield conn
            conn.rollback()

    @contextlib.contextmanager
    def read(self):
        with self.engine.connect() as conn:
            yield conn
            conn.rollback()

    @contextlib.contextmanager
    def write(self):
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    def is_empty(self) -> bool:
        with self.read() as conn:
            return conn.execute(select(func.count()).select_from(schedule)).scalar() == 0


# --- directory: Practitioner, PractitionerRole, Organization, Location, Schedule -------------------

TABLES = {"Practitioner": practitioner, "PractitionerRole": practitioner_role, "Organization": organization,
          "Location": location, "Schedule": schedule, "Patient": patient, "Coverage": coverage,
          "Appointment": appointment}


def _codes(items: Iterable[str]) -> str:
    return " " + " ".join(items) + " "


def directory_row(kind: str, res: dict) -> dict:
    """Index columns for a directory resource (what the seed loads)."""
    rid = res["id"]
    if kind == "Practitioner":
        name = (res.get("name") or [{}])[0]
        return {"id": rid, "family": (name.get("family") or "").lower(), "given": " ".join(name.get("given", [])).lower(),
                "identifiers": _codes(f"{i.get('system', '')}|{i.get('value', '')}" for i in res.get("identifier", [])),
                "json": json.dumps(res)}
    if kind == "Organization":
        return {"id": rid, "name": res.get("name", ""), "json": json.dumps(res)}
    if kind == "Location":
        a = res.get("address") or {}
        return {"id": rid, "name": res.get("name", ""),
                "address": " ".join(a.get("line", []) + [a.get("city", ""), a.get("state", ""), a.get("postalCode", "")]).lower(),
                "city": (a.get("city") or "").lower(), "state": (a.get("state") or "").lower(),
                "postal": a.get("postalCode") or "",
                "organization_id": _ref_id((res.get("managingOrganization") or {}).get("reference")),
                "json": json.dumps(res)}
    if kind == "PractitionerRole":
        return {"id": rid, "practitioner_id": _ref_id(res.get("practitioner", {}).get("reference")),
                "organization_id": _ref_id(res.get("organization", {}).get("reference")),
                "location_id": _ref_id((res.get("location") or [{}])[0].get("reference")),
                "specialties": _codes(c["code"] for s in res.get("specialty", []) for c in s.get("coding", [])),
                "json": json.dumps(res)}
    if kind == "Schedule":
        actors = {a["reference"].split("/")[0]: _ref_id(a["reference"]) for a in res.get("actor", [])}
        return {"id": rid, "practitioner_id": actors.get("Practitioner"), "role_id": actors.get("PractitionerRole"),
                "location_id": actors.get("Location"), "organization_id": res.get("_organization"),
                "specialties": _codes(c["code"] for s in res.get("specialty", []) for c in s.get("coding", [])),
                "visit_types": _codes(c["code"] for s in res.get("serviceType", []) for c in s.get("coding", [])),
                "json": json.dumps({k: v for k, v in res.items() if not k.startswith("_")})}
    raise ValueError(kind)


def _ref_id(ref: str | None) -> str | None:
    return ref.rstrip("/").split("/")[-1] if ref else None


def insert_rows(conn, kind_or_table, rows: Sequence[dict]) -> None:
    table = TABLES.get(kind_or_table, kind_or_table) if isinstance(kind_or_table, str) else kind_or_table
    if rows:
        conn.execute(table.insert(), list(rows))


def get_json(conn, kind: str, rid: str) -> dict | None:
    table = TABLES[kind]
    row = conn.execute(select(table.c.json).where(table.c.id == rid)).first()
    return json.loads(row[0]) if row else None


def get_row(conn, kind: str, rid: str):
    if kind in ("Appointment", "Patient"):
        return conn.execute(_SQL[kind.lower()], {"id": rid}).mappings().first()
    table = TABLES[kind]
    return conn.execute(select(table).where(table.c.id == rid)).mappings().first()


def search_directory(conn, kind: str, filters: dict, count: int) -> list[dict]:
    """filters: name -> list of values (AND across names, OR within one name's comma list)."""
    table = TABLES[kind]
    q = select(table.c.json)
    for name, values in filters.items():
        ors = []
        for v in values:
            v = v.strip()
            if name == "_id":
                ors.append(table.c.id == v)
            elif name in ("practitioner", "organization", "location", "actor") and kind in ("PractitionerRole", "Schedule", "Location"):
                col = {"practitioner": "practitioner_id", "organization": "organization_id",
                       "location": "location_id", "actor": None}[name]
                rid = _ref_id(v)
                if col is None:  # Schedule?actor=Practitioner/x (or Location/x, PractitionerRole/x)
                    ors.append(or_(table.c.practitioner_id == rid, table.c.location_id == rid, table.c.role_id == rid))
                else:
                    ors.append(table.c[col] == rid)
            elif name == "specialty" and kind in ("PractitionerRole", "Schedule"):
                ors.append(table.c.specialties.like(f"% {v.split('|')[-1]} %"))
            elif name in ("address", "address-city", "address-state", "address-postalcode") and kind == "Location":
                col = {"address": "address", "address-city": "city", "address-state": "state",
                       "address-postalcode": "postal"}[name]
                ors.append(table.c[col].like(f"%{v.lower()}%") if name == "address" else table.c[col].like(f"{v.lower()}%"))
            elif name == "name" and kind in ("Organization", "Location"):
                ors.append(func.lower(table.c.name).like(f"%{v.lower()}%"))
            elif name in ("family", "name") and kind == "Practitioner":
                ors.append(or_(table.c.family.like(f"{v.lower()}%"), table.c.given.like(f"{v.lower()}%")) if name == "name"
                           else table.c.family.like(f"{v.lower()}%"))
            elif name == "given" and kind == "Practitioner":
                ors.append(table.c.given.like(f"{v.lower()}%"))
            elif name == "identifier" and kind == "Practitioner":
                ors.append(table.c.identifiers.like(f"% {v} %") if "|" in v else table.c.identifiers.like(f"%|{v} %"))
            else:
                raise KeyError(name)
        q = q.where(or_(*ors))
    q = q.order_by(table.c.id).limit(count)
    return [json.loads(r[0]) for r in conn.execute(q)]


def schedules(conn, *, ids=None) -> list:
    q = select(schedule)
    if ids is not None:
        q = q.where(schedule.c.id.in_(list(ids)))
    return list(conn.execute(q).mappings())


def locations_matching(conn, needle: str) -> list[str]:
    return [r[0] for r in conn.execute(select(location.c.id).where(location.c.address.like(f"%{needle.lower()}%")))]


# --- slots -------------------------------------------------------------------------------------------

def _free(now: int):
    return or_(slot.c.status == "free", and_(slot.c.status == LIVE_HOLD, slot.c.taken_until < now))


def effective_slot_status(row, now: int) -> str:
    if row["status"] == LIVE_HOLD and (row["taken_until"] or 0) < now:
        return "free"
    return row["status"]


_FREE_SQL = ('SELECT id, schedule_id, start, "end" FROM slot WHERE {where} start >= :a AND start < :b AND '
             "(status = 'free' OR (status = 'busy-tentative' AND taken_until < :now)) "
             "ORDER BY start, schedule_id LIMIT :lim")
_SQL["free_in"] = text(_FREE_SQL.format(where="schedule_id IN :ids AND")).bindparams(bindparam("ids", expanding=True))
_SQL["free_all"] = text(_FREE_SQL.format(where=""))


def free_slots(conn, schedule_ids: Sequence[str] | None, start: int, end: int, now: int, limit: int) -> list:
    """Free slots (an expired hold counts as free) starting in [start, end), earliest first."""
    args = {"a": start, "b": end, "now": now, "lim": limit}
    if schedule_ids is None:
        return list(conn.execute(_SQL["free_all"], args).mappings())
    if not schedule_ids:
        return []
    return list(conn.execute(_SQL["free_in"], dict(args, ids=list(schedule_ids))).mappings())


def last_slot_start(conn, schedule_id: str) -> int | None:
    return conn.execute(select(func.max(slot.c.start)).where(slot.c.schedule_id == schedule_id)).scalar()


def slots_of_schedule(conn, schedule_id: str, start: int, end: int) -> list:
    q = select(slot).where(slot.c.schedule_id == schedule_id, slot.c.start >= start, slot.c.start < end) \
        .order_by(slot.c.start)
    return list(conn.execute(q).mappings())


def slots_by_ids(conn, ids: Sequence[str]) -> list:
    return list(conn.execute(_SQL["slots_by_ids"], {"ids": list(ids)}).mappings()) if ids else []


def search_slots(conn, *, schedule_ids=None, statuses=None, ranges=(), now: int, count: int) -> list:
    q = select(slot)
    if schedule_ids:
        q = q.where(slot.c.schedule_id.in_(schedule_ids))
    for op, ts in ranges:
        q = q.where(_cmp(slot.c.start, op, ts))
    if statuses:
        conds = []
        for s in statuses:
            if s == "free":
                conds.append(_free(now))
            elif s == LIVE_HOLD:
                conds.append(and_(slot.c.status == LIVE_HOLD, slot.c.taken_until >= now))
            else:
                conds.append(slot.c.status == s)
        q = q.where(or_(*conds))
    q = q.order_by(slot.c.start, slot.c.schedule_id).limit(count)
    return list(conn.execute(q).mappings())


def _cmp(col, op, value):
    return {"eq": col == value, "ge": col >= value, "gt": col > value, "le": col <= value, "lt": col < value,
            "ne": col != value}[op]


def _journal(conn, rows: Iterable, now: int) -> None:
    entries = [{"schedule_id": r["schedule_id"], "start": r["start"], "end": r["end"], "changed_at": now} for r in rows]
    if entries:
        conn.execute(_SQL["journal"], entries)
        mark_journaled(conn)


def mark_journaled(conn) -> None:
    """The connection's open transaction wrote `slot_change` rows: the subscriptions' deliverer wakes on its
    commit (not on every commit)."""
    conn.info["journaled"] = True


def took_journaled(conn) -> bool:
    """Whether the transaction ending now (commit or rollback) wrote `slot_change` rows; forgotten after."""
    return bool(conn.info.pop("journaled", False))


def take_slots(conn, slots: Sequence, *, status: str, until: int | None, appointment_id: str, now: int) -> bool:
    """Take every slot (rows with id/schedule_id/start/end) for `appointment_id`, or none: False when
    any is not free (a live hold of the same appointment counts as its own). Caller rolls back on False."""
    for s in sorted(slots, key=lambda r: r["id"]):  # fixed order: no deadlock between multi-slot takers
        res = conn.execute(_SQL["take"], {"status": status, "until": until, "appt": appointment_id, "id": s["id"],
                                          "now": now})
        if res.rowcount != 1:
            return False
    _journal(conn, slots, now)
    return True


def free_appointment_slots(conn, appointment_id: str, now: int) -> int:
    rows = list(conn.execute(select(slot.c.id, slot.c.schedule_id, slot.c.start, slot.c.end).where(
        slot.c.appointment_id == appointment_id, slot.c.status.in_(["busy", LIVE_HOLD]))).mappings())
    if rows:
        conn.execute(slot.update().where(slot.c.appointment_id == appointment_id,
                                         slot.c.status.in_(["busy", LIVE_HOLD]))
                     .values(status="free", taken_until=None, appointment_id=None))
        _journal(conn, rows, now)
    return len(rows)


def release_expired(conn, now: int) -> int:
    """Tidy-up of holds past their expiry: slots back to free, appointments cancelled, journal rows."""
    rows = list(conn.execute(select(slot.c.id, slot.c.schedule_id, slot.c.start, slot.c.end, slot.c.appointment_id)
                             .where(slot.c.status == LIVE_HOLD, slot.c.taken_until < now)).mappings())
    if rows:
        conn.execute(slot.update().where(slot.c.id.in_([r["id"] for r in rows]), slot.c.status == LIVE_HOLD,
                                         slot.c.taken_until < now)
                     .values(status="free", taken_until=None, appointment_id=None))
        _journal(conn, rows, now)
    conn.execute(appointment.update().where(appointment.c.status == "pending", appointment.c.expires < now)
                 .values(status="cancelled", version=appointment.c.version + 1, updated=now))
    return len(rows)


def bulk_insert_slots(store: Store, rows: Iterable[tuple], chunk: int = 50000, progress=None) -> int:
    """Fast load of (id, schedule_id, start, end, status) tuples: COPY on PostgreSQL, executemany on SQLite."""
    import io
    n = 0
    buf: list[tuple] = []

    def flush():
        nonlocal buf
        if not buf:
            return
        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            if store.is_sqlite:
                cur.execute("BEGIN")
                cur.executemany('INSERT INTO slot (id, schedule_id, start, "end", status) VALUES (?,?,?,?,?)', buf)
                cur.execute("COMMIT")
            else:
                data = io.StringIO("".join(f"{a}\t{b}\t{c}\t{d}\t{e}\n" for a, b, c, d, e in buf))
                cur.copy_expert('COPY slot (id, schedule_id, start, "end", status) FROM STDIN', data)
                raw.commit()
            cur.close()
        finally:
            raw.close()
        if progress:
            progress(len(buf))
        buf = []

    for r in rows:
        buf.append(r)
        n += 1
        if len(buf) >= chunk:
            flush()
    flush()
    with store.engine.connect() as conn:  # fresh statistics for the planner
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return n


# --- appointments ------------------------------------------------------------------------------------

def insert_appointment(conn, values: dict) -> None:
    conn.execute(_SQL["insert_appointment"], values)


def update_appointment(conn, appt_id: str, values: dict, version: int | None = None) -> bool:
    q = appointment.update().where(appointment.c.id == appt_id)
    if version is not None:
        q = q.where(appointment.c.version == version)
    res = conn.execute(q.values(**values, version=appointment.c.version + 1))
    return res.rowcount == 1


def live_by_proposed(conn, proposed_id: str, now: int) -> list:
    return list(conn.execute(_SQL["live_by_proposed"], {"pid": proposed_id, "now": now}).mappings())


def patient_overlaps(conn, patient_id: str, start: int, end: int, now: int, own: str) -> list[str]:
    """Ids of the patient's live appointments overlapping [start, end), other than `own`."""
    return [r[0] for r in conn.execute(_SQL["overlap"], {"patient": patient_id, "start": start, "end": end,
                                                          "now": now, "own": own})]


def search_appointments(conn, *, patient_ids=None, practitioner_ids=None, statuses=None, ranges=(), now: int,
                        count: int) -> list:
    q = select(appointment)
    if patient_ids:
        q = q.where(appointment.c.patient_id.in_(patient_ids))
    if practitioner_ids:
        q = q.where(appointment.c.practitioner_id.in_(practitioner_ids))
    for op, ts in ranges:
        q = q.where(_cmp(appointment.c.start, op, ts))
    if statuses:
        conds = []
        for s in statuses:
            if s == "pending":
                conds.append(and_(appointment.c.status == "pending", appointment.c.expires >= now))
            elif s == "cancelled":
                conds.append(or_(appointment.c.status == "cancelled",
                                 and_(appointment.c.status == "pending", appointment.c.expires < now)))
            else:
                conds.append(appointment.c.status == s)
        q = q.where(or_(*conds))
    q = q.order_by(appointment.c.start, appointment.c.id).limit(count)
    return list(conn.execute(q).mappings())


def patient_busy(conn, patient_id: str, start: int, end: int, now: int) -> list[tuple[int, int]] | None:
    """The spans of the patient's live appointments in [start, end); None when there is no such patient."""
    rows = conn.execute(_SQL["patient_busy"], {"patient": patient_id, "start": start, "end": end, "now": now}).all()
    if not rows:
        return None
    return [(r[0], r[1]) for r in rows if r[0] is not None]


def get_request_key(conn, key: str) -> str | None:
    row = conn.execute(_SQL["get_key"], {"key": key}).first()
    return row[0] if row else None


def set_request_key(conn, key: str, appointment_id: str, now: int, exists: bool) -> None:
    conn.execute(_SQL["update_key" if exists else "insert_key"], {"key": key, "appt": appointment_id, "now": now})


# --- patients, coverage, other resources -------------------------------------------------------------

def digits10(phone: str) -> str:
    d = "".join(ch for ch in phone if ch.isdigit())
    return d[-10:]


def fold(text: str) -> str:
    """Lower case without accents: FHIR string search matches "Tomas" to "Tomás"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).lower()


def _name_like(column, value: str, prefix: str = ""):
    """``column`` starts with ``value`` (after ``prefix``), accents ignored. Rows indexed before names
    were folded keep their accents, so the plain lower-case value is tried as well."""
    return or_(*[column.like(f"{prefix}{v}%") for v in dict.fromkeys((fold(value), value.lower()))])


def patient_columns(res: dict) -> dict:
    names = res.get("name") or [{}]
    fam = fold(" ".join((n.get("family") or "") for n in names).strip())
    giv = fold(" ".join(g for n in names for g in (n.get("given") or [])).strip())
    phones = [digits10(t.get("value", "")) for t in res.get("telecom", []) if t.get("system") in (None, "phone", "sms")]
    return {"family": fam, "given": giv, "birthdate": res.get("birthDate"), "gender": res.get("gender"),
            "phones": _codes(p for p in phones if p), "json": json.dumps(res),
            "identifiers": _codes(f"{i.get('system', '')}|{i.get('value', '')}" for i in res.get("identifier", []))}


def insert_patient(conn, res: dict, now: int) -> None:
    conn.execute(patient.insert().values(id=res["id"], version=1, updated=now, **patient_columns(res)))


def find_duplicate_patient(conn, res: dict) -> dict | None:
    """Same person: a shared identifier (system|value), or family + given + birth date + (phone or gender)."""
    for ident in res.get("identifier", []):
        if ident.get("value"):
            row = conn.execute(select(patient.c.json).where(
                patient.c.identifiers.like(f"% {ident.get('system', '')}|{ident['value']} %"))).first()
            if row:
                return json.loads(row[0])
    cols = patient_columns(res)
    if not (cols["family"] and cols["given"] and cols["birthdate"]):
        return None
    rows = conn.execute(select(patient).where(patient.c.family == cols["family"], patient.c.birthdate == cols["birthdate"])).mappings()
    first_given = cols["given"].split()[0]
    for row in rows:
        if first_given not in (row["given"] or "").split():
            continue
        same_phone = any(p and f" {p} " in (row["phones"] or "") for p in cols["phones"].split())
        same_gender = bool(cols["gender"]) and cols["gender"] == row["gender"]
        if same_phone or same_gender:
            return json.loads(row["json"])
    return None


def search_patients(conn, filters: dict, count: int) -> list[dict]:
    q = select(patient.c.json)
    for name, values in filters.items():
        ors = []
        for v in values:
            v = v.strip()
            if name == "_id":
                ors.append(patient.c.id == v)
            elif name == "family":
                ors.append(_name_like(patient.c.family, v))
            elif name == "given":
                ors.append(or_(_name_like(patient.c.given, v), _name_like(patient.c.given, v, "% ")))
            elif name == "name":
                ors.append(or_(_name_like(patient.c.family, v), _name_like(patient.c.given, v),
                               _name_like(patient.c.given, v, "% ")))
            elif name == "birthdate":
                ors.append(patient.c.birthdate == v.removeprefix("eq"))
            elif name == "gender":
                ors.append(patient.c.gender == v.lower())
            elif name in ("telecom", "phone"):
                d = digits10(v.split("|")[-1])
                ors.append(patient.c.phones.like(f"% {d} %") if d else patient.c.id.is_(None))
            elif name == "identifier":
                ors.append(patient.c.identifiers.like(f"% {v} %") if "|" in v else patient.c.identifiers.like(f"%|{v} %"))
            else:
                raise KeyError(name)
        q = q.where(or_(*ors))
    return [json.loads(r[0]) for r in conn.execute(q.order_by(patient.c.id).limit(count))]


def insert_coverage(conn, res: dict, now: int) -> None:
    conn.execute(coverage.insert().values(id=res["id"], beneficiary_id=_ref_id(res.get("beneficiary", {}).get("reference")),
                                          version=1, updated=now, json=json.dumps(res)))


def update_coverage(conn, res: dict, now: int, version: int | None) -> bool:
    q = coverage.update().where(coverage.c.id == res["id"])
    if version is not None:
        q = q.where(coverage.c.version == version)
    r = conn.execute(q.values(beneficiary_id=_ref_id(res.get("beneficiary", {}).get("reference")),
                              version=coverage.c.version + 1, updated=now, json=json.dumps(res)))
    return r.rowcount == 1


def search_coverage(conn, beneficiary_ids, count: int) -> list:
    q = select(coverage)
    if beneficiary_ids:
        q = q.where(coverage.c.beneficiary_id.in_(beneficiary_ids))
    return list(conn.execute(q.order_by(coverage.c.id).limit(count)).mappings())


def insert_resource(conn, kind: str, res: dict, now: int) -> None:
    conn.execute(resource.insert().values(type=kind, id=res["id"], version=1, updated=now, json=json.dumps(res)))


def update_resource(conn, kind: str, res: dict, now: int, version: int) -> bool:
    """The next version of a stored resource of another type, if it is still at ``version``."""
    r = conn.execute(resource.update().where(resource.c.type == kind, resource.c.id == res["id"], resource.c.version == version)
                     .values(version=version + 1, updated=now, json=json.dumps(res)))
    return r.rowcount == 1


def get_resource(conn, kind: str, rid: str):
    return conn.execute(select(resource).where(resource.c.type == kind, resource.c.id == rid)).mappings().first()


def ping(conn) -> None:
    conn.execute(text("SELECT 1"))
