//! `RunSummary` → `_run.json`, written last and atomically.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde::Serialize;

/// Seconds spent per stage. `parse` and `write` overlap (parsing the next
/// chunk while the previous one is encoded), so they can sum to more than the wall time.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stages {
    /// Walking the corpus.
    pub discover: f64,
    /// Incremental runs: reading the previous output's file list, comparing
    /// sizes and modification times, hashing the files that must be.
    pub plan: f64,
    /// Incremental runs: carrying the previous output's rows (links, and
    /// the partitions rewritten without the dropped rows).
    pub carry: f64,
    /// Reading, decoding, extracting and building the Arrow batches (summed
    /// over chunks, wall time of the parser side).
    pub parse: f64,
    /// Encoding Parquet (the writer thread's busy time, overlapping `parse`).
    pub write: f64,
    /// Polars statistics.
    pub stats: f64,
    /// Swapping the staged output in.
    pub publish: f64,
}

/// What a run did: the contents of `_run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// `govreports`.
    pub tool: &'static str,
    /// The tool's version.
    pub tool_version: &'static str,
    /// The data-contract version written.
    pub contract_version: &'static str,
    /// Corpus root.
    pub corpus_root: String,
    /// Output root.
    pub output_root: String,
    /// Pipeline file used.
    pub pipeline: String,
    /// Parser threads.
    pub jobs: usize,
    /// UTC, RFC 3339.
    pub started_at: String,
    /// UTC, RFC 3339.
    pub finished_at: String,
    /// Seconds from start to publication.
    pub wall_seconds: f64,
    /// Files found under the corpus root (= rows in `reports`).
    pub files_seen: u64,
    /// `incremental` (built on the previous output) or `full`.
    pub mode: &'static str,
    /// Why the run was full (`--full`, no previous output, another build…).
    pub full_reason: Option<String>,
    /// Files whose rows were carried from the previous output unread.
    pub files_reused: u64,
    /// Files read and parsed (all of them in a full run).
    pub files_parsed: u64,
    /// Files of the previous output no longer in the corpus (incremental
    /// runs; 0 in a full run).
    pub files_dropped: u64,
    /// What the next run compares to decide whether it can build on this
    /// output.
    pub incremental_key: crate::incremental::Key,
    /// Fingerprint of the statistics' definitions.
    pub pipeline_hash: String,
    /// Bytes read.
    pub bytes_seen: u64,
    /// Reports per status.
    pub statuses: BTreeMap<&'static str, u64>,
    /// Rows written per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Rows written per statistic.
    pub stats: BTreeMap<String, usize>,
    /// Seconds per stage.
    pub stages: Stages,
    /// Peak resident set size of the process, when the OS says.
    pub peak_rss_bytes: Option<u64>,
    /// The command's exit status.
    pub exit_status: u8,
}

impl RunSummary {
    /// Number of reports with `status`.
    #[must_use]
    pub fn count(&self, status: &str) -> u64 {
        self.statuses.get(status).copied().unwrap_or(0)
    }

    /// The process exit code.
    #[must_use]
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit_status)
    }

    /// Writes `dir/_run.json` through a temporary file and a rename.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let tmp = dir.join("._run.json.tmp");
        let json = serde_json::to_vec_pretty(self).context("serialising _run.json")?;
        std::fs::write(&tmp, json).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, dir.join("_run.json"))
            .with_context(|| format!("publishing {}/_run.json", dir.display()))
    }
}

/// Peak RSS (`VmHWM`) from `/proc/self/status`, in bytes.
#[must_use]
pub fn peak_rss_bytes() -> Option<u64> {
    proc_status_kb("VmHWM:").map(|kb| kb * 1024)
}

/// Current resident set size (Linux; `None` elsewhere).
#[must_use]
pub fn current_rss_bytes() -> Option<u64> {
    proc_status_kb("VmRSS:").map(|kb| kb * 1024)
}

fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
