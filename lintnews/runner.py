"""Lint many files, on every core when there are enough of them to pay for the workers."""

from __future__ import annotations

import gc
import os
import re
import sys
from typing import Callable

from . import rx
from . import markup
from .engine import Linter, Part, Suppressions
from .finding import Finding, InputError
from .sources import Source, display_path, read_file, read_stdin

PARALLEL_THRESHOLD = 8  # fewer files than this: workers cost more than they save
# A text longer than this (a feed, an archive; no article comes near it) is linted in
# pieces of about PIECE_CHARS, cut at paragraph breaks, one at a time: what the rules build
# for a document (tokens, sentences, indexes) is some 25 bytes for each character, and a
# 100 MB file read whole needed gigabytes. Rules that compare a whole document (names,
# spelling consistency, the grade level) compare within each piece.
PIECES_ABOVE = 16_000_000
PIECE_CHARS = 4_000_000
# A blank line: the end of a paragraph in every format pieces are made of.
_BLANK_LINE_RE = rx.compile(r"\n[ \t]*\r?\n")
_FENCE_RE = rx.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)

_worker_linter: Linter | None = None


class Report:
    """What a run found, and how to show it: what every formatter reads.

    ``fixable``: findings with a safe fix (--fix applies them); ``unsafe_fixable``: findings
    whose fix only --unsafe-fixes applies. For reports that show whole articles (html):
    ``paths``, the files linted by the name findings carry; ``source_text``, each one's text
    as it was linted; ``explain``, a rule's explanation by id; ``document``, path -> the
    Document the rules read, or None."""

    def __init__(self, findings: list[Finding] | None = None, errors: list[InputError] | None = None,
                 rules: list | None = None, files_checked: int = 0, show_source: bool = False, quiet: bool = False,
                 color: bool = False, source_line: Callable[[str, int], str | None] | None = None, fixable: int = 0,
                 unsafe_fixable: int = 0, paths: list[str] | None = None,
                 source_text: Callable[[str], str | None] | None = None, explain: Callable[[str], object] | None = None,
                 document: Callable[[str], object] | None = None):
        self.findings = findings if findings is not None else []
        self.errors = errors if errors is not None else []
        self.rules = rules if rules is not None else []
        self.files_checked = files_checked
        self.show_source = show_source
        self.quiet = quiet
        self.color = color
        self.source_line = source_line
        self.fixable = fixable
        self.unsafe_fixable = unsafe_fixable
        self.paths = paths if paths is not None else []
        self.source_text = source_text
        self.explain = explain
        self.document = document


def read_source(path: str, stdin_name: str = "-") -> Source:
    """The text of one input as the rules read it ('-': standard input, read once). The
    HTML report reads each file's text through here too, so it shows what was linted."""
    return read_stdin(stdin_name) if path == "-" else read_file(path)


def _lint_one(args: tuple[str, str], workers: int = 1) -> tuple[list[Finding], list[InputError]]:
    path, stdin_name = args
    linter = _worker_linter
    assert linter is not None
    source = read_source(path, stdin_name)
    shown = stdin_name if path == "-" else display_path(path)
    source.errors = [InputError(shown, e.message) for e in source.errors]
    if source.text is not None and len(source.text) > PIECES_ABOVE:
        fmt = markup.format_for(stdin_name if path == "-" else path)
        if fmt in ("text", "markdown"):  # HTML's elements may span any line: read whole
            return lint_in_pieces(linter, source, shown, fmt, workers)
    source.disposable = True  # read here, linted, forgotten
    return lint_source_safely(linter, source, shown, workers=workers)


def lint_in_pieces(linter: Linter, source, shown: str, fmt: str, workers: int = 1):
    """Findings and errors of a long text, linted piece by piece (see PIECES_ABOVE) and
    reported with the lines and offsets of the whole file; the inline directives are the
    whole file's. With ``workers`` > 1 the pieces are shared out among that many forked
    processes, each linting whole pieces (sharing each piece's rules instead forked a
    helper per piece from a process that grows with the file: 11.7 times the time of
    10 MB for 100 MB)."""
    global _pieces
    text = source.text
    bounds = piece_bounds(text, fmt)
    count_lines = (lambda a, b: text.count("\n", a, b)) if "\r" not in text else (
        lambda a, b: len(markup.line_starts(text[a:b])) - 1)
    work = []
    first_line = 1
    for i, (start, end) in enumerate(bounds):
        work.append((i, start, end, first_line))
        first_line += count_lines(start, end)  # every piece but the last ends a line
    _pieces = (source.path, text, Suppressions.parse(text), shown, fmt)
    findings: list[Finding] = []
    errors: list[InputError] = list(source.errors)
    try:
        for found, problems in map_files(linter, _lint_piece, work, jobs=workers if workers > 1 else 1):
            findings.extend(found)
            errors.extend(e for e in problems if e not in errors)  # one rule's trouble said once
    finally:
        _pieces = None
    return findings, errors


# The long text being linted in pieces: set before the pool is forked, read by its workers.
_pieces: tuple | None = None


def _lint_piece(item: tuple, workers: int = 1) -> tuple[list[Finding], list[InputError]]:
    _i, start, end, first_line = item
    path, text, suppressions, shown, fmt = _pieces
    piece = Source(path, text[start:end], [])
    return lint_source_safely(_worker_linter, piece, shown, 1, fmt, Part(first_line, start, suppressions))


def piece_bounds(text: str, fmt: str, size: int | None = None) -> list[tuple[int, int]]:
    """[start, end) of each piece of ``text``: about ``size`` characters, ending just after
    a blank line; in Markdown, not inside a fenced code block and not before a line that
    would read as front matter at the top of a piece."""
    size = size or PIECE_CHARS
    bounds = []
    start = 0
    while len(text) - start > size:
        cut = None
        for m in _BLANK_LINE_RE.finditer(text, start + size):
            at = m.end()
            if fmt == "markdown" and (
                len(_FENCE_RE.findall(text, start, at)) % 2 or text.startswith(("---", "+++"), at)
            ):
                continue
            cut = at
            break
        if cut is None:
            break
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def lint_source_safely(
    linter: Linter, source, shown: str, workers: int = 1, fmt: str | None = None, part: Part | None = None
) -> tuple[list[Finding], list[InputError]]:
    """``linter.lint_source``, with a failure of this one text reported as an InputError
    (used for each file of a run, and for each request of ``lintnews serve``)."""
    try:
        return linter.lint_source(source, fmt, display=shown, workers=workers, part=part)
    except RecursionError:
        return [], [InputError(shown, "text is nested too deeply to lint")]
    except MemoryError:
        return [], [InputError(shown, "not enough memory to lint this file")]
    except Exception as exc:  # a bug in lintnews must not lose the other files' findings
        return [], [InputError(shown, f"internal error while linting ({type(exc).__name__}: {exc}); please report it")]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """The order every output format reports findings in."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule))


def _init_worker(linter: Linter) -> None:
    global _worker_linter
    _worker_linter = linter


def _init_pool_worker(alive_r: int, alive_w: int, parent: int) -> None:
    """A pool worker dies with the main process (see ``parallel.watch_parent``) and leaves
    Ctrl-C to it: the main process stops the pool and exits 130."""
    import signal

    from .parallel import watch_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while forking
    os.close(alive_w)
    watch_parent(alive_r, parent)
    from multiprocessing.util import Finalize

    Finalize(None, save_learned, exitpriority=0)  # run as the worker exits, its work done


def save_learned() -> None:
    """Keep what this process learnt that the next run can use (the syllables of words the
    stored table lacked): at the end of a run, and as each pool worker exits."""
    metric = sys.modules.get("lintnews.kinds.metric")  # not imported: no grade level ran
    if metric is not None:
        try:
            metric.save_learned()
        except Exception:  # noqa: BLE001 - a cache is an optimisation: never a traceback at exit
            pass


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` can allow fewer than
    the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def lint_files(linter: Linter, files: list[str], jobs: int = 0, stdin_name: str = "-") -> tuple[list[Finding], list[InputError]]:
    """Findings and errors of every file, in the order of ``files``. ``jobs`` 0 = automatic:
    a pool of one process per core for many files; for a few, each file's rules are shared
    between two processes (see parallel.py) when the file is big enough to pay for it."""
    findings: list[Finding] = []
    errors: list[InputError] = []
    for fs, es in map_files(linter, _lint_one, [(f, stdin_name) for f in files], jobs):
        findings.extend(fs)
        errors.extend(es)
    return findings, errors


def map_files(linter: Linter, task: Callable, work: list[tuple], jobs: int = 0) -> list:
    """``task(item, workers)`` for each work item (a tuple whose first element is the file),
    in order, on as many processes as ``jobs`` asks for (see ``lint_files``). ``task`` is a
    module-level function: pool workers find it by name and read ``_worker_linter``."""
    files = [w[0] for w in work]
    cores = usable_cores()
    per_file = 1
    if jobs <= 0:
        jobs = cores if len(files) >= PARALLEL_THRESHOLD else 1
        per_file = min(2, cores) if len(files) < PARALLEL_THRESHOLD else 1
    elif len(files) == 1:
        per_file = min(2, jobs, cores)
    # More processes than cores only compete for them (--jobs 1000 on two cores started
    # 1,001 processes and took nine times as long), and more than files sit idle.
    jobs = max(1, min(jobs, cores, len(files)))
    if jobs == 1 or "-" in files:
        _init_worker(linter)
        return [task(w, per_file) for w in work]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        context = multiprocessing.get_context()
    # Small chunks: a worker left without work while the other finishes a long chunk is
    # the cost of a large one (139 articles, about a second and a half, with 2,225 files).
    chunk = max(1, min(len(work) // (jobs * 8), 16))
    _init_worker(linter)  # forked workers inherit the compiled rules; nothing is pickled
    linter.warm_up()  # first-use work done once, here, not once in each worker
    # The rules and caches in this process stay alive until the end: kept out of the
    # collector's reach, a worker's collections neither walk them nor touch (and so copy)
    # the pages they are on.
    gc.freeze()
    alive_r, alive_w = os.pipe()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_pool_worker,
                               initargs=(alive_r, alive_w, os.getpid()))
    import signal

    try:
        # Workers are forked while the tasks are handed out. Ctrl-C is held back meanwhile so
        # that no worker is born able to receive it before its initializer ignores it (it
        # would print a traceback of its own); the main process gets it right after.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            results = pool.map(task, work, chunksize=chunk)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return list(results)
    except BaseException:  # Ctrl-C: stop every worker now, not after its current file
        os.close(alive_w)
        alive_w = -1
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if alive_w >= 0:
            pool.shutdown(wait=True)
            os.close(alive_w)
        os.close(alive_r)
        gc.unfreeze()
