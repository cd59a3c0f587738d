"""Sharing one document's rules between two processes (lintnews/parallel.py).

The promise is that sharing changes the time a run takes and nothing else: the findings
and errors are those of a serial run, and a helper that dies or fails loses nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintnews import engine, parallel
from lintnews.engine import Linter
from lintnews.loader import default_packs_dir, load_rules
from lintnews.sources import Source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="sharing needs fork")


def test_every_item_runs_exactly_once(tmp_path):
    log = tmp_path / "runs"

    def run(i):
        with open(log, "a") as fh:  # O_APPEND: lines from both processes never interleave
            fh.write(f"{i}\n")
        return i * i

    results = parallel.share(list(range(40)), run)
    assert results == {i: i * i for i in range(40)}
    assert sorted(int(x) for x in log.read_text().split()) == list(range(40))


def test_pinned_items_run_in_this_process():
    parent = os.getpid()
    results = parallel.share(list(range(12)), lambda i: os.getpid(), here_first=[3, 7])
    assert sorted(results) == list(range(12))
    assert results[3] == results[7] == parent


def test_a_second_file_does_not_load_the_syllable_patterns_again(tmp_path):
    """The readability formula's first use loads pyphen's patterns and starts the table of
    syllables per word; in a shared run it stays in the main process, so the helper forked
    for the next file already has both."""
    code = (
        "import sys\n"
        "from lintnews.engine import Linter\n"
        "from lintnews.loader import default_packs_dir, load_rules\n"
        "from lintnews.sources import Source\n"
        "from lintnews.kinds import metric\n"
        "lin = Linter(load_rules([default_packs_dir()]))\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "lin.lint_source(Source('a.txt', text, []), workers=2)\n"
        "print('en_US' in metric._SYLLABLES)\n"
    )
    story = EXAMPLES / "grain-corridor-draft.txt"
    out = subprocess.run([sys.executable, "-c", code, str(story)], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "True", out.stderr


def test_a_helper_that_dies_loses_nothing():
    parent = os.getpid()

    def run(i):
        if os.getpid() != parent:
            os._exit(3)  # the helper is killed mid-way: no results come back
        return i + 1

    assert parallel.share([5, 4, 3, 2, 1, 0], run) == {i: i + 1 for i in range(6)}


def test_a_helper_that_raises_loses_nothing():
    parent = os.getpid()

    def run(i):
        if os.getpid() != parent and i % 2:
            raise RuntimeError("only in the helper")
        return -i

    assert parallel.share(list(range(10)), run) == {i: -i for i in range(10)}


def test_a_failure_in_this_process_stops_the_helper_and_is_raised():
    parent = os.getpid()
    pids = []

    def run(i):
        if os.getpid() == parent:
            pids.extend(_children())
            raise ValueError("a bug in a rule")
        import time

        time.sleep(0.2)  # the helper is still busy when the parent fails
        return i

    with pytest.raises(ValueError, match="a bug in a rule"):
        parallel.share(list(range(6)), run)
    if Path(f"/proc/{parent}/task").is_dir():
        assert pids, "the helper should have been running when the parent failed"
    assert not _children(), "the helper was left running"


def _children() -> list[int]:
    """Live (not zombie) child processes of this one, from /proc where there is one."""
    proc = Path("/proc") / str(os.getpid()) / "task"
    if not proc.is_dir():
        return []
    kids = []
    for task in proc.iterdir():
        children = task / "children"
        if children.exists():
            kids.extend(int(x) for x in children.read_text().split())
    return kids


@pytest.fixture(scope="module")
def linter():
    return Linter(load_rules([default_packs_dir()]))


def _long_story() -> str:
    # A feed of a few dozen articles: big enough that sharing is worth a fork.
    parts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    return "\n\n".join(parts * 40)


def test_shared_run_reports_exactly_what_a_serial_run_reports(linter, monkeypatch):
    text = _long_story()
    serial = linter.lint_source(Source("feed.txt", text, []), workers=1)
    shared_calls = []
    real_share = parallel.share
    monkeypatch.setattr(parallel, "share", lambda *a, **k: shared_calls.append(1) or real_share(*a, **k))
    shared = linter.lint_source(Source("feed.txt", text, []), workers=2)
    assert shared_calls, "a feed this long should be shared between two processes"
    assert shared == serial
    assert len(serial[0]) > 20  # the comparison means something: the feed has findings


def test_the_helper_inherits_the_documents_words_and_sentences_instead_of_building_them_again(
        linter, monkeypatch, tmp_path):
    """Built lazily, the tokens and sentences of a long document were built by each
    process for its own rules: 0.6 s of CPU twice on 1 MB, which left a shared run no
    quicker than a serial one. They are built once, before the fork."""
    from functools import cached_property

    from lintnews.document import Document

    log = tmp_path / "built"
    for name in ("_token_columns", "sentences"):
        build = Document.__dict__[name].func

        def logged(doc, build=build, name=name):
            with open(log, "a") as fh:  # appended from either process
                fh.write(f"{name} {os.getpid()}\n")
            return build(doc)

        prop = cached_property(logged)
        prop.__set_name__(Document, name)
        monkeypatch.setattr(Document, name, prop)
    shared_calls = []
    real_share = parallel.share
    monkeypatch.setattr(parallel, "share", lambda *a, **k: shared_calls.append(1) or real_share(*a, **k))
    findings, errors = linter.lint_source(Source("feed.txt", _long_story(), []), workers=2)
    assert shared_calls and findings and not errors
    assert sorted(log.read_text().split("\n")[:-1]) == [f"_token_columns {os.getpid()}", f"sentences {os.getpid()}"]


def test_small_texts_are_not_worth_a_fork(linter, monkeypatch):
    monkeypatch.setattr(parallel, "share", lambda *a: pytest.fail("forked for one sentence"))
    findings, errors = linter.lint_source(Source("s.txt", "The regime said so.", []), workers=2)
    assert [f.rule for f in findings] == ["loaded.regime"] and errors == []


def test_a_rule_out_of_time_in_the_helper_is_reported_for_that_file_only(tmp_path, monkeypatch):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        """\
rules:
- id: style.hostile
  kind: pattern
  severity: warning
  message: "catastrophic"
  pattern: "(a+)+$"
  scope: all
  examples: {flag: ["aaa"], pass: ["bbb"]}
- id: style.fine
  kind: pattern
  severity: warning
  message: "two hyphens"
  pattern: "--"
  scope: all
  examples: {flag: ["a -- b"], pass: ["a - b"]}
""",
        encoding="utf-8",
    )
    monkeypatch.setattr(engine, "SHARE_MIN_MS", 0.0)
    monkeypatch.setattr("lintnews.kinds.pattern.time_limit", lambda n: 0.2)
    lin = Linter(load_rules([rules]))
    text = "a -- b\n\n" + "a" * 30000 + "b\n"
    findings, errors = lin.lint_source(Source("t.txt", text, []), workers=2)
    assert [f.rule for f in findings] == ["style.fine"]
    assert len(errors) == 1 and "style.hostile" in errors[0].message
    # As in a serial run: the rule runs again on the next file (and gives up again here).
    findings, errors = lin.lint_source(Source("u.txt", "aaa\n\n" + text, []), workers=2)
    assert [(f.rule, f.line) for f in findings] == [("style.fine", 3)]
    assert [e.path for e in errors] == ["u.txt"]


def test_cli_on_one_file_gives_the_same_report_with_one_or_two_jobs(tmp_path):
    feed = tmp_path / "feed.txt"
    feed.write_text(_long_story(), encoding="utf-8")
    env = {**os.environ, "LINTNEWS_CACHE_DIR": str(tmp_path / "cache")}

    def run(*jobs):
        return subprocess.run(
            [sys.executable, "-m", "lintnews", "check", "--format", "json", *jobs, str(feed)],
            capture_output=True, text=True, cwd=tmp_path, env=env,
        )

    one, two, auto = run("--jobs", "1"), run("--jobs", "2"), run()
    assert one.returncode == two.returncode == auto.returncode == 1
    assert one.stdout == two.stdout == auto.stdout
    # The process ends with os._exit after flushing: the whole report must be there.
    assert len(json.loads(one.stdout)["findings"]) > 20


def test_one_usable_core_means_no_helper(linter, monkeypatch, tmp_path):
    from lintnews import runner

    feed = tmp_path / "feed.txt"
    feed.write_text(_long_story(), encoding="utf-8")
    monkeypatch.setattr(runner, "usable_cores", lambda: 1)
    monkeypatch.setattr(parallel, "share", lambda *a, **k: pytest.fail("forked on a one-core machine"))
    findings, errors = runner.lint_files(linter, [str(feed)])
    assert findings and not errors
