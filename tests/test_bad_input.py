"""Bad input: one clear line naming the path, never a traceback, the other files still
linted, exit code 2. And rule files that are wrong or hostile: refused with file and line.

The tests use only a small rule file written here (`default_rules: false`), so they do not
depend on the shipped packs. Time limits below are generous safety nets so that a hang
fails the test instead of the suite; they measure nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import lintnews.sources
from lintnews.cli import main

ROOT = Path(__file__).resolve().parent.parent

RULES = """\
rules:
- id: loaded.testlabels
  kind: phrases
  severity: warning
  message: "'{match}' is a loaded label"
  terms:
    regime: [government]
    pariah: [isolated country]
  examples:
    flag: ["The regime said it would talk."]
    pass: ["The government said it would talk."]
"""

GOOD = "The regime said on Monday it would not attend.\n"


@pytest.fixture()
def proj(tmp_path, monkeypatch):
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".lintnews.yaml").write_text("default_rules: false\nrules: [rules.yaml]\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def proc(args, cwd, stdin=subprocess.DEVNULL, shell_suffix="", timeout=120):
    """Run the real `python -m lintnews` (``shell_suffix`` adds shell redirections)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = " ".join([f"'{sys.executable}'", "-m", "lintnews", *(f"'{a}'" for a in args)]) + shell_suffix
    return subprocess.run(cmd, shell=True, cwd=cwd, env=env, stdin=stdin, capture_output=True, timeout=timeout)


def error_lines(stderr: str, path: str) -> list[str]:
    return [line for line in stderr.splitlines() if path in line]


def assert_one_clear_line(result, path: str, *words: str) -> str:
    """Exit 2, exactly one stderr line names ``path``, the good file was still linted."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = error_lines(result.stderr, path)
    assert len(lines) == 1, result.stderr
    for w in words:
        assert w in lines[0].lower(), lines[0]
    assert "good.txt:1:5: warning loaded.testlabels" in result.stdout, "the other file must still be linted"
    return lines[0]


# --- bad input files ------------------------------------------------------------------


def test_missing_path(proj):
    result = run("check", "gone/draft.md", "good.txt")
    assert_one_clear_line(result, "gone/draft.md", "no such file")


def test_empty_file(proj):
    (proj / "empty.md").write_bytes(b"")
    assert_one_clear_line(run("check", "empty.md", "good.txt"), "empty.md", "empty")


def test_whitespace_only_file(proj):
    (proj / "blank.txt").write_bytes(b"\n \r\n\t\n")
    assert_one_clear_line(run("check", "blank.txt", "good.txt"), "blank.txt", "empty")


def test_binary_file(proj):
    (proj / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert_one_clear_line(run("check", "photo.txt", "good.txt"), "photo.txt", "binary")


def test_directory_without_articles(proj):
    (proj / "assets").mkdir()
    (proj / "assets" / "logo.png").write_bytes(b"\x89PNG")
    result = run("check", "assets")
    assert result.exit_code == 2
    assert "assets" in result.stderr
    assert "Traceback" not in result.output


def test_undecodable_bytes_reported_and_still_linted_with_right_lines(proj):
    raw = "Para one.\n\nThe caf".encode() + b"\xe9" + " regime said no.\nLine four \xff here.\nThe pariah left.\n".encode("latin-1")
    (proj / "latin.txt").write_bytes(raw)
    result = run("check", "latin.txt", "good.txt")
    line = assert_one_clear_line(result, "latin.txt", "utf-8")
    assert "line 3" in line
    out = result.stdout
    # Each bad byte became one U+FFFD character, so columns after it are right too.
    assert "latin.txt:3:10: warning loaded.testlabels 'regime'" in out
    assert "latin.txt:5:5: warning loaded.testlabels 'pariah'" in out


def test_undecodable_bytes_json_error_entry(proj):
    (proj / "bad.md").write_bytes(b"The regime \xc3\x28 said.\n")
    result = run("check", "--format", "json", "bad.md")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [f["column"] for f in data["findings"]] == [5]
    assert len(data["errors"]) == 1 and data["errors"][0]["path"] == "bad.md"


def test_file_that_vanishes_between_expansion_and_reading(proj, monkeypatch):
    (proj / "desk").mkdir()
    (proj / "desk" / "a.txt").write_text(GOOD, encoding="utf-8")
    (proj / "desk" / "b.txt").write_text(GOOD, encoding="utf-8")
    real_expand = lintnews.sources.expand

    def expand_then_delete(paths, exclude):
        files, errors = real_expand(paths, exclude)
        os.remove(os.path.join("desk", "a.txt"))  # another process moved it away mid-run
        return files, errors

    monkeypatch.setattr(lintnews.sources, "expand", expand_then_delete)
    result = run("check", "--jobs", "1", "desk", "good.txt")
    assert result.exit_code == 2
    assert len(error_lines(result.stderr, "a.txt")) == 1
    assert os.path.join("desk", "b.txt") + ":1:5:" in result.stdout
    assert "good.txt:1:5:" in result.stdout
    assert "Traceback" not in result.output


def test_stdin_closed(proj):
    result = proc(["check", "-", "good.txt"], proj, stdin=None, shell_suffix=" 0<&-")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "standard input" in line]) == 1
    assert "good.txt:1:5: warning loaded.testlabels" in result.stdout.decode()


def test_stdin_empty(proj):
    result = run("check", "--stdin-filename", "draft.md", "-", input="")
    assert result.exit_code == 2
    assert len(error_lines(result.stderr, "draft.md")) == 1


def test_twenty_megabytes_without_a_newline(proj):
    sentence = "The minister said talks would resume in Vienna on Monday, officials said. "
    body = (sentence * (20_000_000 // len(sentence) + 1))[: 20_000_000 - 30] + " and the regime said no."
    (proj / "huge.txt").write_text(body, encoding="utf-8")
    result = proc(["check", "--format", "json", "huge.txt", "good.txt"], proj, timeout=300)
    assert result.returncode == 1, result.stderr[-2000:]
    data = json.loads(result.stdout)
    regime = [f for f in data["findings"] if f["path"] == "huge.txt"]
    assert len(regime) == 1
    assert regime[0]["line"] == 1 and regime[0]["column"] == body.index("regime") + 1
    assert data["errors"] == []


# --- bad and hostile rule files -----------------------------------------------------------

RULE_TAIL = """\
  severity: warning
  message: "'{match}' is loaded"
  examples:
    flag: ["The regime said no."]
    pass: ["The government said no."]
"""


def rule_error(proj: Path, text: str, name: str = "house.yaml", timeout=60) -> str:
    """Load a rule file with --rules in a real process; return its one error line."""
    (proj / name).write_text(text, encoding="utf-8")
    result = proc(["check", "--rules", name, "good.txt"], proj, timeout=timeout)
    assert result.returncode == 2, (result.stdout, result.stderr)
    err = result.stderr.decode()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert name in lines[0]
    return lines[0]


def test_rule_bad_yaml_names_file_and_line(proj):
    line = rule_error(proj, "rules:\n- id: loaded.house\n  kind: phrases\n  terms: [regime\n" + RULE_TAIL)
    assert "house.yaml:5:" in line
    assert "yaml" in line.lower()


def test_rule_unknown_key(proj):
    line = rule_error(proj, "rules:\n- id: loaded.house\n  kind: phrases\n  terms: [regime]\n  colour: red\n" + RULE_TAIL)
    assert "house.yaml:5:3" in line
    assert "colour" in line


def test_rule_unknown_kind_lists_known_kinds(proj):
    line = rule_error(proj, "rules:\n- id: loaded.house\n  kind: phrasez\n  terms: [regime]\n" + RULE_TAIL)
    assert "house.yaml:3:" in line
    assert "phrasez" in line
    for kind in ("phrases", "pattern", "consistency", "metric"):
        assert kind in line


def test_rule_missing_field(proj):
    line = rule_error(proj, "rules:\n- id: loaded.house\n  kind: phrases\n" + RULE_TAIL)
    assert "house.yaml:2:" in line
    assert "terms" in line


def test_rule_missing_examples(proj):
    text = "id: loaded.house\nkind: phrases\nterms: [regime]\nseverity: warning\nmessage: m\n"
    line = rule_error(proj, text)
    assert "house.yaml:1:" in line
    assert "examples" in line


def test_rule_duplicate_id_names_both_places(proj):
    text = "rules:\n- id: loaded.house\n  kind: phrases\n  terms: [regime]\n" + RULE_TAIL
    text += "- id: loaded.house\n  kind: phrases\n  terms: [pariah]\n" + RULE_TAIL
    line = rule_error(proj, text)
    assert "house.yaml:10:" in line
    assert "duplicate" in line and "loaded.house" in line
    assert "house.yaml:2" in line


def test_rule_duplicate_id_across_files(proj):
    (proj / "more").mkdir()
    (proj / "more" / "a.yaml").write_text("id: loaded.testlabels\nkind: phrases\nterms: [thug]\n" + textwrap.dedent(RULE_TAIL), encoding="utf-8")
    result = proc(["check", "--rules", "more", "good.txt"], proj)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert len(err.strip().splitlines()) == 1, err
    assert "duplicate" in err and "a.yaml:1" in err and "rules.yaml:2" in err


def test_rule_regex_that_does_not_compile(proj):
    line = rule_error(proj, "rules:\n- id: style.house\n  kind: pattern\n  pattern: '(unclosed'\n" + RULE_TAIL)
    assert "house.yaml:4:" in line
    assert "compile" in line


def test_rule_alias_bomb_refused_quickly(proj):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    line = rule_error(proj, "\n".join(levels) + "\n", timeout=30)
    assert "alias" in line.lower()
    assert "house.yaml:" in line


def test_rule_python_object_tag_refused(proj, tmp_path):
    marker = tmp_path / "pwned"
    text = (
        "id: loaded.house\nkind: phrases\nseverity: warning\n"
        f"message: !!python/object/apply:os.system ['touch {marker}']\n"
        "terms: [regime]\nexamples: {flag: [The regime.], pass: [The government.]}\n"
    )
    line = rule_error(proj, text)
    assert "house.yaml:4:" in line
    assert not marker.exists()


def test_rule_file_not_yaml_mapping(proj):
    line = rule_error(proj, "- just\n- a list of words\n")
    assert "house.yaml" in line


def test_hostile_regex_gives_up_and_the_run_goes_on(proj):
    (proj / "hostile.yaml").write_text(
        "id: style.hostile\nkind: pattern\nseverity: warning\nmessage: hostile\npattern: '(a+)+$'\n"
        "examples: {flag: [aaa], pass: [b]}\n",
        encoding="utf-8",
    )
    (proj / "aaa.txt").write_text("a" * 30_000 + "b\n", encoding="utf-8")
    (proj / "aaa2.txt").write_text("a" * 30_000 + "b\n", encoding="utf-8")
    result = proc(["check", "--rules", "hostile.yaml", "--jobs", "1", "aaa.txt", "aaa2.txt", "good.txt"], proj, timeout=60)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in err
    assert "good.txt:1:5: warning loaded.testlabels" in out
    # Either the pattern is refused/finishes, or it gives up on each file that makes it
    # backtrack, naming rule and file; it is never switched off for the files after.
    if result.returncode == 2:
        lines = [line for line in err.splitlines() if "style.hostile" in line]
        assert len(lines) == 2, err
        assert "aaa.txt" in lines[0] and "aaa2.txt" in lines[1]
    else:
        assert result.returncode == 1
