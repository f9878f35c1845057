//! The `tfplugin5.Provider` gRPC service: decodes each request against the right schema,
//! dispatches to the vendor's provider, resource or data source, and encodes the answer.
//! RPCs this provider does not advertise keep tonic's `Unimplemented` default.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::diag::{AttrPath, Diagnostics};
use super::ephemeral::EphemeralEntry;
use super::provider::{Ctx, DataSource, Provider, Resource};
use super::schema::Schema;
use super::timeouts::timeout_for;
use super::types::Type;
use super::value::Value;
use super::{json, msgpack, plan};
use crate::proto::tfplugin5 as pb;

/// A registered resource with its schema, computed once.
type ResourceEntry<C> = (Arc<dyn Resource<C>>, Schema);
/// A registered data source with its schema, computed once.
type DataSourceEntry<C> = (Arc<dyn DataSource<C>>, Schema);

const IMPORTED_MARKER: &[u8] = br#"{"imported":true}"#;

/// The gRPC face of one vendor provider.
pub struct ProviderService<P: Provider> {
    provider: P,
    provider_schema: Schema,
    resources: HashMap<&'static str, ResourceEntry<P::Client>>,
    data_sources: HashMap<&'static str, DataSourceEntry<P::Client>>,
    pub(super) ephemeral_resources: HashMap<&'static str, EphemeralEntry<P::Client>>,
    client: RwLock<Option<Arc<P::Client>>>,
    stop: CancellationToken,
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P, stop: CancellationToken) -> ProviderService<P> {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                (r.type_name(), (r, schema))
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                (d.type_name(), (d, schema))
            })
            .collect();
        let ephemeral_resources = provider
            .ephemeral_resources()
            .into_iter()
            .map(|e| {
                let schema = e.schema();
                (e.type_name(), (e, schema))
            })
            .collect();
        ProviderService {
            ephemeral_resources,
            provider_schema: provider.schema(),
            provider,
            resources,
            data_sources,
            client: RwLock::new(None),
            stop,
        }
    }

    fn resource(&self, type_name: &str) -> Result<&ResourceEntry<P::Client>, Status> {
        self.resources
            .get(type_name)
            .ok_or_else(|| Status::invalid_argument(format!("unknown resource type {type_name:?}")))
    }

    fn data_source(&self, type_name: &str) -> Result<&DataSourceEntry<P::Client>, Status> {
        self.data_sources.get(type_name).ok_or_else(|| {
            Status::invalid_argument(format!("unknown data source type {type_name:?}"))
        })
    }

    pub(super) fn ctx(&self, timeout: Duration, diags: &mut Diagnostics) -> Option<Ctx<P::Client>> {
        let client = self.client.read().ok().and_then(|c| c.clone());
        if client.is_none() {
            diags.error(
                "Provider not configured",
                format!(
                    "The {} provider has no usable configuration yet (it may depend on values known only after apply).",
                    self.provider.name()
                ),
            );
        }
        Some(Ctx {
            client: client?,
            cancel: self.stop.child_token(),
            timeout,
        })
    }
}

/// Decodes a `DynamicValue` (msgpack, else JSON, else null) as type `ty`.
pub(super) fn decode(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Value {
    let Some(dv) = dv else { return Value::Null };
    let result = if !dv.msgpack.is_empty() {
        msgpack::decode_at(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        serde_json::from_slice(&dv.json)
            .map_err(|e| e.to_string())
            .and_then(|j| json::decode(&j, ty))
            .map_err(|e| (AttrPath::default(), e))
    } else {
        Ok(Value::Null)
    };
    result.unwrap_or_else(|(path, e)| {
        let summary = format!("Invalid {what} from Terraform");
        if path.0.is_empty() {
            diags.error(summary, e);
        } else {
            diags.attr_error(path, summary, e);
        }
        Value::Null
    })
}

pub(super) fn encode(
    value: &Value,
    ty: &Type,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match msgpack::encode(value, ty) {
        Ok(bytes) => Some(pb::DynamicValue {
            msgpack: bytes,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.error("Provider produced a value it cannot encode", e);
            None
        }
    }
}

/// Makes a resource's answer fit its schema: every attribute present, no unknown left,
/// the `timeouts` block carried over from the plan or prior state.
pub(super) fn settle(mut value: Value, schema: &Schema, carry_from: &Value) -> Value {
    if value.is_null() {
        return value;
    }
    let ty = schema.block.implied_type();
    let mut full = Value::null_object(&ty);
    if let (Value::Object(dst), Value::Object(src)) = (&mut full, &mut value) {
        for (k, v) in std::mem::take(src) {
            if dst.contains_key(&k) {
                dst.insert(k, if v.is_wholly_known() { v } else { Value::Null });
            }
        }
    }
    if schema
        .block
        .blocks
        .iter()
        .any(|b| b.type_name == "timeouts")
    {
        full.set("timeouts", carry_from.get("timeouts").clone());
    }
    for name in schema.block.write_only_names() {
        full.set(name, Value::Null);
    }
    full
}

/// Runs the schema's attribute checks and then the type's own `validate` on a configuration.
pub(super) fn validate_config(
    config: Option<&pb::DynamicValue>,
    schema: &Schema,
    own_checks: impl FnOnce(&Value, &mut Diagnostics),
) -> Vec<pb::Diagnostic> {
    let mut diags = Diagnostics::default();
    let config = decode(
        config,
        &schema.block.implied_type(),
        "configuration",
        &mut diags,
    );
    if !diags.has_errors() {
        schema
            .block
            .validate(&config, &Default::default(), &mut diags);
        own_checks(&config, &mut diags);
    }
    diags.to_proto()
}

/// Reads state JSON written with schema version `version` and brings it to the current
/// schema: what `UpgradeResourceState` does with a state Terraform stored as JSON.
pub fn upgrade_raw_state<C: 'static>(
    resource: &dyn Resource<C>,
    schema: &Schema,
    version: i64,
    raw_json: &[u8],
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    let type_name = resource.type_name();
    if version > schema.version {
        diags.error(
            "State written by a newer provider",
            format!("{type_name} state has schema version {version}, this provider knows up to {}. Upgrade the provider.", schema.version),
        );
        return None;
    }
    let mut state = match serde_json::from_slice::<serde_json::Value>(raw_json) {
        Ok(state) => state,
        Err(e) => {
            diags.error(
                "Invalid state",
                format!("{type_name} state is not valid JSON: {e}"),
            );
            return None;
        }
    };
    if version < schema.version {
        state = resource.upgrade_state(version, state, diags);
    }
    let ty = schema.block.implied_type();
    match json::decode(&state, &ty) {
        Ok(v) => encode(&v, &ty, diags),
        Err(e) => {
            diags.error("Invalid state", format!("{type_name}: {e}"));
            None
        }
    }
}

/// Terraform before 1.11 would store a write-only value in plan and state: refuse it.
fn refuse_write_only(config: &Value, schema: &Schema, diags: &mut Diagnostics) {
    for name in schema.block.write_only_names() {
        if !config.get(name).is_null() {
            diags.attr_error(
                super::diag::AttrPath::attr(name),
                "Write-only argument needs Terraform 1.11 or later",
                format!("{name} is write-only: its value is never stored in state, which this Terraform version cannot do. Upgrade Terraform to 1.11 or later, or use the stored alternative named in this resource's documentation."),
            );
        }
    }
}

fn set_defaults(value: &mut Value, schema: &Schema) {
    for attr in &schema.block.attributes {
        if let Some(default) = &attr.default {
            if value.get(attr.name).is_null() {
                value.set(attr.name, default.clone());
            }
        }
    }
}

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(pb::ServerCapabilities::default()),
            resources: self
                .resources
                .keys()
                .map(|t| pb::get_metadata::ResourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|t| pb::get_metadata::DataSourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            ephemeral_resources: self
                .ephemeral_resources
                .keys()
                .map(|t| pb::get_metadata::EphemeralMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(self.provider_schema.to_proto()),
            resource_schemas: self
                .resources
                .iter()
                .map(|(k, (_, s))| (k.to_string(), s.to_proto()))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(k, (_, s))| (k.to_string(), s.to_proto()))
                .collect(),
            ephemeral_resource_schemas: self
                .ephemeral_resources
                .iter()
                .map(|(k, (_, s))| (k.to_string(), s.to_proto()))
                .collect(),
            server_capabilities: Some(pb::ServerCapabilities::default()),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(
            pb::get_resource_identity_schemas::Response::default(),
        ))
    }

    async fn prepare_provider_config(
        &self,
        request: Request<pb::prepare_provider_config::Request>,
    ) -> Result<Response<pb::prepare_provider_config::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::default();
        let ty = self.provider_schema.block.implied_type();
        let config = decode(
            req.config.as_ref(),
            &ty,
            "provider configuration",
            &mut diags,
        );
        if !diags.has_errors() {
            self.provider_schema
                .block
                .validate(&config, &Default::default(), &mut diags);
            self.provider.validate(&config, &mut diags);
        }
        Ok(Response::new(pb::prepare_provider_config::Response {
            prepared_config: req.config,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_type_config(
        &self,
        request: Request<pb::validate_resource_type_config::Request>,
    ) -> Result<Response<pb::validate_resource_type_config::Response>, Status> {
        let req = request.into_inner();
        let (resource, schema) = self.resource(&req.type_name)?;
        let write_only_allowed = req
            .client_capabilities
            .is_some_and(|c| c.write_only_attributes_allowed);
        let diagnostics = validate_config(req.config.as_ref(), schema, |config, diags| {
            if !write_only_allowed {
                refuse_write_only(config, schema, diags);
            }
            resource.validate(config, diags)
        });
        Ok(Response::new(pb::validate_resource_type_config::Response {
            diagnostics,
        }))
    }

    async fn validate_data_source_config(
        &self,
        request: Request<pb::validate_data_source_config::Request>,
    ) -> Result<Response<pb::validate_data_source_config::Response>, Status> {
        let req = request.into_inner();
        let (data_source, schema) = self.data_source(&req.type_name)?;
        let diagnostics = validate_config(req.config.as_ref(), schema, |config, diags| {
            data_source.validate(config, diags)
        });
        Ok(Response::new(pb::validate_data_source_config::Response {
            diagnostics,
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        let (resource, schema) = self.resource(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let raw = req.raw_state.unwrap_or_default();
        let upgraded = if raw.json.is_empty() {
            diags.error(
                "Unsupported state format",
                format!("{} state was written by Terraform 0.11 or older (flatmap); it cannot be read. Re-import the resource.", req.type_name),
            );
            None
        } else {
            upgrade_raw_state(
                resource.as_ref(),
                schema,
                req.version,
                &raw.json,
                &mut diags,
            )
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn configure(
        &self,
        request: Request<pb::configure::Request>,
    ) -> Result<Response<pb::configure::Response>, Status> {
        let req = request.into_inner();
        let mut diags = Diagnostics::default();
        let config = decode(
            req.config.as_ref(),
            &self.provider_schema.block.implied_type(),
            "provider configuration",
            &mut diags,
        );
        if !diags.has_errors() {
            if let Some(client) = self
                .provider
                .configure(
                    &config,
                    &req.terraform_version,
                    self.stop.clone(),
                    &mut diags,
                )
                .await
            {
                if let Ok(mut slot) = self.client.write() {
                    *slot = Some(Arc::new(client));
                }
            }
        }
        Ok(Response::new(pb::configure::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = request.into_inner();
        let (resource, schema) = self.resource(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let ty = schema.block.implied_type();
        let current = decode(req.current_state.as_ref(), &ty, "state", &mut diags);
        let mut new_state = current.clone();
        if !diags.has_errors() && !current.is_null() {
            let timeout = timeout_for(&current, "read", resource.default_timeouts().read);
            if let Some(ctx) = self.ctx(timeout, &mut diags) {
                log::debug!(
                    "read {} {}",
                    req.type_name,
                    current.get("id").as_str().unwrap_or("?")
                );
                let read = resource.read(&ctx, &current, &mut diags).await;
                new_state = if diags.has_errors() && read.is_null() {
                    current.clone()
                } else {
                    settle(read, schema, &current)
                };
            }
        }
        Ok(Response::new(pb::read_resource::Response {
            new_state: encode(&new_state, &ty, &mut diags),
            private: req.private,
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let (resource, schema) = self.resource(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let ty = schema.block.implied_type();
        let prior = decode(req.prior_state.as_ref(), &ty, "prior state", &mut diags);
        let proposed = decode(
            req.proposed_new_state.as_ref(),
            &ty,
            "proposed state",
            &mut diags,
        );
        let config = decode(req.config.as_ref(), &ty, "configuration", &mut diags);
        if diags.has_errors() {
            return Ok(Response::new(pb::plan_resource_change::Response {
                diagnostics: diags.to_proto(),
                ..Default::default()
            }));
        }
        let imported = req.prior_private == IMPORTED_MARKER;
        let mut p = plan::plan(&schema.block, &prior, &proposed, &config, imported);
        if !p.planned.is_null() {
            resource.modify_plan(&mut p, &mut diags);
        }
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state: encode(&p.planned, &ty, &mut diags),
            requires_replace: p
                .requires_replace
                .iter()
                .map(|path| path.to_proto())
                .collect(),
            planned_private: req.prior_private,
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let (resource, schema) = self.resource(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let ty = schema.block.implied_type();
        let prior = decode(req.prior_state.as_ref(), &ty, "prior state", &mut diags);
        let mut planned = decode(req.planned_state.as_ref(), &ty, "planned state", &mut diags);
        if !planned.is_null() {
            let config = decode(req.config.as_ref(), &ty, "configuration", &mut diags);
            for name in schema.block.write_only_names() {
                planned.set(name, config.get(name).clone());
            }
        }
        let defaults = resource.default_timeouts();
        let mut new_state = if planned.is_null() {
            prior.clone()
        } else {
            planned.clone()
        };
        if !diags.has_errors() {
            let (operation, default) = match (prior.is_null(), planned.is_null()) {
                (true, _) => ("create", defaults.create),
                (false, true) => ("delete", defaults.delete),
                (false, false) => ("update", defaults.update),
            };
            let timeout = timeout_for(
                if planned.is_null() { &prior } else { &planned },
                operation,
                default,
            );
            if let Some(ctx) = self.ctx(timeout, &mut diags) {
                log::info!("{operation} {}", req.type_name);
                new_state = match operation {
                    "create" => settle(
                        resource.create(&ctx, &planned, &mut diags).await,
                        schema,
                        &planned,
                    ),
                    "update" => {
                        let updated = resource.update(&ctx, &prior, &planned, &mut diags).await;
                        settle(
                            if updated.is_null() {
                                prior.clone()
                            } else {
                                updated
                            },
                            schema,
                            &planned,
                        )
                    }
                    _ => {
                        resource.delete(&ctx, &prior, &mut diags).await;
                        if diags.has_errors() {
                            prior.clone()
                        } else {
                            Value::Null
                        }
                    }
                };
            }
        }
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state: encode(&new_state, &ty, &mut diags),
            private: Vec::new(),
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let (resource, schema) = self.resource(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let ty = schema.block.implied_type();
        let mut state = resource.import_state(&req.id, &mut diags);
        let mut imported = Vec::new();
        if !diags.has_errors() {
            set_defaults(&mut state, schema);
            imported.push(pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: encode(&state, &ty, &mut diags),
                private: IMPORTED_MARKER.to_vec(),
                ..Default::default()
            });
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = request.into_inner();
        let (data_source, schema) = self.data_source(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let ty = schema.block.implied_type();
        let config = decode(req.config.as_ref(), &ty, "configuration", &mut diags);
        let mut state = Value::Null;
        if !diags.has_errors() {
            let timeout = timeout_for(&config, "read", Duration::from_secs(5 * 60));
            if let Some(ctx) = self.ctx(timeout, &mut diags) {
                state = settle(
                    data_source.read(&ctx, &config, &mut diags).await,
                    schema,
                    &config,
                );
            }
        }
        if state.is_null() && !diags.has_errors() {
            diags.error(
                "Data source returned nothing",
                format!("{} produced no result.", req.type_name),
            );
        }
        let encoded = if state.is_null() {
            None
        } else {
            encode(&state, &ty, &mut diags)
        };
        Ok(Response::new(pb::read_data_source::Response {
            state: encoded,
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        self.validate_ephemeral(request.into_inner())
            .map(Response::new)
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        self.open_ephemeral(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn renew_ephemeral_resource(
        &self,
        request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        self.renew_ephemeral(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn close_ephemeral_resource(
        &self,
        request: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        self.close_ephemeral(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn stop(
        &self,
        _request: Request<pb::stop::Request>,
    ) -> Result<Response<pb::stop::Response>, Status> {
        log::info!("stop requested: cancelling in-flight waits");
        self.stop.cancel();
        Ok(Response::new(pb::stop::Response::default()))
    }
}
