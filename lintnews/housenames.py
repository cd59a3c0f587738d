"""House lists of names: the spellings a newsroom has chosen, indexed for fast look-up.

A house list is a file the newsroom writes (``--names FILE`` or ``names:`` in config), or
the starter list shipped with lintnews (``rules/_data/house-names.yaml``: world leaders,
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
10,000 names costs one dictionary build, cached with the lists' content as its key (see
``cache``), so a CLI that validates the lists at start-up and a rule that uses them later
build it once, and later runs not at all.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from . import rx
from . import yamlio
from .yamlio import LocatedError

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
_DOUBLE_RE = rx.compile(r"(.)\1+")
# An h that is neither the start of a word nor part of ch/sh/th/ph/zh/kh/dh/gh and is not
# followed by a vowel is silent in the spellings that matter (Dehghan/Deghan, Abdullah/Abdulla).
_SILENT_H_RE = rx.compile(r"(?<=[aeiouy])h(?![aeiouy])")
_KEY_CACHE: dict[str, str] = {}
KEY_CACHE_CAP = 30_000  # keys kept from story to story (some 150 bytes each)

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


def word_key(word: str, memo: dict | None = None) -> str:
    """The transliteration-blind key of one name word.

    Erdoğan = Erdogan, Dehghan = Deghan, Khaled = Kaled, Qassem = Kassem = Qasem,
    Youssef = Yusef, Sheerin = Shirin, Zelenskyy = Zelensky = Zelenskiy, Alexei = Aleksei,
    Jong-un = Jongun.

    Keys are remembered in ``_KEY_CACHE`` (shared from story to story, up to a bound) or,
    given ``memo``, there (a long story's own, which reads the shared one too).
    """
    key = _KEY_CACHE.get(word)
    if key is not None:
        return key
    if memo is not None:
        key = memo.get(word)
        if key is not None:
            return key
    k = strip_accents(word).lower()
    k = k.replace("dh", "d").replace("kh", "k").replace("gh", "g").replace("q", "k").replace("x", "ks")
    k = k.replace("ck", "k").replace("ou", "u").replace("oo", "u").replace("ee", "i")
    if len(k) > 1:
        k = k[0] + k[1:].replace("y", "i")
    if len(k) >= 6:  # not in short names: John is not Jon
        k = _SILENT_H_RE.sub("", k)
    k = _DOUBLE_RE.sub(r"\1", k)
    if memo is not None:
        memo[word] = k
    elif len(_KEY_CACHE) < KEY_CACHE_CAP:
        _KEY_CACHE[word] = k
    return k




_HYPHENS = str.maketrans({"‐": "-", "‑": "-"})


def name_words(name: str) -> list[str]:
    """The words of a written name: "Kim Jong-un" -> [Kim, Jong-un] (a hyphen keeps a
    compound together); "Bashar al-Assad" -> [Bashar, al-Assad]."""
    if "-" not in name and "‐" not in name and "‑" not in name:
        return name.split()
    words = []
    for chunk in name.translate(_HYPHENS).split():
        parts = [p for p in chunk.split("-") if p]
        if parts:
            words.append("-".join(parts))
    return words


def unit_key(word: str, memo: dict | None = None) -> str:
    """Key of one written name word, compounds and article particles included:
    al-Assad -> asad, Jong-un -> jongun, El-Sisi -> sisi. ``memo``: see ``word_key``."""
    if "-" not in word and "‐" not in word and "‑" not in word and " " not in word:
        return word_key(word, memo)
    parts = [p for p in re.split(r"[-‐‑\s]+", word) if p]
    if len(parts) > 1 and strip_accents(parts[0]).lower() in ARTICLE_PARTICLES:
        parts = parts[1:]
    return word_key("".join(parts), memo)


def _is_article_word(w: str) -> bool:
    return len(w) <= 4 and "-" not in w and strip_accents(w).lower().rstrip(".") in ARTICLE_PARTICLES


def name_keys(name: str, words: list[str] | None = None) -> tuple[str, ...]:
    """Keys of the words of a name, with stand-alone article particles dropped
    ("Bashar al Assad" = "Bashar al-Assad" = "Bashar Assad"), and compounds spelt with a
    hyphen or a space made equal by the caller comparing ``compact``."""
    out = []
    for w in name_words(name) if words is None else words:
        if _is_article_word(w):
            continue
        k = unit_key(w)
        if k:
            out.append(k)
    return tuple(out)


_SPECIAL_KEEP_HYPHEN = {k: v for k, v in _SPECIAL.items() if chr(k) not in "-‐‑–"}
_ARTICLE_ALT = "|".join(sorted(ARTICLE_PARTICLES, key=lambda w: (-len(w), w)))  # one text every run: rx keeps it
_BULK_ARTICLE_WORD_RE = rx.compile(rf"(?<!\S)(?:{_ARTICLE_ALT})(?!\S)")
_BULK_ARTICLE_HEAD_RE = rx.compile(rf"(?<!\S)(?:{_ARTICLE_ALT})-+(?=[^\s-])")
_BULK_Y_RE = rx.compile(r"(?<=\S)y")
_BULK_LONG_H_RE = rx.compile(r"\S*h\S*")


def _silent_h_long(m: re.Match) -> str:
    w = m.group()
    return _SILENT_H_RE.sub("", w) if len(w) >= 6 else w


def bulk_name_keys(names: list[str]) -> list[tuple[str, ...]]:
    """``name_keys`` of many names at once: the same steps as ``word_key``, applied to the
    whole list as one string, so a list of 10,000 names is keyed in milliseconds."""
    if not names:
        return []
    text = "\n".join(" ".join(n.split()) for n in names).translate(_HYPHENS)
    text = text.translate(_SPECIAL_KEEP_HYPHEN)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.lower()
    text = _BULK_ARTICLE_HEAD_RE.sub("", text)
    text = _BULK_ARTICLE_WORD_RE.sub("", text)
    text = text.replace("-", "")
    text = text.replace("dh", "d").replace("kh", "k").replace("gh", "g").replace("q", "k").replace("x", "ks")
    text = text.replace("ck", "k").replace("ou", "u").replace("oo", "u").replace("ee", "i")
    text = _BULK_Y_RE.sub("i", text)
    text = _BULK_LONG_H_RE.sub(_silent_h_long, text)
    text = _DOUBLE_RE.sub(r"\1", text)
    return [tuple(line.split()) for line in text.split("\n")]


def surface_of(name: str) -> str:
    """How a name is spelt, for comparing spellings: case and spacing ignored, hyphens,
    particles, accents and letters kept."""
    return " ".join(name.replace("’", "'").split()).lower()


# --- the house list ---------------------------------------------------------------


class HouseNamesError(LocatedError):
    """A house list of names cannot be used. The message names the file (and line)."""

    def __str__(self) -> str:
        return super().__str__() if self.path else self.message


# Plain classes, not dataclasses: ``dataclasses`` imports ``inspect`` (~10 ms a run), and
# every check that lints names imports this module.
class HouseName:
    __slots__ = ("canonical", "source", "words", "keys")

    def __init__(self, canonical: str, source: str, words: tuple[str, ...] = (), keys: tuple[str, ...] = ()):
        self.canonical = canonical  # as the house spells it
        self.source = source  # file:line it came from
        self.words = words
        self.keys = keys


class HouseNames:
    """The merged house lists, indexed by normalised key. Build with ``load_house_names``."""

    def __init__(self, files: tuple[str, ...] = (), raw: list[tuple[str, tuple[str, ...], str]] | None = None):
        self.files = files
        self.raw = [] if raw is None else raw  # (canonical, variants, where)
        self._built = False

    def __len__(self) -> int:
        return len(self.raw)

    # Built lazily: a run that loads the list but never lints a name pays only the parse.
    def _build(self) -> None:
        self.by_compact: dict[str, int] = {}  # compact key -> entry number
        self.by_edge: dict[tuple[int, int, str], list[int]] = {}  # (words, 0 or -1, key) -> entries
        self.surnames: dict[str, dict[str, int]] = {}  # key -> {house spelling: entry number}
        self.variant_words: dict[str, int] = {}  # one-word listed variants (Qaddafi)
        self.house_surfaces: set[str] = set()  # every word of every canonical name, lower-cased
        self._keys: list[tuple[str, ...]] = []
        self._rows: list[int] = []
        self._entries: dict[int, HouseName] = {}
        raw = self.raw
        all_keys = bulk_name_keys([r[0] for r in raw])
        by_compact = self.by_compact
        by_edge = self.by_edge
        surnames = self.surnames
        for row, keys in enumerate(all_keys):
            if not keys:
                continue
            ckey = "".join(keys)
            if ckey in by_compact:  # an earlier (higher-precedence) list has this name
                continue
            n = len(self._keys)
            self._keys.append(keys)
            self._rows.append(row)
            by_compact[ckey] = n
            nk = len(keys)
            if nk >= 2:
                by_edge.setdefault((nk, 0, keys[0]), []).append(n)
                by_edge.setdefault((nk, -1, keys[-1]), []).append(n)
            last = _bare_lower(raw[row][0].rsplit(None, 1)[-1].lower().replace("’", "'"))
            spellings = surnames.get(keys[-1])
            if spellings is None:
                surnames[keys[-1]] = {last: n}
            elif last not in spellings:
                spellings[last] = n
        # Every word of every listed name, for "is this spelling itself a house spelling?"
        text = "\n".join(raw[row][0] for row in self._rows).replace("’", "'").lower()
        self.house_surfaces = {_bare_lower(w) for w in set(text.split())}
        for n, keys in enumerate(self._keys):
            variants = raw[self._rows[n]][1]
            for variant in variants:
                vkeys = name_keys(variant)
                if not vkeys:
                    continue
                if len(vkeys) == 1 and len(keys) >= 2:
                    # A one-word variant is a variant of the surname (Qaddafi -> Gadhafi).
                    self.variant_words.setdefault(vkeys[0], n)
                else:
                    by_compact.setdefault("".join(vkeys), n)
        self._built = True

    def entry(self, n: int) -> HouseName:
        e = self._entries.get(n)
        if e is None:
            canonical, _variants, where = self.raw[self._rows[n]]
            words = tuple(w for w in name_words(canonical) if not _is_article_word(w))
            e = HouseName(canonical, where, words, self._keys[n])
            self._entries[n] = e
        return e

    def ensure(self) -> "HouseNames":
        if not self._built:
            self._build()
        return self

    def lookup(self, keys: tuple[str, ...]) -> HouseName | None:
        """The entry whose key equals ``keys`` (a name spelt with the same letters, give or
        take transliteration, or a listed variant), or None."""
        self.ensure()
        n = self.by_compact.get("".join(keys))
        return None if n is None else self.entry(n)

    def near(self, keys: tuple[str, ...]) -> list[tuple[HouseName, int]]:
        """Entries with as many words as ``keys`` that agree on every word but one:
        (entry, index of the word that differs)."""
        self.ensure()
        nk = len(keys)
        if nk < 2:
            return []
        first = self.by_edge.get((nk, 0, keys[0]))
        last = self.by_edge.get((nk, -1, keys[-1]))
        if first is None and last is None:  # most names the story writes are not listed
            return []
        out = []
        seen = set()
        for n in (first or []) + (last or []):
            if n in seen:
                continue
            seen.add(n)
            listed = self._keys[n]
            diff = [i for i in range(nk) if listed[i] != keys[i]]
            if len(diff) == 1:
                out.append((self.entry(n), diff[0]))
        return out

    def surname_spellings(self, key: str) -> dict[str, HouseName]:
        """House spellings of listed surnames with this key: {spelling: entry}."""
        self.ensure()
        return {s: self.entry(n) for s, n in self.surnames.get(key, {}).items()}

    def variant_word(self, key: str) -> HouseName | None:
        self.ensure()
        n = self.variant_words.get(key)
        return None if n is None else self.entry(n)

    def is_house_word(self, word: str) -> bool:
        self.ensure()
        return bare_surface(word) in self.house_surfaces


def bare_surface(word: str) -> str:
    """A word's spelling without a leading article particle: al-Assad -> assad."""
    return _bare_lower(surface_of(word))


def _bare_lower(s: str) -> str:
    if "-" in s:
        head, _sep, rest = s.partition("-")
        if rest and strip_accents(head) in ARTICLE_PARTICLES:
            return rest
    return s


def starter_names_path() -> Path:
    """The shipped starter list, ``_data/house-names.yaml`` in the packs folder (``rules/``
    in a checkout, ``lintnews/packs`` when installed; the rule loader skips ``_data``)."""
    from .loader import default_packs_dir

    return default_packs_dir() / "_data" / "house-names.yaml"


def _read_text(path: str) -> str:
    return yamlio.read_text(path, "names file", HouseNamesError)


_NOT_NAME_RE = rx.compile(r"[\d<>{}\[\]()|=;:\\/@\"\x00-\x1f]")
_LETTER_RE = rx.compile(r"[^\W\d_]")


_SUFFIX_RE = rx.compile(r",?\s+(?:Jr|Sr|II|III|IV)\.?$")


def _check_name(name: str, path: str, line: int, column: int | None = None) -> str:
    name = " ".join(name.split())
    # A generational suffix is not part of what lintnews compares (text says "Marcos Jr." or not).
    name = _SUFFIX_RE.sub("", name)
    if "," in name:
        raise HouseNamesError(
            f"'{name}': one name a line, written as it appears in copy ('Vladimir Putin', not 'Putin, Vladimir')",
            path, line, column,
        )
    if len(name) > MAX_NAME_CHARS:
        raise HouseNamesError(f"a name is longer than {MAX_NAME_CHARS} characters", path, line, column)
    if not _LETTER_RE.search(name):
        raise HouseNamesError(f"'{name}' is not a name (it has no letters)", path, line, column)
    if _NOT_NAME_RE.search(name):
        raise HouseNamesError(f"'{name}' is not a name (one name a line; no digits or markup)", path, line, column)
    return name


_COMMENT_RE = rx.compile(r"(?:^|\s)#.*$")


def parse_text_list(text: str, path: str) -> list[tuple[str, tuple[str, ...], str]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if "#" in line:
            line = _COMMENT_RE.sub("", line)
        line = line.strip()
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


def load_house_names(files, starter: bool = True) -> HouseNames:
    """Read the newsroom's lists (in order of precedence) and, if ``starter``, the shipped
    starter list after them. Raises HouseNamesError naming the file and line of a bad list.

    Built once and cached (``cache``, keyed on the lists' content): later runs, and later
    calls in this run, unpickle the index instead of parsing."""
    from . import cache

    paths = [str(f) for f in files]
    if starter:
        paths.append(str(starter_names_path()))

    def build() -> HouseNames:
        raw: list[tuple[str, tuple[str, ...], str]] = []
        for p in paths:
            raw.extend(parse_file(p))
        return HouseNames(tuple(paths), raw).ensure()

    return cache.get_or_build("names", paths, build, lambda v: isinstance(v, HouseNames) and v._built)
