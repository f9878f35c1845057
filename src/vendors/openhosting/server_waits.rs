//! The server's waits and read-back helpers: a graceful stop (ACPI shutdown, then a hard stop
//! after the grace period) and, right after an import, telling leased addresses from
//! configured static ones.

use std::time::Duration;

use super::api::{OpenHostingClient, ResourceKind, CREDENTIALS};
use super::models::Props;
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, Poll, WaitError, WaitSpec};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Diagnostics, Value};

/// How long an ACPI shutdown may take before the server is stopped hard.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(60);

/// Waits until the server is no longer active (or is gone), for at most `limit`.
async fn wait_stopped(
    ctx: &Ctx<OpenHostingClient>,
    uuid: &str,
    limit: Duration,
) -> Result<(), WaitError> {
    let spec = WaitSpec {
        what: format!("server {uuid} to stop"),
        poll_interval: ctx.client.poll_interval,
        timeout: limit,
        cancel: ctx.cancel.clone(),
    };
    wait_for(spec, |_| async move {
        match ctx.client.server_info(uuid).await {
            Ok(p) if p.text("status").as_deref() == Some("active") => {
                Ok(Poll::Pending("active".into()))
            }
            Ok(_) => Ok(Poll::Done(())),
            Err(e) if e.is_not_found() => Ok(Poll::Done(())),
            Err(e) => Err(e),
        }
    })
    .await
}

/// ACPI shutdown, then a hard stop if the server is still running after the grace period.
pub async fn stop_gracefully(
    ctx: &Ctx<OpenHostingClient>,
    uuid: &str,
    diags: &mut Diagnostics,
) -> bool {
    if let Err(e) = ctx.client.server_action(uuid, "shutdown").await {
        api_error_diag(
            diags,
            &format!("Cannot shut down server {uuid}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    if wait_stopped(ctx, uuid, SHUTDOWN_GRACE.min(ctx.timeout / 2))
        .await
        .is_ok()
    {
        return true;
    }
    log::info!("server {uuid} did not shut down within the grace period; stopping it");
    if let Err(e) = ctx.client.server_action(uuid, "stop").await {
        api_error_diag(
            diags,
            &format!("Cannot stop server {uuid}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    match wait_stopped(ctx, uuid, ctx.timeout / 2).await {
        Ok(()) => true,
        Err(e) => {
            wait_error_diag(
                diags,
                &format!("Server {uuid} did not stop"),
                &e,
                CREDENTIALS,
            );
            false
        }
    }
}

/// Right after an import the state cannot say whether an address the API shows for
/// `nic:0:dhcp` or `vnc:ip` was configured or leased for `auto`: an address that is not one
/// of the account's static IPs was leased, so the argument is read as `auto`.
pub async fn mark_leased_addresses(ctx: &Ctx<OpenHostingClient>, props: &Props, state: &mut Value) {
    let address = |key: &str| {
        props
            .text(key)
            .filter(|t| t.parse::<std::net::IpAddr>().is_ok())
    };
    let (nic_address, vnc_address) = (address("nic:0:dhcp"), address("vnc:ip"));
    if nic_address.is_none() && vnc_address.is_none() {
        return;
    }
    let Ok(statics) = ctx.client.resources_info(ResourceKind::Ip).await else {
        return;
    };
    let is_static = |a: &String| statics.iter().any(|r| r.id("resource").as_ref() == Some(a));
    if let Some(a) = nic_address.filter(|a| !is_static(a)) {
        if let Value::List(nics) = state.get("nic").clone() {
            let mut nics = nics;
            if let Some(first) = nics.first_mut() {
                first.set("dhcp", "auto");
            }
            state.set("nic", Value::List(nics));
        }
        log::debug!("nic 0 address {a} is leased: read as auto");
    }
    if vnc_address.is_some_and(|a| !is_static(&a)) {
        let mut vnc = state.get("vnc").clone();
        vnc.set("ip", "auto");
        state.set("vnc", vnc);
    }
}
