#!/usr/bin/env python3
"""Detection quality of lintnews, measured on labelled data written by others.

One entry point, one section per rule family. Reads ``../shared/eval/`` (relative to the
project root) or ``--eval-dir``; never copies it. Skips with a clear message when the data
is absent, so it runs anywhere.

    python evaluation/evaluate.py                 # every section
    python evaluation/evaluate.py --section loaded
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evaluation"))

SECTIONS = ("editor", "loaded", "attribution", "names")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval",
                        help="folder with the labelled data (default: ../shared/eval)")
    parser.add_argument("--section", choices=SECTIONS, action="append",
                        help="run only this section (repeatable)")
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(f"evaluation skipped: no labelled data at {args.eval_dir} (pass --eval-dir)")
        return 0
    for name in args.section or SECTIONS:
        module = importlib.import_module(f"section_{name}")
        print(f"\n== {name} ==")
        started = time.perf_counter()
        module.evaluate(args.eval_dir)
        print(f"({name}: {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
