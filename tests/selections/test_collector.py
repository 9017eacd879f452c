"""The collector: the spec's CollectFields, linear in the document, within its budget."""

from __future__ import annotations

import pytest
from graphql import DocumentNode, OperationDefinitionNode, parse

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from selections import (
    MAX_NESTING,
    CollectedField,
    CollectedObject,
    CollectedOperation,
    DocumentSelections,
    SelectionTooComplex,
    directive_variables,
)
from selections import document as document_module
from tests.selections.chain import chain

SCHEMA = graphql_schema(build_schema())


def operation_of(document: DocumentNode) -> OperationDefinitionNode:
    return next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))


def collect(text: str, flags: tuple[bool, ...] | None = None, **kwargs: int) -> CollectedOperation:
    document = parse(text)
    return DocumentSelections(SCHEMA, document, **kwargs).collect(operation_of(document), flags)


def at(found: CollectedObject | CollectedField | None, *path: str) -> CollectedField:
    """The field at `path` (response keys) below `found`, through single-type objects."""
    assert found is not None
    for key in path:
        if isinstance(found, CollectedField):
            [found] = found.objects.values()
        found = found.fields[key]
    assert isinstance(found, CollectedField)
    return found


def keys(found: CollectedField, type_name: str | None = None) -> list[str]:
    objects = found.objects
    selected = objects[type_name] if type_name else next(iter(objects.values()))
    return list(selected.fields)


def test_fields_merge_by_response_key_in_first_appearance_order() -> None:
    collected = collect("""{ activeSeason { name id ...S n: name name } }
      fragment S on Season { startsAt id }""")
    season = at(collected.root, "activeSeason")
    assert keys(season) == ["name", "id", "startsAt", "n"]
    assert len(at(season, "name").nodes) == 2  # merged, each node once
    assert len(at(season, "id").nodes) == 2


def test_type_conditions_per_concrete_type() -> None:
    collected = collect("""{ node(id: "x") { id ... on Driver { name } ...T } }
      fragment T on Trip { distanceKm }""")
    node = at(collected.root, "node")
    assert keys(node, "Driver") == ["id", "name"]
    assert keys(node, "Trip") == ["id", "distanceKm"]
    assert keys(node, "Season") == ["id"]


def test_a_fragment_spread_again_in_one_place_is_collected_once() -> None:
    collected = collect("""{ activeSeason { ...S ...S ... on Season { ...S } } }
      fragment S on Season { id }""")
    assert len(at(collected.root, "activeSeason", "id").nodes) == 1


def test_skip_and_include_on_the_requests_values() -> None:
    text = """query($a: Boolean!, $b: Boolean!) { activeSeason {
      id @skip(if: $a) name @include(if: $b) startsAt @skip(if: true) endsAt @include(if: true)
      ...S @include(if: $b) } }
      fragment S on Season { n: name }"""
    season = at(collect(text, (False, False)).root, "activeSeason")
    assert keys(season) == ["id", "endsAt"]
    season = at(collect(text, (True, True)).root, "activeSeason")
    assert keys(season) == ["name", "endsAt", "n"]
    # No values: every condition on a variable holds (the most any request selects).
    assert keys(at(collect(text).root, "activeSeason")) == ["id", "name", "endsAt", "n"]


def test_directive_variables_are_those_skip_and_include_read() -> None:
    document = parse("""query($a: Boolean!, $b: Boolean!) { activeSeason { ...S @skip(if: $b)
      id @include(if: $a) name @deprecatedSomething(x: $c) } }
      fragment S on Season { id @skip(if: $a) }""")
    assert sorted(directive_variables(document)) == ["a", "b"]


@pytest.mark.parametrize("fragments", [10, 20, 30])
def test_the_doubling_fragment_chain_takes_steps_linear_in_its_size(fragments: int) -> None:
    collected = collect(chain(fragments))
    assert keys(at(collected.root, "drivers", "nodes")) == ["id", "name"]
    # One place for the fragments: each is flattened once (spread, merge) and then
    # merged; never expanded 2^n times. A handful of steps per fragment.
    assert collected.steps <= 5 * fragments + 20


def test_steps_grow_linearly_with_the_chain() -> None:
    growth = collect(chain(60)).steps - collect(chain(30)).steps
    assert growth == collect(chain(30)).steps - collect(chain(0)).steps


def test_the_budget_refuses_and_remembers(monkeypatch: pytest.MonkeyPatch) -> None:
    document = parse(chain(30))
    selections = DocumentSelections(SCHEMA, document, max_steps=50)
    with pytest.raises(SelectionTooComplex) as refused:
        selections.collect(operation_of(document))
    assert refused.value.limit == 50 and refused.value.code == "SELECTION_TOO_COMPLEX"
    built: list[object] = []
    monkeypatch.setattr(document_module, "collect_operation", lambda *a, **k: built.append(a))
    with pytest.raises(SelectionTooComplex):
        selections.collect(operation_of(document))
    assert built == []  # the refusal was remembered: nothing walked again


def test_trees_are_memoized_per_operation_and_values() -> None:
    document = parse("query($a: Boolean!) { activeSeason { id @skip(if: $a) } }")
    selections = DocumentSelections(SCHEMA, document)
    operation = operation_of(document)
    assert selections.flags({"a": True}) == (True,)
    assert selections.collect(operation, (True,)) is selections.collect(operation, (True,))
    assert selections.collect(operation) is selections.collect(operation, None)
    assert selections.collect(operation, (True,)) is not selections.collect(operation)


def test_value_combinations_kept_are_bounded() -> None:
    names = [f"v{i}" for i in range(6)]
    header = ", ".join(f"${n}: Boolean!" for n in names)
    body = " ".join(f"id @skip(if: ${n})" for n in names)
    document = parse(f"query({header}) {{ activeSeason {{ {body} }} }}")
    selections = DocumentSelections(SCHEMA, document)
    for combination in range(2 ** len(names)):
        flags = tuple(bool(combination >> i & 1) for i in range(len(names)))
        selections.collect(operation_of(document), flags)
    assert len(selections._variants) == document_module.MAX_VARIANTS


def test_documents_without_switches_have_one_tree() -> None:
    document = parse("{ activeSeason { id } }")
    selections = DocumentSelections(SCHEMA, document)
    assert selections.flags({"a": True}) is None
    assert selections.collect(operation_of(document), ()) is selections.collect(
        operation_of(document)
    )


def test_fragments_nested_too_deep_are_refused_not_a_crash() -> None:
    # Their walk recurses: past MAX_NESTING levels the collector refuses the
    # document instead of exhausting the interpreter's stack.
    deep = "{ drivers { nodes { ...F0 } } } "
    deep += " ".join(f"fragment F{i} on Driver {{ ...F{i + 1} }}" for i in range(MAX_NESTING))
    deep += f" fragment F{MAX_NESTING} on Driver {{ id }}"
    with pytest.raises(SelectionTooComplex, match="nest more than"):
        collect(deep, max_steps=10**9)
    inline = "{ drivers { nodes { " + "... on Driver { " * (MAX_NESTING + 1) + "id"
    inline += " }" * (MAX_NESTING + 1) + " } } }"
    with pytest.raises(SelectionTooComplex, match="nest more than"):
        collect(inline)
    assert collect(chain(MAX_NESTING - 2)).steps > 0  # just within
