//! `govreports`: see the library docs; this file only wires the CLI to it.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use govreports::cli::{Cli, Command};
use govreports::{config::Config, etl, inspect, logging, parse};

fn main() -> ExitCode {
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
