"""The pre-filters of patterns: the words a pattern cannot match without.

A pattern is not run on a sentence that lacks a word it needs, so ``literals.required``
must never name a word a match can do without. Checked on hand-written patterns that
stress the analysis (optional parts, repetitions, look-arounds, apostrophes, hyphens),
on every shipped attribution pattern against generated text, and end to end: findings
with case variants that only regex's case-insensitive matching sees are still made.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from lintnews import literals
from lintnews.engine import Linter
from lintnews.kinds.attribution import FLAGS
from lintnews.loader import default_packs_dir, load_rules

RULES = [r for r in load_rules([default_packs_dir()]) if r.id.startswith("attribution.")]


def words_of(text: str) -> set[str]:
    return set(literals.PIECE_RE.findall(literals.fold(text)))


def sound(pattern: str, text: str) -> bool:
    """The pattern does not match, or the text holds a word of each of its needs."""
    if regex.search(pattern, text, FLAGS) is None:
        return True
    words = words_of(text)
    return all(not words.isdisjoint(alts) for alts in literals.required(pattern, FLAGS))


CASES = [
    # (pattern, texts it matches: the needs must hold in each)
    (r"\bcritics?\s+(?:say|said)\b", ["Critics say the plan fails.", "The critic said so."]),
    (r"\b(?:ab)+x\b", ["ababx", "abababx ok", "abx"]),
    (r"\bthere\s+(?:is|was)\s+(?:a|an)?\s*(?:belief|sense)\b", ["there is a belief", "There was abelief", "there is sense"]),
    (r"\bbelieve(?:\s+that|s)?\b", ["they believe that", "she believes", "we believe it"]),
    (r"\s+diplomat(?:ic\s+source)?\b", [" a diplomatic source said", " the diplomat left"]),
    (r"(?:^|(?<=[\s,;]))(?:sources|people\s+close)\b", ["sources said", "people  close to him", "x,sources"]),
    (r"\bit['’]s\s+(?:no|an\s+open)\s+secret\b", ["It's no secret", "it’s an open secret"]),
    (r"\bfoo(?:\s+bar)*\b", ["foo", "foo bar bar"]),
    (r"(?<![\w.,])\d+\s*(?:%|per\s*cent\b)\s+of\s+voters\b", ["70% of voters", "7 per cent of voters"]),
    (r"\b(?:co-?operate|e-?mail)\b", ["cooperate", "co-operate", "email", "e-mail"]),
    (r"\bx\w*y\b", ["xay", "xy"]),
    # Look-arounds give the words beside them their bounds (and only where they bound them).
    (r"\bterror(?=\s+(?:group|cell)s?\b)", ["the terror group", "Terror cells struck"]),
    (r"(?<=\b(?:the|a)\s+)regimes?\b", ["the regime fell", "a  regimes"]),
    (r"(?<=\w)ab(?=c)", ["xabc"]),
    (r"(?<=[Xx])said(?=\s)", ["unsaid Xsaid it"]),
]


def test_needs_hold_wherever_a_hand_written_pattern_matches():
    for pattern, texts in CASES:
        for text in texts:
            assert regex.search(pattern, text, FLAGS), (pattern, text)
            assert sound(pattern, text), (pattern, text, literals.required(pattern, FLAGS))


def test_needs_are_whole_words_when_the_pattern_bounds_them():
    assert literals.required(r"\bcritics?\s+say\b", FLAGS) == (("critic", "critics"), ("say",))
    assert literals.required(r"\s+(?:a\s+b|c)d\b", FLAGS) == (("bd", "cd"),)
    # Not bounded: "said" may be the end of "unsaid"; an unknown run may follow "x".
    assert literals.required(r"\w+said\b", FLAGS) == ()
    assert literals.required(r"\bx\w*", FLAGS) == ()
    # A look-ahead (look-behind) says what starts (ends) the text beside a word.
    assert literals.required(r"\berror(?=\s+group)", FLAGS) == (("error",),)
    assert literals.required(r"(?<=\bthe\s+)regimes?\b", FLAGS) == (("regime", "regimes"), ("the",))
    assert literals.required(r"\bab(?=c)", FLAGS) == ()
    assert literals.required(r"(?<=x)said\b", FLAGS) == ()


def test_syntax_re_reads_otherwise_gives_no_needs():
    # regex's fuzzy matching: "{e<=1}" is not text to match.
    assert literals.required(r"\b(?:critics){e<=1}\b", FLAGS) == ()
    assert literals.required(r"\p{Lu}ritics\b", FLAGS) == ()  # re cannot read \p
    assert literals.required(r"[[:alpha:]]+critics", FLAGS) == ()


def test_fold_keeps_every_offset_and_folds_what_regex_matches_as_ascii():
    text = "İstanbul ſources KELVIN \u212a ıdea Straße"
    folded = literals.fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("istanbul sources kelvin k idea")
    for ch in "ſKıİ\u212a":
        lower = literals.fold(ch)
        # the ASCII letter (or its capital: dotless ı matches "I" only) matches it
        assert lower.isascii() and (regex.fullmatch(lower, ch, FLAGS) or regex.fullmatch(lower.upper(), ch, FLAGS))


def _shipped_patterns() -> list[str]:
    seen: dict[str, None] = {}
    for rule in RULES:
        for field in ("claims", "answers", "pronoun_answers", "context_answers", "earlier_answers"):
            patterns = getattr(rule, field)
            if patterns is not None:
                for p in patterns.patterns:
                    seen.setdefault(p.pattern)
    return list(seen)


SHIPPED = _shipped_patterns()
VOCABULARY = [
    "critics", "say", "said", "sources", "close", "to", "the", "talks", "officials", "people",
    "familiar", "with", "matter", "it", "is", "believed", "widely", "seen", "as", "expected",
    "will", "likely", "70", "%", "of", "iranians", "oppose", "many", "believe", "reportedly",
    "according", "analysts", "iran", "perceives", "that", "opinion", "divided", "a", "senior",
    "official", "who", "declined", "be", "named", "because", "not", "authorised", "speak",
    "ſources", "CRITICS", "İran", "\u212anown", "it’s", "no", "secret", "co-operate", "—",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14), st.sampled_from([" ", "  ", ", ", "\n", "-"]))
def test_shipped_patterns_needs_hold_on_generated_sentences(words, joiner):
    text = joiner.join(words) + "."
    for pattern in SHIPPED:
        assert sound(pattern, text), (pattern[:80], text)


ODD_RULE = r"""id: attribution.testsources
kind: attribution
severity: warning
message: "'{match}': who?"
claims: ['(?P<cue>\bsources\s+(?:said|say))\b']
answers: ['\baccording\s+to\b']
examples:
  flag: ["The talks failed, sources said."]
  pass: ["The talks failed, according to the ministry."]
"""


def test_a_claim_spelled_with_letters_only_regex_folds_is_still_found(tmp_path):
    """"ſources said" (long s), "SOURCES SAİD" (dotted capital I), "sources said" beside a
    Kelvin sign: the pattern matches them case-insensitively, so the pre-filter must not
    skip their sentences."""
    (tmp_path / "sources.yaml").write_text(ODD_RULE, encoding="utf-8")
    linter = Linter(load_rules([tmp_path], use_cache=False))
    texts = [
        "The minister will resign, sources said on Monday.",
        "The minister will resign, ſources said on Monday.",
        "The minister will resign, SOURCES SAİD on Monday.",
        "The \u212aremlin will resign, sources said on Monday.",
        "The minister will resign, sources\u00a0said on Monday.",
    ]
    for text in texts:
        found = linter.lint_text(text + "\n", "story.txt")
        assert [f.rule for f in found] == ["attribution.testsources"], text
    assert linter.lint_text("The minister will resign, Sources added.\n", "story.txt") == []


REPORTED = (
    "Critics accused the minister of caving in to the unions. The opposition called the plan "
    "a land grab, and the senator's assertion that the budget was padded went unanswered. "
    "Police described the raid as brutal. He said the regime would fall; the report said the "
    "mayor had lied. The plan, the minister said, is a giveaway. It is a disaster, critics say. "
    "According to the ministry, 40 people were hurt. The ſenator was blamed for the delay. "
    "Rain fell on the capital for a third day."
)


def test_reported_speech_is_the_same_with_and_without_its_pre_filter(monkeypatch):
    from lintnews import reported
    from lintnews.document import Document

    doc = Document.from_source("story.txt", REPORTED)
    gated = reported.reported_spans(doc.text, doc.sentences)
    monkeypatch.setattr(reported, "_needs", {name: () for name in reported._GATED})
    ungated = reported.reported_spans(doc.text, doc.sentences)
    assert gated == ungated
    assert len(gated) >= 8
    assert reported._build_needs()["called"] == (frozenset({"call", "called", "calling", "calls"}),)


def test_reported_speech_asked_sentence_by_sentence_answers_as_the_whole_does():
    # The voice scope asks about a finding's span; only the sentences it touches are read.
    from pathlib import Path

    from lintnews.document import Document

    drafts = [REPORTED] + [p.read_text(encoding="utf-8") for p in sorted(Path("examples").glob("*.txt"))]
    for text in drafts:
        lazy, whole = Document.from_source("story.txt", text), Document.from_source("story.txt", text)
        whole.reported  # noqa: B018 (made whole: ``in_reported`` reads it)
        assert whole.reported and "reported" not in lazy.__dict__
        starts, ends = list(lazy.token_starts), list(lazy.token_ends)
        spans = [(s, e) for s, e in zip(starts, ends)]  # each word
        spans += [(s, ends[min(k + 6, len(ends) - 1)]) for k, s in enumerate(starts)]  # runs across sentences
        spans += [(s, s) for s in starts]  # empty spans
        for s, e in spans:
            assert lazy.in_reported(s, e) == whole.in_reported(s, e), (text[s:e], s, e)
        assert "reported" not in lazy.__dict__


PATTERN_RULE = r"""
rules:
  - id: house.truce
    kind: pattern
    severity: warning
    message: "'{match}': say which side broke the truce."
    pattern: '\btruce\s+(?:collapsed|crumbled)\b'
    examples:
      flag: ["The truce collapsed on Tuesday."]
      pass: ["The truce held on Tuesday."]
"""


def test_a_pattern_rule_skips_a_story_without_its_words_and_finds_every_case_form(tmp_path):
    """``kind: pattern`` is not run on a document lacking a word it needs; capitals, a
    long s or a dotted capital I still count as the word (regex matches them)."""
    (tmp_path / "truce.yaml").write_text(PATTERN_RULE, encoding="utf-8")
    rules = load_rules([tmp_path], use_cache=False)
    needs = rules[0].needs
    assert sorted(needs) == [("collapsed", "crumbled"), ("truce",)]
    linter = Linter(rules)
    for text in ["The TRUCE COLLAPSED on Tuesday.", "The truce crumbled.", "The truce \u017fcrumbled? No: the truce collap\u017fed.",
                 "THE TRUCE COLLAPİSED"]:
        with_filter = [f.match for f in linter.lint_text(text + "\n", "story.txt")]
        rules[0].needs = ()
        without = [f.match for f in linter.lint_text(text + "\n", "story.txt")]
        rules[0].needs = needs
        assert with_filter == without, text
    assert [f.match for f in linter.lint_text("The Truce collapsed.\n", "story.txt")] == ["Truce collapsed"]
    assert [f.match for f in linter.lint_text("The truce collap\u017fed.\n", "story.txt")] == ["truce collap\u017fed"]
    assert linter.lint_text("The ceasefire collapsed.\n", "story.txt") == []


def test_contains_all_reads_a_long_text_in_pieces_and_answers_as_the_whole_fold_does():
    """``contains_all`` (a pattern rule's pre-filter) folds a long text a piece at a time:
    the same answer as one fold of the whole, for words anywhere, across piece ends too."""
    from lintnews.literals import LOWER_PIECE, contains_all, fold, piece_end

    para = "The minister said on Tuesday that talks on the “corridor” would resume. "
    text = para * (3 * LOWER_PIECE // len(para))
    cut = piece_end(text, 0)
    assert 0 < cut < len(text) and text[cut] == " "
    # A word just before the first cut and one just after it, in capitals (folded).
    text = text[: cut - 8] + "ΣKYLARKS" + text[cut:cut + 1] + "ZEPPELIN" + text[cut + 9:]
    whole = fold(text)
    for needs in ([("skylark",)], [("zeppelin",)], [("skylarks", "nowhere")], [("corridor",), ("ceasefire",)],
                  [("minister",), ("tuesday",)], [("said on",)], [()], [("σkylarks",)]):
        expected = all(alts and any(w in whole for w in alts) for alts in needs)
        assert contains_all(text, needs) == expected, needs
