"""The records a run produces: findings about the text, and errors about the input."""

from __future__ import annotations

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
    so that any output can be encoded: the last guard before printing or writing a report.
    Text that encodes as it is is returned as it is: translating through a table reads the
    table once a character, 0.1 s of a folder's report, after its last file was linted."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate somewhere
        return text.translate(_SURROGATES)
    return text


def printable(text: str) -> str:
    """``text`` safe to print on one line of a terminal or a CI log: no control character,
    escape sequence or line break of its own (GitHub reads any line starting with ``::``
    as a workflow command). Same length as ``text`` except for undecodable bytes."""
    return text.translate(_PRINTABLE) if not text.isprintable() else text

SEVERITIES = ("suggestion", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


class Record:
    """A small value class: fields in ``__slots__``, equality, hashing and order on the
    fields named in ``COMPARED`` (all of them unless a class says otherwise), a readable repr.

    What ``@dataclass(frozen=True)`` made, without importing dataclasses: its import of
    ``inspect`` (ast, dis, tokenize...) was about 15 ms of every run of the command, and
    each class it builds another millisecond. Records are values: never assigned to."""

    __slots__ = ()
    COMPARED: tuple[str, ...] = ()

    def _compared(self) -> tuple:
        return tuple(getattr(self, name) for name in (self.COMPARED or self.__slots__))

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self):
        return hash(self._compared())

    def __lt__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() < other._compared()

    def __le__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() <= other._compared()

    def __gt__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() > other._compared()

    def __ge__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() >= other._compared()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__name__}({fields})"

    def __reduce__(self):
        # Pickled as a call of the class with its fields (every Record's __init__ takes
        # them in ``__slots__`` order): the 1,400 terms of the phrase packs load 3 times as
        # fast as with a state set field by field, and findings come back from workers so.
        return (self.__class__, tuple(getattr(self, name) for name in self.__slots__))


class Hit(Record):
    """What a rule reports: a span of the Document's prose text (offsets into ``doc.text``).

    The engine turns a Hit into a Finding (line, column, severity, formatted message).
    ``message`` overrides the rule's message for this hit; ``fields`` fill extra
    ``{placeholders}`` in the message. ``fix``: the text that replaces [start, end) when the
    rule declares a ``fix`` (None: no fix here). The engine decides whether it may be
    applied (never inside a quotation).
    """

    __slots__ = ("start", "end", "suggestions", "message", "fields", "fix")

    def __init__(self, start: int, end: int, suggestions: tuple[str, ...] = (), message: str | None = None,
                 fields: tuple[tuple[str, str], ...] = (), fix: str | None = None):
        self.start = start
        self.end = end
        self.suggestions = suggestions
        self.message = message
        self.fields = fields
        self.fix = fix

    def with_fix(self, fix: str | None) -> "Hit":
        return Hit(self.start, self.end, self.suggestions, self.message, self.fields, fix)


class Fix(Record):
    """A replacement of source characters [start, end) (offsets into the file's decoded
    text, not the prose) by ``replacement``. ``safe``: the rule declares it always right
    (``fix: safe``); otherwise it is applied only with ``--unsafe-fixes``."""

    __slots__ = ("start", "end", "replacement", "safe")

    def __init__(self, start: int, end: int, replacement: str, safe: bool):
        self.start = start
        self.end = end
        self.replacement = replacement
        self.safe = safe

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"


class Finding(Record):
    """One finding: where (1-based line and column, end column exclusive; columns count
    characters), which rule, how severe, the message, the words as the file holds them,
    suggestions and an optional fix. Findings sort by path and position, then rule."""

    __slots__ = ("path", "line", "column", "end_line", "end_column", "rule", "severity", "message", "match",
                 "suggestions", "fix")
    COMPARED = __slots__[:9]  # suggestions and fix play no part in equality or order

    def __init__(self, path: str, line: int, column: int, end_line: int, end_column: int, rule: str, severity: str,
                 message: str, match: str, suggestions: tuple[str, ...] = (), fix: Fix | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.rule = rule
        self.severity = severity
        self.message = message
        self.match = match
        self.suggestions = suggestions
        self.fix = fix

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


class InputError(Record):
    """A file that could not be linted (or only partly): one clear line for the user."""

    __slots__ = ("path", "message")

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message

    def to_json(self) -> dict:
        return {"path": self.path, "message": self.message}
