"""A cache of compiled rule packs, so start-up does not pay for YAML parsing every run
(and of other data that is slow to parse and never changes, like pyphen's patterns).

Keyed by lintnews's version, the Python version, and the path, size and modification time
of every rule file and of lintnews's own kind modules; any change is a miss. Stored in
``$LINTNEWS_CACHE_DIR``, else ``$XDG_CACHE_HOME/lintnews``, else ``~/.cache/lintnews``.
``LINTNEWS_NO_CACHE=1`` turns it off. A cache that cannot be read or written is ignored:
it can cost time, never correctness.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from pathlib import Path

from . import __version__

FORMAT = 1


def enabled() -> bool:
    return os.environ.get("LINTNEWS_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    if os.environ.get("LINTNEWS_CACHE_DIR"):
        return Path(os.environ["LINTNEWS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lintnews"


def key_for(files: list[Path]) -> str | None:
    code = Path(__file__).resolve().parent
    parts = [f"{FORMAT}|{__version__}|{sys.version_info[:3]}"]
    try:
        for path in [*sorted((code / "kinds").glob("*.py")), code / "loader.py", code / "yamlio.py", code / "_yaml_loader.py", *files]:
            st = path.stat()
            parts.append(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}")
    except OSError:
        return None
    return digest("\n".join(parts))


def digest(text: str) -> str:
    """A 64-bit key from two checksums: enough to tell cache entries apart, and zlib is
    already loaded where hashlib would cost 2 ms of start-up."""
    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


def get(key: str, prefix: str = "rules"):
    path = cache_dir() / f"{prefix}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated, from another version: rebuild
        return None


KEEP = 8  # entries of each kind kept: several checkouts or versions, not every edit ever made


def _prune(directory: Path, prefix: str) -> None:
    entries = sorted(directory.glob(f"{prefix}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass


def put(key: str, value, prefix: str = "rules") -> None:
    import tempfile

    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{prefix}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / f"{prefix}-{key}.pickle")  # atomic: readers never see half a file
        _prune(directory, prefix)
    except Exception:
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:
            pass
