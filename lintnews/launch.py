"""The ``lintnews`` command's entry point.

A plain check (``lintnews [check] [options] PATH...``, the run a pre-commit hook or CI makes
on every commit) is read by ``check.parse_check_args`` and run without importing click;
anything else (help, version, another command, a usage error) goes to click (cli.py).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def main(argv: list[str] | None = None) -> None:
    """Run ``lintnews`` with ``argv`` (default: the command line); ends in SystemExit."""
    from .check import EXIT_INTERRUPTED, check, echo, parse_check_args

    args = sys.argv[1:] if argv is None else list(argv)
    params = parse_check_args(args)
    if params is None:
        from .cli import main as click_main

        click_main(args)
        return
    try:
        check(**params)
    except KeyboardInterrupt:
        echo("lintnews: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


def run() -> NoReturn:
    """``main``, then a fast exit.

    A run leaves hundreds of thousands of objects behind (compiled rules, the document, the
    modules textstat brings in), and an interpreter that frees them one by one on the way
    out spends about 20 ms of a 100 ms one-article run doing it. The output is flushed and
    every worker has been joined by then, so the process can end at once and leave the
    memory to the operating system. (Tests call ``main`` and keep the ordinary exit.)"""
    try:
        main()
        code = 0
    except KeyboardInterrupt:  # before or after click's own handling
        print("lintnews: interrupted", file=sys.stderr)
        code = 130
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message") prints the message and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more can be written
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
