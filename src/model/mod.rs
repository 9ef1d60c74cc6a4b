//! The resolved model: events, boundaries, categories and the study that ties them.

pub mod event;

pub use event::{Dataset, Event, EventSet, Strings, Sym};
