//! What the post-renderer injects, as data (for the browser playground and
//! JSON users) and as text (for `mcp-chart post-render --check`).

use std::fmt::Write;

use serde::Serialize;

use super::source::ValuesOrigin;

/// Everything the post-renderer did (or would do) to a stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InjectionSummary {
    /// Documents read from the stream.
    pub documents: usize,
    /// Documents written (read plus added).
    pub documents_out: usize,
    /// Documents whose text changed.
    pub changed: Vec<usize>,
    /// Workloads whose transport settings were used.
    pub workloads: Vec<WorkloadSummary>,
    /// Services whose target port was changed or checked.
    pub services: Vec<ServiceSummary>,
    /// Ingresses that route to a changed workload.
    pub ingresses: Vec<IngressSummary>,
    /// HTTPRoutes that route to a changed workload.
    pub http_routes: Vec<HttpRouteSummary>,
    /// Things worth knowing that are not errors.
    pub notes: Vec<String>,
}

/// One workload.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSummary {
    /// 1-based document index.
    pub document: usize,
    /// `Kind/name`.
    pub object: String,
    /// Where its transport settings came from.
    pub values_origin: ValuesOrigin,
    /// Whether the `mcp-chart/transport` annotation was removed.
    pub annotation_removed: bool,
    /// The transport type.
    pub transport: String,
    /// The gateway, when one was (or is already) injected.
    pub gateway: Option<GatewaySummary>,
}

/// The injected stdio gateway.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySummary {
    /// The workload already had an `mcp-gateway` container: nothing was changed.
    pub already_injected: bool,
    /// Name of the server container that was replaced.
    pub replaced_container: String,
    /// Gateway image.
    pub image: String,
    /// Port the gateway listens on (named `http`).
    pub port: i64,
    /// `command` of the gateway container, as written in the manifest.
    pub command: Vec<String>,
    /// `args` of the gateway container, as written in the manifest.
    pub args: Vec<String>,
    /// Shell steps run before the proxy starts, as written in the manifest.
    pub setup_steps: Vec<String>,
    /// The proxy's own arguments (before the default server), as written.
    pub proxy_args: Vec<String>,
    /// The default server's argv, as written in the manifest, when there is one.
    pub default_server: Option<Vec<String>>,
    /// Where the default server came from.
    pub default_server_source: Option<String>,
    /// Named servers, in servers.json order.
    pub named_servers: Vec<NamedServerSummary>,
    /// The generated ConfigMap, when there are named servers.
    pub config_map: Option<String>,
    /// The generated servers.json.
    pub servers_json: Option<String>,
    /// SHA-256 of servers.json (the pod annotation `mcp-chart/servers-checksum`).
    pub servers_checksum: Option<String>,
    /// Probes added because the container had none.
    pub probes_added: Vec<String>,
    /// Probes kept because they were set.
    pub probes_kept: Vec<String>,
}

/// One named server.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedServerSummary {
    /// Name (the URL path segment).
    pub name: String,
    /// Whether mcp-proxy serves it.
    pub enabled: bool,
    /// Executable.
    pub command: String,
    /// Arguments.
    pub args: Vec<String>,
    /// Names of its environment variables.
    pub env: Vec<String>,
}

/// One Service in front of a changed workload.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSummary {
    /// 1-based document index.
    pub document: usize,
    /// `Kind/name`.
    pub object: String,
    /// Ports whose targetPort now names `http`.
    pub retargeted: Vec<String>,
}

/// One Ingress.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressSummary {
    /// 1-based document index.
    pub document: usize,
    /// `Kind/name`.
    pub object: String,
    /// The IngressClass name (or legacy class annotation), when set.
    pub class: Option<String>,
    /// The controller recognised from the class.
    pub controller: Option<String>,
    /// Annotations added.
    pub added: Vec<(String, String)>,
    /// Annotations the user had set, left as they were.
    pub kept: Vec<String>,
    /// Why nothing was added, when nothing was.
    pub note: Option<String>,
}

/// One HTTPRoute.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteSummary {
    /// 1-based document index.
    pub document: usize,
    /// `Kind/name`.
    pub object: String,
    /// What happened to each rule that routes to a changed workload.
    pub rules: Vec<RuleSummary>,
}

/// One HTTPRoute rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    /// 1-based rule index.
    pub rule: usize,
    /// The timeouts added, or `None` when the rule had its own.
    pub added: Option<(String, String)>,
}

/// Quotes `s` for display the way a POSIX shell would read it back.
pub fn shell_word(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn words(items: &[String]) -> String {
    items
        .iter()
        .map(|s| shell_word(s))
        .collect::<Vec<_>>()
        .join(" ")
}

impl InjectionSummary {
    /// Forgets what was done to each object (counts and notes stay).
    pub fn forget_details(&mut self) {
        self.workloads = Vec::new();
        self.services = Vec::new();
        self.ingresses = Vec::new();
        self.http_routes = Vec::new();
    }

    /// A human explanation, for `mcp-chart post-render --check`.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} document(s) read, {} written, {} changed.",
            self.documents,
            self.documents_out,
            self.changed.len()
        );
        if self.workloads.is_empty() {
            out.push_str(
                "No workload carries the mcp-chart/transport annotation and no values were given: \
                 the stream passes through unchanged.\n",
            );
        }
        for w in &self.workloads {
            let origin = match w.values_origin {
                ValuesOrigin::Annotation => "the mcp-chart/transport annotation",
                ValuesOrigin::Values => "--values/--set",
            };
            let _ = writeln!(
                out,
                "\n{} (document {}): transport {} from {}{}",
                w.object,
                w.document,
                w.transport,
                origin,
                if w.annotation_removed {
                    "; the annotation is removed"
                } else {
                    ""
                }
            );
            match &w.gateway {
                None => out.push_str("  no stdio gateway\n"),
                Some(g) if g.already_injected => {
                    out.push_str(
                        "  stdio gateway already injected (container mcp-gateway): left as is\n",
                    );
                }
                Some(g) => render_gateway(&mut out, g),
            }
        }
        for s in &self.services {
            if s.retargeted.is_empty() {
                let _ = writeln!(
                    out,
                    "\n{} (document {}): reaches the port named http, unchanged",
                    s.object, s.document
                );
            } else {
                let _ = writeln!(
                    out,
                    "\n{} (document {}): targetPort set to http for port(s) {}",
                    s.object,
                    s.document,
                    s.retargeted.join(", ")
                );
            }
        }
        for i in &self.ingresses {
            let controller = i.controller.as_deref().unwrap_or("unknown controller");
            let class = i
                .class
                .as_deref()
                .map_or("no class".to_string(), |c| format!("class {c}"));
            let _ = writeln!(
                out,
                "\n{} (document {}): {controller} ({class})",
                i.object, i.document
            );
            for (k, v) in &i.added {
                let _ = writeln!(out, "  + {k}: {v:?}");
            }
            for k in &i.kept {
                let _ = writeln!(out, "  = {k} (set by you, kept)");
            }
            if let Some(note) = &i.note {
                let _ = writeln!(out, "  {note}");
            }
        }
        for r in &self.http_routes {
            let _ = writeln!(out, "\n{} (document {}):", r.object, r.document);
            for rule in &r.rules {
                match &rule.added {
                    Some((request, backend)) => {
                        let _ = writeln!(
                            out,
                            "  rule {}: + timeouts {{request: {request}, backendRequest: {backend}}}",
                            rule.rule
                        );
                    }
                    None => {
                        let _ = writeln!(out, "  rule {}: has its own timeouts, kept", rule.rule);
                    }
                }
            }
        }
        if !self.notes.is_empty() {
            out.push_str("\nNotes:\n");
            for note in &self.notes {
                let _ = writeln!(out, "  - {note}");
            }
        }
        // Values reach this text: no control character reaches the terminal.
        crate::display::visible_controls(&out, true).into_owned()
    }
}

fn render_gateway(out: &mut String, g: &GatewaySummary) {
    let _ = writeln!(
        out,
        "  stdio gateway: container {:?} is replaced by \"mcp-gateway\" ({}), listening on port {} named http",
        g.replaced_container, g.image, g.port
    );
    if !g.setup_steps.is_empty() {
        out.push_str("  setup steps, run by sh before the proxy (as written in the manifest, `$$` is `$`):\n");
        for (i, step) in g.setup_steps.iter().enumerate() {
            let _ = writeln!(out, "    {}. {}", i + 1, step.replace('\n', "\n       "));
        }
    }
    let _ = writeln!(out, "  proxy: mcp-proxy {}", words(&g.proxy_args));
    match (&g.default_server, &g.default_server_source) {
        (Some(argv), source) => {
            let _ = writeln!(
                out,
                "  default server (/sse, /mcp): {}{}",
                words(argv),
                source
                    .as_deref()
                    .map(|s| format!("  [from {s}]"))
                    .unwrap_or_default()
            );
        }
        (None, _) => out.push_str("  no default server\n"),
    }
    if let Some(cm) = &g.config_map {
        let _ = writeln!(
            out,
            "  named servers (ConfigMap {cm}, servers.json mounted read-only at /etc/mcp-gateway):"
        );
        for s in &g.named_servers {
            let _ = writeln!(
                out,
                "    /servers/{}/sse{}: {}{}",
                s.name,
                if s.enabled { "" } else { " (disabled)" },
                words(
                    &std::iter::once(s.command.clone())
                        .chain(s.args.iter().cloned())
                        .collect::<Vec<_>>()
                ),
                if s.env.is_empty() {
                    String::new()
                } else {
                    format!("  env: {}", s.env.join(", "))
                }
            );
        }
        if let Some(sum) = &g.servers_checksum {
            let _ = writeln!(out, "  pod annotation mcp-chart/servers-checksum: {sum}");
        }
    }
    if !g.probes_added.is_empty() {
        let _ = writeln!(out, "  probes added: {}", g.probes_added.join(", "));
    }
    if !g.probes_kept.is_empty() {
        let _ = writeln!(out, "  probes kept as set: {}", g.probes_kept.join(", "));
    }
    let _ = writeln!(out, "  container command: {}", words(&g.command));
    if !g.args.is_empty() {
        let _ = writeln!(out, "  container args: {}", words(&g.args));
    }
}
