"""``kind: repetition`` (style.repeated-word): its search of plain text finds what its
pattern finds, with the same fixes, and leaves every other line to the pattern."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from lintnews.engine import Linter
from lintnews.kinds.base import Context, RuleError
from lintnews.kinds.repetition import ascii_stretches
from lintnews.loader import default_packs_dir, load_rules

ROOT = Path(__file__).resolve().parent.parent

# The rule as a plain ``kind: pattern`` rule: what the shipped rule was, and is defined as.
AS_A_PATTERN = r"""
id: style.doubled
kind: pattern
pattern: '\b([^\W\d_]++)[ \t]+(?i:\1)\b(?<!(?i:\b(?:had|that|is|do|can|bye|very|so|no|yes|ha|knock|tut|chop|boo|bora|walla|now))[ \t]+\w+)'
case_sensitive: true
fix: safe
replace: '\1'
fix_when: '\S+[ \t]+\p{Ll}'
severity: warning
message: "'{match}' repeats a word."
examples:
  flag: ["the the"]
  pass: ["had had"]
  fix: [["the the", "the"]]
"""

WORDS = ["the", "The", "THE", "in", "IN", "no", "No", "had", "Had", "that", "so", "nowhere", "now", "Sirhan",
         "sirhan", "Duran", "talks", "Talks", "a", "A", "x", "ıt", "it", "İt", "café", "Café", "CAFÉ", "naïve",
         "ſo", "So", "Kelvin", "\u212aelvin", "don't", "can't", "u2", "2", "_", "x_y", "cafe\u0301", "Ωmega", "ωmega",
         "straße", "STRASSE", "Ⅻ", "ⅻ", "½", "\u200dzwj"]
GAPS = [" ", " ", " ", "  ", "\t", " \t ", "\n", "\u00a0", ", ", ". ", " — ", " “", "” ", "’ ", " (", "-", "'"]


def _rule(rules_dir: Path, rule_id: str):
    return next(r for r in load_rules([rules_dir], use_cache=False) if r.id == rule_id)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "doubled.yaml").write_text(AS_A_PATTERN, encoding="utf-8")
    return _rule(default_packs_dir(), "style.repeated-word"), _rule(folder, "style.doubled")


def _hits(rule, text):
    doc = Linter([rule]).document("a.txt", text)
    return [(h.start, h.end, h.fix) for h in rule.check(doc, Context())]


def test_the_plain_search_finds_what_the_pattern_finds(both):
    shipped, pattern = both
    rng = random.Random(11)
    texts = [
        "Officials met in in Geneva. The the talks ended. Sirhan Sirhan spoke. He had had enough.",
        "no no no no no, so So, THE the, the THE, Duran Duran, talks talks.\tin\tin",
        "“in in” — the the… £5 the\u00a0the the the",
        "Le café café était naïve naïve. The the talks.",
    ]
    plain = 0
    for _ in range(400):
        words = [rng.choice(WORDS[:20] if rng.random() < 0.7 else WORDS) for _ in range(rng.randrange(1, 40))]
        text = words[0]
        for w in words[1:]:
            text += (rng.choice(GAPS) if rng.random() < 0.3 else " ") + w
            if rng.random() < 0.2:
                text += (" " if rng.random() < 0.8 else "\t") + (w if rng.random() < 0.6 else w.upper())
        texts.append(text)
    for text in texts:
        assert _hits(shipped, text) == _hits(pattern, text), text
        plain += all(p for _, _, p in ascii_stretches(text))
    assert 50 < plain < len(texts)  # both searches were tried, on many texts each


def test_lines_with_letters_beyond_ascii_are_left_to_the_pattern():
    text = "The the “plan” — £5.\nLe café café.\nin in\n\nna\u0308ive na\u0308ive\r\nend end"
    stretches = list(ascii_stretches(text))
    assert [(text[a:b], plain) for a, b, plain in stretches] == [
        ("The the “plan” — £5.\n", True),
        ("Le café café.\n", False),
        ("in in\n\n", True),
        ("na\u0308ive na\u0308ive\r\n", False),
        ("end end", True),
    ]
    assert list(ascii_stretches("")) == []
    assert list(ascii_stretches("é")) == [(0, 1, False)]


def test_every_character_the_plain_search_lets_by_is_a_word_character_in_neither_engine():
    """The plain search reads ASCII only: the characters it leaves in a plain line must be
    no word character, nor a case of one, for ``re`` or for ``regex``."""
    import re
    import unicodedata

    import regex

    from lintnews.kinds import repetition

    word_re, word_regex = re.compile(r"\w"), regex.compile(r"\w", regex.V0)
    letters_regex = regex.compile(r"[a-z]", regex.V0 | regex.IGNORECASE)
    letters_re = re.compile(r"[a-z]", re.IGNORECASE)
    for c in map(chr, range(0x80, 0x110000)):
        if unicodedata.category(c) in repetition._SAFE_CATEGORIES:
            assert not (word_re.match(c) or word_regex.match(c)), hex(ord(c))
            assert not (letters_re.match(c) or letters_regex.match(c)), hex(ord(c))


def test_fixes_keep_the_first_word_unless_the_second_is_a_name(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Officials met in in Geneva.\nSirhan Sirhan spoke.\nThe the talks ended.\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "lintnews", "check", "--select", "style.repeated-word", "--fix",
                          "--jobs", "1", str(story)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1, out.stderr  # the name is still reported
    assert story.read_text(encoding="utf-8") == "Officials met in Geneva.\nSirhan Sirhan spoke.\nThe talks ended.\n"


def test_a_long_adversarial_file_is_searched_in_linear_time(tmp_path):
    """The plain search runs with no time limit: what it may meet most (words, repeats,
    runs of blanks) must cost a pass over the text. A safety net, not a measurement."""
    n = 100_000
    text = "a a " * (n // 4) + "\n" + " \t" * (n // 2) + "x\n" + "Aa aA " * (n // 6) + "\n" + "word " * (n // 5)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "lintnews", "check", "--select", "style.repeated-word", "-q",
                          "--jobs", "1", "--format", "json", str(path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 1 and '"errors": []' in out.stdout, out.stderr


@pytest.mark.parametrize("allow, message", [
    ("[had, no]", "YAML read one as false: quote no, yes, on and off ('no')"),
    ("[had, 'well-nigh']", "'allow' lists words of letters only, not 'well-nigh'"),
])
def test_a_bad_allow_list_is_named_with_its_file_and_line(tmp_path, allow, message):
    (tmp_path / "r.yaml").write_text(
        "id: style.twice\nkind: repetition\nseverity: warning\nmessage: twice\n"
        f"allow: {allow}\nexamples: {{flag: [the the], pass: [had had]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path], use_cache=False)
    assert message in str(err.value) and "r.yaml:5" in str(err.value)
