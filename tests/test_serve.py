"""`lintnews serve`, end to end: the real server in a subprocess on a free loopback port,
called with httpx, and its page driven in headless Chromium.

Each server runs in its own directory with a `.lintnews.yaml` that loads only the rules
written here, one of which (`style.testslow`, a pattern that backtracks) keeps a worker
busy for a second on a line of thirty thousand a's: that is how the tests hold a worker
mid-run to kill it, or to time it out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from lintnews.cli import main

ROOT = Path(__file__).resolve().parent.parent

RULES = """\
rules:
- id: loaded.testlabels
  kind: phrases
  severity: warning
  message: "'{match}' is a loaded label"
  terms:
    regime: [government]
    pariah: [isolated country]
  examples:
    flag: ["The regime said it would talk."]
    pass: ["The government said it would talk."]
- id: attribution.testclaim
  kind: phrases
  severity: error
  message: "who says so? name the critics"
  terms:
    critics say: []
  examples:
    flag: ["Critics say the plan failed."]
    pass: ["Smith said the plan failed."]
- id: style.testdash
  kind: pattern
  severity: suggestion
  message: "use a dash, not two hyphens"
  pattern: "--"
  scope: all
  examples:
    flag: ["The talks -- long delayed -- began."]
    pass: ["The talks, long delayed, began."]
- id: style.testslow
  kind: pattern
  severity: suggestion
  message: "a line of a's"
  pattern: "(a+)+$"
  scope: all
  examples:
    flag: ["It ends in aaa"]
    pass: ["It ends in a full stop."]
"""
CONFIG = "default_rules: false\nrules: [rules.yaml]\n"

DRAFT = (
    "# Talks stall in Vienna 🇦🇹\n"
    "\n"
    "On Monday 🙂 the regime said it would not attend the talks.\n"
    "Critics say the plan -- first floated in May -- has failed.\n"
)
SLOW = "a" * 30_000 + "b\n"  # style.testslow gives up after a second (the pattern time limit)


def project(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (path / ".lintnews.yaml").write_text(CONFIG, encoding="utf-8")
    return path


def env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


class Server:
    def __init__(self, cwd: Path, *args: str):
        """Starts the server; ``ready`` waits for it (two can start side by side)."""
        self.cwd = cwd
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lintnews", "serve", "--port", "0", *args],
            cwd=cwd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def ready(self) -> "Server":
        line = self.proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, f"server did not start: {line}{self.proc.stderr.read() if self.proc.poll() is not None else ''}"
        self.port = int(m.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        self.client = httpx.Client(base_url=self.url, timeout=20)
        self.wait_ready()
        return self

    def health(self) -> httpx.Response:
        return self.client.get("/healthz")

    def wait_ready(self, workers: int | None = None, deadline: float = 30.0) -> dict:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            r = self.health()
            body = r.json()
            if r.status_code == 200 and (workers is None or body["workers"]["ready"] == workers):
                return body
            time.sleep(0.02)
        raise AssertionError(f"server not ready: {r.status_code} {r.text}")

    def check(self, **fields) -> httpx.Response:
        return self.client.post("/v1/check", json=fields)

    def stop(self) -> int:
        self.client.close()
        self.proc.send_signal(signal.SIGINT)  # what Ctrl-C does: a clean shutdown
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two servers, started side by side: ``server`` (two workers, the defaults) and
    ``strict`` (one worker, a short time limit, a small body limit, one allowed origin,
    no cache of answers)."""
    default = Server(project(tmp_path_factory.mktemp("serve")), "--workers", "2")
    strict = Server(
        project(tmp_path_factory.mktemp("strict")),
        "--workers", "1", "--timeout", "0.4", "--max-body", "64KB", "--allow-origin", "https://cms.example.org",
        "--cache", "0",
    )
    started = [s.ready() for s in (default, strict)]
    yield started
    codes = [s.stop() for s in started]
    assert codes == [0, 0]  # Ctrl-C is a clean stop


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


@pytest.fixture(scope="module")
def strict(servers):
    return servers[1]


def cli_json(cwd: Path, text: str, filename: str) -> bytes:
    result = subprocess.run(
        [sys.executable, "-m", "lintnews", "check", "--format", "json", "--stdin-filename", filename, "-"],
        cwd=cwd, env=env(), input=text.encode("utf-8"), capture_output=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


# --- the API ---------------------------------------------------------------------


def test_check_answers_exactly_what_the_cli_prints(server):
    r = server.check(text=DRAFT, format="markdown", filename="vienna.md")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.content == cli_json(server.cwd, DRAFT, "vienna.md")
    body = r.json()
    assert body["version"] == 1 and body["errors"] == []
    got = [(f["rule"], f["line"], f["column"], f["match"], f["suggestions"]) for f in body["findings"]]
    # Columns count code points: the emoji before "regime" does not shift the findings after it.
    assert got == [
        ("loaded.testlabels", 3, 17, "regime", ["government"]),
        ("attribution.testclaim", 4, 1, "Critics say", []),
        ("style.testdash", 4, 22, "--", []),
        ("style.testdash", 4, 46, "--", []),
    ]


def test_filename_chooses_the_format_and_the_format_field_wins(server):
    html = "<p>The <b>regime</b> met &amp; talked.</p>\n<!-- the regime -->\n"
    r = server.check(text=html, filename="page.html")
    assert r.content == cli_json(server.cwd, html, "page.html")
    assert [f["match"] for f in r.json()["findings"]] == ["regime"]  # the comment is not prose
    as_text = server.check(text=html, filename="page.html", format="text").json()
    assert [f["match"] for f in as_text["findings"]] == ["regime", "--", "regime", "--"]
    bare = server.check(text="The pariah state -- again.").json()
    assert [(f["path"], f["match"]) for f in bare["findings"]] == [("-", "pariah"), ("-", "--")]


def test_an_empty_draft_gets_the_clis_message(server):
    r = server.check(text="  \n", filename="blank.txt")
    assert r.status_code == 200
    assert r.json() == {"version": 1, "findings": [], "errors": [{"path": "blank.txt", "message": "empty file, nothing to lint"}]}


def test_the_api_never_opens_a_file_a_request_names(server):
    (server.cwd / "secret.md").write_text("The pariah regime.\n", encoding="utf-8")
    r = server.check(text="The government said it would talk.\n", filename="secret.md")
    assert r.json()["findings"] == []  # the text was linted, not the file
    r = server.check(text="The regime said no.\n", filename="../../etc/new.md")
    assert r.json()["findings"][0]["path"] == "../../etc/new.md"
    assert not (server.cwd / "new.md").exists() and not Path("/etc/new.md").exists()


def test_rules_lists_what_lintnews_rules_lists(server):
    r = server.client.get("/v1/rules")
    assert r.status_code == 200
    rules = r.json()["rules"]
    listed = CliRunner().invoke(main, ["rules", "--config", str(server.cwd / ".lintnews.yaml")]).output
    rows = [line.split()[:3] for line in listed.splitlines() if "." in line.split()[0]]
    assert [[x["id"], x["kind"], x["severity"]] for x in rules] == rows
    assert rules[0]["summary"]


def test_the_same_draft_again_is_answered_from_the_cache(server, strict):
    text = "The pariah regime said on Tuesday that it had not been consulted.\n"
    before = server.health().json()["cache"]
    first = server.check(text=text, filename="cached.txt")
    again = server.check(text=text, filename="cached.txt")
    other_name = server.check(text=text, filename="other.txt")
    after = server.health().json()["cache"]
    assert first.content == again.content and first.status_code == again.status_code == 200
    assert (after["hits"] - before["hits"], after["misses"] - before["misses"]) == (1, 2)
    assert other_name.json()["findings"][0]["path"] == "other.txt"  # the name is part of the answer
    assert strict.health().json()["cache"] is None  # --cache 0


def test_healthz_reports_ready_workers(server):
    r = server.health()
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["rules"] == 4
    assert body["workers"]["size"] == 2 and len(body["workers"]["pids"]) == 2


@pytest.mark.parametrize(
    "content, content_type, status, message",
    [
        (b'{"text": "The regime', "application/json", 400, "invalid JSON: Unterminated string"),
        (b'{"text": "caf\xe9"}', "application/json", 400, "not UTF-8 JSON"),
        (b'["The regime said no."]', "application/json", 400, "must be a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "invalid JSON"),
        (b'{"format": "text"}', "application/json", 400, "missing field 'text'"),
        (b'{"text": 42}', "application/json", 400, "'text' must be a string, not a number"),
        (b'{"text": null}', "application/json", 400, "'text' must be a string, not null"),
        (b'{"text": "x", "format": "pdf"}', "application/json", 400, "'format' must be one of text, markdown, html"),
        (b'{"text": "x", "filename": ["a.md"]}', "application/json", 400, "'filename' must be a non-empty string"),
        (b'{"text": "x", "path": "/etc/passwd"}', "application/json", 400, "unknown field 'path'"),
        (b'{"text": "The regime said no."}', "text/plain", 415, "Content-Type: application/json"),
    ],
)
def test_bad_requests_get_a_status_and_one_clear_message(server, content, content_type, status, message):
    r = server.client.post("/v1/check", content=content, headers={"Content-Type": content_type})
    assert r.status_code == status
    assert message in r.json()["error"]


def test_wrong_method_and_unknown_path(server):
    r = server.client.get("/v1/check")
    assert r.status_code == 405 and r.headers["allow"] == "POST" and r.json() == {"error": "Method Not Allowed"}
    assert server.client.delete("/v1/rules").status_code == 405
    assert server.client.post("/healthz").status_code == 405
    r = server.client.get("/v2/check")
    assert r.status_code == 404 and r.json() == {"error": "Not Found"}


def test_a_body_over_the_default_limit_is_refused(server):
    big = json.dumps({"text": "The regime said no. " * 270_000}).encode()  # 5.4 MB > 5 MB
    r = server.client.post("/v1/check", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"error": "request body is larger than the limit of 5 MB"}
    assert server.check(text="The regime said no.").status_code == 200  # and the server goes on


def test_a_body_over_the_limit_is_refused_when_it_streams_without_a_length(strict):
    def chunks():
        for _ in range(70):
            yield b" " * 1024  # JSON may start with whitespace: only the count can stop it

    r = strict.client.post("/v1/check", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413 and "64 KB" in r.json()["error"]
    r = strict.client.post("/v1/check", content=b" " * 70_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_cross_origin_requests_are_refused_by_default(server):
    evil = {"Origin": "https://evil.example"}
    r = server.client.post("/v1/check", json={"text": "The regime said no."}, headers=evil)
    assert r.status_code == 403 and "cross-origin" in r.json()["error"]
    assert not any(h.startswith("access-control-") for h in r.headers)
    preflight = server.client.options(
        "/v1/check", headers={**evil, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    )
    assert preflight.status_code == 403
    assert not any(h.startswith("access-control-") for h in preflight.headers)
    same = server.client.post("/v1/check", json={"text": "The regime said no."}, headers={"Origin": server.url})
    assert same.status_code == 200  # the page at / posts from its own origin
    rebound = server.client.get("/v1/rules", headers={"Host": f"evil.example:{server.port}"})
    assert rebound.status_code == 400 and "loopback" in rebound.json()["error"]


def test_a_configured_origin_is_allowed(strict):
    cms = {"Origin": "https://cms.example.org"}
    r = strict.client.post("/v1/check", json={"text": "The regime said no."}, headers=cms)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://cms.example.org"
    preflight = strict.client.options("/v1/check", headers={**cms, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
    other = strict.client.options("/v1/check", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert other.status_code == 403 and "access-control-allow-origin" not in other.headers


# --- workers ----------------------------------------------------------------------


def test_a_slow_request_times_out_and_frees_its_worker(strict):
    before = strict.wait_ready(workers=1)["workers"]["pids"]
    start = time.monotonic()
    r = strict.check(text=SLOW)
    took = time.monotonic() - start
    assert r.status_code == 503 and "longer than 0.4 s" in r.json()["error"] and r.headers["retry-after"] == "1"
    assert took < 0.9  # the pattern alone would have held the worker for a second
    after = strict.wait_ready(workers=1)["workers"]["pids"]
    assert after != before  # the stuck worker was killed and replaced
    r = strict.check(text="The regime said no.")
    assert r.status_code == 200 and r.json()["findings"][0]["match"] == "regime"


def test_a_worker_killed_mid_run_is_replaced_and_the_request_retried(server):
    server.wait_ready(workers=2)
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("r", server.check(text=SLOW, filename="slow.txt")))
    thread.start()
    end = time.monotonic() + 10
    busy: list[int] = []
    while not busy and time.monotonic() < end:
        busy = server.health().json()["workers"]["busy_pids"]
    assert busy, "the slow request never reached a worker"
    os.kill(busy[0], signal.SIGKILL)
    thread.join(timeout=20)
    r = result["r"]
    assert r.status_code == 200  # tried again on another worker
    assert "timed out" in r.json()["errors"][0]["message"] or "gave up" in r.json()["errors"][0]["message"]
    pids = server.wait_ready(workers=2)["workers"]["pids"]
    assert busy[0] not in pids and len(pids) == 2
    # The pattern that ran out of time on that draft runs on the next one.
    assert [f["rule"] for f in server.check(text="It ends in aaa").json()["findings"]] == ["style.testslow"]
    assert server.check(text=DRAFT, format="markdown").status_code == 200


# --- the command ------------------------------------------------------------------


def test_serve_refuses_a_bad_configuration_before_listening(tmp_path, monkeypatch):
    project(tmp_path)
    (tmp_path / ".lintnews.yaml").write_text(CONFIG + "colour: blue\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2 and "colour" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, message",
    [(["--max-body", "lots"], "is not a size"), (["--timeout", "0"], "--timeout"), (["--port", "70000"], "--port")],
)
def test_serve_refuses_bad_options(args, message):
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 2 and message in result.output


def test_serve_says_so_when_the_port_is_taken(server):
    result = CliRunner().invoke(main, ["serve", "--port", str(server.port)])
    assert result.exit_code == 2
    assert result.output.startswith(f"lintnews: error: cannot listen on 127.0.0.1:{server.port}: ")


# --- the page, in a real browser ---------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "headless Chromium is needed: apt-get install chromium chromium-driver (.ci/run does)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def severe_logs(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_the_page_highlights_a_pasted_draft(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    draft = browser.find_element(By.ID, "draft")
    # Paste: the draft lands in one input event, as a paste does.
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        draft, "Talks 🇦🇹 stall: the regime said critics say the plan -- in May -- failed.\n",
    )
    wait = WebDriverWait(browser, 10)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#view mark")) == 4)
    marks = browser.find_elements(By.CSS_SELECTOR, "#view mark")
    assert [m.text for m in marks] == ["regime", "critics say", "--", "--"]
    # In the HTML report's look: the family's colour, the severity's weight.
    assert [m.get_attribute("class") for m in marks] == [
        "m fam-loaded sev-warning", "m fam-attribution sev-error", "m fam-style sev-suggestion", "m fam-style sev-suggestion"
    ]
    assert marks[0].value_of_css_property("background-color") == "rgba(251, 227, 196, 1)"  # the report's tint for loaded
    assert browser.find_element(By.ID, "view").text.startswith("Talks 🇦🇹 stall: the regime said")
    assert "4 findings" in browser.find_element(By.ID, "status").text

    # The message and the suggestion show on focus (keyboard) and on hover.
    browser.execute_script("arguments[0].focus();", marks[0])
    tip = browser.find_element(By.ID, "tip")
    wait.until(lambda d: tip.is_displayed())
    assert "'regime' is a loaded label" in tip.text and "Suggestion: government" in tip.text
    assert tip.find_element(By.CSS_SELECTOR, ".head .rule").text == "loaded.testlabels"
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element(marks[1]).perform()
    wait.until(lambda d: "who says so?" in tip.text)

    # A finding in the list takes the reader to its words.
    browser.find_elements(By.CSS_SELECTOR, "#list li")[2].click()
    assert browser.switch_to.active_element == marks[2]

    # Typing more re-checks (debounced): the new finding appears.
    draft.send_keys(Keys.END, " The pariah state.")
    wait.until(lambda d: [m.text for m in d.find_elements(By.CSS_SELECTOR, "#view mark")][-1:] == ["pariah"])
    assert severe_logs(browser) == []


def test_the_page_runs_nothing_a_draft_holds(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server.url + "/")
    hostile = (
        "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">\n"
        "The regime <b onmouseover=\"window.pwned = 3\">said</b> no.\n"
    )
    Select(browser.find_element(By.ID, "format")).select_by_value("html")
    draft = browser.find_element(By.ID, "draft")
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", draft, hostile
    )
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#view mark"))
    assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#view mark")] == ["regime"]
    view = browser.find_element(By.ID, "view")
    assert "<script>window.pwned = 1</script>" in view.text  # shown as text
    assert browser.find_elements(By.CSS_SELECTOR, "#view script, #view img, #view b") == []
    assert browser.execute_script("return window.pwned === undefined")
    assert severe_logs(browser) == []


def test_healthz_is_503_until_workers_have_the_rules(tmp_path, monkeypatch):
    import asyncio

    from lintnews.serve.app import create_app
    from lintnews.serve.pool import LinterOptions, build_linter

    monkeypatch.chdir(project(tmp_path))
    options = LinterOptions()
    app = create_app(build_linter(options), options, workers=1)

    async def ask(path):  # the application is called but not started: no worker runs
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get(path)

    r = asyncio.run(ask("/healthz"))
    assert r.status_code == 503 and r.json()["status"] == "starting" and r.json()["workers"]["ready"] == 0
    assert asyncio.run(ask("/v1/rules")).status_code == 200  # the rules themselves are loaded


def test_lintnews_check_does_not_import_the_server(tmp_path):
    project(tmp_path)
    (tmp_path / "a.txt").write_text("The regime said no.\n", encoding="utf-8")
    code = (
        "import sys\nfrom lintnews.cli import main\n"
        "try:\n    main(['check', 'a.txt'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'httpx', 'lintnews.serve') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env(), capture_output=True, text=True)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr
