//! One module per subcommand.

pub mod engine_request;
pub mod schema;
