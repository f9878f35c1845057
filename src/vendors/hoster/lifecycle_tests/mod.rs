//! Lifecycle tests of the hoster resources and data sources against the simulator
//! (`crate::sim`) on a loopback port; this module holds the harness, `vm` the VM tests and
//! `extras` those of dedicated servers, backups, software and the console.

mod extras;
mod vm;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value as Jv;

use super::api::HosterClient;
use crate::support::Auth;
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_support::{ctx, Sim, TOKEN};

/// The simulator's record of the VM `id`, or null.
pub async fn vm_record(sim: &Sim, id: &str) -> Jv {
    let state = sim.get("state").await;
    state["hoster"]["vms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"].as_u64().is_some_and(|n| n.to_string() == id))
        .cloned()
        .unwrap_or(Jv::Null)
}

pub async fn start() -> (Sim, Arc<HosterClient>) {
    let sim = Sim::start(1000.0).await;
    let settings = sim.http_settings("/hoster/api/v1", Auth::Bearer(TOKEN.into()));
    let client = Arc::new(HosterClient {
        api: Sim::api(settings).with_error_parser(super::models::error_message),
        poll_interval: Duration::from_millis(5),
        order_lock: Default::default(),
    });
    (sim, client)
}

/// A planned value of `schema` with `pairs` set and every computed-only attribute unknown.
pub fn planned(schema: crate::tfplugin::Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&schema.block.implied_type());
    for a in schema.block.attributes.iter().filter(|a| a.computed) {
        v.set(a.name, Value::Unknown);
    }
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}

pub fn planned_vm() -> Value {
    planned(
        super::vm::schema(),
        &[
            ("template", "Debian10.0".into()),
            ("cpu_cores", 2i64.into()),
            ("memory", 2048i64.into()),
            ("disk", "10240M".into()),
            ("ip_count", 1i64.into()),
        ],
    )
}

pub fn ok(d: &Diagnostics) {
    assert!(!d.has_errors(), "{d:?}");
}
