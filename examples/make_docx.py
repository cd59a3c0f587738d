"""Write examples/press-briefing-draft.docx, the Word example, from the text below.

    python3 examples/make_docx.py        # rewrites the .docx; the same bytes every time

The draft is what a desk receives: a Title, a subheading, a bold dateline, a phrase in
italics, a table of figures, a desk editor's comment, and tracked changes (a loaded word
deleted, its replacement inserted). It holds a few loaded words in the paper's own voice,
an unattributed claim, a name spelled two ways, and a quotation whose loaded words are the
speaker's and must not be flagged. The text was written for lintnews.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from lintnews.docx_input import save_document  # noqa: E402  (fixed zip timestamps: reproducible bytes)

OUT = HERE / "press-briefing-draft.docx"
WHEN = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.timezone.utc)


def tracked(kind: str, text: str, rid: int) -> object:
    """A tracked insertion (``ins``) or deletion (``del``) by the reporter."""
    tag = "w:delText" if kind == "del" else "w:t"
    return parse_xml(
        f'<w:{kind} {nsdecls("w")} w:id="{rid}" w:author="Reporter" w:date="2026-03-14T08:05:00Z">'
        f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r></w:{kind}>'
    )


def main() -> None:
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(12)

    d.add_paragraph("Ferry crossings to Gozo to resume on Monday after strike", style="Title")

    p = d.add_paragraph()
    p.add_run("VALLETTA, March 14 — ").bold = True
    p.add_run(
        "Ferry crossings between Malta and Gozo will resume on Monday morning, the transport ministry "
        "said on Friday, ending a "
    )
    p._p.append(tracked("del", "brutal ", 1))  # the reporter struck "brutal": not prose any more
    p._p.append(tracked("ins", "three-day ", 2))
    p.add_run("strike that stranded thousands of commuters and left supermarket shelves on the smaller island bare.")

    d.add_paragraph(
        "Transport Minister Miriam Camilleri told a press briefing that the operator and the seafarers' "
        "union had agreed to a 4 % pay rise and a review of rest hours. The union's secretary, Joseph "
        "Farrugia, said his members would return to work “with their heads held high”."
    )

    p = d.add_paragraph()
    p.add_run("Camilleri ")
    p.add_run("slammed the operator's").italic = True  # a finding inside an italic run: the split keeps it italic
    p.add_run(" management for letting the dispute drag on. Critics say the government waited too long before ")
    anchor = p.add_run("stepping in")
    p.add_run(".")
    d.add_comment(anchor, text="Which ministers? Check with the politics desk.", author="Desk Editor", initials="DE")

    d.add_paragraph(
        "“The company's leadership was arrogant and reckless, and islanders paid the price,” Farrugia "
        "told reporters outside the terminal in Ċirkewwa."
    )
    d.add_paragraph(
        "Operator chief executive Stefan Grech said the company had offered talks on the first day. "
        "Grech admitted that two vessels would need inspections before they could sail."
    )
    d.add_paragraph("Farugia said the union would watch the rest-hours review closely.")

    d.add_paragraph("What happens next", style="Heading 2")
    d.add_paragraph(
        "The first crossing leaves Ċirkewwa at 6 a.m. on Monday. Timetables should return to normal "
        "by Wednesday, the ministry said."
    )
    table = d.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    rows = [
        ("Route", "Crossings a day before the strike", "Crossings on Monday"),
        ("Ċirkewwa–Mġarr", "26", "14"),
        ("Valletta–Mġarr fast ferry", "8", "4, with noticeably longer queues expected"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value

    for comment in d.comments:
        comment._comment_elm.date = WHEN
    props = d.core_properties
    props.author = props.last_modified_by = "Reporter"
    props.title = "Ferry crossings to Gozo to resume"
    props.created = props.modified = WHEN.replace(tzinfo=None)
    props.revision = 1
    save_document(d, str(OUT))
    print(f"wrote {OUT.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
