//! `govreports`: see the library docs; this file only wires the CLI to it.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use govreports::cli::{Cli, Command};
use govreports::{config::Config, etl, inspect, logging, parse};

/// glibc's allocator (the system one), tuned in [`tune_allocator`].
///
/// Until 2026-11 the binary used mimalloc, chosen when glibc's arenas
/// fragmented under the parser's many small short-lived vectors. Once zstd's
/// contexts had their own mappings (below), the roles reversed: with the
/// same code, a counting allocator showed the Rust heap flat at ~54 MB live
/// through the parse stage at 100k reports, while mimalloc's resident pages
/// crept from ~70 to ~125 MB (its free pages stay resident in the pages it
/// cannot purge whole); glibc's stayed at 86–98 MB. Measured with
/// `govreports run -j2` (peak RSS): 100k reports 129–155 MB → 99–102 MB,
/// 400k 156–181 MB → 122–128 MB; wall time within the run-to-run spread,
/// user CPU 2–6% higher in three paired runs.
#[global_allocator]
static GLOBAL: std::alloc::System = std::alloc::System;

/// `M_MMAP_THRESHOLD` in glibc's `malloc.h`.
#[cfg(target_env = "gnu")]
const M_MMAP_THRESHOLD: std::ffi::c_int = -3;

/// zstd's contexts are the one large thing allocated in the parse stage: a
/// compressor and a decompressor of 64 KB to ~1 MB for every column chunk
/// parquet-rs has open, ~440 at once, created and freed with every row
/// group. glibc's default threshold is dynamic: once such a block is freed,
/// blocks of its size come from the heap instead of `mmap`, and the heap
/// fragments as row groups come and go, so RSS crept up through the parse
/// stage. A fixed threshold keeps every context in its own mapping,
/// returned when freed. Measured (`govreports run -j2`, peak RSS, two runs
/// each, then with mimalloc for Rust's allocations): 100k reports 151 / 158
/// MB → 128 / 131 MB; 400k reports 172 / 174 MB → 158 / 167 MB. A value
/// the user exports in `MALLOC_MMAP_THRESHOLD_` wins.
#[cfg(target_env = "gnu")]
const ZSTD_MMAP_THRESHOLD: std::ffi::c_int = 64 << 10;

#[cfg(target_env = "gnu")]
#[allow(unsafe_code)]
unsafe extern "C" {
    /// glibc's `mallopt`: sets one of the allocator's tunables.
    fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    /// glibc's `malloc_trim`: hands free heap pages back to the OS.
    fn malloc_trim(pad: usize) -> std::ffi::c_int;
}

/// Fixes glibc's mmap threshold (see [`ZSTD_MMAP_THRESHOLD`]). Called first
/// thing in `main`, while the process has one thread.
fn tune_allocator() {
    #[cfg(target_env = "gnu")]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets a tunable of glibc's allocator; the
        // value is valid (below its 32 MB maximum).
        #[allow(unsafe_code)]
        unsafe {
            mallopt(M_MMAP_THRESHOLD, ZSTD_MMAP_THRESHOLD);
        }
    }
}

/// Hands the free heap pages back to the OS once the parse stage is over.
/// The parse stage frees every report it built, but glibc keeps the free
/// chunks resident inside its heaps (it only trims the top): at 100k reports
/// ~60 MB of them were still resident when the statistics began, and the
/// statistics' allocations came on top (peak after the stage 140 → 99 MB).
fn release_allocator_memory() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only walks glibc's own arenas; it is safe to call
    // at any time from any thread.
    #[allow(unsafe_code)]
    unsafe {
        malloc_trim(0);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    // Polars' streaming Parquet reader prefetches at least 16 row groups per
    // file by default and bounds them by their compressed size; our facts
    // compress ~30×, so decoded prefetch dominated the statistics' memory.
    // One per reader keeps the stage flat (measured: 248 → 56 MB for a scan
    // of two string columns at 100k reports) at no measurable cost. Set before any
    // thread exists; a value the user exported wins.
    if std::env::var_os("POLARS_ROW_GROUP_PREFETCH_SIZE").is_none() {
        // SAFETY: unsafe code lives only in this file (the library forbids it):
        // we are still single-threaded, nothing reads the environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("POLARS_ROW_GROUP_PREFETCH_SIZE", "1");
        }
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => {
            logging::init(args.verbosity());
            let config = Config::try_from(&args).map(|mut config| {
                config.release_memory = Some(release_allocator_memory);
                config
            });
            match config.and_then(|config| etl::run(&config)) {
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
