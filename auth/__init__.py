"""Bearer tokens (HS256 JWT) and the viewer they identify."""

from auth.tokens import TokenError, Viewer, decode_token, mint_token

__all__ = ["TokenError", "Viewer", "decode_token", "mint_token"]
