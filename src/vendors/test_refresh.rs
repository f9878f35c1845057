//! What the vendors' refresh tests share: reading many states at once, as Terraform's refresh
//! does, and counting the requests that cost with the simulator's stats.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value as Jv;
use tokio::task::JoinSet;

use super::test_support::{ctx, Sim};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Diagnostics, Value};

/// Reads every state at once, each in its own task; the results in the order given.
pub async fn refresh<C: Send + Sync + 'static>(
    resource: Arc<dyn Resource<C>>,
    client: &Arc<C>,
    states: &[Value],
) -> Vec<Value> {
    let mut reads = JoinSet::new();
    for (i, state) in states.iter().cloned().enumerate() {
        let c = ctx(client, Duration::from_secs(30));
        let resource = resource.clone();
        reads.spawn(async move {
            let mut d = Diagnostics::default();
            let read = resource.read(&c, &state, &mut d).await;
            assert!(!d.has_errors(), "{d:?}");
            (i, read)
        });
    }
    let mut read = reads.join_all().await;
    read.sort_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, v)| v).collect()
}

/// Requests to `vendor`'s `route` (e.g. `GET /keys`) since `before`, a `/_sim/stats` answer.
pub async fn requests_since(sim: &Sim, before: &Jv, vendor: &str, route: &str) -> u64 {
    let now = sim.get("stats").await;
    let count = |stats: &Jv| stats[vendor][route].as_u64().unwrap_or(0);
    count(&now) - count(before)
}
