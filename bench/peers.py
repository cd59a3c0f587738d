#!/usr/bin/env python3
"""lintnews against its peers on every workload a newsroom has, side by side in one run.

Prints wall-time ratios lintnews ÷ peer (below 1: lintnews is faster), with CPU time
(user+sys of the process and its children) beside each figure, since a busy machine
inflates CPU time less than wall time:

  * one article (``bench/article.txt``): against write-good and proselint;
  * the 2,225 BBC articles of ``shared/eval/bbc/`` as a folder, lintnews on every core:
    against write-good (the two run in turn, three times by default: the medians); and
    lintnews ``--jobs 2`` against ``--jobs 1``, in turn the same way;
  * 1 MB and 10 MB of BBC articles concatenated into one file: against proselint;
    proselint stops after its first 1,000 findings unless told otherwise (its
    ``max_errors``), so it runs with a configuration that lifts the limit, doing the job
    lintnews does (every finding in the file); where the cap changes proselint's time (10 MB)
    its capped time is printed too, for information;
  * growth from 10 MB to 100 MB: the time ratio, and peak memory per MB of input
    (``ru_maxrss`` of the process and its children, each run in a fresh wrapper).

The peers are installed on first use into ``bench/.cache/`` (gitignored): proselint with
``pip install --target``, write-good with ``npm install --prefix`` (see ``bench/run.py``).
The long files are built at run time from the BBC folder and deleted afterwards.

    python3 bench/peers.py                 # everything (the 100 MB run takes minutes)
    python3 bench/peers.py --no-100mb      # skip the 100 MB run (growth is not measured)
    python3 bench/peers.py --no-10mb       # skip 10 MB and 100 MB
    python3 bench/peers.py --runs 3        # fewer repetitions (median) of the short workloads

Not a test: it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench_run  # noqa: E402  (the peers' installers and the timer)
from corpus import BENCH, ROOT, bbc_articles, bbc_dir, build_long_file  # noqa: E402

MB = 1_000_000
# A wrapper that runs one command and prints its peak resident memory (KiB) and CPU seconds,
# so each figure is that run's alone (RUSAGE_CHILDREN's ru_maxrss is a high-water mark over
# every child a process has waited for).
PEAK = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.buffer.write(p.stderr[-300:])\n"
    "print(p.returncode, r.ru_maxrss, r.ru_utime + r.ru_stime)\n"
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(cmd: list[str], runs: int, cwd: Path, env: dict | None = None, any_exit: bool = False):
    """(median wall s, median CPU s) or (None, None), with a note printed when it failed."""
    t, note = bench_run.time_command(cmd, runs, cwd=cwd, env=env, any_exit=any_exit)
    if note:
        say(f"bench: {Path(cmd[0]).name} ...: {note}")
    return t, (bench_run.LAST_CPU[0] if t is not None else None)


def peak(cmd: list[str], cwd: Path, env: dict) -> tuple[float | None, float | None, float | None]:
    """(wall s, CPU s, peak resident MiB) of one run."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK, *cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    try:
        code, rss_kib, cpu = proc.stdout.split()
    except ValueError:
        say(f"bench: {cmd[-1]}: no figure ({proc.stderr.strip()[-300:]})")
        return None, None, None
    if int(code) not in (0, 1):
        say(f"bench: {cmd[-1]}: exit {code}: {proc.stderr.strip()[-300:]}")
        if int(code) != 2:
            return None, None, None
    return wall, float(cpu), int(rss_kib) / 1024


def _medians(figures: list[tuple]) -> tuple:
    """(median wall, median CPU) of (wall, CPU) figures; None where none was measured."""
    walls = [w for w, _ in figures if w is not None]
    cpus = [c for _, c in figures if c is not None]
    return (statistics.median(walls) if walls else None, statistics.median(cpus) if cpus else None)


def fig(t, cpu=None) -> str:
    if t is None:
        return "n/a"
    return f"{t:.2f} s" + (f" ({cpu:.2f} CPU)" if cpu is not None else "")


def ratio(a, b) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def verdict(value, target) -> str:
    if value is None:
        return ""
    return "MET" if value <= target else "MISSED"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="repetitions (median) of the article and folder workloads")
    ap.add_argument("--folder-pairs", type=int, default=3,
                    help="runs in turn on the folder, lintnews and write-good, --jobs 2 and --jobs 1 (medians)")
    ap.add_argument("--no-10mb", action="store_true", help="skip the 10 MB and 100 MB files")
    ap.add_argument("--no-100mb", action="store_true", help="skip the 100 MB file (minutes, and gigabytes of memory today)")
    ap.add_argument("--no-peers", action="store_true", help="lintnews's own figures only")
    args = ap.parse_args()
    if bbc_dir() is None:
        say("bench: no shared/eval/bbc folder found (set LINTNEWS_SHARED): only the one-article figures are measured")

    (BENCH / ".cache").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lintnews-peers-"))
    try:
        return measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args, work: Path) -> int:
    runs = max(1, args.runs)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "lintnews")], check=False,
                   stdout=subprocess.DEVNULL)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NO_COLOR", None)
    cwd = work / "cwd"  # no config file found upward: every default pack
    cwd.mkdir()
    lintnews = [sys.executable, "-m", "lintnews", "check", "--quiet"]

    proselint = proselint_capped = write_good = None
    if not args.no_peers:
        proselint_capped = bench_run.install_proselint()
        if proselint_capped:
            # proselint's default `max_errors` (1,000) stops its checks at the 1,000th finding:
            # on 10 MB of copy it then reads about a fifth of the file. Every finding, as
            # lintnews reports them, is the same job.
            every = work / "proselint-every-finding.json"
            every.write_text('{"max_errors": 1000000000}\n')
            proselint = proselint_capped + ["--config", str(every)]
        npm = bench_run.install_npm_peers()
        write_good = npm.get("write-good", (None,))[0]

    cores = os.cpu_count()
    print(f"lintnews vs peers, {datetime.date.today().isoformat()}, {platform.node() or 'this machine'}: "
          f"{cores} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print("wall time (median; CPU time of the process and its children in brackets); ratio = lintnews ÷ peer, "
          "below 1 means lintnews is faster")
    if proselint:
        print("proselint reports every finding (its default stops at the first 1,000: see the '1,000 at most' row)")
    print()

    def row(what, mine, peer_name, theirs, target: float | None, use_cpu=False):
        r = None
        if mine[0] is not None and theirs[0] is not None:
            r = mine[0] / theirs[0]
        target_s = f"≤ {target:g}: {verdict(r, target)}" if target is not None else ""
        cpu_r = f"; CPU {ratio(mine[1], theirs[1])}" if mine[1] and theirs[1] else ""
        print(f"  {what:<34} lintnews {fig(*mine):<24} {peer_name:<11} {fig(*theirs):<24} "
              f"ratio {('n/a' if r is None else f'{r:.2f}')}{cpu_r}  {target_s}", flush=True)

    # 1. One article.
    article = work / "article.txt"
    shutil.copyfile(BENCH / "article.txt", article)
    # A first run fills lintnews's compiled-rule cache (and the page cache) for every figure below.
    subprocess.run(lintnews + [str(article)], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"one article ({article.stat().st_size:,} B), every default rule:")
    mine = timed(lintnews + [str(article)], runs, cwd, env)
    if write_good:
        row("vs write-good", mine, "write-good", timed(write_good + [str(article)], runs, cwd, any_exit=True), 1.0)
    if proselint:
        row("vs proselint", mine, "proselint", timed(proselint + [str(article)], runs, cwd), 0.75)
    if not (write_good or proselint):
        print(f"  lintnews {fig(*mine)}")

    articles = bbc_articles()
    if not articles:
        return 0
    # 2. The folder.
    folder = bbc_dir()
    size = sum(p.stat().st_size for p in articles)
    print(f"\na folder of {len(articles):,} BBC articles ({size / MB:.1f} MB):")
    n_pairs = max(1, args.folder_pairs)

    def in_pairs(what, mine_cmd, peer_name, peer_cmd, target, peer_env=None, any_exit=False):
        # The two in turn, a run each, ``--folder-pairs`` times: one run of each (20 s and
        # 10 s) measured minutes apart took the VM's drift for a difference between them.
        pairs = []
        for _ in range(n_pairs):
            pairs.append((timed(mine_cmd, 1, cwd, env), timed(peer_cmd, 1, cwd, peer_env, any_exit=any_exit)))
        each = sorted(m[0] / t[0] for m, t in pairs if m[0] and t[0])
        row(what, _medians([m for m, _ in pairs]), peer_name, _medians([t for _, t in pairs]), target)
        if len(each) > 1:
            print(f"  ({len(pairs)} pairs run in turn, medians above; the pairs' ratios {each[0]:.2f}–{each[-1]:.2f})")

    if write_good:
        in_pairs("both cores vs write-good", lintnews + [str(folder)], "write-good",
                 write_good + [str(p) for p in articles], 0.5, any_exit=True)
    in_pairs("--jobs 2 vs --jobs 1", lintnews + ["--jobs", "2", str(folder)], "--jobs 1",
             lintnews + ["--jobs", "1", str(folder)], 0.6, peer_env=env)

    # 3. Long files of real copy.
    sizes = [1] + ([] if args.no_10mb else [10]) + ([] if args.no_10mb or args.no_100mb else [100])
    say(f"bench: building {', '.join(f'{s} MB' for s in sizes)} of BBC copy in {work} ...")
    files = {s: build_long_file(work / f"bbc-{s}mb.txt", s * MB) for s in sizes}
    print("\nBBC articles concatenated into one file:")
    measured: dict[int, tuple] = {}
    for s in sizes:
        wall, cpu, rss = peak(lintnews + [str(files[s])], cwd, env)
        measured[s] = (wall, cpu, rss)
        if s == 1 and runs > 1 and wall is not None:  # a short run: take the median of a few
            wall, cpu = timed(lintnews + [str(files[s])], max(1, runs // 2), cwd, env)
        if proselint and s <= 10:
            theirs = timed(proselint + [str(files[s])], 1 if s > 1 else max(1, runs // 2), cwd)
            row(f"{s} MB vs proselint", (wall, cpu), "proselint", theirs, 0.33 if s == 1 else 0.25)
            if s > 1:
                capped = timed(proselint_capped + [str(files[s])], 1, cwd)
                row(f"{s} MB vs proselint, 1,000 at most", (wall, cpu), "proselint", capped, None)
        else:
            print(f"  {s} MB: lintnews {fig(wall, cpu)}")
    print("\ngrowth and memory (one run each, a fresh process):")
    for s, (wall, cpu, rss) in measured.items():
        if rss is not None:
            per = rss / (files[s].stat().st_size / MB)
            target = f"< 10: {'MET' if per < 10 else 'MISSED'}" if s >= 10 else ""
            print(f"  {s:>3} MB: {fig(wall, cpu):<24} peak memory {rss:,.0f} MiB, {per:.1f} MiB per MB of input  {target}")
    if 10 in measured and 100 in measured and measured[10][0] and measured[100][0]:
        g = measured[100][0] / measured[10][0]
        gc = measured[100][1] / measured[10][1] if measured[10][1] else None
        print(f"  100 MB ÷ 10 MB: wall {g:.1f}x" + (f", CPU {gc:.1f}x" if gc else "") + f"  ≤ 11: {verdict(g, 11)}")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    bench_run.run_bench(main)
