#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""score.py - accuracy of a govreports run against the ground truth of data/generator/genreports.py.

    python3 tests/accuracy/score.py --truth DIR/truth.jsonl --out OUTDIR [--min-precision 100] [--min-recall 99.5]

OUTDIR is the tool's output (hive-partitioned Parquet, data-contract.md). Needs the `duckdb` Python package.

Scoring (values of tables 二/三/四):
  key          (source_path, item_code, metric_code) / (source_path, row_code, applicant) / (source_path, proceeding, outcome)
  precision    correct non-NULL values output / non-NULL values output (|got - truth| <= 1e-6)
  recall       correct values / non-NULL truth values
  recall_recov the same, leaving out truth cells marked ambiguous (unrecoverable; a correct parser gives NULL)
  blanks       share of truth blank cells output as NULL or not at all
A fact row output with a NULL value is neither right nor wrong (it lowers recall only). Facts are attached
to reports by doc_id; byte-identical files share a doc_id, so facts go to the copy that is not a duplicate
in the truth. A non-NULL value for a truth cell marked ambiguous counts as correct only if it equals the
intended value (--strict-ambiguous: always wrong).

Narrative source lines: every output narrative count must have its number written on its source_line (or
starting at that line's end and wrapping to the next), checked against the files under --corpus.

Exit status: 1 if a narrative source_line is wrong, or if overall or any per-layout precision < --min-precision or recall < --min-recall
(recall = recall_recov unless --gate-recall all), else 0; 2 for usage errors.

--fake-out DIR writes a perfect output derived from the truth (to test this harness) and exits.
"""

import argparse
import glob
import os
import re
import sys

try:
    import duckdb
except ImportError:  # pragma: no cover
    sys.exit("score.py needs the duckdb Python package: pip install duckdb")

TABLES = ("reports", "active_disclosure", "applications", "reviews_litigation", "narrative_counts")

FACT_STRUCT = "STRUCT(%s VARCHAR, %s VARCHAR, %s %s, raw VARCHAR, blank BOOLEAN, ambiguous BOOLEAN)[]"
TRUTH_COLUMNS = {
    "source_path": "VARCHAR", "gen_layout": "VARCHAR", "layout": "VARCHAR", "format": "VARCHAR",
    "encoding": "VARCHAR", "status": "VARCHAR", "template_version": "VARCHAR", "report_year": "INTEGER",
    "title": "VARCHAR", "organization": "VARCHAR", "province": "VARCHAR", "city": "VARCHAR", "county": "VARCHAR",
    "township": "VARCHAR", "admin_level": "VARCHAR", "published_on": "VARCHAR",
    "active_disclosure": FACT_STRUCT % ("item_code", "metric_code", "value", "DOUBLE"),
    "applications": FACT_STRUCT % ("row_code", "applicant", "count", "BIGINT"),
    "reviews_litigation": FACT_STRUCT % ("proceeding", "outcome", "count", "BIGINT"),
    "narrative_counts": "STRUCT(subject VARCHAR, category VARCHAR, channel VARCHAR, is_total BOOLEAN, count BIGINT, "
                        "approximate BOOLEAN)[]",
    # written by genreports.py --families only (NULL for the old mix): the family, its features, and a second
    # acceptable status (a report with uncertain cells is `partial` if they are left NULL, `ok` if all are read)
    "family": "VARCHAR", "features": "VARCHAR[]", "status_alt": "VARCHAR",
}
# table -> (key1, key2, value column)
FACT_KEYS = {
    "active_disclosure": ("item_code", "metric_code", "value"),
    "applications": ("row_code", "applicant", "count"),
    "reviews_litigation": ("proceeding", "outcome", "count"),
}
SHORT = {"active_disclosure": "t2", "applications": "t3", "reviews_litigation": "t4"}
META_FIELDS = ("title", "organization", "report_year", "published_on", "admin_level", "province", "city", "county",
               "township", "template_version", "layout", "format", "encoding")
META_EXTRA = ("format", "encoding")  # informative, not asked for by the brief


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def load_truth(con, path):
    cols = "{" + ", ".join("%s: %s" % (sql_str(k), sql_str(v)) for k, v in TRUTH_COLUMNS.items()) + "}"
    con.execute("CREATE TEMP TABLE truth AS SELECT * FROM read_json(%s, format='newline_delimited', columns=%s, "
                "maximum_object_size=268435456)" % (sql_str(path), cols))
    parts = []
    for tbl, (k1, k2, v) in FACT_KEYS.items():
        parts.append("SELECT source_path, gen_layout, '%s' AS tbl, f.%s AS k1, f.%s AS k2, CAST(f.%s AS DOUBLE) AS value,"
                     " f.raw AS raw, coalesce(f.blank, false) AS blank, coalesce(f.ambiguous, false) AS ambiguous "
                     "FROM (SELECT source_path, gen_layout, unnest(%s) AS f FROM truth)" % (tbl, k1, k2, v, tbl))
    con.execute("CREATE TEMP TABLE tfacts AS " + " UNION ALL ".join(parts))


def out_view(con, out, table, wanted):
    """Create view out_<table> over the Parquet files (or an empty one) with at least the wanted columns."""
    files = glob.glob(os.path.join(out, table, "**", "*.parquet"), recursive=True)
    name = "out_" + table
    if files:
        src = "read_parquet(%s, hive_partitioning=true, union_by_name=true)" % sql_str(
            os.path.join(out, table, "**", "*.parquet"))
        have = {r[0] for r in con.execute("DESCRIBE SELECT * FROM " + src).fetchall()}
        sel = ", ".join((c if c in have else "NULL AS " + c) for c in wanted)
        con.execute("CREATE TEMP VIEW %s AS SELECT %s FROM %s" % (name, sel, src))
    else:
        con.execute("CREATE TEMP VIEW %s AS SELECT %s WHERE false" % (name, ", ".join("NULL AS " + c for c in wanted)))
    return len(files)


def norm_channel(col):
    return ("CASE WHEN {c} IS NULL THEN NULL WHEN {c} LIKE '%微信%' THEN '微信' WHEN {c} LIKE '%微博%' THEN '微博' "
            "WHEN {c} LIKE '%抖音%' THEN '抖音' WHEN {c} LIKE '%网站%' OR {c} LIKE '%官网%' THEN '政府网站' "
            "ELSE trim({c}) END").format(c=col)


def norm_text(col):
    return "nullif(regexp_replace(CAST(%s AS VARCHAR), '[\\s\u3000《》\"“”]', '', 'g'), '')" % col


def norm_enc(col):
    return ("CASE WHEN lower({c}) IN ('gbk','gb2312','gb18030','gb_2312','x-gbk') THEN 'gb18030' "
            "WHEN lower({c}) IN ('utf-8','utf8','utf-8-sig','utf-8-bom') THEN 'utf-8' "
            "WHEN lower({c}) IN ('utf-16le','utf-16','utf-16-le') THEN 'utf-16le' ELSE lower({c}) END").format(c=col)


def pct(n, d):
    return (100.0 * n / d) if d else None


def fmt_pct(x):
    if x is None:
        return "      -"
    if x < 100.0:
        x = min(x, 99.999)  # never print 100.000 for a value that is not exactly 100%
        return "%7.3f" % (int(x * 1000) / 1000.0)
    return "%7.3f" % x


FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def read_lines(path):
    """The file's lines as the tool numbers them: BOM or UTF-8, else GB18030; CRLF and CR are newlines."""
    with open(path, "rb") as f:
        data = f.read()
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(enc, "replace")
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def digits_of(line):
    """The line with full-width digits folded and separators between digits dropped (`1,234`, `12 3`)."""
    return re.sub(r"(?<=\d)[,，\s\u3000]+(?=\d)", "", line.translate(FULLWIDTH_DIGITS))


def number_on_line(lines, line_no, count):
    """True when the number `count` is written on line `line_no` (1-based) as a whole number, or starts at its
    end and continues at the start of the next line (a wrapped paragraph)."""
    if not 1 <= line_no <= len(lines):
        return False
    want = str(count)
    here = digits_of(lines[line_no - 1])
    if want in re.findall(r"\d+", here):
        return True
    tail = re.search(r"(\d+)\s*$", here)
    nxt = re.match(r"\s*(\d+)", digits_of(lines[line_no])) if line_no < len(lines) else None
    return bool(tail and nxt and tail.group(1) + nxt.group(1) == want)


def narrative_lines(con, corpus, show):
    """Checks that each narrative count's source_line is the line its number is written on.
    Returns (checked, wrong) or None when there is nothing to check."""
    if not corpus or not os.path.isdir(corpus):
        return None
    rows = con.execute("""
        SELECT m.source_path, CAST(o.source_line AS INTEGER), CAST(o.count AS BIGINT)
        FROM out_narrative_counts o JOIN docmap m ON m.doc_id = o.doc_id
        WHERE o.source_line IS NOT NULL
          -- PDF and Word files: source_line counts lines of the text the reader rendered
          -- (`govreports inspect`), not of the binary file; the Rust tests check those.
          AND NOT (m.source_path LIKE '%.pdf' OR m.source_path LIKE '%.docx')
        ORDER BY 1, 2""").fetchall()
    if not rows:
        return None
    cache = {}
    wrong = []
    for path, line_no, count in rows:
        if path not in cache:
            cache = {path: read_lines(os.path.join(corpus, path))}
        if not number_on_line(cache[path], line_no, count):
            wrong.append((path, line_no, count))
    print("Narrative source lines: %d of %d counts are written on their source_line" % (
        len(rows) - len(wrong), len(rows)))
    for path, line_no, count in wrong[:show]:
        line = cache.get(path) or read_lines(os.path.join(corpus, path))
        print("  %-32s line %d has no %d: %r" % (path, line_no, count,
                                                line[line_no - 1][:80] if 0 < line_no <= len(line) else None))
    return len(rows), len(wrong)


def group_rows(con, grp):
    """The per-layout numbers, grouped by grp(source_path, g) instead (a file may be in several groups)."""
    rows = {}

    def acc(g):
        return rows.setdefault(g, {"files": 0, "out": 0, "ok": 0, "tv": 0, "hit": 0, "tvr": 0, "hitr": 0,
                                   "blank": 0, "blank_ok": 0, "st": 0, "st_ok": 0, "amb_out": 0})
    for g, n_out, n_ok, amb_out in con.execute("""
            SELECT m.g, count(*) FILTER (WHERE j.value IS NOT NULL), count(*) FILTER (WHERE j.correct),
                   count(*) FILTER (WHERE j.value IS NOT NULL AND j.ambiguous)
            FROM joined j JOIN %s m ON m.source_path = j.source_path GROUP BY ALL""" % grp).fetchall():
        a = acc(g)
        a.update(out=n_out, ok=n_ok, amb_out=amb_out)
    for g, tv, hit, tvr, hitr, bl, bl_ok in con.execute("""
            SELECT m.g,
                   count(*) FILTER (WHERE value IS NOT NULL), count(*) FILTER (WHERE value IS NOT NULL AND hit),
                   count(*) FILTER (WHERE value IS NOT NULL AND NOT ambiguous),
                   count(*) FILTER (WHERE value IS NOT NULL AND NOT ambiguous AND hit),
                   count(*) FILTER (WHERE blank), count(*) FILTER (WHERE blank AND NOT got_value)
            FROM tscored t JOIN %s m ON m.source_path = t.source_path GROUP BY ALL""" % grp).fetchall():
        a = acc(g)
        a.update(tv=tv, hit=hit, tvr=tvr, hitr=hitr, blank=bl, blank_ok=bl_ok)
    for g, files, st_ok in con.execute("""
            SELECT m.g, count(*), count(*) FILTER (WHERE r.status = t.status OR r.status = t.status_alt)
            FROM truth t JOIN %s m ON m.source_path = t.source_path
                 LEFT JOIN (SELECT source_path, any_value(status) AS status FROM out_reports GROUP BY ALL) r
                 ON r.source_path = t.source_path
            GROUP BY ALL""" % grp).fetchall():
        a = acc(g)
        a.update(files=files, st=files, st_ok=st_ok)
    return rows


def score(args):
    con = duckdb.connect()
    load_truth(con, args.truth)
    out = args.out
    nfiles = {}
    nfiles["reports"] = out_view(con, out, "reports", (
        "doc_id", "source_path", "status", "report_year", "title", "organization", "published_on", "admin_level",
        "province", "city", "county", "township", "template_version", "layout", "format", "encoding"))
    for tbl, (k1, k2, v) in FACT_KEYS.items():
        nfiles[tbl] = out_view(con, out, tbl, ("doc_id", k1, k2, v, "raw"))
    nfiles["narrative_counts"] = out_view(con, out, "narrative_counts",
                                          ("doc_id", "subject", "category", "channel", "is_total", "count",
                                           "source_line"))
    if not nfiles["reports"]:
        print("warning: no reports Parquet files under %s" % os.path.join(out, "reports"), file=sys.stderr)
    # doc_id -> source_path facts belong to: prefer a copy the truth does not call a duplicate
    con.execute("""
        CREATE TEMP TABLE docmap AS
        SELECT doc_id, source_path FROM (
            SELECT r.doc_id, r.source_path,
                   row_number() OVER (PARTITION BY r.doc_id
                                      ORDER BY (t.status IS NULL), (t.status = 'duplicate'), r.source_path) AS rn
            FROM out_reports r LEFT JOIN truth t ON t.source_path = r.source_path
            WHERE r.doc_id IS NOT NULL)
        WHERE rn = 1""")
    parts = []
    for tbl, (k1, k2, v) in FACT_KEYS.items():
        parts.append("SELECT m.source_path, o.doc_id, '%s' AS tbl, CAST(o.%s AS VARCHAR) AS k1, CAST(o.%s AS VARCHAR) AS k2,"
                     " CAST(o.%s AS DOUBLE) AS value, CAST(o.raw AS VARCHAR) AS raw FROM out_%s o "
                     "LEFT JOIN docmap m ON m.doc_id = o.doc_id" % (tbl, k1, k2, v, tbl))
    con.execute("CREATE TEMP TABLE ofacts AS " + " UNION ALL ".join(parts))
    amb_ok = "false" if args.strict_ambiguous else "true"
    con.execute("""
        CREATE TEMP TABLE joined AS
        SELECT o.*, coalesce(t.gen_layout, tr.gen_layout, 'unknown') AS gen_layout,
               t.value AS tvalue, t.raw AS traw, t.blank, t.ambiguous, t.k1 IS NOT NULL AS known,
               (o.value IS NOT NULL AND t.value IS NOT NULL AND abs(o.value - t.value) <= 1e-6
                AND (%s OR NOT t.ambiguous)) AS correct
        FROM ofacts o
        LEFT JOIN tfacts t ON t.source_path = o.source_path AND t.tbl = o.tbl AND t.k1 = o.k1 AND t.k2 = o.k2
        LEFT JOIN truth tr ON tr.source_path = o.source_path""" % amb_ok)
    con.execute("""
        CREATE TEMP TABLE tscored AS
        SELECT t.*, c.source_path IS NOT NULL AS hit, n.source_path IS NOT NULL AS got_value
        FROM tfacts t
        LEFT JOIN (SELECT DISTINCT source_path, tbl, k1, k2 FROM joined WHERE correct) c
               ON c.source_path = t.source_path AND c.tbl = t.tbl AND c.k1 = t.k1 AND c.k2 = t.k2
        LEFT JOIN (SELECT DISTINCT source_path, tbl, k1, k2 FROM ofacts WHERE value IS NOT NULL) n
               ON n.source_path = t.source_path AND n.tbl = t.tbl AND n.k1 = t.k1 AND n.k2 = t.k2""")

    # ---------------------------------------------------------------- per layout numbers
    rows = {}

    def acc(layout):
        return rows.setdefault(layout, {"files": 0, "out": 0, "ok": 0, "tv": 0, "hit": 0, "tvr": 0, "hitr": 0,
                                        "blank": 0, "blank_ok": 0, "st": 0, "st_ok": 0, "amb_out": 0})
    for gl, n_out, n_ok, amb_out in con.execute("""
            SELECT gen_layout, count(*) FILTER (WHERE value IS NOT NULL), count(*) FILTER (WHERE correct),
                   count(*) FILTER (WHERE value IS NOT NULL AND ambiguous) FROM joined GROUP BY ALL""").fetchall():
        a = acc(gl)
        a["out"] += n_out
        a["ok"] += n_ok
        a["amb_out"] += amb_out
    for gl, tv, hit, tvr, hitr, bl, bl_ok in con.execute("""
            SELECT gen_layout,
                   count(*) FILTER (WHERE value IS NOT NULL), count(*) FILTER (WHERE value IS NOT NULL AND hit),
                   count(*) FILTER (WHERE value IS NOT NULL AND NOT ambiguous),
                   count(*) FILTER (WHERE value IS NOT NULL AND NOT ambiguous AND hit),
                   count(*) FILTER (WHERE blank), count(*) FILTER (WHERE blank AND NOT got_value)
            FROM tscored GROUP BY ALL""").fetchall():
        a = acc(gl)
        a.update(tv=a["tv"] + tv, hit=a["hit"] + hit, tvr=a["tvr"] + tvr, hitr=a["hitr"] + hitr,
                 blank=a["blank"] + bl, blank_ok=a["blank_ok"] + bl_ok)
    for gl, files, st_ok in con.execute("""
            SELECT t.gen_layout, count(*), count(*) FILTER (WHERE r.status = t.status OR r.status = t.status_alt)
            FROM truth t LEFT JOIN (SELECT source_path, any_value(status) AS status FROM out_reports GROUP BY ALL) r
                 ON r.source_path = t.source_path
            GROUP BY ALL""").fetchall():
        a = acc(gl)
        a["files"] += files
        a["st"] += files
        a["st_ok"] += st_ok
    allrow = {k: sum(r[k] for r in rows.values()) for k in acc("__tmp__")}
    del rows["__tmp__"]

    def line(name, a):
        return "%-22s %6d %9d %8s %9d %8s %8s %7d %8s %8s %6d" % (
            name, a["files"], a["out"], fmt_pct(pct(a["ok"], a["out"])), a["tv"], fmt_pct(pct(a["hit"], a["tv"])),
            fmt_pct(pct(a["hitr"], a["tvr"])), a["blank"], fmt_pct(pct(a["blank_ok"], a["blank"])),
            fmt_pct(pct(a["st_ok"], a["st"])), a["amb_out"])
    print("Values of tables 二/三/四 (truth %s, output %s)" % (args.truth, out))
    print("%-22s %6s %9s %8s %9s %8s %8s %7s %8s %8s %6s" % (
        "gen_layout", "files", "values", "prec%", "truth", "recall%", "recov%", "blanks", "blank%", "status%",
        "amb>0"))
    for gl in sorted(rows):
        print(line(gl, rows[gl]))
    print(line("ALL", allrow))
    has_fam = con.execute("SELECT count(*) FROM truth WHERE family IS NOT NULL").fetchone()[0]
    if has_fam:
        con.execute("CREATE TEMP TABLE grp_family AS SELECT source_path, family AS g FROM truth WHERE family IS NOT NULL")
        con.execute("CREATE TEMP TABLE grp_feature AS SELECT source_path, unnest(features) AS g FROM truth "
                    "WHERE features IS NOT NULL")
        for grp, title in (("grp_family", "family"), ("grp_feature", "feature")):
            g_rows = group_rows(con, grp)
            print()
            print("%-22s %6s %9s %8s %9s %8s %8s %7s %8s %8s %6s" % (
                title, "files", "values", "prec%", "truth", "recall%", "recov%", "blanks", "blank%", "status%",
                "amb>0"))
            for g in sorted(g_rows):
                print(line(g[:22], g_rows[g]))
    # per table
    print()
    print("Per table (all layouts): precision / recall / recall_recoverable")
    for tbl in FACT_KEYS:
        o, ok = con.execute("SELECT count(*) FILTER (WHERE value IS NOT NULL), count(*) FILTER (WHERE correct) "
                            "FROM joined WHERE tbl = ?", [tbl]).fetchone()
        tv, hit, tvr, hitr = con.execute(
            "SELECT count(*) FILTER (WHERE value IS NOT NULL), count(*) FILTER (WHERE value IS NOT NULL AND hit), "
            "count(*) FILTER (WHERE value IS NOT NULL AND NOT ambiguous), "
            "count(*) FILTER (WHERE value IS NOT NULL AND NOT ambiguous AND hit) FROM tscored WHERE tbl = ?",
            [tbl]).fetchone()
        print("  %-3s %-20s %8s %8s %8s   (%d output, %d truth)" % (
            SHORT[tbl], tbl, fmt_pct(pct(ok, o)), fmt_pct(pct(hit, tv)), fmt_pct(pct(hitr, tvr)), o, tv))

    # ---------------------------------------------------------------- status confusion
    print()
    print("Status (truth -> output):")
    for ts, os_, n, alt_ok in con.execute("""
            SELECT t.status, coalesce(r.status, '(missing)'), count(*), coalesce(r.status = t.status_alt, false)
            FROM truth t LEFT JOIN (SELECT source_path, any_value(status) AS status FROM out_reports GROUP BY ALL) r
                 ON r.source_path = t.source_path
            GROUP BY ALL ORDER BY 1, 2""").fetchall():
        print("  %-13s -> %-13s %7d%s" % (ts, os_, n,
                                         "" if ts == os_ else ("   (accepted: status_alt)" if alt_ok else "   <-- wrong")))
    extra = con.execute("SELECT count(*) FROM out_reports r WHERE NOT EXISTS "
                        "(SELECT 1 FROM truth t WHERE t.source_path = r.source_path)").fetchone()[0]
    if extra:
        print("  (%d report rows whose source_path is not in the truth)" % extra)

    # ---------------------------------------------------------------- metadata
    print()
    print("Metadata accuracy (files with truth status ok/partial):")
    exprs = []
    for f in META_FIELDS:
        if f in ("title", "organization"):
            e = "%s IS NOT DISTINCT FROM %s" % (norm_text("t." + f), norm_text("r." + f))
        elif f == "published_on":
            e = "t.published_on IS NOT DISTINCT FROM CAST(CAST(r.published_on AS DATE) AS VARCHAR)"
        elif f == "report_year":
            e = "t.report_year IS NOT DISTINCT FROM CAST(r.report_year AS INTEGER)"
        elif f == "encoding":
            e = "%s IS NOT DISTINCT FROM %s" % (norm_enc("t.encoding"), norm_enc("r.encoding"))
        else:
            e = "t.%s IS NOT DISTINCT FROM CAST(r.%s AS VARCHAR)" % (f, f)
        exprs.append("count(*) FILTER (WHERE %s)" % e)
    meta_q = """
        SELECT count(*), %s
        FROM truth t LEFT JOIN (SELECT * FROM out_reports QUALIFY row_number() OVER (PARTITION BY source_path) = 1) r
             ON r.source_path = t.source_path
        WHERE t.status IN ('ok', 'partial')""" % ", ".join(exprs)
    res = con.execute(meta_q).fetchone()
    n = res[0]
    for f, ok in zip(META_FIELDS, res[1:]):
        print("  %-17s %8s   (%d/%d)%s" % (f, fmt_pct(pct(ok, n)), ok, n, "  [informative]" if f in META_EXTRA else ""))
    if has_fam:
        fam_q = meta_q.replace("SELECT count(*), ", "SELECT t.family, count(*), ", 1) + " GROUP BY ALL ORDER BY 1"
        print("  per family: %s" % " / ".join(f for f in META_FIELDS if f not in META_EXTRA))
        for row in con.execute(fam_q).fetchall():
            fam, cnt = row[0], row[1]
            print("  %-22s %5d  %s" % (fam, cnt, " ".join(
                fmt_pct(pct(ok, cnt)).strip() for f, ok in zip(META_FIELDS, row[2:]) if f not in META_EXTRA)))
    if args.show:
        for f in META_FIELDS:
            if f in META_EXTRA:
                continue
            if f in ("title", "organization"):
                cond = "%s IS DISTINCT FROM %s" % (norm_text("t." + f), norm_text("r." + f))
            elif f == "published_on":
                cond = "t.published_on IS DISTINCT FROM CAST(CAST(r.published_on AS DATE) AS VARCHAR)"
            elif f == "report_year":
                cond = "t.report_year IS DISTINCT FROM CAST(r.report_year AS INTEGER)"
            else:
                cond = "t.%s IS DISTINCT FROM CAST(r.%s AS VARCHAR)" % (f, f)
            bad = con.execute("""
                SELECT t.source_path, CAST(t.%s AS VARCHAR), CAST(r.%s AS VARCHAR)
                FROM truth t LEFT JOIN (SELECT * FROM out_reports QUALIFY row_number() OVER (PARTITION BY source_path) = 1) r
                     ON r.source_path = t.source_path
                WHERE t.status IN ('ok', 'partial') AND %s ORDER BY 1 LIMIT 3""" % (f, f, cond)).fetchall()
            for p, tv, gv in bad:
                print("      %-14s %-28s truth=%r got=%r" % (f, p, tv, gv))

    # ---------------------------------------------------------------- narrative counts
    print()
    con.execute("""
        CREATE TEMP TABLE tn AS
        SELECT source_path, gen_layout, nullif(trim(f.category), '') AS category, %s AS channel,
               coalesce(f.is_total, false) AS is_total, f.count AS count
        FROM (SELECT source_path, gen_layout, unnest(narrative_counts) AS f FROM truth)""" % norm_channel("f.channel"))
    con.execute("""
        CREATE TEMP TABLE onar AS
        SELECT m.source_path, nullif(trim(CAST(o.category AS VARCHAR)), '') AS category, %s AS channel,
               coalesce(CAST(o.is_total AS BOOLEAN), false) AS is_total, CAST(o.count AS BIGINT) AS count
        FROM out_narrative_counts o LEFT JOIN docmap m ON m.doc_id = o.doc_id""" % norm_channel("CAST(o.channel AS VARCHAR)"))
    print("Narrative counts, keyed by (source_path, category, channel, is_total, count):")
    print("  %-22s %8s %8s %8s %8s   %s" % ("gen_layout", "output", "truth", "prec%", "recall%", "loose prec/recall (path,count)"))
    nar = con.execute("""
        WITH a AS (SELECT source_path, category, channel, is_total, count, count(*) AS n FROM tn GROUP BY ALL),
             b AS (SELECT source_path, category, channel, is_total, count, count(*) AS n FROM onar GROUP BY ALL),
             m AS (SELECT coalesce(a.source_path, b.source_path) AS source_path, coalesce(a.n, 0) AS tn,
                          coalesce(b.n, 0) AS onum
                   FROM a FULL OUTER JOIN b ON a.source_path IS NOT DISTINCT FROM b.source_path
                        AND a.category IS NOT DISTINCT FROM b.category AND a.channel IS NOT DISTINCT FROM b.channel
                        AND a.is_total = b.is_total AND a.count = b.count),
             la AS (SELECT source_path, count, count(*) AS n FROM tn GROUP BY ALL),
             lb AS (SELECT source_path, count, count(*) AS n FROM onar GROUP BY ALL),
             lm AS (SELECT coalesce(la.source_path, lb.source_path) AS source_path, coalesce(la.n, 0) AS tn,
                           coalesce(lb.n, 0) AS onum
                    FROM la FULL OUTER JOIN lb ON la.source_path IS NOT DISTINCT FROM lb.source_path
                         AND la.count = lb.count)
        SELECT coalesce(t.gen_layout, 'unknown') AS gl, sum(m.onum), sum(m.tn), sum(least(m.tn, m.onum)), 'strict'
        FROM m LEFT JOIN truth t ON t.source_path = m.source_path GROUP BY ALL
        UNION ALL
        SELECT coalesce(t.gen_layout, 'unknown'), sum(lm.onum), sum(lm.tn), sum(least(lm.tn, lm.onum)), 'loose'
        FROM lm LEFT JOIN truth t ON t.source_path = lm.source_path GROUP BY ALL""").fetchall()
    strict = {}
    loose = {}
    for gl, o, t, mt, kind in nar:
        (strict if kind == "strict" else loose)[gl] = (int(o or 0), int(t or 0), int(mt or 0))
    tot_s = [0, 0, 0]
    tot_l = [0, 0, 0]
    for gl in sorted(set(strict) | set(loose)):
        s = strict.get(gl, (0, 0, 0))
        lo = loose.get(gl, (0, 0, 0))
        for i in range(3):
            tot_s[i] += s[i]
            tot_l[i] += lo[i]
        print("  %-22s %8d %8d %8s %8s   %s / %s" % (gl, s[0], s[1], fmt_pct(pct(s[2], s[0])), fmt_pct(pct(s[2], s[1])),
                                                  fmt_pct(pct(lo[2], lo[0])).strip(), fmt_pct(pct(lo[2], lo[1])).strip()))
    print("  %-22s %8d %8d %8s %8s   %s / %s" % ("ALL", tot_s[0], tot_s[1], fmt_pct(pct(tot_s[2], tot_s[0])),
                                              fmt_pct(pct(tot_s[2], tot_s[1])), fmt_pct(pct(tot_l[2], tot_l[0])).strip(),
                                              fmt_pct(pct(tot_l[2], tot_l[1])).strip()))

    if has_fam:
        print("  per family (strict):")
        for fam, o, t, mt in con.execute("""
                WITH a AS (SELECT source_path, category, channel, is_total, count, count(*) AS n FROM tn GROUP BY ALL),
                     b AS (SELECT source_path, category, channel, is_total, count, count(*) AS n FROM onar GROUP BY ALL),
                     m AS (SELECT coalesce(a.source_path, b.source_path) AS source_path, coalesce(a.n, 0) AS tn,
                                  coalesce(b.n, 0) AS onum
                           FROM a FULL OUTER JOIN b ON a.source_path IS NOT DISTINCT FROM b.source_path
                                AND a.category IS NOT DISTINCT FROM b.category
                                AND a.channel IS NOT DISTINCT FROM b.channel
                                AND a.is_total = b.is_total AND a.count = b.count)
                SELECT g.g, sum(m.onum), sum(m.tn), sum(least(m.tn, m.onum))
                FROM m JOIN grp_family g ON g.source_path = m.source_path GROUP BY ALL ORDER BY 1""").fetchall():
            print("  %-22s %8d %8d %8s %8s" % (fam, int(o or 0), int(t or 0), fmt_pct(pct(mt, o)), fmt_pct(pct(mt, t))))

    if args.show:
        for title, a, b in (("in the truth, not output", "tn", "onar"), ("output, not in the truth", "onar", "tn")):
            ex = con.execute("""
                WITH a AS (SELECT source_path, category, channel, is_total, count,
                                  row_number() OVER (PARTITION BY source_path, category, channel, is_total, count) AS k
                           FROM %s),
                     b AS (SELECT source_path, category, channel, is_total, count,
                                  row_number() OVER (PARTITION BY source_path, category, channel, is_total, count) AS k
                           FROM %s)
                SELECT a.source_path, a.category, a.channel, a.is_total, a.count FROM a
                WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.source_path IS NOT DISTINCT FROM a.source_path
                                  AND b.category IS NOT DISTINCT FROM a.category
                                  AND b.channel IS NOT DISTINCT FROM a.channel AND b.is_total = a.is_total
                                  AND b.count = a.count AND b.k = a.k)
                ORDER BY 1, 5 LIMIT %d""" % (a, b, min(args.show, 10))).fetchall()
            if ex:
                print("  narrative counts %s:" % title)
                for p, cat, ch, tot, cnt in ex:
                    print("    %-32s category=%s channel=%s is_total=%s count=%s" % (p, cat, ch, tot, cnt))

    corpus = args.corpus or os.path.join(os.path.dirname(os.path.abspath(args.truth)), "corpus")
    print()
    lines_checked = narrative_lines(con, corpus, args.show)

    # ---------------------------------------------------------------- examples
    if args.show:
        print()
        print("First %d wrong values (non-NULL output that is not the truth):" % args.show)
        wrong = con.execute("""
            SELECT coalesce(source_path, '(doc_id ' || doc_id || ')'), tbl, k1, k2,
                   CASE WHEN NOT known THEN 'absent' WHEN blank THEN 'blank' ELSE CAST(tvalue AS VARCHAR) END
                       || CASE WHEN ambiguous THEN ' (ambiguous)' ELSE '' END,
                   value, raw, traw
            FROM joined WHERE value IS NOT NULL AND NOT correct
            ORDER BY 1, 2, 3, 4 LIMIT ?""", [args.show]).fetchall()
        if not wrong:
            print("  (none)")
        for p, tbl, k1, k2, tv, gv, raw, traw in wrong:
            print("  %-32s %s %s/%s  truth=%s got=%r raw=%r truth_raw=%r" % (p, SHORT[tbl], k1, k2, tv, gv, raw, traw))
        print()
        print("First %d missed values (recoverable truth values not output correctly):" % args.show)
        missed = con.execute("""
            WITH m AS (SELECT source_path, tbl, k1, k2, value, raw FROM tscored
                       WHERE value IS NOT NULL AND NOT ambiguous AND NOT hit ORDER BY 1, 2, 3, 4 LIMIT ?)
            SELECT m.source_path, m.tbl, m.k1, m.k2, m.value, m.raw,
                   string_agg(CASE WHEN o.tbl IS NOT NULL THEN coalesce(CAST(o.value AS VARCHAR), 'NULL') END, ',')
            FROM m LEFT JOIN ofacts o ON o.source_path = m.source_path AND o.tbl = m.tbl AND o.k1 = m.k1 AND o.k2 = m.k2
            GROUP BY ALL ORDER BY 1, 2, 3, 4""", [args.show]).fetchall()
        if not missed:
            print("  (none)")
        for p, tbl, k1, k2, tv, raw, got in missed:
            print("  %-32s %s %s/%s  truth=%s raw=%r got=%s" % (p, SHORT[tbl], k1, k2, tv, raw, got or "absent"))

    # ---------------------------------------------------------------- gate
    failed = []
    for name, a in list(rows.items()) + [("ALL", allrow)]:
        p = pct(a["ok"], a["out"])
        rc = pct(a["hitr"], a["tvr"]) if args.gate_recall == "recoverable" else pct(a["hit"], a["tv"])
        if p is not None and p < args.min_precision - 1e-9:
            failed.append("%s precision %.3f%% < %s%%" % (name, p, args.min_precision))
        if rc is not None and rc < args.min_recall - 1e-9:
            failed.append("%s recall %.3f%% < %s%%" % (name, rc, args.min_recall))
        if a["tv"] and not a["out"]:
            failed.append("%s: no values output" % name)
    if lines_checked and lines_checked[1]:
        failed.append("%d narrative counts whose source_line does not hold their number" % lines_checked[1])
    print()
    if failed:
        print("FAIL: " + "; ".join(failed))
        return 1
    print("PASS (precision >= %s%%, %s recall >= %s%% overall and per layout)" % (
        args.min_precision, args.gate_recall, args.min_recall))
    return 0


def fake_out(truth, out):
    """A perfect tool output derived from the truth: what a correct parser would write."""
    con = duckdb.connect()
    load_truth(con, truth)
    con.execute("""
        CREATE TEMP TABLE r AS SELECT md5(source_path) || md5(source_path || 'x') AS doc_id, source_path, report_year,
            status, title, organization, province, city, county, township, admin_level,
            CAST(published_on AS DATE) AS published_on, template_version, layout, format, encoding
        FROM truth""")
    con.execute("""
        CREATE TEMP TABLE f AS SELECT r.doc_id, r.report_year, t.tbl, t.k1, t.k2,
            CASE WHEN t.ambiguous THEN NULL ELSE t.value END AS value, t.raw
        FROM tfacts t JOIN r USING (source_path)""")
    con.execute("""
        CREATE TEMP TABLE n AS SELECT r.doc_id, r.report_year, x.f.subject AS subject, x.f.category AS category,
            x.f.channel AS channel, x.f.is_total AS is_total, x.f.count AS count, x.f.approximate AS approximate
        FROM (SELECT source_path, unnest(narrative_counts) AS f FROM truth) x JOIN r USING (source_path)""")
    sel = {
        "reports": "SELECT * EXCLUDE (report_year) FROM r WHERE report_year IS NOT DISTINCT FROM {y}",
        "active_disclosure": "SELECT doc_id, k1 AS item_code, k2 AS metric_code, value, raw FROM f "
                             "WHERE tbl = 'active_disclosure' AND report_year IS NOT DISTINCT FROM {y}",
        "applications": "SELECT doc_id, k1 AS row_code, k2 AS applicant, CAST(value AS BIGINT) AS count, raw FROM f "
                        "WHERE tbl = 'applications' AND report_year IS NOT DISTINCT FROM {y}",
        "reviews_litigation": "SELECT doc_id, k1 AS proceeding, k2 AS outcome, CAST(value AS BIGINT) AS count, raw "
                              "FROM f WHERE tbl = 'reviews_litigation' AND report_year IS NOT DISTINCT FROM {y}",
        "narrative_counts": "SELECT * EXCLUDE (report_year) FROM n WHERE report_year IS NOT DISTINCT FROM {y}",
    }
    years = [r[0] for r in con.execute("SELECT DISTINCT report_year FROM truth").fetchall()]
    for table, q in sel.items():
        for y in years:
            part = "__HIVE_DEFAULT_PARTITION__" if y is None else str(y)
            d = os.path.join(out, table, "report_year=" + part)
            os.makedirs(d, exist_ok=True)
            con.execute("COPY (%s) TO %s (FORMAT parquet)" % (q.format(y="NULL" if y is None else y),
                                                               sql_str(os.path.join(d, "part-00000.parquet"))))
    print("wrote a perfect output for %s to %s" % (truth, out))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="Accuracy of a govreports output against genreports.py ground truth.")
    ap.add_argument("--truth", required=True, help="truth.jsonl written by data/generator/genreports.py")
    ap.add_argument("--out", help="the tool's output directory (hive-partitioned Parquet)")
    ap.add_argument("--min-precision", type=float, default=100.0, help="percent (default 100)")
    ap.add_argument("--min-recall", type=float, default=99.5, help="percent (default 99.5)")
    ap.add_argument("--gate-recall", choices=("recoverable", "all"), default="recoverable",
                    help="which recall the gate uses (default: recoverable, i.e. without ambiguous truth cells)")
    ap.add_argument("--strict-ambiguous", action="store_true",
                    help="any non-NULL value for an ambiguous truth cell counts as wrong")
    ap.add_argument("--show", type=int, default=20, help="how many wrong / missed values to list (default 20)")
    ap.add_argument("--corpus", help="the generated corpus, to check narrative source lines (default: corpus/ "
                                     "beside the truth file)")
    ap.add_argument("--fake-out", metavar="DIR", help="write a perfect output derived from the truth to DIR and exit")
    args = ap.parse_args(argv)
    if not os.path.exists(args.truth):
        ap.error("no such truth file: %s" % args.truth)
    if args.fake_out:
        return fake_out(args.truth, args.fake_out)
    if not args.out:
        ap.error("--out is required")
    if not os.path.isdir(args.out):
        ap.error("no such output directory: %s" % args.out)
    return score(args)


if __name__ == "__main__":
    sys.exit(main())
