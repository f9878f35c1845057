//! Helpers every vendor shares and none owns: the HTTP client with its retry policy and typed
//! errors, the poll engine, lenient decoding of vendor JSON, the error-to-diagnostic
//! conversion, and reading the provider-block arguments they share.

pub mod checks;
pub mod coalesce;
pub mod diag;
pub mod http;
pub mod lenient;
pub mod poll_schedule;
pub mod provider_args;
pub mod rate_limit;
pub mod totp;
pub mod wait;

pub use http::{ApiClient, ApiError, Auth, Body, HttpSettings, Idempotency, Response};
pub use rate_limit::RequestLimiter;
pub use wait::{wait_for, Hint, Poll, WaitError, WaitSpec};
