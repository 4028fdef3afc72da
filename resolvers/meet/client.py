"""The Meet REST v2 client: one method per call the gateway makes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.google import google_auth
from resolvers.http import UpstreamHttp, json_body, path_of
from resolvers.meet import models
from resolvers.meet.names import segments
from resolvers.pagers import TokenPage
from resolvers.parsed import parse_once
from resolvers.readiness import unauthenticated_probe
from resolvers.upstreams import UpstreamCredentials

__all__ = ["LISTINGS", "Listing", "MeetClient"]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Listing:
    """One Meet list method: its collection segment, response field, model and max page size."""

    collection: str
    field: str
    model: type[BaseModel]
    max_page_size: int
    with_total: bool = False


LISTINGS: dict[str, Listing] = {
    "conferenceRecords": Listing(
        "conferenceRecords", "conferenceRecords", models.ConferenceRecord, 100
    ),
    "participants": Listing(
        "participants", "participants", models.Participant, 250, with_total=True
    ),
    "participantSessions": Listing(
        "participantSessions", "participantSessions", models.ParticipantSession, 250
    ),
    "recordings": Listing("recordings", "recordings", models.Recording, 100),
    "transcripts": Listing("transcripts", "transcripts", models.Transcript, 100),
    "entries": Listing("entries", "transcriptEntries", models.TranscriptEntry, 100),
}


class MeetClient:
    """Meet calls for one caller (the caller's bearer token is forwarded when no static one)."""

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

    async def get(self, name: str, model: type[M]) -> M:
        response = await self._http.send("GET", path_of("v2", *segments(name)), **self._auth())
        return parse_once(
            response, model, lambda: _parse(model, json_body(response, Provider.GOOGLE_MEET))
        )

    async def list(
        self, listing: Listing, parent: str | None, filter_: str, size: int, token: str | None
    ) -> TokenPage[Any]:
        parts = ["v2", *(segments(parent) if parent else []), listing.collection]
        params: dict[str, str] = {"pageSize": str(size)}
        if token:
            params["pageToken"] = token
        if filter_:
            params["filter"] = filter_
        if listing.with_total:
            # totalSize only comes back when asked for through the field mask.
            params["fields"] = f"{listing.field},nextPageToken,totalSize"
        response = await self._http.send("GET", path_of(*parts), params=params, **self._auth())
        return parse_once(response, listing, lambda: _list_page(listing, response))


def _list_page(listing: Listing, response: httpx.Response) -> TokenPage[Any]:
    body = json_body(response, Provider.GOOGLE_MEET)
    if not isinstance(body, dict):
        raise _malformed()
    raw_items = body.get(listing.field) or []
    if not isinstance(raw_items, list):
        raise _malformed()
    total = body.get("totalSize")
    return TokenPage(
        items=_parse_items(listing.model, raw_items),
        next_token=body.get("nextPageToken") or None,
        total=total if isinstance(total, int) else (0 if listing.with_total else None),
    )


def _parse_items(model: type[BaseModel], raw_items: list[Any]) -> list[Any]:
    try:
        return _items_adapter(model).validate_python(raw_items)
    except ValueError as exc:
        raise _malformed() from exc


@functools.cache
def _items_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    # One validation call for the whole page instead of one per item.
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _parse(model: type[M], raw: Any) -> M:
    try:
        return model.model_validate(raw)
    except ValueError as exc:
        raise _malformed() from exc


def _malformed() -> GatewayError:
    return GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        "Google Meet sent a response the gateway could not read",
        provider=Provider.GOOGLE_MEET,
    )


async def probe(http: UpstreamHttp, credentials: UpstreamCredentials) -> None:
    """Readiness: the smallest conference-record page (any answer when no token is held)."""
    if credentials.meet_token is None:
        await unauthenticated_probe(http, "v2", "conferenceRecords")
        return
    client = MeetClient(http, credentials.meet_token, None)
    await client.list(LISTINGS["conferenceRecords"], None, "", 1, None)
