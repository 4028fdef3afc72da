"""What every domain's mutations share: `MutationError` and the expected-failure rule.

Expected failures (not found, already exists, invalid input) come back in the
payload's `errors` (see schema/schema.graphql); anything else (credentials, rate limits, an
unavailable upstream) stays a GraphQL error with its `extensions.code`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from resolvers.errors import ErrorCode, GatewayError

__all__ = ["EXPECTED_CODES", "MutationError", "attempt"]

T = TypeVar("T")

EXPECTED_CODES = frozenset({ErrorCode.NOT_FOUND, ErrorCode.BAD_USER_INPUT})
# Upstream google.rpc.Code names worth passing on as the payload error's code.
_SPECIFIC_REASONS = frozenset({"ALREADY_EXISTS", "FAILED_PRECONDITION"})


@strawberry.type(description="An expected failure of a mutation: the payload says what went wrong.")
class MutationError:
    code: str = strawberry.field(
        description="NOT_FOUND, ALREADY_EXISTS, BAD_USER_INPUT or FAILED_PRECONDITION."
    )
    message: str = strawberry.field(description="A human-readable explanation.")
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, when one is."
    )

    @classmethod
    def from_gateway(cls, error: GatewayError) -> MutationError:
        code = error.reason if error.reason in _SPECIFIC_REASONS else error.code.value
        return cls(code=code or error.code.value, message=error.message, field=error.field)


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[MutationError]]:
    """Run a write: its result and no errors, or None and the expected failure.

    Unexpected failures are re-raised so they surface as GraphQL errors.
    """
    try:
        return await call, []
    except GatewayError as error:
        if error.code not in EXPECTED_CODES:
            raise
        return None, [MutationError.from_gateway(error)]
