"""Properties that hold for any input (issue 10): generated news fragments as plain text,
Markdown and HTML, with markup, quotation marks, CR/LF/CRLF line endings, non-ASCII and
emoji. On every run of the suite, for each generated file: nothing crashes, every finding
lies inside the input, its `match` is the source's text at its line and columns, and a
second run gives the same findings.

Runs the shipped packs through the library API (no process per example), with a bounded
number of examples (150 per format, a few seconds) so that the suite stays fast.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintnews import markup
from lintnews.engine import Linter
from lintnews.loader import default_packs_dir, load_rules

WORDS = (
    "the regime slammed critics say officials said pariah so-called thug reportedly claimed "
    "Hossein Dehghan Deghan Moscow Kyiv Tehran minister vote farce it is believed sources "
    "according to Reuters told reporters on Monday crippling strikes battered in in 5th "
    "café naïve Zürich Łódź 北京 İstanbul Ελλάδα — – … didn’t wasn`t 1.2 billion 45% U.S. Mr. Jan. "
    "😀 🇺🇦 e\u0301 a.a.a desk@example.com https://example.com/x www.example.org"
).split()
PUNCT = [" ", " ", " ", " ", ", ", ". ", "! ", "? ", ": ", "; ", " \"", "\" ", " “", "” ", " ‘", "’ ", "'", " (", ") "]
MD_MARKUP = [
    "**", "*", "_", "`", "``", "~~", "[", "](https://example.com/regime)", "![", "[^1]", "[^1]: ",
    "<b>", "</b>", "<!-- ", " -->", "<!-- lintnews-disable-next-line -->", "&amp;", "&#8220;", "\\",
    "> ", "- ", "1. ", "# ", "## ", "    ", "\t", "```", "~~~", "---", "===", "| ", " |", "<div>", "</div>",
    "<https://example.org>", "<span title=\"a > b regime\">", "</span>",
]
HTML_MARKUP = [
    "<p>", "</p>", "<b>", "</b>", "<br>", "<br/>", "<blockquote>", "</blockquote>", "<q>", "</q>", "<h1>", "</h1>",
    "<script>var regime = 1;</script>", "<style>.x{}</style>", "<!-- regime -->", "<!--", "-->",
    "&amp;", "&#8220;", "&#8221;", "&nbsp;", "&rsquo;", "&#x1F600;", "&bogus;", "&#", "<", ">", "</", "<!",
    "<![CDATA[x]]>", "<p title=\"a > b regime\">", "<img src=x alt=\"regime\">", "<head>", "</head>", "<body>",
]
NEWLINES = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r"]


def fragments(markup_pieces):
    piece = st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(PUNCT),
        st.sampled_from(NEWLINES),
        st.sampled_from(markup_pieces) if markup_pieces else st.sampled_from(WORDS),
        st.text(max_size=3),
    )
    return st.lists(piece, min_size=1, max_size=80).map("".join)


@pytest.fixture(scope="module")
def linter():
    return Linter(load_rules([default_packs_dir()]))


def check(linter, text: str, path: str) -> None:
    first = linter.lint_text(text, path)
    starts = markup.line_starts(text)
    for f in first:
        assert 1 <= f.line <= f.end_line <= len(starts), f
        s = starts[f.line - 1] + f.column - 1
        e = starts[f.end_line - 1] + f.end_column - 1
        line_end = starts[f.line] if f.line < len(starts) else len(text)
        assert starts[f.line - 1] <= s < line_end, f
        assert s < e <= len(text), f
        assert f.match == text[s:e], (f, text[s:e])
    assert linter.lint_text(text, path) == first


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=fragments(None))
def test_plain_text_properties(linter, text):
    check(linter, text, "story.txt")


@SETTINGS
@given(text=fragments(MD_MARKUP))
def test_markdown_properties(linter, text):
    check(linter, text, "story.md")


@SETTINGS
@given(text=fragments(HTML_MARKUP))
def test_html_properties(linter, text):
    check(linter, text, "story.html")
