"""What ``lintnews explain RULE`` says about a rule: its message, rationale, sources, link
and examples. One place builds it; the command prints it as text and the HTML report shows
the same fields when an editor clicks a highlight."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    id: str
    kind: str
    severity: str
    scope: str
    message: str
    description: str  # the summary line, then the rationale
    sources: tuple[str, ...]
    link: str
    flags: tuple[str, ...]
    passes: tuple[str, ...]
    location: str
    fix: str = ""  # "safe", "unsafe" or "" (no fix)
    fixes: tuple[tuple[str, str], ...] = ()  # example (text, text once fixed)

    @property
    def fix_how(self) -> str:
        if not self.fix:
            return ""
        return "lintnews check --fix applies it" if self.fix == "safe" else "applied only with --fix --unsafe-fixes"

    @property
    def summary(self) -> str:
        return (self.description.splitlines() or [self.message])[0]

    @property
    def rationale(self) -> str:
        """The description after its summary line."""
        return "\n".join(self.description.splitlines()[1:]).strip()

    def text(self) -> str:
        """As ``lintnews explain`` prints it."""
        out = [f"{self.id}  ({self.kind}, {self.severity}, scope: {self.scope})", f"\nMessage: {self.message}"]
        if self.description:
            out.append("\n" + self.description)
        if self.sources:
            out.append("\nSources:")
            out.extend(f"  - {s}" for s in self.sources)
        if self.link:
            out.append(f"\nMore: {self.link}")
        if self.fix:
            out.append(f"\nFix: {self.fix} ({self.fix_how})")
            out.extend(f"  {before}\n  → {after}" for before, after in self.fixes if before != after)
        out.append("\nFlags:")
        out.extend(f"  ✗ {x}" for x in self.flags)
        out.append("Passes:")
        out.extend(f"  ✓ {x}" for x in self.passes)
        out.append(f"\nDefined in {self.location}")
        return "\n".join(out)


def explain(rule, severity: str | None = None) -> Explanation:
    """The explanation of ``rule`` at ``severity`` (the run's, after config overrides)."""
    return Explanation(
        id=rule.id,
        kind=rule.kind,
        severity=severity or rule.severity,
        scope=rule.scope,
        message=rule.message,
        description=rule.description,
        sources=tuple(rule.sources),
        link=rule.link,
        flags=tuple(rule.examples.flag),
        passes=tuple(rule.examples.passing),
        location=rule.location,
        fix=getattr(rule, "fix", None) or "",
        fixes=tuple(getattr(rule.examples, "fixes", ())),
    )
