"""``lintnews check`` is read without click (check.parse_check_args) when the command line is
a plain check: it must read every such command line exactly as click does, hand everything
else to click, and leave click unloaded on the common run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
import pytest

from lintnews import cli
from lintnews.check import COMMANDS, parse_check_args

ROOT = Path(__file__).resolve().parent.parent


def click_params(argv: list[str]) -> dict:
    """What click's own parser makes of a check command line (group default included)."""
    args = argv[1:] if argv and argv[0] == "check" else argv
    ctx = cli.check.make_context("check", list(args))
    return dict(ctx.params)


READ_THE_SAME = [
    ["draft.md"],
    ["check", "draft.md"],
    ["check"],
    ["-q", "a.md", "b.txt"],
    ["a.md", "--jobs", "2", "--format", "json", "-o", "out.json"],
    ["--format=sarif", "--jobs=1", "--output=report.sarif", "articles/"],
    ["-j", "0", "--select", "loaded", "--select", "names,attribution", "--ignore", "loaded.said", "x.md"],
    ["--fail-on", "suggestion", "--dialect", "en-GB", "--stdin-filename", "story.md", "-"],
    ["--color", "--no-color", "--show-source", "x.md"],
    ["--no-show-source", "--quiet", "x.md", "--", "--not-an-option.md", "-q"],
    ["--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "a.md"],
    ["--diff", "a.md"], ["--fix-only", "a.md"],
    ["--rules", "extra/", "--rules", "more.yaml", "--names", "names.txt", "--config", "cfg.yaml", "x.md"],
    ["--select", "-q", "x.md"],  # an option's value may begin with a dash
    ["", "x.md"],
]


@pytest.mark.parametrize("argv", READ_THE_SAME, ids=lambda a: " ".join(a) or "(empty path)")
def test_a_plain_check_is_read_as_click_reads_it(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fast = parse_check_args(argv)
    assert fast is not None, argv
    assert fast == click_params(argv)


LEFT_TO_CLICK = [
    [], ["--help"], ["-h"], ["--version"], ["check", "--help"], ["x.md", "-h"],
    ["rules"], ["explain", "loaded.labels"], ["test-rules"], ["annotate", "d.docx"],
    ["--bogus", "x.md"], ["--format", "yaml", "x.md"], ["--jobs", "-1", "x.md"], ["--jobs", "two", "x.md"],
    ["--fail-on", "fatal", "x.md"], ["--dialect", "en-AU", "x.md"], ["--quiet=yes", "x.md"],
    ["-qj2", "x.md"], ["-j2", "x.md"], ["x.md", "--format"], ["-5", "x.md"], ["--forma", "json", "x.md"],
]


@pytest.mark.parametrize("argv", LEFT_TO_CLICK, ids=lambda a: " ".join(a) or "(nothing)")
def test_anything_else_is_left_to_click(argv):
    assert parse_check_args(argv) is None


def test_a_folder_given_as_the_output_file_is_clicks_error(tmp_path):
    assert parse_check_args(["-o", str(tmp_path), "x.md"]) is None
    assert parse_check_args(["--config", str(tmp_path), "x.md"]) is None
    assert parse_check_args(["--rules", str(tmp_path), "x.md"]) is not None  # a folder of rules is fine


def test_the_command_names_are_clicks():
    assert set(COMMANDS) == set(cli.main.commands)


def test_help_lists_every_option_of_the_table():
    result = CliRunner().invoke(cli.main, ["check", "--help"])
    assert result.exit_code == 0
    for flag in ("--format", "--output", "--select", "--jobs", "--show-source / --no-show-source", "--fix-only"):
        assert flag in result.output


def run_lintnews(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lintnews", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


STORY = "Critics say the plan was rushed. Officials slammed the report on Tuesday.\n"


def test_a_plain_check_runs_without_loading_click():
    probe = ("import sys\n"
             "from lintnews.launch import main\n"
             "try:\n    main(['check', '-q', '--stdin-filename', 'story.txt', '-'])\n"
             "except SystemExit as exc:\n    code = exc.code\n"
             "print('click' in sys.modules, code, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, input=STORY, capture_output=True, text=True,
                          timeout=120)
    assert "attribution.weasel" in proc.stdout and "loaded.said" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "False 1"


def test_both_paths_print_the_same_report():
    """The same run through the fast reader and through click (forced by 'check' after an
    option click reads the same way): byte for byte the same output and exit status."""
    fast = run_lintnews("check", "--format", "json", "-", stdin=STORY)
    via_click = subprocess.run(
        [sys.executable, "-c", "from lintnews.cli import main; main()", "check", "--format", "json", "-"],
        cwd=ROOT, input=STORY, capture_output=True, text=True, timeout=120)
    assert fast.returncode == via_click.returncode == 1
    assert fast.stdout == via_click.stdout and '"loaded.said"' in fast.stdout
    assert fast.stderr == via_click.stderr


def test_usage_errors_still_come_from_click():
    proc = run_lintnews("--format", "yaml", "x.md")
    assert proc.returncode == 2
    assert "Invalid value for '--format'" in proc.stderr
    proc = run_lintnews("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("lintnews ")
