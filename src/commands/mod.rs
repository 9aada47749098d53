//! One function per subcommand; each takes plain options, not clap types.

pub mod check_update;
pub mod copy;
pub mod recopy;
pub mod update;

use anyhow::{Context as _, Result};

use crate::adopt::{self, AdoptOptions};
use crate::cli::{Cli, Command, ConflictMode, CopyArgs, PushCommand};
use crate::extensions;
use crate::push::{self, PushOptions};
use crate::update::ConflictMode as MergeConflict;
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
        Some(Command::Update(command)) => {
            let mut copy = copy_options(&CopyArgs {
                render: command.render.clone(),
                defaults: command.defaults,
                ..CopyArgs::default()
            });
            copy.skip_answered = command.skip_answered;
            let conflict = match command.conflict {
                ConflictMode::Inline => MergeConflict::Inline,
                ConflictMode::Rej => MergeConflict::Rej,
            };
            let options = update::UpdateOptions {
                destination: command.destination,
                copy,
                conflict,
                context_lines: command.context_lines,
            };
            self::update::update(&options)
        }
        Some(Command::Recopy(command)) => {
            let args = CopyArgs {
                render: command.render.clone(),
                defaults: command.defaults,
                force: command.force,
                overwrite: command.overwrite,
                no_cleanup: false,
            };
            let mut options = copy_options(&args);
            options.skip_answered = command.skip_answered;
            recopy::recopy(&command.destination, &options)
        }
        Some(Command::CheckUpdate(command)) => {
            let options = check_update::CheckUpdateOptions {
                answers_file: command.answers_file.as_deref(),
                quiet: command.quiet,
                prereleases: command.prereleases,
                format: command.output_format,
            };
            check_update::check_update(&command.destination, &options)
        }
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
        Some(Command::Adopt(command)) => {
            let options = AdoptOptions {
                source: command.source,
                name: command.name,
                kind: command.kind.map(Into::into),
                version: command.version,
                description: command.description,
                retrofit_auth: command.retrofit_auth,
                no_branch: command.no_branch,
                force: command.force,
                defaults: command.defaults,
            };
            adopt::run(&options, &current_dir()?)
        }
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
        kind: command.kind.into(),
        name: command.name,
        stage: command.stage.into(),
        api_url: command.api_url,
        template_id: command.template_id,
        insecure: command.insecure,
        dry_run: command.dry_run,
    }
}

/// The folder the command runs in; the extension commands find the repo
/// from there.
fn current_dir() -> Result<std::path::PathBuf> {
    std::env::current_dir()
        .map_err(|error| anyhow::anyhow!("failed to read the current folder: {error}"))
}
