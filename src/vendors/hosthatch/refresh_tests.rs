//! Refreshes of many HostHatch keys and servers at once, counted with the simulator's request
//! stats: concurrent reads share `GET /keys` and `GET /servers` (support/coalesce.rs), and an
//! object deleted outside Terraform still reads as gone.

use std::sync::Arc;
use std::time::Duration;

use super::lifecycle_tests::{planned_server, start};
use super::server::ServerResource;
use super::ssh_key::{key_state, SshKeyResource};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_refresh::refresh;
use crate::vendors::test_support::{ctx, Sim};

async fn requests_since(sim: &Sim, before: &serde_json::Value, route: &str) -> u64 {
    crate::vendors::test_refresh::requests_since(sim, before, "hosthatch", route).await
}

#[tokio::test]
async fn a_refresh_of_fifty_keys_costs_a_list_call_and_a_deleted_one_reads_gone() {
    let (sim, client) = start().await;
    let mut states = Vec::new();
    for n in 0..50 {
        let key = client
            .create_key(
                "sshkey",
                &format!("key {n}"),
                &format!("ssh-ed25519 AAAA{n}"),
            )
            .await
            .unwrap();
        states.push(key_state(&Value::Null, &key));
    }

    let before = sim.get("stats").await;
    let read = refresh(Arc::new(SshKeyResource), &client, &states).await;
    assert_eq!(read, states);
    let lists = requests_since(&sim, &before, "GET /keys").await;
    assert!((1..=2).contains(&lists), "{lists} list calls");
    assert_eq!(requests_since(&sim, &before, "GET /keys/{id}").await, 0);

    let gone: i64 = states[7].get("id").as_str().unwrap().parse().unwrap();
    client.delete_key(gone).await.unwrap();
    let before = sim.get("stats").await;
    let read = refresh(Arc::new(SshKeyResource), &client, &states).await;
    assert!(read[7].is_null(), "{:?}", read[7]);
    assert_eq!(read.iter().filter(|v| !v.is_null()).count(), 49);
    assert_eq!(
        requests_since(&sim, &before, "GET /keys/{id}").await,
        1,
        "the absent key is confirmed with its own GET"
    );

    for state in read.iter().filter(|v| !v.is_null()) {
        let id = state.get("id").as_str().unwrap().parse().unwrap();
        client.delete_key(id).await.unwrap();
    }
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_refresh_of_servers_shares_the_server_list() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(30));
    let mut states = Vec::new();
    for _ in 0..8 {
        let mut d = Diagnostics::default();
        let planned = planned_server(Value::Unknown);
        states.push(ServerResource.create(&c, &planned, &mut d).await);
        assert!(!d.has_errors(), "{d:?}");
    }

    let before = sim.get("stats").await;
    let read = refresh(Arc::new(ServerResource), &client, &states).await;
    assert_eq!(read, states);
    let lists = requests_since(&sim, &before, "GET /servers").await;
    assert!((1..=2).contains(&lists), "{lists} list calls");
    assert_eq!(requests_since(&sim, &before, "GET /servers/{id}").await, 0);
    assert_eq!(
        requests_since(&sim, &before, "GET /servers/{id}/status").await,
        8,
        "the power status has no list: one request per server"
    );

    for state in &states {
        let mut d = Diagnostics::default();
        ServerResource.delete(&c, state, &mut d).await;
        assert!(!d.has_errors(), "{d:?}");
    }
    sim.assert_empty().await;
}
