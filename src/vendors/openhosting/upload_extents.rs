//! How one chunk of an upload is sent: cut into blocks of the vendor's storage granularity,
//! all-zero blocks left out (a fresh drive reads as zeros), and the rest grouped into runs
//! sent either gzipped or, when a sample shows the bytes will not compress (already
//! compressed or encrypted data), raw — compressing those would only cost CPU.

use std::io::Write;
use std::ops::Range;

use flate2::write::GzEncoder;
use flate2::Compression;

/// The granularity zero runs are skipped at: the vendor stores drives in 64 KiB blocks.
pub const BLOCK: usize = 64 * 1024;

/// Bytes of each block looked at to guess whether it compresses.
const SAMPLE: usize = 4096;

/// Above this many bits of entropy per byte (8 = random), a block is sent raw.
const RAW_ENTROPY_BITS: f64 = 7.5;

/// How a run of bytes travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gzip,
    Raw,
}

/// A run of non-zero blocks of one chunk, as a byte range within the chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extent {
    pub range: Range<usize>,
    pub encoding: Encoding,
}

/// The runs of `chunk` to write; blocks of zeros are in none of them.
pub fn extents(chunk: &[u8]) -> Vec<Extent> {
    let mut runs: Vec<Extent> = Vec::new();
    for (index, block) in chunk.chunks(BLOCK).enumerate() {
        if all_zero(block) {
            continue;
        }
        let start = index * BLOCK;
        let range = start..start + block.len();
        let encoding = if looks_incompressible(block) {
            Encoding::Raw
        } else {
            Encoding::Gzip
        };
        match runs.last_mut() {
            Some(last) if last.range.end == start && last.encoding == encoding => {
                last.range.end = range.end;
            }
            _ => runs.push(Extent { range, encoding }),
        }
    }
    runs
}

/// Whether every byte is zero; reads the data in 64-byte strides the compiler vectorises.
pub fn all_zero(data: &[u8]) -> bool {
    let strides = data.chunks_exact(64);
    let tail = strides.remainder();
    strides
        .map(|stride| stride.iter().fold(0u8, |acc, byte| acc | byte))
        .all(|folded| folded == 0)
        && tail.iter().all(|byte| *byte == 0)
}

/// An order-0 entropy estimate of the block's first [`SAMPLE`] bytes.
fn looks_incompressible(block: &[u8]) -> bool {
    let sample = &block[..block.len().min(SAMPLE)];
    let mut counts = [0u32; 256];
    for byte in sample {
        counts[usize::from(*byte)] += 1;
    }
    let total = sample.len() as f64;
    let bits: f64 = counts
        .iter()
        .filter(|count| **count > 0)
        .map(|count| {
            let p = f64::from(*count) / total;
            -p * p.log2()
        })
        .sum();
    bits > RAW_ENTROPY_BITS
}

/// Gzips `data` at the fastest level: the link, not the ratio, limits an upload.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..len).map(|_| rng.u8(..)).collect()
    }

    fn text(len: usize) -> Vec<u8> {
        let line = b"2026-11-22T23:00:00Z INFO a compressible log line of an image\n";
        line.iter().copied().cycle().take(len).collect()
    }

    #[test]
    fn gzip_round_trips_and_zero_detection_sees_every_byte() {
        let data = text(100_000);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&data)[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
        let mut zeros = vec![0u8; 4099];
        assert!(all_zero(&zeros));
        for at in [0, 3, 63, 64, 4095, 4098] {
            zeros[at] = 1;
            assert!(!all_zero(&zeros), "a one at {at} is seen");
            zeros[at] = 0;
        }
    }

    #[test]
    fn zero_blocks_are_left_out_and_runs_split_where_the_encoding_changes() {
        let mut chunk = text(BLOCK * 2);
        chunk.extend(vec![0u8; BLOCK * 2]);
        chunk.extend(noise(BLOCK * 3, 7));
        chunk.extend(text(BLOCK + 100));
        let runs = extents(&chunk);
        assert_eq!(
            runs,
            vec![
                Extent {
                    range: 0..2 * BLOCK,
                    encoding: Encoding::Gzip
                },
                Extent {
                    range: 4 * BLOCK..7 * BLOCK,
                    encoding: Encoding::Raw
                },
                Extent {
                    range: 7 * BLOCK..8 * BLOCK + 100,
                    encoding: Encoding::Gzip
                },
            ]
        );
    }

    #[test]
    fn a_block_with_one_nonzero_byte_is_sent_and_an_all_zero_chunk_sends_nothing() {
        assert!(extents(&vec![0u8; 3 * BLOCK + 5]).is_empty());
        let mut chunk = vec![0u8; 3 * BLOCK];
        chunk[BLOCK + 17] = 9;
        let runs = extents(&chunk);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].range, BLOCK..2 * BLOCK);
        assert_eq!(runs[0].encoding, Encoding::Gzip);
    }
}
