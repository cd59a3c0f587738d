"""``--format github``: GitHub Actions workflow commands, shown as annotations on the pull request."""

from __future__ import annotations

from ..finding import printable

LEVELS = {"error": "error", "warning": "warning", "suggestion": "notice"}


def _data(value: str) -> str:
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _prop(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(report) -> str:
    lines = []
    for f in report.findings:
        message = f.message
        if f.suggestions:
            message += " (suggestion: " + ", ".join(f.suggestions) + ")"
        lines.append(
            f"::{LEVELS[f.severity]} file={_prop(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={_prop(f.rule)}::{_data(message)}"
        )
    for e in report.errors:
        lines.append(f"::error file={_prop(e.path)},title=lintnews::{_data(e.message)}")
    return "\n".join(lines)


# GitHub shows at most this many annotations of each level per step, and drops the rest.
ANNOTATIONS_SHOWN = 10
SUMMARY_LIMIT = 1_000_000  # bytes: GitHub refuses a step summary over 1 MiB


def hidden_annotations(report) -> str:
    """How many annotations GitHub will not show, by level ("14 warnings, 3 errors"), or ""."""
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[LEVELS[f.severity]] = counts.get(LEVELS[f.severity], 0) + 1
    counts["error"] = counts.get("error", 0) + len(report.errors)
    parts = []
    for level in ("error", "warning", "notice"):
        over = counts.get(level, 0) - ANNOTATIONS_SHOWN
        if over > 0:
            parts.append(f"{over} {level}{'s' if over != 1 else ''}")
    return ", ".join(parts)


def _cell(value) -> str:
    """Text safe in one Markdown table cell: no line break, no pipe, no HTML."""
    text = printable(" ".join(str(value).split()))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("`", "\\`")


def step_summary(report) -> str:
    """Every finding and error as Markdown, for ``$GITHUB_STEP_SUMMARY``."""
    from .text import summary

    out = ["## lintnews", "", _cell(summary(report)), ""]
    hidden = hidden_annotations(report)
    if hidden:
        out += [f"GitHub shows at most {ANNOTATIONS_SHOWN} annotations of each level per step: {hidden} "
                "are listed here only.", ""]
    if report.findings:
        out += ["| file | line | column | severity | rule | message |", "| --- | ---: | ---: | --- | --- | --- |"]
        size = sum(len(line) + 1 for line in out)
        for n, f in enumerate(report.findings):
            message = f.message + (f" (suggestion: {', '.join(f.suggestions)})" if f.suggestions else "")
            row = f"| {_cell(f.path)} | {f.line} | {f.column} | {f.severity} | {_cell(f.rule)} | {_cell(message)} |"
            size += len(row.encode("utf-8", "replace")) + 1
            if size > SUMMARY_LIMIT - 2000:
                out += ["", f"… and {len(report.findings) - n} more findings (the summary is limited to 1 MiB)."]
                break
            out.append(row)
        out.append("")
    if report.errors:
        out += ["| file | error |", "| --- | --- |"]
        out += [f"| {_cell(e.path)} | {_cell(e.message)} |" for e in report.errors[:1000]]
        out.append("")
    return "\n".join(out) + "\n"
