//! `new`: each skeleton is created complete, with a test, and passes
//! `validate` as created.

mod extension_repo;

use extension_repo::{DOCKER_ORG, TestRepo, assert_fails, assert_succeeds, stderr, stdout};

#[test]
fn skeletons_pass_validate() {
    let cases = [
        (
            "app",
            "demo-app",
            "apps/demo-app",
            &[
                "backend/tests/test_main.py",
                "frontend/test/server.test.mjs",
                "images/demo-app.svg",
            ][..],
        ),
        (
            "service",
            "service-notes",
            "services/service-notes",
            &["api/tests/test_main.py", "api/Dockerfile"][..],
        ),
        (
            "tool",
            "tool-words",
            "tools/tool-words",
            &[
                "tests/test_server.py",
                "src/tool_words/server.py",
                "Dockerfile",
            ][..],
        ),
    ];
    for (kind, name, folder, files) in cases {
        let repo = TestRepo::new();
        let output = repo.run(&["new", kind, name]);
        assert_succeeds(&output);
        assert!(
            stdout(&output).contains(&format!("create {folder}/docker-compose.appgarden.yml\n"))
        );
        for file in [
            "kamiwaza.json",
            "docker-compose.yml",
            "docker-compose.appgarden.yml",
            "README.md",
        ]
        .iter()
        .chain(files)
        {
            assert!(
                repo.path(&format!("{folder}/{file}")).is_file(),
                "{kind}: {file} exists"
            );
        }
        let manifest: serde_json::Value =
            serde_json::from_str(&repo.read(&format!("{folder}/kamiwaza.json"))).unwrap();
        assert_eq!(manifest["name"], name);
        assert_eq!(manifest["template_type"], kind);
        let compose = repo.read(&format!("{folder}/docker-compose.yml"));
        assert!(
            compose.contains(&format!("image: {DOCKER_ORG}/{name}-")),
            "{kind}: images use docker_org"
        );
        assert!(
            !compose.contains("{{"),
            "{kind}: every placeholder replaced"
        );

        let validate = repo.run(&["validate"]);
        assert_succeeds(&validate);
        assert_eq!(
            stdout(&validate),
            "validated 1 extension: no errors, 0 warnings\n"
        );
        assert_succeeds(&repo.run(&["sync-compose", "--check"]));
    }
}

#[test]
fn tool_skeleton_serves_mcp_on_port_8000() {
    let repo = TestRepo::new();
    assert_succeeds(&repo.run(&["new", "tool", "mcp-words"]));
    let server = repo.read("tools/mcp-words/src/mcp_words/server.py");
    assert!(server.contains("MCP_PATH = os.environ.get(\"MCP_PATH\", \"/mcp\")"));
    assert!(server.contains("@mcp.custom_route(\"/health\""));
    let appgarden = repo.read("tools/mcp-words/docker-compose.appgarden.yml");
    assert!(appgarden.contains("    ports:\n      - '8000'\n"));
}

#[test]
fn invalid_names_rejected() {
    let cases = [
        (
            ["new", "tool", "words"],
            "error: invalid tool name `words`: it must start with `tool-` or `mcp-`\nhint: for example `tool-example`\n",
        ),
        (
            ["new", "service", "notes"],
            "error: invalid service name `notes`: it must start with `service-`\nhint: for example `service-example`\n",
        ),
        (
            ["new", "app", "Demo_App"],
            "error: invalid extension name `Demo_App`: use kebab-case, lowercase letters and digits joined by single hyphens\n",
        ),
    ];
    for (args, expected) in cases {
        let repo = TestRepo::new();
        let output = repo.run(&args);
        assert_fails(&output);
        assert_eq!(stderr(&output), expected);
    }
}

#[test]
fn existing_folder_kept() {
    let repo = TestRepo::new();
    repo.write("apps/demo-app/notes.txt", "mine");
    let output = repo.run(&["new", "app", "demo-app"]);
    assert_fails(&output);
    assert_eq!(
        stderr(&output),
        "error: `apps/demo-app` already exists; choose another name or remove it first\n"
    );
    assert_eq!(repo.read("apps/demo-app/notes.txt"), "mine");
    assert!(!repo.path("apps/demo-app/kamiwaza.json").exists());
}
