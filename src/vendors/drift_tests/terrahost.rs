//! Terrahost and Gigahost deletion cases (one implementation, two brands; both are run): a
//! snapshot deleted, an IPv4 address taken away and a server cancelled out of band read as
//! gone. `*_server` only adopts and forgets an existing server (destroy never deletes it), so
//! its drift case is the server disappearing; `*_reverse_dns` is gone when its address is.

use super::deleted_out_of_band_reads_as_gone;
use crate::tfplugin::provider::Provider;
use crate::tfplugin::Value;
use crate::vendors::terrahost::{self, Brand};
use crate::vendors::test_support::Sim;

/// Runs every case for one brand: `vendor` names its admin routes, `server` and `ip` are a
/// seeded server and its primary address.
async fn cases(brand: Brand, vendor: &str, prefix: &str, server: &str, ip: &str) {
    let sim = Sim::start(1000.0).await;
    let client = crate::vendors::test_clients::terrahost(&sim, prefix, brand);
    let provider = match brand {
        Brand::Terrahost => terrahost::provider(),
        Brand::Gigahost => terrahost::gigahost_provider(),
    };
    let name = |suffix: &str| format!("{vendor}_{suffix}");
    let on_server = |extra: &[(&'static str, Value)]| {
        let mut pairs = vec![("server_id", Value::from(server))];
        pairs.extend_from_slice(extra);
        pairs
    };
    deleted_out_of_band_reads_as_gone(
        &sim,
        provider.resources(),
        &client,
        &name("snapshot"),
        &on_server(&[("name", "drift".into())]),
        |id| format!("{vendor}/snapshots/{id}"),
    )
    .await;
    deleted_out_of_band_reads_as_gone(
        &sim,
        provider.resources(),
        &client,
        &name("ipv4"),
        &on_server(&[("ip_type", "l2".into())]),
        |id| format!("{vendor}/servers/{server}/ips/{id}"),
    )
    .await;
    deleted_out_of_band_reads_as_gone(
        &sim,
        provider.resources(),
        &client,
        &name("reverse_dns"),
        &on_server(&[("ip_id", ip.into()), ("dns", "drift.example.test".into())]),
        |_| format!("{vendor}/servers/{server}/ips/{ip}"),
    )
    .await;
    deleted_out_of_band_reads_as_gone(
        &sim,
        provider.resources(),
        &client,
        &name("server"),
        &on_server(&[]),
        |_| format!("{vendor}/servers/{server}"),
    )
    .await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn terrahost_resources_deleted_out_of_band_read_as_gone() {
    cases(
        Brand::Terrahost,
        "terrahost",
        "/terrahost/api/v3",
        "3523",
        "7795",
    )
    .await;
}

#[tokio::test]
async fn gigahost_resources_deleted_out_of_band_read_as_gone() {
    cases(
        Brand::Gigahost,
        "gigahost",
        "/gigahost/api/v0",
        "5101",
        "7795",
    )
    .await;
}
