//! `data "hosthatch_servers"`: the account's servers (`GET /servers`), optionally filtered by
//! location and product.

use async_trait::async_trait;
use serde_json::Value as Json;

use super::api::{HostHatchClient, CREDENTIALS};
use super::data_server::{server_json, server_object_type};
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct ServersDataSource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("The HostHatch servers of the account, optionally filtered.")
            .attr(Attribute::computed("id", Type::String).describe("Always `servers`."))
            .attr(Attribute::optional("location", Type::String).describe("Only servers in this location, e.g. `AMS`."))
            .attr(Attribute::optional("product", Type::String).describe("Only servers of this product, e.g. `nvme-2gb`."))
            .attr(Attribute::computed("servers", Type::list(server_object_type())).describe(
                "The servers, each with `id`, `hostname`, `state`, `product`, `product_name`, `location`, `billing`, `image_name`, `primary_ip`, `created`, `next_due`, `initial_cost`, `recurring_cost`, `currency` and `available_upgrades`. Cancelled servers are left out.",
            )),
    )
}

#[async_trait]
impl DataSource<HostHatchClient> for ServersDataSource {
    fn type_name(&self) -> &'static str {
        "hosthatch_servers"
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
        let servers = match ctx.client.list_servers().await {
            Ok(s) => s,
            Err(e) => {
                api_error_diag(diags, "Cannot list HostHatch servers", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let location = config.get("location").as_str();
        let product = config.get("product").as_str();
        let list: Vec<Json> = servers
            .iter()
            .filter(|s| !s.is_cancelled())
            .filter(|s| {
                location.is_none_or(|l| {
                    s.product
                        .location
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(l))
                })
            })
            .filter(|s| product.is_none_or(|p| s.product.id.as_deref() == Some(p)))
            .map(server_json)
            .collect();
        let mut state = config.clone();
        state.set("id", "servers");
        match from_plain(&Json::Array(list), &Type::list(server_object_type())) {
            Ok(v) => state.set("servers", v),
            Err(e) => diags.error("Cannot represent HostHatch servers", e),
        }
        state
    }
}
