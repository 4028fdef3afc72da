"""Resolver fields called the way Strawberry calls them, less its per-call wrapping.

For a field with a resolver, Strawberry's own resolve function builds an `Info`,
converts every argument (`convert_arguments`, which walks each argument's type
again on every call), closes over the result in a fresh function, folds the
field's extensions over it (none here) and, for an async resolver, wraps the
resolver's coroutine in two more (`_async_resolver`, `await_maybe`). On the Meet
dashboard (~250 resolver calls taking `first: Int` and `after: String`) those
layers were about 5 % of the gateway's CPU in a py-spy profile; without them the
dashboard took 4.4 % less gateway CPU (two gateways on one emulator, 60
operations each, alternating).

Where that wrapping has nothing to do, the field's resolve function is replaced
by one that does what it would: arguments of a plain scalar type (`Int`,
`String`, `Float`, `Boolean`, optional or not) are passed as graphql-core
coerced them, which is what `convert_argument` returns for them; every other
argument goes through `convert_argument` itself with the same inputs; `self`,
`root`, `parent` and `info` are passed as Strawberry passes them; and the
resolver's result (its coroutine, for an async resolver) is returned as it is,
for graphql-core to await. A field keeps Strawberry's own resolve function if it
has field extensions (permissions among them), exception handlers, a subscription,
a field or resolver class of its own, or anything else this module does not know.
tests/test_lean_resolvers.py runs one schema with every argument shape both ways and
compares what the resolvers received, the data and the errors.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument, convert_argument
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

__all__ = ["install_lean_resolvers", "lean_resolver"]

# graphql-core's coercion of these gives the Python value the resolver receives:
# `convert_argument` returns such a value unchanged.
_AS_COERCED = (int, str, float, bool)

# (GraphQL name, Python name, conversion or None when the coerced value is passed as is)
_Argument = tuple[str, str, Callable[[Any, Any, tuple[str | int, ...]], Any] | None]


def install_lean_resolvers(graphql_schema: GraphQLSchema, converter: GraphQLCoreConverter) -> int:
    """Replace the resolve function of every field it can; how many it replaced."""
    replaced = 0
    subscription = graphql_schema.subscription_type
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type is subscription:
            continue
        for field_def in graphql_type.fields.values():
            lean = lean_resolver(field_def, converter)
            if lean is not None:
                field_def.resolve = lean
                replaced += 1
    return replaced


def lean_resolver(
    field_def: GraphQLField, converter: GraphQLCoreConverter
) -> Callable[..., Any] | None:
    """The lean resolve function for `field_def`, or None where Strawberry's must stay."""
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField):
        return None
    resolver = _plain_resolver(field_def, field, converter)
    if resolver is None:
        return None
    func = resolver.wrapped_func
    if not callable(func) or inspect.isasyncgenfunction(func):
        return None  # Strawberry raises its own error at call time; a generator streams
    arguments = _arguments(field, converter)
    if arguments is None:
        return None
    info_class = converter.config.info_class
    pass_self = resolver.self_parameter is not None
    sources = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    needs_info = info_name is not None or any(convert for _, _, convert in arguments)

    def resolve(source: Any, info: Any, **values: Any) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=field) if needs_info else None
        kwargs: dict[str, Any] = {}
        for name, python_name, convert in arguments:
            if name in values:
                value = values[name]
                kwargs[python_name] = (
                    value if convert is None else convert(value, strawberry_info, (name,))
                )
        for parameter in sources:
            kwargs[parameter] = source
        if info_name is not None:
            kwargs[info_name] = strawberry_info
        return func(source, **kwargs) if pass_self else func(**kwargs)

    return resolve


def _plain_resolver(
    field_def: GraphQLField, field: StrawberryField, converter: GraphQLCoreConverter
) -> StrawberryResolver[Any] | None:
    """The field's resolver, if nothing but the resolver itself runs for the field."""
    resolver = field.base_resolver
    if resolver is None or field.extensions:
        return None
    if field.is_subscription or field_def.subscribe is not None:
        return None
    if (
        type(field).get_result is not StrawberryField.get_result
        or type(resolver).__call__ is not StrawberryResolver.__call__
    ):
        return None  # a field or resolver class of its own
    if resolver.is_graphql_generic:
        return None
    handlers = getattr(converter, "_get_field_exception_handlers", None)
    if handlers is None or handlers(field):
        return None  # exception handlers, or a Strawberry that no longer says
    return resolver


def _arguments(field: StrawberryField, converter: GraphQLCoreConverter) -> list[_Argument] | None:
    config = converter.config
    registry = converter.scalar_registry
    arguments: list[_Argument] = []
    for argument in field.arguments:
        if not argument.python_name:
            return None
        name = config.name_converter.from_argument(argument)
        arguments.append((name, argument.python_name, _conversion(argument, registry, config)))
    return arguments


def _conversion(
    argument: StrawberryArgument, registry: Any, config: Any
) -> Callable[[Any, Any, tuple[str | int, ...]], Any] | None:
    type_ = argument.type
    optional = isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe)
    plain = type_.of_type if isinstance(type_, StrawberryOptional) and optional else type_
    if plain in _AS_COERCED:
        return None

    def convert(value: Any, info: Any, path: tuple[str | int, ...]) -> Any:
        if value is None and optional:
            return None  # what convert_argument returns for a null of an optional type
        return convert_argument(value, type_, registry, config, info, path=path)

    return convert
