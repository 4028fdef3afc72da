"""The Stream data layer (placeholder until implemented)."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.errors import Provider
from resolvers.http import ErrorParser, status_error_parser
from resolvers.paging import Paging
from resolvers.upstreams import Caller, Upstreams

__all__ = ["RETRY_STATUSES", "StreamLoaders", "error_parser"]

error_parser: ErrorParser = status_error_parser(Provider.STREAM_VIDEO)
RETRY_STATUSES = frozenset({429, 503})


@dataclass
class StreamLoaders:
    """Per-request loaders for Stream."""

    @classmethod
    def build(cls, upstreams: Upstreams, caller: Caller, paging: Paging) -> StreamLoaders:
        return cls()
