//! Integration tests: each starts the real app on 127.0.0.1:0 with a database of its own
//! (a SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set).

mod accounts;
mod alerts;
mod api_errors;
mod api_params;
mod api_protocols;
mod api_reference;
mod architecture;
mod batch;
mod cli;
mod conference;
mod cpr;
mod ctgov;
mod disclosure;
mod feeds;
mod fhir;
mod headers;
mod helpers;
mod indicator;
mod languages;
mod logs;
mod mail;
mod matching;
mod matching_lay;
mod offers;
mod open_data;
mod openapi;
mod pages;
mod patients;
mod phone;
mod reference;
mod review;
mod search;
mod snapshot;
mod sorting;
mod timeouts;
