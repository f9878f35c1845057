//! `<vendor>_ipv4`: orders an additional IPv4 address for a server (`POST /servers/{id}/ipv4`,
//! billed) and records which address arrived by watching the server's IP list. There is no
//! release endpoint: destroy only forgets the address, with a warning.

use std::time::Duration;

use async_trait::async_trait;

use super::api::TerrahostClient;
use super::models::{Ip, Server};
use super::{id_of, numeric_id, settle_unknowns, type_name, Brand};
use crate::support::diag::api_error_diag;
use crate::support::{wait_for, Poll, WaitSpec};
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{timeouts, Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub struct Ipv4Resource {
    pub brand: Brand,
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("An additional IPv4 address ordered for a server. Ordering is billed and cannot be undone through the API: destroying this resource only removes it from Terraform; release the address in the control panel.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The address id (`ip_id`), as text."))
            .attr(Attribute::required("server_id", Type::String).force_new().check(Check::Custom(numeric_id)).describe("Id of the server to order the address for."))
            .attr(Attribute::required("ip_type", Type::String).force_new().check(Check::OneOf(&["l2", "l3"])).describe("`l2` for a layer 2 (non-routed) address, `l3` for a routed layer 3 address. Changing it orders another address."))
            .attr(Attribute::computed("address", Type::String).keep_state().describe("The address that arrived."))
            .attr(Attribute::computed("netmask", Type::String).keep_state().describe("Its netmask."))
            .attr(Attribute::computed("gateway", Type::String).keep_state().describe("Its gateway."))
            .attr(Attribute::computed("type", Type::String).keep_state().describe("The type the API reports, e.g. `extra`."))
            .block(timeouts::block(&["create"])),
    )
}

fn ip_state(base: &Value, server: i64, ip: &Ip) -> Value {
    let mut s = base.clone();
    s.set("server_id", server.to_string());
    s.set("id", ip.ip_id.map(|i| i.to_string()));
    s.set("address", ip.ip_address.clone());
    s.set("netmask", ip.ip_netmask.clone());
    s.set("gateway", ip.ip_gateway.clone());
    s.set("type", ip.ip_type.clone());
    if s.get("ip_type").is_null() {
        // After an import: routed addresses are layer 3, the others layer 2.
        let routed = ip.ip_type.as_deref() == Some("routed");
        s.set("ip_type", if routed { "l3" } else { "l2" });
    }
    settle_unknowns(s)
}

/// Marks an order whose address has not arrived: the id names the addresses the server had
/// before it, so a refresh can tell the new one.
const PENDING: &str = "pending-after:";

fn pending_state(base: &Value, server: i64, before: &[i64]) -> Value {
    let mut s = base.clone();
    s.set("server_id", server.to_string());
    let known: Vec<String> = before.iter().map(i64::to_string).collect();
    s.set("id", format!("{PENDING}{}", known.join(",")));
    settle_unknowns(s)
}

/// The addresses a pending order's id names, or `None` if `id` is not a pending one.
fn pending_before(id: &str) -> Option<Vec<i64>> {
    let list = id.strip_prefix(PENDING)?;
    Some(list.split(',').filter_map(|n| n.parse().ok()).collect())
}

fn ip_ids(server: &Server) -> Vec<i64> {
    server.ips.iter().filter_map(|ip| ip.ip_id).collect()
}

#[async_trait]
impl Resource<TerrahostClient> for Ipv4Resource {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "ipv4")
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(30 * 60),
            ..DefaultTimeouts::default()
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<TerrahostClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let brand = self.brand.display();
        let creds = ctx.client.credentials();
        let (Some(server), Some(ip_type)) =
            (id_of(planned, "server_id"), planned.get("ip_type").as_str())
        else {
            diags.error(
                "Invalid IPv4 arguments",
                "server_id and ip_type must be set.",
            );
            return Value::Null;
        };
        let before = match ctx.client.get_server_confirmed(server).await {
            Ok(Some(s)) => ip_ids(&s),
            Ok(None) => {
                diags.error(
                    format!("{brand} server {server} not found"),
                    format!("The account has no server {server}."),
                );
                return Value::Null;
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {brand} server {server}"),
                    &e,
                    &creds,
                );
                return Value::Null;
            }
        };
        let new_ip = |s: Option<_>| {
            s.and_then(|s: Server| {
                s.ips
                    .into_iter()
                    .find(|ip| ip.ip_id.is_some_and(|id| !before.contains(&id)))
            })
        };
        let mut lost_answer = None;
        if let Err(e) = ctx.client.order_ipv4(server, ip_type).await {
            if !e.outcome_unknown() {
                api_error_diag(
                    diags,
                    &format!("Cannot order an IPv4 address for {brand} server {server}"),
                    &e,
                    &creds,
                );
                return Value::Null;
            }
            // The order may have been placed: wait for an address as if it had been.
            lost_answer = Some(e);
        }
        let spec = WaitSpec {
            what: format!("the ordered IPv4 address of server {server} to arrive"),
            poll_interval: ctx.client.poll_interval,
            timeout: ctx.timeout,
            cancel: ctx.cancel.clone(),
        };
        let arrived = wait_for(spec, |_| async {
            Ok(match ctx.client.get_server(server).await? {
                Some(s) => match new_ip(Some(s)) {
                    Some(ip) => Poll::Done(ip),
                    None => Poll::Pending("not delivered yet".into()),
                },
                None => Poll::Pending("server not listed".into()),
            })
        })
        .await;
        match arrived {
            Ok(ip) => {
                if let Some(e) = lost_answer {
                    diags.warning(format!("Adopted a new IPv4 address of {brand} server {server}"), format!("The answer to the order was lost ({e}), but a new address appeared on the server; Terraform manages it instead of ordering another."));
                }
                ip_state(planned, server, &ip)
            }
            Err(e) => {
                let why = match &lost_answer {
                    Some(lost) => format!("the answer to the order was lost ({lost}) and no new address appeared ({e})"),
                    None => format!("the address was ordered (and is billed) but has not arrived ({e})"),
                };
                diags.warning(
                    format!("The IPv4 address ordered for {brand} server {server} is pending"),
                    format!("Terraform records the order as pending: {why}. The next refresh records the first address that is new on the server since the order, so another apply does not order a second one."),
                );
                pending_state(planned, server, &before)
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let pending = current.get("id").as_str().and_then(pending_before);
        if let (Some(before), Some(server)) = (pending, id_of(current, "server_id")) {
            return match ctx.client.get_server_confirmed(server).await {
                Ok(Some(s)) => match s
                    .ips
                    .iter()
                    .find(|ip| ip.ip_id.is_some_and(|id| !before.contains(&id)))
                {
                    Some(ip) => ip_state(current, server, ip),
                    None => current.clone(),
                },
                Ok(None) => Value::Null,
                Err(_) => current.clone(),
            };
        }
        let (Some(server), Some(ip_id)) = (id_of(current, "server_id"), id_of(current, "id"))
        else {
            diags.error(
                "Invalid IPv4 state",
                "The state lacks a numeric server_id or id.",
            );
            return current.clone();
        };
        match ctx.client.get_server_confirmed(server).await {
            Ok(Some(s)) => match s.ips.iter().find(|ip| ip.ip_id == Some(ip_id)) {
                Some(ip) => ip_state(current, server, ip),
                None => Value::Null,
            },
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {} server {server}", self.brand.display()),
                    &e,
                    &ctx.client.credentials(),
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx<TerrahostClient>,
        _prior: &Value,
        planned: &Value,
        _diags: &mut Diagnostics,
    ) -> Value {
        settle_unknowns(planned.clone())
    }

    async fn delete(&self, _ctx: &Ctx<TerrahostClient>, prior: &Value, diags: &mut Diagnostics) {
        let address = prior.get("address").as_str().unwrap_or("the address");
        diags.warning(
            format!("{address} is still ordered"),
            format!("The {} API cannot release IPv4 addresses: Terraform only stopped managing {address}, which stays on the server and is still billed. Release it in the control panel.", self.brand.display()),
        );
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        let parts: Vec<&str> = id.trim().split('/').collect();
        match parts.as_slice() {
            [server, ip] if server.parse::<i64>().is_ok() && ip.parse::<i64>().is_ok() => {
                let mut state = Value::null_object(&schema().block.implied_type());
                state.set("server_id", *server);
                state.set("id", *ip);
                state
            }
            _ => {
                diags.error(
                    "Invalid IPv4 import id",
                    format!("Import needs SERVER_ID/IP_ID, not {id:?}."),
                );
                Value::Null
            }
        }
    }
}
