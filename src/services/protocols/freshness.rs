//! Freshness: published protocols not confirmed for 180 days are stale; their editors get a
//! reminder by e-mail, at most one a week per protocol, from a periodic job in the server.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::DbPool;
use crate::db::{protocols, users, DbConnection};
use crate::mail;

/// After this many days without confirmation a protocol is stale.
pub const STALE_AFTER_DAYS: i64 = 180;
/// At most one reminder per protocol in this many days.
pub const REMIND_EVERY_DAYS: i64 = 7;
/// How often the server looks for stale protocols.
pub const CHECK_PERIOD: Duration = Duration::from_secs(3600);

pub fn stale_before(now: NaiveDateTime) -> NaiveDateTime {
    now - chrono::Duration::days(STALE_AFTER_DAYS)
}

/// Queues a reminder to the editors of each stale protocol not reminded in the last week.
/// Returns how many protocols got one.
pub fn send_due_reminders(
    conn: &mut DbConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    let due: Vec<_> = protocols::stale_protocols(conn, stale_before(now))?
        .into_iter()
        .filter(|row| {
            row.5
                .is_none_or(|last| last <= now - chrono::Duration::days(REMIND_EVERY_DAYS))
        })
        .collect();
    let mut reminded = 0;
    for (id, slug, acronym, dmcg, confirmed, _) in due {
        let recipients = users::editor_emails(conn, &dmcg)?;
        if recipients.is_empty() {
            continue;
        }
        let days = confirmed.map_or(STALE_AFTER_DAYS, |c| (now - c).num_days());
        let url = format!("{base_url}/redaktion/protokoller/{slug}");
        crate::db::write_transaction(conn, |conn| {
            for to in &recipients {
                mail::enqueue(conn, &mail::reminder_mail(to, &acronym, days, &url), now)?;
            }
            protocols::set_reminded(conn, id, now)
        })?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Runs [`send_due_reminders`] every [`CHECK_PERIOD`].
pub fn spawn(pool: DbPool, base_url: String) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(CHECK_PERIOD);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let (pool, base_url) = (pool.clone(), base_url.clone());
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                Ok(send_due_reminders(
                    &mut conn,
                    &base_url,
                    chrono::Utc::now().naive_utc(),
                )?)
            })
            .await;
            match result {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(protocols = n, "freshness reminders queued"),
                Ok(Err(e)) => {
                    tracing::warn!(error = %format!("{e:#}"), "freshness reminders failed")
                }
                Err(e) => tracing::warn!(error = %e, "freshness reminder task failed"),
            }
        }
    });
}
