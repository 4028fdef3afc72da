"""Each lifetime rule, through the real app on the emulators, with a stepped clock.

Upstream call counts come from the emulators' request log: a repeat that the
cache answers makes none.
"""

from __future__ import annotations

from app.emulators import EmulatorHub
from app.emulators.meet.resources import ConferenceRecord
from app.settings import Settings
from tests.cache.conftest import EMULATOR_NOW, Gateway, GatewayFactory
from tests.realtimekit.upstream import emulator as realtimekit

RECORD = """query($name: String!) { conferenceRecord(name: $name) {
  name endTime
  participants(first: 5) { nodes { name sessions(first: 5) { nodes { name } } } }
} }"""
ARTIFACTS = """query($name: String!) { conferenceRecord(name: $name) {
  name recordings(first: 5) { nodes { name state } } transcripts(first: 5) { nodes { name } }
} }"""
REALTIME = """query($id: String!) { realtimeSession(id: $id) {
  status participants(first: 3) { nodes { displayName } } chat { url expiresAt }
} }"""
CALLS = """{ callSessions(first: 20) { nodes { sessionId isLive totalParticipantSessions } } }"""
HOUR = 3600.0


def _calls(hub: EmulatorHub, emulator: str, marker: str = "") -> int:
    return sum(marker in entry.path for entry in hub.log.entries(emulator))


def _ended_record(hub: EmulatorHub) -> ConferenceRecord:
    """An ended conference with participants and generated recordings, ended > 1 h ago."""
    now_ns = int(EMULATOR_NOW * 1e9)
    for record in hub["meet"].dataset.conference_records():
        end = record.end_time
        if end is None or now_ns - end < 2 * HOUR * 1e9 or not record.participants:
            continue
        if record.recordings and all(r.state == "FILE_GENERATED" for r in record.recordings):
            return record
    raise AssertionError("no ended conference with generated recordings in the seed")


async def test_an_ended_conference_is_kept_for_the_ended_ttl(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    record = _ended_record(hub)
    first = await gateway.graphql(RECORD, {"name": record.name})
    sent = _calls(hub, "meet")
    assert sent >= 3  # the record, its participants, their sessions

    hub.log.clear()
    gateway.clock.advance(HOUR)  # far past the live TTL
    again = await gateway.graphql(RECORD, {"name": record.name})
    assert again == first
    assert _calls(hub, "meet") == 0

    gateway.clock.advance(86400)  # past the ended TTL
    await gateway.graphql(RECORD, {"name": record.name})
    assert _calls(hub, "meet") == sent


async def test_a_live_conference_is_kept_only_for_the_live_ttl(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    live = hub["meet"].dataset.live_records()[0]
    await gateway.graphql(RECORD, {"name": live.name})
    sent = _calls(hub, "meet")

    hub.log.clear()
    gateway.clock.advance(4)
    await gateway.graphql(RECORD, {"name": live.name})
    assert _calls(hub, "meet") == 0  # within the 5 s live TTL

    gateway.clock.advance(2)
    await gateway.graphql(RECORD, {"name": live.name})
    assert _calls(hub, "meet") == sent


async def test_live_ttl_zero_caches_nothing_live(
    gateway_for: GatewayFactory, cache_settings: Settings, hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings.model_copy(update={"cache_live_ttl": 0.0}))
    live = hub["meet"].dataset.live_records()[0]
    await gateway.graphql(RECORD, {"name": live.name})
    sent = _calls(hub, "meet")
    hub.log.clear()
    await gateway.graphql(RECORD, {"name": live.name})
    assert _calls(hub, "meet") == sent


async def test_artifacts_of_a_recently_ended_conference_stay_live(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    record = _ended_record(hub)
    assert record.end_time is not None
    gateway.clock.now = record.end_time / 1e9 + 600  # ten minutes after it ended
    await gateway.graphql(ARTIFACTS, {"name": record.name})

    hub.log.clear()
    gateway.clock.advance(6)
    await gateway.graphql(ARTIFACTS, {"name": record.name})
    # The record itself is final; its recordings and transcripts are asked again.
    assert _calls(hub, "meet") == 2
    assert _calls(hub, "meet", "/recordings") == 1
    assert _calls(hub, "meet", "/transcripts") == 1

    hub.log.clear()
    gateway.clock.advance(2 * HOUR)  # settled: generated files no longer change
    await gateway.graphql(ARTIFACTS, {"name": record.name})
    gateway.clock.advance(HOUR)
    await gateway.graphql(ARTIFACTS, {"name": record.name})
    assert _calls(hub, "meet", "/recordings") == 1  # the second read was a hit


async def test_an_ended_realtime_session_is_kept_but_its_links_not_past_expiry(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    session = next(s for s in realtimekit(hub).dataset.sessions if s.ended_ms and s.has_chat)
    first = await gateway.graphql(REALTIME, {"id": session.id})
    expires = first["realtimeSession"]["chat"]["expiresAt"]
    assert expires == "2026-11-01T13:00:00Z"

    hub.log.clear()
    gateway.clock.advance(30 * 60)
    await gateway.graphql(REALTIME, {"id": session.id})
    assert _calls(hub, "realtimekit") == 0

    gateway.clock.advance(31 * 60)  # the chat link has expired: only it is asked again
    await gateway.graphql(REALTIME, {"id": session.id})
    assert [entry.path.rsplit("/", 1)[-1] for entry in hub.log.entries("realtimekit")] == ["chat"]


async def test_a_live_realtime_session_is_live(gateway: Gateway, hub: EmulatorHub) -> None:
    live = next(s for s in realtimekit(hub).dataset.sessions if s.ended_ms is None)
    query = "query($id: String!) { realtimeSession(id: $id) { status participants(first: 3) { nodes { displayName } } } }"
    await gateway.graphql(query, {"id": live.id})
    sent = _calls(hub, "realtimekit")
    hub.log.clear()
    gateway.clock.advance(6)
    await gateway.graphql(query, {"id": live.id})
    assert _calls(hub, "realtimekit") == sent


async def test_stream_attendance_is_final_once_the_stats_report_is_ready(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    first = await gateway.graphql(CALLS)
    nodes = first["callSessions"]["nodes"]
    live = sum(node["isLive"] for node in nodes)
    assert 0 < live < len(nodes)

    hub.log.clear()
    gateway.clock.advance(60)
    again = await gateway.graphql(CALLS)
    assert again == first
    # The call_stats page is live; only live sessions' attendance is asked again.
    assert _calls(hub, "stream", "/call_stats") == 1
    assert _calls(hub, "stream", "/participant_sessions") == live
