"""The Discovery data layer (placeholder until implemented)."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.errors import Provider
from resolvers.http import ErrorParser, status_error_parser
from resolvers.paging import Paging
from resolvers.upstreams import Caller, Upstreams

__all__ = ["RETRY_STATUSES", "DiscoveryLoaders", "error_parser"]

error_parser: ErrorParser = status_error_parser(Provider.VERTEX_AI_SEARCH)
RETRY_STATUSES = frozenset({429, 503})


@dataclass
class DiscoveryLoaders:
    """Per-request loaders for Discovery."""

    @classmethod
    def build(cls, upstreams: Upstreams, caller: Caller, paging: Paging) -> DiscoveryLoaders:
        return cls()
