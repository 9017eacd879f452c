"""Global ids: the planner's per-type encoders give exactly `encode_id`'s text, also
after their memory of encoded ids fills up and is emptied; `decode_id` inverts both."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from global_ids import NODE_TYPES, decode_id, encode_id, id_encoder, id_tag
from global_ids import codec as global_id

PKS = st.integers(min_value=1, max_value=2**31 - 1)


@given(type_name=st.sampled_from(sorted(NODE_TYPES)), pks=st.lists(PKS, max_size=50))
def test_an_encoder_writes_what_encode_id_writes(type_name: str, pks: list[int]) -> None:
    encode = id_encoder(type_name)
    for pk in pks + pks:  # the second time from its memory
        assert encode(pk) == encode_id(type_name, pk)
        assert decode_id(encode(pk)) == (type_name, pk)


def test_a_full_memory_is_emptied_and_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(global_id, "MAX_REMEMBERED_IDS", 3)
    encode = id_encoder("Trip")
    for pk in [1, 2, 3, 4, 5, 1, 2, 6]:
        assert encode(pk) == encode_id("Trip", pk)
    assert encode(7) == "VHJpcDo3"  # base64 of "Trip:7"


def test_a_tag_is_given_for_valid_ids_only() -> None:
    assert id_tag(encode_id("Driver", 42)) == "Driver:42"
    assert id_tag(encode_id("Trip", 7)) == "Trip:7"
    for text in ["", "not base64!", "RHJpdmVyOjA=", "VW5rbm93bjox", "RHJpdmVyOjAwNw=="]:
        assert id_tag(text) is None  # Driver:0, Unknown:1, Driver:007
