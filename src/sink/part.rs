//! One Parquet file: row groups assembled column by column, the code
//! columns by [`DictionaryColumn`], every other column by parquet-rs's
//! Arrow column writers.
//!
//! This is what `ArrowWriter` does (row groups of [`ROW_GROUP_ROWS`], the
//! Arrow schema in the footer, flushing on demand), with the columns split
//! between two encoders: the file is the same to every reader.

use std::io::Write;

use anyhow::{Context, Result, ensure};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{ArrowColumnWriter, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnDescPtr;

use super::dictionary::DictionaryColumn;
use super::{ROW_GROUP_ROWS, writer_properties};
use crate::batch::Table;

/// A column of the row group being filled.
enum Column {
    // Boxed: a column writer is ~1.5 kB, a dictionary column ~250 bytes.
    Arrow(Box<ArrowColumnWriter>),
    Dictionary(Box<DictionaryColumn>),
}

/// A Parquet file of one table being written.
pub struct PartWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    factory: ArrowRowGroupWriterFactory,
    /// The contract schema: what the file says its columns are.
    schema: SchemaRef,
    /// The batch schema: which columns arrive dictionary-encoded.
    coded: Vec<bool>,
    /// The file's leaf columns, which the dictionary chunks' metadata names.
    columns: Vec<ColumnDescPtr>,
    /// The unfinished row group, opened by the first rows after a flush.
    group: Option<Vec<Column>>,
    /// Rows in `group`.
    rows: usize,
}

impl<W: Write + Send> PartWriter<W> {
    /// A writer of `table`'s file into `out` (footer written by [`Self::close`]).
    ///
    /// # Errors
    /// When the header cannot be written.
    pub fn new(out: W, table: Table) -> Result<Self> {
        let schema = table.schema();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(writer_properties(table)))?;
        let (file, factory) = writer.into_serialized_writer()?;
        let columns = file.schema_descr().columns().to_vec();
        let coded = table
            .batch_schema()
            .fields()
            .iter()
            .map(|f| matches!(f.data_type(), DataType::Dictionary(..)))
            .collect();
        Ok(Self {
            file,
            factory,
            schema,
            coded,
            columns,
            group: None,
            rows: 0,
        })
    }

    /// Appends a batch (of the table's batch schema), finishing row groups
    /// as they reach [`ROW_GROUP_ROWS`].
    ///
    /// # Errors
    /// When a column does not match the table, or a row group cannot be written.
    pub fn write(
        &mut self,
        batch: &RecordBatch,
        zstd: &mut zstd::bulk::Compressor<'static>,
    ) -> Result<()> {
        ensure!(
            batch.num_columns() == self.schema.fields().len(),
            "{} columns for a table of {}",
            batch.num_columns(),
            self.schema.fields().len()
        );
        let mut offset = 0;
        while offset < batch.num_rows() {
            let take = (ROW_GROUP_ROWS - self.rows).min(batch.num_rows() - offset);
            self.append(&batch.slice(offset, take), zstd)?;
            offset += take;
            if self.rows >= ROW_GROUP_ROWS {
                self.flush(zstd)?;
            }
        }
        Ok(())
    }

    fn append(
        &mut self,
        batch: &RecordBatch,
        zstd: &mut zstd::bulk::Compressor<'static>,
    ) -> Result<()> {
        if self.group.is_none() {
            let writers = self
                .factory
                .create_column_writers(self.file.flushed_row_groups().len())?;
            let group = writers
                .into_iter()
                .zip(&self.coded)
                .zip(self.schema.fields())
                .map(|((writer, &coded), field)| {
                    if coded {
                        Column::Dictionary(Box::new(DictionaryColumn::new(field.is_nullable())))
                    } else {
                        Column::Arrow(Box::new(writer))
                    }
                })
                .collect();
            self.group = Some(group);
        }
        let group = self.group.as_mut().expect("opened above");
        for ((column, array), field) in group
            .iter_mut()
            .zip(batch.columns())
            .zip(self.schema.fields())
        {
            match column {
                Column::Arrow(writer) => {
                    for leaf in compute_leaves(field, array)? {
                        writer.write(&leaf)?;
                    }
                }
                Column::Dictionary(column) => column
                    .write(array.as_ref(), zstd)
                    .with_context(|| format!("column {}", field.name()))?,
            }
        }
        self.rows += batch.num_rows();
        Ok(())
    }

    /// Row groups written to the file so far.
    #[must_use]
    pub fn row_groups(&self) -> usize {
        self.file.flushed_row_groups().len()
    }

    /// Bytes the unfinished row group holds in memory.
    #[must_use]
    pub fn memory_size(&self) -> usize {
        self.group
            .iter()
            .flatten()
            .map(|c| match c {
                Column::Arrow(writer) => writer.memory_size(),
                Column::Dictionary(column) => column.memory_size(),
            })
            .sum()
    }

    /// Writes the unfinished row group, if there is one (it has rows: it
    /// is opened by the first rows appended).
    ///
    /// # Errors
    /// When a column chunk cannot be encoded or written.
    pub fn flush(&mut self, zstd: &mut zstd::bulk::Compressor<'static>) -> Result<()> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        self.rows = 0;
        let mut row_group = self.file.next_row_group()?;
        for (column, descr) in group.into_iter().zip(&self.columns) {
            match column {
                Column::Arrow(writer) => writer.close()?.append_to_row_group(&mut row_group)?,
                Column::Dictionary(column) => {
                    let (bytes, close) = column.finish(descr.clone(), zstd)?;
                    row_group.append_column(&bytes, close)?;
                }
            }
        }
        row_group.close()?;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output.
    ///
    /// # Errors
    /// When they cannot be written.
    pub fn close(mut self, zstd: &mut zstd::bulk::Compressor<'static>) -> Result<W> {
        self.flush(zstd)?;
        Ok(self.file.into_inner()?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, DictionaryArray, Float64Array, Int32Array, StringArray, UInt32Array,
    };
    use arrow::compute::cast;
    use arrow::datatypes::UInt32Type;
    use bytes::Bytes;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::*;

    fn dictionary(keys: Vec<Option<u32>>, values: Vec<String>) -> ArrayRef {
        let values = Arc::new(StringArray::from(values));
        Arc::new(DictionaryArray::<UInt32Type>::try_new(UInt32Array::from(keys), values).unwrap())
    }

    /// `active_disclosure` batches the way the builders make them: per batch
    /// dictionaries in first-use order, ~9,000 doc_ids (a 14-bit width), a
    /// code column whose values repeat in runs, NULL units and raw texts,
    /// 1,000 distinct raw texts, and the same code at two keys of one batch.
    pub(crate) fn batches() -> Vec<RecordBatch> {
        let mut out = Vec::new();
        let mut row = 0u32;
        for size in [1, 7, 50_000, 122_879, 130_000, 30_000] {
            let rows: Vec<u32> = (row..row + size).collect();
            row += size;
            let doc = |r: u32| r / 37;
            let first = doc(rows[0]);
            let doc_ids = dictionary(
                rows.iter().map(|&r| Some(doc(r) - first)).collect(),
                (first..=doc(*rows.last().unwrap()))
                    .map(|d| format!("{d:032x}"))
                    .collect(),
            );
            let article = dictionary(
                rows.iter().map(|&r| Some(r / 500 % 3)).collect(),
                vec!["20.1".into(), "20.2".into(), "20.1".into()],
            );
            let item = dictionary(
                rows.iter().map(|&r| Some((r * 7 + r / 11) % 40)).collect(),
                (0..40).map(|i| format!("item_{i:02}")).collect(),
            );
            let metric = dictionary(
                rows.iter().map(|_| Some(0)).collect(),
                vec!["issued".into()],
            );
            let unit = dictionary(
                rows.iter()
                    .map(|&r| (r % 3 != 0).then_some(r % 2))
                    .collect(),
                vec!["件".into(), "万元".into()],
            );
            let columns: Vec<ArrayRef> = vec![
                doc_ids,
                Arc::new(rows.iter().map(|&r| r as i32).collect::<Int32Array>()),
                article,
                item,
                metric,
                Arc::new(
                    rows.iter()
                        .map(|&r| Some(f64::from(r)))
                        .collect::<Float64Array>(),
                ),
                unit,
                dictionary(
                    rows.iter()
                        .map(|&r| (r % 5 != 0).then_some(r % 1000))
                        .collect(),
                    (0..1000).map(|i| i.to_string()).collect(),
                ),
                // source_page, source_bbox: a PDF fact every 7th row.
                Arc::new(
                    rows.iter()
                        .map(|&r| (r % 7 == 0).then_some((r % 9) as i32 + 1))
                        .collect::<Int32Array>(),
                ),
                Arc::new(
                    rows.iter()
                        .map(|&r| (r % 7 == 0).then(|| format!("{r}.0,1.5,{r}.5,20.0")))
                        .collect::<arrow::array::StringArray>(),
                ),
            ];
            out.push(
                RecordBatch::try_new(Table::ActiveDisclosure.batch_schema(), columns).unwrap(),
            );
        }
        out
    }

    /// Each batch as the contract's strings, the way `ArrowWriter` takes it.
    pub(crate) fn as_strings(batch: &RecordBatch) -> RecordBatch {
        let schema = Table::ActiveDisclosure.schema();
        let columns = batch
            .columns()
            .iter()
            .zip(schema.fields())
            .map(|(c, f)| cast(c, f.data_type()).unwrap())
            .collect();
        RecordBatch::try_new(schema, columns).unwrap()
    }

    fn read(bytes: &Bytes) -> Vec<RecordBatch> {
        ParquetRecordBatchReaderBuilder::try_new(bytes.clone())
            .unwrap()
            .build()
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// The file reads back, value for value and statistic for statistic,
    /// as the one parquet-rs's `ArrowWriter` writes from the same rows.
    #[test]
    fn code_columns_read_back_as_arrow_writer_writes_them() {
        let batches = batches();
        let mut zstd = zstd::bulk::Compressor::new(1).unwrap();
        let mut ours = PartWriter::new(Vec::new(), Table::ActiveDisclosure).unwrap();
        let mut theirs = ArrowWriter::try_new(
            Vec::new(),
            Table::ActiveDisclosure.schema(),
            Some(writer_properties(Table::ActiveDisclosure)),
        )
        .unwrap();
        for batch in &batches {
            ours.write(batch, &mut zstd).unwrap();
            theirs.write(&as_strings(batch)).unwrap();
        }
        let ours = Bytes::from(ours.close(&mut zstd).unwrap());
        let theirs = Bytes::from(theirs.into_inner().unwrap());

        let concat = |b: Vec<RecordBatch>| {
            arrow::compute::concat_batches(&Table::ActiveDisclosure.schema(), &b).unwrap()
        };
        let (a, b) = (concat(read(&ours)), concat(read(&theirs)));
        assert_eq!(a.num_rows(), 332_887);
        assert_eq!(a, b);

        let (ours, theirs) = (
            SerializedFileReader::new(ours).unwrap(),
            SerializedFileReader::new(theirs).unwrap(),
        );
        let (ours, theirs) = (ours.metadata(), theirs.metadata());
        assert_eq!(ours.num_row_groups(), 3);
        assert_eq!(ours.num_row_groups(), theirs.num_row_groups());
        assert_eq!(
            ours.file_metadata().key_value_metadata(),
            theirs.file_metadata().key_value_metadata()
        );
        for (x, y) in ours.row_groups().iter().zip(theirs.row_groups()) {
            assert_eq!(x.num_rows(), y.num_rows());
            for (c, d) in x.columns().iter().zip(y.columns()) {
                let name = c.column_path().string();
                assert_eq!(c.statistics(), d.statistics(), "{name}");
                assert_eq!(c.num_values(), d.num_values(), "{name}");
                let encodings = |m: &parquet::file::metadata::ColumnChunkMetaData| {
                    m.encodings().collect::<Vec<_>>()
                };
                assert_eq!(encodings(c), encodings(d), "{name}");
            }
        }
    }

    /// A row group whose nullable code column is NULL throughout: an empty
    /// dictionary, no indices, only definition levels (DuckDB 1.x reads
    /// such a file too: checked by hand when this was written).
    #[test]
    fn an_all_null_code_chunk_reads_back_as_nulls() {
        let mut zstd = zstd::bulk::Compressor::new(1).unwrap();
        let batch = batches().swap_remove(2);
        // As the builders make it: no values at all, every key NULL.
        let unit = dictionary(vec![None; batch.num_rows()], Vec::new());
        let mut columns = batch.columns().to_vec();
        columns[6] = unit;
        let batch = RecordBatch::try_new(batch.schema(), columns).unwrap();
        let mut ours = PartWriter::new(Vec::new(), Table::ActiveDisclosure).unwrap();
        ours.write(&batch, &mut zstd).unwrap();
        let ours = Bytes::from(ours.close(&mut zstd).unwrap());
        let back = read(&ours);
        let rows: usize = back.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(rows, batch.num_rows());
        assert!(
            back.iter()
                .all(|b| b.column(6).null_count() == b.num_rows())
        );
        let meta = SerializedFileReader::new(ours).unwrap();
        let stats = meta
            .metadata()
            .row_group(0)
            .column(6)
            .statistics()
            .unwrap()
            .clone();
        assert_eq!(stats.null_count_opt(), Some(50_000));
        assert_eq!(stats.min_bytes_opt(), None);
    }

    #[test]
    fn a_batch_of_the_wrong_shape_is_an_error() {
        let mut zstd = zstd::bulk::Compressor::new(1).unwrap();
        let mut writer = PartWriter::new(Vec::new(), Table::ActiveDisclosure).unwrap();
        let strings = as_strings(&batches()[1]);
        let error = writer.write(&strings, &mut zstd).unwrap_err();
        assert!(format!("{error:#}").contains("doc_id"), "{error:#}");
    }
}
