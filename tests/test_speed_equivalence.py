"""Speed work must not change a figure: lintnews's own Flesch-Kincaid grade is textstat's,
and a one-article run no longer imports textstat at all."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintnews.kinds import metric

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "The council voted 7-2 on Tuesday to close the Elm Street depot. Residents said they'd fight it.",
    "Ministers met. Talks failed! Why? Nobody would say, and the 'agreement' that officials "
    "promised in March has not been published.",
    "U.S. and E.U. negotiators don't expect a deal before 2025 ... the talks, which began in "
    "Geneva, resume on Monday.",
    "Güler's lawyers — citing the court's ruling — asked for the hearing to be moved to İzmir.",
    "",
    "Yes.",
    "'Quote marks' and 'apostrophes' aren't the same thing; the shop's owners say they've tried.",
    # Sentences whose tokens are partly punctuation: textstat drops a sentence of two words or fewer.
    "— — — Talks resumed. — A B. Yes - no - maybe! '' \"\" Ok? ... ! The end, it said.",
    "Score: 2 - 1. Wow!!! ‘Right’ — ‘wrong’. Q & A? _x_ y. N.B. it's done; isn't it",
    "İstanbul’s ſtreet: ΣΟΦΟΣ said so. Straße's façade. Don't — won't — can't.",
    # Words only after some punctuation tokens, or exactly three tokens: the count cannot
    # stop at the first three tokens.
    "— — A B C. Talks — — — x. One two three. — One two. — — — — Yes no!",
]


# A story long enough for the grade-level rule to measure it.
DEPOT_STORY = (
        "Council approves depot closure\n\n"
        "The council voted on Tuesday to close the depot, which has served the eastern "
        "districts since 1974 and employs 212 drivers and mechanics.\n\n"
        "Critics say the decision was rushed. The mayor said the savings would pay for new buses, "
        "and that the drivers would be offered jobs at the western garage, which is being "
        "extended this summer with money from the regional transport fund.\n\n"
        "A public meeting on the closure will be held next month at the central library, and "
        "residents can send their views to the council by email until the end of May.\n"
)
# Lints the file named on its command line, then prints whether textstat and pyphen were imported.
LINT_AND_SAY = (
    "import sys\n"
    "from lintnews import cli\n"
    "try:\n"
    "    cli.main([sys.argv[1], '--jobs', '1', '--quiet'])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('textstat' in sys.modules, 'pyphen' in sys.modules)\n"
)


def private_cache(tmp_path) -> dict:
    """The environment of a lintnews run with a cache of its own, under ``tmp_path``."""
    env = dict(os.environ, LINTNEWS_CACHE_DIR=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    env.pop("LINTNEWS_NO_CACHE", None)
    return env


@pytest.mark.parametrize("text", TEXTS)
def test_flesch_kincaid_grade_is_textstats_own(text):
    text = " ".join(text.split())
    assert metric.flesch_kincaid_grade(text) == metric.textstat().flesch_kincaid_grade(text)


def test_one_article_is_linted_without_importing_textstat(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(DEPOT_STORY, encoding="utf-8")
    code = LINT_AND_SAY
    env = private_cache(tmp_path)
    out = subprocess.run([sys.executable, "-c", code, str(story)], capture_output=True, text=True, cwd=ROOT, env=env)
    # A fresh cache: pyphen counts the story's words (the grade-level rule ran); textstat is not imported.
    assert out.stdout.strip().splitlines()[-1] == "False True", out.stderr
    # Run again: every word is in the kept syllable table, so pyphen is not even imported.
    out = subprocess.run([sys.executable, "-c", code, str(story)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.stdout.strip().splitlines()[-1] == "False False", out.stderr


def test_the_syllable_table_is_kept_between_runs(tmp_path):
    """A second run finds the first run's words counted: pyphen's patterns are not loaded."""
    story = tmp_path / "story.txt"
    story.write_text(
        "Regional transport authorities confirmed on Wednesday that the eastern depot will close "
        "in September, after councillors approved a consolidation plan that transfers maintenance, "
        "scheduling and administrative operations to the western garage. Representatives of the "
        "drivers' union described the consultation as inadequate, and several neighbourhood "
        "associations announced they would petition the regional ombudsman before the summer.\n\n"
        "Officials estimated the consolidation would save eleven million pounds over five years, "
        "although independent analysts questioned whether the projected savings accounted for "
        "redundancy payments, relocation expenses and the renovation of the western facility.\n",
        encoding="utf-8",
    )
    env = private_cache(tmp_path)
    first = subprocess.run([sys.executable, "-m", "lintnews", "check", "--jobs", "1", "-q", str(story)],
                           capture_output=True, text=True, cwd=ROOT, env=env)
    assert first.returncode in (0, 1), first.stderr
    code = (
        "from lintnews.kinds import metric\n"
        "table = metric.syllables('en_US')\n"
        "n = table.count('consolidation')\n"
        "print(len(table.kept) >= 32, n, table.hyphenator is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.stdout.split() == ["True", "5", "True"], out.stderr


def test_the_kept_syllable_table_finds_every_word_it_was_given_and_no_other():
    """Words that end alike share buckets ("said", "unsaid"); non-ASCII, a lone surrogate
    and long counts survive the packing; a word not given is not found."""
    from lintnews.kinds.metric import _KeptTable

    counts = {f"word{i}": i % 9 + 1 for i in range(3000)}
    counts.update({"said": 1, "unsaid": 2, "aid": 1, "naïveté": 4, "\ud800x": 3, "antidisestablishment": 999 - 993,
                   "s": 1, "zero": 0, "many": 999})
    packed = _KeptTable.pack(counts)
    assert _KeptTable.valid(packed)
    table = _KeptTable(packed)
    assert len(table) == len(counts)
    assert all(table.get(w) == n for w, n in counts.items())
    assert dict(table.items()) == counts
    for absent in ("sai", "aids", "unsai", "word3000", "", "naivete", "word1 "):
        assert table.get(absent) is None, absent
    assert not _KeptTable.valid((packed[0][:-1], packed[1]))
    assert _KeptTable(_KeptTable.pack({})).get("said") is None


def test_a_story_with_one_new_word_teaches_the_table_at_once(tmp_path):
    """A reporter's story usually brings only a few words the table lacks: they are kept
    after the first run, so the next run of the hook does not load pyphen for them."""
    text = DEPOT_STORY
    first = tmp_path / "first.txt"
    first.write_text(text, encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text(text.replace("new buses", "new trolleybuses"), encoding="utf-8")
    env = private_cache(tmp_path)

    def pyphen_loaded(story) -> str:
        out = subprocess.run([sys.executable, "-c", LINT_AND_SAY, str(story)], capture_output=True, text=True, cwd=ROOT,
                             env=env)
        return out.stdout.strip().splitlines()[-1].split()[1]

    assert pyphen_loaded(first) == "True"  # every word new
    assert pyphen_loaded(first) == "False"
    assert pyphen_loaded(second) == "True"  # one new word: "trolleybuses"
    assert pyphen_loaded(second) == "False"  # kept after one run


def test_every_word_the_workers_of_a_run_count_is_kept(tmp_path):
    """A folder linted by a pool of two workers: each keeps the words it counted as it
    exits, merged with what the other kept, so the table holds every story's words after
    one run (it used to stop growing once a run met fewer new words than a quarter of it)."""
    stems = ["bar", "ken", "dol", "mir", "tas", "vel", "quon", "zeb", "rup", "lod", "fim", "sarg"]
    folder = tmp_path / "stories"
    folder.mkdir()
    invented = []
    for i in range(24):
        words = [f"{stems[i % 12]}{stems[(i + j) % 12]}{'ex' * (i // 12)}ing" for j in range(12)]
        invented += words
        sentence = " ".join(words[:6]) + " said the council. The " + " ".join(words[6:]) + " were approved on Monday."
        (folder / f"{i:02}.txt").write_text(DEPOT_STORY + "\n" + sentence + "\n", encoding="utf-8")
    env = private_cache(tmp_path)
    run = subprocess.run([sys.executable, "-m", "lintnews", "check", "--jobs", "2", "-q", str(folder)],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert run.returncode in (0, 1), run.stderr
    code = (
        "import sys\n"
        "from lintnews.kinds import metric\n"
        "kept = metric.syllables('en_US').kept\n"
        "print(' '.join(w for w in sys.argv[1:] if kept.get(w) is None) or 'none missing')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *sorted(set(invented))], capture_output=True, text=True, cwd=ROOT,
                         env=env)
    assert out.stdout.strip() == "none missing", out.stderr


@pytest.mark.parametrize("text", TEXTS)
def test_flesch_kincaid_grade_reads_runs_of_white_space_as_one(text):
    # The rule measures the text as written; textstat is given it with white space collapsed.
    messy = text.replace(" ", " \t \n\n  ").replace(".", ".\u2028\x85 ")
    assert metric.flesch_kincaid_grade(messy) == metric.textstat().flesch_kincaid_grade(" ".join(messy.split()))


def test_a_small_splits_inflected_forms_hold_every_word_that_may_start_one_of_its_phrases():
    # A small split (a consistency rule's spellings) tells a story's words apart by the set
    # of their inflected forms: every word whose base forms reach a first word must be in it.
    import itertools

    from lintnews.kinds.phrases import base_forms, inflected_forms

    firsts = ["toward", "centre", "qassem", "judgement", "spy", "slam", "ban", "per", "kyiv", "co-operate", "a", "ox"]
    surfaces = inflected_forms(firsts)
    endings = ["", "s", "es", "ed", "d", "ing", "ies", "ied", "'s", "s's", "ed's", "ing's", "e", "y", "t", "n", "m"]
    words = set()
    for k in firsts:
        stems = {k, k[:-1], k[:-2], k + k[-1]}
        for stem, end in itertools.product(stems, endings):
            words.add(stem + end)
            words.add(stem + end + end)
    reached = [w for w in words if set(base_forms(w)) & set(firsts)]
    assert len(reached) > 60
    assert [w for w in reached if w not in surfaces] == []


def test_phrases_and_spelling_consistency_find_the_same_with_the_small_split_shortcut(monkeypatch):
    from lintnews.engine import Linter
    from lintnews.kinds import phrases
    from lintnews.loader import default_packs_dir, load_rules

    text = (
        "The minister slammed the plan on Monday and lashed out at critics. Towards evening the "
        "centre's staff, who favour the judgement, moved toward the centres; Qassem's aides "
        "said Qasem and Qassem were the same man. The judgment was co-operative, not cooperative.\n"
    )
    rules = [r for r in load_rules([default_packs_dir()]) if r.id.startswith(("loaded.", "style."))]
    quick = [(f.rule, f.line, f.column, f.message) for f in Linter(rules).lint_text(text, "story.txt")]
    monkeypatch.setattr(phrases, "SMALL_SPLIT", 0)  # every split through its memo alone
    monkeypatch.setattr(phrases, "_FIRSTS", {})
    plain = [(f.rule, f.line, f.column, f.message) for f in Linter(rules).lint_text(text, "story.txt")]
    assert quick == plain
    assert any(r == "style.spelling-consistency" for r, *_ in quick)


def test_tokens_outside_quotations_are_counted_as_one_by_one():
    """``token_count_outside_quotes`` (quotations found by bisection) counts what reading
    each token and asking ``in_quote`` counted, on every range of texts with quotations
    that start and end inside words, touch, nest in block quotes or run past a sentence."""
    import random

    from lintnews.engine import Linter

    rng = random.Random(5)
    pieces = ["the", "council", "said", "“we", "will", "fight”", "‘it’", "\"no", "deal\"", "—", "it's",
              "“", "”", "x“y", "a”b", ".", "Mr.", "\n\n", "> “quoted", "block”", "'single'", "2,000"]
    texts = [DEPOT_STORY, "“He said “nested” words” and then “more”. Done."]
    for _ in range(60):
        texts.append(" ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 80))))
    linter = Linter([])
    for text in texts:
        doc = linter.document("a.txt", text, None)
        edges = sorted({0, len(text), *(rng.randrange(len(text) + 1) for _ in range(12))})
        ranges = [(a, b) for a in edges for b in edges if a <= b] + list(doc.sentences)
        for a, b in ranges:
            one_by_one = sum(1 for s, e, _ in doc.tokens_in(a, b) if not doc.in_quote(s, e))
            assert doc.token_count_outside_quotes(a, b) == one_by_one, (text, a, b)


def test_a_held_lock_on_the_syllable_table_costs_a_moment_not_the_run(tmp_path):
    """Another process holding the table's lock (for ever, here) delays a run by a moment
    and costs it the words it would have kept; it never hangs it."""
    import fcntl

    env = private_cache(tmp_path)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("The council met on Monday to discuss the budget for next year.\n", encoding="utf-8")
    second.write_text(DEPOT_STORY.replace("new buses", "new trolleybuses"), encoding="utf-8")
    check = [sys.executable, "-m", "lintnews", "check", "--jobs", "1", "-q"]
    kept = [sys.executable, "-c", "from lintnews.kinds import metric\n"
            "print(metric.syllables('en_US').kept.get('trolleybuses') is not None)"]
    assert subprocess.run(check + [str(first)], cwd=ROOT, env=env, capture_output=True).returncode in (0, 1)
    lock = os.open(tmp_path / "cache" / ".syllables.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = subprocess.run(check + [str(second)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr
        assert subprocess.run(kept, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip() == "False"
    finally:
        os.close(lock)
    subprocess.run(check + [str(second)], cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert subprocess.run(kept, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip() == "True"
