//! `dccc-bench ctgov`: converting one large ClinicalTrials.gov record, and importing many
//! records as drafts (convert, match the Danish locations, store the draft and its notes).

use std::path::{Path, PathBuf};
use std::time::Instant;

use dccc_registry::db::DbConnection;
use dccc_registry::services::interchange::ctgov;
use dccc_registry::services::protocols::workflow;

fn median_ms(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Times `runs` conversions of `record`, then `imports` drafts made from the study records
/// in `dir` in turn.
pub fn run(
    conn: &mut DbConnection,
    record: &Path,
    runs: u32,
    dir: &Path,
    imports: u32,
) -> anyhow::Result<i32> {
    let departments = ctgov::departments(conn)?;
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(record)?)?;
    let locations = value["protocolSection"]["contactsLocationsModule"]["locations"]
        .as_array()
        .map_or(0, Vec::len);
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let converted = ctgov::convert(&value, Some("DLCG"), &departments)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(converted);
    }
    println!(
        "convert {} ({locations} locations): median {:.2} ms over {} runs",
        record.display(),
        median_ms(times),
        runs.max(1)
    );
    let mut records: Vec<(PathBuf, serde_json::Value)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
            if ctgov::study_of(&v).is_ok() {
                records.push((path, v));
            }
        }
    }
    records.sort_by(|a, b| a.0.cmp(&b.0));
    anyhow::ensure!(!records.is_empty(), "no study records in {}", dir.display());
    let start = Instant::now();
    let now = chrono::Utc::now().naive_utc();
    for i in 0..imports {
        let (_, v) = &records[i as usize % records.len()];
        // Each import converts from the JSON text, as the command line does.
        let text = serde_json::to_string(v)?;
        let value: serde_json::Value = serde_json::from_str(&text)?;
        let departments = ctgov::departments(conn)?;
        let converted = ctgov::convert(&value, Some("DLCG"), &departments)?;
        workflow::import_draft(
            conn,
            &converted.record,
            None,
            "bench",
            &converted.notes(),
            now,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "import {imports} records as drafts (from {} files): {secs:.2} s, {:.1} ms per record",
        records.len(),
        secs * 1000.0 / f64::from(imports.max(1))
    );
    Ok(0)
}
