//! The report `adopt` prints when the import is committed. It lists what
//! was copied, left out, renamed, created and edited, and what
//! `kamiwaza.json` changed from the legacy manifest. Then come the findings
//! of `validate`, each with a fix, the branch and commit, and the next
//! steps.
//!
//! Paths of the import are shown relative to the repo root
//! (`apps/x/kamiwaza.json`), paths of the source relative to the source
//! folder. The text is built as a string so tests can read it whole.

use std::fmt::Write as _;

use super::copy::SkipReason;
use super::git::{BASE_BRANCH, short_id};
use super::{AdoptReport, Change};
use crate::extensions::{Extension, Problem};

/// Formats the whole summary, ending in a newline.
pub fn render(report: &AdoptReport) -> String {
    let mut out = String::new();
    header(&mut out, report);
    copied(&mut out, report);
    changes(&mut out, report);
    manifest_notes(&mut out, report);
    problems(&mut out, report);
    manual(&mut out, report);
    commit(&mut out, report);
    next_steps(&mut out, report);
    out
}

fn header(out: &mut String, report: &AdoptReport) {
    let extension = &report.extension;
    let _ = writeln!(
        out,
        "adopted `{}` as {} `{}` in `{}`",
        report.source_display,
        extension.kind,
        extension.name,
        extension.relative()
    );
    let _ = writeln!(out, "  name: {}", report.name_origin);
    let _ = writeln!(out, "  type: {}", report.kind_origin);
    if report.replaced {
        let _ = writeln!(
            out,
            "  replaced the existing `{}` (--force)",
            extension.relative()
        );
    }
}

fn copied(out: &mut String, report: &AdoptReport) {
    let copy = &report.copy;
    let links = copy.links + copy.relinked.len();
    let _ = write!(out, "\ncopied {} files", copy.files);
    if links > 0 {
        let _ = write!(out, " and {links} symlinks");
    }
    let _ = writeln!(out);
    for (path, target) in &copy.relinked {
        let _ = writeln!(
            out,
            "  {path}: absolute symlink written as relative `{target}`"
        );
    }
    if copy.skipped.is_empty() {
        return;
    }
    let _ = writeln!(out, "not copied:");
    for skipped in &copy.skipped {
        let slash = if skipped.is_dir { "/" } else { "" };
        let reason = match &skipped.reason {
            SkipReason::GitMetadata => "git metadata".to_string(),
            SkipReason::BuildOutput => "build output or cache".to_string(),
            SkipReason::VirtualEnvironment => "a Python virtual environment".to_string(),
            SkipReason::Ignored { pattern, file } => format!("matches `{pattern}` in {file}"),
            SkipReason::LinkOutside { target } => {
                format!("symlink to `{target}`, which leads outside the source folder")
            }
            SkipReason::NotAFile => "not a file, folder or symlink".to_string(),
        };
        let _ = writeln!(out, "  {}{slash}: {reason}", skipped.path);
    }
}

fn changes(out: &mut String, report: &AdoptReport) {
    let relative = report.extension.relative();
    if !report.renamed.is_empty() {
        let _ = writeln!(out, "renamed:");
        for rename in &report.renamed {
            let _ = writeln!(
                out,
                "  {relative}/{} (was `{}`): {}",
                rename.to, rename.from, rename.reason
            );
        }
    }
    for (title, list) in [("created", &report.created), ("edited", &report.edited)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for Change { path, detail } in list.iter() {
            let _ = writeln!(out, "  {relative}/{path}: {detail}");
        }
    }
}

fn manifest_notes(out: &mut String, report: &AdoptReport) {
    let Some(source) = &report.manifest_source else {
        return;
    };
    if report.manifest_notes.is_empty() {
        let _ = writeln!(out, "kamiwaza.json kept every field of `{source}`");
        return;
    }
    let _ = writeln!(
        out,
        "kamiwaza.json: what changed from `{source}`, and what needs a look:"
    );
    for note in &report.manifest_notes {
        match note.field.is_empty() {
            true => {
                let _ = writeln!(out, "  {}", note.message);
            }
            false => {
                let _ = writeln!(out, "  {}: {}", note.field, note.message);
            }
        }
    }
}

fn problems(out: &mut String, report: &AdoptReport) {
    if report.problems.is_empty() {
        let _ = writeln!(out, "\nvalidate: no problems");
        return;
    }
    let errors = report
        .problems
        .iter()
        .filter(|problem| problem.is_error())
        .count();
    let warnings = report.problems.len() - errors;
    let _ = writeln!(
        out,
        "\nvalidate: {errors} errors and {warnings} warnings remain (committed as they are):"
    );
    for problem in &report.problems {
        let _ = writeln!(out, "  {problem}");
        let _ = writeln!(out, "    fix: {}", fix_for(problem, &report.extension));
    }
}

/// Returns the fix for a finding, chosen by the file it is in. The
/// finding's own message states what is wrong, and the fix names where to
/// change it.
fn fix_for(problem: &Problem, extension: &Extension) -> String {
    let file = problem.path.rsplit('/').next().unwrap_or_default();
    let file = file.split(':').next().unwrap_or(file);
    let relative = extension.relative();
    let make = format!("TYPE={} NAME={}", extension.kind, extension.name);
    if file.starts_with("docker-compose.appgarden") {
        format!(
            "`{file}` is generated: change `{relative}/docker-compose.yml`, then run `make sync-compose {make}`"
        )
    } else if file.starts_with("docker-compose") {
        format!("edit `{relative}/{file}`, then run `make sync-compose {make}`")
    } else if file == "kamiwaza.json" {
        format!("edit `{relative}/kamiwaza.json`, then run `make validate {make}`")
    } else {
        format!("change `{}`, then run `make validate {make}`", problem.path)
    }
}

fn manual(out: &mut String, report: &AdoptReport) {
    if report.manual.is_empty() {
        return;
    }
    let _ = writeln!(out, "to do by hand (adopt does not edit application code):");
    for step in &report.manual {
        let _ = writeln!(out, "  {step}");
    }
}

fn commit(out: &mut String, report: &AdoptReport) {
    match &report.branch {
        Some(branch) => {
            let _ = writeln!(
                out,
                "\nbranch: {}, created from {}",
                branch.name, branch.base_description
            );
        }
        None => {
            let _ = writeln!(out, "\nbranch: the current one (--no-branch)");
        }
    }
    let _ = writeln!(
        out,
        "commit: {} {}",
        short_id(report.commit),
        report.message
    );
}

fn next_steps(out: &mut String, report: &AdoptReport) {
    let extension = &report.extension;
    let make = format!("TYPE={} NAME={}", extension.kind, extension.name);
    let _ = writeln!(out, "\nnext steps:");
    let has_errors = report.problems.iter().any(Problem::is_error);
    if has_errors {
        let _ = writeln!(
            out,
            "  fix what validate reports, then run `make sync-compose {make}` and `make validate {make}`"
        );
    }
    let _ = writeln!(out, "  make test {make}");
    let _ = writeln!(out, "  make build {make}");
    if let Some(branch) = &report.branch {
        let into = match branch.base_description == format!("`{BASE_BRANCH}`") {
            true => format!(" into `{BASE_BRANCH}`"),
            false => String::new(),
        };
        let fixes = if has_errors {
            "commit your fixes, "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {fixes}push `{}` and open a pull request{into}",
            branch.name
        );
    }
}
