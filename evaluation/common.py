"""Helpers the evaluation sections share."""

from __future__ import annotations

from pathlib import Path

from lintnews.engine import Linter
from lintnews.loader import default_packs_dir, load_rules


def default_linter(select=(), **kwargs) -> Linter:
    """A Linter with the shipped packs, as `lintnews check` builds it with no config."""
    return Linter(load_rules([default_packs_dir()]), select=select, **kwargs)


def words(text: str) -> int:
    return len(text.split())


def pct(num: float, den: float) -> str:
    return f"{100.0 * num / den:.1f} %" if den else "n/a"


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")
