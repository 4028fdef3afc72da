"""The Discovery Engine emulator, called directly: methods, parents, auth, errors, ProtoJSON."""

from __future__ import annotations

import re
from collections import Counter

import httpx
import pytest

from app.emulators import EmulatorHub
from app.emulators.discovery.seed import DATA_STORE_PARENT, NESTED_DATA_STORE_PARENT
from tests.discovery.upstream import DEFAULT_PARENT, direct, emulator, walk

PARENTS = [DEFAULT_PARENT, DATA_STORE_PARENT, NESTED_DATA_STORE_PARENT]
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")


def _error(response: httpx.Response) -> tuple[int, str]:
    body = response.json()["error"]
    assert body["code"] == response.status_code
    assert len(body["details"]) == 1
    assert body["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    return response.status_code, body["status"]


def test_seeded_dataset_has_the_promised_shape(hub: EmulatorHub) -> None:
    # Given the seeded store
    sessions = list(emulator(hub).store.sessions.values())
    # Then it holds enough sessions, users, turns, labels, pins and answer details
    assert len(sessions) >= 500
    assert len({s.user_pseudo_id for s in sessions}) >= 50
    turn_counts = [len(s.turns) for s in sessions]
    assert min(turn_counts) == 0
    assert max(turn_counts) == 30
    assert sum(1 for s in sessions if s.labels) > 100
    assert sum(1 for s in sessions if s.is_pinned) > 20
    assert sum(1 for s in sessions for t in s.turns if t.detail and t.answer) > 1000
    assert Counter(s.parent for s in sessions) == {
        DEFAULT_PARENT: 520,
        DATA_STORE_PARENT: 25,
        NESTED_DATA_STORE_PARENT: 25,
    }


async def test_missing_wrong_and_denied_tokens(hub: EmulatorHub) -> None:
    transport = httpx.ASGITransport(app=hub["discovery"])
    url = f"/v1/{DEFAULT_PARENT}/sessions"
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as client:
        missing = await client.get(url)
        wrong = await client.get(url, headers={"Authorization": "Bearer nope"})
    assert _error(missing) == (401, "UNAUTHENTICATED")
    assert missing.json()["error"]["details"][0]["reason"] == "CREDENTIALS_MISSING"
    assert _error(wrong) == (401, "UNAUTHENTICATED")


async def test_denied_token_is_403(hub: EmulatorHub) -> None:
    token = "sessiongraph-demo-google-token"
    emulator(hub).knobs.options["denied_tokens"] = [token]
    async with direct(hub) as client:
        response = await client.get(f"/v1/{DEFAULT_PARENT}/sessions")
    assert _error(response) == (403, "PERMISSION_DENIED")


@pytest.mark.parametrize("parent", PARENTS)
async def test_create_get_patch_delete_under_every_parent_form(
    discovery_hub: EmulatorHub, parent: str
) -> None:
    async with direct(discovery_hub) as client:
        # When a session is created with a chosen id
        created = await client.post(
            f"/v1/{parent}/sessions",
            params={"sessionId": "chosen-1"},
            json={"name": "ignored/name", "userPseudoId": "u-9", "labels": ["a"]},
        )
        again = await client.post(
            f"/v1/{parent}/sessions", params={"sessionId": "chosen-1"}, json={}
        )
        name = f"{parent}/sessions/chosen-1"
        fetched = await client.get(f"/v1/{name}")
        patched = await client.patch(
            f"/v1/{name}",
            params={"updateMask": "labels"},
            json={"labels": ["b"], "userPseudoId": "x"},
        )
        deleted = await client.delete(f"/v1/{name}")
        gone = await client.get(f"/v1/{name}")
        deleted_again = await client.delete(f"/v1/{name}")
        patched_gone = await client.patch(f"/v1/{name}", params={"updateMask": "labels"}, json={})
    # Then the name comes from the URL, duplicates conflict, and the mask limits the patch
    assert created.status_code == 200
    assert created.json() == {
        "name": name,
        "state": "IN_PROGRESS",
        "userPseudoId": "u-9",
        "labels": ["a"],
        "startTime": "2026-11-01T12:00:00.001Z",
    }
    assert _error(again) == (409, "ALREADY_EXISTS")
    assert fetched.json() == created.json()
    assert patched.json() == {**created.json(), "labels": ["b"]}
    assert (deleted.status_code, deleted.json()) == (200, {})
    assert _error(gone) == (404, "NOT_FOUND")
    assert _error(deleted_again) == (404, "NOT_FOUND")
    assert _error(patched_gone) == (404, "NOT_FOUND")


async def test_create_assigns_an_id_and_validates_a_chosen_one(discovery_hub: EmulatorHub) -> None:
    async with direct(discovery_hub) as client:
        generated = await client.post(f"/v1/{DEFAULT_PARENT}/sessions", json={})
        bad = [
            await client.post(f"/v1/{DEFAULT_PARENT}/sessions", params={"sessionId": v}, json={})
            for v in ("Upper", "a", "-lead", "trail-", "x" * 64, "under_score")
        ]
    session_id = generated.json()["name"].removeprefix(f"{DEFAULT_PARENT}/sessions/")
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,61}[a-z0-9]", session_id)
    assert [_error(r) for r in bad] == [(400, "INVALID_ARGUMENT")] * 6


async def test_answer_details_only_with_include_answer_details(hub: EmulatorHub) -> None:
    session = next(s for s in emulator(hub).store.under(DEFAULT_PARENT) if len(s.turns) > 5)
    async with direct(hub) as client:
        plain = (await client.get(f"/v1/{session.name}")).json()
        detailed = (
            await client.get(f"/v1/{session.name}", params={"includeAnswerDetails": "true"})
        ).json()
        invalid = await client.get(f"/v1/{session.name}", params={"includeAnswerDetails": "yes"})
    assert all("detailedAnswer" not in turn for turn in plain["turns"])
    answered = [t for t in detailed["turns"] if "answer" in t]
    assert answered
    assert all(t["detailedAnswer"]["name"] == t["answer"] for t in answered)
    assert [{k: v for k, v in t.items() if k != "detailedAnswer"} for t in detailed["turns"]] == (
        plain["turns"]
    )
    assert _error(invalid) == (400, "INVALID_ARGUMENT")


async def test_page_size_defaults_to_50_and_is_capped_at_1000(hub: EmulatorHub) -> None:
    async with direct(hub) as client:
        default = (await client.get(f"/v1/{DEFAULT_PARENT}/sessions")).json()
        zero = (await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"pageSize": "0"})).json()
        huge = (
            await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"pageSize": "5000"})
        ).json()
        negative = await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"pageSize": "-1"})
    assert len(default["sessions"]) == 50
    assert "nextPageToken" in default
    assert len(zero["sessions"]) == 50
    assert len(huge["sessions"]) == 520
    assert "nextPageToken" not in huge
    assert _error(negative) == (400, "INVALID_ARGUMENT")


async def test_walking_small_pages_visits_every_session_once(hub: EmulatorHub) -> None:
    everything = await walk(hub, size=1000, orderBy="create_time")
    paged = await walk(hub, size=7, orderBy="create_time")
    assert [s["name"] for s in paged] == [s["name"] for s in everything]
    assert len({s["name"] for s in paged}) == 520


async def test_page_tokens_are_bound_to_filter_and_order(hub: EmulatorHub) -> None:
    url = f"/v1/{DEFAULT_PARENT}/sessions"
    async with direct(hub) as client:
        first = (await client.get(url, params={"pageSize": "2", "orderBy": "create_time"})).json()
        token = first["nextPageToken"]
        other_order = await client.get(url, params={"pageToken": token, "orderBy": "update_time"})
        other_filter = await client.get(
            url, params={"pageToken": token, "orderBy": "create_time", "filter": "starred = true"}
        )
        garbage = await client.get(
            url, params={"pageToken": "not-a-token", "orderBy": "create_time"}
        )
        same = await client.get(url, params={"pageToken": token, "orderBy": "create_time"})
    assert _error(other_order) == (400, "INVALID_ARGUMENT")
    assert _error(other_filter) == (400, "INVALID_ARGUMENT")
    assert _error(garbage) == (400, "INVALID_ARGUMENT")
    assert same.status_code == 200


async def test_unknown_query_parameters_are_rejected(hub: EmulatorHub) -> None:
    async with direct(hub) as client:
        response = await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"page_size": "3"})
        system = await client.get(f"/v1/{DEFAULT_PARENT}/sessions", params={"prettyPrint": "false"})
    assert _error(response) == (400, "INVALID_ARGUMENT")
    assert system.status_code == 200


async def test_empty_page_and_defaults_are_omitted(discovery_hub: EmulatorHub) -> None:
    async with direct(discovery_hub) as client:
        empty = await client.get(
            f"/v1/{DEFAULT_PARENT}/sessions", params={"filter": 'user_pseudo_id = "nobody"'}
        )
        created = await client.post(f"/v1/{DEFAULT_PARENT}/sessions", json={"isPinned": False})
    assert empty.json() == {}
    assert set(created.json()) == {"name", "state", "startTime"}


async def test_timestamps_are_z_with_0_3_6_or_9_digits(hub: EmulatorHub) -> None:
    sessions = await walk(hub)
    times = [s["startTime"] for s in sessions]
    assert all(_TIME.match(t) for t in times)
    assert {len(t) for t in times} == {20, 24, 27, 30}


async def test_patch_mask_semantics(discovery_hub: EmulatorHub) -> None:
    session = next(
        s for s in emulator(discovery_hub).store.under(DEFAULT_PARENT) if s.turns and s.labels
    )
    url = f"/v1/{session.name}"
    async with direct(discovery_hub) as client:
        name_mask = await client.patch(url, params={"updateMask": "name"}, json={"name": "x"})
        unknown = await client.patch(url, params={"updateMask": "color"}, json={})
        snake = await client.patch(
            url,
            params={"updateMask": "display_name,startTime"},
            json={"displayName": "Renamed", "startTime": "2020-01-01T00:00:00Z"},
        )
        everything = await client.patch(url, json={"displayName": "Only this"})
    assert _error(name_mask) == (400, "INVALID_ARGUMENT")
    assert _error(unknown) == (400, "INVALID_ARGUMENT")
    # An OUTPUT_ONLY field in the body and mask is ignored; snake_case paths are accepted.
    assert snake.json()["displayName"] == "Renamed"
    assert snake.json()["startTime"] != "2020-01-01T00:00:00Z"
    # No mask: every supported field is taken from the body, so absent ones are reset.
    body = everything.json()
    assert body["displayName"] == "Only this"
    assert "labels" not in body
    assert "turns" not in body
    assert "userPseudoId" not in body
    assert body["state"] == "IN_PROGRESS"


async def test_bad_bodies_are_invalid_argument(discovery_hub: EmulatorHub) -> None:
    url = f"/v1/{DEFAULT_PARENT}/sessions"
    async with direct(discovery_hub) as client:
        responses = [
            await client.post(url, json={"labels": "not-a-list"}),
            await client.post(url, json={"isPinned": "yes"}),
            await client.post(url, json={"colour": "red"}),
            await client.post(url, json={"state": "DONE"}),
            await client.post(url, content=b"{", headers={"content-type": "application/json"}),
        ]
    assert [_error(r) for r in responses] == [(400, "INVALID_ARGUMENT")] * 5


async def test_unknown_paths_are_google_404s(hub: EmulatorHub) -> None:
    async with direct(hub) as client:
        response = await client.get("/v1/projects/p/locations/global/sessions")
    assert _error(response) == (404, "NOT_FOUND")
