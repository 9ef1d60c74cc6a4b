//! The resolved model: events, boundaries, categories and the study that ties them.

pub mod boundaries;
pub mod categories;
pub mod colour;
pub mod country;
pub mod details;
pub mod event;
pub mod study;
pub mod style;

pub use boundaries::{
    AdminUnit, Border, Boundaries, CercleId, Layer, LayerMeta, NamedArea, NamedLine, Neighbour,
    Place, RegionId,
};
pub use categories::{ActorGroup, ActorRoles, Categories, Category, CategorySet, Classifier};
pub use colour::Colour;
pub use country::{CountryBy, CountryCodes, CountryMatch};
pub use details::{Detail, EventDetails};
pub use event::{ActorList, Dataset, Event, EventIds, EventSet, Strings, Sym};
pub use study::{ImageFormat, Study, StudyOverrides};
pub use style::Style;
