"""The registered upstreams. Adding one: a package exporting `SPEC`, plus one line here."""

from __future__ import annotations

from resolvers import discovery, meet, realtimekit, stream
from resolvers.errors import Provider
from resolvers.spec import UpstreamSpec

__all__ = ["SPECS", "spec_for", "spec_named"]

SPECS: tuple[UpstreamSpec, ...] = (meet.SPEC, discovery.SPEC, realtimekit.SPEC, stream.SPEC)

_BY_PROVIDER = {spec.provider: spec for spec in SPECS}
_BY_NAME = {spec.name: spec for spec in SPECS}


def spec_for(provider: Provider) -> UpstreamSpec:
    """The spec of `provider`."""
    return _BY_PROVIDER[provider]


def spec_named(name: str) -> UpstreamSpec:
    """The spec whose short name is `name` (`meet`, `discovery`, `realtimekit`, `stream`)."""
    return _BY_NAME[name]
