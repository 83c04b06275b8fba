//! mcp-chart-wasm: wasm-bindgen bindings of mcp-chart-core for the browser
//! playground and JavaScript users. A DTO layer only: deserialize, call the
//! core, serialize.
//!
//! Problems in the user's documents (broken YAML, schema errors, a `--set`
//! that does not parse) come back as diagnostics; only misuse of the API (an
//! argument of the wrong shape) throws. Lines and columns are 1-based and
//! columns count UTF-16 code units, as JavaScript strings and editors do.

mod columns;
mod dto;
pub mod sketch;

use serde::Serialize;
use wasm_bindgen::prelude::{wasm_bindgen, JsError, JsValue};

pub use columns::utf16_column;
pub use dto::{Diagnostic, ValidateInput, ValidateResult, ValuesFile};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");

/// The chart's values JSON Schema, as JSON text.
#[wasm_bindgen(js_name = valuesSchema)]
pub fn values_schema() -> String {
    mcp_chart_core::schema::values_schema_text()
}

/// Validates values files (merged in order over the chart defaults, then the
/// `--set` arguments) and returns every diagnostic.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "ValidateResult")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "ValidateInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: ValidateInput = from_js(input, "validate")?;
    to_js(&dto::validate(&input))
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|err| JsError::new(&format!("{what}: invalid argument: {err}")))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| JsError::new(&format!("cannot return the result: {err}")))
}
