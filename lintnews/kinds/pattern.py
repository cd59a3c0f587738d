r"""``kind: pattern`` — a regular expression.

Patterns are run with the ``regex`` module and a time limit, so a pattern that backtracks
catastrophically (``(a+)+$``) cannot hang a pre-commit hook: it gives up on that file after
about a second (and a second more per megabyte), the user is told which rule and file, and
the rule's findings on that file are dropped, all of them, so that the output never depends
on how far the rule got. Other files, and other rules, are not affected.

The limit counts the regular-expression engine's own time only (see ``spans``): a rule
with a hundred thousand honest matches is not cut off because lintnews took time to turn
each one into a finding.

YAML fields:
  pattern:        the expression (Python/regex syntax)
  case_sensitive: false
  group:          which group is the flagged span (default 0, the whole match)
  suggest:        [suggestions]
  fix:            safe | unsafe  the flagged span is replaced by ``replace``, or else by the
                  first of ``suggest``
  replace:        a template expanded on the match (``\1``, ``\g<name>``; '' deletes the span):
                  ``pattern: '\b(\w+) \1\b'`` with ``replace: '\1'`` turns "the the" into "the"
  fix_when:       a pattern the flagged text must match (from its start) for the fix to be
                  offered: ``'\S+[ \t]+\p{Ll}'`` fixes "the the" but not "Sirhan Sirhan"
"""

from __future__ import annotations

from array import array

from .. import rx
from ..finding import Hit
from ..literals import contains_all, required
from .base import Rule, RuleSpec, string_list

TEMPLATE_REF_RE = rx.compile(r"\\(?:(\d+)|g<([^>]*)>)")
TIMEOUT_SECONDS = 1.0  # per megabyte of text searched, and never less


def time_limit(length: int) -> float:
    """Seconds a pattern may take on ``length`` characters: one, and one more per megabyte.

    A pattern that backtracks catastrophically blows far past any linear budget on a short
    line; an honest pattern on a 20 MB file needs more than one second and gets it."""
    return TIMEOUT_SECONDS * max(1.0, length / 1_000_000)


def spans(pattern, text: str, group=0, limit: float | None = None) -> "array[int]":
    """Start and end offsets of ``group`` in every match of ``pattern`` in ``text``, as one
    flat array (start, end, start, end, ...), under ``limit`` seconds (default:
    ``time_limit`` of the text). Raises TimeoutError.

    Every match is found before any is used: ``regex``'s time limit on ``finditer`` runs
    from the first match to the last, so whatever a caller did between two matches
    (building a finding) counted against the pattern, and an honest pattern with a hundred
    thousand matches was taken for a catastrophic one. Collecting two integers a match
    keeps the clock on the engine alone, and costs 16 bytes a match."""
    out = array("q")
    push = out.append
    for m in pattern.finditer(text, timeout=time_limit(len(text)) if limit is None else limit):
        s, e = m.span(group)
        push(s)
        push(e)
    return out


class PatternTimeout(Exception):
    """A pattern ran out of time on a document."""

    def __init__(self, rule_id: str, message: str):
        super().__init__(message)
        self.rule_id = rule_id


class PatternRule(Rule):
    KIND = "pattern"
    FIELDS = {"pattern": True, "case_sensitive": False, "group": False, "suggest": False, "replace": False, "fix_when": False}
    FIXABLE = True
    FIX_IN_DIALECT = True

    def cost(self, chars: int) -> float:
        # A back-reference (a repeated word) is tried at every word; a pattern with a
        # literal in it is searched for that literal first: 0.2 s against 0.02-0.06 s on
        # 1 MB. Only the order in which a shared run hands out its work reads this.
        pattern = self.regex.pattern
        if "(?P=" in pattern or any(f"\\{d}" in pattern for d in "123456789"):  # \1 or (?P=name)
            return 200.0 * chars / 1e6
        return super().cost(chars)

    def compile(self, spec: RuleSpec) -> None:
        import regex

        data = spec.data
        source = data["pattern"]
        if not isinstance(source, str) or not source:
            raise spec.error("'pattern' must be a non-empty string", "pattern", source)
        flags = regex.VERSION0 | regex.MULTILINE
        if not data.get("case_sensitive", False):
            flags |= regex.IGNORECASE
        try:
            self.regex = regex.compile(source, flags)
        except (regex.error, OverflowError, RecursionError, ValueError) as exc:
            raise spec.error(f"'pattern' does not compile: {exc}", "pattern", source) from None
        # Words every match needs (``literals.required``; sound, often none): a document
        # holding none of one alternative, not even inside a longer word, is not searched.
        self.needs = tuple(tuple(alts) for alts in required(source, flags))
        group = data.get("group", 0)
        if not isinstance(group, (int, str)) or isinstance(group, bool):
            raise spec.error("'group' must be a group number or name", "group", group)
        if isinstance(group, int) and not 0 <= group <= self.regex.groups:
            raise spec.error(f"'group' {group} does not exist in the pattern", "group", group)
        if isinstance(group, str) and group not in self.regex.groupindex:
            raise spec.error(f"'group' '{group}' does not exist in the pattern", "group", group)
        self.group = group
        self.suggestions = tuple(string_list(spec, "suggest", data.get("suggest")))
        self.replace: str | None = None
        if "replace" in data:
            replace = data["replace"]
            if not isinstance(replace, str):
                raise spec.error("'replace' must be a string (a template like '\\1'; '' deletes the span)", "replace", replace)
            if not self.fix:
                raise spec.error("'replace' is the rule's fix: add 'fix: safe' or 'fix: unsafe'", "replace", replace)
            for m in TEMPLATE_REF_RE.finditer(replace):
                ref = m.group(1) or m.group(2)
                if ref.isdigit():
                    ok = int(ref) <= self.regex.groups
                else:
                    ok = ref in self.regex.groupindex
                if not ok:
                    raise spec.error(f"'replace' refers to group '{ref}', which the pattern does not have", "replace", replace)
            self.replace = replace
        elif self.fix and not self.suggestions:
            raise spec.error("a pattern rule with 'fix' needs 'replace' (a template) or 'suggest'", "fix", data["fix"])
        self.fix_when = None
        if "fix_when" in data:
            when = data["fix_when"]
            if not isinstance(when, str) or not when:
                raise spec.error("'fix_when' must be a non-empty pattern", "fix_when", when)
            if not self.fix:
                raise spec.error("'fix_when' limits the rule's fix: add 'fix: safe' or 'fix: unsafe'", "fix_when", when)
            try:
                self.fix_when = regex.compile(when, regex.VERSION0)
            except (regex.error, OverflowError, RecursionError, ValueError) as exc:
                raise spec.error(f"'fix_when' does not compile: {exc}", "fix_when", when) from None

    def check(self, doc, ctx):
        if self.needs and not contains_all(doc.text, self.needs, doc.folded):
            return
        try:
            found = self._with_fixes(doc.text) if self.fix else spans(self.regex, doc.text, self.group)
        except TimeoutError:
            raise self.timed_out(doc.text) from None
        if self.fix:
            for start, end, fix in found:
                yield Hit(start, end, self.suggestions, fix=fix)
            return
        for i in range(0, len(found), 2):
            start, end = found[i], found[i + 1]
            if end > start:
                yield Hit(start, end, self.suggestions)

    def timed_out(self, text: str) -> PatternTimeout:
        """What is raised when the pattern ran out of time on ``text``."""
        return PatternTimeout(
            self.id,
            f"rule {self.id} gave up on this file: its pattern took more than {time_limit(len(text)):g} s "
            f"(it backtracks catastrophically); none of its findings here are reported ({self.location})",
        )

    def _with_fixes(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int, str | None]]:
        """(start, end, fix) of every match (in ``text[pos:endpos]``). The matches are
        found first, under the time limit and as ``spans`` finds them (three integers a
        match: where the match starts, and the flagged span); then each fix is made:
        ``fix_when`` is matched on the flagged span, and a ``replace`` template is expanded
        on the match found again at the same start (the engine's preferred match there is
        the one the search found), each under a limit of its own."""
        found = array("q")
        push = found.append
        for m in self.regex.finditer(text, pos, endpos, timeout=time_limit(len(text))):
            push(m.start())
            start, end = m.span(self.group)
            push(start)
            push(end)
        out = []
        for i in range(0, len(found), 3):
            start, end = found[i + 1], found[i + 2]
            if end <= start:
                continue
            fix = None
            if self.fix_when is None or self.fix_when.match(text, start, end, timeout=time_limit(end - start)):
                if self.replace is None:
                    fix = self.suggestions[0]
                else:
                    m = self.regex.match(text, found[i], timeout=time_limit(len(text)))
                    fix = m.expand(self.replace) if m is not None else None
            out.append((start, end, fix))
        return out
