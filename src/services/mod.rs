//! The work of the registry, one folder per area, between the web and command-line front ends
//! and storage. Services take what they need (a connection or pool, the mailer, the catalogue
//! snapshot) and never `AppState` or actix types, so the web handlers and the CLI call the
//! same code.

pub mod accounts;
pub mod alerts;
pub mod demo;
pub mod interchange;
pub mod offers;
pub mod protocols;
pub mod read_model;
pub mod reports;
pub mod setup;
