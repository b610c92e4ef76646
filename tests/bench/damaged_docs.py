#!/usr/bin/env python3
"""damaged_docs.py - damaged PDF and Word files through `govreports run`: no panic, a reports row per file,
and no value that the intact file does not have.

    python3 tests/bench/damaged_docs.py --n 1000                       # from the committed fixtures
    python3 tests/bench/damaged_docs.py --n 1000 --from /tmp/docs/corpus   # from generated documents
                                                                       # (data/generator/documents.py --make)

Each damaged file is one of the source files (PDF or DOCX, alternating) with one damage, drawn from a
seeded random stream:
  truncate       cut at a random offset (anywhere, or in the last 10 %: a download cut short)
  flip           1-64 bytes XOR-ed at random offsets
  burst          a run of 16-4096 random bytes overwritten
  pdf_no_xref    PDF: the xref table, `startxref` and its offset blanked (readers must rebuild it)
  pdf_bad_stream PDF: bytes flipped inside content streams only (`stream` ... `endstream`)
  pdf_bad_obj    PDF: object headers `N 0 obj` renumbered / broken
  zip_entry      DOCX: bytes flipped inside word/document.xml's compressed data (the CRC must catch it)
  zip_cd         DOCX: the central directory damaged or cut off
  zip_sizes      DOCX: the local/central header sizes of an entry changed (a zip bomb claims a size)

The run's `reports` table must hold exactly one row per file; a row whose error starts with
`internal error` is a caught panic. Every table value of a damaged file must equal the value of the same
cell in its intact source (read in the same run), or be NULL: a damaged file may lose numbers, never
change them. Exit 1 on any panic, missing row or changed value.
"""

import argparse
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def binary(args):
    if args.bin:
        return args.bin
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return os.path.join(target, "release", "govreports")


def damage_pdf(rng, b):
    kind = rng.choice(("truncate", "flip", "burst", "pdf_no_xref", "pdf_bad_stream", "pdf_bad_obj"))
    b = bytearray(b)
    if kind in ("truncate", "flip", "burst"):
        return damage_any(rng, kind, b)
    if kind == "pdf_no_xref":
        s = bytes(b)
        for m in re.finditer(rb"xref\s.*?trailer", s, re.S):
            b[m.start():m.end() - len(b"trailer")] = b" " * (m.end() - m.start() - len(b"trailer"))
        for m in re.finditer(rb"startxref\s+\d+", s):
            b[m.start():m.end()] = b" " * (m.end() - m.start())
        return kind, bytes(b)
    if kind == "pdf_bad_stream":
        spans = [(m.end(), m.end() + 1 + s) for m in re.finditer(rb"stream\r?\n", bytes(b))
                 for s in [max(1, bytes(b).find(b"endstream", m.end()) - m.end() - 1)]]
        for _ in range(rng.randint(1, 16)):
            if spans:
                a, z = rng.choice(spans)
                if z > a:
                    b[rng.randrange(a, z)] ^= rng.randint(1, 255)
        return kind, bytes(b)
    objs = [m.start() for m in re.finditer(rb"\d+ 0 obj", bytes(b))]
    for at in rng.sample(objs, min(len(objs), rng.randint(1, 8))):
        b[at] = ord(rng.choice("0123456789x "))
    return kind, bytes(b)


def damage_docx(rng, b):
    kind = rng.choice(("truncate", "flip", "burst", "zip_entry", "zip_cd", "zip_sizes"))
    b = bytearray(b)
    if kind in ("truncate", "flip", "burst"):
        return damage_any(rng, kind, b)
    s = bytes(b)
    if kind == "zip_entry":
        at = s.find(b"word/document.xml")
        start = at + len(b"word/document.xml") if at >= 0 else 0
        cd = s.rfind(b"PK\x01\x02")
        end = cd if cd > start else len(s)
        for _ in range(rng.randint(1, 16)):
            if end > start + 1:
                b[rng.randrange(start, end)] ^= rng.randint(1, 255)
        return kind, bytes(b)
    if kind == "zip_cd":
        cd = s.find(b"PK\x01\x02")
        if cd < 0:
            return kind, s[:len(s) // 2]
        if rng.random() < 0.5:
            return kind, s[:cd + rng.randrange(0, len(s) - cd)]
        for _ in range(rng.randint(1, 16)):
            b[rng.randrange(cd, len(b))] ^= rng.randint(1, 255)
        return kind, bytes(b)
    # zip_sizes: a header claims another (compressed or uncompressed) size
    heads = [m.start() for m in re.finditer(rb"PK\x03\x04|PK\x01\x02", s)]
    for at in rng.sample(heads, min(len(heads), rng.randint(1, 3))):
        off = at + (18 if s[at + 2] == 3 else 20) + rng.choice((0, 4))
        b[off:off + 4] = rng.choice((b"\xff\xff\xff\x7f", b"\x00\x00\x00\x00", b"\x10\x00\x00\x00",
                                     rng.randrange(1 << 32).to_bytes(4, "little")))
    return kind, bytes(b)


def damage_any(rng, kind, b):
    if kind == "truncate":
        cut = rng.randrange(1, len(b)) if rng.random() < 0.6 else rng.randrange(len(b) * 9 // 10, len(b))
        return kind, bytes(b[:cut])
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            b[rng.randrange(len(b))] ^= rng.randint(1, 255)
        return kind, bytes(b)
    n = rng.randint(16, 4096)
    at = rng.randrange(max(1, len(b) - n))
    b[at:at + n] = bytes(rng.randrange(256) for _ in range(min(n, len(b) - at)))
    return kind, bytes(b)


VALUES = """
    SELECT r.source_path, 'a:' || a.item_code || '/' || a.metric_code, a.value FROM reports r JOIN active_disclosure a USING (doc_id)
    UNION ALL SELECT r.source_path, 'p:' || p.row_code || '/' || p.applicant, p.count FROM reports r JOIN applications p USING (doc_id)
    UNION ALL SELECT r.source_path, 'l:' || l.proceeding || '/' || l.outcome, l.count FROM reports r JOIN reviews_litigation l USING (doc_id)
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--from", dest="src", help="folder searched for *.pdf and *.docx (default: tests/fixtures)")
    ap.add_argument("--bin", help="govreports binary (default: cargo build --release)")
    ap.add_argument("--keep", help="write the damaged corpus and the run here (default: a temporary folder)")
    args = ap.parse_args(argv)
    src = args.src or os.path.join(ROOT, "tests", "fixtures")
    pdfs = sorted(glob.glob(os.path.join(src, "**", "*.pdf"), recursive=True))
    docxs = sorted(glob.glob(os.path.join(src, "**", "*.docx"), recursive=True))
    # Sources that are refused intact (locked, scanned) prove nothing about damage.
    pdfs = [p for p in pdfs if "locked" not in p and "scanned" not in p]
    if not pdfs or not docxs:
        sys.exit("need PDF and DOCX files under %s" % src)
    rng = random.Random(args.seed)
    gr = binary(args)
    work = args.keep or tempfile.mkdtemp(prefix="damaged-docs-")
    corpus = os.path.join(work, "corpus")
    shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(os.path.join(corpus, "intact"))
    os.makedirs(os.path.join(corpus, "damaged"))
    origin, kinds, used = {}, {}, {}
    for i in range(args.n):
        is_pdf = i % 2 == 0
        path = rng.choice(pdfs if is_pdf else docxs)
        if path not in used:
            used[path] = "intact/%04d%s" % (len(used), os.path.splitext(path)[1])
            shutil.copyfile(path, os.path.join(corpus, used[path]))
        data = open(path, "rb").read()
        kind, bad = (damage_pdf if is_pdf else damage_docx)(rng, data)
        rel = "damaged/%05d_%s%s" % (i, kind, ".pdf" if is_pdf else ".docx")
        with open(os.path.join(corpus, rel), "wb") as f:
            f.write(bad)
        origin[rel] = used[path]
        kinds[kind] = kinds.get(kind, 0) + 1
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.time()
    run = subprocess.run([gr, "run", corpus, "--out", out, "-q"], capture_output=True, text=True)
    wall = time.time() - t0
    import duckdb
    con = duckdb.connect()
    for t in ("reports", "active_disclosure", "applications", "reviews_litigation"):
        con.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s/%s/**/*.parquet', hive_partitioning=true)"
                    % (t, out, t))
    rows = {p: (s, e, f) for p, s, e, f in con.execute(
        "SELECT source_path, status, error, format FROM reports").fetchall()}
    damaged = [p for p in origin]
    missing = [p for p in damaged if p not in rows]
    panics = [(p, rows[p][1]) for p in damaged if p in rows and (rows[p][1] or "").startswith("internal error")]
    values = {}
    for p, key, v in con.execute(VALUES).fetchall():
        values.setdefault(p, {})[key] = v
    changed = []
    for p in damaged:
        intact = values.get(origin[p], {})
        for key, v in values.get(p, {}).items():
            if v is not None and intact.get(key) != v:
                changed.append((p, key, v, intact.get(key)))
    status = {}
    for p in damaged:
        if p in rows:
            k = (rows[p][2] or "-", rows[p][0])
            status[k] = status.get(k, 0) + 1
    read = sum(1 for p in damaged if values.get(p))
    print("damaged files: %d (%d PDF, %d DOCX) from %d sources; kinds: %s" % (
        len(damaged), sum(p.endswith(".pdf") for p in damaged), sum(p.endswith(".docx") for p in damaged),
        len(used), ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    print("govreports run: exit %d, %.1f s; reports rows %d of %d files (+%d intact sources)" % (
        run.returncode, wall, len(damaged) - len(missing), len(damaged), len(used)))
    for (fmt, st), n in sorted(status.items()):
        print("  %-6s %-13s %5d" % (fmt, st, n))
    print("files that still gave values: %d; values equal to the intact file's: all but %d" % (read, len(changed)))
    print("panics (internal error): %d; missing rows: %d; changed values: %d" % (len(panics), len(missing), len(changed)))
    for x in (panics + missing + changed)[:20]:
        print("  ", x)
    if run.returncode != 0:
        print(run.stderr[-2000:])
    ok = run.returncode == 0 and not panics and not missing and not changed
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
