//! The typed model of the chart's values: the single source of truth for the
//! schema (`schema.rs`) and the chart's default `values.yaml`.
//!
//! Key names, types and defaults follow the chart's values table. Chart-owned
//! objects reject unknown keys; Kubernetes pass-through objects stay open.

mod gateway;
mod routing;
mod workload;

pub use gateway::{GatewayServer, NamedServer, ServerEnvVar, StdioGateway};
pub use routing::{
    Autoscaling, HttpRoute, Ingress, IngressHost, IngressPath, IngressTls, PathType, Service,
    ServiceType,
};
pub use workload::{
    ConfigFile, Container, ImageSettings, Mode, NodeSettings, PullPolicy, PythonSettings,
    ServiceAccount,
};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An object whose shape Kubernetes (not this chart) owns: passed through as is.
pub type OpenObject = serde_json::Map<String, serde_json::Value>;
/// Labels, annotations and selectors: string keys to string values.
pub type StringMap = IndexMap<String, String>;

/// Values of the `mcp-server` chart.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Values {
    /// Pod replicas of the Deployment when autoscaling is off. SSE sessions live in
    /// one pod, so more than one replica needs sticky routing.
    #[schemars(range(min = 0))]
    pub replica_count: i64,
    /// Labels added to every resource the chart renders.
    pub additional_labels: StringMap,
    /// Annotations added to every resource the chart renders.
    pub additional_annotations: StringMap,
    /// How the server process is started: `image` runs your own image, `node` runs
    /// an npm package with npx, `python` runs a PyPI package with uvx (or pip).
    pub mode: Mode,
    /// How clients reach the server: the transport, its HTTP paths and timeouts,
    /// and the optional stdio gateway.
    pub transport: Transport,
    /// Settings shared by every mode for the server container.
    pub container: Container,
    /// Settings for `mode: image`.
    pub image: ImageSettings,
    /// Settings for `mode: node`.
    pub node: NodeSettings,
    /// Settings for `mode: python`.
    pub python: PythonSettings,
    /// A configuration file for the server, stored in a ConfigMap and mounted into
    /// the container.
    pub config: ConfigFile,
    /// Secrets used to pull images from private registries (`[{name: ...}]`).
    pub image_pull_secrets: Vec<OpenObject>,
    /// Replaces the chart name in resource names.
    pub name_override: String,
    /// Replaces the whole generated resource name.
    pub fullname_override: String,
    /// The ServiceAccount the pods run as.
    pub service_account: ServiceAccount,
    /// Annotations added to the pod template.
    pub pod_annotations: StringMap,
    /// Labels added to the pod template.
    pub pod_labels: StringMap,
    /// Pod-level securityContext, passed to Kubernetes as is.
    pub pod_security_context: OpenObject,
    /// Container-level securityContext of the server container, passed as is.
    pub security_context: OpenObject,
    /// The Service in front of the pods.
    pub service: Service,
    /// An Ingress for the Service.
    pub ingress: Ingress,
    /// A Gateway API HTTPRoute for the Service.
    pub http_route: HttpRoute,
    /// Liveness probe of the server container, passed as is. Empty means none:
    /// many MCP servers have no health endpoint.
    pub liveness_probe: OpenObject,
    /// Readiness probe of the server container, passed as is. Empty means none.
    pub readiness_probe: OpenObject,
    /// Resource requests and limits of the server container, passed as is.
    pub resources: OpenObject,
    /// A HorizontalPodAutoscaler for the Deployment.
    pub autoscaling: Autoscaling,
    /// Extra pod volumes, passed as is.
    pub volumes: Vec<OpenObject>,
    /// Extra volume mounts of the server container, passed as is.
    pub volume_mounts: Vec<OpenObject>,
    /// Node labels the pods must be scheduled on.
    pub node_selector: StringMap,
    /// Tolerations of the pods, passed as is.
    pub tolerations: Vec<OpenObject>,
    /// Affinity rules of the pods, passed as is.
    pub affinity: OpenObject,
    /// Values Helm shares with subcharts; accepted and not used by this chart.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    #[schemars(extend("default" = {}))]
    pub global: OpenObject,
}

impl Default for Values {
    fn default() -> Self {
        Values {
            replica_count: 1,
            additional_labels: StringMap::new(),
            additional_annotations: StringMap::new(),
            mode: Mode::Image,
            transport: Transport::default(),
            container: Container::default(),
            image: ImageSettings::default(),
            node: NodeSettings::default(),
            python: PythonSettings::default(),
            config: ConfigFile::default(),
            image_pull_secrets: Vec::new(),
            name_override: String::new(),
            fullname_override: String::new(),
            service_account: ServiceAccount::default(),
            pod_annotations: StringMap::new(),
            pod_labels: StringMap::new(),
            pod_security_context: OpenObject::new(),
            security_context: OpenObject::new(),
            service: Service::default(),
            ingress: Ingress::default(),
            http_route: HttpRoute::default(),
            liveness_probe: OpenObject::new(),
            readiness_probe: OpenObject::new(),
            resources: OpenObject::new(),
            autoscaling: Autoscaling::default(),
            volumes: Vec::new(),
            volume_mounts: Vec::new(),
            node_selector: StringMap::new(),
            tolerations: Vec::new(),
            affinity: OpenObject::new(),
            global: OpenObject::new(),
        }
    }
}

/// Transport settings: what clients speak to the pod, and the stdio gateway.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Transport {
    /// What the pod exposes: `http-sse` (SSE or streamable HTTP), `websocket`, or
    /// `stdio` (reachable only through the stdio gateway).
    #[serde(rename = "type")]
    pub kind: TransportType,
    /// HTTP paths and long-lived connection timeouts.
    pub http: TransportHttp,
    /// The gateway (mcp-proxy) that turns stdio servers into HTTP endpoints. Needs
    /// `type: stdio` and the mcp-chart post-renderer.
    pub stdio_gateway: StdioGateway,
}

impl Default for Transport {
    fn default() -> Self {
        Transport {
            kind: TransportType::HttpSse,
            http: TransportHttp::default(),
            stdio_gateway: StdioGateway::default(),
        }
    }
}

/// The transport exposed outside the pod.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TransportType {
    /// Server-sent events or streamable HTTP.
    #[default]
    #[serde(rename = "http-sse")]
    HttpSse,
    /// WebSocket.
    #[serde(rename = "websocket")]
    Websocket,
    /// Standard input/output, served through the stdio gateway.
    #[serde(rename = "stdio")]
    Stdio,
}

impl TransportType {
    /// The value as written in values files.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportType::HttpSse => "http-sse",
            TransportType::Websocket => "websocket",
            TransportType::Stdio => "stdio",
        }
    }
}

/// HTTP paths and timeouts of the transport.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TransportHttp {
    /// Path of the MCP endpoint. Informational: the server must really listen here.
    pub path: String,
    /// Path of the WebSocket endpoint when `transport.type` is `websocket`.
    pub ws_path: String,
    /// Timeouts for long-lived connections; the post-renderer turns them into
    /// Ingress annotations and HTTPRoute rule timeouts.
    pub timeouts: Timeouts,
}

impl Default for TransportHttp {
    fn default() -> Self {
        TransportHttp {
            path: "/sse".into(),
            ws_path: "/ws".into(),
            timeouts: Timeouts::default(),
        }
    }
}

/// Long-lived connection timeouts, in seconds.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Timeouts {
    /// Longest wait for the server to send data, in seconds.
    #[schemars(range(min = 1))]
    pub read_seconds: i64,
    /// Longest wait for the client to send data, in seconds.
    #[schemars(range(min = 1))]
    pub send_seconds: i64,
    /// Longest a whole proxied request may last, in seconds.
    #[schemars(range(min = 1))]
    pub proxy_seconds: i64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            read_seconds: 3600,
            send_seconds: 3600,
            proxy_seconds: 3600,
        }
    }
}
