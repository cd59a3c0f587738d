"""The process that lints for ``lintnews lsp``.

The language server keeps the protocol in one process and the linting in this one: a run
on a long document holds the interpreter for seconds, and in a thread of the server it
would hold up every request the editor sends meanwhile (the GIL). Here it cannot, and this
process, with a single thread, may fork a helper for a long document's rules (parallel.py)
without forking the server's threads.

Protocol, over this process's stdin and stdout (never the editor's): the server writes
pickled requests and reads one pickled reply to each.

    ("setup", config_path, root, use_defaults) -> ("ok", None) | ("error", message)
    ("lint", request_id, path, text, fmt, workers) -> ("done", findings, errors) | ("cancelled",) | ("failed", message)
    ("warm",) -> ("ok", None)

A run is cancelled when the server writes its request id (8 bytes) to the pipe whose file
descriptor is this module's first argument; this process reads it between units of work
(``Cancels``), and before and after building the document.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys

ID = struct.Struct("<q")


class Cancels:
    """The ids of the runs the server has cancelled, read from the cancel pipe.

    Only the process that made this reads the pipe. A helper forked for a long document's
    rules (parallel.py) inherits the descriptor; when it read an id, the id was lost to
    this process, which went on to run the helper's share of the stale run as well (a
    cancel sent after the fork was lost about half the time). This process sees every id
    and, stopping, stops the helper."""

    def __init__(self, fd: int):
        self.fd = fd
        self.owner = os.getpid()
        self.ids: set[int] = set()
        os.set_blocking(fd, False)

    def poll(self) -> None:
        if os.getpid() != self.owner:
            return
        while True:
            try:
                data = os.read(self.fd, ID.size * 64)
            except BlockingIOError:
                return
            if not data:
                return
            for i in range(0, len(data) - len(data) % ID.size, ID.size):
                self.ids.add(ID.unpack_from(data, i)[0])

    def stopped(self, request_id: int) -> bool:
        self.poll()
        return request_id in self.ids

    def done(self, request_id: int) -> None:
        """Forget the ids of this run and of earlier ones."""
        self.ids = {c for c in self.ids if c > request_id}


def main() -> None:
    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the replies
    sys.stdout = sys.stderr
    cancels = Cancels(int(sys.argv[1]))

    from .app import SetupError, build_linter, check_house_names, load_settings
    from .config import Config
    from .engine import Cancelled
    from .sources import Source

    linter = None
    while True:
        try:
            msg = pickle.load(inp)
        except (EOFError, OSError, pickle.UnpicklingError):
            os._exit(0)  # the server has gone
        kind = msg[0]
        if kind == "setup":
            _, config_path, root, use_defaults = msg
            try:
                cfg = Config() if use_defaults else load_settings(config_path, start=root)
                new = build_linter(cfg)
                check_house_names(new)
                linter, reply = new, ("ok", None)
            except SetupError as exc:
                reply = ("error", str(exc))
        elif kind == "lint":
            _, req, path, text, fmt, workers = msg

            def stop(req=req) -> bool:
                return cancels.stopped(req)

            try:
                if linter is None:
                    raise RuntimeError("no configuration loaded")
                findings, errors = linter.lint_source(Source(path, text, []), fmt, display=path, workers=workers,
                                                      cancelled=stop)
                reply = ("done", findings, errors)
            except Cancelled:
                reply = ("cancelled",)
            except Exception as exc:  # a bug must not take the editor's linting down with it
                reply = ("failed", f"{type(exc).__name__}: {exc}")
            cancels.done(req)
        elif kind == "warm":
            # First-use costs (textstat's import, Markdown's patterns) paid before the first
            # real document, not during it.
            if linter is not None:
                linter.warm_up(("text", "markdown", "html"))
            reply = ("ok", None)
        else:
            reply = ("failed", f"unknown request {kind!r}")
        pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
