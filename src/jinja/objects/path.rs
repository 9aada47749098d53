//! `PathValue`: the `PurePosixPath` objects of Copier's `_copier_conf`.

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Tuple, from_args};
use minijinja::{Error, ErrorKind, State, Value};

use super::invalid;

/// A POSIX path that prints as its text and supports what templates use of
/// `pathlib.PurePosixPath`: `path / 'x'`, `.name`, `.parent`, `.suffix`,
/// `.stem`, `.suffixes`, `.parts`, `.joinpath()`, `.with_name()`,
/// `.with_suffix()`, `.as_posix()`, `.is_absolute()` and `.relative_to()`.
#[derive(Clone, PartialEq, Eq)]
pub struct PathValue {
    /// `/`, `//` or empty for a relative path.
    root: String,
    parts: Vec<String>,
    text: String,
}

impl PathValue {
    /// Parses `path` as `PurePosixPath(path)` does: repeated slashes and `.`
    /// components are dropped, `..` is kept.
    pub fn new(path: &str) -> PathValue {
        let root = if path.starts_with("//") && !path.starts_with("///") {
            "//"
        } else if path.starts_with('/') {
            "/"
        } else {
            ""
        };
        let parts = path
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .map(str::to_string)
            .collect();
        PathValue::from_parts(root.to_string(), parts)
    }

    fn from_parts(root: String, parts: Vec<String>) -> PathValue {
        let mut text = root.clone();
        text.push_str(&parts.join("/"));
        if text.is_empty() {
            text.push('.');
        }
        PathValue { root, parts, text }
    }

    /// Returns the path as `str(path)` prints it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Joins `other` as `self / other` does: an absolute `other` replaces
    /// the path.
    pub fn join(&self, other: &str) -> PathValue {
        let other = PathValue::new(other);
        if !other.root.is_empty() {
            return other;
        }
        let mut parts = self.parts.clone();
        parts.extend(other.parts);
        PathValue::from_parts(self.root.clone(), parts)
    }

    fn name(&self) -> &str {
        self.parts.last().map_or("", String::as_str)
    }

    /// Returns the byte index of the dot that starts the suffix, if the name
    /// has one.
    fn suffix_start(&self) -> Option<usize> {
        let name = self.name();
        let index = name.rfind('.')?;
        (index > 0 && index + 1 < name.len()).then_some(index)
    }

    fn suffix(&self) -> &str {
        self.suffix_start()
            .map_or("", |index| &self.name()[index..])
    }

    fn stem(&self) -> &str {
        let name = self.name();
        self.suffix_start().map_or(name, |index| &name[..index])
    }

    fn suffixes(&self) -> Vec<Value> {
        let name = self.name();
        if name.ends_with('.') {
            return Vec::new();
        }
        name.trim_start_matches('.')
            .split('.')
            .skip(1)
            .map(|suffix| Value::from(format!(".{suffix}")))
            .collect()
    }

    fn parent(&self) -> PathValue {
        let mut parts = self.parts.clone();
        parts.pop();
        PathValue::from_parts(self.root.clone(), parts)
    }

    fn with_name(&self, name: &str) -> Result<PathValue, Error> {
        if self.parts.is_empty() {
            return Err(invalid(format!("{} has an empty name", self.repr())));
        }
        if name.is_empty() || name.contains('/') || name == "." {
            return Err(invalid(format!("invalid name {name:?}")));
        }
        let mut parts = self.parts.clone();
        parts.pop();
        parts.push(name.to_string());
        Ok(PathValue::from_parts(self.root.clone(), parts))
    }

    fn with_suffix(&self, suffix: &str) -> Result<PathValue, Error> {
        if !suffix.is_empty() && (!suffix.starts_with('.') || suffix == ".") {
            return Err(invalid(format!("invalid suffix {suffix:?}")));
        }
        self.with_name(&format!("{}{suffix}", self.stem()))
    }

    fn relative_to(&self, other: &str) -> Result<PathValue, Error> {
        let other = PathValue::new(other);
        if other.root != self.root || !self.parts.starts_with(&other.parts) {
            return Err(invalid(format!(
                "{:?} is not in the subpath of {:?}",
                self.text, other.text
            )));
        }
        Ok(PathValue::from_parts(
            String::new(),
            self.parts[other.parts.len()..].to_vec(),
        ))
    }

    /// Python's `repr()` of the path.
    pub fn repr(&self) -> String {
        format!(
            "PurePosixPath({})",
            crate::jinja::repr::string_repr(&self.text)
        )
    }
}

impl fmt::Debug for PathValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.repr())
    }
}

impl Object for PathValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let value = match key.as_str()? {
            "name" => Value::from(self.name()),
            "suffix" => Value::from(self.suffix()),
            "stem" => Value::from(self.stem()),
            "suffixes" => super::PyList::value(self.suffixes()),
            "parent" => Value::from_object(self.parent()),
            "root" => Value::from(self.root.as_str()),
            "anchor" => Value::from(self.root.as_str()),
            "drive" => Value::from(""),
            "parts" => {
                let mut parts: Vec<Value> = Vec::new();
                if !self.root.is_empty() {
                    parts.push(Value::from(self.root.as_str()));
                }
                parts.extend(self.parts.iter().map(|part| Value::from(part.as_str())));
                Value::from(Tuple::from(parts))
            }
            _ => return None,
        };
        Some(value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        let path = match method {
            "joinpath" => {
                let (others,): (minijinja::value::Rest<Value>,) = from_args(args)?;
                others
                    .iter()
                    .fold((**self).clone(), |path, other| path.join(&path_text(other)))
            }
            "with_name" => {
                let (name,): (&str,) = from_args(args)?;
                self.with_name(name)?
            }
            "with_stem" => {
                let (stem,): (&str,) = from_args(args)?;
                self.with_name(&format!("{stem}{}", self.suffix()))?
            }
            "with_suffix" => {
                let (suffix,): (&str,) = from_args(args)?;
                self.with_suffix(suffix)?
            }
            "relative_to" => {
                let (other,): (Value,) = from_args(args)?;
                self.relative_to(&path_text(&other))?
            }
            "as_posix" | "__str__" => {
                let () = from_args(args)?;
                return Ok(Value::from(self.as_str()));
            }
            "is_absolute" => {
                let () = from_args(args)?;
                return Ok(Value::from(!self.root.is_empty()));
            }
            "is_relative_to" => {
                let (other,): (Value,) = from_args(args)?;
                return Ok(Value::from(self.relative_to(&path_text(&other)).is_ok()));
            }
            _ => return Err(Error::from(ErrorKind::UnknownMethod)),
        };
        Ok(Value::from_object(path))
    }

    fn render(self: &Arc<Self>, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

/// Returns the text of a path argument: a `PathValue`'s path, or `str()` of
/// anything else.
pub fn path_text(value: &Value) -> String {
    match value.downcast_object_ref::<PathValue>() {
        Some(path) => path.as_str().to_string(),
        None => crate::jinja::repr::jinja_str(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts_follow_pathlib() {
        let path = PathValue::new("/tmp//tpl/./archive.tar.gz");
        assert_eq!(path.as_str(), "/tmp/tpl/archive.tar.gz");
        assert_eq!(path.name(), "archive.tar.gz");
        assert_eq!(path.suffix(), ".gz");
        assert_eq!(path.stem(), "archive.tar");
        assert_eq!(path.parent().as_str(), "/tmp/tpl");
        assert_eq!(path.suffixes().len(), 2);
    }

    #[test]
    fn path_edge_cases_follow_pathlib() {
        assert_eq!(PathValue::new("").as_str(), ".");
        assert_eq!(PathValue::new("a").parent().as_str(), ".");
        assert_eq!(PathValue::new("/").parent().as_str(), "/");
        assert_eq!(PathValue::new(".bashrc").suffix(), "");
        assert_eq!(PathValue::new(".bashrc").stem(), ".bashrc");
        assert_eq!(PathValue::new("a/b").join("/abs").as_str(), "/abs");
        assert_eq!(PathValue::new("a").join("b/c").as_str(), "a/b/c");
    }
}
