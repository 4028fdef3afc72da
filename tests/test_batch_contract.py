"""The dataloader contract of every upstream's batch functions, against the real emulators.

For each loader: keys asked in one tick come back one result per key, in key
order; a key the upstream does not have is `None` (lookups) ; a key whose
upstream call fails gets its own exception while the other keys still load.
Present keys are found through the loaders' own list connections, then looked
up from a fresh request's loaders so nothing is primed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

import pytest

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from app.runtime import Runtime
from app.settings import Settings
from resolvers.dataloader import Loader
from resolvers.discovery import SessionFilter
from resolvers.errors import ErrorCode, GatewayError
from resolvers.loaders import Loaders
from resolvers.meet import ConferenceRecordFilterInput, LiveFilter
from resolvers.paging import ConnectionArgs
from resolvers.realtimekit import ParticipantQuery, SessionQuery
from resolvers.stream import CallSessionFilterInput, ParticipantFilterInput, SessionKey

MISSING_UUID = "0b7c2d4e-0000-4000-8000-000000000000"


@pytest.fixture
async def runtime(settings: Settings, hub: EmulatorHub) -> AsyncIterator[Runtime]:
    built = Runtime.create(settings, hub)
    yield built
    await built.close()


@dataclass(frozen=True)
class Case:
    """Three present keys (one is failed on purpose), a missing key, and a result check."""

    name: str
    upstream: str
    pick: Callable[[Loaders], Loader[Any, Any]]
    present: Callable[[Loaders], Awaitable[list[Any]]]
    missing: Callable[[list[Any]], Hashable] | None
    fail_path: Callable[[Any], str] | None
    # Whether `result` is the answer for the present key `key`.
    matches: Callable[[Any, Any], bool]


async def _meet_records(loaders: Loaders) -> list[Any]:
    page = await loaders.meet.conference_records(
        ConferenceRecordFilterInput(), ConnectionArgs(first=3)
    )
    return [record.name for _, record in page.edges]


async def _meet_participants(loaders: Loaders) -> list[Any]:
    for record in await _meet_records(loaders):
        page = await loaders.meet.participants_of(record, LiveFilter(), ConnectionArgs(first=3))
        if len(page.edges) == 3:
            return [participant.name for _, participant in page.edges]
    raise AssertionError("no conference with three participants in the seed")


async def _discovery_sessions(loaders: Loaders) -> list[Any]:
    page = await loaders.discovery.conversations(None, SessionFilter(), [], ConnectionArgs(first=3))
    return [session.name for _, session in page.edges]


async def _rtk_sessions(loaders: Loaders) -> list[Any]:
    page = await loaders.realtimekit.sessions(SessionQuery(), ConnectionArgs(first=3))
    return [session.id for _, session in page.edges]


async def _rtk_participants(loaders: Loaders) -> list[Any]:
    for session in await _rtk_sessions(loaders):
        page = await loaders.realtimekit.participants_of(
            session, ParticipantQuery(), ConnectionArgs(first=3)
        )
        if len(page.edges) == 3:
            return [(session, participant.id) for _, participant in page.edges]
    raise AssertionError("no RealtimeKit session with three participants in the seed")


async def _stream_sessions(loaders: Loaders) -> list[Any]:
    page = await loaders.stream.call_sessions_matching(
        CallSessionFilterInput(), ConnectionArgs(first=3)
    )
    return [session.key for _, session in page.edges]


# Whole-session participant counts of the keys `_stream_totals` picked.
_TOTALS: dict[SessionKey, int] = {}


async def _stream_totals(loaders: Loaders) -> list[Any]:
    """Three sessions whose totals differ, so a result given to the wrong key shows."""
    page = await loaders.stream.call_sessions_matching(
        CallSessionFilterInput(), ConnectionArgs(first=20)
    )
    for _, session in page.edges:
        listed = await loaders.stream.participant_sessions_of(
            session.key, ParticipantFilterInput(), ConnectionArgs(first=1)
        )
        if listed.total_count and listed.total_count not in _TOTALS.values():
            _TOTALS[session.key] = listed.total_count
    assert len(_TOTALS) >= 3, "the seed has too few distinct session totals"
    return list(_TOTALS)[:3]


CASES = [
    Case(
        "meet-conference_record_by_name",
        "meet",
        lambda loaders: loaders.meet.conference_record_by_name,
        _meet_records,
        missing=lambda _: "conferenceRecords/no-such-record",
        fail_path=lambda name: f"{name}$",
        matches=lambda record, name: record.name == name,
    ),
    Case(
        "meet-participant_by_name",
        "meet",
        lambda loaders: loaders.meet.participant_by_name,
        _meet_participants,
        missing=lambda present: present[0].rsplit("/", 1)[0] + "/no-such-participant",
        fail_path=lambda name: f"{name}$",
        matches=lambda participant, name: participant.name == name,
    ),
    Case(
        "discovery-session_by_name",
        "discovery",
        lambda loaders: loaders.discovery.session_by_name,
        _discovery_sessions,
        missing=lambda present: present[0].rsplit("/", 1)[0] + "/no-such-session",
        fail_path=lambda name: f"{name.rsplit('/', 1)[1]}$",
        matches=lambda session, name: session.name == name,
    ),
    Case(
        "realtimekit-session_by_id",
        "realtimekit",
        lambda loaders: loaders.realtimekit.session_by_id,
        _rtk_sessions,
        missing=lambda _: MISSING_UUID,
        fail_path=lambda session: f"/sessions/{session}$",
        matches=lambda session, id_: session.id == id_,
    ),
    Case(
        "realtimekit-participant_by_key",
        "realtimekit",
        lambda loaders: loaders.realtimekit.participant_by_key,
        _rtk_participants,
        missing=lambda present: (present[0][0], MISSING_UUID),
        fail_path=lambda key: f"/participants/{key[1]}$",
        matches=lambda participant, key: participant.id == key[1],
    ),
    Case(
        "stream-call_session_by_key",
        "stream",
        lambda loaders: loaders.stream.call_session_by_key,
        _stream_sessions,
        # One call_stats endpoint serves every key, so no path fails a single key:
        # the per-key failure of Stream is covered by the totals case below.
        missing=lambda present: SessionKey(present[0].call_type, present[0].call_id, "nope"),
        fail_path=None,
        matches=lambda session, key: session.key == key,
    ),
    Case(
        "stream-totals_by_session",
        "stream",
        lambda loaders: loaders.stream.totals_by_session,
        _stream_totals,
        missing=None,  # totals always exist: Stream answers an unknown session with zeros
        fail_path=lambda key: f"/session/{key.session_id}/participant_sessions",
        matches=lambda totals, key: totals.participant_sessions == _TOTALS[key],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_batch_keeps_order_missing_and_per_key_failure(
    case: Case, runtime: Runtime, hub: EmulatorHub
) -> None:
    # Given three present keys (found through a listing of another request)
    first, failing, last = await case.present(runtime.context_for(None).loaders)
    keys: list[Any] = [last]
    if case.missing is not None:
        keys.append(case.missing([first, failing, last]))
    if case.fail_path is not None:
        hub[case.upstream].knobs.rules = [FaultRule(case.fail_path(failing), status=500)]
        keys.append(failing)
    keys.append(first)

    # When they are loaded in one tick, from a fresh request's loaders (nothing primed;
    # held for the test's length, as a request's context holds them for its own)
    request_loaders = runtime.context_for(None).loaders
    loader = case.pick(request_loaders)
    results = await asyncio.gather(*(loader.load(key) for key in keys), return_exceptions=True)

    # Then each key has its own answer, in key order
    assert len(results) == len(keys)
    answers = iter(results)
    assert case.matches(next(answers), last)
    if case.missing is not None:
        assert next(answers) is None
    if case.fail_path is not None:
        failed = next(answers)
        assert isinstance(failed, GatewayError)
        assert failed.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert case.matches(next(answers), first)
