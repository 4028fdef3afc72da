"""The Google Meet data layer, and its face: what the schema may import from it."""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.google import google_error_parser
from resolvers.meet import models
from resolvers.meet.client import probe
from resolvers.meet.filters import ConferenceRecordFilterInput, LiveFilter
from resolvers.meet.lifetimes import MeetCachePolicy
from resolvers.meet.loaders import MeetLoaders
from resolvers.meet.names import check_name, meeting_code_or_space
from resolvers.meet.timeline import TIMELINE
from resolvers.meet.webhook import MeetReceiver
from resolvers.spec import CredentialMode, UpstreamSpec
from resolvers.throttle import Quota, QuotaRule

__all__ = [
    "SPEC",
    "ConferenceRecordFilterInput",
    "LiveFilter",
    "MeetLoaders",
    "check_name",
    "meeting_code_or_space",
    "models",
]

SPEC = UpstreamSpec(
    provider=Provider.GOOGLE_MEET,
    name="meet",
    credential_mode=CredentialMode.CALLER_BEARER,
    required_settings=(),
    error_parser=google_error_parser(Provider.GOOGLE_MEET),
    # Google's client libraries retry UNAVAILABLE on reads; 429 is backed off too.
    retry_statuses=frozenset({429, 503}),
    build_loaders=MeetLoaders.build,
    timeline=TIMELINE,
    cache_policy=MeetCachePolicy(),
    # "Usage limits": 6000 reads per minute per project, 600 per minute per user.
    quota=Quota(
        rules=(QuotaRule(6000, 60.0, "upstream"), QuotaRule(600, 60.0, "identity")),
    ),
    readiness=probe,
    webhook=MeetReceiver.build,
)
