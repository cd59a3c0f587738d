"""``--format text``: one line per finding, ``path:line:col: severity rule-id message``,
sorted by position, then a summary. With ``--show-source`` each finding is followed by its
line and a caret under the span, the way an editor wants to read a draft."""

from __future__ import annotations


from ..finding import printable

# ANSI colour codes of each severity (red, yellow, cyan), written out: the same codes as
# click.style, without importing click into every run.
COLOURS = {"error": 31, "warning": 33, "suggestion": 36}


def style(text: str, fg: int | None = None, bold: bool = False, dim: bool = False) -> str:
    codes = ([f"\033[{fg}m"] if fg else []) + (["\033[1m"] if bold else []) + (["\033[2m"] if dim else [])
    return "".join(codes) + text + "\033[0m"
WINDOW = 100  # characters of a long source line shown around the span


def shown_path(path: str) -> str:
    """A path as a text line may start with it: printable, and never starting with ``::``
    (a GitHub workflow command)."""
    path = printable(path)
    return "./" + path if path.startswith("::") else path


def _excerpt(line: str, col: int, end_col: int) -> tuple[str, int, int]:
    """A window of a long line around the span, with columns shifted to match. Control
    characters are shown as their one-character pictures (an article's escape sequences
    never reach the terminal), so the caret stays under the span."""
    line = printable(line.replace("\t", " "))
    if len(line) <= WINDOW:
        return line, col, end_col
    start = max(0, col - 1 - WINDOW // 3)
    end = min(len(line), start + WINDOW)
    prefix = "…" if start else ""
    suffix = "…" if end < len(line) else ""
    return prefix + line[start:end] + suffix, col - start + len(prefix), min(end_col, end + 1) - start + len(prefix)


def line_label(path: str, line: int) -> str:
    """``12``; in a Word draft, whose lines are its paragraphs, ``¶12``."""
    return f"¶{line}" if path.lower().endswith(".docx") else str(line)


def format_text(report) -> str:
    colour = report.color
    out = []
    for f in report.findings:
        sev = style(f.severity, fg=COLOURS[f.severity], bold=True) if colour else f.severity
        rule = style(f.rule, dim=True) if colour else f.rule
        out.append(f"{shown_path(f.path)}:{line_label(f.path, f.line)}:{f.column}: {sev} {rule} {printable(f.message)}")
        if report.show_source and report.source_line:
            text = report.source_line(f.path, f.line)
            if text is not None:
                shown, col, end_col = _excerpt(text, f.column, f.end_column if f.end_line == f.line else len(text) + 1)
                gutter = f"{line_label(f.path, f.line):>5} | "
                out.append(gutter + shown)
                width = max(1, end_col - col)
                carets = "^" * width
                out.append(" " * (len(gutter) - 2) + "| " + " " * (col - 1) + (style(carets, fg=COLOURS[f.severity]) if colour else carets))
                if f.suggestions:
                    out.append(" " * (len(gutter) - 2) + "= suggestion: " + printable(", ".join(f.suggestions)))
                if f.fix is not None:
                    what = f"replace with '{printable(f.fix.replacement)}'" if f.fix.replacement else "delete"
                    how = "--fix" if f.fix.safe else "--fix --unsafe-fixes"
                    out.append(" " * (len(gutter) - 2) + f"= fix ({how}): {what}")
    if not report.quiet:
        out.append(summary(report))
        hint = fix_hint(report)
        if hint:
            out.append(hint)
    return "\n".join(out)


def fix_hint(report) -> str:
    safe, unsafe = getattr(report, "fixable", 0), getattr(report, "unsafe_fixable", 0)
    if safe and unsafe:
        return f"{safe} fixable with --fix ({unsafe} more with --fix --unsafe-fixes); --diff shows the changes first."
    if safe:
        return f"{safe} fixable with --fix; --diff shows the changes first."
    if unsafe:
        return f"{unsafe} fixable with --fix --unsafe-fixes (word choices: review them with --diff --unsafe-fixes)."
    return ""


def summary(report) -> str:
    counts = {s: 0 for s in ("error", "warning", "suggestion")}
    for f in report.findings:
        counts[f.severity] += 1
    n = len(report.findings)
    files = report.files_checked
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "suggestion") if counts[s]]
    head = f"{n} finding{'s' if n != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    tail = f" in {files} file{'s' if files != 1 else ''}"
    problems = f"; {len(report.errors)} file{'s' if len(report.errors) != 1 else ''} could not be fully read" if report.errors else ""
    return head + tail + problems + "."
