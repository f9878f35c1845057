//! Convergence under load (issue 7, guarantee 2): a real `terraform` applies a couple of
//! hundred cheap resources of three providers with its default parallelism while the
//! simulator answers a large share of requests 429 (with and without `Retry-After`) and in
//! 5xx bursts. The apply must succeed with no duplicate at the vendor, a second plan must be
//! empty, destroy must leave nothing, and `max_requests_per_second` must hold each provider's
//! busiest second under its limit. The figures are printed (`-- --nocapture`) for
//! docs/reliability.md.

mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use serde_json::{json, Value};
use support::{ssh_public_key, terraform_binaries, terraform_version, Sim, TfWork};

/// Requests per second each provider may send.
const LIMIT: u64 = 40;
/// Virtual seconds per real second: provisioning and jobs finish almost at once.
const TIME_SCALE: u32 = 2000;

/// How many objects of each kind one run creates.
#[derive(Clone, Copy, Debug)]
struct Counts {
    keys: usize,
    hosthatch_servers: usize,
    drives: usize,
    ips: usize,
    vms: usize,
}

impl Counts {
    fn total(&self) -> usize {
        self.keys + self.hosthatch_servers + self.drives + self.ips + self.vms
    }
}

const FULL: Counts = Counts {
    keys: 90,
    hosthatch_servers: 12,
    drives: 60,
    ips: 36,
    vms: 2,
};

/// Terraform 1.0.3 runs a smaller form so the test stays within its time budget.
const SMALL: Counts = Counts {
    keys: 25,
    hosthatch_servers: 4,
    drives: 15,
    ips: 10,
    vms: 1,
};

fn configuration(counts: Counts) -> String {
    let mut tf = String::new();
    let _ = write!(
        tf,
        r#"terraform {{
  required_providers {{
    hosthatch   = {{ source = "hostform/hosthatch" }}
    hoster      = {{ source = "hostform/hoster" }}
    openhosting = {{ source = "hostform/openhosting" }}
  }}
}}

provider "hosthatch" {{
  poll_interval           = "100ms"
  max_retries             = 30
  max_requests_per_second = {LIMIT}
}}

provider "hoster" {{
  max_retries             = 30
  max_requests_per_second = {LIMIT}
}}

provider "openhosting" {{
  poll_interval           = "100ms"
  max_retries             = 30
  max_requests_per_second = {LIMIT}
}}
"#
    );
    for i in 0..counts.keys {
        let value = ssh_public_key(1000 + i as u32);
        let _ = write!(
            tf,
            "\nresource \"hosthatch_ssh_key\" \"k{i}\" {{\n  description = \"load key {i}\"\n  value       = \"{value}\"\n}}\n"
        );
    }
    for i in 0..counts.hosthatch_servers {
        let _ = write!(
            tf,
            "\nresource \"hosthatch_server\" \"s{i}\" {{\n  product  = \"nvme-2gb\"\n  location = \"AMS\"\n  billing  = \"monthly\"\n  image    = \"ubuntu22\"\n  hostname = \"load{i}.e2e.hostform.test\"\n}}\n"
        );
    }
    for i in 0..counts.drives {
        let _ = write!(
            tf,
            "\nresource \"openhosting_drive\" \"d{i}\" {{\n  name = \"load drive {i}\"\n  size = \"1G\"\n}}\n"
        );
    }
    for i in 0..counts.ips {
        let _ = write!(
            tf,
            "\nresource \"openhosting_ip\" \"ip{i}\" {{\n  name = \"load ip {i}\"\n}}\n"
        );
    }
    for i in 0..counts.vms {
        let _ = write!(
            tf,
            "\nresource \"hoster_vm\" \"vm{i}\" {{\n  template  = \"Debian10.0\"\n  cpu_cores = 1\n  memory    = 1024\n  disk      = \"10G\"\n  ip_count  = 1\n}}\n"
        );
    }
    tf
}

/// Per vendor: 429 to 15% of requests with `Retry-After: 1`, to 15% of the rest without it,
/// 503 to 5% of the remaining GETs, and a burst of four 502s on the next GETs (longer bursts mostly measure the
/// backoff: one provider meeting twelve in a row waits minutes): about 30% of all
/// requests fail.
fn arm_faults(sim: &Sim) {
    for vendor in ["hosthatch", "hoster", "openhosting"] {
        for fault in [
            json!({"vendor": vendor, "kind": "rate", "status": 429, "share": 0.15, "retry_after": 1, "count": 100000}),
            json!({"vendor": vendor, "kind": "rate", "status": 429, "share": 0.15, "count": 100000}),
            json!({"vendor": vendor, "kind": "rate", "status": 503, "share": 0.05, "method": "GET", "count": 100000}),
            json!({"vendor": vendor, "kind": "status", "status": 502, "method": "GET", "count": 4}),
        ] {
            sim.admin_post("faults", fault);
        }
    }
}

fn count(state: &Value, vendor: &str, list: &str) -> usize {
    state[vendor][list].as_array().map_or(0, Vec::len)
}

fn objects_at_the_vendor(sim: &Sim) -> Vec<(&'static str, usize)> {
    let state = sim.state();
    let ips = state["openhosting"]["resources"]
        .as_array()
        .map_or(0, |r| r.iter().filter(|x| x["type"] == "ip").count());
    vec![
        ("hosthatch keys", count(&state, "hosthatch", "keys")),
        ("hosthatch servers", sim.hosthatch_server_ids().len()),
        ("openhosting drives", count(&state, "openhosting", "drives")),
        ("openhosting ips", ips),
        ("hoster vms", count(&state, "hoster", "vms")),
    ]
}

fn load_scenario(tf: &Path, counts: Counts) {
    let sim = Sim::start_with_time_scale(TIME_SCALE);
    let work = TfWork::new(tf, &sim, &configuration(counts));
    arm_faults(&sim);
    let started = Instant::now();
    let applied = work.apply();
    let apply_time = started.elapsed();
    let summary = applied.combined();
    let slowest = summary
        .lines()
        .filter(|line| line.contains("Creation complete after"))
        .max_by_key(|line| line.len())
        .unwrap_or_default()
        .to_string();
    eprintln!(
        "apply took {:.1} s; e.g. {slowest}",
        apply_time.as_secs_f64()
    );
    let expected = vec![
        ("hosthatch keys", counts.keys),
        ("hosthatch servers", counts.hosthatch_servers),
        ("openhosting drives", counts.drives),
        ("openhosting ips", counts.ips),
        ("hoster vms", counts.vms),
    ];
    assert_eq!(
        objects_at_the_vendor(&sim),
        expected,
        "duplicates or missing objects at the vendor"
    );
    let state = work.state_json();
    let in_state = state["values"]["root_module"]["resources"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(in_state, counts.total(), "resources in state");
    work.assert_plan_empty();
    let stats = sim.admin_get("stats");
    let whole = started.elapsed();
    work.destroy();
    sim.assert_empty();
    let stats_after = sim.admin_get("stats");
    for vendor in ["hosthatch", "hoster", "openhosting"] {
        let busiest = stats_after["busiest_second"][vendor].as_u64().unwrap_or(0);
        assert!(
            busiest <= LIMIT + 1,
            "{vendor}: {busiest} requests in one second, over the limit of {LIMIT}"
        );
    }
    let injected = &stats_after["faults_injected"];
    let sum = |pick: &dyn Fn(&str) -> bool| -> u64 {
        injected
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| pick(k))
                    .filter_map(|(_, v)| v.as_u64())
                    .sum()
            })
            .unwrap_or(0)
    };
    let with_retry_after = sum(&|k| k.contains(" 429 retry-after"));
    let plain_429 = sum(&|k| k.ends_with(" 429"));
    let server_errors = sum(&|k| k.contains(" 5"));
    assert!(
        with_retry_after > 0 && plain_429 > 0 && server_errors > 0,
        "{injected}"
    );
    eprintln!(
        "LOAD FIGURES ({}): {} resources; requests: apply+plan {}, with destroy {}; \
         faults injected: 429 with Retry-After {with_retry_after}, 429 without {plain_429}, \
         5xx {server_errors}; duplicates 0; apply {:.1} s, apply+plan {:.1} s; \
         busiest second per vendor {} (limit {LIMIT}/s)",
        terraform_version(tf),
        counts.total(),
        stats["total"],
        stats_after["total"],
        apply_time.as_secs_f64(),
        whole.as_secs_f64(),
        stats_after["busiest_second"],
    );
}

#[test]
fn a_large_apply_converges_under_rate_limits_and_server_errors() {
    for tf in terraform_binaries() {
        let counts = if terraform_version(&tf).starts_with("1.0.") {
            SMALL
        } else {
            FULL
        };
        let started = Instant::now();
        load_scenario(&tf, counts);
        eprintln!(
            "load scenario with {} took {:.1} s",
            tf.display(),
            started.elapsed().as_secs_f64()
        );
    }
}
