"""The Discovery Engine v1 sessions client: one method per call the gateway makes.

Names and parents are validated by the callers (`names.py`) and every path
segment is percent-encoded by `path_of`. Create and delete are never retried (a
retried create could make two sessions, a retried delete could report NOT_FOUND
for a delete that worked); reads and patch (setting the same fields twice is the
same as once) retry on the upstream's retry statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from resolvers.discovery import models
from resolvers.discovery.names import segments
from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.google import google_auth
from resolvers.http import UpstreamHttp, json_body, path_of
from resolvers.pagers import TokenPage
from resolvers.parsed import parse_once
from resolvers.readiness import unauthenticated_probe
from resolvers.upstreams import UpstreamCredentials

__all__ = ["MAX_PAGE_SIZE", "DiscoveryClient"]

MAX_PAGE_SIZE = 1000  # "Max allowed value is 1000."
_PROVIDER = Provider.VERTEX_AI_SEARCH
M = TypeVar("M", bound=BaseModel)


class DiscoveryClient:
    """Session calls for one caller (the caller's bearer token is forwarded when no static one)."""

    def __init__(
        self, http: UpstreamHttp, static_token: str | None, caller_auth: str | None
    ) -> None:
        self._http = http
        self._static = static_token
        self._caller = caller_auth
        self._auth_kwargs: dict[str, Any] | None = None

    def _auth(self) -> dict[str, Any]:
        # Once per client (one per request): the token and its keyed hash do not change.
        if self._auth_kwargs is None:
            self._auth_kwargs = google_auth(self._http, self._static, self._caller)
        return self._auth_kwargs

    async def get(self, name: str, *, details: bool = False) -> models.Session:
        params = {"includeAnswerDetails": "true"} if details else None
        response = await self._http.send(
            "GET", path_of("v1", *segments(name)), params=params, **self._auth()
        )
        return parse_once(response, models.Session, lambda: _session(response))

    async def list(
        self, parent: str, filter_: str, order: str, size: int, token: str | None
    ) -> TokenPage[models.Session]:
        params = {"pageSize": str(min(size, MAX_PAGE_SIZE)), "orderBy": order}
        if filter_:
            params["filter"] = filter_
        if token:
            params["pageToken"] = token
        response = await self._http.send(
            "GET",
            path_of("v1", *segments(parent), "sessions"),
            params=params,
            **self._auth(),
        )
        return parse_once(response, models.ListSessionsResponse, lambda: _page(response))

    async def create(
        self, parent: str, body: dict[str, Any], session_id: str | None
    ) -> models.Session:
        params = {"sessionId": session_id} if session_id else None
        response = await self._http.send(
            "POST",
            path_of("v1", *segments(parent), "sessions"),
            params=params,
            **self._auth(),
            json=body,
            idempotent=False,
        )
        return _parse(models.Session, json_body(response, _PROVIDER))

    async def patch(self, name: str, body: dict[str, Any], mask: Sequence[str]) -> models.Session:
        response = await self._http.send(
            "PATCH",
            path_of("v1", *segments(name)),
            params={"updateMask": ",".join(mask)},
            **self._auth(),
            json=body,
        )
        return _parse(models.Session, json_body(response, _PROVIDER))

    async def delete(self, name: str) -> None:
        await self._http.send(
            "DELETE", path_of("v1", *segments(name)), **self._auth(), idempotent=False
        )


def _session(response: httpx.Response) -> models.Session:
    return _parse(models.Session, json_body(response, _PROVIDER))


def _page(response: httpx.Response) -> TokenPage[models.Session]:
    page = _parse(models.ListSessionsResponse, json_body(response, _PROVIDER))
    return TokenPage(items=page.sessions, next_token=page.next_page_token or None)


def _parse(model: type[M], raw: Any) -> M:
    try:
        return model.model_validate(raw)
    except ValueError as exc:
        raise GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            "Vertex AI Search sent a response the gateway could not read",
            provider=_PROVIDER,
        ) from exc


async def probe(http: UpstreamHttp, credentials: UpstreamCredentials) -> None:
    """Readiness: the smallest sessions page of the default parent."""
    if credentials.discovery_token is None:
        await unauthenticated_probe(http, "v1", *segments(credentials.discovery_parent), "sessions")
        return
    client = DiscoveryClient(http, credentials.discovery_token, None)
    await client.list(credentials.discovery_parent, "", "update_time desc", 1, None)
