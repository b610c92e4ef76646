//! What the user typed (clap derive; the doc comments are the `--help`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turn government information-disclosure annual reports (政府信息公开工作年度报告)
/// into hive-partitioned Parquet and statistics.
#[derive(Debug, Parser)]
#[command(name = "govreports", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Exit codes, shown by `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  the run completed and was published (some files may be partial/not_a_report/failed)
  1  the run itself failed; nothing was published, the previous output is intact
     (also when another run holds the lock on the same output directory, or the
     corpus is empty or has fewer than half the files of the published output)
  2  usage error: bad arguments, missing corpus root, invalid pipeline file
  3  with --fail-on-failed: published, but at least one file has status failed";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse a corpus directory into Parquet tables and statistics.
    Run(RunArgs),
    /// Show what the parser sees in one file: encoding, layout, template,
    /// metadata, every table as a grid, diagnostics and failed checks.
    Inspect(InspectArgs),
    /// Recompute the statistics (and views.sql) of an existing output
    /// without parsing the corpus again; replaced atomically, like a run.
    Stats(StatsArgs),
    /// Print the built-in default pipeline, or check pipeline files
    /// against the data contract without running anything.
    Pipeline(PipelineArgs),
}

/// Which statistics to compute: `run` and `stats` share these flags.
#[derive(Debug, Clone, Args)]
pub struct PipelineChoice {
    /// A pipeline file of statistics to compute in addition to the built-in
    /// defaults (repeatable). Every statistic is checked against the data
    /// contract before anything is parsed.
    #[arg(short, long = "pipeline", value_name = "FILE")]
    pub pipelines: Vec<PathBuf>,
    /// Leave out the built-in default statistics (only the --pipeline files run).
    #[arg(long)]
    pub no_default_stats: bool,
}

/// `govreports run`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct RunArgs {
    /// Corpus root: every file under it, recursively, becomes one `reports` row.
    #[arg(default_value = "data/sample")]
    pub corpus: PathBuf,
    /// Output directory; replaced atomically when the run completes.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Statistics to compute.
    #[command(flatten)]
    pub stats: PipelineChoice,
    /// Parser threads [default: number of CPUs + 1].
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Exit with status 3 when any file has status `failed` (for cron alerting).
    #[arg(long)]
    pub fail_on_failed: bool,
    /// Files larger than this many bytes are reported `failed` without being parsed.
    #[arg(long, default_value_t = crate::decode::DEFAULT_MAX_BYTES)]
    pub max_file_size: u64,
    /// Parse every file. By default a run over an existing output parses
    /// only the files that are new or whose size or modification time
    /// changed, and carries the other files' rows over.
    #[arg(long)]
    pub full: bool,
    /// Publish even when the corpus has fewer than half the files of the
    /// published output (an empty corpus is always refused).
    #[arg(long)]
    pub allow_shrink: bool,
    /// Include hidden files and directories (names starting with `.`) and
    /// version-control folders, which are skipped by default.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symlinks that lead outside the corpus root (by default they
    /// become `failed` rows and are not read).
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Only files matching this glob (repeatable). A glob with a `/` matches
    /// the path relative to the corpus root, one without matches the file
    /// name: `--include '*.txt' --include 'gov/2023/**'`.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and directories matching this glob (repeatable; same
    /// matching as `--include`, and wins over it).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only warnings and errors on stderr.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr (-vv for per-chunk tracing).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `govreports inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file to inspect.
    pub file: PathBuf,
    /// Print JSON (metadata, every fact with its source line and raw text,
    /// the rows as the reader split them, diagnostics) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `govreports stats`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct StatsArgs {
    /// An output directory written by `govreports run`.
    pub out: PathBuf,
    /// Statistics to compute.
    #[command(flatten)]
    pub stats: PipelineChoice,
    /// Only warnings and errors on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `govreports pipeline`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Print the built-in default pipeline (a starting point for your own).
    #[arg(long)]
    pub show_default: bool,
    /// Pipeline files to check against the data contract (exit 2 naming the
    /// first statistic that fails).
    pub files: Vec<PathBuf>,
}

impl RunArgs {
    /// -1 quiet, 0 normal, 1+ verbose.
    #[must_use]
    pub fn verbosity(&self) -> i8 {
        if self.quiet {
            -1
        } else {
            self.verbose.min(3) as i8
        }
    }
}
