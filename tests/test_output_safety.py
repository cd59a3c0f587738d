"""Output that cannot be turned against its reader: file names and article text never
start a GitHub workflow command or send a terminal escape sequence, a file name that is
not UTF-8 is printed in every format, --show-source shows what was linted, and --format
github tells what GitHub will not show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lintnews.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULES = """\
rules:
- id: loaded.testlabels
  kind: phrases
  severity: warning
  message: "'{match}' is a loaded label"
  terms: {regime: [government]}
  examples: {flag: ["The regime spoke."], pass: ["The government spoke."]}
"""
STORY = "The regime said on Monday that it would attend the talks.\n"
INJECTED = "x\n::error file=README.md,line=1::INJECTED.txt"


@pytest.fixture()
def proj(tmp_path, monkeypatch):
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".lintnews.yaml").write_text("default_rules: false\nrules: [rules.yaml]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


def real(args, cwd, env=None):
    full = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env or {}))
    full.pop("PYTHONIOENCODING", None)
    return subprocess.run([sys.executable, "-m", "lintnews", *args], cwd=cwd, env=full, capture_output=True, timeout=120)


def _hostile_names(proj: Path) -> None:
    (proj / "articles").mkdir()
    (proj / "articles" / INJECTED).write_text(STORY, encoding="utf-8")
    (proj / "articles" / "y\n::error file=README.md::EMPTY.txt").write_text("", encoding="utf-8")  # an error line
    (proj / "::error file=README.md::TOP.txt").write_text(STORY, encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "html"])
def test_file_names_cannot_inject_workflow_commands(proj, fmt):
    _hostile_names(proj)
    result = real(["check", ".", "--format", fmt], proj)
    assert result.returncode == 2, result.stderr  # the empty file is an input error
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in err
    for line in (out + "\n" + err).splitlines():
        assert not line.startswith("::error file=README.md"), line
        if line.startswith("::"):  # --format github's own commands, properties escaped
            assert line.startswith(("::warning file=", "::error file=", "::notice file=")), line
    assert out.count("regime") >= 2 if fmt != "sarif" else "INJECTED" in out


def test_text_lines_show_control_characters_in_names_visibly(proj):
    _hostile_names(proj)
    result = real(["check", "."], proj)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "articles/x␊::error file=README.md,line=1::INJECTED.txt:1:5: warning loaded.testlabels" in out
    assert "./::error file=README.md::TOP.txt:1:5: warning" in out
    assert "lintnews: articles/y␊::error file=README.md::EMPTY.txt: empty file" in err


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_works_in_every_format(proj):
    (proj / "articles").mkdir()
    raw = os.fsencode(str(proj / "articles")) + b"/caf\xe9 \xff.txt"
    with open(raw, "wb") as fh:
        fh.write(STORY.encode())
    for fmt in ("text", "json", "github", "sarif", "html"):
        result = real(["check", "articles", "--format", fmt], proj)
        assert result.returncode == 1, (fmt, result.stderr)
        assert b"Traceback" not in result.stderr
    sarif = json.loads(real(["check", "articles", "--format", "sarif"], proj).stdout)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"] for loc in r["locations"]}
    assert uris == {"articles/caf%E9%20%FF.txt"}
    found = json.loads(real(["check", "articles", "--format", "json"], proj).stdout)["findings"]
    assert [os.fsencode(f["path"]) for f in found] == [b"articles/caf\xe9 \xff.txt"]  # the real name, back
    assert b"articles/caf\\xe9 \\xff.txt:1:5: warning" in real(["check", "articles"], proj).stdout
    report = proj / "report.html"  # -o writes the same text
    assert real(["check", "articles", "--format", "html", "-o", report], proj).returncode == 1
    assert "caf\\xe9 \\xff.txt" in report.read_text(encoding="utf-8")


def test_show_source_shows_control_characters_visibly_with_the_caret_in_place(proj):
    (proj / "a.txt").write_text("Why \x1b]0;owned\x07 the \x1b[31m regime \x1b[0m said no.\n", encoding="utf-8")
    result = run("check", "--show-source", "a.txt")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    lines = result.stdout.splitlines()
    source = next(line for line in lines if line.startswith("    1 | "))
    caret = lines[lines.index(source) + 1]
    assert source == "    1 | Why ␛]0;owned␇ the ␛[31m regime ␛[0m said no."
    assert source[caret.index("^") : caret.index("^") + 6] == "regime"


def test_show_source_on_stdin_shows_the_linted_text_not_the_file_on_disk(proj):
    (proj / "f.md").write_text("A different draft of the story, on disk.\n", encoding="utf-8")
    result = run("check", "-", "--stdin-filename", "f.md", "--show-source", input="Officials said the regime refused.\n")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "    1 | Officials said the regime refused." in lines
    assert lines[lines.index("    1 | Officials said the regime refused.") + 1] == "      |                    ^^^^^^"
    assert "on disk" not in result.stdout


def test_github_format_writes_every_finding_to_the_job_summary(proj):
    for i in range(12):
        (proj / f"story{i:02}.txt").write_text("The regime said no. The regime | said <b>yes</b>.\n", encoding="utf-8")
    summary = proj / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run("check", "--format", "github", ".", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert result.stdout.count("::warning file=") == 24  # every annotation is still written
    assert "24 warnings" not in result.stderr and "14 warnings will not be shown as annotations" in result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## lintnews")  # appended, as GitHub expects
    rows = [line for line in text.splitlines() if line.startswith("| story")]
    assert len(rows) == 24
    assert rows[0] == "| story00.txt | 1 | 5 | warning | loaded.testlabels | 'regime' is a loaded label (suggestion: government) |"


def test_github_format_says_what_is_hidden_without_a_job_summary(proj, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for i in range(11):
        (proj / f"story{i:02}.txt").write_text(STORY, encoding="utf-8")
    result = run("check", "--format", "github", ".")
    assert "1 warning will not be shown as annotations" in result.stderr
    few = run("check", "--format", "github", "story00.txt")
    assert "will not be shown" not in few.stderr


def test_encodable_leaves_text_that_encodes_and_writes_lone_surrogates_as_bytes():
    from lintnews.finding import encodable

    assert encodable("plain") == "plain"
    assert encodable("Café ‘talks’ — 5 €") == "Café ‘talks’ — 5 €"
    assert encodable("caf\udce9 \udcff.txt: ‘regime’") == "caf\\xe9 \\xff.txt: ‘regime’"
