"""The RealtimeKit emulator's seeded dataset.

Shape, per docs/upstreams/realtimekit.md ("Concepts"): a session starts when its first
participant joins and ends 60 s after the last one leaves; a meeting has at most
one LIVE session; every join gets a new peer id while `user_id` stays. A few
sessions are large (> 500 joins) so paging both ways has something to walk.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from app.emulators.realtimekit.records import MeetingRecord, ParticipantRecord, SessionRecord

__all__ = ["Dataset", "build_dataset"]

_FIRST = [
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Barbara",
    "Ken",
    "Radia",
    "Edsger",
    "Frances",
]
_LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "Thompson", "Perlman"]
_TOPICS = ["Standup", "Design review", "All hands", "Town hall", "Customer call", "Launch stream"]
_PRESETS = ["group_call_host", "group_call_participant", "webinar_viewer"]
_LARGE = {20: 540, 75: 620, 150: 760}  # session index -> joins, for the big sessions
_SESSIONS = 420
_MEETINGS = 140
_LIVE_MEETINGS = 12
_END_DELAY_MS = 60_000  # a session is ENDED about a minute after the last leave


@dataclass
class Dataset:
    """Everything the emulator serves; mutable only through POST summary."""

    sessions: list[SessionRecord] = field(default_factory=list)
    sessions_by_id: dict[str, SessionRecord] = field(default_factory=dict)
    participants_by_id: dict[str, ParticipantRecord] = field(default_factory=dict)
    meetings: list[MeetingRecord] = field(default_factory=list)

    def add(self, session: SessionRecord) -> None:
        self.sessions.append(session)
        self.sessions_by_id[session.id] = session
        for participant in session.participants:
            self.participants_by_id[participant.id] = participant


@dataclass(frozen=True)
class _User:
    user_id: str
    custom_id: str
    name: str


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def build_dataset(seed: int, now_ms: int, app_id: str) -> Dataset:
    """Deterministic for a seed and `now`; builds in well under a second."""
    rng = random.Random(seed)
    users = [
        _User(_uuid(rng), f"crm-{n:05d}", f"{rng.choice(_FIRST)} {rng.choice(_LAST)}")
        for n in range(900)
    ]
    meetings = [_meeting(rng, n) for n in range(_MEETINGS)]
    data = Dataset(meetings=meetings)
    for index in range(_SESSIONS):
        live = index < _LIVE_MEETINGS  # one LIVE session for each of the first meetings
        meeting = meetings[index] if live else rng.choice(meetings[_LIVE_MEETINGS:])
        joins = _LARGE.get(index) or rng.randint(1, 18)
        if live:
            start = now_ms - rng.randint(5, 180) * 60_000
        else:
            start = now_ms - rng.randint(4 * 3600, 60 * 86400) * 1000 - rng.randint(0, 999)
        data.add(
            _session(
                rng,
                meeting=meeting,
                users=users,
                joins=joins,
                start=start,
                live_now=now_ms if live else None,
                app_id=app_id,
            )
        )
    return data


def _meeting(rng: random.Random, n: int) -> MeetingRecord:
    # A few V1 (legacy Dyte) meetings use room names instead of UUIDs.
    if n % 35 == 34:
        letters = "abcdefghijklmnopqrstuvwxyz"
        room = "".join(rng.choice(letters) for _ in range(6))
        meeting_id = f"{room}-{''.join(rng.choice(letters) for _ in range(6))}"
    else:
        meeting_id = _uuid(rng)
    return MeetingRecord(id=meeting_id, title=f"{rng.choice(_TOPICS)} #{n + 1}")


def _session(
    rng: random.Random,
    *,
    meeting: MeetingRecord,
    users: list[_User],
    joins: int,
    start: int,
    live_now: int | None,
    app_id: str,
) -> SessionRecord:
    session_id = _uuid(rng)
    length = (live_now - start) if live_now else rng.randint(10, 120) * 60_000
    stays: list[ParticipantRecord] = []
    while len(stays) < joins:
        user = rng.choice(users)
        # Some users drop and rejoin: each join is a new peer id, same user id.
        for _ in range(min(joins - len(stays), rng.choice((1, 1, 1, 2, 3)))):
            join = start if not stays else start + rng.randint(0, max(1, length - 60_000))
            leave: int | None = join + rng.randint(30_000, max(31_000, start + length - join))
            if live_now is not None and (leave is None or leave >= live_now or rng.random() < 0.5):
                leave = None
            stays.append(_stay(rng, session_id, user, (join, leave), live_now))
    stays.sort(key=lambda p: (p.joined_ms, p.id))
    ended = None if live_now else max(p.left_ms or 0 for p in stays) + _END_DELAY_MS
    transcript = ended is not None and rng.random() < 0.5
    return SessionRecord(
        id=session_id,
        meeting=meeting,
        kind="livestream" if rng.random() < 0.2 else "meeting",
        organization_id=app_id,
        started_ms=start,
        ended_ms=ended,
        live_participants=sum(1 for p in stays if p.left_ms is None) if live_now else 0,
        max_concurrent=_peak(stays),
        minutes_consumed=round(sum(p.duration_min for p in stays), 4),
        has_chat=rng.random() < 0.6,
        has_transcript=transcript,
        has_summary=transcript and rng.random() < 0.5,
        participants=stays,
    )


def _stay(
    rng: random.Random, session_id: str, user: _User, span: tuple[int, int | None], now: int | None
) -> ParticipantRecord:
    join, leave = span
    until = leave if leave is not None else (now or join)
    return ParticipantRecord(
        id=_uuid(rng),
        session_id=session_id,
        user_id=user.user_id,
        custom_participant_id=user.custom_id,
        display_name=user.name,
        preset_name=rng.choice(_PRESETS),
        joined_ms=join,
        left_ms=leave,
        duration_min=round((until - join) / 60_000, 4),
    )


def _peak(stays: list[ParticipantRecord]) -> int:
    edges = sorted(
        [(p.joined_ms, 1) for p in stays] + [(p.left_ms, -1) for p in stays if p.left_ms],
        key=lambda edge: (edge[0], edge[1]),
    )
    peak = current = 0
    for _, delta in edges:
        current += delta
        peak = max(peak, current)
    return peak
