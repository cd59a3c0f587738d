"""``kind: metric`` — a readability figure or a length against a threshold.

Per document, paragraph or sentence. Lengths are counted from the Document's own tokens;
readability formulas come from textstat, imported only when such a rule runs.

textstat 0.7.13 looks syllables up in NLTK's cmudict and downloads it at run time, which
fails on a machine with no network beyond the package index; importing NLTK also costs
most of a second, longer than the whole lint of an article. lintnews tells textstat it
has no dictionary, so every word is counted by pyphen's hyphenation patterns, which ship
inside the pyphen package: the same figures on every machine, offline. Since NLTK is then
never used, textstat is imported with a placeholder for it (removed again at once, so a
later ``import nltk`` elsewhere in the process gets the real one): 5 ms instead of 800.

YAML fields:
  metric: words | characters | sentences | flesch_reading_ease | flesch_kincaid_grade |
          gunning_fog | smog_index | coleman_liau_index | automated_readability_index |
          dale_chall_readability_score
  per:    document | paragraph | sentence
  max / min: the threshold (one of them)
  min_words: skip units shorter than this (formulas are noise on a few words); default 0
  count_quotes: count words inside direct quotations (default true); false measures only
          the paper's own words, since a speaker's long sentence is not the desk's to split
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import compress, islice, repeat
from operator import is_, mul
from zlib import crc32

from .. import rx
from ..finding import Hit
from .base import Rule, RuleSpec

COUNTS = ("words", "characters", "sentences")
FORMULAS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
)
UNITS = ("document", "paragraph", "sentence")

_textstat = None
# Readability formulas are averages; on a very long document (a 1 MB wire feed) an evenly
# spaced sample of its sentences gives the figure to within a few tenths of a grade (9.56
# for 9.25 on the bench's 1 MB of BBC copy), in a tenth of the time syllable counting
# takes over every word.
FORMULA_SAMPLE_WORDS = 5000


def textstat():
    """textstat, imported on first use and told to work offline (see module docstring)."""
    global _textstat
    if _textstat is None:
        import sys
        import types

        placeholder = "nltk" not in sys.modules
        if placeholder:
            sys.modules["nltk"] = types.ModuleType("nltk")
        try:
            import textstat as ts
        finally:
            if placeholder:
                del sys.modules["nltk"]
        try:
            from textstat.backend.counts import _count_syllables

            # pyphen for every word, no download; each distinct word counted once a process
            _count_syllables.get_cmudict = _cmudict_view
        except ImportError:  # older textstat uses pyphen already
            pass
        _warm_pyphen()
        _textstat = ts
    return _textstat


class Syllables:
    """Syllables per word, counted by pyphen as textstat counts them without a dictionary
    (``len(positions) + 1``). Each distinct word is hyphenated once, and the table is kept
    in lintnews's cache between runs: syllable counting was a quarter of the CPU time on a
    folder of short articles and half the rules' time on one article, and a newsroom's
    vocabulary is mostly the same words every day. pyphen's patterns are loaded only when a
    word is new."""

    # Written back once a run has met a new word, then again only after growing by
    # SAVE_GROWTH (a folder of thousands, in every worker: a few writes, not one a file).
    # Waiting for 32 new words left a reporter's story with a few rare words ("tweet",
    # "linkedin") importing pyphen and loading its patterns on every commit: 8 ms a run,
    # against one write of the table.
    SAVE_MIN = 1
    SAVE_GROWTH = 0.25
    # A bound on the table (loaded as stored, about 10 bytes a word): a newsroom's everyday
    # vocabulary fits; rarer words beyond it are counted, not kept.
    MAX_WORDS = 50_000
    MAX_LENGTH = 64  # characters: a longer "word" (a URL, a run of initials) is counted, not kept

    def __init__(self, lang: str):
        self.lang = lang
        self.hyphenator = None
        self.key = None
        self.kept = _KeptTable.EMPTY  # the table from the cache, looked up as it is stored
        self.counts: dict[str, int] = {}  # every word this process has counted or looked up
        self.new: dict[str, int] = {}  # words counted with pyphen, not in the kept table
        try:
            from .. import cache

            if cache.enabled():
                self.key = f"{_pyphen_install()}|{lang}".encode()
                loaded = cache.load_table("syllables", _KeptTable.valid, self.key)
                if loaded is not None:
                    self.kept = _KeptTable(loaded)
        except Exception:  # no cache: every word is counted
            pass
        self.saved = len(self.kept)
        self.writes = 0

    def count(self, word: str) -> int:
        n = self.counts.get(word)
        if n is None:
            n = self.kept.get(word)
            if n is None:
                if self.hyphenator is None:
                    import pyphen

                    _warm_pyphen(self.lang)
                    self.hyphenator = pyphen.Pyphen(lang=self.lang)  # what textstat's get_pyphen builds
                n = len(self.hyphenator.positions(word)) + 1
                # pyphen keeps every word's positions (a list of int objects a letter) for
                # the life of the process; the count is all that is needed, and it is kept
                # here: a feed's vocabulary, or one 40,000-letter "word", is not kept twice.
                cache = getattr(getattr(self.hyphenator, "hd", None), "cache", None)
                if isinstance(cache, dict):
                    cache.pop(word.lower(), None)
                if len(word) > self.MAX_LENGTH:
                    return n  # no word: not worth keeping
                if len(self.kept) + len(self.new) < self.MAX_WORDS:
                    self.new[word] = n
            if len(self.counts) < self.MAX_WORDS:
                self.counts[word] = n
        return n

    def count_each(self, words) -> list[int]:
        """``count`` of each of ``words`` (a sized iterable), looked up in C in the counts
        this process has made; only the words missing there go through ``count``."""
        got = list(map(self.counts.get, words))
        if None in got:
            distinct = list(words)
            for k in compress(range(len(got)), map(is_, got, repeat(None))):
                got[k] = self.count(distinct[k])
        return got

    def save_if_grown(self, final: bool = False) -> None:
        """Store the words counted since the table was loaded: during a run, at the first new
        word and then after growth by SAVE_GROWTH; at the end of a process's work
        (``final``), whatever is left. Without that last write a run that met fewer new
        words than a quarter of the table kept none of them, and the table stopped growing:
        a folder of 2,225 articles sent 5,000 words to pyphen on every run."""
        total = len(self.kept) + len(self.new)
        grown = total - self.saved
        if self.key is None or grown < (1 if final else max(self.SAVE_MIN, self.SAVE_GROWTH * self.saved if self.writes else 0)):
            return
        self.writes += 1
        from .. import cache

        def merged(stored):
            # With the table as stored now, not as loaded: the other workers of a run write
            # theirs too.
            words = dict(_KeptTable(stored).items()) if stored is not None else {}
            words.update(self.kept.items())
            words.update(self.new)
            if len(words) > self.MAX_WORDS:
                words = dict(islice(words.items(), self.MAX_WORDS))
            return _KeptTable.pack(words)

        cache.update_table("syllables", _KeptTable.valid, merged, self.key)
        self.saved = total


class _KeptTable:
    """The syllable table as the cache keeps it, looked up without being unpacked.

    Built into a dict, 35,000 words took 7-10 ms of every run (a third of a one-article
    lint) for the few hundred words a story holds. Stored instead as one string of entries
    ``word TAB count-character NEWLINE``, grouped in buckets by a CRC-32 of the word, and
    the offsets where the buckets start: loading makes two objects, and a word is found by
    reading its bucket (about four entries)."""

    __slots__ = ("text", "starts", "buckets", "size")
    BASE = 0x30  # counts are stored as characters from "0" up: never a tab or a line break
    MAX_COUNT = 1000

    def __init__(self, packed: tuple[str, bytes]):
        self.text = packed[0]
        self.starts = array("I")
        self.starts.frombytes(packed[1])
        self.buckets = len(self.starts) - 1
        self.size = self.text.count("\n")

    def __len__(self) -> int:
        return self.size

    def get(self, word: str) -> int | None:
        if self.buckets <= 0:
            return None
        b = crc32(word.encode("utf-8", "surrogatepass")) % self.buckets
        bucket = self.text[self.starts[b] : self.starts[b + 1]]
        probe = word + "\t"
        at = bucket.find(probe)
        while at > 0 and bucket[at - 1] != "\n":  # the end of a longer word
            at = bucket.find(probe, at + 1)
        return ord(bucket[at + len(probe)]) - self.BASE if at >= 0 else None

    def items(self):
        for entry in self.text.split("\n")[:-1] if self.text else ():
            word, count = entry.rsplit("\t", 1)
            yield word, ord(count) - self.BASE

    @classmethod
    def pack(cls, counts: dict[str, int]) -> tuple[str, bytes]:
        kept = [(w, n) for w, n in counts.items() if 0 <= n < cls.MAX_COUNT and "\n" not in w and "\t" not in w]
        size = max(1, len(kept) // 4)  # about four words a bucket: small offsets, short reads
        buckets: list[list[str]] = [[] for _ in range(size)]
        for w, n in kept:
            buckets[crc32(w.encode("utf-8", "surrogatepass")) % size].append(f"{w}\t{chr(cls.BASE + n)}\n")
        starts = array("I", [0])
        parts = []
        for bucket in buckets:
            text = "".join(bucket)
            parts.append(text)
            starts.append(starts[-1] + len(text))
        return "".join(parts), starts.tobytes()

    @classmethod
    def valid(cls, value) -> bool:
        """The shape ``pack`` makes (a check before use, as for every cache entry)."""
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], bytes)):
            return False
        starts = array("I")
        if len(value[1]) % starts.itemsize:
            return False
        starts.frombytes(value[1])
        return len(starts) >= 1 and starts[0] == 0 and starts[-1] == len(value[0])


_KeptTable.EMPTY = _KeptTable(("", array("I", [0]).tobytes()))


class _CmuView:
    """What textstat takes for NLTK's cmudict: word -> [phones], where the phones that end
    in a digit are the syllables; here every word is 'found', with pyphen's count."""

    def __init__(self, syllables: Syllables):
        self.syllables = syllables

    def __getitem__(self, word: str):
        return [("0",) * self.syllables.count(word)]


def _pyphen_install() -> str:
    """What identifies the installed pyphen (its package file's size and time), found
    without importing it: a run whose words are all in the kept table never needs pyphen
    itself (1.5 ms of a one-article run). Raises when pyphen is not installed."""
    import importlib.util

    from ..cache import installed_identity

    spec = importlib.util.find_spec("pyphen")
    if spec is None or not spec.origin:
        raise ImportError("pyphen")
    return installed_identity(spec.origin)


_SYLLABLES: dict[str, Syllables] = {}


def save_learned() -> None:
    """Keep the syllables this process counted that the stored table lacks: called once a
    process has done its work (the end of a run, a pool worker's exit)."""
    for table in _SYLLABLES.values():
        table.save_if_grown(final=True)


def syllables(lang: str) -> Syllables:
    table = _SYLLABLES.get(lang)
    if table is None:
        table = _SYLLABLES[lang] = Syllables(lang)
    return table


def _cmudict_view(lang: str) -> _CmuView:
    return _CmuView(syllables(lang))


# --- Flesch-Kincaid grade without importing textstat --------------------------------------
# The shipped grade-level rule's formula, computed exactly as textstat 0.7's
# ``flesch_kincaid_grade`` does (its word list, sentence count and syllable count, the same
# arithmetic in the same order, so the same float), with syllables from the same pyphen
# patterns. Importing textstat cost 20-60 ms of a one-article run; pyphen alone costs 2.
# ``tests/test_speed_equivalence.py`` checks the figure against textstat's own.
_FK_LANG = "en_US"
_NONCONTRACTION_APOSTROPHE = rx.compile(r"\'(?!" + r"[tsd]|ve|ll|re" + ")")
_PUNCTUATION = rx.compile(r"[^\w\s\']")
_SENTENCE = rx.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_pyphen_dict = None


_WORD_CHAR = rx.compile(r"\w")


def _at_most_two_words(sentence: str) -> bool:
    """Whether textstat's ``list_words(sentence)`` (punctuation but contractions'
    apostrophes removed, then split) has two words or fewer, without cleaning: the cleaning
    removes only characters that are not word characters (and never white space), so a
    white-space-separated token is left with a word only if it holds a word character."""
    search = _WORD_CHAR.search
    # Most sentences: their first three tokens hold a word each, told from three pieces
    # (the fourth is the rest of the sentence, not split).
    first = sentence.split(None, 3)
    if len(first) <= 2:
        return True
    if search(first[0]) and search(first[1]) and search(first[2]):
        return False
    tokens = sentence.split()
    kept = 0
    for token in tokens:
        if search(token):
            kept += 1
            if kept > 2:
                return False
    return True


def flesch_kincaid_grade(text: str) -> float:
    if not text:
        return 0.0
    cleaned = _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text))
    # Lower case splits where the text does: as many words as ``cleaned.split()``.
    words = cleaned.lower().split()
    # textstat's sentences, less those of two words or fewer. Held as a list of strings a
    # moment (found in C, not one match object at a time): the text is an article, or a
    # sample of at most FORMULA_SAMPLE_WORDS words of a longer one.
    sentences = _SENTENCE.findall(text)
    n_sentences = max(1, len(sentences) - sum(map(_at_most_two_words, sentences)))
    sentence_length = len(words) / n_sentences
    # Each distinct word's syllables once, times how often it occurs (the same integer sum).
    tally = Counter(words)
    n_syllables = sum(map(mul, syllables(_FK_LANG).count_each(tally), tally.values()))
    try:
        per_word = n_syllables / len(words)
    except ZeroDivisionError:
        per_word = 0.0
    if sentence_length == 0 or per_word == 0:
        return 0.0
    return (0.39 * sentence_length) + (11.8 * per_word) - 15.59


NATIVE = {"flesch_kincaid_grade": flesch_kincaid_grade}


def _shared_patterns(hd):
    """``hd`` with its patterns' equal (offset, values) pairs made one object: English has
    11,000 patterns but few distinct pairs, and a pair of tuples each was 2.2 MB loaded into
    every run that meets a new word (1 MB now). Pairs holding pyphen's ``DataInt`` (a
    nonstandard hyphenation, which carries more than its value) are left alone."""
    shared: dict = {}
    patterns = hd.patterns
    for key, pair in patterns.items():
        if all(type(v) is int for v in pair[1]):
            patterns[key] = shared.setdefault(pair, pair)
    return hd


def _warm_pyphen(lang: str = "en_US") -> None:
    """Parsing pyphen's English patterns takes 40 ms a run; unpickling them takes 4."""
    try:
        import pyphen

        path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
        if path in pyphen.hdcache:
            return
        from .. import cache

        extra = f"{getattr(pyphen, 'VERSION', getattr(pyphen, '__version__', ''))}|{lang}".encode()
        hd = cache.get_or_build("pyphen", [path], lambda: _shared_patterns(pyphen.HyphDict(path)),
                                lambda v: isinstance(v, pyphen.HyphDict), extra)
        pyphen.hdcache[path] = hd
    except Exception:  # only a speed-up: textstat loads the patterns itself otherwise
        pass


class MetricRule(Rule):
    KIND = "metric"
    FIELDS = {"metric": True, "per": False, "max": False, "min": False, "min_words": False, "count_quotes": False}
    DEFAULT_SCOPE = "all"

    def cost(self, chars: int) -> float:
        if self.metric in COUNTS:
            return 50.0 * chars / 1e6
        # A formula counts syllables in a sample of at most FORMULA_SAMPLE_WORDS words.
        return self.first_use_cost() + 70.0 * min(chars, 1_000_000) / 1e6

    def first_use_cost(self) -> float:
        # Importing textstat (or only pyphen) and loading pyphen's patterns, once per process.
        if self.metric in NATIVE:
            return 5.0 if _FK_LANG not in _SYLLABLES else 0.0
        return 20.0 if self.metric in FORMULAS and _textstat is None else 0.0

    def compile(self, spec: RuleSpec) -> None:
        data = spec.data
        self.metric = data["metric"]
        if self.metric not in COUNTS + FORMULAS:
            raise spec.error(f"unknown metric '{self.metric}' (known: {', '.join(COUNTS + FORMULAS)})", "metric", self.metric)
        self.per = data.get("per", "document")
        if self.per not in UNITS:
            raise spec.error(f"'per' must be one of {', '.join(UNITS)}", "per", self.per)
        has_max, has_min = "max" in data, "min" in data
        if has_max == has_min:
            raise spec.error("give exactly one threshold: 'max' or 'min'")
        key = "max" if has_max else "min"
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise spec.error(f"'{key}' must be a number", key, value)
        self.bound, self.threshold = key, float(value)
        mw = data.get("min_words", 0)
        if isinstance(mw, bool) or not isinstance(mw, int) or mw < 0:
            raise spec.error("'min_words' must be a whole number", "min_words", mw)
        self.min_words = mw
        cq = data.get("count_quotes", True)
        if not isinstance(cq, bool):
            raise spec.error("'count_quotes' must be true or false", "count_quotes", cq)
        self.count_quotes = cq

    def units(self, doc):
        if self.per == "sentence":
            return doc.sentences
        if self.per == "paragraph":
            return doc.paragraphs
        if not doc.paragraphs:
            return []
        return [(doc.paragraphs[0][0], doc.paragraphs[-1][1])]

    def measure(self, doc, start: int, end: int, nwords: int) -> float:
        if self.metric == "words":
            return nwords
        if self.metric == "characters":
            return end - start
        if self.metric == "sentences":
            return sum(1 for s, e in doc.sentences if start <= s < end)
        # A long unit's sample is made without a copy of the whole unit first (the whole
        # document of a 10 MB feed: 19 MiB for nothing).
        text = self._sample(doc, start, end) if nwords > FORMULA_SAMPLE_WORDS else doc.text[start:end]
        native = NATIVE.get(self.metric)
        if native is not None:
            # (Runs of white space count as one there already: no copy to collapse them.)
            return float(native(text))
        return float(getattr(textstat(), self.metric)(" ".join(text.split())))

    @staticmethod
    def _sample(doc, start: int, end: int) -> str:
        """Every n-th sentence of a long unit, about FORMULA_SAMPLE_WORDS words in all."""
        # The sentences that start in [start, end), found by bisection (not copied: a
        # file of 60,000 lines made a list of tuples of 2 MB here).
        starts = doc.sentences.starts
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        total = doc.token_count(start, end)
        step = max(1, round(total / FORMULA_SAMPLE_WORDS))
        return " ".join(doc.text[s:e] for s, e in doc.sentences[lo:hi:step])

    def check(self, doc, ctx):
        # A count of words under its maximum is under it with quotations left out too: most
        # sentences are told apart by their number of tokens alone.
        short = self.threshold if self.metric == "words" and self.bound == "max" else -1
        for start, end in self.units(doc):
            nwords = doc.token_count(start, end)
            if nwords <= short:
                continue
            if not self.count_quotes and doc.quotes and doc.in_quote(start, end):
                nwords = doc.token_count_outside_quotes(start, end)
            if nwords == 0 or nwords < self.min_words:
                continue
            value = self.measure(doc, start, end, nwords)
            if self.metric in FORMULAS:
                for table in _SYLLABLES.values():
                    table.save_if_grown()
            over = value > self.threshold if self.bound == "max" else value < self.threshold
            if not over:
                continue
            span_end = end
            if self.per == "document":  # point at the opening paragraph, not the whole file
                span_end = doc.paragraphs[0][1]
            shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
            yield Hit(start, span_end, (), fields=(("value", shown), ("threshold", f"{self.threshold:g}")))
