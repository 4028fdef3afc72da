"""The Stream Video emulator, called as the SDKs call it (docs/upstreams/stream.md)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import orjson
import pytest

from app.emulators.config import EmulatorConfig
from app.emulators.framework import FaultRule
from app.emulators.stream import StreamEmulator
from app.emulators.stream.dataset import CallSessionRow, StreamDataset, seed_dataset
from resolvers.timestamps import Instant
from tests.stream.conftest import KEY, SECRET, server_headers

V1 = "/video"
V2 = "/api/v2/video"


def participants_path(session: CallSessionRow, base: str = V2) -> str:
    return (
        f"{base}/call/{session.call_type}/{session.call_id}"
        f"/session/{session.session_id}/participant_sessions"
    )


async def get(
    emu: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None, **kw: Any
) -> httpx.Response:
    headers = kw.pop("headers", None) or server_headers()
    return await emu.get(path, params={"api_key": KEY, **(params or {})}, headers=headers)


def test_seed_is_large_and_deterministic() -> None:
    # How fast seeding is belongs to the benchmarks, not to a test on a shared machine.
    data = seed_dataset(EmulatorConfig())
    sizes = [len(s.participants) for s in data.sessions.values()]
    assert len(data.sessions) == 220
    assert sum(sizes) >= 8000
    assert sum(size > 1000 for size in sizes) == 3
    assert sum(s.ended_at is None for s in data.sessions.values()) == 4
    assert sum(data.expired(s) for s in data.sessions.values()) > 0
    assert list(seed_dataset(EmulatorConfig()).sessions) == list(data.sessions)


async def test_participant_sessions_page_shape_and_order(
    emu: httpx.AsyncClient, big_session: CallSessionRow, dataset: StreamDataset
) -> None:
    response = await get(emu, participants_path(big_session), {"limit": 3})
    body = response.json()
    assert response.status_code == 200
    rows = big_session.participants
    assert body["total_participant_sessions"] == len(rows)
    assert body["total_participant_duration"] == sum(dataset.duration_of(r) for r in rows)
    assert [p["user_session_id"] for p in body["participants_sessions"]] == [
        r.user_session_id for r in rows[:3]
    ]
    first = body["participants_sessions"][0]
    assert first["joined_at"] == rows[0].joined_at  # integer ns on /api/v2
    assert isinstance(body["duration"], int)
    assert "prev" not in body
    assert body["next"]
    keys = [(r.joined_at, r.user_session_id) for r in rows]
    assert keys == sorted(keys)
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert response.headers[name].isdigit()


async def test_v1_surface_sends_rfc3339_strings(
    emu: httpx.AsyncClient, big_session: CallSessionRow
) -> None:
    body = (await get(emu, participants_path(big_session, V1), {"limit": 1})).json()
    joined = body["participants_sessions"][0]["joined_at"]
    assert joined == Instant(big_session.participants[0].joined_at).isoformat()
    assert Instant.parse(joined).ns == big_session.participants[0].joined_at


async def test_next_and_prev_walk_the_whole_session(
    emu: httpx.AsyncClient, big_session: CallSessionRow
) -> None:
    path = participants_path(big_session)
    ids: list[str] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        body = (await get(emu, path, params)).json()
        ids += [p["user_session_id"] for p in body["participants_sessions"]]
        if "next" not in body:
            break
        params = {"limit": 100, "next": body["next"]}
    assert ids == [r.user_session_id for r in big_session.participants]
    back = (await get(emu, path, {"limit": 100, "prev": body["prev"]})).json()
    assert [p["user_session_id"] for p in back["participants_sessions"]] == ids[-180:-80]


@pytest.mark.parametrize(("limit", "served"), [(None, 25), ("0", 25), ("100", 100)])
async def test_limit_defaults(
    emu: httpx.AsyncClient, big_session: CallSessionRow, limit: str | None, served: int
) -> None:
    params = {} if limit is None else {"limit": limit}
    body = (await get(emu, participants_path(big_session), params)).json()
    assert len(body["participants_sessions"]) == served


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "101"},
        {"limit": "-1"},
        {"filter_conditions": "not json"},
        {"filter_conditions": '{"user_id": "alice"}'},
        {"filter_conditions": '{"user_id": {"$ne": "alice"}}'},
        {"filter_conditions": '{"user_id": {"$in": "alice"}}'},
        {"filter_conditions": '{"user_id": {"$eq": "a", "$in": ["b"]}}'},
        {"filter_conditions": '{"$or": [{"user_id": {"$eq": "a"}}]}'},
        {"filter_conditions": '{"joined_at": {"$eq": "x"}}'},
        {"filter_conditions": '{"is_live": {"$in": [true]}}'},
        {"filter_conditions": '{"is_live": {"$eq": "true"}}'},
        {"next": "bm90LWEtY3Vyc29y"},
    ],
)
async def test_bad_parameters_are_400_code_4(
    emu: httpx.AsyncClient, big_session: CallSessionRow, params: dict[str, str]
) -> None:
    response = await get(emu, participants_path(big_session), params)
    body = response.json()
    assert response.status_code == 400
    assert (body["code"], body["StatusCode"]) == (4, 400)
    assert isinstance(body["duration"], str)
    assert set(body) >= {"message", "more_info", "details"}
    assert "X-RateLimit-Reset" in response.headers


async def test_filters_narrow_the_list_but_never_the_totals(
    emu: httpx.AsyncClient, big_session: CallSessionRow
) -> None:
    user = big_session.participants[0].user_id
    conditions = {"user_id": {"$eq": user}, "publisher_type": {"$in": ["webrtc", "rtmp"]}}
    params = {"limit": 100, "filter_conditions": orjson.dumps(conditions).decode()}
    body = (await get(emu, participants_path(big_session), params)).json()
    expected = [
        r.user_session_id
        for r in big_session.participants
        if r.user_id == user and r.publisher_type in ("webrtc", "rtmp")
    ]
    assert [p["user_session_id"] for p in body["participants_sessions"]] == expected
    assert body["total_participant_sessions"] == len(big_session.participants)


async def test_live_participants_have_no_left_at(
    emu: httpx.AsyncClient, dataset: StreamDataset
) -> None:
    live = next(s for s in dataset.sessions.values() if s.ended_at is None)
    params = {"limit": 100, "filter_conditions": '{"is_live": {"$eq": true}}'}
    body = (await get(emu, participants_path(live, V1), params)).json()
    here = [r for r in live.participants if r.left_at is None]
    assert len(body["participants_sessions"]) == len(here) > 0
    assert all("left_at" not in p for p in body["participants_sessions"])
    assert len(body["session"]["participants"]) == len(here)


async def test_retention_empties_the_list_but_keeps_the_totals(
    emu: httpx.AsyncClient, dataset: StreamDataset
) -> None:
    old = next(s for s in dataset.sessions.values() if dataset.expired(s))
    body = (await get(emu, participants_path(old), {"limit": 10})).json()
    assert body["participants_sessions"] == []
    assert body["total_participant_sessions"] == len(old.participants) > 0
    assert "next" not in body
    assert body["session"]["id"] == old.session_id


@pytest.mark.parametrize(
    ("params", "headers", "status", "code"),
    [
        ({"api_key": ""}, None, 401, 2),
        ({"api_key": "wrong"}, None, 401, 2),
        ({}, {"Authorization": jwt.encode({"server": True}, SECRET, "HS256")}, 401, 5),
        ({}, server_headers("Bearer " + jwt.encode({"server": True}, SECRET, "HS256")), 401, 5),
        ({}, server_headers(jwt.encode({"server": True}, "x" * 40, "HS256")), 401, 43),
        ({}, server_headers(jwt.encode({"exp": int(time.time()) - 60}, SECRET, "HS256")), 401, 40),
        ({}, server_headers(jwt.encode({"nbf": int(time.time()) + 600}, SECRET, "HS256")), 401, 41),
        ({}, server_headers(jwt.encode({"iat": int(time.time()) + 600}, SECRET, "HS256")), 401, 42),
        ({}, server_headers("not-a-jwt"), 401, 5),
        ({}, server_headers(jwt.encode({"user_id": "u"}, SECRET, "HS256")), 403, 17),
    ],
)
async def test_auth_failures(
    emu: httpx.AsyncClient,
    *,
    big_session: CallSessionRow,
    params: dict[str, str],
    headers: dict[str, str] | None,
    status: int,
    code: int,
) -> None:
    response = await get(emu, participants_path(big_session), params, headers=headers)
    assert response.status_code == status
    assert (response.json()["code"], response.json()["StatusCode"]) == (code, status)


async def test_unknown_session_and_long_ids(
    emu: httpx.AsyncClient, big_session: CallSessionRow
) -> None:
    missing = f"{V2}/call/default/nope/session/nope/participant_sessions"
    long = f"{V2}/call/default/{'x' * 65}/session/s/participant_sessions"
    assert (await get(emu, missing)).json()["code"] == 16
    assert (await get(emu, missing)).status_code == 404
    assert (await get(emu, long)).status_code == 400
    nowhere = await get(emu, f"{V2}/nowhere")
    assert nowhere.json()["StatusCode"] == 404
    assert nowhere.headers["X-RateLimit-Limit"] == "1000"


async def test_configured_rate_limit_answers_429_code_9(
    emu: httpx.AsyncClient, stream: StreamEmulator, big_session: CallSessionRow
) -> None:
    stream.knobs.options["rate_limits"] = {"QueryCallParticipantSessions": 2}
    statuses = [(await get(emu, participants_path(big_session))).status_code for _ in range(3)]
    limited = await get(emu, participants_path(big_session))
    call = await get(emu, f"{V2}/call/{big_session.call_type}/{big_session.call_id}")
    assert statuses == [200, 200, 429]
    assert limited.json()["code"] == 9
    assert limited.headers["X-RateLimit-Limit"] == "2"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert int(limited.headers["X-RateLimit-Reset"]) > time.time()
    assert "retry-after" not in limited.headers
    assert call.status_code == 200  # the limit is per endpoint


async def test_injected_faults_look_like_stream(
    emu: httpx.AsyncClient, stream: StreamEmulator, big_session: CallSessionRow
) -> None:
    stream.knobs.rules.append(
        FaultRule(path_regex="participant_sessions", status=429, retry_after=30)
    )
    response = await get(emu, participants_path(big_session))
    assert response.status_code == 429
    assert (response.json()["code"], response.json()["StatusCode"]) == (9, 429)
    assert 29 <= int(response.headers["X-RateLimit-Reset"]) - time.time() <= 30
    assert "retry-after" not in response.headers


async def call_stats(emu: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await emu.post(
        f"{V2}/call_stats", params={"api_key": KEY}, json=body, headers=server_headers()
    )


async def test_call_stats_filters_sorts_and_answers_201(
    emu: httpx.AsyncClient, big_session: CallSessionRow, dataset: StreamDataset
) -> None:
    cid = f"{big_session.call_type}:{big_session.call_id}"
    sort = [{"field": "session_started_at", "direction": -1}, {"field": "call_cid"}]
    response = await call_stats(
        emu, {"filter_conditions": {"call_cid": {"$eq": cid}}, "sort": sort, "limit": 10}
    )
    body = response.json()
    town_hall = dataset.calls[(big_session.call_type, big_session.call_id)].sessions
    assert response.status_code == 201
    assert [s["call_session_id"] for s in body["call_stats"]] == [
        s.session_id for s in reversed(town_hall)
    ]
    item = body["call_stats"][-1]
    assert item["session_started_at"] == town_hall[0].started_at
    assert item["call_started_at"] == item["session_started_at"]
    assert item["session_ended_at"] == town_hall[0].ended_at


async def test_call_stats_live_and_time_filters(
    emu: httpx.AsyncClient, dataset: StreamDataset
) -> None:
    live = (await call_stats(emu, {"filter_conditions": {"is_active": {"$eq": True}}})).json()
    cutoff = Instant(dataset.now - 10 * 86_400 * 10**9)
    recent = await call_stats(
        emu,
        {
            "filter_conditions": {"session_started_at": {"$gte": cutoff.isoformat()}},
            "limit": 100,
        },
    )
    assert len(live["call_stats"]) == 4
    assert all("session_ended_at" not in s for s in live["call_stats"])
    expected = sum(s.started_at >= cutoff.ns for s in dataset.sessions.values())
    assert len(recent.json()["call_stats"]) == expected


@pytest.mark.parametrize(
    "body",
    [
        {"sort": [{"field": "call_cid"}]},
        {"sort": [{"field": "generated_at"}, {"field": "call_cid"}, {"field": "call_cid"}]},
        {"sort": [{"field": "generated_at", "direction": 2}]},
        {"filter_conditions": {"call_cid": {"$in": ["a:b"]}}},
        {"filter_conditions": {"session_started_at": {"$gte": "yesterday"}}},
        {"limit": 101},
    ],
)
async def test_call_stats_rejects_undocumented_queries(
    emu: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await call_stats(emu, body)
    assert (response.status_code, response.json()["code"]) == (400, 4)


async def test_get_call_returns_the_current_session(
    emu: httpx.AsyncClient, big_session: CallSessionRow
) -> None:
    response = await get(emu, f"{V1}/call/{big_session.call_type}/{big_session.call_id}")
    call = response.json()["call"]
    assert response.status_code == 200
    assert call["cid"] == f"{big_session.call_type}:{big_session.call_id}"
    assert call["current_session_id"] == call["session"]["id"]
    assert isinstance(response.json()["duration"], str)
