"""Output formats, one small module each. ``FORMATTERS`` is where ``--format`` choices come from.

A formatter gets every file's findings and errors once, at the end (the sorted order a
reader expects), and returns the text to print; the CLI decides where it goes.
"""

from __future__ import annotations

import importlib

FORMATTERS = {
    "text": "lintnews.formatters.text:format_text",
    "json": "lintnews.formatters.json:format_json",
    "github": "lintnews.formatters.github:format_github",
    "sarif": "lintnews.formatters.sarif:format_sarif",
    "html": "lintnews.formatters.html:format_html",
}


def get_formatter(name: str):
    module, _, func = FORMATTERS[name].partition(":")
    return getattr(importlib.import_module(module), func)
