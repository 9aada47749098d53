//! `validate`: one test per rule with its exact message, realistic compose
//! files run through `sync-compose` first, and bad input.

mod extension_repo;

use extension_repo::{TestRepo, assert_fails, assert_succeeds, manifest, stderr, stdout};

const APP: &str = "apps/web-app";

const APP_COMPOSE: &str = r#"# Local stack of web-app.
services:
  backend:
    build: ./backend
    image: acme/web-app-backend:v1.2.0
    ports:
      - "8000:8000"
    environment:
      KAMIWAZA_API_URL: http://host.docker.internal:7777/api
    volumes:
      - ./backend:/app
  redis:
    image: redis:7-alpine
"#;

/// A repo with one valid app, its App Garden file generated.
fn valid_app() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        &format!("{APP}/kamiwaza.json"),
        &manifest("web-app", "app", ""),
    );
    repo.write(&format!("{APP}/docker-compose.yml"), APP_COMPOSE);
    assert_succeeds(&repo.run(&["sync-compose"]));
    repo
}

/// Replaces `from` by `to` in a file of the repo; `from` must occur.
fn edit(repo: &TestRepo, file: &str, from: &str, to: &str) {
    let text = repo.read(file);
    assert!(text.contains(from), "{file} does not contain {from:?}");
    repo.write(file, &text.replacen(from, to, 1));
}

fn edit_manifest(repo: &TestRepo, from: &str, to: &str) {
    edit(repo, &format!("{APP}/kamiwaza.json"), from, to);
}

/// Writes a hand-made App Garden file for the app.
fn appgarden(repo: &TestRepo, services: &str) {
    repo.write(&format!("{APP}/docker-compose.appgarden.yml"), services);
}

const LIMITS: &str =
    "    deploy:\n      resources:\n        limits:\n          cpus: '1.0'\n          memory: 1G\n";

type Setup = fn(&TestRepo);

#[test]
fn valid_app_passes() {
    let repo = valid_app();
    let output = repo.run(&["validate"]);
    assert_succeeds(&output);
    assert_eq!(
        stdout(&output),
        "validated 1 extension: no errors, 0 warnings\n"
    );
}

#[test]
fn each_rule_reports_its_message() {
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "missing field",
            |repo| edit_manifest(repo, "  \"description\": \"Test extension web-app\",\n", ""),
            "apps/web-app/kamiwaza.json: description: missing required field",
        ),
        (
            "risk tier type",
            |repo| edit_manifest(repo, "\"risk_tier\": 1", "\"risk_tier\": \"1\""),
            "apps/web-app/kamiwaza.json: risk_tier: expected an integer, found a string",
        ),
        (
            "verified type",
            |repo| edit_manifest(repo, "\"verified\": false", "\"verified\": \"no\""),
            "apps/web-app/kamiwaza.json: verified: expected a boolean, found a string",
        ),
        (
            "name differs from folder",
            |repo| edit_manifest(repo, "\"name\": \"web-app\"", "\"name\": \"other-app\""),
            "apps/web-app/kamiwaza.json: name: `other-app` does not match the folder name `web-app`",
        ),
        (
            "version with v",
            |repo| edit_manifest(repo, "\"version\": \"1.2.0\"", "\"version\": \"v1.2.0\""),
            "apps/web-app/kamiwaza.json: version: `v1.2.0` is not a semantic version such as `1.2.3` (no leading `v`)",
        ),
        (
            "source type",
            |repo| {
                edit_manifest(
                    repo,
                    "\"source_type\": \"kamiwaza\"",
                    "\"source_type\": \"github\"",
                )
            },
            "apps/web-app/kamiwaza.json: source_type: `github` is not one of `kamiwaza`, `user_repo`, `public`",
        ),
        (
            "visibility",
            |repo| {
                edit_manifest(
                    repo,
                    "\"visibility\": \"private\"",
                    "\"visibility\": \"everyone\"",
                )
            },
            "apps/web-app/kamiwaza.json: visibility: `everyone` is not one of `public`, `private`, `team`",
        ),
        (
            "risk tier range",
            |repo| edit_manifest(repo, "\"risk_tier\": 1", "\"risk_tier\": 3"),
            "apps/web-app/kamiwaza.json: risk_tier: `3` is not 0, 1 or 2",
        ),
        (
            "template type",
            |repo| {
                edit_manifest(
                    repo,
                    "\"template_type\": \"app\"",
                    "\"template_type\": \"Tools\"",
                )
            },
            "apps/web-app/kamiwaza.json: template_type: `Tools` does not match the folder `apps/`: expected `app`",
        ),
        (
            "tags type",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"tags\": \"a,b\"",
                )
            },
            "apps/web-app/kamiwaza.json: tags: expected an array of strings, found a string",
        ),
        (
            "required env vars items",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"required_env_vars\": [1]",
                )
            },
            "apps/web-app/kamiwaza.json: required_env_vars[0]: expected a string, found an integer",
        ),
        (
            "env defaults values",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"env_defaults\": {\"PORT\": 8000}",
                )
            },
            "apps/web-app/kamiwaza.json: env_defaults.PORT: expected a string, found an integer",
        ),
        (
            "env defaults type",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"env_defaults\": [\"PORT=1\"]",
                )
            },
            "apps/web-app/kamiwaza.json: env_defaults: expected an object of strings, found an array",
        ),
        (
            "kamiwaza version",
            |repo| edit_manifest(repo, "\">=0.9.0\"", "\"0.9\""),
            "apps/web-app/kamiwaza.json: kamiwaza_version: `0.9` is not a list of constraints such as `>=0.9.0` or `>=0.8.0,<1.0.0`",
        ),
        (
            "preview image missing",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"preview_image\": \"images/p.png\"",
                )
            },
            "apps/web-app/kamiwaza.json: preview_image: `images/p.png` not found in `apps/web-app`",
        ),
        (
            "preview image elsewhere",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"preview_image\": \"https://example.com/p.png\"",
                )
            },
            "apps/web-app/kamiwaza.json: preview_image: `https://example.com/p.png` is neither an image file in the extension folder nor an image under `https://info.kamiwaza.ai/`, `/garden/` or `/app-garden-images/`",
        ),
        (
            "preview image outside folder",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"preview_image\": \"../p.png\"",
                )
            },
            "apps/web-app/kamiwaza.json: preview_image: `../p.png` leads outside the extension folder",
        ),
        (
            "preview image not an image",
            |repo| {
                repo.write("apps/web-app/notes.txt", "x");
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"preview_image\": \"notes.txt\"",
                );
            },
            "apps/web-app/kamiwaza.json: preview_image: `notes.txt` is not an image file (png, jpg, jpeg, webp, gif, svg)",
        ),
        (
            "image with stage tag",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"image\": \"acme/web-app-backend:v1.2.0-dev\"",
                )
            },
            "apps/web-app/kamiwaza.json: image: tag `v1.2.0-dev` carries a stage suffix; write `v<version>` and let the registry build add the suffix",
        ),
        (
            "image tag not version",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"image\": \"acme/web-app-backend:1.2.0\"",
                )
            },
            "apps/web-app/kamiwaza.json: image: tag `1.2.0` does not match the version: expected `v1.2.0`",
        ),
        (
            "image variable",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"image\": \"${REGISTRY}/web-app\"",
                )
            },
            "apps/web-app/kamiwaza.json: image: `${REGISTRY}/web-app` uses a variable; App Garden needs a literal image name",
        ),
        (
            "image malformed",
            |repo| {
                edit_manifest(
                    repo,
                    "\"verified\": false",
                    "\"verified\": false, \"image\": \"Web App\"",
                )
            },
            "apps/web-app/kamiwaza.json: image: `Web App` is not a valid image reference such as `org/name:tag`",
        ),
        (
            "local compose missing",
            |repo| repo.remove("apps/web-app/docker-compose.yml"),
            "apps/web-app/docker-compose.yml: file not found; every app needs one",
        ),
        (
            "both compose spellings",
            |repo| repo.write("apps/web-app/docker-compose.yaml", APP_COMPOSE),
            "apps/web-app/docker-compose.yml: both `docker-compose.yml` and `docker-compose.yaml` exist; keep one",
        ),
        (
            "app garden file missing",
            |repo| repo.remove("apps/web-app/docker-compose.appgarden.yml"),
            "apps/web-app/docker-compose.appgarden.yml: file not found; run `make sync-compose`",
        ),
        (
            "app garden file stale",
            |repo| {
                edit(
                    repo,
                    "apps/web-app/docker-compose.yml",
                    "redis:7-alpine",
                    "redis:7.2-alpine",
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: out of date with the local compose file; run `make sync-compose`",
        ),
        (
            "own image missing",
            |repo| {
                edit(
                    repo,
                    "apps/web-app/docker-compose.yml",
                    "    image: acme/web-app-backend:v1.2.0\n",
                    "",
                )
            },
            "apps/web-app/docker-compose.yml: services.backend: builds an image but sets no `image`; add `image: acme/web-app-backend:v1.2.0`",
        ),
        (
            "own image without v",
            |repo| edit(repo, "apps/web-app/docker-compose.yml", ":v1.2.0", ":1.2.0"),
            "apps/web-app/docker-compose.yml: services.backend.image: `acme/web-app-backend:1.2.0` should be `acme/web-app-backend:v1.2.0`",
        ),
        (
            "build in app garden file",
            |repo| {
                appgarden(
                    repo,
                    &format!("services:\n  backend:\n    image: redis:7\n    build: .\n{LIMITS}"),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.build: App Garden cannot build images; remove `build` and set `image`",
        ),
        (
            "no image",
            |repo| appgarden(repo, &format!("services:\n  backend:\n{LIMITS}")),
            "apps/web-app/docker-compose.appgarden.yml: services.backend: no `image`; App Garden pulls an image for every service",
        ),
        (
            "variable image",
            |repo| {
                appgarden(
                    repo,
                    &format!("services:\n  backend:\n    image: ${{REGISTRY}}/api:1\n{LIMITS}"),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.image: `${REGISTRY}/api:1` uses a variable; App Garden needs a literal image name",
        ),
        (
            "own image old tag",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: acme/web-app-backend:v1.0.0\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.image: tag `v1.0.0` does not match the version: expected `v1.2.0`",
        ),
        (
            "host port short form",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    ports: [\"8000:8000\"]\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.ports[0]: `8000:8000` publishes a host port; App Garden assigns host ports, so write `8000`",
        ),
        (
            "host port long form",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    ports:\n      - target: 80\n        published: 8080\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.ports[0]: `published` sets a host port; App Garden assigns host ports, so keep only `target`",
        ),
        (
            "bind mount short form",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    volumes: [\"./data:/data\"]\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.volumes[0]: `./data:/data` mounts a host path; use a named volume",
        ),
        (
            "bind mount long form",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    volumes:\n      - type: bind\n        source: /srv\n        target: /srv\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.volumes[0]: `type: bind` mounts a host path; use a named volume",
        ),
        (
            "host gateway missing",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    environment:\n      - API=http://host.docker.internal:7777\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.extra_hosts: the environment uses `host.docker.internal`, so add `host.docker.internal:host-gateway`",
        ),
        (
            "limits missing",
            |repo| appgarden(repo, "services:\n  backend:\n    image: redis:7\n"),
            "apps/web-app/docker-compose.appgarden.yml: services.backend.deploy.resources.limits: missing; App Garden needs CPU and memory limits",
        ),
        (
            "host network",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    network_mode: host\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.network_mode: `host` is not allowed in App Garden",
        ),
        (
            "privileged",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n    privileged: true\n{LIMITS}"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: services.backend.privileged: privileged containers are not allowed in App Garden",
        ),
        (
            "volume device path",
            |repo| {
                appgarden(
                    repo,
                    &format!(
                        "services:\n  backend:\n    image: redis:7\n{LIMITS}volumes:\n  data:\n    driver_opts:\n      o: bind\n      device: /srv/data\n"
                    ),
                )
            },
            "apps/web-app/docker-compose.appgarden.yml: volumes.data.driver_opts.device: mounts a host path; App Garden volumes must be plain named volumes",
        ),
        (
            "no services",
            |repo| appgarden(repo, "volumes:\n  data:\n"),
            "apps/web-app/docker-compose.appgarden.yml: services: missing; a compose file needs at least one service",
        ),
        (
            "service not a mapping",
            |repo| appgarden(repo, "services:\n  backend: redis\n"),
            "apps/web-app/docker-compose.appgarden.yml: services.backend: expected a mapping, found a string",
        ),
    ];
    for (name, setup, expected) in cases {
        let repo = valid_app();
        setup(&repo);
        let output = repo.run(&["validate"]);
        assert_fails(&output);
        let printed = stdout(&output);
        assert!(
            printed.lines().any(|line| line == expected),
            "case `{name}`: expected line\n  {expected}\nin output:\n{printed}"
        );
        assert!(
            stderr(&output).starts_with("error: validation failed: "),
            "case `{name}`"
        );
    }
}

#[test]
fn name_prefix_rules_per_kind() {
    let repo = TestRepo::new();
    repo.write(
        "services/notes/kamiwaza.json",
        &manifest("notes", "service", ""),
    );
    repo.write(
        "services/notes/docker-compose.yml",
        "services:\n  db:\n    image: postgres:16\n",
    );
    repo.write(
        "tools/words/kamiwaza.json",
        &manifest("words", "tool", r#""image": "acme/words:v1.2.0""#),
    );
    repo.write(
        "apps/Web_App/kamiwaza.json",
        &manifest("Web_App", "app", ""),
    );
    repo.write(
        "apps/Web_App/docker-compose.yml",
        "services:\n  web:\n    image: nginx\n",
    );
    assert_succeeds(&repo.run(&["sync-compose"]));
    let printed = stdout(&repo.run(&["validate"]));
    for expected in [
        "services/notes/kamiwaza.json: name: `notes` must start with `service-` because it is a service",
        "tools/words/kamiwaza.json: name: `words` must start with `tool-` or `mcp-` because it is a tool",
        "apps/Web_App/kamiwaza.json: name: `Web_App` is not kebab-case (lowercase letters and digits joined by single hyphens)",
    ] {
        assert!(
            printed.lines().any(|line| line == expected),
            "expected {expected} in:\n{printed}"
        );
    }
}

#[test]
fn tool_needs_image_or_compose() {
    let repo = TestRepo::new();
    repo.write(
        "tools/tool-x/kamiwaza.json",
        &manifest("tool-x", "tool", ""),
    );
    let output = repo.run(&["validate"]);
    assert_fails(&output);
    assert_eq!(
        stdout(&output),
        "tools/tool-x/kamiwaza.json: image: missing; a tool needs an `image` or a `docker-compose.yml`\n"
    );
}

#[test]
fn tool_with_image_only_passes() {
    let repo = TestRepo::new();
    repo.write(
        "tools/tool-x/kamiwaza.json",
        &manifest("tool-x", "tool", r#""image": "acme/tool-x-server:v1.2.0""#),
    );
    assert_succeeds(&repo.run(&["validate"]));
}

#[test]
fn warnings_print_but_pass() {
    let repo = valid_app();
    edit_manifest(&repo, "  \"kamiwaza_version\": \">=0.9.0\",\n", "");
    edit_manifest(
        &repo,
        "\"verified\": false",
        "\"verified\": false, \"env_defaults\": {\"KAMIWAZA_API_URL\": \"x\"}",
    );
    let output = repo.run(&["validate"]);
    assert_succeeds(&output);
    assert_eq!(
        stdout(&output),
        "warning: apps/web-app/kamiwaza.json: env_defaults.KAMIWAZA_API_URL: the platform sets this variable at deploy time, so this default is ignored\n\
         warning: apps/web-app/kamiwaza.json: kamiwaza_version: missing; the v2 registry needs it to publish, for example `>=0.9.0`\n\
         validated 1 extension: no errors, 2 warnings\n"
    );
}

/// Realistic local compose files, run through `sync-compose`, then
/// `validate`: what the generated file may still carry is reported.
#[test]
fn generated_files_validate_table() {
    let cases = [
        ("short forms with binds", APP_COMPOSE, ""),
        (
            "long forms",
            "services:\n  backend:\n    build: .\n    image: acme/web-app-backend:v1.2.0\n    ports:\n      - target: 8000\n        published: 8000\n    volumes:\n      - type: bind\n        source: ./src\n        target: /src\n      - type: volume\n        source: cache\n        target: /cache\nvolumes:\n  cache:\n",
            "",
        ),
        (
            "variable image without build",
            "services:\n  worker:\n    image: ${REGISTRY:-docker.io}/org/worker:${TAG}\n",
            "apps/web-app/docker-compose.appgarden.yml: services.worker.image: `${REGISTRY:-docker.io}/org/worker:${TAG}` uses a variable; App Garden needs a literal image name\n",
        ),
        (
            "variable image with build",
            "services:\n  backend:\n    build: ./backend\n    image: ${REGISTRY}/web-app-backend:${VERSION:-latest}\n",
            "apps/web-app/docker-compose.yml: services.backend.image: `${REGISTRY}/web-app-backend:${VERSION:-latest}` should be `acme/web-app-backend:v1.2.0`\n\
             apps/web-app/docker-compose.appgarden.yml: services.backend.image: `${REGISTRY}/web-app-backend:${VERSION:-latest}` uses a variable; App Garden needs a literal image name\n",
        ),
        (
            "external services only",
            "# Milvus and its helpers.\nservices:\n  etcd:\n    image: quay.io/coreos/etcd:v3.5.5\n  minio:\n    image: minio/minio:RELEASE.2023-03-20T20-16-18Z\n    command: minio server /minio_data\n  milvus:\n    image: milvusdb/milvus:v2.3.3\n    depends_on: [etcd, minio]\n",
            "",
        ),
        (
            "host volume device",
            "services:\n  db:\n    image: postgres:16\n    volumes: [\"pg:/var/lib/postgresql/data\"]\nvolumes:\n  pg:\n    driver_opts:\n      type: none\n      o: bind\n      device: /srv/pg\n",
            "",
        ),
    ];
    for (name, compose, expected_errors) in cases {
        let repo = TestRepo::new();
        repo.write(
            &format!("{APP}/kamiwaza.json"),
            &manifest("web-app", "app", ""),
        );
        repo.write(&format!("{APP}/docker-compose.yml"), compose);
        assert_succeeds(&repo.run(&["sync-compose"]));
        let output = repo.run(&["validate"]);
        if expected_errors.is_empty() {
            assert_succeeds(&output);
        } else {
            assert_fails(&output);
            assert_eq!(stdout(&output), expected_errors, "case: {name}");
        }
    }
}

#[test]
fn all_extensions_reported_in_one_run() {
    let repo = valid_app();
    repo.write("apps/other-app/kamiwaza.json", "{");
    repo.write(
        "tools/tool-y/kamiwaza.json",
        &manifest("tool-y", "tool", ""),
    );
    edit_manifest(&repo, "\"risk_tier\": 1", "\"risk_tier\": 9");
    let output = repo.run(&["validate"]);
    assert_fails(&output);
    assert_eq!(
        stdout(&output),
        "apps/other-app/kamiwaza.json:1:1: invalid JSON: EOF while parsing an object\n\
         apps/other-app/docker-compose.yml: file not found; every app needs one\n\
         apps/web-app/kamiwaza.json: risk_tier: `9` is not 0, 1 or 2\n\
         tools/tool-y/kamiwaza.json: image: missing; a tool needs an `image` or a `docker-compose.yml`\n"
    );
    assert_eq!(
        stderr(&output),
        "error: validation failed: 4 errors in 3 of 3 extensions\n"
    );
}

#[test]
fn bad_input_gives_one_line() {
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "invalid JSON",
            |repo| repo.write("apps/web-app/kamiwaza.json", "{\n  \"name\": web-app\n}\n"),
            "apps/web-app/kamiwaza.json:2:11: invalid JSON: expected value\n",
        ),
        (
            "JSON not an object",
            |repo| repo.write("apps/web-app/kamiwaza.json", "[\"web-app\"]\n"),
            "apps/web-app/kamiwaza.json: expected a JSON object at the top level, found an array\n",
        ),
        (
            "kamiwaza.json missing",
            |repo| repo.remove("apps/web-app/kamiwaza.json"),
            "apps/web-app/kamiwaza.json: file not found\n",
        ),
        (
            "compose not a mapping",
            |repo| {
                repo.write("apps/web-app/docker-compose.yml", "- backend\n");
                repo.write("apps/web-app/docker-compose.appgarden.yml", "- backend\n");
            },
            "apps/web-app/docker-compose.yml: expected a mapping at the top level, found a sequence\n\
            apps/web-app/docker-compose.appgarden.yml: expected a mapping at the top level, found a sequence\n",
        ),
    ];
    for (name, setup, expected) in cases {
        let repo = valid_app();
        setup(&repo);
        let output = repo.run(&["validate", "apps/web-app"]);
        assert_fails(&output);
        assert_eq!(stdout(&output), expected, "case: {name}");
    }
}

#[test]
fn missing_extension_folder_is_one_line() {
    let repo = valid_app();
    let output = repo.run(&["validate", "apps/nope"]);
    assert_fails(&output);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: extension folder `apps/nope` not found\n"
    );
}

#[test]
fn empty_repo_has_nothing_to_validate() {
    let repo = TestRepo::new();
    let output = repo.run(&["validate"]);
    assert_succeeds(&output);
    assert_eq!(
        stdout(&output),
        "no extensions in `apps/`, `services/` or `tools/`; nothing to validate\n"
    );
}
