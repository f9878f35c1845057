//! Sparse drive contents: fixed-size blocks in a map, all-zero blocks never stored, unwritten
//! areas read as zeros. Blocks are shared (`Arc`) so imaging can snapshot a drive cheaply.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes per stored block.
pub const BLOCK_SIZE: u64 = 64 * 1024;

/// The contents of one drive of `size` bytes.
#[derive(Debug, Clone, Default)]
pub struct SparseData {
    blocks: BTreeMap<u64, Arc<Vec<u8>>>,
}

impl SparseData {
    /// Writes `data` at byte `offset`; the caller has checked it fits the drive.
    pub fn write(&mut self, offset: u64, data: &[u8]) {
        let mut position = offset;
        let mut rest = data;
        while !rest.is_empty() {
            let index = position / BLOCK_SIZE;
            let within = (position % BLOCK_SIZE) as usize;
            let take = rest.len().min(BLOCK_SIZE as usize - within);
            let (piece, after) = rest.split_at(take);
            self.write_in_block(index, within, piece);
            position += take as u64;
            rest = after;
        }
    }

    fn write_in_block(&mut self, index: u64, within: usize, piece: &[u8]) {
        let piece_is_zero = is_zero(piece);
        match self.blocks.get_mut(&index) {
            None if piece_is_zero => {}
            None => {
                let mut block = vec![0u8; BLOCK_SIZE as usize];
                block[within..within + piece.len()].copy_from_slice(piece);
                self.blocks.insert(index, Arc::new(block));
            }
            Some(block) => {
                let block = Arc::make_mut(block);
                block[within..within + piece.len()].copy_from_slice(piece);
                if piece_is_zero && is_zero(block) {
                    self.blocks.remove(&index);
                }
            }
        }
    }

    /// `len` bytes from `offset`, zeros where nothing was written.
    pub fn read(&self, offset: u64, len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        let end = offset + len as u64;
        let first = offset / BLOCK_SIZE;
        let last = end.div_ceil(BLOCK_SIZE);
        for (&index, block) in self.blocks.range(first..last) {
            let block_start = index * BLOCK_SIZE;
            let from = offset.max(block_start);
            let to = end.min(block_start + BLOCK_SIZE);
            let source = &block[(from - block_start) as usize..(to - block_start) as usize];
            out[(from - offset) as usize..(to - offset) as usize].copy_from_slice(source);
        }
        out
    }

    /// One past the last byte that may be non-zero (a block boundary), 0 when all zero.
    pub fn used_extent(&self) -> u64 {
        self.blocks
            .keys()
            .next_back()
            .map_or(0, |index| (index + 1) * BLOCK_SIZE)
    }

    /// Bytes of memory held for data.
    pub fn stored_bytes(&self) -> u64 {
        self.blocks.len() as u64 * BLOCK_SIZE
    }

    /// Drops everything at or after `size` (used after imaging into a smaller drive).
    pub fn truncate(&mut self, size: u64) {
        let first_whole = size.div_ceil(BLOCK_SIZE);
        self.blocks.split_off(&first_whole);
        if size % BLOCK_SIZE != 0 {
            let tail_len = (BLOCK_SIZE - size % BLOCK_SIZE) as usize;
            self.write(size, &vec![0u8; tail_len]);
        }
    }

    /// Feeds the logical contents of `0..len` to `sink` in block-sized pieces.
    pub fn for_each_piece(&self, len: u64, mut sink: impl FnMut(&[u8])) {
        let zeros = vec![0u8; BLOCK_SIZE as usize];
        let mut position = 0;
        while position < len {
            let index = position / BLOCK_SIZE;
            let take = (len - position).min(BLOCK_SIZE) as usize;
            match self.blocks.get(&index) {
                Some(block) => sink(&block[..take]),
                None => sink(&zeros[..take]),
            }
            position += take as u64;
        }
    }
}

/// Saved as `{"block index": "base64 of the block", ...}`; only written blocks appear.
impl Serialize for SparseData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let encoded: BTreeMap<u64, String> = self
            .blocks
            .iter()
            .map(|(index, block)| (*index, STANDARD.encode(block.as_slice())))
            .collect();
        encoded.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SparseData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let encoded = BTreeMap::<u64, String>::deserialize(deserializer)?;
        let mut blocks = BTreeMap::new();
        for (index, text) in encoded {
            let block = STANDARD.decode(text.as_bytes()).map_err(|error| {
                D::Error::custom(format!("drive block {index} is not base64: {error}"))
            })?;
            if block.len() as u64 != BLOCK_SIZE {
                return Err(D::Error::custom(format!(
                    "drive block {index} has {} bytes, not {BLOCK_SIZE}",
                    block.len()
                )));
            }
            blocks.insert(index, Arc::new(block));
        }
        Ok(SparseData { blocks })
    }
}

/// Whether every byte is zero, in 64-byte strides the compiler vectorises (a byte-by-byte
/// loop with an early exit is not, and was the simulator's slowest step on uploads).
fn is_zero(bytes: &[u8]) -> bool {
    let strides = bytes.chunks_exact(64);
    let tail = strides.remainder();
    strides
        .map(|stride| stride.iter().fold(0u8, |acc, byte| acc | byte))
        .all(|folded| folded == 0)
        && tail.iter().all(|byte| *byte == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_span_blocks_and_zeros_are_not_stored() {
        let mut data = SparseData::default();
        let start = BLOCK_SIZE - 3;
        data.write(start, b"abcdef");
        assert_eq!(data.stored_bytes(), 2 * BLOCK_SIZE);
        assert_eq!(data.read(start - 1, 8), b"\0abcdef\0");
        data.write(0, &vec![0u8; 4 * BLOCK_SIZE as usize]);
        assert_eq!(data.stored_bytes(), 0);
        assert_eq!(data.used_extent(), 0);
        data.write(10 * BLOCK_SIZE, &[0u8; 100]);
        assert_eq!(data.stored_bytes(), 0);
    }

    #[test]
    fn truncation_zeroes_the_tail() {
        let mut data = SparseData::default();
        data.write(0, &[7u8; 200_000]);
        data.truncate(100);
        assert_eq!(data.read(98, 4), [7, 7, 0, 0]);
        assert_eq!(data.stored_bytes(), BLOCK_SIZE);
        let mut total = 0;
        data.for_each_piece(BLOCK_SIZE + 5, |piece| total += piece.len());
        assert_eq!(total as u64, BLOCK_SIZE + 5);
    }

    #[test]
    fn saved_contents_load_back_and_bad_blocks_are_refused() {
        let mut data = SparseData::default();
        data.write(3 * BLOCK_SIZE + 7, b"persisted");
        let saved = serde_json::to_string(&data).expect("serialize");
        let loaded: SparseData = serde_json::from_str(&saved).expect("deserialize");
        assert_eq!(loaded.read(3 * BLOCK_SIZE + 7, 9), b"persisted");
        assert_eq!(loaded.stored_bytes(), BLOCK_SIZE);
        let short = serde_json::from_str::<SparseData>(r#"{"1":"AAAA"}"#);
        assert!(short.is_err_and(|error| error.to_string().contains("block 1")));
    }
}
