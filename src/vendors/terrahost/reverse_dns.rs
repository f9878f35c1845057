//! `<vendor>_reverse_dns`: the PTR record of one IPv4 address (`ip_id`) or the NS delegation
//! of one IPv6 subnet (`subnet_id`), set with `PUT /servers/{id}/reverse`. The API has no
//! delete, so the value found before Terraform took over is kept in the computed
//! `previous_dns` (resources cannot write private state yet) and put back on destroy.

use async_trait::async_trait;

use super::api::{ReverseTarget, TerrahostClient};
use super::models::Server;
use super::{id_of, numeric_id, settle_unknowns, type_name, Brand};
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::{AttrPath, Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub struct ReverseDnsResource {
    pub brand: Brand,
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("Reverse DNS of a server's IPv4 address (PTR record), or the NS delegation of one of its IPv6 subnets. The API cannot delete these: destroying the resource restores the value that was there before Terraform set it.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("`SERVER_ID/ip/IP_ID` or `SERVER_ID/subnet/SUBNET_ID`."))
            .attr(Attribute::required("server_id", Type::String).force_new().check(Check::Custom(numeric_id)).describe("Id of the server that holds the address or subnet."))
            .attr(Attribute::optional("ip_id", Type::String).force_new().check(Check::Custom(numeric_id)).describe("Id of the IPv4 address (see the server's `ips`). Exactly one of `ip_id` and `subnet_id` must be set."))
            .attr(Attribute::optional("subnet_id", Type::String).force_new().check(Check::Custom(numeric_id)).describe("Id of the IPv6 subnet to delegate (see the server's `subnets`)."))
            .attr(Attribute::required("dns", Type::String).check(Check::NonEmpty).check(Check::Custom(crate::support::checks::hostname)).describe("The host name (IPv4 PTR, e.g. `mail.example.com`) or name server (IPv6 delegation, e.g. `ns1.example.com`)."))
            .attr(Attribute::computed("address", Type::String).keep_state().describe("The IPv4 address or IPv6 subnet (CIDR)."))
            .attr(Attribute::computed("previous_dns", Type::String).keep_state().describe("The value found before Terraform took over; destroy puts it back.")),
    )
}

fn target(state: &Value) -> Option<ReverseTarget> {
    match (id_of(state, "ip_id"), id_of(state, "subnet_id")) {
        (Some(ip), None) => Some(ReverseTarget::Ip(ip)),
        (None, Some(sub)) => Some(ReverseTarget::Subnet(sub)),
        _ => None,
    }
}

/// The current value and address of `target` on `server`; `None` when the server lacks it.
fn current(server: &Server, target: ReverseTarget) -> Option<(String, String)> {
    match target {
        ReverseTarget::Ip(id) => server.ips.iter().find(|ip| ip.ip_id == Some(id)).map(|ip| {
            (
                ip.ip_reverse.clone().unwrap_or_default(),
                ip.ip_address.clone().unwrap_or_default(),
            )
        }),
        ReverseTarget::Subnet(id) => {
            server
                .subnets
                .iter()
                .find(|s| s.sub_id == Some(id))
                .map(|s| {
                    (
                        s.sub_ns.clone().unwrap_or_default(),
                        s.sub_cidr.clone().unwrap_or_default(),
                    )
                })
        }
    }
}

fn id_text(server: i64, target: ReverseTarget) -> String {
    match target {
        ReverseTarget::Ip(id) => format!("{server}/ip/{id}"),
        ReverseTarget::Subnet(id) => format!("{server}/subnet/{id}"),
    }
}

impl ReverseDnsResource {
    async fn lookup(
        &self,
        ctx: &Ctx<TerrahostClient>,
        server: i64,
        target: ReverseTarget,
        diags: &mut Diagnostics,
    ) -> Result<Option<(String, String)>, ()> {
        match ctx.client.get_server_confirmed(server).await {
            Ok(Some(s)) => Ok(current(&s, target)),
            Ok(None) => Ok(None),
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {} server {server}", self.brand.display()),
                    &e,
                    &ctx.client.credentials(),
                );
                Err(())
            }
        }
    }
}

#[async_trait]
impl Resource<TerrahostClient> for ReverseDnsResource {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "reverse_dns")
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let (ip, sub) = (config.get("ip_id"), config.get("subnet_id"));
        if ip.is_unknown() || sub.is_unknown() {
            return;
        }
        if ip.is_null() == sub.is_null() {
            diags.attr_error(AttrPath::attr("ip_id"), "Set exactly one of ip_id and subnet_id", "`ip_id` names an IPv4 address (PTR record), `subnet_id` an IPv6 subnet (NS delegation); set one of them.");
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<TerrahostClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let (Some(server), Some(target), Some(dns)) = (
            id_of(planned, "server_id"),
            target(planned),
            planned.get("dns").as_str(),
        ) else {
            diags.error(
                "Invalid reverse DNS arguments",
                "server_id, one of ip_id/subnet_id, and dns must be set.",
            );
            return Value::Null;
        };
        let (previous, address) = match self.lookup(ctx, server, target, diags).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                diags.error(
                    "Address not found",
                    format!(
                        "{} server {server} has no {}.",
                        self.brand.display(),
                        id_text(server, target)
                    ),
                );
                return Value::Null;
            }
            Err(()) => return Value::Null,
        };
        if let Err(e) = ctx.client.set_reverse(server, target, dns).await {
            api_error_diag(
                diags,
                &format!("Cannot set reverse DNS of {}", id_text(server, target)),
                &e,
                &ctx.client.credentials(),
            );
            return Value::Null;
        }
        let mut state = planned.clone();
        state.set("id", id_text(server, target));
        state.set("address", address);
        state.set("previous_dns", previous);
        settle_unknowns(state)
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        current_state: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let (Some(server), Some(target)) =
            (id_of(current_state, "server_id"), target(current_state))
        else {
            diags.error(
                "Invalid reverse DNS state",
                "The state lacks server_id or ip_id/subnet_id.",
            );
            return current_state.clone();
        };
        match self.lookup(ctx, server, target, diags).await {
            Ok(Some((dns, address))) => {
                let mut state = current_state.clone();
                if state.get("previous_dns").is_null() {
                    state.set("previous_dns", dns.as_str());
                }
                state.set("dns", dns);
                state.set("address", address);
                state.set("id", id_text(server, target));
                state
            }
            Ok(None) => Value::Null,
            Err(()) => current_state.clone(),
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<TerrahostClient>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let (Some(server), Some(target), Some(dns)) = (
            id_of(planned, "server_id"),
            target(planned),
            planned.get("dns").as_str(),
        ) else {
            return prior.clone();
        };
        if let Err(e) = ctx.client.set_reverse(server, target, dns).await {
            api_error_diag(
                diags,
                &format!("Cannot set reverse DNS of {}", id_text(server, target)),
                &e,
                &ctx.client.credentials(),
            );
            return prior.clone();
        }
        settle_unknowns(planned.clone())
    }

    async fn delete(&self, ctx: &Ctx<TerrahostClient>, prior: &Value, diags: &mut Diagnostics) {
        let (Some(server), Some(target)) = (id_of(prior, "server_id"), target(prior)) else {
            return;
        };
        let previous = prior.get("previous_dns").as_str().unwrap_or_default();
        let what = id_text(server, target);
        match ctx.client.set_reverse(server, target, previous).await {
            Ok(()) => diags.warning(
                "Reverse DNS restored, not deleted",
                format!("The API cannot delete reverse DNS: {what} was set back to {previous:?}, the value found before Terraform managed it."),
            ),
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error_diag(diags, &format!("Cannot restore reverse DNS of {what}"), &e, &ctx.client.credentials()),
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        let parts: Vec<&str> = id.trim().split('/').collect();
        let mut state = Value::null_object(&schema().block.implied_type());
        match parts.as_slice() {
            [server, kind @ ("ip" | "subnet"), item]
                if server.parse::<i64>().is_ok() && item.parse::<i64>().is_ok() =>
            {
                state.set("server_id", *server);
                state.set(if *kind == "ip" { "ip_id" } else { "subnet_id" }, *item);
                state.set("id", id.trim());
                state
            }
            _ => {
                diags.error("Invalid reverse DNS import id", format!("Import needs SERVER_ID/ip/IP_ID or SERVER_ID/subnet/SUBNET_ID, not {id:?}. The value at import time is what destroy restores."));
                Value::Null
            }
        }
    }
}
