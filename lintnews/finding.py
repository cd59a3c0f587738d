"""The records a run produces: findings about the text, and errors about the input."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("suggestion", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a span of the Document's prose text (offsets into ``doc.text``).

    The engine turns a Hit into a Finding (line, column, severity, formatted message).
    ``message`` overrides the rule's message for this hit; ``fields`` fill extra
    ``{placeholders}`` in the message.
    """

    start: int
    end: int
    suggestions: tuple[str, ...] = ()
    message: str | None = None
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int  # 1-based
    column: int  # 1-based, counts characters (code points)
    end_line: int
    end_column: int  # exclusive
    rule: str
    severity: str
    message: str
    match: str
    suggestions: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "match": self.match,
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True)
class InputError:
    """A file that could not be linted (or only partly): one clear line for the user."""

    path: str
    message: str

    def to_json(self) -> dict:
        return {"path": self.path, "message": self.message}
