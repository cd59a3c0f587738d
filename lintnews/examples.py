"""Every rule proves itself: its ``examples`` are linted with that rule alone, and a rule
with a ``fix`` shows what fixing does (``examples: fix: [[text, fixed text], ...]``).

Used by ``lintnews test-rules`` and by the test suite."""

from __future__ import annotations

from .engine import Linter


def run_examples(rules) -> list[str]:
    """Descriptions of every example that does not behave; empty when all do."""
    failures: list[str] = []
    for rule in rules:
        linter = Linter([rule])
        for text in rule.examples.flag:
            if not any(f.rule == rule.id for f in linter.lint_text(text, "example.txt")):
                failures.append(f"{rule.location}: {rule.id}: not flagged, but should be: {text!r}")
        for text in rule.examples.passing:
            hits = [f for f in linter.lint_text(text, "example.txt") if f.rule == rule.id]
            if hits:
                failures.append(f"{rule.location}: {rule.id}: flagged '{hits[0].match}', but should pass: {text!r}")
        if rule.examples.fixes:
            from .fix import fix_text

            for text, expected in rule.examples.fixes:
                fixed = fix_text(linter, text, "example.txt", unsafe=True)[0]
                if fixed != expected:
                    failures.append(f"{rule.location}: {rule.id}: fixed {text!r} as {fixed!r}, but should give {expected!r}")
    return failures
