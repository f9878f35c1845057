//! The hoster provider (HosterAPI reseller API): its configuration (token, endpoint, polling
//! and retry knobs), the client it builds, and the resources and data sources it offers.

pub mod api;
mod backup_tasks;
pub mod console;
pub mod data_lists;
pub mod data_market;
pub mod data_templates;
pub mod data_vm;
pub mod data_vms;
pub mod dedicated;
mod dedicated_state;
pub mod disk;
pub mod jobs;
#[cfg(test)]
mod lifecycle_tests;
pub mod models;
pub mod software;
pub mod vm;
mod vm_actions;
pub mod vm_backup;
mod vm_create;
mod vm_state;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::support::provider_args::{
    env_nonempty, max_requests_per_second_attribute, string_arg, Connection, ConnectionDefaults,
};
use crate::support::{ApiClient, Auth};
use crate::tfplugin::provider::{DataSource, EphemeralResource, Provider, Resource};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub use api::HosterClient;

pub const DEFAULT_ENDPOINT: &str = "https://reseller.hosterapi.de/api/v1";
pub const TOKEN_ENV: &str = "HOSTER_TOKEN";
pub const ENDPOINT_ENV: &str = "HOSTER_ENDPOINT";
pub const RATE_ENV: &str = "HOSTER_MAX_REQUESTS_PER_SECOND";
pub const POLL_INTERVAL_ENV: &str = "HOSTER_POLL_INTERVAL";

/// The hoster provider.
pub struct HosterProvider;

pub fn provider() -> HosterProvider {
    HosterProvider
}

fn config_schema() -> Schema {
    Schema::new(
        Block::new("Manages virtual machines, dedicated servers, backups and software installs through the [HosterAPI](https://reseller.hosterapi.de) reseller API.")
            .attr(
                Attribute::optional("token", Type::String)
                    .sensitive()
                    .env(TOKEN_ENV)
                    .describe("API token from HosterAPI support (the part after `Bearer `). Defaults to the `HOSTER_TOKEN` environment variable."),
            )
            .attr(
                Attribute::optional("endpoint", Type::String)
                    .env(ENDPOINT_ENV)
                    .check(Check::NonEmpty)
                    .describe("Base URL of the HosterAPI. Defaults to the `HOSTER_ENDPOINT` environment variable, then `https://reseller.hosterapi.de/api/v1`."),
            )
            .attr(
                Attribute::optional("poll_interval", Type::String)
                    .env(POLL_INTERVAL_ENV)
                    .check(Check::Duration)
                    .describe("How often to poll while waiting for a job, a power change or an order, as a Go duration: the shortest pause; pauses grow to a tenth of the time waited (at most 30s), longer while a job reports progress. Defaults to the `HOSTER_POLL_INTERVAL` environment variable, then `\"2s\"`."),
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
impl Provider for HosterProvider {
    type Client = HosterClient;

    fn name(&self) -> &'static str {
        "hoster"
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
    ) -> Option<HosterClient> {
        if !config.is_wholly_known() {
            return None;
        }
        let token = string_arg(config, "token").or_else(|| env_nonempty(TOKEN_ENV));
        let Some(token) = token else {
            diags.attr_error(
                crate::tfplugin::AttrPath::attr("token"),
                "Missing HosterAPI token",
                "The provider needs an API token from HosterAPI support: set the `token` argument in the provider block, or the HOSTER_TOKEN environment variable.",
            );
            return None;
        };
        crate::tfplugin::log::register_secret(&token);
        let defaults = ConnectionDefaults {
            endpoint_env: &[ENDPOINT_ENV],
            endpoint: DEFAULT_ENDPOINT,
            poll_interval_env: &[POLL_INTERVAL_ENV],
            request_timeout: Duration::from_secs(60),
            max_requests_per_second_env: RATE_ENV,
        };
        let connection = Connection::read(config, &defaults, diags)?;
        let settings = connection.http_settings(terraform_version, Auth::Bearer(token));
        match ApiClient::new(settings) {
            Ok(api) => Some(HosterClient {
                api: api
                    .with_error_parser(models::error_message)
                    .with_cancel(stop),
                poll_interval: connection.poll_interval,
                order_lock: Default::default(),
            }),
            Err(e) => {
                diags.error("Cannot set up the HosterAPI client", e.to_string());
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<HosterClient>>> {
        vec![
            Arc::new(vm::VmResource),
            Arc::new(dedicated::DedicatedServerResource),
            Arc::new(vm_backup::VmBackupResource),
            Arc::new(software::SoftwareResource),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<HosterClient>>> {
        vec![
            Arc::new(data_templates::TemplatesDataSource),
            Arc::new(data_vm::VmDataSource),
            Arc::new(data_vms::VmsDataSource),
            Arc::new(data_market::MarketDataSource),
            Arc::new(data_lists::DedicatedTemplatesDataSource),
            Arc::new(data_lists::SoftwarePackagesDataSource),
            Arc::new(data_lists::VmBackupsDataSource),
            Arc::new(data_lists::VmIncidentsDataSource),
        ]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<HosterClient>>> {
        vec![Arc::new(console::VmConsole)]
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
        assert_eq!(d.0[0].summary, "Missing HosterAPI token");
        assert!(d.0[0].detail.contains("`token`") && d.0[0].detail.contains(TOKEN_ENV));
    }

    #[test]
    fn every_argument_is_described() {
        for a in &config_schema().block.attributes {
            assert!(!a.description.is_empty(), "{}", a.name);
        }
    }
}
