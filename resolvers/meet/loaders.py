"""Per-request Meet loaders, and the typed face the schema reads Meet through.

Objects load by resource name; list pages load by everything that identifies
them and prime the by-name loaders of what they list. The connection methods
(`participants_of`, `recordings_of`, …) keep the pager, the filter string and
the cursor scope inside the data layer: the schema hands in typed filters and
Relay arguments and gets a `ConnectionSlice` of wire models back.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from resolvers.cursors import scope_of
from resolvers.dataloader import Loader, fetch_each, gather_each
from resolvers.errors import Provider
from resolvers.http import UpstreamHttp
from resolvers.meet import models
from resolvers.meet.client import LISTINGS, MeetClient
from resolvers.meet.filters import ConferenceRecordFilterInput, LiveFilter, conference_record_filter
from resolvers.meet.names import check_name
from resolvers.pagers import TokenPage, TokenPager
from resolvers.paging import ConnectionArgs, ConnectionSlice, Paging
from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["MeetLoaders", "PageRequest"]


@dataclass(frozen=True)
class PageRequest:
    """Everything that identifies one upstream list page."""

    listing: str
    parent: str | None
    filter: str
    size: int
    token: str | None


# The by-name loader of each resource kind (as `names.check_name` spells the kind).
_LOADER_OF_KIND = {
    "conference record": "conference_record_by_name",
    "participant": "participant_by_name",
    "participant session": "participant_session_by_name",
    "recording": "recording_by_name",
    "transcript": "transcript_by_name",
    "transcript entry": "transcript_entry_by_name",
    "space": "space_by_name",
}
_BY_KIND: dict[type[Any], str] = {
    models.ConferenceRecord: "conference_record_by_name",
    models.Participant: "participant_by_name",
    models.ParticipantSession: "participant_session_by_name",
    models.Recording: "recording_by_name",
    models.Transcript: "transcript_by_name",
    models.TranscriptEntry: "transcript_entry_by_name",
}


@dataclass
class MeetLoaders:
    """Meet loaders for one request. Pages prime the by-name loaders of what they list."""

    client: MeetClient
    paging: Paging
    conference_record_by_name: Loader[str, models.ConferenceRecord | None]
    participant_by_name: Loader[str, models.Participant | None]
    participant_session_by_name: Loader[str, models.ParticipantSession | None]
    recording_by_name: Loader[str, models.Recording | None]
    transcript_by_name: Loader[str, models.Transcript | None]
    transcript_entry_by_name: Loader[str, models.TranscriptEntry | None]
    space_by_name: Loader[str, models.Space | None]
    pages_by_request: Loader[PageRequest, TokenPage[Any]]

    @classmethod
    def build(
        cls, http: UpstreamHttp, credentials: UpstreamCredentials, caller: Caller, paging: Paging
    ) -> MeetLoaders:
        client = MeetClient(http, credentials.meet_token, caller.authorization)

        def by_name(model: type[Any]) -> Loader[str, Any]:
            return Loader(fetch_each(lambda name: client.get(name, model)))

        async def page(key: PageRequest) -> TokenPage[Any]:
            listed = await client.list(
                LISTINGS[key.listing], key.parent, key.filter, key.size, key.token
            )
            owner = own()
            if owner is not None:  # None only once the request is over
                for item in listed.items:
                    owner.prime(item)
            return listed

        loaders = cls(
            client=client,
            paging=paging,
            conference_record_by_name=by_name(models.ConferenceRecord),
            participant_by_name=by_name(models.Participant),
            participant_session_by_name=by_name(models.ParticipantSession),
            recording_by_name=by_name(models.Recording),
            transcript_by_name=by_name(models.Transcript),
            transcript_entry_by_name=by_name(models.TranscriptEntry),
            space_by_name=by_name(models.Space),
            pages_by_request=Loader(gather_each(page)),
        )
        # Weakly: the loaders own `page`, and a strong reference back would make each
        # request's loaders a reference cycle (see `weakly` in resolvers/dataloader.py).
        own = weakref.ref(loaders)
        return loaders

    async def get(self, kind: str, name: str, *, field: str = "id") -> Any:
        """One object of `kind` by resource name, validated first (None when Meet has none)."""
        loader: Loader[str, Any] = getattr(self, _LOADER_OF_KIND[kind])
        return await loader.load(check_name(kind, name, field=field))

    # --- connections -------------------------------------------------------------

    async def conference_records(
        self, flt: ConferenceRecordFilterInput, args: ConnectionArgs
    ) -> ConnectionSlice[models.ConferenceRecord]:
        """Conference records visible to the caller, newest start first."""
        return await self._connection(
            "conferenceRecords", None, conference_record_filter(flt), args
        )

    async def participants_of(
        self, record: str, flt: LiveFilter, args: ConnectionArgs
    ) -> ConnectionSlice[models.Participant]:
        return await self._connection("participants", record, flt.encode("latest_end_time"), args)

    async def sessions_of(
        self, participant: str, flt: LiveFilter, args: ConnectionArgs
    ) -> ConnectionSlice[models.ParticipantSession]:
        return await self._connection(
            "participantSessions", participant, flt.encode("end_time"), args
        )

    async def recordings_of(
        self, record: str, args: ConnectionArgs
    ) -> ConnectionSlice[models.Recording]:
        return await self._connection("recordings", record, "", args)

    async def transcripts_of(
        self, record: str, args: ConnectionArgs
    ) -> ConnectionSlice[models.Transcript]:
        return await self._connection("transcripts", record, "", args)

    async def entries_of(
        self, transcript: str, args: ConnectionArgs
    ) -> ConnectionSlice[models.TranscriptEntry]:
        return await self._connection("entries", transcript, "", args)

    def pager(self, listing: str, parent: str | None, filter_: str) -> TokenPager[Any]:
        """A forward pager over one Meet listing; its pages go through `pages_by_request`."""
        spec = LISTINGS[listing]

        async def fetch(token: str | None, size: int) -> TokenPage[Any]:
            return await self.pages_by_request.load(
                PageRequest(listing, parent, filter_, size, token)
            )

        return TokenPager(
            fetch, max_page_size=spec.max_page_size, provider=Provider.GOOGLE_MEET, what=listing
        )

    async def _connection(
        self, listing: str, parent: str | None, filter_: str, args: ConnectionArgs
    ) -> ConnectionSlice[Any]:
        # Meet pages by token only, so these connections page forwards only.
        scope = scope_of("meet", listing, parent, filter_)
        return await self.paging.run(self.pager(listing, parent, filter_), args, scope)

    def prime(self, item: Any) -> None:
        """Remember an object another call returned, so looking it up costs nothing."""
        attribute = _BY_KIND.get(type(item))
        if attribute is not None:
            getattr(self, attribute).prime(item.name, item)
