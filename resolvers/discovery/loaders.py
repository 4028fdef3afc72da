"""Per-request Discovery loaders, and the typed face the schema reads conversations through.

`session_by_name` is primed by every list page and by every write, so reading a
conversation that a page (or a mutation) already returned costs nothing.
`session_with_details_by_name` GETs with `includeAnswerDetails=true`; it is only
loaded when a client selects `detailedAnswer`, one call per conversation, all
concurrent within a tick. `conversations` keeps the filter string, the order
string, the pager and the cursor scope inside the data layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from resolvers.cursors import scope_of
from resolvers.dataloader import Loader, fetch_each, gather_each
from resolvers.discovery import models
from resolvers.discovery.client import MAX_PAGE_SIZE, DiscoveryClient
from resolvers.discovery.filters import SessionFilter, order_by, session_filter
from resolvers.discovery.names import check_parent, check_session_name
from resolvers.errors import Provider
from resolvers.http import UpstreamHttp
from resolvers.pagers import TokenPage, TokenPager
from resolvers.paging import ConnectionArgs, ConnectionSlice, Paging
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["DiscoveryLoaders", "PageRequest"]

SessionPage = TokenPage[models.Session]


@dataclass(frozen=True)
class PageRequest:
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
    paging: Paging
    default_parent: str
    session_by_name: Loader[str, models.Session | None]
    session_with_details_by_name: Loader[str, models.Session | None]
    pages_by_request: Loader[PageRequest, SessionPage]

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller, paging: Paging
    ) -> DiscoveryLoaders:
        client = DiscoveryClient(http, credentials.discovery_token, caller.authorization)
        by_name: Loader[str, models.Session | None] = Loader(fetch_each(client.get))

        # Primes the loader, not through the loader set: that would make the set a
        # reference cycle (see `weakly` in resolvers/dataloader.py).
        async def page(key: PageRequest) -> SessionPage:
            listed = await client.list(key.parent, key.filter, key.order, key.size, key.token)
            for session in listed.items:
                by_name.prime(session.name, session)
            return listed

        return cls(
            client=client,
            paging=paging,
            default_parent=credentials.discovery_parent,
            session_by_name=by_name,
            session_with_details_by_name=Loader(
                fetch_each(lambda name: client.get(name, details=True))
            ),
            pages_by_request=Loader(gather_each(page)),
        )

    async def session(self, name: str, *, field: str = "name") -> models.Session | None:
        """One session by name (validated first; None when the upstream has none)."""
        return await self.session_by_name.load(check_session_name(name, field=field))

    async def conversations(
        self,
        parent: str | None,
        flt: SessionFilter,
        order: Sequence[tuple[str, bool]],
        args: ConnectionArgs,
    ) -> ConnectionSlice[models.Session]:
        """Sessions under `parent` (None: the configured engine), forward paging only.

        `order` is (upstream field, descending) pairs; none means most recently updated first.
        """
        parent_ = check_parent(parent) if parent is not None else self.default_parent
        filter_ = session_filter(flt)
        order_ = order_by(order)
        scope = scope_of("discovery", parent_, filter_, order_)
        return await self.paging.run(self.pager(parent_, filter_, order_), args, scope)

    def pager(self, parent: str, filter_: str, order: str) -> TokenPager[models.Session]:
        """A forward pager over one listing; filter and order stay constant across pages."""

        async def fetch(token: str | None, size: int) -> SessionPage:
            return await self.pages_by_request.load(
                PageRequest(parent, filter_, order, size, token)
            )

        return TokenPager(
            fetch, max_page_size=MAX_PAGE_SIZE, provider=Provider.VERTEX_AI_SEARCH, what="sessions"
        )

    def remember(self, session: models.Session) -> None:
        """After a write: later loads in this operation see the new value, not a cached one."""
        self.session_by_name.clear(session.name)
        self.session_by_name.prime(session.name, session)
        self.session_with_details_by_name.clear(session.name)
        # Cached pages may hold the old value or the old membership of a filter.
        self.pages_by_request.clear_all()

    def forget(self, name: str) -> None:
        """After a delete: the session is gone for the rest of this operation."""
        self.session_by_name.clear(name)
        self.session_by_name.prime(name, None)
        self.session_with_details_by_name.clear(name)
        self.session_with_details_by_name.prime(name, None)
        self.pages_by_request.clear_all()
