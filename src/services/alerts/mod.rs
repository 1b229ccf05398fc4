//! E-mail alerts: anyone may subscribe to a filter (DMCG, region, lay diagnosis group, phase,
//! children or adults) and hears, at most once a week, about the matching protocols that
//! opened since the last message. Double opt-in: nothing is sent to an address until the
//! confirmation link in the first message is used; unconfirmed subscriptions are deleted
//! after [`UNCONFIRMED_DAYS`] days. Every alert carries a signed link to leave (also as
//! `List-Unsubscribe`, one click). All mail goes through the outbox.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use dccc_matching::{Phase, Region, SiteStatus};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::catalogue::matcher::diagnosis_names;
use crate::catalogue::Catalogue;
use crate::db::alerts::{self, NewSubscription, Subscription};
use crate::db::protocols::{load_protocols, StoredProtocol};
use crate::db::{DbConnection, DbPool};
use crate::domain::{msg, Email, FieldError};
use crate::mail;

/// Unconfirmed subscriptions are deleted after this many days.
pub const UNCONFIRMED_DAYS: i64 = 7;
/// At most one alert per subscription in this many days.
pub const ALERT_EVERY_DAYS: i64 = 7;
/// One confirmation message per address per hour at most, however often the form is sent.
const CONFIRMATION_PAUSE: TimeDelta = TimeDelta::hours(1);
/// How often the server looks for alerts to send.
pub const CHECK_PERIOD: Duration = Duration::from_secs(3600);

/// Who a filter is for.
pub const AUDIENCES: [&str; 2] = ["children", "adults"];

/// What a subscriber chose; every part is optional (none: every newly opened protocol).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub dmcg: Option<String>,
    pub region: Option<Region>,
    /// A lay diagnosis group by its key (`C33-C34`, `*`).
    pub lay_group: Option<String>,
    pub phase: Option<Phase>,
    /// `children` or `adults`.
    pub audience: Option<String>,
}

/// A filter as a form gives it: codes as text, "" for any.
#[derive(Debug, Clone, Default)]
pub struct FilterInput<'a> {
    pub dmcg: &'a str,
    pub region: &'a str,
    pub lay_group: &'a str,
    pub phase: &'a str,
    pub audience: &'a str,
}

impl AlertFilter {
    /// Checks each part against the reference data; errors name the form's fields.
    pub fn parse(input: &FilterInput<'_>, catalogue: &Catalogue) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut filter = Self::default();
        let unknown = |field: &str, errors: &mut Vec<FieldError>| {
            errors.push(FieldError::new(field, msg::ALERT_UNKNOWN_CHOICE));
        };
        if !input.dmcg.is_empty() {
            match catalogue.dmcg(input.dmcg) {
                Some(d) => filter.dmcg = Some(d.acronym.clone()),
                None => unknown("dmcg", &mut errors),
            }
        }
        if !input.region.is_empty() {
            match input.region.parse::<i32>().ok().and_then(Region::from_code) {
                Some(r) => filter.region = Some(r),
                None => unknown("region", &mut errors),
            }
        }
        if !input.lay_group.is_empty() {
            let groups = diagnosis_names().lay.groups();
            match groups.iter().find(|g| g.key() == input.lay_group) {
                Some(g) => filter.lay_group = Some(g.key()),
                None => unknown("lay_group", &mut errors),
            }
        }
        if !input.phase.is_empty() {
            match input.phase.parse::<Phase>() {
                Ok(p) => filter.phase = Some(p),
                Err(_) => unknown("phase", &mut errors),
            }
        }
        if !input.audience.is_empty() {
            if AUDIENCES.contains(&input.audience) {
                filter.audience = Some(input.audience.to_owned());
            } else {
                unknown("audience", &mut errors);
            }
        }
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }

    /// The filter of a stored subscription (a part that no longer parses is dropped).
    pub fn of(sub: &Subscription) -> Self {
        Self {
            dmcg: sub.dmcg.clone(),
            region: sub.region.and_then(Region::from_code),
            lay_group: sub.lay_group.clone(),
            phase: sub.phase.as_deref().and_then(|p| p.parse().ok()),
            audience: sub.audience.clone(),
        }
    }

    /// Whether a published protocol is one the subscriber asked about.
    pub fn admits(&self, stored: &StoredProtocol, catalogue: &Catalogue) -> bool {
        let p = &stored.protocol;
        if let Some(dmcg) = &self.dmcg {
            if &p.dmcg != dmcg && !p.other_dmcgs.contains(dmcg) {
                return false;
            }
        }
        if let Some(region) = self.region {
            let open_there = p.sites.iter().any(|s| {
                s.status == SiteStatus::Open
                    && catalogue.site(&s.site).is_some_and(|i| i.region == region)
            });
            if !open_there {
                return false;
            }
        }
        if let Some(phase) = self.phase {
            if p.phase != phase {
                return false;
            }
        }
        if let Some(audience) = &self.audience {
            let e = &p.eligibility;
            let admits = if audience == "children" {
                e.age_min.is_none_or(|m| m < 18)
            } else {
                e.age_max.is_none_or(|m| m >= 18)
            };
            if !admits {
                return false;
            }
        }
        if let Some(key) = &self.lay_group {
            let Some(group) = diagnosis_names()
                .lay
                .groups()
                .iter()
                .find(|g| &g.key() == key)
            else {
                return false;
            };
            // A group of every diagnosis, or a protocol for any diagnosis, always fits.
            let fits = group.codes.0.is_empty()
                || p.eligibility.diagnoses.0.is_empty()
                || p.eligibility.diagnoses.overlaps(&group.codes);
            if !fits {
                return false;
            }
        }
        true
    }

    /// The filter in words, for the messages and pages.
    pub fn describe(&self, catalogue: &Catalogue, english: bool) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(d) = &self.dmcg {
            let name = catalogue.dmcg(d).map_or(d.as_str(), |x| x.name_da.as_str());
            parts.push(format!("DMCG: {d} ({name})"));
        }
        if let Some(r) = self.region {
            parts.push(if english { r.name_en() } else { r.name_da() }.to_owned());
        }
        if let Some(key) = &self.lay_group {
            if let Some(g) = diagnosis_names()
                .lay
                .groups()
                .iter()
                .find(|g| &g.key() == key)
            {
                parts.push(if english {
                    g.name_en.clone()
                } else {
                    g.name_da.clone()
                });
            }
        }
        if let Some(p) = self.phase {
            parts.push(if english { p.label_en() } else { p.label_da() }.to_owned());
        }
        if let Some(a) = &self.audience {
            parts.push(
                match (a.as_str(), english) {
                    ("children", false) => "Børn (under 18 år)",
                    ("children", true) => "Children (under 18)",
                    (_, false) => "Voksne",
                    (_, true) => "Adults",
                }
                .to_owned(),
            );
        }
        parts
    }
}

/// A random token for a link, and its SHA-256 (what is stored).
fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The MAC of a subscription's unsubscribe link: HMAC-SHA-256 under the server's key of the
/// row's id, address and creation time, so a link works for this subscription only.
fn link_mac(key: &[u8], sub: &Subscription) -> Hmac<Sha256> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(format!("unsubscribe\n{}\n{}\n{}", sub.id, sub.email, sub.created_at).as_bytes());
    mac
}

/// The signature of a subscription's unsubscribe link, as hex.
pub fn signature(key: &[u8], sub: &Subscription) -> String {
    link_mac(key, sub)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `given` is the signature of `sub` (compared in constant time).
pub fn signature_matches(key: &[u8], sub: &Subscription, given: &str) -> bool {
    hex_bytes(given).is_some_and(|bytes| link_mac(key, sub).verify_slice(&bytes).is_ok())
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn unsubscribe_url(base_url: &str, key: &[u8], sub: &Subscription) -> String {
    format!(
        "{base_url}/abonnement/afmeld/{}/{}",
        sub.id,
        signature(key, sub)
    )
}

/// Records a subscription and queues its confirmation message, both in one transaction.
/// Asking again for an address with a recent unconfirmed request sends nothing new, so the
/// form cannot be used to flood someone's inbox; the answer is the same either way.
pub fn subscribe(
    conn: &mut DbConnection,
    email: &Email,
    filter: &AlertFilter,
    english: bool,
    base_url: &str,
    catalogue: &Catalogue,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let address = email.as_str().to_owned();
    crate::db::write_transaction(conn, |conn| -> anyhow::Result<()> {
        if alerts::pending_since(conn, &address, now - CONFIRMATION_PAUSE)? > 0 {
            return Ok(());
        }
        let (token, hash) = new_token();
        let phase = filter.phase.map(Phase::as_str);
        alerts::insert(
            conn,
            &NewSubscription {
                email: &address,
                lang: if english { "en" } else { "da" },
                dmcg: filter.dmcg.as_deref(),
                region: filter.region.map(Region::code),
                lay_group: filter.lay_group.as_deref(),
                phase,
                audience: filter.audience.as_deref(),
                confirm_token_hash: &hash,
                created_at: now,
            },
        )?;
        let url = format!("{base_url}/abonnement/bekraeft/{token}");
        let described = filter.describe(catalogue, english);
        mail::enqueue(
            conn,
            &mail::alert_confirm_mail(&address, english, &described, &url),
            now,
        )?;
        Ok(())
    })
}

/// Confirms the subscription of a confirmation token; `None` when the token is unknown (or
/// its subscription was deleted).
pub fn confirm(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Option<Subscription>> {
    let Some(sub) = alerts::find_by_token_hash(conn, &token_hash(token))? else {
        return Ok(None);
    };
    if sub.confirmed_at.is_none() {
        alerts::confirm(conn, sub.id, now)?;
    }
    Ok(alerts::find(conn, sub.id)?)
}

/// Deletes a subscription when the signature is its own; whether one was deleted.
pub fn unsubscribe(
    conn: &mut DbConnection,
    key: &[u8],
    id: i32,
    given: &str,
) -> anyhow::Result<bool> {
    let Some(sub) = alerts::find(conn, id)? else {
        return Ok(false);
    };
    if !signature_matches(key, &sub, given) {
        return Ok(false);
    }
    Ok(alerts::delete(conn, id)? == 1)
}

/// Whether a subscription's link is genuine (the page before the button).
pub fn find_signed(
    conn: &mut DbConnection,
    key: &[u8],
    id: i32,
    given: &str,
) -> anyhow::Result<Option<Subscription>> {
    Ok(alerts::find(conn, id)?.filter(|sub| signature_matches(key, sub, given)))
}

/// A protocol is new to a subscriber when it is open (with an open department) and was
/// published, or reported opened, after `since`.
fn newly_opened(stored: &StoredProtocol, since: NaiveDateTime) -> bool {
    let p = &stored.protocol;
    let open = p.recruitment_status == dccc_matching::RecruitmentStatus::Open
        && p.sites.iter().any(|s| s.status == SiteStatus::Open);
    open && (stored.created_at > since || p.opened_on.is_some_and(|d| d >= since.date()))
}

/// What one round of [`run`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub deleted_unconfirmed: usize,
    pub alerts_queued: usize,
}

/// Deletes stale unconfirmed subscriptions and queues this week's alerts: for each confirmed
/// subscription not mailed in the last [`ALERT_EVERY_DAYS`] days, the matching protocols
/// opened since its last message (or its confirmation). No match, no message.
pub fn run(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    base_url: &str,
    key: &[u8],
    now: NaiveDateTime,
) -> anyhow::Result<RoundReport> {
    let mut report = RoundReport {
        deleted_unconfirmed: alerts::delete_unconfirmed_before(
            conn,
            now - TimeDelta::days(UNCONFIRMED_DAYS),
        )?,
        ..RoundReport::default()
    };
    let due = alerts::confirmed_due(conn, now - TimeDelta::days(ALERT_EVERY_DAYS))?;
    if due.is_empty() {
        return Ok(report);
    }
    let mut published = load_protocols(conn, None, true)?;
    published.sort_by_key(|s| std::cmp::Reverse(s.created_at));
    for sub in due {
        let since = sub
            .last_sent_at
            .or(sub.confirmed_at)
            .unwrap_or(sub.created_at);
        let filter = AlertFilter::of(&sub);
        let english = sub.lang == "en";
        let new: Vec<mail::AlertItem> = published
            .iter()
            .filter(|s| newly_opened(s, since) && filter.admits(s, catalogue))
            .map(|s| mail::AlertItem {
                acronym: s.protocol.acronym.clone(),
                title: s.protocol.title(english).to_owned(),
                url: format!("{base_url}/protokoller/{}", s.slug),
            })
            .collect();
        if new.is_empty() {
            continue;
        }
        let leave = unsubscribe_url(base_url, key, &sub);
        let described = filter.describe(catalogue, english);
        let message = mail::alert_mail(&sub.email, english, &described, &new, &leave);
        crate::db::write_transaction(conn, |conn| -> anyhow::Result<()> {
            mail::enqueue(conn, &message, now)?;
            alerts::mark_sent(conn, sub.id, now)?;
            Ok(())
        })?;
        report.alerts_queued += 1;
    }
    Ok(report)
}

/// Runs [`run`] every [`CHECK_PERIOD`].
pub fn spawn(
    pool: DbPool,
    catalogue: crate::catalogue::CatalogueHandle,
    base_url: String,
    key: Vec<u8>,
) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(CHECK_PERIOD);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let (pool, base_url, key) = (pool.clone(), base_url.clone(), key.clone());
            let catalogue = catalogue.get();
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<RoundReport> {
                let mut conn = pool.get()?;
                run(
                    &mut conn,
                    &catalogue,
                    &base_url,
                    &key,
                    chrono::Utc::now().naive_utc(),
                )
            })
            .await;
            match result {
                Ok(Ok(r)) if r == RoundReport::default() => {}
                Ok(Ok(r)) => tracing::info!(
                    alerts = r.alerts_queued,
                    deleted_unconfirmed = r.deleted_unconfirmed,
                    "alert round"
                ),
                Ok(Err(e)) => tracing::warn!(error = %format!("{e:#}"), "alert round failed"),
                Err(e) => tracing::warn!(error = %e, "alert task failed"),
            }
        }
    });
}
