//! Keeping published protocols in step with ClinicalTrials.gov: for each with an NCT number,
//! the record is fetched and its overall status and its Danish locations' statuses compared
//! with ours. A difference is stored for the editors' dashboard and, when it is new, mailed
//! to the DMCG's editors through the outbox. Nothing in the registry changes without an editor.

use std::time::Duration;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fetch::FetchError;
use super::{convert, departments};
use crate::db::{self, DbConnection, DbPool};
use crate::mail;

/// One field where the registries disagree: `status`, or a department code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub what: String,
    pub ours: String,
    pub theirs: String,
}

/// What a sync run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub checked: usize,
    pub differing: usize,
    pub mailed: usize,
    /// NCT numbers that could not be fetched (tried again next run).
    pub failed: Vec<String>,
}

/// Compares every published protocol with an NCT number with the record `fetch` returns.
pub fn sync_once(
    conn: &mut DbConnection,
    fetch: &dyn Fn(&str) -> Result<Value, FetchError>,
    base_url: &str,
    now: NaiveDateTime,
) -> anyhow::Result<SyncReport> {
    let departments = departments(conn)?;
    let mut report = SyncReport::default();
    for stored in db::protocols::load_protocols(conn, None, true)? {
        let p = &stored.protocol;
        let Some(nct) = p.identifiers.nct.as_ref().map(ToString::to_string) else {
            continue;
        };
        let value = match fetch(&nct) {
            Ok(v) => v,
            Err(_) => {
                report.failed.push(nct);
                continue;
            }
        };
        // A record of another study (a wrong redirect, a renumbered record) is no answer.
        let Ok(theirs) = convert(&value, Some(&p.dmcg), &departments)
            .map_err(|_| ())
            .and_then(|c| {
                if c.record.identifiers.nct.as_deref() == Some(nct.as_str()) {
                    Ok(c)
                } else {
                    Err(())
                }
            })
        else {
            report.failed.push(nct);
            continue;
        };
        report.checked += 1;
        let mut differences = Vec::new();
        let ours_status = p.recruitment_status.as_str().to_owned();
        if let Some(status) = theirs.record.recruitment_status.as_ref() {
            if *status != ours_status {
                differences.push(Difference {
                    what: "status".into(),
                    ours: ours_status,
                    theirs: status.clone(),
                });
            }
        }
        for site in &theirs.record.sites {
            if let Some(own) = p.sites.iter().find(|s| s.site == site.site) {
                if own.status.as_str() != site.status {
                    differences.push(Difference {
                        what: site.site.clone(),
                        ours: own.status.as_str().to_owned(),
                        theirs: site.status.clone(),
                    });
                }
            }
        }
        let before = db::source_differences::find(conn, stored.id)?;
        if differences.is_empty() {
            if before.is_some() {
                db::source_differences::clear(conn, stored.id)?;
            }
            continue;
        }
        report.differing += 1;
        let json = serde_json::to_string(&differences)?;
        let is_new = before.as_ref().is_none_or(|(_, _, old, _)| *old != json);
        db::source_differences::save(conn, stored.id, &nct, &json, now)?;
        if is_new {
            let url = format!("{base_url}/redaktion/protokoller/{}", stored.slug);
            let lines: Vec<String> = differences
                .iter()
                .map(|d| describe_da(d, &departments))
                .collect();
            for to in db::users::editor_emails(conn, &p.dmcg)? {
                let mail = mail::source_changed_mail(&to, &p.acronym, &nct, &lines, &url);
                mail::enqueue(conn, &mail, now)?;
            }
            report.mailed += 1;
        }
    }
    Ok(report)
}

impl Difference {
    /// The difference in words: the department's name (`None` for the recruitment status),
    /// then our status and theirs, labelled in Danish or English.
    pub fn labels(
        &self,
        site_name: impl Fn(&str) -> Option<String>,
        english: bool,
    ) -> (Option<String>, String, String) {
        let label = |status: &str| -> String {
            let (da, en) = match status.parse::<dccc_matching::RecruitmentStatus>() {
                Ok(s) => (s.label_da(), s.label_en()),
                Err(_) => match status.parse::<dccc_matching::SiteStatus>() {
                    Ok(s) => (s.label_da(), s.label_en()),
                    Err(_) => return status.to_owned(),
                },
            };
            if english { en } else { da }.to_owned()
        };
        let what = (self.what != "status")
            .then(|| site_name(&self.what).unwrap_or_else(|| self.what.clone()));
        (what, label(&self.ours), label(&self.theirs))
    }
}

/// A difference in Danish words, for the editors' e-mail: "Rekrutteringsstatus: Åben for
/// inklusion her, Lukket for inklusion på ClinicalTrials.gov".
fn describe_da(d: &Difference, departments: &[super::DepartmentRef]) -> String {
    let site_name = |code: &str| {
        departments
            .iter()
            .find(|s| s.code == code)
            .map(|s| format!("{}, {}", s.hospital, s.department))
    };
    let (what, ours, theirs) = d.labels(site_name, false);
    let what = what.unwrap_or_else(|| "Rekrutteringsstatus".to_owned());
    format!("{what}: {ours} her, {theirs} på ClinicalTrials.gov")
}

/// The stored differences of a protocol.
pub fn differences_of(
    conn: &mut DbConnection,
    protocol: i32,
) -> diesel::QueryResult<Vec<Difference>> {
    Ok(db::source_differences::find(conn, protocol)?
        .and_then(|(_, _, json, _)| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Runs [`sync_once`] against `api_url` every `period` (the first run after one period);
/// not started when `api_url` is empty.
pub fn spawn(pool: DbPool, api_url: String, base_url: String, period: Duration) {
    if api_url.is_empty() {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let (pool, api_url, base_url) = (pool.clone(), api_url.clone(), base_url.clone());
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<SyncReport> {
                let mut conn = pool.get()?;
                let fetch =
                    |nct: &str| super::fetch::fetch_study(&api_url, nct, super::fetch::TIMEOUT);
                sync_once(&mut conn, &fetch, &base_url, chrono::Utc::now().naive_utc())
            })
            .await;
            match result {
                Ok(Ok(r)) => tracing::info!(
                    checked = r.checked,
                    differing = r.differing,
                    failed = r.failed.len(),
                    "ClinicalTrials.gov sync"
                ),
                Ok(Err(e)) => tracing::warn!("ClinicalTrials.gov sync failed: {e:#}"),
                Err(e) => tracing::warn!("ClinicalTrials.gov sync task failed: {e}"),
            }
        }
    });
}
