//! Every real report in the fixture corpus (copied from `../shared/corpus`),
//! cell by cell: the values a careful person reads from it, and NULL with a
//! diagnostic where the source cannot be read with certainty.

use govreports::parse::parse_file;
use govreports::report::{Report, Status};
use govreports::template::{APPLICANTS, OUTCOMES, PROCEEDINGS};

use crate::support::fixture;

fn parse(rel: &str) -> Report {
    parse_file(&fixture(rel), rel, u64::MAX)
}

fn active(r: &Report, item: &str, metric: &str) -> Option<f64> {
    let f = r
        .active
        .iter()
        .find(|f| f.item_code == item && f.metric_code == metric)
        .unwrap_or_else(|| panic!("{item}/{metric} missing"));
    f.value
}

/// Table 二 of a 2021-format report: 规章 and 规范性文件 triples, then
/// license, penalty, coercion, fee.
fn assert_t2_2021(r: &Report, reg: [f64; 3], norm: [f64; 3], decisions: [f64; 3], fee: f64) {
    for (m, v) in ["issued", "repealed", "in_force"].iter().zip(reg) {
        assert_eq!(active(r, "regulation", m), Some(v), "regulation/{m}");
    }
    for (m, v) in ["issued", "repealed", "in_force"].iter().zip(norm) {
        assert_eq!(
            active(r, "normative_document", m),
            Some(v),
            "normative_document/{m}"
        );
    }
    for (item, v) in [
        "administrative_license",
        "administrative_penalty",
        "administrative_coercion",
    ]
    .iter()
    .zip(decisions)
    {
        assert_eq!(active(r, item, "decisions"), Some(v), "{item}");
    }
    assert_eq!(active(r, "administrative_fee", "fee_amount"), Some(fee));
    assert_eq!(r.active.len(), 10);
}

fn app(r: &Report, row: &str, applicant: &str) -> Option<i64> {
    r.applications
        .iter()
        .find(|f| f.row_code == row && f.applicant == applicant)
        .unwrap_or_else(|| panic!("{row}/{applicant} missing"))
        .count
}

/// Asserts every table 三 cell: rows listed with their seven values, every
/// other row of `rows` all zero.
fn assert_t3(r: &Report, rows: &[&str], nonzero: &[(&str, [i64; 7])]) {
    for row in rows {
        let want = nonzero
            .iter()
            .find(|(c, _)| c == row)
            .map_or([0; 7], |(_, v)| *v);
        for (a, v) in APPLICANTS.iter().zip(want) {
            assert_eq!(app(r, row, a), Some(v), "{}: {row}/{a}", r.source_path);
        }
    }
    assert_eq!(
        r.applications.len(),
        rows.len() * 7,
        "{}: no extra table 三 facts",
        r.source_path
    );
}

fn assert_t4(r: &Report, values: [i64; 15]) {
    let mut i = 0;
    for p in PROCEEDINGS {
        for o in OUTCOMES {
            let f = r
                .reviews
                .iter()
                .find(|f| f.proceeding == p && f.outcome == o)
                .unwrap();
            assert_eq!(f.count, Some(values[i]), "{}: {p}/{o}", r.source_path);
            i += 1;
        }
    }
    assert_eq!(r.reviews.len(), 15);
}

const ROWS_2021: [&str; 25] = [
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_three_safeties",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_query_matter",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "not_processed_petition",
    "not_processed_repeat",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirm",
    "other_no_correction",
    "other_no_fee",
    "other_other",
    "total_handled",
    "carried_forward",
];

/// The 2021 rows with （六） printed as one row (the 洪泽区 reports).
fn rows_collapsed() -> Vec<&'static str> {
    ROWS_2021
        .iter()
        .copied()
        .filter(|r| !r.starts_with("other_"))
        .chain(["other_handling"])
        .collect()
}

fn one_col(total: i64) -> [i64; 7] {
    [total, 0, 0, 0, 0, 0, total]
}

fn has_diag(r: &Report, code: &str) -> bool {
    r.diagnostics.iter().any(|d| d.code.code() == code)
}

#[test]
fn seed_000_tabbed_2021_township() {
    let r = parse("seeds/000_cfc02e107e735945.txt");
    assert_eq!(r.status, Status::Ok);
    assert_eq!(
        (r.layout, r.template_version, r.encoding),
        (Some("tabbed"), Some("2021"), Some("utf-8"))
    );
    assert_eq!(r.meta.organization.as_deref(), Some("新绛县万安镇人民政府"));
    assert_eq!(
        (
            r.meta.county.as_deref(),
            r.meta.township.as_deref(),
            r.meta.admin_level
        ),
        (Some("新绛县"), Some("万安镇"), "township")
    );
    assert_eq!(
        (r.meta.report_year, r.meta.published_on),
        (Some(2021), Some((2022, 1, 13)))
    );
    assert_t2_2021(&r, [0.0; 3], [0.0; 3], [0.0; 3], 0.0);
    assert_t3(&r, &ROWS_2021, &[]);
    assert_t4(&r, [0; 15]);
    assert_eq!(
        (r.cells_expected, r.cells_found, r.cells_blank),
        (200, 200, 0)
    );
    // The page break split “(五) 不 / 予处理”: the rows under it are still read.
    assert_eq!(
        r.applications
            .iter()
            .find(|f| f.row_code == "not_processed_repeat")
            .unwrap()
            .source_line,
        50
    );
    // Narrative: 共 71 条 = 17 + 2 + 5 + 2 + 1 + 1 + 43, and the check passes.
    let total = r.narrative.iter().find(|n| n.is_total).unwrap();
    assert_eq!(
        (
            total.subject.as_str(),
            total.count,
            total.category.as_deref()
        ),
        ("政务信息", 71, None)
    );
    let cats: Vec<(&str, i64)> = r
        .narrative
        .iter()
        .filter_map(|n| n.category.as_deref().map(|c| (c, n.count)))
        .collect();
    assert_eq!(
        cats,
        vec![
            ("机构信息", 17),
            ("政策法规", 2),
            ("通知公告公示", 5),
            ("财政信息", 2),
            ("人事信息", 1),
            ("政府工作报告信息", 1),
            ("乡镇工作", 43)
        ]
    );
    let check = r
        .checks
        .iter()
        .find(|c| c.check_code == "narrative_breakdown")
        .unwrap();
    assert!(check.passed && check.expected == 71.0);
    assert_eq!(r.checks_failed(), 0);
}

#[test]
fn seed_001_markdown_2019_truncated_table_three_is_partial_without_guesses() {
    let r = parse("seeds/001_bf8f444fa599ebce.txt");
    assert_eq!(r.status, Status::Partial);
    assert_eq!(
        (r.layout, r.template_version),
        (Some("markdown_table"), Some("2019"))
    );
    assert_eq!(
        (r.meta.organization.as_deref(), r.meta.township.as_deref()),
        (Some("思礼镇人民政府"), Some("思礼镇"))
    );
    assert_eq!(
        (r.meta.report_year, r.meta.published_on),
        (Some(2020), None)
    );
    // 表二 (2019): zeros, and 政府集中采购 6 projects, 32.2526 万元.
    for f in &r.active {
        let want = match (f.item_code, f.metric_code) {
            ("central_procurement", "procurement_items") => 6.0,
            ("central_procurement", "procurement_amount") => 32.2526,
            _ => 0.0,
        };
        assert_eq!(f.value, Some(want), "{}/{}", f.item_code, f.metric_code);
    }
    assert_eq!(r.active.len(), 22);
    assert_eq!(
        r.active
            .iter()
            .find(|f| f.metric_code == "procurement_amount")
            .unwrap()
            .unit,
        Some("万元")
    );
    // 表三: the first two rows are complete; the four outcome rows lost a
    // column (six values where seven belong): NULL, never shifted.
    for row in ["new_received", "carried_over"] {
        for a in APPLICANTS {
            assert_eq!(app(&r, row, a), Some(0), "{row}/{a}");
        }
    }
    for row in [
        "granted",
        "partially_granted",
        "denied_state_secret",
        "denied_prohibited_by_law",
    ] {
        for a in APPLICANTS {
            assert_eq!(app(&r, row, a), None, "{row}/{a} must be NULL");
        }
    }
    assert_eq!(r.applications.len(), 6 * 7);
    assert!(
        has_diag(&r, "column_count_mismatch")
            && has_diag(&r, "table_truncated")
            && has_diag(&r, "row_missing")
    );
    // 表四's heading is garbled, its 15 values are still there.
    assert_t4(&r, [0; 15]);
    // Channels and categories in prose.
    let wechat = r
        .narrative
        .iter()
        .find(|n| n.channel == Some("微信"))
        .unwrap();
    assert_eq!(wechat.count, 67);
    let web = r
        .narrative
        .iter()
        .find(|n| n.channel == Some("政府网站"))
        .unwrap();
    assert_eq!(web.count, 1292);
    let total = r.narrative.iter().find(|n| n.is_total).unwrap();
    assert_eq!((total.count, total.approximate), (1300, true));
}

#[test]
fn seed_002_cell_per_line_with_a_blank_cell() {
    let r = parse("seeds/002_3e09011248c3275f.txt");
    assert_eq!(r.status, Status::Ok);
    assert_eq!(
        (r.layout, r.template_version),
        (Some("cell_per_line"), Some("2021"))
    );
    assert_eq!(r.meta.organization.as_deref(), Some("彰武县彰武镇人民政府"));
    assert_eq!(
        (r.meta.report_year, r.meta.published_on),
        (Some(2022), Some((2023, 1, 18)))
    );
    assert_t2_2021(&r, [0.0; 3], [0.0; 3], [0.0; 3], 0.0);
    // 二、上年结转: the 科研机构 cell is a line holding only a space → NULL, not 0.
    assert_eq!(app(&r, "carried_over", "research_institution"), None);
    let blank = r
        .applications
        .iter()
        .find(|f| f.row_code == "carried_over" && f.applicant == "research_institution")
        .unwrap();
    assert_eq!(
        blank.raw.map(|s| r.raw(s).trim().to_owned()),
        Some(String::new())
    );
    for row in ROWS_2021 {
        for a in APPLICANTS {
            if (row, a) != ("carried_over", "research_institution") {
                assert_eq!(app(&r, row, a), Some(0), "{row}/{a}");
            }
        }
    }
    assert_t4(&r, [0; 15]);
    assert_eq!((r.cells_found, r.cells_blank), (199, 1));
    assert!(has_diag(&r, "blank_cell"));
    let video = r.narrative.iter().find(|n| n.subject == "视频").unwrap();
    assert_eq!((video.count, video.is_total), (114, true));
}

#[test]
fn kiro_1_space_aligned_2023_with_inconsistent_table_four() {
    let r = parse("real/kiro_1.txt");
    assert_eq!(r.status, Status::Ok);
    assert_eq!(
        (r.layout, r.template_version),
        (Some("space_aligned"), Some("2021"))
    );
    assert_eq!(
        (
            r.meta.organization.as_deref(),
            r.meta.report_year,
            r.meta.admin_level
        ),
        (Some("洪泽区人民政府"), Some(2023), "county")
    );
    assert_t2_2021(
        &r,
        [0.0; 3],
        [0.0, 5.0, 5.0],
        [550.0, 4119.0, 195.0],
        7730.28,
    );
    assert_t3(
        &r,
        &rows_collapsed(),
        &[
            ("new_received", one_col(21)),
            ("partially_granted", one_col(4)),
            ("denied_state_secret", one_col(1)),
            ("denied_process_info", one_col(1)),
            ("denied_enforcement_file", one_col(1)),
            ("unable_not_held", one_col(10)),
            ("unable_needs_creation", one_col(3)),
            ("not_processed_petition", one_col(1)),
            ("total_handled", one_col(21)),
        ],
    );
    assert!(has_diag(&r, "other_handling_collapsed"));
    // The source's 总计 cells are 0 although the parts are 11 and 5: flagged, not fixed.
    assert_t4(&r, [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]);
    let failed: Vec<&str> = r
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.scope.as_ref())
        .collect();
    assert_eq!(failed, vec!["review", "litigation_after_review"]);
}

#[test]
fn kiro_2_space_aligned_2024() {
    let r = parse("real/kiro_2.txt");
    assert_eq!(r.status, Status::Ok);
    assert_eq!(
        (
            r.meta.organization.as_deref(),
            r.meta.city.as_deref(),
            r.meta.county.as_deref()
        ),
        (Some("淮安市洪泽区人民政府"), Some("淮安市"), Some("洪泽区"))
    );
    // Places from the GB/T 2260 table: the province the name leaves out, and the code.
    assert_eq!(
        (r.meta.province.as_deref(), r.meta.admin_code.as_deref()),
        (Some("江苏省"), Some("320813"))
    );
    assert_eq!(r.meta.report_year, Some(2024));
    assert_t2_2021(
        &r,
        [0.0; 3],
        [3.0, 0.0, 8.0],
        [9487.0, 2776.0, 84.0],
        7545.0,
    );
    assert_t3(
        &r,
        &rows_collapsed(),
        &[
            ("new_received", one_col(95)),
            ("granted", one_col(50)),
            ("partially_granted", one_col(9)),
            ("denied_three_safeties", one_col(1)),
            ("denied_process_info", one_col(1)),
            ("denied_enforcement_file", one_col(1)),
            ("unable_not_held", one_col(31)),
            ("unable_needs_creation", one_col(1)),
            ("not_processed_petition", one_col(1)),
            ("total_handled", one_col(95)),
        ],
    );
    assert_t4(&r, [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]);
    assert_eq!(r.checks_failed(), 0);
}

#[test]
fn govnianbao_1_city_report_with_vertical_group_labels() {
    let r = parse("real/govnianbao_1.txt");
    assert_eq!(r.status, Status::Ok);
    assert_eq!(
        (
            r.meta.organization.as_deref(),
            r.meta.report_year,
            r.meta.admin_level
        ),
        (Some("淮安市人民政府"), Some(2024), "city")
    );
    assert_eq!(
        r.meta.title.as_deref(),
        Some("淮安市人民政府2024 年政府信息公开工作年度报告")
    );
    assert_t2_2021(
        &r,
        [1.0, 0.0, 11.0],
        [8.0, 26.0, 66.0],
        [447228.0, 3985758.0, 88283.0],
        96171.6,
    );
    assert_t3(
        &r,
        &ROWS_2021,
        &[
            ("new_received", [3001, 53, 0, 0, 61, 4, 3119]),
            ("carried_over", [34, 0, 0, 0, 0, 0, 34]),
            ("granted", [1288, 21, 0, 0, 50, 3, 1362]),
            ("partially_granted", [447, 7, 0, 0, 0, 0, 454]),
            ("denied_state_secret", one_col(2)),
            ("denied_prohibited_by_law", [30, 1, 0, 0, 0, 0, 31]),
            ("denied_three_safeties", one_col(5)),
            ("denied_third_party", one_col(6)),
            ("denied_internal_affairs", [7, 1, 0, 0, 0, 0, 8]),
            ("denied_process_info", one_col(12)),
            ("denied_enforcement_file", one_col(9)),
            ("denied_query_matter", one_col(105)),
            ("unable_not_held", [746, 12, 0, 0, 10, 1, 769]),
            ("unable_needs_creation", one_col(11)),
            ("unable_unclear", one_col(1)),
            ("not_processed_petition", [56, 6, 0, 0, 0, 0, 62]),
            ("not_processed_repeat", one_col(25)),
            ("not_processed_confirm", one_col(1)),
            ("other_no_correction", [67, 3, 0, 0, 1, 0, 71]),
            ("other_no_fee", one_col(6)),
            ("other_other", [108, 2, 0, 0, 0, 0, 110]),
            ("total_handled", [2932, 53, 0, 0, 61, 4, 3050]),
            ("carried_forward", one_col(103)),
        ],
    );
    assert_t4(&r, [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]);
    assert_eq!(r.checks_failed(), 0);
    assert_eq!(
        r.checks
            .iter()
            .filter(|c| c.check_code == "t3_balance")
            .count(),
        7
    );
    let approx = r.narrative.iter().find(|n| n.count == 5500).unwrap();
    assert!(approx.approximate);
}

#[test]
fn scrambled_reading_order_is_refused_not_guessed() {
    for (rel, truth) in [
        ("real/kiro_3.txt", Some("real/kiro_1.txt")),
        ("real/govnianbao_2.txt", Some("real/govnianbao_1.txt")),
        // Generated: what table 二 read in this order was 规章 = 18 / 11 / 66,
        // the next row's values (`pdftotext/README.md`); now neither table
        // 二 nor 三 reads anything.
        ("pdftotext/lo_000115.txt", None),
    ] {
        let r = parse(rel);
        let twin = truth.map(parse);
        assert_eq!(r.status, Status::Partial, "{rel}");
        assert_eq!(r.layout, Some("cell_per_line"));
        assert!(has_diag(&r, "reading_order_scrambled"), "{rel}");
        // Whatever is read agrees with the layout-preserving twin.
        for f in r.applications.iter().filter(|f| f.count.is_some()) {
            let t = twin.as_ref().expect("a twin for what table 三 reads");
            assert_eq!(
                f.count,
                app(t, f.row_code, f.applicant),
                "{rel}: {}/{}",
                f.row_code,
                f.applicant
            );
        }
        for f in r.active.iter().filter(|f| f.value.is_some()) {
            let t = twin.as_ref().expect("a twin for what table 二 reads");
            assert_eq!(
                f.value,
                active(t, f.item_code, f.metric_code),
                "{rel}: {}/{}",
                f.item_code,
                f.metric_code
            );
        }
        assert!(
            r.reviews.iter().all(|f| f.count.is_none()),
            "{rel}: table 四 refused"
        );
    }
}

#[test]
fn budget_is_not_a_report() {
    let r = parse("real/budgetchk_nonreport_1.txt");
    assert_eq!(r.status, Status::NotAReport);
    assert!(
        r.error
            .as_deref()
            .unwrap()
            .starts_with("not a disclosure annual report")
    );
    assert!(r.active.is_empty() && r.applications.is_empty() && r.reviews.is_empty());
}

#[test]
fn inspect_renders_every_fixture() {
    for dir in ["real", "seeds"] {
        for e in std::fs::read_dir(fixture(dir)).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "txt") {
                let o = crate::support::bin()
                    .arg("inspect")
                    .arg(&p)
                    .output()
                    .unwrap();
                assert!(o.status.success(), "{}", p.display());
                let text = String::from_utf8(o.stdout).unwrap();
                assert!(
                    text.contains("status") && text.contains("layout"),
                    "{}",
                    p.display()
                );
            }
        }
    }
}

/// The number as the line writes it: full-width digits folded, separators
/// between digits (`1,234`, `5 500`) dropped.
fn digits_of(line: &str) -> String {
    let folded: Vec<char> = line
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    let mut out = String::new();
    for (i, &c) in folded.iter().enumerate() {
        let separator = matches!(c, ',' | '，' | ' ' | '\u{3000}');
        let between_digits = i > 0
            && folded[i - 1].is_ascii_digit()
            && folded[i + 1..]
                .iter()
                .find(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
                .is_some_and(char::is_ascii_digit);
        if !(separator && between_digits) {
            out.push(c);
        }
    }
    out
}

fn numbers(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn every_narrative_count_points_at_the_line_its_number_is_on() {
    let mut checked = 0;
    for dir in ["real", "seeds"] {
        for e in std::fs::read_dir(fixture(dir)).unwrap().flatten() {
            let rel = format!("{dir}/{}", e.file_name().to_string_lossy());
            let r = parse(&rel);
            let Some(text) = r.text.as_ref() else {
                continue;
            };
            for n in &r.narrative {
                let i = n.source_line as usize - 1;
                let here = digits_of(text.line(i));
                let want = n.count.to_string();
                // On the line, or starting at its end and wrapping onto the next.
                let wrapped = i + 1 < text.line_count() && {
                    let next = digits_of(text.line(i + 1));
                    numbers(&here).last().is_some_and(|tail| {
                        here.trim_end().ends_with(tail)
                            && numbers(&next).first().is_some_and(|head| {
                                next.trim_start().starts_with(head)
                                    && format!("{tail}{head}") == want
                            })
                    })
                };
                assert!(
                    numbers(&here).contains(&want.as_str()) || wrapped,
                    "{rel}: count {} (\"{}\") at line {} which reads {:?}",
                    n.count,
                    n.sentence,
                    n.source_line,
                    text.line(i)
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} narrative counts in the fixtures"
    );
}
