#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""genreports.py - synthetic 政府信息公开工作年度报告 (annual OGI reports) with ground truth.

Pure Python 3 standard library. Deterministic for a given --seed.

    python3 data/generator/genreports.py --n N --seed S --out DIR [--sample] [--clean]

writes

    DIR/corpus/<gen_layout>/<NNNNNN>.<ext>     one report (or odd file) each
    DIR/truth.jsonl                            one JSON object per file, in file order

gen_layout is one of tabbed, markdown_table, cell_per_line, cell_per_line_tab,
space_aligned, html_table, or misc (empty / binary / not-a-report files).
The documents imitate the real files in ../shared/corpus (seeds 000-002, kiro_1/2,
govnianbao_1): see data/generator/README.md for the list of modelled pitfalls and the
exact truth conventions.

--sample   ~12 small, varied, nice-looking files for the bundled sample corpus.
--clean    only well-formed reports (no odd files, no ambiguity, no truncation).
"""

import argparse
import gc
import json
import math
import os
import random
import sys
import time
from bisect import bisect_right
from itertools import accumulate

# ----------------------------------------------------------------------------- layouts

GEN_LAYOUTS = ("tabbed", "markdown_table", "cell_per_line", "cell_per_line_tab", "space_aligned", "html_table")
LAYOUT_WEIGHTS = (20, 15, 15, 10, 25, 15)
CONTRACT_LAYOUT = {
    "tabbed": "tabbed",
    "markdown_table": "markdown_table",
    "cell_per_line": "cell_per_line",
    "cell_per_line_tab": "cell_per_line",
    "space_aligned": "space_aligned",
    "html_table": "html_table",
    "misc": "none",
}
FORMAT_OF = {"markdown_table": "markdown", "html_table": "html"}

# ----------------------------------------------------------------------------- gazetteer (real names)

MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")

GAZ = {
    "山西省": {
        "运城市": {"新绛县": ["万安镇", "龙兴镇", "泽掌镇", "北张镇", "古交镇", "阳王镇"],
                 "闻喜县": ["桐城镇", "东镇镇", "礼元镇", "河底镇"],
                 "盐湖区": ["解州镇", "北城街道", "龙居镇"]},
        "太原市": {"清徐县": ["清源镇", "徐沟镇", "东于镇"], "小店区": ["北格镇", "坞城街道", "营盘街道"]},
        "长治市": {"襄垣县": ["古韩镇", "王桥镇", "夏店镇"], "潞州区": ["东街街道", "西街街道", "老顶山镇"]},
    },
    "辽宁省": {
        "阜新市": {"彰武县": ["彰武镇", "哈尔套镇", "章古台镇", "阿尔乡镇"], "阜新蒙古族自治县": ["阜新镇", "东梁镇", "大巴镇"]},
        "沈阳市": {"康平县": ["康平镇", "郝官屯镇", "二牛所口镇"], "辽中区": ["茨榆坨街道", "蒲西街道", "冷子堡镇"]},
        "大连市": {"普兰店区": ["丰荣街道", "皮口街道", "城子坦街道"], "长海县": ["大长山岛镇", "獐子岛镇", "广鹿乡"]},
    },
    "江苏省": {
        "淮安市": {"洪泽区": ["高良涧街道", "蒋坝镇", "岔河镇", "老子山镇"], "淮安区": ["车桥镇", "施河镇", "平桥镇"],
                 "涟水县": ["涟城街道", "高沟镇", "唐集镇"]},
        "南京市": {"江宁区": ["秣陵街道", "湖熟街道", "淳化街道"], "溧水区": ["永阳街道", "白马镇", "晶桥镇"]},
        "苏州市": {"吴江区": ["震泽镇", "同里镇", "黎里镇"], "吴中区": ["木渎镇", "甪直镇", "光福镇"]},
    },
    "浙江省": {
        "杭州市": {"淳安县": ["千岛湖镇", "威坪镇", "汾口镇"], "桐庐县": ["分水镇", "富春江镇", "横村镇"],
                 "余杭区": ["瓶窑镇", "良渚街道", "径山镇"]},
        "湖州市": {"安吉县": ["递铺街道", "孝丰镇", "天荒坪镇"], "德清县": ["新市镇", "乾元镇", "禹越镇"]},
    },
    "安徽省": {
        "宣城市": {"绩溪县": ["华阳镇", "临溪镇", "上庄镇"], "泾县": ["泾川镇", "茂林镇", "桃花潭镇"]},
        "合肥市": {"肥西县": ["上派镇", "三河镇", "桃花镇"], "长丰县": ["水湖镇", "双墩镇", "岗集镇"]},
    },
    "福建省": {
        "三明市": {"将乐县": ["古镛镇", "万安镇", "高唐镇"], "沙县区": ["凤岗街道", "虬江街道", "夏茂镇"]},
        "南平市": {"浦城县": ["南浦街道", "仙阳镇", "富岭镇"], "光泽县": ["杭川镇", "止马镇", "鸾凤乡"]},
    },
    "山东省": {
        "济南市": {"章丘区": ["明水街道", "相公庄街道", "文祖街道"], "平阴县": ["东阿镇", "孝直镇", "洪范池镇"]},
        "临沂市": {"沂水县": ["沂城街道", "许家湖镇", "高桥镇"], "兰陵县": ["卞庄街道", "向城镇", "磨山镇"]},
        "淄博市": {"沂源县": ["南麻街道", "悦庄镇", "东里镇"], "博山区": ["山头街道", "域城镇", "池上镇"]},
    },
    "河南省": {
        "郑州市": {"中牟县": ["城关镇", "韩寺镇", "官渡镇"], "金水区": ["文化路街道", "丰产路街道", "杨金路街道"]},
        "洛阳市": {"嵩县": ["城关镇", "田湖镇", "车村镇"], "栾川县": ["城关镇", "合峪镇", "潭头镇"]},
    },
    "湖北省": {
        "宜昌市": {"秭归县": ["茅坪镇", "归州镇", "屈原镇"], "远安县": ["鸣凤镇", "花林寺镇", "旧县镇"]},
        "武汉市": {"江夏区": ["纸坊街道", "金口街道", "乌龙泉街道"], "黄陂区": ["前川街道", "祁家湾街道", "罗汉寺街道"]},
    },
    "湖南省": {
        "长沙市": {"长沙县": ["星沙街道", "黄花镇", "春华镇"], "望城区": ["高塘岭街道", "乔口镇", "靖港镇"]},
        "衡阳市": {"衡山县": ["开云镇", "白果镇", "店门镇"], "衡东县": ["城关镇", "大浦镇", "杨桥镇"]},
    },
    "广东省": {
        "广州市": {"从化区": ["太平镇", "鳌头镇", "温泉镇"], "增城区": ["新塘镇", "派潭镇", "正果镇"]},
        "梅州市": {"大埔县": ["湖寮镇", "三河镇", "茶阳镇"], "蕉岭县": ["蕉城镇", "新铺镇", "长潭镇"]},
    },
    "四川省": {
        "成都市": {"郫都区": ["犀浦街道", "唐昌街道", "安德街道"], "蒲江县": ["鹤山街道", "大塘镇", "西来镇"]},
        "绵阳市": {"三台县": ["潼川镇", "芦溪镇", "西平镇"], "北川羌族自治县": ["永昌镇", "曲山镇", "擂鼓镇"]},
    },
    "河北省": {
        "石家庄市": {"正定县": ["正定镇", "新城铺镇", "北早现乡"], "赞皇县": ["赞皇镇", "院头镇", "黄北坪乡"]},
        "保定市": {"涞水县": ["涞水镇", "永阳镇", "三坡镇"], "阜平县": ["阜平镇", "龙泉关镇", "城南庄镇"]},
    },
    "陕西省": {
        "西安市": {"蓝田县": ["蓝关街道", "玉山镇", "汤峪镇"], "周至县": ["二曲街道", "哑柏镇", "楼观镇"]},
        "宝鸡市": {"眉县": ["首善街道", "横渠镇", "汤峪镇"], "凤翔区": ["城关镇", "柳林镇", "陈村镇"]},
    },
    "云南省": {
        "昆明市": {"宜良县": ["匡远街道", "北古城镇", "狗街镇"], "晋宁区": ["昆阳街道", "晋城街道", "六街镇"]},
        "曲靖市": {"陆良县": ["中枢街道", "马街镇", "三岔河镇"], "罗平县": ["罗雄街道", "板桥镇", "阿岗镇"]},
    },
    "北京市": {None: {"海淀区": ["中关村街道", "学院路街道", "温泉镇"], "密云区": ["鼓楼街道", "溪翁庄镇", "古北口镇"],
                     "朝阳区": ["建外街道", "呼家楼街道", "十八里店乡"]}},
    "上海市": {None: {"普陀区": ["长寿路街道", "长征镇", "桃浦镇"], "闵行区": ["莘庄镇", "七宝镇", "虹桥镇"],
                     "崇明区": ["城桥镇", "堡镇", "陈家镇"]}},
    "天津市": {None: {"西青区": ["杨柳青镇", "中北镇", "大寺镇"], "蓟州区": ["渔阳镇", "下营镇", "马伸桥镇"]}},
    "重庆市": {None: {"渝北区": ["双凤桥街道", "统景镇", "兴隆镇"], "巫山县": ["巫峡镇", "大昌镇", "庙宇镇"]}},
}

PROVINCES = list(GAZ)
CITIES = [(p, c) for p in GAZ for c in GAZ[p] if c]
COUNTIES = [(p, c, k) for p in GAZ for c in GAZ[p] for k in GAZ[p][c]]
TOWNS = [(p, c, k, t) for p in GAZ for c in GAZ[p] for k in GAZ[p][c] for t in GAZ[p][c][k]]

DEPT_PROV = ["教育厅", "财政厅", "公安厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅", "农业农村厅",
             "卫生健康委员会", "市场监督管理局", "人力资源和社会保障厅", "民政厅", "司法厅", "商务厅", "审计厅", "统计局",
             "应急管理厅", "文化和旅游厅", "水利厅", "发展和改革委员会", "人民政府办公厅"]
DEPT_MUNI = ["教育委员会", "财政局", "公安局", "规划和自然资源委员会", "生态环境局", "住房和城乡建设委员会", "交通委员会",
             "农业农村局", "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "民政局", "司法局", "商务委员会",
             "审计局", "统计局", "应急管理局", "文化和旅游局", "水务局", "发展和改革委员会", "人民政府办公厅"]
DEPT_CITY = ["教育局", "财政局", "公安局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
             "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "民政局", "司法局", "商务局", "审计局", "统计局",
             "应急管理局", "文化广电和旅游局", "水利局", "发展和改革委员会", "人民政府办公室", "退役军人事务局", "医疗保障局"]
DEPT_COUNTY = ["教育局", "财政局", "公安局", "自然资源局", "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康局",
               "市场监督管理局", "人力资源和社会保障局", "民政局", "司法局", "商务局", "审计局", "统计局", "应急管理局",
               "文化和旅游局", "水利局", "发展和改革局", "人民政府办公室", "退役军人事务局", "医疗保障局", "林业局"]

LEVELS = ("township", "county", "department", "city", "province")
LEVEL_W = (40, 22, 22, 11, 5)
LEVEL_CUM = list(accumulate(LEVEL_W))
LAYOUT_CUM = list(accumulate(LAYOUT_WEIGHTS))
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
YEAR_CUM = list(accumulate((10, 14, 18, 20, 20, 18)))

# ----------------------------------------------------------------------------- table 二

T2_2021 = (
    ("一", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("regulation", "规章", ("issued", "repealed", "in_force")),
      ("normative_document", "行政规范性文件", ("issued", "repealed", "in_force")))),
    ("五", ("本年处理决定数量",), (("administrative_license", "行政许可", ("decisions",)),)),
    ("六", ("本年处理决定数量",), (("administrative_penalty", "行政处罚", ("decisions",)),
                             ("administrative_coercion", "行政强制", ("decisions",)))),
    ("八", ("本年收费金额（单位：万元）",), (("administrative_fee", "行政事业性收费", ("fee_amount",)),)),
)
T2_2019 = (
    ("一", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("regulation", "规章", ("new_made", "new_published", "published_total")),
      ("normative_document", "规范性文件", ("new_made", "new_published", "published_total")))),
    ("五", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("administrative_license", "行政许可", ("prior_year_items", "change", "decisions")),
      ("other_external_service", "其他对外管理服务事项", ("prior_year_items", "change", "decisions")))),
    ("六", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("administrative_penalty", "行政处罚", ("prior_year_items", "change", "decisions")),
      ("administrative_coercion", "行政强制", ("prior_year_items", "change", "decisions")))),
    ("八", ("上一年项目数量", "本年增/减"), (("administrative_fee", "行政事业性收费", ("prior_year_items", "change")),)),
    ("九", ("采购项目数量", "采购总金额"), (("central_procurement", "政府集中采购", ("procurement_items", "procurement_amount")),)),
)


def t2_keys(spec):
    return [(item, m) for _, _, rows in spec for item, _, ms in rows for m in ms]


T2_KEYS = {"2019": t2_keys(T2_2019), "2021": t2_keys(T2_2021)}
T2_PREFIX = {v: ['{"item_code":"%s","metric_code":"%s","value":' % k for k in T2_KEYS[v]] for v in T2_KEYS}

# ----------------------------------------------------------------------------- table 三

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_agency", "other_org", "total")
OUTER = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "四、结转下年度继续办理")
GROUPTXT = {1: "予以公开", 2: "部分公开（区分处理的，只计这一情形，不计其他情形）", 3: "不予公开", 4: "无法提供",
            5: "不予处理", 6: "其他处理", 7: "总计"}
REASONS = {
    3: ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益", "属于三类内部事务信息",
        "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"),
    4: ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    5: ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息"),
    6: ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"),
}
RCODES = {
    3: ("denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties", "denied_third_party",
        "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query_matter"),
    4: ("unable_not_held", "unable_needs_creation", "unable_unclear"),
    5: ("not_processed_petition", "not_processed_repeat", "not_processed_publication", "not_processed_excessive",
        "not_processed_confirm"),
    6: ("other_no_correction", "other_no_fee", "other_other"),
}
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORG_TYPES = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
# outcome weights (share of handled applications), per outcome row
W_OUT = {"granted": 35, "partially_granted": 10, "denied_state_secret": .4, "denied_prohibited_by_law": 2,
         "denied_three_safeties": .5, "denied_third_party": 2, "denied_internal_affairs": 2, "denied_process_info": 2,
         "denied_enforcement_file": 1, "denied_query_matter": 3, "unable_not_held": 20, "unable_needs_creation": 3,
         "unable_unclear": 2, "not_processed_petition": 4, "not_processed_repeat": 2, "not_processed_publication": .5,
         "not_processed_excessive": .3, "not_processed_confirm": .5, "other_no_correction": 4, "other_no_fee": .2,
         "other_other": 5, "other_handling": 9}
W_APPL = (90, 6, .3, .5, 2, 1.2)


def t3_rowdefs(variant):
    """variant: '2019', '2021', or '2021s' (2021 format printing （六）其他处理 as one row, as real/kiro_1)."""
    rows = [("new_received", "outer", 0, 0), ("carried_over", "outer", 1, 0),
            ("granted", "single", 1, 0), ("partially_granted", "single", 2, 0)]
    for g in (3, 4, 5):
        rows += [(c, "reason", g, i) for i, c in enumerate(RCODES[g])]
    if variant == "2021":
        rows += [(c, "reason", 6, i) for i, c in enumerate(RCODES[6])]
    else:
        rows.append(("other_handling", "single", 6, 0))
    rows += [("total_handled", "single", 7, 0), ("carried_forward", "outer", 3, 0)]
    return rows


ROWDEFS = {v: t3_rowdefs(v) for v in ("2019", "2021", "2021s")}
T3_PREFIX = {v: [['{"row_code":"%s","applicant":"%s","count":' % (r[0], a) for a in APPLICANTS] for r in ROWDEFS[v]]
             for v in ROWDEFS}
T3_CUM = {v: list(accumulate(W_OUT[r[0]] for r in ROWDEFS[v][2:-2])) for v in ROWDEFS}
T3_W = {v: [W_OUT[r[0]] for r in ROWDEFS[v][2:-2]] for v in ROWDEFS}

PROCS = ("review", "litigation_direct", "litigation_after_review")
OUTS = ("upheld", "corrected", "other", "pending", "total")
T4_PREFIX = ['{"proceeding":"%s","outcome":"%s","count":' % (p, o) for p in PROCS for o in OUTS]
T4_OUTLBL = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_SUF = ',"blank":false,"ambiguous":false}'


Z7 = ["0"] * 7
T3_ZERO = {v: [",".join('%s0,"raw":"0"%s' % (p, _SUF) for p in row) for row in T3_PREFIX[v]] for v in T3_PREFIX}


CNUM = "〇一二三四五六七八九十"
HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})
FULLW = str.maketrans("0123456789.+-", "０１２３４５６７８９．＋－")


def gpar(n, st):
    c = CNUM[n]
    if st == 0:
        return "（" + c + "）"
    if st == 1:
        return "(" + c + ")"
    return "(" + c + ") "


def rnum(n, st):
    return ("%d." % n, "%d. " % n, "%d．" % n, "%d、" % n)[st]


_LBL = {}


def t3_labels(variant, sty):
    """Per row (L1, L2, L3): L1 outer label (on the first row of its span), L2 group label (first row of the
    group), L3 reason label. Also returns group spans {first_row: (g, size)}."""
    key = (variant, sty)
    hit = _LBL.get(key)
    if hit:
        return hit
    s_par, s_num, s_quote, s_half, s_typo = sty
    out = []
    spans = {}
    for idx, (code, kind, g, i) in enumerate(ROWDEFS[variant]):
        if kind == "outer":
            out.append((OUTER[g], "", ""))
            continue
        gl = gpar(g, s_par) + GROUPTXT[g]
        if s_half:
            gl = gl.translate(HALF)
        if kind == "single":
            out.append((OUTER[2] if code == "granted" else "", gl, ""))
            continue
        txt = REASONS[g][i]
        if s_quote and g == 3 and i == 2:
            txt = '危及"三安全一稳定"'
        if s_typo and g == 3 and i == 1:
            txt = "其他法律行政止公开"
        if s_typo and g == 5 and i == 3:
            txt = "无正当理由大量反复 申请"
        num = rnum(i + 1, s_num)
        if g == 6 and s_num == 0 and variant == "2021" and s_typo:
            num = rnum(i + 1, 3)
        out.append(("", gl if i == 0 else "", num + txt))
        if i == 0:
            spans[idx] = (g, len(REASONS[g]) if variant == "2021" or g != 6 else 1)
    note = NOTE.translate(HALF) if s_half else NOTE
    res = (out, spans, note)
    _LBL[key] = res
    return res


# ----------------------------------------------------------------------------- prose banks

CATS = ["机构信息", "政策法规", "通知公告", "财政信息", "人事信息", "政府工作报告信息", "乡镇工作", "概况信息", "综合管理信息",
        "政策文件及解读", "村居信息", "工作动态", "规划计划", "民生实事", "重点领域信息", "应急管理信息", "人事任免",
        "财政预决算", "公示公告", "政策解读"]
CH_WEB = ["政府网站", "政府门户网站", "门户网站"]
CH_WX = ["微信公众号", "政务微信", "微信平台“{nm}”", "“{nm}”微信公众号"]
CH_WB = ["政务微博", "官方微博"]
CH_DY = ["抖音号", "“{nm}”抖音号", "抖音平台"]

ACTIVE_GEN = [
    "坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，及时、准确、全面公开政府信息。",
    "聚焦重点领域信息公开，及时发布财政预决算、重大建设项目、公共资源配置、社会公益事业等领域信息。",
    "进一步完善主动公开目录，规范信息发布审核流程，确保公开内容准确、完整、及时。",
    "围绕稳就业、保民生、优环境等重点工作，持续加大政策文件及解读材料的公开力度。",
    "积极运用图文、视频等多种形式开展政策解读，提高政策知晓度。",
]
APPLY_GEN = [
    "进一步规范依申请公开流程，畅通依申请公开受理渠道，严格按照法定时限答复。",
    "完善依申请公开登记、审核、办理、答复、归档等工作流程，确保答复内容规范、依据充分。",
    "对申请内容不明确的，及时与申请人沟通，一次性告知需要补正的事项，在15个工作日内予以答复。",
    "加强与申请人的沟通联系，准确了解申请人诉求，提高答复的及时性和针对性。",
]
MANAGE_GEN = [
    "严格落实信息发布“三审三校”制度，做好公开前保密审查，未经审核的信息一律不予发布。",
    "建立健全政府信息公开属性源头认定机制，做好公文公开属性的审核把关。",
    "对已公开的政府信息进行全面梳理，及时更新失效信息，确保公开信息的准确性和权威性。",
    "按照“谁公开、谁审查、谁负责”的原则，规范政府信息发布程序。",
]
PLATFORM_GEN = [
    "持续加强政府网站信息公开专栏建设，优化栏目设置，方便群众查询。",
    "加强政务新媒体日常管理，对更新不及时、无力运维的账号进行关停整合。",
    "充分发挥政府网站作为政府信息公开第一平台的作用，及时发布各类政府信息。",
    "设立政务公开专区，为群众提供政府信息查阅、咨询等服务。",
]
SUPERVISE_GEN = [
    "明确领导责任，配齐配强工作力量，将政务公开工作纳入年度绩效考核内容。",
    "定期组织开展政务公开业务培训，不断提升工作人员的业务能力和水平。",
    "主动接受社会监督，畅通12345政务服务便民热线等监督渠道，本年度未发生政府信息公开工作责任追究情况。",
    "加强对政府信息公开工作的日常督促检查，对发现的问题及时督促整改。",
]
SEC5_PROB = [
    "{Y}年，{we}政府信息公开工作虽取得一定成效，但与上级要求和群众期盼相比仍存在一些差距：一是公开内容的深度和广度有待提升；二是政策解读形式还不够丰富；三是工作人员业务水平有待进一步提高。",
    "对照上级新要求和公众新期待，还有一些需要加强和改进的地方。主要表现在：个别栏目信息更新不及时，政策解读质量仍需提升。",
    "存在的主要问题是：信息公开的主动性和及时性还需加强，依申请公开答复的规范化水平有待提高。",
]
SEC5_MEAS = [
    "下一步，{we}将进一步健全政府信息公开工作机制，突出公开重点，提高公开质量，切实保障人民群众的知情权、参与权和监督权。",
    "针对存在问题，{we}将着力加强政策解读质效，重点提升解读的针对性和通俗化，积极回应企业和群众的实际需求。",
    "一是加强业务培训，提升工作人员能力；二是丰富公开形式，增强公开实效；三是强化监督检查，推动各项工作落到实处。",
    "下一步，将切实抓好以下工作：一是扎实推进依申请公开工作，全面梳理和优化工作流程；二是围绕中心工作，进一步明确政务公开的重点领域；三是继续加强业务指导培训。",
]
SEC6_FEE = [
    "{Y}年，{we}未收取政府信息公开信息处理费。",
    "{Y}年，{we}严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费{Z}元。",
    "本年度未发出收费通知，未收取信息处理费。",
]
SEC6_MORE = [
    "{Y}年，{we}认真落实政务公开工作要点部署，各项任务均已按要求完成。",
    "认真办理人大代表建议和政协委员提案，办理结果均已按要求公开。",
]


# ----------------------------------------------------------------------------- helpers

class FastRandom(random.Random):
    """random.Random with cheaper randint/randrange/choice (all derived from random(), so still deterministic)."""

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def randrange(self, a, b=None):
        if b is None:
            return int(self.random() * a)
        return a + int(self.random() * (b - a))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def split_n(rng, n, weights, cum=None):
    """Split integer n into len(weights) non-negative parts (random, roughly proportional).
    weights[0] must be the largest weight (it absorbs the rounding remainder)."""
    k = len(weights)
    if n <= 0:
        return [0] * k
    rr = rng.random
    if n <= 30:
        if cum is None:
            cum = list(accumulate(weights))
        tot = cum[-1]
        out = [0] * k
        for _ in range(n):
            j = bisect_right(cum, rr() * tot)
            out[j if j < k else k - 1] += 1
        return out
    raw = [w * (0.3 + 1.4 * rr()) if (w >= 3 or rr() < 0.6) else 0.0 for w in weights]
    raw[0] = weights[0] * (0.3 + 1.4 * rr())
    f = n / sum(raw)
    out = [int(x * f) for x in raw]
    out[0] += n - sum(out)
    return out


SMALL_STR = tuple(str(i) for i in range(10000))


def lognorm(rng, mu, sigma, cap):
    return min(cap, int(math.exp(rng.gauss(mu, sigma))))


def cn_date(y, m, d):
    dig = "〇一二三四五六七八九"
    ys = "".join(dig[int(ch)] for ch in str(y))

    def small(n):
        if n <= 10:
            return "十" if n == 10 else dig[n]
        if n < 20:
            return "十" + dig[n - 10]
        return dig[n // 10] + "十" + (dig[n % 10] if n % 10 else "")
    return "%s年%s月%s日" % (ys, small(m), small(d))


NO_LINE_START = frozenset("，。、；：）》”’！？,.;:)")


def wrap(s, width):
    """Wrap s into lines of at most `width` chars, never splitting a run of ASCII letters/digits."""
    out = []
    n = len(s)
    i = 0
    while i < n:
        j = i + width
        if j >= n:
            out.append(s[i:])
            break
        k = j
        while k > i + 1 and s[k - 1].isascii() and s[k].isascii() and s[k - 1] != " " and s[k] != " ":
            k -= 1
        if k == i + 1:
            k = j
        if s[k] in NO_LINE_START:  # kinsoku: punctuation never starts a line
            k += 1
        out.append(s[i:k])
        i = k
    return out


def put(pairs):
    """Build a line from (x, text) pairs; keeps at least one space between pieces."""
    s = ""
    for x, t in pairs:
        if len(s) < x:
            s += " " * (x - len(s))
        elif s:
            s += " "
        s += t
    return s


# ----------------------------------------------------------------------------- organisation

def make_org(rng, level=None):
    r = rng.random
    if level is None:
        level = LEVELS[bisect_right(LEVEL_CUM, rng.random() * LEVEL_CUM[-1])]
    prov = city = county = town = None
    if level == "township":
        p, c, k, t = rng.choice(TOWNS)
        suffix = "办事处" if t.endswith("街道") else "人民政府"
        x = r()
        if p in MUNICIPALITIES:
            c = None
        if x < 0.08:
            prov, city, county, town = p, c, k, t
        elif x < 0.25 and c:
            city, county, town = c, k, t
        elif x < 0.72:
            county, town = k, t
        else:
            town = t
        org = (prov or "") + (city or "") + (county or "") + town + suffix
        we = "我街道" if t.endswith("街道") else ("我乡" if t.endswith("乡") else "我镇")
        nm = t + suffix
    elif level == "county":
        p, c, k = rng.choice(COUNTIES)
        x = r()
        if p in MUNICIPALITIES:
            if x < 0.6:
                prov = p
            county = k
        else:
            if x < 0.08:
                prov, city = p, c
            elif x < 0.4:
                city = c
            county = k
        org = (prov or "") + (city or "") + county + "人民政府"
        we = "我区" if k.endswith("区") else "我县"
        nm = k + "人民政府"
    elif level == "city":
        p, c = rng.choice(CITIES)
        city = c
        if r() < 0.2:
            prov = p
        org = (prov or "") + c + "人民政府"
        we = "我市"
        nm = c + "人民政府"
    elif level == "province":
        prov = rng.choice(PROVINCES)
        org = prov + "人民政府"
        we = "我市" if prov in MUNICIPALITIES else "我省"
        nm = org
    else:  # department
        x = r()
        if x < 0.15:
            prov = rng.choice(PROVINCES)
            dept = rng.choice(DEPT_MUNI if prov in MUNICIPALITIES else DEPT_PROV)
        elif x < 0.55:
            p, c = rng.choice(CITIES)
            city = c
            if r() < 0.1:
                prov = p
            dept = rng.choice(DEPT_CITY)
        else:
            p, c, k = rng.choice(COUNTIES)
            county = k
            if p in MUNICIPALITIES:
                if r() < 0.5:
                    prov = p
            elif r() < 0.25:
                city = c
            dept = rng.choice(DEPT_COUNTY)
        org = (prov or "") + (city or "") + (county or "") + dept
        we = "本机关" if dept.startswith("人民政府") else ("我委" if dept.endswith("委员会") else
                                                        ("我厅" if dept.endswith("厅") else "我局"))
        nm = org
    return {"org": org, "level": level, "province": prov, "city": city, "county": county, "township": town,
            "we": we, "nm": nm}


# ----------------------------------------------------------------------------- values

SCALE = {"township": 0, "department": 1, "county": 2, "city": 3, "province": 4}


def gen_t3(rng, level, variant):
    rows = ROWDEFS[variant]
    nr = len(rows)
    vals = [[0] * 7 for _ in range(nr)]
    r = rng.random
    s = SCALE[level]
    p0, mu, sg = ((0.72, 0.8, 0.8), (0.35, 2.0, 1.1), (0.08, 3.4, 1.0), (0.0, 5.6, 0.9), (0.0, 6.3, 0.8))[s]
    if r() < p0:
        return vals
    n_new = max(1, lognorm(rng, mu, sg, 20000))
    cols = split_n(rng, n_new, W_APPL)
    cum = T3_CUM[variant]
    wts = T3_W[variant]
    for c in range(6):
        n = cols[c]
        if n == 0 and c:
            continue
        co = int(n * 0.08 * r()) if r() < 0.5 else 0
        if s >= 2 and c == 0 and co == 0 and r() < 0.3:
            co = 1 + int(r() * 3)
        fw = int((n + co) * 0.08 * r()) if r() < 0.5 else 0
        h = n + co - fw
        outs = split_n(rng, h, wts, cum)
        vals[0][c] = n
        vals[1][c] = co
        for j, v in enumerate(outs):
            vals[2 + j][c] = v
        vals[nr - 2][c] = h
        vals[nr - 1][c] = fw
    for row in vals:
        row[6] = row[0] + row[1] + row[2] + row[3] + row[4] + row[5]
    return vals


T4_CUM = list(accumulate((50, 10, 28, 12)))


def gen_t4(rng, level):
    s = SCALE[level]
    r = rng.random
    p0, mu = ((0.96, 0.3), (0.75, 0.7), (0.5, 1.3), (0.05, 3.4), (0.05, 3.8))[s]
    out = []
    for k, (dp, dm) in enumerate(((0, 0), (0.1, 0.9), (0.2, 1.3))):
        if r() < p0 + dp * (1 - p0):
            out += [0, 0, 0, 0, 0]
            continue
        n = max(1, lognorm(rng, mu - dm, 0.9, 2000))
        a = split_n(rng, n, (50, 10, 28, 12), T4_CUM)
        out += a + [n]
    return out


def gen_t2(rng, level, tpl):
    """Intended numeric values in T2 key order (floats for money)."""
    s = SCALE[level]
    r = rng.random
    ri = rng.randint

    def dec(p0, mu, sg, cap):
        return 0 if r() < p0 else max(1, lognorm(rng, mu, sg, cap))
    lic = dec((0.6, 0.4, 0.02, 0, 0)[s], (3.0, 5.5, 7.8, 10.5, 9.5)[s], 1.2, 900000)
    pen = dec((0.75, 0.5, 0.02, 0, 0.1)[s], (2.0, 5.0, 6.8, 9.8, 7.5)[s], 1.3, 4500000)
    coe = dec((0.93, 0.8, 0.2, 0.02, 0.3)[s], (1.0, 2.5, 3.8, 7.0, 4.5)[s], 1.3, 100000)
    if s >= 3:
        reg = (ri(0, 6), ri(0, 4), ri(10, 150))
    else:
        reg = (0, 0, 0)
    if s == 0:
        nd_issued = 0 if r() < 0.8 else ri(1, 4)
        nd = (nd_issued, 0, nd_issued + (ri(0, 8) if r() < 0.3 else 0))
    else:
        lo, hi = ((0, 0), (0, 10), (2, 30), (5, 40), (10, 80))[s]
        iss = ri(lo, hi)
        rep = ri(0, hi // 2)
        nd = (iss, rep, iss + ri(5, 40 * s))
    if tpl == "2021":
        if s == 0:
            fee = 0.0 if r() < 0.95 else round(r() * 20, 2)
        else:
            p0 = (0, 0.6, 0.2, 0.0, 0.1)[s]
            fee = 0.0 if r() < p0 else round(math.exp(rng.gauss((0, 5, 7.5, 9.5, 11)[s], 1.2)), 2)
        return [float(x) for x in (reg + nd + (lic, pen, coe))] + [fee]
    # 2019: made / published / total ; items / change / decisions
    def a19(t):
        made = t[0]
        pub = made if r() < 0.8 else max(0, made - ri(0, max(1, made // 3)))
        return (made, pub, t[2] + pub)

    def items(scale_items, decisions):
        if decisions == 0 and r() < 0.7:
            return (0, 0, 0)
        it = ri(1, scale_items)
        ch = 0 if r() < 0.5 else ri(-max(1, it // 10), max(1, it // 8))
        return (it, ch, decisions)
    si = (20, 80, 600, 1500, 1200)[s]
    oes = dec((0.8, 0.6, 0.3, 0.2, 0.3)[s], (1.0, 3.0, 4.5, 6.5, 6.0)[s], 1.2, 90000)
    fee_items = 0 if (s == 0 and r() < 0.9) else ri(0, (3, 20, 60, 120, 150)[s])
    fee_ch = 0 if r() < 0.6 else ri(-3, 3)
    if fee_items + fee_ch < 0:
        fee_ch = 0
    pi = 0 if r() < (0.6, 0.4, 0.1, 0.02, 0.02)[s] else max(1, lognorm(rng, (1.0, 2.0, 3.5, 5.0, 5.5)[s], 1.0, 5000))
    pa = 0.0 if pi == 0 else round(math.exp(rng.gauss((3.0, 5.0, 7.0, 9.5, 10.5)[s], 1.2)), 4)
    v = (a19(reg) + a19(nd) + items(si, lic) + items(max(2, si // 4), oes) + items(si, pen) + items(max(2, si // 5), coe)
         + (fee_items, fee_ch) + (pi, pa))
    return [float(x) for x in v]


# ----------------------------------------------------------------------------- the document

def fmt_int(v, thou, fw):
    s = ("{:,}".format(v) if (thou and v >= 1000) else (SMALL_STR[v] if 0 <= v < 10000 else str(v)))
    return s.translate(FULLW) if fw else s


class Doc:
    __slots__ = ("idx", "gl", "tpl", "variant", "year", "o", "sty", "sp", "cap_st", "t2", "t2raw", "t2blank",
                 "t3", "t3raw", "t3blank", "t3amb", "drop", "cut", "t4", "t4raw", "t4blank", "title_lines", "title",
                 "webhdr", "intro", "heads", "s1", "s5", "s6", "sign", "footer", "published", "narr", "status",
                 "fw", "thou", "proc_style", "fee_hdr", "small", "opt")

    def __init__(self):
        self.opt = {}


def choose_template(rng, year):
    if year <= 2020:
        if year == 2020 and rng.random() < 0.02:
            return "2021"
        return "2019"
    return "2021"


def make_doc(rng, idx, gl, ctl):
    """ctl: dict of forced choices (sample mode) and feature switches."""
    r = rng.random
    d = Doc()
    d.idx = idx
    d.gl = gl
    d.small = ctl.get("small", False)
    o = make_org(rng, ctl.get("level"))
    d.o = o
    year = ctl.get("year") or YEARS[bisect_right(YEAR_CUM, r() * YEAR_CUM[-1])]
    d.year = year
    d.tpl = ctl.get("tpl") or choose_template(rng, year)
    d.variant = d.tpl
    if d.tpl == "2021" and gl == "space_aligned" and r() < 0.12 and not ctl.get("no_variant"):
        d.variant = "2021s"
    s = SCALE[o["level"]]
    # ---- label style
    s_half = (gl == "cell_per_line" and r() < 0.7) or r() < 0.08
    d.sty = (0 if r() < 0.55 else (1 if r() < 0.6 else 2), rng.choice((0, 0, 0, 1, 2, 3)), 1 if r() < 0.1 else 0,
             s_half, gl == "space_aligned" and r() < 0.25)
    d.opt["social"] = r() < 0.1
    d.cap_st = 1 if s_half else (2 if (gl == "space_aligned" and r() < 0.3) else (1 if r() < 0.2 else 0))
    d.sp = r() < (0.6 if gl in ("space_aligned", "tabbed", "markdown_table") else 0.25)
    d.thou = s >= 3 and r() < 0.3
    d.fw = gl in ("tabbed", "html_table", "markdown_table") and r() < 0.006 and not d.thou
    # ---- values
    t2 = gen_t2(rng, o["level"], d.tpl)
    t3 = gen_t3(rng, o["level"], d.variant)
    t4 = gen_t4(rng, o["level"])
    if (not ctl.get("clean") or ctl.get("violations")) and r() < ctl.get("p_violation", 0.05):
        x = r()
        if x < 0.6:
            rr = rng.randrange(len(t3))
            cc = rng.randrange(7)
            t3[rr][cc] = max(0, t3[rr][cc] + rng.choice((-2, -1, 1, 1, 2, 3)))
        else:
            k = rng.randrange(3) * 5 + 4
            t4[k] = max(0, t4[k] + rng.choice((-1, 1, 2))) if r() < 0.7 else 0
    d.t2, d.t3, d.t4 = t2, t3, t4
    # ---- formatting of the cells
    thou, fw = d.thou, d.fw
    keys = T2_KEYS[d.tpl]
    t2raw = []
    d.proc_style = None
    d.fee_hdr = None
    signed = r() < 0.5
    for (item, m), v in zip(keys, t2):
        if m == "fee_amount":
            if v == 0:
                raw = "0" if r() < 0.7 else "0.00"
            else:
                x = r()
                raw = ("{:,.2f}".format(v) if thou else "%.2f" % v) if x < 0.7 else (
                    "%.1f" % v if x < 0.9 else str(int(round(v))))
                d.t2[len(t2raw)] = float(raw.replace(",", ""))
        elif m == "procurement_amount":
            if d.proc_style is None:
                # "bare": an amount with no unit anywhere, in 万元 as most reports write it
                d.proc_style = ctl.get("proc") or rng.choice(("yuan", "yuan", "hdr", "dec4", "dec4", "cell", "bare"))
            if v == 0:
                raw = "0"
                if d.proc_style == "dec4":
                    d.proc_style = "hdr"
            elif d.proc_style == "yuan":
                yuan = int(round(v * 10000))
                raw = ("{:,}".format(yuan) if thou else str(yuan)) + "元"
                d.t2[len(t2raw)] = yuan / 10000.0
            elif d.proc_style == "dec4":
                raw = "%.4f" % v
                if raw.endswith("0"):
                    raw = raw[:-1] + "7"
                d.t2[len(t2raw)] = float(raw)
            elif d.proc_style == "cell" or (d.proc_style == "bare" and v >= 10000):
                raw = "%.2f万元" % v
                d.t2[len(t2raw)] = float(raw[:-2])
            elif d.proc_style == "bare":
                raw = str(int(v)) if v == int(v) else "%.2f" % v
                d.t2[len(t2raw)] = float(raw)
            else:
                raw = "%.2f" % v
                d.t2[len(t2raw)] = float(raw)
        elif m == "change":
            iv = int(v)
            raw = ("+%d" % iv if (signed and iv > 0) else str(iv))
            if fw:
                raw = raw.translate(FULLW)
        else:
            raw = fmt_int(int(v), thou, fw)
        t2raw.append(raw)
    d.t2raw = t2raw
    if thou or fw:
        d.t3raw = [[fmt_int(v, thou, fw) for v in row] for row in t3]
        d.t4raw = [fmt_int(v, thou, fw) for v in t4]
    else:
        S = SMALL_STR
        d.t3raw = [[S[v] if v < 10000 else str(v) for v in row] if any(row) else Z7[:] for row in t3]
        d.t4raw = [S[v] if v < 10000 else str(v) for v in t4]
    d.t2blank = set()
    d.t3blank = set()
    d.t4blank = set()
    d.t3amb = {}
    d.drop = None
    d.cut = None
    # layout options decided early (they constrain blanks)
    if gl == "tabbed":
        d.opt["brk"] = (r() < 0.5)
        d.opt["pad"] = (r() < 0.4)
    elif gl == "markdown_table":
        d.opt["extra"] = r() < 0.25
    elif gl == "space_aligned":
        d.opt["style"] = ctl.get("style") or ("kiro" if r() < 0.5 else "gnb")
    # ---- blanks (~3% of reports)
    if ctl.get("blanks") or (not ctl.get("no_blanks") and r() < ctl.get("p_blank", 0.03)):
        apply_blanks(rng, d, ctl.get("ph"), ctl.get("blank_mode"))
    # ---- ambiguity: a row that lost a value cell (~2%)
    if not ctl.get("clean") and (ctl.get("amb") or r() < ctl.get("p_amb", 0.02)):
        apply_drop(rng, d)
    if ctl.get("cut"):
        nr = len(t3)
        d.cut = (rng.randrange(2, nr - 1), rng.randrange(0, 8))
        d.drop = None
        d.t3amb = {}
    build_prose(rng, d, ctl)
    if d.cut and d.sign and not d.webhdr:
        d.published = None  # the signature was cut off with the rest of the file
    return d


PLACEHOLDERS = ("—", "-", "/", "无")


def empty_ok(d, table, whole_col=False):
    gl = d.gl
    if gl == "tabbed":
        return not (d.opt.get("brk") or d.opt.get("pad"))
    if gl == "space_aligned":
        return table == "t3" and not whole_col
    return True


def apply_blanks(rng, d, ph=None, mode=None):
    r = rng.random
    if ph is None:
        ph = rng.choice(("", "", "") + PLACEHOLDERS)
    if mode is None:
        mode = r()
    t3 = d.t3
    if d.tpl == "2019" and mode < 0.2:
        # 本年增/减 written as '/' (or left blank) everywhere
        p = "/" if r() < 0.7 else ph
        if p == "" and not empty_ok(d, "t2"):
            p = "/"
        for i, (item, m) in enumerate(T2_KEYS["2019"]):
            if m == "change" and d.t2[i] == 0:
                d.t2blank.add(i)
                d.t2raw[i] = p
        return
    if mode < 0.5:
        cols = [c for c in (2, 3, 4, 5) if all(row[c] == 0 for row in t3)]
        if cols:
            rng.shuffle(cols)
            p = ph if (ph != "" or empty_ok(d, "t3", True)) else rng.choice(PLACEHOLDERS)
            for c in cols[:rng.randint(1, len(cols))]:
                for rr in range(len(t3)):
                    d.t3blank.add((rr, c))
                    d.t3raw[rr][c] = p
            return
    # isolated cells
    n = rng.randint(1, 5)
    used_rows = set()
    for _ in range(n):
        x = r()
        if x < 0.55:
            rr = rng.randrange(len(t3))
            c = rng.randrange(7)
            if t3[rr][c] != 0 or rr in used_rows:
                continue
            p = ph if (ph != "" or empty_ok(d, "t3")) else rng.choice(PLACEHOLDERS)
            used_rows.add(rr)
            d.t3blank.add((rr, c))
            d.t3raw[rr][c] = p
        elif x < 0.8:
            i = rng.randrange(len(d.t2))
            if d.t2[i] != 0:
                continue
            p = ph if (ph != "" or empty_ok(d, "t2")) else rng.choice(PLACEHOLDERS)
            d.t2blank.add(i)
            d.t2raw[i] = p
        else:
            i = rng.randrange(15)
            if d.t4[i] != 0:
                continue
            p = ph if (ph != "" or empty_ok(d, "t4")) else rng.choice(PLACEHOLDERS)
            d.t4blank.add(i)
            d.t4raw[i] = p


def apply_drop(rng, d):
    """One t3 row loses one value cell in the text (unrecoverable: every value of the row is ambiguous)."""
    t3 = d.t3
    cands = [i for i in range(len(t3)) if t3[i][6] > 0 and not any((i, c) in d.t3blank for c in range(7))]
    if not cands:
        cands = [i for i in range(len(t3)) if not any((i, c) in d.t3blank for c in range(7))]
    if not cands:
        return
    rr = rng.choice(cands)
    if d.gl == "space_aligned":
        zeros = [c for c in range(7) if t3[rr][c] == 0]
        if not zeros:
            return
        c = rng.choice(zeros)
        d.t3blank.add((rr, c))
        d.t3raw[rr][c] = ""
    else:
        c = rng.randrange(7)
        if d.gl == "tabbed":
            # a lost field must not look like a legitimate empty cell
            d.opt["pad"] = True
            for (a, b) in list(d.t3blank):
                if d.t3raw[a][b] == "":
                    d.t3raw[a][b] = "-"
            for i in list(d.t2blank):
                if d.t2raw[i] == "":
                    d.t2raw[i] = "-"
            for i in list(d.t4blank):
                if d.t4raw[i] == "":
                    d.t4raw[i] = "-"
    d.drop = (rr, c)
    d.t3amb[rr] = c


# ----------------------------------------------------------------------------- prose

def fix_sp(s):
    return (s.replace("  ", " ").replace("， ", "，").replace("。 ", "。").replace(" ，", "，").replace(" 。", "。")
            .replace("： ", "：").replace(" ）", "）").strip())


def build_prose(rng, d, ctl):
    r = rng.random
    o = d.o
    org = o["org"]
    we = o["we"]
    Y = d.year
    sp = d.sp
    N = (lambda v: " %s " % v) if sp else str
    small = d.small
    narr = []
    # ---- title
    short_title = o["level"] in ("township", "county") and (o["county"] or o["township"]) and r() < 0.15
    tname = org
    if short_title:
        for suf in ("人民政府", "办事处"):
            if tname.endswith(suf):
                tname = tname[: -len(suf)]
    yr = ("%s年" % N(Y)) if sp else "%d年" % Y
    x = r()
    if x < 0.05:
        title = "%s%s政府信息公开工作年度报告" % (yr.strip(), tname)
        lines = [title]
    elif x < 0.25 or (d.gl == "space_aligned" and x < 0.6):
        lines = [tname, "%s政府信息公开工作年度报告" % (("%d 年" % Y) if sp else yr)]
        title = lines[0] + lines[1]
    else:
        title = ("%s %d 年政府信息公开工作年度报告" % (tname, Y)) if sp else ("%s%d年政府信息公开工作年度报告" % (tname, Y))
        lines = [title]
    d.title_lines = lines
    d.title = title
    # ---- dates
    pm = rng.choice((1, 1, 1, 2, 3)) if o["level"] == "department" else rng.choice((1, 1, 2, 2, 3, 3))
    pd_ = rng.randint(1, 28) if r() < 0.9 else (31 if pm in (1, 3) else 28)
    py = Y + 1
    iso = "%04d-%02d-%02d" % (py, pm, pd_)
    web = (r() < {"cell_per_line": 0.6, "tabbed": 0.15, "markdown_table": 0.1, "cell_per_line_tab": 0.2,
                  "space_aligned": 0.0, "html_table": 1.0}[d.gl]) if ctl.get("web") is None else ctl["web"]
    d.webhdr = None
    d.footer = False
    published = None
    if web:
        published = iso
        src = o["nm"] if r() < 0.5 else org
        if short_title:
            src = org
        x = r()
        if d.gl == "html_table":
            d.webhdr = (iso, src)
        elif x < 0.4:
            d.webhdr = "日期: %s 浏览量:%d 来源:%s 责任编辑:%s 文字大小:" % (iso, rng.randint(20, 3000), src,
                                                                   rng.choice(("毕邑", "张敏", "李娜", "王磊", "刘洋")))
        elif x < 0.7:
            d.webhdr = "发布时间：%s %02d:%02d  来源：%s  浏览次数：%d" % (iso, rng.randint(8, 18), rng.randint(0, 59), src,
                                                                rng.randint(10, 900))
        else:
            d.webhdr = "信息来源：%s  发布日期：%d年%02d月%02d日" % (src, py, pm, pd_)
        d.footer = d.gl != "html_table" and r() < 0.6
    sign = None
    if (not web and r() < 0.85) or (web and r() < 0.4) or short_title:
        x = r()
        if x < 0.55:
            ds = "%d年%d月%d日" % (py, pm, pd_)
        elif x < 0.8:
            ds = "%d 年 %d 月 %d 日" % (py, pm, pd_)
        elif x < 0.96:
            ds = "%d年%02d月%02d日" % (py, pm, pd_)
        else:
            ds = cn_date(py, pm, pd_)
        sign = (org, ds)
        published = iso
    d.sign = sign
    d.published = published
    # ---- intro
    x = r()
    if x < 0.4:
        intro = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布%s%s政府信息公开工作年度报告。"
                 "本报告主要由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
                 "存在的主要问题及改进情况、其他需要报告的事项等部分组成。报告中所列数据统计期限为%s年%s月%s日至%s年%s月%s日。"
                 % (org, yr, N(Y), N(1), N(1), N(Y), N(12), N(31)))
    elif x < 0.75:
        office = org + (("党政办公室" if o["level"] == "township" else "办公室") if org.endswith("人民政府") else "")
        intro = ("本报告由%s根据《中华人民共和国政府信息公开条例》（国令第%s号）（以下简称《条例》）要求编制。"
                 "报告中所列数据统计期限自%s年%s月%s日起至%s年%s月%s日止。如对本报告有疑问，请与%s联系（地址：%s，邮编：%s，电话：%s）。"
                 % (office, N(711), N(Y), N(1), N(1), N(Y), N(12), N(31), office,
                    rng.choice(("人民路%s号" % N(rng.randint(1, 200)), "府前街%s号" % N(rng.randint(1, 90)),
                                "政务服务中心%s楼" % N(rng.randint(2, 9)))),
                    N("%06d" % rng.randint(100000, 839999)),
                    N("0%d-%d" % (rng.randint(310, 999), rng.randint(2000000, 8999999)))))
    else:
        intro = ("%s，%s认真贯彻落实《中华人民共和国政府信息公开条例》和相关的政务公开工作要点，现将%s%s度政府信息公开工作开展情况报告如下：" %
                 (yr, o["nm"] if o["level"] != "department" else org, o["nm"], yr))
    d.intro = fix_sp(intro) if sp else intro
    # ---- section 1 with narrative counts
    paras = []
    st = d.sty[0]

    sub_style = r() < 0.6
    sub_no = [0]

    def sub(_i, name):
        sub_no[0] += 1
        i = sub_no[0]
        return (gpar(i, st) + name + "。") if sub_style else ("%s是%s。" % (CNUM[i], name))
    # 1) active disclosure
    act = sub(1, "主动公开情况") + rng.choice(ACTIVE_GEN)
    x = r()
    subj = rng.choice(("政务信息", "政府信息", "信息", "各类政府信息", "消息"))
    subj_t = subj[2:] if subj.startswith("各类") else subj
    scale = (40, 120, 600, 3000, 8000)[SCALE[o["level"]]]
    if x < 0.45:
        k = rng.randint(3, 6 if not small else 4)
        cats = rng.sample(CATS, k)
        parts = split_n(rng, max(k, lognorm(rng, math.log(scale), 0.6, 200000)), [1 + 3 * r() for _ in cats])
        parts = [p if p > 0 else 1 for p in parts]
        T = sum(parts)
        approx = False
        y = r()
        if y < 0.12:
            T += rng.randint(1, max(1, T // 5))  # categories omit 其他
        elif y < 0.22 and T >= 100:
            T = (T // 100) * 100
            approx = True
        lead = rng.choice(("%s年，%s共主动公开%s" % (N(Y), we, subj), "全年共主动公开%s" % subj,
                           "%s年，%s累计发布%s" % (N(Y), we, subj), "全年在各类公开平台发布%s共计" % subj))
        cat_s = rng.choice(("，", "、")).join("%s%s条" % (c, N(p)) for c, p in zip(cats, parts))
        if approx:
            tot_s = "%s余条" % N(T) if r() < 0.7 else ("约%s条" % N(T))
        else:
            tot_s = "%s条" % N(T)
        if lead.endswith("共计"):
            sent = "%s%s，其中%s。" % (lead, tot_s, cat_s)
        elif "共" in lead:
            sent = "%s%s，其中%s。" % (lead, tot_s, cat_s)
        else:
            sent = "%s共%s，其中%s。" % (lead, tot_s, cat_s)
        narr.append((subj_t, None, None, True, T, approx))
        for c, p in zip(cats, parts):
            narr.append((subj_t, c, None, False, p, False))
        act += sent
    elif x < 0.75:
        chans = [("政府网站", rng.choice(CH_WEB))]
        if r() < 0.8:
            chans.append(("微信", rng.choice(CH_WX).replace("{nm}", o["nm"][:6])))
        if r() < 0.3:
            chans.append(("微博", rng.choice(CH_WB)))
        parts = [max(1, lognorm(rng, math.log(scale), 0.7, 90000)) for _ in chans]
        T = sum(parts)
        approx = r() < 0.2 and T >= 100
        if approx:
            T = (T // 100) * 100
        lead = rng.choice(("%s年，%s共发布%s" % (N(Y), we, subj), "全年共主动公开%s" % subj))
        tot_s = ("%s余条" % N(T)) if approx else ("%s条" % N(T))
        ch_s = "，".join("通过%s发布信息%s条" % (w, N(p)) for (_, w), p in zip(chans, parts))
        act += "%s%s，其中%s。" % (lead, tot_s, ch_s)
        narr.append((subj_t, None, None, True, T, approx))
        for (c, _), p in zip(chans, parts):
            narr.append(("信息", None, c, False, p, False))
    elif x < 0.9:
        n = max(1, lognorm(rng, math.log(scale), 0.7, 90000))
        act += "主要通过%s主动公开政府文件、项目审批、通知公告等各类政府信息。%s年，%s在政府网站平台主动公开政府信息%s条。" % (
            rng.choice(CH_WEB), N(Y), we, N(n))
        narr.append(("政府信息", None, "政府网站", False, n, False))
    else:
        act += rng.choice(ACTIVE_GEN)
    paras.append(act)
    # 2) applications
    tot_new = d.t3[0][6] if d.t3 else 0
    ap = sub(2, "依申请公开情况") + rng.choice(APPLY_GEN)
    if tot_new == 0:
        ap += "%s年度，%s未收到政府信息公开申请。" % (N(Y), we)
    elif r() < 0.6:
        if r() < 0.6:
            ap += "%s年，%s共受理政府信息公开申请%s件，均在法定期限内予以答复。" % (N(Y), we, N(tot_new))
            narr.append(("政府信息公开申请", None, None, True, tot_new, False))
        else:
            ap += "%s年，%s受理政府信息公开申请%s件，均在法定期限内予以答复。" % (N(Y), we, N(tot_new))
            narr.append(("政府信息公开申请", None, None, False, tot_new, False))
    if sum(d.t4) == 0 and r() < 0.5:
        ap += "未发生政府信息公开行政复议、行政诉讼情况。"
    paras.append(ap)
    if not small or r() < 0.5:
        paras.append(sub(3, "政府信息管理情况") + "".join(rng.sample(MANAGE_GEN, 1 if r() < 0.6 else 2)))
    # 4) platforms (+ video count)
    pl = sub(4, "政府信息公开平台建设情况") + rng.choice(PLATFORM_GEN)
    if r() < 0.3:
        n = max(1, lognorm(rng, math.log(scale / 4 + 1), 0.8, 5000))
        pl += "%s年，%s通过%s发布视频%s条。" % (N(Y), we, rng.choice(CH_DY).replace("{nm}", o["nm"][:8]), N(n))
        narr.append(("视频", None, "抖音", False, n, False))
    paras.append(pl)
    if not small or r() < 0.5:
        paras.append(sub(5, "政府信息公开监督保障情况") + rng.choice(SUPERVISE_GEN))
    if sp:
        paras = [fix_sp(p) for p in paras]
    d.s1 = paras
    d.narr = narr
    # ---- 五、六
    fmt = {"Y": ("%s年" % N(Y)).strip() if sp else "%d年" % Y, "we": we}
    s5 = [rng.choice(SEC5_PROB).replace("{Y}年", fmt["Y"]).replace("{we}", we)]
    if not small or r() < 0.5:
        s5.append(rng.choice(SEC5_MEAS).replace("{we}", we))
    d.s5 = s5
    if d.tpl == "2021" and r() < 0.8:
        s6 = [rng.choice(SEC6_FEE).replace("{Y}年", fmt["Y"]).replace("{we}", we).replace("{Z}", N(0).strip() if not sp else " 0 ")]
        if r() < 0.3 and not small:
            s6.append(rng.choice(SEC6_MORE).replace("{Y}年", fmt["Y"]).replace("{we}", we))
    else:
        s6 = ["无。" if r() < 0.5 else "无"]
    d.s6 = s6
    st = d.sty[0]
    h4 = "四、政府信息公开行政复议、行政诉讼情况" if r() < 0.9 else "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
    x = r()
    h5 = ("五、存在的主要问题及改进情况" if x < 0.75 else
          ("五、政府信息公开工作存在的主要问题及改进情况" if x < 0.9 else "五、存在问题及改进情况"))
    d.heads = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", h4, h5, "六、其他需要报告的事项")
    d.status = "ok"


# ----------------------------------------------------------------------------- common table label helpers

def t2_spec(d):
    return T2_2021 if d.tpl == "2021" else T2_2019


def caption(d, cn):
    c = d.cap_st
    if c == 0:
        return "第二十条第（%s）项" % cn
    if c == 1:
        return "第二十条第(%s)项" % cn
    return "第二十条 第（%s）项" % cn


def t2_headers(d, headers):
    out = []
    for h in headers:
        if h.startswith("本年收费金额") and d.sty[3]:
            h = h.translate(HALF)
        if h == "采购总金额" and d.proc_style == "hdr":
            h = "采购总金额（万元）"
        if h == "现行有效件数" and d.gl == "cell_per_line" and d.sty[4]:
            h = "现行有效件"
        out.append(h)
    return out


def t2_blocks(d):
    """[(caption, [headers], [(label, [raw...])])] with raw strings in order."""
    out = []
    k = 0
    raw = d.t2raw
    for cn, headers, rows in t2_spec(d):
        rr = []
        for item, label, ms in rows:
            rr.append((label, raw[k:k + len(ms)]))
            k += len(ms)
        out.append((caption(d, cn), t2_headers(d, headers), rr))
    return out


def appl_labels(d):
    ot = list(ORG_TYPES)
    if d.opt.get("social") and d.gl != "space_aligned":
        ot[2] = "社会组织"
    return ot


# ----------------------------------------------------------------------------- renderer: tabbed / markdown

def render_tabbed(d, rng):
    r = rng.random
    out = []
    a = out.append
    if r() < 0.5:
        a("\n\n")
    a("\n".join(d.title_lines) + "\n\n")
    if d.webhdr:
        a(d.webhdr + "\n\n")
    a(d.intro + "\n\n")
    a(d.heads[0] + "\n\n")
    for p in d.s1:
        a(p + "\n\n")
    a(d.heads[1] + "\n\n")
    pad = "\t" if d.opt.get("pad") else ""
    for cap, hdrs, rows in t2_blocks(d):
        a(cap + "\t\t\t\n")
        a("信息内容\t" + "\t".join(hdrs) + "\t" * (3 - len(hdrs)) + "\n")
        for label, raws in rows:
            a(label + "\t" + "\t".join(raws) + "\t" * (3 - len(raws)) + "\n")
    a("\n" + d.heads[2] + "\n\n")
    labels, spans, note = t3_labels(d.variant, d.sty)
    ot = appl_labels(d)
    a(note + "\t\t\t申请人情况\t\t\t\t\t\t\t\n" if d.opt.get("pad") else note + "\t\t\t申请人情况\t\t\t\t\t\t\n")
    a("\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计" + pad + "\n")
    a("\t\t\t\t" + "\t".join(ot) + "\t" + pad + "\n")
    brk = None
    nr = len(labels)
    if d.opt.get("brk"):
        brk = rng.randrange(4, nr - 2)
    cut = d.cut
    drop = d.drop
    split_g = None
    if brk is not None:
        # group containing the break: its label is split over the break (seed 000 "(五) 不" / "予处理")
        for first, (g, size) in spans.items():
            if first < brk < first + size:
                split_g = first
        # rows after the break lose the merged 三、本年度办理结果 column
    for i in range(nr):
        L1, L2, L3 = labels[i]
        if split_g is not None and i == split_g:
            L2 = L2[:max(2, len(L2) // 2)]
        if split_g is not None and i == brk:
            full = labels[split_g][1]
            L2 = full[max(2, len(full) // 2):]
        if brk is not None and i == brk:
            a("\n")
            if r() < 0.5:
                a("- %d -\n\n" % rng.randint(2, 4))
        raws = d.t3raw[i]
        if drop and drop[0] == i:
            raws = raws[:drop[1]] + raws[drop[1] + 1:]
        if cut and cut[0] == i:
            raws = raws[:cut[1]]
        fields = [L1, L2, L3] + raws
        if brk is not None and brk <= i < nr - 1:
            fields = fields[1:]
        line = "\t".join(fields)
        if cut and cut[0] == i:
            a(line)
            return "".join(out)
        a(line + pad + "\n")
    a("\n" + d.heads[3] + "\n\n")
    a("行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n")
    a("结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n")
    a("\t\t\t\t\t" + "\t".join(T4_OUTLBL) + "\t" + "\t".join(T4_OUTLBL) + "\n")
    a("\t".join(d.t4raw) + "\n\n")
    tail_text(d, a, "\n\n")
    return "".join(out)


def tail_text(d, a, sep):
    a(d.heads[4] + sep)
    for p in d.s5:
        a(p + sep)
    a(d.heads[5] + sep)
    for p in d.s6:
        a(p + sep)
    if d.sign:
        a(d.sign[0] + sep + d.sign[1] + "\n")
    if d.footer:
        a("\n打印\n分享\n返回列表\n")


def md_row(fields):
    return "| " + " | ".join(fields) + " |"


def md_sep(rng, n):
    return "|" + "|".join("-" * rng.randint(3, 12) for _ in range(n)) + "|"


def render_markdown(d, rng):
    r = rng.random
    out = []
    a = out.append
    if r() < 0.5:
        a("\n\n")
    a("\n\n".join(d.title_lines) + "\n\n")
    if d.webhdr:
        a(d.webhdr + "\n\n")
    a(d.intro + "\n\n")
    a(d.heads[0] + "\n\n")
    for p in d.s1:
        a(p + "\n\n")
    a(d.heads[1] + "\n\n")
    extra = [""] if d.opt.get("extra") else []
    ncol = 4 + len(extra)
    first = True
    split_at = rng.randrange(1, len(t2_spec(d))) if r() < 0.4 else -1
    for bi, (cap, hdrs, rows) in enumerate(t2_blocks(d)):
        if bi == split_at:
            a("\n" + md_row([""] * ncol) + "\n" + md_sep(rng, ncol) + "\n")
        if first:
            a(md_row([cap, "", "", ""] + extra) + "\n" + md_sep(rng, ncol) + "\n")
            first = False
        else:
            a(md_row([cap, "", "", ""] + extra) + "\n")
        a(md_row(["信息内容"] + hdrs + [""] * (3 - len(hdrs)) + extra) + "\n")
        for label, raws in rows:
            a(md_row([label] + raws + [""] * (3 - len(raws)) + extra) + "\n")
    a("\n" + d.heads[2] + "\n\n")
    labels, spans, note = t3_labels(d.variant, d.sty)
    ot = appl_labels(d)
    n3 = 10 + len(extra)
    a(md_row([note, "", "", "申请人情况", "", "", "", "", "", ""] + extra) + "\n" + md_sep(rng, n3) + "\n")
    a(md_row(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"] + extra) + "\n")
    a(md_row(["", "", "", ""] + ot + [""] + extra) + "\n")
    nr = len(labels)
    brk = rng.randrange(4, nr - 1) if r() < 0.35 else None
    cut = d.cut
    drop = d.drop
    for i in range(nr):
        if i == brk:
            a("\n" + md_row([""] * n3) + "\n" + md_sep(rng, n3) + "\n")
        L1, L2, L3 = labels[i]
        raws = d.t3raw[i]
        if drop and drop[0] == i:
            raws = raws[:drop[1]] + raws[drop[1] + 1:]
        if cut and cut[0] == i:
            a(md_row([L1, L2, L3] + raws[:cut[1]]))
            return "".join(out).replace("|  |", "| |").replace("|  |", "| |")
        a(md_row([L1, L2, L3] + raws + extra) + "\n")
    a("\n" + d.heads[3] + "\n\n")
    if r() < 0.15:
        # garbled header, one character per cell (seed 001)
        a(md_row([""] * 15) + "\n" + md_sep(rng, 15) + "\n")
        a(md_row(["", "", "", "", "", "持", "正", "果", "结", "", "持", "正", "果", "结", ""]) + "\n")
    else:
        a(md_row(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9) + "\n" + md_sep(rng, 15) + "\n")
        a(md_row(list(T4_OUTLBL) + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]) + "\n")
        a(md_row([""] * 5 + list(T4_OUTLBL) * 2) + "\n")
    a(md_row(d.t4raw) + "\n\n")
    tail_text(d, a, "\n\n")
    return "".join(out).replace("|  |", "| |").replace("|  |", "| |")


# ----------------------------------------------------------------------------- renderer: cell per line

T3_HDR_PIECES = (("商业", "企业"), ("科研", "机构"), ("社会公益组织",), ("法律服务机构",), ("其他",))
T3_HDR_PIECES_TAB = (("商业", "企业"), ("科研", "机构"), ("社会公", "益组织"), ("法律服", "务机构"), ("其他",))


def cells_t2(d):
    cells = []
    for cap, hdrs, rows in t2_blocks(d):
        cells.append(cap)
        cells.append("信息内容")
        cells.extend(hdrs)
        for label, raws in rows:
            cells.append(label)
            cells.extend(raws)
    return cells


def render_cpl(d, rng, tab):
    """cell_per_line (seed 002: one cell per line, blank-line separated) or cell_per_line_tab (tab-indented
    cells, no separators, a whitespace-only line is a blank cell, header cells over several lines)."""
    r = rng.random
    blank_line = ("\u00a0" if r() < 0.5 else " ") if not tab else rng.choice(("\t", "\t ", " "))
    if tab:
        sep = "\n"
        ind = "\t"
        pin = "\u3000\u3000" if r() < 0.7 else ""
    else:
        sep = "\n\n"
        ind = ""
        pin = ""
    L = []
    a = L.append

    for t in d.title_lines:
        a(t)
    if d.webhdr:
        a(d.webhdr)
    a(pin + d.intro)
    a(d.heads[0])
    for p in d.s1:
        a(pin + p)
    a(d.heads[1] + ("\n" if not tab else ""))
    L.extend([(ind + c) if c else blank_line for c in cells_t2(d)])
    a(d.heads[2])
    labels, spans, note = t3_labels(d.variant, d.sty)
    ot = appl_labels(d)
    if tab:
        k = len(note) // 2 + rng.randint(-3, 3)
        a(ind + note[:k])
        a(ind + note[k:])
        a(ind + "申请人情况")
        a(ind + "自然人")
        a(ind + "法人或其他")
        a(ind + "组织")
        a(ind + "总计")
        for ps in T3_HDR_PIECES_TAB:
            for p in ps:
                a(ind + p)
    else:
        a(note)
        for t in ("申请人情况", "自然人", "法人或其他组织", "总计"):
            a(t)
        pieces = list(T3_HDR_PIECES)
        if ot[2] == "社会组织":
            pieces[2] = ("社会组织",)
        for ps in pieces:
            for p in ps:
                a(p)
    cut = d.cut
    drop = d.drop
    for i, (L1, L2, L3) in enumerate(labels):
        for t in (L1, L2, L3):
            if t:
                a(ind + t)
        raws = d.t3raw[i]
        if drop and drop[0] == i:
            raws = raws[:drop[1]] + raws[drop[1] + 1:]
        if cut and cut[0] == i:
            L.extend([(ind + v) if v else blank_line for v in raws[:cut[1]]])
            return sep.join(L)
        L.extend([(ind + v) if v else blank_line for v in raws])
    a(d.heads[3] + ("\n" if not tab else ""))
    if tab:
        for t in ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
                  "复议后起诉"):
            a(ind + t)
        for _ in range(2):
            for t in T4_OUTLBL:
                a(ind + t)
    else:
        for t in ("行政复议", "行政诉讼", "结果维持", "结果", "纠正", "其他", "结果", "尚未", "审结", "总计",
                  "未经复议直接起诉", "复议后起诉"):
            a(t)
        for _ in range(2):
            for t in ("结果", "维持", "结果", "纠正", "其他", "结果", "尚未", "审结", "总计"):
                a(t)
    L.extend([(ind + v) if v else blank_line for v in d.t4raw])
    a(d.heads[4])
    for p in d.s5:
        a(pin + p)
    a(d.heads[5])
    for p in d.s6:
        a(pin + p)
    if d.sign:
        a(d.sign[0])
        a(d.sign[1])
    if d.footer:
        a("\n打印\n分享\n返回列表")
    return sep.join(L) + "\n"


# ----------------------------------------------------------------------------- renderer: html

def render_html(d, rng):
    r = rng.random
    pretty = r() < 0.6
    nl = "\n" if pretty else ""
    wrapc = r() < 0.5
    blank_html = "&nbsp;" if r() < 0.6 else ""
    tdnl = "\n" if pretty and r() < 0.3 else ""
    vt = ('<td><p style="text-align:center"><span style="font-size:14px">%s</span></p></td>' if wrapc else "<td>%s</td>") + tdnl
    vblank = "<td>%s</td>%s" % (blank_html, tdnl)
    o = d.o
    enc_label = d.opt.get("charset", "utf-8")
    out = []
    a = out.append
    site = o["nm"] if r() < 0.7 else o["org"]
    a('<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=%s">\n'
      '<title>%s_%s</title>\n</head>\n<body>\n' % (enc_label, d.title, site))
    a('<div class="header"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>\n')
    a('<div class="article">\n')
    if len(d.title_lines) == 2 and r() < 0.5:
        a('<h1 class="title">%s<br/>%s</h1>\n' % tuple(d.title_lines))
    else:
        a('<h1 class="title">%s</h1>\n' % d.title)
    iso, src = d.webhdr
    a('<div class="info"><span>发布日期：%s</span>&nbsp;&nbsp;<span>来源：%s</span>&nbsp;&nbsp;<span>浏览次数：<script>hits()</script></span></div>\n' % (iso, src))
    a('<div class="content" id="zoom">\n')
    pst = '<p style="text-indent:2em;">' if r() < 0.6 else "<p>"

    def P(t):
        a(pst + t + "</p>\n")

    def H(t):
        a("<p><strong>%s</strong></p>\n" % t if r() < 0.7 else "<h3>%s</h3>\n" % t)
    P(d.intro)
    H(d.heads[0])
    for p in d.s1:
        P(p)
    H(d.heads[1])

    def td(t, cs=1, rs=1, blank=False):
        attrs = ""
        if cs > 1:
            attrs += ' colspan="%d"' % cs
        if rs > 1:
            attrs += ' rowspan="%d"' % rs
        if t == "" or blank:
            t = t or blank_html
        elif wrapc:
            t = '<p style="text-align:center"><span style="font-size:14px">%s</span></p>' % t
        return "<td%s>%s</td>%s" % (attrs, t, tdnl)
    tbl = '<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse">' + nl + "<tbody>" + nl
    a(tbl)
    for cap, hdrs, rows in t2_blocks(d):
        a("<tr>" + td(cap, 4) + "</tr>" + nl)
        hd = [h.replace("本年新", "本年新<br />", 1) if h.startswith("本年新") else h for h in hdrs]
        if len(hd) == 1:
            a("<tr>" + td("信息内容") + td(hd[0], 3) + "</tr>" + nl)
        elif len(hd) == 2:
            a("<tr>" + td("信息内容") + td(hd[0]) + td(hd[1]) + td("") + "</tr>" + nl)
        else:
            a("<tr>" + td("信息内容") + "".join(td(h) for h in hd) + "</tr>" + nl)
        for label, raws in rows:
            if len(raws) == 1:
                a("<tr>" + td(label) + td(raws[0], 3) + "</tr>" + nl)
            elif len(raws) == 2:
                a("<tr>" + td(label) + td(raws[0]) + td(raws[1]) + td("") + "</tr>" + nl)
            else:
                a("<tr>" + td(label) + "".join(td(x) for x in raws) + "</tr>" + nl)
    a("</tbody>" + nl + "</table>\n")
    H(d.heads[2])
    labels, spans, note = t3_labels(d.variant, d.sty)
    ot = appl_labels(d)
    a(tbl)
    a("<tr>" + td(note, 3, 3) + td("申请人情况", 7) + "</tr>" + nl)
    a("<tr>" + td("自然人", 1, 2) + td("法人或其他组织", 5) + td("总计", 1, 2) + "</tr>" + nl)
    a("<tr>" + "".join(td(x.replace("商业企业", "商业<br />企业").replace("科研机构", "科研<br />机构")) for x in ot) + "</tr>" + nl)
    nr = len(labels)
    res_span = nr - 3  # rows granted .. total_handled
    cut = d.cut
    drop = d.drop
    for i, (L1, L2, L3) in enumerate(labels):
        code, kind, g, k = ROWDEFS[d.variant][i]
        cells = []
        if kind == "outer":
            cells.append(td(L1, 3))
        else:
            if L1:
                cells.append(td(L1, 1, res_span))
            if kind == "single":
                cells.append(td(L2, 2))
            else:
                if L2:
                    cells.append(td(L2, 1, spans[i][1]))
                cells.append(td(L3))
        raws = d.t3raw[i]
        if d.t3blank:
            vc = [((vblank if raws[c] == "" else "<td>%s</td>%s" % (raws[c], tdnl)) if (i, c) in d.t3blank else vt % raws[c])
                  for c in range(7)]
        else:
            vc = [vt % x for x in raws]
        if drop and drop[0] == i:
            del vc[drop[1]]
        if cut and cut[0] == i:
            a("<tr>" + "".join(cells) + "".join(vc[:cut[1]]))
            return "".join(out)
        a("<tr>" + "".join(cells) + "".join(vc) + "</tr>" + nl)
    a("</tbody>" + nl + "</table>\n")
    H(d.heads[3])
    a(tbl)
    a("<tr>" + td("行政复议", 5) + td("行政诉讼", 10) + "</tr>" + nl)
    a("<tr>" + "".join(td(x, 1, 2) for x in T4_OUTLBL) + td("未经复议直接起诉", 5) + td("复议后起诉", 5) + "</tr>" + nl)
    a("<tr>" + "".join(td(x) for x in T4_OUTLBL * 2) + "</tr>" + nl)
    a("<tr>" + "".join(td(x, blank=(c in d.t4blank)) for c, x in enumerate(d.t4raw)) + "</tr>" + nl)
    a("</tbody>" + nl + "</table>\n")
    H(d.heads[4])
    for p in d.s5:
        P(p)
    H(d.heads[5])
    for p in d.s6:
        P(p)
    if d.sign:
        a('<p style="text-align:right">%s</p>\n<p style="text-align:right">%s</p>\n' % d.sign)
    a("</div>\n</div>\n")
    a('<div class="footer">主办：%s&nbsp;&nbsp;网站标识码：%d</div>\n</body>\n</html>\n' % (site, rng.randint(1000000000, 9999999999)))
    return "".join(out)


# ----------------------------------------------------------------------------- renderer: space aligned (pdftotext -layout)

def paginate(rng, L, per, final=True):
    """Insert pdftotext-style page ends: a blank line, a page number line, and a form feed before the next page."""
    pn = rng.choice(("-%d-", "- %d -", "-%d-", "—%d—"))
    out = []
    n = len(L)
    k = 0
    for start in range(0, n, per):
        chunk = L[start:start + per]
        if k:
            chunk[0] = "\f" + chunk[0]
        out.extend(chunk)
        k += 1
        if start + per < n or final:
            out.append("")
            ind = rng.choice((5, 6, 40, 43, 75)) if rng.random() < 0.8 else 0
            out.append(" " * ind + pn % k)
    return "\n".join(out) + ("\n\f" if final else "")


_WRAP = {}


def wrap_c(text, w):
    k = (text, w)
    v = _WRAP.get(k)
    if v is None:
        v = _WRAP[k] = wrap(text, w) if len(text) > w else [text]
    return v


def render_space(d, rng):
    r = rng.random
    per = rng.randint(42, 50)
    L = []
    add = L.append
    width = rng.randint(27, 31)
    pi = " " * rng.choice((3, 3, 5))
    for t in d.title_lines:
        add(" " * max(0, (width - len(t)) // 2 + rng.randint(3, 8)) + t)
    add("")
    if r() < 0.5:
        add("")

    def para(t, indent=pi):
        ls = wrap(t, width)
        ls[0] = indent + ls[0]
        L.extend(ls)

    def head(t):
        add((pi if r() < 0.7 else "     ") + t)
    para(d.intro)
    head(d.heads[0])
    for p in d.s1:
        para(p)
    head(d.heads[1])
    style = d.opt.get("style", "kiro")
    kiro = style == "kiro"
    # ---------------- t2
    for cap, hdrs, rows in t2_blocks(d):
        ci = rng.choice((14, 14, 39, 0)) if kiro else 0
        add(" " * ci + cap)
        add("")
        add("")
        if len(hdrs) >= 2:
            step = len(hdrs[0]) + (4 if kiro else 5)
            hx = [(18 if kiro else 14) + k * step for k in range(len(hdrs))]
            add(put([(7 if kiro else 0, "信息内容")] + list(zip(hx, hdrs))))
        else:
            hx = [26 if kiro else 14]
            if r() < 0.5:
                hx = [38]
            add(put([(7 if kiro and hx[0] < 30 else (20 if kiro else 0), "信息内容"), (hx[0], hdrs[0])]))
        add("")
        if r() < 0.7:
            add("")
        for label, raws in rows:
            pairs = [(0, label)]
            if len(raws) > 1:
                for k, raw in enumerate(raws):
                    pairs.append((hx[k] + max(0, (len(hdrs[k]) - len(raw)) // 2), raw))
            else:
                pairs.append((hx[0] + rng.randint(0, 4) + (24 if hx[0] == 26 and r() < 0.3 else 0), raws[0]))
            add(put(pairs))
            add("")
        add("")
    # ---------------- t3
    head(d.heads[2])
    labels, spans, note = t3_labels(d.variant, d.sty)
    rowdefs = ROWDEFS[d.variant]
    nr = len(labels)
    maxlen = max([max(map(len, row)) for row in d.t3raw])
    if kiro:
        x0 = rng.randint(46, 50)
        colw = max(rng.randint(5, 7), maxlen + 3)
        gi, ri = 18, 28
        gap_rows = False
        right = True
    else:
        x0 = rng.randint(33, 38)
        colw = max(rng.randint(8, 10), maxlen + 3)
        gi, ri = 6, 13
        gap_rows = r() < 0.8
        right = False
    shifts = {0: 0}

    def xfirst():
        pg = len(L) // per
        sh = shifts.get(pg)
        if sh is None:
            sh = shifts[pg] = rng.randint(-2, 3)
        return x0 + sh
    xf = xfirst()
    xs = [xf + c * colw for c in range(7)]
    add(put([(xs[3] - 2, "申请人情况")]))
    add("")
    half = len(note) // 2 + 1
    if not kiro:
        add("")
        add(put([(0, note[:half]), (xs[2], "法人或其他组织")]))
        add(note[half:])
        add(put([(xs[0], "自然人"), (xs[6], "总计")]))
        add(put([(xs[1], "商业企"), (xs[2], "科研机"), (xs[3], "社会公益"), (xs[4], "法律服务")]))
        add(put([(xs[5], "其他")]))
        add(put([(xs[1], "业"), (xs[2], "构"), (xs[3], "组织"), (xs[4], "机构")]))
        add("")
        add("")
    else:
        add(put([(xs[2] + 1, "法人或其他组织")]))
        add(note[:half])
        add(note[half:])
        add(put([(xs[0] - 1, "自然人"), (xs[3], "社会"), (xs[4], "法律"), (xs[6], "总计")]))
        add(put([(xs[1], "商业"), (xs[2], "科研")]))
        add(put([(xs[3], "公益"), (xs[4], "服务"), (xs[5], "其他")]))
        add(put([(xs[1], "企业"), (xs[2], "机构")]))
        add(put([(xs[3], "组织"), (xs[4], "机构")]))
        add("")
    # vertical label 三、本年度办理结果 and the group labels of multi-row groups
    res_first = 2
    vert = {}
    if not kiro:
        chars = ("三、", "本", "年", "度", "办", "理", "结", "果")
        step = max(1, (nr - 4) // len(chars))
        for k, ch in enumerate(chars):
            vert[res_first + 2 + k * step] = ch
    else:
        vert[res_first + 3] = " 三 、本 年 度办 理 结果"
    glines = {}
    same = {}
    for first, (g, size) in spans.items():
        gl_ = labels[first][1]
        if size <= 1:
            continue
        if not kiro or r() < 0.3:
            h = (len(gl_) + 1) // 2
            mid = first + size // 2
            if mid + 1 < first + size:
                glines[mid] = gl_[:h]
                glines[mid + 1] = gl_[h:]
            else:
                glines[mid] = gl_
        elif r() < 0.3 and ri + len(labels[first][2]) <= x0 - 8:
            same[first] = gl_
        else:
            glines[first + size // 2] = gl_
    cut = d.cut
    drop = d.drop
    t3raw = d.t3raw
    sp_ = " "
    for i in range(nr):
        L1, L2, L3 = labels[i]
        kind = rowdefs[i][1]
        pre = ""
        v = vert.get(i)
        if v is not None:
            if kiro:
                add(v)
                L.extend([""] * rng.randint(1, 4))
            else:
                pre = v
        gt = glines.get(i)
        if gt:
            add(" " * gi + gt)
        if kind == "outer":
            ind, text = 0, L1
        elif kind == "single":
            ind, text = gi, L2
        else:
            ind, text = ri, L3
        toks = t3raw[i]
        collapsed = drop is not None and drop[0] == i
        if collapsed:
            toks = toks[:drop[1]] + toks[drop[1] + 1:]
        if cut and cut[0] == i:
            toks = toks[:cut[1]]
        xf = xfirst()
        if collapsed:
            start = xf + 1
            vals = "  ".join(toks)
        elif right:
            start = xf - 2
            vals = "".join([t.rjust(colw) for t in toks])
        else:
            start = xf
            vals = "".join([t.ljust(colw) for t in toks]).rstrip()
        if i in same:
            first_line = put([(gi, same[i]), (ri, text)])
            text_lines = [first_line]
            ind = 0
        else:
            text_lines = wrap_c(text, x0 - ind - 7)
        line0 = sp_ * ind + text_lines[0]
        if pre:
            if line0.startswith(sp_ * (len(pre) + 1)):
                line0 = pre + line0[len(pre):]
            else:
                add(pre)
        nl = len(text_lines)
        if nl == 1:
            add(line0.ljust(start) + vals if vals else line0)
        elif not kiro and nl >= 3:
            add(line0)
            add((sp_ * ind + text_lines[1]).ljust(start) + vals)
            for tl in text_lines[2:]:
                add(sp_ * ind + tl)
        elif not kiro:
            add(line0)
            add(sp_ * start + vals)
            for tl in text_lines[1:]:
                add(sp_ * ind + tl)
        else:
            add(line0)
            for tl in text_lines[1:]:
                add(sp_ * ind + tl)
            add(sp_ * start + vals)
        if cut and cut[0] == i:
            return paginate(rng, L, per, final=False)
        if gap_rows:
            add("")
    add("")
    add("")
    # ---------------- t4
    head(d.heads[3])
    if kiro:
        L.extend(("          行政复议                              行政诉讼",
                  "",
                  "                              未经复议直接起诉                  复议后起诉",
                  "",
                  "结果   结果     其他   尚未",
                  "                    总 计 结果 结果 其他       尚未     结果 结果 其他 尚未",
                  "维持   纠正     结果   审结                                               总计",
                  "                                          总 计",
                  "                        维持 纠正 结果       审结     维持 纠正 结果 审结"))
    else:
        L.extend(("行政复议                          行政诉讼",
                  "",
                  "",
                  "                              未经复议直接起诉                              复议后起诉",
                  "",
                  "结果   结果    其他结    尚未",
                  "                        总计",
                  "                              结 果   结果       其他       尚未            结果   结果    其他   尚未审",
                  "维持   纠正    果      审结",
                  "                                                               总计                           总计",
                  "                              维持    纠正       结果       审结            维持   纠正    结果   结"))
    L.extend([""] * rng.randint(1, 4))
    s = ""
    for c, tok in enumerate(d.t4raw):
        if c:
            s += " " * rng.randint(2, 6)
        s += tok
    add(s if r() < 0.7 else " " + s)
    add("")
    head(d.heads[4])
    for p in d.s5:
        para(p)
    head(d.heads[5])
    for p in d.s6:
        para(p, " ")
    if d.sign:
        add("")
        add(" " * rng.randint(20, 30) + d.sign[0])
        add(" " * rng.randint(22, 32) + d.sign[1])
    L.extend([""] * rng.randint(1, 4))
    return paginate(rng, L, per)


# ----------------------------------------------------------------------------- odd files

_EMPTY_SEEN = [0]


def odd_file(rng, kind, year, form=None):
    """Returns the text (str) or the raw bytes of an odd file."""
    if kind == "empty":
        # the first one is 0 bytes; later ones are blank but byte-distinct (else they would be duplicates)
        _EMPTY_SEEN[0] += 1
        k = _EMPTY_SEEN[0] - 1
        if k == 0:
            return b""
        return (b"\xef\xbb\xbf" if k % 2 else b"") + (b"\r\n" if k % 3 else b" ") * k
    if kind == "binary":
        head = rng.choice((b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
                           b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b""))
        return head + rng.randbytes(rng.randint(200, 6000))
    o = make_org(rng, rng.choice(("county", "city", "department")))
    org = o["org"]
    if kind == "budget":
        y = year + 1
        lines = ["%s%d年部门预算" % (org, y), "", "  预算主管部门：%s" % org, "\f                        目   录", "", "",
                 "一、部门主要职能 ……………………………………………………………", "二、部门机构设置 ……………………………………………………………",
                 "三、名词解释 …………………………………………………………………", "四、部门预算编制说明 ………………………………………………………",
                 "五、部门预算表 ………………………………………………………………",
                 "  1. %d年部门财务收支预算总表 ……………………………………" % y,
                 "  2. %d年部门收入预算总表 …………………………………………" % y,
                 "\f                 %s主要职能" % org, "",
                 "  %s是%s的工作部门。主要职能包括：" % (org, org[:3]),
                 "  1.贯彻执行国家有关方针政策和法律法规。",
                 "  2.推进、指导、协调、监督本系统的政务公开和政府信息公开工作。",
                 "  3.完成上级交办的其他任务。", "",
                 "\f                           %d年部门财务收支预算总表" % y, "",
                 "编制部门：%s                                                单位：万元" % org,
                 "          收      入                                     支      出",
                 "       项    目           预算数              项    目            预算数"]
        tot = 0.0
        for name in ("一般公共预算资金", "政府性基金", "国有资本经营预算", "事业收入", "其他收入"):
            v = round(rng.random() * 3000, 2)
            tot += v
            lines.append("  %s%s%10.2f      %s%s%10.2f" % (name, " " * (18 - len(name) * 2), v,
                                                        rng.choice(("一般公共服务支出", "教育支出", "社会保障和就业支出")), "    ",
                                                        round(rng.random() * 3000, 2)))
        lines.append("  收入总计                  %10.2f      支出总计                %10.2f" % (tot, tot))
        lines.append("\f")
        return "\n".join(lines) + "\n"
    # notice
    y = year
    lines = ["关于做好%d年度政府信息公开工作年度报告编制和发布工作的通知" % y, "",
             "各乡镇人民政府、街道办事处，各有关部门：",
             "　　根据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，为做好%d年度政府信息公开工作年度报告（以下简称年度报告）"
             "编制和发布工作，现将有关事项通知如下：" % y,
             "　　一、严格按照《中华人民共和国政府信息公开工作年度报告格式》编制年度报告，内容包括总体情况、主动公开政府信息情况、"
             "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
             "　　二、各部门应于%d年1月31日前、各乡镇人民政府（街道办事处）应于%d年3月31日前向社会公布本机关年度报告。" % (y + 1, y + 1),
             "　　三、年度报告中的数据应当真实准确，表格数据之间的勾稽关系应当正确。"]
    if (rng.random() < 0.3) if form is None else form:
        lines.append("　　附件：中华人民共和国政府信息公开工作年度报告格式")
        lines.append("二、主动公开政府信息情况")
        for cn, hdrs, rows in T2_2021:
            lines.append("第二十条第（%s）项" % cn)
            lines.append("信息内容\t" + "\t".join(hdrs))
            for _, label, ms in rows:
                lines.append(label + "\t" * len(ms))
        lines.append("三、收到和处理政府信息公开申请情况")
        for L1, L2, L3 in t3_labels("2021", (0, 0, 0, False, False))[0]:
            lines.append("\t".join((L1, L2, L3)) + "\t" * 7)
    lines += ["", "%s办公室" % org, "%d年%d月%d日" % (y, rng.randint(10, 12), rng.randint(1, 28))]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- truth

def jb(b):
    return "true" if b else "false"


def q(x):
    return "null" if x is None else '"%s"' % x


def truth_line(d, path, enc, status, facts=True):
    o = d.o
    head = ('{"source_path":"%s","gen_layout":"%s","layout":"%s","format":"%s","encoding":%s,"status":"%s",'
            '"template_version":"%s","report_year":%d,"title":"%s","organization":"%s","province":%s,"city":%s,'
            '"county":%s,"township":%s,"admin_level":"%s","published_on":%s' % (
                path, d.gl, CONTRACT_LAYOUT[d.gl], FORMAT_OF.get(d.gl, "text"), q(enc), status, d.tpl, d.year,
                d.title, o["org"], q(o["province"]), q(o["city"]), q(o["county"]), q(o["township"]), o["level"],
                q(d.published)))
    if not facts:
        return (head + ',"active_disclosure":[],"applications":[],"reviews_litigation":[],"narrative_counts":[]}\n'
                ).encode("utf-8")
    cut = d.cut
    # table 二
    if not d.t2blank:
        ad_s = ",".join([f'{p}{v!r},"raw":"{raw}"{_SUF}' for p, v, raw in zip(T2_PREFIX[d.tpl], d.t2, d.t2raw)])
    else:
        ad = []
        pre = T2_PREFIX[d.tpl]
        for i, v in enumerate(d.t2):
            raw = d.t2raw[i]
            if i in d.t2blank:
                ad.append('%snull,"raw":%s,"blank":true,"ambiguous":false}' % (pre[i], json.dumps(raw, ensure_ascii=False)))
            else:
                ad.append(f'{pre[i]}{v!r},"raw":"{raw}"{_SUF}')
        ad_s = ",".join(ad)
    # table 三
    pre3 = T3_PREFIX[d.variant]
    t3, t3raw, bl, amb = d.t3, d.t3raw, d.t3blank, d.t3amb
    drop = d.drop
    if not (bl or amb or cut):
        zs = T3_ZERO[d.variant]
        parts = []
        for i, raws in enumerate(t3raw):
            if raws == Z7:
                parts.append(zs[i])
            else:
                p = pre3[i]
                row = t3[i]
                parts.append(",".join([f'{p[c]}{row[c]},"raw":"{raws[c]}"{_SUF}' for c in range(7)]))
        ap_s = ",".join(parts)
    else:
        ap = []
        SUFA = ',"blank":false,"ambiguous":true}'
        for i, row in enumerate(t3):
            p = pre3[i]
            raws = t3raw[i]
            ncols = 7
            a_row = i in amb
            if cut:
                if i > cut[0]:
                    break
                if i == cut[0]:
                    ncols = cut[1]
                    a_row = ncols < 7
            for c in range(ncols):
                raw = raws[c]
                if drop and drop[0] == i and drop[1] == c and d.gl != "space_aligned":
                    raw = ""
                if (i, c) in bl:
                    ap.append('%snull,"raw":%s,"blank":true,"ambiguous":%s}' % (
                        p[c], json.dumps(raw, ensure_ascii=False), jb(a_row)))
                else:
                    ap.append(f'{p[c]}{row[c]},"raw":"{raw}"{SUFA if a_row else _SUF}')
        ap_s = ",".join(ap)
    # table 四
    if cut:
        rl_s = ""
    elif not d.t4blank:
        rl_s = ",".join([f'{p}{v},"raw":"{raw}"{_SUF}' for p, v, raw in zip(T4_PREFIX, d.t4, d.t4raw)])
    else:
        rl = []
        for c, v in enumerate(d.t4):
            raw = d.t4raw[c]
            if c in d.t4blank:
                rl.append('%snull,"raw":%s,"blank":true,"ambiguous":false}' % (T4_PREFIX[c], json.dumps(raw, ensure_ascii=False)))
            else:
                rl.append(f'{T4_PREFIX[c]}{v},"raw":"{raw}"{_SUF}')
        rl_s = ",".join(rl)
    nc = []
    for subj, cat, ch, tot, n, approx in d.narr:
        nc.append('{"subject":"%s","category":%s,"channel":%s,"is_total":%s,"count":%d,"approximate":%s}' % (
            subj, q(cat), q(ch), jb(tot), n, jb(approx)))
    # ASCII-only pieces stay compact strings: encode them apart from the CJK metadata (much faster)
    return b"".join((head.encode("utf-8"), b',"active_disclosure":[', ad_s.encode("utf-8"), b'],"applications":[',
                     ap_s.encode("utf-8"), b'],"reviews_litigation":[', rl_s.encode("utf-8"), b'],"narrative_counts":[',
                     ",".join(nc).encode("utf-8"), b"]}\n"))


def odd_truth(path, enc, status, fmt="text"):
    meta = {"source_path": path, "gen_layout": "misc", "layout": "none", "format": fmt, "encoding": enc,
            "status": status, "template_version": None, "report_year": None, "title": None, "organization": None,
            "province": None, "city": None, "county": None, "township": None, "admin_level": None,
            "published_on": None, "active_disclosure": [], "applications": [], "reviews_litigation": [],
            "narrative_counts": []}
    return (json.dumps(meta, ensure_ascii=False) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- encoding

def encode(rng, text, d_or_none, ctl):
    r = rng.random
    enc = ctl.get("enc")
    if enc is None:
        x = r()
        enc = "utf-8-sig" if x < 0.03 else ("gb18030" if x < 0.06 else ("utf-16le" if x < 0.07 else "utf-8"))
    crlf = ctl.get("crlf")
    if crlf is None:
        crlf = r() < 0.1
    if crlf:
        text = text.replace("\n", "\r\n")
    if enc == "utf-8":
        return text.encode("utf-8"), "utf-8"
    if enc == "utf-8-sig":
        return ("\ufeff" + text).encode("utf-8"), "utf-8"
    if enc == "gb18030":
        return text.replace("\u00a0", " ").encode("gb18030"), "gb18030"
    return ("\ufeff" + text).encode("utf-16-le"), "utf-16le"


RENDER = {"tabbed": render_tabbed, "markdown_table": render_markdown,
          "cell_per_line": lambda d, rng: render_cpl(d, rng, False),
          "cell_per_line_tab": lambda d, rng: render_cpl(d, rng, True),
          "space_aligned": render_space, "html_table": render_html}
EXT = {"markdown_table": ".md", "html_table": ".html"}

# ----------------------------------------------------------------------------- sample plan

SAMPLE_PLAN = [
    dict(gl="tabbed", level="township", year=2021, web=False, enc="utf-8", crlf=False, want=("apps",)),
    dict(gl="markdown_table", level="township", year=2020, tpl="2019", web=False, enc="utf-8", crlf=False,
         proc="dec4", want=("proc",)),
    dict(gl="cell_per_line", level="township", year=2022, web=True, enc="utf-8", crlf=False, blanks=True, ph="",
         blank_mode=0.9, want=("blank",)),
    dict(gl="cell_per_line_tab", level="department", year=2020, web=False, enc="utf-8", crlf=False, proc="yuan",
         want=("proc", "signed", "apps")),
    dict(gl="space_aligned", level="county", year=2023, enc="utf-8", crlf=False, style="kiro", no_variant=True,
         want=("apps",)),
    dict(gl="space_aligned", level="city", year=2024, enc="utf-8", crlf=False, style="gnb", want=("apps",)),
    dict(gl="html_table", level="city", year=2022, enc="utf-8", crlf=False, blanks=True, ph="", blank_mode=0.3,
         want=("blank", "apps")),
    dict(gl="html_table", level="province", year=2019, enc="utf-8", crlf=False, proc="yuan", want=("proc", "apps")),
    dict(gl="tabbed", level="county", year=2022, web=False, enc="gb18030", crlf=True, want=("apps",)),
    dict(gl="markdown_table", level="department", year=2023, web=False, enc="utf-8-sig", crlf=False, blanks=True,
         want=("blank",)),
    dict(odd="notice", form=False),
    dict(odd="empty"),
]


def sample_ok(d, want):
    for w in want:
        if w == "apps" and d.t3[0][6] == 0:
            return False
        if w == "proc" and (d.tpl != "2019" or d.t2[-2] == 0):
            return False
        if w == "signed" and not any(x.startswith(("+", "-")) and x not in ("-",) for x in d.t2raw):
            return False
        if w == "blank" and not (d.t2blank or d.t3blank or d.t4blank):
            return False
    return True


# ----------------------------------------------------------------------------- main

def write_file(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of files to generate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output directory (corpus/ and truth.jsonl are written there)")
    ap.add_argument("--sample", action="store_true", help="small varied sample corpus (one per layout/format ...)")
    ap.add_argument("--clean", action="store_true", help="only well-formed reports: no odd files, ambiguity or truncation")
    ap.add_argument("--p-blank", type=float, default=0.03, help="share of reports with blank cells (default 0.03)")
    ap.add_argument("--p-amb", type=float, default=0.02, help="share of reports with an unrecoverable row (0.02)")
    ap.add_argument("--p-violation", type=float, default=0.05, help="share violating an identity (0.05)")
    ap.add_argument("--p-odd", type=float, default=0.017,
                    help="share of odd files: empty, binary, not-a-report, duplicate, truncated (0.017)")
    ap.add_argument("--families", metavar="LIST",
                    help="comma-separated report families of issue 26 (families.py): base, cpl_tab_rows, blank_cells, "
                         "glued_text, md_detached, pipe_variants, web_meta, negatives, narrative_breakdown, or 'all'; "
                         "file i is made by family i mod len(LIST). Without it the output is the old mix, unchanged.")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.families:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import families
        families.G = sys.modules[__name__]
        names = families.FAMILIES if args.families == "all" else [x.strip() for x in args.families.split(",") if x.strip()]
        bad = [x for x in names if x not in families.FAMILIES]
        if bad or not names:
            ap.error("unknown families: %s (known: %s)" % (", ".join(bad), ", ".join(families.FAMILIES)))
        args.family_list = list(names)
        return families.run(args)
    rng = FastRandom(args.seed)
    _EMPTY_SEEN[0] = 0
    gc.disable()  # the generator makes no reference cycles worth collecting; collected every 20000 files below
    out_root = args.out
    corpus = os.path.join(out_root, "corpus")
    made_dirs = set()
    t0 = time.time()
    c0 = time.process_time()
    stats = {}
    recent = []  # (gen_layout, ext, bytes, Doc, enc, status) of recent ok reports, for duplicates
    os.makedirs(corpus, exist_ok=True)
    with open(os.path.join(out_root, "truth.jsonl"), "wb", buffering=1 << 20) as tf:
        for idx in range(args.n):
            if idx % 20000 == 19999:
                gc.collect()
            r = rng.random
            if args.sample:
                ctl = dict(SAMPLE_PLAN[idx % len(SAMPLE_PLAN)], small=True, clean=True)
                if not ctl.get("blanks"):
                    ctl["no_blanks"] = True
            else:
                ctl = {"p_blank": args.p_blank, "p_amb": args.p_amb, "p_violation": args.p_violation}
                if not args.clean:
                    x = r() * 0.017 / max(args.p_odd, 1e-9)
                    if x < 0.003:
                        ctl["odd"] = "empty"
                    elif x < 0.006:
                        ctl["odd"] = "binary"
                    elif x < 0.009:
                        ctl["odd"] = rng.choice(("budget", "notice"))
                    elif x < 0.013:
                        ctl["odd"] = "dup"
                    elif x < 0.017:
                        ctl["cut"] = True
                else:
                    ctl["clean"] = True
            name = "%06d" % idx
            odd = ctl.get("odd")
            if odd == "dup" and not recent:
                odd = None
            if odd == "dup":
                gl, ext, data, dd, enc, _ = rng.choice(recent)
                rel = "%s/%s%s" % (gl, name, ext)
                line = truth_line(dd, rel, enc, "duplicate", facts=False)
                status = "duplicate"
            elif odd:
                gl = "misc"
                ext = ".txt"
                if odd in ("empty", "binary"):
                    data = odd_file(rng, odd, 2021)
                    enc = None
                    status = "failed"
                    if odd == "binary" and data[:2] == b"PK":
                        ext = ".docx" if r() < 0.3 else ".txt"
                else:
                    text = odd_file(rng, odd, rng.choice((2020, 2021, 2022, 2023)), ctl.get("form"))
                    data, enc = encode(rng, text, None, {"crlf": False} if args.sample else {})
                    status = "not_a_report"
                rel = "%s/%s%s" % (gl, name, ext)
                line = odd_truth(rel, enc, status)
            else:
                gl = ctl.get("gl") or GEN_LAYOUTS[bisect_right(LAYOUT_CUM, r() * LAYOUT_CUM[-1])]
                d = make_doc(rng, idx, gl, ctl)
                for _ in range(200):
                    if sample_ok(d, ctl.get("want", ())):
                        break
                    d = make_doc(rng, idx, gl, ctl)
                enc_choice = ctl.get("enc")
                if gl == "html_table":
                    if enc_choice is None:
                        x = r()
                        enc_choice = "gb18030" if x < 0.05 else ("utf-8-sig" if x < 0.07 else "utf-8")
                    d.opt["charset"] = rng.choice(("gb2312", "GBK", "gb18030")) if enc_choice == "gb18030" else "utf-8"
                text = RENDER[gl](d, rng)
                data, enc = encode(rng, text, d, dict(ctl, enc=enc_choice) if enc_choice else ctl)
                ext = EXT.get(gl, ".txt")
                if gl == "markdown_table" and r() < 0.2 and not args.sample:
                    ext = ".txt"
                status = "partial" if (d.cut or d.t3amb) else "ok"
                rel = "%s/%s%s" % (gl, name, ext)
                line = truth_line(d, rel, enc, status)
                if status == "ok":
                    if len(recent) < 64:
                        recent.append((gl, ext, data, d, enc, status))
                    else:
                        recent[rng.randrange(64)] = (gl, ext, data, d, enc, status)
            dirp = os.path.join(corpus, gl)
            if gl not in made_dirs:
                os.makedirs(dirp, exist_ok=True)
                made_dirs.add(gl)
            write_file(os.path.join(corpus, rel), data)
            tf.write(line)
            k = (gl, status)
            stats[k] = stats.get(k, 0) + 1
    dt = time.time() - t0
    ct = time.process_time() - c0
    if not args.quiet:
        print("wrote %d files in %.2fs (%.0f files/s wall, %.0f files/s cpu) to %s" % (
            args.n, dt, args.n / max(dt, 1e-9), args.n / max(ct, 1e-9), out_root), file=sys.stderr)
        for (gl, st), n in sorted(stats.items()):
            print("  %-18s %-13s %6d" % (gl, st, n), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
