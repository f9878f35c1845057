//! Uploading a local raw image into a fresh drive: the file is read once, in order, in
//! chunks (never whole); each chunk is hashed (SHA-256 of the whole file), skipped when all
//! zero (a fresh drive reads as zeros), gzipped and sent with `POST /drives/D/write/OFFSET`.
//! A bounded number of chunks is in flight at once; the HTTP client retries each chunk on its
//! own. The first chunk that still fails stops the upload and names its offset.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use flate2::write::GzEncoder;
use flate2::Compression;
use tokio::io::AsyncReadExt;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::api::OpenHostingClient;
use crate::support::ApiError;

/// How uploads are split and how many chunks travel at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadSettings {
    pub chunk_size: u64,
    pub concurrency: usize,
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadReport {
    pub file_bytes: u64,
    pub chunks_sent: u64,
    pub chunks_skipped: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("writing the chunk at offset {offset} failed: {source}")]
    Chunk { offset: u64, source: ApiError },
    #[error("the upload was cancelled")]
    Cancelled,
}

/// Gzips `data` (fast level: the network, not the ratio, is the bottleneck).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn all_zero(data: &[u8]) -> bool {
    let (words, tail) = data.split_at(data.len() - data.len() % 8);
    words.chunks_exact(8).all(|w| w == [0u8; 8]) && tail.iter().all(|b| *b == 0)
}

/// The SHA-256 of a file as lowercase hex, reading it in 1 MiB blocks.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        context.update(&buffer[..n]);
    }
    Ok(hex(context.finish().as_ref()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fills `buffer` from `file` as far as the file goes; returns the bytes read.
async fn read_full(file: &mut tokio::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        let n = file.read(&mut buffer[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Uploads `path` into drive `uuid`, which must be fresh (all zeros).
pub async fn upload_file(
    client: Arc<OpenHostingClient>,
    uuid: &str,
    path: &Path,
    cancel: &CancellationToken,
) -> Result<UploadReport, UploadError> {
    let read_error = |e: std::io::Error| UploadError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut file = tokio::fs::File::open(path).await.map_err(read_error)?;
    let total = file.metadata().await.map_err(read_error)?.len();
    let settings = client.upload;
    let chunk_size = usize::try_from(settings.chunk_size)
        .unwrap_or(4 << 20)
        .max(1);
    let slots = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut in_flight: JoinSet<Result<(), UploadError>> = JoinSet::new();
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut report = UploadReport {
        file_bytes: 0,
        chunks_sent: 0,
        chunks_skipped: 0,
        sha256: String::new(),
    };
    let mut first_error: Option<UploadError> = None;
    let mut next_progress = 10;
    log::info!(
        "uploading {} ({total} bytes) to drive {uuid} in chunks of {chunk_size} bytes, {} at once",
        path.display(),
        settings.concurrency
    );
    loop {
        while let Some(done) = in_flight.try_join_next() {
            if let Err(e) = flatten(done) {
                first_error.get_or_insert(e);
            }
        }
        if first_error.is_some() {
            break;
        }
        if cancel.is_cancelled() {
            first_error = Some(UploadError::Cancelled);
            break;
        }
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        let mut buffer = vec![0u8; chunk_size];
        let n = read_full(&mut file, &mut buffer)
            .await
            .map_err(read_error)?;
        if n == 0 {
            break;
        }
        buffer.truncate(n);
        context.update(&buffer);
        let offset = report.file_bytes;
        report.file_bytes += n as u64;
        if total > 0 && report.file_bytes * 100 / total >= next_progress {
            log::info!(
                "upload to drive {uuid}: {}% read",
                report.file_bytes * 100 / total
            );
            next_progress = report.file_bytes * 100 / total / 10 * 10 + 10;
        }
        if all_zero(&buffer) {
            report.chunks_skipped += 1;
            continue;
        }
        report.chunks_sent += 1;
        let client = client.clone();
        let uuid = uuid.to_string();
        in_flight.spawn(async move {
            let _slot = slot;
            let gzipped = tokio::task::spawn_blocking(move || gzip(&buffer))
                .await
                .unwrap_or_default();
            client
                .write_gzip_chunk(&uuid, offset, &gzipped)
                .await
                .map_err(|source| UploadError::Chunk { offset, source })
        });
    }
    while let Some(done) = in_flight.join_next().await {
        if let Err(e) = flatten(done) {
            first_error.get_or_insert(e);
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    report.sha256 = hex(context.finish().as_ref());
    log::info!(
        "upload to drive {uuid} done: {} chunks sent, {} all-zero chunks skipped",
        report.chunks_sent,
        report.chunks_skipped
    );
    Ok(report)
}

fn flatten(
    joined: Result<Result<(), UploadError>, tokio::task::JoinError>,
) -> Result<(), UploadError> {
    joined.unwrap_or_else(|e| {
        Err(UploadError::Read {
            path: "an upload task".into(),
            message: e.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn gzip_round_trips_and_zero_detection_sees_every_byte() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&data)[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
        let mut zeros = vec![0u8; 4099];
        assert!(all_zero(&zeros));
        zeros[4098] = 1;
        assert!(!all_zero(&zeros));
        zeros[4098] = 0;
        zeros[3] = 1;
        assert!(!all_zero(&zeros));
    }

    #[test]
    fn sha256_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(
            file_sha256(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
