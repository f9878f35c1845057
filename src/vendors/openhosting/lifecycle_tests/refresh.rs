//! A refresh of many Open Hosting drives at once shares `GET /drives/info` (counted with the
//! simulator's stats), and a drive destroyed outside Terraform still reads as gone.

use std::sync::Arc;
use std::time::Duration;

use super::{drive, start};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::Diagnostics;
use crate::vendors::openhosting::drive::DriveResource;
use crate::vendors::test_refresh::{refresh, requests_since};
use crate::vendors::test_support::ctx;

#[tokio::test]
async fn a_refresh_of_twenty_drives_shares_the_drive_list() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut states = Vec::new();
    for n in 0..20 {
        let mut d = Diagnostics::default();
        let planned = drive(&[("name", format!("d{n}").into()), ("size", "1G".into())]);
        states.push(DriveResource.create(&c, &planned, &mut d).await);
        assert!(!d.has_errors(), "{d:?}");
    }

    let before = sim.get("stats").await;
    let read = refresh(Arc::new(DriveResource), &client, &states).await;
    assert_eq!(read, states);
    let lists = requests_since(&sim, &before, "openhosting", "GET /drives/info").await;
    assert!((1..=2).contains(&lists), "{lists} list calls");
    let single = "GET /drives/{id}/info";
    assert_eq!(
        requests_since(&sim, &before, "openhosting", single).await,
        0
    );

    let gone = states[4].get("id").as_str().unwrap().to_string();
    client.destroy_drive(&gone).await.unwrap();
    let before = sim.get("stats").await;
    let read = refresh(Arc::new(DriveResource), &client, &states).await;
    assert!(read[4].is_null(), "{:?}", read[4]);
    assert_eq!(read.iter().filter(|v| !v.is_null()).count(), 19);
    assert_eq!(
        requests_since(&sim, &before, "openhosting", single).await,
        1,
        "{}",
        sim.get("stats").await
    );

    for state in read.iter().filter(|v| !v.is_null()) {
        let mut d = Diagnostics::default();
        DriveResource.delete(&c, state, &mut d).await;
        assert!(!d.has_errors(), "{d:?}");
    }
    sim.assert_empty().await;
}
