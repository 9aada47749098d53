//! One function per subcommand; each takes plain options, not clap types.

use anyhow::{Result, bail};

use crate::cli::{Cli, Command};

/// Runs the command the user chose.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Copy(_)) => bail!("`copy` is not implemented yet"),
        Some(Command::Update(_)) => bail!("`update` is not implemented yet"),
        Some(Command::Recopy(_)) => bail!("`recopy` is not implemented yet"),
        Some(Command::CheckUpdate(_)) => bail!("`check-update` is not implemented yet"),
        Some(Command::SyncCompose(_)) => bail!("`sync-compose` is not implemented yet"),
        Some(Command::Validate(_)) => bail!("`validate` is not implemented yet"),
        Some(Command::BuildRegistry(_)) => bail!("`build-registry` is not implemented yet"),
        Some(Command::New(_)) => bail!("`new` is not implemented yet"),
        Some(Command::Adopt(_)) => bail!("`adopt` is not implemented yet"),
        Some(Command::Push(_)) => bail!("`push` is not implemented yet"),
        None => bail!("scaffolding is not implemented yet"),
    }
}
