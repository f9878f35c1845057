//! End-to-end HostHatch scenarios: a real `terraform` (every binary from
//! `terraform_binaries()`: a recent one and 1.0.3) drives the crate's
//! `terraform-provider-hosthatch` against a fresh `hostform-sim` per binary.
//! Every scenario ends with a destroy followed by `Sim::assert_empty()`.

mod support;

use serde_json::{json, Value};
use support::{
    find_resource, for_each_terraform, hosthatch_provider, hosthatch_ssh_key, hosthatch_web_server,
    resource_attr, Sim, TfWork,
};

const SERVER: &str = "hosthatch_server.web";
const KEY: &str = "hosthatch_ssh_key.deploy";

/// Provider blocks + a products data source + a key + a server using the key.
fn server_with_key(product: &str, server_extra: &str) -> String {
    let server_extra = format!("  ssh_key_ids = [hosthatch_ssh_key.deploy.id]\n{server_extra}");
    format!(
        "{}\ndata \"hosthatch_products\" \"all\" {{}}\n{}{}",
        hosthatch_provider(""),
        hosthatch_ssh_key("deploy", 1),
        hosthatch_web_server(product, &server_extra)
    )
}

fn text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn server_attr(work: &TfWork, attribute: &str) -> String {
    text(resource_attr(&work.state_json(), SERVER, attribute))
}

fn destroy_and_assert_empty(work: &TfWork, sim: &Sim) {
    work.destroy();
    sim.assert_empty();
}

/// The state marks `address` tainted (`terraform show -json`), or panics showing it.
fn assert_tainted(work: &TfWork, address: &str) {
    let state = work.state_json();
    let resource = find_resource(&state, address)
        .unwrap_or_else(|| panic!("{address} should still be in the state:\n{state:#}"));
    assert_eq!(
        resource["tainted"],
        true,
        "{address} should be tainted:\n{}",
        work.state_show(address)
    );
}

#[test]
fn create_then_plan_is_empty_then_destroy() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &server_with_key("nvme-2gb", ""));
        work.apply();
        assert_eq!(server_attr(&work, "status"), "online");
        assert_eq!(server_attr(&work, "product"), "nvme-2gb");
        assert_eq!(sim.hosthatch_server_ids(), vec![server_attr(&work, "id")]);
        work.assert_plan_empty();
        destroy_and_assert_empty(&work, sim);
    });
}

#[test]
fn product_upgrade_is_an_in_place_update() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &server_with_key("nvme-2gb", ""));
        work.apply();
        let id = server_attr(&work, "id");
        work.write_main(&server_with_key("nvme-4gb", ""));
        let plan = work.plan().stdout;
        assert!(
            plan.contains("0 to add, 1 to change, 0 to destroy"),
            "{plan}"
        );
        work.apply();
        assert_eq!(server_attr(&work, "product"), "nvme-4gb");
        assert_eq!(server_attr(&work, "id"), id, "an upgrade keeps the server");
        work.assert_plan_empty();
        destroy_and_assert_empty(&work, sim);
    });
}

#[test]
fn power_state_turns_the_server_off_and_on() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &server_with_key("nvme-2gb", ""));
        work.apply();
        assert_eq!(server_attr(&work, "power_state"), "running");
        for (power_state, status) in [("stopped", "offline"), ("running", "online")] {
            let extra = format!("  power_state = \"{power_state}\"\n");
            work.write_main(&server_with_key("nvme-2gb", &extra));
            work.apply();
            assert_eq!(server_attr(&work, "status"), status);
            assert_eq!(server_attr(&work, "power_state"), power_state);
            work.assert_plan_empty();
        }
        destroy_and_assert_empty(&work, sim);
    });
}

/// Import needs a config that matches what the API reports. Arguments the API
/// cannot report back (`ssh_key_ids`, `billing`, `ipv6`, `additional_ipv4`,
/// `upgrade_disk`, `cancel_reason`) are taken from the configuration after import,
/// so whatever the config says for them must not show up as a change; the config
/// below keeps `billing` (needed to order) and leaves the others out.
/// `cancel_immediately` is left out too: its default (true) must be what import
/// records, otherwise the plan would show a change.
#[test]
fn imported_server_and_key_plan_no_changes() {
    for_each_terraform(|tf, sim| {
        let creator = TfWork::new(tf, sim, &server_with_key("nvme-2gb", ""));
        creator.apply();
        let server_id = server_attr(&creator, "id");
        let key_id = text(resource_attr(&creator.state_json(), KEY, "id"));

        let import_config = format!(
            "{}{}{}",
            hosthatch_provider(""),
            hosthatch_ssh_key("deploy", 1),
            hosthatch_web_server("nvme-2gb", "")
        );
        let importer = TfWork::new(tf, sim, &import_config);
        importer.import(SERVER, &server_id);
        importer.import(KEY, &key_id);
        assert_eq!(server_attr(&importer, "hostname"), "web.e2e.hostform.test");
        assert_eq!(server_attr(&importer, "location"), "AMS");
        importer.assert_plan_empty();
        // The importer now owns both objects; the creator's state is dropped unused.
        destroy_and_assert_empty(&importer, sim);
    });
}

#[test]
fn server_deleted_out_of_band_is_created_again() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &server_with_key("nvme-2gb", ""));
        work.apply();
        let id = server_attr(&work, "id");
        sim.admin_delete(&format!("hosthatch/servers/{id}"));
        let plan = work.plan().stdout;
        assert!(
            plan.contains("hosthatch_server.web will be created"),
            "{plan}"
        );
        work.apply();
        let new_ids = sim.hosthatch_server_ids();
        assert_eq!(new_ids.len(), 1, "{new_ids:?}");
        assert_ne!(new_ids[0], id);
        destroy_and_assert_empty(&work, sim);
    });
}

#[test]
fn apply_converges_through_a_429_storm() {
    for_each_terraform(|tf, sim| {
        let config = server_with_key("nvme-2gb", "").replacen(
            "poll_interval = \"100ms\"\n",
            "poll_interval = \"100ms\"\n  max_retries   = 30\n",
            1,
        );
        let mut work = TfWork::new(tf, sim, &config);
        work.set_env("TF_LOG_PROVIDER", "DEBUG");
        sim.admin_post(
            "faults",
            json!({"vendor": "hosthatch", "kind": "status", "status": 429,
                   "retry_after": 1, "count": 10}),
        );
        let applied = work.apply().combined();
        assert_eq!(
            sim.admin_get("faults")["faults"],
            json!([]),
            "the storm never hit"
        );
        let retries = applied.matches(": retry ").count();
        assert!(
            retries >= 10,
            "{retries} retries logged for 10 refusals:\n{applied}"
        );
        assert_eq!(server_attr(&work, "status"), "online");
        work.assert_plan_empty();
        destroy_and_assert_empty(&work, sim);
    });
}

#[test]
fn a_create_that_never_becomes_active_is_tainted_not_orphaned() {
    for_each_terraform(|tf, sim| {
        let timeouts = "  timeouts {\n    create = \"3s\"\n  }\n";
        let work = TfWork::new(tf, sim, &server_with_key("nvme-2gb", timeouts));
        sim.admin_post("hosthatch/next_deploy", json!({"never_active": true}));
        let failed = work.apply_expecting_failure();
        assert_tainted(&work, SERVER);
        let id = server_attr(&work, "id");
        assert!(
            sim.hosthatch_server_ids().contains(&id),
            "server {id} should exist in the simulator; apply said:\n{}",
            failed.combined()
        );
        destroy_and_assert_empty(&work, sim);
    });
}

#[test]
fn a_server_awaiting_payment_fails_with_the_invoice_url() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &server_with_key("nvme-2gb", ""));
        sim.admin_post("hosthatch/next_deploy", json!({"requires_payment": true}));
        let failed = work.apply_expecting_failure().combined();
        assert_tainted(&work, SERVER);
        let invoice_url = server_attr(&work, "invoice_url");
        assert!(
            invoice_url.starts_with("http"),
            "invoice_url = {invoice_url:?}"
        );
        assert!(
            failed.contains(&invoice_url),
            "the error should name {invoice_url}:\n{failed}"
        );
        destroy_and_assert_empty(&work, sim);
    });
}
