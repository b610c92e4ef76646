//! From rows to facts: metadata ([`header`]), the three official tables
//! ([`tables`]) and counts in prose ([`narrative`]), then the accounting
//! identities ([`crate::checks`]) and the report's status.

pub mod grid;
pub mod header;
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
        let title = report.meta.title.as_deref().map(crate::normalize::normalize);
        let body: Vec<&str> = norms
            .iter()
            .filter(|n| title.as_deref().is_none_or(|t| !n.contains(t) && !t.contains(*n)))
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
    let outcome = tables::extract_tables(&doc, &norms, &regions, &versions, report);

    let table_ranges: Vec<_> = [&regions.proactive, &regions.applications, &regions.reviews]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let counted = narrative::extract_narrative(&doc.rows, &table_ranges);
    report.checks = check_tables(&report.applications, &report.reviews);
    report.checks.extend(check_narrative(&counted));
    report.narrative = counted.into_iter().map(|c| c.fact).collect();

    report.status = if outcome.complete && outcome.tables_found == 3 && versions.report.is_some() {
        Status::Ok
    } else {
        Status::Partial
    };
}
