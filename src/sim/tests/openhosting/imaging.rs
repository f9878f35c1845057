//! Open Hosting imaging: progress on the virtual clock, one at a time (`queued`), raw copies,
//! gzip/gunzip conversions and the refusals around busy drives.

use super::super::TestSim;

async fn imaging(sim: &TestSim, drive: &str) -> Option<String> {
    sim.oh_drive_info(drive).await.get("imaging").cloned()
}

#[tokio::test]
async fn imaging_progresses_on_the_clock_and_queues() {
    let sim = TestSim::start().await;
    let source = sim.oh_drive("source", "1M").await;
    let first = sim.oh_drive("first", "1M").await;
    let second = sim.oh_drive("second", "2M").await;
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 199) as u8 + 1).collect();
    assert_eq!(sim.oh_write(&source, 100, data.clone()).await.status, 204);

    let answer = sim
        .oh_post(&format!("/drives/{first}/image/{source}"), "")
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    let answer = sim
        .oh_post(&format!("/drives/{second}/image/{source}"), "")
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    assert_eq!(imaging(&sim, &first).await.as_deref(), Some("0%"));
    assert_eq!(imaging(&sim, &second).await.as_deref(), Some("queued"));
    let busy = sim.oh_get(&format!("/drives/{first}/read/0/10")).await;
    assert_eq!((busy.status, busy.error.as_deref()), (409, Some("busy")));
    let busy = sim.oh_write(&first, 0, vec![1]).await;
    assert_eq!(busy.status, 409);
    let again = sim
        .oh_post(&format!("/drives/{first}/image/{source}"), "")
        .await;
    assert_eq!(again.status, 409);

    sim.advance(10).await;
    let percent = imaging(&sim, &first).await.expect("still imaging");
    let value: u32 = percent.trim_end_matches('%').parse().expect("percent");
    assert!((40..=60).contains(&value), "{percent}");
    sim.advance(11).await;
    assert_eq!(imaging(&sim, &first).await, None);
    assert_eq!(
        imaging(&sim, &second)
            .await
            .as_deref()
            .map(|p| p.ends_with('%')),
        Some(true)
    );
    assert_eq!(sim.oh_read(&first, 100, data.len() as u64).await, data);
    sim.advance(30).await;
    assert_eq!(imaging(&sim, &second).await, None);
    assert_eq!(sim.oh_read(&second, 100, data.len() as u64).await, data);
}

#[tokio::test]
async fn gzip_and_gunzip_conversions_round_trip() {
    let sim = TestSim::start().await;
    let original = sim.oh_drive("original", "4M").await;
    let packed = sim.oh_drive("packed", "4M").await;
    let unpacked = sim.oh_drive("unpacked", "4M").await;
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i / 7 % 256) as u8).collect();
    sim.oh_write(&original, 0, data.clone()).await;

    let answer = sim
        .oh_post(&format!("/drives/{packed}/image/{original}/gzip"), "")
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    sim.advance(25).await;
    assert_eq!(sim.oh_read(&packed, 0, 2).await, [0x1f, 0x8b]);
    let answer = sim
        .oh_post(&format!("/drives/{unpacked}/image/{packed}/gunzip"), "")
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    sim.advance(25).await;
    assert_eq!(sim.oh_read(&unpacked, 0, data.len() as u64).await, data);
    assert_eq!(
        sim.oh_read(&unpacked, data.len() as u64, 10).await,
        [0u8; 10]
    );

    let not_gzip = sim
        .oh_post(&format!("/drives/{packed}/image/{original}/gunzip"), "")
        .await;
    assert_eq!(
        (not_gzip.status, not_gzip.error.as_deref()),
        (400, Some("usage"))
    );
}

#[tokio::test]
async fn imaging_refusals_and_cancellation() {
    let sim = TestSim::start().await;
    let big = sim.oh_drive("big", "2M").await;
    let small = sim.oh_drive("small", "1M").await;
    let missing = "00000000-0000-4000-a000-000000000000";
    let cases = [
        (format!("/drives/{small}/image/{big}"), 507),
        (format!("/drives/{big}/image/{small}/zip"), 400),
        (format!("/drives/{big}/image/{big}"), 400),
        (format!("/drives/{big}/image/{missing}"), 404),
        (format!("/drives/{missing}/image/{big}"), 404),
    ];
    for (path, status) in cases {
        let answer = sim.oh_post(&path, "").await;
        assert_eq!(answer.status, status, "{path}: {}", answer.text());
    }
    sim.oh_write(&small, 0, vec![5u8; 1000]).await;
    assert_eq!(
        sim.oh_post(&format!("/drives/{big}/image/{small}"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        sim.oh_post(&format!("/drives/{big}/destroy"), "")
            .await
            .status,
        204
    );
    let state = sim.admin(reqwest::Method::GET, "/state", None).await;
    assert_eq!(state.body["openhosting"]["imaging"], serde_json::json!([]));
    sim.advance(100).await;
    assert_eq!(sim.oh_get(&format!("/drives/{big}/info")).await.status, 404);
}
