//! End-to-end hoster scenarios: a real `terraform` (every binary from `terraform_binaries()`:
//! a recent one and 1.0.3) drives `terraform-provider-hoster` against a fresh `hostform-sim`
//! per binary. Steps are combined into few scenarios to keep the run short; every scenario
//! ends with a destroy followed by `Sim::assert_empty()`.

mod support;

use serde_json::{json, Value};
use support::{find_resource, for_each_terraform, resource_attr, terraform_version, Sim, TfWork};

const VM: &str = "hoster_vm.web";

fn provider() -> &'static str {
    "terraform {\n  required_providers {\n    hoster = { source = \"hostform/hoster\" }\n  }\n}\n\nprovider \"hoster\" {\n  poll_interval = \"100ms\"\n}\n"
}

/// The provider block and one VM with the given arguments.
fn vm_config(template: &str, cpu: u32, disk: &str, ip_count: u32, extra: &str) -> String {
    format!(
        "{}\nresource \"hoster_vm\" \"web\" {{\n  template  = \"{template}\"\n  cpu_cores = {cpu}\n  memory    = 2048\n  disk      = \"{disk}\"\n  ip_count  = {ip_count}\n{extra}}}\n",
        provider()
    )
}

fn text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn attr(work: &TfWork, address: &str, attribute: &str) -> String {
    text(resource_attr(&work.state_json(), address, attribute))
}

fn sim_vm(sim: &Sim, id: &str) -> Value {
    let state = sim.state();
    let vms = state["hoster"]["vms"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    vms.into_iter()
        .find(|vm| vm["id"].as_u64().is_some_and(|n| n.to_string() == id))
        .unwrap_or_else(|| panic!("the simulator has no VM {id}:\n{state:#}"))
}

/// Terraform wraps long diagnostics: compare text with whitespace runs made single spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_plan_says(work: &TfWork, expected: &[&str]) {
    let plan = flat(&work.plan().stdout);
    for want in expected {
        assert!(plan.contains(want), "the plan should say {want:?}:\n{plan}");
    }
}

/// Create through a job, empty plan, resize, refused shrink, reinstall, power off and on,
/// import, out-of-band delete, destroy.
#[test]
fn vm_lifecycle_in_place_changes_import_and_drift() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &vm_config("Debian10.0", 2, "10240M", 1, ""));
        work.apply();
        let id = attr(&work, VM, "id");
        assert!(id.parse::<u64>().is_ok(), "a VM id, not a job: {id}");
        assert_eq!(attr(&work, VM, "status"), "running");
        assert_eq!(sim_vm(sim, &id)["shape"]["disk_gb"], 10);
        work.assert_plan_empty();
        work.write_main(&vm_config("Debian10.0", 2, "10G", 1, ""));
        work.assert_plan_empty();

        work.write_main(&vm_config("Debian10.0", 4, "20G", 2, ""));
        assert_plan_says(&work, &["0 to add, 1 to change, 0 to destroy"]);
        work.apply();
        assert_eq!(attr(&work, VM, "id"), id, "a resize keeps the VM");
        let vm = sim_vm(sim, &id);
        assert_eq!(
            (
                vm["shape"]["cpu_cores"].clone(),
                vm["shape"]["disk_gb"].clone()
            ),
            (json!(4), json!(20))
        );
        assert_eq!(vm["ipv4"].as_array().map(Vec::len), Some(2));
        work.assert_plan_empty();

        work.write_main(&vm_config("Debian10.0", 4, "10G", 1, ""));
        let refused = work.try_run(&["plan", "-input=false", "-no-color"]);
        assert!(!refused.success());
        let said = flat(&refused.combined());
        assert!(
            said.contains("HosterAPI cannot shrink a disk")
                && said.contains("HosterAPI cannot remove IP addresses"),
            "{said}"
        );

        work.write_main(&vm_config("Ubuntu22.04", 4, "20G", 2, ""));
        assert_plan_says(&work, &["wipes the VM's disk", "1 to change"]);
        let password = attr(&work, VM, "root_password");
        work.apply();
        assert_eq!(attr(&work, VM, "id"), id, "a reinstall keeps the VM");
        assert_eq!(sim_vm(sim, &id)["shape"]["template"], "Ubuntu22.04");
        assert_ne!(attr(&work, VM, "root_password"), password);
        work.assert_plan_empty();

        for (power, status) in [("stopped", "stopped"), ("running", "running")] {
            let extra = format!("  power_state = \"{power}\"\n");
            work.write_main(&vm_config("Ubuntu22.04", 4, "20G", 2, &extra));
            work.apply();
            assert_eq!(attr(&work, VM, "status"), status);
            work.assert_plan_empty();
        }

        work.run(&["state", "rm", VM]);
        work.import(VM, &id);
        work.assert_plan_empty();

        sim.admin_delete(&format!("hoster/vms/{id}"));
        assert_plan_says(&work, &["1 to add, 0 to change, 0 to destroy"]);
        work.destroy();
        sim.assert_empty();
    });
}

/// A failing creation job leaves an error naming the vendor's code and nothing behind; a job
/// that outlasts the create timeout keeps its id in state (tainted), a refresh adopts the VM
/// once the job finishes, and the next plan replaces it; destroying a VM whose job never
/// finishes deletes the VM that appeared when the job started.
#[test]
fn failed_and_timed_out_creation_jobs() {
    for_each_terraform(|tf, sim| {
        sim.admin_post("hoster/next_jobs", json!({"outcome": "fail", "count": 1}));
        let work = TfWork::new(tf, sim, &vm_config("Debian10.0", 1, "10G", 1, ""));
        let failed = flat(&work.apply_expecting_failure().combined());
        assert!(
            failed.contains("0xb0: Requested resources exceed administrative limits"),
            "{failed}"
        );
        assert!(
            find_resource(&work.state_json(), VM).is_none(),
            "a failed job leaves nothing in state"
        );
        sim.assert_empty();

        sim.admin_post("hoster/settings", json!({"job_secs": 600}));
        let slow = "  timeouts {\n    create = \"1s\"\n  }\n";
        work.write_main(&vm_config("Debian10.0", 1, "10G", 1, slow));
        let timed_out = flat(&work.apply_expecting_failure().combined());
        assert!(timed_out.contains("kept in the state"), "{timed_out}");
        let state = work.state_json();
        let pending = find_resource(&state, VM).expect("the job stays in state");
        assert_eq!(pending["tainted"], true);
        let job_id = text(pending["values"]["job_id"].clone());
        let pending_id = text(pending["values"]["id"].clone());
        assert!(
            pending_id.starts_with(&format!("job-{job_id}")),
            "{pending_id}"
        );

        sim.admin_post("time", json!({"advance_secs": 700}));
        work.run(&["refresh", "-input=false", "-no-color"]);
        let id = attr(&work, VM, "id");
        assert!(id.parse::<u64>().is_ok(), "the refresh adopts the VM: {id}");
        sim_vm(sim, &id);
        sim.admin_post("hoster/settings", json!({"job_secs": 20}));
        assert_plan_says(&work, &["1 to add, 0 to change, 1 to destroy"]);
        work.destroy();
        sim.assert_empty();

        sim.admin_post(
            "hoster/next_jobs",
            json!({"outcome": "never_finish", "count": 1}),
        );
        work.apply_expecting_failure();
        let destroyed = flat(&work.destroy().combined());
        assert!(destroyed.contains("still runs"), "{destroyed}");
        sim.assert_empty();
    });
}

fn extras_config(vm_extra: &str, software_password: &str) -> String {
    let mut config = vm_config("Debian10.0", 1, "10G", 1, vm_extra);
    config.push_str(&format!(
        "\nresource \"hoster_dedicated_server\" \"db\" {{\n  market_id = 84\n  template  = \"Debian Buster\"\n  hostname  = \"db.example.com\"\n}}\n\
         \nresource \"hoster_vm_backup\" \"first\" {{\n  vm_id = hoster_vm.web.id\n}}\n\
         \nresource \"hoster_software\" \"ts3\" {{\n  server  = hoster_vm.web.id\n  package = \"ts3\"\n  {software_password} = hoster_vm.web.root_password\n}}\n"
    ));
    config
}

/// A dedicated order found by listing (and imported), a backup then a restore in place, and
/// software installed with the write-only password where Terraform has them (1.11+); no
/// token or root password in TRACE logs.
#[test]
fn dedicated_order_backup_restore_and_software() {
    for_each_terraform(|tf, sim| {
        let version = terraform_version(tf);
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let write_only = (parts.next(), parts.next()) >= (Some(1), Some(11));
        let password_arg = if write_only {
            "password_wo"
        } else {
            "password"
        };
        let mut work = TfWork::new(tf, sim, &extras_config("", password_arg));
        work.set_env("TF_LOG", "TRACE");
        let traced = work.apply().combined();
        work.set_env("TF_LOG", "");
        let root_password = sim.state()["hoster"]["vms"][0]["password"]
            .as_str()
            .expect("the VM's root password")
            .to_string();
        assert!(
            traced.contains("GET /job/"),
            "provider debug logs are in the trace"
        );
        for secret in ["hostform-sim-token", root_password.as_str()] {
            assert!(
                !traced.contains(secret),
                "secret {secret:?} leaked into TRACE output"
            );
        }
        assert_eq!(attr(&work, "hoster_dedicated_server.db", "id"), "84");
        assert_eq!(
            attr(&work, "hoster_dedicated_server.db", "status"),
            "running"
        );
        let owned = sim.state()["hoster"]["dedicated"].clone();
        assert_eq!(owned.as_array().map(Vec::len), Some(1), "{owned}");
        let state = work.state_json();
        let software = find_resource(&state, "hoster_software.ts3").unwrap();
        assert!(software["values"]["password_wo"].is_null());
        assert_eq!(software["values"]["password"].is_null(), write_only);
        assert!(sim.admin_get("empty")["left"]
            .to_string()
            .contains("software ts3"));
        work.assert_plan_empty();

        let dedicated = "hoster_dedicated_server.db";
        work.run(&["state", "rm", dedicated]);
        work.import(dedicated, "84");
        assert_plan_says(&work, &["0 to add, 1 to change, 0 to destroy"]);
        work.apply();
        assert_eq!(
            attr(&work, dedicated, "market_id"),
            "84",
            "adopted from configuration"
        );
        work.assert_plan_empty();

        let timestamp = attr(&work, "hoster_vm_backup.first", "timestamp");
        work.write_main(&extras_config(
            &format!("  restore_backup = {timestamp}\n"),
            password_arg,
        ));
        assert_plan_says(
            &work,
            &[
                "Restoring a backup replaces the VM's disk",
                "0 to add, 1 to change",
            ],
        );
        work.apply();
        assert_eq!(attr(&work, VM, "restore_backup"), timestamp);
        work.assert_plan_empty();

        let destroyed = flat(&work.destroy().combined());
        assert!(
            destroyed.contains("backups cannot be deleted"),
            "{destroyed}"
        );
        if write_only {
            assert!(destroyed.contains("was not uninstalled"), "{destroyed}");
        }
        sim.assert_empty();
    });
}
