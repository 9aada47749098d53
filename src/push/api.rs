//! The Kamiwaza template endpoints a push uses, relative to the API base URL.
//!
//! | kind | list | update | create |
//! |---|---|---|---|
//! | app, service | `GET apps/app_templates` | `PUT apps/app_templates/{id}` | `POST apps/app_templates` |
//! | tool | `GET tool/templates` | `PUT tool/tool_templates/{id}` | `POST apps/app_templates` |
//!
//! Tools have no create endpoint of their own, so a new tool is created
//! through the app template endpoint, as the extensions template's own push
//! script does. The list is searched by `name`; `--template-id` skips the
//! search and updates that template.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde_json::Value;

use super::PushOptions;
use super::auth::{self, Credentials, Secret};
use super::client::{Body, Client, Request, Response};
use super::error::PushError;
use super::settings::Settings;
use crate::extensions::ExtensionKind;

/// Maximum length of a non-JSON error body shown to the user, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

/// Whether the template was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
        }
    }
}

/// The result of a push: what happened and the template id, when known.
pub struct Published {
    pub action: Action,
    pub id: Option<String>,
}

/// An authenticated session with one Kamiwaza API.
pub struct Kamiwaza<'a> {
    client: &'a Client,
    api_url: &'a str,
    credentials: &'a Credentials,
    token: Secret,
}

impl<'a> Kamiwaza<'a> {
    /// Uses the API key as the bearer token, or logs in with the password.
    pub fn connect(client: &'a Client, settings: &'a Settings) -> Result<Kamiwaza<'a>> {
        let credentials = &settings.credentials;
        tracing::debug!("authenticating with {}", credentials.describe());
        let token = match credentials {
            Credentials::ApiKey { key, .. } => key.clone(),
            Credentials::Password {
                username, password, ..
            } => {
                let request = auth::login_request(&settings.api_url, username, password);
                let response = client.send(&request)?;
                let body = check_status(&request, &response, credentials, None)?;
                auth::parse_token(&body).map_err(|detail| PushError::InvalidResponse {
                    method: request.method,
                    url: request.url.clone(),
                    detail,
                })?
            }
        };
        Ok(Kamiwaza {
            client,
            api_url: &settings.api_url,
            credentials,
            token,
        })
    }

    /// Updates the template `template_id`, or the one named `name`, or
    /// creates a new template when neither exists.
    pub fn publish(
        &self,
        kind: ExtensionKind,
        name: &str,
        template_id: Option<&str>,
        payload: &Value,
    ) -> Result<Published> {
        let existing = match template_id {
            Some(id) => Some(id.to_string()),
            None => self.find_template(kind, name)?,
        };
        let (action, request) = match &existing {
            Some(id) => {
                tracing::debug!("updating template `{id}`");
                let url = update_url(self.api_url, kind, id);
                (Action::Updated, self.json_request("PUT", url, payload))
            }
            None => {
                tracing::debug!("no template named `{name}`; creating one");
                let url = create_url(self.api_url);
                (Action::Created, self.json_request("POST", url, payload))
            }
        };
        let body = self.send(&request)?;
        let returned_id = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|value| value.get("id").and_then(id_text));
        Ok(Published {
            action,
            id: returned_id.or(existing),
        })
    }

    /// Returns the id of the first listed template named `name`.
    fn find_template(&self, kind: ExtensionKind, name: &str) -> Result<Option<String>> {
        let request = Request {
            method: "GET",
            url: list_url(self.api_url, kind),
            bearer: Some(&self.token),
            body: Body::Empty,
        };
        let body = self.send(&request)?;
        let invalid = |detail: &str| PushError::InvalidResponse {
            method: request.method,
            url: request.url.clone(),
            detail: detail.to_string(),
        };
        let listed: Value = serde_json::from_str(&body).map_err(|_| invalid("not JSON"))?;
        let Value::Array(templates) = listed else {
            return Err(invalid("expected a JSON array of templates").into());
        };
        let found = templates
            .iter()
            .find(|template| template.get("name").and_then(Value::as_str) == Some(name));
        let Some(template) = found else {
            return Ok(None);
        };
        let Some(id) = template.get("id").and_then(id_text) else {
            return Err(invalid(&format!("the template named `{name}` has no `id`")).into());
        };
        check_template_id(&id)?;
        Ok(Some(id))
    }

    fn json_request<'b>(
        &'b self,
        method: &'static str,
        url: String,
        payload: &'b Value,
    ) -> Request<'b> {
        Request {
            method,
            url,
            bearer: Some(&self.token),
            body: Body::Json(payload),
        }
    }

    /// Sends a request and returns the body of a 2xx response.
    fn send(&self, request: &Request) -> Result<String, PushError> {
        let response = self.client.send(request)?;
        check_status(request, &response, self.credentials, Some(&self.token))
    }
}

/// Accepts a 2xx response and turns any other status into an error that
/// carries the server's message, with the credential secret and the access
/// token masked in case the server echoes them.
fn check_status(
    request: &Request,
    response: &Response,
    credentials: &Credentials,
    token: Option<&Secret>,
) -> Result<String, PushError> {
    let method = request.method;
    let url = request.url.clone();
    let status = response.status;
    if (200..300).contains(&status) {
        return Ok(response.body.clone());
    }
    if (300..400).contains(&status) {
        let location = match &response.location {
            Some(location) => format!("`{location}`"),
            None => "an address it did not name".to_string(),
        };
        return Err(PushError::Redirected {
            method,
            url,
            status,
            location,
        });
    }
    let mut message = credentials.secret().redact(&server_message(&response.body));
    if let Some(token) = token {
        message = token.redact(&message);
    }
    let credentials = credentials.describe();
    Err(match status {
        401 => PushError::Unauthorized {
            method,
            url,
            status,
            message,
            credentials,
        },
        403 => PushError::Forbidden {
            method,
            url,
            status,
            message,
            credentials,
        },
        _ => PushError::Status {
            method,
            url,
            status,
            message,
        },
    })
}

/// Extracts a readable message from an error body: FastAPI's `detail` (a
/// string, or a list of validation errors), else `message` or `error`, else
/// the start of the text.
pub fn server_message(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "the response has no message".to_string();
    }
    let Ok(value) = serde_json::from_str::<Value>(trimmed) else {
        return shorten(trimmed);
    };
    match value.get("detail") {
        Some(Value::String(detail)) => return detail.clone(),
        Some(Value::Array(items)) => return validation_errors(items),
        Some(other) if !other.is_null() => return other.to_string(),
        _ => {}
    }
    for field in ["message", "error"] {
        if let Some(Value::String(text)) = value.get(field) {
            return text.clone();
        }
    }
    shorten(trimmed)
}

/// Joins FastAPI validation errors as `body.name: field required; ...`.
fn validation_errors(items: &[Value]) -> String {
    let messages: Vec<String> = items
        .iter()
        .map(|item| {
            let location = item
                .get("loc")
                .and_then(Value::as_array)
                .map(|parts| {
                    parts
                        .iter()
                        .map(|part| {
                            part.as_str()
                                .map_or_else(|| part.to_string(), str::to_string)
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            let message = item.get("msg").and_then(Value::as_str).unwrap_or("invalid");
            if location.is_empty() {
                message.to_string()
            } else {
                format!("{location}: {message}")
            }
        })
        .collect();
    messages.join("; ")
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return text.to_string();
    }
    let start: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    format!("{start}...")
}

/// Converts a template id to text; servers send UUID strings or integers.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Rejects ids that cannot be a single URL path segment.
pub fn check_template_id(id: &str) -> Result<()> {
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id != "."
        && id != "..";
    if !valid {
        bail!("invalid template id `{id}`: expected letters, digits, `-`, `_` or `.`");
    }
    Ok(())
}

fn list_url(api_url: &str, kind: ExtensionKind) -> String {
    match kind {
        ExtensionKind::App | ExtensionKind::Service => format!("{api_url}/apps/app_templates"),
        ExtensionKind::Tool => format!("{api_url}/tool/templates"),
    }
}

fn update_url(api_url: &str, kind: ExtensionKind, id: &str) -> String {
    match kind {
        ExtensionKind::App | ExtensionKind::Service => format!("{api_url}/apps/app_templates/{id}"),
        ExtensionKind::Tool => format!("{api_url}/tool/tool_templates/{id}"),
    }
}

fn create_url(api_url: &str) -> String {
    format!("{api_url}/apps/app_templates")
}

/// Describes, with secrets masked, every request a push would send.
pub fn dry_run_plan(
    settings: &Settings,
    options: &PushOptions,
    name: &str,
    payload: &Value,
) -> String {
    let api_url = &settings.api_url;
    let mut text = format!("dry run: nothing is sent to {api_url}\n");
    let _ = writeln!(text, "credentials: {}", settings.credentials.describe());
    match &settings.insecure_reason {
        Some(reason) => {
            let _ = writeln!(text, "TLS certificate checking: off ({reason})");
        }
        None => text.push_str("TLS certificate checking: on\n"),
    }

    // The access token is unknown before login, so a masked placeholder is printed.
    let placeholder = Secret::new(String::new());
    let token = match &settings.credentials {
        Credentials::ApiKey { key, .. } => key,
        Credentials::Password {
            username, password, ..
        } => {
            let login = auth::login_request(api_url, username, password);
            let _ = write!(text, "\n{}", login.render_masked());
            &placeholder
        }
    };

    let request = |method, url| Request {
        method,
        url,
        bearer: Some(token),
        body: Body::Json(payload),
    };
    let final_request = match &options.template_id {
        Some(id) => {
            text.push('\n');
            request("PUT", update_url(api_url, options.kind, id))
        }
        None => {
            let list = Request {
                method: "GET",
                url: list_url(api_url, options.kind),
                bearer: Some(token),
                body: Body::Empty,
            };
            let _ = write!(text, "\n{}", list.render_masked());
            let update = update_url(api_url, options.kind, "{id}");
            let _ = write!(
                text,
                "\nif a template named `{name}` is listed, `PUT {update}` with this body; otherwise:\n"
            );
            request("POST", create_url(api_url))
        }
    };
    let _ = write!(text, "{}", final_request.render_masked());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_message_forms() {
        assert_eq!(
            server_message(r#"{"detail": "Template name taken"}"#),
            "Template name taken"
        );
        assert_eq!(
            server_message(
                r#"{"detail": [{"loc": ["body", "compose_yml"], "msg": "field required"},
                               {"loc": ["body", 0], "msg": "bad"}]}"#
            ),
            "body.compose_yml: field required; body.0: bad"
        );
        assert_eq!(server_message(r#"{"message": "nope"}"#), "nope");
        assert_eq!(server_message("  plain text \n"), "plain text");
        assert_eq!(server_message(""), "the response has no message");
        assert_eq!(
            server_message(&"x".repeat(400)),
            format!("{}...", "x".repeat(300))
        );
    }

    #[test]
    fn template_id_checks() {
        assert!(check_template_id("3f1c2a9e-0000-4000-8000-000000000001").is_ok());
        assert!(check_template_id("42").is_ok());
        for bad in ["", "..", "a/b", "a b", "x?y"] {
            assert!(check_template_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn endpoint_urls() {
        let api = "http://127.0.0.1:1/api";
        assert_eq!(
            list_url(api, ExtensionKind::Service),
            "http://127.0.0.1:1/api/apps/app_templates"
        );
        assert_eq!(
            list_url(api, ExtensionKind::Tool),
            "http://127.0.0.1:1/api/tool/templates"
        );
        assert_eq!(
            update_url(api, ExtensionKind::App, "7"),
            "http://127.0.0.1:1/api/apps/app_templates/7"
        );
        assert_eq!(
            update_url(api, ExtensionKind::Tool, "7"),
            "http://127.0.0.1:1/api/tool/tool_templates/7"
        );
    }
}
