//! DCCC protocol registry and matching service: the registry of Danish cancer trial
//! protocols, its public pages and API, and the command line.

pub mod bench;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod mail;
pub mod offers;
pub mod registry;
pub mod reminders;
pub mod search;
pub mod transparency;
pub mod users_cli;
pub mod web;
pub mod workflow;

rust_i18n::i18n!("locales", fallback = "da");
