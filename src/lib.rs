//! # govreports
//!
//! Turns China's government information-disclosure annual reports
//! (政府信息公开工作年度报告) into data.
//!
//! ```text
//! corpus ─ discover ─▶ files ─ parse_file (rayon) ─▶ Report ─ builders ─▶ RecordBatch
//!   (corpus.rs)               decode → layout → extract → checks        (batch/)
//!                                                                          │
//!      _run.json ◀─ publish ◀─ stats (Polars, pipelines/*.toml) ◀─ sink (staged hive Parquet)
//! ```
//!
//! The per-file step ([`parse::parse_file`]) cannot fail: every file becomes
//! exactly one [`report::Report`], with status `failed` and a one-line reason
//! when it cannot be read. Only run-level problems are `Err`.

#![forbid(unsafe_code)]

pub mod batch;
pub mod checks;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod decode;
pub mod dedup;
pub mod diagnostics;
pub mod error;
pub mod etl;
pub mod extract;
pub mod incremental;
pub mod inspect;
pub mod labels;
pub mod layout;
pub mod logging;
pub mod normalize;
pub mod parse;
pub mod places;
pub mod readers;
pub mod report;
pub mod sink;
pub mod stats;
pub mod summary;
pub mod template;
pub mod value;
pub mod views;

/// The tool's version (`reports.parser_version`, `_run.json`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The data-contract version this build writes.
pub const CONTRACT_VERSION: &str = "1";

/// The parser's output revision: bumped with every change to what the
/// parser writes for a file, so that an incremental run over an output of
/// an earlier revision parses every file again (a new build does anyway:
/// see [`incremental::Key`]).
pub const PARSER_REVISION: u32 = 1;
