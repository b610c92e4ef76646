//! The library's typed errors.
//!
//! Two tiers (see `lib.rs`): a file that cannot be parsed is *data* — it
//! becomes a `reports` row with status `failed` and a one-line reason built
//! from [`FileError`] — while a run that cannot go on (bad arguments, an
//! unwritable output directory) propagates an `anyhow::Error`, possibly
//! wrapping [`Usage`] so that `main` can choose exit code 2.

use thiserror::Error;

/// The first line of a caught panic's message (`"panic"` when it carries
/// none): what a caught panic becomes in a one-line reason or error.
#[must_use]
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned());
    text.lines().next().unwrap_or("").to_owned()
}

/// Why one input file could not be read as a report at all.
///
/// Each variant has a stable [`FileError::code`] that goes into the
/// `diagnostics` table; the `Display` text goes into `reports.error`.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FileError {
    /// The file has zero bytes.
    #[error("empty file (0 bytes)")]
    Empty,
    /// The file decodes to nothing but whitespace (or only a byte-order mark).
    #[error("no text: only whitespace or a byte-order mark")]
    Blank,
    /// The file is larger than the configured limit.
    #[error(
        "file too large: {size} bytes (limit {limit} bytes); not read, its doc_id is made from its path, size and modification time"
    )]
    TooLarge {
        /// Size of the file in bytes.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The text has more lines than a report ever has (memory per line is
    /// what a file of short lines would otherwise cost).
    #[error("too many lines: {lines} (limit {limit}); not parsed")]
    TooManyLines {
        /// Lines in the decoded text.
        lines: usize,
        /// The limit ([`crate::decode::MAX_LINES`]).
        limit: usize,
    },
    /// A text whose lines or tables hold more cells than any report
    /// ([`crate::layout::cell_limit`] in all: 100,000, or one per 10 bytes
    /// of a file under 1 MB but at least 20,000; [`crate::layout::MAX_ROW_CELLS`]
    /// on one row), or cells holding more text than twice the file's:
    /// reading stopped at `line`.
    #[error(
        "too many cells for a report: more than {limit} in all or {row_limit} on one row (or cells holding twice the file's text), reading stopped at line {line}; not parsed"
    )]
    TooManyCells {
        /// 1-based line where reading stopped.
        line: u32,
        /// The limit for this file ([`crate::layout::cell_limit`]).
        limit: usize,
        /// The limit per row ([`crate::layout::MAX_ROW_CELLS`]).
        row_limit: usize,
    },
    /// A text, HTML or Markdown file larger than any report
    /// ([`crate::decode::MAX_TEXT_BYTES`]).
    #[error(
        "text too large for a report: {size} bytes (limit {limit} bytes for text and HTML); not parsed"
    )]
    TextTooLarge {
        /// Size of the file in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The file could not be opened or read.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// A PDF, Word or other container format the ETL does not read itself.
    #[error("unsupported file type: {0}; extract its text first (e.g. pdftotext -layout)")]
    Unsupported(&'static str),
    /// The bytes look like binary data, not text.
    #[error("binary file: {0}")]
    Binary(&'static str),
    /// No supported text encoding decodes the bytes cleanly.
    #[error("undecodable text: {0}")]
    Undecodable(String),
    /// A container this tool does not read (legacy Word, spreadsheet, image,
    /// scanned or password-protected PDF): the reason names what to do.
    #[error("{reason}")]
    Refused {
        /// Contract `format` to record (`doc`, `wps`, `pdf`, …), if any.
        format: Option<&'static str>,
        /// One line: what the file is and how to convert it.
        reason: &'static str,
    },
    /// A PDF or Word file whose structure is broken.
    #[error("damaged {} file: {reason}", .format.to_ascii_uppercase())]
    Damaged {
        /// Contract `format` (`pdf`, `docx`).
        format: &'static str,
        /// What is broken, one line.
        reason: String,
    },
    /// A panic inside the parser, caught per file.
    #[error("internal error: {0}")]
    Internal(String),
}

impl FileError {
    /// The contract `format` a refused or damaged container is counted under.
    #[must_use]
    pub fn format(&self) -> Option<&'static str> {
        match self {
            Self::Refused { format, .. } => *format,
            Self::Damaged { format, .. } => Some(format),
            _ => None,
        }
    }

    /// The stable machine code written to `diagnostics.code`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_file",
            Self::Blank => "blank_file",
            Self::TooLarge { .. }
            | Self::TooManyLines { .. }
            | Self::TooManyCells { .. }
            | Self::TextTooLarge { .. } => "file_too_large",
            Self::Unreadable(_) => "unreadable_file",
            Self::Unsupported(_) => "unsupported_format",
            Self::Binary(_) => "binary_file",
            Self::Undecodable(_) => "undecodable",
            Self::Refused { .. } => "unsupported_format",
            Self::Damaged { .. } => "damaged_file",
            Self::Internal(_) => "internal_error",
        }
    }
}

/// A usage problem found after argument parsing (a missing corpus root, a
/// bad pipeline file). `main` maps it to exit code 2.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct Usage(pub String);
