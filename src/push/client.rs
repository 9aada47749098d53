//! HTTP requests to the Kamiwaza API, described once and either sent or
//! printed with their secrets masked.
//!
//! The client is ureq (blocking, rustls) with a connect time-out and a
//! time-out for each whole request. It follows no redirect, because a
//! redirected POST or PUT may silently turn into a GET, and it reads 4xx and
//! 5xx bodies so the server's message can be shown.

use std::fmt::Write as _;
use std::io;
use std::time::Duration;

use serde_json::Value;

use super::auth::Secret;
use super::error::PushError;
use super::settings::Settings;

/// Maximum size of a response body that is read, in bytes.
const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// One request, with its secrets kept as `Secret` until it is sent.
pub struct Request<'a> {
    pub method: &'static str,
    pub url: String,
    pub bearer: Option<&'a Secret>,
    pub body: Body<'a>,
}

pub enum Body<'a> {
    Empty,
    Json(&'a Value),
    /// `application/x-www-form-urlencoded` fields, in order.
    Form(Vec<(&'static str, FormValue<'a>)>),
}

pub enum FormValue<'a> {
    Plain(&'a str),
    Secret(&'a Secret),
}

impl Request<'_> {
    /// Renders the request as it would go over the wire, with every secret masked.
    pub fn render_masked(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.url);
        if let Some(token) = self.bearer {
            let _ = writeln!(text, "Authorization: Bearer {token}");
        }
        if let Some(content_type) = self.content_type() {
            let _ = writeln!(text, "Content-Type: {content_type}");
        }
        match &self.body {
            Body::Empty => {}
            Body::Json(value) => {
                let pretty = serde_json::to_string_pretty(value).expect("JSON values serialise");
                let _ = write!(text, "\n{pretty}\n");
            }
            Body::Form(_) => {
                let _ = write!(text, "\n{}\n", self.form_text(false));
            }
        }
        text
    }

    fn content_type(&self) -> Option<&'static str> {
        match self.body {
            Body::Empty => None,
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
        }
    }

    /// Returns the body bytes to send, with secrets revealed.
    fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Body::Empty => Vec::new(),
            Body::Json(value) => serde_json::to_vec(value).expect("JSON values serialise"),
            Body::Form(_) => self.form_text(true).into_bytes(),
        }
    }

    fn form_text(&self, reveal: bool) -> String {
        let Body::Form(fields) = &self.body else {
            return String::new();
        };
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            match value {
                FormValue::Plain(text) => serializer.append_pair(name, text),
                FormValue::Secret(secret) if reveal => {
                    serializer.append_pair(name, secret.expose())
                }
                FormValue::Secret(secret) => serializer.append_pair(name, &secret.to_string()),
            };
        }
        serializer.finish()
    }
}

/// A response of any status: 4xx and 5xx are data here, not errors.
pub struct Response {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
}

/// A configured HTTP agent.
pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Client {
    pub fn new(settings: &Settings) -> Client {
        let tls = ureq::tls::TlsConfig::builder()
            .disable_verification(!settings.verify_tls)
            .build();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_global(Some(settings.timeout))
            .tls_config(tls)
            .user_agent(concat!("kwz-new/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.into(),
            timeout: settings.timeout,
        }
    }

    /// Sends the request and reads the whole response.
    pub fn send(&self, request: &Request) -> Result<Response, PushError> {
        tracing::debug!("sending {} {}", request.method, request.url);
        let mut builder = ureq::http::Request::builder()
            .method(request.method)
            .uri(&request.url)
            .header("Accept", "application/json");
        if let Some(token) = request.bearer {
            builder = builder.header("Authorization", format!("Bearer {}", token.expose()));
        }
        if let Some(content_type) = request.content_type() {
            builder = builder.header("Content-Type", content_type);
        }
        let http_request = builder
            .body(request.body_bytes())
            .map_err(|error| self.transport_error(request, ureq::Error::Http(error)))?;

        let mut response = self
            .agent
            .run(http_request)
            .map_err(|error| self.transport_error(request, error))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|error| self.transport_error(request, error))?;
        tracing::debug!("{} {} returned HTTP {status}", request.method, request.url);
        Ok(Response {
            status,
            body,
            location,
        })
    }

    /// Names the failure a user can act on: refused, unresolved, timed out, TLS.
    fn transport_error(&self, request: &Request, error: ureq::Error) -> PushError {
        let url = request.url.clone();
        match error {
            ureq::Error::Io(io_error) if io_error.kind() == io::ErrorKind::ConnectionRefused => {
                PushError::ConnectionRefused { url }
            }
            ureq::Error::Io(io_error) if io_error.kind() == io::ErrorKind::TimedOut => {
                self.timed_out(request)
            }
            ureq::Error::Io(io_error) => match tls_failure(&io_error) {
                Some(detail) => PushError::Tls { url, detail },
                None => PushError::Transport {
                    method: request.method,
                    url,
                    detail: io_error.to_string(),
                },
            },
            ureq::Error::Timeout(_) => self.timed_out(request),
            ureq::Error::HostNotFound => PushError::HostNotFound { url },
            ureq::Error::Tls(detail) => PushError::Tls {
                url,
                detail: detail.to_string(),
            },
            ureq::Error::Rustls(rustls_error) => PushError::Tls {
                url,
                detail: rustls_error.to_string(),
            },
            other => PushError::Transport {
                method: request.method,
                url,
                detail: other.to_string(),
            },
        }
    }

    fn timed_out(&self, request: &Request) -> PushError {
        PushError::TimedOut {
            method: request.method,
            url: request.url.clone(),
            seconds: self.timeout.as_secs_f64(),
        }
    }
}

/// Returns the rustls error inside an I/O error as text, because ureq reports
/// a failed certificate check as an I/O error.
fn tls_failure(io_error: &io::Error) -> Option<String> {
    let inner = io_error.get_ref()?;
    inner
        .downcast_ref::<rustls::Error>()
        .map(rustls::Error::to_string)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn masked_form_hides_password() {
        let password = Secret::new("p@ss word".to_string());
        let request = Request {
            method: "POST",
            url: "http://127.0.0.1:1/api/auth/token".to_string(),
            bearer: None,
            body: Body::Form(vec![
                ("username", FormValue::Plain("admin")),
                ("password", FormValue::Secret(&password)),
            ]),
        };
        let masked = request.render_masked();
        assert!(!masked.contains("p@ss"), "{masked}");
        assert!(
            masked.contains("username=admin&password=********"),
            "{masked}"
        );
        assert_eq!(
            String::from_utf8(request.body_bytes()).unwrap(),
            "username=admin&password=p%40ss+word"
        );
    }

    #[test]
    fn masked_bearer_hides_token() {
        let token = Secret::new("tok-123".to_string());
        let body = json!({"name": "my-app"});
        let request = Request {
            method: "PUT",
            url: "http://127.0.0.1:1/api/apps/app_templates/7".to_string(),
            bearer: Some(&token),
            body: Body::Json(&body),
        };
        let masked = request.render_masked();
        assert!(!masked.contains("tok-123"), "{masked}");
        assert!(
            masked.contains("Authorization: Bearer ********\n"),
            "{masked}"
        );
        assert!(
            masked.contains("Content-Type: application/json\n"),
            "{masked}"
        );
        assert!(
            masked.ends_with("{\n  \"name\": \"my-app\"\n}\n"),
            "{masked}"
        );
    }
}
