//! mcp-chart-core: the pure core of mcp-chart.
//!
//! It owns the typed model of the `mcp-server` chart's values, the JSON Schema
//! generated from it, the YAML reader that sees values the way Helm does, the
//! validator and the post-renderer. It takes text and returns values: no I/O,
//! no processes, no clock, so it builds for native targets and WebAssembly alike.

pub mod chart;
pub mod defaults;
pub mod display;
pub mod duration;
pub mod embedded;
pub mod gateway;
pub mod json_schema;
pub mod location;
pub mod model;
pub mod postrender;
pub mod readme;
pub mod schema;
pub mod validate;
pub mod values;
pub mod yaml;
