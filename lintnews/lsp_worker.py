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
descriptor is this module's first argument; it is read between units of work.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys

ID = struct.Struct("<q")
def main() -> None:
    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the replies
    sys.stdout = sys.stderr
    cancel_fd = int(sys.argv[1])
    os.set_blocking(cancel_fd, False)
    cancelled: set[int] = set()

    def poll() -> None:
        while True:
            try:
                data = os.read(cancel_fd, ID.size * 64)
            except BlockingIOError:
                return
            if not data:
                return
            for i in range(0, len(data) - len(data) % ID.size, ID.size):
                cancelled.add(ID.unpack_from(data, i)[0])

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
            poll()

            def stop(req=req) -> bool:
                poll()
                return req in cancelled

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
            cancelled = {c for c in cancelled if c > req}
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
