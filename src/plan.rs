//! The plan: every folder, file and link a copy will write, rendered in
//! memory before anything touches the disk.
//!
//! Input: the template tree, the settings that shape output (`_subdirectory`,
//! `_templates_suffix`, `_preserve_symlinks`, the exclusion patterns), the
//! answers file path and the render context. Output: `PlannedEntry` values in
//! the template's walk order, each with its destination path (relative,
//! `/`-separated), its bytes or link target, its mode and the template path
//! it came from. This module never writes, prompts, calls git or prints,
//! which is why `--pretend` is free and a failed render leaves nothing
//! behind. The rules are Copier 9.19.1's (`Worker._render_template`), checked
//! by the cases in `tests/conformance/`.

use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;

use crate::config::Settings;
use crate::exclude::PathMatcher;
use crate::jinja::{Context, Renderer};
use crate::source::{EntryKind, TemplateTree};
use crate::value::Value;

/// A rendered destination path with the variables a `{% yield %}` bound.
type Destination = (String, Vec<(String, Value)>);

/// Symlink hops allowed while expanding linked folders, which stops loops.
const MAX_LINK_DEPTH: usize = 40;

/// What one planned entry creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlannedKind {
    Dir,
    File { bytes: Vec<u8>, mode: u32 },
    Symlink { target: String },
}

/// One folder, file or link to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedEntry {
    /// Destination path relative to the project root.
    pub destination: String,
    /// Template path (relative to the template root) it was rendered from.
    pub source: String,
    pub kind: PlannedKind,
}

/// Everything a copy writes, in walk order.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub entries: Vec<PlannedEntry>,
}

/// The inputs of `build`.
pub struct PlanInput<'a> {
    pub tree: &'a TemplateTree,
    pub settings: &'a Settings,
    pub renderer: &'a Renderer,
    pub context: &'a Context,
    /// Rendered `_subdirectory`, normalised; empty for the template root.
    pub copy_root: String,
    pub answers_relpath: &'a str,
    pub exclude: &'a PathMatcher,
    /// Strings that start a Jinja construct; a path component without any of
    /// them is used as it is, without a render.
    pub delimiters: Vec<String>,
}

/// One entry of the walk below the copy root, with links followed unless
/// `_preserve_symlinks` is set.
struct WalkItem {
    /// Path as seen through links, relative to the template root.
    path: String,
    kind: WalkKind,
}

enum WalkKind {
    Dir,
    /// A file; `real` is the tree entry that holds its bytes and mode.
    File {
        real: String,
    },
    Link {
        target: String,
    },
}

/// Walk items below which a plan renders on the calling thread: starting
/// rayon's thread pool costs about a millisecond, more than rendering a
/// few dozen small files.
const MIN_PARALLEL_ITEMS: usize = 48;

/// Renders the whole template into a plan. Entries of a large template
/// render in parallel; the plan keeps walk order, and the first error in
/// walk order is reported.
pub fn build(input: &PlanInput<'_>) -> Result<Plan> {
    let walk = walk(input)?;
    let rendered: Vec<Result<Vec<PlannedEntry>>> = if walk.len() < MIN_PARALLEL_ITEMS {
        walk.iter().map(|item| plan_item(input, item)).collect()
    } else {
        walk.par_iter().map(|item| plan_item(input, item)).collect()
    };
    let mut plan = Plan::default();
    for entries in rendered {
        plan.entries.extend(entries?);
    }
    Ok(plan)
}

/// Renders the destinations of one walk item and, for each one not
/// excluded, its contents.
fn plan_item(input: &PlanInput<'_>, item: &WalkItem) -> Result<Vec<PlannedEntry>> {
    let relative = relative_to_root(&item.path, &input.copy_root);
    let mut entries = Vec::new();
    for (destination, extra) in render_destinations(input, &item.path, relative)? {
        if input.exclude.is_match(&destination) {
            tracing::debug!("skipped `{destination}`: matches an exclude pattern");
            continue;
        }
        let kind = render_entry(input, item, &extra)?;
        entries.push(PlannedEntry {
            destination,
            source: item.path.clone(),
            kind,
        });
    }
    Ok(entries)
}

fn relative_to_root<'p>(path: &'p str, copy_root: &str) -> &'p str {
    if copy_root.is_empty() {
        path
    } else {
        &path[copy_root.len() + 1..]
    }
}

/// Lists the entries below the copy root in tree order.
fn walk(input: &PlanInput<'_>) -> Result<Vec<WalkItem>> {
    let tree = input.tree;
    let prefix = if input.copy_root.is_empty() {
        String::new()
    } else {
        format!("{}/", input.copy_root)
    };
    let mut items = Vec::new();
    for entry in &tree.entries {
        if !entry.path.starts_with(&prefix) || entry.path.len() == prefix.len() {
            continue;
        }
        // Children of a linked folder are expanded at the link; skip entries
        // that are reached through a link path already listed.
        push_walk_item(
            tree,
            &entry.path,
            &entry.path,
            input.settings.preserve_symlinks,
            0,
            &mut items,
        )?;
    }
    Ok(items)
}

fn push_walk_item(
    tree: &TemplateTree,
    seen_path: &str,
    entry_path: &str,
    preserve_symlinks: bool,
    depth: usize,
    items: &mut Vec<WalkItem>,
) -> Result<()> {
    let entry = tree
        .get(entry_path)
        .ok_or_else(|| anyhow!("template entry `{entry_path}` disappeared"))?;
    match &entry.kind {
        EntryKind::Dir => items.push(WalkItem {
            path: seen_path.to_string(),
            kind: WalkKind::Dir,
        }),
        EntryKind::File { .. } => items.push(WalkItem {
            path: seen_path.to_string(),
            kind: WalkKind::File {
                real: entry_path.to_string(),
            },
        }),
        EntryKind::Symlink { target } if preserve_symlinks => items.push(WalkItem {
            path: seen_path.to_string(),
            kind: WalkKind::Link {
                target: target.clone(),
            },
        }),
        EntryKind::Symlink { .. } => {
            if depth > MAX_LINK_DEPTH {
                bail!("symlink `{seen_path}` is part of a loop");
            }
            let resolved = tree
                .resolve(entry_path)
                .map_err(|_| {
                    anyhow!(
                        "symlink `{seen_path}` leads outside the template; copying it is forbidden"
                    )
                })?
                .ok_or_else(|| {
                    anyhow!("symlink `{seen_path}` in the template points to nothing")
                })?;
            let target_kind = &tree
                .get(&resolved)
                .expect("resolve returns existing entries")
                .kind;
            match target_kind {
                EntryKind::Dir => {
                    items.push(WalkItem {
                        path: seen_path.to_string(),
                        kind: WalkKind::Dir,
                    });
                    let children: Vec<String> = tree
                        .entries
                        .iter()
                        .filter(|child| is_direct_child(&resolved, &child.path))
                        .map(|child| child.path.clone())
                        .collect();
                    for child in children {
                        let name = &child[resolved.len() + 1..];
                        let seen_child = format!("{seen_path}/{name}");
                        expand_subtree(
                            tree,
                            &seen_child,
                            &child,
                            preserve_symlinks,
                            depth + 1,
                            items,
                        )?;
                    }
                }
                _ => items.push(WalkItem {
                    path: seen_path.to_string(),
                    kind: WalkKind::File { real: resolved },
                }),
            }
        }
    }
    Ok(())
}

/// Lists a linked folder's entry and everything below it, under the link's
/// path.
fn expand_subtree(
    tree: &TemplateTree,
    seen_path: &str,
    entry_path: &str,
    preserve_symlinks: bool,
    depth: usize,
    items: &mut Vec<WalkItem>,
) -> Result<()> {
    push_walk_item(tree, seen_path, entry_path, preserve_symlinks, depth, items)?;
    if matches!(
        tree.get(entry_path).map(|entry| &entry.kind),
        Some(EntryKind::Dir)
    ) {
        let children: Vec<String> = tree
            .entries
            .iter()
            .filter(|child| is_direct_child(entry_path, &child.path))
            .map(|child| child.path.clone())
            .collect();
        for child in children {
            let name = &child[entry_path.len() + 1..];
            expand_subtree(
                tree,
                &format!("{seen_path}/{name}"),
                &child,
                preserve_symlinks,
                depth,
                items,
            )?;
        }
    }
    Ok(())
}

fn is_direct_child(parent: &str, path: &str) -> bool {
    path.len() > parent.len() + 1
        && path.starts_with(parent)
        && path.as_bytes()[parent.len()] == b'/'
        && !path[parent.len() + 1..].contains('/')
}

/// Python's `PurePath.with_suffix("")` on the last component: drops the
/// last dot-extension, if the name has one.
pub fn drop_last_extension(path: &str) -> String {
    let (parent, name) = match path.rsplit_once('/') {
        Some((parent, name)) => (Some(parent), name),
        None => (None, path),
    };
    let stem = match name.rfind('.') {
        Some(index) if index > 0 && index < name.len() - 1 => &name[..index],
        _ => name,
    };
    match parent {
        Some(parent) => format!("{parent}/{stem}"),
        None => stem.to_string(),
    }
}

/// Renders the destination paths of one template path (`source`, from the
/// template root; `relative`, from the copy root): none when a component
/// renders empty, several when a component holds a `{% yield %}` tag. Each
/// comes with the variables the tag bound.
fn render_destinations(
    input: &PlanInput<'_>,
    source: &str,
    relative: &str,
) -> Result<Vec<Destination>> {
    let suffix = input.settings.templates_suffix.as_str();
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let is_template = name.ends_with(suffix);
    if !suffix.is_empty() {
        // A plain file is ignored when a templated sibling exists.
        let sibling = join_root(&input.copy_root, &format!("{relative}{suffix}"));
        if input.tree.get(&sibling).is_some() {
            tracing::debug!("skipped `{relative}`: `{relative}{suffix}` takes its place");
            return Ok(Vec::new());
        }
    }
    let stripped = if !suffix.is_empty() && is_template {
        drop_last_extension(relative)
    } else {
        relative.to_string()
    };
    let parts: Vec<&str> = stripped.split('/').collect();
    let mut results = Vec::new();
    render_parts(
        input,
        source,
        &parts,
        &mut Vec::new(),
        &mut Vec::new(),
        is_template,
        &mut results,
    )?;
    Ok(results)
}

fn join_root(copy_root: &str, relative: &str) -> String {
    if copy_root.is_empty() {
        relative.to_string()
    } else {
        format!("{copy_root}/{relative}")
    }
}

fn render_parts(
    input: &PlanInput<'_>,
    source: &str,
    parts: &[&str],
    rendered: &mut Vec<String>,
    extra: &mut Vec<(String, Value)>,
    is_template: bool,
    results: &mut Vec<Destination>,
) -> Result<()> {
    let Some((part, rest)) = parts.split_first() else {
        let path = rendered.join("/");
        let suffix = &input.settings.templates_suffix;
        let templated_sibling = input.tree.get(&format!("{path}{suffix}")).is_some();
        if is_template || !templated_sibling {
            let destination = normalize_relative(&path).with_context(|| {
                format!(
                    "the template path `{}` renders to `{}`, outside the destination; writing it is forbidden",
                    escape_control(source),
                    escape_control(&path)
                )
            })?;
            // A folder that renders to `.` is the destination itself, which
            // exists already, as in Copier.
            if !destination.is_empty() {
                results.push((destination, extra.clone()));
            }
        }
        return Ok(());
    };
    for (text, bound) in render_component(input, part, extra)? {
        if text == input.answers_relpath {
            let mut vars = extra.clone();
            vars.extend(bound);
            results.push((input.answers_relpath.to_string(), vars));
            continue;
        }
        if text.is_empty() {
            continue;
        }
        let extra_len = extra.len();
        extra.extend(bound);
        rendered.push(text);
        render_parts(input, source, rest, rendered, extra, is_template, results)?;
        rendered.pop();
        extra.truncate(extra_len);
    }
    Ok(())
}

fn render_component(
    input: &PlanInput<'_>,
    part: &str,
    extra: &[(String, Value)],
) -> Result<Vec<crate::jinja::RenderedComponent>> {
    if !input
        .delimiters
        .iter()
        .any(|delimiter| part.contains(delimiter.as_str()))
    {
        return Ok(vec![(part.to_string(), Vec::new())]);
    }
    let mut context = input.context.clone();
    for (name, value) in extra {
        context.insert(name, value);
    }
    input
        .renderer
        .render_path_component(part, &context)
        .map_err(|error| anyhow!("failed to render template path `{part}`: {error}"))
}

/// Renders or copies the bytes of one entry.
fn render_entry(
    input: &PlanInput<'_>,
    item: &WalkItem,
    extra: &[(String, Value)],
) -> Result<PlannedKind> {
    match &item.kind {
        WalkKind::Dir => Ok(PlannedKind::Dir),
        WalkKind::Link { target } => {
            let suffix = &input.settings.templates_suffix;
            let name = item.path.rsplit('/').next().unwrap_or(&item.path);
            let target = if name.ends_with(suffix.as_str()) {
                let context = context_with(input.context, extra);
                input
                    .renderer
                    .render_str(target, &context)
                    .with_context(|| {
                        format!("failed to render the target of symlink `{}`", item.path)
                    })?
            } else {
                target.clone()
            };
            Ok(PlannedKind::Symlink { target })
        }
        WalkKind::File { real } => {
            let EntryKind::File { contents, mode } = &input
                .tree
                .get(real)
                .expect("walk lists existing entries")
                .kind
            else {
                unreachable!("walk resolves files to file entries")
            };
            let bytes = contents
                .read_to_vec()
                .with_context(|| format!("failed to read template file `{}`", item.path))?;
            let suffix = &input.settings.templates_suffix;
            let name = item.path.rsplit('/').next().unwrap_or(&item.path);
            let bytes = if name.ends_with(suffix.as_str()) {
                render_file(input, &item.path, bytes, extra)?
            } else {
                bytes
            };
            Ok(PlannedKind::File { bytes, mode: *mode })
        }
    }
}

fn render_file(
    input: &PlanInput<'_>,
    path: &str,
    bytes: Vec<u8>,
    extra: &[(String, Value)],
) -> Result<Vec<u8>> {
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(error) if input.settings.templates_suffix.is_empty() => return Ok(error.into_bytes()),
        Err(_) => bail!(
            "template file `{path}` is not valid UTF-8\nhint: binary files must not carry the `{}` suffix",
            input.settings.templates_suffix
        ),
    };
    let context = context_with(input.context, extra);
    let rendered = input
        .renderer
        .render_file_source(path, &source, &context)
        .map_err(|error| render_error(path, error))?;
    Ok(rendered.into_bytes())
}

fn render_error(path: &str, error: crate::jinja::RenderError) -> anyhow::Error {
    let line = error
        .line
        .map(|line| format!(" at line {line}"))
        .unwrap_or_default();
    let template = error.template.clone().unwrap_or_else(|| path.to_string());
    let mut message = format!("failed to render `{template}`{line}: {}", error.message);
    if let Some(detail) = &error.detail {
        message.push('\n');
        message.push_str(detail.trim_end());
    }
    anyhow!(message)
}

fn context_with(base: &Context, extra: &[(String, Value)]) -> Context {
    if extra.is_empty() {
        return base.clone();
    }
    let mut context = base.clone();
    for (name, value) in extra {
        context.insert(name, value);
    }
    context
}

/// Normalises a rendered relative path: drops empty and `.` components and
/// rejects `..`, absolute paths, NUL bytes and Windows drive prefixes.
pub fn normalize_relative(path: &str) -> Result<String> {
    let shown = escape_control(path);
    if path.starts_with('/') || path.starts_with('\\') {
        bail!("`{shown}` is an absolute path");
    }
    if path.contains('\0') {
        bail!("`{shown}` contains a NUL byte");
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        bail!("`{shown}` starts with a Windows drive");
    }
    let mut components = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => bail!("`{shown}` contains `..`"),
            other => components.push(other),
        }
    }
    Ok(components.join("/"))
}

/// Shows control characters (NUL, newline, escape) as Rust escapes, so a
/// path in a message cannot break the line or drive the terminal.
pub fn escape_control(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for character in text.chars() {
        if character == '\0' {
            shown.push_str("\\0");
        } else if character.is_control() {
            shown.extend(character.escape_default());
        } else {
            shown.push(character);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_extension_is_dropped_like_python() {
        let cases = [
            ("a.txt.jinja", "a.txt"),
            ("dir/file.jinja", "dir/file"),
            ("file-tpl", "file-tpl"),
            ("a.txt-tpl", "a"),
            (".jinja", ".jinja"),
            ("name.", "name."),
        ];
        for (path, expected) in cases {
            assert_eq!(drop_last_extension(path), expected, "{path}");
        }
    }

    #[test]
    fn relative_paths_are_normalised_and_checked() {
        assert_eq!(normalize_relative("a//b/./c").unwrap(), "a/b/c");
        assert!(normalize_relative("../x").is_err());
        assert!(normalize_relative("a/../../x").is_err());
        assert!(normalize_relative("/etc/passwd").is_err());
        assert!(normalize_relative("C:evil").is_err());
        assert!(normalize_relative("a\0b").is_err());
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\0b"), "a\\0b");
        assert_eq!(escape_control("a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(escape_control("caf\u{e9}"), "caf\u{e9}");
    }

    #[test]
    fn direct_children_only() {
        assert!(is_direct_child("a", "a/b"));
        assert!(!is_direct_child("a", "a/b/c"));
        assert!(!is_direct_child("a", "ab/c"));
    }
}
