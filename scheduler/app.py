"""The ASGI app: `create_app(settings)` and the route table (one list, operations before the
generic `/{type}` routes)."""
from __future__ import annotations

import functools
import logging
import re
import threading
import time
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from . import resources
from .capability import capability_statement
from .context import Context
from .operations import book as book_op
from .operations import cancel as cancel_op
from .operations import find as find_op
from .operations import hold as hold_op
from .operations.common import (FhirError, base_url, error_response, json_body, operation_params, outcome, query,
                                respond)
from .settings import Settings
from .storage import store as st
# the guide's use case 3, provider-based scheduling and access control (scheduler-guide helper)
from .auth import AuthMiddleware, auth_routes, load_auth_config
from .operations import match as match_op
from .operations import prefetch as prefetch_op
from .subscriptions import Deliverer, subscription_routes

log = logging.getLogger("schedbot.scheduler")
ID = re.compile(r"^[A-Za-z0-9\-\.]{1,64}$")


def endpoint(fn):
    """Every failure becomes an OperationOutcome; a client mistake never yields a 5xx or a trace."""
    @functools.wraps(fn)
    async def wrapper(request: Request):
        try:
            return await fn(request, request.app.state.ctx)
        except FhirError as err:
            return error_response(err)
        except IntegrityError:
            return error_response(FhirError(409, "conflict", "conflicting concurrent change; retry"))
        except DBAPIError as exc:
            if getattr(exc.orig, "pgcode", None) in ("40P01", "40001"):  # deadlock / serialization: a race lost
                return error_response(FhirError(409, "conflict", "conflicting concurrent change; retry"))
            log.warning("database_error route=%s error=%s", request.url.path, type(exc.orig).__name__)
            return error_response(FhirError(503, "transient", "the database is unavailable; retry later"))
        except PoolTimeout as exc:
            log.warning("database_error route=%s error=%s", request.url.path,
                        type(getattr(exc, "orig", None) or exc).__name__)
            return error_response(FhirError(503, "transient", "the database is unavailable; retry later"))
        except Exception as exc:  # noqa: BLE001 - last resort, logged by type only (no PHI)
            log.error("internal_error route=%s error=%s", request.url.path, type(exc).__name__)
            return error_response(FhirError(500, "exception", "internal error"))
    return wrapper


def _id(request: Request) -> str:
    rid = request.path_params["id"]
    if "\x00" in rid:
        raise FhirError(400, "invalid", "the id contains a NUL character")
    if not ID.match(rid):
        raise FhirError(404, "not-found", "no resource has that id")
    return rid


# --- handlers -------------------------------------------------------------------------------------------

@endpoint
async def metadata(request, ctx):
    if getattr(ctx, "capability", None) is None:
        ctx.capability = capability_statement(ctx.settings)
    return respond(ctx.capability)


@endpoint
async def appointment_find(request, ctx):
    params = await operation_params(request)
    return respond(await run_in_threadpool(find_op.find, ctx, params, base_url(request)))


@endpoint
async def appointment_hold(request, ctx):
    params = await operation_params(request)
    instance = _id(request) if "id" in request.path_params else None
    result, until, status = await run_in_threadpool(hold_op.hold, ctx, params, base_url(request), instance)
    log.info("hold appointment=%s", result["entry"][0]["resource"]["id"])
    return respond(result, status, hold_op.expires_headers(until, ctx.zone))


@endpoint
async def appointment_book(request, ctx):
    params = await operation_params(request)
    instance = _id(request) if "id" in request.path_params else None
    result = await run_in_threadpool(book_op.book, ctx, params, base_url(request), instance)
    log.info("book appointment=%s", result["entry"][0]["resource"]["id"])
    return respond(result)


@endpoint
async def search_type(request, ctx):
    params = query(request)
    kind = request.path_params["type"]
    scopes = (request.scope.get("state") or {}).get("scopes")  # set by scheduler/auth when access control is on
    return respond(await run_in_threadpool(resources.search, ctx, kind, params, base_url(request), scopes))


@endpoint
async def read_instance(request, ctx):
    query(request)
    res, etag = await run_in_threadpool(resources.read, ctx, request.path_params["type"], _id(request))
    return respond(res, 200, {"ETag": etag} if etag else None)


@endpoint
async def create_type(request, ctx):
    kind = request.path_params["type"]
    body = await json_body(request)
    if kind == "Patient":
        res, status = await run_in_threadpool(resources.create_patient, ctx, body)
    elif kind == "Coverage":
        res, status = await run_in_threadpool(resources.create_coverage, ctx, body)
    else:
        res, status = await run_in_threadpool(resources.create_other, ctx, kind, body)
    log.info("create type=%s id=%s status=%s", kind, res["id"], status)
    headers = {"Location": f"{base_url(request)}/{kind}/{res['id']}/_history/{res.get('meta', {}).get('versionId', '1')}",
               "ETag": f'W/"{res.get("meta", {}).get("versionId", "1")}"'}
    return respond(res, status, headers)


@endpoint
async def update_instance(request, ctx):
    kind, rid = request.path_params["type"], _id(request)
    if kind != "Coverage" and kind not in resources.OTHER_TYPES:
        raise FhirError(405, "not-supported", f"update is not supported for {kind[:40]}")
    body = await json_body(request)
    if kind == "Coverage":
        res, status = await run_in_threadpool(resources.update_coverage, ctx, rid, body, request.headers.get("if-match"))
    else:
        res, status = await run_in_threadpool(resources.update_other, ctx, kind, rid, body, request.headers.get("if-match"))
    log.info("update type=%s id=%s", kind, rid)
    return respond(res, status, {"ETag": f'W/"{res["meta"]["versionId"]}"'})


@endpoint
async def patch_instance(request, ctx):
    kind, rid = request.path_params["type"], _id(request)
    if kind != "Appointment":
        raise FhirError(405, "not-supported", f"patch is not supported for {kind[:40]}")
    body = await json_body(request)
    res, etag = await run_in_threadpool(cancel_op.patch, ctx, rid, body, request.headers.get("if-match"))
    log.info("cancel appointment=%s", rid)
    return respond(res, 200, {"ETag": etag})


ROUTES = [
    Route("/fhir/metadata", metadata, methods=["GET"]),
    Route("/fhir/Appointment/$find", appointment_find, methods=["GET", "POST"]),
    Route("/fhir/Appointment/$hold", appointment_hold, methods=["POST"]),
    Route("/fhir/Appointment/{id}/$hold", appointment_hold, methods=["POST"]),
    Route("/fhir/Appointment/$book", appointment_book, methods=["POST"]),
    Route("/fhir/Appointment/{id}/$book", appointment_book, methods=["POST"]),
    *prefetch_op.routes(), *match_op.routes(), *subscription_routes(), *auth_routes(),
    # generic REST interactions last
    Route("/fhir/{type}", search_type, methods=["GET"]),
    Route("/fhir/{type}", create_type, methods=["POST"]),
    Route("/fhir/{type}/{id}", read_instance, methods=["GET"]),
    Route("/fhir/{type}/{id}", update_instance, methods=["PUT"]),
    Route("/fhir/{type}/{id}", patch_instance, methods=["PATCH"]),
]


async def http_error(request, exc: HTTPException):
    code = "not-found" if exc.status_code == 404 else "not-supported"
    return respond(outcome(code, "no such endpoint" if exc.status_code == 404 else "method not allowed"),
                   exc.status_code)


def _sweeper(ctx: Context, stop: threading.Event) -> None:
    while not stop.wait(ctx.settings.sweep_seconds):
        try:
            with ctx.store.write() as conn:
                n = st.release_expired(conn, ctx.now_ts())
            if n:
                log.info("holds_expired slots=%d", n)
        except Exception as exc:  # noqa: BLE001 - the next round retries
            log.warning("sweep_failed error=%s", type(exc).__name__)


def prepare(ctx: Context) -> None:
    """Create the schema; load the demo clinic when asked and the database is empty."""
    ctx.store.create_schema()
    if ctx.settings.seed == "demo" and ctx.store.is_empty():
        from .seed import seed_demo
        n = seed_demo(ctx.store, ctx.settings.now())
        log.info("seeded demo clinic slots=%d", n)
    elif ctx.settings.seed == "demo":
        from .seed import extend_demo
        try:
            n = extend_demo(ctx.store, ctx.settings.now())
        except Exception as exc:  # noqa: BLE001 - e.g. another process extended it at the same moment
            log.warning("extend_demo_skipped error=%s", type(exc).__name__)
            n = 0
        if n:
            log.info("extended demo clinic slots=%d", n)


def create_app(settings: Settings | None = None, ctx: Context | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    ctx = ctx or Context(settings)

    @asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(prepare, ctx)
        deliverer = app.state.deliverer = Deliverer(ctx)
        await deliverer.start()
        stop = threading.Event()
        thread = threading.Thread(target=_sweeper, args=(ctx, stop), daemon=True, name="hold-sweeper")
        thread.start()
        try:
            yield
        finally:
            await deliverer.stop()
            stop.set()
            ctx.store.dispose()

    app = Starlette(routes=ROUTES, lifespan=lifespan,
                    exception_handlers={404: http_error, 405: http_error})
    app.state.ctx = ctx
    app.state.auth_config = load_auth_config()  # SCHEDBOT_AUTH_CONFIG / --auth-config; None = open
    app.add_middleware(match_op.IncludeMiddleware)  # _include on Appointment/Schedule/Slot searches
    app.add_middleware(AuthMiddleware, config=app.state.auth_config)
    app.state.started = time.time()
    return app
