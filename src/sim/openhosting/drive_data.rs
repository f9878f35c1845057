//! Drive contents over HTTP: binary read, raw or gzip write at an offset (streamed into the
//! sparse store, no chunked transfer encoding), and imaging one drive from another.

use std::io::Write;

use axum::body::{Body, BodyDataStream};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use flate2::write::GzDecoder;
use tokio_stream::StreamExt;

use crate::sim::openhosting::drives::{billing, drive_missing};
use crate::sim::openhosting::format::{self, parse_size, ApiError, ErrorKind};
use crate::sim::openhosting::imaging::{self, Conversion, ImagingError, ImagingJob};
use crate::sim::openhosting::settled;
use crate::sim::store::{lock, SimState};

/// Most bytes one read returns (4 MiB); also what a read without SIZE returns at most.
pub const MAX_READ: u64 = 4 << 20;

/// `GET /drives/DRIVE/read`: from offset 0.
pub async fn read_start(state: State<SimState>, Path(drive): Path<String>) -> Response {
    read_range(&state, &drive, "0", None)
}

/// `GET /drives/DRIVE/read/OFFSET`.
pub async fn read_from(
    state: State<SimState>,
    Path((drive, offset)): Path<(String, String)>,
) -> Response {
    read_range(&state, &drive, &offset, None)
}

/// `GET /drives/DRIVE/read/OFFSET/SIZE`.
pub async fn read(
    state: State<SimState>,
    Path((drive, offset, size)): Path<(String, String, String)>,
) -> Response {
    read_range(&state, &drive, &offset, Some(&size))
}

fn read_range(state: &SimState, uuid: &str, offset: &str, size: Option<&str>) -> Response {
    let Some(offset) = parse_size(offset) else {
        return ApiError::usage(format!("invalid offset {offset:?}")).into_response();
    };
    let wanted = match size.map(parse_size) {
        None => MAX_READ,
        Some(Some(size)) if size <= MAX_READ => size,
        Some(Some(size)) => {
            return ApiError::usage(format!(
                "size {size} exceeds the {MAX_READ} byte read limit"
            ))
            .into_response()
        }
        Some(None) => return ApiError::usage("invalid size").into_response(),
    };
    let mut store = settled(state);
    let busy = store.imaging.is_target(uuid);
    let Some(drive) = store.drives.get_mut(uuid) else {
        return drive_missing(uuid).into_response();
    };
    if busy {
        return ApiError::busy(format!("drive {uuid} is being imaged")).into_response();
    }
    if offset > drive.size {
        return ApiError::usage(format!("offset {offset} is beyond the end of the drive"))
            .into_response();
    }
    let len = wanted.min(drive.size - offset);
    let bytes = drive.data.read(offset, len as usize);
    drive.read_bytes += len;
    drive.read_requests += 1;
    let mut response = Response::new(Body::from(bytes));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    response
}

/// `POST /drives/DRIVE/write`: at offset 0.
pub async fn write_start(
    state: State<SimState>,
    Path(drive): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    write_at(&state, drive, "0", &headers, body).await
}

/// `POST /drives/DRIVE/write/OFFSET`.
pub async fn write(
    state: State<SimState>,
    Path((drive, offset)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    write_at(&state, drive, &offset, &headers, body).await
}

async fn write_at(
    state: &SimState,
    uuid: String,
    offset: &str,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let mut stream = body.into_data_stream();
    match write_body(state, uuid, offset, headers, &mut stream).await {
        Ok(()) => format::no_content(),
        Err(error) => {
            // Read the rest so the client gets the answer rather than a reset connection.
            while let Some(Ok(_)) = stream.next().await {}
            error.into_response()
        }
    }
}

async fn write_body(
    state: &SimState,
    uuid: String,
    offset: &str,
    headers: &HeaderMap,
    stream: &mut BodyDataStream,
) -> Result<(), ApiError> {
    let chunked = headers
        .get_all(header::TRANSFER_ENCODING)
        .iter()
        .any(|value| value.to_str().is_ok_and(|v| v.contains("chunked")));
    if chunked {
        return Err(ApiError::usage(
            "Transfer-Encoding: chunked is not supported; send Content-Length",
        ));
    }
    let offset = parse_size(offset).ok_or_else(|| ApiError::usage("invalid offset"))?;
    let gzipped = match headers
        .get(header::CONTENT_ENCODING)
        .map(|value| value.to_str().unwrap_or("?").trim().to_ascii_lowercase())
    {
        None => false,
        Some(encoding) if encoding == "identity" || encoding.is_empty() => false,
        Some(encoding) if encoding == "gzip" => true,
        Some(encoding) => {
            return Err(ApiError::usage(format!(
                "Content-Encoding {encoding:?} is not supported"
            )))
        }
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let fails = {
        let mut store = settled(state);
        let busy = store.imaging.is_target(&uuid) || !store.claims_on(&uuid).is_empty();
        let Some(drive) = store.drives.get(&uuid) else {
            return Err(drive_missing(&uuid));
        };
        let size = drive.size;
        if busy {
            return Err(ApiError::busy(format!("drive {uuid} is in use")));
        }
        if offset > size || (!gzipped && declared.is_some_and(|len| offset + len > size)) {
            return Err(ApiError::full(format!(
                "write at {offset} does not fit the drive of {size} bytes"
            )));
        }
        store.faults.take_write_failure(offset)
    };
    let mut sink = DriveSink {
        state,
        uuid,
        position: offset,
        written: 0,
    };
    if fails {
        return Err(ApiError::new(
            ErrorKind::Failed,
            "write failed (injected fault), nothing was written",
        ));
    }
    let mut decoder = gzipped.then(|| GzDecoder::new(Vec::new()));
    while let Some(frame) = stream.next().await {
        let frame = frame.map_err(|error| ApiError::usage(format!("body: {error}")))?;
        match decoder.as_mut() {
            None => sink.put(&frame)?,
            Some(decoder) => {
                decoder.write_all(&frame).map_err(bad_gzip)?;
                sink.put(decoder.get_ref())?;
                // Keeps the buffer's capacity for the next frame.
                decoder.get_mut().clear();
            }
        }
    }
    if let Some(decoder) = decoder {
        let rest = decoder.finish().map_err(bad_gzip)?;
        sink.put(&rest)?;
    }
    sink.finish();
    Ok(())
}

fn bad_gzip(error: std::io::Error) -> ApiError {
    ApiError::usage(format!("body is not valid gzip: {error}"))
}

/// Writes decoded bytes into a drive, one lock per piece.
struct DriveSink<'a> {
    state: &'a SimState,
    uuid: String,
    position: u64,
    written: u64,
}

impl DriveSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), ApiError> {
        if bytes.is_empty() {
            return Ok(());
        }
        let mut store = lock(&self.state.openhosting);
        let Some(drive) = store.drives.get_mut(&self.uuid) else {
            return Err(drive_missing(&self.uuid));
        };
        let end = self.position + bytes.len() as u64;
        if end > drive.size {
            return Err(ApiError::full(format!(
                "write reaches byte {end}, beyond the drive of {} bytes",
                drive.size
            )));
        }
        drive.data.write(self.position, bytes);
        drive.write_bytes += bytes.len() as u64;
        self.position = end;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn finish(self) {
        if let Some(drive) = lock(&self.state.openhosting).drives.get_mut(&self.uuid) {
            drive.write_requests += 1;
        }
    }
}

/// `POST /drives/DRIVE/image/SOURCE`: 204, the copy lands asynchronously.
pub async fn image(
    state: State<SimState>,
    Path((drive, source)): Path<(String, String)>,
) -> Response {
    start_imaging(&state, drive, source, None).await
}

/// `POST /drives/DRIVE/image/SOURCE/CONVERSION` (`gzip` or `gunzip`).
pub async fn image_converted(
    state: State<SimState>,
    Path((drive, source, conversion)): Path<(String, String, String)>,
) -> Response {
    match Conversion::parse(&conversion) {
        Some(conversion) => start_imaging(&state, drive, source, Some(conversion)).await,
        None => ApiError::usage(format!("unknown conversion {conversion:?}")).into_response(),
    }
}

async fn start_imaging(
    state: &SimState,
    target: String,
    source: String,
    conversion: Option<Conversion>,
) -> Response {
    let (snapshot, source_size, target_size) = {
        let store = settled(state);
        let Some(target_drive) = store.drives.get(&target) else {
            return drive_missing(&target).into_response();
        };
        let Some(source_drive) = store.drives.get(&source) else {
            return drive_missing(&source).into_response();
        };
        if target == source {
            return ApiError::usage("a drive cannot be imaged from itself").into_response();
        }
        let busy = store.imaging.is_target(&target)
            || store.imaging.is_target(&source)
            || !store.claims_on(&target).is_empty();
        if busy {
            return ApiError::busy(format!("drive {target} or {source} is busy")).into_response();
        }
        if store.billing_blocked {
            return billing().into_response();
        }
        (
            source_drive.data.clone(),
            source_drive.size,
            target_drive.size,
        )
    };
    let converted = tokio::task::spawn_blocking(move || {
        imaging::convert(&snapshot, source_size, conversion, target_size)
    })
    .await;
    let result = match converted {
        Ok(Ok(result)) => result,
        Ok(Err(ImagingError::TooLarge { needed, size })) => {
            return ApiError::full(format!(
                "imaging needs {needed} bytes, the target drive has {size}"
            ))
            .into_response()
        }
        Ok(Err(ImagingError::NotGzip(why))) => {
            return ApiError::usage(format!("source is not gzip data: {why}")).into_response()
        }
        Err(_) => return ApiError::new(ErrorKind::System, "imaging failed").into_response(),
    };
    let now = state.clock.now();
    let mut store = settled(state);
    if !store.drives.contains_key(&target) {
        return drive_missing(&target).into_response();
    }
    if store.imaging.is_target(&target) {
        return ApiError::busy(format!("drive {target} is being imaged")).into_response();
    }
    store.imaging.push(ImagingJob {
        target,
        source,
        conversion,
        requested_at: now,
        duration: imaging::duration_for(target_size),
        result,
    });
    format::no_content()
}
