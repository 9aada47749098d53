//! One function per subcommand; each takes plain options, not clap types.

pub mod copy;

use anyhow::{Context as _, Result, bail};

use crate::cli::{Cli, Command, CopyArgs, ExtensionType, PushCommand, Stage};
use crate::push::{self, ExtensionKind, PushOptions};
use copy::{CopyOptions, TemplateSource};

/// Runs the command the user chose.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Copy(command)) => {
            let (source, destination) = match command.paths.as_slice() {
                [destination] => (TemplateSource::Embedded, destination),
                [template, destination] => (TemplateSource::Given(template.clone()), destination),
                _ => unreachable!("clap takes one or two paths"),
            };
            copy::copy(
                &source,
                destination.as_ref(),
                &copy_options(&command.copy),
                false,
            )
        }
        Some(Command::Update(_)) => bail!("`update` is not implemented yet"),
        Some(Command::Recopy(_)) => bail!("`recopy` is not implemented yet"),
        Some(Command::CheckUpdate(_)) => bail!("`check-update` is not implemented yet"),
        Some(Command::SyncCompose(_)) => bail!("`sync-compose` is not implemented yet"),
        Some(Command::Validate(_)) => bail!("`validate` is not implemented yet"),
        Some(Command::BuildRegistry(_)) => bail!("`build-registry` is not implemented yet"),
        Some(Command::New(_)) => bail!("`new` is not implemented yet"),
        Some(Command::Adopt(_)) => bail!("`adopt` is not implemented yet"),
        Some(Command::Push(command)) => {
            let start_dir = std::env::current_dir().context("failed to read the current folder")?;
            push::push(&push_options(command), &start_dir)
        }
        None => {
            let destination = cli
                .destination
                .expect("clap requires a destination without a subcommand");
            let options = copy_options(&cli.scaffold.copy);
            copy::copy(
                &TemplateSource::Embedded,
                &destination,
                &options,
                !cli.scaffold.no_git,
            )
        }
    }
}

/// Turns the copy flags into plain options.
fn copy_options(args: &CopyArgs) -> CopyOptions {
    let render = &args.render;
    CopyOptions {
        data: render.data.clone(),
        data_file: render.data_file.clone(),
        answers_file: render.answers_file.clone(),
        exclude: render.exclude.clone(),
        skip: render.skip.clone(),
        vcs_ref: render.vcs_ref.clone(),
        prereleases: render.prereleases,
        pretend: render.pretend,
        quiet: render.quiet,
        trust: render.trust,
        skip_tasks: render.skip_tasks,
        ask: render.ask.clone(),
        defaults: args.defaults || args.force,
        overwrite: args.overwrite || args.force,
        cleanup_on_error: !args.no_cleanup,
        skip_answered: false,
    }
}

/// Turns the push flags into plain options.
fn push_options(command: PushCommand) -> PushOptions {
    PushOptions {
        kind: match command.kind {
            ExtensionType::App => ExtensionKind::App,
            ExtensionType::Service => ExtensionKind::Service,
            ExtensionType::Tool => ExtensionKind::Tool,
        },
        name: command.name,
        stage: match command.stage {
            Stage::Dev => push::Stage::Dev,
            Stage::Stage => push::Stage::Stage,
            Stage::Prod => push::Stage::Prod,
        },
        api_url: command.api_url,
        template_id: command.template_id,
        insecure: command.insecure,
        dry_run: command.dry_run,
    }
}
