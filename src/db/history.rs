//! The change history: every change to a protocol, user or reference record, with who, when,
//! and each field's old and new value. Public entries make up a protocol's change log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::history;
use super::DbConnection;

pub use crate::domain::change::Change;

/// Who made a change: a user, or the command line / system.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i32>,
    pub label: String,
}

impl Actor {
    /// A logged-in user, named as the history shows them.
    pub fn of(user: &super::users::User) -> Self {
        Self {
            id: Some(user.id),
            label: format!("{} <{}>", user.display_name, user.email),
        }
    }

    pub fn system(label: &str) -> Self {
        Self {
            id: None,
            label: label.to_owned(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub id: i32,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    pub actor_label: String,
    pub at: NaiveDateTime,
    pub changes: Vec<Change>,
    pub public: bool,
}

/// The changes between two JSON values, as dotted field paths. Arrays are compared whole,
/// except a protocol's departments (objects with a `site` code), which are compared by code:
/// `sites.AUH-ONK.status`, or `sites.AUH-ONK` for a department added or removed.
pub fn diff_json(old: &serde_json::Value, new: &serde_json::Value) -> Vec<Change> {
    let mut out = Vec::new();
    diff_into("", old, new, &mut out);
    out
}

fn show(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn diff_into(
    prefix: &str,
    old: &serde_json::Value,
    new: &serde_json::Value,
    out: &mut Vec<Change>,
) {
    use serde_json::Value::{Array, Null, Object};
    let empty = Object(serde_json::Map::new());
    match (old, new) {
        // A record created or removed: each of its fields, not the record as one value.
        (Null, Object(_)) if prefix.is_empty() => diff_into(prefix, &empty, new, out),
        (Object(_), Null) if prefix.is_empty() => diff_into(prefix, old, &empty, out),
        (Array(a), Array(b)) if a != b && by_site(a).is_some() && by_site(b).is_some() => {
            let (a, b) = (
                by_site(a).unwrap_or_default(),
                by_site(b).unwrap_or_default(),
            );
            diff_into(prefix, &Object(a), &Object(b), out);
        }
        (Object(a), Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            let null = serde_json::Value::Null;
            for k in keys {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                diff_into(
                    &path,
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        (a, b) if a != b => out.push(Change {
            field: prefix.to_owned(),
            old: show(a),
            new: show(b),
        }),
        _ => {}
    }
}

/// Department rows keyed by their site code, if every element is one.
fn by_site(rows: &[serde_json::Value]) -> Option<serde_json::Map<String, serde_json::Value>> {
    rows.iter()
        .map(|row| {
            let code = row.get("site")?.as_str()?.to_owned();
            let mut rest = row.as_object()?.clone();
            rest.remove("site");
            Some((code, serde_json::Value::Object(rest)))
        })
        .collect()
}

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column of an entry"
)]
pub fn record(
    conn: &mut DbConnection,
    entity: &str,
    entity_key: &str,
    action: &str,
    actor: &Actor,
    changes: &[Change],
    public: bool,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let changes = serde_json::to_string(changes).unwrap_or_else(|_| "[]".into());
    diesel::insert_into(history::table)
        .values((
            history::entity.eq(entity),
            history::entity_key.eq(entity_key),
            history::action.eq(action),
            history::actor_id.eq(actor.id),
            history::actor_label.eq(&actor.label),
            history::at.eq(at),
            history::changes.eq(changes),
            history::public.eq(i16::from(public)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records one `action` per entity of `entity` (key and changes) in multi-row inserts: an
/// import of a million entries writes a thousand statements, not a million.
pub fn record_many(
    conn: &mut DbConnection,
    entity: &str,
    action: &str,
    actor: &Actor,
    entries: &[(String, Vec<Change>)],
    at: NaiveDateTime,
) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        // One array per column (`unnest`): a multi-row VALUES of thousands of rows is parsed
        // and bound parameter by parameter, as slow as storing them.
        use diesel::sql_types::{Array, Nullable, Text, Timestamp};
        for chunk in entries.chunks(2000) {
            let keys: Vec<&str> = chunk.iter().map(|(key, _)| key.as_str()).collect();
            let changes: Vec<String> = chunk
                .iter()
                .map(|(_, changes)| serde_json::to_string(changes).unwrap_or_else(|_| "[]".into()))
                .collect();
            diesel::sql_query(
                "INSERT INTO history (entity, entity_key, action, actor_id, actor_label, at, \
                 changes, public) SELECT $1, k, $2, $3, $4, $5, c, 0 \
                 FROM unnest($6, $7) WITH ORDINALITY AS t (k, c, n) ORDER BY n",
            )
            .bind::<Text, _>(entity)
            .bind::<Text, _>(action)
            .bind::<Nullable<diesel::sql_types::Integer>, _>(actor.id)
            .bind::<Text, _>(&actor.label)
            .bind::<Timestamp, _>(at)
            .bind::<Array<Text>, _>(keys)
            .bind::<Array<Text>, _>(changes)
            .execute(c)?;
        }
        return Ok(());
    }
    for chunk in entries.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(key, changes)| {
                (
                    history::entity.eq(entity),
                    history::entity_key.eq(key.as_str()),
                    history::action.eq(action),
                    history::actor_id.eq(actor.id),
                    history::actor_label.eq(actor.label.as_str()),
                    history::at.eq(at),
                    history::changes
                        .eq(serde_json::to_string(changes).unwrap_or_else(|_| "[]".into())),
                    history::public.eq(0i16),
                )
            })
            .collect();
        super::batch_insert(conn, history::table, rows)?;
    }
    Ok(())
}

type Row = (
    i32,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    String,
    i16,
);

fn to_entry(r: Row) -> HistoryEntry {
    HistoryEntry {
        id: r.0,
        entity: r.1,
        entity_key: r.2,
        action: r.3,
        actor_label: r.4,
        at: r.5,
        changes: serde_json::from_str(&r.6).unwrap_or_default(),
        public: r.7 == 1,
    }
}

/// Entries for one record, newest first.
pub fn for_entity(
    conn: &mut DbConnection,
    entity: &str,
    key: &str,
    public_only: bool,
) -> QueryResult<Vec<HistoryEntry>> {
    let mut q = history::table
        .filter(history::entity.eq(entity).and(history::entity_key.eq(key)))
        .select((
            history::id,
            history::entity,
            history::entity_key,
            history::action,
            history::actor_label,
            history::at,
            history::changes,
            history::public,
        ))
        .order((history::at.desc(), history::id.desc()))
        .into_boxed();
    if public_only {
        q = q.filter(history::public.eq(1i16));
    }
    Ok(q.load::<Row>(conn)?.into_iter().map(to_entry).collect())
}

/// The latest entries of everything (for admins).
pub fn latest(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<HistoryEntry>> {
    Ok(history::table
        .select((
            history::id,
            history::entity,
            history::entity_key,
            history::action,
            history::actor_label,
            history::at,
            history::changes,
            history::public,
        ))
        .order((history::at.desc(), history::id.desc()))
        .limit(limit)
        .load::<Row>(conn)?
        .into_iter()
        .map(to_entry)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_name_each_changed_field_with_old_and_new_values() {
        let old = json!({"phase": "phase-2", "contact": {"email": "a@x.dk", "name": "A"}, "keywords": ["a"]});
        let new = json!({"phase": "phase-3", "contact": {"email": "a@x.dk", "name": null}, "keywords": ["a", "b"]});
        let changes = diff_json(&old, &new);
        assert_eq!(
            changes,
            vec![
                Change {
                    field: "contact.name".into(),
                    old: Some("A".into()),
                    new: None
                },
                Change {
                    field: "keywords".into(),
                    old: Some("[\"a\"]".into()),
                    new: Some("[\"a\",\"b\"]".into())
                },
                Change {
                    field: "phase".into(),
                    old: Some("phase-2".into()),
                    new: Some("phase-3".into())
                },
            ]
        );
    }

    #[test]
    fn departments_are_compared_by_their_code_not_their_place_in_the_list() {
        let old = json!({"sites": [{"site": "AUH-ONK", "status": "open"}, {"site": "RH-ONK", "status": "open"}]});
        let new = json!({"sites": [{"site": "RH-ONK", "status": "closed"}, {"site": "OUH-ONK", "status": "open"}]});
        let fields: Vec<(String, Option<String>, Option<String>)> = diff_json(&old, &new)
            .into_iter()
            .map(|c| (c.field, c.old, c.new))
            .collect();
        assert_eq!(
            fields,
            [
                (
                    "sites.AUH-ONK".into(),
                    Some(r#"{"status":"open"}"#.into()),
                    None
                ),
                (
                    "sites.OUH-ONK".into(),
                    None,
                    Some(r#"{"status":"open"}"#.into())
                ),
                (
                    "sites.RH-ONK.status".into(),
                    Some("open".into()),
                    Some("closed".into())
                ),
            ]
        );
        // The same departments in another order are no change.
        let reordered = json!({"sites": [{"site": "RH-ONK", "status": "open"}, {"site": "AUH-ONK", "status": "open"}]});
        assert!(diff_json(&old, &reordered).is_empty());
    }
}
