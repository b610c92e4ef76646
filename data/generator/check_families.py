#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""check_families.py - self-consistency of a genreports.py corpus (any mix, made for --families).

    python3 data/generator/check_families.py DIR        # DIR holds corpus/ and truth.jsonl

For every report in the truth (status ok/partial) it checks that
  - the accounting identities hold on the truth values (a blank counts as 0), unless the file is marked
    with a violation:* feature or belongs to the base family (whose 5 % broken identities are not tagged);
  - every non-blank written cell (`raw`) is in the text; for glued_text the row's cells concatenated
    (spaces dropped) are in the text with spaces dropped;
  - organization and title (whitespace dropped) are in the text, the publication date is written in it;
  - every narrative count is written in the text;
  - glued_text: independently of the generator (brute force over cut positions), a table 二 row or the
    table 四 run marked certain has exactly one reading and it is the truth, one marked uncertain has not;
    a certain table 三 row is among the readings that satisfy its row identity.
Non-reports (not_a_report) must have no facts. Prints a per-family summary; exit 1 on any error.
"""

import itertools
import json
import os
import re
import sys
from collections import Counter, defaultdict

RE_INT = re.compile(r"(0|[1-9][0-9]*)\Z")
RE_SIGNED = re.compile(r"(0|[+-]?[1-9][0-9]*)\Z")
RE_DEC = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?\Z")


def read_text(path, enc):
    data = open(path, "rb").read()
    if enc == "utf-16le":
        return data.decode("utf-16")
    if enc == "gb18030":
        return data.decode("gb18030")
    return data.decode("utf-8-sig")


def nows(s):
    return re.sub(r"[\s\u3000\u00a0]+", "", s)


CN = "〇一二三四五六七八九"


def cn_num(t):
    if all(c in CN for c in t):
        return int("".join(str(CN.index(c)) for c in t))
    t = t.replace("十", "1" if t.startswith("十") else "")
    if t.endswith("1") and len(t) == 1:
        return 10
    return int("".join(str(CN.index(c)) if c in CN else c for c in t)) if t else 10


def dates_in(text):
    out = set()
    for y, m, d in re.findall(r"([〇一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日", text):
        try:
            mm = {"十": 10, "十一": 11, "十二": 12}.get(m) or CN.index(m)
            dd_ = d
            if len(dd_) == 1:
                dv = 10 if dd_ == "十" else CN.index(dd_)
            elif dd_.startswith("十"):
                dv = 10 + CN.index(dd_[1])
            elif dd_.endswith("十"):
                dv = CN.index(dd_[0]) * 10
            else:
                dv = CN.index(dd_[0]) * 10 + CN.index(dd_[2])
            out.add("%04d-%02d-%02d" % (cn_num(y), mm, dv))
        except (ValueError, IndexError):
            pass
    for y, m, d in re.findall(r"(20\d\d)\s*[-年]\s*(\d{1,2})\s*[-月]\s*(\d{1,2})", text):
        out.add("%04d-%02d-%02d" % (int(y), int(m), int(d)))
    return out


def readings(run, kinds, limit=50):
    """Brute force: every way to cut `run` (spaces = forced boundaries) into len(kinds) valid cells."""
    pieces = run.split()
    n = len(kinds)
    joined = "".join(pieces)
    forced = set()
    pos = 0
    for p in pieces[:-1]:
        pos += len(p)
        forced.add(pos)
    L = len(joined)
    inner = [i for i in range(1, L) if i not in forced]
    need = n - 1 - len(forced)
    out = []
    if need < 0 or need > len(inner):
        return out
    for cut in itertools.combinations(inner, need):
        cuts = sorted(set(cut) | forced)
        bounds = [0] + cuts + [L]
        cells = [joined[bounds[i]:bounds[i + 1]] for i in range(n)]
        ok = True
        for c, k in zip(cells, kinds):
            rx = RE_SIGNED if k == "signed" else (RE_DEC if k == "dec" else RE_INT)
            if not rx.match(c):
                ok = False
                break
        if ok:
            out.append(tuple(cells))
            if len(out) > limit:
                break
    return out


T2_LABELS = {"regulation": ("规章",), "normative_document": ("行政规范性文件", "规范性文件"),
             "administrative_license": ("行政许可",), "other_external_service": ("其他对外管理服务事项",),
             "administrative_penalty": ("行政处罚",), "administrative_coercion": ("行政强制",),
             "administrative_fee": ("行政事业性收费",), "central_procurement": ("政府集中采购",)}


def written_run(text, start, labels, raws):
    """The run of cells as written (with its spaces) after one of the labels, searched from text[start:]."""
    body = r"[ ]?".join(re.escape(x) for x in raws)
    for lab in labels:
        m = re.compile(re.escape(lab) + r"[ ]?(" + body + r")(?![0-9.])").search(text, start)
        if m:
            return m.group(1)
    return None


def t3_rows(tr):
    rows = defaultdict(dict)
    order = []
    for f in tr["applications"]:
        if f["row_code"] not in rows:
            order.append(f["row_code"])
        rows[f["row_code"]][f["applicant"]] = f
    return order, rows


APPL = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_agency", "other_org", "total")


def check_identities(tr):
    bad = []
    order, rows = t3_rows(tr)
    if len(order) >= 24 and all(len(rows[r]) == 7 for r in order):
        v = {r: [rows[r][a]["count"] or 0 for a in APPL] for r in order}
        for r in order:
            if v[r][6] != sum(v[r][:6]):
                bad.append("t3_row_total:" + r)
        outs = order[2:-2]
        for c in range(7):
            if v[order[0]][c] + v[order[1]][c] != v["total_handled"][c] + v["carried_forward"][c]:
                bad.append("t3_balance:%s" % APPL[c])
            if v["total_handled"][c] != sum(v[o][c] for o in outs):
                bad.append("t3_outcome_sum:%s" % APPL[c])
    rl = tr["reviews_litigation"]
    if len(rl) == 15:
        x = [f["count"] or 0 for f in rl]
        for p in range(3):
            if x[p * 5 + 4] != sum(x[p * 5:p * 5 + 4]):
                bad.append("t4_total:%d" % p)
    return bad


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    root = argv[1]
    stats = defaultdict(Counter)
    errors = []

    def err(fam, path, msg):
        stats[fam]["errors"] += 1
        if len(errors) < 40:
            errors.append("%s: %s" % (path, msg))
    for line in open(os.path.join(root, "truth.jsonl"), encoding="utf-8"):
        tr = json.loads(line)
        fam = tr.get("family") or "base"
        feats = tr.get("features") or []
        path = tr["source_path"]
        st = stats[fam]
        st["files"] += 1
        if tr["status"] in ("not_a_report", "failed", "duplicate"):
            st[tr["status"]] += 1
            if tr["status"] != "duplicate" and (tr["active_disclosure"] or tr["applications"] or tr["narrative_counts"]):
                err(fam, path, "a non-report with facts")
            continue
        st["reports"] += 1
        text = read_text(os.path.join(root, "corpus", path), tr["encoding"])
        flat = nows(text)
        # identities
        bad = check_identities(tr)
        if bad:
            if any(f.startswith("violation:") for f in feats):
                st["violation_tagged"] += 1
            elif fam == "base":
                st["violation_base"] += 1
            else:
                err(fam, path, "identities broken without a violation feature: %s" % bad[:3])
        # cells written
        glued = tr["gen_layout"] == "glued_text"
        if not glued:
            for k in ("active_disclosure", "applications", "reviews_litigation"):
                for f in tr[k]:
                    raw = f["raw"]
                    if f["blank"] or not raw.strip():  # blanks, and lost cells (raw "")
                        continue
                    st["cells"] += 1
                    if raw not in text and raw.replace(",", "") not in text:
                        err(fam, path, "cell %s not in the text" % raw)
        else:
            order, rows = t3_rows(tr)
            groups = [[rows[r][a]["raw"] for a in APPL] for r in order]
            groups.append([f["raw"] for f in tr["reviews_litigation"]])
            for g in groups:
                st["cells"] += len(g)
                if "".join(g) not in flat:
                    err(fam, path, "run %s not in the text" % "".join(g))
            # independent uniqueness checks
            ad = tr["active_disclosure"]
            k = 0
            t2_rows = []
            cur = None
            for i, f in enumerate(ad):
                if f["item_code"] != cur:
                    t2_rows.append([])
                    cur = f["item_code"]
                t2_rows[-1].append(f)
            start = text.find("二、主动公开政府信息情况")
            for row in t2_rows:
                raws = [f["raw"] for f in row]
                run = written_run(text, start, T2_LABELS[row[0]["item_code"]], raws)
                if run is None:
                    err(fam, path, "t2 row %s not found" % row[0]["item_code"])
                    continue
                for u in ("万元", "元"):
                    if run.endswith(u):
                        run = run[:-len(u)]
                        raws[-1] = raws[-1][:-len(u)]
                kinds = ["signed" if f["metric_code"] == "change" else
                         ("dec" if f["metric_code"] in ("fee_amount", "procurement_amount") else "int") for f in row]
                rd = readings(run, kinds)
                unique = rd == [tuple(raws)]
                amb = any(f["ambiguous"] for f in row)
                st["t2_rows"] += 1
                st["t2_rows_uncertain"] += amb
                if unique == amb:
                    err(fam, path, "t2 row %s: readings %d, marked %s" % (row[0]["item_code"], len(rd),
                                                                          "uncertain" if amb else "certain"))
            rl = tr["reviews_litigation"]
            raws4 = [f["raw"] for f in rl]
            pieces = written_run(text, text.rfind("尚未审结总计"), ("尚未审结总计",), raws4) or "".join(raws4)
            if len(pieces.replace(" ", "")) <= 24:  # brute force stays cheap
                rd = [x for x in readings(pieces, ["int"] * 15, 10 ** 6)
                      if all(int(x[p * 5 + 4]) == sum(int(c) for c in x[p * 5:p * 5 + 4]) for p in range(3))]
                amb = any(f["ambiguous"] for f in rl)
                st["t4_runs_checked"] += 1
                st["t4_uncertain"] += amb
                if (rd == [tuple(raws4)]) == amb:
                    err(fam, path, "t4 run %s: %d consistent readings, marked %s" % (
                        pieces, len(rd), "uncertain" if amb else "certain"))
            for r in order:
                cells = [rows[r][a] for a in APPL]
                amb = any(f["ambiguous"] for f in cells)
                st["t3_rows"] += 1
                st["t3_rows_uncertain"] += amb
                if not amb:
                    raws = tuple(f["raw"] for f in cells)
                    rd = [x for x in readings("".join(raws), ["int"] * 7, 10 ** 5)
                          if int(x[6]) == sum(int(c) for c in x[:6])]
                    if raws not in rd:
                        err(fam, path, "certain t3 row %s is not a reading of its run" % r)
        # metadata
        if tr["organization"] and tr["organization"] not in text:
            err(fam, path, "organization %s not in the text" % tr["organization"])
        if tr["title"] and nows(tr["title"]) not in flat:
            err(fam, path, "title %s not in the text" % tr["title"])
        if tr["published_on"]:
            if tr["published_on"] not in dates_in(text):
                st["date_not_found"] += 1
                if fam != "base":
                    err(fam, path, "published_on %s not written" % tr["published_on"])
        for n in tr["narrative_counts"]:
            st["narr"] += 1
            if str(n["count"]) not in re.findall(r"\d+", text.replace(",", "")):
                err(fam, path, "narrative count %d not in the text" % n["count"])
        for f in feats:
            st["f:" + f] += 1
    for fam in sorted(stats):
        st = stats[fam]
        print("%-20s %s" % (fam, ", ".join("%s=%d" % (k, v) for k, v in sorted(st.items()) if not k.startswith("f:"))))
    for e in errors:
        print("ERROR " + e)
    total = sum(st["errors"] for st in stats.values())
    print("%d errors" % total)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
