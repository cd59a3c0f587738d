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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..document import TOKEN_RE
from ..finding import Hit
from .base import Rule, RuleSpec, string_list

VOWELS = set("aeiou")


def tokenize(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().replace("’", "'") for m in TOKEN_RE.finditer(phrase))


def inflections(word: str) -> set[str]:
    """Plural, third-person, past and -ing forms (and possessive) of ``word``.

    Over-generating is harmless ("pariahed" never occurs); missing a real form is not.
    """
    w = word
    lw = w.lower()
    forms = {w, w + "'s"}
    if not lw.isalpha():
        return forms
    if lw.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(w + "es")
    elif len(lw) > 2 and lw.endswith("y") and lw[-2] not in VOWELS:
        forms.update({w[:-1] + "ies", w[:-1] + "ied"})
    else:
        forms.add(w + "s")
    if lw.endswith("e"):
        forms.update({w + "d", w[:-1] + "ing"})
    else:
        forms.update({w + "ed", w + "ing"})
        if len(lw) >= 3 and lw[-1] not in VOWELS | {"w", "x", "y"} and lw[-2] in VOWELS and lw[-3] not in VOWELS:
            forms.update({w + w[-1] + "ed", w + w[-1] + "ing"})  # slam -> slammed, slamming
    return forms


def phrase_forms(tokens: tuple[str, ...], inflect: bool) -> set[tuple[str, ...]]:
    if not inflect or not tokens:
        return {tokens}
    forms = {tokens[:-1] + (f,) for f in inflections(tokens[-1])}
    if len(tokens) > 1:  # "lash out" -> "lashed out"
        forms |= {(f,) + tokens[1:] for f in inflections(tokens[0])}
    return forms


@dataclass(frozen=True)
class Term:
    key: str
    suggestions: tuple[str, ...]
    message: str | None


@dataclass(frozen=True)
class Entry:
    tokens: tuple[str, ...]  # lower-cased unless the rule is case-sensitive
    rule_index: int
    term: Term | None  # None: an exception phrase
    case_sensitive: bool


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


def scan(index: dict, doc) -> Iterable[tuple]:
    """One walk over the document's tokens: every (entry, start, end) whose phrase occurs.

    ``index`` maps a lower-cased first word to entries with a ``tokens`` tuple and a
    ``case_sensitive`` flag (see Entry).
    """
    tokens = doc.tokens
    text = doc.text
    ntok = len(tokens)
    for i, (start, _end, low) in enumerate(tokens):
        entries = index.get(low)
        if not entries:
            continue
        for entry in entries:
            n = len(entry.tokens)
            if i + n > ntok:
                continue
            ok = True
            for k in range(1, n):
                tk = tokens[i + k]
                if tk[2] != entry.tokens[k].lower() or not gap_ok(text[tokens[i + k - 1][1] : tk[0]]):
                    ok = False
                    break
            if not ok:
                continue
            last_end = tokens[i + n - 1][1]
            if entry.case_sensitive:
                found = tuple(t.replace("’", "'") for t in TOKEN_RE.findall(text, start, last_end))
                if found != entry.tokens:
                    continue
            yield entry, start, last_end


class PhrasesRule(Rule):
    KIND = "phrases"
    FIELDS = {"terms": True, "exceptions": False, "case_sensitive": False, "inflect": False}
    BATCHED = True

    def compile(self, spec: RuleSpec) -> None:
        data = spec.data
        self.case_sensitive = bool(data.get("case_sensitive", False))
        self.inflect = bool(data.get("inflect", True))
        for key in ("case_sensitive", "inflect"):
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
                if isinstance(value, dict):
                    unknown = set(value) - {"suggest", "message"}
                    if unknown:
                        raise spec.error(
                            f"term '{key}': unknown key '{sorted(unknown)[0]}' (use 'suggest' and 'message')",
                            "terms",
                            key,
                        )
                    suggestions = string_list(spec, "suggest", value.get("suggest"))
                    message = value.get("message")
                    if message is not None and not isinstance(message, str):
                        raise spec.error(f"term '{key}': 'message' must be a string", "terms", key)
                else:
                    suggestions = string_list(spec, f"terms: {key}", value)
                terms.append(Term(str(key), tuple(suggestions), message))
        else:
            raise spec.error("'terms' must be a mapping of term to suggestions, or a list of terms", "terms", raw)
        if not terms:
            raise spec.error("'terms' is empty", "terms", raw)
        self.terms = terms
        self.exceptions = string_list(spec, "exceptions", data.get("exceptions"))
        for term in terms:
            if not tokenize(term.key):
                raise spec.error(f"term '{term.key}' has no words in it", "terms", term.key)

    def entries(self, rule_index: int) -> Iterable[Entry]:
        cs = self.case_sensitive
        for term in self.terms:
            base = tokenize(term.key)
            if not cs:
                base = tuple(t.lower() for t in base)
            for form in phrase_forms(base, self.inflect):
                yield Entry(form, rule_index, term, cs)
        for phrase in self.exceptions:
            base = tuple(t.lower() for t in tokenize(phrase))
            if base:
                for form in phrase_forms(base, self.inflect):
                    yield Entry(form, rule_index, None, False)

    def check(self, doc, ctx):
        for _rule, hit in self.check_all([self], doc, ctx):
            yield hit

    @classmethod
    def check_all(cls, rules, doc, ctx):
        key = ("phrases-index", tuple(id(r) for r in rules))
        index = ctx.cache.get(key)
        if index is None:
            index = {}
            for i, rule in enumerate(rules):
                for entry in rule.entries(i):
                    index.setdefault(entry.tokens[0].lower(), []).append(entry)
            ctx.cache[key] = index
        hits: dict[int, list[tuple[int, int, Term]]] = {}
        excepted: dict[int, list[tuple[int, int]]] = {}
        for entry, start, end in scan(index, doc):
            if entry.term is None:
                excepted.setdefault(entry.rule_index, []).append((start, end))
            else:
                hits.setdefault(entry.rule_index, []).append((start, end, entry.term))
        for ri, rule_hits in hits.items():
            rule = rules[ri]
            spans = excepted.get(ri, [])
            # Longest match wins where terms of one rule overlap ("Assad regime" over "regime").
            rule_hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
            last_end = -1
            for start, end, term in rule_hits:
                if start < last_end:
                    continue
                if any(s <= start and end <= e for s, e in spans):
                    continue
                last_end = end
                yield rule, Hit(start, end, term.suggestions, term.message, (("term", term.key),))
