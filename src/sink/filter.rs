//! Reading back a part file this tool wrote, without the rows of some
//! `doc_id`s: what an incremental run carries from a partition that held
//! rows of changed or deleted files.
//!
//! Rows are read one row group at a time, as the batches the sink takes
//! (the table's batch schema: code columns as Arrow dictionaries).
//! The code columns are decoded from their pages directly: the chunk's
//! dictionary page becomes the batch's dictionary as it is, and the data
//! pages' keys are unpacked without looking at a value. parquet-rs's Arrow
//! reader, which read them before, builds a dictionary column value by value
//! and, whenever a batch ran across two row groups, hashed every value to
//! merge their dictionaries: ~20% of the rewrite's time (perf, 100k
//! corpus). The other columns go through the Arrow reader, one row group
//! per batch.
//!
//! A code column whose pages are not the ones [`super::dictionary`] writes
//! (a file from another writer) is read through the Arrow reader too.

use std::collections::HashSet;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, DictionaryArray, RecordBatch, StringArray, UInt32Array,
};
use arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, UInt32Type};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::basic::Encoding;
use parquet::column::page::Page;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::batch::Table;

/// Calls `emit` with the rows of the part file at `path` (a file of
/// `table`) whose `doc_id` is not in `dropped`, one batch per row group
/// that keeps any.
///
/// # Errors
/// When the file cannot be read or is not a file of `table`.
pub fn filter_part(
    path: &Path,
    table: Table,
    dropped: &HashSet<String>,
    mut emit: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let schema = table.batch_schema();
    let options = ArrowReaderOptions::new().with_schema(schema.clone());
    let arrow_meta = ArrowReaderMetadata::load(&file, options)
        .with_context(|| format!("reading the footer of {}", path.display()))?;
    let pages = SerializedFileReader::new(file.try_clone()?)
        .with_context(|| format!("reading the footer of {}", path.display()))?;
    let descr = pages.metadata().file_metadata().schema_descr_ptr();
    ensure!(
        descr.num_columns() == schema.fields().len()
            && descr
                .columns()
                .iter()
                .zip(schema.fields())
                .all(|(c, f)| c.name() == f.name()),
        "not a file of {}",
        table.name()
    );
    let coded: Vec<bool> = schema
        .fields()
        .iter()
        .map(|f| matches!(f.data_type(), DataType::Dictionary(..)))
        .collect();
    for rg in 0..pages.num_row_groups() {
        let rows = usize::try_from(pages.metadata().row_group(rg).num_rows())?;
        if rows == 0 {
            continue;
        }
        let group = pages.get_row_group(rg)?;
        // The code columns from their pages; `None` where they are not
        // this tool's dictionary pages.
        let mut columns: Vec<Option<ArrayRef>> = Vec::with_capacity(coded.len());
        for (i, &is_coded) in coded.iter().enumerate() {
            let column = if is_coded {
                let nullable = descr.column(i).max_def_level() > 0;
                read_dictionary_chunk(group.get_column_page_reader(i)?, nullable, rows)
                    .with_context(|| {
                        format!(
                            "{}, row group {rg}, column {}",
                            path.display(),
                            descr.column(i).name()
                        )
                    })?
            } else {
                None
            };
            columns.push(column);
        }
        let rest: Vec<usize> = (0..coded.len()).filter(|&i| columns[i].is_none()).collect();
        if !rest.is_empty() {
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
                file.try_clone()?,
                arrow_meta.clone(),
            )
            .with_projection(ProjectionMask::leaves(&descr, rest.iter().copied()))
            .with_row_groups(vec![rg])
            .with_batch_size(rows)
            .build()?;
            let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
            let batch = arrow::compute::concat_batches(&batches[0].schema(), &batches)?;
            ensure!(
                batch.num_rows() == rows,
                "row group {rg} read back {} of {rows} rows",
                batch.num_rows()
            );
            for (array, &i) in batch.columns().iter().zip(&rest) {
                columns[i] = Some(array.clone());
            }
        }
        let columns: Vec<ArrayRef> = columns
            .into_iter()
            .map(|c| c.expect("every column read"))
            .collect();
        // `doc_id` is every table's first column.
        let keep = keep_mask(columns[0].as_ref(), dropped)?;
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        let kept = keep.true_count();
        if kept == rows {
            emit(batch)?;
        } else if kept > 0 {
            emit(arrow::compute::filter_record_batch(&batch, &keep)?)?;
        }
    }
    Ok(())
}

/// True for the rows whose `doc_id` is not in `dropped`.
///
/// # Errors
/// When `doc_ids` is neither a string nor a dictionary column.
pub fn keep_mask(doc_ids: &dyn Array, dropped: &HashSet<String>) -> Result<BooleanArray> {
    if let Some(dict) = doc_ids.as_dictionary_opt::<UInt32Type>() {
        let values = dict.values().as_string::<i32>();
        let keep: Vec<bool> = (0..values.len())
            .map(|i| !dropped.contains(values.value(i)))
            .collect();
        if keep.iter().all(|&k| k) && dict.null_count() == 0 {
            return Ok(BooleanArray::from(vec![true; dict.len()]));
        }
        return Ok(dict
            .keys()
            .iter()
            .map(|k| Some(k.is_some_and(|k| keep[k as usize])))
            .collect());
    }
    let ids = doc_ids
        .as_string_opt::<i32>()
        .with_context(|| format!("doc_id arrived as {}", doc_ids.data_type()))?;
    Ok(ids
        .iter()
        .map(|id| Some(id.is_some_and(|id| !dropped.contains(id))))
        .collect())
}

/// A column chunk of a code column as an Arrow dictionary array: the
/// dictionary page's values, and the data pages' keys and NULLs.
/// `Ok(None)` when its pages are not a PLAIN dictionary page followed by
/// `RLE_DICTIONARY` data pages (version 1), which is all
/// [`super::dictionary`] writes.
fn read_dictionary_chunk(
    pages: Box<dyn parquet::column::page::PageReader>,
    nullable: bool,
    rows: usize,
) -> Result<Option<ArrayRef>> {
    let mut values: Option<StringArray> = None;
    let mut keys: Vec<u32> = Vec::with_capacity(rows);
    let mut valid: Vec<bool> = Vec::with_capacity(if nullable { rows } else { 0 });
    let mut levels: Vec<u32> = Vec::new();
    let mut page_keys: Vec<u32> = Vec::new();
    let mut nulls = 0usize;
    for page in pages {
        match page? {
            Page::DictionaryPage {
                buf,
                num_values,
                encoding,
                ..
            } => {
                if values.is_some()
                    || !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY)
                {
                    return Ok(None);
                }
                values = Some(plain_strings(&buf, num_values as usize)?);
            }
            Page::DataPage {
                buf,
                num_values,
                encoding,
                def_level_encoding,
                ..
            } => {
                if values.is_none()
                    || !matches!(
                        encoding,
                        Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY
                    )
                {
                    return Ok(None);
                }
                let n = num_values as usize;
                let mut data: &[u8] = &buf;
                if nullable {
                    if def_level_encoding != Encoding::RLE {
                        return Ok(None);
                    }
                    ensure!(data.len() >= 4, "a data page without its levels");
                    let len = u32::from_le_bytes(data[..4].try_into().expect("4 bytes")) as usize;
                    ensure!(data.len() >= 4 + len, "a data page shorter than its levels");
                    levels.clear();
                    decode_hybrid(&data[4..4 + len], 1, n, &mut levels)?;
                    data = &data[4 + len..];
                }
                let present = if nullable {
                    levels.iter().filter(|&&l| l == 1).count()
                } else {
                    n
                };
                page_keys.clear();
                if present > 0 {
                    ensure!(!data.is_empty(), "a data page without its bit width");
                    let width = data[0];
                    ensure!(width <= 32, "a bit width of {width}");
                    decode_hybrid(&data[1..], width, present, &mut page_keys)?;
                }
                if nullable {
                    let mut next = page_keys.iter();
                    for &level in &levels {
                        let present = level == 1;
                        keys.push(if present {
                            *next.next().expect("counted above")
                        } else {
                            0
                        });
                        valid.push(present);
                        nulls += usize::from(!present);
                    }
                } else {
                    keys.extend_from_slice(&page_keys);
                }
            }
            Page::DataPageV2 { .. } => return Ok(None),
        }
    }
    let Some(values) = values else {
        return Ok(None);
    };
    ensure!(
        keys.len() == rows,
        "{} rows in the pages, {rows} in the footer",
        keys.len()
    );
    let nulls = (nulls > 0).then(|| NullBuffer::from(valid));
    let keys = UInt32Array::new(ScalarBuffer::from(keys), nulls);
    let array = DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(values))
        .context("a key out of its dictionary")?;
    Ok(Some(Arc::new(array)))
}

/// `count` PLAIN byte arrays (a 4-byte length, then the bytes) as strings.
fn plain_strings(buf: &[u8], count: usize) -> Result<StringArray> {
    let mut offsets = Vec::with_capacity(count + 1);
    let mut bytes = Vec::with_capacity(buf.len().saturating_sub(4 * count));
    offsets.push(0i32);
    let mut rest = buf;
    for _ in 0..count {
        ensure!(rest.len() >= 4, "a dictionary page shorter than its values");
        let len = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        ensure!(
            rest.len() >= 4 + len,
            "a dictionary page shorter than its values"
        );
        bytes.extend_from_slice(&rest[4..4 + len]);
        rest = &rest[4 + len..];
        offsets.push(i32::try_from(bytes.len()).context("a dictionary over 2 GB")?);
    }
    StringArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        bytes.into(),
        None,
    )
    .context("a dictionary value that is not UTF-8")
}

/// Appends `count` values of Parquet's RLE/bit-packing hybrid encoding at
/// `bit_width` bits a value (no length prefix) to `out`.
///
/// # Errors
/// When `data` ends before `count` values.
pub fn decode_hybrid(
    mut data: &[u8],
    bit_width: u8,
    count: usize,
    out: &mut Vec<u32>,
) -> Result<()> {
    let target = out.len() + count;
    let value_bytes = usize::from(bit_width).div_ceil(8);
    while out.len() < target {
        let header = read_uleb(&mut data)?;
        let want = target - out.len();
        if header & 1 == 0 {
            let n = usize::try_from(header >> 1)?.min(want);
            ensure!(
                data.len() >= value_bytes,
                "a repeated run without its value"
            );
            let mut bytes = [0u8; 4];
            bytes[..value_bytes].copy_from_slice(&data[..value_bytes]);
            data = &data[value_bytes..];
            out.resize(out.len() + n, u32::from_le_bytes(bytes));
        } else {
            let groups = usize::try_from(header >> 1)?;
            let len = groups * usize::from(bit_width);
            ensure!(data.len() >= len, "a bit-packed run cut short");
            let (packed, rest) = data.split_at(len);
            data = rest;
            unpack(packed, bit_width, (groups * 8).min(want), out);
        }
    }
    Ok(())
}

/// `n` values of `bit_width` bits from `packed`, least significant bit first.
fn unpack(packed: &[u8], bit_width: u8, n: usize, out: &mut Vec<u32>) {
    if bit_width == 0 {
        out.resize(out.len() + n, 0);
        return;
    }
    let width = u32::from(bit_width);
    let mask = (1u64 << width) - 1;
    let (mut acc, mut bits, mut bytes) = (0u64, 0u32, packed.iter());
    out.reserve(n);
    for _ in 0..n {
        while bits < width {
            acc |= u64::from(*bytes.next().unwrap_or(&0)) << bits;
            bits += 8;
        }
        out.push((acc & mask) as u32);
        acc >>= width;
        bits -= width;
    }
}

fn read_uleb(data: &mut &[u8]) -> Result<u64> {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let Some((&b, rest)) = data.split_first() else {
            bail!("a run header cut short");
        };
        *data = rest;
        ensure!(shift < 64, "a run header over 64 bits");
        v |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b < 0x80 {
            return Ok(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::dictionary::encode_hybrid;

    #[test]
    fn hybrid_decoding_reads_what_the_encoder_writes() {
        let mut cases = crate::sink::dictionary::tests::hybrid_cases();
        cases.push(vec![u32::MAX, 0, u32::MAX]);
        for values in cases {
            let max = values.iter().copied().max().unwrap_or(0);
            let min_width = (32 - max.leading_zeros()) as u8;
            for width in [min_width, min_width.saturating_add(3).min(32), 32] {
                let mut encoded = Vec::new();
                encode_hybrid(&values, width, &mut encoded);
                let mut out = vec![42];
                decode_hybrid(&encoded, width, values.len(), &mut out).unwrap();
                assert_eq!(out[1..], values[..], "bit width {width}");
            }
        }
        // Cut short: an error, not a panic.
        let mut encoded = Vec::new();
        encode_hybrid(&(0..100).collect::<Vec<_>>(), 7, &mut encoded);
        assert!(decode_hybrid(&encoded[..20], 7, 100, &mut Vec::new()).is_err());
    }

    /// Both readers (this tool's dictionary pages, and the Arrow reader
    /// for a file from parquet-rs's own writer) give exactly the rows whose
    /// `doc_id` is kept, across row groups and pages, with NULLs in the
    /// nullable code columns (and a row group where one is all NULL).
    #[test]
    fn filtered_parts_hold_exactly_the_rows_kept() {
        use crate::sink::part::tests::{as_strings, batches};
        use crate::sink::{PartWriter, writer_properties};
        use parquet::arrow::ArrowWriter;
        let table = Table::ActiveDisclosure;
        let mut batches = batches();
        // A batch whose `unit` is NULL throughout, written as its own row group.
        let mut columns = batches[1].columns().to_vec();
        columns[6] = Arc::new(
            DictionaryArray::<UInt32Type>::try_new(
                UInt32Array::new_null(batches[1].num_rows()),
                Arc::new(StringArray::from(Vec::<String>::new())),
            )
            .unwrap(),
        );
        batches[1] = RecordBatch::try_new(batches[1].schema(), columns).unwrap();
        let all = arrow::compute::concat_batches(
            &table.schema(),
            &batches.iter().map(as_strings).collect::<Vec<_>>(),
        )
        .unwrap();
        let ids = all.column(0).as_string::<i32>();
        // Every 7th report, a run of them, the first and the last.
        let n_docs = 332_887 / 37 + 1;
        let dropped: HashSet<String> = (0..n_docs)
            .filter(|d| d % 7 == 3 || (3000..3400).contains(d) || *d == 0 || *d == n_docs - 1)
            .map(|d| format!("{d:032x}"))
            .collect();
        let keep: BooleanArray = ids
            .iter()
            .map(|id| Some(!dropped.contains(id.unwrap())))
            .collect();
        let want = arrow::compute::filter_record_batch(&all, &keep).unwrap();
        assert!(want.num_rows() > 200_000 && want.num_rows() < all.num_rows());

        let dir = tempfile::tempdir().unwrap();
        let mut zstd = zstd::bulk::Compressor::new(1).unwrap();
        let ours_path = dir.path().join("ours.parquet");
        let mut ours = PartWriter::new(File::create(&ours_path).unwrap(), table).unwrap();
        ours.write(&batches[0], &mut zstd).unwrap();
        ours.write(&batches[1], &mut zstd).unwrap();
        ours.flush(&mut zstd).unwrap();
        for b in &batches[2..] {
            ours.write(b, &mut zstd).unwrap();
        }
        ours.close(&mut zstd).unwrap();
        let theirs_path = dir.path().join("theirs.parquet");
        let mut theirs = ArrowWriter::try_new(
            File::create(&theirs_path).unwrap(),
            table.schema(),
            Some(writer_properties(table)),
        )
        .unwrap();
        theirs.write(&all).unwrap();
        theirs.close().unwrap();

        for path in [ours_path, theirs_path] {
            let mut got = Vec::new();
            filter_part(&path, table, &dropped, |b| {
                assert_eq!(b.schema(), table.batch_schema());
                got.push(as_strings(&b));
                Ok(())
            })
            .unwrap();
            let got = arrow::compute::concat_batches(&table.schema(), &got).unwrap();
            assert_eq!(got, want, "{}", path.display());
        }
        // Nothing dropped: every row; everything dropped: none.
        let path = dir.path().join("ours.parquet");
        let mut rows = 0;
        filter_part(&path, table, &HashSet::new(), |b| {
            rows += b.num_rows();
            Ok(())
        })
        .unwrap();
        assert_eq!(rows, all.num_rows());
        let every: HashSet<String> = ids.iter().map(|i| i.unwrap().to_owned()).collect();
        filter_part(&path, table, &every, |_| panic!("no rows are kept")).unwrap();
        // A file of another table is refused.
        assert!(filter_part(&path, Table::Applications, &every, |_| Ok(())).is_err());
    }
}
