//! The waits of `hosthatch_server`: until a new server is Active and online, until a power
//! change shows in its status, until an upgrade shows its new product, and until a cancelled
//! server is gone. All use the shared poll engine and the operation's deadline.

use tokio::time::Instant;

use super::api::{HostHatchClient, CREDENTIALS};
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, Poll, WaitError, WaitSpec};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::Diagnostics;

fn spec(ctx: &Ctx<HostHatchClient>, what: String, deadline: Instant) -> WaitSpec {
    WaitSpec {
        what,
        poll_interval: ctx.client.poll_interval,
        timeout: deadline.saturating_duration_since(Instant::now()),
        cancel: ctx.cancel.clone(),
    }
}

/// Waits until the server is `Active` and `online`.
pub async fn wait_active(
    ctx: &Ctx<HostHatchClient>,
    id: i64,
    deadline: Instant,
) -> Result<(), WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(
            ctx,
            format!("server {id} to become Active and online"),
            deadline,
        ),
        move |_| {
            let client = client.clone();
            async move {
                let server = match client.get_server(id).await {
                    Err(e) if e.is_not_found() => {
                        return Ok(Poll::Pending("not listed yet".into()))
                    }
                    other => other?,
                };
                if server.is_cancelled() {
                    return Ok(Poll::Gone);
                }
                let state = server.state.clone().unwrap_or_else(|| "unknown".into());
                let status = match client.server_status(id).await {
                    Ok(status) => status,
                    Err(e) if !server.is_active() && !e.is_retryable() => "no status".into(),
                    Err(e) => return Err(e),
                };
                if server.is_active() && status.eq_ignore_ascii_case("online") {
                    Ok(Poll::Done(()))
                } else {
                    Ok(Poll::Pending(format!("{state}/{status}")))
                }
            }
        },
    )
    .await
}

/// Waits until the status is `want` (`online` or `offline`).
pub async fn wait_status(
    ctx: &Ctx<HostHatchClient>,
    id: i64,
    want: &'static str,
    deadline: Instant,
) -> Result<(), WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(ctx, format!("server {id} to be {want}"), deadline),
        move |_| {
            let client = client.clone();
            async move {
                match client.server_status(id).await {
                    Ok(status) if status.eq_ignore_ascii_case(want) => Ok(Poll::Done(())),
                    Ok(status) => Ok(Poll::Pending(status)),
                    Err(e) if e.is_not_found() => Ok(Poll::Gone),
                    Err(e) => Err(e),
                }
            }
        },
    )
    .await
}

/// Waits until the server reports `product`.
pub async fn wait_product(
    ctx: &Ctx<HostHatchClient>,
    id: i64,
    product: String,
    deadline: Instant,
) -> Result<(), WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(ctx, format!("server {id} to become {product}"), deadline),
        move |_| {
            let (client, product) = (client.clone(), product.clone());
            async move {
                match client.get_server(id).await {
                    Ok(s) if s.product.id.as_deref() == Some(product.as_str()) => {
                        Ok(Poll::Done(()))
                    }
                    Ok(s) => Ok(Poll::Pending(format!(
                        "product {}",
                        s.product.id.as_deref().unwrap_or("unknown")
                    ))),
                    Err(e) if e.is_not_found() => Ok(Poll::Gone),
                    Err(e) => Err(e),
                }
            }
        },
    )
    .await
}

/// Waits until the API no longer knows the server (404).
pub async fn wait_gone(
    ctx: &Ctx<HostHatchClient>,
    id: i64,
    deadline: Instant,
) -> Result<(), WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(
            ctx,
            format!("server {id} to be cancelled and gone"),
            deadline,
        ),
        move |_| {
            let client = client.clone();
            async move {
                match client.get_server(id).await {
                    Err(e) if e.is_not_found() => Ok(Poll::Done(())),
                    Ok(s) => Ok(Poll::Pending(s.state.unwrap_or_else(|| "unknown".into()))),
                    Err(e) => Err(e),
                }
            }
        },
    )
    .await
}

/// Boots or shuts the server down to match `power_state` and waits for the status.
pub async fn apply_power(
    ctx: &Ctx<HostHatchClient>,
    id: i64,
    power_state: &str,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> bool {
    let (request, want) = match power_state {
        "stopped" => (ctx.client.shutdown(id).await, "offline"),
        _ => (ctx.client.boot(id).await, "online"),
    };
    if let Err(e) = request {
        api_error_diag(
            diags,
            &format!(
                "Cannot power server {id} {}",
                if want == "online" { "on" } else { "off" }
            ),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    if let Err(e) = wait_status(ctx, id, want, deadline).await {
        wait_error_diag(
            diags,
            &format!("Server {id} did not become {want}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    true
}
