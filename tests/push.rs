//! `kwz-new push` against a fake Kamiwaza API that each test starts on a
//! random 127.0.0.1 port. The fake server records every request, so the tests
//! check the login form, the lookup, the exact JSON body sent and the
//! requests that must not be sent.

mod common;
mod fake_kamiwaza;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use fake_kamiwaza::{FakeKamiwaza, Received, Reply, SilentServer};

/// Password written to the test repo's `.env`; it must never be printed.
const PASSWORD: &str = "pw-from-dotenv";

/// Access token the fake server hands out at login.
const TOKEN: &str = "token-from-login";

/// Starts a Kamiwaza that logs in anyone, lists `app_templates` and
/// `tool_templates`, and returns the template id for creates and updates.
fn kamiwaza(app_templates: Value, tool_templates: Value) -> FakeKamiwaza {
    FakeKamiwaza::start(kamiwaza_handler(app_templates, tool_templates))
}

fn kamiwaza_handler(
    app_templates: Value,
    tool_templates: Value,
) -> impl Fn(&Received) -> Reply + Send + Sync + 'static {
    move |request| match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/api/auth/token") => (
            200,
            json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 300}),
        ),
        ("GET", "/api/apps/app_templates") => (200, app_templates.clone()),
        ("GET", "/api/tool/templates") => (200, tool_templates.clone()),
        ("POST", "/api/apps/app_templates") => (201, json!({"id": "new-id"})),
        ("PUT", path) => {
            let id = path.rsplit('/').next().unwrap();
            (200, json!({"id": id}))
        }
        _ => (404, json!({"detail": "Not Found"})),
    }
}

// Test extensions repo

/// The compose file of the test app, as `sync-compose` would write it.
const APP_COMPOSE: &str = "services:\n  web:\n    image: kamiwazaai/my-app-web:1.0.0\n    \
                           ports:\n      - \"3000\"\n  redis:\n    image: redis:7\n";

/// `APP_COMPOSE` as the registry builder writes it again: the builder parses
/// the compose file and writes it with kwz-new's compose writer, which
/// single-quotes the port.
const APP_COMPOSE_WRITTEN: &str = "services:\n  web:\n    image: kamiwazaai/my-app-web:1.0.0\n    \
                                   ports:\n      - '3000'\n  redis:\n    image: redis:7\n";

/// An extensions repo in a temp folder: an answers file and a `.env`.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".copier-answers.yml"),
            "_commit: 0.3.8\ndocker_org: kamiwazaai\nproject_name: test-extensions\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".env"),
            format!("KAMIWAZA_USERNAME=admin\nKAMIWAZA_PASSWORD={PASSWORD}\n"),
        )
        .unwrap();
        Repo { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `<folder>/<name>/` with a `kamiwaza.json` and compose files.
    fn extension(
        &self,
        folder: &str,
        name: &str,
        manifest: Value,
        files: &[(&str, &str)],
    ) -> PathBuf {
        let root = self.path().join(folder).join(name);
        std::fs::create_dir_all(&root).unwrap();
        let text = serde_json::to_string_pretty(&manifest).unwrap();
        std::fs::write(root.join("kamiwaza.json"), text).unwrap();
        for (file, contents) in files {
            std::fs::write(root.join(file), contents).unwrap();
        }
        root
    }

    /// Writes the app `my-app` used by most tests.
    fn with_app(self) -> Repo {
        self.extension(
            "apps",
            "my-app",
            app_manifest(),
            &[("docker-compose.appgarden.yml", APP_COMPOSE)],
        );
        self
    }
}

fn app_manifest() -> Value {
    json!({
        "name": "my-app",
        "version": "1.0.0",
        "source_type": "kamiwaza",
        "visibility": "public",
        "description": "A test app",
        "risk_tier": 1,
        "verified": false,
        "homepage": null,
        "id": "stale-id",
        "created_at": "2025-01-01T00:00:00",
    })
}

/// Runs `kwz-new push ARGS` in `dir` with no Kamiwaza or proxy variables
/// from the outer environment, plus `envs`.
fn push(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = common::kwz_new();
    command.current_dir(dir).arg("push").args(args);
    for name in [
        "KAMIWAZA_API_URL",
        "KAMIWAZA_API_KEY",
        "KAMIWAZA_USERNAME",
        "KAMIWAZA_PASSWORD",
        "KAMIWAZA_VERIFY_SSL",
        "KWZ_NEW_HTTP_TIMEOUT_SECS",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(name);
    }
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Checks that neither stream shows a secret.
fn assert_no_secrets(output: &Output) {
    for text in [stdout(output), stderr(output)] {
        assert!(!text.contains(PASSWORD), "password printed:\n{text}");
        assert!(!text.contains(TOKEN), "token printed:\n{text}");
    }
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

// Tests

#[test]
fn app_created_when_not_listed() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([{"id": "other-id", "name": "other-app"}]), json!([]));
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_success(&output);
    assert_no_secrets(&output);
    assert_eq!(
        stdout(&output),
        format!("created app `my-app` 1.0.0 at {api_url} (template id `new-id`)\n")
    );
    assert_eq!(
        server.request_lines(),
        [
            "POST /api/auth/token",
            "GET /api/apps/app_templates",
            "POST /api/apps/app_templates"
        ]
    );
    let requests = server.requests();
    for request in &requests[1..] {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer token-from-login")
        );
    }
    assert_eq!(requests[2].header("content-type"), Some("application/json"));
}

#[test]
fn login_sends_password_grant_form() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));

    let output = push(
        repo.path(),
        &["app", "my-app", "--api-url", &server.api_url()],
        &[],
    );

    assert_success(&output);
    let login = &server.requests()[0];
    assert_eq!(login.line(), "POST /api/auth/token");
    assert_eq!(
        login.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(login.header("authorization"), None);
    let expected: Vec<(String, String)> = [
        ("grant_type", "password"),
        ("username", "admin"),
        ("password", PASSWORD),
        ("scope", "openid email profile"),
        ("client_id", "kamiwaza-platform"),
    ]
    .iter()
    .map(|(key, value)| (key.to_string(), value.to_string()))
    .collect();
    assert_eq!(login.form(), expected);
}

#[test]
fn app_body_is_exact_entry() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));

    let output = push(
        repo.path(),
        &["app", "my-app", "--api-url", &server.api_url()],
        &[],
    );

    assert_success(&output);
    let expected = json!({
        "name": "my-app",
        "version": "1.0.0",
        "source_type": "kamiwaza",
        "visibility": "public",
        "description": "A test app",
        "risk_tier": 1,
        "verified": false,
        "compose_yml": APP_COMPOSE_WRITTEN.replace("my-app-web:1.0.0", "my-app-web:1.0.0-dev"),
        "docker_images": ["kamiwazaai/my-app-web:1.0.0-dev", "redis:7"],
    });
    assert_eq!(server.requests()[2].json(), expected);
}

#[test]
fn prod_stage_keeps_image_tags() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));
    let args = [
        "app",
        "my-app",
        "--stage",
        "prod",
        "--api-url",
        &server.api_url(),
    ];

    let output = push(repo.path(), &args, &[]);

    assert_success(&output);
    let body = server.requests()[2].json();
    assert_eq!(body["compose_yml"], APP_COMPOSE_WRITTEN);
    assert_eq!(
        body["docker_images"],
        json!(["kamiwazaai/my-app-web:1.0.0", "redis:7"])
    );
}

#[test]
fn app_updated_when_name_listed() {
    let repo = Repo::new().with_app();
    let listed = json!([
        {"id": "other-id", "name": "other-app"},
        {"id": "3f1c2a9e-1111-4000-8000-000000000001", "name": "my-app", "version": "0.9.0"},
    ]);
    let server = kamiwaza(listed, json!([]));
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_success(&output);
    assert_eq!(
        stdout(&output),
        format!(
            "updated app `my-app` 1.0.0 at {api_url} \
             (template id `3f1c2a9e-1111-4000-8000-000000000001`)\n"
        )
    );
    assert_eq!(
        server.request_lines(),
        [
            "POST /api/auth/token",
            "GET /api/apps/app_templates",
            "PUT /api/apps/app_templates/3f1c2a9e-1111-4000-8000-000000000001"
        ]
    );
    assert_eq!(server.requests()[2].json()["name"], "my-app");
}

#[test]
fn runs_from_extension_subfolder() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));
    let subfolder = repo.path().join("apps/my-app");

    let output = push(
        &subfolder,
        &["app", "my-app", "--api-url", &server.api_url()],
        &[],
    );

    assert_success(&output);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn service_gets_template_type() {
    let repo = Repo::new();
    let mut manifest = app_manifest();
    manifest["name"] = json!("service-milvus");
    let compose = "services:\n  milvus:\n    image: milvusdb/milvus:v2.3.3\n";
    repo.extension(
        "services",
        "service-milvus",
        manifest,
        &[("docker-compose.appgarden.yml", compose)],
    );
    let server = kamiwaza(json!([]), json!([]));

    let output = push(
        repo.path(),
        &["service", "service-milvus", "--api-url", &server.api_url()],
        &[],
    );

    assert_success(&output);
    assert_eq!(server.request_lines()[1], "GET /api/apps/app_templates");
    let body = server.requests()[2].json();
    assert_eq!(body["template_type"], "service");
    assert_eq!(body["compose_yml"], compose);
    assert_eq!(body["docker_images"], json!(["milvusdb/milvus:v2.3.3"]));
}

/// Returns a tool manifest with only some of the fields that the push fills in.
fn tool_manifest() -> Value {
    json!({
        "name": "tool-git-mcp",
        "version": "1.2.0",
        "source_type": "kamiwaza",
        "visibility": "public",
        "description": "Git over MCP",
        "image": "kamiwazaai/tool-git-mcp",
        "capabilities": ["git_status"],
        "template_id": "stale-template",
        "owner_id": "someone",
    })
}

const TOOL_COMPOSE: &str = "services:\n  tool-git-mcp:\n    image: kamiwazaai/tool-git-mcp:1.2.0\n";

#[test]
fn tool_created_with_defaults() {
    let repo = Repo::new();
    repo.extension(
        "tools",
        "tool-git-mcp",
        tool_manifest(),
        &[("docker-compose.yml", TOOL_COMPOSE)],
    );
    let server = kamiwaza(json!([]), json!([{"id": "x", "name": "tool-other"}]));
    let api_url = server.api_url();

    let output = push(
        repo.path(),
        &["tool", "tool-git-mcp", "--api-url", &api_url],
        &[],
    );

    assert_success(&output);
    assert_eq!(
        stdout(&output),
        format!("created tool `tool-git-mcp` 1.2.0 at {api_url} (template id `new-id`)\n")
    );
    assert_eq!(
        server.request_lines(),
        [
            "POST /api/auth/token",
            "GET /api/tool/templates",
            "POST /api/apps/app_templates"
        ]
    );
    let expected = json!({
        "name": "tool-git-mcp",
        "version": "1.2.0",
        "source_type": "kamiwaza",
        "visibility": "public",
        "description": "Git over MCP",
        "image": "kamiwazaai/tool-git-mcp",
        "capabilities": ["git_status"],
        "compose_yml": "services:\n  tool-git-mcp:\n    image: kamiwazaai/tool-git-mcp:1.2.0-dev\n",
        "docker_images": ["kamiwazaai/tool-git-mcp:1.2.0-dev"],
        "required_env_vars": [],
        "env_defaults": {},
        "tags": [],
        "verified": false,
        "risk_tier": 1,
    });
    assert_eq!(server.requests()[2].json(), expected);
}

#[test]
fn tool_updated_through_tool_endpoint() {
    let repo = Repo::new();
    repo.extension(
        "tools",
        "tool-git-mcp",
        tool_manifest(),
        &[("docker-compose.appgarden.yml", TOOL_COMPOSE)],
    );
    let server = kamiwaza(json!([]), json!([{"id": 42, "name": "tool-git-mcp"}]));

    let output = push(
        repo.path(),
        &["tool", "tool-git-mcp", "--api-url", &server.api_url()],
        &[],
    );

    assert_success(&output);
    assert!(stdout(&output).starts_with("updated tool `tool-git-mcp` 1.2.0 at "));
    assert_eq!(
        server.request_lines()[1..],
        ["GET /api/tool/templates", "PUT /api/tool/tool_templates/42"]
    );
}

#[test]
fn tool_without_compose_uses_image() {
    let repo = Repo::new();
    repo.extension("tools", "tool-git-mcp", tool_manifest(), &[]);
    let server = kamiwaza(json!([]), json!([]));

    let output = push(
        repo.path(),
        &[
            "tool",
            "tool-git-mcp",
            "--stage",
            "stage",
            "--api-url",
            &server.api_url(),
        ],
        &[],
    );

    assert_success(&output);
    let body = server.requests()[2].json();
    assert_eq!(body["image"], "kamiwazaai/tool-git-mcp:v1.2.0-stage");
    assert_eq!(
        body["docker_images"],
        json!(["kamiwazaai/tool-git-mcp:v1.2.0-stage"])
    );
    assert_eq!(body.get("compose_yml"), None);
}

#[test]
fn template_id_skips_lookup() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([{"id": "by-name", "name": "my-app"}]), json!([]));
    let api_url = server.api_url();

    let output = push(
        repo.path(),
        &[
            "app",
            "my-app",
            "--template-id",
            "chosen-id",
            "--api-url",
            &api_url,
        ],
        &[],
    );

    assert_success(&output);
    assert_eq!(
        stdout(&output),
        format!("updated app `my-app` 1.0.0 at {api_url} (template id `chosen-id`)\n")
    );
    assert_eq!(
        server.request_lines(),
        [
            "POST /api/auth/token",
            "PUT /api/apps/app_templates/chosen-id"
        ]
    );
}

#[test]
fn invalid_template_id_rejected() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));

    let output = push(
        repo.path(),
        &[
            "app",
            "my-app",
            "--template-id",
            "../x",
            "--api-url",
            &server.api_url(),
        ],
        &[],
    );

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: invalid template id `../x`: expected letters, digits, `-`, `_` or `.`\n"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn api_key_skips_login() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));

    let output = push(
        repo.path(),
        &["app", "my-app"],
        &[
            ("KAMIWAZA_API_KEY", "key-123"),
            ("KAMIWAZA_API_URL", &server.api_url()),
        ],
    );

    assert_success(&output);
    assert!(!stdout(&output).contains("key-123"));
    assert_eq!(
        server.request_lines(),
        [
            "GET /api/apps/app_templates",
            "POST /api/apps/app_templates"
        ]
    );
    for request in server.requests() {
        assert_eq!(request.header("authorization"), Some("Bearer key-123"));
    }
}

#[test]
fn api_url_read_from_dotenv() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));
    let dotenv = format!(
        "KAMIWAZA_API_URL={}/\nKAMIWAZA_PASSWORD='{PASSWORD}'\n",
        server.api_url()
    );
    std::fs::write(repo.path().join(".env"), dotenv).unwrap();

    let output = push(repo.path(), &["app", "my-app"], &[]);

    assert_success(&output);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(server.requests()[0].form()[2].1, PASSWORD);
}

#[test]
fn dry_run_sends_nothing() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([]), json!([]));
    let api_url = server.api_url();

    let output = push(
        repo.path(),
        &[
            "app",
            "my-app",
            "--dry-run",
            "--insecure",
            "--api-url",
            &api_url,
        ],
        &[],
    );

    assert_success(&output);
    assert!(server.requests().is_empty());
    assert_no_secrets(&output);
    let printed = stdout(&output);
    let expected_start = format!(
        "dry run: nothing is sent to {api_url}\n\
         credentials: `KAMIWAZA_USERNAME` (`admin`) and `KAMIWAZA_PASSWORD` from `.env`\n\
         TLS certificate checking: off (`--insecure`)\n\
         \n\
         POST {api_url}/auth/token\n\
         Content-Type: application/x-www-form-urlencoded\n\
         \n\
         grant_type=password&username=admin&password=********&scope=openid+email+profile&client_id=kamiwaza-platform\n\
         \n\
         GET {api_url}/apps/app_templates\n\
         Authorization: Bearer ********\n\
         \n\
         if a template named `my-app` is listed, `PUT {api_url}/apps/app_templates/{{id}}` with this body; otherwise:\n\
         POST {api_url}/apps/app_templates\n\
         Authorization: Bearer ********\n\
         Content-Type: application/json\n\
         \n\
         {{\n  \"name\": \"my-app\",\n"
    );
    assert!(printed.starts_with(&expected_start), "{printed}");
    assert!(printed.ends_with("\"redis:7\"\n  ]\n}\n"), "{printed}");
}

#[test]
fn dry_run_masks_api_key() {
    let repo = Repo::new().with_app();
    let output = push(
        repo.path(),
        &["app", "my-app", "--dry-run", "--template-id", "abc"],
        &[
            ("KAMIWAZA_API_KEY", "key-123"),
            ("KAMIWAZA_VERIFY_SSL", "false"),
        ],
    );

    assert_success(&output);
    let printed = stdout(&output);
    assert!(!printed.contains("key-123"), "{printed}");
    assert!(
        printed.contains(
            "credentials: `KAMIWAZA_API_KEY` from the environment\n\
         TLS certificate checking: off (`KAMIWAZA_VERIFY_SSL=false` from the environment)\n\
         \n\
         PUT https://localhost/api/apps/app_templates/abc\n\
         Authorization: Bearer ********\n"
        ),
        "{printed}"
    );
    assert!(!printed.contains("auth/token"), "{printed}");
}

#[test]
fn refused_connection_names_url() {
    let repo = Repo::new().with_app();
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let api_url = format!("http://127.0.0.1:{port}/api");

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "error: could not connect to Kamiwaza at `{api_url}/auth/token`: connection refused\n\
             hint: is Kamiwaza running? Start it, or point `--api-url` or `KAMIWAZA_API_URL` at it\n"
        )
    );
}

#[test]
fn login_401_names_credentials_source() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start(|_| (401, json!({"detail": "Invalid user credentials"})));
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_no_secrets(&output);
    assert_eq!(
        stderr(&output),
        format!(
            "error: Kamiwaza rejected the credentials: `POST {api_url}/auth/token` returned \
             HTTP 401: Invalid user credentials\n\
             hint: kwz-new used `KAMIWAZA_USERNAME` (`admin`) and `KAMIWAZA_PASSWORD` from `.env`; \
             check them, or set `KAMIWAZA_API_KEY`\n"
        )
    );
    assert_eq!(server.request_lines(), ["POST /api/auth/token"]);
}

#[test]
fn api_key_403_names_source() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start(|_| (403, json!({"detail": "Not enough permissions"})));
    let api_url = server.api_url();

    let output = push(
        repo.path(),
        &["app", "my-app", "--api-url", &api_url],
        &[("KAMIWAZA_API_KEY", "key-123")],
    );

    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(!message.contains("key-123"), "{message}");
    assert_eq!(
        message,
        format!(
            "error: Kamiwaza denied access: `GET {api_url}/apps/app_templates` returned \
             HTTP 403: Not enough permissions\n\
             hint: kwz-new used `KAMIWAZA_API_KEY` from the environment; \
             that user may not manage templates\n"
        )
    );
}

#[test]
fn client_error_shows_server_message() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start(|request| match request.method.as_str() {
        "POST" if request.path.ends_with("/auth/token") => (200, json!({"access_token": TOKEN})),
        "GET" => (200, json!([])),
        _ => (
            422,
            json!({"detail": [
                {"loc": ["body", "compose_yml"], "msg": "field required", "type": "missing"},
                {"loc": ["header"], "msg": format!("bad token {TOKEN}")},
            ]}),
        ),
    });
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_no_secrets(&output);
    assert_eq!(
        stderr(&output),
        format!(
            "error: `POST {api_url}/apps/app_templates` failed with HTTP 422: \
             body.compose_yml: field required; header: bad token ********\n"
        )
    );
}

#[test]
fn server_error_body_is_shortened_text() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start(|_| (500, json!("internal failure")));
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("error: `POST {api_url}/auth/token` failed with HTTP 500: \"internal failure\"\n")
    );
}

#[test]
fn silent_server_times_out() {
    let repo = Repo::new().with_app();
    let server = SilentServer::start();
    let api_url = format!("http://127.0.0.1:{}/api", server.port);

    let output = push(
        repo.path(),
        &["app", "my-app", "--api-url", &api_url],
        &[("KWZ_NEW_HTTP_TIMEOUT_SECS", "1")],
    );

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "error: `POST {api_url}/auth/token` timed out after 1 s\n\
             hint: check that Kamiwaza is up and healthy, or set `KWZ_NEW_HTTP_TIMEOUT_SECS` to wait longer\n"
        )
    );
}

#[test]
fn redirect_is_an_error() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start(|_| (307, json!({})));
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(&format!(
            "error: `POST {api_url}/auth/token` was redirected to an address it did not name (HTTP 307)\n"
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn outside_repo_is_an_error() {
    let dir = tempfile::tempdir().unwrap();

    let output = push(dir.path(), &["app", "my-app", "--dry-run"], &[]);

    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with(
            "error: not inside a Kamiwaza extensions repo: no `.copier-answers.yml` with `docker_org` in `"
        ),
        "{message}"
    );
}

#[test]
fn missing_extension_is_an_error() {
    let repo = Repo::new();

    let output = push(repo.path(), &["app", "nope", "--dry-run"], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: extension folder `apps/nope` not found\n"
    );
}

#[test]
fn app_without_appgarden_compose_is_an_error() {
    let repo = Repo::new();
    repo.extension(
        "apps",
        "my-app",
        app_manifest(),
        &[("docker-compose.yml", APP_COMPOSE)],
    );

    let output = push(repo.path(), &["app", "my-app", "--dry-run"], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: apps/my-app/docker-compose.appgarden.yml: file not found; run `make sync-compose`\n"
    );
}

#[test]
fn invalid_manifest_names_line() {
    let repo = Repo::new();
    let root = repo.extension("apps", "my-app", json!({}), &[]);
    std::fs::write(
        root.join("kamiwaza.json"),
        "{\n  \"name\": \"my-app\",\n}\n",
    )
    .unwrap();

    let output = push(repo.path(), &["app", "my-app", "--dry-run"], &[]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: apps/my-app/kamiwaza.json:3:1: invalid JSON: trailing comma\n"
    );
}

#[test]
fn insecure_accepts_self_signed_certificate() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start_tls(kamiwaza_handler(json!([]), json!([])));
    let api_url = server.api_url();

    let output = push(
        repo.path(),
        &["app", "my-app", "--insecure", "--api-url", &api_url],
        &[],
    );

    assert_success(&output);
    assert!(api_url.starts_with("https://"));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn verify_ssl_false_accepts_self_signed_certificate() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start_tls(kamiwaza_handler(json!([]), json!([])));
    let dotenv = format!("KAMIWAZA_PASSWORD={PASSWORD}\nKAMIWAZA_VERIFY_SSL=false\n");
    std::fs::write(repo.path().join(".env"), dotenv).unwrap();

    let output = push(
        repo.path(),
        &["app", "my-app", "--api-url", &server.api_url()],
        &[],
    );

    assert_success(&output);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn self_signed_certificate_rejected_by_default() {
    let repo = Repo::new().with_app();
    let server = FakeKamiwaza::start_tls(kamiwaza_handler(json!([]), json!([])));
    let api_url = server.api_url();

    let output = push(repo.path(), &["app", "my-app", "--api-url", &api_url], &[]);

    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!(
            "error: TLS connection to `{api_url}/auth/token` failed: invalid peer certificate: "
        )),
        "{message}"
    );
    assert!(
        message.ends_with(
            "hint: a local Kamiwaza uses a self-signed certificate; \
             pass `--insecure` or set `KAMIWAZA_VERIFY_SSL=false`\n"
        ),
        "{message}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn trace_logs_hide_secrets() {
    let repo = Repo::new().with_app();
    let server = kamiwaza(json!([{"id": "abc", "name": "my-app"}]), json!([]));

    let output = push(
        repo.path(),
        &["app", "my-app", "-vv", "--api-url", &server.api_url()],
        &[("RUST_LOG", "trace")],
    );

    assert_success(&output);
    assert!(
        stderr(&output).contains("updating template `abc`"),
        "{}",
        stderr(&output)
    );
    assert_no_secrets(&output);
}
