//! Criterion micro-benchmarks of the hot path: decode, layout reading and
//! extraction, on the real fixture reports and on one generated report per
//! layout (`data/sample`); and the writer's work for one chunk of those
//! reports (Arrow batches, then Parquet in memory, as the sink writes it), in rows per second.
//!
//! `cargo bench --bench parse`. The end-to-end benchmark (files/s, MB/s,
//! stages, peak RSS, Python and ripgrep side by side) is `tests/bench/bench.py`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use govreports::batch::build_batches;
use govreports::decode::decode;
use govreports::extract::extract;
use govreports::layout;
use govreports::report::Report;
use govreports::sink::PartWriter;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "tests/fixtures/corpus/real",
        "tests/fixtures/corpus/seeds",
        "data/sample",
    ] {
        collect(&root.join(dir), &root, &mut out);
    }
    out.sort();
    out.retain(|(_, b)| decode(b).is_ok());
    out
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, root, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "txt" || x == "md" || x == "html")
        {
            let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            out.push((name, std::fs::read(&p).expect("readable fixture")));
        }
    }
}

fn benches(c: &mut Criterion) {
    let inputs = inputs();
    let total: u64 = inputs.iter().map(|(_, b)| b.len() as u64).sum();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("decode", |b| {
        b.iter(|| {
            for (_, bytes) in &inputs {
                black_box(decode(black_box(bytes)).ok());
            }
        });
    });
    let texts: Vec<_> = inputs
        .iter()
        .map(|(_, b)| decode(b).expect("decodable"))
        .collect();
    group.bench_function("layout_read", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(layout::read(black_box(t)).rows.len());
            }
        });
    });
    group.bench_function("extract", |b| {
        b.iter(|| {
            for t in &texts {
                let mut r = Report::new(String::new(), String::new(), 0);
                extract(black_box(t), &mut r);
                black_box(r.applications.len());
            }
        });
    });
    group.bench_function("parse_bytes", |b| {
        b.iter(|| {
            for (name, bytes) in &inputs {
                black_box(govreports::parse::parse_bytes(name, black_box(bytes)).cells_found);
            }
        });
    });
    group.finish();
    write(c, &inputs);
}

/// The writer thread's work for one chunk: Arrow batches from parsed
/// reports, then Parquet (in memory) as the run's sink writes it.
/// The fixtures are cycled to a chunk of 512 reports, so the dictionaries
/// and statistics see the repetition a real chunk has.
fn write(c: &mut Criterion, inputs: &[(String, Vec<u8>)]) {
    let reports: Vec<Report> = inputs
        .iter()
        .cycle()
        .take(512)
        .enumerate()
        .map(|(i, (name, bytes))| {
            let mut r = govreports::parse::parse_bytes(name, bytes);
            r.doc_id = format!("{i:032x}");
            r
        })
        .collect();
    let refs: Vec<&Report> = reports.iter().collect();
    let batches = build_batches(&refs).expect("batches");
    let rows: u64 = batches.iter().map(|(_, b)| b.num_rows() as u64).sum();
    let mut group = c.benchmark_group("write");
    group.throughput(Throughput::Elements(rows));
    group.bench_function("build_batches", |b| {
        b.iter(|| black_box(build_batches(black_box(&refs)).expect("batches").len()));
    });
    let mut zstd = zstd::bulk::Compressor::new(1).expect("zstd");
    group.bench_function("parquet", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for (table, batch) in &batches {
                let mut w = PartWriter::new(Vec::new(), *table).expect("writer");
                w.write(batch, &mut zstd).expect("write");
                bytes += w.close(&mut zstd).expect("finish").len();
            }
            black_box(bytes)
        });
    });
    // Issue 30, part 3: the same batches through parquet-rs's own
    // `ArrowWriter`, with the same properties (dictionary for codes, plain
    // for unique strings and numbers, delta for lines, zstd, chunk
    // statistics): what the hand-written dictionary pages save.
    let plain: Vec<_> = batches
        .iter()
        .map(|(table, batch)| {
            let schema = table.schema();
            let columns = batch
                .columns()
                .iter()
                .zip(schema.fields())
                .map(|(c, f)| arrow::compute::cast(c, f.data_type()).expect("cast"))
                .collect();
            (
                *table,
                arrow::record_batch::RecordBatch::try_new(schema, columns).expect("batch"),
            )
        })
        .collect();
    group.bench_function("parquet_arrow_writer", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for (table, batch) in &plain {
                let mut w = parquet::arrow::ArrowWriter::try_new(
                    Vec::new(),
                    table.schema(),
                    Some(govreports::sink::writer_properties(*table)),
                )
                .expect("writer");
                w.write(batch).expect("write");
                bytes += w.into_inner().expect("finish").len();
            }
            black_box(bytes)
        });
    });
    // The same, fed the code columns as Arrow dictionaries (parquet-rs
    // still interns every row's value).
    group.bench_function("parquet_arrow_writer_dict_input", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for (table, batch) in &batches {
                let mut w = parquet::arrow::ArrowWriter::try_new(
                    Vec::new(),
                    table.batch_schema(),
                    Some(govreports::sink::writer_properties(*table)),
                )
                .expect("writer");
                w.write(batch).expect("write");
                bytes += w.into_inner().expect("finish").len();
            }
            black_box(bytes)
        });
    });
    group.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
