"""The Google Meet data layer."""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.google import google_error_parser
from resolvers.http import ErrorParser
from resolvers.meet.loaders import MeetLoaders

__all__ = ["RETRY_STATUSES", "MeetLoaders", "error_parser"]

error_parser: ErrorParser = google_error_parser(Provider.GOOGLE_MEET)
# Google's client libraries retry UNAVAILABLE on reads; 429 is backed off too.
RETRY_STATUSES = frozenset({429, 503})
