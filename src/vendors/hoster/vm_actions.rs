//! The in-place changes of `hoster_vm`, each reporting its own diagnostics and returning
//! whether it succeeded: power (start; graceful shutdown, then forced stop), resize through
//! the change endpoint, reinstall (a job), and reverse DNS. Restores are in `backup_tasks.rs`.

use std::time::Duration;

use serde_json::{json, Map, Value as Json};
use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::disk;
use super::jobs::{spec, wait_job, wait_power};
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, Poll, WaitError};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Diagnostics, Value};

/// How long a graceful shutdown may take before the VM is stopped forcefully.
pub const GRACEFUL_SHUTDOWN: Duration = Duration::from_secs(120);

async fn power_state(
    client: &HosterClient,
    id: i64,
) -> Result<Option<String>, crate::support::ApiError> {
    Ok(client.vm_status(id).await?.state)
}

/// Starts or shuts down VM `id` to match `want` and waits for its status.
pub async fn apply_power(
    ctx: &Ctx<HosterClient>,
    id: i64,
    want: &str,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> bool {
    let client = ctx.client.clone();
    let read = || power_state(&client, id);
    if want == "running" {
        if let Err(e) = ctx.client.vm_power(id, "start").await {
            api_error_diag(
                diags,
                &format!("Cannot start HosterAPI VM {id}"),
                &e,
                CREDENTIALS,
            );
            return false;
        }
        if let Err(e) = wait_power(
            ctx,
            format!("VM {id} to be running"),
            "running",
            deadline,
            read,
        )
        .await
        {
            wait_error_diag(
                diags,
                &format!("HosterAPI VM {id} did not start"),
                &e,
                CREDENTIALS,
            );
            return false;
        }
        return true;
    }
    if let Err(e) = ctx.client.vm_power(id, "shutdown").await {
        api_error_diag(
            diags,
            &format!("Cannot shut down HosterAPI VM {id}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    let graceful = Instant::now() + GRACEFUL_SHUTDOWN.min(remaining / 2);
    let what = format!("VM {id} to shut down");
    match wait_power(ctx, what, "stopped", graceful, read).await {
        Ok(()) => return true,
        Err(WaitError::Timeout { .. }) => {
            log::info!("VM {id} did not shut down gracefully in time; stopping it forcefully");
        }
        Err(e) => {
            wait_error_diag(
                diags,
                &format!("HosterAPI VM {id} did not shut down"),
                &e,
                CREDENTIALS,
            );
            return false;
        }
    }
    if let Err(e) = ctx.client.vm_power(id, "stop").await {
        api_error_diag(
            diags,
            &format!("Cannot stop HosterAPI VM {id}"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    let what = format!("VM {id} to stop after a forced stop");
    if let Err(e) = wait_power(ctx, what, "stopped", deadline, read).await {
        wait_error_diag(
            diags,
            &format!("HosterAPI VM {id} did not stop"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    true
}

/// Brings VM `id` to the power state `want` unless it is there already: the plan's power
/// state also holds after a reinstall, restore or resize that changed it on the way.
pub async fn ensure_power(
    ctx: &Ctx<HosterClient>,
    id: i64,
    want: &str,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> bool {
    let now = ctx.client.vm_status(id).await.ok().and_then(|s| s.state);
    if now.as_deref().and_then(super::jobs::power_state_of) == Some(want) {
        return true;
    }
    apply_power(ctx, id, want, deadline, diags).await
}

/// The change request between two states: only the fields that differ.
pub fn change_request(prior: &Value, planned: &Value) -> Map<String, Json> {
    let mut body = Map::new();
    for (name, field) in [
        ("cpu_cores", "cpuCores"),
        ("memory", "mem"),
        ("ip_count", "ipCount"),
    ] {
        if let Some(n) = planned.get(name).as_i64() {
            if prior.get(name).as_i64() != Some(n) {
                body.insert(field.into(), json!(n));
            }
        }
    }
    if let Some(size) = planned.get("disk").as_str() {
        let same = prior
            .get("disk")
            .as_str()
            .is_some_and(|p| disk::same_size(p, size));
        if !same {
            body.insert("disk".into(), json!(disk::api_form(size)));
        }
    }
    body
}

/// Resizes VM `id` and waits until its config shows the new sizes.
pub async fn resize(
    ctx: &Ctx<HosterClient>,
    id: i64,
    changes: Map<String, Json>,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> bool {
    let summary = format!("Cannot resize HosterAPI VM {id}");
    match ctx
        .client
        .change_vm(id, &Json::Object(changes.clone()))
        .await
    {
        Ok(Some(job_id)) => {
            if let Err(e) = wait_job(ctx, job_id, deadline).await {
                e.diagnose(diags, &summary);
                return false;
            }
        }
        Ok(None) => {}
        Err(e) => {
            api_error_diag(diags, &summary, &e, CREDENTIALS);
            return false;
        }
    }
    let client = ctx.client.clone();
    let waited = wait_for(
        spec(ctx, format!("VM {id} to show its new size"), deadline),
        move |_| {
            let (client, changes) = (client.clone(), changes.clone());
            async move {
                let config = match client.vm_config(id).await {
                    Err(e) if is_gone(&e) => return Ok(Poll::Gone),
                    other => other?,
                };
                let want = |k: &str| changes.get(k).and_then(Json::as_i64);
                let pending = [
                    want("cpuCores").is_some_and(|n| n != config.cpu_cores),
                    want("mem").is_some_and(|n| n != config.mem),
                    want("ipCount").is_some_and(|n| n > config.ipv4s().len() as i64),
                    changes.get("disk").and_then(Json::as_str).is_some_and(|d| {
                        !config
                            .disk
                            .as_deref()
                            .is_some_and(|c| disk::same_size(c, d))
                    }),
                ];
                if pending.iter().any(|p| *p) {
                    Ok(Poll::Pending(format!(
                        "{} cores, {} MB, disk {}, {} IPv4",
                        config.cpu_cores,
                        config.mem,
                        config.disk.as_deref().unwrap_or("unknown"),
                        config.ipv4s().len()
                    )))
                } else {
                    Ok(Poll::Done(()))
                }
            }
        },
    )
    .await;
    if let Err(e) = waited {
        wait_error_diag(
            diags,
            &format!("HosterAPI VM {id} was not resized"),
            &e,
            CREDENTIALS,
        );
        return false;
    }
    true
}

/// Reinstalls VM `id` with `template`; returns the job id and the new root password.
pub async fn reinstall(
    ctx: &Ctx<HosterClient>,
    id: i64,
    template: &str,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> Option<(i64, Option<String>)> {
    let summary = format!("Cannot reinstall HosterAPI VM {id} with {template}");
    let started = match ctx.client.reinstall_vm(id, template).await {
        Ok(job) => job,
        Err(e) => {
            api_error_diag(diags, &summary, &e, CREDENTIALS);
            return None;
        }
    };
    match wait_job(ctx, started.job_id, deadline).await {
        Ok(job) => {
            let password = super::models::JobOutput::of(&job).password;
            if let Some(p) = &password {
                crate::tfplugin::log::register_secret(p);
            }
            Some((started.job_id, password))
        }
        Err(e) => {
            e.diagnose(diags, &summary);
            None
        }
    }
}

/// Sets the reverse DNS entries of `planned` that differ from `prior`.
pub async fn apply_rdns(
    ctx: &Ctx<HosterClient>,
    id: i64,
    prior: &Value,
    planned: &Value,
    diags: &mut Diagnostics,
) -> bool {
    let Value::Map(entries) = planned else {
        return true;
    };
    for (ip, host) in entries {
        let Some(host) = host.as_str() else { continue };
        if prior.get(ip).as_str() == Some(host) {
            continue;
        }
        if let Err(e) = ctx.client.set_rdns(id, ip, host).await {
            api_error_diag(
                diags,
                &format!("Cannot set reverse DNS of {ip} to {host}"),
                &e,
                CREDENTIALS,
            );
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_requests_hold_only_what_changed() {
        let mut prior = Value::null_object(&super::super::vm_state::schema().block.implied_type());
        prior.set("cpu_cores", 2i64);
        prior.set("memory", 2048i64);
        prior.set("disk", "10G");
        prior.set("ip_count", 1i64);
        let mut planned = prior.clone();
        planned.set("disk", "10240M");
        assert!(change_request(&prior, &planned).is_empty());
        planned.set("memory", 4096i64);
        planned.set("disk", "20G");
        let body = change_request(&prior, &planned);
        assert_eq!(Json::Object(body), json!({"mem": 4096, "disk": "20G"}));
    }
}
