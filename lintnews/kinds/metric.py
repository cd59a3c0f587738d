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

            _count_syllables.get_cmudict = lambda lang: None  # pyphen for every word, no download
        except ImportError:  # older textstat uses pyphen already
            pass
        _warm_pyphen()
        _textstat = ts
    return _textstat


def _warm_pyphen(lang: str = "en_US") -> None:
    """Parsing pyphen's English patterns takes 40 ms a run; unpickling them takes 4."""
    try:
        import pyphen

        path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
        if path in pyphen.hdcache:
            return
        from .. import cache

        extra = f"{getattr(pyphen, 'VERSION', getattr(pyphen, '__version__', ''))}|{lang}".encode()
        hd = cache.get_or_build("pyphen", [path], lambda: pyphen.HyphDict(path),
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
        # Importing textstat and loading pyphen's patterns, once per process.
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
        text = doc.text[start:end]
        if self.metric == "characters":
            return len(text)
        if self.metric == "sentences":
            return sum(1 for s, e in doc.sentences if start <= s < end)
        if nwords > FORMULA_SAMPLE_WORDS:
            text = self._sample(doc, start, end)
        return float(getattr(textstat(), self.metric)(" ".join(text.split())))

    @staticmethod
    def _sample(doc, start: int, end: int) -> str:
        """Every n-th sentence of a long unit, about FORMULA_SAMPLE_WORDS words in all."""
        sentences = [(s, e) for s, e in doc.sentences if start <= s < end]
        total = len(doc.tokens_in(start, end))
        step = max(1, round(total / FORMULA_SAMPLE_WORDS))
        return " ".join(doc.text[s:e] for s, e in sentences[::step])

    def check(self, doc, ctx):
        for start, end in self.units(doc):
            words = doc.tokens_in(start, end)
            if not self.count_quotes and doc.quotes and doc.in_quote(start, end):
                words = [t for t in words if not doc.in_quote(t[0], t[1])]
            nwords = len(words)
            if nwords == 0 or nwords < self.min_words:
                continue
            value = self.measure(doc, start, end, nwords)
            over = value > self.threshold if self.bound == "max" else value < self.threshold
            if not over:
                continue
            span_end = end
            if self.per == "document":  # point at the opening paragraph, not the whole file
                span_end = doc.paragraphs[0][1]
            shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
            yield Hit(start, span_end, (), fields=(("value", shown), ("threshold", f"{self.threshold:g}")))
