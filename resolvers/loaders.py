"""The per-request loaders container: one loader set per registered upstream."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from resolvers.discovery import DiscoveryLoaders
from resolvers.meet import MeetLoaders
from resolvers.realtimekit import RealtimeKitLoaders
from resolvers.registry import SPECS
from resolvers.stream import StreamLoaders
from resolvers.upstreams import Caller, Upstreams

__all__ = ["Loaders"]

L = TypeVar("L")


class Loaders:
    """Built once per GraphQL request (aiodataloader binds the running loop), never shared.

    Each registered upstream spec builds its own loader set; `of(MeetLoaders)`
    finds one by type. The named properties are typed shortcuts for the schema.
    """

    def __init__(self, sets: list[Any]) -> None:
        self._by_type: dict[type[Any], Any] = {type(s): s for s in sets}

    @classmethod
    def build(cls, upstreams: Upstreams, caller: Caller) -> Loaders:
        return cls(
            [
                spec.build_loaders(upstreams.http[spec.provider], upstreams.credentials, caller)
                for spec in SPECS
            ]
        )

    def of(self, kind: type[L]) -> L:
        """The loader set of type `kind` (one per upstream)."""
        return cast("L", self._by_type[kind])

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
