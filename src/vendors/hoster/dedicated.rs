//! `hoster_dedicated_server`: a dedicated server ordered with `POST datacenter/dedicated/order`
//! (which answers only `true`), found by listing `GET datacenter/dedicated` before and after,
//! read with `config` + `status`, reinstalled with `reinstall`, powered with
//! `start`/`shutdown`, and terminated with `terminate` (immediate; confirmed by destroy).

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::dedicated_state::{
    fetch_dedicated, find_new, owned, wait_complete, wait_reinstalled, Owned,
};
use super::jobs::{spec, wait_power};
use super::vm_state::settle_unknowns;
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, Poll, WaitError};
use crate::tfplugin::plan::Plan;
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{AttrPath, Diagnostics, Schema, Value};

pub use super::dedicated_state::schema;

pub struct DedicatedServerResource;

fn server_id(state: &Value) -> Option<i64> {
    state.get("id").as_str().and_then(|s| s.trim().parse().ok())
}

async fn read_back(
    ctx: &Ctx<HosterClient>,
    id: i64,
    base: &Value,
    diags: &mut Diagnostics,
) -> Value {
    match fetch_dedicated(&ctx.client, id, base).await {
        Ok(Some(state)) => state,
        Ok(None) => {
            diags.error(format!("HosterAPI dedicated server {id} disappeared"), format!("Server {id} is no longer among the account's servers; it may have been terminated outside Terraform, or its order could not be completed."));
            settle_unknowns(base.clone())
        }
        Err(e) => {
            api_error_diag(
                diags,
                &format!("Cannot read HosterAPI dedicated server {id}"),
                &e,
                CREDENTIALS,
            );
            settle_unknowns(base.clone())
        }
    }
}

/// Starts or shuts the server down to match `want` and waits for its state.
async fn apply_power(
    ctx: &Ctx<HosterClient>,
    id: i64,
    want: &'static str,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> bool {
    let action = if want == "running" {
        "start"
    } else {
        "shutdown"
    };
    if let Err(e) = ctx.client.dedicated_power(id, action).await {
        api_error_diag(
            diags,
            &format!("Cannot {action} HosterAPI dedicated server {id}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    let client = ctx.client.clone();
    let read = || {
        let client = client.clone();
        async move { Ok(client.dedicated_status(id).await?.state) }
    };
    if let Err(e) = wait_power(
        ctx,
        format!("dedicated server {id} to be {want}"),
        want,
        deadline,
        read,
    )
    .await
    {
        wait_error_diag(
            diags,
            &format!("HosterAPI dedicated server {id} did not become {want}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    true
}

#[async_trait]
impl Resource<HosterClient> for DedicatedServerResource {
    fn type_name(&self) -> &'static str {
        "hoster_dedicated_server"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(2 * 60 * 60),
            read: Duration::from_secs(5 * 60),
            update: Duration::from_secs(60 * 60),
            delete: Duration::from_secs(10 * 60),
        }
    }

    fn modify_plan(&self, plan: &mut Plan, diags: &mut Diagnostics) {
        if plan.planned.is_null() || plan.is_create() || plan.is_replace() {
            return;
        }
        let hostname_change = plan.changes("hostname") && !plan.prior.get("hostname").is_null();
        if plan.changes("template") || hostname_change {
            diags.attr_warning(AttrPath::attr("template"), "The dedicated server will be reinstalled", "Changing `template` or `hostname` reinstalls the server in place: everything on its disks is lost, and it gets new passwords. Its id and IP addresses stay.");
            plan.planned
                .set("root_password", crate::tfplugin::Value::Unknown);
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<HosterClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let market_id = planned.get("market_id").as_i64().unwrap_or_default();
        let template = planned.get("template").as_str().unwrap_or_default();
        let id = {
            let _one_order_at_a_time = ctx.client.order_lock.lock().await;
            let before = match ctx.client.owned_dedicated().await {
                Ok(list) => list.into_iter().map(|s| s.id).collect::<Vec<i64>>(),
                Err(e) => {
                    api_error_diag(
                        diags,
                        "Cannot list HosterAPI dedicated servers before ordering",
                        &e,
                        CREDENTIALS,
                    );
                    if let Some(d) = diags.0.last_mut() {
                        d.detail.push_str(" Nothing was ordered: without the list the new server could not be told apart from the others.");
                    }
                    return Value::Null;
                }
            };
            let ordered = ctx
                .client
                .order_dedicated(
                    market_id,
                    template,
                    planned.get("ip_count").as_i64(),
                    planned.get("hostname").as_str(),
                )
                .await;
            if let Err(e) = ordered {
                let soon = Instant::now() + ctx.client.poll_interval * 10;
                let adopted = match e.outcome_unknown() {
                    true => find_new(ctx, before, market_id, soon.min(deadline))
                        .await
                        .ok(),
                    false => None,
                };
                if let Some(id) = adopted {
                    diags.warning(format!("Adopted HosterAPI dedicated server {id}"), format!("The answer to the order was lost ({e}), but a new server {id} appeared in the account; Terraform manages it instead of ordering another."));
                    id
                } else {
                    api_error_diag(
                        diags,
                        &format!("Cannot order HosterAPI dedicated server {market_id}"),
                        &e,
                        CREDENTIALS,
                    );
                    if e.outcome_unknown() {
                        if let Some(d) = diags.0.last_mut() {
                            d.detail.push_str(" The order may still have been placed: check the account's dedicated servers before applying again, and import a new one if it is there.");
                        }
                    }
                    return Value::Null;
                }
            } else {
                match find_new(ctx, before, market_id, deadline).await {
                    Ok(id) => id,
                    Err(e) => {
                        wait_error_diag(
                            diags,
                            "The ordered HosterAPI dedicated server was not found",
                            &e,
                            CREDENTIALS,
                        );
                        if let Some(d) = diags.0.last_mut() {
                            d.detail.push_str(" The order was accepted, but no new server appeared among the account's servers; HosterAPI says this happens when an order cannot be completed. Check with the vendor before ordering again.");
                        }
                        return Value::Null;
                    }
                }
            }
        };
        let mut state = settle_unknowns(planned.clone());
        state.set("id", id.to_string());
        match wait_complete(ctx, id, deadline).await {
            Ok(()) => {}
            Err(WaitError::Gone { .. }) => {
                diags.error(format!("The order of HosterAPI dedicated server {id} failed"), format!("Server {id} appeared in the account and then disappeared before its order completed; HosterAPI says this happens when an order cannot be completed. Nothing is left to manage."));
                return Value::Null;
            }
            Err(e) => {
                wait_error_diag(
                    diags,
                    &format!("The order of HosterAPI dedicated server {id} did not complete"),
                    &e,
                    CREDENTIALS,
                );
                return state;
            }
        }
        if planned.get("power_state").as_str() == Some("stopped")
            && !apply_power(ctx, id, "stopped", deadline, diags).await
        {
            return read_back(ctx, id, &state, diags).await;
        }
        read_back(ctx, id, &state, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = server_id(current) else {
            diags.error(
                "Invalid HosterAPI dedicated server id",
                "The state holds no numeric server id.",
            );
            return current.clone();
        };
        match fetch_dedicated(&ctx.client, id, current).await {
            Ok(Some(state)) => state,
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HosterAPI dedicated server {id}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<HosterClient>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let Some(id) = server_id(prior) else {
            diags.error(
                "Invalid HosterAPI dedicated server id",
                "The prior state holds no numeric server id.",
            );
            return prior.clone();
        };
        let mut base = planned.clone();
        let template = planned
            .get("template")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let hostname = planned.get("hostname").as_str();
        let hostname_changed =
            !prior.get("hostname").is_null() && prior.get("hostname").as_str() != hostname;
        if prior.get("template").as_str() != Some(template.as_str()) || hostname_changed {
            if let Err(e) = ctx
                .client
                .reinstall_dedicated(id, &template, hostname)
                .await
            {
                api_error_diag(
                    diags,
                    &format!("Cannot reinstall HosterAPI dedicated server {id}"),
                    &e,
                    CREDENTIALS,
                );
                base.set("template", prior.get("template").clone());
                base.set("hostname", prior.get("hostname").clone());
                return read_back(ctx, id, &base, diags).await;
            }
            if let Err(e) = wait_reinstalled(ctx, id, template, deadline).await {
                wait_error_diag(
                    diags,
                    &format!("HosterAPI dedicated server {id} was not reinstalled"),
                    &e,
                    CREDENTIALS,
                );
                return read_back(ctx, id, &base, diags).await;
            }
        }
        if let Some(want) = planned.get("power_state").as_str() {
            let want = if want == "stopped" {
                "stopped"
            } else {
                "running"
            };
            let current = ctx
                .client
                .dedicated_status(id)
                .await
                .ok()
                .and_then(|s| s.state);
            let is_now = current.as_deref().and_then(super::jobs::power_state_of);
            if is_now != Some(want) && !apply_power(ctx, id, want, deadline, diags).await {
                return read_back(ctx, id, &base, diags).await;
            }
        }
        read_back(ctx, id, &base, diags).await
    }

    async fn delete(&self, ctx: &Ctx<HosterClient>, prior: &Value, diags: &mut Diagnostics) {
        let deadline = Instant::now() + ctx.timeout;
        let Some(id) = server_id(prior) else { return };
        match ctx.client.terminate_dedicated(id).await {
            Ok(()) => {}
            Err(e) if is_gone(&e) => return,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot terminate HosterAPI dedicated server {id}"),
                    &e,
                    CREDENTIALS,
                );
                return;
            }
        }
        let client = ctx.client.clone();
        let gone = wait_for(
            spec(
                ctx,
                format!("dedicated server {id} to be terminated"),
                deadline,
            ),
            move |_| {
                let client = client.clone();
                async move {
                    Ok(match owned(&client, id).await? {
                        Owned::Missing => Poll::Done(()),
                        _ => Poll::Pending("still listed".into()),
                    })
                }
            },
        )
        .await;
        if let Err(e) = gone {
            wait_error_diag(
                diags,
                &format!("HosterAPI dedicated server {id} was not terminated in time"),
                &e,
                CREDENTIALS,
            );
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        if id.trim().parse::<i64>().is_err() {
            diags.error(
                "Invalid HosterAPI dedicated server id",
                format!("Import needs the numeric server id, not {id:?}."),
            );
            return Value::Null;
        }
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", id.trim());
        state
    }
}
