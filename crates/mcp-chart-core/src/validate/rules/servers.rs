//! Named servers of the stdio gateway, from `servers` or `namedServersJson`,
//! as the other rules see them, and the warnings only the validator gives:
//! `server-name-duplicate`, `named-servers-json-overrides`. What stops the
//! gateway (bad names, missing commands, JSON that is not mcp-proxy's shape)
//! comes from the gateway builder (`rules/build.rs`).

use crate::validate::Code;
use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::gateway::named::{key_offset, parse_json};
use crate::location::Location;
use crate::validate::context::{child, Ctx};
use crate::validate::diagnostic::Diagnostic;
use crate::validate::scalar_pos::{line_col, locate_in_scalar};

pub(crate) use crate::gateway::named::{JSON, SERVERS};

/// One named server, wherever it was written.
pub(crate) struct Server {
    pub name: String,
    pub command: String,
    pub args: Vec<String>,
    /// `(name, value)` of each literal env variable.
    pub env: Vec<(String, Value)>,
    pub enabled: bool,
    /// Where it is: the server's pointer under `servers`, or `None` for JSON.
    pub pointer: Option<String>,
    /// For JSON servers, the byte offset of the name in the JSON text.
    pub json_offset: Option<usize>,
}

/// The named servers the gateway will serve.
pub(crate) struct NamedServers {
    /// From `namedServersJson` when it is set (and readable), else from `servers`.
    pub effective: Vec<Server>,
    /// The servers written under `servers` (even when the JSON replaces them).
    pub yaml: Vec<Server>,
    /// The JSON servers, when `namedServersJson` is set and readable.
    pub json: Option<Vec<Server>>,
    /// The text of `namedServersJson`.
    pub json_text: String,
}

impl NamedServers {
    /// Reads both forms (the JSON with the gateway's one reader; its problems
    /// are reported by the builder rule).
    pub fn read(ctx: &Ctx<'_>) -> Self {
        let yaml = yaml_servers(ctx);
        let json_text = ctx.str(JSON).unwrap_or_default().to_string();
        let json: Option<Vec<Server>> = if json_text.trim().is_empty() {
            None
        } else {
            parse_json(&json_text, &mut Vec::new()).map(|entries| {
                entries
                    .into_iter()
                    .map(|e| Server {
                        name: e.name,
                        command: e.command,
                        args: e.args,
                        env: e
                            .env
                            .into_iter()
                            .map(|(k, v)| (k, Value::String(v)))
                            .collect(),
                        enabled: e.enabled,
                        pointer: None,
                        json_offset: e.json_offset,
                    })
                    .collect()
            })
        };
        let effective = match &json {
            Some(servers) => servers.iter().map(Server::clone_shallow).collect(),
            None if !json_text.trim().is_empty() => Vec::new(),
            None => yaml.iter().map(Server::clone_shallow).collect(),
        };
        NamedServers {
            effective,
            yaml,
            json,
            json_text,
        }
    }

    /// A diagnostic at `server` (its key, or its name inside the JSON).
    pub fn diag(&self, ctx: &Ctx<'_>, code: Code, server: &Server, message: String) -> Diagnostic {
        match (&server.pointer, server.json_offset) {
            (Some(p), _) => ctx.diag_key(code, p, message),
            (None, Some(offset)) => json_diag(ctx, code, message, &self.json_text, offset),
            (None, None) => ctx.diag(code, JSON, message),
        }
    }
}

impl Server {
    fn clone_shallow(&self) -> Server {
        Server {
            name: self.name.clone(),
            command: self.command.clone(),
            args: self.args.clone(),
            env: self.env.clone(),
            enabled: self.enabled,
            pointer: self.pointer.clone(),
            json_offset: self.json_offset,
        }
    }
}

fn yaml_servers(ctx: &Ctx<'_>) -> Vec<Server> {
    ctx.entries(SERVERS)
        .into_iter()
        .map(|(name, spec)| Server {
            name: name.clone(),
            command: spec
                .get("command")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            args: string_items(spec.get("args")),
            env: spec
                .get("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    let name = e.get("name")?.as_str()?.to_string();
                    Some((name, e.get("value").cloned().unwrap_or(Value::Null)))
                })
                .collect(),
            enabled: !spec
                .get("disabled")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            pointer: Some(child(SERVERS, name)),
            json_offset: None,
        })
        .collect()
}

fn string_items(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| match a {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// A diagnostic at byte `offset` of the JSON text, located in the YAML source.
pub(crate) fn json_diag(
    ctx: &Ctx<'_>,
    code: Code,
    message: String,
    json: &str,
    offset: usize,
) -> Diagnostic {
    let (line, column) = line_col(json, offset);
    // Underline the JSON string that starts at `offset`, when it is one.
    let len = json
        .get(offset..)
        .and_then(|rest| {
            serde_json::Deserializer::from_str(rest)
                .into_iter::<String>()
                .next()
        })
        .and_then(Result::ok)
        .and_then(|s| serde_json::to_string(&s).ok())
        .map_or(0, |quoted| quoted.chars().count());
    ctx.diag_in(code, JSON, message, |text, origin| {
        let start = locate_in_scalar(text, origin.value, line, column);
        let end = (len > 0 && start != origin.value.start)
            .then(|| Location::new(start.line, start.column + u32::try_from(len).unwrap_or(0)));
        (start, end)
    })
}

pub(crate) fn check(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    duplicates(ctx, servers, out);
    if servers.json.is_some() && !servers.yaml.is_empty() {
        out.push(
            ctx.diag(
                Code::NamedServersJsonOverrides,
                JSON,
                "both `servers` and `namedServersJson` are set: `namedServersJson` replaces `servers` entirely",
            )
            .with_help("keep one of the two; move the entries of `servers` into the JSON or drop the JSON"),
        );
    }
}

fn duplicates(ctx: &Ctx<'_>, servers: &NamedServers, out: &mut Vec<Diagnostic>) {
    // The same name in both places: the YAML entry is ignored.
    if let Some(json) = &servers.json {
        for server in &servers.yaml {
            if json.iter().any(|j| j.name == server.name) {
                out.push(
                    servers
                        .diag(
                            ctx,
                            Code::ServerNameDuplicate,
                            server,
                            format!(
                                "server `{}` is also defined in `namedServersJson`, which replaces `servers`: this entry is ignored",
                                server.name
                            ),
                        )
                        .with_help("define each server once"),
                );
            }
        }
    }
    // Names that differ only by case, within one form.
    for group in [&servers.yaml, servers.json.as_ref().unwrap_or(&Vec::new())] {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for server in group.iter() {
            let lower = server.name.to_lowercase();
            match seen.get(&lower) {
                Some(first) if *first != server.name => out.push(
                    servers
                        .diag(
                            ctx,
                            Code::ServerNameDuplicate,
                            server,
                            format!(
                                "server `{}` differs from server `{first}` only by case: their URLs are easy to confuse",
                                server.name
                            ),
                        )
                        .with_help("give servers names that differ by more than case"),
                ),
                Some(_) => {}
                None => {
                    seen.insert(lower, &server.name);
                }
            }
        }
    }
    // The same key twice in the JSON: one server is silently lost.
    if servers.json.is_some() {
        if let Ok(top) = serde_json::from_str::<Top>(&servers.json_text) {
            let mut seen: Vec<&str> = Vec::new();
            for name in top.mcp_servers.map(|k| k.0).unwrap_or_default().iter() {
                if seen.contains(&name.as_str()) {
                    let offset = last_key_offset(&servers.json_text, name);
                    let message = format!(
                        "server `{name}` appears twice in `mcpServers`: only the last one is kept"
                    );
                    let d = match offset {
                        Some(o) => json_diag(
                            ctx,
                            Code::ServerNameDuplicate,
                            message,
                            &servers.json_text,
                            o,
                        ),
                        None => ctx.diag(Code::ServerNameDuplicate, JSON, message),
                    };
                    out.push(d.with_help("remove or rename one of them"));
                } else {
                    seen.push(name);
                }
            }
        }
    }
}

fn last_key_offset(json: &str, name: &str) -> Option<usize> {
    let first = key_offset(json, name)?;
    let needle_len = serde_json::to_string(name).ok()?.len();
    let rest = json.get(first + needle_len..)?;
    key_offset(rest, name).map(|o| o + first + needle_len)
}

#[derive(Deserialize)]
struct Top {
    #[serde(rename = "mcpServers")]
    mcp_servers: Option<Keys>,
}

/// The keys of a JSON object, duplicates included.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use crate::gateway::checks::valid_server_name as valid_name;
    use crate::validate::rules::test_support::{at, run, with_code};
    use crate::validate::Code;

    const GW: &str = "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    server:\n      command: x\n";

    #[test]
    fn names_must_be_path_segments() {
        assert!(valid_name("docs"));
        assert!(valid_name("a.b_c-1"));
        assert!(!valid_name(".."));
        assert!(!valid_name("my server"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(""));
        let r = run(&format!(
            "{GW}    servers:\n      \"my server\":\n        command: a\n"
        ));
        assert_eq!(at(&r, Code::ServerNameInvalid), ["8:7"]);
    }

    #[test]
    fn json_errors_are_located_inside_the_block() {
        let r = run(&format!(
            "{GW}    namedServersJson: |\n      {{\"mcpServers\": {{\n        \"a\": {{\"command\": \"x\",}}\n      }}}}\n"
        ));
        let d = with_code(&r, Code::NamedServersJsonInvalid);
        assert_eq!(d.len(), 1, "{:?}", r.diagnostics);
        assert_eq!((d[0].line, d[0].column), (Some(9), Some(30)));
    }

    #[test]
    fn json_shape_disabled_and_missing_command() {
        let r = run(&format!(
            "{GW}    namedServersJson: '{{\"mcpServers\": {{\"a\": {{\"disabled\": true, \"command\": \"x\"}}, \"b\": {{}}}}}}'\n"
        ));
        let d = with_code(&r, Code::NamedServersJsonShape);
        assert_eq!(d.len(), 2, "{:?}", r.diagnostics);
        assert!(d[0].message.contains("ignores `disabled`"));
        assert_eq!(d[0].column, Some(40));
        assert!(d[1].message.contains("no `command`"));
    }

    #[test]
    fn both_forms_and_duplicates() {
        let r = run(&format!(
            "{GW}    servers:\n      docs:\n        command: a\n    namedServersJson: '{{\"mcpServers\": {{\"docs\": {{\"command\": \"a\"}}, \"Docs\": {{\"command\": \"b\"}}, \"docs\": {{\"command\": \"c\"}}}}}}'\n"
        ));
        assert_eq!(with_code(&r, Code::NamedServersJsonOverrides).len(), 1);
        let dups = with_code(&r, Code::ServerNameDuplicate);
        assert_eq!(dups.len(), 3, "{dups:?}");
        assert_eq!(at(&r, Code::ServerNameDuplicate)[0], "8:7");
    }

    #[test]
    fn server_without_command() {
        let r = run(&format!(
            "{GW}    servers:\n      a:\n        args: [x]\n      b:\n        disabled: true\n"
        ));
        assert_eq!(at(&r, Code::ServerCommandMissing), ["8:7"]);
    }
}
