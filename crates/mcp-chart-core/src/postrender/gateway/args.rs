//! The gateway's argv: mcp-proxy's options and the default server, each one
//! argv item, never joined into shell text.
//!
//! Two forms of text meet here. Values (`server.command`, `server.args`,
//! origins, `cwd`, `-e` values, setup steps) must reach the process exactly as
//! written, but Kubernetes expands `$(VAR)` and turns `$$` into `$` in a
//! container's `command`/`args`: so every `$` of a value is doubled. The argv the
//! chart rendered for the server container is already in Kubernetes' form and
//! is copied verbatim (its `$(VAR)` references keep working).
//!
//! mcp-proxy parses its command line with Python's argparse, which has sharp
//! edges: an option's value that starts with `-` is taken for an option, and a
//! bare `--` among the server's arguments is dropped. Such values are refused
//! with an error that names them, rather than passed to a proxy that would
//! misread them.

use serde_json::{Map, Value};

use crate::model::StdioGateway;

use super::super::error::Problem;
use super::servers::{check_env_name, env_map};

/// Where the named-server file is mounted in the gateway container.
pub const SERVERS_DIR: &str = "/etc/mcp-gateway";
/// The named-server file mcp-proxy reads.
pub const SERVERS_FILE: &str = "/etc/mcp-gateway/servers.json";

/// `s` as a container `command`/`args` item that Kubernetes hands to the
/// process unchanged: every `$` doubled.
pub fn k8s_literal(s: &str) -> String {
    s.replace('$', "$$")
}

/// Refuses NUL, which no argv item or environment value can carry.
pub fn check_no_nul(field: &str, s: &str) -> Result<(), Problem> {
    if s.contains('\0') {
        return Err(Problem::UnsafeArgument {
            field: field.to_string(),
            message: "contains a NUL character, which no command line can carry".into(),
        });
    }
    Ok(())
}

/// A value given to one of mcp-proxy's options: argparse must not take it
/// for an option.
fn check_option_value(field: &str, s: &str) -> Result<(), Problem> {
    check_no_nul(field, s)?;
    if s.is_empty() {
        return Err(Problem::UnsafeArgument {
            field: field.to_string(),
            message: "is empty".into(),
        });
    }
    if s.starts_with('-') {
        return Err(Problem::UnsafeArgument {
            field: field.to_string(),
            message: format!(
                "{s:?} starts with `-`: mcp-proxy's argument parser would read it as an option"
            ),
        });
    }
    Ok(())
}

/// The argv of the chart-rendered server container, split from the chart's
/// setup-step wrapper when it has one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderedArgv {
    /// `command` followed by `args`, in Kubernetes form; `None` when the
    /// container has no `command` (the image's entrypoint runs).
    pub argv: Option<Vec<String>>,
    /// The chart's setup steps (`node.preStart`, `python.preStart`, pip), as
    /// the script text between `set -e` and `exec "$$@"`, in Kubernetes form.
    pub steps: Option<String>,
    /// Why there is no argv, when the container had `args` but no `command`.
    pub note: Option<String>,
}

const WRAPPER_HEAD: &str = "set -e\n";
const WRAPPER_TAIL: &str = "\nexec \"$$@\"";

fn items(container: &Map<String, Value>, key: &str, who: &str) -> Result<Vec<String>, Problem> {
    match container.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(Problem::Shape {
                    message: format!(
                        "container {who:?} {key}[{i}] is not a string (found {})",
                        match other {
                            Value::Null => "null",
                            Value::Array(_) => "a list",
                            _ => "a map",
                        }
                    ),
                }),
            })
            .collect(),
        Some(_) => Err(Problem::Shape {
            message: format!("container {who:?} {key} is not a list"),
        }),
    }
}

/// Reads the server container's argv.
pub fn rendered_argv(container: &Map<String, Value>, who: &str) -> Result<RenderedArgv, Problem> {
    let command = items(container, "command", who)?;
    let args = items(container, "args", who)?;
    let wrapped = command.len() >= 4
        && command[0] == "sh"
        && command[1] == "-c"
        && command[2].starts_with(WRAPPER_HEAD)
        && command[2].ends_with(WRAPPER_TAIL)
        && command[2].len() >= WRAPPER_HEAD.len() + WRAPPER_TAIL.len()
        && command[3] == "sh";
    if wrapped {
        let script = &command[2];
        let steps = &script[WRAPPER_HEAD.len()..script.len() - WRAPPER_TAIL.len()];
        // The chart ends its steps with a blank line (see `gateway::build`).
        let steps = steps.strip_suffix('\n').unwrap_or(steps).to_string();
        let argv: Vec<String> = command[4..].iter().chain(args.iter()).cloned().collect();
        return Ok(RenderedArgv {
            argv: (!argv.is_empty()).then_some(argv),
            steps: (!steps.is_empty()).then_some(steps),
            note: None,
        });
    }
    if command.is_empty() {
        let note = (!args.is_empty()).then(|| {
            format!(
                "container {who:?} has args but no command (the image's entrypoint runs): \
                 the gateway cannot know that entrypoint, so it has no default server from it; \
                 set transport.stdioGateway.server.command"
            )
        });
        return Ok(RenderedArgv {
            argv: None,
            steps: None,
            note,
        });
    }
    Ok(RenderedArgv {
        argv: Some(command.into_iter().chain(args).collect()),
        steps: None,
        note: None,
    })
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
}

/// Chooses the default server: `server.command`/`args`, else the rendered argv.
pub fn default_server(
    gateway: &StdioGateway,
    rendered: &RenderedArgv,
    who: &str,
) -> Result<Option<DefaultServer>, Problem> {
    let server = &gateway.server;
    let chosen = if !server.command.is_empty() {
        let field = "transport.stdioGateway.server";
        check_no_nul(&format!("{field}.command"), &server.command)?;
        for (i, arg) in server.args.iter().enumerate() {
            check_no_nul(&format!("{field}.args[{i}]"), arg)?;
        }
        DefaultServer {
            argv: std::iter::once(&server.command)
                .chain(server.args.iter())
                .map(|s| k8s_literal(s))
                .collect(),
            source: "transport.stdioGateway.server".into(),
            rendered: false,
        }
    } else if let Some(argv) = &rendered.argv {
        for (i, item) in argv.iter().enumerate() {
            check_no_nul(&format!("container {who:?} argv[{i}]"), item)?;
        }
        DefaultServer {
            argv: argv.clone(),
            source: format!("the command of container {who:?}"),
            rendered: true,
        }
    } else {
        return Ok(None);
    };
    let command = chosen.argv.first().map(String::as_str).unwrap_or_default();
    if command.trim().is_empty() {
        return Err(Problem::Gateway {
            message: format!(
                "the default server's command (from {}) is empty",
                chosen.source
            ),
        });
    }
    if command.starts_with("http://") || command.starts_with("https://") {
        return Err(Problem::Gateway {
            message: format!(
                "the default server's command {command:?} (from {}) is a URL: mcp-proxy would \
                 connect to it as a remote server instead of serving a stdio server",
                chosen.source
            ),
        });
    }
    if let Some(i) = chosen.argv.iter().skip(1).position(|a| a == "--") {
        return Err(Problem::UnsafeArgument {
            field: format!("default server argument {} (from {})", i + 1, chosen.source),
            message: "a bare `--` among the default server's arguments is dropped by mcp-proxy's \
                      argument parser (Python argparse); run this server as a named server, \
                      whose arguments servers.json passes verbatim"
                .into(),
        });
    }
    Ok(Some(chosen))
}

/// mcp-proxy's own options, in Kubernetes form, before `--` and the default server.
pub fn proxy_args(gateway: &StdioGateway, named_servers: bool) -> Result<Vec<String>, Problem> {
    let field = "transport.stdioGateway";
    if !(1..=65535).contains(&gateway.port) {
        return Err(Problem::UnsafeArgument {
            field: format!("{field}.port"),
            message: format!("{} is not a port number (1-65535)", gateway.port),
        });
    }
    check_option_value(&format!("{field}.host"), &gateway.host)?;
    let mut args = vec![
        "--host".to_string(),
        k8s_literal(&gateway.host),
        "--port".to_string(),
        gateway.port.to_string(),
        if gateway.pass_environment {
            "--pass-environment".to_string()
        } else {
            "--no-pass-environment".to_string()
        },
    ];
    if !gateway.allow_origins.is_empty() {
        args.push("--allow-origin".into());
        for (i, origin) in gateway.allow_origins.iter().enumerate() {
            check_option_value(&format!("{field}.allowOrigins[{i}]"), origin)?;
            args.push(k8s_literal(origin));
        }
    }
    let cwd = if gateway.server.cwd.is_empty() {
        (&gateway.cwd, "cwd")
    } else {
        (&gateway.server.cwd, "server.cwd")
    };
    if !cwd.0.is_empty() {
        check_option_value(&format!("{field}.{}", cwd.1), cwd.0)?;
        args.push("--cwd".into());
        args.push(k8s_literal(cwd.0));
    }
    let env = env_map(&gateway.server.env, &format!("{field}.server.env"))?;
    for (name, value) in &env {
        let at = format!("{field}.server.env {name}");
        check_env_name(&at, name)?;
        check_option_value(&at, name)?;
        check_no_nul(&at, value)?;
        if value.starts_with('-') {
            return Err(Problem::UnsafeArgument {
                field: at,
                message: format!(
                    "the value {value:?} starts with `-`: mcp-proxy's `-e NAME VALUE` would read it \
                     as an option; set it in the container's env (transport.stdioGateway.env, \
                     with passEnvironment) or on a named server instead"
                ),
            });
        }
        args.push("-e".into());
        args.push(k8s_literal(name));
        args.push(k8s_literal(value));
    }
    if named_servers {
        args.push("--named-server-config".into());
        args.push(SERVERS_FILE.into());
    }
    Ok(args)
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
    fn dollars_are_doubled_for_kubernetes() {
        assert_eq!(k8s_literal("$(whoami) $HOME $$"), "$$(whoami) $$HOME $$$$");
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
        let args = proxy_args(&gw, true).expect("valid");
        assert_eq!(
            args,
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
    fn values_argparse_would_misread_are_refused() {
        let gw = StdioGateway {
            allow_origins: vec!["-x".into()],
            ..StdioGateway::default()
        };
        assert!(proxy_args(&gw, false).is_err());
        let mut gw = StdioGateway::default();
        gw.server.env.push(crate::model::ServerEnvVar {
            name: "JAVA_OPTS".into(),
            value: json!("-Xmx1g"),
        });
        assert!(proxy_args(&gw, false).is_err());
        let mut gw = StdioGateway::default();
        gw.server.command = "srv".into();
        gw.server.args = vec!["a".into(), "--".into(), "b".into()];
        assert!(default_server(&gw, &RenderedArgv::default(), "x").is_err());
        gw.server.command = "https://example.com/sse".into();
        gw.server.args.clear();
        assert!(default_server(&gw, &RenderedArgv::default(), "x").is_err());
    }
}
