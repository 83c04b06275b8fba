//! Ports: `port-range` (probe ports and `--port` arguments; the schema covers
//! the chart's own port keys), `port-collision` (a server spawned by the gateway
//! told to listen on the gateway's port) and `port-mismatch` (the server or a
//! probe using a port the Service or the kubelet does not reach).

use crate::validate::Code;
use serde_json::Value;

use super::servers::NamedServers;
use super::{gateway_enabled, transport_type};
use crate::validate::context::{display_path, Ctx};
use crate::validate::diagnostic::Diagnostic;

const PROBES: &[&str] = &["/livenessProbe", "/readinessProbe"];
const PROBE_KINDS: &[&str] = &["httpGet", "tcpSocket", "grpc"];

/// A `--port N` (or `--port=N`) found in an argument list.
struct PortArg {
    port: i64,
    /// Pointer of the list item that holds the number.
    pointer: Option<String>,
}

/// `--port` values in `args` (the list at `pointer`, when it is one).
fn port_args(args: &[String], pointer: Option<&str>) -> Vec<PortArg> {
    let mut found = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let (text, at) = if let Some(v) = arg.strip_prefix("--port=") {
            (Some(v), i)
        } else if arg == "--port" {
            (args.get(i + 1).map(String::as_str), i + 1)
        } else {
            (None, i)
        };
        if let Some(port) = text.and_then(|t| t.trim().parse::<i64>().ok()) {
            found.push(PortArg {
                port,
                pointer: pointer.map(|p| format!("{p}/{at}")),
            });
        }
    }
    found
}

fn string_list(ctx: &Ctx<'_>, pointer: &str) -> Vec<String> {
    ctx.items(pointer)
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The argument list the chart renders for the server container, and its pointer.
fn container_args(ctx: &Ctx<'_>) -> (Vec<String>, &'static str) {
    let own = string_list(ctx, "/container/args");
    if !own.is_empty() {
        return (own, "/container/args");
    }
    let pointer = match super::mode(ctx) {
        "node" => "/node/args",
        "python" => "/python/args",
        _ => "/image/args",
    };
    (string_list(ctx, pointer), pointer)
}

pub(crate) fn check(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    let gateway = gateway_enabled(ctx) && transport_type(ctx) == "stdio";
    let gateway_port = ctx
        .int("/transport/stdioGateway/port")
        .unwrap_or(crate::model::StdioGateway::default().port);
    let container_port = ctx
        .int("/container/port")
        .unwrap_or(crate::model::Container::default().port);
    let serving = if gateway {
        gateway_port
    } else {
        container_port
    };

    // The server's own arguments.
    let (args, args_pointer) = if gateway
        && ctx
            .str("/transport/stdioGateway/server/command")
            .is_some_and(|c| !c.trim().is_empty())
    {
        (
            string_list(ctx, "/transport/stdioGateway/server/args"),
            "/transport/stdioGateway/server/args",
        )
    } else {
        container_args(ctx)
    };
    let mut spawned: Vec<(PortArg, String)> = Vec::new();
    for arg in port_args(&args, Some(args_pointer)) {
        let at = arg.pointer.clone().unwrap_or_default();
        if !(1..=65535).contains(&arg.port) {
            out.push(range(ctx, &at, arg.port));
        } else if gateway {
            spawned.push((arg, "the default server".to_string()));
        } else if arg.port != container_port {
            out.push(
                ctx.diag(
                    Code::PortMismatch,
                    &at,
                    format!(
                        "the server is told to listen on port {} but `container.port` is {container_port}: the Service sends traffic to {container_port}",
                        arg.port
                    ),
                )
                .with_help(format!("set `container.port: {}`, or change the argument", arg.port)),
            );
        }
    }
    if gateway {
        for server in servers.effective.iter().filter(|s| s.enabled) {
            let pointer = server.pointer.as_ref().map(|p| format!("{p}/args"));
            for arg in port_args(&server.args, pointer.as_deref()) {
                spawned.push((arg, format!("server `{}`", server.name)));
            }
        }
        for (arg, who) in spawned {
            if arg.port == gateway_port {
                let message = format!(
                    "{who} is told to listen on port {gateway_port}, the gateway's own port (`transport.stdioGateway.port`)"
                );
                let d = match &arg.pointer {
                    Some(p) => ctx.diag(Code::PortCollision, p, message),
                    None => ctx.diag(Code::PortCollision, super::servers::JSON, message),
                };
                out.push(d.with_help(
                    "give the server another port, or change `transport.stdioGateway.port`",
                ));
            }
        }
    }

    // Probes.
    for probe in PROBES {
        for kind in PROBE_KINDS {
            let pointer = format!("{probe}/{kind}/port");
            match ctx.get(&pointer) {
                Some(Value::Number(n)) => {
                    let port = n.as_i64().unwrap_or(-1);
                    if !(1..=65535).contains(&port) {
                        out.push(range(ctx, &pointer, port));
                    } else if port != serving {
                        let owner = if gateway {
                            "the gateway listens on (`transport.stdioGateway.port`)"
                        } else {
                            "the server listens on (`container.port`)"
                        };
                        out.push(
                            ctx.diag(
                                Code::PortMismatch,
                                &pointer,
                                format!(
                                    "`{}` is {port}, but the port {owner} is {serving}: the probe will fail",
                                    display_path(ctx.values, &pointer)
                                ),
                            )
                            .with_help("use `port: http`, the name of the serving port, so the probe follows it"),
                        );
                    }
                }
                Some(Value::String(name)) if name != "http" && name.parse::<i64>().is_err() => {
                    out.push(
                        ctx.diag(
                            Code::PortMismatch,
                            &pointer,
                            format!(
                                "`{}` names the port `{name}`, but the only named port of the pod is `http`",
                                display_path(ctx.values, &pointer)
                            ),
                        )
                        .with_help("use `port: http`"),
                    );
                }
                _ => {}
            }
        }
    }
}

fn range(ctx: &Ctx<'_>, pointer: &str, port: i64) -> Diagnostic {
    ctx.diag(
        Code::PortRange,
        pointer,
        format!("port {port} is outside the range 1-65535"),
    )
    .with_help("ports are numbers from 1 to 65535")
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    #[test]
    fn schema_ports_out_of_range_use_port_range() {
        let r = run("service:\n  port: 70000\n");
        assert_eq!(at(&r, Code::PortRange), ["2:9"]);
        assert!(at(&r, Code::SchemaRange).is_empty());
    }

    #[test]
    fn server_port_argument_must_match_the_container_port() {
        let r = run("mode: node\nnode:\n  package: x\n  args: [--port, \"8080\"]\n");
        assert_eq!(at(&r, Code::PortMismatch), ["4:18"]);
        let r = run("mode: node\nnode:\n  package: x\n  args: [--port=3000]\n");
        assert!(at(&r, Code::PortMismatch).is_empty());
        let r = run("mode: node\nnode:\n  package: x\n  args: [--port=99999]\n");
        assert_eq!(at(&r, Code::PortRange), ["4:10"]);
    }

    #[test]
    fn spawned_server_on_the_gateway_port_collides() {
        let r = run(
            "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    server:\n      command: srv\n      args: [--port, \"8096\"]\n",
        );
        assert_eq!(at(&r, Code::PortCollision), ["7:22"]);
        assert!(!r.valid);
    }

    #[test]
    fn probes_must_hit_the_serving_port() {
        let r = run("livenessProbe:\n  httpGet:\n    path: /\n    port: 8080\nreadinessProbe:\n  tcpSocket:\n    port: web\n");
        assert_eq!(at(&r, Code::PortMismatch), ["4:11", "7:11"]);
        let r = run("livenessProbe:\n  httpGet:\n    path: /\n    port: http\n");
        assert!(at(&r, Code::PortMismatch).is_empty());
    }
}
