"""``kind: consistency`` — declared variant sets where a document must pick one.

Each set lists spellings of one thing ("toward"/"towards", "Qassem"/"Qasem"). The form a
document uses most is taken as its choice; every occurrence of another form is flagged
with that form as the suggestion. On a tie the form used first wins.

YAML fields:
  variants: [[form, form, ...], ...]
  case_sensitive: false
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..finding import Hit
from .base import Rule, RuleSpec
from .phrases import phrase_forms, scan, tokenize


@dataclass(frozen=True)
class VariantEntry:
    tokens: tuple[str, ...]
    set_index: int
    form: str
    case_sensitive: bool


class ConsistencyRule(Rule):
    KIND = "consistency"
    FIELDS = {"variants": True, "case_sensitive": False}
    DEFAULT_SCOPE = "narration"

    def compile(self, spec: RuleSpec) -> None:
        raw = spec.data["variants"]
        if not isinstance(raw, list) or not raw:
            raise spec.error("'variants' must be a list of lists of spellings", "variants", raw)
        cs = spec.data.get("case_sensitive", False)
        if not isinstance(cs, bool):
            raise spec.error("'case_sensitive' must be true or false", "case_sensitive", cs)
        self.sets: list[list[str]] = []
        self.index: dict[str, list[VariantEntry]] = {}
        for i, group in enumerate(raw):
            if not isinstance(group, list) or len(group) < 2 or not all(isinstance(x, str) and tokenize(x) for x in group):
                raise spec.error("each variant set must list two or more spellings", "variants", group)
            self.sets.append([str(x) for x in group])
            bases = {}
            for form in group:
                base = tokenize(form)
                bases[form] = base if cs else tuple(t.lower() for t in base)
            for form, base in bases.items():
                # "towards" is an inflection of "toward" by spelling, but here it is the rival form.
                others = {b for f, b in bases.items() if f != form}
                for tokens in phrase_forms(base, inflect=True) - others:
                    entry = VariantEntry(tokens, i, str(form), cs)
                    self.index.setdefault(tokens[0].lower(), []).append(entry)

    def check(self, doc, ctx):
        found: dict[int, list[tuple[int, int, str]]] = {}
        for entry, start, end in scan(self.index, doc):
            found.setdefault(entry.set_index, []).append((start, end, entry.form))
        for set_index, occurrences in found.items():
            occurrences.sort()
            # Drop shorter matches inside longer ones ("per cent" vs "cent").
            kept, last_end = [], -1
            for occ in occurrences:
                if occ[0] >= last_end:
                    kept.append(occ)
                    last_end = occ[1]
            counts = Counter(form for _, _, form in kept)
            if len(counts) < 2:
                continue
            first_seen = {}
            for _, _, form in kept:
                first_seen.setdefault(form, len(first_seen))
            chosen = max(counts, key=lambda f: (counts[f], -first_seen[f]))
            for start, end, form in kept:
                if form != chosen:
                    yield Hit(start, end, (chosen,), fields=(("chosen", chosen), ("count", str(counts[chosen]))))
