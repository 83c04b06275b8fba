//! mcp-chart-wasm: wasm-bindgen bindings of mcp-chart-core for the browser
//! playground and JavaScript users. A DTO layer only: deserialize, call the
//! core, serialize.
//!
//! Problems in the user's documents (broken YAML, schema errors, a `--set`
//! that does not parse, manifests the post-renderer refuses) come back as
//! data; only misuse of the API (an argument of the wrong shape) throws.
//! Lines and columns are 1-based and columns count UTF-16 code units, as
//! JavaScript strings and editors do (the core counts characters).

mod columns;
mod dto;
/// The chart rendering moved to the core; the old path stays for callers.
pub use mcp_chart_core::chart as sketch;

use serde::Serialize;
use wasm_bindgen::prelude::{wasm_bindgen, JsError, JsValue};

pub use columns::utf16_column;
pub use dto::{
    explain_injection, post_render, validate, Diagnostic, ExplainInput, Explanation,
    PostRenderFailure, PostRenderInput, PostRenderResult, ValidateResult,
};
pub use mcp_chart_core::values::{ValuesFile, ValuesInput};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");

/// The chart's values JSON Schema, as JSON text (the committed file, which the
/// core's tests hold equal to what the model generates; generating it here
/// would link the schema generator into the module).
#[wasm_bindgen(js_name = valuesSchema)]
pub fn values_schema() -> String {
    mcp_chart_core::embedded::VALUES_SCHEMA_JSON.to_string()
}

/// The chart's default values.yaml, as the core embeds it (the playground
/// shows the source line of a diagnostic located there).
#[wasm_bindgen(js_name = chartValues)]
pub fn chart_values() -> String {
    mcp_chart_core::embedded::VALUES_YAML.to_string()
}

/// Validates values files (merged in order over the chart defaults, then the
/// `--set` and `--set-string` arguments), as `mcp-chart validate` does.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "ValidateResult")]
pub fn validate_js(
    #[wasm_bindgen(unchecked_param_type = "ValuesInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: ValuesInput = from_js(input, "validate")?;
    to_js(&ValidateResult::of(&validate(&input)))
}

/// Post-renders a manifest stream, as `mcp-chart post-render` does.
#[wasm_bindgen(js_name = postRender, unchecked_return_type = "PostRenderResult")]
pub fn post_render_js(
    #[wasm_bindgen(unchecked_param_type = "PostRenderInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: PostRenderInput = from_js(input, "postRender")?;
    to_js(&post_render(&input))
}

/// What the post-renderer will inject for these values (it post-renders a
/// sketch of the chart's output for them).
#[wasm_bindgen(js_name = explainInjection, unchecked_return_type = "Explanation")]
pub fn explain_injection_js(
    #[wasm_bindgen(unchecked_param_type = "ExplainInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: ExplainInput = from_js(input, "explainInjection")?;
    to_js(&explain_injection(&input))
}

/// Reads an argument through `JSON.stringify` and serde_json, so it is read
/// exactly as the CLI reads JSON and unknown fields (typos) are refused.
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    let invalid = |why: String| JsError::new(&format!("{what}: invalid argument: {why}"));
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid("expected an object".into()))?;
    serde_json::from_str(&text).map_err(|err| invalid(err.to_string()))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value)
        .map_err(|err| JsError::new(&format!("cannot return the result: {err}")))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot return the result"))
}
