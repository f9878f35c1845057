//! `data "hosthatch_ssh_keys"`: the SSH keys stored in the account (`GET /keys`).

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::{HostHatchClient, CREDENTIALS};
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct SshKeysDataSource;

fn key_type() -> Type {
    Type::Object(BTreeMap::from([
        ("id".to_string(), Type::String),
        ("type".to_string(), Type::String),
        ("description".to_string(), Type::String),
        ("value".to_string(), Type::String),
    ]))
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("The SSH keys stored in the HostHatch account.")
            .attr(Attribute::computed("id", Type::String).describe("Always `ssh_keys`."))
            .attr(Attribute::computed("keys", Type::list(key_type())).describe(
                "The keys, each with `id` (numeric, as text; usable in `hosthatch_server.ssh_key_ids`), `type`, `description` and `value` (the public key).",
            )),
    )
}

#[async_trait]
impl DataSource<HostHatchClient> for SshKeysDataSource {
    fn type_name(&self) -> &'static str {
        "hosthatch_ssh_keys"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(
        &self,
        ctx: &Ctx<HostHatchClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let keys = match ctx.client.list_keys().await {
            Ok(k) => k,
            Err(e) => {
                api_error_diag(diags, "Cannot list HostHatch SSH keys", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let list: Vec<Json> = keys
            .iter()
            .map(|k| json!({"id": k.id.to_string(), "type": k.kind, "description": k.description, "value": k.value}))
            .collect();
        let mut state = config.clone();
        state.set("id", "ssh_keys");
        match from_plain(&Json::Array(list), &Type::list(key_type())) {
            Ok(v) => state.set("keys", v),
            Err(e) => diags.error("Cannot represent HostHatch SSH keys", e),
        }
        state
    }
}
