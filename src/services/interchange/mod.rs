//! Formats the registry reads and writes for other systems: the JSON interchange format of
//! contract.md §1 (import all-or-nothing, export) and ClinicalTrials.gov records (§8).

pub mod ctgov;
pub mod export;
pub mod fhir;
pub mod json;

pub use json::{
    export_docs, import_json, reference_codes, ImportError, ImportReport, RecordErrors,
};
