//! `<vendor>_server` (one server's facts), `<vendor>_servers` (the account's servers) and
//! `<vendor>_account` (the account's non-sensitive contact fields) data sources.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::TerrahostClient;
use super::models::text_fields;
use super::server::{ip_type, server_state, subnet_type};
use super::{id_of, numeric_id, type_name, Brand};
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

/// The facts the `server` data source shows: `(name, type, description)`.
const FACTS: &[(&str, &str, &str)] = &[
    ("name", "string", "Descriptive name (`srv_label`)."),
    ("hostname", "string", "Hostname."),
    (
        "status",
        "string",
        "`installing`, `running`, `stopped` or `suspended`.",
    ),
    ("power_state", "string", "`running` or `stopped`."),
    ("installing", "bool", "Whether an installation is running."),
    ("type", "string", "Server type, e.g. `vps`."),
    ("location", "string", "Data centre, e.g. `DC2`."),
    ("cores", "number", "CPU cores."),
    ("ram", "number", "Memory as the API reports it."),
    ("product_id", "string", "Product id."),
    ("os_id", "string", "Installed operating system id."),
    ("os_name", "string", "Installed operating system."),
    ("iso_id", "string", "Mounted ISO id, `0` when none."),
    ("primary_ip", "string", "Primary IPv4 address."),
];

fn fact_type(kind: &str) -> Type {
    match kind {
        "bool" => Type::Bool,
        "number" => Type::Number,
        _ => Type::String,
    }
}

pub fn all(brand: Brand) -> Vec<Arc<dyn DataSource<TerrahostClient>>> {
    vec![
        Arc::new(ServerData { brand }),
        Arc::new(ServersData { brand }),
        Arc::new(AccountData { brand }),
    ]
}

pub struct ServerData {
    brand: Brand,
}

#[async_trait]
impl DataSource<TerrahostClient> for ServerData {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "server")
    }

    fn schema(&self) -> Schema {
        let mut block = Block::new("One server of the account, by id.")
            .attr(Attribute::computed("id", Type::String).describe("The server id."))
            .attr(
                Attribute::required("server_id", Type::String)
                    .check(Check::Custom(numeric_id))
                    .describe("Id of the server."),
            );
        for (name, kind, description) in FACTS {
            block = block.attr(Attribute::computed(name, fact_type(kind)).describe(description));
        }
        Schema::new(
            block
                .attr(Attribute::computed("ips", Type::list(ip_type())).describe("IPv4 addresses, each with `id`, `address`, `type`, `reverse`, `netmask` and `gateway`."))
                .attr(Attribute::computed("subnets", Type::list(subnet_type())).describe("IPv6 subnets, each with `id`, `cidr` and `ns`.")),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = id_of(config, "server_id") else {
            return Value::Null;
        };
        let server = match ctx.client.get_server_confirmed(id).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                diags.error(
                    format!("{} server {id} not found", self.brand.display()),
                    format!("The account has no server {id}."),
                );
                return Value::Null;
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {} server {id}", self.brand.display()),
                    &e,
                    &ctx.client.credentials(),
                );
                return Value::Null;
            }
        };
        let facts = server_state(&Value::Null, &server);
        let mut state = config.clone();
        state.set("id", id.to_string());
        for name in FACTS.iter().map(|f| f.0).chain(["ips", "subnets"]) {
            state.set(name, facts.get(name).clone());
        }
        state
    }
}

pub struct ServersData {
    brand: Brand,
}

fn summary_type() -> Type {
    Type::Object(
        [
            "id",
            "name",
            "hostname",
            "type",
            "location",
            "primary_ip",
            "os_name",
            "power_state",
        ]
        .iter()
        .map(|k| (k.to_string(), Type::String))
        .collect(),
    )
}

#[async_trait]
impl DataSource<TerrahostClient> for ServersData {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "servers")
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new("The servers of the account as `GET /servers` lists them. The vendor's list has been seen to leave out live servers for a while; use the `server` data source to look one up by id.")
                .attr(Attribute::computed("id", Type::String).describe("Always `servers`."))
                .attr(Attribute::computed("servers", Type::list(summary_type())).describe("The servers, each with `id`, `name`, `hostname`, `type`, `location`, `primary_ip`, `os_name` and `power_state`.")),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let servers = match ctx.client.list_servers().await {
            Ok(s) => s,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot list {} servers", self.brand.display()),
                    &e,
                    &ctx.client.credentials(),
                );
                return Value::Null;
            }
        };
        let rows: Vec<Json> = servers
            .iter()
            .filter(|s| !s.is_deleted())
            .map(|s| json!({
                "id": s.srv_id.map(|i| i.to_string()), "name": s.srv_label.clone().or(s.srv_name.clone()),
                "hostname": s.srv_hostname, "type": s.srv_type, "location": s.srv_location,
                "primary_ip": s.primary_ip(), "os_name": s.os.as_ref().and_then(|o| o.os_name.clone()),
                "power_state": s.srv_status.map(super::server::power_word),
            }))
            .collect();
        let mut state = config.clone();
        state.set("id", "servers");
        match from_plain(&Json::Array(rows), &Type::list(summary_type())) {
            Ok(v) => state.set("servers", v),
            Err(e) => diags.error("Cannot represent the servers", e),
        }
        state
    }
}

pub struct AccountData {
    brand: Brand,
}

/// `(API field, attribute)`; contacts, phone numbers and addresses are left out.
const ACCOUNT_FIELDS: &[(&str, &str, &str)] = &[
    ("cust_id", "customer_id", "The customer id."),
    ("cust_name", "name", "The customer's name."),
    ("cust_company_no", "company_no", "Company number, if any."),
    ("cust_email", "email", "Contact e-mail address."),
    (
        "cust_billing_email",
        "billing_email",
        "Billing e-mail address.",
    ),
    ("cust_city", "city", "City."),
    ("cust_country", "country", "Country."),
];

#[async_trait]
impl DataSource<TerrahostClient> for AccountData {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "account")
    }

    fn schema(&self) -> Schema {
        let mut block = Block::new("The account the provider is logged in to (`GET /my/account`), without contacts or addresses.").attr(Attribute::computed("id", Type::String).describe("The customer id."));
        for (_, name, description) in ACCOUNT_FIELDS {
            block = block.attr(Attribute::computed(name, Type::String).describe(description));
        }
        Schema::new(block)
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let account = match ctx.client.account().await {
            Ok(a) => a,
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot read the account",
                    &e,
                    &ctx.client.credentials(),
                );
                return Value::Null;
            }
        };
        let body = match account.get("data") {
            Some(inner @ Json::Object(_)) => inner.clone(),
            _ => account,
        };
        let fields = text_fields(&body);
        let mut state = config.clone();
        for (key, name, _) in ACCOUNT_FIELDS {
            state.set(name, fields.get(*key).cloned());
        }
        state.set(
            "id",
            fields
                .get("cust_id")
                .cloned()
                .unwrap_or_else(|| "account".into()),
        );
        state
    }
}
