//! mcp-chart's post-renderer as a Helm 4 `postrenderer/v1` plugin for the
//! `extism/v1` runtime (see docs/wasm-engine.md, "Helm 4 WASM plugin").
//!
//! Helm calls the export `helm_plugin_main` with the JSON of its
//! `InputMessagePostRendererV1` and reads the JSON of an
//! `OutputMessagePostRendererV1`:
//!
//! ```text
//! in:  {"manifests": "<the rendered stream>", "extraArgs": ["--workload", "Deployment/x"]}
//! out: {"manifests": "<the post-rendered stream>"}
//! ```
//!
//! Helm 4.3.1 declares `manifests` as a Go `*bytes.Buffer`, which encodes as
//! `{}`: the plugin never sees the manifests (helm/helm#31832). The plugin
//! says so in its error instead of guessing. The fixes proposed upstream make
//! `manifests` a string; should Helm send bytes instead (a base64 string, as
//! Go encodes `[]byte`), the plugin decodes them and answers in kind.
//!
//! The work is done by the same code as `mcp-chart post-render`
//! ([`mcp_chart_module::run`]), so the output is byte-identical.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use mcp_chart_module::{Request, Response, Text, ValuesInput};
use serde::{Deserialize, Serialize};

/// Helm's input message (`InputMessagePostRendererV1`).
#[derive(Debug, Deserialize)]
struct HelmInput {
    /// The stream: a string once Helm is fixed, `{}` in Helm 4.3.1.
    #[serde(default)]
    manifests: serde_json::Value,
    /// `--post-renderer-args`; Go encodes an empty list as `null`.
    #[serde(rename = "extraArgs", default)]
    extra_args: Option<Vec<String>>,
}

/// Helm's output message (`OutputMessagePostRendererV1`).
#[derive(Debug, Serialize)]
struct HelmOutput {
    manifests: String,
}

/// The options `--post-renderer-args` may carry (the files of `--values`
/// cannot be read from inside the sandbox).
#[derive(Debug, Default, PartialEq)]
struct Options {
    workload: Option<String>,
    container: Option<String>,
    /// `--set` and `--set-string`.
    values: ValuesInput,
}

/// What Helm 4.3.1 sends in place of the manifests, explained.
pub const HELM_31832: &str = "Helm passed no manifests (`manifests` is {}, \
not text): Helm 4.3.1 and older cannot give a WASM post-renderer its input \
(helm/helm#31832). Use the subprocess plugin helm-plugin/mcp-chart \
(`--post-renderer mcp-chart`, which runs `mcp-chart post-render`) until a Helm \
release fixes it";

/// Handles one Helm call: input message JSON in, output message JSON out, or
/// the error Helm should show.
pub fn handle(input: &[u8]) -> Result<Vec<u8>, String> {
    let input: HelmInput = serde_json::from_slice(input)
        .map_err(|err| format!("Helm's input message does not parse: {err}"))?;
    let (stream, base64) = match input.manifests {
        serde_json::Value::String(text) => match decode_base64(&text) {
            Some(bytes) => (bytes, true),
            None => (text.into_bytes(), false),
        },
        serde_json::Value::Object(map) if map.is_empty() => return Err(HELM_31832.to_string()),
        serde_json::Value::Null => return Err(HELM_31832.to_string()),
        other => {
            return Err(format!(
                "Helm's `manifests` is neither text nor bytes: {}",
                kind(&other)
            ))
        }
    };
    let options = parse_args(input.extra_args.as_deref().unwrap_or_default())?;
    let request = Request::PostRender {
        input: Text(stream),
        values: options.values.has_sets().then_some(options.values),
        workload: options.workload,
        container: options.container,
        check: false,
    };
    let output = match mcp_chart_module::run(request) {
        Response::PostRender { result } => result.map_err(|message| format!("error: {message}"))?,
        _ => return Err("the core gave no post-render answer".to_string()),
    };
    let manifests = if base64 {
        STANDARD.encode(output.as_bytes())
    } else {
        output
    };
    serde_json::to_vec(&HelmOutput { manifests }).map_err(|err| err.to_string())
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Base64 as Go encodes `[]byte`: only the standard alphabet, padded. A
/// manifest stream always has a `:`, a space or a line break, which base64
/// has not, so text is never mistaken for it.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let plausible = !text.is_empty()
        && text.len().is_multiple_of(4)
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=');
    if !plausible {
        return None;
    }
    STANDARD.decode(text).ok()
}

/// `--post-renderer-args`: the `post-render` of a Helm 3 command line is
/// accepted and ignored, so the same arguments work for both.
fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter().map(String::as_str).peekable();
    if args.peek() == Some(&"post-render") {
        args.next();
    }
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (arg, None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .map(str::to_string)
                .or_else(|| args.next().map(str::to_string))
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "--workload" => options.workload = Some(value()?),
            "--container" => options.container = Some(value()?),
            "--set" => options.values.sets.push(value()?),
            "--set-string" => options.values.set_strings.push(value()?),
            "-f" | "--values" => {
                return Err(format!(
                    "{flag}: the WASM plugin cannot read files; use --set, or the \
                     chart's mcp-chart/transport annotation"
                ))
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (the WASM plugin takes --workload, \
                     --container, --set and --set-string)"
                ))
            }
        }
    }
    Ok(options)
}

#[cfg(target_arch = "wasm32")]
mod export {
    #![allow(unsafe_code)] // `#[plugin_fn]` expands to an unmangled export.

    use extism_pdk::{plugin_fn, FnResult, WithReturnCode};

    /// Helm's entry point (`entryFuncName` defaults to `helm_plugin_main`).
    #[plugin_fn]
    pub fn helm_plugin_main(input: Vec<u8>) -> FnResult<Vec<u8>> {
        super::handle(&input)
            .map_err(|message| WithReturnCode::new(extism_pdk::Error::msg(message), 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_4_3_1_input_is_explained() {
        for input in [
            r#"{"manifests":{},"extraArgs":[]}"#,
            r#"{"manifests":{},"extraArgs":null}"#,
            r#"{"manifests":null}"#,
            r#"{}"#,
        ] {
            assert_eq!(
                handle(input.as_bytes()),
                Err(HELM_31832.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn other_shapes_are_errors() {
        let err = handle(br#"{"manifests":[1]}"#).unwrap_err();
        assert!(err.contains("a list"), "{err}");
        assert!(handle(b"not json").unwrap_err().contains("does not parse"));
    }

    #[test]
    fn text_and_base64_streams_are_post_rendered_alike() {
        let stream = "---\n# Source: x/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
        let out = handle(
            serde_json::json!({"manifests": stream, "extraArgs": []})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let out: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(out, serde_json::json!({"manifests": stream}));

        let encoded = STANDARD.encode(stream);
        let out = handle(
            serde_json::json!({"manifests": encoded, "extraArgs": null})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let out: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(out, serde_json::json!({"manifests": encoded}));
    }

    #[test]
    fn text_is_never_taken_for_base64() {
        assert_eq!(decode_base64("kind: List\n"), None);
        assert_eq!(decode_base64(""), None);
        assert_eq!(decode_base64("YQ=="), Some(b"a".to_vec()));
    }

    #[test]
    fn arguments() {
        let args: Vec<String> = [
            "post-render",
            "--workload",
            "Deployment/x",
            "--container=c",
            "--set",
            "a=1",
            "--set-string=b=2",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            parse_args(&args).unwrap(),
            Options {
                workload: Some("Deployment/x".into()),
                container: Some("c".into()),
                values: ValuesInput {
                    sets: vec!["a=1".into()],
                    set_strings: vec!["b=2".into()],
                    ..ValuesInput::default()
                },
            }
        );
        assert!(parse_args(&["--values".into(), "v.yaml".into()])
            .unwrap_err()
            .contains("cannot read files"));
        assert!(parse_args(&["--check".into()])
            .unwrap_err()
            .contains("unknown argument"));
        assert!(parse_args(&["--workload".into()])
            .unwrap_err()
            .contains("needs a value"));
    }
}
