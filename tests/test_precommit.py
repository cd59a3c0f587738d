"""The pre-commit hook, for real: a throw-away git repository of articles whose
`.pre-commit-config.yaml` points at this project (a local path at a commit), and a real
`pre-commit run --all-files`.

pre-commit clones the hook repository at `rev` and installs it with a plain, non-editable
`pip install .` into its own virtualenv, so a pass here also proves that an installed
lintnews finds its rule packs and that `.pre-commit-hooks.yaml` is right.

The repository is this checkout and `rev` its HEAD commit when the working tree is clean (as
in CI, a fresh clone). When the tree has uncommitted changes, HEAD would test stale code, so
the test commits a snapshot of the working tree into a throw-away clone (the project's own
repository is never touched) and points there instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GIT_ID = ["-c", "user.name=lintnews tests", "-c", "user.email=tests@lintnews.invalid", "-c", "commit.gpgsign=false"]

DRAFT = """\
# Talks resume in Vienna

Negotiators from both sides met in Vienna on Monday for the first time since March.
The regime has refused to let inspectors into the enrichment plant since the spring.
The foreign ministry said in a statement that it was ready to keep talking.
"""

CLEAN = """\
# Talks resume in Vienna

Negotiators from both sides met in Vienna on Monday for the first time since March.
The government has not let inspectors into the enrichment plant since the spring, the
agency said in its quarterly report.
The foreign ministry said in a statement that it was ready to keep talking.
"""

# Used only when the commit under test ships no loaded-language pack yet.
HOUSE_RULE = """\
id: loaded.house
kind: phrases
severity: warning
message: "'{match}' is a loaded label"
terms:
  regime: [government]
examples:
  flag: ["The regime said no."]
  pass: ["The government said no."]
"""


def _pre_commit() -> list[str] | None:
    try:
        import pre_commit  # noqa: F401

        return [sys.executable, "-m", "pre_commit"]
    except ImportError:
        exe = shutil.which("pre-commit")
        return [exe] if exe else None


def git(*args, cwd: Path, check=True) -> str:
    proc = subprocess.run(["git", *GIT_ID, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def hook_repository(tmp: Path) -> tuple[Path, str]:
    """(repository, commit) for pre-commit: this checkout at HEAD, or a snapshot of its working tree."""
    assert (ROOT / ".git").exists(), f"{ROOT} is not a git checkout; the pre-commit test needs one"
    head = git("rev-parse", "HEAD", cwd=ROOT).strip()
    dirty = git("status", "--porcelain", "--untracked-files=all", cwd=ROOT).strip()
    if not dirty:
        return ROOT, head
    snap = tmp / "lintnews-snapshot"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(snap), cwd=tmp)
    files = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, files):
        src = ROOT / name
        dst = snap / name
        if src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        elif not src.exists() and dst.exists():
            dst.unlink()  # deleted in the working tree
    git("add", "-A", cwd=snap)
    git("commit", "--quiet", "--allow-empty", "-m", "snapshot of the working tree for the pre-commit test", cwd=snap)
    return snap, git("rev-parse", "HEAD", cwd=snap).strip()


def ships_loaded_pack(repo: Path, rev: str) -> bool:
    listing = git("ls-tree", "-r", "--name-only", rev, "--", "rules/loaded", cwd=repo)
    return any(name.endswith((".yaml", ".yml")) for name in listing.split())


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """A throw-away article repository wired to this project's hook; pre-commit's cache is private."""
    runner = _pre_commit()
    if runner is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit, or the 'test' extra)")
    tmp = tmp_path_factory.mktemp("precommit")
    repo, rev = hook_repository(tmp)
    work = tmp / "newsroom"
    work.mkdir()
    git("init", "--quiet", cwd=work)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n  - id: lintnews-fix\n  - id: lintnews\n", encoding="utf-8"
    )
    if not ships_loaded_pack(repo, rev):
        (work / "house").mkdir()
        (work / "house" / "loaded.yaml").write_text(HOUSE_RULE, encoding="utf-8")
        (work / ".lintnews.yaml").write_text("rules: [house/loaded.yaml]\n", encoding="utf-8")
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(tmp / "pre-commit-home")
    env["PRE_COMMIT_COLOR"] = "never"
    env["NO_COLOR"] = "1"
    for var in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV", "PRE_COMMIT", "SKIP"):
        env.pop(var, None)
    return runner, work, env


def run_hook(articles, files: dict[str, str] | None) -> subprocess.CompletedProcess:
    """Write ``files`` (replacing the desk's), stage everything and run every hook.
    ``files=None`` runs again on what is there (staging what a fixer changed)."""
    runner, work, env = articles
    if files is not None:
        for old in work.glob("desk/*"):
            old.unlink()
        for name, text in files.items():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    return subprocess.run(
        [*runner, "run", "--all-files", "--show-diff-on-failure"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_a_loaded_word_in_narration(articles):
    result = run_hook(articles, {"desk/vienna.md": DRAFT, "desk/notes.txt": "Call the embassy back on Tuesday.\n"})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    # The finding itself is shown: path:line:col: severity loaded.* ... on the 'regime' line.
    # Line 4 holds "The regime": a rule may flag the word (column 5) or the phrase (column 1).
    finding = re.search(r"desk/vienna\.md:4:([1-5]): (?:error|warning|suggestion) loaded\.[\w.-]+ .*", output)
    assert finding, output
    assert "desk/notes.txt:" not in output


def test_hook_passes_on_clean_copy(articles):
    result = run_hook(articles, {"desk/vienna.md": CLEAN, "desk/notes.txt": "Call the embassy back on Tuesday.\n"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"lintnews \(news copy.*\.{3,}.*Passed", output), output
    assert re.search(r"lintnews fix.*\.{3,}.*Passed", output), output


SLIPS = """\
# Grain ships leave Odesa

UN Secretary-General Antonio Guteres said the the corridor would reopen on June 5th.
"Antonio Guteres has done nothing for us," one farmer said on the quayside.
The foreign ministry said in a statement that it was ready to keep talking.
"""

SLIPS_FIXED = """\
# Grain ships leave Odesa

UN Secretary-General Antonio Guterres said the corridor would reopen on June 5.
"Antonio Guteres has done nothing for us," one farmer said on the quayside.
The foreign ministry said in a statement that it was ready to keep talking.
"""


def test_fix_hook_applies_safe_fixes_and_fails_as_fixers_do(articles):
    _runner, work, _env = articles
    result = run_hook(articles, {"desk/odesa.md": SLIPS})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    assert re.search(r"lintnews fix.*\.{3,}.*Failed", output), output
    assert "files were modified by this hook" in output
    assert (work / "desk" / "odesa.md").read_text(encoding="utf-8") == SLIPS_FIXED
    # Once the fixes are staged, the fixer passes; the name inside the quotation is the
    # lint hook's to report (a quotation is never rewritten).
    again = run_hook(articles, None)
    output = again.stdout + again.stderr
    assert re.search(r"lintnews fix.*\.{3,}.*Passed", output), output
    assert re.search(r"desk/odesa\.md:4:2: warning names\.house-spelling", output), output
    assert (work / "desk" / "odesa.md").read_text(encoding="utf-8") == SLIPS_FIXED
