//! The schema of `hoster_dedicated_server`, its API -> state mapping, and the waits of an
//! order: finding the new server by listing before and after, and `orderComplete`.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::api::{is_gone, HosterClient};
use super::jobs::{power_state_of, spec};
use super::models::{DedicatedConfig, Hardware};
use crate::support::{wait_for, ApiError, Poll, WaitError};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{timeouts, Attribute, Block, Check, Schema, Type, Value};

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A dedicated server ordered from the HosterAPI market. The order answers only `true`, so the provider finds the new server by listing the account's servers before and after ordering, then waits until the order is complete. Destroying it terminates the server at once.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The server id, as text."))
            .attr(Attribute::required("market_id", Type::Number).force_new().check(crate::tfplugin::Check::IntRange(1, crate::support::checks::MAX_ID)).describe("Id of the market offer to order (see the `hoster_dedicated_market` data source). Changing it orders a new server."))
            .attr(Attribute::required("template", Type::String).check(Check::NonEmpty).describe("Template to install, e.g. `Debian Buster` (see `hoster_dedicated_templates`). Changing it reinstalls the server in place: its disks are wiped."))
            .attr(Attribute::optional("ip_count", Type::Number).force_new().check(Check::IntRange(1, 64)).describe("Number of IP addresses to order (the vendor's default when left out). Set at order time only; changing it orders a new server."))
            .attr(Attribute::optional("hostname", Type::String).check(crate::tfplugin::Check::Custom(crate::support::checks::hostname)).describe("Hostname set when the OS is installed. The API cannot report it; changing it reinstalls the server."))
            .attr(Attribute::optional_computed("power_state", Type::String).check(Check::OneOf(&["running", "stopped"])).describe("`running` or `stopped`. When set, Terraform starts or shuts the server down to match; when left out, it reports the current state."))
            .attr(Attribute::computed("ips", Type::list(Type::String)).keep_state().describe("The server's IP addresses."))
            .attr(Attribute::computed("configuration", Type::map(Type::String)).keep_state().describe("The hardware: `model`-independent keys `cpu_type`, `cpu_count`, `ram_type`, `ram_size`, `storage_type`, `storage_count`, `storage_size`, `price`, `location_id` and `location`."))
            .attr(Attribute::computed("status", Type::String).describe("The state as HosterAPI reports it, e.g. `running` or `halted`."))
            .attr(Attribute::computed("root_password", Type::String).sensitive().describe("The root password HosterAPI reports for the server."))
            .block(timeouts::block(&["create", "update", "delete"])),
    )
}

/// The hardware as a flat map of strings.
pub fn hardware_map(h: &Hardware) -> Value {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            m.insert(k.to_string(), Value::from(v));
        }
    };
    put("cpu_type", h.cpu.kind.clone());
    put("cpu_count", h.cpu.count.clone());
    put("ram_type", h.ram.kind.clone());
    put("ram_size", h.ram.size.clone());
    put("storage_type", h.storage.kind.clone());
    put("storage_count", h.storage.count.clone());
    put("storage_size", h.storage.size.clone());
    put("price", h.price.map(|p| p.to_string()));
    put("location_id", h.location.id.map(|i| i.to_string()));
    put("location", h.location.name.clone());
    Value::Map(m)
}

/// The state of server `id` on top of `base`.
pub fn dedicated_state(
    base: &Value,
    id: i64,
    config: &DedicatedConfig,
    state: Option<&str>,
) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    s.set("id", id.to_string());
    if let Some(t) = &config.template {
        s.set("template", t.as_str());
    }
    s.set("ips", Value::string_list(config.ips.clone()));
    s.set("configuration", hardware_map(&config.configuration));
    if let Some(p) = config.root_password() {
        crate::tfplugin::log::register_secret(&p);
        s.set("root_password", p);
    }
    if let Some(power) = state.and_then(power_state_of) {
        s.set("power_state", power);
    }
    s.set("status", state.map(str::to_string));
    super::vm_state::settle_unknowns(s)
}

/// Where an owned server stands.
pub enum Owned {
    Missing,
    Ordered,
    Complete,
}

pub async fn owned(client: &HosterClient, id: i64) -> Result<Owned, ApiError> {
    let list = client.owned_dedicated().await?;
    Ok(match list.iter().find(|s| s.id == id) {
        None => Owned::Missing,
        Some(s) if s.order_complete => Owned::Complete,
        Some(_) => Owned::Ordered,
    })
}

/// Reads server `id` into a state on `base`; `None` when gone. An incomplete order keeps `base`.
pub async fn fetch_dedicated(
    client: &HosterClient,
    id: i64,
    base: &Value,
) -> Result<Option<Value>, ApiError> {
    match owned(client, id).await? {
        // The list can lag behind: the server's own answer below decides whether it is gone.
        Owned::Missing | Owned::Complete => {}
        Owned::Ordered => {
            let mut s = super::vm_state::settle_unknowns(base.clone());
            s.set("id", id.to_string());
            s.set("status", "ordered");
            return Ok(Some(s));
        }
    }
    let config = match client.dedicated_config(id).await {
        Err(e) if is_gone(&e) => return Ok(None),
        other => other?,
    };
    let status = match client.dedicated_status(id).await {
        Err(e) if is_gone(&e) => return Ok(None),
        other => other?,
    };
    Ok(Some(dedicated_state(
        base,
        id,
        &config,
        status.state.as_deref(),
    )))
}

/// Waits for a server that is not in `before` to be listed; prefers `market_id` if several.
pub async fn find_new(
    ctx: &Ctx<HosterClient>,
    before: Vec<i64>,
    market_id: i64,
    deadline: Instant,
) -> Result<i64, WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(ctx, "the ordered server to be listed".into(), deadline),
        move |_| {
            let (client, before) = (client.clone(), before.clone());
            async move {
                let list = client.owned_dedicated().await?;
                let new: Vec<i64> = list
                    .iter()
                    .map(|s| s.id)
                    .filter(|id| !before.contains(id))
                    .collect();
                Ok(
                    match new.iter().find(|id| **id == market_id).or(new.iter().max()) {
                        Some(id) => Poll::Done(*id),
                        None => Poll::Pending(format!("{} servers listed, none new", list.len())),
                    },
                )
            }
        },
    )
    .await
}

/// Waits until server `id`'s order is complete.
pub async fn wait_complete(
    ctx: &Ctx<HosterClient>,
    id: i64,
    deadline: Instant,
) -> Result<(), WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(
            ctx,
            format!("the order of server {id} to complete"),
            deadline,
        ),
        move |_| {
            let client = client.clone();
            async move {
                Ok(match owned(&client, id).await? {
                    Owned::Missing => Poll::Gone,
                    Owned::Ordered => Poll::Pending("orderComplete false".into()),
                    Owned::Complete => Poll::Done(()),
                })
            }
        },
    )
    .await
}

/// Waits until server `id` runs `template` and is `running` again after a reinstall.
pub async fn wait_reinstalled(
    ctx: &Ctx<HosterClient>,
    id: i64,
    template: String,
    deadline: Instant,
) -> Result<(), WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(
            ctx,
            format!("server {id} to be reinstalled with {template}"),
            deadline,
        ),
        move |_| {
            let (client, template) = (client.clone(), template.clone());
            async move {
                let config = match client.dedicated_config(id).await {
                    Err(e) if is_gone(&e) => return Ok(Poll::Gone),
                    Err(e) if e.status() == Some(500) => return Ok(Poll::Pending(e.to_string())),
                    other => other?,
                };
                let state = client.dedicated_status(id).await?.state.unwrap_or_default();
                if config.template.as_deref() == Some(template.as_str())
                    && power_state_of(&state) == Some("running")
                {
                    Ok(Poll::Done(()))
                } else {
                    Ok(Poll::Pending(format!(
                        "{} / {state}",
                        config.template.unwrap_or_default()
                    )))
                }
            }
        },
    )
    .await
}
