//! Reports → Arrow record batches, one per contract table.
//!
//! [`schema`] is the data contract in code; [`builders`] fills Arrow
//! builders directly from [`crate::report::Report`]s, with no intermediate
//! rows.

pub mod builders;
pub mod schema;

pub use builders::{TableBatches, build_batches};
pub use schema::{TABLES, Table};
