//! Uploading a local raw image into a fresh drive: the file is read once, in order, in
//! chunks (never whole) and hashed (SHA-256 of the whole file) on a blocking thread; each
//! chunk is cut into runs by [`extents`] (zero blocks skipped, a fresh drive reads as zeros;
//! incompressible runs raw, the rest gzipped) and each run sent with
//! `POST /drives/D/write/OFFSET`. A bounded number of chunks is in flight at once, so memory
//! stays near `concurrency` chunks; the HTTP client retries each write on its own. The first
//! write that still fails stops the upload and names its offset.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::api::OpenHostingClient;
use super::upload_extents::{extents, gzip, Encoding};
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

/// The SHA-256 of a file as lowercase hex, reading it in 1 MiB blocks.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
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

/// Chunk buffers handed back by sent chunks, so that at most `concurrency + 1` are ever
/// allocated (allocating and freeing one per chunk across threads made the allocator keep
/// several times that).
type BufferPool = Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

/// The file being read, with the hash of what was read so far.
struct Reader {
    file: std::fs::File,
    hash: ring::digest::Context,
    buffers: BufferPool,
}

impl Reader {
    /// The next chunk of at most `size` bytes (empty at the end), hashed.
    fn next_chunk(&mut self, size: usize) -> std::io::Result<Vec<u8>> {
        let recycled = self.buffers.lock().ok().and_then(|mut pool| pool.pop());
        let mut chunk = recycled.unwrap_or_else(|| Vec::with_capacity(size));
        chunk.clear();
        (&mut self.file).take(size as u64).read_to_end(&mut chunk)?;
        self.hash.update(&chunk);
        Ok(chunk)
    }
}

/// Reads the next chunk on a blocking thread, handing the reader back.
async fn read_chunk(mut reader: Reader, size: usize) -> (Reader, std::io::Result<Vec<u8>>) {
    let joined = tokio::task::spawn_blocking(move || {
        let chunk = reader.next_chunk(size);
        (reader, chunk)
    })
    .await;
    match joined {
        Ok(done) => done,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
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
    let file = std::fs::File::open(path).map_err(read_error)?;
    let total = file.metadata().map_err(read_error)?.len();
    let buffers = BufferPool::default();
    let mut reader = Some(Reader {
        file,
        hash: ring::digest::Context::new(&ring::digest::SHA256),
        buffers: buffers.clone(),
    });
    let settings = client.upload;
    let chunk_size = usize::try_from(settings.chunk_size)
        .unwrap_or(4 << 20)
        .max(1);
    let slots = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut in_flight: JoinSet<Result<bool, UploadError>> = JoinSet::new();
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
            record(&mut report, &mut first_error, done);
        }
        if first_error.is_some() {
            break;
        }
        if cancel.is_cancelled() {
            first_error = Some(UploadError::Cancelled);
            break;
        }
        let Some(current) = reader.take() else {
            break;
        };
        // Read (and hash) ahead while the chunks in flight hold every slot.
        let (current, chunk) = read_chunk(current, chunk_size).await;
        reader = Some(current);
        let chunk = chunk.map_err(read_error)?;
        if chunk.is_empty() {
            break;
        }
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        let offset = report.file_bytes;
        report.file_bytes += chunk.len() as u64;
        if total > 0 && report.file_bytes * 100 / total >= next_progress {
            log::info!(
                "upload to drive {uuid}: {}% read",
                report.file_bytes * 100 / total
            );
            next_progress = report.file_bytes * 100 / total / 10 * 10 + 10;
        }
        let client = client.clone();
        let uuid = uuid.to_string();
        let buffers = buffers.clone();
        in_flight.spawn(async move {
            let _slot = slot;
            send_chunk(&client, &uuid, offset, chunk, &buffers).await
        });
    }
    while let Some(done) = in_flight.join_next().await {
        record(&mut report, &mut first_error, done);
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    let hash = reader.map(|r| r.hash.finish());
    report.sha256 = hash.map_or_else(String::new, |h| hex(h.as_ref()));
    log::info!(
        "upload to drive {uuid} done: {} chunks sent, {} all-zero chunks skipped",
        report.chunks_sent,
        report.chunks_skipped
    );
    Ok(report)
}

/// Sends the runs of one chunk in order; `Ok(false)` when it was all zeros.
async fn send_chunk(
    client: &OpenHostingClient,
    uuid: &str,
    offset: u64,
    chunk: Vec<u8>,
    buffers: &BufferPool,
) -> Result<bool, UploadError> {
    let encoded = tokio::task::spawn_blocking(move || {
        let bodies: Vec<_> = extents(&chunk)
            .into_iter()
            .map(|run| {
                let gzipped =
                    (run.encoding == Encoding::Gzip).then(|| gzip(&chunk[run.range.clone()]));
                (run.range, gzipped)
            })
            .collect();
        (chunk, bodies)
    })
    .await;
    let (chunk, bodies) = match encoded {
        Ok(done) => done,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    for (range, gzipped) in &bodies {
        let at = offset + range.start as u64;
        let written = match gzipped {
            Some(gzipped) => client.write_chunk(uuid, at, gzipped, Encoding::Gzip).await,
            None => {
                client
                    .write_chunk(uuid, at, &chunk[range.clone()], Encoding::Raw)
                    .await
            }
        };
        written.map_err(|source| UploadError::Chunk { offset: at, source })?;
    }
    if let Ok(mut pool) = buffers.lock() {
        pool.push(chunk);
    }
    Ok(!bodies.is_empty())
}

fn record(
    report: &mut UploadReport,
    first_error: &mut Option<UploadError>,
    joined: Result<Result<bool, UploadError>, tokio::task::JoinError>,
) {
    let outcome = joined.unwrap_or_else(|e| {
        Err(UploadError::Read {
            path: "an upload task".into(),
            message: e.to_string(),
        })
    });
    match outcome {
        Ok(true) => report.chunks_sent += 1,
        Ok(false) => report.chunks_skipped += 1,
        Err(e) => {
            first_error.get_or_insert(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
