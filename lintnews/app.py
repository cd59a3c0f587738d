"""Setting up a run: configuration, the Linter, the house list of names, a rule's explanation.

Shared by the front ends: ``lintnews check`` (cli.py), which turns a SetupError into one
line and exit status 2, and the long-lived ``lintnews lsp``, which shows it to the user and
keeps the last good setup. Nothing here prints or exits.
"""

from __future__ import annotations

from pathlib import Path


class SetupError(Exception):
    """A configuration, rule pack or house list that cannot be used; one line for the user."""


def load_settings(config_path: str | Path | None = None, start: Path | None = None):
    """The Config of ``config_path``, else of the file found upward from ``start`` (default:
    the current directory), else the defaults."""
    from .config import Config, ConfigError, find_config, load_config

    try:
        path = Path(config_path) if config_path else find_config(start)
        return load_config(path) if path else Config()
    except ConfigError as exc:
        raise SetupError(str(exc)) from None


def build_linter(cfg, *, extra_rules=(), select=(), ignore=(), names=(), dialect=None):
    """The Linter a config (plus command-line additions) describes. Raises SetupError."""
    from .document import DEFAULT_SKIP_PATTERNS
    from .engine import Linter
    from .kinds.base import RuleError
    from .loader import default_packs_dir, load_rules

    paths = ([default_packs_dir()] if cfg.default_rules else []) + list(cfg.rules) + [Path(p) for p in extra_rules]
    try:
        rules = load_rules(paths)
    except RuleError as exc:
        raise SetupError(str(exc)) from None
    if not rules:
        raise SetupError("no rules to run (default_rules is false and no 'rules' are configured)")
    _check_selectors(rules, cfg, select, ignore)
    return Linter(
        rules,
        select=list(select) or cfg.select,
        ignore=list(ignore) + cfg.ignore,
        severities=cfg.severity,
        allow=cfg.allow,
        skip_patterns=DEFAULT_SKIP_PATTERNS + tuple(cfg.skip),
        names_files=list(names) + cfg.names,
        starter_names=cfg.starter_names,
        dialect=dialect or cfg.dialect,
    )


def _check_selectors(rules, cfg, select, ignore) -> None:
    """A rule id or prefix that matches no rule is a typo: an error naming where it was
    written (the flag, or the config file and key), never silently nothing."""
    from .engine import selector_matches

    def matches(selector: str) -> bool:
        return any(selector_matches(r.id, selector) for r in rules)

    hint = "('lintnews rules' lists them)"
    for flag, values in (("--select", select), ("--ignore", ignore)):
        for selector in values:
            if not matches(selector):
                raise SetupError(f"{flag} '{selector}' matches no rule {hint}")
    checks = [("select", s) for s in ([] if select else cfg.select)] + [("ignore", s) for s in cfg.ignore]
    checks += [("severity", s) for s in cfg.severity]
    for key, selector in checks:
        if not matches(selector):
            raise SetupError(f"{cfg.where(key)}: {key} '{selector}' matches no rule {hint}")


def check_house_names(linter) -> None:
    """Read the house lists now, so a broken one is one clear error before any file is
    linted (not an error per file). Raises SetupError."""
    if not any(r.id.startswith("names.") for r in linter.rules):
        return
    try:
        from .housenames import HouseNamesError, load_house_names
    except ImportError:  # names family not installed in this build
        return
    try:
        load_house_names(linter.ctx.names_files, linter.ctx.starter_names)
    except HouseNamesError as exc:
        raise SetupError(str(exc)) from None


FIX_HOW = {"safe": "lintnews check --fix applies it", "unsafe": "applied only with --fix --unsafe-fixes"}


def explain_parts(rule, linter) -> dict:
    """What ``lintnews explain`` shows of a rule, as parts a front end lays out (the
    command, the language server's hover, the HTML report's rule panel)."""
    severity = linter.severity_of(rule)
    description = rule.description or ""
    fix = getattr(rule, "fix", None)  # None, "safe" or "unsafe"
    return {
        "id": rule.id,
        "kind": rule.kind,
        "severity": severity,
        "scope": rule.scope,
        "heading": f"{rule.id}  ({rule.kind}, {severity}, scope: {rule.scope})",
        "message": rule.message,
        "description": description,
        "summary": (description.splitlines() or [rule.message])[0],  # the description's first line
        "rationale": "\n".join(description.splitlines()[1:]).strip(),  # and the rest
        "sources": list(rule.sources or ()),
        "link": rule.link or "",
        "fix": fix,
        "fix_how": FIX_HOW.get(fix or "", ""),
        "fix_examples": list(getattr(rule.examples, "fixes", ())),
        "flag": list(rule.examples.flag),
        "pass": list(rule.examples.passing),
        "location": str(rule.location),
    }
