"""Markdown, HTML and plain text as rules read them: what is prose, what is quotation,
where each finding points, and how long hostile markup takes (issue 10 and issue 9 item 5).

Rules are written here (a label list, a repeated-word pattern like the shipped one), so the
tests do not move when the shipped packs are tuned.
"""

from __future__ import annotations

import time

import pytest

from lintnews import markup
from lintnews.document import Document
from lintnews.engine import Linter
from lintnews.loader import load_rules

RULES = r"""
rules:
- id: loaded.testlabels
  kind: phrases
  severity: warning
  message: "'{match}' is a loaded label"
  terms:
    regime: [government]
    pariah: [isolated country]
    slammed: [criticised]
    critics say: []
  examples:
    flag: ["The regime said it would talk."]
    pass: ["The government said it would talk."]
- id: style.testrepeat
  kind: pattern
  severity: warning
  scope: all
  message: "'{match}' repeats a word"
  pattern: '\b([^\W\d_]+)[ \t]+\1\b'
  examples:
    flag: ["The the vote."]
    pass: ["The vote."]
"""


@pytest.fixture(scope="module")
def linter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    return Linter(load_rules([folder / "rules.yaml"], use_cache=False))


def source_at(text: str, f) -> str:
    starts = markup.line_starts(text)
    return text[starts[f.line - 1] + f.column - 1 : starts[f.end_line - 1] + f.end_column - 1]


def found(linter, text: str, path: str) -> list[tuple[int, int, str]]:
    """(line, column, match) of each finding; every match is the source's text there."""
    out = []
    for f in linter.lint_text(text, path):
        assert f.match == source_at(text, f), (f, text)
        out.append((f.line, f.column, f.match))
    return out


# --- what counts as quotation --------------------------------------------------------------


def test_markdown_block_quotation_is_not_the_papers_voice(linter):
    md = (
        "The regime slammed the vote, the agency reported.\n\n"
        "> The regime slammed the vote as a farce,\n"
        "and its allies agreed.\n\n"
        "- a list item\n\n"
        "  > The pariah state, nested in a list.\n"
    )
    assert found(linter, md, "story.md") == [(1, 5, "regime"), (1, 12, "slammed")]
    html = "<p>The regime slammed the vote.</p><blockquote><p>The regime slammed the vote.</p></blockquote>"
    assert [m for _, _, m in found(linter, html, "story.html")] == ["regime", "slammed"]


def test_raw_html_block_quotation_inside_markdown_is_quotation_too(linter):
    md = "Intro line.\n\n<blockquote>\nThe regime slammed the vote.\n</blockquote>\n\nThe pariah left.\n"
    assert found(linter, md, "story.md") == [(7, 5, "pariah")]


# --- what is prose ----------------------------------------------------------------------------


def test_code_blocks_and_inline_code_are_not_prose(linter):
    md = (
        "Intro about the pariah.\n\n"
        "    the regime in an indented code block\n\n"
        "```python\nregime = 1\n```\n\n"
        "~~~\nthe pariah in a tilde fence\n~~~\n\n"
        "> ```\n> the regime in a fence in a quote\n> ```\n\n"
        "The `regime` variable is not prose; the pariah is.\n\n"
        "```\nan unclosed fence about the regime\n"
    )
    assert found(linter, md, "story.md") == [(1, 17, "pariah"), (17, 41, "pariah")]


def test_footnote_text_is_prose_and_its_label_and_link_definitions_are_not(linter):
    md = (
        "The vote was close.[^1]\n\n"
        "[ref]: https://example.com/the-regime-report\n\n"
        "[^1]: The regime said so on state television.\n"
    )
    assert found(linter, md, "story.md") == [(5, 11, "regime")]
    doc = Document.from_source("story.md", md)
    assert "^1" not in doc.text and "[ref]" not in doc.text


def test_links_images_emphasis_headings_and_tables(linter):
    md = (
        "Talks with the regime stall\n===========================\n\n"
        "## The *pariah* returns ##\n\n"
        "A [report on the regime](https://example.com/pariah \"the pariah\"), "
        "![the regime's flag](flag.png) and <https://example.org/regime>.\n\n"
        "| Side | Label |\n|------|-------|\n| West | pariah |\n"
    )
    got = found(linter, md, "story.md")
    assert got == [(1, 16, "regime"), (4, 9, "pariah"), (6, 18, "regime"), (10, 10, "pariah")]
    doc = Document.from_source("story.md", md)
    assert [doc.text[s:e] for s, e in doc.headlines] == ["Talks with the regime stall", "The  pariah  returns"]
    assert "|" not in doc.text and "---" not in doc.text


def test_html_attribute_text_never_leaks_into_prose(linter):
    html = '<p title="a > b regime" data-x=\'pariah > x\'>The talks <span title="x>regime">began</span>.</p>\n'
    assert found(linter, html, "page.html") == []
    doc = Document.from_source("page.html", html)
    assert doc.text.split() == ["The", "talks", "began."]
    md = 'Some text <span title="a > b regime">here</span>.\n\n<div class="x > regime">\nThe talks began.\n</div>\n'
    assert found(linter, md, "story.md") == []


def test_script_style_comments_and_head_are_not_prose(linter):
    html = (
        "<html><head><title>The regime</title><style>.pariah{}</style></head>\n"
        "<body><script>var regime = '<p>pariah</p>';</script>\n"
        "<!-- the regime --><p>The pariah left.</p><![CDATA[regime]]></body></html>\n"
    )
    assert found(linter, html, "page.html") == [(3, 27, "pariah")]


# --- inline code and markup between words ---------------------------------------------------


def test_inline_code_never_spans_paragraphs(linter):
    text = "He didn`t say why.\n\nThe regime wasn`t there.\n\nThe pariah left.\n"
    assert found(linter, text, "story.md") == found(linter, text, "story.txt") == [(3, 5, "regime"), (5, 5, "pariah")]


def test_a_backtick_between_letters_is_an_apostrophe_within_a_paragraph_too(linter):
    text = "It didn`t matter, and the regime wasn`t moved.\n"
    assert found(linter, text, "story.md") == [(1, 27, "regime")]


@pytest.mark.parametrize(
    "path, text",
    [
        ("a.md", "The regime<b>regime</b> fell.\n"),
        ("a.md", "The regime<!-- note -->regime fell.\n"),
        ("a.txt", "The regime<!-- lintnews-disable-next-line -->regime fell.\n"),
        ("a.html", "<p>The regime<b>regime</b> fell.</p>\n"),
        ("a.md", "The regime[](https://example.com)regime fell.\n"),
    ],
)
def test_markup_removed_between_two_words_does_not_make_a_repeated_word(linter, path, text):
    assert [f for f in linter.lint_text(text, path) if f.rule == "style.testrepeat"] == []


def test_a_real_repeated_word_is_still_found_across_markup_with_spaces(linter):
    got = [(f.rule, f.match) for f in linter.lint_text("The vote <b>vote</b> failed.\n", "a.md")]
    assert ("style.testrepeat", "vote <b>vote") in got


# --- positions ------------------------------------------------------------------------------------


def test_match_is_the_source_text_at_the_position_html_entities_included(linter):
    html = "<p>Critics&#32;say the &#8220;pariah&#8221; state &amp; the regime&nbsp;fell.</p>\n"
    got = found(linter, html, "page.html")  # "pariah" is quoted: not narration
    assert got == [(1, 4, "Critics&#32;say"), (1, 61, "regime")]
    (f,) = [f for f in linter.lint_text(html, "page.html") if f.match.startswith("Critics")]
    assert f.message == "'Critics say' is a loaded label"  # the message shows the text as read


@pytest.mark.parametrize("path", ["a.txt", "a.md", "a.html"])
def test_lone_carriage_return_line_endings(linter, path):
    lines = ["Line one.", "The regime said no.", "", "The pariah left."]
    if path.endswith(".html"):
        lines = ["<p>Line one.</p>", "<p>The regime said no.</p>", "", "<p>The pariah left.</p>"]
    text = "\r".join(lines) + "\r"
    col = 8 if path.endswith(".html") else 5
    assert found(linter, text, path) == [(2, col, "regime"), (4, col, "pariah")]


def test_lone_cr_paragraphs_and_directives_count_lines_like_editors():
    doc = Document.from_source("a.txt", "One line.\rTwo lines.\r\rThree.\r")
    assert len(doc.paragraphs) == 3
    assert doc.position(doc.text.index("Three")) == (4, 1)


def test_crlf_and_non_ascii_positions_in_markdown_blocks(linter):
    md = "# Über\r\n\r\n> Zitat: the regime.\r\n\r\n- Ça va: the pariah 北京 left.\r\n"
    assert found(linter, md, "a.md") == [(5, 14, "pariah")]


# --- time: each of issue 10's hostile inputs is linear -----------------------------------------
# CPU time of reading the markup and building the document (paragraphs, sentences, tokens,
# quotations). Sizes are chosen so that the quadratic code this replaced took at least five
# seconds (most took minutes), while the linear code takes well under a tenth of a second:
# the bound of two CPU seconds cannot be reached by load on the machine, only by a
# regression to quadratic time.

BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
HOSTILE = {
    "brackets": ("a.md", "[" * 80_000),
    "image brackets": ("a.md", "![" * 40_000),
    "heading and spaces": ("a.md", "# Talks stall" + " " * 80_000 + "\n"),
    "spaces line": ("a.md", "# Talks stall\n" + " " * 80_000 + "\nText.\n"),
    "a.a.a and an address": ("a.txt", "a." * 40_000 + " desk@example.com"),
    "base64 image": ("a.md", "![x](data:image/png;base64," + (BASE64 * 1100)[:100_000] + ")"),
    "one-line comment md": ("a.md", "Text <!-- " + "note " * 20_000 + "--> more."),
    "one-line comment html": ("a.html", "<p>Text <!-- " + "note " * 20_000 + "--> more.</p>"),
    "nested divs": ("a.html", "<div>" * 25_000 + "Text." + "</div>" * 25_000),
    "nested divs md": ("a.md", "<div>" * 25_000 + "Text." + "</div>" * 25_000),
    "front matter 4000 lines": ("a.md", "---\n" + "key: value here\n" * 4_000 + "---\nText.\n"),
    "unclosed front matter and fences": ("a.md", "---\ntitle: x\n" + "```\ncode\n" * 7_500),
    "link tails": ("a.md", "[a](" * 30_000),
    "link titles": ("a.md", '[a](x "' * 20_000),
    "backtick runs": ("a.md", "`a ``b " * 20_000),
    "unclosed tags md": ("a.md", "x <a " * 30_000),
    "unclosed end tags html": ("a.html", "</" * 50_000),
    "unclosed comments html": ("a.html", "<!-- >" * 20_000),
    "bad sections html": ("a.html", "<![ >" * 20_000),
    "unclosed directives": ("a.txt", "<!-- lintnews-disable " * 5_000),
    "all-capitals line": ("a.txt", "NEWS " * 20_000 + "x\n" + " " * 40_000 + "\n"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_is_read_in_linear_time(name):
    path, text = HOSTILE[name]
    start = time.process_time()
    doc = Document.from_source(path, text)
    doc.sentences, doc.tokens, doc.quotes, doc.headlines
    spent = time.process_time() - start
    assert spent < 2.0, f"{name}: {spent:.2f} s of CPU"
    assert len(doc.text) >= 0
