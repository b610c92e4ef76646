//! Fills Arrow builders straight from reports: one pass per table, no
//! intermediate row structs, raw cell text copied once from the report's
//! decoded text into the Arrow buffer.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanArray, Date32Builder, DictionaryArray, Int32Builder,
    Int64Builder, PrimitiveArray, StringBuilder, UInt32Array,
};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::datatypes::{ArrowPrimitiveType, Float64Type, Int32Type, Int64Type, UInt32Type};
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
    RecordBatch::try_new(table.batch_schema(), columns)
}

fn build_reports(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let n = reports.len();
    let mut strs: Vec<StringBuilder> = (0..17)
        .map(|_| StringBuilder::with_capacity(n, n * 16))
        .collect();
    let mut bytes = Int64Builder::with_capacity(n);
    let mut mtimes = Int64Builder::with_capacity(n);
    let mut published = Date32Builder::with_capacity(n);
    let mut ints: Vec<Int32Builder> = (0..5).map(|_| Int32Builder::with_capacity(n)).collect();
    for r in reports {
        let m = &r.meta;
        let texts: [Option<&str>; 17] = [
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
            m.admin_code.as_deref(),
            Some(m.admin_level),
            r.template_version,
            Some(r.status.code()),
            r.error.as_deref(),
            r.error_code(),
        ];
        for (b, t) in strs.iter_mut().zip(texts) {
            b.append_option(t);
        }
        bytes.append_value(r.source_bytes);
        mtimes.append_option(r.source_mtime_ns);
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
    let mut next = || s.next().expect("17 string columns");
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
        next(), // admin_code
        next(), // admin_level
        Arc::new(published.finish()),
        next(), // template_version
        next(), // status
        next(), // error
        next(), // error_code
        next_i(),
        next_i(),
        next_i(),
        next_i(),
        next_i(),
        Arc::new(version.finish()),
        Arc::new(mtimes.finish()),
    ];
    finish(Table::Reports, columns)
}

/// A string column sized exactly: its bytes are counted first, so the
/// builder never grows (and copies) its buffer as a chunk's rows go in.
fn strings<'a, T>(rows: &[T], value: impl Fn(&T) -> Option<&'a str>) -> ArrayRef {
    let bytes = rows.iter().map(|r| value(r).map_or(0, str::len)).sum();
    let mut b = StringBuilder::with_capacity(rows.len(), bytes);
    for r in rows {
        b.append_option(value(r));
    }
    Arc::new(b.finish())
}

/// `source_page` and `source_bbox` of every row: NULL unless the report
/// was read from a PDF.
fn origins<T>(rows: &[T], at: impl Fn(&T) -> Option<crate::readers::Origin>) -> [ArrayRef; 2] {
    // Text and HTML reports (nearly every row) have no origin: two NULL
    // columns made at once instead of a NULL appended per row.
    if rows.iter().all(|r| at(r).is_none()) {
        return [
            Arc::new(arrow::array::Int32Array::new_null(rows.len())),
            Arc::new(arrow::array::StringArray::new_null(rows.len())),
        ];
    }
    let mut pages = Int32Builder::with_capacity(rows.len());
    let mut boxes = StringBuilder::new();
    for r in rows {
        let o = at(r);
        pages.append_option(o.and_then(|o| o.page).map(|p| p as i32));
        boxes.append_option(
            o.and_then(|o| o.bbox)
                .map(crate::readers::Provenance::bbox_string),
        );
    }
    [Arc::new(pages.finish()), Arc::new(boxes.finish())]
}

/// The doc_id of every row, as a dictionary of one entry per report (a
/// report's facts are consecutive rows).
fn doc_ids<F>(rows: &[(&Report, F)]) -> ArrayRef {
    let mut values = StringBuilder::new();
    let mut last: Option<&Report> = None;
    let keys: Vec<u32> = rows
        .iter()
        .map(|&(r, _)| {
            if !last.is_some_and(|l| std::ptr::eq(l, r)) {
                values.append_value(&r.doc_id);
                last = Some(r);
            }
            values.len() as u32 - 1
        })
        .collect();
    dictionary(UInt32Array::from(keys), values)
}

/// A code column (a template `&'static str` per row) as a dictionary of
/// the codes the rows use, each found by its address: no string is hashed
/// or copied per row. One code at two addresses costs only a duplicate
/// entry, which the sink merges by value.
fn codes<T>(rows: &[T], value: impl Fn(&T) -> Option<&'static str>) -> ArrayRef {
    dictionary_by(rows, value, |code| (code.as_ptr() as usize, code.len()))
}

/// A column of short texts that repeat (the cells as written: `0`, `12`,
/// `—`) as a dictionary of the distinct texts of the batch.
fn texts<'a, T>(rows: &[T], value: impl Fn(&T) -> Option<&'a str>) -> ArrayRef {
    dictionary_by(rows, value, |text| text)
}

/// The rows' values as a dictionary in first-use order, a value being new
/// when its `key` has not been seen.
///
/// The previous row's value is tried before the hash table: consecutive
/// rows often share a code (a row's seven applicant columns, a table's
/// article).
fn dictionary_by<'a, T, K: Hash + Eq + Copy>(
    rows: &[T],
    value: impl Fn(&T) -> Option<&'a str>,
    key: impl Fn(&'a str) -> K,
) -> ArrayRef {
    /// A missing value's key until the validity is built (no dictionary
    /// of a batch comes near `u32::MAX` entries).
    const MISSING: u32 = u32::MAX;
    let mut seen: HashMap<K, u32, foldhash::fast::FixedState> = HashMap::default();
    let mut last: Option<(K, u32)> = None;
    let mut values = StringBuilder::new();
    let mut keys: Vec<u32> = rows
        .iter()
        .map(|r| {
            value(r).map_or(MISSING, |v| {
                let k = key(v);
                if let Some((last_key, index)) = last
                    && last_key == k
                {
                    return index;
                }
                let next = seen.len() as u32;
                let index = *seen.entry(k).or_insert_with(|| {
                    values.append_value(v);
                    next
                });
                last = Some((k, index));
                index
            })
        })
        .collect();
    // As in `primitives`: the validity packed at once, not bit by bit.
    let nulls = keys.contains(&MISSING).then(|| {
        let valid = BooleanBuffer::collect_bool(keys.len(), |i| keys[i] != MISSING);
        for k in keys.iter_mut().filter(|k| **k == MISSING) {
            *k = 0;
        }
        NullBuffer::new(valid)
    });
    dictionary(UInt32Array::new(keys.into(), nulls), values)
}

fn dictionary(keys: UInt32Array, mut values: StringBuilder) -> ArrayRef {
    Arc::new(
        DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(values.finish()))
            .expect("every key indexes a value"),
    )
}

fn int32s<T>(rows: &[T], value: impl Fn(&T) -> Option<i32>) -> ArrayRef {
    primitives::<Int32Type, T>(rows, value)
}

fn int64s<T>(rows: &[T], value: impl Fn(&T) -> Option<i64>) -> ArrayRef {
    primitives::<Int64Type, T>(rows, value)
}

fn float64s<T>(rows: &[T], value: impl Fn(&T) -> Option<f64>) -> ArrayRef {
    primitives::<Float64Type, T>(rows, value)
}

/// A primitive column: the values collected into one buffer, and the
/// validity, when some value is missing, packed 64 rows at a time.
///
/// Why not `collect::<PrimitiveArray<_>>()`: Arrow's `FromIterator` of
/// options appends the validity bit by bit and checks the buffer's
/// capacity for every value. Small (with the same change to the
/// dictionaries' keys, −0.5% of a run's instructions), but on the parser
/// threads.
fn primitives<P: ArrowPrimitiveType, T>(
    rows: &[T],
    value: impl Fn(&T) -> Option<P::Native>,
) -> ArrayRef {
    let mut all_valid = true;
    let values: Vec<P::Native> = rows
        .iter()
        .map(|r| {
            value(r).unwrap_or_else(|| {
                all_valid = false;
                P::Native::default()
            })
        })
        .collect();
    let nulls = (!all_valid).then(|| {
        NullBuffer::new(BooleanBuffer::collect_bool(rows.len(), |i| {
            value(&rows[i]).is_some()
        }))
    });
    Arc::new(PrimitiveArray::<P>::new(values.into(), nulls))
}

/// A boolean column without nulls, packed 64 rows at a time.
fn bools<T>(rows: &[T], value: impl Fn(&T) -> bool) -> ArrayRef {
    Arc::new(BooleanArray::new(
        BooleanBuffer::collect_bool(rows.len(), |i| value(&rows[i])),
        None,
    ))
}

/// Every fact of one kind in the chunk, with the report it belongs to:
/// the tables are then filled column by column.
fn facts<'a, F>(
    reports: &[&'a Report],
    of: impl Fn(&'a Report) -> &'a [F],
) -> Vec<(&'a Report, &'a F)> {
    let mut rows = Vec::with_capacity(reports.iter().map(|r| of(r).len()).sum());
    for &r in reports {
        rows.extend(of(r).iter().map(|f| (r, f)));
    }
    rows
}

fn build_active(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let rows = facts(reports, |r| &r.active);
    let [pages, boxes] = origins(&rows, |(r, f)| r.origin(f.source_line, f.raw));
    finish(
        Table::ActiveDisclosure,
        vec![
            doc_ids(&rows),
            int32s(&rows, |(_, f)| Some(f.source_line as i32)),
            codes(&rows, |(_, f)| Some(f.article)),
            codes(&rows, |(_, f)| Some(f.item_code)),
            codes(&rows, |(_, f)| Some(f.metric_code)),
            float64s(&rows, |(_, f)| f.value),
            codes(&rows, |(_, f)| f.unit),
            texts(&rows, |(r, f)| raw(r, f.raw)),
            pages,
            boxes,
        ],
    )
}

/// What tables 三 and 四 share: two codes, a count and the raw cell.
#[derive(Clone, Copy)]
struct CountRow {
    codes: (&'static str, &'static str),
    count: Option<i64>,
    raw: Option<Span>,
    line: u32,
}

fn build_counts<F>(
    table: Table,
    rows: &[(&Report, &F)],
    view: impl Fn(&F) -> CountRow,
) -> Result<RecordBatch, ArrowError> {
    let [pages, boxes] = origins(rows, |(r, f)| r.origin(view(f).line, view(f).raw));
    finish(
        table,
        vec![
            doc_ids(rows),
            int32s(rows, |(_, f)| Some(view(f).line as i32)),
            codes(rows, |(_, f)| Some(view(f).codes.0)),
            codes(rows, |(_, f)| Some(view(f).codes.1)),
            int64s(rows, |(_, f)| view(f).count),
            texts(rows, |(r, f)| raw(r, view(f).raw)),
            pages,
            boxes,
        ],
    )
}

fn build_narrative(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let rows = facts(reports, |r| &r.narrative);
    let [pages, boxes] = origins(&rows, |(r, f)| r.origin(f.source_line, None));
    finish(
        Table::NarrativeCounts,
        vec![
            doc_ids(&rows),
            int32s(&rows, |(_, f)| Some(f.source_line as i32)),
            strings(&rows, |(_, f)| Some(f.subject.as_str())),
            strings(&rows, |(_, f)| f.category.as_deref()),
            codes(&rows, |(_, f)| f.channel),
            bools(&rows, |(_, f)| f.is_total),
            int64s(&rows, |(_, f)| Some(f.count)),
            bools(&rows, |(_, f)| f.approximate),
            strings(&rows, |(_, f)| Some(f.sentence.as_str())),
            pages,
            boxes,
        ],
    )
}

fn build_checks(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let rows = facts(reports, |r| &r.checks);
    finish(
        Table::Checks,
        vec![
            doc_ids(&rows),
            codes(&rows, |(_, c)| Some(c.check_code)),
            strings(&rows, |(_, c)| Some(&*c.scope)),
            float64s(&rows, |(_, c)| Some(c.expected)),
            float64s(&rows, |(_, c)| Some(c.actual)),
            bools(&rows, |(_, c)| c.passed),
        ],
    )
}

fn build_diagnostics(reports: &[&Report]) -> Result<RecordBatch, ArrowError> {
    let rows = facts(reports, |r| &r.diagnostics);
    let targets: Vec<crate::diagnostics::Target> = reports
        .iter()
        .filter(|r| !r.diagnostics.is_empty())
        .flat_map(|r| crate::diagnostics::targets(r))
        .collect();
    finish(
        Table::Diagnostics,
        vec![
            doc_ids(&rows),
            int32s(&rows, |(_, d)| d.line.map(|l| l as i32)),
            codes(&rows, |(_, d)| Some(d.severity.code())),
            codes(&rows, |(_, d)| Some(d.code.code())),
            strings(&rows, |(_, d)| Some(d.message.as_str())),
            codes(&targets, |t| t.table),
            codes(&targets, |t| t.row),
            codes(&targets, |t| t.column),
        ],
    )
}

/// One record batch per contract table, in [`TABLES`] order.
pub type TableBatches = Vec<(Table, RecordBatch)>;

/// Builds one record batch per contract table (in [`TABLES`] order) from `reports`.
///
/// # Errors
/// Only if a batch does not match its schema, which would be a bug.
pub fn build_batches(reports: &[&Report]) -> Result<TableBatches, ArrowError> {
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let batch = match table {
            Table::Reports => build_reports(reports)?,
            Table::ActiveDisclosure => build_active(reports)?,
            Table::Applications => {
                build_counts(table, &facts(reports, |r| &r.applications), |f| CountRow {
                    codes: (f.row_code, f.applicant),
                    count: f.count,
                    raw: f.raw,
                    line: f.source_line,
                })?
            }
            Table::ReviewsLitigation => {
                build_counts(table, &facts(reports, |r| &r.reviews), |f| CountRow {
                    codes: (f.proceeding, f.outcome),
                    count: f.count,
                    raw: f.raw,
                    line: f.source_line,
                })?
            }
            Table::NarrativeCounts => build_narrative(reports)?,
            Table::Checks => build_checks(reports)?,
            Table::Diagnostics => build_diagnostics(reports)?,
        };
        out.push((table, batch));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray, StringArray};
    use arrow::datatypes::Int64Type;

    #[test]
    fn primitives_keep_values_and_mark_only_the_missing_ones_null() {
        let rows = [Some(3_i64), None, Some(0), Some(-7), None];
        let column = int64s(&rows, |v| *v);
        let column = column.as_primitive::<Int64Type>();
        assert_eq!(column.len(), 5);
        let read: Vec<Option<i64>> = column.iter().collect();
        assert_eq!(read, rows);
        assert_eq!(column.null_count(), 2);

        // No missing value: no validity buffer at all, as Arrow's own
        // `collect` leaves it.
        let full = int32s(&[1, 2, 3], |v| Some(*v));
        assert!(full.nulls().is_none());
    }

    #[test]
    fn booleans_are_packed_across_words() {
        let rows: Vec<usize> = (0..130).collect();
        let column = bools(&rows, |i| i % 3 == 0);
        let column = column.as_boolean();
        assert!(column.nulls().is_none());
        assert!((0..130).all(|i| column.value(i) == (i % 3 == 0)));
    }

    #[test]
    fn dictionaries_number_values_by_first_use_and_keep_missing_ones_null() {
        let rows = ["0", "0", "12", "", "0", "—", "12", "12", ""];
        let column = texts(&rows, |v| (!v.is_empty()).then_some(*v));
        let dict = column.as_dictionary::<UInt32Type>();
        let values = dict
            .values()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert_eq!(
            values.iter().flatten().collect::<Vec<_>>(),
            ["0", "12", "—"]
        );
        let keys: Vec<Option<u32>> = dict.keys().iter().collect();
        assert_eq!(
            keys,
            [
                Some(0),
                Some(0),
                Some(1),
                None,
                Some(0),
                Some(2),
                Some(1),
                Some(1),
                None
            ]
        );
        assert_eq!(
            dict.keys().values()[3],
            0,
            "a missing value's slot holds 0, not the marker"
        );
    }
}
