//! The contract's codes with their 中文 labels, in the order the official
//! forms print them: what `OUT/views.sql`'s label tables and `docs/codes.md`
//! are made from. It owns the wording shown to people, not the recognition
//! of labels in reports (that is [`crate::template`]).
//!
//! Labels are quoted from `template.md` (the 2019 and 2021 forms); a code
//! that only one form has says which in `versions`.

/// One code of a coded column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The contract string.
    pub code: &'static str,
    /// The label as the form prints it (or a short 中文 name where the form
    /// prints none, e.g. diagnostics).
    pub label: &'static str,
    /// The group the row sits under in the form (`（三）不予公开`), or "".
    pub group: &'static str,
    /// Which formats have it: `2019,2021`, `2019` or `2021`.
    pub versions: &'static str,
    /// What it means, in English, for the docs; "" when the label says it.
    pub note: &'static str,
}

const fn l(code: &'static str, label: &'static str) -> Label {
    Label {
        code,
        label,
        group: "",
        versions: "2019,2021",
        note: "",
    }
}

const fn g(code: &'static str, group: &'static str, label: &'static str) -> Label {
    Label {
        code,
        label,
        group,
        versions: "2019,2021",
        note: "",
    }
}

const fn v(mut x: Label, versions: &'static str) -> Label {
    x.versions = versions;
    x
}

const fn n(mut x: Label, note: &'static str) -> Label {
    x.note = note;
    x
}

/// A coded column and its codes, in template order.
#[derive(Debug, Clone, Copy)]
pub struct CodeList {
    /// The label table's name in `views.sql` (`row_codes`).
    pub name: &'static str,
    /// Where the codes occur (`applications.row_code`).
    pub column: &'static str,
    /// The codes, in the order the forms print them.
    pub codes: &'static [Label],
}

const RESULT: &str = "三、本年度办理结果";

/// `applications.row_code`: table 三's rows, top to bottom (both formats;
/// （六） is one row in 2019 and three in 2021).
pub const ROW_CODES: &[Label] = &[
    l("new_received", "一、本年新收政府信息公开申请数量"),
    l("carried_over", "二、上年结转政府信息公开申请数量"),
    g("granted", RESULT, "（一）予以公开"),
    g(
        "partially_granted",
        RESULT,
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
    g("denied_state_secret", "（三）不予公开", "1.属于国家秘密"),
    g(
        "denied_prohibited_by_law",
        "（三）不予公开",
        "2.其他法律行政法规禁止公开",
    ),
    g(
        "denied_three_safeties",
        "（三）不予公开",
        "3.危及“三安全一稳定”",
    ),
    g(
        "denied_third_party",
        "（三）不予公开",
        "4.保护第三方合法权益",
    ),
    g(
        "denied_internal_affairs",
        "（三）不予公开",
        "5.属于三类内部事务信息",
    ),
    g(
        "denied_process_info",
        "（三）不予公开",
        "6.属于四类过程性信息",
    ),
    g(
        "denied_enforcement_file",
        "（三）不予公开",
        "7.属于行政执法案卷",
    ),
    g(
        "denied_query_matter",
        "（三）不予公开",
        "8.属于行政查询事项",
    ),
    g(
        "unable_not_held",
        "（四）无法提供",
        "1.本机关不掌握相关政府信息",
    ),
    g(
        "unable_needs_creation",
        "（四）无法提供",
        "2.没有现成信息需要另行制作",
    ),
    g(
        "unable_unclear",
        "（四）无法提供",
        "3.补正后申请内容仍不明确",
    ),
    g(
        "not_processed_petition",
        "（五）不予处理",
        "1.信访举报投诉类申请",
    ),
    g("not_processed_repeat", "（五）不予处理", "2.重复申请"),
    g(
        "not_processed_publication",
        "（五）不予处理",
        "3.要求提供公开出版物",
    ),
    g(
        "not_processed_excessive",
        "（五）不予处理",
        "4.无正当理由大量反复申请",
    ),
    g(
        "not_processed_confirm",
        "（五）不予处理",
        "5.要求行政机关确认或重新出具已获取信息",
    ),
    n(
        v(g("other_handling", RESULT, "（六）其他处理"), "2019"),
        "one row in the 2019 form; also some 2021-format reports that print it as one row",
    ),
    v(
        g(
            "other_no_correction",
            "（六）其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        "2021",
    ),
    v(
        g(
            "other_no_fee",
            "（六）其他处理",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        "2021",
    ),
    v(g("other_other", "（六）其他处理", "3.其他"), "2021"),
    g("total_handled", RESULT, "（七）总计"),
    l("carried_forward", "四、结转下年度继续办理"),
];

/// `applications.applicant`: table 三's columns, left to right.
pub const APPLICANT_CODES: &[Label] = &[
    l("natural_person", "自然人"),
    g("commercial_enterprise", "法人或其他组织", "商业企业"),
    g("research_institution", "法人或其他组织", "科研机构"),
    g("social_welfare_org", "法人或其他组织", "社会公益组织"),
    g("legal_service_agency", "法人或其他组织", "法律服务机构"),
    g("other_org", "法人或其他组织", "其他"),
    l("total", "总计"),
];

/// `active_disclosure.article`: table 二's blocks.
pub const ARTICLE_CODES: &[Label] = &[
    l("20.1", "第二十条第（一）项"),
    l("20.5", "第二十条第（五）项"),
    l("20.6", "第二十条第（六）项"),
    l("20.8", "第二十条第（八）项"),
    v(l("20.9", "第二十条第（九）项"), "2019"),
];

/// `active_disclosure.item_code`: table 二's rows, top to bottom.
pub const ITEM_CODES: &[Label] = &[
    g("regulation", "第二十条第（一）项", "规章"),
    n(
        g("normative_document", "第二十条第（一）项", "行政规范性文件"),
        "printed 规范性文件 in the 2019 form",
    ),
    g("administrative_license", "第二十条第（五）项", "行政许可"),
    v(
        g(
            "other_external_service",
            "第二十条第（五）项",
            "其他对外管理服务事项",
        ),
        "2019",
    ),
    g("administrative_penalty", "第二十条第（六）项", "行政处罚"),
    g("administrative_coercion", "第二十条第（六）项", "行政强制"),
    g("administrative_fee", "第二十条第（八）项", "行政事业性收费"),
    v(
        g("central_procurement", "第二十条第（九）项", "政府集中采购"),
        "2019",
    ),
];

/// `active_disclosure.metric_code`: table 二's columns, 2019 then 2021.
pub const METRIC_CODES: &[Label] = &[
    v(
        g("new_made", "第二十条第（一）项", "本年新制作数量"),
        "2019",
    ),
    v(
        g("new_published", "第二十条第（一）项", "本年新公开数量"),
        "2019",
    ),
    v(
        g("published_total", "第二十条第（一）项", "对外公开总数量"),
        "2019",
    ),
    v(g("issued", "第二十条第（一）项", "本年制发件数"), "2021"),
    v(g("repealed", "第二十条第（一）项", "本年废止件数"), "2021"),
    v(g("in_force", "第二十条第（一）项", "现行有效件数"), "2021"),
    n(
        v(l("prior_year_items", "上一年项目数量"), "2019"),
        "a number of items (项), also under 第二十条第（八）项",
    ),
    n(
        v(l("change", "本年增/减"), "2019"),
        "signed: a negative value is a decrease",
    ),
    n(
        l("decisions", "本年处理决定数量"),
        "printed 处理决定数量 in the 2019 form",
    ),
    n(
        v(
            g(
                "fee_amount",
                "第二十条第（八）项",
                "本年收费金额（单位：万元）",
            ),
            "2021",
        ),
        "万元",
    ),
    v(
        g("procurement_items", "第二十条第（九）项", "采购项目数量"),
        "2019",
    ),
    n(
        v(
            g("procurement_amount", "第二十条第（九）项", "采购总金额"),
            "2019",
        ),
        "converted to 万元 when the cell or header says 元; a bare amount is in 万元",
    ),
];

/// `reviews_litigation.proceeding`: table 四's column groups, left to right.
pub const PROCEEDING_CODES: &[Label] = &[
    l("review", "行政复议"),
    g("litigation_direct", "行政诉讼", "未经复议直接起诉"),
    g("litigation_after_review", "行政诉讼", "复议后起诉"),
];

/// `reviews_litigation.outcome`: the five columns under each proceeding.
pub const OUTCOME_CODES: &[Label] = &[
    l("upheld", "结果维持"),
    l("corrected", "结果纠正"),
    l("other", "其他结果"),
    l("pending", "尚未审结"),
    l("total", "总计"),
];

/// `checks.check_code`: the accounting identities.
pub const CHECK_CODES: &[Label] = &[
    n(
        l(
            "t3_balance",
            "表三：第一项加第二项之和，等于第三项加第四项之和",
        ),
        "per applicant column: new_received + carried_over = total_handled + carried_forward (printed on the form)",
    ),
    n(
        l("t3_outcome_sum", "表三：（七）总计等于各办理结果之和"),
        "per applicant column: total_handled = sum of the outcome rows",
    ),
    n(
        l("t3_row_total", "表三：总计列等于六类申请人之和"),
        "per row: total = sum of the six applicant columns",
    ),
    n(
        l("t4_total", "表四：总计等于四种结果之和"),
        "per proceeding: total = upheld + corrected + other + pending",
    ),
    n(
        l("narrative_breakdown", "总体情况：分类数之和等于所述总数"),
        "categories stated in prose sum to the stated total (a heuristic: writers leave out 其他)",
    ),
];

/// `reports.status`.
pub const STATUS_CODES: &[Label] = &[
    n(l("ok", "完整"), "all expected tables found and complete"),
    n(
        l("partial", "部分"),
        "some values or tables missing: `error_code` and `diagnostics` say which",
    ),
    n(
        l("failed", "无法读取"),
        "could not be read or parsed at all; `error` says why",
    ),
    n(
        l("duplicate", "重复"),
        "byte-identical to an earlier file; listed, with no facts",
    ),
    n(
        l("not_a_report", "非年度报告"),
        "readable, but not a disclosure annual report (a notice, a budget, a pre-2019 form …)",
    ),
];

/// `diagnostics.code` (and `reports.error_code`).
pub const DIAGNOSTIC_CODES: &[Label] = &[
    n(
        l("blank_cell", "空白单元格"),
        "a value cell was present but blank (—, /, empty): NULL, not 0",
    ),
    n(
        l("column_count_mismatch", "列数不符"),
        "a row had a number of value cells that cannot be aligned with its columns: its values are NULL",
    ),
    n(
        l("invalid_value", "非数值"),
        "a cell held text that is not a number where a number belongs",
    ),
    n(
        l("approximate_value", "约数"),
        "a value written approximately (约30) inside a table",
    ),
    n(
        l("row_missing", "缺行"),
        "a row of the form was not found in the report",
    ),
    n(l("table_missing", "缺表"), "a whole table was not found"),
    n(
        l("table_truncated", "表格截断"),
        "a table stops before its last rows",
    ),
    n(
        l("orphan_values", "无行标签的数值"),
        "numbers in a table that belong to no row label",
    ),
    n(
        l("reading_order_scrambled", "阅读顺序错乱"),
        "the text extraction scrambled a table's reading order: values left NULL rather than guessed",
    ),
    n(
        l("duplicate_row", "重复行"),
        "the same row of the form appeared twice: the first is kept, or, when the two carry different numbers, neither (values NULL)",
    ),
    n(
        l("version_fallback", "按年份推定格式"),
        "no version-specific labels; the format was taken from the report year",
    ),
    n(
        l("mixed_template", "混用两版格式"),
        "labels of both the 2019 and the 2021 format occur",
    ),
    n(
        l("unsupported_template", "不支持的格式"),
        "no supported form applies (e.g. a pre-2019 local form)",
    ),
    n(
        l("unit_converted", "单位已换算"),
        "a money value was converted to 万元 from the unit written in the cell",
    ),
    n(
        l("unit_unknown", "单位不明"),
        "a money value has no unit anywhere and is too large (≥ 1 亿 in 万元) to be taken in the usual 万元",
    ),
    n(
        l("other_handling_collapsed", "其他处理未分项"),
        "a 2021-format table 三 printed （六）其他处理 as a single row",
    ),
    n(
        l("encoding_fallback", "编码推测"),
        "the encoding was guessed (no BOM, not UTF-8)",
    ),
    n(
        l("year_missing", "年度不明"),
        "the report year could not be determined",
    ),
    n(
        l("not_a_report", "非年度报告"),
        "the file is not a disclosure annual report",
    ),
    n(
        l("ambiguous_split", "粘连数字无法唯一拆分"),
        "a glued digit run splits into the row's cells in several ways (or none) the identities cannot tell apart",
    ),
    n(
        l("uncertain_row", "行与数值对应不确定"),
        "a row's label and its values could not be associated with certainty",
    ),
    n(
        l("misread_suspected", "疑似识别错误"),
        "the text was read off images (OCR): a table 三 row or table 四 proceeding that is incomplete or does not add up to its own total, and every table 二 value (no totals to check), is left NULL",
    ),
    n(
        l("form_unfilled", "表格未填写"),
        "every cell read of tables 二/三/四 is blank, not one number: an unfilled form (status partial)",
    ),
    n(l("empty_file", "空文件"), "the file has zero bytes"),
    n(
        l("blank_file", "无文本"),
        "the file decodes to nothing but whitespace",
    ),
    n(
        l("file_too_large", "文件过大"),
        "larger than --max-file-size (not read), or a text over 4 MB, 200,000 lines or 100,000 cells (one per 10 bytes under 1 MB, at least 20,000) (not parsed)",
    ),
    n(
        l("unreadable_file", "无法打开"),
        "the file could not be opened or read",
    ),
    n(
        l("unsupported_format", "不支持的文件类型"),
        "PDF, Word or another container: extract its text first",
    ),
    n(l("binary_file", "二进制文件"), "binary data, not text"),
    n(
        l("undecodable", "无法解码"),
        "no supported text encoding decodes the bytes",
    ),
    n(
        l("duplicate", "重复文件"),
        "reports.error_code only: byte-identical to an earlier file",
    ),
    n(
        l("incomplete", "不完整"),
        "reports.error_code only: partial with no warning more telling",
    ),
    n(
        l("internal_error", "内部错误"),
        "a bug in the parser, caught for this file only; please report it",
    ),
];

/// Every label table, in the order `views.sql` and `docs/codes.md` list them.
pub const CODE_LISTS: &[CodeList] = &[
    CodeList {
        name: "row_codes",
        column: "applications.row_code",
        codes: ROW_CODES,
    },
    CodeList {
        name: "applicant_codes",
        column: "applications.applicant",
        codes: APPLICANT_CODES,
    },
    CodeList {
        name: "article_codes",
        column: "active_disclosure.article",
        codes: ARTICLE_CODES,
    },
    CodeList {
        name: "item_codes",
        column: "active_disclosure.item_code",
        codes: ITEM_CODES,
    },
    CodeList {
        name: "metric_codes",
        column: "active_disclosure.metric_code",
        codes: METRIC_CODES,
    },
    CodeList {
        name: "proceeding_codes",
        column: "reviews_litigation.proceeding",
        codes: PROCEEDING_CODES,
    },
    CodeList {
        name: "outcome_codes",
        column: "reviews_litigation.outcome",
        codes: OUTCOME_CODES,
    },
    CodeList {
        name: "check_codes",
        column: "checks.check_code",
        codes: CHECK_CODES,
    },
    CodeList {
        name: "status_codes",
        column: "reports.status",
        codes: STATUS_CODES,
    },
    CodeList {
        name: "diagnostic_codes",
        column: "diagnostics.code, reports.error_code",
        codes: DIAGNOSTIC_CODES,
    },
];

/// `docs/codes.md`, generated from [`CODE_LISTS`] (a test keeps the file in
/// step: `GOVREPORTS_BLESS=1 cargo test --release codes_md` rewrites it).
#[must_use]
pub fn render_markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "# Codes and their 中文 labels\n\n\
         Generated from `src/labels.rs` (do not edit by hand). Every coded column of the\n\
         output, its codes in the order the official forms print them, and the label\n\
         the form prints. `OUT/views.sql` creates the same lists as tables\n\
         (`row_codes`, `item_codes`, …) with the columns `code`, `sort_order`,\n\
         `label`, `group_label`, `versions`, `note`.\n",
    );
    for list in CODE_LISTS {
        let _ = write!(
            s,
            "\n## `{}` — {}\n\n| # | code | label | under | formats | note |\n|---|---|---|---|---|---|\n",
            list.name, list.column
        );
        for (i, c) in list.codes.iter().enumerate() {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} | {} | {} |",
                i + 1,
                c.code,
                c.label,
                c.group,
                c.versions,
                c.note
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::DiagCode;
    use crate::template::{APPLICANTS, OUTCOMES, PROCEEDINGS, TemplateVersion};

    fn codes(list: &[Label]) -> Vec<&'static str> {
        list.iter().map(|l| l.code).collect()
    }

    #[test]
    fn label_lists_hold_every_code_the_template_writes_in_its_order() {
        assert_eq!(codes(APPLICANT_CODES), APPLICANTS);
        assert_eq!(codes(PROCEEDING_CODES), PROCEEDINGS);
        assert_eq!(codes(OUTCOME_CODES), OUTCOMES);
        for version in [TemplateVersion::V2019, TemplateVersion::V2021] {
            let t = version.template();
            let rows: Vec<_> = t.applications.iter().map(|r| r.row_code).collect();
            // The template's rows appear in the same relative order here.
            let positions: Vec<usize> = rows
                .iter()
                .map(|r| {
                    ROW_CODES
                        .iter()
                        .position(|l| l.code == *r)
                        .unwrap_or_else(|| panic!("{r} has no label"))
                })
                .collect();
            let non_alternative: Vec<usize> = t
                .applications
                .iter()
                .zip(&positions)
                .filter(|(r, _)| !r.alternative)
                .map(|(_, p)| *p)
                .collect();
            assert!(non_alternative.is_sorted(), "{version:?}: {rows:?}");
            for row in &t.proactive {
                assert!(codes(ITEM_CODES).contains(&row.item_code));
                assert!(codes(ARTICLE_CODES).contains(&row.article));
                for m in row.metrics {
                    assert!(codes(METRIC_CODES).contains(&m.code), "{}", m.code);
                }
            }
        }
        assert_eq!(ROW_CODES.len(), 26);
        for c in [
            DiagCode::BlankCell,
            DiagCode::ColumnCountMismatch,
            DiagCode::AmbiguousSplit,
            DiagCode::UncertainRow,
            DiagCode::MisreadSuspected,
        ] {
            assert!(codes(DIAGNOSTIC_CODES).contains(&c.code()));
        }
        for list in CODE_LISTS {
            let mut seen = codes(list.codes);
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), list.codes.len(), "{} repeats a code", list.name);
        }
    }

    #[test]
    fn codes_md_is_generated_from_the_lists() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
        let expected = render_markdown();
        if std::env::var_os("GOVREPORTS_BLESS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/codes.md is stale: rerun with GOVREPORTS_BLESS=1"
        );
    }
}
