"""The one cache: things slow to build that change only when the files they come from do
(compiled rule packs, the house list of names, pyphen's hyphenation patterns), so that
start-up does not pay for parsing YAML every run.

One mechanism for all of them, ``get_or_build``:

* **Keyed on content.** An entry's key is a digest of the lintnews version, the Python
  version, the text of every module of the lintnews package (so any change to code that
  shapes what is built is a miss), the names and contents of the files it was built from,
  and any extra text its caller gives (pyphen's version). Every file read through
  ``read_bytes`` while an entry is built (a rule's ``lists:`` file of cue words, wherever it
  lives) is recorded in the entry with a digest of its content and checked again on every
  load: edit a cue list and the next run rebuilds, even though the rule files did not change.
  Sizes and modification times play no part.
* **Never runs code it did not write.** Entries are pickles, and unpickling can run code,
  so every entry carries a keyed digest (BLAKE2b with a 32-byte secret key) and is unpickled
  only when the digest matches. The key lives in a private directory (mode 0700, owned by
  the user: ``$XDG_STATE_HOME/lintnews`` or ``~/.local/state/lintnews``), never in the
  cache directory, so a cache directory restored from a shared or untrusted CI cache is
  useless to an attacker: its entries fail the check and are rebuilt. A cache or key
  directory owned by someone else, or writable by others, is not used at all.
* **Never a traceback.** An entry that is missing, truncated, corrupt, from another version,
  fails its digest, or unpickles to something of the wrong type is ignored and rebuilt. A
  cache that cannot be read or written costs time, never correctness.

Stored in ``$LINTNEWS_CACHE_DIR``, else ``$XDG_CACHE_HOME/lintnews``, else
``~/.cache/lintnews``; ``LINTNEWS_NO_CACHE=1`` turns it off. Kept fast: hashing the
sources and lintnews's own modules (about 450 KB) takes about a millisecond, with
``_blake2`` imported directly (``hashlib`` would load OpenSSL, 5 ms).
"""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path
from typing import Callable, TypeVar

from . import __version__

try:  # the C pickler alone: the pickle module around it takes 1.3 ms more to import
    import _pickle as pickle
except ImportError:  # pragma: no cover - another implementation
    import pickle  # type: ignore[no-redef]

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

try:
    from _operator import _compare_digest as same_digest
except ImportError:  # pragma: no cover
    from hmac import compare_digest as same_digest

T = TypeVar("T")

FORMAT = 2
MAGIC = b"lintnews-cache-2\n"
MAC_SIZE = 32
KEY_SIZE = 32
LOCK_WAIT = 2.0  # seconds a table's writer waits for another's lock (update_table)
KEEP = 8  # entries of each namespace kept: several checkouts or versions, not every edit ever made


def enabled() -> bool:
    return os.environ.get("LINTNEWS_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    if os.environ.get("LINTNEWS_CACHE_DIR"):
        return Path(os.environ["LINTNEWS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lintnews"


def key_dir() -> Path:
    """Where the secret key lives: private to the user, and never inside the cache directory
    (which CI systems save and restore)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "lintnews"


# --- digests of content ----------------------------------------------------------------


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=20).digest()


_code_digest: bytes | None = None


def code_digest() -> bytes:
    """The lintnews version, the Python version, the installed regex engine and the text of
    every module of the lintnews package: whatever code shapes an entry, a change to it is a
    miss."""
    global _code_digest
    if _code_digest is None:
        h = blake2b(digest_size=20)
        h.update(f"{FORMAT}|{__version__}|{sys.version}|".encode())
        # Cached patterns are compiled code for one version of the regex engine.
        from .regex_engine import identity

        h.update(identity().encode("utf-8", "surrogateescape") + b"\0")
        package = os.path.dirname(os.path.abspath(__file__))
        for name in _modules(package):
            try:
                content = file_digest(os.path.join(package, name))
            except OSError:
                content = b"?"
            h.update(name.encode("utf-8", "surrogateescape") + b"\0" + content)
        _code_digest = h.digest()
    return _code_digest


def _modules(package: str) -> list[str]:
    """Every ``.py`` file under the package, as sorted relative paths (``os.scandir``:
    a tenth of the time ``Path.rglob`` takes)."""
    found = []
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            with os.scandir(os.path.join(package, rel)) as entries:
                for entry in entries:
                    name = f"{rel}/{entry.name}" if rel else entry.name
                    if entry.name.endswith(".py"):
                        found.append(name)
                    elif entry.name not in ("__pycache__", "packs") and entry.is_dir():
                        stack.append(name)
        except OSError:
            pass
    return sorted(found)


# --- digests of files, without reading them every run ------------------------------------
#
# Reading and hashing every rule file and every lintnews module on every run would cost
# a millisecond and a half of a hundred. As git does for its index, a file's digest is
# remembered with its inode, size, modification time and change time, and the file is
# read again only when one of them differs. The change time is set by the kernel on every
# write and no program can set it back, so an edit always shows, even one that keeps the
# size and restores the modification time; a file changed in the last two seconds is
# always read (an edit within the same clock tick). The memo is kept beside the entries,
# with the same keyed digest.

_stat_memo: dict[str, tuple[tuple[int, int, int, int], bytes]] | None = None
_stat_dirty = False
STAT_MEMO = "digests"
STAT_MEMO_MAX = 4096  # files remembered: many times the rule files and modules of one install
MAX_SOURCE_BYTES = 64 << 20  # more than any rule file, list or module; yamlio refuses far less
RACY_NS = 2_000_000_000


def installed_identity(path: str) -> str:
    """What identifies an installed file for a cache key without reading it (a package an
    entry depends on: an upgrade changes its size or time): its path, size and mtime."""
    st = os.stat(path)
    return f"{path}|{st.st_size}|{st.st_mtime_ns}"


def file_digest(path) -> bytes:
    """Digest of a file's content (see above). Raises OSError."""
    global _stat_dirty
    key = os.path.abspath(path)
    st = os.stat(key)
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SOURCE_BYTES:
        # A FIFO would block, /dev/zero never end, a huge file cost its size: not hashed
        # here; the build that follows refuses it with a clear error.
        raise OSError(f"{path}: not a regular file of a reasonable size")
    memo = _stat_memo_loaded()
    if memo is not None:
        sig = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        hit = memo.get(key)
        if hit is not None and hit[0] == sig:
            if _recording:
                _recording[-1][key] = hit[1]
            return hit[1]
    d = digest(read_bytes(key))
    if memo is not None:
        import time

        if time.time_ns() - max(sig[2], sig[3]) > RACY_NS:
            memo.pop(key, None)  # last in the memo's order: the last to be dropped
            memo[key] = (sig, d)
            _stat_dirty = True
    return d


def _stat_memo_loaded():
    """The memo of file digests, loaded on first use; None when the cache is off or has no
    private place (every digest is then computed from the file)."""
    global _stat_memo
    if _stat_memo is None:
        if not _store_ready():
            return None
        _stat_memo = {}
        try:
            with open(cache_dir() / STAT_MEMO, "rb") as fh:
                blob = fh.read()
            head = len(MAGIC) + MAC_SIZE
            if blob.startswith(MAGIC) and same_digest(blob[len(MAGIC) : head], _mac(_secret, blob[head:])):
                import marshal

                data = marshal.loads(blob[head:])
                if isinstance(data, dict):
                    _stat_memo = data
        except Exception:  # missing or damaged: start afresh
            pass
    return _stat_memo


def _save_stat_memo() -> None:
    global _stat_dirty
    if not _stat_dirty or _stat_memo is None or not _store_ready():
        return
    _stat_dirty = False
    import marshal
    import tempfile

    directory = cache_dir()
    tmp = None
    try:
        _prune_stat_memo(_stat_memo)
        payload = marshal.dumps(_stat_memo)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".digests-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + _mac(_secret, payload) + payload)  # type: ignore[arg-type]
        os.replace(tmp, directory / STAT_MEMO)
        tmp = None
    except Exception:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune_stat_memo(memo: dict) -> None:
    """Forget the files that are gone (a deleted checkout, a temporary folder): the memo is
    read whole on every run, and it only grew; it held 2,500 entries, most of them dead, and
    cost 5 ms a run to read. Past STAT_MEMO_MAX entries the oldest are dropped as well."""
    for path in [p for p in memo if not os.path.exists(p)]:
        del memo[path]
    excess = len(memo) - STAT_MEMO_MAX
    if excess > 0:
        for path in list(memo)[:excess]:  # in the order they were remembered
            del memo[path]


_ready: bool | None = None


def _store_ready() -> bool:
    """The cache is on, the key is had, and the cache directory is private enough."""
    global _ready
    if _ready is None:
        _ready = enabled() and secret_key() is not None and _usable_dir(cache_dir(), 0o022)
    return _ready


# Files read while an entry is built: path -> digest of the content read.
_recording: list[dict[str, bytes]] = []


def recording() -> dict[str, bytes] | None:
    """The files read so far by the build in progress (path -> digest), or None when no
    entry is being built."""
    return _recording[-1] if _recording else None


def note(path, data: bytes) -> None:
    """Record that the entry being built (if any) was built from ``data``, read from ``path``."""
    if _recording:
        _recording[-1][os.path.abspath(path)] = digest(data)


def read_bytes(path) -> bytes:
    """Read a file that a cached value may be built from. While an entry is being built the
    file's content is recorded in it, and checked again whenever the entry is loaded.
    Raises OSError as ``open`` does."""
    with open(path, "rb") as fh:
        data = fh.read()
    if _recording:
        _recording[-1][os.path.abspath(path)] = digest(data)
    return data


# --- the store -------------------------------------------------------------------------------


def _owned_and_private(st, mask: int) -> bool:
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not (st.st_mode & mask)


def _usable_dir(path: Path, mask: int) -> bool:
    """``path`` exists (created 0700 if not), is a real directory owned by this user, and
    grants none of the permission bits in ``mask`` to others."""
    import stat

    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _owned_and_private(st, mask)


_secret: bytes | None = None


def secret_key() -> bytes | None:
    """The user's secret key for entry digests, created on first use; None when no private
    place for it can be had (the cache is then not used)."""
    global _secret
    if _secret is not None:
        return _secret
    directory = key_dir()
    if not _usable_dir(directory, 0o077):
        return None
    path = directory / "cache-key"
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            _create_key(directory, path)
            continue
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            data = os.read(fd, KEY_SIZE + 1)
        finally:
            os.close(fd)
        if len(data) != KEY_SIZE or not _owned_and_private(st, 0o077):
            return None
        _secret = data
        return data
    return None


def _create_key(directory: Path, path: Path) -> None:
    tmp = directory / f".cache-key-{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, os.urandom(KEY_SIZE))
        finally:
            os.close(fd)
        os.link(tmp, path)  # fails if another process made one first: that one is used
    except OSError:
        pass
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _mac(secret: bytes, payload: bytes) -> bytes:
    return blake2b(payload, key=secret, digest_size=MAC_SIZE, person=b"lintnews").digest()


_MISS = object()
_memo: dict[tuple[str, bytes], tuple[dict, object]] = {}  # this process: (namespace, key) -> (deps, value)


def get_or_build(namespace: str, sources, build: Callable[[], T], check: Callable[[object], bool],
                 extra: bytes = b"") -> T:
    """``build()``, or the value an earlier ``build()`` returned from the same inputs.

    ``sources`` are the files the value is built from (their names and contents are the
    key, with ``extra`` and lintnews's own code); files ``build`` reads through
    ``read_bytes`` are recorded and checked too. ``check(value)`` says whether a loaded
    value has the right type; one that has not is rebuilt. Values are also kept for the
    rest of the process (with ``LINTNEWS_NO_CACHE`` too), under the same content key."""
    h = blake2b(digest_size=20)
    h.update(code_digest() + namespace.encode() + b"\0" + extra + b"\0")
    known: set[str] = set()
    try:
        for path in sources:
            name = os.fsencode(str(path))
            h.update(len(name).to_bytes(4, "little") + name + file_digest(path))
            known.add(os.path.abspath(path))
    except OSError:
        return build()  # the build reports what is wrong with the file
    key = h.digest()
    memo = _memo.get((namespace, key))
    if memo is not None and _deps_unchanged(memo[0]):
        return memo[1]  # type: ignore[return-value]
    usable = _store_ready()
    secret = _secret
    path = cache_dir() / f"{namespace}-{key.hex()}.pickle"
    if usable:
        loaded = _load(path, secret, namespace, key, check)
        if loaded is not _MISS:
            deps, value = loaded
            _memo[(namespace, key)] = (deps, value)
            _save_stat_memo()
            return value  # type: ignore[return-value]
    _recording.append({})
    try:
        value = build()
    finally:
        recorded = _recording.pop()
    deps = {p: d for p, d in recorded.items() if p not in known}
    if usable:
        _store(path, secret, namespace, key, deps, value)
        _save_stat_memo()
    _memo[(namespace, key)] = (deps, value)
    return value


def _table_path(namespace: str, extra: bytes) -> tuple[Path, bytes]:
    h = blake2b(digest_size=20)
    h.update(code_digest() + namespace.encode() + b"\0" + extra + b"\0")
    key = h.digest()
    return cache_dir() / f"{namespace}-{key.hex()}.pickle", key


def load_table(namespace: str, check: Callable[[object], bool], extra: bytes = b""):
    """A value written by ``store_table``, or None: for what grows from run to run rather
    than being built once from files (syllables per word). Same key, digest and checks as
    ``get_or_build``'s entries."""
    if not _store_ready():
        return None
    path, key = _table_path(namespace, extra)
    loaded = _load(path, _secret, namespace, key, check)
    return None if loaded is _MISS else loaded[1]


def store_table(namespace: str, value, extra: bytes = b"") -> None:
    if _store_ready():
        path, key = _table_path(namespace, extra)
        _store(path, _secret, namespace, key, {}, value)


def update_table(namespace: str, check: Callable[[object], bool], update: Callable[[object], object],
                 extra: bytes = b"") -> None:
    """Store ``update(stored)``, where ``stored`` is the table as stored now (None if there
    is none), holding a lock meanwhile: the workers of one run each add what they learnt,
    and without the lock the last to write dropped what the others had added."""
    if not _store_ready():
        return
    path, key = _table_path(namespace, extra)
    try:
        import fcntl
    except ImportError:  # not on POSIX: unlocked, a word or two may be counted again later
        fcntl = None
    lock = None
    try:
        if fcntl is not None:
            lock = os.open(path.parent / f".{namespace}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            # Held for milliseconds by whoever holds it; waited for a little, never for ever
            # (a process stuck while holding it must not hang this run's exit).
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        return  # not stored: the words are counted again by a later run
                    time.sleep(0.005)
        loaded = _load(path, _secret, namespace, key, check)
        _store(path, _secret, namespace, key, {}, update(None if loaded is _MISS else loaded[1]))
    except OSError:  # a cache that cannot be locked or written: the words are counted again
        pass
    finally:
        if lock is not None:
            os.close(lock)  # releases the lock


def _deps_unchanged(deps: dict[str, bytes]) -> bool:
    for path, expected in deps.items():
        try:
            if file_digest(path) != expected:
                return False
        except OSError:
            return False
    return True


def _load(path: Path, secret: bytes, namespace: str, key: bytes, check):
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return _MISS
    head = len(MAGIC) + MAC_SIZE
    if len(blob) <= head or not blob.startswith(MAGIC):
        return _MISS
    payload = memoryview(blob)[head:]  # not a copy: the packs' entry is a megabyte or two
    if not same_digest(blob[len(MAGIC) : head], _mac(secret, payload)):
        return _MISS  # not written by this user's lintnews: never unpickled
    try:
        entry = _unpickle(payload)
        stored_namespace, stored_key, deps, value = entry
        if stored_namespace != namespace or stored_key != key or not isinstance(deps, dict):
            return _MISS
        if not check(value):
            return _MISS
    except Exception:  # corrupt, or from code that has since changed: rebuild
        return _MISS
    if not _deps_unchanged(deps):
        return _MISS
    return deps, value


def _unpickle(payload):
    """``pickle.loads`` with the cycle collector paused: the packs are tens of thousands of
    containers, none of them garbage, and collections triggered while they are made only
    walk them again."""
    import gc

    from .regex_engine import loads

    was_collecting = gc.isenabled()
    gc.disable()
    try:
        return loads(payload)  # a regex pattern is built without importing the regex package
    finally:
        if was_collecting:
            gc.enable()


def _store(path: Path, secret: bytes, namespace: str, key: bytes, deps: dict, value) -> None:
    import tempfile

    directory = path.parent
    tmp = None
    try:
        payload = pickle.dumps((namespace, key, deps, value), protocol=-1)  # -1: the highest
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{namespace}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + _mac(secret, payload) + payload)
        os.replace(tmp, path)  # atomic: readers never see half a file
        tmp = None
        _prune(directory, namespace)
    except Exception:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(directory: Path, namespace: str) -> None:
    entries = []
    for p in directory.glob(f"{namespace}-*.pickle"):
        try:
            entries.append((p.stat().st_mtime, p))
        except OSError:
            pass
    entries.sort(reverse=True)
    for _mtime, old in entries[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass
