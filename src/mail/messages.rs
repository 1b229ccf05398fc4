//! The messages the registry sends, in Danish: one function per kind, each rendering a text
//! and an HTML template under `templates/email/` into an [`OutgoingMail`].

use askama::Template;

use super::OutgoingMail;

/// Values of [`OutgoingMail::kind`], stored in the outbox to tell the messages apart.
pub mod kind {
    pub const SUBMITTED: &str = "submitted";
    pub const PUBLISHED: &str = "published";
    pub const RETURNED: &str = "returned";
    pub const REMINDER: &str = "reminder";
    pub const SOURCE_CHANGED: &str = "source_changed";
    pub const ALERT_CONFIRM: &str = "alert_confirm";
    pub const ALERT: &str = "alert";
}

#[derive(Template)]
#[template(path = "email/submitted.txt", escape = "none")]
struct SubmittedText<'a> {
    acronym: &'a str,
    dmcg: &'a str,
    submitter: &'a str,
    review_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/submitted.html")]
struct SubmittedHtml<'a> {
    /// Staff mail is in Danish.
    english: bool,
    subject: &'a str,
    acronym: &'a str,
    dmcg: &'a str,
    submitter: &'a str,
    review_url: &'a str,
}

/// To the protocol inbox: a protocol (or a revision) waits for review.
pub fn submitted_mail(
    inbox: &str,
    acronym: &str,
    dmcg: &str,
    submitter: &str,
    review_url: &str,
) -> OutgoingMail {
    let subject = one_line(&format!("Ny protokol til godkendelse: {acronym} ({dmcg})"));
    let text = SubmittedText {
        acronym,
        dmcg,
        submitter,
        review_url,
    };
    let html = SubmittedHtml {
        english: false,
        subject: &subject,
        acronym,
        dmcg,
        submitter,
        review_url,
    };
    OutgoingMail {
        to: inbox.to_owned(),
        text: render(&text),
        html: render(&html),
        subject,
        kind: kind::SUBMITTED,
        list_unsubscribe: None,
    }
}

#[derive(Template)]
#[template(path = "email/published.txt", escape = "none")]
struct PublishedText<'a> {
    acronym: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/published.html")]
struct PublishedHtml<'a> {
    /// Staff mail is in Danish.
    english: bool,
    subject: &'a str,
    acronym: &'a str,
    public_url: &'a str,
}

/// To the submitter: the protocol was approved and is public.
pub fn published_mail(to: &str, acronym: &str, public_url: &str) -> OutgoingMail {
    let subject = one_line(&format!("Protokollen {acronym} er offentliggjort"));
    let text = PublishedText {
        acronym,
        public_url,
    };
    let html = PublishedHtml {
        english: false,
        subject: &subject,
        acronym,
        public_url,
    };
    OutgoingMail {
        to: to.to_owned(),
        text: render(&text),
        html: render(&html),
        subject,
        kind: kind::PUBLISHED,
        list_unsubscribe: None,
    }
}

#[derive(Template)]
#[template(path = "email/returned.txt", escape = "none")]
struct ReturnedText<'a> {
    acronym: &'a str,
    comment: &'a str,
    edit_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/returned.html")]
struct ReturnedHtml<'a> {
    /// Staff mail is in Danish.
    english: bool,
    subject: &'a str,
    acronym: &'a str,
    comment: &'a str,
    edit_url: &'a str,
}

/// To the submitter: the reviewer sent the protocol back with a comment.
pub fn returned_mail(to: &str, acronym: &str, comment: &str, edit_url: &str) -> OutgoingMail {
    let subject = one_line(&format!("Protokollen {acronym} er sendt retur til dig"));
    let text = ReturnedText {
        acronym,
        comment,
        edit_url,
    };
    let html = ReturnedHtml {
        english: false,
        subject: &subject,
        acronym,
        comment,
        edit_url,
    };
    OutgoingMail {
        to: to.to_owned(),
        text: render(&text),
        html: render(&html),
        subject,
        kind: kind::RETURNED,
        list_unsubscribe: None,
    }
}

#[derive(Template)]
#[template(path = "email/reminder.txt", escape = "none")]
struct ReminderText<'a> {
    acronym: &'a str,
    days_since_confirmed: i64,
    confirm_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/reminder.html")]
struct ReminderHtml<'a> {
    /// Staff mail is in Danish.
    english: bool,
    subject: &'a str,
    acronym: &'a str,
    days_since_confirmed: i64,
    confirm_url: &'a str,
}

/// To whoever keeps a protocol up to date: its information has not been confirmed for a while.
pub fn reminder_mail(
    to: &str,
    acronym: &str,
    days_since_confirmed: i64,
    confirm_url: &str,
) -> OutgoingMail {
    let subject = one_line(&format!("Påmindelse: bekræft oplysningerne om {acronym}"));
    let text = ReminderText {
        acronym,
        days_since_confirmed,
        confirm_url,
    };
    let html = ReminderHtml {
        english: false,
        subject: &subject,
        acronym,
        days_since_confirmed,
        confirm_url,
    };
    OutgoingMail {
        to: to.to_owned(),
        text: render(&text),
        html: render(&html),
        subject,
        kind: kind::REMINDER,
        list_unsubscribe: None,
    }
}

#[derive(Template)]
#[template(path = "email/source_changed.txt", escape = "none")]
struct SourceChangedText<'a> {
    acronym: &'a str,
    nct: &'a str,
    lines: &'a [String],
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/source_changed.html")]
struct SourceChangedHtml<'a> {
    /// Staff mail is in Danish.
    english: bool,
    subject: &'a str,
    acronym: &'a str,
    nct: &'a str,
    lines: &'a [String],
    url: &'a str,
}

/// To a protocol's editors: its record on ClinicalTrials.gov says something else about the
/// recruitment status or a Danish department (`lines`, one difference each).
pub fn source_changed_mail(
    to: &str,
    acronym: &str,
    nct: &str,
    lines: &[String],
    url: &str,
) -> OutgoingMail {
    let subject = one_line(&format!("{acronym}: ClinicalTrials.gov siger noget andet"));
    let text = SourceChangedText {
        acronym,
        nct,
        lines,
        url,
    };
    let html = SourceChangedHtml {
        english: false,
        subject: &subject,
        acronym,
        nct,
        lines,
        url,
    };
    OutgoingMail {
        to: to.to_owned(),
        text: render(&text),
        html: render(&html),
        subject,
        kind: kind::SOURCE_CHANGED,
        list_unsubscribe: None,
    }
}

fn render(template: &impl Template) -> String {
    template
        .render()
        .expect("email templates only print strings and numbers, which cannot fail")
}

/// A subject is one header line: line breaks in user-supplied parts become spaces.
fn one_line(subject: &str) -> String {
    subject
        .split(char::is_control)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select<'a>(html: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
        let selector = scraper::Selector::parse(css).expect("valid selector");
        html.select(&selector).collect()
    }

    #[test]
    fn every_message_has_a_danish_subject_and_both_bodies_with_the_link() {
        let url = "https://registry.example/x?a=1&b=2";
        for (mail, expected_kind) in [
            (
                submitted_mail("inbox@dccc.invalid", "ÆBLE-1", "DBCG", "Søren", url),
                kind::SUBMITTED,
            ),
            (
                published_mail("a@dccc.invalid", "ÆBLE-1", url),
                kind::PUBLISHED,
            ),
            (
                returned_mail("a@dccc.invalid", "ÆBLE-1", "Mangler fase", url),
                kind::RETURNED,
            ),
            (
                reminder_mail("a@dccc.invalid", "ÆBLE-1", 200, url),
                kind::REMINDER,
            ),
        ] {
            assert_eq!(mail.kind, expected_kind);
            assert!(
                mail.subject.contains("ÆBLE-1"),
                "{}: {}",
                mail.kind,
                mail.subject
            );
            assert!(
                mail.text.contains(url),
                "{}: text has the raw link",
                mail.kind
            );
            assert!(
                !mail.text.contains('<'),
                "{}: text has no markup",
                mail.kind
            );

            let html = scraper::Html::parse_document(&mail.html);
            let root = select(&html, "html");
            assert_eq!(root[0].value().attr("lang"), Some("da"), "{}", mail.kind);
            let title: String = select(&html, "title")[0].text().collect();
            assert_eq!(title, mail.subject, "{}: title", mail.kind);
            let links: Vec<_> = select(&html, "a.action")
                .iter()
                .map(|a| a.value().attr("href"))
                .collect();
            assert_eq!(links, [Some(url)], "{}: one action link", mail.kind);
            let acronym: String = select(&html, "strong.acronym")[0].text().collect();
            assert_eq!(acronym, "ÆBLE-1", "{}", mail.kind);
        }
    }

    #[test]
    fn user_text_is_escaped_in_html_and_kept_as_written_in_text() {
        let comment = "Tjek <b>fase</b> & \"alder\"\nLinje 2";
        let mail = returned_mail("a@dccc.invalid", "X", comment, "https://r.example/e");
        assert!(mail.text.contains(comment));
        let html = scraper::Html::parse_document(&mail.html);
        assert!(select(&html, "b").is_empty(), "no markup from the comment");
        let quoted: String = select(&html, "blockquote.comment")[0].text().collect();
        assert_eq!(quoted, comment);
    }

    #[test]
    fn line_breaks_in_an_acronym_cannot_add_header_lines() {
        let mail = published_mail("a@dccc.invalid", "A\r\nBcc: x@y", "https://r.example");
        assert_eq!(mail.subject, "Protokollen A Bcc: x@y er offentliggjort");
    }

    #[test]
    fn a_reminder_says_dag_for_one_day_and_dage_otherwise() {
        let one = reminder_mail("a@dccc.invalid", "X", 1, "https://r.example");
        assert!(one.text.contains("for 1 dag siden"), "{}", one.text);
        let many = reminder_mail("a@dccc.invalid", "X", 190, "https://r.example");
        assert!(many.text.contains("for 190 dage siden"), "{}", many.text);
    }
}

/// One protocol of an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertItem {
    pub acronym: String,
    pub title: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "email/alert_confirm.txt", escape = "none")]
struct AlertConfirmText<'a> {
    english: bool,
    filter: &'a [String],
    confirm_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/alert_confirm.html")]
struct AlertConfirmHtml<'a> {
    english: bool,
    subject: &'a str,
    filter: &'a [String],
    confirm_url: &'a str,
}

/// To someone who asked for alerts: confirm the address (double opt-in). Nothing else is
/// sent to it until they do.
pub fn alert_confirm_mail(
    to: &str,
    english: bool,
    filter: &[String],
    confirm_url: &str,
) -> OutgoingMail {
    let subject = if english {
        "Confirm your alerts about new cancer trials".to_owned()
    } else {
        "Bekræft din besked om nye kræftforsøg".to_owned()
    };
    OutgoingMail {
        to: to.to_owned(),
        text: render(&AlertConfirmText {
            english,
            filter,
            confirm_url,
        }),
        html: render(&AlertConfirmHtml {
            english,
            subject: &subject,
            filter,
            confirm_url,
        }),
        subject,
        kind: kind::ALERT_CONFIRM,
        list_unsubscribe: None,
    }
}

#[derive(Template)]
#[template(path = "email/alert.txt", escape = "none")]
struct AlertText<'a> {
    english: bool,
    filter: &'a [String],
    items: &'a [AlertItem],
    leave_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/alert.html")]
struct AlertHtml<'a> {
    english: bool,
    subject: &'a str,
    filter: &'a [String],
    items: &'a [AlertItem],
    leave_url: &'a str,
}

/// The weekly alert: the protocols that opened since the last one, and the way out.
pub fn alert_mail(
    to: &str,
    english: bool,
    filter: &[String],
    items: &[AlertItem],
    leave_url: &str,
) -> OutgoingMail {
    let subject = one_line(&match (english, items.len()) {
        (false, 1) => "1 nyt kræftforsøg er åbnet".to_owned(),
        (false, n) => format!("{n} nye kræftforsøg er åbnet"),
        (true, 1) => "1 new cancer trial has opened".to_owned(),
        (true, n) => format!("{n} new cancer trials have opened"),
    });
    OutgoingMail {
        to: to.to_owned(),
        text: render(&AlertText {
            english,
            filter,
            items,
            leave_url,
        }),
        html: render(&AlertHtml {
            english,
            subject: &subject,
            filter,
            items,
            leave_url,
        }),
        subject,
        kind: kind::ALERT,
        list_unsubscribe: Some(leave_url.to_owned()),
    }
}
