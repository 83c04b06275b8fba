//! The data that crosses the JavaScript boundary, and the plain-Rust functions
//! behind each export (so they are testable natively and by the parity tests).

use mcp_chart_core::postrender::{self, InjectionSummary, PostRenderError, PostRenderOptions};
use mcp_chart_core::validate::{self, Code, Report, Severity};
use mcp_chart_core::values::{self, ValuesError, ValuesInput, ValuesSource};
use serde::{Deserialize, Deserializer, Serialize};

use crate::columns::utf16_column;
use crate::sketch;

/// One problem, as the CLI's `json` diagnostic: a view of the core's
/// [`validate::Diagnostic`] with columns in UTF-16 code units and where the
/// text ends (types.d.ts `Diagnostic`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic<'a> {
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule code.
    pub code: Code,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it.
    pub help: Option<&'a str>,
    /// JSON pointer into the merged values.
    pub path: &'a str,
    /// The file name, or `--set …` for a `--set` argument.
    pub file: Option<&'a str>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column in UTF-16 code units.
    pub column: Option<u32>,
    /// 1-based line where the offending text ends, when known.
    pub end_line: Option<u32>,
    /// 1-based column (UTF-16 units) just past the offending text, when known.
    pub end_column: Option<u32>,
}

impl<'a> Diagnostic<'a> {
    fn of(report: &'a Report, d: &'a validate::Diagnostic) -> Self {
        let text = report.source_of(d).map_or("", |s| s.text.as_str());
        let column = match (d.line, d.column) {
            (Some(line), Some(column)) => Some(utf16_column(text, line, column)),
            (_, column) => column,
        };
        Diagnostic {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            help: d.help.as_deref(),
            path: &d.path,
            file: d.file.as_deref(),
            line: d.line,
            column,
            end_line: d.end.map(|e| e.line),
            end_column: d.end.map(|e| utf16_column(text, e.line, e.column)),
        }
    }
}

/// What `validate` returns: a view of the core's report (types.d.ts
/// `ValidateResult`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateResult<'a> {
    /// No errors (warnings allowed).
    pub valid: bool,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// The diagnostics, ordered as the CLI orders them: the first
    /// `MAX_DIAGNOSTICS_PER_SOURCE` of each file or `--set` argument.
    pub diagnostics: Vec<Diagnostic<'a>>,
    /// How many more there are (counted in `errors` and `warnings`).
    pub omitted: usize,
}

impl<'a> ValidateResult<'a> {
    /// The view of `report`.
    pub fn of(report: &'a Report) -> Self {
        ValidateResult {
            valid: report.valid,
            errors: report.errors(),
            warnings: report.warnings(),
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| Diagnostic::of(report, d))
                .collect(),
            omitted: report.omitted.iter().map(|o| o.count).sum(),
        }
    }
}

/// Validates values as `mcp-chart validate -f … --set …` does.
pub fn validate(input: &ValuesInput) -> Report {
    validate::validate_input(input)
}

/// The files of `input` as text (the playground's are always strings).
fn texts(input: &ValuesInput) -> Vec<ValuesSource<'_>> {
    input
        .files
        .iter()
        .map(|f| ValuesSource {
            name: &f.name,
            text: std::str::from_utf8(f.text.as_bytes()).unwrap_or_default(),
        })
        .collect()
}

/// What `postRender` takes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostRenderInput {
    /// The manifest stream (`helm template` output).
    pub manifests: String,
    /// Values for charts whose workload carries no `mcp-chart/transport`
    /// annotation (`--values`/`--set`); when given they win over it.
    #[serde(default)]
    pub values: Option<ValuesInput>,
    /// The workload to change (`Kind/name` or `name`).
    #[serde(default)]
    pub workload: Option<String>,
    /// The stdio server container to replace.
    #[serde(default)]
    pub container: Option<String>,
}

/// Why post-rendering failed: the message and where, in the stream (or in
/// the values).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRenderFailure {
    /// What is wrong (with its place, as the CLI prints it).
    pub message: String,
    /// What is wrong, without the place.
    pub problem: String,
    /// 1-based document index in the stream, when the problem is in it.
    pub document: Option<usize>,
    /// `Kind/name` of that document, when it has them.
    pub object: Option<String>,
    /// 1-based line in the text the problem is in.
    pub line: Option<u32>,
    /// 1-based column (UTF-16 units).
    pub column: Option<u32>,
    /// Which text the location is in: `manifests`, or a values source name.
    pub source: Option<String>,
}

/// What `postRender` returns: the output stream and the summary, or (when the
/// post-renderer refuses the input, which then produces no output) why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRenderResult {
    /// Whether there is output.
    pub ok: bool,
    /// The whole output stream (`""` on failure).
    pub output: String,
    /// What was injected (on success).
    pub summary: Option<InjectionSummary>,
    /// Why it failed.
    pub error: Option<PostRenderFailure>,
}

fn stream_failure(error: &PostRenderError, text: &str) -> PostRenderFailure {
    PostRenderFailure {
        message: error.to_string(),
        problem: error.problem.to_string(),
        document: error.place.as_ref().map(|p| p.document),
        object: error.place.as_ref().and_then(|p| p.object.clone()),
        line: error.place.as_ref().map(|p| p.location.line),
        column: error
            .place
            .as_ref()
            .map(|p| utf16_column(text, p.location.line, p.location.column)),
        source: error.place.as_ref().map(|_| "manifests".to_string()),
    }
}

fn values_failure(error: &ValuesError, input: &ValuesInput) -> PostRenderFailure {
    let (source, line, column) = match error {
        ValuesError::Yaml { source_name, error } => {
            let loc = error.location();
            (source_name.clone(), loc.line, loc.column)
        }
        ValuesError::NotAMap {
            source_name,
            location,
            ..
        } => (source_name.clone(), location.line, location.column),
        ValuesError::Set { arg, column, .. } => (format!("--set {arg}"), 1, *column),
    };
    let text = texts(input)
        .into_iter()
        .find(|f| f.name == source)
        .map_or("", |f| f.text);
    PostRenderFailure {
        message: error.to_string(),
        problem: error.to_string(),
        document: None,
        object: None,
        line: Some(line),
        column: Some(utf16_column(text, line, column)),
        source: Some(source),
    }
}

/// The values do not pass `validate`: its first error, located.
fn report_failure(report: &Report) -> PostRenderFailure {
    let view = ValidateResult::of(report);
    let first = report
        .diagnostics
        .iter()
        .zip(&view.diagnostics)
        .find(|(d, _)| d.severity == Severity::Error);
    PostRenderFailure {
        message: format!(
            "the values do not pass `mcp-chart validate` ({} error{}): {}",
            report.errors(),
            if report.errors() == 1 { "" } else { "s" },
            first.map_or_else(String::new, |(d, _)| d.one_line())
        ),
        problem: first.map_or_else(String::new, |(d, _)| d.message.clone()),
        document: None,
        object: None,
        line: first.and_then(|(_, v)| v.line),
        column: first.and_then(|(_, v)| v.column),
        source: first.and_then(|(d, _)| d.file.clone()),
    }
}

fn failed(error: PostRenderFailure) -> PostRenderResult {
    PostRenderResult {
        ok: false,
        output: String::new(),
        summary: None,
        error: Some(error),
    }
}

/// Post-renders a stream as `mcp-chart post-render [--values …] [--set …]` does.
pub fn post_render(input: &PostRenderInput) -> PostRenderResult {
    let mut options = PostRenderOptions {
        values: None,
        workload: input.workload.clone(),
        container: input.container.clone(),
    };
    // The values get `validate`'s checks first, as `post-render --values` does.
    if let Some(values) = &input.values {
        match validate::checked_values(values) {
            Ok((json, _warnings)) => options.values = Some(json),
            Err(report) => return failed(report_failure(&report)),
        }
    }
    match postrender::post_render(&input.manifests, &options) {
        Ok(rendered) => PostRenderResult {
            ok: true,
            output: rendered.output,
            summary: Some(rendered.summary),
            error: None,
        },
        Err(err) => failed(stream_failure(&err, &input.manifests)),
    }
}

/// What `explainInjection` takes: values, and the release name to sketch
/// (types.d.ts: `ExplainInput extends ValuesInput`).
#[derive(Clone, Debug, Default)]
pub struct ExplainInput {
    /// The values.
    pub values: ValuesInput,
    /// The release name (default [`sketch::RELEASE`]).
    pub release: Option<String>,
}

impl<'de> Deserialize<'de> for ExplainInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = serde_json::Map::deserialize(deserializer)?;
        let release = match map.remove("release") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(release)) => Some(release),
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "release: expected a string, found {other}"
                )))
            }
        };
        let values =
            ValuesInput::deserialize(serde_json::Value::Object(map)).map_err(D::Error::custom)?;
        Ok(ExplainInput { values, release })
    }
}

/// What `explainInjection` returns: the post-render of the chart sketch for
/// the values.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Whether the explanation is available.
    pub ok: bool,
    /// The release name the sketch uses.
    pub release: String,
    /// The sketch of `helm template` that was post-rendered.
    pub manifests: String,
    /// What the post-renderer injects.
    pub summary: Option<InjectionSummary>,
    /// Why there is no explanation (values that do not merge, a chart render
    /// failure, or the post-renderer's refusal).
    pub error: Option<PostRenderFailure>,
}

/// What the post-renderer will inject for these values.
pub fn explain_injection(input: &ExplainInput) -> Explanation {
    let release = input
        .release
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| sketch::RELEASE.to_string());
    let input = &input.values;
    let mut out = Explanation {
        ok: false,
        release,
        manifests: String::new(),
        summary: None,
        error: None,
    };
    let merged = match values::merge(&texts(input), &input.set_args()) {
        Ok(merged) => merged,
        Err(err) => {
            out.error = Some(values_failure(&err, input));
            return out;
        }
    };
    match sketch::render(&merged.json, &out.release) {
        Ok(text) => out.manifests = text,
        Err(message) => {
            out.error = Some(PostRenderFailure {
                message: format!("the chart does not render: {message}"),
                problem: message,
                document: None,
                object: None,
                line: None,
                column: None,
                source: None,
            });
            return out;
        }
    }
    match postrender::post_render(&out.manifests, &PostRenderOptions::default()) {
        Ok(rendered) => {
            out.ok = true;
            out.summary = Some(rendered.summary);
        }
        Err(err) => out.error = Some(stream_failure(&err, &out.manifests)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> ValuesInput {
        ValuesInput {
            files: vec![values::ValuesFile::new("values.yaml", text)],
            ..ValuesInput::default()
        }
    }

    fn explain(text: &str) -> ExplainInput {
        ExplainInput {
            values: values(text),
            ..ExplainInput::default()
        }
    }

    #[test]
    fn explain_input_reads_the_values_and_the_release() {
        let e: ExplainInput = serde_json::from_str(
            r#"{"files": [{"name": "v.yaml", "text": "a: 1"}], "setStrings": ["b=2"], "release": "r"}"#,
        )
        .unwrap();
        assert_eq!(e.release.as_deref(), Some("r"));
        assert_eq!(e.values.set_strings, ["b=2"]);
        assert!(serde_json::from_str::<ExplainInput>(r#"{"fiels": []}"#).is_err());
    }

    #[test]
    fn columns_after_an_astral_character_are_utf16() {
        let report = validate(&values(
            "podLabels: {\"😀\": x}\nimage: {tag: \"😀\", reposit: x}\n",
        ));
        let r = ValidateResult::of(&report);
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == Code::UnknownKey)
            .expect("an unknown-key diagnostic");
        // `reposit` follows `image: {tag: "😀", `: 18 chars, 19 UTF-16 units
        // (the core says column 19; JavaScript counts 20).
        assert_eq!((d.line, d.column), (Some(2), Some(20)), "{d:?}");
        assert_eq!((d.end_line, d.end_column), (Some(2), Some(27)), "{d:?}");
    }

    #[test]
    fn problems_in_the_document_are_data() {
        let report = validate(&values("a: [\n"));
        let r = ValidateResult::of(&report);
        assert!(!r.valid);
        assert_eq!(r.errors, 1);
        assert_eq!(r.diagnostics[0].code, Code::YamlSyntax);

        let p = post_render(&PostRenderInput {
            // Broken and carrying the annotation, so the post-renderer needs it
            // (another chart's broken document would pass through).
            manifests: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, annotations: {mcp-chart/transport: x}\n".into(),
            ..PostRenderInput::default()
        });
        assert!(!p.ok && p.output.is_empty());
        assert_eq!(p.error.as_ref().and_then(|e| e.document), Some(1));
    }

    #[test]
    fn explains_the_gateway_for_named_servers() {
        let text = "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    servers:\n      time:\n        command: uvx\n        args: [mcp-server-time]\n";
        let e = explain_injection(&explain(text));
        assert!(e.ok, "{:?}", e.error);
        let summary = e.summary.expect("a summary");
        let gateway = summary.workloads[0].gateway.as_ref().expect("a gateway");
        assert_eq!(gateway.named_servers[0].name, "time");
        assert!(gateway.servers_json.is_some());
    }

    #[test]
    fn explains_why_the_chart_would_not_render() {
        let e = explain_injection(&explain("mode: node\n"));
        assert!(!e.ok);
        let error = e.error.expect("an error");
        assert!(error.message.contains("node.package is empty"), "{error:?}");
    }
}
