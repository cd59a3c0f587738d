"""Find, read, validate and compile rule packs.

A pack file is YAML holding either one rule (a mapping with ``id``) or a mapping with a
``rules:`` list (and optionally a ``description``). Every problem is reported as
``file:line:column: message``; nothing half-loaded is ever used.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import yamlio
from .kinds import KINDS, kind_class
from .kinds.base import Rule, RuleError, RuleSpec, validate_common

PACK_SUFFIXES = (".yaml", ".yml")
PACK_FILE_KEYS = {"rules", "description"}


def default_packs_dir() -> Path:
    """The shipped packs: ``lintnews/packs`` when installed, ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "packs"
    if installed.is_dir():
        return installed
    return here.parent / "rules"


def pack_files(path: Path) -> list[Path]:
    if path.is_dir():
        found = []
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            for name in sorted(files):
                if name.endswith(PACK_SUFFIXES) and not name.startswith("."):
                    found.append(Path(root) / name)
        return found
    return [path]


def read_rule_specs(path: Path) -> list[RuleSpec]:
    shown = str(path)
    text = yamlio.read_text(path, "rule file", RuleError)
    try:
        data = yamlio.load(text, shown)
    except yamlio.YamlError as exc:
        raise RuleError(exc.message, shown, exc.line, exc.column) from None
    if data is None:
        raise RuleError("rule file is empty", shown)
    if isinstance(data, dict) and "id" in data:
        return [RuleSpec(data, shown, data.mark)]
    if isinstance(data, dict) and "rules" in data:
        for key in data:
            if key not in PACK_FILE_KEYS:
                line, col = data.key_marks[key]
                raise RuleError(f"unknown key '{key}' in a pack file (known keys: description, rules)", shown, line, col)
        items = data["rules"]
    elif isinstance(data, list):
        items = data
    else:
        line, col = yamlio.mark_of(data, (1, 1))
        raise RuleError("a rule file holds one rule (with 'id') or a 'rules:' list of rules", shown, line, col)
    if not isinstance(items, list):
        line, col = yamlio.mark_of(items, (1, 1))
        raise RuleError("'rules' must be a list of rules", shown, line, col)
    specs = []
    for item in items:
        if not isinstance(item, dict):
            line, col = yamlio.mark_of(item, (1, 1))
            raise RuleError("each entry of 'rules' must be a mapping (a rule)", shown, line, col)
        specs.append(RuleSpec(item, shown, item.mark))
    return specs


def build_rule(spec: RuleSpec) -> Rule:
    data = spec.data
    kind = data.get("kind")
    if kind not in KINDS:
        known = ", ".join(sorted(KINDS))
        if kind is None:
            raise spec.error(f"missing required key 'kind' (one of: {known})")
        raise spec.error(f"unknown kind '{kind}' (known kinds: {known})", "kind", kind)
    cls = kind_class(kind)
    validate_common(spec, cls.FIELDS, cls.FIXABLE)
    return cls(spec)


def load_rules(paths: list[Path], use_cache: bool = True) -> list[Rule]:
    """Load every rule under ``paths`` (files or directories). Raises RuleError.

    Compiled rules are cached (see ``cache``), keyed on the content of every rule file,
    of every file they read (``lists:``) and of lintnews's code: a pre-commit hook should
    not parse thousands of phrases of YAML on every commit, and must never run stale rules.
    """
    files: list[Path] = []
    for root in paths:
        if not root.exists():
            raise RuleError("rule path not found", str(root))
        files.extend(pack_files(root))
    for path in files:  # refused before anything is read, hashed or compiled
        yamlio.check_size(path, "rule file", RuleError)
    if not use_cache:
        return _compile_files(files)
    from . import cache

    def is_rules(value) -> bool:
        return isinstance(value, list) and all(isinstance(r, Rule) for r in value)

    return cache.get_or_build("rules", files, lambda: _compile_files(files), is_rules)


def _compile_files(files: list[Path]) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for path in files:
        for spec in read_rule_specs(path):
            rule = build_rule(spec)
            if rule.id in seen:
                first = seen[rule.id]
                raise spec.error(f"duplicate rule id '{rule.id}' (first defined at {first.location})", "id")
            seen[rule.id] = rule
            rules.append(rule)
    by_kind: dict[type, list[Rule]] = {}
    for rule in rules:
        by_kind.setdefault(type(rule), []).append(rule)
    for kind, group in by_kind.items():
        kind.compiled_together(group)
    return rules
