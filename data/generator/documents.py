#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""documents.py - the generated HTML reports again as Word (.docx) and PDF files, with the same truth.

    python3 data/generator/documents.py --gen DIR [--pdf] [--limit N]

DIR is the output of genreports.py (DIR/corpus/html_table/*.html and DIR/truth.jsonl). For every
html_table report it writes

    DIR/corpus/docx_table/<name>.docx    the same paragraphs and tables, merged cells as w:gridSpan /
                                         w:vMerge (as Word and WPS save them), pure standard library
    DIR/corpus/pdf_grid/<name>.pdf       with --pdf: that .docx printed by `libreoffice --headless
                                         --convert-to pdf` (ruled tables, embedded CJK fonts)

and appends their truth lines to DIR/truth.jsonl: the HTML report's facts, with source_path, format and
layout of the new file. A report cut off in the middle of a table (an HTML truncation) is left out: a
Word table cannot be cut the same way.
"""

import argparse
import html
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

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


def para(t, center=False):
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return '<w:p>%s<w:r><w:rPr><w:rFonts w:eastAsia="SimSun"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (
        ppr, esc(t))


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


def table_xml(rows):
    placed, occupied, width = grid_of(rows)
    start = {(r, c): (text, cs, rs) for r, c, text, cs, rs in placed}
    out = ['<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>']
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        out.append('<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>' % side)
    out.append('</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>')
    colw = max(400, 9000 // max(width, 1))
    out.extend('<w:gridCol w:w="%d"/>' % colw for _ in range(width))
    out.append("</w:tblGrid>")
    for r in range(len(rows)):
        out.append("<w:tr>")
        c = 0
        while c < width:
            anchor = occupied.get((r, c))
            if anchor is None:  # a ragged row: an empty cell keeps the grid
                out.append('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p/></w:tc>' % colw)
                c += 1
                continue
            text, cs, rs = start[anchor]
            props = '<w:tcW w:w="%d" w:type="dxa"/>' % (colw * cs)
            if cs > 1:
                props += '<w:gridSpan w:val="%d"/>' % cs
            if anchor == (r, c):
                if rs > 1:
                    props += '<w:vMerge w:val="restart"/>'
                body = para(text, center=True) if text else "<w:p/>"
            else:
                props += "<w:vMerge/>"
                body = "<w:p/>"
            out.append("<w:tc><w:tcPr>%s</w:tcPr>%s</w:tc>" % (props, body))
            c += cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def docx_bytes(blocks):
    body = []
    for kind, value in blocks:
        body.append(para(value) if kind == "p" else table_xml(value) + "<w:p/>")
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="%s"><w:body>%s'
                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1000" w:bottom="1440"'
                ' w:left="1000" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>'
                % (W, "".join(body)))
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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen", required=True, help="genreports.py output directory")
    ap.add_argument("--pdf", action="store_true", help="also print each .docx to PDF with LibreOffice")
    ap.add_argument("--limit", type=int, default=0, help="at most this many reports (0 = all)")
    args = ap.parse_args(argv)
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
        p = Blocks()
        p.feed(raw.decode(enc if enc not in ("gb18030",) else "gb18030", errors="replace"))
        p.close()
        p.flush()
        name = os.path.splitext(os.path.basename(t["source_path"]))[0]
        rel = "docx_table/%s.docx" % name
        with open(os.path.join(args.gen, "corpus", rel), "wb") as f:
            f.write(docx_bytes(p.blocks))
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


if __name__ == "__main__":
    main()
