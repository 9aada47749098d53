//! `kwz-new adopt` on four legacy layouts, modelled on real Kamiwaza apps
//! from before the extensions template. They are a frontend and backend
//! with `.local` and `.app-garden` compose names, a multi-service app with
//! external images, a single-image app with a non-conforming manifest, and
//! a standalone MCP tool. Each is imported into a fresh extensions repo.
//!
//! The repo is built by hand (answers file, the template's `.gitignore`,
//! `apps/`, `services/`, `tools/`, `main` and `develop` through git2)
//! because `kwz-new DEST` needs the PyYAML-compatible YAML module, which is
//! not finished in this branch.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use git2::{BranchType, IndexAddOption, Oid, Repository};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

// Sandbox: an extensions repo and legacy source folders beside it

struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    repo: PathBuf,
}

impl Sandbox {
    /// Creates an extensions repo `acme-extensions` whose answers file
    /// records `docker_org`, committed on `main` with `develop` checked out.
    fn new(docker_org: &str) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let repo = root.join("acme-extensions");
        let answers = format!(
            "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n\
             _commit: v0.1.0\n_src_path: gh:kamiwaza-internal/kamiwaza-extensions-template\n\
             docker_org: {docker_org}\ngithub_org: kamiwaza-internal\nproject_name: acme-extensions\n"
        );
        write(&repo.join(".copier-answers.yml"), &answers);
        let gitignore = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("template/.gitignore"),
        )
        .unwrap();
        write(&repo.join(".gitignore"), &gitignore);
        for folder in ["apps", "services", "tools"] {
            write(&repo.join(folder).join(".gitkeep"), "");
        }
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        let repository = Repository::init_opts(&repo, &options).unwrap();
        let first = commit_all(&repository, "Initial commit from template");
        let first = repository.find_commit(first).unwrap();
        repository.branch("develop", &first, false).unwrap();
        repository.set_head("refs/heads/develop").unwrap();
        Sandbox {
            _dir: dir,
            root,
            repo,
        }
    }

    fn repository(&self) -> Repository {
        Repository::open(&self.repo).unwrap()
    }

    /// Writes a legacy app into `legacy/<folder>` with its own `.git`
    /// (one commit of every file). Files ending in `.sh` are executable.
    fn legacy(&self, folder: &str, files: &[(&str, &str)]) -> PathBuf {
        let source = self.root.join("legacy").join(folder);
        for (path, contents) in files {
            let file = source.join(path);
            write(&file, contents);
            if path.ends_with(".sh") {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        let repository = Repository::init(&source).unwrap();
        commit_all(&repository, "legacy app");
        source
    }

    /// Runs `kwz-new adopt ARGS` in the repo root, never on a terminal.
    fn adopt(&self, args: &[&str]) -> Output {
        common::kwz_new()
            .current_dir(&self.repo)
            .arg("adopt")
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Everything a refused run must leave as it was.
    fn state(&self) -> RepoState {
        let repository = self.repository();
        let head = repository.head().unwrap();
        let branches = repository
            .branches(Some(BranchType::Local))
            .unwrap()
            .map(|branch| {
                let (branch, _) = branch.unwrap();
                let name = branch.name().unwrap().unwrap().to_string();
                (name, branch.get().peel_to_commit().unwrap().id())
            })
            .collect();
        let mut git_entries: Vec<String> = std::fs::read_dir(self.repo.join(".git"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        git_entries.sort();
        RepoState {
            head: head.name().unwrap().to_string(),
            branches,
            work_tree: tree_digest(&self.repo, true),
            index: std::fs::read(self.repo.join(".git/index")).unwrap(),
            git_entries,
        }
    }

    fn develop_tip(&self) -> Oid {
        branch_tip(&self.repository(), "develop")
    }
}

#[derive(Debug, PartialEq, Eq)]
struct RepoState {
    head: String,
    branches: BTreeMap<String, Oid>,
    work_tree: String,
    index: Vec<u8>,
    /// Top-level names in `.git`, where a leftover staging folder would show.
    git_entries: Vec<String>,
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn commit_all(repository: &Repository, message: &str) -> Oid {
    let mut index = repository.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::now("t", "t@example.com").unwrap();
    let parent = repository
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repository
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .unwrap()
}

fn branch_tip(repository: &Repository, name: &str) -> Oid {
    repository
        .find_branch(name, BranchType::Local)
        .unwrap()
        .get()
        .peel_to_commit()
        .unwrap()
        .id()
}

/// SHA-256 over every entry below `root`: path, type, permission bits, and
/// the bytes of each file or the target of each symlink.
fn tree_digest(root: &Path, skip_git: bool) -> String {
    let mut hasher = Sha256::new();
    let walker = walkdir::WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !(skip_git && entry.depth() == 1 && entry.file_name() == ".git"));
    for entry in walker {
        let entry = entry.unwrap();
        let metadata = entry.path().symlink_metadata().unwrap();
        let relative = entry.path().strip_prefix(root).unwrap();
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update(metadata.permissions().mode().to_le_bytes());
        if metadata.file_type().is_symlink() {
            hasher.update(b"link:");
            hasher.update(
                std::fs::read_link(entry.path())
                    .unwrap()
                    .to_string_lossy()
                    .as_bytes(),
            );
        } else if metadata.is_file() {
            hasher.update(b"file:");
            hasher.update(std::fs::read(entry.path()).unwrap());
        }
        hasher.update(b"\0");
    }
    format!("{:x}", hasher.finalize())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
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

/// Files below `folder` (relative, `/`-separated), skipping nothing.
fn files_below(folder: &Path) -> Vec<String> {
    common::list_files(folder)
        .into_iter()
        .map(|path| path.to_string_lossy().into_owned())
        .collect()
}

/// Checks the import commit: `HEAD` is `branch`, the commit has `message`
/// and one parent, `parent`, and it changes only paths under `folder`.
/// Returns the committed files under `folder` with their git file modes.
fn check_commit(
    sandbox: &Sandbox,
    branch: &str,
    message: &str,
    parent: Oid,
    folder: &str,
) -> BTreeMap<String, i32> {
    let repository = sandbox.repository();
    let head = repository.head().unwrap();
    assert_eq!(head.name().unwrap(), format!("refs/heads/{branch}"));
    let commit = head.peel_to_commit().unwrap();
    assert_eq!(commit.message().unwrap(), message);
    assert_eq!(commit.parent_ids().collect::<Vec<_>>(), [parent]);

    let parent_tree = repository.find_commit(parent).unwrap().tree().unwrap();
    let tree = commit.tree().unwrap();
    let diff = repository
        .diff_tree_to_tree(Some(&parent_tree), Some(&tree), None)
        .unwrap();
    for delta in diff.deltas() {
        let path = delta
            .new_file()
            .path()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            path.starts_with(&format!("{folder}/")),
            "commit changes {path}"
        );
    }
    let mut statuses_options = git2::StatusOptions::new();
    statuses_options.include_untracked(true);
    let statuses = repository.statuses(Some(&mut statuses_options)).unwrap();
    assert_eq!(statuses.len(), 0, "the work tree is clean after the import");

    let mut files = BTreeMap::new();
    let subtree = tree
        .get_path(Path::new(folder))
        .unwrap()
        .to_object(&repository)
        .unwrap()
        .peel_to_tree()
        .unwrap();
    subtree
        .walk(git2::TreeWalkMode::PreOrder, |prefix, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                files.insert(
                    format!("{prefix}{}", entry.name().unwrap()),
                    entry.filemode(),
                );
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    files
}

/// Lists the keys of a JSON object in file order.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

// Fixture A: frontend and backend with `.local` and `.app-garden` names

const RFP_LOCAL_COMPOSE: &str = r#"# RFP Finder: local development stack.
# Start with: docker compose -f docker-compose.local.yml up --build

services:
  backend:
    build: ./backend
    ports:
      - "8000:8000"
    extra_hosts:
      - "host.docker.internal:host-gateway"
    environment:
      KAMIWAZA_ENDPOINT: ${KAMIWAZA_ENDPOINT:-http://host.docker.internal:8080}
      KAMIWAZA_API_URI: ${KAMIWAZA_API_URI:-https://host.docker.internal/api}
      KAMIWAZA_VERIFY_SSL: ${KAMIWAZA_VERIFY_SSL:-false}
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/api/health"]
      interval: 10s
      timeout: 5s
      retries: 5

  frontend:
    build: ./frontend   # Next.js
    ports:
      - '3001:3000'
    environment:
      - BACKEND_URL=http://backend:8000
    depends_on:
      backend:
        condition: service_healthy

networks:
  default:
    name: rfp-finder-local
"#;

const RFP_APP_GARDEN_COMPOSE: &str = r#"# Deployed by App Garden (built with scripts/build-appgarden.sh)
services:
  backend:
    build:
      context: ./backend
      platforms:
        - linux/amd64
        - linux/arm64
    image: ${DOCKER_REGISTRY:-docker.io}/${DOCKER_USERNAME}/rfp-finder-backend:${VERSION:-latest}
    ports:
      - "8000"
    volumes:
      - rfp-data:/app/data
      - ./credentials.json:/app/credentials.json:ro
      - ../company_config.json:/app/company_config.json:ro
    networks:
      - rfp
  frontend:
    build:
      context: ./frontend
      platforms:
        - linux/amd64
        - linux/arm64
    image: ${DOCKER_REGISTRY:-docker.io}/${DOCKER_USERNAME}/rfp-finder-frontend:${VERSION:-latest}
    ports:
      - "3000"
    networks:
      - rfp
volumes:
  rfp-data:
    name: rfp-finder-data
networks:
  rfp:
    name: rfp-finder
"#;

const RFP_METADATA: &str = r#"{
  "name": "RFP Finder",
  "version": "1.2.0",
  "source_type": "kamiwaza",
  "visibility": "public",
  "description": "Finds and scores RFPs for the sales team",
  "category": "productivity",
  "tags": ["rfp", "sales"],
  "author": "Kamiwaza Outcomes",
  "homepage": "https://github.com/kamiwaza-outcome/rfp-finder",
  "compose_yml": "services:\n  backend:\n    image: rfp-finder-backend:v1.2.0\n",
  "risk_tier": 1,
  "verified": false,
  "env_defaults": {"KAMIWAZA_ENDPOINT": "http://host.docker.internal:8080", "LOG_LEVEL": "info"},
  "preferred_model_type": "chat",
  "fail_if_model_type_unavailable": false,
  "preferred_model_name": "qwen3",
  "fail_if_model_name_unavailable": false
}
"#;

const RFP_BACKEND_DOCKERFILE: &str = "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n\
     RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"./start.sh\"]\n";

const RFP_REQUIREMENTS: &str = "fastapi==0.115.0\nuvicorn[standard]==0.30.0\nhttpx==0.27.0\n";

fn rfp_finder(sandbox: &Sandbox) -> PathBuf {
    sandbox.legacy(
        "rfp-finder",
        &[
            ("backend/Dockerfile", RFP_BACKEND_DOCKERFILE),
            ("backend/requirements.txt", RFP_REQUIREMENTS),
            (
                "backend/start.sh",
                "#!/bin/sh\nexec uvicorn app.main:app --host 0.0.0.0 --port 8000\n",
            ),
            ("backend/app/__init__.py", ""),
            (
                "backend/app/main.py",
                "from fastapi import FastAPI\n\napp = FastAPI(title=\"RFP Finder\")\n\n\n\
                 @app.get(\"/api/health\")\ndef health():\n    return {\"status\": \"healthy\"}\n",
            ),
            ("backend/app/__pycache__/main.cpython-311.pyc", "compiled"),
            (
                "frontend/Dockerfile",
                "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"npm\", \"start\"]\n",
            ),
            (
                "frontend/package.json",
                "{\"name\": \"rfp-finder\", \"scripts\": {\"build\": \"next build\"}}\n",
            ),
            ("frontend/next.config.ts", "export default { output: \"standalone\" };\n"),
            ("frontend/app/page.tsx", "export default function Page() { return null; }\n"),
            (
                "frontend/app/api/[...path]/route.ts",
                "export { GET, POST } from \"../proxy\";\n",
            ),
            ("frontend/node_modules/next/package.json", "{}\n"),
            ("frontend/.next/BUILD_ID", "abc\n"),
            ("docker-compose.local.yml", RFP_LOCAL_COMPOSE),
            ("docker-compose.app-garden.yml", RFP_APP_GARDEN_COMPOSE),
            (
                "docker-compose.override.yml",
                "services:\n  backend:\n    ports:\n      - \"8002:8000\"\n    volumes:\n      - ./backend/app:/app/app\n",
            ),
            (
                "scripts/build-appgarden.sh",
                "#!/bin/sh\nset -e\ndocker buildx build --push -t \"$IMAGE:v$VERSION\" .\n",
            ),
            ("app_garden_config/rfp-finder-appgarden-v1.2.0.json", RFP_METADATA),
            (
                "app_garden_config/rfp-finder-appgarden-v1.1.0.json",
                "{\"name\": \"RFP Finder\", \"version\": \"1.1.0\", \"description\": \"Old\"}\n",
            ),
            (".env.example", "KAMIWAZA_API_URI=\n"),
            (".env", "OPENAI_API_KEY=secret\n"),
            ("README.md", "# RFP Finder\n"),
        ],
    )
}

#[test]
fn frontend_backend_app_adopted() {
    let sandbox = Sandbox::new("acme");
    let source = rfp_finder(&sandbox);
    let source_digest = tree_digest(&source, false);
    let develop = sandbox.develop_tip();

    let output = sandbox.adopt(&["../legacy/rfp-finder"]);

    assert_success(&output);
    assert_eq!(
        tree_digest(&source, false),
        source_digest,
        "source unchanged"
    );
    let target = sandbox.repo.join("apps/rfp-finder");
    assert_eq!(
        files_below(&target),
        [
            ".env.example",
            "README.md",
            "app_garden_config/rfp-finder-appgarden-v1.1.0.json",
            "app_garden_config/rfp-finder-appgarden-v1.2.0.json",
            "backend/Dockerfile",
            "backend/app/__init__.py",
            "backend/app/main.py",
            "backend/requirements.txt",
            "backend/start.sh",
            "docker-compose.appgarden.yml",
            "docker-compose.yml",
            "frontend/Dockerfile",
            "frontend/app/api/[...path]/route.ts",
            "frontend/app/page.tsx",
            "frontend/next.config.ts",
            "frontend/package.json",
            "kamiwaza.json",
            "scripts/build-appgarden.sh",
        ]
    );

    // Renamed local file: only the two `image:` lines are new.
    let compose = std::fs::read_to_string(target.join("docker-compose.yml")).unwrap();
    let expected = RFP_LOCAL_COMPOSE
        .replace(
            "    build: ./backend\n",
            "    build: ./backend\n    image: acme/rfp-finder-backend:v1.2.0\n",
        )
        .replace(
            "    build: ./frontend   # Next.js\n",
            "    build: ./frontend   # Next.js\n    image: acme/rfp-finder-frontend:v1.2.0\n",
        );
    assert_eq!(compose, expected);

    // The legacy App Garden file was renamed, then regenerated.
    let appgarden = std::fs::read_to_string(target.join("docker-compose.appgarden.yml")).unwrap();
    assert!(appgarden.starts_with("# Generated by `kwz-new sync-compose` from docker-compose.yml"));
    assert!(appgarden.contains("    image: acme/rfp-finder-backend:v1.2.0\n"));
    assert!(!appgarden.contains("DOCKER_REGISTRY"));

    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(target.join("kamiwaza.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest,
        json!({
            "name": "rfp-finder",
            "version": "1.2.0",
            "template_type": "app",
            "kamiwaza_version": ">=0.9.0",
            "source_type": "kamiwaza",
            "visibility": "public",
            "description": "Finds and scores RFPs for the sales team",
            "display_name": "RFP Finder",
            "category": "productivity",
            "tags": ["rfp", "sales"],
            "author": "Kamiwaza Outcomes",
            "homepage": "https://github.com/kamiwaza-outcome/rfp-finder",
            "risk_tier": 1,
            "verified": false,
            "preferred_model_type": "any",
            "fail_if_model_type_unavailable": false,
            "preferred_model_name": "qwen3",
            "fail_if_model_name_unavailable": false,
            "env_defaults": {
                "KAMIWAZA_ENDPOINT": "http://host.docker.internal:8080",
                "LOG_LEVEL": "info",
                "KAMIWAZA_API_URI": "http://host.docker.internal:7777/api",
            },
        })
    );
    assert_eq!(
        keys(&manifest),
        [
            "name",
            "version",
            "template_type",
            "kamiwaza_version",
            "source_type",
            "visibility",
            "description",
            "display_name",
            "category",
            "tags",
            "author",
            "homepage",
            "risk_tier",
            "verified",
            "preferred_model_type",
            "fail_if_model_type_unavailable",
            "preferred_model_name",
            "fail_if_model_name_unavailable",
            "env_defaults",
        ]
    );

    let committed = check_commit(
        &sandbox,
        "feature/migrate-rfp-finder",
        "Import rfp-finder from rfp-finder",
        develop,
        "apps/rfp-finder",
    );
    assert_eq!(
        committed.keys().cloned().collect::<Vec<_>>(),
        files_below(&target)
    );
    assert_eq!(committed["backend/start.sh"], 0o100755);
    assert_eq!(committed["scripts/build-appgarden.sh"], 0o100755);
    assert_eq!(committed["README.md"], 0o100644);

    let printed = stdout(&output);
    for line in [
        "adopted `../legacy/rfp-finder` as app `rfp-finder` in `apps/rfp-finder`\n",
        "copied 17 files\n",
        "  .env: matches `.env` in .gitignore\n",
        "  .git/: git metadata\n",
        "  docker-compose.override.yml: matches `docker-compose.override.yml` in .gitignore\n",
        "  frontend/node_modules/: build output or cache\n",
        "  apps/rfp-finder/docker-compose.yml (was `docker-compose.local.yml`): the local compose file\n",
        "  apps/rfp-finder/docker-compose.appgarden.yml (was `docker-compose.app-garden.yml`)",
        "kamiwaza.json: what changed from `app_garden_config/rfp-finder-appgarden-v1.2.0.json`, and what needs a look:\n",
        "  name: `RFP Finder` kept as `display_name`; `name` is the folder name `rfp-finder`\n",
        "  compose_yml: left out: `make sync-compose` writes the App Garden compose file\n",
        "validate: no problems\n",
        "branch: feature/migrate-rfp-finder, created from `develop`\n",
        "  push `feature/migrate-rfp-finder` and open a pull request into `develop`\n",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }
    assert_eq!(stderr(&output), "");
}

// Fixture B: multi-service app with external images, port ranges and
// named volumes

const MERCURY_COMPOSE: &str = r#"version: "3.8"

# Mercury: research assistant with vector search.
services:
  frontend:
    build:
      context: ./frontend
      dockerfile: Dockerfile
    container_name: mercury-frontend
    ports:
      - "3003:3000"
    environment:
      - NEXT_PUBLIC_API_URL=http://localhost:8003
    depends_on:
      - backend
    networks:
      - mercury
    restart: unless-stopped

  backend:
    build: ./backend
    container_name: mercury-backend
    ports:
      - "8003:8000"
    environment:
      - MILVUS_HOST=milvus
      - REDIS_URL=redis://redis:6379/0
    volumes:
      - backend-data:/app/data
      - ./backend/credentials:/app/credentials:ro
    depends_on:
      milvus:
        condition: service_healthy
      redis:
        condition: service_started
    networks:
      - mercury
    restart: unless-stopped

  milvus:
    image: milvusdb/milvus:v2.3.3
    command: ["milvus", "run", "standalone"]
    ports:
      - "19530:19530"
    volumes:
      - milvus-data:/var/lib/milvus
    depends_on:
      - etcd
      - minio
    networks:
      - mercury
    restart: unless-stopped

  etcd:
    image: quay.io/coreos/etcd:v3.5.5
    command: etcd -advertise-client-urls=http://127.0.0.1:2379 -listen-client-urls http://0.0.0.0:2379 --data-dir /etcd
    volumes:
      - etcd-data:/etcd
    networks:
      - mercury
    restart: unless-stopped

  minio:
    image: minio/minio:RELEASE.2023-03-20T20-16-18Z
    command: minio server /minio_data --console-address ":9001"
    volumes:
      - minio-data:/minio_data
    networks:
      - mercury
    restart: unless-stopped

  # Optional: a local Kamiwaza for offline work.
  kamiwaza:
    image: kamiwaza/kamiwaza:latest
    ports:
      - "61100-61200:61100-61200"
    volumes:
      - kamiwaza-data:/data
      - kamiwaza-models:/models
    networks:
      - mercury
    restart: unless-stopped

  redis:
    image: redis:7-alpine
    volumes:
      - redis-data:/data
    networks:
      - mercury
    restart: unless-stopped

volumes:
  backend-data:
  milvus-data:
  etcd-data:
  minio-data:
  kamiwaza-data:
  kamiwaza-models:
  redis-data:

networks:
  mercury:
    driver: bridge
"#;

const MERCURY_DEV_COMPOSE: &str = "services:\n  backend:\n    command: uvicorn main:app --reload\n    \
     volumes:\n      - ./backend:/app\n  frontend:\n    command: npm run dev\n    volumes:\n      - ./frontend:/app\n";

fn mercury(sandbox: &Sandbox) -> PathBuf {
    sandbox.legacy(
        "outcome_Mercury",
        &[
            ("docker-compose.yml", MERCURY_COMPOSE),
            ("docker-compose.dev.yml", MERCURY_DEV_COMPOSE),
            ("frontend/Dockerfile", "FROM node:20\n"),
            ("frontend/package.json", "{\"name\": \"mercury\"}\n"),
            ("frontend/dist/index.js", "built\n"),
            ("backend/Dockerfile", "FROM python:3.11\n"),
            ("backend/requirements.txt", "fastapi\npymilvus\nredis\n"),
            (
                "backend/main.py",
                "from fastapi import FastAPI\napp = FastAPI()\n",
            ),
            (
                "backend/credentials/README.md",
                "Put the service account here.\n",
            ),
            ("README.md", "# Mercury\n"),
        ],
    )
}

#[test]
fn multi_service_app_adopted() {
    let sandbox = Sandbox::new("kamiwazaai");
    let source = mercury(&sandbox);
    let source_digest = tree_digest(&source, false);
    let develop = sandbox.develop_tip();

    let output = sandbox.adopt(&["../legacy/outcome_Mercury", "--version", "0.4.0"]);

    assert_success(&output);
    assert_eq!(
        tree_digest(&source, false),
        source_digest,
        "source unchanged"
    );
    let target = sandbox.repo.join("apps/outcome-mercury");
    assert_eq!(
        files_below(&target),
        [
            "README.md",
            "backend/Dockerfile",
            "backend/credentials/README.md",
            "backend/main.py",
            "backend/requirements.txt",
            "docker-compose.appgarden.yml",
            "docker-compose.dev.yml",
            "docker-compose.yml",
            "frontend/Dockerfile",
            "frontend/package.json",
            "kamiwaza.json",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(target.join("docker-compose.dev.yml")).unwrap(),
        MERCURY_DEV_COMPOSE
    );

    // Only the two services that build get an image; the nested `build`
    // of the frontend gets it after its last nested line.
    let compose = std::fs::read_to_string(target.join("docker-compose.yml")).unwrap();
    let expected = MERCURY_COMPOSE
        .replace(
            "      dockerfile: Dockerfile\n",
            "      dockerfile: Dockerfile\n    image: kamiwazaai/outcome-mercury-frontend:v0.4.0\n",
        )
        .replace(
            "    build: ./backend\n",
            "    build: ./backend\n    image: kamiwazaai/outcome-mercury-backend:v0.4.0\n",
        );
    assert_eq!(compose, expected);

    let appgarden = std::fs::read_to_string(target.join("docker-compose.appgarden.yml")).unwrap();
    for expected in [
        "    image: kamiwaza/kamiwaza:latest\n",
        "    image: milvusdb/milvus:v2.3.3\n",
        "    image: redis:7-alpine\n",
        "    - 61100-61200\n",
        "    image: kamiwazaai/outcome-mercury-frontend:v0.4.0\n",
        "    image: kamiwazaai/outcome-mercury-backend:v0.4.0\n",
    ] {
        assert!(
            appgarden.contains(expected),
            "missing {expected:?} in:\n{appgarden}"
        );
    }
    assert!(!appgarden.contains("61100-61200:"), "{appgarden}");
    assert!(!appgarden.contains("./backend/credentials"), "{appgarden}");

    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(target.join("kamiwaza.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest,
        json!({
            "name": "outcome-mercury",
            "version": "0.4.0",
            "template_type": "app",
            "kamiwaza_version": ">=0.9.0",
            "source_type": "kamiwaza",
            "visibility": "public",
            "description": "Outcome Mercury, imported from outcome_Mercury",
            "risk_tier": 1,
            "verified": false,
            "preferred_model_type": "any",
            "env_defaults": {"KAMIWAZA_API_URI": "http://host.docker.internal:7777/api"},
        })
    );

    check_commit(
        &sandbox,
        "feature/migrate-outcome-mercury",
        "Import outcome-mercury from outcome_Mercury",
        develop,
        "apps/outcome-mercury",
    );
    let printed = stdout(&output);
    for line in [
        "  name: the source folder name `outcome_Mercury` in kebab-case\n",
        "  frontend/dist/: build output or cache\n",
        "  apps/outcome-mercury/kamiwaza.json: from defaults\n",
        "validate: no problems\n",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }
    assert!(!printed.contains("renamed:"), "{printed}");
}

// Fixture C: single-image app with a non-conforming manifest

const DEPLOYMENT_MANIFEST: &str = r#"{
  "name": "Deployment Manager",
  "version": "1.0.0",
  "description": "Provisions demo deployments on Kamiwaza",
  "image": "kamiwazaai/deployment-manager:latest",
  "risk_tier": 2,
  "ports": [8000],
  "volumes": ["/var/run/docker.sock:/var/run/docker.sock"],
  "health_check": {"path": "/health", "interval": 30},
  "documentation": "README.md",
  "dependencies": ["redis"],
  "repository": "https://github.com/kamiwaza-internal/kz-demo-provisioning",
  "env_defaults": {
    "DEMO_CONFIG_PATH": "/Users/demo/kz/config.yaml",
    "REDIS_URL": "redis://redis:6379/0",
    "KAMIWAZA_API_URL": "https://localhost/api"
  }
}
"#;

const DEPLOYMENT_COMPOSE: &str = r#"# Hand-written App Garden file for the demo provisioner
services:
  deployment-manager:
    image: kamiwazaai/deployment-manager:latest
    container_name: deployment-manager
    ports:
      - "8000:8000"
    environment:
      KAMIWAZA_API_URL: https://host.docker.internal/api
      REDIS_URL: redis://redis:6379/0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /Users/demo/kz/config.yaml:/app/config.yaml:ro
    networks:
      - kamiwaza-network
    restart: always
  worker:
    image: kamiwazaai/deployment-manager:latest
    container_name: deployment-worker
    command: python -m app.worker
    environment:
      KAMIWAZA_API_URL: https://host.docker.internal/api
    networks:
      - kamiwaza-network
    restart: always
  redis:
    image: redis:7-alpine
    container_name: deployment-redis
    networks:
      - kamiwaza-network
networks:
  kamiwaza-network:
    external: true
"#;

fn deployment_manager(sandbox: &Sandbox) -> PathBuf {
    sandbox.legacy(
        "Deployment Manager",
        &[
            (
                "Dockerfile",
                "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
            ),
            ("requirements.txt", "fastapi\nredis\ndocker\n"),
            ("app/__init__.py", ""),
            (
                "app/main.py",
                "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/health\")\ndef health():\n    return {\"status\": \"healthy\"}\n",
            ),
            ("app/worker.py", "print(\"working\")\n"),
            ("kamiwaza.json", DEPLOYMENT_MANIFEST),
            ("docker-compose.appgarden.yml", DEPLOYMENT_COMPOSE),
            ("README.md", "# Deployment Manager\n"),
        ],
    )
}

#[test]
fn single_image_app_manifest_repaired() {
    let sandbox = Sandbox::new("kamiwazaai");
    let source = deployment_manager(&sandbox);
    let source_digest = tree_digest(&source, false);
    let develop = sandbox.develop_tip();

    let output = sandbox.adopt(&["../legacy/Deployment Manager"]);

    assert_success(&output);
    assert_eq!(
        tree_digest(&source, false),
        source_digest,
        "source unchanged"
    );
    let target = sandbox.repo.join("apps/deployment-manager");
    assert_eq!(
        files_below(&target),
        [
            "Dockerfile",
            "README.md",
            "app/__init__.py",
            "app/main.py",
            "app/worker.py",
            "docker-compose.appgarden.yml",
            "docker-compose.yml",
            "kamiwaza.json",
            "requirements.txt",
        ]
    );
    // The hand-written App Garden file is the only compose file, so it
    // becomes the local one unchanged (no service builds), and
    // `sync-compose` writes a conforming App Garden file from it.
    assert_eq!(
        std::fs::read_to_string(target.join("docker-compose.yml")).unwrap(),
        DEPLOYMENT_COMPOSE
    );
    let appgarden = std::fs::read_to_string(target.join("docker-compose.appgarden.yml")).unwrap();
    assert!(appgarden.starts_with("# Generated by `kwz-new sync-compose`"));
    assert!(!appgarden.contains("docker.sock"), "{appgarden}");
    assert!(!appgarden.contains("8000:8000"), "{appgarden}");
    assert!(
        appgarden.contains("host.docker.internal:host-gateway"),
        "{appgarden}"
    );

    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(target.join("kamiwaza.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest,
        json!({
            "name": "deployment-manager",
            "version": "1.0.0",
            "template_type": "app",
            "kamiwaza_version": ">=0.9.0",
            "source_type": "kamiwaza",
            "visibility": "public",
            "description": "Provisions demo deployments on Kamiwaza",
            "display_name": "Deployment Manager",
            "risk_tier": 2,
            "verified": false,
            "image": "kamiwazaai/deployment-manager",
            "preferred_model_type": "any",
            "env_defaults": {
                "DEMO_CONFIG_PATH": "/Users/demo/kz/config.yaml",
                "REDIS_URL": "redis://redis:6379/0",
                "KAMIWAZA_API_URI": "http://host.docker.internal:7777/api",
            },
        })
    );

    check_commit(
        &sandbox,
        "feature/migrate-deployment-manager",
        "Import deployment-manager from Deployment Manager",
        develop,
        "apps/deployment-manager",
    );
    let printed = stdout(&output);
    for line in [
        "  apps/deployment-manager/docker-compose.yml (was `docker-compose.appgarden.yml`): the only compose file; `sync-compose` generates the App Garden file from it\n",
        "  apps/deployment-manager/kamiwaza.json: rewritten from the legacy `kamiwaza.json`\n",
        "kamiwaza.json: what changed from `kamiwaza.json`, and what needs a look:\n",
        "  name: `Deployment Manager` kept as `display_name`; `name` is the folder name `deployment-manager`\n",
        "  image: `kamiwazaai/deployment-manager:latest` written as `kamiwazaai/deployment-manager`: tag `latest` does not match the version: expected `v1.0.0`\n",
        "  env_defaults.DEMO_CONFIG_PATH: `/Users/demo/kz/config.yaml` is a path on the machine the app ran on; containers in App Garden cannot see it\n",
        "  env_defaults.KAMIWAZA_API_URL: left out: the platform sets this variable at deploy time\n",
        "  ports: left out: not a `kamiwaza.json` field\n",
        "  volumes: left out: not a `kamiwaza.json` field\n",
        "  health_check: left out: not a `kamiwaza.json` field\n",
        "  documentation: left out: not a `kamiwaza.json` field\n",
        "  dependencies: left out: not a `kamiwaza.json` field\n",
        "  repository: left out: not a `kamiwaza.json` field\n",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }
}

#[test]
fn invalid_legacy_manifest_replaced() {
    let sandbox = Sandbox::new("acme");
    sandbox.legacy(
        "notes-app",
        &[
            ("kamiwaza.json", "{\n  \"name\": \"notes\",\n}\n"),
            (
                "docker-compose.yml",
                "services:\n  web:\n    build: .\n    ports:\n      - \"8080:80\"\n",
            ),
            ("Dockerfile", "FROM nginx\n"),
        ],
    );

    let output = sandbox.adopt(&["../legacy/notes-app", "--description", "Team notes"]);

    assert_success(&output);
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(sandbox.repo.join("apps/notes-app/kamiwaza.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["name"], "notes-app");
    assert_eq!(manifest["version"], "1.0.0");
    assert_eq!(manifest["description"], "Team notes");
    assert!(
        stdout(&output).contains(
            "kamiwaza.json: what changed from `kamiwaza.json`, and what needs a look:\n  \
             nothing taken from it: kamiwaza.json:3:1: invalid JSON: trailing comma\n"
        ),
        "{}",
        stdout(&output)
    );
}

// Fixture D: standalone MCP tool repo

const TOOL_COMPOSE: &str = r#"services:
  tool-git-mcp:
    build: .
    image: kamiwazaai/tool-git-mcp:1.0.0
    ports:
      - "8000"
    volumes:
      - workspace_data:/workspace
    extra_hosts:
      - "host.docker.internal:host-gateway"
    environment:
      - MCP_PORT=8000
      - MCP_PATH=/mcp
    deploy:
      resources:
        limits:
          cpus: "2"
          memory: 2G

volumes:
  workspace_data:
"#;

const TOOL_MANIFEST: &str = r#"{
  "name": "tool-git-mcp",
  "version": "1.0.0",
  "kamiwaza_version": ">=0.9.0",
  "source_type": "kamiwaza",
  "visibility": "public",
  "description": "Git operations for AI assistants over MCP",
  "category": "development",
  "tags": ["git", "mcp", "version-control", "development", "tools"],
  "author": "Kamiwaza",
  "license": "MIT",
  "image": "kamiwazaai/tool-git-mcp",
  "risk_tier": 1,
  "verified": false,
  "capabilities": ["git_status", "git_log", "git_diff"],
  "required_env_vars": [],
  "env_defaults": {"PORT": "8000", "MCP_PORT": "8000", "MCP_PATH": "/mcp", "GIT_AUTHOR_NAME": "Kamiwaza"}
}
"#;

fn tool_git_mcp(sandbox: &Sandbox) -> PathBuf {
    let source = sandbox.legacy(
        "tool-git-mcp",
        &[
            (
                "Dockerfile",
                "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
            ),
            ("README.md", "# tool-git-mcp\n"),
            ("docker-compose.yml", TOOL_COMPOSE),
            (
                "docker-compose.appgarden.yml",
                "services:\n  tool-git-mcp:\n    image: kamiwazaai/tool-git-mcp:1.0.0\n",
            ),
            ("kamiwaza.json", TOOL_MANIFEST),
            ("requirements.txt", "mcp[cli]>=1.2.0\nGitPython>=3.1\n"),
            ("src/tool_git_mcp/__init__.py", ""),
            (
                "src/tool_git_mcp/server.py",
                "from mcp.server.fastmcp import FastMCP\nserver = FastMCP(\"git\")\n",
            ),
            ("tests/test_server.py", "def test_nothing():\n    pass\n"),
            ("venv/pyvenv.cfg", "home = /usr/bin\n"),
            ("venv/lib/python3.11/site-packages/git/__init__.py", ""),
        ],
    );
    std::os::unix::fs::symlink("/usr/bin/python3", source.join("venv/bin-python")).unwrap();
    source
}

#[test]
fn mcp_tool_adopted() {
    let sandbox = Sandbox::new("kamiwazaai");
    let source = tool_git_mcp(&sandbox);
    let source_digest = tree_digest(&source, false);
    let develop = sandbox.develop_tip();

    let output = sandbox.adopt(&["../legacy/tool-git-mcp"]);

    assert_success(&output);
    assert_eq!(
        tree_digest(&source, false),
        source_digest,
        "source unchanged"
    );
    let target = sandbox.repo.join("tools/tool-git-mcp");
    assert_eq!(
        files_below(&target),
        [
            "Dockerfile",
            "README.md",
            "docker-compose.appgarden.yml",
            "docker-compose.yml",
            "kamiwaza.json",
            "requirements.txt",
            "src/tool_git_mcp/__init__.py",
            "src/tool_git_mcp/server.py",
            "tests/test_server.py",
        ]
    );
    // The service already names an image, so the file is unchanged.
    assert_eq!(
        std::fs::read_to_string(target.join("docker-compose.yml")).unwrap(),
        TOOL_COMPOSE
    );
    let appgarden = std::fs::read_to_string(target.join("docker-compose.appgarden.yml")).unwrap();
    assert!(appgarden.starts_with("# Generated by `kwz-new sync-compose`"));

    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(target.join("kamiwaza.json")).unwrap())
            .unwrap();
    let mut expected: Value = serde_json::from_str(TOOL_MANIFEST).unwrap();
    expected["template_type"] = json!("tool");
    expected["env_defaults"]["KAMIWAZA_API_URI"] = json!("http://host.docker.internal:7777/api");
    assert_eq!(manifest, expected);
    assert_eq!(
        keys(&manifest),
        [
            "name",
            "version",
            "template_type",
            "kamiwaza_version",
            "source_type",
            "visibility",
            "description",
            "category",
            "tags",
            "author",
            "license",
            "risk_tier",
            "verified",
            "image",
            "capabilities",
            "required_env_vars",
            "env_defaults",
        ]
    );

    check_commit(
        &sandbox,
        "feature/migrate-tool-git-mcp",
        "Import tool-git-mcp from tool-git-mcp",
        develop,
        "tools/tool-git-mcp",
    );
    let printed = stdout(&output);
    for line in [
        "adopted `../legacy/tool-git-mcp` as tool `tool-git-mcp` in `tools/tool-git-mcp`\n",
        "  type: the name, which starts with `tool-`\n",
        "  venv/: build output or cache\n",
        "kamiwaza.json kept every field of `kamiwaza.json`\n",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }
    assert!(
        !printed.contains("  apps/"),
        "nothing goes to apps/:\n{printed}"
    );
    // validate's rule for own images differs from the legacy tag; the
    // import is committed anyway and the problem is listed with a fix.
    assert!(
        printed.contains(
            "validate: 1 errors and 0 warnings remain (committed as they are):\n  \
             tools/tool-git-mcp/docker-compose.yml: services.tool-git-mcp.image: \
             `kamiwazaai/tool-git-mcp:1.0.0` should be `kamiwazaai/tool-git-mcp-tool-git-mcp:v1.0.0`\n    \
             fix: edit `tools/tool-git-mcp/docker-compose.yml`, then run `make sync-compose TYPE=tool NAME=tool-git-mcp`\n"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("  fix what validate reports, then run"),
        "{printed}"
    );
}

#[test]
fn mcp_server_makes_a_tool() {
    let sandbox = Sandbox::new("acme");
    sandbox.legacy(
        "git-helper",
        &[
            ("requirements.txt", "fastmcp==2.3\n"),
            ("Dockerfile", "FROM python:3.11\n"),
            ("docker-compose.yml", "services:\n  server:\n    build: .\n"),
        ],
    );

    let output = sandbox.adopt(&["../legacy/git-helper"]);

    assert_success(&output);
    assert!(
        sandbox
            .repo
            .join("tools/tool-git-helper/kamiwaza.json")
            .is_file()
    );
    let printed = stdout(&output);
    assert!(
        printed.contains(
            "  name: the source folder name `git-helper` in kebab-case, with the `tool-` prefix every tool name needs\n  \
             type: an MCP server (`fastmcp` in `requirements.txt`)\n"
        ),
        "{printed}"
    );
    assert_eq!(
        std::fs::read_to_string(
            sandbox
                .repo
                .join("tools/tool-git-helper/docker-compose.yml")
        )
        .unwrap(),
        "services:\n  server:\n    build: .\n    image: acme/tool-git-helper-server:v1.0.0\n"
    );
}

// --retrofit-auth

#[test]
fn retrofit_auth_wires_wheel() {
    let sandbox = Sandbox::new("acme");
    rfp_finder(&sandbox);
    // `make package-libs` output is git-ignored, so the tree stays clean.
    let wheel = "kamiwaza_auth-0.1.0-py3-none-any.whl";
    write(
        &sandbox.repo.join("shared/python/dist").join(wheel),
        "wheel bytes",
    );

    let output = sandbox.adopt(&["../legacy/rfp-finder", "--retrofit-auth"]);

    assert_success(&output);
    let backend = sandbox.repo.join("apps/rfp-finder/backend");
    assert_eq!(
        std::fs::read_to_string(backend.join(wheel)).unwrap(),
        "wheel bytes"
    );
    assert_eq!(
        std::fs::read_to_string(backend.join("requirements.txt")).unwrap(),
        format!("./{wheel}\n{RFP_REQUIREMENTS}")
    );
    assert_eq!(
        std::fs::read_to_string(backend.join("Dockerfile")).unwrap(),
        RFP_BACKEND_DOCKERFILE.replace(
            "RUN pip install",
            &format!("COPY {wheel} ./\nRUN pip install")
        )
    );
    let committed = sandbox
        .repository()
        .head()
        .unwrap()
        .peel_to_tree()
        .unwrap()
        .get_path(Path::new("apps/rfp-finder/backend").join(wheel).as_path())
        .is_ok();
    assert!(committed, "the wheel is committed");
    let printed = stdout(&output);
    for line in [
        "  apps/rfp-finder/backend/kamiwaza_auth-0.1.0-py3-none-any.whl: the shared wheel, reused `shared/python/dist/kamiwaza_auth-0.1.0-py3-none-any.whl`\n",
        "  apps/rfp-finder/backend/requirements.txt: the wheel as the first requirement\n",
        "  apps/rfp-finder/backend/Dockerfile: `COPY` of the wheel before `pip install`\n",
        "to do by hand (adopt does not edit application code):\n  add `from kamiwaza_auth import create_session_router` and `app.include_router(create_session_router(prefix=\"/api\"))` to `apps/rfp-finder/backend/app/main.py`, after line 3 that creates `app`\n",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }
    // Application code is never edited.
    assert!(
        std::fs::read_to_string(backend.join("app/main.py"))
            .unwrap()
            .starts_with("from fastapi import FastAPI\n\napp = FastAPI(")
    );
}

#[test]
fn retrofit_auth_builds_missing_wheel() {
    let pip = std::process::Command::new("python3")
        .args(["-m", "pip", "--version"])
        .output();
    if !pip.is_ok_and(|output| output.status.success()) {
        eprintln!("skipped: building the wheel needs `python3 -m pip`");
        return;
    }
    let sandbox = Sandbox::new("acme");
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("template/shared/python"),
        &sandbox.repo.join("shared/python"),
    );
    commit_all(&sandbox.repository(), "Add the shared Python library");
    rfp_finder(&sandbox);

    // pip fetches the build backend (hatchling) from the package index.
    let output = sandbox.adopt(&["../legacy/rfp-finder", "--retrofit-auth"]);

    assert_success(&output);
    let wheel = sandbox
        .repo
        .join("apps/rfp-finder/backend/kamiwaza_auth-0.1.0-py3-none-any.whl");
    let bytes = std::fs::read(&wheel).unwrap();
    assert!(bytes.starts_with(b"PK"), "a wheel is a zip archive");
    assert!(stdout(&output).contains("the shared wheel, built from `shared/python`"));
    assert!(
        !sandbox.repo.join("shared/python/dist").exists(),
        "the repo's own dist/ is not written"
    );
}

// Branch options

#[test]
fn no_branch_commits_on_current_branch() {
    let sandbox = Sandbox::new("acme");
    mercury(&sandbox);
    let develop = sandbox.develop_tip();

    let output = sandbox.adopt(&[
        "../legacy/outcome_Mercury",
        "--no-branch",
        "--name",
        "mercury",
    ]);

    assert_success(&output);
    check_commit(
        &sandbox,
        "develop",
        "Import mercury from outcome_Mercury",
        develop,
        "apps/mercury",
    );
    assert_eq!(
        sandbox.state().branches.keys().collect::<Vec<_>>(),
        ["develop", "main"]
    );
    assert!(stdout(&output).contains("\nbranch: the current one (--no-branch)\n"));
}

#[test]
fn without_develop_branches_from_current() {
    let sandbox = Sandbox::new("acme");
    let repository = sandbox.repository();
    repository.set_head("refs/heads/main").unwrap();
    repository
        .find_branch("develop", BranchType::Local)
        .unwrap()
        .delete()
        .unwrap();
    let main = branch_tip(&repository, "main");
    mercury(&sandbox);

    let output = sandbox.adopt(&["../legacy/outcome_Mercury", "--name", "mercury"]);

    assert_success(&output);
    check_commit(
        &sandbox,
        "feature/migrate-mercury",
        "Import mercury from outcome_Mercury",
        main,
        "apps/mercury",
    );
    assert!(
        stdout(&output).contains(
            "branch: feature/migrate-mercury, created from the current branch `main`, because there is no `develop` branch\n"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn force_replaces_existing_extension() {
    let sandbox = Sandbox::new("acme");
    write(&sandbox.repo.join("apps/mercury/old.txt"), "old\n");
    commit_all(&sandbox.repository(), "Add an old mercury");
    let develop = sandbox.develop_tip();
    mercury(&sandbox);

    let output = sandbox.adopt(&["../legacy/outcome_Mercury", "--name", "mercury", "--force"]);

    assert_success(&output);
    let files = check_commit(
        &sandbox,
        "feature/migrate-mercury",
        "Import mercury from outcome_Mercury",
        develop,
        "apps/mercury",
    );
    assert!(!files.contains_key("old.txt"));
    assert!(files.contains_key("kamiwaza.json"));
    assert!(!sandbox.repo.join("apps/mercury/old.txt").exists());
    assert!(stdout(&output).contains("  replaced the existing `apps/mercury` (--force)\n"));
    assert!(
        std::fs::read_dir(sandbox.repo.join(".git"))
            .unwrap()
            .all(|entry| !entry
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("kwz-new-adopt-")),
        "the staging folder is gone"
    );
}

// Refusals: one message, exit 1, repo and source as they were

/// Runs adopt with `args`, expects exit 1 with exactly `expected` on
/// stderr, and checks that neither the repo nor `source` changed.
fn assert_refused(sandbox: &Sandbox, source: &Path, args: &[&str], expected: &str) {
    let repo_before = sandbox.state();
    let source_before = tree_digest(source, false);

    let output = sandbox.adopt(args);

    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout:\n{}",
        stdout(&output)
    );
    assert_eq!(stderr(&output), expected);
    assert_eq!(stdout(&output), "");
    assert_eq!(sandbox.state(), repo_before, "repo unchanged");
    assert_eq!(
        tree_digest(source, false),
        source_before,
        "source unchanged"
    );
}

#[test]
fn dirty_repo_refused() {
    let sandbox = Sandbox::new("acme");
    let source = mercury(&sandbox);
    write(&sandbox.repo.join("notes.txt"), "draft\n");

    assert_refused(
        &sandbox,
        &source,
        &["../legacy/outcome_Mercury"],
        "error: the work tree has uncommitted changes: `notes.txt`\n\
         hint: commit or stash them first; adopt makes its own commit\n",
    );
}

#[test]
fn existing_target_refused() {
    let sandbox = Sandbox::new("acme");
    write(
        &sandbox.repo.join("apps/outcome-mercury/README.md"),
        "# taken\n",
    );
    commit_all(&sandbox.repository(), "Add outcome-mercury");
    let source = mercury(&sandbox);

    assert_refused(
        &sandbox,
        &source,
        &["../legacy/outcome_Mercury"],
        "error: `apps/outcome-mercury` already exists\n\
         hint: choose another name with --name, or pass --force to replace it\n",
    );
}

#[test]
fn source_inside_repo_refused() {
    let sandbox = Sandbox::new("acme");
    let source = sandbox.repo.join("vendor/legacy-app");
    write(
        &source.join("docker-compose.yml"),
        "services:\n  web:\n    build: .\n",
    );
    commit_all(&sandbox.repository(), "Vendor the legacy app");

    assert_refused(
        &sandbox,
        &source,
        &["vendor/legacy-app"],
        &format!(
            "error: the source folder `vendor/legacy-app` is inside this repo (`{}`)\n\
             hint: adopt imports an app from outside the repo; move or clone it elsewhere first\n",
            sandbox.repo.display()
        ),
    );
}

#[test]
fn conflicting_compose_names_refused() {
    let sandbox = Sandbox::new("acme");
    let source = sandbox.legacy(
        "twin-compose",
        &[
            (
                "docker-compose.yml",
                "services:\n  web:\n    image: nginx\n",
            ),
            (
                "docker-compose.local.yml",
                "services:\n  web:\n    build: .\n",
            ),
        ],
    );

    assert_refused(
        &sandbox,
        &source,
        &["../legacy/twin-compose"],
        "error: `../legacy/twin-compose` has both `docker-compose.yml` and `docker-compose.local.yml`, and both would become `docker-compose.yml`\n\
         hint: adopt cannot tell which one to keep; merge them into one file in the source folder, then run adopt again\n",
    );
}

#[test]
fn unreadable_source_file_refused() {
    let sandbox = Sandbox::new("acme");
    let source = mercury(&sandbox);
    let secret = source.join("backend/secret.env");
    write(&secret, "TOKEN=x\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();

    // Root reads any file; without the capabilities that allow it, the
    // file is unreadable to the binary as to any other user.
    let readable = std::fs::read(&secret).is_ok();
    let setpriv = Path::new("/usr/bin/setpriv");
    if readable && !setpriv.is_file() {
        eprintln!("skipped: running as root without setpriv, so no file is unreadable");
        return;
    }
    let repo_before = sandbox.state();
    let source_before = tree_digest(&source, false);

    let mut command = if readable {
        let mut command = std::process::Command::new(setpriv);
        command
            .args(["--bounding-set", "-dac_override,-dac_read_search"])
            .arg(env!("CARGO_BIN_EXE_kwz-new"));
        command
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_kwz-new"))
    };
    let output = command
        .current_dir(&sandbox.repo)
        .args(["adopt", "../legacy/outcome_Mercury"])
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();

    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout:\n{}",
        stdout(&output)
    );
    assert_eq!(
        stderr(&output),
        format!(
            "error: failed to read `{}`: Permission denied (os error 13)\n\
             hint: adopt copies every file that git would commit; make it readable, or remove it from the source, then run adopt again\n",
            secret.display()
        )
    );
    assert_eq!(sandbox.state(), repo_before, "repo unchanged");
    assert_eq!(
        tree_digest(&source, false),
        source_before,
        "source unchanged"
    );
}

#[test]
fn invalid_names_refused() {
    let sandbox = Sandbox::new("acme");
    let source = mercury(&sandbox);

    assert_refused(
        &sandbox,
        &source,
        &["../legacy/outcome_Mercury", "--name", "Mercury_App"],
        "error: invalid extension name `Mercury_App`: use kebab-case, lowercase letters and digits joined by single hyphens\n\
         hint: for example `--name mercury-app`\n",
    );
    assert_refused(
        &sandbox,
        &source,
        &[
            "../legacy/outcome_Mercury",
            "--type",
            "tool",
            "--name",
            "mercury",
        ],
        "error: invalid tool name `mercury`: it must start with `tool-` or `mcp-`\n\
         hint: for example `tool-example`\n",
    );
    let mcp = sandbox.legacy(
        "git-helper",
        &[
            ("requirements.txt", "mcp>=1.0\n"),
            ("Dockerfile", "FROM python\n"),
        ],
    );
    assert_refused(
        &sandbox,
        &mcp,
        &["../legacy/git-helper", "--name", "git-helper"],
        "error: invalid tool name `git-helper`: it must start with `tool-` or `mcp-`\n\
         hint: for example `tool-example`\n\
         note: the type `tool` comes from an MCP server (`mcp` in `requirements.txt`); pass --type to choose another\n",
    );
    let unnamed = sandbox.legacy("日本", &[("README.md", "x\n")]);
    assert_refused(
        &sandbox,
        &unnamed,
        &["../legacy/日本"],
        "error: cannot make an extension name from the source folder name `日本`: it has no ASCII letters or digits\n\
         hint: give a name with --name, in kebab-case such as `my-app`\n",
    );
}

#[test]
fn missing_source_refused() {
    let sandbox = Sandbox::new("acme");
    let before = sandbox.state();

    let output = sandbox.adopt(&["../legacy/nope", "--version", "1.0.0"]);

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: source folder `../legacy/nope` not found\n"
    );
    assert_eq!(sandbox.state(), before);
}

#[test]
fn invalid_version_refused() {
    let sandbox = Sandbox::new("acme");
    let source = mercury(&sandbox);

    assert_refused(
        &sandbox,
        &source,
        &["../legacy/outcome_Mercury", "--version", "v1.2"],
        "error: invalid --version `v1.2`: use semantic versioning such as `1.2.3`, without a leading `v`\n",
    );
}

#[test]
fn existing_branch_refused() {
    let sandbox = Sandbox::new("acme");
    let source = mercury(&sandbox);
    let repository = sandbox.repository();
    let head = repository.head().unwrap().peel_to_commit().unwrap();
    repository
        .branch("feature/migrate-outcome-mercury", &head, false)
        .unwrap();

    assert_refused(
        &sandbox,
        &source,
        &["../legacy/outcome_Mercury"],
        "error: the branch `feature/migrate-outcome-mercury` already exists\n\
         hint: delete it with `git branch -D feature/migrate-outcome-mercury`, or check it out and run adopt with --no-branch\n",
    );
}

// The Makefile target of the generated repo

#[test]
fn make_adopt_runs_adopt() {
    if std::process::Command::new("make")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `make` on PATH");
        return;
    }
    let sandbox = Sandbox::new("acme");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("template/Makefile"),
        sandbox.repo.join("Makefile"),
    )
    .unwrap();
    commit_all(&sandbox.repository(), "Add the Makefile");
    mercury(&sandbox);

    let output = std::process::Command::new("make")
        .current_dir(&sandbox.repo)
        .args([
            "adopt",
            "SRC=../legacy/outcome_Mercury",
            "NAME=mercury",
            "ADOPT_FLAGS=--version 2.0.0 --description Mercury",
            &format!("KWZ_NEW={}", env!("CARGO_BIN_EXE_kwz-new")),
        ])
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("MAKEFLAGS")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();

    assert_success(&output);
    let manifest =
        std::fs::read_to_string(sandbox.repo.join("apps/mercury/kamiwaza.json")).unwrap();
    assert!(manifest.contains("\"version\": \"2.0.0\""), "{manifest}");
    assert_eq!(
        sandbox.repository().head().unwrap().name().unwrap(),
        "refs/heads/feature/migrate-mercury"
    );
    let output = std::process::Command::new("make")
        .current_dir(&sandbox.repo)
        .args([
            "adopt",
            &format!("KWZ_NEW={}", env!("CARGO_BIN_EXE_kwz-new")),
        ])
        .env_remove("MAKEFLAGS")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("error: set SRC=<folder of the app to import>"));
}
