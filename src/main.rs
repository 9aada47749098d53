//! Entry point: parse the command line, run, print an error once, exit.

use clap::Parser;

use kwz_new::cli::{COMMAND_NAMES, Cli};
use kwz_new::{commands, exit};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            if let Some(suggestion) = mistyped_command() {
                eprintln!("{suggestion}");
                std::process::exit(exit::ExitCode::USAGE);
            }
            error.exit();
        }
    };
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

/// When the first argument is not a command but looks like one (`cpoy`), and
/// more arguments follow, returns an error line that names it. Without
/// this, clap reads the word as the short form's destination and reports a
/// confusing conflict.
fn mistyped_command() -> Option<String> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let first = arguments.first()?;
    if arguments.len() < 2 || first.starts_with('-') || COMMAND_NAMES.contains(&first.as_str()) {
        return None;
    }
    let closest = COMMAND_NAMES
        .iter()
        .min_by_key(|name| edit_distance(first, name))?;
    (edit_distance(first, closest) <= 2).then(|| {
        format!("error: unknown command `{first}`\nhint: did you mean `kwz-new {closest}`? `kwz-new --help` lists the commands")
    })
}

/// Levenshtein distance between two short words.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (row, left_char) in left.chars().enumerate() {
        let mut current = vec![row + 1];
        for (column, right_char) in right.iter().enumerate() {
            let substitution = previous[column] + usize::from(left_char != *right_char);
            current.push(
                substitution
                    .min(previous[column + 1] + 1)
                    .min(current[column] + 1),
            );
        }
        previous = current;
    }
    previous[right.len()]
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
