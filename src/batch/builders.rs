//! Fills Arrow builders straight from reports: one pass per table, no
//! intermediate row structs, raw cell text copied once from the report's
//! decoded text into the Arrow buffer.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder,
    StringBuilder,
};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;

use super::schema::{TABLES, Table};
use crate::report::{Report, Span};

fn days_since_epoch((y, m, d): (i32, u32, u32)) -> Option<i32> {
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

fn raw(report: &Report, span: Option<Span>) -> Option<&str> {
    span.map(|s| report.raw(s).trim())
}

fn finish(table: Table, columns: Vec<ArrayRef>) -> Result<RecordBatch, ArrowError> {
    RecordBatch::try_new(table.schema(), columns)
}

fn build_reports(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let n = reports.len();
    let mut strs: Vec<StringBuilder> = (0..15)
        .map(|_| StringBuilder::with_capacity(n, n * 16))
        .collect();
    let mut bytes = Int64Builder::with_capacity(n);
    let mut published = Date32Builder::with_capacity(n);
    let mut ints: Vec<Int32Builder> = (0..5).map(|_| Int32Builder::with_capacity(n)).collect();
    for r in reports {
        let m = &r.meta;
        let texts: [Option<&str>; 15] = [
            Some(&r.doc_id),
            Some(&r.source_path),
            r.encoding,
            r.format,
            r.layout,
            m.title.as_deref(),
            m.organization.as_deref(),
            m.province.as_deref(),
            m.city.as_deref(),
            m.county.as_deref(),
            m.township.as_deref(),
            Some(m.admin_level),
            r.template_version,
            Some(r.status.code()),
            r.error.as_deref(),
        ];
        for (b, t) in strs.iter_mut().zip(texts) {
            b.append_option(t);
        }
        bytes.append_value(r.source_bytes);
        published.append_option(m.published_on.and_then(days_since_epoch));
        let counts = [
            r.cells_expected,
            r.cells_found,
            r.cells_blank,
            r.checks_failed() as i32,
            r.diagnostics.len() as i32,
        ];
        for (b, v) in ints.iter_mut().zip(counts) {
            b.append_value(v);
        }
    }
    let mut version = StringBuilder::with_capacity(n, n * 6);
    for _ in 0..n {
        version.append_value(crate::VERSION);
    }
    let mut s = strs
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let mut next = || s.next().expect("15 string columns");
    let mut i = ints
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let mut next_i = || i.next().expect("5 int columns");
    let columns = vec![
        next(), // doc_id
        next(), // source_path
        Arc::new(bytes.finish()) as ArrayRef,
        next(), // encoding
        next(), // format
        next(), // layout
        next(), // title
        next(), // organization
        next(), // province
        next(), // city
        next(), // county
        next(), // township
        next(), // admin_level
        Arc::new(published.finish()),
        next(), // template_version
        next(), // status
        next(), // error
        next_i(),
        next_i(),
        next_i(),
        next_i(),
        next_i(),
        Arc::new(version.finish()),
    ];
    finish(Table::Reports, columns)
}

fn build_active(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let n: usize = reports.iter().map(|r| r.active.len()).sum();
    let (mut doc, mut line, mut article, mut item, mut metric) = (
        StringBuilder::with_capacity(n, n * 32),
        Int32Builder::with_capacity(n),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let (mut value, mut unit, mut rawb) = (
        Float64Builder::with_capacity(n),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    for r in reports {
        for f in &r.active {
            doc.append_value(&r.doc_id);
            line.append_value(f.source_line as i32);
            article.append_value(f.article);
            item.append_value(f.item_code);
            metric.append_value(f.metric_code);
            value.append_option(f.value);
            unit.append_option(f.unit);
            rawb.append_option(raw(r, f.raw));
        }
    }
    finish(
        Table::ActiveDisclosure,
        vec![
            Arc::new(doc.finish()),
            Arc::new(line.finish()),
            Arc::new(article.finish()),
            Arc::new(item.finish()),
            Arc::new(metric.finish()),
            Arc::new(value.finish()),
            Arc::new(unit.finish()),
            Arc::new(rawb.finish()),
        ],
    )
}

/// Table 三 and 四 share a shape: two codes, a count and the raw cell.
fn build_counts<F>(table: Table, reports: &[&Report], rows: F) -> Result<RecordBatch, ArrowError>
where
    F: Fn(&Report) -> Vec<(&'static str, &'static str, Option<i64>, Option<Span>, u32)>,
{
    let (mut doc, mut line, mut a, mut b, mut count, mut rawb) = (
        StringBuilder::new(),
        Int32Builder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        Int64Builder::new(),
        StringBuilder::new(),
    );
    for r in reports {
        for (code_a, code_b, c, span, l) in rows(r) {
            doc.append_value(&r.doc_id);
            line.append_value(l as i32);
            a.append_value(code_a);
            b.append_value(code_b);
            count.append_option(c);
            rawb.append_option(raw(r, span));
        }
    }
    finish(
        table,
        vec![
            Arc::new(doc.finish()),
            Arc::new(line.finish()),
            Arc::new(a.finish()),
            Arc::new(b.finish()),
            Arc::new(count.finish()),
            Arc::new(rawb.finish()),
        ],
    )
}

fn build_narrative(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let (mut doc, mut line, mut subject, mut category, mut channel) = (
        StringBuilder::new(),
        Int32Builder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let (mut total, mut count, mut approx, mut sentence) = (
        BooleanBuilder::new(),
        Int64Builder::new(),
        BooleanBuilder::new(),
        StringBuilder::new(),
    );
    for r in reports {
        for f in &r.narrative {
            doc.append_value(&r.doc_id);
            line.append_value(f.source_line as i32);
            subject.append_value(&f.subject);
            category.append_option(f.category.as_deref());
            channel.append_option(f.channel);
            total.append_value(f.is_total);
            count.append_value(f.count);
            approx.append_value(f.approximate);
            sentence.append_value(&f.sentence);
        }
    }
    finish(
        Table::NarrativeCounts,
        vec![
            Arc::new(doc.finish()),
            Arc::new(line.finish()),
            Arc::new(subject.finish()),
            Arc::new(category.finish()),
            Arc::new(channel.finish()),
            Arc::new(total.finish()),
            Arc::new(count.finish()),
            Arc::new(approx.finish()),
            Arc::new(sentence.finish()),
        ],
    )
}

fn build_checks(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let (mut doc, mut code, mut scope) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let (mut expected, mut actual, mut passed) = (
        Float64Builder::new(),
        Float64Builder::new(),
        BooleanBuilder::new(),
    );
    for r in reports {
        for c in &r.checks {
            doc.append_value(&r.doc_id);
            code.append_value(c.check_code);
            scope.append_value(&c.scope);
            expected.append_value(c.expected);
            actual.append_value(c.actual);
            passed.append_value(c.passed);
        }
    }
    finish(
        Table::Checks,
        vec![
            Arc::new(doc.finish()),
            Arc::new(code.finish()),
            Arc::new(scope.finish()),
            Arc::new(expected.finish()),
            Arc::new(actual.finish()),
            Arc::new(passed.finish()),
        ],
    )
}

fn build_diagnostics(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let (mut doc, mut line, mut severity, mut code, mut message) = (
        StringBuilder::new(),
        Int32Builder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    for r in reports {
        for d in &r.diagnostics {
            doc.append_value(&r.doc_id);
            line.append_option(d.line.map(|l| l as i32));
            severity.append_value(d.severity.code());
            code.append_value(d.code.code());
            message.append_value(&d.message);
        }
    }
    finish(
        Table::Diagnostics,
        vec![
            Arc::new(doc.finish()),
            Arc::new(line.finish()),
            Arc::new(severity.finish()),
            Arc::new(code.finish()),
            Arc::new(message.finish()),
        ],
    )
}

/// Builds one record batch per contract table (in [`TABLES`] order) from `reports`.
///
/// # Errors
/// Only if a batch does not match its schema, which would be a bug.
pub fn build_batches(reports: &[&Report]) -> Result<Vec<(Table, RecordBatch)>, ArrowError> {
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let batch = match table {
            Table::Reports => build_reports(reports)?,
            Table::ActiveDisclosure => build_active(reports)?,
            Table::Applications => build_counts(table, reports, |r| {
                r.applications
                    .iter()
                    .map(|f| (f.row_code, f.applicant, f.count, f.raw, f.source_line))
                    .collect()
            })?,
            Table::ReviewsLitigation => build_counts(table, reports, |r| {
                r.reviews
                    .iter()
                    .map(|f| (f.proceeding, f.outcome, f.count, f.raw, f.source_line))
                    .collect()
            })?,
            Table::NarrativeCounts => build_narrative(reports)?,
            Table::Checks => build_checks(reports)?,
            Table::Diagnostics => build_diagnostics(reports)?,
        };
        out.push((table, batch));
    }
    Ok(out)
}
