"""ASGI middleware: bearer token check, per-interaction scopes, audit log of writes.

When access control is off (no config) it passes everything through untouched."""
from __future__ import annotations

import json
import logging
import time

from starlette.concurrency import run_in_threadpool

from scheduler.auth.config import AuthConfig
from scheduler.auth.scopes import allowed, needed
from scheduler.auth.tables import audit_log
from scheduler.auth.tokens import verify_access_token

log = logging.getLogger("scheduler.auth")
MAX_CAPTURE = 2_000_000


def operation_outcome(code: str, text: str) -> dict:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": text}]}


async def _send_error(send, status: int, code: str, text: str, www: str) -> None:
    body = json.dumps(operation_outcome(code, text)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/fhir+json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"www-authenticate", www.encode())]})
    await send({"type": "http.response.body", "body": body})


def _bearer(scope) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == b"authorization":
            val = v.decode("latin-1").strip()
            if val[:7].lower() == "bearer ":
                return val[7:].strip() or None
    return None


def resource_refs(need, body: bytes, headers) -> list[str]:
    """References ("Type/id") a write touched: the path's resource and what the response carries."""
    refs: list[str] = []
    if need.resource_id and need.resource_type != "*":
        refs.append(f"{need.resource_type}/{need.resource_id}")
    for k, v in headers:
        if k.lower() == b"location":
            parts = v.decode("latin-1").split("/_history")[0].rstrip("/").split("/")
            if len(parts) >= 2:
                refs.append(f"{parts[-2]}/{parts[-1]}")
    try:
        res = json.loads(body) if body else None
    except ValueError:
        res = None

    def add(r):
        if isinstance(r, dict) and r.get("id") and r.get("resourceType") not in (None, "OperationOutcome", "Bundle"):
            refs.append(f"{r['resourceType']}/{r['id']}")

    if isinstance(res, dict):
        if res.get("resourceType") == "Bundle":
            for e in res.get("entry") or ():
                add(e.get("resource"))
        else:
            add(res)
    seen, out = set(), []
    for r in refs:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


class AuthMiddleware:
    def __init__(self, app, config: AuthConfig | None = None, fhir_prefix: str = "/fhir"):
        self.app = app
        self.config = config
        self.fhir_prefix = fhir_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.config is None:
            return await self.app(scope, receive, send)
        need = needed(scope["method"], scope["path"], self.fhir_prefix)
        if need is None:
            return await self.app(scope, receive, send)
        token = _bearer(scope)
        if token is None:
            return await _send_error(send, 401, "login", "a bearer token is required",
                                     'Bearer realm="schedbot"')
        who = verify_access_token(self.config, token)
        if who is None:
            return await _send_error(send, 401, "login", "the bearer token is invalid or expired",
                                     'Bearer realm="schedbot", error="invalid_token"')
        client_id, scopes = who
        if not allowed(scopes, need):
            want = f"system/{need.resource_type}.{need.access}"
            return await _send_error(send, 403, "forbidden", f"this interaction needs scope {want}",
                                     f'Bearer realm="schedbot", error="insufficient_scope", scope="{want}"')
        scope.setdefault("state", {})["client_id"] = client_id
        scope["state"]["scopes"] = scopes  # e.g. _include keeps to the types these scopes may read
        if need.access != "write":
            return await self.app(scope, receive, send)

        captured = {"status": 0, "headers": [], "body": bytearray()}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers", ()))
            elif message["type"] == "http.response.body" and len(captured["body"]) < MAX_CAPTURE:
                captured["body"].extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            ctx = getattr(getattr(scope.get("app"), "state", None), "ctx", None)
            store = getattr(ctx, "store", None)
            if store is not None:
                row = {"at": int(time.time()), "client_id": client_id, "method": scope["method"],
                       "interaction": need.interaction, "status": captured["status"] or 500,
                       "resource_ids": " ".join(resource_refs(need, bytes(captured["body"]), captured["headers"]))}
                try:
                    await run_in_threadpool(_write_audit, store, row)
                except Exception:  # the response is already sent; never turn it into an error
                    log.exception("audit_write_failed client=%s", client_id)


def _write_audit(store, row: dict) -> None:
    with store.write() as conn:
        conn.execute(audit_log.insert().values(**row))
