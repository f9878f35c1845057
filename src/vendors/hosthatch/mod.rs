//! The HostHatch provider: its configuration (token, endpoint, polling and retry knobs), the
//! client it builds, and the resources and data sources it offers.

pub mod api;
pub mod data_products;
pub mod data_server;
pub mod data_servers;
pub mod data_ssh_keys;
#[cfg(test)]
mod lifecycle_tests;
pub mod models;
#[cfg(test)]
mod refresh_tests;
pub mod server;
mod server_waits;
pub mod ssh_key;

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

pub use api::HostHatchClient;

pub const DEFAULT_ENDPOINT: &str = "https://cloud.hosthatch.com/api/v1";
pub const TOKEN_ENV: &str = "HOSTHATCH_TOKEN";
pub const ENDPOINT_ENV: &str = "HOSTHATCH_ENDPOINT";
pub const RATE_ENV: &str = "HOSTHATCH_MAX_REQUESTS_PER_SECOND";

/// The HostHatch provider.
pub struct HostHatchProvider;

pub fn provider() -> HostHatchProvider {
    HostHatchProvider
}

fn config_schema() -> Schema {
    Schema::new(
        Block::new("Manages [HostHatch](https://hosthatch.com) servers and SSH keys through the HostHatch API.")
            .attr(
                Attribute::optional("token", Type::String)
                    .sensitive()
                    .env(TOKEN_ENV)
                    .describe("API token generated in the HostHatch control panel. Defaults to the `HOSTHATCH_TOKEN` environment variable."),
            )
            .attr(
                Attribute::optional("endpoint", Type::String)
                    .env(ENDPOINT_ENV)
                    .check(Check::NonEmpty)
                    .describe("Base URL of the HostHatch API. Defaults to the `HOSTHATCH_ENDPOINT` environment variable, then `https://cloud.hosthatch.com/api/v1`."),
            )
            .attr(
                Attribute::optional("poll_interval", Type::String)
                    .check(Check::Duration)
                    .describe("How often to poll while waiting for a server, as a Go duration (default `\"2s\"`): the shortest pause; pauses grow to a tenth of the time waited (at most 30s)."),
            )
            .attr(
                Attribute::optional("max_retries", Type::Number)
                    .check(Check::IntRange(0, 100))
                    .describe("How many times a request is retried after a rate limit (429), or after a server error or network failure where that is safe (default 5)."),
            )
            .attr(max_requests_per_second_attribute(RATE_ENV))
            .attr(
                Attribute::optional("request_timeout", Type::String)
                    .check(Check::Duration)
                    .describe("How long one HTTP request may take, as a Go duration (default `\"60s\"`)."),
            ),
    )
}

#[async_trait]
impl Provider for HostHatchProvider {
    type Client = HostHatchClient;

    fn name(&self) -> &'static str {
        "hosthatch"
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
    ) -> Option<HostHatchClient> {
        if !config.is_wholly_known() {
            return None;
        }
        let token = string_arg(config, "token").or_else(|| env_nonempty(TOKEN_ENV));
        let Some(token) = token else {
            diags.attr_error(
                crate::tfplugin::AttrPath::attr("token"),
                "Missing HostHatch API token",
                "The provider needs an API token from the HostHatch control panel: set the `token` argument in the provider block, or the HOSTHATCH_TOKEN environment variable.",
            );
            return None;
        };
        crate::tfplugin::log::register_secret(&token);
        let defaults = ConnectionDefaults {
            endpoint_env: &[ENDPOINT_ENV],
            endpoint: DEFAULT_ENDPOINT,
            poll_interval_env: &[],
            request_timeout: Duration::from_secs(60),
            max_requests_per_second_env: RATE_ENV,
        };
        let connection = Connection::read(config, &defaults, diags)?;
        let settings = connection.http_settings(terraform_version, Auth::Bearer(token));
        match ApiClient::new(settings) {
            Ok(api) => Some(HostHatchClient {
                api: api
                    .with_error_parser(models::error_message)
                    .with_cancel(stop),
                poll_interval: connection.poll_interval,
                reads: Default::default(),
            }),
            Err(e) => {
                diags.error("Cannot set up the HostHatch client", e.to_string());
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<HostHatchClient>>> {
        vec![
            Arc::new(server::ServerResource),
            Arc::new(ssh_key::SshKeyResource),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<HostHatchClient>>> {
        vec![
            Arc::new(data_products::ProductsDataSource),
            Arc::new(data_server::ServerDataSource),
            Arc::new(data_servers::ServersDataSource),
            Arc::new(data_ssh_keys::SshKeysDataSource),
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
    async fn unknown_configuration_is_not_an_error() {
        let mut d = Diagnostics::default();
        assert!(provider()
            .configure(
                &config(&[("token", Value::Unknown)]),
                "1.9.0",
                CancellationToken::new(),
                &mut d
            )
            .await
            .is_none());
        assert!(d.0.is_empty());
    }

    #[tokio::test]
    async fn a_token_in_the_config_configures() {
        let mut d = Diagnostics::default();
        let c = config(&[
            ("token", "abcd-token".into()),
            ("poll_interval", "100ms".into()),
        ]);
        let client = provider()
            .configure(&c, "1.9.0", CancellationToken::new(), &mut d)
            .await
            .unwrap();
        assert_eq!(client.poll_interval, Duration::from_millis(100));
        assert!(d.0.is_empty());
    }

    #[tokio::test]
    async fn a_missing_token_names_both_ways_to_give_one() {
        if std::env::var(TOKEN_ENV).is_ok() {
            return;
        }
        let mut d = Diagnostics::default();
        assert!(provider()
            .configure(&config(&[]), "1.9.0", CancellationToken::new(), &mut d)
            .await
            .is_none());
        assert_eq!(d.0[0].summary, "Missing HostHatch API token");
        assert!(d.0[0].detail.contains("`token`") && d.0[0].detail.contains(TOKEN_ENV));
    }

    #[test]
    fn every_argument_is_described() {
        for a in &config_schema().block.attributes {
            assert!(!a.description.is_empty(), "{}", a.name);
        }
    }
}
