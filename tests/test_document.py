"""The Document every rule sees: sentences, quotes, headlines, debris, markup mapping."""

from __future__ import annotations

import re

from lintnews.document import TOKEN_RE, Document


def texts(doc, spans):
    return [doc.text[s:e] for s, e in spans]


ARTICLE = """Markets

Ministers meet as talks stall over grain deal

Sen. Maria Lopez met Gov. Tom Reyes on Jan. 17, 2025, in Washington. Inflation rose 3.5 percent in the U.S. economy last year. George W. Bush was not there.

See also  Ministers pledge more aid as floods spread in the south

“We will not walk away from the table,” Lopez said. “The farmers deserve better.”

“This is the first paragraph of a long statement that runs on.

“And this is the second, which closes,” the ministry said.

Share this article:
Share on Facebook
Tweet about this on Twitter
"""


def doc_of(text, path="a.txt"):
    return Document.from_source(path, text)


def test_sentences_do_not_split_at_abbreviations_initials_or_decimals():
    doc = doc_of(ARTICLE)
    sentences = texts(doc, doc.sentences)
    assert "Sen. Maria Lopez met Gov. Tom Reyes on Jan. 17, 2025, in Washington." in sentences
    assert "Inflation rose 3.5 percent in the U.S. economy last year." in sentences
    assert "George W. Bush was not there." in sentences


def test_page_debris_is_not_prose():
    doc = doc_of(ARTICLE)
    assert "See also" not in doc.text
    assert "Share on Facebook" not in doc.text
    assert "Tweet about this" not in doc.text
    assert "Markets" not in doc.text.split("\n")[0]  # a lone category label
    assert len(doc.text) == len(ARTICLE)  # blanked, not removed: offsets stay put


def test_headline_found_in_plain_text():
    doc = doc_of(ARTICLE)
    assert texts(doc, doc.headlines) == ["Ministers meet as talks stall over grain deal"]


def test_quotes_including_a_quote_that_runs_into_the_next_paragraph():
    doc = doc_of(ARTICLE)
    quotes = texts(doc, doc.quotes)
    assert "“We will not walk away from the table,”" in quotes
    assert "“The farmers deserve better.”" in quotes
    assert "“This is the first paragraph of a long statement that runs on." in quotes
    assert "“And this is the second, which closes,”" in quotes
    said = doc.text.index("the ministry said")
    assert not doc.in_quote(said, said + 17)


def test_straight_quotes_and_single_headline_quotes():
    doc = doc_of('He called it "a disgrace" and left.\n\nMinister says strikes are \'a perfect chance\' for rebels\n')
    quotes = texts(doc, doc.quotes)
    assert '"a disgrace"' in quotes
    assert "'a perfect chance'" in quotes


def test_apostrophes_are_not_quotes():
    doc = doc_of("Iran’s allies and the countries’ leaders met. It’s the ’90s again.")
    assert doc.quotes == []


def test_positions_are_one_based_and_count_code_points():
    text = "Ça va.\r\nLe régime a dit.\n"
    doc = doc_of("\ufeff" + text if False else text)
    i = doc.text.index("régime")
    assert doc.position(i) == (2, 4)
    assert doc.end_position(i + len("régime")) == (2, 10)


def test_markdown_front_matter_code_links_and_comments_are_not_prose():
    md = (
        "---\ntitle: The regime story\n---\n\n# Heading about talks\n\n"
        "Text with `regime` code, a [link text](https://example.com/regime) and <!-- regime --> a comment.\n\n"
        "```\nregime in a fence\n```\n\nThe **regime** fell.\n"
    )
    doc = Document.from_source("a.md", md)
    assert doc.text.count("regime") == 1
    i = doc.text.index("regime")
    s = doc.source_offset(i)  # the front matter is cut, the rest keeps its offsets
    assert md[s : s + 6] == "regime" and doc.position(i) == (13, 7)
    assert len(doc.text) == len(md) - len("---\ntitle: The regime story\n---")
    assert "link text" in doc.text and "example.com" not in doc.text
    assert texts(doc, doc.headlines) == ["Heading about talks"]


def test_html_tags_scripts_entities_and_positions():
    html = (
        "<html><head><title>T</title><script>var regime = 1;</script></head>\n"
        "<body><h1>Talks stall</h1>\n<p>AT&amp;T said the &ldquo;deal&rdquo; was off.</p>\n"
        "<p>The regime fell.</p></body></html>\n"
    )
    doc = Document.from_source("a.html", html)
    assert "var regime" not in doc.text
    assert "AT&T said the “deal” was off." in doc.text
    i = doc.text.index("regime")
    assert doc.position(i) == (4, 8)
    assert texts(doc, doc.headlines) == ["Talks stall"]
    assert texts(doc, doc.quotes) == ["“deal”"]


def test_a_paragraph_introduced_by_a_said_clause_and_a_colon_is_a_quotation():
    text = (
        "The senator wrote on social media:\n\n"
        "The judge is a disgrace and a total embarrassment to the court.\n\n"
        "The court declined to comment. Key points of the ruling:\n\n"
        "The ban stays in place.\n"
    )
    doc = doc_of(text)
    quotes = texts(doc, doc.quotes)
    assert quotes == ["The judge is a disgrace and a total embarrassment to the court."]


def test_a_straight_quote_mark_before_a_word_opens_a_quote_even_if_one_is_open():
    # A running quote whose paragraph break was lost: the second mark opens, it does not close.
    text = '"Listing is one option, but nothing is decided. "We want to be in the best health," he said.\n'
    doc = doc_of(text)
    assert texts(doc, doc.quotes) == [
        '"Listing is one option, but nothing is decided. ',
        '"We want to be in the best health,"',
    ]
    said = doc.text.index("he said")
    assert not doc.in_quote(said, said + 7)


def test_a_word_inside_a_block_quote_that_holds_quoted_words_is_in_a_quote():
    html = "<blockquote>He wrote that “one” and “two” were not the regime's words at all.</blockquote>"
    doc = Document.from_source("a.html", html)
    i = doc.text.index("regime")
    assert doc.in_quote(i, i + 6)


def test_quotes_overlapping_a_span_are_found_as_a_scan_would_find_them():
    text = (
        "Officials met on Monday. “The talks were useful,” the envoy said. “We will meet again.\n\n"
        "“And soon,” she added, calling the plan “a start”. Nobody said more.\n\n"
        "Mr. Lee wrote: \n\n“Nothing ‘agreed’ until all is agreed.”\n"
    )
    doc = Document.from_source("s.txt", text)
    assert len(doc.quotes) >= 4
    spans = doc.sentences + [(0, len(text)), (5, 6), (len(text), len(text))]
    for s, e in spans:
        scan = [(qs, qe) for qs, qe in doc.quotes if qs < e and qe > s]
        assert doc.quotes_overlapping(s, e) == scan, (s, e)


def test_sentence_word_index_matches_the_tokens_of_each_sentence():
    doc = Document.from_source("s.txt", "Critics say it failed. Many critics agree! Some don't.\n\nNo one else.")
    for word, found in doc.sentence_words.items():
        expected = [k for k, (s, e) in enumerate(doc.sentences) if word in {t[2] for t in doc.tokens_in(s, e)}]
        assert found == expected, word
    assert doc.sentences_with({"critics", "don't"}) == [0, 1, 2]
    assert doc.sentences_with({"absent"}) == []


def test_tokens_are_the_words_with_their_offsets_lower_cased_and_apostrophes_straightened():
    # Curly and straight apostrophes, a word joiner inside a word (the markup's mark of a
    # removed tag), underscores and digits, Greek capitals (final sigma), a dotted capital I.
    text = ("Officials’ claims_about İstanbul’s ΟΔΟΣ were 3rd-hand; ‘ex\u2060’\u2060pert’ "
            "analysts don't agree, the Prime\u2060Minister said.\n\n   _ ’ \u2060 \n")
    doc = Document.from_source("t.txt", text)
    assert doc.text == text
    found = [(s, e, doc.text[s:e]) for s, e, _w in doc.tokens]
    assert [w for _s, _e, w in found] == [
        "Officials", "claims", "about", "İstanbul’s", "ΟΔΟΣ", "were", "3rd", "hand", "ex\u2060’\u2060pert",
        "analysts", "don't", "agree", "the", "Prime\u2060Minister", "said"]
    assert [w for _s, _e, w in doc.tokens] == [
        "officials", "claims", "about", "i̇stanbul's", "οδος", "were", "3rd", "hand", "ex'pert",
        "analysts", "don't", "agree", "the", "primeminister", "said"]
    assert list(doc.token_starts) == [s for s, _e, _w in found]
    assert list(doc.token_ends) == [e for _s, e, _w in found]
    assert doc.tokens_in(0, 18) == [(0, 9, "officials"), (11, 17, "claims")]


def test_a_text_without_words_has_no_tokens():
    for text in ("", "   \n\n", "— … ’ _ \u2060"):
        doc = Document.from_source("e.txt", text)
        assert doc.tokens == [] and doc.word_count() == 0


def test_a_word_whose_tokens_differ_in_length_keeps_each_tokens_end():
    # "unfair" written plainly and with a joiner inside (markup taken out of the word):
    # one word, tokens of two lengths; each token ends where it does in the text, and the
    # word's sentences are counted once. "İstanbul" is longer lower-cased.
    text = ("The unfair plan. It was un\u2060fair. İstanbul disagreed. Unfair, said İstanbul.\n\n"
            "Nothing unfair here.")
    doc = Document.from_source("t.txt", text)
    tokens = doc.tokens
    assert [text[s:e] for s, e, w in tokens if w == "unfair"] == ["unfair", "un\u2060fair", "Unfair", "unfair"]
    assert [text[s:e] for s, e, w in tokens if w == "i̇stanbul"] == ["İstanbul", "İstanbul"]
    assert [doc.token_end(k) for k in range(len(tokens))] == [e for _s, e, _w in tokens]
    assert len(doc.sentences) == 4  # (no sentence starts at a capital beyond Latin-1)
    assert doc.sentence_words["unfair"] == [0, 1, 2, 3]
    assert doc.sentence_words["i̇stanbul"] == [1, 2]
    assert set(doc.vocabulary) == {w for _s, _e, w in tokens}
    assert list(doc.token_words) == [w for _s, _e, w in tokens]


def test_tokens_of_a_text_with_more_distinct_words_than_two_bytes_number():
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [f"w{letters[k // 676 % 26]}{letters[k // 26 % 26]}{letters[k % 26]}{k // 17576}" for k in range(70_000)]
    text = " ".join(words) + ". " + " ".join(reversed(words[:10]))
    doc = Document.from_source("v.txt", text)
    assert len(doc.vocabulary) == 70_000 and doc.word_count() == 70_010
    assert doc.token_words[69_998:70_002] == [words[69_998], words[69_999], words[9], words[8]]
    k = doc.word_count() - 1
    assert text[doc.token_starts[k] : doc.token_end(k)] == words[0]


def test_the_dotted_capital_i_is_the_one_character_whose_lower_case_is_longer():
    from lintnews.document import LONGER_LOWER

    every = "".join(map(chr, range(0x110000)))
    assert len(LONGER_LOWER.lower()) == 2
    assert len(every.lower()) == len(every) + 1  # tokens are measured on this


def test_lower_case_keeps_every_character_a_word_character_or_not():
    """Tokens are split from the lower-cased text (its words, in one pass): the same
    tokens as the text's only if lower case never makes a word character of another
    character, or the reverse, nor makes an apostrophe or a joiner."""
    from lintnews.document import _TOKEN_CUT_RE, LONGER_LOWER

    word = re.compile(r"[^\W_]")
    for c in map(chr, range(0x110000)):
        low = c.lower()
        if c == LONGER_LOWER or low == c:
            continue
        assert len(low) == 1, hex(ord(c))
        assert bool(word.match(c)) == bool(word.match(low)), hex(ord(c))
        assert bool(_TOKEN_CUT_RE.match(c)) == bool(_TOKEN_CUT_RE.match(low)), hex(ord(c))


def test_tokens_are_the_same_with_capitals_curly_apostrophes_and_a_dotted_capital_i():
    base = "The council’s plan: Don’t CLOSE the depot, said O’Neil. ŞİŞLİ and İzmir aren't far. 'Quoted' words."
    for text in (base, base.replace("İ", "I"), base.replace("’", "'")):
        doc = Document.from_source("t.txt", text)
        found = [m.group() for m in TOKEN_RE.finditer(text)]
        assert [text[s:doc.token_end(k)] for k, s in enumerate(doc.token_starts)] == found
        assert list(doc.token_words) == [w.lower().replace("’", "'") for w in found]


DRAFT_WITH_LINKS = (
    "WORLD NEWS TODAY FROM OUR DESK\n"
    "Officials slammed the plan on Monday. The ministry's site www.gov.example/plan lists the costs.\n"
    "See also: Critics say the regime regime is failing\n"
    "Critics say the deal was rushed. Write to desk@paper.example or visit https://paper.example/a?b=c today.\n"
    "\n"
    "The regime in Tehran denied it. The the talks resume on Friday.\n"
    "Share on Facebook\n"
)


def test_a_file_linted_by_the_cli_quotes_its_own_text_though_its_copy_was_let_go(tmp_path):
    # A file of a check run is held once: the document keeps its text with URLs, e-mail
    # addresses and debris blanked, and those as written; every finding's match, position
    # and the shown source line are those of the file, as when the source is kept.
    import json
    import subprocess
    import sys

    from lintnews.engine import Linter
    from lintnews.loader import default_packs_dir, load_rules
    from lintnews.sources import Source

    path = tmp_path / "draft.txt"
    path.write_text(DRAFT_WITH_LINKS, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "lintnews", "check", "--format", "json", "draft.txt"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    found = json.loads(out.stdout)["findings"]
    kept = Linter(load_rules([default_packs_dir()])).lint_text(DRAFT_WITH_LINKS, "draft.txt")
    assert [(f["line"], f["column"], f["end_column"], f["rule"], f["match"]) for f in found] == [
        (f.line, f.column, f.end_column, f.rule, f.match) for f in kept
    ]
    lines = DRAFT_WITH_LINKS.split("\n")
    assert len(found) >= 4
    for f in found:
        assert lines[f["line"] - 1][f["column"] - 1 : f["end_column"] - 1] == f["match"]

    read = Source("draft.txt", "".join(DRAFT_WITH_LINKS), [])
    read.disposable = True
    doc = Document.from_input(read)
    assert read.text is None  # (the prose differs from the file: the file was let go)
    assert doc.source == DRAFT_WITH_LINKS
    assert [doc.source_line(n) for n in range(1, len(lines))] == lines[:-1]
    for start in range(len(DRAFT_WITH_LINKS)):
        assert doc.source_slice(start, start + 17) == DRAFT_WITH_LINKS[start : start + 17]
