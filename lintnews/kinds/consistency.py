"""``kind: consistency`` — declared variant sets where a document must pick one.

Each set lists spellings of one thing ("toward"/"towards", "Qassem"/"Qasem"). The form a
document uses most is taken as its choice; every occurrence of another form is flagged
with that form as the suggestion. On a tie the form used first wins.

A set may name the house's own spelling (``house:``): when the document uses it, it is the
document's choice however often the others appear, and with ``fix:`` the other forms are
replaced by it. A set without a house spelling offers no fix: the majority is a guess.

YAML fields:
  variants: [[form, form, ...], ...]
  case_sensitive: false
  house:    [form, ...]   at most one form of each set: the house spelling
  fix:      safe | unsafe (needs ``house``)
"""

from __future__ import annotations

from collections import Counter

from ..finding import Hit
from .base import Rule, RuleSpec, match_case, string_list
from .phrases import prepare, scan, tokenize


PLAIN_ENDINGS = ("", "s", "'s", "’s", "s'", "s’")


class ConsistencyRule(Rule):
    KIND = "consistency"
    FIELDS = {"variants": True, "case_sensitive": False, "house": False}
    FIXABLE = True
    DEFAULT_SCOPE = "narration"
    COST_PER_MB = 60.0

    def compile(self, spec: RuleSpec) -> None:
        raw = spec.data["variants"]
        if not isinstance(raw, list) or not raw:
            raise spec.error("'variants' must be a list of lists of spellings", "variants", raw)
        cs = spec.data.get("case_sensitive", False)
        if not isinstance(cs, bool):
            raise spec.error("'case_sensitive' must be true or false", "case_sensitive", cs)
        self.sets: list[list[str]] = []
        # first word -> (tokens, case_sensitive, inflect, set, form, as written); see phrases.scan
        self.index: dict[str, list[tuple]] = {}
        for i, group in enumerate(raw):
            if not isinstance(group, list) or len(group) < 2 or not all(isinstance(x, str) and tokenize(x) for x in group):
                raise spec.error("each variant set must list two or more spellings", "variants", group)
            self.sets.append([str(x) for x in group])
            for form in group:
                written = tokenize(form)
                lower = tuple(t.lower() for t in written)
                self.index.setdefault(lower[0], []).append((lower, cs, True, i, str(form), written))
        self._split = prepare(self.index)
        self.case_sensitive = cs
        # set index -> the house spelling of that set
        self.house: dict[int, str] = {}
        for form in string_list(spec, "house", spec.data.get("house")):
            sets = [i for i, group in enumerate(self.sets) if form in group]
            if not sets:
                raise spec.error(f"'house': '{form}' is not a form in any of the rule's variant sets", "house", form)
            for i in sets:
                if i in self.house:
                    raise spec.error(
                        f"'house': the set {self.sets[i]} has two house spellings, '{self.house[i]}' and '{form}'", "house", form
                    )
                self.house[i] = form
        if self.fix and not self.house:
            raise spec.error("a consistency rule's 'fix' needs 'house': the spelling to fix towards", "fix", spec.data["fix"])

    def _replacement(self, written: str, form: str, chosen: str) -> str | None:
        """``written`` (an occurrence of ``form``) spelt ``chosen``: "Kiev" -> "Kyiv", and
        "Kiev's" -> "Kyiv's", "centres" -> "centers". Other inflections ("centred") get no
        fix: the ending may not fit the house spelling."""
        head, tail = written[: len(form)], written[len(form) :]
        same = head == form if self.case_sensitive else " ".join(head.lower().replace("-", " ").split()) == " ".join(
            form.lower().replace("-", " ").split()
        )
        if not same or tail not in PLAIN_ENDINGS:
            return None
        return (chosen if self.case_sensitive else match_case(head, chosen)) + tail

    def check(self, doc, ctx):
        found: dict[int, list[tuple[int, int, str]]] = {}
        taken: set[int] = set()
        # scan yields exact matches first: "towards" is the rival form, not "toward" inflected.
        for (_tokens, _cs, _inflect, set_index, form, _w), start, end in scan(self._split, doc):
            if start not in taken:
                taken.add(start)
                found.setdefault(set_index, []).append((start, end, form))
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
            house = self.house.get(set_index)
            if house in counts:
                chosen = house
            else:
                chosen = max(counts, key=lambda f: (counts[f], -first_seen[f]))
            for start, end, form in kept:
                if form != chosen:
                    fix = None
                    if self.fix and chosen == house:
                        fix = self._replacement(doc.text[start:end], form, chosen)
                    yield Hit(start, end, (chosen,), fields=(("chosen", chosen), ("count", str(counts[chosen]))), fix=fix)
