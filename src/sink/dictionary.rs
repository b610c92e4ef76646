//! Column chunks of the coded columns (`Table::coded_columns`: `doc_id`,
//! codes, raw cell texts), dictionary-encoded without hashing a value per row.
//!
//! parquet-rs's Arrow writer interns every value of a dictionary-encoded
//! string column (a hash and a `memcmp`) and compares it with the chunk's
//! running min and max. For `doc_id` and the code columns of the fact
//! tables, which repeat a few values a million times, that was two thirds
//! of their Parquet encoding time (criterion `write`: 10.8 ms with them,
//! 3.9 ms without). The batches carry those columns as Arrow dictionary
//! arrays instead (see `crate::batch`): here a batch's dictionary is merged
//! into the chunk's once per distinct value, each row costs an array
//! lookup, and min and max are taken over the chunk's dictionary when it is
//! written.
//!
//! What is written is what parquet-rs writes for such a column: one PLAIN
//! dictionary page, then `RLE_DICTIONARY` data pages of [`PAGE_ROWS`] rows
//! (with RLE definition levels when the column is nullable), compressed
//! with zstd, with exact min/max/null-count statistics and an offset index.

use std::collections::HashMap;

use anyhow::{Context, Result, bail, ensure};
use arrow::array::{Array, AsArray};
use arrow::datatypes::UInt32Type;
use bytes::Bytes;
use parquet::basic::{Compression, Encoding, EncodingMask, PageType, ZstdLevel};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::file::metadata::{ColumnChunkMetaData, OffsetIndexBuilder, PageEncodingStats};
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

/// Rows per data page: the page size parquet-rs's writer gives the other
/// columns (its 20,000-row limit, checked every 1,024 rows).
pub const PAGE_ROWS: usize = 20_480;

/// zstd's level for every page (the writer properties' level).
pub const ZSTD_LEVEL: i32 = 1;

/// Values in one bit-packed run: parquet-rs's limit of 63 groups of 8.
const MAX_PACKED: usize = 504;

/// A batch key not yet given a chunk index.
const UNSEEN: u32 = u32::MAX;

/// One column chunk of a code column, filled batch by batch.
///
/// Data pages are encoded and compressed as soon as they fill (each page
/// says its own bit width, so a page need not wait for the dictionary to be
/// complete): the chunk holds its dictionary, finished pages and one page's
/// keys, not a key per row.
#[derive(Debug, Default)]
pub struct DictionaryColumn {
    nullable: bool,
    /// The chunk's dictionary as its page holds it: per value, a 4-byte
    /// little-endian length and the bytes.
    plain: Vec<u8>,
    /// Where each dictionary value's bytes are in `plain`.
    entries: Vec<(usize, usize)>,
    index: HashMap<Box<[u8]>, u32, foldhash::fast::FixedState>,
    /// The dictionary index of each non-null value of the open page.
    keys: Vec<u32>,
    /// The definition level of each row of the open page (nullable columns
    /// only): 1 with a value, 0 NULL.
    levels: Vec<u32>,
    page_rows: usize,
    /// Finished data pages, compressed.
    pages: Vec<DataPage>,
    page_bytes: usize,
    rows: usize,
    nulls: u64,
    /// Scratch: the chunk index of each key of the batch being written.
    remap: Vec<u32>,
    /// Scratch: a page before compression.
    scratch: Vec<u8>,
}

/// A finished data page.
#[derive(Debug)]
struct DataPage {
    body: Bytes,
    uncompressed: usize,
    rows: usize,
}

impl DictionaryColumn {
    /// An empty chunk of a column that may (or may not) hold NULLs.
    #[must_use]
    pub fn new(nullable: bool) -> Self {
        Self {
            nullable,
            ..Self::default()
        }
    }

    /// Bytes held until the chunk is written.
    #[must_use]
    pub fn memory_size(&self) -> usize {
        self.keys.capacity() * 4
            + self.levels.capacity() * 4
            + self.page_bytes
            + self.plain.capacity()
            + self.entries.capacity() * 16
            + self.index.capacity() * 40
            + self.scratch.capacity()
    }

    /// Appends an Arrow `Dictionary(UInt32, Utf8)` array.
    ///
    /// # Errors
    /// When `array` is not such an array, holds a NULL and the column may
    /// not, or a page cannot be compressed.
    pub fn write(
        &mut self,
        array: &dyn Array,
        zstd: &mut zstd::bulk::Compressor<'static>,
    ) -> Result<()> {
        let dict = array
            .as_dictionary_opt::<UInt32Type>()
            .with_context(|| format!("a code column arrived as {}", array.data_type()))?;
        let values = dict
            .values()
            .as_string_opt::<i32>()
            .with_context(|| format!("a code column's values are {}", dict.values().data_type()))?;
        ensure!(
            values.null_count() == 0,
            "a NULL among a code column's values"
        );
        let keys = dict.keys();
        let nulls = keys.logical_nulls().filter(|n| n.null_count() > 0);
        if nulls.is_some() && !self.nullable {
            bail!("a NULL in a column that may not hold one");
        }
        let valid = |row: usize| nulls.as_ref().is_none_or(|n| n.is_valid(row));
        let keys = keys.values();
        // Each batch key the rows use gets its chunk index, in order of first
        // use; then the rows are copied page by page without a branch for it.
        let mut remap = std::mem::take(&mut self.remap);
        remap.clear();
        remap.resize(values.len(), UNSEEN);
        for (row, &key) in keys.iter().enumerate() {
            // A NULL row's key may be anything, even out of range.
            if valid(row) && remap[key as usize] == UNSEEN {
                remap[key as usize] = self.intern(values.value(key as usize).as_bytes())?;
            }
        }
        let mut row = 0;
        while row < keys.len() {
            let take = (PAGE_ROWS - self.page_rows).min(keys.len() - row);
            let page = row..row + take;
            if nulls.is_none() {
                self.keys
                    .extend(keys[page].iter().map(|&key| remap[key as usize]));
                if self.nullable {
                    self.levels.resize(self.levels.len() + take, 1);
                }
            } else {
                for r in page {
                    let present = valid(r);
                    self.levels.push(u32::from(present));
                    if present {
                        self.keys.push(remap[keys[r] as usize]);
                    } else {
                        self.nulls += 1;
                    }
                }
            }
            self.page_rows += take;
            row += take;
            if self.page_rows == PAGE_ROWS {
                self.end_page(zstd)?;
            }
        }
        self.rows += keys.len();
        self.remap = remap;
        Ok(())
    }

    fn intern(&mut self, value: &[u8]) -> Result<u32> {
        if let Some(&i) = self.index.get(value) {
            return Ok(i);
        }
        let i = u32::try_from(self.entries.len()).context("over 4G distinct codes")?;
        let len = u32::try_from(value.len()).context("a code over 4 GB")?;
        self.plain.extend_from_slice(&len.to_le_bytes());
        self.entries.push((self.plain.len(), value.len()));
        self.plain.extend_from_slice(value);
        self.index.insert(value.into(), i);
        Ok(i)
    }

    /// Encodes and compresses the open page: definition levels (nullable
    /// columns), then the bit width the dictionary needs so far and the keys.
    fn end_page(&mut self, zstd: &mut zstd::bulk::Compressor<'static>) -> Result<()> {
        let page = &mut self.scratch;
        page.clear();
        if self.nullable {
            // The levels, after their length in 4 bytes (filled in after).
            page.extend_from_slice(&[0; 4]);
            encode_hybrid(&self.levels, 1, page);
            let len = u32::try_from(page.len() - 4)?;
            page[..4].copy_from_slice(&len.to_le_bytes());
        }
        let bit_width = bits_for(self.entries.len().saturating_sub(1));
        page.push(bit_width);
        encode_hybrid(&self.keys, bit_width, page);
        let body = Bytes::from(zstd.compress(page).context("compressing a data page")?);
        self.page_bytes += body.len();
        self.pages.push(DataPage {
            body,
            uncompressed: page.len(),
            rows: self.page_rows,
        });
        self.keys.clear();
        self.levels.clear();
        self.page_rows = 0;
        Ok(())
    }

    /// Encodes the chunk for column `descr`: its bytes (pages with their
    /// headers, offsets from 0) and what the row group needs to append them.
    ///
    /// # Errors
    /// When a page cannot be compressed or its metadata is invalid.
    pub fn finish(
        mut self,
        descr: ColumnDescPtr,
        zstd: &mut zstd::bulk::Compressor<'static>,
    ) -> Result<(Bytes, ColumnCloseResult)> {
        ensure!(self.rows > 0, "an empty column chunk");
        if self.page_rows > 0 {
            self.end_page(zstd)?;
        }
        let compression = Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?);
        let mut out = TrackedWrite::new(Vec::with_capacity(self.page_bytes + 1024));
        let mut pages = SerializedPageWriter::new(&mut out);
        let (mut compressed, mut uncompressed) = (0, 0);

        let dictionary = zstd
            .compress(&self.plain)
            .context("compressing a dictionary page")?;
        let spec = pages.write_page(CompressedPage::new(
            Page::DictionaryPage {
                buf: Bytes::from(dictionary),
                num_values: u32::try_from(self.entries.len())?,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            },
            self.plain.len(),
        ))?;
        compressed += spec.compressed_size;
        uncompressed += spec.uncompressed_size;

        let mut offsets = OffsetIndexBuilder::new();
        let mut data_page_offset = None;
        let data_pages = i32::try_from(self.pages.len())?;
        for page in std::mem::take(&mut self.pages) {
            let spec = pages.write_page(CompressedPage::new(
                Page::DataPage {
                    buf: page.body,
                    num_values: u32::try_from(page.rows)?,
                    encoding: Encoding::RLE_DICTIONARY,
                    def_level_encoding: Encoding::RLE,
                    rep_level_encoding: Encoding::RLE,
                    statistics: None,
                },
                page.uncompressed,
            ))?;
            data_page_offset.get_or_insert(spec.offset);
            offsets.append_offset_and_size(
                i64::try_from(spec.offset)?,
                i32::try_from(spec.compressed_size)?,
            );
            offsets.append_row_count(i64::try_from(page.rows)?);
            compressed += spec.compressed_size;
            uncompressed += spec.uncompressed_size;
        }
        pages.close()?;

        let value = |&(start, len): &(usize, usize)| &self.plain[start..start + len];
        let min = self.entries.iter().map(value).min();
        let max = self.entries.iter().map(value).max();
        let statistics = ValueStatistics::<ByteArray>::new(
            min.map(|v| v.to_vec().into()),
            max.map(|v| v.to_vec().into()),
            None,
            Some(self.nulls),
            false,
        );
        let encodings = [Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY];
        let metadata = ColumnChunkMetaData::builder(descr)
            .set_compression(compression)
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings.iter()))
            .set_page_encoding_stats(vec![
                PageEncodingStats {
                    page_type: PageType::DICTIONARY_PAGE,
                    encoding: Encoding::PLAIN,
                    count: 1,
                },
                PageEncodingStats {
                    page_type: PageType::DATA_PAGE,
                    encoding: Encoding::RLE_DICTIONARY,
                    count: data_pages,
                },
            ])
            .set_total_compressed_size(i64::try_from(compressed)?)
            .set_total_uncompressed_size(i64::try_from(uncompressed)?)
            .set_num_values(i64::try_from(self.rows)?)
            .set_dictionary_page_offset(Some(0))
            .set_data_page_offset(i64::try_from(data_page_offset.unwrap_or(0))?)
            .set_statistics(Statistics::from(statistics))
            .build()?;
        let bytes = Bytes::from(out.into_inner()?);
        let close = ColumnCloseResult {
            bytes_written: bytes.len() as u64,
            rows_written: self.rows as u64,
            metadata,
            bloom_filter: None,
            column_index: None,
            offset_index: Some(offsets.build()),
        };
        Ok((bytes, close))
    }
}

/// Bits needed for values up to `max` (0 for a one-value dictionary, as
/// parquet-rs writes it).
fn bits_for(max: usize) -> u8 {
    (usize::BITS - max.leading_zeros()) as u8
}

/// Appends `values` in Parquet's RLE/bit-packing hybrid encoding at
/// `bit_width` bits a value (no length prefix).
///
/// A run of at least 8 equal values (after topping up the literals before
/// it to a multiple of 8, since a bit-packed run holds whole groups of 8)
/// is written as a repeat; everything else is bit-packed. Only the last
/// group may be padded, as readers know how many values a page holds.
pub fn encode_hybrid(values: &[u32], bit_width: u8, out: &mut Vec<u8>) {
    let value_bytes = usize::from(bit_width).div_ceil(8);
    let (mut literals, mut i) = (0, 0);
    while i < values.len() {
        let v = values[i];
        let run = values[i..].iter().take_while(|&&x| x == v).count();
        let pad = (8 - (i - literals) % 8) % 8;
        if run >= pad + 8 {
            bit_pack(&values[literals..i + pad], bit_width, out);
            push_uleb(((run - pad) as u64) << 1, out);
            out.extend_from_slice(&v.to_le_bytes()[..value_bytes]);
            literals = i + run;
        }
        i += run;
    }
    bit_pack(&values[literals..], bit_width, out);
}

/// Bit-packed runs of `values` (a multiple of 8 of them, except at the end
/// of a page), least significant bit first.
fn bit_pack(values: &[u32], bit_width: u8, out: &mut Vec<u8>) {
    for run in values.chunks(MAX_PACKED) {
        let groups = run.len().div_ceil(8);
        push_uleb(((groups as u64) << 1) | 1, out);
        let (mut acc, mut bits) = (0u64, 0u32);
        for i in 0..groups * 8 {
            acc |= u64::from(run.get(i).copied().unwrap_or(0)) << bits;
            bits += u32::from(bit_width);
            while bits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                bits -= 8;
            }
        }
    }
}

fn push_uleb(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Value runs for the hybrid encoding's tests (here and the reader's in
    /// `filter`): empty, single values, runs just under and over the
    /// eight a repeat needs, literals, runs between literals, wide values.
    pub(crate) fn hybrid_cases() -> Vec<Vec<u32>> {
        vec![
            vec![],
            vec![0],
            vec![3; 8],
            vec![3; 7],
            (0..20).collect(),
            [vec![1, 2, 3], vec![5; 9], vec![6, 7]].concat(),
            [vec![1, 2, 3], vec![5; 12], vec![6]].concat(),
            [vec![9; 5], vec![1; 20], (0..600).map(|i| i % 7).collect()].concat(),
            (0..5000).map(|i| (i / 13) % 300).collect(),
            (0..2000u64)
                .map(|i| (i * 2_654_435_761 % 70_000) as u32)
                .collect(),
        ]
    }

    /// A reader of the hybrid encoding, written from the Parquet spec.
    fn decode_hybrid(mut data: &[u8], bit_width: u8, count: usize) -> Vec<u32> {
        let uleb = |data: &mut &[u8]| {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let b = data[0];
                *data = &data[1..];
                v |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    return v;
                }
            }
        };
        let value_bytes = usize::from(bit_width).div_ceil(8);
        let mut out = Vec::new();
        while out.len() < count {
            let header = uleb(&mut data);
            if header & 1 == 0 {
                let mut bytes = [0u8; 4];
                bytes[..value_bytes].copy_from_slice(&data[..value_bytes]);
                data = &data[value_bytes..];
                out.extend(std::iter::repeat_n(
                    u32::from_le_bytes(bytes),
                    (header >> 1) as usize,
                ));
            } else {
                let n = (header >> 1) as usize * 8;
                let len = n * usize::from(bit_width) / 8;
                let (packed, rest) = data.split_at(len);
                data = rest;
                for i in 0..n {
                    let mut v = 0u32;
                    for b in 0..usize::from(bit_width) {
                        let bit = i * usize::from(bit_width) + b;
                        v |= u32::from((packed[bit / 8] >> (bit % 8)) & 1) << b;
                    }
                    out.push(v);
                }
            }
        }
        assert!(data.is_empty(), "{} bytes left", data.len());
        out.truncate(count);
        out
    }

    #[test]
    fn hybrid_encoding_round_trips_runs_literals_and_their_borders() {
        for values in hybrid_cases() {
            let max = values.iter().copied().max().unwrap_or(0) as usize;
            for bit_width in [bits_for(max), bits_for(max) + 3, 32] {
                if bit_width == 0 && max > 0 {
                    continue;
                }
                let mut out = Vec::new();
                encode_hybrid(&values, bit_width, &mut out);
                assert_eq!(
                    decode_hybrid(&out, bit_width, values.len()),
                    values,
                    "bit width {bit_width}"
                );
            }
        }
    }

    #[test]
    fn runs_of_eight_or_more_are_repeats_not_literals() {
        let mut out = Vec::new();
        encode_hybrid(&[7; 100_000], 3, &mut out);
        // One repeat: a 3-byte header and one value byte.
        assert_eq!(out.len(), 4, "{out:?}");
    }

    #[test]
    fn widths_follow_the_dictionary_size() {
        assert_eq!(bits_for(0), 0);
        assert_eq!(bits_for(1), 1);
        assert_eq!(bits_for(255), 8);
        assert_eq!(bits_for(256), 9);
    }
}
