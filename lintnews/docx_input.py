"""Word drafts: read a ``.docx`` as prose, and write a reviewed copy with one comment per finding.

Only ``lintnews`` runs that meet a Word file import this module, and python-docx (100 ms
of imports) is imported inside the functions that need it, so plain-text runs never pay.

Reading. The body is read in order, paragraph by paragraph, table cells included. What an
editor would not call prose is left out, at the XML level where python-docx's API does
not say: tracked deletions and moves away (``w:del``, ``w:moveFrom``, ``w:delText``),
field codes (``w:instrText``, and whatever lies between a field's begin and separate
marks; the field's shown result is kept), hidden text, comments (they live in their own
part), drawings and text boxes, math, and the ``mc:Fallback`` copies of content. Headers,
footers and footnotes are not the body and are not read.
Tracked insertions (``w:ins``, ``w:moveTo``) are text, as in the document's final view.

Each paragraph that holds text becomes one line of the source the engine sees, so
``line`` is the paragraph number and ``column`` the character in that paragraph; inline
directives (``<!-- lintnews-disable-next-line -->`` typed as a paragraph) work as in
plain text. The prose the rules read puts a blank line between paragraphs, so that a
paragraph is a paragraph whatever its last character. Paragraphs in a heading style
(Title, Heading 1-9, or any outline level) are the document's headlines.

Writing. ``annotate`` splits runs at the edges of every finding (a split run keeps its
properties), then anchors one comment per finding on exactly the runs of the flagged
words. Nothing else is touched: existing comments, tracked changes and formatting stay.
The copy is written to a temporary file beside the target and renamed into place, with
fixed zip timestamps and the comments dated when the draft was last saved, so the same
draft gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import deepcopy
from dataclasses import dataclass

from . import rx
from . import markup
from .finding import Finding, InputError
from .sources import Source

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, R, T, TBL, TR, TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
RPR, PPR, RUBY = _w("rPr"), _w("pPr"), _w("ruby")
FLDCHAR, FLDCHARTYPE = _w("fldChar"), _w("fldCharType")
VAL = _w("val")
# Inside a paragraph: elements whose content is never prose.
SKIP_INLINE = frozenset(
    [_w(t) for t in ("pPr", "rPr", "del", "moveFrom", "delText", "instrText", "delInstrText", "drawing",
                     "pict", "object", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr", "fldData", "rt")]
    + [f"{{{MC_NS}}}Fallback", "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath",
       "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara"]
)
# Run children that are one character of text.
ONE_CHAR = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): " ", _w("cr"): " ", _w("noBreakHyphen"): "-"}
# Block level: containers to walk into for paragraphs.
BLOCK_CONTAINERS = frozenset(_w(t) for t in ("body", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
BLOCK_CONTAINERS |= {f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"}
HEADING_NAME_RE = rx.compile(r"^(?:heading\s*\d|title)$", re.IGNORECASE)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 256 * 1024 * 1024  # a draft is kilobytes; a zip that unpacks to more is refused
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
AUTHOR, INITIALS = "lintnews", "LN"


@dataclass
class Piece:
    """One stretch of a paragraph's text: ``run`` (a ``w:r``), its child ``node`` (``w:t``,
    ``w:tab`` …) and the characters [start, end) of the paragraph's text it holds."""

    run: object
    node: object
    start: int
    end: int


@dataclass
class Paragraph:
    element: object  # the w:p
    text: str
    pieces: list[Piece]
    heading: bool
    fields_at_start: tuple  # the field stack when this paragraph begins (fields may span paragraphs)


class DocxSource(Source):
    """A Word draft: ``text`` has one line per paragraph with text; ``prose`` is what rules read."""

    def __init__(self, path: str, text: str | None, errors: list[InputError], prose: markup.Prose | None = None,
                 paragraphs: list[Paragraph] | None = None, document: object = None):
        super().__init__(path, text, errors)
        self.prose = prose
        self.paragraphs: list[Paragraph] = paragraphs if paragraphs is not None else []
        self.document = document  # the python-docx Document, kept for annotate


# --- reading -----------------------------------------------------------------------


def _fail(path: str, message: str) -> DocxSource:
    return DocxSource(path, None, [InputError(path, message)])


def _ole_message(raw: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in raw:
        return ("password-protected (encrypted) Word document, cannot be read: remove the password "
                "(in Word: File > Info > Protect Document) and save it again")
    if "WordDocument".encode("utf-16-le") in raw:
        return ("a Word 97-2003 .doc file: lintnews reads .docx; open it in Word or LibreOffice "
                "and save it as a Word document (.docx)")
    return "an old binary Office file, not a Word .docx document"


def read_docx_bytes(raw: bytes, path: str) -> DocxSource:
    """The prose of a Word draft, or one clear error about it; never raises for bad input."""
    if not raw.strip(b"\0 \t\r\n"):
        return _fail(path, "empty file, nothing to lint")
    if raw.startswith(OLE_MAGIC):
        return _fail(path, _ole_message(raw))
    if raw.lstrip().startswith(b"{\\rtf"):
        return _fail(path, "an RTF file, not a .docx: save it as a Word document (.docx)")
    if not raw.startswith(b"PK"):
        return _fail(path, "not a Word .docx document (a .docx is a zip archive; this file is not one)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
                return _fail(path, "damaged or hostile .docx: it unpacks to more than 256 MB, skipped")
            bad = zf.testzip()
            if bad is not None:
                return _fail(path, f"damaged .docx: the part '{bad}' is corrupt")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        return _fail(path, f"damaged .docx (the zip archive cannot be read: {exc})")
    try:
        import docx  # python-docx: only here, so plain-text runs never import it

        document = docx.Document(io.BytesIO(raw))
        paragraphs = _read_paragraphs(document)
    except Exception as exc:  # python-docx and lxml raise many kinds; each means a damaged file
        return _fail(path, f"damaged or not a Word document ({_short(exc)})")
    return _build(path, document, paragraphs)


def read_docx(path: str) -> DocxSource:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return _fail(path, "no such file (was it moved or deleted?)")
    except IsADirectoryError:
        return _fail(path, "is a directory")
    except PermissionError:
        return _fail(path, "permission denied")
    except OSError as exc:
        return _fail(path, f"cannot read: {exc.strerror or exc}")
    return read_docx_bytes(raw, path)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if type(exc).__name__ == "PackageNotFoundError":
        text = "not a Word package"
    elif isinstance(exc, KeyError):
        text = f"a required part is missing: {text}"
    return text[:160]


def _build(path: str, document, paragraphs: list[Paragraph]) -> DocxSource:
    paragraphs = [p for p in paragraphs if p.text.strip()]
    if not paragraphs:
        return DocxSource(path, None, [InputError(path, "no text in the document, nothing to lint")], document=document)
    texts = [p.text for p in paragraphs]
    source = "\n".join(texts) + "\n"
    # Prose: a blank line between paragraphs, each paragraph mapped to its line of the source.
    segments: list[tuple[int, int, bool]] = []
    headlines: list[tuple[int, int]] = []
    n = s = 0
    for p in paragraphs:
        segments.append((n, s, True))
        if p.heading:
            lead = len(p.text) - len(p.text.lstrip())
            headlines.append((n + lead, n + len(p.text.rstrip())))
        n += len(p.text) + 2
        s += len(p.text) + 1
    joined = "\n\n".join(texts) + "\n"
    blanked = markup.plain_text(joined).text  # URLs, e-mail addresses, directives, as in plain text
    prose = markup.Prose(blanked, segments=segments, headlines=headlines, hard_breaks=True)
    return DocxSource(path, source, [], prose=prose, paragraphs=paragraphs, document=document)


def _heading_styles(document) -> set[str]:
    """Ids of paragraph styles that make a heading: Title, Heading N, or an outline level,
    directly or through the styles they are based on."""
    styles = {}
    for st in document.styles.element.findall(_w("style")):
        if st.get(_w("type")) != "paragraph":
            continue
        sid = st.get(_w("styleId"))
        name = st.find(_w("name"))
        based = st.find(_w("basedOn"))
        lvl = st.find(f"{PPR}/{_w('outlineLvl')}")
        styles[sid] = (
            name.get(VAL, "") if name is not None else "",
            based.get(VAL) if based is not None else None,
            lvl.get(VAL) if lvl is not None else None,
        )

    def is_heading(sid, depth=0) -> bool:
        if sid not in styles or depth > 20:
            return False
        name, based, lvl = styles[sid]
        if HEADING_NAME_RE.match(name.strip()) or (lvl is not None and lvl.isdigit() and int(lvl) < 9):
            return True
        return based is not None and is_heading(based, depth + 1)

    return {sid for sid in styles if is_heading(sid)}


def _read_paragraphs(document) -> list[Paragraph]:
    headings = _heading_styles(document)
    body = document.element.body
    out: list[Paragraph] = []
    fields: list[bool] = []  # one entry per open field: True while in its code part
    for p in _block_paragraphs(body):
        start_fields = tuple(fields)
        text, pieces = _paragraph_text(p, fields)
        out.append(Paragraph(p, text, pieces, _is_heading(p, headings), start_fields))
    return out


def _block_paragraphs(container):
    for child in container:
        tag = child.tag
        if tag == P:
            yield child
        elif tag in BLOCK_CONTAINERS:
            if tag == TR and child.find(f"{_w('trPr')}/{_w('del')}") is not None:
                continue  # a table row deleted with tracked changes
            yield from _block_paragraphs(child)


def _is_heading(p, headings: set[str]) -> bool:
    ppr = p.find(PPR)
    if ppr is None:
        return False
    lvl = ppr.find(_w("outlineLvl"))
    if lvl is not None and (lvl.get(VAL) or "").isdigit() and int(lvl.get(VAL)) < 9:
        return True
    style = ppr.find(_w("pStyle"))
    return style is not None and style.get(VAL) in headings


def _paragraph_text(p, fields: list[bool]) -> tuple[str, list[Piece]]:
    """The paragraph's prose and the pieces it is made of. ``fields`` is the stack of open
    complex fields, carried from paragraph to paragraph."""
    parts: list[str] = []
    pieces: list[Piece] = []
    n = 0

    def walk(el) -> None:
        nonlocal n
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP_INLINE:
                continue
            if tag == R:
                hidden = _hidden(child)  # Font > Hidden: Word neither shows nor prints it
                for node in child:
                    ntag = node.tag
                    if ntag == FLDCHAR:
                        kind = node.get(FLDCHARTYPE)
                        if kind == "begin":
                            fields.append(True)
                        elif kind == "separate" and fields:
                            fields[-1] = False
                        elif kind == "end" and fields:
                            fields.pop()
                        continue
                    if hidden or any(fields):
                        continue  # hidden, or a field's code rather than its shown result
                    if ntag == RUBY:
                        walk(node)  # its base text is prose; the reading above it (w:rt) is not
                        continue
                    if ntag == T:
                        s = node.text or ""
                    elif ntag in ONE_CHAR:
                        s = ONE_CHAR[ntag]
                    else:  # w:delText, w:instrText, w:sym, w:commentReference, w:lastRenderedPageBreak …
                        continue
                    if s:
                        s = s.replace("\r", " ").replace("\n", " ").replace("\x0b", " ").replace("\x0c", " ")
                        pieces.append(Piece(child, node, n, n + len(s)))
                        parts.append(s)
                        n += len(s)
            else:  # hyperlinks, tracked insertions, fields, content controls, smart tags …
                walk(child)

    walk(p)
    return "".join(parts), pieces


def _hidden(run) -> bool:
    rpr = run.find(RPR)
    if rpr is None:
        return False
    vanish = rpr.find(_w("vanish"))
    return vanish is not None and vanish.get(VAL, "true") not in ("0", "false", "off")


def paragraph_lines(path: str) -> list[str]:
    """The lines ``check`` reports against: one per paragraph with text (for --show-source)."""
    src = read_docx(path)
    return [] if src.text is None else src.text.split("\n")


# --- writing a reviewed copy -------------------------------------------------------------


def comment_text(f: Finding) -> str:
    lines = [f.message]
    if f.suggestions:
        lines.append("Suggestion: " + ", ".join(f.suggestions))
    lines.append(f"{f.rule} ({f.severity})")
    return "\n".join(lines)


def _split_run(piece_list: list[Piece], run, at: int) -> None:
    """Split ``run`` so that paragraph offset ``at`` starts a run; both halves keep the
    run's properties. ``piece_list`` are the pieces of this run, in order."""
    first = piece_list[0].start
    if at <= first:
        return
    kids = [c for c in run if c.tag != RPR]
    spans = {id(pc.node): (pc.start, pc.end) for pc in piece_list}
    right = deepcopy(run)
    right_kids = [c for c in right if c.tag != RPR]
    pos = first
    for left_kid, right_kid in zip(kids, right_kids):
        a, b = spans.get(id(left_kid), (pos, pos))
        pos = b
        if b <= at and not (a == b == at):
            right.remove(right_kid)  # stays on the left only
        elif a >= at:
            run.remove(left_kid)  # moves to the right
        else:  # a w:t holding the split point
            cut = at - a
            text = left_kid.text or ""
            left_kid.text, right_kid.text = text[:cut], text[cut:]
            for node in (left_kid, right_kid):
                node.set(f"{{{XML_NS}}}space", "preserve")
    run.addnext(right)


def _pieces_by_run(pieces: list[Piece]) -> dict[int, list[Piece]]:
    out: dict[int, list[Piece]] = {}
    for pc in pieces:
        out.setdefault(id(pc.run), []).append(pc)
    return out


def _refresh(par: Paragraph) -> None:
    fields = list(par.fields_at_start)
    text, pieces = _paragraph_text(par.element, fields)
    assert text == par.text, "splitting runs changed the paragraph's text"
    par.pieces = pieces


def _split_at(par: Paragraph, at: int) -> None:
    if at <= 0 or at >= len(par.text):
        return
    for pc in par.pieces:
        if pc.start <= at < pc.end:
            runs = _pieces_by_run(par.pieces)
            _split_run(runs[id(pc.run)], pc.run, at)
            _refresh(par)
            return


def _run_at(par: Paragraph, offset: int, last: bool):
    for pc in par.pieces:
        if (pc.start <= offset < pc.end) if not last else (pc.start < offset <= pc.end):
            return pc.run
    return None


def annotate_source(source: DocxSource, findings: list[Finding]) -> int:
    """Add one comment per finding to ``source.document``, anchored on its words. Returns the
    number of comments added. Findings come from linting ``source`` itself."""
    from docx.text.run import Run

    document = source.document
    pars = source.paragraphs
    # Every edge of every finding becomes a run boundary first; text offsets do not move.
    edges: dict[int, set[int]] = {}
    for f in findings:
        edges.setdefault(f.line, set()).add(f.column - 1)
        edges.setdefault(f.end_line, set()).add(f.end_column - 1)
    for line, offsets in edges.items():
        par = pars[line - 1]
        for at in sorted(offsets):
            _split_at(par, at)
    added = 0
    when = _draft_saved_at(document)
    for f in findings:
        first = _run_at(pars[f.line - 1], f.column - 1, last=False)
        last = _run_at(pars[f.end_line - 1], f.end_column - 1, last=True)
        if first is None or last is None:
            continue
        paragraph_obj = None
        comment = document.add_comment(
            [Run(first, paragraph_obj), Run(last, paragraph_obj)], text=comment_text(f), author=AUTHOR, initials=INITIALS
        )
        # Dated when the draft was last saved (not now), so the same draft gives the same
        # copy; with no date at all LibreOffice would show a nonsense one.
        comment._comment_elm.date = when
        added += 1
    return added


def _draft_saved_at(document):
    """The draft's last-modified time from its properties, as an aware UTC datetime, or None."""
    import datetime as dt

    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        # Asked only when the draft has properties: python-docx would make up new ones, dated now.
        package = document.part.package
        package.part_related_by(RT.CORE_PROPERTIES)
        when = document.core_properties.modified or document.core_properties.created
    except Exception:  # no properties, or unreadable ones: no reason to refuse the review
        return None
    if when is None:
        return None
    return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when


def save_document(document, out_path: str) -> None:
    """Write ``document`` to ``out_path`` atomically (a temporary file in the same folder,
    then a rename), with fixed zip timestamps so that the same input gives the same bytes."""
    buf = io.BytesIO()
    document.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    from .atomic import write_atomic

    write_atomic(out_path, out.getvalue())
