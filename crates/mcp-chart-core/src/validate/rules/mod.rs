//! Semantic rules: what the schema cannot express. Each rule reads the merged
//! values and reports located diagnostics through [`Ctx`].

mod build;
mod env;
mod gateway;
mod ingress;
mod modes;
mod ports;
mod routes;
mod scaling;
mod servers;

use super::context::Ctx;
use super::diagnostic::Diagnostic;

/// Runs every semantic rule.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let servers = servers::NamedServers::read(ctx);
    modes::check(ctx, out);
    gateway::check(ctx, &servers, out);
    build::check(ctx, &servers, out);
    servers::check(ctx, &servers, out);
    env::check(ctx, &servers, out);
    ports::check(ctx, &servers, out);
    routes::check(ctx, out);
    ingress::check(ctx, out);
    scaling::check(ctx, out);
}

/// Whether the stdio gateway is on (enabled, whatever the transport type).
pub(crate) fn gateway_enabled(ctx: &Ctx<'_>) -> bool {
    ctx.flag("/transport/stdioGateway/enabled")
}

/// `transport.type`, `http-sse` when unset.
pub(crate) fn transport_type<'a>(ctx: &Ctx<'a>) -> &'a str {
    ctx.str("/transport/type")
        .unwrap_or(crate::model::TransportType::default().as_str())
}

/// `mode`, the model's default when unset.
pub(crate) fn mode<'a>(ctx: &Ctx<'a>) -> &'a str {
    ctx.str("/mode")
        .unwrap_or(crate::model::Mode::default().as_str())
}

/// The strings of the list at `pointer` (other items skipped).
pub(crate) fn strings<'a>(ctx: &Ctx<'a>, pointer: &str) -> Vec<&'a str> {
    ctx.items(pointer)
        .iter()
        .filter_map(|v| v.as_str())
        .collect()
}

/// Whether a string is empty or only whitespace.
pub(crate) fn blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::validate::{validate, Code, Diagnostic, Report};
    use crate::values::ValuesSource;

    /// Validates one values file named `values.yaml`.
    pub fn run(text: &str) -> Report {
        validate(
            &[ValuesSource {
                name: "values.yaml",
                text,
            }],
            &[],
        )
    }

    /// The diagnostics with `code`, as `line:column`.
    pub fn at(report: &Report, code: Code) -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| format!("{}:{}", d.line.unwrap_or(0), d.column.unwrap_or(0)))
            .collect()
    }

    /// The diagnostics with `code`.
    pub fn with_code(report: &Report, code: Code) -> Vec<&Diagnostic> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .collect()
    }
}
