"""``lintnews lsp``: a language server over stdio, on pygls 2 and lsprotocol.

One long-lived process keeps the configuration and the compiled Linter in memory and lints
the text as it is in the editor (not the file on disk), with the same engine, findings and
configuration as ``lintnews check``.

- **Never blocking the editor.** Linting runs in a separate process (lsp_worker.py), fed by
  one thread of this one; the event loop only stores edits, schedules runs and answers
  requests, so a run on a long document never holds it up (in a thread it would, through
  the GIL). A change after a pause is linted at once; changes in
  quick succession are debounced (the run waits until typing pauses for DEBOUNCE seconds).
  A run is tied to the document's version: an edit that arrives while it runs stops it
  between two units of work (``Linter.lint_source(cancelled=...)`` in the lint process),
  and a result for a version that is no longer current is dropped, never published.
- **Positions in the negotiated encoding.** lintnews counts code points; LSP counts UTF-16
  code units unless the client offers UTF-8 or UTF-32 (``general.positionEncodings``).
  ``TextDoc`` keeps the editor's text with LSP's own line breaks (\\n, \\r\\n, \\r) and
  converts both ways, so a character outside the Basic Multilingual Plane does not shift a
  range. (pygls's workspace splits lines with ``str.splitlines``, which also breaks at
  U+2028 and form feeds, so documents are kept here instead.)
- **Code actions**: the rule's safe fix or the finding's replacement suggestion, "allow
  this term" (added to the project's ``.lintnews.yaml`` by a ruamel.yaml round trip that
  keeps its comments and layout) and "disable for this line" (an inline
  ``lintnews-disable-line`` comment at the end of the line, which does not split a
  Markdown paragraph as a comment line above it would).
- **Configuration** (and the house list of names, and extra rule packs) is read at start
  and again when the client reports a change or one of those files is saved. A broken
  one is shown once (window/showMessage) and the last good one stays in use.
- **stdout belongs to the protocol**: file descriptor 1 is pointed at stderr before the
  server starts, so a stray print anywhere cannot corrupt the stream; logs go to stderr.

Imported only by the ``lsp`` command: ``lintnews check`` never loads pygls.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .app import SetupError, build_linter, check_house_names, explain_parts, load_settings
from .config import CONFIG_NAMES
from .engine import Cancelled, normalise_term
from .finding import Finding
from .markup import LINTABLE_SUFFIXES, format_for

log = logging.getLogger("lintnews.lsp")

DEBOUNCE = 0.25  # seconds of quiet after an edit in a burst before the run starts
# Below this many characters the lint process runs a document's rules alone: a helper
# forked on every edit cost an 800-word article more than it saved (110 ms against 83 ms,
# the other core busy). A long document shares them, as `lintnews check` does.
SHARE_MIN_CHARS = 100_000
SOURCE = "lintnews"
ALLOW_COMMAND = "lintnews.allowTerm"
LANGUAGE_FORMATS = {"markdown": "markdown", "html": "html", "plaintext": "text", "text": "text"}
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "suggestion": lsp.DiagnosticSeverity.Information,
}
# Kinds whose suggestions are words to put in place of the match ("regime" → "government").
# Other kinds suggest what to do ("name who says so"): no quick fix replaces text with that.
REPLACING_KINDS = frozenset({"phrases", "pattern", "names", "consistency"})
ALLOWABLE_KINDS = REPLACING_KINDS
ALLOW_MAX_WORDS = 6


# --- positions ------------------------------------------------------------------------


ENCODINGS = {  # LSP position encoding -> (Python codec, bytes per code unit)
    lsp.PositionEncodingKind.Utf8: ("utf-8", 1),
    lsp.PositionEncodingKind.Utf16: ("utf-16-le", 2),
    lsp.PositionEncodingKind.Utf32: (None, 1),
}


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's code units."""
    codec, width = ENCODINGS[encoding]
    if codec is None or text.isascii():
        return len(text)
    return len(text.encode(codec, "surrogatepass")) // width


def chars_for_units(text: str, count: int, encoding: str) -> int:
    """How many code points of ``text`` its first ``count`` code units cover (a position
    inside a character rounds down; past the end is the end)."""
    codec, width = ENCODINGS[encoding]
    if codec is None or text.isascii():
        return min(max(count, 0), len(text))
    data = text.encode(codec, "surrogatepass")[: max(count, 0) * width]
    return len(data.decode(codec, "ignore"))


class TextDoc:
    """An open document: the editor's text, version and language, with LSP's lines."""

    def __init__(self, uri: str, text: str, version: int | None, language_id: str):
        self.uri = uri
        self.text = text
        self.version = version
        self.language_id = language_id
        self.path = to_fs_path(uri) or uri
        self._starts: list[int] | None = None
        self.task: asyncio.Task | None = None
        self.last_change = 0.0
        self.results: Results | None = None
        self.inflight: int | None = None  # id of the lint process's run of this document

    @property
    def lintable(self) -> bool:
        return self.language_id in LANGUAGE_FORMATS or self.path.lower().endswith(LINTABLE_SUFFIXES)

    @property
    def fmt(self) -> str:
        return LANGUAGE_FORMATS.get(self.language_id) or format_for(self.path)

    @property
    def line_starts(self) -> list[int]:
        """Offsets where LSP lines start: after \\n, \\r\\n or a lone \\r."""
        if self._starts is None:
            text = self.text
            starts = [0]
            if "\r" in text:
                import re

                starts.extend(m.end() for m in re.finditer(r"\r\n?|\n", text))
            else:
                find = text.find
                i = find("\n")
                while i != -1:
                    starts.append(i + 1)
                    i = find("\n", i + 1)
            self._starts = starts
        return self._starts

    def _line_span(self, line: int) -> tuple[int, int]:
        starts = self.line_starts
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def offset_at(self, pos: lsp.Position, encoding: str) -> int:
        starts = self.line_starts
        if pos.line >= len(starts):
            return len(self.text)
        start, end = self._line_span(pos.line)
        return start + chars_for_units(self.text[start:end], pos.character, encoding)

    def positions(self, offsets, encoding: str) -> dict[int, lsp.Position]:
        """LSP positions of many code-point offsets, in one pass in offset order (a long
        line is measured once, not once per finding on it)."""
        starts = self.line_starts
        out: dict[int, lsp.Position] = {}
        line, at, count = -1, 0, 0
        for off in sorted(set(offsets)):
            k = bisect_right(starts, off) - 1
            if k != line:
                line, at, count = k, starts[k], 0
            count += units(self.text[at:off], encoding)
            at = off
            out[off] = lsp.Position(line=line, character=count)
        return out

    def apply(self, change, encoding: str) -> None:
        if not isinstance(change, lsp.TextDocumentContentChangePartial):
            self.text = change.text
            self._starts = None
            return
        a = self.offset_at(change.range.start, encoding)
        b = max(a, self.offset_at(change.range.end, encoding))
        new, old = change.text, self.text
        self.text = old[:a] + new + old[b:]
        starts = self._starts
        if starts is None or "\r" in new or "\r" in old:  # \r\n pairs an edit may split: count again
            self._starts = None
            return
        # A keystroke in a long document: keep the line starts before the edit, add the new
        # text's, shift the rest (rather than scan the whole text again on every keystroke).
        delta = len(new) - (b - a)
        added = [a + k + 1 for k, ch in enumerate(new) if ch == "\n"] if "\n" in new else []
        tail = starts[bisect_right(starts, b):]
        self._starts = starts[: bisect_right(starts, a)] + added + ([s + delta for s in tail] if delta else tail)


def source_offsets(text: str, findings: list[Finding]) -> list[tuple[int, int]]:
    """Code-point offsets of findings' (line, column) spans; lintnews counts lines at \\n,
    \\r\\n or a lone \\r, as LSP does."""
    from .markup import line_starts

    starts = line_starts(text)

    def at(line: int, col: int) -> int:
        base = starts[line - 1] if 0 < line <= len(starts) else len(text)
        return min(base + col - 1, len(text))

    return [(at(f.line, f.column), at(f.end_line, f.end_column)) for f in findings]


# --- state ----------------------------------------------------------------------------


@dataclass
class Setup:
    """The configuration in force and the Linter built from it."""

    cfg: object
    linter: object
    rules_by_id: dict
    error: str | None = None  # set when this is the fallback after a broken configuration

    def watched(self) -> list[Path]:
        paths = [Path(p) for p in getattr(self.cfg, "names", [])]
        paths += [Path(p) for p in getattr(self.cfg, "rules", [])]
        if getattr(self.cfg, "path", None):
            paths.append(Path(self.cfg.path))
        return paths


@dataclass
class Results:
    version: int | None
    text: str
    items: list[tuple[Finding, int, int, lsp.Range]] = field(default_factory=list)


def match_case(suggestion: str, match: str) -> str:
    """'Regime' → 'Government', 'REGIME' → 'GOVERNMENT'; a suggestion with capitals of its
    own ('Israel', 'Hossein Dehghan') is kept as written."""
    if not suggestion or suggestion != suggestion.lower():
        return suggestion
    if match.isupper() and len(match) > 1:
        return suggestion.upper()
    if match[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


# --- the lint process -------------------------------------------------------------------


class WorkerDied(Exception):
    pass


class LintWorker:
    """The process that lints (lsp_worker.py), driven from the server's one lint thread:
    ``call`` sends a request and waits for its reply; ``cancel`` may be called from any
    thread. A worker that dies is started again on the next call."""

    def __init__(self):
        self.proc = None
        self.cancel_w = -1
        self.setup_msg: tuple | None = None

    def start(self) -> None:
        import subprocess

        read_end, self.cancel_w = os.pipe()
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH")) if p))
        self.proc = subprocess.Popen([sys.executable, "-m", "lintnews.lsp_worker", str(read_end)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=(read_end,), env=env)
        os.close(read_end)
        if self.setup_msg is not None:  # a restarted worker takes the configuration in force
            self._exchange(self.setup_msg)

    def _exchange(self, msg: tuple):
        import pickle

        try:
            pickle.dump(msg, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()
            return pickle.load(self.proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            self.stop()
            raise WorkerDied(str(exc) or type(exc).__name__) from None

    def call(self, msg: tuple):
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        reply = self._exchange(msg)
        if msg[0] == "setup" and reply[0] == "ok":
            self.setup_msg = msg
        return reply

    def cancel(self, request_id: int) -> None:
        try:
            os.write(self.cancel_w, request_id.to_bytes(8, "little", signed=True))
        except OSError:
            pass

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                proc.kill()
                proc.wait(timeout=5)
            except Exception:
                pass
        if self.cancel_w >= 0:
            try:
                os.close(self.cancel_w)
            except OSError:
                pass
            self.cancel_w = -1


# --- the server -------------------------------------------------------------------------


class Protocol(LanguageServerProtocol):
    """Keeps open documents in TextDoc (see the module docstring) instead of pygls's
    workspace; everything else is pygls's."""

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class LintnewsServer(LanguageServer):
    def __init__(self, config_path: str | None = None, workers: int | None = None):
        super().__init__("lintnews", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         protocol_cls=Protocol)
        self.config_path = config_path
        self.docs: dict[str, TextDoc] = {}
        self.setup: Setup | None = None
        self.root: Path = Path.cwd()
        self.encoding = lsp.PositionEncodingKind.Utf16
        # One thread talks to the lint process (and reads configuration): requests to it
        # never overlap, and the event loop stays free to take edits.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lintnews-lint")
        self.worker = LintWorker()
        self.next_request = 0
        if workers is None:
            from .runner import usable_cores

            workers = min(2, usable_cores())
        self.workers = workers
        self.setup_lock = threading.Lock()
        self.pending_worker_setup: tuple | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    # configuration ----------------------------------------------------------------

    def load_setup(self) -> Setup:
        """Read the configuration, rules and house list. Raises SetupError."""
        cfg = load_settings(self.config_path, start=self.root)
        linter = build_linter(cfg)
        check_house_names(linter)
        return Setup(cfg, linter, {r.id: r for r in linter.all_rules})

    def reload(self, first: bool = False) -> bool:
        """Re-read the configuration; on error keep the last good one and say so once.
        Returns True when a new setup is in force. Runs in the lint thread."""
        with self.setup_lock:
            try:
                setup = self.load_setup()
            except SetupError as exc:
                if self.setup is None:  # nothing good yet: the shipped defaults
                    from .config import Config

                    cfg = Config()
                    linter = build_linter(cfg)
                    self.setup = Setup(cfg, linter, {r.id: r for r in linter.all_rules}, error=str(exc))
                    self.pending_worker_setup = ("setup", None, None, True)
                    kept = "using the shipped defaults until it is fixed"
                else:
                    kept = "still using the last good configuration"
                self.tell(lsp.MessageType.Error, f"lintnews: {exc} ({kept})")
                return first
            self.setup = setup
            self.pending_worker_setup = ("setup", self.config_path, self.root, False)
            return True

    def sync_worker(self) -> None:
        """Give the lint process the configuration now in force. Runs in the lint thread."""
        msg, self.pending_worker_setup = self.pending_worker_setup, None
        if msg is None:
            return
        try:
            reply = self.worker.call(msg)
        except WorkerDied as exc:
            log.error("the lint process died: %s", exc)
            return
        if reply[0] != "ok":  # changed again between the two reads: the next change settles it
            log.warning("the lint process could not read the configuration: %s", reply[1])

    def reload_everywhere(self) -> bool:
        changed = self.reload()
        self.sync_worker()
        return changed

    def tell(self, kind: lsp.MessageType, message: str) -> None:
        """window/showMessage, from any thread."""
        params = lsp.ShowMessageParams(type=kind, message=message)
        loop = self.loop
        if loop is not None and threading.current_thread() is not threading.main_thread():
            loop.call_soon_threadsafe(self.window_show_message, params)
        else:
            self.window_show_message(params)

    def is_setup_file(self, path: str) -> bool:
        p = Path(path)
        if p.name in CONFIG_NAMES:
            return True
        setup = self.setup
        if setup is None:
            return False
        for w in setup.watched():
            try:
                if p == w or p.resolve() == w.resolve() or (w.is_dir() and p.resolve().is_relative_to(w.resolve())):
                    return True
            except OSError:
                continue
        return False

    async def reload_and_relint(self) -> None:
        loop = asyncio.get_running_loop()
        if await loop.run_in_executor(self.executor, self.reload_everywhere):
            await self.register_watchers()
            for doc in list(self.docs.values()):
                if doc.lintable:
                    self.schedule(doc, immediate=True)

    async def register_watchers(self) -> None:
        caps = self.client_capabilities.workspace
        dyn = caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration
        if not dyn:
            return
        globs = [f"**/{name}" for name in CONFIG_NAMES]
        for w in self.setup.watched() if self.setup else []:
            globs.append(f"**/{w.name}" if not w.is_dir() else f"**/{w.name}/**")
        globs = list(dict.fromkeys(globs))
        if globs == getattr(self, "_watched_globs", None):
            return
        self._watched_globs = globs
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in globs]
        )
        try:
            if getattr(self, "_watch_registered", False):
                await self.client_unregister_capability_async(lsp.UnregistrationParams(
                    unregisterations=[lsp.Unregistration(id="lintnews-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)]))
            await self.client_register_capability_async(lsp.RegistrationParams(registrations=[
                lsp.Registration(id="lintnews-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                 register_options=options)]))
            self._watch_registered = True
        except Exception as exc:  # a client that refuses: saves still reload
            log.warning("could not register file watchers: %s", exc)

    # linting ----------------------------------------------------------------------

    def schedule(self, doc: TextDoc, immediate: bool = False) -> None:
        """Lint ``doc`` now if it was quiet, else when typing pauses. A run already
        scheduled or running for an older version is superseded."""
        now = time.monotonic()
        burst = not immediate and now - doc.last_change < DEBOUNCE
        doc.last_change = now
        if doc.task is not None and not doc.task.done():
            doc.task.cancel()
        if doc.inflight is not None:  # stop the lint process's run of an older version
            self.worker.cancel(doc.inflight)
        doc.task = asyncio.get_running_loop().create_task(self._lint_later(doc, DEBOUNCE if burst else 0.0))

    async def _lint_later(self, doc: TextDoc, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        version, text, setup = doc.version, doc.text, self.setup
        if setup is None:
            return

        def stale() -> bool:
            return doc.version != version or self.docs.get(doc.uri) is not doc or self.setup is not setup

        loop = asyncio.get_running_loop()
        try:
            findings, errors = await loop.run_in_executor(self.executor, self._lint, setup, doc, text, stale)
        except Cancelled:
            return
        if stale():
            return
        self.publish(doc, version, text, findings)
        for e in errors:
            self.tell(lsp.MessageType.Warning, f"lintnews: {e.message}")

    def _lint(self, setup: Setup, doc: TextDoc, text: str, stale):
        """Findings and errors of ``text``, from the lint process. Runs in the lint thread."""
        self.sync_worker()
        if stale():
            raise Cancelled()
        self.next_request += 1
        req = doc.inflight = self.next_request
        workers = self.workers if len(text) >= SHARE_MIN_CHARS else 1
        try:
            if stale():  # changed while the request was being made: it may have missed the cancel
                raise Cancelled()
            reply = self.worker.call(("lint", req, doc.path, text, doc.fmt, workers))
        except WorkerDied as exc:
            self.tell(lsp.MessageType.Error, f"lintnews: the lint process stopped ({exc}); it is started again on the next change")
            raise Cancelled() from None
        finally:
            doc.inflight = None
        if reply[0] == "done":
            return reply[1], reply[2]
        if reply[0] == "failed":
            self.tell(lsp.MessageType.Error, f"lintnews: internal error while linting ({reply[1]}); please report it")
        raise Cancelled()

    def publish(self, doc: TextDoc, version, text: str, findings: list[Finding]) -> None:
        spans = source_offsets(text, findings)
        snapshot = TextDoc(doc.uri, text, version, doc.language_id)
        pos = snapshot.positions([o for span in spans for o in span], self.encoding)
        items = []
        diagnostics = []
        rules = self.setup.rules_by_id if self.setup else {}
        for f, (a, b) in zip(findings, spans):
            rng = lsp.Range(start=pos[a], end=pos[b])
            items.append((f, a, b, rng))
            rule = rules.get(f.rule)
            link = getattr(rule, "link", None)
            data = {"rule": f.rule, "match": f.match, "suggestions": list(f.suggestions)}
            fix = getattr(f, "fix", None)  # a rule's declared fix, where the engine gives one
            if fix is not None and hasattr(fix, "replacement"):
                data["fix"] = {"replacement": fix.replacement, "safe": bool(getattr(fix, "safe", False))}
            diagnostics.append(lsp.Diagnostic(
                range=rng,
                message=f.message,
                severity=SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Warning),
                code=f.rule,
                code_description=lsp.CodeDescription(href=link) if link else None,
                source=SOURCE,
                data=data,
            ))
        doc.results = Results(version, text, items)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=doc.uri, version=version, diagnostics=diagnostics)
        )

    def warm_up(self) -> None:
        """Start the lint process, give it the configuration and have it pay first-use
        costs before the first real document. Runs in the lint thread."""
        try:
            self.sync_worker()
            self.worker.call(("warm",))
        except WorkerDied as exc:
            log.error("the lint process did not start: %s", exc)

    # code actions and hover -------------------------------------------------------

    def current(self, uri: str) -> tuple[TextDoc, Results] | None:
        doc = self.docs.get(uri)
        if doc is None or doc.results is None or doc.results.version != doc.version:
            return None
        return doc, doc.results

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        found = self.current(params.text_document.uri)
        if found is None:
            return []
        doc, results = found
        a = doc.offset_at(params.range.start, self.encoding)
        b = doc.offset_at(params.range.end, self.encoding)
        actions: list[lsp.CodeAction] = []
        allowed: set[str] = set()
        for f, start, end, rng in results.items:
            if not (start <= b and a <= end):
                continue
            if doc.text[start:end] != f.match:
                continue
            diag = self._diagnostic_for(params, f, rng)
            rule = self.setup.rules_by_id.get(f.rule) if self.setup else None
            kind = getattr(rule, "kind", "")
            # The rule's own fix first (a safe one is the preferred action), then the
            # suggestions in place of the flagged words.
            edits: list[tuple[str, str, lsp.Range, bool]] = []  # (old text, new text, range, preferred)
            fix = getattr(f, "fix", None)
            if fix is not None and hasattr(fix, "replacement") and 0 <= fix.start <= fix.end <= len(doc.text):
                where = doc.positions([fix.start, fix.end], self.encoding)
                edits.append((doc.text[fix.start:fix.end], fix.replacement,
                              lsp.Range(start=where[fix.start], end=where[fix.end]), bool(getattr(fix, "safe", False))))
            if kind in REPLACING_KINDS:
                preferred = not edits
                for s in dict.fromkeys(match_case(s, f.match) for s in f.suggestions):
                    if s != f.match and not any(e[1] == s and e[2] == rng for e in edits):
                        edits.append((f.match, s, rng, preferred))
                        preferred = False
            for old_text, new_text, where, preferred in edits:
                title = f"Replace '{old_text}' with '{new_text}'" if new_text else f"Delete '{old_text}'"
                actions.append(lsp.CodeAction(
                    title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=preferred,
                    edit=self._edit(doc, [lsp.TextEdit(range=where, new_text=new_text)]),
                ))
            term = " ".join(f.match.split())
            if (kind in ALLOWABLE_KINDS and term and len(term.split()) <= ALLOW_MAX_WORDS
                    and normalise_term(term) not in allowed):
                allowed.add(normalise_term(term))
                shown = term if f.rule.startswith("names.") or not term[:1].isupper() else term.lower() if term[1:] == term[1:].lower() else term
                actions.append(lsp.CodeAction(
                    title=f"Allow '{shown}' in this project (.lintnews.yaml)", kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    command=lsp.Command(title="Allow this term", command=ALLOW_COMMAND, arguments=[shown]),
                ))
            actions.append(lsp.CodeAction(
                title=f"Disable {f.rule} for this line", kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                edit=self._edit(doc, [self._disable_edit(doc, start, f.rule)]),
            ))
        return actions

    @staticmethod
    def _diagnostic_for(params: lsp.CodeActionParams, f: Finding, rng: lsp.Range) -> lsp.Diagnostic:
        for d in params.context.diagnostics or ():
            if d.code == f.rule and d.range == rng:
                return d
        return lsp.Diagnostic(range=rng, message=f.message, code=f.rule, source=SOURCE)

    def _edit(self, doc: TextDoc, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
        ws = self.client_capabilities.workspace
        versioned = bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)
        if versioned and doc.version is not None:
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                edits=edits,
            )])
        return lsp.WorkspaceEdit(changes={doc.uri: edits})

    def _disable_edit(self, doc: TextDoc, offset: int, rule_id: str) -> lsp.TextEdit:
        """``<!-- lintnews-disable-line RULE -->`` at the end of the finding's line: the
        engine's directive, an HTML comment in every format (in plain text it is simply
        written in the file), invisible when Markdown or HTML is rendered, and unlike a
        comment line above it, it cannot split a Markdown paragraph in two."""
        line = bisect_right(doc.line_starts, offset) - 1
        _, end = doc._line_span(line)
        at = doc.positions([end], self.encoding)[end]
        sep = "" if end == 0 or doc.text[end - 1] in " \t" else " "
        return lsp.TextEdit(range=lsp.Range(start=at, end=at), new_text=f"{sep}<!-- lintnews-disable-line {rule_id} -->")

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        found = self.current(params.text_document.uri)
        if found is None or self.setup is None:
            return None
        doc, results = found
        at = doc.offset_at(params.position, self.encoding)
        parts = []
        first = None
        for f, start, end, rng in results.items:
            if start <= at < end or (start == end == at):
                rule = self.setup.rules_by_id.get(f.rule)
                if rule is None:
                    continue
                first = first or rng
                parts.append(hover_markdown(f, explain_parts(rule, self.setup.linter)))
        if not parts:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                         range=first)

    # allow this term ---------------------------------------------------------------

    def allow_term(self, term: str) -> str:
        """Add ``term`` to the project's allow list; returns what was done. Runs in the
        lint thread; raises SetupError."""
        cfg = self.setup.cfg if self.setup else None
        path = getattr(cfg, "path", None)
        if path is not None and Path(path).name not in (".lintnews.yaml", ".lintnews.yml"):
            raise SetupError(f"the configuration is in {path}; add '{term}' to its 'allow' list there")
        target = Path(path) if path is not None else self.root / ".lintnews.yaml"
        added = add_allowed(target, term)
        return f"lintnews: '{term}' {'added to' if added else 'is already in'} 'allow' in {target}"


def hover_markdown(f: Finding, parts: dict) -> str:
    lines = [f"**{parts['heading']}**", "", f.message]
    if parts["description"]:
        lines += ["", parts["description"].strip()]
    if parts["sources"]:
        lines += ["", "Sources:"] + [f"- {s}" for s in parts["sources"]]
    if parts["link"]:
        lines += ["", f"More: {parts['link']}"]
    if f.suggestions:
        lines += ["", "Suggestion: " + ", ".join(f.suggestions)]
    if parts.get("fix"):
        lines += ["", f"Fix: {parts['fix']}" + (" (the preferred quick fix)" if parts["fix"] == "safe" else "")]
    return "\n".join(lines)


def add_allowed(path: Path, term: str) -> bool:
    """Add ``term`` to ``allow:`` in a YAML config, keeping its comments, order, quoting
    and indentation (a ruamel.yaml round trip); create the file when absent. Returns False
    when an equivalent term is already there. Raises SetupError."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"{path}: cannot read: {exc}") from None
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    try:
        if text.strip():
            # Write lists the way the file does ("- x" under its key, or indented "  - x").
            data, indent, dash = load_yaml_guess_indent(text)
            if dash is not None:
                yaml.indent(mapping=max(2, indent - dash), sequence=indent, offset=dash)
            elif indent:
                yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
            else:
                yaml.indent(mapping=2, sequence=4, offset=2)
        else:
            data = None
    except YAMLError as exc:
        raise SetupError(f"{path}: not valid YAML, not changed: {str(exc).splitlines()[0]}") from None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise SetupError(f"{path}: the config must be a mapping of settings, not changed")
    allow = data.get("allow")
    if allow is None:
        data["allow"] = CommentedSeq([term])
    elif isinstance(allow, str):
        if normalise_term(allow) == normalise_term(term):
            return False
        seq = CommentedSeq([allow, term])
        seq.fa.set_flow_style()
        data["allow"] = seq
    elif isinstance(allow, list):
        if any(isinstance(a, str) and normalise_term(a) == normalise_term(term) for a in allow):
            return False
        allow.append(term)
    else:
        raise SetupError(f"{path}: 'allow' must be a list of strings, not changed")
    import io
    import tempfile

    out = io.StringIO()
    yaml.dump(data, out)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lintnews-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(out.getvalue())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        raise SetupError(f"{path}: cannot write: {exc}") from None
    return True


def create_server(config_path: str | None = None, workers: int | None = None) -> LintnewsServer:
    server = LintnewsServer(config_path, workers)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LintnewsServer, params: lsp.InitializeParams):
        ls.loop = asyncio.get_running_loop()
        ls.encoding = ls.protocol.workspace.position_encoding or lsp.PositionEncodingKind.Utf16
        if ls.encoding not in ENCODINGS:
            ls.encoding = lsp.PositionEncodingKind.Utf16
        root = None
        if params.workspace_folders:
            root = to_fs_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = to_fs_path(params.root_uri)
        elif params.root_path:
            root = params.root_path
        if root and os.path.isdir(root):
            ls.root = Path(root)
        ls.reload(first=True)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: LintnewsServer, params: lsp.InitializedParams):
        ls.executor.submit(ls.warm_up)
        await ls.register_watchers()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LintnewsServer, params: lsp.DidOpenTextDocumentParams):
        item = params.text_document
        doc = TextDoc(item.uri, item.text, item.version, item.language_id)
        old = ls.docs.get(item.uri)
        if old is not None and old.task is not None:
            old.task.cancel()
        ls.docs[item.uri] = doc
        if doc.lintable:
            ls.schedule(doc, immediate=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LintnewsServer, params: lsp.DidChangeTextDocumentParams):
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            doc.apply(change, ls.encoding)
        doc.version = params.text_document.version
        if doc.lintable:
            ls.schedule(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    async def did_save(ls: LintnewsServer, params: lsp.DidSaveTextDocumentParams):
        path = to_fs_path(params.text_document.uri)
        if path and ls.is_setup_file(path):
            await ls.reload_and_relint()
            return
        doc = ls.docs.get(params.text_document.uri)
        if doc is not None and doc.lintable and (doc.results is None or doc.results.version != doc.version):
            ls.schedule(doc, immediate=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LintnewsServer, params: lsp.DidCloseTextDocumentParams):
        doc = ls.docs.pop(params.text_document.uri, None)
        if doc is not None:
            if doc.task is not None:
                doc.task.cancel()
            if doc.lintable:
                ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_changed(ls: LintnewsServer, params: lsp.DidChangeWatchedFilesParams):
        if any(ls.is_setup_file(to_fs_path(c.uri) or "") for c in params.changes):
            await ls.reload_and_relint()

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    def code_action(ls: LintnewsServer, params: lsp.CodeActionParams):
        return ls.code_actions(params) or None

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: LintnewsServer, params: lsp.HoverParams):
        return ls.hover(params)

    @server.command(ALLOW_COMMAND)
    async def allow_term(ls: LintnewsServer, term: str):
        loop = asyncio.get_running_loop()
        try:
            said = await loop.run_in_executor(ls.executor, ls.allow_term, term)
        except SetupError as exc:
            ls.tell(lsp.MessageType.Error, f"lintnews: {exc}")
            return None
        ls.tell(lsp.MessageType.Info, said)
        await ls.reload_and_relint()
        return None

    return server


def serve_stdio(config_path: str | None = None) -> int:
    """Run the server on stdin/stdout until the client says exit. Returns the exit status:
    0 after shutdown and exit, 1 when the client exits (or goes away) without shutdown."""
    # The protocol gets its own copy of stdout; descriptor 1 (and sys.stdout) then point at
    # stderr, so nothing else that prints can corrupt the stream.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    logging.basicConfig(stream=sys.stderr, level=os.environ.get("LINTNEWS_LSP_LOG", "WARNING").upper(),
                        format="lintnews-lsp %(levelname)s %(name)s: %(message)s")
    server = create_server(config_path)
    try:
        server.start_io(sys.stdin.buffer, out)
    finally:
        server.worker.stop()
    return 0 if getattr(server.protocol, "_shutdown", False) else 1


__all__ = ["create_server", "serve_stdio", "LintnewsServer", "TextDoc", "add_allowed", "from_fs_path"]
