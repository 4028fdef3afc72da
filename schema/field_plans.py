"""What graphql-core's per-field machinery can skip, decided once per schema field.

graphql-core executes every field the same way: a `Path`, a `GraphQLResolveInfo`
(Strawberry's subclass, 14 arguments), the resolver, `complete_value` walking the
type wrappers, and awaitable checks in between: about 5 µs a field, and a
100-item page has 500 of them. Most fields of this schema are *basic*
Strawberry fields (a dataclass attribute, no resolver, no extensions) of a leaf
type or of a plain object type, and for those the whole outcome is "read the
attribute, coerce it" or "read the attribute, execute its sub-selection".

A `FieldPlan` records that once per (parent type, field name). The executor
(schema/execution.py) uses it only where the outcome is certain to be the one
graphql-core would reach, and hands anything else (null on a non-null field, a
value that does not coerce, an exception, an awaitable, every non-basic field)
back to graphql-core's own `execute_field`, which then produces exactly the
answer or the located error it always did.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    TypeNameMetaFieldDef,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

__all__ = ["FieldPlan", "PlanKind", "plan_field"]


class PlanKind(Enum):
    SLOW = "slow"  # graphql-core's own execute_field
    TYPENAME = "typename"  # `__typename` on an object type: its name
    LEAF = "leaf"  # basic field of a scalar or enum type: read, coerce
    OBJECT = "object"  # basic field of an object type: read, check its type, descend
    LEAF_LIST = "leaf_list"  # basic field of a list of scalars or enums: read, coerce each
    OBJECT_LIST = "object_list"  # basic field of a list of objects: descend into each


@dataclass(frozen=True, slots=True)
class FieldPlan:
    kind: PlanKind
    # LEAF / OBJECT: reads the attribute from the parent's value.
    read: Callable[[Any], Any] | None = None
    # LEAF: the leaf type's output coercion.
    coerce: Callable[[Any], Any] | None = None
    # The field's declared type and whether it is non-null (a null goes the slow way).
    field_type: GraphQLOutputType | None = None
    object_type: GraphQLObjectType | None = None
    non_null: bool = False
    # OBJECT: Strawberry's `is_type_of` for types with interfaces (called without info).
    type_check: Callable[[Any, Any], Any] | None = None
    # Lists: the declared item type (NonNull-wrapped or not).
    item_type: GraphQLOutputType | None = None


_STRAWBERRY_CONVERTER = GraphQLCoreConverter.__module__
SLOW = FieldPlan(PlanKind.SLOW)
TYPENAME = FieldPlan(PlanKind.TYPENAME)


def plan_field(schema: GraphQLSchema, parent_type: GraphQLObjectType, name: str) -> FieldPlan:
    """The plan for field `name` of `parent_type` (SLOW unless a shortcut is certain)."""
    field_def = schema.get_field(parent_type, name)
    if field_def is TypeNameMetaFieldDef:
        return TYPENAME
    read = _basic_reader(field_def)
    if field_def is None or read is None:
        return SLOW  # unknown, a resolver, arguments, or not Strawberry's attribute read
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    named = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(named, GraphQLList):
        return _list_plan(read, field_type, non_null, named.of_type)
    if isinstance(named, GraphQLLeafType):
        return FieldPlan(
            PlanKind.LEAF,
            read=read,
            coerce=named.coerce_output_value,
            field_type=field_type,
            non_null=non_null,
        )
    if isinstance(named, GraphQLObjectType) and _own_type_check(named):
        return FieldPlan(
            PlanKind.OBJECT,
            read=read,
            field_type=field_type,
            object_type=named,
            non_null=non_null,
            type_check=named.is_type_of,
        )
    return SLOW  # interfaces, unions, types with a value check of their own


def _list_plan(
    read: Callable[[Any], Any],
    field_type: GraphQLOutputType,
    non_null: bool,
    item_type: GraphQLOutputType,
) -> FieldPlan:
    item = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
    common: dict[str, Any] = {
        "read": read,
        "field_type": field_type,
        "non_null": non_null,
        "item_type": item_type,
    }
    if isinstance(item, GraphQLLeafType):
        return FieldPlan(PlanKind.LEAF_LIST, coerce=item.coerce_output_value, **common)
    if isinstance(item, GraphQLObjectType) and _own_type_check(item):
        return FieldPlan(
            PlanKind.OBJECT_LIST, object_type=item, type_check=item.is_type_of, **common
        )
    return SLOW  # lists of lists, of interfaces or unions


def _own_type_check(object_type: GraphQLObjectType) -> bool:
    """No `is_type_of`, or Strawberry's own (an isinstance check against the type and
    its interfaces that never reads its `info` argument): a shortcut can call it."""
    check = object_type.is_type_of
    if check is None:
        return True
    return check.__module__ == _STRAWBERRY_CONVERTER and check.__name__ == "is_type_of"


def _basic_reader(field_def: GraphQLField | None) -> Callable[[Any], Any] | None:
    """How a basic Strawberry field reads its value (None: not a basic field)."""
    if field_def is None or field_def.args:
        return None
    if not getattr(field_def.resolve, "_is_default", False):
        return None  # a resolver of its own, or not Strawberry's attribute read
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    python_name = getattr(definition, "python_name", None)
    default_resolver = getattr(definition, "default_resolver", None)
    if not isinstance(python_name, str) or default_resolver is None:
        return None
    # Strawberry's basic field returns `default_resolver(source, python_name)`.
    if default_resolver is builtins.getattr:
        return operator.attrgetter(python_name)
    return lambda source: default_resolver(source, python_name)
