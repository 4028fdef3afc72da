"""The gateway's extension runner (schema/extension_hooks.py) runs hooks as Strawberry does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from schema.extension_hooks import CachedHooksRunner


def _recording(log: list[str]) -> list[type[SchemaExtension]]:
    """Extensions with every kind of hook Strawberry accepts, each noting when it runs."""

    class Generators(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            log.append("operation: enter")
            yield
            log.append("operation: exit")

        def on_parse(self) -> Iterator[None]:
            log.append("parse: enter")
            yield
            log.append(
                f"parse: exit, document {self.execution_context.graphql_document is not None}"
            )

    class AsyncGenerators(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:
            log.append("execute: enter")
            yield
            log.append(f"execute: exit, result {self.execution_context.result is not None}")

    class Callables(SchemaExtension):
        def on_validate(self) -> None:
            log.append("validate: plain")

        async def on_operation(self) -> None:  # type: ignore[override]
            log.append("operation: coroutine")

    class NoHooks(SchemaExtension):
        pass

    return [Generators, AsyncGenerators, Callables, NoHooks]


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


class CachedSchema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return CachedHooksRunner(execution_context=execution_context, extensions=extensions)


async def _run(schema_class: type[strawberry.Schema], query: str) -> tuple[list[str], object]:
    log: list[str] = []
    schema = schema_class(query=Query, extensions=_recording(log))
    results = []
    for _ in range(2):  # the second time from what the first found
        result = await schema.execute(query)
        results.append((result.data, [e.message for e in result.errors or []]))
    return log, results


@pytest.mark.parametrize(
    "query", ['{ hello(name: "x") }', "{ nope }", "{ hello(", "query A { hello } query B { hello }"]
)
async def test_hooks_run_as_strawberrys_own_runner_runs_them(query: str) -> None:
    stock = await _run(strawberry.Schema, query)
    cached = await _run(CachedSchema, query)

    assert cached == stock
    assert "operation: enter" in cached[0]


def test_a_hook_that_is_not_callable_is_refused_as_strawberry_refuses_it() -> None:
    class Broken(SchemaExtension):
        on_operation = 3  # type: ignore[assignment]

    with pytest.raises(ValueError, match="must be callable"):
        CachedHooksRunner(
            execution_context=None, extensions=[Broken(execution_context=None)]
        ).operation()  # type: ignore[arg-type]
