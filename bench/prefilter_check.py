#!/usr/bin/env python3
"""Are the pre-filters sound on real copy? Exit 0 if they are.

    python3 bench/prefilter_check.py                  # every article of shared/eval/bbc
    python3 bench/prefilter_check.py FILE ...          # these files

The attribution rules run a pattern only on sentences holding a word of each of its needs
(``lintnews/literals.py``), found through one walk over the document's tokens. For every
distinct shipped attribution pattern and every sentence of every file, where that walk
says the pattern cannot match, the pattern is run anyway: a match is a bug (a finding the
rules would miss). The walk's trigger words of each sentence are compared with
``Document.sentence_words`` too. A pattern rule (``kind: pattern``) is not run on a document
lacking every word of one of its needs: there the pattern is run anyway too. Takes a few
minutes on the 2,225 BBC articles.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import ROOT, bbc_articles  # noqa: E402

sys.path.insert(0, str(ROOT))

from lintnews.document import Document  # noqa: E402
from lintnews.kinds import attribution  # noqa: E402
from lintnews.literals import fold  # noqa: E402
from lintnews.loader import default_packs_dir, load_rules  # noqa: E402
from lintnews.sources import read_file  # noqa: E402

FIELDS = ("claims", "answers", "pronoun_answers", "context_answers", "earlier_answers")


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    files = [Path(a) for a in argv] or bbc_articles()
    if not files:
        print("prefilter_check: no files (and no shared/eval/bbc)", file=sys.stderr)
        return 2
    packs = load_rules([default_packs_dir()])
    rules = [r for r in packs if r.kind == "attribution"]
    patterns_with_needs = [r for r in packs if r.kind == "pattern" and r.needs]
    sets = [getattr(r, f) for r in rules for f in FIELDS if getattr(r, f) is not None]
    skipped = missed = wrong_triggers = sentences = 0
    for path in files:
        source = read_file(str(path))
        if source.text is None:
            print(f"{path}: {'; '.join(e.message for e in source.errors)}", file=sys.stderr)
            continue
        doc = Document.from_source(str(path), source.text)
        folded = fold(doc.text)
        for rule in patterns_with_needs:
            if all(any(w in folded for w in alts) for alts in rule.needs):
                continue
            skipped += 1
            m = rule.regex.search(doc.text, timeout=5)
            if m is not None:
                missed += 1
                print(f"{path}: {rule.id} skipped the document, but its pattern matches {m.group()!r}")
        state = attribution._DocState(doc)
        narration = state.narration
        words = doc.sentence_words
        by_sentence: dict[int, set[str]] = {}
        for w, ks in words.items():
            if w in attribution._TRIGGERS:
                for k in ks:
                    by_sentence.setdefault(k, set()).add(w)
        for k, (s, e) in enumerate(doc.sentences):
            sentences += 1
            if set(state.triggers_in(k)) != by_sentence.get(k, set()):
                wrong_triggers += 1
                print(f"{path}: sentence {k}: trigger words differ from Document.sentence_words")
            if e - s > attribution.MAX_SENTENCE_CHARS:
                continue
            chunk = narration[s:e]
            for patterns in sets:
                active = set(patterns.active(state, k))
                for i in range(len(patterns)):
                    if i in active:
                        continue
                    skipped += 1
                    m = patterns.patterns[i].search(chunk, timeout=5)
                    if m is not None:
                        missed += 1
                        print(f"{path}: sentence {k}: skipped pattern matches {m.group()!r}: {patterns.patterns[i].pattern[:80]}")
    print(f"{len(files)} files, {sentences} sentences, {skipped} skipped pattern runs: "
          f"{missed} would have matched, {wrong_triggers} sentences with other trigger words")
    return 1 if missed or wrong_triggers else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
