//! Named servers: from `servers` or `namedServersJson` to mcp-proxy's
//! `servers.json` (`{"mcpServers": {name: {command, args, env, enabled}}}`).
//!
//! mcp-proxy reads `enabled` (default true) and ignores unknown keys, so the
//! chart's `disabled: true` becomes `"enabled": false`; it hands `args` and
//! `env` to the process as they are, so they are written as strings. The file
//! is mounted, never expanded by Kubernetes or a shell: values go in literally.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::model::{NamedServer, ServerEnvVar, StdioGateway};

use super::super::error::Problem;
use super::args::check_no_nul;

/// One named server as mcp-proxy will read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerEntry {
    /// Name (the URL path segment under `/servers/`).
    pub name: String,
    /// Executable.
    pub command: String,
    /// Arguments, one item each.
    pub args: Vec<String>,
    /// Environment of this server only.
    pub env: IndexMap<String, String>,
    /// Whether mcp-proxy serves it.
    pub enabled: bool,
}

/// Whether `name` can be a URL path segment under `/servers/`.
pub fn valid_server_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The named servers of the gateway, sorted by name (the same order whether the
/// values came from the annotation, whose maps Helm sorts, or from a file).
pub fn named_servers(gateway: &StdioGateway) -> Result<Vec<ServerEntry>, Problem> {
    let mut entries = if gateway.named_servers_json.trim().is_empty() {
        gateway
            .servers
            .iter()
            .map(|(name, server)| from_values(name, server))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        from_json(&gateway.named_servers_json)?
    };
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    for entry in &entries {
        check_entry(entry)?;
    }
    Ok(entries)
}

fn from_values(name: &str, server: &NamedServer) -> Result<ServerEntry, Problem> {
    let field = format!("transport.stdioGateway.servers.{name}");
    Ok(ServerEntry {
        name: name.to_string(),
        command: server.command.clone(),
        args: server.args.clone(),
        env: env_map(&server.env, &format!("{field}.env"))?,
        enabled: !server.disabled,
    })
}

/// Environment variables as a map; numbers and booleans become their text.
pub fn env_map(env: &[ServerEnvVar], field: &str) -> Result<IndexMap<String, String>, Problem> {
    let mut out = IndexMap::new();
    for (i, var) in env.iter().enumerate() {
        let value = scalar_text(&var.value).ok_or_else(|| Problem::UnsafeArgument {
            field: format!("{field}[{i}].value"),
            message: format!(
                "expected a string, number or boolean, found {}",
                json_type(&var.value)
            ),
        })?;
        // A later entry of the same name wins, as in a Kubernetes env list.
        out.shift_remove(&var.name);
        out.insert(var.name.clone(), value);
    }
    Ok(out)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn json_problem(message: String) -> Problem {
    Problem::NamedServersJson { message }
}

/// Parses and checks `namedServersJson` (mcp-proxy's own format).
fn from_json(text: &str) -> Result<Vec<ServerEntry>, Problem> {
    let value: Value =
        serde_json::from_str(text).map_err(|err| json_problem(format!("not valid JSON: {err}")))?;
    let Value::Object(root) = value else {
        return Err(json_problem(format!(
            "expected a JSON object with \"mcpServers\", found {}",
            json_type(&value)
        )));
    };
    if let Some(other) = root.keys().find(|k| k.as_str() != "mcpServers") {
        return Err(json_problem(format!(
            "unknown key {other:?} (only \"mcpServers\" is read by mcp-proxy)"
        )));
    }
    let servers = match root.get("mcpServers") {
        Some(Value::Object(servers)) => servers,
        Some(other) => {
            return Err(json_problem(format!(
                "\"mcpServers\" must be an object of servers, found {}",
                json_type(other)
            )))
        }
        None => return Err(json_problem("missing \"mcpServers\"".into())),
    };
    servers
        .iter()
        .map(|(name, server)| json_entry(name, server))
        .collect()
}

fn json_entry(name: &str, server: &Value) -> Result<ServerEntry, Problem> {
    let at = |key: &str| format!("mcpServers.{name}{key}");
    let Value::Object(map) = server else {
        return Err(json_problem(format!(
            "{}: expected an object, found {}",
            at(""),
            json_type(server)
        )));
    };
    if let Some(other) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "command" | "args" | "env" | "enabled"))
    {
        return Err(json_problem(format!(
            "{}: unknown key {other:?} (mcp-proxy reads command, args, env, enabled)",
            at("")
        )));
    }
    let command = match map.get("command") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(json_problem(format!(
                "{}: expected a string, found {}",
                at(".command"),
                json_type(other)
            )))
        }
        None => return Err(json_problem(format!("{}: missing \"command\"", at("")))),
    };
    let args = match map.get("args") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(json_problem(format!(
                    "{}: expected a string, found {}",
                    at(&format!(".args[{i}]")),
                    json_type(other)
                ))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(json_problem(format!(
                "{}: expected a list of strings, found {}",
                at(".args"),
                json_type(other)
            )))
        }
    };
    let env = match map.get("env") {
        None => IndexMap::new(),
        Some(Value::Object(vars)) => vars
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(json_problem(format!(
                    "{}: expected a string, found {}",
                    at(&format!(".env.{k}")),
                    json_type(other)
                ))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(json_problem(format!(
                "{}: expected an object of strings, found {}",
                at(".env"),
                json_type(other)
            )))
        }
    };
    let enabled = match map.get("enabled") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(json_problem(format!(
                "{}: expected true or false, found {}",
                at(".enabled"),
                json_type(other)
            )))
        }
    };
    Ok(ServerEntry {
        name: name.to_string(),
        command,
        args,
        env,
        enabled,
    })
}

fn check_entry(entry: &ServerEntry) -> Result<(), Problem> {
    if !valid_server_name(&entry.name) {
        return Err(Problem::ServerName {
            name: entry.name.clone(),
        });
    }
    let field = format!("named server {:?}", entry.name);
    if entry.command.trim().is_empty() {
        return Err(Problem::Gateway {
            message: format!("{field} has no command (mcp-proxy would skip it without a word)"),
        });
    }
    check_no_nul(&format!("{field} command"), &entry.command)?;
    for (i, arg) in entry.args.iter().enumerate() {
        check_no_nul(&format!("{field} args[{i}]"), arg)?;
    }
    for (name, value) in &entry.env {
        check_env_name(&format!("{field} env"), name)?;
        check_no_nul(&format!("{field} env {name}"), value)?;
    }
    Ok(())
}

/// An environment variable name a process can receive.
pub fn check_env_name(field: &str, name: &str) -> Result<(), Problem> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return Err(Problem::UnsafeArgument {
            field: field.to_string(),
            message: format!(
                "{name:?} is not an environment variable name (empty, or contains `=` or NUL)"
            ),
        });
    }
    Ok(())
}

/// mcp-proxy's servers.json: pretty, keys in a fixed order, ending in a newline.
pub fn servers_json(entries: &[ServerEntry]) -> String {
    let mut servers = Map::new();
    for entry in entries {
        let env: Map<String, Value> = entry
            .env
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        servers.insert(
            entry.name.clone(),
            json!({
                "command": entry.command,
                "args": entry.args,
                "env": env,
                "enabled": entry.enabled,
            }),
        );
    }
    let doc = json!({ "mcpServers": servers });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway_with_json(text: &str) -> StdioGateway {
        StdioGateway {
            named_servers_json: text.into(),
            ..StdioGateway::default()
        }
    }

    #[test]
    fn names_must_be_path_segments() {
        for ok in ["docs", "a.b", "a_b-c", "9x"] {
            assert!(valid_server_name(ok), "{ok}");
        }
        for bad in ["", "-a", ".a", "a/b", "a b", "ä", "a?b", "..", "a%2f"] {
            assert!(!valid_server_name(bad), "{bad}");
        }
    }

    #[test]
    fn disabled_becomes_enabled_false_and_env_values_become_text() {
        let mut gw = StdioGateway::default();
        gw.servers.insert(
            "b".into(),
            NamedServer {
                command: "srv".into(),
                args: vec!["--x".into(), "$(whoami)".into()],
                env: vec![
                    ServerEnvVar {
                        name: "PORT".into(),
                        value: json!(8080),
                    },
                    ServerEnvVar {
                        name: "ON".into(),
                        value: json!(true),
                    },
                ],
                disabled: true,
            },
        );
        gw.servers.insert(
            "a".into(),
            NamedServer {
                command: "other".into(),
                ..NamedServer::default()
            },
        );
        let entries = named_servers(&gw).expect("valid");
        assert_eq!(entries[0].name, "a");
        let text = servers_json(&entries);
        let parsed: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(parsed["mcpServers"]["b"]["enabled"], json!(false));
        assert_eq!(parsed["mcpServers"]["b"]["env"]["PORT"], json!("8080"));
        assert_eq!(parsed["mcpServers"]["b"]["env"]["ON"], json!("true"));
        assert_eq!(parsed["mcpServers"]["b"]["args"][1], json!("$(whoami)"));
        assert_eq!(parsed["mcpServers"]["a"]["enabled"], json!(true));
    }

    #[test]
    fn named_servers_json_is_checked() {
        let ok = gateway_with_json(
            r#"{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"], "env": {"A": "1"}, "enabled": false}}}"#,
        );
        let entries = named_servers(&ok).expect("valid");
        assert!(!entries[0].enabled);
        for (text, needle) in [
            ("{", "not valid JSON"),
            ("[]", "expected a JSON object"),
            (r#"{"servers": {}}"#, "unknown key"),
            (
                r#"{"mcpServers": {"a": {"args": []}}}"#,
                "missing \"command\"",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "args": [1]}}}"#,
                "args[0]",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "env": {"A": 1}}}}"#,
                "env.A",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "enabled": "no"}}}"#,
                "enabled",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "disabled": true}}}"#,
                "unknown key",
            ),
        ] {
            let err = named_servers(&gateway_with_json(text)).expect_err(text);
            assert!(err.to_string().contains(needle), "{text}: {err}");
        }
        let bad_name = gateway_with_json(r#"{"mcpServers": {"a/b": {"command": "x"}}}"#);
        assert!(matches!(
            named_servers(&bad_name),
            Err(Problem::ServerName { .. })
        ));
    }
}
