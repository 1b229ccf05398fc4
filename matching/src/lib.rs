//! Pure matching vocabulary for the DCCC protocol registry: ICD-10 codes and patterns, the
//! controlled vocabularies of the interchange format, and Danish geography. No I/O lives here.

pub mod geo;
pub mod icd;
pub mod vocab;

#[cfg(test)]
mod serde_capture;

pub use geo::{haversine_km, Region};
pub use icd::{IcdCode, IcdError, IcdPattern, IcdPatternList};
pub use vocab::*;
