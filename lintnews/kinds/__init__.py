"""Rule kinds: one module each. Adding a kind is adding a module and one line below.

The table maps the YAML ``kind:`` to ``module:Class``; modules are imported only when a
rule of that kind is loaded, so a run that needs no textstat never imports it.
"""

from __future__ import annotations

import importlib

KINDS = {
    "phrases": "lintnews.kinds.phrases:PhrasesRule",
    "pattern": "lintnews.kinds.pattern:PatternRule",
    "repetition": "lintnews.kinds.repetition:RepetitionRule",
    "consistency": "lintnews.kinds.consistency:ConsistencyRule",
    "metric": "lintnews.kinds.metric:MetricRule",
    "names": "lintnews.kinds.names:NamesRule",
    "attribution": "lintnews.kinds.attribution:AttributionRule",
    "scare_quotes": "lintnews.kinds.scare_quotes:ScareQuotesRule",
}


def kind_class(kind: str):
    """The Rule class for ``kind``; KeyError when there is none."""
    module, _, cls = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module), cls)
