//! One module per hosting vendor, each offering a `provider()` for its plugin binary.

pub mod hosthatch;
pub mod openhosting;
