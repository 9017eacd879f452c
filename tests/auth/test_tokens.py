"""Bearer tokens: what `decode_token` accepts, and that a refusal says only "invalid token"."""

from __future__ import annotations

import logging
import time

import jwt
import pytest

from auth import TokenError, decode_token, mint_token

SECRET = "auth-tests-secret-0123456789abcdef-xyz"


def encode(claims: dict[str, object], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def claims(**overrides: object) -> dict[str, object]:
    found: dict[str, object] = {"sub": "user-1", "role": "reader", "exp": int(time.time()) + 60}
    found.update(overrides)
    return {k: v for k, v in found.items() if v is not None}


def test_a_minted_token_names_its_subject_and_role() -> None:
    viewer = decode_token(SECRET, mint_token(SECRET, role="admin", subject="ops"))
    assert (viewer.subject, viewer.role, viewer.is_admin) == ("ops", "admin", True)


@pytest.mark.parametrize(
    "token",
    [
        encode(claims(sub=None)),  # no subject: all such tokens would share one scope
        encode(claims(sub="")),
        encode(claims(sub=42)),
        encode(claims(role=None)),
        encode(claims(role="owner")),
        encode(claims(exp=None)),
        encode(claims(exp=int(time.time()) - 60)),
        encode(claims(), secret="another-secret-entirely-0123456789abcdef"),
        "not.a.jwt",
    ],
    ids=[
        "no sub",
        "empty sub",
        "numeric sub",
        "no role",
        "unknown role",
        "no exp",
        "expired",
        "other key",
        "garbage",
    ],
)
def test_refusals_say_invalid_token_and_log_why_at_debug(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="fleetgraph.auth"),
        pytest.raises(TokenError) as refused,
    ):
        decode_token(SECRET, token)
    assert refused.value.message == "invalid token"
    assert str(refused.value) == "invalid token"
    assert refused.value.detail  # the reason, for logs
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]


@pytest.mark.parametrize(
    ("audience", "issuer", "accepted"),
    [
        ("fleet-api", "https://id.example", True),
        ("other-api", "https://id.example", False),
        ("fleet-api", "https://elsewhere.example", False),
        (None, "https://id.example", False),
        ("fleet-api", None, False),
    ],
)
def test_audience_and_issuer_are_checked_when_set(
    audience: str | None, issuer: str | None, accepted: bool
) -> None:
    token = mint_token(SECRET, role="reader", audience=audience, issuer=issuer)
    expected = {"audience": "fleet-api", "issuer": "https://id.example"}
    if accepted:
        assert decode_token(SECRET, token, **expected).subject == "cli"
    else:
        with pytest.raises(TokenError, match=r"^invalid token$"):
            decode_token(SECRET, token, **expected)


def test_without_audience_and_issuer_settings_plain_tokens_pass() -> None:
    token = mint_token(SECRET, role="reader", issuer="https://id.example")
    assert decode_token(SECRET, token).role == "reader"


def test_a_token_without_a_subject_cannot_be_minted() -> None:
    with pytest.raises(ValueError, match="subject"):
        mint_token(SECRET, role="reader", subject="")
