//! The stdio gateway (mcp-proxy) built from the values: one pure function,
//! [`build`], from the typed model and what the chart rendered for the server
//! container to everything the gateway container runs, or the list of problems
//! that stop it, each carrying the values path that caused it.
//!
//! The post-renderer writes the container from the [`GatewaySpec`]; the
//! validator runs the same function and turns each [`GatewayProblem`] into a
//! located diagnostic. So values `validate` accepts never make the
//! post-renderer refuse, and neither pipeline has checks of its own.
//!
//! - `checks.rs`: what a command line can carry, argparse's edges, names.
//! - `argv.rs`: the rendered argv, the default server, mcp-proxy's options.
//! - `named.rs`: named servers (`servers`, `namedServersJson`) and servers.json.

pub mod argv;
pub mod checks;
pub mod named;

use crate::model::StdioGateway;
use crate::validate::Code;
use argv::{DefaultServer, RenderedArgv};
use checks::{k8s_literal, nul_problem};
use named::ServerEntry;

/// Where the named-server file is mounted in the gateway container.
pub const SERVERS_DIR: &str = "/etc/mcp-gateway";
/// The named-server file mcp-proxy reads.
pub const SERVERS_FILE: &str = "/etc/mcp-gateway/servers.json";
/// Pointer of the gateway's values.
pub const GATEWAY: &str = "/transport/stdioGateway";

/// Something in the values that stops the gateway from being built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayProblem {
    /// The validator's rule code for it.
    pub code: Code,
    /// JSON pointer of the value that caused it; `""` when it is in the
    /// container the chart rendered (its command), not one value.
    pub pointer: String,
    /// Whether the key at `pointer` (a server's name) is at fault.
    pub key: bool,
    /// For a problem inside `namedServersJson`, the byte offset in its text
    /// (`None` there: the whole text).
    pub json_offset: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

impl GatewayProblem {
    /// A problem with the value at `pointer`.
    pub fn at(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        GatewayProblem {
            code,
            pointer: pointer.into(),
            key: false,
            json_offset: None,
            message: message.into(),
            help: None,
        }
    }

    /// A problem with the key at `pointer`.
    pub fn at_key(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        GatewayProblem {
            key: true,
            ..GatewayProblem::at(code, pointer, message)
        }
    }

    /// A problem at byte `offset` of `namedServersJson`.
    pub fn in_json(code: Code, offset: Option<usize>, message: impl Into<String>) -> Self {
        GatewayProblem {
            json_offset: offset,
            ..GatewayProblem::at(code, named::JSON, message)
        }
    }

    /// Adds what to write instead.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The values path as users write it (`transport.stdioGateway.server.args[2]`).
    pub fn field(&self) -> String {
        if self.pointer.is_empty() {
            return "the server container's command".into();
        }
        let mut out = String::new();
        for seg in self.pointer.split('/').skip(1) {
            let seg = seg.replace("~1", "/").replace("~0", "~");
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                out.push_str(&format!("[{seg}]"));
            } else if seg.is_empty()
                || !seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                out.push_str(&format!(
                    "[{}]",
                    serde_json::to_string(&seg).unwrap_or_default()
                ));
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&seg);
            }
        }
        out
    }
}

impl std::fmt::Display for GatewayProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, "; {help}")?;
        }
        Ok(())
    }
}

/// What the gateway container runs, in Kubernetes form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GatewaySpec {
    /// The container's `command`.
    pub command: Vec<String>,
    /// The container's `args` (`None`: none, the setup script takes all).
    pub args: Option<Vec<String>>,
    /// Setup steps run before the proxy.
    pub setup_steps: Vec<String>,
    /// mcp-proxy's own options.
    pub proxy_args: Vec<String>,
    /// The default server.
    pub default_server: Option<DefaultServer>,
    /// Named servers, sorted by name.
    pub named_servers: Vec<ServerEntry>,
    /// servers.json, when there are named servers.
    pub servers_json: Option<String>,
    /// Variables for the gateway container's env (`name`, Kubernetes-form value)
    /// that reach the default server through `--pass-environment`.
    pub env: Vec<(String, String)>,
    /// Things worth telling the user.
    pub notes: Vec<String>,
}

/// Only the named servers (for a validator run whose gateway is off).
pub fn named_server_problems(gateway: &StdioGateway) -> Vec<GatewayProblem> {
    let mut problems = Vec::new();
    named::named_servers(gateway, &mut problems);
    problems
}

/// Builds the gateway from its values and the server container's argv.
pub fn build(
    gateway: &StdioGateway,
    rendered: &RenderedArgv,
) -> Result<GatewaySpec, Vec<GatewayProblem>> {
    let mut named_problems = Vec::new();
    let named_servers = named::named_servers(gateway, &mut named_problems);
    let mut proxy_problems = Vec::new();
    let proxy = argv::proxy_args(gateway, !named_servers.is_empty(), &mut proxy_problems);
    // The gateway container's environment, in its order: the server
    // container's, the gateway's own `env`/`envFrom`, then what `-e` cannot carry.
    let mut env = rendered.env.clone();
    env.declare_objects(&gateway.env);
    if !gateway.env_from.is_empty() {
        env.add_env_from();
    }
    for (name, value) in &proxy.env {
        env.declare(name, Some(value));
    }
    let mut problems = Vec::new();
    let default = argv::default_server(gateway, rendered, &env, &mut problems);
    problems.extend(named_problems);
    problems.extend(proxy_problems);
    let mut notes = Vec::new();
    if default.is_none() && !named_servers.iter().any(|e| e.enabled) && problems.is_empty() {
        let mut message =
            "nothing to serve: no default server and no enabled named server".to_string();
        if let Some(note) = &rendered.note {
            message.push_str("; ");
            message.push_str(note);
        }
        problems.push(
            GatewayProblem::at(Code::GatewayNothingToServe, format!("{GATEWAY}/enabled"), message)
                .with_help("set transport.stdioGateway.server.command (or a mode whose command the chart renders), or at least one enabled named server (servers or namedServersJson)"),
        );
    }
    if default.is_none() {
        notes.extend(rendered.note.clone());
    }
    // Setup steps: the gateway's own, then the server's when its argv is used.
    let mut steps = Vec::new();
    for (i, step) in gateway.pre_start.iter().enumerate() {
        if let Some(p) = nul_problem(step) {
            problems.push(GatewayProblem::at(
                Code::GatewayArgument,
                format!("{GATEWAY}/preStart/{i}"),
                p,
            ));
        }
        steps.push(k8s_literal(step));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if let Some(d) = &default {
        notes.extend(d.note.clone());
        if let (true, Some(server_steps)) = (d.rendered, &rendered.steps) {
            steps.push(server_steps.clone());
            notes.push(format!(
                "the setup steps of container {:?} run in the gateway container before the \
                 proxy, since the gateway runs that container's command",
                rendered.container
            ));
        }
    }
    let mut full_args = proxy.args.clone();
    if let Some(d) = &default {
        full_args.push("--".into());
        full_args.extend(d.argv.iter().cloned());
    }
    let (command, args) = if steps.is_empty() {
        (vec!["mcp-proxy".to_string()], Some(full_args))
    } else {
        // The blank line keeps a last step that ends in `\` from continuing
        // onto the exec line (the proxy would then never start).
        let script = format!("set -e\n{}\n\nexec \"$$@\"", steps.join("\n"));
        let mut command = vec![
            "sh".to_string(),
            "-c".into(),
            script,
            "sh".into(),
            "mcp-proxy".into(),
        ];
        command.extend(full_args);
        (command, None)
    };
    Ok(GatewaySpec {
        command,
        args,
        setup_steps: steps,
        proxy_args: proxy.args,
        default_server: default,
        servers_json: (!named_servers.is_empty()).then(|| named::servers_json(&named_servers)),
        named_servers,
        env: proxy.env,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_values_path() {
        let p = GatewayProblem::at(
            Code::GatewayArgument,
            "/transport/stdioGateway/server/args/2",
            "bad",
        );
        assert_eq!(p.to_string(), "transport.stdioGateway.server.args[2]: bad");
    }

    #[test]
    fn nothing_to_serve_is_a_problem() {
        let err = build(&StdioGateway::default(), &RenderedArgv::default()).expect_err("nothing");
        assert_eq!(err[0].code, Code::GatewayNothingToServe);
        assert_eq!(err[0].pointer, "/transport/stdioGateway/enabled");
    }
}
