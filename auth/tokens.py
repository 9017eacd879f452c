"""Mint and verify HS256 JWTs carrying a `sub` and a `role` claim.

A refused token says only "invalid token" to the client (`TokenError.message`);
why it was refused (PyJWT's text, which names claims and checks) goes to the
debug log, never into a response.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
ROLES = ("admin", "reader")
INVALID_TOKEN = "invalid token"

log = logging.getLogger("fleetgraph.auth")


class TokenError(Exception):
    """A bearer token that is malformed, expired, signed with another key or
    missing a claim. `message` is what the client sees; `detail` is for logs."""

    def __init__(self, detail: str, message: str = INVALID_TOKEN) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, detail={self.detail!r})"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking. Anonymous callers have no subject and role None."""

    subject: str | None = None
    role: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


ANONYMOUS = Viewer()


def mint_token(
    secret: str,
    *,
    role: str,
    subject: str = "cli",
    ttl_seconds: int = 3600,
    audience: str | None = None,
    issuer: str | None = None,
) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if not subject:
        raise ValueError("a token needs a subject")
    now = int(time.time())
    claims: dict[str, object] = {"sub": subject, "role": role, "iat": now, "exp": now + ttl_seconds}
    if audience is not None:
        claims["aud"] = audience
    if issuer is not None:
        claims["iss"] = issuer
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(
    secret: str, token: str, *, audience: str | None = None, issuer: str | None = None
) -> Viewer:
    """The viewer a token names; `audience` / `issuer`: the `aud` / `iss` it must carry."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.InvalidTokenError as exc:  # expiry, signature, format, claims
        log.debug("bearer token refused: %s", exc)
        raise TokenError(f"{type(exc).__name__}: {exc}") from exc
    subject, role = claims.get("sub"), claims.get("role")
    if not isinstance(subject, str) or not subject:
        log.debug("bearer token refused: empty subject")
        raise TokenError("empty subject")
    if role not in ROLES:
        log.debug("bearer token refused: unknown role")
        raise TokenError("unknown role")
    return Viewer(subject=subject, role=str(role))
