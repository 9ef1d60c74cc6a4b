//! Products: library functions of one loaded run and plain options, written to files.

pub mod spread;
