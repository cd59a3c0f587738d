"""The Document every rule sees: prose text plus its structure.

Structure is computed once per file and shared by all rules: paragraphs, sentences,
headlines, direct quotations, word tokens. Offsets are into ``Document.text`` (the prose
view of the file); ``Document.position`` maps an offset to the 1-based line and column of
the source file.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from functools import cached_property
from itertools import accumulate, compress, repeat
from operator import add, ne

from . import rx
from . import markup

Span = tuple[int, int]


class Spans:
    """A list of (start, end) spans held as two arrays of machine integers: 8 bytes a
    span (16 for a text over 2 GB), where a list of tuples costs some 130 (a file of 15,000 one-line paragraphs held
    4 MB of paragraphs and sentences). Reads like the list of tuples it stands for:
    indexing gives a tuple, iterating gives tuples, a slice is a Spans."""

    __slots__ = ("starts", "ends")

    def __init__(self, starts: array | None = None, ends: array | None = None):
        self.starts = starts if starts is not None else array("q")
        self.ends = ends if ends is not None else array("q")

    def add(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.ends.append(end)

    def append(self, span: Span) -> None:
        self.add(span[0], span[1])

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Spans(self.starts[i], self.ends[i])
        return self.starts[i], self.ends[i]

    def __iter__(self):
        return zip(self.starts, self.ends)

    def __eq__(self, other) -> bool:
        if isinstance(other, (Spans, list, tuple)):
            return len(self) == len(other) and all(a == tuple(b) for a, b in zip(self, other))
        return NotImplemented

    def __add__(self, other) -> list[Span]:
        return list(self) + list(other)

    def __radd__(self, other) -> list[Span]:
        return list(other) + list(self)

    def __repr__(self) -> str:
        return f"Spans({list(self)!r})"

# --- page debris --------------------------------------------------------------

# Lines that are not the article: scraped "See also" links, share buttons, category
# labels, all-capitals promo headlines. Configurable: `skip:` in config adds patterns.
# Each is matched against one whole line, leading and trailing blanks aside; none may
# reach past its line.
DEFAULT_SKIP_PATTERNS = (
    r"See also\b.*",
    r"(?:Related|Read more|READ MORE|More from|Most read|Recommended|Watch|WATCH)\b[ \t]*:.*",
    r"Share this (?:article|story|page)\b.*",
    r"(?:Share|Post|Send) (?:on|to|via|by) (?:Facebook|Twitter|X|LinkedIn|WhatsApp|Reddit|Email|Telegram|Pinterest)\b.*",
    r"Tweet (?:about )?this\b.*",
    r"(?:Facebook|Twitter|X|LinkedIn|WhatsApp|Reddit|Email|E-mail|Print|Pinterest|Telegram|Copy link|Share)[ \t]*",
    r"(?:Uncategori[sz]ed|Advertisement|ADVERTISEMENT|Sponsored|Skip to (?:main )?content|Sign up\b.*|Subscribe\b.*)",
    r"(?:Image|Photo|Picture) (?:copyright|caption|source)\b.*",
    # A lone category label of one or two capitalised words on the first line of the page.
    r"(?<![\s\S])[A-Z][\w&'-]*(?: [A-Z][\w&'-]*)?",
    # An all-capitals line of four or more words mid-page is a promo headline link. The
    # look-ahead reads to the end of this line only.
    r"(?=[^a-z\n]*$)(?:[^\sa-z]+[ \t]+){3,}[^\sa-z]+[ \t]*",
)
# The time limit asked of the regex module for a config's skip patterns, per megabyte of
# text and never less. Its clock overshoots about threefold (asked for 1 s, a catastrophic
# pattern stops after 3.4 s), so this asks for 0.3 s to give up after about one.
SKIP_SECONDS_PER_MB = 0.3


def _skip_body(patterns) -> str:
    # `(?![ \t])`: the leading blanks are matched one way only. Without it, a line of
    # 80,000 spaces (markup blanked) was tried from each of its spaces in turn.
    body = "|".join(f"(?:{p})" for p in patterns)
    return rf"^[ \t]*(?![ \t])(?:{body})[ \t]*\r?$"


def compile_skip(patterns) -> re.Pattern:
    return re.compile(_skip_body(patterns), re.MULTILINE)


DEFAULT_SKIP_RE = rx.compile(_skip_body(DEFAULT_SKIP_PATTERNS), re.MULTILINE)


class SkipPatterns:
    """Page-debris patterns of a run: the shipped ones, written to run in linear time,
    and the config's own, which run under the ``regex`` module's time limit (a
    catastrophic one gives up on that file, says so, and the shipped ones still apply)."""

    def __init__(self, patterns):
        patterns = tuple(patterns)
        shipped = tuple(p for p in patterns if p in DEFAULT_SKIP_PATTERNS)
        self.extra = tuple(p for p in patterns if p not in DEFAULT_SKIP_PATTERNS)
        self.safe = DEFAULT_SKIP_RE if shipped == DEFAULT_SKIP_PATTERNS else (compile_skip(shipped) if shipped else None)
        self.extra_re = None
        if self.extra:
            import regex

            try:
                self.extra_re = regex.compile(_skip_body(self.extra), regex.MULTILINE | regex.VERSION0)
                self.timed = True
            except regex.error:  # valid for `re` (config checks that) but not for `regex`
                self.extra_re = compile_skip(self.extra)
                self.timed = False

    def spans(self, text: str) -> tuple[list[Span], str | None]:
        """Debris spans in ``text``, sorted, and an error message if the config's patterns
        ran out of time."""
        spans: list[Span] = []
        if self.safe is not None:
            spans.extend(m.span() for m in self.safe.finditer(text) if m.end() > m.start())
        error = None
        if self.extra_re is not None:
            limit = SKIP_SECONDS_PER_MB * max(1.0, len(text) / 1_000_000)
            found: list[Span] = []
            try:
                found_iter = self.extra_re.finditer(text, timeout=limit) if self.timed else self.extra_re.finditer(text)
                for m in found_iter:
                    if m.end() > m.start():
                        found.append(m.span())
            except TimeoutError:
                error = (
                    f"the config's skip patterns gave up after {limit:g} s on this file (one of them "
                    f"backtracks catastrophically: {', '.join(repr(p) for p in self.extra)}); "
                    "only the shipped page-debris patterns were applied to it"
                )
            else:
                spans = sorted(set(spans) | set(found))
        return spans, error


DEFAULT_SKIP = SkipPatterns(DEFAULT_SKIP_PATTERNS)

# --- tokens, sentences, quotes ---------------------------------------------------

# A word: letters and digits, joined by apostrophes or by markup removed from inside the
# word (markup.JOINERS: "**un**fair" is one word, as the reader sees it).
TOKEN_RE = rx.compile(r"[^\W_]+(?:(?:\u2060*['’]\u2060*|\u2060+)[^\W_]+)*")
# The same, in a group: for a split. Possessive where Python has it (3.11; every "+" and
# "*" of the pattern is a quantifier): nothing follows a token and each piece stops where
# the next must start, so the tokens are the same, found a quarter faster.
_TOKEN_SPLIT_RE = rx.compile(
    "({})".format(TOKEN_RE.pattern.replace("+", "++").replace("*", "*+") if sys.version_info >= (3, 11) else TOKEN_RE.pattern)
)
TOKEN_PIECE = 1 << 12  # characters of text split into tokens at a time
# Where the text may be cut for the split: before a character no token holds.
_TOKEN_CUT_RE = rx.compile(r"[^\w\u2060'’]|_")
# The one character whose lower case (``str.lower``) is longer than it: İ, "i̇" (a test
# checks that there is no other).
LONGER_LOWER = "\u0130"


class TokenColumns:
    """A document's word tokens as columns: ``starts`` (offsets), ``ids`` (each token's
    number in ``words``), ``words`` (the distinct words, lower-cased with straight
    apostrophes, by number) and ``sizes`` (the length in the text of each number's
    tokens: a token ends at its start plus the size of its number). 6 bytes a token
    (2-byte numbers up to 65,536 distinct words, 4 beyond) and the vocabulary, where
    starts, ends and a list of words were 16 and the vocabulary.
    ``twins``: some word has two numbers, its tokens having two lengths in the text (a
    joiner of markup taken out of a word, an İ lower-cased to two characters)."""

    __slots__ = ("starts", "ids", "words", "sizes", "twins")

    def __init__(self, starts: array, ids: array, words: list[str], sizes: list[int], twins: bool):
        self.starts, self.ids, self.words, self.sizes, self.twins = starts, ids, words, sizes, twins


class TokenWords:
    """Each token's word, read through the vocabulary: a read-only sequence, for the
    few readers that want the words one by one (a slice is a list)."""

    __slots__ = ("ids", "words")

    def __init__(self, ids: array, words: list[str]):
        self.ids, self.words = ids, words

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return list(map(self.words.__getitem__, self.ids[k]))
        return self.words[self.ids[k]]

    def __iter__(self):
        return map(self.words.__getitem__, self.ids)


# A "sentence" longer than this is no sentence (a table, a data dump, a file with no full
# stops): rules that read a sentence per claim or per quotation skip it rather than spend
# seconds on it.
MAX_SENTENCE_CHARS = 5000
NON_SPACE_RE = rx.compile(r"\S")
PARA_BREAK_RE = rx.compile(r"\n[ \t\r\f\v]*\n\s*")

ABBREVIATIONS = frozenset(
    """mr mrs ms messrs dr prof sen sens rep reps gov govs gen lt col maj capt cpt sgt adm cmdr cdr
    brig pvt cpl st ste mt ft jr sr rev hon pres atty supt det insp gen lieut
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc corp co ltd llc plc bros no nos vs v ca approx est dept univ assn ave blvd rd
    fig figs vol ed eds al op cf""".split()
)
SENTENCE_END_RE = rx.compile(r"(?:[.!?]+|…)[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9À-ÖØ-Þ])")
OPEN_QUOTES = "“\""
TERMINAL = ".!?…:\"”’)"


class Document:
    """A file's prose and structure. Build with ``Document.from_source``."""

    def __init__(self, path: str, source: str | None, prose: markup.Prose, skip_re=None,
                 kept: list[tuple[int, str]] | None = None):
        """``skip_re``: a ``SkipPatterns`` (or one compiled pattern) for page debris;
        None: the shipped patterns. ``source`` None: the prose is the source character for
        character but for the spans ``kept`` holds as written, (offset, text), sorted (see
        ``from_input``)."""
        self.path = path
        self._source = source
        # Without the source: where the text differs from it, and the source's own there.
        self._kept_at = array("q", (a for a, _ in kept or ()))
        self._kept: list[str] = [k for _, k in kept or ()]
        self._prose = prose
        text = prose.text
        self.errors: list[str] = []  # problems reading this file that cost no finding
        self.skipped: list[Span] = []
        if skip_re is None:
            skip_re = DEFAULT_SKIP
        if skip_re is not False:
            if isinstance(skip_re, SkipPatterns):
                spans, error = skip_re.spans(text)
                if error:
                    self.errors.append(error)
            else:
                spans = [m.span() for m in skip_re.finditer(text) if m.end() > m.start()]
            pieces = []
            pos = 0
            for s, e in spans:
                if s < pos or not text[s:e].strip():
                    continue
                pieces.append(text[pos:s])
                pieces.append(markup.blank(text[s:e]))
                pos = e
                self.skipped.append((s, e))
            if pieces:
                pieces.append(text[pos:])
                text = "".join(pieces)
                del pieces
                # The rules read this text; the prose's own (debris still in it) is let go
                # unless its maker keeps it (a Word draft): not two copies of the file to
                # the end of the run.
                self._prose = markup.Prose("", prose.segments, prose.headlines, prose.quotes, prose.hard_breaks)
        if source is None and self.skipped:  # the debris as written joins what is kept
            spans = markup.merged_spans([(a, a + len(k)) for a, k in zip(self._kept_at, self._kept)] + self.skipped)
            kept = [(a, self._restore(prose.text, a, b)) for a, b in spans]
            self._kept_at = array("q", (a for a, _ in kept))
            self._kept = [k for _, k in kept]
        self.text = text

    @classmethod
    def from_source(cls, path: str, source: str, fmt: str | None = None, skip_re=None) -> "Document":
        fmt = fmt or markup.format_for(path)
        return cls(path, source, markup.extract(source, fmt), skip_re)

    @classmethod
    def from_input(cls, src, fmt: str | None = None, skip_re=None) -> "Document":
        """The document of a ``sources.Source``. A disposable one (a file of a check run,
        read for this alone) is let go of (``src.text`` emptied) as soon as its prose is
        made, when the prose is the file character for character but for a few spans
        (plain text: URLs, e-mail addresses; then the debris): those spans are kept as
        written and give the source back (``source_slice``). A file is then held once, not
        twice, and not three times while the debris is blanked (19 to 38 MiB of a 10 MB
        feed)."""
        text = src.text
        prose = markup.extract(text, fmt or markup.format_for(src.path))
        if not (src.disposable and prose.text is not text and prose.changed is not None and not prose.segments):
            return cls(src.path, text, prose, skip_re)
        kept = [(a, text[a:b]) for a, b in prose.changed]
        src.text = text = None
        return cls(src.path, None, prose, skip_re, kept)

    # --- positions -----------------------------------------------------------

    @property
    def source(self) -> str:
        """The file's text as written (rebuilt when the document holds only its prose: a
        copy, for the rare caller that wants all of it; ``source_slice`` is cheap)."""
        if self._source is not None:
            return self._source
        return self.source_slice(0, len(self.text))

    def source_slice(self, start: int, end: int) -> str:
        """``source[start:end]``."""
        if self._source is not None:
            return self._source[start:end]
        return self._restore(self.text, start, end)

    def _restore(self, text: str, start: int, end: int) -> str:
        """``text[start:end]`` with what is kept of the source put back."""
        piece = text[start:end]
        k = max(0, bisect_right(self._kept_at, start) - 1)
        while k < len(self._kept) and self._kept_at[k] < end:
            at, kept = self._kept_at[k], self._kept[k]
            a, b = max(at, start), min(at + len(kept), end)
            if a < b:
                piece = piece[: a - start] + kept[a - at : b - at] + piece[b - start :]
            k += 1
        return piece

    @cached_property
    def _line_starts(self) -> array:
        # (Blanked debris keeps its line breaks: the prose's lines are the source's.)
        return markup.line_starts(self._source if self._source is not None else self.text)

    def source_offset(self, i: int) -> int:
        return self._prose.source_offset(i)

    @property
    def segments(self) -> list[tuple[int, int, bool]]:
        """How ``text`` maps back to the source (see ``markup.Prose``), as (prose start,
        source start, linear); empty: the identity."""
        return [(seg[0], seg[1], seg[2]) for seg in self._prose.segments]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets [s, e) of the prose span [start, end)."""
        return self._prose.source_span(start, end)

    def source_position(self, s: int) -> tuple[int, int]:
        """1-based (line, column) of source offset ``s``."""
        line = bisect_right(self._line_starts, s)
        return line, s - self._line_starts[line - 1] + 1

    def position(self, i: int) -> tuple[int, int]:
        """1-based (line, column) in the source of prose offset ``i``."""
        return self.source_position(self.source_offset(i))

    def end_position(self, end: int) -> tuple[int, int]:
        """1-based (line, exclusive column) of a span ending at prose offset ``end``."""
        if end <= 0:
            return self.position(0)
        s, e = self.source_span(end - 1, end)
        line, col = self.source_position(max(s, e - 1))
        return line, col + 1

    def source_line(self, line: int) -> str:
        starts = self._line_starts
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text if self._source is None else self._source)
        return self.source_slice(start, end).rstrip("\r\n")

    def forget(self, *names: str) -> None:
        """Drop these cached structures (built again if asked for): what a kind of rule
        alone reads is let go once its rules are done (``engine.Releases``)."""
        for name in names:
            self.__dict__.pop(name, None)

    # --- structure -------------------------------------------------------------

    def _new_spans(self) -> Spans:
        """Empty ``Spans`` for offsets into this text: 4-byte integers (every file lintnews
        reads is far below 2 GB; 8 bytes for a longer text)."""
        code = markup.offset_code(len(self.text))
        return Spans(array(code), array(code))

    def prepare_shared(self) -> None:
        """Build what most rules read (paragraphs, sentences, quotations, headlines, word
        tokens, the source's lines) now, before a document's rules are shared between two
        processes (``parallel.share``): the forked helper inherits them. Built lazily
        instead, each process built them again for its own rules, and on 1 MB that was
        0.6 s of CPU in both, which left the helper's half of the work no quicker than a
        serial run."""
        self.sentences  # noqa: B018 (paragraphs first)
        self._quote_union  # noqa: B018 (the quotations, for every narration-scoped rule)
        self._headline_starts  # noqa: B018
        self._token_columns  # noqa: B018
        self._line_starts  # noqa: B018 (where each finding is: both processes make findings)

    @cached_property
    def paragraphs(self) -> Spans:
        """Paragraph spans, trimmed. Blank lines separate paragraphs; in plain text a line
        that ends a sentence (or is a short headline) ends its paragraph too."""
        text = self.text
        spans = self._new_spans()
        pos = 0
        for m in PARA_BREAK_RE.finditer(text):
            self._add_blocks(pos, m.start(), spans)
            pos = m.end()
        self._add_blocks(pos, len(text), spans)
        return spans

    def _add_blocks(self, start: int, end: int, spans: Spans) -> None:
        text = self.text
        if self._prose.hard_breaks:
            line_start = start
            while line_start < end:
                nl = text.find("\n", line_start, end)
                line_end = end if nl == -1 else nl
                stripped = text[line_start:line_end].rstrip()
                if nl == -1 or (stripped and stripped[-1] in TERMINAL) or _looks_like_headline(stripped):
                    self._add_trimmed(start, line_end, spans)
                    start = line_end + 1
                line_start = line_end + 1
            if start < end:
                self._add_trimmed(start, end, spans)
        else:
            self._add_trimmed(start, end, spans)

    def _add_trimmed(self, start: int, end: int, spans: Spans) -> None:
        text = self.text
        if start < end and (text[start].isspace() or text[end - 1].isspace()):
            # In C, not a character at a time: markup blanked to spaces makes long runs.
            m = NON_SPACE_RE.search(text, start, end)
            if m is None:
                return
            start = m.start()
            end = start + len(text[start:end].rstrip())
        if end > start:
            spans.add(start, end)

    @cached_property
    def sentences(self) -> Spans:
        text = self.text
        spans = self._new_spans()
        for p_start, p_end in self.paragraphs:
            start = p_start
            for m in SENTENCE_END_RE.finditer(text, p_start, p_end):
                if self._is_abbreviation(m.start()):
                    continue
                spans.add(start, m.end())
                start = m.end()
                while start < p_end and text[start].isspace():
                    start += 1
            if start < p_end:
                spans.add(start, p_end)
        return spans

    def _is_abbreviation(self, dot: int) -> bool:
        """True when the full stop at ``dot`` ends an abbreviation or an initial, not a sentence."""
        text = self.text
        if text[dot] != ".":
            return False
        j = dot
        while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
            j -= 1
        word = text[j:dot]
        if not word:
            return False
        if "." in word:  # U.S. / U.N. / a.m. style
            return len(word.replace(".", "")) <= 4
        if len(word) == 1 and word.isupper():  # an initial: George W. Bush
            return True
        return word.lower() in ABBREVIATIONS

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence that contains (or follows) ``offset``."""
        starts = self._sentence_starts
        k = bisect_right(starts, offset) - 1
        return max(k, 0)

    @property
    def _sentence_starts(self) -> array:
        return self.sentences.starts

    @cached_property
    def headlines(self) -> list[Span]:
        """Markup headings, and in plain text short lines with no closing punctuation."""
        if self._prose.headlines:
            return list(self._prose.headlines)
        text = self.text
        return [(s, e) for s, e in self.paragraphs if "\n" not in text[s:e] and _looks_like_headline(text[s:e])]

    @cached_property
    def quotes(self) -> list[Span]:
        """Direct quotations, quote marks included. See ``find_quotes`` and ``block_quotes``."""
        spans = find_quotes(self.text, self.paragraphs)
        blocks = block_quotes(self.text, self.paragraphs)
        if self._prose.quotes or blocks:
            spans = sorted(spans + self._prose.quotes + blocks)
        return spans

    @cached_property
    def _quote_union(self) -> tuple[list[int], list[int]]:
        """Quotation spans merged where they overlap (a block quote holding quoted words):
        starts and ends, sorted, for bisection."""
        starts: list[int] = []
        ends: list[int] = []
        for qs, qe in self.quotes:  # sorted by start
            if ends and qs < ends[-1]:
                ends[-1] = max(ends[-1], qe)
            else:
                starts.append(qs)
                ends.append(qe)
        return starts, ends

    @cached_property
    def _quote_reach(self) -> tuple[list[int], list[int]]:
        """Quotation starts, and the furthest end of any quotation up to each one."""
        starts, reach, furthest = [], [], -1
        for qs, qe in self.quotes:
            furthest = max(furthest, qe)
            starts.append(qs)
            reach.append(furthest)
        return starts, reach

    def quotes_overlapping(self, start: int, end: int) -> list[Span]:
        """The direct quotations that overlap [start, end), in order: found by bisection, so
        asking for every sentence of a long feed costs what the answers cost."""
        starts, reach = self._quote_reach
        i = bisect_left(starts, end) - 1
        found = []
        while i >= 0 and reach[i] > start:
            qs, qe = self.quotes[i]
            if qe > start:
                found.append((qs, qe))
            i -= 1
        found.reverse()
        return found

    def in_quote(self, start: int, end: int) -> bool:
        """True when the span [start, end) overlaps a direct quotation."""
        starts, ends = self._quote_union
        k = bisect_right(starts, end - 1) - 1
        return k >= 0 and ends[k] > start

    @cached_property
    def reported(self) -> list[Span]:
        """Reported speech in narration: what "X said", "according to X", "X called it a
        Y" carry. Sorted, merged; never the attribution itself (see ``reported``)."""
        from .reported import reported_spans

        return reported_spans(self.text, self.sentences)

    @cached_property
    def _reported_starts(self) -> list[int]:
        return [s for s, _ in self.reported]

    def in_reported(self, start: int, end: int) -> bool:
        """True when the span [start, end) overlaps reported speech.

        Reported speech lies inside its sentence, so only the sentences the span touches
        are read, each when first asked about: most sentences of a story hold no finding,
        and working out every one was 4 % of a folder's run."""
        if "reported" in self.__dict__:  # made whole already
            k = bisect_right(self._reported_starts, end - 1) - 1
            return k >= 0 and self.reported[k][1] > start
        sentences = self.sentences
        starts, ends = sentences.starts, sentences.ends
        memo = self._reported_by_sentence
        k = bisect_right(starts, end - 1) - 1
        while k >= 0 and ends[k] > start:  # sentences are in order and do not overlap
            spans = memo.get(k)
            if spans is None:
                from .reported import sentence_reported

                spans = memo[k] = sentence_reported(self.text, starts[k], ends[k])
            if any(a < end and b > start for a, b in spans):
                return True
            k -= 1
        return False

    @cached_property
    def _reported_by_sentence(self) -> dict[int, list[Span]]:
        return {}

    def in_own_voice(self, start: int, end: int) -> bool:
        """The paper's own voice: not a direct quotation, not reported speech."""
        return not self.in_quote(start, end) and not self.in_reported(start, end)

    def in_headline(self, start: int, end: int) -> bool:
        """True when the span [start, end) lies inside one headline."""
        headlines = self.headlines
        k = bisect_right(self._headline_starts, start) - 1
        return k >= 0 and end <= headlines[k][1]

    @cached_property
    def folded(self) -> str | None:
        """``literals.fold`` of the text, made once for every pattern rule that looks for
        its words (``literals.contains_all``); None for a text too long to keep a folded
        copy of, which is then read a piece at a time."""
        from . import literals

        return literals.fold(self.text) if len(self.text) <= literals.LOWER_PIECE else None

    @cached_property
    def _headline_starts(self) -> list[int]:
        return [s for s, _ in self.headlines]

    @cached_property
    def _token_columns(self) -> TokenColumns:
        """The word tokens as columns (``TokenColumns``): each token's start (4 bytes
        below 2 GB of text) and the number of its word in a vocabulary of the distinct
        words (2 bytes, 4 past 65,536 words), and each word's length in the text, which
        gives a token's end. A tuple of two int objects and a string per token was about
        180 bytes a word (31 MB for 1 MB of copy, half of a run's memory); columns of
        starts, ends and a list of words 18 (a pointer a token to its shared string); now
        under 8 with the vocabulary (a 10 MB file's: 31,000 words)."""
        # One pass of the pattern and loops in C, not a Python loop over each of 170,000
        # matches (0.3 s on 1 MB, now 0.2): the split gives the runs between the tokens
        # and the tokens in turn, and their lengths, summed, are the tokens' offsets. In
        # pieces of about TOKEN_PIECE characters, cut before a character no token
        # holds: the split's strings and the offsets are some 150 bytes a token while they
        # last (25 MB for 1 MB of copy, made for the whole text at once).
        text = self.text
        code = markup.offset_code(len(text))
        starts, ids = array(code), array("H")  # 2-byte numbers while there are few words, then 4
        numbers: dict = {}  # word (or word and length, see below) -> its number, in order
        next_number = map(len, repeat(numbers))  # the number a word new to ``numbers`` gets
        twins = False
        apostrophe = "’" in text
        joined = markup.JOINER in text or markup.LETTER_JOINER in text
        odd = joined or LONGER_LOWER in text  # a token's word may be shorter or longer than it
        n = len(text)
        a = 0
        while a < n:
            m = _TOKEN_CUT_RE.search(text, a + TOKEN_PIECE) if a + TOKEN_PIECE < n else None
            b = m.start() if m else n
            piece = text[a:b] if a or b < n else text
            if not odd:
                # Lower-cased (and apostrophes straightened) whole, in one pass, not token by
                # token: the same length and the same tokens (lower case keeps a character a
                # word character or not: a test checks every one), which are then the words.
                piece = piece.lower()
                if apostrophe:
                    piece = piece.replace("’", "'")
            pieces = _TOKEN_SPLIT_RE.split(piece)  # gap, token, ..., token, gap
            del piece
            offsets = list(accumulate(map(len, pieces[:-1])))
            if a:
                offsets = list(map(a.__add__, offsets))
            starts.fromlist(offsets[0::2])
            del offsets
            keys: list = pieces[1::2]
            if odd:
                lowered = map(str.lower, keys)
                if apostrophe:
                    lowered = map(str.replace, lowered, repeat("’"), repeat("'"))
                if joined:
                    lowered = map(markup.without_joiners, lowered)
                keys = list(lowered)
                lengths = list(map(len, pieces[1::2]))
                if lengths != list(map(len, keys)):
                    # A token whose word is not as long as it (a joiner taken out, an
                    # İ lower-cased): its key is the word and its length, so that all
                    # the tokens of a number have one length. A word may then have
                    # two numbers (``twins``).
                    twins = True
                    for k in compress(range(len(keys)), map(ne, lengths, map(len, keys))):
                        keys[k] = (keys[k], lengths[k])
            del pieces
            # Each token's number, a new word taking the next (map reads ``next_number``
            # for a token after the word before it is in): one look-up a token, in C.
            found = list(map(numbers.setdefault, keys, next_number))
            if len(numbers) > 1 << 16 and ids.typecode == "H":
                ids = array("i", ids)
            ids.fromlist(found)
            a = b
        vocabulary = list(numbers)
        if twins:
            sizes = [len(k) if k.__class__ is str else k[1] for k in vocabulary]
            vocabulary = [k if k.__class__ is str else k[0] for k in vocabulary]
        else:
            sizes = list(map(len, vocabulary))
        return TokenColumns(starts, ids, vocabulary, sizes, twins)

    @property
    def token_starts(self) -> array:
        return self._token_columns.starts

    @property
    def token_ids(self) -> array:
        """Each token's number in ``vocabulary``."""
        return self._token_columns.ids

    @property
    def vocabulary(self) -> list[str]:
        """The distinct words of the tokens (lower-cased, straight apostrophes), by
        number. A word is there once, unless some of its tokens are longer in the text
        than others (joiners of markup inside a word): ``set(vocabulary)`` is the words."""
        return self._token_columns.words

    @property
    def token_ends(self) -> array:
        """Each token's end, made on each call (the columns do not keep them): for
        rare readers; ``token_end(k)`` for one."""
        cols = self._token_columns
        return array(cols.starts.typecode, map(add, cols.starts, map(cols.sizes.__getitem__, cols.ids)))

    def token_end(self, k: int) -> int:
        cols = self._token_columns
        return cols.starts[k] + cols.sizes[cols.ids[k]]

    @property
    def token_words(self) -> TokenWords:
        """Each token's word, as a read-only sequence (indexing, slices, iteration):
        for rare readers; hot loops read ``token_ids`` and ``vocabulary``."""
        cols = self._token_columns
        return TokenWords(cols.ids, cols.words)

    @cached_property
    def tokens(self) -> list[tuple[int, int, str]]:
        """Word tokens as (start, end, word) tuples, for rules that want them so; the
        columns above take a twentieth of the memory."""
        return self.tokens_in(0, len(self.text) + 1)

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indexes [lo, hi) of the tokens that start in [start, end)."""
        starts = self.token_starts
        return bisect_left(starts, start), bisect_left(starts, end)

    def tokens_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        lo, hi = self.token_range(start, end)
        cols = self._token_columns
        starts, ids = cols.starts[lo:hi], cols.ids[lo:hi]
        ends = map(add, starts, map(cols.sizes.__getitem__, ids))
        return list(zip(starts, ends, map(cols.words.__getitem__, ids)))

    def token_count(self, start: int, end: int) -> int:
        lo, hi = self.token_range(start, end)
        return hi - lo

    def token_count_outside_quotes(self, start: int, end: int) -> int:
        """The tokens starting in [start, end) that overlap no direct quotation (as
        ``in_quote`` tells): the tokens each quotation overlaps are a run of the sorted
        tokens, found by bisection, not read one by one."""
        lo, hi = self.token_range(start, end)
        qstarts, qends = self._quote_union
        if lo >= hi or not qstarts:
            return hi - lo
        cols = self._token_columns
        starts, ids, sizes = cols.starts, cols.ids, cols.sizes
        inside = 0
        covered = lo  # tokens below this are counted (or outside the range)
        # The quotations that may overlap a token of the range: from the last one starting
        # before its first token (it may run into the range) to the last starting before
        # its last token's end.
        last = hi - 1
        k = max(0, bisect_right(qstarts, starts[lo]) - 1)
        stop = bisect_right(qstarts, starts[last] + sizes[ids[last]] - 1)
        for q in range(k, stop):
            qs, qe = qstarts[q], qends[q]
            first = bisect_left(starts, qs, covered, hi)  # tokens starting at or after qs ...
            if first > covered and starts[first - 1] + sizes[ids[first - 1]] > qs:
                first -= 1  # ... and the one before, if it runs into the quotation
            after = bisect_left(starts, qe, first, hi)  # tokens starting before qe
            if after > first:
                inside += after - first
                covered = after
        return hi - lo - inside

    def word_count(self) -> int:
        return len(self.token_starts)

    @cached_property
    def sentence_words(self) -> dict[str, list[int]]:
        """Each word (as in ``token_words``) -> the indexes of the sentences that hold it,
        ascending, so that a rule that needs certain words finds its sentences without
        reading every sentence of a long feed."""
        cols = self._token_columns
        starts, ids, words = cols.starts, cols.ids, cols.words
        index: list = [None] * len(words)  # by the words' numbers
        for k, (s, e) in enumerate(self.sentences):
            lo, hi = bisect_left(starts, s), bisect_left(starts, e)
            for i in set(ids[lo:hi]):
                found = index[i]
                if found is None:
                    index[i] = [k]
                else:
                    found.append(k)
        if not cols.twins:
            return dict(compress(zip(words, index), index))
        merged: dict[str, list[int]] = {}
        for word, found in compress(zip(words, index), index):
            merged[word] = sorted(set(merged.get(word, ())).union(found))
        return merged

    def sentences_with(self, words) -> list[int]:
        """Indexes of the sentences that hold at least one of ``words``, ascending."""
        index = self.sentence_words
        hits: set[int] = set()
        for w in words:
            found = index.get(w)
            if found:
                hits.update(found)
        return sorted(hits)


def _looks_like_headline(line: str) -> bool:
    line = line.strip()
    if not line or line[-1] in ".!?…:;,\"”":
        return False
    if not 1 <= len(line.split()) <= 20:
        return False
    return not line[0].isalpha() or line[0].isupper()


# --- direct quotations -------------------------------------------------------------

QUOTE_MARK_RE = rx.compile("[“”\"‘']")


def find_quotes(text: str, paragraphs: list[Span]) -> list[Span]:
    """Spans of direct quotations, marks included.

    Curly double quotes pair “ with ”; straight double quotes open after a space or at the
    start of a paragraph and close before a space or punctuation. A quotation still open at
    the end of a paragraph ends there: that is both the newspaper convention for a quote
    that runs on (the next paragraph opens with a fresh quote mark and no closing one) and
    the safest reading of a stray mark. Single quotes (‘…’ or '…') count when they open
    after a space and close before a non-letter in the same paragraph: headline and
    British-style quotes; apostrophes inside words are not quote marks.
    """
    spans: list[Span] = []
    search = QUOTE_MARK_RE.search
    for p_start, p_end in paragraphs:
        i = p_start
        open_at = -1
        while True:
            m = search(text, i, p_end)  # jump from mark to mark, not character by character
            if m is None:
                break
            i = m.start()
            c = text[i]
            if open_at < 0:
                if c == "“" or (c == '"' and _opens(text, i, p_start, p_end)):
                    open_at = i
                elif c in "‘'" and _opens(text, i, p_start, p_end):
                    close = _find_single_close(text, i + 1, p_end)
                    if close > 0:
                        spans.append((i, close + 1))
                        i = close + 1
                        continue
            else:
                if c == '"' and i > open_at + 1 and text[i - 1].isspace() and _opens(text, i, p_start, p_end):
                    # A straight mark after a space and before a word opens a quote: the one
                    # before never closed (a continued quote whose paragraph break was lost).
                    spans.append((open_at, i))
                    open_at = i
                elif c == "”" or c == '"':
                    spans.append((open_at, i + 1))
                    open_at = -1
                elif c == "“" and i > open_at + 1:
                    # A fresh opening mark before a close: the earlier quote was never closed.
                    spans.append((open_at, i))
                    open_at = i
            i += 1
        if open_at >= 0:
            spans.append((open_at, p_end))
    return spans


INTRODUCES_QUOTE_RE = rx.compile(
    r"\b(?:said|says|say|saying|wrote|writes|writing|tweeted|tweets|tweeting|posted|posts|reads|read|"
    r"stated|states|statement|added|adds|told|tells|declared|declares|announced|warned|continued|"
    r"concluded|explained|follows|following)\b[^:.!?]{0,80}:\s*$",
    re.IGNORECASE,
)


def block_quotes(text: str, paragraphs: list[Span]) -> list[Span]:
    """A paragraph introduced by a said-clause ending in a colon ("Trump tweeted:") is the
    quoted text itself, even without quote marks: a tweet, a letter, a statement."""
    spans: list[Span] = []
    for (ps, pe), (ns, nend) in zip(paragraphs, paragraphs[1:]):
        if text[pe - 1] == ":" and text[ns] not in "“\"‘'" and INTRODUCES_QUOTE_RE.search(text, max(ps, pe - 120), pe):
            spans.append((ns, nend))
    return spans


def _opens(text: str, i: int, p_start: int, p_end: int) -> bool:
    before = text[i - 1] if i > p_start else " "
    after = text[i + 1] if i + 1 < p_end else " "
    return (before.isspace() or before in "([{—–-/“‘") and not after.isspace()


def _find_single_close(text: str, i: int, p_end: int) -> int:
    limit = min(p_end, i + 300)
    while i < limit:
        c = text[i]
        if c in "’'" and not text[i - 1].isspace():
            after = text[i + 1] if i + 1 < p_end else " "
            if not after.isalpha():
                return i
        elif c in "“”\"":
            return -1
        i += 1
    return -1
