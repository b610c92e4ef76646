//! From rows to facts: metadata ([`header`]), the three official tables
//! ([`tables`]) and counts in prose ([`narrative`]), then the accounting
//! identities ([`crate::checks`]) and the report's status.

pub mod grid;
pub mod header;
pub mod misread;
pub mod narrative;
pub mod split;
pub mod tables;

use crate::checks::{check_narrative, check_tables};
use crate::decode::Text;
use crate::diagnostics::{DiagCode, Severity};
use crate::layout;
use crate::report::{Report, Status};

use tables::VersionSource;

/// Reads everything a decoded file says into `report` and sets its status.
///
/// `report.text` is left to the caller: the rows borrow `text` while facts
/// are written into `report`.
pub fn extract(text: &Text, report: &mut Report) {
    let doc = layout::read(text);
    if let Some(line) = doc.overflow {
        // Not a report: what was read is dropped before anything is made of it.
        drop(doc);
        report.fail(&crate::error::FileError::TooManyCells {
            line,
            limit: layout::cell_limit(text.as_str().len()),
            row_limit: layout::MAX_ROW_CELLS,
        });
        return;
    }
    report.format = Some(doc.format.code());
    report.layout = Some(doc.layout.code());
    let norms = tables::RowNorms::new(&doc.rows);
    report.meta = header::extract_metadata(&doc.rows, &norms);
    crate::places::fill(&mut report.meta, text.as_str());
    let mut regions = tables::find_regions(&norms);
    let headless = tables::find_headless_reviews(&doc.rows, &mut regions);
    let found_any =
        regions.proactive.is_some() || regions.applications.is_some() || regions.reviews.is_some();
    // A notice *about* the annual reports (`关于做好…年度报告…工作的通知`), often
    // with the blank form attached, is not a report.
    let notice = report
        .meta
        .title
        .as_deref()
        .map(crate::normalize::normalize)
        .is_some_and(|t| t.trim_start_matches(['《', '"']).starts_with("关于"));
    // A page that holds the title and little else (the report is an
    // attachment or a picture): nothing of a report to read.
    let title_only = report.meta.title.is_some() && !found_any && {
        let title = report
            .meta
            .title
            .as_deref()
            .map(crate::normalize::normalize);
        let body: Vec<&str> = norms
            .iter()
            // A crawler's header lines (`发布时间: 2020-01-15`) are the page's, not a body.
            .filter(|n| !header::is_field(n))
            .filter(|n| {
                title
                    .as_deref()
                    .is_none_or(|t| !n.contains(t) && !t.contains(*n))
            })
            .collect();
        body.iter().map(|n| n.chars().count()).sum::<usize>() < 100
            && !body.iter().any(|n| n.bytes().any(|b| b.is_ascii_digit()))
    };
    if notice || title_only || (report.meta.title.is_none() && !found_any) {
        let reason = if notice {
            "not a disclosure annual report: a notice about the annual reports (关于…的通知)"
        } else if title_only {
            "not a disclosure annual report: the page holds only its title (the report itself is not in the file)"
        } else {
            "not a disclosure annual report: no 政府信息公开工作年度报告 title and none of tables 二/三/四"
        };
        report.status = Status::NotAReport;
        report.error = Some(reason.to_owned());
        report.diag(Severity::Info, DiagCode::NotAReport, None, reason);
        report.layout = Some(layout::Layout::None.code());
        return;
    }
    if report.meta.report_year.is_none() {
        report.diag(
            Severity::Warning,
            DiagCode::YearMissing,
            None,
            "report year not found in the title or the statistics period",
        );
    }

    if let Some(line) = headless {
        report.diag(
            Severity::Info,
            DiagCode::TableMissing,
            Some(line),
            "table 四 heading not found; the row of 15 values after table 三 read as table 四",
        );
    }
    let versions = tables::detect_versions(
        &norms,
        &regions,
        doc.result_rowspan,
        report.meta.report_year,
    );
    // An annual report of 2018 or before follows the provinces' older forms
    // (主动公开信息数 / 申请总数 …), not the 2019 or 2021 tables.
    if let Some(year) = report.meta.report_year
        && year <= 2018
        && versions.source != VersionSource::Labels
    {
        let reason = format!(
            "not a report in the 2019/2021 format: a {year} annual report in the older form, without the official tables"
        );
        report.status = Status::NotAReport;
        report.diag(Severity::Info, DiagCode::NotAReport, None, reason.clone());
        report.error = Some(reason);
        report.layout = Some(layout::Layout::None.code());
        return;
    }
    if let Some(v) = versions.report {
        report.template_version = Some(v.code());
        report.cells_expected = v.template().cells_expected() as i32;
        if versions.source == VersionSource::Year {
            report.diag(
                Severity::Info,
                DiagCode::VersionFallback,
                None,
                format!(
                    "no version-specific labels; template {} assumed from report year",
                    v.code()
                ),
            );
        }
    }
    if versions.mixed {
        report.diag(
            Severity::Warning,
            DiagCode::MixedTemplate,
            None,
            "labels of both the 2019 and the 2021 format occur",
        );
    }
    let outcome = {
        // Read off images: a PDF's OCR layer, or OCR's bracket misreads in the prose.
        let ocr = text.ocr_layer || misread::misread_brackets(text.as_str());
        tables::extract_tables(&doc, &norms, &regions, &versions, ocr, report)
    };
    // Not one cell of the form, under a title that is no report's: a work
    // plan (`…政府信息公开工作要点`), or a heading or sentence taken for a title
    // (`（二）做好年度报告`, `根据《关于做好…年度报告`).
    if report.cells_found == 0
        && report.cells_blank == 0
        && let Some(title) = report.meta.title.as_deref()
        && !is_report_title(title)
    {
        let reason = format!(
            "not a disclosure annual report: no cell of tables 二/三/四, and the title «{title}» names no annual report"
        );
        report.active.clear();
        report.applications.clear();
        report.reviews.clear();
        report
            .diagnostics
            .retain(|d| d.severity != Severity::Warning);
        report.status = Status::NotAReport;
        report.diag(Severity::Info, DiagCode::NotAReport, None, reason.clone());
        report.error = Some(reason);
        report.layout = Some(layout::Layout::None.code());
        report.template_version = None;
        report.cells_expected = 0;
        return;
    }

    let table_ranges: Vec<_> = [&regions.proactive, &regions.applications, &regions.reviews]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let counted = narrative::extract_narrative(&doc.rows, &table_ranges);
    report.checks = check_tables(&report.applications, &report.reviews);
    report.checks.extend(check_narrative(&counted));
    report.narrative = counted.into_iter().map(|c| c.fact).collect();

    // Blank cells, most of the form, and not one number: the form as
    // published unfilled (the official template itself), not a report of
    // zeros. (A table refused as scrambled reads no cell, blank or not.)
    let unfilled = report.cells_found == 0
        && report.cells_blank > 0
        && report.cells_blank * 2 >= report.cells_expected;
    if unfilled {
        report.diag(
            Severity::Warning,
            DiagCode::FormUnfilled,
            None,
            "every cell of tables 二/三/四 read is blank, not one number: the form unfilled, or a report that wrote no number at all",
        );
    }
    report.status = if outcome.complete
        && outcome.tables_found == 3
        && versions.report.is_some()
        && !unfilled
    {
        Status::Ok
    } else {
        Status::Partial
    };
}

/// Whether a title is an annual report's: not a plan's or a programme's,
/// not a numbered heading or a sentence of the body.
fn is_report_title(title: &str) -> bool {
    let t = crate::normalize::normalize(title);
    let t = t.trim_start_matches(['《', '"', '#']);
    !(t.starts_with('(')
        || t.starts_with("根据")
        || ["工作计划", "工作要点", "实施方案", "工作方案"]
            .iter()
            .any(|k| t.contains(k)))
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_bytes;
    use crate::report::Status;

    #[test]
    fn a_work_plan_with_the_reports_headings_is_not_a_report() {
        let plan = "从化区自然资源局2019年政府信息公开工作计划\n\n　　为深入贯彻落实《中华人民共和国政府信息公开条例》，制定本要点。\n\n　　二、主动公开政府信息\n\n　　（一）加强政策解读。全年发布政策解读材料不少于12篇。\n\n　　（二）做好年度报告工作。于2020年1月31日前发布2019年政府信息公开工作年度报告。\n\n　　三、收到和处理政府信息公开申请\n\n　　规范依申请公开办理流程，在法定期限内答复。\n\n从化区自然资源局\n2019年3月14日\n";
        let r = parse_bytes("plan.txt", plan.as_bytes());
        assert_eq!(r.status, Status::NotAReport, "{:?}", r.error);
        assert!(r.applications.is_empty() && r.active.is_empty());
        assert!(r.error.unwrap().contains("names no annual report"));
    }

    #[test]
    fn a_crawled_page_holding_only_the_title_is_not_a_report() {
        let page = "标题: 太原市清徐县人民政府2019年政府信息公开工作年度报告\n发布时间: 2020-04-01 11:44\n来源: \n栏目: 政府信息公开年报\n\n太原市清徐县人民政府2019年政府信息公开工作年度报告\n";
        let r = parse_bytes("page.txt", page.as_bytes());
        assert_eq!(r.status, Status::NotAReport, "{:?}", r.error);
    }

    #[test]
    fn report_titles_and_others() {
        for t in [
            "某县人民政府2023年政府信息公开工作年度报告",
            "《某局2021年度政府信息公开工作报告》",
        ] {
            assert!(super::is_report_title(t), "{t}");
        }
        for t in [
            "（二）做好年度报告",
            "根据《关于做好2019年政府信息公开工作年度报告",
            "某局2022年政务公开工作要点",
        ] {
            assert!(!super::is_report_title(t), "{t}");
        }
    }
}
