"""The Python floor: a hand-written Starlette proxy for the 100-item attendance page.

It answers the bench's attendance request (the variables `t`, `c`, `s`) with the
same one upstream call the gateway needs (`participant_sessions`, limit 100) over
one pooled `httpx.AsyncClient`, reshapes the JSON with orjson into the GraphQL
response shape, timestamps as RFC 3339 like the gateway, and nothing else: no
parsing of the document, no validation, no models. Run: `python -m bench.proxy`.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.emulators.config import DEMO_CREDENTIALS
from app.settings import Settings
from resolvers.stream.client import server_token
from resolvers.timestamps import Instant


def _time(value: Any) -> str | None:
    return None if value is None else Instant.coerce(value).isoformat()


def reshape(body: dict[str, Any]) -> bytes:
    edges = [
        {
            "node": {
                "userId": item["user_id"],
                "joinTime": _time(item.get("joined_at")),
                "leaveTime": _time(item.get("left_at")),
                "durationSeconds": item.get("duration_in_seconds"),
            }
        }
        for item in body.get("participants_sessions", [])
    ]
    data = {"callSession": {"participantSessions": {"edges": edges}}}
    return orjson.dumps({"data": data})


def build(upstream: str) -> Starlette:
    creds = DEMO_CREDENTIALS
    headers = {"Stream-Auth-Type": "jwt", "Authorization": server_token(creds.stream_api_secret)}
    holder: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # httpx's default pool, with the gateway's idle expiry (below the emulators' 5 s).
        expiry = Settings.model_fields["upstream_keepalive_expiry"].default
        limits = httpx.Limits(
            max_connections=100, max_keepalive_connections=20, keepalive_expiry=expiry
        )
        async with httpx.AsyncClient(base_url=upstream, headers=headers, limits=limits) as client:
            holder["client"] = client
            yield

    async def graphql(request: Request) -> Response:
        variables = orjson.loads(await request.body())["variables"]
        path = (
            f"/api/v2/video/call/{variables['t']}/{variables['c']}"
            f"/session/{variables['s']}/participant_sessions"
        )
        params = {"api_key": creds.stream_api_key, "limit": "100"}
        upstream_response = await holder["client"].get(path, params=params)
        body = reshape(orjson.loads(upstream_response.content))
        return Response(body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b"ok")

    return Starlette(
        routes=[Route("/graphql", graphql, methods=["POST"]), Route("/healthz", healthz)],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    uvicorn.run(build(args.upstream), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
