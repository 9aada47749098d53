//! Settings of the push (API URL, TLS checking, time-outs, credentials),
//! resolved from the flags, the process environment and the repo's `.env`, in
//! that order of precedence.
//!
//! The generated Makefile includes `.env` and exports it, so `make
//! kamiwaza-push` already passes its values in the environment. Reading
//! `.env` here gives the same result when `kwz-new push` runs directly.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use super::PushOptions;
use super::auth::{Credentials, Secret};

/// API base URL used when none is given, as in the generated Makefile.
pub const DEFAULT_API_URL: &str = "https://localhost/api";

/// Username and password of a fresh local Kamiwaza, also the Makefile's
/// defaults.
const DEFAULT_USERNAME: &str = "admin";
const DEFAULT_PASSWORD: &str = "kamiwaza";

/// Time allowed for each whole request, unless `KWZ_NEW_HTTP_TIMEOUT_SECS`
/// sets another.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Maximum time to open the TCP connection and finish the TLS handshake.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Environment variable that sets the request time-out, in seconds.
pub const TIMEOUT_VARIABLE: &str = "KWZ_NEW_HTTP_TIMEOUT_SECS";

/// The variables read from the environment and `.env`.
const VARIABLES: [&str; 6] = [
    "KAMIWAZA_API_URL",
    "KAMIWAZA_API_KEY",
    "KAMIWAZA_USERNAME",
    "KAMIWAZA_PASSWORD",
    "KAMIWAZA_VERIFY_SSL",
    TIMEOUT_VARIABLE,
];

/// Origin of a setting, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A flag, or the environment variable that clap reads for that flag.
    Flag,
    Environment,
    DotEnv,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Source::Flag => "the command line or the environment",
            Source::Environment => "the environment",
            Source::DotEnv => "`.env`",
            Source::Default => "kwz-new's default",
        })
    }
}

/// The process environment and the repo's `.env`, limited to the variables
/// the push reads. Empty values count as unset.
#[derive(Debug, Default)]
pub struct Environment {
    process: BTreeMap<String, String>,
    dotenv: BTreeMap<String, String>,
}

impl Environment {
    /// Reads the variables of `VARIABLES` from the process and from
    /// `<repo_root>/.env` when that file exists.
    pub fn load(repo_root: &Path) -> Result<Environment> {
        let process = VARIABLES
            .iter()
            .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
            .collect();
        let path = repo_root.join(".env");
        let dotenv = if path.is_file() {
            let text = std::fs::read_to_string(&path).context("failed to read `.env`")?;
            parse_dotenv(&text)
        } else {
            BTreeMap::new()
        };
        Ok(Environment { process, dotenv })
    }

    /// Returns the value of `name` and its source, from the process first, then `.env`.
    pub fn get(&self, name: &str) -> Option<(String, Source)> {
        let found = |map: &BTreeMap<String, String>| {
            map.get(name).filter(|value| !value.is_empty()).cloned()
        };
        found(&self.process)
            .map(|value| (value, Source::Environment))
            .or_else(|| found(&self.dotenv).map(|value| (value, Source::DotEnv)))
    }

    fn get_or(&self, name: &str, default: &str) -> (String, Source) {
        self.get(name)
            .unwrap_or_else(|| (default.to_string(), Source::Default))
    }
}

/// Reads `KEY=VALUE` lines as shells and dotenv loaders do: blank lines and
/// `#` comments are skipped, an `export ` prefix is allowed, a value in
/// matching single or double quotes is taken as is, and an unquoted value
/// ends at ` #`. Lines without `=` are ignored.
pub fn parse_dotenv(text: &str) -> BTreeMap<String, String> {
    let mut variables = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        variables.insert(key.trim().to_string(), dotenv_value(value.trim()));
    }
    variables
}

fn dotenv_value(raw: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(rest) = raw.strip_prefix(quote)
            && let Some(end) = rest.find(quote)
        {
            return rest[..end].to_string();
        }
    }
    let without_comment = raw.split(" #").next().unwrap_or_default();
    without_comment.trim().to_string()
}

/// Everything the client needs to reach Kamiwaza.
#[derive(Debug)]
pub struct Settings {
    /// Base URL without a trailing slash, for example `https://localhost/api`.
    pub api_url: String,
    pub verify_tls: bool,
    /// Reason TLS checking is off, for the dry-run output.
    pub insecure_reason: Option<String>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub credentials: Credentials,
}

impl Settings {
    pub fn resolve(options: &PushOptions, environment: &Environment) -> Result<Settings> {
        let (api_url, url_source) = match &options.api_url {
            Some(url) if !url.is_empty() => (url.clone(), Source::Flag),
            _ => environment.get_or("KAMIWAZA_API_URL", DEFAULT_API_URL),
        };
        let api_url = check_api_url(&api_url, url_source)?;
        let insecure_reason = insecure_reason(options.insecure, environment);
        let timeout = request_timeout(environment)?;
        Ok(Settings {
            api_url,
            verify_tls: insecure_reason.is_none(),
            insecure_reason,
            timeout,
            connect_timeout: timeout.min(MAX_CONNECT_TIMEOUT),
            credentials: credentials(environment),
        })
    }
}

/// Accepts an absolute `http` or `https` URL and drops trailing slashes.
fn check_api_url(raw: &str, source: Source) -> Result<String> {
    let hint = "hint: write the whole base URL of the API, for example `https://localhost/api`";
    let parsed = match url::Url::parse(raw) {
        Ok(parsed) => parsed,
        Err(error) => bail!("invalid Kamiwaza API URL `{raw}` from {source}: {error}\n{hint}"),
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        bail!(
            "invalid Kamiwaza API URL `{raw}` from {source}: expected an http or https URL\n{hint}"
        );
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// Returns the reason TLS certificates go unchecked, or `None` when they are
/// checked.
/// `KAMIWAZA_VERIFY_SSL` turns checking off with `false`, `0`, `no` or `off`.
fn insecure_reason(insecure_flag: bool, environment: &Environment) -> Option<String> {
    if insecure_flag {
        return Some("`--insecure`".to_string());
    }
    let (value, source) = environment.get("KAMIWAZA_VERIFY_SSL")?;
    let off = matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    );
    off.then(|| format!("`KAMIWAZA_VERIFY_SSL={value}` from {source}"))
}

/// Reads `KWZ_NEW_HTTP_TIMEOUT_SECS` (a positive number of seconds).
fn request_timeout(environment: &Environment) -> Result<Duration> {
    let Some((raw, source)) = environment.get(TIMEOUT_VARIABLE) else {
        return Ok(DEFAULT_TIMEOUT);
    };
    match raw.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(Duration::from_secs_f64(seconds)),
        _ => bail!(
            "invalid `{TIMEOUT_VARIABLE}` `{raw}` from {source}: expected a positive number of seconds"
        ),
    }
}

/// Chooses an API key when `KAMIWAZA_API_KEY` is set, else a username and password.
fn credentials(environment: &Environment) -> Credentials {
    if let Some((key, source)) = environment.get("KAMIWAZA_API_KEY") {
        return Credentials::ApiKey {
            key: Secret::new(key),
            source,
        };
    }
    let (username, username_source) = environment.get_or("KAMIWAZA_USERNAME", DEFAULT_USERNAME);
    let (password, password_source) = environment.get_or("KAMIWAZA_PASSWORD", DEFAULT_PASSWORD);
    Credentials::Password {
        username,
        username_source,
        password: Secret::new(password),
        password_source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::{ExtensionKind, Stage};

    fn environment(process: &[(&str, &str)], dotenv: &[(&str, &str)]) -> Environment {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect()
        };
        Environment {
            process: map(process),
            dotenv: map(dotenv),
        }
    }

    fn options(api_url: Option<&str>, insecure: bool) -> PushOptions {
        PushOptions {
            kind: ExtensionKind::App,
            name: "my-app".to_string(),
            stage: Stage::Dev,
            api_url: api_url.map(str::to_string),
            template_id: None,
            insecure,
            dry_run: false,
        }
    }

    #[test]
    fn dotenv_parsing() {
        let text = "# comment\n\nexport A=1\nB = \"two words\" # note\nC='x#y'\nD=plain # note\nnot a pair\nE=\n";
        let parsed = parse_dotenv(text);
        assert_eq!(parsed.get("A").map(String::as_str), Some("1"));
        assert_eq!(parsed.get("B").map(String::as_str), Some("two words"));
        assert_eq!(parsed.get("C").map(String::as_str), Some("x#y"));
        assert_eq!(parsed.get("D").map(String::as_str), Some("plain"));
        assert_eq!(parsed.get("E").map(String::as_str), Some(""));
        assert_eq!(parsed.len(), 5);
    }

    #[test]
    fn environment_wins_over_dotenv() {
        let env = environment(
            &[("KAMIWAZA_USERNAME", "root"), ("KAMIWAZA_PASSWORD", "")],
            &[
                ("KAMIWAZA_USERNAME", "admin"),
                ("KAMIWAZA_PASSWORD", "from-file"),
            ],
        );
        assert_eq!(
            env.get("KAMIWAZA_USERNAME"),
            Some(("root".to_string(), Source::Environment))
        );
        assert_eq!(
            env.get("KAMIWAZA_PASSWORD"),
            Some(("from-file".to_string(), Source::DotEnv))
        );
    }

    #[test]
    fn api_url_precedence() {
        let env = environment(&[], &[("KAMIWAZA_API_URL", "http://127.0.0.1:9/api/")]);
        let from_file = Settings::resolve(&options(None, false), &env).unwrap();
        assert_eq!(from_file.api_url, "http://127.0.0.1:9/api");
        let from_flag =
            Settings::resolve(&options(Some("http://127.0.0.1:8/x"), false), &env).unwrap();
        assert_eq!(from_flag.api_url, "http://127.0.0.1:8/x");
        let default = Settings::resolve(&options(None, false), &Environment::default()).unwrap();
        assert_eq!(default.api_url, DEFAULT_API_URL);
    }

    #[test]
    fn api_url_must_be_http() {
        let error = Settings::resolve(
            &options(Some("localhost/api"), false),
            &Environment::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with(
                "invalid Kamiwaza API URL `localhost/api` from the command line or the environment"
            ),
            "{error}"
        );
        let error = Settings::resolve(
            &options(Some("ftp://host/api"), false),
            &Environment::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("expected an http or https URL"), "{error}");
    }

    #[test]
    fn verify_ssl_false_turns_checking_off() {
        let env = environment(&[], &[("KAMIWAZA_VERIFY_SSL", "False")]);
        let settings = Settings::resolve(&options(None, false), &env).unwrap();
        assert!(!settings.verify_tls);
        assert_eq!(
            settings.insecure_reason.as_deref(),
            Some("`KAMIWAZA_VERIFY_SSL=False` from `.env`")
        );
        let env = environment(&[("KAMIWAZA_VERIFY_SSL", "true")], &[]);
        assert!(
            Settings::resolve(&options(None, false), &env)
                .unwrap()
                .verify_tls
        );
        assert!(
            !Settings::resolve(&options(None, true), &env)
                .unwrap()
                .verify_tls
        );
    }

    #[test]
    fn timeout_from_variable() {
        let env = environment(&[(TIMEOUT_VARIABLE, "0.5")], &[]);
        let settings = Settings::resolve(&options(None, false), &env).unwrap();
        assert_eq!(settings.timeout, Duration::from_millis(500));
        assert_eq!(settings.connect_timeout, Duration::from_millis(500));
        let env = environment(&[(TIMEOUT_VARIABLE, "soon")], &[]);
        let error = Settings::resolve(&options(None, false), &env)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("expected a positive number of seconds"),
            "{error}"
        );
    }

    #[test]
    fn api_key_wins_over_password() {
        let env = environment(
            &[("KAMIWAZA_PASSWORD", "pw")],
            &[("KAMIWAZA_API_KEY", "key")],
        );
        let settings = Settings::resolve(&options(None, false), &env).unwrap();
        assert!(matches!(
            settings.credentials,
            Credentials::ApiKey {
                source: Source::DotEnv,
                ..
            }
        ));
        let settings = Settings::resolve(&options(None, false), &Environment::default()).unwrap();
        let Credentials::Password {
            username, password, ..
        } = settings.credentials
        else {
            panic!("expected a password login");
        };
        assert_eq!(username, "admin");
        assert_eq!(password.expose(), "kamiwaza");
    }
}
