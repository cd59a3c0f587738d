"""``lintnews serve``: an HTTP service a CMS (or the page at ``/``) calls to check a draft.

``pool.py`` keeps worker processes with the rules compiled and needs nothing beyond
lintnews; ``app.py`` is the Starlette application and the uvicorn start-up, imported only
by the ``serve`` command. Nothing here is imported by ``lintnews check``.
"""

from __future__ import annotations

import re


def parse_size(value: str) -> int:
    """'5MB', '512KB', '1048576' -> bytes (K, M, G are powers of 1024)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*", str(value), re.IGNORECASE)
    if not m:
        raise ValueError(f"'{value}' is not a size (examples: 5MB, 512KB, 100000)")
    unit = (m.group(2) or "b").lower()[:1]
    size = int(float(m.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])
    if size < 1:
        raise ValueError(f"'{value}' is too small: the limit must be at least one byte")
    return size


def human_size(size: int) -> str:
    for unit, factor in (("MB", 1024**2), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"
