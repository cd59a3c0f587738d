#!/usr/bin/env python3
"""How long after a change the editor gets its diagnostics, from `lintnews lsp`.

Drives `python -m lintnews lsp` over stdio with pygls's own LSP client, as an editor does.
With the server warm (the document opened and linted once), each sample is one edit (a
word typed into the middle of the document, sent as an incremental didChange) and the time
until the publishDiagnostics for that version arrives. Samples are spaced out, so each edit
comes after a pause in typing and is linted at once; a burst of keystrokes is timed
separately (diagnostics come when the typing pauses: the debounce, then one run).

The time is taken when the client has decoded the notification (pygls turns its JSON
into lsprotocol objects, through cattrs: the editor's cost, not the server's); the time
its bytes arrived, before that decoding, is printed beside it.

Targets (issue 12): an 800-word article within 50 ms, a 1 MB document within 1.5 s.

Usage:  python3 bench/lsp.py [--runs N]
        python3 bench/lsp.py --stages [--runs N]   # where an edit's time goes, stage by
                                                   # stage, in this process (no server)

Prints figures; it is not a test and always exits 0. The 1 MB document is built as
bench/run.py builds its own (BBC copy from ../shared/eval/bbc/ when present).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from lsprotocol import types as t  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

import run as bench_run  # noqa: E402  (bench/run.py: the 1 MB file)


def article_800() -> str:
    """The bench article cut to about 800 words at a paragraph break."""
    paragraphs = (BENCH / "article.txt").read_text(encoding="utf-8").split("\n\n")
    out, words = [], 0
    for p in paragraphs:
        if words >= 800:
            break
        out.append(p)
        words += len(p.split())
    return "\n\n".join(out).strip() + "\n"


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time so far of the server, its lint process and their reaped helpers (Linux
    /proc), or None."""
    fields = _stat(pid)
    if fields is None:
        return None
    ticks = sum(int(x) for x in fields[11:15])
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (child := _stat(int(entry))) is not None and int(child[1]) == pid:
            ticks += sum(int(x) for x in child[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


class _TimedJson:
    """pygls's reader decodes each message with ``json.loads(body, object_hook=...)``,
    the cattrs structuring included: this stands in for its ``json`` module and notes
    when each body was read, before any of that work."""

    def __init__(self):
        import json

        self._json = json
        self.last_read = 0.0

    def loads(self, body, **kwargs):
        self.last_read = time.perf_counter()
        return self._json.loads(body, **kwargs)

    def __getattr__(self, name):
        return getattr(self._json, name)


def time_reads() -> _TimedJson:
    import pygls.io_

    timed = _TimedJson()
    pygls.io_.json = timed
    return timed


class Timer:
    def __init__(self, reads: _TimedJson | None = None):
        self.arrived: dict[tuple[str, int], float] = {}
        self.read: dict[tuple[str, int], float] = {}  # when its bytes were read, before decoding
        self.reads = reads
        self.event = asyncio.Event()

    def on_publish(self, params: t.PublishDiagnosticsParams) -> None:
        now = time.perf_counter()
        self.arrived[(params.uri, params.version)] = now
        self.read[(params.uri, params.version)] = self.reads.last_read if self.reads else now
        self.event.set()

    async def wait(self, uri: str, version: int, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.arrived:
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), max(0.01, deadline - time.perf_counter()))
        return self.arrived[(uri, version)]


async def bench(runs: int, big_runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="lintnews-lsp-bench-"))
    megabyte = bench_run.build_megabyte(work, bench_run.ARTICLE).read_text(encoding="utf-8")
    inputs = [("800-word article", article_800(), runs, 0.05), ("1 MB document", megabyte, big_runs, 1.5)]

    client = LanguageClient("lintnews-bench", "1")
    timer = Timer(time_reads())

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: t.PublishDiagnosticsParams):
        timer.on_publish(params)

    @client.feature(t.WINDOW_SHOW_MESSAGE)
    def said(params: t.ShowMessageParams):
        print(f"server says: {params.message}", file=sys.stderr)

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "lintnews", "lsp", env=env, cwd=str(work))
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=from_fs_path(str(work))))
    client.initialized(t.InitializedParams())
    print(f"server start-up to initialized: {time.perf_counter() - started:.2f} s")
    from lintnews.lsp import DEBOUNCE

    for label, text, n, target in inputs:
        uri = from_fs_path(str(work / f"{label.split()[0]}.md"))
        version = 1
        sent = time.perf_counter()
        client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "markdown", version, text)))
        first = await timer.wait(uri, version) - sent
        lines = text.split("\n")
        middle = len(lines) // 2
        while not lines[middle].strip():
            middle += 1
        samples, reads, cpu = [], [], []
        pid = client._server.pid
        for i in range(n):
            await asyncio.sleep(DEBOUNCE * 1.5)  # a pause in typing: the edit is linted at once
            version += 1
            pos = t.Position(middle, 0)
            before = cpu_seconds(pid)
            sent = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [t.TextDocumentContentChangePartial(range=t.Range(pos, pos), text="Meanwhile ")]))
            samples.append(await timer.wait(uri, version) - sent)
            reads.append(timer.read[(uri, version)] - sent)
            after = cpu_seconds(pid)
            if before is not None and after is not None:
                cpu.append(after - before)
        # The editor is never kept waiting: a request answered while a run is in progress.
        await asyncio.sleep(DEBOUNCE * 1.5)
        version += 1
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [t.TextDocumentContentChangePartial(range=t.Range(pos, pos), text="Later ")]))
        await asyncio.sleep(0.02)
        asked = time.perf_counter()
        await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(0, 0)))
        answered = time.perf_counter() - asked
        busy = (uri, version) not in timer.arrived
        await timer.wait(uri, version)
        # A burst: ten keystrokes 40 ms apart; diagnostics come once typing pauses.
        await asyncio.sleep(DEBOUNCE * 1.5)
        for ch in "reporters ":
            version += 1
            pos = t.Position(middle, 0)
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(version=version, uri=uri), [t.TextDocumentContentChangePartial(range=t.Range(pos, pos), text=ch)]))
            last = time.perf_counter()
            await asyncio.sleep(0.04)
        burst = await timer.wait(uri, version) - last
        stale = sum(1 for (u, v) in timer.arrived if u == uri and version - 9 <= v < version)
        median = statistics.median(samples)
        verdict = "MET" if median <= target else "MISSED"
        print(f"{label} ({len(text.split()):,} words, {len(text.encode()):,} B): first lint after open {first * 1000:.0f} ms; "
              f"didChange -> publishDiagnostics median {median * 1000:.1f} ms, min {min(samples) * 1000:.1f}, "
              f"max {max(samples) * 1000:.1f} ({n} edits) -- target {target * 1000:.0f} ms: {verdict}")
        print(f"  the notification's bytes were in after a median {statistics.median(reads) * 1000:.1f} ms "
              f"(the rest is the client decoding them: the editor's cost)")
        if cpu:
            print(f"  CPU time per edit (server, lint process and its helper): median {statistics.median(cpu) * 1000:.0f} ms "
                  f"(a wall time well above it was spent waiting for a core)")
        print(f"  a hover request sent {'while the run was in progress' if busy else 'just after an edit'}: answered in {answered * 1000:.1f} ms")
        print(f"  typing burst of 10 keystrokes: diagnostics {burst * 1000:.0f} ms after the last one "
              f"(debounce {DEBOUNCE * 1000:.0f} ms + one run); {stale} intermediate versions published")
        client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri)))
        # For scale, on the machine as it is now: the command line on the same text.
        path = work / f"{label.split()[0]}.md"
        path.write_text(text, encoding="utf-8")
        cli = []
        for _ in range(3 if n > 5 else 1):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "lintnews", "check", "--quiet", str(path)], env=env, cwd=str(work),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cli.append(time.perf_counter() - began)
        print(f"  for scale, now: `lintnews check` on the same text takes {statistics.median(cli) * 1000:.0f} ms "
              f"(a whole process: start-up, rules from the cache, two cores)")

    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.sleep(0.1)
    await client.stop()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)")


def stages(runs: int) -> None:
    """Each stage of an edit to the 1 MB document, run alone in this process as the server
    and its lint process run it: the median of ``runs`` of each, wall and CPU time (the
    lint's CPU includes its forked helper's)."""
    import json
    import pickle
    import resource

    from lsprotocol.types import PublishDiagnosticsNotification

    from lintnews import lsp
    from lintnews.app import build_linter
    from lintnews.config import Config
    from lintnews.sources import Source

    work = Path(tempfile.mkdtemp(prefix="lintnews-lsp-stages-"))
    text = bench_run.build_megabyte(work, bench_run.ARTICLE).read_text(encoding="utf-8")
    path = str(work / "1.md")
    uri = from_fs_path(path)
    lines = text.split("\n")
    middle = len(lines) // 2
    linter = build_linter(Config())
    linter.warm_up(("markdown",))
    server = lsp.LintnewsServer()
    server.setup = lsp.Setup(linter.ctx, linter, {r.id: r for r in linter.all_rules})
    sent: list = []
    server.text_document_publish_diagnostics = sent.append
    client = LanguageClient("lintnews-bench", "1")
    doc = lsp.TextDoc(uri, text, 1, "markdown")
    doc.line_starts  # noqa: B018 (the server has them from the last run)
    change = t.TextDocumentContentChangePartial(range=t.Range(t.Position(middle, 0), t.Position(middle, 0)),
                                                text="Meanwhile ")

    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    state: dict = {}

    def request():
        state["request"] = pickle.loads(pickle.dumps(("lint", 1, path, doc.text, "markdown", 2), protocol=pickle.HIGHEST_PROTOCOL))

    def lint():
        state["findings"], state["errors"] = linter.lint_source(Source(path, state["request"][3], []), "markdown",
                                                                display=path, workers=2, cancelled=lambda: False)

    def reply():
        pickle.loads(pickle.dumps(("done", state["findings"], state["errors"]), protocol=pickle.HIGHEST_PROTOCOL))

    def publish():
        server.publish(doc, 2, doc.text, state["findings"])

    def serialise():
        note = PublishDiagnosticsNotification(method=t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params=sent[-1], jsonrpc="2.0")
        state["body"] = json.dumps(note, default=server.protocol._serialize_message).encode("utf-8")

    def decode():
        json.loads(state["body"], object_hook=client.protocol.structure_message)

    steps = [
        ("the server applies the change to its copy (TextDoc.apply)", lambda: doc.apply(change, server.encoding)),
        ("the request to the lint process, pickled and unpickled", request),
        ("the lint, rules shared over two processes (workers=2)", lint),
        ("  of which the Document: Markdown to prose", lambda: linter.source_document(Source(path, doc.text, []), "markdown")),
        ("the reply, pickled and unpickled", reply),
        ("findings to diagnostics, positions in UTF-16 (publish)", publish),
        ("pygls serialises the notification (cattrs, JSON)", serialise),
        ("the client decodes it (JSON, cattrs): the editor's cost", decode),
    ]
    print(f"1 MB document ({len(text.encode()):,} B), one edit, stage by stage (median of {runs}; wall / CPU):")
    for label, step in steps:
        walls, cpus = [], []
        for _ in range(runs):
            c, w = cpu(), time.perf_counter()
            step()
            walls.append(time.perf_counter() - w)
            cpus.append(cpu() - c)
        print(f"  {label:58s} {statistics.median(walls) * 1000:8.1f} ms / {statistics.median(cpus) * 1000:7.1f} ms")
    print(f"  ({len(state['findings'])} diagnostics, a notification of {len(state['body']):,} B)")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=None,
                    help="edits timed on the article, default 20 (the 1 MB document gets a quarter)")
    ap.add_argument("--stages", action="store_true", help="time each stage of an edit to the 1 MB document instead, "
                    "in this process (--runs of each, default 5)")
    args = ap.parse_args(argv)
    if args.stages:
        stages(max(1, args.runs or 5))
        return 0
    runs = max(1, args.runs or 20)
    asyncio.run(bench(runs, max(3, runs // 4)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
