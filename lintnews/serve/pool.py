"""Worker processes that keep the rules compiled, shared by the requests of ``lintnews serve``.

Each worker builds the linter once, from the same configuration as ``lintnews check`` in
the server's working directory, then answers jobs ``(text, format, filename)`` with the
body of ``--format json`` over a pipe. The server process never lints: its event loop only
parses requests and hands the text to an idle worker, so a long article never holds up
the requests behind it while another core is free.

Workers are started from a fork server (``multiprocessing``'s ``forkserver``), a clean
process started before any request arrives: a worker inherits none of the server's
sockets and none of its threads. A worker that dies (killed, out of memory) is replaced
and its request tried once more on another worker; a worker still busy when a request's
time is up is killed and replaced, so a pathological draft frees its core.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass

FORMATS = ("text", "markdown", "html")
# Imported once by the fork server: every worker forked from it starts with them loaded.
PRELOAD = ["lintnews.app", "lintnews.engine", "lintnews.runner", "lintnews.formatters.json", "lintnews.loader", __name__]
START_TIMEOUT = 120.0  # seconds a new worker may take to load the rules


def default_workers() -> int:
    """One worker per usable core, plus one. The event loop hands a worker its next draft
    only after reading its last answer; with exactly one worker a core, each core stood idle
    for that round trip on every request (under load, about a tenth of the time). A spare
    worker has its next draft waiting. (``bench/load.py``, 32 clients on 2 cores, runs of
    each in turn: 3 workers answered 5-15 % more requests a second than 2, p99 145-227 ms
    against 160-288.)"""
    from ..runner import usable_cores

    return usable_cores() + 1


class WorkerDied(Exception):
    """The worker's process ended while it had a job."""


class WorkerTimeout(Exception):
    """No answer within the request's time."""


@dataclass(frozen=True)
class LinterOptions:
    """What ``lintnews check`` would be given: the same flags, read the same way."""

    config_path: str | None = None
    extra_rules: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    dialect: str | None = None


def build_linter(options: LinterOptions):
    """The linter ``lintnews check`` builds in this directory with these flags. A config,
    rule or house-list problem raises ``lintnews.app.SetupError`` (one line)."""
    from ..app import build_linter as build, check_house_names, load_settings

    cfg = load_settings(options.config_path)
    linter = build(
        cfg, extra_rules=options.extra_rules, select=list(options.select), ignore=list(options.ignore), names=options.names,
        dialect=options.dialect,
    )
    check_house_names(linter)
    return linter


def check_json(linter, text: str, fmt: str, filename: str) -> str:
    """The output of ``lintnews check --format json --stdin-filename FILENAME -`` for
    ``text`` read as ``fmt``, byte for byte (newline included)."""
    return lint_job(linter, text, fmt, filename)[1]


def lint_job(linter, text: str, fmt: str, filename: str) -> tuple[str, str, bool]:
    """A worker's reply: ("ok", the JSON body, whether the same request will always get
    the same body). A run with an error (a pattern out of time: the clock decided) is
    not to be reused."""
    from ..formatters.json import format_json
    from ..runner import Report, lint_source_safely, sort_findings
    from ..sources import decode

    # Through the same decoding as standard input: an empty draft, or one with NUL bytes,
    # gets the CLI's message. A lone surrogate (legal in JSON) is reported as undecodable.
    source = decode(text.encode("utf-8", "surrogatepass"), filename)
    findings, errors = lint_source_safely(linter, source, filename, fmt=fmt)
    report = Report(findings=sort_findings(findings), errors=errors, rules=linter.rules, files_checked=1)
    return "ok", format_json(report) + "\n", not errors


def _worker_main(conn, options: LinterOptions) -> None:  # pragma: no cover - runs in the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops us
    try:
        linter = build_linter(options)
        linter.warm_up()
    except Exception as exc:  # SetupError: the configuration changed since the server started
        conn.send(("failed", str(exc) or type(exc).__name__))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            text, fmt, filename = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply = lint_job(linter, text, fmt, filename)
        except Exception as exc:  # a bug in lintnews: the request gets a 500, the worker lives
            reply = ("error", f"internal error while linting ({type(exc).__name__}: {exc}); please report it", False)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class Worker:
    def __init__(self, context, options: LinterOptions):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, options), daemon=True, name="lintnews-worker")
        self.process.start()
        child.close()
        self.pid = self.process.pid

    async def receive(self, timeout: float):
        """The worker's next message; WorkerDied if it ended, asyncio.TimeoutError if late."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        fd = self.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if future.done():
                return
            try:
                future.set_result(self.conn.recv())
            except (EOFError, OSError):
                future.set_exception(WorkerDied())

        loop.add_reader(fd, readable)
        try:
            return await asyncio.wait_for(future, max(0.0, timeout))
        finally:
            loop.remove_reader(fd)

    def send(self, job) -> None:
        try:
            self.conn.send(job)
        except (OSError, ValueError) as exc:
            raise WorkerDied() from exc

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        except (OSError, ValueError, AssertionError):
            pass
        try:
            self.conn.close()
        except OSError:
            pass


class WorkerPool:
    """``size`` workers; ``check`` runs one job on the next idle one. Create and use it
    inside the server's event loop (``start`` in the application's start-up)."""

    def __init__(self, options: LinterOptions, size: int):
        import multiprocessing

        self.options = options
        self.size = size
        try:
            self.context = multiprocessing.get_context("forkserver")
            self.context.set_forkserver_preload(PRELOAD)
        except ValueError:  # pragma: no cover - no fork server on this platform
            self.context = multiprocessing.get_context("spawn")
        self.workers: set[Worker] = set()  # started, ready or not
        self.busy: set[Worker] = set()
        self.ready = 0
        self.failure: str | None = None  # why workers cannot start, if they cannot
        self._idle: asyncio.Queue | None = None
        self._tasks: set[asyncio.Task] = set()
        self.closed = False

    def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._add_worker()

    def _add_worker(self, delay: float = 0.0) -> None:
        task = asyncio.get_running_loop().create_task(self._bring_up(delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _bring_up(self, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if self.closed:
            return
        try:
            worker = Worker(self.context, self.options)
        except OSError as exc:
            self.failure = f"cannot start a worker: {exc}"
            print(f"lintnews serve: {self.failure}; trying again", file=sys.stderr, flush=True)
            self._add_worker(delay=1.0)
            return
        self.workers.add(worker)
        try:
            kind, value = await worker.receive(START_TIMEOUT)
        except (WorkerDied, asyncio.TimeoutError):
            kind, value = "failed", "it ended or hung while loading the rules"
        if self.closed:
            worker.kill()
            return
        if kind != "ready":
            self.failure = f"a worker could not load the rules ({value})"
            print(f"lintnews serve: {self.failure}; trying again", file=sys.stderr, flush=True)
            self._retire(worker)
            self._add_worker(delay=1.0)
            return
        self.failure = None
        self.ready += 1
        self._idle.put_nowait(worker)

    def _retire(self, worker: Worker) -> None:
        worker.kill()
        self.workers.discard(worker)
        self.busy.discard(worker)

    def _replace(self, worker: Worker) -> None:
        self.ready -= 1
        self._retire(worker)
        if not self.closed:
            self._add_worker()

    async def check(self, text: str, fmt: str, filename: str, timeout: float) -> tuple[str, str, bool]:
        """``("ok", json_body, reusable)`` or ``("error", message, False)``. The whole request, waiting for
        an idle worker and one more try after a worker died, gets ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for _attempt in range(2):
            try:
                worker = await asyncio.wait_for(self._idle.get(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                raise WorkerTimeout() from None
            self.busy.add(worker)
            try:
                worker.send((text, fmt, filename))
                reply = await worker.receive(deadline - loop.time())
            except WorkerDied:
                self._replace(worker)
                continue
            except asyncio.TimeoutError:
                self._replace(worker)  # it may be stuck in a rule: kill it to free its core
                raise WorkerTimeout() from None
            except BaseException:  # cancelled (server shutting down): its reply would be stale
                self._replace(worker)
                raise
            self.busy.discard(worker)
            self._idle.put_nowait(worker)
            return reply
        raise WorkerDied()

    def status(self) -> dict:
        return {
            "size": self.size,
            "ready": self.ready,
            "busy": len(self.busy),
            "pids": sorted(w.pid for w in self.workers),
            "busy_pids": sorted(w.pid for w in self.busy),
        }

    async def close(self) -> None:
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()
        self.busy.clear()
