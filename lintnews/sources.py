"""Reading input: files, directories and stdin, with one clear message for each problem.

Nothing here raises for bad input: a path that cannot be linted yields an InputError and
the run goes on with the others.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import stat
from pathlib import Path

from .finding import InputError
from .markup import LINTABLE_SUFFIXES

BINARY_SNIFF = 8192
# An article is kilobytes; a file this big is an archive or a dump, and reading it would
# cost gigabytes of memory before any finding.
MAX_INPUT_BYTES = 256 * 1024 * 1024
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
TOO_LARGE = f"larger than {MAX_INPUT_BYTES >> 20} MiB, not read (an article is far smaller)"
WORD_SUFFIXES = (".docx", ".doc")  # read by docx_input.py (a .doc gets a clear error)


class Source:
    """One input as read: its name, its text (None: nothing to lint) and what went wrong."""

    # True: nothing reads ``text`` once this source is linted (a file of a check run), so
    # the run may let go of it (``text`` None) as soon as its prose is made
    # (``Document.from_input``).
    disposable = False

    def __init__(self, path: str, text: str | None, errors: list[InputError]):
        self.path = path
        self.text = text
        self.errors = errors

    def __repr__(self) -> str:
        return f"Source(path={self.path!r}, text={'None' if self.text is None else f'<{len(self.text)} characters>'}, errors={self.errors!r})"


def decode(raw: bytes, path: str) -> Source:
    if not raw.strip():
        return Source(path, None, [InputError(path, "empty file, nothing to lint")])
    if raw.startswith(UTF32_BOMS):  # before UTF-16: FF FE 00 00 also starts like UTF-16 LE
        try:
            return Source(path, raw.decode("utf-32"), [])
        except UnicodeDecodeError:
            pass
    if raw.startswith(UTF16_BOMS):
        try:
            return Source(path, raw.decode("utf-16"), [])
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:BINARY_SNIFF]:
        return Source(path, None, [InputError(path, "binary file (it contains NUL bytes), skipped")])
    try:
        return Source(path, raw.decode("utf-8-sig"), [])
    except UnicodeDecodeError as exc:
        body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        offset = exc.start - (len(raw) - len(body))
        line = body.count(b"\n", 0, offset) + 1
        line_start = body.rfind(b"\n", 0, offset) + 1
        column = len(body[line_start:offset].decode("utf-8", "replace")) + 1
        bad = body.count(b"\xef\xbf\xbd")  # replacement chars already present, for an honest count below
        text = body.decode("utf-8", "replace")
        count = text.count("\ufffd") - bad
        return Source(
            path,
            text,
            [
                InputError(
                    path,
                    f"not valid UTF-8 at line {line}, column {column}: {count} undecodable "
                    f"byte sequence{'s' if count != 1 else ''} read as U+FFFD; the rest was linted",
                )
            ],
        )


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file(path: str) -> Source:
    """A regular file's text. Anything else (a FIFO, /dev/zero, a socket) is refused at
    once: opened without blocking, never read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return Source(path, None, [InputError(path, "no such file (was it moved or deleted?)")])
    except IsADirectoryError:
        return Source(path, None, [InputError(path, "is a directory")])
    except PermissionError:
        return Source(path, None, [InputError(path, "permission denied")])
    except OSError as exc:
        return Source(path, None, [InputError(path, f"cannot read: {exc.strerror or exc}")])
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return Source(path, None, [InputError(path, "is a directory")])
        if not stat.S_ISREG(info.st_mode):
            return Source(path, None, [InputError(path, f"{_kind_of(info.st_mode)}, not a regular file: not read")])
        if info.st_size > MAX_INPUT_BYTES:
            return Source(path, None, [InputError(path, TOO_LARGE)])
        raw = _read_fd(fd, info.st_size)
    except OSError as exc:
        return Source(path, None, [InputError(path, f"cannot read: {exc.strerror or exc}")])
    finally:
        os.close(fd)
    if len(raw) > MAX_INPUT_BYTES:  # it grew while we read it
        return Source(path, None, [InputError(path, TOO_LARGE)])
    if path.lower().endswith(WORD_SUFFIXES):
        from .docx_input import read_docx_bytes

        return read_docx_bytes(raw, path)
    return decode(raw, path)


def _read_fd(fd: int, size: int) -> bytes:
    """What a file descriptor reads to its end, or a byte past the limit: asked first for
    the size the file reports and a byte more, not for the limit (a read of 256 MB
    allocates 256 MB first: 30 us a file, for an article of 3 KB), with no file object
    around it; a file that grows meanwhile, or reports no size (/proc), is read on."""
    want = min(size, MAX_INPUT_BYTES) + 1
    chunks = []
    total = 0
    while total <= MAX_INPUT_BYTES:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = min(1 << 20, MAX_INPUT_BYTES + 1 - total)
    return b"".join(chunks)


def _read_stream(stream, binary_ok: bool = False) -> bytes | None:
    """All of a stream, unless it is plainly binary (NUL bytes at its start: read no
    further, /dev/zero is endless) or too large (None). ``binary_ok``: a Word draft."""
    head = stream.read(BINARY_SNIFF)
    if b"\x00" in head and not binary_ok and not head.startswith(UTF16_BOMS + UTF32_BOMS):
        return head
    chunks = [head]
    total = len(head)
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > MAX_INPUT_BYTES:
            return None
        chunks.append(chunk)


_stdin: list = []  # [(stream, name, Source)] of the last read


def read_stdin(name: str) -> Source:
    """Standard input, read once: a second call on the same stream (a report showing the
    text) gets what the first read."""
    import sys

    if not (_stdin and _stdin[0][0] is sys.stdin and _stdin[0][1] == name):
        _stdin[:] = [(sys.stdin, name, _read_stdin(name))]
    s = _stdin[0][2]
    return Source(s.path, s.text, list(s.errors))


def _read_stdin(name: str) -> Source:
    import sys

    stream = sys.stdin
    try:
        if stream is None or stream.closed:
            return Source(name, None, [InputError(name, "standard input is closed, nothing to lint")])
        word = name.lower().endswith(WORD_SUFFIXES)
        raw = _read_stream(stream.buffer, word) if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    except (OSError, ValueError) as exc:
        return Source(name, None, [InputError(name, f"cannot read standard input: {exc}")])
    if raw is None:
        return Source(name, None, [InputError(name, TOO_LARGE)])
    if name.lower().endswith(WORD_SUFFIXES):
        from .docx_input import read_docx_bytes

        return read_docx_bytes(raw, name)
    return decode(raw, name)


def excluded(path: str, patterns: list[str]) -> bool:
    norm = path.replace(os.sep, "/")
    parts = norm.split("/")
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(norm, pat) or fnmatch.fnmatch(norm, pat + "/*") or any(fnmatch.fnmatch(p, pat) for p in parts):
            return True
    return False


def expand(paths: list[str], exclude: list[str]) -> tuple[list[str], list[InputError]]:
    """Files to lint, in a stable order: directories are walked for article files, hidden
    directories skipped. A path named explicitly is linted whatever its suffix."""
    files: list[str] = []
    errors: list[InputError] = []
    for p in paths:
        if p == "-":
            files.append(p)
            continue
        try:
            info = os.stat(p)
        except FileNotFoundError:
            if os.path.islink(p):
                files.append(p)  # a dangling link: reading it says what is wrong
            else:
                errors.append(InputError(p, "no such file or directory"))
            continue
        except PermissionError:
            errors.append(InputError(p, "permission denied"))
            continue
        except OSError as exc:
            errors.append(InputError(p, f"cannot read: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(info.st_mode):

            def unreadable(exc: OSError) -> None:
                where = display_path(exc.filename) if isinstance(exc.filename, str) else p
                reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
                errors.append(InputError(where, f"cannot read folder: {reason}; the articles in it were not linted"))

            for root, dirs, names in os.walk(p, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded(os.path.join(root, d), exclude))
                for name in sorted(names):
                    full = os.path.normpath(os.path.join(root, name))  # "articles/a.md", not "./articles/a.md"
                    lower = name.lower()
                    if lower.endswith(WORD_SUFFIXES) and name.startswith("~$"):
                        continue  # the lock file Word keeps beside an open document
                    if lower.endswith(LINTABLE_SUFFIXES + WORD_SUFFIXES) and not excluded(full, exclude):
                        files.append(full)
        elif not excluded(p, exclude):
            files.append(p)  # a file, or a FIFO or device that reading will refuse
    # A file named twice (a path and its folder) is linted once, where it first appears.
    return list(dict.fromkeys(files)), errors


def display_path(path: str) -> str:
    """Paths as the user typed them, relative when under the current directory."""
    if path == "-" or not os.path.isabs(path):
        return path
    # Worked out once a folder, not once a file: a folder of 2,000 articles spent 1.4 %
    # of its run making Path objects for this.
    cwd = os.getcwd()
    folder, name = os.path.split(path)
    if name in ("", ".", ".."):
        rel = _relative(path, cwd)
        return path if rel is None else rel
    rel = _relative(folder, cwd)
    if rel is None:  # outside, unless it is the current directory itself
        rel = _relative(path, cwd) if name == os.path.basename(cwd) else None
        return path if rel is None else rel
    return name if rel == "." else os.path.join(rel, name)


@functools.lru_cache(maxsize=256)
def _relative(path: str, cwd: str) -> str | None:
    try:
        return str(Path(path).relative_to(Path(cwd)))
    except ValueError:
        return None
