"""Every field that needs an upstream call of its own is nullable, so a failure nulls only it."""

from __future__ import annotations

from graphql import get_named_type, is_non_null_type

from schema import build_schema
from schema.budget import BudgetLimits, CallEstimator


def test_every_field_with_an_async_resolver_and_every_connection_is_nullable() -> None:
    schema = build_schema()
    estimator = CallEstimator.for_schema(schema, BudgetLimits())
    graph = schema._schema
    non_null: list[str] = []
    for type_name, graphql_type in graph.type_map.items():
        # Mutation payloads stay non-null: their expected failures are in `errors`.
        # `Subscription.sessionEvents: SessionEvent!` is fixed by the contract: each value
        # is an event already received, and its upstream-backed fields are nullable.
        if type_name.startswith("__") or type_name in ("Mutation", "Subscription"):
            continue
        for name, field in (getattr(graphql_type, "fields", None) or {}).items():
            connection = get_named_type(field.type).name.endswith("Connection")
            calls = estimator.is_async(graphql_type, name)
            if (connection or calls) and is_non_null_type(field.type):
                non_null.append(f"{type_name}.{name}")
    assert non_null == []
