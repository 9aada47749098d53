//! Adds `image:` to each service of `docker-compose.yml` that builds an
//! image but names none, by editing the text.
//!
//! A YAML library would write the file again and lose its comments,
//! quoting and blank lines, so this module inserts lines instead. The file
//! is parsed once (serde_yaml) to learn which services build without an
//! image. The text is then scanned by indentation: the top-level `services:`
//! key, each service key one level below it, and the service's `build:` key.
//! The new line goes right after the `build:` entry (after its nested lines
//! when `build` is a mapping), at the indentation of `build:`, with the line
//! ending of the line before it. Every other byte stays as it was.
//!
//! Afterwards the edited text is parsed again and must equal the original
//! document plus the new `image` keys. Any difference is an error, so a
//! layout the scan misreads cannot slip through. A service the scan cannot
//! place (a flow mapping such as `web: {build: .}`, or a `build` that comes
//! from a merge key) is reported so the owner adds the line by hand.

use serde_yaml::{Mapping, Value};

use crate::extensions::compose;
use crate::extensions::problem::Problem;

/// The result of the edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageEdit {
    pub text: String,
    /// Service name and the image added to it, in file order.
    pub added: Vec<(String, String)>,
    /// Services that build without an image but could not be edited, with
    /// the reason.
    pub skipped: Vec<(String, String)>,
}

/// Adds the image `image_for(service)` to every service of `text` that has
/// `build` and no `image`. `display` names the file in errors.
pub fn add_images(
    text: &str,
    display: &str,
    image_for: &dyn Fn(&str) -> String,
) -> Result<ImageEdit, Problem> {
    let document = compose::parse(text, display)?;
    let needing = services_without_image(&document);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let blocks = ServiceBlocks::find(&lines);

    let mut insertions = Vec::new();
    let mut added = Vec::new();
    let mut skipped = Vec::new();
    for service in needing {
        let image = image_for(&service);
        match blocks.build_entry_end(&lines, &service) {
            Ok((after, indent)) => {
                insertions.push((after, indent, image.clone()));
                added.push((service, image));
            }
            Err(reason) => skipped.push((service, reason)),
        }
    }
    let edited = insert_lines(&lines, insertions);
    check_edit(&document, &edited, &added, display)?;
    Ok(ImageEdit {
        text: edited,
        added,
        skipped,
    })
}

/// Names of the services that have `build` and no `image`, in file order.
fn services_without_image(document: &Mapping) -> Vec<String> {
    let Some(services) = compose::services(document) else {
        return Vec::new();
    };
    services
        .iter()
        .filter_map(|(key, service)| {
            let service = service.as_mapping()?;
            (service.contains_key("build") && !service.contains_key("image"))
                .then(|| compose::key_text(key))
        })
        .collect()
}

/// The line ranges of the services in the top-level `services:` block
/// (0-based, end exclusive).
struct ServiceBlocks {
    services: Vec<(String, usize, usize)>,
    /// The reason no block could be found, when the scan failed.
    failure: Option<String>,
}

impl ServiceBlocks {
    fn find(lines: &[&str]) -> ServiceBlocks {
        let Some(start) = lines.iter().position(|line| {
            indent_of(line) == Some(0) && key_of(line).as_deref() == Some("services")
        }) else {
            return ServiceBlocks::failed("no top-level `services:` line");
        };
        if !value_is_empty(lines[start]) {
            return ServiceBlocks::failed("`services` is written in flow style");
        }
        let end = block_end(lines, start + 1, 0);
        let Some(service_indent) = (start + 1..end).find_map(|number| indent_of(lines[number]))
        else {
            return ServiceBlocks::failed("`services` has no entries");
        };

        let mut services = Vec::new();
        for number in start + 1..end {
            if indent_of(lines[number]) != Some(service_indent) {
                continue;
            }
            if let Some(key) = key_of(lines[number]) {
                let service_end = block_end(lines, number + 1, service_indent);
                services.push((key, number, service_end));
            }
        }
        ServiceBlocks {
            services,
            failure: None,
        }
    }

    fn failed(reason: &str) -> ServiceBlocks {
        ServiceBlocks {
            services: Vec::new(),
            failure: Some(reason.to_string()),
        }
    }

    /// Returns the line after which the `image:` line of `service` goes,
    /// and the indentation of the service's keys.
    fn build_entry_end(&self, lines: &[&str], service: &str) -> Result<(usize, usize), String> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        let Some(&(_, start, end)) = self.services.iter().find(|(key, _, _)| key == service) else {
            return Err("its key was not found in the text".to_string());
        };
        if !value_is_empty(lines[start]) {
            return Err("it is written in flow style".to_string());
        }
        let Some(key_indent) = (start + 1..end).find_map(|number| indent_of(lines[number])) else {
            return Err("it has no keys in block style".to_string());
        };
        let Some(build) = (start + 1..end).find(|&number| {
            indent_of(lines[number]) == Some(key_indent)
                && key_of(lines[number]).as_deref() == Some("build")
        }) else {
            return Err("no `build:` line in its block (a merge key may supply it)".to_string());
        };
        let last_nested = (build + 1..end)
            .take_while(|&number| indent_of(lines[number]).is_none_or(|indent| indent > key_indent))
            .filter(|&number| indent_of(lines[number]).is_some())
            .last()
            .unwrap_or(build);
        Ok((last_nested, key_indent))
    }
}

/// Returns the first line at or after `from` whose content is indented
/// `indent` or less, which ends the block that started above `from`. Blank
/// and comment lines never end a block.
fn block_end(lines: &[&str], from: usize, indent: usize) -> usize {
    (from..lines.len())
        .find(|&number| {
            let line = lines[number];
            is_document_marker(line) || indent_of(line).is_some_and(|found| found <= indent)
        })
        .unwrap_or(lines.len())
}

fn is_document_marker(line: &str) -> bool {
    let content = line.trim_end();
    content == "---" || content == "..." || content.starts_with("--- ")
}

/// Returns the indentation of a line with content, or `None` for blank and
/// comment lines, which carry no structure.
fn indent_of(line: &str) -> Option<usize> {
    let content = line.trim_start_matches(' ');
    let trimmed = content.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    Some(line.len() - content.len())
}

/// Returns the unquoted mapping key of a `key: value` line, or `None` for
/// list items and lines that are not a key.
fn key_of(line: &str) -> Option<String> {
    let content = line.trim_start_matches(' ');
    let (key, rest) = split_key(content)?;
    (rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n'])).then_some(key)
}

/// Splits `key: rest` into the unquoted key and what follows the colon.
fn split_key(content: &str) -> Option<(String, &str)> {
    if let Some(quote) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = content[1..].find(quote)? + 1;
        let key = content[1..close].to_string();
        let rest = content[close + 1..].trim_start_matches(' ');
        return rest.strip_prefix(':').map(|rest| (key, rest));
    }
    if content.starts_with(['-', '#', '[', '{', '&', '*', '!', '|', '>']) {
        return None;
    }
    let colon = content
        .char_indices()
        .find(|&(position, c)| {
            c == ':'
                && content[position + 1..]
                    .chars()
                    .next()
                    .is_none_or(|next| next.is_whitespace())
        })
        .map(|(position, _)| position)?;
    Some((
        content[..colon].trim_end().to_string(),
        &content[colon + 1..],
    ))
}

/// Checks whether a `key:` line has no value on the line itself (an anchor
/// or a comment may follow), so its value is the block below it.
fn value_is_empty(line: &str) -> bool {
    let content = line.trim_start_matches(' ');
    let Some((_, rest)) = split_key(content) else {
        return false;
    };
    let mut rest = rest.trim();
    if rest.starts_with('&') {
        rest = rest.split_once(' ').map_or("", |(_, after)| after.trim());
    }
    rest.is_empty() || rest.starts_with('#')
}

/// Inserts `image:` lines after the given line numbers.
fn insert_lines(lines: &[&str], mut insertions: Vec<(usize, usize, String)>) -> String {
    insertions.sort_by_key(|(after, _, _)| *after);
    let default_ending = if lines.iter().any(|line| line.ends_with("\r\n")) {
        "\r\n"
    } else {
        "\n"
    };
    let mut text = String::new();
    let mut pending = insertions.into_iter().peekable();
    for (number, line) in lines.iter().enumerate() {
        text.push_str(line);
        while let Some((_, indent, image)) = pending.next_if(|(after, _, _)| *after == number) {
            let ending = if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                text.push_str(default_ending);
                ""
            };
            text.push_str(&format!(
                "{}image: {}{ending}",
                " ".repeat(indent),
                scalar(&image)
            ));
        }
    }
    text
}

/// `image` as a YAML scalar: plain when that reads back as the same string,
/// double-quoted otherwise.
fn scalar(image: &str) -> String {
    let plain = !image.is_empty()
        && image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/:-@".contains(c))
        && image.starts_with(|c: char| c.is_ascii_alphanumeric())
        && serde_yaml::from_str::<Value>(image).ok() == Some(Value::from(image));
    if plain {
        image.to_string()
    } else {
        serde_json::to_string(image).expect("a string always serialises")
    }
}

/// Checks that `edited` parses to the original document plus the added
/// images and nothing else.
fn check_edit(
    original: &Mapping,
    edited: &str,
    added: &[(String, String)],
    display: &str,
) -> Result<(), Problem> {
    let mismatch = |detail: String| {
        Problem::file_error(
            display,
            format!(
                "adding `image:` lines changed the file in an unexpected way ({detail}); add them by hand"
            ),
        )
    };
    let mut parsed =
        compose::parse(edited, display).map_err(|problem| mismatch(problem.message))?;
    if let Some(Value::Mapping(services)) = parsed.get_mut("services") {
        for (service, image) in added {
            let Some(Value::Mapping(fields)) = services.get_mut(service.as_str()) else {
                return Err(mismatch(format!("service `{service}` is gone")));
            };
            if fields.remove("image") != Some(Value::from(image.as_str())) {
                return Err(mismatch(format!(
                    "service `{service}` did not get the image"
                )));
            }
        }
    }
    if &parsed != original {
        return Err(mismatch("other values differ".to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image_for(service: &str) -> String {
        format!("acme/demo-{service}:v1.0.0")
    }

    fn edit(text: &str) -> ImageEdit {
        add_images(text, "demo/docker-compose.yml", &image_for).unwrap()
    }

    #[test]
    fn short_build_gets_image_after_it() {
        let text = "# Local development\nservices:\n  web:\n    build: .  # the app\n    ports:\n      - \"8000:8000\"\n";
        let result = edit(text);
        assert_eq!(
            result.text,
            "# Local development\nservices:\n  web:\n    build: .  # the app\n    image: acme/demo-web:v1.0.0\n    ports:\n      - \"8000:8000\"\n"
        );
        assert_eq!(
            result.added,
            [("web".to_string(), "acme/demo-web:v1.0.0".to_string())]
        );
    }

    #[test]
    fn long_build_gets_image_after_nested_keys() {
        let text = "services:\n    backend:\n        build:\n            context: ./backend\n            # both platforms\n            platforms:\n                - linux/amd64\n\n        # published port\n        ports: ['8000']\n";
        assert_eq!(
            edit(text).text,
            "services:\n    backend:\n        build:\n            context: ./backend\n            # both platforms\n            platforms:\n                - linux/amd64\n        image: acme/demo-backend:v1.0.0\n\n        # published port\n        ports: ['8000']\n"
        );
    }

    #[test]
    fn services_with_image_or_no_build_untouched() {
        let text = "services:\n  api:\n    build: ./api\n    image: 'other/api:1'\n  redis:\n    image: redis:7-alpine\n  worker:\n    build: ./worker\n";
        let result = edit(text);
        assert_eq!(
            result.text,
            "services:\n  api:\n    build: ./api\n    image: 'other/api:1'\n  redis:\n    image: redis:7-alpine\n  worker:\n    build: ./worker\n    image: acme/demo-worker:v1.0.0\n"
        );
        assert_eq!(result.added.len(), 1);
    }

    #[test]
    fn crlf_and_missing_final_newline_kept() {
        let text = "services:\r\n  web:\r\n    build: .";
        assert_eq!(
            edit(text).text,
            "services:\r\n  web:\r\n    build: .\r\n    image: acme/demo-web:v1.0.0"
        );
    }

    #[test]
    fn quoted_keys_and_anchors_found() {
        let text =
            "version: \"3.8\"\nservices:\n  \"web\": &web\n    build: .\nvolumes:\n  data:\n";
        assert_eq!(
            edit(text).text,
            "version: \"3.8\"\nservices:\n  \"web\": &web\n    build: .\n    image: acme/demo-web:v1.0.0\nvolumes:\n  data:\n"
        );
    }

    #[test]
    fn flow_service_skipped_with_reason() {
        let text = "services:\n  web: {build: ., ports: ['80']}\n  api:\n    build: ./api\n";
        let result = edit(text);
        assert_eq!(
            result.text,
            "services:\n  web: {build: ., ports: ['80']}\n  api:\n    build: ./api\n    image: acme/demo-api:v1.0.0\n"
        );
        assert_eq!(
            result.skipped,
            [("web".to_string(), "it is written in flow style".to_string())]
        );
    }

    #[test]
    fn unusual_image_quoted() {
        assert_eq!(scalar("acme/demo-web:v1.0.0"), "acme/demo-web:v1.0.0");
        assert_eq!(scalar("acme/demo web:v1"), "\"acme/demo web:v1\"");
        assert_eq!(scalar("1.0"), "\"1.0\"");
    }

    #[test]
    fn key_lines_read() {
        assert_eq!(key_of("  build: ./x\n").as_deref(), Some("build"));
        assert_eq!(key_of("  build:\n").as_deref(), Some("build"));
        assert_eq!(key_of("  'build' : x\n").as_deref(), Some("build"));
        assert_eq!(key_of("  - build: x\n"), None);
        assert_eq!(key_of("  http://x\n"), None);
        assert_eq!(key_of("  # build: x\n"), None);
    }
}
