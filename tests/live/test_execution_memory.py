"""Long-lived subscriptions keep flat memory: each event gets its own sub-field memo."""

from __future__ import annotations

from graphql import parse

from schema import build_schema
from schema.execution import GatewayExecutionContext


def test_every_subscription_event_gets_a_fresh_sub_field_memo() -> None:
    schema = build_schema()._schema
    document = parse("subscription { sessionEvents { id attendance { userId } } }")
    executor = GatewayExecutionContext.build(schema, document)
    first = executor.build_per_event_executor(None)
    first._relevant_sub_fields[("x", 1)] = ([], None)
    second = executor.build_per_event_executor(None)
    assert second._relevant_sub_fields == {}
    assert executor._relevant_sub_fields == {}
