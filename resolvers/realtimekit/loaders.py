"""Per-request RealtimeKit loaders, and the typed face the schema reads RealtimeKit through.

RealtimeKit has no batch reads, so a batch is the keys of one tick fetched
concurrently. A list page primes the by-id loaders of what it lists: a session
or participant met in a page costs nothing to look up again in the same request.
The connection methods keep the offset pager and the cursor scope inside the
data layer; ids are checked here before any call is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.cursors import scope_of
from resolvers.dataloader import Loader, fetch_each, gather_each
from resolvers.http import UpstreamHttp
from resolvers.pagers import OffsetPage, OffsetPager
from resolvers.paging import ConnectionArgs, ConnectionSlice, Paging
from resolvers.realtimekit import models
from resolvers.realtimekit.client import MAX_PER_PAGE, LinkKind, RealtimeKitClient
from resolvers.realtimekit.ids import check_id
from resolvers.realtimekit.queries import ParticipantQuery, SessionQuery
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["ParticipantPageRequest", "RealtimeKitLoaders", "SessionPageRequest"]


@dataclass(frozen=True)
class SessionPageRequest:
    """Everything that identifies one `GET /sessions` page."""

    query: SessionQuery
    page_no: int
    per_page: int


@dataclass(frozen=True)
class ParticipantPageRequest:
    """Everything that identifies one `GET /sessions/{id}/participants` page."""

    session_id: str
    query: ParticipantQuery
    page_no: int
    per_page: int


@dataclass
class RealtimeKitLoaders:
    """RealtimeKit loaders for one request: named by what they load and by its key."""

    client: RealtimeKitClient
    paging: Paging
    session_by_id: Loader[str, models.Session | None]
    participant_by_key: Loader[tuple[str, str], models.Participant | None]
    peer_report_by_id: Loader[str, dict[str, Any] | None]
    link_by_key: Loader[tuple[str, LinkKind], models.DownloadLink | None]
    session_pages_by_request: Loader[SessionPageRequest, OffsetPage[models.Session]]
    participant_pages_by_request: Loader[ParticipantPageRequest, OffsetPage[models.Participant]]

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller, paging: Paging
    ) -> RealtimeKitLoaders:
        # `caller` is unused: RealtimeKit takes the server's token, never the caller's.
        client = RealtimeKitClient(http, credentials)
        sessions: Loader[str, models.Session | None] = Loader(fetch_each(client.session))
        participants: Loader[tuple[str, str], models.Participant | None] = Loader(
            fetch_each(lambda key: client.participant(*key))
        )

        async def session_page(key: SessionPageRequest) -> OffsetPage[models.Session]:
            page = await client.list_sessions(key.query, key.page_no, key.per_page)
            for session in page.items:
                sessions.prime(session.id, session)
            return page

        async def participant_page(key: ParticipantPageRequest) -> OffsetPage[models.Participant]:
            page = await client.list_participants(
                key.session_id, key.query, key.page_no, key.per_page
            )
            for item in page.items:
                participants.prime((key.session_id, item.id), item)
            return page

        return cls(
            client=client,
            paging=paging,
            session_by_id=sessions,
            participant_by_key=participants,
            peer_report_by_id=Loader(fetch_each(client.peer_report)),
            link_by_key=Loader(fetch_each(lambda key: client.link(*key))),
            session_pages_by_request=Loader(gather_each(session_page)),
            participant_pages_by_request=Loader(gather_each(participant_page)),
        )

    # --- lookups -----------------------------------------------------------------

    async def session(self, session_id: str) -> models.Session | None:
        return await self.session_by_id.load(check_id("session", session_id))

    async def participant(self, session_id: str, peer_id: str) -> models.Participant | None:
        """One join, by the participant-details endpoint or a page that already listed it."""
        key = (check_id("session", session_id), check_id("participant", peer_id))
        return await self.participant_by_key.load(key)

    async def generate_summary(self, session_id: str) -> models.SummaryJob:
        """Ask for a summary (a write: never retried) and forget a summary link read before."""
        job = await self.client.generate_summary(check_id("session", session_id, field="sessionId"))
        self.link_by_key.clear((session_id, "summary"))
        return job

    # --- connections -------------------------------------------------------------

    async def sessions(
        self, query: SessionQuery, args: ConnectionArgs
    ) -> ConnectionSlice[models.Session]:
        """Sessions matching `query`, both ways (offset paging)."""
        scope = scope_of("realtimekit", "sessions", *query.params().items())
        return await self.paging.run(self.sessions_pager(query), args, scope)

    async def participants_of(
        self, session_id: str, query: ParticipantQuery, args: ConnectionArgs
    ) -> ConnectionSlice[models.Participant]:
        """One session's joins, both ways."""
        scope = scope_of("realtimekit", "participants", session_id, *query.params().items())
        return await self.paging.run(self.participants_pager(session_id, query), args, scope)

    def sessions_pager(self, query: SessionQuery) -> OffsetPager[models.Session]:
        """Both-ways paging over `GET /sessions`; pages go through `session_pages_by_request`."""

        async def fetch(page_no: int, per_page: int) -> OffsetPage[models.Session]:
            request = SessionPageRequest(query, page_no, per_page)
            return await self.session_pages_by_request.load(request)

        return OffsetPager(fetch, max_page_size=MAX_PER_PAGE)

    def participants_pager(
        self, session_id: str, query: ParticipantQuery
    ) -> OffsetPager[models.Participant]:
        """Both-ways paging over one session's participants."""

        async def fetch(page_no: int, per_page: int) -> OffsetPage[models.Participant]:
            request = ParticipantPageRequest(session_id, query, page_no, per_page)
            return await self.participant_pages_by_request.load(request)

        return OffsetPager(fetch, max_page_size=MAX_PER_PAGE)
