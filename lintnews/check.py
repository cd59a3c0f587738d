"""``lintnews check``, the command a reporter's commit and CI run, without click.

Its options are declared once, in ``CHECK_OPTIONS``: ``cli.py`` builds the click command (help,
usage errors, the other commands) from the same table, and ``parse_check_args`` reads the
common invocation (``lintnews [check] [options] PATH...``) straight from ``sys.argv``. click
and what it imports cost about 40 ms of a one-article run of about 250 ms; a run that needs
anything else (``--help``, a misspelt option, a bad value, another command) is handed to
click, which prints exactly what it always has. ``tests/test_cli_fast.py`` checks that both
read every invocation the same way.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, config, rule or input error;
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from . import rx
from .finding import SEVERITIES, SEVERITY_RANK
from .formatters import FORMATTERS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells and other linters report Ctrl-C
DIALECTS = ("en-US", "en-GB")
# The commands of ``cli.main``; a first argument that is none of them means ``check``.
COMMANDS = ("annotate", "check", "explain", "lsp", "rules", "serve", "test-rules")

_ANSI_RE = rx.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """Print a line as ``click.echo`` does: flushed at once, and without colour codes when
    the stream is not a terminal."""
    stream = sys.stderr if err else sys.stdout
    if "\033[" in message and not _isatty(stream):
        message = _ANSI_RE.sub("", message)
    stream.write(message + "\n" if nl else message)
    stream.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def fail(message: str) -> NoReturn:
    from .finding import printable

    echo(f"lintnews: error: {printable(message)}", err=True)
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



class Option:
    """One option of ``lintnews check``: what click is told, and what the fast reader needs.

    ``kind``: "value" (one value), "multiple" (repeatable, values collected in order), "flag"
    (``--quiet``) or "switch" (``--color/--no-color``: True, False or None when not given).
    ``path``: the value is a path that click checks when it exists (not a folder unless
    ``dir_okay``, and readable)."""

    __slots__ = ("decls", "dest", "kind", "help", "default", "choices", "metavar", "show_default", "minimum",
                 "path", "dir_okay")

    def __init__(self, decls, dest, kind, help, *, default=None, choices=None, metavar=None, show_default=False,
                 minimum=None, path=False, dir_okay=True):
        self.decls, self.dest, self.kind, self.help = decls, dest, kind, help
        self.default, self.choices, self.metavar, self.show_default = default, choices, metavar, show_default
        self.minimum, self.path, self.dir_okay = minimum, path, dir_okay


CHECK_OPTIONS = (
    Option(("--format",), "fmt", "value", default="text", choices=tuple(sorted(FORMATTERS)), show_default=True,
           help="Output: text for people, html for a report to read in a browser, json for programs, "
                "github for Actions annotations, sarif for code scanning."),
    Option(("--output", "-o"), "output_path", "value", path=True, dir_okay=False, metavar="FILE",
           help="Write the output to FILE (replaced whole, never half-written) instead of standard output."),
    Option(("--select",), "select", "multiple", metavar="RULES",
           help="Only these rule ids or prefixes (comma-separated), e.g. 'loaded,names'."),
    Option(("--ignore",), "ignore", "multiple", metavar="RULES", help="Skip these rule ids or prefixes (comma-separated)."),
    Option(("--fail-on",), "fail_on", "value", choices=SEVERITIES,
           help="Lowest severity that makes the run exit 1.  [default: warning]"),
    Option(("--config",), "config_path", "value", path=True, dir_okay=False,
           help="Config file to use instead of searching upward for .lintnews.yaml, pyproject.toml or setup.cfg."),
    Option(("--rules",), "extra_rules", "multiple", path=True, metavar="PATH",
           help="Extra rule file or directory (repeatable), added to the packs."),
    Option(("--names",), "names", "multiple", path=True, metavar="FILE",
           help="House list of names: one canonical spelling per line, or YAML of name: [variants]. Repeatable; "
                "wins over the starter list."),
    Option(("--stdin-filename",), "stdin_filename", "value", default="-", metavar="NAME",
           help="Name to report for '-' (standard input); its suffix picks the format (.md, .html, .txt)."),
    Option(("--jobs", "-j"), "jobs", "value", default=0, minimum=0, show_default=True,
           help="Processes to use. 0 (automatic): one per core for 8 files or more; for fewer, a file's rules are "
                "shared between two processes when it is big enough to gain. 1: one process."),
    Option(("--show-source/--no-show-source",), "show_source", "switch",
           help="Print each finding's line with a caret under the span and the suggestion (default: when printing "
                "to a terminal)."),
    Option(("--color/--no-color",), "color", "switch",
           help="Colour the text output (default: when printing to a terminal)."),
    Option(("--quiet", "-q"), "quiet", "flag", help="Print findings only: no summary line."),
    Option(("--dialect",), "dialect", "value", choices=DIALECTS,
           help="Spelling of messages and suggestions (default: the config's 'dialect', else en-US)."),
    Option(("--fix",), "fix", "flag",
           help="Apply safe fixes in place (house spellings, repeated words, date ordinals), then report what remains. "
                "With '-': the fixed text goes to standard output, the report to standard error."),
    Option(("--unsafe-fixes",), "unsafe_fixes", "flag",
           help="With --fix or --diff: also apply suggestions that rules mark as usable replacements (word choices); "
                "review them."),
    Option(("--diff",), "diff", "flag",
           help="Print the fixes as a unified diff and write nothing. Exit status 1 when there is something to fix."),
    Option(("--fix-only",), "fix_only", "flag",
           help="Apply fixes like --fix, but do not report the findings that remain (exit 0)."),
    Option(("--exit-non-zero-on-fix",), "exit_non_zero_on_fix", "flag",
           help="With --fix or --fix-only: exit 1 when a file was changed."),
)


def _option_table() -> dict[str, tuple[Option, object]]:
    """Each spelling of each option -> (option, the value a bare flag or switch sets)."""
    table: dict[str, tuple[Option, object]] = {}
    for opt in CHECK_OPTIONS:
        if opt.kind == "switch":
            on, off = opt.decls[0].split("/")
            table[on], table[off] = (opt, True), (opt, False)
        else:
            for decl in opt.decls:
                table[decl] = (opt, True)
    return table


def parse_check_args(argv: list[str]) -> dict | None:
    """The parameters of ``check`` for a command line that asks for nothing but a check with
    valid options, as click would read them; None for anything else (help, version, another
    command, an unknown option, a bad or missing value), which is click's to answer."""
    if not argv or argv[0] in ("--help", "-h", "--version"):
        return None
    if argv[0] in COMMANDS:
        if argv[0] != "check":
            return None
        argv = argv[1:]
    table = _option_table()
    params: dict = {}
    paths: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            paths.extend(argv[i:])
            break
        if not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        entry = table.get(name)
        if entry is None:
            return None  # -h, --help, a cluster such as -qj2, a misspelling: click's to answer
        opt, bare = entry
        if opt.kind in ("flag", "switch"):
            if eq:
                return None
            params[opt.dest] = bare
            continue
        if not eq:
            if i >= len(argv):
                return None
            value = argv[i]
            i += 1
        checked = _checked_value(opt, value)
        if checked is None:
            return None
        if opt.kind == "multiple":
            params.setdefault(opt.dest, []).append(checked)
        else:
            params[opt.dest] = checked
    out: dict = {"paths": tuple(paths)}
    for opt in CHECK_OPTIONS:
        given = params.get(opt.dest)
        if opt.kind == "multiple":
            out[opt.dest] = tuple(given or ())
        elif opt.kind == "flag":
            out[opt.dest] = bool(given)
        else:
            out[opt.dest] = opt.default if given is None else given
    return out


def _checked_value(opt: Option, value: str):
    """The value as click would convert it, or None where click would refuse it."""
    if opt.choices is not None and value not in opt.choices:
        return None
    if opt.minimum is not None:
        try:
            number = int(value)
        except ValueError:
            return None
        return number if number >= opt.minimum else None
    if opt.path:
        try:
            st = os.stat(value)
        except (OSError, ValueError):
            return value  # not there (yet): fine by click.Path(exists=False)
        import stat

        if (not opt.dir_okay and stat.S_ISDIR(st.st_mode)) or not os.access(value, os.R_OK):
            return None
    return value


def check(paths, fmt, output_path, select, ignore, fail_on, config_path, extra_rules, names, stdin_filename, jobs, show_source, color, quiet,
          dialect, fix, unsafe_fixes, diff, fix_only, exit_non_zero_on_fix):
    """Lint article files and folders (.md, .markdown, .txt, .html, .htm, .docx); '-' reads standard input.

    With no PATHS, lints the current directory.
    """
    from .finding import InputError, printable
    from .formatters import get_formatter
    from .runner import Report, lint_files, save_learned, sort_findings
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
                echo(f"lintnews: {printable(e.path)}: {printable(e.message)}", err=True)
            sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if changed else EXIT_OK)
    else:
        findings, file_errors = lint_files(linter, files, jobs=jobs, stdin_name=stdin_filename)
        changed = 0
    errors.extend(file_errors)
    rx.save_if_grown()  # the patterns this run compiled, for the next run
    save_learned()  # and the syllables it counted
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
            echo(output, err=to_stderr)
        if fmt in ("text", "github") or fix_only or to_stderr:
            for e in errors:
                echo(f"lintnews: {printable(e.path)}: {printable(e.message)}", err=True)
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
        echo(f"lintnews: GitHub shows at most 10 annotations of each level per step; {hidden} will not be shown "
                   f"as annotations ({where})", err=True)
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            with open(path, "a", encoding="utf-8", errors="replace") as fh:
                fh.write(step_summary(report))
        except OSError as exc:
            echo(f"lintnews: cannot write the job summary to $GITHUB_STEP_SUMMARY: {exc.strerror or exc}", err=True)


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
                echo(text, nl=False)
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
                    echo(f"lintnews: {r.shown}: applied {r.applied} fix{'es' if r.applied != 1 else ''}", err=True)
        findings.extend(r.findings)
    if diff and not quiet:
        n = sum(r.applied for r in results if r.changed)
        echo(f"lintnews: would apply {n} fix{'es' if n != 1 else ''} to {changed} file{'s' if changed != 1 else ''}" if n else "lintnews: nothing to fix", err=True)
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
            from .markup import LINE_BREAK_RE

            # Lines end as findings count them: LF, CRLF or a lone CR (old Mac files).
            self.lines[path] = LINE_BREAK_RE.split(self.text(path) or "")
        lines = self.lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else None


def _explainer(linter):
    by_id = {r.id: r for r in linter.all_rules}

    def explanation(rule_id: str):
        from .app import explain_parts

        rule = by_id.get(rule_id)
        return explain_parts(rule, linter) if rule is not None else None

    return explanation

