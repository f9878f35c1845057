//! Shared harness for the end-to-end tests in `tests/*.rs` (each does `mod support;`):
//! a simulator process ([`Sim`]), Terraform working directories wired to the locally
//! built providers through `dev_overrides` ([`TfWork`]), the list of Terraform binaries
//! to test with ([`terraform_binaries`], [`for_each_terraform`]) and small fixtures.
//!
//! Every test binary uses only part of this module, hence the allowances below.
#![allow(dead_code, unused_imports)]

mod binaries;
mod fixtures;
mod hosthatch_hcl;
mod http;
mod process;
mod secrets;
mod sim;
mod workspace;

pub use binaries::{for_each_terraform, panic_text, terraform_binaries, terraform_version};
pub use fixtures::{find_resource, resource_attr, ssh_public_key};
pub use hosthatch_hcl::{hosthatch_provider, hosthatch_ssh_key, hosthatch_web_server};
pub use http::{request_json, HttpReply};
pub use process::RunOutput;
pub use secrets::{Scanner, Secret, BYTES_SCANNED, COMMANDS_SCANNED};
pub use sim::{parse_listen_line, Sim};
pub use workspace::{TfWork, OPENHOSTING_SIM_USER, PROVIDER_NAMES};
