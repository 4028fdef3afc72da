"""Nothing one caller's token fetched reaches another; every write invalidates what it changes."""

from __future__ import annotations

from dataclasses import replace

from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.meet.auth import SETTINGS_ONLY_TOKEN
from app.settings import Settings
from tests.cache.conftest import Gateway, GatewayFactory
from tests.discovery.test_mutations import CREATE, DELETE, READ, UPDATE
from tests.realtimekit.test_graph import GENERATE
from tests.realtimekit.upstream import session_with

RECORDS = (
    "{ conferenceRecords(first: 2) { nodes { name participants(first: 2) { nodes { name } } } } }"
)
LISTED = """query($user: String!) {
  conversations(first: 50, filter: {userPseudoId: $user}) { nodes { name displayName } }
}"""
SUMMARY = "query($id: String!) { realtimeSession(id: $id) { summary { url } } }"


def _forwarding(gateway: Gateway) -> Gateway:
    """The gateway as deployed without a static Google token: callers' tokens are forwarded."""
    runtime = gateway.runtime
    credentials = replace(runtime.upstreams.credentials, meet_token=None, discovery_token=None)
    runtime.upstreams = replace(runtime.upstreams, credentials=credentials)
    return gateway


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_two_tokens_asking_the_same_query_never_share_an_entry(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    gateway = _forwarding(gateway)
    allowed = await gateway.graphql(RECORDS, headers=_bearer(DEMO_CREDENTIALS.google_token))
    assert len(allowed["conferenceRecords"]["nodes"]) == 2

    hub.log.clear()
    other = await gateway.graphql(RECORDS, headers=_bearer(SETTINGS_ONLY_TOKEN), expect_errors=True)
    # The second token is asked of Meet itself, which refuses it: nothing cached leaks.
    assert (other["data"] or {}).get("conferenceRecords") is None
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert len(hub.log.entries("meet")) >= 1

    hub.log.clear()
    again = await gateway.graphql(RECORDS, headers=_bearer(DEMO_CREDENTIALS.google_token))
    assert again == allowed
    assert hub.log.entries("meet") == []  # the first token's own entries still serve it


async def test_create_invalidates_the_parents_listings(
    gateway_for: GatewayFactory, cache_settings: Settings, fresh_hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings, on=fresh_hub)
    before = await gateway.graphql(LISTED, {"user": "u-cache"})
    await gateway.graphql(CREATE, {"input": {"displayName": "New", "userPseudoId": "u-cache"}})

    fresh_hub.log.clear()
    after = await gateway.graphql(LISTED, {"user": "u-cache"})
    assert len(after["conversations"]["nodes"]) == len(before["conversations"]["nodes"]) + 1
    assert [e.method for e in fresh_hub.log.entries("discovery")] == ["GET"]


async def test_update_and_delete_invalidate_the_session(
    gateway_for: GatewayFactory, cache_settings: Settings, fresh_hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings, on=fresh_hub)
    created = await gateway.graphql(
        CREATE, {"input": {"displayName": "Old", "userPseudoId": "u-c"}}
    )
    name = created["createConversation"]["conversation"]["name"]
    await gateway.graphql(READ, {"name": name})
    listed = await gateway.graphql(LISTED, {"user": "u-c"})
    assert listed["conversations"]["nodes"] == [{"name": name, "displayName": "Old"}]

    await gateway.graphql(UPDATE, {"input": {"name": name, "displayName": "Renamed"}})
    read = await gateway.graphql(READ, {"name": name})
    assert read["conversation"]["displayName"] == "Renamed"
    listed = await gateway.graphql(LISTED, {"user": "u-c"})
    assert listed["conversations"]["nodes"] == [{"name": name, "displayName": "Renamed"}]

    await gateway.graphql(DELETE, {"name": name})
    gone = await gateway.graphql(READ, {"name": name}, expect_errors=True)
    assert gone["data"] == {"conversation": None}
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listed = await gateway.graphql(LISTED, {"user": "u-c"})
    assert listed["conversations"]["nodes"] == []


async def test_generating_a_summary_invalidates_the_cached_summary_link(
    gateway_for: GatewayFactory, cache_settings: Settings, fresh_hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings, on=fresh_hub)
    session = session_with(fresh_hub, has_transcript=True, has_summary=True)
    await gateway.graphql(SUMMARY, {"id": session.id})
    fresh_hub.log.clear()
    await gateway.graphql(SUMMARY, {"id": session.id})
    assert fresh_hub.log.entries("realtimekit") == []  # cached

    await gateway.graphql(GENERATE, {"id": session.id})
    fresh_hub.log.clear()
    await gateway.graphql(SUMMARY, {"id": session.id})
    summaries = [e for e in fresh_hub.log.entries("realtimekit") if e.path.endswith("/summary")]
    assert [e.method for e in summaries] == ["GET"]
