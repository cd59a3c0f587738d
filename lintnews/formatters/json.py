"""``--format json``: the machine-readable interface others build on. Its shape is fixed:
``{"version": 1, "findings": [...], "errors": [{"path", "message"}]}``."""

from __future__ import annotations

import json
from .. import rx

# A file name that is not valid UTF-8 reaches lintnews with its bytes as lone surrogates
# (U+DC80-U+DCFF), which no output encoding accepts. In JSON they are written as \u
# escapes: a reader gets back exactly the string Python had, and os.fsencode() of it is
# the file's real name.
_SURROGATE_RE = rx.compile("[\ud800-\udfff]")


def dumps(value) -> str:
    """``json.dumps`` that any stream can print, whatever the file names."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    if _SURROGATE_RE.search(text):
        text = _SURROGATE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def format_json(report) -> str:
    return dumps(
        {
            "version": 1,
            "findings": [f.to_json() for f in report.findings],
            "errors": [e.to_json() for e in report.errors],
        }
    )
