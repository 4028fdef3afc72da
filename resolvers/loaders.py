"""The per-request loaders container: one sub-container per upstream."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.discovery import DiscoveryLoaders
from resolvers.meet import MeetLoaders
from resolvers.paging import Paging
from resolvers.realtimekit import RealtimeKitLoaders
from resolvers.stream import StreamLoaders
from resolvers.upstreams import Caller, Upstreams

__all__ = ["Loaders"]


@dataclass
class Loaders:
    """Built once per GraphQL request (aiodataloader binds the running loop), never shared."""

    meet: MeetLoaders
    discovery: DiscoveryLoaders
    realtimekit: RealtimeKitLoaders
    stream: StreamLoaders

    @classmethod
    def build(cls, upstreams: Upstreams, caller: Caller, paging: Paging) -> Loaders:
        return cls(
            meet=MeetLoaders.build(upstreams, caller, paging),
            discovery=DiscoveryLoaders.build(upstreams, caller, paging),
            realtimekit=RealtimeKitLoaders.build(upstreams, caller, paging),
            stream=StreamLoaders.build(upstreams, caller, paging),
        )
