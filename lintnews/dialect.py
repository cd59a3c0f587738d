"""American and British spelling of what lintnews writes: messages and suggestions.

The shipped packs are written in American English (``dialect: en-US``, the default), as AP
copy is. ``dialect: en-GB`` (config) or ``--dialect en-GB`` rewrites every message and
suggestion into British spelling ("criticized" -> "criticised", "labeled" -> "labelled",
"behavior" -> "behaviour") when a finding is made. Only spelling changes: the words a rule
matches are the rule's, in whichever spelling the copy uses.

The table is explicit rather than a blanket -ize/-ise rule, because "size", "prize",
"seize", "capsize" and "citizen" do not change, and "advise", "revise", "promise" are -ise
in both.
"""

from __future__ import annotations

import re
from functools import lru_cache
from . import rx

DIALECTS = ("en-US", "en-GB")

# Stems that are -ize in American and -ise in British spelling.
_IZE_STEMS = """
apolog author capital categor central character civil critic democrat demon dramat
editorial emphas final formal general global harmon ideal industrial institutional
jeopard legal legitim liberal local marginal memor minim mobil modern monopol moral
neutral normal optim organ patron penal polar popular prioritis priorit privat
professional radical rational real recogn revolution scandal scrutin sensational special
stabil standard stigmat subsid summar symbol sympath synchron terror theor trivial
util vandal victim visual vocal
""".split()
_IZE_ENDINGS = {"ize": "ise", "izes": "ises", "ized": "ised", "izing": "ising", "ization": "isation", "izations": "isations", "izer": "iser", "izers": "isers"}

# Words whose -or is -our in British spelling (with their plurals and derived forms).
_OUR = "ardor behavior clamor color favor flavor harbor honor humor labor neighbor odor rigor rumor savior splendor valor vapor vigor".split()
# Verbs that double their final l in British spelling.
_DOUBLE_L = "cancel channel counsel equal fuel grovel label level marvel model pummel quarrel rival signal total travel tunnel backpedal".split()
_PLAIN = {
    "defense": "defence",
    "offense": "offence",
    "center": "centre",
    "centers": "centres",
    "theater": "theatre",
    "theaters": "theatres",
    "specter": "spectre",
    "lackluster": "lacklustre",
    "meager": "meagre",
    "somber": "sombre",
    "skeptic": "sceptic",
    "skeptics": "sceptics",
    "skeptical": "sceptical",
    "skepticism": "scepticism",
    "judgment": "judgement",
    "judgments": "judgements",
    "analyze": "analyse",
    "analyzed": "analysed",
    "analyzes": "analyses",
    "analyzing": "analysing",
    "paralyze": "paralyse",
    "paralyzed": "paralysed",
    "catalog": "catalogue",
    "gray": "grey",
    "program": "programme",
    "programs": "programmes",
    "license": "licence",
    "spelled": "spelt",
    "misspelled": "misspelt",
}


@lru_cache(maxsize=1)
def _us_to_gb() -> dict[str, str]:
    table = dict(_PLAIN)
    for stem in _IZE_STEMS:
        for us, gb in _IZE_ENDINGS.items():
            table[stem + us] = stem + gb
    for word in _OUR:
        gb = word[:-2] + "our"
        for suffix in ("", "s", "ed", "ing", "able", "ite", "ites", "ful"):
            table[word + suffix] = gb + suffix
    for verb in _DOUBLE_L:
        for suffix in ("ed", "ing", "er", "ers"):
            table[verb + suffix] = verb + "l" + suffix
    return table


@lru_cache(maxsize=1)
def _gb_to_us() -> dict[str, str]:
    return {gb: us for us, gb in _us_to_gb().items()}


@lru_cache(maxsize=2)
def _pattern(to: str) -> re.Pattern:
    table = _us_to_gb() if to == "en-GB" else _gb_to_us()
    words = sorted(table, key=len, reverse=True)
    return rx.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


def _keep_case(written: str, replacement: str) -> str:
    if written.isupper() and len(written) > 1:
        return replacement.upper()
    if written[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def spell(text: str, dialect: str) -> str:
    """``text`` in ``dialect``'s spelling ("en-US" or "en-GB")."""
    if not text:
        return text
    table = _us_to_gb() if dialect == "en-GB" else _gb_to_us()
    return _pattern(dialect).sub(lambda m: _keep_case(m.group(), table[m.group().lower()]), text)
