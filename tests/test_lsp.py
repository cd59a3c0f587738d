"""`lintnews lsp` end to end: a real LSP client (pytest-lsp, on pygls) drives
`python -m lintnews lsp` over stdio, the way an editor does.

One server serves the module (its start-up is most of the cost); each test opens its own
document. The project is a temporary folder with a commented `.lintnews.yaml`; the rules
are the shipped packs, so the findings are compared with `lintnews check --format json`.
A last test speaks raw JSON-RPC to a second server, negotiates UTF-8 positions and checks
that every byte the server wrote to stdout is a well-formed protocol message.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from click.testing import CliRunner
from lsprotocol import types as t
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from lintnews.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROJECT_CONFIG = """\
# Settings for the foreign desk.
ignore:
  - readability    # we edit for length by hand

allow:
  - pariah   # the desk's own call, 2024
"""

ARTICLE = """\
# Grain talks stall 🌾

Ministers met in Ankara on Tuesday. Crowds cheered 🎉 as the regime in Moscow went quiet.

Critics say the corridor will not reopen before winter, and the opposition slammed the plan.
"""


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


PUBLISHED: list[t.PublishDiagnosticsParams] = []
REGISTERED: list[t.Registration] = []


def make_client() -> LanguageClient:
    """pytest-lsp's client, keeping every publishDiagnostics (with its version), not just
    the last one per document."""
    from pygls.protocol import default_converter

    def publish(client: LanguageClient, params: t.PublishDiagnosticsParams):
        PUBLISHED.append(params)
        client.diagnostics[params.uri] = params.diagnostics

    def register(client: LanguageClient, params: t.RegistrationParams):
        REGISTERED.extend(params.registrations)

    def unregister(client: LanguageClient, params: t.UnregistrationParams):
        gone = {u.id for u in params.unregisterations}
        REGISTERED[:] = [r for r in REGISTERED if r.id not in gone]

    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
                                   t.CLIENT_REGISTER_CAPABILITY: register, t.CLIENT_UNREGISTER_CAPABILITY: unregister})
    return client


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("newsroom")
    (root / ".lintnews.yaml").write_text(PROJECT_CONFIG, encoding="utf-8")
    return root


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "lintnews", "lsp"], server_env=server_env(),
                              client_factory=make_client),
)
async def client(lsp_client: LanguageClient, project: Path):
    caps = t.ClientCapabilities(
        workspace=t.WorkspaceClientCapabilities(
            workspace_edit=t.WorkspaceEditClientCapabilities(document_changes=True),
            did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
        ),
        text_document=t.TextDocumentClientCapabilities(
            code_action=t.CodeActionClientCapabilities(
                code_action_literal_support=t.ClientCodeActionLiteralOptions(
                    code_action_kind=t.ClientCodeActionKindOptions(value_set=[t.CodeActionKind.QuickFix])
                )
            ),
            hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown]),
            publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True),
        ),
    )
    await lsp_client.initialize_session(t.InitializeParams(capabilities=caps, root_uri=from_fs_path(str(project)),
                                                           workspace_folders=[t.WorkspaceFolder(from_fs_path(str(project)), "newsroom")]))
    yield
    await lsp_client.shutdown_session()
    assert lsp_client._server.returncode == 0  # shutdown, then exit: a clean exit


on_the_server = pytest.mark.asyncio(loop_scope="module")  # tests that share the module's server


# --- helpers: the client's side of positions and edits ----------------------------------


def offset(text: str, pos: t.Position) -> int:
    """Code-point offset of an LSP position counted in UTF-16 code units (the default)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line16 = lines[pos.line].encode("utf-16-le")[: pos.character * 2]
    return start + len(line16.decode("utf-16-le"))


def covered(text: str, rng: t.Range) -> str:
    return text[offset(text, rng.start) : offset(text, rng.end)]


def apply(text: str, edits) -> str:
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(text, e.range.start)] + e.new_text + text[offset(text, e.range.end) :]
    return text


def edits_of(action: t.CodeAction, uri: str) -> list[t.TextEdit]:
    edit = action.edit
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list(edit.changes[uri])


async def diagnostics_for(client: LanguageClient, uri: str, version: int) -> list[t.Diagnostic]:
    """The diagnostics the server publishes for ``version`` of ``uri``."""
    async def wait():
        while True:
            for p in reversed(PUBLISHED):
                if p.uri == uri and p.version == version:
                    return list(p.diagnostics)
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), 20)


class Doc:
    """A document the test edits the way an editor would."""

    def __init__(self, client: LanguageClient, path: Path, text: str, language: str):
        self.client, self.uri, self.text, self.version = client, from_fs_path(str(path)), text, 1
        client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(self.uri, language, 1, text)))

    async def diagnostics(self) -> list[t.Diagnostic]:
        return await diagnostics_for(self.client, self.uri, self.version)

    def edit(self, edits: list[t.TextEdit]) -> None:
        """Apply ``edits`` and send them as incremental changes (last first, as editors do)."""
        self.version += 1
        changes = []
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            self.text = apply(self.text, [e])
            changes.append(t.TextDocumentContentChangePartial(range=e.range, text=e.new_text))
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version), changes))

    async def actions(self, diag: t.Diagnostic) -> list:
        return await self.client.text_document_code_action_async(t.CodeActionParams(
            t.TextDocumentIdentifier(self.uri), diag.range, t.CodeActionContext(diagnostics=[diag])))


def by_rule(diags, rule: str) -> t.Diagnostic:
    found = [d for d in diags if d.code == rule]
    assert found, f"no {rule} in {[d.code for d in diags]}"
    return found[0]


def check_json(path: Path, cwd: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "lintnews", "check", "--format", "json", str(path)], cwd=cwd,
                         env=server_env(), capture_output=True, text=True)
    return json.loads(out.stdout)["findings"]


# --- tests -------------------------------------------------------------------------------


@on_the_server
async def test_diagnostics_are_the_checks_findings_in_utf16(client: LanguageClient, project: Path):
    path = project / "grain.md"
    path.write_text(ARTICLE, encoding="utf-8")
    doc = Doc(client, path, ARTICLE, "markdown")
    diags = await doc.diagnostics()

    # Same findings as `lintnews check` on the same text and configuration.
    findings = check_json(path, project)
    assert sorted((d.code, d.message) for d in diags) == sorted((f["rule"], f["message"]) for f in findings)
    assert "readability" not in {d.code.split(".")[0] for d in diags}  # the project's config is used

    regime = by_rule(diags, "loaded.regime")
    # The emoji before it is two UTF-16 code units: the range still covers exactly the word.
    assert covered(doc.text, regime.range) == "regime"
    line = ARTICLE.split("\n")[2]
    assert regime.range.start.character == line.index("regime") + 1
    assert regime.severity == t.DiagnosticSeverity.Warning
    assert regime.source == "lintnews"
    assert regime.data["suggestions"][0] == "government"
    for d in diags:
        assert covered(doc.text, d.range).replace("\n", " ") == next(
            f["match"] for f in findings if f["rule"] == d.code and f["message"] == d.message).replace("\n", " ")

    # An edit that puts four more astral characters before it moves it by eight code units.
    doc.edit([t.TextEdit(t.Range(t.Position(2, 0), t.Position(2, 0)), "🇺🇦🇹🇷 ")])
    moved = by_rule(await doc.diagnostics(), "loaded.regime")
    assert moved.range.start.character == regime.range.start.character + 9
    assert covered(doc.text, moved.range) == "regime"


@on_the_server
async def test_quick_fix_replaces_exactly_the_flagged_word(client: LanguageClient, project: Path):
    doc = Doc(client, project / "fix.md", "On Monday the regime 🚢 blocked the port at Latakia.\n", "markdown")
    regime = by_rule(await doc.diagnostics(), "loaded.regime")
    actions = await doc.actions(regime)
    fix = next(a for a in actions if isinstance(a, t.CodeAction) and a.is_preferred)
    assert fix.title == "Replace 'regime' with 'government'"
    doc.edit(edits_of(fix, doc.uri))
    assert doc.text == "On Monday the government 🚢 blocked the port at Latakia.\n"
    assert "loaded.regime" not in {d.code for d in await doc.diagnostics()}


@on_the_server
async def test_a_rule_s_safe_fix_is_the_preferred_quick_fix(client: LanguageClient, project: Path):
    doc = Doc(client, project / "safe.txt", "Ministers met on June 5th and agreed that the the corridor would reopen.\n", "plaintext")
    diags = await doc.diagnostics()
    repeated = by_rule(diags, "style.repeated-word")
    assert repeated.data["fix"] == {"replacement": "the", "safe": True}
    fix = next(a for a in await doc.actions(repeated) if isinstance(a, t.CodeAction) and a.is_preferred)
    assert fix.title == "Replace 'the the' with 'the'"
    doc.edit(edits_of(fix, doc.uri))
    ordinal = by_rule(await doc.diagnostics(), "style.date-ordinal")
    fix = next(a for a in await doc.actions(ordinal) if isinstance(a, t.CodeAction) and a.is_preferred)
    assert fix.title == "Delete 'th'"
    doc.edit(edits_of(fix, doc.uri))
    assert doc.text == "Ministers met on June 5 and agreed that the corridor would reopen.\n"
    codes = {d.code for d in await doc.diagnostics()}
    assert not codes & {"style.repeated-word", "style.date-ordinal"}


@on_the_server
async def test_advice_is_not_offered_as_replacement_text(client: LanguageClient, project: Path):
    doc = Doc(client, project / "weasel.txt", "Critics say the new bridge will never open.\n", "plaintext")
    weasel = by_rule(await doc.diagnostics(), "attribution.weasel")
    titles = [a.title for a in await doc.actions(weasel)]
    assert not any(title.startswith("Replace") for title in titles)  # "name who says so" is advice
    assert "Disable attribution.weasel for this line" in titles


@on_the_server
async def test_disable_for_this_line(client: LanguageClient, project: Path):
    text = "Flooding hit the valley.\nThe opposition slammed the plan on Friday.\nThe regime did not reply.\n"
    doc = Doc(client, project / "disable.txt", text, "plaintext")
    slammed = by_rule(await doc.diagnostics(), "loaded.said")
    action = next(a for a in await doc.actions(slammed) if a.title == "Disable loaded.said for this line")
    doc.edit(edits_of(action, doc.uri))
    assert doc.text.split("\n")[1] == "The opposition slammed the plan on Friday. <!-- lintnews-disable-line loaded.said -->"
    codes = [d.code for d in await doc.diagnostics()]
    assert "loaded.said" not in codes and "loaded.regime" in codes  # only that rule, only that line


@on_the_server
async def test_hover_explains_the_rule(client: LanguageClient, project: Path):
    doc = Doc(client, project / "hover.html", "<p>Tom &amp; Jerry watched as the regime fell.</p>\n", "html")
    regime = by_rule(await doc.diagnostics(), "loaded.regime")
    assert covered(doc.text, regime.range) == "regime"  # through the HTML entity before it
    hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(doc.uri), regime.range.start))
    explained = CliRunner().invoke(main, ["explain", "loaded.regime"]).output
    sources = explained.split("Sources:\n")[1].split("\n\n")[0].splitlines()
    assert sources and all(s.strip()[2:] in hover.contents.value for s in sources)
    rationale = explained.split("\n\n")[2].splitlines()[0]
    assert rationale in hover.contents.value


@on_the_server
async def test_allow_this_term_keeps_the_config_file_s_comments(client: LanguageClient, project: Path):
    doc = Doc(client, project / "allow.md", "The junta and the regime signed the deal.\n", "markdown")
    regime = by_rule(await doc.diagnostics(), "loaded.regime")
    actions = await doc.actions(regime)
    allow = next(a for a in actions if a.title.startswith("Allow 'regime'"))
    command = allow.command
    if isinstance(command, str):  # lsprotocol's client reads any result with a "command" key
        command = ast.literal_eval(command)  # as a Command, and our CodeAction's command as its text
    name, args = (command["command"], command["arguments"]) if isinstance(command, dict) else (command.command, command.arguments)
    assert name == "lintnews.allowTerm" and args == ["regime"]
    before = len(PUBLISHED)
    await client.workspace_execute_command_async(t.ExecuteCommandParams(command=name, arguments=args))
    written = (project / ".lintnews.yaml").read_text(encoding="utf-8")
    assert written == PROJECT_CONFIG.replace("  - pariah   # the desk's own call, 2024\n",
                                             "  - pariah   # the desk's own call, 2024\n  - regime\n")
    # The server re-reads it and publishes again, without the allowed term.
    async def republished():
        while not any(p.uri == doc.uri for p in PUBLISHED[before:]):
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return [p for p in PUBLISHED[before:] if p.uri == doc.uri][-1].diagnostics
    assert "loaded.regime" not in {d.code for d in await asyncio.wait_for(republished(), 20)}
    (project / ".lintnews.yaml").write_text(PROJECT_CONFIG, encoding="utf-8")
    await watched(client, project / ".lintnews.yaml")


async def watched(client: LanguageClient, path: Path) -> None:
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=from_fs_path(str(path)), type=t.FileChangeType.Changed)]))
    await asyncio.sleep(0)


@on_the_server
async def test_config_change_is_picked_up_and_a_broken_one_is_reported(client: LanguageClient, project: Path):
    config = project / ".lintnews.yaml"

    # The server asked the client to watch the configuration files (a request of its own,
    # after `initialized`: it may arrive after this test starts, when the test runs first).
    def globs():
        return [w["globPattern"] if isinstance(w, dict) else w.glob_pattern
                for r in REGISTERED if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES
                for w in (r.register_options["watchers"] if isinstance(r.register_options, dict) else r.register_options.watchers)]

    for _ in range(200):
        if "**/.lintnews.yaml" in globs():
            break
        await asyncio.sleep(0.05)
    assert "**/.lintnews.yaml" in globs()
    doc = Doc(client, project / "config.md", "The opposition slammed the plan.\n", "markdown")
    assert "loaded.said" in {d.code for d in await doc.diagnostics()}

    config.write_text(PROJECT_CONFIG + "severity: {loaded.said: error}\n", encoding="utf-8")
    before = len(PUBLISHED)
    await watched(client, config)

    async def next_for(uri):
        while True:
            mine = [p for p in PUBLISHED[before:] if p.uri == uri]
            if mine:
                return mine[-1].diagnostics
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    said = by_rule(await asyncio.wait_for(next_for(doc.uri), 20), "loaded.said")
    assert said.severity == t.DiagnosticSeverity.Error

    # A broken config: one clear message naming the file, and the last good one stays.
    messages = len(client.messages)
    config.write_text("ignore: [readability\n", encoding="utf-8")
    client.text_document_did_save(t.DidSaveTextDocumentParams(t.TextDocumentIdentifier(from_fs_path(str(config)))))
    while len(client.messages) == messages:
        await asyncio.wait_for(client.wait_for_notification(t.WINDOW_SHOW_MESSAGE), 20)
    shown = client.messages[messages:]
    assert len(shown) == 1 and shown[0].type == t.MessageType.Error
    assert str(config) in shown[0].message and "last good configuration" in shown[0].message
    doc.edit([t.TextEdit(t.Range(t.Position(0, 0), t.Position(0, 0)), "Overnight, ")])
    said = by_rule(await doc.diagnostics(), "loaded.said")
    assert said.severity == t.DiagnosticSeverity.Error  # still the last good configuration

    config.write_text(PROJECT_CONFIG, encoding="utf-8")
    await watched(client, config)


async def until(client: LanguageClient, uri: str, ok) -> list[t.Diagnostic]:
    """The first diagnostics published for ``uri`` from now on that satisfy ``ok``."""
    start = len(PUBLISHED)

    async def wait():
        while True:
            for p in PUBLISHED[start:]:
                if p.uri == uri and ok({d.code for d in p.diagnostics}):
                    return list(p.diagnostics)
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), 20)


@on_the_server
async def test_the_house_list_is_read_again_when_it_changes(client: LanguageClient, project: Path):
    config, names = project / ".lintnews.yaml", project / "house-names.txt"
    names.write_text("Olena Kovalchuk\n", encoding="utf-8")
    doc = Doc(client, project / "names.txt", "The deputy minister, Olena Kovalchuck, visited the port.\n", "plaintext")
    await doc.diagnostics()
    config.write_text(PROJECT_CONFIG + "names: [house-names.txt]\n", encoding="utf-8")
    await watched(client, config)
    await until(client, doc.uri, lambda codes: "names.house-spelling" in codes)
    names.write_text("# nobody listed yet\n", encoding="utf-8")
    await watched(client, names)
    await until(client, doc.uri, lambda codes: "names.house-spelling" not in codes)
    config.write_text(PROJECT_CONFIG, encoding="utf-8")
    await watched(client, config)


@on_the_server
async def test_a_burst_of_edits_publishes_only_current_versions(client: LanguageClient, project: Path):
    doc = Doc(client, project / "burst.txt", "The regime spoke.\n", "plaintext")
    await doc.diagnostics()
    start = len(PUBLISHED)
    for word in "Later that evening the minister said more".split():
        doc.edit([t.TextEdit(t.Range(t.Position(1, 0), t.Position(1, 0)), word + " ")])
    final = await doc.diagnostics()
    assert covered(doc.text, by_rule(final, "loaded.regime").range) == "regime"
    versions = [p.version for p in PUBLISHED[start:] if p.uri == doc.uri]
    assert versions == sorted(versions) and versions[-1] == doc.version
    assert len(versions) < 8  # debounced: not one run per keystroke


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


@on_the_server
async def test_the_lint_process_is_restarted_if_it_dies(client: LanguageClient, project: Path):
    import signal

    doc = Doc(client, project / "restart.md", "The regime closed the border.\n", "markdown")
    assert "loaded.regime" in {d.code for d in await doc.diagnostics()}
    workers = children(client._server.pid)
    assert len(workers) == 1  # the lint process
    os.kill(workers[0], signal.SIGKILL)
    doc.edit([t.TextEdit(t.Range(t.Position(0, 0), t.Position(0, 0)), "On Sunday ")])
    assert "loaded.regime" in {d.code for d in await doc.diagnostics()}
    assert len(children(client._server.pid)) == 1


# --- the raw protocol: UTF-8 positions, a clean stdout, exit status ---------------------


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def unframe(data: bytes) -> list[dict]:
    """Every message in ``data``; fails on any byte that is not part of a message."""
    messages = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, f"stray output on stdout: {data[:80]!r}"
        fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n"))
        length = int(fields[b"Content-Length"])
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def test_utf8_positions_and_nothing_but_protocol_on_stdout(tmp_path: Path):
    # This project's config is broken from the start: the shipped defaults are used, and
    # the user is told once.
    (tmp_path / ".lintnews.yaml").write_text("ignore: [readability\n", encoding="utf-8")
    text = "In the café quarter of Aleppo 😀 the regime cut power on Sunday.\n"
    uri = from_fs_path(str(tmp_path / "cafe.txt"))
    proc = subprocess.Popen([sys.executable, "-m", "lintnews", "lsp"], cwd=tmp_path, env=server_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": from_fs_path(str(tmp_path)),
        "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}}))
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}}))
    proc.stdin.flush()
    # Read until the diagnostics arrive, then shut down and exit.
    buffer = b""
    while b"publishDiagnostics" not in buffer:
        chunk = proc.stdout.read1(65536)
        assert chunk, proc.stderr.read().decode()
        buffer += chunk
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    rest, _ = proc.communicate(timeout=20)
    messages = unframe(buffer + rest)
    assert proc.returncode == 0

    init = next(m for m in messages if m.get("id") == 1)
    assert init["result"]["capabilities"]["positionEncoding"] == "utf-8"
    diags = next(m for m in messages if m.get("method") == "textDocument/publishDiagnostics")["params"]["diagnostics"]
    regime = next(d for d in diags if d["code"] == "loaded.regime")
    start = regime["range"]["start"]["character"]
    end = regime["range"]["end"]["character"]
    raw = text.encode("utf-8")
    assert raw[start:end].decode("utf-8") == "regime"
    assert start == text.index("regime") + 1 + 3  # bytes: "é" counts two, the emoji four
    assert any(m.get("id") == 2 and "result" in m for m in messages)
    shown = [m["params"] for m in messages if m.get("method") == "window/showMessage"]
    assert len(shown) == 1 and shown[0]["type"] == 1  # one error
    assert ".lintnews.yaml" in shown[0]["message"] and "shipped defaults" in shown[0]["message"]


def test_a_replacement_takes_the_case_of_the_flagged_word():
    from lintnews.lsp import match_case

    assert match_case("government", "Regime") == "Government"
    assert match_case("government", "REGIME") == "GOVERNMENT"
    assert match_case("Hossein Dehghan", "hossein deghan") == "Hossein Dehghan"  # a name keeps its own capitals


def test_positions_in_every_encoding_and_lsp_line_breaks():
    from lintnews.lsp import TextDoc

    # A lone \r ends a line for LSP; U+2028 does not (str.splitlines would split there).
    text = "Title\rThe 😀 regime\u2028fell.\r\nNext line"
    doc = TextDoc("file:///a.txt", text, 1, "plaintext")
    at = text.index("regime")
    pos = doc.positions([at], "utf-16")[at]
    assert (pos.line, pos.character) == (1, 7)  # the emoji is two UTF-16 code units
    assert doc.positions([at], "utf-32")[at].character == 6
    assert doc.positions([at], "utf-8")[at].character == 9
    for enc in ("utf-8", "utf-16", "utf-32"):
        assert doc.offset_at(doc.positions([at], enc)[at], enc) == at
    after = text.index("fell")
    assert doc.positions([after], "utf-16")[after].line == 1  # U+2028 is inside line 1
    assert doc.positions([text.index("Next")], "utf-16")[text.index("Next")].line == 2


def test_a_run_gives_up_when_its_text_is_stale():
    from lintnews.app import build_linter, load_settings
    from lintnews.engine import Cancelled
    from lintnews.sources import Source

    linter = build_linter(load_settings(start=ROOT / "examples"))
    with pytest.raises(Cancelled):
        linter.lint_source(Source("a.txt", "The regime fell.", []), cancelled=lambda: True)
    assert linter.lint_source(Source("a.txt", "The regime fell.", []), cancelled=lambda: False)[0]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the lint process forks a helper only where it can")
def test_a_cancel_is_seen_by_the_lint_process_not_by_a_helper_forked_from_it():
    """The helper of a shared run inherits the cancel pipe; an id it read was lost to the
    lint process, which then ran the stale run to the end (the helper's share too)."""
    from lintnews.lsp_worker import ID, Cancels

    r, w = os.pipe()
    try:
        cancels = Cancels(r)
        os.write(w, ID.pack(7))
        pid = os.fork()
        if pid == 0:  # the helper asks first: it must neither stop nor take the id
            os._exit(3 if cancels.stopped(7) else 0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert cancels.stopped(7) and not cancels.stopped(8)
        cancels.done(7)
        assert not cancels.stopped(7)
    finally:
        os.close(r)
        os.close(w)


def test_allow_list_is_created_or_extended_in_the_file_s_own_style(tmp_path: Path):
    from lintnews.lsp import add_allowed

    config = tmp_path / ".lintnews.yaml"
    assert add_allowed(config, "regime")  # no file yet: created
    assert config.read_text() == "allow:\n- regime\n"
    config.write_text("select: [loaded]   # only the loaded-language pack\nallow: [pariah]\n")
    assert add_allowed(config, "junta")
    assert not add_allowed(config, "Junta")  # already there, whatever the case
    assert config.read_text() == "select: [loaded]   # only the loaded-language pack\nallow: [pariah, junta]\n"


def test_check_never_imports_the_language_server_s_dependencies(tmp_path: Path):
    draft = tmp_path / "draft.md"
    draft.write_text("The regime fell on Tuesday.\n", encoding="utf-8")
    probe = ("import sys; from click.testing import CliRunner; from lintnews.cli import main; "
             f"CliRunner().invoke(main, ['check', {str(draft)!r}]); "
             "print(sorted(m for m in ('pygls', 'lsprotocol', 'ruamel', 'asyncio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], env=server_env(), capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]", out.stderr


def test_line_starts_follow_edits_as_a_full_count_would():
    from hypothesis import given, settings, strategies as st

    from lintnews.lsp import TextDoc

    pieces = st.text(alphabet="ab \n😀é\r", max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(pieces, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), pieces), max_size=6))
    def check(text, edits):
        doc = TextDoc("file:///a.txt", text, 1, "plaintext")
        for a, b, new in edits:
            doc.line_starts  # counted once, then kept up to date by apply()
            start, end = sorted((min(a, len(doc.text)), min(b, len(doc.text))))
            pos = doc.positions([start, end], "utf-16")
            doc.apply(t.TextDocumentContentChangePartial(range=t.Range(pos[start], pos[end]), text=new), "utf-16")
            fresh = TextDoc("file:///a.txt", doc.text, 1, "plaintext")
            assert doc.line_starts == fresh.line_starts

    check()
