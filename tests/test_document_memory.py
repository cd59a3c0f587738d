"""Memory a document's rules hold (issues 10 and 13): what a kind of rule builds for a
document (the attribution rules' narration and sentence indexes, the reported speech the
``voice`` scope reads) goes once that kind is done, so kinds do not pile up on a long feed,
and nothing of a document outlives its run. Measured with tracemalloc through the library
API on generated news copy."""

from __future__ import annotations

import gc
import sys
import random
import tracemalloc

import pytest

from lintnews.document import Document
from lintnews.engine import Linter, Suppressions
from lintnews.loader import default_packs_dir, load_rules
from lintnews.sources import Source

FIRST = "Maria John Aisha Pavel Chen Fatima Liam Olga Kwame Sofia Ahmed Elena Tomas Priya".split()
LAST = "Ruiz Okafor Petrov Lindqvist Haddad Moreau Tanaka Brennan Kovac Mensah Alvarez Novak".split()
PLACES = "Lagos Kyiv Lyon Osaka Quito Leeds Tampere Accra Porto Tbilisi Cork Dhaka".split()
BODIES = ["the city council", "the health ministry", "the port authority", "the teachers' union"]
TOPICS = ["the new bridge", "the budget", "the rail strike", "the flood defences", "the hospital merger"]
SENTENCES = [
    "{name} of {body} said on Monday that {topic} would cost {n} million euros.",
    "Critics say {topic} was pushed through without a proper vote.",
    "It is believed that {n} people were affected in {place}.",
    "“We were never consulted about {topic},” said {name}, a resident of {place}.",
    "The plan is expected to be approved next month, officials said.",
    "About {p} % of residents oppose {topic}, according to a poll by {body}.",
    "Sources close to {body} said the talks had stalled.",
    "Many believe the figures were wrong.",
    "{name} slammed the decision as a disaster for {place}.",
    "The regime in {place} has denied the claims, {name} told reporters.",
    "“This is the worst decision {body} has made in years and everyone knows it,” one official said.",
    "The report found that {n} homes in {place} had no heating in the winter.",
]


LONG_QUOTE = (
    "“We were never consulted about {topic}, not once in three years of meetings, letters and petitions, and "
    "the people of {place} will remember that when the council asks for their votes again next spring, "
    "because a promise made in public has to be kept in public,” said {name}, who has lived in {place} "
    "for forty years."
)


def news(chars: int, seed: int = 1, sentences: list[str] = SENTENCES) -> str:
    """Paragraphs of one to four sentences of wire copy: named and unnamed sources, claims,
    quotations, figures."""
    rnd = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        paragraph = " ".join(
            rnd.choice(sentences).format(
                name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", body=rnd.choice(BODIES), topic=rnd.choice(TOPICS),
                place=rnd.choice(PLACES), n=rnd.randint(2, 900), p=rnd.randint(5, 95),
            )
            for _ in range(rnd.randint(1, 4))
        )
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def copy_and_linter():
    # The kinds that run before the names rule: attribution, phrases, patterns.
    linter = Linter(load_rules([default_packs_dir()]), select=("attribution", "loaded", "style"))
    text = news(100_000)
    findings, errors = linter.lint_source(Source("warm.txt", text, []))  # what rules load on first use
    assert findings and not errors
    return text, linter


def test_a_run_keeps_nothing_of_its_document(copy_and_linter):
    text, linter = copy_and_linter
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        findings, errors = linter.lint_source(Source("copy.txt", text, []))
        peak = tracemalloc.get_traced_memory()[1]
        n = len(findings)
        del findings, errors
        # Freed as the run ends, not left to the cycle collector (paused during a run).
        alive = [o for o in gc.get_objects() if isinstance(o, Document)]
        gc.collect()  # (and the interpreter's free lists of small tuples with it)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    mb = len(text) / 1e6
    assert n > 300
    assert not alive
    # Before: the document, its tokens and the attribution state stayed to the next run,
    # 16 MiB per MB here; now some 0.25.
    assert (held - before) / 2**20 < 1.5 * mb
    # Before: every kind's state at once, 29 MiB per MB at the peak here; now 18 (the
    # document's tokens and text, one kind's state, the findings, and some fixed costs of
    # a run that weigh on 100 KB).
    assert (peak - before) / 2**20 < 23 * mb


def _kind_peak(linter: Linter, text: str, kind_name: str) -> tuple[float, int]:
    """(bytes above the start at the peak, findings) while the rules of one kind read
    ``text``; the document and what every kind reads are built before."""
    doc = linter.document("long.txt", text, None)
    doc.prepare_shared()
    doc.quotes  # noqa: B018
    units = [u for u in linter._units() if u[0].__name__ == kind_name]
    assert units, kind_name
    sup = Suppressions.parse(text)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        found = sum(len(linter._run_unit(u, doc, sup, "long.txt")[0]) for u in units)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - before, found


@pytest.mark.parametrize(
    "kind_name, select, bound",
    [("AttributionRule", "attribution", 1.5), ("MetricRule", "readability.grade-level", 0.6)],
)
def test_a_kind_reads_a_long_text_without_copying_it_whole(kind_name, select, bound):
    # The attribution rules read the narration (quotations blanked) a sentence at a time,
    # and the grade level samples a long document's sentences: neither makes a copy of the
    # whole text (before: one each, 19 MiB of a 10 MB feed's peak). What the attribution
    # rules keep per sentence, and their findings, weigh about one copy here.
    linter = Linter(load_rules([default_packs_dir()]), select=(select,))
    # Long quotations, so that a copy of the text would weigh more than what the rules
    # keep per sentence; one sentence in eight a claim with no source.
    text = news(600_000, seed=3, sentences=[LONG_QUOTE] * 6 + [SENTENCES[0], SENTENCES[7]])
    _kind_peak(linter, text, kind_name)  # what the rules load on first use (their patterns)
    one_copy = sys.getsizeof(text)  # curly quotes: two bytes a character
    peak, found = _kind_peak(linter, text, kind_name)
    assert found >= 1
    assert peak < bound * one_copy, (peak, one_copy)


def test_word_tokens_cost_a_few_bytes_a_token():
    # Each token's start and the number of its word in the document's vocabulary: some 6
    # bytes a token (before: its start, its end and a pointer to its word, 16).
    text = news(300_000, seed=5)
    doc = Document.from_source("long.txt", text)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        n = doc.word_count()  # the tokens are built here
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert n > 40_000
    assert doc.token_words[:3] == [w.lower() for w in text.split()[:3]]
    assert held / n < 8, held / n


def test_a_file_of_a_check_run_is_held_once_while_its_rules_run(monkeypatch):
    # A plain-text file whose prose differs from it (a URL, an e-mail address, page debris
    # blanked) was held twice to the end of its run: as read, and as the rules read it. A
    # file of a check run (``Source.disposable``) is now held once, the changed spans kept
    # as written.
    linter = Linter(load_rules([default_packs_dir()]), select=("style.repeated-word",))
    body = news(400_000, seed=5)
    text = "See also: more news at www.paper.example/world\n\n" + body + "\nThe the desk is at desk@paper.example.\n"

    def held_while_rules_run(disposable: bool) -> int:
        held = []
        run_unit = Linter._run_unit

        def first_unit(self, *args, **kwargs):
            held.append(tracemalloc.get_traced_memory()[0])
            return run_unit(self, *args, **kwargs)

        monkeypatch.setattr(Linter, "_run_unit", first_unit)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            source = Source("feed.txt", text[:-1] + "\n", [])  # a string of its own, as read
            source.disposable = disposable
            findings, errors = linter.lint_source(source)
        finally:
            tracemalloc.stop()
            monkeypatch.setattr(Linter, "_run_unit", run_unit)
        assert findings and not errors
        return held[0] - before

    one_copy = sys.getsizeof(text)
    kept, let_go = held_while_rules_run(False), held_while_rules_run(True)
    assert kept - let_go > 0.9 * one_copy, (kept, let_go, one_copy)


def test_the_attribution_rules_find_the_same_with_their_compact_indexes(monkeypatch):
    # A long text's sentence indexes are kept compact (arrays, bits); an article's are
    # lists. Both must find the same.
    from lintnews.kinds import attribution

    linter = Linter(load_rules([default_packs_dir()]), select=("attribution",))
    text = news(150_000, seed=11)

    def found(compact_above: int) -> list:
        monkeypatch.setattr(attribution, "COMPACT_ABOVE", compact_above)
        findings, errors = linter.lint_source(Source("feed.txt", text, []))
        assert not errors
        return [(f.line, f.column, f.rule, f.message) for f in findings]

    compact, lists = found(0), found(10**9)
    assert len(compact) > 200
    assert compact == lists
