"""``--format sarif``: a SARIF 2.1.0 log, as GitHub code scanning accepts it."""

from __future__ import annotations

import os
from urllib.parse import quote

from .. import __version__

LEVELS = {"error": "error", "warning": "warning", "suggestion": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A relative URI reference, as SARIF requires: spaces, non-ASCII and control characters
    percent-encoded, from the name's bytes (a name that is not UTF-8 keeps its bytes)."""
    if path == "-":
        return "stdin"
    return quote(os.fsencode(path.replace(os.sep, "/")))


def format_sarif(report) -> str:
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = []
    for r in rules:
        d = {
            "id": r.id,
            "name": r.id,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.description or r.summary},
            "defaultConfiguration": {"level": LEVELS[r.severity]},
            "properties": {"kind": r.kind, "scope": r.scope},
        }
        if r.link:
            d["helpUri"] = r.link
        descriptors.append(d)
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.rule,
            "level": LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                            "snippet": {"text": f.match},
                        },
                    }
                }
            ],
            "partialFingerprints": {"lintnews/v1": f"{f.rule}:{f.match.lower()}:{f.line}"},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.suggestions:
            result["properties"] = {"suggestions": list(f.suggestions)}
        if f.fix is not None and f.fix.safe:  # SARIF fixes are proposed edits; unsafe ones stay suggestions
            result["fixes"] = [
                {
                    "description": {"text": f"Replace with '{f.fix.replacement}'" if f.fix.replacement else "Delete"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": f.line,
                                        "startColumn": f.column,
                                        "endLine": f.end_line,
                                        "endColumn": f.end_column,
                                    },
                                    "insertedContent": {"text": f.fix.replacement},
                                }
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": e.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.path)}}}],
        }
        for e in report.errors
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lintnews",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}
                ],
                "results": results,
            }
        ],
    }
    from .json import dumps

    return dumps(log)
