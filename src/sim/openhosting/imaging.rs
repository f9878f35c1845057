//! The account's imaging queue: one imaging runs at a time, later ones are `queued`. The
//! result is computed when the imaging is requested; it lands on the target drive when the
//! job's time is up on the virtual clock (resolved lazily by [`ImagingQueue::settle`]).

use std::collections::VecDeque;
use std::io::Write;

use flate2::write::{GzDecoder, GzEncoder};
use flate2::Compression;
use serde::{Deserialize, Serialize};

use crate::sim::clock::VirtualSecs;
use crate::sim::openhosting::blocks::SparseData;

/// Virtual seconds every imaging takes at least.
pub const IMAGING_BASE_SECS: f64 = 20.0;
/// Virtual bytes per second imaging copies on top of the base time.
pub const IMAGING_BYTES_PER_SEC: f64 = 256.0 * 1024.0 * 1024.0;

/// How a drive's imaging looks at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Queued,
    Percent(u8),
}

impl Progress {
    /// The value of the `imaging` info key.
    pub fn shown(self) -> String {
        match self {
            Progress::Queued => "queued".to_owned(),
            Progress::Percent(percent) => format!("{percent}%"),
        }
    }
}

/// An imaging waiting or running.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImagingJob {
    pub target: String,
    pub source: String,
    pub conversion: Option<Conversion>,
    pub requested_at: VirtualSecs,
    pub duration: VirtualSecs,
    /// What the target will contain once done.
    pub result: SparseData,
}

/// A finished job whose result must be stored on its target drive.
#[derive(Debug)]
pub struct Finished {
    pub target: String,
    pub result: SparseData,
}

/// `gzip` or `gunzip`, the conversions `image` supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conversion {
    Gzip,
    Gunzip,
}

impl Conversion {
    pub fn parse(text: &str) -> Option<Conversion> {
        match text {
            "gzip" => Some(Conversion::Gzip),
            "gunzip" => Some(Conversion::Gunzip),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Conversion::Gzip => "gzip",
            Conversion::Gunzip => "gunzip",
        }
    }
}

/// Why an imaging result cannot be made.
#[derive(Debug, PartialEq, Eq)]
pub enum ImagingError {
    /// The result is larger than the target drive.
    TooLarge { needed: u64, size: u64 },
    /// `gunzip` of data that is not gzip.
    NotGzip(String),
}

/// Imaging jobs in the order they run.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ImagingQueue {
    jobs: VecDeque<ImagingJob>,
    last_finished_at: VirtualSecs,
}

impl ImagingQueue {
    pub fn push(&mut self, job: ImagingJob) {
        self.jobs.push_back(job);
    }

    /// Removes the jobs whose time is up, in order, for the caller to apply.
    pub fn settle(&mut self, now: VirtualSecs) -> Vec<Finished> {
        let mut finished = Vec::new();
        while let Some(job) = self.jobs.front() {
            let end = job.requested_at.max(self.last_finished_at) + job.duration;
            if end > now {
                break;
            }
            self.last_finished_at = end;
            if let Some(job) = self.jobs.pop_front() {
                finished.push(Finished {
                    target: job.target,
                    result: job.result,
                });
            }
        }
        finished
    }

    /// The progress of the unfinished job writing `target`, if any.
    pub fn progress(&self, target: &str, now: VirtualSecs) -> Option<Progress> {
        let mut previous_end = self.last_finished_at;
        for job in &self.jobs {
            let start = job.requested_at.max(previous_end);
            let end = start + job.duration;
            if job.target == target {
                if now < start {
                    return Some(Progress::Queued);
                }
                let share = ((now - start) / job.duration).clamp(0.0, 0.99);
                return Some(Progress::Percent((share * 100.0) as u8));
            }
            previous_end = end;
        }
        None
    }

    /// Whether `drive` is the target of an unfinished job.
    pub fn is_target(&self, drive: &str) -> bool {
        self.jobs.iter().any(|job| job.target == drive)
    }

    /// Forgets the jobs writing `drive` (the drive was destroyed).
    pub fn cancel(&mut self, drive: &str) {
        self.jobs.retain(|job| job.target != drive);
    }

    pub fn jobs(&self) -> impl Iterator<Item = &ImagingJob> {
        self.jobs.iter()
    }
}

/// Virtual seconds an imaging into a drive of `size` bytes takes.
pub fn duration_for(size: u64) -> VirtualSecs {
    IMAGING_BASE_SECS + size as f64 / IMAGING_BYTES_PER_SEC
}

/// The target's new contents: the source (of `source_size` bytes) converted as asked and
/// checked to fit `target_size`. A raw copy needs `source_size <= target_size`; `gzip`
/// compresses the source up to the end of its last written block; `gunzip` reads one gzip
/// member and ignores what follows it.
pub fn convert(
    source: &SparseData,
    source_size: u64,
    conversion: Option<Conversion>,
    target_size: u64,
) -> Result<SparseData, ImagingError> {
    let extent = source.used_extent().min(source_size);
    let (mut result, needed) = match conversion {
        None => (source.clone(), source_size),
        Some(Conversion::Gzip) => {
            let converted = gzip(source, extent)?;
            (converted.data, converted.len)
        }
        Some(Conversion::Gunzip) => {
            let converted = gunzip(source, extent)?;
            (converted.data, converted.len)
        }
    };
    if needed > target_size {
        return Err(ImagingError::TooLarge {
            needed,
            size: target_size,
        });
    }
    result.truncate(target_size);
    Ok(result)
}

fn gzip(source: &SparseData, extent: u64) -> Result<SparseWriter, ImagingError> {
    let mut encoder = GzEncoder::new(SparseWriter::default(), Compression::fast());
    let mut failure = None;
    source.for_each_piece(extent, |piece| {
        if failure.is_none() {
            failure = encoder.write_all(piece).err();
        }
    });
    if let Some(error) = failure {
        return Err(ImagingError::NotGzip(error.to_string()));
    }
    encoder
        .finish()
        .map_err(|error| ImagingError::NotGzip(error.to_string()))
}

fn gunzip(source: &SparseData, extent: u64) -> Result<SparseWriter, ImagingError> {
    let mut decoder = GzDecoder::new(SparseWriter::default());
    let mut failure = None;
    let mut member_done = false;
    source.for_each_piece(extent, |piece| {
        if failure.is_some() || member_done {
            return;
        }
        let mut rest = piece;
        while !rest.is_empty() {
            match decoder.write(rest) {
                Ok(0) => {
                    member_done = true;
                    return;
                }
                Ok(written) => rest = &rest[written..],
                Err(error) => {
                    failure = Some(error);
                    return;
                }
            }
        }
    });
    if let Some(error) = failure {
        return Err(ImagingError::NotGzip(error.to_string()));
    }
    decoder
        .finish()
        .map_err(|error| ImagingError::NotGzip(error.to_string()))
}

/// An `io::Write` that appends to sparse data.
#[derive(Debug, Default)]
pub struct SparseWriter {
    pub data: SparseData,
    pub len: u64,
}

impl Write for SparseWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.data.write(self.len, buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
