"""Strawberry's extension runner, with each hook's wrapping found once per extension class.

For every request and every lifecycle stage (operation, parsing, validation,
execution), Strawberry asks each extension instance for its hook: it compares
the method with the default, runs `inspect.isgeneratorfunction` and
`isasyncgenfunction` on it, binds it and wraps it in a new
`contextlib.contextmanager` (which copies the function's name, doc and dict
onto the wrapper). With the gateway's nine extensions that is about 60 µs of CPU
per request before any hook runs (about 80 µs of an operation inside the gateway,
measured paired against Strawberry's runner). What it finds depends only on the
extensions' classes, so here it is found once per list of classes (one per
app's schema): which extensions have a hook at that stage, each hook function
wrapped once (`contextmanager` of the unbound function) and bound per request
with a `functools.partial`, which gives the same context manager as
Strawberry's (`_GeneratorContextManager` of the hook with the instance). Hooks
that are plain functions or coroutines go Strawberry's own way
(`from_callable`). tests/test_extension_hooks.py runs every kind of hook both
ways and compares.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

__all__ = ["CachedHooksRunner"]

# What an extension class's hook at one stage is: the hook wrapped once and whether it is
# async, or the hook function itself, for Strawberry's `from_callable`.
_Wrapped = tuple[Callable[..., Any], bool]
_Found = _Wrapped | Callable[..., Any]
# Per tuple of extension classes (one per app's schema): each hook's index and what was
# found for it.
_Plan = list[tuple[int, _Found]]
_MAX_PLANS = 256  # apps make extension classes of their own (one per app, for its
# metrics and tracer), and a test run makes many apps: the dicts stay bounded


class _CachedHooks(ExtensionContextManagerBase):
    _plans: ClassVar[dict[tuple[type, ...], _Plan]]

    def __init__(self, extensions: list[SchemaExtension]) -> None:
        kinds = tuple(map(type, extensions))
        plan = self._plans.get(kinds)
        if plan is None:
            if len(self._plans) >= _MAX_PLANS:
                self._plans.clear()
            plan = self._plans[kinds] = self._plan(kinds)
        hooks: list[WrappedHook] = []
        for index, found in plan:
            extension = extensions[index]
            if type(found) is tuple:
                wrapped, is_async = found
                hooks.append(WrappedHook(extension, partial(wrapped, extension), is_async))
            else:
                hooks.append(self.from_callable(extension, found))  # type: ignore[arg-type]
        self.hooks = hooks

    def _plan(self, kinds: tuple[type, ...]) -> _Plan:
        plan: _Plan = []
        for index, kind in enumerate(kinds):
            found = self._find(kind)
            if found is not None:
                plan.append((index, found))
        return plan

    def _find(self, kind: type) -> _Found | None:
        """What `ExtensionContextManagerBase.get_hook` finds for instances of `kind`."""
        hook: Any = getattr(kind, self.HOOK_NAME)
        if hook is getattr(SchemaExtension, self.HOOK_NAME):
            return None
        if inspect.isgeneratorfunction(hook):
            return contextlib.contextmanager(hook), False
        if inspect.isasyncgenfunction(hook):
            return contextlib.asynccontextmanager(hook), True
        if callable(hook):
            return hook  # type: ignore[no-any-return]
        raise ValueError(f"Hook {self.HOOK_NAME} on {kind} must be callable, received {hook!r}")


class _Operation(_CachedHooks, OperationContextManager):
    _plans = {}


class _Parsing(_CachedHooks, ParsingContextManager):
    _plans = {}


class _Validation(_CachedHooks, ValidationContextManager):
    _plans = {}


class _Executing(_CachedHooks, ExecutingContextManager):
    _plans = {}


class CachedHooksRunner(SchemaExtensionsRunner):
    """`SchemaExtensionsRunner` whose stage context managers find hooks per class."""

    def operation(self) -> _Operation:
        return _Operation(self.extensions)

    def validation(self) -> _Validation:
        return _Validation(self.extensions)

    def parsing(self) -> _Parsing:
        return _Parsing(self.extensions)

    def executing(self) -> _Executing:
        return _Executing(self.extensions)
