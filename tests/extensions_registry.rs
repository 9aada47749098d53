//! `build-registry`: the registry files of an app, a service and two tools,
//! per stage, and the problems that stop the build.

mod extension_repo;

use extension_repo::{TestRepo, assert_fails, assert_succeeds, manifest, stdout};
use kwz_new::extensions::{ExtensionKind, Stage, registry_entry};
use serde_json::{Value, json};

const REGISTRY: &str = "build/kamiwaza-extension-registry/garden/v2";

/// Changes a repo before a case runs.
type Setup = fn(&TestRepo);

fn repo_with_extensions() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "apps/web-app/kamiwaza.json",
        &manifest(
            "web-app",
            "app",
            r#""preview_image": "images/web.svg", "compose_yml_file": "x", "_note": "internal""#,
        ),
    );
    repo.write("apps/web-app/images/web.svg", "<svg/>");
    repo.write(
        "apps/web-app/docker-compose.yml",
        "services:\n  backend:\n    build: ./backend\n    image: acme/web-app-backend:v1.2.0\n  cache:\n    image: redis:7-alpine\n",
    );
    let service =
        manifest("service-notes", "service", "").replace("  \"template_type\": \"service\",\n", "");
    repo.write("services/service-notes/kamiwaza.json", &service);
    repo.write(
        "services/service-notes/docker-compose.yml",
        "services:\n  api:\n    build: ./api\n    image: acme/service-notes-api:v1.2.0\n",
    );
    repo.write(
        "tools/tool-words/kamiwaza.json",
        &manifest(
            "tool-words",
            "tool",
            r#""extra_docker_images": ["acme/tool-words-helper:v1.2.0", "busybox:1"]"#,
        ),
    );
    repo.write(
        "tools/tool-words/docker-compose.yml",
        "services:\n  server:\n    build: .\n    image: acme/tool-words-server:v1.2.0\n",
    );
    repo.write(
        "tools/mcp-image/kamiwaza.json",
        &manifest("mcp-image", "tool", r#""image": "acme/mcp-image""#),
    );
    assert_succeeds(&repo.run(&["sync-compose"]));
    repo
}

fn read_json(repo: &TestRepo, file: &str) -> Value {
    serde_json::from_str(&repo.read(&format!("{REGISTRY}/{file}"))).unwrap()
}

#[test]
fn dev_registry_contents() {
    let repo = repo_with_extensions();
    let output = repo.run(&["build-registry"]);
    assert_succeeds(&output);
    assert_eq!(
        stdout(&output),
        format!("wrote {REGISTRY}/apps.json (2 entries) and tools.json (2 entries)\n")
    );

    let apps = read_json(&repo, "apps.json");
    let names: Vec<&str> = apps
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["web-app", "service-notes"],
        "apps first, then services"
    );
    let app = &apps[0];
    assert_eq!(
        app["docker_images"],
        json!(["acme/web-app-backend:v1.2.0-dev", "redis:7-alpine"])
    );
    assert_eq!(
        app["compose_yml"],
        "services:\n  backend:\n    image: acme/web-app-backend:v1.2.0-dev\n    extra_hosts:\n      - host.docker.internal:host-gateway\n    \
         deploy:\n      resources:\n        limits:\n          cpus: '1.0'\n          memory: 1G\n  cache:\n    image: redis:7-alpine\n    \
         extra_hosts:\n      - host.docker.internal:host-gateway\n    deploy:\n      resources:\n        limits:\n          cpus: '0.25'\n          memory: 256M\n"
    );
    assert_eq!(app["preview_image"], "images/web.svg");
    assert!(app.get("compose_yml_file").is_none());
    assert!(app.get("_note").is_none());
    let keys: Vec<&String> = app.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.first().map(|key| key.as_str()),
        Some("name"),
        "kamiwaza.json order kept"
    );
    assert_eq!(keys.last().map(|key| key.as_str()), Some("docker_images"));
    assert_eq!(apps[1]["template_type"], "service");
    assert_eq!(repo.read(&format!("{REGISTRY}/images/web.svg")), "<svg/>");

    let tools = read_json(&repo, "tools.json");
    assert_eq!(tools[0]["name"], "mcp-image");
    assert_eq!(tools[0]["image"], "acme/mcp-image:v1.2.0-dev");
    assert_eq!(
        tools[0]["docker_images"],
        json!(["acme/mcp-image:v1.2.0-dev"])
    );
    assert_eq!(tools[1]["name"], "tool-words");
    assert_eq!(
        tools[1]["docker_images"],
        json!(["acme/tool-words-server:v1.2.0-dev"])
    );
    assert_eq!(
        tools[1]["extra_docker_images"],
        json!(["acme/tool-words-helper:v1.2.0-dev", "busybox:1"])
    );
}

#[test]
fn stage_decides_tag_suffix() {
    let cases = [
        ("stage", "acme/web-app-backend:v1.2.0-stage"),
        ("prod", "acme/web-app-backend:v1.2.0"),
    ];
    for (stage, expected) in cases {
        let repo = repo_with_extensions();
        assert_succeeds(&repo.run(&["build-registry", "--stage", stage]));
        let apps = read_json(&repo, "apps.json");
        assert_eq!(apps[0]["docker_images"][0], expected, "stage {stage}");
    }
}

#[test]
fn same_bytes_every_run() {
    let repo = repo_with_extensions();
    assert_succeeds(&repo.run(&["build-registry"]));
    let first = (
        repo.read(&format!("{REGISTRY}/apps.json")),
        repo.read(&format!("{REGISTRY}/tools.json")),
    );
    repo.write(&format!("{REGISTRY}/stale.json"), "{}");
    assert_succeeds(&repo.run(&["build-registry"]));
    let second = (
        repo.read(&format!("{REGISTRY}/apps.json")),
        repo.read(&format!("{REGISTRY}/tools.json")),
    );
    assert_eq!(first, second);
    assert!(
        !repo.path(&format!("{REGISTRY}/stale.json")).exists(),
        "the registry is rebuilt from scratch"
    );
}

#[test]
fn entry_function_matches_file() {
    let repo = repo_with_extensions();
    assert_succeeds(&repo.run(&["build-registry"]));
    let entry = registry_entry(
        &repo.path("apps"),
        ExtensionKind::App,
        "web-app",
        Stage::Dev,
    )
    .unwrap();
    let mut written = read_json(&repo, "apps.json")[0].clone();
    assert_eq!(written["preview_image"], "images/web.svg");
    written["preview_image"] = entry["preview_image"].clone();
    assert_eq!(entry, written);
    let missing =
        registry_entry(repo.root(), ExtensionKind::Tool, "tool-nope", Stage::Dev).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "extension folder `tools/tool-nope` not found"
    );
}

#[test]
fn problems_stop_the_build() {
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "app garden file missing",
            |repo| repo.remove("apps/web-app/docker-compose.appgarden.yml"),
            "apps/web-app/docker-compose.appgarden.yml: file not found; run `make sync-compose`\n",
        ),
        (
            "required field missing",
            |repo| {
                repo.write(
                    "services/service-notes/kamiwaza.json",
                    "{\"name\": \"service-notes\"}",
                )
            },
            "services/service-notes/kamiwaza.json: version: missing or not a string; run `make validate`\n",
        ),
        (
            "invalid JSON",
            |repo| repo.write("tools/mcp-image/kamiwaza.json", "{,}"),
            "tools/mcp-image/kamiwaza.json:1:2: invalid JSON: key must be a string\n",
        ),
        (
            "duplicate preview",
            |repo| {
                repo.write(
                    "apps/other-app/kamiwaza.json",
                    &manifest("other-app", "app", r#""preview_image": "web.svg""#),
                );
                repo.write("apps/other-app/web.svg", "<svg/>");
                repo.write(
                    "apps/other-app/docker-compose.appgarden.yml",
                    "services:\n  web:\n    image: nginx\n",
                );
            },
            "build/kamiwaza-extension-registry/garden/v2: `other-app` and `web-app` both have the preview image `web.svg`; rename one\n",
        ),
    ];
    for (name, setup, expected) in cases {
        let repo = repo_with_extensions();
        setup(&repo);
        let output = repo.run(&["build-registry"]);
        assert_fails(&output);
        assert_eq!(stdout(&output), expected, "case: {name}");
        assert!(
            !repo.path(REGISTRY).exists(),
            "case {name}: nothing written"
        );
    }
}
