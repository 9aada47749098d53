//! The rules compose files follow, checked by `validate`.
//!
//! `docker-compose.yml` is for local development, so it may publish host
//! ports, mount source folders and build images. The only rule on it is
//! that every service that builds names its image
//! `<docker_org>/<extension>-<service>:v<version>`, because `make build`
//! tags what it builds with that name and App Garden pulls it.
//!
//! `docker-compose.appgarden.yml` is what App Garden deploys. Its services
//! must not build, publish host ports, mount host paths, run privileged or
//! use the host network. Every service needs a literal image and CPU and
//! memory limits, and a service whose environment mentions
//! `host.docker.internal` needs the `host-gateway` entry in `extra_hosts`.
//! The file must also equal what `sync-compose` generates from the local
//! file.

use serde_yaml::{Mapping, Value};

use super::compose::{self, ComposeFile, HOST_GATEWAY};
use super::metadata_rules::{image_problem, own_tag_problem};
use super::problem::Problem;
use super::sync_compose::{has_host_device, is_bind_entry};

/// Facts about the extension that the compose rules need.
pub struct ComposeContext<'a> {
    pub docker_org: &'a str,
    pub extension: &'a str,
    pub version: Option<&'a str>,
}

/// Checks the local `docker-compose.yml`.
pub fn check_source(file: &ComposeFile, context: &ComposeContext, problems: &mut Vec<Problem>) {
    let Some(services) = services_or_problem(file, problems) else {
        return;
    };
    for (key, service) in services {
        let name = compose::key_text(key);
        let Some(service) = service_or_problem(file, &name, service, problems) else {
            continue;
        };
        if !service.contains_key("build") {
            continue;
        }
        let Some(version) = context.version else {
            continue;
        };
        let expected = compose::own_image(context.docker_org, context.extension, &name, version);
        match service.get("image") {
            None => problems.push(Problem::error(
                &file.display,
                format!("services.{name}"),
                format!("builds an image but sets no `image`; add `image: {expected}`"),
            )),
            Some(Value::String(image)) if *image == expected => {}
            Some(image) => problems.push(Problem::error(
                &file.display,
                format!("services.{name}.image"),
                format!("`{}` should be `{expected}`", compose::key_text(image)),
            )),
        }
    }
}

/// Checks the App Garden compose file.
pub fn check_appgarden(file: &ComposeFile, context: &ComposeContext, problems: &mut Vec<Problem>) {
    if let Some(services) = services_or_problem(file, problems) {
        for (key, service) in services {
            let name = compose::key_text(key);
            if let Some(service) = service_or_problem(file, &name, service, problems) {
                check_appgarden_service(file, context, &name, service, problems);
            }
        }
    }
    if let Some(Value::Mapping(volumes)) = file.document.get("volumes") {
        for (key, volume) in volumes {
            if let Value::Mapping(settings) = volume
                && has_host_device(settings)
            {
                let name = compose::key_text(key);
                problems.push(Problem::error(
                    &file.display,
                    format!("volumes.{name}.driver_opts.device"),
                    "mounts a host path; App Garden volumes must be plain named volumes",
                ));
            }
        }
    }
}

fn check_appgarden_service(
    file: &ComposeFile,
    context: &ComposeContext,
    name: &str,
    service: &Mapping,
    problems: &mut Vec<Problem>,
) {
    let mut error = |field: String, message: String| {
        problems.push(Problem::error(&file.display, field, message));
    };
    let prefix = format!("services.{name}");

    if service.contains_key("build") {
        error(
            format!("{prefix}.build"),
            "App Garden cannot build images; remove `build` and set `image`".to_string(),
        );
    }
    match service.get("image") {
        None => error(
            prefix.clone(),
            "no `image`; App Garden pulls an image for every service".to_string(),
        ),
        Some(Value::String(image)) => {
            let own_prefix = format!("{}/{}-", context.docker_org, context.extension);
            let problem = image_problem(image).or_else(|| {
                image
                    .starts_with(&own_prefix)
                    .then(|| own_tag_problem(image, context.docker_org, context.version))
                    .flatten()
            });
            if let Some(message) = problem {
                error(format!("{prefix}.image"), message);
            }
        }
        Some(other) => error(
            format!("{prefix}.image"),
            format!(
                "expected a string, found {}",
                compose::yaml_type_name(other)
            ),
        ),
    }
    if let Some(Value::Sequence(ports)) = service.get("ports") {
        for (position, port) in ports.iter().enumerate() {
            if let Some(message) = host_port_problem(port) {
                error(format!("{prefix}.ports[{position}]"), message);
            }
        }
    }
    if let Some(Value::Sequence(volumes)) = service.get("volumes") {
        for (position, volume) in volumes.iter().enumerate() {
            if is_bind_entry(volume) {
                let mount = volume
                    .as_str()
                    .map_or("`type: bind`".to_string(), |text| format!("`{text}`"));
                error(
                    format!("{prefix}.volumes[{position}]"),
                    format!("{mount} mounts a host path; use a named volume"),
                );
            }
        }
    }
    if mentions_host_gateway(service.get("environment"))
        && !has_host_gateway(service.get("extra_hosts"))
    {
        error(
            format!("{prefix}.extra_hosts"),
            format!("the environment uses `host.docker.internal`, so add `{HOST_GATEWAY}`"),
        );
    }
    let limits = service
        .get("deploy")
        .and_then(|deploy| deploy.get("resources"))
        .and_then(|resources| resources.get("limits"));
    if !limits.is_some_and(Value::is_mapping) {
        error(
            format!("{prefix}.deploy.resources.limits"),
            "missing; App Garden needs CPU and memory limits".to_string(),
        );
    }
    if service.get("network_mode").and_then(Value::as_str) == Some("host") {
        error(
            format!("{prefix}.network_mode"),
            "`host` is not allowed in App Garden".to_string(),
        );
    }
    if service.get("privileged").and_then(Value::as_bool) == Some(true) {
        error(
            format!("{prefix}.privileged"),
            "privileged containers are not allowed in App Garden".to_string(),
        );
    }
}

/// What is wrong with a port entry of the App Garden file, if anything.
fn host_port_problem(port: &Value) -> Option<String> {
    match port {
        Value::String(text) => compose::container_port(text).map(|container| {
            format!("`{text}` publishes a host port; App Garden assigns host ports, so write `{container}`")
        }),
        Value::Mapping(long_form) if long_form.contains_key("published") => Some(
            "`published` sets a host port; App Garden assigns host ports, so keep only `target`".to_string(),
        ),
        _ => None,
    }
}

fn mentions_host_gateway(environment: Option<&Value>) -> bool {
    let mentions = |value: &Value| {
        value
            .as_str()
            .is_some_and(|text| text.contains("host.docker.internal"))
    };
    match environment {
        Some(Value::Sequence(entries)) => entries.iter().any(mentions),
        Some(Value::Mapping(entries)) => entries.values().any(mentions),
        _ => false,
    }
}

fn has_host_gateway(extra_hosts: Option<&Value>) -> bool {
    match extra_hosts {
        Some(Value::Sequence(hosts)) => hosts.iter().any(|host| {
            host.as_str().is_some_and(|host| {
                host == HOST_GATEWAY || host == "host.docker.internal=host-gateway"
            })
        }),
        Some(Value::Mapping(hosts)) => {
            hosts.get("host.docker.internal").and_then(Value::as_str) == Some("host-gateway")
        }
        _ => false,
    }
}

fn services_or_problem<'a>(
    file: &'a ComposeFile,
    problems: &mut Vec<Problem>,
) -> Option<&'a Mapping> {
    match file.document.get("services") {
        Some(Value::Mapping(services)) if !services.is_empty() => Some(services),
        Some(Value::Mapping(_)) | None | Some(Value::Null) => {
            problems.push(Problem::error(
                &file.display,
                "services",
                "missing; a compose file needs at least one service",
            ));
            None
        }
        Some(other) => {
            problems.push(Problem::error(
                &file.display,
                "services",
                format!(
                    "expected a mapping, found {}",
                    compose::yaml_type_name(other)
                ),
            ));
            None
        }
    }
}

fn service_or_problem<'a>(
    file: &ComposeFile,
    name: &str,
    service: &'a Value,
    problems: &mut Vec<Problem>,
) -> Option<&'a Mapping> {
    match service {
        Value::Mapping(service) => Some(service),
        other => {
            problems.push(Problem::error(
                &file.display,
                format!("services.{name}"),
                format!(
                    "expected a mapping, found {}",
                    compose::yaml_type_name(other)
                ),
            ));
            None
        }
    }
}
