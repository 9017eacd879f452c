"""Document limits: each is refused with its own code, through the shared document cache."""

from __future__ import annotations

import time

import pytest
from graphql import OperationDefinitionNode, parse

from gql.schema import build_schema, document_cache
from limits import DocumentPolicy, limit_rules
from limits.measure import measure_operation
from prepared import DocumentCache
from tests.selections.chain import chain

POLICY = DocumentPolicy(
    max_tokens=200, max_depth=4, max_aliases=3, max_directives=3, max_root_fields=2
)


@pytest.fixture(scope="module")
def cache() -> DocumentCache:
    return document_cache(build_schema(), POLICY)


def error_codes(cache: DocumentCache, text: str) -> list[str]:
    return [(e.extensions or {}).get("code", "") for e in cache.prepare(text).errors]


def test_within_every_limit_is_valid(cache: DocumentCache) -> None:
    assert cache.prepare("{ drivers { nodes { vehicle { plate } } } }").is_valid


def test_depth(cache: DocumentCache) -> None:
    assert error_codes(cache, "{ drivers { nodes { vehicle { driver { id } } } } }") == [
        "QUERY_TOO_DEEP"
    ]


def test_depth_counts_through_fragments(cache: DocumentCache) -> None:
    text = """
      { drivers { nodes { ...V } } }
      fragment V on Driver { vehicle { driver { id } } }
    """
    assert error_codes(cache, text) == ["QUERY_TOO_DEEP"]


def test_aliases_multiply_through_fragment_spreads(cache: DocumentCache) -> None:
    text = """
      { activeSeason { ...A } seasons { nodes { ...A } } }
      fragment A on Season { a: id b: name }
    """
    assert error_codes(cache, text) == ["TOO_MANY_ALIASES"]


def test_a_fragment_spread_twice_in_one_place_counts_once(cache: DocumentCache) -> None:
    # As at execution: the second spread merges into the first (the spec's CollectFields).
    text = """
      { activeSeason { ...A ...A } }
      fragment A on Season { a: id b: name }
    """
    assert cache.prepare(text).is_valid


def test_directives(cache: DocumentCache) -> None:
    text = "{ activeSeason { id @skip(if: false) name @skip(if: false) a: id @skip(if: false) "
    text += "b: name @include(if: true) } }"
    assert "TOO_MANY_DIRECTIVES" in error_codes(cache, text)


def test_root_fields(cache: DocumentCache) -> None:
    text = "{ activeSeason { id } seasons { totalCount } fleetSummary { drivers } }"
    assert error_codes(cache, text) == ["TOO_MANY_ROOT_FIELDS"]


def test_typename_is_not_a_root_field(cache: DocumentCache) -> None:
    assert cache.prepare("{ __typename activeSeason { id } seasons { totalCount } }").is_valid


def test_tokens(cache: DocumentCache) -> None:
    text = "{ " + " ".join(["__typename"] * 250) + " }"
    assert error_codes(cache, text) == ["TOO_MANY_TOKENS"]


def test_a_syntax_error_has_a_code(cache: DocumentCache) -> None:
    assert error_codes(cache, "{ drivers {") == ["GRAPHQL_PARSE_FAILED"]


def test_a_fragment_cycle_is_still_reported(cache: DocumentCache) -> None:
    text = "{ activeSeason { ...A } } fragment A on Season { ...B } fragment B on Season { ...A }"
    codes = error_codes(cache, text)
    assert codes and "QUERY_TOO_DEEP" not in codes


def test_limit_errors_skip_the_specified_rules(cache: DocumentCache) -> None:
    # Over a limit and invalid: only the limit is reported (the costly rules did not run).
    text = "{ activeSeason { a: nope b: nope c: nope d: nope } }"
    assert error_codes(cache, text) == ["TOO_MANY_ALIASES"]


def test_introspection_off() -> None:
    cache = document_cache(build_schema(), DocumentPolicy(introspection=False))
    assert error_codes(cache, "{ __schema { types { name } } }") == ["INTROSPECTION_DISABLED"]
    assert error_codes(cache, '{ __type(name: "Driver") { name } }') == ["INTROSPECTION_DISABLED"]
    assert cache.prepare("{ __typename }").is_valid


def test_suggestions_hidden_with_introspection_off() -> None:
    off = document_cache(build_schema(), DocumentPolicy(introspection=False))
    on = document_cache(build_schema(), DocumentPolicy())
    assert "Did you mean" not in off.prepare("{ activeSeaso { id } }").errors[0].message
    assert "Did you mean" in on.prepare("{ activeSeaso { id } }").errors[0].message


def test_rules_are_per_policy() -> None:
    assert len(limit_rules(DocumentPolicy(introspection=False))) == 3
    assert len(limit_rules(DocumentPolicy())) == 2


def test_introspection_depth_is_bounded() -> None:
    cache = document_cache(build_schema(), DocumentPolicy())
    nested = "{ __schema { types { " + "fields { type { " * 3 + "name" + " } }" * 3 + " } } }"
    assert not cache.prepare(nested).is_valid


def test_worst_document_within_the_token_limit_validates_quickly() -> None:
    # 2,000 tokens of one repeated field: the quadratic overlap check must stay bounded.
    cache = document_cache(build_schema(), DocumentPolicy())
    text = "{ drivers { nodes { " + " ".join(["name"] * 1_980) + " } } }"
    started = time.perf_counter()
    cache.prepare(text)
    assert time.perf_counter() - started < 0.5  # ~0.1 s on a busy 2-core machine


def test_the_doubling_fragment_chain_is_measured_in_linear_steps() -> None:
    # 30 fragments each spreading the next twice: depth 2, no alias, ~10 tokens a
    # fragment. Within every limit, and measured (and validated) at once: its
    # collector steps grow with the document, not with its 2^30 expansions.
    text = chain(30)
    document = parse(text)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    measured = measure_operation(operation, fragments)
    assert (measured.depth, measured.aliases, measured.root_fields) == (3, 0, 1)
    assert measured.steps <= 5 * 30 + 20
    assert measure_operation(operation, fragments).steps == measured.steps
    prepared = document_cache(build_schema(), DocumentPolicy()).prepare(text)
    assert prepared.is_valid


def test_over_the_collectors_budget() -> None:
    cache = document_cache(build_schema(), DocumentPolicy(max_selection_steps=100))
    [error] = cache.prepare(chain(30)).errors
    assert error.extensions == {"code": "SELECTION_TOO_COMPLEX", "limit": 100}
    assert cache.prepare(chain(10)).is_valid
