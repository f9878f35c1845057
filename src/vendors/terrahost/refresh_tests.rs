//! A refresh of many snapshots of one server at once shares one
//! `GET /servers/{id}/snapshots` (counted with the simulator's stats), and a snapshot deleted
//! outside Terraform still reads as gone.

use std::sync::Arc;

use super::lifecycle_tests::{ctx, planned, start, SERVER};
use super::snapshot::SnapshotResource;
use super::Brand;
use crate::tfplugin::provider::Resource;
use crate::tfplugin::Diagnostics;
use crate::vendors::test_refresh::{refresh, requests_since};

const LIST: &str = "GET /servers/{id}/snapshots";

#[tokio::test]
async fn a_refresh_of_one_servers_snapshots_shares_its_snapshot_list() {
    let (sim, client) = start().await;
    let resource = SnapshotResource {
        brand: Brand::Terrahost,
    };
    let c = ctx(&client);
    let mut states = Vec::new();
    for n in 0..6 {
        let mut d = Diagnostics::default();
        let plan = planned(
            resource.schema(),
            &[
                ("server_id", SERVER.into()),
                ("name", format!("s{n}").into()),
            ],
        );
        states.push(resource.create(&c, &plan, &mut d).await);
        assert!(!d.has_errors(), "{d:?}");
    }
    let resource = Arc::new(resource);

    let before = sim.get("stats").await;
    let read = refresh(resource.clone(), &client, &states).await;
    assert_eq!(read, states);
    let lists = requests_since(&sim, &before, "terrahost", LIST).await;
    assert!((1..=2).contains(&lists), "{lists} list calls");

    let id = |n: usize| {
        states[n]
            .get("id")
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    client
        .delete_snapshot(SERVER.parse().unwrap(), id(2))
        .await
        .unwrap();
    let read = refresh(resource.clone(), &client, &states).await;
    assert!(read[2].is_null(), "{:?}", read[2]);
    assert_eq!(read.iter().filter(|v| !v.is_null()).count(), 5);

    for state in read.iter().filter(|v| !v.is_null()) {
        let mut d = Diagnostics::default();
        resource.delete(&c, state, &mut d).await;
        assert!(!d.has_errors(), "{d:?}");
    }
    sim.assert_empty().await;
}
