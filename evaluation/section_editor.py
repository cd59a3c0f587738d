"""An editor's marks (`editor/`): what a desk would act on, against what lintnews reports.

Data (read from the eval folder, never copied): 36 articles from basil/ and bbc/, read line by
line and marked blind by a wire-desk editor. ``editor/marks.jsonl`` holds one mark a line
(file, line, column, end_column exclusive, category loaded | unattributed | names, severity
must-fix | query, span, why); ``editor/articles.json`` lists every article read, including
those with no mark.

Every shipped rule runs except ``readability.*`` (an editor marks words, not grade levels).

- **precision**: the share of findings that fall on a mark. A finding falls on a mark when
  their spans overlap on the same line; an ``attribution.*`` finding also falls on an
  ``unattributed`` mark within 60 characters of it on the same line (an attribution finding
  points at the cue, an editor at the claim).
- **recall**: the share of marks that at least one finding falls on, for all marks and for
  must-fix marks, per category.

    python3 evaluation/evaluate.py --section editor
    python3 evaluation/section_editor.py --list [EVAL_DIR]   # every finding and every miss
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lintnews.engine import Linter  # noqa: E402
from lintnews.loader import default_packs_dir, load_rules  # noqa: E402

NEAR = 60  # characters: how far an attribution finding may sit from an unattributed mark
CATEGORIES = ("loaded", "unattributed", "names")


@dataclass(frozen=True)
class Mark:
    file: str
    line: int
    start: int  # 1-based column
    end: int  # exclusive
    category: str
    severity: str
    span: str
    why: str


def load_marks(eval_dir: Path):
    folder = eval_dir / "editor"
    if not (folder / "marks.jsonl").is_file() or not (folder / "articles.json").is_file():
        return None
    articles = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
    marks: dict[str, list[Mark]] = defaultdict(list)
    for raw in (folder / "marks.jsonl").read_text(encoding="utf-8").splitlines():
        if raw.strip():
            d = json.loads(raw)
            marks[d["file"]].append(Mark(d["file"], int(d["line"]), int(d["column"]), int(d["end_column"]),
                                         d["category"], d["severity"], d.get("span", ""), d.get("why", "")))
    return articles, marks


def falls_on(finding, mark: Mark) -> bool:
    if finding.line != mark.line and not (finding.line <= mark.line <= finding.end_line):
        return False
    start = finding.column if finding.line == mark.line else 1
    end = finding.end_column if finding.end_line == mark.line else 10**9
    if start < mark.end and mark.start < end:
        return True
    if mark.category == "unattributed" and finding.rule.startswith("attribution."):
        gap = mark.start - end if end <= mark.start else start - mark.end
        return gap < NEAR
    return False


def editor_linter() -> Linter:
    rules = [r for r in load_rules([default_packs_dir()]) if not r.id.startswith("readability.")]
    return Linter(rules)


def score(eval_dir: Path, linter: Linter | None = None, files=None):
    """(findings with their marks, marks with their findings) over the marked articles."""
    loaded = load_marks(eval_dir)
    if loaded is None:
        return None
    articles, marks = loaded
    linter = linter or editor_linter()
    findings = []  # (file, finding, [marks])
    caught: dict[Mark, list] = {m: [] for ms in marks.values() for m in ms}
    for rel in articles:
        if files and rel not in files:
            continue
        text = (eval_dir / rel).read_bytes().decode("utf-8", "replace")
        for f in linter.lint_text(text, path=rel):
            on = [m for m in marks.get(rel, ()) if falls_on(f, m)]
            findings.append((rel, f, on))
            for m in on:
                caught[m].append(f)
    if files:
        caught = {m: fs for m, fs in caught.items() if m.file in files}
    return findings, caught


def pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:5.1f} %" if den else "  n/a "


def report(findings, caught) -> None:
    by_rule = Counter(f.rule for _, f, _ in findings)
    on_rule = Counter(f.rule for _, f, on in findings if on)
    print("findings by rule (on a mark / all):")
    for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {rule:28} {on_rule[rule]:3}/{n:<3} {pct(on_rule[rule], n)}")
    # The three figures last: they are what a desk (and the before-stop hook) reads.
    hits = sum(1 for _, _, on in findings if on)
    print(f"precision: findings on a mark   {pct(hits, len(findings))}  ({hits}/{len(findings)})")
    for sev in ("must-fix", None):
        label = "must-fix marks" if sev else "all marks     "
        marks = [m for m in caught if sev is None or m.severity == sev]
        got = sum(1 for m in marks if caught[m])
        per = []
        for cat in CATEGORIES:
            cm = [m for m in marks if m.category == cat]
            per.append(f"{cat} {sum(1 for m in cm if caught[m])}/{len(cm)}")
        print(f"recall, {label}          {pct(got, len(marks))}  ({got}/{len(marks)}; {', '.join(per)})")


def evaluate(eval_dir: Path) -> None:
    scored = score(eval_dir)
    if scored is None:
        print(f"skipped: no editor marks under {eval_dir / 'editor'}")
        return
    findings, caught = scored
    lexicon = eval_dir / "lexicons" / "npov_lexicon.txt"
    if lexicon.is_file():
        from section_loaded import list_linter

        words = lexicon.read_text(encoding="utf-8", errors="replace").splitlines()
        base, base_caught = score(eval_dir, list_linter(words, "recasens"))
        hits = sum(1 for _, _, on in base if on)
        must = [m for m in base_caught if m.severity == "must-fix"]
        print("baseline, Recasens et al. NPOV lexicon as a word list in narration:")
        print(f"  precision {pct(hits, len(base))}, must-fix recall "
              f"{pct(sum(1 for m in must if base_caught[m]), len(must))}, all-marks recall "
              f"{pct(sum(1 for m in base_caught if base_caught[m]), len(base_caught))} ({len(base)} findings)\n")
    print(f"lintnews: {len({m.file for m in caught})} marked articles, {len(caught)} marks; every rule but readability.*")
    report(findings, caught)


def list_all(eval_dir: Path) -> None:
    findings, caught = score(eval_dir)
    print("-- findings not on a mark --")
    for rel, f, on in findings:
        if not on:
            print(f"{rel}:{f.line}:{f.column}: {f.rule} {f.match!r}")
    print("-- marks missed --")
    for m, fs in sorted(caught.items(), key=lambda kv: (kv[0].file, kv[0].line, kv[0].start)):
        if not fs:
            print(f"{m.file}:{m.line}:{m.start}: {m.category}/{m.severity} {m.span!r} -- {m.why}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0]) if args else ROOT.parent / "shared" / "eval"
    (list_all if "--list" in sys.argv else evaluate)(folder)
