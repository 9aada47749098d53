//! Credentials for the Kamiwaza API and the password login.
//!
//! An API key (`KAMIWAZA_API_KEY`) is sent as a bearer token as it is.
//! Otherwise kwz-new logs in with the OAuth2 password grant that the Kamiwaza
//! SDK uses (`kamiwaza_sdk.services.auth.AuthService.login_with_password`,
//! checked in versions 0.5.2 and 0.7.0): a form-encoded `POST {api}/auth/token`
//! with `grant_type=password`, `username`, `password`, `scope` and
//! `client_id`. The server returns JSON that contains `access_token`. The form body keeps
//! the password out of the URL, where the older `POST {api}/auth/local-login`
//! would put it as a query parameter that proxies and access logs record.

use std::fmt;

use super::client::{Body, FormValue, Request};
use super::settings::Source;

/// Path of the token endpoint, below the API base URL.
pub const TOKEN_PATH: &str = "auth/token";

/// Scope and client id that the Kamiwaza SDK sends since version 0.7.0.
/// NOTE: SDK 0.5.2 sent an empty scope and the client id `string` instead;
/// whether older servers check these two fields is not known.
const LOGIN_SCOPE: &str = "openid email profile";
const LOGIN_CLIENT_ID: &str = "kamiwaza-platform";

/// Text printed in place of every secret.
const MASK: &str = "********";

/// A password, API key or access token. `Debug` and `Display` print a mask,
/// so only `expose` gives the value, for the request that carries it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces each occurrence of this secret in `text` with the mask.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_string();
        }
        text.replace(&self.0, MASK)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(MASK)
    }
}

/// Credentials for the Kamiwaza API, with the source of each value.
#[derive(Debug, Clone)]
pub enum Credentials {
    ApiKey {
        key: Secret,
        source: Source,
    },
    Password {
        username: String,
        username_source: Source,
        password: Secret,
        password_source: Source,
    },
}

impl Credentials {
    /// Names the credentials and their sources for messages, without secrets.
    pub fn describe(&self) -> String {
        match self {
            Credentials::ApiKey { source, .. } => format!("`KAMIWAZA_API_KEY` from {source}"),
            Credentials::Password {
                username,
                username_source,
                password_source,
                ..
            } if username_source == password_source => format!(
                "`KAMIWAZA_USERNAME` (`{username}`) and `KAMIWAZA_PASSWORD` from {username_source}"
            ),
            Credentials::Password {
                username,
                username_source,
                password_source,
                ..
            } => format!(
                "`KAMIWAZA_USERNAME` (`{username}`) from {username_source} and \
                 `KAMIWAZA_PASSWORD` from {password_source}"
            ),
        }
    }

    /// Returns the API key or password, for masking server messages.
    pub fn secret(&self) -> &Secret {
        match self {
            Credentials::ApiKey { key, .. } => key,
            Credentials::Password { password, .. } => password,
        }
    }
}

/// Builds the password-grant login request.
pub fn login_request<'a>(api_url: &str, username: &'a str, password: &'a Secret) -> Request<'a> {
    Request {
        method: "POST",
        url: format!("{api_url}/{TOKEN_PATH}"),
        bearer: None,
        body: Body::Form(vec![
            ("grant_type", FormValue::Plain("password")),
            ("username", FormValue::Plain(username)),
            ("password", FormValue::Secret(password)),
            ("scope", FormValue::Plain(LOGIN_SCOPE)),
            ("client_id", FormValue::Plain(LOGIN_CLIENT_ID)),
        ]),
    }
}

/// Reads `access_token` from a successful login response.
pub fn parse_token(body: &str) -> Result<Secret, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|_| "the login response is not JSON".to_string())?;
    match value.get("access_token") {
        Some(serde_json::Value::String(token)) if !token.is_empty() => {
            Ok(Secret::new(token.clone()))
        }
        _ => Err("the login response has no `access_token`".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_formats() {
        let secret = Secret::new("hunter2".to_string());
        assert_eq!(format!("{secret} {secret:?}"), "******** ********");
        assert_eq!(
            secret.redact("bad password hunter2!"),
            "bad password ********!"
        );
    }

    #[test]
    fn describe_names_sources() {
        let same = Credentials::Password {
            username: "admin".to_string(),
            username_source: Source::DotEnv,
            password: Secret::new("x".to_string()),
            password_source: Source::DotEnv,
        };
        assert_eq!(
            same.describe(),
            "`KAMIWAZA_USERNAME` (`admin`) and `KAMIWAZA_PASSWORD` from `.env`"
        );
        let mixed = Credentials::Password {
            username: "admin".to_string(),
            username_source: Source::Default,
            password: Secret::new("x".to_string()),
            password_source: Source::Environment,
        };
        assert_eq!(
            mixed.describe(),
            "`KAMIWAZA_USERNAME` (`admin`) from kwz-new's default and \
             `KAMIWAZA_PASSWORD` from the environment"
        );
    }

    #[test]
    fn parse_token_needs_access_token() {
        assert_eq!(
            parse_token(r#"{"access_token": "abc"}"#).unwrap().expose(),
            "abc"
        );
        assert!(parse_token(r#"{"token": "abc"}"#).is_err());
        assert!(parse_token("<html>").is_err());
    }
}
