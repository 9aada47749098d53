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
    if let Some(message) = destination_like_command(&cli) {
        eprintln!("{message}");
        std::process::exit(exit::ExitCode::USAGE);
    }
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
    let closest = closest_command(first);
    (edit_distance(first, closest) <= 2).then(|| {
        format!("error: unknown command `{first}`\nhint: did you mean `kwz-new {closest}`? `kwz-new --help` lists the commands")
    })
}

/// In the short form `kwz-new DEST`, a destination that does not exist and
/// is spelled almost like a command (`udpate`) is most likely a typo: the
/// run would create a repo by that name. Returns the error line, which
/// also shows how to create such a folder on purpose (`./udpate`).
fn destination_like_command(cli: &Cli) -> Option<String> {
    if cli.command.is_some() {
        return None;
    }
    let destination = cli.destination.as_ref()?;
    let word = destination.to_str()?;
    if word.contains('/') || destination.exists() {
        return None;
    }
    let closest = closest_command(word);
    looks_like(word, closest).then(|| {
        format!(
            "error: unknown command `{word}`\nhint: did you mean `kwz-new {closest}`? To create a repo in a folder of that name, write `kwz-new ./{word}`"
        )
    })
}

/// Returns the command name nearest to `word` by edit distance.
fn closest_command(word: &str) -> &'static str {
    COMMAND_NAMES
        .iter()
        .copied()
        .min_by_key(|name| edit_distance(word, name))
        .unwrap_or("copy")
}

/// Edit distance between two short words, counting a swap of two
/// neighbouring letters (`udpate`) as one edit.
fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let mut table = vec![vec![0; right.len() + 1]; left.len() + 1];
    for (row, cells) in table.iter_mut().enumerate() {
        cells[0] = row;
    }
    for (column, cell) in table[0].iter_mut().enumerate() {
        *cell = column;
    }
    for row in 1..=left.len() {
        for column in 1..=right.len() {
            let cost = usize::from(left[row - 1] != right[column - 1]);
            let mut best = (table[row - 1][column - 1] + cost)
                .min(table[row - 1][column] + 1)
                .min(table[row][column - 1] + 1);
            if row > 1
                && column > 1
                && left[row - 1] == right[column - 2]
                && left[row - 2] == right[column - 1]
            {
                best = best.min(table[row - 2][column - 2] + 1);
            }
            table[row][column] = best;
        }
    }
    table[left.len()][right.len()]
}

/// Returns whether `word` is close enough to the command `name` to be a
/// typo of it: one edit for words of up to four letters, two for longer
/// ones.
fn looks_like(word: &str, name: &str) -> bool {
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    edit_distance(word, name) <= allowed
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
