//! Lifecycle tests of the Open Hosting resources against the in-process simulator: uploads
//! (content checked byte for byte, zero chunks skipped, a failed chunk retried, a failure
//! that leaves a tainted drive), imaging with the `imaging` key vanishing early, size
//! normalisation and set-in-place, busy destroy, servers (live set vs stop-set-start, power),
//! and static IPs / VLANs.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

mod refresh;
mod servers;
mod upload_runs;

use super::api::OpenHostingClient;
use super::drive::DriveResource;
use super::upload::{file_sha256, UploadSettings};
use crate::sim::openhosting::model::SIM_USER;
use crate::support::{Auth, HttpSettings};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_support::{ctx, Sim, TOKEN};

async fn drive_sha256(sim: &Sim, uuid: &str, length: u64) -> String {
    let answer = sim
        .get(&format!("openhosting/drives/{uuid}/sha256?length={length}"))
        .await;
    answer["sha256"].as_str().unwrap_or_default().to_string()
}

async fn start_with(max_retries: u32, chunk_size: u64) -> (Sim, Arc<OpenHostingClient>) {
    let sim = Sim::start(1000.0).await;
    let settings = HttpSettings {
        request_timeout: Duration::from_secs(10),
        max_retries,
        ..sim.http_settings("/openhosting", Auth::Basic(SIM_USER.into(), TOKEN.into()))
    };
    let api = Sim::api(settings)
        .with_error_parser(super::models::error_message)
        .with_error_class_header("X-Elastic-Error");
    let client = Arc::new(OpenHostingClient {
        api,
        poll_interval: Duration::from_millis(5),
        upload: UploadSettings {
            chunk_size,
            concurrency: 3,
        },
        reads: Default::default(),
    });
    (sim, client)
}

pub(super) async fn start() -> (Sim, Arc<OpenHostingClient>) {
    start_with(2, 64 << 10).await
}

pub(super) use crate::vendors::test_support::planned;

pub(super) fn drive(pairs: &[(&str, Value)]) -> Value {
    planned(super::drive::schema(), pairs)
}

/// A 5-chunk image (64 KiB chunks) with an all-zero chunk in the middle and a short tail.
fn image_file(dir: &std::path::Path) -> (std::path::PathBuf, u64) {
    let mut data: Vec<u8> = (0..(4 * 65536 + 1000) as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    data[2 * 65536..3 * 65536].fill(0);
    let path = dir.join("image.raw");
    std::fs::write(&path, &data).unwrap();
    (path, data.len() as u64)
}

#[tokio::test]
async fn upload_writes_every_byte_retries_a_failed_chunk_and_skips_zeros() {
    let (sim, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let (path, len) = image_file(dir.path());
    sim.post(
        "openhosting/faults",
        json!({"write_fails_at_offsets": [65536]}),
    )
    .await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let state = DriveResource
        .create(
            &c,
            &drive(&[
                ("name", "img".into()),
                ("size", "1M".into()),
                ("source_file", path.to_str().unwrap().into()),
            ]),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let uuid = state.get("id").as_str().unwrap().to_string();
    assert_eq!(state.get("size").as_str(), Some("1M"));
    assert_eq!(state.get("size_bytes").as_i64(), Some(1 << 20));
    let sha = file_sha256(&path).unwrap();
    assert_eq!(state.get("source_file_sha256").as_str(), Some(sha.as_str()));
    assert_eq!(drive_sha256(&sim, &uuid, len).await, sha);
    let dump = sim.get("state").await;
    let writes = dump["openhosting"]["drives"][0]["write:requests"].as_i64();
    assert_eq!(
        writes,
        Some(4),
        "4 data chunks sent, the zero chunk skipped, the failed write not counted: {dump}"
    );
    assert!(
        sim.get("openhosting/faults")
            .await
            .to_string()
            .contains("[]"),
        "the armed fault was used"
    );
    DriveResource.delete(&c, &state, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_failed_upload_keeps_the_drive_in_state_with_an_error() {
    let (sim, client) = start_with(0, 64 << 10).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = image_file(dir.path());
    sim.post(
        "openhosting/faults",
        json!({"write_fails_at_offsets": [196608]}),
    )
    .await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let state = DriveResource
        .create(
            &c,
            &drive(&[
                ("name", "img".into()),
                ("size", "1M".into()),
                ("source_file", path.to_str().unwrap().into()),
            ]),
            &mut d,
        )
        .await;
    assert!(d.has_errors());
    assert!(
        d.0[0].detail.contains("offset 196608") && d.0[0].detail.contains("tainted"),
        "{d:?}"
    );
    assert!(
        state.get("id").as_str().is_some(),
        "the drive stays in state"
    );
    assert!(state.get("source_file_sha256").is_null());
    let mut d = Diagnostics::default();
    DriveResource.delete(&c, &state, &mut d).await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn imaging_waits_past_a_vanished_key_and_copies_the_content() {
    let (sim, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let (path, len) = image_file(dir.path());
    let c = ctx(&client, Duration::from_secs(30));
    let mut d = Diagnostics::default();
    let source = DriveResource
        .create(
            &c,
            &drive(&[
                ("name", "src".into()),
                ("size", "1G".into()),
                ("source_file", path.to_str().unwrap().into()),
            ]),
            &mut d,
        )
        .await;
    let source_id = source.get("id").as_str().unwrap().to_string();
    sim.post("openhosting/faults", json!({"imaging_key_vanishes": 1}))
        .await;
    let copy = DriveResource
        .create(
            &c,
            &drive(&[
                ("name", "copy".into()),
                ("size", "1G".into()),
                ("source_drive", source_id.as_str().into()),
            ]),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let copy_id = copy.get("id").as_str().unwrap().to_string();
    assert_eq!(
        drive_sha256(&sim, &copy_id, len).await,
        file_sha256(&path).unwrap()
    );
    assert!(
        sim.get("state").await["openhosting"]["drives"]
            .to_string()
            .matches("imaging")
            .count()
            == 0
    );
    for s in [&source, &copy] {
        DriveResource.delete(&c, s, &mut d).await;
    }
    assert!(!d.has_errors(), "{d:?}");
    sim.assert_empty().await;
}

#[tokio::test]
async fn size_is_compared_in_bytes_and_settable_keys_change_in_place() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(10));
    let mut d = Diagnostics::default();
    let created = DriveResource
        .create(
            &c,
            &drive(&[("name", "data".into()), ("size", "10G".into())]),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(created.get("size").as_str(), Some("10G"));
    assert!(
        created.get("tags").is_null()
            && created.get("user_metadata").is_null()
            && created.get("readers").is_null()
    );
    assert_eq!(
        created.get("encryption_cipher").as_str(),
        Some("aes-xts-plain")
    );
    let mut changed = created.clone();
    changed.set("name", "data2");
    changed.set("tags", Value::Set(vec!["a".into(), "b".into()]));
    changed.set("claim_type", "shared");
    changed.set(
        "user_metadata",
        Value::Map([("env".to_string(), Value::from("prod"))].into()),
    );
    let updated = DriveResource.update(&c, &created, &changed, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    let read = DriveResource.read(&c, &updated, &mut d).await;
    assert_eq!(read, updated);
    assert_eq!(read.get("name").as_str(), Some("data2"));
    assert_eq!(read.get("claim_type").as_str(), Some("shared"));
    let mut imported = DriveResource.import_state(read.get("id").as_str().unwrap(), &mut d);
    imported = DriveResource.read(&c, &imported, &mut d).await;
    assert_eq!(imported.get("size").as_str(), Some("10G"));
    assert_eq!(imported.get("user_metadata"), read.get("user_metadata"));
    let mut cleared = read.clone();
    cleared.set("user_metadata", Value::Null);
    cleared.set("tags", Value::Null);
    let cleared = DriveResource.update(&c, &read, &cleared, &mut d).await;
    assert!(
        cleared.get("user_metadata").is_null() && cleared.get("tags").is_null(),
        "{cleared:?}"
    );
    DriveResource.delete(&c, &cleared, &mut d).await;
    assert!(
        DriveResource.read(&c, &cleared, &mut d).await.is_null(),
        "a deleted drive leaves the state"
    );
    assert!(!d.has_errors(), "{d:?}");
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_queued_imaging_waits_its_turn() {
    let (sim, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let (path, len) = image_file(dir.path());
    let c = ctx(&client, Duration::from_secs(30));
    let mut d = Diagnostics::default();
    let source = DriveResource
        .create(
            &c,
            &drive(&[
                ("name", "src".into()),
                ("size", "4G".into()),
                ("source_file", path.to_str().unwrap().into()),
            ]),
            &mut d,
        )
        .await;
    let source_id = source.get("id").as_str().unwrap().to_string();
    let copy = |name: &str| {
        drive(&[
            ("name", name.into()),
            ("size", "4G".into()),
            ("source_drive", source_id.as_str().into()),
        ])
    };
    let (first, second) = (copy("first"), copy("second"));
    let (mut d1, mut d2) = (Diagnostics::default(), Diagnostics::default());
    let (a, b) = tokio::join!(
        DriveResource.create(&c, &first, &mut d1),
        DriveResource.create(&c, &second, &mut d2)
    );
    assert!(!d1.has_errors() && !d2.has_errors(), "{d1:?} {d2:?}");
    let expected = file_sha256(&path).unwrap();
    for copy in [&a, &b] {
        assert_eq!(
            drive_sha256(&sim, copy.get("id").as_str().unwrap(), len).await,
            expected
        );
    }
    for s in [&a, &b, &source] {
        DriveResource.delete(&c, s, &mut d).await;
    }
    assert!(!d.has_errors(), "{d:?}");
    sim.assert_empty().await;
}

#[tokio::test]
async fn an_upload_past_the_create_timeout_keeps_the_drive_with_an_error() {
    let (sim, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = image_file(dir.path());
    let c = ctx(&client, Duration::from_nanos(1));
    let mut d = Diagnostics::default();
    let planned = drive(&[
        ("name", "img".into()),
        ("size", "1M".into()),
        ("source_file", path.to_str().unwrap().into()),
    ]);
    let state = DriveResource.create(&c, &planned, &mut d).await;
    assert!(
        d.0.first()
            .is_some_and(|x| x.detail.contains("create timeout")),
        "{d:?}"
    );
    assert!(state.get("id").as_str().is_some());
    let mut d = Diagnostics::default();
    DriveResource
        .delete(&ctx(&client, Duration::from_secs(5)), &state, &mut d)
        .await;
    sim.assert_empty().await;
}
