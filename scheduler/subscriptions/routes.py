"""`POST /Subscription`, `GET /Subscription[/id]`, `PUT /Subscription/id`, `DELETE /Subscription/id`."""
from __future__ import annotations

import json
import logging
import time
import uuid

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.operations.common import (FhirError, base_url, bundle, error_response, json_body, outcome, query,
                                         respond)
from scheduler.resources import validate
from scheduler.subscriptions.resource import check, heartbeat_period
from scheduler.subscriptions.tables import sub_outbox, subscription

log = logging.getLogger("scheduler.subscriptions")


def _ctx(request: Request):
    return request.app.state.ctx


def _render(row) -> dict:
    res = json.loads(row["json"])
    res["id"] = row["id"]
    res["status"] = row["status"]
    res["meta"] = {**(res.get("meta") or {}), "versionId": str(row["version"])}
    if row["error"]:
        res["error"] = row["error"]
    else:
        res.pop("error", None)
    return res


def _wake(request: Request) -> None:
    d = getattr(request.app.state, "deliverer", None)
    if d is not None:
        d.wake()


def _handle(fn):
    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request)
        except FhirError as err:
            return error_response(err)
        except Exception as exc:  # noqa: BLE001 - last resort, logged by type only
            log.error("internal_error error=%s", type(exc).__name__)
            return error_response(FhirError(500, "exception", "internal error"))
    return endpoint


@_handle
async def create(request: Request) -> Response:
    res = await json_body(request)
    actor, endpoint, headers = check(res)
    sid = uuid.uuid4().hex
    status = "off" if res.get("status") == "off" else "active"
    stored = {k: v for k, v in res.items() if k not in ("id", "meta", "error")}
    stored.setdefault("criteria", "Schedule")  # R4 requires it; none means every Schedule
    stored.setdefault("reason", "Schedule changes (slots to prefetch again)")  # R4 requires it too
    validate("Subscription", {**stored, "status": status})  # well-formed R4, else 422 naming the fields
    row = {"id": sid, "status": status, "actor": actor, "endpoint": endpoint, "headers": json.dumps(headers),
           "error": None, "fail_count": 0, "next_try": 0.0, "last_sent": time.time(), "version": 1,
           "heartbeat": heartbeat_period(res),
           "json": json.dumps(stored)}
    ctx = _ctx(request)

    def write():
        with ctx.store.write() as conn:
            conn.execute(subscription.insert().values(**row))
    await run_in_threadpool(write)
    _wake(request)
    url = f"{base_url(request)}/Subscription/{sid}"
    return respond(_render(row), 201, {"Location": f"{url}/_history/1", "ETag": 'W/"1"'})


def _get(ctx, sid: str):
    with ctx.store.read() as conn:
        return conn.execute(select(subscription).where(subscription.c.id == sid)).mappings().first()


@_handle
async def read(request: Request) -> Response:
    row = await run_in_threadpool(_get, _ctx(request), request.path_params["id"])
    if row is None:
        raise FhirError(404, "not-found", f"Subscription/{request.path_params['id']} is not known")
    return respond(_render(row), 200, {"ETag": f'W/"{row["version"]}"'})


@_handle
async def search(request: Request) -> Response:
    q = query(request)
    ctx = _ctx(request)
    statuses = [s for v in q.get("status", []) for s in v.split(",") if s]

    def rows():
        sel = select(subscription).order_by(subscription.c.id)
        if statuses:
            sel = sel.where(subscription.c.status.in_(statuses))
        if q.get("_id"):
            sel = sel.where(subscription.c.id.in_([i for v in q["_id"] for i in v.split(",")]))
        with ctx.store.read() as conn:
            return list(conn.execute(sel.limit(1000)).mappings())
    return respond(bundle([_render(r) for r in await run_in_threadpool(rows)], base_url(request)))


@_handle
async def update(request: Request) -> Response:
    sid = request.path_params["id"]
    res = await json_body(request)
    actor, endpoint, headers = check(res)
    if res.get("id") not in (None, sid):
        raise FhirError(400, "invalid", "the resource id does not match the URL")
    ctx = _ctx(request)
    status = "off" if res.get("status") == "off" else "active"
    stored = {k: v for k, v in res.items() if k not in ("id", "meta", "error")}
    stored.setdefault("criteria", "Schedule")
    stored.setdefault("reason", "Schedule changes (slots to prefetch again)")
    validate("Subscription", {**stored, "status": status})
    if_match = request.headers.get("if-match")

    def write():
        with ctx.store.write() as conn:
            row = conn.execute(select(subscription).where(subscription.c.id == sid)).mappings().first()
            if row is None:
                raise FhirError(404, "not-found", f"Subscription/{sid} is not known")
            if if_match and if_match.strip().strip('W/').strip('"') != str(row["version"]):
                raise FhirError(412, "conflict", "version mismatch")
            values = {"status": status, "actor": actor, "endpoint": endpoint, "headers": json.dumps(headers),
                      "error": None, "fail_count": 0, "next_try": 0.0, "json": json.dumps(stored),
                      "heartbeat": heartbeat_period(res),
                      "version": row["version"] + 1}
            conn.execute(subscription.update().where(subscription.c.id == sid).values(**values))
            return {**dict(row), **values}
    row = await run_in_threadpool(write)
    _wake(request)
    return respond(_render(row), 200, {"ETag": f'W/"{row["version"]}"'})


@_handle
async def delete(request: Request) -> Response:
    sid = request.path_params["id"]
    ctx = _ctx(request)

    def write():
        with ctx.store.write() as conn:
            n = conn.execute(subscription.delete().where(subscription.c.id == sid)).rowcount
            conn.execute(sub_outbox.delete().where(sub_outbox.c.subscription_id == sid))
            return n
    if not await run_in_threadpool(write):
        raise FhirError(404, "not-found", f"Subscription/{sid} is not known")
    _wake(request)
    return respond(outcome("informational", f"Subscription/{sid} deleted", "information"), 200)


def subscription_routes(prefix: str = "/fhir") -> list[Route]:
    return [
        Route(prefix + "/Subscription", create, methods=["POST"]),
        Route(prefix + "/Subscription", search, methods=["GET"]),
        Route(prefix + "/Subscription/{id}", read, methods=["GET"]),
        Route(prefix + "/Subscription/{id}", update, methods=["PUT"]),
        Route(prefix + "/Subscription/{id}", delete, methods=["DELETE"]),
    ]
