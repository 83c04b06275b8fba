//! Output formats of `mcp-chart validate`: human (source snippets), json and
//! GitHub workflow annotations.

pub mod github;
pub mod human;
pub mod json;
