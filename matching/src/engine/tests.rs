//! Tests of the matching engine: the contract's criterion table, pathways, ordering,
//! geography, and properties that must hold for any protocol and profile.

mod criteria_table;
mod fixtures;
mod groups;
mod pathways;
mod properties;
mod ranking;
mod strategies;
