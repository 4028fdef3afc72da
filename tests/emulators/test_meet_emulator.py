"""The Meet emulator on its own: strict like the real API (docs/upstreams/meet.md)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.emulators.config import DEMO_CREDENTIALS, EmulatorConfig
from app.emulators.framework import RequestLog
from app.emulators.meet import SETTINGS_ONLY_TOKEN, WRONG_SCOPE_TOKEN, MeetEmulator
from app.emulators.meet.dataset import EXPIRY_NS, MeetDataset, Space
from app.emulators.meet.seed import build_dataset
from resolvers.timestamps import Instant

AUTH = {"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"}
ID = re.compile(r"^[A-Za-z0-9_-]+$")


@pytest.fixture(scope="module")
def shared_emulator() -> MeetEmulator:
    return MeetEmulator(EmulatorConfig(), RequestLog())


@pytest.fixture
def emulator(shared_emulator: MeetEmulator) -> Iterator[MeetEmulator]:
    shared_emulator.reset_knobs()
    yield shared_emulator
    shared_emulator.reset_knobs()


@pytest.fixture
def data(emulator: MeetEmulator) -> MeetDataset:
    return emulator.dataset


@pytest.fixture
async def client(emulator: MeetEmulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=emulator)
    async with httpx.AsyncClient(transport=transport, base_url="http://meet") as c:
        yield c


async def get(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=AUTH if headers is None else headers)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def walk(
    client: httpx.AsyncClient, path: str, field: str, params: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All items of a listing and the raw pages."""
    items: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    query = dict(params or {})
    while True:
        body = await get(client, path, query)
        pages.append(body)
        items.extend(body.get(field, []))
        if "nextPageToken" not in body:
            return items, pages
        query["pageToken"] = body["nextPageToken"]


def error_of(body: dict[str, Any]) -> tuple[int, str, str]:
    error = body["error"]
    assert set(error) == {"code", "message", "status", "details"}
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    return error["code"], error["status"], error["details"][0]["reason"]


# --- dataset ---------------------------------------------------------------------------------


def test_dataset_is_deterministic_and_shaped_like_the_brief(data: MeetDataset) -> None:
    again = build_dataset(EmulatorConfig())
    assert [r.name for r in again.conference_records()] == [
        r.name for r in data.conference_records()
    ]
    assert [p.to_json() for p in again.all_participants()] == [
        p.to_json() for p in data.all_participants()
    ]
    other = build_dataset(EmulatorConfig(seed=7))
    assert {r.name for r in other.conference_records()}.isdisjoint(
        {r.name for r in data.conference_records()}
    )

    records = data.conference_records()
    assert len(records) >= 300
    assert len(data.spaces()) >= 40
    assert len({r.space.name for r in records}) >= 40
    assert all(len(s.id) == 12 and ID.match(s.id) for s in data.spaces())
    assert all(re.fullmatch(r"[a-z]{3}-[a-z]{4}-[a-z]{3}", s.meeting_code) for s in data.spaces())
    live = data.live_records()
    assert 3 <= len(live) < len(records) // 10
    for record in live:
        assert record.space.active_record is record
    actives = [s.active_record for s in data.spaces() if s.active_record is not None]
    assert sorted(r.name for r in actives) == sorted(r.name for r in live)
    # At most one live conference per space, and it is the space's latest.
    for space in data.spaces():
        held = data.records_of_space(space.name)
        assert sum(1 for r in held if r.is_live) <= 1
        if space.active_record is not None:
            assert held[0] is space.active_record

    participants = list(data.all_participants())
    kinds = {p.kind for p in participants}
    assert kinds == {"signedin", "anonymous", "phone"}
    for p in participants:
        assert ID.match(p.id)
        if p.kind == "signedin":
            assert p.user is not None
            assert re.fullmatch(r"users/\d+", p.user)
        else:
            assert p.user is None
        if p.kind == "phone":
            assert p.display_name.startswith("+")
            assert "*" in p.display_name
            assert re.search(r"\d{2}$", p.display_name)

    busiest = data.busiest_record()
    assert len(busiest.participants) >= 250
    assert busiest.end_time is not None
    assert max(len(p.sessions) for p in busiest.participants) >= 9

    recording_states = {x.state for r in records for x in r.recordings}
    transcript_states = {x.state for r in records for x in r.transcripts}
    assert recording_states == transcript_states == {"STARTED", "ENDED", "FILE_GENERATED"}
    long_transcripts = [t for r in records for t in r.transcripts if len(t.entries) >= 200]
    assert len(long_transcripts) >= 3
    for record in records:
        names = {p.name for p in record.participants}
        for transcript in record.transcripts:
            assert all(entry.participant.name in names for entry in transcript.entries)


def test_timestamps_use_every_precision(data: MeetDataset) -> None:
    digits = {
        len(Instant(r.start_time).isoformat().rstrip("Z").partition(".")[2])
        for r in data.conference_records()
    }
    assert digits == {0, 3, 6, 9}


# --- auth and request hygiene -------------------------------------------------------------------


async def test_missing_credentials_are_401_credentials_missing(client: httpx.AsyncClient) -> None:
    body = await get(client, "/v2/conferenceRecords", headers={}, status=401)
    assert error_of(body) == (401, "UNAUTHENTICATED", "CREDENTIALS_MISSING")
    body = await get(
        client, "/v2/conferenceRecords", headers={"Authorization": "Basic x"}, status=401
    )
    assert error_of(body) == (401, "UNAUTHENTICATED", "CREDENTIALS_MISSING")


async def test_unknown_token_is_401(client: httpx.AsyncClient) -> None:
    body = await get(
        client, "/v2/conferenceRecords", headers={"Authorization": "Bearer nope"}, status=401
    )
    assert error_of(body)[:2] == (401, "UNAUTHENTICATED")
    body = await get(client, "/v2/conferenceRecords", {"access_token": "nope"}, {}, status=401)
    assert error_of(body)[:2] == (401, "UNAUTHENTICATED")


async def test_access_token_query_parameter_is_accepted(client: httpx.AsyncClient) -> None:
    body = await get(
        client,
        "/v2/conferenceRecords",
        {"access_token": DEMO_CREDENTIALS.google_token, "pageSize": "1"},
        {},
    )
    assert len(body["conferenceRecords"]) == 1


async def test_scopes_are_checked_per_method(client: httpx.AsyncClient, data: MeetDataset) -> None:
    wrong = {"Authorization": f"Bearer {WRONG_SCOPE_TOKEN}"}
    settings = {"Authorization": f"Bearer {SETTINGS_ONLY_TOKEN}"}
    space = data.spaces()[0]
    for headers in (wrong, settings):
        body = await get(client, "/v2/conferenceRecords", headers=headers, status=403)
        assert error_of(body) == (403, "PERMISSION_DENIED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
        assert body["error"]["message"] == "Request had insufficient authentication scopes."
    body = await get(client, f"/v2/{space.name}", headers=wrong, status=403)
    assert error_of(body)[2] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert await get(client, f"/v2/{space.name}", headers=settings) == space.to_json()


async def test_get_with_a_body_is_400(client: httpx.AsyncClient, data: MeetDataset) -> None:
    response = await client.request(
        "GET", f"/v2/{data.conference_records()[0].name}", headers=AUTH, content=b"{}"
    )
    assert response.status_code == 400
    assert error_of(response.json())[:2] == (400, "INVALID_ARGUMENT")


@pytest.mark.parametrize(
    "path",
    [
        "/v2/nope",
        "/v2/conferenceRecords/",
        "/v2/spaces",
        "/v2/conferenceRecords/x/participants/y/sessions",
        "/v2/conferenceRecords/x/transcripts/y/transcriptEntries",
        "/v1/conferenceRecords",
    ],
)
async def test_unknown_paths_are_404(client: httpx.AsyncClient, path: str) -> None:
    body = await get(client, path, status=404)
    assert error_of(body) == (404, "NOT_FOUND", "NOT_FOUND")


async def test_wrong_method_is_404_and_writes_are_501(client: httpx.AsyncClient) -> None:
    response = await client.post("/v2/conferenceRecords", headers=AUTH)
    assert response.status_code == 404
    assert error_of(response.json())[1] == "NOT_FOUND"
    response = await client.post("/v2/spaces/abc:endActiveConference", headers=AUTH, json={})
    assert response.status_code == 501
    assert error_of(response.json())[1] == "UNIMPLEMENTED"


async def test_unknown_and_repeated_query_parameters_are_400(client: httpx.AsyncClient) -> None:
    body = await get(client, "/v2/conferenceRecords", {"orderBy": "start_time"}, status=400)
    assert error_of(body)[:2] == (400, "INVALID_ARGUMENT")
    assert 'Unknown name "orderBy"' in body["error"]["message"]
    response = await client.get("/v2/conferenceRecords?pageSize=1&pageSize=2", headers=AUTH)
    assert response.status_code == 400
    response = await client.get("/v2/conferenceRecords?pageSize=1&page_size=2", headers=AUTH)
    assert response.status_code == 400
    # System parameters are fine; the proto field name binds like the JSON name.
    body = await get(
        client, "/v2/conferenceRecords", {"page_size": "2", "prettyPrint": "false", "alt": "json"}
    )
    assert len(body["conferenceRecords"]) == 2


async def test_unknown_ids_are_404(client: httpx.AsyncClient, data: MeetDataset) -> None:
    record = data.conference_records()[0]
    for path in (
        "/v2/conferenceRecords/doesNotExist",
        "/v2/conferenceRecords/doesNotExist/participants",
        f"/v2/{record.name}/participants/nobody",
        f"/v2/{record.name}/participants/nobody/participantSessions",
        f"/v2/{record.name}/recordings/none",
        f"/v2/{record.name}/transcripts/none/entries",
        "/v2/spaces/doesNotExist",
        f"/v2/{record.name.upper()}",  # ids are case-sensitive
    ):
        body = await get(client, path, status=404)
        assert error_of(body) == (404, "NOT_FOUND", "NOT_FOUND"), path


# --- page sizes and tokens ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "served"),
    [(None, 25), ("0", 25), ("7", 7), ("100", 100), ("101", 100), ("5000", 100)],
)
async def test_conference_record_page_sizes(
    client: httpx.AsyncClient, data: MeetDataset, asked: str | None, served: int
) -> None:
    params = {} if asked is None else {"pageSize": asked}
    body = await get(client, "/v2/conferenceRecords", params)
    expected = [r.to_json() for r in data.conference_records()[:served]]
    assert body["conferenceRecords"] == expected


async def test_child_page_size_defaults_and_maxima(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    busiest = data.busiest_record()
    body = await get(client, f"/v2/{busiest.name}/participants")
    assert len(body["participants"]) == 100
    body = await get(client, f"/v2/{busiest.name}/participants", {"pageSize": "999"})
    assert len(body["participants"]) == 250
    assert "nextPageToken" in body
    transcript = max(
        (t for r in data.conference_records() for t in r.transcripts), key=lambda t: len(t.entries)
    )
    body = await get(client, f"/v2/{transcript.name}/entries")
    assert len(body["transcriptEntries"]) == 10
    body = await get(client, f"/v2/{transcript.name}/entries", {"pageSize": "101"})
    assert len(body["transcriptEntries"]) == 100
    multi = next(r for r in data.conference_records() if len(r.recordings) >= 2)
    body = await get(client, f"/v2/{multi.name}/recordings", {"pageSize": "1"})
    assert body["recordings"] == [multi.recordings[0].to_json()]
    assert "nextPageToken" in body


@pytest.mark.parametrize("size", ["-1", "abc", "1.5"])
async def test_bad_page_sizes_are_400(client: httpx.AsyncClient, size: str) -> None:
    body = await get(client, "/v2/conferenceRecords", {"pageSize": size}, status=400)
    assert error_of(body)[:2] == (400, "INVALID_ARGUMENT")


async def test_walking_records_visits_each_once_in_order_and_ends_without_token(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    items, pages = await walk(
        client, "/v2/conferenceRecords", "conferenceRecords", {"pageSize": "40"}
    )
    expected = data.conference_records()
    assert items == [r.to_json() for r in expected]
    assert all(len(p["conferenceRecords"]) == 40 for p in pages[:-1])
    assert "nextPageToken" not in pages[-1]
    keys = [(-Instant.parse(i["startTime"]).ns, i["name"]) for i in items]
    assert keys == sorted(keys)
    # Ties on startTime exist and are broken by name ascending.
    starts = [i["startTime"] for i in items]
    tied = [i for i in range(1, len(starts)) if starts[i] == starts[i - 1]]
    assert tied
    assert all(items[i - 1]["name"] < items[i]["name"] for i in tied)


async def test_exact_last_page_has_no_token(client: httpx.AsyncClient, data: MeetDataset) -> None:
    total = len(data.conference_records())
    body = await get(client, "/v2/conferenceRecords", {"pageSize": "100"})
    token = body["nextPageToken"]
    seen = 100
    while total - seen > 100:
        body = await get(client, "/v2/conferenceRecords", {"pageSize": "100", "pageToken": token})
        token = body["nextPageToken"]
        seen += 100
    body = await get(
        client, "/v2/conferenceRecords", {"pageSize": str(total - seen), "pageToken": token}
    )
    assert len(body["conferenceRecords"]) == total - seen
    assert set(body) == {"conferenceRecords"}


async def test_child_listings_follow_their_fixed_order(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    busiest = data.busiest_record()
    people, _ = await walk(client, f"/v2/{busiest.name}/participants", "participants")
    assert people == [p.to_json() for p in busiest.participants]
    keys = [(-Instant.parse(p["earliestStartTime"]).ns, p["name"]) for p in people]
    assert keys == sorted(keys)

    many = max(busiest.participants, key=lambda p: len(p.sessions))
    sessions, _ = await walk(
        client, f"/v2/{many.name}/participantSessions", "participantSessions", {"pageSize": "2"}
    )
    assert len(sessions) == len(many.sessions) >= 9
    assert sessions == [s.to_json() for s in data.participant_sessions(many.name)]
    keys = [(-Instant.parse(s["startTime"]).ns, s["name"]) for s in sessions]
    assert keys == sorted(keys)

    transcript = busiest.transcripts[0]
    entries, _ = await walk(
        client, f"/v2/{transcript.name}/entries", "transcriptEntries", {"pageSize": "100"}
    )
    assert entries == [e.to_json() for e in data.transcript_entries(transcript.name)]
    assert len(entries) >= 200
    ascending = [(Instant.parse(e["startTime"]).ns, e["name"]) for e in entries]
    assert ascending == sorted(ascending)

    with_two = next(r for r in data.conference_records() if len(r.transcripts) >= 2)
    listed, _ = await walk(client, f"/v2/{with_two.name}/transcripts", "transcripts")
    assert listed == [t.to_json() for t in with_two.transcripts]
    assert listed[0]["startTime"] <= listed[1]["startTime"]


async def test_tokens_are_bound_to_the_filter_and_the_parent(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    ended = 'end_time>="2000-01-01T00:00:00Z"'
    first = await get(client, "/v2/conferenceRecords", {"pageSize": "5", "filter": ended})
    token = first["nextPageToken"]
    # Same filter (and even another page size) continues.
    second = await get(
        client, "/v2/conferenceRecords", {"pageSize": "3", "filter": ended, "pageToken": token}
    )
    ended_records = [r for r in data.conference_records() if not r.is_live]
    assert second["conferenceRecords"] == [r.to_json() for r in ended_records[5:8]]
    for other in (None, 'end_time >= "2000-01-01T00:00:00Z"', "end_time IS NULL"):
        params = {"pageSize": "5", "pageToken": token}
        if other is not None:
            params["filter"] = other
        body = await get(client, "/v2/conferenceRecords", params, status=400)
        assert error_of(body)[:2] == (400, "INVALID_ARGUMENT")

    busiest = data.busiest_record()
    page = await get(client, f"/v2/{busiest.name}/participants", {"pageSize": "1"})
    another = next(r for r in data.conference_records() if len(r.participants) > 1)
    await get(
        client,
        f"/v2/{another.name}/participants",
        {"pageSize": "1", "pageToken": page["nextPageToken"]},
        status=400,
    )
    await get(client, "/v2/conferenceRecords", {"pageToken": "not-a-token"}, status=400)


async def test_short_pages_serve_half_and_resume_right_after(
    client: httpx.AsyncClient, emulator: MeetEmulator, data: MeetDataset
) -> None:
    emulator.knobs.short_pages = True
    records = data.conference_records()
    first = await get(client, "/v2/conferenceRecords", {"pageSize": "10"})
    assert first["conferenceRecords"] == [r.to_json() for r in records[:5]]
    second = await get(
        client, "/v2/conferenceRecords", {"pageSize": "10", "pageToken": first["nextPageToken"]}
    )
    assert second["conferenceRecords"] == [r.to_json() for r in records[5:10]]
    items, pages = await walk(
        client, "/v2/conferenceRecords", "conferenceRecords", {"pageSize": "100"}
    )
    assert items == [r.to_json() for r in records]
    assert all(len(p["conferenceRecords"]) == 50 for p in pages[:-1])


# --- filters --------------------------------------------------------------------------------------


async def test_filter_by_meeting_code_is_case_insensitive(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    space = max(data.spaces(), key=lambda s: len(data.records_of_space(s.name)))
    expected = [r.to_json() for r in data.records_of_space(space.name)]
    for text in (
        f'space.meeting_code = "{space.meeting_code}"',
        f'space.meeting_code="{space.meeting_code.upper()}"',
    ):
        items, _ = await walk(
            client, "/v2/conferenceRecords", "conferenceRecords", {"filter": text}
        )
        assert items == expected
    items, _ = await walk(
        client,
        "/v2/conferenceRecords",
        "conferenceRecords",
        {"filter": f'space.name = "{space.name}"'},
    )
    assert items == expected
    body = await get(
        client, "/v2/conferenceRecords", {"filter": f'space.name = "{space.name.upper()}"'}
    )
    assert body == {}


async def test_filter_time_range_with_offsets(client: httpx.AsyncClient, data: MeetDataset) -> None:
    now = data.now
    low, high = now - 10 * 86_400 * 10**9, now - 5 * 86_400 * 10**9
    expected = [r.to_json() for r in data.conference_records() if low <= r.start_time <= high]
    assert expected
    # Same instants written with +05:30 and -03:00 offsets and spacing variations.
    low_text = Instant(low + (5 * 3600 + 1800) * 10**9).isoformat().replace("Z", "+05:30")
    high_text = Instant(high - 3 * 3600 * 10**9).isoformat().replace("Z", "-03:00")
    text = f'start_time>="{low_text}"   AND start_time <= "{high_text}"'
    items, _ = await walk(client, "/v2/conferenceRecords", "conferenceRecords", {"filter": text})
    assert items == expected


async def test_filter_exact_nanosecond_start(client: httpx.AsyncClient, data: MeetDataset) -> None:
    record = next(
        r
        for r in data.conference_records()
        if len(Instant(r.start_time).isoformat()) == len("2026-01-01T00:00:00.123456789Z")
    )
    body = await get(
        client,
        "/v2/conferenceRecords",
        {"filter": f'start_time = "{Instant(record.start_time).isoformat()}"'},
    )
    assert record.to_json() in body["conferenceRecords"]
    assert all(
        r["startTime"] == Instant(record.start_time).isoformat() for r in body["conferenceRecords"]
    )


async def test_is_null_filters_select_what_is_still_going_on(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    body = await get(client, "/v2/conferenceRecords", {"filter": "end_time IS NULL"})
    assert body == {"conferenceRecords": [r.to_json() for r in data.live_records()]}
    assert all("endTime" not in r and "expireTime" not in r for r in body["conferenceRecords"])

    live = data.live_records()[0]
    active = [p for p in live.participants if p.latest_end_time is None]
    left = [p for p in live.participants if p.latest_end_time is not None]
    assert active
    body = await get(client, f"/v2/{live.name}/participants", {"filter": "latest_end_time IS NULL"})
    assert body == {"participants": [p.to_json() for p in active]}
    assert all("latestEndTime" not in p for p in body["participants"])
    if left:
        assert all("latestEndTime" in p.to_json() for p in left)

    person = active[0]
    body = await get(
        client, f"/v2/{person.name}/participantSessions", {"filter": "end_time IS NULL"}
    )
    assert body == {"participantSessions": [person.sessions[0].to_json()]}
    assert "endTime" not in body["participantSessions"][0]


async def test_filter_values_with_quotes_and_backslashes_are_literal(
    client: httpx.AsyncClient,
) -> None:
    for text in (
        r'space.name = "spaces/\" OR space.name = \"x"',
        r'space.name = "spaces\\abc"',
        r'space.meeting_code = "abc-mnop-xyz\\"',
        'space.name = ""',
    ):
        assert await get(client, "/v2/conferenceRecords", {"filter": text}) == {}, text


async def test_participant_and_session_filters_on_join_times(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    busiest = data.busiest_record()
    middle = busiest.participants[len(busiest.participants) // 2].earliest_start_time
    text = f'earliest_start_time >= "{Instant(middle).isoformat()}"'
    body = await get(
        client, f"/v2/{busiest.name}/participants", {"filter": text, "pageSize": "250"}
    )
    expected = [p for p in busiest.participants if p.earliest_start_time >= middle]
    assert body["participants"] == [p.to_json() for p in expected]
    many = max(busiest.participants, key=lambda p: len(p.sessions))
    cut = many.sessions[3].start_time
    body = await get(
        client,
        f"/v2/{many.name}/participantSessions",
        {"filter": f'start_time<="{Instant(cut).isoformat()}"'},
    )
    assert body["participantSessions"] == [s.to_json() for s in many.sessions[3:]]


@pytest.mark.parametrize(
    "text",
    [
        'space.name = "a" OR space.name = "b"',
        'NOT space.name = "a"',
        '(space.name = "a")',
        'space.name != "a"',
        'start_time > "2026-01-01T00:00:00Z"',
        'start_time < "2026-01-01T00:00:00Z"',
        "space.name = spaces/abc",
        'space.name = "a" and end_time IS NULL',
        'space.name = "a" AND',
        "AND end_time IS NULL",
        'space.name = "a" end_time IS NULL',
        'space.name = "a\\n"',
        'space.name = "unterminated',
        "space.name = 'single'",
        "end_time IS NOT NULL",
        "end_time is null",
        "end_time IS",
        "space.name IS NULL",
        'space.name >= "a"',
        'start_time = "yesterday"',
        'start_time = "2026-13-01T00:00:00Z"',
        'start_time = "2026-01-01"',
        'start_time = " 2026-01-01T00:00:00Z"',
        "start_time = 2026",
        'earliest_start_time >= "2026-01-01T00:00:00Z"',
        'space.id = "a"',
        'space..name = "a"',
        "end_time",
        '"a" = space.name',
        'space.name == "a"',
        'space.name = "a" AND AND end_time IS NULL',
    ],
)
async def test_conference_record_filters_outside_the_grammar_are_400(
    client: httpx.AsyncClient, text: str
) -> None:
    body = await get(client, "/v2/conferenceRecords", {"filter": text}, status=400)
    assert error_of(body) == (400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")
    assert body["error"]["message"].startswith("Invalid filter: ")


async def test_filters_are_per_method(client: httpx.AsyncClient, data: MeetDataset) -> None:
    record = data.busiest_record()
    await get(client, f"/v2/{record.name}/participants", {"filter": "end_time IS NULL"}, status=400)
    await get(
        client,
        f"/v2/{record.participants[0].name}/participantSessions",
        {"filter": "latest_end_time IS NULL"},
        status=400,
    )
    # Methods without a filter field do not bind the parameter at all.
    body = await get(client, f"/v2/{record.name}/recordings", {"filter": ""}, status=400)
    assert 'Unknown name "filter"' in body["error"]["message"]


async def test_empty_filter_means_no_filter(client: httpx.AsyncClient, data: MeetDataset) -> None:
    body = await get(client, "/v2/conferenceRecords", {"filter": "", "pageSize": "3"})
    assert body["conferenceRecords"] == [r.to_json() for r in data.conference_records()[:3]]


# --- totalSize and fields ------------------------------------------------------------------------


async def test_total_size_only_when_the_field_mask_asks(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    busiest = data.busiest_record()
    path = f"/v2/{busiest.name}/participants"
    total = len(busiest.participants)
    plain = await get(client, path, {"pageSize": "3"})
    assert set(plain) == {"participants", "nextPageToken"}
    masked = await get(
        client, path, {"pageSize": "3", "fields": "participants,nextPageToken,totalSize"}
    )
    assert masked == {**plain, "totalSize": total}
    header = await get(
        client,
        path,
        {"pageSize": "3"},
        {**AUTH, "X-Goog-FieldMask": "participants,next_page_token,total_size"},
    )
    assert header == masked
    only_total = await get(client, path, {"fields": "totalSize"})
    assert only_total == {"totalSize": total}
    names = await get(
        client, path, {"pageSize": "2", "fields": "participants(name,signedinUser/user)"}
    )
    assert names == {
        "participants": [
            {k: v for k, v in p.to_json().items() if k == "name"}
            | ({"signedinUser": {"user": p.user}} if p.user else {})
            for p in busiest.participants[:2]
        ]
    }
    live = data.live_records()[0]
    filtered = await get(
        client,
        f"/v2/{live.name}/participants",
        {"filter": "latest_end_time IS NULL", "fields": "totalSize"},
    )
    assert filtered == {"totalSize": sum(1 for p in live.participants if p.latest_end_time is None)}


async def test_invalid_field_selections_are_400(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    path = f"/v2/{data.busiest_record().name}/participants"
    for mask in ("bogus", "participants,", "participants(name", "participants)"):
        body = await get(client, path, {"fields": mask}, status=400)
        assert error_of(body)[:2] == (400, "INVALID_ARGUMENT")
    await get(client, "/v2/conferenceRecords", {"fields": "totalSize"}, status=400)


# --- spaces ---------------------------------------------------------------------------------------


async def test_spaces_by_id_then_by_meeting_code(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    space = next(s for s in data.spaces() if s.active_record is not None)
    body = await get(client, f"/v2/{space.name}")
    assert body == {
        "name": space.name,
        "meetingUri": f"https://meet.google.com/{space.meeting_code}",
        "meetingCode": space.meeting_code,
        "config": {"accessType": space.access_type, "entryPointAccess": space.entry_point_access},
        "activeConference": {"conferenceRecord": space.active_record.name},  # type: ignore[union-attr]
    }
    for code in (space.meeting_code, space.meeting_code.upper(), space.meeting_code.title()):
        assert await get(client, f"/v2/spaces/{code}") == body
    idle = next(s for s in data.spaces() if s.active_record is None)
    assert "activeConference" not in await get(client, f"/v2/{idle.name}")


async def test_space_ids_are_case_sensitive(client: httpx.AsyncClient, data: MeetDataset) -> None:
    twins: dict[str, list[Space]] = {}
    for space in data.spaces():
        twins.setdefault(space.id.lower(), []).append(space)
    pair = next(group for group in twins.values() if len(group) == 2)
    first, second = pair
    assert first.id.swapcase() == second.id
    assert (await get(client, f"/v2/{first.name}"))["name"] == first.name
    assert (await get(client, f"/v2/{second.name}"))["name"] == second.name
    lone = next(
        s for s in data.spaces() if len(twins[s.id.lower()]) == 1 and s.id.swapcase() != s.id
    )
    await get(client, f"/v2/spaces/{lone.id.swapcase()}", status=404)


# --- state-dependent fields --------------------------------------------------------------------------


async def test_expired_records_are_gone(client: httpx.AsyncClient, data: MeetDataset) -> None:
    expired = data.expired_records()
    assert expired
    items, _ = await walk(client, "/v2/conferenceRecords", "conferenceRecords", {"pageSize": "100"})
    served = {i["name"] for i in items}
    assert served.isdisjoint({r.name for r in expired})
    for record in expired[:5]:
        assert record.expire_time is not None
        assert record.expire_time < data.now
        await get(client, f"/v2/{record.name}", status=404)
        await get(client, f"/v2/{record.name}/participants", status=404)
        await get(client, f"/v2/{record.participants[0].name}", status=404)
    for item in items:
        if "endTime" in item:
            end = Instant.parse(item["endTime"])
            assert item["expireTime"] == Instant(end.ns + EXPIRY_NS).isoformat()
            assert Instant.parse(item["expireTime"]).ns >= data.now
        else:
            assert "expireTime" not in item
    oldest = min(
        items, key=lambda i: Instant.parse(i["expireTime"]).ns if "expireTime" in i else 1 << 80
    )
    # Some visible record expires within a day: the cut-off is exact, not rounded to days.
    assert Instant.parse(oldest["expireTime"]).ns - data.now < 86_400 * 10**9


async def test_artifact_destinations_only_when_file_generated(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    seen: set[str] = set()
    for record in data.conference_records():
        for recording in record.recordings:
            body = await get(client, f"/v2/{recording.name}")
            seen.add(f"recording:{body['state']}")
            assert ("driveDestination" in body) is (body["state"] == "FILE_GENERATED")
            assert ("endTime" in body) is (body["state"] != "STARTED")
            if "driveDestination" in body:
                file = body["driveDestination"]["file"]
                assert (
                    body["driveDestination"]["exportUri"]
                    == f"https://drive.google.com/file/d/{file}/view"
                )
        for transcript in record.transcripts[:1]:
            body = await get(client, f"/v2/{transcript.name}")
            seen.add(f"transcript:{body['state']}")
            assert ("docsDestination" in body) is (body["state"] == "FILE_GENERATED")
            assert ("endTime" in body) is (body["state"] != "STARTED")
    assert seen == {
        f"{kind}:{state}"
        for kind in ("recording", "transcript")
        for state in ("STARTED", "ENDED", "FILE_GENERATED")
    }


async def test_gets_match_list_items(client: httpx.AsyncClient, data: MeetDataset) -> None:
    record = data.busiest_record()
    person = record.participants[0]
    session = person.sessions[0]
    transcript = record.transcripts[0]
    entry = transcript.entries[0]
    for resource in (record, person, session, record.recordings[0], transcript, entry):
        assert await get(client, f"/v2/{resource.name}") == resource.to_json()
    assert entry.to_json()["participant"] in {p.name for p in record.participants}
    user = person.to_json()
    assert sum(k in user for k in ("signedinUser", "anonymousUser", "phoneUser")) == 1


async def test_empty_list_page_is_an_empty_object(
    client: httpx.AsyncClient, data: MeetDataset
) -> None:
    bare = next(r for r in data.conference_records() if not r.recordings)
    assert await get(client, f"/v2/{bare.name}/recordings") == {}
    body = await get(
        client, "/v2/conferenceRecords", {"filter": 'start_time <= "2001-01-01T00:00:00Z"'}
    )
    assert body == {}


# --- quota and faults --------------------------------------------------------------------------------


async def test_per_token_quota_in_fixed_windows(
    client: httpx.AsyncClient, emulator: MeetEmulator, data: MeetDataset
) -> None:
    clock = [1000.0]
    emulator.quota.clock = lambda: clock[0]
    emulator.knobs.options["meet_read_limit_per_minute"] = 3
    try:
        for _ in range(3):
            await get(client, "/v2/conferenceRecords", {"pageSize": "1"})
        body = await get(client, "/v2/conferenceRecords", {"pageSize": "1"}, status=429)
        assert error_of(body) == (429, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED")
        response = await client.get("/v2/conferenceRecords", headers=AUTH)
        assert "retry-after" not in response.headers
        # Another token has its own count.
        other = {"Authorization": f"Bearer {SETTINGS_ONLY_TOKEN}"}
        await get(client, f"/v2/{data.spaces()[0].name}", headers=other)
        # The next fixed window starts a fresh count.
        clock[0] = 1020.0  # window [960, 1020) ends here
        for _ in range(3):
            await get(client, "/v2/conferenceRecords", {"pageSize": "1"})
        await get(client, "/v2/conferenceRecords", status=429)
        # Resetting the knobs restores the default (6000/min) and empties the window.
        emulator.reset_knobs()
        await get(client, "/v2/conferenceRecords", {"pageSize": "1"})
    finally:
        emulator.quota.clock = time.monotonic


async def test_project_quota_counts_every_token(
    client: httpx.AsyncClient, emulator: MeetEmulator, data: MeetDataset
) -> None:
    emulator.quota.clock = lambda: 5.0
    emulator.knobs.options["meet_project_read_limit_per_minute"] = 2
    try:
        await get(client, "/v2/conferenceRecords", {"pageSize": "1"})
        other = {"Authorization": f"Bearer {SETTINGS_ONLY_TOKEN}"}
        await get(client, f"/v2/{data.spaces()[0].name}", headers=other)
        await get(client, f"/v2/{data.spaces()[0].name}", headers=other, status=429)
    finally:
        emulator.quota.clock = time.monotonic


async def test_injected_faults_are_google_errors(
    client: httpx.AsyncClient, emulator: MeetEmulator
) -> None:
    emulator.knobs.burst_429 = 1
    body = await get(client, "/v2/conferenceRecords", status=429)
    assert error_of(body)[:2] == (429, "RESOURCE_EXHAUSTED")
    await get(client, "/v2/conferenceRecords")
    assert [e.status for e in emulator.log.entries("meet")][-2:] == [429, 200]


async def test_fields_apply_to_gets_too(client: httpx.AsyncClient, data: MeetDataset) -> None:
    record = data.busiest_record()
    assert await get(client, f"/v2/{record.name}", {"fields": "name,space"}) == {
        "name": record.name,
        "space": record.space.name,
    }
    headers = {**AUTH, "X-Goog-FieldMask": "start_time"}
    assert await get(client, f"/v2/{record.name}", headers=headers) == {
        "startTime": Instant(record.start_time).isoformat()
    }
    await get(client, f"/v2/{record.name}", {"fields": "participants"}, status=400)
