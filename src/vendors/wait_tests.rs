//! Timeouts and Stop (issue 7, guarantee 8) over each vendor's main waits, in process against
//! a simulator whose clock barely moves, so no wait can finish: with a short `timeouts` value
//! the error names what was waited for and the last state seen; with the Stop token cancelled
//! mid-wait the operation returns within a second, saying it was stopped. Waits covered: the
//! HostHatch deploy, the Hoster VM creation job and dedicated order, Open Hosting imaging of a
//! copied drive, the Terrahost snapshot completion and IPv4 order (Gigahost shares them).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::test_clients as clients;
use crate::tfplugin::provider::{Provider, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::terrahost::Brand;
use crate::vendors::test_support::{ctx, planned, Sim};

/// Virtual seconds per real second: nothing the simulator times finishes during a test.
const FROZEN: f64 = 1e-6;

/// One waiting operation: a create of `type_name` with `pairs`, whose wait is described by
/// `waiting_for` (a fragment of the "waiting for ..." text).
struct Case<C> {
    resources: Vec<Arc<dyn Resource<C>>>,
    type_name: &'static str,
    pairs: Vec<(&'static str, Value)>,
    waiting_for: &'static str,
    /// An admin DELETE between the two runs, freeing what the first one took.
    free_after_timeout: Option<&'static str>,
    /// The create keeps the object in state as pending, with a warning naming the wait,
    /// instead of failing: an error would taint it and a replacement would order another.
    kept_pending: bool,
}

fn details(d: &Diagnostics) -> String {
    d.0.iter()
        .map(|x| format!("{} | {}", x.summary, x.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `case` twice: once with a 300 ms timeout, once cancelled after 200 ms.
async fn times_out_and_stops<C: Send + Sync + 'static>(sim: &Sim, client: &Arc<C>, case: Case<C>) {
    let name = case.type_name;
    let resource = case
        .resources
        .iter()
        .find(|r| r.type_name() == name)
        .unwrap_or_else(|| panic!("no resource {name}"))
        .clone();
    let plan = planned(resource.schema(), &case.pairs);

    let c = ctx(client, Duration::from_millis(300));
    let mut d = Diagnostics::default();
    resource.create(&c, &plan, &mut d).await;
    let text = details(&d);
    if case.kept_pending {
        assert!(
            !d.has_errors() && !d.0.is_empty(),
            "{name}: expected a warning only: {text}"
        );
    } else {
        assert!(d.has_errors(), "{name}: no timeout error");
    }
    assert!(
        text.contains("timed out") && text.contains(case.waiting_for),
        "{name}: the timeout must name {:?}: {text}",
        case.waiting_for
    );
    assert!(text.contains("last state"), "{name}: no last state: {text}");
    if let Some(path) = case.free_after_timeout {
        sim.delete(path).await;
    }

    let c = ctx(client, Duration::from_secs(5));
    let cancel = c.cancel.clone();
    let stop = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
        Instant::now()
    };
    let mut d = Diagnostics::default();
    let (stopped_at, returned_at) = tokio::join!(stop, async {
        resource.create(&c, &plan, &mut d).await;
        Instant::now()
    });
    let late = returned_at.saturating_duration_since(stopped_at);
    assert!(
        late < Duration::from_secs(1),
        "{name}: returned {late:?} after Stop"
    );
    let text = details(&d);
    assert!(
        (d.has_errors() || case.kept_pending) && (text.contains("cancel") || text.contains("stop")),
        "{name}: Stop must end with an error (or, kept pending, a warning) saying so: {text}"
    );
}

#[tokio::test]
async fn hosthatch_waits_time_out_and_stop() {
    let sim = Sim::start(FROZEN).await;
    let client = clients::hosthatch(&sim);
    let case = Case {
        resources: crate::vendors::hosthatch::provider().resources(),
        type_name: "hosthatch_server",
        pairs: vec![
            ("product", "nvme-2gb".into()),
            ("location", "AMS".into()),
            ("billing", "monthly".into()),
            ("image", "ubuntu22".into()),
            ("hostname", "wait.test".into()),
        ],
        waiting_for: "server",
        free_after_timeout: None,
        kept_pending: false,
    };
    times_out_and_stops(&sim, &client, case).await;
}

#[tokio::test]
async fn hoster_waits_time_out_and_stop() {
    let sim = Sim::start(FROZEN).await;
    let client = clients::hoster(&sim);
    let case = Case {
        resources: crate::vendors::hoster::provider().resources(),
        type_name: "hoster_vm",
        pairs: vec![
            ("template", "Debian10.0".into()),
            ("cpu_cores", 1i64.into()),
            ("memory", 1024i64.into()),
            ("disk", "10240M".into()),
            ("ip_count", 1i64.into()),
        ],
        waiting_for: "job",
        free_after_timeout: None,
        kept_pending: false,
    };
    times_out_and_stops(&sim, &client, case).await;
    let case = Case {
        resources: crate::vendors::hoster::provider().resources(),
        type_name: "hoster_dedicated_server",
        pairs: vec![
            ("market_id", 9i64.into()),
            ("template", "Debian Buster".into()),
        ],
        waiting_for: "the order of server 9 to complete",
        free_after_timeout: Some("hoster/dedicated/9"),
        kept_pending: false,
    };
    times_out_and_stops(&sim, &client, case).await;
}

#[tokio::test]
async fn terrahost_waits_time_out_and_stop() {
    let sim = Sim::start(FROZEN).await;
    let client = clients::terrahost(&sim, "/terrahost/api/v3", Brand::Terrahost);
    let case = Case {
        resources: crate::vendors::terrahost::provider().resources(),
        type_name: "terrahost_snapshot",
        pairs: vec![("server_id", "3523".into()), ("name", "wait".into())],
        waiting_for: "snapshot",
        free_after_timeout: None,
        kept_pending: false,
    };
    times_out_and_stops(&sim, &client, case).await;
    let case = Case {
        resources: crate::vendors::terrahost::provider().resources(),
        type_name: "terrahost_ipv4",
        pairs: vec![("server_id", "3523".into()), ("ip_type", "l2".into())],
        waiting_for: "IPv4 address",
        free_after_timeout: None,
        kept_pending: true,
    };
    times_out_and_stops(&sim, &client, case).await;
}

#[tokio::test]
async fn openhosting_waits_time_out_and_stop() {
    let sim = Sim::start(FROZEN).await;
    let client = clients::openhosting(&sim);
    let resources = || crate::vendors::openhosting::provider().resources();
    let drives = resources();
    let drive = drives
        .iter()
        .find(|r| r.type_name() == "openhosting_drive")
        .unwrap();
    let source_plan = planned(
        drive.schema(),
        &[("name", "source".into()), ("size", "1G".into())],
    );
    let mut d = Diagnostics::default();
    let source = drive
        .create(&ctx(&client, Duration::from_secs(10)), &source_plan, &mut d)
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let case = Case {
        resources: resources(),
        type_name: "openhosting_drive",
        pairs: vec![
            ("name", "copy".into()),
            ("size", "1G".into()),
            ("source_drive", source.get("id").clone()),
        ],
        waiting_for: "imaging of drive",
        free_after_timeout: None,
        kept_pending: false,
    };
    times_out_and_stops(&sim, &client, case).await;
}
