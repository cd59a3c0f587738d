"""The ``lintnews`` commands, with click: help, usage errors, and every command but the
common ``check`` run, which ``launch.py`` reads without loading click (see check.py).

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, config, rule or input error;
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .check import (
    CHECK_OPTIONS,
    DIALECTS,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    _check_house_names,
    build_linter,
    check as run_check,
    fail,
    load_settings,
    split_list,
)


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



def _check_command(function):
    """The click command of ``check``, built from ``CHECK_OPTIONS`` (declared once)."""
    for opt in reversed(CHECK_OPTIONS):
        kwargs = {"help": opt.help, "metavar": opt.metavar, "show_default": opt.show_default}
        if opt.kind == "flag":
            kwargs["is_flag"] = True
        elif opt.kind == "switch":
            kwargs["default"] = None
        else:
            kwargs["default"] = opt.default
            kwargs["multiple"] = opt.kind == "multiple"
            if opt.choices is not None:
                kwargs["type"] = click.Choice(opt.choices)
            elif opt.minimum is not None:
                kwargs["type"] = click.IntRange(min=opt.minimum)
            elif opt.path:
                kwargs["type"] = click.Path(dir_okay=opt.dir_okay)
        function = click.option(*opt.decls, opt.dest, **kwargs)(function)
    # Paths are not checked here: an unreadable one is an input error (exit 2), not a usage error.
    function = click.argument("paths", nargs=-1, type=click.Path(readable=False))(function)
    return main.command("check")(function)


@_check_command
def check(**params):
    """Lint article files and folders (.md, .markdown, .txt, .html, .htm, .docx); '-' reads standard input.

    With no PATHS, lints the current directory.
    """
    run_check(**params)



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
@click.option("--dialect", type=click.Choice(DIALECTS), default=None,
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
              help="Worker processes, each with the rules compiled.  [default: one per core, plus one]")
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
@click.option("--dialect", type=click.Choice(DIALECTS), default=None,
              help="Spelling of messages and suggestions (default: the config's 'dialect', else en-US).")
def serve(host, port, workers, allow_origins, max_body, timeout, cache_bytes, config_path, extra_rules, select, ignore, names, dialect):
    """Serve the linter over HTTP: POST /v1/check, GET /v1/rules, GET /healthz, and a page at /.

    Uses the configuration 'lintnews check' would use in this directory. Needs the 'serve'
    extra: pip install 'lintnews[serve]'.
    """
    try:
        from .serve.app import serve as run_server
        from .serve.pool import LinterOptions, default_workers
    except ImportError as exc:
        fail(f"'lintnews serve' needs Starlette and uvicorn ({exc.name} is missing): pip install 'lintnews[serve]'")
    options = LinterOptions(config_path, tuple(extra_rules), tuple(split_list(select)), tuple(split_list(ignore)), tuple(names), dialect)
    run_server(options, host=host, port=port, workers=workers or default_workers(), max_body=max_body,
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


def run():
    """Kept for scripts that call ``lintnews.cli:run``: the entry point is ``launch.run``."""
    from .launch import run as launch

    launch()


if __name__ == "__main__":  # pragma: no cover
    run()
