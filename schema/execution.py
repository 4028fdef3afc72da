"""graphql-core's executor, with field shortcuts and a per-event field cache.

Field shortcuts (schema/field_plans.py): a basic Strawberry field of a leaf type
is read and coerced in place, and one of a plain object type descends into its
sub-selection directly, without the `Path`, resolve info and `complete_value`
walk graphql-core builds for every field. Anything a shortcut is not certain
about goes through graphql-core's own `execute_field` unchanged, so answers,
errors and their paths stay exactly graphql-core's. With field middleware
installed (a Strawberry extension with a `resolve` hook) no shortcut is taken.
On the 100-item attendance document in memory (bench/framework.py) the
shortcuts took execution from 4.1 to 1.6 ms.

Subscriptions: graphql-core 3.3 memoises collected sub-fields by the identity
of each field list and copies the executor shallowly for every subscription
event, so the memo dict is shared by all events of a subscription and gains an
entry per event: a long-lived subscription grew by about 2 KB per event
(measured with tracemalloc, 50 subscriptions x 200 events). A fresh memo per
event (and a fresh plan memo) keeps their benefit within the event and memory
flat across events.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLObjectType, GraphQLOutputType, GraphQLSchema
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.field_plans import FieldPlan, PlanKind, plan_field

__all__ = ["GatewayExecutionContext"]

# Plans depend on the schema only: kept per schema, per (parent type, field name).
_PLANS: dict[tuple[int, str, str], FieldPlan] = {}
_PLAIN = frozenset({str, int, float, bool})


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, name: str) -> FieldPlan:
    key = (id(schema), parent_type.name, name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = plan_field(schema, parent_type, name)
    return plan


class GatewayExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with field shortcuts and per-event memos."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The plans of each grouped field set seen in this execution (by identity; the
        # set is kept alive beside its plans so its id cannot be reused meanwhile).
        self._field_plans: dict[int, tuple[GroupedFieldSet, list[FieldPlan]]] = {}

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}  # the event's own memo
        executor._field_plans = {}  # type: ignore[attr-defined]
        return executor

    def _plans_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[FieldPlan]:
        memo = self._field_plans.get(id(grouped_field_set))
        if memo is not None and memo[0] is grouped_field_set:
            return memo[1]
        plans = [
            _plan(self.schema, parent_type, details[0].node.name.value)
            for details in grouped_field_set.values()
        ]
        self._field_plans[id(grouped_field_set)] = (grouped_field_set, plans)
        return plans

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:  # Strawberry always passes a manager
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plans = self._plans_of(parent_type, grouped_field_set)
        is_awaitable = self.is_awaitable
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        try:
            for (name, details), plan in zip(grouped_field_set.items(), plans, strict=True):
                kind = plan.kind
                if kind is PlanKind.TYPENAME:
                    results[name] = parent_type.name
                    continue
                result = Undefined if kind is PlanKind.SLOW else self._read(plan, source_value)
                if result is not Undefined and kind is PlanKind.OBJECT and result is not None:
                    result = self._descend(
                        plan, result, Path(path, name, parent_type.name), details, position_context
                    )
                if result is Undefined:  # not certain: graphql-core's own way
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        details,
                        Path(path, name, parent_type.name),
                        position_context,
                    )
                    if result is Undefined:
                        continue
                results[name] = result
                if result is not None and type(result) not in _PLAIN and is_awaitable(result):
                    awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather_fields(results, awaitable_fields)

    def _read(self, plan: FieldPlan, source: Any) -> Any:
        """A leaf's coerced value or an object field's value (None for a nullable null),
        or Undefined when graphql-core must decide."""
        try:
            value = plan.read(source)  # type: ignore[misc]
        except Exception:
            return Undefined
        if value is None:
            return Undefined if plan.non_null else None
        if type(value) not in _PLAIN and (isinstance(value, Exception) or self.is_awaitable(value)):
            return Undefined
        if plan.kind is PlanKind.OBJECT:
            return value if self._is_type_of(plan, value) else Undefined
        try:
            coerced = plan.coerce(value)  # type: ignore[misc]
        except Exception:
            return Undefined
        return Undefined if coerced is None or coerced is Undefined else coerced

    @staticmethod
    def _is_type_of(plan: FieldPlan, value: Any) -> bool:
        check = plan.type_check
        if check is None:
            return True
        try:
            return check(value, None) is True  # anything else: graphql-core decides
        except Exception:
            return False

    def _descend(
        self,
        plan: FieldPlan,
        value: Any,
        path: Path,
        details: FieldDetailsList,
        position_context: Any,
    ) -> Any:
        """An object field's completed sub-selection (what complete_object_value does
        once its type check passed), its errors handled as execute_field does."""
        field_type: GraphQLOutputType = plan.field_type  # type: ignore[assignment]
        try:
            completed = self.collect_and_execute_subfields(
                plan.object_type,  # type: ignore[arg-type]
                details,
                path,
                value,
                position_context,
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_type, details, path)
            return None
        if self.is_awaitable(completed):
            return self._await_completed(completed, field_type, details, path)
        return completed

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        field_type: GraphQLOutputType,
        details: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_type, details, path)
            return None

    @staticmethod
    async def _gather_fields(results: dict[str, Any], names: list[str]) -> dict[str, Any]:
        if len(names) == 1:
            results[names[0]] = await results[names[0]]
            return results
        values = await gather_with_cancel(*(results[name] for name in names))
        results.update(zip(names, values, strict=True))
        return results
