"""What browsers need from the HTTP layer: CORS and compressed responses.

`cors.py` lets configured origins call /graphql; `codings.py` holds the
content codings (gzip, brotli) and their negotiation; `compression.py` is
the middleware that compresses responses the views did not encode
themselves (the response cache sends hits compressed already, cache/compressed.py).
"""

from web.codings import Coding, choose_coding, coded_etag
from web.compression import Compression
from web.cors import cors_middleware

__all__ = ["Coding", "Compression", "choose_coding", "coded_etag", "cors_middleware"]
