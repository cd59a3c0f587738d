"""What every rule kind shares: the parsed rule, its validation, and the check interface.

A kind is one module in this package with one ``Rule`` subclass. It declares the YAML
fields it takes (``FIELDS``) and turns them into a matcher in ``compile``; ``check``
yields Hits over a Document. Scope filtering, suppression, severities and message
formatting are the engine's job, so a kind only finds spans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Iterator

from .. import rx
from ..finding import SEVERITIES, Hit
from ..yamlio import LocatedError, mark_of

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

SCOPES = ("voice", "narration", "quotes", "headline", "all")
COMMON_FIELDS = {
    "id": True,
    "kind": True,
    "severity": True,
    "message": True,
    "description": False,
    "link": False,
    "scope": False,
    "examples": True,
    "sources": False,
    "fix": False,
}
FIX_MODES = ("safe", "unsafe")
ID_RE = rx.compile(r"^[a-z][a-z0-9]*(?:\.[a-z0-9][a-z0-9-]*)+$")


class RuleError(LocatedError):
    """A rule file is wrong. Carries the file, line and column to show the user."""


class RuleSpec:
    """A rule as written in YAML, with where it came from."""

    def __init__(self, data: dict, path: str, mark: tuple[int, int] = (0, 0)):
        self.data = data
        self.path = path
        self.mark = mark

    def error(self, message: str, key: str | None = None, value: Any = None) -> RuleError:
        """An error pointing at ``value`` if it carries a position, else at ``key``, else at the rule."""
        line, col = self.mark
        if value is not None and mark_of(value) != (0, 0):
            line, col = mark_of(value)
        elif key is not None and key in getattr(self.data, "key_marks", {}):
            line, col = self.data.key_marks[key]
        rid = self.data.get("id") if isinstance(self.data, dict) else None
        prefix = f"rule '{rid}': " if rid else ""
        return RuleError(prefix + message, self.path, line or None, col or None)


class Examples:
    """A rule's own examples: texts it must flag, texts it must pass, fixes it must make
    ((text, the text once fixed)), and per flag text what the finding must be (match, first
    suggestion; either None)."""

    def __init__(self, flag: list[str], passing: list[str], fixes: list[tuple[str, str]],
                 expect: list[tuple[str | None, str | None]]):
        self.flag = flag
        self.passing = passing
        self.fixes = fixes
        self.expect = expect


def _flag_item(x) -> tuple[str, str | None, str | None]:
    if isinstance(x, dict):
        sug = x.get("suggestion")
        return str(x["text"]), (str(x["match"]) if "match" in x else None), (str(sug) if sug is not None else None)
    return str(x), None, None


class Rule:
    """Base class of every rule kind."""

    KIND: ClassVar[str] = ""
    FIELDS: ClassVar[dict[str, bool]] = {}  # kind-specific YAML keys -> required?
    DEFAULT_SCOPE: ClassVar[str] = "narration"
    # Rules of a kind whose check_all shares one pass over the text (phrases) set this.
    BATCHED: ClassVar[bool] = False
    # A rough running cost in milliseconds per MB of text, used only to hand the biggest
    # pieces of work out first when a document's rules are shared between two processes.
    COST_PER_MB: ClassVar[float] = 20.0
    # Kinds whose hits can carry a replacement set this; ``fix:`` on any other kind is an error.
    FIXABLE: ClassVar[bool] = False
    # With --dialect en-GB the fix is spelled like the suggestions ("criticised") when it is
    # a word the rule suggests; a spelling the rule prescribes (a name, a house spelling) is kept.
    FIX_IN_DIALECT: ClassVar[bool] = False

    def __init__(self, spec: RuleSpec):
        data = spec.data
        self.spec_path = spec.path
        self.spec_mark = spec.mark
        self.id: str = str(data["id"])
        self.kind: str = str(data["kind"])
        self.severity: str = str(data["severity"])
        self.message: str = str(data["message"])
        self.description: str = str(data.get("description") or "").strip()
        self.link: str = str(data.get("link") or "")
        self.scope: str = str(data.get("scope") or self.DEFAULT_SCOPE)
        # None: the suggestions are suggestions; "safe": the replacement is always right at
        # that spot (--fix); "unsafe": usable as a replacement, applied only with --unsafe-fixes.
        self.fix: str | None = data.get("fix")
        sources = data.get("sources") or []
        self.sources: list[str] = [str(s) for s in (sources if isinstance(sources, list) else [sources])]
        ex = data.get("examples") or {}
        flags = [_flag_item(x) for x in ex.get("flag", [])]
        self.examples = Examples(
            flag=[t for t, _, _ in flags],
            passing=[str(x) for x in ex.get("pass", [])],
            fixes=[(str(a), str(b)) for a, b in ex.get("fix", [])],
            expect=[(m, sug) for _, m, sug in flags],
        )
        self.compile(spec)

    # --- for kinds to implement ---------------------------------------------

    def compile(self, spec: RuleSpec) -> None:
        """Validate the kind's own fields and build the matcher. Raise ``spec.error(...)``."""

    def check(self, doc: "Document", ctx: "Context") -> Iterator[Hit]:
        raise NotImplementedError

    @classmethod
    def check_all(cls, rules: list["Rule"], doc: "Document", ctx: "Context") -> Iterable[tuple["Rule", Hit]]:
        """Run several rules of this kind over one document. Kinds that can share one pass
        over the text (phrases) override this."""
        for rule in rules:
            for hit in rule.check(doc, ctx):
                yield rule, hit

    @classmethod
    def compiled_together(cls, rules: list["Rule"]) -> None:
        """Called once the rules of this kind in a set of packs are compiled, before they
        are cached: kinds that share one pass (phrases) build what the pass needs here,
        once, rather than at the start of every run."""

    @classmethod
    def release(cls, doc: "Document", ctx: "Context") -> None:
        """Drop what rules of this kind built for ``doc`` and keep between their units of
        work (in ``ctx.cache`` or on the document): the engine calls this once the
        document's last unit of this kind is done in this process, so that a long feed's
        memory is not held by every kind at once, and at the end of the run, so that
        nothing keeps the document alive. Whatever is dropped must be built again on
        demand if asked for after all (a shared run whose helper failed runs its units
        again)."""

    @classmethod
    def prepare(cls, rules: list["Rule"], doc: "Document", ctx: "Context") -> None:
        """Build what rules of this kind share about ``doc``, before its rules are shared
        between two processes: a kind whose rules may run on both sides (each rule its own
        unit of work) and share a costly structure builds it here, once, and the forked
        helper inherits it. Never called for a serial run (whatever it builds is built
        on first use anyway)."""

    def cost(self, chars: int) -> float:
        """Estimated milliseconds to run this rule over ``chars`` characters of text."""
        return self.first_use_cost() + self.COST_PER_MB * chars / 1e6

    def first_use_cost(self) -> float:
        """Milliseconds the rule's first run in a process costs on top (a heavy import). A
        shared run keeps such rules in the main process, so later files do not pay again."""
        return 0.0

    @classmethod
    def unit_cost(cls, rules: list["Rule"], chars: int) -> float:
        """Estimated milliseconds of one ``check_all`` call over these rules."""
        return sum(r.cost(chars) for r in rules)

    @property
    def summary(self) -> str:
        return (self.description.splitlines() or [self.message])[0]

    @property
    def location(self) -> str:
        """``file:line`` of the rule, relative to the current directory when it is below it."""
        import os

        path = self.spec_path
        try:
            rel = os.path.relpath(path)
            if not rel.startswith(".."):
                path = rel
        except ValueError:  # another drive on Windows
            pass
        return f"{path}:{self.spec_mark[0]}"


class Context:
    """Run-wide settings a kind may read. Filled by the engine from config and CLI flags."""

    def __init__(self, names_files=(), starter_names=True, allow=frozenset()):
        # House lists of names (``--names`` / ``names:`` in config), in order of precedence:
        # the newsroom's own lists first, then the shipped starter list if starter_names.
        self.names_files: list[str] = list(names_files)
        self.starter_names = starter_names
        self.allow = allow
        self.cache: dict = {}  # compiled per-run structures kinds share across documents


def match_case(written: str, replacement: str) -> str:
    """``replacement`` in the case of the text it replaces: "Slammed" -> "Criticised",
    "SLAMMED" -> "CRITICISED". A replacement with capitals of its own (a name) is kept."""
    if not replacement or replacement != replacement.lower():
        return replacement
    letters = [c for c in written if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters and written.lstrip()[:1].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


# --- validation helpers kinds share ---------------------------------------------


def expect_type(spec: RuleSpec, key: str, value, types, what: str):
    if not isinstance(value, types):
        raise spec.error(f"'{key}' must be {what}", key, value)
    return value


def string_list(spec: RuleSpec, key: str, value) -> list[str]:
    """A string or a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise spec.error(f"'{key}' must be a string or a list of strings", key, value)


def validate_common(spec: RuleSpec, kind_fields: dict[str, bool], kind_fixable: bool = False) -> None:
    data = spec.data
    allowed = {**COMMON_FIELDS, **kind_fields}
    for key in data:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise spec.error(f"unknown key '{key}' (known keys: {hint})", key)
    for key, required in allowed.items():
        if required and key not in data:
            raise spec.error(f"missing required key '{key}'")
    rid = data["id"]
    if not isinstance(rid, str) or not ID_RE.match(rid):
        raise spec.error(
            "'id' must be dotted lower-case words naming the family first, like 'loaded.labels'", "id", rid
        )
    if data["severity"] not in SEVERITIES:
        raise spec.error(f"'severity' must be one of {', '.join(SEVERITIES)}", "severity", data["severity"])
    if not isinstance(data["message"], str) or not data["message"].strip():
        raise spec.error("'message' must be a non-empty string", "message", data["message"])
    scope = data.get("scope")
    if scope is not None and scope not in SCOPES:
        raise spec.error(f"'scope' must be one of {', '.join(SCOPES)}", "scope", scope)
    if "fix" in data:
        fix = data["fix"]
        if fix not in FIX_MODES:
            raise spec.error(
                "'fix' must be 'safe' (the replacement is always right at that spot) or 'unsafe' "
                "(usable as a replacement, applied only with --unsafe-fixes)",
                "fix",
                fix,
            )
        if not kind_fixable:
            raise spec.error(f"rules of kind '{data['kind']}' offer no fix: remove 'fix'", "fix", fix)
    for key in ("description", "link"):
        if key in data and not isinstance(data[key], str):
            raise spec.error(f"'{key}' must be a string", key, data[key])
    if "sources" in data:
        string_list(spec, "sources", data["sources"])
    ex = data["examples"]
    if not isinstance(ex, dict):
        raise spec.error("'examples' must be a mapping with 'flag' and 'pass' lists", "examples", ex)
    for key in ex:
        if key not in ("flag", "pass", "fix"):
            raise spec.error(f"unknown key '{key}' under 'examples' (use 'flag', 'pass' and, with 'fix', 'fix')", "examples", key)
    if "fix" in data:
        pairs = ex.get("fix")
        if not isinstance(pairs, list) or not pairs or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
        ):
            raise spec.error(
                "a rule with 'fix' needs 'examples: fix:', a list of [text, the text once fixed] pairs: every fix proves itself",
                "examples",
                pairs if pairs is not None else ex,
            )
    elif "fix" in ex:
        raise spec.error("'examples: fix' needs the rule to declare 'fix'", "examples", ex["fix"])
    for key in ("flag", "pass"):
        items = ex.get(key)
        if not isinstance(items, list) or not items or not all(isinstance(x, str) or (key == "flag" and isinstance(x, dict)) for x in items):
            raise spec.error(
                f"'examples' needs a non-empty '{key}' list of texts: every rule proves itself", "examples", ex
            )
        for x in items:
            if isinstance(x, dict):
                unknown = set(x) - {"text", "match", "suggestion"}
                if unknown or not isinstance(x.get("text"), str):
                    raise spec.error(
                        "a 'flag' example is a text, or a mapping of 'text' with the expected 'match' "
                        "and 'suggestion'",
                        "examples",
                        x,
                    )
