"""Turn a source file (plain text, Markdown, HTML) into prose text that rules read.

Every character of the prose text maps back to a character of the source, so findings
point at the right line and column of the file the user opened.

Plain text and Markdown keep the prose the same length as the source: what is not prose
(code, URLs, markup, comments) is blanked to spaces, line breaks kept; Markdown's front
matter alone is cut, and one segment maps what follows it. That
makes the mapping the identity, which is both the fastest and the hardest to get wrong.
Markup removed from inside a word (``regime<b>regime``, ``**un**fair``) becomes WORD
JOINER characters instead of spaces, so that removing it does not split one word in two
or make two words out of what the reader sees as one. A lone carriage return (old Mac
line endings) becomes a line feed, so paragraphs and lines are found in such files too.

HTML cannot stay the same length (``&amp;`` is one character of prose), so it carries a
short table of segments instead.

Markdown is read at block level by markdown-it-py (imported only for Markdown files): it
says which lines are paragraphs, headings, block quotations, code and raw HTML. Inline
markup inside a paragraph (code spans, links, images, emphasis, inline HTML) is removed by
a scanner here that keeps offsets. HTML is read with the standard library's parser.
Everything here runs in time linear in the input: no pattern rescans what it has passed.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from . import rx

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text")
LINTABLE_SUFFIXES = MARKDOWN_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES

# Stand in for markup removed from inside a word. Between two letters or digits, HANGUL
# FILLER: a letter to patterns (no word boundary inside "regime<b>regime", which the reader
# sees as one word) and to the tokenizer. Next to punctuation, WORD JOINER: neither a
# letter nor white space. Both are taken out of tokens and of messages.
LETTER_JOINER = "\u3164"
JOINER = "\u2060"
JOINERS = LETTER_JOINER + JOINER


def without_joiners(text: str) -> str:
    if LETTER_JOINER in text or JOINER in text:
        return text.replace(LETTER_JOINER, "").replace(JOINER, "")
    return text


def format_for(path: str) -> str:
    lower = path.lower()
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    return "text"


class Prose:
    """The prose of a source and how it maps back to the source.

    ``segments``: (prose_start, source_start, linear, source_end). A linear segment maps
    prose i to source_start + (i - prose_start); a non-linear one (an inserted paragraph
    break, a decoded entity) maps every character to source_start, and covers the source up
    to source_end. Empty: the identity. ``headlines`` and ``quotes``: spans the markup
    declares (#, <h1>; >, <blockquote>, <q>). ``hard_breaks``: every source line ends a
    paragraph (plain text). ``changed``: where ``text``, character for character the
    source's, differs from it (sorted spans); None: not known, or not character for
    character."""

    def __init__(self, text: str, segments: list[tuple[int, int, bool, int]] | None = None,
                 headlines: list[tuple[int, int]] | None = None, quotes: list[tuple[int, int]] | None = None,
                 hard_breaks: bool = False, changed: list[tuple[int, int]] | None = None):
        self.text = text
        self.segments = segments if segments is not None else []
        self.headlines = headlines if headlines is not None else []
        self.quotes = quotes if quotes is not None else []
        self.hard_breaks = hard_breaks
        self.changed = changed

    def source_offset(self, i: int) -> int:
        if not self.segments:
            return i
        k = bisect_right(self._starts, i) - 1
        if k < 0:
            return 0
        seg = self.segments[k]
        return seg[1] + (i - seg[0]) if seg[2] else seg[1]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source offsets [s, e) that the prose span [start, end) was made from."""
        if not self.segments:
            return start, end
        s = self.source_offset(start)
        if end <= start:
            return s, s
        k = bisect_right(self._starts, end - 1) - 1
        if k < 0:
            return s, s
        seg = self.segments[k]
        p, src, linear = seg[0], seg[1], seg[2]
        src_end = seg[3] if len(seg) > 3 else src + 1  # (prose, source, linear) segments too
        e = src + (end - 1 - p) + 1 if linear else src_end
        return s, max(s, e)

    @property
    def _starts(self) -> list[int]:
        starts = self.__dict__.get("_starts_cache")
        if starts is None:
            starts = [seg[0] for seg in self.segments]
            self.__dict__["_starts_cache"] = starts
        return starts


# --- lines ---------------------------------------------------------------------------

LINE_BREAK_RE = rx.compile(r"\r\n?|\n")


def offset_code(n: int) -> str:
    """The array type code for offsets into a text of ``n`` characters: 4 bytes below 2 GB."""
    return "i" if n < 2**31 else "q"


def merged_spans(spans) -> list[tuple[int, int]]:
    """(start, end) spans sorted, those that overlap or touch joined."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def line_starts(text: str) -> array:
    """Offsets where each line starts. A line ends at LF, CRLF or a lone CR, as editors
    count them. Machine integers (4 bytes a line below 2 GB of text, not 36: a document
    keeps them to the end of its run)."""
    starts = array(offset_code(len(text)), [0])
    if "\r" in text:
        starts.extend(m.end() for m in LINE_BREAK_RE.finditer(text))
        return starts
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


LONE_CR_RE = rx.compile(r"\r(?!\n)")


def _lone_cr_to_lf(text: str) -> str:
    return LONE_CR_RE.sub("\n", text) if "\r" in text else text


# --- assembling prose from kept and removed pieces -------------------------------------------

KEEP, JOIN, BLANK = 0, 1, 2
_NOT_BREAK_RUN_RE = rx.compile(r"[^\r\n]+")


def _spaces(m: re.Match) -> str:
    return " " * (m.end() - m.start())


def blank(text: str) -> str:
    """``text`` as spaces, line breaks kept so that lines stay lines."""
    if "\n" not in text and "\r" not in text:
        return " " * len(text)
    return _NOT_BREAK_RUN_RE.sub(_spaces, text)


def _assemble(source: str, pieces) -> str:
    """Prose of the same length as ``source``: the KEEP pieces as they are, JOIN pieces as
    word joiners where they sit inside a word (as spaces elsewhere), everything else blank.
    ``pieces`` is flat, three integers a piece: start, end, mode; sorted and not
    overlapping. (A tuple a piece, and a list of every string to join, were some 200
    bytes a piece: 30,000 one-line Markdown blocks held 8 MB of them.)"""
    out: list[str] = []
    chunks: list[str] = []
    pos = 0
    n = len(source)
    count = len(pieces)
    for k in range(0, count, 3):
        a, b, mode = pieces[k], pieces[k + 1], pieces[k + 2]
        if a > pos:
            out.append(blank(source[pos:a]))
        if mode == KEEP:
            out.append(source[a:b])
        elif (
            mode == JOIN
            and 0 < a
            and b < n
            and k > 0
            and k < count - 3
            and pieces[k - 1] == KEEP
            and pieces[k - 2] == a
            and pieces[k + 5] == KEEP
            and pieces[k + 3] == b
            and not source[a - 1].isspace()
            and not source[b].isspace()
            and "\n" not in source[a:b]
            and "\r" not in source[a:b]
        ):
            letters = source[a - 1].isalnum() and source[b].isalnum()
            out.append((LETTER_JOINER if letters else JOINER) * (b - a))
        else:
            out.append(blank(source[a:b]))
        pos = b
        if len(out) >= 1024:  # joined as it goes: never a string object per piece of a long file
            chunks.append("".join(out))
            out.clear()
    if pos < n:
        out.append(blank(source[pos:]))
    if chunks:
        chunks.append("".join(out))
        return "".join(chunks)
    return "".join(out)


def _remove(source: str, removals: list[tuple[int, int, int]]) -> str:
    """``source`` with the sorted, non-overlapping (start, end, mode) removals blanked or
    joined and every other character kept."""
    if not removals:
        return source
    pieces: list[int] = []
    pos = 0
    for a, b, mode in removals:
        if a > pos:
            pieces += (pos, a, KEEP)
        pieces += (a, b, mode)
        pos = b
    if pos < len(source):
        pieces += (pos, len(source), KEEP)
    return _assemble(source, pieces)


# --- URLs, e-mail addresses, directives: not prose in any format -------------------------------

URL_RE = rx.compile(r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"'\]\[)(]+""", re.IGNORECASE)
WWW_RE = rx.compile(r"www\.", re.IGNORECASE)
DOMAIN_RE = rx.compile(r"[\w-]+(?:\.[\w-]+)+\b")
# `[^<>]` keeps each attempt to the next angle bracket: a file of unclosed directives is
# read once, not once per directive.
DIRECTIVE_RE = rx.compile(r"<!--\s*lintnews-[\w-]+[^<>]*?-->")
EMAIL_LOCAL_MAX = 64


def _emails(text: str):
    """Spans of e-mail addresses, found from each '@' outwards: linear, where a pattern
    that starts at every letter rescans a long run of "a.a.a…" from each of them."""
    find = text.find
    at = find("@")
    while at != -1:
        j = at
        limit = max(0, at - EMAIL_LOCAL_MAX)
        while j > limit and (text[j - 1].isalnum() or text[j - 1] in "._+-"):
            j -= 1
        while j < at and not (text[j].isalnum() or text[j] == "_"):
            j += 1  # the address starts at a word character
        nxt = at + 1
        if j < at and (j == 0 or not (text[j - 1].isalnum() or text[j - 1] == "_")):
            m = DOMAIN_RE.match(text, at + 1)
            if m:
                yield j, m.end()
                nxt = m.end()
        at = find("@", nxt)


def common_removals(text: str) -> list[tuple[int, int, int]]:
    """URLs, e-mail addresses and lintnews directives: sorted, merged removals."""
    spans: list[tuple[int, int]] = []
    if "://" in text or WWW_RE.search(text):
        spans.extend(m.span() for m in URL_RE.finditer(text))
    if "@" in text:
        spans.extend(_emails(text))
    if "lintnews-" in text:
        spans.extend(m.span() for m in DIRECTIVE_RE.finditer(text))
    return [(a, b, JOIN) for a, b in merged_spans(spans)]


def plain_text(source: str) -> Prose:
    removals = common_removals(source)
    changed = None if "\r" in source else [(a, b) for a, b, _mode in removals]  # (a lone CR becomes LF)
    return Prose(_lone_cr_to_lf(_remove(source, removals)), hard_breaks=True, changed=changed)


# --- HTML events ---------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote tr td th table section article header "
    "footer aside nav figure figcaption main pre hr dd dt dl title body html form "
    "caption thead tbody tfoot details summary address fieldset legend".split()
)
# Replaced elements: a picture between two words still separates them.
SEPARATOR_TAGS = frozenset("img input iframe video audio embed object canvas select textarea button".split())
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
QUOTE_TAGS = frozenset(("blockquote", "q"))
# Elements whose content is not prose. <head> ends at <body> or the first tag that cannot
# be in a head, as browsers read it.
SKIP_TAGS = frozenset("script style noscript template svg math head code kbd samp".split())
HEAD_TAGS = frozenset("title meta link style script base noscript template".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
ENTITY_RE = rx.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_COMMENT_CLOSE_RE = rx.compile(r"--!?\s*>")
_SECTION_CLOSE_RE = rx.compile(r"\]\s*\]?\s*>")


def _sanitized_for_parser(text: str) -> str:
    """A copy of ``text``, same length and same line breaks, that the standard library's
    parser reads in linear time and without raising: what it would read as data anyway
    is made plain data up front.

    Python's parser searches for the end of an unfinished construct from scratch at each
    one, so ``</`` or ``<!--`` repeated with no end rescans the rest of the file each time,
    and ``<![foo`` raises. Ampersands are taken out too: entities are decoded here, from
    the source, not by the parser (whose handling of broken ones varies by version)."""
    last_gt = text.rfind(">")
    last_comment_close = -1
    for m in _COMMENT_CLOSE_RE.finditer(text):
        last_comment_close = m.start()
    last_section_close = -1
    for m in _SECTION_CLOSE_RE.finditer(text):
        last_section_close = m.start()
    pieces: list[str] = []
    pos = 0
    find = text.find
    i = find("<")
    while i != -1:
        neutral = False
        if i > last_gt:
            neutral = True
        elif text.startswith("<!--", i):
            neutral = i + 4 > last_comment_close
        elif text.startswith("<![", i):
            if text.startswith("<![CDATA[", i) and i < last_section_close:
                end = text.find("]]>", i + 9)
                if end != -1:  # a CDATA section: as a comment of the same length
                    inner = blank(text[i + 4 : end])
                    pieces.append(text[pos:i])
                    pieces.append("<!--" + inner.replace(" ", "x") + "-->")
                    pos = end + 3
                    i = find("<", pos)
                    continue
            neutral = True
        if neutral:
            pieces.append(text[pos:i])
            pieces.append("\x01")
            pos = i + 1
        i = find("<", i + 1)
    pieces.append(text[pos:])
    return "".join(pieces).replace("&", "\x01")


def _walk_html(text: str, on_event) -> None:
    """Call ``on_event(kind, start, end, tag)`` for what the standard library's parser finds
    in ``text``, in order, as offsets into it. Kinds: "data", "start", "end", "startend"
    (<br/>), "other" (comments, declarations and the like; tag is ""). Nothing is kept:
    100,000 nested <div> cost what their text costs."""
    from html.parser import HTMLParser

    nl_starts = [0]  # the parser counts lines by "\n" only
    find = text.find
    i = find("\n")
    while i != -1:
        nl_starts.append(i + 1)
        i = find("\n", i + 1)
    fed = _sanitized_for_parser(text)
    n = len(text)
    reached = [0]

    def report(kind: str, a: int, b: int, tag: str = "") -> None:
        b = min(max(a, b), n)
        reached[0] = b
        on_event(kind, a, b, tag)

    class Walker(HTMLParser):
        def _at(self) -> int:
            line, col = self.getpos()
            return nl_starts[line - 1] + col

        def handle_starttag(self, tag, attrs):
            a = self._at()
            report("start", a, a + len(self.get_starttag_text() or "<"), tag)

        def handle_startendtag(self, tag, attrs):
            a = self._at()
            report("startend", a, a + len(self.get_starttag_text() or "<"), tag)

        def handle_endtag(self, tag):
            a = self._at()
            gt = fed.find(">", a)
            report("end", a, gt + 1 if gt != -1 else n, tag)

        def handle_data(self, data):
            a = self._at()
            report("data", a, a + len(data))

        def handle_comment(self, data):
            a = self._at()
            close = _COMMENT_CLOSE_RE.match(fed, a + 4 + len(data))
            report("other", a, close.end() if close else a + 4 + len(data))

        def handle_decl(self, data):
            a = self._at()
            report("other", a, a + len(data) + 3)

        handle_pi = handle_decl

        def unknown_decl(self, data):
            a = self._at()
            gt = fed.find(">", a + 3 + len(data))
            report("other", a, gt + 1 if gt != -1 else n)

    parser = Walker(convert_charrefs=False)
    try:
        parser.feed(fed)
        parser.close()
    except Exception:  # a construct this Python's parser cannot take: the rest is data
        on_event("data", reached[0], n, "")


class _HtmlState:
    """Which elements are open, for what their content means: skipped, a heading, a
    quotation. Shared by HTML files and the raw HTML blocks of Markdown."""

    def __init__(self):
        self.skip: dict[str, int] = {}
        self.heading: int | None = None
        self.open_quotes: dict[str, list[int]] = {}
        self.headlines: list[tuple[int, int]] = []
        self.quotes: list[tuple[int, int]] = []

    @property
    def skipping(self) -> bool:
        return any(self.skip.values())

    def start(self, tag: str, at: int) -> None:
        """An opening tag; ``at``: where its content starts."""
        if self.skip.get("head") and tag not in HEAD_TAGS:
            self.skip["head"] = 0  # a body element: the head has ended
        if tag in SKIP_TAGS and tag not in VOID_TAGS:
            self.skip[tag] = self.skip.get(tag, 0) + 1
        if tag in HEADING_TAGS:
            self.heading = at
        if tag in QUOTE_TAGS:
            self.open_quotes.setdefault(tag, []).append(at)

    def end(self, tag: str, at: int) -> None:
        """A closing tag; ``at``: where the content before it ends."""
        if self.skip.get(tag):
            self.skip[tag] -= 1
        if tag in HEADING_TAGS and self.heading is not None:
            if at > self.heading:
                self.headlines.append((self.heading, at))
            self.heading = None
        if tag in QUOTE_TAGS and self.open_quotes.get(tag):
            start = self.open_quotes[tag].pop()
            if at > start:
                self.quotes.append((start, at))


def html_text(source: str) -> Prose:
    from html import unescape

    out: list[str] = []
    segments: list[tuple[int, int, bool, int]] = []
    state = _HtmlState()
    n = 0  # prose length so far

    def emit(piece: str, src: int, linear: bool, src_end: int) -> None:
        nonlocal n
        if not piece:
            return
        segments.append((n, src, linear, src_end))
        out.append(piece)
        n += len(piece)

    def emit_data(a: int, b: int) -> None:
        if "&" not in source[a:b]:
            emit(source[a:b], a, True, b)
            return
        pos = a
        for m in ENTITY_RE.finditer(source, a, b):
            raw = m.group()
            decoded = unescape(raw)
            if decoded == raw:
                continue
            if m.start() > pos:
                emit(source[pos : m.start()], pos, True, m.start())
            emit(decoded, m.start(), False, m.end())
            pos = m.end()
        if pos < b:
            emit(source[pos:b], pos, True, b)

    def on_event(kind: str, a: int, b: int, tag: str) -> None:
        if kind == "data":
            if not state.skipping:
                emit_data(a, b)
        elif kind == "start" or kind == "startend":
            if tag in BLOCK_TAGS:
                block_break(a, b)
            elif tag in SEPARATOR_TAGS:
                emit(" ", a, False, b)
            if kind == "start":
                state.start(tag, n)  # spans start after the break the opening tag adds
        elif kind == "end":
            state.end(tag, n)  # spans end before the break the closing tag adds
            if tag in BLOCK_TAGS:
                block_break(a, b)

    def block_break(a: int, b: int) -> None:
        if not out or out[-1] != "\n\n":  # a run of block tags makes one break
            emit("\n\n", a, False, b)

    _walk_html(source, on_event)
    text = _lone_cr_to_lf("".join(out))
    text = _remove(text, common_removals(text))
    return Prose(text, segments=segments, headlines=sorted(state.headlines), quotes=sorted(state.quotes))


# --- Markdown --------------------------------------------------------------------------

_md_parser = None


def _markdown_parser():
    """markdown-it-py's CommonMark block parser: imported on the first Markdown file only.
    Its inline pass is switched off (inline markup is handled below, keeping offsets)."""
    global _md_parser
    if _md_parser is None:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark")
        md.core.ruler.disable(["inline", "text_join"], ignoreInvalid=True)  # text_join: 3.0 and later
        md.core.ruler.at("normalize", _normalize)
        md.block.ruler.before("table", "lintnews_drain", _drain_tokens)
        _lean_block_state(md)
        _md_parser = md
    return _md_parser


def _normalize(state) -> None:
    """markdown-it's first step, line endings to LF and NUL to U+FFFD, with ``str.replace``:
    its ``re.sub`` of every line ending held a string and a list slot per line at once
    (3 MB for 60,000 short lines)."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


def _lean_block_state(md) -> None:
    """Have ``md``'s block parser keep its five tables of each line (start, end, indent)
    as arrays of machine integers, the same numbers in the same places: markdown-it's
    lists of int objects cost some 100 bytes a line, 6 MB for a file of 60,000 short
    lines. ``tests/test_markdown_memory.py`` checks the tables against markdown-it's."""
    from markdown_it.rules_block.state_block import StateBlock

    class LeanStateBlock(StateBlock):
        def __init__(self, src, md, env, tokens):
            super().__init__("", md, env, tokens)  # every other field, as this version sets it
            self.src = src
            self.bMarks, self.eMarks, self.tShift, self.sCount, self.bsCount = block_line_tables(src)
            self.lineMax = len(self.bMarks) - 1  # the last entry stands past the end

    block = md.block

    def parse(src, md, env, out_tokens, *_rest):
        """``ParserBlock.parse``, with the lean state."""
        if not src:
            return None
        state = LeanStateBlock(src, md, env, out_tokens)
        block.tokenize(state, state.line, state.lineMax)
        return state.tokens

    block.parse = parse


def block_line_tables(src: str) -> tuple[array, array, array, array, array]:
    """markdown-it's ``StateBlock`` line tables of ``src``: each line's start, end (its
    line feed), leading blanks (characters) and indent (tabs to the next multiple of 4),
    and a zero; then one entry for the end of the text. A last line of blanks alone, with
    no line feed, has none."""
    code = offset_code(len(src))
    starts, ends, shifts, indents = array(code), array(code), array(code), array(code)
    start = 0
    length = len(src)
    find = src.find
    while start < length:
        end = find("\n", start)
        if end < 0:
            end = length
        indent = offset = 0
        pos = start
        while pos < end:
            c = src[pos]
            if c == " ":
                offset += 1
            elif c == "\t":
                offset += 4 - offset % 4
            else:
                break
            indent += 1
            pos += 1
        if pos == end == length:
            break
        starts.append(start)
        ends.append(end)
        shifts.append(indent)
        indents.append(offset)
        start = end + 1 if end < length else length
    starts.append(length)
    ends.append(length)
    shifts.append(0)
    indents.append(0)
    return starts, ends, shifts, indents, array(code, bytes(len(starts) * starts.itemsize))


FRONT_MATTER_OPEN_RE = rx.compile(r"\ufeff?(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)")
FRONT_MATTER_CLOSE_RE = {
    delim: rx.compile(rf"(?<=[\r\n]){re.escape(delim)}[ \t]*(?=\r\n|\r|\n|\Z)") for delim in ("---", "+++")
}


def _front_matter_end(source: str) -> int:
    """Offset just after the closing line of YAML (---) or TOML (+++) front matter, or 0."""
    m = FRONT_MATTER_OPEN_RE.match(source)
    if not m:
        return 0
    close = FRONT_MATTER_CLOSE_RE[m.group(1)].search(source, m.end() - 1)
    return close.end() if close else 0


def _content_lines(content: str, first_line: int, body: str, starts: list[int]) -> list[tuple[int, int]]:
    """Source spans [start, end) of each line of a block's ``content`` (as markdown-it gives
    it: container markers and indentation taken off), beginning at line ``first_line`` of
    ``body``. Each content line, stripped, is the end of its source line."""
    spans = []
    lines = content.split("\n")
    nlines = len(starts)
    for k, line in enumerate(lines):
        li = first_line + k
        if li >= nlines:
            break
        ls = starts[li]
        le = starts[li + 1] if li + 1 < nlines else len(body)
        while le > ls and body[le - 1] in "\r\n":
            le -= 1
        c = line.strip()
        if not c:
            continue
        src_line = body[ls:le].rstrip()
        if src_line.endswith(c):
            start = ls + len(src_line) - len(c)
        else:  # a heading's closing #s, or a character the parser normalised
            found = src_line.find(c)
            start = ls + found if found != -1 else ls + len(src_line) - len(src_line.lstrip())
            if found != -1:
                spans.append((start, start + len(c)))
                continue
        spans.append((start, ls + len(src_line)))
    return spans


_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Every character an inline construct (or a table's pipe) starts with or needs: a
# paragraph with none of them is prose from end to end (40 µs a paragraph saved, 0.15 s
# on 1 MB of copy).
_INLINE_MARK_RE = rx.compile(r"[\\`<\[\]*_~|]")
_P1_RE = rx.compile(r"\\|`+|<")
_P2_RE = rx.compile(r"!\[|\[|\]|\*+|_+|~+")
_BACKTICKS_RE = rx.compile(r"`+")
_AUTOLINK_RE = rx.compile(r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,250}))>")
_HTML_TAG_RE = rx.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
)
_DECL_START_RE = rx.compile(r"<![A-Za-z]")
# A link's tail: (destination "title"). Each part stops at its own delimiter, so a failed
# attempt reads no further than the next parenthesis, quote or space.
_LINK_TAIL_RE = rx.compile(
    r"\(\s*(?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_REF_TAIL_RE = rx.compile(r"\[([^\[\]]{0,999})\]")
_TABLE_ROW_RE = rx.compile(r"[ \t]*\|.*\|[ \t]*")
_TABLE_DELIM_RE = rx.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?")


class _Finder:
    """``text.find(needle, start)`` for starts that only grow: each part of the text is
    searched once, however many times it is asked."""

    __slots__ = ("text", "needle", "at")

    def __init__(self, text: str, needle: str):
        self.text, self.needle, self.at = text, needle, -2

    def find(self, start: int) -> int:
        if self.at == -1 or self.at >= start:
            return self.at
        self.at = self.text.find(self.needle, start)
        return self.at


def _normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _inline_mask(c: str, refs) -> bytearray:
    """What to remove from one paragraph's text ``c`` (lines joined by "\\n"): a byte per
    character, KEEP, JOIN or BLANK (and 3: an escaped character, kept).

    CommonMark's inline constructs, read left to right once: backslash escapes, code spans,
    autolinks, raw HTML and comments, links, images, footnote references, emphasis. One
    departure: a run of backticks between two letters ("didn`t") is an apostrophe typed as
    a backtick, not the start of a code span."""
    n = len(c)
    mask = bytearray(n)
    if not _INLINE_MARK_RE.search(c):  # most paragraphs of news copy: nothing to remove
        return mask
    # Code spans close with a run of the same length: their starts, by length.
    runs: dict[int, list[int]] = {}
    for m in _BACKTICKS_RE.finditer(c):
        runs.setdefault(m.end() - m.start(), []).append(m.start())
    comment_close = _Finder(c, "-->")
    gt = _Finder(c, ">")
    pi_close = _Finder(c, "?>")
    cdata_close = _Finder(c, "]]>")
    pos = 0
    for m in _P1_RE.finditer(c):
        i = max(m.start(), pos)
        if i >= m.end():
            continue
        ch = c[i]
        if ch == "\\":
            if i + 1 < n and c[i + 1] in _ASCII_PUNCT:
                mask[i] = JOIN
                mask[i + 1] = 3
                pos = i + 2
            elif i + 1 < n and c[i + 1] == "\n":
                mask[i] = BLANK  # a hard line break
            continue
        if ch == "`":
            length = m.end() - i
            if 0 < i and m.end() < n and c[i - 1].isalnum() and c[m.end()].isalnum():
                pos = m.end()
                continue  # didn`t
            closers = runs.get(length, ())
            k = bisect_left(closers, m.end())
            if k < len(closers):
                end = closers[k] + length
                mask[i:end] = b"\x01" * (end - i)
                pos = end
            else:
                pos = m.end()
            continue
        # "<": a comment, an autolink, a tag, a processing instruction, a declaration
        end = -1
        mode = JOIN
        if c.startswith("<!--", i):
            close = comment_close.find(i + 4)
            if close != -1:
                end = close + 3
        elif c.startswith("<?", i):
            close = pi_close.find(i + 2)
            if close != -1:
                end = close + 2
        elif c.startswith("<![CDATA[", i):
            close = cdata_close.find(i + 9)
            if close != -1:
                end = close + 3
        elif _DECL_START_RE.match(c, i):
            close = gt.find(i)
            if close != -1:
                end = close + 1
        else:
            a = _AUTOLINK_RE.match(c, i)
            if a:
                end, mode = a.end(), BLANK
            else:
                t = _HTML_TAG_RE.match(c, i)
                if t:
                    end = t.end()
                    tag = t.group(2).lower()
                    if tag in BLOCK_TAGS or tag in SEPARATOR_TAGS:
                        mode = BLANK
        if end != -1:
            mask[i:end] = bytes((mode,)) * (end - i)
            pos = end
    # Links, images, footnotes and emphasis, outside what was removed above. Open
    # brackets are kept to the last thousand: "[" repeated 80,000 times holds no link.
    from collections import deque

    stack: deque[tuple[int, bool]] = deque(maxlen=1000)
    for m in _P2_RE.finditer(c):
        i = m.start()
        if mask[i]:
            continue
        tok = m.group()
        ch = tok[0]
        if tok == "![":
            if not mask[i + 1]:
                stack.append((i, True))
            continue
        if ch == "[":
            stack.append((i, False))
            continue
        if ch == "]":
            if not stack:
                continue
            o, image = stack.pop()
            text_start = o + (2 if image else 1)
            label = c[text_start:i]
            if not image and label.startswith("^") and 1 < len(label) <= 100 and not any(x.isspace() for x in label):
                end = i + 1  # a footnote reference; at a paragraph's start with ":", its definition
                if o == 0 and c.startswith(":", end):
                    end += 1
                mask[o:end] = b"\x02" * (end - o)
                continue
            end = -1
            if c.startswith("(", i + 1):
                t = _LINK_TAIL_RE.match(c, i + 1)
                if t:
                    end = t.end()
            elif c.startswith("[", i + 1):
                t = _REF_TAIL_RE.match(c, i + 1)
                if t and (t.group(1).strip() or (refs and _normalize_label(label) in refs)):
                    end = t.end()
            elif refs and len(label) < 1000 and _normalize_label(label) in refs:
                end = i + 1
            if end == -1:
                continue
            if image:
                mask[o:end] = b"\x02" * (end - o)
            else:
                mask[o:text_start] = b"\x01" * (text_start - o)
                mask[i:end] = b"\x01" * (end - i)
                stack.clear()  # no links inside a link
            continue
        # A run of * _ ~: emphasis when it flanks a word (and is not inside one).
        s, e = m.span()
        before = c[s - 1] if s > 0 else " "
        after = c[e] if e < n else " "
        if before.isalnum() and after.isalnum():
            continue
        if ch == "~" and e - s != 2:
            continue
        left = not after.isspace() and (after.isalnum() or before.isspace() or not before.isalnum())
        right = not before.isspace() and (before.isalnum() or after.isspace() or not after.isalnum())
        if left or right:
            for j in range(s, e):
                if not mask[j]:
                    mask[j] = JOIN
    # Pipe tables: the delimiter row and the pipes are not prose.
    if "|" in c:
        start = 0
        for line in c.split("\n"):
            end = start + len(line)
            if "|" in line:
                if _TABLE_DELIM_RE.fullmatch(line):
                    mask[start:end] = b"\x02" * (end - start)
                elif _TABLE_ROW_RE.fullmatch(line):
                    for j in range(start, end):
                        if c[j] == "|" and not mask[j]:
                            mask[j] = BLANK
            start = end + 1
    return mask


_MASK_RUN_RE = rx.compile(rb"\x00+|\x01+|\x02+|\x03+")


def _pieces_from_mask(mask: bytearray, cstarts: list[int], spans: list[tuple[int, int]], pieces: array) -> None:
    """Append the source pieces of a block whose lines (source ``spans``) were joined with
    "\\n" into one text starting at ``cstarts``, given the text's mask (to the flat
    ``pieces`` of ``_assemble``)."""
    for (ls, le), cs in zip(spans, cstarts):
        for m in _MASK_RUN_RE.finditer(mask, cs, cs + (le - ls)):
            mode = mask[m.start()]
            pieces.extend((ls + m.start() - cs, ls + m.end() - cs, KEEP if mode == 3 else mode))


def _joined(body: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    parts = [body[a:b] for a, b in spans]
    cstarts = []
    pos = 0
    for p in parts:
        cstarts.append(pos)
        pos += len(p) + 1
    return "\n".join(parts), cstarts


def _html_block_mask(c: str, quotes: list, headlines: list) -> bytearray:
    """A raw HTML block inside Markdown: its text is prose, its tags, comments and the
    content of script, style, code and the like are not. Entities stay as they are
    (Markdown keeps the source's length)."""
    mask = bytearray(b"\x02" * len(c))
    state = _HtmlState()

    def on_event(kind: str, a: int, b: int, tag: str) -> None:
        if kind == "data":
            if not state.skipping:
                mask[a:b] = bytes(b - a)
        elif kind == "start" or kind == "startend":
            if tag not in BLOCK_TAGS and tag not in SEPARATOR_TAGS:
                mask[a:b] = b"\x01" * (b - a)
            if kind == "start":
                state.start(tag, b)
        elif kind == "end":
            state.end(tag, a)
            if tag not in BLOCK_TAGS and tag not in SEPARATOR_TAGS:
                mask[a:b] = b"\x01" * (b - a)
        else:
            mask[a:b] = b"\x01" * (b - a)

    _walk_html(c, on_event)
    quotes.extend(state.quotes)
    headlines.extend(state.headlines)
    return mask


def _to_source(spans_c: list[tuple[int, int]], cstarts: list[int], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in spans_c:
        ka = bisect_right(cstarts, a) - 1
        kb = bisect_right(cstarts, max(a, b - 1)) - 1
        out.append((spans[ka][0] + a - cstarts[ka], spans[kb][0] + max(a, b - 1) - cstarts[kb] + 1))
    return out


# Markdown blocks as ``markdown`` records them while markdown-it parses: a flat array of
# kind, flags, line count, then the source span of each line.
_INLINE, _HTML_BLOCK = 0, 1
_IN_HEADING, _IN_QUOTE = 1, 2
# The key in markdown-it's ``env`` of the function that takes finished top-level tokens.
_TOKEN_SINK = "lintnews_token_sink"


def _drain_tokens(state, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule that matches nothing: tried first at the start of each block, at the
    top level (no container open) it hands the tokens of the blocks finished so far to
    ``env[_TOKEN_SINK]`` and drops them. markdown-it's tokens are some 1 KB a block and the
    parser keeps them all to the end: 30,000 code fences held 25 MB."""
    if state.level == 0 and state.tokens and not silent:
        take = state.env.get(_TOKEN_SINK)
        if take is not None:
            take(state.tokens)
            del state.tokens[:]
    return False


def markdown(source: str) -> Prose:
    fm_end = _front_matter_end(source)
    body = source[fm_end:]
    # markdown-it sees what follows the front matter, NUL characters as it would
    # normalise them (same length), so that its lines are the source's lines.
    work = body.replace("\0", "\ufffd") if "\0" in body else body
    starts = line_starts(body)
    # Each block's lines as source spans, taken from the tokens as they are made; the
    # blocks are read once the parse is over (a reference defined at the end of a file
    # makes a link of "[text]" before it).
    code = offset_code(len(source))  # offsets, counts and flags: 4 bytes each
    blocks = array(code)
    where = [0, False]  # blockquotes open, in a heading

    def take(tokens) -> None:
        quote_depth, in_heading = where
        for tok in tokens:
            t = tok.type
            if t == "blockquote_open":
                quote_depth += 1
            elif t == "blockquote_close":
                quote_depth -= 1
            elif t == "heading_open":
                in_heading = True
            elif t == "heading_close":
                in_heading = False
            elif (t == "inline" or t == "html_block") and tok.map:
                spans = _content_lines(tok.content, tok.map[0], work, starts)
                if not spans:
                    continue
                if t == "inline":
                    flags = (_IN_HEADING if in_heading else 0) | (_IN_QUOTE if quote_depth > 0 else 0)
                    blocks.extend((_INLINE, flags, len(spans)))
                else:
                    blocks.extend((_HTML_BLOCK, _IN_QUOTE if quote_depth > 0 else 0, len(spans)))
                for span in spans:
                    blocks.extend(span)
        where[:] = quote_depth, in_heading

    env: dict = {_TOKEN_SINK: take}
    take(_markdown_parser().parse(work, env))  # what the last block left
    refs = env.get("references") or {}
    if refs:
        refs = {_normalize_label(k) for k in refs}
    pieces = array(code)
    headlines: list[tuple[int, int]] = []
    quotes: list[tuple[int, int]] = []
    i = 0
    while i < len(blocks):
        kind, flags, n = blocks[i], blocks[i + 1], blocks[i + 2]
        spans = [(blocks[j], blocks[j + 1]) for j in range(i + 3, i + 3 + 2 * n, 2)]
        i += 3 + 2 * n
        c, cstarts = _joined(body, spans)
        if kind == _INLINE:
            mask = _inline_mask(c, refs)
            before = len(pieces)
            _pieces_from_mask(mask, cstarts, spans, pieces)
            first = last = -1
            for k in range(before, len(pieces), 3):
                if pieces[k + 2] == KEEP:
                    if first < 0:
                        first = pieces[k]
                    last = pieces[k + 1]
            if first >= 0:
                span = (first, last)
                if flags & _IN_HEADING:
                    headlines.append(span)
                if flags & _IN_QUOTE:
                    quotes.append(span)
        else:
            q_c: list[tuple[int, int]] = []
            h_c: list[tuple[int, int]] = []
            mask = _html_block_mask(c, q_c, h_c)
            _pieces_from_mask(mask, cstarts, spans, pieces)
            block_quotes = _to_source(q_c, cstarts, spans)
            if flags & _IN_QUOTE:
                block_quotes.append((spans[0][0], spans[-1][1]))
            quotes.extend(block_quotes)
            headlines.extend(_to_source(h_c, cstarts, spans))
    blocks = None  # read: let go before the prose is built
    text = _assemble(body, pieces)
    del pieces
    text = _remove(text, common_removals(text))
    # Front matter is cut rather than blanked, with one segment to map the rest: 11 MB of
    # front matter would otherwise be 11 MB of spaces for every rule to read through.
    segments = [(0, fm_end, True, fm_end)] if fm_end else []
    return Prose(_lone_cr_to_lf(text), segments=segments, headlines=sorted(headlines), quotes=sorted(quotes))


def extract(source: str, fmt: str) -> Prose:
    if fmt == "markdown":
        return markdown(source)
    if fmt == "html":
        return html_text(source)
    return plain_text(source)
