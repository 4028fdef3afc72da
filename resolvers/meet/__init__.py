"""The Google Meet data layer."""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.google import google_error_parser
from resolvers.meet.loaders import MeetLoaders
from resolvers.spec import CredentialMode, UpstreamSpec

__all__ = ["SPEC", "MeetLoaders"]

SPEC = UpstreamSpec(
    provider=Provider.GOOGLE_MEET,
    name="meet",
    credential_mode=CredentialMode.CALLER_BEARER,
    required_settings=(),
    error_parser=google_error_parser(Provider.GOOGLE_MEET),
    # Google's client libraries retry UNAVAILABLE on reads; 429 is backed off too.
    retry_statuses=frozenset({429, 503}),
    build_loaders=MeetLoaders.build,
)
