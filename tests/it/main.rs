//! One integration-test binary (as Polars and arrow-rs do): the real corpus
//! cell by cell, the batch pipeline end to end with a real DuckDB, and
//! robustness properties.

mod hostile;
mod incremental;
mod pipeline;
mod readers;
mod real_corpus;
mod robustness;
mod support;
mod truth;
mod ux;
