"""How the C library's allocator treats big blocks while a long input is linted.

glibc serves a block above its mmap threshold (128 KiB at first) from a mapping of its own,
returned to the system when freed; but each time such a block is freed it raises the
threshold to that block's size (up to 32 MiB). Reading a 10 MB file frees its bytes once
they are decoded, so every later block below 10 MB (a piece of text, a column of token
offsets as it grows) came from the heap instead, where a freed block is only reused and
the holes add up: 10 to 25 MiB of a 10 MB feed's peak. Fixing the threshold keeps big
blocks in mappings of their own. Asked only for a long input (ctypes costs a few
milliseconds to import), and never against a MALLOC_MMAP_THRESHOLD_ the user has set."""

from __future__ import annotations

import os
import sys

BIG_INPUT = 1_000_000  # characters: below this the holes cost less than the import
THRESHOLD = 256 * 1024
_asked = False


def keep_big_blocks_apart() -> None:
    """Fix the allocator's mmap threshold at THRESHOLD (glibc; anywhere else nothing)."""
    global _asked
    if _asked:
        return
    _asked = True
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # no ctypes, or not glibc's allocator
        return
    M_MMAP_THRESHOLD = -3  # malloc.h
    mallopt(M_MMAP_THRESHOLD, THRESHOLD)
