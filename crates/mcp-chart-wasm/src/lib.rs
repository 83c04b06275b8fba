//! mcp-chart-wasm: wasm-bindgen bindings of mcp-chart-core for the browser
//! playground and JavaScript users. A DTO layer only: deserialize, call the
//! core, serialize.

use wasm_bindgen::prelude::wasm_bindgen;

/// The chart's values JSON Schema, as JSON text.
#[wasm_bindgen(js_name = valuesSchema)]
pub fn values_schema() -> String {
    mcp_chart_core::schema::values_schema_text()
}
