//! Logs on stderr: one line per stage by default, quiet with `-q`, detail
//! with `-v`. Colours only on a terminal, so cron mail stays plain text.

use std::io::IsTerminal;

use tracing::level_filters::LevelFilter;

/// Installs the global subscriber. `verbosity`: -1 quiet, 0 info, 1 debug, 2+ trace.
pub fn init(verbosity: i8) {
    let level = match verbosity {
        i8::MIN..=-1 => LevelFilter::WARN,
        0 => LevelFilter::INFO,
        1 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_max_level(level)
        // A log that cannot be written (a full disk) is dropped: the
        // default reports it with `eprintln!`, which panics on that stderr.
        .log_internal_errors(false)
        .try_init();
}
