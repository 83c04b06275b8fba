//! The chart's README (`charts/mcp-server/README.md`, shown by `helm show
//! readme` and Artifact Hub), generated like helm-docs: the narrative comes
//! from `template.md`, the parameters table from the values schema (so keys,
//! types, defaults and descriptions come from the one typed model), and the
//! examples from the repository's values examples, which the host reads.

use serde_json::{Map, Value};

use crate::schema::values_schema;

const TEMPLATE: &str = include_str!("template.md");
const PARAMETERS: &str = "{{ parameters }}";
const EXAMPLES: &str = "{{ examples }}";

/// One values example shown in the README.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// File name, e.g. `node-mcp-remote.yaml`.
    pub file: String,
    /// Its whole text.
    pub text: String,
}

/// The chart README. `examples` are the values examples in the order to show.
pub fn chart_readme(examples: &[Example]) -> String {
    TEMPLATE
        .replace(PARAMETERS, &parameters_table())
        .replace(EXAMPLES, &examples_section(examples))
}

/// One row of the parameters table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// Dotted key, e.g. `transport.stdioGateway.port`.
    pub key: String,
    /// helm-docs type name with its constraints, e.g. `int (1–65535)`.
    pub kind: String,
    /// Default as compact JSON.
    pub default: String,
    /// The model's description.
    pub description: String,
}

/// Every leaf key of the values schema, in the model's order.
pub fn parameters() -> Vec<Parameter> {
    let schema = values_schema();
    let mut out = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        walk(&mut out, "", props);
    }
    out
}

fn walk(out: &mut Vec<Parameter>, prefix: &str, props: &Map<String, Value>) {
    for (key, prop) in props {
        // Helm injects `global` for subcharts; it is not a setting of this chart.
        if prefix.is_empty() && key == "global" {
            continue;
        }
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match prop.get("properties").and_then(Value::as_object) {
            Some(children) if !children.is_empty() => walk(out, &path, children),
            _ => out.push(Parameter {
                key: path,
                kind: type_of(prop),
                default: prop
                    .get("default")
                    .map(Value::to_string)
                    .unwrap_or_else(|| "null".into()),
                description: prop
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            }),
        }
    }
}

fn type_of(prop: &Value) -> String {
    let name = |t: &str| match t {
        "integer" => "int".to_string(),
        "boolean" => "bool".to_string(),
        "array" => "list".to_string(),
        other => other.to_string(),
    };
    let mut kind = match prop.get("type") {
        Some(Value::String(t)) => name(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(name)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_string(),
    };
    if let Some(Value::Array(options)) = prop.get("enum") {
        let options: Vec<String> = options.iter().map(|o| format!("`{}`", plain(o))).collect();
        kind.push_str(&format!(": {}", options.join(", ")));
    }
    match (prop.get("minimum"), prop.get("maximum")) {
        (Some(min), Some(max)) => kind.push_str(&format!(" ({min}–{max})")),
        (Some(min), None) => kind.push_str(&format!(" (≥ {min})")),
        (None, Some(max)) => kind.push_str(&format!(" (≤ {max})")),
        (None, None) => {}
    }
    kind
}

fn plain(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// A code span that holds `text` whatever backticks it contains.
fn code(text: &str) -> String {
    let mut fence = "`".to_string();
    while text.contains(&fence) {
        fence.push('`');
    }
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    // Backslashes are literal inside code spans; only `|` (a table cell
    // boundary, even there) and line breaks need care.
    let text = text.replace('|', "\\|").replace('\n', " ");
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn parameters_table() -> String {
    let mut out = String::from(
        "<!-- markdownlint-disable MD013 -->\n\
         | Key | Type | Default | Description |\n\
         | --- | --- | --- | --- |\n",
    );
    for p in parameters() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            p.key,
            cell(&p.kind),
            code(&p.default),
            cell(&p.description)
        ));
    }
    out.push_str("<!-- markdownlint-enable MD013 -->");
    out
}

fn examples_section(examples: &[Example]) -> String {
    let mut out = String::new();
    for example in examples {
        // The leading comment says what the example is; the rest is the values.
        let title: Vec<&str> = example
            .text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim())
            .collect();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("### `{}`\n\n", example.file));
        if !title.is_empty() {
            out.push_str(&title.join("\n"));
            out.push_str("\n\n");
        }
        let body = example.text.trim_end();
        let mut fence = "```".to_string();
        while body.contains(&fence) {
            fence.push('`');
        }
        out.push_str(&format!("{fence}yaml\n{body}\n{fence}\n"));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_once_with_a_description() {
        let params = parameters();
        let keys: Vec<&str> = params.iter().map(|p| p.key.as_str()).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        for key in [
            "mode",
            "transport.stdioGateway.port",
            "transport.http.timeouts.readSeconds",
            "ingress.hosts",
        ] {
            assert!(keys.contains(&key), "{key}");
        }
        assert!(!keys.contains(&"global"));
        assert!(!keys.contains(&"transport"));
        assert!(params.iter().all(|p| !p.description.is_empty()));
        let port = params
            .iter()
            .find(|p| p.key == "transport.stdioGateway.port")
            .expect("port");
        assert_eq!(port.kind, "int (1–65535)");
        assert_eq!(port.default, "8096");
        let mode = params.iter().find(|p| p.key == "mode").expect("mode");
        assert_eq!(mode.kind, "string: `image`, `node`, `python`");
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("\"a\\nb|c\""), "`\"a\\nb\\|c\"`");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn readme_has_every_part() {
        let text = chart_readme(&[Example {
            file: "a.yaml".into(),
            text: "# Title line\nmode: node\n".into(),
        }]);
        assert!(!text.contains("{{"));
        assert!(text.contains("| `transport.type` |"));
        assert!(
            text.contains("### `a.yaml`\n\nTitle line\n\n```yaml\n# Title line\nmode: node\n```")
        );
    }
}
