"""Attribution: claims that no named source answers (rules ``attribution.*``).

Three measurements, each beside a plain baseline where one exists:

1. Sentence-level precision and recall on Wikipedia weasel words (``weasel/*.csv``, columns
   ``text,label``; the CoNLL-2010 Wikipedia task). A sentence counts as flagged when any
   ``attribution.*`` rule fires on it. Baseline: a sentence holding any hedge of Hyland's
   list (``lexicons/hedges_hyland2005.txt``). The sentences are split into two halves by a
   stable hash of their text; rules were tuned looking only at half A, so half B is the
   figure for unseen sentences.
2. Findings per 1,000 words on edited wire copy (``bbc/**/*.txt``), which attributes as a rule.
3. The project's own labelled wire-style sentences (``tests/data/attribution/*.tsv``, and
   ``attribution/*.tsv`` in the evaluation folder when there is one): recall on unattributed
   claims, and the share of attributed sentences flagged.
"""

from __future__ import annotations

import csv
import re
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

from common import default_linter, pct, read_text

ROOT = Path(__file__).resolve().parent.parent
OWN_SETS = ROOT / "tests" / "data" / "attribution"
SELECT = ("attribution",)
WEASEL_WORDING = {"attribution.weasel", "attribution.passive", "attribution.collective", "attribution.anonymous"}

# The CoNLL text is tokenised Penn-Treebank style; put it back the way a writer types it.
PTB_FIXES = (
    (re.compile(r"-LRB-\s*"), "("),
    (re.compile(r"\s*-RRB-"), ")"),
    (re.compile(r"-LSB-\s*"), "["),
    (re.compile(r"\s*-RSB-"), "]"),
    (re.compile(r"``\s*"), "“"),
    (re.compile(r"\s*''"), "”"),
    (re.compile(r"\s+([,.;:!?%])"), r"\1"),
    (re.compile(r"\s+('s|n't|'re|'ve|'ll|'d|')\b"), r"\1"),
    (re.compile(r"\$\s+(?=\d)"), "$"),
)


def detokenise(text: str) -> str:
    text = " ".join(text.split())
    for pattern, repl in PTB_FIXES:
        text = pattern.sub(repl, text)
    return text


def half(text: str) -> str:
    return "A" if zlib.crc32(text.encode("utf-8")) % 2 == 0 else "B"


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"precision {100 * p:5.1f} %  recall {100 * r:5.1f} %  F1 {100 * f:5.1f}  (flagged {tp + fp})"


def load_hedges(eval_dir: Path) -> re.Pattern | None:
    path = eval_dir / "lexicons" / "hedges_hyland2005.txt"
    if not path.is_file():
        return None
    terms = [t.strip() for t in read_text(path).splitlines() if t.strip() and not t.startswith("#")]
    body = "|".join(r"\s+".join(map(re.escape, t.split())) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def evaluate_weasel(eval_dir: Path, linter) -> None:
    files = sorted((eval_dir / "weasel").glob("*.csv"))
    if not files:
        print("weasel: no weasel/*.csv, skipped")
        return
    hedges = load_hedges(eval_dir)
    for path in files:
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("text") is not None and r.get("label") is not None]
        if not rows:
            print(f"{path.name}: no rows with 'text' and 'label', skipped")
            continue
        counts = {h: Counter() for h in ("A", "B", "all", "claims-A", "claims-B", "claims-all")}
        base = Counter()
        per_rule: dict[str, Counter] = defaultdict(Counter)
        for row in rows:
            text = detokenise(row["text"])
            gold = str(row["label"]).strip() == "1"
            rules = {f.rule for f in linter.lint_text(text, "sentence.txt")}
            pred = bool(rules)
            outcome = ("tp" if gold else "fp") if pred else ("fn" if gold else "tn")
            counts[half(row["text"])][outcome] += 1
            counts["all"][outcome] += 1
            # Wikipedia's weasel notion is words that attribute a claim to nobody in particular.
            # It does not cover a quotation's missing speaker (which an isolated sentence has
            # lost with its neighbours), hedged predictions or unsourced figures, so the rules
            # for weasel wording are also scored alone.
            cpred = bool(rules & WEASEL_WORDING)
            coutcome = ("tp" if gold else "fp") if cpred else ("fn" if gold else "tn")
            counts["claims-" + half(row["text"])][coutcome] += 1
            counts["claims-all"][coutcome] += 1
            for rule in rules:
                per_rule[rule]["tp" if gold else "fp"] += 1
            if hedges is not None:
                hp = hedges.search(text) is not None
                base[("tp" if gold else "fp") if hp else ("fn" if gold else "tn")] += 1
        n_pos = counts["all"]["tp"] + counts["all"]["fn"]
        print(f"{path.relative_to(eval_dir)}: {len(rows)} sentences, {n_pos} labelled weasel")
        # The weasel-wording rules are what this set labels, so they come first; all seven
        # rules are shown too, since the others fire on isolated Wikipedia sentences as well.
        for prefix, what in (("claims-", "weasel-wording rules (" + ", ".join(sorted(r.split(".")[1] for r in WEASEL_WORDING)) + ")"), ("", "all attribution rules")):
            print(f"  lintnews, {what}:")
            for h, label in (("all", "all sentences"), ("A", "half A (tuned on)"), ("B", "half B (unseen)")):
                c = counts[prefix + h]
                print(f"    {label:18s}: {prf(c['tp'], c['fp'], c['fn'])}")
        if hedges is not None:
            print(f"  baseline, any Hyland hedge: {prf(base['tp'], base['fp'], base['fn'])}")
        for rule in sorted(per_rule):
            c = per_rule[rule]
            print(f"    {rule:24s} flags {c['tp'] + c['fp']:4d}, precision {pct(c['tp'], c['tp'] + c['fp'])}")


def evaluate_bbc(eval_dir: Path, linter) -> None:
    files = sorted((eval_dir / "bbc").glob("**/*.txt"))
    files = [f for f in files if f.name.upper() != "README.TXT"]
    if not files:
        print("bbc: no bbc/**/*.txt, skipped")
        return
    words = 0
    per_rule: Counter = Counter()
    for path in files:
        text = read_text(path)
        words += len(text.split())
        for f in linter.lint_text(text, str(path)):
            per_rule[f.rule] += 1
    total = sum(per_rule.values())
    rate = 1000.0 * total / words if words else 0.0
    print(f"bbc: {len(files)} articles, {words:,} words: {total} findings = {rate:.2f} per 1,000 words")
    for rule, n in per_rule.most_common():
        print(f"    {rule:24s} {n:5d}  ({1000.0 * n / words:.2f} per 1,000 words)")


def read_labelled(path: Path) -> list[tuple[str, str, str]]:
    items = []
    for line in read_text(path).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or parts[0] not in ("flag", "pass"):
            continue
        items.append((parts[0], parts[1], "\t".join(parts[2:]).replace("\\n", "\n")))
    return items


def evaluate_own(eval_dir: Path, linter) -> None:
    sets = sorted(OWN_SETS.glob("*.tsv")) + sorted((eval_dir / "attribution").glob("*.tsv"))
    if not sets:
        print("wire-style sentences: no labelled set found, skipped")
        return
    for path in sets:
        items = read_labelled(path)
        if not items:
            continue
        by_kind: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for label, kind, text in items:
            hit = bool(linter.lint_text(text, "sentence.txt"))
            by_kind[(label, kind)]["hit" if hit else "miss"] += 1
        flag_hit = sum(c["hit"] for (l, _), c in by_kind.items() if l == "flag")
        flag_n = sum(sum(c.values()) for (l, _), c in by_kind.items() if l == "flag")
        pass_hit = sum(c["hit"] for (l, _), c in by_kind.items() if l == "pass")
        pass_n = sum(sum(c.values()) for (l, _), c in by_kind.items() if l == "pass")
        try:
            shown = path.relative_to(ROOT)
        except ValueError:
            shown = path
        print(f"{shown}: {flag_n} unattributed, {pass_n} attributed or plain fact")
        print(f"  recall on unattributed claims : {pct(flag_hit, flag_n)} ({flag_hit}/{flag_n})")
        print(f"  attributed sentences flagged  : {pct(pass_hit, pass_n)} ({pass_hit}/{pass_n})")
        for (label, kind), c in sorted(by_kind.items()):
            n = c["hit"] + c["miss"]
            print(f"    {label} {kind:18s} flagged {c['hit']:3d}/{n}")


def evaluate(eval_dir: Path) -> None:
    linter = default_linter(select=SELECT)
    evaluate_weasel(eval_dir, linter)
    evaluate_bbc(eval_dir, linter)
    evaluate_own(eval_dir, linter)


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(ROOT))
    evaluate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval")
