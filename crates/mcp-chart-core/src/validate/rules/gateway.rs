//! The stdio gateway: `gateway-needs-stdio`, `stdio-needs-gateway`,
//! `gateway-post-renderer`, `gateway-default-unrunnable`,
//! `gateway-server-unrunnable`, `cors-any-origin`.

use super::servers::NamedServers;
use super::{blank, gateway_enabled, strings, transport_type};
use crate::validate::context::Ctx;
use crate::validate::diagnostic::Diagnostic;
use crate::validate::Code;

const ENABLED: &str = "/transport/stdioGateway/enabled";
const TYPE: &str = "/transport/type";
const IMAGE: &str = "/transport/stdioGateway/image";

/// The repository of the gateway image the model defaults to: Python and
/// mcp-proxy, no node, no uv.
fn stock_image() -> String {
    repository(&crate::model::StdioGateway::default().image).to_string()
}

/// `repo` of `repo:tag` or `repo@digest`.
fn repository(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    match without_digest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => without_digest,
    }
}

const NODE_TOOLS: &[&str] = &["npx", "node", "npm", "pnpm", "yarn"];
const UV_TOOLS: &[&str] = &["uvx", "uv"];

pub(crate) fn check(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    let enabled = gateway_enabled(ctx);
    let kind = transport_type(ctx);
    if enabled && kind != "stdio" {
        out.push(
            ctx.diag(
                Code::GatewayNeedsStdio,
                ENABLED,
                format!(
                    "the stdio gateway is enabled but `transport.type` is `{kind}`: the gateway is only added for `stdio`"
                ),
            )
            .with_help("set `transport.type: stdio`, or turn the gateway off"),
        );
    }
    if kind == "stdio" && !enabled {
        out.push(
            ctx.diag(
                Code::StdioNeedsGateway,
                TYPE,
                "`transport.type` is stdio but the stdio gateway is off: nothing in the pod can be reached over the network",
            )
            .with_help(
                "set `transport.stdioGateway.enabled: true` (it serves stdio servers over SSE and streamable HTTP), or use `http-sse`/`websocket` for a server that listens on a port",
            ),
        );
    }
    if !(enabled && kind == "stdio") {
        return;
    }
    out.push(
        ctx.diag(
            Code::GatewayPostRenderer,
            ENABLED,
            "the stdio gateway is added by the mcp-chart post-renderer, not by the chart's templates",
        )
        .with_help(
            "install with `--post-renderer mcp-chart` (Helm 3: also `--post-renderer-args post-render`); without it nothing listens on the Service's port",
        ),
    );
    for (i, origin) in ctx
        .items("/transport/stdioGateway/allowOrigins")
        .iter()
        .enumerate()
    {
        if origin.as_str() == Some("*") {
            out.push(
                ctx.diag(
                    Code::CorsAnyOrigin,
                    &format!("/transport/stdioGateway/allowOrigins/{i}"),
                    "the gateway accepts cross-origin requests from any web page (`allowOrigins: [\"*\"]`)",
                )
                .with_help(
                    "list the origins of your browser-based MCP clients, such as `allowOrigins: [\"https://app.example.com\"]`, or `[]` if none needs it",
                ),
            );
        }
    }
    unrunnable(ctx, servers, out);
}

/// `ghcr.io/sparfenyuk/mcp-proxy:latest` → true; other images → false.
pub(crate) fn is_stock_image(image: &str) -> bool {
    repository(image) == stock_image()
}

/// Which tool an executable needs installed: `node` or `uv`.
fn tool_family(command: &str) -> Option<(&'static str, &'static str)> {
    let base = command.rsplit('/').next().unwrap_or(command);
    if NODE_TOOLS.contains(&base) {
        Some(("node", "`apk add --no-cache nodejs npm`"))
    } else if UV_TOOLS.contains(&base) {
        Some(("uv", "`pip install --no-cache-dir uv`"))
    } else {
        None
    }
}

/// Whether one of `steps` mentions installing the `family` tool.
fn installs(steps: &[&str], family: &str) -> bool {
    let words: &[&str] = if family == "node" {
        &["node", "nodejs", "npm", "npx"]
    } else {
        &["uv", "uvx"]
    };
    steps.iter().any(|step| {
        step.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| words.iter().any(|t| w.eq_ignore_ascii_case(t)))
    })
}

fn unrunnable(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    let image = ctx.str(IMAGE).unwrap_or_default();
    if !is_stock_image(image) {
        return;
    }
    let mode = super::mode(ctx);
    let gateway_steps = strings(ctx, "/transport/stdioGateway/preStart");
    // The default server: server.command, else what the chart renders for the
    // server container (container.command, else the mode's command).
    let server_command = ctx.str("/transport/stdioGateway/server/command");
    let container_command = strings(ctx, "/container/command");
    let (argv0, shown, pointer, mode_steps): (String, String, String, Vec<&str>) =
        if !blank(server_command) {
            let c = server_command.unwrap_or_default().trim().to_string();
            (
                c.clone(),
                c,
                "/transport/stdioGateway/server/command".into(),
                Vec::new(),
            )
        } else {
            let steps = match mode {
                "node" => strings(ctx, "/node/preStart"),
                "python" => strings(ctx, "/python/preStart"),
                _ => Vec::new(),
            };
            if let Some(first) = container_command.first() {
                (
                    first.to_string(),
                    container_command.join(" "),
                    "/container/command/0".into(),
                    steps,
                )
            } else {
                let (c, shown) = match mode {
                    "node" => (
                        "npx",
                        format!("npx -y {}", ctx.str("/node/package").unwrap_or_default()),
                    ),
                    "python" if !ctx.flag("/python/usePip") => (
                        "uvx",
                        format!("uvx {}", ctx.str("/python/package").unwrap_or_default()),
                    ),
                    _ => ("", String::new()),
                };
                let at = ctx.user_first(&["/mode", IMAGE, ENABLED]).to_string();
                (c.to_string(), shown.trim().to_string(), at, steps)
            }
        };
    if let Some((family, install)) = tool_family(&argv0) {
        let steps: Vec<&str> = gateway_steps
            .iter()
            .chain(mode_steps.iter())
            .copied()
            .collect();
        if !installs(&steps, family) {
            out.push(
                ctx.diag(
                    Code::GatewayDefaultUnrunnable,
                    &pointer,
                    format!(
                        "the gateway's default server runs `{shown}`, but the stock gateway image {} has no `{argv0}`",
                        stock_image()
                    ),
                )
                .with_help(format!(
                    "install {family} in `transport.stdioGateway.preStart` (for example {install}), set `transport.stdioGateway.server.command` to a command the image has, or use a gateway image that contains `{argv0}`"
                )),
            );
        }
    }
    for server in servers.effective.iter().filter(|s| s.enabled) {
        let Some((family, install)) = tool_family(server.command.trim()) else {
            continue;
        };
        if installs(&gateway_steps, family) {
            continue;
        }
        let argv0 = server.command.trim();
        out.push(
            servers
                .diag(
                    ctx,
                    Code::GatewayServerUnrunnable,
                    server,
                    format!(
                        "server `{}` runs `{argv0}`, but the stock gateway image {} has no `{argv0}`",
                        server.name,
                        stock_image()
                    ),
                )
                .with_help(format!(
                    "install {family} in `transport.stdioGateway.preStart` (for example {install}), or use a gateway image that contains `{argv0}`"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_stock_image;
    use crate::validate::rules::test_support::{at, run, with_code};
    use crate::validate::Code;

    #[test]
    fn enabled_gateway_needs_stdio_and_the_reverse() {
        let r = run("transport:\n  stdioGateway:\n    enabled: true\n");
        assert_eq!(at(&r, Code::GatewayNeedsStdio), ["3:14"]);
        let r = run("transport:\n  type: stdio\n");
        assert_eq!(at(&r, Code::StdioNeedsGateway), ["2:9"]);
    }

    #[test]
    fn stdio_gateway_reminds_of_the_post_renderer_and_any_origin() {
        let r = run("mode: image\ntransport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    server:\n      command: srv\n");
        assert_eq!(at(&r, Code::GatewayPostRenderer), ["5:14"]);
        // The default `["*"]` comes from the chart's values.yaml.
        let cors = with_code(&r, Code::CorsAnyOrigin);
        assert_eq!(cors.len(), 1);
        assert_eq!(
            cors[0].file.as_deref(),
            Some("charts/mcp-server/values.yaml")
        );
        assert!(r.valid);
    }

    #[test]
    fn stock_image_cannot_run_npx_or_uvx() {
        assert!(is_stock_image("ghcr.io/sparfenyuk/mcp-proxy:latest"));
        assert!(is_stock_image("ghcr.io/sparfenyuk/mcp-proxy@sha256:abc"));
        assert!(!is_stock_image("ghcr.io/me/mcp-proxy-node:1"));
        let base = "mode: python\npython:\n  package: mcp-server-time\ntransport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n";
        let r = run(base);
        assert_eq!(at(&r, Code::GatewayDefaultUnrunnable), ["1:7"]);
        let r = run(&format!("{base}    preStart: [pip install uv]\n"));
        assert!(at(&r, Code::GatewayDefaultUnrunnable).is_empty());
        let r = run(&format!(
            "{base}    server:\n      command: mcp-server-time\n"
        ));
        assert!(at(&r, Code::GatewayDefaultUnrunnable).is_empty());
        let r = run(&format!("{base}    image: my/gateway:1\n"));
        assert!(at(&r, Code::GatewayDefaultUnrunnable).is_empty());
        let r = run(&format!(
            "{base}    server:\n      command: mcp-server-time\n    servers:\n      fetch:\n        command: uvx\n        args: [mcp-server-fetch]\n"
        ));
        assert_eq!(at(&r, Code::GatewayServerUnrunnable), ["11:7"]);
    }
}
