"""Reported speech: narration that carries someone else's words, not the paper's.

"Critics accused the minister of caving in", "the opposition called the plan a land grab",
"the report said the mayor had lied", "the senator's assertion that …", "police described
the raid as brutal", "he said the regime would fall", "The plan, the minister said, is a
giveaway": the loaded words there are the speaker's, reported, and a bias rule that reads
the paper's own voice (``scope: voice``) skips them the way it skips direct quotations.
The verb of saying itself stays in the paper's voice, so "slammed" and "claimed" are still
read.

Each function here finds *content* spans: what was said, never the attribution ("X said",
"according to X") that introduces it, so that a rule about the attribution (a weasel
"critics say") still sees its cue. Patterns are bounded and anchored on a verb or a noun
of saying, so a sentence costs a few scans whatever its shape.
"""

from __future__ import annotations

import re
from functools import reduce
from itertools import repeat
from operator import or_

from . import rx
from .literals import alternation
from .markup import merged_spans

Span = tuple[int, int]

# Finite verbs of saying, believing and finding that take a reported clause.
SAY_VERBS = """
    said says say told tells added adds argued argues contended contends maintained maintains
    asserted asserts alleged alleges charged charges claimed claims insisted insists warned warns
    wrote writes tweeted posted stated states believes believed suggested suggests complained
    complains noted notes explained explains acknowledged acknowledges admitted admits conceded
    concedes announced announces reported testified predicted predicts concluded concludes ruled
    declared declares countered counters responded replied denied denies agreed agrees feared fears
    hoped hopes worried worries thinks stressed stresses emphasized emphasised cautioned cautions
    indicated indicates signaled signalled confirmed confirms revealed reveals disclosed discloses
    recalled recalls observed remarked reckons reckoned estimated estimates found_that
    shows showed recounted testifies assured reminded informed vowed vows promised pledged
    fumed boasted bragged scoffed quipped sniffed lamented
    bemoaned protested objected retorted speculated speculates surmised wondered asked asks
""".split()
AS_VERBS = """
    described describes describing describe labelled labeled labels labelling labeling branded brands
    branding dubbed dubs termed terms denounced denounces denouncing condemned condemns condemning
    dismissed dismisses dismissing derided derides deriding portrayed portrays portraying characterised
    characterized characterises characterizes characterising characterizing painted paints depicted
    depicts cast casts framed frames criticized criticised attacked praised hailed hails mocked ridiculed
    decried decries slammed blasted regarded regards viewed views sees saw considers considered rejected
    rejects
""".split()
OF_VERBS = "accused accuses accusing accuse suspected suspects convicted charged charges".split()
FOR_VERBS = """
    blamed blames blaming blame criticized criticised criticizes criticises criticizing criticising
    faulted faults praised praises attacked attacks slammed blasted chided rebuked scolded censured
    condemned condemns sued sues thanked
""".split()
# "the senator's assertion that …", "Republican claims that …", "the allegation that …".
CLAIM_NOUNS = """
    assertions assertion claims claim allegations allegation accusations accusation charges charge
    contentions contention arguments argument insistence complaints complaint warnings warning views
    view beliefs belief suggestions suggestion suspicions suspicion fears fear concerns concern
    criticism characterisation characterization description verdict conclusion finding findings
    testimony denials denial statements statement remarks remark comments comment position theory
""".split()
_WORD_LISTS = {"say": SAY_VERBS, "as": AS_VERBS, "of": OF_VERBS, "for": FOR_VERBS, "noun": CLAIM_NOUNS}


def _words(words) -> str:
    """The words as one alternation (a trie: ``literals.alternation``); ``_`` in a word
    stands for white space."""
    return alternation(sorted(set(words)), lambda ch: r"\s+" if ch == "_" else re.escape(ch))


def _alternations() -> dict[str, str]:
    """Each word list as its alternation: built once per install (the tries are 3 ms of
    Python) and kept in the cache, like the patterns' compiled code (``rx``)."""
    from . import cache

    return cache.get_or_build("reported-words", [], lambda: {k: _words(v) for k, v in _WORD_LISTS.items()},
                              lambda v: isinstance(v, dict) and set(v) == set(_WORD_LISTS))


_ALT = _alternations()
_SAY = _ALT["say"]
# "called X a Y", "described X as Y", "accused X of Y": the verdict is the speaker's.
CALLED_RE = rx.compile(
    r"\b(?:called|calls|calling|call)\b(?!\s+(?:for|on|upon|off|up|in|out|back|it\s+quits|(?:an?|the)\s+"
    r"(?:election|elections|meeting|strike|halt|vote|press|news|referendum|truce|ceasefire|recess|timeout|"
    r"time-out|summit|session|conference)\b))",
)
AS_VERBS_RE = rx.compile(
    rf"\b(?:{_ALT['as']})\b"
    r"(?P<obj>(?:\s+(?!as\b)[\w'’.-]+){0,8}?)\s+as\b",
)
OF_VERBS_RE = rx.compile(
    rf"\b(?:{_ALT['of']})\b"
    r"(?P<obj>(?:\s+(?!of\b)[\w'’.-]+){0,6}?)\s+of\b",
)
FOR_VERBS_RE = rx.compile(
    rf"\b(?:{_ALT['for']})\b"
    r"(?P<obj>(?:\s+(?!for\b)[\w'’.-]+){0,6}?)\s+for\b",
)
CLAIM_NOUN_RE = rx.compile(rf"\b(?:{_ALT['noun']})\s+that\b")
SAY_RE = rx.compile(rf"\b(?:{_SAY})\b")
ACCORDING_RE = rx.compile(
    r"\b(?:[Aa]ccording\s+to|[Ii]n\s+the\s+(?:view|words|eyes|opinion)\s+of|as\s+(?:reported|described|"
    r"alleged|claimed|told)\s+by)\s+(?:[^,;.]{1,80}?)(?=\s*[,;.]|$)",
)
# "The plan, the minister said, is a giveaway." / "…, critics say."
PARENTHETICAL_RE = rx.compile(
    rf",\s+(?:[\w'’.-]+\s+){{0,7}}?(?:{_SAY})(?:\s+[\w'’.-]+){{0,4}}?\s*(?:,|(?=[.!?]?[\"'”’)]*\s*$))",
)
# "…, said the minister." / "…, added Ms Ruiz, a lawyer."
INVERTED_RE = rx.compile(
    r",\s+(?:said|says|added|adds|wrote|writes|argued|argues|insisted|warned|noted|explained|stated|"
    r"declared|continued|claimed|alleged|according\s+to)\s+[^,.;]{1,80}(?:,[^,.;]{1,80})?[.!?]?[\"'”’)]*\s*$",
)
# Where reported content stops: a new clause that is the paper's again.
CLAUSE_END_RE = rx.compile(
    r";|\s[—–]\s|\s--\s|[“\"]|,\s+(?:but|while|whereas|although|though|yet)\b|\s+but\s+(?!also\b)",
    re.IGNORECASE,
)
LEADING_THAT_RE = rx.compile(r"\s*(?:,\s*)?(?:that\b)?\s*")
PASSIVE_BEFORE_RE = rx.compile(
    r"\b(?:is|are|was|were|be|been|being|get|gets|got|getting)\s+(?:[a-z]+ly\s+|also\s+|often\s+|now\s+|long\s+)?$",
    re.IGNORECASE,
)
# "said on Monday (that) …": a short time or place phrase between the verb and its clause.
TIME_PHRASE_RE = rx.compile(r"\s+(?:on|at|in)\s+(?:[\w'’.-]+\s+){0,4}?(?=that\b|the\b|he\b|she\b|they\b|it\b)")
# A "said" that is not a verb of saying: "the said property", "is said to be".
NOT_SPEECH_RE = rx.compile(r"\b(?:the|is|are|was|were|be|been|being)\s+$", re.IGNORECASE)


MAX_SENTENCE = 5000  # characters: a longer "sentence" is a table or a data dump, and holds none


def _clause_end(text: str, start: int, end: int) -> int:
    m = CLAUSE_END_RE.search(text, start, end)
    return m.start() if m else end


def _content(text: str, start: int, end: int, spans: list[Span], to_comma: bool = False) -> None:
    """What follows a verb or noun of saying, up to where the paper's own clause resumes.
    ``to_comma``: a phrase (a noun's "that" clause, "as Y", "of Y") ends at a comma."""
    m = LEADING_THAT_RE.match(text, start, end)
    start = m.end() if m else start
    stop = _clause_end(text, start, end)
    if to_comma:
        comma = text.find(",", start, stop)
        if comma != -1:
            stop = comma
    while stop > start and text[stop - 1] in " \t\r\n,.!?":
        stop -= 1
    if stop - start >= 2:
        spans.append((start, stop))


# The patterns run sentence by sentence, each only where the sentence holds a word of each
# of its needs (``literals.required``: "called X a Y" needs a form of "call").
_GATED = {
    "say": SAY_RE, "as": AS_VERBS_RE, "of": OF_VERBS_RE, "for": FOR_VERBS_RE, "called": CALLED_RE,
    "noun": CLAIM_NOUN_RE, "according": ACCORDING_RE, "inverted": INVERTED_RE,
}
_needs: dict | None = None


def _build_needs() -> dict:
    from .literals import required

    return {name: tuple(frozenset(alts) for alts in required(gated.pattern, gated.flags)) for name, gated in _GATED.items()}


def _all_needs() -> dict:
    """Each gated pattern's needs, worked out once per install (the analysis takes 50 ms)
    and kept in the cache with the compiled packs."""
    global _needs
    if _needs is None:
        from . import cache

        _needs = cache.get_or_build("reported", [], _build_needs, lambda v: isinstance(v, dict) and set(v) == set(_GATED))
    return _needs


_masks: tuple | None = None


def _need_masks() -> tuple[dict[str, int], dict[str, int]]:
    """The needs as bits: word -> the bits of the needs it satisfies, and each gated
    pattern's bits (0: it needs nothing, and always runs)."""
    global _masks
    if _masks is None:
        masks: dict[str, int] = {}
        full: dict[str, int] = {}
        bit = 1
        for name, need in _all_needs().items():
            bits = 0
            for alts in need:
                for word in alts:
                    masks[word] = masks.get(word, 0) | bit
                bits |= bit
                bit <<= 1
            full[name] = bits
        _masks = (masks, full)
    return _masks


def reported_spans(text: str, sentences: list[Span]) -> list[Span]:
    """Spans of reported content in ``text``, sorted and merged. Each lies inside its
    sentence (``sentence_reported`` finds one sentence's)."""
    from .literals import PIECE_RE, fold, piece_end

    spans: list[Span] = []
    masks, full = _need_masks()
    findall = PIECE_RE.findall
    mask_of = masks.get
    zeros = repeat(0)
    # The sentences' words are read from the folded text a window at a time (a folded
    # copy of a whole long text was its size again, and twice that while it was made).
    window_start = window_end = 0
    folded = ""
    for s, e in sentences:
        if e - s > MAX_SENTENCE:  # no sentence: a table or a data dump
            continue
        if e > window_end:
            window_start, window_end = s, max(e, piece_end(text, s))
            folded = fold(text[window_start:window_end])
            if len(folded) != window_end - window_start:  # fold keeps offsets; a guard
                folded = ""
        if folded:
            # One bit per need: the sentence's words light the needs they satisfy, and a
            # pattern may match where all of its bits are lit.
            lit = reduce(or_, map(mask_of, findall(folded, s - window_start, e - window_start), zeros), 0)
        else:
            lit = -1  # every bit: every pattern runs
        _in_sentence(text, s, e, lit, full, spans)
    return merged_spans(spans)


def sentence_reported(text: str, s: int, e: int) -> list[Span]:
    """The reported content of the one sentence [s, e), as ``reported_spans`` finds it
    there (sorted, merged): for a reader that asks about a few sentences, not all."""
    from .literals import PIECE_RE, fold

    if e - s > MAX_SENTENCE:
        return []
    masks, full = _need_masks()
    folded = fold(text[s:e])
    lit = reduce(or_, map(masks.get, PIECE_RE.findall(folded), repeat(0)), 0) if len(folded) == e - s else -1
    spans: list[Span] = []
    _in_sentence(text, s, e, lit, full, spans)
    return merged_spans(spans)


def _in_sentence(text: str, s: int, e: int, lit: int, full: dict[str, int], spans: list[Span]) -> None:
    """Add the reported content of the sentence [s, e) to ``spans``; ``lit``: the bits of
    the needs its words satisfy (a pre-filter: -1 runs every pattern)."""
    # "X said (that) …", "X told reporters …", "X believes …"
    for m in SAY_RE.finditer(text, s, e) if lit & full["say"] == full["say"] else ():
        if NOT_SPEECH_RE.search(text, max(s, m.start() - 8), m.start()):
            continue
        after = text[m.end() : m.end() + 4]
        if after.startswith((" to ", " by ", " in ", " on ", " at ", ".", ",", " of ")) and not (
            after.startswith(",") and text.startswith(" that", m.end() + 1)
        ):
            # "said to be", "says by", "claimed responsibility on": no clause follows.
            if not after.startswith((" on ", " at ", " in ")):
                continue
            # "said on Monday (that) …": skip a short time or place phrase.
            skip = TIME_PHRASE_RE.match(text[m.end() : m.end() + 60])
            if not skip:
                continue
            _content(text, m.end() + skip.end(), e, spans)
            continue
        _content(text, m.end(), e, spans)
    for name, verbs_re in (("as", AS_VERBS_RE), ("of", OF_VERBS_RE), ("for", FOR_VERBS_RE), ("called", CALLED_RE)):
        if lit & full[name] != full[name]:
            continue
        for m in verbs_re.finditer(text, s, e):
            # "was hailed as a hero", "is called a traitor": a passive with no one
            # named as saying it is the paper's own verdict.
            if PASSIVE_BEFORE_RE.search(text, max(s, m.start() - 24), m.start()):
                continue
            _content(text, m.end(), e, spans, to_comma=verbs_re is not CALLED_RE)
    for m in CLAIM_NOUN_RE.finditer(text, s, e) if lit & full["noun"] == full["noun"] else ():
        _content(text, m.end(), e, spans, to_comma=True)
    # "according to X": the rest of the sentence is X's, the phrase itself is not.
    for m in ACCORDING_RE.finditer(text, s, e) if lit & full["according"] == full["according"] else ():
        if m.start() > s:
            spans.append((s, m.start()))
        _content(text, m.end(), e, spans)
    # "The plan, the minister said, is …" and "…, critics say." / "…, said the minister."
    for aside_re in (PARENTHETICAL_RE, INVERTED_RE) if lit & full["inverted"] == full["inverted"] else (PARENTHETICAL_RE,):
        m = aside_re.search(text, s, e)
        if m:
            if m.start() > s:
                spans.append((s, m.start()))
            if aside_re is PARENTHETICAL_RE and text[m.end() - 1 : m.end()] == ",":
                _content(text, m.end(), e, spans)

