"""The names family: one name spelt two ways in a story, and names unlike the house list.

Texts here are written for these tests in the shape of wire copy; none is copied from the
evaluation data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lintnews.engine import Linter
from lintnews.housenames import (
    HouseNamesError,
    bulk_name_keys,
    load_house_names,
    name_keys,
    parse_file,
    starter_names_path,
)
from lintnews.kinds.base import RuleError
from lintnews.kinds.names import slip
from lintnews.loader import default_packs_dir, load_rules

DATA = Path(__file__).parent / "data" / "names"
ROOT = Path(__file__).resolve().parent.parent
RULES = [r for r in load_rules([default_packs_dir()]) if r.id.startswith("names.")]


def lint(text, *, select=("names",), **kwargs):
    return Linter(RULES, select=select, **kwargs).lint_text(text, "story.txt")


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


# --- the example from the issue -------------------------------------------------------------

WIRE_STORY = """Moscow stays on the sidelines as Tehran counts the cost

President Donald Trump weighed fresh strikes on Tehran on Thursday, while Russian President Vladimir Putin offered to mediate.

Relations between the two capitals have soured before. In 2016, then-Iranian Defense Minister Hossein Deghan accused Moscow of \u201cshowing off\u201d after Russian bombers used an Iranian air base.

Analysts recalled that Russian officials had courted the late Qassem Soleimani, and that Putin met Iranian President Masoud Pezeshkian at the Kremlin in January. Chechen leader Ramzan Kadyrov praised Tehran.

Syria's Bashar Assad was the partners' common cause for a decade.
"""


def test_example_story_flags_only_deghan_with_the_house_spelling():
    findings = lint(WIRE_STORY)
    assert [(f.rule, f.match, f.suggestions) for f in findings] == [
        ("names.house-spelling", "Hossein Deghan", ("Hossein Dehghan",))
    ]
    assert findings[0].line == 5


def test_all_default_rules_leave_soleimani_alone():
    findings = Linter(load_rules([default_packs_dir()])).lint_text(WIRE_STORY, "story.txt")
    assert not [f for f in findings if f.rule.startswith("names.") and "Soleimani" in f.match]


# --- within one story ----------------------------------------------------------------------


def test_minority_spelling_in_a_story_gets_the_majority_as_suggestion():
    text = (
        "Retired Gen. Michael Flynn met the ambassador twice in December. Flynn later told "
        "investigators he did not recall the calls. Aides said Flinn had briefed them. "
        "Flynn resigned in February."
    )
    found = by_rule(lint(text, starter_names=False), "names.inconsistent")
    assert [(f.match, f.suggestions) for f in found] == [("Flinn", ("Flynn",))]


@pytest.mark.parametrize(
    "text, match, suggestion",
    [
        (
            "Turkish President Recep Tayyip Erdogan arrived late. Erdogan said the talks would go on, "
            "and aides to Erdoğan said a deal was close. Erdogan left at noon.",
            "Erdoğan",
            "Erdogan",
        ),
        (
            "Kim Jong Un watched the launch. Analysts say Kim Jong Un wants leverage, and state media "
            "showed Kim Jong-un smiling.",
            "Kim Jong-un",
            "Kim Jong Un",
        ),
        (
            "Hezbollah leader Hassan Nasrallah spoke on Friday. Nasrallah said the group was ready, "
            "and supporters of Nasralla cheered. Nasrallah did not appear in person.",
            "Nasralla",
            "Nasrallah",
        ),
        (
            "The commander, Qassem Soleimani, was killed in January. Officials said Soleimani had "
            "travelled from Damascus and that aides to Suleimani were also killed. Soleimani was 62.",
            "Suleimani",
            "Soleimani",
        ),
        (
            "Speaker Nancy Pelosi said the bill would pass. Pelosi told reporters the vote was set, "
            "and aides to Peolsi said talks went on. Pelosi left.",
            "Peolsi",
            "Pelosi",
        ),
        (
            "Syrian President Bashar al-Assad met envoys. Later, Bashar al-Assad told them the war was "
            "over, and Bashar Assad thanked Moscow.",
            "Bashar Assad",
            "Bashar al-Assad",
        ),
    ],
)
def test_transliteration_and_typing_variants_in_one_story(text, match, suggestion):
    found = by_rule(lint(text, starter_names=False), "names.inconsistent")
    assert [(f.match, f.suggestions[0]) for f in found] == [(match, suggestion)]


@pytest.mark.parametrize(
    "text",
    [
        "Supreme Leader Ali Khamenei praised the late Ruhollah Khomeini. Khamenei spoke for an hour "
        "about Khomeini and the revolution. Khamenei then left.",
        "Kim Jong Un succeeded his father, Kim Jong Il, in 2011. Kim Jong Un has since tested missiles.",
        "Hassan Rouhani met Hassan Nasrallah. Rouhani and Nasrallah spoke for an hour. Rouhani left.",
        "Italian Prime Minister Giorgia Meloni flew to Tbilisi. Georgia's leaders met her there, and "
        "Georgia signed a trade deal with Italy. Georgia wants closer ties.",
        "Iran and Iraq signed a pact. Iran said Iraq would host the next round, and Iran agreed to "
        "pay for it.",
        "President Barack Obama said Osama bin Laden was dead. Obama spoke from the White House. "
        "Obama thanked the troops.",
        "Rep. Michele Bachmann spoke first, then Michelle Obama. The first lady said Michelle Obama "
        "would campaign, and later Michelle Obama did.",
        "Israel said the strike was over. An Israeli official said Israel would respond, and Israel "
        "closed its airspace.",
    ],
)
def test_different_people_and_places_stay_apart(text):
    assert by_rule(lint(text, starter_names=False), "names.inconsistent") == []


def test_family_members_share_one_surname_spelling():
    text = (
        "Bill Clinton spoke on Monday. Clinton said the foundation would continue. "
        "Hillary Rodham Clniton did not attend. Clinton left by car."
    )
    found = by_rule(lint(text, starter_names=False), "names.inconsistent")
    assert [f.match for f in found] == ["Clniton"]


def test_common_words_written_in_lower_case_elsewhere_are_not_names():
    text = (
        "Bill Nelson backed the bill. The bill passed, and Nelson said the Bull vote was close. "
        "Nelson thanked staff."
    )
    assert by_rule(lint(text, starter_names=False), "names.inconsistent") == []


def test_names_in_quotes_are_checked_too():
    text = (
        "Senator Lindsey Graham spoke. \u201cGraham is right,\u201d said one aide, \u201cand Grahm "
        "knows it.\u201d Graham left."
    )
    found = by_rule(lint(text, starter_names=False), "names.inconsistent")
    assert [f.match for f in found] == ["Grahm"]


# --- against the house list -----------------------------------------------------------------


def test_starter_list_flags_a_single_misspelt_full_name():
    found = lint("Defense Minister Hossein Deghan spoke to reporters in Tehran.")
    assert [(f.rule, f.suggestions) for f in found] == [("names.house-spelling", ("Hossein Dehghan",))]


def test_starter_list_catches_one_slip_in_a_listed_name():
    found = lint("The talks were led by Abbas Araqchi, Iran's chief negotiator.")
    assert [(f.match, f.suggestions) for f in found] == [("Abbas Araqchi", ("Abbas Araghchi",))]


def test_surname_alone_is_checked_when_the_story_names_the_person():
    text = (
        "Ukrainian President Volodymyr Zelenskyy flew to Paris. In a speech there, Zelensky said "
        "the front was holding."
    )
    found = by_rule(lint(text), "names.house-spelling")
    assert [(f.match, f.suggestions) for f in found] == [("Zelensky", ("Zelenskyy",))]


def test_newsroom_text_list_wins_over_the_starter_list():
    text = "Ukrainian President Volodymyr Zelensky met European leaders. Zelensky asked for air defence."
    assert by_rule(lint(text), "names.house-spelling")  # the starter list says Zelenskyy
    own = lint(text, names_files=[str(DATA / "newsroom.txt")])
    assert by_rule(own, "names.house-spelling") == []
    flipped = lint(text.replace("Zelensky", "Zelenskyy"), names_files=[str(DATA / "newsroom.txt")])
    assert {f.suggestions[0] for f in by_rule(flipped, "names.house-spelling")} <= {
        "Volodymyr Zelensky", "Zelensky"
    }
    assert len(by_rule(flipped, "names.house-spelling")) == 2


def test_yaml_list_with_variants_that_keys_cannot_join():
    text = "Libyan leader Muammar Qaddafi ruled for 42 years. Qaddafi was killed in 2011."
    found = by_rule(lint(text, names_files=[str(DATA / "newsroom.yaml")], starter_names=False), "names.house-spelling")
    assert [(f.match, f.suggestions[0]) for f in found] == [
        ("Muammar Qaddafi", "Moammar Gadhafi"),
        ("Qaddafi", "Gadhafi"),
    ]


def test_starter_list_can_be_switched_off():
    found = lint("Defense Minister Hossein Deghan spoke.", starter_names=False)
    assert by_rule(found, "names.house-spelling") == []


def test_house_spelling_is_never_the_story_minority_to_change():
    text = (
        "President Volodymyr Zelensky spoke. Zelensky said the talks failed, and Zelensky left. "
        "Officials close to Zelenskyy said he would return."
    )
    findings = lint(text)
    assert by_rule(findings, "names.inconsistent") == []
    assert all(f.suggestions[0].endswith("Zelenskyy") for f in by_rule(findings, "names.house-spelling"))


def test_a_ten_thousand_name_list_still_finds_a_slip(tmp_path):
    syllables = "ka ri mo na le sa to vi de ba ru lin zar mir han sul bek ov son berg tu".split()
    names = []
    for i in range(10_000):
        a = syllables[i % 21] + syllables[(i // 21) % 21] + syllables[(i // 441) % 21]
        names.append(f"{a.capitalize()} {syllables[(i * 7) % 21].capitalize()}{syllables[(i * 11) % 21]}ov")
    names.append("Oleksandr Merezhko")
    big = tmp_path / "big.txt"
    big.write_text("\n".join(names) + "\n", encoding="utf-8")
    house = load_house_names([str(big)], starter=False).ensure()
    assert len(house) == len(names)
    found = lint("Lawmaker Oleksander Merezhko said the vote would pass.", names_files=[str(big)], starter_names=False)
    assert [(f.match, f.suggestions) for f in found] == [("Oleksander Merezhko", ("Oleksandr Merezhko",))]


# --- keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hossein Dehghan", "Hossein Deghan"),
        ("Kim Jong Un", "Kim Jong-un"),
        ("Bashar al-Assad", "Bashar Assad"),
        ("Abdel-Fattah el-Sissi", "Abdel Fattah al-Sisi"),
        ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),
        ("Qassem Soleimani", "Kassem Soleimani"),
        ("Youssef", "Yusef"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelenskiy"),
        ("Khaled", "Kaled"),
        ("Sheerin", "Shirin"),
        ("Alexei Navalny", "Aleksei Navalny"),
    ],
)
def test_transliteration_variants_share_a_key(a, b):
    assert "".join(name_keys(a)) == "".join(name_keys(b))


@pytest.mark.parametrize(
    "a, b",
    [("Khamenei", "Khomeini"), ("Rouhani", "Nasrallah"), ("John", "Jon"), ("Iran", "Iraq")],
)
def test_different_names_do_not_share_a_key(a, b):
    assert name_keys(a) != name_keys(b)


def test_slips_inside_words_only():
    assert slip("pelosi", "peolsi")  # swapped
    assert slip("bachman", "baxhman")  # neighbouring key
    assert not slip("israel", "israeli")  # added at the end: a demonym
    assert not slip("iran", "irak")  # last letter
    assert not slip("obama", "osama", 6)  # too short for the length asked


def test_bulk_keys_match_one_by_one_keys_on_the_starter_list():
    names = [row[0] for row in parse_file(str(starter_names_path()))]
    names += ["Bashar al Assad", "Tamim bin Hamad Al Thani", "Jean\u2010Luc M\u00e9lenchon", "\u0141ukasz \u00d8rsted"]
    assert len(names) > 300
    assert bulk_name_keys(names) == [name_keys(n) for n in names]


# --- bad lists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, where, words",
    [
        ("missing.txt", "missing.txt", "not found"),
        ("bad-yaml.yaml", "bad-yaml.yaml:", "invalid YAML"),
        ("bad-digits.txt", "bad-digits.txt:3", "not a name"),
        ("not-a-mapping.yaml", "not-a-mapping.yaml:2", "must be a name"),
        ("nul-bytes.txt", "nul-bytes.txt:2", "NUL"),
        ("latin1.txt", "latin1.txt:2", "UTF-8"),
    ],
)
def test_bad_lists_name_file_and_line(name, where, words):
    with pytest.raises(HouseNamesError) as info:
        load_house_names([str(DATA / name)], starter=False)
    message = str(info.value)
    assert where in message and words in message
    assert "Traceback" not in message


def test_unknown_check_is_a_rule_error(tmp_path):
    pack = tmp_path / "names.yaml"
    pack.write_text(
        "id: names.custom\nkind: names\ncheck: everything\nseverity: warning\nmessage: m\n"
        "examples: {flag: [a], pass: [b]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as info:
        load_rules([pack])
    assert "names.yaml:3" in str(info.value) and "'check'" in str(info.value)


def test_starter_list_is_not_loaded_as_a_rule_pack():
    assert starter_names_path().is_file()
    assert starter_names_path().parent.name.startswith("_")
    assert len(load_house_names([], starter=True)) >= 300


def test_cli_reports_a_bad_names_file_with_exit_code_2(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "lintnews", "check", "--names", str(DATA / "bad-yaml.yaml"), str(story)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2
    assert "bad-yaml.yaml:" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
