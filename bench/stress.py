#!/usr/bin/env python3
"""Hostile and degenerate inputs: CPU seconds and peak memory of a whole lintnews run on each.

    python3 bench/stress.py                 # every case
    python3 bench/stress.py md-brackets     # the cases whose name contains this
    python3 bench/stress.py --limit 30      # kill a run after 30 s (default 60)

Each case writes its input to a temporary folder and runs `python -m lintnews check` on it
in a subprocess of a small wrapper process, which reports `resource.getrusage
(RUSAGE_CHILDREN)`: user + system CPU seconds, and the peak resident memory of lintnews
(its forked helper included). "over" is the peak above a run on a one-line file of the
same format, so the interpreter and the compiled rules are not charged to the input;
"MiB/MB" divides it by the input's size. "warm" is MiB/MB again, above a run on a 64-word
paragraph instead, which every rule reads: the one-off loads that real copy triggers
(pyphen's patterns, about 1 MB, for the grade level's syllables; the attribution patterns a
sentence needs) are then not charged to the input either. A case that triggers them is
charged them in "over"; one that does not is under-counted by them in "warm": the input's
own cost lies between the two. "after" measures it: the input is linted in the same run
right after the 64-word paragraph (a file of its own, read first), and the peak above a run
on that paragraph alone is divided by the input's size; every one-off load is paid before
the input is read, and nothing of the input is left out. Every run starts from a copy of one cache folder holding the
compiled rules and an empty table of syllables, so a figure does not depend on which words
earlier runs taught the table. "growth" runs the same input eight times over in one file
(inputs under 2 MB) and divides the extra peak by the extra megabytes: what each further MB
of such input costs, with no one-off load in it; for front matter it is another input (the
copies after the first are read as prose, whose words load pyphen's patterns). The inputs are those of issue 10's "Time
and memory" section; the target is under 5 s (or refused at once) and under 10 MiB per MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRAPPER = r"""
import json, resource, subprocess, sys
try:
    proc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=float(sys.argv[1]))
    code, err = proc.returncode, proc.stderr.decode("utf-8", "replace")
except subprocess.TimeoutExpired as exc:
    code, err = "timeout", ""
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss, "code": code,
                  "err": err.strip().splitlines()[-1][:160] if err.strip() else ""}))
"""

# The baseline: one line, long enough (60 words) for every rule to run on it, the grade
# level's syllable count included.
BASELINE_LINE = (
    "The council said on Monday that the new bridge over the river would open in March, two years later "
    "than planned, after engineers found cracks in the steel supports; residents who had campaigned for a "
    "cheaper route told reporters they were relieved the work was nearly done but angry that the cost had "
    "doubled and that nobody had explained why the delays kept growing.\n"
)
BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


GROWTH_COPIES = 8  # the "growth" column: the input this many times over in one file
GROWTH_MAX_BYTES = 2_000_000  # ... for inputs under this size


def _text(folder: Path, name: str, text: str) -> list[str]:
    (folder / name).write_text(text, encoding="utf-8")
    return [name]


def case_md_brackets(d):
    return _text(d, "brackets.md", "[" * 80_000 + "\n\nThe regime said no.\n")


def case_md_heading_spaces(d):
    return _text(d, "heading.md", "# Talks stall" + " " * 80_000 + "\n\nThe regime said no.\n")


def case_md_heading_then_space_line(d):
    return _text(d, "heading2.md", "# Talks stall\n" + " " * 80_000 + "\nThe regime said no.\n")


def case_txt_dots_and_email(d):
    return _text(d, "dots.txt", "a." * 40_000 + " Write to desk@example.com. The regime said no.\n")


def case_md_image_brackets(d):
    return _text(d, "bang.md", "![" * 40_000 + "\n\nThe regime said no.\n")


def case_md_base64_image(d):
    data = (BASE64 * (100_000 // len(BASE64) + 1))[:100_000]
    return _text(d, "image.md", f"The regime said no. ![chart](data:image/png;base64,{data}) More text.\n")


def case_md_one_line_comment(d):
    return _text(d, "comment.md", "The regime said no. <!-- " + "note " * 20_000 + "--> More text.\n")


def case_html_one_line_comment(d):
    return _text(d, "comment.html", "<p>The regime said no. <!-- " + "note " * 20_000 + "--> More.</p>\n")


def case_html_nested_divs(d):
    return _text(d, "divs.html", "<div>" * 100_000 + "The regime said no." + "</div>" * 100_000 + "\n")


def case_md_nested_divs(d):
    return _text(d, "divs.md", "<div>" * 100_000 + "The regime said no." + "</div>" * 100_000 + "\n")


def case_md_front_matter_4000_lines(d):
    fm = "".join(f"key{i}: value number {i}\n" for i in range(4_000))
    return _text(d, "fm.md", f"---\n{fm}---\n\nThe regime said no.\n")


def case_md_front_matter_11mb(d):
    line = "summary: The minister said the talks would resume on Monday in Vienna.\n"
    fm = line * (11_000_000 // len(line))
    return _text(d, "fm11.md", f"---\n{fm}---\n\nThe regime said no.\n")


def case_md_unclosed_front_matter_fences(d):
    return _text(d, "fences.md", "---\ntitle: Talks\n" + "```\ncode\n" * 30_000 + "\nThe regime said no.\n")


def case_txt_catastrophic_skip_pattern(d):
    (d / ".lintnews.yaml").write_text("skip: ['(x+x+)+y']\n", encoding="utf-8")
    return _text(d, "skip.txt", "The regime said no.\n" + "x" * 5_000 + "\n")


def case_rule_file_50mb(d):
    with open(d / "huge.yaml", "w", encoding="utf-8") as fh:
        fh.write("rules:\n")
        item = "- id: loaded.x{0}\n  kind: phrases\n  terms: [word{0}]\n"
        i = 0
        while fh.tell() < 50_000_000:
            fh.write("".join(item.format(i + k) for k in range(1000)))
            i += 1000
    _text(d, "a.txt", "The regime said no.\n")
    return ["--rules", "huge.yaml", "a.txt"]


def case_fifo_in_folder(d):
    (d / "desk").mkdir()
    (d / "desk" / "a.txt").write_text("The regime said no.\n", encoding="utf-8")
    os.mkfifo(d / "desk" / "pipe.txt")
    return ["desk"]


def case_dev_zero(d):
    return ["/dev/zero"]


def case_txt_1mb_reference(d):
    article = (ROOT / "bench" / "article.txt").read_text(encoding="utf-8")
    return _text(d, "onemb.txt", (article * (1_000_000 // len(article) + 1))[:1_000_000])


def case_md_1mb_reference(d):
    article = (ROOT / "bench" / "article.txt").read_text(encoding="utf-8")
    return _text(d, "onemb.md", (article * (1_000_000 // len(article) + 1))[:1_000_000])


CASES = {name[5:].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("case_")}


def input_bytes(folder: Path, args: list[str]) -> int:
    total = 0
    for a in args:
        p = folder / a
        if p.is_file():
            total += p.stat().st_size
        elif p.is_dir():
            total += sum(f.stat().st_size for f in p.iterdir() if f.is_file())
    return total


def measure(folder: Path, args: list[str], limit: float, cache: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               LINTNEWS_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-c", WRAPPER, str(limit), sys.executable, "-m", "lintnews", "check", "-q", "--format", "json", *args]
    out = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, timeout=limit + 60)
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("only", nargs="*", help="run only the cases whose name contains one of these")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds before a run is killed (default 60)")
    opts = ap.parse_args()
    names = [n for n in CASES if not opts.only or any(o in n for o in opts.only)]
    baselines: dict[str, int] = {}
    warm: dict[str, int] = {}
    warm_files: dict[str, Path] = {}
    worst = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="lintnews-stress-") as tmp:
        cache = Path(tmp) / "cache"

        def run(d: Path, args: list[str]) -> dict:
            fresh = Path(tmp) / "cache-run"  # the compiled rules, an empty table of syllables
            shutil.copytree(cache, fresh)
            try:
                return measure(d, args, opts.limit, fresh)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)

        for suffix in ("txt", "md", "html"):
            d = Path(tmp) / f"base-{suffix}"
            d.mkdir()
            (d / f"a.{suffix}").write_text("The regime said no.\n", encoding="utf-8")
            (d / f"b.{suffix}").write_text(BASELINE_LINE, encoding="utf-8")
            measure(d, [f"a.{suffix}"], opts.limit, cache)  # compile the rules into the cache
            baselines[suffix] = run(d, [f"a.{suffix}"])["maxrss_kb"]
            warm[suffix] = run(d, [f"b.{suffix}"])["maxrss_kb"]
            warm_files[suffix] = d / f"b.{suffix}"
        print("baseline peak memory, one line / a 64-word paragraph: "
              + ", ".join(f".{k} {v / 1024:.1f} / {warm[k] / 1024:.1f} MiB" for k, v in baselines.items()))
        print(f"{'case':36} {'input':>9} {'exit':>7} {'CPU s':>7} {'peak MiB':>9} {'over':>7} {'MiB/MB':>7} {'warm':>7}"
              f" {'after':>7} {'growth':>7}  last stderr line")
        for name in names:
            d = Path(tmp) / name
            d.mkdir()
            args = CASES[name](d)
            size = input_bytes(d, args)
            r = run(d, args)
            suffix = next((a.rsplit(".", 1)[1] for a in args if a.rsplit(".", 1)[-1] in baselines), "txt")
            over = max(0, r["maxrss_kb"] - baselines[suffix]) / 1024
            over_warm = max(0, r["maxrss_kb"] - warm[suffix]) / 1024
            per_mb = over / (size / 1e6) if size else 0.0
            per_mb_warm = over_warm / (size / 1e6) if size else 0.0
            after = "-"
            if size and args and all((d / a).is_file() for a in args) and r["code"] in (0, 1):
                # The paragraph first (its name sorts first, too), then the input, in one run.
                first = d / f"0-warm.{suffix}"
                shutil.copyfile(warm_files[suffix], first)
                r_after = run(d, [first.name, *args])
                first.unlink()
                if r_after["code"] in (0, 1):
                    per_mb_after = max(0, r_after["maxrss_kb"] - warm[suffix]) / 1024 / (size / 1e6)
                    after = f"{per_mb_after:7.1f}"
                    worst = max(worst, (per_mb_after, name))
            growth = "-"
            if len(args) == 1 and (d / args[0]).is_file() and 0 < size < GROWTH_MAX_BYTES and r["code"] in (0, 1):
                # The same input GROWTH_COPIES times over in one file: what each further MB costs,
                # free of the one-off costs a first run of some rule pays (its patterns, pyphen's).
                big = Path(tmp) / f"{name}-x{GROWTH_COPIES}"
                big.mkdir()
                (big / args[0]).write_bytes((d / args[0]).read_bytes() * GROWTH_COPIES)
                r_big = run(big, args)
                if r_big["code"] in (0, 1):
                    growth = f"{(r_big['maxrss_kb'] - r['maxrss_kb']) / 1024 / (size * (GROWTH_COPIES - 1) / 1e6):7.1f}"
            print(
                f"{name:36} {size / 1e6:8.2f}M {str(r['code']):>7} {r['cpu']:7.2f} {r['maxrss_kb'] / 1024:9.1f} "
                f"{over:7.1f} {per_mb:7.1f} {per_mb_warm:7.1f} {after:>7} {growth:>7}  {r['err']}"
            )
        if worst[1]:
            verdict = "under" if worst[0] < 10 else "OVER"
            print(f"most memory an input itself costs (\"after\"): {worst[0]:.1f} MiB per MB ({worst[1]}): {verdict} the 10 MiB target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
