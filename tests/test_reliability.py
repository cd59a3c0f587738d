"""The same findings every run, and a rule that runs out of time costs only that rule on
that file: byte-identical output whatever the hash seed or ``--jobs``; pattern time limits
that count the regular-expression engine alone; no shipped pattern that backtracks
super-linearly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import regex
from click.testing import CliRunner

import lintnews.kinds.pattern as pattern_kind
from lintnews.cli import main
from lintnews.document import MAX_SENTENCE_CHARS
from lintnews.kinds.attribution import AttributionRule, PatternSet
from lintnews.kinds.base import Context
from lintnews.loader import default_packs_dir, load_rules
from lintnews.engine import Linter

ROOT = Path(__file__).resolve().parent.parent

# Two officials whose names are one letter apart, and a third spelling one slip from both:
# which of the two is suggested used to depend on the order a set iterated in.
TWO_MINISTERS = """\
Talks on the pipeline resumed in Baku on Tuesday, officials said.

The energy minister, Kerimov, told reporters the deal was close. Kerimov added that prices
would be settled within a week.

His deputy, Kirimov, was more cautious. Kirimov said the two sides still disagreed on
transit fees.

A spokesman for Karimov declined to comment on the timetable.
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def lintnews_process(args, cwd, env_extra=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "lintnews", *args], cwd=cwd, env=env, capture_output=True, timeout=120)


# --- byte-identical output ---------------------------------------------------------------


def test_output_is_byte_identical_whatever_the_hash_seed_and_jobs(tmp_path):
    (tmp_path / "baku.txt").write_text(TWO_MINISTERS, encoding="utf-8")
    for i in range(3):  # enough files for a pool of workers with --jobs 2
        (tmp_path / f"copy{i}.txt").write_text(TWO_MINISTERS, encoding="utf-8")
    outputs = set()
    for seed, jobs in (("1", "1"), ("2", "1"), ("3", "2"), ("4", "0")):
        result = lintnews_process(["check", ".", "--format", "json", "--jobs", jobs], tmp_path, {"PYTHONHASHSEED": seed})
        assert result.returncode == 1, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
    found = [f for f in json.loads(outputs.pop())["findings"] if f["path"] == "baku.txt"]
    names = [f for f in found if f["rule"] == "names.inconsistent"]
    # The spelling used first in the story wins the tie between the two common ones.
    assert [(f["match"], f["suggestions"]) for f in names] == [("Karimov", ["Kerimov"])]


# --- time limits: the engine's time alone, and only that rule on that file ---------------


# A back-reference, tried at every word: the costliest honest pattern a pack may hold (what
# style.repeated-word is, as a ``kind: pattern`` rule).
DOUBLED = (
    "id: style.doubled\nkind: pattern\nseverity: warning\nmessage: \"'{match}' repeats a word.\"\n"
    "pattern: '\\b([^\\W\\d_]++)[ \\t]+(?i:\\1)\\b'\ncase_sensitive: true\n"
    "examples: {flag: [the the], pass: [the end]}\n"
)


def _doubled(folder: Path):
    (folder / "doubled.yaml").write_text(DOUBLED, encoding="utf-8")
    return load_rules([folder / "doubled.yaml"], use_cache=False)[0]


def test_time_limit_does_not_count_work_done_between_matches(tmp_path, monkeypatch):
    """A caller that spends long on each finding does not make an honest pattern give up."""
    monkeypatch.setattr(pattern_kind, "TIMEOUT_SECONDS", 0.05)
    rule = _doubled(tmp_path)
    doc = Linter([rule]).document("a.txt", "The the plan was was late. " * 300)
    hits = 0
    for _hit in rule.check(doc, Context()):
        until = time.process_time() + 0.0005
        while time.process_time() < until:  # lintnews's own per-finding work, made slow
            pass
        hits += 1
    assert hits == 600


def test_many_honest_matches_do_not_silence_the_rule_for_the_next_file(tmp_path, monkeypatch):
    """The issue's 20 MB of "word word", scaled down with the limit: 10,000 findings take the
    engine far longer than the limit to report, the regex alone far less."""
    monkeypatch.setattr(pattern_kind, "TIMEOUT_SECONDS", 0.1)
    monkeypatch.chdir(tmp_path)
    _doubled(tmp_path)
    (tmp_path / ".lintnews.yaml").write_text("default_rules: false\nrules: [doubled.yaml]\n", encoding="utf-8")
    (tmp_path / "a-words.txt").write_text("word " * 20_000 + "\n", encoding="utf-8")
    (tmp_path / "b-short.txt").write_text("The minister said the talks were in in trouble.\n", encoding="utf-8")
    result = run("check", "--jobs", "1", "--format", "json", "a-words.txt", "b-short.txt")
    out = json.loads(result.stdout)
    assert out["errors"] == []
    assert sum(f["path"] == "a-words.txt" for f in out["findings"]) == 10_000
    assert [f["match"] for f in out["findings"] if f["path"] == "b-short.txt"] == ["in in"]


def test_a_rule_that_times_out_loses_that_file_only(tmp_path, monkeypatch):
    monkeypatch.setattr(pattern_kind, "TIMEOUT_SECONDS", 0.05)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hostile.yaml").write_text(
        "id: style.hostile\nkind: pattern\nseverity: warning\nmessage: hostile\npattern: '(a|aa)+$'\n"
        "examples: {flag: [aaa], pass: [b]}\n",
        encoding="utf-8",
    )
    (tmp_path / ".lintnews.yaml").write_text("default_rules: false\nrules: [hostile.yaml]\n", encoding="utf-8")
    (tmp_path / "1.txt").write_text("aa\n" + "a" * 40 + "b\n", encoding="utf-8")
    (tmp_path / "2.txt").write_text("The vote was close.\naaa\n", encoding="utf-8")
    (tmp_path / "3.txt").write_text("a" * 40 + "b\n", encoding="utf-8")
    result = run("check", "--jobs", "1", "--format", "json", "1.txt", "2.txt", "3.txt")
    out = json.loads(result.stdout)
    # Each catastrophic file is an error of its own (the rule is not switched off after
    # the first), its partial findings are dropped, and the file between keeps its finding.
    assert [e["path"] for e in out["errors"]] == ["1.txt", "3.txt"]
    assert all("style.hostile gave up on this file" in e["message"] for e in out["errors"])
    assert [(f["path"], f["line"]) for f in out["findings"]] == [("2.txt", 2)]
    assert result.exit_code == 2


def test_a_30000_letter_token_does_not_stop_the_regime_rule(tmp_path):
    (tmp_path / "a-token.txt").write_text("Word " + "a" * 30_000 + " regime\n", encoding="utf-8")
    (tmp_path / "b-story.txt").write_text("The Assad regime refused to attend the talks in Geneva.\n", encoding="utf-8")
    started = time.process_time()
    result = lintnews_process(["check", "--select", "loaded.regime", "--jobs", "1", "--format", "json", "a-token.txt", "b-story.txt"], tmp_path)
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["errors"] == []
    assert [(f["path"], f["match"]) for f in out["findings"]] == [("b-story.txt", "regime")]
    assert time.process_time() - started < 5


# --- no shipped pattern backtracks super-linearly ----------------------------------------


def _patterns_of(value, depth=0):
    if isinstance(value, (regex.Pattern, re.Pattern)):
        yield value
    elif isinstance(value, PatternSet):
        yield from value.patterns
    elif isinstance(value, (list, tuple)) and depth < 3:
        for item in value:
            yield from _patterns_of(item, depth + 1)
    elif isinstance(value, dict) and depth < 3:
        for item in value.values():
            yield from _patterns_of(item, depth + 1)


def _adversarial(n: int) -> dict[str, str]:
    """Long runs of what patterns over prose repeat on: letters, capitals, spaces,
    punctuation, repeated words and names, quote marks."""
    return {
        "letters": "a" * n,
        "capital and letters": "Word " + "a" * n + " regime",
        "capitals": "A" * n,
        "capitalised words": "Assad " * (n // 6),
        "capitalised words and regime": ("Officials Assad " * (n // 16)) + "regime",
        "spaces": "the" + " " * n + "regime",
        "tabs and newlines": "a\t\n" * (n // 3),
        "dots": "." * n,
        "initials": "A." * (n // 2),
        "hyphens": "A-" * (n // 2),
        "apostrophes": "a'’" * (n // 3),
        "repeated word": "word " * (n // 5),
        "repeated said": "said the " * (n // 9),
        "straight quotes": '"' * n,
        "curly quotes": "“a” " * (n // 4),
        "open quote then words": "“" + "word " * (n // 5),
        "digits": "1,2." * (n // 4),
        "mixed": "Aa1.-' " * (n // 7),
    }


def test_every_shipped_pattern_is_linear_on_adversarial_text():
    """Every regular expression of every shipped rule (pattern rules, attribution cues and
    answers, scare-quote cues) runs over long adversarial strings within a bound that a
    linear pattern meets many times over and a quadratic one misses by far. Attribution
    patterns run on one sentence at a time, so they get the longest sentence read."""
    rules = load_rules([default_packs_dir()])
    found: dict[str, list] = {}
    for rule in rules:
        # A fix_when pattern is only ever matched at the start of a flagged span.
        patterns = [(p, "match" if name == "fix_when" else "finditer")
                    for name, value in vars(rule).items() for p in _patterns_of(value)]
        if patterns:
            found[rule.id] = patterns
    assert {"loaded.regime", "style.repeated-word", "attribution.weasel", "loaded.scare-quotes"} <= set(found)
    assert all(r.id in found for r in rules if r.kind in ("pattern", "attribution"))
    slow = []
    texts = {"whole file": _adversarial(30_000), "one sentence": _adversarial(min(2_000, MAX_SENTENCE_CHARS))}
    for rule_id, patterns in found.items():
        strings = texts["one sentence" if isinstance(_rule(rules, rule_id), AttributionRule) else "whole file"]
        for p, how in patterns:
            for name, text in strings.items():
                try:
                    if how == "match":
                        p.match(text, timeout=0.25)
                    else:
                        for _m in p.finditer(text, timeout=0.25):
                            pass
                except TimeoutError:
                    slow.append(f"{rule_id}: {name}: {p.pattern[:60]}")
    assert slow == []


def _rule(rules, rule_id):
    return next(r for r in rules if r.id == rule_id)


# --- exits and processes ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != b"Z":
            out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def _feed(path: Path, paragraphs: int) -> Path:
    para = ("Officials said the regime would attend the talks in Geneva on Monday, and critics say "
            "the plan will fail. The minister said it was in in the hands of the envoy. ")
    path.write_text("\n\n".join(para * 3 for _ in range(paragraphs)) + "\n", encoding="utf-8")
    return path


def _start(args, cwd, stderr=subprocess.DEVNULL):
    # No pipe for stdout: a worker left alive would hold it open, and reading it would hang.
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "lintnews", *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=stderr, start_new_session=True)


def _kill_all(proc, workers) -> None:
    """However the test went, nothing it started is left running."""
    for pid in [proc.pid, *workers]:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    proc.wait(10)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")
@pytest.mark.parametrize("files", [2, 1], ids=["pool of workers", "one file shared with a helper"])
def test_killing_the_main_process_leaves_no_worker_alive(tmp_path, files):
    names = [_feed(tmp_path / f"feed{i}.txt", 2500).name for i in range(files)]
    proc = _start(["check", "--jobs", "2", "--format", "json", *names], tmp_path)
    workers: list[int] = []
    try:
        assert _wait_for(lambda: _children(proc.pid) or proc.poll() is not None, 60)
        workers = _children(proc.pid)
        assert workers, "the run ended before any worker started"
        os.kill(proc.pid, 9)  # what a CI time-out sends
        proc.wait(10)
        assert _wait_for(lambda: not any(_alive(w) for w in workers), 3), "a worker outlived the main process"
    finally:
        _kill_all(proc, workers)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")
def test_ctrl_c_exits_130_and_stops_every_worker(tmp_path):
    names = [_feed(tmp_path / f"feed{i}.txt", 2500).name for i in range(2)]
    err_file = tmp_path / "stderr.txt"
    workers: list[int] = []
    with open(err_file, "wb") as err_out:
        proc = _start(["check", "--jobs", "2", *names], tmp_path, stderr=err_out)
    try:
        assert _wait_for(lambda: _children(proc.pid) or proc.poll() is not None, 60)
        workers = _children(proc.pid)
        assert workers, f"the run ended before any worker started: exit {proc.poll()}, {err_file.read_bytes()[-2000:]!r}"
        os.killpg(proc.pid, 2)  # a terminal sends SIGINT to the whole foreground group
        proc.wait(30)
        err = err_file.read_bytes()
        assert proc.returncode == 130, err
        assert b"Traceback" not in err
        assert b"interrupted" in err
        assert _wait_for(lambda: not any(_alive(w) for w in workers), 3)
    finally:
        _kill_all(proc, workers)


def test_ctrl_c_anywhere_in_a_check_is_exit_130(tmp_path, monkeypatch):
    import lintnews.runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(lintnews.runner, "lint_files", interrupted)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("The talks ended.\n", encoding="utf-8")
    result = run("check", "a.txt")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


def test_jobs_is_capped_at_cores_and_files(tmp_path, monkeypatch):
    import concurrent.futures

    import lintnews.runner

    started = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counting(real):
        def __init__(self, max_workers=None, **kwargs):
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(lintnews.runner, "usable_cores", lambda: 2)
    monkeypatch.chdir(tmp_path)
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("The regime said the talks were in in doubt.\n", encoding="utf-8")
    one = run("check", "--format", "json", "--jobs", "1", "0.txt", "1.txt", "2.txt")
    many = run("check", "--format", "json", "--jobs", "1000", "0.txt", "1.txt", "2.txt")
    assert one.stdout == many.stdout
    assert started == [2]
    started.clear()
    run("check", "--jobs", "1000", "0.txt", "1.txt")
    run("check", "--jobs", "1000", "0.txt")  # one file: its rules shared with one helper at most
    assert started == [2]
