"""The shipped packs, tested as data: every rule proves itself with its own examples,
and the term lists are clean (codespell tests its dictionary the same way)."""

from __future__ import annotations

from collections import Counter

import pytest

from lintnews.engine import Linter, normalise_term
from lintnews.examples import run_examples
from lintnews.kinds.phrases import PhrasesRule
from lintnews.loader import default_packs_dir, load_rules

RULES = load_rules([default_packs_dir()])


def test_packs_load_and_cover_every_family():
    families = {r.id.split(".")[0] for r in RULES}
    assert {"style", "readability"} <= families
    assert len(RULES) == len({r.id for r in RULES})


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule):
    assert rule.examples.flag and rule.examples.passing, f"{rule.id} needs 'flag' and 'pass' examples"
    assert run_examples([rule]) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_documented(rule):
    assert rule.description, f"{rule.id} has no description for 'lintnews explain'"
    assert rule.sources, f"{rule.id} states no sources"


PHRASE_RULES = [r for r in RULES if isinstance(r, PhrasesRule)]


@pytest.mark.parametrize("rule", PHRASE_RULES, ids=lambda r: r.id)
def test_terms_are_unique_within_a_rule(rule):
    counts = Counter(normalise_term(t.key) for t in rule.terms)
    assert [t for t, n in counts.items() if n > 1] == []


def test_no_term_in_two_rules():
    """One home per term, per scope: loaded.headline-verbs reads only headlines, so "slams"
    may be both a headline verb and a verb of saying in the body."""
    owner: dict[tuple[str, str], str] = {}
    clashes = []
    for rule in PHRASE_RULES:
        for t in rule.terms:
            key = (normalise_term(t.key), rule.scope)
            if key in owner and owner[key] != rule.id:
                clashes.append((key, owner[key], rule.id))
            owner.setdefault(key, rule.id)
    assert clashes == []


@pytest.mark.parametrize("rule", PHRASE_RULES, ids=lambda r: r.id)
def test_suggestions_are_not_themselves_flagged(rule):
    linter = Linter([r for r in RULES if r.id.split(".")[0] == rule.id.split(".")[0]])
    bad = []
    for t in rule.terms:
        for s in t.suggestions:
            hits = [f for f in linter.lint_text(f"Officials used the word {s} on Monday.", "s.txt")]
            if hits:
                bad.append((t.key, s, hits[0].rule))
    assert bad == []
