"""Per-request Discovery loaders: sessions by name (plain and with answer details) and list pages.

`SessionByName` is primed by every list page and by every write, so reading a
conversation that a page (or a mutation) already returned costs nothing.
`SessionWithDetailsByName` GETs with `includeAnswerDetails=true`; it is only
loaded when a client selects `detailedAnswer`, one call per conversation, all
concurrent within a tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from resolvers.dataloader import Loader, fetch_each
from resolvers.discovery import models
from resolvers.discovery.client import MAX_PAGE_SIZE, DiscoveryClient
from resolvers.errors import Provider
from resolvers.http import UpstreamHttp
from resolvers.pagers import TokenPage, TokenPager
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["DiscoveryLoaders", "PageKey"]

SessionPage = TokenPage[models.Session]


@dataclass(frozen=True)
class PageKey:
    """Everything that identifies one upstream list page."""

    parent: str
    filter: str
    order: str
    size: int
    token: str | None


@dataclass
class DiscoveryLoaders:
    """Discovery loaders for one request; `default_parent` is the configured engine."""

    client: DiscoveryClient
    default_parent: str
    sessions: Loader[str, models.Session | None]
    sessions_with_details: Loader[str, models.Session | None]
    pages: Loader[PageKey, SessionPage]

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller
    ) -> DiscoveryLoaders:
        client = DiscoveryClient(http, credentials.discovery_token, caller.authorization)
        loaders = cls(
            client=client,
            default_parent=credentials.discovery_parent,
            sessions=Loader(fetch_each(client.get)),
            sessions_with_details=Loader(fetch_each(lambda name: client.get(name, details=True))),
            pages=Loader(lambda keys: _load_pages(client, keys, loaders)),
        )
        return loaders

    def pager(self, parent: str, filter_: str, order: str) -> TokenPager[models.Session]:
        """A forward pager over one listing; filter and order stay constant across pages."""

        async def fetch(token: str | None, size: int) -> SessionPage:
            return await self.pages.load(PageKey(parent, filter_, order, size, token))

        return TokenPager(
            fetch, max_page_size=MAX_PAGE_SIZE, provider=Provider.VERTEX_AI_SEARCH, what="sessions"
        )

    def remember(self, session: models.Session) -> None:
        """After a write: later loads in this operation see the new value, not a cached one."""
        self.sessions.clear(session.name)
        self.sessions.prime(session.name, session)
        self.sessions_with_details.clear(session.name)
        # Cached pages may hold the old value or the old membership of a filter.
        self.pages.clear_all()

    def forget(self, name: str) -> None:
        """After a delete: the session is gone for the rest of this operation."""
        self.sessions.clear(name)
        self.sessions.prime(name, None)
        self.sessions_with_details.clear(name)
        self.sessions_with_details.prime(name, None)
        self.pages.clear_all()


async def _load_pages(
    client: DiscoveryClient, keys: Sequence[PageKey], loaders: DiscoveryLoaders
) -> list[SessionPage | BaseException]:
    async def one(key: PageKey) -> SessionPage | BaseException:
        try:
            page = await client.list(key.parent, key.filter, key.order, key.size, key.token)
        except Exception as exc:  # a failed page fails only the fields that read it
            return exc
        for session in page.items:
            loaders.sessions.prime(session.name, session)
        return page

    return list(await asyncio.gather(*(one(key) for key in keys)))
