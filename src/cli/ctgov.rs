//! `ctgov convert FILE|NCT` and `ctgov import FILE|NCT --dmcg X` (contract.md §8): a
//! ClinicalTrials.gov record in the interchange format, printed or stored as a draft.

use chrono::Utc;

use crate::config::Settings;
use crate::db::DbConnection;
use crate::domain::identifiers::slugify;
use crate::services::interchange::ctgov::{self, Converted, Source};
use crate::services::protocols::workflow;

fn converted(
    conn: &mut DbConnection,
    settings: &Settings,
    arg: &str,
    dmcg: Option<&str>,
) -> anyhow::Result<Result<Converted, i32>> {
    let value = match ctgov::read(&Source::parse(arg), &settings.ctgov_api_url) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Err(2));
        }
    };
    let departments = ctgov::departments(conn)?;
    match ctgov::convert(&value, dmcg, &departments) {
        Ok(c) => Ok(Ok(c)),
        Err(e) => {
            eprintln!("error: {arg}: {e}");
            Ok(Err(2))
        }
    }
}

/// What the editor must look at, on standard error: suggestions with their sentence, the
/// Danish locations no department was found for, the Danish fields to write.
fn report(c: &Converted) {
    for s in &c.suggestions {
        eprintln!("suggested {} = {} (from: {})", s.field, s.value, s.sentence);
    }
    for u in &c.unmatched_locations {
        eprintln!(
            "no department found for the location {} ({}); add it by hand",
            u.facility, u.city
        );
    }
    for field in &c.to_write {
        eprintln!("still to write: {field}");
    }
}

/// `ctgov convert`: the interchange record on standard output; nothing stored.
pub fn convert(conn: &mut DbConnection, settings: &Settings, arg: &str) -> anyhow::Result<i32> {
    let c = match converted(conn, settings, arg, None)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    report(&c);
    println!("{}", serde_json::to_string_pretty(&c.record)?);
    Ok(0)
}

/// `ctgov import --dmcg X`: a draft of DMCG X; prints its slug.
pub fn import(
    conn: &mut DbConnection,
    settings: &Settings,
    arg: &str,
    dmcg: &str,
) -> anyhow::Result<i32> {
    let codes = crate::services::interchange::reference_codes(conn)?;
    let Some(dmcg) = codes
        .dmcgs
        .iter()
        .find(|d| d.eq_ignore_ascii_case(dmcg.trim()))
    else {
        eprintln!("error: --dmcg {dmcg:?} is not a DMCG acronym");
        return Ok(2);
    };
    let c = match converted(conn, settings, arg, Some(dmcg))? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    report(&c);
    let nct = c.record.identifiers.nct.clone().unwrap_or_default();
    let now = Utc::now().naive_utc();
    let source = format!("ClinicalTrials.gov {nct} (command line)");
    let id = match workflow::import_draft(conn, &c.record, None, &source, &c.notes(), now) {
        Ok(id) => id,
        Err(e) => anyhow::bail!("{e}"),
    };
    let slug = slugify(c.record.acronym.as_deref().unwrap_or(&nct));
    eprintln!("stored as draft {id} of {dmcg}; an editor completes and submits it");
    println!("{slug}");
    Ok(0)
}
