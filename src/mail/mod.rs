//! Email: the [`Mailer`] and its transports (SMTP, `.eml` files, memory), the outbox that
//! makes sending reliable, and the Danish messages the registry sends.
//!
//! A request never sends mail. It queues an [`OutgoingMail`] with [`enqueue`] inside the
//! transaction that makes the change, and the worker started by [`spawn_worker`] sends what
//! is due. A row is marked sent only after the transport accepted the message, so a failed
//! send is retried (with [`backoff`]) and a restart loses nothing; at worst a message whose
//! acceptance could not be recorded is sent twice.

pub mod messages;
pub mod outbox;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDateTime;
use lettre::message::{Mailbox, Message, MultiPart};
use lettre::Transport as _;

use crate::config::Settings;
use crate::db::{DbConnection, DbPool};

pub use messages::{
    alert_confirm_mail, alert_mail, kind, published_mail, reminder_mail, returned_mail,
    source_changed_mail, submitted_mail, AlertItem,
};
pub use outbox::{backoff, enqueue, failures, pending_count, OutboxFailure};

/// How long the SMTP client waits for each step of the conversation before giving up.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// How many messages the worker sends per round.
const WORKER_BATCH: i64 = 20;

/// A message ready to be queued: recipient, Danish subject, and the text and HTML bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// What the message is about, one of [`kind`]; stored in the outbox.
    pub kind: &'static str,
    /// Where a one-click unsubscribe goes (RFC 8058): sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post`, for messages someone subscribed to.
    pub list_unsubscribe: Option<String>,
}

/// A message as the in-memory transport recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub list_unsubscribe: Option<String>,
}

/// Where messages go.
pub enum Transport {
    /// A mail server (`SMTP_URL`).
    Smtp(lettre::SmtpTransport),
    /// One `.eml` file per message in this folder: the default, for development.
    File(PathBuf),
    /// Recorded in memory, for tests.
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// Sends messages from one sender address over one transport.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// What one round of [`Mailer::deliver_due`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    pub fn new(transport: Transport, from: Mailbox) -> Self {
        Self { transport, from }
    }

    /// SMTP when `SMTP_URL` is set, otherwise `.eml` files under `DATA_DIR/outbox`.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .context("MAIL_FROM is not a valid mailbox")?;
        match &settings.smtp_url {
            // The URL may hold a password: say which setting failed, never its value.
            Some(url) => Self::smtp(url, from).context("SMTP_URL cannot be used"),
            None => Ok(Self::file(settings.data_dir.join("outbox"), from)),
        }
    }

    /// Over SMTP: `smtp://host:port` (plain), `smtp://host?tls=required` (STARTTLS) or
    /// `smtps://host` (TLS from the start), with `user:password@` when the server wants it.
    pub fn smtp(url: &str, from: Mailbox) -> anyhow::Result<Self> {
        let transport = lettre::SmtpTransport::from_url(url)?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self::new(Transport::Smtp(transport), from))
    }

    /// Into `.eml` files in `dir` (created on the first message).
    pub fn file(dir: impl Into<PathBuf>, from: Mailbox) -> Self {
        Self::new(Transport::File(dir.into()), from)
    }

    /// Into memory; the returned list fills as messages are sent.
    pub fn memory(from: Mailbox) -> (Self, Arc<Mutex<Vec<SentMail>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Self::new(Transport::Memory(sent.clone()), from), sent)
    }

    /// Sends one message now, blocking until the transport accepted it. Requests queue with
    /// [`enqueue`] instead; this is for the worker and the command line.
    pub fn send(&self, mail: &OutgoingMail) -> anyhow::Result<()> {
        self.transmit(
            &mail.to,
            &mail.subject,
            &mail.text,
            &mail.html,
            mail.list_unsubscribe.as_deref(),
        )
    }

    fn transmit(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: &str,
        list_unsubscribe: Option<&str>,
    ) -> anyhow::Result<()> {
        let to_mailbox: Mailbox = to.parse().context("invalid recipient address")?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to_mailbox)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(
                text.to_owned(),
                html.to_owned(),
            ))?;
        if let Some(url) = list_unsubscribe {
            use lettre::message::header::{HeaderName, HeaderValue};
            let headers = message.headers_mut();
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ));
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
        }
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(&message)?;
            }
            Transport::File(dir) => write_eml(dir, &message)?,
            Transport::Memory(sent) => {
                sent.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(SentMail {
                        to: to.to_owned(),
                        subject: subject.to_owned(),
                        text: text.to_owned(),
                        html: html.to_owned(),
                        list_unsubscribe: list_unsubscribe.map(str::to_owned),
                    });
            }
        }
        Ok(())
    }

    /// Sends up to `limit` queued messages that are due at `now`, oldest first. A failure is
    /// recorded on its row with the next attempt `backoff(attempts)` later; only database
    /// errors end the round early.
    pub fn deliver_due(
        &self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
        limit: i64,
    ) -> anyhow::Result<DeliveryReport> {
        let mut report = DeliveryReport::default();
        for row in outbox::due(conn, now, limit)? {
            // Another server on the same database may be sending the same row.
            if !outbox::claim(conn, row.id, now)? {
                continue;
            }
            match self.transmit(
                &row.recipient,
                &row.subject,
                &row.body_text,
                &row.body_html,
                row.list_unsubscribe.as_deref(),
            ) {
                Ok(()) => {
                    outbox::mark_sent(conn, row.id, now)?;
                    report.sent += 1;
                    tracing::info!(outbox_id = row.id, kind = %row.kind, "mail sent");
                }
                Err(error) => {
                    let attempts = row.attempts.saturating_add(1);
                    // The error names the server's complaint; the body is never logged.
                    let error = format!("{error:#}");
                    let next = outbox::mark_failed(conn, row.id, attempts, &error, now)?;
                    report.failed += 1;
                    tracing::warn!(
                        outbox_id = row.id,
                        attempts,
                        %next,
                        %error,
                        "mail not sent; will retry"
                    );
                }
            }
        }
        Ok(report)
    }
}

/// Writes the message to a new `.eml` file; the temporary name keeps readers from seeing
/// half a message.
fn write_eml(dir: &Path, message: &Message) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);

    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the mail folder {}", dir.display()))?;
    let stem = format!(
        "{}-{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    );
    let partial = dir.join(format!("{stem}.eml.tmp"));
    std::fs::write(&partial, message.formatted())
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, dir.join(format!("{stem}.eml")))
        .with_context(|| format!("cannot rename {}", partial.display()))?;
    Ok(())
}

/// Starts the background sender: every `period` it sends what is due, on a blocking thread
/// (SMTP blocks). Needs a running tokio runtime.
pub fn spawn_worker(
    mailer: Arc<Mailer>,
    pool: DbPool,
    period: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let mailer = mailer.clone();
            let pool = pool.clone();
            let round = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                let now = chrono::Utc::now().naive_utc();
                mailer.deliver_due(&mut conn, now, WORKER_BATCH)
            })
            .await;
            match round {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => {
                    tracing::warn!(error = %format!("{error:#}"), "mail round failed")
                }
                Err(error) => tracing::warn!(%error, "mail round task failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "DCCC protokoloversigt <noreply@dccc.invalid>"
            .parse()
            .expect("valid sender")
    }

    #[test]
    fn the_file_transport_writes_one_multipart_eml_per_message() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = dir.path().join("outbox");
        let mailer = Mailer::file(&outbox, from());
        let mail = published_mail("ida@dccc.invalid", "ÆBLE-1", "https://r.example/p/aeble-1");
        mailer.send(&mail).expect("first");
        mailer.send(&mail).expect("second");

        let mut files: Vec<_> = std::fs::read_dir(&outbox)
            .expect("outbox exists")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 2, "{files:?}");
        for file in files {
            assert_eq!(file.extension().and_then(|e| e.to_str()), Some("eml"));
            let raw = std::fs::read_to_string(&file).expect("readable");
            assert!(raw.contains("To: ida@dccc.invalid"), "{raw}");
            assert!(raw.contains("multipart/alternative"), "{raw}");
            assert!(raw.contains("text/plain; charset=utf-8"), "{raw}");
            assert!(raw.contains("text/html; charset=utf-8"), "{raw}");
        }
    }

    #[test]
    fn the_memory_transport_records_what_was_sent() {
        let (mailer, sent) = Mailer::memory(from());
        let mail = reminder_mail("ida@dccc.invalid", "X", 190, "https://r.example/c");
        mailer.send(&mail).expect("sent");
        let sent = sent.lock().expect("not poisoned");
        assert_eq!(
            *sent,
            vec![SentMail {
                to: mail.to.clone(),
                subject: mail.subject.clone(),
                text: mail.text.clone(),
                html: mail.html.clone(),
                list_unsubscribe: None,
            }]
        );
    }

    #[test]
    fn a_message_one_can_leave_carries_the_one_click_unsubscribe_headers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mailer = Mailer::file(dir.path(), from());
        let mut mail = reminder_mail("ida@dccc.invalid", "X", 190, "https://r.example/c");
        mail.list_unsubscribe = Some("https://r.example/abonnement/afmeld/1/abc".into());
        mailer.send(&mail).expect("sent");
        let file = std::fs::read_dir(dir.path())
            .expect("dir")
            .next()
            .expect("a file")
            .expect("entry")
            .path();
        let raw = std::fs::read_to_string(file).expect("readable");
        assert!(
            raw.contains("List-Unsubscribe: <https://r.example/abonnement/afmeld/1/abc>"),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{raw}"
        );
    }

    #[test]
    fn an_invalid_recipient_is_an_error_not_a_panic() {
        let (mailer, sent) = Mailer::memory(from());
        let mail = published_mail("not an address", "X", "https://r.example");
        assert!(mailer.send(&mail).is_err());
        assert!(sent.lock().expect("not poisoned").is_empty());
    }

    #[test]
    fn settings_without_smtp_url_write_files_under_the_data_dir() {
        let settings = Settings::from_lookup(|name| match name {
            "DATA_DIR" => Some("/tmp/dccc-data".into()),
            _ => None,
        })
        .expect("valid settings");
        let mailer = Mailer::from_settings(&settings).expect("mailer");
        assert!(
            matches!(&mailer.transport, Transport::File(dir) if dir == Path::new("/tmp/dccc-data/outbox"))
        );
    }

    #[test]
    fn settings_with_smtp_url_use_smtp() {
        let settings = Settings::from_lookup(|name| match name {
            "SMTP_URL" => Some("smtps://user:secret@mail.example:465".into()),
            _ => None,
        })
        .expect("valid settings");
        let mailer = Mailer::from_settings(&settings).expect("mailer");
        assert!(matches!(mailer.transport, Transport::Smtp(_)));
    }
}
