//! The body of a push: an extension's registry entry, cleaned for the
//! template endpoints.
//!
//! The entry comes from `extensions::registry::registry_entry`, the builder
//! that `build-registry` uses for `apps.json` and `tools.json`, so a push
//! sends what the registry publishes. `push_payload` applies the rules of
//! the push itself on top of it.

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::extensions::ExtensionKind;

/// Fields the server assigns; a push never sends them.
const SERVER_OWNED_FIELDS: [&str; 4] = ["id", "owner_id", "created_at", "updated_at"];

/// Turns a registry entry into the JSON body of a template create or update.
///
/// Removes the server-owned fields (`id`, `owner_id`, `created_at`,
/// `updated_at`, and `template_id` for tools) and every top-level null.
/// Services get `template_type: "service"` when it is missing. Tools get
/// `capabilities: []`, `required_env_vars: []`, `env_defaults: {}`,
/// `tags: []`, `verified: false` and `risk_tier: 1` for missing keys.
pub fn push_payload(entry: Value, kind: ExtensionKind) -> Result<Value> {
    let Value::Object(mut fields) = entry else {
        bail!("the registry entry is not a JSON object");
    };

    for field in SERVER_OWNED_FIELDS {
        fields.shift_remove(field);
    }
    if kind == ExtensionKind::Tool {
        fields.shift_remove("template_id");
    }
    fields.retain(|_, value| !value.is_null());

    match kind {
        ExtensionKind::Service => {
            insert_missing(&mut fields, "template_type", Value::from("service"));
        }
        ExtensionKind::Tool => {
            insert_missing(&mut fields, "capabilities", Value::Array(Vec::new()));
            insert_missing(&mut fields, "required_env_vars", Value::Array(Vec::new()));
            insert_missing(&mut fields, "env_defaults", Value::Object(Map::new()));
            insert_missing(&mut fields, "tags", Value::Array(Vec::new()));
            insert_missing(&mut fields, "verified", Value::Bool(false));
            insert_missing(&mut fields, "risk_tier", Value::from(1));
        }
        ExtensionKind::App => {}
    }
    Ok(Value::Object(fields))
}

fn insert_missing(fields: &mut Map<String, Value>, key: &str, value: Value) {
    if !fields.contains_key(key) {
        fields.insert(key.to_string(), value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn payload_strips_server_fields_and_nulls() {
        let entry = json!({
            "id": "1", "owner_id": "2", "created_at": "x", "updated_at": "y",
            "template_id": "t", "name": "my-app", "homepage": null,
        });
        let payload = push_payload(entry, ExtensionKind::App).unwrap();
        assert_eq!(payload, json!({"template_id": "t", "name": "my-app"}));
    }

    #[test]
    fn payload_fills_tool_defaults() {
        let entry =
            json!({"name": "tool-x", "template_id": "t", "tags": ["git"], "risk_tier": null});
        let payload = push_payload(entry, ExtensionKind::Tool).unwrap();
        let expected = json!({
            "name": "tool-x", "tags": ["git"], "capabilities": [], "required_env_vars": [],
            "env_defaults": {}, "verified": false, "risk_tier": 1,
        });
        assert_eq!(payload, expected);
    }

    #[test]
    fn payload_marks_services() {
        let payload = push_payload(json!({"name": "service-x"}), ExtensionKind::Service).unwrap();
        assert_eq!(payload["template_type"], "service");
    }

    #[test]
    fn payload_rejects_non_objects() {
        let error = push_payload(json!([1]), ExtensionKind::App).unwrap_err();
        assert_eq!(error.to_string(), "the registry entry is not a JSON object");
    }
}
