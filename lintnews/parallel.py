"""Share the rules of one document between this process and one forked helper.

A directory of articles is spread over a process pool (runner.py); this is for the other
common case, one file: the article a reporter commits, or a long feed. The document is
built once, then the process forks; the helper inherits the document and the compiled
rules (nothing is pickled on the way in) and both processes take work items, largest
first, from one pipe until it is empty. Reads of a few bytes from a pipe are atomic, so
each item is taken exactly once and a slow item on one side never leaves the other idle.

Nothing can be lost: if the helper cannot be forked, dies, or fails, this process runs
whatever the helper took and did not hand back, so the result is always the result of a
serial run.
"""

from __future__ import annotations

import os
import struct
from typing import Callable, TypeVar

from .cache import pickle

R = TypeVar("R")

ITEM = struct.Struct("<I")  # one work item's index in the pipe: 4 bytes, well under PIPE_BUF
MAX_ITEMS = 4096  # all items are queued before the fork, so they must fit in a pipe (64 KB)


def watch_parent(alive_r: int, parent: int) -> None:
    """In a forked process: end as soon as the parent does, however it ends (SIGKILL from a
    CI time-out included), so no worker outlives the run holding its caller's pipes open.

    The parent holds the write end of the ``alive`` pipe and never writes to it; when it
    dies the kernel closes it, the read below returns, and this process exits. A thread,
    not ``prctl(PR_SET_PDEATHSIG)``: ctypes would cost the helper milliseconds to import."""
    import threading

    def wait() -> None:
        try:
            os.read(alive_r, 1)
        except OSError:
            pass
        os._exit(1)

    threading.Thread(target=wait, name="lintnews-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the watch began
        os._exit(1)


def can_share(items: int) -> bool:
    return hasattr(os, "fork") and 1 < items <= MAX_ITEMS


def share(order: list[int], run: Callable[[int], R], here_first=()) -> dict[int, R]:
    """``run(i)`` for every ``i`` in ``order`` (largest first), on two processes; the items
    in ``here_first`` run in this process, before it takes its share of the others.
    Returns ``{i: result}``; results must pickle."""
    pinned = set(here_first)
    here_first = [i for i in order if i in pinned]
    todo_r, todo_w = os.pipe()
    try:
        for i in order:  # all items are queued before the fork: the helper sees EOF when done
            if i in pinned:
                continue
            os.write(todo_w, ITEM.pack(i))
    finally:
        os.close(todo_w)
    done_r, done_w = os.pipe()
    alive_r, alive_w = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(done_r)
        os.close(done_w)
        pid = -1
    if pid == 0:  # the helper: never returns, never runs the parent's exit handlers
        status = 1
        try:
            os.close(done_r)
            os.close(alive_w)
            watch_parent(alive_r, parent)
            results = {i: run(i) for i in _take(todo_r)}
            with os.fdopen(done_w, "wb") as out:
                pickle.dump(results, out, protocol=-1)  # -1: the highest
            status = 0
        finally:
            os._exit(status)
    os.close(alive_r)
    mine: dict[int, R] = {}
    try:
        if pid > 0:
            os.close(done_w)
        for i in here_first:
            mine[i] = run(i)
        for i in _take(todo_r):
            mine[i] = run(i)
    except BaseException:  # Ctrl-C, or a failure the caller reports: no helper is left behind
        if pid > 0:
            _stop(pid)
            os.close(done_r)
        os.close(alive_w)
        raise
    finally:
        os.close(todo_r)
    theirs: dict[int, R] = {}
    if pid > 0:
        with os.fdopen(done_r, "rb") as inp:
            data = inp.read()
        os.waitpid(pid, 0)
    os.close(alive_w)  # only now: the helper's watch ends it when this closes
    if pid > 0:
        try:
            theirs = pickle.loads(data)
        except Exception:  # the helper died or failed: its items are run again below
            theirs = {}
    for i in order:
        if i not in mine and i not in theirs:
            mine[i] = run(i)
    return {**theirs, **mine}


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def _take(fd: int):
    while True:
        data = os.read(fd, ITEM.size)
        if len(data) < ITEM.size:
            return
        yield ITEM.unpack(data)[0]
