"""lintnews's own ``re`` patterns, compiled once per install rather than once per run.

Python parses and compiles every regular expression again in each new process: the
patterns of the markup reader, the sentence splitter, reported speech and names cost
about 20 ms of a 150 ms one-article run. ``compile`` is ``re.compile`` with a memory:
what ``re``'s own compiler makes of a pattern (its code, a list of integers, and its
groups) is kept in the cache (``cache.load_table``: keyed on the Python version and
lintnews's code, checked with the cache's keyed digest), and a later run builds the
pattern object from it directly, in microseconds. The object is the one ``re.compile``
returns: the same code from the same compiler, handed to the same constructor.

Anything unexpected (no cache, a Python whose internals differ) falls
back to ``re.compile``. Patterns written by users (rules, configuration) are not kept.
"""

from __future__ import annotations

import re

try:
    import _sre

    try:
        from re import _compiler, _parser  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_compile as _compiler  # type: ignore[no-redef]
        import sre_parse as _parser  # type: ignore[no-redef]
except ImportError:  # pragma: no cover - another implementation
    _sre = None

MAX_PATTERNS = 1000  # a bound on the table: lintnews has about a hundred

_table: dict | None = None
_saved = 0


def _load() -> dict:
    global _table, _saved
    if _table is None:
        _table = {}
        from . import cache

        if _sre is not None and cache.enabled():
            loaded = cache.load_table("patterns", lambda v: isinstance(v, dict), _version())
            if loaded is not None:
                _table = loaded
        _saved = len(_table)
    return _table


def _version() -> bytes:
    return f"{getattr(_sre, 'MAGIC', '')}|{getattr(_sre, 'CODESIZE', '')}".encode()


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, from the cache when it holds the pattern's code."""
    flags = int(flags)
    if _sre is None or not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        return re.compile(pattern, flags)
    table = _load()
    entry = table.get((pattern, flags))
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)
        except Exception:  # noqa: BLE001 - an entry this Python does not take: compile it
            pass
    try:
        # What re._compiler.compile does, keeping the arguments of the last step.
        parsed = _parser.parse(pattern, flags)
        code = [int(c) for c in _compiler._code(parsed, flags)]  # opcodes are int subclasses: plain ints pickle
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        entry = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        compiled = _sre.compile(pattern, *entry)
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - internals not as expected: the public way
        return re.compile(pattern, flags)
    if len(table) < MAX_PATTERNS:
        table[(pattern, flags)] = entry
    return compiled


def save_if_grown() -> None:
    """Store the table if this run compiled patterns it did not hold (a first run, or
    new code): once, at the end of a run."""
    global _saved
    if _table is None or len(_table) == _saved:
        return
    from . import cache

    if cache.enabled():
        cache.store_table("patterns", _table, _version())
    _saved = len(_table)
