"""The Google Meet data layer."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.errors import Provider
from resolvers.google import google_error_parser
from resolvers.http import ErrorParser
from resolvers.paging import Paging
from resolvers.upstreams import Caller, Upstreams

__all__ = ["RETRY_STATUSES", "MeetLoaders", "error_parser"]

error_parser: ErrorParser = google_error_parser(Provider.GOOGLE_MEET)
# Google's client libraries retry UNAVAILABLE on reads; 429 is backed off too.
RETRY_STATUSES = frozenset({429, 503})


@dataclass
class MeetLoaders:
    """Per-request loaders for Meet."""

    @classmethod
    def build(cls, upstreams: Upstreams, caller: Caller, paging: Paging) -> MeetLoaders:
        return cls()
