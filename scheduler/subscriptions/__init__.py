"""Subscriptions (rest-hook) for the guide's use case 3: a third-party app keeps its own copy of
open slots and is told when a Schedule's slots change.

- `routes.py`: `POST/GET/PUT/DELETE Subscription` (criteria `Schedule?actor=Practitioner/x`, or
  `Schedule` / none for every Schedule; channel rest-hook endpoint + headers).
- `deliverer.py`: the background deliverer (an asyncio task in the app's lifespan). It fans the
  core's `slot_change` journal out into a durable outbox (one notification per change set and
  Schedule: the Schedule with the planning horizon of the change), POSTs each subscriber's
  notifications in commit order with retries and back-off, marks a Subscription `error` after
  repeated failures, and sends heartbeats with no body. With several processes on one PostgreSQL
  database only the holder of an advisory lock delivers.
"""
from scheduler.subscriptions.deliverer import Deliverer, DelivererSettings
from scheduler.subscriptions.routes import subscription_routes

__all__ = ["Deliverer", "DelivererSettings", "subscription_routes"]
