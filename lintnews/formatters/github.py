"""``--format github``: GitHub Actions workflow commands, shown as annotations on the pull request."""

from __future__ import annotations

LEVELS = {"error": "error", "warning": "warning", "suggestion": "notice"}


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
