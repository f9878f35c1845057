//! Lifecycle tests of the Terrahost/Gigahost resources and data sources against the
//! simulator (`crate::sim`) on a loopback port: login with TOTP, token expiry, snapshots,
//! server adoption (rename, power, reinstall, upgrade), reverse DNS restore, IPv4 orders,
//! a server missing from reads for a while, refused power and malformed JSON.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::api::TerrahostClient;
use super::session::{Code, Credentials, Session};
use super::{data_catalogue, Brand};
use crate::sim::terrahost::model::{DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, DEFAULT_USERNAME};
use crate::support::Auth;
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_support::{self, Sim};

pub(super) const SERVER: &str = "3523";

fn client(sim: &Sim, code: Code) -> Arc<TerrahostClient> {
    let settings = sim.http_settings("/terrahost/api/v3", Auth::None);
    let credentials = Credentials::Password {
        username: DEFAULT_USERNAME.into(),
        password: DEFAULT_PASSWORD.into(),
        code,
    };
    let session = Session::new(settings, credentials, CancellationToken::new())
        .with_backoff_base(Duration::from_millis(1));
    Arc::new(TerrahostClient::new(
        Brand::Terrahost,
        session,
        Duration::from_millis(5),
    ))
}

fn totp() -> Code {
    Code::Totp(crate::support::totp::decode_base32(DEFAULT_TOTP_SECRET).unwrap())
}

pub(super) async fn start() -> (Sim, Arc<TerrahostClient>) {
    start_with_scale(1000.0).await
}

async fn start_with_scale(time_scale: f64) -> (Sim, Arc<TerrahostClient>) {
    let sim = Sim::start(time_scale).await;
    let client = client(&sim, totp());
    (sim, client)
}

pub(super) fn ctx(client: &Arc<TerrahostClient>) -> Ctx<TerrahostClient> {
    test_support::ctx(client, Duration::from_secs(10))
}

pub(super) fn planned(schema: crate::tfplugin::Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&schema.block.implied_type());
    for a in schema.block.attributes.iter().filter(|a| a.computed) {
        v.set(a.name, Value::Unknown);
    }
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}

fn no_errors(d: &Diagnostics) {
    assert!(
        !d.has_errors(),
        "{:?}",
        d.0.iter()
            .map(|x| format!("{}: {}", x.summary, x.detail))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn one_totp_login_is_shared_and_renewed_once_after_expiry() {
    let (sim, client) = start().await;
    let all = futures_join(client.clone()).await;
    assert!(all.iter().all(|n| *n == 2), "{all:?}");
    assert_eq!(client.session.logins(), 1);
    sim.post("terrahost/expire_tokens", json!({})).await;
    assert_eq!(client.list_servers().await.unwrap().len(), 2);
    assert_eq!(client.session.logins(), 2);
    assert_eq!(sim.get("state").await["terrahost"]["logins"], 2);
}

/// Eight concurrent list requests from a fresh session.
async fn futures_join(client: Arc<TerrahostClient>) -> Vec<usize> {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.list_servers().await.map(|l| l.len()).unwrap_or(0) })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_missing_or_wrong_code_is_refused_with_the_vendor_message() {
    let (sim, _) = start().await;
    let err = client(&sim, Code::None).list_servers().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Two-factor"), "{err}");
    let err = client(&sim, Code::Fixed("000000".into()))
        .list_servers()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Invalid two-factor code"), "{err}");
}

#[tokio::test]
async fn snapshot_create_read_duplicate_delete() {
    let (sim, client) = start().await;
    let r = super::snapshot::SnapshotResource {
        brand: Brand::Terrahost,
    };
    let c = ctx(&client);
    let plan = planned(
        r.schema(),
        &[("server_id", SERVER.into()), ("name", "nightly".into())],
    );
    let mut d = Diagnostics::default();
    let state = r.create(&c, &plan, &mut d).await;
    no_errors(&d);
    assert_eq!(state.get("state").as_str(), Some("completed"));
    assert!(state
        .get("id")
        .as_str()
        .is_some_and(|id| id.parse::<i64>().is_ok()));
    let mut d = Diagnostics::default();
    assert!(r.create(&c, &plan, &mut d).await.is_null());
    assert!(
        d.0[0]
            .detail
            .contains("already has a snapshot named \"nightly\""),
        "{}",
        d.0[0].detail
    );
    let mut d = Diagnostics::default();
    assert_eq!(r.read(&c, &state, &mut d).await, state);
    r.delete(&c, &state, &mut d).await;
    no_errors(&d);
    assert!(r.read(&c, &state, &mut d).await.is_null());
    r.delete(&c, &state, &mut d).await;
    no_errors(&d);
    sim.assert_empty().await;
}

#[tokio::test]
async fn server_adoption_renames_reinstalls_upgrades_and_powers() {
    let (sim, client) = start().await;
    let r = super::server::ServerResource {
        brand: Brand::Terrahost,
    };
    let c = ctx(&client);
    let plan = planned(
        r.schema(),
        &[
            ("server_id", SERVER.into()),
            ("name", "web".into()),
            ("power_state", "stopped".into()),
        ],
    );
    let mut d = Diagnostics::default();
    let state = r.create(&c, &plan, &mut d).await;
    no_errors(&d);
    assert_eq!(state.get("name").as_str(), Some("web"));
    assert_eq!(state.get("power_state").as_str(), Some("stopped"));
    assert_eq!(state.get("os_id").as_str(), Some("72"));
    assert!(state.get("root_password").is_null());

    let mut next = state.clone();
    for (k, v) in [
        ("os_id", "61"),
        ("hostname", "web.example.test"),
        ("package_id", "4"),
        ("power_state", "running"),
    ] {
        next.set(k, v);
    }
    let mut d = Diagnostics::default();
    let updated = r.update(&c, &state, &next, &mut d).await;
    no_errors(&d);
    assert_eq!(updated.get("os_id").as_str(), Some("61"));
    assert_eq!(updated.get("hostname").as_str(), Some("web.example.test"));
    assert_eq!(updated.get("installing").as_bool(), Some(false));
    assert!(updated
        .get("root_password")
        .as_str()
        .is_some_and(|p| !p.is_empty()));
    assert_eq!(updated.get("cores").as_i64(), Some(4));
    assert_eq!(updated.get("status").as_str(), Some("running"));

    let mut d = Diagnostics::default();
    r.delete(&c, &updated, &mut d).await;
    assert!(d.0[0].summary.contains("keeps running"));
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_server_missing_from_a_few_reads_stays_and_refused_power_says_so() {
    let (sim, client) = start().await;
    let r = super::server::ServerResource {
        brand: Brand::Terrahost,
    };
    let c = ctx(&client);
    let mut d = Diagnostics::default();
    let state = r
        .create(
            &c,
            &planned(r.schema(), &[("server_id", SERVER.into())]),
            &mut d,
        )
        .await;
    no_errors(&d);
    sim.post(
        "terrahost/quirks",
        json!({"hide_server": {SERVER: 2}, "power_unsupported": [3523], "malformed_json": true}),
    )
    .await;
    let read = r.read(&c, &state, &mut d).await;
    no_errors(&d);
    assert_eq!(read.get("id").as_str(), Some(SERVER));
    let mut off = read.clone();
    off.set("power_state", "stopped");
    let mut d = Diagnostics::default();
    r.update(&c, &read, &off, &mut d).await;
    assert!(d.0[0].detail.contains("405"), "{}", d.0[0].detail);
    sim.post("terrahost/quirks", json!({"hide_server": {SERVER: 10}}))
        .await;
    let mut d = Diagnostics::default();
    assert!(
        r.read(&c, &state, &mut d).await.is_null(),
        "gone after repeated misses"
    );
}

#[tokio::test]
async fn reverse_dns_is_restored_on_destroy_and_ipv4_is_recorded() {
    let (sim, client) = start().await;
    let c = ctx(&client);
    let rdns = super::reverse_dns::ReverseDnsResource {
        brand: Brand::Terrahost,
    };
    for (target, id) in [("ip_id", "7795"), ("subnet_id", "7796")] {
        let plan = planned(
            rdns.schema(),
            &[
                ("server_id", SERVER.into()),
                (target, id.into()),
                ("dns", "mail.example.test".into()),
            ],
        );
        let mut d = Diagnostics::default();
        let state = rdns.create(&c, &plan, &mut d).await;
        no_errors(&d);
        assert_eq!(
            rdns.read(&c, &state, &mut d).await.get("dns").as_str(),
            Some("mail.example.test")
        );
        assert!(!sim.get("empty").await["empty"].as_bool().unwrap());
        rdns.delete(&c, &state, &mut d).await;
        no_errors(&d);
        sim.assert_empty().await;
    }
    let ipv4 = super::ipv4::Ipv4Resource {
        brand: Brand::Terrahost,
    };
    let mut d = Diagnostics::default();
    let state = ipv4
        .create(
            &c,
            &planned(
                ipv4.schema(),
                &[("server_id", SERVER.into()), ("ip_type", "l2".into())],
            ),
            &mut d,
        )
        .await;
    no_errors(&d);
    assert!(state
        .get("address")
        .as_str()
        .is_some_and(|a| a.starts_with("185.181.62.")));
    assert_eq!(
        ipv4.read(&c, &state, &mut d).await.get("id"),
        state.get("id")
    );
}

#[tokio::test]
async fn operating_systems_filter_by_distribution_and_name() {
    let (_sim, client) = start().await;
    let source = data_catalogue::all(Brand::Terrahost)
        .into_iter()
        .find(|s| s.type_name() == "terrahost_operating_systems")
        .unwrap();
    let mut config = Value::null_object(&source.schema().block.implied_type());
    config.set("distribution_id", "2");
    config.set("name_contains", "debian 12");
    let mut d = Diagnostics::default();
    let state = source.read(&ctx(&client), &config, &mut d).await;
    no_errors(&d);
    let list = state.get("operating_systems").elements();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].get("id").as_str(), Some("61"));
}

#[tokio::test]
async fn an_ipmi_session_returns_credentials_and_registers_the_password() {
    use crate::tfplugin::provider::EphemeralResource;
    let (_sim, client) = start().await;
    let session = super::ipmi_session::IpmiSession {
        brand: Brand::Terrahost,
    };
    let mut config = Value::null_object(&session.schema().block.implied_type());
    config.set("server_id", SERVER);
    let mut d = Diagnostics::default();
    let opened = session.open(&ctx(&client), &config, &mut d).await;
    no_errors(&d);
    let password = opened.result.get("password").as_str().unwrap().to_string();
    assert!(!password.is_empty());
    assert_eq!(
        opened.result.get("address").as_str(),
        Some("185.125.168.10")
    );
    assert!(!crate::tfplugin::log::redact(&password).contains(&password));
    config.set("server_id", "999999");
    let mut d = Diagnostics::default();
    session.open(&ctx(&client), &config, &mut d).await;
    assert!(d.has_errors());
}

/// Nothing is lost: a snapshot that never completes is still returned with its id, with an
/// error (Terraform then taints it), so destroy can delete it.
#[tokio::test]
async fn a_snapshot_that_does_not_complete_in_time_is_still_recorded() {
    let (sim, client) = start_with_scale(1.0).await;
    let r = super::snapshot::SnapshotResource {
        brand: Brand::Terrahost,
    };
    let mut c = ctx(&client);
    c.timeout = Duration::from_millis(1500);
    let plan = planned(
        r.schema(),
        &[("server_id", SERVER.into()), ("name", "slow".into())],
    );
    let advance = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        sim.post("time", json!({"advance_secs": 6.0})).await;
    };
    let mut d = Diagnostics::default();
    let (state, ()) = tokio::join!(r.create(&c, &plan, &mut d), advance);
    assert!(d.has_errors(), "the completion wait must time out");
    assert!(d.0[0].detail.contains("timed out"), "{}", d.0[0].detail);
    assert_eq!(state.get("state").as_str(), Some("pending"));
    assert!(state.get("id").as_str().is_some());
    let mut d = Diagnostics::default();
    r.delete(&c, &state, &mut d).await;
    no_errors(&d);
    sim.assert_empty().await;
}
