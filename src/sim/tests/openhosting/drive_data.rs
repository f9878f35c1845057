//! Open Hosting drive contents: sparse storage, raw and gzip writes at offsets, reads, the
//! chunked-encoding refusal and the byte-for-byte check through `/_sim`.

use reqwest::Method;

use super::super::TestSim;
use super::{gzip, OH};
use crate::sim::openhosting::model::SIM_USER;

#[tokio::test]
async fn raw_writes_land_at_offsets_and_reads_return_them() {
    let sim = TestSim::start().await;
    let uuid = sim.oh_drive("data", "10000000").await;
    let answer = sim.oh_write(&uuid, 1000, b"hello world".to_vec()).await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    assert_eq!(sim.oh_read(&uuid, 998, 15).await, b"\0\0hello world\0\0");
    let suffixed = sim.oh_get(&format!("/drives/{uuid}/read/0/1k")).await;
    assert_eq!(suffixed.bytes.len(), 1024);
    let tail = sim.oh_get(&format!("/drives/{uuid}/read/9999990")).await;
    assert_eq!(tail.bytes, vec![0u8; 10]);
    let default_read = sim.oh_get(&format!("/drives/{uuid}/read")).await;
    assert_eq!(default_read.bytes.len(), 4 << 20);

    let info = sim.oh_drive_info(&uuid).await;
    assert_eq!(info["write:bytes"], "11");
    assert_eq!(info["write:requests"], "1");
    assert_eq!(info["read:requests"], "4");

    let too_far = sim.oh_write(&uuid, 9_999_995, vec![1u8; 10]).await;
    assert_eq!(
        (too_far.status, too_far.error.as_deref()),
        (507, Some("full"))
    );
    let big_read = sim.oh_get(&format!("/drives/{uuid}/read/0/5M")).await;
    assert_eq!(big_read.status, 400);
    let past_end = sim.oh_get(&format!("/drives/{uuid}/read/20000000/1")).await;
    assert_eq!(past_end.status, 400);
    let missing = sim
        .oh_write("00000000-0000-4000-a000-000000000000", 0, vec![1])
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn gzip_writes_are_decoded_and_large_bodies_accepted() {
    let sim = TestSim::start().await;
    let uuid = sim.oh_drive("image", "64M").await;
    let chunk: Vec<u8> = (0..9u32 << 20).map(|i| (i % 251) as u8).collect();
    let packed = gzip(&chunk);
    let answer = sim
        .oh_send(
            sim.oh(Method::POST, &format!("/drives/{uuid}/write/5M"))
                .header("Content-Encoding", "gzip")
                .body(packed),
        )
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text());
    let raw = sim.oh_write(&uuid, 30 << 20, chunk.clone()).await;
    assert_eq!(raw.status, 204, "{}", raw.text());
    assert_eq!(sim.oh_read(&uuid, 5 << 20, 4 << 20).await, chunk[..4 << 20]);
    assert_eq!(
        sim.oh_read(&uuid, (30 << 20) + 100, 1000).await,
        chunk[100..1100]
    );

    let expected = {
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        context.update(&vec![0u8; 5 << 20]);
        context.update(&chunk);
        context.finish()
    };
    let hex: String = expected
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let digest = sim
        .admin(
            Method::GET,
            &format!(
                "/openhosting/drives/{uuid}/sha256?length={}",
                (5 << 20) + chunk.len()
            ),
            None,
        )
        .await;
    assert_eq!(digest.body["sha256"], hex, "{}", digest.text);

    let not_gzip = sim
        .oh_send(
            sim.oh(Method::POST, &format!("/drives/{uuid}/write/0"))
                .header("Content-Encoding", "gzip")
                .body(b"plainly not gzip".to_vec()),
        )
        .await;
    assert_eq!(not_gzip.status, 400);
    let zeros = gzip(&vec![0u8; 80 << 20]);
    let overflow = sim
        .oh_send(
            sim.oh(Method::POST, &format!("/drives/{uuid}/write/0"))
                .header("Content-Encoding", "gzip")
                .body(zeros),
        )
        .await;
    assert_eq!(
        (overflow.status, overflow.error.as_deref()),
        (507, Some("full"))
    );
}

#[tokio::test]
async fn zero_writes_are_not_stored() {
    let sim = TestSim::start().await;
    let uuid = sim.oh_drive("sparse", "10G").await;
    let zeros = gzip(&vec![0u8; 32 << 20]);
    let answer = sim
        .oh_send(
            sim.oh(Method::POST, &format!("/drives/{uuid}/write/5G"))
                .header("Content-Encoding", "gzip")
                .body(zeros),
        )
        .await;
    assert_eq!(answer.status, 204);
    sim.oh_write(&uuid, 7 << 30, vec![9u8; 3]).await;
    let state = sim.admin(Method::GET, "/state", None).await;
    assert_eq!(
        state.body["openhosting"]["drives"][0]["stored_bytes"],
        65536
    );
}

#[tokio::test]
async fn chunked_transfer_encoding_is_refused() {
    use base64::Engine;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let sim = TestSim::start().await;
    let uuid = sim.oh_drive("chunked", "1M").await;
    let address = sim.base.trim_start_matches("http://").to_owned();
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        SIM_USER,
        super::super::TOKEN
    ));
    let request = format!(
        "POST {OH}/drives/{uuid}/write/0 HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Basic {credentials}\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    );
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("reply");
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(
        reply
            .to_ascii_lowercase()
            .contains("x-elastic-error: usage"),
        "{reply}"
    );
    assert_eq!(sim.oh_read(&uuid, 0, 3).await, vec![0u8; 3]);
}

#[tokio::test]
async fn refused_large_writes_still_get_their_answer() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("claimed", "64M").await;
    sim.oh_server(
        "/servers/create",
        &format!("name s\ncpu 1000\nmem 512\nide:0:0 {drive}\n"),
    )
    .await;
    let big = vec![7u8; 6 << 20];
    let busy = sim.oh_write(&drive, 0, big.clone()).await;
    assert_eq!((busy.status, busy.error.as_deref()), (409, Some("busy")));
    let missing = sim
        .oh_write("00000000-0000-4000-a000-000000000000", 0, big.clone())
        .await;
    assert_eq!(missing.status, 404);
    let small = sim.oh_drive("small", "1M").await;
    let full = sim
        .oh_send(
            sim.oh(Method::POST, &format!("/drives/{small}/write/0"))
                .header("Content-Encoding", "gzip")
                .body(gzip(&big)),
        )
        .await;
    assert_eq!((full.status, full.error.as_deref()), (507, Some("full")));
}
