//! Global functions: Jinja2's (`range`, `dict`, `lipsum`, `cycler`,
//! `joiner`) where minijinja's differ or are missing, and Copier's
//! (`pathjoin`, and the legacy `now` and `make_secret`).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, Rest, from_args};
use minijinja::{Environment, Error, State, Value};
use rand::Rng;
use sha2::{Digest, Sha512};

use super::filters::bind;
use super::objects::{
    DateValue, PathValue, PyDict, RangeValue, invalid, mapping_entries, path_text,
};

/// Jinja2's sandbox refuses ranges longer than this.
const MAX_RANGE: usize = 100_000;

/// Registers every global.
pub fn register(env: &mut Environment<'static>) {
    env.add_function("range", range);
    env.add_function("dict", dict);
    env.add_function("lipsum", lipsum);
    env.add_function("cycler", |items: Rest<Value>| {
        Value::from_object(Cycler {
            items: items.0,
            position: AtomicUsize::new(0),
        })
    });
    env.add_function("joiner", |separator: Option<String>| {
        Value::from_object(Joiner {
            separator: separator.unwrap_or_else(|| ", ".to_string()),
            used: AtomicUsize::new(0),
        })
    });
    env.add_function("pathjoin", pathjoin);
    env.add_function("now", now);
    env.add_function("make_secret", make_secret);
}

/// `range([start,] stop[, step])`.
fn range(args: Rest<i64>) -> Result<Value, Error> {
    let (start, stop, step) = match args.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => return Err(invalid("range expected 1 to 3 integer arguments")),
    };
    if step == 0 {
        return Err(invalid("range() arg 3 must not be zero"));
    }
    let range = RangeValue { start, stop, step };
    if range.len() > MAX_RANGE {
        return Err(invalid(format!(
            "Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MAX_RANGE})."
        )));
    }
    Ok(Value::from_object(range))
}

/// `dict(mapping_or_pairs=None, **kwargs)`, as a mutable dict.
fn dict(args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let mut entries = indexmap::IndexMap::new();
    match args.as_slice() {
        [] => {}
        [source] => entries.extend(mapping_entries(source)?),
        _ => return Err(invalid("dict expected at most 1 argument")),
    }
    for name in kwargs.args() {
        entries.insert(Value::from(name), kwargs.get::<Value>(name)?);
    }
    Ok(PyDict::value(entries))
}

const LOREM_WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "ex",
    "ea",
    "commodo",
    "consequat",
    "duis",
    "aute",
    "irure",
    "in",
    "reprehenderit",
    "voluptate",
    "velit",
    "esse",
    "cillum",
    "fugiat",
    "nulla",
    "pariatur",
    "excepteur",
    "sint",
];

/// `lipsum(n=5, html=True, min=20, max=100)`: random placeholder text in
/// `n` paragraphs of `min` to `max` words. It is random in Jinja2 too, so
/// only its shape matches.
fn lipsum(args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let bound = bind("lipsum", &["n", "html", "min", "max"], &args, &kwargs)?;
    kwargs.assert_all_used()?;
    let count = bound.int(0, 5)?.max(0);
    let html = bound.flag(1, true);
    let (low, high) = (bound.int(2, 20)?.max(1), bound.int(3, 100)?);
    let mut rng = rand::rng();
    let mut paragraphs = Vec::new();
    for _ in 0..count {
        let length = rng.random_range(low..=high.max(low));
        let words: Vec<&str> = (0..length)
            .map(|_| LOREM_WORDS[rng.random_range(0..LOREM_WORDS.len())])
            .collect();
        let mut text = words.join(" ");
        if let Some(first) = text.get(..1) {
            text.replace_range(..1, &first.to_uppercase());
        }
        text.push('.');
        paragraphs.push(if html { format!("<p>{text}</p>") } else { text });
    }
    let separator = if html { "\n" } else { "\n\n" };
    Ok(Value::from(paragraphs.join(separator)))
}

/// Jinja2's `Cycler`: `next()` returns the items in turn, `current` the
/// next one, `reset()` starts over.
struct Cycler {
    items: Vec<Value>,
    position: AtomicUsize,
}

impl fmt::Debug for Cycler {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("<Cycler>")
    }
}

impl Object for Cycler {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "current" => self
                .items
                .get(self.position.load(Ordering::Relaxed))
                .cloned(),
            "items" => Some(Value::from(self.items.clone())),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        let () = from_args(args)?;
        match method {
            "next" => {
                if self.items.is_empty() {
                    return Err(invalid("at least one item has to be provided"));
                }
                let position = self.position.load(Ordering::Relaxed);
                self.position
                    .store((position + 1) % self.items.len(), Ordering::Relaxed);
                Ok(self.items[position].clone())
            }
            "reset" => {
                self.position.store(0, Ordering::Relaxed);
                Ok(Value::from(()))
            }
            _ => Err(minijinja::Error::from(minijinja::ErrorKind::UnknownMethod)),
        }
    }
}

/// Jinja2's `Joiner`: calling it returns `""` the first time and the
/// separator after that.
struct Joiner {
    separator: String,
    used: AtomicUsize,
}

impl fmt::Debug for Joiner {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("<Joiner>")
    }
}

impl Object for Joiner {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn call(self: &Arc<Self>, _state: &mut State<'_, '_>, args: &[Value]) -> Result<Value, Error> {
        let () = from_args(args)?;
        if self.used.swap(1, Ordering::Relaxed) == 0 {
            Ok(Value::from(""))
        } else {
            Ok(Value::from(self.separator.as_str()))
        }
    }
}

/// Copier's `pathjoin(*parts, mode="posix")`: the parts joined as
/// `PurePosixPath` (`posix`, `native`) or `PureWindowsPath` (`windows`)
/// would, as a string.
fn pathjoin(parts: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let mode: Option<String> = kwargs.get("mode")?;
    kwargs.assert_all_used()?;
    let texts: Vec<String> = parts.iter().map(path_text).collect();
    match mode.as_deref().unwrap_or("posix") {
        "posix" | "native" => {
            let joined = texts
                .iter()
                .fold(PathValue::new(""), |path, part| path.join(part));
            Ok(Value::from(joined.as_str()))
        }
        "windows" => Ok(Value::from(windows_join(&texts))),
        other => Err(invalid(format!(
            "unknown pathjoin mode `{other}`: expected posix, windows or native"
        ))),
    }
}

/// `str(PureWindowsPath(*parts))`: a drive or a rooted part restarts the
/// path, separators become backslashes, `.` parts are dropped.
fn windows_join(parts: &[String]) -> String {
    let mut drive = String::new();
    let mut root = "";
    let mut components: Vec<String> = Vec::new();
    for part in parts {
        let mut rest = part.as_str();
        if rest.len() >= 2 && rest.as_bytes()[1] == b':' && rest.is_char_boundary(2) {
            let new_drive = &rest[..2];
            if !new_drive.eq_ignore_ascii_case(&drive) {
                components.clear();
                root = "";
            }
            drive = new_drive.to_string();
            rest = &rest[2..];
        }
        if rest.starts_with(['/', '\\']) {
            root = "\\";
            components.clear();
        }
        components.extend(
            rest.split(['/', '\\'])
                .filter(|component| !component.is_empty() && *component != ".")
                .map(str::to_string),
        );
    }
    let joined = format!("{drive}{root}{}", components.join("\\"));
    if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// Copier's legacy `now()`: the current time as an aware UTC datetime.
fn now() -> Value {
    let moment = chrono::Utc::now().naive_utc();
    Value::from_object(DateValue::from_chrono(moment, Some(0)))
}

/// Copier's legacy `make_secret()`: the SHA-512 of 48 random bytes, in hex.
fn make_secret() -> Value {
    let mut bytes = [0u8; 48];
    rand::rng().fill(&mut bytes);
    Value::from(
        Sha512::digest(bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_join_matches_purewindowspath() {
        let join = |parts: &[&str]| {
            windows_join(
                &parts
                    .iter()
                    .map(|part| part.to_string())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(join(&["a", "b"]), "a\\b");
        assert_eq!(join(&["a/b", "c"]), "a\\b\\c");
        assert_eq!(join(&["C:\\x", "y"]), "C:\\x\\y");
        assert_eq!(join(&["a", "\\b"]), "\\b");
        assert_eq!(join(&[]), ".");
    }

    #[test]
    fn make_secret_is_128_hex_digits() {
        let secret = make_secret();
        let text = secret.as_str().unwrap();
        assert_eq!(text.len(), 128);
        assert!(text.bytes().all(|byte| byte.is_ascii_hexdigit()));
    }
}
