"""The request log every emulator appends to: what tests count upstream calls with."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LoggedRequest", "RequestLog"]


@dataclass(frozen=True)
class LoggedRequest:
    """One request an emulator received; `started`/`finished` are `time.monotonic()` values."""

    emulator: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    started: float
    finished: float

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class RequestLog:
    """Every request every emulator answered, in arrival order."""

    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []

    def append(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)

    def entries(self, emulator: str | None = None) -> list[LoggedRequest]:
        return [e for e in self._entries if emulator is None or e.emulator == emulator]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
