"""Compare the served schema with the public contract (../shared/contract)."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

KINDS = (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)
# The public contract lives in the team's shared folder beside the checkout
# (../shared/contract). A copy is kept in the repository so a clone anywhere
# can run the contract test; .ci/run fails when the copy and the shared file
# (if present) differ.
CONTRACT = Path(__file__).resolve().parent / "contract_copy" / "schema.graphql"


def contract_schema() -> GraphQLSchema:
    return build_schema(CONTRACT.read_text())


def contract_gaps(served: GraphQLSchema, contract: GraphQLSchema) -> list[str]:
    """Everything the contract has that the served schema lacks or types differently."""
    gaps: list[str] = []
    for name, wanted in contract.type_map.items():
        if name.startswith("__"):
            continue
        got = served.type_map.get(name)
        if got is None:
            gaps.append(f"missing type {name}")
            continue
        kind = next(k for k in KINDS if isinstance(wanted, k))
        if not isinstance(got, kind):
            gaps.append(f"{name} is a {type(got).__name__}, contract says {kind.__name__}")
            continue
        if isinstance(wanted, GraphQLEnumType):
            missing = set(wanted.values) - set(got.values)  # type: ignore[attr-defined]
            gaps.extend(f"missing enum value {name}.{v}" for v in sorted(missing))
        if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType):
            got_interfaces = {i.name for i in got.interfaces}  # type: ignore[attr-defined]
            for interface in wanted.interfaces:
                if interface.name not in got_interfaces:
                    gaps.append(f"{name} does not implement {interface.name}")
        if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in wanted.fields.items():
                served_field = got.fields.get(field_name)  # type: ignore[attr-defined]
                if served_field is None:
                    gaps.append(f"missing field {name}.{field_name}")
                    continue
                if str(served_field.type) != str(field.type):
                    gaps.append(
                        f"{name}.{field_name}: {served_field.type}, contract says {field.type}"
                    )
                for arg_name, arg in getattr(field, "args", {}).items():
                    served_arg = served_field.args.get(arg_name)
                    if served_arg is None:
                        gaps.append(f"missing argument {name}.{field_name}({arg_name})")
                    elif str(served_arg.type) != str(arg.type):
                        gaps.append(
                            f"{name}.{field_name}({arg_name}): {served_arg.type}, "
                            f"contract says {arg.type}"
                        )
                for arg_name in getattr(served_field, "args", {}):
                    extra = served_field.args[arg_name]
                    if (
                        arg_name not in getattr(field, "args", {})
                        and str(extra.type).endswith("!")
                        and extra.default_value is None
                    ):
                        gaps.append(f"extra required argument {name}.{field_name}({arg_name})")
    return gaps
