"""Mint and verify HS256 JWTs carrying a `role` claim."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
ROLES = ("admin", "reader")


class TokenError(Exception):
    """A bearer token that is malformed, expired or signed with another key."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking. Anonymous callers have no subject and role None."""

    subject: str | None = None
    role: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


ANONYMOUS = Viewer()


def mint_token(secret: str, *, role: str, subject: str = "cli", ttl_seconds: int = 3600) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    now = int(time.time())
    claims = {"sub": subject, "role": role, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Viewer:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "role"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"invalid token: {exc}") from exc
    role = claims.get("role")
    if role not in ROLES:
        raise TokenError("invalid token: unknown role")
    return Viewer(subject=str(claims.get("sub")), role=str(role))
