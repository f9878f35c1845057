//! Starting a VM's creation: `POST datacenter/server`, sent once. When its answer is lost (a
//! 5xx or a broken connection: the VM may exist), the VM list from before the request is
//! compared with the list after it, and a single new VM is adopted instead of ordering
//! another. Creations are started one at a time per provider process so that the lists
//! cannot mix up two new VMs.

use std::collections::BTreeSet;

use super::api::{HosterClient, CREDENTIALS};
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Diagnostics, Value};

/// How the creation started.
pub enum Started {
    /// The vendor answered with the creation job.
    Job(i64),
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
        Ok(job) => return Some(Started::Job(job.job_id)),
        Err(e) => e,
    };
    if error.outcome_unknown() {
        if let Some(before) = &before {
            for attempt in 0..3 {
                if attempt > 0 {
                    tokio::time::sleep(ctx.client.poll_interval).await;
                }
                if let Some(id) = ctx
                    .client
                    .list_vms()
                    .await
                    .ok()
                    .and_then(|after| single_new(before, &after))
                {
                    diags.warning(
                        format!("Adopted HosterAPI VM {id}"),
                        format!("The answer to the creation request was lost ({error}), but a new VM {id} appeared; Terraform manages it instead of creating another. Its root password was in the lost answer's job and is unknown: reset it in the control panel or reinstall the VM."),
                    );
                    return Some(Started::Adopted(id));
                }
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
