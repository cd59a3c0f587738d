"""Configuration that is empty works; configuration that is wrong is an error naming the
file and the key, in every format, and a rule id that matches no rule is a typo wherever
it is written (``--select``, ``--ignore``, ``select:``, ``ignore:``, ``severity:``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lintnews.cli import main

RULES = """\
rules:
- id: loaded.testlabels
  kind: phrases
  severity: warning
  message: "'{match}' is a loaded label"
  terms: {flimflam: [plan]}
  examples: {flag: ["The flimflam passed."], pass: ["The plan passed."]}
- id: style.testdash
  kind: pattern
  severity: suggestion
  message: "two hyphens for a dash"
  pattern: " -- "
  examples: {flag: ["a -- b"], pass: ["a - b"]}
"""
STORY = "The flimflam budget passed on Monday -- after a week of talks -- by two votes.\n"


@pytest.fixture()
def proj(tmp_path, monkeypatch):
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rules_found(*args) -> set[str]:
    result = run("check", "--format", "json", "--rules", "rules.yaml", *args, "story.txt")
    assert result.exit_code in (0, 1), result.output
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def config_error(*args) -> str:
    result = run("check", *args, "story.txt")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("lintnews: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("text", ["", "\n\n", "# our desk's settings, to come\n", "---\n# nothing yet\n"])
def test_empty_or_comment_only_yaml_config_means_no_settings(proj, text):
    (proj / ".lintnews.yaml").write_text(text, encoding="utf-8")
    assert {"loaded.testlabels", "style.testdash"} <= rules_found()


def test_config_dev_null_means_no_settings(proj):
    assert {"loaded.testlabels", "style.testdash"} <= rules_found("--config", "/dev/null")


@pytest.mark.parametrize(
    "name,text,words",
    [
        ("setup.cfg", "[lintnews]\nstarter_names = maybe\n", ["setup.cfg", "starter_names", "maybe"]),
        ("setup.cfg", "[lintnews]\ndefault_rules = nope\n", ["setup.cfg", "default_rules"]),
        ("setup.cfg", "[metadata]\nname = desk\n[lintnews\nselect = loaded\n", ["setup.cfg:3", "[lintnews"]),
        ("setup.cfg", "[lintnews\nselect = loaded\n", ["setup.cfg:1", "[lintnews"]),
        ("setup.cfg", "[lintnews]]\nselect = loaded\n", ["setup.cfg", "malformed section header"]),
        ("setup.cfg", "[lintnews]\nselect loaded\n", ["setup.cfg:2", "select loaded"]),
        ("pyproject.toml", "[tool.lintnews\nselect = ['loaded']\n", ["pyproject.toml", "invalid toml"]),
        ("pyproject.toml", "[tool.lintnews]\nstarter_names = 'maybe'\n", ["pyproject.toml", "starter_names"]),
        ("pyproject.toml", "[tool.lintnews]\nfail_on = 'sometimes'\n", ["pyproject.toml", "fail_on"]),
        (".lintnews.yaml", "starter_names: maybe\n", [".lintnews.yaml:1:1", "starter_names"]),
    ],
)
def test_malformed_or_mistyped_settings_are_errors_naming_file_and_key(proj, name, text, words):
    (proj / name).write_text(text, encoding="utf-8")
    line = config_error("--rules", "rules.yaml")
    for word in words:
        assert word.lower() in line.lower(), line


@pytest.mark.parametrize(
    "args,config,words",
    [
        (["--ignore", "loaded,stlye"], None, ["--ignore 'stlye' matches no rule"]),
        (["--select", "lodaed"], None, ["--select 'lodaed' matches no rule"]),
        ([], "ignore: [loaded.testlabel]\n", [".lintnews.yaml:1:1", "ignore 'loaded.testlabel' matches no rule"]),
        ([], "select: [styel]\n", [".lintnews.yaml:1:1", "select 'styel' matches no rule"]),
        ([], "fail_on: warning\nseverity: {loaded.testlables: error}\n", [".lintnews.yaml:2:1", "severity 'loaded.testlables'"]),
    ],
)
def test_a_rule_id_that_matches_no_rule_is_an_error_wherever_it_is_written(proj, args, config, words):
    if config:
        (proj / ".lintnews.yaml").write_text(config, encoding="utf-8")
    line = config_error("--rules", "rules.yaml", *args)
    for word in words:
        assert word in line, line


@pytest.mark.parametrize(
    "name,text",
    [
        ("setup.cfg", "[lintnews]\nignore = loaded.testlabls\n"),
        ("pyproject.toml", "[tool.lintnews]\nseverity = {'styel' = 'error'}\n"),
    ],
)
def test_typos_in_ini_and_toml_configs_name_the_file(proj, name, text):
    (proj / name).write_text(text, encoding="utf-8")
    line = config_error("--rules", "rules.yaml")
    assert name in line and "matches no rule" in line


def test_valid_selectors_still_work_everywhere(proj):
    (proj / ".lintnews.yaml").write_text("ignore: [style]\nseverity: {loaded: error, all: suggestion}\n", encoding="utf-8")
    assert rules_found() >= {"loaded.testlabels"}
    assert "style.testdash" not in rules_found()


def test_tomli_is_declared_for_python_3_10():
    setup = (Path(__file__).resolve().parent.parent / "setup.cfg").read_text(encoding="utf-8")
    assert 'tomli>=1.1; python_version < "3.11"' in setup


def test_a_config_that_is_not_a_regular_file_is_refused_at_once(tmp_path):
    """--config /dev/zero was read until memory ran out; a FIFO would wait for ever."""
    import os
    import subprocess
    import sys

    story = tmp_path / "story.txt"
    story.write_text("The regime said no.\n", encoding="utf-8")
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    for config in ("/dev/zero", str(fifo)):
        proc = subprocess.run([sys.executable, "-m", "lintnews", "check", "--config", config, str(story)],
                              cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2
        assert proc.stderr.strip() == f"lintnews: error: {config}: not a regular file, so not a config file"
