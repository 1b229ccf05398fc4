//! An immutable in-memory snapshot of the published registry and its reference data, rebuilt
//! from the database whenever the registry's change counter moves. Lists, filters, facets and
//! distances are computed here, so a page never scans the database.

pub mod cancer_types;
pub mod department;
pub mod lay_groups;
pub mod matcher;
pub mod persist;
pub mod query;
pub mod snapshot;

pub use query::{Facets, Hit, ListResult, ParamError, ProtocolQuery, Sort};
pub use snapshot::{
    Catalogue, CatalogueHandle, DmcgInfo, Entry, PathwayInfo, PostcodeInfo, ResearchContact,
    SiteInfo, Sources,
};
