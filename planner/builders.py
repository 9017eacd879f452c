"""Generated builders: one Python function per selection set, row → response dict.

A builder returns the object's dict with every key in response order:
immediate leaves computed in place, the other fields as None placeholders
that the executor fills once their level is loaded (assigning to an
existing key keeps its position). Leaves serialize exactly as the
reference executor's scalars and enums do: Float through `float()`, enums
by member name (stored text already is the name), the rest unchanged.
DateTime values stay datetimes: orjson writes them at the end exactly as
the reference's `isoformat()` strings (tests/planner/test_builders.py), in
C, where `isoformat()` took half a built trip's time (0.65 of 1.26 us).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeAlias

from graphql import GraphQLEnumType, GraphQLNamedType

from planner.fields import Attribute, Computed
from planner.reasons import SCALAR_NOT_COVERED
from planner.unplannable import Unplannable

Builder: TypeAlias = Callable[[Any], dict[str, Any]]
Leaf: TypeAlias = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _float(value: Any) -> Any:
    return None if value is None else float(value)


def _enum(value: Any) -> Any:
    # Rows hold the stored text, which is the member's name; arguments hold members.
    return value if type(value) is str else value.name if isinstance(value, Enum) else value


# Serializers written into the generated builders as expressions (same results).
_INLINE: dict[Leaf, str] = {
    _float: "(None if ({v} := {read}) is None else float({v}))",
}

_SCALARS: dict[str, Leaf] = {
    "String": _identity,
    "ID": _identity,
    "Int": _identity,
    "Boolean": _identity,
    "Float": _float,
    "DateTime": _identity,  # written by orjson, as isoformat() would (see above)
}


def serializer_for(type_: GraphQLNamedType) -> Leaf:
    if isinstance(type_, GraphQLEnumType):
        return _enum
    found = _SCALARS.get(type_.name)
    if found is None:
        raise Unplannable(SCALAR_NOT_COVERED, type_.name)
    return found


def compile_builder(entries: list[tuple[str, Any]]) -> Builder:
    """`def build(r): return {...}` for (response key, how) entries, in order.

    `how` is ("literal", value), ("leaf", Attribute | Computed, serializer) or
    ("placeholder",).
    """
    env: dict[str, Any] = {}
    parts: list[str] = []
    for index, (key, how) in enumerate(entries):
        kind = how[0]
        if kind == "literal":
            env[f"v{index}"] = how[1]
            expression = f"v{index}"
        elif kind == "placeholder":
            expression = "None"
        else:
            plan, serialize = how[1], how[2]
            if isinstance(plan, Attribute) and plan.name.isidentifier():
                read = f"r.{plan.name}"
            elif isinstance(plan, Attribute):
                env[f"g{index}"] = _getter(plan.name)
                read = f"g{index}(r)"
            else:
                assert isinstance(plan, Computed)
                env[f"g{index}"] = plan.compute
                read = f"g{index}(r)"
            inline = _INLINE.get(serialize)
            if serialize is _identity:
                expression = read
            elif inline is not None:  # the serializer's body, without a call per value
                expression = inline.format(read=read, v=f"v{index}")
            else:
                env[f"s{index}"] = serialize
                expression = f"s{index}({read})"
        parts.append(f"{key!r}: {expression}")
    source = "def build(r):\n    return {" + ", ".join(parts) + "}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<planner builder>", "exec"), env, namespace)
    built: Builder = namespace["build"]
    return built


def _getter(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)
