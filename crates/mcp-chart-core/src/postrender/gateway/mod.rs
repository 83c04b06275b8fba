//! Stdio gateway injection: the gateway container (mcp-proxy) takes the stdio
//! server container's place in the pod and spawns the server(s) itself.
//!
//! What the gateway runs is built by [`crate::gateway::build`] (the same
//! function `validate` runs); this module writes it into the workload.
//!
//! - `configmap.rs`: the generated ConfigMap.
//! - `probes.rs`: default probes.
//! - this file: the container and pod changes.

pub mod configmap;
pub mod probes;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::model::StdioGateway;

use super::error::Problem;
use super::summary::{GatewaySummary, NamedServerSummary};
use crate::gateway::argv::rendered_argv;
use crate::gateway::{build, GatewaySpec, SERVERS_DIR};

/// Name of the gateway container.
pub const GATEWAY_CONTAINER: &str = "mcp-gateway";
/// Name of the pod volume that holds servers.json.
pub const SERVERS_VOLUME: &str = "mcp-gateway-servers";
/// Pod template annotation with the SHA-256 of servers.json.
pub const CHECKSUM_ANNOTATION: &str = "mcp-chart/servers-checksum";
/// The port name the Service targets.
pub const PORT_NAME: &str = "http";

/// A port of the replaced server container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OldPort {
    /// `name`, when set.
    pub name: Option<String>,
    /// `containerPort`, when a number.
    pub number: Option<i64>,
}

/// What the injection produced.
#[derive(Clone, Debug, Default)]
pub struct Injected {
    /// For the summary.
    pub summary: GatewaySummary,
    /// The ConfigMap to add after the workload, when there are named servers.
    pub config_map: Option<Value>,
    /// Ports of the replaced container (Services that targeted them are fixed).
    pub old_ports: Vec<OldPort>,
    /// Things worth telling the user.
    pub notes: Vec<String>,
}

fn shape(message: impl Into<String>) -> Problem {
    Problem::Shape {
        message: message.into(),
    }
}

/// The pod template spec of a workload object.
pub fn pod_spec_mut(workload: &mut Value) -> Result<&mut Map<String, Value>, Problem> {
    workload
        .get_mut("spec")
        .and_then(|s| s.get_mut("template"))
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| shape("the workload has no spec.template.spec map"))
}

/// Names of the pod's containers, in order.
pub fn container_names(workload: &Value) -> Result<Vec<String>, Problem> {
    let containers = workload
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("the workload has no spec.template.spec.containers list"))?;
    Ok(containers
        .iter()
        .map(|c| {
            c.get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect())
}

fn array_mut<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
    who: &str,
) -> Result<&'a mut Vec<Value>, Problem> {
    let entry = map
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if entry.is_null() {
        *entry = Value::Array(Vec::new());
    }
    entry
        .as_array_mut()
        .ok_or_else(|| shape(format!("{who} {key} is not a list")))
}

/// Replaces container `index` of the workload with the gateway.
pub fn inject(
    workload: &mut Value,
    index: usize,
    gateway: &StdioGateway,
    workload_name: &str,
    helm4_filename: Option<&str>,
) -> Result<Injected, Problem> {
    let pod = pod_spec_mut(workload)?;
    let containers = pod
        .get("containers")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("the workload has no spec.template.spec.containers list"))?;
    let original = containers
        .get(index)
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| shape(format!("container {} is not a map", index + 1)))?;
    let who = original
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();

    // What the gateway runs: the one builder `validate` runs too.
    let rendered = rendered_argv(&original, &who).map_err(|message| Problem::Shape { message })?;
    let spec = build(gateway, &rendered).map_err(Problem::Values)?;
    check_clashes(containers, index, gateway.port)?;
    let mut summary = gateway_summary(&who, gateway, &spec);
    let mut c = gateway_container(&original, &who, gateway, &spec, &mut summary)?;

    // Named servers: mount, volume, checksum, ConfigMap.
    let servers = match &spec.servers_json {
        Some(json_text) => {
            let checksum = hex(&Sha256::digest(json_text.as_bytes()));
            let cm_name = configmap::config_map_name(workload_name);
            mount_servers(&mut c, &who)?;
            summary.config_map = Some(cm_name.clone());
            summary.servers_json = Some(json_text.clone());
            summary.servers_checksum = Some(checksum.clone());
            Some((cm_name, json_text.clone(), checksum))
        }
        None => None,
    };
    let pod = pod_spec_mut(workload)?;
    if let Some(Value::Array(containers)) = pod.get_mut("containers") {
        if let Some(slot) = containers.get_mut(index) {
            *slot = Value::Object(canonical_order(c));
        }
    }
    let config_map = match servers {
        Some((cm_name, json_text, checksum)) => {
            add_servers_volume(workload, &cm_name, checksum)?;
            let workload_meta = workload
                .get("metadata")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Some(configmap::config_map(
                &cm_name,
                &workload_meta,
                helm4_filename,
                &json_text,
            ))
        }
        None => None,
    };
    Ok(Injected {
        summary,
        config_map,
        old_ports: ports_of(&original),
        notes: spec.notes,
    })
}

/// Refuses a pod whose other containers hold the gateway's name or port.
fn check_clashes(containers: &[Value], index: usize, port: i64) -> Result<(), Problem> {
    for (i, other) in containers.iter().enumerate() {
        if i == index {
            continue;
        }
        let other_name = other.get("name").and_then(Value::as_str).unwrap_or("?");
        if other_name == GATEWAY_CONTAINER {
            return Err(Problem::Conflict {
                message: format!("the pod already has a container named {GATEWAY_CONTAINER:?}"),
            });
        }
        for p in ports_of(other.as_object().unwrap_or(&Map::new())) {
            if p.name.as_deref() == Some(PORT_NAME) || p.number == Some(port) {
                return Err(Problem::Conflict {
                    message: format!(
                        "container {other_name:?} already uses the port name {PORT_NAME:?} or port {port} \
                         that the gateway needs"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The gateway container, made from the server container it replaces (the
/// probes it adds and keeps go into `summary`).
fn gateway_container(
    original: &Map<String, Value>,
    who: &str,
    gateway: &StdioGateway,
    spec: &GatewaySpec,
    summary: &mut GatewaySummary,
) -> Result<Map<String, Value>, Problem> {
    let mut c = original.clone();
    c.insert("name".into(), json!(GATEWAY_CONTAINER));
    c.insert("image".into(), json!(gateway.image));
    c.insert(
        "imagePullPolicy".into(),
        serde_json::to_value(gateway.pull_policy).unwrap_or(Value::Null),
    );
    c.insert("command".into(), json!(spec.command));
    match &spec.args {
        Some(args) => {
            c.insert("args".into(), json!(args));
        }
        None => {
            c.shift_remove("args");
        }
    }
    if !gateway.cwd.is_empty() {
        c.insert("workingDir".into(), json!(gateway.cwd));
    }
    c.insert(
        "ports".into(),
        json!([{"name": PORT_NAME, "containerPort": gateway.port, "protocol": "TCP"}]),
    );
    let container_who = format!("container {who:?}");
    if !gateway.env.is_empty() || !spec.env.is_empty() {
        let env = array_mut(&mut c, "env", &container_who)?;
        env.extend(gateway.env.iter().cloned().map(Value::Object));
        env.extend(
            spec.env
                .iter()
                .map(|(name, value)| json!({"name": name, "value": value})),
        );
    }
    if !gateway.env_from.is_empty() {
        array_mut(&mut c, "envFrom", &container_who)?
            .extend(gateway.env_from.iter().cloned().map(Value::Object));
    }
    if !gateway.resources.is_empty() {
        c.insert("resources".into(), Value::Object(gateway.resources.clone()));
    }
    (summary.probes_added, summary.probes_kept) = probes::add_default_probes(&mut c);
    Ok(c)
}

fn gateway_summary(who: &str, gateway: &StdioGateway, spec: &GatewaySpec) -> GatewaySummary {
    GatewaySummary {
        already_injected: false,
        replaced_container: who.to_string(),
        image: gateway.image.clone(),
        port: gateway.port,
        command: spec.command.clone(),
        args: spec.args.clone().unwrap_or_default(),
        setup_steps: spec.setup_steps.clone(),
        proxy_args: spec.proxy_args.clone(),
        default_server: spec.default_server.as_ref().map(|d| d.argv.clone()),
        default_server_source: spec.default_server.as_ref().map(|d| d.source.clone()),
        named_servers: spec
            .named_servers
            .iter()
            .map(|e| NamedServerSummary {
                name: e.name.clone(),
                enabled: e.enabled,
                command: e.command.clone(),
                args: e.args.clone(),
                env: e.env.keys().cloned().collect(),
            })
            .collect(),
        ..GatewaySummary::default()
    }
}

/// Mounts servers.json read-only into the gateway container.
fn mount_servers(c: &mut Map<String, Value>, who: &str) -> Result<(), Problem> {
    let mounts = array_mut(c, "volumeMounts", &format!("container {who:?}"))?;
    if mounts.iter().any(|m| {
        m.get("name").and_then(Value::as_str) == Some(SERVERS_VOLUME)
            || m.get("mountPath")
                .and_then(Value::as_str)
                .is_some_and(|p| p.trim_end_matches('/') == SERVERS_DIR)
    }) {
        return Err(Problem::Conflict {
            message: format!(
                "container {who:?} already mounts something at {SERVERS_DIR} or a volume named {SERVERS_VOLUME:?}"
            ),
        });
    }
    mounts.push(json!({"name": SERVERS_VOLUME, "mountPath": SERVERS_DIR, "readOnly": true}));
    Ok(())
}

/// The pod's servers.json volume and the checksum annotation that rolls the
/// pods when servers.json changes.
fn add_servers_volume(
    workload: &mut Value,
    cm_name: &str,
    checksum: String,
) -> Result<(), Problem> {
    let volumes = array_mut(pod_spec_mut(workload)?, "volumes", "the pod")?;
    if volumes
        .iter()
        .any(|v| v.get("name").and_then(Value::as_str) == Some(SERVERS_VOLUME))
    {
        return Err(Problem::Conflict {
            message: format!("the pod already has a volume named {SERVERS_VOLUME:?}"),
        });
    }
    volumes.push(json!({"name": SERVERS_VOLUME, "configMap": {"name": cm_name}}));
    let template = workload
        .pointer_mut("/spec/template")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| shape("the workload has no spec.template map"))?;
    let meta = template
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if meta.is_null() {
        *meta = Value::Object(Map::new());
    }
    let meta = meta
        .as_object_mut()
        .ok_or_else(|| shape("spec.template.metadata is not a map"))?;
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if annotations.is_null() {
        *annotations = Value::Object(Map::new());
    }
    annotations
        .as_object_mut()
        .ok_or_else(|| shape("spec.template.metadata.annotations is not a map"))?
        .insert(CHECKSUM_ANNOTATION.into(), Value::String(checksum));
    Ok(())
}

fn ports_of(container: &Map<String, Value>) -> Vec<OldPort> {
    container
        .get("ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .map(|p| OldPort {
                    name: p.get("name").and_then(Value::as_str).map(str::to_string),
                    number: p.get("containerPort").and_then(Value::as_i64),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The container's keys in the usual order, then any others as they were.
fn canonical_order(mut c: Map<String, Value>) -> Map<String, Value> {
    const ORDER: &[&str] = &[
        "name",
        "image",
        "imagePullPolicy",
        "command",
        "args",
        "workingDir",
        "ports",
        "env",
        "envFrom",
        "startupProbe",
        "livenessProbe",
        "readinessProbe",
        "resources",
        "securityContext",
        "volumeMounts",
    ];
    let mut out = Map::new();
    for key in ORDER {
        if let Some(v) = c.shift_remove(*key) {
            out.insert((*key).to_string(), v);
        }
    }
    for (k, v) in c {
        out.insert(k, v);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
