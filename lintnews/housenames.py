"""House lists of names: the spellings a newsroom has chosen, indexed for fast look-up.

A house list is a file the newsroom writes (``--names FILE`` or ``names:`` in config), or
the starter list shipped with lintnews (``rules/names/house-names.txt``: world leaders,
ministers and figures frequent in international news, in wire-service spellings).

Formats:

* ``.txt`` (and any other suffix): one canonical name per line; ``#`` starts a comment
  (at the start of a line or after a space); blank lines are ignored.
* ``.yaml`` / ``.yml``: a mapping of canonical name to known variants (a variant, a list
  of variants, or nothing)::

      Moammar Gadhafi: [Muammar Qaddafi, Muammar al-Gaddafi]
      Volodymyr Zelenskyy:

Variants that only differ by transliteration (dh/d, kh/k, q/k, ou/u, ee/i, y/i, doubled
letters, hyphens and spaces, al-/el-, accents) need not be listed: every name is indexed
by a normalised key that already makes them equal. List a variant only when its key
differs (Qaddafi and Gadhafi).

Precedence: the lists are given in order, the newsroom's own first and the starter list
last; a name whose key an earlier list already holds is skipped, so where a newsroom list
and the starter list disagree ("Zelensky" or "Zelenskyy") the newsroom's list wins.

Speed: look-ups go through dictionaries keyed by normalised keys (the whole name, and the
name with one word left out for one-letter slips), never a scan of the list, so a list of
10,000 names costs one dictionary build per run. Loading is cached per process by file
path, size and modification time, so a CLI that validates the lists at start-up and a
rule that uses them later read each file once.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlio

MAX_NAME_CHARS = 200

# --- normalised keys ------------------------------------------------------------

# Letters NFKD does not take apart.
_SPECIAL = str.maketrans(
    {
        "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th",
        "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ħ": "h",
        "’": "", "'": "", "‘": "", "`": "", "ʼ": "", "ʻ": "", "ʿ": "", "ʾ": "", "´": "",
        "-": "", "‐": "", "‑": "", "–": "", ".": "",
    }
)
_DOUBLE_RE = re.compile(r"(.)\1+")
# An h that is neither the start of a word nor part of ch/sh/th/ph/zh/kh/dh/gh and is not
# followed by a vowel is silent in the spellings that matter (Dehghan/Deghan, Abdullah/Abdulla).
_SILENT_H_RE = re.compile(r"(?<=[aeiouy])h(?![aeiouy])")
_KEY_CACHE: dict[str, str] = {}

# Particles that are part of a surname but not of its key: al-Assad = Assad.
ARTICLE_PARTICLES = frozenset({"al", "el", "ul", "ad", "as", "ash", "at", "az", "an", "ar"})
# Particles that join name words ("bin", "van", "de"): part of the name and of its key.
JOINING_PARTICLES = frozenset(
    {"bin", "ibn", "bint", "ben", "abu", "abd", "van", "von", "der", "den", "de", "del", "della", "di", "da",
     "dos", "das", "du", "la", "le", "ter", "ten", "y", "e", "bu", "ould", "ag", "mac"}
)


def strip_accents(text: str) -> str:
    text = text.translate(_SPECIAL)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def word_key(word: str) -> str:
    """The transliteration-blind key of one name word.

    Erdoğan = Erdogan, Dehghan = Deghan, Khaled = Kaled, Qassem = Kassem = Qasem,
    Youssef = Yusef, Sheerin = Shirin, Zelenskyy = Zelensky = Zelenskiy, Alexei = Aleksei,
    Jong-un = Jongun.
    """
    key = _KEY_CACHE.get(word)
    if key is not None:
        return key
    k = strip_accents(word).lower()
    k = k.replace("dh", "d").replace("kh", "k").replace("gh", "g").replace("q", "k").replace("x", "ks")
    k = k.replace("ck", "k").replace("ou", "u").replace("oo", "u").replace("ee", "i")
    if len(k) > 1:
        k = k[0] + k[1:].replace("y", "i")
    k = _SILENT_H_RE.sub("", k)
    k = _DOUBLE_RE.sub(r"\1", k)
    if len(_KEY_CACHE) < 200_000:
        _KEY_CACHE[word] = k
    return k


# A name as written: words separated by spaces or hyphens; ' and . kept inside words.
_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*\.?")


def name_words(name: str) -> list[str]:
    """The words of a written name: "Kim Jong-un" -> [Kim, Jong-un] (a hyphen keeps a
    compound together); "Bashar al-Assad" -> [Bashar, al-Assad]."""
    words = []
    for chunk in name.split():
        parts = [p for p in re.split(r"[-‐‑]", chunk) if p]
        if not parts:
            continue
        words.append("-".join(parts))
    return words


def unit_key(word: str) -> str:
    """Key of one written name word, compounds and article particles included:
    al-Assad -> asad, Jong-un -> jongun, El-Sisi -> sisi."""
    parts = [p for p in re.split(r"[-‐‑\s]+", word) if p]
    if len(parts) > 1 and strip_accents(parts[0]).lower() in ARTICLE_PARTICLES:
        parts = parts[1:]
    return word_key("".join(parts))


def name_keys(name: str) -> tuple[str, ...]:
    """Keys of the words of a name, with stand-alone article particles dropped
    ("Bashar al Assad" = "Bashar al-Assad" = "Bashar Assad"), and compounds spelt with a
    hyphen or a space made equal by the caller comparing ``compact``."""
    out = []
    for w in name_words(name):
        if strip_accents(w).lower().rstrip(".") in ARTICLE_PARTICLES and "-" not in w:
            continue
        out.append(unit_key(w))
    return tuple(k for k in out if k)


def compact(keys) -> str:
    return "".join(keys)


def surface_of(name: str) -> str:
    """How a name is spelt, for comparing spellings: case and spacing ignored, hyphens,
    particles, accents and letters kept."""
    return " ".join(name.replace("’", "'").split()).lower()


# --- the house list ---------------------------------------------------------------


class HouseNamesError(Exception):
    """A house list of names cannot be used. The message names the file (and line)."""

    def __init__(self, message: str, path: str = "", line: int | None = None, column: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        where = path
        if path and line:
            where += f":{line}"
            if column:
                where += f":{column}"
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class HouseName:
    canonical: str  # as the house spells it
    source: str  # file:line it came from
    words: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()


@dataclass
class HouseNames:
    """The merged house lists, indexed by normalised key. Build with ``load_house_names``."""

    files: tuple[str, ...] = ()
    raw: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)  # (canonical, variants, where)
    _built: bool = False

    def __len__(self) -> int:
        return len(self.raw)

    # Built lazily: a run that loads the list but never lints a name pays only the parse.
    def _build(self) -> None:
        self.by_compact: dict[str, tuple[HouseName, frozenset[str]]] = {}
        self.by_word_count: dict[tuple[int, str], list[tuple[HouseName, int]]] = {}
        self.surnames: dict[str, dict[str, HouseName]] = {}
        self.house_surfaces: set[str] = set()  # every word of every canonical name, lower-cased
        self.entries: list[HouseName] = []
        for canonical, variants, where in self.raw:
            keys = name_keys(canonical)
            if not keys:
                continue
            ckey = compact(keys)
            if ckey in self.by_compact:  # an earlier (higher-precedence) list has this name
                continue
            entry = HouseName(canonical, where, tuple(name_words(canonical)), keys)
            self.entries.append(entry)
            self.by_compact[ckey] = (entry, frozenset({surface_of(canonical)}))
            for w in entry.words:
                self.house_surfaces.add(surface_of(w))
            if len(keys) >= 2:
                # One word left out: a slip in that word still finds the entry through the others.
                for i in range(len(keys)):
                    rest = keys[:i] + ("*",) + keys[i + 1 :]
                    self.by_word_count.setdefault((len(keys), " ".join(rest)), []).append((entry, i))
                last = entry.words[-1]
                self.surnames.setdefault(keys[-1], {}).setdefault(surface_of(last), entry)
            for variant in variants:
                vkeys = name_keys(variant)
                if not vkeys:
                    continue
                vkey = compact(vkeys)
                if vkey not in self.by_compact:
                    self.by_compact[vkey] = (entry, frozenset())
                if len(vkeys) == 1 and len(keys) >= 2:
                    # A one-word variant is a variant of the surname (Qaddafi -> Gadhafi).
                    self.surnames.setdefault(vkeys[0], {}).setdefault("\0" + surface_of(variant), entry)
        self._built = True

    def ensure(self) -> "HouseNames":
        if not self._built:
            self._build()
        return self

    def lookup(self, keys: tuple[str, ...]) -> HouseName | None:
        """The entry whose key equals ``keys`` (a name spelt with the same letters, give or
        take transliteration), or None."""
        self.ensure()
        hit = self.by_compact.get(compact(keys))
        return hit[0] if hit else None

    def near(self, keys: tuple[str, ...]) -> list[tuple[HouseName, int]]:
        """Entries with as many words as ``keys`` that agree on all words but one:
        (entry, index of the word that differs)."""
        self.ensure()
        out = []
        for i in range(len(keys)):
            rest = keys[:i] + ("*",) + keys[i + 1 :]
            out.extend(self.by_word_count.get((len(keys), " ".join(rest)), ()))
        return out

    def surname(self, key: str) -> dict[str, HouseName]:
        """Surnames (last words) of listed names with this key: {spelling: entry}. A
        spelling starting with NUL is a listed variant, not a house spelling."""
        self.ensure()
        return self.surnames.get(key, {})

    def is_house_word(self, word: str) -> bool:
        self.ensure()
        return surface_of(word) in self.house_surfaces


def starter_names_path() -> Path:
    """The shipped starter list: ``packs/names/house-names.txt`` when installed, else ``rules/``."""
    from .loader import default_packs_dir

    return default_packs_dir() / "names" / "house-names.txt"


def _read_text(path: str) -> str:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise HouseNamesError("names file not found", path) from None
    except IsADirectoryError:
        raise HouseNamesError("is a directory, not a names file", path) from None
    except OSError as exc:
        raise HouseNamesError(f"cannot read names file: {exc.strerror or exc}", path) from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise HouseNamesError("not a text file (it contains NUL bytes)", path, line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise HouseNamesError("names file is not valid UTF-8", path, line) from None


def _check_name(name: str, path: str, line: int, column: int | None = None) -> str:
    name = " ".join(name.split())
    if len(name) > MAX_NAME_CHARS:
        raise HouseNamesError(f"a name is longer than {MAX_NAME_CHARS} characters", path, line, column)
    if not any(c.isalpha() for c in name):
        raise HouseNamesError(f"'{name}' is not a name (it has no letters)", path, line, column)
    if any(c.isdigit() for c in name) or any(c in "<>{}[]|=;:\\/@" for c in name):
        raise HouseNamesError(f"'{name}' is not a name (one name a line; no digits or markup)", path, line, column)
    return name


_COMMENT_RE = re.compile(r"(?:^|\s)#.*$")


def parse_text_list(text: str, path: str) -> list[tuple[str, tuple[str, ...], str]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = _COMMENT_RE.sub("", line).strip()
        if not line:
            continue
        out.append((_check_name(line, path, n), (), f"{path}:{n}"))
    return out


def parse_yaml_list(text: str, path: str) -> list[tuple[str, tuple[str, ...], str]]:
    try:
        data = yamlio.load(text, path)
    except yamlio.YamlError as exc:
        raise HouseNamesError(exc.message, path, exc.line, exc.column) from None
    if data is None:
        return []
    out = []
    if isinstance(data, list):  # a plain list of canonical names is fine too
        for item, (line, col) in zip(data, data.item_marks):
            if not isinstance(item, str):
                raise HouseNamesError("each entry must be a name", path, line, col)
            out.append((_check_name(item, path, line, col), (), f"{path}:{line}"))
        return out
    if not isinstance(data, dict):
        line, col = yamlio.mark_of(data, (1, 1))
        raise HouseNamesError(
            "a YAML names file maps each canonical name to its known variants", path, line, col
        )
    for key, value in data.items():
        line, col = data.key_marks[key]
        if not isinstance(key, str):
            raise HouseNamesError(f"'{key}' is not a name", path, line, col)
        canonical = _check_name(key, path, line, col)
        vline, vcol = data.value_marks[key]
        if value is None:
            variants: list[str] = []
        elif isinstance(value, str):
            variants = [value]
        elif isinstance(value, list):
            variants = []
            for item, (iline, icol) in zip(value, value.item_marks):
                if not isinstance(item, str):
                    raise HouseNamesError(f"variants of '{canonical}' must be names", path, iline, icol)
                variants.append(_check_name(item, path, iline, icol))
            out.append((canonical, tuple(variants), f"{path}:{line}"))
            continue
        else:
            raise HouseNamesError(
                f"variants of '{canonical}' must be a name or a list of names", path, vline, vcol
            )
        out.append((canonical, tuple(_check_name(v, path, vline, vcol) for v in variants), f"{path}:{line}"))
    return out


def parse_file(path: str) -> list[tuple[str, tuple[str, ...], str]]:
    text = _read_text(path)
    if str(path).lower().endswith((".yaml", ".yml")):
        return parse_yaml_list(text, str(path))
    return parse_text_list(text, str(path))


_LOADED: dict[tuple, HouseNames] = {}


def _stamp(path: str):
    try:
        st = os.stat(path)
        return (st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def load_house_names(files, starter: bool = True) -> HouseNames:
    """Read the newsroom's lists (in order of precedence) and, if ``starter``, the shipped
    starter list after them. Raises HouseNamesError naming the file and line of a bad list."""
    paths = [str(f) for f in files]
    if starter:
        paths.append(str(starter_names_path()))
    cache_key = tuple((p, _stamp(p)) for p in paths)
    hit = _LOADED.get(cache_key)
    if hit is not None:
        return hit
    raw: list[tuple[str, tuple[str, ...], str]] = []
    for p in paths:
        raw.extend(parse_file(p))
    names = HouseNames(tuple(paths), raw)
    if len(_LOADED) > 16:
        _LOADED.clear()
    _LOADED[cache_key] = names
    return names
