// A minimal client for `lintnews lsp`: starts the server over stdio for Markdown, plain
// text and HTML, and lets VS Code show its diagnostics, quick fixes and hovers.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("lintnews").get("command");
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "lintnews",
    "lintnews",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "markdown" },
        { scheme: "file", language: "plaintext" },
        { scheme: "file", language: "html" },
        { scheme: "untitled", language: "markdown" },
        { scheme: "untitled", language: "plaintext" },
      ],
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
