"""A plain client of the emulators: the fewest upstream calls a hand-written client needs.

It reads each listing the way a careful client would: asking for the whole
window on every page (`first + 1` items, the one past the window telling whether
there is a next page; asking again for the whole window after a short page is
what gets the most from an upstream that serves less than asked), following
page tokens through short and empty pages, and stopping as soon as the upstream
reports a total that answers whether there is a next page. Counting its calls gives each
scenario's minimum; timing its dashboard walk gives the wall-time floor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from app.emulators.config import DEMO_CREDENTIALS
from app.settings import Settings
from app.transport import UpstreamTransport
from resolvers.stream.client import server_token

CREDS = DEMO_CREDENTIALS
GOOGLE = {"Authorization": f"Bearer {CREDS.google_token}"}
STREAM = {"Stream-Auth-Type": "jwt", "Authorization": server_token(CREDS.stream_api_secret)}
RTK = {"Authorization": f"Bearer {CREDS.realtimekit_api_token}"}
RTK_BASE = (
    f"/client/v4/accounts/{CREDS.realtimekit_account_id}/realtime/kit/{CREDS.realtimekit_app_id}"
)
DISCOVERY_PARENT = (
    "projects/sessiongraph-demo/locations/global/collections/default_collection"
    "/engines/sessiongraph-demo"
)


@dataclass
class Walk:
    """Items read from one listing, how many calls it took and whether more exist."""

    items: list[Any] = field(default_factory=list)
    calls: int = 0
    more: bool = False  # a next page token/cursor is still unread


# A page reader: (token, size) -> (items, next token, total or None).
PageFn = Callable[[str | None, int], Awaitable[tuple[list[Any], str | None, int | None]]]


async def walk(read: PageFn, first: int, max_size: int, *, state: Walk | None = None) -> Walk:
    """Read until `first + 1` items (or `first` when a total answers hasNextPage) or the end."""
    got = state or Walk()
    want, token = first + 1, None
    total: int | None = None
    while True:
        size = max(1, min(max_size, want))
        items, token, page_total = await read(token, size)
        got.calls += 1
        got.items.extend(items)
        total = page_total if page_total is not None else total
        got.more = token is not None
        enough = len(got.items) >= want or (
            total is not None and len(got.items) >= min(first, total)
        )
        if enough or token is None:
            return got


class Plain:
    """Plain httpx calls to the emulators (one pool, like the gateway's per upstream)."""

    def __init__(self, base: str, connections: int = 128) -> None:
        # The gateway's own transport (httpx API over aiohttp's pool) and idle expiry,
        # below the emulators' 5 s keep-alive: the same floor, and no pooled connection
        # reused just as the server closes it (a plain client does not resend).
        limits = httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=Settings.model_fields["upstream_keepalive_expiry"].default,
        )
        transport = UpstreamTransport(limits=limits)
        self.client = httpx.AsyncClient(
            base_url=base, limits=limits, timeout=30, transport=transport
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def _get(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Any:
        response = await self.client.get(path, params=params, headers=headers)
        response.raise_for_status()
        return orjson.loads(response.content)

    def meet(self, path: str, field_name: str, *, total: bool = False) -> PageFn:
        async def read(token: str | None, size: int) -> tuple[list[Any], str | None, int | None]:
            params = {"pageSize": str(size)}
            if token:
                params["pageToken"] = token
            if total:
                params["fields"] = f"{field_name},nextPageToken,totalSize"
            body = await self._get(path, params, GOOGLE)
            return body.get(field_name, []), body.get("nextPageToken"), body.get("totalSize")

        return read

    async def meet_get(self, name: str) -> Any:
        return await self._get(f"/v2/{name}", {}, GOOGLE)

    def discovery_sessions(self) -> PageFn:
        async def read(token: str | None, size: int) -> tuple[list[Any], str | None, int | None]:
            params = {"pageSize": str(size), "orderBy": "create_time desc"}
            if token:
                params["pageToken"] = token
            body = await self._get(f"/v1/{DISCOVERY_PARENT}/sessions", params, GOOGLE)
            return body.get("sessions", []), body.get("nextPageToken"), None

        return read

    def realtimekit_sessions(self, per_page: int) -> PageFn:
        async def read(token: str | None, size: int) -> tuple[list[Any], str | None, int | None]:
            page_no = int(token or "1")
            params = {
                "sort_by": "createdAt",
                "sort_order": "DESC",
                "page_no": str(page_no),
                "per_page": str(per_page),
            }
            body = await self._get(f"{RTK_BASE}/sessions", params, RTK)
            data = body.get("data", {})
            paging = body.get("paging") or data.get("paging") or {}
            total = paging.get("total_count")
            items = data.get("sessions", [])
            more = total is not None and page_no * per_page < total
            return items, str(page_no + 1) if more else None, total

        return read

    def stream_call_stats(self, conditions: dict[str, Any] | None = None) -> PageFn:
        async def read(token: str | None, size: int) -> tuple[list[Any], str | None, int | None]:
            body: dict[str, Any] = {
                "filter_conditions": conditions or {},
                "sort": [
                    {"field": "session_started_at", "direction": -1},
                    {"field": "call_cid", "direction": 1},
                ],
                "limit": size,
            }
            if token:
                body["next"] = token
            response = await self.client.post(
                "/api/v2/video/call_stats",
                params={"api_key": CREDS.stream_api_key},
                headers=STREAM,
                content=orjson.dumps(body),
            )
            response.raise_for_status()
            page = orjson.loads(response.content)
            return page.get("call_stats", []), page.get("next"), None

        return read

    async def attendance(self, call_type: str, call_id: str, session_id: str) -> Any:
        path = f"/api/v2/video/call/{call_type}/{call_id}/session/{session_id}/participant_sessions"
        return await self._get(path, {"api_key": CREDS.stream_api_key, "limit": "100"}, STREAM)

    async def town_hall(self) -> tuple[str, str, str]:
        """A Stream call session with more than 100 participant sessions."""
        read = self.stream_call_stats({"call_cid": {"$eq": "livestream:town-hall"}})
        items, _, _ = await read(None, 1)
        item = items[0]
        return item["call_type"], item["call_id"], item["call_session_id"]


async def dashboard(plain: Plain) -> int:
    """The Meet dashboard's upstream calls, level by level as concurrently as they can go."""
    records = await walk(plain.meet("/v2/conferenceRecords", "conferenceRecords"), 20, 100)
    calls = records.calls

    async def one(record: dict[str, Any]) -> int:
        name = record["name"]
        people_walk, transcripts = await asyncio.gather(
            walk(plain.meet(f"/v2/{name}/participants", "participants", total=True), 10, 250),
            walk(plain.meet(f"/v2/{name}/transcripts", "transcripts"), 20, 100),
        )
        people = people_walk.items[:10]
        sessions = [
            walk(plain.meet(f"/v2/{p['name']}/participantSessions", "participantSessions"), 5, 250)
            for p in people
        ]
        entries = [
            walk(plain.meet(f"/v2/{t['name']}/entries", "transcriptEntries"), 50, 100)
            for t in transcripts.items[:20]
        ]
        walks = await asyncio.gather(*sessions, *entries)
        speakers = {
            e["participant"]
            for w in walks[len(sessions) :]
            for e in w.items[:50]
            if e.get("participant")
        }
        known = {p["name"] for p in people_walk.items}
        missing = sorted(speakers - known)
        await asyncio.gather(*(plain.meet_get(n) for n in missing))
        return people_walk.calls + transcripts.calls + sum(w.calls for w in walks) + len(missing)

    counts = await asyncio.gather(*(one(r) for r in records.items[:20]))
    return calls + sum(counts)
