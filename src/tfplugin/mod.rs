//! The Terraform plugin protocol 5, vendor-agnostic: values and their codecs, schemas,
//! diagnostics, the generic planner, the traits a vendor implements, and the gRPC server.

pub mod diag;
pub mod ephemeral;
pub mod grpc;
pub mod json;
pub mod log;
pub mod msgpack;
pub mod plan;
pub mod provider;
pub mod schema;
pub mod serve;
pub mod side_services;
pub mod timeouts;
pub mod tls;
pub mod types;
pub mod value;

#[cfg(test)]
mod service_tests;

pub use diag::{AttrPath, Diagnostics};
pub use schema::{Attribute, Block, Check, Schema};
pub use types::Type;
pub use value::{Number, Value};
