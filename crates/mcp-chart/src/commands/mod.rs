//! One module per subcommand.

pub mod post_render;
pub mod schema;
pub mod validate;
