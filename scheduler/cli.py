"""`schedbot scheduler serve|seed` (also `python -m scheduler.cli ...`)."""
from __future__ import annotations

import argparse
import logging
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="schedbot scheduler", description="the schedbot FHIR Scheduler")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the FHIR server (base /fhir)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--database", default=None, help="sqlite:///path.db or postgresql://... (env SCHEDBOT_DATABASE)")
    s.add_argument("--seed", choices=["demo", "none"], default="none", help="demo: load the demo clinic if empty")
    s.add_argument("--tz", default=None, help="clinic time zone (env SCHEDBOT_TZ)")
    s.add_argument("--hold-minutes", type=float, default=None, help="hold length (default 10)")
    s.add_argument("--horizon-days", type=int, default=None, help="how far $find looks ahead (default 56)")
    s.add_argument("--now", default=None, help="treat this ISO time as now (env SCHEDBOT_NOW)")
    s.add_argument("--sweep-seconds", type=float, default=None, help="how often expired holds are tidied up (15)")
    s.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL deployments)")
    s.add_argument("--log-level", default="info")
    s.add_argument("--auth-config", default=None,
                   help="JSON file of clients, keys and static tokens: every request then needs a bearer token "
                        "(env SCHEDBOT_AUTH_CONFIG; see scheduler/auth/config.py)")
    d = sub.add_parser("seed", help="load the demo clinic or a synthetic one")
    d.add_argument("--database", default=None)
    g = d.add_mutually_exclusive_group(required=True)
    g.add_argument("--demo", action="store_true")
    g.add_argument("--synthetic", type=int, metavar="N", help="N synthetic practitioners")
    d.add_argument("--days", type=int, default=90)
    d.add_argument("--tz", default=None)
    d.add_argument("--now", default=None)
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from zoneinfo import ZoneInfoNotFoundError

    from .settings import Settings
    try:
        serve_only = ({"hold_minutes": args.hold_minutes, "horizon_days": args.horizon_days, "seed": args.seed,
                       "sweep_seconds": args.sweep_seconds} if args.command == "serve" else {})
        settings = Settings.from_env(database_url=args.database, tz=args.tz, now_override=args.now, **serve_only)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        print(f"schedbot scheduler: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        import gc

        import uvicorn
        from .app import create_app
        if args.auth_config:  # read by create_app (scheduler/auth)
            import os
            os.environ["SCHEDBOT_AUTH_CONFIG"] = args.auth_config
        level = args.log_level.upper()
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        print(f"schedbot scheduler: http://{args.host}:{args.port}/fhir (database {_safe(settings.database_url)})",
              flush=True)
        common = dict(host=args.host, port=args.port, ws="none", access_log=False,
                      log_level=args.log_level.lower(), lifespan="on")
        if args.workers > 1:
            # workers build their app from the environment; the schema and seed are prepared once, here
            import os
            from .app import prepare
            from .context import Context
            ctx = Context(settings)
            prepare(ctx)
            ctx.store.dispose()
            os.environ.update(settings.to_env())
            uvicorn.run("scheduler.app:create_app", factory=True, workers=args.workers, **common)
        else:
            app = create_app(settings)
            # what is loaded now lives as long as the process: left out of garbage collection (gc.freeze),
            # a full collection of it took 12 ms inside whichever request it fell in
            gc.collect()
            gc.freeze()
            uvicorn.run(app, **common)
        return 0
    from .seed import seed_demo, seed_synthetic
    from .storage import Store
    store = Store(settings.database_url)
    store.create_schema()
    if not store.is_empty():
        print("the database already holds a clinic; use an empty database", file=sys.stderr)
        return 1
    if args.demo:
        n = seed_demo(store, settings.now())
    else:
        n = seed_synthetic(store, args.synthetic, args.days, settings.now())
    print(f"loaded {n} slots")
    return 0


def _safe(url: str) -> str:
    """The URL without a password."""
    import re
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


if __name__ == "__main__":
    sys.exit(main())
