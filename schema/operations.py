"""The GraphQL spec's operation selection rule, which Strawberry relaxes.

With several operations in a document and no `operationName`, the spec says the
request is an error ("GetOperation", GraphQL spec §6.1). Strawberry instead runs
the first operation, so a client that forgot the name silently gets the wrong one.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from resolvers.errors import ErrorCode

__all__ = ["RequireOperationName"]


class RequireOperationName(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # The public `operation_name` already falls back to the first operation's
        # name, so only the private field tells whether the client sent one.
        provided = getattr(context, "_provided_operation_name", None)
        if document is not None and provided is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                context.pre_execution_errors = [
                    GraphQLError(
                        "Must provide operationName when the document has several operations",
                        extensions={"code": ErrorCode.BAD_USER_INPUT.value},
                    )
                ]
        yield
