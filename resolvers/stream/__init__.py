"""The Stream Video data layer: client, wire models, ids, filters, cursor paging, loaders."""

from __future__ import annotations

from resolvers.stream.errors import error_parser
from resolvers.stream.loaders import StreamLoaders

__all__ = ["RETRY_STATUSES", "StreamLoaders", "error_parser"]

# The server SDKs retry only 429 (and transport errors), and only GETs: call_stats
# is a POST and is sent as non-idempotent, so only GETs are ever retried.
RETRY_STATUSES = frozenset({429})
