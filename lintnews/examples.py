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
        for text, (match, suggestion) in zip(rule.examples.flag, rule.examples.expect or [(None, None)] * len(rule.examples.flag)):
            found = [f for f in linter.lint_text(text, "example.txt") if f.rule == rule.id]
            if not found:
                failures.append(f"{rule.location}: {rule.id}: not flagged, but should be: {text!r}")
                continue
            if match is not None and not any(f.match == match for f in found):
                got = ", ".join(repr(f.match) for f in found)
                failures.append(f"{rule.location}: {rule.id}: flagged {got}, but should flag {match!r}: {text!r}")
                continue
            if suggestion is not None:
                chosen = [f for f in found if match is None or f.match == match]
                if not any(f.suggestions and f.suggestions[0] == suggestion for f in chosen):
                    got = ", ".join(repr(f.suggestions[0]) if f.suggestions else "none" for f in chosen)
                    failures.append(
                        f"{rule.location}: {rule.id}: suggests {got}, but should suggest {suggestion!r}: {text!r}"
                    )
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
