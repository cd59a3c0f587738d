"""Memory of the names rules (issues 10 and 13): what they hold while they read a long story
grows by well under 10 MiB per MB (name words in columns, counted per distinct spelling),
and nothing of the story is kept once it is linted. Measured with tracemalloc through the
library API on news copy generated here."""

from __future__ import annotations

import gc
import random
import tracemalloc

import pytest

from lintnews.engine import Linter
from lintnews.kinds import names
from lintnews.kinds.names import NamesRule
from lintnews.loader import default_packs_dir, load_rules
from lintnews.sources import Source

RULES = [r for r in load_rules([default_packs_dir()]) if r.id.startswith("names.")]
SYLLABLES = "ka lo mi ran te vo shi na bel dor ga ri mu sen tal ko ve ni za ha lu pe sor bri gan tho wen dal fi".split()
TITLES = ["President", "Minister", "Mr", "Ms", "Dr", "Senator", "General"]
PLACES = ["Black Sea", "European Commission", "United States", "Security Council", "World Bank"]


def _name(rnd: random.Random) -> str:
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def news_copy(chars: int, seed: int = 7) -> str:
    """Wire copy naming eighty people in twenty towns, in full and then by surname, one
    surname misspelt once."""
    rnd = random.Random(seed)
    people = [(_name(rnd), _name(rnd)) for _ in range(80)]
    towns = [_name(rnd) for _ in range(20)]
    out, size = [], 0
    while size < chars:
        first, last = rnd.choice(people)
        para = (
            f"{rnd.choice(TITLES)} {first} {last} told reporters in {rnd.choice(towns)} on Monday that talks "
            f"on the {rnd.choice(PLACES)} plan would resume next week. {last} said the {last}-led delegation "
            f"had met {' '.join(rnd.choice(people))}'s advisers twice. Nancy Pelosi and Ms Pelosi's aides "
            f"did not comment.\n\n"
        )
        out.append(para)
        size += len(para)
    out.append("Later, Ms Peolsi's office said the statement stood.\n")
    return "".join(out)


@pytest.fixture(scope="module")
def linter():
    linter = Linter(RULES)
    linter.lint_source(Source("warm.txt", news_copy(5_000, seed=1), []))  # the house list, loaded once
    return linter


def names_unit(linter, text: str) -> tuple[float, float, list]:
    """(MiB above the start at the peak, MiB still held after, hits) of the names rules
    reading ``text``; the document (its tokens and sentences) is built before."""
    doc = linter.document("long.txt", text, None)
    doc.token_starts, doc.token_words, doc.sentences  # the document's own, read by many rules
    (cls, group), = [(c, g) for c, g in linter._units() if c is NamesRule]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        hits = [(rule.id, doc.text[hit.start : hit.end], hit.suggestions) for rule, hit in cls.check_all(group, doc, linter.ctx)]
        peak = tracemalloc.get_traced_memory()[1]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (peak - before) / 2**20, (after - before) / 2**20, hits


def test_names_rules_hold_little_per_mb_of_copy_and_keep_nothing(linter, monkeypatch):
    # Stories this long keep their own memos (as a long file does), so that a small input
    # shows what a long one costs.
    monkeypatch.setattr(names, "LONG_STORY", 10_000)
    small, big = news_copy(20_000), news_copy(70_000)
    peak_small, _kept, _hits = names_unit(linter, small)
    peak_big, kept, hits = names_unit(linter, big)
    # The same people and places, more copy: what the rules hold grows by some 2 MiB a
    # further MB here, where an object a name word (and one a name), the walk's lists a
    # token and the words of a common spelling made objects grew by some 15.
    growth = (peak_big - peak_small) / ((len(big) - len(small)) / 1e6)
    assert growth < 5
    # What a long story fills (its distinct spellings) goes with it.
    assert kept < 0.02
    assert ("names.inconsistent", "Peolsi", ("Pelosi",)) in hits


def test_a_long_story_finds_what_a_short_one_finds(linter, monkeypatch):
    # A long story keeps its own memos, a short one shares them (from story to story): the
    # findings are the same either way.
    story = news_copy(6_000, seed=3) + "Ms Pelosi, Mr Kim Jong-un and Kim Jong Un met Bashar al-Assad.\n"
    found = []
    for long_story in (10**9, 0):
        monkeypatch.setattr(names, "LONG_STORY", long_story)
        found.append([(f.rule, f.line, f.column, f.message) for f in linter.lint_text(story, "story.txt")])
    assert found[0] == found[1]
    assert any(rule == "names.inconsistent" for rule, *_ in found[0])
