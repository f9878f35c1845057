//! `data "hosthatch_server"`: one server by id (`GET /servers/{id}` and `/status`). Also holds
//! the server object shape shared with `hosthatch_servers`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::{HostHatchClient, CREDENTIALS};
use super::models::Server;
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{AttrPath, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct ServerDataSource;

/// The attributes every server shows, with their types and descriptions.
const SERVER_FIELDS: &[(&str, &str, &str)] = &[
    ("id", "string", "The server's numeric id, as text."),
    ("hostname", "string", "The server's hostname."),
    (
        "state",
        "string",
        "The service state, e.g. `Active` or `Suspended`.",
    ),
    ("product", "string", "The product id, e.g. `nvme-2gb`."),
    ("product_name", "string", "The product's display name."),
    ("location", "string", "The location id, e.g. `AMS`."),
    ("billing", "string", "The billing cycle id, e.g. `monthly`."),
    (
        "image_name",
        "string",
        "The installed image's display name, e.g. `Ubuntu 22.04 64-bit`.",
    ),
    ("primary_ip", "string", "The primary IP address."),
    ("created", "string", "Creation date, `YYYY-MM-DD`."),
    (
        "next_due",
        "string",
        "Date of the next invoice, `YYYY-MM-DD`.",
    ),
    (
        "initial_cost",
        "number",
        "The setup fee paid, in `currency`.",
    ),
    (
        "recurring_cost",
        "number",
        "The cost per billing cycle, in `currency`.",
    ),
    ("currency", "string", "Currency of the costs."),
    (
        "available_upgrades",
        "list",
        "Product ids the server can be upgraded to in place.",
    ),
];

fn field_type(kind: &str) -> Type {
    match kind {
        "number" => Type::Number,
        "list" => Type::list(Type::String),
        _ => Type::String,
    }
}

/// The object type of one server in `hosthatch_servers`.
pub fn server_object_type() -> Type {
    Type::Object(
        SERVER_FIELDS
            .iter()
            .map(|(name, kind, _)| (name.to_string(), field_type(kind)))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A server as the data sources show it.
pub fn server_json(s: &Server) -> Json {
    json!({
        "id": s.id.to_string(),
        "hostname": s.hostname,
        "state": s.state,
        "product": s.product.id,
        "product_name": s.product.name,
        "location": s.product.location,
        "billing": s.billing.billing_cycle,
        "image_name": s.product.image,
        "primary_ip": s.network.primary_ipaddress,
        "created": s.created,
        "next_due": s.billing.next_due,
        "initial_cost": s.billing.initial_cost,
        "recurring_cost": s.billing.recurring_cost,
        "currency": s.billing.currency,
        "available_upgrades": s.product.available_upgrades,
    })
}

pub fn schema() -> Schema {
    let mut block = Block::new("One HostHatch server, looked up by id.");
    for (name, kind, description) in SERVER_FIELDS {
        block = if *name == "id" {
            block.attr(Attribute::required("id", Type::String).describe("The server's numeric id."))
        } else {
            block.attr(Attribute::computed(name, field_type(kind)).describe(description))
        };
    }
    Schema::new(
        block
            .attr(
                Attribute::computed("status", Type::String)
                    .describe("The machine status, e.g. `online` or `offline`."),
            )
            .attr(
                Attribute::computed("power_state", Type::String)
                    .describe("`running` or `stopped`, from the status."),
            ),
    )
}

#[async_trait]
impl DataSource<HostHatchClient> for ServerDataSource {
    fn type_name(&self) -> &'static str {
        "hosthatch_server"
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
        let Some(id) = config
            .get("id")
            .as_str()
            .and_then(|s| s.trim().parse::<i64>().ok())
        else {
            diags.attr_error(
                AttrPath::attr("id"),
                "Invalid HostHatch server id",
                "id must be the numeric server id.",
            );
            return Value::Null;
        };
        let server = match ctx.client.get_server(id).await {
            Ok(s) => s,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HostHatch server {id}"),
                    &e,
                    CREDENTIALS,
                );
                return Value::Null;
            }
        };
        let status = match ctx.client.server_status(id).await {
            Ok(s) => Some(s),
            Err(e) if e.is_not_found() => None,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read the status of HostHatch server {id}"),
                    &e,
                    CREDENTIALS,
                );
                return Value::Null;
            }
        };
        let mut object = server_json(&server);
        let power = status
            .as_deref()
            .map(str::to_ascii_lowercase)
            .and_then(|s| match s.as_str() {
                "online" => Some("running"),
                "offline" => Some("stopped"),
                _ => None,
            });
        object["status"] = json!(status);
        object["power_state"] = json!(power);
        match from_plain(&object, &schema().block.implied_type()) {
            Ok(v) => v,
            Err(e) => {
                diags.error("Cannot represent the HostHatch server", e);
                Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_is_described_and_objects_fit_the_type() {
        for a in &schema().block.attributes {
            assert!(!a.description.is_empty(), "{}", a.name);
        }
        let s: Server =
            serde_json::from_value(json!({"id": "5", "product": {"_id": "nvme-2gb"}})).unwrap();
        let v = from_plain(&server_json(&s), &server_object_type()).unwrap();
        assert_eq!(v.get("id").as_str(), Some("5"));
        assert!(v.get("hostname").is_null());
    }
}
