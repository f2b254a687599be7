"""`POST /auth/token` (SMART Backend Services client-credentials grant) and
`/.well-known/smart-configuration` (also under the FHIR base)."""
from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from scheduler.auth.scopes import grantable
from scheduler.auth.tables import auth_jti
from scheduler.auth.tokens import ASSERTION_TYPE, ALGORITHMS, TokenError, check_assertion, issue

log = logging.getLogger("scheduler.auth")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def token_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/auth/token"


def smart_configuration(request: Request) -> JSONResponse:
    return JSONResponse({
        "token_endpoint": token_url(request),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ALGORITHMS,
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": ["system/*.read", "system/*.write", "system/*.*", "system/Appointment.read",
                             "system/Appointment.write", "system/Slot.read", "system/Schedule.read",
                             "system/Patient.read", "system/Patient.write", "system/Coverage.read",
                             "system/Coverage.write", "system/Subscription.read", "system/Subscription.write"],
        "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
    })


def _err(e: TokenError) -> JSONResponse:
    return JSONResponse({"error": e.error, "error_description": e.description}, status_code=e.status,
                        headers=NO_STORE)


def _remember_jti(store, client_id: str, jti: str, exp: int) -> bool:
    try:
        with store.write() as conn:
            conn.execute(auth_jti.delete().where(auth_jti.c.exp < int(time.time()) - 3600))
            conn.execute(auth_jti.insert().values(client_id=client_id, jti=str(jti)[:300], exp=int(exp)))
        return True
    except IntegrityError:
        return False


async def token(request: Request) -> JSONResponse:
    cfg = getattr(request.app.state, "auth_config", None)
    if cfg is None:
        return JSONResponse({"error": "unsupported_grant_type", "error_description": "access control is off"},
                            status_code=400, headers=NO_STORE)
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    try:
        if form.get("grant_type") != "client_credentials":
            raise TokenError("unsupported_grant_type", "grant_type must be client_credentials")
        if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
            raise TokenError("invalid_request", "a jwt-bearer client_assertion is required")
        audiences = list(cfg.audience) or [token_url(request)]
        client, claims = check_assertion(cfg, form["client_assertion"], audiences)
        requested = set((form.get("scope") or "").split())
        if not requested:
            raise TokenError("invalid_scope", "scope is required")
        granted = grantable(requested, client.scopes)
        if not granted:
            raise TokenError("invalid_scope", "none of the requested scopes is allowed for this client")
        if not await run_in_threadpool(_remember_jti, request.app.state.ctx.store, client.client_id,
                                       claims["jti"], claims["exp"]):
            raise TokenError("invalid_client", "client assertion jti was already used", 401)
    except TokenError as e:
        log.info("token_refused error=%s", e.error)
        return _err(e)
    log.info("token_issued client=%s", client.client_id)
    return JSONResponse(issue(cfg, client.client_id, granted), headers=NO_STORE)


def auth_routes(fhir_prefix: str = "/fhir") -> list[Route]:
    return [
        Route("/auth/token", token, methods=["POST"]),
        Route("/.well-known/smart-configuration", smart_configuration, methods=["GET"]),
        Route(fhir_prefix + "/.well-known/smart-configuration", smart_configuration, methods=["GET"]),
    ]
