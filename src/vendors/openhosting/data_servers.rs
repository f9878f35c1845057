//! `data "openhosting_server"` (one server, by UUID or unique name) and
//! `data "openhosting_servers"` (every server), from `GET /servers/SERVER/info` and
//! `GET /servers/info`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::{OpenHostingClient, CREDENTIALS};
use super::models::Props;
use super::server_config::is_device;
use crate::support::diag::api_error_diag;
use crate::support::lenient::value::bool_of;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{AttrPath, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct ServerDataSource;
pub struct ServersDataSource;

const FIELDS: &[(&str, &str)] = &[
    ("cpu", "CPU quota in core MHz."),
    ("smp", "Number of virtual CPUs."),
    ("mem", "Memory in MB."),
    ("persistent", "Whether the server survives a stop."),
    (
        "status",
        "`active`, `stopped`, `paused`, `dumped` or `dead`.",
    ),
    ("ip", "nic 0's address while running."),
    ("tags", "Tags."),
    (
        "drives",
        "Attached drives, each with `device` and `drive_uuid`.",
    ),
];

fn field_type(name: &str) -> Type {
    match name {
        "cpu" | "smp" | "mem" => Type::Number,
        "persistent" => Type::Bool,
        "tags" => Type::list(Type::String),
        "drives" => Type::list(Type::Object(BTreeMap::from([
            ("device".into(), Type::String),
            ("drive_uuid".into(), Type::String),
        ]))),
        _ => Type::String,
    }
}

fn server_object_type() -> Type {
    let mut attrs: BTreeMap<String, Type> = FIELDS
        .iter()
        .map(|(n, _)| (n.to_string(), field_type(n)))
        .collect();
    attrs.insert("id".into(), Type::String);
    attrs.insert("name".into(), Type::String);
    Type::Object(attrs)
}

fn server_json(p: &Props) -> Json {
    let drives: Vec<Json> =
        p.0.keys()
            .filter(|k| is_device(k))
            .map(|k| json!({"device": k, "drive_uuid": p.text(k)}))
            .collect();
    let active = p.text("status").as_deref() == Some("active");
    let ip = p
        .text("nic:0:dhcp")
        .filter(|t| active && t.parse::<std::net::IpAddr>().is_ok());
    json!({
        "id": p.id("server"), "name": p.text("name"), "cpu": p.int("cpu"), "smp": p.int("smp"), "mem": p.int("mem"),
        "persistent": p.0.get("persistent").and_then(bool_of), "status": p.text("status"), "ip": ip,
        "tags": p.list("tags"), "drives": drives,
    })
}

fn server_schema() -> Schema {
    let mut block =
        Block::new("One server of the account, found by UUID or by name.")
            .attr(
                Attribute::optional_computed("id", Type::String)
                    .describe("The server UUID. Set this or `name`."),
            )
            .attr(Attribute::optional_computed("name", Type::String).describe(
                "The server name, which must match exactly one server. Set this or `id`.",
            ));
    for (name, description) in FIELDS {
        block = block.attr(Attribute::computed(name, field_type(name)).describe(description));
    }
    Schema::new(block)
}

#[async_trait]
impl DataSource<OpenHostingClient> for ServerDataSource {
    fn type_name(&self) -> &'static str {
        "openhosting_server"
    }

    fn schema(&self) -> Schema {
        server_schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("id").is_null() && config.get("name").is_null() {
            diags.attr_error(
                AttrPath::attr("id"),
                "Missing server",
                "Set `id` or `name`.",
            );
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let found = if let Some(id) = config.get("id").as_str() {
            ctx.client.server_info(id).await.map(|p| vec![p])
        } else {
            let name = config.get("name").as_str().unwrap_or_default().to_string();
            ctx.client.servers_info().await.map(|all| {
                all.into_iter()
                    .filter(|p| p.text("name").as_deref() == Some(name.as_str()))
                    .collect()
            })
        };
        let servers = match found {
            Ok(s) => s,
            Err(e) => {
                api_error_diag(diags, "Cannot read Open Hosting servers", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let [server] = servers.as_slice() else {
            diags.error(
                "No single server matches",
                format!(
                    "{} servers match; name a server that exists exactly once, or use `id`.",
                    servers.len()
                ),
            );
            return Value::Null;
        };
        from_plain(&server_json(server), &server_schema().block.implied_type()).unwrap_or_else(
            |e| {
                diags.error("Cannot represent the server", e);
                Value::Null
            },
        )
    }
}

#[async_trait]
impl DataSource<OpenHostingClient> for ServersDataSource {
    fn type_name(&self) -> &'static str {
        "openhosting_servers"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new("Every server of the account.")
                .attr(Attribute::computed("id", Type::String).describe("Always `servers`."))
                .attr(Attribute::computed("servers", Type::list(server_object_type())).describe("The servers, each with `id`, `name`, `cpu`, `smp`, `mem`, `persistent`, `status`, `ip`, `tags` and `drives`.")),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let all = match ctx.client.servers_info().await {
            Ok(s) => s,
            Err(e) => {
                api_error_diag(diags, "Cannot list Open Hosting servers", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let list: Vec<Json> = all.iter().map(server_json).collect();
        let mut state = config.clone();
        state.set("id", "servers");
        match from_plain(&Json::Array(list), &Type::list(server_object_type())) {
            Ok(v) => state.set("servers", v),
            Err(e) => diags.error("Cannot represent Open Hosting servers", e),
        }
        state
    }
}
