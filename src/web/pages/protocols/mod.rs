//! `/protokoller`: the list with filters, and one protocol's page.

pub mod filters;
pub mod list;
pub mod show;
