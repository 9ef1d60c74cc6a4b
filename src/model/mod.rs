//! The resolved model: events, boundaries, categories and the study that ties them.

pub mod categories;
pub mod event;

pub use categories::{ActorGroup, ActorRoles, Categories, Category, CategorySet, Classifier};
pub use event::{Dataset, Event, EventSet, Strings, Sym};
