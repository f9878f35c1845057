//! The Open Hosting provider: its configuration (HTTP Basic credentials from arguments,
//! `OPENHOSTING_*` or the vendor tools' `OHAUTH`/`OHURI`, endpoint, polling, retries and
//! upload knobs), the client it builds, and the resources and data sources it offers.

pub mod api;
pub mod data_drives;
pub mod data_network;
pub mod data_servers;
pub mod drive;
mod drive_plan;
mod drive_waits;
mod fields;
#[cfg(test)]
mod lifecycle_tests;
pub mod models;
pub mod network;
mod recover;
pub mod server;
mod server_config;
mod server_waits;
pub mod size;
pub mod upload;
pub mod upload_extents;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::support::provider_args::{
    env_nonempty, max_requests_per_second_attribute, string_arg, Connection, ConnectionDefaults,
};
use crate::support::{ApiClient, Auth};
use crate::tfplugin::provider::{DataSource, Provider, Resource};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub use api::OpenHostingClient;

pub const DEFAULT_ENDPOINT: &str = "https://api-east1.openhosting.com";
pub const USER_ENV: &str = "OPENHOSTING_USER_UUID";
pub const KEY_ENV: &str = "OPENHOSTING_API_KEY";
pub const ENDPOINT_ENV: &str = "OPENHOSTING_ENDPOINT";
pub const RATE_ENV: &str = "OPENHOSTING_MAX_REQUESTS_PER_SECOND";
/// The vendor tools' `uuid:key` credentials variable.
pub const TOOLS_AUTH_ENV: &str = "OHAUTH";
/// The vendor tools' endpoint variable.
pub const TOOLS_URI_ENV: &str = "OHURI";
pub const DEFAULT_CHUNK_SIZE: u64 = 4 << 20;
pub const DEFAULT_UPLOAD_CONCURRENCY: usize = 4;

/// The Open Hosting provider.
pub struct OpenHostingProvider;

pub fn provider() -> OpenHostingProvider {
    OpenHostingProvider
}

fn config_schema() -> Schema {
    Schema::new(
        Block::new("Manages [Open Hosting](https://www.openhosting.com) drives, servers, static IPs and VLANs through its ElasticHosts-style API.")
            .attr(Attribute::optional("user_uuid", Type::String).env(USER_ENV).describe("Your user UUID (the HTTP Basic user name). Defaults to `OPENHOSTING_USER_UUID`, then the part of `OHAUTH` (`uuid:key`, as the vendor's tools use) before the colon."))
            .attr(Attribute::optional("api_key", Type::String).sensitive().env(KEY_ENV).describe("Your secret API key (the HTTP Basic password). Defaults to `OPENHOSTING_API_KEY`, then the part of `OHAUTH` after the colon."))
            .attr(Attribute::optional("endpoint", Type::String).env(ENDPOINT_ENV).check(Check::NonEmpty).describe("Base URL of the API. Defaults to `OPENHOSTING_ENDPOINT`, then `OHURI`, then `https://api-east1.openhosting.com`."))
            .attr(Attribute::optional("poll_interval", Type::String).check(Check::Duration).describe("How often to poll while waiting for imaging or a server to stop, as a Go duration (default `\"2s\"`): the shortest pause; pauses grow to a tenth of the time waited (at most 30s), longer while imaging reports progress."))
            .attr(Attribute::optional("max_retries", Type::Number).check(Check::IntRange(0, 100)).describe("How many times a request is retried after a rate limit, or after a server error or network failure where that is safe; each upload chunk is retried on its own (default 5)."))
            .attr(max_requests_per_second_attribute(RATE_ENV))
            .attr(Attribute::optional("request_timeout", Type::String).check(Check::Duration).describe("How long one HTTP request may take, as a Go duration (default `\"120s\"`)."))
            .attr(Attribute::optional("upload_chunk_size", Type::String).check(Check::Custom(check_chunk_size)).describe("Size of the chunks `source_file` uploads are split into, in bytes or with a `k`/`M` suffix (default `\"4M\"`, at most `\"64M\"`)."))
            .attr(Attribute::optional("upload_concurrency", Type::Number).check(Check::IntRange(1, 32)).describe("How many upload chunks are in flight at once (default 4).")),
    )
}

fn check_chunk_size(value: &Value) -> Result<(), String> {
    match value.as_str().map(size::parse_size) {
        Some(Ok(n)) if (4096..=64 << 20).contains(&n) => Ok(()),
        Some(Ok(_)) => Err("must be from 4k to 64M".into()),
        Some(Err(problem)) => Err(problem),
        None => Ok(()),
    }
}

/// User UUID and API key: arguments, then `OPENHOSTING_*`, then `OHAUTH`.
pub fn credentials(config: &Value) -> (Option<String>, Option<String>) {
    credentials_from(config, env_nonempty)
}

fn credentials_from(
    config: &Value,
    env: impl Fn(&str) -> Option<String>,
) -> (Option<String>, Option<String>) {
    let tools = env(TOOLS_AUTH_ENV);
    let (tools_user, tools_key) = match tools.as_deref().and_then(|t| t.split_once(':')) {
        Some((u, k)) => (Some(u.trim().to_string()), Some(k.trim().to_string())),
        None => (tools, None),
    };
    let user = string_arg(config, "user_uuid")
        .or_else(|| env(USER_ENV))
        .or(tools_user)
        .filter(|s| !s.is_empty());
    let key = string_arg(config, "api_key")
        .or_else(|| env(KEY_ENV))
        .or(tools_key)
        .filter(|s| !s.is_empty());
    (user, key)
}

#[async_trait]
impl Provider for OpenHostingProvider {
    type Client = OpenHostingClient;

    fn name(&self) -> &'static str {
        "openhosting"
    }

    fn schema(&self) -> Schema {
        config_schema()
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        stop: CancellationToken,
        diags: &mut Diagnostics,
    ) -> Option<OpenHostingClient> {
        if !config.is_wholly_known() {
            return None;
        }
        let (user, key) = credentials(config);
        let missing = if user.is_none() {
            "user_uuid"
        } else {
            "api_key"
        };
        let (Some(user), Some(key)) = (user, key) else {
            diags.attr_error(
                crate::tfplugin::AttrPath::attr(missing),
                "Missing Open Hosting credentials",
                "The provider needs your user UUID and secret API key (from your account profile): set `user_uuid` and `api_key` in the provider block, or OPENHOSTING_USER_UUID and OPENHOSTING_API_KEY, or OHAUTH=uuid:key as the vendor's tools use.",
            );
            return None;
        };
        crate::tfplugin::log::register_secret(&key);
        let defaults = ConnectionDefaults {
            endpoint_env: &[ENDPOINT_ENV, TOOLS_URI_ENV],
            endpoint: DEFAULT_ENDPOINT,
            poll_interval_env: &[],
            request_timeout: Duration::from_secs(120),
            max_requests_per_second_env: RATE_ENV,
        };
        let connection = Connection::read(config, &defaults, diags)?;
        let chunk_size = match config.get("upload_chunk_size").as_str() {
            None => Some(DEFAULT_CHUNK_SIZE),
            Some(text) => size::parse_size(text).ok(),
        };
        let concurrency = config
            .get("upload_concurrency")
            .as_i64()
            .map_or(Some(DEFAULT_UPLOAD_CONCURRENCY), |n| {
                usize::try_from(n).ok().filter(|n| *n > 0)
            });
        let (Some(chunk_size), Some(concurrency)) = (chunk_size, concurrency) else {
            if !diags.has_errors() {
                diags.error(
                    "Invalid provider configuration",
                    "upload_chunk_size or upload_concurrency is out of range.",
                );
            }
            return None;
        };
        let settings = connection.http_settings(terraform_version, Auth::Basic(user, key));
        match ApiClient::new(settings) {
            Ok(api) => Some(OpenHostingClient {
                api: api
                    .with_error_parser(models::error_message)
                    .with_error_class_header("X-Elastic-Error")
                    .with_cancel(stop),
                poll_interval: connection.poll_interval,
                upload: upload::UploadSettings {
                    chunk_size,
                    concurrency,
                },
                reads: Default::default(),
            }),
            Err(e) => {
                diags.error("Cannot set up the Open Hosting client", e.to_string());
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<OpenHostingClient>>> {
        vec![
            Arc::new(drive::DriveResource),
            Arc::new(server::ServerResource),
            Arc::new(network::NetworkResource::IP),
            Arc::new(network::NetworkResource::VLAN),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<OpenHostingClient>>> {
        vec![
            Arc::new(data_drives::DriveDataSource),
            Arc::new(data_drives::DrivesDataSource),
            Arc::new(data_servers::ServerDataSource),
            Arc::new(data_servers::ServersDataSource),
            Arc::new(data_network::NetworkListDataSource::IPS),
            Arc::new(data_network::NetworkListDataSource::VLANS),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::test_support::object_of;

    fn config(pairs: &[(&str, Value)]) -> Value {
        object_of(&config_schema(), pairs)
    }

    #[tokio::test]
    async fn arguments_configure_a_basic_auth_client() {
        let mut d = Diagnostics::default();
        let c = config(&[
            ("user_uuid", "u-1".into()),
            ("api_key", "k-secret".into()),
            ("upload_chunk_size", "1M".into()),
        ]);
        let client = provider()
            .configure(&c, "1.9.0", CancellationToken::new(), &mut d)
            .await
            .unwrap();
        assert!(d.0.is_empty(), "{d:?}");
        assert_eq!(client.upload.chunk_size, 1 << 20);
        assert_eq!(client.api.endpoint(), DEFAULT_ENDPOINT);
    }

    #[test]
    fn credentials_come_from_arguments_then_env_then_ohauth() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let none = config(&[]);
        let ohauth = env(&[(TOOLS_AUTH_ENV, "uuid-1:key-1")]);
        assert_eq!(
            credentials_from(&none, ohauth),
            (Some("uuid-1".into()), Some("key-1".into()))
        );
        let both = env(&[
            (TOOLS_AUTH_ENV, "uuid-1:key-1"),
            (USER_ENV, "uuid-2"),
            (KEY_ENV, "key-2"),
        ]);
        assert_eq!(
            credentials_from(&none, both),
            (Some("uuid-2".into()), Some("key-2".into()))
        );
        let args = config(&[("user_uuid", "uuid-3".into()), ("api_key", "key-3".into())]);
        assert_eq!(
            credentials_from(&args, both),
            (Some("uuid-3".into()), Some("key-3".into()))
        );
        assert_eq!(credentials_from(&none, env(&[])), (None, None));
        assert_eq!(
            credentials_from(&none, env(&[(TOOLS_AUTH_ENV, "only-a-uuid")])),
            (Some("only-a-uuid".into()), None)
        );
    }

    #[test]
    fn chunk_sizes_are_bounded() {
        assert!(check_chunk_size(&"4M".into()).is_ok());
        assert!(check_chunk_size(&"1".into()).is_err());
        assert!(check_chunk_size(&"1G".into()).is_err());
        assert!(check_chunk_size(&"lots".into()).is_err());
    }

    #[test]
    fn every_argument_is_described() {
        for a in &config_schema().block.attributes {
            assert!(!a.description.is_empty(), "{}", a.name);
        }
    }
}
