"""A compressed head closed with plain tails: valid streams for every decoder."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from web.codings import Coding
from web.spliced import MAX_TAIL, close_stream, open_stream

HEAD = b'{"data":{"drivers":[' + b'{"id":"RHJpdmVyOjE=","name":"Ana Olsen"},' * 500 + b"{}]}"
TAILS = [b"}", b',"extensions":{"cache":{"status":"hit","maxAge":7}}}', b"x" * MAX_TAIL]


def _stream_decode(coding: Coding, body: bytes) -> bytes:
    """As a client reads it: in small chunks, with a streaming decoder."""
    chunks = [body[i : i + 100] for i in range(0, len(body), 100)]
    if coding == "br":
        decompressor = brotli.Decompressor()
        out = b"".join(decompressor.process(chunk) for chunk in chunks)
        assert decompressor.is_finished()
        return out
    inflate = zlib.decompressobj(31)
    out = b"".join(inflate.decompress(chunk) for chunk in chunks) + inflate.flush()
    assert inflate.eof and not inflate.unused_data
    return out


@pytest.mark.parametrize("coding", ["gzip", "br"])
@pytest.mark.parametrize("tail", TAILS, ids=["one-byte", "meta", "largest"])
@pytest.mark.parametrize("head", [HEAD, b"", b"{"], ids=["large", "empty", "one-byte"])
def test_every_decoder_reads_head_and_tail(coding: Coding, head: bytes, tail: bytes) -> None:
    body = close_stream(open_stream(head, coding), tail)
    expected = head + tail
    if coding == "gzip":
        assert gzip.decompress(body) == expected
        assert zlib.decompress(body, 31) == expected  # one member, CRC and length checked
    else:
        assert brotli.decompress(body) == expected
    assert _stream_decode(coding, body) == expected


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_one_head_closes_many_times(coding: Coding) -> None:
    stream = open_stream(HEAD, coding)
    for age in range(60, 0, -7):
        tail = b',"maxAge":%d}' % age
        assert _stream_decode(coding, close_stream(stream, tail)) == HEAD + tail
    assert len(stream.data) < len(HEAD) / 10


@pytest.mark.parametrize("tail", [b"", b"x" * (MAX_TAIL + 1)], ids=["empty", "too-long"])
def test_a_tail_must_fit_one_block(tail: bytes) -> None:
    with pytest.raises(ValueError, match="a tail holds"):
        close_stream(open_stream(HEAD, "gzip"), tail)
