//! Protocols in the editorial workflow: drafts of new protocols and revisions of published
//! ones, stored as interchange JSON until DCCC publishes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::protocol_drafts as d;
use super::DbConnection;
pub use crate::domain::drafts::DraftState;
use crate::domain::ProtocolDoc;

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i32,
    pub protocol_id: Option<i32>,
    pub dmcg: String,
    pub acronym: String,
    pub doc: ProtocolDoc,
    pub state: DraftState,
    pub review_comment: Option<String>,
    /// `None` for a draft imported on the command line.
    pub created_by: Option<i32>,
    pub submitted_by: Option<i32>,
    pub reviewed_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

type Row = (
    i32,
    Option<i32>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    NaiveDateTime,
    NaiveDateTime,
);

fn to_draft(r: Row) -> QueryResult<Draft> {
    let doc = serde_json::from_str(&r.4).map_err(|e| {
        diesel::result::Error::DeserializationError(format!("draft {} document: {e}", r.0).into())
    })?;
    let state = DraftState::parse(&r.5).ok_or_else(|| {
        diesel::result::Error::DeserializationError(format!("draft state {}", r.5).into())
    })?;
    Ok(Draft {
        id: r.0,
        protocol_id: r.1,
        dmcg: r.2,
        acronym: r.3,
        doc,
        state,
        review_comment: r.6,
        created_by: r.7,
        submitted_by: r.8,
        reviewed_by: r.9,
        created_at: r.10,
        updated_at: r.11,
    })
}

fn columns() -> (
    d::id,
    d::protocol_id,
    d::dmcg,
    d::acronym,
    d::doc,
    d::state,
    d::review_comment,
    d::created_by,
    d::submitted_by,
    d::reviewed_by,
    d::created_at,
    d::updated_at,
) {
    (
        d::id,
        d::protocol_id,
        d::dmcg,
        d::acronym,
        d::doc,
        d::state,
        d::review_comment,
        d::created_by,
        d::submitted_by,
        d::reviewed_by,
        d::created_at,
        d::updated_at,
    )
}

fn doc_json(doc: &ProtocolDoc) -> String {
    serde_json::to_string(doc).unwrap_or_else(|_| "{}".into())
}

/// Creates a draft; returns its id.
pub fn create(
    conn: &mut DbConnection,
    protocol_id: Option<i32>,
    doc: &ProtocolDoc,
    user: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(d::table)
        .values((
            d::protocol_id.eq(protocol_id),
            d::dmcg.eq(doc.dmcg.clone().unwrap_or_default()),
            d::acronym.eq(doc.acronym.clone().unwrap_or_default()),
            d::doc.eq(doc_json(doc)),
            d::state.eq(DraftState::Draft.as_str()),
            d::created_by.eq(user),
            d::created_at.eq(now),
            d::updated_at.eq(now),
        ))
        .execute(conn)?;
    let newest = d::table
        .filter(d::created_at.eq(now))
        .filter(d::acronym.eq(doc.acronym.clone().unwrap_or_default()))
        .select(d::id)
        .order(d::id.desc());
    match user {
        Some(user) => newest.filter(d::created_by.eq(user)).first(conn),
        None => newest.filter(d::created_by.is_null()).first(conn),
    }
}

/// Stores a new version of the document and a new state.
pub fn update(
    conn: &mut DbConnection,
    id: i32,
    doc: &ProtocolDoc,
    state: DraftState,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(d::table.find(id))
        .set((
            d::dmcg.eq(doc.dmcg.clone().unwrap_or_default()),
            d::acronym.eq(doc.acronym.clone().unwrap_or_default()),
            d::doc.eq(doc_json(doc)),
            d::state.eq(state.as_str()),
            d::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_submitted(
    conn: &mut DbConnection,
    id: i32,
    user: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(d::table.find(id))
        .set((
            d::state.eq(DraftState::Submitted.as_str()),
            d::submitted_by.eq(user),
            d::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_reviewed(
    conn: &mut DbConnection,
    id: i32,
    state: DraftState,
    comment: Option<&str>,
    reviewer: i32,
    protocol_id: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(d::table.find(id))
        .set((
            d::state.eq(state.as_str()),
            d::review_comment.eq(comment),
            d::reviewed_by.eq(reviewer),
            d::protocol_id.eq(protocol_id),
            d::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Draft>> {
    d::table
        .find(id)
        .select(columns())
        .first::<Row>(conn)
        .optional()?
        .map(to_draft)
        .transpose()
}

/// Drafts not yet published, optionally only those of some DMCGs, newest first.
pub fn open_drafts(conn: &mut DbConnection, dmcgs: Option<&[String]>) -> QueryResult<Vec<Draft>> {
    let mut q = d::table
        .filter(d::state.ne(DraftState::Published.as_str()))
        .select(columns())
        .order(d::updated_at.desc())
        .into_boxed();
    if let Some(list) = dmcgs {
        q = q.filter(d::dmcg.eq_any(list.to_vec()));
    }
    q.load::<Row>(conn)?.into_iter().map(to_draft).collect()
}

/// The open revision of a published protocol, if one is in the workflow.
pub fn open_revision_of(conn: &mut DbConnection, protocol_id: i32) -> QueryResult<Option<Draft>> {
    d::table
        .filter(
            d::protocol_id
                .eq(protocol_id)
                .and(d::state.ne(DraftState::Published.as_str())),
        )
        .select(columns())
        .first::<Row>(conn)
        .optional()?
        .map(to_draft)
        .transpose()
}

/// What an imported draft still needs an editor for (see the `draft_notes` table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftNote {
    pub id: i32,
    /// `suggested`, `unmatched` or `to_write`.
    pub kind: String,
    pub field: String,
    pub value: String,
    pub source: String,
}

/// Adds notes to a draft.
pub fn add_notes(
    conn: &mut DbConnection,
    draft: i32,
    notes: &[(&str, String, String, String)],
) -> QueryResult<()> {
    use crate::db::schema::draft_notes as n;
    for (kind, field, value, source) in notes {
        diesel::insert_into(n::table)
            .values((
                n::draft_id.eq(draft),
                n::kind.eq(*kind),
                n::field.eq(field),
                n::value.eq(value),
                n::source.eq(source),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A draft's notes in the order they were made.
pub fn notes(conn: &mut DbConnection, draft: i32) -> QueryResult<Vec<DraftNote>> {
    use crate::db::schema::draft_notes as n;
    Ok(n::table
        .filter(n::draft_id.eq(draft))
        .order(n::id)
        .select((n::id, n::kind, n::field, n::value, n::source))
        .load::<(i32, String, String, String, String)>(conn)?
        .into_iter()
        .map(|(id, kind, field, value, source)| DraftNote {
            id,
            kind,
            field,
            value,
            source,
        })
        .collect())
}

/// Removes the notes the editor confirmed (only the draft's own).
pub fn confirm_notes(conn: &mut DbConnection, draft: i32, ids: &[i32]) -> QueryResult<usize> {
    use crate::db::schema::draft_notes as n;
    diesel::delete(
        n::table
            .filter(n::draft_id.eq(draft))
            .filter(n::id.eq_any(ids)),
    )
    .execute(conn)
}
