"""The fake GitHub's GraphQL endpoint: GitHub's real schema, executed over the demo `Org`.

Queries are parsed and validated with graphql-core against the vendored
`data/schema.graphql` (npm `@octokit/graphql-schema`, MIT), then checked and priced the
way GitHub does before it runs anything (every connection needs `first`/`last` of at most
100; at most 500,000 nodes; cost = requests / 100, rounded, minimum 1), then executed by
the resolvers of `graphql_resolvers`. Answers are always what GitHub sends with HTTP 200.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    execute,
    get_named_type,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values, get_directive_values, get_variable_values

from orgmetrics.demo.graphql_resolvers import Context, RootNode, iso
from orgmetrics.demo.model import Org

if TYPE_CHECKING:  # graphql-core 3.3 names it; 3.2 passes a plain dict
    from graphql.execution.values import VariableValues

MAX_PAGE = 100
MAX_NODES = 500_000
DEFAULT_LIMIT = 5000

_schema: GraphQLSchema | None = None
_schema_lock = threading.Lock()


@dataclass(frozen=True)
class GraphQLAnswer:
    """What `POST /graphql` answers (always HTTP 200) and the points it costs."""

    body: dict[str, Any]
    cost: int
    node_count: int = 0
    rate_limited: bool = False


@dataclass(frozen=True)
class GraphQLRate:
    """The caller's GraphQL budget before this query (the server's `graphql` bucket)."""

    limit: int = DEFAULT_LIMIT
    used: int = 0
    reset_at: datetime | None = None


def get_schema() -> GraphQLSchema:
    """GitHub's GraphQL schema, built once per process (about 1.5 s) and shared by threads."""
    global _schema
    if _schema is None:
        with _schema_lock:
            if _schema is None:
                sdl = resources.files("orgmetrics.demo").joinpath("data/schema.graphql")
                # GitHub's SDL deprecates some fields its interfaces do not, which
                # graphql-core's schema validation rejects; the schema itself is sound.
                _schema = build_schema(
                    sdl.read_text(encoding="utf-8"), assume_valid_sdl=True, assume_valid=True
                )
    return _schema


# --------------------------------------------------------------------------- validation

# graphql-core wording -> GitHub's (graphql-ruby) wording for the common mistakes.
_UNDEFINED_FIELD = re.compile(r"^Cannot query field '([^']+)' on type '([^']+)'\.")
_UNKNOWN_ARGUMENT = re.compile(r"^Unknown argument '([^']+)' on field '([^'.]+)\.([^']+)'\.")
_MISSING_ARGUMENT = re.compile(r"^Field '([^']+)' argument '([^']+)' of type '[^']+' is required")


def _github_error(error: GraphQLError) -> dict[str, Any]:
    """A validation error as GitHub words and shapes it (message, locations, extensions)."""
    message = error.message
    extensions: dict[str, Any] = {}
    if m := _UNDEFINED_FIELD.match(message):
        message = f"Field '{m[1]}' doesn't exist on type '{m[2]}'"
        extensions = {"code": "undefinedField", "typeName": m[2], "fieldName": m[1]}
    elif m := _UNKNOWN_ARGUMENT.match(message):
        message = f"Field '{m[3]}' doesn't accept argument '{m[1]}'"
        extensions = {"code": "argumentNotAccepted", "name": m[3], "argumentName": m[1]}
    elif m := _MISSING_ARGUMENT.match(message):
        message = f"Field '{m[1]}' is missing required arguments: {m[2]}"
        extensions = {"code": "missingRequiredArguments", "arguments": m[2]}
    out: dict[str, Any] = {}
    if extensions:
        out["extensions"] = extensions
    out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    out["message"] = message
    return out


@lru_cache(maxsize=256)
def _parsed(query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parse and validate once per distinct query text (collectors repeat the same query)."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    return document, tuple(validate(get_schema(), document))


def validate_query(query: str) -> list[str]:
    """GitHub's messages for what is wrong with `query` against the schema; empty = valid."""
    _, errors = _parsed(query)
    return [_github_error(e)["message"] for e in errors]


# --------------------------------------------------------------------------- limits and cost


@dataclass
class _Analysis:
    """What the pre-execution walk found: requests, nodes and rule violations."""

    requests: int = 0
    nodes: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cost(self) -> int:
        """GitHub's documented cost: requests / 100, rounded, at least 1 point."""
        return max(1, (self.requests + 50) // 100)


class _Analyser:
    """Walks an operation as GitHub does before running it: pagination rules, nodes, cost."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.result = _Analysis()

    def _error(self, error_type: str, message: str, node: FieldNode, path: list[str]) -> None:
        loc = node.loc.source.get_location(node.loc.start) if node.loc else None
        self.result.errors.append(
            {
                "type": error_type,
                "path": path,
                "locations": [{"line": loc.line, "column": loc.column}] if loc else [],
                "message": message,
            }
        )

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if"):
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include is not None and not include.get("if"))

    def walk(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        multiplier: int,
        path: list[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):  # type: ignore[arg-type]
                continue
            if isinstance(selection, FieldNode):
                self._field(selection, parent, multiplier, path)
            elif isinstance(selection, InlineFragmentNode):
                cond = selection.type_condition
                target = self.schema.get_type(cond.name.value) if cond else parent
                if target is not None:
                    self.walk(selection.selection_set, target, multiplier, path)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    if target is not None:
                        self.walk(fragment.selection_set, target, multiplier, path)

    def _field(
        self, node: FieldNode, parent: GraphQLNamedType, multiplier: int, path: list[str]
    ) -> None:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or not fields or name not in fields:
            return
        definition = fields[name]
        named = get_named_type(definition.type)
        key = node.alias.value if node.alias else name
        here = [*path, key]
        child = multiplier
        if named.name.endswith("Connection") and "first" in definition.args:
            args = get_argument_values(definition, node, self.variables)
            first, last = args.get("first"), args.get("last")
            if first is None and last is None:
                self._error(
                    "MISSING_PAGINATION_BOUNDARIES",
                    f"You must provide a `first` or `last` value to properly paginate the "
                    f"`{name}` connection.",
                    node,
                    here,
                )
                return
            if first is not None and last is not None:
                self._error(
                    "INVALID_PAGINATION",
                    f"Passing both `first` and `last` to paginate the `{name}` connection is "
                    "not supported.",
                    node,
                    here,
                )
                return
            for arg, value in (("first", first), ("last", last)):
                if value is not None and value > MAX_PAGE:
                    self._error(
                        "EXCESSIVE_PAGINATION",
                        f"Requesting {value} records on the `{name}` connection exceeds the "
                        f"`{arg}` limit of {MAX_PAGE} records.",
                        node,
                        here,
                    )
                    return
                if value is not None and value < 0:
                    self._error(
                        "INVALID_PAGINATION",
                        f"`{arg}` on the `{name}` connection cannot be less than zero.",
                        node,
                        here,
                    )
                    return
            size: int = first if first is not None else (last or 0)
            self.result.requests += multiplier
            child = multiplier * size
            self.result.nodes += child
        if node.selection_set is not None:
            self.walk(node.selection_set, named, child, here)


def _analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: VariableValues,
) -> _Analysis:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    analyser = _Analyser(schema, fragments, variables)
    if root is not None:
        analyser.walk(operation.selection_set, root, 1, [])
    result = analyser.result
    if not result.errors and result.nodes > MAX_NODES:
        result.errors = [
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": f"This query requests up to {result.nodes:,} possible nodes which "
                f"exceeds the maximum limit of {MAX_NODES:,}.",
            }
        ]
    return result


# --------------------------------------------------------------------------- execution

_MISSING = object()


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """Read a field from a resolver object or dict; call it when it takes arguments."""
    name = info.field_name
    value = (
        source.get(name, _MISSING) if isinstance(source, dict) else getattr(source, name, _MISSING)
    )
    if value is _MISSING:
        raise GraphQLError(
            f"The fake GitHub does not implement `{info.parent_type.name}.{name}`; "
            "see orgmetrics/demo/graphql_resolvers.py."
        )
    if callable(value):
        return value(info, **args)
    return value


def resolve_type(value: Any, info: GraphQLResolveInfo, abstract_type: Any) -> str | None:
    """Concrete type of an interface/union value (Actor -> User/Bot, Ref.target -> Commit)."""
    return getattr(value, "typename", None)


def _execution_error(error: GraphQLError) -> dict[str, Any]:
    """A resolver error in GitHub's shape: `type` on top, then path, locations, message."""
    extensions = dict(error.extensions or {})
    out: dict[str, Any] = {}
    if "type" in extensions:
        out["type"] = extensions.pop("type")
    if error.path is not None:
        out["path"] = list(error.path)
    if extensions:
        out["extensions"] = extensions
    out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    out["message"] = error.message
    return out


def rate_limited_body(user_id: int = 1) -> dict[str, Any]:
    """GitHub's answer (HTTP 200) when the GraphQL point budget is exhausted."""
    return {
        "errors": [
            {"type": "RATE_LIMITED", "message": f"API rate limit exceeded for user ID {user_id}."}
        ]
    }


def execute_graphql(
    org: Org,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None = None,
    *,
    rate: GraphQLRate | None = None,
    forbidden: Collection[str] = (),
) -> GraphQLAnswer:
    """Answer a GraphQL request over `org` as GitHub would, with the points it costs.

    `rate` is the caller's budget before this query (defaults: 5,000 points, none used,
    reset an hour after `org.now`); a query costing more than what remains answers
    RATE_LIMITED and costs nothing. Repos named in `forbidden` (or with a true
    `saml_protected` attribute) answer null plus a FORBIDDEN SAML error, as GitHub does
    for SAML-protected resources. Rejected queries (syntax, schema, pagination) cost 0.
    """
    schema = get_schema()
    document, errors = _parsed(query)
    if document is None or errors:
        return GraphQLAnswer(body={"errors": [_github_error(e) for e in errors]}, cost=0)
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (
            f"Unknown operation named '{operation_name}'."
            if operation_name
            else "Must provide operation name if query contains multiple operations."
        )
        return GraphQLAnswer(body={"errors": [{"message": message}]}, cost=0)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return GraphQLAnswer(body={"errors": [_github_error(e) for e in coerced]}, cost=0)
    analysis = _analyse(schema, document, operation, coerced)
    if analysis.errors:
        return GraphQLAnswer(body={"errors": analysis.errors}, cost=0, node_count=analysis.nodes)
    budget = rate or GraphQLRate()
    cost = analysis.cost
    if budget.used + cost > budget.limit:
        return GraphQLAnswer(body=rate_limited_body(), cost=0, rate_limited=True)
    reset_at = budget.reset_at or org.now + timedelta(hours=1)
    context = Context(
        org=org,
        forbidden=forbidden,
        rate_limit={
            "limit": budget.limit,
            "cost": cost,
            "used": budget.used + cost,
            "remaining": budget.limit - budget.used - cost,
            "resetAt": iso(reset_at),
            "nodeCount": analysis.nodes,
        },
    )
    result = execute(
        schema,
        document,
        root_value=RootNode(context),
        context_value=context,
        variable_values=variables or {},
        operation_name=operation_name,
        field_resolver=resolve_field,
        type_resolver=resolve_type,
    )
    if not isinstance(result, ExecutionResult):
        raise TypeError("the fake's resolvers are synchronous")
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_execution_error(e) for e in result.errors]
    return GraphQLAnswer(body=body, cost=cost, node_count=analysis.nodes)
