"""Cached rule patterns are built by the regex package's C engine alone (``regex_engine``):
a run from a warm cache does not import the package's Python compiler, finds what a run
that compiled the packs finds, and the package imported later shares the same engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lintnews import regex_engine

ROOT = Path(__file__).resolve().parent.parent

STORY = (
    "Council backs depot closure\n\n"
    "Critics say the decision was rushed. Sources close to the mayor said the savings would pay for new buses.\n\n"
    "The regime in Moscow stayed silent, and the minister slammed the report.\n"
)


def test_flag_values_are_the_packages_own():
    import regex

    assert regex_engine.IGNORECASE == int(regex.IGNORECASE)
    assert regex_engine.MULTILINE == int(regex.MULTILINE)
    assert regex_engine.VERSION0 == int(regex.VERSION0)


def _run(story: Path, env: dict, *args: str) -> tuple[str, list[str]]:
    code = (
        "import json, sys\n"
        "from lintnews import launch\n"
        "try:\n"
        "    launch.main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'regex' or m.startswith('regex.'))), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *args, str(story)], capture_output=True, text=True,
                         cwd=ROOT, env=env)
    return out.stdout, json.loads(out.stderr.strip().splitlines()[-1])


def test_a_warm_run_uses_the_engine_alone_and_finds_the_same(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    env = dict(os.environ, LINTNEWS_CACHE_DIR=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    env.pop("LINTNEWS_NO_CACHE", None)
    cold, cold_modules = _run(story, env, "check", "--format", "json", "--jobs", "1")
    warm, warm_modules = _run(story, env, "check", "--format", "json", "--jobs", "1")
    assert "regex" in cold_modules  # the packs were compiled
    assert warm_modules == ["regex._regex"]  # built from the cache by the engine alone
    assert warm == cold
    rules = {f["rule"] for f in json.loads(warm)["findings"]}
    assert rules == {"attribution.weasel", "attribution.anonymous", "loaded.regime", "loaded.said"}
    # A repeated word's fix is its first word: on plain text it is made without the package ...
    story.write_text(STORY.replace("Critics say the", "Critics say the the"), encoding="utf-8")
    diff, modules = _run(story, env, "check", "--diff", "--jobs", "1")
    assert "+Critics say the decision was rushed." in diff
    assert modules == ["regex._regex"]
    # ... and on a line with a letter beyond ASCII, the rule's pattern makes it: its fix
    # template ("\1") is expanded by the package, imported then.
    story.write_text(STORY.replace("Critics say the", "Critics in Zürich say the the"), encoding="utf-8")
    diff, modules = _run(story, env, "check", "--diff", "--jobs", "1")
    assert "+Critics in Zürich say the decision was rushed." in diff
    assert "regex" in modules


def test_the_package_imported_later_shares_the_engine(tmp_path):
    code = (
        "import pickle, sys\n"
        "from lintnews import regex_engine\n"
        "data = sys.stdin.buffer.read()\n"
        "pattern = regex_engine.loads(data)\n"
        "assert 'regex' not in sys.modules\n"
        "text = 'Officials said the plan, which critics say is rushed, would pass. ' * 200\n"
        "mine = [m.span('cue') for m in pattern.finditer(text, timeout=5)]\n"
        "import regex\n"
        "from regex import _regex\n"
        "assert _regex is regex_engine.engine()\n"
        "theirs = [m.span('cue') for m in regex.compile(pattern.pattern, pattern.flags).finditer(text)]\n"
        "assert mine == theirs and len(mine) == 400, (len(mine), len(theirs))\n"
        "try:\n"
        "    list(pattern.finditer(text * 50, timeout=1e-9))\n"
        "except TimeoutError:\n"
        "    print('timed out')\n"
    )
    import pickle

    import regex

    compiled = regex.compile(r"\b(?P<cue>(?<=\b(?:critics|officials)\s+)(?:say|said))\b", regex.IGNORECASE | regex.VERSION0)
    proc = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(compiled), capture_output=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == "timed out"
