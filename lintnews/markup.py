"""Turn a source file (plain text, Markdown, HTML) into prose text that rules read.

Every character of the prose text maps back to a character of the source, so findings
point at the right line and column of the file the user opened.

Plain text and Markdown keep the prose the same length as the source: what is not prose
(front matter, code, URLs, markup, comments) is blanked to spaces, newlines kept. That
makes the mapping the identity, which is both the fastest and the hardest to get wrong.
HTML cannot stay the same length (``&amp;`` is one character of prose), so it carries a
short table of segments instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text")
LINTABLE_SUFFIXES = MARKDOWN_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES


def format_for(path: str) -> str:
    lower = path.lower()
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    return "text"


@dataclass
class Prose:
    text: str
    # Segments (prose_start, source_start, linear). A linear segment maps prose i to
    # source_start + (i - prose_start); a non-linear one (an inserted paragraph break, a
    # decoded entity) maps every character to source_start. Empty list: the identity.
    segments: list[tuple[int, int, bool]] = field(default_factory=list)
    headlines: list[tuple[int, int]] = field(default_factory=list)  # spans from markup (#, <h1>)
    quotes: list[tuple[int, int]] = field(default_factory=list)  # spans from markup (<blockquote>, <q>)
    hard_breaks: bool = False  # True: every source line ends a paragraph (plain text)

    def source_offset(self, i: int) -> int:
        if not self.segments:
            return i
        k = bisect_right(self._starts, i) - 1
        if k < 0:
            return 0
        p, s, linear = self.segments[k]
        return s + (i - p) if linear else s

    @property
    def _starts(self) -> list[int]:
        starts = self.__dict__.get("_starts_cache")
        if starts is None:
            starts = [seg[0] for seg in self.segments]
            self.__dict__["_starts_cache"] = starts
        return starts


def _blank(chars: list[str], start: int, end: int) -> None:
    """Blank chars[start:end] to spaces, keeping line breaks so lines stay lines."""
    for i in range(start, end):
        if chars[i] not in "\n\r":
            chars[i] = " "


class _Lazy:
    """A pattern compiled on first use: a plain-text run never pays for the Markdown and
    HTML patterns (2 ms of a 100 ms one-article run)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args):
        self._args = args
        self._compiled = None

    def __getattr__(self, name):
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


URL_RE = re.compile(r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"'\]\[)(]+""", re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
DIRECTIVE_RE = re.compile(r"<!--\s*lintnews-[\w-]+.*?-->", re.DOTALL)


# Each pattern with a substring every match holds (looked for in lower case): a feed with
# none skips the scan (the e-mail pattern alone cost 20 ms a megabyte).
COMMON_BLANKS = ((URL_RE, ("://", "www.")), (EMAIL_RE, ("@",)), (DIRECTIVE_RE, ("lintnews-",)))


def _common_blanks(text: str) -> list[re.Pattern]:
    lowered = text.lower()
    return [rx for rx, needles in COMMON_BLANKS if any(n in lowered for n in needles)]


def _blank_common(text: str, chars: list[str]) -> None:
    for rx in _common_blanks(text):
        for m in rx.finditer(text):
            _blank(chars, m.start(), m.end())


def plain_text(source: str) -> Prose:
    if not _common_blanks(source):
        return Prose(source, hard_breaks=True)
    chars = list(source)
    _blank_common(source, chars)
    return Prose("".join(chars), hard_breaks=True)


# --- Markdown -------------------------------------------------------------------

FRONT_MATTER_RE = _Lazy(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)
FENCE_RE = _Lazy(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
HTML_COMMENT_RE = _Lazy(r"<!--.*?(?:-->|\Z)", re.DOTALL)
INLINE_CODE_RE = _Lazy(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
IMAGE_RE = _Lazy(r"!\[[^\]\n]*\]\([^)\n]*\)")
LINK_RE = _Lazy(r"(\[)([^\]\n]*)(\]\([^)\n]*\)|\]\[[^\]\n]*\])")
REF_DEF_RE = _Lazy(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE)
TAG_RE = _Lazy(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
HEADING_RE = _Lazy(r"^([ \t]{0,3}#{1,6})([ \t]+)(.*?)([ \t]+#+)?[ \t]*$", re.MULTILINE)
SETEXT_RE = _Lazy(r"^([^\n]+)\n[ \t]{0,3}(=+|-+)[ \t]*$", re.MULTILINE)
BLOCK_MARKER_RE = _Lazy(r"^[ \t]*(?:>[ \t]?)*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?", re.MULTILINE)
EMPHASIS_RE = _Lazy(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
TABLE_PIPE_RE = _Lazy(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
HR_RE = _Lazy(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def markdown(source: str) -> Prose:
    # Carriage returns become spaces (same length, so offsets hold) so that the block
    # patterns, which end in `[ \t]*$`, also match lines of a CRLF file.
    text = source.replace("\r", " ") if "\r" in source else source
    chars = list(text)
    headlines: list[tuple[int, int]] = []

    def blank_all(rx: re.Pattern) -> None:
        for m in rx.finditer(text):
            _blank(chars, m.start(), m.end())

    m = FRONT_MATTER_RE.match(text)
    if m:
        _blank(chars, m.start(), m.end())
    # Code and comments first: nothing inside them is prose, markup included.
    # (Each pattern runs only when the text has the character it needs: most news copy has
    # no backticks, asterisks or pipes, and on 1 MB each pass costs tens of milliseconds.)
    for m in FENCE_RE.finditer(text) if ("```" in text or "~~~" in text) else ():
        if m.start() >= (FRONT_MATTER_RE.match(text).end() if FRONT_MATTER_RE.match(text) else 0):
            _blank(chars, m.start(), m.end())
    text = "".join(chars)
    if "<!--" in text:
        blank_all(HTML_COMMENT_RE)
    if "`" in text:
        blank_all(INLINE_CODE_RE)
    text = "".join(chars)
    if "![" in text:
        blank_all(IMAGE_RE)
    if "]:" in text:
        blank_all(REF_DEF_RE)
    blank_all(HR_RE)
    text = "".join(chars)
    for m in LINK_RE.finditer(text):
        _blank(chars, m.start(1), m.end(1))
        _blank(chars, m.start(3), m.end(3))
    _blank_common(text, chars)
    blank_all(TAG_RE)
    text = "".join(chars)
    for m in HEADING_RE.finditer(text) if "#" in text else ():
        _blank(chars, m.start(1), m.end(1))
        if m.group(4):
            _blank(chars, m.start(4), m.end(4))
        if m.group(3).strip():
            headlines.append((m.start(3), m.end(3)))
    for m in SETEXT_RE.finditer(text):
        if m.group(1).strip() and not m.group(1).lstrip().startswith(("#", ">", "-", "*", "|")):
            _blank(chars, m.start(2), m.end(2))
            headlines.append((m.start(1), m.end(1)))
    for m in TABLE_PIPE_RE.finditer(text) if "|" in text else ():
        for i in range(m.start(), m.end()):
            if chars[i] == "|":
                chars[i] = " "
    text = "".join(chars)
    blank_all(BLOCK_MARKER_RE)
    text = "".join(chars)
    for m in EMPHASIS_RE.finditer(text) if ("*" in text or "_" in text) else ():
        _blank(chars, m.start(), m.end())
    headlines.sort()
    return Prose("".join(chars), headlines=headlines)


# --- HTML ----------------------------------------------------------------------

HTML_TOKEN_RE = _Lazy(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|noscript|template|svg|head)\b.*?(?:</\1\s*>|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<[!?][^>]*>?"
    r"|<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
    re.DOTALL | re.IGNORECASE,
)
BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote tr td th table section article header "
    "footer aside nav figure figcaption main pre hr dd dt dl title body html form".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6 title".split())
QUOTE_TAGS = frozenset(("blockquote", "q"))


def html_text(source: str) -> Prose:
    from html import unescape

    out: list[str] = []
    segments: list[tuple[int, int, bool]] = []
    headlines: list[tuple[int, int]] = []
    quotes: list[tuple[int, int]] = []
    open_heading: int | None = None
    open_quotes: dict[str, list[int]] = {}
    n = 0  # prose length so far
    pos = 0

    def emit(piece: str, src: int, linear: bool) -> None:
        nonlocal n
        if not piece:
            return
        segments.append((n, src, linear))
        out.append(piece)
        n += len(piece)

    for m in HTML_TOKEN_RE.finditer(source):
        if m.start() > pos:
            emit(source[pos : m.start()], pos, True)
        pos = m.end()
        tok = m.group(0)
        if tok.startswith("&"):
            decoded = unescape(tok)
            emit(decoded if decoded != tok else tok, m.start(), decoded == tok)
            continue
        name = (m.group(3) or "").lower()
        closing = m.group(2) == "/"
        if closing:  # spans end before the break the closing tag adds
            if name in HEADING_TAGS and open_heading is not None:
                headlines.append((open_heading, n))
                open_heading = None
            if name in QUOTE_TAGS and open_quotes.get(name):
                quotes.append((open_quotes[name].pop(), n))
        if name in BLOCK_TAGS:
            emit("\n\n", m.start(), False)
        elif name:
            emit(" ", m.start(), False)  # inline tags separate words only if spaced; a space is safe
        if not closing:  # spans start after the break the opening tag adds
            if name in HEADING_TAGS:
                open_heading = n
            if name in QUOTE_TAGS:
                open_quotes.setdefault(name, []).append(n)
    if pos < len(source):
        emit(source[pos:], pos, True)
    text = "".join(out)
    chars = list(text)
    _blank_common(text, chars)
    return Prose("".join(chars), segments=segments, headlines=sorted(headlines), quotes=sorted(quotes))


def extract(source: str, fmt: str) -> Prose:
    if fmt == "markdown":
        return markdown(source)
    if fmt == "html":
        return html_text(source)
    return plain_text(source)
