//! Entry point: parse the command line, run, print an error once, exit.

use clap::Parser;

use kwz_new::cli::Cli;
use kwz_new::{commands, exit};

fn main() {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    if let Err(error) = commands::run(cli) {
        let code = exit::code_for(&error);
        let message = error.to_string();
        if !message.is_empty() {
            eprintln!("error: {message}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        }
        std::process::exit(code);
    }
}

/// Sends `tracing` output to stderr: warnings by default, more with `-v`.
fn init_logging(verbose: u8) {
    let default_level = match verbose {
        0 => "warn",
        1 => "kwz_new=debug",
        _ => "kwz_new=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
