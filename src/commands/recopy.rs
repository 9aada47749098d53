//! `kwz-new recopy`: render the project again from scratch with its recorded
//! answers, as `copier recopy` does. The template comes from `_src_path` and
//! changed files are overwritten only with `--overwrite` or confirmation.

use std::path::Path;

use anyhow::{Result, bail};

use crate::commands::copy::{self, CopyOptions, TemplateSource, absolute};
use crate::engine::read_last_answers;
use crate::source::embedded;
use crate::value::Value;

/// Runs `recopy` on the project at `destination`.
pub fn recopy(destination: &Path, options: &CopyOptions) -> Result<()> {
    let root = absolute(destination)?;
    let answers_file = options
        .answers_file
        .as_deref()
        .unwrap_or(".copier-answers.yml");
    let last = read_last_answers(&root, answers_file)?;
    let Some(src_path) = last.get("_src_path").and_then(Value::as_str) else {
        bail!("cannot recopy: `{answers_file}` does not record the template's `_src_path`");
    };
    let source = if src_path == embedded::SRC_PATH {
        TemplateSource::Embedded
    } else {
        TemplateSource::Given(src_path.to_string())
    };
    copy::copy(&source, destination, options, false)
}
