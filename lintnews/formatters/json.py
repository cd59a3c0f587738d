"""``--format json``: the machine-readable interface others build on. Its shape is fixed:
``{"version": 1, "findings": [...], "errors": [{"path", "message"}]}``."""

from __future__ import annotations

import json


def format_json(report) -> str:
    return json.dumps(
        {
            "version": 1,
            "findings": [f.to_json() for f in report.findings],
            "errors": [e.to_json() for e in report.errors],
        },
        ensure_ascii=False,
        indent=2,
    )
