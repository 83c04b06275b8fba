//! The gateway builder's problems as diagnostics. The validator runs
//! [`crate::gateway::build`], the function the post-renderer runs, on the
//! typed model and on the server container the chart renders
//! ([`crate::chart::server_container`]), and locates each problem through the
//! merge's provenance: so what `validate` accepts, the post-renderer builds.
//! Codes: `gateway-argument`, `gateway-nothing-to-serve`, `env-name-invalid`,
//! `server-name-invalid`, `server-command-missing`,
//! `named-servers-json-invalid`, `named-servers-json-shape`.

use super::servers::{json_diag, NamedServers, JSON};
use crate::gateway::argv::rendered_argv;
use crate::gateway::{build, named_server_problems, GatewayProblem};
use crate::model::{Transport, TransportType};
use crate::validate::context::Ctx;
use crate::validate::diagnostic::{Diagnostic, Severity};
use crate::validate::scalar_pos::{line_col, locate_in_scalar};
use crate::validate::Code;

/// Where the chart's server argv comes from, most specific first.
const ARGV_VALUES: &[&str] = &[
    "/container/command",
    "/container/args",
    "/image/command",
    "/image/args",
    "/node/args",
    "/python/args",
    "/mode",
];

pub(crate) fn check(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    // Values that are not the model's shape are schema errors already.
    let transport: Transport = match ctx.get("/transport") {
        None => Transport::default(),
        Some(v) => match serde_json::from_value(v.clone()) {
            Ok(t) => t,
            Err(_) => return,
        },
    };
    let gateway = &transport.stdio_gateway;
    let active = gateway.enabled && transport.kind == TransportType::Stdio;
    let rendered = active
        .then(|| crate::chart::server_container(ctx.values).ok())
        .flatten()
        .and_then(|container| rendered_argv(&container, "mcp-server").ok());
    let problems = match rendered {
        Some(rendered) => build(gateway, &rendered).err().unwrap_or_default(),
        None => named_server_problems(gateway),
    };
    // A value the schema already flags needs no second error.
    let flagged: Vec<String> = out
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.path.clone())
        .collect();
    for problem in problems {
        if !problem.pointer.is_empty() && flagged.contains(&problem.pointer) {
            continue;
        }
        out.push(diagnostic(ctx, servers, &problem));
    }
}

fn diagnostic(ctx: &Ctx<'_>, servers: &NamedServers, p: &GatewayProblem) -> Diagnostic {
    let message = p.message.clone();
    let d = match p.json_offset {
        // A parse error: the place, with nothing to underline.
        Some(offset) if p.code == Code::NamedServersJsonInvalid => {
            let (line, column) = line_col(&servers.json_text, offset);
            ctx.diag_in(p.code, JSON, message, |text, origin| {
                (locate_in_scalar(text, origin.value, line, column), None)
            })
        }
        Some(offset) => json_diag(ctx, p.code, message, &servers.json_text, offset),
        None if p.pointer.is_empty() => ctx.diag(p.code, ctx.user_first(ARGV_VALUES), message),
        None if p.key => ctx.diag_key(p.code, &p.pointer, message),
        None => ctx.diag(p.code, &p.pointer, message),
    };
    match &p.help {
        Some(help) => d.with_help(help.clone()),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    const GW: &str = "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n";

    #[test]
    fn nothing_to_serve_is_an_error_at_enabled() {
        let r = run(&format!("mode: image\n{GW}"));
        assert_eq!(at(&r, Code::GatewayNothingToServe), ["5:14"]);
        assert!(!r.valid);
    }

    #[test]
    fn origins_and_env_names_argparse_or_a_process_cannot_take() {
        let r = run(&format!(
            "{GW}    allowOrigins: [\"-evil\"]\n    server:\n      command: srv\n      env:\n        - name: A=B\n          value: x\n"
        ));
        assert_eq!(at(&r, Code::GatewayArgument), ["5:20"]);
        assert_eq!(at(&r, Code::EnvNameInvalid), ["9:17"]);
    }

    #[test]
    fn what_now_works_is_accepted() {
        let r = run(&format!(
            "{GW}    allowOrigins: []\n    server:\n      command: java\n      args: [a, --, b]\n      env:\n        - name: JAVA_TOOL_OPTIONS\n          value: -Xmx512m\n"
        ));
        assert!(r.valid, "{:?}", r.diagnostics);
    }
}
