//! Values that expose the pods: Service, Ingress, HTTPRoute, autoscaling.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{OpenObject, StringMap};

/// The Service in front of the pods.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Service {
    /// Service type.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Port the Service listens on; it forwards to the container port named `http`.
    #[schemars(range(min = 1, max = 65535))]
    pub port: i64,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            kind: ServiceType::ClusterIP,
            port: 3000,
        }
    }
}

/// Kubernetes Service types that can front a pod selector.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[allow(clippy::upper_case_acronyms)]
pub enum ServiceType {
    /// Reachable inside the cluster only.
    #[default]
    ClusterIP,
    /// Also on a port of every node.
    NodePort,
    /// Also through a cloud load balancer.
    LoadBalancer,
}

/// An Ingress for the Service.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Ingress {
    /// Render the Ingress.
    pub enabled: bool,
    /// IngressClass name, such as `nginx`; it also selects which controller's
    /// timeout annotations the post-renderer adds.
    pub class_name: String,
    /// Annotations of the Ingress; the ones you set win over the post-renderer's.
    pub annotations: StringMap,
    /// Hosts and paths routed to the Service.
    pub hosts: Vec<IngressHost>,
    /// TLS settings, passed to the Ingress.
    pub tls: Vec<IngressTls>,
}

impl Default for Ingress {
    fn default() -> Self {
        Ingress {
            enabled: false,
            class_name: String::new(),
            annotations: StringMap::new(),
            hosts: vec![IngressHost {
                host: "mcp.example.local".into(),
                paths: vec![IngressPath {
                    path: "/".into(),
                    path_type: PathType::ImplementationSpecific,
                }],
            }],
            tls: Vec::new(),
        }
    }
}

/// One Ingress host.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IngressHost {
    /// Host name.
    pub host: String,
    /// Paths of this host routed to the Service.
    pub paths: Vec<IngressPath>,
}

/// One Ingress path.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IngressPath {
    /// URL path.
    pub path: String,
    /// How the path matches.
    pub path_type: PathType,
}

/// Ingress path matching.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PathType {
    /// The path exactly.
    Exact,
    /// The path and everything below it, by segment.
    Prefix,
    /// Up to the IngressClass.
    #[default]
    ImplementationSpecific,
}

/// One Ingress TLS entry.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IngressTls {
    /// Hosts covered by the certificate.
    pub hosts: Vec<String>,
    /// Secret that holds the certificate.
    pub secret_name: String,
}

/// A Gateway API HTTPRoute for the Service.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HttpRoute {
    /// Render the HTTPRoute.
    pub enabled: bool,
    /// Annotations of the HTTPRoute.
    pub annotations: StringMap,
    /// Gateways (and listeners) the route attaches to (Gateway API ParentReference).
    pub parent_refs: Vec<ParentRef>,
    /// Host names the route matches.
    pub hostnames: Vec<String>,
    /// Route rules (Gateway API HTTPRouteRule). Rules without backendRefs get the
    /// Service; no rules means one rule for `/`. Rules without timeouts get the
    /// transport timeouts from the post-renderer.
    pub rules: Vec<OpenObject>,
}

impl Default for HttpRoute {
    fn default() -> Self {
        HttpRoute {
            enabled: false,
            annotations: StringMap::new(),
            parent_refs: vec![ParentRef {
                name: "gateway".into(),
                section_name: Some("http".into()),
                ..ParentRef::default()
            }],
            hostnames: vec!["mcp.example.local".into()],
            rules: Vec::new(),
        }
    }
}

/// A Gateway API ParentReference (`gateway.networking.k8s.io/v1`): the
/// Gateway, and optionally its listener, that the route attaches to. Typed so
/// that a misspelled key (`sectionname`) is an error instead of being passed
/// to Kubernetes, which drops unknown fields and attaches to every listener.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentRef {
    /// API group of the parent; unset means `gateway.networking.k8s.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the parent; unset means `Gateway`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Namespace of the parent; unset means the route's own namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name of the parent (the Gateway).
    pub name: String,
    /// Listener of the Gateway to attach to, by name; unset means every
    /// listener that allows the route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    /// Listener port to attach to; unset means every port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i64>,
}

/// A HorizontalPodAutoscaler for the Deployment.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Autoscaling {
    /// Render the autoscaler (and leave `replicas` to it).
    pub enabled: bool,
    /// Fewest replicas.
    #[schemars(range(min = 1))]
    pub min_replicas: i64,
    /// Most replicas.
    #[schemars(range(min = 1))]
    pub max_replicas: i64,
    /// Average CPU use, in percent of requests, that the autoscaler aims for.
    #[schemars(range(min = 1))]
    #[serde(rename = "targetCPUUtilizationPercentage")]
    pub target_cpu_utilization_percentage: i64,
}

impl Default for Autoscaling {
    fn default() -> Self {
        Autoscaling {
            enabled: false,
            min_replicas: 1,
            max_replicas: 5,
            target_cpu_utilization_percentage: 80,
        }
    }
}
