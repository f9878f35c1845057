//! The change cases of `changes`, one vendor per test: each row changes one argument out of
//! band and names the plan expected.

use serde_json::{json, Value as Jv};

use super::changes::{case, id_of, run, Expect};
use crate::tfplugin::provider::Provider;
use crate::tfplugin::Value;
use crate::vendors::terrahost::Brand;
use crate::vendors::test_clients as clients;
use crate::vendors::test_support::Sim;

#[tokio::test]
async fn hosthatch_changes_out_of_band_plan_an_update_or_a_replacement() {
    let sim = Sim::start(1000.0).await;
    let client = clients::hosthatch(&sim);
    let server = |product: &str| {
        vec![
            ("product", Value::from(product)),
            ("location", Value::from("AMS")),
            ("billing", Value::from("monthly")),
            ("image", Value::from("ubuntu22")),
            ("hostname", Value::from("drift.test")),
        ]
    };
    let server_patch = |s: &Value, body: Jv| (format!("hosthatch/servers/{}", id_of(s)), body);
    let cases = [
        case(
            "hosthatch_ssh_key",
            vec![
                ("description", "drift".into()),
                ("value", "ssh-ed25519 AAAA drift@host".into()),
            ],
            |s| {
                (
                    format!("hosthatch/keys/{}", id_of(s)),
                    json!({"description": "renamed"}),
                )
            },
            "description",
            Expect::Replace,
        ),
        // Downgraded out of band: the configured product is an upgrade again.
        case(
            "hosthatch_server",
            server("nvme-4gb"),
            |s| server_patch(s, json!({"product": "nvme-2gb"})),
            "product",
            Expect::Update,
        ),
        // Upgraded out of band: HostHatch cannot downgrade, and the provider refuses at plan
        // (telling to replace) rather than plan a replacement that would wipe the server.
        case(
            "hosthatch_server",
            server("nvme-2gb"),
            |s| server_patch(s, json!({"product": "nvme-4gb"})),
            "product",
            Expect::Refused("Product cannot be changed in place"),
        ),
        case(
            "hosthatch_server",
            server("nvme-2gb"),
            |s| server_patch(s, json!({"hostname": "other.test"})),
            "hostname",
            Expect::Replace,
        ),
    ];
    for case in cases {
        run(
            &sim,
            crate::vendors::hosthatch::provider().resources(),
            &client,
            case,
        )
        .await;
    }
    sim.assert_empty().await;
}

#[tokio::test]
async fn hoster_changes_out_of_band_plan_an_update() {
    let sim = Sim::start(1000.0).await;
    let client = clients::hoster(&sim);
    let cases = [
        case(
            "hoster_vm",
            vec![
                ("template", "Debian10.0".into()),
                ("cpu_cores", 1i64.into()),
                ("memory", 1024i64.into()),
                ("disk", "10240M".into()),
                ("ip_count", 1i64.into()),
            ],
            |s| (format!("hoster/vms/{}", id_of(s)), json!({"cpuCores": 4})),
            "cpu_cores",
            Expect::Update,
        ),
        case(
            "hoster_dedicated_server",
            vec![
                ("market_id", 9i64.into()),
                ("template", "Debian Buster".into()),
                ("power_state", "running".into()),
            ],
            |s| {
                (
                    format!("hoster/dedicated/{}", id_of(s)),
                    json!({"running": false}),
                )
            },
            "power_state",
            Expect::Update,
        ),
    ];
    for case in cases {
        run(
            &sim,
            crate::vendors::hoster::provider().resources(),
            &client,
            case,
        )
        .await;
    }
    sim.assert_empty().await;
}

#[tokio::test]
async fn openhosting_changes_out_of_band_plan_an_update() {
    let sim = Sim::start(1000.0).await;
    let client = clients::openhosting(&sim);
    let rename = json!({"name": "renamed"});
    let cases = [
        case(
            "openhosting_drive",
            vec![("name", "drift".into()), ("size", "1G".into())],
            |s| (format!("openhosting/drives/{}", id_of(s)), rename.clone()),
            "name",
            Expect::Update,
        ),
        case(
            "openhosting_ip",
            vec![("name", "drift".into())],
            |s| {
                (
                    format!("openhosting/resources/ip/{}", id_of(s)),
                    rename.clone(),
                )
            },
            "name",
            Expect::Update,
        ),
        case(
            "openhosting_vlan",
            vec![("name", "drift".into())],
            |s| {
                (
                    format!("openhosting/resources/vlan/{}", id_of(s)),
                    rename.clone(),
                )
            },
            "name",
            Expect::Update,
        ),
        case(
            "openhosting_server",
            vec![
                ("name", "drift".into()),
                ("cpu", 1000i64.into()),
                ("mem", 512i64.into()),
            ],
            |s| {
                let path = format!("openhosting/servers/{}", id_of(s));
                (path, json!({"config": {"name": "renamed"}}))
            },
            "name",
            Expect::Update,
        ),
    ];
    for case in cases {
        run(
            &sim,
            crate::vendors::openhosting::provider().resources(),
            &client,
            case,
        )
        .await;
    }
    sim.assert_empty().await;
}

/// The Terrahost or Gigahost cases: `vendor` names its admin routes, `server` and `ip` are a
/// seeded server and its primary address.
async fn terrahost_cases(brand: Brand, vendor: &str, prefix: &str, server: &str, ip: &str) {
    let sim = Sim::start(1000.0).await;
    let client = clients::terrahost(&sim, prefix, brand);
    let provider = match brand {
        Brand::Terrahost => crate::vendors::terrahost::provider(),
        Brand::Gigahost => crate::vendors::terrahost::gigahost_provider(),
    };
    let on_server = |extra: &[(&'static str, Value)]| {
        let mut pairs = vec![("server_id", Value::from(server))];
        pairs.extend_from_slice(extra);
        pairs
    };
    let cases = [
        case(
            format!("{vendor}_server"),
            on_server(&[("name", "web".into())]),
            |_| {
                (
                    format!("{vendor}/servers/{server}"),
                    json!({"label": "renamed"}),
                )
            },
            "name",
            Expect::Update,
        ),
        case(
            format!("{vendor}_snapshot"),
            on_server(&[("name", "drift".into())]),
            |s| {
                (
                    format!("{vendor}/snapshots/{}", id_of(s)),
                    json!({"display_name": "renamed"}),
                )
            },
            "name",
            Expect::Replace,
        ),
        case(
            format!("{vendor}_reverse_dns"),
            on_server(&[("ip_id", ip.into()), ("dns", "drift.example.test".into())]),
            |_| {
                let path = format!("{vendor}/servers/{server}/ips/{ip}");
                (path, json!({"reverse": "other.example.test"}))
            },
            "dns",
            Expect::Update,
        ),
    ];
    for case in cases {
        run(&sim, provider.resources(), &client, case).await;
    }
    sim.assert_empty().await;
}

#[tokio::test]
async fn terrahost_changes_out_of_band_plan_an_update_or_a_replacement() {
    terrahost_cases(
        Brand::Terrahost,
        "terrahost",
        "/terrahost/api/v3",
        "3523",
        "7795",
    )
    .await;
}

#[tokio::test]
async fn gigahost_changes_out_of_band_plan_an_update_or_a_replacement() {
    terrahost_cases(
        Brand::Gigahost,
        "gigahost",
        "/gigahost/api/v0",
        "5101",
        "7795",
    )
    .await;
}
