//! The editorial workflow (domain.md lifecycles): drafts, submission, DCCC's review, direct
//! status changes and confirmations, each checked against the user's rights, recorded in the
//! history, and with its e-mail queued in the same transaction.

use chrono::NaiveDateTime;
use dccc_matching::{RecruitmentStatus, SiteStatus};

use crate::db::drafts::{self, Draft, DraftState};
use crate::db::history::{self, diff_json, Actor, Change};
use crate::db::protocols::{self, StoredProtocol};
use crate::db::users::{self, User};
use crate::db::DbConnection;
use crate::domain::{msg, FieldError, Protocol, ProtocolDoc};
use crate::mail;

/// Why a workflow step was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The step is not allowed from the record's current state (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    #[error("invalid record")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Where e-mail goes and how links in it start.
#[derive(Debug, Clone)]
pub struct MailContext {
    pub inbox: Option<String>,
    pub base_url: String,
}

fn doc_value(doc: &ProtocolDoc) -> serde_json::Value {
    serde_json::to_value(doc).unwrap_or(serde_json::Value::Null)
}

/// What `doc` changes against the published protocol, field by field (departments by code).
pub fn changes_against(published: &Protocol, doc: &ProtocolDoc) -> Vec<Change> {
    diff_json(
        &doc_value(&ProtocolDoc::from_protocol(published)),
        &doc_value(doc),
    )
}

fn load_draft(conn: &mut DbConnection, user: &User, id: i32) -> Result<Draft, WorkflowError> {
    let draft = drafts::find(conn, id)?.ok_or(WorkflowError::NotFound)?;
    if !user.may_edit_dmcg(&draft.dmcg) {
        return Err(WorkflowError::Forbidden);
    }
    Ok(draft)
}

/// Checks a record for submission or publication: the contract's rules plus the registry's
/// uniqueness of acronyms, addresses and identifiers (`own` is the record a revision replaces).
pub fn check_record(
    conn: &mut DbConnection,
    doc: &ProtocolDoc,
    own: Option<i32>,
) -> Result<Protocol, WorkflowError> {
    let codes = crate::services::interchange::json::reference_codes(conn)?;
    let protocol = doc.validate(&codes).map_err(WorkflowError::Invalid)?;
    let mut errors = Vec::new();
    let own_acronym = own_acronym(conn, own)?;
    let own_slug = own_acronym.as_deref().map(crate::domain::slugify);
    // A revision keeps its public address; anything else must not take another's.
    if own_slug.as_deref() != Some(protocol.slug().as_str()) {
        if let Some(holder) = protocols::slug_holder(conn, &protocol.slug())? {
            if own_acronym.as_deref() != Some(holder.as_str()) {
                errors.push(FieldError::new("acronym", msg::ACRONYM_TAKEN).with("holder", holder));
            }
        }
    }
    let ids = &protocol.identifiers;
    for (scheme, value) in [
        ("nct", ids.nct.as_ref().map(|v| v.as_str().to_owned())),
        (
            "eudract",
            ids.eudract.as_ref().map(|v| v.as_str().to_owned()),
        ),
        ("eu_ct", ids.eu_ct.as_ref().map(|v| v.as_str().to_owned())),
    ] {
        let Some(value) = value else { continue };
        if let Some(holder) = protocols::identifier_holder(conn, scheme, &value)? {
            if own_acronym.as_deref() != Some(holder.as_str()) {
                errors.push(
                    FieldError::new(format!("identifiers.{scheme}"), msg::IDENTIFIER_TAKEN)
                        .with("value", &value)
                        .with("holder", holder),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(protocol)
    } else {
        Err(WorkflowError::Invalid(errors))
    }
}

fn own_acronym(conn: &mut DbConnection, own: Option<i32>) -> diesel::QueryResult<Option<String>> {
    match own {
        Some(id) => Ok(protocols::load_protocols(conn, Some(&[id]), false)?
            .into_iter()
            .next()
            .map(|s| s.protocol.acronym)),
        None => Ok(None),
    }
}

/// Creates a draft of a new protocol, or saves an existing draft (a returned one becomes a
/// draft again). A draft may be incomplete; only the DMCG must be one the user edits.
pub fn save_draft(
    conn: &mut DbConnection,
    user: &User,
    id: Option<i32>,
    doc: &ProtocolDoc,
    now: NaiveDateTime,
) -> Result<i32, WorkflowError> {
    let dmcg = doc.dmcg.clone().unwrap_or_default();
    if !user.may_edit_dmcg(&dmcg) {
        return Err(WorkflowError::Invalid(vec![FieldError::new(
            "dmcg",
            msg::OWN_DMCG,
        )]));
    }
    crate::db::write_transaction(conn, |conn| {
        let id = match id {
            None => {
                let id = drafts::create(conn, None, doc, Some(user.id), now)?;
                history::record(
                    conn,
                    "draft",
                    &id.to_string(),
                    "created",
                    &Actor::of(user),
                    &[],
                    false,
                    now,
                )?;
                id
            }
            Some(id) => {
                let draft = load_draft(conn, user, id)?;
                match draft.state {
                    DraftState::Draft | DraftState::Returned => {}
                    DraftState::Submitted => return Err(WorkflowError::Conflict(
                        "Protokollen er indsendt og kan ikke ændres, før DCCC har sendt den retur."
                            .into(),
                    )),
                    DraftState::Published => {
                        return Err(WorkflowError::Conflict(
                            "Kladden er allerede offentliggjort.".into(),
                        ))
                    }
                }
                // The form does not carry the demo flag: a revision of a demo record stays one.
                let doc = &ProtocolDoc {
                    demo: draft.doc.demo,
                    ..doc.clone()
                };
                let changes = diff_json(&doc_value(&draft.doc), &doc_value(doc));
                drafts::update(conn, id, doc, DraftState::Draft, now)?;
                history::record(
                    conn,
                    "draft",
                    &id.to_string(),
                    "saved",
                    &Actor::of(user),
                    &changes,
                    false,
                    now,
                )?;
                id
            }
        };
        Ok(id)
    })
}

/// Sends a complete draft to DCCC for review.
pub fn submit(
    conn: &mut DbConnection,
    user: &User,
    id: i32,
    ctx: &MailContext,
    now: NaiveDateTime,
) -> Result<(), WorkflowError> {
    crate::db::write_transaction(conn, |conn| {
        let draft = load_draft(conn, user, id)?;
        if !matches!(draft.state, DraftState::Draft | DraftState::Returned) {
            return Err(WorkflowError::Conflict(format!(
                "En protokol med status «{}» kan ikke indsendes.",
                draft.state.label_da()
            )));
        }
        check_record(conn, &draft.doc, draft.protocol_id)?;
        drafts::set_submitted(conn, id, user.id, now)?;
        history::record(
            conn,
            "draft",
            &id.to_string(),
            "submitted",
            &Actor::of(user),
            &[],
            false,
            now,
        )?;
        if let Some(inbox) = &ctx.inbox {
            let url = format!("{}/admin/kladder/{id}", ctx.base_url);
            let mail =
                mail::submitted_mail(inbox, &draft.acronym, &draft.dmcg, &user.display_name, &url);
            mail::enqueue(conn, &mail, now)?;
        }
        Ok(())
    })
}

fn submitter_email(conn: &mut DbConnection, draft: &Draft) -> diesel::QueryResult<Option<String>> {
    let Some(id) = draft.submitted_by.or(draft.created_by) else {
        return Ok(None);
    };
    Ok(users::find_user(conn, id)?
        .filter(|u| u.active)
        .map(|u| u.email))
}

/// DCCC publishes a submitted draft: a new protocol goes public, a revision replaces the
/// public version. Returns the protocol's slug.
pub fn publish(
    conn: &mut DbConnection,
    admin: &User,
    id: i32,
    ctx: &MailContext,
    now: NaiveDateTime,
) -> Result<String, WorkflowError> {
    if !admin.is_admin() {
        return Err(WorkflowError::Forbidden);
    }
    crate::db::write_transaction(conn, |conn| {
        let draft = drafts::find(conn, id)?.ok_or(WorkflowError::NotFound)?;
        if draft.state != DraftState::Submitted {
            return Err(WorkflowError::Conflict(format!(
                "Kun indsendte protokoller kan offentliggøres; denne er «{}».",
                draft.state.label_da()
            )));
        }
        let protocol = check_record(conn, &draft.doc, draft.protocol_id)?;
        let before = match draft.protocol_id {
            Some(pid) => protocols::load_protocols(conn, Some(&[pid]), false)?
                .into_iter()
                .next(),
            None => None,
        };
        let pid = match draft.protocol_id {
            Some(pid) => protocols::replace_protocol(conn, pid, &protocol, now)?,
            None => protocols::save_protocol(conn, &protocol, protocols::PUBLISHED, now)?,
        };
        drafts::set_reviewed(
            conn,
            id,
            DraftState::Published,
            None,
            admin.id,
            Some(pid),
            now,
        )?;
        let stored = protocols::load_protocols(conn, Some(&[pid]), false)?
            .into_iter()
            .next()
            .ok_or(WorkflowError::NotFound)?;
        let changes = before.as_ref().map_or_else(Vec::new, |b: &StoredProtocol| {
            changes_against(&b.protocol, &ProtocolDoc::from_protocol(&stored.protocol))
        });
        let action = if before.is_some() {
            "revision_published"
        } else {
            "published"
        };
        history::record(
            conn,
            "protocol",
            &stored.slug,
            action,
            &Actor::of(admin),
            &changes,
            true,
            now,
        )?;
        history::record(
            conn,
            "draft",
            &id.to_string(),
            "published",
            &Actor::of(admin),
            &[],
            false,
            now,
        )?;
        if let Some(to) = submitter_email(conn, &draft)? {
            let url = format!("{}/protokoller/{}", ctx.base_url, stored.slug);
            mail::enqueue(
                conn,
                &mail::published_mail(&to, &stored.protocol.acronym, &url),
                now,
            )?;
        }
        Ok(stored.slug)
    })
}

/// DCCC returns a submitted draft to its editors with a comment.
pub fn return_draft(
    conn: &mut DbConnection,
    admin: &User,
    id: i32,
    comment: &str,
    ctx: &MailContext,
    now: NaiveDateTime,
) -> Result<(), WorkflowError> {
    if !admin.is_admin() {
        return Err(WorkflowError::Forbidden);
    }
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(WorkflowError::Invalid(vec![FieldError::new(
            "comment",
            msg::REVIEW_COMMENT_REQUIRED,
        )]));
    }
    crate::db::write_transaction(conn, |conn| {
        let draft = drafts::find(conn, id)?.ok_or(WorkflowError::NotFound)?;
        if draft.state != DraftState::Submitted {
            return Err(WorkflowError::Conflict(format!(
                "Kun indsendte protokoller kan sendes retur; denne er «{}».",
                draft.state.label_da()
            )));
        }
        drafts::set_reviewed(
            conn,
            id,
            DraftState::Returned,
            Some(comment),
            admin.id,
            draft.protocol_id,
            now,
        )?;
        let change = Change {
            field: "comment".into(),
            old: None,
            new: Some(comment.to_owned()),
        };
        history::record(
            conn,
            "draft",
            &id.to_string(),
            "returned",
            &Actor::of(admin),
            &[change],
            false,
            now,
        )?;
        if let Some(to) = submitter_email(conn, &draft)? {
            let url = format!("{}/redaktion/kladder/{id}", ctx.base_url);
            mail::enqueue(
                conn,
                &mail::returned_mail(&to, &draft.acronym, comment, &url),
                now,
            )?;
        }
        Ok(())
    })
}

fn published(
    conn: &mut DbConnection,
    user: &User,
    slug: &str,
) -> Result<StoredProtocol, WorkflowError> {
    let stored = protocols::find_by_slug(conn, slug)?
        .filter(|s| s.review_status == protocols::PUBLISHED)
        .ok_or(WorkflowError::NotFound)?;
    if !user.may_edit_dmcg(&stored.protocol.dmcg) {
        return Err(WorkflowError::Forbidden);
    }
    Ok(stored)
}

/// Opens a revision of a published protocol (or returns the one already open).
pub fn start_revision(
    conn: &mut DbConnection,
    user: &User,
    slug: &str,
    now: NaiveDateTime,
) -> Result<i32, WorkflowError> {
    crate::db::write_transaction(conn, |conn| {
        let stored = published(conn, user, slug)?;
        if let Some(open) = drafts::open_revision_of(conn, stored.id)? {
            return Ok(open.id);
        }
        let doc = ProtocolDoc::from_protocol(&stored.protocol);
        let id = drafts::create(conn, Some(stored.id), &doc, Some(user.id), now)?;
        history::record(
            conn,
            "draft",
            &id.to_string(),
            "revision_started",
            &Actor::of(user),
            &[],
            false,
            now,
        )?;
        Ok(id)
    })
}

/// Changes the recruitment status and departments' statuses of a published protocol at once,
/// without review; an open revision gets the same statuses so publishing it keeps them.
pub fn change_statuses(
    conn: &mut DbConnection,
    user: &User,
    slug: &str,
    status: RecruitmentStatus,
    sites: &[(String, SiteStatus)],
    now: NaiveDateTime,
) -> Result<(), WorkflowError> {
    crate::db::write_transaction(conn, |conn| {
        let stored = published(conn, user, slug)?;
        let mut changes = Vec::new();
        if stored.protocol.recruitment_status != status {
            changes.push(Change {
                field: "recruitment_status".into(),
                old: Some(stored.protocol.recruitment_status.as_str().into()),
                new: Some(status.as_str().into()),
            });
        }
        let mut applied = Vec::new();
        for (code, new) in sites {
            let Some(current) = stored.protocol.sites.iter().find(|s| &s.site == code) else {
                return Err(WorkflowError::Invalid(vec![FieldError::new(
                    "sites",
                    msg::SITE_NOT_IN_PROTOCOL,
                )
                .with("site", code)]));
            };
            if current.status != *new {
                changes.push(Change {
                    field: format!("sites.{code}.status"),
                    old: Some(current.status.as_str().into()),
                    new: Some(new.as_str().into()),
                });
                applied.push((code.clone(), *new));
            }
        }
        if changes.is_empty() {
            return Ok(());
        }
        protocols::set_statuses(conn, stored.id, status, &applied, now)?;
        if let Some(mut revision) = drafts::open_revision_of(conn, stored.id)? {
            revision.doc.recruitment_status = Some(status.as_str().into());
            for site in &mut revision.doc.sites {
                if let Some((_, s)) = applied.iter().find(|(c, _)| *c == site.site) {
                    site.status = s.as_str().into();
                }
            }
            drafts::update(conn, revision.id, &revision.doc, revision.state, now)?;
        }
        history::record(
            conn,
            "protocol",
            &stored.slug,
            "status_changed",
            &Actor::of(user),
            &changes,
            true,
            now,
        )?;
        Ok(())
    })
}

/// An editor confirms that a published protocol's information is current.
pub fn confirm(
    conn: &mut DbConnection,
    user: &User,
    slug: &str,
    now: NaiveDateTime,
) -> Result<(), WorkflowError> {
    crate::db::write_transaction(conn, |conn| {
        let stored = published(conn, user, slug)?;
        protocols::confirm(conn, stored.id, now)?;
        history::record(
            conn,
            "protocol",
            &stored.slug,
            "confirmed",
            &Actor::of(user),
            &[],
            true,
            now,
        )?;
        Ok(())
    })
}

/// Stores a record from another registry as a new draft of its DMCG, with what the editor
/// must still look at (`notes`: kind, field, value, source). `user` is the editor who fetched
/// it, `None` on the command line. It is never published without an editor and DCCC.
pub fn import_draft(
    conn: &mut DbConnection,
    doc: &ProtocolDoc,
    user: Option<&User>,
    source: &str,
    notes: &[(&str, String, String, String)],
    now: NaiveDateTime,
) -> Result<i32, WorkflowError> {
    if let Some(user) = user {
        if !user.may_edit_dmcg(doc.dmcg.as_deref().unwrap_or_default()) {
            return Err(WorkflowError::Invalid(vec![FieldError::new(
                "dmcg",
                msg::OWN_DMCG,
            )]));
        }
    }
    let actor = user.map_or_else(|| Actor::system(source), Actor::of);
    Ok(crate::db::write_transaction(conn, |conn| {
        let id = drafts::create(conn, None, doc, user.map(|u| u.id), now)?;
        drafts::add_notes(conn, id, notes)?;
        history::record(
            conn,
            "draft",
            &id.to_string(),
            "imported",
            &actor,
            &[],
            false,
            now,
        )?;
        diesel::QueryResult::Ok(id)
    })?)
}
