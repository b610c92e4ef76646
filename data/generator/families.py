# -*- coding: utf-8 -*-
"""families.py - the report families of issue 26, for genreports.py --families.

Imported by genreports.py only when --families is given, so the default output of genreports.py
(the 'base' family) is unchanged byte for byte. Python 3 standard library only.

Every family writes files with exact truth in the truth.jsonl format of genreports.py, plus
  "family":   the family name (see FAMILIES),
  "features": a list of strings (blank:random, glued:space, neg:letter, ...),
  "status_alt": a second acceptable status where the contract allows two readings (a report whose
              uncertain cells a parser leaves NULL is `partial`, one that reads them all is `ok`).
Uncertain cells (not readable with certainty by a careful reader) are `"ambiguous": true`: the scorer
accepts NULL or the intended value there, as for the base family's unrecoverable rows.
"""

import json
import random
import re

G = None  # the genreports module, set by genreports.main

FAMILIES = ("base", "cpl_tab_rows", "blank_cells", "glued_text", "md_detached", "pipe_variants", "web_meta",
            "negatives", "narrative_breakdown")
BLANK_PATTERNS = ("random", "all_zero", "zero_cols", "t4_review", "t2_rows")
NBSP = "\u00a0"
IDSP = "\u3000"


# ----------------------------------------------------------------------------- common

def new_doc(rng, idx, gl, **kw):
    ctl = {"clean": True, "no_blanks": True}
    ctl.update(kw)
    return G.make_doc(rng, idx, gl, ctl)


def truth_of(d, rel, enc, status):
    return json.loads(G.truth_line(d, rel, enc, status).decode("utf-8"))


def finish(tr, family, features, status_alt=None):
    tr["family"] = family
    tr["features"] = list(features)
    if status_alt:
        tr["status_alt"] = status_alt
    return (json.dumps(tr, ensure_ascii=False) + "\n").encode("utf-8")


def mark_ambiguous(tr, t2=(), t3rows=(), t4=()):
    """Marks truth cells uncertain. t2: indices into active_disclosure; t3rows: row indices (all 7 cells);
    t4: indices into reviews_litigation."""
    ad = tr["active_disclosure"]
    for i in t2:
        ad[i]["ambiguous"] = True
    ap = tr["applications"]
    for r in t3rows:
        for c in range(7):
            ap[r * 7 + c]["ambiguous"] = True
    rl = tr["reviews_litigation"]
    for i in t4:
        rl[i]["ambiguous"] = True


def violations(d):
    """Features naming the accounting identities the document's values break (deliberately, as in the base mix)."""
    t3, t4 = d.t3, d.t4
    nr = len(t3)
    out = []
    if (any(row[6] != sum(row[:6]) for row in t3)
            or any(t3[0][c] + t3[1][c] != t3[nr - 2][c] + t3[nr - 1][c] for c in range(7))
            or any(t3[nr - 2][c] != sum(t3[r][c] for r in range(2, nr - 2)) for c in range(7))):
        out.append("violation:t3")
    if any(t4[p * 5 + 4] != sum(t4[p * 5:p * 5 + 4]) for p in range(3)):
        out.append("violation:t4")
    return out


def t2_row_slices(d):
    """[(first_index, n_values)] per table 二 row, in T2 key order."""
    out = []
    k = 0
    for _, _, rows in G.t2_spec(d):
        for _, _, ms in rows:
            out.append((k, len(ms)))
            k += len(ms)
    return out


def set_date(rng, d):
    """Makes sure the report has a publication date and a signature carrying the full organization."""
    if d.published is None:
        d.published = "%04d-%02d-%02d" % (d.year + 1, rng.randint(1, 3), rng.randint(1, 28))
    y, m, dd = (int(x) for x in d.published.split("-"))
    ds = rng.choice(("%d年%d月%d日" % (y, m, dd), "%d 年 %d 月 %d 日" % (y, m, dd), "%d年%02d月%02d日" % (y, m, dd)))
    d.sign = (d.o["org"], ds)


# ----------------------------------------------------------------------------- blank patterns (family 2, also 1)

def apply_pattern(rng, d, pat, ph):
    """Blanks zero cells following an eval-public blank pattern; ph() gives the written placeholder.
    Returns the number of blanked cells."""
    r = rng.random
    n = [0]

    def b2(i):
        if d.t2[i] == 0 and i not in d.t2blank:
            d.t2blank.add(i)
            d.t2raw[i] = ph()
            n[0] += 1

    def b3(rr, c):
        if d.t3[rr][c] == 0 and (rr, c) not in d.t3blank:
            d.t3blank.add((rr, c))
            d.t3raw[rr][c] = ph()
            n[0] += 1

    def b4(i):
        if d.t4[i] == 0 and i not in d.t4blank:
            d.t4blank.add(i)
            d.t4raw[i] = ph()
            n[0] += 1
    nr = len(d.t3)
    if pat == "random":
        p = 0.15 + 0.35 * r()
        for i in range(len(d.t2)):
            if r() < p:
                b2(i)
        for rr in range(nr):
            for c in range(7):
                if r() < p:
                    b3(rr, c)
        for i in range(15):
            if r() < p:
                b4(i)
    elif pat == "all_zero":
        for i in range(len(d.t2)):
            b2(i)
        for rr in range(nr):
            for c in range(7):
                b3(rr, c)
        for i in range(15):
            b4(i)
    elif pat == "zero_cols":
        for c in range(7):
            if all(row[c] == 0 for row in d.t3):
                for rr in range(nr):
                    b3(rr, c)
        for k in range(5):
            if all(d.t4[p * 5 + k] == 0 for p in range(3)):
                for p in range(3):
                    b4(p * 5 + k)
    elif pat == "t4_review":
        if all(v == 0 for v in d.t4[:5]):
            for i in range(5):
                b4(i)
        else:
            for i in range(15):
                b4(i)
    elif pat == "t2_rows":
        for k, m in t2_row_slices(d):
            if all(d.t2[i] == 0 for i in range(k, k + m)):
                for i in range(k, k + m):
                    b2(i)
    return n[0]


def render_tabbed_var(d, rng):
    """Tabbed text whose table 三 rows carry 2 or 3 label fields (eval-public's look): outer and single rows
    `一、本年新收…\t\t<7 values>\t`, `\t（二）部分公开…\t<7 values>\t`, `（七）总计\t\t<7 values>\t`, first reason of a
    group `\t（三）不予公开\t1.属于国家秘密\t<7 values>`, other reasons `\t\t2.…\t<7 values>`. Every row has 10 fields,
    so an empty value field is still placed by the row's kind."""
    text = G.render_tabbed(d, rng)
    head = text[:text.find(d.heads[2])]
    i4 = text.find("\n" + d.heads[3] + "\n")
    tail = text[i4:]
    labels, spans, note = G.t3_labels(d.variant, d.sty)
    ot = G.appl_labels(d)
    out = [d.heads[2] + "\n\n",
           note + "\t\t申请人情况\t\t\t\t\t\t总计\t\n",
           "\t\t自然人\t法人或其他组织\t\t\t\t\t\t\n",
           "\t\t\t" + "\t".join(ot) + "\t\t\n"]
    for i, (L1, L2, L3) in enumerate(labels):
        code, kind, g, k = G.ROWDEFS[d.variant][i]
        vals = d.t3raw[i]
        if kind == "outer":
            f = [L1, ""] + vals + [""]
        elif kind == "single":
            f = ([L1, L2] if L1 else ([L2, ""] if g == 7 else ["", L2])) + vals + [""]
        else:
            f = ["", L2 or "", L3] + vals
        out.append("\t".join(f) + "\n")
    return head + "".join(out) + tail


def fam_blank_cells(rng, idx, args):
    x = rng.random()
    # cell_per_line: a blank cell is a line of spaces (mostly blank tables leave few numbers to vote for the layout)
    gl = "tabbed" if x < 0.45 else ("markdown_table" if x < 0.8 else "cell_per_line")
    level = rng.choice(("township", "township", "county", "department"))
    # a fifth break an identity: the blanks of a row that breaks one are still its own
    d = new_doc(rng, idx, gl, level=level, violations=True, p_violation=0.2)
    pat = rng.choice(BLANK_PATTERNS)
    phs = {"tabbed": ("", "", "", " ", NBSP, IDSP), "markdown_table": ("", "", " ", NBSP)}.get(gl, ("",))
    style = rng.choice(("empty", "mixed"))
    if style == "empty":
        ph = lambda: ""  # noqa: E731
    else:
        ph = lambda: rng.choice(phs)  # noqa: E731
    nb = apply_pattern(rng, d, pat, ph)
    if gl == "tabbed":
        # an empty field is only recoverable on a full 10-field grid (see README)
        d.opt["brk"] = False
        d.opt["pad"] = False
    var = gl == "tabbed" and rng.random() < 0.5
    text = render_tabbed_var(d, rng) if var else G.RENDER[gl](d, rng)
    data, enc = G.encode(rng, text, d, {})
    ext = G.EXT.get(gl, ".txt")
    rel = "%s/%06d%s" % (gl, idx, ext)
    tr = truth_of(d, rel, enc, "ok")
    feats = (["blank:" + pat, "blank_ph:" + style] if nb else ["blank:none"]) + violations(d)
    if var:
        feats.append("tabbed:var_labels")
    return gl, rel, data, finish(tr, "blank_cells", feats), "ok"


# ----------------------------------------------------------------------------- family 1: seed 003 layout

BL3 = (NBSP, IDSP + IDSP, NBSP + IDSP, IDSP, NBSP + NBSP)


def render_cpl_rows(d, rng):
    """Seed 003: one cell per line, every cell line starts with a tab, rows separated by empty lines, header cells
    over several lines (the continuation line has no tab), blank cells are tab + NBSP / U+3000."""
    L = []
    a = L.append
    a("")
    for t in d.title_lines:
        a(t)
        a("")
    if d.webhdr:
        a(d.webhdr)
        a("")
    a(d.intro)
    a("")
    a(d.heads[0])
    a("")
    for p in d.s1:
        a(p)
        a("")
    a(d.heads[1])
    a("")

    def cell(v):
        return "\t" + v
    for cap, hdrs, rows in G.t2_blocks(d):
        a("\t" + cap)
        a("")
        a("\t信息内容")
        for h in hdrs:
            if len(h) > 8 and rng.random() < 0.3:
                k = len(h) // 2
                a("\t" + h[:k])
                a(h[k:])
            else:
                a("\t" + h)
        a("")
        for label, raws in rows:
            a("\t" + label)
            for v in raws:
                a(cell(v))
            a("")
    a("")
    a(d.heads[2])
    a("")
    labels, spans, note = G.t3_labels(d.variant, d.sty)
    ot = G.appl_labels(d)
    if rng.random() < 0.4:
        k = note.find("，") + 1 or len(note) // 2
        a("\t" + note[:k])
        a(note[k:])
    else:
        a("\t" + note)
    a("\t申请人情况")
    a("")
    a("\t")
    a("\t自然人")
    if rng.random() < 0.3:
        a("\t法人或其他")
        a("组织")
    else:
        a("\t法人或其他组织")
    a("\t总计")
    a("")
    a("\t")
    a("\t")
    for x in ot:
        if x in ("商业企业", "科研机构") or (len(x) >= 5 and rng.random() < 0.3):
            a("\t" + x[:2])
            a(x[2:])
        else:
            a("\t" + x)
    a("\t")
    a("")
    for i, (L1, L2, L3) in enumerate(labels):
        code, kind, g, k = G.ROWDEFS[d.variant][i]
        if kind == "outer":
            cells = [L1]
        elif kind == "single":
            cells = [L1, L2]
        else:
            cells = ["", L2, L3]
        for c in cells:
            a("\t" + c)
        for v in d.t3raw[i]:
            a(cell(v))
        a("")
    a("")
    a(d.heads[3])
    a("")
    a("\t行政复议")
    a("\t行政诉讼")
    a("")
    for t in ("结果维持", "结果纠正", "其他结果", "尚未审结"):
        if rng.random() < 0.6:
            a("\t" + t[:2])
            a(t[2:])
        else:
            a("\t" + t)
    a("\t总计")
    a("\t未经复议直接起诉")
    a("\t复议后起诉")
    a("")
    for _ in range(5):
        a("\t")
    for _ in range(2):
        for t in G.T4_OUTLBL:
            if t != "总计":
                a("\t" + t[:2])
                a(t[2:])
            else:
                a("\t" + t)
    a("")
    for v in d.t4raw:
        a(cell(v))
    a("")
    a("")
    a(d.heads[4])
    a("")
    for p in d.s5:
        a(p)
        a("")
    a(d.heads[5])
    a("")
    for p in d.s6:
        a(p)
        a("")
    if d.sign:
        a(d.sign[0])
        if rng.random() < 0.8:
            a(d.sign[1])
        else:
            a(" ")  # seed 003: the signature without a date
            if not d.webhdr:
                d.published = None
    return "\n".join(L) + "\n"


def short_name(o):
    """A short form of the organization for titles (雄关乡 for 玉溪市江川区雄关乡人民政府), or None."""
    if o["level"] == "township" and o["township"] and (o["county"] or o["city"]):
        return o["township"]
    if o["level"] == "county" and o["county"] and (o["city"] or o["province"]):
        return o["county"]
    return None


def use_short_title(rng, d):
    s = short_name(d.o)
    if not s:
        return False
    t = "%s%d年政府信息公开工作年度报告" % (s, d.year)
    d.title_lines = [t]
    d.title = t
    set_date(rng, d)
    return True


def fam_cpl_tab_rows(rng, idx, args):
    gl = "cell_per_line_tab_rows"
    level = rng.choice(("township", "township", "township", "county", "department"))
    d = new_doc(rng, idx, "cell_per_line_tab", level=level, web=False)
    d.gl = gl
    feats = []
    if rng.random() < 0.5 and use_short_title(rng, d):
        feats.append("title:short")
    if rng.random() < 0.75:
        pat = rng.choice(BLANK_PATTERNS + ("zero_cols", "all_zero"))
        nb = apply_pattern(rng, d, pat, lambda: rng.choice(BL3))
        if nb:
            feats.append("blank:" + pat)
            # table 四 is one row without labels: a bare tab is a blank cell there too (seed 003)
            for i in d.t4blank:
                if rng.random() < 0.4:
                    d.t4raw[i] = ""
    text = render_cpl_rows(d, rng)
    data, enc = G.encode(rng, text, d, {})
    rel = "%s/%06d.txt" % (gl, idx)
    tr = truth_of(d, rel, enc, "ok")
    tr["layout"] = "cell_per_line"
    return gl, rel, data, finish(tr, "cpl_tab_rows", feats), "ok"


# ----------------------------------------------------------------------------- family 6: web meta / short titles

CRAWL_COLS = ("政府信息公开年报", "政府信息公开工作年度报告", "年度报告")
SITES = ("www.pingtan.gov.cn", "www.jiangchuan.gov.cn", "zwgk.changchun.gov.cn", "www.shuyang.gov.cn", "xxgk.example.gov.cn")


def crawler_header(rng, d, idx, pub_org):
    iso = d.published
    hh = d.opt.get("hh") if hasattr(d, "opt") else None
    hh = hh or "%02d:%02d" % (rng.randint(8, 18), rng.randint(0, 59))
    ym = iso[:7].replace("-", "")
    url = "https://%s/zwgk/zfxxgk/zfxxgknb/%s/t%s_%d.htm" % (rng.choice(SITES), ym, iso.replace("-", ""), 80000 + idx)
    lines = ["标题: " + d.title, "发布时间: %s %s" % (iso, hh), "文号: ", "发布机构: " + pub_org,
             "栏目: " + rng.choice(CRAWL_COLS), "原文链接: " + url]
    if rng.random() < 0.5:
        lines.append("本地目录: zwgk/zfxxgk/zfxxgknb/%s/%d_%s" % (ym, 80000 + idx, d.title))
        lines.append("页面链接与图片详见 links.tsv(同目录)")
    lines.append("==================== 正文 ====================")
    return "\n".join(lines) + "\n"


def site_of(d):
    """The site a page footer names: the county's or city's government, else the body itself."""
    return (d.o["county"] or d.o["city"] or d.o["nm"]) + ("人民政府" if d.o["county"] or d.o["city"] else "")


def fam_web_meta(rng, idx, args):
    gl = rng.choice(("tabbed", "markdown_table", "cell_per_line_tab", "html_table", "html_table"))
    level = rng.choice(("township", "township", "county", "county", "department"))
    d = new_doc(rng, idx, gl, level=level, web=False if gl != "html_table" else None)
    feats = []
    if use_short_title(rng, d):
        feats.append("title:short")
    else:
        set_date(rng, d)
    d.webhdr = None if gl != "html_table" else (d.published, d.o["nm"] if rng.random() < 0.5 else d.o["org"])
    short = short_name(d.o) or d.o["nm"]
    if gl == "html_table":
        text = G.render_html(d, rng)
        x = rng.random()
        metas = '<meta name="ArticleTitle" content="%s">\n<meta name="PubDate" content="%s %02d:%02d">\n' % (
            d.title, d.published, rng.randint(8, 18), rng.randint(0, 59))
        src = rng.choice((short, d.o["nm"], d.o["org"]))
        metas += '<meta name="ContentSource" content="%s">\n' % src
        if rng.random() < 0.5:
            metas += '<meta name="SiteName" content="%s">\n<meta name="ColumnName" content="政府信息公开年报">\n' % (
                (d.o["county"] or d.o["city"] or short) + "人民政府")
        text = text.replace("</head>", metas + "</head>", 1)
        i = text.find('<div class="info">')
        j = text.find("</div>", i) + len("</div>")
        y, m, dd = d.published.split("-")
        if x < 0.4:
            bar = '<div class="info"><span>时间：%s</span>&nbsp;<span>来源：%s</span></div>' % (d.published, src)
            feats.append("html:time_bar")
        elif x < 0.8:
            bar = '<div class="info">发布日期：%s年%s月%s日&nbsp;&nbsp;信息来源：%s</div>' % (y, m, dd, src)
            feats.append("html:pubdate_bar")
        else:
            bar = '<div class="info"><span>来源：%s</span></div>' % src
            feats.append("html:meta_only_date")
        text = text[:i] + bar + text[j:]
        feats.append("html:meta")
        if rng.random() < 0.4:
            # An old site laid out in a table: banner, a menu that is a table of its own, the
            # article in a cell, the footer in the last row.
            text = text.replace("<body>\n", '<body>\n<table width="980" border="0" cellpadding="0" '
                                'cellspacing="0" align="center"><tr><td colspan="2"><img src="/images/banner.jpg">'
                                '</td></tr>\n<tr><td width="200" valign="top"><table><tr><td><a href="/">首页</a>'
                                '</td></tr><tr><td><a href="/zwgk/">政务公开</a></td></tr><tr><td>访问量：%d</td></tr>'
                                '</table></td>\n<td valign="top">\n' % rng.randint(1000, 99999), 1)
            text = text.replace("</body>", '</td></tr>\n<tr><td colspan="2">版权所有：%s 备案号：ICP备%08d号'
                                '</td></tr></table>\n</body>' % (site_of(d), rng.randint(0, 99999999)), 1)
            feats.append("html:layout_table")
    else:
        text = G.RENDER[gl](d, rng)
        if gl == "markdown_table":
            if text.lstrip("\n").startswith(d.title):
                text = text.replace(d.title, "# " + d.title, 1)
            for h in d.heads:
                text = text.replace("\n" + h + "\n", "\n## " + h + "\n", 1)
            feats.append("md:headings")
        if rng.random() < 0.75:
            pub = rng.choice((short, d.o["org"], "", "1", "政务公开办", d.o["nm"]))
            text = crawler_header(rng, d, idx, pub) + text
            feats.append("crawler_header")
    data, enc = G.encode(rng, text, d, {})
    ext = G.EXT.get(gl, ".txt")
    rel = "%s/%06d%s" % (gl, idx, ext)
    tr = truth_of(d, rel, enc, "ok")
    return gl, rel, data, finish(tr, "web_meta", feats), "ok"


# ----------------------------------------------------------------------------- family 8: narrative breakdowns

BREAK_SEPS = ("、", "，", "；")


def narrative_breakdown(rng, d):
    """Replaces the active-disclosure paragraph by a total followed by its breakdown in the next sentence."""
    r = rng.random
    o = d.o
    Y = d.year
    we = o["we"]
    subj = rng.choice(("政务信息", "政府信息", "信息", "各类信息"))
    subj_t = subj[2:] if subj.startswith("各类") else subj
    scale = (40, 120, 600, 3000, 8000)[G.SCALE[o["level"]]]
    k = rng.randint(3, 7)
    cats = rng.sample(G.CATS + ["环境保护", "安全生产", "乡村振兴", "公共服务", "民生保障"], k)
    parts = G.split_n(rng, max(k, G.lognorm(rng, G.math.log(scale), 0.6, 200000)), [1 + 3 * r() for _ in cats])
    parts = [p if p > 0 else 1 for p in parts]
    T = sum(parts)
    if r() < 0.12:
        T += rng.randint(1, max(1, T // 5))
    lead = rng.choice(("%d年，%s共主动公开%s%d条。" % (Y, we, subj, T),
                       "%d年，%s累计发布%s%d条。" % (Y, we, subj, T),
                       "全年共计公开%s%d条。" % (subj, T),
                       "%d年度%s主动公开%s共%d条。" % (Y, we, subj, T)))
    sep = rng.choice(BREAK_SEPS)
    items = sep.join("%s%d条" % (c, p) for c, p in zip(cats, parts))
    x = r()
    if x < 0.5:
        tail = rng.choice(("其中，", "其中：", "其中")) + items + "。"
        feat = "narr:qizhong"
    elif x < 0.8:
        tail = rng.choice(("具体内容为：", "具体内容为", "具体包括：", "主要包括：")) + items + "。"
        feat = "narr:juti"
    else:
        tail = "按类别分，" + items + "。"
        feat = "narr:by_category"
    para = d.s1[0]
    head_end = para.find("。") + 1  # the sub-heading sentence stays
    d.s1[0] = para[:head_end] + rng.choice(G.ACTIVE_GEN) + lead + tail
    keep = [n for n in d.narr if n[0] in ("政府信息公开申请", "视频")]
    new = [(subj_t, None, None, True, T, False)] + [(subj_t, c, None, False, p, False) for c, p in zip(cats, parts)]
    d.narr = new + keep
    return feat


def fam_narrative_breakdown(rng, idx, args):
    gl = rng.choice(("tabbed", "markdown_table", "cell_per_line", "cell_per_line_tab", "html_table"))
    d = new_doc(rng, idx, gl)
    if d.sp:
        d.sp = False
    feat = narrative_breakdown(rng, d)
    text = G.RENDER[gl](d, rng)
    data, enc = G.encode(rng, text, d, {})
    ext = G.EXT.get(gl, ".txt")
    rel = "%s/%06d%s" % (gl, idx, ext)
    tr = truth_of(d, rel, enc, "ok")
    return gl, rel, data, finish(tr, "narrative_breakdown", [feat]), "ok"


# ----------------------------------------------------------------------------- family 7: negatives

OLD_STATS = (("主动公开文件数", "条"), ("其中：1.政府网站公开数", "条"), ("2.政府公报公开数", "条"),
             ("受理依申请公开信息总数", "条"), ("其中：1.当面申请数", "条"), ("2.网上申请数", "条"),
             ("3.信函、传真申请数", "条"), ("对申请的答复总数", "条"), ("其中：1.同意公开答复数", "条"),
             ("2.同意部分公开答复数", "条"), ("3.不予公开答复数", "条"), ("4.其他类型答复数", "条"),
             ("行政复议数", "件"), ("行政诉讼数", "件"), ("收取费用", "万元"))


def crawl_wrap(rng, idx, title, iso, body, glued):
    d = type("D", (), {})()
    d.title = title
    d.published = iso
    hdr = crawler_header(rng, d, idx, rng.choice(("", "1", "办公室")))
    if glued:
        return hdr + body.replace("\n\n", " ").replace("\n", " ")
    return hdr + body


def neg_text(rng, kind, idx):
    o = G.make_org(rng, rng.choice(("county", "city", "department", "township")))
    org = o["org"]
    r = rng.random
    if kind == "old_report":
        y = rng.randint(2009, 2018)
        title = "%s%d年度政府信息公开工作年度报告" % (org, y)
        n1 = rng.randint(50, 3000)
        parts = [title, "",
                 "　　根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，特向社会公布%d年度本机关政府信息公开工作年度报告。"
                 "本报告由概述、主动公开政府信息情况、政府信息依申请公开办理情况、政府信息公开收费及减免情况、因政府信息公开申请行政复议、"
                 "提起行政诉讼的情况、政府信息公开工作存在的主要问题及改进措施和政府信息公开情况统计表组成。" % y, "",
                 "一、概述", "", "　　%d年，%s认真贯彻落实《条例》，扎实推进政府信息公开工作。" % (y, o["we"]), "",
                 "二、主动公开政府信息情况", "", "　　%d年，%s主动公开政府信息%d条。" % (y, o["we"], n1), "",
                 "三、政府信息依申请公开办理情况", "", "　　%d年未收到有关政府信息公开申请。" % y, "",
                 "四、政府信息公开收费及减免情况", "", "　　%d年未收取任何费用。" % y, "",
                 "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "", "　　%d年未发生相关情况。" % y, "",
                 "六、政府信息公开工作存在的主要问题及改进措施", "", "　　下一步，我们将进一步完善工作机制，不断提高公开质量。", "",
                 "七、政府信息公开情况统计表", ""]
        rows = ["指标名称\t计量单位\t%d年度\t历年累计" % y]
        for name, unit in OLD_STATS:
            v = n1 if "主动公开" in name or "网站" in name else 0
            rows.append("%s\t%s\t%d\t%d" % (name, unit, v, v * rng.randint(3, 9)))
        if r() < 0.5:  # glued like the crawler text of pingtan_2018
            parts.append("".join(x.replace("\t", "") for x in rows))
        else:
            parts += rows
        iso = "%04d-%02d-%02d" % (y + 1, rng.randint(1, 3), rng.randint(1, 28))
        return title, iso, "\n".join(parts) + "\n"
    y = rng.randint(2019, 2024)
    iso = "%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
    if kind == "work_plan":
        title = rng.choice(("%s%d年政务公开工作要点" % (org, y), "%s%d年政府信息公开工作计划" % (org, y),
                            "%s关于印发%d年政务公开工作实施方案的通知" % (org, y)))
        body = [title, "",
                "　　为深入贯彻落实《中华人民共和国政府信息公开条例》，做好%d年政务公开工作，结合工作实际，制定本要点。" % y, "",
                "　　一、总体要求", "", "　　坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。", "",
                "　　二、主动公开政府信息", "", "　　（一）加强政策解读。全年发布政策解读材料不少于%d篇。" % rng.randint(5, 30), "",
                "　　（二）做好年度报告工作。于%d年1月31日前发布%d年政府信息公开工作年度报告。" % (y + 1, y), "",
                "　　三、收到和处理政府信息公开申请", "", "　　规范依申请公开办理流程，在法定期限内答复。", "",
                "　　四、保障措施", "", "　　各单位要明确责任分工，确保各项任务落到实处。", "", org, "%d年%d月%d日" % (y, rng.randint(2, 5), rng.randint(1, 28))]
        return title, iso, "\n".join(body) + "\n"
    if kind == "letter":
        title = rng.choice(("关于%d年政府信息公开工作要点落实情况的函" % y, "关于报送%d年度政府信息公开工作年度报告的函" % y))
        body = [title, "", "%s办公厅：" % (o["province"] or "省政府"), "",
                "　　根据《关于做好%d年政府信息公开工作年度报告编制发布有关事项的通知》要求，现将我单位%d年政府信息公开工作年度报告"
                "有关情况函告如下：" % (y, y), "",
                "　　一、%d年政府信息公开工作情况" % y, "", "　　全年主动公开政府信息%d条，受理政府信息公开申请%d件。" % (
                    rng.randint(50, 900), rng.randint(0, 20)), "",
                "　　二、下一步工作", "", "　　进一步完善工作机制，及时发布年度报告。", "", "　　特此函告。", "",
                org, "%d年%d月%d日" % (y, rng.randint(1, 12), rng.randint(1, 28))]
        return title, iso, "\n".join(body) + "\n"
    if kind == "budget":
        title = "%s%d年部门预算" % (org, y)
        return title, iso, G.odd_file(rng, "budget", y - 1)
    # title_only: a page whose body is only the title (attachment not captured)
    title = "%s%d年政府信息公开工作年度报告" % (org, y - 1)
    body = title + "\n" + rng.choice(("", "附件下载", "附件：%s.pdf" % title, "（图片版）", "扫一扫在手机打开当前页"))
    return title, iso, body + "\n"


NEG_KINDS = ("old_report", "work_plan", "letter", "budget", "title_only")


def fam_negatives(rng, idx, args):
    kind = NEG_KINDS[(idx // len(args.family_list)) % len(NEG_KINDS)] if rng.random() < 0.8 else rng.choice(NEG_KINDS)
    title, iso, text = neg_text(rng, kind, idx)
    feats = ["neg:" + kind]
    gl = "misc"
    ext = ".txt"
    x = rng.random()
    if kind in ("old_report", "letter", "title_only") and x < 0.6:
        text = crawl_wrap(rng, idx, title, iso, text, glued=rng.random() < 0.6)
        feats.append("crawler_header")
    elif kind in ("title_only", "work_plan") and x < 0.8:
        text = ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"ArticleTitle\" content=\"%s\">\n"
                "<meta name=\"PubDate\" content=\"%s 09:00\">\n<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n"
                "<div class=\"info\">发布日期：%s</div>\n<div class=\"content\">%s</div>\n</body>\n</html>\n" % (
                    title, iso, title, title, iso,
                    "".join("<p>%s</p>\n" % p for p in text.split("\n")[1:] if p.strip())))
        ext = ".html"
        feats.append("html")
    data, enc = G.encode(rng, text, None, {"crlf": False})
    rel = "%s/%06d%s" % (gl, idx, ext)
    tr = json.loads(G.odd_truth(rel, enc, "not_a_report", "html" if ext == ".html" else "text").decode("utf-8"))
    return gl, rel, data, finish(tr, "negatives", feats), "not_a_report"


# ----------------------------------------------------------------------------- family 3: glued crawler text

_RE_CELL = {
    "int": re.compile(r"(?:0|[1-9][0-9]*)\Z"),
    "signed": re.compile(r"(?:0|[+-]?[1-9][0-9]*)\Z"),
    "dec": re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z"),
}


def enum_splits(s, kinds, check=None, limit=200):
    """All ways to cut the written run s into len(kinds) cells. Spaces are certain boundaries (and are
    dropped), a sign (+/-) can only start a cell; an int cell has no leading zero except a lone 0.
    check(cells) is called after each cell is added and prunes when it returns False.
    Returns up to `limit` + 1 splits (tuples of cell strings)."""
    n = len(kinds)
    L = len(s)
    out = []
    cells = []

    def dfs(pos, ci):
        if len(out) > limit:
            return
        while pos < L and s[pos] == " ":
            pos += 1
        if ci == n:
            if pos == L:
                out.append(tuple(cells))
            return
        if pos >= L:
            return
        rx = _RE_CELL[kinds[ci]]
        for j in range(pos + 1, L + 1):
            ch = s[j - 1]
            if ch == " " or (j - 1 > pos and ch in "+-"):
                break
            cand = s[pos:j]
            if not rx.match(cand):
                continue
            if j < L and s[j] == ".":
                continue
            cells.append(cand)
            if check is None or check(cells):
                dfs(j, ci + 1)
            cells.pop()
    dfs(0, 0)
    return out


def t3_row_splits(s, limit=200):
    """The readings of a table 三 run (7 cells) whose last cell is the sum of the six others: the total is fixed
    first (each length t), then the six cells are searched with their running sum bounded by it."""
    s = s.rstrip(" ")
    L = len(s)
    out = []
    rx = _RE_CELL["int"]
    for t in range(1, L):
        last = s[L - t:]
        if " " in last or not rx.match(last):
            continue
        tot = int(last)
        acc = []

        def check(cells):
            if len(cells[-1]) > t:
                return False
            ps = sum(int(x) for x in cells)
            if ps > tot:
                return False
            return len(cells) < 6 or ps == tot
        for sp in enum_splits(s[:L - t], ["int"] * 6, check, limit):
            acc.append(sp + (last,))
        out.extend(acc)
        if len(out) > limit:
            break
    return out


def t4_check(cells):
    k = len(cells)
    if k % 5 == 0:
        g = cells[k - 5:k]
        return int(g[4]) == sum(int(c) for c in g[:4])
    return True


def glue(rng, cells, p_space):
    out = cells[0]
    for c in cells[1:]:
        out += (" " if rng.random() < p_space else "") + c
    return out


def t3_certainty(d, runs, cap=200, max_combos=50000):
    """Rows (indices) of table 三 whose glued run is not uniquely splittable given the identities.
    runs[i] is the written run of row i. Returns (uncertain_rows, capped)."""
    nr = len(d.t3)
    cands = []
    capped = False
    for i in range(nr):
        sp = t3_row_splits(runs[i], cap)
        vals = [tuple(int(c) for c in x) for x in sp]
        if len(vals) > cap:
            vals = None  # too many: treated as unconstrained and uncertain
            capped = True
        cands.append(vals)
    truth = [tuple(row) for row in d.t3]
    unc = set()
    for i in range(nr):
        if cands[i] is not None and truth[i] not in cands[i]:
            unc.add(i)  # not readable (a broken identity): a careful reader leaves it NULL
    multi = [i for i in range(nr) if cands[i] is None or len(cands[i]) > 1]
    for i in range(nr):
        if not cands[i]:
            unc.add(i)
    free = [i for i in multi if cands[i] is not None]
    if not free:
        return unc, capped
    combos = 1
    for i in free:
        combos *= len(cands[i])
    if combos > max_combos:
        return unc | set(free), True
    fixed = {i: cands[i][0] for i in range(nr) if cands[i] is not None and len(cands[i]) == 1}
    unknown = {i for i in range(nr) if not cands[i]}  # too many readings, or none (a broken identity)
    T, F = nr - 2, nr - 1
    outs = list(range(2, nr - 2))
    seen = {i: set() for i in free}
    vals = dict(fixed)

    def ok():
        for c in range(7):
            if not ({0, 1, T, F} & unknown):
                if vals[0][c] + vals[1][c] != vals[T][c] + vals[F][c]:
                    return False
            if not (set(outs) & unknown) and T not in unknown:
                if vals[T][c] != sum(vals[o][c] for o in outs):
                    return False
        return True

    def rec(k):
        if k == len(free):
            if ok():
                for i in free:
                    seen[i].add(vals[i])
            return
        i = free[k]
        for v in cands[i]:
            vals[i] = v
            rec(k + 1)
    rec(0)
    for i in free:
        if seen[i] != {truth[i]}:
            unc.add(i)
    return unc, capped


CHROME_HEAD = "当前位置： 首页政务公开政府信息公开%s政府信息公开年报 %s 来源： 时间：%s %s --> 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接："
WORD_CSS = ("Normal 0 7.8 磅 0 2 false false false EN-US ZH-CN X-NONE /* Style Definitions */ table.MsoNormalTable "
            "{mso-style-name:普通表格; mso-tstyle-rowband-size:0; mso-style-noshow:yes; mso-style-priority:99; "
            "mso-padding-alt:0cm 5.4pt 0cm 5.4pt; font-size:10.0pt; font-family:\"Times New Roman\",\"serif\";}")


def render_glued(rng, d, idx, feats):
    """Crawler page.txt: header lines, then the article textContent on one line (or a few), table cells glued.
    Returns (text, t2_uncertain_indices, t3_uncertain_rows, t4_uncertain_indices)."""
    r = rng.random
    p_space = rng.choice((0.0, 0.0, 0.0, 0.08, 0.25, 1.0))
    if p_space:
        feats.append("glued:space%s" % ("_all" if p_space == 1.0 else ""))
    lab_sp = 0.15 if r() < 0.5 else 0.0
    P = []
    a = P.append
    hh = "%02d:%02d" % (rng.randint(8, 18), rng.randint(0, 59))
    d.opt["hh"] = hh
    if r() < 0.7:
        a(CHROME_HEAD % (d.o["org"], d.title, d.published, hh))
        feats.append("glued:chrome")
    if r() < 0.2:
        a(WORD_CSS)
        feats.append("glued:word_css")
    if r() < 0.3:
        a(d.title)
    a(d.intro)
    a(d.heads[0])
    a(" ".join(d.s1))
    # A sentence opening with the year glued right after a table's last value (`行政事业性收费02025年，我局…`,
    # the pingtan archive's 2025 reports) or before table 四's header; a random stream of its own keeps every
    # other draw of a seed as it was.
    ys = random.Random(idx * 7727 + 3)
    prose = [ys.random() < 0.25 for _ in range(3)]
    if any(prose):
        feats.append("glued:year_prose")
    Y = d.year
    # table 二
    t2u = []
    parts = [d.heads[1] + " "]
    k = 0
    for cap, hdrs, rows in G.t2_blocks(d):
        parts.append(cap + "信息内容" + "".join(hdrs) + (" " if r() < 0.3 else ""))
        for label, raws in rows:
            kinds = []
            for j in range(len(raws)):
                m = G.T2_KEYS[d.tpl][k + j][1]
                kinds.append("signed" if m == "change" else ("dec" if m in ("fee_amount", "procurement_amount") else "int"))
            run = glue(rng, raws, p_space)
            suffix = ""
            for u in ("万元", "元"):
                if run.endswith(u):
                    run, suffix = run[:-len(u)], u
                    break
            sp = enum_splits(run, kinds, None, 2)
            if len(sp) != 1:
                t2u.extend(range(k, k + len(raws)))
            parts.append(label + (" " if r() < lab_sp else "") + run + suffix)
            k += len(raws)
    if prose[0]:
        parts.append("%d年，我单位通过门户网站主动公开政府信息%d条。" % (Y, ys.randint(20, 900)))
    a("".join(parts))
    # table 三
    labels, spans, note = G.t3_labels(d.variant, d.sty)
    ot = G.appl_labels(d)
    parts = [d.heads[2], note + "申请人情况自然人法人或其他组织总计" + (" " if r() < 0.5 else "") + "".join(ot)]
    runs = []
    for i, (L1, L2, L3) in enumerate(labels):
        run = glue(rng, d.t3raw[i], p_space)
        runs.append(run)
        parts.append(L1 + L2 + L3 + (" " if r() < lab_sp else "") + run)
    if prose[1]:
        parts.append("%d年，我单位共收到政府信息公开申请%d件，均在法定期限内答复。" % (Y, d.t3[0][-1]))
    a(parts[0] + " " + "".join(parts[1:]))
    t3u, capped = t3_certainty(d, runs)
    if capped:
        feats.append("glued:capped")
    # table 四
    run4 = glue(rng, d.t4raw, p_space)
    sp4 = enum_splits(run4, ["int"] * 15, t4_check, 2)
    t4u = [] if sp4 == [tuple(d.t4raw)] else list(range(15))
    a(d.heads[3] + (" %d年，未有政府信息公开行政复议、行政诉讼情况。" % Y if prose[2] else "") +
      " 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉" +
      "".join(G.T4_OUTLBL) * 2 + run4)
    a(d.heads[4] + "".join(d.s5))
    a(d.heads[5] + "".join(d.s6))
    if d.sign:
        a(d.sign[0] + rng.choice((" ", IDSP, "")) + d.sign[1])
    if r() < 0.5:
        a("附件下载")
    if r() < 0.75:
        body = " ".join(P)
        feats.append("glued:one_line")
    else:
        # a few lines: the crawler kept the breaks before the section headings
        body = ""
        for p in P:
            body += ("\n" if p.startswith(("二、", "三、", "四、", "五、")) and body else (" " if body else "")) + p
        feats.append("glued:few_lines")
    hdr = crawler_header(rng, d, idx, rng.choice((d.o["org"], "", "1", d.o["nm"])))
    text = hdr + body + ("\n" if r() < 0.5 else "")
    return text, t2u, sorted(t3u), t4u


def fam_glued_text(rng, idx, args):
    gl = "glued_text"
    level = rng.choice(("township", "county", "county", "department", "department", "city"))
    # broken identities (12 %) make rows whose run no consistent reading explains: uncertain
    d = new_doc(rng, idx, "tabbed", level=level, web=False, clean=False, p_amb=0.0, p_violation=0.12)
    d.gl = gl
    # crawler text: no thousands separators, no full-width digits (the rules of the run are ASCII digits)
    if d.thou or d.fw:
        d.thou = d.fw = False
        d.t3raw = [[str(v) for v in row] for row in d.t3]
        d.t4raw = [str(v) for v in d.t4]
        d.t2raw = [x.replace(",", "") for x in d.t2raw]
    set_date(rng, d)
    feats = [d.tpl] + violations(d)
    text, t2u, t3u, t4u = render_glued(rng, d, idx, feats)
    data, enc = G.encode(rng, text, d, {"enc": "utf-8", "crlf": False})
    rel = "%s/%06d.txt" % (gl, idx)
    tr = truth_of(d, rel, enc, "ok")
    mark_ambiguous(tr, t2u, t3u, t4u)
    if t2u or t3u or t4u:
        feats.append("glued:uncertain")
        tr["status"] = "partial"
        return gl, rel, data, finish(tr, "glued_text", feats, status_alt="ok"), "partial"
    feats.append("glued:unique")
    return gl, rel, data, finish(tr, "glued_text", feats), "ok"


# ----------------------------------------------------------------------------- family 5: '|' variants

def t3_row_cells(d, labels, i):
    L1, L2, L3 = labels[i]
    return [x for x in (L1, L2, L3) if x]


def render_pipe_rows(d, rng):
    """Converter output whose pipe rows have no leading pipe: `规章 | 0 | 0 | 0 |`; a row is its non-empty labels
    followed by its values, empty cells written `|  |`."""
    r = rng.random
    L = []
    a = L.append
    sepline = r() < 0.6

    def row(fields):
        return " | ".join(fields) + " |"
    for t in d.title_lines:
        a(t)
    a("")
    if d.webhdr:
        a(d.webhdr)
        a("")
    a(d.intro)
    a("")
    a(d.heads[0])
    for p in d.s1:
        a(p)
    a("")
    a(d.heads[1])
    a("")
    for cap, hdrs, rows in G.t2_blocks(d):
        a(row([cap]))
        if sepline:
            a("---|")
        a(row(["信息内容"] + hdrs))
        for label, raws in rows:
            a(row([label] + raws))
        a("")
    a(d.heads[2])
    a("")
    labels, spans, note = G.t3_labels(d.variant, d.sty)
    ot = G.appl_labels(d)
    a(row([note, "申请人情况"]))
    if sepline:
        a("---|---|")
    a(row(["自然人", "法人或其他组织", "总计"]))
    a(row(ot))
    for i in range(len(labels)):
        a(row(t3_row_cells(d, labels, i) + d.t3raw[i]))
    a("")
    a(d.heads[3])
    a("")
    a(row(["行政复议", "行政诉讼"]))
    if sepline:
        a("---|---|")
    a(row(list(G.T4_OUTLBL) + ["未经复议直接起诉", "复议后起诉"]))
    a(row(list(G.T4_OUTLBL) * 2))
    a(row(d.t4raw))
    a("")
    pipe_tail(d, a)
    return "\n".join(L) + "\n"


def render_pipe_cells(d, rng):
    """pages_changchun_erdao_1: one cell per line ending in ` |`, a lone `|` is a blank cell, lines of 2+ pipes pad a
    row to the grid (they hold no cell of the template)."""
    L = []
    a = L.append

    def c(v):
        return (v + " |") if v.strip() else "|"
    for t in d.title_lines:
        a(t)
    if d.webhdr:
        a(d.webhdr)
    a(d.intro)
    a(d.heads[0])
    for p in d.s1:
        a(p)
    a(d.heads[1])
    for cap, hdrs, rows in G.t2_blocks(d):
        a(c(cap))
        a("|||")
        a(c("信息内容"))
        for h in hdrs:
            a(c(h))
        if len(hdrs) < 3:
            a("|" * (4 - len(hdrs)))
        for label, raws in rows:
            a(c(label))
            for v in raws:
                a(c(v))
            if len(raws) < 3:
                a("|" * (4 - len(raws)))
    a(d.heads[2])
    labels, spans, note = G.t3_labels(d.variant, d.sty)
    ot = G.appl_labels(d)
    a(c(note))
    a(c("申请人情况"))
    a("|" * 8)
    for h in ("自然人", "法人或其他组织", "总计"):
        a(c(h))
    a("|" * 7)
    for h in ot:
        a(c(h))
    a("|" * 5)
    for i in range(len(labels)):
        cells = t3_row_cells(d, labels, i)
        for x in cells:
            a(c(x))
        for v in d.t3raw[i]:
            a(c(v))
        if len(cells) < 3:
            a("|" * (4 - len(cells)))
    a(d.heads[3])
    for h in ("行政复议", "行政诉讼"):
        a(c(h))
    a("|" * 13)
    for h in list(G.T4_OUTLBL) + ["未经复议直接起诉", "复议后起诉"]:
        a(c(h))
    a("|" * 8)
    for h in list(G.T4_OUTLBL) * 2:
        a(c(h))
    a("|" * 5)
    for v in d.t4raw:
        a(c(v))
    pipe_tail(d, a)
    return "\n".join(L) + "\n"


def pipe_tail(d, a):
    a(d.heads[4])
    for p in d.s5:
        a(p)
    a(d.heads[5])
    for p in d.s6:
        a(p)
    if d.sign:
        a(d.sign[0])
        a(d.sign[1])


def fam_pipe_variants(rng, idx, args):
    sub = "pipe_rows" if rng.random() < 0.5 else "pipe_cells"
    level = rng.choice(("township", "county", "department", "city"))
    d = new_doc(rng, idx, "tabbed", level=level)
    d.gl = sub
    feats = []
    if rng.random() < 0.6:
        pat = rng.choice(BLANK_PATTERNS)
        if apply_pattern(rng, d, pat, lambda: ""):
            feats.append("blank:" + pat)
    text = render_pipe_rows(d, rng) if sub == "pipe_rows" else render_pipe_cells(d, rng)
    data, enc = G.encode(rng, text, d, {})
    ext = ".md" if sub == "pipe_rows" and rng.random() < 0.5 else ".txt"
    rel = "%s/%06d%s" % (sub, idx, ext)
    tr = truth_of(d, rel, enc, "ok")
    tr["layout"] = "markdown_table" if sub == "pipe_rows" else "cell_per_line"
    tr["format"] = "markdown" if ext == ".md" else "text"
    feats.append("pipe:" + ("no_leading" if sub == "pipe_rows" else "cell_lines"))
    return sub, rel, data, finish(tr, "pipe_variants", feats), "ok"


# ----------------------------------------------------------------------------- family 4: detached labels

def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r_ in rows:
        out.append("| " + " | ".join(r_) + " |")
    return out


def render_md_detached(d, rng, unc, lost, wr=None):
    """OCR/PDF-to-markdown output (kiro_shuyang_1): headings, one mini-table per row group of table 三 under
    placeholder headers 数据1..数据6/总计. In detached groups the labels are lines of their own, away from the
    value rows (`| 4 | 0 | … | 4 |`); when a label line was lost the rows of that group cannot be associated
    and are added to `unc`."""
    r = rng.random
    L = []
    a = L.append
    # wr (a random stream of its own): a converter of a PDF wrote the title as the page's lines, wrapped
    # anywhere (the Shanghai 2025 report: `正文` / `2025 年…政府信息公开` / `工作年度报告`), and wrapped the
    # prose the same way.
    if wr is not None:
        if wr.random() < 0.5:
            a("正文")
        t = d.title
        cut = wr.randint(max(2, t.find("年") + 1), len(t) - 2)
        a(t[:cut])
        a(t[cut:])
        a("")
        width = wr.randint(24, 34)
        L.extend(d.intro[i:i + width] for i in range(0, len(d.intro), width))
    else:
        a("# " + d.title)
        a("")
        a(d.intro)
    a("")
    a("## " + d.heads[0])
    a("")
    for p in d.s1:
        a(p)
        a("")
    a("## " + d.heads[1])
    a("")
    for cap, hdrs, rows in G.t2_blocks(d):
        a("### " + cap)
        L.extend(md_table(["信息内容"] + hdrs, [[label] + raws for label, raws in rows]))
        a("")
    a("## " + d.heads[2])
    a("")
    labels, spans, note = G.t3_labels(d.variant, d.sty)
    a(note)
    a("")
    hdr = ["类别"] + ["数据%d" % k for k in range(1, 7)] + ["总计"]
    vhdr = ["数据%d" % k for k in range(1, 7)] + ["总计"]
    rowdefs = G.ROWDEFS[d.variant]
    nr = len(rowdefs)
    # groups of rows: outer rows and single rows alone, reason rows by group
    groups = []
    i = 0
    while i < nr:
        code, kind, g, k = rowdefs[i]
        if kind == "reason":
            j = i
            while j < nr and rowdefs[j][1] == "reason" and rowdefs[j][2] == g:
                j += 1
            groups.append((i, j, g))
            i = j
        else:
            groups.append((i, i + 1, None))
            i += 1
    pending = []  # detached label lines printed later (far from the values)
    lose_one = [r() < 0.35]  # at most one group per report lost a value row
    for (i, j, g) in groups:
        L1, L2, L3 = labels[i]
        if g is None:
            title = L1 or L2
            if L1 and L2:
                a("### " + L1)
                a("")
                title = L2
            a("### " + title)
            L.extend(md_table(hdr, [[re.sub(r"^[（(][一二三四五六七][）)] ?", "", title)] + d.t3raw[i]]))
            a("")
            continue
        if L1:
            a("### " + L1)
        grp = labels[i][1]
        mode = r()
        if mode < 0.45:
            a("### " + grp)
            L.extend(md_table(hdr, [[labels[x][2]] + d.t3raw[x] for x in range(i, j)]))
            a("")
            continue
        # detached: the group label and the reason labels as lines, the values in a label-less table
        lab_lines = [grp] + [labels[x][2] for x in range(i, j)]
        vrows = [d.t3raw[x] for x in range(i, j)]
        if j - i > 1 and lose_one[0] and mode > 0.7 and (any(d.t3[x][6] for x in range(i, j)) or r() < 0.3):
            lose_one[0] = False
            # the converter lost one value row: which label lacks its row cannot be told
            x = rng.randrange(j - i)
            del vrows[x]
            unc.update(range(i, j))
            lost.append(i + x)
        far = r() < 0.5
        if far:
            pending.append(lab_lines)
            a("%s（续表）" % grp if r() < 0.3 else "")
        else:
            L.extend(lab_lines)
            a("")
        L.extend(md_table(vhdr, vrows))
        a("")
    for lines in pending:
        L.extend(lines)
        a("")
    a("## " + d.heads[3])
    a("")
    for name, k in (("行政复议", 0), ("行政诉讼（未经复议直接起诉）", 1), ("行政诉讼（复议后起诉）", 2)):
        a("### " + name)
        L.extend(md_table(list(G.T4_OUTLBL), [d.t4raw[k * 5:k * 5 + 5]]))
        a("")
    a("## " + d.heads[4])
    a("")
    for p in d.s5:
        a(p)
        a("")
    a("## " + d.heads[5])
    a("")
    for p in d.s6:
        a(p)
        a("")
    if d.sign:
        a(d.sign[0])
        a(d.sign[1])
    return "\n".join(L) + "\n"


def fam_md_detached(rng, idx, args):
    gl = "markdown_detached"
    level = rng.choice(("county", "county", "department", "city"))
    d = new_doc(rng, idx, "markdown_table", level=level, web=False)
    d.gl = gl
    set_date(rng, d)
    unc = set()
    lost = []
    # One file in three has its title and prose wrapped as a PDF converter wraps them; a random stream of its
    # own keeps every other draw of a seed as it was.
    wr = random.Random(idx * 6151 + 7)
    wr = wr if wr.random() < 0.3 else None
    text = render_md_detached(d, rng, unc, lost, wr)
    data, enc = G.encode(rng, text, d, {"enc": "utf-8", "crlf": False})
    rel = "%s/%06d.md" % (gl, idx)
    tr = truth_of(d, rel, enc, "ok")
    tr["layout"] = "markdown_table"
    feats = ["md:detached"]
    if wr is not None:
        feats.append("title:wrapped")
    if unc:
        mark_ambiguous(tr, (), sorted(unc), ())
        for r_ in lost:  # the lost row keeps its intended values, with raw "" (as a lost cell in the base mix)
            for c in range(7):
                tr["applications"][r_ * 7 + c]["raw"] = ""
        feats.append("md:row_lost")
        tr["status"] = "partial"
        return gl, rel, data, finish(tr, "md_detached", feats), "partial"
    return gl, rel, data, finish(tr, "md_detached", feats), "ok"


# ----------------------------------------------------------------------------- driver

NEW_LAYOUTS = {"cell_per_line_tab_rows": "cell_per_line", "glued_text": "glued_text", "markdown_detached": "markdown_table",
               "pipe_rows": "markdown_table", "pipe_cells": "cell_per_line"}
FAMILY_FN = {
    "cpl_tab_rows": fam_cpl_tab_rows, "blank_cells": fam_blank_cells, "glued_text": fam_glued_text,
    "md_detached": fam_md_detached, "pipe_variants": fam_pipe_variants, "web_meta": fam_web_meta,
    "negatives": fam_negatives, "narrative_breakdown": fam_narrative_breakdown,
}


def run(args):
    """--families driver: file i is made by family list[i % len(list)], so every family gets its share."""
    import os
    import sys
    import time
    fams = args.family_list
    G.CONTRACT_LAYOUT.update(NEW_LAYOUTS)
    G.FORMAT_OF.update({"markdown_detached": "markdown"})
    rng = G.FastRandom(args.seed * 1000003 + 26)
    G._EMPTY_SEEN[0] = 0
    out_root = args.out
    corpus = os.path.join(out_root, "corpus")
    os.makedirs(corpus, exist_ok=True)
    made = set()
    stats = {}
    t0 = time.time()
    base_args = None
    with open(os.path.join(out_root, "truth.jsonl"), "wb", buffering=1 << 20) as tf:
        for idx in range(args.n):
            fam = fams[idx % len(fams)]
            if fam == "base":
                gl, rel, data, line, status = base_file(rng, idx, args)
            else:
                gl, rel, data, line, status = FAMILY_FN[fam](rng, idx, args)
            dirp = os.path.join(corpus, gl)
            if gl not in made:
                os.makedirs(dirp, exist_ok=True)
                made.add(gl)
            G.write_file(os.path.join(corpus, rel), data)
            tf.write(line)
            k = (fam, gl, status)
            stats[k] = stats.get(k, 0) + 1
    if not args.quiet:
        print("wrote %d files in %.2fs to %s" % (args.n, time.time() - t0, out_root), file=sys.stderr)
        for (fam, gl, st), n in sorted(stats.items()):
            print("  %-20s %-24s %-13s %6d" % (fam, gl, st, n), file=sys.stderr)
    return 0


def base_file(rng, idx, args):
    """A well-formed report of the old mix (no odd files), tagged family 'base'."""
    gl = G.GEN_LAYOUTS[G.bisect_right(G.LAYOUT_CUM, rng.random() * G.LAYOUT_CUM[-1])]
    ctl = {"p_blank": args.p_blank, "p_amb": args.p_amb, "p_violation": args.p_violation}
    d = G.make_doc(rng, idx, gl, ctl)
    enc_choice = None
    if gl == "html_table":
        x = rng.random()
        enc_choice = "gb18030" if x < 0.05 else ("utf-8-sig" if x < 0.07 else "utf-8")
        d.opt["charset"] = rng.choice(("gb2312", "GBK", "gb18030")) if enc_choice == "gb18030" else "utf-8"
    text = G.RENDER[gl](d, rng)
    data, enc = G.encode(rng, text, d, {"enc": enc_choice} if enc_choice else {})
    ext = G.EXT.get(gl, ".txt")
    status = "partial" if (d.cut or d.t3amb) else "ok"
    rel = "%s/%06d%s" % (gl, idx, ext)
    tr = truth_of(d, rel, enc, status)
    return gl, rel, data, finish(tr, "base", []), status
