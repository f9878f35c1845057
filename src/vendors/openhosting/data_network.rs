//! `data "openhosting_ips"` and `data "openhosting_vlans"`: the account's static IPs or
//! VLANs, from `GET /resources/info`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::{OpenHostingClient, ResourceKind, CREDENTIALS};
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct NetworkListDataSource {
    pub kind: ResourceKind,
}

impl NetworkListDataSource {
    pub const IPS: NetworkListDataSource = NetworkListDataSource {
        kind: ResourceKind::Ip,
    };
    pub const VLANS: NetworkListDataSource = NetworkListDataSource {
        kind: ResourceKind::Vlan,
    };

    fn list_name(&self) -> &'static str {
        match self.kind {
            ResourceKind::Ip => "ips",
            ResourceKind::Vlan => "vlans",
        }
    }
}

fn item_type(kind: ResourceKind) -> Type {
    let mut attrs = BTreeMap::from([
        ("id".to_string(), Type::String),
        ("name".to_string(), Type::String),
        ("tags".to_string(), Type::list(Type::String)),
    ]);
    if kind == ResourceKind::Ip {
        attrs.insert("netmask".into(), Type::String);
        attrs.insert("gateway".into(), Type::String);
        attrs.insert("nameservers".into(), Type::list(Type::String));
    }
    Type::Object(attrs)
}

#[async_trait]
impl DataSource<OpenHostingClient> for NetworkListDataSource {
    fn type_name(&self) -> &'static str {
        match self.kind {
            ResourceKind::Ip => "openhosting_ips",
            ResourceKind::Vlan => "openhosting_vlans",
        }
    }

    fn schema(&self) -> Schema {
        let (description, list_description) = match self.kind {
            ResourceKind::Ip => ("The static IP addresses of the account.", "The addresses, each with `id` (the address), `name`, `tags`, `netmask`, `gateway` and `nameservers`."),
            ResourceKind::Vlan => ("The VLANs of the account.", "The VLANs, each with `id` (UUID), `name` and `tags`."),
        };
        Schema::new(
            Block::new(description)
                .attr(
                    Attribute::computed("id", Type::String)
                        .describe("Always the list's name (`ips` or `vlans`)."),
                )
                .attr(
                    Attribute::computed(self.list_name(), Type::list(item_type(self.kind)))
                        .describe(list_description),
                ),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let all = match ctx.client.resources_info(self.kind).await {
            Ok(r) => r,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot list Open Hosting {}", self.list_name()),
                    &e,
                    CREDENTIALS,
                );
                return Value::Null;
            }
        };
        let list: Vec<Json> = all
            .iter()
            .map(|p| {
                let mut item =
                    json!({"id": p.id("resource"), "name": p.text("name"), "tags": p.list("tags")});
                if self.kind == ResourceKind::Ip {
                    item["netmask"] = json!(p.text("netmask"));
                    item["gateway"] = json!(p.text("gateway"));
                    item["nameservers"] = json!(p.list("nameserver"));
                }
                item
            })
            .collect();
        let mut state = config.clone();
        state.set("id", self.list_name());
        match from_plain(&Json::Array(list), &Type::list(item_type(self.kind))) {
            Ok(v) => state.set(self.list_name(), v),
            Err(e) => diags.error("Cannot represent the list", e),
        }
        state
    }
}
