#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""documents.py - generated reports as Word (.docx) and PDF files, with exact truth.

Two modes:

    python3 data/generator/documents.py --make N --seed S --out DIR [--producers lo,chromium,reportlab]
    python3 data/generator/documents.py --gen DIR [--pdf] [--limit N]

--make draws N documents straight from the generator's report model (genreports.make_doc and the
families of families.py that a document can show: blank cells in every eval-public pattern, narrative
breakdowns, short titles, negatives), renders each as the HTML report page and as a .docx, and prints
each to PDF with one producer in turn:

    DIR/corpus/docx_table/<id>.docx      merged cells as w:gridSpan / w:vMerge (bare or val="continue"),
                                         or unrolled (a label cell then empty cells), blank cells as an
                                         empty <w:tc>, repeated header rows, rows that may split across pages
    DIR/corpus/pdf_lo/<id>.pdf           that .docx printed by LibreOffice (embedded fonts)
    DIR/corpus/pdf_chromium/<id>.pdf     the HTML page printed by headless Chromium (--print-to-pdf)
    DIR/corpus/pdf_reportlab/<id>.pdf    the blocks typeset by reportlab in STSong-Light, a CID font that
                                         is not embedded (the reader must know the Adobe-GB1 mapping)
    DIR/corpus/pdf_encrypted/<id>.pdf    a printed PDF encrypted with an empty user password (read)
    DIR/corpus/pdf_locked/<id>.pdf       ... with a user password (refused: failed)
    DIR/corpus/pdf_turned/<id>.pdf       a printed PDF whose pages' content is drawn turned 90° or 270° on
                                         pages of swapped size, /Rotate showing it upright (printer drivers'
                                         landscape pages)
    DIR/corpus/pdf_scanned/<id>.pdf      the pages as images only, no text layer (refused: failed,
                                         `scanned PDF, no text layer — OCR it first`)
    DIR/corpus/html_page/<id>.html       the HTML page the documents were made from (Chromium prints it)
    DIR/corpus/p2t_layout/<p>_<id>.txt   each printed PDF as `pdftotext -layout` writes it (wrapped labels
                                         around their values, merged cells written down narrow columns)
    DIR/corpus/docx_pandoc_<t>/<id>.*    each .docx through pandoc: gfm pipe tables, pandoc markdown and plain
    DIR/corpus/ocr_tess/<p>_<id>.txt     with --ocr N: N printed PDFs rendered at 200 dpi and read by
                                         tesseract (chi_sim), the text a user gets by OCR'ing a scan
    DIR/corpus/ocr_pdf/<p>_<id>.pdf      ... and the searchable scan tesseract writes from the same
                                         reading (page images, the text invisible over them)
    DIR/truth.jsonl                      one object per file in the genreports.py format, with `family`,
                                         `features` (docx:vmerge_continue, pdf:tbl_header ...) and
                                         gen_layout = the folder name

Producers that are not installed are skipped with a note; `--install` installs them first
(apt-get: libreoffice-writer-nogui, fonts-noto-cjk, chromium, qpdf, poppler-utils, tesseract-ocr,
tesseract-ocr-chi-sim; pip: reportlab,
pillow, pypdf — into ~/.cache/venv when run by another Python).

--gen is the older mode: every html_table report with status ok of a genreports.py output becomes a
.docx and (with --pdf) a LibreOffice PDF, truth appended to DIR/truth.jsonl.
"""

import argparse
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class Blocks(html.parser.HTMLParser):
    """HTML → [("p", text) | ("table", [[(text, colspan, rowspan)]])], like the tool's own reader."""

    BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "li", "title", "br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.text, self.skip, self.divs = [], [], 0, []
        self.table = self.row = self.cell = None

    def flush(self):
        t = "".join(self.text).strip()
        self.text = []
        if t and self.cell is None and self.table is None:
            self.blocks.append(("p", t))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "title"):
            self.skip += 1
        elif tag == "div":
            # The web page's furniture (breadcrumb, footer) is not in the document; the date line is kept.
            furniture = a.get("class") in ("header", "footer")
            self.divs.append(furniture)
            self.flush()
            self.skip += furniture
        elif tag == "table":
            self.flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ([], int(a.get("colspan") or 1), int(a.get("rowspan") or 1))
        elif tag in self.BLOCK and self.cell is None:
            self.flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1
        elif tag == "div" and self.divs:
            self.flush()
            self.skip -= self.divs.pop()
        elif tag in ("td", "th") and self.cell is not None:
            parts, cs, rs = self.cell
            self.row.append(("".join(parts).replace("\xa0", " ").strip(), cs, rs))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            self.blocks.append(("table", self.table))
            self.table = None
        elif tag in self.BLOCK and self.cell is None:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell[0].append(data)
        elif self.table is None:
            self.text.append(data)


def esc(t):
    return html.escape(t, quote=False)


def para(t, center=False, sz=0, right=False):
    jc = "center" if center else ("right" if right else "")
    ppr = '<w:pPr><w:jc w:val="%s"/></w:pPr>' % jc if jc else ""
    size = '<w:sz w:val="%d"/>' % (sz * 2) if sz else ""
    return ('<w:p>%s<w:r><w:rPr><w:rFonts w:eastAsia="SimSun"/>%s</w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
            % (ppr, size, esc(t)))


def grid_of(rows):
    """Place HTML cells on a grid: (row, col) → (text, colspan, rowspan, is_start)."""
    occupied, placed, width = {}, [], 0
    for r, row in enumerate(rows):
        c = 0
        for text, cs, rs in row:
            while (r, c) in occupied:
                c += 1
            placed.append((r, c, text, cs, rs))
            for dr in range(rs):
                for dc in range(cs):
                    occupied[(r + dr, c + dc)] = (r, c)
            c += cs
            width = max(width, c)
    return placed, occupied, width


DEFAULT_STYLE = {"vmerge": "bare", "flat": False, "header_rows": 0, "cant_split": False, "sz": 0,
                 "text_box": False}
# The namespaces of a text box (docx_bytes with text_box).
BOX_NS = (' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
          ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
          ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
          ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
          ' xmlns:v="urn:schemas-microsoft-com:vml"')


def table_xml(rows, style=None):
    """One w:tbl. style: vmerge "bare" (<w:vMerge/>, as Word writes it) or "continue" (WPS's
    val="continue"); flat: row spans unrolled (the label in the first cell, empty cells under it, as
    tables typed without merging look); header_rows: that many first rows marked w:tblHeader (repeated
    on every page a table continues on); cant_split: rows kept whole on one page; sz: font size (pt)."""
    st = dict(DEFAULT_STYLE, **(style or {}))
    placed, occupied, width = grid_of(rows)
    start = {(r, c): (text, cs, rs) for r, c, text, cs, rs in placed}
    out = ['<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>']
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        out.append('<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>' % side)
    out.append('</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>')
    if width == 10:  # table 三: wide label columns, narrow value columns
        colws = [500, 700, 2000] + [830] * 7
    else:
        colws = [max(400, 9800 // max(width, 1))] * width
    out.extend('<w:gridCol w:w="%d"/>' % w for w in colws)
    out.append("</w:tblGrid>")
    for r in range(len(rows)):
        trpr = ""
        if r < st["header_rows"]:
            trpr += "<w:tblHeader/>"
        if st["cant_split"]:
            trpr += "<w:cantSplit/>"
        out.append("<w:tr>" + ("<w:trPr>%s</w:trPr>" % trpr if trpr else ""))
        c = 0
        while c < width:
            anchor = occupied.get((r, c))
            if anchor is None:  # a ragged row: an empty cell keeps the grid
                out.append('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p/></w:tc>' % colws[c])
                c += 1
                continue
            text, cs, rs = start[anchor]
            props = '<w:tcW w:w="%d" w:type="dxa"/>' % sum(colws[c:c + cs])
            if cs > 1:
                props += '<w:gridSpan w:val="%d"/>' % cs
            if anchor == (r, c):
                if rs > 1 and not st["flat"]:
                    props += '<w:vMerge w:val="restart"/>'
                body = para(text, center=True, sz=st["sz"]) if text else "<w:p/>"
            else:
                if not st["flat"]:
                    props += '<w:vMerge w:val="continue"/>' if st["vmerge"] == "continue" else "<w:vMerge/>"
                body = "<w:p/>"
            out.append("<w:tc><w:tcPr>%s</w:tcPr>%s</w:tc>" % (props, body))
            c += cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def is_t3(rows):
    return bool(rows) and bool(rows[0]) and "勾稽" in rows[0][0][0]


def docx_bytes(blocks, style=None, page=None):
    """blocks → .docx bytes (deterministic). page: (width, height, margin) in twips."""
    st = dict(DEFAULT_STYLE, **(style or {}))
    pw, ph, mg = page or (11906, 16838, 1440)
    body = []
    for i, (kind, value) in enumerate(blocks):
        if kind == "p":
            body.append(para(value, center=(i == 0)))
        else:
            s = dict(st)
            if not is_t3(value):
                s["header_rows"] = 0
            tbl = table_xml(value, s)
            if st.get("text_box"):
                # Pasted into a text box: the box as a drawing, and Word's VML copy for old readers.
                box = "<w:txbxContent>%s<w:p/></w:txbxContent>" % tbl
                tbl = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
                       '<a:graphic><a:graphicData><wps:wsp><wps:txbx>%s</wps:txbx></wps:wsp></a:graphicData>'
                       '</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>'
                       '<v:textbox>%s</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
                       '</w:r></w:p>' % (box, box))
            body.append(tbl + "<w:p/>")
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="%s"%s><w:body>%s'
                '<w:sectPr><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="1000" w:bottom="%d"'
                ' w:left="1000" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>'
                % (W, BOX_NS if st.get("text_box") else "", "".join(body), pw, ph, mg, mg))
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # deterministic bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def blocks_of_html(text):
    p = Blocks()
    p.feed(text)
    p.close()
    p.flush()
    return p.blocks


def blocks_of_text(text):
    """A negative's plain text → blocks: tab-separated lines become one table, the rest paragraphs."""
    blocks, table = [], []
    for line in text.split("\n"):
        if "\t" in line:
            table.append([(c, 1, 1) for c in line.split("\t")])
            continue
        if table:
            blocks.append(("table", table))
            table = []
        if line.strip():
            blocks.append(("p", line.strip()))
    if table:
        blocks.append(("table", table))
    return blocks


# ----------------------------------------------------------------------------- --make: the report model drawn as documents

PRODUCERS = ("lo", "chromium", "reportlab")
KINDS = (("base", 30), ("blank_cells", 30), ("narrative_breakdown", 14), ("short_title", 14), ("negatives", 12))


def load_generator():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import genreports as G
    import families as F
    F.G = G
    return G, F


def draw_doc(G, F, rng, idx):
    """One document of the report model: (kind, html_text | None, blocks, truth dict, features)."""
    x = rng.random() * sum(w for _, w in KINDS)
    for kind, w in KINDS:
        x -= w
        if x < 0:
            break
    feats = []
    if kind == "negatives":
        nk = F.NEG_KINDS[idx % len(F.NEG_KINDS)]
        if nk == "title_only":
            nk = "work_plan"
        title, iso, text = F.neg_text(rng, nk, idx)
        if "\t" not in text and nk == "old_report":
            feats.append("neg:glued")
        tr = json.loads(G.odd_truth("", "utf-8", "not_a_report").decode("utf-8"))
        blocks = blocks_of_text(text)
        page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>%s</title></head><body>\n%s</body></html>\n'
                % (esc(title), "".join(
                    "<p>%s</p>\n" % esc(v) if k == "p" else
                    '<table border="1" cellspacing="0" style="border-collapse:collapse">%s</table>\n' % "".join(
                        "<tr>%s</tr>" % "".join("<td>%s</td>" % esc(c) for c, _, _ in row) for row in v)
                    for k, v in blocks)))
        return kind, page, blocks, tr, ["neg:" + nk] + feats
    d = F.new_doc(rng, idx, "html_table", violations=True, p_violation=0.05)
    if kind == "base":
        if rng.random() < 0.15:
            G.apply_blanks(rng, d, None, None)
            if d.t2blank or d.t3blank or d.t4blank:
                feats.append("blank:base")
    elif kind == "blank_cells":
        pat = rng.choice(F.BLANK_PATTERNS)
        style = rng.choice(("empty", "empty", "mixed"))
        ph = (lambda: "") if style == "empty" else (lambda: rng.choice(("", "", "—", "-", "/", "无")))
        nb = F.apply_pattern(rng, d, pat, ph)
        feats += ["blank:" + pat, "blank_ph:" + style] if nb else ["blank:none"]
    elif kind == "narrative_breakdown":
        d.sp = False
        feats.append(F.narrative_breakdown(rng, d))
    elif kind == "short_title":
        if F.use_short_title(rng, d):
            feats.append("title:short")
        else:
            F.set_date(rng, d)
    feats += F.violations(d)
    text = G.render_html(d, rng)
    tr = F.truth_of(d, "", "utf-8", "ok")
    if all(c["blank"] for c in tr["applications"]):
        # Every cell of 三 blank (no application, zeros left empty) reads as the unfilled form does.
        tr["status_alt"] = "partial"
    feats.append("form:" + d.tpl)
    return kind, text, blocks_of_html(text), tr, feats


def docx_style(rng):
    st = {"vmerge": rng.choice(("bare", "continue")), "flat": rng.random() < 0.2,
          "header_rows": 3 if rng.random() < 0.3 else 0, "cant_split": rng.random() < 0.5,
          "sz": rng.choice((0, 0, 9, 10, 11, 12))}
    page = rng.choice(((11906, 16838, 1440), (11906, 16838, 1000), (11906, 16838, 2000), (12240, 15840, 1440)))
    feats = ["docx:vmerge_" + st["vmerge"]] if not st["flat"] else ["docx:flat_spans"]
    if st["header_rows"]:
        feats.append("docx:tbl_header")
    if not st["cant_split"]:
        feats.append("docx:rows_split")
    return st, page, feats


def run_quiet(cmd, timeout=120):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)


def chromium_pdf(chrome, html_path, pdf_path, profile):
    run_quiet([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--user-data-dir=" + profile, "--no-pdf-header-footer",
               "--print-to-pdf=" + pdf_path, "file://" + os.path.abspath(html_path)])


def reportlab_pdf(blocks, pdf_path, rng):
    """The blocks typeset with reportlab: STSong-Light (Adobe-GB1, not embedded), ruled tables with
    spans, long tables split across pages (some with their header rows repeated). reportlab cannot break
    a page inside a row span: a table 三 too long for its page is typeset again with its long spans
    (三、本年度办理结果, （三）不予公开 ...) unrolled, the label in the first of the cells."""
    from reportlab.platypus.doctemplate import LayoutError
    try:
        return reportlab_doc(blocks, pdf_path, rng, 99)
    except LayoutError:
        return reportlab_doc(blocks, pdf_path, rng, 3) + ["pdf:spans_unrolled"]


def reportlab_doc(blocks, pdf_path, rng, max_rs):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    size = rng.choice((9, 10, 10.5, 12))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=size + 1, leading=(size + 1) * 1.5, wordWrap="CJK",
                          firstLineIndent=2 * (size + 1))
    title = ParagraphStyle("t", parent=body, alignment=1, firstLineIndent=0, fontSize=size + 5, leading=(size + 5) * 1.4)
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=size - 1, leading=(size - 1) * 1.25, wordWrap="CJK",
                          alignment=1)
    repeat = rng.random() < 0.3
    story = []
    for i, (kind, value) in enumerate(blocks):
        if kind == "p":
            story.append(Paragraph(esc(value), title if i == 0 else body))
            continue
        placed, occupied, width = grid_of(value)
        data = [["" for _ in range(width)] for _ in value]
        cmds = [("FONT", (0, 0), (-1, -1), "STSong-Light", size - 1), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for r, c, text, cs, rs in placed:
            data[r][c] = Paragraph(esc(text), cell) if text else ""
            if rs > max_rs:
                rs = 1
            if cs > 1 or rs > 1:
                cmds.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        avail = A4[0] - 100
        if width == 10:
            ws = [24, 34, 110] + [(avail - 168) / 7] * 7
        elif width == 4:
            ws = [avail * 0.4] + [avail * 0.2] * 3
        else:
            ws = [avail / max(width, 1)] * width
        t = Table(data, colWidths=ws, repeatRows=3 if (repeat and is_t3(value)) else 0)
        t.setStyle(TableStyle(cmds))
        story += [t, Spacer(1, 8)]
    doc = SimpleDocTemplate(pdf_path, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=60, bottomMargin=60,
                            invariant=1)
    doc.build(story)
    return ["pdf:repeat_header"] if repeat else []


def scanned_pdf(src_pdf, out_pdf, tmp):
    """The pages as greyscale images only (a scan): pdftoppm, then pillow."""
    from PIL import Image
    base = os.path.join(tmp, "scan")
    run_quiet(["pdftoppm", "-r", "50", "-gray", "-png", src_pdf, base])
    pages = sorted(f for f in os.listdir(tmp) if f.startswith("scan") and f.endswith(".png"))
    if not pages:
        return False
    imgs = [Image.open(os.path.join(tmp, f)).convert("L") for f in pages]
    imgs[0].save(out_pdf, save_all=True, append_images=imgs[1:])
    for f in pages:
        os.unlink(os.path.join(tmp, f))
    return True


def turned_pdf(src_pdf, out_pdf, angle):
    """The PDF as a printer driver writes landscape pages: each page's content drawn turned by `angle`
    degrees (counter-clockwise) on a page of swapped width and height, with `/Rotate` showing it upright.
    Read as drawn, every line is a column."""
    import pypdf
    writer = pypdf.PdfWriter(clone_from=src_pdf)
    for page in writer.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        shift = (h, 0) if angle == 90 else (0, w)
        page.add_transformation(pypdf.Transformation().rotate(angle).translate(*shift))
        page.mediabox.upper_right = (h, w)
        page.cropbox.upper_right = (h, w)
        page.rotation = angle
    writer.write(out_pdf)


def shows_tables(pdf):
    """Whether the PDF's text (pdftotext, reading order) holds the last row of table 三 and table 四's
    header: true unless a producer lost rows. Without pdftotext: assumed."""
    if not shutil.which("pdftotext"):
        return True
    out = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, errors="replace").stdout
    text = "".join(out.split())
    return "结转下年度" in text and "复议后起诉" in text


def install():
    """Installs what --make uses (Debian packages and the Python ones)."""
    need = [p for p, b in (("libreoffice-writer-nogui", "soffice"), ("chromium", "chromium"), ("qpdf", "qpdf"),
                           ("poppler-utils", "pdftoppm"), ("tesseract-ocr", "tesseract")) if not shutil.which(b)]
    if not os.path.exists("/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata"):
        need.append("tesseract-ocr-chi-sim")
    if not os.path.exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"):
        need.append("fonts-noto-cjk")
    if need:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq"] + need, check=True)
    try:
        import PIL  # noqa: F401
        import pypdf  # noqa: F401
        import reportlab  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "reportlab", "pillow", "pypdf"], check=True)


def make(args):
    import random
    G, F = load_generator()
    if args.install:
        install()
    producers = [p for p in args.producers.split(",") if p]
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    try:
        import reportlab  # noqa: F401
        have_rl = True
    except ImportError:
        have_rl = False
    avail = {"lo": bool(office), "chromium": bool(chrome), "reportlab": have_rl}
    for p in producers:
        if not avail.get(p):
            print("note: producer %s not installed, skipped (--install)" % p, file=sys.stderr)
    producers = [p for p in producers if avail.get(p)]
    qpdf, ppm = shutil.which("qpdf"), shutil.which("pdftoppm")
    try:
        import PIL  # noqa: F401  (the scanned variant's image PDF)
    except ImportError:
        ppm = None
    try:
        import pypdf  # noqa: F401  (the turned variant)
        have_pypdf = True
    except ImportError:
        have_pypdf = False
    rng = random.Random(args.seed * 7919 + 28)
    corpus = os.path.join(args.out, "corpus")
    dirs = ["docx_table", "pdf_encrypted", "pdf_locked", "pdf_scanned", "pdf_turned"] + ["pdf_" + p for p in producers]
    for d in dirs + ["html_page"]:
        os.makedirs(os.path.join(corpus, d), exist_ok=True)
    truth = []
    lo_jobs, chrome_jobs, variants = [], [], []

    def add(t, rel, gen_layout, layout, fmt, family, feats, status=None):
        row = dict(t, source_path=rel, gen_layout=gen_layout, layout=layout, format=fmt, encoding="utf-8",
                   family=family, features=list(feats))
        if status:
            row["status"] = status
        truth.append(row)
        return row

    for i in range(args.n):
        idx = args.first + i
        kind, page, blocks, tr, feats = draw_doc(G, F, rng, idx)
        name = "%06d" % idx
        neg = kind == "negatives"
        layout_doc = "none" if neg else "docx_table"
        layout_pdf = "none" if neg else "pdf_grid"
        st, pg, dfeats = docx_style(rng)
        # One .docx in ten (not those LibreOffice prints) has its tables pasted into text boxes; a
        # random stream of its own keeps every other draw of a seed as it was.
        prod = producers[i % len(producers)] if producers else None
        if prod != "lo" and not neg and random.Random(idx * 7919 + 31).random() < 0.1:
            st["text_box"] = True
            dfeats = dfeats + ["docx:text_box"]
        rel = "docx_table/%s.docx" % name
        with open(os.path.join(corpus, rel), "wb") as f:
            f.write(docx_bytes(blocks, st, pg))
        add(tr, rel, "docx_table", layout_doc, "docx", kind, feats + dfeats)
        rel = "html_page/%s.html" % name
        html_path = os.path.join(corpus, rel)
        with open(html_path, "w", encoding="utf-8") as f:
            f.write(page)
        # The page the documents were made from, read as HTML: what the documents' figures compare to.
        add(tr, rel, "html_page", "none" if neg else "html_table", "html", kind, feats)
        if not producers:
            continue
        rel = "pdf_%s/%s.pdf" % (prod, name)
        pdf_path = os.path.join(corpus, rel)
        pfeats = list(feats)
        if prod == "lo":
            lo_jobs.append(os.path.join(corpus, "docx_table", name + ".docx"))
            pfeats += dfeats
        elif prod == "chromium":
            chrome_jobs.append((html_path, pdf_path))
        else:
            pfeats += reportlab_pdf(blocks, pdf_path, rng) + ["pdf:font_not_embedded"]
        row = add(tr, rel, "pdf_" + prod, layout_pdf, "pdf", kind, pfeats + ["producer:" + prod])
        x = rng.random()
        if x < args.p_variant:
            variants.append(("pdf_encrypted", row))
        elif x < args.p_variant * 1.6:
            variants.append(("pdf_scanned", row))
        elif x < args.p_variant * 2:
            variants.append(("pdf_locked", row))
        elif x < args.p_variant * 2.5:
            variants.append(("pdf_turned", row))
    if lo_jobs:
        with tempfile.TemporaryDirectory() as profile:
            for k in range(0, len(lo_jobs), 100):  # one LibreOffice process per 100 files bounds its memory
                run_quiet([office, "-env:UserInstallation=file://" + profile, "--headless", "--convert-to", "pdf",
                           "--outdir", os.path.join(corpus, "pdf_lo")] + lo_jobs[k:k + 100], timeout=3600)
    if chrome_jobs:
        from concurrent.futures import ThreadPoolExecutor
        import threading
        with tempfile.TemporaryDirectory() as tmp:
            local = threading.local()

            def one(k):
                # A fresh profile for each worker (one per file would cost more to delete than to print).
                if not hasattr(local, "profile"):
                    local.profile = tempfile.mkdtemp(dir=tmp)
                h, p = chrome_jobs[k]
                chromium_pdf(chrome, h, p, local.profile)
            with ThreadPoolExecutor(args.jobs) as ex:
                list(ex.map(one, range(len(chrome_jobs))))
    with tempfile.TemporaryDirectory() as tmp:
        for folder, row in variants:
            src = os.path.join(corpus, row["source_path"])
            if not os.path.exists(src):
                continue
            rel = "%s/%s" % (folder, os.path.basename(src))
            dst = os.path.join(corpus, rel)
            vf = row["features"] + ["variant:" + folder[4:]]
            if folder == "pdf_encrypted" and qpdf:
                run_quiet([qpdf, "--encrypt", "", "owner-secret", "256", "--", src, dst])
                if os.path.exists(dst):
                    add(row, rel, folder, row["layout"], "pdf", row["family"], vf)
            elif folder == "pdf_locked" and qpdf:
                run_quiet([qpdf, "--encrypt", "user-secret", "owner-secret", "256", "--", src, dst])
                if os.path.exists(dst):
                    t = json.loads(G.odd_truth(rel, None, "failed", "pdf").decode("utf-8"))
                    add(t, rel, folder, "none", "pdf", row["family"], vf)
                    truth[-1]["encoding"] = None
                    truth[-1]["error"] = "password"
            elif folder == "pdf_turned" and have_pypdf:
                turned_pdf(src, dst, rng.choice((90, 270)))
                add(row, rel, folder, row["layout"], "pdf", row["family"], vf)
            elif folder == "pdf_scanned" and ppm and scanned_pdf(src, dst, tmp):
                t = json.loads(G.odd_truth(rel, None, "failed", "pdf").decode("utf-8"))
                add(t, rel, folder, "none", "pdf", row["family"], vf)
                truth[-1]["encoding"] = None
                truth[-1]["error"] = "scanned PDF, no text layer — OCR it first"
    # A producer that failed on a file leaves no PDF: no truth line for it either. A PDF that does not
    # show the tables the truth lists (a producer that dropped rows) is removed with its truth line.
    lost = [t for t in truth if t["format"] == "pdf" and t["status"] == "ok" and t["applications"]
            and os.path.exists(os.path.join(corpus, t["source_path"]))
            and not shows_tables(os.path.join(corpus, t["source_path"]))]
    for t in lost:
        print("note: %s does not show tables 三/四 (producer lost them): removed" % t["source_path"], file=sys.stderr)
        os.unlink(os.path.join(corpus, t["source_path"]))
    kept = [t for t in truth if os.path.exists(os.path.join(corpus, t["source_path"]))]
    produced = len(kept)
    kept += text_dumps(corpus, kept)
    kept += word_dumps(corpus, kept)
    kept += ocr_dumps(corpus, kept, args.ocr)
    with open(os.path.join(args.out, "truth.jsonl"), "a" if args.append else "w", encoding="utf-8") as f:
        for t in kept:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    counts = {}
    for t in kept:
        counts[t["gen_layout"]] = counts.get(t["gen_layout"], 0) + 1
    print("%d files: %s" % (len(kept), ", ".join("%s %d" % kv for kv in sorted(counts.items()))), file=sys.stderr)
    missing = len(truth) - produced
    if missing:
        print("note: %d files not produced (producer failed)" % missing, file=sys.stderr)


def text_dumps(corpus, truth):
    """Every printed PDF (pdf_<producer>, not the variants) as `pdftotext -layout` writes it:
    p2t_layout/<producer>_<id>.txt, the text many crawlers keep of a PDF report. Its label cells wrap
    onto the lines around their row's values, and the merged cells of table 三 (三、本年度办理结果,
    （三）不予公开 …) are written down narrow columns, a character or a mark on their rows' lines.
    The truth is the PDF's, but a blank cell survives only as a gap in the alignment: the values of a
    row holding one are marked ambiguous (a report with such a value becomes partial, status_alt ok).
    Nothing without pdftotext (poppler-utils)."""
    if not shutil.which("pdftotext"):
        print("note: pdftotext not installed: no p2t_layout text dumps (poppler-utils)", file=sys.stderr)
        return []
    os.makedirs(os.path.join(corpus, "p2t_layout"), exist_ok=True)
    out = []
    for t, stem in printed_pdfs(truth):
        rel = "p2t_layout/%s.txt" % stem
        r = subprocess.run(["pdftotext", "-layout", os.path.join(corpus, t["source_path"]),
                            os.path.join(corpus, rel)], capture_output=True)
        if r.returncode != 0:
            continue
        d = text_truth(t, rel, "p2t_layout", "p2t:layout")
        if uncertain_blank_rows(d) and d["status"] == "ok":
            d["status"], d["status_alt"] = "partial", "ok"
            d["features"].append("p2t:blank_cell")
        out.append(d)
    return out


def printed_pdfs(truth):
    """The printed PDFs of `truth` (pdf_<producer>, not the encrypted, locked or scanned variants, not
    failed), each with the stem its text dumps are named by: `<producer>_<id>`."""
    for t in truth:
        if t["format"] != "pdf" or not t["gen_layout"].startswith("pdf_") or t["status"] == "failed" \
                or t["gen_layout"] in ("pdf_encrypted", "pdf_locked", "pdf_scanned", "pdf_turned"):
            continue
        name = os.path.splitext(os.path.basename(t["source_path"]))[0]
        yield t, "%s_%s" % (t["gen_layout"][4:], name)


def text_truth(t, rel, gen_layout, feature):
    """A copy of a PDF's truth for a text dump of it at `rel` (space-aligned text, UTF-8)."""
    d = json.loads(json.dumps(t))
    d.update(source_path=rel, gen_layout=gen_layout, format="text", encoding="utf-8",
             layout="none" if t["layout"] == "none" else "space_aligned",
             features=t["features"] + [feature])
    return d


def uncertain_blank_rows(d):
    """Marks ambiguous the values of every row holding an empty blank cell (all of table 四, one line
    of 15 cells), for layouts where a blank cell survives only as a gap in the alignment; True when a
    value that was not ambiguous became so."""
    keys = {"active_disclosure": "item_code", "applications": "row_code", "reviews_litigation": "proceeding"}
    uncertain = 0
    for tbl, key in keys.items():
        cells = d.get(tbl) or []
        rows = {c[key] for c in cells if c.get("blank") and (c.get("raw") or "").strip(" \xa0\u3000") == ""}
        for c in cells:
            if c[key] in rows or (rows and tbl == "reviews_litigation"):
                uncertain += not c.get("ambiguous") and c.get("value", c.get("count")) is not None
                c["ambiguous"] = True
    return uncertain > 0


def word_dumps(corpus, truth):
    """Every .docx (docx_table) as pandoc converts it: docx_pandoc_gfm/<id>.md (pipe tables, every empty
    cell written, merged cells unrolled), docx_pandoc_md/<id>.md (pandoc's own markdown: multiline and
    grid tables) and docx_pandoc_plain/<id>.txt (plain text). Where only the alignment keeps a blank
    cell (md, plain), the values of its row are ambiguous, as in text_dumps. A file where pandoc wrote
    `[TABLE]` (a table it cannot express) is left out. Nothing without pandoc."""
    if not shutil.which("pandoc"):
        print("note: pandoc not installed: no docx_pandoc_* text dumps", file=sys.stderr)
        return []
    targets = [("gfm", "gfm", "md", "markdown_table", False),
               ("md", "markdown-raw_html", "md", "space_aligned", True),
               ("plain", "plain", "txt", "space_aligned", True)]
    out = []
    for name, to, ext, layout, positional in targets:
        os.makedirs(os.path.join(corpus, "docx_pandoc_" + name), exist_ok=True)
    for t in truth:
        # Text boxes are drawings to pandoc: its text of them is not the table's.
        if t["gen_layout"] != "docx_table" or "docx:text_box" in t["features"]:
            continue
        stem = os.path.splitext(os.path.basename(t["source_path"]))[0]
        for name, to, ext, layout, positional in targets:
            rel = "docx_pandoc_%s/%s.%s" % (name, stem, ext)
            dst = os.path.join(corpus, rel)
            r = subprocess.run(["pandoc", "-f", "docx", "-t", to, "--columns=100", "-o", dst,
                                os.path.join(corpus, t["source_path"])], capture_output=True)
            if r.returncode != 0:
                continue
            with open(dst, encoding="utf-8", errors="replace") as f:
                if re.search(r"(?m)^\[TABLE\]$", f.read()):
                    os.remove(dst)
                    continue
            d = json.loads(json.dumps(t))
            d.update(source_path=rel, gen_layout="docx_pandoc_" + name, format="markdown" if ext == "md" else "text",
                     encoding="utf-8", layout="none" if t["layout"] == "none" else layout,
                     features=t["features"] + ["pandoc:" + name])
            if positional and uncertain_blank_rows(d) and d["status"] == "ok":
                d["status"], d["status_alt"] = "partial", "ok"
            out.append(d)
    return out


def ocr_dumps(corpus, truth, limit):
    """The first `limit` printed PDFs (pdf_<producer>, not the variants) as OCR reads them, twice:
    ocr_tess/<producer>_<id>.txt, every page rendered at 200 dpi (`pdftoppm -gray`) and read by
    `tesseract -l chi_sim`, pages concatenated: the text a user gets by OCR'ing a scanned report; and
    ocr_pdf/<producer>_<id>.pdf, the searchable scan tesseract writes from the same reading (each page
    image with the text drawn invisibly over it, `pdfunite`d): what a scanner's or Acrobat's OCR
    publishes. tesseract misreads digits (a 0 touching a cell border as 5, a 1 as 工 or I, 33 as 3, a
    border glued to a digit as ”0) and loses cells. The truth is the PDF's; a value whose written form
    occurs fewer times, as a whole token, in the OCR text than in `pdftotext -layout`'s text of the
    same PDF may have been lost, and its cells are ambiguous (the tool may write NULL there). A
    misread value still counts as wrong: precision here is the wrong numbers OCR'd text gives. ~6 s a
    report on one core. Nothing without tesseract (tesseract-ocr, tesseract-ocr-chi-sim) and
    poppler-utils."""
    if limit <= 0:
        return []
    if not all(shutil.which(b) for b in ("tesseract", "pdftoppm", "pdftotext", "pdfunite")):
        print("note: tesseract or poppler-utils not installed: no OCR'd text or scans", file=sys.stderr)
        return []
    for d in ("ocr_tess", "ocr_pdf"):
        os.makedirs(os.path.join(corpus, d), exist_ok=True)
    token = re.compile(r"[0-9][0-9.,]*")
    out = []
    for t, stem in printed_pdfs(truth):
        if len(out) >= 2 * limit:
            break
        pdf = os.path.join(corpus, t["source_path"])
        rel, rel_pdf = "ocr_tess/%s.txt" % stem, "ocr_pdf/%s.pdf" % stem
        with tempfile.TemporaryDirectory() as tmp:
            if subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", pdf, os.path.join(tmp, "p")],
                              capture_output=True).returncode != 0:
                continue
            pages = sorted((f[:-4] for f in os.listdir(tmp)), key=lambda f: int(re.sub(r"\D", "", f) or 0))
            for pg in pages:
                subprocess.run(["tesseract", os.path.join(tmp, pg + ".png"), os.path.join(tmp, pg), "-l",
                                "chi_sim", "txt", "pdf"], capture_output=True,
                               env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            text = ""
            for pg in pages:
                with open(os.path.join(tmp, pg + ".txt"), encoding="utf-8") as f:
                    text += f.read()
            if subprocess.run(["pdfunite"] + [os.path.join(tmp, pg + ".pdf") for pg in pages]
                              + [os.path.join(corpus, rel_pdf)], capture_output=True).returncode != 0:
                continue
        with open(os.path.join(corpus, rel), "w", encoding="utf-8") as f:
            f.write(text)
        layout_text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                                     text=True).stdout
        seen, printed = Counter(token.findall(text)), Counter(token.findall(layout_text))
        d = text_truth(t, rel, "ocr_tess", "ocr:tesseract")
        lost = False
        for tbl in ("active_disclosure", "applications", "reviews_litigation"):
            for c in d.get(tbl) or []:
                raw = (c.get("raw") or "").strip()
                if raw and seen[raw] < printed[raw]:
                    lost |= not c.get("ambiguous")
                    c["ambiguous"] = True
        if lost and d["status"] == "ok":
            d["status"], d["status_alt"] = "partial", "ok"
        out.append(d)
        scan = json.loads(json.dumps(d))
        scan.update(source_path=rel_pdf, gen_layout="ocr_pdf", format="pdf", encoding=t["encoding"],
                    layout="none" if t["layout"] == "none" else "pdf_text", features=d["features"][:-1] + ["ocr:tesseract_pdf"])
        out.append(scan)
    return out


# ----------------------------------------------------------------------------- --gen: the older mode

def from_gen(args):
    truth_path = os.path.join(args.gen, "truth.jsonl")
    with open(truth_path, encoding="utf-8") as f:
        truth = [json.loads(line) for line in f]
    todo = [t for t in truth if t["gen_layout"] == "html_table" and t["status"] == "ok"]
    if args.limit:
        todo = todo[:args.limit]
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if args.pdf and not office:
        sys.exit("--pdf needs LibreOffice (apt-get install libreoffice-writer-nogui fonts-noto-cjk)")
    docx_dir = os.path.join(args.gen, "corpus", "docx_table")
    os.makedirs(docx_dir, exist_ok=True)
    new_truth, written = [], []
    for t in todo:
        src = os.path.join(args.gen, "corpus", t["source_path"])
        raw = open(src, "rb").read()
        enc = t.get("encoding") or "utf-8"
        blocks = blocks_of_html(raw.decode(enc, errors="replace"))
        name = os.path.splitext(os.path.basename(t["source_path"]))[0]
        rel = "docx_table/%s.docx" % name
        with open(os.path.join(args.gen, "corpus", rel), "wb") as f:
            f.write(docx_bytes(blocks))
        written.append(rel)
        new_truth.append(dict(t, source_path=rel, gen_layout="docx_table", layout="docx_table", format="docx",
                              encoding="utf-8"))
    if args.pdf and written:
        pdf_dir = os.path.join(args.gen, "corpus", "pdf_grid")
        os.makedirs(pdf_dir, exist_ok=True)
        with tempfile.TemporaryDirectory() as profile:
            # One LibreOffice process for all files (≈0.2 s a file), in batches to bound its memory.
            for i in range(0, len(written), 200):
                batch = [os.path.join(args.gen, "corpus", r) for r in written[i:i + 200]]
                subprocess.run([office, "-env:UserInstallation=file://" + profile, "--headless",
                                "--convert-to", "pdf", "--outdir", pdf_dir] + batch,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for t in list(new_truth):
            name = os.path.splitext(os.path.basename(t["source_path"]))[0]
            rel = "pdf_grid/%s.pdf" % name
            if os.path.exists(os.path.join(args.gen, "corpus", rel)):
                new_truth.append(dict(t, source_path=rel, gen_layout="pdf_grid", layout="pdf_grid", format="pdf"))
    with open(truth_path, "a", encoding="utf-8") as f:
        for t in new_truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    print("%d documents written (%d docx%s)" % (len(new_truth), len(written), ", with PDFs" if args.pdf else ""))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--make", type=int, dest="n", metavar="N", help="draw N documents (each a .docx and a PDF)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="--make output directory")
    ap.add_argument("--first", type=int, default=0, help="--make: number of the first document")
    ap.add_argument("--append", action="store_true", help="--make: append to DIR/truth.jsonl")
    ap.add_argument("--producers", default=",".join(PRODUCERS), help="--make: PDF producers, in turn")
    ap.add_argument("--p-variant", type=float, default=0.1,
                    help="--make: share of PDFs also written encrypted (this share), scanned (0.6x), locked (0.4x)")
    ap.add_argument("--jobs", type=int, default=2, help="--make: Chromium processes at once")
    ap.add_argument("--install", action="store_true", help="--make: install the producers first (apt-get, pip)")
    ap.add_argument("--ocr", type=int, default=0, metavar="N",
                    help="--make: also OCR the first N printed PDFs with tesseract (ocr_tess/, ocr_pdf/, ~6 s each)")
    ap.add_argument("--gen", help="genreports.py output directory (older mode)")
    ap.add_argument("--pdf", action="store_true", help="--gen: also print each .docx to PDF with LibreOffice")
    ap.add_argument("--limit", type=int, default=0, help="--gen: at most this many reports (0 = all)")
    args = ap.parse_args(argv)
    if args.n:
        if not args.out:
            ap.error("--make needs --out")
        return make(args)
    if not args.gen:
        ap.error("--make N --out DIR or --gen DIR")
    return from_gen(args)


if __name__ == "__main__":
    main()
