//! `Config`: the validated, resolved form of the command line. Everything
//! after `main` sees only this.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::RunArgs;
use crate::corpus::WalkOptions;
use crate::error::Usage;
use crate::stats::Pipeline;

/// A run, ready to go.
#[derive(Debug, Clone)]
pub struct Config {
    /// Corpus root (absolute).
    pub corpus: PathBuf,
    /// Output directory (absolute).
    pub out: PathBuf,
    /// The statistics to compute.
    pub pipeline: Pipeline,
    /// Parser threads.
    pub jobs: usize,
    /// Exit 3 when a file failed.
    pub fail_on_failed: bool,
    /// Size limit per file.
    pub max_bytes: u64,
    /// What discovery skips and follows.
    pub walk: WalkOptions,
    /// Publish a corpus with fewer than half the previous files.
    pub allow_shrink: bool,
    /// Parse every file, even where a previous output could be built on.
    pub full: bool,
    /// Show a progress bar (stderr is a terminal and not quiet).
    pub progress: bool,
    /// Called between the parse and statistics stages to hand memory the
    /// parse stage freed back to the OS (and set the allocator up for the
    /// statistics). The binary sets it to a call into its allocator (the
    /// library holds no unsafe code); `None` does nothing.
    pub release_memory: Option<fn()>,
}

/// One parser thread more than there are CPUs. A parser thread sometimes
/// blocks (a read waiting for its page, a sleep between chunks), and with
/// one thread per CPU the cores then stood ~11% idle through the parse
/// stage (`vmstat`); the extra thread fills those gaps. 100k generated
/// reports on 2 cores, six alternating pairs: `-j3` faster in every pair,
/// 11.26 against 11.69 s on average, peak RSS the same (135–155 MB).
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get) + 1
}

/// More parser threads than this is a typo, not a machine: each thread
/// holds a chunk's reports, and tens of thousands abort thread creation.
pub const MAX_JOBS: usize = 1024;

fn absolute(p: &Path) -> Result<PathBuf> {
    Ok(std::path::absolute(p).map_err(|e| Usage(format!("{}: {e}", p.display())))?)
}

impl TryFrom<&RunArgs> for Config {
    type Error = anyhow::Error;

    fn try_from(args: &RunArgs) -> Result<Self> {
        let corpus = absolute(&args.corpus)?;
        if !corpus.is_dir() {
            return Err(Usage(format!(
                "corpus root {} is not a directory",
                args.corpus.display()
            ))
            .into());
        }
        let out = absolute(&args.out)?;
        // Compared by real paths (an `--out` given as a symlink too).
        let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
        if real(&corpus).starts_with(real(&out)) {
            return Err(Usage(format!(
                "output directory {} contains the corpus {}",
                out.display(),
                corpus.display()
            ))
            .into());
        }
        let pipeline = Pipeline::resolve(&args.stats)?;
        let jobs = match args.jobs {
            Some(0) => return Err(Usage("--jobs must be at least 1".to_owned()).into()),
            Some(j) if j > MAX_JOBS => {
                return Err(Usage(format!("--jobs {j} is more than {MAX_JOBS} threads")).into());
            }
            Some(j) => j,
            None => default_jobs(),
        };
        use std::io::IsTerminal;
        Ok(Self {
            corpus,
            out,
            pipeline,
            jobs,
            fail_on_failed: args.fail_on_failed,
            max_bytes: args.max_file_size,
            walk: WalkOptions::new(args.hidden, args.follow, &args.include, &args.exclude)?,
            allow_shrink: args.allow_shrink,
            full: args.full,
            progress: !args.quiet && std::io::stderr().is_terminal(),
            release_memory: None,
        })
    }
}
