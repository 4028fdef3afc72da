"""The upstream-call budget of one operation, enforced while it runs.

Before execution the schema layer refuses an operation whose estimated
worst case is over the budget (`schema/budget.py`). The estimate is an upper
bound, so this counter should never trip; it is the guarantee that holds even
if the estimate is wrong: every upstream call (not every retry attempt: those
are bounded by the retry policy and the deadline) takes one unit, and a call
beyond the budget is not made, its field gets QUERY_TOO_COMPLEX.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from resolvers.errors import ErrorCode, GatewayError, Provider

__all__ = ["CallBudget", "charge", "current", "operation_budget", "over_budget"]


def over_budget(
    limit: int, *, estimate: int | None = None, provider: Provider | None = None
) -> GatewayError:
    """QUERY_TOO_COMPLEX naming the budget (and the estimate, when refused before running)."""
    extra: dict[str, int] = {"maxUpstreamCalls": limit}
    if estimate is not None:
        extra["estimatedUpstreamCalls"] = estimate
        message = (
            f"This operation could make up to {estimate} upstream calls; the limit is {limit}. "
            "Ask for smaller pages or fewer nested connections."
        )
    else:
        message = f"This operation reached its limit of {limit} upstream calls"
    return GatewayError(ErrorCode.QUERY_TOO_COMPLEX, message, provider=provider, extra=extra)


@dataclass
class CallBudget:
    """Upstream calls one operation may still make."""

    limit: int
    used: int = 0

    def charge(self, provider: Provider) -> None:
        """Take one call, or raise QUERY_TOO_COMPLEX when none is left."""
        if self.used >= self.limit:
            raise over_budget(self.limit, provider=provider)
        self.used += 1


_CURRENT: ContextVar[CallBudget | None] = ContextVar("sessiongraph_budget", default=None)


def charge(provider: Provider) -> None:
    """Charge the running operation's budget (no budget outside an operation)."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.charge(provider)


def current() -> CallBudget | None:
    return _CURRENT.get()


@contextmanager
def operation_budget(limit: int) -> Iterator[CallBudget]:
    """Count the enclosed operation's upstream calls against `limit`."""
    budget = CallBudget(limit)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
