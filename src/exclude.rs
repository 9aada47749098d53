//! Path patterns of `_exclude`, `-x`, `_skip_if_exists` and `-s`.
//!
//! Copier 9.19.1 matches these with Python pathspec 1.1's `gitignore` patterns,
//! which differ from git's own rules: every path is matched on its own against
//! every pattern and the last pattern that matches wins, so a negation can
//! re-include a file inside an excluded folder, and `build/` matches what is
//! inside `build` but not the folder itself. This module translates each
//! pattern to a regular expression the same way pathspec does and evaluates
//! them all at once with a `RegexSet`.

use regex::RegexSet;
use unicode_normalization::UnicodeNormalization;

/// A compiled list of gitignore-style patterns.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    set: RegexSet,
    /// For each regex of `set`: true for an excluding pattern, false for a
    /// `!` negation.
    includes: Vec<bool>,
}

/// A pattern that cannot be compiled.
#[derive(Debug, thiserror::Error)]
#[error("invalid path pattern `{pattern}`: {reason}")]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

impl PathMatcher {
    /// Compiles patterns in order. Blank lines and `#` comments are ignored.
    /// Patterns are NFD-normalised first, as Copier does; paths are not.
    pub fn new<I, S>(patterns: I) -> Result<Self, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut regexes = Vec::new();
        let mut includes = Vec::new();
        for pattern in patterns {
            let normalized: String = pattern.as_ref().nfd().collect();
            if let Some((regex, include)) = translate(&normalized)? {
                regexes.push(regex);
                includes.push(include);
            }
        }
        let set = RegexSet::new(&regexes).map_err(|error| PatternError {
            pattern: regexes.join(" "),
            reason: error.to_string(),
        })?;
        Ok(PathMatcher { set, includes })
    }

    /// Whether `path` (relative, `/`-separated, no trailing slash) matches:
    /// the last pattern that matches decides.
    pub fn is_match(&self, path: &str) -> bool {
        if self.includes.is_empty() {
            return false;
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        let path = path.strip_prefix('/').unwrap_or(path);
        self.set
            .matches(path)
            .iter()
            .next_back()
            .is_some_and(|index| self.includes[index])
    }

    pub fn is_empty(&self) -> bool {
        self.includes.is_empty()
    }
}

/// Translates one pattern into `(regex, include)`, or `None` for a pattern
/// that matches nothing (blank, comment, `/`, or an unclosed `[`).
fn translate(pattern: &str) -> Result<Option<(String, bool)>, PatternError> {
    let trimmed = if pattern.ends_with("\\ ") {
        pattern
    } else {
        pattern.trim_end()
    };
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let (include, body) = match trimmed.strip_prefix('!') {
        Some(rest) => (false, rest),
        None => (true, trimmed),
    };
    let mut segments: Vec<&str> = body.split('/').collect();
    let is_dir_pattern = segments.last() == Some(&"") && body != "/";
    if let Some(regex) = normalize_segments(is_dir_pattern, &mut segments) {
        return Ok(Some((regex.to_string(), include)));
    }
    if segments.is_empty() {
        return Err(PatternError {
            pattern: pattern.to_string(),
            reason: "the pattern is empty".into(),
        });
    }
    let regex = translate_segments(&segments).map_err(|reason| PatternError {
        pattern: pattern.to_string(),
        reason,
    })?;
    Ok(Some((regex, include)))
}

/// Rewrites the segments to a rooted form (`foo` becomes `**/foo`, `foo/`
/// becomes `**/foo/**`) and returns a whole-pattern regex for the few
/// patterns that pathspec special-cases.
fn normalize_segments(is_dir_pattern: bool, segments: &mut Vec<&str>) -> Option<&'static str> {
    if segments.first() == Some(&"") {
        segments.remove(0);
    } else if (segments.len() == 1 || (segments.len() == 2 && segments[1].is_empty()))
        && segments[0] != "**"
    {
        segments.insert(0, "**");
    }
    if segments.is_empty() {
        return None;
    }
    if segments.last() == Some(&"") {
        *segments.last_mut().unwrap() = "**";
    }
    segments.dedup_by(|current, previous| *current == "**" && *previous == "**");
    match segments.as_slice() {
        ["**"] if is_dir_pattern => Some("/"),
        ["**"] | ["**", "*"] => Some("."),
        ["**", "*", "**"] => Some("/"),
        _ => None,
    }
}

fn translate_segments(segments: &[&str]) -> Result<String, String> {
    let mut regex = String::new();
    let mut need_slash = false;
    let end = segments.len() - 1;
    for (position, segment) in segments.iter().enumerate() {
        if *segment == "**" {
            if position == 0 {
                regex.push_str("^(?:.+/)?");
            } else if position < end {
                regex.push_str("(?:/.+)?");
                need_slash = true;
            } else {
                regex.push('/');
            }
            continue;
        }
        if position == 0 {
            regex.push('^');
        }
        if need_slash {
            regex.push('/');
        }
        if *segment == "*" {
            regex.push_str("[^/]+");
        } else {
            regex.push_str(&translate_glob(segment)?);
        }
        if position == end {
            regex.push_str(if *segment == "*" { "/?$" } else { "(?:/|$)" });
        }
        need_slash = true;
    }
    Ok(regex)
}

/// Translates one segment's glob (`*`, `?`, `[...]`, `\` escapes) to regex
/// syntax. An unclosed `[` is a literal bracket, as in pathspec.
fn translate_glob(glob: &str) -> Result<String, String> {
    let chars: Vec<char> = glob.chars().collect();
    let mut regex = String::new();
    let mut index = 0;
    let mut escape = false;
    while index < chars.len() {
        let current = chars[index];
        index += 1;
        if escape {
            escape = false;
            regex.push_str(&regex::escape(&current.to_string()));
            continue;
        }
        match current {
            '\\' => escape = true,
            '*' => regex.push_str("[^/]*"),
            '?' => regex.push_str("[^/]"),
            '[' => match bracket_end(&chars, index) {
                Some(after) => {
                    regex.push_str(&translate_bracket(&chars[index..after]));
                    index = after;
                }
                None => regex.push_str("\\["),
            },
            other => regex.push_str(&regex::escape(&other.to_string())),
        }
    }
    if escape {
        return Err("it ends with an escape character and nothing to escape".into());
    }
    Ok(regex)
}

/// Finds the index one past the `]` that closes a bracket expression whose
/// body starts at `start`.
fn bracket_end(chars: &[char], start: usize) -> Option<usize> {
    let mut position = start;
    if matches!(chars.get(position), Some('!' | '^')) {
        position += 1;
    }
    if chars.get(position) == Some(&']') {
        position += 1;
    }
    while position < chars.len() && chars[position] != ']' {
        position += 1;
    }
    (position < chars.len()).then_some(position + 1)
}

/// Translates a bracket body including its closing `]`. Characters that the
/// `regex` crate treats specially inside a class (`[`, `&`, `-` and `~` pairs
/// for set operations) are escaped so the class keeps Python's meaning.
fn translate_bracket(body: &[char]) -> String {
    let mut class = String::from("[");
    let mut rest = body;
    if let Some(('!' | '^', after)) = rest.split_first() {
        class.push('^');
        rest = after;
    }
    let closing = rest.len() - 1;
    for (position, current) in rest.iter().enumerate() {
        match current {
            '\\' => class.push_str("\\\\"),
            ']' if position == 0 && position != closing => class.push_str("\\]"),
            '[' | '&' | '~' => {
                class.push('\\');
                class.push(*current);
            }
            '-' if position == 0 || position + 1 == closing => class.push_str("\\-"),
            _ => class.push(*current),
        }
    }
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATHS: &[&str] = &[
        "foo",
        "foo/bar",
        "x/foo",
        "x/foo/y",
        "foo.txt",
        "a/b",
        "a/x/y/b",
        "b",
        "a.txt",
        "d/a.txt",
        ".txt",
        "doc/a.md",
        "doc/x/a.md",
        "copier.yml",
        "cx",
        "#x",
        "abc",
        "bb",
        "ab",
        "b[",
        "x",
        "y/x",
        "x/y",
        "foo/y/z",
        "m.pyc",
        "s/~tmp",
        " lead",
        "trail",
    ];

    /// Each pattern with the paths of `PATHS` it matches, as recorded from
    /// pathspec 1.1.1 (`PathSpec.from_lines("gitignore", [pattern])`).
    const RECORDED: &[(&str, &[&str])] = &[
        ("foo", &["foo", "foo/bar", "x/foo", "x/foo/y", "foo/y/z"]),
        ("/foo", &["foo", "foo/bar", "foo/y/z"]),
        ("foo/", &["foo/bar", "x/foo/y", "foo/y/z"]),
        ("foo/bar", &["foo/bar"]),
        ("foo/**", &["foo/bar", "foo/y/z"]),
        ("a/**/b", &["a/b", "a/x/y/b"]),
        ("*.txt", &["foo.txt", "a.txt", "d/a.txt", ".txt"]),
        ("!x", &[]),
        (
            "**/",
            &[
                "foo/bar",
                "x/foo",
                "x/foo/y",
                "a/b",
                "a/x/y/b",
                "d/a.txt",
                "doc/a.md",
                "doc/x/a.md",
                "y/x",
                "x/y",
                "foo/y/z",
                "s/~tmp",
            ],
        ),
        ("doc/*.md", &["doc/a.md"]),
        ("[co]*", &["copier.yml", "cx"]),
        ("\\#x", &["#x"]),
        ("a?c", &["abc"]),
        ("[!a]b", &["bb"]),
        ("b[", &["b["]),
        (
            "**/x",
            &[
                "x/foo",
                "x/foo/y",
                "a/x/y/b",
                "doc/x/a.md",
                "x",
                "y/x",
                "x/y",
            ],
        ),
        ("x/**/", &["x/foo", "x/foo/y", "x/y"]),
        ("foo/*", &["foo/bar"]),
        ("*.py[co]", &["m.pyc"]),
        ("~*", &["s/~tmp"]),
        (" lead", &[" lead"]),
        ("trail  ", &["trail"]),
    ];

    #[test]
    fn patterns_match_as_pathspec() {
        for (pattern, expected) in RECORDED {
            let matcher = PathMatcher::new([pattern]).unwrap();
            let matched: Vec<&str> = PATHS
                .iter()
                .copied()
                .filter(|path| matcher.is_match(path))
                .collect();
            assert_eq!(&matched, expected, "pattern {pattern:?}");
        }
    }

    #[test]
    fn star_and_double_star_match_everything() {
        for pattern in ["*", "**"] {
            let matcher = PathMatcher::new([pattern]).unwrap();
            assert!(
                PATHS.iter().all(|path| matcher.is_match(path)),
                "pattern {pattern:?}"
            );
        }
    }

    #[test]
    fn negation_reincludes_inside_excluded_folder() {
        let matcher = PathMatcher::new(["*", "!README.*"]).unwrap();
        assert!(matcher.is_match("sub"));
        assert!(!matcher.is_match("sub/README.md"));
        assert!(!matcher.is_match("README.md"));
    }

    #[test]
    fn comments_and_blank_lines_match_nothing() {
        let matcher = PathMatcher::new(["# note", "", "   "]).unwrap();
        assert!(matcher.is_empty());
        assert!(!matcher.is_match("anything"));
    }

    #[test]
    fn nfc_pattern_matches_only_nfd_name() {
        let matcher = PathMatcher::new(["ma\u{f1}ana.txt"]).unwrap();
        assert!(!matcher.is_match("ma\u{f1}ana.txt"));
        assert!(matcher.is_match("man\u{303}ana.txt"));
    }

    #[test]
    fn trailing_escape_is_rejected() {
        let error = PathMatcher::new(["abc\\"]).unwrap_err();
        assert_eq!(error.pattern, "abc\\");
    }
}
