//! `secret-literal-env`: a secret-looking variable with its value written in
//! the values file (and so in the release's stored manifest and in Git).

use crate::validate::Code;
use serde_json::Value;

use super::servers::NamedServers;
use crate::validate::context::Ctx;
use crate::validate::diagnostic::Diagnostic;

const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// Suffixes of names that hold where a secret is, not the secret.
const REFERENCE_SUFFIXES: &[&str] = &["_FILE", "_PATH", "_DIR", "_NAME", "_URL", "_ENDPOINT"];

/// Whether an environment variable name looks like it holds a secret.
pub(crate) fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    SECRET_WORDS.iter().any(|w| upper.contains(w))
        && !REFERENCE_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// A literal value worth warning about: not empty, not a `$(VAR)` reference.
fn literal(value: &Value) -> bool {
    match value {
        Value::String(s) => {
            let t = s.trim();
            !t.is_empty() && !t.starts_with("$(") && !t.starts_with("${")
        }
        Value::Number(_) => true,
        _ => false,
    }
}

const K8S_HELP: &str = "take it from a Secret: `valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}`, or `container.extraEnvFrom` with a `secretRef`";
const GATEWAY_HELP: &str = "put the secret in the gateway container's env with `valueFrom.secretKeyRef` (`transport.stdioGateway.env`); with `passEnvironment: true` the spawned servers inherit it";

pub(crate) fn check(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    // Kubernetes EnvVar lists.
    for list in ["/container/env", "/transport/stdioGateway/env"] {
        for (i, var) in ctx.items(list).iter().enumerate() {
            let (Some(name), Some(value)) =
                (var.get("name").and_then(Value::as_str), var.get("value"))
            else {
                continue;
            };
            if secret_name(name) && literal(value) {
                out.push(warn(ctx, &format!("{list}/{i}/value"), name).with_help(K8S_HELP));
            }
        }
    }
    // `{name, value}` lists of spawned servers.
    let mut server_lists = vec!["/transport/stdioGateway/server/env".to_string()];
    server_lists.extend(
        servers
            .yaml
            .iter()
            .filter_map(|s| s.pointer.as_ref().map(|p| format!("{p}/env"))),
    );
    for list in &server_lists {
        for (i, var) in ctx.items(list).iter().enumerate() {
            let (Some(name), Some(value)) =
                (var.get("name").and_then(Value::as_str), var.get("value"))
            else {
                continue;
            };
            if secret_name(name) && literal(value) {
                out.push(warn(ctx, &format!("{list}/{i}/value"), name).with_help(GATEWAY_HELP));
            }
        }
    }
    // `env` maps inside namedServersJson.
    for server in servers.json.iter().flatten() {
        for (name, value) in &server.env {
            if secret_name(name) && literal(value) {
                let message = format!(
                    "`{name}` of server `{}` in `namedServersJson` looks like a secret but is written as a literal value",
                    server.name
                );
                let d = match server.json_offset {
                    Some(o) => super::servers::json_diag(
                        ctx,
                        Code::SecretLiteralEnv,
                        message,
                        &servers.json_text,
                        env_offset(&servers.json_text, o, name).unwrap_or(o),
                    ),
                    None => ctx.diag(Code::SecretLiteralEnv, super::servers::JSON, message),
                };
                out.push(d.with_help(GATEWAY_HELP));
            }
        }
    }
}

/// Byte offset of `"name"` after `from` in the JSON text.
fn env_offset(json: &str, from: usize, name: &str) -> Option<usize> {
    let needle = serde_json::to_string(name).ok()?;
    json.get(from..)?.find(&needle).map(|p| p + from)
}

fn warn(ctx: &Ctx<'_>, pointer: &str, name: &str) -> Diagnostic {
    ctx.diag(
        Code::SecretLiteralEnv,
        pointer,
        format!("`{name}` looks like a secret but its value is written in the values file"),
    )
}

#[cfg(test)]
mod tests {
    use super::secret_name;
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    #[test]
    fn secret_names() {
        assert!(secret_name("GITHUB_TOKEN"));
        assert!(secret_name("db-password"));
        assert!(secret_name("OPENAI_API_KEY"));
        assert!(!secret_name("TOKEN_FILE"));
        assert!(!secret_name("LOG_LEVEL"));
    }

    #[test]
    fn literal_values_warn_references_do_not() {
        let r = run(
            "container:\n  env:\n    - name: API_TOKEN\n      value: abc123\n    - name: OTHER_TOKEN\n      valueFrom: {secretKeyRef: {name: s, key: k}}\n    - name: REF_TOKEN\n      value: $(API_TOKEN)\n",
        );
        assert_eq!(at(&r, Code::SecretLiteralEnv), ["4:14"]);
        assert!(r.valid);
    }

    #[test]
    fn gateway_server_env_and_json_env() {
        let r = run(
            "transport:\n  stdioGateway:\n    servers:\n      gh:\n        command: x\n        env:\n          - name: GITHUB_TOKEN\n            value: ghp_x\n    namedServersJson: '{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"SLACK_TOKEN\": \"x\"}}}}'\n",
        );
        assert_eq!(at(&r, Code::SecretLiteralEnv), ["8:20", "9:70"]);
    }
}
