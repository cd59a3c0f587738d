r"""``kind: repetition`` — a word written twice in a row ("the the").

A word is a run of letters; the second may differ from the first in case ("The the"), and
only spaces or tabs stand between them. Words that may repeat in good English ("had had",
"that that") are listed under ``allow``. With ``fix``, the second word goes, unless it
starts with a capital: "Sirhan Sirhan" and "Duran Duran" are names, which the finding asks
an editor to look at, not a slip to fix.

YAML fields:
  allow:  [words that may be written twice], matched in any case
  fix:    safe | unsafe

The rule is a regular expression with a back-reference (``pattern``, built from ``allow``
and run as a ``kind: pattern`` rule is, with its time limit). A back-reference is tried at
every word, and in the ``regex`` engine that made this one rule a twentieth of a folder
run. Where every character outside ASCII is punctuation, a space or a symbol, the ``regex``
and ``re`` engines read words, word boundaries and case alike, and the lines of such text
are searched by ``re`` (a third of the time) with the same results: the allowed words are
left out as the pattern's look-behind leaves them out, and the fix is made as
``fix_when`` makes it. Other lines are searched by the pattern itself.
"""

from __future__ import annotations

import re
import unicodedata

from .. import rx
from ..finding import Hit
from .base import RuleSpec, string_list
from .pattern import PatternRule, time_limit

# A word repeated, on text whose word characters are all ASCII letters and digits (the
# allowed words are taken out afterwards: a look-ahead for them at every word cost more
# than the search).
_ASCII_REPEAT_RE = rx.compile(r"\b([A-Za-z]++)[ \t]++(?i:\1)\b", re.ASCII)
# Characters outside ASCII that can be left to that search: in neither engine a word
# character, nor the same letter as one in another case. Any other makes its line the
# pattern's. (The commonest ones are skipped by the search for the others.)
_SAFE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "Cc"})
_OTHER_RE = rx.compile("[^\x00-\x7f\u00a0\u00a3\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac]")
_SAFE: dict[str, bool] = {}


def _safe(c: str) -> bool:
    ok = _SAFE.get(c)
    if ok is None:
        ok = _SAFE[c] = unicodedata.category(c) in _SAFE_CATEGORIES
    return ok


def ascii_stretches(text: str):
    """(start, end, plain) of the text in order, in whole lines: ``plain`` where every
    character outside ASCII is a safe one (``_safe``)."""
    n = len(text)
    at = 0  # where the stretch being made starts
    search = _OTHER_RE.search
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            break
        pos = m.end()
        if _safe(m.group()):
            continue
        line = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.start())
        end = n if end < 0 else end + 1
        if line > at:
            yield at, line, True
        yield line, end, False
        at = pos = end
    if at < n:
        yield at, n, True


class RepetitionRule(PatternRule):
    KIND = "repetition"
    FIELDS = {"allow": False}

    def compile(self, spec: RuleSpec) -> None:
        given = spec.data.get("allow")
        allow = string_list(spec, "allow", given)
        for raw, word in zip(given if isinstance(given, list) else [given] * bool(allow), allow):
            if not isinstance(raw, str):  # YAML reads a bare no, yes, on or off as true or false
                raise spec.error(f"'allow' lists words, but YAML read one as {str(raw).lower()}: quote no, yes, on "
                                 "and off ('no')", "allow", given)
            if not word.isalpha():
                raise spec.error(f"'allow' lists words of letters only, not '{word}'", "allow", given)
        # The pattern the rule is: a word, spaces or tabs, the word again in any case, and
        # not one of the allowed words (read back from the match's end, as a whole word).
        source = r"\b([^\W\d_]++)[ \t]+(?i:\1)\b"
        if allow:
            source += r"(?<!(?i:\b(?:" + "|".join(allow) + r"))[ \t]+\w+)"
        data = {"pattern": source, "case_sensitive": True}
        if self.fix:
            data.update(replace=r"\1", fix_when=r"\S+[ \t]+\p{Ll}")
        super().compile(RuleSpec(data, spec.path, spec.mark))
        self.allow = frozenset(w.lower() for w in allow)
        # Allowed words outside ASCII are matched in any case as the pattern matches them:
        # the plain search is left alone then.
        self.plain = all(w.isascii() for w in allow)

    def check(self, doc, ctx):
        text = doc.text
        found: list[tuple[int, int, str | None]] = []
        try:
            for a, b, plain in ascii_stretches(text) if self.plain else ((0, len(text), False),):
                found.extend(self._plain(text, a, b) if plain else self._searched(text, a, b))
        except TimeoutError:
            raise self.timed_out(text) from None
        for start, end, fix in found:
            yield Hit(start, end, self.suggestions, fix=fix)

    def _searched(self, text: str, a: int, b: int) -> list[tuple[int, int, str | None]]:
        """The pattern's matches in ``text[a:b]``, with their fixes as ``kind: pattern`` makes them."""
        if self.fix:
            return self._with_fixes(text, a, b)
        return [(m.start(), m.end(), None) for m in self.regex.finditer(text, a, b, timeout=time_limit(len(text)))]

    def _plain(self, text: str, a: int, b: int) -> list[tuple[int, int, str | None]]:
        out = []
        allow = self.allow
        for m in _ASCII_REPEAT_RE.finditer(text, a, b):
            word = m.group(1)
            if word.lower() in allow:
                continue
            start, end = m.span()
            # ``fix_when``: the second word starts with a lower-case letter
            fix = word if self.fix and text[end - len(word)].islower() else None
            out.append((start, end, fix))
        return out
