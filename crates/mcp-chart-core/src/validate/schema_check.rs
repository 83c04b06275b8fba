//! JSON Schema validation of the merged values against the generated schema,
//! with jsonschema's findings turned into plain, located diagnostics.

use crate::validate::Code;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::context::{child, describe, display_path, Ctx};
use super::diagnostic::Diagnostic;
use super::suggest::closest;
use crate::json_schema::{self, Kind};
use crate::location::Location;
use crate::yaml::HazardKind;

fn schema() -> &'static Value {
    crate::embedded::values_schema()
}

/// The schema, if the checker implements every keyword it uses (the tests
/// hold the committed schema to that).
fn checked_schema() -> Option<&'static Value> {
    static SUPPORTED: OnceLock<bool> = OnceLock::new();
    SUPPORTED
        .get_or_init(|| json_schema::unsupported_keywords(schema()).is_empty())
        .then(schema)
}

/// YAML 1.1 hazards by (source, start), to explain type errors they caused.
pub(crate) type HazardsAt<'h> = HashMap<(usize, Location), &'h HazardKind>;

/// Schema diagnostics for the merged values.
pub(crate) fn check(ctx: &Ctx<'_>, hazards: &HazardsAt<'_>, out: &mut Vec<Diagnostic>) {
    let Some(schema) = checked_schema() else {
        out.push(Diagnostic::new(
            Code::SchemaInvalid,
            "internal error: the values schema does not compile",
        ));
        return;
    };
    for finding in json_schema::check(schema, ctx.values) {
        let pointer = finding.instance_path;
        let instance = finding.instance;
        let shown = display_path(ctx.values, &pointer);
        match finding.kind {
            Kind::AdditionalProperties { unexpected } => {
                for key in &unexpected {
                    out.push(unknown_key(ctx, &pointer, key));
                }
            }
            Kind::Type | Kind::AnyOf => {
                let expected = expected_types(Some(finding.schema));
                let message = format!(
                    "`{shown}`: expected {expected}, found {}",
                    describe(instance)
                );
                let help =
                    type_help(ctx, &pointer, instance, &expected, hazards).unwrap_or_else(|| {
                        generic_type_help(ctx, &pointer, &shown, &expected, finding.schema)
                    });
                out.push(
                    ctx.diag(Code::SchemaType, &pointer, message)
                        .with_help(help),
                );
            }
            Kind::Enum { options } => {
                let choices: Vec<&str> = options
                    .as_array()
                    .map(|o| o.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let listed = choices
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = format!(
                    "`{shown}`: expected one of {listed}, found {}",
                    describe(instance)
                );
                let mut d = ctx.diag(Code::SchemaEnum, &pointer, message);
                if let Some(best) = instance
                    .as_str()
                    .and_then(|s| closest(s, choices.iter().copied()))
                {
                    d = d.with_help(format!("did you mean `{best}`?"));
                }
                out.push(d);
            }
            Kind::Minimum { limit } => {
                out.push(range(
                    ctx,
                    &pointer,
                    &shown,
                    instance,
                    "less than the minimum",
                    limit,
                    finding.schema,
                ));
            }
            Kind::Maximum { limit } => {
                out.push(range(
                    ctx,
                    &pointer,
                    &shown,
                    instance,
                    "greater than the maximum",
                    limit,
                    finding.schema,
                ));
            }
            Kind::Required { property: name } => {
                out.push(
                    ctx.diag(
                        Code::SchemaRequired,
                        &pointer,
                        format!("`{shown}`: the key `{name}` is required"),
                    )
                    .with_help(format!("add `{name}:` to this map")),
                );
            }
        }
    }
}

fn range(
    ctx: &Ctx<'_>,
    pointer: &str,
    shown: &str,
    instance: &Value,
    relation: &str,
    limit: &Value,
    bounds: &Value,
) -> Diagnostic {
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let is_port = last == "port" || last.ends_with("Port");
    let code = if is_port {
        Code::PortRange
    } else {
        Code::SchemaRange
    };
    let d = ctx.diag(
        code,
        pointer,
        format!("`{shown}`: {instance} is {relation} {limit}"),
    );
    let min = bounds.get("minimum");
    let max = bounds.get("maximum");
    let help = match (min, max) {
        _ if is_port => "ports are numbers from 1 to 65535".to_string(),
        (Some(lo), Some(hi)) => format!("use a number from {lo} to {hi}"),
        (Some(lo), None) => format!("use a number of at least {lo}"),
        (None, Some(hi)) => format!("use a number of at most {hi}"),
        (None, None) => format!("use a number not {relation} {limit}"),
    };
    d.with_help(help)
}

/// What to write, by expected type. A whole-number example is the key's own
/// default (or minimum), so `replicaCount` is not told "such as `3000`"; a
/// value from `--set` is shown as the `--set` to pass.
fn generic_type_help(
    ctx: &Ctx<'_>,
    pointer: &str,
    shown: &str,
    expected: &str,
    schema: &Value,
) -> String {
    let from_set = ctx
        .origin(pointer)
        .and_then(|o| ctx.source_name(o.source))
        .is_some_and(|n| n.starts_with("--set"));
    match expected {
        "integer" => {
            let example = [schema.get("default"), schema.get("minimum")]
                .into_iter()
                .flatten()
                .find_map(Value::as_i64)
                .unwrap_or(1);
            if from_set {
                format!("pass a whole number, such as `--set {shown}={example}`")
            } else {
                format!("write a whole number without quotes, such as `{example}`")
            }
        }
        "number" => "write a number without quotes".to_string(),
        "string" => "write text; quote it when it looks like a number or a boolean".to_string(),
        "boolean" => "write `true` or `false`".to_string(),
        "a list" => "write a list: one `- item` line per entry, or `[a, b]`".to_string(),
        "a map" => "write `key: value` lines indented under this key, or `{}` for none".to_string(),
        other => format!("write {other} here"),
    }
}

/// `integer`, `string or null`, `string, number or boolean` from a schema object.
fn expected_types(subschema: Option<&Value>) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut add = |t: &Value| match t {
        Value::String(s) => names.push(type_name(s)),
        Value::Array(items) => names.extend(items.iter().filter_map(Value::as_str).map(type_name)),
        _ => {}
    };
    if let Some(s) = subschema {
        if let Some(t) = s.get("type") {
            add(t);
        }
        for branch in s
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(t) = branch.get("type") {
                add(t);
            }
        }
    }
    names.dedup();
    match names.as_slice() {
        [] => "another type".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn type_name(schema_type: &str) -> &'static str {
    match schema_type {
        "string" => "string",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "array" => "a list",
        "object" => "a map",
        "null" => "null",
        _ => "another type",
    }
}

fn type_help(
    ctx: &Ctx<'_>,
    pointer: &str,
    instance: &Value,
    expected: &str,
    hazards: &HazardsAt<'_>,
) -> Option<String> {
    let hazard = ctx
        .origin(pointer)
        .and_then(|o| hazards.get(&(o.source, o.value.start)));
    match (instance, hazard) {
        (_, Some(HazardKind::Yaml11Bool { text, .. })) if expected.contains("string") => Some(
            format!("YAML 1.1 reads `{text}` as a boolean; quote it to keep the text: \"{text}\""),
        ),
        (_, Some(HazardKind::Octal { text, .. })) if expected.contains("string") => Some(format!(
            "YAML 1.1 reads `{text}` as an octal number; quote it to keep the text: \"{text}\""
        )),
        (Value::Bool(_) | Value::Number(_), _) if expected == "string" => {
            Some(format!("quote it to make it a string: \"{instance}\""))
        }
        (Value::String(s), _) if expected == "integer" && s.trim().parse::<i64>().is_ok() => {
            let from_set_string = ctx
                .origin(pointer)
                .and_then(|o| ctx.source_name(o.source))
                .is_some_and(|n| n.starts_with("--set-string "));
            Some(if from_set_string {
                "--set-string keeps every value a string: pass numbers with --set".to_string()
            } else {
                format!("write the number without quotes: {}", s.trim())
            })
        }
        (Value::String(s), _) if expected == "boolean" => {
            let lower = s.to_ascii_lowercase();
            let b = matches!(lower.as_str(), "true" | "yes" | "on" | "y" | "1");
            Some(format!("write `{b}` without quotes"))
        }
        (Value::String(_), _) if expected == "a list" => {
            Some("write a list: one `- item` line per entry, or `[a, b]`".to_string())
        }
        (Value::Null, _) => Some(
            "an empty value is null; write `\"\"`, `[]` or `{}` for an empty one, or remove the key"
                .to_string(),
        ),
        _ => None,
    }
}

/// The schema object describing the value at `pointer`.
fn schema_at(pointer: &str) -> Option<&'static Value> {
    let mut node = schema();
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        node = if let Some(p) = node.get("properties").and_then(|p| p.get(&seg)) {
            p
        } else if let Some(items) = node.get("items") {
            items
        } else {
            node.get("additionalProperties").filter(|a| a.is_object())?
        };
    }
    Some(node)
}

fn unknown_key(ctx: &Ctx<'_>, pointer: &str, key: &str) -> Diagnostic {
    let at = child(pointer, key);
    let place = if pointer.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{}`", display_path(ctx.values, pointer))
    };
    let d = ctx.diag_key(
        Code::UnknownKey,
        &at,
        format!("unknown key `{key}` {place}"),
    );
    let allowed: Vec<&str> = schema_at(pointer)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if let Some(best) = closest(key, allowed.iter().copied()) {
        return d.with_help(format!("did you mean `{best}`?"));
    }
    let elsewhere = find_key(key);
    if !elsewhere.is_empty() && elsewhere.len() <= 3 {
        let listed = elsewhere
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        return d.with_help(format!("did you mean {listed}? (`{key}` belongs there)"));
    }
    if allowed.is_empty() {
        d
    } else if allowed.len() <= 12 {
        d.with_help(format!("allowed keys here: {}", allowed.join(", ")))
    } else {
        d.with_help("`mcp-chart schema` prints every allowed key")
    }
}

/// Dotted paths of every schema property named `key` (any case).
fn find_key(key: &str) -> Vec<String> {
    fn walk(node: &Value, path: &str, key: &str, out: &mut Vec<String>) {
        let Some(props) = node.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (name, sub) in props {
            let here = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if name.eq_ignore_ascii_case(key) && !path.is_empty() {
                out.push(here.clone());
            }
            walk(sub, &here, key, out);
        }
    }
    let mut out = Vec::new();
    walk(schema(), "", key, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::test_support::{run, with_code};

    #[test]
    fn schema_paths_resolve_through_lists_and_open_maps() {
        assert!(schema_at("/transport/stdioGateway/servers/docs/env/0")
            .and_then(|s| s.get("properties"))
            .is_some_and(|p| p.get("name").is_some()));
        assert!(schema_at("/nope").is_none());
        assert_eq!(find_key("stdioGateway"), ["transport.stdioGateway"]);
    }

    #[test]
    fn unknown_keys_are_located_at_the_key_with_a_suggestion() {
        let r = run("service:\n  prot: 80\n");
        let d = with_code(&r, Code::UnknownKey);
        assert_eq!((d[0].line, d[0].column), (Some(2), Some(3)));
        assert_eq!(d[0].end, Some(Location::new(2, 7)));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `port`?"));
        let r = run("service:\n  zzzzzz: 80\n");
        let d = with_code(&r, Code::UnknownKey);
        assert_eq!(d[0].help.as_deref(), Some("allowed keys here: type, port"));
    }

    #[test]
    fn http_route_parent_refs_are_gateway_api_parent_references() {
        let r = run("httpRoute:\n  parentRefs:\n  - name: gw\n    sectionname: http\n");
        let d = with_code(&r, Code::UnknownKey);
        assert_eq!((d[0].line, d[0].column), (Some(4), Some(5)));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `sectionName`?"));
        let r = run("httpRoute:\n  parentRefs:\n  - sectionName: http\n    port: 0\n");
        assert_eq!(
            with_code(&r, Code::SchemaRequired)[0].message,
            "`httpRoute.parentRefs[0]`: the key `name` is required"
        );
        assert_eq!(with_code(&r, Code::PortRange).len(), 1);
        let full =
            "httpRoute:\n  parentRefs:\n  - {group: gateway.networking.k8s.io, kind: Gateway, \
                    namespace: infra, name: gw, sectionName: https, port: 443}\n";
        assert!(
            run(full).diagnostics.is_empty(),
            "{:?}",
            run(full).diagnostics
        );
    }

    #[test]
    fn a_set_type_error_suggests_a_set_with_the_keys_own_default() {
        use crate::validate::validate;
        use crate::values::SetArg;
        let r = validate(&[], &[SetArg::new("replicaCount=abc")]);
        assert_eq!(
            r.diagnostics[0].help.as_deref(),
            Some("pass a whole number, such as `--set replicaCount=1`")
        );
        let r = run("service:\n  port: many\n");
        assert_eq!(
            r.diagnostics[0].help.as_deref(),
            Some("write a whole number without quotes, such as `3000`")
        );
    }

    #[test]
    fn messages_are_plain() {
        let r = run("service:\n  port: abc\nreplicaCount: 1.5\n");
        let messages: Vec<&str> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`service.port`: expected integer, found string \"abc\"",
                "`replicaCount`: expected integer, found number 1.5",
            ]
        );
        let r = run("transport:\n  stdioGateway:\n    port: 70000\n");
        assert_eq!(
            r.diagnostics[0].message,
            "`transport.stdioGateway.port`: 70000 is greater than the maximum 65535"
        );
        let r = run(
            "transport:\n  stdioGateway:\n    server:\n      env: [{name: A, value: {x: 1}}]\n",
        );
        assert_eq!(
            r.diagnostics[0].message,
            "`transport.stdioGateway.server.env[0].value`: expected string, number or boolean, found a map"
        );
    }
}
