//! The contract's tables as Arrow schemas (data-contract.md, version 1).
//!
//! `report_year` is not a column inside the files: it is the hive partition
//! key (`report_year=2021/`), which DuckDB, Spark and Polars read back as an
//! integer column. Writing it twice would make readers disagree.

use std::sync::{Arc, LazyLock};

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

/// One output table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// One row per input file.
    Reports,
    /// Table 二 facts.
    ActiveDisclosure,
    /// Table 三 facts.
    Applications,
    /// Table 四 facts.
    ReviewsLitigation,
    /// Counts stated in prose.
    NarrativeCounts,
    /// Accounting identities.
    Checks,
    /// Findings per file.
    Diagnostics,
}

/// Every table, in the order they are written and summarised.
pub const TABLES: [Table; 7] = [
    Table::Reports,
    Table::ActiveDisclosure,
    Table::Applications,
    Table::ReviewsLitigation,
    Table::NarrativeCounts,
    Table::Checks,
    Table::Diagnostics,
];

impl Table {
    /// The directory name under the output root.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Reports => "reports",
            Self::ActiveDisclosure => "active_disclosure",
            Self::Applications => "applications",
            Self::ReviewsLitigation => "reviews_litigation",
            Self::NarrativeCounts => "narrative_counts",
            Self::Checks => "checks",
            Self::Diagnostics => "diagnostics",
        }
    }

    /// String columns whose values are (nearly) all different: a file path,
    /// a title, a sentence. Dictionary encoding gains nothing on them, and
    /// each open writer would keep a dictionary of up to 1 MB per such
    /// column (with its hash table) in memory; they are written plain.
    #[must_use]
    pub fn unique_text_columns(self) -> &'static [&'static str] {
        match self {
            Self::Reports => &["doc_id", "source_path", "title", "organization", "error"],
            Self::NarrativeCounts => &["sentence"],
            Self::Diagnostics => &["message"],
            Self::ActiveDisclosure
            | Self::Applications
            | Self::ReviewsLitigation
            | Self::Checks => &[],
        }
    }

    /// String columns of a few values repeated on every row: `doc_id`, the
    /// codes (the template's `&'static str`s) and the cells as written
    /// (`raw`: `0`, `12`, `—`). The batches carry them as Arrow
    /// dictionaries, and the sink writes their Parquet dictionaries without
    /// hashing every row (`crate::sink::dictionary`); in the files they are
    /// strings like the others.
    #[must_use]
    pub fn coded_columns(self) -> &'static [&'static str] {
        match self {
            Self::Reports => &[],
            Self::ActiveDisclosure => &[
                "doc_id",
                "article",
                "item_code",
                "metric_code",
                "unit",
                "raw",
            ],
            Self::Applications => &["doc_id", "row_code", "applicant", "raw"],
            Self::ReviewsLitigation => &["doc_id", "proceeding", "outcome", "raw"],
            Self::NarrativeCounts => &["doc_id", "channel"],
            Self::Checks => &["doc_id", "check_code"],
            Self::Diagnostics => &[
                "doc_id",
                "severity",
                "code",
                "table_name",
                "row_code",
                "column_code",
            ],
        }
    }

    /// The table's Arrow schema: the contract's, and the files'.
    #[must_use]
    pub fn schema(self) -> SchemaRef {
        static SCHEMAS: LazyLock<[SchemaRef; 7]> =
            LazyLock::new(|| TABLES.map(|t| Arc::new(Schema::new(fields(t)))));
        SCHEMAS[self as usize].clone()
    }

    /// The schema of the table's record batches: [`Self::schema`] with the
    /// [`Self::coded_columns`] as `Dictionary(UInt32, Utf8)`.
    #[must_use]
    pub fn batch_schema(self) -> SchemaRef {
        static SCHEMAS: LazyLock<[SchemaRef; 7]> = LazyLock::new(|| {
            TABLES.map(|t| {
                let coded = t.coded_columns();
                let fields: Vec<Field> = fields(t)
                    .into_iter()
                    .map(|f| {
                        if coded.contains(&f.name().as_str()) {
                            let dictionary = DataType::Dictionary(
                                Box::new(DataType::UInt32),
                                Box::new(DataType::Utf8),
                            );
                            f.with_data_type(dictionary)
                        } else {
                            f
                        }
                    })
                    .collect();
                Arc::new(Schema::new(fields))
            })
        });
        SCHEMAS[self as usize].clone()
    }
}

fn s(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn req(name: &str, dt: DataType) -> Field {
    Field::new(name, dt, false)
}

fn fields(table: Table) -> Vec<Field> {
    use DataType::{Boolean, Date32, Float64, Int32, Int64, Utf8};
    match table {
        Table::Reports => vec![
            req("doc_id", Utf8),
            req("source_path", Utf8),
            req("source_bytes", Int64),
            s("encoding"),
            s("format"),
            s("layout"),
            s("title"),
            s("organization"),
            s("province"),
            s("city"),
            s("county"),
            s("township"),
            s("admin_code"),
            req("admin_level", Utf8),
            Field::new("published_on", Date32, true),
            s("template_version"),
            req("status", Utf8),
            s("error"),
            s("error_code"),
            req("cells_expected", Int32),
            req("cells_found", Int32),
            req("cells_blank", Int32),
            req("checks_failed", Int32),
            req("diagnostics", Int32),
            req("parser_version", Utf8),
            // Contract addition (2026-12): what incremental runs compare.
            Field::new("source_mtime_ns", Int64, true),
        ],
        Table::ActiveDisclosure => vec![
            req("doc_id", Utf8),
            req("source_line", Int32),
            req("article", Utf8),
            req("item_code", Utf8),
            req("metric_code", Utf8),
            Field::new("value", Float64, true),
            s("unit"),
            s("raw"),
            // Contract addition (2026-12): where in a PDF the fact was read.
            Field::new("source_page", Int32, true),
            s("source_bbox"),
        ],
        Table::Applications => vec![
            req("doc_id", Utf8),
            req("source_line", Int32),
            req("row_code", Utf8),
            req("applicant", Utf8),
            Field::new("count", Int64, true),
            s("raw"),
            // Contract addition (2026-12): where in a PDF the fact was read.
            Field::new("source_page", Int32, true),
            s("source_bbox"),
        ],
        Table::ReviewsLitigation => vec![
            req("doc_id", Utf8),
            req("source_line", Int32),
            req("proceeding", Utf8),
            req("outcome", Utf8),
            Field::new("count", Int64, true),
            s("raw"),
            // Contract addition (2026-12): where in a PDF the fact was read.
            Field::new("source_page", Int32, true),
            s("source_bbox"),
        ],
        Table::NarrativeCounts => vec![
            req("doc_id", Utf8),
            req("source_line", Int32),
            req("subject", Utf8),
            s("category"),
            s("channel"),
            req("is_total", Boolean),
            req("count", Int64),
            req("approximate", Boolean),
            req("sentence", Utf8),
            // Contract addition (2026-12): where in a PDF the fact was read.
            Field::new("source_page", Int32, true),
            s("source_bbox"),
        ],
        Table::Checks => vec![
            req("doc_id", Utf8),
            req("check_code", Utf8),
            req("scope", Utf8),
            req("expected", Float64),
            req("actual", Float64),
            req("passed", Boolean),
        ],
        Table::Diagnostics => vec![
            req("doc_id", Utf8),
            Field::new("source_line", Int32, true),
            req("severity", Utf8),
            req("code", Utf8),
            req("message", Utf8),
            s("table_name"),
            s("row_code"),
            s("column_code"),
        ],
    }
}
