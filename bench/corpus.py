"""Inputs the speed and same-findings scripts share: where the shared data is, and long
files of real copy built at run time from the BBC articles (never committed).

The shared folder is looked for beside the project (``../shared``, the layout of the main
checkout) and one level further up (``../../shared``, a worktree under ``wt/``), or named
with ``$LINTNEWS_SHARED``.
"""

from __future__ import annotations

import os
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def shared_dir() -> Path | None:
    candidates = [os.environ.get("LINTNEWS_SHARED", ""), ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    for c in candidates:
        if c and Path(c).is_dir():
            return Path(c)
    return None


def bbc_dir() -> Path | None:
    shared = shared_dir()
    return shared / "eval" / "bbc" if shared and (shared / "eval" / "bbc").is_dir() else None


def example_article() -> Path | None:
    shared = shared_dir()
    p = shared / "examples" / "russia-iran-wire.txt" if shared else None
    return p if p and p.is_file() else None


def bbc_articles() -> list[Path]:
    d = bbc_dir()
    if d is None:
        return []
    return sorted(p for p in d.rglob("*.txt") if p.name.upper() != "README.TXT")


def build_long_file(out: Path, size: int) -> Path:
    """At least ``size`` bytes of BBC articles, one after another, in sorted order, starting
    again from the first when the folder (about 5 MB) runs out. Deterministic: the same
    ``size`` gives the same bytes."""
    sources = bbc_articles()
    if not sources:
        raise SystemExit(f"no BBC articles found (looked for shared/eval/bbc near {ROOT}); set LINTNEWS_SHARED")
    texts = [p.read_text(encoding="utf-8", errors="replace").strip() + "\n\n" for p in sources]
    written = 0
    with open(out, "w", encoding="utf-8") as fh:
        while written < size:
            for t in texts:
                fh.write(t)
                written += len(t.encode("utf-8"))
                if written >= size:
                    break
    return out
