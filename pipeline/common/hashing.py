"""Content hashes: the SHA-1 that ties a stored or annotated text to its source."""
from __future__ import annotations

import hashlib


def sha1(data: bytes | str) -> str:
    """Hex SHA-1 of bytes or UTF-8 text."""
    return hashlib.sha1(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
