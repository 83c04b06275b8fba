//! Every diagnostic code, its severity and what it means: the single list the
//! validator, the CLI's `--ignore` and the documentation table agree on.
//!
//! A new code is one line in the `rules!` table below: the enum variant, its
//! stable kebab-case name (serde's and the table's, held equal by a test), its
//! kind (`input` errors cannot be ignored) and its one-line summary.

use serde::{Deserialize, Serialize};

use super::diagnostic::Severity;

/// One diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The stable code.
    pub code: Code,
    /// Its severity.
    pub severity: Severity,
    /// Whether it is about unreadable input (which `--ignore` cannot silence).
    pub input: bool,
    /// One line: when it fires.
    pub summary: &'static str,
}

macro_rules! kind {
    (input) => {
        (Severity::Error, true)
    };
    (error) => {
        (Severity::Error, false)
    };
    (warning) => {
        (Severity::Warning, false)
    };
}

macro_rules! rules {
    ($($variant:ident = $code:literal, $kind:ident, $summary:literal;)*) => {
        /// A diagnostic's stable code (kebab-case in every output format; see
        /// docs/validation.md). Its severity is fixed by the code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        /// All codes, in documentation order (and in [`Code`]'s order).
        pub const RULES: &[Rule] = &[
            $(Rule {
                code: Code::$variant,
                severity: kind!($kind).0,
                input: kind!($kind).1,
                summary: $summary,
            },)*
        ];

        impl Code {
            /// The stable kebab-case name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// The code named `name` (as `--ignore` takes it).
            pub fn parse(name: &str) -> Option<Code> {
                match name {
                    $($code => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

rules! {
    NotUtf8 = "not-utf8", input, "a values file is not UTF-8";
    YamlSyntax = "yaml-syntax", input, "a values file is not valid YAML";
    YamlLimit = "yaml-limit", input, "a values file exceeds a size, nesting or alias limit";
    ValuesNotAMap = "values-not-a-map", input, "a values file's top level is not a map";
    ValuesIsManifest = "values-is-manifest", input, "a Kubernetes manifest was given as a values file";
    SetSyntax = "set-syntax", input, "a `--set` argument does not parse";
    ValuesMultiDocument = "values-multi-document", warning, "a values file with several YAML documents (Helm 3 and Helm 4 read it differently)";
    SchemaType = "schema-type", error, "a value has the wrong type";
    SchemaEnum = "schema-enum", error, "a value is not one of the allowed choices";
    SchemaRange = "schema-range", error, "a number is out of its allowed range";
    SchemaRequired = "schema-required", error, "a required key is missing";
    SchemaInvalid = "schema-invalid", error, "any other schema violation";
    UnknownKey = "unknown-key", error, "a key the chart does not know (typo)";
    ModePackageMissing = "mode-package-missing", error, "`mode` is node or python without its package";
    GatewayNeedsStdio = "gateway-needs-stdio", error, "stdio gateway enabled but `transport.type` is not stdio";
    StdioNeedsGateway = "stdio-needs-gateway", error, "`transport.type: stdio` without the stdio gateway";
    GatewayPostRenderer = "gateway-post-renderer", warning, "the stdio gateway needs `--post-renderer mcp-chart`";
    GatewayDefaultUnrunnable = "gateway-default-unrunnable", error, "the gateway's default server is npx/uvx but the stock gateway image has neither";
    GatewayServerUnrunnable = "gateway-server-unrunnable", error, "a named server runs npx/uvx (or node/uv) but the stock gateway image has neither";
    ChartMapDeleted = "chart-map-deleted", error, "a `null` deletes a map of chart defaults that the chart's templates read";
    GatewayNothingToServe = "gateway-nothing-to-serve", error, "the stdio gateway has no default server and no enabled named server";
    GatewayArgument = "gateway-argument", error, "a value mcp-proxy's command line cannot carry (argparse would misread it, NUL, a URL as command)";
    EnvNameInvalid = "env-name-invalid", error, "a spawned server's environment variable name is empty or contains `=`";
    ServerNameInvalid = "server-name-invalid", error, "a server name is not a URL path segment";
    ServerNameDuplicate = "server-name-duplicate", warning, "two server names that clash";
    ServerCommandMissing = "server-command-missing", error, "an enabled named server without a command";
    NamedServersJsonInvalid = "named-servers-json-invalid", error, "`namedServersJson` is not JSON";
    NamedServersJsonShape = "named-servers-json-shape", error, "`namedServersJson` is not mcp-proxy's format";
    NamedServersJsonOverrides = "named-servers-json-overrides", warning, "both `servers` and `namedServersJson` are set (the JSON wins)";
    CorsAnyOrigin = "cors-any-origin", warning, "the gateway allows any CORS origin";
    SecretLiteralEnv = "secret-literal-env", warning, "a secret-looking env variable has a literal value";
    PortRange = "port-range", error, "a port is outside 1-65535";
    PortCollision = "port-collision", error, "two things in one pod listen on the same port";
    PortMismatch = "port-mismatch", warning, "the server or a probe uses a port the Service does not reach";
    HttprouteBackendExceedsRequest = "httproute-backend-exceeds-request", error, "an HTTPRoute rule's `backendRequest` timeout is longer than `request`";
    HttprouteDurationFormat = "httproute-duration-format", error, "an HTTPRoute timeout is not a Gateway API duration";
    IngressAnnotationUnknown = "ingress-annotation-unknown", warning, "an Ingress annotation the chosen controller does not have";
    SseReplicas = "sse-replicas", warning, "several replicas with SSE or stdio-gateway sessions";
    Yaml11Bool = "yaml11-bool", warning, "`yes`/`no`/`on`/`off`/`y`/`n` read as a boolean";
    YamlOctal = "yaml-octal", warning, "a leading-zero number read as octal";
    DuplicateKey = "duplicate-key", warning, "a key written twice in one map (the last one wins)";
}

impl Code {
    /// Its row of [`RULES`].
    pub const fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// Its severity.
    pub const fn severity(self) -> Severity {
        self.rule().severity
    }

    /// Whether it reports unreadable input (which `--ignore` cannot silence).
    pub const fn is_input(self) -> bool {
        self.rule().input
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By name: diagnostics at one place are listed in the codes' alphabetical
/// order (as when codes were strings), whatever the table's order.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// The rule with code `code`.
pub fn rule_for(code: &str) -> Option<&'static Rule> {
    Code::parse(code).map(Code::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_code_and_names_are_serde_kebab_case() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.code as usize, i, "{}", r.code);
            let name = r.code.as_str();
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name}"
            );
            assert_eq!(
                serde_json::to_string(&r.code).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(
                serde_json::from_str::<Code>(&format!("\"{name}\"")).unwrap(),
                r.code
            );
            assert_eq!(Code::parse(name), Some(r.code));
        }
        assert_eq!(Code::parse("no-such-code"), None);
        assert!(serde_json::from_str::<Code>("\"no-such-code\"").is_err());
    }
}
