"""Finding and reading configuration.

Looked for upward from the current directory; the first directory that has one wins:
``.lintnews.yaml`` (or ``.lintnews.yml``), ``[tool.lintnews]`` in ``pyproject.toml``, or
``[lintnews]`` in ``setup.cfg``. Paths in a config file are relative to that file.
Command-line flags win over the file. Unknown keys are errors that name the file and key.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import rx
from . import yamlio
from .finding import SEVERITIES

CONFIG_NAMES = (".lintnews.yaml", ".lintnews.yml", "pyproject.toml", "setup.cfg")

KEYS = {
    "rules": "extra rule files or directories, added to the shipped packs",
    "default_rules": "use the shipped packs (true) or only the rules you list (false)",
    "select": "rule ids or prefixes to run (default: all)",
    "ignore": "rule ids or prefixes not to run",
    "severity": "mapping of rule id or prefix to error, warning or suggestion",
    "fail_on": "lowest severity that makes the run fail: error, warning or suggestion",
    "names": "house lists of names (text or YAML files)",
    "starter_names": "also use the starter house list shipped with lintnews (default true)",
    "skip": "extra regular expressions for lines that are page debris, not the article",
    "exclude": "glob patterns of paths not to lint",
    "allow": "words or phrases never to flag (an editor's exceptions to the packs)",
    "dialect": "spelling of messages and suggestions: en-US (default) or en-GB",
}
LIST_KEYS = ("rules", "select", "ignore", "names", "skip", "exclude", "allow")
BOOL_KEYS = ("default_rules", "starter_names")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class ConfigError(Exception):
    pass


class Config:
    """Settings from a config file (or the defaults). ``origin``: where each key was set
    ("file:line:column", or the file), for errors found later (a selector that matches no
    rule is only known once the rules are loaded)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.rules: list[Path] = []
        self.default_rules = True
        self.select: list[str] = []
        self.ignore: list[str] = []
        self.severity: dict[str, str] = {}
        self.fail_on = "warning"
        self.names: list[str] = []
        self.starter_names = True
        self.skip: list[str] = []
        self.exclude: list[str] = []
        self.allow: list[str] = []
        self.dialect = "en-US"
        self.origin: dict[str, str] = {}

    def where(self, key: str) -> str:
        return self.origin.get(key) or (str(self.path) if self.path else "config")


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and _has_section(candidate):
                return candidate
    return None


# A section header that names lintnews, even a malformed one ("[lintnews", "[tool.lintnews"):
# such a file is the config, and its mistake is reported rather than the file skipped.
_INI_HEADER_RE = rx.compile(r"^[ \t]*\[[^\n]*\blintnews\b", re.MULTILINE)
_TOML_HEADER_RE = rx.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*[\"']?lintnews\b", re.MULTILINE)


def _has_section(path: Path) -> bool:
    if path.name.startswith(".lintnews"):
        return True
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if path.name == "pyproject.toml":
        return _TOML_HEADER_RE.search(text) is not None
    return _INI_HEADER_RE.search(text) is not None


def _read_config_bytes(path: Path, shown: str) -> bytes:
    """A config file's bytes: a regular file of at most MAX_FILE_BYTES (``--config
    /dev/zero`` was read until memory ran out)."""
    import stat

    from .yamlio import MAX_FILE_BYTES

    if str(path) == os.devnull:  # --config /dev/null: no settings, as in other tools
        return b""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{shown}: not a regular file, so not a config file")
    with open(path, "rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{shown}: config file is over {MAX_FILE_BYTES // 1_000_000} MB; a config is a few lines")
    return raw


def load_config(path: Path) -> Config:
    """Read one config file. Raises ConfigError naming the file (and line, for YAML)."""
    shown = str(path)
    try:
        text = _read_config_bytes(path, shown).decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read config file: {exc}") from None
    marks: dict = {}
    if path.name == "pyproject.toml":
        data = _toml_section(text, shown)
    elif path.suffix in (".cfg", ".ini"):
        data = _ini_section(text, shown)
    else:
        try:
            data = yamlio.load(text, shown)
        except yamlio.YamlError as exc:
            raise ConfigError(str(exc)) from None
        if data is None:  # empty, or only comments: no settings
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(f"{shown}: the config must be a mapping of settings")
        marks = getattr(data, "key_marks", {})
    return _build(data, path, marks)


def _toml_section(text: str, shown: str) -> dict:
    try:
        import tomllib  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise ConfigError(f"{shown}: reading pyproject.toml on Python 3.10 needs tomli (pip install tomli)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    section = data.get("tool", {}).get("lintnews", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{shown}: [tool.lintnews] must be a table")
    return section


def _ini_section(text: str, shown: str) -> dict:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=shown)
    except configparser.MissingSectionHeaderError as exc:
        raise ConfigError(f"{shown}:{exc.lineno}: not a section header or a setting: {exc.line.strip()!r}") from None
    except configparser.ParsingError as exc:
        lineno, line = exc.errors[0]
        if line[:1] in "'\"":  # Python 3.11+ stores the line's repr
            import ast

            try:
                line = ast.literal_eval(line)
            except (ValueError, SyntaxError):
                pass
        raise ConfigError(f"{shown}:{lineno}: not a section header or a setting: {line.strip()!r}") from None
    except configparser.Error as exc:
        raise ConfigError(f"{shown}: invalid config: {' '.join(str(exc).split())}") from None
    for section in parser.sections():
        if section != "lintnews" and section.strip(" []").lower() == "lintnews":
            raise ConfigError(f"{shown}: malformed section header [{section}]: write [lintnews]")
    if not parser.has_section("lintnews"):
        return {}
    data: dict = {}
    for key, value in parser.items("lintnews"):
        if key in LIST_KEYS:
            data[key] = [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
        elif key in BOOL_KEYS:
            word = value.strip().lower()
            if word not in TRUE_WORDS + FALSE_WORDS:
                raise ConfigError(f"{shown}: [lintnews] '{key}' must be true or false, not '{value.strip()}'")
            data[key] = word in TRUE_WORDS
        elif key == "severity":
            pairs = [p for p in value.replace("\n", ",").split(",") if p.strip()]
            data[key] = {}
            for pair in pairs:
                if ":" not in pair and "=" not in pair:
                    raise ConfigError(f"{shown}: [lintnews] severity: write 'rule: level', got '{pair.strip()}'")
                k, _, v = pair.replace("=", ":", 1).partition(":")
                data[key][k.strip()] = v.strip()
        else:
            data[key] = value.strip()
    return data


def _build(data: dict, path: Path, marks: dict) -> Config:
    shown = str(path)

    def where(key: str) -> str:
        if key in marks:
            return f"{shown}:{marks[key][0]}:{marks[key][1]}"
        return shown

    cfg = Config(path=path)
    base = path.parent
    for key, value in data.items():
        cfg.origin[key] = where(key)
        if key not in KEYS:
            known = ", ".join(KEYS)
            raise ConfigError(f"{where(key)}: unknown config key '{key}' (known keys: {known})")
        if key in LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where(key)}: '{key}' must be a list of strings")
            if key in ("rules", "names"):
                resolved = [str(base / v) if not os.path.isabs(v) else v for v in value]
                setattr(cfg, key, [Path(v) for v in resolved] if key == "rules" else resolved)
            else:
                setattr(cfg, key, [str(v) for v in value])
        elif key in BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{where(key)}: '{key}' must be true or false")
            setattr(cfg, key, value)
        elif key == "dialect":
            from .dialect import DIALECTS

            if value not in DIALECTS:
                raise ConfigError(f"{where(key)}: 'dialect' must be one of {', '.join(DIALECTS)}, not '{value}'")
            cfg.dialect = value
        elif key == "fail_on":
            if value not in SEVERITIES:
                raise ConfigError(f"{where(key)}: 'fail_on' must be one of {', '.join(SEVERITIES)}")
            cfg.fail_on = value
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where(key)}: 'severity' must map rule ids or prefixes to a severity")
            for rule, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(
                        f"{where(key)}: severity of '{rule}' must be one of {', '.join(SEVERITIES)}, not '{level}'"
                    )
                cfg.severity[str(rule)] = str(level)
    if cfg.skip:
        import re

        for pattern in cfg.skip:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where('skip')}: skip pattern '{pattern}' does not compile: {exc}") from None
    return cfg
