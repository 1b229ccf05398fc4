//! Email: queued messages reach a loopback SMTP server started by the test, survive the
//! server being down, and are retried with backoff; the memory transport and the worker.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use dccc_registry::db::{DbConnection, DbPool};
use dccc_registry::mail::{
    self, enqueue, failures, pending_count, published_mail, returned_mail, submitted_mail,
    DeliveryReport, Mailer, OutgoingMail, SentMail,
};
use dccc_registry::services::setup;
use diesel::Connection;
use lettre::message::Mailbox;

use crate::helpers::TestDatabase;

const INBOX: &str = "protokoller@dccc.invalid";
const REVIEW_URL: &str = "https://registry.example/redaktion/udkast/7?fane=gennemgang&v=2";

fn sender() -> Mailbox {
    "DCCC protokoloversigt <noreply@dccc.invalid>"
        .parse()
        .expect("valid sender")
}

fn migrated(db: &TestDatabase) -> DbPool {
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    setup::prepare_database(&mut conn, false).expect("prepare database");
    pool
}

/// A fixed clock: `deliver_due` takes the time, and whole seconds survive every backend.
fn at(hour: u32, minute: u32, second: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_opt(hour, minute, second))
        .expect("valid time")
}

fn submission() -> OutgoingMail {
    submitted_mail(INBOX, "ÆBLE-1", "DBCG", "Søren Ærø", REVIEW_URL)
}

/// Queues the message the way a handler does: inside the transaction of the change.
fn enqueue_committed(conn: &mut DbConnection, mail: &OutgoingMail, now: NaiveDateTime) {
    conn.transaction::<_, diesel::result::Error, _>(|conn| enqueue(conn, mail, now))
        .expect("queued");
}

#[test]
fn a_queued_submission_is_delivered_over_smtp_with_danish_text_and_html() {
    let db = TestDatabase::new();
    let pool = migrated(&db);
    let mut conn = pool.get().expect("connection");
    let server = SmtpServer::start();
    let mailer = Mailer::smtp(&server.url(), sender()).expect("SMTP mailer");
    let mail = submission();
    let now = at(9, 0, 0);

    enqueue_committed(&mut conn, &mail, now);
    assert_eq!(pending_count(&mut conn).expect("count"), 1);
    let report = mailer.deliver_due(&mut conn, now, 10).expect("round");

    assert_eq!(report, DeliveryReport { sent: 1, failed: 0 });
    assert_eq!(pending_count(&mut conn).expect("count"), 0);
    let received = server.received();
    assert_eq!(received.len(), 1, "one message arrived");
    let envelope = &received[0];
    assert_eq!(envelope.recipients, vec![format!("<{INBOX}>")]);
    assert_eq!(envelope.sender, "<noreply@dccc.invalid>");

    let message = ParsedMessage::parse(&envelope.data);
    assert_eq!(message.header("To").as_deref(), Some(INBOX));
    assert_eq!(message.header("Subject"), Some(mail.subject.clone()));
    assert!(
        mail.subject.contains("ÆBLE-1"),
        "Danish subject names the protocol"
    );
    let from = message.header("From").expect("From header");
    assert!(from.ends_with("<noreply@dccc.invalid>"), "{from}");
    assert_eq!(message.content_type(), "multipart/alternative");

    let parts = message.parts();
    let types: Vec<&str> = parts.iter().map(|p| p.content_type()).collect();
    assert_eq!(types, ["text/plain", "text/html"]);
    assert_eq!(parts[0].decoded_text(), mail.text, "text part as rendered");
    let html = scraper::Html::parse_document(&parts[1].decoded_text());
    let select = |css: &str| scraper::Selector::parse(css).expect("valid selector");
    assert_eq!(
        html.select(&select("html"))
            .next()
            .and_then(|e| e.value().attr("lang")),
        Some("da")
    );
    let link = html
        .select(&select("a.action"))
        .next()
        .expect("action link");
    assert_eq!(link.value().attr("href"), Some(REVIEW_URL));
    let acronym = html
        .select(&select("strong.acronym"))
        .next()
        .expect("acronym");
    assert_eq!(acronym.text().collect::<String>(), "ÆBLE-1");
    let submitter = html
        .select(&select(".submitter"))
        .next()
        .expect("submitter");
    assert_eq!(submitter.text().collect::<String>(), "Søren Ærø");
}

#[test]
fn a_message_queued_while_the_smtp_server_is_down_is_retried_with_backoff_and_delivered() {
    let db = TestDatabase::new();
    let pool = migrated(&db);
    let t0 = at(9, 0, 0);
    let mail = submission();
    {
        let mut conn = pool.get().expect("connection");
        let down = Mailer::smtp(&format!("smtp://127.0.0.1:{}", closed_port()), sender())
            .expect("SMTP mailer");
        enqueue_committed(&mut conn, &mail, t0);

        let report = down.deliver_due(&mut conn, t0, 10).expect("round");
        assert_eq!(report, DeliveryReport { sent: 0, failed: 1 });
        let failed = failures(&mut conn).expect("failures");
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].recipient, INBOX);
        assert_eq!(failed[0].subject, mail.subject);
        assert_eq!(failed[0].attempts, 1);
        assert!(
            failed[0]
                .last_error
                .as_deref()
                .is_some_and(|e| !e.is_empty()),
            "the error is kept: {:?}",
            failed[0].last_error
        );
        assert_eq!(failed[0].next_attempt_at, t0 + TimeDelta::seconds(30));
        assert_eq!(pending_count(&mut conn).expect("count"), 1);

        // Before the retry time nothing is due, so nothing is tried.
        let early = down
            .deliver_due(&mut conn, t0 + TimeDelta::seconds(10), 10)
            .expect("round");
        assert_eq!(early, DeliveryReport::default());
        assert_eq!(failures(&mut conn).expect("failures")[0].attempts, 1);

        // A second failure doubles the wait.
        let t1 = t0 + TimeDelta::seconds(30);
        let again = down.deliver_due(&mut conn, t1, 10).expect("round");
        assert_eq!(again, DeliveryReport { sent: 0, failed: 1 });
        let failed = failures(&mut conn).expect("failures");
        assert_eq!(failed[0].attempts, 2);
        assert_eq!(failed[0].next_attempt_at, t1 + TimeDelta::seconds(60));
    }
    // A restart: a new pool and a new mailer, with the server now up.
    drop(pool);
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let server = SmtpServer::start();
    let up = Mailer::smtp(&server.url(), sender()).expect("SMTP mailer");
    let retry_at = failures(&mut conn).expect("failures")[0].next_attempt_at;

    let report = up
        .deliver_due(&mut conn, retry_at + TimeDelta::seconds(1), 10)
        .expect("round");

    assert_eq!(report, DeliveryReport { sent: 1, failed: 0 });
    let received = server.received();
    assert_eq!(received.len(), 1);
    let message = ParsedMessage::parse(&received[0].data);
    assert_eq!(message.header("To").as_deref(), Some(INBOX));
    assert_eq!(message.header("Subject"), Some(mail.subject.clone()));
    assert_eq!(pending_count(&mut conn).expect("count"), 0);
    assert!(failures(&mut conn).expect("failures").is_empty());

    // Sent is sent: a later round sends nothing again.
    let later = up
        .deliver_due(&mut conn, retry_at + TimeDelta::hours(2), 10)
        .expect("round");
    assert_eq!(later, DeliveryReport::default());
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_message_queued_in_a_transaction_that_rolls_back_is_never_sent() {
    let db = TestDatabase::new();
    let pool = migrated(&db);
    let mut conn = pool.get().expect("connection");
    let (mailer, sent) = Mailer::memory(sender());

    let outcome = conn.transaction::<(), diesel::result::Error, _>(|conn| {
        enqueue(conn, &submission(), at(9, 0, 0))?;
        Err(diesel::result::Error::RollbackTransaction)
    });

    assert!(outcome.is_err());
    assert_eq!(pending_count(&mut conn).expect("count"), 0);
    let report = mailer
        .deliver_due(&mut conn, at(10, 0, 0), 10)
        .expect("round");
    assert_eq!(report, DeliveryReport::default());
    assert!(sent.lock().expect("not poisoned").is_empty());
}

#[test]
fn the_memory_transport_records_due_messages_oldest_first() {
    let db = TestDatabase::new();
    let pool = migrated(&db);
    let mut conn = pool.get().expect("connection");
    let (mailer, sent) = Mailer::memory(sender());
    let published = published_mail("ida@dccc.invalid", "ÆBLE-1", "https://r.example/p/1");
    let returned = returned_mail(
        "ole@dccc.invalid",
        "PÆRE-2",
        "Angiv fase & alder",
        "https://r.example/e/2",
    );
    enqueue_committed(&mut conn, &published, at(9, 0, 0));
    enqueue_committed(&mut conn, &returned, at(9, 5, 0));
    let not_yet_due = published_mail("eva@dccc.invalid", "BLOMME-3", "https://r.example/p/3");
    enqueue_committed(&mut conn, &not_yet_due, at(11, 0, 0));

    let report = mailer
        .deliver_due(&mut conn, at(10, 0, 0), 10)
        .expect("round");

    assert_eq!(report, DeliveryReport { sent: 2, failed: 0 });
    let recorded = sent.lock().expect("not poisoned").clone();
    let expected: Vec<SentMail> = [published, returned]
        .into_iter()
        .map(|m| SentMail {
            to: m.to,
            subject: m.subject,
            text: m.text,
            html: m.html,
            list_unsubscribe: m.list_unsubscribe,
        })
        .collect();
    assert_eq!(recorded, expected);
    assert_eq!(pending_count(&mut conn).expect("count"), 1);
}

#[test]
fn a_round_sends_at_most_its_limit() {
    let db = TestDatabase::new();
    let pool = migrated(&db);
    let mut conn = pool.get().expect("connection");
    let (mailer, sent) = Mailer::memory(sender());
    for n in 0..3 {
        let mail = published_mail("ida@dccc.invalid", &format!("P-{n}"), "https://r.example");
        enqueue_committed(&mut conn, &mail, at(9, n, 0));
    }

    let first = mailer
        .deliver_due(&mut conn, at(10, 0, 0), 2)
        .expect("round");
    let second = mailer
        .deliver_due(&mut conn, at(10, 0, 0), 2)
        .expect("round");

    assert_eq!(first.sent, 2);
    assert_eq!(second.sent, 1);
    let subjects: Vec<String> = sent
        .lock()
        .expect("not poisoned")
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    assert_eq!(
        subjects,
        [
            "Protokollen P-0 er offentliggjort",
            "Protokollen P-1 er offentliggjort",
            "Protokollen P-2 er offentliggjort"
        ]
    );
}

#[tokio::test]
async fn the_worker_sends_what_is_queued_without_being_asked() {
    let db = TestDatabase::new();
    let pool = migrated(&db);
    {
        let mut conn = pool.get().expect("connection");
        let now = chrono::Utc::now().naive_utc();
        enqueue_committed(&mut conn, &submission(), now);
    }
    let (mailer, sent) = Mailer::memory(sender());

    let worker = mail::spawn_worker(Arc::new(mailer), pool.clone(), Duration::from_millis(50));
    let mut waited = Duration::ZERO;
    while sent.lock().expect("not poisoned").is_empty() && waited < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    }
    worker.abort();

    let recorded = sent.lock().expect("not poisoned").clone();
    assert_eq!(recorded.len(), 1, "the worker sent the queued message");
    assert_eq!(recorded[0].to, INBOX);
    let mut conn = pool.get().expect("connection");
    assert_eq!(pending_count(&mut conn).expect("count"), 0);
}

/// A port on which nothing listens: bound, noted and released.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// What the loopback server received in one mail transaction.
#[derive(Debug, Clone)]
struct Envelope {
    sender: String,
    recipients: Vec<String>,
    /// The message as sent, dot-stuffing undone.
    data: String,
}

/// Just enough of an SMTP server (RFC 5321) for lettre's plain-text client.
struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<Envelope>>>,
}

impl SmtpServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || {
                    if let Err(e) = serve_smtp(stream, &store) {
                        eprintln!("test SMTP server: {e}");
                    }
                });
            }
        });
        Self { port, received }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn received(&self) -> Vec<Envelope> {
        self.received.lock().expect("not poisoned").clone()
    }
}

fn serve_smtp(stream: TcpStream, store: &Mutex<Vec<Envelope>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    writer.write_all(b"220 localhost test SMTP ready\r\n")?;
    let mut sender = String::new();
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => writer.write_all(b"250 localhost\r\n")?,
            "MAIL" => {
                sender = argument(command, "MAIL FROM:");
                recipients.clear();
                writer.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                recipients.push(argument(command, "RCPT TO:"));
                writer.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing: a line the client started with a dot got a second one.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                store.lock().expect("not poisoned").push(Envelope {
                    sender: sender.clone(),
                    recipients: std::mem::take(&mut recipients),
                    data,
                });
                writer.write_all(b"250 OK queued\r\n")?;
            }
            "RSET" | "NOOP" => writer.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n")?;
                return Ok(());
            }
            _ => writer.write_all(b"502 Command not implemented\r\n")?,
        }
    }
}

/// The address argument of `MAIL FROM:<a> PARAM=...` or `RCPT TO:<a>`.
fn argument(command: &str, prefix: &str) -> String {
    command[prefix.len().min(command.len())..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A MIME message (RFC 2045–2047) split into headers and body, enough to check what lettre
/// produced: unfolded headers with encoded words decoded, and parts with their transfer
/// encoding undone.
struct ParsedMessage {
    headers: Vec<(String, String)>,
    body: String,
}

impl ParsedMessage {
    fn parse(raw: &str) -> Self {
        let (head, body) = raw
            .split_once("\r\n\r\n")
            .expect("headers end with an empty line");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                let last = headers
                    .last_mut()
                    .expect("a folded line continues a header");
                last.1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').expect("a header line has a colon");
                headers.push((name.to_owned(), value.trim_start().to_owned()));
            }
        }
        Self {
            headers,
            body: body.to_owned(),
        }
    }

    fn raw_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<String> {
        self.raw_header(name).map(decode_encoded_words)
    }

    fn content_type(&self) -> &str {
        self.raw_header("Content-Type")
            .and_then(|v| v.split(';').next())
            .map(str::trim)
            .unwrap_or("text/plain")
    }

    fn parts(&self) -> Vec<ParsedMessage> {
        let content_type = self.raw_header("Content-Type").expect("Content-Type");
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .expect("multipart has a boundary")
            .trim_matches('"');
        let delimiter = format!("--{boundary}");
        self.body
            .split(delimiter.as_str())
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .map(|part| ParsedMessage::parse(part.trim_start_matches("\r\n")))
            .collect()
    }

    /// The body with its transfer encoding undone and CRLF turned back into LF.
    fn decoded_text(&self) -> String {
        let encoding = self
            .raw_header("Content-Transfer-Encoding")
            .unwrap_or("7bit")
            .to_ascii_lowercase();
        // The line break before the next boundary belongs to the delimiter.
        let body = self.body.strip_suffix("\r\n").unwrap_or(&self.body);
        let bytes = match encoding.as_str() {
            "quoted-printable" => decode_quoted_printable(body),
            "base64" => decode_base64(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes)
            .expect("UTF-8 body")
            .replace("\r\n", "\n")
    }
}

/// Decodes RFC 2047 encoded words; adjacent encoded words join without the space between.
fn decode_encoded_words(value: &str) -> String {
    let mut segments: Vec<String> = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    for token in value.split_whitespace() {
        match decode_encoded_word(token) {
            Some(bytes) => pending.extend(bytes),
            None => {
                if !pending.is_empty() {
                    segments.push(String::from_utf8(std::mem::take(&mut pending)).expect("UTF-8"));
                }
                segments.push(token.to_owned());
            }
        }
    }
    if !pending.is_empty() {
        segments.push(String::from_utf8(pending).expect("UTF-8"));
    }
    segments.join(" ")
}

/// The bytes of one `=?charset?B|Q?text?=` word, or None for plain text.
fn decode_encoded_word(token: &str) -> Option<Vec<u8>> {
    let inner = token.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut fields = inner.splitn(3, '?');
    let (_charset, encoding, text) = (fields.next()?, fields.next()?, fields.next()?);
    Some(if encoding.eq_ignore_ascii_case("b") {
        decode_base64(text)
    } else {
        decode_quoted_printable(&text.replace('_', " "))
    })
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex digits");
                out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let value = ALPHABET.iter().position(|&a| a == c).expect("base64 digit");
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}
