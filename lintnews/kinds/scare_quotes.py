"""``kind: scare_quotes`` — a single word in quotation marks in narration, quoting nobody.

"The minister's 'reforms' ..." casts doubt on a word without saying who doubts it. A
quoted single word is a scare quote when its sentence attributes nothing: no verb of
saying, calling or describing, no "according to", no colon introducing a quotation. A
partial quote of a speaker ("He called the plan 'reckless'") is left alone, and so are
headlines, names and titles (a capitalised word) and words the text defines ("the word
'freedom'", "so-called 'smart' meters").

The rule reports the quotation itself, so it needs ``scope: all`` (the engine would drop a
narration-scope hit that overlaps a quotation); the kind does the narration test itself.

YAML fields:
  cues:      extra words that mark a sentence as attributed (added to the built-in ones)
  max_words: longest quotation counted as a scare quote (default 1; hyphenated = 1 word)
"""

from __future__ import annotations

import re

from .. import rx
from ..document import MAX_SENTENCE_CHARS
from ..finding import Hit
from .base import Rule, RuleSpec, string_list

# Words that show a sentence quotes or names someone's words: a quoted word near one of
# these is a partial quotation or a cited term, not the writer's own irony.
ATTRIBUTION = (
    r"sa(?:y|ys|id|ying)|told|tell(?:s|ing)?|call(?:s|ed|ing)?|describ\w*|dubb?(?:s|ed|ing)?|"
    r"term(?:s|ed)?|label\w*|brand(?:s|ed|ing)?|according|wr(?:ote|ites?|iting|itten)|"
    r"tweet\w*|post(?:s|ed)|ask(?:s|ed|ing)?|add(?:s|ed|ing)|insist\w*|claim\w*|argu\w*|"
    r"warn\w*|quot\w*|refer\w*|cit(?:e|es|ed|ing)|promis\w*|vow\w*|pledg\w*|declar\w*|"
    r"announc\w*|accus\w*|admit\w*|acknowledg\w*|complain\w*|deni(?:ed|es)|deny(?:ing)?|"
    r"characteri[sz]\w*|word|words|phrase|slogan|title[sd]?|entitled|headlin\w*|nicknam\w*|"
    r"known|dismiss\w*|condemn\w*|critici[sz]\w*|reject\w*|urg(?:e|es|ed|ing)|predict\w*|"
    r"question\w*|explain\w*|suggest\w*|not(?:e|es|ed|ing)|stat(?:e|es|ed|ing)|report\w*|"
    r"believ\w*|fe(?:el|els|lt)|think\w*|thought|hop(?:e|es|ed|ing)|fear\w*|want\w*|"
    r"rat(?:e|ed|es|ing)|defin\w*|prais\w*|thank\w*|decr(?:y|ied|ies)\w*|mean(?:s|t)?|"
    r"so-called|so called|dubbed|coined|branded|nicknamed|marked|spell\w*|read(?:s|ing)?|"
    r"sign(?:s|ed)?|banner|placard\w*|chant\w*|shout\w*|sang|sing\w*|motto|hashtag|"
    r"respond\w*|repl(?:y|ied|ies)|answer\w*|testif\w*|agree\w*|recall\w*|rul(?:e|ed|es|ing)"
)


# A scare quote modifies a noun phrase the writer is using: "the “reforms”", "its 'charity'
# work", "Moscow's “peacekeepers”". Quoted words after anything else are far more often a
# partial quotation whose speaker is named in the next sentence.
DETERMINER_RE = rx.compile(
    r"(?:\b(?:the|a|an|its|his|her|their|our|this|that|these|those|such)|['’]s|s['’])\s+$", re.IGNORECASE
)


class ScareQuotesRule(Rule):
    KIND = "scare_quotes"
    COST_PER_MB = 5.0
    FIELDS = {"cues": False, "max_words": False}
    DEFAULT_SCOPE = "all"

    def compile(self, spec: RuleSpec) -> None:
        import regex  # compiling a pack: a cached rule's patterns are built without it (regex_engine)

        data = spec.data
        extra = [re.escape(c) for c in string_list(spec, "cues", data.get("cues"))]
        body = ATTRIBUTION + ("|" + "|".join(extra) if extra else "")
        # The ``regex`` module's compiled patterns unpickle from the rule cache as they are;
        # ``re`` would parse this one again on every run (1.5 ms of an article's 100).
        self.cue_re = regex.compile(rf"\b(?:{body})\b|:", regex.IGNORECASE | regex.VERSION0)
        max_words = data.get("max_words", 1)
        if not isinstance(max_words, int) or isinstance(max_words, bool) or not 1 <= max_words <= 3:
            raise spec.error("'max_words' must be a whole number from 1 to 3", "max_words", max_words)
        words = r"[a-z][a-z'’]*(?:-[a-z'’]+)*"
        self.inner_re = regex.compile(rf"{words}(?:\s+{words}){{0,{max_words - 1}}}", regex.VERSION0)

    def check(self, doc, ctx):
        text = doc.text
        cues: dict[int, list[tuple[int, int]]] = {}  # sentence -> its attribution cues, found once
        for start, end in doc.quotes:
            if end - start < 3 or text[end - 1] not in "\"'”’":
                continue  # a quotation still open at the paragraph end is speech running on
            inner = text[start + 1 : end - 1].strip().rstrip(".,;!?")
            if not self.inner_re.fullmatch(inner):
                continue
            if doc.in_headline(start, end):
                continue
            k = doc.sentence_index(start)
            s, e = doc.sentences[k]
            if not s <= start < e:
                continue
            if e - s > MAX_SENTENCE_CHARS:
                continue  # no sentence: a file with no full stops; reading it per quote is quadratic
            if k not in cues:
                cues[k] = [m.span() for m in self.cue_re.finditer(text, s, e)]
            if any(ce <= start or cs >= end for cs, ce in cues[k]):
                continue  # a said-clause (or a colon) outside the marks: someone is quoted
            if doc.token_count(s, e) < 4:
                continue  # a caption or a fragment, not a sentence of narration
            if not DETERMINER_RE.search(text, max(s, start - 12), start):
                continue  # the ironic shape is "the “reforms”", "its 'charity'"
            if inner != text[start + 1 : end - 1].strip():
                continue  # "… as “fraternal.”": punctuation inside the marks ends a partial quote
            yield Hit(start, end)
