//! End-to-end Terrahost and Gigahost scenario: a real `terraform` (every binary from
//! `terraform_binaries()`) drives both providers in one configuration against a fresh
//! `hostform-sim`, logging in with username, password and TOTP secret from the environment.
//! One scenario covers adoption, snapshots, reverse DNS, rename, power, reinstall with a token
//! expiring mid-apply, a server missing from reads, imports, out-of-band deletion and destroy
//! (which must leave no snapshot and restore reverse DNS), with no secret in TRACE logs.

mod support;

use serde_json::{json, Value};
use support::{for_each_terraform, resource_attr, Sim, TfWork};

fn text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Both providers, each with a server, a snapshot and a reverse DNS record.
fn config(name: &str, power: &str, reinstall: &str) -> String {
    let mut out = String::from(
        r#"terraform {
  required_providers {
    terrahost = { source = "hostform/terrahost" }
    gigahost  = { source = "hostform/gigahost" }
  }
}

provider "terrahost" {
  poll_interval = "100ms"
}

provider "gigahost" {
  poll_interval = "100ms"
}
"#,
    );
    for (vendor, server) in [("terrahost", "3523"), ("gigahost", "5101")] {
        out.push_str(&format!(
            r#"
resource "{vendor}_server" "web" {{
  server_id   = "{server}"
  name        = "{name}"
  power_state = "{power}"
{reinstall}}}

resource "{vendor}_snapshot" "nightly" {{
  server_id = {vendor}_server.web.id
  name      = "nightly"
}}

resource "{vendor}_reverse_dns" "mail" {{
  server_id = {vendor}_server.web.id
  ip_id     = "7795"
  dns       = "mail.example.test"
}}

data "{vendor}_operating_systems" "debian" {{
  distribution_id = "2"
  name_contains   = "Debian 12"
}}
"#
        ));
    }
    out
}

fn attr(work: &TfWork, address: &str, name: &str) -> String {
    text(resource_attr(&work.state_json(), address, name))
}

fn server_label(sim: &Sim, vendor: &str, id: u64) -> String {
    let state = sim.state();
    let servers = state[vendor]["servers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let server = servers
        .iter()
        .find(|s| s["id"] == id)
        .cloned()
        .unwrap_or_default();
    text(server["srv_label"].clone())
}

/// The password, TOTP secret, every token the simulator issued and the root passwords the
/// reinstall returned must not appear in a TRACE-level apply's output.
fn assert_no_secret_in(traced: &str, sim: &Sim, work: &TfWork) {
    use hostform::sim::terrahost::model::{DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET};
    assert!(
        traced.contains("POST /authenticate") || traced.contains("/authenticate"),
        "provider logs are not in the trace"
    );
    let mut secrets = vec![
        DEFAULT_PASSWORD.to_string(),
        DEFAULT_TOTP_SECRET.to_string(),
    ];
    for vendor in ["terrahost", "gigahost"] {
        let tokens = sim.state()[vendor]["issued_tokens"].clone();
        let tokens = tokens.as_array().cloned().unwrap_or_default();
        assert!(!tokens.is_empty(), "no {vendor} token was issued");
        secrets.extend(tokens.into_iter().map(text));
        secrets.push(attr(work, &format!("{vendor}_server.web"), "root_password"));
    }
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        assert!(
            !traced.contains(secret.as_str()),
            "secret {secret:?} leaked into TRACE output"
        );
    }
}

#[test]
fn terrahost_and_gigahost_full_lifecycle() {
    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &config("web", "stopped", ""));
        work.apply();
        for (vendor, id) in [("terrahost", 3523), ("gigahost", 5101)] {
            let server = format!("{vendor}_server.web");
            assert_eq!(attr(&work, &server, "power_state"), "stopped");
            assert_eq!(server_label(sim, vendor, id), "web");
            assert_eq!(
                attr(&work, &format!("{vendor}_snapshot.nightly"), "state"),
                "completed"
            );
            assert_eq!(
                sim.state()[vendor]["snapshots"].as_array().map(Vec::len),
                Some(1)
            );
        }
        work.assert_plan_empty();

        // Rename, power on and reinstall, while tokens live only 100 virtual seconds (0.5 s):
        // the reinstall wait outlives them, and each 401 is recovered by one new login.
        for vendor in ["terrahost", "gigahost"] {
            sim.admin_post(
                &format!("{vendor}/quirks"),
                json!({"token_lifetime_secs": 100.0}),
            );
        }
        let reinstall = "  os_id    = \"61\"\n  hostname = \"web.example.test\"\n  timezone = \"Europe/Oslo\"\n";
        work.write_main(&config("web-2", "running", reinstall));
        let plan = work.plan().stdout;
        assert!(
            plan.contains("will be reinstalled") || plan.contains("reinstall"),
            "{plan}"
        );
        work.set_env("TF_LOG", "TRACE");
        let traced = work.apply().combined();
        work.set_env("TF_LOG", "");
        assert_no_secret_in(&traced, sim, &work);
        assert!(
            sim.log().contains(" 401"),
            "no token expired during the apply:\n{}",
            sim.log()
        );
        for (vendor, id) in [("terrahost", 3523), ("gigahost", 5101)] {
            let server = format!("{vendor}_server.web");
            assert_eq!(attr(&work, &server, "os_id"), "61");
            assert_eq!(attr(&work, &server, "power_state"), "running");
            assert!(!attr(&work, &server, "root_password").is_empty());
            assert_eq!(server_label(sim, vendor, id), "web-2");
        }
        work.assert_plan_empty();

        // The vendor leaves the servers out of a few reads: nothing is dropped or re-created.
        for vendor in ["terrahost", "gigahost"] {
            sim.admin_post(
                &format!("{vendor}/quirks"),
                json!({"hide_server": {"3523": 2, "5101": 2}, "malformed_json": true}),
            );
        }
        work.assert_plan_empty();

        // Import a snapshot, then delete it out of band: the next plan re-creates it.
        let snap = attr(&work, "terrahost_snapshot.nightly", "id");
        work.run(&["state", "rm", "-no-color", "terrahost_snapshot.nightly"]);
        work.import("terrahost_snapshot.nightly", &format!("3523/{snap}"));
        work.assert_plan_empty();
        sim.admin_delete(&format!("terrahost/snapshots/{snap}"));
        let plan = work.plan().stdout;
        assert!(
            plan.contains("1 to add, 0 to change, 0 to destroy"),
            "{plan}"
        );

        // Import a server: only the arguments the API cannot report (timezone) are adopted.
        work.run(&["state", "rm", "-no-color", "gigahost_server.web"]);
        work.import("gigahost_server.web", "5101");
        let plan = work.plan().stdout;
        assert!(
            plan.contains("1 to add, 1 to change, 0 to destroy"),
            "{plan}"
        );
        assert!(plan.contains("+ timezone"), "{plan}");
        assert!(!plan.contains("reinstalled"), "{plan}");

        let destroyed = work.destroy();
        assert!(
            destroyed.combined().contains("keeps running"),
            "{}",
            destroyed.combined()
        );
        sim.assert_empty();
    });
}
