"""The per-request loaders container: one loader set per registered upstream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from resolvers.discovery import DiscoveryLoaders
from resolvers.errors import Provider
from resolvers.meet import MeetLoaders
from resolvers.merge import MergeStream
from resolvers.paging import ConnectionArgs, Paging
from resolvers.realtimekit import RealtimeKitLoaders
from resolvers.registry import SPECS
from resolvers.sessions import MergedSessions, merged_sessions
from resolvers.spec import UpstreamSpec
from resolvers.stream import StreamLoaders
from resolvers.timeline import TimelineFilter
from resolvers.upstreams import Caller, Upstreams

__all__ = ["LazyLoaders", "Loaders", "MergedSessions", "TimelineFilter"]

L = TypeVar("L")


# Which upstream a loader-set type belongs to, learned the first time each is built (the
# schema asks by type: `loaders.meet`); fixed for the life of the process.
_PROVIDER_OF: dict[type[Any], Provider] = {}


class Loaders:
    """Built once per GraphQL request (aiodataloader binds the running loop), never shared.

    Each registered upstream spec builds its own loader set, on first use: an
    operation that reads only Stream builds no Meet, Discovery or RealtimeKit
    loaders (building all four was a tenth of the attendance page's CPU).
    `of(MeetLoaders)` finds one by type, `for_provider` by provider. The named
    properties are typed shortcuts for the schema.
    """

    def __init__(
        self,
        upstreams: Upstreams,
        caller: Caller,
        paging: Paging,
        specs: Sequence[UpstreamSpec] = SPECS,
    ) -> None:
        self.specs = tuple(specs)
        self.paging = paging
        self._upstreams = upstreams
        self._caller = caller
        self._spec_of = {spec.provider: spec for spec in self.specs}
        self._sets: dict[Provider, Any] = {}

    @classmethod
    def build(
        cls,
        upstreams: Upstreams,
        caller: Caller,
        paging: Paging,
        specs: Sequence[UpstreamSpec] = SPECS,
    ) -> Loaders:
        return cls(upstreams, caller, paging, specs)

    def of(self, kind: type[L]) -> L:
        """The loader set of type `kind` (one per upstream)."""
        provider = _PROVIDER_OF.get(kind)
        if provider is None or provider not in self._spec_of:
            for spec in self.specs:  # not learned yet: build them all once, and learn
                self.for_provider(spec.provider)
            provider = _PROVIDER_OF[kind]
        return cast("L", self.for_provider(provider))

    def for_provider(self, provider: Provider) -> Any:
        """The loader set of `provider`'s upstream."""
        built = self._sets.get(provider)
        if built is None:
            spec = self._spec_of[provider]
            http = self._upstreams.http[provider]
            built = spec.build_loaders(http, self._upstreams.credentials, self._caller, self.paging)
            self._sets[provider] = built
            _PROVIDER_OF[type(built)] = provider
        return built

    async def sessions(
        self, providers: Sequence[Provider] | None, flt: TimelineFilter, args: ConnectionArgs
    ) -> MergedSessions:
        """The merged timeline of every registered upstream with a timeline slot
        (only `providers`, when given), newest start first."""
        sources = [
            (
                spec.provider,
                MergeStream(
                    name=spec.provider.value,
                    source=spec.timeline.source(self.for_provider(spec.provider), flt),
                    start_of=spec.timeline.start_of,
                    key_of=spec.timeline.key_of,
                ),
            )
            for spec in self.specs
            if spec.timeline is not None and (providers is None or spec.provider in providers)
        ]
        return await merged_sessions(sources, flt, args, self.paging)

    def when_built(self, prime: Callable[[Loaders], None]) -> None:
        """Run `prime(self)` once the loaders exist (at once here; see `LazyLoaders`)."""
        prime(self)

    @property
    def meet(self) -> MeetLoaders:
        return self.of(MeetLoaders)

    @property
    def discovery(self) -> DiscoveryLoaders:
        return self.of(DiscoveryLoaders)

    @property
    def realtimekit(self) -> RealtimeKitLoaders:
        return self.of(RealtimeKitLoaders)

    @property
    def stream(self) -> StreamLoaders:
        return self.of(StreamLoaders)


class LazyLoaders(Loaders):
    """Loaders built on first use: a subscription event that reads nothing upstream (its
    data came with the webhook) then costs no loader construction at all."""

    def __init__(self, upstreams: Upstreams, caller: Caller, paging: Paging) -> None:
        self.specs = SPECS
        self.paging = paging
        self._upstreams = upstreams
        self._caller = caller
        self._built: Loaders | None = None
        self._primes: list[Callable[[Loaders], None]] = []

    def _ensure(self) -> Loaders:
        if self._built is None:
            self._built = Loaders.build(self._upstreams, self._caller, self.paging)
            for prime in self._primes:
                prime(self._built)
            self._primes.clear()
        return self._built

    def of(self, kind: type[L]) -> L:
        return self._ensure().of(kind)

    def for_provider(self, provider: Provider) -> Any:
        return self._ensure().for_provider(provider)

    async def sessions(
        self, providers: Sequence[Provider] | None, flt: TimelineFilter, args: ConnectionArgs
    ) -> MergedSessions:
        return await self._ensure().sessions(providers, flt, args)

    def when_built(self, prime: Callable[[Loaders], None]) -> None:
        if self._built is None:
            self._primes.append(prime)
        else:
            prime(self._built)
