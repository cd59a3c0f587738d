"""lintnews's own patterns compiled once per install (``lintnews/rx.py``): the pattern a
run builds from the cache is the one ``re.compile`` makes, a bad entry is compiled again,
and a run with the table gives the same output as the first run that wrote it."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lintnews import cache, rx

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["lintnews.markup", "lintnews.document", "lintnews.reported", "lintnews.engine", "lintnews.housenames",
           "lintnews.kinds.names", "lintnews.kinds.metric", "lintnews.kinds.attribution", "lintnews.literals"]


def own_patterns() -> list[re.Pattern]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        found.extend(v for v in vars(module).values() if isinstance(v, re.Pattern))
    return found


def test_a_pattern_built_from_its_kept_code_is_the_one_re_compiles(monkeypatch):
    patterns = own_patterns()
    assert len(patterns) > 40
    monkeypatch.setattr(rx, "_table", {})
    for p in patterns:
        first = rx.compile(p.pattern, p.flags)  # compiled, its code kept
        assert (p.pattern, p.flags) in rx._table
        again = rx.compile(p.pattern, p.flags)  # built from the kept code
        assert first == again == re.compile(p.pattern, p.flags), p.pattern[:60]
        assert again.groupindex == p.groupindex and again.groups == p.groups


def test_an_entry_this_python_rejects_is_compiled_again(monkeypatch):
    pattern = r"\b(?P<verb>said|says)\b"
    monkeypatch.setattr(rx, "_table", {(pattern, 0): (32, [9999, 1, 2], 0, {}, (None,))})
    got = rx.compile(pattern)
    assert got == re.compile(pattern)
    assert got.search("critics said so").group("verb") == "said"


def test_a_pattern_that_does_not_compile_raises_as_re_does(monkeypatch):
    monkeypatch.setattr(rx, "_table", {})
    with pytest.raises(re.error):
        rx.compile(r"(unclosed")


STORY = ("Critics say the regime's crippling sanctions slammed the economy, sources said.\n\n"
         "The the minister, who spoke on March 3rd, rejected the claim.\n")


def test_runs_with_and_without_the_kept_patterns_give_the_same_output(tmp_path):
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    env = dict(os.environ, LINTNEWS_CACHE_DIR=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"),
               PYTHONPATH=str(ROOT))
    env.pop("LINTNEWS_NO_CACHE", None)

    def run(**extra) -> str:
        proc = subprocess.run([sys.executable, "-m", "lintnews", "check", "--format", "json", "story.txt"],
                              cwd=tmp_path, env=dict(env, **extra), capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr
        return proc.stdout

    uncached = run(LINTNEWS_NO_CACHE="1")
    assert not (tmp_path / "cache").exists()
    first = run()
    (entry,) = (tmp_path / "cache").glob("patterns-*.pickle")
    second = run()
    assert uncached == first == second
    rules = {f["rule"] for f in json.loads(second)["findings"]}
    assert {"style.repeated-word", "attribution.weasel"} <= rules
    # An entry of the wrong shape, signed as only lintnews can: ignored, then rewritten.
    namespace, _, hexkey = entry.stem.partition("-")
    keep = {k: os.environ.get(k) for k in ("XDG_STATE_HOME", "LINTNEWS_CACHE_DIR")}
    try:
        os.environ.update(XDG_STATE_HOME=env["XDG_STATE_HOME"], LINTNEWS_CACHE_DIR=env["LINTNEWS_CACHE_DIR"])
        saved = (cache._secret, cache._ready)
        cache._secret, cache._ready = None, None
        cache._store(entry, cache.secret_key(), namespace, bytes.fromhex(hexkey), {},
                     {(r"\s+", 0): (32, [1, 2, 3], 0, {}, (None,))})
    finally:
        cache._secret, cache._ready = saved
        for k, v in keep.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert run() == first
