"""Words a regular expression cannot match without: a pre-filter for costly patterns.

``required(pattern)`` reads a pattern (``regex`` module syntax, case-insensitive) and
returns the words every match needs in the text it is run on: a conjunction of
alternatives, ``(("said", "says"), ("expected",))`` meaning "one of said or says, and
expected". A "word" is a whole run of ASCII letters and digits of the ``fold``-ed text:
``Pieces`` lists those of each sentence, so a sentence holding no word of some
alternative is known, with a set operation, not to match, and the pattern is not run on it.

Sound, never clever: whatever the analysis does not understand it treats as "needs
nothing". The pattern is parsed with the standard library's ``re`` parser; a pattern
whose syntax ``re`` reads differently from ``regex`` (fuzzy ``{e<=1}``, nested sets) or
does not read at all gets no requirement. A literal counts as a word only where the
pattern bounds it on both sides (``\\b``, ``^``, white space, punctuation): "said" in
``\\bsaid\\b`` is the word "said", in ``\\w+said`` it is nothing. Text of a positive
look-around counts (it is in the text searched, if not in the match).
"""

from __future__ import annotations

import re
import warnings
from . import rx

MAX_EXACT = 64  # largest set of exact strings carried through a concatenation
MAX_SET = 1024  # largest set of strings built by joining two sets
# Markers inside the strings of the analysis: BOUND, a word boundary or an end of the
# text (no letter or digit of the folded text on one side); SEP, one or more characters
# none of which folds to an ASCII letter or digit (white space, \W).
BOUND = "\x01"
SEP = "\x02"
# Characters besides their own case pair that regex's IGNORECASE matches for an ASCII
# letter (regex's get_all_cases): folded to that letter. Each is one character, so folded
# text keeps every offset ("İ".lower() is two: it is folded first).
_FOLD_EXTRA = {0x130: "i", 0x131: "i", 0x17F: "s"}
_EXTRA_CHARS = "".join(chr(c) for c in _FOLD_EXTRA)
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# What may stand beside a word in a pattern and prove the word whole: the markers, and
# characters whose every case-insensitive match is a character that folds to no ASCII
# letter or digit.
DELIMITERS = frozenset(
    BOUND + SEP + "".join(chr(c) for c in range(32, 127) if not chr(c).isalnum()) + "’‘“”–—…"
)
PIECE_RE = rx.compile(r"[a-z0-9]+")
# Characters whose lower case is not what ``fold`` makes of them (or holds an ASCII letter
# it does not): a document holding one is not read through its tokens' lower case.
UNSAFE_LOWER = _EXTRA_CHARS + "\u212a"
MAX_NEEDS = 3  # alternatives kept per pattern
# Words nearly every sentence holds: an alternative with one of them filters little (last).
COMMON = frozenset(
    "a an the of to in on at by for with from as and or it its is are was were be been "
    "he she they we i you his her their our this that which s t".split()
)


def fold(text: str) -> str:
    """Lower case, with the characters regex matches for an ASCII letter made that letter.
    Same length as ``text``."""
    for c in _EXTRA_CHARS:
        if c in text:
            return lower(text.translate(_FOLD_EXTRA))
    return lower(text)


LOWER_PIECE = 1 << 16
_BLANK_RE = rx.compile(r"[ \n]")


def piece_end(text: str, start: int, size: int = LOWER_PIECE) -> int:
    """Where a piece of ``text`` from ``start`` of about ``size`` characters ends: before
    the first space or line feed after ``start + size`` (or at the end). No case rule reads
    across such a blank, so a piece lowers (and folds) as it does inside the whole text,
    and no word without a blank in it spans two pieces."""
    if start + size >= len(text):
        return len(text)
    m = _BLANK_RE.search(text, start + size)
    return m.start() if m else len(text)


def contains_all(text: str, needs, folded: str | None = None) -> bool:
    """Whether ``fold(text)`` (``folded``, if given) holds, for each set of words in
    ``needs``, one of its words: read a piece at a time, so that a long text is not copied
    whole (a folded copy of 10 MB of copy was 19 MB more at once, and twice that while its
    pieces were joined), and only until every set is met."""
    if any(not alts for alts in needs):  # a set no word can meet
        return False
    if folded is not None:
        return all(any(w in folded for w in alts) for alts in needs)
    pending = list(needs)
    if any(" " in w or "\n" in w for alts in pending for w in alts):  # a word could span two pieces
        folded = fold(text)
        return all(any(w in folded for w in alts) for alts in pending)
    a, n = 0, len(text)
    while pending and a < n:
        b = piece_end(text, a)
        piece = fold(text[a:b])
        pending = [alts for alts in pending if not any(w in piece for w in alts)]
        a = b
    return not pending


def lower(text: str) -> str:
    """``text.lower()``, a piece at a time when the text is long and not ASCII: CPython
    lowers such a string through a buffer of 12 bytes a character (12 MB for 1 MB of copy
    with curly quotes in it). Pieces end before a space or a line feed, which no case
    rule reads across (Greek final sigma looks past letters and marks, not blanks)."""
    n = len(text)
    if n <= LOWER_PIECE or text.isascii():
        return text.lower()
    parts = []
    a = 0
    while a < n:
        b = piece_end(text, a)
        parts.append(text[a:b].lower())
        a = b
    return "".join(parts)


def alternation(items, char=re.escape) -> str:
    """An alternation of literal strings written as a character trie, ``s(?:aid|ays?)``
    rather than ``said|says|say``: a list of hundreds of words then costs a search about
    what one word does (``re`` tries the alternatives of a flat list one by one at every
    position). ``char`` writes one character. Where one string is a prefix of another the
    longer is tried first; bounded by ``\b`` on both sides (as every caller does), the
    two cannot both match at one place, so the matches are those of the flat list."""
    trie: dict = {}
    for item in items:
        node = trie
        for ch in item:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie(trie, char) if trie else r"(?!x)x"


def _trie(node: dict, char) -> str:
    branches = [char(ch) + _trie(child, char) for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def required(pattern: str, flags: int = 0) -> tuple[tuple[str, ...], ...]:
    """The conjunction of alternatives of words every match of ``pattern`` needs (empty:
    none known). Each alternative is a sorted tuple of words."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set": regex reads it otherwise
            tree = sre_parse.parse(pattern, flags & 0x3FF)
    except Exception:  # noqa: BLE001 - whatever re cannot read is left unfiltered
        return ()
    analysis = _Analysis()
    try:
        conj = analysis.needs(list(tree), EMPTY, EMPTY)
    except (_Unknown, RecursionError):
        return ()
    out = []
    seen = set()
    for words in conj:
        alts = tuple(sorted(words))
        if alts not in seen:
            seen.add(alts)
            out.append(alts)
    # The rarest-looking first: the check stops at the first that no sentence holds.
    out.sort(key=lambda alts: (not COMMON.isdisjoint(alts), -min(len(w) for w in alts), len(alts)))
    return tuple(out[:MAX_NEEDS])


class _Unknown(Exception):
    """A construct whose meaning under ``regex`` may differ: give up on the pattern."""


def _words(strings) -> frozenset[str] | None:
    """One whole word from each string (the longest), folded; None if a string has none.
    A word is a run of ASCII letters and digits with a delimiter on both sides."""
    if strings is None:
        return None
    out = set()
    for s in strings:
        s = fold(s)
        best = ""
        i, n = 0, len(s)
        while i < n:
            if s[i] in WORD_CHARS:
                j = i
                while j < n and s[j] in WORD_CHARS:
                    j += 1
                if i > 0 and j < n and s[i - 1] in DELIMITERS and s[j] in DELIMITERS and j - i > len(best):
                    best = s[i:j]
                i = j
            else:
                i += 1
        if not best:
            return None
        out.add(best)
    return frozenset(out) if out else None


# The analysis. A node's *shape*: ``exact``, every string it can match (when known and not
# too many), else None; ``prefix`` / ``suffix``, strings one of which starts / ends every
# match ("" among them: the node may match nothing), or None when unknown. A node's *needs*
# are worked out with its context: ``left``, strings one of which ends the text before it,
# and ``right``, strings one of which starts the text after it (None: unknown), so that
# "accused" in ``\b(?:accuse(?:d|s)?|…)\b`` is known to be a whole word.

EMPTY = frozenset({""})
# In prefix sets, END closes a string that is a whole match (what follows it is what follows
# the node); in suffix sets, START opens one. Without it a string is only the start (end)
# of the match.
END = "\x03"
START = "\x04"
_SEP_SET = frozenset({SEP})
CONTEXT = 24  # characters of context kept (a word is rarely longer)


class _Shape:
    __slots__ = ("exact", "prefix", "suffix", "looks")

    def __init__(self, exact=None, prefix=None, suffix=None, looks=False):
        self.exact = exact
        if exact is not None:
            prefix = frozenset(e + END for e in exact)
            suffix = frozenset(START + e for e in exact)
        self.prefix = prefix
        self.suffix = suffix
        self.looks = looks  # holds a look-around (needs of its own, even in exact text)


def _product(a, b, limit=MAX_SET):
    if a is None or b is None or len(a) * len(b) > limit:
        return None
    if len(a) == 1:
        (x,) = a
        return frozenset(x + y for y in b)
    if len(b) == 1:
        (y,) = b
        return frozenset(x + y for x in a)
    return frozenset(x + y for x in a for y in b)


def _union(a, b):
    if a is None or b is None:
        return None
    out = a | b
    return out if len(out) <= MAX_SET else None


def _starts(prefix, right):
    """What starts the text from a node on: its prefixes, the whole ones followed by what
    follows the node (``right``)."""
    if prefix is None:
        return None
    out = set()
    for p in prefix:
        if p.endswith(END):
            if right is None:
                if len(p) > 1:
                    out.add(p[:-1])
                else:
                    return None  # may match nothing, and what follows is unknown
            else:
                out.update(p[:-1] + r for r in right)
        else:
            out.add(p)
        if len(out) > MAX_SET:
            return None
    return frozenset(x[:CONTEXT] for x in out)


def _ends(suffix, left):
    if suffix is None:
        return None
    out = set()
    for p in suffix:
        if p.startswith(START):
            if left is None:
                if len(p) > 1:
                    out.add(p[1:])
                else:
                    return None
            else:
                out.update(x + p[1:] for x in left)
        else:
            out.add(p)
        if len(out) > MAX_SET:
            return None
    return frozenset(x[-CONTEXT:] for x in out)


def _open(strings):
    """Whole matches made partial: the string starts (ends) the match, no more is known."""
    return frozenset(x.replace(END, "").replace(START, "") for x in strings)


def _constants():
    try:
        from re import _constants as C
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as C  # type: ignore[no-redef]
    return C


class _Analysis:
    def __init__(self):
        C = self.C = _constants()
        self.bounds = {C.AT_BOUNDARY, C.AT_UNI_BOUNDARY, C.AT_LOC_BOUNDARY, C.AT_BEGINNING,
                       C.AT_BEGINNING_STRING, C.AT_BEGINNING_LINE, C.AT_END, C.AT_END_STRING, C.AT_END_LINE}
        self.repeats = {C.MAX_REPEAT, C.MIN_REPEAT}
        if hasattr(C, "POSSESSIVE_REPEAT"):
            self.repeats.add(C.POSSESSIVE_REPEAT)
        self.atomic = getattr(C, "ATOMIC_GROUP", None)
        self.shapes: dict[int, _Shape] = {}
        self.keep: list = []  # the nodes whose ids key ``shapes`` stay alive

    # --- shapes, bottom up -------------------------------------------------------------

    def seq_shape(self, items) -> _Shape:
        key = id(items)
        hit = self.shapes.get(key)
        if hit is not None:
            return hit
        self.keep.append(items)
        shapes = [self.shape(it) for it in items]
        looks = any(s.looks for s in shapes)
        exact = EMPTY
        for sh in shapes:
            exact = _product(exact, sh.exact, MAX_EXACT)
            if exact is None:
                break
        if exact is not None:
            out = _Shape(exact, looks=looks)
        else:
            out = _Shape(None, self._prefix(shapes), self._suffix(shapes), looks)
        self.shapes[key] = out
        return out

    @staticmethod
    def _prefix(shapes):
        """Prefixes of the sequence: each item's, the whole ones (END) joined on to the
        next item's."""
        head = frozenset({END})
        for sh in shapes:
            if sh.prefix is None:
                return _finish(head, END)
            out = set()
            for h in head:
                if h.endswith(END):
                    out.update(h[:-1] + p for p in sh.prefix)
                else:
                    out.add(h)
                if len(out) > MAX_SET:
                    return _finish(head, END)
            head = frozenset(x[:CONTEXT] if not x.endswith(END) else x for x in out)
            if not any(h.endswith(END) for h in head):
                return head
        return head

    @staticmethod
    def _suffix(shapes):
        tail = frozenset({START})
        for sh in reversed(shapes):
            if sh.suffix is None:
                return _finish(tail, START)
            out = set()
            for t in tail:
                if t.startswith(START):
                    out.update(p + t[1:] for p in sh.suffix)
                else:
                    out.add(t)
                if len(out) > MAX_SET:
                    return _finish(tail, START)
            tail = frozenset(x[-CONTEXT:] if not x.startswith(START) else x for x in out)
            if not any(t.startswith(START) for t in tail):
                return tail
        return tail

    def shape(self, item) -> _Shape:
        C = self.C
        op, av = item
        if op is C.LITERAL:
            ch = chr(av)
            if ch in "{}":
                raise _Unknown  # regex reads "{e<=1}" as fuzzy matching, re as text
            return _Shape(frozenset({ch}))
        if op is C.AT:
            return _Shape(frozenset({BOUND}) if av in self.bounds else EMPTY)
        if op is C.ASSERT_NOT:
            # (?<![\w.]) / (?!\w): no word character beside the position
            sub = list(av[1])
            if len(sub) == 1 and sub[0][0] is C.IN and any(
                o is C.CATEGORY and a in (C.CATEGORY_WORD, C.CATEGORY_UNI_WORD) for o, a in sub[0][1]
            ) and not any(o is C.NEGATE for o, _ in sub[0][1]):
                return _Shape(frozenset({BOUND}))
            return _Shape(EMPTY)
        if op is C.ASSERT:
            inner = self.seq_shape(av[1])
            sub = list(av[1])
            # (?<=[\s,;]) / (?=\s): a separator beside the position
            if len(sub) == 1 and sub[0][0] is C.IN and inner.exact is None and inner.prefix == _SEP_SET:
                return _Shape(_SEP_SET, looks=True)
            if len(sub) == 1 and sub[0][0] is C.IN and inner.exact is not None and inner.exact <= DELIMITERS - {BOUND, SEP}:
                return _Shape(_SEP_SET, looks=True)
            return _Shape(EMPTY, looks=True)
        if op is C.SUBPATTERN:
            return self.seq_shape(av[-1])
        if op is self.atomic:
            return self.seq_shape(av)
        if op in self.repeats:
            lo, hi, sub = av
            inner = self.seq_shape(sub)
            if lo == hi == 1:
                return inner
            if lo == 0 and hi == 1 and inner.exact is not None:
                return _Shape(inner.exact | EMPTY, looks=inner.looks)
            if hi == 1:  # (?:x)? of an inexact x
                prefix = inner.prefix | {END} if inner.prefix is not None else None
                suffix = inner.suffix | {START} if inner.suffix is not None else None
                return _Shape(None, prefix, suffix, inner.looks)
            # more than one repetition: what follows the first is not known
            prefix = _open(inner.prefix) if inner.prefix is not None else None
            suffix = _open(inner.suffix) if inner.suffix is not None else None
            if lo == 0:
                prefix = prefix | {END} if prefix is not None else None
                suffix = suffix | {START} if suffix is not None else None
            if prefix is not None and "" in prefix:
                prefix = None
            if suffix is not None and "" in suffix:
                suffix = None
            return _Shape(None, prefix, suffix, inner.looks)
        if op is C.BRANCH:
            shapes = [self.seq_shape(alt) for alt in av[1]]
            looks = any(s.looks for s in shapes)
            if all(s.exact is not None for s in shapes):
                union = frozenset().union(*(s.exact for s in shapes))
                if len(union) <= MAX_EXACT:
                    return _Shape(union, looks=looks)
            prefix = suffix = frozenset()
            for s in shapes:
                prefix = _union(prefix, s.prefix)
                suffix = _union(suffix, s.suffix)
            return _Shape(None, prefix, suffix, looks)
        if op is C.IN:
            return self.charset(av)
        if op in (C.NOT_LITERAL, C.ANY, C.CATEGORY, C.GROUPREF, C.GROUPREF_EXISTS):
            return _Shape(None)
        raise _Unknown

    def charset(self, items) -> _Shape:
        C = self.C
        chars = set()
        separator = True  # no member can be (or fold to) an ASCII letter or digit
        for op, av in items:
            if op is C.LITERAL:
                ch = chr(av)
                if ch in "{}":
                    raise _Unknown
                chars.add(ch)
                if ch not in DELIMITERS:
                    separator = False
            elif op is C.CATEGORY:
                chars.add(None)  # more than characters: no exact strings
                if av not in (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE, C.CATEGORY_NOT_WORD, C.CATEGORY_UNI_NOT_WORD):
                    separator = False
            else:  # a range, a negation, ...: anything
                return _Shape(None)
        if None not in chars and len(chars) <= 8:
            return _Shape(frozenset(chars))
        if separator:
            return _Shape(None, _SEP_SET, _SEP_SET)
        return _Shape(None)

    # --- needs, top down -------------------------------------------------------------

    def needs(self, items, left, right) -> list[frozenset[str]]:
        """Sets of words, one of each of which every match of the sequence needs."""
        shapes = [self.shape(it) for it in items]
        n = len(shapes)
        # What follows each item, and what precedes it. Where that is unknown (or may be
        # nothing), a positive look-ahead (look-behind) still tells how the text from (up
        # to) its place starts (ends): "said" in ``\bsaid(?=\s+that)`` is a whole word.
        after = [None] * n
        r = right
        for i in range(n - 1, -1, -1):
            if r is None or "" in r:
                r = self._looked_at(items[i], 1) or r
            after[i] = r
            r = _starts(shapes[i].prefix, r)
        before = [None] * n
        l_ = left
        for i in range(n):
            if l_ is None or "" in l_:
                l_ = self._looked_at(items[i], -1) or l_
            before[i] = l_
            l_ = _ends(shapes[i].suffix, l_)
        out: list = []
        i = 0
        while i < n:
            sh = shapes[i]
            if sh.exact is None:
                out.extend(self.item_needs(items[i], before[i], after[i]))
                i += 1
                continue
            # a run of exact items
            j, run = i, EMPTY
            while j < n and shapes[j].exact is not None:
                joined = _product(run, shapes[j].exact, MAX_SET)
                if joined is None:
                    break
                run = joined
                if shapes[j].looks:
                    out.extend(self.item_needs(items[j], before[j], after[j]))
                j += 1
            if j == i:  # one exact item too big to join: on its own
                run = shapes[i].exact
                if shapes[i].looks:
                    out.extend(self.item_needs(items[i], before[i], after[i]))
                j = i + 1
            words = _words(_widest(before[i], run, after[j - 1]))
            if words is not None:
                out.append(words)
            i = j
        return out

    def _looked_at(self, item, direction: int):
        """For a positive look-around facing ``direction`` (1 ahead, -1 behind): strings one
        of which starts (ends) the text from its place on (up to its place); else None."""
        op, av = item
        if op is not self.C.ASSERT or (av[0] < 0) != (direction < 0):
            return None
        inner = self.seq_shape(av[1])
        if direction > 0:
            return _starts(inner.prefix, None)
        return _ends(inner.suffix, None)

    def item_needs(self, item, left, right) -> list:
        C = self.C
        op, av = item
        if op is C.ASSERT:
            direction, sub = av
            if direction < 0:  # look-behind: its text ends where the assertion stands
                return self.needs(sub, None, right)
            return self.needs(sub, left, None)
        if op is C.SUBPATTERN:
            return self.needs(av[-1], left, right)
        if op is self.atomic:
            return self.needs(av, left, right)
        if op in self.repeats:
            lo, hi, sub = av
            if lo == 0:
                return []
            inner = self.seq_shape(sub)
            if hi != 1:  # the first repetition may be followed by others
                right = _union(right, _open(inner.prefix)) if inner.prefix is not None else None
            return self.needs(sub, left, right)
        if op is C.BRANCH:
            parts = []
            for alt in av[1]:
                best = _best(self.needs(alt, left, right))
                if best is None:
                    return []
                parts.append(best)
            words = frozenset().union(*parts)
            return [words] if len(words) <= MAX_SET else []
        return []


def _finish(strings, mark):
    """A prefix (suffix) set cut short: its whole strings become partial; None if one was
    empty (the node may have matched nothing so far, and what comes next is unknown)."""
    out = frozenset(x.replace(mark, "") for x in strings)
    return None if "" in out else out


def _trim_start(strings):
    return frozenset(s[:CONTEXT] for s in strings) if strings is not None else None


def _trim_end(strings):
    return frozenset(s[-CONTEXT:] for s in strings) if strings is not None else None


def _widest(before, run, after):
    for a, b in ((before, after), (None, after), (before, None), (None, None)):
        left = _product(a, run) if a is not None else run
        both = (_product(left, b) if b is not None else left) if left is not None else None
        if both is not None:
            return both
    return run


def _best(needs):
    """One set of words standing for an alternative of a branch: of its needs, the one
    with the longest shortest word."""
    if not needs:
        return None
    return max(needs, key=lambda c: (min(len(s) for s in c), -len(c)))
