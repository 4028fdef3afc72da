"""The seeded Stream Video dataset: calls, their sessions and the participant sessions.

Deterministic for a seed and `config.now_ns`. Shape (asserted by the tests): 220
call sessions over 74 calls, about 10,000 participant sessions, three ended
sessions of a "town hall" livestream with more than 1,000 participant sessions
each, a few live sessions, and sessions older than the 90-day retention window.
Times are integer nanoseconds, and carry nanoseconds so precision loss would show.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from app.emulators.config import EmulatorConfig

__all__ = ["CallRow", "CallSessionRow", "ParticipantRow", "StreamDataset", "User", "seed_dataset"]

_S = 1_000_000_000
_DAY = 86_400 * _S
RETENTION_NS = 90 * _DAY
_TYPES = ("default", "audio_room", "livestream", "development")
_WORDS = ("standup", "retro", "review", "sync", "demo", "support", "onboarding", "sales")
_FIRST = (
    "Ada",
    "Grace",
    "Linus",
    "Barbara",
    "Alan",
    "Margaret",
    "Ken",
    "Radia",
    "Dennis",
    "Frances",
)
_LAST = ("Lovelace", "Hopper", "Torvalds", "Liskov", "Turing", "Hamilton", "Thompson", "Perlman")


@dataclass(frozen=True)
class User:
    id: str
    name: str | None


@dataclass(frozen=True)
class ParticipantRow:
    user_id: str
    user_session_id: str
    joined_at: int
    left_at: int | None
    publisher_type: str
    roles: tuple[str, ...]
    published_tracks: tuple[str, ...]
    is_tech_user: bool


@dataclass
class CallSessionRow:
    call_type: str
    call_id: str
    session_id: str
    started_at: int
    ended_at: int | None
    participants: list[ParticipantRow] = field(default_factory=list)

    @property
    def cid(self) -> str:
        return f"{self.call_type}:{self.call_id}"


@dataclass
class CallRow:
    type: str
    id: str
    created_by: str
    created_at: int
    sessions: list[CallSessionRow] = field(default_factory=list)


@dataclass
class StreamDataset:
    now: int
    users: dict[str, User]
    calls: dict[tuple[str, str], CallRow]
    sessions: dict[tuple[str, str, str], CallSessionRow]

    def duration_of(self, row: ParticipantRow) -> int:
        """Whole seconds in the call (up to now while still connected)."""
        end = row.left_at or self.now
        return (end - row.joined_at) // _S

    def expired(self, session: CallSessionRow) -> bool:
        """Past the 90-day retention of `participants_sessions`."""
        ended = session.ended_at
        return ended is not None and self.now - ended > RETENTION_NS


def seed_dataset(config: EmulatorConfig) -> StreamDataset:
    rng = random.Random(config.seed)
    now = config.now_ns
    users = {}
    for n in range(400):
        name = None if n % 7 == 0 else f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        users[f"user-{n:03d}"] = User(f"user-{n:03d}", name)
    data = StreamDataset(now, users, {}, {})
    pool = list(users)
    # The town hall: three recent ended sessions, each with more than 1,000 attendees.
    town_hall = _call(data, rng, "livestream", "town-hall", pool=pool, at=now - 40 * _DAY)
    for days_ago, size in ((20, 1234), (12, 1050), (5, 1480)):
        start = now - days_ago * _DAY
        _session(data, rng, town_hall, pool=pool, start=start, length=3 * 3600 * _S, size=size)
    for n in range(73):
        call_type = _TYPES[n % len(_TYPES)]
        created = now - rng.randrange(150, 170) * _DAY
        call_id = f"{_WORDS[n % len(_WORDS)]}-{n:04d}"
        call = _call(data, rng, call_type, call_id, pool=pool, at=created)
        count = 3 if n < 71 else 2
        start = now - rng.randrange(10, 150) * _DAY
        for k in range(count):
            live = n < 4 and k == count - 1
            if live:
                start = now - rng.randrange(600, 7200) * _S
            length = rng.randrange(15 * 60, 2 * 3600) * _S
            size = rng.randrange(8, 45)
            _session(
                data, rng, call, pool=pool, start=start, length=None if live else length, size=size
            )
            start = min(now - 3 * 3600 * _S, start + rng.randrange(1, 20) * _DAY)
    return data


def _call(
    data: StreamDataset,
    rng: random.Random,
    call_type: str,
    call_id: str,
    *,
    pool: list[str],
    at: int,
) -> CallRow:
    call = CallRow(call_type, call_id, rng.choice(pool), at + rng.randrange(_S))
    data.calls[(call_type, call_id)] = call
    return call


def _session(
    data: StreamDataset,
    rng: random.Random,
    call: CallRow,
    *,
    pool: list[str],
    start: int,
    length: int | None,
    size: int,
) -> None:
    session_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    start += rng.randrange(_S)  # nanoseconds that must survive the trip
    span = length if length is not None else data.now - start
    rows = [_participant(rng, pool, start, span, live=length is None) for _ in range(size)]
    rows.sort(key=lambda r: (r.joined_at, r.user_session_id))
    ended = None
    if length is not None:
        last_left = max(r.left_at for r in rows if r.left_at is not None)
        ended = max(start + length, last_left) + rng.randrange(_S)
    row = CallSessionRow(call.type, call.id, session_id, start, ended, rows)
    call.sessions.append(row)
    data.sessions[(call.type, call.id, session_id)] = row


def _participant(
    rng: random.Random, pool: list[str], start: int, span: int, *, live: bool
) -> ParticipantRow:
    joined = start + rng.randrange(max(1, span * 4 // 5))
    still_here = live and rng.random() < 0.5
    left = (
        None if still_here else joined + rng.randrange(30 * _S, max(31 * _S, start + span - joined))
    )
    kind = rng.random()
    publisher = "webrtc" if kind < 0.85 else ("rtmp" if kind < 0.95 else "srt")
    tracks = ("audio", "video") if rng.random() < 0.6 else ("audio",)
    return ParticipantRow(
        user_id=rng.choice(pool),
        user_session_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        joined_at=joined,
        left_at=left,
        publisher_type=publisher,
        roles=("host",) if rng.random() < 0.05 else ("user",),
        published_tracks=tracks if publisher == "webrtc" else ("video", "audio"),
        is_tech_user=rng.random() < 0.02,
    )
