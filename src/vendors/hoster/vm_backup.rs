//! `hoster_vm_backup`: a backup of a VM, made with `PUT datacenter/server/{sid}/backups/create`
//! and waited for through `backups/status`; its id is the new backup's timestamp, found in
//! `backups/list`. HosterAPI cannot delete backups: destroy only forgets it, with a warning.

use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;
use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::backup_tasks::wait_backup_task;
use super::vm_state::settle_unknowns;
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::wait::read_until_found;
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{timeouts, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct VmBackupResource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A backup of a `hoster_vm`. Creating it backs the VM up and waits for the backup task. HosterAPI cannot delete backups: destroying this resource only removes it from the state (with a warning), and the vendor keeps the backup until it rotates out (HosterAPI keeps a few per VM and drops the oldest).")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The backup's timestamp (unix seconds), as text."))
            .attr(Attribute::required("vm_id", Type::String).force_new().describe("Id of the VM to back up. Changing it makes a new backup."))
            .attr(Attribute::computed("timestamp", Type::Number).keep_state().describe("The backup's timestamp (unix seconds): the value `restore_backup` of `hoster_vm` takes."))
            .attr(Attribute::computed("created_at", Type::String).keep_state().describe("When the backup was made, in RFC 3339 (UTC)."))
            .block(timeouts::block(&["create"])),
    )
}

fn rfc3339(timestamp: i64) -> Option<String> {
    let at = UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(timestamp).ok()?))?;
    Some(humantime::format_rfc3339_seconds(at).to_string())
}

fn state_for(base: &Value, vm_id: &str, timestamp: i64) -> Value {
    let mut s = settle_unknowns(base.clone());
    s.set("id", timestamp.to_string());
    s.set("vm_id", vm_id);
    s.set("timestamp", timestamp);
    s.set("created_at", rfc3339(timestamp));
    s
}

fn vm_number(text: &str, diags: &mut Diagnostics) -> Option<i64> {
    let id = text.trim().parse().ok();
    if id.is_none() {
        diags.error(
            "Invalid HosterAPI VM id",
            format!("vm_id must be a numeric VM id such as 4001, not {text:?}."),
        );
    }
    id
}

#[async_trait]
impl Resource<HosterClient> for VmBackupResource {
    fn type_name(&self) -> &'static str {
        "hoster_vm_backup"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(60 * 60),
            ..DefaultTimeouts::default()
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<HosterClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let vm_text = planned
            .get("vm_id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(vm) = vm_number(&vm_text, diags) else {
            return Value::Null;
        };
        let summary = format!("Cannot back up HosterAPI VM {vm}");
        let before = match ctx.client.backups(vm).await {
            Ok(list) => list,
            Err(e) => {
                api_error_diag(diags, &summary, &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let lost_answer = match ctx.client.create_backup(vm).await {
            Ok(_) => None,
            Err(e) if e.outcome_unknown() => Some(e),
            Err(e) => {
                api_error_diag(diags, &summary, &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let waited = wait_backup_task(ctx, vm, deadline).await;
        if let Ok(Err(status)) = &waited {
            diags.error(
                summary,
                format!("The backup task of VM {vm} ended as {status}."),
            );
            return Value::Null;
        }
        // Even when the wait failed, a backup that appeared is kept in state (tainted) rather
        // than left behind.
        let new_backup = match ctx.client.backups(vm).await {
            Ok(after) => after.into_iter().filter(|t| !before.contains(t)).max(),
            Err(e) => {
                api_error_diag(diags, &summary, &e, CREDENTIALS);
                None
            }
        };
        if let Err(e) = &waited {
            wait_error_diag(diags, &summary, e, CREDENTIALS);
        }
        match (new_backup, lost_answer) {
            (Some(timestamp), lost) => {
                if let Some(e) = lost {
                    diags.warning(format!("Adopted backup {timestamp} of VM {vm}"), format!("The answer to the backup request was lost ({e}), but a new backup {timestamp} appeared; Terraform manages it instead of making another."));
                }
                state_for(planned, &vm_text, timestamp)
            }
            (None, Some(e)) => {
                api_error_diag(diags, &summary, &e, CREDENTIALS);
                Value::Null
            }
            (None, None) if waited.is_ok() => {
                diags.error(summary, format!("The backup task of VM {vm} finished, but no new backup appeared in its backup list."));
                Value::Null
            }
            (None, None) => Value::Null,
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let vm_text = current
            .get("vm_id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(vm) = vm_number(&vm_text, diags) else {
            return current.clone();
        };
        let Some(timestamp) = current
            .get("id")
            .as_str()
            .and_then(|s| s.trim().parse::<i64>().ok())
        else {
            diags.error(
                "Invalid HosterAPI backup id",
                "The state holds no backup timestamp.",
            );
            return current.clone();
        };
        // No API reads one backup: a miss in the list is confirmed by a few more list reads.
        let listed = read_until_found(
            3,
            |attempt| ctx.client.poll_interval * attempt,
            &ctx.cancel,
            &format!("the backup list of HosterAPI VM {vm}"),
            |_| async {
                match ctx.client.backups(vm).await {
                    Ok(list) => Ok(list.contains(&timestamp).then_some(())),
                    Err(e) if is_gone(&e) => Ok(None),
                    Err(e) => Err(e),
                }
            },
        )
        .await;
        match listed {
            Ok(Some(())) => state_for(current, &vm_text, timestamp),
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot list the backups of HosterAPI VM {vm}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx<HosterClient>,
        _prior: &Value,
        planned: &Value,
        _diags: &mut Diagnostics,
    ) -> Value {
        settle_unknowns(planned.clone())
    }

    async fn delete(&self, _ctx: &Ctx<HosterClient>, prior: &Value, diags: &mut Diagnostics) {
        diags.warning(
            "HosterAPI backups cannot be deleted",
            format!(
                "Backup {} of VM {} was removed from the Terraform state only: HosterAPI has no way to delete a backup. It stays with the vendor until it rotates out or the VM is deleted.",
                prior.get("id").as_str().unwrap_or("?"),
                prior.get("vm_id").as_str().unwrap_or("?")
            ),
        );
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        let parts: Option<(i64, i64)> = id
            .split_once('/')
            .and_then(|(vm, ts)| Some((vm.trim().parse().ok()?, ts.trim().parse().ok()?)));
        let Some((vm, timestamp)) = parts else {
            diags.error(
                "Invalid HosterAPI backup import id",
                format!("Import needs `VM_ID/TIMESTAMP`, e.g. `4001/1606685300`, not {id:?}."),
            );
            return Value::Null;
        };
        state_for(
            &Value::null_object(&schema().block.implied_type()),
            &vm.to_string(),
            timestamp,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_vm_and_timestamp() {
        let mut d = Diagnostics::default();
        let s = VmBackupResource.import_state("4001/1606685300", &mut d);
        assert_eq!(s.get("vm_id").as_str(), Some("4001"));
        assert_eq!(s.get("timestamp").as_i64(), Some(1606685300));
        assert_eq!(s.get("created_at").as_str(), Some("2020-11-29T21:28:20Z"));
        assert!(VmBackupResource
            .import_state("1606685300", &mut d)
            .is_null());
        assert!(d.has_errors());
    }
}
