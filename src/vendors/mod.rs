//! One module per hosting vendor, each offering a `provider()` for its plugin binary.

pub mod hoster;
pub mod hosthatch;
