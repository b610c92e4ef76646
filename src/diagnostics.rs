//! Per-file findings: a stable machine code kept apart from the human message
//! (as Vector does), so that users can `GROUP BY code` while people read the
//! message.

use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Context for a person reading the output; nothing is wrong.
    Info,
    /// Some value or table could not be read; what was read is still right.
    Warning,
    /// The file could not be read at all.
    Error,
}

impl Severity {
    /// The contract string (`info`, `warning`, `error`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// Stable machine codes for findings. The string form is part of the data
/// contract: add codes freely, never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagCode {
    /// A value cell was present but blank (`—`, `/`, empty …): NULL, not 0.
    BlankCell,
    /// A row had a number of value cells that cannot be aligned with its columns.
    ColumnCountMismatch,
    /// A cell held text that is not a number where a number belongs.
    InvalidValue,
    /// A value was written approximately (`约30`) inside a table.
    ApproximateValue,
    /// A template row was not found in the report.
    RowMissing,
    /// A whole table was not found.
    TableMissing,
    /// A table stops before its last rows (cut short).
    TableTruncated,
    /// Numbers in a table that belong to no row label.
    OrphanValues,
    /// The reading order of a table is scrambled (text extracted without layout).
    ReadingOrderScrambled,
    /// The same template row appeared twice.
    DuplicateRow,
    /// The template version was taken from the report year, not from labels.
    VersionFallback,
    /// Labels of both template versions were seen.
    MixedTemplate,
    /// No supported template applies (e.g. a pre-2019 local form).
    UnsupportedTemplate,
    /// A money value was converted to 万元 from the unit written in the cell.
    UnitConverted,
    /// A money value has no unit anywhere and is too large (≥ 1 亿 in 万元) to
    /// be taken in the table's usual 万元: it could be 元.
    UnitUnknown,
    /// 2021-format table 三 printed （六）其他处理 as a single row.
    OtherHandlingCollapsed,
    /// The encoding was guessed by the detector (no BOM, not UTF-8).
    EncodingFallback,
    /// The report year could not be determined.
    YearMissing,
    /// The file is not a disclosure annual report.
    NotAReport,
    /// A glued digit run splits into the row's cells in several ways the
    /// identities cannot tell apart, or in none.
    AmbiguousSplit,
    /// A row's label and its values could not be associated with certainty.
    UncertainRow,
    /// The text's digits show misreads (an OCR'd page): a row that does not
    /// add up to its own total was left NULL.
    MisreadSuspected,
    /// Every cell read of tables 二/三/四 is blank, not one number: an
    /// unfilled form.
    FormUnfilled,
    /// The file could not be read; the payload is [`crate::error::FileError::code`].
    File(&'static str),
}

impl DiagCode {
    /// The contract string for `diagnostics.code`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::BlankCell => "blank_cell",
            Self::ColumnCountMismatch => "column_count_mismatch",
            Self::InvalidValue => "invalid_value",
            Self::ApproximateValue => "approximate_value",
            Self::RowMissing => "row_missing",
            Self::TableMissing => "table_missing",
            Self::TableTruncated => "table_truncated",
            Self::OrphanValues => "orphan_values",
            Self::ReadingOrderScrambled => "reading_order_scrambled",
            Self::DuplicateRow => "duplicate_row",
            Self::VersionFallback => "version_fallback",
            Self::MixedTemplate => "mixed_template",
            Self::UnsupportedTemplate => "unsupported_template",
            Self::UnitConverted => "unit_converted",
            Self::UnitUnknown => "unit_unknown",
            Self::OtherHandlingCollapsed => "other_handling_collapsed",
            Self::EncodingFallback => "encoding_fallback",
            Self::YearMissing => "year_missing",
            Self::NotAReport => "not_a_report",
            Self::AmbiguousSplit => "ambiguous_split",
            Self::UncertainRow => "uncertain_row",
            Self::MisreadSuspected => "misread_suspected",
            Self::FormUnfilled => "form_unfilled",
            Self::File(code) => code,
        }
    }
}

impl fmt::Display for DiagCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One finding about one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Stable machine code.
    pub code: DiagCode,
    /// 1-based line of the decoded input, when the finding has a place.
    pub line: Option<u32>,
    /// One line a person understands.
    pub message: String,
}

impl Diagnostic {
    /// A new finding.
    pub fn new(
        severity: Severity,
        code: DiagCode,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            code,
            line,
            message: message.into(),
        }
    }
}

/// What a finding concerns, as the fact tables name it: the table
/// (`active_disclosure`, `applications`, `reviews_litigation`), the row
/// (its `item_code`, `row_code` or `proceeding`) and the column (its
/// `metric_code`, `applicant` or `outcome`). Each is `None` when the
/// finding does not single one out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    /// Contract table name.
    pub table: Option<&'static str>,
    /// Row code within the table.
    pub row: Option<&'static str>,
    /// Column code within the table.
    pub column: Option<&'static str>,
}

/// A value cell of a report: where it was read and whether it is NULL.
#[derive(Clone, Copy)]
struct CellAt {
    line: u32,
    table: &'static str,
    row: &'static str,
    column: &'static str,
    null: bool,
}

/// Findings about one cell, paired in order with the NULL cells of their line.
fn about_a_null_cell(code: DiagCode) -> bool {
    matches!(
        code,
        DiagCode::BlankCell
            | DiagCode::InvalidValue
            | DiagCode::ApproximateValue
            | DiagCode::UnitUnknown
    )
}

/// The one table whose facts span `line` (a finding between two of its
/// rows, or just after its last: a row missing, a table cut short).
fn table_around(cells: &[CellAt], line: u32) -> Option<&'static str> {
    let mut found = None;
    for table in ["active_disclosure", "applications", "reviews_litigation"] {
        let lines = cells.iter().filter(|c| c.table == table).map(|c| c.line);
        let (Some(first), Some(last)) = (lines.clone().min(), lines.max()) else {
            continue;
        };
        if (first..=last.saturating_add(2)).contains(&line) {
            if found.is_some() {
                return None;
            }
            found = Some(table);
        }
    }
    found
}

/// The [`Target`] of each of `report`'s diagnostics, in order, read off the
/// facts on the diagnostic's line: what all of them share; and for a
/// finding about one cell (a blank, a value that is not a number), the
/// NULL cell of that line it is about (the k-th such finding on a line is
/// about its k-th NULL cell: both are made left to right).
#[must_use]
pub fn targets(report: &crate::report::Report) -> Vec<Target> {
    let mut cells: Vec<CellAt> = Vec::new();
    cells.extend(report.active.iter().map(|f| CellAt {
        line: f.source_line,
        table: "active_disclosure",
        row: f.item_code,
        column: f.metric_code,
        null: f.value.is_none(),
    }));
    cells.extend(report.applications.iter().map(|f| CellAt {
        line: f.source_line,
        table: "applications",
        row: f.row_code,
        column: f.applicant,
        null: f.count.is_none(),
    }));
    cells.extend(report.reviews.iter().map(|f| CellAt {
        line: f.source_line,
        table: "reviews_litigation",
        row: f.proceeding,
        column: f.outcome,
        null: f.count.is_none(),
    }));
    cells.sort_by_key(|c| c.line); // stable: left to right within a line
    let mut used: Vec<(u32, usize)> = Vec::new(); // (line, NULL cells paired so far)
    report
        .diagnostics
        .iter()
        .map(|d| {
            let Some(line) = d.line else {
                return Target::default();
            };
            let start = cells.partition_point(|c| c.line < line);
            let end = cells.partition_point(|c| c.line <= line);
            let on_line = &cells[start..end];
            let shared = |f: fn(&CellAt) -> &'static str| {
                let first = on_line.first().map(f)?;
                on_line.iter().all(|c| f(c) == first).then_some(first)
            };
            let mut target = Target {
                table: shared(|c| c.table).or_else(|| table_around(&cells, line)),
                row: shared(|c| c.row),
                column: shared(|c| c.column),
            };
            if target.column.is_none() && about_a_null_cell(d.code) {
                let k = match used.iter_mut().find(|(l, _)| *l == line) {
                    Some((_, n)) => {
                        *n += 1;
                        *n - 1
                    }
                    None => {
                        used.push((line, 1));
                        0
                    }
                };
                if let Some(cell) = on_line.iter().filter(|c| c.null).nth(k) {
                    target = Target {
                        table: Some(cell.table),
                        row: Some(cell.row),
                        column: Some(cell.column),
                    };
                }
            }
            target
        })
        .collect()
}
