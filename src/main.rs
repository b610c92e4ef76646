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

/// `mi_option_arena_eager_commit` and `mi_option_purge_delay` in the
/// `mi_option_e` enum of mimalloc v3 (`include/mimalloc.h`), which
/// libmimalloc-sys 0.1.49 builds but does not name.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// By default mimalloc commits its arenas eagerly and keeps freed pages for
/// 10 ms (×10 for arenas) before returning them, so what the parse stage
/// freed was still resident when the statistics stage allocated: ~400 MB
/// peak at 100k reports. Committing on demand and returning freed pages
/// after 1 ms gave ~250 MB at the same speed (`tests/bench/bench.py`), but
/// the parse stage's peak then depended on thread timing: the same binary
/// ended at 145–167 MB or at 205–251 MB at 100k (the faster runs higher),
/// and 251–292 MB at 400k. Returning pages as soon as they are free makes
/// it steady (163–167 MB in seven 100k runs, 180 MB for the parse stage at
/// 400k) for more system time: ~9% more wall time at 100k (bench.py
/// medians 25.2 → 27.5 s). Who prefers that time back exports
/// `MIMALLOC_PURGE_DELAY=1` (or any value): the delay is then left to
/// mimalloc, which reads the variable itself.
///
/// The commit mode is fixed when mimalloc creates its first arena, in its
/// own start-up constructor (priority 101), before `main`; so this runs as
/// an ELF constructor of priority 100, just before it, and allocates
/// nothing. (Options set here are marked initialised, so mimalloc does not
/// read `MIMALLOC_ARENA_EAGER_COMMIT` after it.)
extern "C" fn tune_allocator() {
    // SAFETY: mi_option_set only stores an integer in mimalloc's static
    // option table and allocates nothing; any value is valid for these two.
    // getenv reads the environment the loader set up before constructors
    // run, with a NUL-terminated name, and allocates nothing. mallopt only
    // sets glibc's threshold (a valid value: below its 32 MB maximum).
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        if getenv(c"MIMALLOC_PURGE_DELAY".as_ptr()).is_null() {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
        #[cfg(target_env = "gnu")]
        if getenv(c"MALLOC_MMAP_THRESHOLD_".as_ptr()).is_null() {
            mallopt(M_MMAP_THRESHOLD, ZSTD_MMAP_THRESHOLD);
        }
    }
}

/// `M_MMAP_THRESHOLD` in glibc's `malloc.h`.
#[cfg(target_env = "gnu")]
const M_MMAP_THRESHOLD: std::ffi::c_int = -3;

/// zstd's contexts are the one large thing allocated with glibc's `malloc`
/// (zstd's C code does not go through mimalloc): a compressor and a
/// decompressor of 64 KB to ~1 MB for every column chunk parquet-rs has
/// open, ~440 at once, created and freed with every row group. glibc's
/// default threshold is dynamic: once such a block is freed, blocks of its
/// size come from the heap instead of `mmap`, and the heap fragments as
/// row groups come and go, so RSS crept up through the parse stage. A fixed
/// threshold keeps every context in its own mapping, returned when freed.
/// Measured (`govreports run -j2`, peak RSS, two runs each): 100k reports
/// 151 / 158 MB → 128 / 131 MB; 400k reports 172 / 174 MB → 158 / 167 MB
/// (the 167 set by the statistics); wall time within the run-to-run spread. A value the user
/// exports in `MALLOC_MMAP_THRESHOLD_` wins.
#[cfg(target_env = "gnu")]
const ZSTD_MMAP_THRESHOLD: std::ffi::c_int = 64 << 10;

#[allow(unsafe_code)]
unsafe extern "C" {
    /// libc's `getenv`: `std::env` allocates, which before mimalloc's own
    /// start-up would fix its options too early.
    fn getenv(name: *const std::ffi::c_char) -> *mut std::ffi::c_char;
    /// glibc's `mallopt`: sets a tunable of glibc's allocator, which zstd's
    /// C code uses (see [`ZSTD_MMAP_THRESHOLD`]).
    #[cfg(target_env = "gnu")]
    fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
}

#[cfg(target_os = "linux")]
#[used]
#[allow(unsafe_code)]
#[unsafe(link_section = ".init_array.00100")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

/// Hands every page mimalloc holds free back to the OS. Called once the
/// parse stage is over: the heaps keep freed pages for reuse, and the
/// statistics stage started with 55–75 MB resident instead of ~32 MB at
/// 100k reports (98 → 51 MB at 400k). Measured at 100k: the statistics'
/// peak fell from 173–177 MB to at most 155 MB; at 400k the statistics'
/// own group-bys set the peak (~255 MB) either way.
fn release_allocator_memory() {
    // SAFETY: mi_collect only walks mimalloc's own heaps; it is safe to call
    // at any time from any thread.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_collect(true);
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
