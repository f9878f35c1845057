//! Drives one provider through its gRPC service in-process, configured against the
//! simulator, and reads back where each diagnostic points.

use std::collections::BTreeMap;

use tokio_util::sync::CancellationToken;
use tonic::Request;

use crate::docs::Catalogue;
use crate::proto::tfplugin5 as pb;
use crate::proto::tfplugin5::provider_server::Provider as _;
use crate::tfplugin::grpc::ProviderService;
use crate::tfplugin::msgpack;
use crate::tfplugin::provider::Provider;
use crate::tfplugin::{Schema, Type, Value};
use crate::vendors::test_support::Sim;

/// A provider's gRPC service, configured (or not) with `provider_config`.
pub struct Checker<P: Provider> {
    pub service: ProviderService<P>,
    pub catalogue: Catalogue,
}

impl<P: Provider> Checker<P> {
    pub fn new(provider: P) -> Checker<P> {
        let catalogue = Catalogue::of(&provider);
        Checker {
            service: ProviderService::new(provider, CancellationToken::new()),
            catalogue,
        }
    }

    /// Validates and configures the provider block; returns every diagnostic of both.
    pub async fn configure(&self, config: &Value) -> Vec<pb::Diagnostic> {
        let ty = self.catalogue.schema.block.implied_type();
        self.configure_encoded(dynamic(config, &ty)).await
    }

    /// Like `configure`, with the configuration already encoded.
    pub async fn configure_encoded(&self, dv: pb::DynamicValue) -> Vec<pb::Diagnostic> {
        let mut diags = self
            .service
            .prepare_provider_config(Request::new(pb::prepare_provider_config::Request {
                config: Some(dv.clone()),
            }))
            .await
            .expect("prepare_provider_config answers")
            .into_inner()
            .diagnostics;
        if diags.is_empty() {
            diags = self
                .service
                .configure(Request::new(pb::configure::Request {
                    terraform_version: "1.11.4".into(),
                    config: Some(dv),
                    ..Default::default()
                }))
                .await
                .expect("configure answers")
                .into_inner()
                .diagnostics;
        }
        diags
    }

    /// `ValidateResourceTypeConfig` (or the data source / ephemeral one) on encoded config.
    pub async fn validate(
        &self,
        kind: Kind,
        type_name: &str,
        msgpack: Vec<u8>,
    ) -> Vec<pb::Diagnostic> {
        let config = Some(pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        });
        let s = &self.service;
        match kind {
            Kind::Resource => {
                s.validate_resource_type_config(Request::new(
                    pb::validate_resource_type_config::Request {
                        type_name: type_name.into(),
                        config,
                        client_capabilities: Some(pb::ClientCapabilities {
                            write_only_attributes_allowed: true,
                            ..Default::default()
                        }),
                    },
                ))
                .await
                .expect("validate answers")
                .into_inner()
                .diagnostics
            }
            Kind::DataSource => {
                s.validate_data_source_config(Request::new(
                    pb::validate_data_source_config::Request {
                        type_name: type_name.into(),
                        config,
                    },
                ))
                .await
                .expect("validate answers")
                .into_inner()
                .diagnostics
            }
            Kind::Ephemeral => {
                s.validate_ephemeral_resource_config(Request::new(
                    pb::validate_ephemeral_resource_config::Request {
                        type_name: type_name.into(),
                        config,
                    },
                ))
                .await
                .expect("validate answers")
                .into_inner()
                .diagnostics
            }
        }
    }

    /// `PlanResourceChange` from `prior` (null: a create) to `config`, proposing what
    /// Terraform would: the configuration, with computed attributes it leaves out kept from
    /// the prior state.
    pub async fn plan(
        &self,
        schema: &Schema,
        type_name: &str,
        prior: &Value,
        config: &Value,
    ) -> Vec<pb::Diagnostic> {
        let ty = schema.block.implied_type();
        let mut proposed = config.clone();
        for attr in &schema.block.attributes {
            if attr.computed && config.get(attr.name).is_null() && !prior.is_null() {
                proposed.set(attr.name, prior.get(attr.name).clone());
            }
        }
        self.service
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: type_name.into(),
                prior_state: Some(dynamic(prior, &ty)),
                proposed_new_state: Some(dynamic(&proposed, &ty)),
                config: Some(dynamic(config, &ty)),
                ..Default::default()
            }))
            .await
            .expect("plan answers")
            .into_inner()
            .diagnostics
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Resource,
    DataSource,
    Ephemeral,
}

pub fn dynamic(value: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: msgpack::encode(value, ty).expect("test value encodes"),
        json: Vec::new(),
    }
}

/// A diagnostic's attribute path as `a.b[0]["k"]`, empty when it has none.
pub fn path_of(d: &pb::Diagnostic) -> String {
    use pb::attribute_path::step::Selector;
    let mut out = String::new();
    for step in d.attribute.iter().flat_map(|a| &a.steps) {
        match &step.selector {
            Some(Selector::AttributeName(n)) if out.is_empty() => out.push_str(n),
            Some(Selector::AttributeName(n)) => out.push_str(&format!(".{n}")),
            Some(Selector::ElementKeyString(k)) => out.push_str(&format!("[{k:?}]")),
            Some(Selector::ElementKeyInt(i)) => out.push_str(&format!("[{i}]")),
            None => {}
        }
    }
    out
}

pub fn is_error(d: &pb::Diagnostic) -> bool {
    d.severity == pb::diagnostic::Severity::Error as i32
}

/// The total of API requests the simulator has seen.
pub async fn api_requests(sim: &Sim) -> u64 {
    sim.get("stats").await["total"].as_u64().unwrap_or(0)
}

/// A summary of diagnostics for failure messages.
pub fn show(diags: &[pb::Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("[{}] {}: {}", path_of(d), d.summary, d.detail))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Counts of cases tried, by group, printed by the tests for docs/reliability.md.
#[derive(Default)]
pub struct Tally(pub BTreeMap<String, usize>);

impl Tally {
    pub fn add(&mut self, group: &str) {
        *self.0.entry(group.to_string()).or_default() += 1;
    }

    pub fn total(&self) -> usize {
        self.0.values().sum()
    }
}
