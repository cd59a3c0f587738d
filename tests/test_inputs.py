"""Reading input (issue 10): regular files only, every encoding with a BOM, unreadable
folders and paths reported while every other file is still linted, oversized rule files and
catastrophic skip patterns refused or cut short, each with one clear line.

Runs go through the real `python -m lintnews` where a hang would otherwise hang the suite
(the time-outs are safety nets, not measurements).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RULES = """\
rules:
- id: loaded.testlabels
  kind: phrases
  severity: warning
  message: "'{match}' is a loaded label"
  terms:
    regime: [government]
  examples:
    flag: ["The regime said it would talk."]
    pass: ["The government said it would talk."]
"""
GOOD = "The regime said on Monday it would not attend.\n"


def make_project(folder: Path) -> Path:
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    (folder / ".lintnews.yaml").write_text("default_rules: false\nrules: [rules.yaml]\n", encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.fixture()
def proj(tmp_path):
    return make_project(tmp_path)


def without_file_privileges():
    """For a run as root (CI): drop the capabilities that let root read any file
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the child, so file modes apply to it."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def lintnews(args, cwd, stdin=subprocess.DEVNULL, timeout=60, unprivileged=False):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    preexec = without_file_privileges if unprivileged and os.geteuid() == 0 else None
    result = subprocess.run(
        [sys.executable, "-m", "lintnews", "check", "--format", "json", *args],
        cwd=cwd, env=env, stdin=stdin, capture_output=True, timeout=timeout, preexec_fn=preexec,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return result.returncode, json.loads(result.stdout), err


def paths_linted(data) -> set[str]:
    return {f["path"] for f in data["findings"]}


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16-be"])
def test_unicode_with_a_byte_order_mark_is_decoded(proj, encoding):
    text = "Ünïcode line.\nThe regime said no.\n"
    raw = text.encode(encoding)
    if not encoding == "utf-32":  # "utf-32" writes its own BOM; the others need one
        raw = "\ufeff".encode(encoding) + raw
    (proj / "wire.txt").write_bytes(raw)
    code, data, err = lintnews(["wire.txt"], proj)
    assert code == 1 and data["errors"] == [], err
    assert [(f["line"], f["column"], f["match"]) for f in data["findings"]] == [(2, 5, "regime")]


# --- regular files only --------------------------------------------------------------------------


def test_a_fifo_in_a_linted_folder_is_refused_at_once(proj):
    (proj / "desk").mkdir()
    (proj / "desk" / "a.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(proj / "desk" / "pipe.txt")  # nobody will ever write to it
    code, data, err = lintnews(["desk", "good.txt"], proj, timeout=60)
    assert code == 2
    assert [e["path"] for e in data["errors"]] == [os.path.join("desk", "pipe.txt")]
    assert "named pipe" in data["errors"][0]["message"]
    assert paths_linted(data) == {os.path.join("desk", "a.txt"), "good.txt"}


def test_dev_zero_on_the_command_line_is_refused_at_once(proj):
    start = time.monotonic()
    code, data, err = lintnews(["/dev/zero", "good.txt"], proj, timeout=60)
    assert code == 2
    assert data["errors"] == [{"path": "/dev/zero", "message": "a character device, not a regular file: not read"}]
    assert paths_linted(data) == {"good.txt"}
    assert time.monotonic() - start < 30  # it was read without end (9 GB in 60 s)


def test_endless_binary_standard_input_stops_at_its_first_bytes(proj):
    with open("/dev/zero", "rb") as zero:
        code, data, err = lintnews(["-", "good.txt"], proj, stdin=zero, timeout=60)
    assert code == 2
    assert [e["path"] for e in data["errors"]] == ["-"] and "binary" in data["errors"][0]["message"]
    assert paths_linted(data) == {"good.txt"}


def test_a_file_is_read_whole_whatever_size_it_reports(tmp_path, monkeypatch):
    """A file is read for the size it reports and a byte more (not for the 256 MB limit,
    which allocated the limit for every article): one that reports no size (/proc) or
    grows is read on to the limit, and one past the limit is still refused."""
    from lintnews import sources

    status = "/proc/self/status"
    if os.path.isfile(status):
        assert os.stat(status).st_size == 0
        got = sources.read_file(status)
        assert not got.errors and got.text.startswith("Name:") and "\nPid:" in got.text
    monkeypatch.setattr(sources, "MAX_INPUT_BYTES", 100)
    for size in (1, 99, 100):
        path = tmp_path / f"{size}.txt"
        path.write_text("x" * size, encoding="utf-8")
        got = sources.read_file(str(path))
        assert not got.errors and got.text == "x" * size, size
    big = tmp_path / "101.txt"
    big.write_text("x" * 101, encoding="utf-8")
    assert [e.message for e in sources.read_file(str(big)).errors] == [sources.TOO_LARGE]


# --- unreadable folders and paths ----------------------------------------------------------------


def restore_modes(folder: Path) -> None:
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
def test_an_unreadable_subfolder_is_an_error_and_the_rest_is_linted(proj):
    desk = proj / "desk"
    (desk / "locked").mkdir(parents=True)
    (desk / "open").mkdir()
    (desk / "locked" / "hidden.txt").write_text(GOOD, encoding="utf-8")
    (desk / "open" / "a.txt").write_text(GOOD, encoding="utf-8")
    (desk / "locked").chmod(0o000)
    try:
        code, data, err = lintnews(["desk", "good.txt"], proj, unprivileged=True)
    finally:
        restore_modes(proj)
    assert code == 2, err
    assert [e["path"] for e in data["errors"]] == [os.path.join("desk", "locked")]
    assert "permission denied" in data["errors"][0]["message"]
    assert paths_linted(data) == {os.path.join("desk", "open", "a.txt"), "good.txt"}


def test_an_unreadable_path_on_the_command_line_is_an_input_error_not_a_stop(proj):
    (proj / "locked").mkdir()
    (proj / "locked" / "draft.txt").write_text(GOOD, encoding="utf-8")
    (proj / "secret.txt").write_text(GOOD, encoding="utf-8")
    (proj / "secret.txt").chmod(0o000)
    (proj / "locked" / "draft.txt").chmod(0o000)
    (proj / "locked").chmod(0o000)  # cannot even be looked into
    try:
        code, data, err = lintnews(["secret.txt", "locked/draft.txt", "locked", "good.txt"], proj, unprivileged=True)
    finally:
        restore_modes(proj)
    assert code == 2, err
    assert sorted(e["path"] for e in data["errors"]) == ["locked", "locked/draft.txt", "secret.txt"]
    assert all("permission denied" in e["message"] for e in data["errors"])
    assert paths_linted(data) == {"good.txt"}


# --- rule files and skip patterns --------------------------------------------------------------


def test_a_huge_rule_file_is_refused_before_it_is_read(proj):
    with open(proj / "huge.yaml", "wb") as fh:
        fh.truncate(10_500_000)  # sparse: costs no disk, refused by its size alone
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "lintnews", "check", "--rules", "huge.yaml", "good.txt"],
        cwd=proj, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, timeout=60,
    )
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "huge.yaml" in err and "10 MB" in err and "Traceback" not in err
    assert time.monotonic() - start < 30


def test_a_catastrophic_skip_pattern_gives_up_on_that_file_only(proj):
    (proj / ".lintnews.yaml").write_text(
        "default_rules: false\nrules: [rules.yaml]\nskip: ['(x+x+)+y', 'Follow us on .*']\n", encoding="utf-8"
    )
    (proj / "slow.txt").write_text("The regime said no.\nFollow us on the wire\n" + "x" * 5_000 + "\n", encoding="utf-8")
    (proj / "fine.txt").write_text("Follow us on the wire\nThe regime said no.\n", encoding="utf-8")
    code, data, err = lintnews(["--jobs", "1", "slow.txt", "fine.txt"], proj, timeout=120)
    assert code == 2
    assert [e["path"] for e in data["errors"]] == ["slow.txt"]
    assert "skip patterns gave up" in data["errors"][0]["message"]
    # Both files keep their findings; the shipped debris patterns still applied to the slow one.
    assert sorted((f["path"], f["line"]) for f in data["findings"]) == [("fine.txt", 2), ("slow.txt", 1)]


def test_show_source_prints_the_line_of_a_file_with_lone_carriage_returns(tmp_path):
    """Old Mac files end lines with a lone CR; findings count them as lines, and the line
    shown under a finding is that line, not the whole file."""
    path = tmp_path / "mac.txt"
    path.write_bytes(b"The minister spoke on Monday.\rOfficials slammed the plan.\rEnd of report.\r")
    proc = subprocess.run([sys.executable, "-m", "lintnews", "check", "--show-source", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert ":2:11: " in proc.stdout and "loaded.said" in proc.stdout
    assert "    2 | Officials slammed the plan.\n" in proc.stdout
    assert "Monday" not in proc.stdout


@pytest.mark.parametrize("typed, shown", [
    ("{cwd}/desk/story.md", "desk/story.md"),
    ("{cwd}/story.md", "story.md"),
    ("{cwd}/./desk/story.md", "desk/story.md"),
    ("{cwd}//desk//story.md", "desk/story.md"),
    ("{cwd}", "."),
    ("{cwd}/", "."),
    ("{cwd}/desk/../story.md", "desk/../story.md"),
    ("{cwd}/..", ".."),
    ("{cwd}-other/story.md", "{cwd}-other/story.md"),
    ("/elsewhere/story.md", "/elsewhere/story.md"),
    ("desk/story.md", "desk/story.md"),
    ("-", "-"),
])
def test_a_path_under_the_current_directory_is_shown_relative_to_it(tmp_path, monkeypatch, typed, shown):
    from lintnews.sources import display_path

    monkeypatch.chdir(tmp_path)
    cwd = os.getcwd()
    assert display_path(typed.format(cwd=cwd)) == shown.format(cwd=cwd)
