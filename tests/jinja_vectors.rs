//! The template engine against renders recorded from Copier 9.19.1's Jinja2
//! environment: `tests/vectors/*.json` (format in `tests/vectors/README.md`)
//! and the expected files of the conformance cases that exercise Jinja.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kwz_new::jinja::{
    Context, EnvOptions, Renderer, TemplateLoader, python_repr, python_str, to_jinja,
};
use kwz_new::value::{Date, DateTime, Map, Value};
use serde_json::Value as Json;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn conformance_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(case)
}

fn load_json(name: &str) -> Vec<Json> {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Decodes the typed JSON of the vector files into a plain value.
fn typed(json: &Json) -> Value {
    let kind = json["type"].as_str().expect("typed value has a type");
    let value = &json["value"];
    match kind {
        "null" => Value::Null,
        "bool" => Value::Bool(value.as_bool().expect("bool")),
        "int" => Value::Int(value.as_str().expect("int text").parse().expect("int")),
        "float" => Value::Float(match value.as_str().expect("float text") {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "nan" => f64::NAN,
            text => text.parse().expect("float"),
        }),
        "str" => Value::Str(value.as_str().expect("str").to_string()),
        "date" => Value::Date(parse_date(value.as_str().expect("date"))),
        "datetime" => Value::DateTime(parse_datetime(value.as_str().expect("datetime"))),
        "list" => Value::List(value.as_array().expect("list").iter().map(typed).collect()),
        "map" => {
            let mut map = Map::new();
            for pair in value.as_array().expect("map pairs") {
                map.insert(typed(&pair[0]), typed(&pair[1]));
            }
            Value::Map(map)
        }
        other => panic!("unknown typed value kind {other}"),
    }
}

fn parse_date(text: &str) -> Date {
    let mut parts = text
        .split('-')
        .map(|part| part.parse::<i64>().expect("date part"));
    Date {
        year: parts.next().expect("year") as i32,
        month: parts.next().expect("month") as u32,
        day: parts.next().expect("day") as u32,
    }
}

/// Parses Python's `datetime.isoformat()`: `2024-01-31T10:00:00[.ffffff][+HH:MM]`.
fn parse_datetime(text: &str) -> DateTime {
    let (date, time) = text.split_once('T').expect("datetime has a T");
    let (time, offset) = match time.find(['+', '-']) {
        Some(index) => (&time[..index], Some(&time[index..])),
        None => (time, None),
    };
    let (time, micros) = time.split_once('.').unwrap_or((time, "0"));
    let mut clock = time
        .split(':')
        .map(|part| part.parse::<u32>().expect("time part"));
    let utc_offset = offset.map(|offset| {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let mut fields = offset[1..]
            .split(':')
            .map(|part| part.parse::<i32>().expect("offset"));
        let hours = fields.next().unwrap_or(0);
        let minutes = fields.next().unwrap_or(0);
        sign * (hours * 3600 + minutes * 60)
    });
    DateTime {
        date: parse_date(date),
        hour: clock.next().expect("hour"),
        minute: clock.next().expect("minute"),
        second: clock.next().unwrap_or(0),
        microsecond: micros.parse().expect("microseconds"),
        utc_offset,
    }
}

/// Serves templates from a folder, as the copy engine's loader does.
struct FolderLoader(PathBuf);

impl TemplateLoader for FolderLoader {
    fn load(&self, name: &str) -> Result<Option<String>, String> {
        if name.split('/').any(|part| part == "..") {
            return Err(format!("`{name}` is outside the template root"));
        }
        match std::fs::read_to_string(self.0.join(name)) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.to_string()),
        }
    }
}

fn renderer(options: &EnvOptions, root: &Path) -> Renderer {
    Renderer::new(options, Arc::new(FolderLoader(root.to_path_buf()))).expect("renderer builds")
}

/// Builds a context from a typed map; a top-level `path` value (an
/// extension of the format for `PurePath` objects) becomes a path object.
fn context_from(json: &Json) -> Context {
    let mut context = Context::default();
    for pair in json["value"].as_array().expect("context is a map") {
        let name = pair[0]["value"].as_str().expect("context keys are strings");
        if pair[1]["type"] == "path" {
            let path = pair[1]["value"].as_str().expect("path text");
            context.insert_object(name, kwz_new::jinja::path_object(path));
        } else {
            context.insert(name, &typed(&pair[1]));
        }
    }
    context
}

fn envops_from(case: &Json) -> EnvOptions {
    match case.get("envops") {
        Some(envops) => EnvOptions::from_envops(&typed(envops)).expect("valid envops"),
        None => EnvOptions::default(),
    }
}

fn needs_yaml(template: &str) -> bool {
    ["to_yaml", "to_nice_yaml", "from_yaml"]
        .iter()
        .any(|filter| template.contains(filter))
}

/// Renders every vector of `file` selected by `select` and returns a
/// description of each mismatch.
fn check_render_vectors(file: &str, select: impl Fn(&str) -> bool) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (index, case) in load_json(file).iter().enumerate() {
        let template = case["template"].as_str().expect("template");
        if !select(template) {
            continue;
        }
        checked += 1;
        let renderer = renderer(&envops_from(case), &vectors_dir());
        let context = context_from(&case["context"]);
        let result = renderer.render_str(template, &context);
        match (case.get("expected"), result) {
            (Some(expected), Ok(output)) if expected.as_str() == Some(&output) => {}
            (None, Err(_)) => {}
            (expected, result) => failures.push(format!(
                "{file}[{index}] {template:?}\n  expected: {}\n  got:      {:?}",
                match expected {
                    Some(expected) => format!("{expected}"),
                    None => format!("error {}", case["error"]),
                },
                result.map_err(|error| format!("{error} {:?}", error.detail))
            )),
        }
    }
    (checked, failures)
}

#[test]
fn render_vectors_match_jinja2() {
    let (checked, failures) = check_render_vectors("jinja-render.json", |t| !needs_yaml(t));
    assert!(checked > 40, "only {checked} vectors checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn render_vectors_with_yaml_filters_match_jinja2() {
    let (checked, failures) = check_render_vectors("jinja-render.json", needs_yaml);
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extra_vectors_match_jinja2() {
    let (checked, failures) = check_render_vectors("jinja-extra.json", |t| !needs_yaml(t));
    assert!(checked > 100, "only {checked} vectors checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extra_vectors_with_yaml_filters_match_jinja2() {
    let (_, failures) = check_render_vectors("jinja-extra.json", needs_yaml);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn python_str_vectors_match_python() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    for case in load_json("python-str.json") {
        let value = typed(&case["value"]);
        let expected = case["expected"].as_str().expect("expected text");
        assert_eq!(python_str(&value), expected, "python_str of {value:?}");

        let mut context = Context::default();
        context.insert("value", &value);
        let rendered = renderer
            .render_str("{{ value }}", &context)
            .expect("renders");
        assert_eq!(rendered, expected, "{{{{ value }}}} of {value:?}");
    }
}

#[test]
fn python_repr_quotes_strings_inside_containers() {
    let value = Value::List(vec![Value::from("it's"), Value::from("x")]);
    assert_eq!(python_repr(&value), "[\"it's\", 'x']");
    assert_eq!(python_repr(&Value::from("x")), "'x'");
    assert_eq!(python_str(&Value::from("x")), "x");
}

/// Renders `name` in the template folder of `case` and compares it with
/// the case's expected file of the same name less `.jinja`.
fn assert_renders_expected(renderer: &Renderer, case: &str, name: &str, context: &Context) {
    let output = renderer
        .render_file(name, context)
        .unwrap_or_else(|error| panic!("{case}/{name}: {error} {:?}", error.detail));
    let expected_path = conformance_dir(case)
        .join("expected")
        .join(name.trim_end_matches(".jinja"));
    let expected = std::fs::read_to_string(&expected_path).expect("expected file");
    assert_eq!(output, expected, "{case}/{name}");
}

/// The `s*` and `j*` files of the engine-vectors case, with `ctx` built
/// from the vector files instead of from `copier.yml` (which needs the YAML
/// reader). `j04` depends on the key order of the YAML file, and files that
/// use the YAML filters need `crate::yaml`: both are left to the YAML-based
/// test below.
#[test]
fn engine_vectors_render_expected_files() {
    let root = conformance_dir("engine-vectors").join("template");
    let renderer = renderer(&EnvOptions::default(), &root);
    let mut ctx = Map::new();
    for (index, case) in load_json("python-str.json").iter().enumerate() {
        ctx.insert(Value::from(format!("s{index:02}")), typed(&case["value"]));
    }
    for (index, case) in load_json("jinja-render.json").iter().enumerate() {
        ctx.insert(Value::from(format!("j{index:02}")), typed(&case["context"]));
    }
    let mut context = Context::default();
    context.insert("ctx", &Value::Map(ctx));

    let mut checked = 0;
    for entry in std::fs::read_dir(&root).expect("template folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("UTF-8 name");
        let by_hand = name.starts_with('s') || name.starts_with('j');
        if !by_hand || !name.ends_with(".jinja") || name == "j04.txt.jinja" {
            continue;
        }
        let source = std::fs::read_to_string(root.join(&name)).expect("template file");
        if needs_yaml(&source) {
            continue;
        }
        assert_renders_expected(&renderer, "engine-vectors", &name, &context);
        checked += 1;
    }
    assert_eq!(checked, 78);
}

/// Renders every file of the engine-vectors case, with `ctx` read from
/// `copier.yml` as the copy engine reads it.
#[test]
fn engine_vectors_render_with_yaml_context() {
    let root = conformance_dir("engine-vectors").join("template");
    let config = std::fs::read_to_string(root.join("copier.yml")).expect("copier.yml");
    let config = kwz_new::yaml::load(&config).expect("copier.yml loads");
    let default = config
        .get("ctx")
        .and_then(|question| question.get("default"))
        .and_then(Value::as_str)
        .expect("ctx default");
    let ctx = kwz_new::yaml::load(default).expect("ctx default loads");
    let mut context = Context::default();
    context.insert("ctx", &ctx);
    let renderer = renderer(&EnvOptions::default(), &root);
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).expect("template folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("UTF-8 name");
        if name.ends_with(".txt.jinja") {
            assert_renders_expected(&renderer, "engine-vectors", &name, &context);
            checked += 1;
        }
    }
    assert_eq!(checked, 154);
}

#[test]
fn jinja_features_case_renders_expected_table() {
    let root = conformance_dir("jinja-features").join("template");
    let renderer = renderer(&EnvOptions::default(), &root);
    let mut context = Context::default();
    context.insert(
        "items",
        &Value::List(vec![
            Value::from("alpha"),
            Value::from("beta"),
            Value::from("gamma"),
        ]),
    );
    context.insert("title", &Value::from("Hello World"));
    assert_renders_expected(&renderer, "jinja-features", "table.md.jinja", &context);
}

#[test]
fn envops_delimiters_case_renders_expected_file() {
    let root = conformance_dir("envops-delimiters").join("template");
    let mut envops = Map::new();
    for (key, value) in [
        ("block_start_string", "[%"),
        ("block_end_string", "%]"),
        ("variable_start_string", "[["),
        ("variable_end_string", "]]"),
    ] {
        envops.insert(Value::from(key), Value::from(value));
    }
    envops.insert(Value::from("keep_trailing_newline"), Value::Bool(false));
    let options = EnvOptions::from_envops(&Value::Map(envops)).expect("valid envops");
    let renderer = renderer(&options, &root);
    let mut context = Context::default();
    context.insert("name", &Value::from("gamma"));

    let components = renderer
        .render_path_component("[[ name ]].txt", &context)
        .expect("path renders");
    assert_eq!(components, vec![("gamma.txt".to_string(), Vec::new())]);
    let output = renderer
        .render_file("[[ name ]].txt.jinja", &context)
        .expect("file renders");
    let expected =
        std::fs::read_to_string(conformance_dir("envops-delimiters").join("expected/gamma.txt"))
            .expect("expected file");
    assert_eq!(output, expected);
}

fn structured_types_context() -> Context {
    let port = |number: i64| {
        let mut map = Map::new();
        map.insert(Value::from("port"), Value::from(number));
        Value::Map(map)
    };
    let mut services = Map::new();
    services.insert(Value::from("web"), port(8080));
    services.insert(Value::from("worker"), port(9090));
    let mut labels = Map::new();
    labels.insert(Value::from("team"), Value::from("platform"));
    labels.insert(Value::from("tier"), Value::from(2));
    let mut context = Context::default();
    context.insert("services", &Value::Map(services));
    context.insert("labels", &Value::Map(labels));
    context
}

#[test]
fn structured_types_case_renders_expected_files() {
    let root = conformance_dir("structured-types").join("template");
    let renderer = renderer(&EnvOptions::default(), &root);
    let context = structured_types_context();
    assert_renders_expected(&renderer, "structured-types", "ports.txt.jinja", &context);
    assert_renders_expected(&renderer, "structured-types", "labels.json.jinja", &context);
}

#[test]
fn structured_types_case_renders_nice_yaml() {
    let root = conformance_dir("structured-types").join("template");
    let renderer = renderer(&EnvOptions::default(), &root);
    let context = structured_types_context();
    assert_renders_expected(
        &renderer,
        "structured-types",
        "services.yml.jinja",
        &context,
    );
}

#[test]
fn yield_in_path_component_expands_items() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let mut context = Context::default();
    context.insert(
        "items",
        &Value::List(vec![Value::from("a"), Value::from("b")]),
    );
    let components = renderer
        .render_path_component(
            "pre-{% yield item from items %}{{ item }}{% endyield %}.txt",
            &context,
        )
        .expect("yield renders");
    assert_eq!(
        components,
        vec![
            (
                "pre-a.txt".to_string(),
                vec![("item".to_string(), Value::from("a"))]
            ),
            (
                "pre-b.txt".to_string(),
                vec![("item".to_string(), Value::from("b"))]
            ),
        ]
    );
}

#[test]
fn yield_over_undefined_iterable_yields_nothing() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let components = renderer
        .render_path_component(
            "{% yield item from missing %}{{ item }}{% endyield %}",
            &Context::default(),
        )
        .expect("yield renders");
    assert!(components.is_empty());
}

#[test]
fn two_yield_tags_in_one_component_fail() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let mut context = Context::default();
    context.insert("items", &Value::List(vec![Value::from("a")]));
    let source = "{% yield a from items %}{{ a }}{% endyield %}{% yield b from items %}{{ b }}{% endyield %}";
    assert!(renderer.render_path_component(source, &context).is_err());
}

#[test]
fn yield_in_file_content_fails() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        root.path().join("f.txt.jinja"),
        "{% yield x from [1] %}{{ x }}{% endyield %}",
    )
    .expect("write template");
    let renderer = renderer(&EnvOptions::default(), root.path());
    let error = renderer
        .render_file("f.txt.jinja", &Context::default())
        .expect_err("yield in a file is refused");
    assert!(error.message.contains("yield"), "{}", error.message);
    assert_eq!(error.template.as_deref(), Some("f.txt.jinja"));
}

#[test]
fn includes_resolve_from_template_root_with_crlf_normalised() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(root.path().join("sub")).expect("mkdir");
    std::fs::write(root.path().join("sub/part.jinja"), "a\r\nb\r").expect("write part");
    std::fs::write(
        root.path().join("sub/main.jinja"),
        "{% include 'sub/part.jinja' %}|{% from 'sub/macros.jinja' import m %}{{ m() }}",
    )
    .expect("write main");
    std::fs::write(
        root.path().join("sub/macros.jinja"),
        "{% macro m() %}{{ '%s!' % 'M' }}{% endmacro %}",
    )
    .expect("write macros");
    let renderer = renderer(&EnvOptions::default(), root.path());
    let output = renderer
        .render_file("sub/main.jinja", &Context::default())
        .expect("renders");
    assert_eq!(output, "a\nb\n|M!");
}

#[test]
fn extends_overrides_blocks_of_the_base() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        root.path().join("base.jinja"),
        "<{% block body %}base{% endblock %}>\r\n",
    )
    .expect("write base");
    std::fs::write(
        root.path().join("child.jinja"),
        "{% extends 'base.jinja' %}{% block body %}{{ super() }}+{{ '%d' % 2 }}{% endblock %}",
    )
    .expect("write child");
    let renderer = renderer(&EnvOptions::default(), root.path());
    let output = renderer
        .render_file("child.jinja", &Context::default())
        .expect("renders");
    assert_eq!(output, "<base+2>\n");
}

#[test]
fn error_in_include_names_the_cause() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("inner.jinja"), "ok\n{{ 1 / 0 }}").expect("write inner");
    std::fs::write(
        root.path().join("outer.jinja"),
        "{% include 'inner.jinja' %}",
    )
    .expect("write outer");
    let renderer = renderer(&EnvOptions::default(), root.path());
    let error = renderer
        .render_file("outer.jinja", &Context::default())
        .expect_err("division by zero fails");
    assert!(
        error.message.contains("division by zero"),
        "{}",
        error.message
    );
    assert!(error.message.contains("inner.jinja:2"), "{}", error.message);
}

#[test]
fn loader_refusal_is_a_render_error() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let error = renderer
        .render_str("{% include '../outside.jinja' %}", &Context::default())
        .expect_err("the loader refuses the name");
    assert!(
        error.message.contains("outside the template root"),
        "{}",
        error.message
    );
}

#[test]
fn renderer_is_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Renderer>();
}

#[test]
fn render_error_names_template_and_line() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        root.path().join("bad.jinja"),
        "line one\n{{ '%d' % 'x' }}\n",
    )
    .expect("write");
    let renderer = renderer(&EnvOptions::default(), root.path());
    let error = renderer
        .render_file("bad.jinja", &Context::default())
        .expect_err("formatting a string with %d fails");
    assert_eq!(error.template.as_deref(), Some("bad.jinja"));
    assert_eq!(error.line, Some(2));
    let detail = error.detail.expect("excerpt");
    assert!(detail.contains("{{ '%d' % 'x' }}"), "{detail}");
}

#[test]
fn file_source_renders_like_a_loaded_file() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("part.jinja"), "a\r\nb").expect("write part");
    let source = "{% include 'part.jinja' %}|{{ '%s!' % 'M' }}\r\n{{ [1] + [2] }}";
    std::fs::write(root.path().join("main.jinja"), source).expect("write main");
    let renderer = renderer(&EnvOptions::default(), root.path());
    let loaded = renderer
        .render_file("main.jinja", &Context::default())
        .expect("renders from the loader");
    let given = renderer
        .render_file_source("main.jinja", source, &Context::default())
        .expect("renders from the text");
    assert_eq!(given, "a\nb|M!\n[1, 2]");
    assert_eq!(given, loaded);
}

#[test]
fn file_source_error_shows_the_text_as_written() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let error = renderer
        .render_file_source(
            "not-on-disk.jinja",
            "line one\n{{ '%d' % 'x' }}\n",
            &Context::default(),
        )
        .expect_err("formatting a string with %d fails");
    assert_eq!(error.template.as_deref(), Some("not-on-disk.jinja"));
    assert_eq!(error.line, Some(2));
    let detail = error.detail.expect("excerpt");
    assert!(detail.contains("{{ '%d' % 'x' }}"), "{detail}");
}

#[test]
fn file_source_with_yield_fails() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let error = renderer
        .render_file_source(
            "f.txt.jinja",
            "{% yield x from [1] %}{{ x }}{% endyield %}",
            &Context::default(),
        )
        .expect_err("yield in a file is refused");
    assert!(error.message.contains("yield"), "{}", error.message);
    assert_eq!(error.template.as_deref(), Some("f.txt.jinja"));
}

#[test]
fn strict_undefined_fails_where_default_prints_empty() {
    let root = vectors_dir();
    let lenient = renderer(&EnvOptions::default(), &root);
    assert_eq!(
        lenient
            .render_str("[{{ missing }}]", &Context::default())
            .unwrap(),
        "[]"
    );
    let strict = renderer(
        &EnvOptions {
            strict_undefined: true,
            ..EnvOptions::default()
        },
        &root,
    );
    assert!(
        strict
            .render_str("[{{ missing }}]", &Context::default())
            .is_err()
    );
    assert!(
        strict
            .render_str("{% for x in missing %}{% endfor %}", &Context::default())
            .is_err()
    );
    assert_eq!(
        strict
            .render_str("{{ missing|default('d') }}", &Context::default())
            .unwrap(),
        "d"
    );
}

#[test]
fn mutation_is_visible_through_the_context() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let mut context = Context::default();
    context.insert("items", &Value::List(vec![Value::Int(1)]));
    let output = renderer
        .render_str("{% set _ = items.append(2) %}{{ items }}", &context)
        .expect("renders");
    assert_eq!(output, "[1, 2]");
}

#[test]
fn path_object_supports_pathlib_operations() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    let mut context = Context::default();
    context.insert_object(
        "src",
        kwz_new::jinja::path_object("/tmp/tpl/archive.tar.gz"),
    );
    let output = renderer
        .render_str(
            "{{ src }}|{{ src.name }}|{{ src.parent }}|{{ src.suffix }}|{{ src.stem }}|{{ src.parent / 'tasks.py' }}",
            &context,
        )
        .expect("renders");
    assert_eq!(
        output,
        "/tmp/tpl/archive.tar.gz|archive.tar.gz|/tmp/tpl|.gz|archive.tar|/tmp/tpl/tasks.py"
    );
}

#[test]
fn render_str_without_syntax_returns_text() {
    let renderer = renderer(&EnvOptions::default(), &vectors_dir());
    assert_eq!(
        renderer
            .render_str("plain\r\ntext\n", &Context::default())
            .unwrap(),
        "plain\ntext\n"
    );
    let trimmed = renderer_without_trailing_newline();
    assert_eq!(
        trimmed.render_str("plain\n", &Context::default()).unwrap(),
        "plain"
    );
    assert_eq!(
        trimmed
            .render_str("{{ 'x' }}\n", &Context::default())
            .unwrap(),
        "x"
    );
}

fn renderer_without_trailing_newline() -> Renderer {
    renderer(
        &EnvOptions {
            keep_trailing_newline: false,
            ..EnvOptions::default()
        },
        &vectors_dir(),
    )
}

#[test]
fn context_values_convert_back_unchanged() {
    let mut map = BTreeMap::new();
    map.insert("a", Value::List(vec![Value::Int(1), Value::from("x")]));
    for value in map.values() {
        assert_eq!(kwz_new::jinja::from_jinja(&to_jinja(value)), *value);
    }
}
