//! Fuzzes template rendering. The first byte picks environment options,
//! one bit each: `trim_blocks`, `lstrip_blocks`, autoescape,
//! `StrictUndefined`, no kept trailing newline and `#` line statements.
//! The rest is split at the first NUL into `a.txt.jinja` and `b.jinja`, so
//! that the first can include, import or extend the second. The first text
//! is rendered as a file, as a string and as a path component, with a few
//! variables of each kind. Renders may fail; none may panic.

#![no_main]

use std::collections::HashMap;
use std::sync::Arc;

use kwz_new::jinja::{Context, EnvOptions, Renderer, TemplateLoader};
use kwz_new::value::{Map, Value};
use libfuzzer_sys::fuzz_target;

/// Serves the two fuzzed files by name.
struct Files(HashMap<String, String>);

impl TemplateLoader for Files {
    fn load(&self, name: &str) -> Result<Option<String>, String> {
        Ok(self.0.get(name).cloned())
    }
}

fn options(flags: u8) -> EnvOptions {
    EnvOptions {
        trim_blocks: flags & 1 != 0,
        lstrip_blocks: flags & 2 != 0,
        autoescape: flags & 4 != 0,
        strict_undefined: flags & 8 != 0,
        keep_trailing_newline: flags & 16 == 0,
        line_statement_prefix: (flags & 32 != 0).then(|| "#".to_string()),
        ..EnvOptions::default()
    }
}

fn context() -> Context {
    let mut context = Context::default();
    context.insert("name", &Value::from("demo"));
    context.insert("count", &Value::Int(3));
    context.insert("ratio", &Value::Float(0.5));
    context.insert("flag", &Value::Bool(true));
    context.insert("nothing", &Value::Null);
    context.insert(
        "items",
        &Value::List(vec![Value::Int(1), Value::from("two"), Value::Null]),
    );
    let mut mapping = Map::new();
    mapping.insert(Value::from("key"), Value::from("value"));
    mapping.insert(Value::Int(1), Value::List(Vec::new()));
    context.insert("mapping", &Value::Map(mapping));
    context
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (main, other) = text.split_once('\0').unwrap_or((&text, ""));
    let files = Files(HashMap::from([
        ("a.txt.jinja".to_string(), main.to_string()),
        ("b.jinja".to_string(), other.to_string()),
    ]));
    let Ok(renderer) = Renderer::new(&options(flags), Arc::new(files)) else {
        return;
    };
    let context = context();
    let _ = renderer.render_file("a.txt.jinja", &context);
    let _ = renderer.render_str(main, &context);
    let _ = renderer.render_path_component(main, &context);
});
