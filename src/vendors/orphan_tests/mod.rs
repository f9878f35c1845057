//! Nothing orphaned, for every resource that creates something at a vendor: each fault is
//! injected into its create against the in-process simulator, and afterwards every object the
//! create made is in the returned state or absent, and a retried apply (refresh, replace if
//! tainted, create if absent) leaves exactly the one object in state. The simulator's clock
//! only moves when a test moves it, so waits can be stalled on purpose.
//!
//! Faults: the create answered 500 after the object was made (`status_after`), the connection
//! dropped after the request was processed (`drop`), the wait timing out, and the provider
//! killed mid-wait (the create future dropped: nothing returned, as when Terraform gets no
//! answer from a killed plugin).

mod hosts;
mod storage;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Value as Jv};

use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_support::Sim;

/// A resource under test: how to create, refresh and destroy it, and where its objects show.
#[async_trait]
pub trait Subject: Send + Sync {
    fn resource(&self) -> &'static str;
    /// The name in the outcome table, when one resource type has several ways to create.
    fn label(&self) -> String {
        self.resource().to_string()
    }
    /// False when the API cannot delete the object and destroy only forgets it.
    fn destroy_removes(&self) -> bool {
        true
    }
    /// The simulator vendor, method and path part of the create request.
    fn create_request(&self) -> (&'static str, &'static str, &'static str);
    /// Makes what the create needs (a VM to back up, ...) and returns a handle for the rest.
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared>;
    /// The ids (as the state's `id` shows them) of this resource type's objects at the vendor.
    async fn objects(&self, sim: &Sim) -> Vec<String>;
}

#[async_trait]
pub trait Prepared: Send + Sync {
    async fn create(&self, timeout: Duration, diags: &mut Diagnostics) -> Value;
    async fn read(&self, state: &Value, diags: &mut Diagnostics) -> Value;
    async fn delete(&self, state: &Value, diags: &mut Diagnostics);
}

pub fn subjects() -> Vec<Box<dyn Subject>> {
    let mut all = hosts::subjects();
    all.extend(storage::subjects());
    all
}

/// Resources that create nothing at the vendor, with the reason.
const CREATE_NOTHING: &[(&str, &str)] = &[
    (
        "terrahost_server",
        "adopts an existing server; the API cannot order one",
    ),
    (
        "gigahost_server",
        "adopts an existing server; the API cannot order one",
    ),
    (
        "terrahost_reverse_dns",
        "sets a record on an existing address",
    ),
    (
        "gigahost_reverse_dns",
        "sets a record on an existing address",
    ),
];

/// Where the vendor's API gives no safe way to find the object again, with the reason. The
/// test fails if one of these starts passing (remove it) or another case fails.
const KNOWN_LIMITS: &[(&str, Fault, &str)] = &[
    ("hosthatch_server", Fault::Killed, NOT_BY_NAME),
    ("hoster_vm", Fault::Killed, NOT_BY_NAME),
    ("hoster_dedicated_server", Fault::Killed, "the retry orders again but the market offer is taken, so it fails; the server is not in state (import it)"),
    ("openhosting_drive (imaging)", Fault::Killed, NOT_BY_NAME),
    ("terrahost_snapshot", Fault::Killed, SNAPSHOT_NAME),
    ("gigahost_snapshot", Fault::Killed, SNAPSHOT_NAME),
    ("terrahost_ipv4", Fault::Killed, IPV4_ORDER),
    ("gigahost_ipv4", Fault::Killed, IPV4_ORDER),
    ("hoster_vm_backup", Fault::Killed, BACKUP),
    ("hoster_vm_backup", Fault::WaitTimeout, BACKUP),
];

const NOT_BY_NAME: &str = "nothing was returned, and adopting an object only by its name could take over one made by hand; the retry makes a second one";
const SNAPSHOT_NAME: &str = "never duplicated once the API lists the snapshot (seconds after the request): the retry refuses with 'Snapshot name already used' and names the id to import";
const IPV4_ORDER: &str =
    "an order has no name or id to look for; the retry orders a second address";
const BACKUP: &str = "a backup that appears after the wait has no name; backups cannot be deleted through the API and go with their VM";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    StatusAfter,
    Drop,
    WaitTimeout,
    Killed,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fault::StatusAfter => "500 after create",
            Fault::Drop => "connection dropped",
            Fault::WaitTimeout => "wait timed out",
            Fault::Killed => "provider killed mid-wait",
        })
    }
}

/// What the first create left, before any retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// In state without error (found again after a lost answer, or the wait ended in time).
    InState,
    /// In state with an error: Terraform taints it and the next apply replaces it.
    Tainted,
    /// Nothing in state and nothing at the vendor.
    Absent,
    /// Nothing in state (the provider died) and the retry adopted the object.
    AdoptedOnRetry,
}

/// Runs the clock `step` virtual seconds every few milliseconds until `work` ends.
async fn with_time_flowing<T>(sim: &Sim, work: impl std::future::Future<Output = T>) -> T {
    let ticking = async {
        loop {
            tokio::time::sleep(Duration::from_millis(3)).await;
            sim.post("time", json!({"advance_secs": 5.0})).await;
        }
    };
    tokio::select! {
        out = work => out,
        _ = ticking => unreachable!(),
    }
}

fn held(state: &Value) -> Option<String> {
    state.get("id").as_str().map(str::to_string)
}

/// Injects `fault` into `subject`'s create and checks nothing is orphaned or duplicated.
pub async fn run(subject: &dyn Subject, fault: Fault) -> Result<Outcome, String> {
    let name = subject.label();
    let sim = Sim::start(1.0).await;
    let prepared = with_time_flowing(&sim, subject.prepare(&sim)).await;
    let mut baseline = subject.objects(&sim).await;
    let (vendor, method, path) = subject.create_request();
    match fault {
        Fault::StatusAfter | Fault::Drop => {
            let kind = if fault == Fault::Drop {
                "drop"
            } else {
                "status_after"
            };
            sim.post("faults", json!({"vendor": vendor, "kind": kind, "method": method, "path_contains": path, "status": if kind == "drop" { Jv::Null } else { json!(500) }}))
                .await;
        }
        Fault::WaitTimeout | Fault::Killed => {}
    }
    let mut diags = Diagnostics::default();
    let first = match fault {
        Fault::StatusAfter | Fault::Drop => {
            with_time_flowing(&sim, prepared.create(Duration::from_secs(20), &mut diags)).await
        }
        Fault::WaitTimeout => {
            prepared
                .create(Duration::from_millis(150), &mut diags)
                .await
        }
        Fault::Killed => {
            let killed = tokio::time::timeout(
                Duration::from_millis(150),
                prepared.create(Duration::from_secs(600), &mut diags),
            )
            .await;
            match killed {
                Ok(state) => state,
                Err(_) => Value::Null,
            }
        }
    };
    sim.delete("faults").await;
    sim.post("time", json!({"advance_secs": 7200.0})).await;
    let new = new_objects(subject, &sim, &baseline).await;
    if new.len() > 1 {
        return Err(format!(
            "{name} / {fault}: {} objects made by one create: {new:?}",
            new.len()
        ));
    }
    // The next plan refreshes first; a refresh may complete what the create left pending.
    let refreshed = match held(&first) {
        Some(_) => prepared.read(&first, &mut Diagnostics::default()).await,
        None => Value::Null,
    };
    let in_state = held(&refreshed);
    let outcome = match (&new[..], &in_state) {
        ([], None) => Outcome::Absent,
        ([], Some(_)) if fault == Fault::Killed => Outcome::Absent,
        ([made], Some(id)) if made == id => {
            if diags.has_errors() {
                Outcome::Tainted
            } else {
                Outcome::InState
            }
        }
        ([made], None) if fault == Fault::Killed => {
            return retry_after_kill(subject, &sim, &*prepared, &baseline, made).await;
        }
        (made, held) => {
            return Err(format!(
                "{name} / {fault}: ORPHANED {made:?} at the vendor, state holds {held:?}; {:?}",
                summaries(&diags)
            ))
        }
    };
    // The retried apply: refresh, then replace a tainted object or create an absent one.
    let mut d = Diagnostics::default();
    let state = if refreshed.is_null() || outcome == Outcome::Tainted {
        if !refreshed.is_null() {
            with_time_flowing(&sim, prepared.delete(&refreshed, &mut d)).await;
            if !subject.destroy_removes() {
                baseline.extend(held(&refreshed));
            }
        }
        with_time_flowing(&sim, prepared.create(Duration::from_secs(20), &mut d)).await
    } else {
        refreshed
    };
    finish(subject, &sim, &*prepared, &baseline, &state, d, fault).await?;
    Ok(outcome)
}

/// After a kill: the next apply creates again, and must adopt the object instead.
async fn retry_after_kill(
    subject: &dyn Subject,
    sim: &Sim,
    prepared: &dyn Prepared,
    baseline: &[String],
    made: &str,
) -> Result<Outcome, String> {
    let mut d = Diagnostics::default();
    let state = with_time_flowing(sim, prepared.create(Duration::from_secs(20), &mut d)).await;
    if held(&state).as_deref() != Some(made) {
        let now = new_objects(subject, sim, baseline).await;
        return Err(format!(
            "{} / {}: the retry did not adopt {made} (state holds {:?}, vendor has {now:?}); {:?}",
            subject.label(),
            Fault::Killed,
            held(&state),
            summaries(&d)
        ));
    }
    finish(subject, sim, prepared, baseline, &state, d, Fault::Killed).await?;
    Ok(Outcome::AdoptedOnRetry)
}

/// Checks the retry left exactly the object in `state`, then destroys it.
async fn finish(
    subject: &dyn Subject,
    sim: &Sim,
    prepared: &dyn Prepared,
    baseline: &[String],
    state: &Value,
    mut d: Diagnostics,
    fault: Fault,
) -> Result<(), String> {
    let name = subject.label();
    sim.post("time", json!({"advance_secs": 7200.0})).await;
    let after_retry = new_objects(subject, sim, baseline).await;
    if d.has_errors() || after_retry.len() != 1 || held(state) != after_retry.first().cloned() {
        return Err(format!(
            "{name} / {fault}: after the retry the vendor has {after_retry:?} and the state {:?}; {:?}",
            held(state),
            summaries(&d)
        ));
    }
    with_time_flowing(sim, prepared.delete(state, &mut d)).await;
    let left = new_objects(subject, sim, baseline).await;
    if subject.destroy_removes() && !left.is_empty() {
        return Err(format!("{name} / {fault}: destroy left {left:?}"));
    }
    Ok(())
}

async fn new_objects(subject: &dyn Subject, sim: &Sim, baseline: &[String]) -> Vec<String> {
    let mut now = subject.objects(sim).await;
    now.retain(|id| !baseline.contains(id));
    now
}

fn summaries(d: &Diagnostics) -> Vec<String> {
    d.0.iter().map(|x| x.summary.clone()).collect()
}

/// The `left` entries of `/_sim/empty` that start with `prefix`, without it.
pub async fn leftovers(sim: &Sim, prefix: &str) -> Vec<String> {
    let empty = sim.get("empty").await;
    empty["left"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str()?.strip_prefix(prefix).map(str::to_string))
        .collect()
}

#[test]
fn every_resource_that_creates_something_has_a_subject() {
    let covered: Vec<&str> = subjects().iter().map(|s| s.resource()).collect();
    for catalogue in crate::vendors::catalogues() {
        for entry in &catalogue.resources {
            let skipped = CREATE_NOTHING.iter().any(|(n, _)| *n == entry.type_name);
            assert!(
                skipped || covered.contains(&entry.type_name),
                "{} creates objects at a vendor but has no orphan-test subject",
                entry.type_name
            );
        }
    }
}

async fn run_all(fault: Fault) {
    let mut failures = Vec::new();
    for subject in subjects() {
        let label = subject.label();
        let limit = KNOWN_LIMITS
            .iter()
            .find(|(l, f, _)| *l == label && *f == fault);
        match (run(&*subject, fault).await, limit) {
            (Ok(outcome), None) => println!("ORPHAN-TABLE {label} | {fault} | {outcome:?}"),
            (Err(e), Some((_, _, why))) => {
                println!("ORPHAN-TABLE {label} | {fault} | LIMIT: {why} ({e})")
            }
            (Ok(outcome), Some(_)) => failures.push(format!(
                "{label} / {fault} now ends {outcome:?}: remove it from KNOWN_LIMITS"
            )),
            (Err(e), None) => {
                println!("ORPHAN-TABLE {label} | {fault} | FAILED");
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_answered_500_after_the_object_was_made() {
    run_all(Fault::StatusAfter).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_connection_dropped_after_sending() {
    run_all(Fault::Drop).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_wait_timed_out() {
    run_all(Fault::WaitTimeout).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_killed_mid_wait() {
    run_all(Fault::Killed).await;
}
