"""The emulator's list filter and orderBy: documented forms match the store, others are 400."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.emulators import EmulatorHub
from app.emulators.discovery.ordering import parse_order
from app.emulators.discovery.store import StoredSession
from resolvers.timestamps import Instant
from tests.discovery.upstream import DEFAULT_PARENT, direct, emulator, walk

_CUT = "2026-08-01T00:00:00Z"
_CUT_NS = Instant.parse(_CUT).ns

FILTERS: list[tuple[str, Callable[[StoredSession], bool]]] = [
    ("user_pseudo_id = user-002", lambda s: s.user_pseudo_id == "user-002"),
    ('user_pseudo_id = "user-002"', lambda s: s.user_pseudo_id == "user-002"),
    ("state = IN_PROGRESS", lambda s: s.state == "IN_PROGRESS"),
    ("starred = true", lambda s: s.starred),
    ("is_pinned=true AND (NOT labels:hidden)", lambda s: s.is_pinned and "hidden" not in s.labels),
    ('labels:"billing" AND labels:vip', lambda s: {"billing", "vip"} <= set(s.labels)),
    ("labels = beta", lambda s: "beta" in s.labels),
    (f'create_time > "{_CUT}"', lambda s: s.create_time > _CUT_NS),
    (f'NOT update_time > "{_CUT}"', lambda s: s.update_time <= _CUT_NS),
    (
        f'NOT (is_pinned = false AND create_time > "{_CUT}")',
        lambda s: not (not s.is_pinned and s.create_time > _CUT_NS),
    ),
    ("", lambda s: True),
]


@pytest.mark.parametrize(("text", "expected"), FILTERS, ids=[f[0] or "empty" for f in FILTERS])
async def test_documented_filters_select_exactly_the_matching_sessions(
    hub: EmulatorHub, text: str, expected: Callable[[StoredSession], bool]
) -> None:
    store = emulator(hub).store
    # When the emulator lists with the filter
    listed = await walk(hub, filter=text, orderBy="session_name")
    # Then it returns exactly the store's matching sessions
    assert [s["name"] for s in listed] == sorted(
        s.name for s in store.under(DEFAULT_PARENT) if expected(s)
    )


@pytest.mark.parametrize(
    "text",
    [
        'user_pseudo_id = "a" OR user_pseudo_id = "b"',
        "userPseudoId = x",
        'display_name > "a"',
        'create_time < "2026-01-01T00:00:00Z"',
        "create_time > 2026",
        'create_time > "yesterday"',
        'is_pinned = "true"',
        "state = DONE",
        "labels:",
        "(is_pinned = true",
        "is_pinned = true)",
        "is_pinned = true is_pinned = false",
        'display_name = "bad \\n escape"',
        'display_name = "unterminated',
        "display_name != x",
        "AND",
        "NOT",
        "color = red",
    ],
)
async def test_undocumented_filter_forms_are_invalid_argument(hub: EmulatorHub, text: str) -> None:
    async with direct(hub) as client:
        response = await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"filter": text})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


async def test_quoted_values_match_literally(hub: EmulatorHub) -> None:
    # A value full of filter syntax matches only as one escaped literal.
    literal = '"Q3 \\"plan\\" OR (NOT draft) \\\\ final"'
    listed = await walk(hub, filter=f"display_name = {literal}")
    assert [s["displayName"] for s in listed] == ['Q3 "plan" OR (NOT draft) \\ final']


def _key(field: str) -> Callable[[StoredSession], Any]:
    return lambda session: {
        "update_time": session.update_time,
        "create_time": session.create_time,
        "session_name": session.name,
        "is_pinned": session.is_pinned,
    }[field]


@pytest.mark.parametrize(
    "order",
    [
        "",
        "update_time desc",
        "create_time",
        "session_name desc",
        "is_pinned desc,update_time desc",
        "is_pinned,create_time desc",
        "update_time asc",
    ],
)
async def test_order_by_sorts_by_each_key_then_name(hub: EmulatorHub, order: str) -> None:
    store = emulator(hub).store
    expected = sorted(store.under(DEFAULT_PARENT), key=lambda s: s.name)
    for field, descending in reversed(parse_order(order)):
        expected.sort(key=_key(field), reverse=descending)
    listed = await walk(hub, size=97, orderBy=order)
    assert [s["name"] for s in listed] == [s.name for s in expected]


def test_default_order_is_update_time_desc() -> None:
    assert parse_order("") == [("update_time", True)]
    assert parse_order("is_pinned desc, update_time") == [
        ("is_pinned", True),
        ("update_time", False),
    ]


@pytest.mark.parametrize(
    "order", ["updateTime desc", "update_time descending", "name", "update_time,update_time", ","]
)
async def test_undocumented_orders_are_invalid_argument(hub: EmulatorHub, order: str) -> None:
    async with direct(hub) as client:
        response = await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"orderBy": order})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
