"""The process-wide upstream clients and credentials, and the per-request caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from resolvers.errors import Provider
from resolvers.http import UpstreamHttp

__all__ = ["Caller", "UpstreamCredentials", "Upstreams"]


@dataclass(frozen=True)
class UpstreamCredentials:
    """Server-side credentials. Never logged, never put in an error or a response."""

    meet_token: str | None
    discovery_token: str | None
    stream_api_key: str
    stream_api_secret: str
    realtimekit_account_id: str
    realtimekit_app_id: str
    realtimekit_api_token: str
    discovery_parent: str

    def __repr__(self) -> str:
        return "UpstreamCredentials(<redacted>)"


@dataclass(frozen=True)
class Upstreams:
    """One pooled client per registered upstream, living as long as the process."""

    http: Mapping[Provider, UpstreamHttp]
    credentials: UpstreamCredentials


@dataclass(frozen=True)
class Caller:
    """What the GraphQL caller sent that an upstream may need (Google bearer forwarding)."""

    authorization: str | None = None

    def __repr__(self) -> str:
        return "Caller(<redacted>)"
