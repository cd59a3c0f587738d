"""Loaded language (`loaded.*`): how the pack compares with what annotators marked.

Data (read from the eval folder, never copied):
  basil/   articles + gold.jsonl spans. Recall of narration ``lex`` spans (quote false);
           share of findings on any annotated span; findings per 1,000 words; findings on
           spans the annotators marked as inside a quotation.
  babe/    sentences with experts' biased words. Word precision (a finding covers a marked
           word); sentence precision and recall against label_bias == Biased.
  bbc/     edited wire copy: findings per 1,000 words (false-alarm rate).
  quotes   loaded findings inside a direct quotation, by the annotators' quote flag and by
           the Document's own quote spans: both should be 0.

Baselines run the same way as the pack (as a narration-scope phrases list): Recasens et
al.'s NPOV lexicon (lexicons/npov_lexicon.txt) and BABE's own bias-word lexicon (AGPL:
measured here, never shipped).

Run ``python3 evaluation/section_loaded.py --per-term [EVAL_DIR]`` for a per-term table.
"""

from __future__ import annotations

import ast
import csv
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lintnews.engine import Linter  # noqa: E402
from lintnews.kinds.base import RuleSpec  # noqa: E402
from lintnews.loader import build_rule, default_packs_dir, load_rules  # noqa: E402

FAMILY = "loaded"


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def nwords(text: str) -> int:
    return len(text.split())


def pct(num: float, den: float) -> str:
    return f"{100.0 * num / den:5.1f} %" if den else "  n/a "


def term_key(match: str) -> str:
    return " ".join(match.lower().replace("’", "'").replace("-", " ").split())


# --- linters -----------------------------------------------------------------------


def pack_linter() -> Linter:
    """The shipped loaded.* rules (only that pack is loaded, so a broken file in another
    family's pack cannot stop this section)."""
    return Linter(load_rules([default_packs_dir() / FAMILY]), select=(FAMILY,))


def list_linter(words, name: str) -> Linter:
    """A baseline: a plain word list run as one narration-scope phrases rule."""
    terms = sorted({w.strip().lower() for w in words if w.strip() and any(c.isalpha() for c in w)})
    data = {
        "id": f"baseline.{name}",
        "kind": "phrases",
        "severity": "warning",
        "message": "listed word",
        "terms": terms,
        "examples": {"flag": ["x"], "pass": ["y"]},
    }
    return Linter([build_rule(RuleSpec(data, f"<{name}>"))])


def is_ours(rule_id: str) -> bool:
    return rule_id == FAMILY or rule_id.startswith(FAMILY + ".") or rule_id.startswith("baseline.")


def _match_key(f) -> str:
    return term_key(f.match)


# --- BASIL -------------------------------------------------------------------------


@dataclass
class Span:
    line: int
    start: int  # 1-based column
    end: int  # exclusive
    lex: bool
    quote: bool
    text: str


def load_basil(eval_dir: Path):
    folder = eval_dir / "basil"
    gold_path = folder / "gold.jsonl"
    if not gold_path.is_file():
        return None
    spans: dict[str, list[Span]] = defaultdict(list)
    for raw in gold_path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        d = json.loads(raw)
        spans[d["file"]].append(
            Span(int(d["line"]), int(d["column"]), int(d["end_column"]), d.get("bias") == "lex", bool(d.get("quote")), d.get("text", ""))
        )
    articles = sorted((folder / "articles").glob("*.txt"))
    return articles, spans


def overlaps(f, s: Span) -> bool:
    if f.line > s.line or f.end_line < s.line:
        return False
    start = f.column if f.line == s.line else 1
    end = f.end_column if f.end_line == s.line else 1 << 30
    return start < s.end and s.start < end


@dataclass
class Tally:
    findings: int = 0
    on_span: int = 0
    in_quote_span: int = 0
    lex_hit: int = 0
    babe_findings: int = 0
    babe_word_hit: int = 0
    babe_sent_biased: int = 0
    babe_sent_neutral: int = 0
    bbc: int = 0


def run_basil(linter: Linter, data, per_term=None, files=None, key=None):
    articles, gold = data
    words = findings = on_span = in_quote = 0
    lex_total = lex_hit = 0
    for path in articles:
        if files is not None and path.name not in files:
            continue
        text = read_text(path)
        words += nwords(text)
        spans = gold.get(path.name, [])
        found = [f for f in linter.lint_text(text, path.name) if is_ours(f.rule)]
        hit_lex = set()
        for f in found:
            findings += 1
            on = [s for s in spans if overlaps(f, s)]
            if on:
                on_span += 1
            q = any(s.quote for s in on)
            if q:
                in_quote += 1
            for i, s in enumerate(spans):
                if s.lex and not s.quote and overlaps(f, s):
                    hit_lex.add(i)
            if per_term is not None:
                t = per_term[(key or _match_key)(f)]
                t.findings += 1
                t.on_span += bool(on)
                t.in_quote_span += q
                t.lex_hit += any(s.lex and not s.quote for s in on)
        lex_total += sum(1 for s in spans if s.lex and not s.quote)
        lex_hit += len(hit_lex)
    return dict(words=words, findings=findings, on_span=on_span, in_quote=in_quote, lex_total=lex_total, lex_hit=lex_hit)


# --- BABE ----------------------------------------------------------------------------


def load_babe(eval_dir: Path):
    folder = eval_dir / "babe"
    rows = []
    for path in sorted(folder.glob("*.csv")):
        if "lexicon" in path.name:
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter=";"):
                if "text" not in row or "label_bias" not in row:
                    continue
                try:
                    marked = ast.literal_eval(row.get("biased_words") or "[]")
                except (ValueError, SyntaxError):
                    marked = []
                words = set()
                for w in marked:
                    words.update(term_key(str(w)).split())
                rows.append((row["text"], row["label_bias"].strip(), words))
    return rows or None


def babe_lexicon(eval_dir: Path):
    path = eval_dir / "babe" / "bias_word_lexicon.csv"
    if not path.is_file():
        return None
    return [w.strip() for w in read_text(path).splitlines() if w.strip()]


def run_babe(linter: Linter, rows, per_term=None, subset=None, key=None):
    findings = word_hit = 0
    tp = fp = biased = 0
    for k, (text, label, marked) in enumerate(rows):
        if subset is not None and k not in subset:
            continue
        if label not in ("Biased", "Non-biased"):
            continue
        is_biased = label == "Biased"
        biased += is_biased
        found = [f for f in linter.lint_text(text, "babe.txt") if is_ours(f.rule)]
        for f in found:
            findings += 1
            hit = bool(set(term_key(f.match).split()) & marked)
            word_hit += hit
            if per_term is not None:
                t = per_term[(key or _match_key)(f)]
                t.babe_findings += 1
                t.babe_word_hit += hit
                if is_biased:
                    t.babe_sent_biased += 1
                else:
                    t.babe_sent_neutral += 1
        if found:
            if is_biased:
                tp += 1
            else:
                fp += 1
    return dict(findings=findings, word_hit=word_hit, tp=tp, fp=fp, biased=biased)


# --- BBC -----------------------------------------------------------------------------


def bbc_files(eval_dir: Path):
    return sorted((eval_dir / "bbc").glob("*/*.txt"))


def run_bbc(linter: Linter, files, per_term=None, key=None):
    words = findings = 0
    by_rule = Counter()
    for path in files:
        text = read_text(path)
        words += nwords(text)
        found = [f for f in linter.lint_text(text, path.name) if is_ours(f.rule)]
        findings += len(found)
        for f in found:
            by_rule[f.rule] += 1
            if per_term is not None:
                per_term[(key or _match_key)(f)].bbc += 1
    return dict(words=words, findings=findings, by_rule=by_rule)


def quote_leaks(linter: Linter, texts) -> int:
    """Loaded findings whose span overlaps a direct quotation as the Document sees it.
    Scare quotes are the one rule that reports quotation marks on purpose: excluded."""
    leaks = 0
    for name, text in texts:
        doc = linter.document(name, text)
        if not doc.quotes:
            continue
        starts = [0]
        for k, c in enumerate(text):
            if c == "\n":
                starts.append(k + 1)
        for f in linter.lint_text(text, name):
            if not is_ours(f.rule) or f.rule == "loaded.scare-quotes":
                continue
            start = starts[f.line - 1] + f.column - 1  # .txt prose offsets equal source offsets
            if doc.in_quote(start, start + len(f.match)):
                leaks += 1
    return leaks


# --- report --------------------------------------------------------------------------


def report(name: str, linter: Linter, basil, babe, bbc, bbc_sample=None, per_rule=None):
    print(f"\n-- {name}")
    out = {}
    key = (lambda f: f.rule) if per_rule is not None else None
    if basil:
        r = out["basil"] = run_basil(linter, basil, per_rule, key=key)
        print(
            f"BASIL  lex recall (narration) {pct(r['lex_hit'], r['lex_total'])} ({r['lex_hit']}/{r['lex_total']})"
            f"   on a span {pct(r['on_span'], r['findings'])} ({r['on_span']}/{r['findings']})"
            f"   {1000.0 * r['findings'] / max(r['words'], 1):6.2f} per 1,000 words"
        )
    if babe:
        r = out["babe"] = run_babe(linter, babe, per_rule, key=key)
        print(
            f"BABE   word precision {pct(r['word_hit'], r['findings'])} ({r['word_hit']}/{r['findings']})"
            f"   sentence precision {pct(r['tp'], r['tp'] + r['fp'])} ({r['tp']}/{r['tp'] + r['fp']})"
            f"   sentence recall {pct(r['tp'], r['biased'])} ({r['tp']}/{r['biased']})"
        )
    if bbc:
        files = bbc if bbc_sample is None else bbc[::bbc_sample]
        r = out["bbc"] = run_bbc(linter, files, per_rule, key=key)
        note = "" if bbc_sample is None else f", every {bbc_sample}th file"
        print(
            f"BBC    {1000.0 * r['findings'] / max(r['words'], 1):6.2f} findings per 1,000 words"
            f" ({r['findings']} in {r['words']} words, {len(files)} files{note})"
        )
    return out


def evaluate(eval_dir: Path) -> None:
    eval_dir = Path(eval_dir)
    basil = load_basil(eval_dir) if (eval_dir / "basil").is_dir() else None
    babe = load_babe(eval_dir) if (eval_dir / "babe").is_dir() else None
    bbc = bbc_files(eval_dir) if (eval_dir / "bbc").is_dir() else None
    if not (basil or babe or bbc):
        print("loaded: skipped, no basil/, babe/ or bbc/ under", eval_dir)
        return
    for what, present in (("basil", basil), ("babe", babe), ("bbc", bbc)):
        if not present:
            print(f"loaded: {what}/ absent, skipped")
    linter = pack_linter()
    per_rule: dict[str, Tally] = defaultdict(Tally)
    out = report("lintnews loaded.* (default pack)", linter, basil, babe, bbc, per_rule=per_rule)
    if basil:
        print(f"BASIL  findings on spans the annotators marked as inside a quotation: {out['basil']['in_quote']}")
    # Quotes: loaded findings inside a direct quotation as the Document sees it.
    texts = []
    if basil:
        texts += [(p.name, read_text(p)) for p in basil[0]]
    if bbc:
        texts += [(p.name, read_text(p)) for p in bbc]
    if texts:
        print(f"Quotes loaded findings inside a direct quotation (Document quote spans, {len(texts)} articles): {quote_leaks(linter, texts)}")
    # Per rule.
    bbc_words = out.get("bbc", {}).get("words", 0)
    print("\nper rule: BASIL findings, on a span, narration lex spans hit | BABE findings, word precision | BBC per 1,000 words")
    for rule_id in sorted(per_rule):
        t = per_rule[rule_id]
        print(
            f"  {rule_id:24s} BASIL {t.findings:4d} {pct(t.on_span, t.findings)} {t.lex_hit:3d}"
            f" | BABE {t.babe_findings:4d} {pct(t.babe_word_hit, t.babe_findings)}"
            + (f" | BBC {1000.0 * t.bbc / bbc_words:5.2f}" if bbc_words else " | BBC   n/a")
        )
    # Baselines: cheap word lists run the same way.
    npov = eval_dir / "lexicons" / "npov_lexicon.txt"
    if npov.is_file():
        report("baseline: Recasens et al. NPOV lexicon as a word list", list_linter(read_text(npov).splitlines(), "npov"), basil, babe, bbc, bbc_sample=10)
    lex = babe_lexicon(eval_dir)
    if lex:
        report("baseline: BABE bias-word lexicon as a word list (AGPL, not shipped)", list_linter(lex, "babe"), basil, babe, bbc, bbc_sample=10)
    if basil:
        annotator_baseline(basil)


def annotator_baseline(basil) -> None:
    """The annotators' own lex words as a list, scored on the other half of the stories."""
    articles, gold = basil
    stories = sorted({p.name.split("-")[-1] for p in articles})
    folds = [set(stories[0::2]), set(stories[1::2])]
    total = dict(words=0, findings=0, on_span=0, in_quote=0, lex_total=0, lex_hit=0)
    for k in (0, 1):
        train = {p.name for p in articles if p.name.split("-")[-1] in folds[k]}
        test = {p.name for p in articles if p.name.split("-")[-1] in folds[1 - k]}
        words = [s.text for name in train for s in gold.get(name, []) if s.lex and not s.quote]
        words = [w.strip(" \"'“”‘’.,!?()") for w in words]
        r = run_basil(list_linter(words, "annotators"), basil, files=test)
        for key in total:
            total[key] += r[key]
    print("\n-- baseline: the annotators' own lex spans as a list, on the other half of the stories (2-fold)")
    print(
        f"BASIL  lex recall (narration) {pct(total['lex_hit'], total['lex_total'])}"
        f"   on a span {pct(total['on_span'], total['findings'])}"
        f"   {1000.0 * total['findings'] / max(total['words'], 1):6.2f} per 1,000 words"
    )


def per_term_table(eval_dir: Path, out=sys.stdout) -> None:
    linter = pack_linter()
    per_term: dict[str, Tally] = defaultdict(Tally)
    basil = load_basil(eval_dir)
    babe = load_babe(eval_dir)
    if basil:
        run_basil(linter, basil, per_term)
    if babe:
        run_babe(linter, babe, per_term)
    run_bbc(linter, bbc_files(eval_dir), per_term)
    print("term\tbasil_n\ton_span\tlex\tquote\tbabe_n\tword_hit\tsent_biased\tsent_neutral\tbbc", file=out)
    for term, t in sorted(per_term.items(), key=lambda kv: -(kv[1].bbc + kv[1].findings + kv[1].babe_findings)):
        print(f"{term}\t{t.findings}\t{t.on_span}\t{t.lex_hit}\t{t.in_quote_span}\t{t.babe_findings}\t{t.babe_word_hit}\t{t.babe_sent_biased}\t{t.babe_sent_neutral}\t{t.bbc}", file=out)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0]) if args else ROOT.parent / "shared" / "eval"
    if "--per-term" in sys.argv:
        per_term_table(folder)
    else:
        evaluate(folder)
