"""Memory on hostile input (issue 10): what a run holds grows with the input by well under
10 MiB per MB, measured with tracemalloc through the library API, and the lean tables
markup.py gives markdown-it's block parser are the ones markdown-it computes itself."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from lintnews import markup
from lintnews.engine import Linter
from lintnews.loader import default_packs_dir, load_rules
from lintnews.sources import Source

ARTICLE = (
    "The council said on Monday that the new bridge over the river would open in March, two years later "
    "than planned. Engineers found cracks in the steel supports, according to a report seen by reporters.\n\n"
    "Residents who had campaigned for a cheaper route said they were relieved the work was nearly done.\n"
)


@pytest.fixture(scope="module")
def linter():
    linter = Linter(load_rules([default_packs_dir()]))
    for name in ("warm.md", "warm.txt"):  # what rules load on first use is not the input's cost
        linter.lint_source(Source(name, ARTICLE * 3, []))
    return linter


def peak_over(linter, name: str, text: str) -> float:
    """MiB above what was held before, at the peak of linting ``text`` as file ``name``."""
    linter.lint_source(Source(name, text[: len(text) // 20], []))  # first-use loads, on a slice
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        findings, errors = linter.lint_source(Source(name, text, []))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not errors
    return (peak - before) / 2**20


def test_thousands_of_code_fences_after_unclosed_front_matter_stay_small(linter):
    # markdown-it kept a token list of some 1 KB a block and five lists of int objects a
    # line: 107 MiB per MB of this input (9 characters a line) before, 17 now.
    text = "---\ntitle: Talks\n" + "```\ncode\n" * 8_000 + "\nThe regime said no.\n"
    mb = len(text) / 1e6
    assert peak_over(linter, "fences.md", text) < 25 * mb


def test_a_file_of_one_letter_sentences_stays_small(linter):
    # A word every two characters: what is kept per word (token columns, the names rules'
    # columns) is some 20 MiB per MB here, and the grade level hyphenates one word of 20,000
    # letters; about 32 MiB per MB in all. Splitting the whole text into tokens at once
    # held 140 MiB per MB of strings and offsets for a moment.
    text = "a." * 20_000 + " Write to desk@example.com. The regime said no.\n"
    mb = len(text) / 1e6
    assert peak_over(linter, "dots.txt", text) < 45 * mb


def test_ordinary_copy_in_markdown_stays_small(linter):
    text = (ARTICLE + "\n") * 400  # some 120 KB of news copy
    mb = len(text) / 1e6
    assert peak_over(linter, "copy.md", text) < 15 * mb


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "  ",
        "a\n  ",
        "a\n  \n",
        "\t\tcode\n \tmixed\n    four\n",
        "> quote\n>\tquote tab\n\n- item\n\t- nested\n",
        "line\r\nwindows\rmac\n\0nul\n",
        "   \n\n\t\n",
        "# Head\n\n```\nfence\n```\n\n<div>\nhtml\n</div>\n",
        " \u00a0lead\n\u3000wide\n",
    ],
)
def test_line_tables_are_markdown_its_own(text):
    from markdown_it import MarkdownIt
    from markdown_it.rules_block.state_block import StateBlock

    md = MarkdownIt("commonmark")
    stock = StateBlock(text, md, {}, [])
    tables = markup.block_line_tables(text)
    names = ("bMarks", "eMarks", "tShift", "sCount", "bsCount")
    assert [list(t) for t in tables] == [list(getattr(stock, n)) for n in names]
    assert len(tables[0]) - 1 == stock.lineMax


def test_lean_parser_reads_markdown_as_markdown_it_does():
    from markdown_it import MarkdownIt

    text = (
        "---\ntitle: x\n---\n\n# Talks stall\n\n> The minister said:\n>\n> - no deal\n> - no talks\n\n"
        "1. first\n2. second\n\n    indented code\n\n```\nfence\n```\n\n[a]: https://example.com\n\n"
        "Para with [a] link\r\nand a second line.\n\n<div>\nraw\n</div>\n\nSetext\n===\n"
    )
    stock = MarkdownIt("commonmark")
    stock.core.ruler.disable(["inline", "text_join"], ignoreInvalid=True)
    lean = markup._markdown_parser()
    drained = []
    env = {markup._TOKEN_SINK: lambda tokens: drained.extend(tokens)}
    rest = lean.parse(text, env)
    got = [(t.type, t.map, t.content, t.level, t.hidden) for t in drained + rest]
    want = [(t.type, t.map, t.content, t.level, t.hidden) for t in stock.parse(text, {})]
    assert got == want
    assert env["references"].keys() == {"A"}
