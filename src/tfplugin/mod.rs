//! The Terraform plugin protocol 5, vendor-agnostic: values and their codecs, schemas,
//! diagnostics, the generic planner, the traits a vendor implements, and the gRPC server.

pub mod json;
pub mod msgpack;
pub mod types;
pub mod value;

pub use types::Type;
pub use value::{Number, Value};
