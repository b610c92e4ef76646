//! Every real report, cell by cell.
