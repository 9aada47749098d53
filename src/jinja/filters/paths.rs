//! The Ansible path filters: Python's `posixpath` and `ntpath` functions.

use std::path::{Component, PathBuf};

use minijinja::value::{Kwargs, Tuple};
use minijinja::{Error, State, Value};

use super::{FilterFn, bind};
use crate::jinja::objects::{invalid, path_text};

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("basename", basename),
    ("dirname", dirname),
    ("splitext", splitext),
    ("expanduser", expanduser),
    ("expandvars", expandvars),
    ("realpath", realpath),
    ("relpath", relpath),
    ("win_basename", win_basename),
    ("win_dirname", win_dirname),
    ("win_splitdrive", win_splitdrive),
    ("fileglob", fileglob),
];

fn pair(first: &str, second: &str) -> Value {
    Value::from(Tuple::from(vec![Value::from(first), Value::from(second)]))
}

fn basename(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("basename", &[], args, kwargs)?;
    let path = path_text(&value);
    Ok(Value::from(posix_split(&path).1))
}

fn dirname(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("dirname", &[], args, kwargs)?;
    let path = path_text(&value);
    Ok(Value::from(posix_split(&path).0))
}

/// `posixpath.split`: the head (trailing slashes removed unless it is all
/// slashes) and the tail after the last slash.
fn posix_split(path: &str) -> (&str, &str) {
    let cut = path.rfind('/').map_or(0, |index| index + 1);
    let (head, tail) = path.split_at(cut);
    let trimmed = head.trim_end_matches('/');
    (if trimmed.is_empty() { head } else { trimmed }, tail)
}

fn splitext(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("splitext", &[], args, kwargs)?;
    let path = path_text(&value);
    let (root, extension) = split_extension(&path, &['/']);
    Ok(pair(root, extension))
}

/// `genericpath._splitext`: the extension starts at the last dot of the
/// last component, unless only dots precede it.
fn split_extension<'a>(path: &'a str, separators: &[char]) -> (&'a str, &'a str) {
    let name_start = path.rfind(separators).map_or(0, |index| index + 1);
    if let Some(dot) = path.rfind('.')
        && dot > name_start
        && path[name_start..dot].chars().any(|ch| ch != '.')
    {
        return path.split_at(dot);
    }
    (path, "")
}

fn expanduser(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("expanduser", &[], args, kwargs)?;
    let path = path_text(&value);
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(Value::from(path));
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        // `~user`: the home folder from the password file, as Python's `pwd`
        // lookup gives it; an unknown user leaves the path alone.
        let (user, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        return Ok(Value::from(match home_of(user) {
            Some(home) => format!("{}{tail}", home.trim_end_matches('/')),
            None => path.clone(),
        }));
    }
    match std::env::var("HOME") {
        Ok(home) => {
            let home = if home.len() > 1 {
                home.trim_end_matches('/')
            } else {
                &home
            };
            Ok(Value::from(format!("{home}{rest}")))
        }
        Err(_) => Ok(Value::from(path)),
    }
}

/// Looks up the home folder of `user` in `/etc/passwd`.
fn home_of(user: &str) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 5 && fields[0] == user).then(|| fields[5].to_string())
    })
}

/// `posixpath.expandvars`: `$name` and `${name}` of set variables replaced,
/// anything else kept.
fn expandvars(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("expandvars", &[], args, kwargs)?;
    let text = path_text(&value);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(index) = rest.find('$') {
        out.push_str(&rest[..index]);
        let after = &rest[index + 1..];
        let (name, consumed) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match std::env::var(name).ok().filter(|_| !name.is_empty()) {
            Some(expanded) => {
                out.push_str(&expanded);
                rest = &after[consumed..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(Value::from(out))
}

/// `os.path.abspath`: joined to the working directory and normalised
/// without touching the file system.
fn absolute(path: &str) -> PathBuf {
    let joined = std::env::current_dir().unwrap_or_default().join(path);
    let mut normal = PathBuf::from("/");
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::Normal(part) => normal.push(part),
            _ => {}
        }
    }
    normal
}

fn realpath(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("realpath", &[], args, kwargs)?;
    let path = absolute(&path_text(&value));
    // Python resolves the symlinks of the part that exists and keeps the rest.
    let mut existing = path.clone();
    let mut missing = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    resolved.extend(missing.iter().rev());
    Ok(Value::from(resolved.to_string_lossy().into_owned()))
}

/// `os.path.relpath(path, start='.')`.
fn relpath(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("relpath", &["start"], args, kwargs)?;
    let path = path_text(&value);
    if path.is_empty() {
        return Err(invalid("no path specified"));
    }
    let start = bound.given(0).map_or_else(|| ".".to_string(), path_text);
    let target = absolute(&path);
    let base = absolute(&start);
    let target: Vec<_> = target.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(Value::from(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }))
}

/// `ntpath.splitdrive`: a drive letter or a `\\server\share` prefix.
fn nt_splitdrive(path: &str) -> (&str, &str) {
    let normal = path.replace('/', "\\");
    if normal.starts_with("\\\\") && !normal[2..].starts_with('\\') {
        let Some(server_end) = normal[2..].find('\\').map(|index| index + 2) else {
            return ("", path);
        };
        let share_end = normal[server_end + 1..]
            .find('\\')
            .map_or(path.len(), |index| index + server_end + 1);
        if share_end == server_end + 1 {
            return ("", path);
        }
        return path.split_at(share_end);
    }
    if normal.len() >= 2 && normal.as_bytes()[1] == b':' && normal.is_char_boundary(2) {
        return path.split_at(2);
    }
    ("", path)
}

/// `ntpath.split`: drive and head, and the tail after the last separator.
fn nt_split(path: &str) -> (String, &str) {
    let (drive, rest) = nt_splitdrive(path);
    let cut = rest.rfind(['/', '\\']).map_or(0, |index| index + 1);
    let (head, tail) = rest.split_at(cut);
    let trimmed = head.trim_end_matches(['/', '\\']);
    let head = if trimmed.is_empty() { head } else { trimmed };
    (format!("{drive}{head}"), tail)
}

fn win_basename(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("win_basename", &[], args, kwargs)?;
    Ok(Value::from(nt_split(&path_text(&value)).1))
}

fn win_dirname(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("win_dirname", &[], args, kwargs)?;
    Ok(Value::from(nt_split(&path_text(&value)).0))
}

fn win_splitdrive(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("win_splitdrive", &[], args, kwargs)?;
    let path = path_text(&value);
    let (drive, rest) = nt_splitdrive(&path);
    Ok(pair(drive, rest))
}

fn fileglob(_: &mut State, _: Value, _: &[Value], _: &Kwargs) -> Result<Value, Error> {
    Err(invalid(
        "the `fileglob` filter is not supported by kwz-new: it reads the file system at render time",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_functions_match_python() {
        assert_eq!(posix_split("/a/b/c.txt"), ("/a/b", "c.txt"));
        assert_eq!(posix_split("a/b/"), ("a/b", ""));
        assert_eq!(posix_split("/"), ("/", ""));
        assert_eq!(posix_split("//x"), ("//", "x"));
        assert_eq!(split_extension("/a/b/c.txt", &['/']), ("/a/b/c", ".txt"));
        assert_eq!(split_extension(".bashrc", &['/']), (".bashrc", ""));
        assert_eq!(split_extension("../x.", &['/']), ("../x", "."));
        assert_eq!(split_extension("a.b.c", &['/']), ("a.b", ".c"));
    }

    #[test]
    fn nt_functions_match_python() {
        assert_eq!(nt_split("C:\\a\\b.txt"), ("C:\\a".to_string(), "b.txt"));
        assert_eq!(
            nt_split("\\\\srv\\share\\f"),
            ("\\\\srv\\share\\".to_string(), "f")
        );
        assert_eq!(nt_split("c:/x/y"), ("c:/x".to_string(), "y"));
        assert_eq!(nt_splitdrive("C:"), ("C:", ""));
        assert_eq!(nt_splitdrive("a\\b"), ("", "a\\b"));
    }
}
