"""A tiny scripted FHIR stand-in server for the client tests (see conftest.py)."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from fhir.resources.R4B.parameters import Parameters
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from tests.support.net import free_port


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict
    body: object


class StandIn:
    def __init__(self) -> None:
        self.script: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/fhir"

    def reset(self) -> None:
        self.script.clear()
        self.seen.clear()

    def on(self, method: str, path: str, *replies: Reply | dict | int) -> None:
        """Script the answers for ``method path`` (path without /fhir/); the last one repeats."""
        out = []
        for r in replies:
            if isinstance(r, int):
                r = Reply(status=r)
            elif isinstance(r, dict):
                r = Reply(body=r)
            out.append(r)
        self.script[(method.upper(), path)] = out

    def calls(self, method: str, path: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method.upper() and s.path == path]

    async def handle(self, request: Request) -> Response:
        path = request.path_params["path"]
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        if path != "metadata":
            self.seen.append(Seen(request.method, path, request.url.query, dict(request.headers), body))
        if isinstance(body, dict) and body.get("resourceType") == "Parameters":
            try:  # every operation body the client sends is valid R4 (the client itself no longer checks)
                Parameters.parse_obj(body)
            except ValidationError as exc:
                return Response(json.dumps({"resourceType": "OperationOutcome", "issue": [
                    {"severity": "error", "code": "invalid", "diagnostics": f"not a valid Parameters: {exc}"}]}),
                    status_code=400, media_type="application/fhir+json")
        if path == "metadata":
            return Response(json.dumps({"resourceType": "CapabilityStatement", "status": "active",
                                        "date": "2026-01-01", "kind": "instance", "fhirVersion": "4.0.1",
                                        "format": ["json"]}), media_type="application/fhir+json")
        replies = self.script.get((request.method, path))
        if not replies:
            return Response(json.dumps({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "not-found", "diagnostics": "unscripted"}]}),
                status_code=404, media_type="application/fhir+json")
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        content = b"" if reply.body is None else (
            reply.body.encode() if isinstance(reply.body, str) else json.dumps(reply.body).encode())
        return Response(content, status_code=reply.status, headers=reply.headers,
                        media_type="application/fhir+json" if content else None)
