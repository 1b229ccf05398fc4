//! DCCC protocol registry and matching service: the registry of Danish cancer trial
//! protocols, its public pages and API, and the command line.
//!
//! Layers, each importing only from the ones below it (checked by `tests/architecture.rs`):
//! `cli`, `web` → `services` → `catalogue`, `search`, `db`, `mail` → `domain` → `dccc_matching`.

pub mod catalogue;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod mail;
pub mod search;
pub mod services;
pub mod web;

rust_i18n::i18n!("locales", fallback = "da");
