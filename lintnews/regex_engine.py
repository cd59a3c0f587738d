"""The ``regex`` package's matching engine, without the package's Python compiler.

Rule patterns are compiled with ``regex`` (variable-length look-behind; a time limit on
every search) when a pack is built, and kept in the cache as ``regex`` pickles them: the
compiled code, which the package's C extension (``regex._regex``) turns back into a
pattern object by itself. Importing the package also runs its pure-Python parser and
compiler modules, about 12 ms of a one-article run that only loads cached patterns.

``engine()`` is that extension. When the package is not imported yet, the extension is
loaded alone and registered under its own name, so that a later ``import regex`` (a pack
compiled again, a user's ``skip:`` pattern, a fix template expanded) finds and uses the
same module. If anything about the package is not as expected, it is imported the usual
way. ``Unpickler`` is ``pickle.Unpickler`` building cached patterns with it.
"""

from __future__ import annotations

import io
import os
import sys

from .cache import pickle

# regex's flag values (tests/test_regex_engine.py checks them against the package): the
# attribution packs' patterns are compiled with IGNORECASE | VERSION0.
IGNORECASE = 2
MULTILINE = 8
VERSION0 = 0x2000

_engine = None
_UNFOUND = object()
_extension = _UNFOUND  # the extension's path, looked for once (None: not where expected)


def engine():
    """The ``regex._regex`` extension module."""
    global _engine
    if _engine is None:
        module = sys.modules.get("regex._regex")
        if module is None:
            try:
                module = _load_alone()
            except Exception:  # noqa: BLE001 - any surprise: the package's own import below
                module = None
        if module is None:
            from regex import _regex as module  # type: ignore[no-redef]
        _engine = module
    return _engine


def _extension_path() -> str | None:
    """Where the extension is (the cache key and the loading both ask: looked for once)."""
    global _extension
    if _extension is _UNFOUND:
        _extension = _find_extension()
    return _extension


def _find_extension() -> str | None:
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("regex")  # a top-level name: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_regex" + suffix)
            if os.path.isfile(path):
                return path
    return None


def _load_alone():
    import importlib.machinery
    import importlib.util

    path = _extension_path()
    if path is None:
        return None
    loader = importlib.machinery.ExtensionFileLoader("regex._regex", path)
    spec = importlib.util.spec_from_file_location("regex._regex", path, loader=loader)
    if spec is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules["regex._regex"] = module
    try:
        loader.exec_module(module)
    except BaseException:
        sys.modules.pop("regex._regex", None)
        raise
    return module


def identity() -> str:
    """What identifies the installed engine, for cache keys: a cached pattern is code for
    one version of it. The extension file's path, size and time, found without importing."""
    try:
        from .cache import installed_identity

        path = _extension_path()
        return "none" if path is None else installed_identity(path)
    except Exception:  # noqa: BLE001
        return "unknown"


class Unpickler(pickle.Unpickler):
    """Unpickles what lintnews cached; a ``regex`` pattern is built by ``engine()``."""

    def find_class(self, module: str, name: str):
        if module == "regex._regex" and name == "compile":
            return engine().compile
        return super().find_class(module, name)


def loads(data) -> object:
    """``pickle.loads`` through ``Unpickler``."""
    return Unpickler(io.BytesIO(data)).load()
