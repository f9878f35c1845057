//! Uploads whose chunks mix content: zero blocks inside a chunk are not sent, incompressible
//! runs go raw and the rest gzipped, each run written at its own offset, and the drive still
//! matches the file byte for byte.

use std::time::Duration;

use serde_json::json;

use super::{drive, drive_sha256, start_with};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::Diagnostics;
use crate::vendors::openhosting::drive::DriveResource;
use crate::vendors::openhosting::upload::file_sha256;
use crate::vendors::openhosting::upload_extents::BLOCK;
use crate::vendors::test_support::ctx;

const TEXT: &[u8] = b"2026-11-22T23:00:00Z INFO hostform mixed-content upload test line\n";

/// One 1 MiB chunk and a short second one: text, zeros, noise, text | zeros, text.
fn mixed_image(dir: &std::path::Path) -> (std::path::PathBuf, Vec<u8>) {
    let mut rng = fastrand::Rng::with_seed(42);
    let text = |len: usize| TEXT.iter().copied().cycle().take(len).collect::<Vec<u8>>();
    let mut data = text(2 * BLOCK);
    data.extend(vec![0u8; 3 * BLOCK]);
    data.extend((0..4 * BLOCK).map(|_| rng.u8(..)));
    data.extend(text(7 * BLOCK));
    assert_eq!(data.len(), 1 << 20);
    data.extend(vec![0u8; BLOCK]);
    data.extend(text(1000));
    let path = dir.join("mixed.raw");
    std::fs::write(&path, &data).unwrap();
    (path, data)
}

fn sha256_hex(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn zero_blocks_inside_a_chunk_are_skipped_and_noise_is_sent_raw_at_its_offset() {
    let (sim, client) = start_with(2, 1 << 20).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, data) = mixed_image(dir.path());
    let noise_offset = 5 * BLOCK as u64;
    // Fails once the write that must start where the noise starts; the retry succeeds.
    sim.post(
        "openhosting/faults",
        json!({"write_fails_at_offsets": [noise_offset]}),
    )
    .await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let state = DriveResource
        .create(
            &c,
            &drive(&[
                ("name", "mixed".into()),
                ("size", "2M".into()),
                ("source_file", path.to_str().unwrap().into()),
            ]),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let uuid = state.get("id").as_str().unwrap().to_string();
    let sha = file_sha256(&path).unwrap();
    assert_eq!(state.get("source_file_sha256").as_str(), Some(sha.as_str()));
    assert_eq!(drive_sha256(&sim, &uuid, data.len() as u64).await, sha);
    assert_eq!(drive_sha256(&sim, &uuid, 2 << 20).await, {
        let mut whole = data.clone();
        whole.resize(2 << 20, 0);
        sha256_hex(&whole)
    });
    let faults = sim.get("openhosting/faults").await.to_string();
    assert!(
        faults.contains("\"write_fails_at_offsets\":[]"),
        "a write started exactly at the noise: {faults}"
    );
    let dump = sim.get("state").await;
    let stored = &dump["openhosting"]["drives"][0];
    let zeros = 4 * BLOCK as i64;
    assert_eq!(
        stored["write:bytes"].as_i64(),
        Some(data.len() as i64 - zeros),
        "no zero block was sent: {stored}"
    );
    assert_eq!(
        stored["write:requests"].as_i64(),
        Some(4),
        "text, noise (raw), text in chunk 1; text in chunk 2: {stored}"
    );
    DriveResource.delete(&c, &state, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    sim.assert_empty().await;
}
