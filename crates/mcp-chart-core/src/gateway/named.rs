//! Named servers: from `servers` or `namedServersJson` to mcp-proxy's
//! `servers.json` (`{"mcpServers": {name: {command, args, env, enabled}}}`).
//!
//! The one reader of `namedServersJson`. It reads what mcp-proxy 0.13 reads
//! (`config_loader.py`): the root must be an object with `mcpServers`; other
//! root keys and other keys of an entry are ignored; an entry that is not an
//! object or has no `command` is skipped by mcp-proxy with only a log line, so
//! that is a problem here. `disabled` is refused because mcp-proxy ignores it
//! (it reads `enabled`). The file is mounted, never expanded by Kubernetes or
//! a shell: values go in literally.

use crate::validate::Code;
use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::checks::{env_name_ok, nul_problem, valid_server_name};
use super::GatewayProblem;
use crate::model::{ServerEnvVar, StdioGateway};
use crate::values::escape_pointer_segment;

/// Pointer of `servers`.
pub const SERVERS: &str = "/transport/stdioGateway/servers";
/// Pointer of `namedServersJson`.
pub const JSON: &str = "/transport/stdioGateway/namedServersJson";

const INVALID: Code = Code::NamedServersJsonInvalid;
const SHAPE: Code = Code::NamedServersJsonShape;
const FORMAT: &str = "mcp-proxy reads {\"mcpServers\": {\"<name>\": {\"command\": \"...\", \"args\": [\"...\"], \"env\": {\"KEY\": \"value\"}, \"enabled\": true}}}";

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
    /// The entry's pointer under `servers` (`None` for JSON entries).
    pub pointer: Option<String>,
    /// For JSON entries, the byte offset of the name in the JSON text.
    pub json_offset: Option<usize>,
}

impl ServerEntry {
    fn problem(&self, code: Code, below: &str, message: String) -> GatewayProblem {
        match &self.pointer {
            Some(p) if below.is_empty() => GatewayProblem::at_key(code, p.clone(), message),
            Some(p) => GatewayProblem::at(code, format!("{p}{below}"), message),
            None => GatewayProblem::in_json(code, self.json_offset, message),
        }
    }
}

/// The named servers the gateway serves (from `namedServersJson` when set,
/// else `servers`), sorted by name (the same order whether the values came from
/// the annotation, whose maps Helm sorts, or from a file). Problems are added
/// to `problems`.
pub fn named_servers(
    gateway: &StdioGateway,
    problems: &mut Vec<GatewayProblem>,
) -> Vec<ServerEntry> {
    let mut entries = if gateway.named_servers_json.trim().is_empty() {
        from_values(gateway, problems)
    } else {
        parse_json(&gateway.named_servers_json, problems).unwrap_or_default()
    };
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    for entry in &entries {
        check_entry(entry, problems);
    }
    entries
}

fn from_values(gateway: &StdioGateway, problems: &mut Vec<GatewayProblem>) -> Vec<ServerEntry> {
    gateway
        .servers
        .iter()
        .map(|(name, server)| {
            let pointer = format!("{SERVERS}/{}", escape_pointer_segment(name));
            ServerEntry {
                name: name.clone(),
                command: server.command.clone(),
                args: server.args.clone(),
                env: env_map(&server.env, &format!("{pointer}/env"), problems)
                    .into_iter()
                    .map(|(k, (_, v))| (k, v))
                    .collect(),
                enabled: !server.disabled,
                pointer: Some(pointer),
                json_offset: None,
            }
        })
        .collect()
}

/// Environment variables by name, with the index of the entry that set each;
/// numbers and booleans become their text. A later entry of the same name
/// wins, as in a Kubernetes env list.
pub fn env_map(
    env: &[ServerEnvVar],
    pointer: &str,
    problems: &mut Vec<GatewayProblem>,
) -> IndexMap<String, (usize, String)> {
    let mut out = IndexMap::new();
    for (i, var) in env.iter().enumerate() {
        let value = match &var.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            other => {
                problems.push(GatewayProblem::at(
                    Code::SchemaType,
                    format!("{pointer}/{i}/value"),
                    format!(
                        "expected a string, number or boolean, found {}",
                        json_type(other)
                    ),
                ));
                continue;
            }
        };
        out.shift_remove(&var.name);
        out.insert(var.name.clone(), (i, value));
    }
    out
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

/// Byte offset of the key `"name"` in `json` (the first one followed by `:`).
pub fn key_offset(json: &str, name: &str) -> Option<usize> {
    let needle = serde_json::to_string(name).ok()?;
    let mut from = 0;
    while let Some(found) = json.get(from..)?.find(&needle) {
        let at = from + found;
        let after = json.get(at + needle.len()..)?;
        if after.trim_start().starts_with(':') {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// Byte offset of `"name"` after `from` in the JSON text (an env key).
pub fn env_key_offset(json: &str, from: usize, name: &str) -> Option<usize> {
    let needle = serde_json::to_string(name).ok()?;
    json.get(from..)?.find(&needle).map(|p| p + from)
}

/// Byte offset of 1-based `line` and byte `column` (serde_json's position).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// serde_json's message without its " at line L column C" suffix.
fn json_error_text(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(cut) => full[..cut].to_string(),
        None => full,
    }
}

/// Reads `namedServersJson`: its servers in written order (each entry as far
/// as it could be read, so checks on other fields still run), or `None` when
/// there are none to read (not JSON, no `mcpServers`). Every way mcp-proxy
/// would refuse or skip an entry is added to `problems`.
pub fn parse_json(text: &str, problems: &mut Vec<GatewayProblem>) -> Option<Vec<ServerEntry>> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(
                GatewayProblem::in_json(
                    INVALID,
                    Some(offset_of(text, e.line(), e.column())),
                    format!(
                        "`namedServersJson` is not valid JSON: {}",
                        json_error_text(&e)
                    ),
                )
                .with_help("write it as a YAML block (`namedServersJson: |` and the JSON indented below) so quotes need no escaping"),
            );
            return None;
        }
    };
    let shape =
        |problems: &mut Vec<GatewayProblem>, at: Option<usize>, message: String, help: &str| {
            problems.push(GatewayProblem::in_json(SHAPE, at, message).with_help(help));
        };
    let Some(servers) = value.get("mcpServers") else {
        shape(
            problems,
            None,
            "`namedServersJson` has no `mcpServers` key: mcp-proxy refuses to start".into(),
            FORMAT,
        );
        return None;
    };
    let Some(map) = servers.as_object() else {
        shape(
            problems,
            key_offset(text, "mcpServers"),
            "`mcpServers` must be an object of named servers".into(),
            FORMAT,
        );
        return None;
    };
    let mut list = Vec::new();
    for (name, spec) in map {
        let offset = key_offset(text, name);
        let Some(obj) = spec.as_object() else {
            shape(
                problems,
                offset,
                format!("server `{name}` must be an object; mcp-proxy skips it"),
                FORMAT,
            );
            continue;
        };
        let enabled = match obj.get("enabled") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(enabled) => {
                shape(
                    problems,
                    offset,
                    format!("server `{name}`: `enabled` must be true or false, found {enabled}"),
                    "write \"enabled\": false (unquoted) to turn a server off",
                );
                true
            }
        };
        let command = obj.get("command");
        match command {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(Value::String(_)) | None if !enabled => {}
            None if obj.contains_key("url") => shape(
                problems,
                offset,
                format!("server `{name}` has a `url` but no `command`; mcp-proxy skips it"),
                "the named-server file only runs stdio servers (`command`); serve a remote server with its own mcp-proxy or client, not through this gateway",
            ),
            Some(Value::String(_)) | None => shape(
                problems,
                offset,
                format!("server `{name}` has no `command`; mcp-proxy skips it"),
                "add \"command\": \"<executable>\"",
            ),
            Some(other) => shape(
                problems,
                offset,
                format!("server `{name}`: `command` must be a string, found {other}"),
                "put the executable in `command` and its arguments in `args`",
            ),
        }
        if let Some(args) = obj.get("args") {
            if !args
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string))
            {
                shape(
                    problems,
                    offset,
                    format!("server `{name}`: `args` must be a list of strings"),
                    "write each argument as a JSON string: \"args\": [\"--port\", \"3000\"]",
                );
            }
        }
        if let Some(env) = obj.get("env") {
            if !env
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string))
            {
                shape(
                    problems,
                    offset,
                    format!("server `{name}`: `env` must be an object of string values"),
                    "write \"env\": {\"KEY\": \"value\"} with every value quoted",
                );
            }
        }
        if obj.contains_key("disabled") {
            shape(
                problems,
                offset,
                format!("server `{name}`: mcp-proxy ignores `disabled`; it reads `enabled`"),
                "write \"enabled\": false instead of \"disabled\": true",
            );
        }
        list.push(ServerEntry {
            name: name.clone(),
            command: command
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            args: obj
                .get("args")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
            env: obj
                .get("env")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect(),
            enabled,
            pointer: None,
            json_offset: offset,
        });
    }
    Some(list)
}

fn check_entry(entry: &ServerEntry, problems: &mut Vec<GatewayProblem>) {
    if !valid_server_name(&entry.name) {
        problems.push(
            entry
                .problem(
                    Code::ServerNameInvalid,
                    "",
                    format!(
                        "server name `{}` cannot be a URL path segment (/servers/{{name}}/sse)",
                        entry.name
                    ),
                )
                .with_help(
                    "use letters, digits, `.`, `_` and `-`, starting with a letter or digit",
                ),
        );
    }
    // JSON entries without a command are reported by the reader.
    if entry.enabled && entry.pointer.is_some() && entry.command.trim().is_empty() {
        problems.push(
            entry
                .problem(
                    Code::ServerCommandMissing,
                    "",
                    format!(
                        "server `{}` has no `command`: mcp-proxy would skip it",
                        entry.name
                    ),
                )
                .with_help(
                    "set `command` to the executable to spawn, or `disabled: true` to keep it off",
                ),
        );
    }
    if let Some(p) = nul_problem(&entry.command) {
        problems.push(entry.problem(Code::GatewayArgument, "/command", format!("`command` {p}")));
    }
    for (i, arg) in entry.args.iter().enumerate() {
        if let Some(p) = nul_problem(arg) {
            problems.push(entry.problem(
                Code::GatewayArgument,
                &format!("/args/{i}"),
                format!("`args[{i}]` {p}"),
            ));
        }
    }
    for (i, (name, value)) in entry.env.iter().enumerate() {
        if !env_name_ok(name) {
            problems.push(
                entry
                    .problem(
                        Code::EnvNameInvalid,
                        &format!("/env/{i}/name"),
                        format!(
                            "{name:?} is not an environment variable name (empty, or contains `=` or NUL)"
                        ),
                    )
                    .with_help("name the variable with letters, digits and `_`; the value goes in `value`"),
            );
        }
        if let Some(p) = nul_problem(value) {
            problems.push(entry.problem(
                Code::GatewayArgument,
                &format!("/env/{i}/value"),
                format!("the value of `{name}` {p}"),
            ));
        }
    }
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
    use crate::model::NamedServer;

    fn gateway_with_json(text: &str) -> StdioGateway {
        StdioGateway {
            named_servers_json: text.into(),
            ..StdioGateway::default()
        }
    }

    fn problems_of(gw: &StdioGateway) -> Vec<GatewayProblem> {
        let mut problems = Vec::new();
        named_servers(gw, &mut problems);
        problems
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
        let mut problems = Vec::new();
        let entries = named_servers(&gw, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
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
    fn what_mcp_proxy_ignores_is_accepted() {
        // Other root keys, other entry keys, a disabled entry without command.
        let gw = gateway_with_json(
            r#"{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"], "env": {"A": "1"}, "timeout": 30}, "off": {"enabled": false}}, "x": 1}"#,
        );
        let mut problems = Vec::new();
        let entries = named_servers(&gw, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entries.len(), 2);
        assert!(!entries[1].enabled);
    }

    #[test]
    fn named_servers_json_is_checked() {
        for (text, needle) in [
            ("{", "not valid JSON"),
            ("[]", "no `mcpServers`"),
            (r#"{"servers": {}}"#, "no `mcpServers`"),
            (r#"{"mcpServers": []}"#, "must be an object"),
            (r#"{"mcpServers": {"a": {"args": []}}}"#, "no `command`"),
            (
                r#"{"mcpServers": {"a": {"url": "https://x/sse"}}}"#,
                "`url`",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "args": [1]}}}"#,
                "`args` must be",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "env": {"A": 1}}}}"#,
                "`env` must be",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "enabled": "no"}}}"#,
                "`enabled`",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "disabled": true}}}"#,
                "ignores `disabled`",
            ),
            (
                r#"{"mcpServers": {"a": {"command": "x", "env": {"A=B": "1"}}}}"#,
                "not an environment variable name",
            ),
        ] {
            let problems = problems_of(&gateway_with_json(text));
            assert!(
                problems.iter().any(|p| p.message.contains(needle)),
                "{text}: {problems:?}"
            );
        }
        let problems = problems_of(&gateway_with_json(
            r#"{"mcpServers": {"a/b": {"command": "x"}}}"#,
        ));
        assert_eq!(problems[0].code, Code::ServerNameInvalid);
        assert_eq!(problems[0].json_offset, Some(16));
    }
}
