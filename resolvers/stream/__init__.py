"""The Stream Video data layer: client, wire models, ids, filters, cursor paging, loaders."""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.spec import CredentialMode, UpstreamSpec
from resolvers.stream.errors import error_parser
from resolvers.stream.loaders import StreamLoaders

__all__ = ["SPEC", "StreamLoaders"]

SPEC = UpstreamSpec(
    provider=Provider.STREAM_VIDEO,
    name="stream",
    credential_mode=CredentialMode.SERVER,
    required_settings=("stream_api_key", "stream_api_secret"),
    error_parser=error_parser,
    # The server SDKs retry only 429 (and transport errors), and only GETs: call_stats
    # is a POST and is sent as non-idempotent, so only GETs are ever retried.
    retry_statuses=frozenset({429}),
    build_loaders=StreamLoaders.build,
)
