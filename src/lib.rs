//! DCCC protocol registry and matching service: the registry of Danish cancer trial
//! protocols, its public pages and API, and the command line.

pub mod catalogue;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod registry;
pub mod web;

rust_i18n::i18n!("locales", fallback = "da");
