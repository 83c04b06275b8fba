//! Every diagnostic code, its severity and what it means: the single list the
//! validator, the CLI's `--ignore` and the documentation table agree on.

use super::diagnostic::Severity;

/// One diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The stable code.
    pub code: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// Whether it is about unreadable input (which `--ignore` cannot silence).
    pub input: bool,
    /// One line: when it fires.
    pub summary: &'static str,
}

const fn rule(code: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        code,
        severity,
        input: false,
        summary,
    }
}

const fn input(code: &'static str, summary: &'static str) -> Rule {
    Rule {
        code,
        severity: Severity::Error,
        input: true,
        summary,
    }
}

use Severity::{Error, Warning};

/// All codes, in documentation order.
pub const RULES: &[Rule] = &[
    input("not-utf8", "a values file is not UTF-8"),
    input("yaml-syntax", "a values file is not valid YAML"),
    input(
        "yaml-limit",
        "a values file exceeds a size, nesting or alias limit",
    ),
    input("values-not-a-map", "a values file's top level is not a map"),
    input(
        "values-is-manifest",
        "a Kubernetes manifest was given as a values file",
    ),
    input("set-syntax", "a `--set` argument does not parse"),
    rule(
        "values-multi-document",
        Warning,
        "a values file with several YAML documents (Helm 3 and Helm 4 read it differently)",
    ),
    rule("schema-type", Error, "a value has the wrong type"),
    rule(
        "schema-enum",
        Error,
        "a value is not one of the allowed choices",
    ),
    rule(
        "schema-range",
        Error,
        "a number is out of its allowed range",
    ),
    rule("schema-required", Error, "a required key is missing"),
    rule("schema-invalid", Error, "any other schema violation"),
    rule("unknown-key", Error, "a key the chart does not know (typo)"),
    rule(
        "mode-package-missing",
        Error,
        "`mode` is node or python without its package",
    ),
    rule(
        "gateway-needs-stdio",
        Error,
        "stdio gateway enabled but `transport.type` is not stdio",
    ),
    rule(
        "stdio-needs-gateway",
        Error,
        "`transport.type: stdio` without the stdio gateway",
    ),
    rule(
        "gateway-post-renderer",
        Warning,
        "the stdio gateway needs `--post-renderer mcp-chart`",
    ),
    rule(
        "gateway-default-unrunnable",
        Error,
        "the gateway's default server is npx/uvx but the stock gateway image has neither",
    ),
    rule(
        "gateway-server-unrunnable",
        Error,
        "a named server runs npx/uvx (or node/uv) but the stock gateway image has neither",
    ),
    rule(
        "chart-map-deleted",
        Error,
        "a `null` deletes a map of chart defaults that the chart's templates read",
    ),
    rule(
        "gateway-nothing-to-serve",
        Error,
        "the stdio gateway has no default server and no enabled named server",
    ),
    rule(
        "gateway-argument",
        Error,
        "a value mcp-proxy's command line cannot carry (argparse would misread it, NUL, a URL as command)",
    ),
    rule(
        "env-name-invalid",
        Error,
        "a spawned server's environment variable name is empty or contains `=`",
    ),
    rule(
        "server-name-invalid",
        Error,
        "a server name is not a URL path segment",
    ),
    rule(
        "server-name-duplicate",
        Warning,
        "two server names that clash",
    ),
    rule(
        "server-command-missing",
        Error,
        "an enabled named server without a command",
    ),
    rule(
        "named-servers-json-invalid",
        Error,
        "`namedServersJson` is not JSON",
    ),
    rule(
        "named-servers-json-shape",
        Error,
        "`namedServersJson` is not mcp-proxy's format",
    ),
    rule(
        "named-servers-json-overrides",
        Warning,
        "both `servers` and `namedServersJson` are set (the JSON wins)",
    ),
    rule(
        "cors-any-origin",
        Warning,
        "the gateway allows any CORS origin",
    ),
    rule(
        "secret-literal-env",
        Warning,
        "a secret-looking env variable has a literal value",
    ),
    rule("port-range", Error, "a port is outside 1-65535"),
    rule(
        "port-collision",
        Error,
        "two things in one pod listen on the same port",
    ),
    rule(
        "port-mismatch",
        Warning,
        "the server or a probe uses a port the Service does not reach",
    ),
    rule(
        "httproute-backend-exceeds-request",
        Error,
        "an HTTPRoute rule's `backendRequest` timeout is longer than `request`",
    ),
    rule(
        "httproute-duration-format",
        Error,
        "an HTTPRoute timeout is not a Gateway API duration",
    ),
    rule(
        "ingress-annotation-unknown",
        Warning,
        "an Ingress annotation the chosen controller does not have",
    ),
    rule(
        "sse-replicas",
        Warning,
        "several replicas with SSE or stdio-gateway sessions",
    ),
    rule(
        "yaml11-bool",
        Warning,
        "`yes`/`no`/`on`/`off`/`y`/`n` read as a boolean",
    ),
    rule("yaml-octal", Warning, "a leading-zero number read as octal"),
    rule(
        "duplicate-key",
        Warning,
        "a key written twice in one map (the last one wins)",
    ),
];

/// The rule with code `code`.
pub fn rule_for(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The severity of `code` (error for codes not in the table).
pub(crate) fn severity_of(code: &str) -> Severity {
    #[cfg(test)]
    assert!(rule_for(code).is_some(), "`{code}` is not in RULES");
    rule_for(code).map_or(Severity::Error, |r| r.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                r.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.code
            );
            assert!(
                RULES[i + 1..].iter().all(|o| o.code != r.code),
                "{}",
                r.code
            );
        }
    }
}
