"""Word drafts: `lintnews check draft.docx` and `lintnews annotate draft.docx -o reviewed.docx`.

Three kinds of .docx are read: the shipped example (written by python-docx through
examples/make_docx.py), a copy of it saved by LibreOffice (tests/data/docx/, see the README
there), and drafts built here from WordprocessingML of the shapes Word and Google Docs write
(runs split mid-word, tracked changes, field codes, content controls, text boxes, nested
tables, bookmarks). Reviewed copies are read back with a reader written here, not the one
under test, and opened once in LibreOffice.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import parse_xml
from lxml import etree

from lintnews.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "docx"
EXAMPLE = ROOT / "examples" / "press-briefing-draft.docx"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DECLS = (
    f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

RULES = """\
rules:
- id: loaded.testwords
  kind: phrases
  severity: warning
  message: "'{match}' is loaded"
  terms:
    regime: [government]
    pariah: [isolated country]
    blasted: [criticised]
    slammed: [criticised]
    noticeably: []
  examples:
    flag: ["The regime said it would talk."]
    pass: ["The government said it would talk."]
- id: attribution.testcritics
  kind: pattern
  severity: warning
  message: "who are the critics?"
  pattern: "\\\\bCritics say\\\\b"
  examples:
    flag: ["Critics say the plan failed."]
    pass: ["Opposition leader Ana Ruiz said the plan failed."]
- id: style.testhead
  kind: phrases
  severity: suggestion
  scope: headline
  message: "'{match}' in a headline"
  terms:
    stall: []
  examples:
    flag: ["Embargo talks stall"]
    pass: ["The talks stall every winter, officials said."]
"""


@pytest.fixture()
def proj(tmp_path, monkeypatch):
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".lintnews.yaml").write_text("default_rules: false\nrules: [rules.yaml]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def findings_json(*args) -> tuple[int, dict]:
    res = run("check", "--format", "json", *args)
    return res.exit_code, json.loads(res.output)


def r(text: str, rpr: str = "", attrs: str = "") -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<w:r{attrs}>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*runs: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{''.join(runs)}</w:p>"


def build_docx(path: Path, body: str, styles: str = "") -> Path:
    """A .docx whose body is ``body`` (WordprocessingML), in python-docx's default package."""
    d = docx.Document()
    for xml in filter(None, styles.split("\n")):
        d.styles.element.append(parse_xml(xml.replace("<w:style ", f"<w:style {DECLS} ", 1)))
    element = d.element.body
    sect = element.find(f"{{{W}}}sectPr")
    for child in list(element):
        if child is not sect:
            element.remove(child)
    for child in list(parse_xml(f"<w:body {DECLS}>{body}</w:body>")):
        sect.addprevious(child)
    d.save(str(path))
    return path


# Word writes runs split mid-word (revision ids, proofing marks), fields, content controls,
# text boxes with a VML fallback, tracked changes and nested tables.
WORD_BODY = "".join([
    p(r("Embargo talks stall in Geneva"), style="berschrift1"),  # a localised style id; its name is "heading 1"
    "<w:p/>",
    p(r("   ")),
    p(r("The "), '<w:proofErr w:type="spellStart"/>', r("reg", attrs=' w:rsidR="00A1"'),
      r("ime", "<w:b/>", ' w:rsidR="00B2"'), '<w:proofErr w:type="spellEnd"/>',
      r(" in Caracas said on Tuesday it would not attend.")),
    p(r("Officials "),
      '<w:del w:id="1" w:author="Ana" w:date="2026-03-01T10:00:00Z"><w:r><w:delText>slammed</w:delText></w:r></w:del>',
      '<w:ins w:id="2" w:author="Ana" w:date="2026-03-01T10:00:00Z"><w:r><w:t>blasted</w:t></w:r></w:ins>',
      r(" the proposal on Wednesday.")),
    p(r("Read the "), '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
      '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/regime-statement" </w:instrText></w:r>',
      '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r("ministry statement", '<w:rStyle w:val="Hyperlink"/>'),
      '<w:r><w:fldChar w:fldCharType="end"/></w:r>', r(" on page "),
      '<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>', r(".")),
    p('<w:r><w:tab/></w:r>', '<w:hyperlink w:anchor="talks">', r("Critics say"), "</w:hyperlink>",
      '<w:smartTag w:uri="urn:x" w:element="place">', r(" the talks"), "</w:smartTag>", r(" were doomed from the start.")),
    p(r("Diplomats met again on Thursday."),
      '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><a:graphic><a:graphicData>'
      '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>The pariah state</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>'
      '</a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
      '<w:txbxContent><w:p><w:r><w:t>The pariah state</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
      '</mc:Fallback></mc:AlternateContent></w:r>'),
    '<w:sdt><w:sdtPr><w:alias w:val="Standfirst"/></w:sdtPr><w:sdtContent>',
    p(r("The regime sent its envoy home early.")),
    "</w:sdtContent></w:sdt>",
    "<w:tbl><w:tr><w:tc>", p(r("Country")), "</w:tc><w:tc>", p(r("Position")), "</w:tc></w:tr>",
    '<w:tr><w:trPr><w:del w:id="3" w:author="Ana" w:date="2026-03-01T10:00:00Z"/></w:trPr><w:tc>', p(r("Cuba")),
    "</w:tc><w:tc>", p(r("The regime abstained.")), "</w:tc></w:tr>",
    "<w:tr><w:tc>", p(r("Colombia")), "</w:tc><w:tc><w:tbl><w:tr><w:tc>",
    p(r("Neighbours call it a pariah.")), "</w:tc></w:tr></w:tbl>", p(), "</w:tc></w:tr></w:tbl>",
    p(r("The embar"), "<w:r><w:softHyphen/></w:r>", r("go was noticeably tighter.")),
])
WORD_STYLES = (
    '<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>'
)
WORD_PARAGRAPHS = [
    "Embargo talks stall in Geneva",
    "The regime in Caracas said on Tuesday it would not attend.",
    "Officials blasted the proposal on Wednesday.",
    "Read the ministry statement on page 2.",
    "\tCritics say the talks were doomed from the start.",
    "Diplomats met again on Thursday.",
    "The regime sent its envoy home early.",
    "Country",
    "Position",
    "Colombia",
    "Neighbours call it a pariah.",
    "The embargo was noticeably tighter.",
]


def test_word_draft_reads_body_text_as_word_shows_it(proj):
    """Tracked deletions, field codes, text boxes and deleted rows are not prose; tracked
    insertions, field results, hyperlinks, content controls and nested tables are. Empty
    paragraphs are not counted; a column counts characters of its paragraph."""
    build_docx(proj / "draft.docx", WORD_BODY, WORD_STYLES)
    code, out = findings_json("draft.docx")
    assert code == 1
    got = [(f["line"], f["column"], f["end_column"], f["rule"], f["match"]) for f in out["findings"]]
    expect = []
    for word, rule in [("stall", "style.testhead"), ("regime", "loaded.testwords"), ("blasted", "loaded.testwords"),
                       ("Critics say", "attribution.testcritics"), ("regime", "loaded.testwords"),
                       ("pariah", "loaded.testwords"), ("noticeably", "loaded.testwords")]:
        line = next(i for i, text in enumerate(WORD_PARAGRAPHS, 1)
                    if word in text and (i, word) not in [(e[0], e[4]) for e in expect])
        col = WORD_PARAGRAPHS[line - 1].index(word) + 1
        expect.append((line, col, col + len(word), rule, word))
    assert sorted(got) == sorted(expect)
    assert all(f["end_line"] == f["line"] for f in out["findings"])
    assert set(out["findings"][0]) == {"path", "line", "column", "end_line", "end_column", "rule", "severity",
                                       "message", "match", "suggestions"}


def test_text_output_says_paragraph_and_column(proj):
    build_docx(proj / "draft.docx", WORD_BODY, WORD_STYLES)
    res = run("check", "draft.docx", "--select", "loaded", "--show-source")
    assert res.exit_code == 1
    lines = res.output.splitlines()
    assert lines[0] == "draft.docx:¶2:5: warning loaded.testwords 'regime' is loaded"
    assert lines[1] == "   ¶2 | The regime in Caracas said on Tuesday it would not attend."
    assert lines[2] == "      |     ^^^^^^"
    assert "draft.docx:¶12:17: warning loaded.testwords 'noticeably' is loaded" in lines


def test_heading_styles_are_headlines_and_other_short_lines_are_not(proj):
    """A paragraph in a heading style (by name, by outline level) is a headline; once a
    draft has styled headings, a short unstyled line is body text."""
    styles = WORD_STYLES + "\n" + (
        '<w:style w:type="paragraph" w:styleId="DeskHead"><w:name w:val="Desk head"/>'
        '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    )
    body = "".join([
        p(r("Ceasefire talks stall"), style="berschrift1"),
        p(r("Negotiators stall again"), style="DeskHead"),
        p(r("Why the talks stall")),
        p(r("Officials said the two sides met for four hours.")),
    ])
    build_docx(proj / "heads.docx", body, styles)
    code, out = findings_json("heads.docx", "--select", "style.testhead")
    assert [(f["line"], f["match"]) for f in out["findings"]] == [(1, "stall"), (2, "stall")]


def test_google_docs_shape_title_bookmarks_and_empty_runs(proj):
    """Google Docs exports a Title style, a bookmark per heading, run properties on every
    run and empty paragraphs for spacing."""
    gd_run = lambda t: f'<w:r w:rsidDel="00000000" w:rsidR="00000000" w:rsidRPr="00000000"><w:rPr><w:rtl w:val="0"/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>'  # noqa: E731
    body = "".join([
        '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:bookmarkStart w:colFirst="0" w:colLast="0" w:name="_heading=h.gjdgxs" w:id="0"/>'
        '<w:bookmarkEnd w:id="0"/>' + gd_run("Pariah no more? Talks stall in Geneva") + "</w:p>",
        '<w:p><w:pPr><w:rPr/></w:pPr></w:p>',
        "<w:p>" + gd_run("Opposition leader Ana Ruiz said the ") + gd_run("regime") + gd_run(" had “failed the regime test”.") + "</w:p>",
    ])
    build_docx(proj / "gdocs.docx", body)
    code, out = findings_json("gdocs.docx")
    got = [(f["line"], f["column"], f["rule"], f["match"]) for f in out["findings"]]
    # The title is a headline (so 'stall' is flagged there); 'regime' in narration is
    # flagged, the one inside the quotation is the speaker's.
    assert got == [(1, 1, "loaded.testwords", "Pariah"), (1, 23, "style.testhead", "stall"),
                   (2, 37, "loaded.testwords", "regime")]


def test_inline_directives_typed_as_paragraphs(proj):
    body = "".join([
        p(r("<!-- lintnews-disable-next-line loaded -->")),
        p(r("The regime said the border would stay shut.")),
        p(r("The regime later reopened one crossing.")),
    ])
    build_docx(proj / "sup.docx", body)
    code, out = findings_json("sup.docx")
    assert [(f["line"], f["match"]) for f in out["findings"]] == [(3, "regime")]


def test_shipped_example_quotes_attribution_names_as_in_plain_text():
    """The example draft, on the shipped packs: loaded words in narration, the unattributed
    claim, the misspelt name and the table are flagged; the deleted 'brutal' and the loaded
    words inside the quotation are not. The copy LibreOffice saved reads the same."""
    for path in (EXAMPLE, DATA / "libreoffice-draft.docx"):
        res = CliRunner().invoke(main, ["check", "--format", "json", str(path)], catch_exceptions=False)
        found = {(f["line"], f["match"]) for f in json.loads(res.output)["findings"]}
        assert {(4, "slammed"), (4, "Critics say"), (6, "admitted"), (7, "Farugia"), (18, "noticeably")} <= found, path
        matches = {m.lower() for _, m in found}
        assert not matches & {"brutal", "arrogant", "reckless"}, path


def test_example_is_reproducible(tmp_path):
    """examples/make_docx.py writes the committed example again."""
    script = (ROOT / "examples" / "make_docx.py").read_text(encoding="utf-8")
    copy = tmp_path / "examples"
    copy.mkdir()
    (copy / "make_docx.py").write_text(script.replace("sys.path.insert(0, str(HERE.parent))",
                                                      f"sys.path.insert(0, {str(ROOT)!r})"), encoding="utf-8")
    subprocess.run([sys.executable, str(copy / "make_docx.py")], check=True, capture_output=True, timeout=120)
    made, shipped = zipfile.ZipFile(copy / "press-briefing-draft.docx"), zipfile.ZipFile(EXAMPLE)
    # The parts the script writes, byte for byte (the rest is python-docx's template).
    for part in ("word/document.xml", "word/comments.xml", "docProps/core.xml"):
        assert made.read(part) == shipped.read(part), part
    assert made.namelist() == shipped.namelist()


# --- bad Word files -------------------------------------------------------------------


def test_bad_word_files_get_one_line_each_and_the_run_goes_on(proj):
    shutil.copy(DATA / "word97-draft.doc", proj / "old.doc")
    shutil.copy(DATA / "encrypted-draft.docx", proj / "locked.docx")
    good = build_docx(proj / "good.docx", p(r("The regime said the talks would resume.")))
    raw = good.read_bytes()
    (proj / "truncated.docx").write_bytes(raw[: len(raw) // 2])
    with zipfile.ZipFile(proj / "notword.docx", "w") as zf:
        zf.writestr("hello.txt", "not a Word document")
    (proj / "empty.docx").write_bytes(b"")
    (proj / "renamed.docx").write_text("The regime said so.\n", encoding="utf-8")
    with zipfile.ZipFile(proj / "badxml.docx", "w") as zf:
        for info in zipfile.ZipFile(good).infolist():
            data = zipfile.ZipFile(good).read(info)
            zf.writestr(info, data[:200] if info.filename == "word/document.xml" else data)
    names = ["old.doc", "locked.docx", "truncated.docx", "notword.docx", "empty.docx", "renamed.docx", "badxml.docx"]
    res = CliRunner().invoke(main, ["check", *names, "good.docx"], catch_exceptions=False)
    assert res.exit_code == 2
    assert "good.docx:¶1:5: warning loaded.testwords" in res.output
    err = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(err) == len(names), err
    for name, line in zip(names, err):
        assert line.startswith(f"lintnews: {name}: "), line
        assert "Traceback" not in line
    by_name = dict(zip(names, err))
    assert "Word 97-2003 .doc" in by_name["old.doc"] and "save it as" in by_name["old.doc"]
    assert "password-protected" in by_name["locked.docx"]
    assert "damaged" in by_name["truncated.docx"] and "damaged" in by_name["badxml.docx"]
    assert "not a Word" in by_name["notword.docx"] and "not a Word" in by_name["renamed.docx"]
    assert "empty file" in by_name["empty.docx"]


def test_folder_walk_reads_word_drafts_and_skips_word_lock_files(proj):
    drafts = proj / "drafts"
    drafts.mkdir()
    build_docx(drafts / "a.docx", p(r("The regime said the talks would resume.")))
    (drafts / "~$a.docx").write_bytes(b"\x05Ana   " + b"\0" * 100)  # Word's owner file while a.docx is open
    code, out = findings_json("drafts")
    assert [(f["path"], f["line"]) for f in out["findings"]] == [(os.path.join("drafts", "a.docx"), 1)]
    assert out["errors"] == []


def test_word_draft_on_standard_input(proj):
    build_docx(proj / "a.docx", p(r("Officials blasted the plan.")))
    res = CliRunner().invoke(main, ["check", "-", "--stdin-filename", "a.docx", "--format", "json"],
                             input=(proj / "a.docx").read_bytes(), catch_exceptions=False)
    assert [(f["path"], f["line"], f["column"]) for f in json.loads(res.output)["findings"]] == [("a.docx", 1, 11)]


def test_plain_text_check_never_imports_python_docx(proj):
    (proj / "a.txt").write_text("The regime said so.\n", encoding="utf-8")
    code = ("import sys\nfrom lintnews.cli import main\ntry:\n    main(['check', 'a.txt'])\nexcept SystemExit:\n    pass\n"
            "print('docx' in sys.modules, 'lintnews.docx_input' in sys.modules)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=proj, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False False"


# --- the reviewed copy -------------------------------------------------------------------

SKIP_TEXT = {f"{{{W}}}{t}" for t in ("del", "moveFrom", "txbxContent")} | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _visible_t(el) -> bool:
    return not any(a.tag in SKIP_TEXT for a in el.iterancestors())


def read_back(path: Path) -> tuple[dict, dict, list]:
    """Independently of lintnews: each comment's (author, initials, text) and the body text
    its range covers, and per paragraph the (character, run properties) of its visible text."""
    with zipfile.ZipFile(path) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        comments_xml = etree.fromstring(zf.read("word/comments.xml")) if "word/comments.xml" in zf.namelist() else None
    comments = {}
    if comments_xml is not None:
        for c in comments_xml.findall("w:comment", NS):
            text = "\n".join("".join(t.text or "" for t in cp.iter(f"{{{W}}}t")) for cp in c.findall("w:p", NS))
            comments[c.get(f"{{{W}}}id")] = (c.get(f"{{{W}}}author"), c.get(f"{{{W}}}initials"), text)
    anchored: dict[str, str] = {}
    open_ids: set[str] = set()
    for el in body.iter():
        tag = el.tag
        if tag == f"{{{W}}}commentRangeStart":
            open_ids.add(el.get(f"{{{W}}}id"))
            anchored.setdefault(el.get(f"{{{W}}}id"), "")
        elif tag == f"{{{W}}}commentRangeEnd":
            open_ids.discard(el.get(f"{{{W}}}id"))
        elif tag == f"{{{W}}}t" and _visible_t(el):
            for i in open_ids:
                anchored[i] += el.text or ""
    formatting = []
    for par in body.iter(f"{{{W}}}p"):
        chars = []
        for t in par.iter(f"{{{W}}}t"):
            if next(t.iterancestors(f"{{{W}}}p")) is not par or not _visible_t(t):
                continue
            run = t.getparent()
            rpr = run.find("w:rPr", NS)
            key = etree.tostring(rpr, method="c14n") if rpr is not None else b""
            chars.extend((ch, key) for ch in t.text or "")
        formatting.append(chars)
    return comments, anchored, formatting


def annotate(*args):
    return CliRunner().invoke(main, ["annotate", *[str(a) for a in args]], catch_exceptions=False)


def check_reviewed(original: Path, reviewed: Path, findings: list[dict]) -> dict:
    comments, anchored, formatting = read_back(reviewed)
    before_comments, before_anchored, before_formatting = read_back(original)
    ours = {cid: c for cid, c in comments.items() if c[0] == "lintnews"}
    assert len(ours) == len(findings)
    # In position order, each finding has its comment, anchored on exactly its words.
    for f, cid in zip(findings, sorted(ours, key=int)):
        author, initials, text = ours[cid]
        assert initials == "LN"
        assert anchored[cid] == f["match"], (cid, f)
        assert f["message"] in text and f["rule"] in text
        if f["suggestions"]:
            assert "Suggestion: " + ", ".join(f["suggestions"]) in text
    # What was there survives: comments, their anchors, and every character's formatting.
    for cid, c in before_comments.items():
        assert comments[cid] == c and anchored[cid] == before_anchored[cid]
    assert formatting == before_formatting
    return ours


def test_annotate_example_writes_a_reviewed_copy_and_never_touches_the_draft(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    draft = tmp_path / "draft.docx"
    shutil.copy(EXAMPLE, draft)
    before = hashlib.sha256(draft.read_bytes()).hexdigest()
    res = annotate(draft, "-o", "reviewed.docx")
    assert res.exit_code == 0, res.output
    assert res.output.startswith("reviewed.docx: 5 comments on")
    assert hashlib.sha256(draft.read_bytes()).hexdigest() == before
    findings = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "draft.docx"]).output)["findings"]
    ours = check_reviewed(draft, tmp_path / "reviewed.docx", findings)
    assert {o[2].split("\n")[-1] for o in ours.values()} >= {"loaded.said (warning)", "attribution.weasel (warning)"}
    # The desk editor's comment and the reporter's tracked changes are still there.
    with zipfile.ZipFile(tmp_path / "reviewed.docx") as zf:
        xml = zf.read("word/document.xml").decode()
    assert '<w:delText xml:space="preserve">brutal </w:delText>' in xml and ">three-day </w:t>" in xml
    # Italics survive the split: 'slammed' is its own italic run now.
    assert '<w:rPr><w:i/></w:rPr><w:t xml:space="preserve">slammed</w:t>' in xml
    # Same draft, same bytes; an existing output is refused without --force.
    first = (tmp_path / "reviewed.docx").read_bytes()
    res = annotate(draft, "-o", "reviewed.docx")
    assert res.exit_code == 2 and "already exists; use --force" in res.output
    assert annotate(draft, "-o", "reviewed.docx", "--force").exit_code == 0
    assert (tmp_path / "reviewed.docx").read_bytes() == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".lintnews-")] == []
    # The draft itself is never the output, even with --force.
    res = annotate(draft, "-o", draft, "--force")
    assert res.exit_code == 2 and "never modifies the draft" in res.output
    assert hashlib.sha256(draft.read_bytes()).hexdigest() == before


def test_annotate_splits_runs_across_word_shapes(proj):
    """Anchors on a word split over two runs, on text inside a hyperlink and a tracked
    insertion, in a nested table cell and after a soft hyphen."""
    draft = build_docx(proj / "draft.docx", WORD_BODY, WORD_STYLES)
    res = annotate(draft, "-o", "reviewed.docx")
    assert res.exit_code == 0, res.output
    findings = json.loads(run("check", "--format", "json", "draft.docx").output)["findings"]
    assert len(findings) == 7
    check_reviewed(draft, proj / "reviewed.docx", findings)


def test_annotate_overlapping_findings_and_hidden_text(proj):
    """Two rules on overlapping words get a comment each, both on their own words; hidden
    text (Font > Hidden) is not read, so nothing is anchored in it."""
    (proj / "more.yaml").write_text(
        "id: style.testphrase\nkind: pattern\nseverity: warning\nmessage: a phrase\n"
        "pattern: 'regime in [A-Z][a-z]+'\nexamples:\n  flag: ['The regime in Minsk.']\n  pass: ['The government.']\n",
        encoding="utf-8")
    body = p(r("The "), r("regi", "<w:u w:val=\"single\"/>"), r("me in Minsk said so."),
             r(" The pariah state", "<w:vanish/>"), r(" Officials agreed."))
    draft = build_docx(proj / "draft.docx", body)
    res = annotate(draft, "-o", "reviewed.docx", "--rules", "more.yaml")
    assert res.exit_code == 0, res.output
    findings = json.loads(run("check", "--format", "json", "--rules", "more.yaml", "draft.docx").output)["findings"]
    assert [(f["column"], f["match"]) for f in findings] == [(5, "regime"), (5, "regime in Minsk")]
    ours = check_reviewed(draft, proj / "reviewed.docx", sorted(findings, key=lambda f: (f["column"], f["rule"])))
    assert len(ours) == 2


def test_annotate_refuses_what_it_cannot_review(proj):
    shutil.copy(DATA / "encrypted-draft.docx", proj / "locked.docx")
    res = annotate("locked.docx", "-o", "out.docx")
    assert res.exit_code == 2 and "locked.docx: password-protected" in res.output
    assert not (proj / "out.docx").exists()
    (proj / "a.md").write_text("# Hi\n", encoding="utf-8")
    res = annotate("a.md")
    assert res.exit_code == 2 and "(.docx)" in res.output


def test_libreoffice_opens_reviewed_copies(tmp_path, monkeypatch):
    """One LibreOffice launch converts two reviewed copies to PDF: the example's, and the
    copy of the LibreOffice-saved draft (its own comments and tracked changes included)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, "a.docx")
    shutil.copy(DATA / "libreoffice-draft.docx", "b.docx")
    for name in ("a", "b"):
        assert annotate(f"{name}.docx", "-o", f"{name}-reviewed.docx").exit_code == 0
    findings = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "b.docx"]).output)["findings"]
    check_reviewed(tmp_path / "b.docx", tmp_path / "b-reviewed.docx", findings)
    home = tmp_path / "home"
    home.mkdir()
    out = subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to",
         'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}', "--outdir", str(tmp_path / "pdf"),
         "a-reviewed.docx", "b-reviewed.docx"],
        env=dict(os.environ, HOME=str(home)), capture_output=True, text=True, timeout=240,
    )
    assert out.returncode == 0, out.stderr
    for name in ("a", "b"):
        pdf = (tmp_path / "pdf" / f"{name}-reviewed.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]
        # LibreOffice exports each comment as a PDF text annotation.
        assert pdf.count(b"/Subtype/Text") + pdf.count(b"/Subtype /Text") >= 5, name


def test_annotate_reports_a_rule_error_as_one_line_and_still_writes_the_copy(tmp_path, monkeypatch):
    """A rule that gives up on the draft (a pattern out of time) is reported, not a traceback."""
    import lintnews.engine
    from lintnews.finding import InputError

    real = lintnews.engine.Linter.lint_source

    def with_an_error(self, source, *args, **kwargs):
        findings, errors = real(self, source, *args, **kwargs)
        return findings, errors + [InputError(kwargs.get("display") or source.path, "rule style.x gave up: out of time")]

    monkeypatch.setattr(lintnews.engine.Linter, "lint_source", with_an_error)
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "draft.docx")
    res = CliRunner().invoke(main, ["annotate", "draft.docx", "-o", "reviewed.docx"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "draft.docx: rule style.x gave up: out of time" in res.stderr
    assert (tmp_path / "reviewed.docx").is_file()
