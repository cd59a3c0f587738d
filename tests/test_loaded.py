"""The loaded-language pack (`loaded.*`) on wire-style copy written for these tests.

Loaded words in the paper's own voice are flagged; the same words in neutral senses, inside
direct quotations, in legal designations and on page debris ("See also" links, share
buttons, promo headlines) are not. Each test states which words an editor would strike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lintnews.engine import Linter
from lintnews.loader import default_packs_dir, load_rules

DATA = Path(__file__).resolve().parent / "data" / "loaded"
PACK = load_rules([default_packs_dir() / "loaded"])


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(PACK, select=("loaded",))


def flagged(linter: Linter, text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.match.lower()) for f in linter.lint_text(text, "story.txt")]


def words(linter: Linter, text: str) -> set[str]:
    return {m for _, m in flagged(linter, text)}


# --- loaded words in narration -------------------------------------------------------

NARRATION = [
    ("The regime of Bashar Assad lost control of Damascus in December.", "loaded.regime", "regime"),
    ("Sanctions have made the country an international pariah.", "loaded.labels", "pariah"),
    ("A mob set fire to two cars outside the stadium.", "loaded.labels", "mob"),
    ("Thugs beat the reporter as she left the building.", "loaded.labels", "thugs"),
    ("The legendary striker scored twice on his return.", "loaded.honorifics", "legendary"),
    ("Terrorists attacked a checkpoint near the border on Sunday.", "loaded.terrorism", "terrorists"),
    ("The terrorist group claimed the bombing.", "loaded.terrorism", "terrorist"),
    ("Crippling sanctions have cut the country's oil exports by half.", "loaded.emotive", "crippling"),
    ("Artillery continued to pummel the town overnight.", "loaded.emotive", "pummel"),
    ("The vote plunged the party into chaos.", "loaded.emotive", "chaos"),
    ("The leak set off a firestorm in Washington.", "loaded.emotive", "firestorm"),
    ("The governor claimed the audit was politically motivated.", "loaded.said", "claimed"),
    ("The chief executive admitted that sales had fallen.", "loaded.said", "admitted"),
    ("Jones conceded that the plan had been costly.", "loaded.said", "conceded"),
    ("The senator insisted the bill would pass.", "loaded.said", "insisted"),
    ("The mayor lashed out at the unions on Tuesday.", "loaded.said", "lashed out"),
    ("Opposition leaders slammed the budget as reckless.", "loaded.said", "slammed"),
    ("The coach fumed after the referee's decision.", "loaded.said", "fumed"),
    ("The senator blasted the plan as a giveaway to insurers.", "loaded.said", "blasted"),
    ("Critics slammed his proposal on Monday.", "loaded.said", "slammed"),
    ("The mayor boasted that crime had fallen.", "loaded.said", "boasted"),
    ("The minister faced a barrage of criticism from her own party.", "loaded.emotive", "barrage"),
    ("Russia has been noticeably absent from the talks.", "loaded.adverbs", "noticeably"),
    ("The plan would, of course, cost billions.", "loaded.adverbs", "of course"),
    ("Unfortunately, the plant will close in June.", "loaded.adverbs", "unfortunately"),
    ("The so-called peace plan was published on Friday.", "loaded.adverbs", "so-called"),
    ("The Jewish state will hold an election in March.", "loaded.house-style", "jewish state"),
    ("The bill would repeal the death tax on large estates.", "loaded.house-style", "death tax"),
    ("Pro-life groups held a march in the capital.", "loaded.house-style", "pro-life"),
    ("Agents detained 30 illegal aliens at the depot.", "loaded.house-style", "illegal aliens"),
]


@pytest.mark.parametrize("text,rule,match", NARRATION, ids=[m for _, _, m in NARRATION])
def test_loaded_word_in_narration_is_flagged(linter, text, rule, match):
    assert (rule, match) in flagged(linter, text)


def test_house_style_terms_are_suggestions_with_the_neutral_form(linter):
    found = [f for f in linter.lint_text("The rally drew thousands of pro-choice voters.", "s.txt")]
    assert [f.severity for f in found] == ["suggestion"]
    assert "abortion-rights" in found[0].suggestions


def test_messages_say_why_and_what_a_neutral_report_says(linter):
    (f,) = linter.lint_text("The regime in Tehran rejected the offer.", "s.txt")
    assert "government" in f.message and "regime" in f.message.lower()
    assert "government" in f.suggestions
    (f,) = linter.lint_text("The minister claimed the figures were wrong.", "s.txt")
    assert '"said"' in f.message and f.suggestions == ("said",)


# --- the same words in neutral senses ---------------------------------------------------

NEUTRAL = [
    "The central bank scrapped its exchange-rate regime in March.",
    "The new tax regime takes effect in April.",
    "He follows a strict training regime before each race.",
    "The EU extended its sanctions regime for six months.",
    "A gas blast destroyed two houses on Sunday.",
    "Waves battered the pier overnight, closing the promenade.",
    "Storms battered the coast of Normandy for a second day.",
    "Engineers feared a meltdown at the reactor after the pumps failed.",
    "The rebels claimed responsibility for the attack.",
    "The floods claimed the lives of 12 people.",
    "Leeds claimed a 2-1 win at Elland Road.",
    "She was admitted to hospital with burns on Monday.",
    "He admitted two charges of fraud at Southwark Crown Court.",
    "Chelsea conceded a goal in the final minute.",
    "The lines on the road were clearly marked.",
    "Federer won his fourth Grand Slam title in Melbourne.",
    "The batter hit the ball over the fence.",
    "Zhang Yimou's film Hero was shown at the festival.",
    "Wreaths were laid at the memorial to the war heroes of 1944.",
    "The film has a cult following in Japan.",
    "Toxic chemicals leaked into the river, officials said.",
    "Counter-terrorism officers searched the flat.",
    "The virus has claimed more than 200 lives in the province.",
    "The militia claimed control of the town on Sunday.",
    "The team admitted defeat after the third round.",
    "The central bank insisted on collateral for the loans.",
    "The blaze ravaged 2,000 hectares of forest.",
    "The town was devastated by floods in 2019.",
    "Aid groups warned of a catastrophe if the border stays closed.",
    "He slammed the door and left.",
    "Rooney blasted the ball over the bar.",
    "Firefighters blasted a hole in the wall to reach the trapped men.",
    "Militants fired a barrage of rockets at the border town.",
    "Aid reached the besieged city on Friday for the first time in a month.",
    "The Islamic State group claimed the attack on Sunday.",
]


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_sense_is_not_flagged(linter, text):
    assert flagged(linter, text) == []


# --- legal and official designations ------------------------------------------------------

DESIGNATIONS = [
    "The group was designated a terrorist organisation by the State Department in 1997.",
    "Hezbollah was designated as a terrorist organization by the United States in 1997.",
    "Britain has listed the group as a terrorist organisation since 2001.",
    "Washington added the militia to its list of Foreign Terrorist Organizations.",
    "The EU, which considers Hamas a terrorist group, cut funding.",
    "Police arrested three suspected terrorists in Leeds on Tuesday.",
    "He was convicted of terrorism offences in 2019.",
]


@pytest.mark.parametrize("text", DESIGNATIONS)
def test_legal_designation_is_not_flagged(linter, text):
    assert flagged(linter, text) == []


# --- quotations ------------------------------------------------------------------------

QUOTED = [
    "“The regime in Washington wants war,” the minister said.",
    '"These thugs will not win," the mayor told reporters.',
    "“We will not be blackmailed by a pariah,” Kadyrov said in a post on Telegram.",
    "He called the strikes “a crippling blow to our economy.”",
    "“The terrorists have failed,” the prime minister said.",
    "“Frankly, the plan is a disaster,” she said. “Obviously we will vote against it.”",
]


@pytest.mark.parametrize("text", QUOTED)
def test_loaded_word_inside_a_quotation_is_not_flagged(linter, text):
    assert flagged(linter, text) == []


def test_same_word_flagged_outside_the_quote_only(linter):
    text = "The regime denied the report. “The regime is strong,” a spokesman said."
    found = linter.lint_text(text, "s.txt")
    assert [(f.rule, f.column) for f in found] == [("loaded.regime", 5)]


# --- scare quotes ------------------------------------------------------------------------


def test_single_word_in_quotes_quoting_nobody_is_a_scare_quote(linter):
    text = "The ministry's “reforms” will cut pensions by a fifth from next year."
    assert ("loaded.scare-quotes", "“reforms”") in flagged(linter, text)


@pytest.mark.parametrize(
    "text",
    [
        'He called the plan "reckless" and said he would vote against it.',
        'The word "freedom" appears 14 times in the speech.',
        "Critics described the deal as “reckless.”",
    ],
)
def test_partial_quotation_is_not_a_scare_quote(linter, text):
    assert flagged(linter, text) == []


# --- an article in the shape of scraped wire copy --------------------------------------


def test_wire_article_flags_what_an_editor_strikes_and_nothing_else(linter):
    text = (DATA / "wire-article.txt").read_text(encoding="utf-8")
    found = linter.lint_text(text, "wire-article.txt")
    got = [(f.line, f.rule, f.match) for f in found]
    assert got == [
        (5, "loaded.adverbs", "noticeably"),
        (5, "loaded.labels", "pariah"),
        (7, "loaded.emotive", "crippling"),
        (7, "loaded.emotive", "batter"),
        (11, "loaded.emotive", "resurgent"),
        (11, "loaded.regime", "regime"),
        (27, "loaded.emotive", "chaos"),
    ]
    lines = text.splitlines()
    flagged_lines = {f.line for f in found}
    # nothing on "See also" links, the capitals promo headline, share buttons or quotes
    for n, line in enumerate(lines, 1):
        if line.startswith(("See also", "Share", "Facebook", "Tweet", "Twitter")) or line.isupper():
            assert n not in flagged_lines, line
    for n in (17, 19, 21):  # quotations by the foreign minister and a lawmaker
        assert n not in flagged_lines
    # neutral senses and a designation in the same story
    assert 23 not in flagged_lines and 25 not in flagged_lines


# --- configuration: an editor turns a term off, a newsroom adds its own ---------------------


def test_editor_can_allow_a_term_without_forking_the_pack():
    text = "Crippling sanctions have hit the regime in Tehran."
    allowed = Linter(PACK, select=("loaded",), allow=("crippling",))
    assert [f.match for f in allowed.lint_text(text, "s.txt")] == ["regime"]
    quiet = Linter(PACK, select=("loaded",), allow=("crippling", "regime"))
    assert quiet.lint_text(text, "s.txt") == []


def test_editor_can_turn_a_rule_off(linter):
    text = "The so-called reform passed. Crippling strikes followed."
    quiet = Linter(PACK, select=("loaded",), ignore=("loaded.adverbs",))
    assert [f.rule for f in quiet.lint_text(text, "s.txt")] == ["loaded.emotive"]


def test_newsroom_adds_its_own_terms_in_its_own_file(tmp_path):
    (tmp_path / "house.yaml").write_text(
        """\
id: loaded.house-extra
kind: phrases
severity: warning
message: "'{match}' is on our house list of loaded words"
terms:
  jackals: [the group's name]
examples:
  flag: ["The jackals of the press gathered."]
  pass: ["Reporters gathered outside."]
""",
        encoding="utf-8",
    )
    rules = load_rules([default_packs_dir() / "loaded", tmp_path])
    found = Linter(rules, select=("loaded",)).lint_text("The jackals of the press attacked the regime in Tehran.", "s.txt")
    assert {f.rule for f in found} == {"loaded.house-extra", "loaded.regime"}


def test_every_loaded_rule_states_sources_and_rationale():
    assert len(PACK) >= 8
    for rule in PACK:
        assert rule.id.startswith("loaded.")
        assert rule.sources and rule.description
    terms = sum(len(getattr(r, "terms", ())) for r in PACK)
    assert terms >= 300


def test_titles_and_names_in_title_case_are_not_the_word(linter):
    # Inside a sentence, a capitalised match is a film, a play or an organisation.
    assert words(linter, "A horror film by the Evil Dead director topped the box office.") == set()
    assert words(linter, "The shortlist includes Cruel and Tender at the Young Vic.") == set()
    # The same words are flagged in the paper's own voice, and at a sentence's start.
    assert "evil" in words(linter, "The council called off an evil plan to close the library.")
    assert "chaos" in words(linter, "Chaos spread through the capital on Monday.")


@pytest.mark.parametrize(
    "text",
    [
        "He admitted two counts of fraud at Leeds Crown Court.",
        "She admitted manslaughter on the grounds of diminished responsibility.",
        "The crippled tanker was towed to port by two tugs.",
    ],
)
def test_court_pleas_and_damaged_vessels_are_plain_reporting(linter, text):
    assert words(linter, text) == set()


def test_admitted_and_crippled_still_flag_in_the_papers_voice(linter):
    assert "admitted" in words(linter, "The minister admitted the plan had failed.")
    assert "crippled" in words(linter, "Strikes crippled the port for a week.")
