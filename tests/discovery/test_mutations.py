"""createConversation / updateConversation / deleteConversation through the gateway."""

from __future__ import annotations

from app.emulators import EmulatorHub
from tests.conftest import GraphQL
from tests.discovery.upstream import DEFAULT_PARENT, emulator

FIELDS = "name displayName userPseudoId labels isPinned turnCount"
CREATE = f"""mutation($input: CreateConversationInput!) {{
  createConversation(input: $input) {{ conversation {{ {FIELDS} }} errors {{ code message field }} }}
}}"""
UPDATE = f"""mutation($input: UpdateConversationInput!) {{
  updateConversation(input: $input) {{ conversation {{ {FIELDS} }} errors {{ code message field }} }}
}}"""
DELETE = """mutation($name: String!) {
  deleteConversation(name: $name) { deletedName errors { code message field } }
}"""
READ = f"query($name: String!) {{ conversation(name: $name) {{ {FIELDS} }} }}"
PINNED = """query($user: String!) {
  conversations(first: 50, filter: {userPseudoId: $user, isPinned: true}) { nodes { name } }
}"""


async def test_conversation_lifecycle(fresh_graphql: GraphQL, fresh_hub: EmulatorHub) -> None:
    log = fresh_hub.log
    # Given a new conversation
    created = await fresh_graphql(
        CREATE,
        {"input": {"displayName": "Pricing", "userPseudoId": "u-life", "labels": ["a"]}},
    )
    conversation = created["createConversation"]["conversation"]
    name = conversation["name"]
    assert created["createConversation"]["errors"] == []
    assert name.startswith(f"{DEFAULT_PARENT}/sessions/")
    [post] = log.entries("discovery")
    assert (post.method, post.path, post.query) == ("POST", f"/v1/{DEFAULT_PARENT}/sessions", {})
    # When it is read back
    log.clear()
    read = await fresh_graphql(READ, {"name": name})
    assert read["conversation"] == conversation
    # And only its labels are updated
    log.clear()
    updated = await fresh_graphql(UPDATE, {"input": {"name": name, "labels": ["b", "c"]}})
    assert updated["updateConversation"]["conversation"] == {**conversation, "labels": ["b", "c"]}
    [patch] = log.entries("discovery")
    assert (patch.method, patch.path, patch.query) == (
        "PATCH",
        f"/v1/{name}",
        {"updateMask": ["labels"]},
    )
    # And it is pinned
    log.clear()
    pinned = await fresh_graphql(UPDATE, {"input": {"name": name, "isPinned": True}})
    assert pinned["updateConversation"]["conversation"]["isPinned"] is True
    assert pinned["updateConversation"]["conversation"]["displayName"] == "Pricing"
    assert log.entries("discovery")[0].query == {"updateMask": ["isPinned"]}
    # Then the pinned listing holds it
    listed = await fresh_graphql(PINNED, {"user": "u-life"})
    assert listed["conversations"]["nodes"] == [{"name": name}]
    # When it is deleted
    deleted = await fresh_graphql(DELETE, {"name": name})
    assert deleted["deleteConversation"] == {"deletedName": name, "errors": []}
    # Then reading it is null with NOT_FOUND, and deleting it again is a payload error
    gone = await fresh_graphql(READ, {"name": name}, expect_errors=True)
    assert gone["data"] == {"conversation": None}
    assert [(e["path"], e["extensions"]["code"]) for e in gone["errors"]] == [
        (["conversation"], "NOT_FOUND")
    ]
    again = await fresh_graphql(DELETE, {"name": name})
    assert again["deleteConversation"]["deletedName"] is None
    assert [e["code"] for e in again["deleteConversation"]["errors"]] == ["NOT_FOUND"]


async def test_chosen_session_id_and_duplicates(
    fresh_graphql: GraphQL, fresh_hub: EmulatorHub
) -> None:
    made = await fresh_graphql(CREATE, {"input": {"sessionId": "chosen-7", "isPinned": True}})
    assert (
        made["createConversation"]["conversation"]["name"] == f"{DEFAULT_PARENT}/sessions/chosen-7"
    )
    assert made["createConversation"]["conversation"]["isPinned"] is True
    assert fresh_hub.log.entries("discovery")[0].query == {"sessionId": ["chosen-7"]}
    fresh_hub.log.clear()
    duplicate = await fresh_graphql(CREATE, {"input": {"sessionId": "chosen-7"}})
    assert duplicate["createConversation"]["conversation"] is None
    assert [e["code"] for e in duplicate["createConversation"]["errors"]] == ["ALREADY_EXISTS"]
    invalid = await fresh_graphql(CREATE, {"input": {"sessionId": "Not_Valid"}})
    assert invalid["createConversation"]["errors"][0]["code"] == "BAD_USER_INPUT"
    assert invalid["createConversation"]["errors"][0]["field"] == "sessionId"
    assert len(fresh_hub.log.entries("discovery")) == 1  # the invalid id never left the gateway


async def test_update_mask_follows_the_fields_given(
    fresh_graphql: GraphQL, fresh_hub: EmulatorHub
) -> None:
    stored = next(s for s in emulator(fresh_hub).store.under(DEFAULT_PARENT) if s.labels)
    cleared = await fresh_graphql(
        UPDATE, {"input": {"name": stored.name, "displayName": None, "isPinned": False}}
    )
    conversation = cleared["updateConversation"]["conversation"]
    assert conversation["displayName"] is None
    assert conversation["labels"] == stored.labels  # not in the mask, untouched
    assert fresh_hub.log.entries("discovery")[0].query == {"updateMask": ["displayName,isPinned"]}
    fresh_hub.log.clear()
    nothing = await fresh_graphql(UPDATE, {"input": {"name": stored.name}})
    assert nothing["updateConversation"]["conversation"] is None
    assert [(e["code"], e["field"]) for e in nothing["updateConversation"]["errors"]] == [
        ("BAD_USER_INPUT", "input")
    ]
    missing = await fresh_graphql(
        UPDATE, {"input": {"name": f"{DEFAULT_PARENT}/sessions/nope", "isPinned": True}}
    )
    assert [e["code"] for e in missing["updateConversation"]["errors"]] == ["NOT_FOUND"]
    bad_name = await fresh_graphql(UPDATE, {"input": {"name": "../x", "isPinned": True}})
    assert [e["code"] for e in bad_name["updateConversation"]["errors"]] == ["BAD_USER_INPUT"]
    assert len(fresh_hub.log.entries("discovery")) == 1  # only the NOT_FOUND patch was sent


async def test_later_fields_of_one_operation_do_not_read_stale_values(
    fresh_graphql: GraphQL, fresh_hub: EmulatorHub
) -> None:
    stored = next(s for s in emulator(fresh_hub).store.under(DEFAULT_PARENT) if s.turns)
    details = "conversation { displayName turns { detailedAnswer } }"
    data = await fresh_graphql(
        f"""mutation($name: String!) {{
          a: updateConversation(input: {{name: $name, displayName: "One"}}) {{ {details} }}
          b: updateConversation(input: {{name: $name, displayName: "Two"}}) {{ {details} }}
          c: deleteConversation(name: $name) {{ deletedName }}
          d: updateConversation(input: {{name: $name, isPinned: true}}) {{ errors {{ code }} }}
        }}""",
        {"name": stored.name},
    )
    assert data["a"]["conversation"]["displayName"] == "One"
    assert data["b"]["conversation"]["displayName"] == "Two"
    assert data["c"] == {"deletedName": stored.name}
    assert data["d"] == {"errors": [{"code": "NOT_FOUND"}]}
    details_calls = [
        c for c in fresh_hub.log.entries("discovery") if "includeAnswerDetails" in c.query
    ]
    assert len(details_calls) == 2  # re-read after each update, never served from cache


async def test_unexpected_failures_stay_graphql_errors(
    fresh_graphql: GraphQL, fresh_hub: EmulatorHub
) -> None:
    emulator(fresh_hub).knobs.options["denied_tokens"] = ["sessiongraph-demo-google-token"]
    body = await fresh_graphql(CREATE, {"input": {"displayName": "x"}}, expect_errors=True)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == ["createConversation"]
    assert error["extensions"]["code"] == "FORBIDDEN"
