"""Fault and shape controls of one emulator, changed by tests between requests."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["FaultRule", "Knobs"]


@dataclass
class FaultRule:
    """Answer requests whose path matches `path_regex` with `status` (after `delay_s`).

    `times` limits how many requests the rule catches (None: all). A status of 0
    means "no error, just the delay": with a delay longer than the gateway's read
    timeout that is how a timeout is produced.
    """

    path_regex: str
    status: int
    times: int | None = None
    delay_s: float = 0.0
    retry_after: int | None = None
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return re.search(self.path_regex, path) is not None


@dataclass
class Knobs:
    """Fault and shape controls of one emulator; tests change them between requests."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    # This share of requests hangs for `hang_s` seconds before being answered (a
    # hung upstream, as the gateway's deadline sees it).
    hang_rate: float = 0.0
    hang_s: float = 30.0
    burst_429: int = 0
    retry_after: int | None = 1
    short_pages: bool = False
    # The last page still carries a next token/cursor, which leads to an empty page
    # (Google documents that a token may lead to an empty page).
    trailing_empty_page: bool = False
    rules: list[FaultRule] = field(default_factory=list)
    # Emulator-specific switches (documented per emulator), e.g. envelope shapes.
    options: dict[str, Any] = field(default_factory=dict)

    def short_page_size(self, asked: int) -> int:
        """The page size actually served: half of what was asked when short pages are on."""
        return max(1, (asked + 1) // 2) if self.short_pages else asked

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Knobs:
        """Knobs from the control API's JSON; unknown names raise TypeError."""
        body = dict(body)
        rules = [FaultRule(**rule) for rule in body.pop("rules", [])]
        return cls(**body, rules=rules)
