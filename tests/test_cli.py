"""The command line, end to end: exit codes, output formats, options, config discovery,
inline directives and source positions in plain text, Markdown and HTML.

Every test runs in its own directory with a `.lintnews.yaml` that turns the shipped packs
off and loads a small rule file written here, so nothing depends on the packs that are still
being written. Most tests drive `lintnews.cli.main` through click's CliRunner; a few run the
real `python -m lintnews` process.
"""

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
  terms:
    regime: [government]
    pariah: [isolated country]
  examples:
    flag: ["The regime said it would talk."]
    pass: ["The government said it would talk."]
- id: style.testdash
  kind: pattern
  severity: suggestion
  message: "use a dash, not two hyphens"
  pattern: "--"
  scope: all
  examples:
    flag: ["The talks -- long delayed -- began."]
    pass: ["The talks, long delayed, began."]
- id: attribution.testclaim
  kind: phrases
  severity: error
  message: "who says so? name the critics"
  terms:
    critics say: []
  examples:
    flag: ["Critics say the plan failed."]
    pass: ["Smith said the plan failed."]
"""

CONFIG = "default_rules: false\nrules: [rules.yaml]\n"

DRAFT = (
    "Talks stall in Vienna\n"
    "\n"
    "The regime said on Monday it would not attend the talks.\n"
    "Critics say the plan -- first floated in May -- has failed.\n"
)
CLEAN = "The government said on Monday it would attend the talks in Vienna.\n"


@pytest.fixture()
def proj(tmp_path, monkeypatch):
    """A working directory with the test rules and a config that uses only them."""
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".lintnews.yaml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def write(path: Path, text: str, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def findings(*args, input=None) -> list[dict]:
    result = run("check", "--format", "json", *args, input=input)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["findings"]


def spans(*args, input=None) -> list[tuple]:
    return [(f["rule"], f["line"], f["column"], f["match"]) for f in findings(*args, input=input)]


# --- exit codes and the default command --------------------------------------------


def test_exit_0_on_clean_copy(proj):
    write(proj / "clean.txt", CLEAN)
    result = run("check", "clean.txt")
    assert result.exit_code == 0, result.output
    assert "0 findings in 1 file." in result.stdout


def test_exit_1_on_findings_with_text_lines_sorted_by_position(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "draft.txt")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "draft.txt:3:5: warning loaded.testlabels 'regime' is a loaded label",
        "draft.txt:4:1: error attribution.testclaim who says so? name the critics",
        "draft.txt:4:22: suggestion style.testdash use a dash, not two hyphens",
        "draft.txt:4:46: suggestion style.testdash use a dash, not two hyphens",
        "4 findings (1 error, 1 warning, 2 suggestions) in 1 file.",
    ]


def test_exit_2_on_missing_path_but_other_files_still_linted(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "nowhere.txt", "draft.txt")
    assert result.exit_code == 2
    assert "draft.txt:3:5: warning loaded.testlabels" in result.stdout
    assert "nowhere.txt" in result.stderr
    assert "Traceback" not in result.output


def test_exit_2_on_usage_error(proj):
    result = run("check", "--format", "xml", "x.txt")
    assert result.exit_code == 2
    assert "xml" in result.output


def test_bare_path_means_check(proj):
    write(proj / "draft.txt", DRAFT)
    a = run("draft.txt")
    b = run("check", "draft.txt")
    assert a.exit_code == b.exit_code == 1
    assert a.stdout == b.stdout


def test_bare_path_with_options_means_check(proj):
    write(proj / "draft.txt", DRAFT)
    a = run("draft.txt", "--format", "json")
    b = run("check", "--format", "json", "draft.txt")
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_no_paths_lints_current_directory(proj):
    write(proj / "sub" / "draft.md", DRAFT)
    write(proj / "sub" / "notes.yaml", "the regime: 1\n")  # not an article file
    got = [(os.path.normpath(f["path"]), f["line"]) for f in findings() if f["rule"] == "loaded.testlabels"]
    assert got == [(os.path.join("sub", "draft.md"), 3)]


def test_version_and_help(proj):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("lintnews ")
    result = run("check", "--help")
    assert result.exit_code == 0
    for option in ("--format", "--select", "--ignore", "--fail-on", "--config", "--names", "--jobs", "--quiet", "--stdin-filename"):
        assert option in result.stdout


def test_quiet_drops_summary(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "--quiet", "draft.txt")
    assert result.exit_code == 1
    assert all(line.startswith("draft.txt:") for line in result.stdout.splitlines())


# --- JSON -----------------------------------------------------------------------


FINDING_KEYS = {
    "path": str,
    "line": int,
    "column": int,
    "end_line": int,
    "end_column": int,
    "rule": str,
    "severity": str,
    "message": str,
    "match": str,
    "suggestions": list,
}


def test_json_has_exactly_the_documented_shape(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "--format", "json", "draft.txt", "missing.txt")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert set(data) == {"version", "findings", "errors"}
    assert data["version"] == 1
    assert data["findings"], "the draft has findings"
    for f in data["findings"]:
        assert set(f) == set(FINDING_KEYS)
        for key, typ in FINDING_KEYS.items():
            assert type(f[key]) is typ, (key, f[key])
        assert f["severity"] in ("error", "warning", "suggestion")
        assert all(isinstance(s, str) for s in f["suggestions"])
        assert f["line"] >= 1 and f["column"] >= 1
    assert data["errors"] == [{"path": "missing.txt", "message": data["errors"][0]["message"]}]
    assert isinstance(data["errors"][0]["message"], str) and data["errors"][0]["message"]


def test_json_columns_count_code_points_end_exclusive_and_match_is_source_text(proj):
    # Non-ASCII before the word: columns count characters, not UTF-8 bytes.
    source = "Über-Café naïve — «the Regime» 北京 said… the PARIAH left.\n"
    write(proj / "u.txt", source)
    fs = findings("u.txt")
    assert [f["match"] for f in fs] == ["Regime", "PARIAH"]
    line = source.splitlines()[0]
    for f in fs:
        assert f["line"] == f["end_line"] == 1
        assert line[f["column"] - 1 : f["end_column"] - 1] == f["match"]
        assert f["end_column"] - f["column"] == len(f["match"])
    regime = fs[0]
    assert regime["column"] == line.index("Regime") + 1
    assert regime["suggestions"] == ["government"]


def test_json_match_equals_source_for_multiword_phrase(proj):
    write(proj / "m.txt", "Yesterday critics   say it failed.\n")
    (f,) = findings("m.txt")
    assert f["rule"] == "attribution.testclaim"
    assert f["match"] == "critics   say"
    assert (f["column"], f["end_column"]) == (11, 24)


# --- GitHub annotations -----------------------------------------------------------


def test_github_lines(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "--format", "github", "draft.txt")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "::warning file=draft.txt,line=3,col=5,endLine=3,endColumn=11,title=loaded.testlabels::'regime' is a loaded label (suggestion: government)",
        "::error file=draft.txt,line=4,col=1,endLine=4,endColumn=12,title=attribution.testclaim::who says so? name the critics",
        "::notice file=draft.txt,line=4,col=22,endLine=4,endColumn=24,title=style.testdash::use a dash, not two hyphens",
        "::notice file=draft.txt,line=4,col=46,endLine=4,endColumn=48,title=style.testdash::use a dash, not two hyphens",
    ]


def test_github_escapes_properties_and_data(proj):
    rules = RULES.replace('"who says so? name the critics"', '"50% of: who, says, so?"')
    write(proj / "rules.yaml", rules)
    write(proj / "a,b:c.txt", "Critics say it failed.\n")
    result = run("check", "--format", "github", "a,b:c.txt")
    assert result.stdout.splitlines() == [
        "::error file=a%2Cb%3Ac.txt,line=1,col=1,endLine=1,endColumn=12,title=attribution.testclaim::50%25 of: who, says, so?"
    ]


# --- SARIF ------------------------------------------------------------------------

# The parts of the SARIF 2.1.0 schema (OASIS) that a consumer like GitHub code scanning relies on.
SARIF_MINIMAL_SCHEMA = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string", "minLength": 1},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {"$ref": "#/definitions/message"},
                                                "fullDescription": {"$ref": "#/definitions/message"},
                                                "helpUri": {"type": "string"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {"level": {"$ref": "#/definitions/level"}},
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "properties": {
                                "executionSuccessful": {"type": "boolean"},
                                "toolExecutionNotifications": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["message"],
                                        "properties": {
                                            "message": {"$ref": "#/definitions/message"},
                                            "level": {"$ref": "#/definitions/level"},
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "definitions": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "result": {
            "type": "object",
            "required": ["message", "ruleId", "locations"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": 0},
                "level": {"$ref": "#/definitions/level"},
                "message": {"$ref": "#/definitions/message"},
                "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
                "locations": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["physicalLocation"],
                        "properties": {
                            "physicalLocation": {
                                "type": "object",
                                "required": ["artifactLocation", "region"],
                                "properties": {
                                    "artifactLocation": {
                                        "type": "object",
                                        "required": ["uri"],
                                        "properties": {"uri": {"type": "string", "minLength": 1}},
                                    },
                                    "region": {
                                        "type": "object",
                                        "required": ["startLine"],
                                        "properties": {
                                            "startLine": {"type": "integer", "minimum": 1},
                                            "startColumn": {"type": "integer", "minimum": 1},
                                            "endLine": {"type": "integer", "minimum": 1},
                                            "endColumn": {"type": "integer", "minimum": 1},
                                        },
                                    },
                                },
                            }
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_is_valid_2_1_0(proj):
    import jsonschema  # in the [test] extra: the SARIF checks must run in CI

    write(proj / "draft.txt", DRAFT)
    result = run("check", "--format", "sarif", "draft.txt", "missing.md")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_MINIMAL_SCHEMA)
    (run_,) = log["runs"]
    assert run_["tool"]["driver"]["name"] == "lintnews"
    results = run_["results"]
    assert [r["ruleId"] for r in results] == [
        "loaded.testlabels",
        "attribution.testclaim",
        "style.testdash",
        "style.testdash",
    ]
    assert [r["level"] for r in results] == ["warning", "error", "note", "note"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (3, 5, 3, 11)
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "draft.txt"
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    for r in results:
        if "ruleIndex" in r:
            assert rule_ids[r["ruleIndex"]] == r["ruleId"]
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert any("missing.md" in json.dumps(n) for n in notes)
    assert run_["invocations"][0]["executionSuccessful"] is False


def test_sarif_clean_run(proj):
    import jsonschema  # in the [test] extra: the SARIF checks must run in CI

    write(proj / "clean.txt", CLEAN)
    result = run("check", "--format", "sarif", "clean.txt")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_MINIMAL_SCHEMA)
    assert log["runs"][0]["results"] == []


URI_REFERENCE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")


def test_sarif_uri_is_percent_encoded(proj):
    from urllib.parse import unquote

    write(proj / "desk" / "vienna talks – draft.md", "The regime said no.\n")
    result = run("check", "--format", "sarif", "desk")
    (res,) = json.loads(result.stdout)["runs"][0]["results"]
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert unquote(uri) == "desk/vienna talks – draft.md"
    assert set(uri) <= URI_REFERENCE_CHARS, uri


# --- selection and severity ---------------------------------------------------------


def test_select_by_family_prefix(proj):
    write(proj / "draft.txt", DRAFT)
    assert {r for r, *_ in spans("--select", "loaded", "draft.txt")} == {"loaded.testlabels"}
    assert {r for r, *_ in spans("--select", "loaded,style", "draft.txt")} == {"loaded.testlabels", "style.testdash"}
    assert {r for r, *_ in spans("--select", "style.testdash", "draft.txt")} == {"style.testdash"}


def test_select_prefix_is_by_dotted_part_not_by_letters(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "--select", "load", "draft.txt")  # 'load' is not 'loaded': it selects nothing
    assert result.exit_code == 2
    assert "'load' matches no rule" in result.stderr


def test_select_matching_no_rule_is_a_usage_error(proj):
    write(proj / "draft.txt", DRAFT)
    result = run("check", "--select", "loded", "draft.txt")
    assert result.exit_code == 2
    assert "loded" in result.stderr


def test_ignore_by_prefix(proj):
    write(proj / "draft.txt", DRAFT)
    assert {r for r, *_ in spans("--ignore", "style", "draft.txt")} == {"loaded.testlabels", "attribution.testclaim"}
    assert {r for r, *_ in spans("--ignore", "style", "--ignore", "attribution", "draft.txt")} == {"loaded.testlabels"}


def test_fail_on(proj):
    write(proj / "style.txt", "The talks -- long delayed -- began.\n")  # suggestions only
    write(proj / "loaded.txt", "The regime said no.\n")  # a warning
    assert run("check", "style.txt").exit_code == 0  # default: warning
    assert run("check", "--fail-on", "suggestion", "style.txt").exit_code == 1
    assert run("check", "loaded.txt").exit_code == 1
    assert run("check", "--fail-on", "error", "loaded.txt").exit_code == 0
    assert run("check", "--fail-on", "warning", "loaded.txt").exit_code == 1
    # Findings below the threshold are still printed.
    assert "loaded.testlabels" in run("check", "--fail-on", "error", "loaded.txt").stdout


def test_config_severity_override_and_fail_on(proj):
    write(proj / ".lintnews.yaml", CONFIG + "severity: {loaded: error}\nfail_on: error\n")
    write(proj / "loaded.txt", "The regime said no.\n")
    (f,) = findings("loaded.txt")
    assert f["severity"] == "error"
    assert run("check", "loaded.txt").exit_code == 1


# --- stdin ----------------------------------------------------------------------


def test_stdin_with_filename(proj):
    text = "Intro.\n\nThe `regime` code. The regime said.\n"
    result = run("check", "--stdin-filename", "drafts/story.md", "-", input=text)
    assert result.exit_code == 1
    col = text.splitlines()[2].index(" regime said") + 2
    assert result.stdout.splitlines()[0] == f"drafts/story.md:3:{col}: warning loaded.testlabels 'regime' is a loaded label"


def test_stdin_filename_suffix_picks_html(proj):
    text = "<p>The <i>regime</i> &amp; the pariah.</p>\n"
    fs = findings("--stdin-filename", "page.html", "-", input=text)
    assert [(f["path"], f["column"], f["match"]) for f in fs] == [
        ("page.html", text.index("regime") + 1, "regime"),
        ("page.html", text.index("pariah") + 1, "pariah"),
    ]


def test_stdin_without_filename(proj):
    fs = findings("-", input="The regime said no.\n")
    assert [(f["path"], f["line"], f["column"]) for f in fs] == [("-", 1, 5)]


# --- config discovery -----------------------------------------------------------


def _only_rules_config_dir(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    sub = tmp_path / "desk" / "politics"
    write(sub / "draft.txt", DRAFT)
    return sub


@pytest.mark.parametrize(
    "name,text",
    [
        (".lintnews.yaml", "default_rules: false\nrules: [rules.yaml]\nselect: [loaded]\n"),
        ("pyproject.toml", '[project]\nname = "newsroom"\n\n[tool.lintnews]\ndefault_rules = false\nrules = ["rules.yaml"]\nselect = ["loaded"]\n'),
        ("setup.cfg", "[metadata]\nname = newsroom\n\n[lintnews]\ndefault_rules = false\nrules = rules.yaml\nselect = loaded\n"),
    ],
)
def test_config_found_upward(tmp_path, monkeypatch, name, text):
    sub = _only_rules_config_dir(tmp_path, name, text)
    monkeypatch.chdir(sub)
    assert {r for r, *_ in spans("draft.txt")} == {"loaded.testlabels"}


def test_cli_flags_win_over_config(proj):
    write(proj / ".lintnews.yaml", CONFIG + "select: [loaded]\n")
    write(proj / "draft.txt", DRAFT)
    assert {r for r, *_ in spans("draft.txt")} == {"loaded.testlabels"}
    assert {r for r, *_ in spans("--select", "style", "draft.txt")} == {"style.testdash"}


def test_explicit_config_file(proj, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cfg")
    (elsewhere / "rules.yaml").write_text(RULES, encoding="utf-8")
    (elsewhere / "house.yaml").write_text("default_rules: false\nrules: [rules.yaml]\nignore: [loaded, style]\n", encoding="utf-8")
    write(proj / "draft.txt", DRAFT)
    assert {r for r, *_ in spans("--config", elsewhere / "house.yaml", "draft.txt")} == {"attribution.testclaim"}


@pytest.mark.parametrize(
    "name,text,where",
    [
        (".lintnews.yaml", "default_rules: false\nrules: [rules.yaml]\nselekt: [loaded]\n", ".lintnews.yaml:3:1"),
        ("pyproject.toml", '[tool.lintnews]\ndefault_rules = false\nrules = ["rules.yaml"]\nselekt = ["loaded"]\n', "pyproject.toml"),
        ("setup.cfg", "[lintnews]\ndefault_rules = false\nrules = rules.yaml\nselekt = loaded\n", "setup.cfg"),
    ],
)
def test_unknown_config_key_is_an_error_naming_file_and_key(tmp_path, monkeypatch, name, text, where):
    sub = _only_rules_config_dir(tmp_path, name, text)
    monkeypatch.chdir(sub)
    result = run("check", "draft.txt")
    assert result.exit_code == 2
    assert where in result.stderr
    assert "selekt" in result.stderr
    assert "Traceback" not in result.output


def test_config_exclude_skip_and_allow(proj):
    write(
        proj / ".lintnews.yaml",
        CONFIG
        + "exclude: ['archive', '*.draft.md']\n"
        + "skip: ['Editor.s note:.*']\n"
        + "allow: [pariah]\n",
    )
    write(proj / "desk" / "archive" / "old.md", DRAFT)
    write(proj / "desk" / "wip.draft.md", DRAFT)
    write(proj / "desk" / "story.md", "Editor's note: the regime story was updated.\n\nThe pariah and the regime met.\n")
    got = [(os.path.normpath(f["path"]), f["line"], f["match"]) for f in findings("desk") if f["rule"] == "loaded.testlabels"]
    assert got == [(os.path.join("desk", "story.md"), 3, "regime")]


def test_pyproject_without_section_is_not_a_config(tmp_path, monkeypatch):
    # A pyproject.toml of some other tool does not stop the search upward.
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".lintnews.yaml").write_text(CONFIG + "select: [style]\n", encoding="utf-8")
    sub = tmp_path / "pkg"
    write(sub / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    write(sub / "draft.txt", DRAFT)
    monkeypatch.chdir(sub)
    assert {r for r, *_ in spans("draft.txt")} == {"style.testdash"}


# --- inline directives ------------------------------------------------------------------


DIRECTIVES = """\
The regime said no.
<!-- lintnews-disable loaded.testlabels -->
The regime said no again. Critics say it failed.
The pariah left.
<!-- lintnews-enable loaded.testlabels -->
The regime said yes.
<!-- lintnews-disable-next-line loaded -->
The pariah returned.
The pariah stayed.
"""


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_disable_enable_and_next_line(proj, suffix):
    write(proj / f"d{suffix}", DIRECTIVES)
    assert spans(f"d{suffix}") == [
        ("loaded.testlabels", 1, 5, "regime"),
        ("attribution.testclaim", 3, 27, "Critics say"),
        ("loaded.testlabels", 6, 5, "regime"),
        ("loaded.testlabels", 9, 5, "pariah"),
    ]


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_disable_file(proj, suffix):
    body = "The regime said no.\n<!-- lintnews-disable-file loaded -->\nCritics say the pariah left.\n"
    if suffix == ".html":
        body = "<p>The regime said no.</p>\n<!-- lintnews-disable-file loaded -->\n<p>Critics say the pariah left.</p>\n"
    write(proj / f"d{suffix}", body)
    assert [r for r, *_ in spans(f"d{suffix}")] == ["attribution.testclaim"]


def test_disable_file_without_rule_disables_everything(proj):
    write(proj / "d.md", "<!-- lintnews-disable-file -->\nCritics say the regime -- yes -- left.\n")
    result = run("check", "d.md")
    assert result.exit_code == 0
    assert spans("d.md") == []


def test_directive_in_html(proj):
    body = (
        "<p>The regime said no.</p>\n"
        "<!-- lintnews-disable-next-line loaded.testlabels -->\n"
        "<p>The regime said no again.</p>\n"
        "<p>The pariah left.</p>\n"
    )
    write(proj / "d.html", body)
    assert spans("d.html") == [("loaded.testlabels", 1, 8, "regime"), ("loaded.testlabels", 4, 8, "pariah")]


# --- Markdown and HTML map findings to the source ---------------------------------------


MARKDOWN = """\
---
title: The regime and the pariah
tags: [regime]
---

# Talks with the regime stall

The minister met officials. The `regime` variable and <!-- the regime --> are not prose.
See https://example.com/the-regime-report or <https://example.org/pariah> for more.

```
the regime in a code fence
```

    an indented line about the regime

> A blockquote line: the pariah said so.

- A list item on the **regime** in [a link about the pariah](https://example.com/regime).
"""


def test_markdown_skips_non_prose_and_maps_positions(proj):
    write(proj / "story.md", MARKDOWN)
    got = [(line, col, match) for rule, line, col, match in spans("story.md") if rule == "loaded.testlabels"]
    lines = MARKDOWN.splitlines()
    for line, col, match in got:
        assert lines[line - 1][col - 1 : col - 1 + len(match)] == match
    got_lines = [line for line, _, _ in got]
    assert 6 in got_lines  # the heading
    for not_prose in (2, 3, 8, 9, 12, 15):  # front matter, inline code, comment, URLs, fence, indented code
        assert not_prose not in got_lines
    item = lines[18]
    assert (19, item.index("regime") + 1, "regime") in got  # emphasis stripped, position kept
    assert (19, item.index("pariah") + 1, "pariah") in got  # link text is prose, its URL is not
    assert [line for line in got_lines if line == 19] == [19, 19]  # not the URL's "regime"
    # A block quotation is someone else's words, as <blockquote> is in HTML: not narration.
    assert 17 not in got_lines


HTML = """\
<!DOCTYPE html>
<html><head><title>Talks</title>
<style>.regime { color: red }</style>
<script>var regime = "pariah";</script></head>
<body>
<h1>Talks with the regime stall</h1>
<p class="regime">Tom &amp; Jerry met the <b>regime</b> today.</p>
<p>Caf&eacute; owners &#8220;hated&#8221; the pariah&nbsp;state.</p>
<!-- the regime in a comment -->
<p>Critics say it&rsquo;s over.</p>
</body></html>
"""


def test_html_strips_tags_skips_script_style_decodes_entities(proj):
    write(proj / "page.html", HTML)
    got = spans("page.html")
    lines = HTML.splitlines()
    for rule, line, col, match in got:
        if rule == "loaded.testlabels":
            assert lines[line - 1][col - 1 : col - 1 + len(match)] == match, (line, col, match)
    assert ("loaded.testlabels", 6, lines[5].index("regime") + 1, "regime") in got
    assert ("loaded.testlabels", 7, lines[6].index(">regime") + 2, "regime") in got  # not the class attribute
    assert ("loaded.testlabels", 8, lines[7].index("pariah") + 1, "pariah") in got
    assert ("attribution.testclaim", 10, 4, "Critics say") in got
    assert {line for _, line, _, _ in got} == {6, 7, 8, 10}


def test_html_entity_inside_match_maps_to_source_span(proj):
    write(proj / "e.html", "<p>Critics&#32;say it failed.</p>\n")
    (f,) = findings("e.html")
    assert (f["line"], f["column"]) == (1, 4)
    assert f["end_column"] == len("<p>Critics&#32;say") + 1


# --- CRLF, BOM, tabs, non-ASCII ----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_crlf_bom_tabs_and_non_ascii_do_not_shift_columns(proj, suffix):
    lines = ["Über den Fluss — café naïve.", "\tThe\tregime said 北京 was quiet.", "Ça va: the pariah left."]
    if suffix == ".html":
        lines = [f"<p>{x}</p>" for x in lines]
    raw = "\ufeff" + "\r\n".join(lines) + "\r\n"
    (proj / f"x{suffix}").write_bytes(raw.encode("utf-8"))
    got = [(line, col, m) for rule, line, col, m in spans(f"x{suffix}") if rule == "loaded.testlabels"]
    expected = []
    for n, text in enumerate(lines, 1):
        for word in ("regime", "pariah"):
            if word in text:
                expected.append((n, text.index(word) + 1, word))
    assert got == expected


def test_crlf_markdown_fence_closes(proj):
    (proj / "f.md").write_bytes(b"```\r\nthe regime in code\r\n```\r\n\r\nThe pariah said no.\r\n")
    assert spans("f.md") == [("loaded.testlabels", 5, 5, "pariah")]


def test_crlf_markdown_front_matter_and_rules_are_not_prose(proj):
    source = "---\ntitle: The regime\n---\n\nSome text\n---\n\nThe pariah said no.\n"
    (proj / "fm.md").write_bytes(source.replace("\n", "\r\n").encode())
    (proj / "fm-lf.md").write_bytes(source.encode())
    assert spans("fm-lf.md") == [("loaded.testlabels", 8, 5, "pariah")]  # LF: right
    assert spans("fm.md") == [("loaded.testlabels", 8, 5, "pariah")]  # CRLF: the same


def test_crlf_end_column_on_line_end(proj):
    (proj / "e.txt").write_bytes("Nobody trusts the regime\r\nNext line.\r\n".encode("utf-8"))
    (f,) = findings("e.txt")
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (1, 19, 1, 25)


# --- real processes ----------------------------------------------------------------------


def _subprocess(args, cwd, input=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-m", "lintnews", *args],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        timeout=120,
    )


def test_real_process_exit_codes_and_output(proj):
    write(proj / "draft.md", DRAFT)
    write(proj / "clean.md", CLEAN)
    clean = _subprocess(["check", "clean.md"], proj)
    assert clean.returncode == 0, clean.stderr
    dirty = _subprocess(["draft.md", "--format", "json"], proj)
    assert dirty.returncode == 1, dirty.stderr
    data = json.loads(dirty.stdout)
    assert data["findings"][0]["path"] == "draft.md"
    missing = _subprocess(["check", "clean.md", "gone.md"], proj)
    assert missing.returncode == 2
    assert b"gone.md" in missing.stderr
    assert b"Traceback" not in missing.stderr


def test_real_process_stdin(proj):
    result = _subprocess(["check", "--stdin-filename", "wire.txt", "-"], proj, input="The regime said no.\n".encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("wire.txt:1:5: warning loaded.testlabels")


def test_real_process_jobs_2_same_output_as_jobs_1(proj):
    for i in range(12):
        write(proj / "desk" / f"{i:02d}.txt", DRAFT if i % 3 == 0 else CLEAN)
    one = _subprocess(["check", "--jobs", "1", "--format", "json", "desk"], proj)
    two = _subprocess(["check", "--jobs", "2", "--format", "json", "desk"], proj)
    assert one.returncode == two.returncode == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert len(json.loads(one.stdout)["findings"]) == 4 * 4


def test_real_process_broken_pipe_is_quiet(proj):
    for i in range(5):
        write(proj / "desk" / f"{i}.txt", DRAFT * 50)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        f"{sys.executable} -m lintnews check desk | head -n 1",
        shell=True,
        cwd=proj,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert proc.stdout.decode().count("\n") == 1
    assert b"Traceback" not in proc.stderr


# --- other commands and encodings ---------------------------------------------------------


def test_utf16_with_bom_is_linted_with_right_positions(proj):
    (proj / "w.txt").write_bytes("Über alles.\r\nThe regime said no.\r\n".encode("utf-16"))
    assert spans("w.txt") == [("loaded.testlabels", 2, 5, "regime")]


def test_rules_command_lists_configured_rules(proj):
    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["attribution.testclaim", "loaded.testlabels", "style.testdash"]
    assert "pattern" in lines[2] and "suggestion" in lines[2]
    assert lines[-1] == "3 rules."


def test_explain_shows_message_and_examples(proj):
    result = run("explain", "loaded.testlabels")
    assert result.exit_code == 0
    assert "'{match}' is a loaded label" in result.stdout
    assert "The regime said it would talk." in result.stdout
    assert "The government said it would talk." in result.stdout
    missing = run("explain", "loaded.nope")
    assert missing.exit_code == 2
    assert "loaded.nope" in missing.stderr
    family = run("explain", "loaded")
    assert family.exit_code == 2
    assert "loaded.testlabels" in family.stderr  # a suggestion of what was meant


def test_test_rules_reports_a_failing_example(proj, tmp_path_factory):
    pack = tmp_path_factory.mktemp("pack")
    (pack / "ok.yaml").write_text(RULES, encoding="utf-8")
    good = run("test-rules", pack)
    assert good.exit_code == 0, good.stdout
    bad = RULES.replace('pass: ["The government said it would talk."]', 'pass: ["The regime would not talk."]')
    (pack / "ok.yaml").write_text(bad, encoding="utf-8")
    result = run("test-rules", pack)
    assert result.exit_code == 1
    assert "loaded.testlabels" in result.stdout
    assert "The regime would not talk." in result.stdout
