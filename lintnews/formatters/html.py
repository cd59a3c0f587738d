"""``--format html``: one self-contained page an editor reads in a browser.

Every article in full, each finding highlighted on its words (the family's colour and its
own underline style, so colour is not the only cue), a summary by family, rule and file,
filters, keys to move from finding to finding, and each rule's explanation (what
``lintnews explain`` prints) a click away. No network: CSS and script are inline.

The page is built from the findings and the text each file was linted from: a finding's
line and column (whatever a line is for its input) pick its words. Overlapping findings
nest; where two cross, the inner one is split into pieces that share its number, so every
finding keeps one focusable highlight and all of its words.

Jinja2 is imported here, and this module only when ``--format html`` is asked for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..finding import printable

TEMPLATES = Path(__file__).resolve().parent / "templates"

# family id -> (label, tint behind the words, line colour, underline style)
FAMILIES = {
    "loaded": ("Loaded language", "#fbe3c4", "#a34a00", "solid"),
    "attribution": ("Unattributed claims", "#dce8fb", "#1f4fbf", "dashed"),
    "names": ("Inconsistent names", "#eddcf9", "#7a2bb8", "double"),
    "style": ("House style", "#d3f0e2", "#0b6b4a", "wavy"),
    "readability": ("Readability", "#ecebe6", "#5d5a52", "dotted"),
}
# Families a pack adds: colours taken in turn, by sorted id (so the same input looks the same).
EXTRA = [
    ("#fde0e4", "#b0163a", "solid"),
    ("#d6f1f6", "#0d6577", "dashed"),
    ("#f3ecc9", "#6f5c00", "double"),
    ("#e3e6f0", "#3c4766", "dotted"),
]
SEVERITIES = ("error", "warning", "suggestion")
LABEL_MAX = 60  # characters of the matched words in a highlight's accessible name


@dataclass
class Line:
    number: int
    tokens: list = field(default_factory=list)  # ("t", text) | ("o", Piece) | ("c", None)


@dataclass
class Piece:
    gid: int  # the finding's number in the report; MARKUP: text the rules do not read
    first: bool  # the focusable piece; later pieces continue it


MARKUP = -1


def _family(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


def _css_name(name: str) -> str:
    """A family id as a class name (a pack's own family could hold any character)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in name)


def _spans(f, lines: list[str]) -> list[tuple[int, int, int]]:
    """(line index, start, end) of a finding on each line it covers, 0-based, end exclusive."""
    out = []
    last = min(f.end_line, len(lines))
    for n in range(f.line, last + 1):
        text = lines[n - 1]
        start = f.column - 1 if n == f.line else 0
        end = f.end_column - 1 if n == f.end_line else len(text)
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end > start or (n == f.line and f.end_line == f.line):
            out.append((n - 1, start, max(start, end)))
    if not out and 0 < f.line <= len(lines):  # a finding that covers only line breaks
        col = max(0, min(f.column - 1, len(lines[f.line - 1])))
        out.append((f.line - 1, col, col))
    return out


def _render_line(number: int, text: str, pieces: list[tuple[int, int, int]], firsts: set[int]) -> Line:
    """Tokens of one line: text, and marks opened and closed so that they nest; a mark
    still open when an inner one must close is closed and reopened as a continuation.
    Markup runs (gid MARKUP) go innermost, so a finding never starts inside one."""
    line = Line(number)
    if not pieces:
        if text:
            line.tokens.append(("t", text))
        return line
    starts: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for s, e, gid in pieces:
        starts[s].append((s, e, gid))
    bounds = sorted({0, len(text)} | {s for s, _, _ in pieces} | {e for _, e, _ in pieces})
    stack: list[tuple[int, int, int]] = []
    pos = 0

    def open_(p):
        gid = p[2]
        first = gid != MARKUP and gid not in firsts
        firsts.add(gid)
        line.tokens.append(("o", Piece(gid, first)))

    def close(p):
        line.tokens.append(("c", p[2] == MARKUP))

    for b in bounds:
        if b > pos:
            line.tokens.append(("t", text[pos:b]))
            pos = b
        if any(e == b for _, e, _ in stack):
            reopen = []
            while any(e == b for _, e, _ in stack):
                top = stack.pop()
                close(top)
                if top[1] != b:
                    reopen.append(top)
            for p in reversed(reopen):
                open_(p)
                stack.append(p)
        for p in sorted(starts.get(b, ()), key=lambda p: (p[2] == MARKUP, -p[1], p[2])):
            open_(p)
            if p[1] == b:  # nothing to cover: an empty mark, still focusable
                close(p)
            else:
                stack.append(p)
    if pos < len(text):
        line.tokens.append(("t", text[pos:]))
    for p in reversed(stack):
        close(p)
    return line


def _markup_runs(text: str, path: str, document=None) -> list[tuple[int, int]]:
    """Spans of ``text`` the rules do not read (front matter, tags, code, URLs, page debris
    such as "See also" lines and share buttons): shown dimmed. Where the prose keeps the
    source's length (plain text, Markdown) it is what the prose blanks; for HTML, what no
    text segment maps back to."""
    import re

    try:
        doc = document(path) if document is not None else None
        if doc is not None:
            prose_text, segments = doc.text, doc.segments
        else:
            from ..markup import extract, format_for

            prose = extract(text, format_for(path))
            prose_text, segments = prose.text, prose.segments
    except Exception:  # the report must not fail where the linter already succeeded
        return []
    runs: list[tuple[int, int]] = []
    if not segments:
        if len(prose_text) != len(text):
            return []
        for ws in re.finditer(r"[\s\u2060\u3164]+", prose_text):  # blanks and markup.JOINERS
            a, b = ws.span()
            if text[a:b] != prose_text[a:b]:
                runs.extend((a + m.start(), a + m.end()) for m in re.finditer(r"\S+", text[a:b]))
        return _joined(runs, text)
    shown = bytearray(len(text))  # 1: prose
    segs = segments
    for k, (p, src, linear) in enumerate(segs):
        p_end = segs[k + 1][0] if k + 1 < len(segs) else len(prose_text)
        piece = prose_text[p:p_end]
        if linear:
            for m in re.finditer(r"\S+", piece):
                shown[src + m.start(): src + m.end()] = b"\x01" * (m.end() - m.start())
        elif piece.strip():  # a decoded entity: its source runs to the next segment's
            src_end = segs[k + 1][1] if k + 1 < len(segs) else len(text)
            shown[src:src_end] = b"\x01" * (src_end - src)
    for m in re.finditer(r"\S+", text):
        a, b = m.span()
        i = a
        while i < b:
            if shown[i]:
                i += 1
                continue
            j = i
            while j < b and not shown[j]:
                j += 1
            runs.append((i, j))
            i = j
    return _joined(runs, text)


def _joined(runs: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Runs separated only by spaces on one line, as one run."""
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and not text[out[-1][1]:a].strip(" \t"):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _article(path: str, text: str | None, findings: list[tuple[int, object]], document=None):
    if text is None:
        return None
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    per_line: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for gid, f in findings:
        for i, s, e in _spans(f, lines):
            per_line[i].append((s, e, gid))
    # Markup, dimmed: offsets in the text, turned into (line, column) spans.
    starts, at = [], 0
    for ln in text.split("\n"):
        starts.append(at)
        at += len(ln) + 1
    from bisect import bisect_right

    for a, b in _markup_runs(text, path, document):
        i = bisect_right(starts, a) - 1
        if i < len(lines):
            s, e = a - starts[i], min(b - starts[i], len(lines[i]))
            if e > s:
                per_line[i].append((s, e, MARKUP))
    firsts: set[int] = set()
    return [_render_line(i + 1, ln, per_line.get(i, []), firsts) for i, ln in enumerate(lines)]


def _families(ids) -> dict[str, dict]:
    known = [f for f in FAMILIES if f in ids]
    extra = sorted(set(ids) - set(FAMILIES))
    out = {}
    for fam in known:
        label, tint, ink, style = FAMILIES[fam]
        out[fam] = {"id": fam, "cls": _css_name(fam), "label": label, "tint": tint, "ink": ink, "style": style}
    for i, fam in enumerate(extra):
        tint, ink, style = EXTRA[i % len(EXTRA)]
        out[fam] = {"id": fam, "cls": _css_name(fam), "label": fam, "tint": tint, "ink": ink, "style": style}
    return out


def look_css(family_ids) -> str:
    """The report's CSS and the colours of these families, for another page in the report's
    look (the live page of ``lintnews serve``)."""
    families = _families(set(family_ids))
    return (TEMPLATES / "report.css").read_text(encoding="utf-8") + "".join(
        f".fam-{f['cls']} {{ --tint: {f['tint']}; --ink: {f['ink']}; --line: {f['style']}; }}\n" for f in families.values()
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _context(report) -> dict:
    findings = list(report.findings)
    by_path: dict[str, list[tuple[int, object]]] = defaultdict(list)
    for gid, f in enumerate(findings):
        by_path[f.path].append((gid, f))
    paths = list(dict.fromkeys(list(report.paths) + [f.path for f in findings]))
    order = sorted(paths, key=lambda p: (-len(by_path.get(p, ())), p))
    texts = {p: report.source_text(p) if report.source_text else None for p in order}

    families = _families({_family(f.rule) for f in findings} | {_family(r.id) for r in report.rules})
    fam_count = Counter(_family(f.rule) for f in findings)
    sev_count = Counter(f.severity for f in findings)
    rule_count = Counter(f.rule for f in findings)
    first_of_rule: dict[str, int] = {}
    articles = []
    for n, p in enumerate(order, 1):
        fs = by_path.get(p, [])
        for gid, f in fs:
            first_of_rule.setdefault(f.rule, gid)
        articles.append(
            {
                "anchor": f"a{n}",
                "path": printable(p),  # a name holding a line break must not start a line of its own
                # A Word draft's positions are paragraph numbers (line = paragraph): say so.
                "gutter": "¶" if p.lower().endswith(".docx") else "",
                "count": len(fs),
                "families": [(fam, c) for fam, c in sorted(Counter(_family(f.rule) for _, f in fs).items(),
                                                           key=lambda kv: list(families).index(kv[0]))],
                "lines": _article(p, texts[p], fs, report.document),
                "errors": [e.message for e in report.errors if e.path == p],
            }
        )
    explanations = {}
    for rid in sorted(rule_count):
        e = report.explain(rid) if report.explain else None
        explanations[rid] = (
            {
                "id": e["id"], "kind": e["kind"], "severity": e["severity"], "scope": e["scope"],
                "summary": e["summary"], "rationale": e["rationale"], "sources": e["sources"], "link": e["link"],
                "flags": e["flag"], "passes": e["pass"], "location": e["location"],
                "fix": e["fix"] or "", "fix_how": e["fix_how"],
                "fixes": [[a, b] for a, b in e["fix_examples"] if a != b],
            }
            if e is not None
            else {"id": rid, "summary": "", "rationale": "", "sources": [], "link": "", "flags": [], "passes": []}
        )
    rules = sorted(rule_count.items(), key=lambda kv: (-kv[1], kv[0]))
    data = {
        "findings": [
            {"r": f.rule, "s": f.severity, "m": f.message, "g": list(f.suggestions), "p": printable(f.path),
             "l": f.line, "c": f.column}
            for f in findings
        ],
        "rules": explanations,
        "families": {k: v["label"] for k, v in families.items()},
    }
    return {
        "version": __version__,
        "title": order[0] if len(order) == 1 else f"{len(order)} files",
        "findings": findings,
        "articles": articles,
        "families": families,
        "fam_count": fam_count,
        "sev_count": sev_count,
        "severities": SEVERITIES,
        "rules": [(rid, c, _family(rid), explanations[rid], first_of_rule[rid]) for rid, c in rules],
        "errors": [{"path": printable(e.path), "message": printable(e.message)} for e in report.errors],
        "files_checked": report.files_checked,
        "data": data,
        "family": _family,
        "short": _short,
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "js": (TEMPLATES / "report.js").read_text(encoding="utf-8"),
    }


def format_html(report) -> str:
    import jinja2
    import markupsafe

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ctx = _context(report)
    # The static CSS and script are ours, not the input's: inline them as they are.
    ctx["css"] = markupsafe.Markup(ctx["css"])
    ctx["js"] = markupsafe.Markup(ctx["js"])
    return env.get_template("report.html.j2").render(ctx).rstrip("\n")
