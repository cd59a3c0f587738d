"""Fixes: `lintnews check --fix`, `--diff`, `--unsafe-fixes`, `--fix-only`, and the
library underneath (lintnews.fix).

The drafts are written for these tests and run against the shipped packs: the safe fixes
under test are theirs (names.house-spelling, style.repeated-word, style.date-ordinal,
style.spelling-consistency's house spelling "Kyiv") and so is the unsafe one (loaded.said).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from lintnews import fix as fixmod
from lintnews.cli import main
from lintnews.finding import Finding, Fix
from lintnews.kinds.base import RuleError, match_case
from lintnews.loader import load_rules

DRAFT = (
    "Grain corridor talks resume in Istanbul\n"
    "\n"
    "UN Secretary-General Antonio Guteres met the the Turkish envoy on June 5th to discuss exports.\n"
    "Officials in Kiev expect the corridor to reopen. The minister claimed the figures were wrong.\n"
    "\"Antonio Guteres has not done enough for the the farmers,\" one grower said. Kyiv asked for more ships.\n"
)
FIXED = (
    "Grain corridor talks resume in Istanbul\n"
    "\n"
    "UN Secretary-General Antonio Guterres met the Turkish envoy on June 5 to discuss exports.\n"
    "Officials in Kyiv expect the corridor to reopen. The minister claimed the figures were wrong.\n"
    "\"Antonio Guteres has not done enough for the the farmers,\" one grower said. Kyiv asked for more ships.\n"
)


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture(autouse=True)
def newsroom(tmp_path, monkeypatch):
    """Each test in a folder of its own, with no config above it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".lintnews-tmp"))


# --- plain text -------------------------------------------------------------------------


def test_fix_applies_safe_fixes_and_reports_what_remains(newsroom):
    draft = write(newsroom / "corridor.txt", DRAFT)
    result = run("check", "corridor.txt", "--fix", "--no-show-source")
    assert draft.read_text(encoding="utf-8") == FIXED
    out = result.stdout
    # What remains: the word choice (no safe fix) and the name inside the quotation.
    assert "corridor.txt:4:63: warning loaded.said" in out
    assert "corridor.txt:5:2: warning names.house-spelling 'Antonio Guteres'" in out
    assert "repeated-word" in out  # "the the" inside the quotation is reported, not rewritten
    assert "date-ordinal" not in out and "spelling-consistency" not in out
    assert "applied 4 fixes" in result.stderr
    assert result.exit_code == 1  # findings remain (as ruff: the remaining ones decide)


def test_diff_prints_a_unified_diff_and_writes_nothing(newsroom):
    draft = write(newsroom / "corridor.txt", DRAFT)
    result = run("check", "corridor.txt", "--diff")
    assert draft.read_text(encoding="utf-8") == DRAFT
    assert result.stdout.splitlines()[:4] == ["--- corridor.txt", "+++ corridor.txt", "@@ -1,5 +1,5 @@", " Grain corridor talks resume in Istanbul"]
    assert "-UN Secretary-General Antonio Guteres met the the Turkish envoy on June 5th to discuss exports." in result.stdout
    assert "+UN Secretary-General Antonio Guterres met the Turkish envoy on June 5 to discuss exports." in result.stdout
    assert "+Officials in Kyiv expect" in result.stdout
    assert "loaded.said" not in result.stdout  # a diff, not a report
    assert result.exit_code == 1  # something to fix
    assert leftovers(newsroom) == []


def test_diff_exits_0_when_there_is_nothing_to_fix(newsroom):
    write(newsroom / "clean.txt", FIXED)
    result = run("check", "clean.txt", "--diff")
    assert result.stdout == ""
    assert result.exit_code == 0


def test_unsafe_fixes_apply_first_suggestions_where_the_rule_allows_it(newsroom):
    draft = write(
        newsroom / "said.txt",
        "Minister Claimed Figures Were Wrong\n"
        "\n"
        "The minister claimed the figures were wrong.\n"
        "The senator lashed out at the central bank on Tuesday.\n",
    )
    assert "said the figures" not in run("check", "said.txt", "--diff").stdout  # not without --unsafe-fixes
    result = run("check", "said.txt", "--fix", "--unsafe-fixes", "--no-show-source")
    assert draft.read_text(encoding="utf-8") == (
        "Minister Said Figures Were Wrong\n"  # the case of the text is kept
        "\n"
        "The minister said the figures were wrong.\n"
        "The senator lashed out at the central bank on Tuesday.\n"  # no_fix: "criticised at" would be wrong
    )
    assert "said.txt:4:13: warning loaded.said 'lashed out'" in result.stdout


def test_an_unsafe_fix_is_spelled_in_the_dialect_a_house_spelling_is_not(newsroom):
    write(newsroom / "slam.txt", "The senator slammed the plan on Monday.\nShelling hit Kiev. Kyiv is calm. Kyiv rebuilt.\n")
    us = run("check", "slam.txt", "--diff", "--unsafe-fixes").stdout
    gb = run("check", "slam.txt", "--diff", "--unsafe-fixes", "--dialect", "en-GB").stdout
    assert "+The senator criticized the plan on Monday." in us
    assert "+The senator criticised the plan on Monday." in gb
    assert "+Shelling hit Kyiv. Kyiv is calm. Kyiv rebuilt." in gb


def test_a_repeated_word_three_times_is_fixed_in_one_run(newsroom):
    draft = write(newsroom / "slip.txt", "Ministers met in in in Geneva on Monday.\n")
    result = run("check", "slip.txt", "--fix")
    assert draft.read_text(encoding="utf-8") == "Ministers met in Geneva on Monday.\n"
    assert result.exit_code == 0


# --- markup -----------------------------------------------------------------------------


def test_markdown_is_fixed_without_touching_markup(newsroom):
    draft = write(
        newsroom / "brief.md",
        "---\n"
        "title: Antonio Guteres visits Kiev\n"
        "---\n"
        "# Guteres in the the capital\n"
        "\n"
        "UN chief **Antonio Guteres** met the the envoy on [June 5th](https://example.org/june-5th) in Kiev.\n"
        "Antonio Guteres later flew to *Kyiv*, where talks resume on June 9th.\n"
        "\n"
        "Antonio **Guteres** spoke.\n"
        "\n"
        "```\n"
        "the the in a block of code\n"
        "```\n"
        "\n"
        "`the the` stays too.\n",
    )
    run("check", "brief.md", "--fix")
    assert draft.read_text(encoding="utf-8") == (
        "---\n"
        "title: Antonio Guteres visits Kiev\n"  # front matter is not prose
        "---\n"
        "# Guterres in the capital\n"
        "\n"
        "UN chief **Antonio Guterres** met the envoy on [June 5](https://example.org/june-5th) in Kyiv.\n"
        "Antonio Guterres later flew to *Kyiv*, where talks resume on June 9.\n"
        "\n"
        "Antonio **Guterres** spoke.\n"
        "\n"
        "```\n"
        "the the in a block of code\n"
        "```\n"
        "\n"
        "`the the` stays too.\n"
    )


def test_html_is_fixed_through_the_offset_mapping(newsroom):
    draft = write(
        newsroom / "brief.html",
        "<html><head><title>Talks</title></head><body>\n"
        "<h1>Talks in Kiev</h1>\n"
        "<p>UN chief <b>Antonio Guteres</b> met the the envoy on June 5th in Kiev &amp; Kyiv.</p>\n"
        "<p>Guteres flew to <a href=\"https://kiev.example/the the\">Kyiv</a> on June 7th.</p>\n"
        "<p>The envoy left on July 4&#116;h, the the aide said.</p>\n"
        "<blockquote>Antonio Guteres is late, the the aide said.</blockquote>\n"
        "</body></html>\n",
    )
    result = run("check", "brief.html", "--fix", "--no-show-source")
    assert draft.read_text(encoding="utf-8") == (
        "<html><head><title>Talks</title></head><body>\n"
        "<h1>Talks in Kyiv</h1>\n"
        "<p>UN chief <b>Antonio Guterres</b> met the envoy on June 5 in Kyiv &amp; Kyiv.</p>\n"
        "<p>Guterres flew to <a href=\"https://kiev.example/the the\">Kyiv</a> on June 7.</p>\n"
        # "the the" is fixed; the ordinal "&#116;h" holds an entity, which is markup: reported, not rewritten.
        "<p>The envoy left on July 4&#116;h, the aide said.</p>\n"
        "<blockquote>Antonio Guteres is late, the the aide said.</blockquote>\n"  # a quotation
        "</body></html>\n"
    )
    assert "brief.html:5:28: suggestion style.date-ordinal" in result.stdout
    assert "brief.html:6:13: warning names.house-spelling" in result.stdout


# --- quotations ---------------------------------------------------------------------------


def test_a_misspelt_name_inside_a_quotation_is_reported_not_rewritten(newsroom):
    text = "The envoy said: \"Antonio Guteres met us in in Kiev.\" Kyiv welcomed the visit. Kyiv is calm.\n"
    draft = write(newsroom / "quote.txt", text)
    result = run("check", "quote.txt", "--fix", "--format", "json")
    assert draft.read_text(encoding="utf-8") == text
    found = {f["rule"]: f for f in json.loads(result.stdout)["findings"]}
    assert found["names.house-spelling"]["match"] == "Antonio Guteres"
    assert "fix" not in found["names.house-spelling"]  # no fix is offered inside a quotation
    assert found["style.repeated-word"]["match"] == "in in"
    assert result.exit_code == 1


# --- idempotence, permissions, safety --------------------------------------------------------


def test_a_second_fix_changes_nothing_and_reports_the_same(newsroom):
    draft = write(newsroom / "corridor.txt", DRAFT)
    first = run("check", "corridor.txt", "--fix", "--no-show-source")
    after = draft.read_bytes()
    second = run("check", "corridor.txt", "--fix", "--no-show-source")
    assert draft.read_bytes() == after
    assert second.stdout == first.stdout
    assert second.exit_code == first.exit_code
    assert "applied" not in second.stderr
    # A plain check after --fix reports exactly what --fix said remains.
    assert run("check", "corridor.txt", "--no-show-source").stdout == first.stdout


def test_permissions_bom_and_line_endings_are_kept(newsroom):
    draft = newsroom / "crlf.txt"
    draft.write_bytes(b"\xef\xbb\xbfMinisters met in in Geneva.\r\nThe vote is on June 5th.\r\n")
    draft.chmod(0o640)
    link = newsroom / "link.txt"
    link.symlink_to("crlf.txt")
    run("check", "link.txt", "--fix")
    assert link.is_symlink()  # the link still points at the file, which was fixed
    assert draft.read_bytes() == b"\xef\xbb\xbfMinisters met in Geneva.\r\nThe vote is on June 5.\r\n"
    assert stat.S_IMODE(draft.stat().st_mode) == 0o640
    assert leftovers(newsroom) == []


def test_a_file_changed_after_it_was_read_is_left_alone(newsroom, monkeypatch):
    draft = write(newsroom / "corridor.txt", DRAFT)
    edited = DRAFT.replace("Istanbul", "Ankara")
    real = fixmod.fix_text

    def editor_saves_meanwhile(*args, **kwargs):
        out = real(*args, **kwargs)
        write(draft, edited)  # between lintnews reading the file and writing it
        return out

    monkeypatch.setattr(fixmod, "fix_text", editor_saves_meanwhile)
    result = run("check", "corridor.txt", "--fix", "--no-show-source")
    assert draft.read_text(encoding="utf-8") == edited
    assert "lintnews: corridor.txt: not fixed: it changed on disk after lintnews read it" in result.stderr
    assert result.exit_code == 2
    # What it reports is the text as read, not the fixes that were not written.
    assert "corridor.txt:3:42: warning style.repeated-word" in result.stdout
    assert leftovers(newsroom) == []


def test_a_failed_write_leaves_the_original_intact(newsroom, monkeypatch):
    draft = write(newsroom / "corridor.txt", DRAFT)
    draft.chmod(0o644)

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixmod.os, "replace", disk_full)
    result = run("check", "corridor.txt", "--fix")
    assert draft.read_text(encoding="utf-8") == DRAFT
    assert stat.S_IMODE(draft.stat().st_mode) == 0o644
    assert "not fixed: writing failed (No space left on device); the original is unchanged" in result.stderr
    assert result.exit_code == 2
    assert leftovers(newsroom) == []


def test_a_read_only_file_is_not_rewritten(newsroom):
    # Root (as in CI) could replace it; lintnews still respects the file's own permission bits.
    draft = write(newsroom / "locked.txt", "Ministers met in in Geneva.\n")
    draft.chmod(0o444)
    try:
        result = run("check", "locked.txt", "--fix")
        assert draft.read_text(encoding="utf-8") == "Ministers met in in Geneva.\n"
        assert "not fixed: the file is read-only" in result.stderr
        assert result.exit_code == 2
    finally:
        draft.chmod(0o644)


def test_files_lintnews_cannot_write_back_faithfully_are_refused(newsroom):
    latin1 = newsroom / "latin1.txt"
    latin1.write_bytes("Ministers met in in Genève.\n".encode("latin-1"))
    word = newsroom / "draft.docx"
    word.write_bytes(b"PK\x03\x04 not really a document")
    before = latin1.read_bytes()
    result = run("check", "latin1.txt", "draft.docx", "--fix")
    assert latin1.read_bytes() == before
    assert "latin1.txt: not fixed: it is not valid UTF-8" in result.stderr
    assert "draft.docx: not fixed: a Word document is never rewritten in place; 'lintnews annotate draft.docx" in result.stderr
    assert word.read_bytes() == b"PK\x03\x04 not really a document"
    assert result.exit_code == 2


# --- standard input, --fix-only ---------------------------------------------------------------


def test_fix_on_standard_input_writes_the_fixed_text_to_standard_output(newsroom):
    result = run("check", "-", "--fix", "--stdin-filename", "wire.md", input="Antonio Guteres met the the envoy.\n")
    assert result.stdout == "Antonio Guterres met the envoy.\n"
    assert "0 findings in 1 file." in result.stderr  # the report goes to standard error
    assert result.exit_code == 0
    write(newsroom / "brief.txt", "Ministers met in Geneva.\n")
    refused = run("check", "-", "brief.txt", "--fix", input="x\n")
    assert refused.exit_code == 2
    assert "standard input ('-') on its own" in refused.stderr


def test_fix_only_reports_nothing_and_exits_non_zero_on_fix_when_asked(newsroom):
    draft = write(newsroom / "corridor.txt", DRAFT)
    result = run("check", "corridor.txt", "--fix-only", "--exit-non-zero-on-fix")
    assert draft.read_text(encoding="utf-8") == FIXED
    assert result.stdout == ""
    assert result.exit_code == 1  # it changed something
    again = run("check", "corridor.txt", "--fix-only", "--exit-non-zero-on-fix")
    assert again.exit_code == 0  # nothing left to fix; remaining findings are the lint hook's business


# --- the rule format ----------------------------------------------------------------------------

RULE = """\
id: style.test
kind: {kind}
severity: warning
message: "m"
{body}
examples:
  flag: ["x"]
  pass: ["y"]
{fixes}"""


@pytest.mark.parametrize(
    "kind, body, error",
    [
        ("phrases", "terms: {slammed: [criticised]}\nfix: always", "'fix' must be 'safe'"),
        ("attribution", "fix: safe\nclaims: [a]", "rules of kind 'attribution' offer no fix"),
        ("pattern", "pattern: 'a'\nreplace: 'b'", "'replace' is the rule's fix"),
        ("pattern", "pattern: '(a)'\nfix: safe\nreplace: '\\2'", "refers to group '2'"),
        ("pattern", "pattern: 'a'\nfix: safe", "needs 'replace' (a template) or 'suggest'"),
        ("pattern", "pattern: 'a'\nfix_when: 'a'", "'fix_when' limits the rule's fix"),
        ("pattern", "pattern: 'a'\nfix: safe\nreplace: b\nfix_when: '(a'", "'fix_when' does not compile"),
        ("consistency", "variants: [[a, b]]\nfix: safe", "'fix' needs 'house'"),
        ("consistency", "variants: [[a, b]]\nhouse: [c]", "'c' is not a form"),
        ("phrases", "terms: {slammed: [criticised]}\nfix: unsafe\nno_fix: [blasted]", "'blasted' is not one of the rule's terms"),
        ("phrases", "terms: {slammed: [criticised]}\nfix: unsafe", "needs 'examples: fix:'"),
        ("phrases", "terms: {slammed: [criticised]}", "'examples: fix' needs the rule to declare 'fix'"),
    ],
)
def test_the_loader_validates_fix_fields_with_file_and_line(tmp_path, kind, body, error):
    path = tmp_path / "rule.yaml"
    # Every rule here has fix examples, except where their absence (or presence) is the error.
    fixes = '  fix: [["a", "b"]]\n' if ("fix:" in body) != ("examples" in error) else ""
    path.write_text(RULE.format(kind=kind, body=body, fixes=fixes), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        load_rules([path], use_cache=False)
    message = str(exc.value)
    assert error in message
    assert message.startswith(f"{path}:") and message.split(":")[1].isdigit()


def test_json_carries_the_fix_as_an_optional_key(newsroom):
    write(newsroom / "corridor.txt", DRAFT)
    data = json.loads(run("check", "corridor.txt", "--format", "json").stdout)
    assert data["version"] == 1
    by_rule = {}
    for f in data["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    assert by_rule["style.date-ordinal"][0]["fix"] == {"replacement": "", "applicability": "safe"}
    assert by_rule["names.house-spelling"][0]["fix"] == {"replacement": "Antonio Guterres", "applicability": "safe"}
    assert by_rule["loaded.said"][0]["fix"] == {"replacement": "said", "applicability": "unsafe"}
    for f in data["findings"]:  # the version 1 keys, unchanged; "fix" only where there is one
        assert set(f) - {"fix"} == {"path", "line", "column", "end_line", "end_column", "rule", "severity", "message", "match", "suggestions"}


# --- the library ------------------------------------------------------------------------------


def _finding(fix: Fix) -> Finding:
    return Finding("a.txt", 1, fix.start + 1, 1, fix.end + 1, "style.x", "warning", "m", "x", (), fix)


def test_overlapping_fixes_are_chosen_deterministically():
    a = Fix(0, 7, "A", True)
    b = Fix(4, 10, "B", True)  # overlaps a: dropped
    c = Fix(10, 12, "C", False)  # unsafe: only with unsafe=True
    d = Fix(10, 12, "D", True)  # same span as c: the safe one first
    e = Fix(12, 15, "E", True)  # touches d, does not overlap it
    for order in ([a, b, c, d, e], [e, d, c, b, a], [c, a, e, b, d]):
        findings = [_finding(x) for x in order]
        assert fixmod.choose(findings) == [a, d, e]
        assert fixmod.choose(findings, unsafe=True) == [a, d, e]
    assert fixmod.apply("0123456789abcdefg", [a, d, e]) == "A789DEfg"


def test_match_case():
    assert match_case("Slammed", "criticised") == "Criticised"
    assert match_case("SLAMMED", "criticised") == "CRITICISED"
    assert match_case("slammed", "criticised") == "criticised"
    assert match_case("guteres", "Guterres") == "Guterres"  # a replacement with capitals is kept


def test_what_is_not_reported_is_not_fixed(newsroom):
    text = (
        "<!-- lintnews-disable-next-line style.repeated-word -->\n"
        "Ministers met in in Geneva on June 5th.\n"
        "\n"
        "Sirhan Sirhan was denied parole.\n"  # reported (a name?), never "fixed" to one word
    )
    draft = write(newsroom / "kept.md", text)
    run("check", "kept.md", "--fix")
    assert draft.read_text(encoding="utf-8") == text.replace("June 5th", "June 5")
    ignored = write(newsroom / "ignored.md", text)
    run("check", "ignored.md", "--fix", "--ignore", "style")
    assert ignored.read_text(encoding="utf-8") == text


def test_sarif_carries_safe_fixes_as_sarif_fixes(newsroom):
    write(newsroom / "corridor.txt", DRAFT)
    results = json.loads(run("check", "corridor.txt", "--format", "sarif").stdout)["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    (change,) = by_rule["style.date-ordinal"]["fixes"][0]["artifactChanges"]
    (edit,) = change["replacements"]
    assert edit["deletedRegion"] == {"startLine": 3, "startColumn": 73, "endLine": 3, "endColumn": 75}
    assert edit["insertedContent"] == {"text": ""}
    assert "fixes" not in by_rule["loaded.said"]  # an unsafe fix is not proposed as an edit


AMPERSAND = """\
id: style.ampersand
kind: pattern
pattern: '(?<= )&(?= )'
severity: suggestion
message: "Write 'and' in running text."
fix: safe
replace: and
examples:
  flag: ["Marks & Spencer"]
  pass: ["Marks and Spencer"]
  fix: [["Marks & Spencer", "Marks and Spencer"]]
"""


def test_a_fix_whose_span_is_not_the_same_characters_in_the_source_is_skipped(newsroom):
    (newsroom / "amp.yaml").write_text(AMPERSAND, encoding="utf-8")
    (newsroom / ".lintnews.yaml").write_text("default_rules: false\nrules: [amp.yaml]\n", encoding="utf-8")
    plain = write(newsroom / "m.txt", "Shares in Marks & Spencer rose.\n")
    html = write(newsroom / "m.html", "<p>Shares in Marks &amp; Spencer rose, and Marks & Spencer said so.</p>\n")
    result = run("check", "m.txt", "m.html", "--fix", "--no-show-source")
    assert plain.read_text(encoding="utf-8") == "Shares in Marks and Spencer rose.\n"
    # "&amp;" is one character of prose: the finding stays, the entity is never cut in two.
    assert html.read_text(encoding="utf-8") == "<p>Shares in Marks &amp; Spencer rose, and Marks and Spencer said so.</p>\n"
    assert "m.html:1:20: suggestion style.ampersand" in result.stdout


# --- idempotence, on drafts assembled at random ---------------------------------------------

FRAGMENTS = [
    "UN Secretary-General Antonio Guteres met the the envoy.",
    "The vote is on June 5th, officials said.",
    "Shelling hit Kiev overnight.",
    "Kyiv said repairs would take weeks.",
    "\"Antonio Guteres has failed us in in every way,\" a farmer said.",
    "Ministers met in in in Geneva.",
    "The minister claimed the figures were wrong.",
    "Sirhan Sirhan was denied parole.",
    "**Antonio Guteres** spoke on Sept. 21st.",
    "Talks moved toward a deal, then towards collapse.",
]


@pytest.fixture(scope="module")
def shipped_linter():
    from lintnews.cli import build_linter
    from lintnews.config import Config

    return build_linter(Config())


def test_fixing_twice_is_fixing_once(shipped_linter):
    import random

    rng = random.Random(11)  # the same drafts every run
    quote = "\"Antonio Guteres has failed us in in every way,\""
    for case in range(24):
        parts = rng.choices(FRAGMENTS, k=rng.randint(1, 6))
        name, unsafe = ("a.txt", "a.md")[case % 2], case % 3 == 0
        text = "\n\n".join(parts) + "\n"
        once, applied, remaining, _first, _errors = fixmod.fix_text(shipped_linter, text, name, unsafe=unsafe)
        twice, applied_again, remaining_again, _f, _e = fixmod.fix_text(shipped_linter, once, name, unsafe=unsafe)
        assert (twice, applied_again) == (once, 0), text
        assert remaining_again == remaining, text
        assert not any(f.fix and (f.fix.safe or unsafe) for f in remaining), text  # nothing fixable left behind
        assert once.count(quote) == text.count(quote), text  # quotations untouched
        assert "the the" not in once, text  # the one "the the" in the fragments is outside a quotation


def test_explain_says_whether_a_rule_fixes_and_shows_it(newsroom):
    out = run("explain", "style.date-ordinal").stdout
    assert "Fix: safe (lintnews check --fix applies it)" in out
    assert "  The vote is set for June 5th in the capital.\n  → The vote is set for June 5 in the capital." in out
    assert "Fix: unsafe (applied only with --fix --unsafe-fixes)" in run("explain", "loaded.said").stdout
    assert "Fix:" not in run("explain", "attribution.weasel").stdout
