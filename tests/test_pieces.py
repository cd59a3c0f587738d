"""A text too long to hold whole (a feed, an archive) is linted in pieces cut at paragraph
breaks, and reported as one file: the same lines, columns, fixes and inline directives as
if it had been read whole, for every rule that reads a paragraph at a time."""

from __future__ import annotations

import pytest

from lintnews import runner
from lintnews.app import build_linter
from lintnews.config import Config

# Rules whose findings depend only on the paragraph they are in.
LOCAL = ["loaded.said", "loaded.emotive", "loaded.labels", "attribution.weasel", "style.repeated-word",
         "style.date-ordinal", "readability.long-sentence"]

PARAGRAPHS = [
    "The minister slammed the report on Tuesday, calling it a crippling blow to the the budget.",
    "Critics say the plan was rushed through parliament in a matter of days.",
    "Officials confirmed the figures on March 5th after a meeting in the capital.",
    "“We will not be bullied,” the spokeswoman said, adding that talks would resume.",
    "Residents, who had waited outside since dawn, said they were relieved when the doors opened.",
]


def article(n: int, markdown: bool = False) -> str:
    paras = []
    for i in range(n):
        para = PARAGRAPHS[i % len(PARAGRAPHS)]
        if markdown and i % 7 == 3:
            para = "```\nThe regime slammed critics.\n\nThe the code block goes on.\n```"
        if i == 11:
            para = "<!-- lintnews-disable loaded.said -->\n" + para
        if i == 23:
            para = para + "\n<!-- lintnews-enable loaded.said -->"
        paras.append(para)
    return "\n\n".join(paras) + "\n"


def findings(tmp_path, name: str, text: str, monkeypatch, pieces_above: int, piece_chars: int):
    monkeypatch.setattr(runner, "PIECES_ABOVE", pieces_above)
    monkeypatch.setattr(runner, "PIECE_CHARS", piece_chars)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    linter = build_linter(Config(), select=LOCAL)
    found, errors = runner.lint_files(linter, [str(path)], jobs=1)
    assert errors == []
    return [f.to_json() for f in found]


@pytest.mark.parametrize("name, markdown", [("feed.txt", False), ("feed.md", True)])
def test_a_long_text_in_pieces_reports_what_it_would_whole(tmp_path, monkeypatch, name, markdown):
    text = article(60, markdown)
    whole = findings(tmp_path, name, text, monkeypatch, pieces_above=10**9, piece_chars=10**9)
    pieces = findings(tmp_path, name, text, monkeypatch, pieces_above=500, piece_chars=400)
    assert len(runner.piece_bounds(text, "markdown" if markdown else "text", 400)) > 8
    assert pieces == whole
    rules = {f["rule"] for f in whole}
    assert {"loaded.said", "attribution.weasel", "style.repeated-word", "style.date-ordinal"} <= rules
    # the directive block spans several pieces: no loaded.said between its lines
    said_lines = [f["line"] for f in whole if f["rule"] == "loaded.said"]
    assert said_lines and not any(23 <= line <= 47 for line in said_lines)
    # fixes are offsets into the whole file
    for f in pieces:
        if f["rule"] == "style.repeated-word":
            assert f["fix"]["replacement"] == "the"
            line = text.split("\n")[f["line"] - 1]
            assert line[f["column"] - 1 : f["end_column"] - 1] == f["match"] == "the the"


def test_pieces_end_after_a_blank_line_and_never_inside_a_fence():
    text = article(80, markdown=True)
    bounds = runner.piece_bounds(text, "markdown", 300)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    for start, end in bounds[:-1]:
        assert text[:end].endswith("\n\n")
        assert text[:end].count("```") % 2 == 0


def test_a_text_with_no_paragraph_break_is_one_piece():
    text = "word " * 5000
    assert runner.piece_bounds(text, "text", 1000) == [(0, len(text))]


def test_pieces_shared_out_among_two_processes_report_the_same(tmp_path, monkeypatch):
    text = article(60)
    whole = findings(tmp_path, "feed.txt", text, monkeypatch, pieces_above=10**9, piece_chars=10**9)
    monkeypatch.setattr(runner, "PIECES_ABOVE", 500)
    monkeypatch.setattr(runner, "PIECE_CHARS", 400)
    monkeypatch.setattr(runner, "usable_cores", lambda: 2)
    path = tmp_path / "feed.txt"
    linter = build_linter(Config(), select=LOCAL)
    found, errors = runner.lint_files(linter, [str(path)], jobs=2)  # one file: its pieces go to two processes
    assert errors == []
    assert [f.to_json() for f in found] == whole
