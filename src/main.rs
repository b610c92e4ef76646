//! `govreports`: see the library docs; this file only wires the CLI to it.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use govreports::cli::{Cli, Command};
use govreports::{config::Config, etl, inspect, logging, parse};

/// mimalloc: the parser allocates many small short-lived vectors on every
/// thread; glibc's per-thread arenas fragment under that load and RSS creeps
/// up with the corpus, mimalloc keeps it flat and is faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Polars' streaming Parquet reader prefetches up to ~28 decoded row groups
    // per file by default, so its memory grew with the corpus; two per reader
    // keep the statistics stage flat at no measurable cost. Set before any
    // thread exists; a value the user exported wins.
    if std::env::var_os("POLARS_ROW_GROUP_PREFETCH_SIZE").is_none() {
        // SAFETY: the only unsafe code of the crate (the library forbids it):
        // we are still single-threaded, nothing reads the environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("POLARS_ROW_GROUP_PREFETCH_SIZE", "2");
        }
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => {
            logging::init(args.verbosity());
            match Config::try_from(&args).and_then(|config| etl::run(&config)) {
                Ok(summary) => summary.exit_code(),
                Err(err) => {
                    eprintln!("govreports: {err:#}");
                    ExitCode::from(etl::exit_code_for(&err))
                }
            }
        }
        Command::Inspect(args) => {
            let name = args.file.display().to_string();
            let report = parse::parse_file(&args.file, &name, u64::MAX);
            let mut out = std::io::stdout().lock();
            if out.write_all(inspect::render(&report).as_bytes()).is_err() {
                return ExitCode::from(etl::EXIT_RUN_FAILED);
            }
            ExitCode::SUCCESS
        }
    }
}
