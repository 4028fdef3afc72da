"""Dataset rows as Stream JSON, on either surface (timestamps per `v2`)."""

from __future__ import annotations

from typing import Any

from app.emulators.stream.dataset import CallRow, CallSessionRow, ParticipantRow, StreamDataset
from app.emulators.stream.wire import timestamp

__all__ = ["call_response", "call_session_response", "participant_details", "stats_item"]


def participant_details(data: StreamDataset, row: ParticipantRow, *, v2: bool) -> dict[str, Any]:
    """`ParticipantSessionDetails`; `left_at` is omitted while still connected."""
    body: dict[str, Any] = {
        "user_id": row.user_id,
        "user_session_id": row.user_session_id,
        "joined_at": timestamp(row.joined_at, v2=v2),
        "duration_in_seconds": data.duration_of(row),
        "publisher_type": row.publisher_type,
        "roles": list(row.roles),
    }
    if row.left_at is not None:
        body["left_at"] = timestamp(row.left_at, v2=v2)
    return body


def user_response(data: StreamDataset, user_id: str, *, v2: bool) -> dict[str, Any]:
    user = data.users.get(user_id)
    body: dict[str, Any] = {
        "id": user_id,
        "role": "user",
        "custom": {},
        "teams": [],
        "created_at": timestamp(data.now, v2=v2),
        "updated_at": timestamp(data.now, v2=v2),
    }
    if user is not None and user.name is not None:
        body["name"] = user.name
    return body


def call_session_response(
    data: StreamDataset, session: CallSessionRow, *, v2: bool
) -> dict[str, Any]:
    """`CallSessionResponse`: `participants` are the ones connected right now."""
    here = [p for p in session.participants if p.left_at is None]
    by_role: dict[str, int] = {}
    for p in here:
        for role in p.roles:
            by_role[role] = by_role.get(role, 0) + 1
    body: dict[str, Any] = {
        "id": session.session_id,
        "participants": [
            {
                "user": user_response(data, p.user_id, v2=v2),
                "user_session_id": p.user_session_id,
                "role": p.roles[0],
                "joined_at": timestamp(p.joined_at, v2=v2),
            }
            for p in here
        ],
        "participants_count_by_role": by_role,
        "anonymous_participant_count": 0,
        "accepted_by": {},
        "rejected_by": {},
        "missed_by": {},
        "started_at": timestamp(session.started_at, v2=v2),
    }
    if session.ended_at is not None:
        body["ended_at"] = timestamp(session.ended_at, v2=v2)
    return body


def stats_item(data: StreamDataset, session: CallSessionRow, *, v2: bool) -> dict[str, Any]:
    """`CallStatsSessionResponse`, plus `session_started_at`/`session_ended_at`."""
    generated = session.ended_at or data.now
    body: dict[str, Any] = {
        "call_type": session.call_type,
        "call_id": session.call_id,
        "call_session_id": session.session_id,
        "generated_at": timestamp(generated, v2=v2),
        "counts": {
            "participants": len({p.user_id for p in session.participants}),
            "sessions": len(session.participants),
        },
        "call_started_at": timestamp(session.started_at, v2=v2),
        "session_started_at": timestamp(session.started_at, v2=v2),
    }
    if session.ended_at is not None:
        body["call_ended_at"] = timestamp(session.ended_at, v2=v2)
        body["session_ended_at"] = timestamp(session.ended_at, v2=v2)
    return body


def call_response(data: StreamDataset, call: CallRow, *, v2: bool) -> dict[str, Any]:
    """`CallResponse` with the current (latest) session."""
    current = call.sessions[-1] if call.sessions else None
    updated = max([call.created_at, *(s.ended_at or s.started_at for s in call.sessions)])
    body: dict[str, Any] = {
        "type": call.type,
        "id": call.id,
        "cid": f"{call.type}:{call.id}",
        "current_session_id": current.session_id if current else "",
        "created_by": user_response(data, call.created_by, v2=v2),
        "custom": {},
        "created_at": timestamp(call.created_at, v2=v2),
        "updated_at": timestamp(updated, v2=v2),
        "recording": False,
        "transcribing": False,
        "captioning": False,
        "translating": False,
        "backstage": False,
        "settings": {},
        "blocked_user_ids": [],
        "ingress": {},
        "egress": {},
    }
    if current is not None:
        body["session"] = call_session_response(data, current, v2=v2)
        if current.ended_at is not None:
            body["ended_at"] = timestamp(current.ended_at, v2=v2)
    return body
