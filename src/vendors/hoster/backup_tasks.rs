//! Backup tasks of a VM (`backups/status`: pending -> running -> finished): waiting for one,
//! and restoring a backup onto a VM (`backups/restore`), which brings back the VM's template
//! and sizes of the backup's time.

use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::jobs::spec;
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, Hint, Poll, WaitError};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Diagnostics, Value};

/// Restores backup `backup` onto VM `id`, waits until the backup task is idle, and returns
/// the VM as it is afterwards (with the template and sizes of the backup's time), read on
/// top of `prior`; `None` when it was not restored. A template other than the planned one is
/// an error diagnostic (reinstalling would wipe the restore: the configuration must follow).
pub async fn restore(
    ctx: &Ctx<HosterClient>,
    id: i64,
    backup: i64,
    prior: &Value,
    planned: &Value,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let summary = format!("Cannot restore backup {backup} onto HosterAPI VM {id}");
    if let Err(e) = ctx.client.restore_backup(id, backup).await {
        api_error_diag(diags, &summary, &e, CREDENTIALS);
        return None;
    }
    match wait_backup_task(ctx, id, deadline).await {
        Ok(Ok(())) => {}
        Ok(Err(status)) => {
            diags.error(
                summary,
                format!("The backup task of VM {id} ended as {status}."),
            );
            return None;
        }
        Err(e) => {
            wait_error_diag(diags, &summary, &e, CREDENTIALS);
            return None;
        }
    }
    let restored = match super::vm_state::fetch_vm(&ctx.client, id, prior).await {
        Ok(Some(state)) => state,
        Ok(None) => {
            diags.error(summary, format!("VM {id} disappeared during the restore."));
            return None;
        }
        Err(e) => {
            api_error_diag(
                diags,
                &format!("Cannot read HosterAPI VM {id}"),
                &e,
                CREDENTIALS,
            );
            return None;
        }
    };
    let (now, want) = (
        restored.get("template").as_str(),
        planned.get("template").as_str(),
    );
    if now != want {
        diags.attr_error(
            crate::tfplugin::AttrPath::attr("template"),
            "The restored backup has another template",
            format!("Backup {backup} brought VM {id} back to template {}; the configuration says {}. Set `template` to the backup's template (changing it now would reinstall and wipe the restore).", now.unwrap_or("unknown"), want.unwrap_or("unknown")),
        );
    }
    Some(restored)
}

/// Waits until the VM's backup task is no longer busy; `Ok(Err(status))` when it failed.
pub async fn wait_backup_task(
    ctx: &Ctx<HosterClient>,
    id: i64,
    deadline: Instant,
) -> Result<Result<(), String>, WaitError> {
    let client = ctx.client.clone();
    wait_for(
        spec(ctx, format!("the backup task of VM {id}"), deadline),
        move |_| {
            let client = client.clone();
            async move {
                let task = match client.backup_task(id).await {
                    Err(e) if is_gone(&e) => return Ok(Poll::Gone),
                    other => other?,
                };
                let status = task.status.clone().unwrap_or_else(|| "unknown".into());
                if task.is_busy() {
                    Ok(match task.progress {
                        Some(done) => Poll::Underway(status, Hint::Progress(done)),
                        None => Poll::Pending(status),
                    })
                } else if task.is_failed() {
                    Ok(Poll::Done(Err(status)))
                } else {
                    Ok(Poll::Done(Ok(())))
                }
            }
        },
    )
    .await
}
