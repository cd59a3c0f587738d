"""The ``lintnews`` command. Thin: parse options, call the library, print, exit.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, config, rule or input error;
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .finding import SEVERITIES, SEVERITY_RANK
from .formatters import FORMATTERS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells and other linters report Ctrl-C


class DefaultCheckGroup(click.Group):
    """``lintnews PATH`` means ``lintnews check PATH``."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        # click turns Ctrl-C into "Aborted!" and exit 1, which here means "findings".
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("lintnews: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)


def fail(message: str) -> NoReturn:
    from .finding import printable

    click.echo(f"lintnews: error: {printable(message)}", err=True)
    sys.exit(EXIT_ERROR)


def split_list(values) -> list[str]:
    out: list[str] = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def load_settings(config_path: str | None):
    from .app import SetupError, load_settings as load

    try:
        return load(config_path)
    except SetupError as exc:
        fail(str(exc))


def build_linter(cfg, *, extra_rules=(), select=(), ignore=(), names=(), for_listing=False, dialect=None):
    from .app import SetupError, build_linter as build

    try:
        return build(cfg, extra_rules=extra_rules, select=select, ignore=ignore, names=names, dialect=dialect)
    except SetupError as exc:
        fail(str(exc))


def _check_house_names(linter) -> None:
    from .app import SetupError, check_house_names

    try:
        check_house_names(linter)
    except SetupError as exc:
        fail(str(exc))


@click.group(cls=DefaultCheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="lintnews", message="%(prog)s %(version)s")
def main():
    """Editorial style and bias linter for news copy.

    Flags loaded language, unattributed claims, inconsistent names, and house-style and
    readability problems in plain-text, Markdown and HTML articles. Rules are YAML packs.

    \b
    Examples:
      lintnews draft.md                   lint one article (same as 'lintnews check')
      lintnews check articles/ --jobs 2   lint a folder on two cores
      lintnews check - < draft.txt        lint standard input
      lintnews check drafts/ --format html -o report.html
                                          a report to read in a browser
      lintnews annotate draft.docx -o draft-reviewed.docx
                                          a copy of a Word draft with a comment per finding
      lintnews rules                      list the rules
      lintnews explain loaded.labels      why a rule flags what it flags

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage, config, rule or input error.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable: an input error, not a usage error
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="Output: text for people, html for a report to read in a browser, json for programs, "
                   "github for Actions annotations, sarif for code scanning.")
@click.option("--output", "-o", "output_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the output to FILE (replaced whole, never half-written) instead of standard output.")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rule ids or prefixes (comma-separated), e.g. 'loaded,names'.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rule ids or prefixes (comma-separated).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Lowest severity that makes the run exit 1.  [default: warning]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file to use instead of searching upward for .lintnews.yaml, pyproject.toml or setup.cfg.")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(), metavar="PATH",
              help="Extra rule file or directory (repeatable), added to the packs.")
@click.option("--names", multiple=True, type=click.Path(), metavar="FILE",
              help="House list of names: one canonical spelling per line, or YAML of name: [variants]. Repeatable; wins over the starter list.")
@click.option("--stdin-filename", default="-", metavar="NAME",
              help="Name to report for '-' (standard input); its suffix picks the format (.md, .html, .txt).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes to use. 0 (automatic): one per core for 8 files or more; for fewer, a file's rules are "
                   "shared between two processes when it is big enough to gain. 1: one process.")
@click.option("--show-source/--no-show-source", default=None,
              help="Print each finding's line with a caret under the span and the suggestion (default: when printing to a terminal).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when printing to a terminal).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary line.")
@click.option("--dialect", type=click.Choice(("en-US", "en-GB")), default=None,
              help="Spelling of messages and suggestions (default: the config's 'dialect', else en-US).")
@click.option("--fix", is_flag=True,
              help="Apply safe fixes in place (house spellings, repeated words, date ordinals), then report what remains. "
                   "With '-': the fixed text goes to standard output, the report to standard error.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff: also apply suggestions that rules mark as usable replacements (word choices); review them.")
@click.option("--diff", is_flag=True,
              help="Print the fixes as a unified diff and write nothing. Exit status 1 when there is something to fix.")
@click.option("--fix-only", is_flag=True, help="Apply fixes like --fix, but do not report the findings that remain (exit 0).")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix or --fix-only: exit 1 when a file was changed.")
def check(paths, fmt, output_path, select, ignore, fail_on, config_path, extra_rules, names, stdin_filename, jobs, show_source, color, quiet,
          dialect, fix, unsafe_fixes, diff, fix_only, exit_non_zero_on_fix):
    """Lint article files and folders (.md, .markdown, .txt, .html, .htm, .docx); '-' reads standard input.

    With no PATHS, lints the current directory.
    """
    from .finding import InputError, printable
    from .formatters import get_formatter
    from .runner import Report, lint_files, sort_findings
    from .sources import display_path, expand

    cfg = load_settings(config_path)
    linter = build_linter(
        cfg, extra_rules=extra_rules, select=split_list(select), ignore=split_list(ignore), names=names, dialect=dialect
    )
    _check_house_names(linter)
    files, errors = expand(list(paths) or ["."], cfg.exclude)
    fixing = fix or fix_only or diff
    stdin_out: bytes | None = None
    if fixing:
        if "-" in files and len(files) > 1:
            fail("--fix and --diff take standard input ('-') on its own: fix it in a separate run")
        findings, file_errors, stdin_out, changed = _run_fixes(linter, files, jobs, stdin_filename, unsafe_fixes, diff, quiet)
        if diff:
            errors.extend(file_errors)
            if not files and not errors:
                errors.append(InputError(" ".join(paths) or ".", "no article files found (.md, .markdown, .txt, .html, .htm, .docx)"))
            for e in errors:
                click.echo(f"lintnews: {printable(e.path)}: {printable(e.message)}", err=True)
            sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if changed else EXIT_OK)
    else:
        findings, file_errors = lint_files(linter, files, jobs=jobs, stdin_name=stdin_filename)
        changed = 0
    errors.extend(file_errors)
    reader = _SourceReader(linter, stdin_filename if "-" in files else None)
    if not files and not errors:
        errors.append(InputError(" ".join(paths) or ".", "no article files found (.md, .markdown, .txt, .html, .htm, .docx)"))

    findings = sort_findings(findings)
    if output_path == "-":
        output_path = None
    tty = sys.stdout.isatty() and output_path is None
    if color is None:
        color = tty and "NO_COLOR" not in os.environ
    if show_source is None:  # an editor at a terminal wants the line; a pipe or CI wants one line each
        show_source = tty
    report = Report(
        findings=findings,
        errors=errors,
        rules=linter.rules,
        files_checked=len(files),
        show_source=show_source,
        quiet=quiet,
        color=bool(color) and fmt == "text",
        source_line=reader.line,
        paths=[stdin_filename if f == "-" else display_path(f) for f in files],
        source_text=reader.text,
        explain=_explainer(linter),
        document=reader.document,
        fixable=sum(1 for f in findings if f.fix is not None and f.fix.safe),
        unsafe_fixable=sum(1 for f in findings if f.fix is not None and not f.fix.safe),
    )
    output = "" if fix_only else get_formatter(fmt)(report)
    if output:
        from .finding import encodable

        output = encodable(output)  # a file name that is not UTF-8 must not stop the report
    if output_path is not None and not fix_only:
        from .atomic import write_atomic

        try:
            write_atomic(output_path, (output + "\n" if output else "").encode("utf-8"))
        except OSError as exc:
            fail(f"cannot write {output_path}: {exc.strerror or exc}")
    to_stderr = stdin_out is not None  # standard output carries the fixed text
    try:
        if stdin_out is not None:
            sys.stdout.buffer.write(stdin_out)
        if output and output_path is None:
            click.echo(output, err=to_stderr)
        if fmt in ("text", "github") or fix_only or to_stderr:
            for e in errors:
                click.echo(f"lintnews: {printable(e.path)}: {printable(e.message)}", err=True)
        if fmt == "github":
            _github_extras(report)
        sys.stdout.flush()
    except BrokenPipeError:  # `lintnews ... | head` is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    threshold = SEVERITY_RANK[fail_on or cfg.fail_on]
    if errors:
        sys.exit(EXIT_ERROR)
    if exit_non_zero_on_fix and changed:
        sys.exit(EXIT_FINDINGS)
    if fix_only:
        sys.exit(EXIT_OK)
    if any(SEVERITY_RANK[f.severity] >= threshold for f in findings):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _github_extras(report) -> None:
    """GitHub shows at most ten annotations of each level per step and drops the rest
    without a word: say how many, and write every finding to the job summary."""
    from .formatters.github import hidden_annotations, step_summary

    hidden = hidden_annotations(report)
    if hidden:
        where = "the job summary lists them all" if os.environ.get("GITHUB_STEP_SUMMARY") else (
            "run with --format text or json to see them all")
        click.echo(f"lintnews: GitHub shows at most 10 annotations of each level per step; {hidden} will not be shown "
                   f"as annotations ({where})", err=True)
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            with open(path, "a", encoding="utf-8", errors="replace") as fh:
                fh.write(step_summary(report))
        except OSError as exc:
            click.echo(f"lintnews: cannot write the job summary to $GITHUB_STEP_SUMMARY: {exc.strerror or exc}", err=True)


def _run_fixes(linter, files, jobs, stdin_name, unsafe, diff, quiet):
    """Fix every file (or show the diff): (findings remaining, errors, the fixed text of
    standard input or None, how many files changed)."""
    from .finding import InputError
    from .fix import WriteRefused, fix_files, unified_diff, write

    results = fix_files(linter, files, unsafe=unsafe, jobs=jobs, stdin_name=stdin_name)
    findings, errors = [], []
    stdin_out = None
    changed = 0
    for r in results:
        errors.extend(r.errors)
        if diff:
            text = unified_diff(r)
            if text:
                changed += 1
                click.echo(text, nl=False)
            continue
        if r.path == "-":
            stdin_out = r.encoded()
            changed += r.changed
        elif r.changed:
            try:
                write(r)
            except WriteRefused as exc:
                errors.append(InputError(r.shown, str(exc)))
                r.findings = r.first_findings  # what the file (as read) holds
            else:
                changed += 1
                if not quiet:
                    click.echo(f"lintnews: {r.shown}: applied {r.applied} fix{'es' if r.applied != 1 else ''}", err=True)
        findings.extend(r.findings)
    if diff and not quiet:
        n = sum(r.applied for r in results if r.changed)
        click.echo(f"lintnews: would apply {n} fix{'es' if n != 1 else ''} to {changed} file{'s' if changed != 1 else ''}" if n else "lintnews: nothing to fix", err=True)
    return findings, errors, stdin_out, changed


class _SourceReader:
    """Each linted file's text, read once, as the linter read it (for --show-source and
    the html report). ``stdin_name``: the name standard input was linted under, if it was."""

    def __init__(self, linter, stdin_name: str | None):
        self.linter = linter
        self.stdin_name = stdin_name
        self.sources: dict[str, object] = {}
        self.lines: dict[str, list[str]] = {}

    def source(self, path: str):
        from .runner import read_source

        if path not in self.sources:
            self.sources[path] = read_source("-" if path == self.stdin_name else path, path)
        return self.sources[path]

    def text(self, path: str) -> str | None:
        return self.source(path).text

    def document(self, path: str):
        """The Document the rules read (prose, page debris blanked), or None."""
        source = self.source(path)
        return self.linter.source_document(source) if source.text is not None else None

    def line(self, path: str, line: int) -> str | None:
        if path not in self.lines:
            self.lines[path] = (self.text(path) or "").split("\n")
        lines = self.lines[path]
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else None


def _explainer(linter):
    by_id = {r.id: r for r in linter.all_rules}

    def explanation(rule_id: str):
        from .app import explain_parts

        rule = by_id.get(rule_id)
        return explain_parts(rule, linter) if rule is not None else None

    return explanation


@main.command()
@click.argument("draft", type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="The reviewed copy to write.  [default: DRAFT-reviewed.docx beside the draft]")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rule ids or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rule ids or prefixes (comma-separated).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Config file to use.")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(), metavar="PATH", help="Extra rule file or directory.")
@click.option("--names", multiple=True, type=click.Path(), metavar="FILE", help="House list of names (repeatable).")
@click.option("--dialect", type=click.Choice(("en-US", "en-GB")), default=None,
              help="Spelling of messages and suggestions (default: the config's 'dialect', else en-US).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the copy is written.")
def annotate(draft, output, force, select, ignore, config_path, extra_rules, names, dialect, quiet):
    """Write a reviewed copy of a Word draft (.docx): one comment per finding, by "lintnews",
    anchored on the flagged words. The draft itself is never modified.

    Exit status: 0 the copy was written (whatever it found), 2 it could not be.
    """
    from .docx_input import annotate_source, read_docx, save_document
    from .finding import printable
    from .sources import display_path

    if not draft.lower().endswith(".docx"):
        fail(f"{draft}: annotate writes comments into Word drafts (.docx); 'lintnews check' reads other files")
    if output is None:
        output = draft[: -len(".docx")] + "-reviewed.docx"
    if os.path.exists(draft) and os.path.exists(output) and os.path.samefile(draft, output):
        fail(f"{output}: is the draft itself; annotate writes a copy and never modifies the draft")
    if os.path.exists(output) and not force:
        fail(f"{output}: already exists; use --force to replace it")
    cfg = load_settings(config_path)
    linter = build_linter(
        cfg, extra_rules=extra_rules, select=split_list(select), ignore=split_list(ignore), names=names, dialect=dialect
    )
    _check_house_names(linter)
    source = read_docx(draft)
    shown = display_path(draft)
    if source.text is None:
        messages = "; ".join(e.message for e in source.errors) or "nothing to lint"
        fail(f"{shown}: {messages}")
    findings, errors = linter.lint_source(source, display=shown)
    for e in errors:
        click.echo(f"lintnews: {printable(e.path)}: {printable(e.message)}", err=True)
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    added = annotate_source(source, findings)
    try:
        save_document(source.document, output)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}")
    if not quiet:
        click.echo(f"{display_path(output)}: {added} comment{'s' if added != 1 else ''} on {shown} "
                   f"({len(source.paragraphs)} paragraph{'s' if len(source.paragraphs) != 1 else ''})")
    sys.exit(EXIT_OK)


@main.command("rules")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Config file to use.")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(), metavar="PATH", help="Extra rule file or directory.")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rule ids or prefixes.")
def list_rules(config_path, extra_rules, select):
    """List every rule: id, kind, severity and what it flags."""
    cfg = load_settings(config_path)
    linter = build_linter(cfg, extra_rules=extra_rules, select=split_list(select))
    rows = rule_rows(linter)
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['kind']:<11}  {r['severity']:<10}  {r['summary']}")
    click.echo(f"{len(rows)} rules.")


def rule_rows(linter) -> list[dict]:
    """What 'lintnews rules' lists (and 'lintnews serve' returns at /v1/rules), by id."""
    return [
        {"id": r.id, "kind": r.kind, "severity": linter.severity_of(r), "summary": r.summary}
        for r in sorted(linter.rules, key=lambda r: r.id)
    ]


@main.command()
@click.argument("rule_id")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Config file to use.")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(), metavar="PATH", help="Extra rule file or directory.")
def explain(rule_id, config_path, extra_rules):
    """Show a rule's message, rationale, sources, link and examples."""
    from .app import explain_parts

    cfg = load_settings(config_path)
    linter = build_linter(cfg, extra_rules=extra_rules)
    by_id = {r.id: r for r in linter.all_rules}
    rule = by_id.get(rule_id)
    if rule is None:
        close = [r for r in sorted(by_id) if r.startswith(rule_id) or rule_id in r]
        hint = f" Did you mean: {', '.join(close[:8])}?" if close else " 'lintnews rules' lists them."
        fail(f"no rule '{rule_id}'.{hint}")
    parts = explain_parts(rule, linter)
    click.echo(parts["heading"])
    click.echo(f"\nMessage: {parts['message']}")
    if parts["description"]:
        click.echo("\n" + parts["description"])
    if parts["sources"]:
        click.echo("\nSources:")
        for s in parts["sources"]:
            click.echo(f"  - {s}")
    if parts["link"]:
        click.echo(f"\nMore: {parts['link']}")
    if parts["fix"]:
        click.echo(f"\nFix: {parts['fix']} ({parts['fix_how']})")
        for before, after in parts["fix_examples"]:
            if before != after:
                click.echo(f"  {before}\n  → {after}")
    click.echo("\nFlags:")
    for x in parts["flag"]:
        click.echo(f"  ✗ {x}")
    click.echo("Passes:")
    for x in parts["pass"]:
        click.echo(f"  ✓ {x}")
    click.echo(f"\nDefined in {parts['location']}")


def _size_option(ctx, param, value):
    from .serve import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _size_option_or_zero(ctx, param, value):
    return 0 if str(value).strip() == "0" else _size_option(ctx, param, value)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default answers this machine only; 0.0.0.0 opens it to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes, each with the rules compiled.  [default: one per core]")
@click.option("--allow-origin", "allow_origins", multiple=True, metavar="ORIGIN",
              help="A web origin allowed to call the API from a browser (repeatable), e.g. https://cms.example.org. Default: none.")
@click.option("--max-body", default="5MB", show_default=True, callback=_size_option, help="Largest request body (413 above it).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds a check may take (503 after it; its worker is replaced).")
@click.option("--cache", "cache_bytes", default="32MB", show_default=True, callback=_size_option_or_zero,
              help="Memory for recent answers, reused when the same draft is sent again; 0 turns it off.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Config file to use.")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(), metavar="PATH", help="Extra rule file or directory.")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rule ids or prefixes.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rule ids or prefixes.")
@click.option("--names", multiple=True, type=click.Path(), metavar="FILE", help="House list of names (repeatable).")
@click.option("--dialect", type=click.Choice(("en-US", "en-GB")), default=None,
              help="Spelling of messages and suggestions (default: the config's 'dialect', else en-US).")
def serve(host, port, workers, allow_origins, max_body, timeout, cache_bytes, config_path, extra_rules, select, ignore, names, dialect):
    """Serve the linter over HTTP: POST /v1/check, GET /v1/rules, GET /healthz, and a page at /.

    Uses the configuration 'lintnews check' would use in this directory. Needs the 'serve'
    extra: pip install 'lintnews[serve]'.
    """
    try:
        from .serve.app import serve as run_server
        from .serve.pool import LinterOptions
    except ImportError as exc:
        fail(f"'lintnews serve' needs Starlette and uvicorn ({exc.name} is missing): pip install 'lintnews[serve]'")
    from .runner import usable_cores

    options = LinterOptions(config_path, tuple(extra_rules), tuple(split_list(select)), tuple(split_list(ignore)), tuple(names), dialect)
    run_server(options, host=host, port=port, workers=workers or usable_cores(), max_body=max_body,
               timeout=timeout, allow_origins=tuple(allow_origins), cache_bytes=cache_bytes)


@main.command("test-rules")
@click.argument("pack_dirs", nargs=-1, type=click.Path(exists=True))
@click.option("--quiet", "-q", is_flag=True, help="Print failures only.")
def test_rules(pack_dirs, quiet):
    """Run every rule's own examples: each 'flag' text must be flagged by it, each 'pass' text not.

    With no PACK_DIRS, tests the shipped packs.
    """
    from .examples import run_examples
    from .kinds.base import RuleError
    from .loader import default_packs_dir, load_rules

    paths = [Path(p) for p in pack_dirs] or [default_packs_dir()]
    try:
        rules = load_rules(paths)
    except RuleError as exc:
        fail(str(exc))
    failures = run_examples(rules)
    for failure in failures:
        click.echo(failure)
    total = sum(len(r.examples.flag) + len(r.examples.passing) + len(r.examples.fixes) for r in rules)
    if not quiet or failures:
        click.echo(f"{total - len(failures)} passed, {len(failures)} failed ({len(rules)} rules).")
    sys.exit(EXIT_FINDINGS if failures else EXIT_OK)


@main.command("lsp")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file to use instead of searching upward from the workspace for one.")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
def lsp_command(config_path, stdio):
    """Run a language server over stdio, for editors: diagnostics as you type, quick fixes,
    rule explanations on hover. Needs the 'lsp' extra: pip install 'lintnews[lsp]'."""
    try:
        from .lsp import serve_stdio
    except ImportError as exc:
        fail(f"the language server needs pygls and lsprotocol ({exc.name} is missing): pip install 'lintnews[lsp]'")
    sys.exit(serve_stdio(config_path))


def run() -> NoReturn:
    """The ``lintnews`` command: ``main``, then a fast exit.

    A run leaves hundreds of thousands of objects behind (compiled rules, the document, the
    modules textstat brings in), and an interpreter that frees them one by one on the way
    out spends about 20 ms of a 100 ms one-article run doing it. The output is flushed and
    every worker has been joined by then, so the process can end at once and leave the
    memory to the operating system. (Tests call ``main`` and keep the ordinary exit.)"""
    try:
        main()
        code = 0
    except KeyboardInterrupt:  # before or after click's own handling
        print("lintnews: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message") prints the message and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more can be written
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
