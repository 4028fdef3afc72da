"""Live sessions progress: one step makes a participant join or leave a live session.

Each step changes the emulator's own dataset first (so the REST API then shows
the join or the leave) and returns the webhook the upstream would send about
it. Who joins, who leaves and where are drawn from a seeded RNG; the time is
the activity's clock, so a test driving steps by hand sees the same history.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from typing import Any

from app.emulators.live.signing import (
    WebhookRequest,
    meet_push,
    realtimekit_webhook,
    stream_webhook,
)
from app.emulators.meet.dataset import MeetDataset
from app.emulators.meet.resources import ParticipantSession
from app.emulators.realtimekit.dataset import Dataset as RealtimeKitDataset
from app.emulators.realtimekit.records import ParticipantRecord, SessionRecord
from app.emulators.stream.dataset import CallSessionRow, ParticipantRow, StreamDataset
from app.emulators.timeformat import rfc3339
from app.emulators.timeformat import rfc3339_millis as iso_ms

__all__ = ["meet_step", "realtimekit_step", "stream_step"]

# Below this many present participants a step always adds one.
_KEEP = 2


def _leaves(rng: random.Random, present: int, kind: str | None) -> bool:
    """Whether this step is a leave: `kind` ("join"/"leave") forces it, else a coin."""
    if kind is not None:
        return kind == "leave" and present > 0
    return present > _KEEP and rng.random() < 0.5


def stream_step(
    data: StreamDataset, rng: random.Random, now: int, kind: str | None = None
) -> WebhookRequest | None:
    live = sorted((s for s in data.sessions.values() if s.ended_at is None), key=lambda s: s.cid)
    if not live:
        return None
    session = rng.choice(live)
    present = [i for i, p in enumerate(session.participants) if p.left_at is None]
    if _leaves(rng, len(present), kind):
        index = rng.choice(present)
        row = dataclasses.replace(session.participants[index], left_at=now)
        session.participants[index] = row
        event = _stream_event(data, session, row, "call.session_participant_left", now)
        event["duration_seconds"] = (now - row.joined_at) // 1_000_000_000
        return stream_webhook(event)
    user = rng.choice(sorted(data.users))
    row = ParticipantRow(
        user_id=user,
        user_session_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        joined_at=now,
        left_at=None,
        publisher_type="webrtc",
        roles=("user",),
        published_tracks=("audio",),
        is_tech_user=False,
    )
    session.participants.append(row)
    return stream_webhook(_stream_event(data, session, row, "call.session_participant_joined", now))


def _stream_event(
    data: StreamDataset, session: CallSessionRow, row: ParticipantRow, kind: str, now: int
) -> dict[str, Any]:
    user = data.users.get(row.user_id)
    return {
        "type": kind,
        "created_at": rfc3339(now),
        "call_cid": session.cid,
        "session_id": session.session_id,
        "participant": {
            "user": {"id": row.user_id, "name": user.name if user else None, "custom": {}},
            "user_session_id": row.user_session_id,
            "role": row.roles[0] if row.roles else "user",
            "joined_at": rfc3339(row.joined_at),
        },
    }


def realtimekit_step(
    data: RealtimeKitDataset, rng: random.Random, now: int, kind: str | None = None
) -> WebhookRequest | None:
    live = sorted((s for s in data.sessions if s.ended_ms is None), key=lambda s: s.id)
    if not live:
        return None
    session = rng.choice(live)
    now_ms = now // 1_000_000
    present = [p for p in session.participants if p.left_ms is None]
    if _leaves(rng, len(present), kind):
        participant = rng.choice(sorted(present, key=lambda p: p.id))
        participant.left_ms = now_ms
        participant.duration_min = round((now_ms - participant.joined_ms) / 60_000, 2)
        session.live_participants = max(0, session.live_participants - 1)
        return realtimekit_webhook(_rtk_event(session, participant, "meeting.participantLeft"))
    number = rng.randrange(1_000_000)
    participant = ParticipantRecord(
        id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        session_id=session.id,
        user_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        custom_participant_id=f"user-{number:06d}",
        display_name=f"Guest {number:06d}",
        preset_name="group_call_participant",
        joined_ms=now_ms,
        left_ms=None,
        duration_min=0,
    )
    session.participants.append(participant)
    data.participants_by_id[participant.id] = participant
    session.live_participants += 1
    session.max_concurrent = max(session.max_concurrent, session.live_participants)
    return realtimekit_webhook(_rtk_event(session, participant, "meeting.participantJoined"))


def _rtk_event(session: SessionRecord, p: ParticipantRecord, kind: str) -> dict[str, Any]:
    participant: dict[str, Any] = {
        "peerId": p.id,
        "userDisplayName": p.display_name,
        "customParticipantId": p.custom_participant_id,
        "clientSpecificId": p.custom_participant_id,
        "joinedAt": iso_ms(p.joined_ms),
    }
    if p.left_ms is not None:
        participant["leftAt"] = iso_ms(p.left_ms)
    return {
        "event": kind,
        "meeting": {
            "id": session.meeting.id,
            "sessionId": session.id,
            "title": session.meeting.title,
            "roomName": session.meeting.id,
            "status": "LIVE",
            "createdAt": iso_ms(session.started_ms),
            "startedAt": iso_ms(session.started_ms),
            "organizedBy": {"id": session.organization_id, "name": "sessiongraph demo"},
        },
        "participant": participant,
    }


def meet_step(
    data: MeetDataset, rng: random.Random, now: int, kind: str | None = None
) -> WebhookRequest | None:
    live = data.live_records()
    if not live:
        return None
    record = rng.choice(live)
    present = [s for p in record.participants for s in p.sessions if s.end_time is None]
    if _leaves(rng, len(present), kind):
        session = rng.choice(sorted(present, key=lambda s: s.name))
        session.end_time = now
        session.participant.finish()
        kind = "participant.v2.left"
    else:
        # Someone present earlier joins again: a new participant session of theirs.
        participant = rng.choice(sorted(record.participants, key=lambda p: p.name))
        session = ParticipantSession(participant, _meet_id(rng), now, None)
        participant.sessions.append(session)
        participant.finish()
        data._index(record)  # private, but the by-name index must see the new session
        kind = "participant.v2.joined"
    return meet_push(
        kind,
        {"participantSession": {"name": session.name}},
        occurred=now,
        space=record.space.name,
    )


def _meet_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(22))
