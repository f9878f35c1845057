//! hostform: Terraform providers for independent hosting vendors, and a simulator of their APIs.
pub mod sim;
