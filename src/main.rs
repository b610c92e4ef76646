//! `govreports`: see the library docs; this file only wires the CLI to it.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use govreports::cli::{Cli, Command};
use govreports::stats::{self, Pipeline};
use govreports::{config::Config, etl, inspect, logging, parse};

/// jemalloc, for Rust's allocations and (unprefixed) for the C code's too:
/// zstd's contexts, created and freed with every Parquet column chunk.
///
/// History: mimalloc until 2026-11 (its free pages crept up resident), then
/// glibc's allocator with a fixed mmap threshold for zstd. glibc cost time:
/// 15–20% of the CPU went to the kernel, mapping and unmapping large blocks
/// (zstd's contexts, encoders' and batches' buffers), and the threads
/// waited on its arena locks, the writer thread freeing what the parser
/// threads allocated (1,500 blocking waits per 20k reports in `perf record
/// -e sched:sched_switch`; none with jemalloc). Measured with jemalloc
/// (`govreports run -j2`, 100k generated reports, three alternating pairs):
/// 12.9–13.8 → 11.0–11.8 s, system time 3.9–4.6 → 2.1–2.5 s, the
/// statistics 1.4 → 0.8 s; peak RSS 118–120 → 141–155 MB. 400k (preloaded,
/// one run each): 44 s and 171 MB against 51 s and 136 MB.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (`MALLOC_CONF` in the
/// environment overrides them): one arena per CPU instead of four, and
/// freed pages handed back to the OS after 200 ms instead of 10 s. The
/// defaults kept the parse stage's pages resident under the statistics
/// (266–272 MB at 100k reports); handing every page back at once (0 ms)
/// brought the kernel time back (16.5–17.9 s). Measured at 100k with these
/// options: 10.3–11.2 s, 141–157 MB.
#[cfg(not(target_env = "msvc"))]
#[allow(non_upper_case_globals, unsafe_code)]
#[unsafe(no_mangle)]
static malloc_conf: &[u8; 56] = b"percpu_arena:percpu,dirty_decay_ms:200,muzzy_decay_ms:0\0";

/// jemalloc's dirty-page decay through the statistics: none (see
/// [`release_allocator_memory`]).
const STATS_DECAY_MS: isize = 0;

/// Hands the parse stage's free pages back to the OS before the statistics
/// start, and from then on every page as soon as it is freed.
///
/// The purge: jemalloc would otherwise return the parse stage's pages only
/// as its decay timer runs out during the statistics' own allocations.
/// Decay 0 for the statistics: with 200 ms, the freed pages of Polars'
/// threads piled up in bursts (400k reports: `application_outcomes` took the
/// run to 236–266 MB in one run of two or three, against 145 MB for the
/// parse stage; 20 ms and jemalloc's background threads did the same). With
/// 0, three 400k runs peaked at 144–150 MB, set by the parse stage; the
/// statistics take longer (100k: 0.74–0.91 → 1.46 s; 400k: 2.6–2.9 → 5.2–5.5 s).
fn release_allocator_memory() {
    #[cfg(not(target_env = "msvc"))]
    // SAFETY: mallctl with the documented names and types: `arenas.narenas`
    // reads an `unsigned`; `arena.<i>.dirty_decay_ms` and
    // `arenas.dirty_decay_ms` take an `ssize_t`; `arena.4096.purge`
    // (4096 = MALLCTL_ARENAS_ALL) takes nothing. Every length matches its
    // pointer. Failures (an arena not yet initialised) leave the option as it was.
    #[allow(unsafe_code)]
    unsafe {
        use std::ffi::{CString, c_uint, c_void};
        use std::ptr::null_mut;
        let set = |name: &str, value: isize| {
            let Ok(name) = CString::new(name) else { return };
            let mut value = value;
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                null_mut(),
                null_mut(),
                (&raw mut value).cast::<c_void>(),
                std::mem::size_of::<isize>(),
            );
        };
        let mut arenas: c_uint = 0;
        let mut len = std::mem::size_of::<c_uint>();
        tikv_jemalloc_sys::mallctl(
            c"arenas.narenas".as_ptr(),
            (&raw mut arenas).cast::<c_void>(),
            &raw mut len,
            null_mut(),
            0,
        );
        set("arenas.dirty_decay_ms", STATS_DECAY_MS);
        for i in 0..arenas {
            set(&format!("arena.{i}.dirty_decay_ms"), STATS_DECAY_MS);
        }
        tikv_jemalloc_sys::mallctl(
            c"arena.4096.purge".as_ptr(),
            null_mut(),
            null_mut(),
            null_mut(),
            0,
        );
    }
}

fn main() -> ExitCode {
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
                    // Not `eprintln!`, which panics when stderr cannot be
                    // written (a full log disk): the exit code still tells.
                    let _ = writeln!(std::io::stderr(), "govreports: {err:#}");
                    ExitCode::from(etl::exit_code_for(&err))
                }
            }
        }
        Command::Inspect(args) => {
            if let Err(e) = std::fs::metadata(&args.file) {
                eprintln!("govreports: {}: {e}", args.file.display());
                return ExitCode::from(etl::EXIT_USAGE);
            }
            let name = args.file.display().to_string();
            // Bounded as `run` is: the default size limit, and a FIFO or
            // device is refused rather than read.
            let report =
                parse::parse_file(&args.file, &name, govreports::decode::DEFAULT_MAX_BYTES);
            let text = if args.json {
                inspect::render_json(&report)
            } else {
                inspect::render(&report)
            };
            let mut out = std::io::stdout().lock();
            if out.write_all(text.as_bytes()).is_err() {
                return ExitCode::from(etl::EXIT_RUN_FAILED);
            }
            // A file the tool could not open is an error here, not a row.
            if report.error_code() == Some("unreadable_file") {
                eprintln!(
                    "govreports: {}: {}",
                    name,
                    report.error.as_deref().unwrap_or("")
                );
                return ExitCode::from(etl::EXIT_RUN_FAILED);
            }
            ExitCode::SUCCESS
        }
        Command::Stats(args) => {
            logging::init(if args.quiet { -1 } else { 0 });
            match Pipeline::resolve(&args.stats)
                .and_then(|pipeline| etl::recompute_stats(&args.out, &pipeline))
            {
                Ok(_) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("govreports: {err:#}");
                    ExitCode::from(etl::exit_code_for(&err))
                }
            }
        }
        Command::Pipeline(args) => {
            if args.show_default {
                let mut out = std::io::stdout().lock();
                if out.write_all(stats::DEFAULT_PIPELINE.as_bytes()).is_err() {
                    return ExitCode::from(etl::EXIT_RUN_FAILED);
                }
            }
            for file in &args.files {
                if let Err(err) = Pipeline::load(file).and_then(|p| p.validate()) {
                    eprintln!("govreports: {err:#}");
                    return ExitCode::from(etl::exit_code_for(&err));
                }
                eprintln!(
                    "{}: every statistic checks against the data contract",
                    file.display()
                );
            }
            if !args.show_default && args.files.is_empty() {
                eprintln!("govreports pipeline: give --show-default or pipeline files to check");
                return ExitCode::from(etl::EXIT_USAGE);
            }
            ExitCode::SUCCESS
        }
    }
}
