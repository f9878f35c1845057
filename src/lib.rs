//! hostform: Terraform providers for independent hosting vendors, and a simulator of their APIs.
//!
//! # Layout
//! - [`tfplugin`]: the Terraform plugin protocol 5, vendor-agnostic.
//! - [`support`]: helpers vendors share (HTTP client with retries and a request limiter, waiter,
//!   lenient decoding).
//! - [`vendors`]: one module per hosting vendor.
//! - [`sim`]: the simulator of the vendors' APIs.

pub mod docs;
pub mod proto;
pub mod sim;
pub mod support;
pub mod tfplugin;
pub mod vendors;
