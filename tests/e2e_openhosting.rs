//! End-to-end Open Hosting scenario: a real `terraform` (every binary from
//! `terraform_binaries()`) drives `terraform-provider-openhosting` against a fresh
//! `hostform-sim` per binary. One scenario, many steps (each terraform command costs
//! about a second): an uploaded drive whose content is checked byte for byte, with one
//! chunk failing once and being retried; a drive imaged from it; a server with two
//! drives, a static IP and a VLAN; a live rename vs. a stop-set-start memory change;
//! power off and on; drift; import; destroy leaving the simulator empty. A second scenario:
//! an upload that fails part way leaves a tainted drive that the next apply replaces.

mod support;

use serde_json::{json, Value};
use support::{find_resource, for_each_terraform, resource_attr, Sim, TfWork};

const SERVER: &str = "openhosting_server.web";

/// A 2 MiB + 1000 byte image: pseudo-random data with two all-zero 256 KiB chunks.
fn image() -> Vec<u8> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut data: Vec<u8> = (0..(2 << 20) + 1000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    data[256 << 10..512 << 10].fill(0);
    data[1 << 20..(1 << 20) + (256 << 10)].fill(0);
    data
}

fn sha256_hex(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn config(server_name: &str, mem: u32, power: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    openhosting = {{ source = "hostform/openhosting" }}
  }}
}}

provider "openhosting" {{
  poll_interval      = "50ms"
  upload_chunk_size  = "256k"
  upload_concurrency = 3
}}

resource "openhosting_drive" "img" {{
  name        = "img"
  size        = "8M"
  source_file = "${{path.module}}/image.raw"
}}

resource "openhosting_drive" "copy" {{
  name         = "copy"
  size         = "8M"
  source_drive = openhosting_drive.img.id
}}

resource "openhosting_drive" "scratch" {{
  name = "scratch"
  size = "10G"
  tags = ["e2e"]
}}

resource "openhosting_drive" "spare" {{
  name = "spare"
  size = "1048576"
}}

resource "openhosting_ip" "web" {{
  name = "web"
}}

resource "openhosting_vlan" "back" {{
  name = "back"
}}

resource "openhosting_server" "web" {{
  name        = "{server_name}"
  cpu         = 1000
  mem         = {mem}
  power_state = "{power}"

  drive {{
    device     = "ide:0:0"
    drive_uuid = openhosting_drive.copy.id
  }}
  drive {{
    device     = "ide:0:1"
    drive_uuid = openhosting_drive.scratch.id
  }}
  boot = ["ide:0:0"]

  nic {{
    model = "virtio"
    dhcp  = openhosting_ip.web.id
  }}
  nic {{
    vlan = openhosting_vlan.back.id
  }}

  vnc {{
    ip       = "auto"
    password = "abcd1234"
  }}
}}
"#
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

fn apply_and_expect_empty_plan(work: &TfWork) {
    work.apply();
    work.assert_plan_empty();
}

fn upload_imaging_and_networks(work: &mut TfWork, sim: &Sim, data: &[u8]) {
    sim.admin_post("openhosting/faults", json!({"write_fails_nth": [3]}));
    work.set_env("TF_LOG", "TRACE");
    let traced = work.apply().combined();
    work.set_env("TF_LOG", "");
    assert_no_secret_in(&traced);
    work.assert_plan_empty();
    let faults = sim.admin_get("openhosting/faults");
    assert_eq!(
        faults["faults"]["write_fails_nth"],
        json!([]),
        "the failing write happened: {faults}"
    );
    let state = work.state_json();
    let id = |address: &str| text(resource_attr(&state, address, "id"));
    let expected = sha256_hex(data);
    let length = data.len() as u64;
    assert_eq!(
        sim.openhosting_drive_sha256(&id("openhosting_drive.img"), length),
        expected
    );
    assert_eq!(
        sim.openhosting_drive_sha256(&id("openhosting_drive.copy"), length),
        expected
    );
    assert_eq!(
        text(resource_attr(
            &state,
            "openhosting_drive.img",
            "source_file_sha256"
        )),
        expected
    );
    assert_eq!(text(resource_attr(&state, SERVER, "status")), "active");
    assert_eq!(
        text(resource_attr(&state, SERVER, "ip")),
        id("openhosting_ip.web")
    );
}

/// The API key (also as the Basic auth header it goes into) and the VNC password must not
/// appear in a TRACE-level apply's output.
fn assert_no_secret_in(traced: &str) {
    use base64::Engine;
    assert!(
        traced.contains("/drives/"),
        "provider logs are not in the trace"
    );
    let api_key = hostform::sim::SimConfig::default().token;
    let user = hostform::sim::openhosting::model::SIM_USER;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{api_key}"));
    for secret in [api_key.as_str(), basic.as_str(), "abcd1234"] {
        assert!(
            !traced.contains(secret),
            "secret {secret:?} leaked into TRACE output"
        );
    }
}

fn live_rename_then_rebooting_memory_change(work: &TfWork) {
    let started = attr(work, SERVER, "started");
    work.write_main(&config("web-renamed", 1024, "running"));
    let plan = work.plan().combined();
    assert!(
        plan.contains("1 to change") && !plan.contains("will reboot"),
        "{plan}"
    );
    apply_and_expect_empty_plan(work);
    assert_eq!(
        attr(work, SERVER, "started"),
        started,
        "a rename is applied live"
    );

    work.write_main(&config("web-renamed", 2048, "running"));
    let plan = work.plan().combined();
    assert!(
        plan.contains("The server will reboot") && plan.contains("mem"),
        "{plan}"
    );
    apply_and_expect_empty_plan(work);
    assert_eq!(attr(work, SERVER, "mem"), "2048");
    assert_eq!(attr(work, SERVER, "status"), "active");
}

fn power_off_and_on(work: &TfWork) {
    work.write_main(&config("web-renamed", 2048, "stopped"));
    apply_and_expect_empty_plan(work);
    assert_eq!(attr(work, SERVER, "status"), "stopped");
    work.write_main(&config("web-renamed", 2048, "running"));
    apply_and_expect_empty_plan(work);
    assert_eq!(attr(work, SERVER, "status"), "active");
}

fn drift_is_repaired(work: &TfWork, sim: &Sim) {
    let server = attr(work, SERVER, "id");
    let spare = attr(work, "openhosting_drive.spare", "id");
    sim.admin_patch(
        &format!("openhosting/servers/{server}"),
        json!({"config": {"name": "renamed-outside"}}),
    );
    sim.admin_delete(&format!("openhosting/drives/{spare}"));
    let plan = work.plan().combined();
    assert!(
        plan.contains("1 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    apply_and_expect_empty_plan(work);
    assert_eq!(attr(work, SERVER, "name"), "web-renamed");
}

fn import_reads_back_what_config_says(work: &TfWork) {
    for address in [
        "openhosting_drive.scratch",
        SERVER,
        "openhosting_ip.web",
        "openhosting_vlan.back",
    ] {
        let id = attr(work, address, "id");
        work.run(&["state", "rm", "-no-color", address]);
        work.import(address, &id);
    }
    let (code, output) = (work.plan_detailed_exitcode(), work.plan().combined());
    assert_eq!(code, 0, "plan after import must be empty:\n{output}");
}

#[test]
fn drives_servers_networks_from_upload_to_destroy() {
    let data = image();
    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &config("web", 1024, "running"));
        std::fs::write(work.dir().join("image.raw"), &data).expect("write the image");
        upload_imaging_and_networks(&mut work, sim, &data);
        live_rename_then_rebooting_memory_change(&work);
        power_off_and_on(&work);
        drift_is_repaired(&work, sim);
        import_reads_back_what_config_says(&work);
        work.destroy();
        sim.assert_empty();
    });
}

fn failing_upload_config() -> String {
    r#"terraform {
  required_providers {
    openhosting = { source = "hostform/openhosting" }
  }
}

provider "openhosting" {
  max_retries       = 0
  upload_chunk_size = "256k"
}

resource "openhosting_drive" "img" {
  name        = "img"
  size        = "4M"
  source_file = "${path.module}/image.raw"
}
"#
    .to_string()
}

#[test]
fn an_upload_that_fails_part_way_taints_the_drive_and_the_next_apply_replaces_it() {
    let data = image();
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(tf, sim, &failing_upload_config());
        std::fs::write(work.dir().join("image.raw"), &data).expect("write the image");
        sim.admin_post(
            "openhosting/faults",
            json!({"write_fails_at_offsets": [3 << 18]}),
        );
        let failed = work.apply_expecting_failure().combined();
        assert!(
            failed.contains("offset 786432") && failed.contains("tainted"),
            "{failed}"
        );
        let state = work.state_json();
        let resource =
            find_resource(&state, "openhosting_drive.img").expect("the drive stays in state");
        assert_eq!(resource["tainted"], true, "{state:#}");
        let tainted_id = text(resource["values"]["id"].clone());
        let plan = work.plan().combined();
        assert!(
            plan.contains("1 to add, 0 to change, 1 to destroy"),
            "{plan}"
        );
        apply_and_expect_empty_plan(&work);
        let id = attr(&work, "openhosting_drive.img", "id");
        assert_ne!(id, tainted_id);
        assert_eq!(
            sim.openhosting_drive_sha256(&id, data.len() as u64),
            sha256_hex(&data)
        );
        work.destroy();
        sim.assert_empty();
    });
}
