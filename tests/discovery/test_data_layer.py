"""The Discovery data layer on its own: writers, name checks, loaders, writes and the timeline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from app.runtime import Runtime
from app.settings import Settings
from resolvers.discovery import DiscoveryLoaders
from resolvers.discovery.filters import SessionFilter, order_by, quote, session_filter
from resolvers.discovery.names import check_parent, check_session_id, check_session_name
from resolvers.discovery.timeline import timeline
from resolvers.discovery.writes import delete_session, update_session
from resolvers.errors import ErrorCode, GatewayError
from resolvers.timeline import TimelineFilter
from resolvers.timestamps import Instant
from tests.discovery.upstream import DEFAULT_PARENT, emulator


@pytest.fixture
async def runtime(settings: Settings, hub: EmulatorHub) -> AsyncIterator[Runtime]:
    built = Runtime.create(settings, hub)
    yield built
    await built.close()


@pytest.fixture
async def fresh_runtime(settings: Settings, discovery_hub: EmulatorHub) -> AsyncIterator[Runtime]:
    built = Runtime.create(settings, discovery_hub)
    yield built
    await built.close()


def _loaders(runtime: Runtime) -> DiscoveryLoaders:
    return runtime.context_for(None).loaders.discovery


def test_quote_escapes_backslashes_then_quotes() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert quote("") == '""'


def test_filter_writer_uses_only_documented_forms() -> None:
    at = Instant.parse("2026-05-01T00:00:00Z")
    assert session_filter(SessionFilter()) == ""
    assert session_filter(SessionFilter(labels=("x",), is_pinned=False, created_after=at)) == (
        'labels:"x" AND is_pinned = false AND create_time > "2026-04-30T23:59:59.999999999Z"'
    )
    assert session_filter(SessionFilter(updated_before=at)) == (
        'NOT update_time > "2026-05-01T00:00:00Z"'
    )


def test_order_writer_defaults_and_rejects_duplicates() -> None:
    assert order_by([]) == "update_time desc"
    assert order_by([("is_pinned", True), ("session_name", False)]) == "is_pinned desc,session_name"
    with pytest.raises(GatewayError) as twice:
        order_by([("create_time", True), ("create_time", False)])
    assert twice.value.code is ErrorCode.BAD_USER_INPUT


@pytest.mark.parametrize(
    "parent",
    [
        "projects/p/locations/global/dataStores/d",
        "projects/p/locations/us/collections/c/dataStores/d",
        "projects/p/locations/eu/collections/default_collection/engines/e",
    ],
)
def test_all_three_parent_forms_are_accepted(parent: str) -> None:
    assert check_parent(parent) == parent
    assert check_session_name(f"{parent}/sessions/s-1") == f"{parent}/sessions/s-1"


@pytest.mark.parametrize(
    "bad",
    [
        "projects/p/locations/global/engines/e",
        "projects/p/locations/global/dataStores/..",
        "projects/p/locations/global/dataStores/d?x",
        "projects/p/locations/global/dataStores/d#x",
        "projects/p/locations/global/dataStores/d%2F",
        "projects/p/locations/global/dataStores/d x",
        "projects/p/locations/global/dataStores/d/",
        "/projects/p/locations/global/dataStores/d",
    ],
)
def test_malformed_parents_are_bad_user_input(bad: str) -> None:
    with pytest.raises(GatewayError) as error:
        check_parent(bad)
    assert (error.value.code, error.value.field) == (ErrorCode.BAD_USER_INPUT, "parent")


def test_session_ids_follow_the_documented_pattern() -> None:
    assert check_session_id("ab") == "ab"
    for bad in ("a", "A1", "a_b", "-ab", "ab-", "x" * 64):
        with pytest.raises(GatewayError):
            check_session_id(bad)


async def test_by_name_batch_keeps_order_missing_and_partial_failure(
    runtime: Runtime, hub: EmulatorHub
) -> None:
    # Given two existing sessions, one missing and one whose read fails
    first, second, failing = sorted(
        emulator(hub).store.under(DEFAULT_PARENT), key=lambda s: s.name
    )[:3]
    missing = f"{DEFAULT_PARENT}/sessions/missing"
    hub["discovery"].knobs.rules = [
        FaultRule(path_regex=failing.name.rsplit("/", 1)[-1], status=500)
    ]
    loaders = _loaders(runtime)
    # When they are loaded in one tick
    results = await asyncio.gather(
        *(
            loaders.session_by_name.load(n)
            for n in (second.name, missing, failing.name, first.name)
        ),
        return_exceptions=True,
    )
    # Then each key gets its own answer, in key order
    assert [getattr(r, "name", None) for r in results] == [second.name, None, None, first.name]
    assert results[1] is None
    assert isinstance(results[2], GatewayError)
    assert results[2].code is ErrorCode.UPSTREAM_UNAVAILABLE


async def test_list_pages_prime_the_by_name_loader(runtime: Runtime, hub: EmulatorHub) -> None:
    loaders = _loaders(runtime)
    window = await loaders.pager(DEFAULT_PARENT, "", "create_time").forward(None, 3)
    names = [session.name for _, session in window.items]
    hub.log.clear()
    found = await loaders.session_by_name.load_many(names)
    assert [s.name for s in found if s] == names
    assert hub.log.entries("discovery") == []


async def test_writes_replace_and_drop_cached_sessions(
    fresh_runtime: Runtime, discovery_hub: EmulatorHub
) -> None:
    loaders = _loaders(fresh_runtime)
    name = next(iter(emulator(discovery_hub).store.under(DEFAULT_PARENT))).name
    before = await loaders.session_by_name.load(name)
    assert before is not None
    updated = await update_session(loaders, name, {"displayName": "Fresh"})
    discovery_hub.log.clear()
    after = await loaders.session_by_name.load(name)
    assert after == updated
    assert after is not None
    assert after.display_name == "Fresh"
    await delete_session(loaders, name)
    discovery_hub.log.clear()
    assert await loaders.session_by_name.load(name) is None
    assert await loaders.session_with_details_by_name.load(name) is None
    assert discovery_hub.log.entries("discovery") == []


async def test_timeline_is_newest_start_first_with_inclusive_bounds(
    runtime: Runtime, hub: EmulatorHub
) -> None:
    stored = sorted(emulator(hub).store.under(DEFAULT_PARENT), key=lambda s: -s.create_time)
    newest, oldest = stored[10], stored[40]
    flt = TimelineFilter(
        started_after=Instant(oldest.create_time), started_before=Instant(newest.create_time)
    )
    window = await timeline(_loaders(runtime), flt, DEFAULT_PARENT).forward(None, 100)
    assert [s.name for _, s in window.items] == [s.name for s in stored[10:41]]
    # The emulator starts a session when it creates it: newest start first.
    assert [s.start_time for _, s in window.items] == [
        Instant(s.create_time) for s in stored[10:41]
    ]
    [call] = hub.log.entries("discovery")
    assert call.param("orderBy") == "create_time desc"


async def test_timeline_live_false_is_empty_without_calls(
    runtime: Runtime, hub: EmulatorHub
) -> None:
    source = timeline(_loaders(runtime), TimelineFilter(live=False), DEFAULT_PARENT)
    window = await source.forward(None, 10)
    assert (window.items, window.has_next) == ([], False)
    live = await timeline(_loaders(runtime), TimelineFilter(live=True), DEFAULT_PARENT).forward(
        None, 5
    )
    assert len(live.items) == 5
    assert len(hub.log.entries("discovery")) == 1
