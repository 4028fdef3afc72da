"""The RealtimeKit emulator per docs/upstreams/realtimekit.md: shapes, paging, sorting, errors."""

from __future__ import annotations

from collections import Counter

import pytest

from app.emulators import EmulatorConfig, EmulatorHub
from app.emulators.framework import FaultRule, RequestLog
from app.emulators.realtimekit import build_emulator
from tests.realtimekit.upstream import AUTH, PREFIX, direct, emulator, get, large_session


def test_seeded_dataset_is_big_and_varied() -> None:
    # Seeding speed is the benchmarks' business; a shared machine makes a timed assert flaky.
    data = build_emulator(EmulatorConfig(), RequestLog()).dataset
    assert len(data.sessions) >= 400
    assert len(data.participants_by_id) >= 5000
    assert {s.status for s in data.sessions} == {"LIVE", "ENDED"}
    assert {s.kind for s in data.sessions} == {"meeting", "livestream"}
    assert sum(len(s.participants) > 500 for s in data.sessions) >= 2
    live_meetings = Counter(s.meeting.id for s in data.sessions if s.status == "LIVE")
    assert max(live_meetings.values()) == 1
    rejoins = Counter((p.session_id, p.user_id) for p in data.participants_by_id.values())
    assert sum(n > 1 for n in rejoins.values()) > 100  # each rejoin has its own peer id


async def test_sessions_list_pages_from_one_with_top_level_paging(hub: EmulatorHub) -> None:
    default = (await get(hub, "/sessions")).json()
    zero = (await get(hub, "/sessions", page_no="0", per_page="")).json()
    capped = (await get(hub, "/sessions", per_page="500", page_no="2")).json()

    total = len(emulator(hub).dataset.sessions)
    assert default["success"] is True
    assert "result" not in default
    assert len(default["data"]["sessions"]) == 20
    assert default["paging"] == {"total_count": total, "start_offset": 1, "end_offset": 20}
    assert zero == default
    assert capped["paging"] == {"total_count": total, "start_offset": 101, "end_offset": 200}
    starts = [s["started_at"] for s in default["data"]["sessions"]]
    assert starts == sorted(starts, reverse=True)  # createdAt DESC by default


async def test_sessions_list_filters(hub: EmulatorHub) -> None:
    data = emulator(hub).dataset
    meeting = data.sessions[30].meeting
    live = (await get(hub, "/sessions", status="LIVE", per_page="100")).json()
    by_meeting = (await get(hub, "/sessions", associated_id=meeting.id, per_page="100")).json()
    searched = (await get(hub, "/sessions", search=meeting.title.upper())).json()
    windowed = (
        await get(
            hub,
            "/sessions",
            start_time="2026-10-01T00:00:00Z",
            end_time="2026-10-02T00:00:00.000+00:00",
            sort_by="minutesConsumed",
            sort_order="ASC",
            per_page="100",
        )
    ).json()

    assert {s["status"] for s in live["data"]["sessions"]} == {"LIVE"}
    assert live["paging"]["total_count"] == sum(s.status == "LIVE" for s in data.sessions)
    assert "ended_at" not in live["data"]["sessions"][0]
    assert {s["associated_id"] for s in by_meeting["data"]["sessions"]} == {meeting.id}
    assert {s["meeting_display_name"] for s in searched["data"]["sessions"]} == {meeting.title}
    rows = windowed["data"]["sessions"]
    assert rows
    assert all("2026-10-01" <= s["started_at"] < "2026-10-02" for s in rows)
    minutes = [s["minutes_consumed"] for s in rows]
    assert minutes == sorted(minutes)


async def test_session_details_flat_by_default_nested_on_switch(hub: EmulatorHub) -> None:
    session = large_session(hub)
    flat = (await get(hub, f"/sessions/{session.id}")).json()
    emulator(hub).knobs.options["session_details_shape"] = "nested"
    nested = (await get(hub, f"/sessions/{session.id}", include_breakout_rooms="true")).json()

    assert flat["data"]["id"] == session.id
    assert "breakout_rooms" not in flat["data"]
    assert nested["data"]["session"] == {**flat["data"], "breakout_rooms": []}


@pytest.mark.parametrize(
    ("placement", "top", "inside"),
    [("data", False, True), ("top", True, False), ("none", False, False)],
)
async def test_participants_paging_placement_switch(
    hub: EmulatorHub, placement: str, top: bool, inside: bool
) -> None:
    session = large_session(hub)
    emulator(hub).knobs.options["participants_paging"] = placement
    body = (
        await get(hub, f"/sessions/{session.id}/participants", page_no="3", per_page="7")
    ).json()

    expected = {"total_count": len(session.participants), "start_offset": 15, "end_offset": 21}
    assert ("paging" in body) is top
    assert ("paging" in body["data"]) is inside
    assert body.get("paging", body["data"].get("paging", expected)) == expected
    ids = [p["id"] for p in body["data"]["participants"]]
    assert ids == [p.id for p in session.participants[14:21]]  # joinedAt ASC by default


async def test_participants_sort_search_and_peer_events(hub: EmulatorHub) -> None:
    session = large_session(hub)
    person = session.participants[5]
    by_duration = (
        await get(
            hub, f"/sessions/{session.id}/participants", sort_by="duration", sort_order="DESC"
        )
    ).json()
    found = (
        await get(
            hub,
            f"/sessions/{session.id}/participants",
            search=person.custom_participant_id,
            include_peer_events="true",
            view="consolidated",
        )
    ).json()

    durations = [p["duration"] for p in by_duration["data"]["participants"]]
    assert durations == sorted(durations, reverse=True)
    assert durations[0] == max(p.duration_min for p in session.participants)
    rows = found["data"]["participants"]
    assert {p["custom_participant_id"] for p in rows} == {person.custom_participant_id}
    assert [e["event_name"] for e in rows[0]["peer_events"]][:2] == ["PEER_CREATED", "PEER_JOINING"]
    assert "peer_events" not in by_duration["data"]["participants"][0]


async def test_participant_details_peer_report_and_links(hub: EmulatorHub) -> None:
    session = next(
        s
        for s in emulator(hub).dataset.sessions
        if s.has_chat and s.has_transcript and s.has_summary
    )
    peer = session.participants[0]
    details = (await get(hub, f"/sessions/{session.id}/participants/{peer.id}")).json()
    report = (
        await get(hub, f"/sessions/peer-report/{peer.id}", filters="device_info,events")
    ).json()
    chat = (await get(hub, f"/sessions/{session.id}/chat")).json()["data"]
    transcript = (await get(hub, f"/sessions/{session.id}/transcript")).json()["data"]
    summary = (await get(hub, f"/sessions/{session.id}/summary")).json()["data"]

    assert details["data"]["participant"]["id"] == peer.id
    assert details["data"]["participant"]["duration"] == peer.duration_min
    assert report["data"]["participant"]["role"] == peer.preset_name
    assert "device_info" in report["data"]["participant"]["peer_report"]["metadata"]
    assert set(chat) == {"chat_download_url", "chat_download_url_expiry"}
    assert set(transcript) == {
        "sessionId",
        "transcript_download_url",
        "transcript_download_url_expiry",
    }
    assert set(summary) == {"sessionId", "summaryDownloadUrl", "summaryDownloadUrlExpiry"}
    async with direct(hub) as client:
        download = await client.get(summary["summaryDownloadUrl"])
    assert download.status_code == 200
    assert download.text.startswith("summary.txt of ")


async def test_generate_summary_makes_the_summary_available(fresh_hub: EmulatorHub) -> None:
    session = next(
        s for s in emulator(fresh_hub).dataset.sessions if s.has_transcript and not s.has_summary
    )
    before = await get(fresh_hub, f"/sessions/{session.id}/summary")
    async with direct(fresh_hub) as client:
        posted = await client.post(f"{PREFIX}/sessions/{session.id}/summary", headers=AUTH)
    after = await get(fresh_hub, f"/sessions/{session.id}/summary")

    assert before.status_code == 404
    assert posted.json() == {
        "success": True,
        "data": {"session_id": session.id, "status": "queued"},
    }
    assert after.json()["data"]["sessionId"] == session.id


async def test_auth_and_routing_errors_use_the_cloudflare_envelope(hub: EmulatorHub) -> None:
    long_id = "a" * 33
    async with direct(hub) as client:
        missing = await client.get(f"{PREFIX}/sessions")
        wrong = await client.get(f"{PREFIX}/sessions", headers={"Authorization": "Bearer nope"})
        other_app = await client.get(
            "/client/v4/accounts/demoaccount/realtime/kit/otherapp/sessions", headers=AUTH
        )
        too_long = await client.get(f"/client/v4/accounts/{long_id}/realtime/kit/demoapp/sessions")
        no_route = await client.get(f"{PREFIX}/nothing-here", headers=AUTH)

    auth_error = {
        "success": False,
        "errors": [{"code": 10000, "message": "Authentication error"}],
        "messages": [],
        "result": None,
    }
    assert (missing.status_code, missing.json()) == (401, auth_error)
    assert (wrong.status_code, wrong.json()) == (401, auth_error)
    assert (other_app.status_code, other_app.json()) == (403, auth_error)
    for response in (too_long, no_route):
        assert response.status_code == 404
        assert response.json()["errors"] == [{"code": 7003, "message": "No route for the URI"}]


async def test_application_errors_use_the_error_object(hub: EmulatorHub) -> None:
    unknown = await get(hub, "/sessions/0b7c2d4e-0000-4000-8000-000000000000")
    bad_sort = await get(hub, "/sessions", sort_by="title")
    bad_page = await get(hub, "/sessions", page_no="-1")
    bad_view = await get(hub, f"/sessions/{large_session(hub).id}/participants", view="fancy")

    assert unknown.status_code == 404
    assert unknown.json() == {
        "success": False,
        "error": {
            "code": 404,
            "message": "No session found with id 0b7c2d4e-0000-4000-8000-000000000000",
        },
    }
    for response in (bad_sort, bad_page, bad_view):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 400


async def test_rate_limit_headers_and_429_with_retry_after(hub: EmulatorHub) -> None:
    emulator(hub).knobs.options["rate_limit"] = 2
    responses = [await get(hub, "/sessions", per_page="1") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].headers["Ratelimit"] == '"default";r=1;t=300'
    assert responses[1].headers["Ratelimit"] == '"default";r=0;t=300'
    assert responses[0].headers["Ratelimit-Policy"] == '"burst";q=2;w=300'
    assert responses[2].headers["Retry-After"] == "300"
    assert responses[2].json()["errors"][0]["code"] == 971
    assert "Retry-After" not in responses[0].headers


async def test_every_answer_carries_rate_limit_headers(hub: EmulatorHub) -> None:
    async with direct(hub) as client:
        unauthenticated = await client.get(f"{PREFIX}/sessions")
        no_route = await client.get(f"{PREFIX}/nowhere", headers=AUTH)
        not_found = await client.get(f"{PREFIX}/sessions/nope", headers=AUTH)

    assert unauthenticated.headers["Ratelimit"] == '"default";r=1199;t=300'
    assert no_route.headers["Ratelimit"] == '"default";r=1199;t=300'
    assert not_found.headers["Ratelimit"] == '"default";r=1198;t=300'
    assert {r.headers["Ratelimit-Policy"] for r in (unauthenticated, no_route, not_found)} == {
        '"burst";q=1200;w=300'
    }


async def test_injected_429_fault_has_retry_after_and_errors_array(hub: EmulatorHub) -> None:
    emulator(hub).knobs.rules.append(FaultRule(path_regex="/sessions$", status=429, retry_after=7))
    response = await get(hub, "/sessions")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["success"] is False
    assert response.json()["errors"][0]["code"] == 971


async def test_active_session_is_the_meetings_live_session_flat(hub: EmulatorHub) -> None:
    live = next(s for s in emulator(hub).dataset.sessions if s.status == "LIVE")
    ended = next(s for s in emulator(hub).dataset.sessions if s.status == "ENDED")
    found = await get(hub, f"/meetings/{live.meeting.id}/active-session")
    none = await get(hub, f"/meetings/{ended.meeting.id}/active-session")

    assert found.json()["data"]["id"] == live.id
    assert none.status_code == 404
    assert none.json()["error"]["code"] == 404
