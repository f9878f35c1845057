//! Tests of the gRPC service's handling of write-only attributes and ephemeral resources,
//! through a small provider defined here (the core has no vendor to lean on).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;
use tonic::Request;

use super::diag::Diagnostics;
use super::grpc::ProviderService;
use super::msgpack;
use super::provider::{Ctx, DataSource, EphemeralResource, Opened, Provider, Resource};
use super::schema::{Attribute, Block, Schema};
use super::types::Type;
use super::value::Value;
use crate::proto::tfplugin5 as pb;
use crate::proto::tfplugin5::provider_server::Provider as _;

/// What the toy vendor saw, so tests can check what reached it.
#[derive(Default)]
struct Seen {
    created_with_secret: Option<Value>,
    closed_private: Option<Vec<u8>>,
    opened: usize,
}

struct ToyProvider(Arc<Mutex<Seen>>);
struct ToyResource(Arc<Mutex<Seen>>);
struct ToySession(Arc<Mutex<Seen>>);

fn resource_schema() -> Schema {
    Schema::new(
        Block::new("toy")
            .attr(Attribute::computed("id", Type::String).keep_state())
            .attr(Attribute::required("name", Type::String))
            .attr(
                Attribute::optional("secret_wo", Type::String)
                    .sensitive()
                    .write_only(),
            ),
    )
}

fn session_schema() -> Schema {
    Schema::new(
        Block::new("toy session")
            .attr(Attribute::required("target", Type::String))
            .attr(Attribute::computed("url", Type::String).sensitive()),
    )
}

#[async_trait]
impl Provider for ToyProvider {
    type Client = ();
    fn name(&self) -> &'static str {
        "toy"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new("toy provider"))
    }
    async fn configure(
        &self,
        _: &Value,
        _: &str,
        _: CancellationToken,
        _: &mut Diagnostics,
    ) -> Option<()> {
        Some(())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource<()>>> {
        vec![Arc::new(ToyResource(self.0.clone()))]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource<()>>> {
        Vec::new()
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<()>>> {
        vec![Arc::new(ToySession(self.0.clone()))]
    }
}

#[async_trait]
impl Resource<()> for ToyResource {
    fn type_name(&self) -> &'static str {
        "toy_thing"
    }
    fn schema(&self) -> Schema {
        resource_schema()
    }
    async fn create(&self, _: &Ctx<()>, planned: &Value, _: &mut Diagnostics) -> Value {
        self.0.lock().unwrap().created_with_secret = Some(planned.get("secret_wo").clone());
        let mut state = planned.clone();
        state.set("id", "t-1");
        state
    }
    async fn read(&self, _: &Ctx<()>, current: &Value, _: &mut Diagnostics) -> Value {
        current.clone()
    }
    async fn update(&self, _: &Ctx<()>, _: &Value, planned: &Value, _: &mut Diagnostics) -> Value {
        planned.clone()
    }
    async fn delete(&self, _: &Ctx<()>, _: &Value, _: &mut Diagnostics) {}
}

#[async_trait]
impl EphemeralResource<()> for ToySession {
    fn type_name(&self) -> &'static str {
        "toy_session"
    }
    fn schema(&self) -> Schema {
        session_schema()
    }
    async fn open(&self, _: &Ctx<()>, config: &Value, _: &mut Diagnostics) -> Opened {
        self.0.lock().unwrap().opened += 1;
        let mut result = config.clone();
        let target = config
            .get("target")
            .as_str()
            .unwrap_or_default()
            .to_string();
        result.set("url", format!("https://console.example/{target}"));
        Opened {
            result,
            private: Some(format!("session-of-{target}").into_bytes()),
            renew_at: Some(SystemTime::now() + Duration::from_secs(60)),
        }
    }
    async fn close(&self, _: &Ctx<()>, private: Option<&[u8]>, _: &mut Diagnostics) {
        self.0.lock().unwrap().closed_private = private.map(<[u8]>::to_vec);
    }
}

async fn configured_service() -> (ProviderService<ToyProvider>, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let service = ProviderService::new(ToyProvider(seen.clone()), CancellationToken::new());
    let configured = service
        .configure(Request::new(pb::configure::Request {
            config: Some(dynamic(
                &Value::null_object(&Block::new("").implied_type()),
                &Block::new("").implied_type(),
            )),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(configured.diagnostics.is_empty());
    (service, seen)
}

fn dynamic(value: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: msgpack::encode(value, ty).unwrap(),
        json: Vec::new(),
    }
}

fn object(schema: &Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&schema.block.implied_type());
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}

fn decoded(dv: Option<pb::DynamicValue>, schema: &Schema) -> Value {
    msgpack::decode(&dv.expect("a value").msgpack, &schema.block.implied_type()).unwrap()
}

#[tokio::test]
async fn schema_marks_write_only_and_lists_the_ephemeral_resource() {
    let (service, _) = configured_service().await;
    let schema = service
        .get_schema(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let toy = &schema.resource_schemas["toy_thing"];
    let secret = toy
        .block
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .find(|a| a.name == "secret_wo");
    assert!(secret.is_some_and(|a| a.write_only && a.sensitive));
    assert!(schema
        .ephemeral_resource_schemas
        .contains_key("toy_session"));
    let metadata = service
        .get_metadata(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<_> = metadata
        .ephemeral_resources
        .iter()
        .map(|e| e.type_name.as_str())
        .collect();
    assert_eq!(names, ["toy_session"]);
}

#[tokio::test]
async fn write_only_is_refused_by_terraform_that_cannot_keep_it_out_of_state() {
    let (service, _) = configured_service().await;
    let schema = resource_schema();
    let config = object(
        &schema,
        &[("name", "a".into()), ("secret_wo", "hunter2".into())],
    );
    let validate = |allowed: bool| pb::validate_resource_type_config::Request {
        type_name: "toy_thing".into(),
        config: Some(dynamic(&config, &schema.block.implied_type())),
        client_capabilities: Some(pb::ClientCapabilities {
            write_only_attributes_allowed: allowed,
            ..Default::default()
        }),
    };
    let old = service
        .validate_resource_type_config(Request::new(validate(false)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(old.diagnostics.len(), 1, "{:?}", old.diagnostics);
    assert!(old.diagnostics[0].summary.contains("1.11"));
    assert!(old.diagnostics[0].attribute.is_some());
    let new = service
        .validate_resource_type_config(Request::new(validate(true)))
        .await
        .unwrap()
        .into_inner();
    assert!(new.diagnostics.is_empty(), "{:?}", new.diagnostics);
}

#[tokio::test]
async fn write_only_reaches_create_but_never_plan_or_state() {
    let (service, seen) = configured_service().await;
    let schema = resource_schema();
    let ty = schema.block.implied_type();
    let config = object(
        &schema,
        &[("name", "a".into()), ("secret_wo", "hunter2".into())],
    );
    let plan = service
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "toy_thing".into(),
            prior_state: Some(dynamic(&Value::Null, &ty)),
            proposed_new_state: Some(dynamic(&config, &ty)),
            config: Some(dynamic(&config, &ty)),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let planned = decoded(plan.planned_state.clone(), &schema);
    assert!(planned.get("secret_wo").is_null());
    let applied = service
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "toy_thing".into(),
            prior_state: Some(dynamic(&Value::Null, &ty)),
            planned_state: plan.planned_state,
            config: Some(dynamic(&config, &ty)),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    let state = decoded(applied.new_state, &schema);
    assert_eq!(state.get("id").as_str(), Some("t-1"));
    assert!(state.get("secret_wo").is_null());
    let given = seen.lock().unwrap().created_with_secret.clone();
    assert_eq!(given.as_ref().and_then(|v| v.as_str()), Some("hunter2"));
}

#[tokio::test]
async fn ephemeral_open_returns_result_and_close_gets_the_private_handle() {
    let (service, seen) = configured_service().await;
    let schema = session_schema();
    let ty = schema.block.implied_type();
    let config = object(&schema, &[("target", "vm-7".into())]);
    let opened = service
        .open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
            type_name: "toy_session".into(),
            config: Some(dynamic(&config, &ty)),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(opened.diagnostics.is_empty(), "{:?}", opened.diagnostics);
    let result = decoded(opened.result, &schema);
    assert_eq!(
        result.get("url").as_str(),
        Some("https://console.example/vm-7")
    );
    assert!(opened.renew_at.is_some());
    let closed = service
        .close_ephemeral_resource(Request::new(pb::close_ephemeral_resource::Request {
            type_name: "toy_session".into(),
            private: opened.private,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(closed.diagnostics.is_empty());
    assert_eq!(
        seen.lock().unwrap().closed_private.as_deref(),
        Some(&b"session-of-vm-7"[..])
    );
}

#[tokio::test]
async fn ephemeral_with_unknown_config_is_not_opened() {
    let (service, seen) = configured_service().await;
    let schema = session_schema();
    let ty = schema.block.implied_type();
    let config = object(&schema, &[("target", Value::Unknown)]);
    let opened = service
        .open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
            type_name: "toy_session".into(),
            config: Some(dynamic(&config, &ty)),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(opened.diagnostics.is_empty());
    assert!(decoded(opened.result, &schema).get("url").is_unknown());
    assert_eq!(seen.lock().unwrap().opened, 0);
}
