"""Which scope each FHIR interaction needs, and whether a granted scope set covers it.

A request needs `system/<Type>.read` or `system/<Type>.write`:
- GET/HEAD of a resource or a search is a read; POST/PUT/PATCH/DELETE is a write;
- operations that change nothing are reads whatever the method: Appointment/$find,
  Slot/$prefetch, Patient/$match; $hold and $book are Appointment writes;
- `metadata`, `.well-known/*` and the token endpoint need no token.
Granted scopes match as SMART v1 (`read`, `write`, `*`) or v2 (`rs`, `cud`, ... letters), for the
type or for `*`.
"""
from __future__ import annotations

from dataclasses import dataclass

READ_OPERATIONS = {"$find", "$prefetch", "$match", "$everything", "$meta"}


@dataclass(frozen=True)
class Need:
    resource_type: str
    access: str  # "read" | "write"
    operation: str | None = None
    resource_id: str | None = None

    @property
    def interaction(self) -> str:
        what = self.resource_type
        if self.resource_id:
            what += "/" + self.resource_id
        if self.operation:
            what += "/" + self.operation
        return what


def needed(method: str, path: str, fhir_prefix: str = "/fhir") -> Need | None:
    """The scope need of a request, or None when the path is public."""
    if not (path == fhir_prefix or path.startswith(fhir_prefix + "/")):
        return None  # auth endpoints, health, anything outside the FHIR base
    parts = [p for p in path[len(fhir_prefix):].split("/") if p]
    if not parts or parts == ["metadata"] or (parts[0] == ".well-known" and len(parts) == 2):
        return None
    rtype = parts[0]
    op = next((p for p in parts[1:] if p.startswith("$")), None)
    if rtype.startswith("$"):
        op, rtype = rtype, "*"
    rid = parts[1] if len(parts) > 1 and not parts[1].startswith("$") else None
    if op:
        access = "read" if op in READ_OPERATIONS else "write"
    else:
        access = "read" if method.upper() in ("GET", "HEAD", "OPTIONS") else "write"
    return Need(rtype, access, op, rid)


def _covers(scope: str, need: Need) -> bool:
    if not scope.startswith(("system/", "user/")):
        return False
    body = scope.split("/", 1)[1]
    if "." not in body:
        return False
    rtype, perm = body.split(".", 1)
    perm = perm.split("?", 1)[0]
    if rtype not in ("*", need.resource_type):
        return False
    if perm in ("*", need.access):
        return True
    letters = set(perm)
    if letters and letters <= set("cruds"):  # SMART v2
        return bool(letters & ({"r", "s"} if need.access == "read" else {"c", "u", "d"}))
    return False


def allowed(scopes, need: Need) -> bool:
    return any(_covers(s, need) for s in scopes)


def grantable(requested: set[str], allowed_scopes) -> set[str]:
    """Scopes to grant: the requested ones the client is registered for (exactly, or covered by a
    broader registered scope)."""
    out = set()
    for s in requested:
        if s in allowed_scopes:
            out.add(s)
            continue
        try:
            kind, body = s.split("/", 1)
            rtype, perm = body.split(".", 1)
        except ValueError:
            continue
        accesses = ["read", "write"] if perm in ("*",) else (["read"] if perm in ("read", "rs", "r", "s") else (["write"] if perm == "write" else []))
        if accesses and rtype != "*" and all(allowed(allowed_scopes, Need(rtype, a)) for a in accesses):
            out.add(s)
        elif accesses and rtype == "*" and all(f"{kind}/*.{a}" in allowed_scopes or f"{kind}/*.*" in allowed_scopes for a in accesses):
            out.add(s)
    return out
