"""The attribution family: claims that no named source answers.

Tested through the public API (load_rules + Linter) on text written for these tests: a
wire-style article in the shape of a real one, and a labelled set of wire-style sentences
(tests/data/attribution/sentences.tsv), half unattributed claims of each kind and half
attributed sentences or plain facts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lintnews.engine import Linter
from lintnews.kinds.base import RuleError
from lintnews.loader import default_packs_dir, load_rules

DATA = Path(__file__).resolve().parent / "data" / "attribution"
RULES = [r for r in load_rules([default_packs_dir()]) if r.id.startswith("attribution.")]
LINTER = Linter(RULES)


def findings(text: str):
    return LINTER.lint_text(text, "story.txt")


def rules_hit(text: str) -> set[str]:
    return {f.rule for f in findings(text)}


# --- the pack ---------------------------------------------------------------------------


def test_pack_has_every_kind_of_unattributed_claim():
    ids = {r.id for r in RULES}
    assert ids == {
        "attribution.weasel",
        "attribution.passive",
        "attribution.collective",
        "attribution.prediction",
        "attribution.statistic",
        "attribution.anonymous",
        "attribution.quote",
    }
    for rule in RULES:
        assert rule.kind == "attribution"
        assert rule.sources and rule.description
        assert rule.suggestions, f"{rule.id} should suggest what to do"


# --- the article --------------------------------------------------------------------------

ARTICLE = (DATA / "egypt-sudan-wire.txt").read_text(encoding="utf-8")


def line_of(fragment: str) -> int:
    for number, line in enumerate(ARTICLE.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"fragment not in the article: {fragment!r}")


@pytest.fixture(scope="module")
def article_findings():
    return findings(ARTICLE)


@pytest.mark.parametrize(
    "fragment, rule",
    [
        ("Sudan perceives that Egypt has used it as a pawn", "attribution.collective"),
        ("Aside from the president, opinion within Egypt is divided.", "attribution.collective"),
        ("Critics say the talks will fail", "attribution.weasel"),
        ("It is believed that more than 150,000", "attribution.passive"),
        ("70% of Egyptians oppose sending troops", "attribution.statistic"),
    ],
)
def test_article_unattributed_claims_are_flagged(article_findings, fragment, rule):
    line = line_of(fragment)
    start = ARTICLE.splitlines()[line - 1].index(fragment)
    hits = [f for f in article_findings if f.rule == rule and f.line == line]
    assert hits, f"{rule} did not flag line {line}"
    # The finding sits on the claim, not elsewhere on the line.
    assert any(start <= f.column - 1 < start + len(fragment) for f in hits)


@pytest.mark.parametrize(
    "sentence",
    [
        # a document as the source
        "As a Chatham House paper observed, Egypt saw in Sudan's generals a buffer",
        "A Carnegie Endowment study citing Western intelligence officials describes Egypt's help",
        # a quotation whose speaker is named, and the sentences of the same quotation
        '"Egypt can act as a bridge because it speaks to everyone in this war," regional analyst Mona Farouk told the Egyptian newspaper Al-Ahram.',
        '"We have no obligation to fight on anyone\'s side.',
        # "Sudanese view Egypt as" is a collective view, answered in its own sentence
        "The two also share a history of mistrust, as Sudanese view Egypt as a former colonial ruler, according to the Chatham House paper.",
        "Sabahi said in a post on Facebook.",
        "The well-known commentator Samir Farag said the army",
        "Farag said.",
        '"Courage does not replace fuel, spare parts and air cover."',
        "with then-Sudanese Foreign Minister Mariam al-Mahdi calling the broadcast",
    ],
)
def test_article_attributed_sentences_are_not_flagged(article_findings, sentence):
    line = line_of(sentence)
    start = ARTICLE.splitlines()[line - 1].index(sentence)
    inside = [f for f in article_findings if f.line == line and start < f.end_column and f.column - 1 < start + len(sentence)]
    assert inside == []


def test_article_headline_debris_and_plain_facts_are_quiet(article_findings):
    flagged_lines = {f.line for f in article_findings}
    for fragment in (
        "Egypt stays on the sidelines",
        "SUDAN'S ARMY SAYS IT RETOOK KEY BRIDGE",
        "See also  Senators press Pentagon",
        "Egypt has kept a low profile in Sudan's civil war, offering",
        "Still, Egypt has kept its lines open",
        "The relationship rests on convenience",
    ):
        assert line_of(fragment) not in flagged_lines, fragment


def test_article_first_running_quote_paragraph_is_attributed(article_findings):
    # Three sentences of one speaker in one paragraph: only the first names her.
    line = line_of("We have no obligation to fight on anyone's side.")
    assert [f for f in article_findings if f.rule == "attribution.quote" and f.line == line] == []


# --- the labelled sentences ------------------------------------------------------------------


def labelled():
    items = []
    for raw in (DATA / "sentences.tsv").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        label, kind, text = raw.split("\t", 2)
        items.append((label, kind, text))
    return items


def test_labelled_set_is_balanced_and_covers_every_kind():
    items = labelled()
    flags = [k for label, k, _ in items if label == "flag"]
    passes = [k for label, k, _ in items if label == "pass"]
    assert len(items) >= 250
    assert abs(len(flags) - len(passes)) <= len(items) // 10
    assert set(flags) == {"weasel", "passive", "collective", "prediction", "statistic", "anonymous", "quote"}
    assert {"named", "organisation", "document", "poll", "anonymous-reason", "fact"} <= set(passes)


def test_labelled_set_recall_and_false_alarms():
    items = labelled()
    missed = [text for label, _, text in items if label == "flag" and not findings(text)]
    wrongly = [text for label, _, text in items if label == "pass" and findings(text)]
    n_flag = sum(1 for label, _, _ in items if label == "flag")
    n_pass = len(items) - n_flag
    assert len(missed) / n_flag <= 0.15, missed  # recall at least 85 %
    assert len(wrongly) / n_pass <= 0.10, wrongly  # at most one attributed sentence in ten flagged


@pytest.mark.parametrize("kind", ["weasel", "passive", "collective", "prediction", "statistic", "anonymous", "quote"])
def test_each_kind_is_mostly_caught(kind):
    texts = [text for label, k, text in labelled() if label == "flag" and k == kind]
    caught = sum(1 for text in texts if findings(text))
    assert caught >= 0.8 * len(texts)


# --- behaviour, case by case ---------------------------------------------------------------------


def test_words_inside_a_quotation_are_the_speakers():
    text = "“Critics say we are too slow, and it is believed we will fail,” the minister said."
    assert findings(text) == []


def test_named_members_answer_a_weasel_subject():
    assert "attribution.weasel" in rules_hit("Critics say the dam will flood the valley.")
    assert rules_hit("Critics, including the engineer Tom Reyes, say the dam will flood the valley.") == set()
    assert rules_hit("Analysts at Barclays say the dam will cost twice the estimate.") == set()


def test_a_pronoun_answers_only_when_the_previous_sentence_names_someone():
    named = "Senator Laura Chen visited the site on Monday. Critics say the dam will flood the valley, she said."
    unnamed = "The site was quiet on Monday. Critics say the dam will flood the valley, she said."
    assert rules_hit(named) == set()
    assert "attribution.weasel" in rules_hit(unnamed)


def test_agentless_passive_and_its_agent():
    assert "attribution.passive" in rules_hit("The militia is widely seen as the real power in the province.")
    assert rules_hit("The militia is widely seen by UN monitors as the real power in the province.") == set()
    assert "attribution.passive" in rules_hit("The governor reportedly ordered the arrests.")


def test_collective_subject_needs_a_source():
    assert "attribution.collective" in rules_hit("Japan fears that the treaty will not survive the election.")
    assert rules_hit("Japan fears that the treaty will not survive the election, Defence Minister Kenji Sato said.") == set()
    # A country doing something is a fact, not a perception.
    assert rules_hit("Japan sent two destroyers to the strait on Friday.") == set()


def test_prediction_needs_someone_who_expects_it():
    assert "attribution.prediction" in rules_hit("The currency will likely fall further next week.")
    assert rules_hit("The currency will likely fall further next week, traders at two banks said.") == set()


def test_statistic_needs_a_poll_or_data():
    assert "attribution.statistic" in rules_hit("Sixty percent of voters want the tax scrapped.")
    assert "attribution.statistic" in rules_hit("60% of voters want the tax scrapped.")
    assert rules_hit("60% of voters want the tax scrapped, according to an Opinium poll.") == set()
    # A poll named in the sentence before answers the figure too.
    assert rules_hit("An Opinium poll of 2,000 adults was published on Sunday. 60% of voters want the tax scrapped.") == set()
    assert rules_hit("Some 300 people attended the rally.") == set()


def test_anonymous_source_needs_a_stated_reason():
    bare = "A source close to the club said the coach would be sacked."
    reason = ("A source close to the club, who asked not to be named because the talks are confidential, "
              "said the coach would be sacked.")
    assert "attribution.anonymous" in rules_hit(bare)
    assert rules_hit(reason) == set()
    # "on condition of anonymity" alone is not a reason
    assert "attribution.anonymous" in rules_hit(
        "Two officials, speaking on condition of anonymity, said the convoy had been attacked.")


def test_quotation_with_no_speaker():
    assert "attribution.quote" in rules_hit("The rain did not stop. “We have nowhere left to go, and nobody is coming.”")
    assert rules_hit("“We have nowhere left to go, and nobody is coming,” said Leila Haddad, 41.") == set()
    running = ("“We have nowhere left to go,” said Leila Haddad, a teacher.\n\n"
               "“Nobody is coming for us, and the water is still rising.”")
    assert rules_hit(running) == set()
    # Short phrases and titles inside narration are not quotations that need a speaker.
    assert rules_hit("The coach called the result “simply not good enough” on Sunday.") == set()
    assert rules_hit("The band closed with “Nothing Compares To You Tonight” at midnight.") == set()


def test_findings_suggest_what_to_do_and_point_at_the_claim():
    [f] = findings("Observers warn that the reform could backfire.")
    assert f.rule == "attribution.weasel"
    assert f.match == "Observers warn"
    assert f.suggestions == ("name who says so",)
    assert (f.line, f.column) == (1, 1)


def test_select_one_rule_of_the_family():
    only = Linter(RULES, select=("attribution.passive",))
    text = "Critics say it is believed that the plan will fail."
    assert {f.rule for f in only.lint_text(text, "s.txt")} == {"attribution.passive"}


# --- the kind's YAML is checked like any rule --------------------------------------------------------


def write_rule(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "house.yaml"
    path.write_text(body, encoding="utf-8")
    return path


HEADER = """id: house.unsourced
kind: attribution
severity: warning
message: "Who says so?"
examples:
  flag: ["Insiders whisper the chief will go."]
  pass: ["The chief will go, the club said."]
"""


def test_a_house_rule_with_its_own_word_lists(tmp_path):
    path = write_rule(tmp_path, HEADER + """words:
  gossips: [insiders, gossips]
claims: ['(?P<cue>\\b{gossips}\\s+whisper)\\b']
answers: ['\\b{NAME}\\s+said|the\\s+club\\s+said']
""")
    [rule] = load_rules([path])
    linter = Linter([rule])
    assert [f.match for f in linter.lint_text("Insiders whisper the chief will go.", "s.txt")] == ["Insiders whisper"]
    assert linter.lint_text("Insiders whisper the chief will go, the club said.", "s.txt") == []


def test_a_claim_with_its_own_triggers_runs_only_where_they_occur(tmp_path):
    path = write_rule(tmp_path, HEADER + """words:
  gossips: [insiders, gossips]
claims:
  - triggers: ['{gossips}']
    pattern: '(?P<cue>\\b{gossips}\\s+whisper)\\b'
  - triggers: [murmur]
    pattern: '(?P<cue>\\bpeople\\s+(?:murmur|whisper))\\b'
answers: ['the\\s+club\\s+said']
""")
    [rule] = load_rules([path])
    linter = Linter([rule])
    text = "Gossips whisper the chief will go. People murmur that the coach will too. People whisper it."
    # The second claim matches "People whisper", but its trigger says it needs "murmur":
    # a trigger is a promise about the pattern, and the rule keeps it.
    assert [f.match for f in linter.lint_text(text, "s.txt")] == ["Gossips whisper", "People murmur"]


def test_a_malformed_claim_mapping_is_reported_with_its_position(tmp_path):
    path = write_rule(tmp_path, HEADER + "claims:\n  - {pattern: 'x', trigger: [y]}\n")
    with pytest.raises(RuleError, match="mapping of 'pattern' and 'triggers'") as err:
        load_rules([path])
    assert err.value.line == 9


def test_unknown_placeholder_is_reported_with_its_position(tmp_path):
    path = write_rule(tmp_path, HEADER + "claims: ['{nosuchlist} say']\n")
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert "unknown placeholder '{nosuchlist}'" in str(err.value)
    assert str(err.value).startswith(f"{path}:")
    assert err.value.line == 8


def test_bad_fields_are_reported(tmp_path):
    with pytest.raises(RuleError, match="'target' must be"):
        load_rules([write_rule(tmp_path, HEADER + "claims: ['x']\ntarget: paragraphs\n")])
    with pytest.raises(RuleError, match="needs 'claims'"):
        load_rules([write_rule(tmp_path, HEADER)])
    with pytest.raises(RuleError, match="does not compile"):
        load_rules([write_rule(tmp_path, HEADER + "claims: ['(unclosed']\n")])
    with pytest.raises(RuleError, match="'lists' file not found"):
        load_rules([write_rule(tmp_path, HEADER + "claims: ['x']\nlists: _data/missing.yaml\n")])


def test_article_findings_are_exactly_the_unattributed_claims(article_findings):
    got = sorted((f.line, f.rule, f.match) for f in article_findings)
    assert got == sorted([
        (line_of("Sudan perceives that"), "attribution.collective", "Sudan perceives"),
        (line_of("opinion within Egypt is divided"), "attribution.collective", "opinion within Egypt is divided"),
        (line_of("Critics say the talks"), "attribution.weasel", "Critics say"),
        (line_of("It is believed that more"), "attribution.passive", "It is believed"),
        (line_of("Most Egyptians think"), "attribution.collective", "Most Egyptians think"),
        (line_of("70% of Egyptians"), "attribution.statistic", "70% of Egyptians"),
    ])


@pytest.mark.parametrize(
    "text, rule",
    [
        ("A senior U.S. official said the convoy had been hit by mistake.", "attribution.anonymous"),
        ("People briefed on the talks said the offer had been raised.", "attribution.anonymous"),
        ("It's widely believed that the fire was set deliberately.", "attribution.passive"),
        ("Rumours are swirling that the striker will leave in January.", "attribution.passive"),
        ("Amid speculation that he will resign, the minister cancelled his trip.", "attribution.passive"),
        ("It is no secret that the coach wants a new contract.", "attribution.weasel"),
        ("Some historians have questioned the official death toll.", "attribution.weasel"),
        ("Growth is forecast to slow to 1% next year.", "attribution.prediction"),
        ("Seven in 10 Canadians support the ban.", "attribution.statistic"),
    ],
)
def test_more_shapes_of_unattributed_claims(text, rule):
    assert rule in rules_hit(text)


@pytest.mark.parametrize(
    "text",
    [
        "An official statement said the convoy had been hit by mistake.",
        "The word is derived from the Latin for salt.",
        "It is believed by investigators that the fire was set deliberately.",
        "If convicted, he could face up to 20 years in prison.",
        "Around 60 percent of voters turned out on Sunday.",
        "Half of the 30 passengers were British.",
        "The Envisional report said the industry should offer a legal way to download shows.",
        "Seven in 10 Canadians support the ban, according to an Angus Reid poll.",
    ],
)
def test_more_shapes_that_are_attributed_or_plain_fact(text):
    assert rules_hit(text) == set()


# --- hostile and unusual text ------------------------------------------------------------


def test_word_soup_with_a_stray_quote_mark_is_read_without_any_rule_giving_up():
    # Runs of capitalised words and a quote mark left open to the end of a long paragraph
    # once made the speaker patterns backtrack for seconds; now the rules read it and go on.
    words = ("Qantas Circuit returning the US, The grown source Panayis, remains included "
             "controls loan clear gold, Re the The is existing US finds of attacks cheaper").split()
    soup = " ".join(words[i % len(words)] for i in range(250))
    text = "Critics say the talks failed. " + soup + ' said "' + soup + "\n"
    linter = Linter(RULES)
    from lintnews.sources import Source

    found, errors = linter.lint_source(Source("soup.txt", text, []))
    assert errors == []
    assert "attribution.weasel" in {f.rule for f in found}


def test_triggers_only_skip_sentences_that_cannot_hold_a_claim():
    # The same rule with and without its triggers finds the same claims in our own article.
    weasel = next(r for r in RULES if r.id == "attribution.weasel")
    assert weasel.triggers and "critics" in weasel.triggers
    article = (Path(__file__).parent / "data" / "attribution" / "egypt-sudan-wire.txt").read_text(encoding="utf-8")
    with_triggers = [(f.line, f.column) for f in Linter([weasel]).lint_text(article, "a.txt")]
    saved = weasel.triggers
    try:
        weasel.triggers = None
        without = [(f.line, f.column) for f in Linter([weasel]).lint_text(article, "a.txt")]
    finally:
        weasel.triggers = saved
    assert with_triggers == without
