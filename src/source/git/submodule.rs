//! Submodules of a git template.
//!
//! Copier runs `git submodule update --init --recursive` in its checkout, so
//! a template's submodules arrive with their files. We read the submodule's
//! URL from `.gitmodules` at the template commit, open that repository (a
//! local path directly, a remote URL through the mirror cache) and read the
//! recorded commit from it. A relative URL (`./x`, `../x`) is resolved
//! against the template's own URL or path, as git resolves it against the
//! superproject's `origin`.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use git2::{Oid, Repository, Tree};

use super::cache;

/// Returns the URL of the submodule at `path`, from the `.gitmodules` file
/// of `tree`.
pub fn url_for(repo: &Repository, tree: &Tree<'_>, path: &str, base_url: &str) -> Result<String> {
    let entry = tree
        .get_path(Path::new(".gitmodules"))
        .map_err(|_| anyhow!("submodule `{path}` is not listed in a `.gitmodules` file"))?;
    let blob = repo.find_blob(entry.id())?;
    let text = String::from_utf8_lossy(blob.content());
    let url = parse_gitmodules(&text)
        .into_iter()
        .find(|module| module.path.as_deref() == Some(path))
        .and_then(|module| module.url)
        .ok_or_else(|| anyhow!("submodule `{path}` has no `url` in `.gitmodules`"))?;
    Ok(resolve_relative(base_url, &url))
}

/// Opens the repository of a submodule and checks it holds `commit`.
pub fn open(url: &str, commit: Oid) -> Result<Repository> {
    let repo = if Path::new(url).exists() {
        Repository::open(url).with_context(|| format!("failed to open submodule `{url}`"))?
    } else {
        cache::mirror(url)?
    };
    if repo.find_commit(commit).is_err() {
        bail!("submodule `{url}` has no commit {commit}");
    }
    Ok(repo)
}

/// One `[submodule "name"]` section.
#[derive(Debug, Default, PartialEq, Eq)]
struct Module {
    path: Option<String>,
    url: Option<String>,
}

/// Reads the `path` and `url` keys of every submodule section. Handles the
/// parts of git's config syntax that `.gitmodules` files use: sections,
/// `key = value`, double quotes, backslash escapes and `#`/`;` comments.
fn parse_gitmodules(text: &str) -> Vec<Module> {
    let mut modules: Vec<Module> = Vec::new();
    let mut in_submodule = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            in_submodule = header.trim_start().starts_with("submodule");
            if in_submodule {
                modules.push(Module::default());
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let Some(module) = modules.last_mut().filter(|_| in_submodule) else {
            continue;
        };
        let value = config_value(value);
        match key.trim().to_ascii_lowercase().as_str() {
            "path" => module.path = Some(value),
            "url" => module.url = Some(value),
            _ => {}
        }
    }
    modules
}

/// Decodes a config value: quotes removed, escapes applied, a comment
/// outside quotes dropped, surrounding spaces trimmed.
fn config_value(raw: &str) -> String {
    let mut value = String::new();
    let mut quoted = false;
    let mut chars = raw.trim().chars();
    while let Some(character) = chars.next() {
        match character {
            '"' => quoted = !quoted,
            '\\' => match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(other) => value.push(other),
                None => {}
            },
            '#' | ';' if !quoted => break,
            _ => value.push(character),
        }
    }
    value.trim_end().to_string()
}

/// Resolves `./x` and `../x` against `base`, which counts as a folder: each
/// `../` drops one trailing component of `base`.
fn resolve_relative(base: &str, url: &str) -> String {
    if !url.starts_with("./") && !url.starts_with("../") {
        return url.to_string();
    }
    let mut base = base.trim_end_matches('/').to_string();
    let mut rest = url;
    loop {
        if let Some(after) = rest.strip_prefix("./") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("../") {
            rest = after;
            if let Some(cut) = base.rfind('/') {
                base.truncate(cut);
            }
        } else {
            break;
        }
    }
    format!("{base}/{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitmodules_sections_parsed() {
        let text = "[submodule \"lib\"]\n\tpath = vendor/lib\n\turl = \"../lib.git\" # comment\n\
                    [core]\n\turl = ignored\n[submodule \"b\"]\n path=b\n url=file:///srv/b.git\n";
        let modules = parse_gitmodules(text);
        assert_eq!(modules.len(), 2);
        assert_eq!(modules[0].path.as_deref(), Some("vendor/lib"));
        assert_eq!(modules[0].url.as_deref(), Some("../lib.git"));
        assert_eq!(modules[1].url.as_deref(), Some("file:///srv/b.git"));
    }

    #[test]
    fn relative_urls_resolved_against_base() {
        assert_eq!(resolve_relative("/srv/tpl", "../lib"), "/srv/lib");
        assert_eq!(resolve_relative("/srv/tpl/", "./lib"), "/srv/tpl/lib");
        assert_eq!(
            resolve_relative("https://example.com/org/tpl.git", "../lib.git"),
            "https://example.com/org/lib.git"
        );
        assert_eq!(resolve_relative("/srv/tpl", "/abs/lib"), "/abs/lib");
    }
}
