//! The canonical model of one parsed file: [`Report`] and one fact struct per
//! contract table. Facts borrow nothing: raw cell text is a [`Span`] into the
//! report's own decoded text, so a report owns one big string instead of one
//! small string per cell.

use crate::checks::Check;
use crate::decode::Text;
use crate::diagnostics::{DiagCode, Diagnostic, Severity};

/// Byte range of a cell's raw text inside [`Report::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

/// What happened to a file (contract `reports.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// All expected tables found and complete.
    Ok,
    /// Some values or tables missing.
    Partial,
    /// Could not be read or parsed at all; `error` says why.
    Failed,
    /// Byte-identical to an earlier file of the run.
    Duplicate,
    /// Readable, but not a disclosure annual report.
    NotAReport,
}

impl Status {
    /// The contract string.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Duplicate => "duplicate",
            Self::NotAReport => "not_a_report",
        }
    }

    /// All statuses, in the order summaries list them.
    pub const ALL: [Status; 5] = [
        Self::Ok,
        Self::Partial,
        Self::Failed,
        Self::Duplicate,
        Self::NotAReport,
    ];
}

/// A table 二 fact.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveFact {
    /// `20.1` …
    pub article: &'static str,
    /// Contract item code.
    pub item_code: &'static str,
    /// Contract metric code.
    pub metric_code: &'static str,
    /// NULL when blank or unreadable; money in 万元.
    pub value: Option<f64>,
    /// `件`, `项`, `万元`.
    pub unit: Option<&'static str>,
    /// The cell as written (NULL when no cell could be aligned).
    pub raw: Option<Span>,
    /// 1-based source line.
    pub source_line: u32,
}

/// A table 三 fact.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationFact {
    /// Contract row code.
    pub row_code: &'static str,
    /// Contract applicant code.
    pub applicant: &'static str,
    /// NULL when blank or unreadable.
    pub count: Option<i64>,
    /// The cell as written.
    pub raw: Option<Span>,
    /// 1-based source line.
    pub source_line: u32,
}

/// A table 四 fact.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewFact {
    /// `review`, `litigation_direct`, `litigation_after_review`.
    pub proceeding: &'static str,
    /// `upheld`, `corrected`, `other`, `pending`, `total`.
    pub outcome: &'static str,
    /// NULL when blank or unreadable.
    pub count: Option<i64>,
    /// The cell as written.
    pub raw: Option<Span>,
    /// 1-based source line.
    pub source_line: u32,
}

/// A count stated in prose.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeCount {
    /// What is counted, as written (政务信息, 信息, 视频 …).
    pub subject: String,
    /// The category named, if any.
    pub category: Option<String>,
    /// The platform named, if any.
    pub channel: Option<&'static str>,
    /// A stated total (共/合计/总计).
    pub is_total: bool,
    /// The number.
    pub count: i64,
    /// Written with 余/多/约.
    pub approximate: bool,
    /// The sentence it came from (whitespace collapsed).
    pub sentence: String,
    /// 1-based source line.
    pub source_line: u32,
}

/// Metadata read from the title, the signature block and the page header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// The report's title line(s).
    pub title: Option<String>,
    /// Issuing body.
    pub organization: Option<String>,
    /// Province named in the organization.
    pub province: Option<String>,
    /// City named in the organization.
    pub city: Option<String>,
    /// County/district named in the organization.
    pub county: Option<String>,
    /// Township/town/street named in the organization.
    pub township: Option<String>,
    /// GB/T 2260 code of the most specific division found ([`crate::places`]).
    pub admin_code: Option<String>,
    /// `province`, `city`, `county`, `township`, `department`, `unknown`.
    pub admin_level: &'static str,
    /// The year the report covers.
    pub report_year: Option<i32>,
    /// Date signed/published, as (year, month, day).
    pub published_on: Option<(i32, u32, u32)>,
}

/// One input file, parsed.
#[derive(Debug, Clone)]
pub struct Report {
    /// Content hash (contract `doc_id`).
    pub doc_id: String,
    /// Path relative to the corpus root, `/` separators.
    pub source_path: String,
    /// File size in bytes.
    pub source_bytes: i64,
    /// The file's modification time (ns since the Unix epoch) as it was
    /// when opened for reading, before its bytes were read; `None` when the
    /// file was not opened. What an incremental run compares.
    pub source_mtime_ns: Option<i64>,
    /// Decoded text; facts' spans point into it. `None` when undecodable.
    pub text: Option<Text>,
    /// Contract encoding name.
    pub encoding: Option<&'static str>,
    /// Contract format code.
    pub format: Option<&'static str>,
    /// Contract layout code.
    pub layout: Option<&'static str>,
    /// Contract template version code.
    pub template_version: Option<&'static str>,
    /// Outcome.
    pub status: Status,
    /// One-line reason for `failed`/`not_a_report`.
    pub error: Option<String>,
    /// Title, organization, places, year, date.
    pub meta: Metadata,
    /// Value cells the template has.
    pub cells_expected: i32,
    /// Cells read with a value.
    pub cells_found: i32,
    /// Cells present but blank.
    pub cells_blank: i32,
    /// Table 二 facts.
    pub active: Vec<ActiveFact>,
    /// Table 三 facts.
    pub applications: Vec<ApplicationFact>,
    /// Table 四 facts.
    pub reviews: Vec<ReviewFact>,
    /// Prose counts.
    pub narrative: Vec<NarrativeCount>,
    /// Accounting identities.
    pub checks: Vec<Check>,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
    /// PDF and Word inputs: where each line of the rendered `text` came from.
    pub provenance: Option<crate::readers::Provenance>,
}

impl Report {
    /// An empty report for a file, to be filled in by the parser.
    #[must_use]
    pub fn new(doc_id: String, source_path: String, source_bytes: i64) -> Self {
        Self {
            doc_id,
            source_path,
            source_bytes,
            source_mtime_ns: None,
            text: None,
            encoding: None,
            format: None,
            layout: None,
            template_version: None,
            status: Status::Failed,
            error: None,
            meta: Metadata {
                admin_level: "unknown",
                ..Metadata::default()
            },
            cells_expected: 0,
            cells_found: 0,
            cells_blank: 0,
            active: Vec::new(),
            applications: Vec::new(),
            reviews: Vec::new(),
            narrative: Vec::new(),
            checks: Vec::new(),
            diagnostics: Vec::new(),
            provenance: None,
        }
    }

    /// Where in a PDF a fact was read (`source_page`, `source_bbox`): the
    /// origin of its raw cell, else of its source line. `None` for text and
    /// HTML inputs.
    #[must_use]
    pub fn origin(&self, source_line: u32, raw: Option<Span>) -> Option<crate::readers::Origin> {
        let provenance = self.provenance.as_ref()?;
        let line = match (raw, &self.text) {
            (Some(span), Some(text)) => text.line_of(span.start as usize),
            _ => source_line,
        };
        provenance.at(line).or_else(|| provenance.at(source_line))
    }

    /// The raw text of a span.
    #[must_use]
    pub fn raw(&self, span: Span) -> &str {
        self.text.as_ref().map_or("", |t| {
            t.as_str()
                .get(span.start as usize..span.end as usize)
                .unwrap_or("")
        })
    }

    /// Why the report is not `ok`, as a code to group by (`reports.error_code`):
    /// for `failed` the file error's code (`unreadable_file`, `binary_file`
    /// …), for `not_a_report` `not_a_report`, for `duplicate` `duplicate`, for
    /// `partial` the code of its most telling warning (`table_missing`
    /// before `table_truncated`, `reading_order_scrambled`,
    /// `column_count_mismatch`, `row_missing` …), else `incomplete`.
    /// `None` for `ok`.
    #[must_use]
    pub fn error_code(&self) -> Option<&'static str> {
        let first = |severity: Severity| {
            self.diagnostics
                .iter()
                .find(|d| d.severity == severity)
                .map(|d| d.code.code())
        };
        match self.status {
            Status::Ok => None,
            Status::Duplicate => Some("duplicate"),
            Status::Failed => first(Severity::Error).or(Some("internal_error")),
            Status::NotAReport => Some("not_a_report"),
            Status::Partial => {
                const RANK: [DiagCode; 7] = [
                    DiagCode::TableMissing,
                    DiagCode::UnsupportedTemplate,
                    DiagCode::TableTruncated,
                    DiagCode::ReadingOrderScrambled,
                    DiagCode::ColumnCountMismatch,
                    DiagCode::RowMissing,
                    DiagCode::YearMissing,
                ];
                RANK.iter()
                    .find(|&&code| self.has_diag(code))
                    .map(|c| c.code())
                    .or_else(|| first(Severity::Warning))
                    .or(Some("incomplete"))
            }
        }
    }

    /// Number of failed identities.
    #[must_use]
    pub fn checks_failed(&self) -> usize {
        self.checks.iter().filter(|c| !c.passed).count()
    }

    /// Records a finding.
    pub fn diag(
        &mut self,
        severity: Severity,
        code: DiagCode,
        line: Option<u32>,
        message: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(severity, code, line, message));
    }

    /// Whether a finding with `code` was recorded.
    #[must_use]
    pub fn has_diag(&self, code: DiagCode) -> bool {
        self.diagnostics.iter().any(|d| d.code == code)
    }

    /// Marks the report failed with a one-line reason.
    pub fn fail(&mut self, err: &crate::error::FileError) {
        let reason = err.to_string();
        self.status = Status::Failed;
        self.diag(
            Severity::Error,
            DiagCode::File(err.code()),
            None,
            reason.clone(),
        );
        self.error = Some(reason);
    }
}
