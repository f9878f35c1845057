//! `<vendor>_server`: an existing server, since the API can neither order nor cancel one.
//! Creating the resource adopts the server named by `server_id` and brings it to the
//! configuration: descriptive name, power, reinstall (OS, hostname, language, keyboard,
//! timezone), package upgrade and mounted ISO. Destroying it only stops managing it.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use super::api::TerrahostClient;
use super::models::Server;
use super::server_ops::converge;
use super::{id_of, numeric_id, settle_unknowns, type_name, Brand};
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::plan::Plan;
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{
    timeouts, AttrPath, Attribute, Block, Check, Diagnostics, Schema, Type, Value,
};

pub struct ServerResource {
    pub brand: Brand,
}

/// Arguments whose change reinstalls the server.
pub const REINSTALL_ARGS: &[&str] = &["os_id", "hostname", "language", "keyboard", "timezone"];
/// Computed values a reinstall changes.
const CHANGED_BY_REINSTALL: &[&str] = &["root_password", "status", "installing", "os_name"];
/// Computed values a package upgrade changes.
const CHANGED_BY_UPGRADE: &[&str] = &["cores", "ram", "product_id"];

pub fn ip_type() -> Type {
    Type::Object(
        [
            ("id", Type::String),
            ("address", Type::String),
            ("type", Type::String),
            ("reverse", Type::String),
            ("netmask", Type::String),
            ("gateway", Type::String),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

pub fn subnet_type() -> Type {
    Type::Object(
        [
            ("id", Type::String),
            ("cidr", Type::String),
            ("ns", Type::String),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("An existing server, managed in place. The API cannot order or cancel servers: creating this resource adopts the server named by `server_id`, and destroying it only removes it from Terraform (the server keeps running and billing).")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The server id, as text (same as `server_id`)."))
            .attr(Attribute::required("server_id", Type::String).force_new().check(Check::Custom(numeric_id)).describe("Id of the server to manage. Changing it manages another server."))
            .attr(Attribute::optional_computed("name", Type::String).check(Check::NonEmpty).describe("The server's descriptive name (`srv_label`)."))
            .attr(Attribute::optional_computed("power_state", Type::String).check(Check::OneOf(&["running", "stopped"])).describe("`running` or `stopped`. When set, Terraform powers the server on or off to match (some servers refuse; the error says so); when left out, it reports the current state."))
            .attr(Attribute::optional_computed("os_id", Type::String).check(Check::Custom(numeric_id)).describe("Operating system id (see the `operating_systems` data source). Changing it reinstalls the server in place, erasing its disks."))
            .attr(Attribute::optional_computed("hostname", Type::String).check(Check::NonEmpty).check(Check::Custom(crate::support::checks::hostname)).describe("The server's hostname. It can only be changed by a reinstall, so changing it needs `os_id` and reinstalls the server."))
            .attr(Attribute::optional("language", Type::String).describe("OS language for reinstalls, e.g. `en_US` (default `en_US`). Not reported by the API; a change reinstalls the server."))
            .attr(Attribute::optional("keyboard", Type::String).describe("Keyboard layout for reinstalls, e.g. `no` (default `us`). Not reported by the API; a change reinstalls the server."))
            .attr(Attribute::optional("timezone", Type::String).describe("Timezone for reinstalls, e.g. `Europe/Oslo` (default `UTC`). Not reported by the API; a change reinstalls the server."))
            .attr(Attribute::optional("package_id", Type::String).check(Check::Custom(numeric_id)).describe("Package to upgrade to (see the `upgrade_packages` data source). A change orders an upgrade in place, which is billed; the API does not report the current package."))
            .attr(Attribute::optional_computed("iso_id", Type::String).describe("Id of an uploaded ISO to mount (see the `isos` data source); `0` when none is mounted."))
            .attr(Attribute::computed("root_password", Type::String).sensitive().keep_state().describe("The root password the last reinstall made by Terraform returned."))
            .attr(Attribute::computed("status", Type::String).describe("`installing`, `running`, `stopped` or `suspended`."))
            .attr(Attribute::computed("installing", Type::Bool).describe("Whether an installation is running."))
            .attr(Attribute::computed("type", Type::String).keep_state().describe("Server type, e.g. `vps` or `dedicated`."))
            .attr(Attribute::computed("location", Type::String).keep_state().describe("Data centre, e.g. `DC2`."))
            .attr(Attribute::computed("cores", Type::Number).describe("CPU cores."))
            .attr(Attribute::computed("ram", Type::Number).describe("Memory as the API reports it (`srv_ram`, GB on the examples seen)."))
            .attr(Attribute::computed("product_id", Type::String).describe("The product the server is billed as."))
            .attr(Attribute::computed("os_name", Type::String).describe("Name of the installed operating system."))
            .attr(Attribute::computed("primary_ip", Type::String).keep_state().describe("The primary IPv4 address."))
            .attr(Attribute::computed("ips", Type::list(ip_type())).describe("The server's IPv4 addresses, each with `id`, `address`, `type` (`primary`, `extra`, ...), `reverse`, `netmask` and `gateway`."))
            .attr(Attribute::computed("subnets", Type::list(subnet_type())).describe("The server's IPv6 subnets, each with `id`, `cidr` and `ns` (its NS delegation)."))
            .block(timeouts::block(&["create", "update"])),
    )
}

/// Power as the resource names it.
pub fn power_word(on: bool) -> &'static str {
    if on {
        "running"
    } else {
        "stopped"
    }
}

pub fn ips_json(server: &Server) -> serde_json::Value {
    json!(server
        .ips
        .iter()
        .map(|ip| json!({
            "id": ip.ip_id.map(|i| i.to_string()), "address": ip.ip_address, "type": ip.ip_type,
            "reverse": ip.ip_reverse, "netmask": ip.ip_netmask, "gateway": ip.ip_gateway,
        }))
        .collect::<Vec<_>>())
}

pub fn subnets_json(server: &Server) -> serde_json::Value {
    json!(server
        .subnets
        .iter()
        .map(|s| json!({
            "id": s.sub_id.map(|i| i.to_string()), "cidr": s.sub_cidr, "ns": s.sub_ns,
        }))
        .collect::<Vec<_>>())
}

/// The state of `server` built on `base`; arguments the API does not report stay as they are.
pub fn server_state(base: &Value, server: &Server) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    if let Some(id) = server.srv_id {
        s.set("id", id.to_string());
        s.set("server_id", id.to_string());
    }
    s.set(
        "name",
        server.srv_label.clone().or_else(|| server.srv_name.clone()),
    );
    s.set("hostname", server.srv_hostname.clone());
    let os_id = server.os.as_ref().and_then(|o| o.os_id).or(server.os_id);
    s.set("os_id", os_id.map(|i| i.to_string()));
    s.set(
        "os_name",
        server.os.as_ref().and_then(|o| o.os_name.clone()),
    );
    s.set("iso_id", server.iso_id.unwrap_or(0).to_string());
    let powered = server.srv_status;
    if let Some(on) = powered {
        s.set("power_state", power_word(on));
    }
    let status = if server.srv_suspended == Some(true) {
        Some("suspended")
    } else if server.installing() {
        Some("installing")
    } else {
        powered.map(power_word)
    };
    s.set("status", status);
    s.set("installing", server.installing());
    s.set("type", server.srv_type.clone());
    s.set("location", server.srv_location.clone());
    s.set("cores", server.srv_cores);
    s.set("ram", server.srv_ram);
    s.set("product_id", server.product_id.map(|i| i.to_string()));
    s.set("primary_ip", server.primary_ip());
    s.set(
        "ips",
        from_plain(&ips_json(server), &Type::list(ip_type())).unwrap_or(Value::Null),
    );
    s.set(
        "subnets",
        from_plain(&subnets_json(server), &Type::list(subnet_type())).unwrap_or(Value::Null),
    );
    settle_unknowns(s)
}

#[async_trait]
impl Resource<TerrahostClient> for ServerResource {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "server")
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(60 * 60),
            update: Duration::from_secs(60 * 60),
            ..DefaultTimeouts::default()
        }
    }

    fn modify_plan(&self, plan: &mut Plan, diags: &mut Diagnostics) {
        if plan.planned.is_null() {
            return;
        }
        if plan.is_create() || plan.is_replace() {
            if !plan.config.get("os_id").is_null() {
                diags.attr_warning(AttrPath::attr("os_id"), "Adopting the server may reinstall it", "If the server does not already run this operating system (with the configured hostname), Terraform reinstalls it when it takes the server over, which erases its disks.");
            }
            return;
        }
        let changed_hostname = plan.changes("hostname") && !plan.config.get("hostname").is_null();
        let changed_os = plan.changes("os_id") && !plan.config.get("os_id").is_null();
        let changed_settings = ["language", "keyboard", "timezone"]
            .iter()
            .any(|a| plan.changes(a) && !plan.prior.get(a).is_null());
        if (changed_hostname || changed_settings) && plan.config.get("os_id").is_null() {
            diags.attr_error(AttrPath::attr("hostname"), "A reinstall needs os_id", "The hostname, language, keyboard and timezone can only be changed by reinstalling the server: set `os_id` to the operating system to install.");
            return;
        }
        if changed_hostname || changed_os || changed_settings {
            diags.attr_warning(AttrPath::attr("os_id"), "The server will be reinstalled", "Changing the operating system, hostname, language, keyboard or timezone reinstalls the server in place: everything on its disks is erased and a new root password is set.");
            for name in CHANGED_BY_REINSTALL {
                plan.planned.set(name, Value::Unknown);
            }
        }
        if plan.changes("package_id") && !plan.prior.get("package_id").is_null() {
            diags.attr_warning(
                AttrPath::attr("package_id"),
                "Upgrading is billed",
                "Changing `package_id` orders an upgrade of the server, which the vendor bills.",
            );
            for name in CHANGED_BY_UPGRADE {
                plan.planned.set(name, Value::Unknown);
            }
        }
        if plan.changes("power_state") {
            plan.planned.set("status", Value::Unknown);
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<TerrahostClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = id_of(planned, "server_id") else {
            diags.attr_error(
                AttrPath::attr("server_id"),
                "Invalid server_id",
                "server_id must be a numeric server id.",
            );
            return Value::Null;
        };
        let server = match ctx.client.get_server_confirmed(id).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                diags.attr_error(AttrPath::attr("server_id"), format!("{} server {id} not found", self.brand.display()), format!("The account has no server {id}. This resource manages existing servers; the API cannot order new ones (order them in the control panel)."));
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
        let current = server_state(&Value::Null, &server);
        converge(ctx, id, &current, planned, true, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = id_of(current, "id").or_else(|| id_of(current, "server_id")) else {
            diags.error(
                "Invalid server id in state",
                "The state holds no numeric server id.",
            );
            return current.clone();
        };
        match ctx.client.get_server_confirmed(id).await {
            Ok(Some(server)) => server_state(current, &server),
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {} server {id}", self.brand.display()),
                    &e,
                    &ctx.client.credentials(),
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<TerrahostClient>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = id_of(prior, "id") else {
            diags.error(
                "Invalid server id in state",
                "The state holds no numeric server id.",
            );
            return prior.clone();
        };
        converge(ctx, id, prior, planned, false, diags).await
    }

    async fn delete(&self, _ctx: &Ctx<TerrahostClient>, prior: &Value, diags: &mut Diagnostics) {
        let id = prior.get("id").as_str().unwrap_or("?");
        diags.warning(
            format!("{} server {id} keeps running", self.brand.display()),
            format!("The API cannot cancel servers, so Terraform only stopped managing server {id}: it keeps running and billing. Cancel it in the {} control panel if it is no longer needed.", self.brand.display()),
        );
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        if id.trim().parse::<i64>().is_err() {
            diags.error(
                "Invalid server id",
                format!("Import needs the numeric server id, not {id:?}."),
            );
            return Value::Null;
        }
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", id.trim());
        state.set("server_id", id.trim());
        state
    }
}
