"""Vertex AI Search has no event channel: its session events come from polling `sessions.list`.

The poller runs only while someone subscribes to VERTEX_AI_SEARCH. Each round
lists the most recently updated sessions (`orderBy=update_time desc`) and
compares them with the previous round: a session not seen before is
SESSION_STARTED, one that gained an `endTime` is SESSION_ENDED. The first round
only records what exists. Event ids are derived from the session and the time,
so replicas polling the same engine publish each change once (the broker's
de-duplication).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from resolvers.discovery import models
from resolvers.errors import Provider
from resolvers.events import Delivery, EventKind, NodeRef, SessionEvent
from resolvers.timestamps import Instant

__all__ = ["DiscoveryPoller", "SessionLister"]

_log = logging.getLogger(__name__)

# The newest sessions (by update time), as many as one upstream page holds.
SessionLister = Callable[[], Awaitable[list[models.Session]]]
Publish = Callable[[Delivery, str], Awaitable[None]]


@dataclass
class DiscoveryPoller:
    """Polls while started; `interval` seconds between rounds."""

    list_sessions: SessionLister
    publish: Publish
    interval: float
    now: Callable[[], Instant]
    _task: asyncio.Task[None] | None = None
    _ended: dict[str, bool] = field(default_factory=dict)
    rounds: int = 0
    # Set after every round (tests wait on it instead of on time).
    round_done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._ended.clear()
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop_soon(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        first = True
        while True:
            try:
                sessions = await self.list_sessions()
                events = [] if first else self._changes(sessions)
                self._remember(sessions)
                first = False
                for event in events:
                    await self.publish(Delivery(event.id, [event]), "discovery")
                self.rounds += 1
                self.round_done.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.warning("Polling Vertex AI Search sessions failed; retrying next round")
            await asyncio.sleep(self.interval)

    def _remember(self, sessions: list[models.Session]) -> None:
        for session in sessions:
            self._ended[session.name] = session.end_time is not None

    def _changes(self, sessions: list[models.Session]) -> list[SessionEvent]:
        events = []
        for session in sessions:
            known = self._ended.get(session.name)
            if known is None:
                events.append(self._event(session, EventKind.SESSION_STARTED))
            if session.end_time is not None and not known:
                events.append(self._event(session, EventKind.SESSION_ENDED))
        return events

    def _event(self, session: models.Session, kind: EventKind) -> SessionEvent:
        ended = kind is EventKind.SESSION_ENDED
        occurred = (session.end_time if ended else session.start_time) or self.now()
        return SessionEvent(
            id=f"discovery:{session.name}:{kind.value}:{occurred.ns}",
            kind=kind,
            provider=Provider.VERTEX_AI_SEARCH,
            occurred_at=occurred,
            session=NodeRef("Conversation", session.name),
            session_wire=session.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
