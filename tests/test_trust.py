"""Findings an editor trusts: reported speech, sense, context, one finding per problem, and
the misses editors marked (inflections, headlines, verdicts, unattributed cues).

Every text is wire-style copy written for these tests. Each test names the words an editor
would strike, or says why the words are someone else's.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lintnews.cli import main
from lintnews.engine import Linter
from lintnews.loader import default_packs_dir, load_rules
from lintnews.reported import reported_spans
from lintnews.document import Document

RULES = load_rules([default_packs_dir()])


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter([r for r in RULES if not r.id.startswith("readability.")])


def found(linter: Linter, text: str, prefix: str = "") -> list[tuple[str, str]]:
    return [(f.rule, f.match) for f in linter.lint_text(text, "story.txt") if f.rule.startswith(prefix)]


def reported(text: str) -> list[str]:
    doc = Document.from_source("s.txt", text)
    return [text[a:b] for a, b in reported_spans(doc.text, doc.sentences)]


# --- 1. words the paper attributes to someone are theirs ------------------------------

SPEAKERS_WORDS = [
    "Critics accused the minister of caving in to the unions.",
    "The opposition called the housing plan a land grab.",
    "An inquiry report said the mayor had lied to investigators about the contracts.",
    "The senator's assertion that the regime would fall within a year drew laughter.",
    "Police described the raid on the warehouse as brutal.",
    "The exiled general said the regime would fall by the spring.",
    "The plan, union leaders said, is a disgraceful giveaway to landlords.",
    "The tax is a crippling burden on small farms, the farmers' union said.",
    "According to the defence ministry, the rebels are a terrorist mob.",
    "Mr. Hale told reporters on Monday that the rival bid was a shameless stunt.",
]


@pytest.mark.parametrize("text", SPEAKERS_WORDS)
def test_loaded_words_in_reported_speech_are_the_speakers(linter, text):
    assert found(linter, text, "loaded.") == []


def test_a_loaded_verb_of_saying_is_still_the_papers_choice(linter):
    # The content after "slammed" is the speaker's; "slammed" itself is the paper's word.
    assert found(linter, "Opposition leaders slammed the budget as a disgraceful giveaway.", "loaded.") == [
        ("loaded.said", "slammed")
    ]


def test_reported_content_starts_after_the_attribution():
    assert reported("Critics say the new rules will do little to stop smuggling.") == [
        "the new rules will do little to stop smuggling"
    ]
    # "according to X": the rest of the sentence is X's, the phrase itself is not.
    assert reported("According to the ministry, the regime is collapsing.") == ["the regime is collapsing"]
    # The paper's own clause after "but" is narration again.
    spans = reported("The minister said the plan was fair, but the brutal cuts fell on the poor.")
    assert spans == ["the plan was fair"]


def test_a_passive_with_no_one_saying_it_is_the_papers_verdict(linter):
    assert ("loaded.honorifics", "hero") in found(linter, "The firefighter was hailed as a hero after the blaze.")
    assert found(linter, "Neighbors hailed the firefighter as a hero after the blaze.", "loaded.") == []


# --- 2. sense and part of speech -------------------------------------------------------

def test_a_noun_judged_already_is_not_a_verb_of_saying(linter):
    assert found(linter, "The White House disputed Republican claims that the calls were improper.", "loaded.said") == []
    assert found(linter, "He claims the vote was rigged.", "loaded.said") == [("loaded.said", "claims")]


def test_a_persons_reported_anger_is_not_the_papers_tone(linter):
    assert found(linter, "The families were furious when the inquiry was delayed again.", "loaded.") == []
    assert found(linter, "The furious backlash forced a U-turn.", "loaded.") == [("loaded.emotive", "furious")]


@pytest.mark.parametrize(
    "text",
    [
        "The lame-duck session of Congress ends in December.",
        "The council approved a new historic district on Tuesday.",
        "The cafe sells grilled chicken and salads.",
    ],
)
def test_neutral_senses_are_not_flagged(linter, text):
    assert found(linter, text, "loaded.") == []


# --- 3. context already given ----------------------------------------------------------

def test_a_reason_for_anonymity_covers_the_same_sources_later(linter):
    text = (
        "Two officials, who asked not to be named because they were not authorized to discuss the talks, "
        "said a deal was close.\n\nLater on Tuesday, a senior official said the envoy had left the capital."
    )
    assert found(linter, text, "attribution.anonymous") == []
    bare = "Late on Tuesday, a senior official said the envoy had left the capital."
    assert found(linter, bare, "attribution.anonymous") == [("attribution.anonymous", "a senior official")]


def test_a_quote_whose_speaker_follows_or_continues_is_not_speakerless(linter):
    follows = (
        "The rally filled the square.\n\n"
        "“We will not give up a single street of this city.” The words were Mayor Ana Ruiz's, at the rally."
    )
    assert found(linter, follows, "attribution.quote") == []
    continued = (
        "“Housing is a right,” she continued. “Every family in this city deserves a home it can afford.”"
    )
    assert found(linter, continued, "attribution.quote") == []


def test_a_schedule_is_not_a_forecast(linter):
    assert found(linter, "The minister is expected to announce the budget on Wednesday.", "attribution.") == []
    assert found(linter, "The currency is expected to weaken further next year.", "attribution.") == [
        ("attribution.prediction", "is expected to")
    ]


def test_a_weasel_cue_is_answered_only_by_a_name_beside_it(linter):
    text = (
        "While many have speculated that the envoy was offered a job in return for leaving the race, "
        "the White House said no offer was made."
    )
    assert ("attribution.weasel", "many have speculated") in found(linter, text)


# --- 4. one problem, one finding ---------------------------------------------------------

def test_one_family_reports_the_most_specific_rule(linter):
    text = "Senator Slams Treasury Over Bank Rescue\n\nThe senator criticized the plan on Monday."
    assert found(linter, text, "loaded.") == [("loaded.headline-verbs", "Slams")]


def test_the_same_words_from_two_families_are_one_finding(linter):
    text = "The minister supposedly offered to resign twice last year."
    assert len(linter.lint_text(text, "s.txt")) == 1


# --- misses editors marked -----------------------------------------------------------

def test_one_entry_covers_a_verbs_forms_and_suggestions_follow_the_form(linter):
    got = {f.match: f.suggestions for f in linter.lint_text("Opposition leaders slam the budget every year.", "s.txt")}
    assert got == {"slam": ("criticize",)}
    got = {f.match: f.suggestions for f in linter.lint_text("The senator lashes out at the banks.", "s.txt")}
    assert got == {"lashes out": ("criticizes",)}
    # An -s form after a determiner is a plural noun.
    assert found(linter, "The claims were false, an audit found.", "loaded.said") == []


@pytest.mark.parametrize(
    "text,match",
    [
        ("Senator Rips Treasury Over Bank Rescue\n\nThe senator criticized the plan.", "Rips"),
        ("Governor Scoffs At Union Demands\n\nThe governor rejected the offer.", "Scoffs At"),
    ],
)
def test_headlines_are_the_papers_voice(linter, text, match):
    assert ("loaded.headline-verbs", match) in found(linter, text)


@pytest.mark.parametrize(
    "text,match",
    [
        ("True to form, the senator ignored the question.", "True to form"),
        ("The controversial mayor will seek a third term.", "controversial"),
        ("The minister, on the political ropes after the vote, called an early election.", "on the political ropes"),
        ("The senator refused to comment on the inquiry.", "refused to comment"),
    ],
)
def test_verdicts_in_the_papers_voice(linter, text, match):
    assert match in [m for _, m in found(linter, text, "loaded.")]


@pytest.mark.parametrize(
    "text,match",
    [
        ("Backers say the bill only copies a federal law passed in 1993.", "Backers say"),
        ("Legal scholars say it is too early to know how the court will rule.", "Legal scholars say"),
        ("Seen as one of the brightest ministers, she was moved to the Treasury.", "Seen as"),
        ("The senator, once thought to be a certain winner, trails in the polls.", "thought to be"),
        ("Sales fell, leading to concerns that the factory would close.", "leading to concerns"),
        ("The ruling is sure to infuriate the White House.", "is sure to"),
        ("A growing number of Republicans are suggesting the party should back the deal.",
         "A growing number of Republicans are suggesting"),
    ],
)
def test_unattributed_claims_editors_marked(linter, text, match):
    assert match in [m for _, m in found(linter, text, "attribution.")]


def test_one_name_written_two_ways(linter):
    text = "McDonald's said sales rose. Shares in McDonalds fell later. The clip ran on You Tube and on YouTube."
    got = {(f.match, f.suggestions[0]) for f in linter.lint_text(text, "s.txt") if f.rule == "names.forms"}
    assert got == {("McDonalds", "McDonald's"), ("You Tube", "YouTube")}
    assert found(linter, "Bill Clinton spoke first. The Clintons left early, and Clinton's aides stayed.", "names.forms") == []
    # A surname used on its own makes the split form the name, and the run-together one the slip.
    text = "MittRomney spoke first. Romney later said he would run. Mitt Romney left."
    assert [(f.match, f.suggestions[0]) for f in linter.lint_text(text, "s.txt") if f.rule == "names.forms"] == [
        ("MittRomney", "Mitt Romney")
    ]


# --- messages a reporter can act on ------------------------------------------------------

def test_dialect_changes_spelling_of_messages_and_suggestions(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("The senator slammed the plan on Monday.\n", encoding="utf-8")

    def run(*args):
        result = CliRunner().invoke(main, ["check", str(story), "--format", "json", *args])
        return json.loads(result.output)["findings"][0]

    us, gb = run(), run("--dialect", "en-GB")
    assert us["suggestions"] == ["criticized"] and "editorializes" in us["message"]
    assert gb["suggestions"] == ["criticised"] and "editorialises" in gb["message"]
    (tmp_path / ".lintnews.yaml").write_text("dialect: en-GB\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(story), "--format", "json", "--config", str(tmp_path / ".lintnews.yaml")])
    assert json.loads(result.output)["findings"][0]["suggestions"] == ["criticised"]
    (tmp_path / "bad.yaml").write_text("dialect: en-AU\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(story), "--config", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 2 and "dialect" in result.output


def test_messages_fit_the_case(linter):
    (f,) = linter.lint_text("The minister reportedly offered to resign.", "s.txt")
    assert "passive" not in f.message and "reported by whom" in f.message
    (f,) = linter.lint_text("The mayor lied about the budget.", "s.txt")
    assert f.suggestions == () and "court" in f.message


def test_house_style_suggests_the_wire_form_not_the_other_sides(linter):
    (f,) = linter.lint_text("Agents detained 30 illegal immigrants at the depot.", "s.txt")
    assert f.suggestions == ("immigrants in the country illegally",)


def test_rule_examples_prove_their_match_and_suggestion(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    rule = (
        "id: house.words\nkind: phrases\nseverity: warning\nmessage: \"'{match}'\"\n"
        "terms: {slammed: [criticized]}\n"
        "examples:\n  flag:\n    - {text: 'He slammed it.', match: slammed, suggestion: %s}\n  pass: ['He said it.']\n"
    )
    (pack / "r.yaml").write_text(rule % "criticized", encoding="utf-8")
    ok = CliRunner().invoke(main, ["test-rules", str(pack)])
    assert ok.exit_code == 0, ok.output
    (pack / "r.yaml").write_text(rule % "attacked", encoding="utf-8")
    bad = CliRunner().invoke(main, ["test-rules", str(pack)])
    assert bad.exit_code == 1 and "should suggest 'attacked'" in bad.output
