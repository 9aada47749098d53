//! One function per subcommand; each takes plain options, not clap types.

use anyhow::{Result, bail};

use crate::cli::{Cli, Command};
use crate::extensions;

/// Runs the command the user chose.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Copy(_)) => bail!("`copy` is not implemented yet"),
        Some(Command::Update(_)) => bail!("`update` is not implemented yet"),
        Some(Command::Recopy(_)) => bail!("`recopy` is not implemented yet"),
        Some(Command::CheckUpdate(_)) => bail!("`check-update` is not implemented yet"),
        Some(Command::SyncCompose(command)) => {
            extensions::sync_compose::run(&current_dir()?, &command.paths, command.check)
        }
        Some(Command::Validate(command)) => {
            extensions::validate::run(&current_dir()?, &command.paths)
        }
        Some(Command::BuildRegistry(command)) => {
            extensions::registry::run(&current_dir()?, command.stage.into())
        }
        Some(Command::New(command)) => {
            extensions::skeleton::run(&current_dir()?, command.kind.into(), &command.name)
        }
        Some(Command::Adopt(_)) => bail!("`adopt` is not implemented yet"),
        Some(Command::Push(_)) => bail!("`push` is not implemented yet"),
        None => bail!("scaffolding is not implemented yet"),
    }
}

/// The folder the command runs in; the extension commands find the repo
/// from there.
fn current_dir() -> Result<std::path::PathBuf> {
    std::env::current_dir()
        .map_err(|error| anyhow::anyhow!("failed to read the current folder: {error}"))
}
