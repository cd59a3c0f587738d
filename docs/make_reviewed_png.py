"""Make docs/reviewed-docx.png: the first page of the reviewed example, comments in the margin.

    python3 docs/make_reviewed_png.py      # needs soffice, pdftoppm (poppler-utils), Pillow

1. `lintnews annotate` writes the reviewed copy of examples/press-briefing-draft.docx.
2. LibreOffice converts it to PDF, exporting each Word comment as a PDF comment
   (`ExportNotes`): its text and the place on the page it is anchored to.
3. `pdftoppm -png -r 80` renders the page. LibreOffice 7.4 (Debian 12) can only print
   comments in the margin from its window, not from a headless export, so this script
   draws each PDF comment in a margin beside the page, the way a PDF viewer or Word's
   review pane shows them, with a line to its anchor. Nothing else is drawn.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DPI = 80
MARGIN = 330  # pixels of margin for the comments
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def pdf_comments(pdf: bytes) -> list[tuple[float, float, float, str, str]]:
    """(x, top, bottom, author, text) of each text annotation on the first page, in PDF points."""
    out = []
    for m in re.finditer(rb"<<\s*/Type\s*/Annot\s*/Subtype\s*/Text(.*?)>>\s*endobj", pdf, re.S):
        body = m.group(1)
        rect = [float(v) for v in re.search(rb"/Rect\s*\[([^\]]*)\]", body).group(1).split()]
        text = _pdf_string(re.search(rb"/Contents\s*(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))", body).group(1))
        author = re.search(rb"/T\s*(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))", body)
        author = _pdf_string(author.group(1)).split(",")[0] if author else ""  # LibreOffice: "author, date,"
        out.append((rect[0], rect[3], rect[1], author, text))
    return out


def _pdf_string(token: bytes) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", token[1:-1]).decode("latin-1")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        reviewed = tmp / "press-briefing-draft-reviewed.docx"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, "-m", "lintnews", "annotate", str(ROOT / "examples" / "press-briefing-draft.docx"),
                        "-o", str(reviewed)], check=True, env=env)
        (tmp / "home").mkdir()
        subprocess.run(["soffice", "--headless", "--norestore", "--convert-to",
                        'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}',
                        "--outdir", str(tmp), str(reviewed)], check=True, env=dict(os.environ, HOME=str(tmp / "home")),
                       capture_output=True)
        pdf = reviewed.with_suffix(".pdf")
        subprocess.run(["pdftoppm", "-png", "-hide-annotations", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(tmp / "page")], check=True, capture_output=True)
        page = Image.open(tmp / "page.png").convert("RGB")
        comments = pdf_comments(pdf.read_bytes())
    scale = DPI / 72
    height = page.height
    canvas = Image.new("RGB", (page.width + MARGIN, height), "#f3f3f3")
    canvas.paste(page, (0, 0))
    draw = ImageDraw.Draw(canvas)
    font, bold = ImageFont.truetype(FONT, 10), ImageFont.truetype(FONT_BOLD, 10)
    y_next = 20
    for x, y_top, y_bottom, author, text in sorted(comments, key=lambda c: (-c[1], c[0])):
        ax, ay = x * scale, height - y_top * scale + 6
        gap = height - y_bottom * scale + 1  # the space under the anchored line: lines run there, not through words
        lines = []
        for para in text.split("\n"):
            lines.extend(textwrap.wrap(para, 52) or [""])
        lines = lines[:9]
        box_h = 16 + 13 * len(lines)
        top = max(y_next, ay - 8)
        left = page.width + 10
        lintnews = author in ("", "lintnews")
        colour = "#c0392b" if lintnews else "#2c6fbb"
        draw.rectangle([left, top, left + MARGIN - 20, top + box_h], fill="white", outline=colour)
        draw.text((left + 6, top + 3), author or "lintnews", font=bold, fill=colour)
        for i, line in enumerate(lines):
            draw.text((left + 6, top + 16 + 13 * i), line, font=font, fill="#222222")
        draw.polygon([(ax - 4, ay - 9), (ax + 4, ay - 9), (ax, ay - 3)], fill=colour)  # where the comment is anchored
        draw.line([(ax, ay - 3), (ax, gap)], fill=colour, width=1)
        for dx in range(int(ax), page.width - 4, 6):  # dotted, under the line of text
            draw.line([(dx, gap), (min(dx + 3, page.width - 4), gap)], fill=colour, width=1)
        draw.line([(page.width - 4, gap), (left, top + 8)], fill=colour, width=1)
        y_next = top + box_h + 8
    crop = max(y_next + 10, int(height * 0.80))
    canvas.crop((0, 0, canvas.width, min(crop, height))).save(ROOT / "docs" / "reviewed-docx.png", optimize=True)
    print(f"wrote docs/reviewed-docx.png ({len(comments)} comments)")


if __name__ == "__main__":
    main()
