//! The question loop driven through the `Prompter` trait: defaults offered,
//! invalid answers re-asked with their message, and the order of questions.

use std::collections::VecDeque;

use kwz_new::answers::{AskOptions, PromptRequest, Prompter};
use kwz_new::context::RunFacts;
use kwz_new::engine::{Operation, Template, Worker};
use kwz_new::source::local;
use kwz_new::value::Value;

/// Answers prompts from a queue and records what it was shown.
#[derive(Default)]
struct Scripted {
    replies: VecDeque<Value>,
    asked: Vec<(String, Option<Value>)>,
    errors: Vec<String>,
}

impl Prompter for Scripted {
    fn prompt(
        &mut self,
        request: &PromptRequest<'_>,
        check: &mut dyn FnMut(Value) -> Result<Value, String>,
    ) -> anyhow::Result<Value> {
        self.asked
            .push((request.name.to_string(), request.default.clone()));
        loop {
            let reply = self.replies.pop_front().expect("a scripted reply is left");
            match check(reply) {
                Ok(answer) => return Ok(answer),
                Err(message) => self.errors.push(message),
            }
        }
    }
}

fn worker_for(config: &str) -> (tempfile::TempDir, Worker) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("copier.yml"), config).unwrap();
    let tree = local::load("template", dir.path()).unwrap();
    let template = Template::load(tree).unwrap();
    let facts = RunFacts {
        dst_absolute: dir.path().join("out"),
        dst_path: "out".into(),
        ..RunFacts::default()
    };
    (dir, Worker::new(template, facts, Operation::Copy))
}

const CONFIG: &str = r#"
name:
  type: str
  default: demo
  validator: "{% if ' ' in name %}no spaces{% endif %}"
port:
  type: int
  default: "{{ 8000 + 80 }}"
debug:
  type: bool
  default: false
"#;

#[test]
fn prompts_offer_defaults_and_reask() {
    let (_dir, mut worker) = worker_for(CONFIG);
    let mut prompter = Scripted::default();
    prompter.replies.extend([
        Value::from("has space"),
        Value::from("shop"),
        Value::from("x"),
        Value::from("9000"),
        Value::Bool(true),
    ]);
    worker.ask(&AskOptions::default(), &mut prompter).unwrap();

    let names: Vec<&str> = prompter
        .asked
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(names, ["name", "port", "debug"]);
    assert_eq!(prompter.asked[0].1, Some(Value::from("demo")));
    assert_eq!(prompter.asked[1].1, Some(Value::Int(8080)));
    assert_eq!(prompter.asked[2].1, Some(Value::Bool(false)));
    assert_eq!(prompter.errors.len(), 2);
    assert!(
        prompter.errors[0].contains("no spaces"),
        "{}",
        prompter.errors[0]
    );
    assert_eq!(prompter.errors[1], "invalid input");

    let combined = worker.answers.combined();
    assert_eq!(combined["name"], Value::from("shop"));
    assert_eq!(combined["port"], Value::Int(9000));
    assert_eq!(combined["debug"], Value::Bool(true));
}

#[test]
fn data_answers_skip_the_prompt() {
    let (_dir, mut worker) = worker_for(CONFIG);
    worker
        .answers
        .init
        .insert("name".into(), Value::from("given"));
    let mut prompter = Scripted::default();
    prompter
        .replies
        .extend([Value::from("8080"), Value::Bool(false)]);
    worker.ask(&AskOptions::default(), &mut prompter).unwrap();
    let names: Vec<&str> = prompter
        .asked
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(names, ["port", "debug"]);
    assert_eq!(worker.answers.combined()["name"], Value::from("given"));
}

#[test]
fn defaults_flag_never_prompts() {
    let (_dir, mut worker) = worker_for(CONFIG);
    let mut prompter = Scripted::default();
    worker
        .ask(
            &AskOptions {
                defaults: true,
                ..AskOptions::default()
            },
            &mut prompter,
        )
        .unwrap();
    assert!(prompter.asked.is_empty());
    assert_eq!(worker.answers.combined()["port"], Value::Int(8080));
}

#[test]
fn required_question_without_default_fails_under_defaults() {
    let (_dir, mut worker) = worker_for("token:\n  type: str\n");
    let error = worker
        .ask(
            &AskOptions {
                defaults: true,
                ..AskOptions::default()
            },
            &mut Scripted::default(),
        )
        .unwrap_err();
    assert!(error.to_string().contains("`token` is required"), "{error}");
}
