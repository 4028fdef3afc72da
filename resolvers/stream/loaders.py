"""Per-request Stream loaders, and the typed face the schema reads Stream through.

Pages are loaded through loaders keyed by every parameter, so the same page
asked twice in one operation costs one call. Every page primes the by-key
loaders (prime, don't refetch). Totals ride on whichever participant-sessions
page of the same call session the operation already asked for ("one response,
many fields"); only when none is asked do they cost a call of their own.
The connection methods keep filters, the cursor pager and the cursor scope
inside the data layer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson

from resolvers.cursors import scope_of
from resolvers.dataloader import Loader, fetch_each, gather_each, weakly
from resolvers.errors import ErrorCode, GatewayError, Provider, not_found
from resolvers.http import UpstreamHttp
from resolvers.paging import ConnectionArgs, ConnectionSlice, Paging
from resolvers.stream.client import StreamClient, canonical_json
from resolvers.stream.filters import (
    CallSessionFilterInput,
    ParticipantFilterInput,
    call_stats_conditions,
    call_stats_predicate,
    participant_conditions,
)
from resolvers.stream.ids import ParticipantKey, SessionKey, key_text
from resolvers.stream.models import (
    CallStatsPage,
    CallStatsSession,
    ParticipantRecord,
    ParticipantSessionsPage,
    Totals,
)
from resolvers.stream.paging import MAX_LIMIT, CursorPage, CursorPager, PageRequest
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["CALL_SESSION_SORT", "StreamLoaders"]

# Newest session first; `call_cid` is the documented second sort key.
CALL_SESSION_SORT = [
    {"field": "session_started_at", "direction": -1},
    {"field": "call_cid", "direction": 1},
]


@dataclass(frozen=True)
class ParticipantPageRequest:
    session: SessionKey
    request: PageRequest
    conditions: str  # canonical filter JSON, "" for none


@dataclass(frozen=True)
class StatsPageRequest:
    conditions: str
    sort: str
    request: PageRequest


class StreamLoaders:
    """The Stream loaders of one request; never shared across requests."""

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller, paging: Paging
    ) -> StreamLoaders:
        # Stream is called with the gateway's own server token, never the caller's.
        return cls(StreamClient(http, credentials), paging)

    def __init__(self, client: StreamClient, paging: Paging) -> None:
        self._client = client
        self.paging = paging
        self.participant_pages_by_request = Loader(fetch_each(weakly(self._participant_page)))
        self.stats_pages_by_request = Loader(gather_each(weakly(self._stats_page)))
        self.call_session_by_key: Loader[SessionKey, CallStatsSession | None] = Loader(
            fetch_each(weakly(self._call_session))
        )
        self.participant_by_key: Loader[ParticipantKey, ParticipantRecord | None] = Loader(
            fetch_each(weakly(self._participant))
        )
        self.totals_by_session: Loader[SessionKey, Totals] = Loader(
            gather_each(weakly(self._totals))
        )
        # The first participant-sessions page asked for each call session: the shared
        # future the session's totals read instead of making a call of their own.
        self._first_pages: dict[SessionKey, asyncio.Future[ParticipantSessionsPage]] = {}
        self._tasks: dict[ParticipantPageRequest, asyncio.Future[ParticipantSessionsPage]] = {}
        # Records of the pages read, indexed by key only when a lookup needs them (most
        # operations never look one up; keying 100 records was ~0.2 ms a page).
        self._seen: dict[ParticipantKey, ParticipantRecord] = {}
        self._unindexed: list[list[ParticipantRecord]] = []

    # --- connections -------------------------------------------------------------

    async def participant_sessions_of(
        self, key: SessionKey, flt: ParticipantFilterInput, args: ConnectionArgs
    ) -> ConnectionSlice[ParticipantRecord]:
        """Who attended `key`, both ways; `totalCount` only when unfiltered."""
        scope = scope_of("stream", "participantSessions", key_text(key), flt)
        return await self.paging.run(self.participant_sessions(key, flt), args, scope)

    async def call_sessions_matching(
        self, flt: CallSessionFilterInput, args: ConnectionArgs
    ) -> ConnectionSlice[CallStatsSession]:
        """Call sessions newest start first, forwards."""
        conditions = canonical_json(call_stats_conditions(flt))
        scope = scope_of("stream", "callSessions", conditions, flt)
        return await self.paging.run(self.call_sessions(flt), args, scope)

    def participant_sessions(
        self, key: SessionKey, flt: ParticipantFilterInput
    ) -> CursorPager[ParticipantRecord]:
        """A session's participant sessions. `total` is Stream's whole-session total when
        the listing is unfiltered (0 once retention has emptied it), else unknown (None)."""
        conditions = participant_conditions(flt)
        text = canonical_json(conditions) if conditions else ""

        async def fetch(request: PageRequest) -> CursorPage[ParticipantRecord]:
            page_key = ParticipantPageRequest(key, request, text)
            widest = ParticipantPageRequest(key, PageRequest(None, False, MAX_LIMIT), text)
            if request.cursor is None and not request.backward and widest in self._tasks:
                # The listing's start, already read wider (by `callSession`): same items
                # in the same places, so positions on it stay valid for any limit.
                page_key = widest
            page = await self._page_task(page_key)
            records = self._records(key, page)
            total: int | None = None
            if not text:
                emptied = not records and request.cursor is None and page.next is None
                total = 0 if emptied else page.total_participant_sessions
            return CursorPage(records, page.next, page.prev, total)

        return CursorPager(fetch)

    def call_sessions(self, flt: CallSessionFilterInput) -> CursorPager[CallStatsSession]:
        """Call sessions newest start first (QueryCallSessionStats); no total upstream."""
        conditions = canonical_json(call_stats_conditions(flt))
        sort = canonical_json(CALL_SESSION_SORT)

        async def fetch(request: PageRequest) -> CursorPage[CallStatsSession]:
            page = await self.stats_pages_by_request.load(
                StatsPageRequest(conditions, sort, request)
            )
            for item in page.call_stats:
                self.call_session_by_key.prime(item.key, item)
            return CursorPage(page.call_stats, page.next, page.prev, None)

        return CursorPager(fetch, keep=call_stats_predicate(flt))

    async def session(self, key: SessionKey) -> CallStatsSession | None:
        """One call session, read from its first participant-sessions page at the maximum
        limit: that page carries the session's times and totals, and is the very page a
        `participantSessions(first: 100)` below it asks for, so the whole `callSession`
        query costs one call. A response without the session's times, or a failed page
        (whose error then shows on the fields that read it), costs a `call_stats` lookup."""
        first_page = ParticipantPageRequest(key, PageRequest(None, False, MAX_LIMIT), "")
        try:
            page = await self._page_task(first_page)
        except GatewayError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return None
            return await self.call_session_by_key.load(key)
        found = page.call_session()
        if found is not None and found.key == key:
            self.call_session_by_key.prime(key, found)
            return found
        return await self.call_session_by_key.load(key)

    async def totals(self, key: SessionKey) -> Totals:
        """Whole-session totals, sharing a page the operation already asked for."""
        return await self.totals_by_session.load(key)

    # --- batch functions ------------------------------------------------------------

    async def _totals(self, key: SessionKey) -> Totals:
        # A batch function runs once the tick that asked for its keys is over
        # (aiodataloader dispatches then), so every sibling field of the same
        # object has registered its first page by now: share it when there is one.
        shared = self._first_pages.get(key)
        if shared is None:
            shared = self._page_task(ParticipantPageRequest(key, PageRequest(None, False, 1), ""))
        page = await shared
        return Totals(page.total_participant_sessions, page.total_participant_duration)

    def _page_task(self, key: ParticipantPageRequest) -> asyncio.Future[ParticipantSessionsPage]:
        task = self._tasks.get(key)
        if task is None:
            task = self._tasks[key] = asyncio.ensure_future(self._load_page(key))
        self._first_pages.setdefault(key.session, task)
        return task

    async def _load_page(self, key: ParticipantPageRequest) -> ParticipantSessionsPage:
        page = await self.participant_pages_by_request.load(key)
        if page is None:
            raise not_found("Stream Video has no such call session", Provider.STREAM_VIDEO)
        return page

    def _records(self, key: SessionKey, page: ParticipantSessionsPage) -> list[ParticipantRecord]:
        names = page.names()
        records = [
            ParticipantRecord(key, details, names.get(details.user_id))
            for details in page.participants_sessions
        ]
        # Remembered, not primed: priming makes a future per item, on every page.
        self._unindexed.append(records)
        return records

    def _seen_record(self, key: ParticipantKey) -> ParticipantRecord | None:
        for records in self._unindexed:  # in reading order: a later read wins
            for record in records:
                d = record.details
                self._seen[ParticipantKey(record.session, d.user_id, d.user_session_id)] = record
        self._unindexed.clear()
        return self._seen.get(key)

    async def _participant_page(self, key: ParticipantPageRequest) -> ParticipantSessionsPage:
        request = key.request
        return await self._client.participant_sessions(
            key.session,
            limit=request.limit,
            next_cursor=None if request.backward else request.cursor,
            prev_cursor=request.cursor if request.backward else None,
            conditions=key.conditions or None,
        )

    async def _stats_page(self, key: StatsPageRequest) -> CallStatsPage:
        request = key.request
        return await self._client.call_stats(
            _loads(key.conditions),
            _loads(key.sort),
            limit=request.limit,
            next_cursor=None if request.backward else request.cursor,
            prev_cursor=request.cursor if request.backward else None,
        )

    async def _call_session(self, key: SessionKey) -> CallStatsSession | None:
        conditions = {
            "call_cid": {"$eq": key.cid},
            "call_session_id": {"$eq": key.session_id},
        }
        page = await self._client.call_stats(conditions, CALL_SESSION_SORT, limit=1)
        return next((item for item in page.call_stats if item.key == key), None)

    async def _participant(self, key: ParticipantKey) -> ParticipantRecord | None:
        """By user: Stream's `session_id` filter is undocumented, `user_id` is not."""
        seen = self._seen_record(key)
        if seen is not None:
            return seen
        pager = self.participant_sessions(key.session, ParticipantFilterInput((key.user_id,)))
        window = await pager.forward(None, MAX_LIMIT - 1)
        while True:
            for _, record in window.items:
                if record.details.user_session_id == key.user_session_id:
                    return record
            if not window.has_next or not window.items:
                return None
            window = await pager.forward(window.items[-1][0], MAX_LIMIT - 1)


def _loads(text: str) -> Any:
    return orjson.loads(text)
