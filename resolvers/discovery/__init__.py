"""The Vertex AI Search (Discovery Engine) sessions data layer."""

from __future__ import annotations

from resolvers.discovery.loaders import DiscoveryLoaders
from resolvers.errors import Provider
from resolvers.google import google_error_parser
from resolvers.http import ErrorParser

__all__ = ["RETRY_STATUSES", "DiscoveryLoaders", "error_parser"]

error_parser: ErrorParser = google_error_parser(Provider.VERTEX_AI_SEARCH)
# The client-library policy retries UNAVAILABLE; 429 is backed off too (reference §10).
RETRY_STATUSES = frozenset({429, 503})
