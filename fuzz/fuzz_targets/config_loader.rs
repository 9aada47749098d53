//! Fuzzes the config loader: the input is split at NUL bytes into up to
//! three files, `copier.yml`, `inc/a.yml` and `b.yml`, so that `!include`
//! patterns can reach real files. The template is loaded (YAML, `!include`,
//! settings, questions, the Jinja environment), then every question is
//! answered with its default, which renders defaults, choices and
//! validators. Any step may fail; none may panic.

#![no_main]

use std::sync::Arc;

use kwz_new::answers::{AskOptions, NoTerminal};
use kwz_new::context::RunFacts;
use kwz_new::engine::{Operation, Template, Worker};
use kwz_new::source::{Contents, Entry, EntryKind, TemplateTree};
use libfuzzer_sys::fuzz_target;

fn file(path: &str, bytes: &[u8]) -> Entry {
    Entry {
        path: path.to_string(),
        kind: EntryKind::File {
            contents: Contents::Bytes(Arc::from(bytes)),
            mode: 0o644,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |byte| *byte == 0);
    let mut next = || parts.next().unwrap_or_default();
    let entries = vec![
        file("copier.yml", next()),
        Entry {
            path: "inc".to_string(),
            kind: EntryKind::Dir,
        },
        file("inc/a.yml", next()),
        file("b.yml", next()),
    ];
    let tree = TemplateTree::new("fuzz".into(), "/fuzz".into(), entries, None);
    let Ok(template) = Template::load(tree) else {
        return;
    };
    let facts = RunFacts {
        dst_path: "project".into(),
        dst_absolute: "/nonexistent/kwz-new-fuzz/project".into(),
        answers_file: ".copier-answers.yml".into(),
        defaults: true,
        ..RunFacts::default()
    };
    let mut worker = Worker::new(template, facts, Operation::Copy);
    let options = AskOptions {
        defaults: true,
        skip_answered: false,
        ask: Vec::new(),
        settings_defaults: Default::default(),
    };
    let _ = worker.ask(&options, &mut NoTerminal);
});
