//! Checks the YAML reader and emitter against output recorded from PyYAML
//! 6.0.4 (Copier 9.19.1's environment): the vector files in `tests/vectors`,
//! the `d*` files of the engine-vectors conformance case, and the answers
//! files of every conformance case.

use std::fs;
use std::path::{Path, PathBuf};

use kwz_new::value::{Date, DateTime, Map, Value};
use kwz_new::yaml::{self, DumpOptions};
use serde_json::Value as Json;

fn repository_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn read_vectors(name: &str) -> Vec<Json> {
    let path = repository_path(&format!("tests/vectors/{name}"));
    let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    match serde_json::from_str(&text).expect("vector file is JSON") {
        Json::Array(vectors) => vectors,
        _ => panic!("{name} is not a list of vectors"),
    }
}

/// Decodes a typed JSON value (`{"type": T, "value": V}`, see
/// `tests/vectors/README.md`).
fn decode(typed: &Json) -> Value {
    let kind = typed["type"].as_str().expect("typed value has a type");
    let raw = &typed["value"];
    match kind {
        "null" => Value::Null,
        "bool" => Value::Bool(raw.as_bool().expect("bool value")),
        "int" => Value::Int(
            raw.as_str()
                .expect("int as text")
                .parse()
                .expect("int fits i128"),
        ),
        "float" => Value::Float(match raw.as_str().expect("float as text") {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "nan" => f64::NAN,
            text => text.parse().expect("float repr"),
        }),
        "str" => Value::Str(raw.as_str().expect("str value").to_string()),
        "date" => Value::Date(parse_date(raw.as_str().expect("date as text"))),
        "datetime" => Value::DateTime(parse_datetime(raw.as_str().expect("datetime as text"))),
        "list" => Value::List(raw.as_array().expect("list").iter().map(decode).collect()),
        "map" => {
            let mut map = Map::new();
            for pair in raw.as_array().expect("map as pairs") {
                map.insert(decode(&pair[0]), decode(&pair[1]));
            }
            Value::Map(map)
        }
        other => panic!("unknown vector type {other}"),
    }
}

fn parse_date(text: &str) -> Date {
    let mut parts = text
        .split('-')
        .map(|part| part.parse::<u32>().expect("date part"));
    let year = parts.next().expect("year");
    Date {
        year: i32::try_from(year).expect("year"),
        month: parts.next().expect("month"),
        day: parts.next().expect("day"),
    }
}

/// Parses Python's `isoformat()`: `2024-01-31T10:20:30[.500000][+01:00]`.
fn parse_datetime(text: &str) -> DateTime {
    let (date, rest) = text.split_once('T').expect("datetime has a T");
    let zone_start = rest.find(['+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_start);
    let (time, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut clock = time
        .split(':')
        .map(|part| part.parse::<u32>().expect("time part"));
    let utc_offset = (!zone.is_empty()).then(|| {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let mut fields = zone[1..]
            .split(':')
            .map(|part| part.parse::<i32>().expect("offset"));
        let hours = fields.next().unwrap_or(0);
        let minutes = fields.next().unwrap_or(0);
        let seconds = fields.next().unwrap_or(0);
        sign * (hours * 3600 + minutes * 60 + seconds)
    });
    DateTime {
        date: parse_date(date),
        hour: clock.next().expect("hour"),
        minute: clock.next().expect("minute"),
        second: clock.next().expect("second"),
        microsecond: format!("{fraction:0<6}").parse().expect("microseconds"),
        utc_offset,
    }
}

/// Compares values strictly: number kinds and the sign of zero must match,
/// and NaN equals NaN, so a vector checks the exact type.
fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Float(a), Value::Float(b)) => {
            (a.is_nan() && b.is_nan()) || (a == b && a.is_sign_negative() == b.is_sign_negative())
        }
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| same(ka, kb) && same(va, vb))
        }
        (Value::Float(_) | Value::Bool(_) | Value::Int(_), _)
        | (_, Value::Float(_) | Value::Bool(_) | Value::Int(_)) => false,
        _ => left == right,
    }
}

/// Inputs that PyYAML loads and kwz-new rejects (`docs/yaml.md`). libyaml
/// rejects a directive it does not know, which PyYAML ignores. It also
/// rejects a tab right after the indentation of a block scalar's first line.
/// libyaml-safer fails on U+2028 right after a block scalar indicator.
const KNOWN_LOAD_DIFFERENCES: &[&str] = &["%FOO bar\n---\na\n", "d: |\n  \te\n", ">\u{2028} a"];

fn check_load_vectors(name: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for vector in read_vectors(name) {
        let Some(text) = vector["yaml"].as_str() else {
            continue;
        };
        let result = yaml::load(text);
        if KNOWN_LOAD_DIFFERENCES.contains(&text) {
            if result.is_ok() {
                failures.push(format!(
                    "{text:?}: known difference now loads; update the list"
                ));
            }
            continue;
        }
        match (&vector["expected"], &vector["error"], result) {
            (Json::Null, Json::String(_), Err(_)) => {}
            (Json::Null, Json::String(error), Ok(value)) => {
                failures.push(format!(
                    "{text:?}: expected error {error:?}, loaded {value:?}"
                ));
            }
            (expected, _, Ok(value)) if same(&decode(expected), &value) => {}
            (expected, _, result) => {
                failures.push(format!(
                    "{text:?}: expected {:?}, got {result:?}",
                    decode(expected)
                ));
            }
        }
    }
    failures
}

fn check_dump_vectors(name: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let styles = [
        ("to_yaml", DumpOptions::to_yaml()),
        ("to_nice_yaml", DumpOptions::to_nice_yaml()),
    ];
    for vector in read_vectors(name) {
        if vector.get("value").is_none() {
            continue;
        }
        let value = decode(&vector["value"]);
        for (filter, options) in &styles {
            let expected = &vector[*filter];
            let result = yaml::dump(&value, options);
            match (expected.as_str(), result) {
                (Some(expected), Ok(text)) if text == expected => {}
                (None, Err(_)) => {}
                (expected, result) => failures.push(format!(
                    "{filter} of {value:?}:\n  expected {expected:?}\n  got      {result:?}"
                )),
            }
        }
    }
    failures
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn load_vectors_match_pyyaml() {
    assert_no_failures(check_load_vectors("yaml-load.json"));
}

#[test]
fn dump_vectors_match_pyyaml() {
    assert_no_failures(check_dump_vectors("yaml-dump.json"));
}

#[test]
fn extra_load_vectors_match_pyyaml() {
    assert_no_failures(check_load_vectors("yaml-extra.json"));
}

#[test]
fn extra_dump_vectors_match_pyyaml() {
    assert_no_failures(check_dump_vectors("yaml-extra.json"));
}

/// The engine-vectors case loads a YAML answer and writes each `dNN` entry
/// with `to_nice_yaml`, a `---` line, then `to_yaml`.
#[test]
fn engine_vector_dumps_match_copier() {
    let case = repository_path("tests/conformance/engine-vectors");
    let config_text = fs::read_to_string(case.join("template/copier.yml")).expect("copier.yml");
    let config = yaml::load(&config_text).expect("copier.yml loads");
    let context_text = config
        .get("ctx")
        .and_then(|question| question.get("default"))
        .and_then(Value::as_str)
        .expect("ctx default is a string");
    let context = yaml::load(context_text).expect("ctx default loads");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (key, value) in context.as_map().expect("ctx is a mapping") {
        let name = key.as_str().expect("string key");
        if !name.starts_with('d') {
            continue;
        }
        let expected =
            fs::read_to_string(case.join(format!("expected/{name}.txt"))).expect("expected file");
        let nice = yaml::dump(value, &DumpOptions::to_nice_yaml()).expect("to_nice_yaml");
        let plain = yaml::dump(value, &DumpOptions::to_yaml()).expect("to_yaml");
        let written = format!("{nice}---\n{plain}");
        if written != expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {written:?}"
            ));
        }
        checked += 1;
    }
    assert!(checked > 70, "only {checked} d-files checked");
    assert_no_failures(failures);
}

/// An answers file is a comment line followed by `to_nice_yaml` of the
/// answers, so loading and writing it again gives the same bytes.
#[test]
fn conformance_answers_files_round_trip() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let cases = fs::read_dir(repository_path("tests/conformance")).expect("conformance folder");
    for case in cases {
        let path = case
            .expect("entry")
            .path()
            .join("expected/.copier-answers.yml");
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let body = text
            .split_once('\n')
            .filter(|(first, _)| first.starts_with('#'))
            .map_or(text.as_str(), |(_, rest)| rest);
        let value = yaml::load(&text).unwrap_or_else(|error| panic!("{path:?}: {error}"));
        // Some cases write their own file under that name; only answers
        // (a mapping) are dumps of `to_nice_yaml`.
        if value.as_map().is_none() {
            continue;
        }
        let written = yaml::dump(&value, &DumpOptions::to_nice_yaml()).expect("dump");
        if written != body {
            failures.push(format!(
                "{path:?}:\n  expected {body:?}\n  got      {written:?}"
            ));
        }
        checked += 1;
    }
    assert!(checked > 0, "no answers files found");
    assert_no_failures(failures);
}
