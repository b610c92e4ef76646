#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""converters.py - the generated HTML reports again as the text real HTML-to-text converters make of them.

    python3 data/generator/converters.py --gen DIR [--tools LIST] [--limit N] [--jobs 2] [--python PY]

DIR is the output of genreports.py. Every html_table report with status ok is run through each converter
and written to

    DIR/corpus/conv_<tool>/<name>.txt|.md

with a truth line appended to DIR/truth.jsonl: the HTML report's facts, with source_path, gen_layout
(`conv_<tool>`), layout, format and encoding of the new file, `family: "converters"` and features
(`conv:<tool>`, `html:p_cells`/`html:bare_cells`, `conv:uncertain` when cells were marked uncertain).

Users receive many reports as web pages flattened by such a tool (issue 26); each one lays the same tables
out differently (box drawing, space alignment, one cell per line, pipe rows without outer pipes, raw HTML
inside markdown). The truth stays exact: where a converter loses what a careful reader needs, the
cells are marked `ambiguous` (NULL or the intended value is accepted, as in the generator's families):

  - a table row holding an empty blank cell (`<td></td>`, `<td>&nbsp;</td>`) when the converter may drop
    the empty cell or only keeps its position in a space alignment (lynx, pandoc simple/multiline tables);
  - any value whose written form is not in the converted text as a whole token (a wrap inside a number).

A report with uncertain cells becomes `partial` with `status_alt: "ok"`. Tools: w3m, lynx, pandoc (apt),
html2text, markdownify, inscriptis, BeautifulSoup's get_text and markitdown (pip, run by --python or a venv this
script makes), elinks and links (apt), and a built-in innerText-like dump (cells separated by tabs, rows by
newlines, rowspan-covered cells absent, as browsers' innerText).
A tool that is missing and cannot be installed is skipped with a message. Standard library only.
"""

import argparse
import concurrent.futures
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# name -> (kind, argv or mode, extension, format)
TOOLS = {
    "w3m_80": ("cmd", ["w3m", "-dump", "-cols", "80", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"], "txt"),
    "w3m_200": ("cmd", ["w3m", "-dump", "-cols", "200", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"], "txt"),
    "lynx_80": ("cmd", ["lynx", "-dump", "-nolist", "-width=80", "-assume_charset=utf-8",
                        "-display_charset=utf-8", "-stdin"], "txt"),
    "lynx_200": ("cmd", ["lynx", "-dump", "-nolist", "-width=200", "-assume_charset=utf-8",
                         "-display_charset=utf-8", "-stdin"], "txt"),
    "pandoc_plain_80": ("cmd", ["pandoc", "-f", "html", "-t", "plain", "--columns=80"], "txt"),
    "pandoc_plain_250": ("cmd", ["pandoc", "-f", "html", "-t", "plain", "--columns=250"], "txt"),
    "pandoc_gfm": ("cmd", ["pandoc", "-f", "html", "-t", "gfm"], "md"),
    "pandoc_md": ("cmd", ["pandoc", "-f", "html", "-t", "markdown-raw_html"], "md"),
    "html2text": ("py", "html2text0", "md"),
    "html2text_wrap": ("py", "html2text", "md"),
    "markdownify": ("py", "markdownify", "md"),
    "innertext": ("builtin", "innertext", "txt"),
    "elinks_100": ("cmd", ["elinks", "-dump", "-dump-width", "100", "-no-references", "-no-numbering",
                           "-dump-charset", "utf-8", "-force-html"], "txt"),
    # links takes a file name, not standard input: `{}` is the page's path
    "links_100": ("cmd", ["links", "-dump", "-width", "100", "-codepage", "utf-8", "{}"], "txt"),
    "w3m_60": ("cmd", ["w3m", "-dump", "-cols", "60", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"], "txt"),
    "lynx_60": ("cmd", ["lynx", "-dump", "-nolist", "-width=60", "-assume_charset=utf-8",
                        "-display_charset=utf-8", "-stdin"], "txt"),
    "inscriptis": ("py", "inscriptis", "txt"),
    "bs4_lines": ("py", "bs4_lines", "txt"),
    "markitdown": ("py", "markitdown", "md"),
    # a researcher's script: every <table> through pandas.read_html(header=None) and
    # DataFrame.to_markdown() (tabulate), the text between tables as paragraphs
    "pandas_md": ("py", "pandas_md", "md"),
}
APT = {"w3m": "w3m", "lynx": "lynx", "pandoc": "pandoc", "elinks": "elinks", "links": "links"}
PIP = ("html2text", "markdownify", "inscriptis", "beautifulsoup4", "markitdown", "pandas", "lxml", "tabulate")

# The pip converters, run by a Python that has them: reads [[in, out, mode], ...] on stdin.
PY_WORKER = r"""
import json, sys
jobs = json.load(sys.stdin)
for src, dst, mode in jobs:
    text = open(src, encoding="utf-8").read()
    if mode.startswith("html2text"):
        import html2text
        h = html2text.HTML2Text()
        if mode == "html2text0":
            h.body_width = 0
        out = h.handle(text)
    elif mode == "inscriptis":
        import inscriptis
        out = inscriptis.get_text(text)
    elif mode == "bs4_lines":
        # a crawler's `soup.get_text("\n", strip=True)`: every text node on a line of its own, empty ones gone
        import bs4
        out = bs4.BeautifulSoup(text, "html.parser").get_text("\n", strip=True)
    elif mode == "markitdown":
        import markitdown
        out = markitdown.MarkItDown().convert(src).text_content
    elif mode == "pandas_md":
        # tables headed by their column index (`| 0 | 1 | 2 |`), a merged cell's text repeated in
        # every column and row it covers
        import io, bs4, pandas
        soup = bs4.BeautifulSoup(text, "html.parser")
        parts = []
        for el in soup.body.descendants:
            if getattr(el, "name", None) == "table":
                df = pandas.read_html(io.StringIO(str(el)), header=None, keep_default_na=False)[0]
                parts.append(df.astype(str).to_markdown(index=False))
            elif getattr(el, "name", None) in ("p", "h1", "h2", "h3", "div") and not el.find_parent("table") \
                    and not el.find(["table", "p", "div"]):
                t = el.get_text().strip()
                if t:
                    parts.append(t)
        out = "\n\n".join(parts) + "\n"
    else:
        import markdownify
        out = markdownify.markdownify(text)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(out)
"""


class InnerText(html.parser.HTMLParser):
    """An innerText-like dump: blocks on their own lines, table cells joined by tabs, `<br>` a newline,
    white space collapsed; cells covered by a rowspan are simply absent (browsers print nothing for them)."""

    SKIP = {"script", "style", "title", "head"}
    BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tbody", "thead"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip, self.cell, self.row = [""], 0, None, None

    def newline(self, n=1):
        while len(self.out) > 1 and self.out[-1] == "" and n > 0 and self.out[-2] == "":
            n -= 1
        if self.out[-1] != "" or n > 1:
            self.out.extend([""] * n)

    def text(self, t):
        if self.cell is not None:
            self.cell[-1] += t
        else:
            self.out[-1] += t

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [""]
        elif tag == "br":
            if self.cell is not None:
                self.cell.append("")
            else:
                self.out.append("")
        elif tag in self.BLOCK and self.cell is None:
            self.newline(2 if tag == "p" else 1)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append("\n".join(" ".join(part.split(" ")).strip(" ") for part in self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.newline()
            self.out[-1] = "\t".join(self.row)
            self.out.append("")
            self.row = None
        elif tag in self.BLOCK and self.cell is None:
            self.newline(2 if tag == "p" else 1)

    def handle_data(self, data):
        if self.skip:
            return
        t = re.sub(r"[ \t\r\n]+", " ", data)
        if self.cell is None and self.out[-1] == "":
            t = t.lstrip(" ")
        if t:
            self.text(t)

    def result(self):
        lines = [ln.rstrip(" ") for ln in "\n".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def innertext(src):
    p = InnerText()
    p.feed(src)
    p.close()
    return p.result()


def decode(raw, enc):
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", "replace")
    return raw.decode(enc or "utf-8", "replace")


def p_cells(text):
    """The generator writes table cells either bare (`<td>0</td>`) or as `<td><p><span>0</span></p></td>`;
    lynx lays the first kind out as space-aligned rows and the second one cell per line."""
    return re.search(r"<t[dh][^>]*>\s*<p", text) is not None


def ensure_tools(wanted, install):
    """Which of the wanted tools can run; installs missing apt/pip ones when allowed."""
    missing_bins = sorted({TOOLS[t][1][0] for t in wanted if TOOLS[t][0] == "cmd"
                           and shutil.which(TOOLS[t][1][0]) is None})
    if missing_bins and install and shutil.which("apt-get") and os.geteuid() == 0:
        print("installing %s with apt-get" % " ".join(missing_bins), file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q"] + [APT[b] for b in missing_bins],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = []
    for t in wanted:
        kind, spec, _ = TOOLS[t]
        if kind == "cmd" and shutil.which(spec[0]) is None:
            print("skipping %s: %s is not installed (apt-get install %s)" % (t, spec[0], APT[spec[0]]),
                  file=sys.stderr)
            continue
        ok.append(t)
    return ok


def python_with_pip_tools(explicit, venv, install):
    """A Python interpreter that imports html2text and markdownify, or None."""
    def works(py):
        return py and subprocess.run([py, "-c", "import html2text, markdownify, inscriptis, bs4, markitdown, pandas, tabulate, lxml"],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL).returncode == 0
    for py in (explicit, sys.executable, os.path.join(venv, "bin", "python")):
        if works(py):
            return py
    if install:
        print("making a venv with %s in %s" % (" ".join(PIP), venv), file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        py = os.path.join(venv, "bin", "python")
        subprocess.run([py, "-m", "pip", "install", "-q"] + list(PIP), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if works(py):
            return py
    return None


def versions(tools, py):
    v = {}
    for t in tools:
        kind, spec, _ = TOOLS[t]
        if kind == "cmd" and spec[0] not in v:
            flag = "-version" if spec[0] in ("w3m", "links") else "--version"
            r = subprocess.run([spec[0], flag], capture_output=True, text=True, errors="replace")
            v[spec[0]] = (r.stdout or r.stderr).strip().split("\n")[0]
        elif kind == "py" and py and "python" not in v:
            r = subprocess.run([py, "-c", "import importlib.metadata as m; print(*(p + ' ' + m.version(p) for p in %r))"
                                % (PIP,)], capture_output=True, text=True)
            v["python"] = r.stdout.strip()
    return v


# ----------------------------------------------------------------------------- truth

def token_re(raw):
    # a number as a whole: not part of a longer number, nor of `14px` / `100%` / `h1`
    return re.compile(r"(?<![0-9０-９.,，A-Za-z])" + re.escape(raw) + r"(?![0-9０-９.,，A-Za-z%])")


def uncertain_cells(tr, text, src_text, tool):
    """Indices of truth cells a careful reader cannot read with certainty in the converted text:
    {table: set(index)} and the reasons (features)."""
    out = {"active_disclosure": set(), "applications": set(), "reviews_litigation": set()}
    reasons = set()
    keys = {"active_disclosure": "item_code", "applications": "row_code", "reviews_litigation": "proceeding"}
    # (1) rows holding an empty blank cell, where the converter drops the cell (lynx's one-cell-per-line
    # dump) or keeps it only as a gap in a space alignment (lynx tables, pandoc simple/multiline tables);
    # lynx aligns by characters, not display width: left to the parser, not demanded by the truth
    drops_empty = tool.startswith("lynx") or tool in ("pandoc_md", "inscriptis", "bs4_lines") or (
        tool.startswith("pandoc_plain") and not re.search(r"(?m)^\s*\+[-=:+]+\+\s*$", text))
    # (2) values the converter did not write whole: a written form that occurs fewer times in the converted
    # text than in the page's visible text (a number wrapped inside a cell, a table dropped)
    counts = {}
    for tbl, key in keys.items():
        cells = tr.get(tbl) or []
        if drops_empty:
            rows = {c[key] for c in cells if c.get("blank") and (c.get("raw") or "").strip(" \xa0\u3000") == ""}
            for i, c in enumerate(cells):
                # table 四's three proceedings are one row of 15 cells: a dropped cell shifts them all
                if c[key] in rows or (rows and tbl == "reviews_litigation"):
                    out[tbl].add(i)
                    reasons.add("conv:empty_cell")
        for i, c in enumerate(cells):
            raw = c.get("raw")
            if c.get("blank") or not raw:
                continue
            if raw not in counts:
                rx = token_re(raw)
                counts[raw] = len(rx.findall(text)) >= len(rx.findall(src_text))
            if not counts[raw]:
                out[tbl].add(i)
                reasons.add("conv:value_lost")
    return out, sorted(reasons)


def convert_truth(t, rel, tool, text, src_text, pcells, layout):
    tr = json.loads(json.dumps(t))
    tr.update(source_path=rel, gen_layout="conv_" + tool, layout=layout,
              format="markdown" if rel.endswith(".md") else "text", encoding="utf-8")
    feats = ["conv:" + tool, "html:p_cells" if pcells else "html:bare_cells"]
    unc, reasons = uncertain_cells(tr, text, src_text, tool)
    n_unc = 0
    for tbl, idx in unc.items():
        for i in idx:
            if tr[tbl][i].get("value") is not None or tr[tbl][i].get("count") is not None:
                if not tr[tbl][i].get("ambiguous"):
                    n_unc += 1
            tr[tbl][i]["ambiguous"] = True
    feats += reasons
    if n_unc:
        feats.append("conv:uncertain")
        if tr["status"] == "ok":
            tr["status"] = "partial"
            tr["status_alt"] = "ok"
    tr["family"] = "converters"
    tr["features"] = (t.get("features") or []) + feats
    return tr, n_unc


def layout_of(tool, text, pcells):
    """The contract layout nearest to what the converter wrote (data-contract.md has no box-drawing layout:
    w3m's `│` grids and pandoc's `+---+` grid tables are cells between separators, like markdown_table)."""
    if tool.startswith(("w3m", "elinks", "links")) or tool == "markitdown":
        return "markdown_table"
    if tool == "inscriptis":
        return "space_aligned"
    if tool == "bs4_lines":
        return "cell_per_line"
    if tool.startswith("lynx"):
        return "cell_per_line" if pcells else "space_aligned"
    if tool.startswith("pandoc_plain") or tool == "pandoc_md":
        return "markdown_table" if re.search(r"(?m)^\s*\+[-=:+]+\+\s*$", text) else "space_aligned"
    if tool == "pandoc_gfm":
        return "html_table"
    if tool == "innertext":
        return "tabbed"
    return "markdown_table"


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen", required=True, help="genreports.py output directory")
    ap.add_argument("--tools", default="all", help="comma-separated, from: %s (default all)" % ",".join(TOOLS))
    ap.add_argument("--limit", type=int, default=0, help="at most this many reports (0 = all)")
    ap.add_argument("--jobs", type=int, default=2, help="converter processes at a time (default 2)")
    ap.add_argument("--python", help="a Python with html2text and markdownify (else one is looked for / made)")
    ap.add_argument("--venv", default=os.path.join(os.path.expanduser("~"), ".cache", "govreports-conv-venv"),
                    help="where to make that venv if needed")
    ap.add_argument("--no-install", action="store_true", help="never apt-get / pip install; skip missing tools")
    args = ap.parse_args(argv)
    wanted = list(TOOLS) if args.tools == "all" else [t for t in args.tools.split(",") if t]
    for t in wanted:
        if t not in TOOLS:
            ap.error("unknown tool %s" % t)
    tools = ensure_tools(wanted, not args.no_install)
    py = None
    if any(TOOLS[t][0] == "py" for t in tools):
        py = python_with_pip_tools(args.python, args.venv, not args.no_install)
        if py is None:
            print("skipping the pip converters: no Python with them (pip install %s)" % " ".join(PIP),
                  file=sys.stderr)
            tools = [t for t in tools if TOOLS[t][0] != "py"]

    truth_path = os.path.join(args.gen, "truth.jsonl")
    with open(truth_path, encoding="utf-8") as f:
        truth = [json.loads(line) for line in f]
    todo = []
    for t in truth:
        # status ok only: a partial report's table 三 row that lost a cell is short in HTML, but grid and
        # box converters (pandoc, w3m) and lynx's tables pad it to the grid, where it reads as a complete
        # row ending in a blank cell; truncated pages end differently in every converter
        if t["gen_layout"] != "html_table" or t["status"] != "ok":
            continue
        raw = open(os.path.join(args.gen, "corpus", t["source_path"]), "rb").read()
        todo.append((t, decode(raw, t.get("encoding"))))
    if args.limit:
        todo = todo[:args.limit]

    with tempfile.TemporaryDirectory() as tmp:
        srcs = []
        for t, text in todo:
            name = os.path.splitext(os.path.basename(t["source_path"]))[0]
            # one encoding for every converter: the page as UTF-8, its charset declaration saying so
            text = re.sub(r"charset=[\w-]+", "charset=utf-8", text, count=1)
            p = os.path.join(tmp, name + ".html")
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            srcs.append((t, name, p, text, innertext(text)))

        def run_cmd(argv, src, dst):
            argv = [src if a == "{}" else a for a in argv]
            with open(src, "rb") as fi:
                r = subprocess.run(argv, stdin=fi, capture_output=True)
            if r.returncode != 0:
                raise RuntimeError("%s failed on %s: %s" % (argv[0], src, r.stderr.decode(errors="replace")[:200]))
            with open(dst, "wb") as fo:
                fo.write(r.stdout)

        new_truth, stats = [], {}
        for tool in tools:
            kind, spec, ext = TOOLS[tool]
            d = os.path.join(args.gen, "corpus", "conv_" + tool)
            os.makedirs(d, exist_ok=True)
            dsts = [os.path.join(d, "%s.%s" % (name, ext)) for _, name, _, _, _ in srcs]
            if kind == "cmd":
                with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
                    list(ex.map(lambda a: run_cmd(spec, a[0], a[1]), [(s[2], dst) for s, dst in zip(srcs, dsts)]))
            elif kind == "py":
                subprocess.run([py, "-c", PY_WORKER], input=json.dumps(
                    [[s[2], dst, spec] for s, dst in zip(srcs, dsts)]).encode(), check=True)
            else:
                for s, dst in zip(srcs, dsts):
                    with open(dst, "w", encoding="utf-8") as f:
                        f.write(s[4])
            n_files = n_unc_files = n_unc = n_left = 0
            for (t, name, _, text, src_text), dst in zip(srcs, dsts):
                out = open(dst, encoding="utf-8", errors="replace").read()
                if re.search(r"(?m)^\[TABLE\]$", out):
                    # pandoc's markdown without raw HTML prints a table it cannot express as `[TABLE]`:
                    # its values are gone, not uncertain; such a file is not a report a reader can check
                    os.remove(dst)
                    n_left += 1
                    continue
                pc = p_cells(text)
                rel = "conv_%s/%s.%s" % (tool, name, ext)
                tr, k = convert_truth(t, rel, tool, out, src_text, pc, layout_of(tool, out, pc))
                new_truth.append(tr)
                n_files += 1
                n_unc += k
                n_unc_files += bool(k)
            stats[tool] = {"files": n_files, "files_uncertain": n_unc_files, "cells_uncertain": n_unc,
                           "left_out": n_left}
            print("%-18s %5d files, %4d with uncertain cells (%d cells)%s" % (
                tool, n_files, n_unc_files, n_unc, ", %d left out ([TABLE])" % n_left if n_left else ""))
    with open(truth_path, "a", encoding="utf-8") as f:
        for t in new_truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    with open(os.path.join(args.gen, "converters.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": versions(tools, py), "tools": stats}, f, ensure_ascii=False, indent=1)
    print("%d converted reports written (%s)" % (len(new_truth), ", ".join(tools)))


if __name__ == "__main__":
    main()
