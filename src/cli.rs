//! The command line, as clap types only.
//!
//! Copier's flags keep Copier's names and meaning, so a user can swap
//! `copier` for `kwz-new` in a script. The doc comments here are the `--help`
//! text. Nothing in this module does work: `commands` turns these values into
//! plain options and runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A Copier-compatible template engine, and the Kamiwaza extensions
/// scaffolder: `kwz-new DEST` creates an extensions repo from the template
/// built into this binary.
#[derive(Debug, Parser)]
#[command(name = "kwz-new", version, args_conflicts_with_subcommands = true)]
#[command(subcommand_negates_reqs = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Folder of the new extensions repo (the short form of `copy` with the
    /// built-in template).
    #[arg(required = true)]
    pub destination: Option<PathBuf>,

    #[command(flatten)]
    pub scaffold: ScaffoldArgs,

    /// Print decisions (`-v`) or detail (`-vv`) to stderr; `RUST_LOG`
    /// overrides.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// Options of the short form `kwz-new DEST`.
#[derive(Debug, Args, Default, Clone)]
pub struct ScaffoldArgs {
    #[command(flatten)]
    pub copy: CopyArgs,

    /// Do not run `git init`, the first commit and the `develop` branch.
    #[arg(long)]
    pub no_git: bool,
}

/// Names of the subcommands, for suggestions when one is mistyped.
pub const COMMAND_NAMES: &[&str] = &[
    "copy",
    "update",
    "recopy",
    "check-update",
    "sync-compose",
    "validate",
    "build-registry",
    "new",
    "adopt",
    "push",
];

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a template into a folder, as `copier copy`.
    Copy(CopyCommand),
    /// Bring a project to a newer template version, as `copier update`.
    Update(UpdateCommand),
    /// Render the project again from its recorded answers, as `copier recopy`.
    Recopy(RecopyCommand),
    /// Report whether a newer template version exists, as `copier check-update`.
    CheckUpdate(CheckUpdateCommand),
    /// Write `docker-compose.appgarden.yml` from each extension's `docker-compose.yml`.
    SyncCompose(SyncComposeCommand),
    /// Check `kamiwaza.json` and compose files of extensions.
    Validate(ValidateCommand),
    /// Write the App Garden registry files under `build/`.
    BuildRegistry(BuildRegistryCommand),
    /// Create a new extension skeleton in `<TYPE>s/<NAME>`.
    New(NewCommand),
    /// Import an existing app into this extensions repo.
    Adopt(AdoptCommand),
    /// Publish an extension's registry entry to a running Kamiwaza.
    Push(PushCommand),
}

/// Accepts only the path of an existing file, so a missing `--data-file`
/// is a usage error (exit 2), checked before anything else as Copier does.
fn existing_file(value: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("`{value}` is not an existing file"))
    }
}

/// Flags shared by `copy`, `recopy` and `update`.
#[derive(Debug, Args, Default, Clone)]
pub struct RenderArgs {
    /// Answer a question: `NAME=VALUE`. Repeatable; later values win.
    #[arg(short = 'd', long = "data", value_name = "NAME=VALUE")]
    pub data: Vec<String>,

    /// YAML file of answers; `--data` wins over it.
    #[arg(long, value_name = "PATH", value_parser = existing_file)]
    pub data_file: Option<PathBuf>,

    /// Answers file to read and write, relative to the destination.
    #[arg(short = 'a', long = "answers-file", value_name = "PATH")]
    pub answers_file: Option<String>,

    /// Exclude more paths (gitignore-style pattern). Repeatable.
    #[arg(short = 'x', long = "exclude", value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// Keep existing files that match this pattern. Repeatable.
    #[arg(short = 's', long = "skip", value_name = "PATTERN")]
    pub skip: Vec<String>,

    /// Git ref of the template to use (tag, branch, commit, `HEAD`).
    #[arg(short = 'r', long = "vcs-ref", value_name = "REF")]
    pub vcs_ref: Option<String>,

    /// Consider pre-release tags when choosing the newest version.
    #[arg(short = 'g', long)]
    pub prereleases: bool,

    /// Show what would happen; write nothing and run no task.
    #[arg(short = 'n', long)]
    pub pretend: bool,

    /// Print no status lines and no template messages.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Allow tasks, migrations and Jinja extensions.
    #[arg(long, alias = "UNSAFE")]
    pub trust: bool,

    /// Do not run the template's `_tasks`.
    #[arg(short = 'T', long)]
    pub skip_tasks: bool,

    /// Prompt for questions whose names match this glob, even when answered.
    #[arg(long, value_name = "GLOB")]
    pub ask: Vec<String>,
}

/// Flags of `copy` and of the short form.
#[derive(Debug, Args, Default, Clone)]
pub struct CopyArgs {
    #[command(flatten)]
    pub render: RenderArgs,

    /// Use defaults for every question without an answer; never prompt.
    #[arg(short = 'l', long)]
    pub defaults: bool,

    /// Same as `--defaults --overwrite`.
    #[arg(short = 'f', long)]
    pub force: bool,

    /// Overwrite changed files without asking.
    #[arg(short = 'w', long)]
    pub overwrite: bool,

    /// Keep a destination that this run created when it fails.
    #[arg(short = 'C', long)]
    pub no_cleanup: bool,
}

#[derive(Debug, Args)]
#[command(override_usage = "kwz-new copy [OPTIONS] [TEMPLATE] <DESTINATION>")]
pub struct CopyCommand {
    /// `[TEMPLATE] DESTINATION`: the template is a local folder, a git URL or
    /// `gh:`/`gl:` shorthand, and the built-in Kamiwaza extensions template
    /// when left out; the destination is created when missing.
    #[arg(value_name = "DESTINATION", num_args = 1..=2, required = true)]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub copy: CopyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ConflictMode {
    /// Conflict markers in the file.
    #[default]
    Inline,
    /// A `.rej` file next to the file.
    Rej,
}

#[derive(Debug, Args)]
pub struct UpdateCommand {
    /// Project folder.
    #[arg(default_value = ".")]
    pub destination: PathBuf,

    #[command(flatten)]
    pub render: RenderArgs,

    /// Use recorded answers and defaults; never prompt (`-f` is the same).
    #[arg(short = 'l', long, visible_short_alias = 'f')]
    pub defaults: bool,

    /// Do not ask questions that already have a recorded answer.
    #[arg(short = 'A', long)]
    pub skip_answered: bool,

    /// How to report regions that both sides changed.
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub conflict: ConflictMode,

    /// Lines of context used to match the owner's changes.
    #[arg(short = 'c', long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub context_lines: u32,
}

#[derive(Debug, Args)]
pub struct RecopyCommand {
    /// Project folder.
    #[arg(default_value = ".")]
    pub destination: PathBuf,

    #[command(flatten)]
    pub render: RenderArgs,

    /// Use recorded answers and defaults; never prompt.
    #[arg(short = 'l', long)]
    pub defaults: bool,

    /// Same as `--defaults --overwrite`.
    #[arg(short = 'f', long)]
    pub force: bool,

    /// Overwrite changed files without asking.
    #[arg(short = 'w', long)]
    pub overwrite: bool,

    /// Do not ask questions that already have a recorded answer.
    #[arg(short = 'A', long)]
    pub skip_answered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Plain,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckUpdateCommand {
    /// Project folder.
    #[arg(default_value = ".")]
    pub destination: PathBuf,

    /// Answers file, relative to the project.
    #[arg(short = 'a', long = "answers-file", value_name = "PATH")]
    pub answers_file: Option<String>,

    /// Print nothing; exit 2 when an update is available.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Consider pre-release tags.
    #[arg(short = 'g', long)]
    pub prereleases: bool,

    #[arg(long, value_enum, default_value_t)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtensionType {
    App,
    Service,
    Tool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Stage {
    #[default]
    Dev,
    Stage,
    Prod,
}

#[derive(Debug, Args)]
pub struct SyncComposeCommand {
    /// Extension folders; all extensions when none is given.
    pub paths: Vec<PathBuf>,

    /// Change nothing; exit 1 when a generated file is stale.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ValidateCommand {
    /// Extension folders; all extensions when none is given.
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildRegistryCommand {
    /// Stage whose image tags the registry uses.
    #[arg(long, value_enum, default_value_t)]
    pub stage: Stage,
}

#[derive(Debug, Args)]
pub struct NewCommand {
    #[arg(value_enum)]
    pub kind: ExtensionType,

    /// Extension name, kebab-case.
    pub name: String,
}

#[derive(Debug, Args)]
pub struct AdoptCommand {
    /// Folder of the app to import; never changed.
    pub source: PathBuf,

    /// Extension name; defaults to the source folder's name in kebab-case.
    #[arg(long)]
    pub name: Option<String>,

    /// Extension type; inferred from the name and contents when missing.
    #[arg(long = "type", value_enum)]
    pub kind: Option<ExtensionType>,

    /// Version written to `kamiwaza.json` and image tags.
    #[arg(long)]
    pub version: Option<String>,

    /// Description written to `kamiwaza.json`.
    #[arg(long)]
    pub description: Option<String>,

    /// Wire the shared `kamiwaza_auth` wheel into the backend.
    #[arg(long)]
    pub retrofit_auth: bool,

    /// Stay on the current branch instead of creating `feature/migrate-<name>`.
    #[arg(long)]
    pub no_branch: bool,

    /// Replace an existing extension folder of the same name.
    #[arg(long)]
    pub force: bool,

    /// Never prompt; use what the source provides and defaults.
    #[arg(short = 'l', long)]
    pub defaults: bool,
}

#[derive(Debug, Args)]
pub struct PushCommand {
    #[arg(value_enum)]
    pub kind: ExtensionType,

    /// Extension name.
    pub name: String,

    #[arg(long, value_enum, default_value_t)]
    pub stage: Stage,

    /// Kamiwaza API base URL, for example `https://localhost/api`.
    #[arg(long, env = "KAMIWAZA_API_URL")]
    pub api_url: Option<String>,

    /// Update this template id instead of looking it up by name.
    #[arg(long)]
    pub template_id: Option<String>,

    /// Accept a self-signed TLS certificate.
    #[arg(long)]
    pub insecure: bool,

    /// Print the request instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
}
