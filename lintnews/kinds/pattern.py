"""``kind: pattern`` — a regular expression.

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
"""

from __future__ import annotations

from array import array

from ..finding import Hit
from .base import Rule, RuleSpec, string_list

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
    FIELDS = {"pattern": True, "case_sensitive": False, "group": False, "suggest": False}

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
        group = data.get("group", 0)
        if not isinstance(group, (int, str)) or isinstance(group, bool):
            raise spec.error("'group' must be a group number or name", "group", group)
        if isinstance(group, int) and not 0 <= group <= self.regex.groups:
            raise spec.error(f"'group' {group} does not exist in the pattern", "group", group)
        if isinstance(group, str) and group not in self.regex.groupindex:
            raise spec.error(f"'group' '{group}' does not exist in the pattern", "group", group)
        self.group = group
        self.suggestions = tuple(string_list(spec, "suggest", data.get("suggest")))

    def check(self, doc, ctx):
        try:
            found = spans(self.regex, doc.text, self.group)
        except TimeoutError:
            raise PatternTimeout(
                self.id,
                f"rule {self.id} gave up on this file: its pattern took more than {time_limit(len(doc.text)):g} s "
                f"(it backtracks catastrophically); none of its findings here are reported ({self.location})"
            ) from None
        for i in range(0, len(found), 2):
            start, end = found[i], found[i + 1]
            if end > start:
                yield Hit(start, end, self.suggestions)
