//! `hoster_vm`: a HosterAPI VM. Created by `POST datacenter/server`, which starts a job
//! (`GET job/{id}`); read with `config` + `status`; resized with `change`, reinstalled with
//! `reinstall` (a job), restored with `backups/restore`, powered with `start`/`shutdown`/`stop`,
//! given reverse DNS with `rdns`, and removed with `delete` (`force: true`).
//!
//! The job id is the only handle until the creation job finishes: if the wait fails first, the
//! state keeps `id = "job-N"` and `job_id = N` (with an error, so Terraform taints it), and a
//! later refresh adopts the VM the job created; nothing is orphaned.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::backup_tasks::restore;
use super::disk;
use super::jobs::{wait_job, JobError};
use super::vm_actions::{apply_rdns, change_request, ensure_power, reinstall, resize};
use super::vm_create::{start_creation, vm_of_pending, Started};
use super::vm_state::{
    adopt_output, fetch_vm, pending_id, pending_job, read_back, settle_unknowns, vm_id,
};
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, Poll};
use crate::tfplugin::plan::Plan;
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{AttrPath, Diagnostics, Schema, Value};

pub use super::vm_state::schema;

pub struct VmResource;

/// Whether any argument (not a computed-only attribute) differs between plan and prior.
fn arguments_change(plan: &Plan) -> bool {
    schema()
        .block
        .attributes
        .iter()
        .filter(|a| !a.computed || a.optional)
        .map(|a| a.name)
        .chain(["timeouts"])
        .any(|name| !plan.planned.get(name).same_as(plan.prior.get(name)))
}

/// What create does once the VM has an id: power as planned, reverse DNS, read back.
async fn finish_create(
    ctx: &Ctx<HosterClient>,
    id: i64,
    planned: &Value,
    state: Value,
    deadline: Instant,
    diags: &mut Diagnostics,
) -> Value {
    if let Some(want) = planned.get("power_state").as_str() {
        if !ensure_power(ctx, id, want, deadline, diags).await {
            return read_back(ctx, id, &state, diags).await;
        }
    }
    apply_rdns(ctx, id, &Value::Null, planned.get("rdns"), diags).await;
    read_back(ctx, id, &state, diags).await
}

/// Waits until an adopted VM, whose creation job is unknown, is running.
async fn wait_running(
    ctx: &Ctx<HosterClient>,
    id: i64,
    deadline: Instant,
) -> Result<(), crate::support::WaitError> {
    let client = ctx.client.clone();
    let read = || {
        let client = client.clone();
        async move { Ok(client.vm_status(id).await?.state) }
    };
    super::jobs::wait_power(
        ctx,
        format!("VM {id} to be running"),
        "running",
        deadline,
        read,
    )
    .await
}

#[async_trait]
impl Resource<HosterClient> for VmResource {
    fn type_name(&self) -> &'static str {
        "hoster_vm"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(30 * 60),
            read: Duration::from_secs(5 * 60),
            update: Duration::from_secs(30 * 60),
            delete: Duration::from_secs(10 * 60),
        }
    }

    fn modify_plan(&self, plan: &mut Plan, diags: &mut Diagnostics) {
        if plan.planned.is_null() {
            return;
        }
        if plan.is_create() || plan.is_replace() {
            if !plan.planned.get("restore_backup").is_null() {
                diags.attr_warning(AttrPath::attr("restore_backup"), "restore_backup is ignored when a VM is created", "A new VM is created from its template; `restore_backup` restores a backup only when it is set or changed on an existing VM.");
            }
            return;
        }
        let (prior_disk, planned_disk) = (
            plan.prior.get("disk").as_str(),
            plan.planned.get("disk").as_str(),
        );
        if let (Some(before), Some(after)) = (prior_disk, planned_disk) {
            if disk::same_size(before, after) {
                plan.planned.set("disk", before.to_string());
            } else if let (Some(b), Some(a)) = (disk::megabytes(before), disk::megabytes(after)) {
                if a < b {
                    diags.attr_error(AttrPath::attr("disk"), "HosterAPI cannot shrink a disk", format!("disk would shrink from {before} to {after}. HosterAPI refuses to downgrade a disk (data could be lost). Keep {before} or larger, or replace the VM (terraform apply -replace=ADDRESS)."));
                }
            }
        }
        if let (Some(before), Some(after)) = (
            plan.prior.get("ip_count").as_i64(),
            plan.planned.get("ip_count").as_i64(),
        ) {
            if after < before {
                diags.attr_error(AttrPath::attr("ip_count"), "HosterAPI cannot remove IP addresses", format!("ip_count would drop from {before} to {after}. HosterAPI silently ignores IP decreases, so the VM would keep {before} addresses. Keep {before} or more, or replace the VM (terraform apply -replace=ADDRESS)."));
            }
        }
        if !arguments_change(plan) {
            plan.planned = plan.prior.clone();
            return;
        }
        let reinstalls = plan.changes("template");
        let restores =
            plan.changes("restore_backup") && !plan.planned.get("restore_backup").is_null();
        if reinstalls && restores {
            diags.attr_error(AttrPath::attr("restore_backup"), "Reinstall and restore in one apply", "Changing `template` reinstalls the VM and changing `restore_backup` restores a backup over it; do one per apply.");
        }
        if reinstalls {
            diags.attr_warning(AttrPath::attr("template"), "Changing the template wipes the VM's disk", "The VM is reinstalled in place with the new template: everything on its disk is lost. Its id and IP addresses stay, and it gets a new root password.");
            plan.planned.set("root_password", Value::Unknown);
            plan.planned.set("job_id", Value::Unknown);
        }
        if restores {
            diags.attr_warning(AttrPath::attr("restore_backup"), "Restoring a backup replaces the VM's disk", "The VM's disk is replaced by the backup's contents; changes made since the backup are lost.");
        }
        if plan.changes("ip_count") {
            plan.planned.set("ips", Value::Unknown);
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<HosterClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let (job_id, candidate) = match start_creation(ctx, planned, diags).await {
            None => return Value::Null,
            Some(Started::Job(job_id, candidate)) => (job_id, candidate),
            Some(Started::Adopted(id)) => {
                let mut state = settle_unknowns(planned.clone());
                state.set("id", id.to_string());
                if let Err(e) = wait_running(ctx, id, deadline).await {
                    wait_error_diag(
                        diags,
                        &format!("HosterAPI VM {id} did not start"),
                        &e,
                        CREDENTIALS,
                    );
                    return state;
                }
                return finish_create(ctx, id, planned, state, deadline, diags).await;
            }
        };
        let mut state = settle_unknowns(planned.clone());
        state.set("id", pending_id(job_id, candidate));
        state.set("job_id", job_id);
        let job = match wait_job(ctx, job_id, deadline).await {
            Ok(job) => job,
            Err(JobError::Failed { output, .. }) => {
                diags.error(
                    "Creating the HosterAPI VM failed",
                    format!("HosterAPI job {job_id} failed: {output}. No VM was created."),
                );
                return Value::Null;
            }
            Err(e) => {
                e.diagnose(diags, "The HosterAPI VM was not created in time");
                if let Some(d) = diags.0.last_mut() {
                    d.detail.push_str(&format!(" The creation job {job_id} is kept in the state: a later refresh adopts the VM when the job finishes, and the next apply replaces it (it is tainted), so nothing is left behind."));
                }
                return state;
            }
        };
        let Some(id) = adopt_output(&mut state, &job) else {
            diags.error("HosterAPI did not name the new VM", format!("Job {job_id} finished without a `vmid` in its output. Look for the VM with the `hoster_vms` data source and import it."));
            return state;
        };
        finish_create(ctx, id, planned, state, deadline, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let mut base = current.clone();
        let id = match (vm_id(current), pending_job(current)) {
            (Some(id), _) => id,
            (None, Some(job_id)) => match ctx.client.job(job_id).await {
                Ok(job) if job.is_finished() => match adopt_output(&mut base, &job) {
                    Some(id) => id,
                    None => return Value::Null,
                },
                Ok(job) if job.is_failed() => return Value::Null,
                Ok(_) => return current.clone(),
                Err(e) if is_gone(&e) => {
                    diags.warning(format!("HosterAPI job {job_id} is no longer known"), format!("The VM that job {job_id} was creating was never named; it is dropped from the state. Check the account's VMs (data source `hoster_vms`) and import any VM you find."));
                    return Value::Null;
                }
                Err(e) => {
                    api_error_diag(
                        diags,
                        &format!("Cannot read HosterAPI job {job_id}"),
                        &e,
                        CREDENTIALS,
                    );
                    return current.clone();
                }
            },
            (None, None) => {
                diags.error(
                    "Invalid HosterAPI VM id",
                    format!(
                        "The state holds id {:?}, which is neither a VM id nor a pending job.",
                        current.get("id").as_str().unwrap_or_default()
                    ),
                );
                return current.clone();
            }
        };
        match fetch_vm(&ctx.client, id, &base).await {
            Ok(Some(state)) => state,
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HosterAPI VM {id}"),
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
        let Some(id) = vm_id(prior) else {
            diags.error("HosterAPI VM not created yet", "The VM's creation job has not finished; run `terraform apply` again once it has (the VM is replaced).");
            return prior.clone();
        };
        let mut base = planned.clone();
        for name in ["root_password", "job_id", "ips"] {
            if base.get(name).is_unknown() {
                base.set(name, prior.get(name).clone());
            }
        }
        let template = planned
            .get("template")
            .as_str()
            .unwrap_or_default()
            .to_string();
        if prior.get("template").as_str() != Some(template.as_str()) {
            match reinstall(ctx, id, &template, deadline, diags).await {
                Some((job_id, password)) => {
                    base.set("job_id", job_id);
                    base.set("root_password", password);
                }
                None => {
                    base.set("template", prior.get("template").clone());
                    return read_back(ctx, id, &base, diags).await;
                }
            }
        }
        let mut reference = prior.clone();
        if let Some(backup) = planned.get("restore_backup").as_i64() {
            if prior.get("restore_backup").as_i64() != Some(backup) {
                match restore(ctx, id, backup, prior, planned, deadline, diags).await {
                    Some(restored) if !diags.has_errors() => reference = restored,
                    Some(_) => return read_back(ctx, id, &base, diags).await,
                    None => {
                        base.set("restore_backup", prior.get("restore_backup").clone());
                        return read_back(ctx, id, &base, diags).await;
                    }
                }
            }
        }
        let changes = change_request(&reference, planned);
        if !changes.is_empty() && !resize(ctx, id, changes, deadline, diags).await {
            return read_back(ctx, id, &base, diags).await;
        }
        if let Some(want) = planned.get("power_state").as_str() {
            if !ensure_power(ctx, id, want, deadline, diags).await {
                return read_back(ctx, id, &base, diags).await;
            }
        }
        if !apply_rdns(ctx, id, prior.get("rdns"), planned.get("rdns"), diags).await {
            base.set("rdns", prior.get("rdns").clone());
        }
        read_back(ctx, id, &base, diags).await
    }

    async fn delete(&self, ctx: &Ctx<HosterClient>, prior: &Value, diags: &mut Diagnostics) {
        let deadline = Instant::now() + ctx.timeout;
        let id = match (vm_id(prior), pending_job(prior)) {
            (Some(id), _) => id,
            (None, Some(job_id)) => {
                match vm_of_pending(ctx, prior, job_id, deadline, diags).await {
                    Some(id) => id,
                    None => return,
                }
            }
            (None, None) => return,
        };
        match ctx.client.delete_vm(id).await {
            Ok(()) => {}
            Err(e) if is_gone(&e) => return,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot delete HosterAPI VM {id}"),
                    &e,
                    CREDENTIALS,
                );
                return;
            }
        }
        let client = ctx.client.clone();
        let gone = wait_for(
            super::jobs::spec(ctx, format!("VM {id} to be deleted"), deadline),
            move |_| {
                let client = client.clone();
                async move {
                    match client.vm_config(id).await {
                        Err(e) if is_gone(&e) => Ok(Poll::Done(())),
                        Ok(_) => Ok(Poll::Pending("still listed".into())),
                        Err(e) => Err(e),
                    }
                }
            },
        )
        .await;
        if let Err(e) = gone {
            wait_error_diag(
                diags,
                &format!("HosterAPI VM {id} was not deleted in time"),
                &e,
                CREDENTIALS,
            );
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        if id.trim().parse::<i64>().is_err() {
            diags.error(
                "Invalid HosterAPI VM id",
                format!("Import needs the numeric VM id (`vmid`, e.g. 4001), not {id:?}."),
            );
            return Value::Null;
        }
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", id.trim());
        state
    }
}
