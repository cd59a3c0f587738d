"""Applying fixes: ``lintnews check --fix``, ``--diff`` and ``--unsafe-fixes``.

A rule that declares ``fix: safe`` says its replacement is always right at that spot (the
house spelling of a name, a repeated word, a date ordinal, the house's spelling of a
variant); ``fix: unsafe`` says its first suggestion can stand in for the match but needs a
reader (a word choice), so it is applied only with ``--unsafe-fixes``. The engine has
already dropped the fixes that must never be applied: inside a direct quotation, or where
the flagged prose is not the same characters in the source (markup inside the span).
Each ``Fix`` is an edit of the source text found through the same offset mapping that
reports positions, so Markdown and HTML markup is never touched.

What this module adds:

* **Choice.** Fixes that overlap cannot all be applied; they are taken in order of their
  start (then end, safe before unsafe, then replacement), each one kept when it does not
  overlap one kept before: deterministic, whatever order the rules ran in.
* **Fixed point.** A fix can uncover another ("the the the" -> "the the"), so the text is
  linted again and fixed again until no fix applies (at most ``MAX_PASSES`` times). The
  findings reported are the last pass's, which are exactly what a second ``--fix`` run
  reports, and a second run changes nothing.
* **Safe writing.** The file is read once; its new text goes to a temporary file in the
  same folder, is flushed to disk (fsync) and renamed over the original (``os.replace``),
  with the original's permission bits (and owner, where allowed). Just before that, the
  file is read again: if it changed since lintnews read it (an editor saved it), it is
  left alone and the user is told. A failure at any step leaves the original intact.

Files that are never rewritten: a ``.docx`` or ``.doc`` (``lintnews annotate`` writes a
reviewed copy instead), a file that is not valid UTF-8 (writing it back would lose the
bytes that could not be read) and a UTF-16 file (its encoding would change).
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field

from . import runner
from .engine import Linter
from .finding import Finding, Fix, InputError
from .sources import Source, decode, display_path, read_file

MAX_PASSES = 10
UTF8_BOM = b"\xef\xbb\xbf"
WORD_SUFFIXES = (".docx", ".doc", ".docm", ".dotx")


@dataclass
class FileFix:
    """What fixing one file came to. ``fixed`` is None when there is nothing to write."""

    path: str  # as given ("-" for standard input)
    shown: str  # as reported
    original: str | None = None
    fixed: str | None = None
    applied: int = 0  # fixes applied, over every pass
    findings: list[Finding] = field(default_factory=list)  # what remains in ``fixed`` (or the original)
    first_findings: list[Finding] = field(default_factory=list)  # the original's, for when nothing is written
    errors: list[InputError] = field(default_factory=list)
    raw: bytes = b""  # the bytes read, to tell whether the file changed before writing
    bom: bool = False

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original

    def encoded(self) -> bytes:
        """The fixed file's bytes (the bytes read, when there is no fixed text)."""
        if self.fixed is None:
            return self.raw
        return (UTF8_BOM if self.bom else b"") + self.fixed.encode("utf-8")


# --- choosing and applying --------------------------------------------------------------


def choose(findings: list[Finding], unsafe: bool = False) -> list[Fix]:
    """The fixes to apply, sorted, none overlapping another."""
    fixes = {f.fix for f in findings if f.fix is not None and (f.fix.safe or unsafe)}
    chosen: list[Fix] = []
    last_end = -1
    for fx in sorted(fixes, key=lambda x: (x.start, x.end, not x.safe, x.replacement)):
        if fx.start >= last_end:
            chosen.append(fx)
            last_end = fx.end
    return chosen


def apply(text: str, fixes: list[Fix]) -> str:
    """``text`` with ``fixes`` (sorted, not overlapping) applied."""
    out: list[str] = []
    pos = 0
    for fx in fixes:
        out.append(text[pos : fx.start])
        out.append(fx.replacement)
        pos = fx.end
    out.append(text[pos:])
    return "".join(out)


def fix_text(
    linter: Linter, text: str, path: str, *, unsafe: bool = False, display: str | None = None, fmt: str | None = None, workers: int = 1
) -> tuple[str, int, list[Finding], list[Finding], list[InputError]]:
    """(fixed text, fixes applied, findings remaining, the original's findings, errors) of
    one text, linted and fixed until no fix applies. ``path`` picks the format (its suffix)
    unless ``fmt`` is given."""
    current = text
    applied = 0
    first: list[Finding] | None = None
    errors: dict[InputError, None] = {}  # every pass's, once each (a rule that gave up says so once)
    for done in range(MAX_PASSES + 1):
        findings, pass_errors = linter.lint_source(Source(path, current, []), fmt, display=display, workers=workers)
        errors.update(dict.fromkeys(pass_errors))
        if first is None:
            first = findings
        fixes = choose(findings, unsafe)
        if not fixes or done == MAX_PASSES:
            break
        current = apply(current, fixes)
        applied += len(fixes)
    return current, applied, findings, first or [], list(errors)


# --- one file ---------------------------------------------------------------------------


def fix_file(path: str, stdin_name: str, unsafe: bool, workers: int = 1) -> FileFix:
    """Read, lint and fix one file (nothing is written here; see ``write``)."""
    linter = runner._worker_linter
    assert linter is not None
    shown = stdin_name if path == "-" else display_path(path)
    result = FileFix(path, shown)
    if path != "-" and path.lower().endswith(WORD_SUFFIXES):
        findings, errors = runner._lint_one((path, stdin_name), workers)
        result.findings = result.first_findings = findings
        result.errors = errors + [
            InputError(
                shown,
                f"not fixed: a Word document is never rewritten in place; 'lintnews annotate {shown} -o "
                f"{_reviewed_name(shown)}' writes a copy with a comment on each finding",
            )
        ]
        return result
    if path == "-":
        source, raw = _read_stdin(stdin_name)
    else:
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            source, raw = read_file(path), b""  # its one clear message
        else:
            source = decode(raw, path)
    source.errors = [InputError(shown, e.message) for e in source.errors]
    result.raw = raw
    if source.text is None:
        result.errors = source.errors
        return result
    fixable = True
    if source.errors:
        fixable = False
        source.errors.append(InputError(shown, "not fixed: it is not valid UTF-8, and writing it back would lose the bytes that could not be read"))
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        fixable = False
        source.errors.append(InputError(shown, "not fixed: a UTF-16 file is only linted (fixes are written to UTF-8 files)"))
    if not fixable:
        result.findings, result.errors = runner.lint_source_safely(linter, source, shown, workers)
        result.first_findings = result.findings
        return result
    result.bom = raw.startswith(UTF8_BOM)
    try:
        fixed, applied, findings, first, errors = fix_text(
            linter, source.text, source.path, unsafe=unsafe, display=shown, workers=workers
        )
    except Exception as exc:  # a bug in lintnews must not lose the other files
        result.errors = [InputError(shown, f"internal error while fixing ({type(exc).__name__}: {exc}); please report it")]
        return result
    result.original = source.text
    result.fixed = fixed
    result.applied = applied
    result.findings = findings
    result.first_findings = first
    result.errors = errors
    return result


def _read_stdin(name: str) -> tuple[Source, bytes]:
    import sys

    stream = sys.stdin
    try:
        if stream is None or stream.closed:
            return Source(name, None, [InputError(name, "standard input is closed, nothing to lint")]), b""
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    except (OSError, ValueError) as exc:
        return Source(name, None, [InputError(name, f"cannot read standard input: {exc}")]), b""
    return decode(raw, name), raw


def _reviewed_name(shown: str) -> str:
    stem, dot, _ext = shown.rpartition(".")
    return f"{stem}-reviewed.docx" if dot else f"{shown}-reviewed.docx"


def _fix_task(item: tuple[str, str, bool], workers: int = 1) -> FileFix:
    path, stdin_name, unsafe = item
    return fix_file(path, stdin_name, unsafe, workers)


def fix_files(linter: Linter, files: list[str], *, unsafe: bool = False, jobs: int = 0, stdin_name: str = "-") -> list[FileFix]:
    """Every file linted and fixed in memory, in the order of ``files``; nothing written."""
    return runner.map_files(linter, _fix_task, [(f, stdin_name, unsafe) for f in files], jobs)


# --- writing ------------------------------------------------------------------------------


class WriteRefused(Exception):
    """The file was not written; the message says why, in one line."""


def write(result: FileFix) -> None:
    """Write a fixed file in place, atomically. Raises WriteRefused (the original intact)."""
    write_atomic(result.path, result.encoded(), result.raw)


def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace the file at ``path`` (through symbolic links) by ``data``, if it still holds
    ``expected``: temporary file in the same folder, fsync, rename; permission bits kept."""
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
        with open(target, "rb") as fh:
            now = fh.read()
    except FileNotFoundError:
        raise WriteRefused("not fixed: it was deleted or moved while lintnews was fixing it") from None
    except OSError as exc:
        raise WriteRefused(f"not fixed: cannot read it again before writing ({exc.strerror or exc})") from None
    if now != expected:
        raise WriteRefused("not fixed: it changed on disk after lintnews read it (saved in an editor?); left alone, run lintnews again")
    if not os.access(target, os.W_OK) or not st.st_mode & 0o222:  # root may write anything; the bits still say no
        raise WriteRefused("not fixed: the file is read-only")
    folder = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".lintnews-tmp", dir=folder)
    except OSError as exc:
        raise WriteRefused(f"not fixed: cannot create a temporary file beside it ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:  # not allowed: the file becomes ours, with the same mode bits
                pass
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteRefused(f"not fixed: writing failed ({exc.strerror or exc}); the original is unchanged") from None
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- showing -------------------------------------------------------------------------------


def unified_diff(result: FileFix) -> str:
    """The change as a unified diff (``--- path`` / ``+++ path``), "" when there is none."""
    if not result.changed:
        return ""
    old = (result.original or "").splitlines(keepends=True)
    new = (result.fixed or "").splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=result.shown, tofile=result.shown):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)
