"""`conversation` and `conversations` through the gateway, checked against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from app.emulators import EmulatorHub
from app.emulators.discovery.seed import (
    DATA_STORE_PARENT,
    TRICKY_DISPLAY_NAME,
    TRICKY_LABEL,
    TRICKY_USER,
)
from app.emulators.framework import FaultRule
from resolvers.timestamps import Instant
from tests.conftest import GraphQL
from tests.discovery.upstream import DEFAULT_PARENT, emulator, get, walk

CONVERSATION = """
query($name: String!) { conversation(name: $name) {
  id name parent displayName state userPseudoId labels isPinned turnCount
  provider startTime endTime durationSeconds isLive
  turns { query { queryId text } answer queryConfig }
} }"""

WALK = """
query($first: Int!, $after: String, $filter: ConversationFilter, $orderBy: [ConversationOrder!], $parent: String) {
  conversations(first: $first, after: $after, filter: $filter, orderBy: $orderBy, parent: $parent) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { name }
  }
}"""


def _busiest_user(hub: EmulatorHub) -> str:
    counts: dict[str, int] = {}
    for session in emulator(hub).store.under(DEFAULT_PARENT):
        counts[session.user_pseudo_id] = counts.get(session.user_pseudo_id, 0) + 1
    return max(counts, key=lambda user: counts[user])


async def _walk_gateway(
    graphql: GraphQL, first: int, variables: dict[str, Any]
) -> tuple[list[str], int]:
    names: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        data = await graphql(WALK, {**variables, "first": first, "after": after})
        connection = data["conversations"]
        pages += 1
        assert connection["totalCount"] is None
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        names += [node["name"] for node in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return names, pages
        assert len(connection["nodes"]) == first
        after = connection["pageInfo"]["endCursor"]


async def test_conversation_by_name_maps_every_field(graphql: GraphQL, hub: EmulatorHub) -> None:
    # Given a seeded session with turns and labels
    stored = next(
        s for s in emulator(hub).store.under(DEFAULT_PARENT) if s.turns and s.labels and s.is_pinned
    )
    upstream = await get(hub, stored.name)
    assert upstream is not None
    # When it is read through the gateway
    data = await graphql(CONVERSATION, {"name": stored.name})
    # Then every field mirrors the upstream session, in one upstream call
    conversation = data["conversation"]
    assert conversation["name"] == stored.name
    assert conversation["parent"] == DEFAULT_PARENT
    assert conversation["displayName"] == upstream.get("displayName")
    assert conversation["state"] == "IN_PROGRESS"
    assert conversation["userPseudoId"] == upstream["userPseudoId"]
    assert conversation["labels"] == upstream["labels"]
    assert conversation["isPinned"] is True
    assert conversation["turnCount"] == len(upstream["turns"])
    assert conversation["provider"] == "VERTEX_AI_SEARCH"
    assert conversation["startTime"] == upstream["startTime"]
    assert conversation["endTime"] is None
    assert conversation["durationSeconds"] is None
    assert conversation["isLive"] is True
    assert conversation["turns"] == [
        {
            "query": {"queryId": t["query"]["queryId"], "text": t["query"]["text"]},
            "answer": t.get("answer"),
            "queryConfig": t.get("queryConfig"),
        }
        for t in upstream["turns"]
    ]
    calls = hub.log.entries("discovery")
    assert [(c.method, c.path, c.query) for c in calls] == [("GET", f"/v1/{stored.name}", {})]


async def test_missing_conversation_is_null_with_not_found(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    name = f"{DEFAULT_PARENT}/sessions/does-not-exist"
    body = await graphql(CONVERSATION, {"name": name}, expect_errors=True)
    assert body["data"] == {"conversation": None}
    [error] = body["errors"]
    assert error["path"] == ["conversation"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["provider"] == "VERTEX_AI_SEARCH"
    assert [c.status for c in hub.log.entries("discovery")] == [404]


@pytest.mark.parametrize(
    "name",
    [
        f"{DEFAULT_PARENT}/sessions/../../other",
        f"{DEFAULT_PARENT}/sessions/a?b=c",
        f"{DEFAULT_PARENT}/sessions/a#b",
        f"{DEFAULT_PARENT}/sessions/a%2Fb",
        f"{DEFAULT_PARENT}/sessions/a b",
        f"{DEFAULT_PARENT}/sessions/a/answers/b",
        "projects/p/locations/global/sessions/x",
        "sessions/x",
        "",
    ],
)
async def test_malformed_names_are_bad_user_input_before_any_call(
    graphql: GraphQL, hub: EmulatorHub, name: str
) -> None:
    body = await graphql(CONVERSATION, {"name": name}, expect_errors=True)
    assert body["data"] == {"conversation": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["conversation"], "BAD_USER_INPUT")
    ]
    assert hub.log.entries("discovery") == []


ORDERS = [
    ([], "update_time desc"),
    ([{"field": "CREATE_TIME", "direction": "ASC"}], "create_time"),
    ([{"field": "NAME", "direction": "DESC"}], "session_name desc"),
    (
        [
            {"field": "IS_PINNED", "direction": "DESC"},
            {"field": "UPDATE_TIME", "direction": "DESC"},
        ],
        "is_pinned desc,update_time desc",
    ),
    (
        [{"field": "IS_PINNED", "direction": "ASC"}, {"field": "CREATE_TIME", "direction": "DESC"}],
        "is_pinned,create_time desc",
    ),
]


@pytest.mark.parametrize(("order_by", "upstream_order"), ORDERS)
async def test_walking_one_users_conversations_matches_the_emulator(
    graphql: GraphQL, hub: EmulatorHub, order_by: list[dict[str, str]], upstream_order: str
) -> None:
    # Given the user with the most conversations and the emulator's own answer
    user = _busiest_user(hub)
    upstream_filter = f'user_pseudo_id = "{user}"'
    expected = [s["name"] for s in await walk(hub, filter=upstream_filter, orderBy=upstream_order)]
    assert len(expected) > 30
    # When the gateway walks the connection 7 at a time
    names, pages = await _walk_gateway(
        graphql, 7, {"filter": {"userPseudoId": user}, "orderBy": order_by}
    )
    # Then it visits exactly the emulator's sessions in the emulator's order
    assert names == expected
    calls = hub.log.entries("discovery")
    assert {(c.param("filter"), c.param("orderBy")) for c in calls} == {
        (upstream_filter, upstream_order)
    }
    assert len(calls) == pages


# (GraphQL filter, the exact upstream filter); raw strings so backslashes read as sent.
INJECTIONS = [
    ({"displayName": TRICKY_DISPLAY_NAME}, r'display_name = "Q3 \"plan\" OR (NOT draft) \\ final"'),
    ({"labels": [TRICKY_LABEL]}, r'labels:"ops\") OR (labels:\"vip"'),
    ({"userPseudoId": TRICKY_USER}, r'user_pseudo_id = "mallory\" OR user_pseudo_id = \"user-001"'),
    (
        {"userPseudoId": r'x" OR NOT user_pseudo_id = "x'},
        r'user_pseudo_id = "x\" OR NOT user_pseudo_id = \"x"',
    ),
    (
        {"displayName": r"a\" OR (is_pinned = true) AND NOT \ z"},
        r'display_name = "a\\\" OR (is_pinned = true) AND NOT \\ z"',
    ),
]


@pytest.mark.parametrize(("flt", "upstream_filter"), INJECTIONS)
async def test_filter_syntax_in_values_cannot_widen_the_result(
    graphql: GraphQL, hub: EmulatorHub, flt: dict[str, Any], upstream_filter: str
) -> None:
    # Given a value full of quotes, OR, NOT, parentheses or backslashes
    store = emulator(hub).store
    value = next(iter(flt.values()))
    field = {"displayName": "display_name", "labels": "labels", "userPseudoId": "user_pseudo_id"}[
        next(iter(flt))
    ]
    expected = sorted(
        s.name
        for s in store.under(DEFAULT_PARENT)
        if (set(value) <= set(s.labels) if field == "labels" else getattr(s, field) == value)
    )
    # When it is used as a filter
    data = await graphql(
        WALK,
        {"first": 100, "filter": flt, "orderBy": [{"field": "NAME", "direction": "ASC"}]},
    )
    # Then the emulator got one correctly quoted literal and only matching sessions came back
    [call] = hub.log.entries("discovery")
    assert call.param("filter") == upstream_filter
    assert call.status == 200
    assert [n["name"] for n in data["conversations"]["nodes"]] == expected


async def test_all_filter_fields_combine_with_and(graphql: GraphQL, hub: EmulatorHub) -> None:
    stored = next(s for s in emulator(hub).store.under(DEFAULT_PARENT) if len(s.labels) >= 2)
    created = Instant(stored.create_time).isoformat()
    updated = Instant(stored.update_time).isoformat()
    flt = {
        "userPseudoId": stored.user_pseudo_id,
        "displayName": stored.display_name,
        "labels": stored.labels[:2],
        "isPinned": stored.is_pinned,
        "createdAfter": created,
        "createdBefore": created,
        "updatedAfter": updated,
        "updatedBefore": updated,
    }
    data = await graphql(WALK, {"first": 5, "filter": flt})
    assert [n["name"] for n in data["conversations"]["nodes"]] == [stored.name]
    [call] = hub.log.entries("discovery")
    before_created = Instant(stored.create_time - 1).isoformat()
    before_updated = Instant(stored.update_time - 1).isoformat()
    assert call.param("filter") == " AND ".join(
        [
            f'user_pseudo_id = "{stored.user_pseudo_id}"',
            f'display_name = "{stored.display_name}"',
            f'labels:"{stored.labels[0]}"',
            f'labels:"{stored.labels[1]}"',
            f"is_pinned = {'true' if stored.is_pinned else 'false'}",
            f'create_time > "{before_created}"',
            f'NOT create_time > "{created}"',
            f'update_time > "{before_updated}"',
            f'NOT update_time > "{updated}"',
        ]
    )


async def test_other_parent_forms_are_listed(graphql: GraphQL, hub: EmulatorHub) -> None:
    expected = [
        s["name"] for s in await walk(hub, parent=DATA_STORE_PARENT, orderBy="update_time desc")
    ]
    names, _ = await _walk_gateway(graphql, 10, {"parent": DATA_STORE_PARENT})
    assert names == expected
    assert len(names) == 25


async def test_bad_parent_and_duplicate_order_are_bad_user_input(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    bad_parent = await graphql(WALK, {"first": 1, "parent": "projects/p/../x"}, expect_errors=True)
    twice = [{"field": "NAME", "direction": "ASC"}, {"field": "NAME", "direction": "DESC"}]
    duplicate = await graphql(WALK, {"first": 1, "orderBy": twice}, expect_errors=True)
    for body, field in ((bad_parent, "parent"), (duplicate, "orderBy")):
        assert body["data"] == {"conversations": None}
        [error] = body["errors"]
        assert error["path"] == ["conversations"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert hub.log.entries("discovery") == []


async def test_cursors_are_bound_to_the_filter_and_paging_is_forward_only(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    data = await graphql(WALK, {"first": 2})
    cursor = data["conversations"]["pageInfo"]["endCursor"]
    hub.log.clear()
    other = await graphql(
        WALK, {"first": 2, "after": cursor, "filter": {"isPinned": True}}, expect_errors=True
    )
    too_many = await graphql(WALK, {"first": 101}, expect_errors=True)
    backwards = await graphql("{ conversations(last: 2) { nodes { name } } }", expect_errors=True)
    assert other["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert other["errors"][0]["path"] == ["conversations"]
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100" in too_many["errors"][0]["message"]
    assert backwards["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert hub.log.entries("discovery") == []


DETAILS_PAGE = """
query($withDetails: Boolean!) { conversations(first: 6, filter: {userPseudoId: "user-002"}) {
  nodes { name turns { answer detailedAnswer @include(if: $withDetails) } }
} }"""


async def test_turns_without_detailed_answer_make_no_details_call(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    data = await graphql(DETAILS_PAGE, {"withDetails": False})
    assert len(data["conversations"]["nodes"]) == 6
    calls = hub.log.entries("discovery")
    assert len(calls) == 1
    assert all("includeAnswerDetails" not in c.query for c in calls)


async def test_detailed_answer_costs_one_concurrent_call_per_conversation(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    emulator(hub).knobs.latency_ms = 20  # long enough that concurrent calls visibly overlap
    data = await graphql(DETAILS_PAGE, {"withDetails": True})
    nodes = data["conversations"]["nodes"]
    calls = hub.log.entries("discovery")
    details = [c for c in calls if c.query.get("includeAnswerDetails") == ["true"]]
    # One details GET per conversation on the page, all in flight together
    assert sorted(c.path for c in details) == sorted(f"/v1/{n['name']}" for n in nodes)
    assert len(calls) == 1 + len(nodes)
    assert max(c.started for c in details) < min(c.finished for c in details)
    # And the details are the upstream's
    emulator(hub).knobs.latency_ms = 0
    for node in nodes:
        upstream = await get(hub, node["name"], details=True)
        assert upstream is not None
        assert [t["detailedAnswer"] for t in node["turns"]] == [
            t.get("detailedAnswer") for t in upstream["turns"]
        ]


async def test_node_and_federation_entities_resolve_conversations(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    stored = next(iter(emulator(hub).store.under(DEFAULT_PARENT)))
    first = await graphql(CONVERSATION, {"name": stored.name})
    global_id = first["conversation"]["id"]
    hub.log.clear()
    data = await graphql(
        """query($id: ID!, $reps: [_Any!]!) {
          node(id: $id) { ... on Conversation { name } }
          _entities(representations: $reps) { ... on Conversation { name isPinned } }
        }""",
        {
            "id": global_id,
            "reps": [
                {"__typename": "Conversation", "id": global_id},
                {"__typename": "Conversation", "name": stored.name},
            ],
        },
    )
    assert data["node"] == {"name": stored.name}
    assert data["_entities"] == [{"name": stored.name, "isPinned": stored.is_pinned}] * 2
    assert len(hub.log.entries("discovery")) == 1  # all three go through one loader key


async def test_upstream_failures_keep_their_codes(graphql: GraphQL, hub: EmulatorHub) -> None:
    stored = next(iter(emulator(hub).store.under(DEFAULT_PARENT)))
    emulator(hub).knobs.rules = [FaultRule(path_regex="/sessions/", status=503, times=1)]
    retried = await graphql(CONVERSATION, {"name": stored.name})
    assert retried["conversation"]["name"] == stored.name
    emulator(hub).knobs.options["denied_tokens"] = ["sessiongraph-demo-google-token"]
    denied = await graphql(CONVERSATION, {"name": stored.name}, expect_errors=True)
    assert denied["data"] == {"conversation": None}
    assert denied["errors"][0]["path"] == ["conversation"]
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert denied["errors"][0]["extensions"]["upstreamStatus"] == 403
