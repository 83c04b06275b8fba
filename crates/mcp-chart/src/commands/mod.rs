//! One module per subcommand.

pub mod engine_request;
pub mod flux;
pub mod post_render;
pub mod schema;
pub mod validate;
pub mod values;
