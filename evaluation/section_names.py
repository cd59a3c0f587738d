"""Names: recall of planted misspellings, and findings on the unchanged articles.

Real articles (``basil/articles/*.txt`` and ``bbc/<topic>/*.txt``, globbed) are used twice:

* unchanged: every ``names.*`` finding counts against the rules (the articles were edited
  copy; a finding there is a false alarm, or at best a house-style difference);
* with one planted misspelling: in each article that has a proper name used three times or
  more (a capitalised word of four letters or more, never written in lower case, not a
  month or a title), one occurrence that does not start a sentence is changed by a
  transliteration variant (dh/d, kh/k, q/k, ou/u, ee/i, y/i, doubled letter, gh/g, an
  accent) or a typing slip (two letters swapped, one dropped, one added, one replaced by
  a neighbouring key), half each. The plant is found when a ``names.*`` finding covers it.

The plant is chosen with a fixed seed from the file's name, so runs are repeatable and
the same script measures a hidden hold-out set with the same layout.

A third figure checks the transliteration key itself on ``names/*.tsv`` (English spellings
of one Arabic or Russian name, from Wikidata): how many pairs of a group's main spelling
and a well-attested other spelling (Mohammed/Muhammad, Yusuf/Youssef) the key or one slip
joins, and how many main spellings of different groups the key joins (different names
made one).
"""

from __future__ import annotations

import random
import re
import zlib
from collections import Counter
from pathlib import Path

from common import default_linter, pct, read_text

from lintnews.housenames import strip_accents, word_key
from lintnews.kinds.names import slip

SEED = 20260611
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
NOT_NAMES = frozenset(
    """january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday president minister senator secretary chairman governor general
    prime chancellor king queen prince mr mrs ms dr sir lord the this that there their they these those then
    when what where which while with will would also after before first last""".split()
)
KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli",
    "l": "ko", "z": "ax", "x": "zc", "c": "xv", "v": "cb", "b": "vn", "n": "bm", "m": "n",
}
ACCENTS = {"e": "é", "o": "ö", "a": "á", "u": "ü", "i": "í", "c": "ç", "s": "ş", "n": "ñ"}
VOWELS = set("aeiouy")


def articles(eval_dir: Path) -> dict[str, list[Path]]:
    found = {
        "basil": sorted((eval_dir / "basil" / "articles").glob("*.txt")),
        "bbc": sorted(p for p in (eval_dir / "bbc").glob("*/*.txt") if p.name.lower() != "readme.txt"),
    }
    return {k: v for k, v in found.items() if v}


# --- planting -------------------------------------------------------------------------------


def translit_variants(w: str) -> list[str]:
    """Transliteration variants of a capitalised word (the first letter is kept)."""
    out = []
    low = w.lower()
    n = len(w)

    def sub(i, j, rep):
        out.append(w[:i] + rep + w[j:])

    for i in range(1, n):
        c = low[i]
        nxt = low[i + 1] if i + 1 < n else ""
        if c in "dkg" and nxt != "h" and nxt in VOWELS and nxt:
            sub(i, i + 1, w[i] + "h")  # d -> dh, k -> kh, g -> gh
        if c in "dkg" and nxt == "h":
            sub(i, i + 2, w[i])  # dh -> d
        if c == "q":
            sub(i, i + 1, "k")
        if c == "k" and nxt != "h":
            sub(i, i + 1, "q")
        if c == "u" and low[i - 1] != "o":
            sub(i, i + 1, "ou")
        if c == "o" and nxt == "u":
            sub(i, i + 2, "u")
        if c == "i" and 0 < i < n - 1 and low[i - 1] not in VOWELS and nxt not in VOWELS:
            sub(i, i + 1, "ee")
        if c == "e" and nxt == "e":
            sub(i, i + 2, "i")
        if c == "i" and i == n - 1:
            sub(i, i + 1, "y")
        if c == "y" and i > 0:
            sub(i, i + 1, "i")
        if c not in VOWELS and c.isalpha() and nxt == c:
            sub(i, i + 2, w[i])  # undouble
        elif c not in VOWELS and c.isalpha() and 0 < i < n - 1 and nxt != c and low[i - 1] != c:
            sub(i, i + 1, w[i] * 2)  # double
        if c in ACCENTS and i < n - 1:
            sub(i, i + 1, ACCENTS[c])
    return out


def typing_variants(w: str) -> list[str]:
    """One typing slip inside the word (never its first letter)."""
    out = []
    n = len(w)
    for i in range(1, n - 1):
        if w[i] != w[i + 1]:
            out.append(w[:i] + w[i + 1] + w[i] + w[i + 2 :])  # swap
        out.append(w[:i] + w[i + 1 :])  # drop
        for k in KEYBOARD.get(w[i].lower(), ""):
            out.append(w[:i] + k + w[i + 1 :])  # neighbouring key
            out.append(w[:i] + k + w[i:])  # extra key
    return out


def sentence_initial(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \t\"“‘'(":
        j -= 1
    return j < 0 or text[j] in ".!?\n:"


def plant(text: str, rng: random.Random):
    """(new text, start, end, original, variant, kind) or None when no name qualifies."""
    first_line_end = text.find("\n")
    caps: dict[str, list[int]] = {}
    lower = set()
    for m in WORD_RE.finditer(text):
        w = m.group()
        if w[0].islower():
            lower.add(w.lower())
        elif w[0].isupper() and w[1:].islower() and w.isalpha():
            caps.setdefault(w, []).append(m.start())
    names = sorted(
        w for w, starts in caps.items()
        if len(starts) >= 3 and len(w) >= 4 and w.lower() not in lower and w.lower() not in NOT_NAMES
    )
    rng.shuffle(names)
    words_in_text = set(caps) | {w for w in (m.group() for m in WORD_RE.finditer(text))}
    for name in names:
        spots = [s for s in caps[name] if s > first_line_end and not sentence_initial(text, s)]
        if not spots:
            continue
        kind = rng.choice(("translit", "typing"))
        variants = translit_variants(name) if kind == "translit" else typing_variants(name)
        variants = sorted({v for v in variants if v != name and v.lower() != name.lower() and v not in words_in_text})
        if not variants:
            kind = "typing" if kind == "translit" else "translit"
            variants = translit_variants(name) if kind == "translit" else typing_variants(name)
            variants = sorted({v for v in variants if v != name and v.lower() != name.lower() and v not in words_in_text})
        if not variants:
            continue
        variant = rng.choice(variants)
        start = rng.choice(spots)
        new = text[:start] + variant + text[start + len(name) :]
        return new, start, start + len(variant), name, variant, kind
    return None


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- the section ----------------------------------------------------------------------------


def evaluate(eval_dir: Path) -> None:
    corpora = articles(eval_dir)
    if not corpora:
        print("names: skipped (no basil/articles/*.txt or bbc/*/*.txt under the eval folder)")
        return
    linter = default_linter(select=("names",))
    print("rules: " + ", ".join(sorted(r.id for r in linter.rules)) + " (starter house list on, as shipped)")
    print(f"{'corpus':<8}{'articles':>9}{'planted':>9}{'found':>7}{'recall':>9}   "
          f"{'translit':>9}{'typing':>9}   {'findings on unchanged':>22}{'per 10 art.':>12}")
    total = Counter()
    samples_fp: list[str] = []
    samples_miss: list[str] = []
    for corpus, paths in corpora.items():
        c = Counter()
        for path in paths:
            text = read_text(path)
            c["articles"] += 1
            shown = str(path.relative_to(eval_dir))
            for f in linter.lint_text(text, shown):
                c["findings"] += 1
                c["f:" + f.rule] += 1
                if len(samples_fp) < 12 and zlib.crc32(shown.encode()) % 3 == 0:
                    samples_fp.append(f"{shown}:{f.line}:{f.column}: {f.rule} '{f.match}' -> {list(f.suggestions)}")
            rng = random.Random(SEED ^ zlib.crc32(path.name.encode()))
            planted = plant(text, rng)
            if planted is None:
                continue
            new, start, end, name, variant, kind = planted
            line, col = line_col(new, start)
            end_col = col + (end - start)
            c["planted"] += 1
            c["planted:" + kind] += 1
            hit = any(
                f.line == line and f.column < end_col and col < f.end_column
                for f in linter.lint_text(new, shown)
            )
            if hit:
                c["found"] += 1
                c["found:" + kind] += 1
            elif len(samples_miss) < 12:
                samples_miss.append(f"{shown}:{line}:{col}: {name} -> {variant} ({kind})")
        total.update(c)
        _row(corpus, c)
    if len(corpora) > 1:
        _row("all", total)
    rules = sorted(k[2:] for k in total if k.startswith("f:"))
    if rules:
        print("findings on unchanged articles by rule: " + ", ".join(
            f"{r} {total['f:' + r]} ({total['f:' + r] / total['articles']:.2f}/article)" for r in rules))
    if samples_fp:
        print("sample findings on unchanged articles:")
        for s in samples_fp[:8]:
            print("  " + s)
    if samples_miss:
        print("sample missed plants:")
        for s in samples_miss[:8]:
            print("  " + s)
    evaluate_keys(eval_dir)


VARIANT_RE = re.compile(r"^(.+)\((\d+)\)$")


def variant_groups(eval_dir: Path) -> list[list[str]]:
    """Well-attested spellings of each name group: the main one first, then others used at
    least 3 times and by at least 2 % of the group (low counts are often wrong)."""
    groups = []
    for path in sorted((eval_dir / "names").glob("*.tsv")):
        for line in read_text(path).splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) < 3:
                continue
            spellings = []
            for item in cols[2].split("|"):
                m = VARIANT_RE.match(item.strip())
                if m and m.group(1).isalpha():
                    spellings.append((m.group(1), int(m.group(2))))
            if not spellings:
                continue
            spellings.sort(key=lambda x: -x[1])
            top_count = spellings[0][1]
            if top_count < 10:
                continue
            kept = [w for w, n in spellings if n >= 3 and n >= 0.02 * top_count]
            groups.append(kept)
    return groups


def evaluate_keys(eval_dir: Path) -> None:
    groups = variant_groups(eval_dir)
    if not groups:
        return
    pairs = key_joined = slip_joined = 0
    for g in groups:
        top = g[0]
        for other in g[1:]:
            pairs += 1
            a, b = word_key(top), word_key(other)
            if a == b:
                key_joined += 1
            elif slip(a, b) or slip(strip_accents(top), strip_accents(other)):
                slip_joined += 1
    tops: dict[str, set[str]] = {}
    for g in groups:
        tops.setdefault(word_key(g[0]), set()).add(g[0])
    distinct = {g[0] for g in groups}
    merged = sum(len(v) for v in tops.values() if len(v) > 1)
    print(f"variant key on names/*.tsv: {pairs} same-name spelling pairs in {len(groups)} groups: "
          f"{pct(key_joined, pairs)} share a key, {pct(key_joined + slip_joined, pairs)} share a key or are "
          f"one slip apart; {merged} of {len(distinct)} distinct main spellings share a key with another "
          f"group's ({pct(merged, len(distinct))})")


def _row(name: str, c: Counter) -> None:
    translit = pct(c["found:translit"], c["planted:translit"])
    typing = pct(c["found:typing"], c["planted:typing"])
    per10 = 10.0 * c["findings"] / c["articles"] if c["articles"] else 0.0
    print(f"{name:<8}{c['articles']:>9}{c['planted']:>9}{c['found']:>7}{pct(c['found'], c['planted']):>9}   "
          f"{translit:>9}{typing:>9}   {c['findings']:>22}{per10:>12.2f}")
