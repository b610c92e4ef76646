#!/usr/bin/env python3
"""A straightforward Python implementation of the `govreports run` job.

    python baseline.py CORPUS OUT [--jobs N]

This is the yardstick of the performance target in issue 4 ("≥ 30× faster than
a straightforward Python implementation of the same job"), run side by side by
`bench.py`. It does what a competent data engineer would write in an afternoon:

  * walk the corpus, parse files on every core with `multiprocessing.Pool`;
  * decode (BOM / UTF-8 / GB18030), strip HTML, NFKC-normalise;
  * cut lines into cells (tabs, markdown pipes, runs of spaces, one cell per
    line) and anchor on the template's row labels with compiled regexes,
    reading the row's numbers that follow; table 四 as 15 values after its header;
  * narrative `共 N 条` / `X N 条` counts, title, year, organisation, the main
    accounting identities;
  * write hive-partitioned zstd Parquet with pyarrow, one chunk at a time;
  * compute the five statistics with polars (lazy scans, group-bys) and write
    them as Parquet.

It is deliberately *simpler* than the Rust extractor (no blank-cell alignment,
no page-break repair, no per-cell diagnostics), which only flatters Python in
the comparison. Its output is not checked for accuracy.
"""
import argparse
import hashlib
import html
import os
import re
import sys
import unicodedata
from multiprocessing import Pool

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

CHUNK = 2000

# --- the template, as data ------------------------------------------------------------

# (item_code, label regex, metric codes) for 表二 in each format.
T2_2021 = [
    ("regulation", r"^规章$", ["issued", "repealed", "in_force"]),
    ("normative_document", r"^(行政)?规范性文件$", ["issued", "repealed", "in_force"]),
    ("administrative_license", r"^行政许可$", ["decisions"]),
    ("administrative_penalty", r"^行政处罚$", ["decisions"]),
    ("administrative_coercion", r"^行政强制$", ["decisions"]),
    ("administrative_fee", r"^行政事业性收费$", ["fee_amount"]),
]
T2_2019 = [
    ("regulation", r"^规章$", ["issued", "in_force"]),
    ("normative_document", r"^规范性文件$", ["issued", "in_force"]),
    ("administrative_license", r"^行政许可$", ["change", "in_force"]),
    ("other_external_service", r"^其他对外管理服务事项$", ["change", "in_force"]),
    ("administrative_penalty", r"^行政处罚$", ["change", "in_force"]),
    ("administrative_coercion", r"^行政强制$", ["change", "in_force"]),
    ("administrative_fee", r"^行政事业性收费$", ["change", "in_force"]),
    ("central_procurement", r"^政府集中采购$", ["procurement_items", "procurement_amount"]),
]
T3 = [
    ("new_received", "本年新收"),
    ("carried_over", "上年结转"),
    ("granted", "予以公开"),
    ("partially_granted", "部分公开"),
    ("denied_state_secret", "国家秘密"),
    ("denied_prohibited_by_law", "法律行政法规禁止"),
    ("denied_three_safeties", "三安全一稳定"),
    ("denied_third_party", "第三方合法权益"),
    ("denied_internal_affairs", "内部事务"),
    ("denied_process_info", "过程性信息"),
    ("denied_enforcement_file", "行政执法案卷"),
    ("denied_query_matter", "行政查询事项"),
    ("unable_not_held", "不掌握相关"),
    ("unable_needs_creation", "没有现成信息"),
    ("unable_unclear", "仍不明确"),
    ("not_processed_petition", "信访举报投诉"),
    ("not_processed_repeat", "重复申请"),
    ("not_processed_publication", "公开出版物"),
    ("not_processed_excessive", "大量反复"),
    ("not_processed_confirm", "确认或重新出具"),
    ("other_no_correction", "逾期不补正"),
    ("other_no_fee", "收费通知"),
    ("other_other", r"^3\.?其他$"),
    ("other_handling", "其他处理"),
    ("total_handled", r"总计$"),
    ("carried_forward", "结转下年度"),
]
APPLICANTS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other", "total"]
PROCEEDINGS = [("review", o) for o in ("upheld", "corrected", "other", "pending", "total")] + [
    (p, o) for p in ("litigation_direct", "litigation_after_review") for o in ("upheld", "corrected", "other", "pending", "total")
]

RE_T2 = {v: [(code, re.compile(rx), metrics) for code, rx, metrics in t] for v, t in (("2021", T2_2021), ("2019", T2_2019))}
RE_T3 = [(code, re.compile(rx)) for code, rx in T3]
RE_TAGS = re.compile(r"<[^>]+>")
RE_ROW_END = re.compile(r"</tr\s*>|<br\s*/?>|</p\s*>", re.I)
RE_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
RE_SPLIT = re.compile(r"\t|\||\s{2,}")
RE_NUM = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")
RE_YEAR = re.compile(r"(20\d\d)\s*年")
RE_ORG = re.compile(r"([\u4e00-\u9fff]{2,30}?(?:人民政府|办事处|委员会|局|厅|办公室))")
RE_DATE = re.compile(r"(20\d\d)\s*[年-]\s*(\d{1,2})\s*[月-]\s*(\d{1,2})")
RE_TOTAL = re.compile(r"共(?:计)?(?:发布|公开|主动公开)?[^\d,。;]{0,10}?(\d+)(余|多)?\s*条")
RE_PART = re.compile(r"([\u4e00-\u9fff]{2,8}?)(\d+)(余|多)?\s*条")
RE_SECTION = {
    "t2": re.compile(r"主动公开政府信息情况"),
    "t3": re.compile(r"收到和处理政府信息公开申请情况"),
    "t4": re.compile(r"政府信息公开行政复议.{0,4}行政诉讼情况"),
    "end": re.compile(r"存在的主要问题"),
}


# --- one file --------------------------------------------------------------------------

def decode(b):
    if not b.strip():
        return None, "empty"
    if b[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return b.decode("utf-16"), None
    try:
        return b.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return b.decode("gb18030"), None
    except UnicodeDecodeError:
        return None, "undecodable"


def to_lines(text):
    if "<td" in text or "<TD" in text:
        text = RE_CELL_END.sub("\t", text)
        text = RE_ROW_END.sub("\n", text)
        text = html.unescape(RE_TAGS.sub("", text))
    text = unicodedata.normalize("NFKC", text)
    return text.splitlines()


def cells(lines, lo, hi):
    """Flat stream of (cell, line number) over lines[lo:hi]."""
    out = []
    for i in range(lo, hi):
        for c in RE_SPLIT.split(lines[i]):
            c = c.strip().replace(" ", "")
            if c:
                out.append((c, i + 1))
    return out


def num(c):
    c = c.replace(",", "").rstrip("件条个项万元")
    if RE_NUM.match(c):
        return float(c)
    return None


def take_numbers(stream, start, k):
    vals = []
    j = start
    while j < len(stream) and len(vals) < k:
        v = num(stream[j][0])
        if v is None:
            break
        vals.append((v, stream[j][0], stream[j][1]))
        j += 1
    return vals


def parse(path):
    rel = path
    with open(path, "rb") as f:
        b = f.read()
    doc_id = hashlib.sha256(b).hexdigest()[:32]
    rep = {"doc_id": doc_id, "path": rel, "bytes": len(b), "status": "failed", "reason": None, "title": None,
           "organization": None, "report_year": None, "published_on": None, "version": None, "cells_found": 0,
           "checks_failed": 0}
    text, err = decode(b)
    if err:
        rep["reason"] = err
        return rep, [], [], [], [], []
    lines = to_lines(text)
    title = next((l.strip() for l in lines[:10] if "年度报告" in l), None)
    if title is None:
        rep["status"], rep["reason"] = "not_a_report", "no report title"
        return rep, [], [], [], [], []
    rep["title"] = title
    m = RE_YEAR.search(title)
    year = int(m.group(1)) if m else None
    rep["report_year"] = year
    m = RE_ORG.search(title)
    rep["organization"] = m.group(1) if m else None
    for l in reversed(lines[-15:]):
        m = RE_DATE.search(l)
        if m:
            rep["published_on"] = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break

    idx = {}
    for i, l in enumerate(lines):
        for k, rx in RE_SECTION.items():
            if k not in idx and len(l) < 40 and rx.search(l):  # a heading, not the intro
                idx[k] = i
    version = "2019" if "政府集中采购" in text or "其他对外管理服务事项" in text else "2021"
    rep["version"] = version
    n = len(lines)
    t2_lo, t3_lo, t4_lo = idx.get("t2", 0), idx.get("t3", n), idx.get("t4", n)
    end = idx.get("end", n)

    active, apps, rl, narr, checks = [], [], [], [], []
    # 表二
    s = cells(lines, t2_lo, t3_lo)
    for j, (c, ln) in enumerate(s):
        for code, rx, metrics in RE_T2[version]:
            if rx.search(c):
                for (v, raw, vl), metric in zip(take_numbers(s, j + 1, len(metrics)), metrics):
                    active.append({"doc_id": doc_id, "report_year": year, "item_code": code, "metric_code": metric,
                                   "value": v, "raw": raw, "line": vl})
    # 表三
    s = cells(lines, t3_lo, t4_lo)
    seen = set()
    for j, (c, ln) in enumerate(s):
        for code, rx in RE_T3:
            if code not in seen and rx.search(c):
                seen.add(code)
                for (v, raw, vl), applicant in zip(take_numbers(s, j + 1, 7), APPLICANTS):
                    apps.append({"doc_id": doc_id, "report_year": year, "row_code": code, "applicant": applicant,
                                 "count": int(v), "raw": raw, "line": vl})
                break
    # 表四: the 15 numbers after the last header cell 总计
    s = cells(lines, t4_lo, end)
    last = max((j for j, (c, _) in enumerate(s) if c == "总计"), default=None)
    if last is not None:
        for (v, raw, vl), (p, o) in zip(take_numbers(s, last + 1, 15), PROCEEDINGS):
            rl.append({"doc_id": doc_id, "report_year": year, "proceeding": p, "outcome": o, "count": int(v),
                       "raw": raw, "line": vl})
    # Narrative
    for i in range(0, t2_lo):
        l = lines[i]
        m = RE_TOTAL.search(l)
        if m:
            narr.append({"doc_id": doc_id, "report_year": year, "category": None, "count": int(m.group(1)),
                         "approximate": m.group(2) is not None, "sentence": l.strip()[:200], "line": i + 1})
            for p in RE_PART.finditer(l[m.end():]):
                narr.append({"doc_id": doc_id, "report_year": year, "category": p.group(1), "count": int(p.group(2)),
                             "approximate": p.group(3) is not None, "sentence": l.strip()[:200], "line": i + 1})
    # Checks: handled rows sum to the total, per applicant.
    by = {(a["row_code"], a["applicant"]): a["count"] for a in apps}
    for ap in APPLICANTS:
        tot = by.get(("total_handled", ap))
        parts = [v for (r, a), v in by.items() if a == ap and r not in ("new_received", "carried_over", "total_handled", "carried_forward")]
        if tot is not None and parts:
            ok = sum(parts) == tot
            checks.append({"doc_id": doc_id, "report_year": year, "check": f"handled_sum:{ap}", "passed": ok})
            rep["checks_failed"] += not ok
    rep["cells_found"] = len(active) + len(apps) + len(rl)
    rep["status"] = "ok" if len(apps) >= 7 * 20 and len(rl) == 15 else "partial"
    return rep, active, apps, rl, narr, checks


# --- the job ---------------------------------------------------------------------------

TABLES = ["reports", "active_disclosure", "applications", "reviews_litigation", "narrative_counts", "checks"]


def walk(root):
    out = []
    for dp, dns, fs in os.walk(root):
        dns.sort()
        for f in sorted(fs):
            out.append(os.path.join(dp, f))
    return out


def flush(out, buf, part):
    for name, rows in zip(TABLES, buf):
        if not rows:
            continue
        t = pa.Table.from_pylist(rows)
        pq.write_to_dataset(t, os.path.join(out, name), partition_cols=["report_year"], compression="zstd",
                            basename_template=f"part-{part:05d}-{{i}}.parquet")
        rows.clear()


def stats(out):
    def scan(name):
        return pl.scan_parquet(os.path.join(out, name, "**", "*.parquet"), hive_partitioning=True)

    os.makedirs(os.path.join(out, "stats"), exist_ok=True)
    reports = scan("reports")
    ad = scan("active_disclosure")
    q = {
        "proactive_by_category": pl.concat([
            ad.group_by("report_year", "item_code", "metric_code").agg(
                pl.len().alias("reports"), pl.col("value").sum().alias("sum"), pl.col("value").mean().alias("mean"),
                pl.col("value").median().alias("median")).rename({"item_code": "category"}),
            scan("narrative_counts").filter(pl.col("category").is_not_null()).group_by("report_year", "category").agg(
                pl.len().alias("reports"), pl.col("count").sum().cast(pl.Float64).alias("sum"),
                pl.col("count").mean().alias("mean"), pl.col("count").median().alias("median"),
            ).with_columns(pl.lit("count").alias("metric_code")).select("report_year", "category", "metric_code", "reports", "sum", "mean", "median"),
        ]),
        "procurement_totals": ad.filter(pl.col("item_code") == "central_procurement")
        .join(reports.select("doc_id", "organization"), on="doc_id")
        .group_by("report_year", "metric_code").agg(pl.col("doc_id").n_unique().alias("reports"), pl.col("value").sum()),
        "application_outcomes": scan("applications").group_by("report_year", "row_code", "applicant").agg(
            pl.len().alias("reports"), pl.col("count").sum()),
        "review_litigation": scan("reviews_litigation").group_by("report_year", "proceeding", "outcome").agg(
            pl.len().alias("reports"), pl.col("count").sum()),
        "corpus_quality": reports.group_by("report_year", "status").agg(
            pl.len().alias("reports"), pl.col("checks_failed").sum(), pl.col("cells_found").sum()),
    }
    for name, lf in q.items():
        lf.collect().write_parquet(os.path.join(out, "stats", f"{name}.parquet"), compression="zstd")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    a = ap.parse_args()
    if os.path.exists(a.out):
        sys.exit(f"{a.out} exists")
    paths = walk(a.corpus)
    buf = [[] for _ in TABLES]
    seen, part, n = set(), 0, 0
    with Pool(a.jobs) as pool:
        for res in pool.imap(parse, paths, chunksize=64):
            rep = res[0]
            if rep["doc_id"] in seen:
                rep["status"] = "duplicate"
                res = (rep, [], [], [], [], [])
            seen.add(rep["doc_id"])
            for b, rows in zip(buf, res):
                if isinstance(rows, dict):
                    b.append(rows)
                else:
                    b.extend(rows)
            n += 1
            if n % CHUNK == 0:
                flush(a.out, buf, part)
                part += 1
    flush(a.out, buf, part)
    stats(a.out)
    print(f"{n} files", file=sys.stderr)


if __name__ == "__main__":
    main()
