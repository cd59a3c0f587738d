"""The records a run produces: findings about the text, and errors about the input."""

from __future__ import annotations

from dataclasses import dataclass, field

# What must never reach a terminal or a CI log raw from a file name or an article: C0
# controls (newline, carriage return, escape) and DEL as their one-character Unicode
# pictures (so columns under them do not move), C1 controls, line and paragraph separators
# and bidirectional overrides as U+FFFD, and undecodable bytes of a file name (lone
# surrogates) as \xNN.
_PRINTABLE = {c: 0x2400 + c for c in range(0x20) if c != 0x09}
_PRINTABLE[0x7F] = 0x2421
_PRINTABLE.update({c: 0xFFFD for c in (*range(0x80, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_PRINTABLE.update({c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)})


_SURROGATES = {c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)}


def encodable(text: str) -> str:
    """``text`` with the undecodable bytes of file names (lone surrogates) written as \\xNN,
    so that any output can be encoded: the last guard before printing or writing a report."""
    return text if text.isascii() else text.translate(_SURROGATES)


def printable(text: str) -> str:
    """``text`` safe to print on one line of a terminal or a CI log: no control character,
    escape sequence or line break of its own (GitHub reads any line starting with ``::``
    as a workflow command). Same length as ``text`` except for undecodable bytes."""
    return text.translate(_PRINTABLE) if not text.isprintable() else text

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
    # The text that replaces [start, end) when the rule declares a ``fix`` (None: no fix
    # here). The engine decides whether it may be applied (never inside a quotation).
    fix: str | None = None


@dataclass(frozen=True)
class Fix:
    """A replacement of source characters [start, end) (offsets into the file's decoded
    text, not the prose) by ``replacement``. ``safe``: the rule declares it always right
    (``fix: safe``); otherwise it is applied only with ``--unsafe-fixes``."""

    start: int
    end: int
    replacement: str
    safe: bool

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"


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
    fix: Fix | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        out = {
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
        if self.fix is not None:  # optional key: version 1 readers ignore it
            out["fix"] = {"replacement": self.fix.replacement, "applicability": self.fix.applicability}
        return out


@dataclass(frozen=True)
class InputError:
    """A file that could not be linted (or only partly): one clear line for the user."""

    path: str
    message: str

    def to_json(self) -> dict:
        return {"path": self.path, "message": self.message}
