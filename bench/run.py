#!/usr/bin/env python3
"""Benchmark lintnews against its peers. Prints figures; it is not a test and always exits 0.

Every figure is whole-process wall time, start-up included, the median of several runs,
measured side by side in one run of this script:

  * ``python -c pass`` (the floor: interpreter start-up alone);
  * lintnews with every default pack, on one article and on a 1 MB file;
  * proselint 0.16, write-good and textlint on the same two files (installed into
    ``bench/.cache/`` on first use; a peer that cannot be installed is skipped with a message);
  * a phrases pack of 100 vs 10,000 generated phrases on the 1 MB file (target ratio < 1.5);
  * ``--jobs 1`` vs ``--jobs 2`` on a directory of many articles.

Usage:  python3 bench/run.py [--runs N] [--no-peers] [--article FILE] [--breakdown]

The 1 MB file and the directory are built from ``../shared/eval/bbc/`` (relative to the
project root) when it is there, else from the bench article repeated.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
ARTICLE = BENCH / "article.txt"
EXAMPLE = ROOT.parent / "shared" / "examples" / "russia-iran-wire.txt"
BBC = ROOT.parent / "shared" / "eval" / "bbc"

PROSELINT_VERSION = "0.16.0"
NPM_PEERS = ["write-good", "textlint", "textlint-rule-write-good"]
TEXTLINTRC = {"rules": {"write-good": True}}

# Targets from the issue (proselint figures measured on this machine by the issue's author).
ISSUE_FIGURES = {"proselint": (0.094, 1.69), "write-good": (0.072, 2.59), "textlint": (0.29, 0.92), "python -c pass": (0.008, None)}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- timing ------------------------------------------------------------------------


LAST_CPU: list[float | None] = [None]  # median user+sys CPU seconds of the last time_command
SLOW = 5.0  # a run slower than this is not repeated: its one figure is precise enough
TIMEOUT = 300.0


def time_command(cmd: list[str], runs: int, cwd: Path | None = None, env: dict | None = None,
                 any_exit: bool = False) -> tuple[float | None, str]:
    """Median wall time of ``cmd`` over ``runs`` runs (after one warm-up), and a note.

    Exit codes 0 and 1 are both success for a linter (1 = it found something). Anything
    else is reported and the figure is dropped, unless ``any_exit`` (write-good exits with
    the number of problems it found)."""
    times = []
    cpus = []
    note = ""
    LAST_CPU[0] = None
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, f"gave up after {TIMEOUT:.0f} s"
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        if proc.returncode == 2 and err and not any(line.startswith("lintnews: error:") for line in err):
            # lintnews linted everything but reported a problem with an input (e.g. a rule that
            # ran out of time): the figure stands, and the message is shown.
            note = f"exit 2: {err[0]}"[:300]
        elif proc.returncode not in (0, 1) and not (any_exit and proc.returncode > 0 and not err):
            return None, f"exit {proc.returncode}: {err[-1] if err else 'no message'}"[:300]
        if i == 0 and elapsed > SLOW:
            LAST_CPU[0] = cpu
            return elapsed, "; ".join(filter(None, [f"one run only ({elapsed:.1f} s)", note]))
        if i:  # the first run warms the page cache, .pyc files and lintnews's compiled-rule cache
            times.append(elapsed)
            cpus.append(cpu)
    LAST_CPU[0] = statistics.median(cpus)
    return statistics.median(times), note


def fmt(t: float | None, cpu: float | None = None) -> str:
    if t is None:
        return "n/a"
    return f"{t:.3f}" + (f" ({cpu:.3f})" if cpu is not None else "")


# --- inputs ------------------------------------------------------------------------


def bbc_articles() -> list[Path]:
    if not BBC.is_dir():
        return []
    return sorted(p for p in BBC.rglob("*.txt") if p.name.upper() != "README.TXT")


def build_megabyte(work: Path, article: Path) -> Path:
    """A file of at least 1 MB of news copy: BBC articles when present, else the bench article repeated."""
    out = work / "megabyte.txt"
    pieces: list[str] = []
    size = 0
    sources = bbc_articles()
    if sources:
        for p in sources:
            text = p.read_text(encoding="utf-8", errors="replace").strip() + "\n\n"
            pieces.append(text)
            size += len(text.encode("utf-8"))
            if size >= 1_000_000:
                break
    base = article.read_text(encoding="utf-8").strip() + "\n\n"
    while size < 1_000_000:
        pieces.append(base)
        size += len(base.encode("utf-8"))
    out.write_text("".join(pieces), encoding="utf-8")
    return out


def build_directory(work: Path, article: Path, count: int = 200) -> Path:
    folder = work / "articles"
    folder.mkdir()
    sources = bbc_articles()
    if sources:
        step = max(1, len(sources) // count)
        for i, p in enumerate(sources[::step][:count]):
            shutil.copyfile(p, folder / f"{i:03d}-{p.parent.name}-{p.name}")
    else:
        for i in range(count):
            shutil.copyfile(article, folder / f"{i:03d}.txt")
    return folder


WORDS = (
    "amber basin cobalt delta ember fable garnet harbour ivory juniper kestrel lantern meadow nimbus "
    "orchard pebble quarry russet saffron thistle umber velvet willow yarrow zephyr"
).split()


def phrase_pack(path: Path, n: int, common_first: bool, seed: int = 7) -> Path:
    """A phrases rule with ``n`` generated terms: invented words (so nothing real matches),
    a third of them two- or three-word phrases. With ``common_first``, 15% start with "the",
    as phrase lists do ("the regime", "the so-called"): then every "the" in the text is a
    candidate start for 15% of the pack."""
    rng = random.Random(seed)
    terms: list[str] = []
    seen: set[str] = set()
    while len(terms) < n:
        stem = rng.choice(WORDS) + rng.choice(WORDS)[:3] + str(rng.randrange(100_000))
        k = rng.random()
        if k < 0.15:
            term = f"the {stem}" if common_first else f"{stem} {rng.choice(WORDS)}"
        elif k < 0.3:
            term = f"{stem} {rng.choice(WORDS)}"
        elif k < 0.35:
            term = f"{stem} of {rng.choice(WORDS)}"
        else:
            term = stem
        if term not in seen:
            seen.add(term)
            terms.append(term)
    lines = [
        "rules:",
        f"- id: bench.phrases{n}",
        "  kind: phrases",
        "  severity: warning",
        "  message: \"'{match}' is a benchmark phrase\"",
        "  examples:",
        f"    flag: [\"A sentence with {terms[-1]} in it.\"]",
        "    pass: [\"A sentence with nothing in it.\"]",
        "  terms:",
    ]
    for i, t in enumerate(terms):
        lines.append(f"    {t}: [{WORDS[i % len(WORDS)]}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- peers -------------------------------------------------------------------------


def install_proselint() -> list[str] | None:
    target = CACHE / "proselint"
    marker = target / f".installed-{PROSELINT_VERSION}"
    if not marker.exists():
        say(f"bench: installing proselint {PROSELINT_VERSION} into {target} ...")
        shutil.rmtree(target, ignore_errors=True)
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-warn-script-location",
             "--target", str(target), f"proselint=={PROSELINT_VERSION}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        if proc.returncode != 0:
            say("bench: skipping proselint: pip could not install it:\n  " + proc.stdout.decode(errors="replace").strip()[-400:])
            return None
        marker.touch()
    # Run it the way its console script would, with the target on the path.
    launcher = (
        "import sys; sys.path.insert(0, %r); "
        "from proselint.command_line import main; sys.exit(main())" % str(target)
    )
    cmd = [sys.executable, "-c", launcher]
    probe = subprocess.run(cmd + ["--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    help_text = probe.stdout.decode(errors="replace")
    if probe.returncode != 0 and "Usage" not in help_text:
        say("bench: skipping proselint: it does not start:\n  " + help_text.strip()[-400:])
        return None
    # proselint 0.16 has subcommands (`proselint check FILE`); older ones took the file directly.
    return cmd + (["check"] if "check" in help_text.split("Commands:")[-1] else [])


def install_npm_peers() -> dict[str, tuple[list[str], Path | None]]:
    npm = shutil.which("npm")
    node = shutil.which("node")
    if not npm or not node:
        say("bench: skipping write-good and textlint: npm/node not found")
        return {}
    prefix = CACHE / "npm"
    bin_dir = prefix / "node_modules" / ".bin"
    if not all((bin_dir / b).exists() for b in ("write-good", "textlint")) or not (prefix / "node_modules" / "textlint-rule-write-good").is_dir():
        say(f"bench: installing {', '.join(NPM_PEERS)} into {prefix} ...")
        prefix.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(prefix), *NPM_PEERS],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        if proc.returncode != 0:
            say("bench: npm install failed (peers that did install are still used):\n  " + proc.stdout.decode(errors="replace").strip()[-400:])
    peers: dict[str, tuple[list[str], Path | None]] = {}
    if (bin_dir / "write-good").exists():
        peers["write-good"] = ([str(bin_dir / "write-good")], None)
    else:
        say("bench: skipping write-good: not installed")
    if (bin_dir / "textlint").exists():
        import json

        # textlint finds its rules and .textlintrc.json from its working directory.
        (prefix / ".textlintrc.json").write_text(json.dumps(TEXTLINTRC), encoding="utf-8")
        peers["textlint"] = ([str(bin_dir / "textlint")], prefix)
    else:
        say("bench: skipping textlint: not installed")
    return peers


# --- where the time goes ---------------------------------------------------------------

BREAKDOWN = r"""
import sys, time
T = [time.perf_counter()]
from lintnews import cli
T.append(time.perf_counter())
cfg = cli.load_settings(None)
linter = cli.build_linter(cfg)
T.append(time.perf_counter())
cli._check_house_names(linter)
T.append(time.perf_counter())
print(f"    start-up: imports {1000*(T[1]-T[0]):.0f} ms, loading rules {1000*(T[2]-T[1]):.0f} ms, "
      f"house names {1000*(T[3]-T[2]):.0f} ms")
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    t = time.perf_counter()
    doc = linter.document(path, text)
    _ = doc.tokens, doc.paragraphs, doc.sentences, doc.headlines, doc.quotes
    rows = [(time.perf_counter() - t, "document structure")]
    for cls, rules in linter.by_kind.items():
        for group in ([rules] if cls.BATCHED else [[r] for r in rules]):
            t = time.perf_counter()
            try:
                for _ in cls.check_all(group, doc, linter.ctx):
                    pass
                what = group[0].id if len(group) == 1 else f"{len(group)} {cls.KIND} rules"
            except Exception as exc:  # a pattern out of time
                what = f"{group[0].id} ({type(exc).__name__})"
            rows.append((time.perf_counter() - t, what))
    total = sum(r[0] for r in rows)
    print(f"    {path.rsplit('/', 1)[-1]}: {1000 * total:.0f} ms in rules and structure; the slowest:")
    for dt, what in sorted(rows, reverse=True)[:10]:
        print(f"      {1000 * dt:8.1f} ms  {what}")
"""


def breakdown(env: dict, cwd: Path, files: list[Path]) -> None:
    print()
    print("where lintnews spends its time (one in-process run; first use of each rule included):")
    proc = subprocess.run([sys.executable, "-c", BREAKDOWN, *map(str, files)], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(proc.stdout.rstrip())


# --- main --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="runs per figure on one article (median); 1 MB runs use half")
    ap.add_argument("--no-peers", action="store_true", help="do not install or run proselint, write-good, textlint")
    ap.add_argument("--article", type=Path, default=None, help="the one-article input (default: bench/article.txt)")
    ap.add_argument("--breakdown", action="store_true",
                    help="also print where lintnews spends its time: start-up phases and each rule, in-process")
    args = ap.parse_args(argv)
    runs_small = max(1, args.runs)
    runs_big = max(1, (args.runs + 1) // 2)

    CACHE.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lintnews-bench-"))
    try:
        return run(args, work, runs_small, runs_big)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path, runs_small: int, runs_big: int) -> int:
    article = work / "article.txt"
    shutil.copyfile(args.article or ARTICLE, article)
    megabyte = build_megabyte(work, args.article or ARTICLE)
    folder = build_directory(work, args.article or ARTICLE)
    n_files = len(list(folder.iterdir()))
    inputs = [("bench article", article)]
    if args.article is None and EXAMPLE.is_file():
        inputs.append(("example article", EXAMPLE))

    # An installed lintnews has its bytecode compiled by pip; the checkout may not (this
    # machine sets PYTHONDONTWRITEBYTECODE), and recompiling every module on every run
    # would time the compiler, not lintnews.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "lintnews")], check=False,
                   stdout=subprocess.DEVNULL)
    # lintnews runs from a clean directory (no config found upward) with the checkout on the path.
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NO_COLOR", None)
    lintnews = [sys.executable, "-m", "lintnews", "check", "--quiet"]
    runner_cwd = work / "cwd"
    runner_cwd.mkdir()

    peers: dict[str, tuple[list[str], Path | None]] = {}
    if not args.no_peers:
        prose = install_proselint()
        if prose:
            peers["proselint"] = (prose, None)
        peers.update(install_npm_peers())

    say(f"bench: timing (median of {runs_small} runs per article, {runs_big} per 1 MB file) ...")
    print(f"lintnews benchmark: whole process, start-up included, median wall time in seconds ({os.cpu_count()} cores);")
    print("in brackets: the median user+sys CPU time of the process, which a busy machine inflates less")
    print(f"inputs: {', '.join(f'{name} {p.stat().st_size:,} B' for name, p in inputs)}; 1 MB file {megabyte.stat().st_size:,} B"
          f" ({'BBC articles' if bbc_articles() else 'bench article repeated'})")
    print()

    floor, _ = time_command([sys.executable, "-c", "pass"], runs_small)
    floor_cpu = LAST_CPU[0]
    # Extra lintnews rows: what the readability pack costs on its own, and a run
    # without the compiled-rule cache (the first run after installing or editing a pack).
    no_cache = dict(env, LINTNEWS_NO_CACHE="1")
    tools = [
        ("lintnews", (lintnews, runner_cwd, env)),
        ("  -readability", (lintnews + ["--ignore", "readability"], runner_cwd, env)),
        ("  no rule cache", (lintnews, runner_cwd, no_cache)),
    ]
    tools += [(name, (cmd, cwd, env)) for name, (cmd, cwd) in peers.items()]
    results: dict[str, dict[str, float | None]] = {}
    cpu_results: dict[str, dict[str, float | None]] = {}
    headers = [label for label, _ in inputs] + ["1 MB file"]
    print(f"{'tool':<16}" + "".join(f"{h:>17}" for h in headers) + "   issue's figures (article / 1 MB)")
    print(f"{'python -c pass':<16}{fmt(floor, floor_cpu):>17}" + " " * (17 * (len(headers) - 1)) + f"   {ISSUE_FIGURES['python -c pass'][0]}", flush=True)
    for name, (cmd, cwd, tool_env) in tools:
        figures: list[float | None] = []
        cpu_figures: list[float | None] = []
        notes: list[str] = []
        for label, path in inputs + [("1 MB", megabyte)]:
            t, note = time_command(cmd + [str(path)], runs_big if label == "1 MB" else runs_small, cwd=cwd or runner_cwd, env=tool_env,
                                   any_exit=name == "write-good")
            figures.append(t)
            cpu_figures.append(LAST_CPU[0] if t is not None else None)
            if note:
                notes.append(f"{label}: {note}")
            results.setdefault(name, {})[label] = t
            cpu_results.setdefault(name, {})[label] = cpu_figures[-1]
        ref = ISSUE_FIGURES.get(name)
        tail = f"   {ref[0]} / {ref[1]}" if ref else ""
        print(f"{name:<16}" + "".join(f"{fmt(t, c):>17}" for t, c in zip(figures, cpu_figures)) + tail)
        for note in notes:
            print(f"{'':<16}  ! {note}", flush=True)
    for name in ("proselint", "write-good", "textlint"):
        if name not in peers:
            why = "--no-peers" if args.no_peers else "not installed; see the messages above"
            print(f"{name:<16}  (skipped: {why})")
    print()

    # Targets.
    ln = results.get("lintnews", {})
    pl = results.get("proselint", {})
    one, big = ln.get("bench article"), ln.get("1 MB")
    pl_one = pl.get("bench article") if pl else None
    pl_big = pl.get("1 MB") if pl else None
    ref_one, ref_big = ISSUE_FIGURES["proselint"]

    def cpu_note(label: str) -> str:
        mine, theirs = cpu_results.get("lintnews", {}).get(label), cpu_results.get("proselint", {}).get(label)
        if mine and theirs:
            return f"; CPU time {mine:.3f} s vs {theirs:.3f} s"
        return ""

    # Without a measured proselint, the issue's figures stand in. They come from a machine
    # that starts Python in 0.008 s; add this machine's extra start-up so that the
    # comparison is of the work done, not of the two interpreters' start-up.
    startup_gap = max(0.0, floor - ISSUE_FIGURES["python -c pass"][0]) if floor is not None else 0.0
    ref_one, ref_big = ref_one + startup_gap, ref_big + startup_gap
    ref_src = f"issue's figure + {startup_gap:.3f} s for this machine's slower Python start-up"

    print("targets:")
    if one is not None:
        against = pl_one if pl_one is not None else ref_one
        src = "measured" if pl_one is not None else ref_src
        print(f"  one article: lintnews {one:.3f} s vs proselint {against:.3f} s ({src}): "
              f"{'MET' if one <= against else 'MISSED'} (no slower){cpu_note('bench article')}")
    if big is not None:
        against = pl_big if pl_big is not None else ref_big
        src = "measured" if pl_big is not None else ref_src
        print(f"  1 MB file:   lintnews {big:.3f} s vs proselint {against:.3f} s ({src}): "
              f"{against / big:.1f}x faster, {'MET' if against / big >= 3 else 'MISSED'} (at least 3x){cpu_note('1 MB')}")

    # Phrases: 100 vs 10,000 (the first timed run after the warm-up uses the compiled-pack cache, if any).
    for common_first, what in ((False, "distinct first words"), (True, "15% start with 'the'")):
        packs = {}
        for n in (100, 10_000):
            d = work / f"pack{n}-{int(common_first)}"
            d.mkdir()
            rule = phrase_pack(d / "phrases.yaml", n, common_first)
            (d / ".lintnews.yaml").write_text(f"default_rules: false\nrules: [{rule.name}]\n", encoding="utf-8")
            t, note = time_command(lintnews + [str(megabyte)], runs_big, cwd=d, env=env)
            packs[n] = t
            if note:
                print(f"  phrases {n} ({what}): ! {note}")
        if packs[100] and packs[10_000]:
            ratio = packs[10_000] / packs[100]
            print(f"  phrases pack on 1 MB, {what}: 100 terms {packs[100]:.3f} s, 10,000 terms {packs[10_000]:.3f} s: "
                  f"ratio {ratio:.2f}, {'MET' if ratio < 1.5 else 'MISSED'} (< 1.5)", flush=True)

    if args.breakdown:
        breakdown(env, runner_cwd, [article, megabyte])

    # --jobs.
    jobs = {}
    for j in (1, 2):
        t, note = time_command(lintnews + ["--jobs", str(j), str(folder)], runs_big, cwd=runner_cwd, env=env)
        jobs[j] = t
        if note:
            print(f"  --jobs {j}: ! {note}")
    if jobs[1] and jobs[2]:
        print(f"  directory of {n_files} articles: --jobs 1 {jobs[1]:.3f} s, --jobs 2 {jobs[2]:.3f} s: "
              f"speed-up {jobs[1] / jobs[2]:.2f}x ({os.cpu_count()} cores)")
    return 0


def run_bench(main) -> None:
    """Run a benchmark's ``main`` and exit 0 whatever happens: a benchmark reports, it does
    not fail a build (an error is shown, and the figures printed so far stand)."""
    try:
        main()
    except KeyboardInterrupt:
        pass
    except Exception:
        import traceback

        traceback.print_exc()
        print("bench: stopped early by the error above; the figures printed so far stand", file=sys.stderr)
    sys.exit(0)


if __name__ == "__main__":
    run_bench(main)
