"""graphql-core's executor, with field shortcuts and a per-event field cache.

Field shortcuts (schema/field_plans.py): a basic Strawberry field of a leaf type
is read and coerced in place, and one of a plain object type descends into its
sub-selection directly, without the `Path`, resolve info and `complete_value`
walk graphql-core builds for every field. Anything a shortcut is not certain
about goes through graphql-core's own `execute_field` unchanged, so answers,
errors and their paths stay exactly graphql-core's. With field middleware
installed (a Strawberry extension with a `resolve` hook) no shortcut is taken.
On the 100-item attendance document in memory (bench/framework.py, one
`./dev bench` run) Strawberry took 3.3 ms on its stock executor, 1.6 ms on this one.

Subscriptions: graphql-core 3.3 memoises collected sub-fields by the identity
of each field list and copies the executor shallowly for every subscription
event, so the memo dict is shared by all events of a subscription and gains an
entry per event: a long-lived subscription grew by about 2 KB per event
(measured with tracemalloc, 50 subscriptions x 200 events). A fresh memo per
event (and a fresh plan memo) keeps their benefit within the event and memory
flat across events.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLOutputType, GraphQLSchema
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.compiled_selection import Completer, SelectionCompiler
from schema.field_plans import FieldPlan, PlanKind, plan_field
from schema.weak_helpers import weak_helpers

__all__ = ["GatewayExecutionContext"]

# Plans depend on the schema only: kept per schema (for as long as it lives), per
# (parent type, field name).
_PLANS: weakref.WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], FieldPlan]] = (
    weakref.WeakKeyDictionary()
)
_PLAIN = frozenset({str, int, float, bool})
_SEQUENCES = frozenset({list, tuple})
_DESCENDING = frozenset({PlanKind.OBJECT, PlanKind.OBJECT_LIST})


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, name: str) -> FieldPlan:
    plans = _PLANS.get(schema)
    if plans is None:
        plans = _PLANS[schema] = {}
    key = (parent_type.name, name)
    plan = plans.get(key)
    if plan is None:
        plan = plans[key] = plan_field(schema, parent_type, name)
    return plan


class GatewayExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with field shortcuts and per-event memos."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core hands resolvers two of the executor's own bound methods, and
        # keeps them on the executor: a reference cycle that would keep the executor,
        # the request's context and its loaders alive until a full cyclic collection.
        # The same methods, held weakly (the executor outlives every resolver call).
        self.async_helpers = weak_helpers(self)
        # The plans of each grouped field set seen in this execution (by identity; the
        # set is kept alive beside its plans so its id cannot be reused meanwhile).
        self._field_plans: dict[
            int, tuple[GroupedFieldSet, list[tuple[str, FieldDetailsList, FieldPlan]]]
        ] = {}
        # The completers of grouped field sets (schema/compiled_selection.py), likewise.
        self._completers: dict[int, tuple[GroupedFieldSet, Completer | None]] = {}
        self._compiler = self._new_compiler()

    def _new_compiler(self) -> SelectionCompiler:
        # Bound to this executor's own collect memo (per event for subscriptions).
        # Held weakly: the executor keeps its compiler (no cycle, see __init__).
        return SelectionCompiler(
            functools.partial(_plan, self.schema), weakref.WeakMethod(self.collect_subfields)
        )

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}  # the event's own memo
        executor._field_plans = {}  # type: ignore[attr-defined]
        executor._completers = {}  # type: ignore[attr-defined]
        executor._compiler = executor._new_compiler()  # type: ignore[attr-defined]
        return executor

    def _plans_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[tuple[str, FieldDetailsList, FieldPlan]]:
        memo = self._field_plans.get(id(grouped_field_set))
        if memo is not None and memo[0] is grouped_field_set:
            return memo[1]
        plans = [
            (name, details, _plan(self.schema, parent_type, details[0].node.name.value))
            for name, details in grouped_field_set.items()
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
            for name, details, plan in plans:
                kind = plan.kind
                if kind is PlanKind.TYPENAME:
                    results[name] = parent_type.name
                    continue
                result = Undefined if kind is PlanKind.SLOW else self._read(plan, source_value)
                if result is not Undefined and result is not None and kind in _DESCENDING:
                    field_path = Path(path, name, parent_type.name)
                    if kind is PlanKind.OBJECT:
                        result = self._descend(plan, result, field_path, details, position_context)
                    else:
                        result = self._object_list(
                            plan, result, field_path, details, position_context
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
        return _FINISH[plan.kind](self, plan, value)

    def _leaf(self, plan: FieldPlan, value: Any) -> Any:
        try:
            coerced = plan.coerce(value)  # type: ignore[misc]
        except Exception:
            return Undefined
        return Undefined if coerced is None or coerced is Undefined else coerced

    def _checked_object(self, plan: FieldPlan, value: Any) -> Any:
        return value if self._is_type_of(plan, value) else Undefined

    def _checked_items(self, plan: FieldPlan, value: Any) -> Any:
        return value if self._plain_items(plan, value) else Undefined

    @staticmethod
    def _is_type_of(plan: FieldPlan, value: Any) -> bool:
        check = plan.type_check
        if check is None:
            return True
        try:
            return check(value, None) is True  # anything else: graphql-core decides
        except Exception:
            return False

    def _plain_items(self, plan: FieldPlan, items: Any) -> bool:
        """A list or tuple of values of the item type, none null, none awaitable."""
        if type(items) not in _SEQUENCES:
            return False
        is_awaitable = self.is_awaitable
        for item in items:
            if item is None or isinstance(item, Exception) or is_awaitable(item):
                return False
            if not self._is_type_of(plan, item):
                return False
        return True

    def _leaf_list(self, plan: FieldPlan, items: Any) -> Any:
        if type(items) not in _SEQUENCES:
            return Undefined
        coerce = plan.coerce
        completed = []
        for item in items:
            if item is None or (type(item) not in _PLAIN and self.is_awaitable(item)):
                return Undefined
            try:
                coerced = coerce(item)  # type: ignore[misc]
            except Exception:
                return Undefined
            if coerced is None or coerced is Undefined:
                return Undefined
            completed.append(coerced)
        return completed

    def _object_list(
        self,
        plan: FieldPlan,
        items: Any,
        path: Path,
        details: FieldDetailsList,
        position_context: Any,
    ) -> Any:
        """Each item's sub-selection (complete_list_value for plain items, with no
        `@stream`), item errors and the list's own handled as graphql-core does."""
        if any(d.node.directives for d in details):
            return Undefined  # @stream (or another directive): graphql-core's way
        if not items:
            return []
        item_type: GraphQLOutputType = plan.item_type  # type: ignore[assignment]
        object_type: GraphQLObjectType = plan.object_type  # type: ignore[assignment]
        completed: list[Any] = []
        complete = self._sub_completer(object_type, details, position_context)
        if complete is not None:  # every item in one pass while each is certain
            for item in items:
                done = complete(item)
                if done is Undefined:
                    break
                completed.append(done)
            else:
                return completed
        run = self._subfields(object_type, details, position_context)
        is_awaitable = self.is_awaitable
        waiting: list[int] = []
        try:
            for index in range(len(completed), len(items)):
                item = items[index]
                item_path = path.add_key(index, None)
                try:
                    sub = run(item, item_path)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, details, item_path)
                    sub = None
                if sub is not None and is_awaitable(sub):
                    sub = self._await_completed(sub, item_type, details, item_path)
                    waiting.append(index)
                completed.append(sub)
        except Exception as raw_error:  # a non-null item failed: the list field's error
            if waiting:
                self.settle_in_background([completed[i] for i in waiting])
            self.handle_field_error(raw_error, plan.field_type, details, path)  # type: ignore[arg-type]
            return None
        if not waiting:
            return completed
        gathered = self._gather_items(completed, waiting)
        return self._await_completed(gathered, plan.field_type, details, path)  # type: ignore[arg-type]

    @staticmethod
    async def _gather_items(completed: list[Any], waiting: list[int]) -> list[Any]:
        if len(waiting) == 1:
            completed[waiting[0]] = await completed[waiting[0]]
            return completed
        values = await gather_with_cancel(*(completed[i] for i in waiting))
        for index, value in zip(waiting, values, strict=True):
            completed[index] = value
        return completed

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
            run = self._subfields(plan.object_type, details, position_context)  # type: ignore[arg-type]
            completed = run(value, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_type, details, path)
            return None
        if self.is_awaitable(completed):
            return self._await_completed(completed, field_type, details, path)
        return completed

    def _subfields(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, position_context: Any
    ) -> Callable[[Any, Path], Any]:
        """Executes the sub-selection of `details` on a value of `object_type`.

        Outside incremental delivery (no delivery groups, no `@defer` below) that is
        `execute_fields` on the collected sub-fields, which is all graphql-core's
        collect-and-execute would do; the fields are collected once for a whole list.
        """
        if position_context is None:
            grouped, defers, _ = self.collect_subfields(object_type, details)
            if not defers:
                execute = self.execute_fields
                complete = self._completer(object_type, grouped)
                if complete is None:
                    return lambda value, path: execute(object_type, value, path, grouped, None)

                def run(value: Any, path: Path) -> Any:
                    done = complete(value)
                    if done is Undefined:  # not certain: field by field, as graphql-core does
                        return execute(object_type, value, path, grouped, None)
                    return done

                return run
        collect = self.collect_and_execute_subfields
        return lambda value, path: collect(object_type, details, path, value, position_context)

    def _sub_completer(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, position_context: Any
    ) -> Completer | None:
        """The one-pass completer of `details`' sub-selection, where there is one."""
        if position_context is not None:
            return None
        grouped, defers, _ = self.collect_subfields(object_type, details)
        return None if defers else self._completer(object_type, grouped)

    def _completer(
        self, object_type: GraphQLObjectType, grouped: GroupedFieldSet
    ) -> Completer | None:
        memo = self._completers.get(id(grouped))
        if memo is not None and memo[0] is grouped:
            return memo[1]
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            completer = None  # field middleware sees every field: no shortcut
        else:
            completer = self._compiler.object(object_type, grouped)
        self._completers[id(grouped)] = (grouped, completer)
        return completer

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


# What `_read` does with a value, once read and found present, per kind of plan.
_FINISH = {
    PlanKind.LEAF: GatewayExecutionContext._leaf,
    PlanKind.OBJECT: GatewayExecutionContext._checked_object,
    PlanKind.OBJECT_LIST: GatewayExecutionContext._checked_items,
    PlanKind.LEAF_LIST: GatewayExecutionContext._leaf_list,
}
