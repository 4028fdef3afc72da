"""The emulator's session store: Discovery Engine sessions plus the internal fields it filters on.

`create_time`, `update_time` and `starred` are not fields of the v1 Session
message but the list filter and order accept them (docs/upstreams/discovery.md), so the store
keeps them beside each session. Times are integer nanoseconds; every write takes
its time from a deterministic clock anchored at the config's `now`, so a seed
always yields the same data and writes always sort after seeded sessions.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

from app.emulators.google import GoogleApiError, proto_json
from app.emulators.timeformat import rfc3339

__all__ = ["AnswerRecord", "SessionStore", "StoredSession", "StoredTurn"]

_ID_ALPHABET = string.ascii_lowercase + string.digits
_WRITE_STEP_NS = 1_000_000  # 1 ms between two writes


@dataclass(frozen=True)
class AnswerRecord:
    """The facts of one Answer resource, rendered as ProtoJSON only when asked for.

    Rendering on request (not at seeding) keeps building a fresh emulator fast.
    """

    succeeded: bool
    doc: int
    grounding: float
    created: int
    latency_ns: int
    related: str

    def render(self, name: str, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": name,
            "state": "SUCCEEDED" if self.succeeded else "FAILED",
            "createTime": rfc3339(self.created),
            "completeTime": rfc3339(self.created + self.latency_ns),
        }
        if not self.succeeded:
            return {**body, "answerSkippedReasons": ["OUT_OF_DOMAIN_QUERY_IGNORED"]}
        answer_text = f"{text} See the guide 'Doc {self.doc}' for the steps."
        source = {"title": f"Doc {self.doc}", "uri": f"gs://docs/doc-{self.doc}.pdf"}
        return {
            **body,
            "answerText": answer_text,
            "groundingScore": self.grounding,
            "citations": [
                {
                    "startIndex": "0",  # int64 is a JSON string in ProtoJSON
                    "endIndex": str(len(answer_text)),
                    "sources": [{"referenceId": "0"}],
                }
            ],
            "references": [
                {"chunkInfo": {"content": f"Excerpt about: {text}", "documentMetadata": source}}
            ],
            "relatedQuestions": [self.related],
        }


@dataclass
class StoredTurn:
    """One turn; its Answer (`detail`) is served only with `includeAnswerDetails`."""

    query_id: str | None = None
    text: str | None = None
    answer: str | None = None
    query_config: dict[str, str] = field(default_factory=dict)
    detail: AnswerRecord | None = None

    def to_json(self, *, details: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "query": {"queryId": self.query_id, "text": self.text},
            "answer": self.answer,
            "queryConfig": self.query_config,
        }
        if details and self.detail is not None and self.answer:
            body["detailedAnswer"] = self.detail.render(self.answer, self.text or "")
        return body


@dataclass
class StoredSession:
    """A session as the emulator holds it (ProtoJSON output via `to_json`)."""

    name: str
    parent: str
    user_pseudo_id: str = ""
    display_name: str = ""
    state: str = "IN_PROGRESS"
    labels: list[str] = field(default_factory=list)
    is_pinned: bool = False
    starred: bool = False
    turns: list[StoredTurn] = field(default_factory=list)
    create_time: int = 0
    update_time: int = 0
    end_time: int | None = None

    def to_json(self, *, details: bool = False) -> dict[str, Any]:
        """The Session as the API serves it: camelCase, `Z` times, defaults omitted."""
        return proto_json(  # type: ignore[no-any-return]
            {
                "name": self.name,
                "displayName": self.display_name,
                "state": self.state,
                "userPseudoId": self.user_pseudo_id,
                "turns": [turn.to_json(details=details) for turn in self.turns],
                "labels": self.labels,
                # The emulator sets startTime to the creation time (docs/upstreams/discovery.md).
                "startTime": rfc3339(self.create_time),
                "endTime": rfc3339(self.end_time) if self.end_time else None,
                "isPinned": self.is_pinned,
            }
        )


class SessionStore:
    """Every session of every parent, by full resource name."""

    def __init__(self, *, now: int, seed: int) -> None:
        self.sessions: dict[str, StoredSession] = {}
        self._now = now
        self._writes = 0
        self._rng = random.Random(seed ^ 0x5E55)
        self._ids: set[str] = set()

    def tick(self) -> int:
        """The time of the next write: strictly increasing, after every seeded time."""
        self._writes += 1
        return self._now + self._writes * _WRITE_STEP_NS

    def new_id(self) -> str:
        """A server-assigned id, matching the documented caller-id pattern."""
        while True:
            candidate = "".join(self._rng.choice(_ID_ALPHABET) for _ in range(19))
            if candidate not in self._ids:
                return candidate

    def add(self, session: StoredSession) -> StoredSession:
        if session.name in self.sessions:
            raise GoogleApiError(409, f"Session {session.name} already exists.")
        self.sessions[session.name] = session
        self._ids.add(session.name.rsplit("/", 1)[-1])
        return session

    def get(self, name: str) -> StoredSession:
        found = self.sessions.get(name)
        if found is None:
            raise GoogleApiError(404, f"Session {name} not found.")
        return found

    def delete(self, name: str) -> None:
        self.get(name)
        del self.sessions[name]

    def under(self, parent: str) -> list[StoredSession]:
        return [s for s in self.sessions.values() if s.parent == parent]

    def users(self) -> set[str]:
        return {s.user_pseudo_id for s in self.sessions.values()}
