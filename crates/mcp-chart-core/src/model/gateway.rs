//! The stdio gateway (mcp-proxy) part of the values.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{OpenObject, PullPolicy};

/// The stdio gateway: an mcp-proxy container that replaces the server container and
/// spawns stdio MCP servers as child processes.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct StdioGateway {
    /// Turn the gateway on (needs `transport.type: stdio` and the post-renderer).
    pub enabled: bool,
    /// Image of the gateway container; it must contain mcp-proxy.
    pub image: String,
    /// Pull policy of the gateway image.
    pub pull_policy: PullPolicy,
    /// Port the gateway listens on inside the pod; the Service reaches it by name.
    #[schemars(range(min = 1, max = 65535))]
    pub port: i64,
    /// Address the gateway binds to inside the pod.
    pub host: String,
    /// Origins allowed by CORS. `["*"]` allows any origin; `[]` or `null` allows none.
    // Absent reads as none, never as the default: `allowOrigins: null` makes
    // Helm delete the key before the chart writes the annotation, and a user
    // who deletes the default must not get `*` back.
    #[serde(default)]
    #[schemars(default = "any_origin")]
    pub allow_origins: Vec<String>,
    /// Hand the gateway's whole environment to the servers it spawns (`null` is off).
    // Absent reads as off (what a template reads from a deleted key), so a
    // `null` never hands the gateway's secrets to the servers.
    #[serde(default)]
    #[schemars(default = "pass_everything")]
    pub pass_environment: bool,
    /// Working directory of the spawned servers (empty: the image's default).
    pub cwd: String,
    /// Shell steps run in the gateway container before the proxy starts, such as
    /// installing the servers it will spawn.
    pub pre_start: Vec<String>,
    /// Extra environment variables of the gateway container (Kubernetes EnvVar).
    pub env: Vec<OpenObject>,
    /// Extra envFrom sources of the gateway container (Kubernetes EnvFromSource).
    pub env_from: Vec<OpenObject>,
    /// Resource requests and limits of the gateway container; when empty, the
    /// server container's `resources` are used.
    pub resources: OpenObject,
    /// The default server, served at `/sse` and `/mcp`. When `command` is empty, the
    /// command the chart renders for the selected mode is used.
    pub server: GatewayServer,
    /// Named servers, each served at `/servers/{name}/sse` and `/servers/{name}/mcp`.
    /// Names must be usable as URL path segments.
    pub servers: IndexMap<String, NamedServer>,
    /// mcp-proxy's own named-servers JSON (`{"mcpServers": {...}}`); when set it
    /// replaces `servers`.
    pub named_servers_json: String,
}

fn any_origin() -> Vec<String> {
    vec!["*".into()]
}

fn pass_everything() -> bool {
    true
}

impl Default for StdioGateway {
    fn default() -> Self {
        StdioGateway {
            enabled: false,
            image: "ghcr.io/sparfenyuk/mcp-proxy:latest".into(),
            pull_policy: PullPolicy::IfNotPresent,
            port: 8096,
            host: "0.0.0.0".into(),
            allow_origins: any_origin(),
            pass_environment: pass_everything(),
            cwd: String::new(),
            pre_start: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            resources: OpenObject::new(),
            server: GatewayServer::default(),
            servers: IndexMap::new(),
            named_servers_json: String::new(),
        }
    }
}

/// The gateway's default stdio server.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GatewayServer {
    /// Executable of the default server (empty: derived from the mode).
    pub command: String,
    /// Arguments of the default server, one item each.
    pub args: Vec<String>,
    /// Environment variables of the default server.
    pub env: Vec<ServerEnvVar>,
    /// Working directory of the default server.
    pub cwd: String,
}

/// One named stdio server of the gateway.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NamedServer {
    /// Executable to spawn.
    pub command: String,
    /// Arguments, one item each; never re-split by a shell.
    pub args: Vec<String>,
    /// Environment variables of this server only.
    pub env: Vec<ServerEnvVar>,
    /// Keep the entry but do not serve it.
    pub disabled: bool,
}

/// A literal environment variable for a spawned server.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ServerEnvVar {
    /// Variable name.
    pub name: String,
    /// Variable value (numbers and booleans are passed as their text).
    #[serde(default)]
    #[schemars(with = "ScalarValue")]
    pub value: serde_json::Value,
}

/// A string, number or boolean, passed to the process as text.
#[derive(JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)]
enum ScalarValue {
    Text(String),
    Number(f64),
    Flag(bool),
}
