"""The auth config file (JSON).

```json
{
  "token_secret": "a long random string shared by every scheduler process (optional)",
  "token_lifetime": 300,
  "audience": ["https://ehr.example.org/auth/token"],
  "clients": [
    {"client_id": "booking-app", "scope": "system/Appointment.* system/Slot.read system/Patient.read",
     "jwks": {"keys": [ ...public JWKs with kid, alg RS384 or ES384... ]}},
    {"client_id": "other-app", "scope": "system/*.read", "jwks_file": "other-app.jwks.json"}
  ],
  "static_tokens": [
    {"token": "dev-only-token", "client_id": "developer", "scope": "system/*.*"}
  ]
}
```

`example.auth.json` beside this file loads as is (its client key is a placeholder public key: put
your app's own JWKS there). `audience` (optional) lists the token endpoint URLs a client assertion's `aud` may name; when
absent, the URL the request came in on (`<base>/auth/token`) is accepted. A relative `jwks_file`
is resolved against the config file's folder.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "SCHEDBOT_AUTH_CONFIG"


class AuthConfigError(ValueError):
    pass


@dataclass
class Client:
    client_id: str
    scopes: frozenset[str]
    jwks: dict


@dataclass
class StaticToken:
    token: str
    client_id: str
    scopes: frozenset[str]


@dataclass
class AuthConfig:
    clients: dict[str, Client] = field(default_factory=dict)
    static_tokens: dict[str, StaticToken] = field(default_factory=dict)
    token_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    token_lifetime: int = 300
    audience: tuple[str, ...] = ()


def _scopes(value) -> frozenset[str]:
    if isinstance(value, str):
        value = value.split()
    return frozenset(str(s) for s in (value or ()))


def load_auth_config(path: str | os.PathLike | None = None) -> AuthConfig | None:
    """Read the config named by `path` or by SCHEDBOT_AUTH_CONFIG; None = access control off."""
    path = path or os.environ.get(ENV_VAR) or None
    if not path:
        return None
    p = Path(path)
    try:
        raw = json.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise AuthConfigError(f"cannot read auth config {p}: {exc}") from exc
    cfg = AuthConfig()
    if raw.get("token_secret"):
        cfg.token_secret = str(raw["token_secret"])
    cfg.token_lifetime = int(raw.get("token_lifetime", 300))
    aud = raw.get("audience") or ()
    cfg.audience = tuple([aud] if isinstance(aud, str) else aud)
    for c in raw.get("clients", ()):
        cid = c.get("client_id")
        if not cid:
            raise AuthConfigError("every client needs a client_id")
        jwks = c.get("jwks")
        if jwks is None and c.get("jwks_file"):
            jp = Path(c["jwks_file"])
            if not jp.is_absolute():
                jp = p.parent / jp
            jwks = json.loads(jp.read_text())
        if not jwks or not jwks.get("keys"):
            raise AuthConfigError(f"client {cid} has no public keys (jwks or jwks_file)")
        cfg.clients[cid] = Client(cid, _scopes(c.get("scope") or c.get("scopes")), jwks)
    for t in raw.get("static_tokens", ()):
        if not t.get("token"):
            raise AuthConfigError("every static token needs a token value")
        cfg.static_tokens[t["token"]] = StaticToken(
            t["token"], t.get("client_id", "static"), _scopes(t.get("scope") or t.get("scopes")))
    return cfg


def security_section() -> dict:
    """CapabilityStatement.rest.security for the current SCHEDBOT_AUTH_CONFIG (read at each call)."""
    cfg = None
    try:
        cfg = load_auth_config()
    except AuthConfigError:
        pass
    if cfg is None:
        return {"cors": True, "description": "Access control is off (embedded demo): no token is needed. "
                "Start the server with --auth-config FILE to require SMART Backend Services bearer tokens."}
    token_url = cfg.audience[0] if cfg.audience else "/auth/token"
    return {
        "cors": True,
        "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                 "code": "SMART-on-FHIR"}], "text": "SMART Backend Services (client credentials)"}],
        "extension": [{"url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                       "extension": [{"url": "token", "valueUri": token_url}]}],
        "description": "Every request needs a bearer token: SMART Backend Services (POST /auth/token, "
                       "client_credentials with a private_key_jwt assertion signed RS384 or ES384; see "
                       "/.well-known/smart-configuration) or a static development token. Scopes per interaction: "
                       "system/<Type>.read for reads, searches, $find, $prefetch and $match; system/<Type>.write "
                       "for creates, updates, patches, $hold and $book; '*' forms accepted. Every write is audited.",
    }
