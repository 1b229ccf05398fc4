//! The nightly full export (open data): every published protocol as one JSON array in the
//! interchange format (what `dccc-registry import` reads back) and as one FHIR R4 Bundle of
//! type `collection`, written to files under `DATA_DIR/export` and served at stable
//! addresses (`/data/protokoller.json`, `/data/protokoller.fhir.json`). Each file is written
//! to a temporary name and renamed, so a reader never sees half of one.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Europe::Copenhagen;
use serde_json::json;

use crate::catalogue::{Catalogue, CatalogueHandle};
use crate::db::protocols::load_protocols;
use crate::db::{DbConnection, DbPool};
use crate::domain::ProtocolDoc;
use crate::services::interchange::fhir;

/// The folder under `DATA_DIR`.
pub const EXPORT_DIR: &str = "export";
/// The interchange format's export.
pub const JSON_FILE: &str = "protokoller.json";
/// The FHIR Bundle.
pub const FHIR_FILE: &str = "protokoller.fhir.json";
/// The export is written each night at this hour, Danish time.
pub const NIGHTLY_HOUR: u32 = 2;

pub fn export_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(EXPORT_DIR)
}

/// What one export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportReport {
    pub protocols: usize,
}

/// Writes a file through `write` to a temporary name, then renames it: readers see the old
/// file or the whole new one. The file is streamed, so its size does not live in memory.
fn write_atomically(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    // A name of its own per write: two writers (the nightly job and a first download) never
    // share a temporary file.
    let temporary = dir.join(format!(".{name}.{}.tmp", rand::random::<u64>()));
    let written = std::fs::File::create(&temporary)
        .map_err(anyhow::Error::from)
        .and_then(|file| {
            let mut out = BufWriter::new(file);
            write(&mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(())
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(e.context(format!("cannot write {}", temporary.display())));
    }
    std::fs::rename(&temporary, dir.join(name))
        .with_context(|| format!("cannot replace {name}"))?;
    Ok(())
}

/// Writes `items` as a JSON array, one element at a time.
fn write_array<T>(
    out: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
    mut element: impl FnMut(&mut dyn Write, T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    out.write_all(b"[")?;
    for (i, item) in items.into_iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        element(out, item)?;
    }
    out.write_all(b"\n]")?;
    Ok(())
}

/// Writes both files from the published protocols, by acronym. Each is streamed record by
/// record (100,000 protocols make a 600 MB interchange file).
pub fn write_all(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    base_url: &str,
    dir: &Path,
    now: NaiveDateTime,
) -> anyhow::Result<ExportReport> {
    let mut published = load_protocols(conn, None, true)?;
    published.sort_by_key(|s| s.protocol.acronym.to_lowercase());
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_atomically(dir, JSON_FILE, |out| {
        write_array(out, &published, |out, s| {
            let doc = ProtocolDoc::from_protocol(&s.protocol);
            serde_json::to_writer_pretty(out, &doc)?;
            Ok(())
        })
    })?;
    write_atomically(dir, FHIR_FILE, |out| {
        let timestamp = now
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        write!(
            out,
            "{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":{},\"entry\":",
            serde_json::Value::String(timestamp)
        )?;
        write_array(out, &published, |out, s| {
            let entry = json!({
                "fullUrl": format!("{base_url}/fhir/ResearchStudy/{}", s.slug),
                "resource": fhir::research_study(s, catalogue, base_url),
            });
            serde_json::to_writer(out, &entry)?;
            Ok(())
        })?;
        out.write_all(b"}")?;
        Ok(())
    })?;
    Ok(ExportReport {
        protocols: published.len(),
    })
}

/// How long until the next [`NIGHTLY_HOUR`] o'clock in Copenhagen.
pub fn until_next_night(now: chrono::DateTime<chrono::Utc>) -> Duration {
    let local = now.with_timezone(&Copenhagen);
    let mut day = local.date_naive();
    if local.time() >= chrono::NaiveTime::from_hms_opt(NIGHTLY_HOUR, 0, 0).unwrap_or_default() {
        day = day.succ_opt().unwrap_or(day);
    }
    let next = day
        .and_hms_opt(NIGHTLY_HOUR, 0, 0)
        .and_then(|t| Copenhagen.from_local_datetime(&t).earliest());
    next.map_or(Duration::from_secs(24 * 3600), |next| {
        (next.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::from_secs(60))
    })
}

fn run_once(pool: &DbPool, catalogue: &Catalogue, base_url: &str, dir: &Path) {
    let result = pool
        .get()
        .map_err(anyhow::Error::from)
        .and_then(|mut conn| {
            write_all(
                &mut conn,
                catalogue,
                base_url,
                dir,
                chrono::Utc::now().naive_utc(),
            )
        });
    match result {
        Ok(r) => tracing::info!(protocols = r.protocols, "open data export written"),
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "open data export failed"),
    }
}

/// Writes the export now (so the files exist from the start), then each night.
pub fn spawn(pool: DbPool, catalogue: CatalogueHandle, base_url: String, dir: PathBuf) {
    tokio::spawn(async move {
        let mut wait = Duration::ZERO;
        loop {
            tokio::time::sleep(wait).await;
            let (pool, base_url, dir) = (pool.clone(), base_url.clone(), dir.clone());
            let snapshot = catalogue.get();
            let _ =
                tokio::task::spawn_blocking(move || run_once(&pool, &snapshot, &base_url, &dir))
                    .await;
            wait = until_next_night(chrono::Utc::now());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .with_timezone(&chrono::Utc)
    }

    #[test]
    fn the_next_run_is_at_two_at_night_danish_time_across_summer_time() {
        let cases = [
            // Winter (UTC+1): 23:30 UTC is 00:30 in Copenhagen; 02:00 there is 01:00 UTC.
            ("2026-12-01T23:30:00Z", 90 * 60),
            // 01:00 UTC is 02:00 in Copenhagen: the next run is a day later.
            ("2026-12-02T01:00:00Z", 24 * 3600),
            // Summer (UTC+2): 02:00 in Copenhagen is 00:00 UTC.
            ("2026-07-01T23:00:00Z", 3600),
        ];
        for (now, seconds) in cases {
            assert_eq!(until_next_night(utc(now)).as_secs(), seconds, "{now}");
        }
    }
}
