"""Client assertions (SMART Backend Services) in, access tokens out.

An access token is a JWT signed HS256 with the config's `token_secret`: `sub` = client id,
`scope`, `exp`, `jti`. Assertions are checked against the client's registered public keys
(RS384 or ES384), `iss` = `sub` = client id, `aud` = the token endpoint, `exp` in the future and
at most 5 minutes ahead, and a `jti` never seen before (replay check in the database, so it
holds across processes). Token times use the real clock, never SCHEDBOT_NOW.
"""
from __future__ import annotations

import time
import uuid

import jwt

from scheduler.auth.config import AuthConfig

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS384", "ES384"]
MAX_ASSERTION_LIFETIME = 300
LEEWAY = 30


class TokenError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def check_assertion(cfg: AuthConfig, assertion: str, audiences: list[str]):
    """Return (client, claims) for a valid assertion, else raise TokenError. The jti replay check
    is the caller's (it needs the database)."""
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenError("invalid_client", f"malformed client assertion: {exc}", 401)
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise TokenError("invalid_client", "assertion must be signed RS384 or ES384", 401)
    cid = unverified.get("iss")
    client = cfg.clients.get(cid) if isinstance(cid, str) else None
    if client is None:
        raise TokenError("invalid_client", "unknown client", 401)
    kid = header.get("kid")
    keys = [k for k in client.jwks.get("keys", ()) if kid is None or k.get("kid") == kid]
    claims = None
    for jwk in keys:
        try:
            key = jwt.PyJWK(jwk, algorithm=alg).key
            claims = jwt.decode(
                assertion, key, algorithms=[alg], audience=audiences, issuer=cid, leeway=LEEWAY,
                options={"require": ["exp", "iss", "sub", "aud", "jti"]})
            break
        except jwt.ExpiredSignatureError:
            raise TokenError("invalid_client", "client assertion expired", 401)
        except jwt.InvalidAudienceError:
            raise TokenError("invalid_client", "client assertion aud is not this token endpoint", 401)
        except jwt.MissingRequiredClaimError as exc:
            raise TokenError("invalid_client", f"client assertion lacks {exc.claim}", 401)
        except (jwt.PyJWTError, ValueError, TypeError):
            continue
    if claims is None:
        raise TokenError("invalid_client", "client assertion signature does not verify with the registered keys", 401)
    if claims.get("sub") != cid:
        raise TokenError("invalid_client", "client assertion sub must equal iss", 401)
    if claims["exp"] > time.time() + MAX_ASSERTION_LIFETIME + LEEWAY:
        raise TokenError("invalid_client", "client assertion exp is more than 5 minutes ahead", 401)
    return client, claims


def issue(cfg: AuthConfig, client_id: str, scopes: set[str]) -> dict:
    now = int(time.time())
    claims = {"sub": client_id, "scope": " ".join(sorted(scopes)), "iat": now,
              "exp": now + cfg.token_lifetime, "jti": uuid.uuid4().hex, "iss": "schedbot"}
    token = jwt.encode(claims, cfg.token_secret, algorithm="HS256")
    return {"access_token": token, "token_type": "bearer", "expires_in": cfg.token_lifetime,
            "scope": claims["scope"]}


def verify_access_token(cfg: AuthConfig, token: str):
    """(client_id, scopes) for a valid bearer token (issued or static), else None."""
    st = cfg.static_tokens.get(token)
    if st is not None:
        return st.client_id, st.scopes
    try:
        claims = jwt.decode(token, cfg.token_secret, algorithms=["HS256"], issuer="schedbot",
                            options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    return claims["sub"], frozenset(claims.get("scope", "").split())
