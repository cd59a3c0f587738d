"""Run rules over a Document and turn their hits into findings.

The engine owns what is common to every rule: scope (narration, quotes, headline, all),
inline suppression directives, rule selection, severity overrides, allowed terms and
message formatting. Kinds only find spans.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections import defaultdict
from typing import TYPE_CHECKING

from . import rx
from . import heap
from . import parallel
from . import markup
from .document import DEFAULT_SKIP_PATTERNS, Document, SkipPatterns
from .finding import Finding, Fix, Hit, InputError
from .kinds.base import Context, Rule
from .kinds.pattern import PatternTimeout
from .sources import Source

if TYPE_CHECKING:
    from typing import Callable

DIRECTIVE_RE = rx.compile(
    r"<!--\s*lintnews-(disable-next-line|disable-line|disable-file|disable|enable)\b[ \t]*([^<>]*?)\s*-->",
    re.IGNORECASE,
)
PLACEHOLDER_RE = rx.compile(r"\{([a-z_]+)\}")
# Forking a helper costs more than the fork: its first touch of each page of the parent's
# heap copies the page, which on one 6.7 KB article made the run 60 ms slower in CPU and in
# wall time than a serial run (0.27-0.31 s against 0.21-0.24 s, median of 15). Share a
# document's rules only when the helper's half of the work (the estimate without the
# largest unit) is worth clearly more: about 40 KB of copy and up.
SHARE_MIN_MS = 50.0
# A few sentences that reach every kind of rule, linted once by ``Linter.warm_up``.
WARM_UP_TEXT = (
    "The regime slammed critics, who say the 5th report was noticeably late. "
    "It is believed that the the figures were wrong, Hossein Deghan said.\n\n"
    "The council said on Monday that the new bridge would open in March. "
    "Critics say the cost has doubled since the plan was first approved in 2019, "
    "and residents told reporters they had not been consulted about the route.\n"
)


class Part:
    """Where a piece of a long file lies in it: the piece starts at line ``first_line``
    and character ``offset`` of the file; ``suppressions`` are the whole file's inline
    directives (a block opened in one piece may close in another). See runner.py."""

    __slots__ = ("first_line", "offset", "suppressions")

    def __init__(self, first_line: int, offset: int, suppressions: "Suppressions"):
        self.first_line = first_line
        self.offset = offset
        self.suppressions = suppressions


class Cancelled(Exception):
    """A run given up half-way because its result is no longer wanted (the editor's text
    changed under it: see lsp.py)."""


def selector_matches(rule_id: str, selector: str) -> bool:
    """``loaded`` selects ``loaded.labels``; ``loaded.labels`` selects itself and below."""
    selector = selector.strip().rstrip(".*").rstrip(".")
    return selector in ("", "all", "ALL") or rule_id == selector or rule_id.startswith(selector + ".")


def any_selector(rule_id: str, selectors) -> bool:
    return any(selector_matches(rule_id, s) for s in selectors)


def normalise_term(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").replace("-", " ").split())


class Suppressions:
    """Inline directives of one file, by source line."""

    def __init__(self):
        self.file_wide: list[tuple[str, ...]] = []  # () = every rule
        self.ranges: list[tuple[int, int, tuple[str, ...]]] = []  # lines [a, b]

    @classmethod
    def parse(cls, source: str) -> "Suppressions":
        sup = cls()
        if "lintnews-" not in source:
            return sup
        open_blocks: dict[tuple[str, ...], int] = {}
        starts = markup.line_starts(source)  # LF, CRLF or a lone CR, as positions count lines
        for m in DIRECTIVE_RE.finditer(source):
            line = bisect_right(starts, m.start())
            what = m.group(1).lower()
            rules = tuple(r for r in re.split(r"[\s,]+", m.group(2)) if r)
            end_line = bisect_right(starts, m.end() - 1)
            if what == "disable-file":
                sup.file_wide.append(rules)
            elif what == "disable-line":
                sup.ranges.append((line, end_line, rules))
            elif what == "disable-next-line":
                sup.ranges.append((end_line + 1, end_line + 1, rules))
            elif what == "disable":
                open_blocks.setdefault(rules, line)
            elif what == "enable":
                if rules in open_blocks:
                    sup.ranges.append((open_blocks.pop(rules), end_line, rules))
                elif not rules:  # a bare enable closes every open block
                    for key, start in open_blocks.items():
                        sup.ranges.append((start, end_line, key))
                    open_blocks.clear()
        for rules, start in open_blocks.items():
            sup.ranges.append((start, 1 << 62, rules))
        return sup

    def suppressed(self, rule_id: str, line: int) -> bool:
        for rules in self.file_wide:
            if not rules or any_selector(rule_id, rules):
                return True
        for a, b, rules in self.ranges:
            if a <= line <= b and (not rules or any_selector(rule_id, rules)):
                return True
        return False


def format_message(template: str, match: str, hit: Hit) -> str:
    fields = dict(hit.fields)
    fields["match"] = match
    fields["suggestion"] = hit.suggestions[0] if hit.suggestions else ""
    fields["suggestions"] = ", ".join(f"'{s}'" for s in hit.suggestions)
    fields.setdefault("term", match)
    # Plain substitution of known names only: str.format on user YAML could reach attributes.
    return PLACEHOLDER_RE.sub(lambda m: fields.get(m.group(1), m.group(0)), template)


# Where two rules of one family flag the same words, the more specific finding is reported
# (one problem, one finding): a headline verb over a verb of saying over a general emotive
# word; a named kind of sourcing problem over a general one. Rules not listed come after.
SPECIFICITY = (
    "loaded.headline-verbs", "loaded.said", "loaded.regime", "loaded.terrorism", "loaded.labels",
    "loaded.insults", "loaded.honorifics", "loaded.verdicts", "loaded.house-style", "loaded.emotive",
    "loaded.adverbs", "loaded.scare-quotes",
    "attribution.anonymous", "attribution.quote", "attribution.statistic", "attribution.weasel",
    "attribution.collective", "attribution.passive", "attribution.prediction",
)
_RANK = {rule: i for i, rule in enumerate(SPECIFICITY)}


def _family(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


def one_problem_one_finding(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose words another finding already covers with the same problem.

    Two findings overlap when their spans share a character. Of overlapping findings of one
    family, the most specific rule's is kept (``SPECIFICITY``, then the narrower span). Of
    two families, both are kept unless they flag exactly the same words ("supposedly" as
    hearsay and as an editorial adverb): then the earlier family in ``SPECIFICITY`` wins.
    ``findings`` is sorted; so is the result."""
    def rank(f: Finding):
        return (_RANK.get(f.rule, len(_RANK)), (f.end_line - f.line, f.end_column - f.column), f.rule)

    dropped: set[int] = set()
    n = len(findings)
    for i in range(n):
        a = findings[i]
        for j in range(i + 1, n):
            b = findings[j]
            if b.path != a.path or (b.line, b.column) >= (a.end_line, a.end_column):
                break  # sorted by start: no later finding overlaps ``a`` either
            if a.rule == b.rule:
                continue
            same_family = _family(a.rule) == _family(b.rule)
            same_words = (a.line, a.column, a.end_line, a.end_column) == (b.line, b.column, b.end_line, b.end_column)
            if same_family or same_words:
                loser = j if rank(a) <= rank(b) else i
                dropped.add(loser)
    return [f for k, f in enumerate(findings) if k not in dropped] if dropped else findings


class Linter:
    """Lint texts with a set of rules. Build once per run; reuse for every file."""

    def __init__(
        self,
        rules: list[Rule],
        *,
        select=(),
        ignore=(),
        severities: dict[str, str] | None = None,
        allow=(),
        skip_patterns=None,
        names_files=(),
        starter_names=True,
        dialect="en-US",
    ):
        self.all_rules = rules
        # The packs are written in American spelling; en-GB respells messages and suggestions.
        self.dialect = dialect
        self.rules = [
            r for r in rules if (not select or any_selector(r.id, select)) and not any_selector(r.id, ignore)
        ]
        self.severities = severities or {}
        self.allow = frozenset(normalise_term(a) for a in allow)
        patterns = DEFAULT_SKIP_PATTERNS if skip_patterns is None else tuple(skip_patterns)
        self.skip_re = SkipPatterns(patterns) if patterns else False
        self.ctx = Context(names_files=names_files, starter_names=starter_names, allow=self.allow)
        # Group by kind so kinds that share a pass (phrases) get all their rules at once.
        self.by_kind: dict[type, list[Rule]] = defaultdict(list)
        for r in self.rules:
            self.by_kind[type(r)].append(r)

    def severity_of(self, rule: Rule) -> str:
        best = None
        for selector, sev in self.severities.items():
            if selector_matches(rule.id, selector) and (best is None or len(selector) > len(best[0])):
                best = (selector, sev)
        return best[1] if best else rule.severity

    def document(self, path: str, text: str, fmt: str | None = None) -> Document:
        return Document.from_source(path, text, fmt, self.skip_re)

    def source_document(self, source: Source, fmt: str | None = None) -> Document:
        """The Document of a source with text, as the rules read it (the HTML report shows
        what it leaves out)."""
        prose = getattr(source, "prose", None)  # a Word draft brings its prose (docx_input.py)
        if prose is not None:
            return Document(source.path, source.text, prose, self.skip_re)
        return Document.from_input(source, fmt, self.skip_re)

    def warm_up(self, formats=("text",)) -> None:
        """Lint a few sentences and drop the result, so that what rules build on first use
        (pyphen's patterns, the phrase index, Markdown's parser) is built here, once: before
        workers are forked (each inherits it rather than building its own) or before a
        server says it is ready (its first request is not the slow one)."""
        for fmt in formats:
            try:
                self.lint_source(Source("warm-up", WARM_UP_TEXT, []), fmt)
            except Exception:  # a rule's problem shows on real text, with a proper error
                pass

    def lint_text(self, text: str, path: str = "<text>", fmt: str | None = None) -> list[Finding]:
        findings, errors = self.lint_source(Source(path, text, []), fmt)
        return findings

    def lint_source(
        self,
        source: Source,
        fmt: str | None = None,
        display: str | None = None,
        workers: int = 1,
        cancelled: Callable[[], bool] | None = None,
        part: "Part | None" = None,
    ) -> tuple[list[Finding], list[InputError]]:
        """Findings and errors of one source (or of one ``part`` of a long file: see
        ``Part``). ``workers=2`` shares the rules between this
        process and a forked helper when the document is big enough to pay for it; the
        result is the same as a serial run's. ``cancelled`` is asked between units of work;
        when it answers True the run stops and raises Cancelled.

        The cycle collector is paused meanwhile: a document's tokens, sentences and hits
        are millions of small objects on a long feed, none of them garbage until the end,
        and each full collection walked them all again (a fifth of the time on 4 MB; the
        peak memory is the same without it). Garbage cycles, if any, go at the next
        collection after the document."""
        was_collecting = gc.isenabled()
        gc.disable()
        try:
            return self._lint_source(source, fmt, display, workers, cancelled, part)
        finally:
            if was_collecting:
                gc.enable()

    def _lint_source(self, source: Source, fmt, display, workers: int, cancelled, part=None):
        errors = list(source.errors)
        if source.text is None:
            return [], errors
        shown = display or source.path
        if cancelled is not None and cancelled():
            raise Cancelled()
        if len(source.text) >= heap.BIG_INPUT:
            heap.keep_big_blocks_apart()
        if part is None:
            sup, shift = Suppressions.parse(source.text), (0, 0)
        else:
            sup, shift = part.suppressions, (part.first_line - 1, part.offset)
        doc = self.source_document(source, fmt)  # (which may let go of a disposable source's text)
        if cancelled is not None and cancelled():
            raise Cancelled()
        errors.extend(InputError(shown, message) for message in doc.errors)
        units = self._units()
        releases = Releases(units, doc, self.ctx)
        try:
            results = self._run_units(units, doc, sup, shown, shift, workers, cancelled, releases)
        finally:
            releases.all()  # nothing of this document outlives its run
        findings: list[Finding] = []
        for i in range(len(units)):  # in rule order, as a serial run reports them
            unit_findings, unit_errors = results[i]
            findings.extend(unit_findings)
            errors.extend(unit_errors)
        findings.sort()
        return one_problem_one_finding(findings), errors

    def _run_units(self, units, doc: Document, sup, shown: str, shift, workers: int, cancelled,
                   releases: "Releases") -> dict[int, tuple]:
        def run(i: int):
            if cancelled is not None and cancelled():
                raise Cancelled()
            releases.before(i)
            return self._run_unit(units[i], doc, sup, shown, shift)

        order = list(range(len(units)))
        results: dict[int, tuple] = {}
        if workers > 1 and parallel.can_share(len(units)):
            costs = [cls.unit_cost(group, len(doc.text)) for cls, group in units]
            if sum(costs) - max(costs) >= SHARE_MIN_MS:
                # Largest first, a kind's units together (the kinds by their total): each
                # process then lets a kind's state go (``Releases``) as soon as the queue
                # has moved past the kind, not after the last of its units scattered
                # among the others (the attribution state lived on through the names
                # rule's peak).
                total: dict[type, float] = defaultdict(float)
                for (cls, _group), cost in zip(units, costs):
                    total[cls] += cost
                order.sort(key=lambda i: (-total[units[i][0]], -costs[i]))
                # Rules with a one-off cost (textstat's import) run here: the next file's
                # helper is forked from this process and then inherits what they loaded.
                pinned = [i for i in order if any(r.first_use_cost() > 0 for r in units[i][1])]
                # What rules on both sides read is built once, here, and inherited.
                doc.prepare_shared()
                for cls in dict.fromkeys(cls for cls, _group in units):
                    cls.prepare(self.by_kind[cls], doc, self.ctx)
                if cancelled is not None and cancelled():
                    raise Cancelled()
                releases.order(pinned + [i for i in order if i not in pinned])
                results = parallel.share(order, run, here_first=pinned)
        if not results:
            releases.order(order)
            results = {i: run(i) for i in order}
        return results

    def _units(self) -> list[tuple[type, list[Rule]]]:
        """The rules to run, as units of work: kinds that share one pass get their rules
        together; others run rule by rule, so that one rule giving up (a pattern out of
        time) does not silence the rest."""
        units = []
        for cls, rules in self.by_kind.items():
            if cls.BATCHED:
                units.append((cls, rules))
            else:
                units.extend((cls, [r]) for r in rules)
        return units

    def _run_unit(self, unit, doc: Document, sup: Suppressions, shown: str, shift: tuple[int, int] = (0, 0)):
        """(findings, errors) of one unit. A rule that runs out of time on this document
        loses its findings here, all of them (how far it got would depend on the machine's
        load), and says so; it runs again on the next document."""
        cls, group = unit
        findings: list[Finding] = []
        seen: set[tuple] = set()
        # One string for each distinct message and match of the unit: a long feed's findings
        # repeat a few (10,919 findings of 10 MB hold 1,775 messages).
        texts: dict[str, str] = {}
        try:
            for rule, hit in cls.check_all(group, doc, self.ctx):
                f = self._finding(rule, hit, doc, sup, shown, shift, texts)
                if f is not None:
                    key = (f.rule, f.line, f.column, f.end_line, f.end_column)
                    if key not in seen:
                        seen.add(key)
                        findings.append(f)
        except PatternTimeout as exc:
            return [f for f in findings if f.rule != exc.rule_id], [InputError(shown, str(exc))]
        return findings, []

    def _finding(self, rule: Rule, hit: Hit, doc: Document, sup: Suppressions, path: str,
                 shift: tuple[int, int] = (0, 0), texts: dict[str, str] | None = None) -> Finding | None:
        """The finding a hit makes, or None (out of scope, allowed, suppressed). ``shift``:
        lines and characters before the document in its file, for a part of a long one."""
        start, end = hit.start, hit.end
        scope = rule.scope
        if scope == "narration" and doc.in_quote(start, end):
            return None
        if scope == "voice" and not doc.in_own_voice(start, end):
            return None
        if scope == "quotes" and not doc.in_quote(start, end):
            return None
        if scope == "headline" and not doc.in_headline(start, end):
            return None
        # What the reader sees (for the message and the allow list), and what the file holds
        # at the finding's position (the `match`, always the source's own text).
        seen = markup.without_joiners(doc.text[start:end])
        if self.allow:
            term = dict(hit.fields).get("term", "")
            if normalise_term(seen) in self.allow or (term and normalise_term(term) in self.allow):
                return None
        s, e = doc.source_span(start, end)
        line, col = doc.source_position(s)
        line += shift[0]
        if sup.file_wide or sup.ranges:
            if sup.suppressed(rule.id, line):
                return None
        if e > s:
            end_line, end_col = doc.source_position(e - 1)
            end_line += shift[0]
            end_col += 1
        else:
            end_line, end_col = line, col
        if any(c.isspace() for c in seen):  # markup blanked inside the span, or a line break
            seen = " ".join(seen.split())
        message = format_message(hit.message or rule.message, seen, hit)
        suggestions = hit.suggestions
        fix = source_fix(rule, hit, doc, doc.text[start:end]) if hit.fix is not None and rule.fix else None
        if self.dialect != "en-US":
            from .dialect import spell

            message = spell(message, self.dialect)
            suggestions = tuple(spell(s, self.dialect) for s in suggestions)
            if fix is not None and rule.FIX_IN_DIALECT:  # a word the rule suggests, not a spelling it prescribes
                fix = Fix(fix.start, fix.end, spell(fix.replacement, self.dialect), fix.safe)
        if fix is not None and shift[1]:
            fix = Fix(fix.start + shift[1], fix.end + shift[1], fix.replacement, fix.safe)
        match = doc.source_slice(s, e)
        if texts is not None:
            message, match = texts.setdefault(message, message), texts.setdefault(match, match)
        return Finding(path, line, col, end_line, end_col, rule.id, self.severity_of(rule), message, match, suggestions, fix)


class Releases:
    """What units of work keep about one document between them, dropped as soon as no
    later unit of this process reads it: each kind's own state (``Rule.release``), and the
    reported speech the ``voice`` scope reads. Kinds run one after another, so a long
    feed's memory is the document's plus one kind's, not every kind's at once.

    ``order`` is the sequence in which this process takes the units: a serial run's
    order, or for a shared run the units it keeps first, then the queue both processes
    take from (``parallel.share``), in which a unit taken means every earlier one was
    taken, here or by the helper. Before unit ``i`` runs, what only units earlier in the
    sequence read is dropped. A unit run again out of turn (the helper failed) builds
    what it needs again; ``all`` drops everything at the end of the run."""

    REPORTED = ("reported", "_reported_starts", "_reported_by_sentence")  # what the voice scope reads (``Document.in_reported``)

    def __init__(self, units, doc: Document, ctx: Context):
        self.doc, self.ctx = doc, ctx
        self.keeps = [self._keeps(cls, group) for cls, group in units]
        self.position: dict[int, int] = {}
        self.pending: list[tuple[int, int, object]] = []  # (last position, tie-break, key)

    @staticmethod
    def _keeps(cls, group) -> list:
        keys: list = [cls]
        if any(r.scope == "voice" for r in group):
            keys.append(Releases.REPORTED)
        return keys

    def order(self, sequence: list[int]) -> None:
        self.position = {i: p for p, i in enumerate(sequence)}
        last: dict = {}
        for p, i in enumerate(sequence):
            for key in self.keeps[i]:
                last[key] = p
        self.pending = sorted(((p, n, key) for n, (key, p) in enumerate(last.items())), reverse=True)

    def before(self, i: int) -> None:
        p = self.position.get(i, -1)
        pending = self.pending
        while pending and pending[-1][0] < p:
            self._drop(pending.pop()[2])

    def all(self) -> None:
        for key in dict.fromkeys(k for keys in self.keeps for k in keys):
            self._drop(key)
        self.pending = []

    def _drop(self, key) -> None:
        if key is Releases.REPORTED:
            self.doc.forget(*key)
        else:
            key.release(self.doc, self.ctx)


def source_fix(rule: Rule, hit: Hit, doc: Document, match: str) -> Fix | None:
    """The hit's replacement as an edit of the source file, or None where it must not be
    applied: inside a direct quotation (the speaker's words are reported, never rewritten),
    or where the span is not the same characters in the source (markup, an entity or a line
    of page debris inside it): markup is never touched."""
    if hit.fix == match or doc.in_quote(hit.start, hit.end):
        return None
    # The source the span was read from: an entity at either end ("&" from "&amp;") or
    # markup inside makes it differ from the prose, and the fix is not offered.
    start, end = doc.source_span(hit.start, hit.end)
    if doc.source_slice(start, end) != match:
        return None
    return Fix(start, end, hit.fix, rule.fix == "safe")
