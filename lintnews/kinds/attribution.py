"""``kind: attribution`` — claims in narration that no named source answers.

An editor reads a sentence and asks "says who?". This kind does the same in two steps,
per sentence of narration (words inside a direct quotation are the speaker's and are
never checked):

1. a **claim cue** of the rule matches: "critics say", "it is believed", "Iran perceives",
   "is expected to", "70 % of Iranians", "sources said" …;
2. the claim stands unless an **answer** of the rule matches elsewhere in the same sentence,
   or in the sentences of the quotation the sentence belongs to: a reporting verb with a
   named speaker, "according to …", "… told …", "… said in a statement", a poll or a
   report. ``pronoun_answers`` ("he said", "she told") count only when the previous
   sentence names someone, so the pronoun has a speaker to refer back to.

With ``target: quotes`` the candidates are direct quotations of at least ``min_words``
words that stand as sentences (not a phrase woven into narration, not a Title Case title,
not in a headline), and the answers are looked for in the narration of the quotation's
paragraph. A quotation that opens its sentence right after a sentence naming someone, or
opens its paragraph after paragraphs that name the speaker (one speaker's quote running
over several paragraphs), is answered too.

Cues are regular expressions (case-insensitive) written in the pack, with ``{name}``
placeholders for word lists and named fragments, so that editors extend lists rather
than regexes. Lists come from the rule's own ``words:`` / ``patterns:`` and from a shared
``lists:`` file of the pack (a YAML file with ``words:`` and ``patterns:`` mappings, kept
in a ``_data`` folder so the loader does not read it as rules). A few structural
placeholders are built in, because they are about letter case rather than words:

  {NAME}  a capitalised word: Putin, RAND, O'Brien, U.S. (case-sensitive)
  {NAMES} one or more capitalised words, joined by spaces, "of", "al-", "bin" …
  {NUM}   a number written in digits: 70, 1,200, 3.5

{NAME} and {NAMES} skip capitalised words listed under ``not_names`` (sentence-initial
function words such as "The", "However"), so that a sentence's first word is not taken
for a speaker. A pattern may be broken across lines (a YAML ``|-`` block): line breaks
and the indentation around them are dropped.

YAML fields:
  claims:           [regex]  the claim cues; a group named ``cue`` is the flagged span. An
                    item may be ``{pattern: regex, triggers: [words or {list}]}``: the
                    claim is only tried on sentences holding one of its trigger words
                    (a speed-up with the same contract as the rule's ``triggers``)
  answers:          [regex]  what answers a claim in the same sentence
  pronoun_answers:  [regex]  answers that need a named speaker in the previous sentence
  context_answers:  [regex]  answers that count in the sentence before or after, too
                             ("A Gallup survey found ... . 35 % of women ...")
  lists:            path of a shared lists file, relative to the rule file
  words:            {name: [words or phrases]}  lists of this rule (override shared ones)
  patterns:         {name: regex}  named fragments of this rule (override shared ones)
  target:           sentences (default) | quotes
  min_words:        quotes: the shortest quotation that needs a speaker (default 5)
  suggest:          [suggestions shown with every finding]
  earlier_answers:  [regex]  answers that count anywhere earlier in the story: a reason for
                    anonymity given once covers the same sources' second reference
  answer_window:    characters: an answer counts only this close to the claim (default:
                    anywhere in the sentence). For claims that are themselves an
                    attribution ("critics say"), whose answer is a name beside them.
  triggers:         [words or {list}]  optional: a sentence none of whose words is one of
                    these cannot hold a claim, so its claim patterns are not run. Purely a
                    speed-up (a claim pattern costs about a microsecond per character);
                    it must name a word that every claim of the rule contains.

Speed, with the same findings: each pattern is read for the whole words it cannot match
without (``literals.required``), and runs only on sentences holding one of each of them;
the words and triggers of every sentence come from one walk over the document's tokens,
shared by the rules (``_DocState``).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from itertools import compress
from pathlib import Path

from .. import rx
from .. import literals, markup, regex_engine, yamlio
from ..cache import pickle
from ..document import MAX_SENTENCE_CHARS, TOKEN_RE
from ..finding import Hit
from .base import Rule, RuleSpec, string_list
from .pattern import PatternTimeout, time_limit

QUOTE_FILL_RE = rx.compile(r"[^\r\n]")
NONSPACE_RE = rx.compile(r"\S")  # re's \S is exactly "not str.isspace()"
LIST_NAME_RE = rx.compile(r"[a-z_][a-z0-9_]*")
PLACEHOLDER_RE = rx.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_EXPANSION_DEPTH = 8
# The packs' patterns are compiled with ``regex``, imported only when a pack is compiled:
# cached patterns are built by its engine alone (see ``regex_engine``).
FLAGS = regex_engine.IGNORECASE | regex_engine.VERSION0

# Structural fragments: letter case matters here, so they switch case-insensitivity off.
# Atomic: a capitalised word is matched whole or not at all. Letting the engine try every
# split of "Qantas" inside a run of names made a long run of capitalised words cost seconds.
CAP_WORD = r"(?>(?-i:(?:[A-Z][a-z]{0,3}\.){2,}|[A-Z](?:[a-z]+['’]?[A-Za-z]*|[A-Z]+|[a-z]*[A-Z][a-z]+)(?:-[A-Z]?[a-z]+)*))"
BUILTINS = {
    "NAME": "(?:<CAP>)",
    "NAMES": r"(?:<CAP>(?:(?:\s+(?-i:of|de|da|del|der|van|von|al|bin|ibn|la|le|du|and|&)\s+|\s+|-)<CAP>){0,7})",
    "NUM": r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)",
}
_LISTS_CACHE: dict = {}  # shared lists files, parsed once per process: path -> (text, data)
LINE_BREAK_RE = rx.compile(r"[ \t]*\r?\n[ \t]*")
# Two or more capitalised words after the first word of a sentence: someone named. (Only
# whether there are is asked, so the word before them is part of the match.)
NAMED_RE = rx.compile(r"\S[ \t]+[A-Z][a-z]+[A-Za-z'’-]*(?:[ \t]+(?:[A-Z]\.[ \t]+)?[A-Z][a-z]+[A-Za-z'’-]*)+")


def _word_alternation(items: list[str]) -> str:
    """A word-bounded alternation of words or phrases, built as a character trie
    (``literals.alternation``): spaces match any run of white space, a hyphen matches a
    hyphen, a space or nothing, an apostrophe either form."""
    words = {" ".join(i.split()).replace("’", "'") for i in items if i.strip()}
    if not words:
        return r"(?!x)x"
    return r"(?:\b" + literals.alternation(words, _char_regex) + r"\b)"


def _char_regex(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch == "-":
        return r"[-\s]?"
    if ch == "'":
        return "['’]"
    import regex  # compiling a pack (see regex_engine)

    return regex.escape(ch)


class AttributionRule(Rule):
    KIND = "attribution"
    FIELDS = {
        "claims": False,
        "answers": False,
        "pronoun_answers": False,
        "context_answers": False,
        "lists": False,
        "words": False,
        "patterns": False,
        "target": False,
        "min_words": False,
        "suggest": False,
        "triggers": False,
        "answer_window": False,
        "earlier_answers": False,
    }

    # --- compile -----------------------------------------------------------------

    def cost(self, chars: int) -> float:
        # Each claim pattern is a regex run over the sentences its triggers let through.
        claims = getattr(self, "claims", None)
        patterns = len(claims.patterns) if claims is not None else 1
        return (30.0 + 15.0 * patterns) * chars / 1e6

    def compile(self, spec: RuleSpec) -> None:
        data = spec.data
        self.target = data.get("target", "sentences")
        if self.target not in ("sentences", "quotes"):
            raise spec.error("'target' must be 'sentences' or 'quotes'", "target", self.target)
        min_words = data.get("min_words", 5)
        if not isinstance(min_words, int) or isinstance(min_words, bool) or min_words < 1:
            raise spec.error("'min_words' must be a whole number of at least 1", "min_words", min_words)
        self.min_words = min_words
        window = data.get("answer_window")
        if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 0):
            raise spec.error("'answer_window' must be a whole number of characters", "answer_window", window)
        self.answer_window = window
        self.suggestions = tuple(string_list(spec, "suggest", data.get("suggest")))

        words: dict[str, list[str]] = {}
        patterns: dict[str, str] = {}
        if "lists" in data:
            shared_words, shared_patterns = self._read_lists(spec, data["lists"])
            words.update(shared_words)
            patterns.update(shared_patterns)
        words.update(self._words(spec, data.get("words"), "words"))
        patterns.update(self._patterns(spec, data.get("patterns"), "patterns"))
        self._words_table = words
        self._patterns_table = patterns

        claims, gates, messages = self._claim_items(spec, data.get("claims"))
        if self.target == "sentences" and not claims:
            raise spec.error("an attribution rule needs 'claims' (or 'target: quotes')", "claims")
        self.claims = self._compile_list(spec, "claims", claims, gates, messages)
        self.answers = self._compile_list(spec, "answers", string_list(spec, "answers", data.get("answers")))
        self.pronoun_answers = self._compile_list(
            spec, "pronoun_answers", string_list(spec, "pronoun_answers", data.get("pronoun_answers"))
        )
        self.context_answers = self._compile_list(
            spec, "context_answers", string_list(spec, "context_answers", data.get("context_answers"))
        )
        self.earlier_answers = self._compile_list(
            spec, "earlier_answers", string_list(spec, "earlier_answers", data.get("earlier_answers"))
        )
        if self.target == "quotes" and self.answers is None:
            raise spec.error("a 'target: quotes' rule needs 'answers' (what names a speaker)", "answers")
        self.triggers = self._trigger_words(spec, data.get("triggers"))
        if self.triggers:
            _TRIGGERS.update(self.triggers)
        # The lists are compiled into the patterns now; keeping them would put every shared
        # list into every rule's cache entry, unpickled on every run.
        del self._words_table, self._patterns_table

    def _claim_items(self, spec: RuleSpec, value) -> tuple[list[str], list[frozenset[str] | None], list[str | None]]:
        """Claim patterns, and for each the trigger words it was given (or None). An item
        is a pattern, or ``{pattern: …, triggers: [...]}`` for a claim that can only match
        a sentence holding one of those words: on a long feed most sentences then skip it."""
        if value is None:
            return [], [], []
        items = value if isinstance(value, list) else [value]
        patterns: list[str] = []
        gates: list[frozenset[str] | None] = []
        messages: list[str | None] = []
        for item in items:
            if isinstance(item, dict):
                unknown = sorted(set(item) - {"pattern", "triggers", "message"})
                if unknown or "pattern" not in item or "triggers" not in item:
                    raise spec.error(
                        "a claim is a pattern, or a mapping of 'pattern' and 'triggers' (and an optional 'message')",
                        "claims",
                        item,
                    )
                if not isinstance(item["pattern"], str):
                    raise spec.error("a claim's 'pattern' must be a string", "claims", item["pattern"])
                if "message" in item and not isinstance(item["message"], str):
                    raise spec.error("a claim's 'message' must be a string", "claims", item["message"])
                patterns.append(item["pattern"])
                gates.append(self._trigger_words(spec, item["triggers"], "claims"))
                messages.append(item.get("message"))
            elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                patterns.append(str(item))
                gates.append(None)
                messages.append(None)
            else:
                raise spec.error("'claims' must be a list of patterns", "claims", item)
        return patterns, gates, messages

    def _trigger_words(self, spec: RuleSpec, value, key: str = "triggers") -> frozenset[str] | None:
        if value is None:
            return None
        out: set[str] = set()
        for item in string_list(spec, key, value):
            m = PLACEHOLDER_RE.fullmatch(item.strip())
            if m:
                if m.group(1) not in self._words_table:
                    raise spec.error(f"'triggers': no word list '{item}'", key, value)
                items = self._words_table[m.group(1)]
            else:
                items = [item]
            for phrase in items:
                # A sentence holding the phrase holds each of its words; the longest is the
                # rarest, so it filters best ("people familiar with" -> "familiar").
                words = [w.lower().replace("’", "'") for w in TOKEN_RE.findall(phrase)]
                if words:
                    out.add(max(words, key=len))
        return frozenset(out)

    def _read_lists(self, spec: RuleSpec, value) -> tuple[dict, dict]:
        if not isinstance(value, str) or not value.strip():
            raise spec.error("'lists' must be the path of a YAML file of word lists", "lists", value)
        if Path(value).is_absolute():
            raise spec.error("'lists' must be a path relative to the rule file", "lists", value)
        base = Path(spec.path).resolve().parent
        path = (base / value).resolve()
        try:
            # Read (and recorded in the rule cache's entry) every time; parsed again only
            # when its text changed.
            text = yamlio.read_text(path, "lists file")
            cached = _LISTS_CACHE.get(path)
            if cached is not None and cached[0] == text:
                data = cached[1]
            else:
                data = yamlio.load(text, str(path))
                _LISTS_CACHE[path] = (text, data)
        except yamlio.YamlError as exc:
            raise spec.error(f"'lists' file {exc}", "lists", value) from None
        except yamlio.LocatedError as exc:  # cannot be read
            if "not found" in exc.message:
                raise spec.error(f"'lists' file not found: {value}", "lists", value) from None
            raise spec.error(f"'lists' file {value}: {exc.message}", "lists", value) from None
        if not isinstance(data, dict) or not set(data) <= {"words", "patterns", "description"}:
            raise spec.error(f"'lists' file {value} must be a mapping with 'words' and 'patterns'", "lists", value)
        return self._words(spec, data.get("words"), "lists"), self._patterns(spec, data.get("patterns"), "lists")

    @staticmethod
    def _words(spec: RuleSpec, value, key: str) -> dict[str, list[str]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise spec.error(f"'{key}' must map list names to lists of words", key, value)
        out = {}
        for name, items in value.items():
            if not isinstance(name, str) or not LIST_NAME_RE.fullmatch(name):
                raise spec.error(f"list name '{name}' must be lower-case letters, digits and _", key, name)
            out[name] = string_list(spec, key, items)
        return out

    @staticmethod
    def _patterns(spec: RuleSpec, value, key: str) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise spec.error(f"'{key}' must map fragment names to regular expressions", key, value)
        out = {}
        for name, body in value.items():
            if not isinstance(name, str) or not LIST_NAME_RE.fullmatch(name):
                raise spec.error(f"pattern name '{name}' must be lower-case letters, digits and _", key, name)
            if not isinstance(body, str):
                raise spec.error(f"pattern '{name}' must be a string", key, body)
            out[name] = body
        return out

    def _expand(self, spec: RuleSpec, key: str, source: str, depth: int = 0) -> str:
        if depth > MAX_EXPANSION_DEPTH:
            raise spec.error("placeholders nest too deeply (a pattern refers to itself?)", key, source)

        source = LINE_BREAK_RE.sub("", source)

        def sub(m):
            name = m.group(1)
            if name in BUILTINS:
                stop = self._not_names()
                return BUILTINS[name].replace("<CAP>", f"(?:{stop}{CAP_WORD})")
            if name in self._patterns_table:
                return "(?:" + self._expand(spec, key, self._patterns_table[name], depth + 1) + ")"
            if name in self._words_table:
                return _word_alternation(self._words_table[name])
            known = ", ".join(sorted({*BUILTINS, *self._patterns_table, *self._words_table}))
            raise spec.error(f"unknown placeholder '{{{name}}}' (known: {known})", key, source)

        return PLACEHOLDER_RE.sub(sub, source)

    def _not_names(self) -> str:
        """A case-sensitive negative look-ahead for the ``not_names`` list (may be empty),
        placed before ``CAP_WORD``."""
        words = self._words_table.get("not_names")
        if not words:
            return ""
        import regex  # compiling a pack (see regex_engine)

        body = "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
        # Read only where a capital stands (a name's word starts with one, ``CAP_WORD``):
        # tried at every word, the list's 150 words made the answer patterns that name a
        # speaker cost 1.4 us a character, twice what they cost now.
        return rf"(?-i:(?=[A-Z]))(?!(?-i:(?:{body}))\b)"

    def _compile_list(self, spec: RuleSpec, key: str, sources: list[str], gates=None, messages=None):
        if not sources:
            return None
        import regex  # compiling a pack (see regex_engine)

        gates = gates or [None] * len(sources)
        messages = messages or [None] * len(sources)
        bodies = []
        for source in sources:
            body = self._expand(spec, key, source)
            try:
                regex.compile(body, FLAGS)
            except (regex.error, OverflowError, RecursionError, ValueError) as exc:
                raise spec.error(f"'{key}' pattern does not compile: {exc}", key, source) from None
            bodies.append(body)
        compiled, compiled_gates, compiled_messages = [], [], []
        for body, gate, message in zip(bodies, gates, messages):
            try:
                branches = [regex.compile(b, FLAGS) for b in top_level_branches(body)]
            except (regex.error, OverflowError, RecursionError, ValueError):  # a branch needs the rest
                branches = [regex.compile(body, FLAGS)]
            compiled.extend(branches)
            compiled_gates.extend([gate] * len(branches))
            compiled_messages.extend([message] * len(branches))
        key = (tuple(p.pattern for p in compiled), tuple(compiled_gates), tuple(compiled_messages))
        shared = _PATTERN_SETS.get(key)
        if shared is None:
            needs = [_required(p.pattern) for p in compiled]
            shared = _PATTERN_SETS[key] = PatternSet(compiled, compiled_gates, compiled_messages, needs)
        return shared

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.triggers:
            _TRIGGERS.update(self.triggers)

    # --- check -------------------------------------------------------------------

    @classmethod
    def prepare(cls, rules, doc, ctx):
        # The narration and the walk over the tokens (which sentences hold which words),
        # read by every attribution rule on both sides of a shared run.
        _state(doc, ctx).words()

    @classmethod
    def release(cls, doc, ctx):
        # The narration (a copy of the text) and the sentence indexes: some 5 MB for 1 MB of
        # copy, of no use to the kinds that run after this one.
        ctx.cache.pop("attribution.doc", None)

    def check(self, doc, ctx):
        try:
            if self.target == "quotes":
                yield from self._check_quotes(doc, ctx)
            else:
                yield from self._check_sentences(doc, ctx)
        except TimeoutError:
            raise PatternTimeout(
                self.id,
                f"rule {self.id} gave up on this file: one of its patterns ran past its time limit (a second, and a "
                f"second more per megabyte) on this file; none of its findings here are reported ({self.location})",
            ) from None

    def _check_sentences(self, doc, ctx):
        state = _state(doc, ctx)
        narration = state.narration
        sentences = doc.sentences
        claims = self.claims
        # The sentences a claim can match: those holding the words it needs
        # (``literals.required``), then, of those, the ones holding one of the rule's
        # triggers and of the claim's own.
        by_sentence, anywhere = claims.allowed(state)
        gates = claims.gates
        triggers = self.triggers
        gated = any(g is not None for g in gates)
        if triggers is not None:
            state.check_triggers(triggers)
        for g in gates:
            if g is not None:
                state.check_triggers(g)
        for k, active in by_sentence.walk(len(sentences), anywhere):
            if triggers is not None or gated:
                words = state.triggers_in(k)
                if triggers is not None and triggers.isdisjoint(words):
                    continue
                if gated:
                    active = [i for i in active if gates[i] is None or not gates[i].isdisjoint(words)]
            if not active:
                continue
            s, e = sentences[k]
            if e - s > MAX_SENTENCE_CHARS:
                continue  # not prose: a table, a data dump, text with no full stops
            chunk = narration[s:e]
            if not chunk.strip() or doc.in_headline(s, e):
                continue
            for m in claims.finditer(chunk, timeout=time_limit(len(chunk)), only=active):
                if m.end() <= m.start():
                    continue
                cs, ce = m.span("cue") if "cue" in m.re.groupindex and m.start("cue") >= 0 else m.span()
                if self._answered(state, k, s + cs, s + ce):
                    if self.answer_window is None:
                        break  # one answer answers every claim of the sentence
                    continue
                yield Hit(s + cs, s + ce, self.suggestions, claims.message_for(m))

    def _near(self, start: int, end: int, claim_start: int, claim_end: int) -> bool:
        """An answer outside the claim, and (with ``answer_window``) close enough to it to be
        about it: in "While many have speculated …, the White House said …" the named
        speaker answers a different clause."""
        if end > claim_start and start < claim_end:
            return False
        window = self.answer_window
        return window is None or (claim_start - end if end <= claim_start else start - claim_end) <= window

    def _first_earlier_answer(self, state) -> int:
        """Offset of the first ``earlier_answers`` match in the document (one search per
        document, so a claim late in a long feed costs nothing more)."""
        if self.earlier_answers is None:
            return 1 << 62
        doc = state.doc
        cached = state.earlier.get(self.id)
        if cached is not None:
            return cached
        found = 1 << 62
        narration = state.narration
        earlier = self.earlier_answers
        by_sentence, anywhere = earlier.allowed(state)
        sentences = doc.sentences
        for k, only in by_sentence.walk(len(sentences), anywhere):
            s, e = sentences[k]
            if e - s > MAX_SENTENCE_CHARS:
                continue
            chunk = narration[s:e]
            m = earlier.search(chunk, timeout=time_limit(len(chunk)), only=only)
            if m is not None:
                found = s + m.start()
                break
        state.earlier[self.id] = found
        return found

    def _answered(self, state, k: int, claim_start: int, claim_end: int) -> bool:
        doc, narration = state.doc, state.narration
        sentences = doc.sentences
        if self._first_earlier_answer(state) < sentences[k][0]:
            return True  # the story already said why (anonymity) for its sources
        if self.context_answers is not None:
            for j in (k - 1, k, k + 1):
                if 0 <= j < len(sentences):
                    only = self.context_answers.active(state, j)
                    if only:
                        ns, ne = sentences[j]
                        if self.context_answers.search(narration[ns:ne], timeout=time_limit(ne - ns), only=only):
                            return True
        for r in _answer_region(doc, k):
            rs, re_ = sentences[r]
            chunk = None
            if self.answers is not None:
                only = self.answers.active(state, r)
                if only:
                    chunk = narration[rs:re_]
                    for a in self.answers.finditer(chunk, timeout=time_limit(len(chunk)), only=only):
                        if a.end() > a.start() and self._near(rs + a.start(), rs + a.end(), claim_start, claim_end):
                            return True
            if self.pronoun_answers is not None and k > 0:
                only = self.pronoun_answers.active(state, r)
                if only:
                    if chunk is None:
                        chunk = narration[rs:re_]
                    for a in self.pronoun_answers.finditer(chunk, timeout=time_limit(len(chunk)), only=only):
                        if self._near(rs + a.start(), rs + a.end(), claim_start, claim_end):
                            ps, pe = sentences[k - 1]
                            if self._names_someone(narration[ps:pe], state, k - 1):
                                return True
                            break
        return False

    def _check_quotes(self, doc, ctx):
        state = _state(doc, ctx)
        narration = state.narration
        paragraphs = doc.paragraphs
        para_starts = [p[0] for p in paragraphs]
        speaker_in: dict[int, bool] = {}  # paragraph -> names a speaker; once per paragraph

        def paragraph_has_speaker(i: int) -> bool:
            if i not in speaker_in:
                speaker_in[i] = self._speaker_in(narration[slice(*paragraphs[i])])
            return speaker_in[i]

        prev_end = -1
        for qs, qe in doc.quotes:
            follows_quote = prev_end >= 0 and _blank(doc.text, prev_end, qs)
            prev_end = qe
            if follows_quote:
                continue  # straight on from another quotation: the same speaker, judged there
            if doc.in_headline(qs, qe):
                continue
            if doc.token_count(qs, qe) < self.min_words:
                continue
            if not self._stands_alone(doc, qs, qe):
                continue
            pi = bisect_right(para_starts, qs) - 1
            if pi < 0:
                continue
            if paragraph_has_speaker(pi):
                continue
            si = doc.sentence_index(qs)
            ss = doc.sentences[si][0]
            if _blank(doc.text, ss, qs) and si > 0 and self._names_someone(narration[slice(*doc.sentences[si - 1])], state, si - 1):
                continue  # the quotation opens its sentence right after a sentence naming its speaker
            if self._carried_over(doc, narration, paragraphs, pi, qs, paragraph_has_speaker):
                continue
            last = doc.sentence_index(max(qe - 1, qs))
            if last + 1 < len(doc.sentences):
                ns, ne = doc.sentences[last + 1]
                if ne - ns <= MAX_SENTENCE_CHARS and self._names_someone(narration[ns:ne], state, last + 1):
                    continue  # “…” The words were Ana Ruiz's, at a rally in Madrid.
            yield Hit(qs, qe, self.suggestions)

    def _carried_over(self, doc, narration: str, paragraphs, pi: int, qs: int, has_speaker) -> bool:
        """A quotation that opens its paragraph continues the speaker of the paragraphs before
        it: newspapers run one speaker's quote over several paragraphs and name the speaker
        once. Walk back over paragraphs that are themselves such continuations."""
        ps = paragraphs[pi][0]
        if not _blank(doc.text, ps, qs):
            return False
        for back in range(pi - 1, max(-1, pi - 6), -1):
            bs, be = paragraphs[back]
            if has_speaker(back) or self._names_someone(narration[bs:be]):
                return True
            if not doc.text[bs:be].lstrip().startswith(("“", '"', "‘", "'")):
                return False
        return False

    def _names_someone(self, chunk: str, state=None, k: int = -1) -> bool:
        """Whether narration names a person: a speaker answer, or a name of two or more
        capitalised words after the sentence's first word ("Jim Levine"). ``chunk`` is
        sentence ``k`` of the document of ``state``, when they are given."""
        if self.answers is not None:
            only = None if state is None else self.answers.active(state, k)
            if (only is None or only) and self.answers.search(chunk, timeout=time_limit(len(chunk)), only=only):
                return True
        return NAMED_RE.search(chunk) is not None

    @staticmethod
    def _stands_alone(doc, qs: int, qe: int) -> bool:
        """A quotation that is a sentence of its own (it opens with a capital letter, or opens
        its sentence) rather than a phrase woven into narration: 'praised it as a “bold,
        necessary step”' has its speaker in the sentence's grammar, not in a said-clause."""
        inner = doc.text[qs + 1 : qe]
        words = [w for w in inner.split() if w[:1].isalpha()]
        if words and sum(w[0].isupper() for w in words) * 2 > len(words):
            return False  # a title in Title Case: “It Only Takes a Minute”
        first = next((c for c in inner if c.isalnum()), "")
        if first.isupper() or first.isdigit():
            return True
        ss = doc.sentences[doc.sentence_index(qs)][0]
        return _blank(doc.text, ss, qs)

    def _speaker_in(self, chunk: str) -> bool:
        return bool(chunk.strip()) and self.answers.search(chunk, timeout=time_limit(len(chunk))) is not None


GLOBAL_FLAGS_RE = rx.compile(r"\(\?[a-zA-Z]+\)")
BACKREFERENCE_RE = rx.compile(r"\\[1-9]|\\g<\d")


def top_level_branches(pattern: str) -> list[str]:
    """The alternatives of a pattern's outermost ``|``, each a pattern of its own (an outer
    ``(?:…)`` around the whole is looked through). A PatternSet of the branches finds what
    the alternation finds, and the regex engine can then use each branch's literal start:
    the shared ``attributed`` answers ran twice as fast split in thirteen."""
    body = pattern
    while body.startswith("(?:") and _first_group_end(body) == len(body) - 1:
        body = body[3:-1]
    if GLOBAL_FLAGS_RE.match(body) or BACKREFERENCE_RE.search(body):
        return [pattern]  # flags or group numbers that belong to the whole pattern
    branches, start = [], 0
    for i, c, depth in _structure(body):
        if c == "|" and depth == 0:
            branches.append(body[start:i])
            start = i + 1
    branches.append(body[start:])
    if len(branches) < 2 or any(not b for b in branches):
        return [pattern]  # an empty branch matches the empty string: keep the original
    return branches


def _first_group_end(pattern: str) -> int:
    """Index of the ``)`` closing the group that opens the pattern, or -1."""
    for i, c, depth in _structure(pattern):
        if c == ")" and depth == 0:
            return i
    return -1


def _structure(pattern: str):
    """(index, character, group depth after it) of each ``(``, ``)`` and ``|`` of a
    pattern that is syntax: not escaped and not inside a character class."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a ] first in a class is a literal
                i += 1
        elif c in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[c]
            yield i, c, depth
        i += 1


class _LazyPatterns(list):
    """Compiled patterns unpickled on first use (see ``PatternSet.__getstate__``)."""

    def __init__(self, pickled: list[bytes]):
        super().__init__([None] * len(pickled))
        self._pickled = pickled

    def __getitem__(self, i):
        p = list.__getitem__(self, i)
        if p is None:
            p = regex_engine.loads(self._pickled[i])
            list.__setitem__(self, i, p)
        return p

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __reduce__(self):
        return list, (list(self),)


# Pattern sets and requirements already built in this process, by their text: the rules
# of a pack share them (every rule's answers read the same `{attributed}` list).
_PATTERN_SETS: dict = {}
_REQUIRED: dict = {}


def _required(source: str) -> tuple:
    found = _REQUIRED.get(source)
    if found is None:
        found = _REQUIRED[source] = literals.required(source, FLAGS)
    return found


class PatternSet:
    """The patterns of one field, each run on its own and their matches merged as one
    alternation's would be (leftmost first, earlier pattern first, no overlaps).

    One alternation of long patterns defeats the regex engine's search for a literal
    start and cost four times the sum of its parts on a 1 MB feed.

    For each pattern, the words it cannot match without (``literals.required``) say which
    sentences it can match at all (``allowed``): the rest are not searched. Identical sets
    (the shared answers of several rules) are one object, so the rule cache holds each
    compiled pattern once (a compiled ``regex`` pattern unpickles from its code, quickly;
    compiling one from source costs milliseconds).
    """

    def __init__(self, patterns, gates=None, messages=None, needs=None):
        self.patterns = list(patterns)
        # Per pattern: the trigger words a sentence needs for it to be run, or None.
        self.gates = gates if gates is not None else [None] * len(self.patterns)
        # Per pattern: a message of its own for what it finds ("reportedly" is hearsay, not a
        # passive), or None for the rule's. Keyed by the pattern's text: compiled rules are
        # cached, and object ids do not survive the round trip.
        self.messages = {p.pattern: m for p, m in zip(self.patterns, messages or ()) if m}
        # Per pattern: alternatives of words one of each of which a match needs (folded).
        self.needs = needs if needs is not None else [()] * len(self.patterns)
        self._key: int | None = None
        self._want()

    def __getstate__(self):
        # Each pattern as its own pickle (regex's: the compiled code), unpickled when first
        # used: loading a rule then costs a few bytes objects, and a run builds only the
        # matchers some sentence needs (building all of them took 9 ms of every start).
        state = dict(self.__dict__)
        state.pop("_need_sets", None)
        state["patterns"] = None
        state["_pickled"] = [pickle.dumps(p, protocol=-1) for p in self.patterns]
        state["_key"] = None
        return state

    def __setstate__(self, state):
        pickled = state.pop("_pickled")
        self.__dict__.update(state)
        self.patterns = _LazyPatterns(pickled)
        self._want()

    def _want(self) -> None:
        """Have documents keep the words these patterns need and the trigger words of
        their gates (``_DocState.words``): set unions, in C, as the rules load."""
        words = self.__dict__.get("words")
        if words is None:
            words = self.words = frozenset(w for need in self.needs for alts in need for w in alts)
        _WANTED.update(words)
        for gate in self.gates:
            if gate:
                _TRIGGERS.update(gate)
        self._need_sets = None  # built when first used

    def __len__(self) -> int:
        return len(self.patterns)

    def message_for(self, match) -> str | None:
        return self.messages.get(match.re.pattern) if self.messages else None

    def allowed(self, state) -> tuple["_BySentence", list[int]]:
        """For the document of ``state``: sentence -> the patterns that may match it (by
        their words, not their gates), and the patterns that may match any sentence."""
        # Kept by the document's state, not here: the state goes when the kind is done
        # (``AttributionRule.release``), and the pattern set must not keep it alive.
        found = state.by_set.get(id(self))
        if found is not None:
            return found
        key = self._key
        if key is None:
            # The needs stand for themselves by a number, the same for equal needs: as a
            # key, their tuple of tuples of words was hashed whole on every look-up (7 %
            # of the time of a folder of one-line files).
            key = self._key = _NEEDS_NUMBERS.setdefault(tuple(self.needs), len(_NEEDS_NUMBERS))
        found = state.allowed.get(key)  # the same patterns in another rule (answers)
        if found is None:
            found = state.allowed[key] = self._allowed_in(state)
        state.by_set[id(self)] = found
        return found

    def _allowed_in(self, state) -> tuple["_BySentence", list[int]]:
        # Sentence -> the patterns that may match it. In a long text, as bits of one
        # integer while they are gathered (a list per sentence was 12 MiB of a 10 MB
        # feed's peak); in an article lists are quicker.
        compact = len(state.doc.sentences) > COMPACT_ABOVE
        by_sentence: dict[int, list[int] | int] = {}
        get = by_sentence.get
        anywhere: list[int] = []
        present = state.words()
        need_sets = self._need_sets
        if need_sets is None:
            need_sets = self._need_sets = [[(frozenset(alts), _common(alts)) for alts in need] for need in self.needs]
        for i, need in enumerate(need_sets):
            if not need or present is None:
                anywhere.append(i)
                continue
            found: set[int] | None = None
            for alts, common in need:
                sentences = state.sentences_with_one(alts, common)
                if sentences is None:
                    continue  # a common word among them: not worth the lookup
                found = sentences if found is None else found & sentences
                if not found:
                    break
            if found is None:
                anywhere.append(i)
            elif compact:
                bit = 1 << i
                for k in found:
                    by_sentence[k] = get(k, 0) | bit
            else:
                for k in found:
                    at = get(k)
                    if at is None:
                        by_sentence[k] = [i]
                    else:
                        at.append(i)
        keys = sorted(by_sentence)
        if not compact:
            if anywhere:  # (each list is ascending already: patterns were taken in order)
                for at in by_sentence.values():
                    at.extend(anywhere)
                    at.sort()
            # Sentences that may match the same patterns share one list (read, never
            # changed): a list per sentence of a long feed was 3 MB for 1 MB of copy.
            shared: dict[tuple[int, ...], list[int]] = {}
            values = [shared.setdefault(tuple(at), at) for at in map(by_sentence.__getitem__, keys)]
            return _BySentence(array("i", keys), None, values), anywhere
        # Each distinct set of bits made a list once; each sentence its list's number.
        numbers: dict[int, int] = {}
        lists: list[list[int]] = []
        for mask in sorted(set(by_sentence.values())):
            numbers[mask] = len(lists)
            patterns = anywhere.copy()
            while mask:  # its set bits, lowest first
                low = mask & -mask
                patterns.append(low.bit_length() - 1)
                mask ^= low
            lists.append(sorted(patterns) if anywhere else patterns)
        ids = array("i", map(numbers.__getitem__, map(by_sentence.__getitem__, keys)))
        return _BySentence(array("i", keys), ids, lists), anywhere

    def active(self, state, k: int) -> list[int]:
        """The patterns that may match sentence ``k`` of the document of ``state``."""
        by_sentence, anywhere = self.allowed(state)
        keys = by_sentence.keys
        i = bisect_left(keys, k)
        return by_sentence.patterns(i) if i < len(keys) and keys[i] == k else anywhere

    def search(self, text: str, timeout: float, only: list[int] | None = None):
        patterns = self.patterns
        for i in range(len(patterns)) if only is None else only:
            m = patterns[i].search(text, timeout=timeout)
            if m is not None:
                return m
        return None

    def finditer(self, text: str, timeout: float, only: list[int] | None = None):
        """Matches of every pattern, or of the patterns numbered in ``only``."""
        patterns = self.patterns
        indexes = range(len(patterns)) if only is None else only
        if len(indexes) == 1:
            # Found in full before any is used, so the time limit is the engine's alone
            # (the caller checks answers between claims).
            return list(patterns[indexes[0]].finditer(text, timeout=timeout))
        if not indexes:
            return []
        found = [(m.start(), i, m) for i in indexes for m in patterns[i].finditer(text, timeout=timeout)]
        if len(found) < 2:
            return [m for _s, _i, m in found]
        found.sort(key=lambda x: (x[0], x[1]))
        out = []
        last_end = -1
        for start, _i, m in found:
            if start < last_end:
                continue
            last_end = max(last_end, m.end())
            out.append(m)
        return out


class _BySentence:
    """Sentence -> the patterns of a set that may match it, for the sentences where that
    is not every pattern of ``anywhere``: the sentence numbers as a sorted array, and
    beside it their lists of patterns (shared by the sentences with the same patterns):
    a list of them, or (a long text) an array of their numbers in ``lists``. A dict of int
    objects was some 60 bytes a sentence, for each pattern set, while the attribution
    rules ran: 4 MB on 2 MB."""

    __slots__ = ("keys", "ids", "lists")

    def __init__(self, keys: array, ids: array | None, lists: list[list[int]]):
        self.keys = keys
        self.ids = ids
        self.lists = lists

    def patterns(self, i: int) -> list[int]:
        """The patterns of the ``i``-th sentence of ``keys``."""
        return self.lists[i] if self.ids is None else self.lists[self.ids[i]]

    def walk(self, n: int, anywhere: list[int]):
        """(sentence, patterns) for each sentence below ``n`` that may match a pattern, in
        order: with patterns that may match ``anywhere``, every sentence."""
        if not anywhere:
            return zip(self.keys, self.lists if self.ids is None else map(self.lists.__getitem__, self.ids))
        return self._every(n, anywhere)

    def _every(self, n: int, anywhere: list[int]):
        keys, patterns = self.keys, self.patterns
        j, m = 0, len(keys)
        for k in range(n):
            if j < m and keys[j] == k:
                yield k, patterns(j)
                j += 1
            else:
                yield k, anywhere


class _DocState:
    """What the attribution rules share about one document: its narration, the sentences
    holding each trigger word (as ``Document.sentences_with`` counts them), and the
    sentences holding each word the rules' patterns need (``literals.required``)."""

    def __init__(self, doc):
        self.doc = doc
        self.narration = _Narration(doc)
        self._tokens: dict[int, frozenset[str]] = {}
        self._joiners = markup.JOINER in doc.text or markup.LETTER_JOINER in doc.text
        self._walked = False
        self._words: frozenset[str] | None = None  # the wanted words the document holds
        self._wanted: frozenset[str] = frozenset()
        self._triggers_wanted: frozenset[str] | None = None
        self._index: dict[str, list[int] | array] = {}
        self._triggers: list[tuple[str, ...]] = []
        self.allowed: dict = {}  # PatternSet needs -> its ``allowed`` here
        self.by_set: dict = {}  # id(PatternSet) -> its ``allowed`` here (sets live as long as the rules)
        self.earlier: dict[str, int] = {}  # rule id -> its ``_first_earlier_answer``

    def triggers_in(self, k: int) -> tuple[str, ...] | frozenset[str]:
        """The trigger words (of every rule and claim, ``_TRIGGERS``) among the tokens of
        sentence ``k``, as ``Document.sentences_with`` counts them (the tokens starting in
        the sentence): what a rule's ``triggers`` are checked against."""
        if not self._walked:
            self._walk()
        if self._triggers_wanted is not None:
            return self._triggers[k]
        found = self._tokens.get(k)  # triggers made after the walk: the sentence's tokens
        if found is None:
            doc = self.doc
            s, e = doc.sentences[k]
            lo, hi = doc.token_range(s, e)
            found = self._tokens[k] = frozenset(map(doc.vocabulary.__getitem__, doc.token_ids[lo:hi]))
        return found

    def words(self) -> frozenset[str] | None:
        """The words of the document in ``literals.required``'s sense (a whole run of ASCII
        letters and digits, folded) that some pattern needs: from the tokens' distinct
        words, which hold every such run of the narration. None when they might not (word
        joiners, or the few letters whose lower case is not their fold)."""
        if not self._walked:
            self._walk()
        return self._words

    def _walk(self) -> None:
        """One pass over the document's tokens: which wanted words it holds, the sentences
        holding each (``_index``), and the trigger words of each sentence (``_triggers``)."""
        self._walked = True
        doc = self.doc
        text = doc.text
        wanted = self._wanted = _frozen(_WANTED)
        self._triggers_wanted = triggers = _frozen(_TRIGGERS)
        safe = not (self._joiners or any(c in text for c in literals.UNSAFE_LOWER))
        words = doc.vocabulary
        # What each word of the vocabulary is worth here, by number. Most words are plain
        # (ASCII letters and digits) and neither needed nor a trigger: the others are found
        # by intersecting the vocabulary with the two small registries (in C) and picking
        # out the odd words (an apostrophe, a letter beyond ASCII), then come from a memo:
        # splitting them was most of the walk's time, and working out the plain ones again
        # in every story a tenth of it.
        if safe:
            found_by = [None] * len(words)
            present = set()
            look = set(wanted.intersection(words))
            look.update(triggers.intersection(words))
            look.update([w for w in words if not (w.isascii() and w.isalnum())])
            facts = _word_facts(wanted, triggers)
            for k in compress(range(len(words)), map(look.__contains__, words)):
                w = words[k]
                got = facts.get(w)
                if got is None:
                    got = facts[w] = _facts_of(w, wanted, triggers)
                pieces, found_by[k] = got
                present.update(pieces)
        else:  # the words might not be what the patterns read: only the trigger words
            present = set()
            found_by = [((), True) if w in triggers else None for w in words]
        self._words = frozenset(present) if safe else None
        # Each sentence's trigger words as a tuple in a list by sentence: a set per sentence
        # was 3 MB of a 2 MB feed's run.
        sentences = doc.sentences
        n = len(sentences)
        # In a long text, the sentences holding each word as an array (4 bytes a sentence,
        # not an int object and a pointer: 2.3 MiB of a 10 MB feed), and the trigger tuples
        # shared: most sentences' are ("said",) or another of a few (56,000 tuples, 3 MiB).
        # In an article lists are quicker, and weigh nothing.
        index: dict[str, list[int] | array] = {}
        tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        compact = n > COMPACT_ABOVE
        new_list = (lambda k: array("i", (k,))) if compact else (lambda k: [k])
        by_sentence: list[tuple[str, ...]] = [()] * n
        self._index, self._triggers = index, by_sentence
        if not n or not any(found_by):
            return
        k = 0
        s, e = sentences[0]
        # Only the tokens of a word worth something are read one by one, picked out in C.
        ids = doc.token_ids
        for ts, i in compress(zip(doc.token_starts, ids), map(found_by.__getitem__, ids)):
            if ts >= e:
                k += 1
                while k < n and ts >= sentences[k][1]:
                    k += 1
                if k == n:
                    break
                s, e = sentences[k]
            if ts < s:
                continue
            pieces, trigger = found_by[i]
            for p in pieces:
                at = index.get(p)
                if at is None:
                    index[p] = new_list(k)
                elif at[-1] != k:
                    at.append(k)
            if trigger:
                at = by_sentence[k]
                w = words[i]
                if w not in at:
                    at = (*at, w)
                    by_sentence[k] = tuples.setdefault(at, at) if compact else at

    def check_triggers(self, words) -> None:
        """Trigger words the walk did not look for (a rule made after it): fall back to
        each sentence's tokens."""
        wanted = self._triggers_wanted
        # (the registry only grows: the same size is the same set)
        if self._walked and wanted is not None and len(wanted) != len(_TRIGGERS) and not wanted.issuperset(words):
            self._triggers_wanted = None

    def sentences_with_one(self, alts: frozenset[str], common: bool) -> frozenset[int] | set[int] | None:
        """The sentences holding one of the words ``alts`` (empty when the document holds
        none); None when one of them is too ``common`` to be worth looking for. A
        sentence's words here are those of its tokens, quotations included: a superset of
        what the patterns read (the narration), as a pre-filter must be."""
        present = self._words
        if len(self._wanted) != len(_WANTED) and not self._wanted.issuperset(alts):
            # a pattern set made after the document's walk (the registry only grows)
            self._walked = False
            present = self.words()
        found = present.intersection(alts)
        if not found:
            out: frozenset[int] | set[int] | None = _NOWHERE
        elif common:
            out = None
        else:
            out = set()
            index = self._index
            for w in found:
                out.update(index[w])
        # Not kept: each set of alternatives is asked for once per document (a pattern
        # set's ``allowed`` is built once and shared), and a memo of them held 2.4 MB for
        # 2 MB of copy to the end of the run.
        return out


def _frozen(registry: set[str]) -> frozenset[str]:
    """A registry (``_WANTED``, ``_TRIGGERS``) as a frozenset, made again only when it has
    grown: it only grows, so the same size is the same set."""
    got = _FROZEN.get(id(registry))
    if got is None or len(got) != len(registry):
        got = _FROZEN[id(registry)] = frozenset(registry)
    return got


def _word_facts(wanted: frozenset[str], triggers: frozenset[str]) -> dict[str, tuple]:
    """The memo of ``_facts_of`` for these registries (emptied when they grow, or when a
    feed's vocabulary has filled it)."""
    global _FACTS, _FACTS_FOR
    if _FACTS_FOR is None or _FACTS_FOR[0] is not wanted or _FACTS_FOR[1] is not triggers or len(_FACTS) > _FACTS_MAX:
        _FACTS, _FACTS_FOR = {}, (wanted, triggers)
    return _FACTS


def _facts_of(word: str, wanted: frozenset[str], triggers: frozenset[str]) -> tuple:
    """(the words of ``word`` in ``literals.required``'s sense that some pattern needs,
    and what the walk does with its tokens: None, or the needed words worth an index and
    whether it is a trigger word). A token with an apostrophe or a letter beyond ASCII
    ("minister's", "café") is split into words."""
    if word.isascii() and word.isalnum():  # [a-z0-9]+: a token's word is lower-cased
        pieces = (word,) if word in wanted else ()
    else:
        pieces = tuple(p for p in literals.PIECE_RE.findall(word) if p in wanted)
    indexed = [p for p in pieces if p not in literals.COMMON and len(p) > 2]
    trigger = word in triggers
    return pieces, ((indexed, trigger) if indexed or trigger else None)


def _common(alts) -> bool:
    """Alternatives one of which nearly every sentence holds: not worth an index."""
    return not literals.COMMON.isdisjoint(alts) or min(map(len, alts)) < 3


_NOWHERE: frozenset[int] = frozenset()
# The needs of every pattern set of this process -> a number (``PatternSet.allowed``'s key).
_NEEDS_NUMBERS: dict[tuple, int] = {}
# Sentences above which a document's indexes are kept compact (see ``_DocState._walk``).
COMPACT_ABOVE = 2000
_FROZEN: dict[int, frozenset[str]] = {}
_FACTS: dict[str, tuple] = {}
_FACTS_FOR: tuple | None = None
_FACTS_MAX = 200_000  # distinct words kept; beyond it (a 100 MB feed) the memo starts again
# Every trigger word of the rules of this process (rule triggers, claim gates).
_TRIGGERS: set[str] = set()
# Every word the patterns of this process need: a document's words are kept only if wanted.
_WANTED: set[str] = set()


def _state(doc, ctx) -> _DocState:
    cache = ctx.cache.setdefault("attribution.doc", {})
    key = id(doc)
    hit = cache.get(key)
    if hit is not None and hit.doc is doc:
        return hit
    state = _DocState(doc)
    cache.clear()  # one document at a time
    cache[key] = state
    return state


class _Narration:
    """``doc.text`` with the inside of every direct quotation blanked (marks kept), so that
    neither claims nor answers are read in a speaker's words. The inside of a quotation
    becomes one run of "_" (line breaks kept): a single word to the patterns; blanking it
    to spaces made long runs of whitespace, on which patterns built of `\\s+` pieces
    backtrack for seconds.

    Read only in slices (a sentence, a paragraph), each made when asked for: a whole
    blanked copy of the text was 19 MiB of a 10 MB feed's peak."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, doc):
        self.text = doc.text
        code = markup.offset_code(len(self.text))
        self.starts, self.ends = array(code), array(code)  # the blanked insides, in order
        last = 0
        for qs, qe in doc.quotes:
            if qs + 1 < last:
                continue  # inside the quotation before (a block quote holding quoted words)
            inner_end = max(qs + 1, qe - 1)
            if inner_end > qs + 1:
                self.starts.append(qs + 1)
                self.ends.append(inner_end)
            last = inner_end

    def __getitem__(self, span: slice) -> str:
        start, stop, _ = span.indices(len(self.text))
        text, starts, ends = self.text, self.starts, self.ends
        i = bisect_right(ends, start)  # the first blanked inside that ends after start
        if i == len(starts) or starts[i] >= stop:
            return text[start:stop]
        parts = []
        pos = start
        while i < len(starts) and starts[i] < stop:
            bs, be = max(starts[i], start), min(ends[i], stop)
            if bs > pos:
                parts.append(text[pos:bs])
            inner = text[bs:be]
            parts.append(QUOTE_FILL_RE.sub("_", inner) if "\n" in inner or "\r" in inner else "_" * len(inner))
            pos = be
            i += 1
        parts.append(text[pos:stop])
        return "".join(parts)


def _blank(text: str, start: int, end: int) -> bool:
    """Only white space in text[start:end]. Stops at the first other character, so asking
    it of every quotation in one endless paragraph (a file with no line breaks) stays cheap."""
    return NONSPACE_RE.search(text, start, end) is None


def _answer_region(doc, k: int) -> range:
    """Sentence ``k``, widened to the sentences of any quotation it shares: the speaker of
    '“…. …,” Vedeneyev said.' answers narration in either sentence. Sentence indexes."""
    s, e = doc.sentences[k]
    lo, hi = s, e
    for qs, qe in doc.quotes_overlapping(s, e):
        lo, hi = min(lo, qs), max(hi, qe)
    if (lo, hi) == (s, e) or hi - lo > MAX_SENTENCE_CHARS:
        return range(k, k + 1)  # a "quotation" of pages is a stray quote mark, not one speaker's words
    first = doc.sentence_index(lo)
    last = doc.sentence_index(max(hi - 1, lo))
    return range(first, last + 1)
