//! The ephemeral-resource RPCs (Terraform 1.10 and later): validate, open, renew, close.
//! Results go straight back to Terraform; nothing here touches plan or state.

use std::time::{Duration, SystemTime};

use tonic::Status;

use super::diag::Diagnostics;
use super::grpc::{decode, encode, settle, validate_config, ProviderService};
use super::provider::{EphemeralResource, Provider};
use super::schema::Schema;
use super::value::Value;
use crate::proto::tfplugin5 as pb;

/// A registered ephemeral resource with its schema, computed once.
pub type EphemeralEntry<C> = (std::sync::Arc<dyn EphemeralResource<C>>, Schema);

const EPHEMERAL_TIMEOUT: Duration = Duration::from_secs(5 * 60);

fn timestamp(at: SystemTime) -> prost_types::Timestamp {
    prost_types::Timestamp::from(at)
}

impl<P: Provider> ProviderService<P> {
    fn ephemeral(&self, type_name: &str) -> Result<&EphemeralEntry<P::Client>, Status> {
        self.ephemeral_resources.get(type_name).ok_or_else(|| {
            Status::invalid_argument(format!("unknown ephemeral resource type {type_name:?}"))
        })
    }

    pub(super) fn validate_ephemeral(
        &self,
        req: pb::validate_ephemeral_resource_config::Request,
    ) -> Result<pb::validate_ephemeral_resource_config::Response, Status> {
        let (resource, schema) = self.ephemeral(&req.type_name)?;
        let diagnostics = validate_config(req.config.as_ref(), schema, |config, diags| {
            resource.validate(config, diags)
        });
        Ok(pb::validate_ephemeral_resource_config::Response { diagnostics })
    }

    pub(super) async fn open_ephemeral(
        &self,
        req: pb::open_ephemeral_resource::Request,
    ) -> Result<pb::open_ephemeral_resource::Response, Status> {
        let (resource, schema) = self.ephemeral(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let ty = schema.block.implied_type();
        let config = decode(req.config.as_ref(), &ty, "configuration", &mut diags);
        let mut response = pb::open_ephemeral_resource::Response::default();
        if diags.has_errors() {
            response.diagnostics = diags.to_proto();
            return Ok(response);
        }
        if !config.is_wholly_known() {
            let mut unknown = config.clone();
            for attr in schema.block.attributes.iter().filter(|a| a.computed) {
                if config.get(attr.name).is_null() {
                    unknown.set(attr.name, Value::Unknown);
                }
            }
            response.result = encode(&unknown, &ty, &mut diags);
            response.diagnostics = diags.to_proto();
            return Ok(response);
        }
        if let Some(ctx) = self.ctx(EPHEMERAL_TIMEOUT, &mut diags) {
            log::info!("open {}", req.type_name);
            let opened = resource.open(&ctx, &config, &mut diags).await;
            if !diags.has_errors() {
                let result = settle(opened.result, schema, &config);
                response.result = encode(&result, &ty, &mut diags);
                response.private = opened.private;
                response.renew_at = opened.renew_at.map(timestamp);
            }
        }
        response.diagnostics = diags.to_proto();
        Ok(response)
    }

    pub(super) async fn renew_ephemeral(
        &self,
        req: pb::renew_ephemeral_resource::Request,
    ) -> Result<pb::renew_ephemeral_resource::Response, Status> {
        let (resource, _) = self.ephemeral(&req.type_name)?;
        let mut diags = Diagnostics::default();
        let mut response = pb::renew_ephemeral_resource::Response::default();
        if let Some(ctx) = self.ctx(EPHEMERAL_TIMEOUT, &mut diags) {
            let next = resource
                .renew(&ctx, req.private.as_deref(), &mut diags)
                .await;
            response.renew_at = next.map(timestamp);
            response.private = req.private;
        }
        response.diagnostics = diags.to_proto();
        Ok(response)
    }

    pub(super) async fn close_ephemeral(
        &self,
        req: pb::close_ephemeral_resource::Request,
    ) -> Result<pb::close_ephemeral_resource::Response, Status> {
        let (resource, _) = self.ephemeral(&req.type_name)?;
        let mut diags = Diagnostics::default();
        if let Some(ctx) = self.ctx(EPHEMERAL_TIMEOUT, &mut diags) {
            log::info!("close {}", req.type_name);
            resource
                .close(&ctx, req.private.as_deref(), &mut diags)
                .await;
        }
        Ok(pb::close_ephemeral_resource::Response {
            diagnostics: diags.to_proto(),
        })
    }
}
