#!/usr/bin/env python3
"""Are lintnews's findings the same as before a change? Record them, change the code, compare.

    python3 bench/same_findings.py record /tmp/before     # on the old code
    python3 bench/same_findings.py compare /tmp/before    # on the new code: exit 0 if identical

Each input is linted with ``--format json`` (every default pack) and the whole output is
compared byte for byte: findings, messages, suggestions and errors. The inputs:

  * ``examples/`` (the project's example drafts);
  * the shared example article (``shared/examples/russia-iran-wire.txt``);
  * the 2,225 BBC articles of ``shared/eval/bbc/`` as a folder (automatic ``--jobs``),
    and again with ``--jobs 1``;
  * a 10 MB file of BBC articles one after another (``bench/corpus.py``), built at run time
    into ``bench/.cache/`` (gitignored), the same bytes every time.

``--quick`` leaves out the 10 MB file. A first difference is printed for each input that differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import BENCH, ROOT, bbc_dir, build_long_file, example_article  # noqa: E402

TEN_MB = 10_000_000


def inputs(quick: bool) -> list[tuple[str, list[str]]]:
    out = [("examples", ["examples/"])]
    ex = example_article()
    if ex:
        out.append(("example-article", [str(ex)]))
    bbc = bbc_dir()
    if bbc:
        out.append(("bbc-folder", [str(bbc)]))
        out.append(("bbc-folder-jobs1", ["--jobs", "1", str(bbc)]))
        if not quick:
            cache = BENCH / ".cache"
            cache.mkdir(exist_ok=True)
            big = cache / "bbc-10mb.txt"
            if not big.exists() or big.stat().st_size < TEN_MB:
                build_long_file(big, TEN_MB)
            out.append(("bbc-10mb", [str(big)]))
    else:
        print("same_findings: no shared/eval/bbc found: only the examples are compared", file=sys.stderr)
    return out


def lint(args: list[str]) -> bytes:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "lintnews", "check", "--format", "json", *args],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"lintnews failed on {args}: {proc.stderr.decode(errors='replace')[-500:]}")
    return proc.stdout


def first_difference(a: bytes, b: bytes) -> str:
    try:
        fa, fb = json.loads(a), json.loads(b)
    except ValueError:
        return "output is not JSON"
    for key in ("findings", "errors"):
        la, lb = fa.get(key, []), fb.get(key, [])
        if la != lb:
            sa = {json.dumps(x, sort_keys=True) for x in la}
            sb = {json.dumps(x, sort_keys=True) for x in lb}
            gone, new = sorted(sa - sb), sorted(sb - sa)
            return (f"{key}: {len(la)} before, {len(lb)} now; {len(gone)} gone, {len(new)} new"
                    + (f"\n    gone: {gone[0][:300]}" if gone else "") + (f"\n    new:  {new[0][:300]}" if new else "")
                    + ("" if gone or new else " (same set, different order)"))
    return "the outputs differ outside findings and errors"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("record", "compare"))
    ap.add_argument("directory", type=Path)
    ap.add_argument("--quick", action="store_true", help="leave out the 10 MB file")
    args = ap.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    differ = 0
    for name, lint_args in inputs(args.quick):
        out = lint(lint_args)
        path = args.directory / f"{name}.json"
        n = len(json.loads(out)["findings"])
        if args.mode == "record":
            path.write_bytes(out)
            print(f"{name}: {n} findings recorded")
        elif not path.exists():
            print(f"{name}: nothing recorded to compare with")
        elif path.read_bytes() == out:
            print(f"{name}: identical ({n} findings)")
        else:
            differ += 1
            print(f"{name}: DIFFERENT: {first_difference(path.read_bytes(), out)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
