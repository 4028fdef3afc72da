"""Per-request RealtimeKit loaders: objects by id, list pages that prime them, pagers.

RealtimeKit has no batch reads, so a batch is the keys of one tick fetched
concurrently. A list page primes the by-id loaders of what it lists: a session
or participant met in a page costs nothing to look up again in the same request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from resolvers.dataloader import Loader, fetch_each
from resolvers.http import UpstreamHttp
from resolvers.pagers import OffsetPage, OffsetPager
from resolvers.realtimekit import models
from resolvers.realtimekit.client import MAX_PER_PAGE, LinkKind, RealtimeKitClient
from resolvers.realtimekit.queries import ParticipantQuery, SessionQuery
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["ParticipantPageKey", "RealtimeKitLoaders", "SessionPageKey"]

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class SessionPageKey:
    """Everything that identifies one `GET /sessions` page."""

    query: SessionQuery
    page_no: int
    per_page: int


@dataclass(frozen=True)
class ParticipantPageKey:
    """Everything that identifies one `GET /sessions/{id}/participants` page."""

    session_id: str
    query: ParticipantQuery
    page_no: int
    per_page: int


@dataclass
class RealtimeKitLoaders:
    """RealtimeKit loaders for one request: named by what they load, keyed by its identity."""

    client: RealtimeKitClient
    sessions: Loader[str, models.Session | None]
    participants: Loader[tuple[str, str], models.Participant | None]
    peer_reports: Loader[str, dict[str, Any] | None]
    links: Loader[tuple[str, LinkKind], models.DownloadLink | None]
    session_pages: Loader[SessionPageKey, OffsetPage[models.Session]]
    participant_pages: Loader[ParticipantPageKey, OffsetPage[models.Participant]]

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller
    ) -> RealtimeKitLoaders:
        # `caller` is unused: RealtimeKit takes the server's token, never the caller's.
        client = RealtimeKitClient(http, credentials)
        sessions: Loader[str, models.Session | None] = Loader(fetch_each(client.session))
        participants: Loader[tuple[str, str], models.Participant | None] = Loader(
            fetch_each(lambda key: client.participant(*key))
        )

        async def session_page(key: SessionPageKey) -> OffsetPage[models.Session]:
            page = await client.list_sessions(key.query, key.page_no, key.per_page)
            for session in page.items:
                sessions.prime(session.id, session)
            return page

        async def participant_page(key: ParticipantPageKey) -> OffsetPage[models.Participant]:
            page = await client.list_participants(
                key.session_id, key.query, key.page_no, key.per_page
            )
            for item in page.items:
                participants.prime((key.session_id, item.id), item)
            return page

        return cls(
            client=client,
            sessions=sessions,
            participants=participants,
            peer_reports=Loader(fetch_each(client.peer_report)),
            links=Loader(fetch_each(lambda key: client.link(*key))),
            session_pages=Loader(_each(session_page)),
            participant_pages=Loader(_each(participant_page)),
        )

    def sessions_pager(self, query: SessionQuery) -> OffsetPager[models.Session]:
        """Both-ways paging over `GET /sessions` for `query`; pages go through `session_pages`."""

        async def fetch(page_no: int, per_page: int) -> OffsetPage[models.Session]:
            return await self.session_pages.load(SessionPageKey(query, page_no, per_page))

        return OffsetPager(fetch, max_page_size=MAX_PER_PAGE)

    def participants_pager(
        self, session_id: str, query: ParticipantQuery
    ) -> OffsetPager[models.Participant]:
        """Both-ways paging over one session's participants."""

        async def fetch(page_no: int, per_page: int) -> OffsetPage[models.Participant]:
            key = ParticipantPageKey(session_id, query, page_no, per_page)
            return await self.participant_pages.load(key)

        return OffsetPager(fetch, max_page_size=MAX_PER_PAGE)


def _each(
    fetch: Callable[[K], Awaitable[V]],
) -> Callable[[Sequence[K]], Awaitable[list[V | BaseException]]]:
    """A batch function for list pages: concurrent; a failed page fails only its own readers."""

    async def one(key: K) -> V | BaseException:
        try:
            return await fetch(key)
        except Exception as exc:  # returned, not raised: the dataloader contract
            return exc

    async def batch(keys: Sequence[K]) -> list[V | BaseException]:
        return list(await asyncio.gather(*(one(key) for key in keys)))

    return batch
