//! The gateway's argv: mcp-proxy's options and the default server, each one
//! argv item, never joined into shell text unquoted.
//!
//! Two forms of text meet here. Values (`server.command`, `server.args`,
//! origins, `cwd`, `-e` values, setup steps) must reach the process exactly as
//! written, but Kubernetes expands `$(VAR)` and turns `$$` into `$` in a
//! container's `command`/`args` and EnvVar `value`: so every `$` of a value is
//! doubled. The argv the chart rendered for the server container is already in
//! Kubernetes' form and is copied verbatim (its `$(VAR)` references keep working).
//!
//! mcp-proxy parses its command line with Python's argparse, which has sharp
//! edges, met here rather than handed to a proxy that would misread them:
//! - a bare `--` among the default server's arguments is dropped: such a
//!   server runs through `sh -c` with every argument quoted;
//! - a `-e NAME VALUE` whose name or value starts with `-` is read as an
//!   option: such a variable goes into the gateway container's environment,
//!   which `--pass-environment` hands to the server;
//! - an option value that starts with `-` (an origin, the host, cwd) is read
//!   as an option: refused, since none of them can legitimately start so.

use crate::validate::Code;
use serde_json::{Map, Value};

use super::checks::{
    env_name_ok, k8s_literal, nul_problem, option_value_problem, shell_quote, KubeletEnv,
};
use super::named::env_map;
use super::{GatewayProblem, GATEWAY, SERVERS_FILE};
use crate::model::StdioGateway;

const ARGUMENT: Code = Code::GatewayArgument;

/// The argv of the chart-rendered server container, split from the chart's
/// setup-step wrapper when it has one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderedArgv {
    /// The container's name (for messages).
    pub container: String,
    /// `command` followed by `args`, in Kubernetes form; `None` when the
    /// container has no `command` (the image's entrypoint runs).
    pub argv: Option<Vec<String>>,
    /// The chart's setup steps (`node.preStart`, `python.preStart`, pip), as
    /// the script text between `set -e` and `exec "$$@"`, in Kubernetes form.
    pub steps: Option<String>,
    /// Why there is no argv, when the container had `args` but no `command`.
    pub note: Option<String>,
    /// The container's `env`/`envFrom`, which the gateway container keeps:
    /// what the kubelet expands `$(NAME)` in the argv with.
    pub env: KubeletEnv,
}

const WRAPPER_HEAD: &str = "set -e\n";
const WRAPPER_TAIL: &str = "\nexec \"$$@\"";

fn items(container: &Map<String, Value>, key: &str, who: &str) -> Result<Vec<String>, String> {
    match container.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(format!(
                    "container {who:?} {key}[{i}] is not a string (found {})",
                    match other {
                        Value::Null => "null",
                        Value::Array(_) => "a list",
                        _ => "a map",
                    }
                )),
            })
            .collect(),
        Some(_) => Err(format!("container {who:?} {key} is not a list")),
    }
}

/// Reads the server container's argv; `Err` says how the container is not
/// the shape of one.
pub fn rendered_argv(container: &Map<String, Value>, who: &str) -> Result<RenderedArgv, String> {
    let command = items(container, "command", who)?;
    let args = items(container, "args", who)?;
    let wrapped = command.len() >= 4
        && command[0] == "sh"
        && command[1] == "-c"
        && command[2].starts_with(WRAPPER_HEAD)
        && command[2].ends_with(WRAPPER_TAIL)
        && command[2].len() >= WRAPPER_HEAD.len() + WRAPPER_TAIL.len()
        && command[3] == "sh";
    let mut out = RenderedArgv {
        container: who.to_string(),
        env: KubeletEnv::of_container(container),
        ..RenderedArgv::default()
    };
    if wrapped {
        let script = &command[2];
        let steps = &script[WRAPPER_HEAD.len()..script.len() - WRAPPER_TAIL.len()];
        // The chart ends its steps with a blank line (see `build`).
        let steps = steps.strip_suffix('\n').unwrap_or(steps).to_string();
        let argv: Vec<String> = command[4..].iter().chain(args.iter()).cloned().collect();
        out.argv = (!argv.is_empty()).then_some(argv);
        out.steps = (!steps.is_empty()).then_some(steps);
    } else if command.is_empty() {
        out.note = (!args.is_empty()).then(|| {
            format!(
                "container {who:?} has args but no command (the image's entrypoint runs): \
                 the gateway cannot know that entrypoint, so it has no default server from it; \
                 set transport.stdioGateway.server.command"
            )
        });
    } else {
        out.argv = Some(command.into_iter().chain(args).collect());
    }
    Ok(out)
}

/// The default server's argv in Kubernetes form, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct DefaultServer {
    /// argv items as written in the manifest.
    pub argv: Vec<String>,
    /// `transport.stdioGateway.server` or the rendered container.
    pub source: String,
    /// Whether it came from the rendered container (its setup steps apply).
    pub rendered: bool,
    /// Why the argv was rewritten, when it was (a bare `--` among the arguments).
    pub note: Option<String>,
}

/// Chooses the default server: `server.command`/`args`, else the rendered argv.
/// Its guards judge the argv as the process will receive it: expanded by the
/// kubelet with `env`, the gateway container's environment.
pub fn default_server(
    gateway: &StdioGateway,
    rendered: &RenderedArgv,
    env: &KubeletEnv,
    problems: &mut Vec<GatewayProblem>,
) -> Option<DefaultServer> {
    let server = &gateway.server;
    let before = problems.len();
    // The pointer a problem with the default server's command belongs to.
    let (mut chosen, command_at) = if !server.command.trim().is_empty() {
        let at = format!("{GATEWAY}/server/command");
        if let Some(p) = nul_problem(&server.command) {
            problems.push(GatewayProblem::at(ARGUMENT, at.clone(), p));
        }
        for (i, arg) in server.args.iter().enumerate() {
            if let Some(p) = nul_problem(arg) {
                problems.push(GatewayProblem::at(
                    ARGUMENT,
                    format!("{GATEWAY}/server/args/{i}"),
                    p,
                ));
            }
        }
        let chosen = DefaultServer {
            argv: std::iter::once(&server.command)
                .chain(server.args.iter())
                .map(|s| k8s_literal(s))
                .collect(),
            source: "transport.stdioGateway.server".into(),
            rendered: false,
            note: None,
        };
        (chosen, at)
    } else if let Some(argv) = &rendered.argv {
        let who = &rendered.container;
        for (i, item) in argv.iter().enumerate() {
            if let Some(p) = nul_problem(item) {
                problems.push(GatewayProblem::at(
                    ARGUMENT,
                    String::new(),
                    format!("argument {i} of container {who:?}'s command {p}"),
                ));
            }
        }
        let chosen = DefaultServer {
            argv: argv.clone(),
            source: format!("the command of container {who:?}"),
            rendered: true,
            note: None,
        };
        (chosen, String::new())
    } else {
        return None;
    };
    let written = chosen.argv.first().map(String::as_str).unwrap_or_default();
    let command = match env.expand(written) {
        Ok(command) => command,
        Err(name) => {
            problems.push(
                GatewayProblem::at(
                    ARGUMENT,
                    command_at,
                    format!(
                        "the default server's command {written:?} (from {}) refers to $({name}), \
                         whose value is only known when the pod starts (valueFrom, envFrom or a \
                         Service link): the gateway cannot check that it is not a URL, which \
                         mcp-proxy would connect to as a client",
                        chosen.source
                    ),
                )
                .with_help(
                    "write the server's executable itself, or give the variable a literal `value`",
                ),
            );
            return None;
        }
    };
    // The rendered argv is in Kubernetes form; say what the kubelet makes of it.
    let origin = if chosen.rendered && command != written {
        format!(
            "from {}; the kubelet expands {written:?} to it",
            chosen.source
        )
    } else {
        format!("from {}", chosen.source)
    };
    if command.trim().is_empty() {
        problems.push(GatewayProblem::at(
            ARGUMENT,
            command_at.clone(),
            format!("the default server's command ({origin}) is empty"),
        ));
    } else if command.starts_with("http://") || command.starts_with("https://") {
        problems.push(
            GatewayProblem::at(
                ARGUMENT,
                command_at.clone(),
                format!(
                    "the default server's command {command:?} ({origin}) is a URL: mcp-proxy \
                     would connect to it as a remote server instead of serving a stdio server"
                ),
            )
            .with_help(
                "set the executable of a stdio server; the gateway does not proxy remote servers",
            ),
        );
    }
    if problems.len() > before {
        return None;
    }
    let expanded: Vec<Result<String, String>> = chosen.argv.iter().map(|a| env.expand(a)).collect();
    if expanded.iter().skip(1).any(|a| a.as_deref() == Ok("--")) {
        // argparse drops a bare `--` after the proxy's own `--`; as one
        // quoted `sh -c` script it is text, not an argv item. The script
        // holds each argument as the process would receive it (a `$(NAME)`
        // the kubelet expanded inside it could end the quotes).
        let mut quoted = Vec::with_capacity(expanded.len());
        for (i, item) in expanded.iter().enumerate() {
            match item {
                Ok(text) => quoted.push(shell_quote(text)),
                Err(name) => {
                    problems.push(
                        GatewayProblem::at(ARGUMENT, command_at, format!(
                            "argument {i} of the default server (from {}) refers to $({name}), whose \
                             value is only known when the pod starts; with a bare `--` among the \
                             arguments the server runs through `sh -c`, where that value could not \
                             be quoted",
                            chosen.source
                        ))
                        .with_help("remove the bare `--`, or give the variable a literal `value`"),
                    );
                    return None;
                }
            }
        }
        let script = k8s_literal(&format!("exec {}", quoted.join(" ")));
        chosen.argv = vec!["sh".into(), "-c".into(), script];
        chosen.note = Some(format!(
            "the default server's arguments (from {}) contain a bare `--`, which mcp-proxy's \
             argument parser would drop: it runs through `sh -c` with each argument quoted",
            chosen.source
        ));
    }
    Some(chosen)
}

/// mcp-proxy's own options, in Kubernetes form, before `--` and the default server.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProxyOptions {
    /// The options.
    pub args: Vec<String>,
    /// Variables of the default server that `-e` cannot carry, for the gateway
    /// container's env (`name`, value in Kubernetes form).
    pub env: Vec<(String, String)>,
}

/// mcp-proxy's options; problems are added to `problems`.
pub fn proxy_args(
    gateway: &StdioGateway,
    named_servers: bool,
    problems: &mut Vec<GatewayProblem>,
) -> ProxyOptions {
    fn option(problems: &mut Vec<GatewayProblem>, pointer: String, value: &str, help: &str) {
        if let Some(p) = option_value_problem(value) {
            problems.push(GatewayProblem::at(ARGUMENT, pointer, p).with_help(help));
        }
    }
    if !(1..=65535).contains(&gateway.port) {
        problems.push(GatewayProblem::at(
            Code::PortRange,
            format!("{GATEWAY}/port"),
            format!("{} is not a port number (1-65535)", gateway.port),
        ));
    }
    option(
        problems,
        format!("{GATEWAY}/host"),
        &gateway.host,
        "set the address mcp-proxy binds to, such as `0.0.0.0`",
    );
    let mut out = ProxyOptions {
        env: Vec::new(),
        args: vec![
            "--host".to_string(),
            k8s_literal(&gateway.host),
            "--port".to_string(),
            gateway.port.to_string(),
            if gateway.pass_environment {
                "--pass-environment".to_string()
            } else {
                "--no-pass-environment".to_string()
            },
        ],
    };
    if !gateway.allow_origins.is_empty() {
        out.args.push("--allow-origin".into());
        for (i, origin) in gateway.allow_origins.iter().enumerate() {
            option(
                problems,
                format!("{GATEWAY}/allowOrigins/{i}"),
                origin,
                "an origin is `scheme://host[:port]`, such as `https://app.example.com`, or `*`",
            );
            out.args.push(k8s_literal(origin));
        }
    }
    let cwd = if gateway.server.cwd.is_empty() {
        (&gateway.cwd, "cwd")
    } else {
        (&gateway.server.cwd, "server/cwd")
    };
    if !cwd.0.is_empty() {
        option(
            problems,
            format!("{GATEWAY}/{}", cwd.1),
            cwd.0,
            "write the directory as an absolute path, such as `/srv`",
        );
        out.args.push("--cwd".into());
        out.args.push(k8s_literal(cwd.0));
    }
    let at = format!("{GATEWAY}/server/env");
    for (name, (i, value)) in env_map(&gateway.server.env, &at, problems) {
        if !env_name_ok(&name) {
            problems.push(
                GatewayProblem::at(
                    Code::EnvNameInvalid,
                    format!("{at}/{i}/name"),
                    format!(
                        "{name:?} is not an environment variable name (empty, or contains `=` or NUL)"
                    ),
                )
                .with_help("name the variable with letters, digits and `_`; the value goes in `value`"),
            );
            continue;
        }
        if let Some(p) = nul_problem(&value) {
            problems.push(GatewayProblem::at(ARGUMENT, format!("{at}/{i}/value"), p));
            continue;
        }
        if !(name.starts_with('-') || value.starts_with('-')) {
            out.args.push("-e".into());
            out.args.push(k8s_literal(&name));
            out.args.push(k8s_literal(&value));
        } else if gateway.pass_environment {
            out.env.push((name, k8s_literal(&value)));
        } else {
            problems.push(
                GatewayProblem::at(
                    ARGUMENT,
                    format!("{at}/{i}/value"),
                    format!(
                        "`{name}={value}` starts with `-`: mcp-proxy's `-e NAME VALUE` would read it \
                         as an option, and with `passEnvironment` off (`false`, or deleted by a `null`) \
                         the gateway container's environment does not reach the server"
                    ),
                )
                .with_help("set `transport.stdioGateway.passEnvironment: true` (the variable then goes through the gateway container's environment), or run the server as a named server, whose `env` servers.json carries"),
            );
        }
    }
    if named_servers {
        out.args.push("--named-server-config".into());
        out.args.push(SERVERS_FILE.into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn container(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn the_chart_wrapper_is_unwrapped() {
        let c = container(json!({
            "name": "mcp-server",
            "command": ["sh", "-c", "set -e\napk add git\necho $$HOME\nexec \"$$@\"", "sh", "npx", "-y", "pkg@1"],
            "args": ["--flag"]
        }));
        let r = rendered_argv(&c, "mcp-server").expect("reads");
        assert_eq!(r.steps.as_deref(), Some("apk add git\necho $$HOME"));
        assert_eq!(
            r.argv,
            Some(vec![
                "npx".into(),
                "-y".into(),
                "pkg@1".into(),
                "--flag".into()
            ])
        );
    }

    #[test]
    fn args_without_command_give_no_argv() {
        let c = container(json!({"args": ["--port", 3000]}));
        let r = rendered_argv(&c, "mcp-server").expect("reads");
        assert!(r.argv.is_none());
        assert!(r.note.is_some());
    }

    #[test]
    fn proxy_args_pass_each_value_as_one_item() {
        let mut gw = StdioGateway {
            allow_origins: vec!["https://a".into(), "https://b c".into()],
            cwd: "/srv/$(x)".into(),
            ..StdioGateway::default()
        };
        gw.server.env.push(crate::model::ServerEnvVar {
            name: "TOKEN".into(),
            value: json!("a;b `c` $(d)"),
        });
        let mut problems = Vec::new();
        let out = proxy_args(&gw, true, &mut problems);
        assert!(problems.is_empty());
        assert_eq!(
            out.args,
            vec![
                "--host",
                "0.0.0.0",
                "--port",
                "8096",
                "--pass-environment",
                "--allow-origin",
                "https://a",
                "https://b c",
                "--cwd",
                "/srv/$$(x)",
                "-e",
                "TOKEN",
                "a;b `c` $$(d)",
                "--named-server-config",
                "/etc/mcp-gateway/servers.json"
            ]
        );
    }

    #[test]
    fn dash_values_go_through_the_environment_or_are_refused() {
        let mut gw = StdioGateway::default();
        gw.server.env.push(crate::model::ServerEnvVar {
            name: "JAVA_TOOL_OPTIONS".into(),
            value: json!("-Xmx512m $(X)"),
        });
        let mut problems = Vec::new();
        let out = proxy_args(&gw, false, &mut problems);
        assert!(problems.is_empty());
        assert!(!out.args.contains(&"-e".to_string()));
        assert_eq!(
            out.env,
            [(
                "JAVA_TOOL_OPTIONS".to_string(),
                "-Xmx512m $$(X)".to_string()
            )]
        );
        gw.pass_environment = false;
        proxy_args(&gw, false, &mut problems);
        assert_eq!(
            problems[0].pointer,
            "/transport/stdioGateway/server/env/0/value"
        );

        let gw = StdioGateway {
            allow_origins: vec!["-x".into()],
            ..StdioGateway::default()
        };
        let mut problems = Vec::new();
        proxy_args(&gw, false, &mut problems);
        assert_eq!(
            problems[0].pointer,
            "/transport/stdioGateway/allowOrigins/0"
        );
    }

    #[test]
    fn a_bare_double_dash_runs_through_a_quoted_shell_and_urls_are_refused() {
        let mut gw = StdioGateway::default();
        gw.server.command = "srv".into();
        gw.server.args = vec!["a".into(), "--".into(), "it's $HOME".into()];
        let mut problems = Vec::new();
        let d = default_server(
            &gw,
            &RenderedArgv::default(),
            &KubeletEnv::default(),
            &mut problems,
        )
        .expect("runs");
        assert_eq!(
            d.argv,
            ["sh", "-c", "exec 'srv' 'a' '--' 'it'\\''s $$HOME'"]
        );
        assert!(d.note.is_some());
        gw.server.command = "https://example.com/sse".into();
        gw.server.args.clear();
        assert!(default_server(
            &gw,
            &RenderedArgv::default(),
            &KubeletEnv::default(),
            &mut problems
        )
        .is_none());
        assert_eq!(
            problems[0].pointer,
            "/transport/stdioGateway/server/command"
        );
    }
}
