"""Access control for the FHIR Scheduler: SMART Backend Services tokens, static development
tokens, per-interaction scopes, and an audit log of every write.

Off unless an auth config file is given (`--auth-config FILE` or `SCHEDBOT_AUTH_CONFIG`).
See `config.py` for the file's format.
"""
from scheduler.auth.config import AuthConfig, AuthConfigError, load_auth_config
from scheduler.auth.middleware import AuthMiddleware
from scheduler.auth.routes import auth_routes, smart_configuration

__all__ = ["AuthConfig", "AuthConfigError", "load_auth_config", "AuthMiddleware", "auth_routes", "smart_configuration"]
