//! Starting a VM's creation: `POST datacenter/server`, sent once. When its answer is lost (a
//! 5xx or a broken connection: the VM may exist), the VM list from before the request is
//! compared with the list after it, and a single new VM is adopted instead of ordering
//! another. Creations are started one at a time per provider process so that the lists
//! cannot mix up two new VMs.

use std::collections::BTreeSet;

use tokio::time::Instant;

use super::api::{HosterClient, CREDENTIALS};
use super::jobs::{wait_job, JobError};
use super::models::JobOutput;
use super::vm_state::pending_candidate;
use crate::support::diag::api_error_diag;
use crate::support::wait::read_until_found;
use crate::support::{ApiError, WaitError};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Diagnostics, Value};

/// How the creation started.
pub enum Started {
    /// The vendor answered with the creation job; the VM that appeared in the list meanwhile,
    /// if exactly one did.
    Job(i64, Option<i64>),
    /// The answer was lost, and this VM appeared meanwhile.
    Adopted(i64),
}

/// The one VM in `after` that is not in `before`, if exactly one is new.
pub fn single_new(before: &BTreeSet<i64>, after: &[i64]) -> Option<i64> {
    let new: BTreeSet<i64> = after
        .iter()
        .copied()
        .filter(|id| !before.contains(id))
        .collect();
    (new.len() == 1).then(|| new.into_iter().next()).flatten()
}

/// Sends the creation request for `planned`; `None` (with an error) when nothing started.
pub async fn start_creation(
    ctx: &Ctx<HosterClient>,
    planned: &Value,
    diags: &mut Diagnostics,
) -> Option<Started> {
    let number = |name: &str| planned.get(name).as_i64().unwrap_or_default();
    let text = |name: &str| planned.get(name).as_str().unwrap_or_default().to_string();
    let _one_creation_at_a_time = ctx.client.order_lock.lock().await;
    let before: Option<BTreeSet<i64>> = match ctx.client.list_vms().await {
        Ok(ids) => Some(ids.into_iter().collect()),
        Err(e) => {
            log::warn!(
                "cannot list VMs before creating one, so a lost answer cannot be recovered: {e}"
            );
            None
        }
    };
    let error = match ctx
        .client
        .create_vm(
            &text("template"),
            number("cpu_cores"),
            number("memory"),
            &text("disk"),
            number("ip_count"),
        )
        .await
    {
        Ok(job) => {
            let after = match &before {
                Some(before) => ctx
                    .client
                    .list_vms()
                    .await
                    .ok()
                    .and_then(|after| single_new(before, &after)),
                None => None,
            };
            return Some(Started::Job(job.job_id, after));
        }
        Err(e) => e,
    };
    if error.outcome_unknown() {
        if let Some(before) = &before {
            let appeared = read_until_found(
                3,
                |_| ctx.client.poll_interval,
                &ctx.cancel,
                "the list read looking for the new VM",
                |_| async {
                    Ok::<_, ApiError>(
                        ctx.client
                            .list_vms()
                            .await
                            .ok()
                            .and_then(|after| single_new(before, &after)),
                    )
                },
            )
            .await;
            if let Ok(Some(id)) = appeared {
                diags.warning(
                    format!("Adopted HosterAPI VM {id}"),
                    format!("The answer to the creation request was lost ({error}), but a new VM {id} appeared; Terraform manages it instead of creating another. Its root password was in the lost answer's job and is unknown: reset it in the control panel or reinstall the VM."),
                );
                return Some(Started::Adopted(id));
            }
        }
    }
    api_error_diag(diags, "Cannot create the HosterAPI VM", &error, CREDENTIALS);
    if error.outcome_unknown() {
        if let Some(d) = diags.0.last_mut() {
            d.detail.push_str(" The request may still have been carried out: check the account's VMs (data source `hoster_vms`) before applying again, and import a new VM if there is one.");
        }
    }
    None
}

/// The VM to delete for a state whose creation job `job_id` had not finished, or `None` when
/// there is none (or it cannot be known: then with an error). A job still running is waited
/// for, unless the VM that appeared when it started matches the state: that one is deleted at
/// once (force delete works during a job), so a job that never finishes leaves nothing behind.
pub async fn vm_of_pending(
    ctx: &Ctx<HosterClient>,
    prior: &Value,
    job_id: i64,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> Option<i64> {
    let job = ctx.client.job(job_id).await;
    let running = job
        .as_ref()
        .is_ok_and(|j| !j.is_finished() && !j.is_failed());
    if let (true, Some(vm)) = (running, pending_candidate(prior)) {
        if let Ok(config) = ctx.client.vm_config(vm).await {
            let same = config.template.as_deref() == prior.get("template").as_str()
                && Some(config.cpu_cores) == prior.get("cpu_cores").as_i64()
                && Some(config.mem) == prior.get("memory").as_i64();
            if same {
                diags.warning(format!("Deleting HosterAPI VM {vm} while job {job_id} still runs"), format!("Creation job {job_id} has not finished; VM {vm}, which appeared when the job started and matches this resource, is deleted with `force` so that nothing is left behind."));
                return Some(vm);
            }
        }
    }
    match wait_job(ctx, job_id, deadline).await {
        Ok(job) => JobOutput::of(&job).vmid,
        Err(JobError::Failed { .. }) | Err(JobError::Wait(WaitError::Gone { .. })) => None,
        Err(e) => {
            e.diagnose(
                diags,
                &format!("Cannot delete the VM of HosterAPI job {job_id}"),
            );
            if let Some(d) = diags.0.last_mut() {
                d.detail.push_str(" The VM's id is known only when its creation job finishes; run destroy again later.");
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_single_new_vm_is_adopted() {
        let before: BTreeSet<i64> = [4001, 4002].into();
        assert_eq!(single_new(&before, &[4001, 4002, 4003]), Some(4003));
        assert_eq!(single_new(&before, &[4001, 4002]), None);
        assert_eq!(single_new(&before, &[4001, 4003, 4004]), None);
    }
}
