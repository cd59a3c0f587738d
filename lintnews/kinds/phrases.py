"""``kind: phrases`` — many words or phrases, matched in one pass however many there are.

Matching works on the Document's word tokens, not on a giant regex: every phrase of every
phrases rule goes into one dictionary keyed by its first word, and one walk over the
tokens looks each word up once. A pack of 10,000 phrases costs about what one of 100
does. Matching is word-bounded and case-insensitive (unless ``case_sensitive: true``);
hyphens and spaces are interchangeable ("so-called" = "so called"); curly and straight
apostrophes are the same; inflected forms are generated (``inflect: false`` turns that off).

YAML fields:
  terms:       {term: suggestion | [suggestions] | {suggest: [...], message: "..."}} or [terms]
  exceptions:  [phrases]  a term inside one of these is not flagged ("exchange-rate regime")
  case_sensitive: false
  inflect:     true
  not_after:   [words]  a match right after one of these words is another sense or part of
               speech ("Republican claims that" is a noun, not "claims" for "said"); a
               term may carry its own list: {suggest: [...], not_after: [was, were]}
  skip_titles: false  true: a match in Title Case inside a sentence is a name or a title
               ("Evil Dead", "the Chaos Computer Club"), not the word, and is not flagged
               (at the start of a sentence or in a headline it still is)
  fix:         safe | unsafe  a term's first suggestion replaces the match (in its case:
               "Slammed" -> "Criticised"); only where the text is the term as written, not an
               inflected form the suggestion does not fit
  no_fix:      [terms]  terms whose first suggestion is not a drop-in replacement
               ("lashed out at" -> "criticised at")
"""

from __future__ import annotations

import os

from bisect import bisect_left, bisect_right
from itertools import compress, count, repeat
from operator import is_
from typing import Iterable

from ..document import TOKEN_RE
from ..finding import Hit, Record
from .base import Rule, RuleSpec, match_case, string_list


def _fold(text: str) -> str:
    """A term as the matcher sees it: lower case, straight apostrophes, hyphen = space."""
    return " ".join(text.lower().replace("’", "'").replace("-", " ").split())

def tokenize(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().replace("’", "'") for m in TOKEN_RE.finditer(phrase))


def base_forms(word: str) -> tuple[str, ...]:
    """``word`` and what it may be an inflection of: plural, third person, past, -ing,
    possessive ("slammed" -> "slam", "batters" -> "batter", "regime's" -> "regime").

    Inflection is undone on the text's words rather than generated for every term, so the
    index holds only the terms as written: small to build, to cache and to load. Stripping
    too much is harmless ("thing" -> "th" matches no term); missing a form is not.
    """
    out = [word]
    w = word
    if w.endswith("'s"):
        w = w[:-2]
        out.append(w)
    n = len(w)
    if n > 3:
        if w.endswith(("ies", "ied")):
            out.append(w[:-3] + "y")
        if w.endswith("es"):
            out.append(w[:-2])
        if w.endswith("s"):
            out.append(w[:-1])
        elif w.endswith("ed"):
            out += (w[:-2], w[:-1])  # blasted -> blast, blamed -> blame
            if w[-3] == w[-4]:
                out.append(w[:-3])  # slammed -> slam
        elif w.endswith("ing") and n > 4:
            out += (w[:-3], w[:-3] + "e")  # blasting -> blast, ruling -> rule
            if w[-4] == w[-5]:
                out.append(w[:-4])  # slamming -> slam
    return tuple(out)


class Term(Record):
    """A term of a phrases rule: as written, its suggestions, its own message (or None),
    the words that must not come just before it. ``verb_form``: a form of a verb term made
    from the inflection table ("slams" for "slammed"): an -s form after a determiner is a
    plural noun ("the slams"), not the verb."""

    __slots__ = ("key", "suggestions", "message", "not_after", "verb_form")

    def __init__(self, key: str, suggestions: tuple[str, ...], message: str | None,
                 not_after: frozenset = frozenset(), verb_form: bool = False):
        self.key = key
        self.suggestions = suggestions
        self.message = message
        self.not_after = not_after
        self.verb_form = verb_form


# --- inflections: one entry covers a word's forms ----------------------------------------

DETERMINERS = frozenset(
    "the a an his her their its our my your these those this that such many several some no any all both "
    "more most few".split()
)


def _category(form: str, lemma: str) -> str:
    if form == lemma:
        return "base"
    if form.endswith("ing"):
        return "ing"
    if form.endswith("s") and not form.endswith("ss"):
        return "s"
    return "past"


def inflection_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(form -> lemma, lemma -> forms) from ``_data/inflections.yaml`` beside the shipped
    packs (written by tools/make_inflections.py). Read when a rule is compiled; compiled
    rules are cached (with the table's content in their key), so a run does not read it."""
    global _TABLE
    from .. import cache
    from ..loader import default_packs_dir

    path = default_packs_dir() / "_data" / "inflections.yaml"
    building = cache.recording()
    if _TABLE is not None and (building is None or os.path.abspath(path) in building):
        return _TABLE[1]
    try:
        # Read once in each build of the rule cache, so that its entry records (and
        # checks) the table it was built with; parsed again only when its text changed.
        raw = cache.read_bytes(path)
    except OSError:
        raw = b""
    if _TABLE is None or _TABLE[0] != raw:
        lemma_of: dict[str, str] = {}
        forms_of: dict[str, tuple[str, ...]] = {}
        lines = raw.decode("utf-8", "replace").splitlines()
        for line in lines:
            lemma, sep, rest = line.partition(": [")
            if not sep or line.startswith("#"):
                continue
            forms = tuple(f.strip() for f in rest.rstrip("]").split(",") if f.strip())
            forms_of[lemma] = forms
            for f in forms:
                lemma_of.setdefault(f, lemma)
        _TABLE = (raw, (lemma_of, forms_of))
    return _TABLE[1]


_TABLE = None


def _forms(word: str) -> tuple[str, tuple[str, ...]]:
    lemma_of, forms_of = inflection_table()
    lemma = lemma_of.get(word, word)
    return lemma, forms_of.get(lemma, ())


def _inflect_like(phrase: str, category: str) -> str:
    """``phrase`` with its first word in ``category``'s form ("criticized" -> "criticizes")."""
    words = phrase.split(" ", 1)
    lemma, forms = _forms(words[0].lower())
    for f in forms:
        if _category(f, lemma) == category:
            words[0] = f
            return " ".join(words)
    return phrase


def term_variants(lower: tuple[str, ...], term: "Term | None"):
    """(tokens, term) for the other forms of a phrase's first word: "slams" for "slammed",
    "struck" for "striking". A base form is made only from a base form ("the slam", "a
    claim" are nouns far more often than verbs), and no "-ing" form is made (a gerund or an
    adjective as often as a verb): a pack lists those it means."""
    lemma, forms = _forms(lower[0])
    if not forms:
        return
    own = _category(lower[0], lemma)
    for f in forms:
        if f == lower[0] or not f.isalpha():
            continue
        cat = _category(f, lemma)
        if cat == "base" and own != "base":
            continue
        if cat == "ing":
            continue  # "-ing" is as often a gerund or an adjective: "complaining customers", "sniffing dogs"
        if term is None:
            yield (f, *lower[1:]), None
            continue
        suggestions = tuple(_inflect_like(sg, cat) for sg in term.suggestions)
        verb = own in ("past", "ing") and cat == "s"
        yield (f, *lower[1:]), Term(term.key, suggestions, term.message, term.not_after, verb)


# An index entry is a plain tuple (tokens, case_sensitive, inflect, payload...): tokens
# lower-cased; what follows is the kind's own (phrases: rule, term; term None marks an
# exception phrase). Tuples keep a 10,000-phrase pack cheap to build, cache and load.


def gap_ok(gap: str) -> bool:
    """Words of one phrase are separated by spaces, one hyphen or one line break."""
    if not gap or len(gap) > 4:
        return False
    hyphens = 0
    newlines = 0
    for c in gap:
        if c in " \t\r":
            continue
        if c in "-‐‑":
            hyphens += 1
        elif c == "\n":
            newlines += 1
        else:
            return False
    return hyphens <= 1 and newlines <= 1


def _merged(rules) -> dict:
    """The indexes of several rules as one, first word -> entries, in rule order."""
    index: dict[str, list] = {}
    for rule in rules:
        for first, entries in rule.own_index().items():
            have = index.get(first)
            index[first] = entries if have is None else have + entries
    return index


def prepare(index: dict) -> dict:
    """Split each first word's entries into one-word phrases and, for longer phrases, a
    table by second word. Lists of thousands of phrases share first words ("the ...",
    "a ..."); without the second level every "the" in the text would try them all."""
    split: dict[str, tuple[list, dict]] = {}
    for first, entries in index.items():
        singles: list = []
        by_second: dict[str, list] = {}
        for entry in entries:
            if len(entry[0]) == 1:
                singles.append(entry)
            else:
                by_second.setdefault(entry[0][1], []).append(entry)
        split[first] = (singles, by_second)
    return split


class _StoredSplit(dict):
    """The packs' shared ``prepare`` split as the cache keeps it: each first word's entries
    stay pickled (bytes) until a document holds that word, and are then loaded once. A run
    reads a few hundred of the 2,400 first words; unpickling all of them (7,000 entries)
    was 10 ms of a one-article run's 14 ms spent loading the packs. An entry names its
    rule by its place in ``rules``, so it is the very rule object loaded with the packs.
    Only ``in``, ``[]`` and ``items`` are used on a split (``scan``, ``own_index``)."""

    __slots__ = ("rules",)

    def __init__(self, rules: tuple, entries: dict):
        dict.__init__(self, entries)
        self.rules = rules

    def __getitem__(self, first: str):
        value = dict.__getitem__(self, first)
        if type(value) is bytes:
            import io

            from ..cache import pickle

            unpickler = pickle.Unpickler(io.BytesIO(value))
            unpickler.persistent_load = self.rules.__getitem__
            value = unpickler.load()
            dict.__setitem__(self, first, value)
        return value

    def get(self, first: str, default=None):
        return self[first] if first in self else default

    def items(self):
        return [(first, self[first]) for first in dict.keys(self)]

    def values(self):
        return [self[first] for first in dict.keys(self)]

    def __reduce__(self):
        import io

        from ..cache import pickle

        place = {id(rule): i for i, rule in enumerate(self.rules)}
        stored = {}
        for first, value in dict.items(self):
            if type(value) is not bytes:
                buf = io.BytesIO()
                pickler = pickle.Pickler(buf, protocol=-1)  # -1: the highest
                pickler.persistent_id = lambda obj: place.get(id(obj)) if isinstance(obj, PhrasesRule) else None
                pickler.dump(value)
                value = buf.getvalue()
            stored[first] = value
        return (_StoredSplit, (self.rules, stored))


# Memos shared by every scan in this process: a word's base forms, and per prepared index,
# a word's forms that start a phrase there (usually none). Words recur within a story and
# across a folder, so each distinct word is looked at once, not at every occurrence.
MEMO_MAX = 200_000  # distinct words kept; a memo beyond it starts again (a 100 MB feed)
_FORMS: dict[str, tuple[str, ...]] = {}
_FIRSTS: dict[int, tuple[dict, dict, frozenset | None]] = {}
# A split with at most this many first words (a consistency rule's variant spellings) has
# its words' inflected forms listed: a story's words are matched against that small set,
# which stays in the CPU's caches, and only the few found go to the memo, whose look-ups
# of every distinct word of a story (a dict of 30,000 words) cost 400-650 ns each.
SMALL_SPLIT = 256


def _firsts(split: dict) -> tuple[dict, frozenset | None]:
    """The memo of ``split`` (word -> the phrases it may start), and for a small split the
    set of every word that may start one (``inflected_forms``; None for a large one)."""
    got = _FIRSTS.get(id(split))
    if got is None or got[0] is not split:
        surfaces = inflected_forms(split) if len(split) <= SMALL_SPLIT else None
        got = _FIRSTS[id(split)] = (split, {}, surfaces)
    memo = got[1]
    if len(memo) > MEMO_MAX:
        memo.clear()
    return memo, got[2]


def inflected_forms(firsts) -> frozenset[str]:
    """Every word ``base_forms`` may take back to one of ``firsts``: a superset (a word
    outside it has no base form among them), made by inflecting each the ways
    ``base_forms`` undoes, with and without a possessive "'s"."""
    out: set[str] = set()
    for k in firsts:
        if not k:
            continue
        forms = [k, k + "s", k + "es", k + "ed", k + "d", k + k[-1] + "ed", k + "ing", k + k[-1] + "ing"]
        if k.endswith("y"):
            forms += (k[:-1] + "ies", k[:-1] + "ied")
        if k.endswith("e"):
            forms.append(k[:-1] + "ing")
        out.update(forms)
        out.update(f + "'s" for f in forms)
    return frozenset(out)


def scan(split: dict, doc) -> Iterable[tuple]:
    """One walk over the document's tokens: every (entry, start, end) whose phrase occurs.

    ``split`` is ``prepare(index)``, where an index maps a lower-cased first word to entries
    (see above). With ``inflect``, the first word of a phrase may be inflected ("lashed
    out") and so may its last ("death taxes"). Exact matches come before inflected ones at
    the same place.
    """
    cols = doc._token_columns
    starts, ids, vocab, sizes = cols.starts, cols.ids, cols.words, cols.sizes  # a token ends at its start and its word's size
    text = doc.text
    ntok = len(ids)
    forms_of = _FORMS
    if len(forms_of) > MEMO_MAX:
        forms_of.clear()
    firsts, surfaces = _firsts(split)

    def forms(word: str) -> tuple[str, ...]:
        f = forms_of.get(word)
        if f is None:
            f = forms_of[word] = base_forms(word)
        return f

    # The phrases each distinct word may start, looked up once a word of the vocabulary,
    # then by number at each token (a list's item, the quickest look-up there is). A
    # small split's words are first told apart by its set of inflected forms: the others
    # start nothing.
    if surfaces is None:
        starting = list(map(firsts.get, vocab))
        missing = compress(count(), map(is_, starting, repeat(None)))
    else:
        starting = [()] * len(vocab)
        missing = []
        for k in compress(count(), map(surfaces.__contains__, vocab)):
            got = starting[k] = firsts.get(vocab[k])
            if got is None:
                missing.append(k)
    for k in missing:
        # Not through ``forms``: every distinct word of a feed passes here once, and
        # only the words read after a phrase's first word need their forms kept.
        low = vocab[k]
        starting[k] = firsts[low] = tuple((form, split[form]) for form in base_forms(low) if form in split)
    for i, word_id in enumerate(ids):
        starts_here = starting[word_id]
        if not starts_here:  # most words start no phrase
            continue
        low = vocab[word_id]
        start = starts[i]
        end = start + sizes[word_id]
        second = vocab[ids[i + 1]] if i + 1 < ntok else ""  # the next word, read once
        for form, pair in starts_here:
            exact_first = form == low
            singles, by_second = pair
            candidates = singles
            if by_second and i + 1 < ntok:
                seconds = forms(second)
                if len(seconds) == 1:
                    more = by_second.get(seconds[0])
                else:
                    more = [e for f2 in dict.fromkeys(seconds) for e in by_second.get(f2, ())]
                if more:
                    candidates = singles + more
            for entry in candidates:
                phrase, case_sensitive, inflect = entry[0], entry[1], entry[2]
                if not exact_first and not inflect:
                    continue
                n = len(phrase)
                if i + n > ntok:
                    continue
                ok = True
                last_end = end  # of the phrase's words read so far
                for k in range(1, n):
                    word = second if k == 1 else vocab[ids[i + k]]
                    if word != phrase[k] and not (k == n - 1 and exact_first and inflect and phrase[k] in forms(word)):
                        ok = False
                        break
                    at = starts[i + k]
                    if not gap_ok(text[last_end:at]):
                        ok = False
                        break
                    last_end = at + sizes[ids[i + k]]
                if not ok:
                    continue
                if case_sensitive and not _same_case(entry[-1], text, start, last_end):
                    continue
                yield entry, start, last_end


class _Covering:
    """Does one of these spans contain [start, end)? Answered with a search, not by trying
    every span: a long feed has thousands of exception phrases and of hits."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest end of the spans up to each one
        furthest = -1
        for _, e in spans:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def __call__(self, start: int, end: int) -> bool:
        k = bisect_right(self.starts, start)
        return k > 0 and self.reach[k - 1] >= end


def _same_case(written: tuple[str, ...], text: str, start: int, end: int) -> bool:
    """The words as the document writes them are the term's words, case and all (inflected or not)."""
    found = [t.replace("’", "'") for t in TOKEN_RE.findall(text, start, end)]
    return len(found) == len(written) and all(f == w or w in base_forms(f) for f, w in zip(found, written))


def _word_set(words: list[str]) -> frozenset:
    return frozenset(w.lower().replace("’", "'") for w in words)


def _after_one_of(doc, start: int, words: frozenset) -> bool:
    prev = _previous_word(doc, start)
    return prev in words or (prev.endswith("'s") and "'s" in words)


def _previous_word(doc, start: int) -> str:
    """The word before offset ``start`` in its sentence ("" at a sentence's start)."""
    k = bisect_left(doc.token_starts, start) - 1
    if k < 0:
        return ""
    if not doc.text[doc.token_end(k) : start].strip(" \t\r\n-"):
        return doc.vocabulary[doc.token_ids[k]]
    return ""  # punctuation between: the match opens a new phrase


def _is_title(doc, start: int, end: int) -> bool:
    """Every word capitalised, inside a sentence (not its first word) and not a headline."""
    words = TOKEN_RE.findall(doc.text, start, end)
    if not words or not all(w[0].isupper() for w in words):
        return False
    s0 = doc.sentences[doc.sentence_index(start)][0] if doc.sentences else 0
    if not doc.text[s0:start].strip(" \t\r\n\"'“‘([—–-"):
        return False  # the first word of its sentence is capitalised anyway
    return not doc.in_headline(start, end)


class PhrasesRule(Rule):
    KIND = "phrases"
    FIELDS = {
        "terms": True,
        "exceptions": False,
        "case_sensitive": False,
        "inflect": False,
        "skip_titles": False,
        "no_fix": False,
        "not_after": False,
    }
    BATCHED = True
    FIXABLE = True
    FIX_IN_DIALECT = True

    @classmethod
    def unit_cost(cls, rules, chars):
        return 70.0 * chars / 1e6  # one pass over the tokens, however many rules and terms

    def compile(self, spec: RuleSpec) -> None:
        data = spec.data
        self.case_sensitive = bool(data.get("case_sensitive", False))
        self.inflect = bool(data.get("inflect", True))
        self.skip_titles = bool(data.get("skip_titles", False))
        for key in ("case_sensitive", "inflect", "skip_titles"):
            if key in data and not isinstance(data[key], bool):
                raise spec.error(f"'{key}' must be true or false", key, data[key])
        raw = data["terms"]
        terms: list[Term] = []
        if isinstance(raw, list):
            for item in raw:
                if not isinstance(item, (str, int, float)):
                    raise spec.error("each entry of 'terms' must be a word or phrase", "terms", item)
                terms.append(Term(str(item), (), None))
        elif isinstance(raw, dict):
            for key, value in raw.items():
                suggestions: list[str]
                message = None
                not_after: frozenset = frozenset()
                if isinstance(value, dict):
                    unknown = set(value) - {"suggest", "message", "not_after"}
                    if unknown:
                        raise spec.error(
                            f"term '{key}': unknown key '{sorted(unknown)[0]}' (use 'suggest', 'message' and 'not_after')",
                            "terms",
                            key,
                        )
                    suggestions = string_list(spec, "suggest", value.get("suggest"))
                    not_after = _word_set(string_list(spec, "not_after", value.get("not_after")))
                    message = value.get("message")
                    if message is not None and not isinstance(message, str):
                        raise spec.error(f"term '{key}': 'message' must be a string", "terms", key)
                else:
                    suggestions = string_list(spec, f"terms: {key}", value)
                terms.append(Term(str(key), tuple(suggestions), message, not_after))
        else:
            raise spec.error("'terms' must be a mapping of term to suggestions, or a list of terms", "terms", raw)
        if not terms:
            raise spec.error("'terms' is empty", "terms", raw)
        self.terms = terms
        no_fix = string_list(spec, "no_fix", data.get("no_fix"))
        if no_fix and not self.fix:
            raise spec.error("'no_fix' lists terms to leave out of the rule's 'fix', but the rule has no 'fix'", "no_fix")
        keys = {_fold(t.key) for t in terms}
        for item in no_fix:
            if _fold(item) not in keys:
                raise spec.error(f"'no_fix': '{item}' is not one of the rule's terms", "no_fix", item)
        self.no_fix = frozenset(_fold(x) for x in no_fix)
        self.exceptions = string_list(spec, "exceptions", data.get("exceptions"))
        self.not_after = _word_set(string_list(spec, "not_after", data.get("not_after")))
        for term in terms:
            if not tokenize(term.key):
                raise spec.error(f"term '{term.key}' has no words in it", "terms", term.key)
        self.build_index()

    def build_index(self) -> None:
        """First word -> entries, built once when the rule is compiled (and cached with it)."""
        index: dict[str, list[tuple]] = {}
        explicit = {tuple(t.lower() for t in tokenize(term.key)) for term in self.terms}
        for term in self.terms:
            written = tokenize(term.key)
            lower = tuple(t.lower() for t in written)
            index.setdefault(lower[0], []).append((lower, self.case_sensitive, self.inflect, self, term, written))
            if self.inflect and not self.case_sensitive:
                for tokens, variant in term_variants(lower, term):
                    if tokens not in explicit:  # a form the pack lists itself has its own suggestions
                        explicit.add(tokens)
                        index.setdefault(tokens[0], []).append((tokens, False, False, self, variant, tokens))
        for phrase in self.exceptions:
            written = tokenize(phrase)
            lower = tuple(t.lower() for t in written)
            if lower:
                index.setdefault(lower[0], []).append((lower, False, self.inflect, self, None, written))
                if self.inflect:
                    for tokens, _ in term_variants(lower, None):
                        index.setdefault(tokens[0], []).append((tokens, False, False, self, None, tokens))
        self.index = index

    def own_index(self) -> dict[str, list[tuple]]:
        """This rule's index: its own, or, once it is part of a shared index, taken back out
        of that (the entries of each first word in their order, one-word phrases first:
        ``prepare`` makes the same split of it)."""
        if self.index is None:
            index: dict[str, list[tuple]] = {}
            for first, (singles, by_second) in self.shared_index[1].items():
                mine = [e for e in singles if e[3] is self]
                for entries in by_second.values():
                    mine.extend(e for e in entries if e[3] is self)
                if mine:
                    index[first] = mine
            self.index = index
        return self.index

    def check(self, doc, ctx):
        for _rule, hit in self.check_all([self], doc, ctx):
            yield hit

    @classmethod
    def compiled_together(cls, rules) -> None:
        # The index of every phrase rule of the packs together, prepared once and cached
        # with them (merging and preparing ~7,000 entries cost 10 ms of a one-article run);
        # a run that selects only some of them, or adds others, merges its own. Each rule's
        # own index is dropped meanwhile (``own_index`` takes it back out of the shared
        # one): kept beside it, it was half of the time spent loading the cached packs.
        shared = (tuple(rules), _StoredSplit(tuple(rules), prepare(_merged(rules))))
        for rule in rules:
            rule.shared_index = shared
            rule.index = None

    @classmethod
    def check_all(cls, rules, doc, ctx):
        shared = getattr(rules[0], "shared_index", None) if rules else None
        if shared is not None and len(shared[0]) == len(rules) and all(a is b for a, b in zip(shared[0], rules)):
            split = shared[1]
        else:
            key = ("phrases-index", tuple(id(r) for r in rules))
            split = ctx.cache.get(key)
            if split is None:
                split = ctx.cache[key] = prepare(_merged(rules))
        hits: dict[int, list[tuple[int, int, Term]]] = {}
        excepted: dict[int, list[tuple[int, int]]] = {}
        for (tokens, _cs, _inflect, rule, term, _written), start, end in scan(split, doc):
            if term is None:
                excepted.setdefault(id(rule), []).append((start, end))
            else:
                hits.setdefault(id(rule), []).append((start, end, term, tokens))
        for rule in rules:
            rule_hits = hits.get(id(rule))
            if not rule_hits:
                continue
            covered = _Covering(excepted.get(id(rule), ()))
            # Longest match wins where terms of one rule overlap ("Assad regime" over "regime").
            rule_hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
            last_end = -1
            for start, end, term, tokens in rule_hits:
                if start < last_end:
                    continue
                if covered(start, end):
                    continue
                if rule.skip_titles and _is_title(doc, start, end):
                    continue
                if (rule.not_after or term.not_after) and _after_one_of(doc, start, rule.not_after | term.not_after):
                    continue
                if term.verb_form and _previous_word(doc, start) in DETERMINERS:
                    continue
                last_end = end
                fix = None
                if rule.fix and term.suggestions:
                    written = doc.text[start:end]
                    # Only where the text is the entry as listed (or a form made with its own
                    # suggestion, "slams" -> "criticizes"), not a form matched by undoing an
                    # inflection, which the suggestion may not fit.
                    if _fold(written) == " ".join(tokens) and _fold(term.key) not in rule.no_fix:
                        fix = match_case(written, term.suggestions[0])
                yield rule, Hit(start, end, term.suggestions, term.message, (("term", term.key),), fix)
