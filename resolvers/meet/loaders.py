"""Per-request Meet loaders: objects by name, and list pages that prime them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from resolvers.dataloader import Loader, fetch_each
from resolvers.errors import Provider
from resolvers.http import UpstreamHttp
from resolvers.meet import models
from resolvers.meet.client import LISTINGS, MeetClient
from resolvers.pagers import TokenPage, TokenPager
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["MeetLoaders", "PageKey"]


@dataclass(frozen=True)
class PageKey:
    """Everything that identifies one upstream list page."""

    listing: str
    parent: str | None
    filter: str
    size: int
    token: str | None


_BY_KIND: dict[type[Any], str] = {
    models.ConferenceRecord: "conference_records",
    models.Participant: "participants",
    models.ParticipantSession: "participant_sessions",
    models.Recording: "recordings",
    models.Transcript: "transcripts",
    models.TranscriptEntry: "transcript_entries",
}


@dataclass
class MeetLoaders:
    """Meet loaders for one request. Pages prime the by-name loaders of what they list."""

    client: MeetClient
    conference_records: Loader[str, models.ConferenceRecord | None]
    participants: Loader[str, models.Participant | None]
    participant_sessions: Loader[str, models.ParticipantSession | None]
    recordings: Loader[str, models.Recording | None]
    transcripts: Loader[str, models.Transcript | None]
    transcript_entries: Loader[str, models.TranscriptEntry | None]
    spaces: Loader[str, models.Space | None]
    pages: Loader[PageKey, TokenPage[Any]]

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller
    ) -> MeetLoaders:
        client = MeetClient(http, credentials.meet_token, caller.authorization)

        def by_name(model: type[Any]) -> Loader[str, Any]:
            return Loader(fetch_each(lambda name: client.get(name, model)))

        loaders = cls(
            client=client,
            conference_records=by_name(models.ConferenceRecord),
            participants=by_name(models.Participant),
            participant_sessions=by_name(models.ParticipantSession),
            recordings=by_name(models.Recording),
            transcripts=by_name(models.Transcript),
            transcript_entries=by_name(models.TranscriptEntry),
            spaces=by_name(models.Space),
            pages=Loader(lambda keys: _load_pages(client, keys, loaders)),
        )
        return loaders

    def pager(self, listing: str, parent: str | None, filter_: str) -> TokenPager[Any]:
        """A forward pager over one Meet listing; its pages go through `pages`."""
        spec = LISTINGS[listing]

        async def fetch(token: str | None, size: int) -> TokenPage[Any]:
            return await self.pages.load(PageKey(listing, parent, filter_, size, token))

        return TokenPager(
            fetch, max_page_size=spec.max_page_size, provider=Provider.GOOGLE_MEET, what=listing
        )

    def prime(self, item: Any) -> None:
        """Remember an object another call returned, so looking it up costs nothing."""
        attribute = _BY_KIND.get(type(item))
        if attribute is not None:
            getattr(self, attribute).prime(item.name, item)


async def _load_pages(
    client: MeetClient, keys: Sequence[PageKey], loaders: MeetLoaders
) -> list[TokenPage[Any] | BaseException]:
    async def one(key: PageKey) -> TokenPage[Any] | BaseException:
        try:
            page = await client.list(
                LISTINGS[key.listing], key.parent, key.filter, key.size, key.token
            )
        except Exception as exc:  # a failed page fails only the fields that read it
            return exc
        for item in page.items:
            loaders.prime(item)
        return page

    return list(await asyncio.gather(*(one(key) for key in keys)))
