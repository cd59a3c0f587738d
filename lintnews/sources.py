"""Reading input: files, directories and stdin, with one clear message for each problem.

Nothing here raises for bad input: a path that cannot be linted yields an InputError and
the run goes on with the others.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from .finding import InputError
from .markup import LINTABLE_SUFFIXES

BINARY_SNIFF = 8192
WORD_SUFFIXES = (".docx", ".doc")  # read by docx_input.py (a .doc gets a clear error)


@dataclass
class Source:
    path: str
    text: str | None  # None: nothing to lint
    errors: list[InputError]


def decode(raw: bytes, path: str) -> Source:
    if not raw.strip():
        return Source(path, None, [InputError(path, "empty file, nothing to lint")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
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


def read_file(path: str) -> Source:
    if path.lower().endswith(WORD_SUFFIXES):
        from .docx_input import read_docx

        return read_docx(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return Source(path, None, [InputError(path, "no such file (was it moved or deleted?)")])
    except IsADirectoryError:
        return Source(path, None, [InputError(path, "is a directory")])
    except PermissionError:
        return Source(path, None, [InputError(path, "permission denied")])
    except OSError as exc:
        return Source(path, None, [InputError(path, f"cannot read: {exc.strerror or exc}")])
    return decode(raw, path)


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
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    except (OSError, ValueError) as exc:
        return Source(name, None, [InputError(name, f"cannot read standard input: {exc}")])
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
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded(os.path.join(root, d), exclude))
                for name in sorted(names):
                    full = os.path.normpath(os.path.join(root, name))  # "articles/a.md", not "./articles/a.md"
                    lower = name.lower()
                    if lower.endswith(WORD_SUFFIXES) and name.startswith("~$"):
                        continue  # the lock file Word keeps beside an open document
                    if lower.endswith(LINTABLE_SUFFIXES + WORD_SUFFIXES) and not excluded(full, exclude):
                        files.append(full)
        elif os.path.exists(p) or os.path.islink(p):
            if not excluded(p, exclude):
                files.append(p)
        else:
            errors.append(InputError(p, "no such file or directory"))
    # A file named twice (a path and its folder) is linted once, where it first appears.
    return list(dict.fromkeys(files)), errors


def display_path(path: str) -> str:
    """Paths as the user typed them, relative when under the current directory."""
    if path == "-" or not os.path.isabs(path):
        return path
    try:
        rel = Path(path).relative_to(Path.cwd())
        return str(rel)
    except ValueError:
        return path
