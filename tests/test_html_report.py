"""``--format html`` and ``-o``: the report an editor reads in a browser.

The page is checked in a real browser (Debian's headless chromium, driven by Selenium
through /usr/bin/chromedriver; `.ci/run` installs both), not by string matching alone: one
highlight per finding, each highlight's words equal to the finding's ``match`` in
``--format json``, filters that hide and show, a click that shows the message, keys that
move between findings, no script error, and a 200-article report that loads fast. One
browser serves the whole module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lintnews.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Shipped packs plus a few rules of two more families whose spans cross and nest with the
# packs' (findings of different families on different words all stay), and one that
# quotes markup.
HOUSE_RULES = """\
rules:
- id: desk.moscow
  kind: pattern
  severity: suggestion
  message: "'{match}': name the ministry or the official, not the city"
  pattern: "regime in Moscow"
  examples:
    flag: ["He said the regime in Moscow had agreed."]
    pass: ["He said the government in Moscow had agreed."]
- id: house.the-regime
  kind: pattern
  severity: error
  message: "'{match}' again: the desk decided on 'the government' in March"
  pattern: "[Tt]he regime"
  examples:
    flag: ["He said the regime had agreed."]
    pass: ["He said the government had agreed."]
- id: house.markup
  kind: pattern
  severity: warning
  scope: all
  message: "'{match}' is page code pasted into the copy"
  pattern: "<script>|</textarea>"
  examples:
    flag: ["The page said <script> twice."]
    pass: ["The page said nothing."]
- id: house.long-paragraph
  kind: metric
  metric: words
  per: paragraph
  max: 40
  severity: suggestion
  scope: all
  message: "This paragraph runs to {value} words (the desk's limit is {threshold})"
  examples:
    flag: ["One two three four five six seven eight nine ten one two three four five six seven eight nine ten one two three four five six seven eight nine ten one two three four five six seven eight nine ten eleven."]
    pass: ["A short paragraph."]
"""

ARTICLES = {
    "port-strike.txt": (
        "Business\n"
        "\n"
        "Dockworkers extend strike as talks with port operator collapse\n"
        "\n"
        "Dockworkers at the country's largest container port voted on Tuesday to extend their strike "
        "for a third week, after talks with the operator collapsed late on Monday. The union slammed "
        "the operator's final offer as an insult to its members.\n"
        "\n"
        "Critics say the strike has already cost exporters millions. Around 60 % of small exporters "
        "have delayed shipments, and the so-called emergency plan announced by the ministry on June 5th "
        "has done little to clear the backlog.\n"
        "\n"
        '"We will stay out as long as it takes," the union\'s general secretary, Maria Okonkwo, told '
        "reporters outside the gates. Okonkwo said the the union would meet again on Friday.\n"
    ),
    "sanctions.txt": (
        "World\n"
        "\n"
        "Grain exporters brace for new sanctions\n"
        "\n"
        "Shipping firms said on Wednesday they expected new restrictions within weeks, and the regime in "
        "Moscow has blamed Western governments for the rise in freight costs. A spokesman for the "
        "regime in Moscow declined to comment.\n"
    ),
    "pasted-code.txt": (
        "Opinion desk note\n"
        "\n"
        "The draft arrived with <script>window.pwned = 1</script> and a stray </textarea><b>bold</b> "
        "pasted from the content system, and the regime in Moscow was named twice.\n"
    ),
    "council.md": (
        "---\n"
        "title: Council budget\n"
        "---\n"
        "\n"
        "# Council passes budget after all-night session\n"
        "\n"
        "The city council approved the budget early on Wednesday after a session that ran for\n"
        "more than eleven hours, and council members from both groups said the plan would keep\n"
        "property taxes flat for a second year while the library service and the transport\n"
        "department absorb most of the savings the finance committee had asked for.\n"
        "\n"
        "Opponents lashed out at the cuts.\n"
    ),
}


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A folder of drafts, its JSON findings and its HTML report."""
    base = tmp_path_factory.mktemp("desk")
    drafts = base / "drafts"
    drafts.mkdir()
    for name, text in ARTICLES.items():
        (drafts / name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "examples" / "press-briefing-draft.docx", drafts)  # a Word draft: lines are paragraphs
    (base / "house.yaml").write_text(HOUSE_RULES, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(base)
    try:
        args = ["check", "drafts", "--rules", "house.yaml", "--jobs", "1"]
        js = run(*args, "--format", "json")
        assert js.exit_code == 1, js.output
        html = run(*args, "--format", "html", "-o", "report.html")
        assert html.exit_code == 1, html.output
        assert html.stdout == ""
    finally:
        os.chdir(cwd)
    return {"dir": base, "findings": json.loads(js.stdout)["findings"], "html": base / "report.html"}


# --- -o, for every format -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "html"])
def test_output_file_holds_what_stdout_would(tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.txt").write_text(ARTICLES["sanctions.txt"], encoding="utf-8")
    out = run("check", "draft.txt", "--format", fmt)
    to_file = run("check", "draft.txt", "--format", fmt, "-o", "out.file")
    assert out.exit_code == to_file.exit_code == 1
    assert to_file.stdout == ""
    assert (tmp_path / "out.file").read_text(encoding="utf-8") == out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.txt", "out.file"]  # no temporary left


def test_output_file_is_replaced_whole_and_keeps_its_permissions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.txt").write_text(ARTICLES["sanctions.txt"], encoding="utf-8")
    target = tmp_path / "report.json"
    target.write_text("x" * 100_000, encoding="utf-8")
    target.chmod(0o640)
    assert run("check", "draft.txt", "--format", "json", "--output", str(target)).exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1
    assert target.stat().st_mode & 0o777 == 0o640


def test_output_to_a_missing_folder_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.txt").write_text(ARTICLES["sanctions.txt"], encoding="utf-8")
    result = run("check", "draft.txt", "--format", "html", "-o", "no/such/folder/report.html")
    assert result.exit_code == 2
    assert result.stderr.strip() == "lintnews: error: cannot write no/such/folder/report.html: No such file or directory"
    assert result.stdout == ""


# --- the page as HTML ---------------------------------------------------------------


def test_report_is_self_contained_escaped_and_byte_identical(desk, tmp_path, monkeypatch):
    page = desk["html"].read_text(encoding="utf-8")
    # No network: nothing loaded from anywhere, style and script inline.
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", page)
    # The draft's own <script> and </textarea> are text; the page's only scripts are its two.
    assert page.count("<script") == 2 and page.count("</script>") == 2
    text = re.sub(r"</?mark\b[^>]*>", "", page)
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in text
    assert "&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt;" in text
    # What the rules do not read (front matter, a heading's #, a category label) is shown, dimmed.
    assert '<span class="mk">title: Council budget</span>' in page
    assert '<div class="l" data-n="1"><span class="mk">Business</span></div>' in page
    # A Word draft's lines are its paragraphs, numbered as the text output numbers them.
    assert 'data-n="¶1">Ferry crossings to Gozo' in page
    assert '<span class="mk">#</span> Council passes budget' in page
    # Same input, same bytes (run again in the same folder).
    monkeypatch.chdir(desk["dir"])
    again = run("check", "drafts", "--rules", "house.yaml", "--jobs", "1", "--format", "html")
    assert again.stdout.rstrip("\n") == page.rstrip("\n")


def test_standard_input_is_shown_in_the_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "-", "--stdin-filename", "wire.txt", "--format", "html", input=ARTICLES["sanctions.txt"])
    assert result.exit_code == 1
    assert "wire.txt" in result.stdout
    assert "Shipping firms said on Wednesday" in result.stdout
    assert 'data-f="0"' in result.stdout


def test_jinja2_is_imported_only_for_the_html_report(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(ARTICLES["sanctions.txt"], encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def imported(*args):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "lintnews", "check", str(draft), *args],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 1, done.stderr[-2000:]
        return {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}

    assert "jinja2" not in imported()
    assert "jinja2" not in imported("--format", "json")
    assert "jinja2" in imported("--format", "html", "-o", str(tmp_path / "r.html"))


# --- the page in a browser ----------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    yield driver
    driver.quit()


def open_page(driver, path: Path) -> None:
    driver.get(path.as_uri())
    driver.get_log("browser")  # start each page with an empty log


def script_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


HIGHLIGHTS_JS = """
const out = {};
for (const m of document.querySelectorAll('mark.m')) {
  const i = m.getAttribute('data-f');
  const o = out[i] || (out[i] = {text: '', heads: 0, focusable: false, label: ''});
  o.text += m.textContent;
  if (m.id) { o.heads += 1; o.focusable = m.tabIndex === 0; o.label = m.getAttribute('aria-label') || ''; }
}
return out;
"""


def test_one_highlight_per_finding_on_exactly_its_words(browser, desk):
    open_page(browser, desk["html"])
    found = desk["findings"]
    data = browser.execute_script("return JSON.parse(document.getElementById('lintnews-data').textContent).findings")
    assert [(d["p"], d["l"], d["c"], d["r"]) for d in data] == [(f["path"], f["line"], f["column"], f["rule"]) for f in found]
    marks = browser.execute_script(HIGHLIGHTS_JS)
    assert sorted(marks, key=int) == [str(i) for i in range(len(found))]
    for i, f in enumerate(found):
        m = marks[str(i)]
        assert m["heads"] == 1 and m["focusable"], f
        assert m["text"] == f["match"].replace("\n", ""), f
        assert f["rule"] in m["label"] and f["severity"] in m["label"]
    # What the desk built this page to show: crossing and nested spans, a paragraph over
    # several lines, markup quoted as text, and a pack's own family.
    rules = {f["rule"] for f in found}
    assert {"desk.moscow", "house.the-regime", "loaded.regime", "house.markup", "house.long-paragraph"} <= rules
    assert any(f["end_line"] > f["line"] for f in found)
    assert any(f["path"].endswith(".docx") for f in found)
    # Nothing the drafts hold ran, and the page logged no error.
    assert browser.execute_script("return window.pwned === undefined && document.querySelectorAll('textarea, b').length === 0")
    assert script_errors(browser) == []


def test_overlapping_findings_are_each_reachable(browser, desk):
    open_page(browser, desk["html"])
    found = desk["findings"]
    # "the regime in Moscow": "the regime" and "regime in Moscow" cross; "regime" is inside both.
    def at(rule, line, col):
        return next((i for i, f in enumerate(found) if f["path"].endswith("sanctions.txt")
                     and (f["rule"], f["line"], f["column"]) == (rule, line, col)), None)

    crossing = []
    for d in (i for i, f in enumerate(found) if f["rule"] == "desk.moscow" and f["path"].endswith("sanctions.txt")):
        line, col = found[d]["line"], found[d]["column"]
        crossing = [d, at("house.the-regime", line, col - 4), at("loaded.regime", line, col)]
        if None not in crossing:
            break
    assert len(crossing) == 3 and None not in crossing
    for i in crossing:  # focus each: its hover card names it, with its message
        browser.execute_script(f"document.getElementById('f{i}').focus()")
        tip = browser.find_element("id", "tip")
        assert tip.is_displayed()
        assert found[i]["message"] in tip.text and found[i]["rule"] in tip.text
    # The innermost words ("regime") sit inside all three: the card lists every one.
    inner = next(i for i in crossing if found[i]["rule"] == "loaded.regime")
    browser.execute_script(f"document.getElementById('f{inner}').focus()")
    tip_text = browser.find_element("id", "tip").text
    assert all(found[i]["rule"] in tip_text for i in crossing)


def test_a_click_shows_the_message_and_the_rules_explanation(browser, desk):
    from lintnews.app import build_linter, explain_parts
    from lintnews.config import Config

    open_page(browser, desk["html"])
    found = desk["findings"]
    i = next(i for i, f in enumerate(found) if f["rule"] == "loaded.said")
    panel = browser.find_element("id", "panel")
    assert not panel.is_displayed()
    mark = browser.find_element("id", f"f{i}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    assert panel.is_displayed()
    text = panel.text
    assert found[i]["message"] in text
    assert found[i]["suggestions"][0] in text
    linter = build_linter(Config())
    ex = explain_parts(next(r for r in linter.rules if r.id == "loaded.said"), linter)
    assert ex["summary"] in text
    assert all(s in text for s in ex["sources"])
    assert all(x in text for x in ex["flag"] + ex["pass"])
    browser.find_element("tag name", "body").send_keys("\ue00c")  # Escape closes it
    assert not panel.is_displayed()
    assert script_errors(browser) == []


def test_filters_hide_and_show_highlights(browser, desk):
    open_page(browser, desk["html"])
    found = desk["findings"]
    state_js = """
      return Array.from(document.querySelectorAll('mark.m[id]')).map(m => [
        +m.dataset.f, m.classList.contains('off'), getComputedStyle(m).backgroundColor, m.tabIndex]);
    """
    before = browser.execute_script(state_js)
    assert all(not off and bg != "rgba(0, 0, 0, 0)" and tab == 0 for _, off, bg, tab in before)

    browser.find_element("css selector", "input[data-filter='fam'][value='loaded']").click()
    after = browser.execute_script(state_js)
    for i, off, bg, tab in after:
        loaded = found[i]["rule"].startswith("loaded.")
        assert off == loaded, found[i]
        assert (bg == "rgba(0, 0, 0, 0)") == loaded and (tab == -1) == loaded
    shown = len(found) - sum(f["rule"].startswith("loaded.") for f in found)
    assert browser.find_element("id", "pos").text == f"{shown} shown"
    # A switched-off highlight inside one still shown: pointing at its words shows the outer one.
    inner = next(i for i, f in enumerate(found) if f["rule"] == "loaded.regime" and f["path"].endswith("sanctions.txt"))
    tip = browser.execute_script(f"""
      const m = document.getElementById('f{inner}');
      m.dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}));
      const tip = document.getElementById('tip');
      return tip.hidden ? '' : tip.textContent;""")
    assert "house.the-regime" in tip and "loaded.regime" not in tip

    browser.find_element("css selector", "input[data-filter='sev'][value='suggestion']").click()
    after = browser.execute_script(state_js)
    for i, off, _, _ in after:
        assert off == (found[i]["rule"].startswith("loaded.") or found[i]["severity"] == "suggestion")

    for sel in ("input[data-filter='fam'][value='loaded']", "input[data-filter='sev'][value='suggestion']"):
        browser.find_element("css selector", sel).click()
    assert browser.execute_script(state_js) == before
    assert script_errors(browser) == []


def test_keys_move_from_finding_to_finding(browser, desk):
    open_page(browser, desk["html"])
    order = browser.execute_script("return Array.from(document.querySelectorAll('mark.m[id]')).map(m => m.id)")
    assert len(order) > 8
    browser.find_element("tag name", "body").send_keys("jjjjnnj")
    assert browser.execute_script("return document.activeElement.id") == order[6]
    assert browser.find_element("id", "pos").text == f"7 of {len(order)}"
    browser.switch_to.active_element.send_keys("kpk")
    assert browser.execute_script("return document.activeElement.id") == order[3]
    # Each step lands on the next highlight in reading order, whatever the key.
    seen = []
    for key in "jnjn":
        browser.switch_to.active_element.send_keys(key)
        seen.append(browser.execute_script("return document.activeElement.id"))
    assert seen == order[4:8]
    assert script_errors(browser) == []


# --- a desk's worth of drafts -------------------------------------------------------

STORIES = [
    ("Port strike", "Dockworkers voted on {day} to extend their strike for a {n}th day. The union slammed the "
     "operator's offer, and critics say exporters have lost {m} million dollars. Around {n} % of small exporters "
     "have delayed shipments."),
    ("Budget vote", "The council approved a budget of {m} million dollars on {day} after an all-night session. "
     "Opponents lashed out at the so-called savings, which the auditor questioned in a report published last month."),
    ("Grain talks", "Talks on the grain corridor stalled again on {day}. The regime in Moscow has blamed sanctions, "
     "and it is widely believed that Ankara wants a larger share of the trade. Shipments fell {n} % in a year."),
    ("Flood relief", "Rescue teams reached {n} villages on {day}, the civil protection agency said. Aid agencies "
     "said roads to the valley remained closed and that {m} families had been moved to schools and sports halls."),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def test_a_200_article_report_loads_and_filters_quickly(browser, tmp_path, monkeypatch):
    folder = tmp_path / "desk"
    folder.mkdir()
    for k in range(200):
        title, body = STORIES[k % len(STORIES)]
        paras = [body.format(day=DAYS[(k + j) % 5], n=5 + (k * 7 + j) % 40, m=10 + (k * 13 + j) % 90) for j in range(4)]
        (folder / f"story-{k:03}.txt").write_text(f"{title} {k}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "desk", "--format", "html", "-o", "report.html")
    assert result.exit_code == 1
    report = tmp_path / "report.html"
    size = report.stat().st_size
    assert size < 3_000_000, size

    open_page(browser, report)
    timing = browser.execute_script(
        "const n = performance.getEntriesByType('navigation')[0];"
        "return {load: n.loadEventEnd, dom: n.domContentLoadedEventEnd};")
    assert 0 < timing["load"] < 3000, timing
    marks = browser.execute_script("return document.querySelectorAll('mark.m[id]').length")
    assert marks >= 1000
    toc = browser.execute_script("return Array.from(document.querySelectorAll('.toc li .num')).map(e => +e.textContent)")
    assert len(toc) == 200 and toc == sorted(toc, reverse=True)
    started = time.perf_counter()
    filter_ms = browser.execute_script("""
      const box = document.querySelector("input[data-filter='fam'][value='loaded']");
      const t0 = performance.now();
      box.click();
      document.body.getBoundingClientRect();  // force the style and layout work
      const hidden = document.querySelectorAll('mark.m.off').length;
      return [performance.now() - t0, hidden];
    """)
    assert filter_ms[1] > 0
    assert filter_ms[0] < 1000, filter_ms
    assert time.perf_counter() - started < 5
    assert script_errors(browser) == []
    print(f"\n200 articles: {size / 1e6:.2f} MB, {marks} findings, load {timing['load']:.0f} ms, "
          f"DOMContentLoaded {timing['dom']:.0f} ms, filter {filter_ms[0]:.0f} ms")


def test_a_clean_or_unreadable_file_still_makes_a_working_page(browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.txt").write_text("The council met on Monday and approved the budget.\n", encoding="utf-8")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\x00\x00binary")
    result = run("check", "clean.txt", "photo.txt", "--format", "html", "-o", "report.html")
    assert result.exit_code == 2  # the binary file is an input error, reported in the page too
    open_page(browser, tmp_path / "report.html")
    assert "0 findings in 2 files" in browser.find_element("id", "summary-h").text
    assert "binary file" in browser.find_element("id", "a2").text
    browser.find_element("tag name", "body").send_keys("jk")
    assert browser.find_element("id", "pos").text == "0 shown"
    assert script_errors(browser) == []
