//! The schema of `hoster_vm` and its one API -> state mapping, used by create, read, update
//! and import alike, plus reading a VM (`config` + `status`) into that state.

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::disk;
use super::jobs::power_state_of;
use super::models::{Job, JobOutput, VmConfig, VmStatus};
use crate::support::diag::api_error_diag;
use crate::support::ApiError;
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::Diagnostics;
use crate::tfplugin::{timeouts, Attribute, Block, Check, Schema, Type, Value};

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A HosterAPI virtual machine. Created by a job that the provider waits for; resized, reinstalled, restored from a backup and powered in place.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The VM id (`vmid`), as text. While the creation job has not finished it is `job-N` (or `job-N-vm-M`, naming the VM that appeared when the job started), and a refresh adopts the VM once the job finishes."))
            .attr(Attribute::required("template", Type::String).check(Check::NonEmpty).describe("OS template name, e.g. `Debian10.0` (see the `hoster_templates` data source). Changing it reinstalls the VM in place: the disk is wiped, the id and IP addresses stay."))
            .attr(Attribute::required("cpu_cores", Type::Number).check(Check::IntRange(1, 256)).describe("Number of CPU cores. Changed in place."))
            .attr(Attribute::required("memory", Type::Number).check(Check::IntRange(128, 4_194_304)).describe("Memory in MB. Changed in place."))
            .attr(Attribute::required("disk", Type::String).check(Check::Custom(disk::check)).describe("Root disk size such as `\"10G\"`, `\"10240M\"` or `\"1T\"` (binary units; the same size written differently is no change). It can grow in place; HosterAPI cannot shrink a disk, so a smaller size is refused at plan time."))
            .attr(Attribute::required("ip_count", Type::Number).check(Check::IntRange(1, 64)).describe("Number of IPv4 addresses. It can grow in place; HosterAPI silently ignores decreases, so a smaller number is refused at plan time."))
            .attr(Attribute::optional_computed("power_state", Type::String).check(Check::OneOf(&["running", "stopped"])).describe("`running` or `stopped`. When set, Terraform starts the VM or shuts it down (gracefully, then forcefully if it has not stopped within two minutes) to match; when left out, it reports the current state."))
            .attr(Attribute::optional("rdns", Type::map(Type::String)).check(Check::Custom(check_rdns)).describe("Reverse DNS: a map of the VM's IPv4 addresses to host names. Each changed entry is sent to the vendor; HosterAPI cannot read reverse DNS back or remove it, so removing an entry leaves the vendor's record as it was."))
            .attr(Attribute::optional("restore_backup", Type::Number).check(crate::tfplugin::Check::IntRange(1, crate::support::checks::MAX_ID)).describe("Timestamp of a backup of this VM (see `hoster_vm_backup` and the `hoster_vm_backups` data source). Setting or changing it on an existing VM restores that backup in place, replacing the disk's contents. Ignored when the VM is created."))
            .attr(Attribute::computed("ips", Type::list(Type::String)).keep_state().describe("The VM's IP addresses (IPv4 and IPv6)."))
            .attr(Attribute::computed("status", Type::String).describe("The VM's state as HosterAPI reports it, e.g. `running` or `stopped`."))
            .attr(Attribute::computed("root_password", Type::String).sensitive().keep_state().describe("The root password from the creation (or last reinstall) job's output. Null after an import, since the API shows it only once."))
            .attr(Attribute::computed("job_id", Type::Number).keep_state().describe("Id of the last job Terraform started for this VM (creation or reinstall)."))
            .block(timeouts::block(&["create", "update", "delete"])),
    )
}

fn check_rdns(value: &Value) -> Result<(), String> {
    if let Value::Map(entries) = value {
        for (ip, host) in entries {
            if ip.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(format!(
                    "keys must be IPv4 addresses (HosterAPI sets reverse DNS for IPv4 only); {ip:?} is not one"
                ));
            }
            if host.as_str().is_some_and(|h| h.trim().is_empty()) {
                return Err(format!("the host name for {ip} must not be empty"));
            }
        }
    }
    Ok(())
}

/// The numeric VM id of a state, if it has one.
pub fn vm_id(state: &Value) -> Option<i64> {
    state.get("id").as_str().and_then(|s| s.trim().parse().ok())
}

/// The id a VM has while its creation job `job_id` has not finished: `job-N`, or `job-N-vm-M`
/// when VM `M` appeared in the account's list as the job was started (its likely VM).
pub fn pending_id(job_id: i64, candidate: Option<i64>) -> String {
    match candidate {
        Some(vm) => format!("job-{job_id}-vm-{vm}"),
        None => format!("job-{job_id}"),
    }
}

/// The creation job of a state whose VM id is not known yet.
pub fn pending_job(state: &Value) -> Option<i64> {
    if vm_id(state).is_some() {
        return None;
    }
    state.get("job_id").as_i64().or_else(|| {
        let rest = state.get("id").as_str()?.strip_prefix("job-")?;
        rest.split('-').next()?.parse().ok()
    })
}

/// The likely VM of a pending state (`job-N-vm-M` -> `M`).
pub fn pending_candidate(state: &Value) -> Option<i64> {
    let id = state.get("id").as_str()?;
    id.strip_prefix("job-")?.split_once("-vm-")?.1.parse().ok()
}

/// Replaces every unknown attribute with null: a returned state must be wholly known.
pub fn settle_unknowns(mut state: Value) -> Value {
    if let Value::Object(attrs) = &mut state {
        for v in attrs.values_mut() {
            if v.is_unknown() {
                *v = Value::Null;
            }
        }
    }
    state
}

/// The state of VM `id` from its config and status, on top of `base` (which keeps what the
/// API cannot report: rDNS, the root password, the last job, the restored backup).
pub fn vm_state(base: &Value, id: i64, config: &VmConfig, status: Option<&VmStatus>) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    s.set("id", id.to_string());
    if let Some(template) = &config.template {
        s.set("template", template.as_str());
    }
    s.set("cpu_cores", config.cpu_cores);
    s.set("memory", config.mem);
    if let Some(reported) = &config.disk {
        let keep = base
            .get("disk")
            .as_str()
            .is_some_and(|mine| disk::same_size(mine, reported));
        if !keep {
            s.set("disk", reported.as_str());
        }
    }
    let ipv4s = config.ipv4s();
    if !ipv4s.is_empty() || base.get("ip_count").as_i64().is_none() {
        s.set("ip_count", ipv4s.len() as i64);
    }
    s.set("ips", Value::string_list(config.ips.clone()));
    let state = status.and_then(|st| st.state.clone());
    let power = state.as_deref().and_then(power_state_of).map(Value::from);
    if let Some(power) = power {
        s.set("power_state", power);
    }
    s.set("status", state.map_or(Value::Null, Value::from));
    settle_unknowns(s)
}

/// Reads VM `id` into a state built on `base`; `None` when it is gone.
pub async fn fetch_vm(
    client: &HosterClient,
    id: i64,
    base: &Value,
) -> Result<Option<Value>, ApiError> {
    let config = match client.vm_config(id).await {
        Err(e) if is_gone(&e) => return Ok(None),
        other => other?,
    };
    let status = match client.vm_status(id).await {
        Ok(status) => Some(status),
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(vm_state(base, id, &config, status.as_ref())))
}

/// Records a finished creation job's VM id, password and addresses in `state`.
pub fn adopt_output(state: &mut Value, job: &Job) -> Option<i64> {
    let output = JobOutput::of(job);
    let id = output.vmid?;
    state.set("id", id.to_string());
    if let Some(p) = &output.password {
        crate::tfplugin::log::register_secret(p);
        state.set("root_password", p.as_str());
    }
    if !output.ips.is_empty() {
        state.set("ips", Value::string_list(output.ips));
    }
    Some(id)
}

/// Reads back after a change; on failure `base` with unknowns nulled and an error.
pub async fn read_back(
    ctx: &Ctx<HosterClient>,
    id: i64,
    base: &Value,
    diags: &mut Diagnostics,
) -> Value {
    match fetch_vm(&ctx.client, id, base).await {
        Ok(Some(state)) => state,
        Ok(None) => {
            diags.error(
                format!("HosterAPI VM {id} disappeared"),
                format!("VM {id} was no longer found after the change; it may have been deleted outside Terraform."),
            );
            settle_unknowns(base.clone())
        }
        Err(e) => {
            api_error_diag(
                diags,
                &format!("Cannot read HosterAPI VM {id}"),
                &e,
                CREDENTIALS,
            );
            settle_unknowns(base.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> VmConfig {
        serde_json::from_value(
            serde_json::json!({"cpuCores": 2, "mem": 2048, "disk": "100G",
            "ips": ["127.0.0.1", "fe80::1"], "template": "Ubuntu20.04"}),
        )
        .unwrap()
    }

    #[test]
    fn import_maps_what_the_api_reports() {
        let status = VmStatus {
            state: Some("running".into()),
        };
        let s = vm_state(&Value::Null, 4001, &config(), Some(&status));
        assert_eq!(s.get("id").as_str(), Some("4001"));
        assert_eq!(s.get("template").as_str(), Some("Ubuntu20.04"));
        assert_eq!(s.get("memory").as_i64(), Some(2048));
        assert_eq!(s.get("ip_count").as_i64(), Some(1));
        assert_eq!(s.get("power_state").as_str(), Some("running"));
        assert_eq!(s.get("ips").elements().len(), 2);
        assert!(s.is_wholly_known());
    }

    #[test]
    fn the_configured_spelling_of_an_equal_disk_is_kept() {
        let mut base = Value::null_object(&schema().block.implied_type());
        base.set("disk", "102400M");
        base.set("root_password", "secret");
        let s = vm_state(&base, 4001, &config(), None);
        assert_eq!(s.get("disk").as_str(), Some("102400M"));
        assert_eq!(s.get("root_password").as_str(), Some("secret"));
        base.set("disk", "50G");
        assert_eq!(
            vm_state(&base, 4001, &config(), None).get("disk").as_str(),
            Some("100G")
        );
    }

    #[test]
    fn pending_ids_name_the_job() {
        let mut s = Value::null_object(&schema().block.implied_type());
        s.set("id", pending_id(15, None));
        s.set("job_id", 15i64);
        assert_eq!(vm_id(&s), None);
        assert_eq!(pending_job(&s), Some(15));
        assert_eq!(pending_candidate(&s), None);
        s.set("id", pending_id(15, Some(4003)));
        s.set("job_id", Value::Null);
        assert_eq!(pending_job(&s), Some(15));
        assert_eq!(pending_candidate(&s), Some(4003));
        s.set("id", "4001");
        assert_eq!(pending_job(&s), None);
    }

    #[test]
    fn rdns_keys_must_be_ipv4() {
        let ok = Value::Map([("1.2.3.4".to_string(), Value::from("a.example"))].into());
        assert!(check_rdns(&ok).is_ok());
        let bad = Value::Map([("fe80::1".to_string(), Value::from("a.example"))].into());
        assert!(check_rdns(&bad).unwrap_err().contains("IPv4"));
    }
}
